/* lib/respond.c - answers owed to incoming IQs */
#include "respond.h"

#include <string.h>
#include <sys/utsname.h>

#include "stanza.h"

#ifndef STANZA_VERSION
#define STANZA_VERSION "0"
#endif

static const char *version_name = "stanza";

static xmpp_stanza_t *add_child(xmpp_stanza_t *parent, const char *name,
                                const char *ns)
{
    xmpp_stanza_t *c = xmpp_stanza_new(xmpp_stanza_get_context(parent));

    xmpp_stanza_set_name(c, name);
    if (ns)
        xmpp_stanza_set_ns(c, ns);
    xmpp_stanza_add_child(parent, c);
    xmpp_stanza_release(c);
    return c; /* borrowed: owned by @parent */
}

static void add_text(xmpp_stanza_t *parent, const char *name, const char *v)
{
    xmpp_stanza_t *c = add_child(parent, name, NULL);
    xmpp_stanza_t *t = xmpp_stanza_new(xmpp_stanza_get_context(parent));

    xmpp_stanza_set_text(t, v);
    xmpp_stanza_add_child(c, t);
    xmpp_stanza_release(t);
}

static void version(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *q = add_child(reply, "query", NS_VERSION);
    struct utsname u;

    add_text(q, "name", version_name);
    add_text(q, "version", STANZA_VERSION);
    if (uname(&u) == 0)
        add_text(q, "os", u.sysname);
}

static void disco_info(xmpp_stanza_t *reply)
{
    static const char *const features[] = { NS_DISCO_INFO, NS_PING, NS_VERSION,
                                            NULL };
    xmpp_stanza_t *q = add_child(reply, "query", NS_DISCO_INFO);
    xmpp_stanza_t *id = add_child(q, "identity", NULL);

    xmpp_stanza_set_attribute(id, "category", "client");
    xmpp_stanza_set_attribute(id, "type", "console");
    xmpp_stanza_set_attribute(id, "name", version_name);
    for (size_t i = 0; features[i]; i++)
        xmpp_stanza_set_attribute(add_child(q, "feature", NULL), "var",
                                  features[i]);
}

static bool is(xmpp_stanza_t *c, const char *name, const char *ns)
{
    const char *n = c ? xmpp_stanza_get_name(c) : NULL;
    const char *s = c ? xmpp_stanza_get_ns(c) : NULL;

    return n && s && !strcmp(n, name) && !strcmp(s, ns);
}

static xmpp_stanza_t *first_element(xmpp_stanza_t *st)
{
    xmpp_stanza_t *c = xmpp_stanza_get_children(st);

    while (c && !xmpp_stanza_is_tag(c))
        c = xmpp_stanza_get_next(c);
    return c;
}

static int on_iq(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    const char *type = xmpp_stanza_get_type(st);
    xmpp_stanza_t *q = first_element(st), *reply;
    bool get;

    (void)ud;
    if (!type || (strcmp(type, "get") && strcmp(type, "set")))
        return 1; /* results and errors are not ours to answer */
    get = !strcmp(type, "get");
    if (get && is(q, "ping", NS_PING)) {
        reply = xmpp_stanza_reply(st);
        xmpp_stanza_set_type(reply, "result");
    } else if (get && is(q, "query", NS_VERSION)) {
        reply = xmpp_stanza_reply(st);
        xmpp_stanza_set_type(reply, "result");
        version(reply);
    } else if (get && is(q, "query", NS_DISCO_INFO) &&
               !xmpp_stanza_get_attribute(q, "node")) {
        reply = xmpp_stanza_reply(st);
        xmpp_stanza_set_type(reply, "result");
        disco_info(reply);
    } else {
        reply =
            xmpp_stanza_reply_error(st, "cancel", "service-unavailable", NULL);
    }
    /* xml:lang was parsed as "lang"; copied back unprefixed it is wrong */
    xmpp_stanza_del_attribute(reply, "lang");
    xmpp_send(conn, reply);
    xmpp_stanza_release(reply);
    return 1;
}

void respond_install(struct session *s, const char *name)
{
    if (name)
        version_name = name;
    xmpp_handler_add(s->conn, on_iq, NULL, "iq", NULL, NULL);
}
