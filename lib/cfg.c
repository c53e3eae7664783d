/* lib/cfg.c - the INI config file: [sections] of key = value */
#include "cfg.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s, char *end)
{
    while (s < end && isspace((unsigned char)*s))
        s++;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    *end = '\0';
    return s;
}

static void add(struct cfg *c, const char *sec, const char *k, const char *v)
{
    struct cfg_entry *e = realloc(c->e, (c->n + 1) * sizeof(*e));

    if (!e)
        abort();
    c->e = e;
    e[c->n].section = strdup(sec);
    e[c->n].key = k ? strdup(k) : NULL;
    e[c->n].value = v ? strdup(v) : NULL;
    if (!e[c->n].section || (k && !e[c->n].key) || (v && !e[c->n].value))
        abort();
    c->n++;
}

static bool valid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("_-.@", *s))
            return false;
    return true;
}

static const char *parse_line(struct cfg *c, char *line, char **section)
{
    char *s = trim(line, line + strlen(line)), *eq, *k, *v;
    size_t n;

    if (*s == '\0' || *s == '#' || *s == ';')
        return NULL;
    if (*s == '[') {
        n = strlen(s);
        if (s[n - 1] != ']')
            return "missing ']'";
        s = trim(s + 1, s + n - 1);
        if (!valid_name(s))
            return "bad section name";
        free(*section);
        *section = strdup(s);
        add(c, s, NULL, NULL); /* the section exists even without keys */
        return NULL;
    }
    if (!(eq = strchr(s, '=')))
        return "expected 'key = value'";
    if (!*section)
        return "key outside of a [section]";
    k = trim(s, eq);
    v = trim(eq + 1, eq + 1 + strlen(eq + 1));
    if (!valid_name(k))
        return "bad key";
    n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v[n - 1] = '\0';
        v++;
    }
    add(c, *section, k, v);
    return NULL;
}

int cfg_parse(const char *text, struct cfg *c, const char **whyp)
{
    char *copy = strdup(text), *line = copy, *section = NULL;
    const char *ignored, **why = whyp ? whyp : &ignored;
    int lineno = 0;

    if (!copy)
        abort();
    memset(c, 0, sizeof(*c));
    while (line) {
        char *next = strchr(line, '\n');

        if (next)
            *next++ = '\0';
        lineno++;
        if ((*why = parse_line(c, line, &section)) != NULL) {
            cfg_free(c);
            free(section);
            free(copy);
            return lineno;
        }
        line = next;
    }
    free(section);
    free(copy);
    return 0;
}

const char *cfg_get(const struct cfg *c, const char *section, const char *key)
{
    const char *v = NULL;

    for (size_t i = 0; i < c->n; i++) /* the last one wins */
        if (c->e[i].key && !strcmp(c->e[i].section, section) &&
            !strcmp(c->e[i].key, key))
            v = c->e[i].value;
    return v;
}

bool cfg_has_key(const struct cfg *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->e[i].key && !strcmp(c->e[i].key, key))
            return true;
    return false;
}

bool cfg_has_section(const struct cfg *c, const char *section)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->e[i].section, section))
            return true;
    return false;
}

void cfg_free(struct cfg *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].section);
        free(c->e[i].key);
        free(c->e[i].value);
    }
    free(c->e);
    c->e = NULL;
    c->n = 0;
}
