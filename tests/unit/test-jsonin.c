/* tests/unit/test-jsonin.c - the JSON reader: grammar, strings, limits,
 * error positions, and a round trip through the writer */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/jsonin.h"
#include "tests/unit/tap.h"

#define S(lit) lit, sizeof(lit) - 1 /* a literal and its length (NULs ok) */

struct bad {
    const char *in;
    size_t len;
    const char *err;
};

static const struct bad bad_cases[] = {
    { S(""), "line 1, column 1: unexpected end of input: expected a value" },
    { S("  \n  x"),
      "line 2, column 3: unexpected character: expected a value" },
    { S("{\"a\" 1}"), "line 1, column 6: expected ':'" },
    { S("{\"a\":1,}"), "line 1, column 8: expected a member name in double "
                       "quotes" },
    { S("[1,]"), "line 1, column 4: unexpected character: expected a value" },
    { S("[1 2]"), "line 1, column 4: expected ',' or ']'" },
    { S("{\"a\":1 \"b\":2}"), "line 1, column 8: expected ',' or '}'" },
    { S("{\"a\":1,\"a\":2}"), "line 1, column 8: duplicate member name \"a\"" },
    { S("\"abc"), "line 1, column 5: unterminated string" },
    { S("\"a\tb\""), "line 1, column 3: control character in a string "
                     "(escape it)" },
    { S("\"a\0b\""), "line 1, column 3: control character in a string "
                     "(escape it)" },
    { S("\"\\u0000\""), "line 1, column 8: NUL character (\\u0000) in a "
                        "string" },
    { S("\"\\ud800\""), "line 1, column 8: lone high surrogate in \\u escape" },
    { S("\"\\udc00\""), "line 1, column 8: lone low surrogate in \\u escape" },
    { S("\"\\u12g4\""),
      "line 1, column 4: expected four hex digits after \\u" },
    { S("\"\\x\""), "line 1, column 3: invalid escape in a string" },
    { S("\"\xff\""), "line 1, column 2: invalid UTF-8" },
    { S("\"\xc0\xaf\""), "line 1, column 2: invalid UTF-8" },
    { S("01"), "line 1, column 2: unexpected data after the value" },
    { S("-"), "line 1, column 2: expected a digit" },
    { S("1."), "line 1, column 3: expected a digit" },
    { S("1e+"), "line 1, column 4: expected a digit" },
    { S("tru"), "line 1, column 1: unexpected character" },
    { S("nul"), "line 1, column 1: unexpected character" },
    { S("{} {}"), "line 1, column 4: unexpected data after the value" },
    { S("'a'"), "line 1, column 1: unexpected character: expected a value" },
};

static void check_bad(const struct bad *c)
{
    char err[256] = "", name[512];
    struct jv *v = jv_parse(c->in, c->len, err, sizeof(err));

    snprintf(name, sizeof(name), "refused: %s", c->err);
    ok(v == NULL, name);
    is_str(err, c->err, "  the error says where and what");
    jv_free(v);
}

static void check_values(void)
{
    char err[256] = "";
    const char doc[] =
        "\xef\xbb\xbf{\"s\": \"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\","
        " \"n\": -12.5e3, \"t\": true, \"f\": false, \"z\": null,"
        " \"a\": [1, [2, {}], []], \"u\": \"\xc3\xa9\"}";
    struct jv *v = jv_parse(doc, sizeof(doc) - 1, err, sizeof(err));
    const struct jv *a;

    ok(v && v->type == JV_OBJECT && v->n == 7, "object with 7 members");
    if (!v) {
        printf("#   %s\n", err);
        return;
    }
    is_str(jv_member(v, "s")->str, "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80",
           "escapes, \\u, surrogate pairs");
    is_str(jv_member(v, "n")->str, "-12.5e3", "a number as written");
    ok(jv_member(v, "t")->type == JV_TRUE, "true");
    ok(jv_member(v, "f")->type == JV_FALSE, "false");
    ok(jv_member(v, "z")->type == JV_NULL, "null");
    a = jv_member(v, "a");
    ok(a->type == JV_ARRAY && a->n == 3 && a->v[1].type == JV_ARRAY &&
           a->v[1].v[1].type == JV_OBJECT && a->v[2].n == 0,
       "nested arrays and objects");
    is_str(jv_member(v, "u")->str, "\xc3\xa9", "raw UTF-8 kept");
    ok(jv_member(v, "missing") == NULL && jv_member(a, "x") == NULL,
       "no such member; an array has none");
    ok(a->v[0].line == 1 && a->v[0].col == 94, "positions of values");
    jv_free(v);
}

static void check_depth(void)
{
    char doc[2 * JV_DEPTH_MAX + 8], err[256] = "";
    struct jv *v;
    size_t n = JV_DEPTH_MAX;

    memset(doc, '[', n);
    memset(doc + n, ']', n);
    v = jv_parse(doc, 2 * n, err, sizeof(err));
    ok(v != NULL, "nesting up to the limit");
    jv_free(v);
    memset(doc, '[', n + 1);
    memset(doc + n + 1, ']', n + 1);
    v = jv_parse(doc, 2 * n + 2, err, sizeof(err));
    ok(v == NULL && strstr(err, "nested deeper than 64 levels"),
       "nesting past the limit is refused, not a crash");
    jv_free(v);
}

/* What the writer writes, the reader reads back. */
static void check_roundtrip(void)
{
    const char *text = "tab\t nl\n quote\" bs\\ ctl\x01 del\x7f "
                       "\xe2\x80\xa8 \xf0\x9f\x98\x80";
    char *buf = NULL, err[256] = "";
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct json j;
    struct jv *v;

    json_init(&j, f);
    json_arr_begin(&j, NULL);
    json_str(&j, NULL, text);
    json_arr_end(&j);
    json_free(&j);
    fclose(f);
    v = jv_parse(buf, len, err, sizeof(err));
    ok(v && v->n == 1 && !strcmp(v->v[0].str, text),
       "writer output reads back to the same text");
    jv_free(v);
    free(buf);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
        check_bad(&bad_cases[i]);
    check_values();
    check_depth();
    check_roundtrip();
    return done_testing();
}
