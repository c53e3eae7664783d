/* tests/unit/test-pubsub.c - pubsub payloads and items (lib/pubsub.c), the
 * payload check (lib/xmlin.c xmlin_element), JSON values written back
 * (lib/jsonin.c jv_text) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "lib/form.h"
#include "lib/jsonin.h"
#include "lib/out.h"
#include "lib/pubsub.h"
#include "lib/rc.h"
#include "lib/record.h"
#include "tests/unit/tap.h"

#define S(lit) lit, sizeof(lit) - 1 /* a literal and its length (NULs ok) */

static xmpp_ctx_t *ctx;

struct pcase {
    const char *name;
    enum pubsub_kind kind;
    const char *in;
    size_t len;
    const char *xml; /* the payload made, or NULL */
    const char *err; /* else the message */
};

static const struct pcase payloads[] = {
    { "xml: one element", PUBSUB_XML, S("<entry xmlns='urn:x'>hi</entry>"),
      "<entry xmlns=\"urn:x\">hi</entry>", NULL },
    { "xml: white space around it", PUBSUB_XML, S("\n  <a xmlns='b'/>\n"),
      "<a xmlns=\"b\"/>", NULL },
    { "xml: any name, a stanza's too", PUBSUB_XML, S("<message xmlns='m'/>"),
      "<message xmlns=\"m\"/>", NULL },
    { "xml: malformed", PUBSUB_XML, S("<a xmlns='b'>x</c>"), NULL,
      "line 1, column 17: mismatched tag" },
    { "xml: two elements", PUBSUB_XML, S("<a/><b/>"), NULL,
      "line 1, column 5: more than one element" },
    { "xml: text outside", PUBSUB_XML, S("<a/>x"), NULL,
      "line 1, column 5: text outside of the element" },
    { "xml: nothing", PUBSUB_XML, S("  "), NULL, "no element in the input" },
    { "xml: a DOCTYPE", PUBSUB_XML,
      S("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>"), NULL,
      "line 1, column 1: DTDs and entity declarations are not allowed" },
    { "xml: a control character", PUBSUB_XML, S("<a>\x01</a>"), NULL,
      "line 1, column 4: control character" },
    { "text: wrapped", PUBSUB_TEXT, S("build 42 <green> & done"),
      "<text xmlns=\"urn:stanza:text:0\">build 42 &lt;green&gt; &amp; "
      "done</text>",
      NULL },
    { "text: invalid UTF-8", PUBSUB_TEXT, S("ok \xff"), NULL,
      "invalid UTF-8 at byte 4" },
    { "text: a NUL byte", PUBSUB_TEXT, S("a\0b"), NULL,
      "control character at byte 2" },
    { "json: wrapped as written", PUBSUB_JSON, S("{\"a\": [1.50, true]}"),
      "<json xmlns=\"urn:xmpp:json:0\">{&quot;a&quot;: [1.50, "
      "true]}</json>",
      NULL },
    { "json: malformed", PUBSUB_JSON, S("{\"a\":}"), NULL,
      "line 1, column 6: invalid value" },
};

static void check_payload(const struct pcase *c)
{
    char err[256] = "", name[160], *xml = NULL;
    xmpp_stanza_t *p = NULL;
    int rc = pubsub_payload(ctx, c->kind, c->in, c->len, &p, err, sizeof(err));

    if (p)
        xmpp_stanza_to_text(p, &xml, &(size_t){ 0 });
    snprintf(name, sizeof(name), "payload %s", c->name);
    if (c->xml) {
        ok(rc == RC_OK, name);
        is_str(xml, c->xml, name);
    } else {
        ok(rc == RC_DATAERR && !p, name);
        is_str(err, c->err, name);
    }
    if (xml)
        xmpp_free(ctx, xml);
    if (p)
        xmpp_stanza_release(p);
}

/* Prints <item/> @xml as the items verb does; returns a new string. */
static char *item(const char *xml, enum out_mode mode)
{
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct out o;

    if (!f || !st)
        abort();
    out_init(&o, mode, f, false);
    pubsub_print_item(&o, st, false);
    json_free(&o.json);
    fclose(f);
    xmpp_stanza_release(st);
    return buf;
}

struct icase {
    const char *name, *xml, *json, *text;
};

