/* lib/form.c - XEP-0004 data forms: parse, print, fill, check, submit */
#include "form.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "err.h"
#include "jid.h"
#include "jsonin.h"
#include "rc.h"
#include "text.h"

static const char *const kind_names[] = {
    [FORM_TEXT_SINGLE] = "text-single",
    [FORM_BOOLEAN] = "boolean",
    [FORM_FIXED] = "fixed",
    [FORM_HIDDEN] = "hidden",
    [FORM_JID_MULTI] = "jid-multi",
    [FORM_JID_SINGLE] = "jid-single",
    [FORM_LIST_MULTI] = "list-multi",
    [FORM_LIST_SINGLE] = "list-single",
    [FORM_TEXT_MULTI] = "text-multi",
    [FORM_TEXT_PRIVATE] = "text-private",
};

#define NKINDS (sizeof(kind_names) / sizeof(*kind_names))

const char *form_kind_name(enum form_kind kind)
{
    return (size_t)kind < NKINDS ? kind_names[kind] : "text-single";
}

bool form_kind_single(enum form_kind kind)
{
    return kind != FORM_JID_MULTI && kind != FORM_LIST_MULTI &&
           kind != FORM_TEXT_MULTI && kind != FORM_FIXED;
}

static enum form_kind kind_of(const char *type)
{
    for (size_t i = 0; type && i < NKINDS; i++)
        if (strcmp(type, kind_names[i]) == 0)
            return (enum form_kind)i;
    return FORM_TEXT_SINGLE;
}

static void *xrealloc(void *p, size_t n, size_t size)
{
    if (!(p = realloc(p, (n ? n : 1) * size)))
        abort();
    return p;
}

static char *xstrdup(const char *s)
{
    char *d = s ? strdup(s) : NULL;

    if (s && !d)
        abort();
    return d;
}

static int err_set(char *err, size_t len, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int err_set(char *err, size_t len, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (err && len)
        vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return rc;
}

static void push(char ***v, size_t *n, const char *s)
{
    *v = xrealloc(*v, *n + 1, sizeof(**v));
    (*v)[(*n)++] = xstrdup(s);
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* --- parsing ------------------------------------------------------- */

static bool is_elem(xmpp_stanza_t *c, const char *name)
{
    const char *n = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : NULL;

    return n && strcmp(n, name) == 0;
}

/* The text content of @el as a new string ("" if empty). */
static char *text_of(xmpp_stanza_t *el)
{
    char *t = xmpp_stanza_get_text(el);
    char *s = xstrdup(t ? t : "");

    if (t)
        xmpp_free(xmpp_stanza_get_context(el), t);
    return s;
}

xmpp_stanza_t *form_find(xmpp_stanza_t *parent)
{
    for (xmpp_stanza_t *c = parent ? xmpp_stanza_get_children(parent) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *ns = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_ns(c) : NULL;

        if (is_elem(c, "x") && ns && strcmp(ns, NS_DATA) == 0)
            return c;
    }
    return NULL;
}

static void parse_option(struct form_field *fl, xmpp_stanza_t *opt)
{
    xmpp_stanza_t *v = xmpp_stanza_get_child_by_name(opt, "value");
    struct form_option *o;

    if (!v)
        return;
    fl->options = xrealloc(fl->options, fl->noptions + 1, sizeof(*o));
    o = &fl->options[fl->noptions++];
    o->label = xstrdup(xmpp_stanza_get_attribute(opt, "label"));
    o->value = text_of(v);
}

static void parse_field(struct form_field *fl, xmpp_stanza_t *el)
{
    memset(fl, 0, sizeof(*fl));
    fl->var = xstrdup(xmpp_stanza_get_attribute(el, "var"));
    fl->type = xstrdup(xmpp_stanza_get_attribute(el, "type"));
    fl->kind = kind_of(fl->type);
    fl->label = xstrdup(xmpp_stanza_get_attribute(el, "label"));
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(el); c;
         c = xmpp_stanza_get_next(c)) {
        if (is_elem(c, "value")) {
            char *t = text_of(c);

            push(&fl->values, &fl->nvalues, t);
            free(t);
        } else if (is_elem(c, "option")) {
            parse_option(fl, c);
        } else if (is_elem(c, "required")) {
            fl->required = true;
        } else if (is_elem(c, "desc") && !fl->desc) {
            fl->desc = text_of(c);
        }
    }
}

static void add_field(struct form_field **v, size_t *n, xmpp_stanza_t *el)
{
    *v = xrealloc(*v, *n + 1, sizeof(**v));
    parse_field(&(*v)[(*n)++], el);
}

/* Adds the fields of <reported/> or an <item/>. */
static void parse_fields(struct form_field **v, size_t *n, xmpp_stanza_t *el)
{
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(el); c;
         c = xmpp_stanza_get_next(c))
        if (is_elem(c, "field"))
            add_field(v, n, c);
}

