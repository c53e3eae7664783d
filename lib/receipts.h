/* lib/receipts.h - XEP-0184 message delivery receipts
 *
 * The server's confirmation (lib/outbox.h) says the server has a message;
 * a receipt says the recipient's client got it. Receipts are matched by
 * the message's id, and accepted from any resource of the recipient's
 * bare JID: a server delivers a chat message for a full JID that is gone
 * to another resource of the account (RFC 6121 §8.5.3.2.1).
 */
#ifndef STANZA_LIB_RECEIPTS_H
#define STANZA_LIB_RECEIPTS_H

#include <stdbool.h>
#include <stddef.h>

#include <strophe.h>

#include "outbox.h"
#include "session.h"

#define NS_RECEIPTS "urn:xmpp:receipts"

struct receipts {
    struct outbox *ob;
    char **from; /* one per outbox item: who sent its receipt, or NULL */
    size_t n;
};

/* Adds <request xmlns='urn:xmpp:receipts'/> to the message @msg. */
void receipts_request(xmpp_stanza_t *msg);

/* Watches for the receipts of @ob's messages from now on, on every
 * connection @ob makes; call before outbox_deliver(). */
void receipts_init(struct receipts *r, struct outbox *ob);

/*
 * Waits until every confirmed message of the outbox has its receipt, up
 * to the session's deadline. Returns RC_OK, or RC_TEMPFAIL (or the code of
 * a lost connection, a signal) after printing how many are missing.
 */
int receipts_wait(struct receipts *r);

/* The full JID the receipt of item @i came from, or NULL if none came;
 * valid until receipts_free(). */
const char *receipts_from(const struct receipts *r, size_t i);

/* Removes the handler and frees. */
void receipts_free(struct receipts *r);

#endif
