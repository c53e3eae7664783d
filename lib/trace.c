/* lib/trace.c - the traffic trace (-v, --trace FILE), secrets masked
 *
 * libstrophe logs every buffer it sends, the SASL exchange included, so
 * everything it logs passes through trace_mask() before it is printed.
 */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "text.h"

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
    /* masking a short secret everywhere would spell it out ("<m***ssag***"
     * for "e"): those are left to the element redaction above */
    if (!secret || strlen(secret) < TRACE_SECRET_MIN)
        return s;
    while ((hit = strstr(s + pos, secret)) != NULL)
        pos = splice(&s, (size_t)(hit - s), (size_t)(hit - s) + strlen(secret),
                     "***");
    return s;
}

/*
 * Indenting for -v. It uses expat, which libstrophe has loaded already:
 * linking libxml2 into every one-shot command costs ~3 MiB of RSS (its
 * ICU dependencies), over the DESIGN.md §7 memory target.
 */
struct indent {
    XML_Parser p;
    FILE *out;
    int depth;
    bool open;    /* a start tag waits for its '>' */
    bool inline_; /* text followed the start tag: the end tag stays on its line
                   */
};

#define INDENT_MAX 32

static void pad(struct indent *in, int depth)
{
    fprintf(in->out, "%*s", 2 * (depth < INDENT_MAX ? depth : INDENT_MAX), "");
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
                             const XML_Char **attrs)
{
    struct indent *in = ud;

    if (in->open)
        fputs(">\n", in->out);
    pad(in, in->depth);
    fprintf(in->out, "<%s", name);
    for (int i = 0; attrs[i]; i += 2) {
        fprintf(in->out, " %s=\"", attrs[i]);
        text_put_xml(in->out, attrs[i + 1], -1, true);
        fputc('"', in->out);
    }
    in->open = true;
    in->inline_ = false;
    in->depth++;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct indent *in = ud;

    in->depth--;
    if (in->open) {
        fputs("/>\n", in->out);
    } else {
        if (!in->inline_)
            pad(in, in->depth);
        fprintf(in->out, "</%s>\n", name);
    }
    in->open = in->inline_ = false;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct indent *in = ud;
    int i = 0;

    while (i < len && strchr(" \t\r\n", s[i]) && !in->inline_)
        i++; /* whitespace between elements */
    if (i == len)
        return;
    if (in->open)
        fputc('>', in->out);
    in->open = false;
    in->inline_ = true;
    text_put_xml(in->out, s, len, false);
}

char *trace_indent(const char *xml)
{
    struct indent in = { 0 };
    char *buf = NULL;
    size_t len = 0;
    bool ok;

    if (!(in.out = open_memstream(&buf, &len)))
        return NULL;
    if (!(in.p = XML_ParserCreate("UTF-8"))) {
        fclose(in.out);
        free(buf);
        return NULL;
    }
    XML_SetUserData(in.p, &in);
    XML_SetElementHandler(in.p, on_start, on_end);
    XML_SetCharacterDataHandler(in.p, on_text);
    ok = XML_Parse(in.p, xml, (int)strlen(xml), 1) == XML_STATUS_OK;
    XML_ParserFree(in.p);
    fclose(in.out);
    if (ok && len && buf[len - 1] == '\n')
        buf[len - 1] = '\0';
    if (!ok) {
        free(buf);
        return NULL;
    }
    return buf;
}

void trace_write(FILE *f, const char *dir, const char *xml, const char *secret,
                 bool pretty)
{
    char *m = trace_mask(xml, secret);
    char *p = pretty && strlen(m) < 1024 * 1024 ? trace_indent(m) : NULL;
    const char *s = p ? (const char *)p : m;

    for (const char *nl; (nl = strchr(s, '\n')) != NULL && p; s = nl + 1)
        fprintf(f, "%s %.*s\n", dir, (int)(nl - s), s);
    fprintf(f, "%s %s\n", dir, s);
    fflush(f);
    free(p);
    free(m);
}
