/* lib/outbox.c - stanzas that must be confirmed by the server */
#include "outbox.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "jid.h"
#include "rc.h"

#define RECONNECT_FIRST_MS 200
#define RECONNECT_MAX_MS   5000

void outbox_init(struct outbox *ob, struct session *s)
{
    memset(ob, 0, sizeof(*ob));
    ob->s = s;
    ob->max_pings = OB_PINGS;
}

void outbox_add(struct outbox *ob, xmpp_stanza_t *st)
{
    struct ob_item *it;

    if (ob->n == ob->cap) {
        ob->cap = ob->cap ? 2 * ob->cap : 16;
        if (!(ob->items = realloc(ob->items, ob->cap * sizeof(*ob->items))))
            abort();
    }
    it = &ob->items[ob->n++];
    memset(it, 0, sizeof(*it));
    it->st = st;
    it->id = strdup(xmpp_stanza_get_id(st));
    it->to = strdup(xmpp_stanza_get_to(st));
    if (!it->id || !it->to)
        abort();
}

void outbox_print_bounce(struct out *o, const struct ob_item *it)
{
    if (it->state != OB_BOUNCED)
        return;
    out_obj_begin(o, "error");
    out_str(o, "type", NULL, it->err_type);
    out_str(o, "condition", NULL, it->err_cond);
    out_str(o, "text", NULL, it->err_text);
    out_obj_end(o);
}

size_t outbox_count(const struct outbox *ob, enum ob_state state)
{
    size_t n = 0;

    for (size_t i = 0; i < ob->n; i++)
        n += ob->items[i].state == state;
    return n;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* A bounce may come from the recipient (bare or full), its server, or
 * our own server (which bounces for remote domains it cannot reach). */
static bool may_bounce(const struct session *s, const char *from,
                       const char *to)
{
    struct jid *t;
    bool ok;

    if (!from)
        return false;
    if (jid_bare_equal(from, to) || session_from_ok(s, from, NULL))
        return true;
    t = jid_parse(to, NULL);
    ok = t && jid_equal(from, t->domain);
    jid_free(t);
    return ok;
}

static int bounce_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct outbox *ob = ud;
    const char *id = xmpp_stanza_get_id(st);
    struct stanza_error e;

    (void)conn;
    if (!id || !stanza_is_error(st))
        return 1;
    for (size_t i = 0; i < ob->n; i++) {
        struct ob_item *it = &ob->items[i];

        if (strcmp(it->id, id) != 0 || it->state == OB_BOUNCED)
            continue;
        if (!may_bounce(ob->s, xmpp_stanza_get_from(st), it->to))
            break;
        stanza_get_error(st, &e);
        it->state = OB_BOUNCED;
        it->err_type = dup_or_null(e.type);
        it->err_cond = dup_or_null(e.condition);
        it->err_text = dup_or_null(e.text);
        break;
    }
    return 1;
}

/* The window whose ping or probe has @id, and which one: 0 for the
 * ping, k for probe k. */
static struct ob_ping *find_ping(struct outbox *ob, const char *id, size_t *k)
{
    for (size_t i = 0; id && i < ob->npings; i++) {
        struct ob_ping *p = &ob->pings[i];
        size_t len = strlen(p->id);
        char *end;

        if (strncmp(id, p->id, len) != 0)
            continue;
        *k = 0;
        if (id[len] == '\0')
            return p;
        if (id[len] != '.' || id[len + 1] < '1' || id[len + 1] > '9')
            continue;
        *k = strtoul(id + len + 1, &end, 10);
        if (*end == '\0' && *k <= p->nprobes)
            return p;
    }
    return NULL;
}

/* The ping is answered by our server; a probe by its JID, that JID's
 * domain, or our server (for a domain it cannot reach). */
static bool answer_ok(const struct outbox *ob, const struct ob_ping *p,
                      size_t k, const char *from)
{
    if (k == 0)
        return !p->answered && session_from_ok(ob->s, from, NULL);
    return p->probes[k - 1] && may_bounce(ob->s, from, p->probes[k - 1]);
}

