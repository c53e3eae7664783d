/* tests/unit/test-jid.c - jid_parse, jid_valid, jid_bare, jid_bare_equal
 *
 * Table-driven, in the manner of libstrophe's tests/test_jid.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jid.h"
#include "tests/unit/tap.h"

/* Renders @s for a TAP test name: printable ASCII as is, the rest as \xHH,
 * cut after about 60 bytes. */
static const char *esc(const char *s)
{
    static char buf[300];
    size_t o = 0;

    for (size_t i = 0; s[i] && o + 8 < sizeof(buf); i++) {
        unsigned char c = (unsigned char)s[i];

        if (i >= 60) {
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "...(%zu bytes)",
                                  strlen(s));
            break;
        }
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '#')
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", c);
    }
    buf[o] = '\0';
    return buf;
}

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);

    if (!s)
        abort();
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* A domain of exactly @n bytes made of labels of at most 63 bytes. */
static char *long_domain(size_t n)
{
    char *s = repeat('d', n);

    for (size_t i = 60; i < n - 1; i += 61)
        s[i] = '.';
    return s;
}

static char *concat3(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);

    if (!s)
        abort();
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

struct valid_case {
    const char *in;
    const char *local, *domain, *resource; /* NULL: absent */
};

static const struct valid_case valid[] = {
    { "user@example.org", "user", "example.org", NULL },
    { "example.org", NULL, "example.org", NULL },
    { "user@example.org/res", "user", "example.org", "res" },
    { "example.org/res", NULL, "example.org", "res" },
    { "user@example.org/a resource with spaces", "user", "example.org",
      "a resource with spaces" },
    { "user@example.org/ lead and trail ", "user", "example.org",
      " lead and trail " },
    { "user@example.org/@", "user", "example.org", "@" },
    { "user@example.org//", "user", "example.org", "/" },
    /* the resource starts at the first '/', even with '@' after it */
    { "a@b/c/d@e", "a", "b", "c/d@e" },
    /* libstrophe 0.12 splits this as local "a/b", domain "c" */
    { "a/b@c", NULL, "a", "b@c" },
    { "example.org/res@other.org", NULL, "example.org", "res@other.org" },
    { "user@example.org/\xe2\x98\x83", "user", "example.org", "\xe2\x98\x83" },
    /* IDN domains, as UTF-8 */
    { "user@m\xc3\xbcnchen.de", "user", "m\xc3\xbcnchen.de", NULL },
    { "\xe4\xbe\x8b@\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83"
      "\x88",
      "\xe4\xbe\x8b",
      "\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3"
      "\x83\x88",
      NULL },
    { "j\xc3\xbcrgen@example.org", "j\xc3\xbcrgen", "example.org", NULL },
    { "user@xn--mnchen-3ya.de", "user", "xn--mnchen-3ya.de", NULL },
    /* IP literals */
    { "[::1]", NULL, "[::1]", NULL },
    { "user@[::1]", "user", "[::1]", NULL },
    { "user@[2001:db8::1]/r", "user", "[2001:db8::1]", "r" },
    { "user@192.0.2.1", "user", "192.0.2.1", NULL },
    { "localhost", NULL, "localhost", NULL },
    /* a trailing dot is not part of the domain */
    { "user@example.org.", "user", "example.org", NULL },
    { "example.org./res", NULL, "example.org", "res" },
    /* the localpart is case-sensitive and kept as given */
    { "User@Example.ORG/Res", "User", "Example.ORG", "Res" },
    /* characters RFC 7622 allows in a localpart */
    { "a.b-c_d+e!f#g$h%i*j~k@example.org", "a.b-c_d+e!f#g$h%i*j~k",
      "example.org", NULL },
    { "a\\b@example.org", "a\\b", "example.org", NULL },
};

struct invalid_case {
    const char *in;
    const char *note;
};

