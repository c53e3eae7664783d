/* lib/mam.c - catching up from the message archive (XEP-0313) */
#include "mam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jid.h"
#include "err.h"
#include "rc.h"
#include "reconnect.h"
#include "record.h"
#include "stanza.h"

static char *dup_or_die(const char *s)
{
    char *d = strdup(s);

    if (!d)
        abort();
    return d;
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = v ? dup_or_die(v) : NULL;
}

void mam_init(struct mam *m, struct session *s, const char *archive)
{
    struct jid *j = jid_parse(archive ? archive : s->acct.jid, NULL);

    memset(m, 0, sizeof(*m));
    m->s = s;
    if (archive)
        m->archive = dup_or_die(archive);
    if (!j || !(m->by = jid_bare(j)))
        abort(); /* checked when the account or room was read */
    jid_free(j);
}

static int mark_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud);

void mam_free(struct mam *m)
{
    if (m->mark_id[0] && m->s && m->s->conn) /* its answer never came */
        xmpp_id_handler_delete(m->s->conn, mark_cb, m->mark_id);
    free(m->archive);
    free(m->by);
    free(m->last);
    idset_free(&m->seen);
    memset(m, 0, sizeof(*m));
}

/* The archive id @st carries from our archive (XEP-0359), or NULL. */
static const char *stanza_id(const struct mam *m, xmpp_stanza_t *st)
{
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(st); c;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_name(c);
        const char *ns = xmpp_stanza_get_ns(c);
        const char *by = xmpp_stanza_get_attribute(c, "by");

        /* only the archive's own: anyone can put a stanza-id in */
        if (name && ns && by && !strcmp(name, "stanza-id") &&
            !strcmp(ns, NS_SID) && jid_equal(by, m->by))
            return xmpp_stanza_get_attribute(c, "id");
    }
    return NULL;
}

const char *mam_id(const struct mam *m, xmpp_stanza_t *st)
{
    return stanza_id(m, st);
}

/* Does @from name the archive we query? */
static bool from_archive(const struct mam *m, const char *from)
{
    if (m->archive)
        return from && jid_equal(from, m->archive);
    return !from || (jid_bare_equal(from, m->by) && !strchr(from, '/'));
}

/* Did we send @msg? Our own archive keeps what we sent as well, which
 * never came to us live. */
static bool outgoing(const struct mam *m, xmpp_stanza_t *msg)
{
    const char *from = xmpp_stanza_get_from(msg);
    const char *to = xmpp_stanza_get_to(msg);

    return !m->archive && from && jid_bare_equal(from, m->by) &&
           !(to && jid_bare_equal(to, m->by));
}

/* A copy of the message inside <forwarded/>, with its delay and id. */
static xmpp_stanza_t *unwrap(const struct mam *m, xmpp_stanza_t *result,
                             const char *id)
{
    xmpp_stanza_t *fwd = xmpp_stanza_get_child_by_ns(result, NS_FORWARD);
    xmpp_stanza_t *msg =
        fwd ? xmpp_stanza_get_child_by_name(fwd, "message") : NULL;
    xmpp_stanza_t *delay =
        fwd ? xmpp_stanza_get_child_by_ns(fwd, NS_DELAY) : NULL;
    xmpp_stanza_t *copy, *sid;

    if (!msg || outgoing(m, msg))
        return NULL;
    copy = xmpp_stanza_copy(msg);
    if (delay && !xmpp_stanza_get_child_by_ns(copy, NS_DELAY)) {
        xmpp_stanza_t *d = xmpp_stanza_copy(delay);

        xmpp_stanza_add_child(copy, d);
        xmpp_stanza_release(d);
    }
    if (!stanza_id(m, copy)) {
        sid = stanza_add(copy, "stanza-id", NS_SID);
        xmpp_stanza_set_attribute(sid, "by", m->by);
        xmpp_stanza_set_attribute(sid, "id", id);
    }
    return copy;
}

enum mam_take mam_take(struct mam *m, xmpp_stanza_t *st, xmpp_stanza_t **msg)
{
    xmpp_stanza_t *res = xmpp_stanza_get_child_by_ns(st, NS_MAM);
    const char *name = xmpp_stanza_get_name(st), *id, *qid;

