/* cmd/presence.c - `stanza presence`: hold a presence, or ask a contact's */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/err.h"
#include "lib/jid.h"
#include "lib/opt.h"
#include "lib/rc.h"
#include "lib/reconnect.h"
#include "lib/respond.h"
#include "lib/roster.h"
#include "lib/session.h"
#include "lib/stanza.h"
#include "lib/text.h"

#define DEFAULT_WAIT_MS 1000

static const char *const shows[] = { "available", "away", "chat",
                                     "dnd",       "xa",   NULL };

struct pctx {
    struct session s;
    int show; /* index in shows[]; 0: no <show/> */
    const char *status;
    const char *priority_arg;
    long priority;
    long until_ms; /* 0: until a signal */
    bool no_reconnect;
    long wait_ms;
    struct roster r;
};

/* --- presence set ---------------------------------------------------- */

static int check_set(struct pctx *c)
{
    char *end;
    int rc;

    if (c->status && (rc = text_check_input("--status", 0, c->status, 1024)))
        return rc;
    if (!c->priority_arg)
        return RC_OK;
    errno = 0;
    c->priority = strtol(c->priority_arg, &end, 10);
    if (errno || end == c->priority_arg || *end || c->priority < -128 ||
        c->priority > 127)
        return opt_usage_error(NULL,
                               "--priority is a number from -128 to 127, "
                               "not '%s'",
                               c->priority_arg);
    return RC_OK;
}

/* Sends the presence and waits until the server has handled it. Returns
 * RC_OK or, without saying why, the code of session_iq(). */
static int send_presence(struct pctx *c)
{
    struct session *s = &c->s;
    xmpp_stanza_t *p = xmpp_presence_new(s->ctx), *reply = NULL;
    char prio[8];
    int rc;

    if (c->show)
        stanza_add_text(p, "show", shows[c->show]);
    if (c->status)
        stanza_add_text(p, "status", c->status);
    snprintf(prio, sizeof(prio), "%ld", c->priority);
    stanza_add_text(p, "priority", prio);
    respond_install(s, NULL); /* we stay online: iqs are owed answers */
    xmpp_send(s->conn, p);
    out_stanza(&s->out, p); /* --xml: the presence as sent */
    xmpp_stanza_release(p);
    rc = session_iq(s, stanza_ping(s->ctx, NULL, NULL), &reply);
    if (reply)
        xmpp_stanza_release(reply);
    if (rc != RC_OK && rc != RC_REMOTE)
        return rc;
    if (s->out.mode != OUT_JSON)
        return RC_OK;
    out_obj_begin(&s->out, NULL);
    out_str(&s->out, "jid", NULL, xmpp_conn_get_bound_jid(s->conn));
    out_str(&s->out, "show", NULL, shows[c->show]);
    out_str(&s->out, "status", NULL, c->status);
    out_int(&s->out, "priority", NULL, c->priority);
    out_obj_end(&s->out);
    return RC_OK;
}

/* The first time: a failure is said, and is the exit code. */
static int announce(struct pctx *c)
{
    int rc = send_presence(c);

    return rc == RC_OK ? RC_OK : session_iq_failed(&c->s, NULL, rc);
}

/* Online again after a lost connection (reconnect_run()): the
 * presence again. Lost again: the next attempt follows, unless waiting
 * cannot help (then said). */
static int back_online(void *arg, long long lost)
{
    struct pctx *c = arg;
    int rc = send_presence(c);

    (void)lost;
    if (rc == RC_OK || session_signal())
        return rc;
    if (c->s.state != S_ONLINE)
        return reconnect_lost(&c->s, rc);
    warn("reconnected, but the server did not confirm the presence within "
         "%.1f s",
         (double)c->s.opt.timeout_ms / 1000.0);
    return RC_OK;
}

/* Stays online until --until passes or a signal comes. */
static int hold(struct pctx *c)
{
    long long end = c->until_ms ? session_now() + c->until_ms : 0;
    struct reconnect r = {
        .s = &c->s, .end = end, .online = back_online, .arg = c
    };

    return reconnect_stay(&r, c->no_reconnect, NULL, NULL);
}

static int do_set(struct pctx *c)
{
    struct session *s = &c->s;
    int rc;

    if ((rc = session_open(s, true)) != RC_OK)
        return rc;
    s->deadline = session_now() + s->opt.timeout_ms;
    if ((rc = announce(c)) != RC_OK)
        return rc;
    return hold(c);
}

/* --- presence get ---------------------------------------------------- */

static void print_heading(struct out *o, size_t wj)
{
    if (o->mode != OUT_TEXT)
        return;
    out_obj_begin(o, NULL);
    out_col(o, NULL, "JID", wj);
    out_col(o, NULL, "SHOW", 9);
    out_col(o, NULL, "PRIORITY", 8);
    out_col(o, NULL, "STATUS", 0);
    out_obj_end(o);
}

