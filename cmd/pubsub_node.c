/* cmd/pubsub_node.c - `stanza pubsub nodes|info|create|config|delete|purge`:
 * nodes and their configuration */
#include "pubsub.h"

#include <stdlib.h>
#include <string.h>

#include "lib/disco.h"
#include "lib/err.h"
#include "lib/pubsub.h"
#include "lib/rc.h"
#include "lib/stanza.h"
#include "lib/text.h"

/* --- nodes, info --------------------------------------------------- */

static void print_nodes(struct pubsub *P, xmpp_stanza_t *q)
{
    struct out *o = &P->s.out;

    if (o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        ps_print_target(P);
        out_list_begin(o, "nodes");
    }
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(q); c;
         c = xmpp_stanza_get_next(c)) {
        const char *n = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : "";
        const char *node = xmpp_stanza_get_attribute(c, "node");

        if (strcmp(n, "item") || !node)
            continue;
        out_obj_begin(o, NULL);
        out_str(o, "node", "%s", node);
        out_str(o, "name", " (%s)", xmpp_stanza_get_attribute(c, "name"));
        out_str(o, "jid", NULL, xmpp_stanza_get_attribute(c, "jid"));
        out_obj_end(o);
    }
    if (o->mode == OUT_JSON) {
        out_list_end(o);
        out_obj_end(o);
    }
}

static int disco(struct pubsub *P, bool items)
{
    struct out *o = &P->s.out;
    xmpp_stanza_t *q;
    int rc = ps_ask(P, disco_request(P->s.ctx, P->to, P->node, items));

    if (rc != RC_OK)
        return rc;
    if (!(q = disco_query(P->reply, items)))
        return fail(RC_PROTOCOL, "%s answered without a disco#%s query",
                    P->service, items ? "items" : "info");
    if (o->mode == OUT_XML)
        out_stanza(o, P->reply);
    else if (items)
        print_nodes(P, q);
    else {
        if (o->mode == OUT_JSON) {
            out_obj_begin(o, NULL);
            ps_print_target(P);
        }
        disco_print_info(o, q, 0);
        if (o->mode == OUT_JSON)
            out_obj_end(o);
    }
    return RC_OK;
}

int ps_nodes(struct pubsub *P)
{
    P->node = P->parent;
    return disco(P, true);
}

int ps_info(struct pubsub *P)
{
    return disco(P, false);
}

/* --- configuration ------------------------------------------------- */

/* A submit form with the FORM_TYPE of @f and the fields the user set:
 * the rest stays as the service has it. */
static xmpp_stanza_t *submit_filled(xmpp_ctx_t *ctx, const struct form *f)
{
    struct form sub = { 0 };
    xmpp_stanza_t *x;

    if (!(sub.fields = calloc(f->nfields + 1, sizeof(*sub.fields))))
        abort();
    for (size_t i = 0; i < f->nfields; i++) {
        const struct form_field *fl = &f->fields[i];

        if (fl->filled || (fl->var && !strcmp(fl->var, "FORM_TYPE")))
            sub.fields[sub.nfields++] = *fl; /* borrowed */
    }
    x = form_submit(ctx, &sub);
    free(sub.fields);
    return x;
}

/*
 * Asks for the form in the <@verb/> of the answer to @iq, puts the
 * user's values in and checks them. RC_OK with *@x a new submit form, or
 * the code after saying why (@what: what did not happen).
 */
static int fill_form(struct pubsub *P, xmpp_stanza_t *iq, const char *verb,
                     const char *what, xmpp_stanza_t **x)
{
    char err[1024];
    struct form *f;
    int rc = ps_ask(P, iq);

    *x = NULL;
    if (rc != RC_OK)
        return rc;
    if (!(f = form_parse(form_find(ps_reply_child(P, verb)))))
        return fail(RC_PROTOCOL, "%s answered without a configuration form",
                    P->service);
    pubsub_config_complete(f, &P->in);
    if ((rc = form_apply(f, &P->in, true, err, sizeof(err))) == RC_OK &&
        (rc = form_check(f, err, sizeof(err))) == RC_OK)
        *x = submit_filled(P->s.ctx, f);
    else
        fail(rc, "%s — %s", err, what);
    form_free(f);
    return rc;
}

