/* lib/rosterfile.c - the roster document of `roster export` and `import` */
#include "rosterfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jid.h"
#include "jsonin.h"
#include "rc.h"
#include "text.h"

#define TEXT_MAX 1024 /* a name or a group, in bytes */

_Static_assert(ROSTERFILE_MAX <= JSONIN_MAX_BYTES,
               "the JSON reader takes every file import reads");

struct ctx {
    const char *what; /* the file, for messages */
    struct roster *r;
};

static int bad(const struct ctx *x, const struct jv *v, size_t n,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "FILE: line L, column C: contact N: what — nothing was changed" */
static int bad(const struct ctx *x, const struct jv *v, size_t n,
               const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n)
        return fail(RC_DATAERR,
                    "%s: line %zu, column %zu: contact %zu: %s — nothing was "
                    "changed",
                    x->what, v->line, v->col, n, msg);
    return fail(RC_DATAERR,
                "%s: line %zu, column %zu: %s — nothing was changed", x->what,
                v->line, v->col, msg);
}

/* A name or a group: a string XML can carry, not too long. */
static int check_text(const struct ctx *x, const struct jv *v, size_t n,
                      const char *what)
{
    size_t off;
    const char *why;

    if (v->type != JV_STRING)
        return bad(x, v, n, "%s must be a string, not %s", what,
                   jv_type_name(v->type));
    if (strlen(v->s) > TEXT_MAX)
        return bad(x, v, n, "%s is over 1 KiB", what);
    if (!text_check_xml(v->s, strlen(v->s), &off, &why))
        return bad(x, v, n, "%s: %s at byte %zu", what, why, off + 1);
    return RC_OK;
}

/* Sets *@out to the member @key of object @obj, or NULL. A name given
 * twice is an error (which one would count?). */
