/* lib/jid.c - JID parsing and validation (RFC 7622 shape)
 *
 * libstrophe 0.12's helpers validate nothing and split "a/b@c" wrongly:
 * the resource starts at the first '/', and only the part before it may
 * hold the '@' that ends the localpart.
 */
#include "jid.h"

#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <strings.h>

#include "text.h"

/* Characters RFC 7622 §3.3.1 forbids in a localpart. */
static bool local_forbidden(uint32_t c)
{
    return c == '"' || c == '&' || c == '\'' || c == '/' || c == ':' ||
           c == '<' || c == '>' || c == '@';
}

static bool space_or_control(uint32_t c)
{
    return c <= 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
           c == 0x202f || c == 0x205f || c == 0x3000 || c == 0xfffe ||
           c == 0xffff;
}

enum part { LOCAL, DOMAIN, RESOURCE };

static const char *check_chars(const char *s, size_t n, enum part p)
{
    size_t i = 0;

    while (i < n) {
        uint32_t c;
        size_t len = utf8_decode(s + i, n - i, &c);

        if (len == 0)
            return "invalid UTF-8";
        if (p == RESOURCE ? (c < 0x20 || (c >= 0x7f && c <= 0x9f))
                          : space_or_control(c))
            return p == RESOURCE ? "control character in resource"
                                 : "space or control character";
        if (p == LOCAL && local_forbidden(c))
            return "character not allowed in the local part";
        if (p == DOMAIN && (c == '@' || c == '/' || c == '\\' || c == '<' ||
                            c == '>' || c == '"' || c == '\'' || c == '&'))
            return "character not allowed in the domain";
        i += len;
    }
    return NULL;
}

static const char *check_ip_literal(const char *s, size_t n)
{
    char buf[64];
    struct in6_addr a;

    if (n < 3 || s[n - 1] != ']' || n - 2 >= sizeof(buf))
        return "bad IP literal";
    memcpy(buf, s + 1, n - 2);
    buf[n - 2] = '\0';
    return inet_pton(AF_INET6, buf, &a) == 1 ? NULL : "bad IP literal";
}

static const char *check_domain(const char *s, size_t n)
{
    const char *why = check_chars(s, n, DOMAIN);
    size_t label = 0;

    if (why)
        return why;
    if (s[0] == '[')
        return check_ip_literal(s, n);
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '.') {
            if (++label > 63)
                return "domain label longer than 63 bytes";
            continue;
        }
        /* one trailing dot is allowed after a non-empty label */
        if (label == 0)
            return "empty domain label";
        label = 0;
    }
    return NULL;
}

static const char *check_part(const char *s, size_t n, enum part p)
{
    if (n == 0)
        return p == LOCAL    ? "empty local part"
               : p == DOMAIN ? "empty domain"
                             : "empty resource";
    if (n > JID_PART_MAX)
        return "part longer than 1023 bytes";
    return p == DOMAIN ? check_domain(s, n) : check_chars(s, n, p);
}

struct jid *jid_parse(const char *s, const char **why)
{
    const char *slash = strchr(s, '/');
    size_t head = slash ? (size_t)(slash - s) : strlen(s);
    const char *at = memchr(s, '@', head);
    const char *dom = at ? at + 1 : s;
    size_t dlen = head - (size_t)(dom - s);
    const char *w = NULL;
    struct jid *j;

    if (at)
        w = check_part(s, (size_t)(at - s), LOCAL);
    if (!w)
        w = check_part(dom, dlen, DOMAIN);
    if (!w && slash)
        w = check_part(slash + 1, strlen(slash + 1), RESOURCE);
    if (w) {
        if (why)
            *why = w;
        return NULL;
    }
    j = calloc(1, sizeof(*j));
    if (!j)
        abort();
    j->local = at ? strndup(s, (size_t)(at - s)) : NULL;
    /* a trailing dot is not part of the domain (RFC 7622 §3.2) */
    j->domain =
        strndup(dom, dlen > 1 && dom[dlen - 1] == '.' ? dlen - 1 : dlen);
    j->resource = slash ? strdup(slash + 1) : NULL;
    return j;
}

void jid_free(struct jid *j)
{
    if (!j)
        return;
    free(j->local);
    free(j->domain);
    free(j->resource);
    free(j);
}

bool jid_valid(const char *s, const char **why)
{
    struct jid *j = jid_parse(s, why);

    jid_free(j);
    return j != NULL;
}

char *jid_bare(const struct jid *j)
{
    size_t n = strlen(j->domain) + (j->local ? strlen(j->local) + 1 : 0) + 1;
    char *s = malloc(n);

    if (!s)
        abort();
    if (j->local)
        snprintf(s, n, "%s@%s", j->local, j->domain);
    else
        snprintf(s, n, "%s", j->domain);
    return s;
}

static bool eq_nocase(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcasecmp(a, b) == 0);
}

/* Local parts and domains compare ASCII-case-insensitively: servers case-map
 * them (PRECIS UsernameCaseMapped), so nobody@x answers for Nobody@x. */
static bool equal(const char *a, const char *b, bool resource)
{
    struct jid *x = jid_parse(a, NULL), *y = jid_parse(b, NULL);
    bool eq =
        x && y && eq_nocase(x->domain, y->domain) &&
        eq_nocase(x->local, y->local) &&
        (!resource || (!x->resource && !y->resource) ||
         (x->resource && y->resource && strcmp(x->resource, y->resource) == 0));

    jid_free(x);
    jid_free(y);
    return eq;
}

bool jid_bare_equal(const char *a, const char *b)
{
    return equal(a, b, false);
}

bool jid_equal(const char *a, const char *b)
{
    return equal(a, b, true);
}

bool jid_valid_resource(const char *s, const char **why)
{
    const char *w = check_part(s, strlen(s), RESOURCE);

    if (w && why)
        *why = w;
    return w == NULL;
}
