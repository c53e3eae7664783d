/* tests/unit/test-text.c - utf8_decode, text_check_xml, text_put_safe */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text.h"
#include "tests/unit/tap.h"

#define FFFD   "\xef\xbf\xbd"
#define S(lit) lit, sizeof(lit) - 1 /* a literal and its length (NULs ok) */

struct dec_case {
    const char *in;
    size_t n;
    size_t len; /* 0: invalid */
    uint32_t cp;
    const char *name;
};

static const struct dec_case dec_cases[] = {
    /* boundaries of each length */
    { S("\0"), 1, 0x0, "U+0000" },
    { S("A"), 1, 0x41, "U+0041" },
    { S("\x7f"), 1, 0x7f, "U+007F" },
    { S("\xc2\x80"), 2, 0x80, "U+0080" },
    { S("\xc3\xa9"), 2, 0xe9, "U+00E9" },
    { S("\xdf\xbf"), 2, 0x7ff, "U+07FF" },
    { S("\xe0\xa0\x80"), 3, 0x800, "U+0800" },
    { S("\xe2\x82\xac"), 3, 0x20ac, "U+20AC" },
    { S("\xed\x9f\xbf"), 3, 0xd7ff, "U+D7FF (before the surrogates)" },
    { S("\xee\x80\x80"), 3, 0xe000, "U+E000 (after the surrogates)" },
    { S("\xef\xbf\xbd"), 3, 0xfffd, "U+FFFD" },
    { S("\xef\xbf\xbf"), 3, 0xffff, "U+FFFF" },
    { S("\xf0\x90\x80\x80"), 4, 0x10000, "U+10000" },
    { S("\xf0\x9f\x98\x80"), 4, 0x1f600, "U+1F600" },
    { S("\xf4\x8f\xbf\xbf"), 4, 0x10ffff, "U+10FFFF" },
    /* only the first character is decoded */
    { S("A\xc3\xa9"), 1, 0x41, "first of several" },
    { S("\xc3\xa9"
        "A"),
      2, 0xe9, "2-byte then ASCII" },
    /* above U+10FFFF */
    { S("\xf4\x90\x80\x80"), 0, 0, "0x110000 rejected" },
    { S("\xf7\xbf\xbf\xbf"), 0, 0, "0x1FFFFF rejected" },
    { S("\xf5\x80\x80\x80"), 0, 0, "F5 lead rejected" },
    /* surrogates */
    { S("\xed\xa0\x80"), 0, 0, "U+D800 rejected" },
    { S("\xed\xaf\xbf"), 0, 0, "U+DBFF rejected" },
    { S("\xed\xb0\x80"), 0, 0, "U+DC00 rejected" },
    { S("\xed\xbf\xbf"), 0, 0, "U+DFFF rejected" },
    { S("\xed\xa0\xbd\xed\xb8\x80"), 0, 0, "CESU-8 pair rejected" },
    /* overlongs */
    { S("\xc0\x80"), 0, 0, "overlong U+0000 (C0 80)" },
    { S("\xc0\xaf"), 0, 0, "overlong '/' (C0 AF)" },
    { S("\xc1\xbf"), 0, 0, "overlong U+007F (C1 BF)" },
    { S("\xe0\x80\x80"), 0, 0, "overlong 3-byte U+0000" },
    { S("\xe0\x81\xbf"), 0, 0, "overlong 3-byte U+007F" },
    { S("\xe0\x9f\xbf"), 0, 0, "overlong 3-byte U+07FF" },
    { S("\xf0\x80\x80\x80"), 0, 0, "overlong 4-byte U+0000" },
    { S("\xf0\x8f\xbf\xbf"), 0, 0, "overlong 4-byte U+FFFF" },
    /* bad bytes */
    { S("\x80"), 0, 0, "lone continuation 80" },
    { S("\xbf"), 0, 0, "lone continuation BF" },
    { S("\xf8\x88\x80\x80\x80"), 0, 0, "5-byte form" },
    { S("\xfc\x84\x80\x80\x80\x80"), 0, 0, "6-byte form" },
    { S("\xfe"), 0, 0, "FE" },
    { S("\xff"), 0, 0, "FF" },
    { S("\xc2\x41"), 0, 0, "2-byte with ASCII continuation" },
    { S("\xe2\x28\xa1"), 0, 0, "3-byte with bad 2nd byte" },
    { S("\xe2\x82\x28"), 0, 0, "3-byte with bad 3rd byte" },
    { S("\xf0\x9f\x98\x28"), 0, 0, "4-byte with bad 4th byte" },
    { S("\xc2\xc3\xa9"), 0, 0, "lead byte as continuation" },
    /* truncated */
    { S("\xc2"), 0, 0, "truncated 2-byte" },
    { S("\xe2\x82"), 0, 0, "truncated 3-byte" },
    { S("\xf0\x9f\x98"), 0, 0, "truncated 4-byte" },
    { "\xc2\x80", 1, 0, 0, "n cuts a 2-byte sequence" },
    { "\xf0\x9f\x98\x80", 3, 0, 0, "n cuts a 4-byte sequence" },
    { "A", 0, 0, 0, "n = 0" },
};

