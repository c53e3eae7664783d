/* lib/cfg.h - the INI config file: [sections] of key = value */
#ifndef STANZA_LIB_CFG_H
#define STANZA_LIB_CFG_H

#include <stdbool.h>
#include <stddef.h>

struct cfg_entry {
    char *section;
    char *key; /* NULL: the entry only records the section */
    char *value;
};

struct cfg { /* owns all strings; free with cfg_free() */
    struct cfg_entry *e;
    size_t n;
};

/*
 * Parses @text into @c. Lines are "[name]", "key = value", blank, or
 * comments starting with '#' or ';'. A value may be wrapped in double
 * quotes. Returns 0, or the number of the first bad line (then @c is
 * empty and *@why, if @why is not NULL, says what is wrong).
 */
int cfg_parse(const char *text, struct cfg *c, const char **why);

/* Returns the value of @key in @section, or NULL. Valid until cfg_free. */
const char *cfg_get(const struct cfg *c, const char *section, const char *key);

/* True if any section of @c has @key. */
bool cfg_has_key(const struct cfg *c, const char *key);

/* True if @c has a section called @section. */
bool cfg_has_section(const struct cfg *c, const char *section);

void cfg_free(struct cfg *c);

#endif
