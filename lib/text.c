/* lib/text.c - UTF-8 decoding and checks on text we send or print */
#include "text.h"

#include <string.h>

#include "err.h"
#include "rc.h"

size_t utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t len;
    uint32_t c, min;

    if (n == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if ((s[0] & 0xe0) == 0xc0) {
        len = 2, c = s[0] & 0x1f, min = 0x80;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3, c = s[0] & 0x0f, min = 0x800;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

bool text_xml_char(uint32_t c)
{
    if (c < 0x20)
        return c == '\t' || c == '\n' || c == '\r';
    return c != 0xfffe && c != 0xffff;
}

bool text_check_xml(const char *s, size_t n, size_t *off, const char **why)
{
    size_t i = 0;

    while (i < n) {
        uint32_t c;
        size_t len = utf8_decode(s + i, n - i, &c);

        if (len == 0 || !text_xml_char(c)) {
            *off = i;
            *why = len == 0 ? "invalid UTF-8" : "control character";
            return false;
        }
        i += len;
    }
    return true;
}

static bool unsafe_for_tty(uint32_t c, bool keep_nl)
{
    if (c == '\t' || (keep_nl && c == '\n'))
        return false;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
        return true;
    /* bidi embedding, override and isolate controls; marks */
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
           c == 0x200e || c == 0x200f || c == 0x061c;
}

void text_put_safe(FILE *f, const char *s, bool keep_nl)
{
    size_t n = strlen(s), i = 0;

    while (i < n) {
        uint32_t c;
        size_t len = utf8_decode(s + i, n - i, &c);

        if (len == 0 || unsafe_for_tty(c, keep_nl)) {
            fputs("\xef\xbf\xbd", f);
            i += len ? len : 1;
            continue;
        }
        fwrite(s + i, 1, len, f);
        i += len;
    }
}

size_t text_width(const char *s)
{
    size_t n = strlen(s), i = 0, w = 0;
    uint32_t c;

    while (i < n) {
        size_t len = utf8_decode(s + i, n - i, &c);

        i += len ? len : 1;
        w++;
    }
    return w;
}

int text_check_input(const char *what, size_t index, const char *s, size_t max)
{
    size_t len = strlen(s), off;
    const char *why;
    char where[32] = "";

    if (index)
        snprintf(where, sizeof(where), " %zu", index);
    if (max && len > max)
        return fail(RC_DATAERR, "%s%s is over %zu KiB — nothing was sent", what,
                    where, max / 1024);
    if (!text_check_xml(s, len, &off, &why))
        return fail(RC_DATAERR, "%s%s: %s at byte %zu — nothing was sent", what,
                    where, why, off + 1);
    return RC_OK;
}

void text_put_xml(FILE *f, const char *s, int n, bool attr)
{
    for (int i = 0; n < 0 ? s[i] != '\0' : i < n; i++) {
        switch (s[i]) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs(attr ? "&quot;" : "\"", f);
            break;
        default:
            fputc(s[i], f);
        }
    }
}
