/* lib/out.c - one code path for text, JSON and XML results */
#include "out.h"

#include <errno.h>
#include <string.h>

#include "err.h"
#include "rc.h"
#include "text.h"

/* The text formats come from the commands, as with iproute2 print_*(). */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void out_init(struct out *o, enum out_mode mode, FILE *f, bool streaming)
{
    memset(o, 0, sizeof(*o));
    o->mode = mode;
    o->f = f;
    o->streaming = streaming;
    json_init(&o->json, f);
}

static bool text(const struct out *o)
{
    return o->mode == OUT_TEXT && !o->quiet;
}

void out_flush(struct out *o)
{
    errno = 0;
    if ((fflush(o->f) != 0 || ferror(o->f)) && !o->err)
        o->err = errno ? errno : EIO;
}

int out_error(const struct out *o)
{
    return o->err;
}

static void top_done(struct out *o)
{
    if (o->depth != 0)
        return;
    if (o->mode == OUT_JSON)
        fputc('\n', o->f);
    if (o->streaming)
        out_flush(o);
}

void out_obj_begin(struct out *o, const char *key)
{
    if (o->mode == OUT_JSON)
        json_obj_begin(&o->json, key);
    o->depth++;
}

void out_obj_end(struct out *o)
{
    if (o->mode == OUT_JSON)
        json_obj_end(&o->json);
    o->depth--;
    if (text(o) && o->depth == 0)
        fputc('\n', o->f);
    top_done(o);
}

void out_list_begin(struct out *o, const char *key)
{
    if (o->mode == OUT_JSON)
        json_arr_begin(&o->json, key);
    o->depth++;
}

void out_list_end(struct out *o)
{
    if (o->mode == OUT_JSON)
        json_arr_end(&o->json);
    o->depth--;
    top_done(o);
}

void out_str(struct out *o, const char *key, const char *fmt, const char *v)
{
    const char *pct;

    if (!v)
        return;
    if (o->mode == OUT_JSON) {
        json_str(&o->json, key, v);
    } else if (text(o) && fmt && (pct = strstr(fmt, "%s")) != NULL) {
        fwrite(fmt, 1, (size_t)(pct - fmt), o->f);
        text_put_safe(o->f, v, false);
        fputs(pct + 2, o->f);
    } else if (text(o) && fmt) {
        fputs(fmt, o->f);
    }
}

void out_col(struct out *o, const char *key, const char *v, size_t width)
{
    size_t w;

    if (o->mode == OUT_JSON && key) {
        out_str(o, key, NULL, v);
        return;
    }
    if (!text(o))
        return;
    v = v ? v : "-";
    text_put_safe(o->f, v, false);
    if (!width)
        return;
    for (w = text_width(v); w < width + 2; w++)
        fputc(' ', o->f);
}

void out_int(struct out *o, const char *key, const char *fmt, long long v)
{
    if (o->mode == OUT_JSON)
        json_int(&o->json, key, v);
    else if (text(o) && fmt)
        fprintf(o->f, fmt, v);
}

void out_double(struct out *o, const char *key, const char *fmt, double v)
{
    if (o->mode == OUT_JSON)
        json_double(&o->json, key, v);
    else if (text(o) && fmt)
        fprintf(o->f, fmt, v);
}

void out_bool(struct out *o, const char *key, const char *fmt, bool v)
{
    if (o->mode == OUT_JSON)
        json_bool(&o->json, key, v);
    else if (text(o) && fmt)
        fprintf(o->f, fmt, v ? "yes" : "no");
}

void out_stanza(struct out *o, xmpp_stanza_t *st)
{
    char *buf = NULL;
    size_t len = 0;

    if (o->mode != OUT_XML)
        return;
    if (xmpp_stanza_to_text(st, &buf, &len) != 0)
        return;
    fwrite(buf, 1, len, o->f);
    fputc('\n', o->f);
    if (o->streaming)
        out_flush(o);
    xmpp_free(xmpp_stanza_get_context(st), buf);
}

int out_finish(struct out *o)
{
    if (!o->f)
        return RC_OK; /* never started */
    if (o->json.replaced)
        warn("%lu invalid UTF-8 sequence(s) in the output were replaced by "
             "U+FFFD",
             o->json.replaced);
    json_free(&o->json);
    out_flush(o);
    if (!o->err || o->err == EPIPE) /* a closed pipe: the reader is done */
        return RC_OK;
    return fail(RC_IOERR, "cannot write the output: %s", strerror(o->err));
}
