/* tests/unit/test-misc.c - account_parse_server, account_normalize_pin,
 * tls_pem_sha256, reconnect_jitter */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/account.h"
#include "lib/reconnect.h"
#include "lib/tls.h"
#include "tests/unit/tap.h"

struct server_case {
    const char *in;
    const char *host; /* on success */
    int rc;
    unsigned short port;
};

static const struct server_case server_cases[] = {
    { "host", "host", 0, 0 },
    { "xmpp.example.org", "xmpp.example.org", 0, 0 },
    { "host:5222", "host", 0, 5222 },
    { "host:1", "host", 0, 1 },
    { "host:65535", "host", 0, 65535 },
    { "127.0.0.1:5223", "127.0.0.1", 0, 5223 },
    { "[::1]:5223", "::1", 0, 5223 },
    { "[::1]", "::1", 0, 0 },
    { "[2001:db8::1]:5222", "2001:db8::1", 0, 5222 },
    { "::1", "::1", 0, 0 },
    { "2001:db8::1", "2001:db8::1", 0, 0 },
    { "host:0", NULL, -1, 0 },
    { "host:70000", NULL, -1, 0 },
    { "host:65536", NULL, -1, 0 },
    { "host:-1", NULL, -1, 0 },
    { ":5222", NULL, -1, 0 },
    { "host:", NULL, -1, 0 },
    { "host:abc", NULL, -1, 0 },
    { "host:52x", NULL, -1, 0 },
    { "host:99999999999999999999", NULL, -1, 0 },
    { "", NULL, -1, 0 },
    { ":", NULL, -1, 0 },
    { "[::1", NULL, -1, 0 },
    { "[::1]x", NULL, -1, 0 },
    { "[::1]:", NULL, -1, 0 },
    { "[::1]:0", NULL, -1, 0 },
    { "[::1]:70000", NULL, -1, 0 },
    { "[]:5222", NULL, -1, 0 },
    /* was a bug: lib/account.c account_parse_server() reads the port with
     * strtol(), which skips leading white space and takes a sign, so
     * these are accepted as port 5222 */
    { "host: 5222", NULL, -1, 0 },
    { "host:+5222", NULL, -1, 0 },
};

struct pin_case {
    const char *in;
    int rc;
    const char *out; /* on success */
    const char *name;
};

#define HEX64 "97db32ccbe28cc88c2adfbbf3d7bf3faaf8f8efeb15d58dfab7a2ef0be706c0a"
#define COLONS                                                                 \
    "97:DB:32:CC:BE:28:CC:88:C2:AD:FB:BF:3D:7B:F3:FA:AF:8F:8E:FE:B1:5D:58:DF:" \
    "AB:7A:2E:F0:BE:70:6C:0A"

static const struct pin_case pin_cases[] = {
    { HEX64, 0, HEX64, "64 lowercase hex digits" },
    { COLONS, 0, HEX64, "uppercase with colons (openssl -fingerprint)" },
    { "97DB32CCBE28CC88C2ADFBBF3D7BF3FAAF8F8EFEB15D58DFAB7A2EF0BE706C0A", 0,
      HEX64, "uppercase, no colons" },
    { "97:db:32:cc:be:28:cc:88:c2:ad:fb:bf:3d:7b:f3:fa:af:8f:8e:fe:b1:5d:58:"
      "df:ab:7a:2e:f0:be:70:6c:0a",
      0, HEX64, "lowercase with colons" },
    { "0000000000000000000000000000000000000000000000000000000000000000", 0,
      "0000000000000000000000000000000000000000000000000000000000000000",
      "all zeros" },
    { "97db32ccbe28cc88c2adfbbf3d7bf3faaf8f8efeb15d58dfab7a2ef0be706c0", -1,
      NULL, "63 digits" },
    { HEX64 "0", -1, NULL, "65 digits" },
    { "97db32ccbe28cc88c2adfbbf3d7bf3faaf8f8efeb15d58dfab7a2ef0be706c0g", -1,
      NULL, "non-hex 'g'" },
    { "sha256:" HEX64, -1, NULL, "with a 'sha256:' prefix" },
    { " " HEX64, -1, NULL, "leading space" },
    { HEX64 "\n", -1, NULL, "trailing newline" },
    { "97 db 32 cc be 28 cc 88 c2 ad fb bf 3d 7b f3 fa af 8f 8e fe b1 5d 58 df "
      "ab 7a 2e f0 be 70 6c 0a",
      -1, NULL, "spaces instead of colons" },
    { "0x97db32ccbe28cc88c2adfbbf3d7bf3faaf8f8efeb15d58dfab7a2ef0be706c0a", -1,
      NULL, "0x prefix" },
    { "97:DB:32:CC:BE:28:CC:88:C2:AD:FB:BF:3D:7B:F3:FA:AF:8F:8E:FE:B1:5D:58:DF:"
      "AB:7A:2E:F0:BE:70:6C",
      -1, NULL, "31 pairs with colons" },
    { "", -1, NULL, "empty" },
    { ":::", -1, NULL, "only colons" },
};

/* A self-signed P-256 certificate (CN=stanza.test), made once with
 *   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
 *       -nodes -days 36500 -subj /CN=stanza.test
 * and fingerprinted with
 *   openssl x509 -noout -fingerprint -sha256
 * which printed COLONS above. */
