/* cmd/muc.c - `stanza muc`: multi-user chat (XEP-0045) from the shell;
 * the verbs, joining, and the verbs that talk in a room (say, pm,
 * occupants, topic, nick). Administration is in cmd/muc_admin.c, tail
 * and history in cmd/muc_tail.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "muc.h"
#include "send.h"
#include "lib/account.h"
#include "lib/err.h"
#include "lib/jid.h"
#include "lib/opt.h"
#include "lib/outbox.h"
#include "lib/rc.h"
#include "lib/record.h"
#include "lib/stanza.h"
#include "lib/text.h"

#define TEXT_MAX (250 * 1024)

static const char *const muc_usage[] = {
    "stanza muc say [options] <room> [<text>...]",
    "stanza muc pm [options] <room> <nick> <text>...",
    "stanza muc tail [options] <room>",
    "stanza muc history [options] <room>",
    "stanza muc occupants [options] <room>",
    "stanza muc topic [options] <room> [<text>...]",
    "stanza muc nick [options] <room> <new-nick>",
    "stanza muc kick [options] <room> <nick>",
    "stanza muc ban [options] <room> <jid>",
    "stanza muc role [options] <room> <nick> "
    "none|visitor|participant|moderator",
    "stanza muc affiliation [options] <room> <jid> "
    "owner|admin|member|outcast|none",
    "stanza muc list [options] <room> owner|admin|member|outcast",
    "stanza muc invite [options] <room> <jid>",
    "stanza muc create [options] <room> [--field <var>=<value>]...",
    "stanza muc config [options] <room> [--field <var>=<value>]...",
    "stanza muc destroy [options] <room>",
    "stanza muc list-rooms [options] [<service>]",
    NULL,
};

/* --- joining -------------------------------------------------------- */

int muc_join_opts_read(struct muc_join_opts *j)
{
    const char *why, *env = getenv("STANZA_ROOM_PASSWORD");
    int rc;

    if (j->nick && !muc_nick_valid(j->nick, &why))
        return fail(RC_DATAERR, "invalid nick '%s': %s — nothing was sent",
                    j->nick, why);
    if (j->password_file &&
        (rc = account_password_file(j->password_file, &j->password)))
        return rc;
    if (!j->password && env && *env && !(j->password = strdup(env)))
        abort();
    if (j->password &&
        (rc = text_check_input("room password", 0, j->password, 1024))) {
        muc_join_opts_free(j);
        return rc;
    }
    return RC_OK;
}

void muc_join_opts_apply(const struct muc_join_opts *j, struct muc_room *r)
{
    r->want_nick = j->nick;
    r->password = j->password;
    if (j->no_history)
        r->history = 0;
}

void muc_join_opts_free(struct muc_join_opts *j)
{
    if (j->password) {
        explicit_bzero(j->password, strlen(j->password));
        free(j->password);
    }
    j->password = NULL;
}

/* Prints a join refusal or removal as a JSON record: {room, error}. */
static void json_refusal(struct session *s, const char *room,
                         xmpp_stanza_t *why)
{
    struct out *o = &s->out;

    if (o->mode != OUT_JSON || !why || !stanza_is_error(why))
        return;
    out_obj_begin(o, NULL);
    out_str(o, "room", NULL, room);
    record_print_error(o, "error", why);
    out_obj_end(o);
}

static int join(struct session *s, struct muc_room *r, bool full)
{
    int rc;

    if ((rc = session_connect(s)) != RC_OK)
        return session_report(s);
    if ((rc = muc_join(r, full, false)) == RC_REMOTE)
        json_refusal(s, r->room, r->why);
    return rc;
}

int muc_enter(struct muc *M, bool full)
{
    muc_room_init(&M->r, &M->s, M->room);
    muc_join_opts_apply(&M->join, &M->r);
    return join(&M->s, &M->r, full);
}

int muc_remote_error(struct muc *M, xmpp_stanza_t *reply)
{
    json_refusal(&M->s, M->room, reply);
    return stanza_fail_error(M->room, reply);
}

/* --- say: groupchat messages, confirmed by their reflection -------- */

struct said {
    char id[64];
    bool confirmed;
    xmpp_stanza_t *error; /* the room's error answer */
};

