/* lib/reconnect.c - long-running commands get their session back */
#include "reconnect.h"

#include <limits.h>
#include <sys/random.h>

#include "err.h"
#include "rc.h"

long long reconnect_jitter(long long ms)
{
    unsigned r = 0;

    if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
        r = (unsigned)session_now_us();
    return ms * 3 / 4 + (long long)(r % (unsigned)(ms / 2 + 1));
}

/*
 * The one retry rule: a connection that ended is tried again if the way
 * it ended says waiting may help (session_retryable(): a timeout, a lost
 * connection, a stream error saying the server restarts); a failure
 * while still online (an answer that did not come in time) if it is
 * RC_UNAVAILABLE or RC_TEMPFAIL.
 */
static bool retry(const struct session *s, int rc)
{
    if (s->state != S_ONLINE)
        return session_retryable(s);
    return rc == RC_UNAVAILABLE || rc == RC_TEMPFAIL;
}

int reconnect_lost(struct session *s, int rc)
{
    return retry(s, rc) ? rc : session_report(s);
}

int reconnect_run(const struct reconnect *r)
{
    struct session *s = r->s;
    long long backoff = RECONNECT_FIRST_MS, lost = session_now(), delay;
    int rc;

    if (!session_retryable(s)) /* a failure that would happen again */
        return session_report(s);
    for (;;) {
        delay = reconnect_jitter(backoff);
        warn("%s; reconnecting in %.1f s", s->why, (double)delay / 1000.0);
        if (r->end && session_now() + delay > r->end)
            delay = r->end - session_now();
        session_sleep(s, delay > 0 ? delay : 0);
        if (r->idle)
            r->idle(r->arg);
        if (session_signal())
            return session_report(s);
        if (r->end && session_now() >= r->end)
            return RECONNECT_UNTIL;
        s->deadline = session_now() + s->opt.timeout_ms;
        if ((rc = session_connect(s)) == RC_OK) {
            rc = r->online(r->arg, lost);
            if (rc == RC_OK || rc == RECONNECT_UNTIL)
                return rc;
            if (session_signal())
                return session_report(s);
            if (!retry(s, rc))
                return rc; /* online() said why */
        } else if (session_signal() || !retry(s, rc))
            return session_report(s);
        backoff =
            backoff * 2 > RECONNECT_MAX_MS ? RECONNECT_MAX_MS : backoff * 2;
    }
}

int reconnect_stay(const struct reconnect *r, bool no_reconnect,
                   bool (*done)(void *), void *arg)
{
    struct session *s = r->s;
    int rc;

    for (;;) {
        s->deadline = r->end ? r->end : LLONG_MAX / 4;
        if (session_wait(s, done, arg) == RC_OK)
            return RC_OK; /* done */
        if (session_signal())
            return session_report(s);
        if (s->state == S_ONLINE || (r->end && session_now() >= r->end))
            return RC_OK; /* the end passed */
        if (no_reconnect)
            return session_report(s);
        if ((rc = reconnect_run(r)) != RC_OK)
            return rc == RECONNECT_UNTIL ? RC_OK : rc;
    }
}
