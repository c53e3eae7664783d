/* lib/disco.c - service discovery (XEP-0030): requests, answers, the walk */
#include "disco.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "jid.h"
#include "rc.h"
#include "stanza.h"

#define NS_OFFLINE "http://jabber.org/protocol/offline" /* XEP-0013 */

enum { INFO, ITEMS };

xmpp_stanza_t *disco_request(xmpp_ctx_t *ctx, const char *to, const char *node,
                             bool items)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", NULL);
    xmpp_stanza_t *q = xmpp_stanza_new(ctx);

    if (to)
        xmpp_stanza_set_to(iq, to);
    xmpp_stanza_set_name(q, "query");
    xmpp_stanza_set_ns(q, items ? NS_DISCO_ITEMS : NS_DISCO_INFO);
    if (node)
        xmpp_stanza_set_attribute(q, "node", node);
    xmpp_stanza_add_child(iq, q);
    xmpp_stanza_release(q);
    return iq;
}

xmpp_stanza_t *disco_query(xmpp_stanza_t *reply, bool items)
{
    xmpp_stanza_t *q;

    if (!reply || stanza_is_error(reply))
        return NULL;
    q = xmpp_stanza_get_child_by_ns(reply,
                                    items ? NS_DISCO_ITEMS : NS_DISCO_INFO);
    return q && !strcmp(xmpp_stanza_get_name(q), "query") ? q : NULL;
}

static bool named(xmpp_stanza_t *c, const char *name)
{
    const char *n = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : NULL;

    return n && !strcmp(n, name);
}

static bool eq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

bool disco_has_feature(xmpp_stanza_t *q, const char *var)
{
    for (xmpp_stanza_t *c = q ? xmpp_stanza_get_children(q) : NULL; c;
         c = xmpp_stanza_get_next(c))
        if (named(c, "feature") && eq(xmpp_stanza_get_attribute(c, "var"), var))
            return true;
    return false;
}

bool disco_has_identity(xmpp_stanza_t *q, const char *category,
                        const char *type)
{
    for (xmpp_stanza_t *c = q ? xmpp_stanza_get_children(q) : NULL; c;
         c = xmpp_stanza_get_next(c))
        if (named(c, "identity") &&
            eq(xmpp_stanza_get_attribute(c, "category"), category) &&
            eq(xmpp_stanza_get_attribute(c, "type"), type))
            return true;
    return false;
}

const char *disco_identity_name(xmpp_stanza_t *q, const char *category,
                                const char *type)
{
    for (xmpp_stanza_t *c = q ? xmpp_stanza_get_children(q) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_attribute(c, "name");

        if (named(c, "identity") &&
            eq(xmpp_stanza_get_attribute(c, "category"), category) &&
            eq(xmpp_stanza_get_attribute(c, "type"), type) && name && *name)
            return name;
    }
    return NULL;
}

/* Text mode: @indent spaces. */
static void indent_by(struct out *o, int indent)
{
    for (int i = 0; o->mode == OUT_TEXT && i < indent; i++)
        out_str(o, NULL, " ", "");
}

static void newline(struct out *o)
{
    if (o->mode == OUT_TEXT)
        out_str(o, NULL, "\n", "");
}

static void print_identities(struct out *o, xmpp_stanza_t *q, int indent)
{
    out_list_begin(o, "identities");
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(q); c;
         c = xmpp_stanza_get_next(c)) {
        if (!named(c, "identity"))
            continue;
        indent_by(o, indent);
        out_obj_begin(o, NULL);
        out_str(o, "category", "identity: %s",
                xmpp_stanza_get_attribute(c, "category"));
        out_str(o, "type", "/%s", xmpp_stanza_get_attribute(c, "type"));
        out_str(o, "name", " (%s)", xmpp_stanza_get_attribute(c, "name"));
        out_str(o, "lang", NULL, xmpp_stanza_get_attribute(c, "lang"));
        out_obj_end(o);
        newline(o);
    }
    out_list_end(o);
}

static void print_features(struct out *o, xmpp_stanza_t *q, int indent)
{
    out_list_begin(o, "features");
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(q); c;
         c = xmpp_stanza_get_next(c)) {
        if (!named(c, "feature") || !xmpp_stanza_get_attribute(c, "var"))
            continue;
        indent_by(o, indent);
        out_str(o, NULL, "feature: %s\n", xmpp_stanza_get_attribute(c, "var"));
    }
    out_list_end(o);
}

