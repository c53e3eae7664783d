/* lib/tls.c - whom we trust: CA lookup and certificate pinning */
#include "tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define NO_CA "/nonexistent/stanza-trusts-nothing-here"

static char *saved_file, *saved_dir;
static bool saved;

static void save(void)
{
    const char *f = getenv("SSL_CERT_FILE"), *d = getenv("SSL_CERT_DIR");

    saved_file = f ? strdup(f) : NULL;
    saved_dir = d ? strdup(d) : NULL;
    saved = true;
}

void tls_trust_setup(const char *ca_file, bool pin)
{
    tls_trust_restore();
    save();
    if (pin || ca_file) {
        setenv("SSL_CERT_FILE", NO_CA, 1);
        setenv("SSL_CERT_DIR", NO_CA, 1);
    } else if (!saved_file && !saved_dir) {
        setenv("SSL_CERT_FILE", NO_CA, 1); /* the directory stays */
    }
}

static void put_back(const char *name, char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
    free(value);
}

void tls_trust_restore(void)
{
    if (!saved)
        return;
    put_back("SSL_CERT_FILE", saved_file);
    put_back("SSL_CERT_DIR", saved_dir);
    saved_file = saved_dir = NULL;
    saved = false;
}

int tls_pem_sha256(const char *pem, char *hex)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    int rc = -1;

    if (x && X509_digest(x, EVP_sha256(), md, &n) == 1 && n == 32) {
        for (unsigned i = 0; i < n; i++)
            snprintf(hex + 2 * i, 3, "%02x", md[i]);
        rc = 0;
    }
    X509_free(x);
    BIO_free(bio);
    return rc;
}

int tls_cert_refuse(const xmpp_tlscert_t *cert, const char *errmsg, char *err,
                    size_t errlen)
{
    const char *subject = xmpp_tlscert_get_string(cert, XMPP_CERT_SUBJECT);
    const char *pem = xmpp_tlscert_get_pem(cert);
    char fp[65] = "unknown";

    if (pem)
        tls_pem_sha256(pem, fp);
    snprintf(err, errlen,
             "server certificate not trusted (%s%s%.120s, SHA-256 %s)",
             errmsg ? errmsg : "verification failed",
             subject ? ", subject " : "", subject ? subject : "", fp);
    return 0;
}

bool tls_pin_matches(const char *pem, const char *pin, char *err, size_t errlen)
{
    char fp[65];

    if (pem && tls_pem_sha256(pem, fp) == 0 && strcmp(fp, pin) == 0)
        return true;
    snprintf(err, errlen,
             "server certificate does not match --pin (its SHA-256 is %s)",
             pem && tls_pem_sha256(pem, fp) == 0 ? fp : "unknown");
    return false;
}

bool tls_ca_file_ok(const char *path)
{
    X509_STORE *st = X509_STORE_new();
    bool ok = st && X509_STORE_load_file(st, path) == 1;

    X509_STORE_free(st);
    ERR_clear_error();
    return ok;
}