static const struct invalid_case invalid[] = {
    { "", "empty" },
    { "@", "only '@'" },
    { "/", "only '/'" },
    { "@example.org", "empty local part" },
    { "user@", "empty domain" },
    { "user@/res", "empty domain before resource" },
    { "/res", "empty domain, resource only" },
    { "user@example.org/", "empty resource" },
    { "example.org/", "empty resource, no local" },
    { "a b@c", "space in local" },
    { "a\"b@c", "'\"' in local" },
    { "a&b@c", "'&' in local" },
    { "a'b@c", "''' in local" },
    { "a:b@c", "':' in local" },
    { "a<b@c", "'<' in local" },
    { "a>b@c", "'>' in local" },
    { "a\xc2\xa0"
      "b@c",
      "no-break space in local" },
    { "a\xe3\x80\x80"
      "b@c",
      "ideographic space in local" },
    { "user@@example.org", "two '@'" },
    { "user@exa mple.org", "space in domain" },
    { "user@exa<mple.org", "'<' in domain" },
    { "user@exa\\mple.org", "backslash in domain" },
    { "\xff@example.org", "invalid UTF-8 in local" },
    { "\x80user@example.org", "lone continuation byte in local" },
    { "user@\xc0\x80.org", "overlong in domain" },
    { "user@\xed\xa0\x80.org", "surrogate in domain" },
    { "user@example.org/\xc3", "truncated UTF-8 in resource" },
    { "user@example.org/\xf5\x80\x80\x80", "F5 lead byte in resource" },
    { "a\x01"
      "b@c",
      "C0 control in local" },
    { "a\x7f"
      "b@c",
      "DEL in local" },
    { "user@exam\x09ple.org", "tab in domain" },
    { "user@ex\xc2\x85.org", "C1 control in domain" },
    { "user@example.org/r\x07", "BEL in resource" },
    { "user@example.org/r\n", "newline in resource" },
    { "user@example.org/r\x7f", "DEL in resource" },
    { "user@example.org/r\xc2\x9b", "C1 CSI in resource" },
    { "user@[::1", "unterminated IP literal" },
    { "user@[::1]x", "junk after IP literal" },
    { ".", "domain is only a dot" },
    { "user@.example.org", "empty first label" },
    { "user@example..org", "empty middle label" },
    /* was a bug: lib/jid.c check_domain() accepts an empty label followed by
     * the trailing dot: "user@example.org.." parses, domain
     * "example.org." */
    { "user@example.org..", "empty label before the trailing dot" },
    { "a..", "empty label before the trailing dot, no local" },
    /* was a bug: lib/jid.c check_domain() does not look inside "[...]": an
     * empty or non-IP literal is accepted as a domain */
    { "user@[]", "empty IP literal" },
    { "user@[example.org]", "IP literal that is no address" },
};

struct eq_case {
    const char *a, *b;
    bool eq;
};

static const struct eq_case eq_cases[] = {
    { "user@example.org", "user@example.org", true },
    { "user@example.org", "user@EXAMPLE.ORG", true },
    { "user@Example.Org/a", "user@example.org/b", true },
    { "user@example.org/res", "user@example.org", true },
    { "user@example.org.", "user@example.org", true },
    { "example.org", "EXAMPLE.org/r", true },
    /* servers case-map local parts: a bounce from nobody@ is for Nobody@ */
    { "User@example.org", "user@example.org", true },
    { "ÉMILE@example.org", "émile@example.org", false }, /* ASCII only */
    { "user@example.org", "example.org", false },
    { "user@example.org", "user@example.com", false },
    { "user@example.org", "other@example.org", false },
    { "a/b@c", "b@c", false },
    { "", "", false },
    { "a b@c", "a b@c", false },
    { "user@", "user@", false },
    { "user@example.org", "", false },
};

struct bare_case {
    const char *in, *bare;
};

static const struct bare_case bare_cases[] = {
    { "user@example.org/res", "user@example.org" },
    { "user@example.org", "user@example.org" },
    { "example.org/res", "example.org" },
    { "User@Example.ORG./x", "User@Example.ORG" },
    { "a@b/c/d@e", "a@b" },
    { "a/b@c", "a" },
    { "user@[::1]/r", "user@[::1]" },
};

static void check_valid(const struct valid_case *t)
{
    char name[400];
    const char *why = "unset";
    struct jid *j = jid_parse(t->in, &why);

    snprintf(name, sizeof(name), "valid: %s", esc(t->in));
    ok(j != NULL, name);
    if (!j) {
        printf("#   why: %s\n", why ? why : "(null)");
        return;
    }
    snprintf(name, sizeof(name), "valid: %s: local", esc(t->in));
    is_str(j->local, t->local, name);
    snprintf(name, sizeof(name), "valid: %s: domain", esc(t->in));
    is_str(j->domain, t->domain, name);
    snprintf(name, sizeof(name), "valid: %s: resource", esc(t->in));
    is_str(j->resource, t->resource, name);
    snprintf(name, sizeof(name), "jid_valid(%s)", esc(t->in));
    ok(jid_valid(t->in, NULL), name);
    jid_free(j);
}