static const char cert_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBgzCCASmgAwIBAgIUI/RdU12L4RxRHFYTUDbk+JZLy/swCgYIKoZIzj0EAwIw\n"
    "FjEUMBIGA1UEAwwLc3RhbnphLnRlc3QwIBcNMjYxMTI1MDkzOTI2WhgPMjEyNjEx\n"
    "MDEwOTM5MjZaMBYxFDASBgNVBAMMC3N0YW56YS50ZXN0MFkwEwYHKoZIzj0CAQYI\n"
    "KoZIzj0DAQcDQgAEFHTmKihs9toBv8yEDurrZOjOBIv+PzzSJkA9jWpL6AL/ldqs\n"
    "Nv2kTIPjqHya/bmbV0+OGL4TdPGH1v8vjwvCVqNTMFEwHQYDVR0OBBYEFBzyc4qG\n"
    "fufKNumO3Bg1hpTW7fe3MB8GA1UdIwQYMBaAFBzyc4qGfufKNumO3Bg1hpTW7fe3\n"
    "MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgLqnEr1Byy6vsav8E\n"
    "UclhA3xiajgXxUFK4fae3ZCO1usCIQDsKxOP8xe6CBbXvOF7+zAaeUEYIUAiiY0M\n"
    "Inu5gc3yKg==\n"
    "-----END CERTIFICATE-----\n";

static void check_server(const struct server_case *t)
{
    char *host = NULL, name[200];
    unsigned short port = 4242;
    int rc = account_parse_server(t->in, &host, &port);

    if (t->rc == 0) {
        snprintf(name, sizeof(name), "account_parse_server(\"%s\"): %s, %u",
                 t->in, t->host, (unsigned)t->port);
        ok(rc == 0 && host && strcmp(host, t->host) == 0 && port == t->port,
           name);
    } else {
        snprintf(name, sizeof(name), "account_parse_server(\"%s\") fails",
                 t->in);
        ok(rc == -1, name);
    }
    if (rc != t->rc ||
        (rc == 0 && (!host || strcmp(host, t->host) != 0 || port != t->port)))
        printf("#   got %d, host '%s', port %u\n", rc, host ? host : "(null)",
               (unsigned)port);
    free(host);
}

static void check_pin(const struct pin_case *t)
{
    char buf[200], name[200];
    int rc;

    snprintf(buf, sizeof(buf), "%s", t->in);
    rc = account_normalize_pin(buf);
    snprintf(name, sizeof(name), "account_normalize_pin: %s", t->name);
    if (t->rc == 0) {
        ok(rc == 0 && strcmp(buf, t->out) == 0, name);
        if (rc != 0 || strcmp(buf, t->out) != 0)
            printf("#   got %d, '%s'\n", rc, buf);
    } else {
        ok(rc == -1, name);
    }
}

static void check_pem(void)
{
    char hex[65], pin[] = COLONS, *buf;
    size_t n = strlen(cert_pem);

    memset(hex, 'X', sizeof(hex));
    ok(tls_pem_sha256(cert_pem, hex) == 0, "tls_pem_sha256: parses");
    is_str(hex, HEX64, "tls_pem_sha256: SHA-256 of the certificate");
    ok(account_normalize_pin(pin) == 0 && strcmp(pin, hex) == 0,
       "tls_pem_sha256: matches the normalized openssl fingerprint");

    /* text before the PEM block is skipped, as openssl does */
    buf = malloc(n + 32);
    if (!buf)
        abort();
    snprintf(buf, n + 32, "subject=CN = stanza.test\n%s", cert_pem);
    memset(hex, 'X', sizeof(hex));
    ok(tls_pem_sha256(buf, hex) == 0 && strcmp(hex, HEX64) == 0,
       "tls_pem_sha256: text before the PEM block");

    /* a truncated certificate */
    memcpy(buf, cert_pem, n + 1);
    snprintf(buf + n / 2, n + 32 - n / 2, "\n-----END CERTIFICATE-----\n");
    ok(tls_pem_sha256(buf, hex) == -1, "tls_pem_sha256: truncated PEM fails");

    /* one changed base64 character in the signature */
    memcpy(buf, cert_pem, n + 1);
    buf[strstr(buf, "Inu5gc3yKg==") - buf] = 'J';
    memset(hex, 'X', sizeof(hex));
    ok(tls_pem_sha256(buf, hex) == 0 && strcmp(hex, HEX64) != 0 &&
           strlen(hex) == 64,
       "tls_pem_sha256: a changed byte changes the fingerprint");
    free(buf);

    ok(tls_pem_sha256("", hex) == -1, "tls_pem_sha256: empty string fails");
    ok(tls_pem_sha256("not a certificate", hex) == -1,
       "tls_pem_sha256: garbage fails");
    ok(tls_pem_sha256("-----BEGIN CERTIFICATE-----\nAAAA\n"
                      "-----END CERTIFICATE-----\n",
                      hex) == -1,
       "tls_pem_sha256: bad DER fails");
}

/* Each wait is the backoff give or take a quarter, and not always the
 * same (clients cut off together must not come back together). */
static void check_jitter(void)
{
    static const long long backoffs[] = { RECONNECT_FIRST_MS, 1000, 4000,
                                          RECONNECT_MAX_MS };
    char name[96];

    for (size_t i = 0; i < sizeof(backoffs) / sizeof(backoffs[0]); i++) {
        long long ms = backoffs[i], lo = ms, hi = ms, d;

        for (int k = 0; k < 1000; k++) {
            d = reconnect_jitter(ms);
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        snprintf(name, sizeof(name), "jitter %lld ms: within a quarter", ms);
        ok(lo >= ms * 3 / 4 && hi <= ms * 5 / 4, name);
        snprintf(name, sizeof(name), "jitter %lld ms: varies", ms);
        ok(lo < ms && hi > ms, name);
    }
}

int main(void)
{
    for (size_t i = 0; i < sizeof(server_cases) / sizeof(server_cases[0]); i++)
        check_server(&server_cases[i]);
    for (size_t i = 0; i < sizeof(pin_cases) / sizeof(pin_cases[0]); i++)
        check_pin(&pin_cases[i]);
    check_pem();
    check_jitter();
    return done_testing();
}