static void parse_child(struct form *f, xmpp_stanza_t *c)
{
    if (is_elem(c, "field")) {
        add_field(&f->fields, &f->nfields, c);
    } else if (is_elem(c, "title") && !f->title) {
        f->title = text_of(c);
    } else if (is_elem(c, "instructions")) {
        char *t = text_of(c);

        push(&f->instructions, &f->ninstructions, t);
        free(t);
    } else if (is_elem(c, "reported") && !f->reported) {
        parse_fields(&f->reported, &f->nreported, c);
    } else if (is_elem(c, "item")) {
        struct form_item *it;

        f->items = xrealloc(f->items, f->nitems + 1, sizeof(*it));
        it = &f->items[f->nitems++];
        memset(it, 0, sizeof(*it));
        parse_fields(&it->fields, &it->nfields, c);
    }
}

struct form *form_parse(xmpp_stanza_t *x)
{
    const char *ns = x ? xmpp_stanza_get_ns(x) : NULL;
    struct form *f;

    if (!x || !is_elem(x, "x") || !ns || strcmp(ns, NS_DATA) != 0)
        return NULL;
    if (!(f = calloc(1, sizeof(*f))))
        abort();
    f->type = xstrdup(xmpp_stanza_get_type(x));
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(x); c;
         c = xmpp_stanza_get_next(c))
        parse_child(f, c);
    return f;
}

static void free_field(struct form_field *fl)
{
    free(fl->var);
    free(fl->type);
    free(fl->label);
    free(fl->desc);
    for (size_t i = 0; i < fl->noptions; i++) {
        free(fl->options[i].label);
        free(fl->options[i].value);
    }
    free(fl->options);
    free_strings(fl->values, fl->nvalues);
}

static void free_fields(struct form_field *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free_field(&v[i]);
    free(v);
}

void form_free(struct form *f)
{
    if (!f)
        return;
    free(f->type);
    free(f->title);
    free_strings(f->instructions, f->ninstructions);
    free_fields(f->fields, f->nfields);
    free_fields(f->reported, f->nreported);
    for (size_t i = 0; i < f->nitems; i++)
        free_fields(f->items[i].fields, f->items[i].nfields);
    free(f->items);
    free(f);
}

struct form_field *form_field(const struct form *f, const char *var)
{
    for (size_t i = 0; f && var && i < f->nfields; i++)
        if (f->fields[i].var && strcmp(f->fields[i].var, var) == 0)
            return &f->fields[i];
    return NULL;
}

struct form_field *form_add(struct form *f, const char *var,
                            enum form_kind kind)
{
    struct form_field *fl;

    f->fields = xrealloc(f->fields, f->nfields + 1, sizeof(*f->fields));
    fl = &f->fields[f->nfields++];
    memset(fl, 0, sizeof(*fl));
    fl->var = xstrdup(var);
    fl->type = xstrdup(form_kind_name(kind));
    fl->kind = kind;
    return fl;
}

const char *form_type(const struct form *f)
{
    const struct form_field *fl = form_field(f, "FORM_TYPE");

    return fl && fl->nvalues ? fl->values[0] : NULL;
}

/* --- printing ------------------------------------------------------ */

static void json_field(struct out *o, const struct form_field *fl)
{
    out_obj_begin(o, NULL);
    out_str(o, "var", NULL, fl->var);
    out_str(o, "type", NULL, fl->type);
    out_str(o, "label", NULL, fl->label);
    out_str(o, "desc", NULL, fl->desc);
    if (fl->required)
        out_bool(o, "required", NULL, true);
    if (fl->noptions) {
        out_list_begin(o, "options");
        for (size_t i = 0; i < fl->noptions; i++) {
            out_obj_begin(o, NULL);
            out_str(o, "value", NULL, fl->options[i].value);
            out_str(o, "label", NULL, fl->options[i].label);
            out_obj_end(o);
        }
        out_list_end(o);
    }
    out_list_begin(o, "values");
    for (size_t i = 0; i < fl->nvalues; i++)
        out_str(o, NULL, NULL, fl->values[i]);
    out_list_end(o);
    out_obj_end(o);
}

