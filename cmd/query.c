/* cmd/query.c - entity queries: `stanza ping|version|time|last [JID]` */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/err.h"
#include "lib/jid.h"
#include "lib/opt.h"
#include "lib/rc.h"
#include "lib/session.h"
#include "lib/stanza.h"

#define NS_VERSION "jabber:iq:version"
#define NS_TIME    "urn:xmpp:time"
#define NS_LAST    "jabber:iq:last"

/* What a query asks and how its answer is printed. */
struct query {
    const char *name; /* subcommand */
    const char *elem; /* child element of the iq */
    const char *ns;
    void (*print)(struct out *o, xmpp_stanza_t *q);
};

static const char *text_of(xmpp_stanza_t *q, const char *name)
{
    xmpp_stanza_t *c = q ? xmpp_stanza_get_child_by_name(q, name) : NULL;
    xmpp_stanza_t *t = c ? xmpp_stanza_get_children(c) : NULL;

    return t && xmpp_stanza_is_text(t) ? xmpp_stanza_get_text_ptr(t) : NULL;
}

static void print_version(struct out *o, xmpp_stanza_t *q)
{
    out_str(o, "name", " %s", text_of(q, "name"));
    out_str(o, "version", " %s", text_of(q, "version"));
    out_str(o, "os", " (%s)", text_of(q, "os"));
}

static void print_time(struct out *o, xmpp_stanza_t *q)
{
    out_str(o, "utc", " %s", text_of(q, "utc"));
    out_str(o, "tzo", " %s", text_of(q, "tzo"));
}

static void print_last(struct out *o, xmpp_stanza_t *q)
{
    const char *s = q ? xmpp_stanza_get_attribute(q, "seconds") : NULL;
    char *end;
    long long v = s ? strtoll(s, &end, 10) : -1;

    if (s && *s && !*end && v >= 0)
        out_int(o, "seconds", " %lld s", v);
    out_str(o, "status", " \"%s\"", text_of(q, "status"));
}

static const struct query queries[] = {
    { "version", "query", NS_VERSION, print_version },
    { "time", "time", NS_TIME, print_time },
    { "last", "query", NS_LAST, print_last },
};

static xmpp_stanza_t *request(struct session *s, const char *to,
                              const struct query *q)
{
    xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, "get", NULL);
    xmpp_stanza_t *c = xmpp_stanza_new(s->ctx);

    xmpp_stanza_set_to(iq, to);
    xmpp_stanza_set_name(c, q->elem);
    xmpp_stanza_set_ns(c, q->ns);
    xmpp_stanza_add_child(iq, c);
    xmpp_stanza_release(c);
    return iq;
}

/* Prints an error answer: stderr always, a record with --json. */
static int remote_error(struct session *s, const char *to, xmpp_stanza_t *r)
{
    struct stanza_error e;

    stanza_get_error(r, &e);
    if (s->out.mode == OUT_JSON) {
        out_obj_begin(&s->out, NULL);
        out_str(&s->out, "jid", NULL, to);
        out_obj_begin(&s->out, "error");
        out_str(&s->out, "type", NULL, e.type);
        out_str(&s->out, "condition", NULL, e.condition);
        out_str(&s->out, "text", NULL, e.text);
        out_obj_end(&s->out);
        out_obj_end(&s->out);
    }
    return stanza_fail_error(to, r);
}

/* The JID to ask: the argument, or our own server. Sets *@to (owned). */
static int target(struct session *s, int argc, char **argv, char **to)
{
    const char *why;
    const char *jid = s->acct.jid;

    if (argc > 0 && !jid_valid(argv[0], &why))
        return fail(RC_DATAERR, "invalid JID '%s': %s", argv[0], why);
    if (argc > 0)
        *to = strdup(argv[0]);
    else
        *to = strndup(strchr(jid, '@') + 1, strcspn(strchr(jid, '@') + 1, "/"));
    return *to ? RC_OK : RC_SOFTWARE;
}

/* Starts the session and connects; then sets *@to to the JID to ask (our
 * server when *@to is still NULL). */
static int connect_to(struct session *s, char **to)
{
    int rc;

    if ((rc = session_start(s, false)) != RC_OK)
        return rc;
    if ((rc = session_connect(s)) != RC_OK)
        return session_report(s);
    return *to ? RC_OK : target(s, 0, NULL, to);
}

