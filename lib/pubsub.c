/* lib/pubsub.c - publish-subscribe: requests, payloads, items, events */
#include "pubsub.h"

#include <stdlib.h>
#include <string.h>

#include "disco.h"
#include "form.h"
#include "jsonin.h"
#include "rc.h"
#include "record.h"
#include "stanza.h"
#include "text.h"
#include "xmlin.h"

xmpp_stanza_t *pubsub_iq(xmpp_ctx_t *ctx, const char *type, const char *to,
                         const char *ns, const char *verb, const char *node,
                         xmpp_stanza_t **el)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, type, NULL);
    xmpp_stanza_t *v = stanza_add(stanza_add(iq, "pubsub", ns), verb, NULL);

    if (to)
        xmpp_stanza_set_to(iq, to);
    if (node)
        xmpp_stanza_set_attribute(v, "node", node);
    if (el)
        *el = v;
    return iq;
}

/* --- payloads ------------------------------------------------------ */

static int set_err(char *err, size_t errlen, size_t off, const char *why)
{
    snprintf(err, errlen, "%s at byte %zu", why, off + 1);
    return RC_DATAERR;
}

/* <@name xmlns=@ns>@text</@name>, a new element */
static xmpp_stanza_t *wrap(xmpp_ctx_t *ctx, const char *name, const char *ns,
                           const char *data, size_t len)
{
    xmpp_stanza_t *el = xmpp_stanza_new(ctx), *t = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(el, name);
    xmpp_stanza_set_ns(el, ns);
    xmpp_stanza_set_text_with_size(t, data, len);
    xmpp_stanza_add_child(el, t);
    xmpp_stanza_release(t);
    return el;
}

int pubsub_payload(xmpp_ctx_t *ctx, enum pubsub_kind kind, const char *data,
                   size_t len, xmpp_stanza_t **out, char *err, size_t errlen)
{
    const char *why;
    size_t off;

    *out = NULL;
    if (kind == PUBSUB_XML)
        return xmlin_element(ctx, data, len, out, err, errlen) ? RC_DATAERR
                                                               : RC_OK;
    if (len > XMLIN_MAX_BYTES) {
        snprintf(err, errlen, "over 256 KiB");
        return RC_DATAERR;
    }
    if (!text_check_xml(data, len, &off, &why)) /* NUL included */
        return set_err(err, errlen, off, why);
    if (kind == PUBSUB_JSON) {
        struct jv *v = jsonin_parse(data, len, err, errlen);

        if (!v)
            return RC_DATAERR;
        jv_free(v);
        *out = wrap(ctx, "json", NS_JSON, data, len);
    } else {
        *out = wrap(ctx, "text", NS_TEXT_PAYLOAD, data, len);
    }
    return RC_OK;
}

xmpp_stanza_t *pubsub_payload_of(xmpp_stanza_t *item)
{
    xmpp_stanza_t *c = item ? xmpp_stanza_get_children(item) : NULL;

    while (c && !xmpp_stanza_is_tag(c))
        c = xmpp_stanza_get_next(c);
    return c;
}

const char *pubsub_error_condition(xmpp_stanza_t *st)
{
    xmpp_stanza_t *e = xmpp_stanza_get_child_by_name(st, "error");
    xmpp_stanza_t *c =
        e ? xmpp_stanza_get_child_by_ns(e, NS_PUBSUB_ERRORS) : NULL;

    return c ? xmpp_stanza_get_name(c) : NULL;
}

/* --- items --------------------------------------------------------- */

static bool is(xmpp_stanza_t *el, const char *name, const char *ns)
{
    const char *n = el ? xmpp_stanza_get_name(el) : NULL;
    const char *s = el ? xmpp_stanza_get_ns(el) : NULL;

    return n && s && !strcmp(n, name) && !strcmp(s, ns);
}

/* The JSON of a JSON container, decoded, as member "json" */
static void print_json(struct out *o, const char *text)
{
    struct jv *v;

    if (o->mode != OUT_JSON || !text ||
        !(v = jsonin_parse(text, strlen(text), NULL, 0)))
        return;
    jv_write(&o->json, "json", v);
    jv_free(v);
}

