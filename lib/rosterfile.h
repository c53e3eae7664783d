/* lib/rosterfile.h - the roster document of `roster export` and `import`
 *
 *     {"version": 1, "contacts": [{"jid": "bob@example.org",
 *      "name": "Bob", "groups": ["Friends"]}, ...]}
 *
 * Import also takes a bare array of such contacts, as `roster list --json`
 * prints them (members other than jid, name and groups are ignored).
 */
#ifndef STANZA_LIB_ROSTERFILE_H
#define STANZA_LIB_ROSTERFILE_H

#include <stddef.h>

#include "out.h"
#include "roster.h"

#define ROSTERFILE_MAX (16L * 1024 * 1024)

/*
 * Parses the document @buf (@len bytes) into @r: items with jid, name
 * and groups (sorted, without duplicates), in the document's order.
 * Returns RC_OK, or RC_DATAERR after printing "@what: where: why".
 */
int rosterfile_parse(const char *buf, size_t len, const char *what,
                     struct roster *r);

/* Reads @path ("-": standard input) and parses it. RC_NOINPUT if it
 * cannot be read, RC_DATAERR if it is over ROSTERFILE_MAX. */
int rosterfile_read(const char *path, struct roster *r);

/* Prints @r as a roster document (always JSON, whatever @o's mode). */
void rosterfile_print(struct out *o, const struct roster *r);

#endif
