/* cmd/console.c - `stanza console`: the XML console
 *
 * Shows the traffic of a session and sends what the user types or pipes
 * in: XML, checked before anything is sent, or /helpers that expand to
 * XML. Interactive on a terminal (console_tty.c); from a pipe it sends
 * each stanza as it completes and exits once the answers are in.
 */
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "console.h"
#include "lib/err.h"
#include "lib/jid.h"
#include "lib/opt.h"
#include "lib/rc.h"
#include "lib/reconnect.h"
#include "lib/respond.h"
#include "lib/stanza.h"
#include "lib/xmlin.h"

#define KEEPALIVE_MS 60000
#define READ_MAX     (1024 * 1024) /* a line longer than this is cut */

static const char *const console_usage[] = {
    "stanza console [options]",
    "stanza console [options] < stanzas.xml",
    NULL,
};

/* A message for the person at the console, on standard error. */
void console_note(struct console *C, const char *fmt, ...)
{
    va_list ap;

    if (C->interactive)
        tty_hide();
    va_start(ap, fmt);
    err_vmsg("", fmt, ap); /* the server's words may hold escapes */
    va_end(ap);
    if (C->interactive)
        tty_show();
}

void console_seen_jid(struct console *C, const char *jid)
{
    if (!jid || !jid_valid(jid, NULL))
        return;
    for (int i = 0; i < C->njids; i++)
        if (!strcmp(C->jids[i], jid))
            return;
    if (C->njids == CONSOLE_JIDS) {
        free(C->jids[0]);
        memmove(C->jids, C->jids + 1, (CONSOLE_JIDS - 1) * sizeof(*C->jids));
        C->njids--;
    }
    if ((C->jids[C->njids] = strdup(jid)))
        C->njids++;
}

/* Where a chat with @jid goes: the full JID that last wrote from that
 * account, while it stays available; else @jid as given (RFC 6121
 * §5.1: a conversation locks onto the resource that answered). */
const char *console_chat_to(const struct console *C, const char *jid)
{
    if (strchr(jid, '/'))
        return jid;
    for (int i = 0; i < C->nchats; i++)
        if (jid_bare_equal(C->chats[i].bare, jid))
            return C->chats[i].full;
    return jid;
}

static int find_chat(const struct console *C, const char *from)
{
    for (int i = 0; i < C->nchats; i++)
        if (jid_bare_equal(C->chats[i].bare, from))
            return i;
    return -1;
}

static void drop_chat(struct console *C, int i)
{
    free(C->chats[i].bare);
    free(C->chats[i].full);
    C->chats[i] = C->chats[--C->nchats];
}

/* A chat message from a full JID locks the conversation onto it; that
 * resource going unavailable unlocks it. */
static void follow_chat(struct console *C, xmpp_stanza_t *st)
{
    const char *name = xmpp_stanza_get_name(st),
               *type = xmpp_stanza_get_type(st);
    const char *from = xmpp_stanza_get_from(st);
    struct jid *j;
    int i;

    if (!from || !strchr(from, '/') || !(j = jid_parse(from, NULL)))
        return;
    i = find_chat(C, from);
    if (!strcmp(name, "presence") && type && !strcmp(type, "unavailable")) {
        if (i >= 0 && jid_equal(C->chats[i].full, from))
            drop_chat(C, i);
    } else if (!strcmp(name, "message") && type && !strcmp(type, "chat") &&
               xmpp_stanza_get_child_by_name(st, "body")) {
        if (i < 0 && C->nchats == CONSOLE_CHATS)
            drop_chat(C, 0);
        if (i < 0) {
            i = C->nchats++;
            C->chats[i].bare = jid_bare(j);
        } else {
            free(C->chats[i].full);
        }
        if (!(C->chats[i].full = strdup(from)) || !C->chats[i].bare)
            abort();
    }
    jid_free(j);
}

static bool is_request(xmpp_stanza_t *st)
{
    const char *type = xmpp_stanza_get_type(st);

    return !strcmp(xmpp_stanza_get_name(st), "iq") && type &&
           (!strcmp(type, "get") || !strcmp(type, "set"));
}

/* Sends @st (the caller keeps it), with an id if it had none; an iq
 * get/set is remembered until its answer comes. */