static void json_fields(struct out *o, const char *key,
                        const struct form_field *v, size_t n)
{
    out_list_begin(o, key);
    for (size_t i = 0; i < n; i++)
        json_field(o, &v[i]);
    out_list_end(o);
}

static void json_item(struct out *o, const struct form_item *it)
{
    out_obj_begin(o, NULL);
    for (size_t i = 0; i < it->nfields; i++) {
        const struct form_field *fl = &it->fields[i];

        if (!fl->var)
            continue;
        out_list_begin(o, fl->var);
        for (size_t k = 0; k < fl->nvalues; k++)
            out_str(o, NULL, NULL, fl->values[k]);
        out_list_end(o);
    }
    out_obj_end(o);
}

static void print_json(struct out *o, const char *key, const struct form *f)
{
    out_obj_begin(o, key);
    out_str(o, "type", NULL, f->type);
    out_str(o, "form_type", NULL, form_type(f));
    out_str(o, "title", NULL, f->title);
    if (f->ninstructions) {
        out_list_begin(o, "instructions");
        for (size_t i = 0; i < f->ninstructions; i++)
            out_str(o, NULL, NULL, f->instructions[i]);
        out_list_end(o);
    }
    json_fields(o, "fields", f->fields, f->nfields);
    if (f->nreported)
        json_fields(o, "reported", f->reported, f->nreported);
    if (f->nitems) {
        out_list_begin(o, "items");
        for (size_t i = 0; i < f->nitems; i++)
            json_item(o, &f->items[i]);
        out_list_end(o);
    }
    out_obj_end(o);
}

/* Text mode: @v (safe for terminals) between @pre and @post. */
static void put(struct out *o, int indent, const char *pre, const char *v,
                const char *post)
{
    char fmt[64];

    if (o->mode != OUT_TEXT || !v)
        return;
    snprintf(fmt, sizeof(fmt), "%*s%s%%s%s", indent, "", pre, post);
    out_str(o, NULL, fmt, v);
}

static void nl(struct out *o)
{
    if (o->mode == OUT_TEXT)
        out_str(o, NULL, "\n", "");
}

/* "(list-single, required)" or "(required)" or nothing */
static void put_kind(struct out *o, const struct form_field *fl)
{
    if (fl->type)
        put(o, 0, " (", fl->type, fl->required ? ", required)" : ")");
    else if (fl->required)
        put(o, 0, "", " (required)", "");
}

static void text_field(struct out *o, const struct form_field *fl, int indent)
{
    if (fl->kind == FORM_HIDDEN)
        return;
    if (fl->kind == FORM_FIXED && !fl->var) {
        for (size_t i = 0; i < fl->nvalues; i++)
            put(o, indent, "", fl->values[i], "\n");
        return;
    }
    put(o, indent, "", fl->var ? fl->var : "", "");
    put_kind(o, fl);
    put(o, 0, ": ", fl->label, "");
    if (fl->nvalues == 1)
        put(o, 0, " = ", fl->values[0], "");
    nl(o);
    for (size_t i = 0; fl->nvalues > 1 && i < fl->nvalues; i++)
        put(o, indent + 2, "= ", fl->values[i], "\n");
    for (size_t i = 0; i < fl->noptions; i++) {
        put(o, indent + 2, "option: ", fl->options[i].value, "");
        put(o, 0, " (", fl->options[i].label, ")");
        nl(o);
    }
}

static void text_item(struct out *o, const struct form_item *it, int indent)
{
    put(o, indent, "", "-", "");
    for (size_t i = 0; i < it->nfields; i++) {
        const struct form_field *fl = &it->fields[i];

        put(o, 0, " ", fl->var ? fl->var : "", ":");
        for (size_t k = 0; k < fl->nvalues; k++)
            put(o, 0, k ? ", " : " ", fl->values[k], "");
        if (i + 1 < it->nfields)
            put(o, 0, "", ";", "");
    }
    nl(o);
}

static void print_text(struct out *o, const struct form *f, int indent)
{
    put(o, indent, "", f->title, "\n");
    for (size_t i = 0; i < f->ninstructions; i++)
        put(o, indent, "", f->instructions[i], "\n");
    for (size_t i = 0; i < f->nfields; i++)
        text_field(o, &f->fields[i], indent);
    for (size_t i = 0; i < f->nitems; i++)
        text_item(o, &f->items[i], indent);
}

