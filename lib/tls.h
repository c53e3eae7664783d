/* lib/tls.h - whom we trust: CA lookup and certificate pinning */
#ifndef STANZA_LIB_TLS_H
#define STANZA_LIB_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <strophe.h>

/*
 * Points OpenSSL's default verify paths (which libstrophe loads on every
 * connection) at what we trust, until tls_trust_restore():
 * - with @pin, nothing: every certificate goes to tls_cert_check();
 * - with @ca_file, only that file (libstrophe adds it), as curl --cacert;
 * - otherwise the hashed system directory, looked up lazily, instead of
 *   parsing the whole CA bundle on each connection (DESIGN.md §7).
 * A user's own SSL_CERT_FILE or SSL_CERT_DIR is left alone.
 */
void tls_trust_setup(const char *ca_file, bool pin);
void tls_trust_restore(void);

/*
 * The certfail decision for @cert: with @pin (64 lowercase hex digits),
 * accept exactly the certificate with that SHA-256 fingerprint; without,
 * refuse. Writes the reason for a refusal to @err. Returns 1 to accept.
 */
int tls_cert_check(const xmpp_tlscert_t *cert, const char *errmsg,
                   const char *pin, char *err, size_t errlen);

/* Writes the SHA-256 fingerprint of the PEM certificate @pem to @hex
 * (65 bytes). Returns 0 or -1. */
int tls_pem_sha256(const char *pem, char *hex);

#endif
