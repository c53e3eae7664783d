/* tests/fuzz/fuzz-form.c - libFuzzer target for data forms
 *
 * Two inputs users and servers control: a --form JSON file (the strict
 * JSON reader, then form_input_add_json()) and a data form a server sends
 * (form_parse(), applied, checked, printed as text and JSON, submitted).
 * The first byte picks which. Nothing may crash or leak, and the JSON
 * printed must be valid UTF-8 without raw control characters. Build and
 * run: make fuzz; build/fuzz-form tests/fuzz/corpus-form -max_total_time=60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "lib/form.h"
#include "lib/out.h"
#include "lib/text.h"

static xmpp_ctx_t *ctx;

static void check_json(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t len = utf8_decode(s + i, n - i, &c);

        if (len == 0 || (c < 0x20 && c != '\n'))
            abort(); /* invalid UTF-8 or a raw control in JSON */
        i += len;
    }
}

static void print(const struct form *f, enum out_mode mode)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    struct out o;

    if (!m)
        return;
    out_init(&o, mode, m, false);
    form_print(&o, NULL, f, 2);
    out_finish(&o);
    fclose(m);
    if (mode == OUT_JSON)
        check_json(buf, len);
    free(buf);
}

static void json_input(const char *text, size_t len)
{
    struct form_input in = { NULL, 0 };
    char err[256];

    form_input_add_json(&in, text, len, err, sizeof(err));
    form_input_free(&in);
}

static void server_form(const char *xml)
{
    static const char *const args[] = { "a=1", "b=x@y", "b=z", "c=true" };
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml), *x;
    struct form_input in = { NULL, 0 };
    struct form *f;
    char err[256];

    if (!st)
        return;
    if ((f = form_parse(st))) {
        for (size_t i = 0; i < sizeof(args) / sizeof(*args); i++)
            form_input_add_arg(&in, args[i], err, sizeof(err));
        form_apply(f, &in, false, err, sizeof(err));
        form_check(f, err, sizeof(err));
        print(f, OUT_TEXT);
        print(f, OUT_JSON);
        x = form_submit(ctx, f);
        xmpp_stanza_release(x);
        form_free(f);
    }
    form_input_free(&in);
    xmpp_stanza_release(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;

    if (!ctx) {
        xmpp_initialize();
        ctx = xmpp_ctx_new(NULL, NULL);
    }
    if (size < 1 || !(s = malloc(size)))
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    if (data[0] & 1)
        server_form(s);
    else
        json_input(s, size - 1);
    free(s);
    return 0;
}
