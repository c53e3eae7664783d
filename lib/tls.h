/* lib/tls.h - whom we trust: CA lookup and certificate pinning */
#ifndef STANZA_LIB_TLS_H
#define STANZA_LIB_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <strophe.h>

/*
 * Points OpenSSL's default verify paths (which libstrophe loads on every
 * connection) at what we trust, until tls_trust_restore():
 * - with @pin, nothing: the certificate is checked against the pin once
 *   the handshake is done (see lib/session.c);
 * - with @ca_file, only that file (libstrophe adds it), as curl --cacert;
 * - otherwise the hashed system directory, looked up lazily, instead of
 *   parsing the whole CA bundle on each connection (DESIGN.md §7).
 * A user's own SSL_CERT_FILE or SSL_CERT_DIR is left alone.
 */
void tls_trust_setup(const char *ca_file, bool pin);
void tls_trust_restore(void);

/*
 * The certfail decision for @cert without a pin: refuse, and write why to
 * @err, with the certificate's subject and SHA-256 fingerprint (for
 * --pin, once checked by other means). Returns 0.
 */
int tls_cert_refuse(const xmpp_tlscert_t *cert, const char *errmsg, char *err,
                    size_t errlen);

/*
 * True if the PEM certificate @pem has the SHA-256 fingerprint @pin (64
 * lowercase hex digits); otherwise writes why to @err.
 */
bool tls_pin_matches(const char *pem, const char *pin, char *err,
                     size_t errlen);

/* True if @path is a file of PEM certificates OpenSSL can load. */
bool tls_ca_file_ok(const char *path);

/* Writes the SHA-256 fingerprint of the PEM certificate @pem to @hex
 * (65 bytes). Returns 0 or -1. */
int tls_pem_sha256(const char *pem, char *hex);

#endif