static int ping_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct outbox *ob = ud;
    size_t k = 0;
    struct ob_ping *p = find_ping(ob, xmpp_stanza_get_id(st), &k);
    const char *name = xmpp_stanza_get_name(st);
    const char *type = xmpp_stanza_get_type(st);

    (void)conn;
    /* a result or an error: either way, it proves the order */
    if (!p || !name || strcmp(name, "iq") || !type ||
        (strcmp(type, "result") && strcmp(type, "error")) ||
        !answer_ok(ob, p, k, xmpp_stanza_get_from(st)))
        return 1;
    if (k == 0) {
        p->answered = true;
    } else {
        free(p->probes[k - 1]);
        p->probes[k - 1] = NULL;
    }
    p->waiting--;
    return 0;
}

static void send_iq_ping(struct outbox *ob, const char *to, const char *id)
{
    struct session *s = ob->s;
    xmpp_stanza_t *ping = stanza_ping(s->ctx, to, id);

    xmpp_id_handler_add(s->conn, ping_cb, id, ob);
    xmpp_send(s->conn, ping);
    xmpp_stanza_release(ping);
}

/* Adds @it's recipient to @p's probes: its bare JID if it is on another
 * domain than ours, once per window. */
static void add_probe(struct outbox *ob, struct ob_ping *p,
                      const struct ob_item *it)
{
    struct jid *j = jid_parse(it->to, NULL);
    char *bare;

    if (!j || (ob->domain && jid_equal(j->domain, ob->domain))) {
        jid_free(j);
        return;
    }
    bare = jid_bare(j);
    jid_free(j);
    /* bare JIDs compare without case (jid_bare_equal()), but parsing
     * each pair again would be quadratic in parses */
    for (size_t i = 0; i < p->nprobes; i++) {
        if (strcasecmp(p->probes[i], bare) == 0) {
            free(bare);
            return;
        }
    }
    if (!(p->probes = realloc(p->probes, (p->nprobes + 1) * sizeof(char *))))
        abort();
    p->probes[p->nprobes++] = bare;
}

/* The ping after items[from..upto), then a probe for each other domain's
 * recipient among them. */
static void send_ping(struct outbox *ob, size_t from, size_t upto)
{
    struct session *s = ob->s;
    struct ob_ping *p = &ob->pings[ob->npings++];
    char id[sizeof(p->id) + 24];

    memset(p, 0, sizeof(*p));
    session_random_id(p->id, sizeof(p->id)); /* not guessable from ours */
    p->from = from;
    p->upto = upto;
    p->gen = s->gen;
    if (!ob->domain && !(ob->domain = session_domain(s)))
        abort();
    for (size_t i = from; i < upto; i++)
        if (ob->items[i].gen == s->gen && ob->items[i].state == OB_WRITTEN)
            add_probe(ob, p, &ob->items[i]);
    send_iq_ping(ob, NULL, p->id);
    for (size_t k = 1; k <= p->nprobes; k++) {
        snprintf(id, sizeof(id), "%s.%zu", p->id, k);
        send_iq_ping(ob, p->probes[k - 1], id);
    }
    p->waiting = 1 + p->nprobes;
}

/* Forgets @p's probes and their handlers. */
static void drop_ping(struct outbox *ob, struct ob_ping *p, bool handlers)
{
    char id[sizeof(p->id) + 24];

    if (handlers)
        xmpp_id_handler_delete(ob->s->conn, ping_cb, p->id);
    for (size_t k = 1; k <= p->nprobes; k++) {
        snprintf(id, sizeof(id), "%s.%zu", p->id, k);
        if (handlers)
            xmpp_id_handler_delete(ob->s->conn, ping_cb, id);
        free(p->probes[k - 1]);
    }
    free(p->probes);
    p->probes = NULL;
    p->nprobes = 0;
}

/* Writes the next window of queued stanzas and the ping that confirms
 * them. Returns false if there was nothing to write. */
static bool write_window(struct outbox *ob)
{
    struct session *s = ob->s;
    size_t from = ob->next, written = 0;

    while (ob->next < ob->n && written < OB_WINDOW) {
        struct ob_item *it = &ob->items[ob->next++];

        if (it->state != OB_QUEUED)
            continue;
        xmpp_send(s->conn, it->st);
        it->writes++;
        ob->written = true;
        it->state = OB_WRITTEN;
        it->gen = s->gen;
        written++;
    }
    if (written)
        send_ping(ob, from, ob->next);
    return written > 0;
}

static void fill(struct outbox *ob)
{
    struct session *s = ob->s;

    if (ob->handlers_gen != s->gen) {
        xmpp_handler_add(s->conn, bounce_cb, NULL, "message", "error", ob);
        ob->handlers_gen = s->gen;
        if (ob->on_connection)
            ob->on_connection(s, ob->arg);
    }
    while (ob->npings < ob->max_pings && write_window(ob))
        ;
}