static int member(const struct ctx *x, const struct jv *obj, size_t n,
                  const char *key, const struct jv **out)
{
    *out = NULL;
    for (size_t i = 0; i < obj->n; i++) {
        if (strcmp(obj->keys[i], key) != 0)
            continue;
        if (*out)
            return bad(x, &obj->kids[i], n, "\"%s\" is given twice", key);
        *out = &obj->kids[i];
    }
    return RC_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool in_group(const struct roster_item *it, const char *g)
{
    for (size_t i = 0; i < it->ngroups; i++)
        if (strcmp(it->groups[i], g) == 0)
            return true;
    return false;
}

static int read_groups(const struct ctx *x, const struct jv *g, size_t n,
                       struct roster_item *it)
{
    int rc;

    if (!g || g->type == JV_NULL)
        return RC_OK;
    if (g->type != JV_ARRAY)
        return bad(x, g, n, "\"groups\" must be an array of strings, not %s",
                   jv_type_name(g->type));
    if (!(it->groups = calloc(g->n ? g->n : 1, sizeof(char *))))
        abort();
    for (size_t i = 0; i < g->n; i++) {
        if ((rc = check_text(x, &g->kids[i], n, "a group")) != RC_OK)
            return rc;
        if (!*g->kids[i].s)
            return bad(x, &g->kids[i], n, "%s", "a group name is empty");
        if (in_group(it, g->kids[i].s))
            continue;
        if (!(it->groups[it->ngroups++] = strdup(g->kids[i].s)))
            abort();
    }
    qsort(it->groups, it->ngroups, sizeof(char *), cmp_str);
    return RC_OK;
}

static int read_jid(const struct ctx *x, const struct jv *c, const struct jv *j,
                    size_t n, struct roster_item *it)
{
    const char *why;
    struct jid *p;

    if (!j)
        return bad(x, c, n, "%s", "\"jid\" is missing");
    if (j->type != JV_STRING)
        return bad(x, j, n, "\"jid\" must be a string, not %s",
                   jv_type_name(j->type));
    if (!(p = jid_parse(j->s, &why)))
        return bad(x, j, n, "invalid JID: %s", why);
    if (p->resource) {
        jid_free(p);
        return bad(x, j, n, "'%s' has a resource: contacts are bare JIDs",
                   j->s);
    }
    jid_free(p);
    if (roster_find(x->r, j->s))
        return bad(x, j, n, "'%s' is listed twice", j->s);
    if (!(it->jid = strdup(j->s)))
        abort();
    return RC_OK;
}

static int read_contact(const struct ctx *x, const struct jv *c, size_t n)
{
    struct roster *r = x->r;
    struct roster_item it = { 0 };
    const struct jv *j, *name, *groups;
    int rc;

    if (c->type != JV_OBJECT)
        return bad(x, c, n, "must be an object, not %s", jv_type_name(c->type));
    if ((rc = member(x, c, n, "jid", &j)) != RC_OK ||
        (rc = member(x, c, n, "name", &name)) != RC_OK ||
        (rc = member(x, c, n, "groups", &groups)) != RC_OK)
        return rc;
    if (name && name->type == JV_NULL)
        name = NULL;
    rc = read_jid(x, c, j, n, &it);
    if (rc == RC_OK && name)
        rc = check_text(x, name, n, "\"name\"");
    if (rc == RC_OK && name && *name->s && !(it.name = strdup(name->s)))
        abort();
    if (rc == RC_OK)
        rc = read_groups(x, groups, n, &it);
    if (!(r->items = realloc(r->items, (r->n + 1) * sizeof(it))))
        abort();
    r->items[r->n++] = it; /* even if bad: roster_free() frees it */
    return rc;
}

/* The contacts: the document itself (an array) or its "contacts". */
static const struct jv *contacts(const struct ctx *x, const struct jv *doc,
                                 int *rc)
{
    const struct jv *v, *list;

    *rc = RC_OK;
    if (doc->type == JV_ARRAY)
        return doc;
    if (doc->type != JV_OBJECT) {
        *rc = bad(x, doc, 0, "expected an object with \"contacts\", not %s",
                  jv_type_name(doc->type));
        return NULL;
    }
    if ((*rc = member(x, doc, 0, "version", &v)) != RC_OK ||
        (*rc = member(x, doc, 0, "contacts", &list)) != RC_OK)
        return NULL;
    if (v && (v->type != JV_NUMBER || strcmp(v->s, "1") != 0)) {
        *rc = bad(x, v, 0, "%s",
                  "unknown \"version\" (this stanza reads version 1)");
        return NULL;
    }
    if (!list || list->type != JV_ARRAY) {
        *rc = bad(x, list ? list : doc, 0, "%s",
                  "\"contacts\" must be an array of contacts");
        return NULL;
    }
    return list;
}

int rosterfile_parse(const char *buf, size_t len, const char *what,
                     struct roster *r)
{
    struct ctx x = { what, r };
    const struct jv *list;
    char err[256];
    struct jv *doc;
    int rc;

    if (memchr(buf, '\0', len))
        return fail(RC_DATAERR, "%s: holds a NUL byte — nothing was changed",
                    what);
    if (!(doc = jsonin_parse(buf, len, err, sizeof(err))))
        return fail(RC_DATAERR, "%s: not valid JSON: %s — nothing was changed",
                    what, err);
    if ((list = contacts(&x, doc, &rc)))
        for (size_t i = 0; i < list->n && rc == RC_OK; i++)
            rc = read_contact(&x, &list->kids[i], i + 1);
    jv_free(doc);
    return rc;
}

static int read_all(FILE *f, const char *what, char **buf, size_t *len)
{
    size_t cap = 65536, n = 0, got;
    char *b = malloc(cap);

    if (!b)
        abort();
    while ((got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n > (size_t)ROSTERFILE_MAX) {
            free(b);
            return fail(RC_DATAERR,
                        "%s: over %ld MiB — nothing was "
                        "changed",
                        what, ROSTERFILE_MAX >> 20);
        }
        if (n == cap && !(b = realloc(b, cap *= 2)))
            abort();
    }
    if (ferror(f)) {
        free(b);
        return fail(RC_NOINPUT, "cannot read %s: %s", what, strerror(errno));
    }
    *buf = b;
    *len = n;
    return RC_OK;
}

int rosterfile_read(const char *path, struct roster *r)
{
    bool std = strcmp(path, "-") == 0;
    const char *what = std ? "standard input" : path;
    FILE *f = std ? stdin : fopen(path, "re");
    char *buf = NULL;
    size_t len = 0;
    int rc;

    if (!f)
        return fail(RC_NOINPUT, "cannot open '%s': %s", path, strerror(errno));
    rc = read_all(f, what, &buf, &len);
    if (!std)
        fclose(f);
    if (rc == RC_OK)
        rc = rosterfile_parse(buf, len, what, r);
    free(buf);
    return rc;
}

void rosterfile_print(struct out *o, const struct roster *r)
{
    enum out_mode mode = o->mode;

    o->mode = OUT_JSON;
    out_obj_begin(o, NULL);
    out_int(o, "version", NULL, 1);
    out_list_begin(o, "contacts");
    for (size_t i = 0; i < r->n; i++) {
        const struct roster_item *it = &r->items[i];

        out_obj_begin(o, NULL);
        out_str(o, "jid", NULL, it->jid);
        out_str(o, "name", NULL, it->name);
        out_list_begin(o, "groups");
        for (size_t g = 0; g < it->ngroups; g++)
            out_str(o, NULL, NULL, it->groups[g]);
        out_list_end(o);
        out_obj_end(o);
    }
    out_list_end(o);
    out_obj_end(o);
    o->mode = mode;
}
