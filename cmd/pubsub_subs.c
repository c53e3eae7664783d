/* cmd/pubsub_subs.c - `stanza pubsub subscribe|unsubscribe|subscriptions|
 * subscribers|affiliations|affiliates` */
#include "pubsub.h"

#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "lib/jid.h"
#include "lib/pubsub.h"
#include "lib/rc.h"
#include "lib/stanza.h"
#include "lib/text.h"

static const char *const sub_states[] = { "subscribed", "none", "pending",
                                          "unconfigured", NULL };
static const char *const affiliations[] = {
    "owner", "publisher", "publish-only", "member", "none", "outcast", NULL
};

/* --- before connecting --------------------------------------------- */

int ps_prepare_subscribe(struct pubsub *P)
{
    const char *why;
    int rc = RC_OK;

    if (P->subscriber && !jid_valid(P->subscriber, &why))
        return fail(RC_DATAERR, "invalid JID '%s' for --subscriber: %s",
                    P->subscriber, why);
    if (P->subid && (rc = text_check_input("--subid", 0, P->subid, 1024)))
        return rc;
    P->opts_form =
        ps_options_form(P, PUBSUB_SUBSCRIBE_OPTS, "--option", &P->subopts, &rc);
    return rc;
}

static bool one_of(const char *v, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(v, list[i]))
            return true;
    return false;
}

int ps_prepare_sets(struct pubsub *P)
{
    bool subs = !strcmp(P->verb_name, "subscribers");
    const char *const *allowed = subs ? sub_states : affiliations;
    const char *why;

    if (!(P->setv = calloc(P->sets.n + 1, sizeof(*P->setv))))
        abort();
    for (size_t i = 0; i < P->sets.n; i++) {
        const char *arg = P->sets.v[i], *eq = strchr(arg, '=');
        struct ps_set *set = &P->setv[P->nsets];

        if (!eq || eq == arg)
            return opt_usage_error(ps_usage, "--set expects JID=%s, not '%s'",
                                   subs ? "STATE" : "AFFILIATION", arg);
        if (!(set->jid = strndup(arg, (size_t)(eq - arg))))
            abort();
        set->value = eq + 1;
        P->nsets++;
        if (!jid_valid(set->jid, &why))
            return fail(RC_DATAERR,
                        "--set: invalid JID '%s': %s — nothing "
                        "was sent",
                        set->jid, why);
        if (!one_of(set->value, allowed))
            return opt_usage_error(
                ps_usage, "--set %s: '%s' is not %s", set->jid, set->value,
                subs ? "subscribed, none, pending or unconfigured"
                     : "owner, publisher, publish-only, member, none or "
                       "outcast");
    }
    return RC_OK;
}

void ps_free_sets(struct pubsub *P)
{
    for (size_t i = 0; i < P->nsets; i++)
        free(P->setv[i].jid);
    free(P->setv);
    P->setv = NULL;
    P->nsets = 0;
}

/* --- subscribe, unsubscribe ---------------------------------------- */

/* Our bare JID, a new string */
static char *own_bare(struct pubsub *P)
{
    struct jid *j = jid_parse(P->s.acct.jid, NULL);
    char *bare = j ? jid_bare(j) : NULL;

    if (!bare)
        abort(); /* checked when the account was read */
    jid_free(j);
    return bare;
}

static void print_subscription(struct pubsub *P, const char *jid)
{
    struct out *o = &P->s.out;
    xmpp_stanza_t *sub = ps_reply_child(P, "subscription");
    const char *state =
        sub ? xmpp_stanza_get_attribute(sub, "subscription") : NULL;

    if (o->mode == OUT_XML) {
        out_stanza(o, P->reply);
        return;
    }
    out_obj_begin(o, NULL);
    ps_print_target(P);
    out_str(o, "jid", NULL, jid);
    out_str(o, "subscription", "%s", state ? state : "subscribed");
    out_str(o, "subid", " subid=%s",
            sub ? xmpp_stanza_get_attribute(sub, "subid") : NULL);
    out_obj_end(o);
}

int ps_subscribe(struct pubsub *P)
{
    char *jid = P->subscriber ? NULL : own_bare(P);
    const char *who = P->subscriber ? P->subscriber : jid;
    xmpp_stanza_t *el,
        *iq = ps_request(P, "set", false, "subscribe", P->node, &el);
    int rc;

    xmpp_stanza_set_attribute(el, "jid", who);
    /* subscribe and configure (XEP-0060 §6.3.7, example 92): <options/>
     * names no node nor JID, those of <subscribe/> apply (ejabberd refuses
     * them there with bad-request) */
    if (P->opts_form)
        xmpp_stanza_add_child(
            stanza_add(xmpp_stanza_get_child_by_name(iq, "pubsub"), "options",
                       NULL),
            P->opts_form);
    if ((rc = ps_ask(P, iq)) == RC_OK)
        print_subscription(P, who);
    free(jid);
    return rc;
}

