/* lib/stanza.c - stanza builders and readers */
#include "stanza.h"

#include <string.h>

#include "err.h"
#include "rc.h"

void stanza_add_text(xmpp_stanza_t *parent, const char *name, const char *text)
{
    xmpp_ctx_t *ctx = xmpp_stanza_get_context(parent);
    xmpp_stanza_t *el = xmpp_stanza_new(ctx), *t = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(el, name);
    xmpp_stanza_set_text(t, text);
    xmpp_stanza_add_child(el, t);
    xmpp_stanza_release(t);
    xmpp_stanza_add_child(parent, el);
    xmpp_stanza_release(el);
}

xmpp_stanza_t *stanza_add(xmpp_stanza_t *parent, const char *name,
                          const char *ns)
{
    xmpp_stanza_t *el = xmpp_stanza_new(xmpp_stanza_get_context(parent));

    xmpp_stanza_set_name(el, name);
    if (ns)
        xmpp_stanza_set_ns(el, ns);
    xmpp_stanza_add_child(parent, el);
    xmpp_stanza_release(el); /* @parent holds it */
    return el;
}

xmpp_stanza_t *stanza_message(xmpp_ctx_t *ctx, const char *to, const char *type,
                              const char *id, const char *body,
                              const char *subject, const char *thread)
{
    xmpp_stanza_t *m = xmpp_message_new(ctx, type, to, id);

    if (subject)
        stanza_add_text(m, "subject", subject);
    if (body)
        stanza_add_text(m, "body", body);
    if (thread)
        stanza_add_text(m, "thread", thread);
    return m;
}

xmpp_stanza_t *stanza_iq_answer(xmpp_stanza_t *st, const char *type)
{
    xmpp_stanza_t *r =
        xmpp_iq_new(xmpp_stanza_get_context(st), type, xmpp_stanza_get_id(st));

    if (xmpp_stanza_get_from(st))
        xmpp_stanza_set_to(r, xmpp_stanza_get_from(st));
    return r;
}

xmpp_stanza_t *stanza_ping(xmpp_ctx_t *ctx, const char *to, const char *id)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", id);
    xmpp_stanza_t *ping = xmpp_stanza_new(ctx);

    if (to)
        xmpp_stanza_set_to(iq, to);
    xmpp_stanza_set_name(ping, "ping");
    xmpp_stanza_set_ns(ping, NS_PING);
    xmpp_stanza_add_child(iq, ping);
    xmpp_stanza_release(ping);
    return iq;
}

bool stanza_is_error(xmpp_stanza_t *st)
{
    const char *type = xmpp_stanza_get_type(st);

    return type && strcmp(type, "error") == 0;
}

bool stanza_get_error(xmpp_stanza_t *st, struct stanza_error *e)
{
    xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(st, "error");

    e->type = "cancel";
    e->condition = "undefined-condition";
    e->text = NULL;
    if (!err)
        return false;
    if (xmpp_stanza_get_type(err))
        e->type = xmpp_stanza_get_type(err);
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(err); c;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_name(c);
        const char *ns = xmpp_stanza_get_ns(c);

        if (!name || !ns || strcmp(ns, NS_STANZAS) != 0)
            continue;
        if (strcmp(name, "text") == 0) {
            xmpp_stanza_t *t = xmpp_stanza_get_children(c);

            if (t && xmpp_stanza_is_text(t))
                e->text = xmpp_stanza_get_text_ptr(t);
        } else
            e->condition = name;
    }
    return true;
}

int stanza_fail_error(const char *who, xmpp_stanza_t *st)
{
    struct stanza_error e;

    stanza_get_error(st, &e);
    return fail(RC_REMOTE, "%s answered with an error: %s (%s)%s%s", who,
                e.condition, e.type, e.text ? ": " : "", e.text ? e.text : "");
}
