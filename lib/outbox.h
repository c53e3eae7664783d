/* lib/outbox.h - stanzas that must be confirmed by the server
 *
 * libstrophe 0.12 cannot tell which stanzas arrived (DESIGN.md §4), so we
 * keep our own: every stanza has an id and a state. A stanza is confirmed
 * when the answer to a ping sent after it arrives (a server handles one
 * stream's stanzas in order); an error bounce naming its id marks it
 * bounced. A stanza to another domain (a MUC room, a pubsub service, a
 * remote server) is also followed by a probe, a ping to its recipient's
 * bare JID: our server hands that domain the stanza and then the probe,
 * and the answer to the probe comes after the stanza's bounce (ejabberd
 * handles rooms apart from the session, so our server's answer alone
 * would come first). After a lost connection, everything not yet confirmed is
 * sent again with the same id (at-least-once).
 */
#ifndef STANZA_LIB_OUTBOX_H
#define STANZA_LIB_OUTBOX_H

#include <stddef.h>

#include <strophe.h>

#include "session.h"
#include "stanza.h"

enum ob_state { OB_QUEUED, OB_WRITTEN, OB_CONFIRMED, OB_BOUNCED };

struct ob_item {
    xmpp_stanza_t *st; /* owned; released once confirmed unless kept */
    char *id;          /* owned */
    char *to;          /* owned */
    enum ob_state state;
    unsigned gen;    /* connection it was last written on */
    unsigned writes; /* times it was written */
    char *err_type, *err_cond, *err_text; /* a bounce, owned */
};

/* A ping in flight, with the probes that follow items[from..upto)
 * written on connection gen: their answers confirm them. The ping's id is
 * id, probe k's is "id.k" (k from 1). */
struct ob_ping {
    char id[64];
    size_t from, upto;
    unsigned gen;
    bool answered; /* the ping to our server */
    char **probes; /* bare JIDs probed, owned; NULL once answered */
    size_t nprobes;
    size_t waiting; /* answers still awaited, the ping's included */
};

#define OB_WINDOW 1000 /* stanzas per ping */
#define OB_PINGS  16   /* pings in flight: up to 16000 unconfirmed stanzas */

struct outbox {
    struct session *s;
    struct ob_item *items;
    size_t n, cap;
    long bounce_wait_ms; /* how long to wait for late bounces */
    bool keep_stanzas;   /* do not release confirmed stanzas */
    /* if set, called on each new connection before anything is written
     * on it (to add handlers: those of an old connection are gone) */
    void (*on_connection)(struct session *s, void *arg);
    void *arg;
    unsigned handlers_gen; /* connection our handlers are on */
    char *domain; /* our server's, owned: stanzas elsewhere are probed */
    struct ob_ping pings[OB_PINGS];
    size_t npings;     /* in flight, oldest first */
    size_t max_pings;  /* at most in flight: fewer after a lost connection */
    size_t next;       /* first item not yet written on this connection */
    unsigned attempts; /* connections made */
    bool written;      /* anything was ever written */
    size_t confirmed_at_loss; /* confirmed when the last connection died */
    long long backoff_ms;     /* before the next reconnect without progress */
    bool said_resent;         /* the resent messages were counted aloud */
};

void outbox_init(struct outbox *ob, struct session *s);

/* Adds @st (takes ownership); it must have an id and a 'to'. */
void outbox_add(struct outbox *ob, xmpp_stanza_t *st);

/*
 * Connects if needed, sends everything and waits until all of it is
 * confirmed or bounced, reconnecting after a lost connection until the
 * deadline. Returns RC_OK (all confirmed), RC_REMOTE (some bounced), or
 * the code of the failure (printed).
 */
int outbox_deliver(struct outbox *ob);

/* Prints @it's bounce, if it bounced, as the member "error": in JSON
 * {type, condition, text}. */
void outbox_print_bounce(struct out *o, const struct ob_item *it);

/* Counts items in @state. */
size_t outbox_count(const struct outbox *ob, enum ob_state state);

void outbox_free(struct outbox *ob);

#endif
