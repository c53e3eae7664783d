/* cmd/muc_tail.c - `stanza muc tail`: a room's messages and presences as
 * they come, through lost connections; `muc history`: its archive */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "muc.h"
#include "lib/err.h"
#include "lib/jid.h"
#include "lib/mam.h"
#include "lib/rc.h"
#include "lib/reconnect.h"
#include "lib/record.h"
#include "lib/stanza.h"

#define KEEPALIVE_MS 60000

struct tail {
    struct muc *M;
    long seen;      /* records printed */
    long long end;  /* --until (monotonic ms); 0: never */
    struct mam mam; /* what we saw of the room's archive */
};

/* --- text for people ------------------------------------------------ */

static const char *child_text(xmpp_stanza_t *st, const char *name)
{
    xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(st, name);
    xmpp_stanza_t *t = c ? xmpp_stanza_get_children(c) : NULL;

    return t && xmpp_stanza_is_text(t) ? xmpp_stanza_get_text_ptr(t) : NULL;
}

static const char *nick_of(xmpp_stanza_t *st)
{
    const char *from = xmpp_stanza_get_from(st);
    const char *slash = from ? strchr(from, '/') : NULL;

    return slash ? slash + 1 : from;
}

static void text_message(struct out *o, xmpp_stanza_t *st)
{
    const char *type = xmpp_stanza_get_type(st);
    const char *body = child_text(st, "body");
    const char *nick = nick_of(st);
    xmpp_stanza_t *subj = xmpp_stanza_get_child_by_name(st, "subject");
    xmpp_stanza_t *d = xmpp_stanza_get_child_by_ns(st, NS_DELAY);
    bool private = type && !strcmp(type, "chat");

    out_obj_begin(o, NULL);
    out_str(o, "stamp", "[%s] ",
            d ? xmpp_stanza_get_attribute(d, "stamp") : NULL);
    if (stanza_is_error(st))
        record_print_error(o, "error", st);
    else if (subj && !body && !child_text(st, "subject"))
        out_str(o, "subject", "%s", "-- no topic");
    else if (subj && !body)
        out_str(o, "subject", "-- topic: %s", child_text(st, "subject"));
    else if (body && !strncmp(body, "/me ", 4)) {
        out_str(o, "nick", "* %s", nick);
        out_str(o, "body", " %s", body + 4);
        out_str(o, "private", "%s", private ? " (private)" : NULL);
    } else if (body) {
        out_str(o, "nick", "<%s>", nick);
        out_str(o, "private", "%s", private ? " (private)" : NULL);
        out_str(o, "body", " %s", body);
    }
    out_obj_end(o);
}

static void text_presence(struct out *o, xmpp_stanza_t *st, bool joined)
{
    struct muc_presence p;
    const char *gone;

    if (!muc_presence_read(st, &p) || p.error) {
        out_obj_begin(o, NULL);
        record_print_error(o, "error", st);
        out_obj_end(o);
        return;
    }
    gone = muc_gone_why(&p);
    out_obj_begin(o, NULL);
    out_str(o, "mark", "%s ", p.unavailable ? "<-" : joined ? "->" : "--");
    out_str(o, "nick", "%s", p.nick);
    if (p.unavailable && muc_has_code(&p, 303))
        out_str(o, "new_nick", " is now known as %s", p.new_nick);
    else if (p.unavailable) {
        out_str(o, "why", " %s", gone ? gone : "left");
        out_str(o, "actor", " by %s", p.actor);
        out_str(o, "reason", ": %s", p.reason);
    } else {
        out_str(o, "role", " %s", p.role);
        out_str(o, "affiliation", ", %s", p.affiliation);
        out_str(o, "jid", " (%s)", p.jid);
    }
    out_obj_end(o);
}

/* --- the stream ----------------------------------------------------- */

static void print_record(struct tail *T, xmpp_stanza_t *st)
{
    struct muc *M = T->M;
    struct out *o = &M->s.out;
    const char *name = xmpp_stanza_get_name(st);

    if (M->count > 0 && T->seen >= M->count)
        return;
    T->seen++;
    if (o->mode != OUT_TEXT)
        record_print(o, st);
    else if (!strcmp(name, "message"))
        text_message(o, st);
    else
        text_presence(o, st, M->r.occ_new);
    out_flush(o);
}

/* A presence of the room itself, not of an occupant (ejabberd's, with
 * its entity capabilities): no record. An error is one. */
static bool room_own_presence(xmpp_stanza_t *st)
{
    const char *from = xmpp_stanza_get_from(st);

    return !strcmp(xmpp_stanza_get_name(st), "presence") && from &&
           !strchr(from, '/') && !stanza_is_error(st);
}