struct say {
    struct muc_room *r;
    struct said *m;
    size_t n, done;
    unsigned long first_seq; /* id sequence number of m[0] */
};

/* Our message with id @id, or NULL: ids are PREFIX-SEQ, SEQ counting up
 * from first_seq. */
static struct said *said_by_id(struct say *S, const char *id)
{
    const char *dash = id ? strrchr(id, '-') : NULL;
    unsigned long seq = dash ? strtoul(dash + 1, NULL, 10) : 0;
    size_t i;

    if (!dash || seq < S->first_seq)
        return NULL;
    i = seq - S->first_seq;
    return i < S->n && !strcmp(S->m[i].id, id) ? &S->m[i] : NULL;
}

static void say_stanza(void *arg, xmpp_stanza_t *st)
{
    struct say *S = arg;
    const char *type = xmpp_stanza_get_type(st);
    const char *from = xmpp_stanza_get_from(st);
    const char *slash = strchr(from, '/');
    struct said *m = said_by_id(S, xmpp_stanza_get_id(st));

    if (!m || m->confirmed || m->error || !type ||
        strcmp(xmpp_stanza_get_name(st), "message"))
        return;
    if (!strcmp(type, "error")) {
        m->error = xmpp_stanza_copy(st);
        S->done++;
    } else if (!strcmp(type, "groupchat") && slash && S->r->nick &&
               !strcmp(slash + 1, S->r->nick)) {
        m->confirmed = true; /* the room reflected it: everyone has it */
        S->done++;
    }
}

static bool say_done(void *arg)
{
    struct say *S = arg;

    return S->done == S->n || S->r->state != MUC_JOINED;
}

static void say_print(struct session *s, const struct say *S)
{
    struct out *o = &s->out;

    if (o->mode != OUT_JSON)
        return;
    out_list_begin(o, NULL);
    for (size_t i = 0; i < S->n; i++) {
        out_obj_begin(o, NULL);
        out_str(o, "to", NULL, S->r->room);
        out_str(o, "id", NULL, S->m[i].id);
        out_bool(o, "confirmed", NULL, S->m[i].confirmed);
        record_print_error(o, "error", S->m[i].error);
        out_obj_end(o);
    }
    out_list_end(o);
}

static int say_report(struct say *S, int rc)
{
    size_t shown = 0, bounced = 0;
    struct stanza_error e;

    for (size_t i = 0; i < S->n; i++) {
        if (!S->m[i].error)
            continue;
        if (++bounced > 5)
            continue;
        shown++;
        stanza_get_error(S->m[i].error, &e);
        fail(RC_REMOTE, "message to %s (id %s) refused: %s (%s)%s%s",
             S->r->room, S->m[i].id, e.condition, e.type, e.text ? ": " : "",
             e.text ? e.text : "");
    }
    if (bounced > shown)
        fail(RC_REMOTE, "%zu more message(s) refused — --json lists each one",
             bounced - shown);
    if (rc == RC_OK && S->r->state != MUC_JOINED)
        rc = muc_removed(S->r);
    else if (rc != RC_OK && !session_signal() && S->done < S->n)
        fail(rc,
             "%zu of %zu message(s) confirmed by %s; the others may or "
             "may not have reached it",
             S->done - bounced, S->n, S->r->room);
    return rc == RC_OK && bounced ? RC_REMOTE : rc;
}

static void say_send(struct session *s, struct say *S, char *const *msgs,
                     const char *subject)
{
    for (size_t i = 0; i < S->n; i++) {
        xmpp_stanza_t *m;

        session_new_id(s, S->m[i].id, sizeof(S->m[i].id));
        if (i == 0)
            S->first_seq = s->id_seq;
        m = stanza_message(s->ctx, S->r->room, "groupchat", S->m[i].id, msgs[i],
                           subject, NULL);
        if (s->out.mode == OUT_XML)
            out_stanza(&s->out, m);
        xmpp_send(s->conn, m);
        xmpp_stanza_release(m);
    }
}

