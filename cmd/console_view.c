/* cmd/console_view.c - how `stanza console` shows the traffic
 *
 * On a terminal: each element indented, marked << (in) or >> (out), with
 * the time, coloured by kind; stream-level elements (login, acks) dimmed.
 * From a pipe: one stanza a line, or one JSON record a line (--json).
 * Received text goes through text_put_safe(): no terminal escapes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "lib/jid.h"
#include "lib/record.h"
#include "lib/stanza.h"
#include "lib/text.h"
#include "lib/trace.h"

#define COLOR_MESSAGE  "\033[32m"
#define COLOR_PRESENCE "\033[36m"
#define COLOR_IQ       "\033[33m"
#define COLOR_ERROR    "\033[31m"
#define COLOR_STREAM   "\033[2m"
#define COLOR_OFF      "\033[0m"

void view_init(struct view *v, struct console *C)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

    memset(v, 0, sizeof(*v));
    v->pretty = v->stamps = v->all = C->interactive;
    v->json = C->s->opt.output == OUT_JSON;
    v->color = C->interactive && isatty(1) && !(nc && *nc) &&
               !(term && !strcmp(term, "dumb"));
}

static bool is_stanza(xmpp_stanza_t *st)
{
    const char *name = st ? xmpp_stanza_get_name(st) : NULL;

    return name && (!strcmp(name, "message") || !strcmp(name, "presence") ||
                    !strcmp(name, "iq"));
}

/* Sent by the session itself (keepalive, final ping), not by the user,
 * or the answer to it. */
static bool internal(const struct console *C, xmpp_stanza_t *st)
{
    return session_own_id(C->s, xmpp_stanza_get_id(st));
}

static bool has_ns(xmpp_stanza_t *st, const char *ns)
{
    const char *own = xmpp_stanza_get_ns(st);

    if (own && !strcmp(own, ns))
        return true;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(st); c;
         c = xmpp_stanza_get_next(c))
        if (xmpp_stanza_is_tag(c) && has_ns(c, ns))
            return true;
    return false;
}

static bool jid_matches(const char *want, const char *jid)
{
    if (!jid)
        return false;
    return strchr(want, '/') ? jid_equal(want, jid) : jid_bare_equal(want, jid);
}

static bool matches(const struct filter *f, xmpp_stanza_t *st)
{
    const char *type = xmpp_stanza_get_type(st);

    if (!strcmp(f->what, "kind"))
        return !strcmp(f->value, xmpp_stanza_get_name(st));
    if (!strcmp(f->what, "type"))
        return type && !strcmp(f->value, type);
    if (!strcmp(f->what, "jid"))
        return jid_matches(f->value, xmpp_stanza_get_from(st)) ||
               jid_matches(f->value, xmpp_stanza_get_to(st));
    return has_ns(st, f->value);
}

/* Shown if it matches every "only" filter and no "hide" one. */
static bool passes(const struct view *v, xmpp_stanza_t *st)
{
    for (int i = 0; i < v->nfilters; i++)
        if (matches(&v->filters[i], st) != v->filters[i].only)
            return false;
    return true;
}

static const char *color_of(xmpp_stanza_t *st)
{
    const char *name = xmpp_stanza_get_name(st);

    if (!is_stanza(st))
        return COLOR_STREAM;
    if (stanza_is_error(st))
        return COLOR_ERROR;
    return name[0] == 'm'   ? COLOR_MESSAGE
           : name[0] == 'p' ? COLOR_PRESENCE
                            : COLOR_IQ;
}

static void stamp(char *buf, size_t len)
{
    struct timeval tv;
    struct tm tm;

    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    snprintf(buf, len, "%02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min,
             tm.tm_sec, (long)(tv.tv_usec / 1000));
}

/* Writes @text to @f: every line after the mark, safe for terminals. */
static void put_lines(FILE *f, const char *head, const char *mark,
                      const char *text, const char *color)
{
    size_t pad = strlen(head);

    for (const char *s = text, *nl; s; s = nl ? nl + 1 : NULL) {
        char *line;

        nl = strchr(s, '\n');
        line = strndup(s, nl ? (size_t)(nl - s) : strlen(s));
        if (!line)
            abort();
        fprintf(f, "%s%*s%s ", color ? color : "", (int)(s == text ? 0 : pad),
                s == text ? head : "", mark);
        text_put_safe(f, line, false);
        fprintf(f, "%s\n", color ? COLOR_OFF : "");
        free(line);
    }
}

static void show_xml(struct console *C, const char *dir, const char *xml,
                     xmpp_stanza_t *st)
{
    struct view *v = &C->view;
    const char *mark = !strcmp(dir, "in") ? "<<" : ">>";
    char head[32] = "";
    char *text = NULL;

    if (v->pretty)
        text = trace_indent(xml);
    else if (st)
        text = record_xml(st);
    if (v->stamps)
        stamp(head, sizeof(head));
    put_lines(stdout, head, mark, text ? text : xml,
              v->color && st ? color_of(st) : NULL);
    if (v->save) {
        stamp(head, sizeof(head));
        put_lines(v->save, head, mark, text ? text : xml, NULL);
        fflush(v->save);
    }
    free(text);
}