static void print_text(struct out *o, const char *jid,
                       const struct roster_item *it)
{
    size_t wj = text_width(jid);
    char prio[8];

    for (size_t i = 0; i < it->nres; i++)
        if (text_width(it->res[i].jid) > wj)
            wj = text_width(it->res[i].jid);
    print_heading(o, wj);
    if (!it->nres) {
        out_obj_begin(o, NULL);
        out_col(o, NULL, jid, wj);
        out_col(o, NULL, "offline", 9);
        out_col(o, NULL, NULL, 8);
        out_col(o, NULL, NULL, 0);
        out_obj_end(o);
    }
    for (size_t i = 0; i < it->nres; i++) {
        const struct roster_res *x = &it->res[i];

        snprintf(prio, sizeof(prio), "%ld", x->priority);
        out_obj_begin(o, NULL);
        out_col(o, NULL, x->jid, wj);
        out_col(o, NULL, x->show ? x->show : "available", 9);
        out_col(o, NULL, prio, 8);
        out_col(o, NULL, x->status, 0);
        out_obj_end(o);
    }
}

static void print_get(struct out *o, const char *jid,
                      const struct roster_item *it)
{
    if (o->mode == OUT_TEXT) {
        print_text(o, jid, it);
        return;
    }
    out_obj_begin(o, NULL);
    out_str(o, "jid", NULL, jid);
    out_str(o, "subscription", NULL, it->subscription);
    roster_print_presence(o, it);
    out_obj_end(o);
}

static int not_seen(const char *jid, const struct roster_item *it)
{
    if (!it)
        return fail(RC_REMOTE,
                    "'%s' is not in the roster: its presence does not come to "
                    "you — 'stanza roster subscribe %s' asks for it",
                    jid, jid);
    return fail(RC_REMOTE,
                "the presence of '%s' does not come to you (subscription %s%s) "
                "— 'stanza roster subscribe %s' asks for it",
                jid, it->subscription, it->ask ? ", request waiting" : "",
                it->jid);
}

static int do_get(struct pctx *c, const char *jid)
{
    struct session *s = &c->s;
    const struct roster_item *it;
    int rc;

    if ((rc = session_open(s, false)) != RC_OK ||
        (rc = roster_fetch(s, &c->r)) != RC_OK)
        return rc;
    it = roster_find(&c->r, jid);
    if (!it || !roster_sees(it))
        return not_seen(jid, it);
    roster_keep_only(&c->r, jid); /* wait for this contact only */
    if ((rc = roster_presence(s, &c->r, c->wait_ms)) != RC_OK)
        return rc;
    roster_keep_only(&c->r, jid); /* and this resource only, if one */
    print_get(&s->out, jid, &c->r.items[0]);
    return RC_OK;
}

/* --- dispatch -------------------------------------------------------- */

static const char *const o_set[] = { "show",  "status",       "priority",
                                     "until", "no-reconnect", NULL };
static const char *const o_get[] = { "wait", NULL };

static const struct opt_verb verbs[] = {
    { "set", "stanza presence set [options]", o_set },
    { "get", "stanza presence get [options] <jid>", o_get },
};

static int check_get(int argc, char **argv)
{
    const char *const usage[] = { verbs[1].usage, NULL };
    const char *why;

    if (argc != 1)
        return opt_usage_error(usage, argc ? "expected one <jid>"
                                           : "expected a <jid>");
    if (!jid_valid(argv[0], &why))
        return fail(RC_DATAERR, "invalid JID '%s': %s — nothing was sent",
                    argv[0], why);
    return RC_OK;
}

int cmd_presence(int argc, char **argv)
{
    struct pctx c = { .priority = -1, .wait_ms = DEFAULT_WAIT_MS };
    int rc = RC_USAGE, v;

    session_init(&c.s, "presence");
    const struct opt opts[] = {
        OPT_CHOICE(0, "show", &c.show, "show", shows,
                   "availability (default available)"),
        OPT_STRING(0, "status", &c.status, "text", "status message"),
        OPT_STRING(0, "priority", &c.priority_arg, "n",
                   "priority, -128 to 127 (default -1: no messages for the "
                   "bare JID)"),
        OPT_SECONDS(0, "until", &c.until_ms,
                    "go offline after this many seconds (default: never)"),
        OPT_BOOL(0, "no-reconnect", &c.no_reconnect,
                 "exit 75 when the connection is lost"),
        OPT_SECONDS(0, "wait", &c.wait_ms,
                    "wait this long for the contact's presence (default 1)"),
        OPT_COMMON(&c.s.opt),
        OPT_END(),
    };
    if ((argc = opt_parse_verbs(argc, argv, opts, verbs, 2, -1, &v)) < 0)
        rc = RC_USAGE;
    else if (v == 0 && argc > 0)
        rc = opt_usage_error(NULL, "unexpected argument '%s'", argv[0]);
    else if (v == 1 && c.s.opt.output == OUT_XML)
        rc = opt_usage_error(NULL, "'presence get' prints text or JSON, "
                                   "not XML");
    else if (v == 0 && (rc = check_set(&c)) == RC_OK)
        rc = do_set(&c);
    else if (v == 1 && (rc = check_get(argc, argv)) == RC_OK)
        rc = do_get(&c, argv[0]);
    roster_free(&c.r);
    return session_end(&c.s, rc);
}
