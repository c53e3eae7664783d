/* tests/unit/test-form.c - data forms: parse, print, fill, check, submit,
 * prompt */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "lib/form.h"
#include "lib/out.h"
#include "lib/rc.h"
#include "tests/unit/tap.h"

static xmpp_ctx_t *ctx;

static const char pizza[] =
    "<x xmlns='jabber:x:data' type='form'>"
    "<title>Pizza order</title>"
    "<instructions>Choose a size.</instructions>"
    "<instructions>Then toppings.</instructions>"
    "<field var='FORM_TYPE' type='hidden'><value>urn:example:pizza</value>"
    "</field>"
    "<field type='fixed'><value>Section 1</value></field>"
    "<field var='size' type='list-single' label='Size'><required/>"
    "<option label='Small'><value>s</value></option>"
    "<option label='Large'><value>l</value></option><value>s</value></field>"
    "<field var='cheese' type='boolean' label='Extra cheese'><value>0</value>"
    "</field>"
    "<field var='toppings' type='list-multi' label='Toppings'>"
    "<option><value>ham</value></option><option><value>olives</value>"
    "</option></field>"
    "<field var='to' type='jid-single' label='Deliver to'><required/>"
    "<desc>Who eats it</desc></field>"
    "<field var='friends' type='jid-multi'/>"
    "<field var='notes' type='text-multi'><value>line 1</value>"
    "<value>line 2</value></field>"
    "<field var='secret' type='text-private'/>"
    "<field var='plain'><value/></field>"
    "</x>";

static struct form *parse(const char *xml)
{
    xmpp_stanza_t *x = xmpp_stanza_new_from_string(ctx, xml);
    struct form *f = form_parse(x);

    if (x)
        xmpp_stanza_release(x);
    return f;
}

/* Prints @f in @mode; returns the text, which the caller frees. */
static char *render(const struct form *f, enum out_mode mode, int indent)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    struct out o;

    out_init(&o, mode, m, false);
    form_print(&o, NULL, f, indent);
    out_finish(&o);
    fclose(m);
    return buf;
}

static void test_parse(void)
{
    struct form *f = parse(pizza);
    struct form_field *fl;

    ok(f != NULL, "parse: a form");
    if (!f)
        return;
    is_str(f->type, "form", "  its type");
    is_str(f->title, "Pizza order", "  its title");
    ok(f->ninstructions == 2, "  two instructions");
    is_str(f->instructions[1], "Then toppings.", "  in order");
    ok(f->nfields == 10, "  ten fields, the fixed one included");
    is_str(form_type(f), "urn:example:pizza", "  FORM_TYPE");
    fl = form_field(f, "size");
    ok(fl && fl->kind == FORM_LIST_SINGLE && fl->required, "  size: type");
    ok(fl && fl->noptions == 2, "  size: two options");
    is_str(fl ? fl->options[1].label : NULL, "Large", "  size: option label");
    is_str(fl ? fl->options[1].value : NULL, "l", "  size: option value");
    ok(fl && fl->nvalues == 1 && !strcmp(fl->values[0], "s"),
       "  size: its default");
    fl = form_field(f, "to");
    is_str(fl ? fl->desc : NULL, "Who eats it", "  to: desc");
    fl = form_field(f, "plain");
    ok(fl && fl->kind == FORM_TEXT_SINGLE && !fl->type,
       "  no type: text-single, and no type is shown");
    ok(fl && fl->nvalues == 1 && !strcmp(fl->values[0], ""),
       "  an empty <value/> is an empty value");
    ok(f->fields[1].kind == FORM_FIXED && !f->fields[1].var,
       "  a fixed field without var");
    ok(form_field(f, "nope") == NULL, "form_field: absent");
    form_free(f);
    ok(parse("<x xmlns='other'/>") == NULL, "not jabber:x:data: no form");
    ok(parse("<y xmlns='jabber:x:data'/>") == NULL, "not <x/>: no form");
    ok(form_parse(NULL) == NULL, "NULL: no form");
    form_free(NULL);
}

static void test_find(void)
{
    xmpp_stanza_t *q = xmpp_stanza_new_from_string(
        ctx, "<query xmlns='q'><x xmlns='other'/>text<feature/>"
             "<x xmlns='jabber:x:data' type='result'/></query>");
    xmpp_stanza_t *x = form_find(q);

    ok(x && !strcmp(xmpp_stanza_get_type(x), "result"),
       "form_find: the first jabber:x:data child");
    ok(form_find(NULL) == NULL, "form_find(NULL)");
    xmpp_stanza_release(q);
}