static void print_payload(struct out *o, xmpp_stanza_t *p, bool inline_)
{
    bool text = is(p, "text", NS_TEXT_PAYLOAD), json = is(p, "json", NS_JSON);
    char *s = (text || json) ? xmpp_stanza_get_text(p) : NULL;
    char *xml = record_xml(p);

    /* text: the payload's text or JSON if it has one, else its XML (not
     * in an event's line) */
    out_str(o, "xml", inline_ || text || json ? NULL : ": %s", xml);
    if (text)
        out_str(o, "text", ": %s", s ? s : "");
    if (json)
        print_json(o, s);
    if (json && o->mode == OUT_TEXT)
        out_str(o, NULL, ": %s", s ? s : "");
    if (s)
        xmpp_free(xmpp_stanza_get_context(p), s);
    free(xml);
}

void pubsub_print_item(struct out *o, xmpp_stanza_t *item, bool inline_)
{
    const char *name = xmpp_stanza_get_name(item);
    xmpp_stanza_t *p = pubsub_payload_of(item);

    out_obj_begin(o, NULL);
    out_str(o, "id", inline_ ? " item %s" : "%s",
            xmpp_stanza_get_attribute(item, "id"));
    out_str(o, "publisher", NULL, xmpp_stanza_get_attribute(item, "publisher"));
    if (name && !strcmp(name, "retract"))
        out_bool(o, "retract", " retracted", true);
    if (p)
        print_payload(o, p, inline_);
    out_obj_end(o);
}

/* --- events -------------------------------------------------------- */

static const char *const event_kinds[] = { "items",        "purge",
                                           "delete",       "configuration",
                                           "subscription", NULL };

/* The element child of @ev that says what happened, and its kind. */
static xmpp_stanza_t *event_child(xmpp_stanza_t *ev, int *kind)
{
    xmpp_stanza_t *c = pubsub_payload_of(ev);
    const char *name = c ? xmpp_stanza_get_name(c) : NULL;

    for (int i = 0; name && event_kinds[i]; i++)
        if (!strcmp(name, event_kinds[i])) {
            *kind = i;
            return c;
        }
    return NULL;
}

bool pubsub_event_known(xmpp_stanza_t *ev)
{
    int kind;

    return event_child(ev, &kind) != NULL;
}

static void print_items(struct out *o, xmpp_stanza_t *items)
{
    out_list_begin(o, "items");
    for (xmpp_stanza_t *i = xmpp_stanza_get_children(items); i;
         i = xmpp_stanza_get_next(i)) {
        const char *name = xmpp_stanza_get_name(i);

        if (xmpp_stanza_is_tag(i) && name &&
            (!strcmp(name, "item") || !strcmp(name, "retract")))
            pubsub_print_item(o, i, true);
    }
    out_list_end(o);
}

static void print_config(struct out *o, xmpp_stanza_t *c)
{
    struct form *f = form_parse(form_find(c));

    out_bool(o, "configuration", " configured", true);
    if (f && o->mode == OUT_JSON)
        form_print(o, "form", f, 0);
    form_free(f);
}

static void print_subscription(struct out *o, xmpp_stanza_t *c)
{
    out_obj_begin(o, "subscription");
    out_str(o, "jid", " subscription %s", xmpp_stanza_get_attribute(c, "jid"));
    out_str(o, "subscription", ": %s",
            xmpp_stanza_get_attribute(c, "subscription"));
    out_str(o, "subid", NULL, xmpp_stanza_get_attribute(c, "subid"));
    out_obj_end(o);
}

void pubsub_print_event(struct out *o, xmpp_stanza_t *ev)
{
    int kind = 0;
    xmpp_stanza_t *c = ev ? event_child(ev, &kind) : NULL;
    xmpp_stanza_t *redirect;

    if (!c)
        return;
    out_obj_begin(o, "event");
    out_str(o, "node", " event %s", xmpp_stanza_get_attribute(c, "node"));
    switch (kind) {
    case 0:
        print_items(o, c);
        break;
    case 1:
        out_bool(o, "purge", " purged", true);
        break;
    case 2:
        out_bool(o, "delete", " deleted", true);
        redirect = xmpp_stanza_get_child_by_name(c, "redirect");
        out_str(o, "redirect", " (redirect %s)",
                redirect ? xmpp_stanza_get_attribute(redirect, "uri") : NULL);
        break;
    case 3:
        print_config(o, c);
        break;
    default:
        print_subscription(o, c);
        break;
    }
    out_obj_end(o);
}