static void print_forms(struct out *o, xmpp_stanza_t *q, int indent)
{
    bool any = false;

    for (xmpp_stanza_t *c = xmpp_stanza_get_children(q); c;
         c = xmpp_stanza_get_next(c)) {
        struct form *f = form_parse(c);

        if (!f)
            continue;
        if (!any)
            out_list_begin(o, "forms");
        any = true;
        indent_by(o, indent);
        if (o->mode == OUT_TEXT)
            out_str(o, NULL, "form: %s\n", form_type(f) ? form_type(f) : "");
        form_print(o, NULL, f, indent + 2);
        form_free(f);
    }
    if (any)
        out_list_end(o);
}

void disco_print_info(struct out *o, xmpp_stanza_t *q, int indent)
{
    if (!q)
        return;
    print_identities(o, q, indent);
    print_features(o, q, indent);
    print_forms(o, q, indent);
}

void disco_print_items(struct out *o, xmpp_stanza_t *q)
{
    out_list_begin(o, "items");
    for (xmpp_stanza_t *c = q ? xmpp_stanza_get_children(q) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        if (!named(c, "item"))
            continue;
        out_obj_begin(o, NULL);
        out_str(o, "jid", "%s", xmpp_stanza_get_attribute(c, "jid"));
        out_str(o, "node", " node=%s", xmpp_stanza_get_attribute(c, "node"));
        out_str(o, "name", " (%s)", xmpp_stanza_get_attribute(c, "name"));
        out_obj_end(o);
        newline(o);
    }
    out_list_end(o);
}

/* --- the walk ------------------------------------------------------ */

struct pending {
    struct disco_entity *e;
    int kind; /* INFO, ITEMS */
};

struct walker {
    struct session *s;
    struct disco_walk *w;
    struct pending *queue; /* to send, oldest first */
    size_t qhead, qlen, qcap;
    struct pending *flight; /* sent, not answered */
    size_t nflight;
    char **keys; /* entities seen */
    size_t nkeys;
};

/* "local@domain/resource" with local part and domain in lowercase, then
 * the node: equal keys are the same entity. */
