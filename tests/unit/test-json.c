/* tests/unit/test-json.c - the JSON writer: escaping, UTF-8 repair, nesting */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/text.h"
#include "tests/unit/tap.h"

/* the writer once had a fixed depth of 32: test well past it */
#define JSON_MAX_DEPTH 32

#define FFFD   "\xef\xbf\xbd"
#define S(lit) lit, sizeof(lit) - 1 /* a literal and its length (NULs ok) */

/* A memory stream: open with mem_open(), read the text with mem_close(). */
struct mem {
    FILE *f;
    char *buf;
    size_t len;
};

static FILE *mem_open(struct mem *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    if (!m->f)
        abort();
    return m->f;
}

/* Returns the text written; the caller frees it. */
static char *mem_close(struct mem *m)
{
    fclose(m->f);
    return m->buf;
}

struct str_case {
    const char *in;
    size_t n;
    const char *out;
    unsigned long bad;
    const char *name;
};

/* NOLINTBEGIN(misc-misleading-bidirectional): U+202A on purpose */
static const struct str_case str_cases[] = {
    { S(""), "\"\"", 0, "empty" },
    { S("plain ASCII"), "\"plain ASCII\"", 0, "plain ASCII" },
    { S("a\"b"), "\"a\\\"b\"", 0, "quote" },
    { S("a\\b"), "\"a\\\\b\"", 0, "backslash" },
    { S("\"\\\""), "\"\\\"\\\\\\\"\"", 0, "quote backslash quote" },
    { S("/"), "\"/\"", 0, "slash is not escaped" },
    { S("a\nb"), "\"a\\nb\"", 0, "newline" },
    { S("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"", 0, "short escapes" },
    { S("\0"), "\"\\u0000\"", 0, "NUL" },
    { S("a\0b"), "\"a\\u0000b\"", 0, "embedded NUL" },
    { S("\x01\x02\x1b\x1f"), "\"\\u0001\\u0002\\u001b\\u001f\"", 0,
      "other C0 controls" },
    { S("\x0b"), "\"\\u000b\"", 0, "vertical tab" },
    { S("\x7f"), "\"\\u007f\"", 0, "DEL" },
    { S(" ~"), "\" ~\"", 0, "space and tilde are plain" },
    { S("\xe2\x80\xa8"), "\"\\u2028\"", 0, "U+2028" },
    { S("\xe2\x80\xa9"), "\"\\u2029\"", 0, "U+2029" },
    { S("x\xe2\x80\xa8y\xe2\x80\xa9z"), "\"x\\u2028y\\u2029z\"", 0,
      "U+2028 and U+2029 between ASCII" },
    { S("\xe2\x80\xa7\xe2\x80\xaa"), "\"\xe2\x80\xa7\xe2\x80\xaa\"", 0,
      "U+2027 and U+202A pass" },
    { S("\xc3\xa9"), "\"\xc3\xa9\"", 0, "2-byte UTF-8 passes" },
    { S("\xe2\x98\x83"), "\"\xe2\x98\x83\"", 0, "3-byte UTF-8 passes" },
    { S("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"", 0, "4-byte UTF-8 passes" },
    { S("caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80!"),
      "\"caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80!\"", 0,
      "mixed UTF-8 and ASCII" },
    { S("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf"),
      "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf\"", 0,
      "UTF-8 boundaries pass" },
    { S(FFFD), "\"" FFFD "\"", 0, "a real U+FFFD is no replacement" },
    { S("\x80"), "\"" FFFD "\"", 1, "lone continuation byte" },
    { S("a\xbf"
        "b"),
      "\"a" FFFD "b\"", 1, "continuation byte in ASCII" },
    { S("\xc0\x80"), "\"" FFFD FFFD "\"", 2, "overlong C0 80" },
    { S("\xc1\xbf"), "\"" FFFD FFFD "\"", 2, "overlong C1 BF" },
    { S("\xe0\x80\xaf"), "\"" FFFD FFFD FFFD "\"", 3, "overlong E0 80 AF" },
    { S("\xed\xa0\x80"), "\"" FFFD FFFD FFFD "\"", 3, "surrogate ED A0 80" },
    { S("\xed\xbf\xbf"), "\"" FFFD FFFD FFFD "\"", 3, "surrogate ED BF BF" },
    { S("ok\xc3"), "\"ok" FFFD "\"", 1, "truncated 2-byte at end" },
    /* one U+FFFD per byte of a truncated sequence, as the lib does;
     * Unicode's "maximal subpart" practice would write just one */
    { S("ok\xe2\x82"), "\"ok" FFFD FFFD "\"", 2, "truncated 3-byte at end" },
    { S("ok\xf0\x9f\x98"), "\"ok" FFFD FFFD FFFD "\"", 3,
      "truncated 4-byte at end" },
    { S("\xe2\x82x"), "\"" FFFD FFFD "x\"", 2, "truncated 3-byte before x" },
    { S("\xf5\x80\x80\x80"), "\"" FFFD FFFD FFFD FFFD "\"", 4, "F5 lead" },
    { S("\xf4\x90\x80\x80"), "\"" FFFD FFFD FFFD FFFD "\"", 4,
      "above U+10FFFF" },
    { S("\xf8\xfe\xff"), "\"" FFFD FFFD FFFD "\"", 3, "F8 FE FF" },
    { S("a\xff\"\n"), "\"a" FFFD "\\\"\\n\"", 1, "bad byte then escapes" },
    { S("\xc3\xa9\x80\xc3\xa9"), "\"\xc3\xa9" FFFD "\xc3\xa9\"", 1,
      "stray byte between good sequences" },
};
/* NOLINTEND(misc-misleading-bidirectional) */

static void check_str(const struct str_case *t)
{
    struct mem m;
    char name[200], *out;
    unsigned long bad = json_write_string(mem_open(&m), t->in, t->n);

    out = mem_close(&m);
    snprintf(name, sizeof(name), "json_write_string: %s", t->name);
    is_str(out, t->out, name);
    snprintf(name, sizeof(name), "json_write_string: %s: %lu replaced", t->name,
             t->bad);
    ok(bad == t->bad, name);
    if (bad != t->bad)
        printf("#   got %lu\n", bad);
    free(out);
}

/* Each step writes into @j; the output is compared as a whole. */
static void doc_mixed(struct json *j)
{
    json_obj_begin(j, NULL);
    json_str(j, "a", "b");
    json_int(j, "n", 42);
    json_arr_begin(j, "list");
    json_bool(j, NULL, true);
    json_bool(j, NULL, false);
    json_null(j, NULL);
    json_str(j, NULL, "x");
    json_arr_end(j);
    json_obj_begin(j, "o");
    json_obj_begin(j, "p");
    json_null(j, "q");
    json_obj_end(j);
    json_int(j, "r", -1);
    json_obj_end(j);
    json_arr_begin(j, "empty");
    json_arr_end(j);
    json_obj_begin(j, "none");
    json_obj_end(j);
    json_bool(j, "last", false);
    json_obj_end(j);
}

static void doc_arrays(struct json *j)
{
    json_arr_begin(j, NULL);
    json_arr_begin(j, NULL);
    json_int(j, NULL, 1);
    json_int(j, NULL, 2);
    json_arr_end(j);
    json_arr_begin(j, NULL);
    json_int(j, NULL, 3);
    json_arr_begin(j, NULL);
    json_int(j, NULL, 4);
    json_int(j, NULL, 5);
    json_arr_end(j);
    json_arr_end(j);
    json_arr_begin(j, NULL);
    json_arr_end(j);
    json_obj_begin(j, NULL);
    json_int(j, "x", 1);
    json_obj_end(j);
    json_obj_begin(j, NULL);
    json_obj_end(j);
    json_arr_end(j);
}

static void doc_ints(struct json *j)
{
    json_arr_begin(j, NULL);
    json_int(j, NULL, 0);
    json_int(j, NULL, -1);
    json_int(j, NULL, 1234567890123LL);
    json_int(j, NULL, LLONG_MAX);
    json_int(j, NULL, LLONG_MIN);
    json_arr_end(j);
}

static void doc_scalars(struct json *j)
{
    json_obj_begin(j, NULL);
    json_bool(j, "t", true);
    json_bool(j, "f", false);
    json_null(j, "z");
    json_str(j, "s", "");
    json_strn(j, "nul", "a\0b", 3);
    json_strn(j, "cut", "abcdef", 3);
    json_obj_end(j);
}

static void doc_keys(struct json *j)
{
    json_obj_begin(j, NULL);
    json_str(j, "k\"\\\n", "v");
    json_int(j, "\x01\xe2\x80\xa8", 1);
    json_obj_begin(j, "\xc3\xa9t\xc3\xa9");
    json_arr_begin(j, "bad\x80key");
    json_arr_end(j);
    json_obj_end(j);
    json_obj_end(j);
}

static void doc_replaced(struct json *j)
{
    json_obj_begin(j, NULL);
    json_str(j, "\xff", "\xc0\x80");
    json_arr_begin(j, "a");
    json_str(j, NULL, "ok");
    json_str(j, NULL, "\xed\xa0\x80");
    json_arr_end(j);
    json_obj_end(j);
}

static void doc_top_level_scalar(struct json *j)
{
    json_str(j, NULL, "just a string");
}

/* Objects nested @depth deep, each with a member before and after the
 * inner one: {"i":0,"in":{"i":1,"in":{...},"after":1},"after":0} */
static void nest(struct json *j, int depth)
{
    for (int i = 0; i < depth; i++) {
        json_obj_begin(j, i ? "in" : NULL);
        json_int(j, "i", i);
    }
    for (int i = depth - 1; i >= 0; i--) {
        json_obj_end(j);
        if (i > 0)
            json_int(j, "after", i - 1);
    }
}

static char *nest_expected(int depth)
{
    size_t cap = (size_t)depth * 64 + 16, o = 0;
    char *s = malloc(cap);

    if (!s)
        abort();
    for (int i = 0; i < depth; i++)
        o += (size_t)snprintf(s + o, cap - o, "%s{\"i\":%d",
                              i ? ",\"in\":" : "", i);
    for (int i = depth - 1; i >= 0; i--)
        o += (size_t)snprintf(s + o, cap - o, i > 0 ? "},\"after\":%d" : "}",
                              i - 1);
    return s;
}

static void doc_nest_max(struct json *j)
{
    nest(j, JSON_MAX_DEPTH - 1);
}

static void doc_nest_deeper(struct json *j)
{
    nest(j, JSON_MAX_DEPTH + 8);
}

struct doc_case {
    void (*write)(struct json *j);
    const char *out; /* NULL: nest_expected(depth) */
    int depth;
    unsigned long replaced;
    const char *name;
};

static const struct doc_case doc_cases[] = {
    { doc_mixed,
      "{\"a\":\"b\",\"n\":42,\"list\":[true,false,null,\"x\"],"
      "\"o\":{\"p\":{\"q\":null},\"r\":-1},\"empty\":[],\"none\":{},"
      "\"last\":false}",
      0, 0, "object with arrays, nested objects, empty containers" },
    { doc_arrays, "[[1,2],[3,[4,5]],[],{\"x\":1},{}]", 0, 0, "nested arrays" },
    { doc_ints, "[0,-1,1234567890123,9223372036854775807,-9223372036854775808]",
      0, 0, "ints, LLONG_MAX and LLONG_MIN" },
    { doc_scalars,
      "{\"t\":true,\"f\":false,\"z\":null,\"s\":\"\","
      "\"nul\":\"a\\u0000b\",\"cut\":\"abc\"}",
      0, 0, "bool, null, empty string, json_strn" },
    { doc_keys,
      "{\"k\\\"\\\\\\n\":\"v\",\"\\u0001\\u2028\":1,"
      "\"\xc3\xa9t\xc3\xa9\":{\"bad" FFFD "key\":[]}}",
      0, 1, "keys are escaped and repaired" },
    { doc_replaced,
      "{\"" FFFD "\":\"" FFFD FFFD "\",\"a\":[\"ok\",\"" FFFD FFFD FFFD "\"]}",
      0, 6, "replacements in keys and values are counted" },
    { doc_top_level_scalar, "\"just a string\"", 0, 0, "top-level string" },
    { doc_nest_max, NULL, JSON_MAX_DEPTH - 1, 0,
      "objects nested JSON_MAX_DEPTH - 1 deep" },
    /* was a bug: lib/json.c open_() stopped counting depth at 31
     * but close_() keeps decrementing, so after nesting deeper the outer
     * levels lose their comma state: members written after the inner
     * objects close come out without the ',' (invalid JSON). */
    { doc_nest_deeper, NULL, JSON_MAX_DEPTH + 8, 0,
      "objects nested JSON_MAX_DEPTH + 8 deep" },
};

static void check_doc(const struct doc_case *t)
{
    struct mem m;
    struct json j;
    char name[200], *out, *want;

    json_init(&j, mem_open(&m));
    t->write(&j);
    out = mem_close(&m);
    want = t->out ? strdup(t->out) : nest_expected(t->depth);
    snprintf(name, sizeof(name), "json: %s", t->name);
    is_str(out, want, name);
    snprintf(name, sizeof(name), "json: %s: depth back to 0, %lu replaced",
             t->name, t->replaced);
    ok(j.depth == 0 && j.replaced == t->replaced, name);
    json_free(&j);
    free(want);
    free(out);
}

/* A deterministic PRNG (xorshift32), so that failures reproduce. */
static uint32_t rng_state = 0x2545f491u;

static uint32_t rng(void)
{
    uint32_t x = rng_state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* Bytes biased towards what breaks writers: controls, quotes,
 * backslashes, lead and continuation bytes, U+2028, valid sequences. */
static size_t random_bytes(char *s, size_t n)
{
    static const char *const pieces[] = {
        "\"",           "\\",           "\n",       "\x7f",
        "\xe2\x80\xa8", "\xe2\x80\xa9", "\xc3\xa9", "\xf0\x9f\x98\x80",
        "\xed\xa0\x80", "\xc0\x80",     FFFD,       "\xe2\x82",
    };
    size_t i = 0;

    while (i < n) {
        uint32_t r = rng();

        if (r % 4 == 0) {
            const char *p =
                pieces[(r >> 8) % (sizeof(pieces) / sizeof(pieces[0]))];
            size_t l = strlen(p);

            if (i + l > n)
                l = n - i;
            for (size_t k = 0; k < l; k++)
                s[i++] = p[k];
        } else {
            s[i++] = (char)(r >> 16);
        }
    }
    return n;
}

static size_t count_fffd(const char *s, size_t n)
{
    size_t c = 0;

    for (size_t i = 0; i + 3 <= n; i++)
        if (memcmp(s + i, FFFD, 3) == 0)
            c++;
    return c;
}

/*
 * Checks that @s (@n bytes) is one well-formed JSON string: quoted, valid
 * UTF-8, no raw control bytes, DEL, U+2028 or U+2029, only valid escapes.
 * Writes the decoded text to @dec (at least @n bytes) and its length to
 * *@declen. Returns NULL or what is wrong.
 */
static const char *check_json_string(const char *s, size_t n, char *dec,
                                     size_t *declen)
{
    size_t i = 1, o = 0;

    if (n < 2 || s[0] != '"' || s[n - 1] != '"')
        return "not quoted";
    while (i < n - 1) {
        uint32_t c;
        size_t len = utf8_decode(s + i, n - 1 - i, &c);

        if (len == 0)
            return "invalid UTF-8";
        if (c < 0x20 || c == 0x7f)
            return "raw control character";
        if (c == 0x2028 || c == 0x2029)
            return "raw U+2028 or U+2029";
        if (c == '"')
            return "unescaped quote";
        if (c != '\\') {
            memcpy(dec + o, s + i, len);
            o += len;
            i += len;
            continue;
        }
        if (i + 1 >= n - 1)
            return "backslash at the end";
        i++;
        switch (s[i]) {
        case '"':
        case '\\':
        case '/':
            dec[o++] = s[i++];
            continue;
        case 'n':
            dec[o++] = '\n', i++;
            continue;
        case 'r':
            dec[o++] = '\r', i++;
            continue;
        case 't':
            dec[o++] = '\t', i++;
            continue;
        case 'b':
            dec[o++] = '\b', i++;
            continue;
        case 'f':
            dec[o++] = '\f', i++;
            continue;
        case 'u': {
            char hex[5];
            unsigned long u;
            char *end;

            if (i + 5 > n - 1)
                return "short \\u escape";
            memcpy(hex, s + i + 1, 4);
            hex[4] = '\0';
            u = strtoul(hex, &end, 16);
            if (*end || hex[0] == '+' || hex[0] == '-' || hex[0] == ' ')
                return "bad \\u escape";
            if (u >= 0xd800 && u <= 0xdfff)
                return "surrogate \\u escape";
            if (u < 0x80) {
                dec[o++] = (char)u;
            } else if (u < 0x800) {
                dec[o++] = (char)(0xc0 | (u >> 6));
                dec[o++] = (char)(0x80 | (u & 0x3f));
            } else {
                dec[o++] = (char)(0xe0 | (u >> 12));
                dec[o++] = (char)(0x80 | ((u >> 6) & 0x3f));
                dec[o++] = (char)(0x80 | (u & 0x3f));
            }
            i += 5;
            continue;
        }
        default:
            return "bad escape";
        }
    }
    *declen = o;
    return NULL;
}

/* Random bytes: the output must always be a well-formed JSON string. */
static void check_random(void)
{
    enum { N = 1 << 16 };
    char *in = malloc(N), *dec, *out;
    struct mem m;
    const char *why;
    size_t declen = 0;
    unsigned long bad;

    if (!in)
        abort();
    random_bytes(in, N);
    bad = json_write_string(mem_open(&m), in, N);
    out = mem_close(&m);
    dec = malloc(m.len + 1);
    if (!dec)
        abort();
    why = check_json_string(out, m.len, dec, &declen);
    ok(why == NULL, "random bytes: output is a well-formed JSON string");
    if (why)
        printf("#   %s\n", why);
    ok(bad > 0 && count_fffd(out, m.len) == count_fffd(in, N) + bad,
       "random bytes: every replacement is one U+FFFD in the output");
    free(dec);
    free(out);
    free(in);
}

/* Random valid UTF-8: the output decodes back to exactly the input. */
static void check_roundtrip(void)
{
    enum { N = 1 << 16 };
    char *in = malloc(N + 4), *dec, *out;
    size_t n = 0, declen = 0;
    struct mem m;
    const char *why;
    unsigned long bad;

    if (!in)
        abort();
    while (n < N) {
        uint32_t r = rng(), c;

        switch (r % 4) {
        case 0:
            c = (r >> 8) % 0x80; /* ASCII, controls included */
            break;
        case 1:
            c = 0x2020 + (r >> 8) % 16; /* around U+2028 */
            break;
        default:
            c = (r >> 8) % 0x110000;
            if (c >= 0xd800 && c <= 0xdfff)
                c = 0xfffd;
        }
        if (c < 0x80) {
            in[n++] = (char)c;
        } else if (c < 0x800) {
            in[n++] = (char)(0xc0 | (c >> 6));
            in[n++] = (char)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            in[n++] = (char)(0xe0 | (c >> 12));
            in[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
            in[n++] = (char)(0x80 | (c & 0x3f));
        } else {
            in[n++] = (char)(0xf0 | (c >> 18));
            in[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
            in[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
            in[n++] = (char)(0x80 | (c & 0x3f));
        }
    }
    bad = json_write_string(mem_open(&m), in, n);
    out = mem_close(&m);
    dec = malloc(m.len + 1);
    if (!dec)
        abort();
    why = check_json_string(out, m.len, dec, &declen);
    ok(why == NULL && bad == 0,
       "random valid UTF-8: well-formed, nothing replaced");
    if (why)
        printf("#   %s\n", why);
    ok(!why && declen == n && memcmp(dec, in, n) == 0,
       "random valid UTF-8: decodes back to the input");
    free(dec);
    free(out);
    free(in);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(str_cases) / sizeof(str_cases[0]); i++)
        check_str(&str_cases[i]);
    for (size_t i = 0; i < sizeof(doc_cases) / sizeof(doc_cases[0]); i++)
        check_doc(&doc_cases[i]);
    check_random();
    check_roundtrip();
    return done_testing();
}
