/* cmd/listen.c - `stanza listen`: every incoming stanza as a record */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "cmd.h"
#include "lib/cursor.h"
#include "lib/err.h"
#include "lib/exec.h"
#include "lib/jid.h"
#include "lib/mam.h"
#include "lib/opt.h"
#include "lib/rc.h"
#include "lib/reconnect.h"
#include "lib/record.h"
#include "lib/respond.h"
#include "lib/session.h"
#include "lib/stanza.h"
#include "lib/text.h"

#define DRAIN_MS     5000
#define KEEPALIVE_MS 60000

static const char *const listen_usage[] = {
    "stanza listen [options]",
    NULL,
};

static const char *const kinds[] = { "any", "message", "presence", "iq", NULL };
static const char *const shows[] = { "available", "away", "chat",
                                     "dnd",       "xa",   NULL };

struct listen {
    struct session *s;
    int kind; /* index in kinds[] */
    const char *type;
    const char *from;
    long count; /* 0: no limit */
    long until_ms;
    int show;
    const char *status;
    long priority;
    bool priority_set;
    const char *exec;
    bool reply;
    bool no_reconnect;
    const char *version_name;
    long seen; /* stanzas that matched */
    struct execq jobs;
    struct mam mam;     /* what we saw of the archive, to catch up */
    long long end;      /* when --until ends it (monotonic ms); 0: never */
    const char *cursor; /* --cursor FILE */
    char *resume;       /* the archive id read from it, or NULL */
    char *printed;      /* the archive id of the last message printed */
    bool had_place;     /* the archive had the id read from it */
};

static bool from_matches(const char *want, const char *from)
{
    if (!from)
        return false;
    if (strchr(want, '/'))
        return jid_equal(want, from);
    return jid_bare_equal(want, from);
}

/* A stanza's type, the default filled in (RFC 6121): a message without
 * one is "normal", a presence "available". */
static const char *effective_type(const char *name, xmpp_stanza_t *st)
{
    const char *type = xmpp_stanza_get_type(st);

    if (type)
        return type;
    return !strcmp(name, "message")    ? "normal"
           : !strcmp(name, "presence") ? "available"
                                       : NULL;
}

static bool matches(const struct listen *L, xmpp_stanza_t *st)
{
    const char *name = xmpp_stanza_get_name(st);
    const char *type;

    if (!name || (strcmp(name, "message") && strcmp(name, "presence") &&
                  strcmp(name, "iq")))
        return false; /* stream-level elements are not stanzas */
    if (L->kind && strcmp(name, kinds[L->kind]) != 0)
        return false;
    type = effective_type(name, st);
    if (L->type && (!type || strcmp(type, L->type) != 0))
        return false;
    return !L->from || from_matches(L->from, xmpp_stanza_get_from(st));
}

/* The JSON record of @st, for --exec; the caller frees it. */
static char *json_record(xmpp_stanza_t *st, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    struct out o;

    if (!f)
        abort();
    out_init(&o, OUT_JSON, f, false);
    record_print(&o, st);
    json_free(&o.json);
    fclose(f);
    return buf;
}

static char *env_var(const char *name, const char *v)
{
    char *s;

    if (asprintf(&s, "%s=%s", name, v ? v : "") < 0)
        abort();
    return s;
}

static const char *body_of(xmpp_stanza_t *st)
{
    xmpp_stanza_t *b = xmpp_stanza_get_child_by_name(st, "body");
    xmpp_stanza_t *t = b ? xmpp_stanza_get_children(b) : NULL;

    return t && xmpp_stanza_is_text(t) ? xmpp_stanza_get_text_ptr(t) : NULL;
}