static bool has_condition(xmpp_stanza_t *reply, const char *cond)
{
    struct stanza_error e;

    stanza_get_error(reply, &e);
    return !strcmp(e.condition, cond);
}

/* The node an instant node got: from <create node=.../> of the answer */
static int instant_node(struct pubsub *P)
{
    xmpp_stanza_t *c = ps_reply_child(P, "create");
    const char *node = c ? xmpp_stanza_get_attribute(c, "node") : NULL;

    if (!node)
        return fail(RC_PROTOCOL, "%s created a node without saying its name",
                    P->service);
    if (!(P->instant = strdup(node)))
        abort();
    P->node = P->instant;
    return RC_OK;
}

int ps_create(struct pubsub *P)
{
    struct out *o = &P->s.out;
    xmpp_stanza_t *x = NULL, *iq;
    bool created = true;
    int rc;

    if (P->in.n &&
        (rc = fill_form(P, ps_request(P, "get", true, "default", NULL, NULL),
                        "default", "the node was not created", &x)) != RC_OK)
        return rc;
    iq = ps_request(P, "set", false, "create", P->node, NULL);
    if (x) {
        xmpp_stanza_t *ps = xmpp_stanza_get_child_by_name(iq, "pubsub");

        xmpp_stanza_add_child(stanza_add(ps, "configure", NULL), x);
        xmpp_stanza_release(x);
    }
    rc = ps_send(P, iq);
    if (rc == RC_REMOTE && P->exists_ok && P->node &&
        has_condition(P->reply, "conflict"))
        created = false, rc = RC_OK;
    else if (rc == RC_REMOTE)
        return ps_remote_error(P, P->reply);
    if (rc == RC_OK && !P->node)
        rc = instant_node(P);
    if (rc != RC_OK)
        return rc;
    if (o->mode == OUT_XML)
        out_stanza(o, P->reply);
    if (o->mode == OUT_TEXT && P->instant)
        out_str(o, NULL, "%s\n", P->instant);
    if (o->mode != OUT_JSON)
        return RC_OK;
    out_obj_begin(o, NULL);
    ps_print_target(P);
    out_bool(o, "created", NULL, created);
    out_obj_end(o);
    return RC_OK;
}

static int print_config(struct pubsub *P)
{
    struct out *o = &P->s.out;
    struct form *f = form_parse(form_find(ps_reply_child(P, "configure")));

    if (!f)
        return fail(RC_PROTOCOL, "%s answered without a configuration form",
                    P->service);
    if (o->mode == OUT_XML)
        out_stanza(o, P->reply);
    if (o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        ps_print_target(P);
    }
    form_print(o, "form", f, 0);
    if (o->mode == OUT_JSON)
        out_obj_end(o);
    form_free(f);
    return RC_OK;
}

int ps_config(struct pubsub *P)
{
    xmpp_stanza_t *x, *el, *iq;
    int rc;

    iq = ps_request(P, "get", true, "configure", P->node, NULL);
    if (!P->in.n)
        return (rc = ps_ask(P, iq)) == RC_OK ? print_config(P) : rc;
    if ((rc = fill_form(P, iq, "configure", "nothing was changed", &x)) !=
        RC_OK)
        return rc;
    iq = ps_request(P, "set", true, "configure", P->node, &el);
    xmpp_stanza_add_child(el, x);
    xmpp_stanza_release(x);
    if ((rc = ps_ask(P, iq)) == RC_OK)
        ps_print_done(P, "configured");
    return rc;
}

/* --- delete, purge ------------------------------------------------- */

int ps_delete(struct pubsub *P)
{
    xmpp_stanza_t *el, *iq = ps_request(P, "set", true, "delete", P->node, &el);
    int rc;

    if (P->redirect)
        xmpp_stanza_set_attribute(stanza_add(el, "redirect", NULL), "uri",
                                  P->redirect);
    if ((rc = ps_ask(P, iq)) == RC_OK)
        ps_print_done(P, "deleted");
    return rc;
}

int ps_purge(struct pubsub *P)
{
    int rc = ps_ask(P, ps_request(P, "set", true, "purge", P->node, NULL));

    if (rc == RC_OK)
        ps_print_done(P, "purged");
    return rc;
}