    *msg = NULL;
    if (!name || strcmp(name, "message") != 0)
        return MAM_LIVE;
    qid = res ? xmpp_stanza_get_attribute(res, "queryid") : NULL;
    if (qid && m->queryid[0] && !strcmp(qid, m->queryid) &&
        from_archive(m, xmpp_stanza_get_from(st))) {
        if (m->marking || !(id = xmpp_stanza_get_attribute(res, "id")) ||
            !idset_add(&m->seen, id) || !(*msg = unwrap(m, res, id)))
            return MAM_OTHER;
        m->caught++;
        return MAM_RESULT;
    }
    if (!(id = stanza_id(m, st)))
        return MAM_LIVE;
    if (!idset_add(&m->seen, id))
        return MAM_DUPLICATE;
    set_str(&m->last, id);
    m->live_moved = true;
    return MAM_LIVE;
}

static void add_field(xmpp_stanza_t *x, const char *var, const char *value)
{
    xmpp_stanza_t *f = stanza_add(x, "field", NULL);

    xmpp_stanza_set_attribute(f, "var", var);
    stanza_add_text(f, "value", value);
}

/*
 * <iq type=set><query><x/><set><max/><after/></set></query></iq>: a page
 * after @after, or, with @after NULL, since m->since; with m->marking,
 * the newest message only (RSM <before/>, empty).
 */
static xmpp_stanza_t *query(struct mam *m, const char *after, char *id,
                            size_t idlen)
{
    xmpp_stanza_t *iq, *q, *x, *set;
    char page[24], start[32];

    session_new_id(m->s, id, idlen);
    iq = xmpp_iq_new(m->s->ctx, "set", id);
    q = stanza_add(iq, "query", NS_MAM);
    x = stanza_add(q, "x", NS_XDATA);
    if (m->archive)
        xmpp_stanza_set_to(iq, m->archive);
    session_random_id(m->queryid, sizeof(m->queryid));
    xmpp_stanza_set_attribute(q, "queryid", m->queryid);
    xmpp_stanza_set_type(x, "submit");
    add_field(x, "FORM_TYPE", NS_MAM);
    if (!after && !m->marking && m->since) {
        strftime(start, sizeof(start), "%Y-%m-%dT%H:%M:%SZ", gmtime(&m->since));
        add_field(x, "start", start);
    }
    set = stanza_add(q, "set", NS_RSM);
    snprintf(page, sizeof(page), "%ld",
             m->marking      ? 1
             : m->last_n > 0 ? m->last_n
                             : MAM_PAGE);
    stanza_add_text(set, "max", page);
    if (after)
        stanza_add_text(set, "after", after);
    if (m->marking || m->last_n > 0)
        stanza_add(set, "before", NULL);
    return iq;
}

/* The text of <fin><set><last/></set></fin> in @reply (freed by the
 * caller with xmpp_free()), or NULL; *@complete from <fin complete/>. */
static char *fin_last(xmpp_stanza_t *reply, bool *fin, bool *complete)
{
    xmpp_stanza_t *f = xmpp_stanza_get_child_by_ns(reply, NS_MAM);
    xmpp_stanza_t *set = f ? xmpp_stanza_get_child_by_ns(f, NS_RSM) : NULL;
    xmpp_stanza_t *last =
        set ? xmpp_stanza_get_child_by_name(set, "last") : NULL;
    const char *c = f ? xmpp_stanza_get_attribute(f, "complete") : NULL;

    *fin = f != NULL;
    *complete = c && (!strcmp(c, "true") || !strcmp(c, "1"));
    return last ? xmpp_stanza_get_text(last) : NULL;
}

/* The answer to the first query: where the archive ends now. */
static int mark_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct mam *m = ud;
    bool fin, complete;
    char *last;

    (void)conn;
    if (!from_archive(m, xmpp_stanza_get_from(st)))
        return 1; /* not the archive: keep waiting */
    m->marking = false;
    m->queryid[0] = m->mark_id[0] = '\0';
    if (stanza_is_error(st))
        return 0; /* no archive: m->since is all we have */
    m->answered = true;
    /* what arrived before this answer is in it: newer ids come later */
    if ((last = fin_last(st, &fin, &complete)))
        set_str(&m->last, last);
    if (last)
        xmpp_free(m->s->ctx, last);
    return 0;
}

