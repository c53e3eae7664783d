/* bench/record.c - stanza-to-record conversion throughput on one core
 *
 * Parses a recorded stream of N mixed stanzas (messages with delay and
 * payloads, presences, iqs, pubsub events) once, then converts all of
 * them to JSON and to text with lib/record.c, writing to /dev/null, and
 * prints stanzas per second for each. Usage: record [N] (default 100000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <strophe.h>

#include "lib/out.h"
#include "lib/record.h"

/* the templates are ours, just above */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static const char *const kinds[] = {
    "<message from='alice@example.org/phone' to='bob@example.org' "
    "type='chat' id='m%d'><body>Hello Bob, message number %d &amp; "
    "more</body><active xmlns='http://jabber.org/protocol/chatstates'/>"
    "<stanza-id xmlns='urn:xmpp:sid:0' id='x%d' by='bob@example.org'/>"
    "</message>",
    "<message from='alice@example.org' type='chat' id='o%d'><body>offline "
    "%d</body><delay xmlns='urn:xmpp:delay' from='example.org' "
    "stamp='2026-11-25T10:00:00Z'>Offline Storage</delay></message>",
    "<presence from='carol@example.org/laptop' id='p%d'><show>away</show>"
    "<status>at lunch %d</status><priority>5</priority><c "
    "xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' "
    "ver='v'/></presence>",
    "<iq from='example.org' to='bob@example.org/x' type='result' "
    "id='q%d'><query xmlns='jabber:iq:version'><name>Prosody</name>"
    "<version>0.12.%d</version></query></iq>",
    "<message from='pubsub.example.org' id='e%d'><event "
    "xmlns='http://jabber.org/protocol/pubsub#event'><items node='blog'>"
    "<item id='i%d'><entry xmlns='http://www.w3.org/2005/Atom'><title>"
    "post</title></entry></item></items></event></message>",
};

static double seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double convert(xmpp_stanza_t **st, int n, enum out_mode mode)
{
    FILE *f = fopen("/dev/null", "w");
    struct out o;
    double t0;

    if (!f)
        abort();
    out_init(&o, mode, f, false); /* not flushed per line: we measure C */
    t0 = seconds();
    for (int i = 0; i < n; i++)
        record_print(&o, st[i]);
    fflush(f);
    t0 = seconds() - t0;
    json_free(&o.json);
    fclose(f);
    return n / t0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100000;
    xmpp_stanza_t **st = calloc((size_t)n, sizeof(*st));
    xmpp_ctx_t *ctx;
    char buf[1024];

    if (!st || n < 1)
        return 2;
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    for (int i = 0; i < n; i++) {
        snprintf(buf, sizeof(buf), kinds[i % 5], i, i, i);
        st[i] = xmpp_stanza_new_from_string(ctx, buf);
    }
    printf("record conversion of %d mixed stanzas, one core:\n", n);
    printf("  JSON: %.0f stanzas/s\n", convert(st, n, OUT_JSON));
    printf("  text: %.0f stanzas/s\n", convert(st, n, OUT_TEXT));
    printf("  XML:  %.0f stanzas/s\n", convert(st, n, OUT_XML));
    for (int i = 0; i < n; i++)
        xmpp_stanza_release(st[i]);
    free(st);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return 0;
}
