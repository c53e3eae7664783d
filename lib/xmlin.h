/* lib/xmlin.h - XML that users type or pipe in, checked before sending
 *
 * Input is parsed inside a wrapper element, so a DOCTYPE (and with it any
 * entity declaration) is a syntax error and only the predefined entities
 * exist: no DTD is loaded, no entity expanded, nothing fetched. Each
 * top-level element must be a message, presence or iq (or, for a payload,
 * the one element of any name), within the size and depth limits. Parsed with
 * expat, which libstrophe already loads.
 */
#ifndef STANZA_LIB_XMLIN_H
#define STANZA_LIB_XMLIN_H

#include <stddef.h>

#include <strophe.h>

#define XMLIN_MAX_BYTES (256 * 1024) /* per stanza */
#define XMLIN_MAX_DEPTH 64

struct xmlin {
    xmpp_stanza_t **st; /* owned */
    size_t n;
};

/*
 * Parses @text (@len bytes) into stanzas. Returns 0, or -1 after writing
 * "line L, column C: what" to @err.
 */
int xmlin_parse(xmpp_ctx_t *ctx, const char *text, size_t len,
                struct xmlin *out, char *err, size_t errlen);

/*
 * The same checks for a payload (a pubsub item, say): @text must be
 * exactly one element, of any name. Returns 0 with *@out a new stanza the
 * caller releases, or -1 after writing what is wrong to @err.
 */
int xmlin_element(xmpp_ctx_t *ctx, const char *text, size_t len,
                  xmpp_stanza_t **out, char *err, size_t errlen);

void xmlin_free(struct xmlin *in);

enum xmlin_status {
    XMLIN_EMPTY,      /* only white space */
    XMLIN_INCOMPLETE, /* well-formed so far: more is needed */
    XMLIN_COMPLETE,   /* one or more whole stanzas: xmlin_parse() them */
    XMLIN_BAD,        /* malformed, or not allowed: @err says where */
};

/*
 * For input typed or piped a line at a time: is @text (@len bytes) whole
 * stanzas yet? Applies every check xmlin_parse() does that can be made
 * on a part. Lines in @err are numbered from @line.
 */
enum xmlin_status xmlin_status(const char *text, size_t len, long line,
                               char *err, size_t errlen);

#endif
