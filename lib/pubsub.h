/* lib/pubsub.h - publish-subscribe (XEP-0060, XEP-0163): requests,
 * payloads, items and event notifications
 *
 * Payloads come in three kinds: XML given by the user (one element,
 * checked by lib/xmlin before anything is sent), text wrapped in
 * <text xmlns="urn:stanza:text:0"/>, and JSON wrapped in a XEP-0335 JSON
 * container <json xmlns="urn:xmpp:json:0"/>. Items and events print the
 * payload as XML, and also its text or its decoded JSON when it is one
 * of the last two.
 */
#ifndef STANZA_LIB_PUBSUB_H
#define STANZA_LIB_PUBSUB_H

#include <stdbool.h>
#include <stddef.h>

#include <strophe.h>

#include "form.h"
#include "out.h"
#include "session.h"

#define NS_PUBSUB        "http://jabber.org/protocol/pubsub"
#define NS_PUBSUB_OWNER  "http://jabber.org/protocol/pubsub#owner"
#define NS_PUBSUB_EVENT  "http://jabber.org/protocol/pubsub#event"
#define NS_PUBSUB_ERRORS "http://jabber.org/protocol/pubsub#errors"
#define NS_JSON          "urn:xmpp:json:0"
#define NS_TEXT_PAYLOAD  "urn:stanza:text:0"

/* The form types of node configuration, publish and subscribe options */
#define PUBSUB_NODE_CONFIG     NS_PUBSUB "#node_config"
#define PUBSUB_PUBLISH_OPTIONS NS_PUBSUB "#publish-options"
#define PUBSUB_SUBSCRIBE_OPTS  NS_PUBSUB "#subscribe_options"

/*
 * Returns a new <iq type=@type to=@to><pubsub xmlns=@ns><@verb
 * node=@node/></pubsub></iq>; @to and @node may be NULL (left out).
 * *@el (if @el is not NULL) is the @verb element, borrowed from the iq.
 * The caller releases the iq.
 */
xmpp_stanza_t *pubsub_iq(xmpp_ctx_t *ctx, const char *type, const char *to,
                         const char *ns, const char *verb, const char *node,
                         xmpp_stanza_t **el);

enum pubsub_kind { PUBSUB_XML, PUBSUB_TEXT, PUBSUB_JSON };

/*
 * Makes the payload of an item from @len bytes of @data: XML (exactly
 * one element), text, or a JSON document. Returns RC_OK with *@out a new
 * element the caller releases, or RC_DATAERR with what is wrong in @err.
 */
int pubsub_payload(xmpp_ctx_t *ctx, enum pubsub_kind kind, const char *data,
                   size_t len, xmpp_stanza_t **out, char *err, size_t errlen);

/* The first element child of @item (its payload), or NULL; borrowed. */
xmpp_stanza_t *pubsub_payload_of(xmpp_stanza_t *item);

/* The pubsub-specific condition of the error stanza @st
 * (precondition-not-met, not-subscribed, ...), or NULL; borrowed. */
const char *pubsub_error_condition(xmpp_stanza_t *st);

/*
 * Adds to the node configuration form @f the fields that @in sets, @f
 * lacks and XEP-0060 registers for pubsub#node_config (§16.4.4), with
 * their registered types: a service may leave out of its form an option
 * it has no value for (ejabberd shows pubsub#title only once a node has
 * one) and still take it. Others stay unknown, for form_apply() to
 * refuse.
 */
void pubsub_config_complete(struct form *f, const struct form_input *in);

/*
 * Prints an <item/> (or a <retract/>) through @o: JSON {id, publisher,
 * retract, xml, text, json}; text " item ID" and ": TEXT" for text and
 * JSON payloads when @inline_ (an event), else "ID: PAYLOAD" (the
 * payload's text, its JSON or its XML), a line when printed at the top.
 */
void pubsub_print_item(struct out *o, xmpp_stanza_t *item, bool inline_);

/* True if the <event/> @ev carries what pubsub_print_event() prints. */
bool pubsub_event_known(xmpp_stanza_t *ev);

/*
 * Prints the <event xmlns=NS_PUBSUB_EVENT/> @ev (may be NULL: nothing) as
 * member "event" of a record: JSON {node, items [item]} for items
 * published and retracted, {node, purge: true}, {node, delete: true,
 * redirect}, {node, configuration: true, form}, {node, subscription:
 * {jid, subscription, subid}}; text " event NODE ..." on the record's
 * line.
 */
void pubsub_print_event(struct out *o, xmpp_stanza_t *ev);

/*
 * Finds the pubsub service of our server: the first item of its disco
 * items whose identity is pubsub/service. Returns RC_OK with *@jid a new
 * string the caller frees, RC_REMOTE if there is none (*@jid NULL), or
 * the session's code; prints nothing.
 */
int pubsub_find_service(struct session *s, char **jid);

#endif