static const char pizza_text[] = "  Pizza order\n"
                                 "  Choose a size.\n"
                                 "  Then toppings.\n"
                                 "  Section 1\n"
                                 "  size (list-single, required): Size = s\n"
                                 "    option: s (Small)\n"
                                 "    option: l (Large)\n"
                                 "  cheese (boolean): Extra cheese = 0\n"
                                 "  toppings (list-multi): Toppings\n"
                                 "    option: ham\n"
                                 "    option: olives\n"
                                 "  to (jid-single, required): Deliver to\n"
                                 "  friends (jid-multi)\n"
                                 "  notes (text-multi)\n"
                                 "    = line 1\n"
                                 "    = line 2\n"
                                 "  secret (text-private)\n"
                                 "  plain = \n";

static const char pizza_json[] =
    "{\"type\":\"form\",\"form_type\":\"urn:example:pizza\","
    "\"title\":\"Pizza order\","
    "\"instructions\":[\"Choose a size.\",\"Then toppings.\"],\"fields\":["
    "{\"var\":\"FORM_TYPE\",\"type\":\"hidden\","
    "\"values\":[\"urn:example:pizza\"]},"
    "{\"type\":\"fixed\",\"values\":[\"Section 1\"]},"
    "{\"var\":\"size\",\"type\":\"list-single\",\"label\":\"Size\","
    "\"required\":true,\"options\":[{\"value\":\"s\",\"label\":\"Small\"},"
    "{\"value\":\"l\",\"label\":\"Large\"}],\"values\":[\"s\"]},"
    "{\"var\":\"cheese\",\"type\":\"boolean\",\"label\":\"Extra cheese\","
    "\"values\":[\"0\"]},"
    "{\"var\":\"toppings\",\"type\":\"list-multi\",\"label\":\"Toppings\","
    "\"options\":[{\"value\":\"ham\"},{\"value\":\"olives\"}],\"values\":[]},"
    "{\"var\":\"to\",\"type\":\"jid-single\",\"label\":\"Deliver to\","
    "\"desc\":\"Who eats it\",\"required\":true,\"values\":[]},"
    "{\"var\":\"friends\",\"type\":\"jid-multi\",\"values\":[]},"
    "{\"var\":\"notes\",\"type\":\"text-multi\","
    "\"values\":[\"line 1\",\"line 2\"]},"
    "{\"var\":\"secret\",\"type\":\"text-private\",\"values\":[]},"
    "{\"var\":\"plain\",\"values\":[\"\"]}]}\n";

static void test_print(void)
{
    struct form *f = parse(pizza);
    char *s;

    s = render(f, OUT_TEXT, 2);
    is_str(s, pizza_text, "text: title, instructions, fields, options");
    free(s);
    s = render(f, OUT_JSON, 0);
    is_str(s, pizza_json, "JSON: every part, absent ones omitted");
    free(s);
    s = render(f, OUT_XML, 0);
    is_str(s, "", "XML: nothing (the stanza is printed instead)");
    free(s);
    form_free(f);
}

static const char table[] =
    "<x xmlns='jabber:x:data' type='result'><title>Users</title>"
    "<reported><field var='jid' label='JID' type='jid-single'/>"
    "<field var='n'/></reported>"
    "<item><field var='jid'><value>a@b</value></field>"
    "<field var='n'><value>1</value><value>2</value></field></item>"
    "<item><field var='jid'><value>c@d</value></field></item>"
    "</x>";

static void test_items(void)
{
    struct form *f = parse(table);
    char *s;

    ok(f && f->nreported == 2 && f->nitems == 2, "items: reported and rows");
    s = render(f, OUT_JSON, 0);
    is_str(s,
           "{\"type\":\"result\",\"title\":\"Users\",\"fields\":[],"
           "\"reported\":[{\"var\":\"jid\",\"type\":\"jid-single\","
           "\"label\":\"JID\",\"values\":[]},{\"var\":\"n\",\"values\":[]}],"
           "\"items\":[{\"jid\":[\"a@b\"],\"n\":[\"1\",\"2\"]},"
           "{\"jid\":[\"c@d\"]}]}\n",
           "items: JSON rows of var: [values]");
    free(s);
    s = render(f, OUT_TEXT, 0);
    is_str(s, "Users\n- jid: a@b; n: 1, 2\n- jid: c@d\n",
           "items: one text line per row");
    free(s);
    form_free(f);
}

