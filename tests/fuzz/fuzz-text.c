/* tests/fuzz/fuzz-text.c - libFuzzer target for the input sanitizer
 *
 * Any bytes. text_check_xml() must name the first fault: what comes
 * before it passes. Text it passes, escaped by text_put_xml() as element
 * text or as an attribute value, must come back from a real XML parser
 * (expat) exactly as XML says it should (line ends normalized; in an
 * attribute, white space as spaces). text_put_safe() must write only
 * valid UTF-8 without C0/C1 controls or bidi controls, whatever it gets.
 * Build and run: make fuzz.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "lib/text.h"

struct got {
    char *s;
    size_t n;
    bool attr;
};

static void XMLCALL on_start(void *ud, const XML_Char *name,
                             const XML_Char **atts)
{
    struct got *g = ud;

    (void)name;
    if (g->attr && atts[0] && atts[1]) {
        g->n = strlen(atts[1]);
        g->s = realloc(g->s, g->n + 1);
        memcpy(g->s, atts[1], g->n + 1);
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct got *g = ud;

    g->s = realloc(g->s, g->n + (size_t)len + 1);
    memcpy(g->s + g->n, s, (size_t)len);
    g->n += (size_t)len;
    g->s[g->n] = '\0';
}

/* What an XML parser gives back for @s: CRLF and CR become LF; in an
 * attribute, tab, LF and CR become spaces. */
static size_t normalize(const char *s, size_t n, char *out, bool attr)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c == '\r') {
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
            c = '\n';
        }
        if (attr && (c == '\n' || c == '\t'))
            c = ' ';
        out[k++] = c;
    }
    return k;
}

static void round_trip(const char *s, size_t n, bool attr)
{
    char *buf = NULL, *want = malloc(n + 1);
    size_t len = 0, wn;
    FILE *f = open_memstream(&buf, &len);
    struct got g = { NULL, 0, attr };
    XML_Parser p = XML_ParserCreate("UTF-8");

    if (!f || !want || !p)
        abort();
    fputs(attr ? "<a b=\"" : "<a>", f);
    text_put_xml(f, s, (int)n, attr);
    fputs(attr ? "\"/>" : "</a>", f);
    fclose(f);
    XML_SetUserData(p, &g);
    XML_SetElementHandler(p, on_start, NULL);
    if (!attr)
        XML_SetCharacterDataHandler(p, on_text);
    if (XML_Parse(p, buf, (int)len, 1) != XML_STATUS_OK)
        abort(); /* we escaped it into something that is not XML */
    wn = normalize(s, n, want, attr);
    if (g.n != wn || (wn && memcmp(g.s ? g.s : "", want, wn) != 0))
        abort(); /* it does not come back as it went */
    XML_ParserFree(p);
    free(g.s);
    free(want);
    free(buf);
}

static bool tty_unsafe(uint32_t c, bool keep_nl)
{
    if (c == '\t' || (keep_nl && c == '\n'))
        return false;
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
           (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
           c == 0x200e || c == 0x200f || c == 0x061c;
}

static void safe_output(const char *s, bool keep_nl)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f)
        abort();
    text_put_safe(f, s, keep_nl);
    fclose(f);
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t k = utf8_decode(buf + i, len - i, &c);

        if (k == 0 || tty_unsafe(c, keep_nl))
            abort();
        i += k;
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *why = NULL, *why2;
    char *z;
    size_t off = 0, off2;

    if (size > 65536)
        return 0;
    if (text_check_xml(s, size, &off, &why)) {
        if (!memchr(s, '\0', size)) { /* C strings from here on */
            round_trip(s, size, false);
            round_trip(s, size, true);
        }
    } else if (off >= size || !why || !text_check_xml(s, off, &off2, &why2)) {
        abort(); /* not the first fault */
    }
    if (!(z = malloc(size + 1)))
        return 0;
    memcpy(z, data, size);
    z[size] = '\0';
    safe_output(z, false);
    safe_output(z, true);
    free(z);
    return 0;
}