int muc_say(struct session *s, const char *room, const struct muc_join_opts *j,
            char *const *msgs, size_t n, const char *subject)
{
    struct muc_room r;
    struct say S = { .r = &r, .n = n };
    int rc;

    muc_room_init(&r, s, room);
    muc_join_opts_apply(j, &r);
    r.on_stanza = say_stanza;
    r.arg = &S;
    if (!(S.m = calloc(n, sizeof(*S.m))))
        abort();
    if ((rc = join(s, &r, false)) == RC_OK) {
        s->deadline = session_now() + s->opt.timeout_ms;
        say_send(s, &S, msgs, subject);
        rc = session_wait(s, say_done, &S);
        if (rc != RC_OK)
            rc = session_iq_failed(s, room, rc);
        rc = say_report(&S, rc);
        say_print(s, &S);
        muc_leave(&r);
    }
    for (size_t i = 0; i < n; i++)
        if (S.m[i].error)
            xmpp_stanza_release(S.m[i].error);
    free(S.m);
    muc_room_free(&r);
    return rc;
}

static int say(struct muc *M, char **args, int n)
{
    char **texts = NULL;
    size_t count = 0;
    int rc = send_read_texts(n, args, &texts, &count);

    if (rc == RC_OK && (rc = session_start(&M->s, false)) == RC_OK)
        rc = muc_say(&M->s, M->room, &M->join, texts, count, NULL);
    send_free_texts(texts, count);
    return rc;
}

/* --- pm: a private message to an occupant -------------------------- */

/* The words joined by spaces, checked; NULL after saying why not. */
static char *join_words(int n, char **words)
{
    char **texts = NULL, *s;
    size_t count = 0;

    if (send_read_texts(n, words, &texts, &count) != RC_OK)
        return NULL;
    s = texts[0];
    texts[0] = NULL;
    send_free_texts(texts, count);
    return s;
}

/* Sends @text to the occupant @to. The bounce for a nick that is not in
 * the room comes from the room: the outbox's probe of the room confirms
 * it. */
static int pm_send(struct muc *M, const char *to, const char *text)
{
    struct session *s = &M->s;
    struct outbox ob;
    const struct ob_item *it;
    char id[64];
    int rc;

    outbox_init(&ob, s);
    session_new_id(s, id, sizeof(id));
    outbox_add(&ob, stanza_message(s->ctx, to, "chat", id, text, NULL, NULL));
    s->deadline = session_now() + s->opt.timeout_ms;
    rc = outbox_deliver(&ob);
    it = &ob.items[0];
    if (it->state == OB_BOUNCED)
        rc = fail(RC_REMOTE, "message to %s refused: %s (%s)%s%s", to,
                  it->err_cond, it->err_type, it->err_text ? ": " : "",
                  it->err_text ? it->err_text : "");
    outbox_free(&ob);
    return rc;
}

static int pm(struct muc *M, char **args, int n)
{
    char *text = join_words(n - 1, args + 1), *to = NULL;
    const char *why;
    int rc;

    if (!text)
        return RC_DATAERR;
    if (!muc_nick_valid(args[0], &why)) {
        free(text);
        return fail(RC_DATAERR, "invalid nick '%s': %s — nothing was sent",
                    args[0], why);
    }
    if ((rc = session_start(&M->s, false)) == RC_OK &&
        (rc = muc_enter(M, false)) == RC_OK) {
        if (asprintf(&to, "%s/%s", M->room, args[0]) < 0)
            abort();
        rc = pm_send(M, to, text);
        muc_leave(&M->r);
    }
    free(to);
    free(text);
    return rc;
}

/* --- occupants ------------------------------------------------------ */

static void print_occupant(struct out *o, const struct muc_occupant *p)
{
    out_obj_begin(o, NULL);
    out_str(o, "nick", "%s", p->nick);
    out_str(o, "role", " %s", p->role);
    out_str(o, "affiliation", " %s", p->affiliation);
    out_str(o, "jid", " %s", p->jid);
    out_obj_end(o);
}

static int by_nick(const void *a, const void *b)
{
    return strcmp(((const struct muc_occupant *)a)->nick,
                  ((const struct muc_occupant *)b)->nick);
}

