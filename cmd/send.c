/* cmd/send.c - `stanza send`: messages confirmed by the server */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "muc.h"
#include "send.h"
#include "lib/err.h"
#include "lib/jid.h"
#include "lib/opt.h"
#include "lib/outbox.h"
#include "lib/rc.h"
#include "lib/receipts.h"
#include "lib/record.h"
#include "lib/session.h"
#include "lib/stanza.h"
#include "lib/text.h"

#define STANZA_MAX  (256 * 1024) /* Prosody's default stanza size limit */
#define MESSAGE_MAX (STANZA_MAX - 4096) /* room for the tags around it */
#define INPUT_MAX   (8L * 1024 * 1024)
#define STANZAS_MAX 100000 /* each kept until confirmed: ~2 KiB apiece */

static const char *const send_usage[] = {
    "stanza send [options] <jid>... <message>...",
    "stanza send [options] <jid>... -- <message>...",
    "stanza send [options] <jid>... < lines",
    "stanza send [options] --muc <room> [<message>...]",
    NULL,
};

static const char *const types[] = { "chat", "normal", "headline", NULL };
static const char *const chat_states[] = { "active",   "composing", "paused",
                                           "inactive", "gone",      NULL };

struct send_opts {
    int type;
    const char *subject;
    const char *thread;
    bool stdin_whole;
    bool dry_run;
    long bounce_wait_ms;
    int chat_state; /* index in chat_states[]; -1: none */
    bool receipt;
    const char *muc; /* --muc ROOM */
    struct muc_join_opts join;
};

struct text_list {
    char **v;
    size_t *line; /* line of standard input each came from (0: none) */
    size_t n;
};

static void list_add(struct text_list *l, char *s, size_t line)
{
    if (!s || !(l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v))) ||
        !(l->line = realloc(l->line, (l->n + 1) * sizeof(*l->line))))
        abort();
    l->line[l->n] = line;
    l->v[l->n++] = s;
}

static void list_free(struct text_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->line);
}

/* Recipients: the first argument, then each one that is a JID with '@',
 * up to "--" or the first word of the message. Sets *@nrcpt and *@msg to
 * the index of the first message word (@argc if none). */
static int split_args(int argc, char **argv, int *nrcpt, int *msg)
{
    const char *why;
    int i;

    if (argc < 1)
        return opt_usage_error(send_usage, "no recipient given");
    if (!jid_valid(argv[0], &why))
        return fail(RC_DATAERR, "invalid JID '%s': %s — nothing was sent",
                    argv[0], why);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            *nrcpt = i;
            *msg = i + 1;
            if (i + 1 == argc)
                return opt_usage_error(send_usage, "no message after '--'");
            return RC_OK;
        }
        if (!strchr(argv[i], '@') || !jid_valid(argv[i], NULL))
            break;
    }
    *nrcpt = *msg = i;
    return RC_OK;
}

static char *join_words(int argc, char **argv)
{
    size_t n = 1;
    char *s;

    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    if (!(s = calloc(1, n)))
        abort();
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

static int read_stdin(char **buf, size_t *len)
{
    size_t cap = 65536, n = 0, r;
    char *b = malloc(cap);

    if (!b)
        abort();
    while ((r = fread(b + n, 1, cap - n - 1, stdin)) > 0) {
        n += r;
        if (n > (size_t)INPUT_MAX) {
            free(b);
            return fail(RC_DATAERR,
                        "standard input is over %ld MiB — "
                        "nothing was sent",
                        INPUT_MAX >> 20);
        }
        if (n + 1 == cap && !(b = realloc(b, cap *= 2)))
            abort();
    }
    if (ferror(stdin)) {
        free(b);
        return fail(RC_NOINPUT, "cannot read standard input");
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return RC_OK;
}

/* Splits @buf into lines (CRLF too), skipping empty ones. */
static void split_lines(char *buf, size_t len, struct text_list *msgs)
{
    char *p = buf, *end = buf + len;
    size_t line = 0;

    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);

        line++;
        if (n && p[n - 1] == '\r')
            n--;
        if (n)
            list_add(msgs, strndup(p, n), line);
        p = nl ? nl + 1 : end;
    }
}