static void tail_stanza(void *arg, xmpp_stanza_t *st)
{
    struct tail *T = arg;
    xmpp_stanza_t *archived;

    if (room_own_presence(st))
        return;

    switch (mam_take(&T->mam, st, &archived)) {
    case MAM_LIVE:
        print_record(T, st);
        break;
    case MAM_RESULT:
        print_record(T, archived);
        xmpp_stanza_release(archived);
        break;
    case MAM_DUPLICATE:
    case MAM_OTHER:
        break;
    }
}

static bool stop_now(void *arg)
{
    struct tail *T = arg;
    struct muc *M = T->M;

    return (M->count > 0 && T->seen >= M->count) || out_error(&M->s.out) ||
           M->r.state != MUC_JOINED;
}

/* reconnect_run()'s online(): join again without history, then what
 * was missed from the room's archive (its ids tell what we saw). */
static int rejoin(void *arg, long long lost)
{
    struct tail *T = arg;
    struct muc_room *r = &T->M->r;
    int rc;

    r->history = 0;
    r->since = NULL;
    if ((rc = muc_join(r, false, false)) != RC_OK)
        return rc;
    return mam_resume(&T->mam, T->end, lost);
}

/* Until --count, --until, a signal or the room removes us; through lost
 * connections unless --no-reconnect. */
static int tail_loop(struct tail *T)
{
    struct muc *M = T->M;
    struct reconnect r = {
        .s = &M->s, .end = T->end, .online = rejoin, .arg = T
    };
    int rc = reconnect_stay(&r, M->no_reconnect, stop_now, T);

    return rc == RC_OK && M->r.state == MUC_REMOVED ? muc_removed(&M->r) : rc;
}

int muc_tail(struct muc *M)
{
    struct session *s = &M->s;
    struct tail T = { .M = M };
    int rc;

    if (M->count == 0)
        return fail(RC_USAGE, "--count must be at least 1");
    if (s->keepalive_ms < 0)
        s->keepalive_ms = KEEPALIVE_MS;
    if ((rc = session_open(s, true)) != RC_OK)
        return rc;
    T.end = M->until_ms > 0 ? session_now() + M->until_ms : 0;
    mam_init(&T.mam, s, M->room);
    muc_room_init(&M->r, s, M->room);
    muc_join_opts_apply(&M->join, &M->r);
    if (M->history >= 0)
        M->r.history = M->history;
    M->r.since = M->since;
    M->r.on_stanza = tail_stanza;
    M->r.arg = &T;
    if ((rc = muc_join(&M->r, false, false)) == RC_OK) {
        mam_online(&T.mam);
        rc = tail_loop(&T);
        muc_leave(&M->r);
    }
    M->r.on_stanza = NULL;
    mam_free(&T.mam);
    return rc;
}

/* --- history: the room's archive ------------------------------------ */

struct history {
    struct muc *M;
    struct mam mam;
    long printed;
};

static int history_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct history *H = ud;
    xmpp_stanza_t *msg;

    (void)conn;
    if (mam_take(&H->mam, st, &msg) == MAM_RESULT) {
        if (H->M->s.out.mode == OUT_TEXT)
            text_message(&H->M->s.out, msg);
        else
            record_print(&H->M->s.out, msg);
        out_flush(&H->M->s.out);
        H->printed++;
        xmpp_stanza_release(msg);
    }
    return 1;
}

/* --since into a time_t (checked by muc_admin_check()). */
static time_t since_time(const char *since)
{
    struct tm tm = { 0 };

    if (!since || !strptime(since, "%Y-%m-%dT%H:%M:%S", &tm))
        return 0;
    return timegm(&tm);
}

int muc_history(struct muc *M)
{
    struct session *s = &M->s;
    struct history H = { .M = M };
    char cond[128] = "";
    int rc;

    if (M->limit == 0)
        return fail(RC_USAGE, "--limit must be at least 1");
    if ((rc = session_open(s, true)) != RC_OK)
        return rc;
    mam_init(&H.mam, s, M->room);
    H.mam.since = since_time(M->since);
    H.mam.last_n = M->limit > 0 ? M->limit : 0;
    xmpp_handler_add(s->conn, history_cb, NULL, "message", NULL, &H);
    s->deadline = session_now() + s->opt.timeout_ms;
    rc = mam_catch_up(&H.mam, 0, cond, sizeof(cond));
    if (rc == RC_REMOTE)
        rc =
            fail(RC_REMOTE, "%s answered with an error: %s — %s", M->room, cond,
                 !strcmp(cond, "item-not-found")
                     ? "no such room"
                     : "the room keeps no archive, or not for us");
    else if (rc == RC_PROTOCOL)
        rc = fail(rc, "%s answered an archive query wrongly", M->room);
    else if (rc != RC_OK)
        rc = session_iq_failed(s, M->room, rc);
    xmpp_handler_delete(s->conn, history_cb);
    mam_free(&H.mam);
    return rc;
}