/* --- the service --------------------------------------------------- */

int pubsub_find_service(struct session *s, char **jid)
{
    struct disco_walk w = { .depth = 1, .parallel = 8, .limit = 100 };
    char *domain = session_domain(s);
    int rc = disco_walk(s, &w, domain, NULL);

    *jid = NULL;
    for (size_t i = 0; w.root && i < w.root->nkids && !*jid; i++) {
        const struct disco_entity *e = w.root->kids[i];

        if (!e->node &&
            disco_has_identity(disco_query(e->info, false), "pubsub",
                               "service") &&
            !(*jid = strdup(e->jid)))
            abort();
    }
    if (*jid)
        rc = RC_OK; /* found, even if another item never answered */
    else if (rc == RC_OK)
        rc = RC_REMOTE;
    disco_walk_free(&w);
    free(domain);
    return rc;
}

/* --- node configuration -------------------------------------------- */

/* The pubsub#node_config fields of XEP-0060 §16.4.4 and their types */
static const struct {
    const char *var;
    enum form_kind kind;
} config_fields[] = {
    { "pubsub#access_model", FORM_LIST_SINGLE },
    { "pubsub#body_xslt", FORM_TEXT_SINGLE },
    { "pubsub#children_association_policy", FORM_LIST_SINGLE },
    { "pubsub#children_association_whitelist", FORM_JID_MULTI },
    { "pubsub#children", FORM_TEXT_MULTI },
    { "pubsub#children_max", FORM_TEXT_SINGLE },
    { "pubsub#collection", FORM_TEXT_MULTI },
    { "pubsub#contact", FORM_JID_MULTI },
    { "pubsub#dataform_xslt", FORM_TEXT_SINGLE },
    { "pubsub#deliver_notifications", FORM_BOOLEAN },
    { "pubsub#deliver_payloads", FORM_BOOLEAN },
    { "pubsub#description", FORM_TEXT_SINGLE },
    { "pubsub#item_expire", FORM_TEXT_SINGLE },
    { "pubsub#itemreply", FORM_LIST_SINGLE },
    { "pubsub#language", FORM_LIST_SINGLE },
    { "pubsub#max_items", FORM_TEXT_SINGLE },
    { "pubsub#max_payload_size", FORM_TEXT_SINGLE },
    { "pubsub#node_type", FORM_LIST_SINGLE },
    { "pubsub#notification_type", FORM_LIST_SINGLE },
    { "pubsub#notify_config", FORM_BOOLEAN },
    { "pubsub#notify_delete", FORM_BOOLEAN },
    { "pubsub#notify_retract", FORM_BOOLEAN },
    { "pubsub#notify_sub", FORM_BOOLEAN },
    { "pubsub#persist_items", FORM_BOOLEAN },
    { "pubsub#presence_based_delivery", FORM_BOOLEAN },
    { "pubsub#publish_model", FORM_LIST_SINGLE },
    { "pubsub#purge_offline", FORM_BOOLEAN },
    { "pubsub#roster_groups_allowed", FORM_LIST_MULTI },
    { "pubsub#send_last_published_item", FORM_LIST_SINGLE },
    { "pubsub#tempsub", FORM_BOOLEAN },
    { "pubsub#subscribe", FORM_BOOLEAN },
    { "pubsub#title", FORM_TEXT_SINGLE },
    { "pubsub#type", FORM_TEXT_SINGLE },
};

void pubsub_config_complete(struct form *f, const struct form_input *in)
{
    const char *type = form_type(f);

    if (!type || strcmp(type, PUBSUB_NODE_CONFIG))
        return;
    for (size_t i = 0; i < in->n; i++) {
        const char *var = in->v[i].var;

        if (form_field(f, var))
            continue;
        for (size_t k = 0; k < sizeof(config_fields) / sizeof(*config_fields);
             k++)
            if (!strcmp(var, config_fields[k].var))
                form_add(f, var, config_fields[k].kind);
    }
}
