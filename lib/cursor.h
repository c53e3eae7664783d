/* lib/cursor.h - a cursor file: where a reader of the archive left off
 *
 * One line: the XEP-0359 archive id of the last message a command handed
 * on, or nothing: the archive's start (it was empty when the place was
 * taken). Written whole or not at all (a temporary file renamed over it),
 * mode 0600: ids say nothing secret, but whose messages they follow is
 * the user's business.
 */
#ifndef STANZA_LIB_CURSOR_H
#define STANZA_LIB_CURSOR_H

#include <stdbool.h>

#define CURSOR_ID_MAX 256 /* bytes of an id: printable ASCII, no space */

/* True if @id could be an archive id worth keeping. */
bool cursor_id_valid(const char *id);

/*
 * Reads @path into *@id (the caller frees it; "" for the archive's
 * start), or *@id = NULL when the file does not exist yet. Returns RC_OK, or,
 * said on stderr, RC_NOINPUT (unreadable) or RC_DATAERR (not one archive id).
 */
int cursor_read(const char *path, char **id);

/* RC_OK if @path can be written (its directory, and the file if it
 * exists); else says why and returns RC_IOERR. Checked before
 * connecting, so that a run does not end with its place lost. */
int cursor_check(const char *path);

/* Replaces @path with @id ("": the archive's start) and a newline (a temporary
 * file in the same directory, renamed over it). RC_OK or, said, RC_IOERR. */
int cursor_write(const char *path, const char *id);

#endif
