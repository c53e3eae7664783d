/* tests/fuzz/fuzz-record.c - libFuzzer target for the stanza record
 *
 * Whatever a server sends and libstrophe parses into a stanza, the record
 * converter must not crash, and its JSON must be valid UTF-8 without raw
 * control characters, taken by a strict JSON parser (lib/jsonin). Build
 * and run: make fuzz (FUZZ_SECONDS=60), or build/fuzz-record DIR.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "lib/jsonin.h"
#include "lib/out.h"
#include "lib/record.h"
#include "lib/text.h"

static xmpp_ctx_t *ctx;

static void check_json(const char *s, size_t n)
{
    char err[256];
    struct jv *v;

    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t len = utf8_decode(s + i, n - i, &c);

        if (len == 0 || (c < 0x20 && c != '\n'))
            abort(); /* invalid UTF-8 or a raw control in JSON */
        i += len;
    }
    /* and a strict parser (RFC 8259, lib/jsonin) takes it */
    if (!(v = jsonin_parse(s, n, err, sizeof(err))))
        abort();
    jv_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *xml = malloc(size + 1), *buf = NULL;
    size_t len = 0;
    xmpp_stanza_t *st;

    if (!ctx) {
        xmpp_initialize();
        ctx = xmpp_ctx_new(NULL, NULL);
    }
    if (!xml)
        return 0;
    memcpy(xml, data, size);
    xml[size] = '\0';
    st = xmpp_stanza_new_from_string(ctx, xml);
    free(xml);
    if (!st)
        return 0;
    for (int mode = OUT_TEXT; mode <= OUT_XML; mode++) {
        FILE *f = open_memstream(&buf, &len);
        struct out o;

        if (!f)
            abort();
        out_init(&o, (enum out_mode)mode, f, false);
        record_print(&o, st);
        json_free(&o.json);
        fclose(f);
        if (mode == OUT_JSON)
            check_json(buf, len);
        free(buf);
        buf = NULL;
    }
    xmpp_stanza_release(st);
    return 0;
}
