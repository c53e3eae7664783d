/* lib/jsonin.c - a strict JSON parser for user input */
#include "jsonin.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "text.h"

struct parser {
    const char *p, *start, *end;
    int depth;
    char *err;
    size_t errlen;
    bool failed;
    const char *seen; /* where() has counted lines and columns up to here */
    size_t line, col; /* those of seen */
};

/* The line and column of P->p. Places are asked for in order, so counting
 * goes on from the last one and reads the input once. */
static void where(struct parser *P, size_t *line, size_t *col)
{
    if (P->p < P->seen) {
        P->seen = P->start;
        P->line = P->col = 1;
    }
    for (; P->seen < P->p && P->seen < P->end; P->seen++) {
        if (*P->seen == '\n') {
            P->line++;
            P->col = 1;
        } else if (((unsigned char)*P->seen & 0xc0) != 0x80) {
            P->col++;
        }
    }
    *line = P->line;
    *col = P->col;
}

static void error(struct parser *P, const char *what)
{
    size_t line, col;

    if (P->failed)
        return;
    P->failed = true;
    where(P, &line, &col);
    if (P->err && P->errlen)
        snprintf(P->err, P->errlen, "line %zu, column %zu: %s", line, col,
                 what);
}

static void skip_ws(struct parser *P)
{
    while (P->p < P->end &&
           (*P->p == ' ' || *P->p == '\t' || *P->p == '\n' || *P->p == '\r'))
        P->p++;
}

static bool literal(struct parser *P, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(P->end - P->p) < n || memcmp(P->p, word, n) != 0)
        return false;
    P->p += n;
    return true;
}

