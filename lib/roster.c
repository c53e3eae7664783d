/* lib/roster.c - the roster (RFC 6121 §2) and the presence of contacts */
#include "roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jid.h"
#include "disco.h"
#include "rc.h"
#include "stanza.h"

static char *dup_or_null(const char *s)
{
    char *d = s ? strdup(s) : NULL;

    if (s && !d)
        abort();
    return d;
}

static char *text_of(xmpp_stanza_t *el)
{
    xmpp_stanza_t *t = el ? xmpp_stanza_get_children(el) : NULL;

    return dup_or_null(t && xmpp_stanza_is_text(t) ? xmpp_stanza_get_text_ptr(t)
                                                   : NULL);
}

static void res_free(struct roster_res *x)
{
    free(x->jid);
    free(x->resource);
    free(x->show);
    free(x->status);
}

/* Drops every resource but @jid's. */
static void keep_res(struct roster_item *it, const char *jid)
{
    size_t k = 0;

    for (size_t i = 0; i < it->nres; i++)
        if (jid_equal(it->res[i].jid, jid))
            it->res[k++] = it->res[i];
        else
            res_free(&it->res[i]);
    it->nres = k;
}

static void item_free(struct roster_item *it)
{
    free(it->jid);
    free(it->name);
    free(it->subscription);
    free(it->ask);
    for (size_t i = 0; i < it->ngroups; i++)
        free(it->groups[i]);
    free(it->groups);
    for (size_t i = 0; i < it->nres; i++)
        res_free(&it->res[i]);
    free(it->res);
    memset(it, 0, sizeof(*it));
}

static void add_group(struct roster_item *it, char *g)
{
    for (size_t i = 0; i < it->ngroups; i++)
        if (strcmp(it->groups[i], g) == 0) {
            free(g);
            return;
        }
    if (!(it->groups = realloc(it->groups, (it->ngroups + 1) * sizeof(char *))))
        abort();
    it->groups[it->ngroups++] = g;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads one <item/>; false if it has no valid bare JID. */
static bool parse_item(xmpp_stanza_t *el, struct roster_item *it)
{
    const char *jid = xmpp_stanza_get_attribute(el, "jid");
    const char *sub = xmpp_stanza_get_attribute(el, "subscription");
    const char *approved = xmpp_stanza_get_attribute(el, "approved");
    struct jid *j = jid ? jid_parse(jid, NULL) : NULL;

    memset(it, 0, sizeof(*it));
    if (!j || j->resource) {
        jid_free(j);
        return false;
    }
    jid_free(j);
    it->jid = dup_or_null(jid);
    it->name = dup_or_null(xmpp_stanza_get_attribute(el, "name"));
    if (it->name && !*it->name) {
        free(it->name);
        it->name = NULL;
    }
    it->subscription = dup_or_null(sub ? sub : "none");
    it->ask = dup_or_null(xmpp_stanza_get_attribute(el, "ask"));
    it->approved = approved && !strcmp(approved, "true");
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(el); c;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_name(c);
        char *g;

        if (name && !strcmp(name, "group") && (g = text_of(c)))
            add_group(it, g);
    }
    if (it->ngroups)
        qsort(it->groups, it->ngroups, sizeof(char *), cmp_str);
    return true;
}

static int cmp_item(const void *a, const void *b)
{
    return strcmp(((const struct roster_item *)a)->jid,
                  ((const struct roster_item *)b)->jid);
}

static void parse_query(struct roster *r, xmpp_stanza_t *q)
{
    for (xmpp_stanza_t *c = q ? xmpp_stanza_get_children(q) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_name(c);
        struct roster_item it;

        if (!name || strcmp(name, "item") || !parse_item(c, &it))
            continue;
        if (roster_find(r, it.jid)) { /* never twice */
            item_free(&it);
            continue;
        }
        if (!(r->items = realloc(r->items, (r->n + 1) * sizeof(it))))
            abort();
        r->items[r->n++] = it;
    }
    if (r->n)
        qsort(r->items, r->n, sizeof(*r->items), cmp_item);
}

struct roster_item *roster_find(const struct roster *r, const char *jid)
{
    for (size_t i = 0; i < r->n; i++)
        if (jid_bare_equal(r->items[i].jid, jid))
            return &r->items[i];
    return NULL;
}

