/* tests/fuzz/fuzz-jid.c - libFuzzer target for the JID parser
 *
 * Any string: jid_parse() must not crash, must agree with jid_valid(),
 * and a JID it accepts must survive being taken apart and put together
 * again: its bare JID parses, equals it by jid_bare_equal(), and the full
 * JID equals itself by jid_equal(). Build and run: make fuzz.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), *bare;
    const char *why = NULL, *why2 = NULL;
    struct jid *j, *b;

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    j = jid_parse(s, &why);
    if (jid_valid(s, &why2) != (j != NULL))
        abort();
    if (!j) {
        if (!why || !why2 || strcmp(why, why2) != 0)
            abort(); /* a reason, always the same */
        free(s);
        return 0;
    }
    if (!j->domain || !*j->domain || (j->local && !*j->local) ||
        (j->resource && !*j->resource))
        abort();
    if (!jid_equal(s, s) || !(bare = jid_bare(j)))
        abort();
    if (!(b = jid_parse(bare, NULL)) || b->resource || !jid_bare_equal(s, bare))
        abort();
    if (j->resource && !jid_valid_resource(j->resource, NULL))
        abort();
    jid_free(b);
    free(bare);
    jid_free(j);
    free(s);
    return 0;
}
