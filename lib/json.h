/* lib/json.h - a streaming JSON writer that always emits valid UTF-8 */
#ifndef STANZA_LIB_JSON_H
#define STANZA_LIB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json {
    FILE *f;
    size_t depth;
    size_t cap;
    bool *need_comma;       /* per open container: a member was written */
    unsigned long replaced; /* invalid UTF-8 sequences replaced by U+FFFD */
};

void json_init(struct json *j, FILE *f);

/* Frees the writer's state (not @f). */
void json_free(struct json *j);

/* @key is the member name inside an object, NULL inside an array or at
 * the top level. */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *v);
void json_strn(struct json *j, const char *key, const char *v, size_t n);
void json_int(struct json *j, const char *key, long long v);
void json_bool(struct json *j, const char *key, bool v);
void json_double(struct json *j, const char *key, double v); /* %.3f */
void json_null(struct json *j, const char *key);

/* Writes @raw as it is: a JSON number the caller checked (lib/jsonin
 * keeps numbers as written). */
void json_raw(struct json *j, const char *key, const char *raw);

/*
 * Writes @s (@n bytes) as a quoted JSON string to @f: quotes, backslash,
 * controls, U+2028 and U+2029 escaped; invalid UTF-8 replaced by U+FFFD.
 * Returns the number of replacements.
 */
unsigned long json_write_string(FILE *f, const char *s, size_t n);

#endif