static bool oldest_answered(void *arg)
{
    struct outbox *ob = arg;

    return ob->npings > 0 && ob->pings[0].waiting == 0;
}

/* The oldest ping was answered: what it covers is confirmed. */
static void confirm_oldest(struct outbox *ob)
{
    struct ob_ping *p = &ob->pings[0];

    for (size_t i = p->from; i < p->upto; i++) {
        struct ob_item *it = &ob->items[i];

        if (it->state != OB_WRITTEN || it->gen != p->gen)
            continue;
        it->state = OB_CONFIRMED;
        if (!ob->keep_stanzas) {
            xmpp_stanza_release(it->st);
            it->st = NULL;
        }
    }
    drop_ping(ob, p, false); /* all answered: their handlers are gone */
    memmove(&ob->pings[0], &ob->pings[1], --ob->npings * sizeof(*p));
    if (ob->max_pings < OB_PINGS)
        ob->max_pings *= 2;
}

/* After a lost connection: whatever was written is unknown again, and
 * the pings in flight died with the connection. The next connection
 * starts with one window in flight, and doubles it with each one
 * confirmed: if it dies too, few messages are left in doubt. */
static void requeue(struct outbox *ob)
{
    ob->max_pings = 1;
    for (size_t i = 0; i < ob->n; i++)
        if (ob->items[i].state == OB_WRITTEN)
            ob->items[i].state = OB_QUEUED;
    for (size_t i = 0; i < ob->npings; i++) /* the old connection's */
        drop_ping(ob, &ob->pings[i], false);
    ob->npings = 0;
    ob->next = 0;
}

static int connect_again(struct outbox *ob)
{
    struct session *s = ob->s;
    long long delay = RECONNECT_FIRST_MS;
    int rc;

    for (;;) {
        rc = session_connect(s);
        ob->attempts++;
        if (rc == RC_OK || ob->attempts == 1)
            return rc; /* the first failure is final: bad password, ... */
        if (!session_retryable(s))
            return rc;
        if (session_signal())
            return rc;
        if (session_left(s) <= delay) { /* one last try at the end */
            session_sleep(s, session_left(s) / 2);
            rc = session_connect(s);
            return rc;
        }
        warn("%s; reconnecting in %lld ms", s->why, delay);
        session_sleep(s, delay);
        delay = delay * 2 > RECONNECT_MAX_MS ? RECONNECT_MAX_MS : delay * 2;
    }
}

/* Says how many messages went out more than once, before the last
 * word on the outcome (once). */
static void say_resent(struct outbox *ob)
{
    size_t n = 0;

    for (size_t i = 0; i < ob->n; i++)
        n += ob->items[i].writes > 1;
    if (n && !ob->said_resent)
        warn("%zu of %zu message(s) were sent again after a lost "
             "connection: recipients may get them twice (with the same id)",
             n, ob->n);
    ob->said_resent = true;
}

/*
 * A signal: says what was confirmed. If some messages were written but
 * not confirmed, their fate is unknown: 75, as for any other failure
 * after writing; otherwise the signal's code (130 for SIGINT).
 */
static int interrupted(struct outbox *ob)
{
    size_t done = outbox_count(ob, OB_CONFIRMED), unknown = 0;
    size_t bounced = outbox_count(ob, OB_BOUNCED);
    char also[64] = "";
    int sig = session_signal();
    int code = sig == SIGINT ? RC_INTERRUPTED : 128 + sig;

    say_resent(ob);
    if (!ob->written)
        return fail(code, "interrupted"); /* nothing sent */
    for (size_t i = 0; i < ob->n; i++)
        unknown += ob->items[i].state != OB_CONFIRMED &&
                   ob->items[i].state != OB_BOUNCED && ob->items[i].writes;
    if (bounced)
        snprintf(also, sizeof(also), ", %zu bounced", bounced);
    if (unknown)
        return fail(RC_TEMPFAIL,
                    "interrupted: %zu of %zu message(s) confirmed%s, %zu "
                    "not confirmed — they may or may not have been "
                    "delivered",
                    done, ob->n, also, unknown);
    return fail(code, "interrupted: %zu of %zu message(s) confirmed%s%s", done,
                ob->n, also,
                done + bounced < ob->n ? ", the others not sent" : "");
}

