/* lib/session.c - one authenticated XMPP session with deadlines */
#include "session.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "err.h"
#include "rc.h"
#include "jid.h"
#include "stanza.h"
#include "tls.h"
#include "trace.h"
#include "wire.h"

static volatile sig_atomic_t got_signal;
static struct session *live; /* sessions, for callbacks that get a conn */

static int make_ctx(struct session *s);
static void check_pin(struct session *s);

/*
 * libstrophe 0.12 runs the TLS handshake in a blocking loop that neither
 * a deadline nor a signal ends. So while connecting, a signal or the
 * deadline's alarm shuts the socket down (async-signal-safe), and the
 * handshake fails at once.
 */
static volatile sig_atomic_t cur_fd = -1, connecting, alarm_fired;

static void on_signal(int sig)
{
    got_signal = sig;
    if (connecting && cur_fd >= 0)
        shutdown(cur_fd, SHUT_RDWR);
}

static void on_alarm(int sig)
{
    (void)sig;
    alarm_fired = 1;
    if (cur_fd >= 0)
        shutdown(cur_fd, SHUT_RDWR);
}

static void arm(long long ms)
{
    struct itimerval t = {
        { 0, 0 }, { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 }
    };

    setitimer(ITIMER_REAL, &t, NULL);
}

int session_signal(void)
{
    return got_signal;
}

void session_clear_signal(void)
{
    got_signal = 0;
}

long long session_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long session_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long session_left(const struct session *s)
{
    long long left = s->deadline - session_now();

    return left > 0 ? left : 0;
}

static struct session *find(const xmpp_conn_t *conn)
{
    for (struct session *s = live; s; s = s->next)
        if (s->conn == conn)
            return s;
    return NULL;
}

void session_init(struct session *s, const char *cmd)
{
    static char prog[64];
    unsigned char r[4] = { 0 };

    memset(s, 0, sizeof(*s));
    s->cmd = cmd;
    s->fd = -1;
    /* libstrophe 0.12 waits in select() even when OpenSSL still holds
     * decrypted data it has not read: a short tick bounds that stall
     * (seen: the last stanzas of a burst held for a whole tick) */
    s->tick_ms = 20;
    common_init(&s->opt);
    snprintf(prog, sizeof(prog), "stanza %s", cmd);
    err_set_prog(prog);
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        r[0] = (unsigned char)time(NULL);
    snprintf(s->id_prefix, sizeof(s->id_prefix), "%02x%02x%02x%02x", r[0], r[1],
             r[2], r[3]);
}

int session_start(struct session *s, bool streaming)
{
    out_init(&s->out, (enum out_mode)s->opt.output, stdout, streaming);
    s->out.quiet = s->opt.quiet;
    if (s->opt.trace && !(s->trace = fopen(s->opt.trace, "we")))
        return fail(RC_IOERR, "cannot write trace file '%s': %s", s->opt.trace,
                    strerror(errno));
    return make_ctx(s);
}

