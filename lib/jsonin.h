/* lib/jsonin.h - JSON that users give us (--form FILE, roster import),
 * parsed strictly
 *
 * The counterpart of lib/json.h. RFC 8259 without extensions: one value,
 * UTF-8 only, no comments, no trailing commas. Strings must not hold U+0000
 * (they become C strings). Nesting is limited to JSONIN_MAX_DEPTH, input to
 * JSONIN_MAX_BYTES. Errors say where: "line 3, column 14: expected ':'"
 * (columns count characters).
 */
#ifndef STANZA_LIB_JSONIN_H
#define STANZA_LIB_JSONIN_H

#include <stdbool.h>
#include <stddef.h>

#define JSONIN_MAX_DEPTH 64
#define JSONIN_MAX_BYTES (16 * 1024 * 1024) /* a large roster export */

enum jv_type { JV_NULL, JV_BOOL, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT };

struct jv {
    enum jv_type type;
    bool b;          /* JV_BOOL */
    char *s;         /* JV_STRING: the text; JV_NUMBER: as written */
    struct jv *kids; /* JV_ARRAY, JV_OBJECT: the members, in order */
    char **keys;     /* JV_OBJECT: their names */
    size_t n;
    size_t line, col; /* where the value starts, from 1 */
};

/*
 * Parses @len bytes of @text (a UTF-8 byte order mark first is skipped).
 * Returns a new value, or NULL after writing "line L, column C: what" to
 * @err. The caller frees it with jv_free().
 */
struct jv *jsonin_parse(const char *text, size_t len, char *err, size_t errlen);

void jv_free(struct jv *v); /* NULL is a no-op */

/* The member @key of object @v, or NULL (the last one if repeated). */
const struct jv *jv_get(const struct jv *v, const char *key);

/* "null", "a boolean", "a number", "a string", "an array", "an object" */
const char *jv_type_name(enum jv_type t);

struct json;

/* Writes @v through the JSON writer @j, as member @key (NULL: an array
 * element or the top level); numbers as they were written. */
void jv_write(struct json *j, const char *key, const struct jv *v);

/* Returns @v as new compact JSON text; the caller frees it. */
char *jv_text(const struct jv *v);

#endif