void form_print(struct out *o, const char *key, const struct form *f,
                int indent)
{
    if (o->mode == OUT_JSON)
        print_json(o, key, f);
    else if (o->mode == OUT_TEXT && !o->quiet)
        print_text(o, f, indent);
}

/* --- filling ------------------------------------------------------- */

static void clear_values(char ***v, size_t *n)
{
    free_strings(*v, *n);
    *v = NULL;
    *n = 0;
}

int form_set(struct form *f, const char *var, const char *value, char *err,
             size_t errlen)
{
    struct form_field *fl = form_field(f, var);

    if (!var)
        return err_set(err, errlen, RC_DATAERR, "a field without a name");
    if (!fl)
        return err_set(err, errlen, RC_DATAERR, "the form has no field '%s'",
                       var);
    if (fl->kind == FORM_FIXED)
        return err_set(err, errlen, RC_DATAERR,
                       "field '%s' is fixed text: it cannot be set", var);
    if (!fl->filled)
        clear_values(&fl->values, &fl->nvalues);
    fl->filled = true;
    if (value)
        push(&fl->values, &fl->nvalues, value);
    return RC_OK;
}

void form_list_vars(const struct form *f, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < f->nfields && n < len; i++) {
        const struct form_field *fl = &f->fields[i];

        if (!fl->var || fl->kind == FORM_FIXED || fl->kind == FORM_HIDDEN)
            continue;
        n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", fl->var);
    }
}

static int apply_one(struct form *f, struct form_value *v, char *err,
                     size_t errlen)
{
    struct form_field *fl = form_field(f, v->var);
    int rc;

    if (fl && fl->filled) /* a second stage with the same var */
        fl->filled = false;
    if ((rc = form_set(f, v->var, NULL, err, errlen)) != RC_OK)
        return rc;
    for (size_t i = 0; i < v->nvalues; i++)
        form_set(f, v->var, v->values[i], NULL, 0);
    v->used = true;
    return RC_OK;
}

int form_apply(struct form *f, struct form_input *in, bool strict, char *err,
               size_t errlen)
{
    char vars[512];
    int rc;

    for (size_t i = 0; i < in->n; i++) {
        struct form_value *v = &in->v[i];

        if (!form_field(f, v->var) && !strict)
            continue;
        if (!form_field(f, v->var)) {
            form_list_vars(f, vars, sizeof(vars));
            return err_set(err, errlen, RC_DATAERR,
                           "the form has no field '%s' (its fields: %s)",
                           v->var, vars[0] ? vars : "none");
        }
        if ((rc = apply_one(f, v, err, errlen)) != RC_OK)
            return rc;
    }
    return RC_OK;
}

/* --- the user's values --------------------------------------------- */

static struct form_value *input_find(struct form_input *in, const char *var,
                                     size_t len)
{
    for (size_t i = 0; i < in->n; i++)
        if (strlen(in->v[i].var) == len && !strncmp(in->v[i].var, var, len))
            return &in->v[i];
    return NULL;
}

/* The entry for @var (@len bytes), new if there is none. */
static struct form_value *input_get(struct form_input *in, const char *var,
                                    size_t len)
{
    struct form_value *v = input_find(in, var, len);

    if (v)
        return v;
    in->v = xrealloc(in->v, in->n + 1, sizeof(*in->v));
    v = &in->v[in->n++];
    memset(v, 0, sizeof(*v));
    if (!(v->var = strndup(var, len)))
        abort();
    return v;
}

int form_input_add_arg(struct form_input *in, const char *arg, char *err,
                       size_t errlen)
{
    const char *eq = strchr(arg, '=');
    struct form_value *v;

    if (!eq || eq == arg)
        return err_set(err, errlen, RC_USAGE,
                       "--field expects VAR=VALUE, not '%s'", arg);
    v = input_get(in, arg, (size_t)(eq - arg));
    if (v->from_file) {
        clear_values(&v->values, &v->nvalues);
        v->from_file = false;
    }
    push(&v->values, &v->nvalues, eq + 1);
    return RC_OK;
}

/* Adds JSON value @j (a scalar or an array of them) as the values of @var
 * from a file: they replace what the file gave before. */
