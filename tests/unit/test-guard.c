/* tests/unit/test-guard.c - the checks on what the server sends */
#include <stdlib.h>
#include <string.h>

#include "lib/guard.h"
#include "tests/unit/tap.h"

#define HEADER                                                   \
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " \
    "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

/* Feeds @s whole; returns the guard's verdict (NULL: all of it passes). */
static const char *verdict(const char *s, size_t *passed)
{
    static struct guard g;
    size_t n = strlen(s), ok;

    guard_init(&g);
    ok = guard_feed(&g, s, n);
    if (passed)
        *passed = ok;
    return g.why;
}

/* "<x>" * n then "</x>" * n inside a message after the header */
static char *nested(int n)
{
    size_t len = strlen(HEADER) + 64 + 7 * (size_t)n;
    char *s = malloc(len), *p;

    if (!s)
        abort();
    p = s + sprintf(s, "%s<message>", HEADER);
    for (int i = 0; i < n; i++)
        p += sprintf(p, "<x>");
    for (int i = 0; i < n; i++)
        p += sprintf(p, "</x>");
    strcpy(p, "</message>");
    return s;
}

/* a message whose body is @n bytes of @unit repeated */
static char *body(size_t n, const char *unit)
{
    size_t u = strlen(unit);
    char *s = malloc(strlen(HEADER) + n + 64), *p;

    if (!s)
        abort();
    p = s + sprintf(s, "%s<message><body>", HEADER);
    for (size_t i = 0; i < n; i++)
        *p++ = unit[i % u];
    strcpy(p, "</body></message>");
    return s;
}

int main(void)
{
    struct guard g;
    size_t passed = 0;
    char *s;

    ok(!verdict(HEADER "<stream:features><starttls xmlns='urn:ietf:params:"
                       "xml:ns:xmpp-tls'><required/></starttls>"
                       "</stream:features><proceed/>",
                NULL),
       "a stream header and its features pass");
    ok(!verdict(HEADER "<message to='a@b' x=\"<>\" y='/>'><body>a &amp; "
                       "b\n<![CDATA[<not a tag>]]></body><!-- c --><?pi x?>"
                       "<e/></message></stream:stream>",
                NULL),
       "quotes, CDATA, comments, PIs and empty elements pass");
    /* after STARTTLS and SASL the stream starts again, unclosed */
    s = nested(120);
    ok(!verdict(HEADER HEADER HEADER "<iq/>", NULL) && !verdict(s, NULL),
       "restarted streams, and 120 levels, pass");
    free(s);
    s = nested(200);
    is_str(verdict(s, &passed), "a stanza nested over 128 levels deep",
           "200 levels are stopped");
    ok(passed == strlen(HEADER) + strlen("<message>") + 128 * 3 - 1,
       "... at the '>' of the 129th level, before it is parsed");
    free(s);
    is_str(
        verdict("<?xml version='1.0'?><!DOCTYPE s [<!ENTITY a 'b'>]>", &passed),
        "a document type declaration (DOCTYPE), which XMPP forbids",
        "a DOCTYPE is stopped");
    ok(passed == strlen("<?xml version='1.0'?><!"), "... at its 'D'");
    ok(verdict(HEADER "<message><!ENTITY x 'y'></message>", NULL) != NULL,
       "an entity declaration is stopped");
    s = body(GUARD_MAX_STANZA, "A");
    is_str(verdict(s, NULL), "a stanza over 4 MiB", "4 MiB of body stopped");
    free(s);
    s = body(GUARD_MAX_STANZA - 4096, "A");
    ok(!verdict(s, NULL), "just under 4 MiB passes");
    free(s);
    s = body(250000, "a\n");
    ok(!verdict(s, NULL), "a 250 KB body of short lines passes");
    free(s);
    s = body(1000000, "a\n");
    ok(verdict(s, NULL) && strstr(verdict(s, NULL), "takes too long to parse"),
       "a 1 MB body of short lines is stopped: quadratic in libstrophe");
    free(s);
    /* once stopped, nothing more passes */
    guard_init(&g);
    guard_feed(&g, "<!DOCTYPE", 9);
    ok(g.why && guard_feed(&g, HEADER, strlen(HEADER)) == 0,
       "after a verdict, nothing more passes");
    /* whitespace between stanzas does not add up to a stanza */
    guard_init(&g);
    guard_feed(&g, HEADER, strlen(HEADER));
    for (int i = 0; i < 5 * 1024 * 1024; i++)
        guard_feed(&g, " ", 1);
    ok(!g.why, "5 MiB of keepalive whitespace pass");
    return done_testing();
}