/* Failing after something was written, the outcome is unknown: 75. */
static int unconfirmed(struct outbox *ob)
{
    size_t left =
        ob->n - outbox_count(ob, OB_CONFIRMED) - outbox_count(ob, OB_BOUNCED);

    if (session_signal())
        return interrupted(ob);
    if (ob->s->why[0])
        warn("%s", ob->s->why);
    say_resent(ob);
    return fail(RC_TEMPFAIL,
                "%zu of %zu message(s) not confirmed by the server — they "
                "may or may not have been delivered; retrying may send "
                "duplicates",
                left, ob->n);
}

/* --bounce-wait: until it ends, or until every message bounced (there is
 * nothing left to wait for) */
static int bounce_window(struct outbox *ob)
{
    struct session *s = ob->s;
    long long end = session_now() + ob->bounce_wait_ms;

    while (session_now() < end && s->state == S_ONLINE && !session_signal() &&
           outbox_count(ob, OB_BOUNCED) < ob->n)
        xmpp_run_once(s->ctx, 20);
    return session_signal() ? interrupted(ob) : RC_OK;
}

static int timed_out(struct outbox *ob)
{
    size_t left =
        ob->n - outbox_count(ob, OB_CONFIRMED) - outbox_count(ob, OB_BOUNCED);

    say_resent(ob);
    return fail(RC_TEMPFAIL,
                "timed out after %.1f s: %zu of %zu message(s) not confirmed "
                "by the server — they may or may not have been delivered",
                (double)ob->s->opt.timeout_ms / 1000.0, left, ob->n);
}

static bool pending(const struct outbox *ob)
{
    return outbox_count(ob, OB_QUEUED) || outbox_count(ob, OB_WRITTEN);
}

int outbox_deliver(struct outbox *ob)
{
    struct session *s = ob->s;
    int rc;

    while (pending(ob)) {
        if (s->state != S_ONLINE && (rc = connect_again(ob)) != RC_OK)
            return ob->written ? unconfirmed(ob) : session_report(s);
        fill(ob);
        rc = session_wait(s, oldest_answered, ob);
        if (rc == RC_OK) {
            confirm_oldest(ob);
            continue;
        }
        if (rc == RC_TEMPFAIL && s->state == S_ONLINE)
            return timed_out(ob);
        if (session_signal())
            return interrupted(ob);
        if (s->state != S_DOWN || !session_retryable(s)) {
            say_resent(ob);
            return session_report(s);
        }
        requeue(ob);
        warn("%s; reconnecting to send %zu unconfirmed message(s) again",
             s->why, outbox_count(ob, OB_QUEUED));
        if (ob->confirmed_at_loss == outbox_count(ob, OB_CONFIRMED)) {
            /* no progress: back off, 0.2 s, 0.4 s, ... 5 s */
            ob->backoff_ms =
                ob->backoff_ms ? 2 * ob->backoff_ms : RECONNECT_FIRST_MS;
            if (ob->backoff_ms > RECONNECT_MAX_MS)
                ob->backoff_ms = RECONNECT_MAX_MS;
            session_sleep(s, ob->backoff_ms < session_left(s)
                                 ? ob->backoff_ms
                                 : session_left(s));
        } else {
            ob->backoff_ms = 0;
        }
        ob->confirmed_at_loss = outbox_count(ob, OB_CONFIRMED);
    }
    say_resent(ob);
    if ((rc = bounce_window(ob)) != RC_OK)
        return rc;
    return outbox_count(ob, OB_BOUNCED) ? RC_REMOTE : RC_OK;
}

void outbox_free(struct outbox *ob)
{
    xmpp_conn_t *conn = ob->s ? ob->s->conn : NULL;
    bool ours = conn && ob->handlers_gen == ob->s->gen;

    if (ours) /* they point at @ob */
        xmpp_handler_delete(conn, bounce_cb);
    for (size_t i = 0; i < ob->npings; i++)
        drop_ping(ob, &ob->pings[i], ours);
    free(ob->domain);
    for (size_t i = 0; i < ob->n; i++) {
        if (ob->items[i].st)
            xmpp_stanza_release(ob->items[i].st);
        free(ob->items[i].id);
        free(ob->items[i].to);
        free(ob->items[i].err_type);
        free(ob->items[i].err_cond);
        free(ob->items[i].err_text);
    }
    free(ob->items);
    memset(ob, 0, sizeof(*ob));
}
