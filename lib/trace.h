/* lib/trace.h - the traffic trace (-v, --trace FILE), secrets masked */
#ifndef STANZA_LIB_TRACE_H
#define STANZA_LIB_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#define TRACE_SECRET_MIN 8

/*
 * Returns a new copy of the XML text @s in which the content of SASL
 * elements (auth, response, challenge, success) and of <password/> is
 * replaced by "[redacted]", and any occurrence of @secret by "***" if
 * it is at least TRACE_SECRET_MIN bytes long (masking a shorter one would
 * reveal it). The caller frees it.
 */
char *trace_mask(const char *s, const char *secret);

/*
 * Writes "DIR XML" to @f, masked as trace_mask() does: on one line, or
 * with @pretty indented over several lines, each starting with DIR, when
 * @xml is one complete element (a stream header is not).
 */
void trace_write(FILE *f, const char *dir, const char *xml, const char *secret,
                 bool pretty);

/* Returns a new copy of @xml indented over several lines (two spaces a
 * level, text kept inline) if it is one well-formed element, or NULL. */
char *trace_indent(const char *xml);

#endif
