/* lib/jid.h - JID parsing and validation (RFC 7622 shape) */
#ifndef STANZA_LIB_JID_H
#define STANZA_LIB_JID_H

#include <stdbool.h>
#include <stddef.h>

#define JID_PART_MAX 1023

struct jid {     /* owns all fields; free with jid_free() */
    char *local; /* NULL if absent */
    char *domain;
    char *resource; /* NULL if absent */
};

/*
 * Returns a new jid, or NULL if @s is not a valid JID; then *@why (if not
 * NULL) says what is wrong, as a static string. The caller frees the jid
 * with jid_free().
 */
struct jid *jid_parse(const char *s, const char **why);
void jid_free(struct jid *j); /* NULL is a no-op */

/* True if @s is a valid JID; *@why as for jid_parse(). */
bool jid_valid(const char *s, const char **why);

/* True if @s may be a resourcepart; *@why as for jid_parse(). */
bool jid_valid_resource(const char *s, const char **why);

/* Returns a new string "local@domain" (or "domain"); the caller frees it. */
char *jid_bare(const struct jid *j);

/*
 * True if the bare parts of @a and @b are equal (local part and domain
 * compared ASCII-case-insensitively). Invalid JIDs are never equal.
 */
bool jid_bare_equal(const char *a, const char *b);

/* The same, resources included (compared exactly). */
bool jid_equal(const char *a, const char *b);

#endif