static void check_invalid(const struct invalid_case *t)
{
    char name[400];
    const char *why = NULL, *why2 = NULL;
    struct jid *j = jid_parse(t->in, &why);
    bool valid2 = jid_valid(t->in, &why2);

    snprintf(name, sizeof(name), "invalid (%s): %s", t->note, esc(t->in));
    ok(j == NULL && why != NULL && *why != '\0', name);
    if (j) {
        printf("#   got local '%s',", j->local ? esc(j->local) : "(null)");
        printf(" domain '%s',", esc(j->domain));
        printf(" resource '%s'\n", j->resource ? esc(j->resource) : "(null)");
    }
    /* jid_valid() agrees with jid_parse(), with and without @why */
    snprintf(name, sizeof(name), "invalid (%s): jid_valid agrees", t->note);
    ok(valid2 == (j != NULL) && (valid2 || why2 != NULL) &&
           jid_valid(t->in, NULL) == valid2,
       name);
    jid_free(j);
}

/* The length limits: 1023 bytes per part, 63 bytes per domain label. */
static void check_lengths(void)
{
    char *l1023 = repeat('l', 1023), *l1024 = repeat('l', 1024);
    char *r1023 = repeat('r', 1023), *r1024 = repeat('r', 1024);
    char *lab63 = repeat('x', 63), *lab64 = repeat('x', 64);
    char *d1023 = long_domain(1023), *d1024 = long_domain(1024);
    char *s;
    const char *why;
    struct jid *j;

    s = concat3(l1023, "@example.org", "");
    j = jid_parse(s, NULL);
    ok(j && strlen(j->local) == 1023, "1023-byte local part is valid");
    jid_free(j);
    free(s);

    s = concat3(l1024, "@example.org", "");
    why = NULL;
    ok(!jid_parse(s, &why) && why, "1024-byte local part is invalid");
    free(s);

    s = concat3("user@example.org/", r1023, "");
    j = jid_parse(s, NULL);
    ok(j && strlen(j->resource) == 1023, "1023-byte resource is valid");
    jid_free(j);
    free(s);

    s = concat3("user@example.org/", r1024, "");
    why = NULL;
    ok(!jid_parse(s, &why) && why, "1024-byte resource is invalid");
    free(s);

    s = concat3("user@", lab63, ".example.org");
    j = jid_parse(s, NULL);
    ok(j && strlen(j->domain) == 63 + 12, "63-byte domain label is valid");
    jid_free(j);
    free(s);

    s = concat3("user@", lab64, ".example.org");
    why = NULL;
    ok(!jid_parse(s, &why) && why, "64-byte domain label is invalid");
    free(s);

    s = concat3("user@example.", lab64, "");
    why = NULL;
    ok(!jid_parse(s, &why) && why, "64-byte last domain label is invalid");
    free(s);

    s = concat3("user@", lab63, ".");
    j = jid_parse(s, NULL);
    ok(j && strlen(j->domain) == 63,
       "63-byte label with trailing dot is valid, dot stripped");
    jid_free(j);
    free(s);

    s = concat3("user@", d1023, "/r");
    j = jid_parse(s, NULL);
    ok(j && strlen(j->domain) == 1023, "1023-byte domain is valid");
    jid_free(j);
    free(s);

    s = concat3("user@", d1024, "/r");
    why = NULL;
    ok(!jid_parse(s, &why) && why, "1024-byte domain is invalid");
    free(s);

    free(l1023);
    free(l1024);
    free(r1023);
    free(r1024);
    free(lab63);
    free(lab64);
    free(d1023);
    free(d1024);
}

int main(void)
{
    char name[400];

    for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
        check_valid(&valid[i]);
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
        check_invalid(&invalid[i]);
    check_lengths();

    for (size_t i = 0; i < sizeof(bare_cases) / sizeof(bare_cases[0]); i++) {
        const struct bare_case *t = &bare_cases[i];
        struct jid *j = jid_parse(t->in, NULL);
        char *b = j ? jid_bare(j) : NULL;

        snprintf(name, sizeof(name), "jid_bare(%s)", esc(t->in));
        is_str(b, t->bare, name);
        free(b);
        jid_free(j);
    }

    for (size_t i = 0; i < sizeof(eq_cases) / sizeof(eq_cases[0]); i++) {
        const struct eq_case *t = &eq_cases[i];
        char a[200];

        snprintf(a, sizeof(a), "%s", esc(t->a));
        snprintf(name, sizeof(name), "jid_bare_equal(%s, %s) is %s", a,
                 esc(t->b), t->eq ? "true" : "false");
        ok(jid_bare_equal(t->a, t->b) == t->eq, name);
        snprintf(name, sizeof(name), "jid_bare_equal(%s, %s) is symmetric",
                 esc(t->b), a);
        ok(jid_bare_equal(t->b, t->a) == t->eq, name);
    }

    jid_free(NULL);
    ok(1, "jid_free(NULL) is a no-op");
    return done_testing();
}