static int ask(struct session *s, const char *to, const struct query *q)
{
    xmpp_stanza_t *reply = NULL;
    int rc = session_iq(s, request(s, to, q), &reply);

    if (rc == RC_REMOTE)
        rc = remote_error(s, to, reply);
    else if (rc == RC_OK && s->out.mode == OUT_XML)
        out_stanza(&s->out, reply);
    else if (rc == RC_OK) {
        out_obj_begin(&s->out, NULL);
        out_str(&s->out, "jid", "%s:", to);
        q->print(&s->out, xmpp_stanza_get_child_by_ns(reply, q->ns));
        out_obj_end(&s->out);
    } else {
        rc = session_iq_failed(s, to, rc);
    }
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

static int run_query(int argc, char **argv, const struct query *q)
{
    const char *usage[] = { NULL, NULL };
    char line[64];
    struct session s;
    char *to = NULL;
    int rc;

    snprintf(line, sizeof(line), "stanza %s [options] [<jid>]", q->name);
    usage[0] = line;
    session_init(&s, q->name);
    const struct opt opts[] = {
        OPT_COMMON(&s.opt),
        OPT_END(),
    };
    if ((argc = opt_parse(argc, argv, opts, usage)) < 0)
        return RC_USAGE;
    if (argc > 1)
        return opt_usage_error(usage, "expected at most one <jid>");
    if (argc == 1 && (rc = target(&s, argc, argv, &to)) != RC_OK)
        return rc;
    if ((rc = connect_to(&s, &to)) == RC_OK)
        rc = ask(&s, to, q);
    free(to);
    return session_end(&s, rc);
}

/* --- ping: round trips, like ping(8) ------------------------------- */

struct pings {
    long count;
    long interval_ms;
    long sent, received;
    double rtt[64]; /* the first 64 round trips, for JSON */
};

/* One ping: RC_OK with *@ms, RC_REMOTE (printed), or a failure. */
static int ping_once(struct session *s, const char *to, double *ms)
{
    xmpp_stanza_t *reply = NULL;
    long long t0 = session_now_us();
    int rc;

    s->deadline = session_now() + s->opt.timeout_ms;
    rc = session_iq(s, stanza_ping(s->ctx, to, NULL), &reply);
    *ms = (double)(session_now_us() - t0) / 1000.0;
    if (rc == RC_REMOTE)
        rc = remote_error(s, to, reply);
    else if (rc != RC_OK)
        rc = session_iq_failed(s, to, rc);
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

static int ping_all(struct session *s, const char *to, struct pings *p)
{
    int rc = RC_OK;
    double ms;

    for (p->sent = 0; p->sent < p->count && rc == RC_OK;) {
        if (p->sent)
            session_sleep(s, p->interval_ms);
        if (session_signal())
            return session_report(s);
        p->sent++;
        if ((rc = ping_once(s, to, &ms)) != RC_OK)
            break;
        if (p->received < 64)
            p->rtt[p->received] = ms;
        p->received++;
        if (s->out.mode == OUT_TEXT && !s->out.quiet) {
            printf("pong from %s: %.2f ms\n", to, ms);
            fflush(stdout);
        }
    }
    return rc;
}

static void print_pings(struct out *o, const char *to, const struct pings *p)
{
    if (o->mode != OUT_JSON)
        return;
    out_obj_begin(o, NULL);
    out_str(o, "jid", NULL, to);
    out_int(o, "sent", NULL, p->sent);
    out_int(o, "received", NULL, p->received);
    out_list_begin(o, "rtt_ms");
    for (long i = 0; i < p->received && i < 64; i++)
        out_double(o, NULL, NULL, p->rtt[i]);
    out_list_end(o);
    out_obj_end(o);
}

static const char *const ping_usage[] = {
    "stanza ping [options] [<jid>]",
    NULL,
};

int cmd_ping(int argc, char **argv)
{
    struct pings p = { .count = 1, .interval_ms = 1000 };
    struct session s;
    char *to = NULL;
    int rc;

    session_init(&s, "ping");
    const struct opt opts[] = {
        OPT_INT('c', "count", &p.count, "n", "send N pings (default 1)"),
        OPT_SECONDS('i', "interval", &p.interval_ms,
                    "pause between pings (default 1)"),
        OPT_COMMON(&s.opt),
        OPT_END(),
    };
    if ((argc = opt_parse(argc, argv, opts, ping_usage)) < 0)
        return RC_USAGE;
    if (argc > 1)
        return opt_usage_error(ping_usage, "expected at most one <jid>");
    if (p.count < 1)
        return opt_usage_error(ping_usage, "--count must be at least 1");
    if (argc == 1 && (rc = target(&s, argc, argv, &to)) != RC_OK)
        return rc;
    if ((rc = connect_to(&s, &to)) == RC_OK &&
        (rc = ping_all(&s, to, &p)) == RC_OK)
        print_pings(&s.out, to, &p);
    free(to);
    return session_end(&s, rc);
}

int cmd_version(int argc, char **argv)
{
    return run_query(argc, argv, &queries[0]);
}

int cmd_time(int argc, char **argv)
{
    return run_query(argc, argv, &queries[1]);
}

int cmd_last(int argc, char **argv)
{
    return run_query(argc, argv, &queries[2]);
}