struct xml_case {
    const char *in;
    size_t n;
    bool ok;
    size_t off;
    const char *why;
    const char *name;
};

#define CTRL "control character"
#define BADU "invalid UTF-8"

static const struct xml_case xml_cases[] = {
    { S(""), true, 0, NULL, "empty" },
    { S("hello, world"), true, 0, NULL, "ASCII" },
    { S("tab\tLF\nCR\r"), true, 0, NULL, "tab, LF and CR" },
    { S("caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80"), true, 0, NULL, "UTF-8" },
    { S("\x7f\xc2\x85\xc2\x9f"), true, 0, NULL, "DEL and C1 (XML 1.0 Char)" },
    { S("\xef\xbf\xbd\xee\x80\x80\xf4\x8f\xbf\xbf"), true, 0, NULL,
      "U+FFFD, U+E000, U+10FFFF" },
    { S("\0"), false, 0, CTRL, "NUL" },
    { S("ab\x01"), false, 2, CTRL, "U+0001 at 2" },
    { S("a\x1b[31m"), false, 1, CTRL, "ESC at 1" },
    { S("xy\x0b"), false, 2, CTRL, "vertical tab" },
    { S("x\x0c"), false, 1, CTRL, "form feed" },
    { S("x\x1f"), false, 1, CTRL, "U+001F" },
    { S("\xc3\xa9\x08"), false, 2, CTRL, "backspace after a 2-byte char" },
    { S("ok\xef\xbf\xbe"), false, 2, CTRL, "U+FFFE" },
    { S("\xef\xbf\xbf"), false, 0, CTRL, "U+FFFF" },
    { S("\xc3\xa9\x80"), false, 2, BADU, "stray continuation" },
    { S("abc\xed\xa0\x80"), false, 3, BADU, "surrogate" },
    { S("\xf0\x9f\x98\x80\xc3"), false, 4, BADU, "truncated at the end" },
    { S("a\xc0\x80"), false, 1, BADU, "overlong NUL" },
    { S("\x01\x80"), false, 0, CTRL, "the first problem is reported" },
    { "ab\x01", 2, true, 0, NULL, "n stops before the control" },
};

struct safe_case {
    const char *in;
    bool keep_nl;
    const char *out;
    const char *name;
};

/* bidi controls are the point of some cases below */
/* NOLINTBEGIN(misc-misleading-bidirectional) */
static const struct safe_case safe_cases[] = {
    { "", false, "", "empty" },
    { "plain text", false, "plain text", "plain" },
    { "tab\there", false, "tab\there", "tab kept" },
    { "a\nb", false, "a" FFFD "b", "newline replaced without keep_nl" },
    { "a\nb\n", true, "a\nb\n", "newline kept with keep_nl" },
    { "a\r\nb", true, "a" FFFD "\nb", "CR replaced even with keep_nl" },
    { "\x1b[31mred\x1b[0m", false, FFFD "[31mred" FFFD "[0m", "ESC" },
    { "\x1b]0;title\x07", true, FFFD "]0;title" FFFD, "OSC and BEL" },
    { "\x01\x08\x1f", false, FFFD FFFD FFFD, "other C0" },
    { "x\x7fy", false, "x" FFFD "y", "DEL" },
    { "\xc2\x9b"
      "31m",
      false, FFFD "31m", "C1 CSI as UTF-8 C2 9B" },
    { "\xc2\x80\xc2\x9f", false, FFFD FFFD, "C1 range ends" },
    { "\x9b"
      "31m",
      false, FFFD "31m", "raw 9B byte" },
    { "a\xe2\x80\xae"
      "b",
      false, "a" FFFD "b", "U+202E RLO" },
    { "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", false,
      FFFD FFFD FFFD FFFD, "U+202A..U+202D" },
    { "\xe2\x81\xa6"
      "x\xe2\x81\xa9",
      false, FFFD "x" FFFD, "U+2066 LRI and U+2069 PDI" },
    { "\xe2\x81\xa7\xe2\x81\xa8", false, FFFD FFFD, "U+2067, U+2068" },
    { "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", false, FFFD FFFD FFFD,
      "LRM, RLM, ALM" },
    { "caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80", false,
      "caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80", "UTF-8 kept" },
    { "\xc2\xa0\xe2\x80\x8b\xe2\x81\xaa", false,
      "\xc2\xa0\xe2\x80\x8b\xe2\x81\xaa", "NBSP, ZWSP, U+206A kept" },
    { "\xc0\x80", false, FFFD FFFD, "overlong" },
    { "\xed\xa0\x80", false, FFFD FFFD FFFD, "surrogate" },
    { "ab\xc3", false, "ab" FFFD, "truncated at the end" },
    { "\xff"
      "x",
      false, FFFD "x", "FF byte" },
};
/* NOLINTEND(misc-misleading-bidirectional) */