static int collect(int argc, char **argv, const struct send_opts *so,
                   struct text_list *msgs)
{
    char *buf = NULL;
    size_t len = 0;
    int rc;

    if (argc > 0) {
        list_add(msgs, join_words(argc, argv), 0);
    } else {
        if ((rc = read_stdin(&buf, &len)) != RC_OK)
            return rc;
        if (memchr(buf, '\0', len))
            rc = fail(RC_DATAERR, "standard input holds a NUL byte — "
                                  "nothing was sent");
        else if (so->stdin_whole)
            list_add(msgs,
                     strndup(buf, len && buf[len - 1] == '\n' ? len - 1 : len),
                     0);
        else
            split_lines(buf, len, msgs);
        free(buf);
        if (rc != RC_OK)
            return rc;
    }
    if (msgs->n == 0 && so->chat_state >= 0) /* a chat state alone */
        list_add(msgs, strdup(""), 0);
    if (msgs->n == 1 && !*msgs->v[0] && so->chat_state >= 0 && so->receipt)
        return opt_usage_error(send_usage,
                               "--receipt needs a message: a chat state "
                               "alone gets no receipt");
    if (msgs->n == 0 || (msgs->n == 1 && !*msgs->v[0] && so->chat_state < 0))
        return fail(RC_DATAERR, "nothing to send: the message is empty");
    for (size_t i = 0; i < msgs->n; i++)
        if ((rc = text_check_input(msgs->line[i] ? "line" : "message",
                                   msgs->line[i], msgs->v[i], MESSAGE_MAX)) !=
            RC_OK)
            return rc;
    return RC_OK;
}

/* Bytes @s takes in XML text: '&' is written "&amp;", '<' "&lt;"... */
static size_t escaped_len(const char *s)
{
    size_t n = 0;

    for (; s && *s; s++)
        n += *s == '&' ? 5 : (*s == '<' || *s == '>') ? 4 : *s == '"' ? 6 : 1;
    return n;
}

/* A server ends the whole stream for a stanza over its limit: refuse
 * such a message before connecting, its escaping counted. */
static int check_sizes(const struct send_opts *so, const struct text_list *msgs)
{
    size_t around = escaped_len(so->subject) + escaped_len(so->thread) + 4096;

    for (size_t i = 0; i < msgs->n; i++)
        if (escaped_len(msgs->v[i]) + around > STANZA_MAX)
            return fail(RC_DATAERR,
                        "message %zu would be a stanza over %d KiB once its "
                        "'&', '<' and '>' are escaped — nothing was sent",
                        i + 1, STANZA_MAX / 1024);
    return RC_OK;
}

static void build(struct session *s, struct outbox *ob,
                  const struct send_opts *so, char **rcpt, int nrcpt,
                  const struct text_list *msgs)
{
    char id[64];

    for (size_t m = 0; m < msgs->n; m++)
        for (int r = 0; r < nrcpt; r++) {
            const char *body = *msgs->v[m] ? msgs->v[m] : NULL;
            xmpp_stanza_t *st;

            session_new_id(s, id, sizeof(id));
            st = stanza_message(s->ctx, rcpt[r], types[so->type], id, body,
                                so->subject, so->thread);
            if (so->chat_state >= 0)
                stanza_add(st, chat_states[so->chat_state], NS_CHATSTATES);
            if (so->receipt)
                receipts_request(st);
            outbox_add(ob, st);
        }
}