static int occupants(struct muc *M, char **args, int n)
{
    struct out *o = &M->s.out;
    int rc;

    (void)args;
    (void)n;
    if ((rc = session_start(&M->s, false)) != RC_OK ||
        (rc = muc_enter(M, false)) != RC_OK)
        return rc;
    qsort(M->r.occ, M->r.nocc, sizeof(*M->r.occ), by_nick);
    if (o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        out_str(o, "room", NULL, M->room);
        out_str(o, "nick", NULL, M->r.nick);
        out_list_begin(o, "occupants");
    }
    for (size_t i = 0; i < M->r.nocc; i++)
        print_occupant(o, &M->r.occ[i]);
    if (o->mode == OUT_JSON) {
        out_list_end(o);
        out_obj_end(o);
    }
    muc_leave(&M->r);
    return RC_OK;
}

/* --- topic ---------------------------------------------------------- */

static void print_topic(struct muc *M)
{
    struct out *o = &M->s.out;
    const char *by = M->r.subject_by;

    if (by && jid_equal(by, M->room))
        by = NULL; /* the room itself: nobody set it */
    out_obj_begin(o, NULL);
    out_str(o, "room", NULL, M->room);
    out_str(o, "subject", "%s", M->r.subject);
    out_str(o, "by", NULL, by);
    out_obj_end(o);
}

struct topic {
    struct muc *M;
    const char *want;
    char id[64];
    xmpp_stanza_t *error;
};

static void topic_stanza(void *arg, xmpp_stanza_t *st)
{
    struct topic *T = arg;
    const char *id = xmpp_stanza_get_id(st);

    if (!T->error && id && !strcmp(id, T->id) && stanza_is_error(st))
        T->error = xmpp_stanza_copy(st);
}

static bool topic_done(void *arg)
{
    struct topic *T = arg;
    struct muc_room *r = &T->M->r;

    return T->error || r->state != MUC_JOINED ||
           (r->subject && !strcmp(r->subject, T->want) && r->subject_by &&
            r->nick && !strcmp(r->subject_by, r->nick));
}

static int set_topic(struct muc *M, struct topic *T)
{
    struct session *s = &M->s;
    xmpp_stanza_t *m;
    int rc;

    if (topic_done(T))
        return RC_OK; /* ours already: the room would not announce it */
    session_new_id(s, T->id, sizeof(T->id));
    m = stanza_message(s->ctx, M->room, "groupchat", T->id, NULL, T->want,
                       NULL);
    if (s->out.mode == OUT_XML)
        out_stanza(&s->out, m);
    xmpp_send(s->conn, m);
    xmpp_stanza_release(m);
    s->deadline = session_now() + s->opt.timeout_ms;
    if ((rc = session_wait(s, topic_done, T)) != RC_OK)
        return session_iq_failed(s, M->room, rc);
    if (T->error)
        return muc_remote_error(M, T->error);
    if (M->r.state != MUC_JOINED)
        return muc_removed(&M->r);
    return RC_OK;
}

static int topic(struct muc *M, char **args, int n)
{
    struct topic T = { .M = M };
    char *want = NULL;
    int rc;

    if (n == 1 && !*args[0])
        want = strdup(""); /* an empty topic clears it */
    else if (n && !(want = join_words(n, args)))
        return RC_DATAERR;
    T.want = want;
    if ((rc = session_start(&M->s, false)) == RC_OK) {
        muc_room_init(&M->r, &M->s, M->room);
        M->r.on_stanza = topic_stanza;
        M->r.arg = &T;
        muc_join_opts_apply(&M->join, &M->r);
        if ((rc = join(&M->s, &M->r, true)) == RC_OK) {
            if (want)
                rc = set_topic(M, &T);
            if (rc == RC_OK && M->s.out.mode != OUT_XML)
                print_topic(M);
            muc_leave(&M->r);
        }
    }
    if (T.error)
        xmpp_stanza_release(T.error);
    free(want);
    return rc;
}

/* --- nick ----------------------------------------------------------- */