void console_send(struct console *C, xmpp_stanza_t *st)
{
    char id[64];
    struct waiting *w;

    if (!xmpp_stanza_get_id(st)) {
        snprintf(id, sizeof(id), "con%s-%lu", C->s->id_prefix, ++C->seq);
        xmpp_stanza_set_id(st, id);
    }
    if (is_request(st)) {
        if (!(C->wait = realloc(C->wait, (C->nwait + 1) * sizeof(*C->wait))))
            abort();
        w = &C->wait[C->nwait++];
        w->id = strdup(xmpp_stanza_get_id(st));
        w->to = xmpp_stanza_get_to(st) ? strdup(xmpp_stanza_get_to(st)) : NULL;
    }
    if (!strcmp(xmpp_stanza_get_name(st), "presence") &&
        !xmpp_stanza_get_to(st)) { /* ours to all: again after a reconnect */
        if (C->presence)
            xmpp_stanza_release(C->presence);
        C->presence = xmpp_stanza_copy(st);
    }
    idset_add(&C->sent, xmpp_stanza_get_id(st));
    console_seen_jid(C, xmpp_stanza_get_to(st));
    xmpp_send(C->s->conn, st);
    /* libstrophe writes (and shows) it at its next turn: now, so that
     * the views in force are those of the line that sent it */
    xmpp_run_once(C->s->ctx, 0);
}

static void forget(struct console *C, size_t i)
{
    free(C->wait[i].id);
    free(C->wait[i].to);
    C->wait[i] = C->wait[--C->nwait];
}

/* An answer to one of our requests? Errors are counted and said. */
static void answered(struct console *C, xmpp_stanza_t *st)
{
    const char *id = xmpp_stanza_get_id(st), *from = xmpp_stanza_get_from(st);
    struct stanza_error e;

    for (size_t i = 0; id && i < C->nwait; i++) {
        if (strcmp(C->wait[i].id, id) != 0 ||
            !session_from_ok(C->s, from, C->wait[i].to))
            continue;
        if (stanza_is_error(st)) {
            stanza_get_error(st, &e);
            console_note(C, "iq '%s' answered with an error: %s (%s)%s%s", id,
                         e.condition, e.type, e.text ? ": " : "",
                         e.text ? e.text : "");
            if (C->rc != RC_DATAERR) /* bad input says more */
                C->rc = RC_REMOTE;
        }
        forget(C, i);
        return;
    }
}

/* A message or presence of ours that came back as an error. */
static void bounced(struct console *C, xmpp_stanza_t *st)
{
    const char *id = xmpp_stanza_get_id(st);
    struct stanza_error e;

    if (!id || !idset_has(&C->sent, id))
        return;
    stanza_get_error(st, &e);
    console_note(C, "%s '%s' bounced: %s (%s)%s%s", xmpp_stanza_get_name(st),
                 id, e.condition, e.type, e.text ? ": " : "",
                 e.text ? e.text : "");
    if (C->rc != RC_DATAERR)
        C->rc = RC_REMOTE;
}

static int on_stanza(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct console *C = ud;
    const char *type = xmpp_stanza_get_type(st);

    (void)conn;
    console_seen_jid(C, xmpp_stanza_get_from(st));
    follow_chat(C, st);
    if (!strcmp(xmpp_stanza_get_name(st), "iq") && type &&
        (!strcmp(type, "result") || !strcmp(type, "error")))
        answered(C, st);
    else if (stanza_is_error(st))
        bounced(C, st);
    return 1;
}

static void clear_pending(struct console *C)
{
    C->plen = 0;
    if (C->pending)
        C->pending[0] = '\0';
}

static void append_pending(struct console *C, const char *line)
{
    size_t n = strlen(line);

    if (!C->plen)
        C->first_line = C->line;
    if (!(C->pending = realloc(C->pending, C->plen + n + 2)))
        abort();
    memcpy(C->pending + C->plen, line, n);
    C->plen += n;
    C->pending[C->plen++] = '\n';
    C->pending[C->plen] = '\0';
}

static const char *where(const struct console *C)
{
    return C->interactive ? "" : "standard input ";
}

/* Sends the whole stanzas in @xml, or, if any is wrong, none. */
void console_submit(struct console *C, const char *xml)
{
    struct xmlin in;
    char err[512];

    if (C->s->state != S_ONLINE) {
        console_note(C, "not sent: the connection is down");
        return;
    }
    if (xmlin_parse(C->s->ctx, xml, strlen(xml), &in, err, sizeof(err))) {
        console_note(C, "%s%s — nothing was sent", where(C), err);
        C->rc = RC_DATAERR;
        return;
    }
    for (size_t i = 0; i < in.n; i++)
        console_send(C, in.st[i]);
    xmlin_free(&in);
}

/* Text asked for (/help, ...): on standard output. */
void console_print(struct console *C, const char *text)
{
    if (C->interactive)
        tty_hide();
    fputs(text, stdout);
    fflush(stdout);
    if (C->interactive)
        tty_show();
}

