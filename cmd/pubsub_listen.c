/* cmd/pubsub_listen.c - `stanza pubsub listen`: live events
 *
 * Events come to this session's full JID, with a presence of priority -1
 * so that no message for the account (offline storage included) comes
 * to us instead of to the user's clients: on a pubsub service by a
 * subscription of that JID, made unless it exists and undone at the end
 * unless --keep; on a PEP service by "NODE+notify" in our entity
 * capabilities (XEP-0163). The resource stays the same across reconnects.
 * After a reconnect, items still on the nodes that were never seen are
 * printed: the catch-up.
 */
#include "pubsub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/disco.h"
#include "lib/err.h"
#include "lib/idset.h"
#include "lib/jid.h"
#include "lib/pubsub.h"
#include "lib/rc.h"
#include "lib/reconnect.h"
#include "lib/record.h"
#include "lib/respond.h"
#include "lib/stanza.h"

struct lnode {
    const char *name;
    bool subscribed; /* by us: undone at the end */
    bool gone;       /* deleted, or our subscription ended */
    bool seeded;     /* its items were listed: catching up is possible */
};

struct lsn {
    struct pubsub *P;
    struct session *s;
    bool pep;
    struct lnode *nodes;
    size_t n, ngone;
    char **notify; /* "NODE+notify", NULL-terminated */
    char *me;      /* our full JID on this connection */
    struct idset seen;
    long events;
    long caught; /* items the last catch-up printed */
};

/* --- events -------------------------------------------------------- */

static struct lnode *find_node(struct lsn *L, const char *name)
{
    for (size_t i = 0; name && i < L->n; i++)
        if (!strcmp(L->nodes[i].name, name))
            return &L->nodes[i];
    return NULL;
}

/* The seen-set key of item @id of @node */
static void remember(struct lsn *L, const char *node, const char *id)
{
    char key[2100];

    snprintf(key, sizeof(key), "%s\n%s", node, id ? id : "");
    idset_add(&L->seen, key);
}

static bool was_seen(struct lsn *L, const char *node, const char *id)
{
    char key[2100];

    snprintf(key, sizeof(key), "%s\n%s", node, id);
    return idset_has(&L->seen, key);
}

/* What an event says about the node: items seen, the node gone */
static void note_event(struct lsn *L, struct lnode *n, xmpp_stanza_t *c)
{
    const char *what = xmpp_stanza_get_name(c);
    const char *state = xmpp_stanza_get_attribute(c, "subscription");
    const char *jid = xmpp_stanza_get_attribute(c, "jid");
    bool ends = !strcmp(what, "delete") ||
                (!strcmp(what, "subscription") && state && jid && L->me &&
                 !strcmp(state, "none") && jid_equal(jid, L->me));

    for (xmpp_stanza_t *i = xmpp_stanza_get_children(c);
         !strcmp(what, "items") && i; i = xmpp_stanza_get_next(i))
        if (xmpp_stanza_is_tag(i) && !strcmp(xmpp_stanza_get_name(i), "item"))
            remember(L, n->name, xmpp_stanza_get_attribute(i, "id"));
    if (ends && !n->gone) {
        n->gone = true;
        n->subscribed = false; /* nothing left to undo */
        L->ngone++;
        warn("node '%s' %s", n->name,
             !strcmp(what, "delete") ? "was deleted"
                                     : "ended our subscription");
    }
}

static void deliver(struct lsn *L, xmpp_stanza_t *st)
{
    xmpp_stanza_t *ev = xmpp_stanza_get_child_by_ns(st, NS_PUBSUB_EVENT);
    xmpp_stanza_t *c = pubsub_payload_of(ev);
    struct lnode *n;

    if (!c || !pubsub_event_known(ev) ||
        !(n = find_node(L, xmpp_stanza_get_attribute(c, "node"))))
        return; /* not for us: the account's other subscriptions */
    if (L->P->count > 0 && L->events >= L->P->count)
        return;
    L->events++;
    record_print(&L->s->out, st);
    note_event(L, n, c);
}