/* A growing byte buffer for strings. */
struct buf {
    char *s;
    size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = 2 * (b->n + n + 1);
        if (!(b->s = realloc(b->s, b->cap)))
            abort();
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void put_cp(struct buf *b, uint32_t c)
{
    char u[4];
    size_t n;

    if (c < 0x80) {
        u[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        u[0] = (char)(0xc0 | (c >> 6));
        u[1] = (char)(0x80 | (c & 0x3f));
        n = 2;
    } else if (c < 0x10000) {
        u[0] = (char)(0xe0 | (c >> 12));
        u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        u[2] = (char)(0x80 | (c & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (c >> 18));
        u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        u[3] = (char)(0x80 | (c & 0x3f));
        n = 4;
    }
    put(b, u, n);
}

static int hex4(struct parser *P, uint32_t *out)
{
    uint32_t v = 0;

    if (P->end - P->p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        char c = *P->p++;

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* After "\u": one code point, a surrogate pair taken together. */
static int unicode_escape(struct parser *P, struct buf *b)
{
    uint32_t c, lo;

    if (hex4(P, &c) != 0)
        return -1;
    if (c >= 0xdc00 && c <= 0xdfff)
        return -1;
    if (c >= 0xd800 && c <= 0xdbff) {
        if (!literal(P, "\\u") || hex4(P, &lo) != 0 || lo < 0xdc00 ||
            lo > 0xdfff)
            return -1;
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
    }
    if (c == 0)
        return -1;
    put_cp(b, c);
    return 0;
}

static int escape(struct parser *P, struct buf *b)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *k;

    if (P->p >= P->end)
        return -1;
    if (*P->p == 'u') {
        P->p++;
        return unicode_escape(P, b);
    }
    if (!(k = strchr(from, *P->p)) || !*P->p)
        return -1;
    put(b, &to[k - from], 1);
    P->p++;
    return 0;
}

static char *string(struct parser *P)
{
    struct buf b = { NULL, 0, 0 };
    uint32_t cp;

    put(&b, "", 0);
    P->p++; /* the opening quote */
    while (P->p < P->end && *P->p != '"') {
        size_t len;

        if (*P->p == '\\') {
            P->p++;
            if (escape(P, &b) != 0) {
                error(P, "invalid escape in a string");
                break;
            }
        } else if ((unsigned char)*P->p < 0x20) {
            error(P, "control character in a string");
            break;
        } else if (!(len = utf8_decode(P->p, (size_t)(P->end - P->p), &cp))) {
            error(P, "invalid UTF-8");
            break;
        } else {
            put(&b, P->p, len);
            P->p += len;
        }
    }
    if (!P->failed && P->p >= P->end)
        error(P, "unterminated string");
    if (P->failed) {
        free(b.s);
        return NULL;
    }
    P->p++;
    return b.s;
}

static void digits(struct parser *P)
{
    while (P->p < P->end && *P->p >= '0' && *P->p <= '9')
        P->p++;
}

static bool is_digit(const struct parser *P)
{
    return P->p < P->end && *P->p >= '0' && *P->p <= '9';
}

static char *number(struct parser *P)
{
    const char *s = P->p;
    char *n;

    if (P->p < P->end && *P->p == '-')
        P->p++;
    if (!is_digit(P))
        return error(P, "invalid value"), NULL;
    if (*P->p == '0')
        P->p++;
    else
        digits(P);
    if (P->p < P->end && *P->p == '.') {
        P->p++;
        if (!is_digit(P))
            return error(P, "invalid number"), NULL;
        digits(P);
    }
    if (P->p < P->end && (*P->p == 'e' || *P->p == 'E')) {
        P->p++;
        if (P->p < P->end && (*P->p == '+' || *P->p == '-'))
            P->p++;
        if (!is_digit(P))
            return error(P, "invalid number"), NULL;
        digits(P);
    }
    if (!(n = strndup(s, (size_t)(P->p - s))))
        abort();
    return n;
}

static int value(struct parser *P, struct jv *v);

static struct jv *add_kid(struct jv *v)
{
    if (!(v->kids = realloc(v->kids, (v->n + 1) * sizeof(*v->kids))))
        abort();
    memset(&v->kids[v->n], 0, sizeof(*v->kids));
    return &v->kids[v->n++];
}

static int array(struct parser *P, struct jv *v)
{
    v->type = JV_ARRAY;
    P->p++;
    skip_ws(P);
    if (P->p < P->end && *P->p == ']') {
        P->p++;
        return 0;
    }
    for (;;) {
        if (value(P, add_kid(v)) != 0)
            return -1;
        skip_ws(P);
        if (P->p < P->end && *P->p == ',') {
            P->p++;
            continue;
        }
        if (P->p < P->end && *P->p == ']') {
            P->p++;
            return 0;
        }
        error(P, "expected ',' or ']'");
        return -1;
    }
}

static int member(struct parser *P, struct jv *v)
{
    char *key;

    skip_ws(P);
    if (P->p >= P->end || *P->p != '"')
        return error(P, "expected a member name"), -1;
    if (!(key = string(P)))
        return -1;
    if (!(v->keys = realloc(v->keys, (v->n + 1) * sizeof(*v->keys))))
        abort();
    v->keys[v->n] = key;
    skip_ws(P);
    if (P->p >= P->end || *P->p != ':') {
        add_kid(v);
        return error(P, "expected ':'"), -1;
    }
    P->p++;
    return value(P, add_kid(v));
}

static int object(struct parser *P, struct jv *v)
{
    v->type = JV_OBJECT;
    P->p++;
    skip_ws(P);
    if (P->p < P->end && *P->p == '}') {
        P->p++;
        return 0;
    }
    for (;;) {
        if (member(P, v) != 0)
            return -1;
        skip_ws(P);
        if (P->p < P->end && *P->p == ',') {
            P->p++;
            continue;
        }
        if (P->p < P->end && *P->p == '}') {
            P->p++;
            return 0;
        }
        error(P, "expected ',' or '}'");
        return -1;
    }
}

static int nested(struct parser *P, struct jv *v, bool arr)
{
    int rc;

    if (++P->depth > JSONIN_MAX_DEPTH) {
        error(P, "nested too deeply");
        return -1;
    }
    rc = arr ? array(P, v) : object(P, v);
    P->depth--;
    return rc;
}

static int value(struct parser *P, struct jv *v)
{
    skip_ws(P);
    where(P, &v->line, &v->col);
    if (P->p >= P->end)
        return error(P, "unexpected end of input"), -1;
    switch (*P->p) {
    case '{':
        return nested(P, v, false);
    case '[':
        return nested(P, v, true);
    case '"':
        v->type = JV_STRING;
        return (v->s = string(P)) ? 0 : -1;
    }
    if (literal(P, "null"))
        v->type = JV_NULL;
    else if (literal(P, "true"))
        v->type = JV_BOOL, v->b = true;
    else if (literal(P, "false"))
        v->type = JV_BOOL, v->b = false;
    else if (!(v->type = JV_NUMBER, v->s = number(P)))
        return -1;
    return 0;
}

struct jv *jsonin_parse(const char *text, size_t len, char *err, size_t errlen)
{
    struct parser P = { .err = err, .errlen = errlen, .line = 1, .col = 1 };
    struct jv *v;

    if (len > JSONIN_MAX_BYTES) {
        if (err && errlen)
            snprintf(err, errlen, "larger than %d bytes", JSONIN_MAX_BYTES);
        return NULL;
    }
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        text += 3; /* a byte order mark */
        len -= 3;
    }
    P.p = P.start = P.seen = text;
    P.end = text + len;
    if (!(v = calloc(1, sizeof(*v))))
        abort();
    if (value(&P, v) == 0) {
        skip_ws(&P);
        if (P.p < P.end)
            error(&P, "unexpected data after the value");
    }
    if (P.failed) {
        jv_free(v);
        return NULL;
    }
    return v;
}

static void jv_clear(struct jv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        jv_clear(&v->kids[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->kids);
    free(v->keys);
    free(v->s);
}

void jv_free(struct jv *v)
{
    if (!v)
        return;
    jv_clear(v);
    free(v);
}

const struct jv *jv_get(const struct jv *v, const char *key)
{
    const struct jv *found = NULL;

    for (size_t i = 0; v && v->type == JV_OBJECT && i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0)
            found = &v->kids[i];
    return found;
}

const char *jv_type_name(enum jv_type t)
{
    static const char *const names[] = { "null",     "a boolean", "a number",
                                         "a string", "an array",  "an object" };

    return t <= JV_OBJECT ? names[t] : "?";
}

void jv_write(struct json *j, const char *key, const struct jv *v)
{
    switch (v->type) {
    case JV_NULL:
        json_null(j, key);
        break;
    case JV_BOOL:
        json_bool(j, key, v->b);
        break;
    case JV_NUMBER:
        json_raw(j, key, v->s);
        break;
    case JV_STRING:
        json_str(j, key, v->s);
        break;
    case JV_ARRAY:
        json_arr_begin(j, key);
        for (size_t i = 0; i < v->n; i++)
            jv_write(j, NULL, &v->kids[i]);
        json_arr_end(j);
        break;
    case JV_OBJECT:
        json_obj_begin(j, key);
        for (size_t i = 0; i < v->n; i++)
            jv_write(j, v->keys[i], &v->kids[i]);
        json_obj_end(j);
        break;
    }
}

char *jv_text(const struct jv *v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct json j;

    if (!f)
        abort();
    json_init(&j, f);
    jv_write(&j, NULL, v);
    json_free(&j);
    if (fclose(f) != 0 || !buf)
        abort();
    return buf;
}