void session_random_id(char *buf, size_t len)
{
    unsigned char r[12] = { 0 };
    size_t n = 0;

    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        r[0] ^= (unsigned char)session_now_us();
    for (size_t i = 0; i < sizeof(r) && n + 3 <= len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%02x", r[i]);
}

void session_new_id(struct session *s, char *buf, size_t len)
{
    snprintf(buf, len, "stz%s-%lu", s->id_prefix, ++s->id_seq);
}

bool session_own_id(const struct session *s, const char *id)
{
    size_t n = strlen(s->id_prefix);

    return id && !strncmp(id, "stz", 3) && !strncmp(id + 3, s->id_prefix, n) &&
           id[3 + n] == '-';
}

bool session_own_reply(const struct session *s, xmpp_stanza_t *st)
{
    const char *name = xmpp_stanza_get_name(st);
    const char *type = xmpp_stanza_get_type(st);

    return name && type && !strcmp(name, "iq") &&
           (!strcmp(type, "result") || !strcmp(type, "error")) &&
           session_own_id(s, xmpp_stanza_get_id(st));
}

/* --- libstrophe callbacks ------------------------------------------ */

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void log_traffic(struct session *s, const char *dir, const char *xml)
{
    const char *pw = s->acct.password;

    if (s->opt.verbose)
        trace_write(stderr, dir, xml, pw, true);
    if (s->trace)
        trace_write(s->trace, dir, xml, pw, false);
    if (s->traffic) {
        char *m = trace_mask(xml, pw);

        s->traffic(s->traffic_arg, dir[0] == '<' ? "in" : "out", m);
        free(m);
    }
}

static void log_cb(void *ud, xmpp_log_level_t level, const char *area,
                   const char *msg)
{
    struct session *s = ud;

    if (starts(msg, "SENT: ")) {
        log_traffic(s, ">>", msg + 6);
        return;
    }
    if (starts(msg, "RECV: ")) {
        log_traffic(s, "<<", msg + 6);
        if (s->acct.pin && !s->pin_checked && s->conn &&
            xmpp_conn_is_secured(s->conn))
            check_pin(s);
        return;
    }
    if (strstr(msg, "auth failed"))
        s->auth_failed = true;
    if (starts(msg, "Cannot authenticate"))
        s->no_mechanism = true;
    /* libstrophe's words when it has a client certificate but no password
     * and the server offers no EXTERNAL (ejabberd's default: a listener
     * without tls_verify); it then just closes the stream */
    if (starts(msg, "Password hasn't been set"))
        s->no_mechanism = s->no_external = true;
    if (starts(msg, "connection failed, error "))
        s->sock_error = atoi(msg + 25);
    if (starts(msg, "parse error"))
        s->bad_xml = true;
    if (starts(msg, "Handshake failed"))
        s->tls_failed = true;
    if (strstr(msg, "TLS is not supported"))
        s->tls_missing = true;
    if (s->opt.verbose >= 2 && level >= XMPP_LEVEL_DEBUG) {
        char *m = trace_mask(msg, s->acct.password);

        fprintf(stderr, "-- %s: %s\n", area, m);
        free(m);
    }
}

static int sockopt_cb(xmpp_conn_t *conn, void *sock)
{
    struct session *s = find(conn);
    int fd = *(int *)sock, one = 1;

    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (s)
        s->fd = fd;
    cur_fd = fd;
    wire_watch(fd);
    return 0;
}

/* Re-arms TCP_QUICKACK before each turn of the loop: without it the
 * server's first reply after the TLS handshake waits ~40 ms for our
 * delayed ACK (DESIGN.md §7). */
static void quickack(struct session *s)
{
    int one = 1;

    if (s->fd >= 0)
        setsockopt(s->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

/*
 * With --pin every certificate passes the handshake here, and the pin is
 * checked on the leaf once the handshake is done (check_pin()): during
 * verification libstrophe shows us only the failing certificate, which
 * may be the CA at the top of the chain.
 */
static int certfail_cb(const xmpp_tlscert_t *cert, const char *errmsg)
{
    struct session *s = NULL;

    /* libstrophe 0.12 does not fill in the cert's conn: go by ctx */
    for (struct session *p = live; p && !s; p = p->next)
        if (p->ctx == xmpp_tlscert_get_ctx(cert))
            s = p;
    if (!s)
        return 0;
    if (s->acct.pin)
        return 1;
    return tls_cert_refuse(cert, errmsg, s->cert_err, sizeof(s->cert_err));
}

/*
 * Called on the first data received over TLS, before authentication:
 * the real password is handed to libstrophe only if the certificate
 * matches the pin. Otherwise authentication fails with a placeholder
 * and the session reports the mismatch.
 */
static void check_pin(struct session *s)
{
    xmpp_tlscert_t *cert = xmpp_conn_get_peer_cert(s->conn);

    s->pin_checked = true;
    if (tls_pin_matches(cert ? xmpp_tlscert_get_pem(cert) : NULL, s->acct.pin,
                        s->cert_err, sizeof(s->cert_err)) &&
        s->acct.password)
        xmpp_conn_set_pass(s->conn, s->acct.password);
    if (cert)
        xmpp_tlscert_free(cert);
}

/* RFC 6120 §4.9.3: libstrophe 0.12 knows neither reset nor
 * unsupported-feature, and expects not-well-formed by its RFC 3920 name */
static const char *const stream_conditions[] = {
    "bad-format",
    "bad-namespace-prefix",
    "conflict",
    "connection-timeout",
    "host-gone",
    "host-unknown",
    "improper-addressing",
    "internal-server-error",
    "invalid-from",
    "invalid-namespace",
    "invalid-xml",
    "not-authorized",
    "not-well-formed",
    "policy-violation",
    "remote-connection-failed",
    "reset",
    "resource-constraint",
    "restricted-xml",
    "see-other-host",
    "system-shutdown",
    "undefined-condition",
    "unsupported-encoding",
    "unsupported-feature",
    "unsupported-stanza-type",
    "unsupported-version",
};

#define NS_STREAMS "urn:ietf:params:xml:ns:xmpp-streams"

/* The condition of a stream error, as a static string: the element the
 * server sent if RFC 6120 names it. (libstrophe's own reading, an enum,
 * adds nothing: it comes from the same element, and it misses reset,
 * unsupported-feature and not-well-formed.) */
static const char *stream_condition(const xmpp_stream_error_t *se)
{
    size_t n = sizeof(stream_conditions) / sizeof(*stream_conditions);
    xmpp_stanza_t *c;

    for (c = se->stanza ? xmpp_stanza_get_children(se->stanza) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_name(c);
        const char *ns = xmpp_stanza_get_ns(c);

        if (!xmpp_stanza_is_tag(c) || !name || !ns ||
            strcmp(ns, NS_STREAMS) != 0 || strcmp(name, "text") == 0)
            continue;
        for (size_t i = 0; i < n; i++)
            if (strcmp(name, stream_conditions[i]) == 0)
                return stream_conditions[i];
        return "undefined-condition";
    }
    return "undefined-condition";
}

static const char *server_name(const struct session *s)
{
    return s->acct.host ? s->acct.host : strchr(s->acct.jid, '@') + 1;
}

static int why(struct session *s, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int why(struct session *s, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->why, sizeof(s->why), fmt, ap);
    va_end(ap);
    return s->rc = rc;
}

static void classify(struct session *s, int error, xmpp_stream_error_t *se,
                     bool was_online)
{
    const char *host = server_name(s);

    if (wire_why())
        why(s, RC_PROTOCOL,
            "%s sent %s — the connection was closed before parsing it: a "
            "server bug, or an attack",
            host, wire_why());
    else if (s->cert_err[0] && s->acct.pin)
        why(s, RC_NOPERM,
            "%s — if the server's certificate changed, "
            "check the new one and update the pin",
            s->cert_err);
    else if (s->cert_err[0])
        why(s, RC_NOPERM, "%s — use --ca-file or --pin to trust it",
            s->cert_err);
    else if (s->auth_failed)
        why(s, RC_NOPERM,
            "authentication as '%s' failed — check the "
            "password",
            s->acct.jid);
    else if (s->no_mechanism)
        why(s, RC_NOPERM, "%s offers no way to log in that stanza can use%s",
            host,
            s->acct.no_tls ? " — it may require TLS (drop --no-tls)"
            : s->no_external
                ? " — it does not offer SASL EXTERNAL for the client "
                  "certificate; give a password instead"
                : "");
    else if (se) {
        s->stream_error = stream_condition(se);
        why(s, RC_PROTOCOL, "stream error from %s: %s%s%s", host,
            s->stream_error, se->text ? ": " : "", se->text ? se->text : "");
    } else if (s->tls_missing)
        why(s, RC_UNAVAILABLE, "%s does not offer TLS — try --direct-tls",
            host);
    else if (s->tls_failed)
        why(s, RC_UNAVAILABLE, "TLS handshake with %s failed", host);
    else if (was_online && s->ka_dead)
        why(s, RC_TEMPFAIL,
            "connection to %s lost: no answer to a keepalive ping "
            "within %.1f s",
            host, (double)s->opt.timeout_ms / 1000.0);
    else if (was_online)
        why(s, RC_TEMPFAIL, "connection to %s lost%s%s", host,
            error ? ": " : "", error ? strerror(error) : "");
    else if (error)
        why(s, RC_UNAVAILABLE, "cannot connect to %s: %s", host,
            strerror(error));
    else
        why(s, RC_UNAVAILABLE, "%s closed the connection during login", host);
}

static void conn_cb(xmpp_conn_t *conn, xmpp_conn_event_t ev, int error,
                    xmpp_stream_error_t *se, void *ud)
{
    struct session *s = ud;

    if (ev == XMPP_CONN_RAW_CONNECT)
        return;
    connecting = 0;
    tls_trust_restore();
    if (ev == XMPP_CONN_CONNECT && s->acct.pin &&
        (!s->pin_checked || s->cert_err[0])) {
        /* logged in to a server that is not the pinned one (it took the
         * placeholder password, or our certificate): never go online */
        if (!s->cert_err[0])
            snprintf(s->cert_err, sizeof(s->cert_err),
                     "the server certificate was never checked against "
                     "--pin");
        classify(s, 0, NULL, false);
        s->state = S_CLOSING;
        xmpp_disconnect(conn);
        return;
    }
    if (ev == XMPP_CONN_CONNECT) {
        s->state = S_ONLINE;
        return;
    }
    cur_fd = -1;
    if (s->state == S_CLOSING) {
        s->state = S_DOWN; /* s->rc says why, if it was a failure */
        return;
    }
    classify(s, error ? error : s->sock_error, se, s->state == S_ONLINE);
    s->state = S_DOWN;
}

/* --- connecting ---------------------------------------------------- */

static void signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal; /* no SA_RESTART: select() returns */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
}

/*
 * libstrophe copies the password (xmpp_conn_set_pass) and the SCRAM
 * material into blocks it frees without clearing them: our allocator
 * wipes every block before freeing it, so no secret outlives its use.
 */
static void *mem_alloc(size_t size, void *ud)
{
    (void)ud;
    return malloc(size);
}

static void mem_free(void *p, void *ud)
{
    (void)ud;
    if (p)
        explicit_bzero(p, malloc_usable_size(p));
    free(p);
}

/*
 * Grows in place while the block has room, and otherwise to at least
 * twice its size: libstrophe's parser grows a text by each piece expat
 * hands it (every line of a body is a piece), and a copy per piece made
 * a 256 KiB body of short lines cost seconds (quadratic).
 */
static void *mem_realloc(void *p, size_t size, void *ud)
{
    size_t old = p ? malloc_usable_size(p) : 0;
    void *n;

    if (p && size <= old)
        return p;
    n = malloc(size > 2 * old ? size : 2 * old);
    if (!n)
        return NULL;
    if (p) {
        memcpy(n, p, old);
        mem_free(p, ud);
    }
    return n;
}

static const xmpp_mem_t wiping_mem = { mem_alloc, mem_free, mem_realloc, NULL };

static int make_ctx(struct session *s)
{
    static xmpp_log_t log;

    log.handler = log_cb;
    log.userdata = s;
    xmpp_initialize();
    s->ctx = xmpp_ctx_new(&wiping_mem, &log);
    if (!s->ctx)
        return fail(RC_SOFTWARE, "cannot create the XMPP context");
    s->next = live;
    live = s;
    signals();
    return RC_OK;
}

static char *login_jid(const struct account *a)
{
    char *j;
    size_t n;

    if (!a->resource)
        return strdup(a->jid);
    n = strcspn(a->jid, "/");
    if (asprintf(&j, "%.*s/%s", (int)n, a->jid, a->resource) < 0)
        return NULL;
    return j;
}

static void configure(struct session *s)
{
    const struct account *a = &s->acct;
    long flags =
        a->no_tls ? XMPP_CONN_FLAG_DISABLE_TLS : XMPP_CONN_FLAG_MANDATORY_TLS;
    char *jid = login_jid(a);

    if (a->direct_tls)
        flags |= XMPP_CONN_FLAG_LEGACY_SSL;
    if (a->insecure)
        flags |= XMPP_CONN_FLAG_TRUST_TLS;
    if (!s->sm)
        flags |= XMPP_CONN_FLAG_DISABLE_SM;
    xmpp_conn_set_flags(s->conn, flags);
    xmpp_conn_set_jid(s->conn, jid);
    free(jid);
    if (a->password) /* with a pin, only once it matched: check_pin() */
        xmpp_conn_set_pass(s->conn, a->pin ? "-" : a->password);
    if (a->client_cert)
        xmpp_conn_set_client_cert(s->conn, a->client_cert, a->client_key);
    xmpp_conn_set_certfail_handler(s->conn, certfail_cb);
    xmpp_conn_set_sockopt_callback(s->conn, sockopt_cb);
}

static void reset_clues(struct session *s)
{
    s->auth_failed = s->no_mechanism = s->no_external = false;
    s->tls_failed = s->tls_missing = false;
    s->sock_error = 0;
    s->stream_error = NULL;
    s->pin_checked = false;
    s->bad_xml = false;
    s->ka_dead = false;
    s->ka_sent = 0;
    s->cert_err[0] = s->why[0] = '\0';
    s->rc = RC_OK;
    s->fd = -1;
}

static bool is_online(void *arg)
{
    return ((struct session *)arg)->state == S_ONLINE;
}

static int start_connect(struct session *s)
{
    const struct account *a = &s->acct;
    unsigned short port = a->port;

    if (s->conn)
        xmpp_conn_release(s->conn);
    if (!(s->conn = xmpp_conn_new(s->ctx)))
        return fail(RC_SOFTWARE, "cannot create a connection");
    reset_clues(s);
    configure(s);
    if (a->insecure && s->gen == 0)
        warn("--insecure: the server certificate is not verified; anyone "
             "on the path can read and change this session");
    if (!port && a->host)
        port = a->direct_tls ? 5223 : 5222;
    tls_trust_setup(a->ca_file, a->pin != NULL);
    if (a->ca_file && !a->pin)
        xmpp_conn_set_cafile(s->conn, a->ca_file);
    s->gen++;
    s->state = S_CONNECTING;
    connecting = 1;
    alarm_fired = 0;
    if (xmpp_connect_client(s->conn, a->host, port, conn_cb, s) != 0) {
        connecting = 0;
        tls_trust_restore();
        s->state = S_DOWN;
        return why(s, RC_UNAVAILABLE,
                   "cannot connect to %s: no address "
                   "found or connection failed",
                   server_name(s));
    }
    return RC_OK;
}

int session_connect(struct session *s)
{
    int rc = RC_OK;

    if (!s->acct_loaded) {
        s->why[0] = '\0'; /* account_load() prints its own errors */
        if ((rc = account_load(&s->opt, &s->acct)) != RC_OK)
            return s->rc = rc;
        s->acct_loaded = true;
    }
    if (!s->deadline)
        s->deadline = session_now() + s->opt.timeout_ms;
    if ((rc = start_connect(s)) != RC_OK)
        return s->rc = rc;
    rc = session_wait(s, is_online, s);
    if (rc == RC_TEMPFAIL)
        why(s, RC_TEMPFAIL,
            "timed out connecting to %s after %.1f s — "
            "is the server up? (--timeout)",
            server_name(s), (double)s->opt.timeout_ms / 1000.0);
    return s->rc = rc;
}

int session_open(struct session *s, bool streaming)
{
    int rc;

    if ((rc = session_start(s, streaming)) != RC_OK)
        return rc;
    if ((rc = session_connect(s)) != RC_OK)
        return session_report(s);
    return RC_OK;
}

/* libstrophe answers malformed XML with a stream error but keeps waiting
 * for the server to close: we close now. */
static int bad_xml(struct session *s)
{
    why(s, RC_PROTOCOL,
        "%s sent data that is not well-formed XML — a "
        "server bug, or not an XMPP server",
        server_name(s));
    s->state = S_CLOSING;
    xmpp_disconnect(s->conn);
    return RC_PROTOCOL;
}

static int keepalive_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct session *s = ud;

    (void)conn;
    if (session_from_ok(s, xmpp_stanza_get_from(st), NULL)) {
        s->ka_sent = 0; /* a result or an error: either way, alive */
        return 0;
    }
    return 1; /* not from our server: keep waiting */
}

/* Pings the server every s->keepalive_ms; a ping unanswered for
 * --timeout means a dead connection (a half-open TCP session never
 * ends by itself): shut the socket so libstrophe sees it go. */
static void keepalive(struct session *s)
{
    long long now = session_now();
    char id[64];
    xmpp_stanza_t *ping;

    if (!s->keepalive_ms || s->state != S_ONLINE)
        return;
    if (s->ka_gen != s->gen) {
        s->ka_gen = s->gen;
        s->ka_next = now + s->keepalive_ms;
    }
    if (s->ka_sent && !s->ka_dead && now - s->ka_sent >= s->opt.timeout_ms) {
        s->ka_dead = true;
        if (s->fd >= 0)
            shutdown(s->fd, SHUT_RDWR);
    }
    if (s->ka_sent || now < s->ka_next)
        return;
    session_new_id(s, id, sizeof(id));
    ping = stanza_ping(s->ctx, NULL, id);
    xmpp_id_handler_add(s->conn, keepalive_cb, id, s);
    xmpp_send(s->conn, ping);
    xmpp_stanza_release(ping);
    s->ka_sent = now;
    s->ka_next = now + s->keepalive_ms;
}

int session_wait(struct session *s, bool (*done)(void *), void *arg)
{
    for (;;) {
        long long left;
        bool armed;

        if (done && done(arg))
            return RC_OK;
        if (got_signal)
            return why(s,
                       got_signal == SIGINT ? RC_INTERRUPTED : 128 + got_signal,
                       "interrupted");
        if (s->bad_xml && s->state != S_DOWN && s->state != S_CLOSING)
            return bad_xml(s);
        if (alarm_fired) /* the deadline passed inside libstrophe */
            return s->rc = RC_TEMPFAIL;
        if (s->state == S_DOWN)
            return s->rc ? s->rc : RC_TEMPFAIL;
        if ((left = session_left(s)) == 0)
            return RC_TEMPFAIL;
        keepalive(s);
        quickack(s);
        armed = s->state == S_CONNECTING;
        if (armed)
            arm(left);
        xmpp_run_once(s->ctx,
                      (unsigned long)(left < s->tick_ms ? left : s->tick_ms));
        if (armed)
            arm(0);
    }
}

void session_sleep(struct session *s, long long ms)
{
    long long end = session_now() + ms;

    while (!got_signal && session_now() < end) {
        long long left = end - session_now();

        xmpp_run_once(s->ctx, (unsigned long)(left < 50 ? left : 50));
    }
}

bool session_retryable(const struct session *s)
{
    return s->rc == RC_TEMPFAIL || s->rc == RC_UNAVAILABLE ||
           (s->rc == RC_PROTOCOL && s->stream_error &&
            (!strcmp(s->stream_error, "system-shutdown") ||
             !strcmp(s->stream_error, "connection-timeout") ||
             !strcmp(s->stream_error, "reset")));
}

int session_report(struct session *s)
{
    if (s->why[0])
        fail(s->rc, "%s", s->why);
    return s->rc;
}

void session_close(struct session *s)
{
    /* a server that has stopped answering gets a shorter goodbye */
    long long until = session_now() + (session_left(s) > 0 ? 1000 : 250);

    if (s->conn && (s->state == S_ONLINE || s->state == S_CONNECTING)) {
        s->state = S_CLOSING;
        xmpp_disconnect(s->conn);
        while (s->state == S_CLOSING && session_now() < until)
            xmpp_run_once(s->ctx, 50);
        /* no goodbye in time: libstrophe would wait another second for
         * the TLS one (close_notify) of a server that is gone */
        if (s->state == S_CLOSING && s->fd >= 0)
            shutdown(s->fd, SHUT_RDWR);
    }
    if (s->conn)
        xmpp_conn_release(s->conn);
    s->conn = NULL;
    cur_fd = -1;
    wire_watch(-1);
    if (s->ctx) {
        for (struct session **p = &live; *p; p = &(*p)->next)
            if (*p == s) {
                *p = s->next;
                break;
            }
        xmpp_ctx_free(s->ctx);
        xmpp_shutdown();
        s->ctx = NULL;
    }
    if (s->trace)
        fclose(s->trace);
    s->trace = NULL;
    if (s->acct_loaded)
        account_free(&s->acct);
    s->acct_loaded = false;
}

/* --- request/response ---------------------------------------------- */

char *session_domain(const struct session *s)
{
    const char *at = strchr(s->acct.jid, '@');
    const char *d = at ? at + 1 : s->acct.jid;
    char *r = strndup(d, strcspn(d, "/"));

    if (!r)
        abort();
    return r;
}

bool session_from_ok(const struct session *s, const char *from, const char *to)
{
    const char *at = strchr(s->acct.jid, '@');
    char domain[JID_PART_MAX + 1];

    if (to)
        return from && jid_equal(from, to);
    if (!from)
        return true;
    snprintf(domain, sizeof(domain), "%.*s", (int)strcspn(at + 1, "/"), at + 1);
    return jid_equal(from, domain) ||
           (jid_bare_equal(from, s->acct.jid) && !strchr(from, '/'));
}

static int iq_reply_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct session_req *r = ud;
    const char *type = xmpp_stanza_get_type(st);

    (void)conn;
    if (!session_from_ok(r->s, xmpp_stanza_get_from(st), r->to))
        return 1; /* not from whom we asked: keep waiting */
    if (!type || (strcmp(type, "result") && strcmp(type, "error")))
        return 1;
    r->reply = xmpp_stanza_clone(st);
    return 0;
}