static int json_values(struct form_input *in, const char *var,
                       const struct jv *j, char *err, size_t errlen)
{
    struct form_value *v = input_get(in, var, strlen(var));
    const struct jv *one = j;
    size_t n = j->type == JV_ARRAY ? j->n : 1;

    clear_values(&v->values, &v->nvalues);
    v->from_file = true;
    for (size_t i = 0; i < n; i++) {
        if (j->type == JV_ARRAY)
            one = &j->kids[i];
        if (one->type == JV_NULL)
            continue;
        if (one->type == JV_BOOL)
            push(&v->values, &v->nvalues, one->b ? "true" : "false");
        else if (one->type == JV_STRING || one->type == JV_NUMBER)
            push(&v->values, &v->nvalues, one->s);
        else
            return err_set(err, errlen, RC_DATAERR,
                           "field '%s': values must be strings, numbers or "
                           "booleans",
                           var);
    }
    return RC_OK;
}

/* A form as form_print() writes it: {"fields": [{"var", "values"}]} */
static int json_form(struct form_input *in, const struct jv *fields, char *err,
                     size_t errlen)
{
    int rc;

    for (size_t i = 0; i < fields->n; i++) {
        const struct jv *fl = &fields->kids[i];
        const struct jv *var = jv_get(fl, "var"), *type = jv_get(fl, "type");
        const struct jv *vals = jv_get(fl, "values");

        if (!vals)
            vals = jv_get(fl, "value");
        if (!var || var->type != JV_STRING || !vals)
            continue;
        if (type && type->type == JV_STRING && !strcmp(type->s, "fixed"))
            continue;
        if ((rc = json_values(in, var->s, vals, err, errlen)) != RC_OK)
            return rc;
    }
    return RC_OK;
}

int form_input_add_json(struct form_input *in, const char *text, size_t len,
                        char *err, size_t errlen)
{
    struct jv *doc = jsonin_parse(text, len, err, errlen);
    const struct jv *fields = jv_get(doc, "fields");
    bool form = fields && fields->type == JV_ARRAY;
    int rc = RC_OK;

    if (!doc)
        return RC_DATAERR;
    if (doc->type != JV_OBJECT)
        rc = err_set(err, errlen, RC_DATAERR,
                     "expected an object {\"VAR\": VALUE, ...}");
    else if (form)
        rc = json_form(in, fields, err, errlen);
    for (size_t i = 0; rc == RC_OK && !form && i < doc->n; i++)
        if (*doc->keys[i])
            rc = json_values(in, doc->keys[i], &doc->kids[i], err, errlen);
    jv_free(doc);
    return rc;
}

static int read_file(const char *path, char **text, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
    size_t cap = JSONIN_MAX_BYTES + 2;
    char *buf;

    if (!f)
        return fail(RC_NOINPUT, "cannot read form file '%s': %s", path,
                    strerror(errno));
    if (!(buf = malloc(cap)))
        abort();
    *len = fread(buf, 1, cap - 1, f);
    buf[*len] = '\0';
    if (ferror(f)) {
        free(buf);
        if (f != stdin)
            fclose(f);
        return fail(RC_NOINPUT, "cannot read form file '%s'", path);
    }
    if (f != stdin)
        fclose(f);
    *text = buf;
    return RC_OK;
}

int form_input_load(struct form_input *in, const char *file,
                    const char *const *args, size_t n, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    if (file && (rc = read_file(file, &text, &len)) != RC_OK)
        return rc;
    if (text && form_input_add_json(in, text, len, err, errlen)) {
        free(text);
        return fail(RC_DATAERR, "form file '%s': %s — nothing was sent", file,
                    err);
    }
    free(text);
    for (size_t i = 0; i < n; i++) {
        if ((rc = form_input_add_arg(in, args[i], err, errlen)) != RC_OK)
            return rc;
        if ((rc = text_check_input("--field", i + 1, args[i], 0)) != RC_OK)
            return rc;
    }
    return RC_OK;
}

void form_input_free(struct form_input *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free(in->v[i].var);
        free_strings(in->v[i].values, in->v[i].nvalues);
    }
    free(in->v);
    in->v = NULL;
    in->n = 0;
}

const struct form_value *form_input_unused(const struct form_input *in)
{
    for (size_t i = 0; i < in->n; i++)
        if (!in->v[i].used)
            return &in->v[i];
    return NULL;
}

/* --- checking ------------------------------------------------------ */

static bool is_empty(const struct form_field *fl)
{
    for (size_t i = 0; i < fl->nvalues; i++)
        if (fl->values[i][0])
            return false;
    return true;
}

