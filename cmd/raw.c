/* cmd/raw.c - `stanza raw`: send XML stanzas, print the answers */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/err.h"
#include "lib/opt.h"
#include "lib/rc.h"
#include "lib/record.h"
#include "lib/session.h"
#include "lib/jid.h"
#include "lib/stanza.h"
#include "lib/text.h"
#include "lib/xmlin.h"

static const char *const raw_usage[] = {
    "stanza raw [options] <xml>...",
    "stanza raw [options] < stanzas.xml",
    NULL,
};

struct raw {
    struct session *s;
    long wait_ms;
    int rc; /* RC_REMOTE once an error answer arrived */
    struct xmlin in;
};

static int read_input(int argc, char **argv, char **text, size_t *len)
{
    size_t cap = 0, n = 0;
    char *buf = NULL;
    FILE *f;

    if (argc > 0) {
        f = open_memstream(&buf, len);
        for (int i = 0; f && i < argc; i++)
            fprintf(f, "%s\n", argv[i]);
        if (!f || fclose(f) != 0)
            return fail(RC_SOFTWARE, "out of memory");
        *text = buf;
        return RC_OK;
    }
    for (size_t r = 1; r > 0;) {
        if (n + 65536 > cap && !(buf = realloc(buf, cap = 2 * cap + 65536)))
            abort();
        n += (r = fread(buf + n, 1, cap - n - 1, stdin));
        if (n > 64L * 1024 * 1024)
            break;
    }
    if (ferror(stdin)) {
        free(buf);
        return fail(RC_NOINPUT, "cannot read standard input");
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return RC_OK;
}

/* Gives every stanza an id, so that answers and bounces can be told. */
static void fill_ids(struct raw *R)
{
    char id[64];

    for (size_t i = 0; i < R->in.n; i++) {
        if (xmpp_stanza_get_id(R->in.st[i]))
            continue;
        session_new_id(R->s, id, sizeof(id));
        xmpp_stanza_set_id(R->in.st[i], id);
    }
}

static bool is_request(xmpp_stanza_t *st)
{
    const char *type = xmpp_stanza_get_type(st);

    return !strcmp(xmpp_stanza_get_name(st), "iq") && type &&
           (!strcmp(type, "get") || !strcmp(type, "set"));
}

/* Everything else that arrives: bounces of what we sent, and with --wait
 * whatever comes. */
static int on_stanza(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct raw *R = ud;
    const char *id = xmpp_stanza_get_id(st);
    bool ours = false;

    (void)conn;
    if (strcmp(xmpp_stanza_get_name(st), "message") &&
        strcmp(xmpp_stanza_get_name(st), "presence") &&
        strcmp(xmpp_stanza_get_name(st), "iq"))
        return 1; /* stream-level elements are not stanzas */
    if (!strcmp(xmpp_stanza_get_name(st), "iq") && id &&
        strncmp(id, "stz", 3) == 0)
        return 1; /* an answer to one of our requests: request() has it */
    for (size_t i = 0; id && i < R->in.n && !ours; i++)
        ours = !strcmp(id, xmpp_stanza_get_id(R->in.st[i]));
    if (ours && stanza_is_error(st)) {
        struct stanza_error e;

        stanza_get_error(st, &e);
        fail(RC_REMOTE, "%s '%s' bounced: %s (%s)%s%s",
             xmpp_stanza_get_name(st), id, e.condition, e.type,
             e.text ? ": " : "", e.text ? e.text : "");
        R->rc = RC_REMOTE;
        record_print(&R->s->out, st);
    } else if (R->wait_ms) { /* everything, our presence's echo too */
        record_print(&R->s->out, st);
    }
    return 1;
}

static int request(struct raw *R, xmpp_stanza_t *st)
{
    xmpp_stanza_t *reply = NULL;
    int rc = session_iq(R->s, xmpp_stanza_clone(st), &reply);

    if (reply)
        record_print(&R->s->out, reply);
    if (rc == RC_REMOTE) {
        R->rc = stanza_fail_error(
            xmpp_stanza_get_to(st) ? xmpp_stanza_get_to(st) : "the server",
            reply);
        rc = RC_OK;
    }
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

static int send_all(struct raw *R)
{
    struct session *s = R->s;
    xmpp_stanza_t *reply = NULL;
    int rc = RC_OK;

    xmpp_handler_add(s->conn, on_stanza, NULL, NULL, NULL, R);
    for (size_t i = 0; i < R->in.n && rc == RC_OK; i++) {
        if (is_request(R->in.st[i]))
            rc = request(R, R->in.st[i]);
        else
            xmpp_send(s->conn, R->in.st[i]);
    }
    /* the server handles a stream in order: its answer to this ping
     * confirms everything above (and brings bounces before it) */
    if (rc == RC_OK)
        rc = session_iq(s, stanza_ping(s->ctx, NULL, NULL), &reply);
    if (reply)
        xmpp_stanza_release(reply);
    if (rc == RC_REMOTE)
        rc = RC_OK; /* a server without XEP-0199 still answered in order */
    if (rc == RC_OK && R->wait_ms) {
        s->deadline = session_now() + R->wait_ms;
        if (session_wait(s, NULL, NULL) != RC_TEMPFAIL || s->state != S_ONLINE)
            rc = session_report(s);
    }
    xmpp_handler_delete(s->conn, on_stanza);
    if (rc == RC_TEMPFAIL && s->state == S_ONLINE)
        return fail(RC_TEMPFAIL,
                    "no answer within %.1f s — what was sent may "
                    "or may not have been handled",
                    (double)s->opt.timeout_ms / 1000.0);
    if (rc != RC_OK)
        return session_report(s);
    return R->rc;
}

static int prepare(struct raw *R, int argc, char **argv)
{
    char *text = NULL, err[256];
    size_t len = 0;
    int rc;

    if ((rc = read_input(argc, argv, &text, &len)) != RC_OK)
        return rc;
    if (xmlin_parse(R->s->ctx, text, len, &R->in, err, sizeof(err)) != 0)
        rc = fail(RC_DATAERR, "%s: %s — nothing was sent",
                  argc ? "arguments" : "standard input", err);
    free(text);
    if (rc == RC_OK)
        fill_ids(R);
    return rc;
}

/* Connects, sends R->in, prints the answers, closes. */
static int run(struct raw *R, int rc)
{
    struct session *s = R->s;

    if (rc == RC_OK && (rc = session_connect(s)) != RC_OK)
        rc = session_report(s);
    if (rc == RC_OK)
        rc = send_all(R);
    xmlin_free(&R->in);
    return session_end(s, rc);
}

int cmd_raw(int argc, char **argv)
{
    struct session s;
    struct raw R = { .s = &s };
    int rc;

    session_init(&s, "raw");
    const struct opt opts[] = {
        OPT_SECONDS('w', "wait", &R.wait_ms,
                    "then print whatever arrives for this long"),
        OPT_COMMON(&s.opt),
        OPT_END(),
    };

    if ((argc = opt_parse(argc, argv, opts, raw_usage)) < 0)
        return RC_USAGE;
    if ((rc = session_start(&s, true)) == RC_OK)
        rc = prepare(&R, argc, argv);
    return run(&R, rc);
}

static const char *const iq_usage[] = {
    "stanza iq [options] <namespace> [<jid>]",
    NULL,
};

/* `stanza iq NS [JID]`: the common case of raw, <iq><query xmlns=NS/></iq>. */
int cmd_iq(int argc, char **argv)
{
    struct session s;
    struct raw R = { .s = &s };
    const char *elem = "query", *why;
    bool set = false;
    xmpp_stanza_t *iq, *q;
    int rc;

    session_init(&s, "iq");
    const struct opt opts[] = {
        OPT_BOOL(0, "set", &set, "send a set, not a get"),
        OPT_STRING('e', "element", &elem, "name",
                   "the child element (default query)"),
        OPT_SECONDS('w', "wait", &R.wait_ms,
                    "then print whatever arrives for this long"),
        OPT_COMMON(&s.opt),
        OPT_END(),
    };

    if ((argc = opt_parse(argc, argv, opts, iq_usage)) < 0)
        return RC_USAGE;
    if (argc < 1 || argc > 2)
        return opt_usage_error(iq_usage, "expected <namespace> [<jid>]");
    if ((rc = text_check_input("namespace", 0, argv[0], 1024)) ||
        (rc = text_check_input("--element", 0, elem, 256)))
        return rc;
    if (argc == 2 && !jid_valid(argv[1], &why))
        return fail(RC_DATAERR, "invalid JID '%s': %s", argv[1], why);
    if ((rc = session_start(&s, true)) == RC_OK) {
        iq = xmpp_iq_new(s.ctx, set ? "set" : "get", NULL);
        q = xmpp_stanza_new(s.ctx);
        if (argc == 2)
            xmpp_stanza_set_to(iq, argv[1]);
        xmpp_stanza_set_name(q, elem);
        xmpp_stanza_set_ns(q, argv[0]);
        xmpp_stanza_add_child(iq, q);
        xmpp_stanza_release(q);
        if (!(R.in.st = malloc(sizeof(*R.in.st))))
            abort();
        R.in.st[R.in.n++] = iq;
        fill_ids(&R);
    }
    return run(&R, rc);
}
