/* lib/muc.h - multi-user chat (XEP-0045): presences, joining, leaving
 *
 * A room command joins (muc_join()), does its work while the room's
 * presences and messages pass through muc_room's handler, then leaves
 * (muc_leave()). The handler keeps the occupant list, our own nick (the
 * room may assign another, status 210), the subject, and notices when we
 * are removed (kicked, banned, the room destroyed); a command that wants
 * the room's stanzas too sets @on_stanza.
 */
#ifndef STANZA_LIB_MUC_H
#define STANZA_LIB_MUC_H

#include <stdbool.h>
#include <stddef.h>

#include <strophe.h>

#include "session.h"

#define NS_MUC        "http://jabber.org/protocol/muc"
#define NS_MUC_USER   "http://jabber.org/protocol/muc#user"
#define NS_MUC_ADMIN  "http://jabber.org/protocol/muc#admin"
#define NS_MUC_OWNER  "http://jabber.org/protocol/muc#owner"
#define NS_CONFERENCE "jabber:x:conference"

#define MUC_CODES_MAX 8

/* What a presence from a room says; every string is borrowed from it. */
struct muc_presence {
    const char *nick; /* the occupant: the resource of 'from' */
    bool unavailable;
    bool error;
    const char *role, *affiliation; /* of <item/>, NULL if absent */
    const char *jid;                /* real JID, when the room shows it */
    const char *new_nick;           /* status 303: the nick changed to */
    const char *actor;              /* <actor nick=/>, or its jid */
    const char *reason;
    const char *destroy_jid; /* <destroy jid=/>: where the room moved */
    bool destroyed;          /* the room was destroyed */
    int codes[MUC_CODES_MAX];
    size_t ncodes;
};

/*
 * Reads the presence @st (from an occupant JID ROOM/NICK) into @p.
 * Returns false if @st is not a presence from a room occupant.
 */
bool muc_presence_read(xmpp_stanza_t *st, struct muc_presence *p);

/* True if @p carries status code @code (110: self, 201: created, ...). */
bool muc_has_code(const struct muc_presence *p, int code);

/* "kicked", "banned", "the room was destroyed", ...: why an occupant
 * left, from the codes of its unavailable presence; NULL: it left. */
const char *muc_gone_why(const struct muc_presence *p);

/* True if @s is a nick a room can take: a valid resourcepart. */
bool muc_nick_valid(const char *s, const char **why);

/*
 * Checks @room: a bare JID with a local part (room@service). Prints why
 * not ("invalid room JID ... — nothing was sent") and returns RC_DATAERR;
 * RC_OK if it is one.
 */
int muc_check_room(const char *room);

struct muc_occupant {
    char *nick;
    char *role, *affiliation; /* NULL if the room did not say */
    char *jid;                /* real JID, NULL if not shown */
};

enum muc_state {
    MUC_OUT,     /* not joined */
    MUC_JOINING, /* join presence sent */
    MUC_JOINED,  /* our self-presence (110) came */
    MUC_FAILED,  /* the join was refused: @error says why */
    MUC_REMOVED, /* kicked, banned, or the room went away */
};

struct muc_room {
    struct session *s;
    const char *room; /* bare JID, borrowed */
    /* join options, set before muc_join() */
    const char *want_nick; /* NULL: the account's local part */
    const char *password;  /* NULL: none */
    long history;          /* <history maxstanzas/>; -1: the default */
    const char *since;     /* <history since/>, RFC 3339, or NULL */
    void (*on_stanza)(void *arg, xmpp_stanza_t *st); /* from the room */
    void *arg;
    /* state */
    enum muc_state state;
    char *nick;         /* ours, as the room knows it */
    bool created;       /* status 201: the join created the room */
    bool subject_seen;  /* the subject came: the join is complete */
    char *subject;      /* the room's subject ("" if none) */
    char *subject_by;   /* nick (or room JID) that set it, or NULL */
    bool left;          /* our unavailable self-presence came */
    bool want_full;     /* muc_join() waits for the subject too */
    xmpp_stanza_t *why; /* the error of a refused join; our removal */
    struct muc_occupant *occ;
    size_t nocc;
    bool occ_new; /* the last presence was of an occupant new to us */
    unsigned gen; /* the connection our handler is on */
};

/* Prepares @r for @room (a valid bare JID: muc_check_room()). */
void muc_room_init(struct muc_room *r, struct session *s, const char *room);
void muc_room_free(struct muc_room *r);

/* Returns a new join presence for @r (to ROOM/NICK, <x xmlns=muc/> with
 * the password and <history/>). */
xmpp_stanza_t *muc_join_presence(struct muc_room *r, const char *nick);

/*
 * Joins: sends the presence and waits for our self-presence (status 110)
 * and, with @full, the room's subject, which ends the history. A join
 * that created the room (201) is left at once and fails as item-not-found
 * unless @may_create. Returns RC_OK once in; RC_REMOTE after printing
 * the room's refusal (kept in r->why, for a JSON record); or the
 * session's code, printed.
 */
int muc_join(struct muc_room *r, bool full, bool may_create);

/*
 * Asks the room for nick @nick: waits for our new self-presence (303
 * then 110) or an error (conflict...). RC_OK, RC_REMOTE (printed), or
 * the session's code.
 */
int muc_change_nick(struct muc_room *r, const char *nick);

/*
 * A round trip through the room itself (a disco#info to it): when it
 * returns RC_OK, the room has handled everything we sent it before, and
 * its bounces have come. Our server's ping answer does not prove that:
 * ejabberd's MUC service runs apart from the session. RC_OK, or the
 * session's code (not printed).
 */
int muc_sync(struct muc_room *r);

/* Leaves (unavailable presence) and waits, briefly, for the room to say
 * we are out. Never fails: the stream's end takes us out anyway. */
void muc_leave(struct muc_room *r);

/* Prints why the room removed us (from r->why) and returns RC_REMOTE. */
int muc_removed(struct muc_room *r);

/* The occupant with @nick, or NULL. */
const struct muc_occupant *muc_find(const struct muc_room *r, const char *nick);

#endif
