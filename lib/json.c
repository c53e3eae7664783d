/* lib/json.c - a streaming JSON writer that always emits valid UTF-8 */
#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void json_init(struct json *j, FILE *f)
{
    memset(j, 0, sizeof(*j));
    j->f = f;
}

void json_free(struct json *j)
{
    free(j->need_comma);
    j->need_comma = NULL;
    j->cap = j->depth = 0;
}

static void put_escape(FILE *f, uint32_t c)
{
    switch (c) {
    case '"':
        fputs("\\\"", f);
        break;
    case '\\':
        fputs("\\\\", f);
        break;
    case '\n':
        fputs("\\n", f);
        break;
    case '\r':
        fputs("\\r", f);
        break;
    case '\t':
        fputs("\\t", f);
        break;
    case '\b':
        fputs("\\b", f);
        break;
    case '\f':
        fputs("\\f", f);
        break;
    default:
        fprintf(f, "\\u%04x", (unsigned)c);
    }
}

static bool needs_escape(uint32_t c)
{
    return c < 0x20 || c == '"' || c == '\\' || c == 0x7f || c == 0x2028 ||
           c == 0x2029;
}

unsigned long json_write_string(FILE *f, const char *s, size_t n)
{
    unsigned long bad = 0;
    size_t i = 0, run = 0;

    fputc('"', f);
    while (i < n) {
        uint32_t c;
        size_t len;

        if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f &&
            s[i] != '"' && s[i] != '\\') {
            i++; /* fast path: plain ASCII accumulates in the run */
            continue;
        }
        fwrite(s + run, 1, i - run, f);
        len = utf8_decode(s + i, n - i, &c);
        if (len == 0) {
            fputs("\xef\xbf\xbd", f);
            bad++;
            len = 1;
        } else if (needs_escape(c)) {
            put_escape(f, c);
        } else {
            fwrite(s + i, 1, len, f);
        }
        i += len;
        run = i;
    }
    fwrite(s + run, 1, i - run, f);
    fputc('"', f);
    return bad;
}

static void member(struct json *j, const char *key)
{
    if (j->depth > 0) {
        if (j->need_comma[j->depth])
            fputc(',', j->f);
        j->need_comma[j->depth] = true;
    }
    if (key) {
        j->replaced += json_write_string(j->f, key, strlen(key));
        fputc(':', j->f);
    }
}

static void open_(struct json *j, const char *key, int ch)
{
    member(j, key);
    fputc(ch, j->f);
    if (++j->depth >= j->cap) {
        j->cap = j->cap ? 2 * j->cap : 16;
        j->need_comma = realloc(j->need_comma, j->cap * sizeof(bool));
        if (!j->need_comma)
            abort();
    }
    j->need_comma[j->depth] = false;
}

static void close_(struct json *j, int ch)
{
    fputc(ch, j->f);
    if (j->depth > 0)
        j->depth--;
}

void json_obj_begin(struct json *j, const char *key)
{
    open_(j, key, '{');
}

void json_obj_end(struct json *j)
{
    close_(j, '}');
}

void json_arr_begin(struct json *j, const char *key)
{
    open_(j, key, '[');
}

void json_arr_end(struct json *j)
{
    close_(j, ']');
}

void json_strn(struct json *j, const char *key, const char *v, size_t n)
{
    member(j, key);
    j->replaced += json_write_string(j->f, v, n);
}

void json_str(struct json *j, const char *key, const char *v)
{
    json_strn(j, key, v, strlen(v));
}

void json_int(struct json *j, const char *key, long long v)
{
    member(j, key);
    fprintf(j->f, "%lld", v);
}

void json_double(struct json *j, const char *key, double v)
{
    member(j, key);
    if (isfinite(v))
        fprintf(j->f, "%.3f", v);
    else
        fputs("null", j->f);
}

void json_bool(struct json *j, const char *key, bool v)
{
    member(j, key);
    fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
    member(j, key);
    fputs("null", j->f);
}

void json_raw(struct json *j, const char *key, const char *raw)
{
    member(j, key);
    fputs(raw, j->f);
}