/* Applies the --field arguments @args to a fresh pizza form and checks
 * it; returns the code, the message in @err. */
static int fill(const char *const *args, char *err, size_t len,
                struct form **out)
{
    struct form_input in = { NULL, 0 };
    struct form *f = parse(pizza);
    int rc = RC_OK;

    err[0] = '\0';
    for (size_t i = 0; args[i] && rc == RC_OK; i++)
        rc = form_input_add_arg(&in, args[i], err, len);
    if (rc == RC_OK)
        rc = form_apply(f, &in, true, err, len);
    if (rc == RC_OK)
        rc = form_check(f, err, len);
    form_input_free(&in);
    if (out)
        *out = f;
    else
        form_free(f);
    return rc;
}

struct fill_case {
    const char *args[5];
    int rc;
    const char *err;
};

static const struct fill_case fills[] = {
    { { "to=me@example.org" }, RC_OK, "" },
    { { "size=l", "to=me@example.org", "cheese=true" }, RC_OK, "" },
    { { "to=a@b", "toppings=ham", "toppings=olives" }, RC_OK, "" },
    { { "cheese=1" }, RC_DATAERR, "field 'to' (Deliver to) is required" },
    { { "to=" }, RC_DATAERR, "field 'to' (Deliver to) is required" },
    { { "to=a@b", "size=" }, RC_DATAERR, "field 'size' (Size) is required" },
    { { "to=a@b", "cheese=maybe" },
      RC_DATAERR,
      "field 'cheese' is a boolean: true or false (or 1 or 0), not 'maybe'" },
    { { "to=a@b", "cheese=yes" },
      RC_DATAERR,
      "field 'cheese' is a boolean: true or false (or 1 or 0), not 'yes'" },
    { { "to=a@b", "size=huge" },
      RC_DATAERR,
      "field 'size': 'huge' is not one of its options (s, l)" },
    { { "to=a@b", "toppings=ham", "toppings=kale" },
      RC_DATAERR,
      "field 'toppings': 'kale' is not one of its options (ham, olives)" },
    { { "to=a@@b" },
      RC_DATAERR,
      "field 'to': invalid JID 'a@@b': character not allowed in the domain" },
    { { "to=a@b", "friends=c@d", "friends=x y@z" },
      RC_DATAERR,
      "field 'friends': invalid JID 'x y@z': space or control character" },
    { { "to=a@b", "to=c@d" },
      RC_DATAERR,
      "field 'to' (jid-single) takes one value, not 2" },
    { { "to=a@b", "plain=one\ntwo" },
      RC_DATAERR,
      "field 'plain' (text-single) takes a single line" },
    { { "to=a@b", "notes=one\ntwo" }, RC_OK, "" },
    { { "to=a@b", "secret=a\x01" },
      RC_DATAERR,
      "field 'secret': control character at byte 1 of the value" },
    { { "to=a@b", "plain=\xff" },
      RC_DATAERR,
      "field 'plain': invalid UTF-8 at byte 0 of the value" },
    { { "nope=1" },
      RC_DATAERR,
      "the form has no field 'nope' (its fields: size, cheese, toppings, to, "
      "friends, notes, secret, plain)" },
    { { "FORM_TYPE=x", "to=a@b" }, RC_OK, "" },
    { { "novalue" }, RC_USAGE, "--field expects VAR=VALUE, not 'novalue'" },
    { { "=v" }, RC_USAGE, "--field expects VAR=VALUE, not '=v'" },
};

static void test_fill(void)
{
    char err[256], name[300];

    for (size_t i = 0; i < sizeof(fills) / sizeof(*fills); i++) {
        int rc = fill(fills[i].args, err, sizeof(err), NULL);

        snprintf(name, sizeof(name), "fill #%zu: %s", i,
                 *fills[i].err ? fills[i].err : "ok");
        ok(rc == fills[i].rc, name);
        is_str(err, fills[i].err, "  the message names the field");
    }
}

static char *stanza_text(xmpp_stanza_t *st)
{
    char *buf = NULL, *copy;
    size_t len = 0;

    xmpp_stanza_to_text(st, &buf, &len);
    copy = strdup(buf ? buf : "");
    xmpp_free(ctx, buf);
    return copy;
}