static int on_message(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct lsn *L = ud;
    const char *from = xmpp_stanza_get_from(st);

    (void)conn;
    if (from && jid_equal(from, L->P->service) && !stanza_is_error(st))
        deliver(L, st);
    return 1;
}

/* --- subscriptions ------------------------------------------------- */

/* Is @jid subscribed to @node already (the service's own list)? */
static bool subscribed_already(struct lsn *L, struct lnode *n)
{
    struct pubsub *P = L->P;
    xmpp_stanza_t *list;

    P->node = n->name;
    if (ps_send(P, ps_request(P, "get", false, "subscriptions", n->name,
                              NULL)) != RC_OK)
        return false; /* subscribe says why, if it matters */
    list = ps_reply_child(P, "subscriptions");
    for (xmpp_stanza_t *c = list ? xmpp_stanza_get_children(list) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *jid = xmpp_stanza_get_attribute(c, "jid");
        const char *state = xmpp_stanza_get_attribute(c, "subscription");

        if (jid && jid_equal(jid, L->me) && state &&
            !strcmp(state, "subscribed"))
            return true;
    }
    return false;
}

static int subscribe(struct lsn *L, struct lnode *n)
{
    struct pubsub *P = L->P;
    xmpp_stanza_t *el, *iq;

    P->node = n->name;
    iq = ps_request(P, "set", false, "subscribe", n->name, &el);
    xmpp_stanza_set_attribute(el, "jid", L->me);
    return ps_ask(P, iq);
}

/* Subscribes to the nodes (first time: unless subscribed already) */
static int subscribe_all(struct lsn *L, bool first)
{
    int rc;

    for (size_t i = 0; i < L->n; i++) {
        struct lnode *n = &L->nodes[i];

        if (n->gone || (!first && !n->subscribed))
            continue;
        if (first && subscribed_already(L, n))
            continue;
        if ((rc = subscribe(L, n)) != RC_OK)
            return rc;
        n->subscribed = true;
    }
    return RC_OK;
}

/* Undoes our subscriptions: at the end, or after a failure to start */
static void unsubscribe_all(struct lsn *L)
{
    struct pubsub *P = L->P;

    session_clear_signal(); /* a Ctrl-C ended the loop: now clean up */
    L->s->deadline = session_now() + L->s->opt.timeout_ms;
    for (size_t i = 0; i < L->n && L->s->state == S_ONLINE; i++) {
        struct lnode *n = &L->nodes[i];
        xmpp_stanza_t *el, *iq;

        if (!n->subscribed || P->keep)
            continue;
        P->node = n->name;
        iq = ps_request(P, "set", false, "unsubscribe", n->name, &el);
        xmpp_stanza_set_attribute(el, "jid", L->me);
        if (ps_ask(P, iq) == RC_OK)
            n->subscribed = false;
    }
}

/* --- catching up --------------------------------------------------- */

/* The item ids on node @n (disco#items: ids only) into *@ids */
static int list_ids(struct lsn *L, struct lnode *n, char ***ids, size_t *nids)
{
    struct pubsub *P = L->P;
    xmpp_stanza_t *q;
    int rc;

    *ids = NULL;
    *nids = 0;
    P->node = n->name;
    rc = ps_send(P, disco_request(L->s->ctx, P->to, n->name, true));
    if (rc != RC_OK || !(q = disco_query(P->reply, true)))
        return rc == RC_OK ? RC_PROTOCOL : rc;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(q); c;
         c = xmpp_stanza_get_next(c)) {
        const char *id =
            xmpp_stanza_is_tag(c) ? xmpp_stanza_get_attribute(c, "name") : NULL;

        if (!id)
            continue;
        if (!(*ids = realloc(*ids, (*nids + 1) * sizeof(**ids))) ||
            !((*ids)[(*nids)++] = strdup(id)))
            abort();
    }
    return RC_OK;
}