void roster_keep_only(struct roster *r, const char *jid)
{
    size_t k = 0;

    for (size_t i = 0; i < r->n; i++) {
        if (!jid_bare_equal(r->items[i].jid, jid)) {
            item_free(&r->items[i]);
            continue;
        }
        r->items[k] = r->items[i];
        if (strchr(jid, '/'))
            keep_res(&r->items[k], jid);
        k++;
    }
    r->n = k;
}

bool roster_sees(const struct roster_item *it)
{
    return !strcmp(it->subscription, "to") || !strcmp(it->subscription, "both");
}

/* --- handlers -------------------------------------------------------- */

/* Roster pushes (RFC 6121 §2.1.6) must be answered; only our server may
 * send them. */
static int push_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct roster *r = ud;
    const char *type = xmpp_stanza_get_type(st);
    xmpp_stanza_t *reply;

    if (!type || strcmp(type, "set") ||
        !xmpp_stanza_get_child_by_ns(st, NS_ROSTER) ||
        !session_from_ok(r->s, xmpp_stanza_get_from(st), NULL))
        return 1;
    reply = stanza_iq_answer(st, "result");
    xmpp_send(conn, reply);
    xmpp_stanza_release(reply);
    return 1;
}

static struct roster_res *find_res(struct roster_item *it, const char *from)
{
    for (size_t i = 0; i < it->nres; i++)
        if (jid_equal(it->res[i].jid, from))
            return &it->res[i];
    return NULL;
}

static void drop_res(struct roster_item *it, const char *from)
{
    for (size_t i = 0; i < it->nres;) {
        struct roster_res *x = &it->res[i];

        if (strchr(from, '/') && !jid_equal(x->jid, from)) {
            i++;
            continue;
        }
        res_free(x);
        memmove(x, x + 1, (--it->nres - i) * sizeof(*x));
    }
}

static long priority_of(xmpp_stanza_t *st)
{
    char *p = text_of(xmpp_stanza_get_child_by_name(st, "priority"));
    long v = p ? strtol(p, NULL, 10) : 0;

    free(p);
    return v < -128 ? -128 : v > 127 ? 127 : v;
}

static void set_res(struct roster_item *it, const char *from, xmpp_stanza_t *st)
{
    struct roster_res *x = find_res(it, from);

    if (!x) {
        if (!(it->res = realloc(it->res, (it->nres + 1) * sizeof(*x))))
            abort();
        x = &it->res[it->nres++];
        memset(x, 0, sizeof(*x));
        x->jid = dup_or_null(from);
        x->resource = dup_or_null(strchr(from, '/') + 1);
    }
    free(x->show);
    free(x->status);
    x->show = text_of(xmpp_stanza_get_child_by_name(st, "show"));
    x->status = text_of(xmpp_stanza_get_child_by_name(st, "status"));
    x->priority = priority_of(st);
}

static void add_request(struct roster *r, const char *from, xmpp_stanza_t *st)
{
    struct jid *j = jid_parse(from, NULL);
    struct roster_req *q;

    if (!j)
        return;
    for (size_t i = 0; i < r->nreqs; i++)
        if (jid_bare_equal(r->reqs[i].jid, from)) {
            jid_free(j);
            return;
        }
    if (!(r->reqs = realloc(r->reqs, (r->nreqs + 1) * sizeof(*q))))
        abort();
    q = &r->reqs[r->nreqs++];
    q->jid = jid_bare(j);
    q->status = text_of(xmpp_stanza_get_child_by_name(st, "status"));
    jid_free(j);
}

static int presence_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct roster *r = ud;
    const char *from = xmpp_stanza_get_from(st);
    const char *type = xmpp_stanza_get_type(st);
    struct roster_item *it;

    (void)conn;
    if (!from || !jid_valid(from, NULL))
        return 1;
    if (type && !strcmp(type, "subscribe")) {
        add_request(r, from, st);
        return 1;
    }
    if ((type && strcmp(type, "unavailable")) || !(it = roster_find(r, from)))
        return 1;
    it->answered = true;
    if (type)
        drop_res(it, from);
    else if (strchr(from, '/'))
        set_res(it, from, st);
    return 1;
}

static void install(struct session *s, struct roster *r)
{
    if (r->handlers)
        return;
    r->s = s;
    r->handlers = true;
    xmpp_handler_add(s->conn, push_cb, NULL, "iq", "set", r);
    xmpp_handler_add(s->conn, presence_cb, NULL, "presence", NULL, r);
}

/* --- requests -------------------------------------------------------- */