static void run_exec(struct listen *L, xmpp_stanza_t *st)
{
    char *env[5];
    size_t len = 0;
    char *rec = json_record(st, &len);
    xmpp_stanza_t *keep = L->reply ? xmpp_stanza_copy(st) : NULL;

    env[0] = env_var("STANZA_FROM", xmpp_stanza_get_from(st));
    env[1] = env_var("STANZA_BODY", body_of(st));
    env[2] = env_var("STANZA_TYPE", xmpp_stanza_get_type(st));
    env[3] = env_var("STANZA_ID", xmpp_stanza_get_id(st));
    env[4] = NULL;
    if (exec_submit(&L->jobs, L->exec, rec, len, (const char *const *)env,
                    L->reply, keep) != 0) {
        warn("--exec: cannot pass the record to the command");
        if (keep)
            xmpp_stanza_release(keep);
    }
    for (size_t i = 0; i < 4; i++)
        free(env[i]);
    free(rec);
}

static void deliver(struct listen *L, xmpp_stanza_t *st)
{
    const char *id;

    if ((L->count && L->seen >= L->count) || !matches(L, st))
        return;
    L->seen++;
    record_print(&L->s->out, st);
    if (L->cursor && (id = mam_id(&L->mam, st))) {
        free(L->printed);
        if (!(L->printed = strdup(id)))
            abort();
    }
    if (L->exec)
        run_exec(L, st);
}

static int on_stanza(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct listen *L = ud;
    xmpp_stanza_t *archived;

    (void)conn;
    if (session_own_reply(L->s, st))
        return 1; /* keepalive and archive answers are ours, not news */
    switch (mam_take(&L->mam, st, &archived)) {
    case MAM_LIVE:
        deliver(L, st);
        break;
    case MAM_RESULT:
        deliver(L, archived);
        xmpp_stanza_release(archived);
        break;
    case MAM_DUPLICATE:
    case MAM_OTHER:
        break;
    }
    return 1;
}

/* The reply to @orig carrying @text: same type and thread; a groupchat
 * message goes to the room. */
static xmpp_stanza_t *reply_to(struct session *s, xmpp_stanza_t *orig,
                               const char *text)
{
    const char *type = xmpp_stanza_get_type(orig);
    const char *from = xmpp_stanza_get_from(orig);
    xmpp_stanza_t *th = xmpp_stanza_get_child_by_name(orig, "thread");
    char *thread = th ? xmpp_stanza_get_text(th) : NULL;
    char id[64], *to = NULL;
    struct jid *j = NULL;
    xmpp_stanza_t *m;

    if (type && !strcmp(type, "groupchat") && (j = jid_parse(from, NULL)))
        to = jid_bare(j);
    session_new_id(s, id, sizeof(id));
    /* no type is "normal", and the reply has none either */
    m = stanza_message(s->ctx, to ? to : from, type, id, text, NULL, thread);
    jid_free(j);
    free(to);
    if (thread)
        xmpp_free(s->ctx, thread);
    return m;
}

static void send_reply(struct listen *L, xmpp_stanza_t *orig, char *out,
                       size_t len)
{
    size_t off;
    const char *why;
    xmpp_stanza_t *m;

    while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
        out[--len] = '\0';
    if (!len || !xmpp_stanza_get_from(orig) ||
        strcmp(xmpp_stanza_get_name(orig), "message") != 0 ||
        stanza_is_error(orig)) /* never answer an error: loops lie there */
        return;
    if (!text_check_xml(out, len, &off, &why) || memchr(out, '\0', len)) {
        warn("--reply: not sent: the command's output has %s at byte %zu", why,
             off + 1);
        return;
    }
    if (L->s->state != S_ONLINE) {
        warn("--reply: not sent: the connection is down");
        return;
    }
    m = reply_to(L->s, orig, out);
    xmpp_send(L->s->conn, m);
    xmpp_stanza_release(m);
}

