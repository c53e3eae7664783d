/* lib/trace.c - the traffic trace (-v, --trace FILE), secrets masked
 *
 * libstrophe logs every buffer it sends, the SASL exchange included, so
 * everything it logs passes through trace_mask() before it is printed.
 */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

static const char *const secret_elems[] = {
    "auth", "response", "challenge", "success", "password", NULL,
};

static const char REDACTED[] = "[redacted]";

static char *xstrdup(const char *s)
{
    char *d = strdup(s);

    if (!d)
        abort();
    return d;
}

/* Replaces [from, to) of *@s by @with; returns the offset after it. */
static size_t splice(char **s, size_t from, size_t to, const char *with)
{
    size_t len = strlen(*s), wl = strlen(with);
    char *n = malloc(len - (to - from) + wl + 1);

    if (!n)
        abort();
    memcpy(n, *s, from);
    memcpy(n + from, with, wl);
    memcpy(n + from + wl, *s + to, len - to + 1);
    free(*s);
    *s = n;
    return from + wl;
}

/* Finds "<NAME" followed by space, '>' or '/' (with an optional prefix
 * "p:" skipped by matching on ":NAME" too). */
static char *find_open(char *s, const char *name)
{
    size_t n = strlen(name);

    for (char *p = strchr(s, '<'); p; p = strchr(p + 1, '<')) {
        char *q = p + 1, *colon = strpbrk(q, ": >/");

        if (colon && *colon == ':' && colon < q + 16)
            q = colon + 1;
        if (strncmp(q, name, n) == 0 && strchr(" \t\r\n>/", q[n]))
            return p;
    }
    return NULL;
}

static void mask_elem(char **s, const char *name)
{
    size_t pos = 0;
    char *open;

    while ((open = find_open(*s + pos, name)) != NULL) {
        char *gt = strchr(open, '>'), *close;
        size_t start;

        if (!gt)
            return;
        if (gt[-1] == '/') { /* empty element */
            pos = (size_t)(gt - *s) + 1;
            continue;
        }
        start = (size_t)(gt - *s) + 1;
        close = strchr(*s + start, '<');
        if (!close) /* content continues in the next buffer */
            close = *s + strlen(*s);
        if (close == *s + start) {
            pos = start;
            continue;
        }
        pos = splice(s, start, (size_t)(close - *s), REDACTED);
    }
}

char *trace_mask(const char *in, const char *secret)
{
    char *s = xstrdup(in), *hit;
    size_t pos = 0;

    for (size_t i = 0; secret_elems[i]; i++)
        mask_elem(&s, secret_elems[i]);
    if (!secret || !*secret)
        return s;
    while ((hit = strstr(s + pos, secret)) != NULL)
        pos = splice(&s, (size_t)(hit - s), (size_t)(hit - s) + strlen(secret),
                     "***");
    return s;
}

void trace_write(FILE *f, const char *dir, const char *xml,
                 const char *secret)
{
    char *m = trace_mask(xml, secret);

    fprintf(f, "%s %s\n", dir, m);
    fflush(f);
    free(m);
}
