/* tests/fuzz/fuzz-guard.c - libFuzzer target for the stream guard
 *
 * What a server sends, in whatever pieces the network cuts it into: the
 * guard must not crash, and must decide the same (how many bytes pass,
 * and which rule stopped the rest) however the bytes are split. The
 * first byte of the input seeds the split. Build and run: make fuzz.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/guard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct guard whole, split;
    const char *s = (const char *)data + 1;
    size_t n, ok_whole, ok_split = 0, i = 0;
    unsigned seed;

    if (size < 1)
        return 0;
    seed = data[0] | 1u;
    n = size - 1;
    guard_init(&whole);
    guard_init(&split);
    ok_whole = guard_feed(&whole, s, n);
    while (i < n) {
        size_t k = 1 + (seed = seed * 1103515245u + 12345u) % 64;
        size_t ok;

        if (k > n - i)
            k = n - i;
        ok = guard_feed(&split, s + i, k);
        ok_split += ok;
        if (ok < k)
            break;
        i += k;
    }
    if (ok_whole > n || ok_whole != ok_split ||
        (whole.why == NULL) != (split.why == NULL) ||
        (whole.why && strcmp(whole.why, split.why) != 0))
        abort();
    /* (the text cost is charged per read too, but cannot reach its limit
     * with inputs this small) */
    return 0;
}
