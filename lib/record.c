/* lib/record.c - the generic stanza record (DESIGN.md §5) */
#include "record.h"

#include <stdlib.h>
#include <string.h>

#include "pubsub.h"
#include "stanza.h"

/* libstrophe 0.12's parser drops attribute prefixes: xml:lang arrives as
 * "lang". Serialize it under its real name. */
static int to_text(xmpp_stanza_t *st, char **buf, size_t *len)
{
    const char *lang = xmpp_stanza_get_attribute(st, "lang");
    char *saved = lang ? strdup(lang) : NULL;
    int rc;

    if (!saved)
        return xmpp_stanza_to_text(st, buf, len);
    xmpp_stanza_del_attribute(st, "lang");
    xmpp_stanza_set_attribute(st, "xml:lang", saved);
    rc = xmpp_stanza_to_text(st, buf, len);
    xmpp_stanza_del_attribute(st, "xml:lang");
    xmpp_stanza_set_attribute(st, "lang", saved);
    free(saved);
    return rc;
}

char *record_xml(xmpp_stanza_t *st)
{
    xmpp_ctx_t *ctx = xmpp_stanza_get_context(st);
    char *buf = NULL, *out;
    size_t len = 0, extra = 0, j = 0;

    if (to_text(st, &buf, &len) != 0)
        return NULL;
    for (size_t i = 0; i < len; i++)
        extra += (buf[i] == '\n' || buf[i] == '\r') ? 4 : 0;
    if (!(out = malloc(len + extra + 1)))
        abort();
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n' || buf[i] == '\r') {
            memcpy(out + j, buf[i] == '\n' ? "&#10;" : "&#13;", 5);
            j += 5;
        } else {
            out[j++] = buf[i];
        }
    }
    out[j] = '\0';
    xmpp_free(ctx, buf);
    return out;
}

static const char *child_text(xmpp_stanza_t *st, const char *name)
{
    xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(st, name);
    xmpp_stanza_t *t = c ? xmpp_stanza_get_children(c) : NULL;

    return t && xmpp_stanza_is_text(t) ? xmpp_stanza_get_text_ptr(t) : NULL;
}

/* Is @c one of the children that become fields? */
static bool known(xmpp_stanza_t *st, xmpp_stanza_t *c)
{
    static const char *const plain[] = { "body",   "subject",  "thread", "show",
                                         "status", "priority", "error",  NULL };
    const char *name = xmpp_stanza_get_name(c), *ns = xmpp_stanza_get_ns(c);
    const char *sns = xmpp_stanza_get_ns(st);

    if (!name)
        return true; /* text between elements */
    if (!ns || (sns && strcmp(ns, sns) == 0) || !strcmp(ns, "jabber:client"))
        for (size_t i = 0; plain[i]; i++)
            if (strcmp(name, plain[i]) == 0)
                return xmpp_stanza_get_child_by_name(st, name) == c;
    if (!ns)
        return false;
    if (!strcmp(ns, NS_DELAY) && !strcmp(name, "delay"))
        return xmpp_stanza_get_child_by_ns(st, NS_DELAY) == c;
    if (!strcmp(ns, NS_CHATSTATES))
        return xmpp_stanza_get_child_by_ns(st, NS_CHATSTATES) == c;
    if (!strcmp(ns, NS_PUBSUB_EVENT) && !strcmp(name, "event"))
        return xmpp_stanza_get_child_by_ns(st, NS_PUBSUB_EVENT) == c &&
               pubsub_event_known(c);
    return false;
}

static void print_delay(struct out *o, xmpp_stanza_t *st)
{
    xmpp_stanza_t *d = xmpp_stanza_get_child_by_ns(st, NS_DELAY);
    xmpp_stanza_t *t;

    if (!d || !xmpp_stanza_get_attribute(d, "stamp"))
        return;
    out_obj_begin(o, "delay");
    out_str(o, "stamp", " (sent %s)", xmpp_stanza_get_attribute(d, "stamp"));
    out_str(o, "from", NULL, xmpp_stanza_get_attribute(d, "from"));
    t = xmpp_stanza_get_children(d);
    out_str(o, "reason", NULL,
            t && xmpp_stanza_is_text(t) ? xmpp_stanza_get_text_ptr(t) : NULL);
    out_obj_end(o);
}

