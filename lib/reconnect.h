/* lib/reconnect.h - long-running commands get their session back
 *
 * After a lost connection, `listen`, `muc tail` and the like wait with
 * exponential backoff and jitter (so that clients cut off together do
 * not come back together), connect again, and let the command set
 * itself up again and catch up (DESIGN.md §4).
 */
#ifndef STANZA_LIB_RECONNECT_H
#define STANZA_LIB_RECONNECT_H

#include "session.h"

#define RECONNECT_FIRST_MS 500
#define RECONNECT_MAX_MS   60000
#define RECONNECT_UNTIL    (-1) /* the command's end time passed */

struct reconnect {
    struct session *s;
    long long end; /* when the command ends (monotonic ms); 0: never */
    /* Called once online again, @lost the time the connection went: sets
     * the command up on the new connection and catches up. Returns
     * RC_OK (done), RECONNECT_UNTIL, RC_UNAVAILABLE or RC_TEMPFAIL (the
     * connection went again: try again), or a code to give up with,
     * after saying why. */
    int (*online)(void *arg, long long lost);
    void (*idle)(void *arg); /* between attempts; may be NULL */
    void *arg;
};

/*
 * Reconnects after s->why was lost: says so on stderr before each wait.
 * Returns RC_OK once online() succeeded, RECONNECT_UNTIL, or the exit
 * code (printed) of a signal or of a failure not worth retrying.
 */
int reconnect_run(const struct reconnect *r);

/* @ms give or take a quarter. */
long long reconnect_jitter(long long ms);

#endif