static void test_submit(void)
{
    static const char *const args[] = { "to=me@example.org", "toppings=ham",
                                        "toppings=olives", "notes=a & <b>",
                                        NULL };
    char err[256];
    struct form *f = NULL;
    xmpp_stanza_t *x;
    char *s;

    ok(fill(args, err, sizeof(err), &f) == RC_OK, "submit: a filled form");
    x = form_submit(ctx, f);
    s = stanza_text(x);
    is_str(s,
           "<x xmlns=\"jabber:x:data\" type=\"submit\">"
           "<field var=\"FORM_TYPE\"><value>urn:example:pizza</value></field>"
           "<field var=\"size\"><value>s</value></field>"
           "<field var=\"cheese\"><value>0</value></field>"
           "<field var=\"toppings\"><value>ham</value><value>olives</value>"
           "</field>"
           "<field var=\"to\"><value>me@example.org</value></field>"
           "<field var=\"friends\"/>"
           "<field var=\"notes\"><value>a &amp; &lt;b&gt;</value></field>"
           "<field var=\"secret\"/>"
           "<field var=\"plain\"><value/></field></x>",
           "submit: every field but the fixed one, defaults kept, user "
           "values replacing them, text escaped");
    free(s);
    xmpp_stanza_release(x);
    form_free(f);
}

/* Reads @json as --form input, then @arg as --field; applies to pizza. */
static int json_fill(const char *json, const char *arg, char *err, size_t len,
                     struct form **out)
{
    struct form_input in = { NULL, 0 };
    struct form *f = parse(pizza);
    int rc;

    err[0] = '\0';
    rc = form_input_add_json(&in, json, strlen(json), err, len);
    if (rc == RC_OK && arg)
        rc = form_input_add_arg(&in, arg, err, len);
    if (rc == RC_OK)
        rc = form_apply(f, &in, true, err, len);
    if (rc == RC_OK)
        rc = form_check(f, err, len);
    form_input_free(&in);
    *out = f;
    return rc;
}

static void test_json_input(void)
{
    char err[256];
    struct form *f;
    struct form_field *fl;

    ok(json_fill("{\"to\": \"a@b\", \"cheese\": true, \"toppings\": [\"ham\","
                 " \"olives\"], \"notes\": null, \"size\": \"l\"}",
                 NULL, err, sizeof(err), &f) == RC_OK,
       "json: an object of VAR: VALUE");
    fl = form_field(f, "cheese");
    is_str(fl ? fl->values[0] : NULL, "true", "json: true is 'true'");
    fl = form_field(f, "toppings");
    ok(fl && fl->nvalues == 2, "json: an array is several values");
    fl = form_field(f, "notes");
    ok(fl && fl->nvalues == 0, "json: null is no value");
    form_free(f);

    ok(json_fill("{\"to\": \"a@b\", \"toppings\": [\"ham\"]}",
                 "toppings=olives", err, sizeof(err), &f) == RC_OK,
       "json, then --field: the field replaces the file's values");
    fl = form_field(f, "toppings");
    ok(fl && fl->nvalues == 1 && !strcmp(fl->values[0], "olives"),
       "  only the --field value");
    form_free(f);

    ok(json_fill("{\"fields\": [{\"var\": \"to\", \"values\": [\"a@b\"]},"
                 "{\"var\": \"size\", \"value\": \"l\"},"
                 "{\"type\": \"fixed\", \"var\": \"x\", \"values\": [\"t\"]},"
                 "{\"label\": \"no var\"}]}",
                 NULL, err, sizeof(err), &f) == RC_OK,
       "json: a form as --json prints it (fixed fields skipped)");
    fl = form_field(f, "size");
    is_str(fl ? fl->values[0] : NULL, "l", "  'value' works as 'values'");
    form_free(f);

    ok(json_fill("{\"fields\": \"x\", \"to\": \"a@b\"}", NULL, err, sizeof(err),
                 &f) == RC_DATAERR,
       "json: 'fields' that is not an array is a field name");
    is_str(err,
           "the form has no field 'fields' (its fields: size, cheese, "
           "toppings, to, friends, notes, secret, plain)",
           "  and the form has none");
    form_free(f);

    ok(json_fill("{\"to\": \"a@b\", \"size\": 12}", NULL, err, sizeof(err),
                 &f) == RC_DATAERR,
       "json: a number is its text, checked as any value");
    is_str(err, "field 'size': '12' is not one of its options (s, l)",
           "  named");
    form_free(f);

    ok(json_fill("[1]", NULL, err, sizeof(err), &f) == RC_DATAERR,
       "json: not an object");
    is_str(err, "expected an object {\"VAR\": VALUE, ...}", "  said so");
    form_free(f);
    ok(json_fill("{\"to\": {\"a\": 1}}", NULL, err, sizeof(err), &f) ==
           RC_DATAERR,
       "json: an object as a value");
    is_str(err, "field 'to': values must be strings, numbers or booleans",
           "  said so");
    form_free(f);
    ok(json_fill("{\"to\": ", NULL, err, sizeof(err), &f) == RC_DATAERR,
       "json: a syntax error");
    is_str(err, "line 1, column 8: unexpected end of input", "  where");
    form_free(f);
}