static void print_results(struct session *s, const struct outbox *ob,
                          const struct receipts *rc)
{
    struct out *o = &s->out;

    if (o->mode == OUT_XML) /* each stanza once, as sent */
        for (size_t i = 0; i < ob->n; i++)
            out_stanza(o, ob->items[i].st);
    if (o->mode != OUT_JSON)
        return;
    out_list_begin(o, NULL);
    for (size_t i = 0; i < ob->n; i++) {
        const struct ob_item *it = &ob->items[i];

        out_obj_begin(o, NULL);
        out_str(o, "to", NULL, it->to);
        out_str(o, "id", NULL, it->id);
        out_bool(o, "confirmed", NULL, it->state == OB_CONFIRMED);
        if (rc->ob) {
            out_bool(o, "received", NULL, receipts_from(rc, i) != NULL);
            out_str(o, "received_by", NULL, receipts_from(rc, i));
        }
        outbox_print_bounce(o, it);
        out_obj_end(o);
    }
    out_list_end(o);
}

#define BOUNCES_SHOWN 5

/* One line per bounce, but never a flood: the rest are in --json. */
static void report_bounces(const struct outbox *ob)
{
    size_t shown = 0, total = outbox_count(ob, OB_BOUNCED);

    for (size_t i = 0; i < ob->n && shown < BOUNCES_SHOWN; i++) {
        const struct ob_item *it = &ob->items[i];

        if (it->state != OB_BOUNCED)
            continue;
        fail(RC_REMOTE, "message to '%s' (id %s) bounced: %s (%s)%s%s", it->to,
             it->id, it->err_cond, it->err_type, it->err_text ? ": " : "",
             it->err_text ? it->err_text : "");
        shown++;
    }
    if (total > shown)
        fail(RC_REMOTE,
             "%zu more message(s) bounced, %zu of %zu in all — "
             "--json lists each one",
             total - shown, total, ob->n);
}

static int dry_run(struct session *s, const struct outbox *ob)
{
    enum out_mode mode = s->out.mode;

    s->out.mode = OUT_XML; /* the stanzas themselves, whatever -o says */
    for (size_t i = 0; i < ob->n; i++)
        out_stanza(&s->out, ob->items[i].st);
    s->out.mode = mode;
    return RC_OK;
}

static int deliver(struct session *s, struct outbox *ob,
                   const struct send_opts *so)
{
    struct receipts r = { 0 };
    int rc;

    ob->bounce_wait_ms = so->bounce_wait_ms;
    ob->keep_stanzas = s->out.mode == OUT_XML; /* printed at the end */
    if (so->receipt)
        receipts_init(&r, ob);
    rc = outbox_deliver(ob);
    if (rc == RC_OK && so->receipt)
        rc = receipts_wait(&r);
    session_defer_signals(); /* the results are printed whole */
    report_bounces(ob);
    print_results(s, ob, &r);
    if (so->receipt)
        receipts_free(&r);
    return rc;
}

static int send_all(struct session *s, const struct send_opts *so, char **rcpt,
                    int nrcpt, const struct text_list *msgs)
{
    struct outbox ob;
    int rc;

    outbox_init(&ob, s);
    build(s, &ob, so, rcpt, nrcpt, msgs);
    rc = so->dry_run ? dry_run(s, &ob) : deliver(s, &ob, so);
    outbox_free(&ob);
    return rc;
}

int send_read_texts(int argc, char **argv, char ***texts, size_t *n)
{
    struct send_opts so = { .chat_state = -1 }; /* no chat state alone */
    struct text_list l = { 0 };
    int rc = collect(argc, argv, &so, &l);

    if (rc != RC_OK) {
        list_free(&l);
        return rc;
    }
    free(l.line);
    *texts = l.v;
    *n = l.n;
    return RC_OK;
}

void send_free_texts(char **texts, size_t n)
{
    struct text_list l = { .v = texts, .n = n };

    list_free(&l);
}

/* send --muc ROOM [MESSAGE...]: groupchat messages, confirmed by the
 * room's reflection (cmd/muc.c); takes the end of cmd_send(). */