static void clear_items(struct roster *r)
{
    for (size_t i = 0; i < r->n; i++)
        item_free(&r->items[i]);
    free(r->items);
    r->items = NULL;
    r->n = 0;
}

int roster_fetch(struct session *s, struct roster *r)
{
    xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, "get", NULL), *reply = NULL;
    int rc;

    stanza_add(iq, "query", NS_ROSTER);
    install(s, r);
    rc = session_iq(s, iq, &reply);
    if (rc == RC_OK) {
        clear_items(r);
        parse_query(r, xmpp_stanza_get_child_by_ns(reply, NS_ROSTER));
        if (r->xml)
            xmpp_stanza_release(r->xml);
        r->xml = reply;
        reply = NULL;
    } else if (rc == RC_REMOTE) {
        rc = stanza_fail_error("the server (roster)", reply);
    } else {
        rc = session_iq_failed(s, NULL, rc);
    }
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

/* True if @groups[@i] equals an earlier one. */
static bool group_repeated(const char *const *groups, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(groups[j], groups[i]) == 0)
            return true;
    return false;
}

xmpp_stanza_t *roster_set_iq(xmpp_ctx_t *ctx, const char *jid, const char *name,
                             const char *const *groups, size_t ngroups,
                             bool remove)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", NULL);
    xmpp_stanza_t *item =
        stanza_add(stanza_add(iq, "query", NS_ROSTER), "item", NULL);

    xmpp_stanza_set_attribute(item, "jid", jid);
    if (remove)
        xmpp_stanza_set_attribute(item, "subscription", "remove");
    if (name && !remove)
        xmpp_stanza_set_attribute(item, "name", name);
    /* each group once: RFC 6121 §2.3.3 has the server refuse a set with
     * duplicate groups (bad-request, as ejabberd does; Prosody drops the
     * copies) */
    for (size_t i = 0; !remove && i < ngroups; i++)
        if (!group_repeated(groups, i))
            stanza_add_text(item, "group", groups[i]);
    return iq;
}

static bool all_answered(void *arg)
{
    const struct roster *r = arg;

    for (size_t i = 0; i < r->n; i++)
        if (roster_sees(&r->items[i]) && !r->items[i].answered)
            return false;
    return true;
}

struct bounce {
    struct session *s;
    const char *to;
    xmpp_stanza_t *error;
};

/* An error may come from the contact, its domain or our own server. */
static int bounce_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct bounce *b = ud;
    const char *from = xmpp_stanza_get_from(st);
    struct jid *to = jid_parse(b->to, NULL);
    bool ok = session_from_ok(b->s, from, NULL) ||
              (from && (jid_bare_equal(from, b->to) ||
                        (to && jid_equal(from, to->domain))));

    (void)conn;
    jid_free(to);
    if (!stanza_is_error(st) || b->error || !ok)
        return 1;
    b->error = xmpp_stanza_clone(st);
    return 0;
}

int roster_send_presence(struct session *s, const char *jid, const char *type,
                         const char *status, xmpp_stanza_t **error)
{
    xmpp_stanza_t *p = xmpp_presence_new(s->ctx), *reply = NULL;
    struct bounce b = { s, jid, NULL };
    char id[64];
    int rc;

    session_new_id(s, id, sizeof(id));
    xmpp_stanza_set_id(p, id);
    xmpp_stanza_set_to(p, jid);
    xmpp_stanza_set_type(p, type);
    if (status)
        stanza_add_text(p, "status", status);
    xmpp_id_handler_add(s->conn, bounce_cb, id, &b);
    xmpp_send(s->conn, p);
    xmpp_stanza_release(p);
    rc = session_iq(s, stanza_ping(s->ctx, NULL, NULL), &reply);
    if (reply)
        xmpp_stanza_release(reply);
    if (!b.error && s->conn)
        xmpp_id_handler_delete(s->conn, bounce_cb, id);
    if ((*error = b.error))
        return RC_REMOTE;
    return rc == RC_OK || rc == RC_REMOTE ? RC_OK
                                          : session_iq_failed(s, NULL, rc);
}

/* The most available first: highest priority, then by JID. */
static int cmp_res(const void *a, const void *b)
{
    const struct roster_res *x = a, *y = b;

    if (x->priority != y->priority)
        return x->priority > y->priority ? -1 : 1;
    return strcmp(x->jid, y->jid);
}