int ps_unsubscribe(struct pubsub *P)
{
    char *jid = P->subscriber ? NULL : own_bare(P);
    const char *who = P->subscriber ? P->subscriber : jid;
    xmpp_stanza_t *el,
        *iq = ps_request(P, "set", false, "unsubscribe", P->node, &el);
    int rc;

    xmpp_stanza_set_attribute(el, "jid", who);
    if (P->subid)
        xmpp_stanza_set_attribute(el, "subid", P->subid);
    if ((rc = ps_ask(P, iq)) == RC_OK)
        ps_print_done(P, "unsubscribed");
    free(jid);
    return rc;
}

/* --- lists --------------------------------------------------------- */

/* An attribute of the list's rows and how text shows it */
struct col {
    const char *attr, *fmt;
};

/* Attribute @attr of row @row of @list, asked for with node @asked. A row
 * without a node is of the node the list is for: <subscriptions node=.../>
 * (XEP-0060 §5.6), or, when the answer does not say (ejabberd's), the one
 * asked for */
static const char *row_attr(xmpp_stanza_t *list, xmpp_stanza_t *row,
                            const char *attr, const char *asked)
{
    const char *v = xmpp_stanza_get_attribute(row, attr);

    if (v || strcmp(attr, "node"))
        return v;
    v = xmpp_stanza_get_attribute(list, "node");
    return v ? v : asked;
}

/* The @child rows of @list as member @key: JSON objects, text lines */
static void print_rows(struct pubsub *P, xmpp_stanza_t *list, const char *child,
                       const char *key, const struct col *cols)
{
    struct out *o = &P->s.out;

    if (o->mode == OUT_XML) {
        out_stanza(o, P->reply);
        return;
    }
    if (o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        ps_print_target(P);
        out_list_begin(o, key);
    }
    for (xmpp_stanza_t *c = list ? xmpp_stanza_get_children(list) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *n = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : "";

        if (strcmp(n, child))
            continue;
        out_obj_begin(o, NULL);
        for (size_t i = 0; cols[i].attr; i++)
            out_str(o, cols[i].attr, cols[i].fmt,
                    row_attr(list, c, cols[i].attr, P->node));
        out_obj_end(o);
    }
    if (o->mode == OUT_JSON) {
        out_list_end(o);
        out_obj_end(o);
    }
}

/* Asks for list @what (the owner's with @owner), prints its rows */
static int get_list(struct pubsub *P, bool owner, const char *what,
                    const char *child, const struct col *cols)
{
    int rc = ps_ask(P, ps_request(P, "get", owner, what, P->node, NULL));

    if (rc == RC_OK)
        print_rows(P, ps_reply_child(P, what), child, what, cols);
    return rc;
}

/* The owner's changes: <@what node><@child jid @attr=value/>... */
static int set_list(struct pubsub *P, const char *what, const char *child,
                    const char *attr)
{
    xmpp_stanza_t *el, *iq = ps_request(P, "set", true, what, P->node, &el);
    int rc;

    for (size_t i = 0; i < P->nsets; i++) {
        xmpp_stanza_t *c = stanza_add(el, child, NULL);

        xmpp_stanza_set_attribute(c, "jid", P->setv[i].jid);
        xmpp_stanza_set_attribute(c, attr, P->setv[i].value);
    }
    if ((rc = ps_ask(P, iq)) == RC_OK)
        ps_print_done(P, "changed");
    return rc;
}

int ps_subscriptions(struct pubsub *P)
{
    static const struct col cols[] = { { "node", "%s" },
                                       { "jid", " %s" },
                                       { "subscription", " %s" },
                                       { "subid", " subid=%s" },
                                       { NULL, NULL } };

    return get_list(P, false, "subscriptions", "subscription", cols);
}

int ps_subscribers(struct pubsub *P)
{
    static const struct col cols[] = { { "jid", "%s" },
                                       { "subscription", " %s" },
                                       { "subid", " subid=%s" },
                                       { NULL, NULL } };

    if (P->nsets)
        return set_list(P, "subscriptions", "subscription", "subscription");
    return get_list(P, true, "subscriptions", "subscription", cols);
}

int ps_affiliations(struct pubsub *P)
{
    static const struct col cols[] = { { "node", "%s" },
                                       { "affiliation", " %s" },
                                       { NULL, NULL } };

    return get_list(P, false, "affiliations", "affiliation", cols);
}

int ps_affiliates(struct pubsub *P)
{
    static const struct col cols[] = { { "jid", "%s" },
                                       { "affiliation", " %s" },
                                       { NULL, NULL } };

    if (P->nsets)
        return set_list(P, "affiliations", "affiliation", "affiliation");
    return get_list(P, true, "affiliations", "affiliation", cols);
}
