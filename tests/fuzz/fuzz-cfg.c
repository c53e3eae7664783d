/* tests/fuzz/fuzz-cfg.c - libFuzzer target for the config file parser
 *
 * Any text: cfg_parse() must not crash or leak; when it accepts the text,
 * every entry it kept can be found again (the last value of a key wins),
 * and when it refuses it, it names a line of the text and a reason.
 * Build and run: make fuzz.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    const char *why = NULL;
    struct cfg c = { NULL, 0 };
    size_t lines = 1;
    int bad;

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    for (size_t i = 0; i < strlen(s); i++)
        lines += s[i] == '\n';
    bad = cfg_parse(s, &c, &why);
    if (bad) {
        if (bad < 0 || (size_t)bad > lines || !why || c.n)
            abort();
    } else {
        for (size_t i = 0; i < c.n; i++) {
            const struct cfg_entry *e = &c.e[i];

            if (!e->section || !cfg_has_section(&c, e->section))
                abort();
            if (e->key && (!e->value || !cfg_has_key(&c, e->key) ||
                           !cfg_get(&c, e->section, e->key)))
                abort();
        }
    }
    cfg_free(&c);
    free(s);
    return 0;
}
