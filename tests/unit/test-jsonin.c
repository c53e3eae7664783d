/* tests/unit/test-jsonin.c - the strict JSON parser for user input:
 * grammar, strings, limits, error positions, the positions of values, and
 * a round trip through the writer */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/jsonin.h"
#include "tests/unit/tap.h"

#define S(lit) lit, sizeof(lit) - 1 /* a literal and its length (NULs ok) */

struct bad_case {
    const char *in;
    size_t len;
    const char *err;
};

/* Rejected input and the message, position included. */
static const struct bad_case bad[] = {
    { S(""), "line 1, column 1: unexpected end of input" },
    { S("   "), "line 1, column 4: unexpected end of input" },
    { S("{"), "line 1, column 2: expected a member name" },
    { S("{\"a\":1,}"), "line 1, column 8: expected a member name" },
    { S("[1,]"), "line 1, column 4: invalid value" },
    { S("[1 2]"), "line 1, column 4: expected ',' or ']'" },
    { S("{\"a\" 1}"), "line 1, column 6: expected ':'" },
    { S("{\"a\":1 \"b\":2}"), "line 1, column 8: expected ',' or '}'" },
    { S("{a:1}"), "line 1, column 2: expected a member name" },
    { S("'a'"), "line 1, column 1: invalid value" },
    { S("tru"), "line 1, column 1: invalid value" },
    { S("nul"), "line 1, column 1: invalid value" },
    { S("01"), "line 1, column 2: unexpected data after the value" },
    { S("1."), "line 1, column 3: invalid number" },
    { S("1e"), "line 1, column 3: invalid number" },
    { S("-"), "line 1, column 2: invalid value" },
    { S("+1"), "line 1, column 1: invalid value" },
    { S(".5"), "line 1, column 1: invalid value" },
    { S("\"abc"), "line 1, column 5: unterminated string" },
    { S("\"a\tb\""), "line 1, column 3: control character in a string" },
    { S("\"a\nb\""), "line 1, column 3: control character in a string" },
    { S("\"\\x\""), "line 1, column 3: invalid escape in a string" },
    { S("\"\\u12\""), "line 1, column 4: invalid escape in a string" },
    { S("\"\\u0000\""), "line 1, column 8: invalid escape in a string" },
    { S("\"\\udc00\""), "line 1, column 8: invalid escape in a string" },
    { S("\"\\ud800\""), "line 1, column 8: invalid escape in a string" },
    { S("\"\\ud800\\u0041\""),
      "line 1, column 14: invalid escape in a string" },
    { S("\"\xff\""), "line 1, column 2: invalid UTF-8" },
    { S("\"\xc0\xaf\""), "line 1, column 2: invalid UTF-8" },
    { S("\"\xed\xa0\x80\""), "line 1, column 2: invalid UTF-8" },
    { S("\"a\0b\""), "line 1, column 3: control character in a string" },
    { S("{}\n{}"), "line 2, column 1: unexpected data after the value" },
    { S("[\n  1,\n  x\n]"), "line 3, column 3: invalid value" },
    { S("{\"\xc3\xa9\":x}"), "line 1, column 6: invalid value" },
    { S("// comment\n1"), "line 1, column 1: invalid value" },
    { S("[1] // no"), "line 1, column 5: unexpected data after the value" },
    { S("\"\\"), "line 1, column 3: invalid escape in a string" },
    { S("  \n  x"), "line 2, column 3: invalid value" },
    { S("\"\\u12g4\""), "line 1, column 7: invalid escape in a string" },
    { S("1e+"), "line 1, column 4: invalid number" },
    { S("{} {}"), "line 1, column 4: unexpected data after the value" },
    { S("\xef\xbb\xbf[1,,]"), "line 1, column 4: invalid value" },
};

static void test_bad(void)
{
    char err[128], name[160];

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct jv *v;

        err[0] = '\0';
        v = jsonin_parse(bad[i].in, bad[i].len, err, sizeof(err));
        snprintf(name, sizeof(name), "rejected #%zu: %s", i, bad[i].err);
        ok(v == NULL, name);
        is_str(err, bad[i].err, "  with the position and the reason");
        jv_free(v);
    }
}

static void test_scalars(void)
{
    struct jv *v;

    v = jsonin_parse(S(" \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\" "), NULL, 0);
    ok(v && v->type == JV_STRING, "a string");
    is_str(v ? v->s : NULL, "a\"b\\c/d\b\f\n\r\t", "  every short escape");
    jv_free(v);
    v = jsonin_parse(S("\"\\u00e9\\u20ac\\ud83d\\ude00 \xc3\xa9\""), NULL, 0);
    is_str(v ? v->s : NULL, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xc3\xa9",
           "\\u escapes, a surrogate pair, raw UTF-8");
    jv_free(v);
    v = jsonin_parse(S("-12.5e+3"), NULL, 0);
    ok(v && v->type == JV_NUMBER, "a number");
    is_str(v ? v->s : NULL, "-12.5e+3", "  kept as written");
    jv_free(v);
    v = jsonin_parse(S("0"), NULL, 0);
    is_str(v ? v->s : NULL, "0", "zero");
    jv_free(v);
    v = jsonin_parse(S("true"), NULL, 0);
    ok(v && v->type == JV_BOOL && v->b, "true");
    jv_free(v);
    v = jsonin_parse(S("false"), NULL, 0);
    ok(v && v->type == JV_BOOL && !v->b, "false");
    jv_free(v);
    v = jsonin_parse(S("null"), NULL, 0);
    ok(v && v->type == JV_NULL, "null");
    jv_free(v);
    v = jsonin_parse(S("\xef\xbb\xbf{}"), NULL, 0);
    ok(v && v->type == JV_OBJECT && v->n == 0, "a byte order mark is skipped");
    jv_free(v);
}

