/* lib/jsonin.c - a strict JSON reader (RFC 8259) */
#include "jsonin.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct parser {
    const char *s;
    size_t len, pos;
    size_t line, line_start; /* for positions */
    int depth;
    char *err;
    size_t errlen;
    bool failed;
};

static bool parse_value(struct parser *p, struct jv *v);

static bool error(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool error(struct parser *p, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (p->failed)
        return false;
    p->failed = true;
    n = snprintf(p->err, p->errlen, "line %zu, column %zu: ", p->line,
                 p->pos - p->line_start + 1);
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < p->errlen)
        vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static void skip_ws(struct parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];

        if (c == '\n') {
            p->line++;
            p->line_start = p->pos + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        p->pos++;
    }
}

static int peek(const struct parser *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static const char *what(const struct parser *p)
{
    return p->pos < p->len ? "unexpected character" : "unexpected end of input";
}

static bool literal(struct parser *p, const char *word, enum jv_type t,
                    struct jv *v)
{
    size_t n = strlen(word);

    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return error(p, "%s", what(p));
    p->pos += n;
    v->type = t;
    return true;
}

static bool digits(struct parser *p)
{
    size_t start = p->pos;

    while (peek(p) >= '0' && peek(p) <= '9')
        p->pos++;
    return p->pos > start || error(p, "expected a digit");
}

static bool number(struct parser *p, struct jv *v)
{
    size_t start = p->pos;

    if (peek(p) == '-')
        p->pos++;
    if (peek(p) == '0')
        p->pos++;
    else if (!digits(p))
        return false;
    if (peek(p) == '.') {
        p->pos++;
        if (!digits(p))
            return false;
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->pos++;
        if (peek(p) == '+' || peek(p) == '-')
            p->pos++;
        if (!digits(p))
            return false;
    }
    v->type = JV_NUMBER;
    if (!(v->str = strndup(p->s + start, p->pos - start)))
        abort();
    return true;
}

static int hex4(const char *s)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        char c = s[i];

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

static size_t put_utf8(char *out, uint32_t c)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    out[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

/* \uXXXX, a surrogate pair taken whole; p->pos is after the 'u'. */
static bool unicode_escape(struct parser *p, uint32_t *cp)
{
    int hi;

    if (p->len - p->pos < 4 || (hi = hex4(p->s + p->pos)) < 0)
        return error(p, "expected four hex digits after \\u");
    p->pos += 4;
    if (hi >= 0xdc00 && hi <= 0xdfff)
        return error(p, "lone low surrogate in \\u escape");
    if (hi >= 0xd800 && hi <= 0xdbff) {
        int lo;

        if (p->len - p->pos < 6 || p->s[p->pos] != '\\' ||
            p->s[p->pos + 1] != 'u' || (lo = hex4(p->s + p->pos + 2)) < 0 ||
            lo < 0xdc00 || lo > 0xdfff)
            return error(p, "lone high surrogate in \\u escape");
        p->pos += 6;
        *cp =
            0x10000 + (((uint32_t)hi - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
        return true;
    }
    if (hi == 0)
        return error(p, "NUL character (\\u0000) in a string");
    *cp = (uint32_t)hi;
    return true;
}

static bool escape(struct parser *p, char *out, size_t *n)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e;
    uint32_t cp = 0;
    int c = peek(p);

    if (c == 'u') {
        p->pos++;
        if (!unicode_escape(p, &cp))
            return false;
        *n += put_utf8(out + *n, cp);
        return true;
    }
    if (c < 0 || !(e = strchr(from, c)) || !c)
        return error(p, "invalid escape in a string");
    out[(*n)++] = to[e - from];
    p->pos++;
    return true;
}

/* Bytes up to the closing quote (or the end): escapes never grow, so the
 * text fits in that many. */
static size_t span(const struct parser *p)
{
    size_t i = p->pos + 1;

    while (i < p->len && p->s[i] != '"')
        i += p->s[i] == '\\' ? 2 : 1;
    return i - p->pos;
}

/* A string; p->pos is at the opening quote. Sets *@out (owned). */
static bool string(struct parser *p, char **out)
{
    char *buf = malloc(span(p) + 1);
    size_t n = 0;

    if (!buf)
        abort();
    p->pos++;
    while (!p->failed) {
        uint32_t cp;
        size_t len;
        int c = peek(p);

        if (c < 0) {
            error(p, "unterminated string");
        } else if (c == '"') {
            p->pos++;
            buf[n] = '\0';
            *out = buf;
            return true;
        } else if (c == '\\') {
            p->pos++;
            escape(p, buf, &n);
        } else if (c < 0x20) {
            error(p, "control character in a string (escape it)");
        } else if (!(len = utf8_decode(p->s + p->pos, p->len - p->pos, &cp))) {
            error(p, "invalid UTF-8");
        } else {
            memcpy(buf + n, p->s + p->pos, len);
            n += len;
            p->pos += len;
        }
    }
    free(buf);
    return false;
}

static struct jv *grow(struct jv *v)
{
    if (!(v->v = realloc(v->v, (v->n + 1) * sizeof(*v->v))))
        abort();
    memset(&v->v[v->n], 0, sizeof(*v->v));
    return &v->v[v->n++];
}

static bool array(struct parser *p, struct jv *v)
{
    v->type = JV_ARRAY;
    p->pos++;
    skip_ws(p);
    if (peek(p) == ']') {
        p->pos++;
        return true;
    }
    for (;;) {
        if (!parse_value(p, grow(v)))
            return false;
        skip_ws(p);
        if (peek(p) == ']') {
            p->pos++;
            return true;
        }
        if (peek(p) != ',')
            return error(p, "expected ',' or ']'");
        p->pos++;
    }
}

static bool member(struct parser *p, struct jv *v)
{
    char *key = NULL;
    size_t start;

    skip_ws(p);
    if (peek(p) != '"')
        return error(p, "expected a member name in double quotes");
    start = p->pos;
    if (!string(p, &key))
        return false;
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0) {
            free(key);
            p->pos = start;
            return error(p, "duplicate member name \"%s\"", v->keys[i]);
        }
    if (!(v->keys = realloc(v->keys, (v->n + 1) * sizeof(char *))))
        abort();
    v->keys[v->n] = key;
    skip_ws(p);
    if (peek(p) != ':') {
        grow(v);
        return error(p, "expected ':'");
    }
    p->pos++;
    return parse_value(p, grow(v));
}

static bool object(struct parser *p, struct jv *v)
{
    v->type = JV_OBJECT;
    p->pos++;
    skip_ws(p);
    if (peek(p) == '}') {
        p->pos++;
        return true;
    }
    for (;;) {
        if (!member(p, v))
            return false;
        skip_ws(p);
        if (peek(p) == '}') {
            p->pos++;
            return true;
        }
        if (peek(p) != ',')
            return error(p, "expected ',' or '}'");
        p->pos++;
    }
}

static bool parse_value(struct parser *p, struct jv *v)
{
    bool ok;

    skip_ws(p);
    v->line = p->line;
    v->col = p->pos - p->line_start + 1;
    if (p->depth >= JV_DEPTH_MAX)
        return error(p, "nested deeper than %d levels", JV_DEPTH_MAX);
    p->depth++;
    switch (peek(p)) {
    case '{':
        ok = object(p, v);
        break;
    case '[':
        ok = array(p, v);
        break;
    case '"':
        v->type = JV_STRING;
        ok = string(p, &v->str);
        break;
    case 't':
        ok = literal(p, "true", JV_TRUE, v);
        break;
    case 'f':
        ok = literal(p, "false", JV_FALSE, v);
        break;
    case 'n':
        ok = literal(p, "null", JV_NULL, v);
        break;
    default:
        ok = (peek(p) == '-' || (peek(p) >= '0' && peek(p) <= '9'))
                 ? number(p, v)
                 : error(p, "%s: expected a value", what(p));
    }
    p->depth--;
    return ok;
}

struct jv *jv_parse(const char *s, size_t len, char *err, size_t errlen)
{
    struct parser p = { s, len, 0, 1, 0, 0, err, errlen, false };
    struct jv *v = calloc(1, sizeof(*v));

    if (!v)
        abort();
    if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
        p.pos = p.line_start = 3;
    if (parse_value(&p, v)) {
        skip_ws(&p);
        if (p.pos == p.len)
            return v;
        error(&p, "unexpected data after the value");
    }
    jv_free(v);
    return NULL;
}

static void free_members(struct jv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free_members(&v->v[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->v);
    free(v->keys);
    free(v->str);
}

void jv_free(struct jv *v)
{
    if (!v)
        return;
    free_members(v);
    free(v);
}

const struct jv *jv_member(const struct jv *obj, const char *key)
{
    if (!obj || obj->type != JV_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return &obj->v[i];
    return NULL;
}

const char *jv_type_name(enum jv_type t)
{
    static const char *const names[] = { "null",     "false",    "true",
                                         "a number", "a string", "an array",
                                         "an object" };

    return t <= JV_OBJECT ? names[t] : "?";
}
