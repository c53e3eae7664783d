/* lib/session.h - one authenticated XMPP session with deadlines
 *
 * Commands see only this interface: connect, wait for a condition, send
 * an iq and wait for its answer, close. Every wait ends at the deadline
 * set by --timeout; failures come back as exit codes (lib/rc.h) after one
 * line on stderr.
 */
#ifndef STANZA_LIB_SESSION_H
#define STANZA_LIB_SESSION_H

#include <stdbool.h>
#include <stdio.h>

#include <strophe.h>

#include "account.h"
#include "common.h"
#include "out.h"

enum session_state { S_IDLE, S_CONNECTING, S_ONLINE, S_CLOSING, S_DOWN };

struct session {
    const char *cmd;        /* "send": for messages */
    struct common_opts opt; /* filled by OPT_COMMON() */
    struct account acct;
    bool acct_loaded;
    struct out out;
    xmpp_ctx_t *ctx;
    xmpp_conn_t *conn;
    int fd; /* our socket, -1 if none */
    enum session_state state;
    unsigned gen;       /* counts connections */
    int rc;             /* why the last connection ended */
    long long deadline; /* CLOCK_MONOTONIC ms; 0: not started */
    long tick_ms;       /* longest sleep per turn of the loop */
    bool sm; /* XEP-0198 as libstrophe offers it: only the console, which
              * shows the stream as it is. Nothing else resumes a session
              * (the outbox confirms by pings), and libstrophe then only
              * answers the server's <r/>, after our </stream:stream> too;
              * a receiver closing with unacked stanzas has them replayed
              * into offline storage (Prosody) or bounced (ejabberd). */
    long keepalive_ms; /* ping the server when online this often; 0: no */
    long long ka_next; /* when the next keepalive ping is due */
    long long ka_sent; /* when the unanswered one went out; 0: none */
    unsigned ka_gen;   /* the connection ka_next belongs to */
    FILE *trace;
    /* every element sent (@dir "out") or received ("in"), secrets masked */
    void (*traffic)(void *arg, const char *dir, const char *xml);
    void *traffic_arg;
    char id_prefix[12];
    unsigned long id_seq;
    /* clues about a failure, gathered from libstrophe's callbacks */
    bool auth_failed, no_mechanism, tls_failed, tls_missing;
    bool no_external; /* a client certificate, no password, no EXTERNAL */
    const char *stream_error; /* its condition, after a stream error */
    int sock_error;           /* errno of a failed connect() */
    bool pin_checked;         /* --pin compared with the leaf */
    bool bad_xml;             /* the server sent malformed XML */
    bool ka_dead;             /* a keepalive ping went unanswered */
    char cert_err[384];
    char why[512];        /* the last failure, for session_report() */
    struct session *next; /* registry of live sessions */
};

/* Prepares @s for option parsing; @cmd names the subcommand. */
void session_init(struct session *s, const char *cmd);

/* After option parsing: sets up the output, the trace file and s->ctx
 * (for building stanzas); does not touch the network. */
int session_start(struct session *s, bool streaming);

/*
 * Loads the account (if not yet done) and connects: TLS, authentication,
 * resource binding. Returns RC_OK once online, or an exit code.
 */
int session_connect(struct session *s);

/* session_start() then session_connect(); a failure is printed. */
int session_open(struct session *s, bool streaming);

/*
 * Runs the event loop until @done(@arg) is true (RC_OK), the deadline
 * passes (RC_TEMPFAIL), the connection goes down (its code), or a signal
 * arrives (RC_INTERRUPTED). @done may be NULL to run until the deadline.
 * Prints nothing: the caller knows what it was waiting for.
 */
int session_wait(struct session *s, bool (*done)(void *), void *arg);

/*
 * Sends @iq (takes ownership; an id is added if missing) and waits for
 * the answer from the entity it was sent to. On RC_OK or RC_REMOTE
 * (an error answer) *@reply is a new stanza the caller releases.
 */
int session_iq(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t **reply);

/*
 * An iq in flight, for commands that keep several requests open at once
 * (session_iq() waits for one). The caller keeps @r in place until the
 * answer came or it called session_iq_forget().
 */
struct session_req {
    struct session *s;
    char id[64];
    char *to;             /* who must answer; NULL: our server */
    xmpp_stanza_t *reply; /* the answer (result or error) once it came */
};

/*
 * Sends @iq (takes ownership; an id is added if missing) and returns at
 * once; @r->reply is set when the answer from its addressee arrives,
 * while session_wait() runs the loop.
 */
void session_iq_send(struct session *s, xmpp_stanza_t *iq,
                     struct session_req *r);

/* Stops waiting for @r's answer and frees its state; @r->reply, if any,
 * stays the caller's to release. */
void session_iq_forget(struct session_req *r);

/*
 * May the connection that ended (s->rc, s->stream_error say how) be
 * tried again? Yes after a timeout, a lost connection, or a stream error
 * that says the server restarts (system-shutdown, connection-timeout,
 * reset); not after a protocol violation, a stream error that would
 * happen again (conflict, policy-violation...), authentication or a
 * certificate.
 */
bool session_retryable(const struct session *s);

/* Sleeps @ms (between reconnects), keeping libstrophe's timers going;
 * a signal ends it early. */
void session_sleep(struct session *s, long long ms);

/*
 * True if a stanza from @from may be the answer to one we sent to @to:
 * from exactly that entity (JIDs compared as jid_equal() does), or, with
 * @to NULL, from our own server (no 'from', our domain, our bare JID).
 */
bool session_from_ok(const struct session *s, const char *from, const char *to);

/* Returns the domain of the account's JID (our server) as a new string
 * the caller frees; call after session_connect(). */
char *session_domain(const struct session *s);

/* Writes a new random id (24 hex digits) to @buf. */
void session_random_id(char *buf, size_t len);

/* Writes a new unique stanza id to @buf. */
void session_new_id(struct session *s, char *buf, size_t len);

/* True if @id is one session_new_id() made. */
bool session_own_id(const struct session *s, const char *id);

/* True if @st is an iq result or error answering an id we made: the
 * answer to a request of ours (keepalive, archive query), not news. */
bool session_own_reply(const struct session *s, xmpp_stanza_t *st);

/* Milliseconds left until the deadline (never negative). */
long long session_left(const struct session *s);

/* Now, on the monotonic clock, in ms and in µs. */
long long session_now(void);
long long session_now_us(void);

/* Prints the reason of the last failure, unless it was printed already,
 * and returns its code (s->rc). */
int session_report(struct session *s);

/* Closes the stream cleanly (</stream:stream>) and frees everything. */
void session_close(struct session *s);

/*
 * The end of every command: closes the session and flushes the output
 * (always: it also frees). A write error (74) replaces RC_OK or
 * RC_REMOTE; any other @rc stands. Returns the exit code.
 */
int session_end(struct session *s, int rc);

/*
 * After session_iq() failed with @rc waiting for @to (NULL: our server):
 * prints why and returns the exit code. A timeout while online says no
 * answer came.
 */
int session_iq_failed(struct session *s, const char *to, int rc);

/* The signal that interrupted us (SIGINT, SIGTERM) or 0. */
int session_signal(void);

/* From now on SIGINT and SIGTERM wait until we exit, so that the output
 * being written is never cut short (a write interrupted by a signal
 * fails, and stdio drops the rest of its buffer). */
void session_defer_signals(void);

/* Forgets a SIGINT that was handled (an interactive command goes on). */
void session_clear_signal(void);

#endif
