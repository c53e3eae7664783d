/* tests/fuzz/fuzz-rosterfile.c - libFuzzer target for the roster document
 *
 * `roster import` reads files users give it: the JSON reader and the
 * document's checks must not crash on any input, every contact they accept
 * must have a valid bare JID, and what export writes of it must read back
 * the same. Build and run (-close_fd_mask=2 silences the messages about
 * rejected files): make fuzz; mkdir -p /tmp/c; build/fuzz-rosterfile
 * -close_fd_mask=2 -max_total_time=60 /tmp/c tests/fuzz/corpus-rosterfile
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jid.h"
#include "lib/out.h"
#include "lib/rc.h"
#include "lib/roster.h"
#include "lib/rosterfile.h"

static void same(const struct roster *a, const struct roster *b)
{
    if (a->n != b->n)
        abort();
    for (size_t i = 0; i < a->n; i++) {
        const struct roster_item *x = &a->items[i], *y = &b->items[i];

        if (strcmp(x->jid, y->jid) || (!x->name != !y->name) ||
            (x->name && strcmp(x->name, y->name)) || x->ngroups != y->ngroups)
            abort();
        for (size_t g = 0; g < x->ngroups; g++)
            if (strcmp(x->groups[g], y->groups[g]))
                abort();
    }
}

static void roundtrip(const struct roster *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct roster back = { 0 };
    struct out o;

    if (!f)
        abort();
    out_init(&o, OUT_JSON, f, false);
    rosterfile_print(&o, r);
    json_free(&o.json);
    fclose(f);
    if (rosterfile_parse(buf, len, "export", &back) != RC_OK)
        abort(); /* what we write, we read */
    same(r, &back);
    roster_free(&back);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct roster r = { 0 };

    if (rosterfile_parse((const char *)data, size, "fuzz", &r) == RC_OK) {
        for (size_t i = 0; i < r.n; i++) {
            struct jid *j = jid_parse(r.items[i].jid, NULL);

            if (!j || j->resource)
                abort();
            jid_free(j);
        }
        roundtrip(&r);
    }
    roster_free(&r);
    return 0;
}