/* One line of input: a /helper, or more XML. */
void console_line(struct console *C, const char *line)
{
    char err[512];
    long first;

    C->line++;
    if (!C->plen && line[strspn(line, " \t")] == '/') {
        if (C->interactive)
            tty_remember(C, line);
        console_command(C, line + strspn(line, " \t"));
        return;
    }
    append_pending(C, line);
    first = C->interactive ? 1 : C->first_line;
    switch (xmlin_status(C->pending, C->plen, first, err, sizeof(err))) {
    case XMLIN_EMPTY:
        clear_pending(C);
        break;
    case XMLIN_INCOMPLETE:
        break;
    case XMLIN_BAD:
        if (C->interactive)
            tty_remember(C, C->pending);
        console_note(C, "%s%s — nothing was sent", where(C), err);
        C->rc = RC_DATAERR;
        clear_pending(C);
        break;
    case XMLIN_COMPLETE:
        if (C->interactive)
            tty_remember(C, C->pending);
        console_submit(C, C->pending);
        clear_pending(C);
        break;
    }
}

/* Takes the lines out of what was read from the pipe. */
static void split_lines(struct console *C)
{
    size_t start = 0;

    for (size_t i = 0; i < C->rlen && !C->quit && !C->hold_until; i++) {
        if (C->rbuf[i] != '\n')
            continue;
        C->rbuf[i] = '\0';
        console_line(C, C->rbuf + start);
        start = i + 1;
    }
    if (C->quit)
        start = C->rlen;
    memmove(C->rbuf, C->rbuf + start, C->rlen - start);
    C->rlen -= start;
    if (C->hold_until)
        return;                                       /* the rest after /wait */
    if (C->rlen >= READ_MAX || (C->eof && C->rlen)) { /* a last line */
        C->rbuf[C->rlen] = '\0';
        C->rlen = 0;
        console_line(C, C->rbuf);
    }
}

/* Reads what standard input has now, without blocking, and takes the
 * lines out. */
static void read_pipe(struct console *C)
{
    struct pollfd p = { .fd = 0, .events = POLLIN };
    ssize_t n;

    if (!C->eof && poll(&p, 1, 0) > 0) {
        if (C->rcap - C->rlen < 65536 + 1 &&
            !(C->rbuf = realloc(C->rbuf, C->rcap = C->rcap * 2 + 65536 + 1)))
            abort();
        n = read(0, C->rbuf + C->rlen, C->rcap - C->rlen - 1);
        if (n <= 0)
            C->eof = true; /* an error ends the input too */
        else
            C->rlen += (size_t)n;
    }
    split_lines(C);
}

/* True while /wait holds the input back. */
static bool holding(struct console *C)
{
    long long now = session_now();

    if (!C->hold_until)
        return false;
    if (C->hold_answers && C->nwait == 0)
        C->hold_until = 0;
    else if (now >= C->hold_until) {
        if (C->hold_answers)
            console_note(C, "/wait: still no answer to %zu iq%s; going on",
                         C->nwait, C->nwait == 1 ? "" : "s");
        C->hold_until = 0;
    }
    return C->hold_until != 0;
}

static bool pipe_step(void *arg)
{
    struct console *C = arg;

    if (holding(C))
        return false;
    read_pipe(C);
    return C->quit || (C->eof && !C->rlen && !C->hold_until);
}

static bool all_answered(void *arg)
{
    return ((struct console *)arg)->nwait == 0;
}

/* After the input: the answers still owed, then --wait. */
static int finish(struct console *C)
{
    struct session *s = C->s;
    xmpp_stanza_t *reply = NULL;
    int rc;

    if (C->plen) {
        console_note(C,
                     "standard input ends inside a stanza (from line %ld) — "
                     "it was not sent",
                     C->first_line);
        C->rc = RC_DATAERR;
    }
    s->deadline = session_now() + s->opt.timeout_ms;
    /* the server handles a stream in order: its answer to this ping
     * says it has everything above, and brings the bounces before it */
    rc = session_iq(s, stanza_ping(s->ctx, NULL, NULL), &reply);
    if (reply)
        xmpp_stanza_release(reply);
    if (rc == RC_OK || rc == RC_REMOTE) /* answered either way */
        rc = session_wait(s, all_answered, C);
    if (rc == RC_TEMPFAIL && s->state == S_ONLINE)
        return fail(RC_TEMPFAIL, "no answer to %zu iq%s within %.1f s",
                    C->nwait, C->nwait == 1 ? "" : "s",
                    (double)s->opt.timeout_ms / 1000.0);
    if (rc != RC_OK)
        return session_report(s);
    if (C->wait_ms) {
        s->deadline = session_now() + C->wait_ms;
        if (session_wait(s, NULL, NULL) != RC_TEMPFAIL || s->state != S_ONLINE)
            return session_report(s);
    }
    return RC_OK;
}