static int nick(struct muc *M, char **args, int n)
{
    const char *why;
    int rc;

    (void)n;
    if (!muc_nick_valid(args[0], &why))
        return fail(RC_DATAERR, "invalid nick '%s': %s — nothing was sent",
                    args[0], why);
    if ((rc = session_start(&M->s, false)) != RC_OK ||
        (rc = muc_enter(M, false)) != RC_OK)
        return rc;
    M->s.deadline = session_now() + M->s.opt.timeout_ms;
    if ((rc = muc_change_nick(&M->r, args[0])) == RC_REMOTE)
        json_refusal(&M->s, M->room, M->r.why);
    if (rc == RC_OK) {
        out_obj_begin(&M->s.out, NULL);
        out_str(&M->s.out, "room", NULL, M->room);
        out_str(&M->s.out, "nick", "%s", M->r.nick);
        out_obj_end(&M->s.out);
    }
    muc_leave(&M->r);
    return rc;
}

/* --- the verbs ------------------------------------------------------ */

enum {
    V_JOIN = 1u << 0,    /* --nick, --room-password-file, --no-history */
    V_REASON = 1u << 1,  /* --reason */
    V_FORM = 1u << 2,    /* --field, --form */
    V_CREATE = 1u << 3,  /* --exists-ok */
    V_DESTROY = 1u << 4, /* --alternate */
    V_INVITE = 1u << 5,  /* --direct */
    V_TAIL = 1u << 6,    /* --history, --count, --until, --no-reconnect */
    V_SINCE = 1u << 7,   /* --since */
    V_LIMIT = 1u << 8,   /* --limit */
    V_NOROOM = 1u << 9,  /* the first argument is not a room */
};

struct verb {
    const char *name;
    int min, max; /* arguments after the room; -1: any number */
    int (*run)(struct muc *M, char **args, int n);
    unsigned opts;
};

static int tail(struct muc *M, char **args, int n)
{
    (void)args;
    (void)n;
    return muc_tail(M);
}

static int history(struct muc *M, char **args, int n)
{
    (void)args;
    (void)n;
    return muc_history(M);
}

static const struct verb verbs[] = {
    { "say", 0, -1, say, V_JOIN },
    { "pm", 2, -1, pm, V_JOIN },
    { "tail", 0, 0, tail, V_JOIN | V_TAIL | V_SINCE },
    { "history", 0, 0, history, V_SINCE | V_LIMIT },
    { "occupants", 0, 0, occupants, V_JOIN },
    { "topic", 0, -1, topic, V_JOIN },
    { "nick", 1, 1, nick, V_JOIN },
    { "kick", 1, 1, muc_kick, V_JOIN | V_REASON },
    { "ban", 1, 1, muc_ban, V_REASON },
    { "role", 2, 2, muc_role, V_JOIN | V_REASON },
    { "affiliation", 2, 2, muc_affiliation, V_REASON },
    { "list", 1, 1, muc_list, 0 },
    { "invite", 1, 1, muc_invite, V_JOIN | V_REASON | V_INVITE },
    { "create", 0, 0, muc_create, V_JOIN | V_FORM | V_CREATE },
    { "config", 0, 0, muc_config, V_FORM },
    { "destroy", 0, 0, muc_destroy, V_REASON | V_DESTROY },
    { "list-rooms", 0, 1, muc_list_rooms, V_NOROOM },
};

static const struct verb *find_verb(const char *name)
{
    for (size_t i = 0; i < sizeof(verbs) / sizeof(*verbs); i++)
        if (!strcmp(verbs[i].name, name))
            return &verbs[i];
    return NULL;
}

/* The options given that @v does not take, or NULL. */
static const char *stray_option(const struct muc *M, const struct verb *v)
{
    const struct {
        unsigned bit;
        bool given;
        const char *name;
    } given[] = {
        { V_JOIN, M->join.nick != NULL, "--nick" },
        { V_JOIN, M->join.password_file != NULL, "--room-password-file" },
        { V_JOIN, M->join.no_history, "--no-history" },
        { V_REASON, M->reason != NULL, "--reason" },
        { V_FORM, M->fields.n > 0, "--field" },
        { V_FORM, M->form_file != NULL, "--form" },
        { V_CREATE, M->exists_ok, "--exists-ok" },
        { V_DESTROY, M->alternate != NULL, "--alternate" },
        { V_INVITE, M->direct, "--direct" },
        { V_TAIL, M->history >= 0, "--history" },
        { V_TAIL, M->count >= 0, "--count" },
        { V_TAIL, M->until_ms >= 0, "--until" },
        { V_TAIL, M->no_reconnect, "--no-reconnect" },
        { V_TAIL, M->s.keepalive_ms >= 0, "--keepalive" },
        { V_SINCE, M->since != NULL, "--since" },
        { V_LIMIT, M->limit >= 0, "--limit" },
    };

    for (size_t i = 0; i < sizeof(given) / sizeof(*given); i++)
        if (given[i].given && !(v->opts & given[i].bit))
            return given[i].name;
    return NULL;
}

