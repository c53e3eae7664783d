/* lib/guard.c - what the server sends, checked before libstrophe parses it */
#include "guard.h"

#include <string.h>

enum {
    G_TEXT,    /* between tags */
    G_LT,      /* after '<' */
    G_TAG,     /* in a start tag */
    G_ATTR,    /* in a quoted attribute value */
    G_END,     /* in an end tag */
    G_BANG,    /* after "<!" */
    G_BANG2,   /* after "<!-" */
    G_COMMENT, /* after "<!--" */
    G_CDATA,   /* after "<![" */
    G_PI,      /* after "<?" */
};

void guard_init(struct guard *g)
{
    memset(g, 0, sizeof(*g));
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A start tag ended: the stream's own tag opens (or, after STARTTLS and
 * SASL, reopens) the stream; any other opens an element. */
static void open_element(struct guard *g)
{
    size_t n = g->name_len;
    const char *colon = n <= sizeof(g->name) ? memchr(g->name, ':', n) : NULL;
    const char *local = colon ? colon + 1 : g->name;

    if (g->depth <= 1 && n <= sizeof(g->name) &&
        n - (size_t)(local - g->name) == 6 && memcmp(local, "stream", 6) == 0)
        g->depth = 1;
    else
        g->depth++;
}

/* The text being read grew by a piece libstrophe appends separately. */
static void piece(struct guard *g)
{
    if (g->depth >= 2)
        g->cost += 2 * (unsigned long long)g->text;
}

static const char *step(struct guard *g, char c)
{
    switch (g->state) {
    case G_TEXT:
        if (c == '<') {
            g->state = G_LT;
        } else if (g->depth >= 2) {
            g->text++;
            if (c == '\n' || c == '&')
                piece(g);
        }
        break;
    case G_LT:
        g->name_len = 0;
        g->slash = false;
        if (c == '!') {
            g->state = G_BANG;
        } else if (c == '?') {
            g->state = G_PI;
            g->match = 0;
        } else {
            g->text = 0; /* a tag ends the text */
            g->state = c == '/' ? G_END : G_TAG;
            g->in_name = c != '/';
            if (c != '/')
                g->name[g->name_len++] = c;
        }
        break;
    case G_TAG:
        if (g->in_name && !is_space(c) && c != '/' && c != '>') {
            if (g->name_len < sizeof(g->name))
                g->name[g->name_len] = c;
            g->name_len++; /* past the buffer: not the stream's name */
            break;
        }
        g->in_name = false;
        if (c == '"' || c == '\'') {
            g->quote = c;
            g->state = G_ATTR;
        } else if (c == '>') {
            g->state = G_TEXT;
            if (!g->slash)
                open_element(g);
        }
        g->slash = c == '/';
        break;
    case G_ATTR:
        if (c == g->quote)
            g->state = G_TAG;
        break;
    case G_END:
        if (c == '>') {
            g->state = G_TEXT;
            if (g->depth > 0)
                g->depth--;
        }
        break;
    case G_BANG:
        if (c == '-')
            g->state = G_BANG2;
        else if (c == '[')
            g->state = G_CDATA, g->match = 0;
        else
            return "a document type declaration (DOCTYPE), which XMPP "
                   "forbids";
        break;
    case G_BANG2:
        if (c != '-')
            return "malformed XML (a broken comment)";
        g->state = G_COMMENT;
        g->match = 0;
        break;
    case G_COMMENT: /* ends at "-->" */
        if (c == '>' && g->match >= 2)
            g->state = G_TEXT;
        g->match = c == '-' ? g->match + 1 : 0;
        break;
    case G_CDATA: /* "CDATA[" ... "]]>": its text joins the element's */
        if (c == '>' && g->match >= 2) {
            g->state = G_TEXT;
            piece(g);
        } else if (g->depth >= 2) {
            g->text++;
            if (c == '\n')
                piece(g);
        }
        g->match = c == ']' ? g->match + 1 : 0;
        break;
    case G_PI: /* ends at "?>" */
        if (c == '>' && g->match)
            g->state = G_TEXT;
        g->match = c == '?';
        break;
    }
    return NULL;
}

size_t guard_feed(struct guard *g, const char *buf, size_t n)
{
    size_t i;

    if (g->why)
        return 0;
    if (g->state == G_TEXT || g->state == G_CDATA)
        piece(g); /* expat hands over the text of each read separately */
    for (i = 0; i < n; i++) {
        if ((g->why = step(g, buf[i])))
            return i;
        if (g->depth >= 2 || g->state != G_TEXT) {
            if (++g->unit > GUARD_MAX_STANZA) {
                g->why = "a stanza over 4 MiB";
                return i;
            }
        } else {
            g->unit = g->text = 0;
            g->cost = 0;
        }
        if (g->depth > GUARD_MAX_DEPTH + 1) {
            g->why = "a stanza nested over 128 levels deep";
            return i;
        }
        if (g->cost > GUARD_MAX_COST) {
            g->why = "a stanza whose text takes too long to parse (a large "
                     "text in very many pieces: lines or references)";
            return i;
        }
    }
    return n;
}
