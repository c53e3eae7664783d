/* lib/roster.h - the roster (RFC 6121 §2) and the presence of contacts
 *
 * Shared by `roster` and `presence`: fetching and changing the roster,
 * collecting what the server sends after our initial presence (contacts'
 * presence, subscription requests waiting for us), and printing it.
 */
#ifndef STANZA_LIB_ROSTER_H
#define STANZA_LIB_ROSTER_H

#include <stdbool.h>
#include <stddef.h>

#include <strophe.h>

#include "out.h"
#include "session.h"

#define NS_ROSTER "jabber:iq:roster"

struct roster_res { /* an available resource of a contact; owns all */
    char *jid;      /* full JID */
    char *resource;
    char *show;   /* away, chat, dnd, xa; NULL: available */
    char *status; /* NULL if none */
    long priority;
};

struct roster_item { /* owns all fields */
    char *jid;
    char *name;         /* NULL if none */
    char *subscription; /* none, to, from, both */
    char *ask;          /* "subscribe" or NULL */
    bool approved;      /* a pre-approval the server reports */
    char **groups;
    size_t ngroups;
    /* filled by roster_presence() */
    struct roster_res *res;
    size_t nres;
    bool answered; /* some presence (or unavailable) came from it */
};

struct roster_req { /* a subscription request waiting for an answer */
    char *jid;
    char *status; /* the request's text, NULL if none */
};

struct roster {
    struct roster_item *items; /* sorted by JID */
    xmpp_stanza_t *xml;        /* the last roster answer, as received */
    size_t n;
    struct roster_req *reqs; /* filled by roster_presence() */
    size_t nreqs;
    struct session *s; /* while handlers are installed */
    bool handlers;
    bool requests; /* roster_presence() is for the requests: see there */
};

/*
 * Asks the server for the roster and fills @r (sorted by JID), replacing
 * what it held. Also answers roster pushes from then on. On failure
 * prints why and returns the exit code; an error answer is RC_REMOTE.
 */
int roster_fetch(struct session *s, struct roster *r);

/* The item for @jid (compared as bare JIDs), or NULL. */
struct roster_item *roster_find(const struct roster *r, const char *jid);

/*
 * Returns a new roster set iq for @jid: with @name (NULL: none) and the
 * @ngroups @groups, or with subscription="remove" if @remove.
 */
xmpp_stanza_t *roster_set_iq(xmpp_ctx_t *ctx, const char *jid, const char *name,
                             const char *const *groups, size_t ngroups,
                             bool remove);

/*
 * Sends <presence type=@type to=@jid/> (a <status/> with @status if not
 * NULL) and waits until the server has handled it: the answer to a ping
 * sent after it. RC_OK; RC_REMOTE if an error naming it came back, then
 * *@error is a new stanza the caller releases; or the failure's code
 * (printed).
 */
int roster_send_presence(struct session *s, const char *jid, const char *type,
                         const char *status, xmpp_stanza_t **error);

/*
 * Sends initial presence with priority -1 (so that no message for the bare
 * JID, offline ones included, comes to this session), waits until the
 * server handled it and, up to @wait_ms more, until every contact whose
 * presence we receive has answered, then one more round trip for the
 * answers a server sends late (other resources of a contact). Fills the
 * items' resources and r->reqs. Returns RC_OK or the failure's code
 * (printed).
 *
 * With r->requests, for the requests waiting for us: a server that sends
 * them only to a resource of priority 0 or more (ejabberd) gets priority 0
 * for a moment, but only if it supports XEP-0013, asked first so that no
 * offline message comes (XEP-0013 §2.2); -1 follows at once.
 */
int roster_presence(struct session *s, struct roster *r, long wait_ms);

/* Keeps only the item of @jid's bare JID and, if @jid has a resource,
 * only that resource of it. */
void roster_keep_only(struct roster *r, const char *jid);

/* True if @it's presence comes to us (subscription to or both). */
bool roster_sees(const struct roster_item *it);

/*
 * Prints the presence of @it. JSON: "online" and "resources" [{"jid",
 * "resource", "show", "status", "priority"}]; text: one cell, each
 * resource as RESOURCE SHOW "STATUS", or "offline". Nothing (JSON), "-"
 * (text) for a contact whose presence does not come to us.
 */
void roster_print_presence(struct out *o, const struct roster_item *it);

/* The text cell of roster_print_presence() (NULL: unknown); the caller
 * frees it. */
char *roster_presence_text(const struct roster_item *it);

/* The groups joined by ", " (NULL if none); the caller frees it. */
char *roster_groups_text(const struct roster_item *it);

/* Frees everything @r holds and removes its handlers. */
void roster_free(struct roster *r);

#endif
