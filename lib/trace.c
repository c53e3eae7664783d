/* lib/trace.c - the traffic trace (-v, --trace FILE), secrets masked
 *
 * libstrophe logs every buffer it sends, the SASL exchange included, so
 * everything it logs passes through trace_mask() before it is printed.
 */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

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

/* Finds the next start tag whose local name is @name, from @s on; sets
 * *@qlen to the length of its qualified name (prefix included). */
static char *find_open(char *s, const char *name, size_t *qlen)
{
    size_t n = strlen(name);

    for (char *p = strchr(s, '<'); p; p = strchr(p + 1, '<')) {
        size_t q = strcspn(p + 1, " \t\r\n>/");
        const char *colon = memchr(p + 1, ':', q);
        const char *local = colon ? colon + 1 : p + 1;

        if (p[1] && p[1] != '/' && p[1] != '!' && p[1] != '?' &&
            (size_t)(p + 1 + q - local) == n && strncmp(local, name, n) == 0) {
            *qlen = q;
            return p;
        }
    }
    return NULL;
}

/* Finds "</QNAME>" (whitespace allowed before '>') from @s on. */
static char *find_close(char *s, const char *qname, size_t qlen)
{
    for (char *p = strstr(s, "</"); p; p = strstr(p + 2, "</")) {
        const char *e = p + 2 + qlen;

        if (strncmp(p + 2, qname, qlen) != 0)
            continue;
        e += strspn(e, " \t\r\n");
        if (*e == '>')
            return p;
    }
    return NULL;
}

/* Redacts everything between the start and end tags, CDATA and comments
 * included; content that continues in the next buffer is redacted to the
 * end of this one. */
static void mask_elem(char **s, const char *name)
{
    size_t pos = 0, qlen;
    char *open;

    while ((open = find_open(*s + pos, name, &qlen)) != NULL) {
        size_t at = (size_t)(open - *s), start;
        char qname[256], *gt = strchr(open, '>'), *close;

        if (!gt)
            return;
        if (gt[-1] == '/') { /* empty element */
            pos = (size_t)(gt - *s) + 1;
            continue;
        }
        start = (size_t)(gt - *s) + 1;
        snprintf(qname, sizeof(qname), "%.*s", (int)qlen, *s + at + 1);
        close = find_close(*s + start, qname, strlen(qname));
        if (!close)
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

/* Indents @xml with libxml2 if it is one well-formed element; returns
 * a new buffer (xmlFree) or NULL. No network, no entities, no DTD. */
static xmlChar *indent(const char *xml)
{
    int opts = XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
               XML_PARSE_NOWARNING;
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), NULL, "UTF-8", opts);
    xmlBufferPtr buf;
    xmlChar *out = NULL;

    if (!doc)
        return NULL;
    if ((buf = xmlBufferCreate()) != NULL &&
        xmlNodeDump(buf, doc, xmlDocGetRootElement(doc), 0, 1) > 0)
        out = xmlStrdup(xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return out;
}

void trace_write(FILE *f, const char *dir, const char *xml,
                 const char *secret, bool pretty)
{
    char *m = trace_mask(xml, secret);
    xmlChar *p = pretty && strlen(m) < 1024 * 1024 ? indent(m) : NULL;
    const char *s = p ? (const char *)p : m;

    for (const char *nl; (nl = strchr(s, '\n')) != NULL && p; s = nl + 1)
        fprintf(f, "%s %.*s\n", dir, (int)(nl - s), s);
    fprintf(f, "%s %s\n", dir, s);
    fflush(f);
    xmlFree(p);
    free(m);
}
