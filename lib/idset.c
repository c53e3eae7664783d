/* lib/idset.c - a bounded set of recently seen ids */
#include <stdlib.h>

#include "idset.h"

#define SLOTS (2 * IDSET_GEN) /* a power of two: half full at most */

static uint64_t hash(const char *id)
{
    uint64_t h = 14695981039346656037ull; /* FNV-1a */

    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 1099511628211ull;
    return h ? h : 1; /* 0 marks an empty slot */
}

/* The slot holding @h, or the empty one where it would go. */
static uint64_t *slot(uint64_t *table, uint64_t h)
{
    size_t i = (size_t)(h & (SLOTS - 1));

    while (table[i] && table[i] != h)
        i = (i + 1) & (SLOTS - 1);
    return &table[i];
}

static bool in(const uint64_t *table, uint64_t h)
{
    return table && *slot((uint64_t *)table, h) == h;
}

bool idset_has(const struct idset *set, const char *id)
{
    uint64_t h = hash(id);

    return in(set->cur, h) || in(set->old, h);
}

bool idset_add(struct idset *set, const char *id)
{
    uint64_t h = hash(id), *p;

    if (in(set->old, h))
        return false;
    if (!set->cur && !(set->cur = calloc(SLOTS, sizeof(*set->cur))))
        abort();
    if (*(p = slot(set->cur, h)) == h)
        return false;
    if (set->count == IDSET_GEN) {
        uint64_t *t = set->old;

        set->old = set->cur;
        if (!t && !(t = malloc(SLOTS * sizeof(*t))))
            abort();
        for (size_t i = 0; i < SLOTS; i++)
            t[i] = 0;
        set->cur = t;
        set->count = 0;
        p = slot(set->cur, h);
    }
    *p = h;
    set->count++;
    return true;
}

void idset_free(struct idset *set)
{
    free(set->cur);
    free(set->old);
    set->cur = set->old = NULL;
    set->count = 0;
}