static int check_args(struct muc *M, const struct verb *v, int n, char **args)
{
    const char *stray = stray_option(M, v);
    int rc;

    if (stray)
        return opt_usage_error(muc_usage, "%s: %s does not apply", v->name,
                               stray);
    if (n < v->min || (v->max >= 0 && n > v->max))
        return opt_usage_error(muc_usage, "%s: wrong number of arguments",
                               v->name);
    if ((rc = muc_join_opts_read(&M->join)) != RC_OK)
        return rc;
    return muc_admin_check(M, v->name, n, args);
}

static int run(struct muc *M, int argc, char **argv)
{
    const struct verb *v;
    bool noroom;
    int rc;

    if (argc < 1)
        return opt_usage_error(muc_usage, "expected a verb");
    if (!(v = find_verb(argv[0])))
        return opt_usage_error(muc_usage, "unknown verb '%s'", argv[0]);
    M->verb = v->name;
    noroom = v->opts & V_NOROOM;
    if (!noroom && argc < 2)
        return opt_usage_error(muc_usage, "%s: expected a <room>", v->name);
    if (!noroom && (rc = muc_check_room(argv[1])) != RC_OK)
        return rc;
    M->room = noroom ? NULL : argv[1];
    argc -= noroom ? 1 : 2;
    argv += noroom ? 1 : 2;
    if ((rc = check_args(M, v, argc, argv)) != RC_OK)
        return rc;
    return v->run(M, argv, argc);
}

int cmd_muc(int argc, char **argv)
{
    struct muc M = { .history = -1, .limit = -1, .count = -1, .until_ms = -1 };
    int rc;

    session_init(&M.s, "muc");
    M.s.keepalive_ms = -1;
    const struct opt opts[] = {
        OPT_MUC_JOIN(&M.join),
        OPT_STRING(0, "reason", &M.reason, "text",
                   "kick, ban, role, affiliation, invite, destroy: why"),
        OPT_LIST('f', "field", &M.fields, "var=value",
                 "create, config: set a field of the room's configuration"),
        OPT_STRING(0, "form", &M.form_file, "file",
                   "create, config: field values from a JSON file"),
        OPT_BOOL(0, "exists-ok", &M.exists_ok,
                 "create: a room that exists already is not an error"),
        OPT_STRING(0, "alternate", &M.alternate, "jid",
                   "destroy: the room that replaces it"),
        OPT_BOOL(0, "direct", &M.direct,
                 "invite: a direct invitation (XEP-0249) to the user"),
        OPT_INT(0, "history", &M.history, "n",
                "tail: messages of history to ask for on joining"),
        OPT_STRING(0, "since", &M.since, "time",
                   "tail, history: from this time (RFC 3339 or an age: "
                   "90s, 10m, 2h, 1d)"),
        OPT_INT(0, "limit", &M.limit, "n", "history: the last N messages"),
        OPT_INT('c', "count", &M.count, "n", "tail: stop after N records"),
        OPT_SECONDS(0, "until", &M.until_ms,
                    "tail: stop after this many seconds"),
        OPT_BOOL(0, "no-reconnect", &M.no_reconnect,
                 "tail: exit 75 when the connection is lost"),
        OPT_SECONDS(0, "keepalive", &M.s.keepalive_ms,
                    "tail: ping the server this often (default 60, 0: never)"),
        OPT_COMMON(&M.s.opt),
        OPT_END(),
    };
    if ((argc = opt_parse_mixed(argc, argv, opts, muc_usage)) < 0)
        rc = RC_USAGE;
    else
        rc = run(&M, argc, argv);
    muc_room_free(&M.r);
    rc = session_end(&M.s, rc);
    muc_join_opts_free(&M.join);
    form_input_free(&M.in);
    opt_list_free(&M.fields);
    return rc;
}