static void test_stages(void)
{
    struct form_input in = { NULL, 0 };
    struct form *f = parse(pizza);
    char err[256];

    form_input_add_arg(&in, "to=a@b", err, sizeof(err));
    form_input_add_arg(&in, "later=1", err, sizeof(err));
    ok(form_apply(f, &in, false, err, sizeof(err)) == RC_OK,
       "not strict: a var the form lacks is left for a later stage");
    ok(form_input_unused(&in) && !strcmp(form_input_unused(&in)->var, "later"),
       "  and reported unused");
    ok(form_set(f, "nope", "1", err, sizeof(err)) == RC_DATAERR,
       "form_set: no such field");
    ok(form_set(f, NULL, "1", err, sizeof(err)) == RC_DATAERR,
       "form_set: no var");
    form_free(f);
    form_input_free(&in);
    f = parse("<x xmlns='jabber:x:data' type='form'>"
              "<field var='t' type='fixed'><value>x</value></field></x>");
    ok(form_set(f, "t", "1", err, sizeof(err)) == RC_DATAERR,
       "form_set: a fixed field cannot be set");
    is_str(err, "field 't' is fixed text: it cannot be set", "  said so");
    form_free(f);
}

/* Runs form_prompt() on pizza with @answers as the input; returns the
 * code and the form in *@out. */
static int prompt(const char *answers, struct form **out, char **shown)
{
    FILE *in = fmemopen((void *)answers, strlen(answers), "r");
    size_t len = 0;
    FILE *tty = open_memstream(shown, &len);
    char err[256];
    int rc;

    *out = parse(pizza);
    rc = form_prompt(*out, in, tty, err, sizeof(err));
    fclose(in);
    fclose(tty);
    return rc;
}

static void test_prompt(void)
{
    struct form *f;
    struct form_field *fl;
    char *shown = NULL;

    ok(prompt("\nyes\nham\nkale\nolives\n\nwho@\nme@x\n\n\nsecret\n\n", &f,
              &shown) == RC_OK,
       "prompt: answers for every field");
    fl = form_field(f, "size");
    is_str(fl->values[0], "s", "  an empty answer keeps the default");
    is_str(form_field(f, "cheese")->values[0], "true", "  yes is true");
    fl = form_field(f, "toppings");
    ok(fl->nvalues == 2 && !strcmp(fl->values[1], "olives"),
       "  a list, one per line, a bad one asked again");
    is_str(form_field(f, "to")->values[0], "me@x", "  a bad JID asked again");
    ok(form_field(f, "notes")->nvalues == 2, "  text-multi kept");
    is_str(form_field(f, "secret")->values[0], "secret", "  text-private");
    ok(strstr(shown, "Pizza order\nChoose a size.\nThen toppings.\n"
                     "Section 1\nsize (list-single, required): Size = s\n"
                     "  option: s (Small)\n  option: l (Large)\n> ") == shown,
       "  the form is shown as in text output");
    ok(strstr(shown, "  field 'toppings': 'kale' is not one of its options "
                     "(ham, olives)\n") != NULL,
       "  the reason of a refusal is shown");
    ok(strstr(shown, "  Who eats it\n") != NULL, "  desc is shown");
    free(shown);
    form_free(f);
    ok(prompt("\nno\n\n\n", &f, &shown) == RC_DATAERR,
       "prompt: the end of input before a required field is an error");
    free(shown);
    form_free(f);
}

int main(void)
{
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    test_parse();
    test_find();
    test_print();
    test_items();
    test_fill();
    test_submit();
    test_json_input();
    test_stages();
    test_prompt();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return done_testing();
}
