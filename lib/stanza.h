/* lib/stanza.h - stanza builders and readers */
#ifndef STANZA_LIB_STANZA_H
#define STANZA_LIB_STANZA_H

#include <stdbool.h>

#include <strophe.h>

#define NS_PING        "urn:xmpp:ping"
#define NS_STANZAS     "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_DISCO_INFO  "http://jabber.org/protocol/disco#info"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"

/*
 * Returns a new <message/>; @type, @subject, @thread may be NULL. The
 * caller releases it.
 */
xmpp_stanza_t *stanza_message(xmpp_ctx_t *ctx, const char *to, const char *type,
                              const char *id, const char *body,
                              const char *subject, const char *thread);

/* Adds <@name>@text</@name> to @parent. */
void stanza_add_text(xmpp_stanza_t *parent, const char *name, const char *text);

/* Adds an empty <@name xmlns=@ns/> (@ns may be NULL) to @parent and
 * returns it, owned by @parent. */
xmpp_stanza_t *stanza_add(xmpp_stanza_t *parent, const char *name,
                          const char *ns);

/*
 * Returns a new iq of @type ("result", "error") answering the iq @st:
 * its id, addressed to its sender. libstrophe 0.12's xmpp_stanza_reply()
 * fails on a stanza without 'from' (one from our own server or account).
 */
xmpp_stanza_t *stanza_iq_answer(xmpp_stanza_t *st, const char *type);

/* Returns a new XEP-0199 ping iq to @to (NULL: our server). */
xmpp_stanza_t *stanza_ping(xmpp_ctx_t *ctx, const char *to, const char *id);

struct stanza_error {
    const char *type;      /* cancel, modify, auth, wait, ... */
    const char *condition; /* item-not-found, ... */
    const char *text;      /* NULL if none */
};

/*
 * Reads the <error/> child of @st into @e; the strings are borrowed from
 * @st. Returns false if @st has none (then @e says undefined-condition).
 */
bool stanza_get_error(xmpp_stanza_t *st, struct stanza_error *e);

/*
 * Prints "WHO answered with an error: CONDITION (TYPE): TEXT" for the
 * error stanza @st and returns RC_REMOTE.
 */
int stanza_fail_error(const char *who, xmpp_stanza_t *st);

/* True if @st has type="error". */
bool stanza_is_error(xmpp_stanza_t *st);

#endif