static void show_record(struct console *C, const char *dir, xmpp_stanza_t *st)
{
    struct out *o = &C->s->out;
    enum out_mode was = o->mode;

    o->mode = OUT_JSON;
    record_print_dir(o, st, dir);
    o->mode = was;
    if (C->view.save) {
        struct out so;

        out_init(&so, OUT_JSON, C->view.save, true);
        record_print_dir(&so, st, dir);
        json_free(&so.json);
    }
}

void view_traffic(struct console *C, const char *dir, const char *xml)
{
    struct view *v = &C->view;
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(C->s->ctx, xml);

    /* from a pipe: the stanzas of the session, not the login's */
    if (!v->all &&
        (!is_stanza(st) || C->s->state == S_CONNECTING || internal(C, st)))
        goto done;
    if (is_stanza(st) && !passes(v, st))
        goto done;
    if (st && !is_stanza(st) && v->nfilters)
        goto done; /* a filter is about stanzas: stream-level noise goes */
    if (C->interactive)
        tty_hide();
    if (v->json && is_stanza(st))
        show_record(C, dir, st);
    else
        show_xml(C, dir, xml, st);
    fflush(stdout);
    if (C->interactive)
        tty_show();
done:
    if (st)
        xmpp_stanza_release(st);
}

static void list_filters(struct console *C)
{
    struct view *v = &C->view;

    if (!v->nfilters)
        console_note(C, "no filter: everything is shown");
    for (int i = 0; i < v->nfilters; i++)
        console_note(C, "filter: %s %s %s",
                     v->filters[i].only ? "only" : "hide", v->filters[i].what,
                     v->filters[i].value);
}

static int add_filter(struct console *C, bool only, const char *spec)
{
    static const char *const whats[] = { "kind", "type", "jid", "ns", NULL };
    struct view *v = &C->view;
    const char *eq = strchr(spec, '='), *value = eq ? eq + 1 : spec;
    size_t n = eq ? (size_t)(eq - spec) : 4;
    struct filter *f;
    int k = 0;

    /* a bare word is a kind: /filter hide presence */
    while (eq && whats[k] &&
           (strlen(whats[k]) != n || strncmp(spec, whats[k], n) != 0))
        k++;
    if (!whats[k] || !*value) {
        console_note(
            C, "/filter: '%s' is not KIND, kind=, type=, jid= or ns=", spec);
        return -1;
    }
    if (v->nfilters == CONSOLE_FILTERS) {
        console_note(C, "/filter: at most %d filters", CONSOLE_FILTERS);
        return -1;
    }
    f = &v->filters[v->nfilters++];
    f->only = only;
    snprintf(f->what, sizeof(f->what), "%s", whats[k]);
    if (!(f->value = strdup(value)))
        abort();
    return 0;
}

static void clear_filters(struct view *v)
{
    for (int i = 0; i < v->nfilters; i++)
        free(v->filters[i].value);
    v->nfilters = 0;
}

/* /filter [hide|only SPEC... | clear] */
int view_filter_cmd(struct console *C, const char *args)
{
    char *copy = strdup(args), *save = NULL, *word;
    bool only;
    int rc = 0;

    if (!copy)
        abort();
    word = strtok_r(copy, " \t", &save);
    if (!word)
        list_filters(C);
    else if (!strcmp(word, "clear"))
        clear_filters(&C->view);
    else if (!strcmp(word, "hide") || !strcmp(word, "only")) {
        only = word[0] == 'o';
        while (rc == 0 && (word = strtok_r(NULL, " \t", &save)))
            rc = add_filter(C, only, word);
    } else {
        console_note(C, "usage: /filter [hide|only kind|kind=K|type=T|jid=J|"
                        "ns=NS ...] | /filter clear");
        rc = -1;
    }
    free(copy);
    return rc;
}

/* /save FILE starts a transcript (a new file, private); /save stops it. */
int view_save_cmd(struct console *C, const char *path)
{
    struct view *v = &C->view;
    int fd;

    if (v->save) {
        fclose(v->save);
        console_note(C, "transcript saved to %s", v->save_path);
        free(v->save_path);
        v->save = NULL;
        v->save_path = NULL;
    }
    if (!path || !*path)
        return 0;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || !(v->save = fdopen(fd, "w"))) {
        console_note(C, "/save: cannot create '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!(v->save_path = strdup(path)))
        abort();
    console_note(C, "saving the traffic to %s (/save alone stops)", path);
    return 0;
}

void view_free(struct view *v)
{
    clear_filters(v);
    if (v->save)
        fclose(v->save);
    free(v->save_path);
    v->save = NULL;
}