static bool has_option(const struct form_field *fl, const char *v)
{
    for (size_t i = 0; i < fl->noptions; i++)
        if (strcmp(fl->options[i].value, v) == 0)
            return true;
    return false;
}

static void list_options(const struct form_field *fl, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < fl->noptions && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
                              fl->options[i].value);
}

static bool is_boolean(const char *v)
{
    return !strcmp(v, "true") || !strcmp(v, "false") || !strcmp(v, "1") ||
           !strcmp(v, "0");
}

/* Checks value @v of field @fl. */
static int check_value(const struct form_field *fl, const char *v, char *err,
                       size_t errlen)
{
    char opts[512];
    const char *why;
    size_t off;

    if (!text_check_xml(v, strlen(v), &off, &why))
        return err_set(err, errlen, RC_DATAERR,
                       "field '%s': %s at byte %zu of the value", fl->var, why,
                       off);
    if (form_kind_single(fl->kind) && strpbrk(v, "\r\n"))
        return err_set(err, errlen, RC_DATAERR,
                       "field '%s' (%s) takes a single line", fl->var,
                       form_kind_name(fl->kind));
    if (fl->kind == FORM_BOOLEAN && !is_boolean(v))
        return err_set(err, errlen, RC_DATAERR,
                       "field '%s' is a boolean: true or false (or 1 or 0), "
                       "not '%s'",
                       fl->var, v);
    if ((fl->kind == FORM_JID_SINGLE || fl->kind == FORM_JID_MULTI) && *v &&
        !jid_valid(v, &why))
        return err_set(err, errlen, RC_DATAERR,
                       "field '%s': invalid JID '%s': %s", fl->var, v, why);
    if ((fl->kind == FORM_LIST_SINGLE || fl->kind == FORM_LIST_MULTI) &&
        fl->noptions && !has_option(fl, v)) {
        list_options(fl, opts, sizeof(opts));
        return err_set(err, errlen, RC_DATAERR,
                       "field '%s': '%s' is not one of its options (%s)",
                       fl->var, v, opts);
    }
    return RC_OK;
}

static int check_field(const struct form_field *fl, char *err, size_t errlen)
{
    int rc;

    if (!fl->var || fl->kind == FORM_FIXED)
        return RC_OK;
    if (fl->required && is_empty(fl))
        return err_set(err, errlen, RC_DATAERR, "field '%s'%s%s%s is required",
                       fl->var, fl->label ? " (" : "",
                       fl->label ? fl->label : "", fl->label ? ")" : "");
    if (!fl->filled) /* the form's own defaults are the sender's business */
        return RC_OK;
    if (form_kind_single(fl->kind) && fl->nvalues > 1)
        return err_set(err, errlen, RC_DATAERR,
                       "field '%s' (%s) takes one value, not %zu", fl->var,
                       form_kind_name(fl->kind), fl->nvalues);
    for (size_t i = 0; i < fl->nvalues; i++)
        if ((rc = check_value(fl, fl->values[i], err, errlen)) != RC_OK)
            return rc;
    return RC_OK;
}

int form_check(const struct form *f, char *err, size_t errlen)
{
    int rc;

    for (size_t i = 0; i < f->nfields; i++)
        if ((rc = check_field(&f->fields[i], err, errlen)) != RC_OK)
            return rc;
    return RC_OK;
}

/* --- submitting ---------------------------------------------------- */

static xmpp_stanza_t *new_elem(xmpp_ctx_t *ctx, xmpp_stanza_t *parent,
                               const char *name)
{
    xmpp_stanza_t *el = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(el, name);
    if (parent) {
        xmpp_stanza_add_child(parent, el);
        xmpp_stanza_release(el);
    }
    return el; /* borrowed from @parent if there is one */
}

static void add_value(xmpp_ctx_t *ctx, xmpp_stanza_t *field, const char *v)
{
    xmpp_stanza_t *el = new_elem(ctx, field, "value");
    xmpp_stanza_t *t;

    if (!*v)
        return;
    t = xmpp_stanza_new(ctx);
    xmpp_stanza_set_text(t, v);
    xmpp_stanza_add_child(el, t);
    xmpp_stanza_release(t);
}

