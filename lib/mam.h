/* lib/mam.h - catching up from the message archive (XEP-0313)
 *
 * A long-running command that lost its connection asks the archive for
 * what it missed: everything after the newest archive id it saw (XEP-0359
 * stanza-id). When it first goes online it asks for the archive's newest
 * id (mam_online()), so that even a command that has seen nothing yet
 * knows where its gap starts; a server that keeps no ids leaves it the
 * time it first went online, to the second.
 * The command's own message handler passes each stanza to mam_take():
 * archive results come back unwrapped, and messages that were delivered
 * twice (live and from the archive) are recognized by their archive id.
 */
#ifndef STANZA_LIB_MAM_H
#define STANZA_LIB_MAM_H

#include <stdbool.h>
#include <time.h>

#include <strophe.h>

#include "idset.h"
#include "session.h"

#define NS_MAM     "urn:xmpp:mam:2"
#define NS_SID     "urn:xmpp:sid:0"
#define NS_FORWARD "urn:xmpp:forward:0"
#define NS_RSM     "http://jabber.org/protocol/rsm"
#define NS_XDATA   "jabber:x:data"

#define MAM_PAGE      50  /* results per page asked for */
#define MAM_MAX_PAGES 400 /* then the rest counts as a gap */

struct mam {
    struct session *s;
    char *archive;     /* a room's bare JID; NULL: our own account's */
    char *by;          /* whose stanza-ids count: the archive's bare JID */
    char *last;        /* the newest archive id seen, or NULL */
    time_t since;      /* with no id seen: the first time we were online */
    char queryid[40];  /* the query running, or "" */
    bool marking;      /* the query asks for the newest id only */
    char mark_id[64];  /* its iq's id, while its answer is awaited */
    bool live_moved;   /* a live message moved 'last' during a catch-up */
    struct idset seen; /* archive ids delivered */
    long caught;       /* messages the last catch-up delivered */
    long last_n;       /* >0: mam_catch_up() asks for the newest N only */
    bool answered;     /* the archive answered a query: there is one */
    /* if set, mam_catch_up() asks for no more pages once it is true */
    bool (*enough)(void *arg);
    void *enough_arg;
};

/* @archive: a room's bare JID, or NULL for @s's own account. */
void mam_init(struct mam *m, struct session *s, const char *archive);
void mam_free(struct mam *m);

/* Call on each new connection, once online. The first time it notes
 * the time and asks for the newest archive id, without waiting. */
void mam_online(struct mam *m);

enum mam_take {
    MAM_LIVE,      /* an ordinary stanza: handle it */
    MAM_DUPLICATE, /* delivered before: drop it */
    MAM_RESULT,    /* a result of our query: handle *@msg instead */
    MAM_OTHER,     /* belongs to the query but carries no message: drop */
};

/*
 * Classifies the incoming @st. For MAM_RESULT, *@msg is a new copy of
 * the archived message with its <delay/> and <stanza-id/>; the caller
 * releases it.
 */
enum mam_take mam_take(struct mam *m, xmpp_stanza_t *st, xmpp_stanza_t **msg);

/* The archive id (XEP-0359 stanza-id) that @st carries from the archive
 * @m reads, or NULL: a result of mam_take() carries its own. */
const char *mam_id(const struct mam *m, xmpp_stanza_t *st);

/*
 * Asks the archive, page after page, for everything after what was seen
 * (with nothing seen, since m->since; 0: the archive's start), or with
 * m->last_n for the newest N messages only, in one page;
 * the results arrive through the caller's handler and mam_take(). Each
 * page waits until @end (0: --timeout from now, whichever comes first).
 * Returns RC_OK (m->caught says how many), RC_REMOTE with the error's
 * condition in @cond, RC_PROTOCOL if the archive ends a page without
 * moving on, or the code of a lost connection or a timeout.
 */
int mam_catch_up(struct mam *m, long long end, char *cond, size_t condlen);

/*
 * After a reconnect: mam_catch_up(), and a warning on stderr that says
 * how long the connection was gone (since @lost) and how many messages
 * came from the archive, or that some may be lost. Returns RC_OK (also
 * when the archive could not help: the gap is reported),
 * RECONNECT_UNTIL if @end passed, RC_UNAVAILABLE or RC_TEMPFAIL if the
 * connection went again, or the code of a signal or (said) of a
 * connection that went for good: reconnect_run()'s online() contract.
 */
int mam_resume(struct mam *m, long long end, long long lost);

#endif
