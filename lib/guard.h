/* lib/guard.h - what the server sends, checked before libstrophe parses it
 *
 * libstrophe 0.12 builds every stanza whole, with no limit: a deeply
 * nested stanza overflows the stack when it is printed or freed (both
 * recursive), a DOCTYPE lets expat expand entity bombs for minutes, and
 * a big text made of many pieces (lines, references) is assembled in
 * quadratic time. The guard reads the server's bytes first (lib/wire.c
 * hands them over) and stops the stream at the first byte that breaks
 * one of its rules; libstrophe never sees that byte.
 */
#ifndef STANZA_LIB_GUARD_H
#define STANZA_LIB_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#define GUARD_MAX_DEPTH  128               /* elements inside a stanza */
#define GUARD_MAX_STANZA (4 * 1024 * 1024) /* bytes of one stanza or tag */
/* Bytes libstrophe copies to assemble texts (it appends each piece expat
 * reports with strncat(), which reads the whole text so far): about a
 * second of work. A 256 KiB body of one-character lines, the worst a
 * client can send through a server with the usual 256 KiB stanza limit,
 * costs half of it. */
#define GUARD_MAX_COST (1ULL << 36)

struct guard {
    int state;
    char quote;  /* in an attribute value: its quote */
    int depth;   /* open elements; 1: inside the stream */
    size_t unit; /* bytes of the stanza (or tag) being read */
    size_t text; /* bytes of the text being read */
    unsigned long long cost;
    char name[16];   /* the start of a tag's name */
    size_t name_len; /* its length, even past the buffer */
    bool in_name;
    size_t match;    /* of the sequence that ends a comment, CDATA, PI */
    bool slash;      /* the last byte in a tag was '/' */
    const char *why; /* the rule broken, once one is */
};

void guard_init(struct guard *g);

/*
 * Reads @n bytes of the stream. Returns how many of them may be parsed:
 * @n, or fewer when byte number (return value) breaks a rule; then
 * g->why says which, and every later call returns 0.
 */
size_t guard_feed(struct guard *g, const char *buf, size_t n);

#endif