static bool iq_answered(void *arg)
{
    return ((struct session_req *)arg)->reply != NULL;
}

void session_iq_send(struct session *s, xmpp_stanza_t *iq,
                     struct session_req *r)
{
    const char *to = xmpp_stanza_get_to(iq);

    memset(r, 0, sizeof(*r));
    r->s = s;
    if (!xmpp_stanza_get_id(iq)) {
        session_new_id(s, r->id, sizeof(r->id));
        xmpp_stanza_set_id(iq, r->id);
    }
    snprintf(r->id, sizeof(r->id), "%s", xmpp_stanza_get_id(iq));
    r->to = to ? strdup(to) : NULL;
    xmpp_id_handler_add(s->conn, iq_reply_cb, r->id, r);
    xmpp_send(s->conn, iq);
    xmpp_stanza_release(iq);
}

void session_iq_forget(struct session_req *r)
{
    if (!r->s)
        return;
    if (!r->reply && r->s->conn)
        xmpp_id_handler_delete(r->s->conn, iq_reply_cb, r->id);
    free(r->to);
    r->to = NULL;
    r->s = NULL;
}

int session_iq(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t **reply)
{
    struct session_req r;
    int rc;

    *reply = NULL;
    session_iq_send(s, iq, &r);
    rc = session_wait(s, iq_answered, &r);
    session_iq_forget(&r);
    if (rc != RC_OK) {
        if (r.reply)
            xmpp_stanza_release(r.reply);
        return rc;
    }
    *reply = r.reply;
    return stanza_is_error(r.reply) ? RC_REMOTE : RC_OK;
}

void session_defer_signals(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

int session_end(struct session *s, int rc)
{
    int orc;

    session_defer_signals(); /* the output is written whole */
    session_close(s);
    orc = out_finish(&s->out);
    if (rc == RC_OK || rc == RC_REMOTE)
        rc = orc ? orc : rc;
    return rc;
}

int session_iq_failed(struct session *s, const char *to, int rc)
{
    if (rc == RC_TEMPFAIL && s->state == S_ONLINE)
        return fail(RC_TEMPFAIL, "no answer from %s within %.1f s",
                    to ? to : "the server", (double)s->opt.timeout_ms / 1000.0);
    return session_report(s);
}
