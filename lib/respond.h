/* lib/respond.h - answers owed to incoming IQs
 *
 * A client that stays online must answer every iq get/set (RFC 6120
 * §8.2.3): ping (XEP-0199), software version (XEP-0092) and disco#info
 * (XEP-0030) get real answers, a roster push from our own account an
 * empty result (RFC 6121 §2.1.6), everything else service-unavailable.
 */
#ifndef STANZA_LIB_RESPOND_H
#define STANZA_LIB_RESPOND_H

#include "session.h"

#define NS_VERSION "jabber:iq:version"

/* Installs the responder on @s's current connection; call again after
 * each reconnect. @name is what version queries are told (NULL:
 * "stanza"). */
void respond_install(struct session *s, const char *name);

#endif