static void free_ids(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

/* Remembers the items on the nodes now, so that a catch-up prints only
 * those published later. */
static void seed(struct lsn *L)
{
    for (size_t i = 0; i < L->n; i++) {
        char **ids;
        size_t nids;

        if (list_ids(L, &L->nodes[i], &ids, &nids) != RC_OK)
            continue;
        L->nodes[i].seeded = true;
        for (size_t k = 0; k < nids; k++)
            remember(L, L->nodes[i].name, ids[k]);
        free_ids(ids, nids);
    }
}

/* An event message for @item of @node, as the service would send it */
static xmpp_stanza_t *event_of(struct lsn *L, const char *node,
                               xmpp_stanza_t *item)
{
    xmpp_stanza_t *m = xmpp_message_new(L->s->ctx, "headline", L->me, NULL);
    xmpp_stanza_t *items =
        stanza_add(stanza_add(m, "event", NS_PUBSUB_EVENT), "items", NULL);
    xmpp_stanza_t *copy = xmpp_stanza_copy(item);

    xmpp_stanza_set_from(m, L->P->service);
    xmpp_stanza_set_attribute(items, "node", node);
    xmpp_stanza_del_attribute(copy, "xmlns");
    xmpp_stanza_add_child(items, copy);
    xmpp_stanza_release(copy);
    return m;
}

/* Asks for the @nmissed most recent items of @n (they come oldest first)
 * and prints those never seen as events. */
static int fetch_missed(struct lsn *L, struct lnode *n, size_t nmissed)
{
    struct pubsub *P = L->P;
    xmpp_stanza_t *el, *iq, *items;
    char max[32];
    int rc;

    P->node = n->name;
    iq = ps_request(P, "get", false, "items", n->name, &el);
    snprintf(max, sizeof(max), "%zu", nmissed);
    xmpp_stanza_set_attribute(el, "max_items", max);
    if ((rc = ps_send(P, iq)) != RC_OK)
        return rc;
    items = ps_reply_child(P, "items");
    for (xmpp_stanza_t *c = items ? xmpp_stanza_get_children(items) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *id = xmpp_stanza_get_attribute(c, "id");
        xmpp_stanza_t *m;

        if (!xmpp_stanza_is_tag(c) || strcmp(xmpp_stanza_get_name(c), "item") ||
            !id || was_seen(L, n->name, id))
            continue;
        m = event_of(L, n->name, c);
        if (!L->P->count || L->events < L->P->count) {
            L->events++;
            L->caught++;
            record_print(&L->s->out, m);
        }
        xmpp_stanza_release(m);
    }
    return RC_OK;
}

/* What was published on @n while we were away and is still there */
static int catch_up_node(struct lsn *L, struct lnode *n)
{
    char **ids;
    size_t nids, nmissed = 0;
    int rc = list_ids(L, n, &ids, &nids);

    if (rc != RC_OK)
        return rc;
    for (size_t i = 0; n->seeded && i < nids; i++)
        nmissed += !was_seen(L, n->name, ids[i]);
    if (nmissed)
        rc = fetch_missed(L, n, nmissed);
    n->seeded = true;
    for (size_t i = 0; i < nids; i++)
        remember(L, n->name, ids[i]);
    free_ids(ids, nids);
    return rc;
}

/* --- the connection ------------------------------------------------ */

static void send_presence(struct lsn *L)
{
    xmpp_stanza_t *p = xmpp_presence_new(L->s->ctx);

    stanza_add_text(p, "priority", "-1");
    if (L->pep)
        respond_caps(p);
    xmpp_send(L->s->conn, p);
    xmpp_stanza_release(p);
}

/* On each connection: handlers, presence, subscriptions */
static int go_online(struct lsn *L, bool first)
{
    struct session *s = L->s;
    const char *bound = xmpp_conn_get_bound_jid(s->conn);

    free(L->me);
    if (!(L->me = strdup(bound ? bound : s->acct.jid)))
        abort();
    respond_install(s, NULL);
    respond_features(L->pep ? (const char *const *)L->notify : NULL);
    xmpp_handler_add(s->conn, on_message, NULL, "message", NULL, L);
    send_presence(L);
    return L->pep ? RC_OK : subscribe_all(L, first);
}

static bool stop_now(void *arg)
{
    struct lsn *L = arg;

    return (L->P->count > 0 && L->events >= L->P->count) || L->ngone == L->n ||
           out_error(&L->s->out);
}

/* Once online again: subscriptions, then the catch-up */
static int back_online(void *arg, long long lost)
{
    struct lsn *L = arg;
    double secs = (double)(session_now() - lost) / 1000.0;
    int rc;

    if ((rc = go_online(L, false)) != RC_OK)
        return L->s->state == S_ONLINE ? RC_OK : reconnect_lost(L->s, rc);
    L->caught = 0;
    for (size_t i = 0; i < L->n && rc == RC_OK; i++)
        if (!L->nodes[i].gone)
            rc = catch_up_node(L, &L->nodes[i]);
    if (L->s->state != S_ONLINE) /* lost again */
        return reconnect_lost(L->s, rc ? rc : RC_TEMPFAIL);
    if (rc == RC_OK)
        warn("reconnected after %.1f s; %ld item%s caught up from the "
             "node%s",
             secs, L->caught, L->caught == 1 ? "" : "s", L->n == 1 ? "" : "s");
    else
        warn("reconnected after %.1f s; cannot catch up: items published "
             "meanwhile may be missing",
             secs);
    return RC_OK;
}

static int loop(struct lsn *L)
{
    long long end = L->P->until_ms > 0 ? session_now() + L->P->until_ms : 0;
    struct reconnect r = {
        .s = L->s, .end = end, .online = back_online, .arg = L
    };

    return reconnect_stay(&r, L->P->no_reconnect, stop_now, L);
}

/* --- the verb ------------------------------------------------------ */

/* A resource of our own, the same after each reconnect */
static int pick_resource(struct session *s)
{
    unsigned r = 0;
    char res[32];
    int rc;

    if (!s->acct_loaded && (rc = account_load(&s->opt, &s->acct)) != RC_OK)
        return rc;
    s->acct_loaded = true;
    if (s->acct.resource || strchr(s->acct.jid, '/'))
        return RC_OK;
    if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
        r = (unsigned)session_now_us();
    snprintf(res, sizeof(res), "stanza-%08x", r);
    if (!(s->acct.resource = strdup(res)))
        abort();
    return RC_OK;
}

int ps_listen_prepare(struct pubsub *P)
{
    return pick_resource(&P->s);
}

static bool is_pep(struct pubsub *P)
{
    struct jid *j = jid_parse(P->service, NULL);
    bool pep = j && j->local;

    jid_free(j);
    return pep;
}

static void setup(struct lsn *L, struct pubsub *P)
{
    memset(L, 0, sizeof(*L));
    L->P = P;
    L->s = &P->s;
    L->pep = is_pep(P);
    L->n = (size_t)P->argc;
    if (!(L->nodes = calloc(L->n, sizeof(*L->nodes))) ||
        !(L->notify = calloc(L->n + 1, sizeof(*L->notify))))
        abort();
    for (size_t i = 0; i < L->n; i++) {
        L->nodes[i].name = P->argv[i];
        if (asprintf(&L->notify[i], "%s+notify", P->argv[i]) < 0)
            abort();
    }
}

static void teardown(struct lsn *L)
{
    respond_features(NULL);
    for (size_t i = 0; i < L->n; i++)
        free(L->notify[i]);
    free(L->notify);
    free(L->nodes);
    free(L->me);
    idset_free(&L->seen);
    L->P->node = NULL;
}

int ps_listen(struct pubsub *P)
{
    struct lsn L;
    int rc;

    setup(&L, P);
    if ((rc = go_online(&L, true)) == RC_OK) {
        seed(&L);
        P->node = NULL;
        rc = loop(&L);
    }
    unsubscribe_all(&L);
    teardown(&L);
    return rc;
}
