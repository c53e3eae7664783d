/* lib/respond.c - answers owed to incoming IQs */
#include "respond.h"

#include <string.h>
#include <sys/utsname.h>

#include "stanza.h"

#ifndef STANZA_VERSION
#define STANZA_VERSION "0"
#endif

static const char *version_name = "stanza";

static void version(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *q = stanza_add(reply, "query", NS_VERSION);
    struct utsname u;

    stanza_add_text(q, "name", version_name);
    stanza_add_text(q, "version", STANZA_VERSION);
    if (uname(&u) == 0)
        stanza_add_text(q, "os", u.sysname);
}

static void disco_info(xmpp_stanza_t *reply)
{
    static const char *const features[] = { NS_DISCO_INFO, NS_PING, NS_VERSION,
                                            NULL };
    xmpp_stanza_t *q = stanza_add(reply, "query", NS_DISCO_INFO);
    xmpp_stanza_t *id = stanza_add(q, "identity", NULL);

    xmpp_stanza_set_attribute(id, "category", "client");
    xmpp_stanza_set_attribute(id, "type", "console");
    xmpp_stanza_set_attribute(id, "name", version_name);
    for (size_t i = 0; features[i]; i++)
        xmpp_stanza_set_attribute(stanza_add(q, "feature", NULL), "var",
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

static xmpp_stanza_t *refusal(xmpp_stanza_t *st)
{
    xmpp_stanza_t *r = stanza_iq_answer(st, "error");
    xmpp_stanza_t *e = stanza_add(r, "error", NULL);

    xmpp_stanza_set_type(e, "cancel");
    stanza_add(e, "service-unavailable", NS_STANZAS);
    return r;
}

static int on_iq(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct session *s = ud;
    const char *type = xmpp_stanza_get_type(st);
    xmpp_stanza_t *q = first_element(st), *reply;
    bool get;

    if (!type || (strcmp(type, "get") && strcmp(type, "set")))
        return 1; /* results and errors are not ours to answer */
    get = !strcmp(type, "get");
    if (get && is(q, "ping", NS_PING)) {
        reply = stanza_iq_answer(st, "result");
    } else if (get && is(q, "query", NS_VERSION)) {
        reply = stanza_iq_answer(st, "result");
        version(reply);
    } else if (get && is(q, "query", NS_DISCO_INFO) &&
               !xmpp_stanza_get_attribute(q, "node")) {
        reply = stanza_iq_answer(st, "result");
        disco_info(reply);
    } else if (!get && is(q, "query", XMPP_NS_ROSTER) &&
               session_from_ok(s, xmpp_stanza_get_from(st), NULL)) {
        reply =
            stanza_iq_answer(st, "result"); /* a roster push: acknowledged */
    } else {
        reply = refusal(st);
    }
    xmpp_send(conn, reply);
    xmpp_stanza_release(reply);
    return 1;
}

void respond_install(struct session *s, const char *name)
{
    if (name)
        version_name = name;
    xmpp_handler_add(s->conn, on_iq, NULL, "iq", NULL, s);
}