void record_print_error(struct out *o, const char *key, xmpp_stanza_t *st)
{
    struct stanza_error e;

    if (!st || !stanza_is_error(st))
        return;
    stanza_get_error(st, &e);
    out_obj_begin(o, key);
    out_str(o, "type", NULL, e.type);
    out_str(o, "condition", " error %s", e.condition);
    out_str(o, "text", ": %s", e.text);
    out_obj_end(o);
}

static void print_xml(struct out *o, const char *key, xmpp_stanza_t *st)
{
    char *xml = record_xml(st);

    out_str(o, key, NULL, xml);
    free(xml);
}

static void print_payloads(struct out *o, xmpp_stanza_t *st)
{
    bool any = false;

    for (xmpp_stanza_t *c = xmpp_stanza_get_children(st); c;
         c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_tag(c) || known(st, c))
            continue;
        if (!any)
            out_list_begin(o, "payloads");
        any = true;
        out_obj_begin(o, NULL);
        out_str(o, "ns", NULL, xmpp_stanza_get_ns(c));
        out_str(o, "name", " +%s", xmpp_stanza_get_name(c));
        print_xml(o, "xml", c);
        out_obj_end(o);
    }
    if (any)
        out_list_end(o);
}

static const char *chat_state(xmpp_stanza_t *st)
{
    xmpp_stanza_t *c = xmpp_stanza_get_child_by_ns(st, NS_CHATSTATES);

    return c ? xmpp_stanza_get_name(c) : NULL;
}

static void print_priority(struct out *o, xmpp_stanza_t *st)
{
    const char *p = child_text(st, "priority");
    char *end;
    long v;

    if (!p)
        return;
    v = strtol(p, &end, 10);
    if (*p && !*end && v >= -128 && v <= 127)
        out_int(o, "priority", NULL, v);
    else
        out_str(o, "priority", NULL, p); /* malformed: kept as sent */
}

void record_print(struct out *o, xmpp_stanza_t *st)
{
    record_print_dir(o, st, NULL);
}

void record_print_dir(struct out *o, xmpp_stanza_t *st, const char *dir)
{
    const char *mark = !dir ? "" : !strcmp(dir, "in") ? "<< " : ">> ";

    if (o->mode == OUT_XML) {
        char *xml = record_xml(st);

        if (xml)
            fprintf(o->f, "%s%s\n", mark, xml);
        free(xml);
        if (o->streaming)
            out_flush(o);
        return;
    }
    if (o->mode == OUT_TEXT && !o->quiet)
        fputs(mark, o->f);
    out_obj_begin(o, NULL);
    out_str(o, "dir", NULL, dir);
    out_str(o, "kind", "%s", xmpp_stanza_get_name(st));
    out_str(o, "type", " %s", xmpp_stanza_get_type(st));
    out_str(o, "id", NULL, xmpp_stanza_get_id(st));
    out_str(o, "from", " from %s", xmpp_stanza_get_from(st));
    out_str(o, "to", NULL, xmpp_stanza_get_to(st));
    out_str(o, "lang", NULL, xmpp_stanza_get_attribute(st, "lang"));
    print_delay(o, st);
    out_str(o, "subject", " [%s]", child_text(st, "subject"));
    out_str(o, "body", ": %s", child_text(st, "body"));
    out_str(o, "thread", NULL, child_text(st, "thread"));
    out_str(o, "show", " %s", child_text(st, "show"));
    out_str(o, "status", " \"%s\"", child_text(st, "status"));
    print_priority(o, st);
    out_str(o, "chat_state", " <%s>", chat_state(st));
    record_print_error(o, "error", st);
    pubsub_print_event(o, xmpp_stanza_get_child_by_ns(st, NS_PUBSUB_EVENT));
    print_payloads(o, st);
    out_obj_end(o);
}