/* A ping to our server, answered: RC_OK, or the failure's code (printed) */
static int round_trip(struct session *s)
{
    xmpp_stanza_t *reply = NULL;
    int rc = session_iq(s, stanza_ping(s->ctx, NULL, NULL), &reply);

    if (reply)
        xmpp_stanza_release(reply);
    return rc == RC_OK || rc == RC_REMOTE ? RC_OK
                                          : session_iq_failed(s, NULL, rc);
}

static void send_priority(struct session *s, const char *priority)
{
    xmpp_stanza_t *p = xmpp_presence_new(s->ctx);

    stanza_add_text(p, "priority", priority);
    xmpp_send(s->conn, p);
    xmpp_stanza_release(p);
}

int roster_presence(struct session *s, struct roster *r, long wait_ms)
{
    long long deadline = s->deadline;
    int rc;

    install(s, r);
    if (r->requests && disco_offline_held(s)) {
        send_priority(s, "0");
        if (s->state != S_ONLINE)
            return session_report(s);
    }
    send_priority(s, "-1");
    /* Prosody answers our probes, and sends the requests waiting for us,
     * before it answers a ping sent after the presence; ejabberd's
     * contacts answer by themselves, a moment later, and offline ones
     * not at all */
    if ((rc = round_trip(s)) != RC_OK)
        return rc;
    if (session_now() + wait_ms < s->deadline)
        s->deadline = session_now() + wait_ms;
    rc = session_wait(s, all_answered, r);
    s->deadline = deadline;
    if (rc == RC_TEMPFAIL && s->state == S_ONLINE)
        rc = RC_OK; /* waited long enough: the others are offline */
    if (rc == RC_OK && (rc = round_trip(s)) != RC_OK)
        return rc;
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].nres > 1)
            qsort(r->items[i].res, r->items[i].nres, sizeof(struct roster_res),
                  cmp_res);
    return rc == RC_OK ? RC_OK : session_report(s);
}

/* --- output ---------------------------------------------------------- */

static char *join(char **v, size_t n, const char *sep)
{
    size_t len = 1;
    char *s;

    if (!n)
        return NULL;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + strlen(sep);
    if (!(s = calloc(1, len)))
        abort();
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(s, sep);
        strcat(s, v[i]);
    }
    return s;
}

char *roster_groups_text(const struct roster_item *it)
{
    return join(it->groups, it->ngroups, ", ");
}

char *roster_presence_text(const struct roster_item *it)
{
    char **parts;
    char *s;

    if (!it->nres)
        return roster_sees(it) ? dup_or_null("offline") : NULL;
    if (!(parts = calloc(it->nres, sizeof(char *))))
        abort();
    for (size_t i = 0; i < it->nres; i++) {
        const struct roster_res *x = &it->res[i];

        if (asprintf(&parts[i], "%s %s%s%s%s", x->resource,
                     x->show ? x->show : "available", x->status ? " \"" : "",
                     x->status ? x->status : "", x->status ? "\"" : "") < 0)
            abort();
    }
    s = join(parts, it->nres, ", ");
    for (size_t i = 0; i < it->nres; i++)
        free(parts[i]);
    free(parts);
    return s;
}

void roster_print_presence(struct out *o, const struct roster_item *it)
{
    if (o->mode != OUT_JSON) {
        char *text = roster_presence_text(it);

        out_col(o, NULL, text, 0);
        free(text);
        return;
    }
    if (!it->nres && !roster_sees(it))
        return; /* unknown: its presence does not come to us */
    out_bool(o, "online", NULL, it->nres > 0);
    out_list_begin(o, "resources");
    for (size_t i = 0; i < it->nres; i++) {
        const struct roster_res *x = &it->res[i];

        out_obj_begin(o, NULL);
        out_str(o, "jid", NULL, x->jid);
        out_str(o, "resource", NULL, x->resource);
        out_str(o, "show", NULL, x->show ? x->show : "available");
        out_str(o, "status", NULL, x->status);
        out_int(o, "priority", NULL, x->priority);
        out_obj_end(o);
    }
    out_list_end(o);
}

void roster_free(struct roster *r)
{
    if (r->handlers && r->s && r->s->conn) {
        xmpp_handler_delete(r->s->conn, push_cb);
        xmpp_handler_delete(r->s->conn, presence_cb);
    }
    clear_items(r);
    if (r->xml)
        xmpp_stanza_release(r->xml);
    for (size_t i = 0; i < r->nreqs; i++) {
        free(r->reqs[i].jid);
        free(r->reqs[i].status);
    }
    free(r->reqs);
    memset(r, 0, sizeof(*r));
}