xmpp_stanza_t *form_submit(xmpp_ctx_t *ctx, const struct form *f)
{
    xmpp_stanza_t *x = new_elem(ctx, NULL, "x");

    xmpp_stanza_set_ns(x, NS_DATA);
    xmpp_stanza_set_type(x, "submit");
    for (size_t i = 0; i < f->nfields; i++) {
        const struct form_field *fl = &f->fields[i];
        xmpp_stanza_t *el;

        if (!fl->var || fl->kind == FORM_FIXED)
            continue;
        el = new_elem(ctx, x, "field");
        xmpp_stanza_set_attribute(el, "var", fl->var);
        for (size_t k = 0; k < fl->nvalues; k++)
            add_value(ctx, el, fl->values[k]);
    }
    return x;
}

/* --- asking on a terminal ------------------------------------------ */

#define LINE_MAX_BYTES 4096

/* Reads one line from @tty without its line break; false at the end. */
static bool read_line(FILE *in, FILE *out, char *buf, size_t len, bool noecho)
{
    struct termios old, quiet;
    bool echo_off =
        noecho && isatty(fileno(in)) && tcgetattr(fileno(in), &old) == 0;
    bool ok;

    if (echo_off) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fileno(in), TCSANOW, &quiet);
    }
    errno = 0;
    ok = fgets(buf, (int)len, in) != NULL;
    if (echo_off) {
        tcsetattr(fileno(in), TCSANOW, &old);
        fputc('\n', out);
    }
    if (ok)
        buf[strcspn(buf, "\r\n")] = '\0';
    return ok;
}

/* y, yes, n, no: what people type for a boolean */
static const char *boolean_word(const char *v)
{
    if (!strcmp(v, "y") || !strcmp(v, "yes"))
        return "true";
    if (!strcmp(v, "n") || !strcmp(v, "no"))
        return "false";
    return v;
}

/* Asks for the values of @fl until they fit: RC_OK, or RC_DATAERR at the
 * end of input. */
static int ask_field(struct form *f, struct form_field *fl, FILE *in, FILE *tty)
{
    char line[LINE_MAX_BYTES], why[512];
    bool multi = !form_kind_single(fl->kind), got = false;

    for (;;) {
        fputs("> ", tty);
        fflush(tty);
        if (!read_line(in, tty, line, sizeof(line),
                       fl->kind == FORM_TEXT_PRIVATE))
            return RC_DATAERR;
        if (!*line) /* keeps the values shown, or ends the list */
            break;
        if (fl->kind == FORM_BOOLEAN)
            snprintf(line, sizeof(line), "%s", boolean_word(line));
        if (check_value(fl, line, why, sizeof(why)) != RC_OK) {
            fprintf(tty, "  %s\n", why);
            continue;
        }
        if (!got)
            fl->filled = false; /* the first answer replaces */
        form_set(f, fl->var, line, NULL, 0);
        got = true;
        if (!multi)
            break;
    }
    return RC_OK;
}

static int prompt_field(struct form *f, struct form_field *fl, FILE *in,
                        FILE *tty, struct out *o)
{
    char why[512];
    int rc;

    text_field(o, fl, 0);
    out_flush(o);
    if (fl->desc)
        fprintf(tty, "  %s\n", fl->desc);
    if (!form_kind_single(fl->kind))
        fprintf(tty, "  (one value per line, an empty line ends)\n");
    for (;;) {
        if ((rc = ask_field(f, fl, in, tty)) != RC_OK)
            return rc;
        if (check_field(fl, why, sizeof(why)) == RC_OK)
            return RC_OK;
        fprintf(tty, "  %s\n", why);
    }
}

int form_prompt(struct form *f, FILE *in, FILE *tty, char *err, size_t errlen)
{
    struct out o;

    out_init(&o, OUT_TEXT, tty, false);
    put(&o, 0, "", f->title, "\n");
    for (size_t i = 0; i < f->ninstructions; i++)
        put(&o, 0, "", f->instructions[i], "\n");
    for (size_t i = 0; i < f->nfields; i++) {
        struct form_field *fl = &f->fields[i];

        if (fl->kind == FORM_FIXED)
            text_field(&o, fl, 0);
        if (!fl->var || fl->kind == FORM_FIXED || fl->kind == FORM_HIDDEN ||
            fl->filled)
            continue;
        if (prompt_field(f, fl, in, tty, &o) != RC_OK)
            return err_set(err, errlen, RC_DATAERR,
                           "no answer for field '%s' (end of input)", fl->var);
    }
    out_flush(&o);
    json_free(&o.json);
    return RC_OK;
}