static char *entity_key(const char *jid, const char *node)
{
    struct jid *j = jid_parse(jid, NULL);
    char *k = NULL;

    if (j) {
        for (char *p = j->local; p && *p; p++)
            *p = (char)tolower((unsigned char)*p);
        for (char *p = j->domain; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    }
    if (asprintf(&k, "%s%s%s%s%s\x1f%s", j && j->local ? j->local : "",
                 j && j->local ? "@" : "", j ? j->domain : jid,
                 j && j->resource ? "/" : "",
                 j && j->resource ? j->resource : "", node ? node : "") < 0)
        abort();
    jid_free(j);
    return k;
}

/* Remembers the entity; false if it was seen before. */
static bool first_visit(struct walker *W, const char *jid, const char *node)
{
    char *k = entity_key(jid, node);

    for (size_t i = 0; i < W->nkeys; i++) {
        if (!strcmp(W->keys[i], k)) {
            free(k);
            return false;
        }
    }
    if (!(W->keys = realloc(W->keys, (W->nkeys + 1) * sizeof(*W->keys))))
        abort();
    W->keys[W->nkeys++] = k;
    return true;
}

static char *dup_or_null(const char *s)
{
    char *d = s ? strdup(s) : NULL;

    if (s && !d)
        abort();
    return d;
}

static struct disco_entity *new_entity(const char *jid, const char *node,
                                       const char *name, int level)
{
    struct disco_entity *e = calloc(1, sizeof(*e));

    if (!e)
        abort();
    e->jid = dup_or_null(jid);
    e->node = dup_or_null(node);
    e->name = dup_or_null(name);
    e->level = level;
    return e;
}

static void enqueue(struct walker *W, struct disco_entity *e, int kind)
{
    if (W->qlen == W->qcap) {
        W->qcap = W->qcap ? 2 * W->qcap : 64;
        if (!(W->queue = realloc(W->queue, W->qcap * sizeof(*W->queue))))
            abort();
    }
    W->queue[W->qlen++] = (struct pending){ e, kind };
    e->asked[kind] = true;
}

/* Queues the requests for a new entity within the bounds. */
static void ask(struct walker *W, struct disco_entity *e)
{
    W->w->asked++;
    enqueue(W, e, INFO);
    if (e->level < W->w->depth)
        enqueue(W, e, ITEMS);
}

static void add_kid(struct walker *W, struct disco_entity *parent,
                    xmpp_stanza_t *item)
{
    const char *jid = xmpp_stanza_get_attribute(item, "jid");
    const char *node = xmpp_stanza_get_attribute(item, "node");
    struct disco_entity *e;

    if (!jid)
        return;
    e = new_entity(jid, node, xmpp_stanza_get_attribute(item, "name"),
                   parent->level + 1);
    parent->kids =
        realloc(parent->kids, (parent->nkids + 1) * sizeof(*parent->kids));
    if (!parent->kids)
        abort();
    parent->kids[parent->nkids++] = e;
    if (!jid_valid(jid, NULL))
        e->bad_jid = true;
    else if (!first_visit(W, jid, node))
        e->repeat = true;
    else if ((long)W->w->asked >= W->w->limit)
        e->skipped = W->w->limited = true;
    else
        ask(W, e);
}

static void take_answer(struct walker *W, struct pending *p)
{
    struct disco_entity *e = p->e;
    xmpp_stanza_t *reply = e->req[p->kind].reply;
    xmpp_stanza_t *q;

    session_iq_forget(&e->req[p->kind]);
    e->req[p->kind].reply = NULL;
    if (p->kind == INFO) {
        e->info = reply;
        return;
    }
    e->items = reply;
    q = disco_query(reply, true);
    for (xmpp_stanza_t *c = q ? xmpp_stanza_get_children(q) : NULL; c;
         c = xmpp_stanza_get_next(c))
        if (named(c, "item"))
            add_kid(W, e, c);
}

static void send_next(struct walker *W)
{
    struct pending p = W->queue[W->qhead++];

    session_iq_send(
        W->s, disco_request(W->s->ctx, p.e->jid, p.e->node, p.kind == ITEMS),
        &p.e->req[p.kind]);
    W->w->requests++;
    W->flight[W->nflight++] = p;
}

static bool any_answered(void *arg)
{
    struct walker *W = arg;

    for (size_t i = 0; i < W->nflight; i++)
        if (W->flight[i].e->req[W->flight[i].kind].reply)
            return true;
    return false;
}

static void harvest(struct walker *W)
{
    for (size_t i = 0; i < W->nflight;) {
        struct pending p = W->flight[i];

        if (!p.e->req[p.kind].reply) {
            i++;
            continue;
        }
        W->flight[i] = W->flight[--W->nflight];
        take_answer(W, &p);
    }
}

/* The walk ended early: what is in flight or queued stays unanswered. */
static void abandon(struct walker *W)
{
    for (size_t i = 0; i < W->nflight; i++) {
        struct pending *p = &W->flight[i];

        session_iq_forget(&p->e->req[p->kind]);
        p->e->unanswered = true;
    }
    for (size_t i = W->qhead; i < W->qlen; i++)
        W->queue[i].e->unanswered = true;
    W->w->unanswered = W->nflight + (W->qlen - W->qhead);
    W->nflight = 0;
}

int disco_walk(struct session *s, struct disco_walk *w, const char *jid,
               const char *node)
{
    struct walker W = { .s = s, .w = w };
    int rc = RC_OK;

    if (w->parallel < 1)
        w->parallel = 1;
    if (!(W.flight = calloc((size_t)w->parallel, sizeof(*W.flight))))
        abort();
    w->root = new_entity(jid, node, NULL, 0);
    first_visit(&W, jid, node);
    ask(&W, w->root);
    for (;;) {
        while (W.nflight < (size_t)w->parallel && W.qhead < W.qlen)
            send_next(&W);
        if (W.nflight == 0)
            break;
        if ((rc = session_wait(s, any_answered, &W)) != RC_OK) {
            abandon(&W);
            break;
        }
        harvest(&W);
    }
    for (size_t i = 0; i < W.nkeys; i++)
        free(W.keys[i]);
    free(W.keys);
    free(W.queue);
    free(W.flight);
    return rc;
}

static void free_entity(struct disco_entity *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nkids; i++)
        free_entity(e->kids[i]);
    for (int k = INFO; k <= ITEMS; k++) {
        session_iq_forget(&e->req[k]);
        if (e->req[k].reply)
            xmpp_stanza_release(e->req[k].reply);
    }
    if (e->info)
        xmpp_stanza_release(e->info);
    if (e->items)
        xmpp_stanza_release(e->items);
    free(e->kids);
    free(e->jid);
    free(e->node);
    free(e->name);
    free(e);
}

void disco_walk_free(struct disco_walk *w)
{
    free_entity(w->root);
    w->root = NULL;
}

bool disco_offline_held(struct session *s)
{
    xmpp_stanza_t *iq = disco_request(s->ctx, NULL, NS_OFFLINE, false);
    xmpp_stanza_t *reply = NULL;
    int rc = session_iq(s, iq, &reply);

    if (reply)
        xmpp_stanza_release(reply);
    return rc == RC_OK;
}
