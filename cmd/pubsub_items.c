/* cmd/pubsub_items.c - `stanza pubsub publish|retract|items` */
#include "pubsub.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "lib/jsonin.h"
#include "lib/mam.h"
#include "lib/pubsub.h"
#include "lib/rc.h"
#include "lib/stanza.h"
#include "lib/text.h"

#define INPUT_MAX (64L * 1024 * 1024) /* standard input, --batch */
#define WINDOW    64                  /* publish requests in flight */
#define PAGE      100                 /* items asked for per page */
#define MAX_PAGES 10000
#define ID_MAX    1024

/* --- what to publish ----------------------------------------------- */

/* Reads all of standard input into *@buf (NUL-terminated). */
static int read_stdin(char **buf, size_t *len)
{
    size_t cap = 65536, n = 0, r;
    char *b = malloc(cap), *nb;

    if (!b)
        abort();
    while ((r = fread(b + n, 1, cap - n - 1, stdin)) > 0) {
        n += r;
        if ((long)n > INPUT_MAX) {
            free(b);
            return fail(RC_DATAERR,
                        "standard input is over %ld MiB — nothing was sent",
                        INPUT_MAX / 1024 / 1024);
        }
        if (n + 1 == cap) {
            if (!(nb = realloc(b, cap *= 2)))
                abort();
            b = nb;
        }
    }
    if (ferror(stdin)) {
        free(b);
        return fail(RC_NOINPUT, "cannot read standard input: %s",
                    strerror(errno));
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return RC_OK;
}

static void add_item(struct pubsub *P, const char *id, xmpp_stanza_t *payload,
                     size_t line)
{
    struct ps_item *it;

    P->items = realloc(P->items, (P->nitems + 1) * sizeof(*P->items));
    if (!P->items || (id && !(id = strdup(id))))
        abort();
    it = &P->items[P->nitems++];
    memset(it, 0, sizeof(*it));
    it->id = (char *)id;
    it->payload = payload;
    it->line = line;
}

void ps_free_items(struct pubsub *P)
{
    for (size_t i = 0; i < P->nitems; i++) {
        free(P->items[i].id);
        free(P->items[i].got_id);
        if (P->items[i].payload)
            xmpp_stanza_release(P->items[i].payload);
        if (P->items[i].error)
            xmpp_stanza_release(P->items[i].error);
    }
    free(P->items);
    P->items = NULL;
    P->nitems = 0;
}

static int check_id(const char *id, const char *what, size_t line)
{
    if (!*id)
        return line ? fail(RC_DATAERR,
                           "standard input line %zu: an empty id — nothing "
                           "was sent",
                           line)
                    : fail(RC_DATAERR, "an empty %s — nothing was sent", what);
    return text_check_input(what, line, id, ID_MAX);
}

/* One NDJSON line of --batch: {"id"?, "xml"|"text"|"json"} */
static int batch_line(struct pubsub *P, const char *text, size_t len,
                      size_t line, char *err, size_t errlen)
{
    struct jv *v = jsonin_parse(text, len, err, errlen);
    const struct jv *id = NULL, *data = NULL;
    enum pubsub_kind kind = PUBSUB_XML;
    xmpp_stanza_t *payload = NULL;
    char *json = NULL;
    bool bad = false;
    int rc = RC_DATAERR;

    if (!v)
        return RC_DATAERR;
    for (size_t i = 0; v->type == JV_OBJECT && i < v->n && !bad; i++) {
        const char *k = v->keys[i];
        const struct jv *m = &v->kids[i];

        if (!strcmp(k, "id") && m->type == JV_STRING && !id)
            id = m;
        else if (!data && !strcmp(k, "xml") && m->type == JV_STRING)
            data = m, kind = PUBSUB_XML;
        else if (!data && !strcmp(k, "text") && m->type == JV_STRING)
            data = m, kind = PUBSUB_TEXT;
        else if (!data && !strcmp(k, "json"))
            data = m, kind = PUBSUB_JSON;
        else
            bad = true;
    }
    if (v->type != JV_OBJECT || !data || bad)
        snprintf(err, errlen,
                 "expected an object with \"xml\", \"text\" or "
                 "\"json\" (and \"id\"), and nothing else");
    else if (kind == PUBSUB_JSON && (json = jv_text(data)))
        rc = pubsub_payload(P->s.ctx, kind, json, strlen(json), &payload, err,
                            errlen);
    else
        rc = pubsub_payload(P->s.ctx, kind, data->s, strlen(data->s), &payload,
                            err, errlen);
    if (rc == RC_OK && id && check_id(id->s, "id", line) != RC_OK)
        rc = RC_DATAERR, err[0] = '\0';
    if (rc == RC_OK)
        add_item(P, id ? id->s : NULL, payload, line);
    free(json);
    jv_free(v);
    return rc;
}

static int read_batch(struct pubsub *P)
{
    char *buf, err[512];
    size_t len, line = 0;
    int rc;

    if ((rc = read_stdin(&buf, &len)) != RC_OK)
        return rc;
    for (char *p = buf, *nl; rc == RC_OK && p < buf + len; p = nl + 1) {
        size_t n;

        nl = memchr(p, '\n', (size_t)(buf + len - p));
        if (!nl)
            nl = buf + len;
        n = (size_t)(nl - p);
        line++;
        if (strspn(p, " \t\r") >= n)
            continue; /* an empty line */
        err[0] = '\0';
        if ((rc = batch_line(P, p, n, line, err, sizeof(err))) != RC_OK &&
            err[0])
            fail(rc, "standard input line %zu: %s — nothing was sent", line,
                 err);
    }
    free(buf);
    if (rc == RC_OK && P->nitems == 0)
        rc = fail(RC_DATAERR, "--batch: no items on standard input");
    return rc;
}

/* The payload of a single item: <xml>, -, --text or --json-payload */
static int read_one(struct pubsub *P)
{
    enum pubsub_kind kind = P->text           ? PUBSUB_TEXT
                            : P->json_payload ? PUBSUB_JSON
                                              : PUBSUB_XML;
    const char *src = P->text           ? P->text
                      : P->json_payload ? P->json_payload
                                        : P->argv[1];
    const char *what = P->text           ? "--text"
                       : P->json_payload ? "--json-payload"
                                         : "payload";
    char *buf = NULL, err[512];
    size_t len = strlen(src);
    xmpp_stanza_t *payload;
    int rc;

    if (!strcmp(src, "-") && (rc = read_stdin(&buf, &len)) != RC_OK)
        return rc;
    rc = pubsub_payload(P->s.ctx, kind, buf ? buf : src, len, &payload, err,
                        sizeof(err));
    free(buf);
    if (rc != RC_OK)
        return fail(rc, "%s: %s — nothing was sent", what, err);
    add_item(P, P->ids.n ? P->ids.v[0] : NULL, payload, 0);
    return RC_OK;
}

int ps_prepare_publish(struct pubsub *P)
{
    int sources = (P->argc == 2) + !!P->text + !!P->json_payload + P->batch;
    int rc;

    if (sources != 1)
        return opt_usage_error(ps_usage,
                               "publish: give one payload: <xml>, - (XML "
                               "from standard input), --text, "
                               "--json-payload or --batch");
    if (P->ids.n > 1 || (P->batch && P->ids.n))
        return opt_usage_error(ps_usage, "publish: one --id, and none with "
                                         "--batch (the lines have theirs)");
    if (P->ids.n && (rc = check_id(P->ids.v[0], "--id", 0)) != RC_OK)
        return rc;
    P->opts_form = ps_options_form(P, PUBSUB_PUBLISH_OPTIONS,
                                   "--publish-option", &P->pubopts, &rc);
    if (rc != RC_OK)
        return rc;
    return P->batch ? read_batch(P) : read_one(P);
}

/* --- publish ------------------------------------------------------- */

/* The request that publishes item @i; its payload moves into it. */
static xmpp_stanza_t *publish_iq(struct pubsub *P, struct ps_item *it)
{
    xmpp_stanza_t *el,
        *iq = ps_request(P, "set", false, "publish", P->node, &el);
    xmpp_stanza_t *item = stanza_add(el, "item", NULL);

    if (it->id)
        xmpp_stanza_set_attribute(item, "id", it->id);
    xmpp_stanza_add_child(item, it->payload);
    xmpp_stanza_release(it->payload);
    it->payload = NULL;
    if (P->opts_form) {
        xmpp_stanza_t *x = xmpp_stanza_copy(P->opts_form);

        xmpp_stanza_add_child(
            stanza_add(xmpp_stanza_get_child_by_name(iq, "pubsub"),
                       "publish-options", NULL),
            x);
        xmpp_stanza_release(x);
    }
    return iq;
}

/* An answer to the publication of @it: the id, or the error. */
static void take_answer(struct pubsub *P, struct ps_item *it,
                        xmpp_stanza_t *reply)
{
    xmpp_stanza_t *pub, *item = NULL;
    const char *id;

    if (stanza_is_error(reply)) {
        it->error = reply;
        return;
    }
    if (P->reply)
        xmpp_stanza_release(P->reply);
    P->reply = reply;
    pub = ps_reply_child(P, "publish");
    item = pub ? xmpp_stanza_get_child_by_name(pub, "item") : NULL;
    id = item ? xmpp_stanza_get_attribute(item, "id") : NULL;
    if (!id)
        id = it->id; /* the service may leave out the id we gave */
    if (!(it->got_id = strdup(id ? id : "")))
        abort();
    it->done = true;
}

/* A request in flight; its slot stays in place until it is answered
 * (libstrophe holds a pointer to the session_req). */
struct flight {
    struct session_req r;
    struct ps_item *it; /* NULL: the slot is free */
};

struct pipeline {
    struct pubsub *P;
    struct flight fl[WINDOW];
    size_t nfl; /* slots in use */
};

static bool any_answered(void *arg)
{
    struct pipeline *pl = arg;

    for (size_t i = 0; i < WINDOW; i++)
        if (pl->fl[i].it && pl->fl[i].r.reply)
            return true;
    return false;
}

/* Takes the answers that came; returns false after an error answer. */
static bool harvest(struct pipeline *pl)
{
    bool ok = true;

    for (size_t i = 0; i < WINDOW; i++) {
        struct flight *f = &pl->fl[i];

        if (!f->it || !f->r.reply)
            continue;
        take_answer(pl->P, f->it, f->r.reply);
        ok = ok && !f->it->error;
        f->r.reply = NULL;
        session_iq_forget(&f->r);
        f->it = NULL;
        pl->nfl--;
    }
    return ok;
}

static struct flight *free_slot(struct pipeline *pl)
{
    for (size_t i = 0; i < WINDOW; i++)
        if (!pl->fl[i].it)
            return &pl->fl[i];
    return NULL;
}

/* Publishes every item, WINDOW at a time. RC_OK once all were
 * confirmed, RC_REMOTE after an error answer (no more are sent), or the
 * session's code. */
static int publish_all(struct pubsub *P)
{
    static struct pipeline pl; /* big: not on the stack */
    size_t next = 0;
    bool ok = true;
    int rc = RC_OK;

    memset(&pl, 0, sizeof(pl));
    pl.P = P;
    while (rc == RC_OK && (pl.nfl || (ok && next < P->nitems))) {
        struct flight *f;

        while (ok && next < P->nitems && (f = free_slot(&pl))) {
            f->it = &P->items[next++];
            pl.nfl++;
            session_iq_send(&P->s, publish_iq(P, f->it), &f->r);
        }
        rc = session_wait(&P->s, any_answered, &pl);
        ok = harvest(&pl) && ok;
    }
    for (size_t i = 0; i < WINDOW; i++)
        if (pl.fl[i].it)
            session_iq_forget(&pl.fl[i].r);
    if (rc != RC_OK)
        return rc;
    return ok ? RC_OK : RC_REMOTE;
}

static void print_published(struct pubsub *P)
{
    struct out *o = &P->s.out;

    if (o->mode == OUT_XML) {
        if (!P->batch && P->reply)
            out_stanza(o, P->reply);
        return;
    }
    if (P->batch && o->mode == OUT_JSON)
        out_list_begin(o, NULL);
    for (size_t i = 0; i < P->nitems; i++) {
        struct ps_item *it = &P->items[i];

        if (!it->done)
            continue;
        out_obj_begin(o, NULL);
        ps_print_target(P);
        out_str(o, "id", "%s", it->got_id);
        out_obj_end(o);
    }
    if (P->batch && o->mode == OUT_JSON)
        out_list_end(o);
}

/* After a failure: which item, how many were confirmed */
static int publish_failed(struct pubsub *P, int rc)
{
    size_t done = 0;

    for (size_t i = 0; i < P->nitems; i++) {
        struct ps_item *it = &P->items[i];

        done += it->done;
        if (it->error && P->batch)
            warn("the item of standard input line %zu was refused", it->line);
        if (it->error)
            return ps_remote_error(P, it->error);
    }
    if (P->nitems > 1)
        warn("%zu of %zu items confirmed; the others may or may not have "
             "been published",
             done, P->nitems);
    return session_iq_failed(&P->s, P->service, rc);
}

int ps_publish(struct pubsub *P)
{
    int rc = publish_all(P);

    print_published(P);
    return rc == RC_OK ? RC_OK : publish_failed(P, rc);
}

/* --- retract ------------------------------------------------------- */

int ps_retract(struct pubsub *P)
{
    xmpp_stanza_t *el, *iq;
    int rc;

    if ((rc = check_id(P->argv[1], "item id", 0)) != RC_OK)
        return rc;
    iq = ps_request(P, "set", false, "retract", P->node, &el);
    if (P->notify)
        xmpp_stanza_set_attribute(el, "notify", "true");
    xmpp_stanza_set_attribute(stanza_add(el, "item", NULL), "id", P->argv[1]);
    if ((rc = ps_ask(P, iq)) != RC_OK)
        return rc;
    if (P->s.out.mode == OUT_XML)
        out_stanza(&P->s.out, P->reply);
    if (P->s.out.mode == OUT_JSON) {
        out_obj_begin(&P->s.out, NULL);
        ps_print_target(P);
        out_str(&P->s.out, "id", NULL, P->argv[1]);
        out_bool(&P->s.out, "retracted", NULL, true);
        out_obj_end(&P->s.out);
    }
    return RC_OK;
}

/* --- items --------------------------------------------------------- */

struct got {
    xmpp_stanza_t **v; /* the <item/>s, copies */
    size_t n;
};

static void keep_items(struct got *g, xmpp_stanza_t *items)
{
    for (xmpp_stanza_t *c = items ? xmpp_stanza_get_children(items) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : "";

        if (strcmp(name, "item"))
            continue;
        if (!(g->v = realloc(g->v, (g->n + 1) * sizeof(*g->v))))
            abort();
        g->v[g->n++] = xmpp_stanza_copy(c);
    }
}

static const char *rsm_text(xmpp_stanza_t *set, const char *name)
{
    xmpp_stanza_t *c = set ? xmpp_stanza_get_child_by_name(set, name) : NULL;
    xmpp_stanza_t *t = c ? xmpp_stanza_get_children(c) : NULL;

    return t && xmpp_stanza_is_text(t) ? xmpp_stanza_get_text_ptr(t) : NULL;
}

/* The request for one page (or all, with --id or --max) */
static xmpp_stanza_t *items_iq(struct pubsub *P, const char *after)
{
    xmpp_stanza_t *el, *iq = ps_request(P, "get", false, "items", P->node, &el);
    xmpp_stanza_t *set;
    char max[32];

    for (size_t i = 0; i < P->ids.n; i++)
        xmpp_stanza_set_attribute(stanza_add(el, "item", NULL), "id",
                                  P->ids.v[i]);
    if (P->max >= 0) {
        snprintf(max, sizeof(max), "%ld", P->max);
        xmpp_stanza_set_attribute(el, "max_items", max);
    }
    if (P->ids.n || P->max >= 0)
        return iq;
    set =
        stanza_add(xmpp_stanza_get_child_by_name(iq, "pubsub"), "set", NS_RSM);
    snprintf(max, sizeof(max), "%d", PAGE);
    stanza_add_text(set, "max", max);
    if (after)
        stanza_add_text(set, "after", after);
    return iq;
}

/* Asks page after page (XEP-0059) until the service has no more (an
 * empty page, or as many as its count); a service without result sets
 * answers the first with everything. With --id or --max there is one
 * request, not paged: a result set in its answer (ejabberd's) only
 * describes it. */
static int fetch_items(struct pubsub *P, struct got *g)
{
    bool paged = !P->ids.n && P->max < 0;
    char *after = NULL;
    int rc = RC_OK;

    for (int page = 0; rc == RC_OK; page++) {
        xmpp_stanza_t *ps, *set;
        const char *last, *count;
        size_t before = g->n;

        if (page == MAX_PAGES) {
            rc = fail(RC_PROTOCOL, "%s: more than %d pages of items",
                      P->service, MAX_PAGES);
            break;
        }
        if ((rc = ps_ask(P, items_iq(P, after))) != RC_OK)
            break;
        if (P->s.out.mode == OUT_XML)
            out_stanza(&P->s.out, P->reply);
        keep_items(g, ps_reply_child(P, "items"));
        ps = xmpp_stanza_get_child_by_name(P->reply, "pubsub");
        set = ps ? xmpp_stanza_get_child_by_ns(ps, NS_RSM) : NULL;
        last = rsm_text(set, "last");
        count = rsm_text(set, "count");
        if (!paged || !set || !last || g->n == before ||
            (count && strtoul(count, NULL, 10) <= g->n))
            break;
        if (after && !strcmp(after, last)) {
            rc = fail(RC_PROTOCOL, "%s sent the same page of items twice",
                      P->service);
            break;
        }
        free(after);
        if (!(after = strdup(last)))
            abort();
    }
    free(after);
    return rc;
}

int ps_items(struct pubsub *P)
{
    struct out *o = &P->s.out;
    struct got g = { 0 };
    int rc;

    for (size_t i = 0; i < P->ids.n; i++)
        if ((rc = check_id(P->ids.v[i], "--id", i + 1)) != RC_OK)
            return rc;
    if ((rc = fetch_items(P, &g)) == RC_OK && o->mode != OUT_XML) {
        if (o->mode == OUT_JSON) {
            out_obj_begin(o, NULL);
            ps_print_target(P);
            out_list_begin(o, "items");
        }
        for (size_t i = 0; i < g.n; i++)
            pubsub_print_item(o, g.v[i], false);
        if (o->mode == OUT_JSON) {
            out_list_end(o);
            out_obj_end(o);
        }
    }
    for (size_t i = 0; i < g.n; i++)
        xmpp_stanza_release(g.v[i]);
    free(g.v);
    return rc;
}
