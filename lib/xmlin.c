/* lib/xmlin.c - XML that users type or pipe in, checked before sending */
#include "xmlin.h"

#include <expat.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define WRAP_OPEN  "<stanza-input xmlns='jabber:client'>"
#define WRAP_CLOSE "</stanza-input>"

struct parse {
    XML_Parser p;
    long line, col; /* where stop() was called, 0 if not */
    long line0;     /* the number of the first line of the input, less 1 */
    int depth;
    long start; /* byte offset of the current top-level element */
    const char *why;
    bool any; /* xmlin_element(): one element of any name */
    char name[16];
    size_t nranges;
    struct {
        long from, to;
    } * ranges;
};

static void stop(struct parse *ps, const char *why)
{
    if (!ps->why) {
        ps->why = why;
        ps->line = (long)XML_GetCurrentLineNumber(ps->p);
        ps->col = (long)XML_GetCurrentColumnNumber(ps->p) + 1;
    }
    XML_StopParser(ps->p, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
                             const XML_Char **attrs)
{
    struct parse *ps = ud;

    (void)attrs;
    if (++ps->depth > XMLIN_MAX_DEPTH + 1) {
        stop(ps, "nested too deeply");
        return;
    }
    if (ps->depth != 2)
        return;
    if (ps->any && ps->nranges) {
        stop(ps, "more than one element");
        return;
    }
    if (!ps->any && strcmp(name, "message") && strcmp(name, "presence") &&
        strcmp(name, "iq")) {
        stop(ps, "a stanza must be <message/>, <presence/> or <iq/>");
        return;
    }
    ps->start = XML_GetCurrentByteIndex(ps->p);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct parse *ps = ud;
    long end;

    (void)name;
    if (ps->depth-- != 2)
        return;
    end = XML_GetCurrentByteIndex(ps->p) + XML_GetCurrentByteCount(ps->p);
    if (end - ps->start > XMLIN_MAX_BYTES) {
        stop(ps, ps->any ? "element over 256 KiB" : "stanza over 256 KiB");
        return;
    }
    ps->ranges = realloc(ps->ranges, (ps->nranges + 1) * sizeof(*ps->ranges));
    if (!ps->ranges)
        abort();
    ps->ranges[ps->nranges].from = ps->start;
    ps->ranges[ps->nranges++].to = end;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct parse *ps = ud;

    if (ps->depth == 1) /* between stanzas: only whitespace */
        for (int i = 0; i < len; i++)
            if (!strchr(" \t\r\n", s[i])) {
                stop(ps, ps->any ? "text outside of the element"
                                 : "text outside of a stanza");
                return;
            }
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name,
                               const XML_Char *sys, const XML_Char *pub,
                               int internal)
{
    (void)name, (void)sys, (void)pub, (void)internal;
    stop(ud, "a DOCTYPE is not allowed");
}

static void XMLCALL on_pi(void *ud, const XML_Char *target,
                          const XML_Char *data)
{
    (void)target, (void)data;
    stop(ud, "processing instructions are not allowed");
}

static int where(struct parse *ps, char *err, size_t errlen, const char *why)
{
    long line = ps->line ? ps->line : (long)XML_GetCurrentLineNumber(ps->p);
    long col = ps->line ? ps->col : (long)XML_GetCurrentColumnNumber(ps->p) + 1;

    if (line == 1)
        col -= (long)strlen(WRAP_OPEN);
    snprintf(err, errlen, "line %ld, column %ld: %s", ps->line0 + line,
             col < 1 ? 1 : col, why);
    return -1;
}

static int check_text(const char *text, size_t len, long line0, char *err,
                      size_t errlen)
{
    size_t off, line = (size_t)line0 + 1, col = 1;
    const char *why;

    if (text_check_xml(text, len, &off, &why))
        return 0;
    for (size_t i = 0; i < off; i++, col++)
        if (text[i] == '\n')
            line++, col = 0;
    snprintf(err, errlen, "line %zu, column %zu: %s", line, col, why);
    return -1;
}

/* A DTD could only come at the very start, where the wrapper already is,
 * so expat would call it a syntax error: say what it is instead. */
static int no_dtd(const char *text, size_t len, long line0, char *err,
                  size_t errlen)
{
    static const char *const bad[] = { "<!DOCTYPE", "<!ENTITY", NULL };

    for (size_t i = 0; bad[i]; i++) {
        const char *hit = memmem(text, len, bad[i], strlen(bad[i]));
        size_t line = (size_t)line0 + 1, col = 1;

        if (!hit)
            continue;
        for (const char *p = text; p < hit; p++, col++)
            if (*p == '\n')
                line++, col = 0;
        snprintf(err, errlen,
                 "line %zu, column %zu: DTDs and entity declarations are not "
                 "allowed",
                 line, col);
        return -1;
    }
    return 0;
}

static int parse(struct parse *ps, const char *text, size_t len, char *err,
                 size_t errlen)
{
    if (XML_Parse(ps->p, WRAP_OPEN, (int)strlen(WRAP_OPEN), 0) !=
            XML_STATUS_OK ||
        XML_Parse(ps->p, text, (int)len, 0) != XML_STATUS_OK ||
        XML_Parse(ps->p, WRAP_CLOSE, (int)strlen(WRAP_CLOSE), 1) !=
            XML_STATUS_OK)
        return where(ps, err, errlen,
                     ps->why ? ps->why
                             : XML_ErrorString(XML_GetErrorCode(ps->p)));
    return 0;
}

static void setup(struct parse *ps)
{
    if (!(ps->p = XML_ParserCreate("UTF-8")))
        abort();
    XML_SetUserData(ps->p, ps);
    XML_SetElementHandler(ps->p, on_start, on_end);
    XML_SetCharacterDataHandler(ps->p, on_text);
    XML_SetStartDoctypeDeclHandler(ps->p, on_doctype);
    XML_SetProcessingInstructionHandler(ps->p, on_pi);
}

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n", s[i]))
            return false;
    return true;
}