static void test_containers(void)
{
    struct jv *v = jsonin_parse(
        S("{\"a\": [1, \"x\", true, null, []], \"b\": {\"c\": {}}, "
          "\"a\": 2}"),
        NULL, 0);
    const struct jv *a, *b;

    ok(v && v->type == JV_OBJECT && v->n == 3, "an object, members in order");
    a = jv_get(v, "a");
    ok(a && a->type == JV_NUMBER && !strcmp(a->s, "2"),
       "jv_get: the last of a repeated member");
    ok(v && v->kids[0].type == JV_ARRAY && v->kids[0].n == 5,
       "an array of five");
    ok(v && v->kids[0].kids[4].type == JV_ARRAY && v->kids[0].kids[4].n == 0,
       "an empty array inside");
    b = jv_get(v, "b");
    ok(b && jv_get(b, "c") && jv_get(b, "c")->type == JV_OBJECT, "nested");
    ok(jv_get(v, "zz") == NULL, "jv_get: absent member");
    ok(jv_get(a, "x") == NULL, "jv_get: not an object");
    jv_free(v);
}

/* Where each value starts, for messages about what the document says. */
static void test_positions(void)
{
    char err[128] = "";
    const char doc[] =
        "\xef\xbb\xbf{\"s\": \"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\","
        " \"n\": -12.5e3, \"t\": true, \"f\": false, \"z\": null,"
        " \"a\": [1, [2, {}], []], \"u\": \"\xc3\xa9\"}";
    struct jv *v = jsonin_parse(doc, sizeof(doc) - 1, err, sizeof(err));
    const struct jv *a;

    ok(v && v->type == JV_OBJECT && v->n == 7, "an object of seven members");
    if (!v) {
        printf("#   %s\n", err);
        return;
    }
    ok(v->line == 1 && v->col == 1, "the document starts after the BOM");
    a = jv_get(v, "a");
    ok(a->kids[0].line == 1 && a->kids[0].col == 94, "positions of values");
    jv_free(v);
    v = jsonin_parse(S("[\"\xc3\xa9\xe2\x82\xac\",\n  {\"k\":\n true}]"), NULL,
                     0);
    ok(v && v->kids[0].col == 2 && v->kids[1].line == 2 &&
           v->kids[1].col == 3 && v->kids[1].kids[0].line == 3 &&
           v->kids[1].kids[0].col == 2,
       "  lines, and columns in characters");
    jv_free(v);
    v = jsonin_parse(S("\xef\xbb\xbf[1,\n\"\xc3\xa9\", x]"), err, sizeof(err));
    is_str(err, "line 2, column 6: invalid value",
           "  an error after values, a BOM and UTF-8");
    jv_free(v);
}

/* What the writer writes, the reader reads back. */
static void test_roundtrip(void)
{
    const char *text = "tab\t nl\n quote\" bs\\ ctl\x01 del\x7f "
                       "\xe2\x80\xa8 \xf0\x9f\x98\x80";
    char *buf = NULL, err[128] = "";
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
    v = jsonin_parse(buf, len, err, sizeof(err));
    ok(v && v->n == 1 && !strcmp(v->kids[0].s, text),
       "writer output reads back to the same text");
    jv_free(v);
    free(buf);
}

static void test_type_names(void)
{
    is_str(jv_type_name(JV_BOOL), "a boolean", "jv_type_name: a boolean");
    is_str(jv_type_name(JV_OBJECT), "an object", "  an object");
}

static void test_limits(void)
{
    char err[128];
    char *deep = malloc(2 * JSONIN_MAX_DEPTH + 4);
    size_t n = 0;
    struct jv *v;

    for (int i = 0; i < JSONIN_MAX_DEPTH; i++)
        deep[n++] = '[';
    for (int i = 0; i < JSONIN_MAX_DEPTH; i++)
        deep[n++] = ']';
    v = jsonin_parse(deep, n, err, sizeof(err));
    ok(v != NULL, "nesting up to the limit is fine");
    jv_free(v);
    memmove(deep + 1, deep, n);
    deep[0] = '[';
    deep[n + 1] = ']';
    v = jsonin_parse(deep, n + 2, err, sizeof(err));
    ok(v == NULL, "one level more is refused");
    is_str(err, "line 1, column 65: nested too deeply", "  and said so");
    free(deep);
    v = jsonin_parse("1", JSONIN_MAX_BYTES + 1, err, sizeof(err));
    ok(v == NULL, "input over the size limit is refused");
    is_str(err, "larger than 16777216 bytes", "  and said so");
}

int main(void)
{
    test_bad();
    test_scalars();
    test_containers();
    test_positions();
    test_roundtrip();
    test_type_names();
    test_limits();
    return done_testing();
}