void mam_online(struct mam *m)
{
    xmpp_stanza_t *iq;
    if (m->since)
        return;
    m->since = time(NULL);
    m->marking = true;
    iq = query(m, NULL, m->mark_id, sizeof(m->mark_id));
    xmpp_id_handler_add(m->s->conn, mark_cb, m->mark_id, m);
    xmpp_send(m->s->conn, iq);
    xmpp_stanza_release(iq);
}

/* Reads the end of a page: moves @cursor on. */
static int page_end(struct mam *m, xmpp_stanza_t *reply, char **cursor,
                    bool *complete)
{
    bool fin;
    char *text = fin_last(reply, &fin, complete);
    int rc = RC_OK;

    if (!fin)
        rc = RC_PROTOCOL;
    else if (text && (!*cursor || strcmp(text, *cursor) != 0))
        set_str(cursor, text);
    else if (!*complete)
        rc = RC_PROTOCOL; /* an incomplete page that does not move on */
    if (text)
        xmpp_free(m->s->ctx, text);
    return rc;
}

static int ask_page(struct mam *m, long long end, char **cursor, bool *complete,
                    char *cond, size_t condlen)
{
    struct session *s = m->s;
    xmpp_stanza_t *reply = NULL;
    long long until = session_now() + s->opt.timeout_ms;
    struct stanza_error e;
    char id[64];
    int rc;

    s->deadline = end && end < until ? end : until;
    rc = session_iq(s, query(m, *cursor, id, sizeof(id)), &reply);
    if (rc == RC_OK)
        rc = page_end(m, reply, cursor, complete);
    else if (rc == RC_REMOTE) {
        stanza_get_error(reply, &e);
        snprintf(cond, condlen, "%s", e.condition);
    }
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

int mam_catch_up(struct mam *m, long long end, char *cond, size_t condlen)
{
    char *cursor = m->last ? dup_or_die(m->last) : NULL;
    bool complete = false;
    int rc = RC_OK;

    m->caught = 0;
    m->live_moved = false;
    m->marking = false; /* its connection, and its handler, are gone */
    m->mark_id[0] = '\0';
    for (int page = 0; !complete && rc == RC_OK; page++) {
        if (m->enough && m->enough(m->enough_arg))
            break;
        if (page == MAM_MAX_PAGES) {
            snprintf(cond, condlen, "more than %d messages missed",
                     MAM_PAGE * MAM_MAX_PAGES);
            rc = RC_REMOTE;
        } else
            rc = ask_page(m, end, &cursor, &complete, cond, condlen);
        if (m->last_n > 0)
            break; /* the newest page is all that was asked for */
    }
    m->queryid[0] = '\0';
    m->answered = m->answered || rc == RC_OK;
    if (cursor && !m->live_moved)
        set_str(&m->last, cursor);
    free(cursor);
    return rc;
}

int mam_resume(struct mam *m, long long end, long long lost)
{
    struct session *s = m->s;
    char cond[128] = "";
    double secs = (double)(session_now() - lost) / 1000.0;
    int rc = mam_catch_up(m, end, cond, sizeof(cond));

    if (session_signal())
        return rc;
    if (rc == RC_OK) {
        warn("reconnected after %.1f s; %ld message%s caught up from the "
             "archive",
             secs, m->caught, m->caught == 1 ? "" : "s");
        return RC_OK;
    }
    if (s->state != S_ONLINE) /* the connection went again */
        return reconnect_lost(s, rc);
    if (rc == RC_TEMPFAIL && end && session_now() >= end)
        return RECONNECT_UNTIL;
    if (rc == RC_TEMPFAIL)
        snprintf(cond, sizeof(cond), "no answer within %.1f s",
                 (double)s->opt.timeout_ms / 1000.0);
    else if (rc == RC_PROTOCOL)
        snprintf(cond, sizeof(cond), "a malformed answer");
    warn("reconnected after %.1f s; cannot catch up from the archive (%s): "
         "messages sent meanwhile may be lost",
         secs, cond);
    return RC_OK;
}