static void check_dec(const struct dec_case *t)
{
    uint32_t cp = 0xdeadbeef;
    size_t len = utf8_decode(t->in, t->n, &cp);
    char name[200];

    if (t->len) {
        snprintf(name, sizeof(name), "utf8_decode: %s: length %zu, U+%04X",
                 t->name, t->len, (unsigned)t->cp);
        ok(len == t->len && cp == t->cp, name);
    } else {
        snprintf(name, sizeof(name), "utf8_decode: %s", t->name);
        ok(len == 0, name);
    }
    if (len != t->len || (t->len && cp != t->cp))
        printf("#   got length %zu, U+%04X\n", len, (unsigned)cp);
}

/* Every 1-, 2- and 3-byte sequence: decoding agrees with a plain encoder. */
static void check_dec_exhaustive(void)
{
    unsigned bad = 0;

    for (uint32_t c = 0; c < 0x110000; c++) {
        char b[4];
        size_t n;
        uint32_t got = 0;

        if (c < 0x80) {
            b[0] = (char)c, n = 1;
        } else if (c < 0x800) {
            b[0] = (char)(0xc0 | (c >> 6));
            b[1] = (char)(0x80 | (c & 0x3f)), n = 2;
        } else if (c < 0x10000) {
            b[0] = (char)(0xe0 | (c >> 12));
            b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
            b[2] = (char)(0x80 | (c & 0x3f)), n = 3;
        } else {
            b[0] = (char)(0xf0 | (c >> 18));
            b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
            b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
            b[3] = (char)(0x80 | (c & 0x3f)), n = 4;
        }
        if (c >= 0xd800 && c <= 0xdfff) {
            if (utf8_decode(b, n, &got) != 0)
                bad++;
        } else if (utf8_decode(b, n, &got) != n || got != c) {
            bad++;
        }
    }
    ok(bad == 0, "utf8_decode: every code point round-trips, surrogates "
                 "rejected");
    if (bad)
        printf("#   %u wrong\n", bad);
}

static void check_xml(const struct xml_case *t)
{
    size_t off = 12345;
    const char *why = "unset";
    bool r = text_check_xml(t->in, t->n, &off, &why);
    char name[200];

    if (t->ok) {
        snprintf(name, sizeof(name), "text_check_xml: %s: ok", t->name);
        ok(r, name);
    } else {
        snprintf(name, sizeof(name),
                 "text_check_xml: %s: fails at %zu with '%s'", t->name, t->off,
                 t->why);
        ok(!r && off == t->off && why && strcmp(why, t->why) == 0, name);
    }
    if (r != t->ok ||
        (!r && (off != t->off || !why || strcmp(why, t->why) != 0)))
        printf("#   got %s, offset %zu, why '%s'\n", r ? "true" : "false", off,
               why ? why : "(null)");
}

static void check_xml_char(void)
{
    ok(text_xml_char('\t') && text_xml_char('\n') && text_xml_char('\r'),
       "text_xml_char: tab, LF, CR");
    ok(!text_xml_char(0) && !text_xml_char(0x1f) && !text_xml_char(0x0b),
       "text_xml_char: NUL, U+001F, VT refused");
    ok(text_xml_char(' ') && text_xml_char(0xd7ff) && text_xml_char(0xe000) &&
           text_xml_char(0xfffd) && text_xml_char(0x10000) &&
           text_xml_char(0x10ffff),
       "text_xml_char: range ends allowed");
    ok(!text_xml_char(0xfffe) && !text_xml_char(0xffff),
       "text_xml_char: U+FFFE, U+FFFF refused");
}

/* Prints @s on one line, bytes outside printable ASCII as \xHH. */
static void print_escaped(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c >= 0x20 && c < 0x7f && c != '\\')
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    putchar('\n');
}

static void check_safe(const struct safe_case *t)
{
    char *buf = NULL, name[200];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f)
        abort();
    text_put_safe(f, t->in, t->keep_nl);
    fclose(f);
    snprintf(name, sizeof(name), "text_put_safe: %s%s", t->name,
             t->keep_nl ? " (keep_nl)" : "");
    ok(buf && strcmp(buf, t->out) == 0, name);
    if (!buf || strcmp(buf, t->out) != 0) {
        printf("#   got:  ");
        print_escaped(buf ? buf : "(null)");
        printf("#   want: ");
        print_escaped(t->out);
    }
    free(buf);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(dec_cases) / sizeof(dec_cases[0]); i++)
        check_dec(&dec_cases[i]);
    check_dec_exhaustive();
    for (size_t i = 0; i < sizeof(xml_cases) / sizeof(xml_cases[0]); i++)
        check_xml(&xml_cases[i]);
    check_xml_char();
    for (size_t i = 0; i < sizeof(safe_cases) / sizeof(safe_cases[0]); i++)
        check_safe(&safe_cases[i]);
    return done_testing();
}
