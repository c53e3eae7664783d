/* lib/jsonin.h - a strict JSON reader (RFC 8259) for files users give us
 *
 * The counterpart of lib/json.h: whole documents into a tree, with limits
 * (depth, no NUL in strings, valid UTF-8, no duplicate member names) and
 * errors that say where: "line 3, column 14: expected ':'".
 */
#ifndef STANZA_LIB_JSONIN_H
#define STANZA_LIB_JSONIN_H

#include <stddef.h>

#define JV_DEPTH_MAX 64

enum jv_type {
    JV_NULL,
    JV_FALSE,
    JV_TRUE,
    JV_NUMBER,
    JV_STRING,
    JV_ARRAY,
    JV_OBJECT
};

struct jv {
    enum jv_type type;
    char *str;    /* JV_STRING: the text; JV_NUMBER: as written */
    struct jv *v; /* JV_ARRAY, JV_OBJECT: the @n members */
    char **keys;  /* JV_OBJECT: their names */
    size_t n;
    size_t line, col; /* where the value starts, from 1 */
};

/*
 * Parses @len bytes at @s as one JSON value (a UTF-8 byte order mark
 * first is skipped). Returns a new tree the caller frees with jv_free(),
 * or NULL after writing "line L, column C: what" to @err.
 */
struct jv *jv_parse(const char *s, size_t len, char *err, size_t errlen);

void jv_free(struct jv *v); /* NULL is a no-op */

/* The member @key of @obj, or NULL (also if @obj is not an object). */
const struct jv *jv_member(const struct jv *obj, const char *key);

/* "null", "false", "true", "a number", "a string", "an array", "an object" */
const char *jv_type_name(enum jv_type t);

#endif
