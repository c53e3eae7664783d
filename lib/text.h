/* lib/text.h - UTF-8 decoding and checks on text we send or print */
#ifndef STANZA_LIB_TEXT_H
#define STANZA_LIB_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Decodes one UTF-8 sequence from @s (at most @n bytes) into @cp.
 * Returns its length (1-4), or 0 if it is not valid UTF-8 (overlong,
 * surrogate, above U+10FFFF, truncated).
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* True if @cp may appear in XML 1.0 character data. */
bool text_xml_char(uint32_t cp);

/*
 * Checks that @s is valid UTF-8 made of characters XML allows.
 * On failure returns false, sets *@off to the byte offset and *@why to
 * "invalid UTF-8" or "control character".
 */
bool text_check_xml(const char *s, size_t n, size_t *off, const char **why);

/*
 * Checks text we are about to send: valid UTF-8, no character XML
 * forbids, at most @max bytes (0: no limit). On failure prints
 * "WHAT[ INDEX]: why — nothing was sent" (INDEX if not 0) and returns
 * RC_DATAERR; otherwise RC_OK.
 */
int text_check_input(const char *what, size_t index, const char *s, size_t max);

/*
 * Writes @s to @f for a terminal: invalid UTF-8, C0/C1 controls (but
 * tab and, if @keep_nl, newline), DEL and bidi overrides become U+FFFD.
 */
void text_put_safe(FILE *f, const char *s, bool keep_nl);

/* Columns @s takes once written by text_put_safe(): one per character
 * (wide and combining characters are not told apart). */
size_t text_width(const char *s);

/* Writes @s (@n bytes, or up to its NUL if @n < 0) escaped for XML text
 * (& < >) or, with @attr, for an attribute value in double quotes. */
void text_put_xml(FILE *f, const char *s, int n, bool attr);

#endif
