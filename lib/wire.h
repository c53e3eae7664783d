/* lib/wire.h - the server's bytes, screened on their way to libstrophe
 *
 * libstrophe 0.12 reads the stream with recv() (plaintext) and SSL_read()
 * (TLS) and offers no hook in between. This module defines both: the
 * dynamic linker binds libstrophe's calls to these definitions in our
 * executable, which call the real functions and pass what they read
 * through lib/guard before libstrophe parses it. Only the socket named by
 * wire_watch() is screened; everything else passes untouched.
 */
#ifndef STANZA_LIB_WIRE_H
#define STANZA_LIB_WIRE_H

/* Screens the connection on socket @fd from now on, with a new guard;
 * -1 screens nothing. */
void wire_watch(int fd);

/* The rule the server broke on the watched connection (then it was shut
 * down and libstrophe saw the end of the stream), or NULL. */
const char *wire_why(void);

#endif
