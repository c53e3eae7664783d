/* tests/unit/test-idset.c - the bounded set of recently seen ids */
#include <stdio.h>

#include "lib/idset.h"
#include "tests/unit/tap.h"

static void id(char *buf, size_t len, unsigned n)
{
    snprintf(buf, len, "id-%u", n);
}

/* Adds ids [from, to); returns how many were new. */
static unsigned add_range(struct idset *s, unsigned from, unsigned to)
{
    char buf[32];
    unsigned added = 0;

    for (unsigned n = from; n < to; n++) {
        id(buf, sizeof(buf), n);
        added += idset_add(s, buf);
    }
    return added;
}

static unsigned has_range(const struct idset *s, unsigned from, unsigned to)
{
    char buf[32];
    unsigned found = 0;

    for (unsigned n = from; n < to; n++) {
        id(buf, sizeof(buf), n);
        found += idset_has(s, buf);
    }
    return found;
}

int main(void)
{
    struct idset s = { 0 };

    ok(!idset_has(&s, "x"), "empty set has nothing (and allocates nothing)");
    ok(s.cur == NULL, "no memory before the first add");
    ok(idset_add(&s, "x"), "first add is new");
    ok(!idset_add(&s, "x"), "second add is a duplicate");
    ok(idset_has(&s, "x"), "has what was added");
    ok(!idset_has(&s, "y"), "not what was not");
    ok(idset_add(&s, ""), "the empty id is an id");
    idset_free(&s);

    ok(add_range(&s, 0, IDSET_GEN) == IDSET_GEN, "a generation of new ids");
    ok(add_range(&s, 0, IDSET_GEN) == 0, "all of them duplicates again");
    ok(add_range(&s, IDSET_GEN, 2 * IDSET_GEN) == IDSET_GEN,
       "the next generation is new");
    ok(has_range(&s, 0, 2 * IDSET_GEN) == 2 * IDSET_GEN,
       "two generations are remembered");
    ok(add_range(&s, 2 * IDSET_GEN, 2 * IDSET_GEN + 1) == 1,
       "one more starts a third generation");
    ok(has_range(&s, IDSET_GEN, 2 * IDSET_GEN + 1) == IDSET_GEN + 1,
       "the last generation and the new id are remembered");
    ok(has_range(&s, 0, IDSET_GEN) == 0, "the oldest generation is forgotten");
    idset_free(&s);
    ok(add_range(&s, 0, 10 * IDSET_GEN) == 10 * IDSET_GEN,
       "a long run of new ids: all new");
    ok(has_range(&s, 9 * IDSET_GEN, 10 * IDSET_GEN) == IDSET_GEN,
       "the last generation of a long run is remembered");
    ok(add_range(&s, 9 * IDSET_GEN, 10 * IDSET_GEN) == 0,
       "and its ids are duplicates");
    idset_free(&s);
    return done_testing();
}
