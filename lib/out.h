/* lib/out.h - one code path for text, JSON and XML results (DESIGN.md §5) */
#ifndef STANZA_LIB_OUT_H
#define STANZA_LIB_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include <strophe.h>

#include "json.h"

enum out_mode { OUT_TEXT, OUT_JSON, OUT_XML };

struct out {
    enum out_mode mode;
    FILE *f;
    bool streaming; /* JSON: one object per line (NDJSON), flushed */
    bool quiet;     /* text: print nothing */
    int depth;
    int err; /* the first write error (errno), 0 if none */
    struct json json;
};

void out_init(struct out *o, enum out_mode mode, FILE *f, bool streaming);

/* Containers. Text mode: obj_end at depth 0 ends the line. */
void out_obj_begin(struct out *o, const char *key);
void out_obj_end(struct out *o);
void out_list_begin(struct out *o, const char *key);
void out_list_end(struct out *o);

/*
 * Fields. @fmt is the text rendering (printf with one argument); NULL
 * prints nothing in text mode. A NULL @v is omitted everywhere. Text
 * output is made safe for terminals.
 */
void out_str(struct out *o, const char *key, const char *fmt, const char *v);
void out_int(struct out *o, const char *key, const char *fmt, long long v);
void out_bool(struct out *o, const char *key, const char *fmt, bool v);
void out_double(struct out *o, const char *key, const char *fmt, double v);

/*
 * A cell of a text table. JSON: as out_str(), but a NULL @key writes
 * nothing (a text-only cell). Text: @v ("-" if NULL), made safe, then
 * padded with spaces to @width columns and two more; @width 0 (the last
 * column) adds nothing.
 */
void out_col(struct out *o, const char *key, const char *v, size_t width);

/* XML mode only: prints @st on one line. */
void out_stanza(struct out *o, xmpp_stanza_t *st);

/* Flushes, remembering the first write error. */
void out_flush(struct out *o);

/* The first write error (an errno value), or 0: a streaming command stops
 * when it is set. */
int out_error(const struct out *o);

/* Flushes; returns RC_OK, or RC_IOERR after printing why (EPIPE is
 * silent and RC_OK). */
int out_finish(struct out *o);

#endif