enum xmlin_status xmlin_status(const char *text, size_t len, long line,
                               char *err, size_t errlen)
{
    struct parse ps = { .line0 = line - 1 };
    long base = (long)strlen(WRAP_OPEN), end;
    enum xmlin_status st = XMLIN_INCOMPLETE;

    if (blank(text, len))
        return XMLIN_EMPTY;
    if (no_dtd(text, len, ps.line0, err, errlen) ||
        check_text(text, len, ps.line0, err, errlen))
        return XMLIN_BAD;
    setup(&ps);
    if (XML_Parse(ps.p, WRAP_OPEN, (int)base, 0) != XML_STATUS_OK ||
        XML_Parse(ps.p, text, (int)len, 0) != XML_STATUS_OK) {
        where(&ps, err, errlen,
              ps.why ? ps.why : XML_ErrorString(XML_GetErrorCode(ps.p)));
        st = XMLIN_BAD;
    } else if (ps.nranges) {
        end = ps.ranges[ps.nranges - 1].to - base;
        if (ps.depth == 1 && blank(text + end, len - (size_t)end))
            st = XMLIN_COMPLETE;
    }
    if (st == XMLIN_INCOMPLETE && len > XMLIN_MAX_BYTES) {
        snprintf(err, errlen, "stanza over 256 KiB");
        st = XMLIN_BAD;
    }
    XML_ParserFree(ps.p);
    free(ps.ranges);
    return st;
}

/* Parses @text into @out: stanzas, or with @any one element. */
static int parse_all(xmpp_ctx_t *ctx, const char *text, size_t len, bool any,
                     struct xmlin *out, char *err, size_t errlen)
{
    struct parse ps = { .any = any };
    long base = (long)strlen(WRAP_OPEN);
    int rc;

    memset(out, 0, sizeof(*out));
    if (no_dtd(text, len, 0, err, errlen))
        return -1;
    if (len > 64L * 1024 * 1024 || check_text(text, len, 0, err, errlen))
        return len > 64L * 1024 * 1024
                   ? (snprintf(err, errlen, "input over 64 MiB"), -1)
                   : -1;
    setup(&ps);
    rc = parse(&ps, text, len, err, errlen);
    XML_ParserFree(ps.p);
    if (rc == 0 && ps.nranges == 0) {
        snprintf(err, errlen,
                 any ? "no element in the input" : "no stanza in the input");
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < ps.nranges; i++) {
        size_t from = (size_t)(ps.ranges[i].from - base);
        char *one =
            strndup(text + from, (size_t)(ps.ranges[i].to - base) - from);
        xmpp_stanza_t *st = one ? xmpp_stanza_new_from_string(ctx, one) : NULL;

        free(one);
        if (!st) {
            snprintf(err, errlen, "%s %zu could not be parsed",
                     any ? "element" : "stanza", i + 1);
            rc = -1;
            break;
        }
        out->st = realloc(out->st, (out->n + 1) * sizeof(*out->st));
        if (!out->st)
            abort();
        out->st[out->n++] = st;
    }
    free(ps.ranges);
    if (rc != 0)
        xmlin_free(out);
    return rc;
}

int xmlin_parse(xmpp_ctx_t *ctx, const char *text, size_t len,
                struct xmlin *out, char *err, size_t errlen)
{
    return parse_all(ctx, text, len, false, out, err, errlen);
}

int xmlin_element(xmpp_ctx_t *ctx, const char *text, size_t len,
                  xmpp_stanza_t **out, char *err, size_t errlen)
{
    struct xmlin in;

    *out = NULL;
    if (parse_all(ctx, text, len, true, &in, err, errlen) != 0)
        return -1;
    *out = xmpp_stanza_clone(in.st[0]);
    xmlin_free(&in);
    return 0;
}

void xmlin_free(struct xmlin *in)
{
    for (size_t i = 0; i < in->n; i++)
        xmpp_stanza_release(in->st[i]);
    free(in->st);
    memset(in, 0, sizeof(*in));
}