static const struct icase items[] = {
    { "xml", "<item id='1' publisher='a@b'><e xmlns='x'>hi</e></item>",
      "{\"id\":\"1\",\"publisher\":\"a@b\",\"xml\":\"<e "
      "xmlns=\\\"x\\\">hi</e>\"}\n",
      "1: <e xmlns=\"x\">hi</e>\n" },
    { "text", "<item id='t'><text xmlns='urn:stanza:text:0'>a b</text></item>",
      "{\"id\":\"t\",\"xml\":\"<text xmlns=\\\"urn:stanza:text:0\\\">a "
      "b</text>\",\"text\":\"a b\"}\n",
      "t: a b\n" },
    { "json decoded, numbers as written",
      "<item id='j'><json xmlns='urn:xmpp:json:0'>{\"n\":1.50,\"l\":[null,"
      "false,\"s\"]}</json></item>",
      "{\"id\":\"j\",\"xml\":\"<json "
      "xmlns=\\\"urn:xmpp:json:0\\\">{&quot;n&quot;:1.50,&quot;l&quot;:[null,"
      "false,&quot;s&quot;]}</json>\",\"json\":{\"n\":1.50,\"l\":[null,false,"
      "\"s\"]}}\n",
      "j: {\"n\":1.50,\"l\":[null,false,\"s\"]}\n" },
    { "a JSON container that is not JSON: XML only",
      "<item id='k'><json xmlns='urn:xmpp:json:0'>{oops</json></item>",
      "{\"id\":\"k\",\"xml\":\"<json "
      "xmlns=\\\"urn:xmpp:json:0\\\">{oops</json>\"}\n",
      "k: {oops\n" },
    { "no payload", "<item id='e'/>", "{\"id\":\"e\"}\n", "e\n" },
};

static void check_jv_text(void)
{
    static const char in[] = " { \"a\" : [ 1e3 , -0.5 , \"\\u00e9\\n\" ] ,"
                             " \"b\" : { } } ";
    char err[128];
    struct jv *v = jsonin_parse(in, sizeof(in) - 1, err, sizeof(err));
    char *t = v ? jv_text(v) : NULL;

    is_str(t, "{\"a\":[1e3,-0.5,\"\xc3\xa9\\n\"],\"b\":{}}",
           "jv_text: compact, numbers as written, strings escaped");
    free(t);
    jv_free(v);
}

/* A node configuration form without pubsub#title (as ejabberd's default
 * one): a registered field the user sets is added with its type, an
 * unknown one is not; other forms are left alone */
static void check_config_complete(void)
{
    static const char xml[] =
        "<x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' "
        "type='hidden'><value>" PUBSUB_NODE_CONFIG "</value></field><field "
        "var='pubsub#max_items' type='text-single'/></x>";
    struct form_input in = { 0 };
    char err[256];
    xmpp_stanza_t *x = xmpp_stanza_new_from_string(ctx, xml);
    struct form *f = form_parse(x);
    struct form_field *fl;

    form_input_add_arg(&in, "pubsub#title=Builds", err, sizeof(err));
    form_input_add_arg(&in, "pubsub#notify_sub=1", err, sizeof(err));
    form_input_add_arg(&in, "pubsub#colour=blue", err, sizeof(err));
    form_input_add_arg(&in, "pubsub#max_items=5", err, sizeof(err));
    pubsub_config_complete(f, &in);
    ok(f->nfields == 4, "config_complete: two registered fields added");
    fl = form_field(f, "pubsub#title");
    ok(fl && fl->kind == FORM_TEXT_SINGLE && !strcmp(fl->type, "text-single"),
       "config_complete: pubsub#title is text-single");
    fl = form_field(f, "pubsub#notify_sub");
    ok(fl && fl->kind == FORM_BOOLEAN, "config_complete: notify_sub boolean");
    ok(!form_field(f, "pubsub#colour"), "config_complete: unknown not added");
    ok(form_apply(f, &in, true, err, sizeof(err)) == RC_DATAERR &&
           strstr(err, "pubsub#colour"),
       "config_complete: an unknown field is still refused");
    form_free(f);
    f = form_parse(x);
    free(f->fields[0].values[0]);
    f->fields[0].values[0] = strdup("urn:other");
    pubsub_config_complete(f, &in);
    ok(f->nfields == 2, "config_complete: another form type is left alone");
    form_free(f);
    form_input_free(&in);
    xmpp_stanza_release(x);
}

int main(void)
{
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    for (size_t i = 0; i < sizeof(payloads) / sizeof(*payloads); i++)
        check_payload(&payloads[i]);
    for (size_t i = 0; i < sizeof(items) / sizeof(*items); i++) {
        char name[160], *got = item(items[i].xml, OUT_JSON);

        snprintf(name, sizeof(name), "item json: %s", items[i].name);
        is_str(got, items[i].json, name);
        free(got);
        got = item(items[i].xml, OUT_TEXT);
        snprintf(name, sizeof(name), "item text: %s", items[i].name);
        is_str(got, items[i].text, name);
        free(got);
    }
    check_jv_text();
    check_config_complete();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return done_testing();
}
