/* lib/respond.h - answers owed to incoming IQs
 *
 * A client that stays online must answer every iq get/set (RFC 6120
 * §8.2.3): ping (XEP-0199), software version (XEP-0092) and disco#info
 * (XEP-0030, also for the node of our entity capabilities, XEP-0115) get
 * real answers, a roster push from our own account an empty result (RFC
 * 6121 §2.1.6), everything else service-unavailable.
 */
#ifndef STANZA_LIB_RESPOND_H
#define STANZA_LIB_RESPOND_H

#include "session.h"

#define NS_VERSION        "jabber:iq:version"
#define NS_CAPS           "http://jabber.org/protocol/caps"
#define RESPOND_CAPS_NODE "urn:stanza"

/* Installs the responder on @s's current connection; call again after
 * each reconnect. @name is what version queries are told (NULL:
 * "stanza"). */
void respond_install(struct session *s, const char *name);

/*
 * Adds @extra (NULL-terminated; borrowed, keep it alive) to the features
 * disco#info answers with: "NODE+notify" asks PEP services for the
 * events of NODE (XEP-0163). NULL: none.
 */
void respond_features(const char *const *extra);

/* Adds our entity capabilities (XEP-0115) to @presence: identity and
 * features, hashed; the responder answers for the caps node. */
void respond_caps(xmpp_stanza_t *presence);

#endif
