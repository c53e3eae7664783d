/* tests/fuzz/fuzz-xmlin.c - libFuzzer target for the XML input checker
 *
 * What users type or pipe in (raw, iq, console): xmlin_status() and
 * xmlin_parse() must not crash or leak. Input they accept is only
 * message, presence and iq stanzas, each of which, serialized again by
 * libstrophe, is accepted on its own; input xmlin_parse() accepts, typed
 * a line at a time, is complete. Build and run: make fuzz.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "lib/xmlin.h"

static xmpp_ctx_t *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct xmlin in, again;
    enum xmlin_status st;
    char err[256];

    if (!ctx) {
        xmpp_initialize();
        ctx = xmpp_ctx_new(NULL, NULL);
    }
    st = xmlin_status(text, size, 1, err, sizeof(err));
    if (st > XMLIN_BAD)
        abort();
    if (xmlin_parse(ctx, text, size, &in, err, sizeof(err)) != 0)
        return 0;
    if (in.n == 0 || st != XMLIN_COMPLETE)
        abort();
    for (size_t i = 0; i < in.n; i++) {
        const char *name = xmpp_stanza_get_name(in.st[i]);
        char *buf;
        size_t len;

        if (!name || (strcmp(name, "message") && strcmp(name, "presence") &&
                      strcmp(name, "iq")))
            abort();
        if (xmpp_stanza_to_text(in.st[i], &buf, &len) != 0)
            abort();
        if (xmlin_parse(ctx, buf, len, &again, err, sizeof(err)) != 0 ||
            again.n != 1)
            abort(); /* what we would send does not check */
        xmlin_free(&again);
        xmpp_free(ctx, buf);
    }
    xmlin_free(&in);
    return 0;
}
