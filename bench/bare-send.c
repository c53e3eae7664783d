/* bare-send: the baseline for bench/send — a plain libstrophe program doing
 * what `stanza send` does, with libstrophe's default behaviour and nothing
 * else: connect, STARTTLS (mandatory, verified against --ca-file), SCRAM,
 * send the messages, send an XEP-0199 ping, wait for its result (which
 * confirms every message sent before it), close the stream, exit 0.
 *
 *   bare-send --server HOST:PORT --ca-file CA -j JID [-t SECS] [-v] TO [TEXT]
 *
 * The password comes from $STANZA_PASSWORD. Without TEXT, each line of
 * stdin is one message. Exit 0 only when the ping reply arrived; 1 on any
 * failure, 2 on a usage error. -v prints the confirmed count on stderr.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <strophe.h>

#define PING_ID "bare-send-ping"

struct state {
    const char *to;
    char **msgs;
    size_t n;
    int owned;     /* msgs read from stdin, to be freed */
    int confirmed; /* ping result arrived */
    int failed;
};

static int on_pong(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct state *s = ud;
    const char *type = xmpp_stanza_get_type(st);

    if (type && strcmp(type, "result") == 0)
        s->confirmed = 1;
    else
        s->failed = 1;
    xmpp_disconnect(conn);
    return 0;
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t ev, int err,
                    xmpp_stream_error_t *serr, void *ud)
{
    struct state *s = ud;
    xmpp_ctx_t *ctx = xmpp_conn_get_context(conn);
    (void)err;
    (void)serr;

    if (ev != XMPP_CONN_CONNECT) {
        if (!s->confirmed)
            s->failed = 1;
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        char *id = xmpp_uuid_gen(ctx);
        xmpp_stanza_t *m = xmpp_message_new(ctx, "chat", s->to, id);
        xmpp_message_set_body(m, s->msgs[i]);
        xmpp_send(conn, m);
        xmpp_stanza_release(m);
        xmpp_free(ctx, id);
    }
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", PING_ID);
    xmpp_stanza_t *ping = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(ping, "ping");
    xmpp_stanza_set_ns(ping, "urn:xmpp:ping");
    xmpp_stanza_add_child(iq, ping);
    xmpp_stanza_release(ping);
    xmpp_id_handler_add(conn, on_pong, PING_ID, s);
    xmpp_send(conn, iq);
    xmpp_stanza_release(iq);
}

static int read_lines(struct state *s)
{
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    ssize_t len;

    while ((len = getline(&line, &cap, stdin)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (s->n == alloc) {
            alloc = alloc ? 2 * alloc : 64;
            char **p = realloc(s->msgs, alloc * sizeof *p);
            if (!p)
                return -1;
            s->msgs = p;
        }
        if (!(s->msgs[s->n++] = strdup(line)))
            return -1;
    }
    free(line);
    return ferror(stdin) ? -1 : 0;
}

static void usage(void)
{
    fputs("usage: bare-send --server HOST:PORT --ca-file CA -j JID "
          "[-t SECS] [-v] TO [TEXT]\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *server = NULL, *ca = NULL, *jid = NULL;
    const char *pass = getenv("STANZA_PASSWORD");
    long timeout = 30;
    int verbose = 0, i;
    struct state s = { 0 };

    signal(SIGPIPE, SIG_IGN); /* xmpp_disconnect may write to a closed socket */
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-v") == 0)
            verbose = 1;
        else if (i + 1 >= argc)
            usage();
        else if (strcmp(a, "--server") == 0)
            server = argv[++i];
        else if (strcmp(a, "--ca-file") == 0)
            ca = argv[++i];
        else if (strcmp(a, "-j") == 0)
            jid = argv[++i];
        else if (strcmp(a, "-t") == 0)
            timeout = strtol(argv[++i], NULL, 10);
        else
            usage();
    }
    if (!server || !ca || !jid || !pass || i >= argc || argc - i > 2)
        usage();
    s.to = argv[i++];
    if (i < argc) {
        s.msgs = &argv[i];
        s.n = 1;
    } else {
        s.owned = 1;
        if (read_lines(&s) < 0) {
            perror("bare-send: stdin");
            return 1;
        }
    }

    char host[256];
    unsigned short port = 5222;
    const char *colon = strrchr(server, ':');
    size_t hlen = colon ? (size_t)(colon - server) : strlen(server);
    if (hlen >= sizeof host)
        usage();
    memcpy(host, server, hlen);
    host[hlen] = '\0';
    if (colon)
        port = (unsigned short)strtoul(colon + 1, NULL, 10);

    xmpp_initialize();
    xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
    xmpp_conn_t *conn = xmpp_conn_new(ctx);
    xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_MANDATORY_TLS);
    xmpp_conn_set_cafile(conn, ca);
    xmpp_conn_set_jid(conn, jid);
    xmpp_conn_set_pass(conn, pass);

    if (xmpp_connect_client(conn, host, port, on_conn, &s) != XMPP_EOK) {
        s.failed = 1;
    } else {
        time_t deadline = time(NULL) + timeout;
        /* Run until the disconnect event stops the loop, or the deadline. */
        while (!xmpp_conn_is_disconnected(conn) && time(NULL) < deadline)
            xmpp_run_once(ctx, 100);
    }
    if (!xmpp_conn_is_disconnected(conn)) {
        s.failed = 1; /* deadline passed */
        xmpp_disconnect(conn);
    }

    if (verbose)
        fprintf(stderr, "bare-send: %zu confirmed\n", s.confirmed ? s.n : 0);
    xmpp_conn_release(conn);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    if (s.owned) {
        for (size_t k = 0; k < s.n; k++)
            free(s.msgs[k]);
        free(s.msgs);
    }
    return s.confirmed && !s.failed ? 0 : 1;
}
