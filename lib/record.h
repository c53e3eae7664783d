/* lib/record.h - the generic stanza record (DESIGN.md §5)
 *
 * One converter from a received stanza to its text, JSON and XML
 * renderings, for every command that prints stanzas. Known parts become
 * fields; every other child element is kept, serialized, in "payloads",
 * so the JSON never loses information.
 */
#ifndef STANZA_LIB_RECORD_H
#define STANZA_LIB_RECORD_H

#include <strophe.h>

#include "out.h"

#define NS_DELAY        "urn:xmpp:delay"
#define NS_CHATSTATES   "http://jabber.org/protocol/chatstates"
#define NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"

/*
 * Prints @st as one record through @o: a JSON object, a line of text, or
 * the stanza itself on one line (newlines escaped as &#10;).
 */
void record_print(struct out *o, xmpp_stanza_t *st);

/*
 * The same with the direction of the traffic: @dir "in" or "out" becomes
 * the first field ("dir") of the JSON object, and the "<< " or ">> "
 * before the line of text or XML.
 */
void record_print_dir(struct out *o, xmpp_stanza_t *st, const char *dir);

/*
 * If @st (may be NULL) is an error stanza, prints its <error/> as member @key:
 * JSON {type, condition, text}, text " error CONDITION: TEXT".
 */
void record_print_error(struct out *o, const char *key, xmpp_stanza_t *st);

/*
 * Returns a new one-line serialization of @st (raw newlines and carriage
 * returns written as character references); the caller frees it.
 */
char *record_xml(xmpp_stanza_t *st);

#endif