static void job_done(void *user, int status, const char *out, size_t len,
                     void *arg)
{
    struct listen *L = arg;
    xmpp_stanza_t *orig = user;

    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        warn("--exec: the command exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        warn("--exec: the command was killed by signal %d", WTERMSIG(status));
    if (orig && out && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        send_reply(L, orig, (char *)out, len);
    if (orig)
        xmpp_stanza_release(orig);
}

static void send_presence(struct listen *L)
{
    struct session *s = L->s;
    xmpp_stanza_t *p = xmpp_presence_new(s->ctx);
    char prio[8];

    if (L->show)
        stanza_add_text(p, "show", shows[L->show]);
    if (L->status)
        stanza_add_text(p, "status", L->status);
    if (L->priority_set) {
        snprintf(prio, sizeof(prio), "%ld", L->priority);
        stanza_add_text(p, "priority", prio);
    }
    xmpp_send(s->conn, p);
    xmpp_stanza_release(p);
}

static void add_handlers(struct listen *L)
{
    respond_install(L->s, L->version_name);
    xmpp_handler_add(L->s->conn, on_stanza, NULL, NULL, NULL, L);
}

/* On a new connection: handlers, then initial presence. */
static void go_online(struct listen *L)
{
    add_handlers(L);
    send_presence(L);
    /* after the presence: Prosody sends no offline messages to a client
     * that has asked the archive */
    mam_online(&L->mam);
}

static bool counted(void *arg)
{
    struct listen *L = arg;

    return L->count && L->seen >= L->count;
}

static bool stop_now(void *arg)
{
    struct listen *L = arg;

    exec_poll(&L->jobs);
    L->s->tick_ms = exec_idle(&L->jobs) ? 50 : 20; /* see session_init() */
    /* the reader went away, or the disk is full: no point going on */
    return (L->count && L->seen >= L->count) || out_error(&L->s->out);
}

/* reconnect_run()'s online(): handlers, presence, then the archive. */
static int relinked(void *arg, long long lost)
{
    struct listen *L = arg;

    go_online(L);
    return mam_resume(&L->mam, L->end, lost);
}

static void idle(void *arg)
{
    exec_poll(&((struct listen *)arg)->jobs);
}

static int listen_loop(struct listen *L)
{
    struct reconnect r = {
        .s = L->s, .online = relinked, .idle = idle, .arg = L
    };

    r.end = L->end;
    return reconnect_stay(&r, L->no_reconnect, stop_now, L);
}

/*
 * --cursor with a place to resume from ("": the archive's start): before
 * the initial presence, everything the archive holds after it (so that
 * Prosody sends no offline message, and ejabberd's come again as
 * duplicates). An id the archive no longer has is said, and listening
 * starts from now. Returns RC_OK, or the code of a lost connection or a
 * signal.
 */
static int resume(struct listen *L)
{
    struct mam *m = &L->mam;
    char cond[128] = "";
    int rc;

    m->last = *L->resume ? L->resume : NULL;
    if (!m->last)
        free(L->resume);
    L->resume = NULL;
    m->enough = counted;
    m->enough_arg = L;
    add_handlers(L);
    rc = mam_catch_up(m, L->end, cond, sizeof(cond));
    m->enough = NULL;
    m->since = time(NULL); /* no marking query: the place is known */
    if (rc == RC_OK || session_signal() || L->s->state != S_ONLINE)
        return rc;
    warn("--cursor: cannot read the archive after '%s' (%s): listening "
         "from now on",
         m->last ? m->last : "its start", rc == RC_REMOTE ? cond : "no answer");
    free(m->last);
    m->last = NULL;
    m->since = 0;
    L->had_place = false; /* a new place, from where the archive ends */
    return RC_OK;
}

/* --cursor at the end: the last message printed, or, on a first run
 * that printed nothing, where the archive ended (messages after it were
 * not printed because they did not match; "" if it was empty). */
static int save_cursor(struct listen *L)
{
    const char *id = L->printed;

    if (!id && !L->had_place)
        id = L->mam.last ? L->mam.last : L->mam.answered ? "" : NULL;
    if (!id) {
        if (!L->had_place)
            warn("--cursor: the server has no message archive: '%s' not "
                 "written",
                 L->cursor);
        return RC_OK;
    }
    return cursor_write(L->cursor, id);
}

static int listen_run(struct listen *L)
{
    struct session *s = L->s;
    bool resumed = L->resume != NULL;
    int rc, rc2;

    if ((rc = session_connect(s)) != RC_OK)
        return session_report(s);
    mam_init(&L->mam, s, NULL);
    L->end = L->until_ms ? session_now() + L->until_ms : 0;
    L->had_place = resumed;
    if (L->resume && (rc = resume(L)) != RC_OK) {
        mam_free(&L->mam);
        return session_signal() ? rc : session_report(s);
    }
    if (resumed) { /* handlers are in; after the archive query, neither
                    * server sends offline messages: they came from it */
        send_presence(L);
        mam_online(&L->mam);
    } else {
        go_online(L);
    }
    rc = counted(L) ? RC_OK : listen_loop(L);
    exec_drain(&L->jobs, DRAIN_MS);
    /* what arrives while the stream closes is not read: mam_take() must
     * not see it once the archive state is gone (ejabberd goes on routing
     * until it has read our </stream>) */
    if (s->conn)
        xmpp_handler_delete(s->conn, on_stanza);
    if (L->cursor && (rc2 = save_cursor(L)) != RC_OK && !rc)
        rc = rc2;
    mam_free(&L->mam);
    return rc;
}

int cmd_listen(int argc, char **argv)
{
    struct session s;
    struct listen L = { .s = &s };
    int rc;

    session_init(&s, "listen");
    exec_init(&L.jobs, job_done, &L);
    const struct opt opts[] = {
        OPT_CHOICE(0, "kind", &L.kind, "kind", kinds,
                   "only stanzas of this kind (default any)"),
        OPT_STRING(0, "type", &L.type, "type",
                   "only stanzas of this type (no type: normal, available)"),
        OPT_STRING(0, "from", &L.from, "jid",
                   "only stanzas from this JID (bare: any resource)"),
        OPT_INT('c', "count", &L.count, "n", "stop after N stanzas"),
        OPT_SECONDS(0, "until", &L.until_ms, "stop after this many seconds"),
        OPT_CHOICE(0, "presence-show", &L.show, "show", shows,
                   "initial presence (default available)"),
        OPT_STRING(0, "status", &L.status, "text", "presence status text"),
        OPT_INT(0, "priority", &L.priority, "n", "presence priority (0-127)"),
        OPT_STRING('e', "exec", &L.exec, "cmd",
                   "run CMD for each stanza, its JSON record on stdin"),
        OPT_BOOL(0, "reply", &L.reply,
                 "send what CMD prints back as a reply message"),
        OPT_BOOL(0, "no-reconnect", &L.no_reconnect,
                 "exit 75 when the connection is lost"),
        OPT_SECONDS(0, "keepalive", &s.keepalive_ms,
                    "ping the server this often to find a dead "
                    "connection (default 60, 0: never)"),
        OPT_STRING(0, "version-name", &L.version_name, "name",
                   "the name version queries are told (default stanza)"),
        OPT_STRING(0, "cursor", &L.cursor, "file",
                   "first print what the archive holds after the id in "
                   "FILE; keep the last printed message's id there"),
        OPT_COMMON(&s.opt),
        OPT_END(),
    };

    L.priority = LONG_MIN;
    s.keepalive_ms = KEEPALIVE_MS;
    if ((argc = opt_parse(argc, argv, opts, listen_usage)) < 0)
        return RC_USAGE;
    if (argc > 0)
        return opt_usage_error(listen_usage, "unexpected argument '%s'",
                               argv[0]);
    if (L.reply && !L.exec)
        return opt_usage_error(listen_usage, "--reply needs --exec");
    if (L.from && !jid_valid(L.from, NULL))
        return fail(RC_DATAERR, "invalid JID '%s' for --from", L.from);
    if ((L.priority_set = L.priority != LONG_MIN) && L.priority > 127)
        return opt_usage_error(listen_usage, "--priority is 0 to 127");
    if (L.status && (rc = text_check_input("--status", 0, L.status, 0)))
        return rc;
    if (L.version_name &&
        (rc = text_check_input("--version-name", 0, L.version_name, 0)))
        return rc;
    if (L.cursor && ((rc = cursor_check(L.cursor)) != RC_OK ||
                     (rc = cursor_read(L.cursor, &L.resume)) != RC_OK)) {
        free(L.resume);
        return rc;
    }
    if ((rc = session_start(&s, true)) == RC_OK)
        rc = listen_run(&L);
    free(L.resume);
    free(L.printed);
    return session_end(&s, rc);
}