static int send_room(struct session *s, struct send_opts *so, int argc,
                     char **argv)
{
    struct text_list msgs = { 0 };
    int rc;

    if (!so->muc)
        return opt_usage_error(send_usage, "--nick, --room-password-file "
                                           "and --no-history go with --muc");
    if (so->thread || so->bounce_wait_ms || so->dry_run ||
        so->chat_state >= 0 || so->receipt)
        return opt_usage_error(send_usage,
                               "--muc: no --thread, --dry-run, --bounce-wait, "
                               "--chat-state or --receipt");
    if ((rc = muc_check_room(so->muc)) != RC_OK ||
        (rc = muc_join_opts_read(&so->join)) != RC_OK)
        return rc;
    if (so->subject)
        rc = text_check_input("subject", 0, so->subject, MESSAGE_MAX);
    if (rc == RC_OK)
        rc = collect(argc, argv, so, &msgs);
    if (rc == RC_OK)
        rc = check_sizes(so, &msgs);
    if (rc == RC_OK && (rc = session_start(s, false)) == RC_OK)
        rc = muc_say(s, so->muc, &so->join, msgs.v, msgs.n, so->subject);
    list_free(&msgs);
    muc_join_opts_free(&so->join);
    return session_end(s, rc);
}

int cmd_send(int argc, char **argv)
{
    struct session s;
    struct send_opts so = { .chat_state = -1 };
    struct text_list msgs = { 0 };
    int nrcpt = 0, msg = 0, rc;

    session_init(&s, "send");
    const struct opt opts[] = {
        OPT_CHOICE(0, "type", &so.type, "type", types,
                   "message type (default chat)"),
        OPT_STRING('s', "subject", &so.subject, "text", "message subject"),
        OPT_STRING(0, "thread", &so.thread, "id", "thread identifier"),
        OPT_BOOL(0, "stdin-whole", &so.stdin_whole,
                 "send all of stdin as one message, not one per line"),
        OPT_BOOL('n', "dry-run", &so.dry_run,
                 "print the stanzas that would be sent; do not connect"),
        OPT_SECONDS(0, "bounce-wait", &so.bounce_wait_ms,
                    "after confirmation, wait this long for late bounces "
                    "(default 0)"),
        OPT_CHOICE(0, "chat-state", &so.chat_state, "state", chat_states,
                   "add this chat state (XEP-0085); with an empty message, "
                   "send it alone"),
        OPT_BOOL(0, "receipt", &so.receipt,
                 "ask for receipts (XEP-0184) and wait for them until "
                 "--timeout"),
        OPT_STRING(0, "muc", &so.muc, "room",
                   "send to this chat room; confirmed by its reflection"),
        OPT_MUC_JOIN(&so.join),
        OPT_COMMON(&s.opt),
        OPT_END(),
    };

    if ((argc = opt_parse(argc, argv, opts, send_usage)) < 0)
        return RC_USAGE;
    if (so.muc || so.join.nick || so.join.password_file || so.join.no_history)
        return send_room(&s, &so, argc, argv);
    if ((rc = split_args(argc, argv, &nrcpt, &msg)) != RC_OK)
        return rc;
    if ((so.subject &&
         (rc = text_check_input("subject", 0, so.subject, MESSAGE_MAX))) ||
        (so.thread &&
         (rc = text_check_input("thread", 0, so.thread, MESSAGE_MAX))))
        return rc;
    rc = collect(argc - msg, argv + msg, &so, &msgs);
    if (rc == RC_OK)
        rc = check_sizes(&so, &msgs);
    if (rc == RC_OK && msgs.n * (size_t)nrcpt > STANZAS_MAX)
        rc = fail(RC_DATAERR,
                  "%zu message(s) to %d recipient(s) are over %d stanzas — "
                  "split the input; nothing was sent",
                  msgs.n, nrcpt, STANZAS_MAX);
    if (rc == RC_OK && (rc = session_start(&s, false)) == RC_OK)
        rc = send_all(&s, &so, argv, nrcpt, &msgs);
    list_free(&msgs);
    return session_end(&s, rc);
}
