/* lib/idset.h - a bounded set of recently seen ids, for dropping duplicates
 *
 * Remembers at least the last IDSET_GEN ids added (at most twice that):
 * two generations of an open-addressing table of 64-bit hashes; when the
 * current one fills up, it becomes the old one and the oldest is
 * forgotten. Memory is taken on the first add.
 */
#ifndef STANZA_LIB_IDSET_H
#define STANZA_LIB_IDSET_H

#include <stdbool.h>
#include <stdint.h>

#define IDSET_GEN 4096

struct idset {
    uint64_t *cur, *old; /* 2 * IDSET_GEN slots each; 0: empty */
    unsigned count;      /* ids in cur */
};

/* Adds @id; returns false if it was already there. */
bool idset_add(struct idset *set, const char *id);

/* True if @id is in the set. */
bool idset_has(const struct idset *set, const char *id);

void idset_free(struct idset *set);

#endif