static int run_pipe(struct console *C)
{
    struct session *s = C->s;
    int rc;

    s->deadline = LLONG_MAX / 4;
    rc = session_wait(s, pipe_step, C);
    if (rc != RC_OK)
        return session_report(s);
    if (!C->quit && (rc = finish(C)) != RC_OK)
        return rc;
    return C->rc;
}

static bool tty_step(void *arg)
{
    struct console *C = arg;
    struct pollfd p = { .fd = 0, .events = POLLIN };

    while (!holding(C) && !C->quit && !C->eof && poll(&p, 1, 0) > 0) {
        if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
            C->eof = true; /* the terminal went away */
        else
            tty_read(C);
    }
    return C->eof || C->quit;
}

static void go_online(struct console *C)
{
    respond_install(C->s, NULL);
    xmpp_handler_add(C->s->conn, on_stanza, NULL, NULL, NULL, C);
}

/* Back after a lost connection: the presence the user had sent is sent
 * again; answers to what was sent before will not come. */
static int back_online(void *arg, long long lost)
{
    struct console *C = arg;

    go_online(C);
    while (C->nwait)
        forget(C, 0);
    warn("reconnected after %.1f s; what was sent to this session "
         "meanwhile may be lost",
         (double)(session_now() - lost) / 1000.0);
    if (C->presence)
        xmpp_send(C->s->conn, C->presence);
    return RC_OK;
}

/* The connection is gone: come back, unless told not to. */
static int come_back(struct console *C)
{
    struct reconnect r = { .s = C->s, .online = back_online, .arg = C };
    int rc;

    if (C->no_reconnect || session_signal())
        return session_report(C->s);
    tty_pause();
    rc = reconnect_run(&r);
    tty_resume();
    return rc;
}

static int run_tty(struct console *C)
{
    struct session *s = C->s;
    bool said = false; /* the failure was reported */
    int rc;

    if ((rc = tty_start(C)) != RC_OK)
        return rc;
    for (;;) {
        s->deadline = LLONG_MAX / 4;
        rc = session_wait(s, tty_step, C);
        if (rc == RC_INTERRUPTED) { /* Ctrl-C: drop the input, go on */
            session_clear_signal();
            clear_pending(C);
            tty_cancel(C);
            continue;
        }
        if (rc != RC_OK && s->state == S_DOWN) {
            if ((rc = come_back(C)) == RC_OK)
                continue;
            said = true;
        }
        break;
    }
    tty_stop(C);
    return rc != RC_OK && !said ? session_report(s) : rc;
}

static void console_free(struct console *C)
{
    while (C->nwait)
        forget(C, 0);
    free(C->wait);
    if (C->presence)
        xmpp_stanza_release(C->presence);
    idset_free(&C->sent);
    free(C->pending);
    free(C->rbuf);
    for (int i = 0; i < C->njids; i++)
        free(C->jids[i]);
    while (C->nchats)
        drop_chat(C, 0);
    view_free(&C->view);
}

static void on_traffic(void *arg, const char *dir, const char *xml)
{
    view_traffic(arg, dir, xml);
}

static int console_run(struct console *C)
{
    struct session *s = C->s;
    int rc;

    s->traffic = on_traffic;
    s->traffic_arg = C;
    s->keepalive_ms = KEEPALIVE_MS;
    if ((rc = session_connect(s)) != RC_OK)
        return session_report(s);
    go_online(C);
    return C->interactive ? run_tty(C) : run_pipe(C);
}

int cmd_console(int argc, char **argv)
{
    struct session s;
    struct console C = { .s = &s };
    int rc;

    session_init(&s, "console");
    s.sm = true; /* the stream as the server offers it, SM included */
    const struct opt opts[] = {
        OPT_SECONDS(0, "wait", &C.wait_ms,
                    "from a pipe: after the answers, show what arrives for "
                    "this long"),
        OPT_BOOL(0, "no-reconnect", &C.no_reconnect,
                 "on a terminal: exit 75 when the connection is lost"),
        OPT_COMMON(&s.opt),
        OPT_END(),
    };

    if ((argc = opt_parse(argc, argv, opts, console_usage)) < 0)
        return RC_USAGE;
    if (argc > 0)
        return opt_usage_error(console_usage, "unexpected argument '%s'",
                               argv[0]);
    C.interactive = isatty(0);
    if ((rc = session_start(&s, true)) == RC_OK) {
        view_init(&C.view, &C);
        rc = console_run(&C);
    }
    console_free(&C);
    return session_end(&s, rc);
}
