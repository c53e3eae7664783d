/* lib/reconnect.h - long-running commands get their session back
 *
 * After a lost connection, `listen`, `muc tail`, `presence set` and the
 * console wait with exponential backoff and jitter (so that clients cut
 * off together do not come back together), connect again, and let the
 * command set itself up again and catch up (DESIGN.md §4).
 */
#ifndef STANZA_LIB_RECONNECT_H
#define STANZA_LIB_RECONNECT_H

#include <stdbool.h>

#include "session.h"

#define RECONNECT_FIRST_MS 500
#define RECONNECT_MAX_MS   60000
#define RECONNECT_UNTIL    (-1) /* the command's end time passed */

struct reconnect {
    struct session *s;
    long long end; /* when the command ends (monotonic ms); 0: never */
    /* Called once online again, @lost the time the connection went: sets
     * the command up on the new connection (handlers, presence) and
     * catches up. Returns RC_OK (done), RECONNECT_UNTIL, RC_UNAVAILABLE
     * or RC_TEMPFAIL (the connection went again: try again), or a code
     * to give up with, after saying why. */
    int (*online)(void *arg, long long lost);
    void (*idle)(void *arg); /* between attempts; may be NULL */
    void *arg;
};

/*
 * Reconnects after s->why was lost: says so on stderr, then connects
 * again after 0.5 s, 1 s, 2 s ... (at most 60 s, each give or take a
 * quarter) until online() is content. Returns RC_OK, RECONNECT_UNTIL,
 * or the exit code (said) of a signal or of a failure that waiting
 * cannot fix (authentication, certificate).
 */
int reconnect_run(const struct reconnect *r);

/*
 * Stays online: runs the loop until @done(@arg) is true (@done may be
 * NULL), @r->end passes or a signal comes. A lost connection is the exit
 * code, said, with @no_reconnect; else reconnect_run(@r) brings it back.
 * Returns RC_OK when done or at the end.
 */
int reconnect_stay(const struct reconnect *r, bool no_reconnect,
                   bool (*done)(void *), void *arg);

/*
 * For online(), when the connection went again with @rc: @rc if waiting
 * may help (RC_UNAVAILABLE, RC_TEMPFAIL: the next attempt follows), else
 * the exit code, after saying why (session_report()).
 */
int reconnect_lost(struct session *s, int rc);

/* @ms give or take a quarter. */
long long reconnect_jitter(long long ms);

#endif
