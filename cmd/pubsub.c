/* cmd/pubsub.c - `stanza pubsub`: publish-subscribe (XEP-0060) and PEP
 * (XEP-0163) from the shell: the verbs, their options, the service */
#include "pubsub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/err.h"
#include "lib/jid.h"
#include "lib/pubsub.h"
#include "lib/rc.h"
#include "lib/record.h"
#include "lib/stanza.h"
#include "lib/text.h"

#define KEEPALIVE_MS 60000

const char *const ps_usage[] = {
    "stanza pubsub nodes [options] [--node <parent>]",
    "stanza pubsub info [options] <node>",
    "stanza pubsub create [options] [<node>] [--field <var>=<value>]... "
    "[--form <file>] [--exists-ok]",
    "stanza pubsub config [options] <node> [--field <var>=<value>]... "
    "[--form <file>]",
    "stanza pubsub delete [options] <node> [--redirect <uri>]",
    "stanza pubsub purge [options] <node>",
    "stanza pubsub publish [options] <node> [--id <id>] "
    "<xml>|-|--text <text>|--json-payload <json>",
    "stanza pubsub publish [options] <node> --batch < items.ndjson",
    "stanza pubsub retract [options] <node> <id> [--notify]",
    "stanza pubsub items [options] <node> [--max <n>] [--id <id>]...",
    "stanza pubsub subscribe [options] <node> [--subscriber <jid>] "
    "[--option <var>=<value>]...",
    "stanza pubsub unsubscribe [options] <node> [--subscriber <jid>] "
    "[--subid <id>]",
    "stanza pubsub subscriptions [options] [<node>]",
    "stanza pubsub subscribers [options] <node> "
    "[--set <jid>=subscribed|none]...",
    "stanza pubsub affiliations [options] [<node>]",
    "stanza pubsub affiliates [options] <node> [--set <jid>=<affiliation>]...",
    "stanza pubsub listen [options] <node>... [--count <n>] "
    "[--until <seconds>] [--keep]",
    NULL,
};

/* The options of the verbs, one bit each */
enum {
    O_NODE = 1u << 0,
    O_FIELD = 1u << 1,
    O_FORM = 1u << 2,
    O_EXISTS = 1u << 3,
    O_REDIRECT = 1u << 4,
    O_ID = 1u << 5,
    O_TEXT = 1u << 6,
    O_JSONP = 1u << 7,
    O_PUBOPT = 1u << 8,
    O_BATCH = 1u << 9,
    O_NOTIFY = 1u << 10,
    O_MAX = 1u << 11,
    O_SUBSCRIBER = 1u << 12,
    O_OPTION = 1u << 13,
    O_SUBID = 1u << 14,
    O_SET = 1u << 15,
    O_COUNT = 1u << 16,
    O_UNTIL = 1u << 17,
    O_KEEP = 1u << 18,
    O_NORECONNECT = 1u << 19,
    O_KEEPALIVE = 1u << 20,
};

static const struct {
    unsigned bit;
    const char *name;
} opt_names[] = {
    { O_NODE, "--node" },
    { O_FIELD, "--field" },
    { O_FORM, "--form" },
    { O_EXISTS, "--exists-ok" },
    { O_REDIRECT, "--redirect" },
    { O_ID, "--id" },
    { O_TEXT, "--text" },
    { O_JSONP, "--json-payload" },
    { O_PUBOPT, "--publish-option" },
    { O_BATCH, "--batch" },
    { O_NOTIFY, "--notify" },
    { O_MAX, "--max" },
    { O_SUBSCRIBER, "--subscriber" },
    { O_OPTION, "--option" },
    { O_SUBID, "--subid" },
    { O_SET, "--set" },
    { O_COUNT, "--count" },
    { O_UNTIL, "--until" },
    { O_KEEP, "--keep" },
    { O_NORECONNECT, "--no-reconnect" },
    { O_KEEPALIVE, "--keepalive" },
};

#define NOPT_NAMES (sizeof(opt_names) / sizeof(*opt_names))

struct ps_verb {
    const char *name;
    int min, max; /* arguments after the verb; max -1: no limit */
    bool node;    /* the first argument is a node */
    unsigned opts;
    int (*prepare)(struct pubsub *P); /* before connecting; may be NULL */
    int (*run)(struct pubsub *P);
};

static int prepare_form(struct pubsub *P);

static const struct ps_verb verbs[] = {
    { "nodes", 0, 0, false, O_NODE, NULL, ps_nodes },
    { "info", 1, 1, true, 0, NULL, ps_info },
    { "create", 0, 1, true, O_FIELD | O_FORM | O_EXISTS, prepare_form,
      ps_create },
    { "config", 1, 1, true, O_FIELD | O_FORM, prepare_form, ps_config },
    { "delete", 1, 1, true, O_REDIRECT, NULL, ps_delete },
    { "purge", 1, 1, true, 0, NULL, ps_purge },
    { "publish", 1, 2, true, O_ID | O_TEXT | O_JSONP | O_PUBOPT | O_BATCH,
      ps_prepare_publish, ps_publish },
    { "retract", 2, 2, true, O_NOTIFY, NULL, ps_retract },
    { "items", 1, 1, true, O_MAX | O_ID, NULL, ps_items },
    { "subscribe", 1, 1, true, O_SUBSCRIBER | O_OPTION, ps_prepare_subscribe,
      ps_subscribe },
    { "unsubscribe", 1, 1, true, O_SUBSCRIBER | O_SUBID, ps_prepare_subscribe,
      ps_unsubscribe },
    { "subscriptions", 0, 1, true, 0, NULL, ps_subscriptions },
    { "subscribers", 1, 1, true, O_SET, ps_prepare_sets, ps_subscribers },
    { "affiliations", 0, 1, true, 0, NULL, ps_affiliations },
    { "affiliates", 1, 1, true, O_SET, ps_prepare_sets, ps_affiliates },
    { "listen", 1, -1, true,
      O_COUNT | O_UNTIL | O_KEEP | O_NORECONNECT | O_KEEPALIVE,
      ps_listen_prepare, ps_listen },
};

#define NVERBS (sizeof(verbs) / sizeof(*verbs))

/* --- requests and answers ------------------------------------------ */

xmpp_stanza_t *ps_request(struct pubsub *P, const char *type, bool owner,
                          const char *verb, const char *node,
                          xmpp_stanza_t **el)
{
    return pubsub_iq(P->s.ctx, type, P->to, owner ? NS_PUBSUB_OWNER : NS_PUBSUB,
                     verb, node, el);
}

void ps_print_target(struct pubsub *P)
{
    out_str(&P->s.out, "service", NULL, P->service);
    out_str(&P->s.out, "node", NULL, P->node);
}

void ps_print_done(struct pubsub *P, const char *what)
{
    struct out *o = &P->s.out;

    if (o->mode == OUT_XML) {
        out_stanza(o, P->reply);
        return;
    }
    if (o->mode != OUT_JSON)
        return;
    out_obj_begin(o, NULL);
    ps_print_target(P);
    out_bool(o, what, NULL, true);
    out_obj_end(o);
}

/* "SERVICE" or "SERVICE node=NODE": who answered, in messages */
static const char *who(struct pubsub *P, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s", P->service, P->node ? " node=" : "",
             P->node ? P->node : "");
    return buf;
}

int ps_remote_error(struct pubsub *P, xmpp_stanza_t *reply)
{
    struct out *o = &P->s.out;
    const char *pc = pubsub_error_condition(reply);
    struct stanza_error e;
    char buf[1200];

    if (o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        ps_print_target(P);
        record_print_error(o, "error", reply);
        out_str(o, "pubsub_condition", NULL, pc);
        out_obj_end(o);
    }
    stanza_get_error(reply, &e);
    return fail(RC_REMOTE, "%s answered with an error: %s (%s)%s%s%s%s",
                who(P, buf, sizeof(buf)), e.condition, e.type, pc ? ", " : "",
                pc ? pc : "", e.text ? ": " : "", e.text ? e.text : "");
}

int ps_send(struct pubsub *P, xmpp_stanza_t *iq)
{
    int rc;

    if (P->reply)
        xmpp_stanza_release(P->reply);
    P->reply = NULL;
    rc = session_iq(&P->s, iq, &P->reply);
    if (rc != RC_OK && rc != RC_REMOTE) {
        char buf[1200];

        return session_iq_failed(&P->s, who(P, buf, sizeof(buf)), rc);
    }
    return rc;
}

int ps_ask(struct pubsub *P, xmpp_stanza_t *iq)
{
    int rc = ps_send(P, iq);

    return rc == RC_REMOTE ? ps_remote_error(P, P->reply) : rc;
}

xmpp_stanza_t *ps_reply_child(struct pubsub *P, const char *name)
{
    xmpp_stanza_t *ps = xmpp_stanza_get_child_by_name(P->reply, "pubsub");
    const char *ns = ps ? xmpp_stanza_get_ns(ps) : NULL;

    if (!ns || (strcmp(ns, NS_PUBSUB) && strcmp(ns, NS_PUBSUB_OWNER)))
        return NULL;
    return xmpp_stanza_get_child_by_name(ps, name);
}

/* <field var=@var [type=@type]/> added to @x; borrowed */
static xmpp_stanza_t *add_field(xmpp_stanza_t *x, const char *var,
                                const char *type)
{
    xmpp_stanza_t *f = stanza_add(x, "field", NULL);

    xmpp_stanza_set_attribute(f, "var", var);
    if (type)
        xmpp_stanza_set_attribute(f, "type", type);
    return f;
}

xmpp_stanza_t *ps_options_form(struct pubsub *P, const char *form_type,
                               const char *opt, const struct opt_list *args,
                               int *rc)
{
    struct form_input in = { 0 };
    xmpp_stanza_t *x;
    char err[512];

    *rc = RC_OK;
    for (size_t i = 0; i < args->n && *rc == RC_OK; i++) {
        const char *eq = strchr(args->v[i], '=');

        if (!eq || eq == args->v[i])
            *rc = opt_usage_error(ps_usage, "%s expects VAR=VALUE, not '%s'",
                                  opt, args->v[i]);
        else if ((*rc = text_check_input(opt, i + 1, args->v[i], 0)) == RC_OK)
            form_input_add_arg(&in, args->v[i], err, sizeof(err));
    }
    if (*rc != RC_OK || !args->n) {
        form_input_free(&in);
        return NULL;
    }
    x = xmpp_stanza_new(P->s.ctx);
    xmpp_stanza_set_name(x, "x");
    xmpp_stanza_set_ns(x, NS_DATA);
    xmpp_stanza_set_type(x, "submit");
    stanza_add_text(add_field(x, "FORM_TYPE", "hidden"), "value", form_type);
    for (size_t i = 0; i < in.n; i++) {
        xmpp_stanza_t *f = add_field(x, in.v[i].var, NULL);

        for (size_t k = 0; k < in.v[i].nvalues; k++)
            stanza_add_text(f, "value", in.v[i].values[k]);
    }
    form_input_free(&in);
    return x;
}

/* --- arguments ----------------------------------------------------- */

static unsigned given(const struct pubsub *P)
{
    unsigned g = 0;

    g |= P->parent ? O_NODE : 0;
    g |= P->fields.n ? O_FIELD : 0;
    g |= P->form_file ? O_FORM : 0;
    g |= P->exists_ok ? O_EXISTS : 0;
    g |= P->redirect ? O_REDIRECT : 0;
    g |= P->ids.n ? O_ID : 0;
    g |= P->text ? O_TEXT : 0;
    g |= P->json_payload ? O_JSONP : 0;
    g |= P->pubopts.n ? O_PUBOPT : 0;
    g |= P->batch ? O_BATCH : 0;
    g |= P->notify ? O_NOTIFY : 0;
    g |= P->max >= 0 ? O_MAX : 0;
    g |= P->subscriber ? O_SUBSCRIBER : 0;
    g |= P->subopts.n ? O_OPTION : 0;
    g |= P->subid ? O_SUBID : 0;
    g |= P->sets.n ? O_SET : 0;
    g |= P->count >= 0 ? O_COUNT : 0;
    g |= P->until_ms >= 0 ? O_UNTIL : 0;
    g |= P->keep ? O_KEEP : 0;
    g |= P->no_reconnect ? O_NORECONNECT : 0;
    g |= P->s.keepalive_ms >= 0 ? O_KEEPALIVE : 0;
    return g;
}

/* "--max is for 'items'": an option the verb does not take */
static int wrong_option(unsigned bit)
{
    char list[256] = "";
    const char *name = "";
    size_t n = 0, k = 0;

    for (size_t i = 0; i < NOPT_NAMES; i++)
        if (opt_names[i].bit == bit)
            name = opt_names[i].name;
    for (size_t i = 0; i < NVERBS; i++)
        k += (verbs[i].opts & bit) != 0;
    for (size_t i = 0, j = 0; i < NVERBS && n < sizeof(list); i++) {
        if (!(verbs[i].opts & bit))
            continue;
        j++;
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%s'%s'",
                              j == 1   ? ""
                              : j == k ? " and "
                                       : ", ",
                              verbs[i].name);
    }
    return opt_usage_error(ps_usage, "%s is for %s", name, list);
}

static int check_node(const char *node)
{
    if (!*node)
        return fail(RC_DATAERR, "an empty node name — nothing was sent");
    return text_check_input("node", 0, node, 1024);
}

static int check_args(struct pubsub *P, int argc, char **argv)
{
    const struct ps_verb *v = P->verb;
    unsigned extra = given(P) & ~v->opts;
    const char *why;
    int rc;

    if (argc - 1 < v->min || (v->max >= 0 && argc - 1 > v->max))
        return opt_usage_error(ps_usage, "%s: wrong number of arguments",
                               v->name);
    for (unsigned bit = 1; extra; bit <<= 1)
        if (extra & bit)
            return wrong_option(bit);
    if (P->service_opt && P->pep)
        return opt_usage_error(ps_usage, "--service and --pep exclude "
                                         "each other");
    if (P->service_opt && !jid_valid(P->service_opt, &why))
        return fail(RC_DATAERR, "invalid JID '%s' for --service: %s",
                    P->service_opt, why);
    P->argc = argc - 1;
    P->argv = argv + 1;
    for (int i = 0; v->node && i < P->argc && (i == 0 || v->max < 0); i++)
        if ((rc = check_node(P->argv[i])) != RC_OK)
            return rc;
    if (v->node && P->argc > 0)
        P->node = P->argv[0];
    if (P->parent && (rc = check_node(P->parent)) != RC_OK)
        return rc;
    if (P->count == 0 || P->max == 0)
        return opt_usage_error(ps_usage, "--count and --max are at least 1");
    if (P->redirect &&
        (rc = text_check_input("--redirect", 0, P->redirect, 1024)) != RC_OK)
        return rc;
    return RC_OK;
}

/* create and config: --form FILE and --field VAR=VALUE */
static int prepare_form(struct pubsub *P)
{
    char err[512];
    int rc = form_input_load(&P->in, P->form_file, P->fields.v, P->fields.n,
                             err, sizeof(err));

    return rc == RC_USAGE ? opt_usage_error(ps_usage, "%s", err) : rc;
}

/* --- the service --------------------------------------------------- */

static int find_service(struct pubsub *P)
{
    struct session *s = &P->s;
    int rc;

    if (P->service_opt) {
        if (!(P->service = strdup(P->service_opt)))
            abort();
        return RC_OK;
    }
    if (P->pep) {
        struct jid *j = jid_parse(s->acct.jid, NULL);

        if (!j || !(P->service = jid_bare(j)))
            abort(); /* checked when the account was read */
        jid_free(j);
        return RC_OK;
    }
    rc = pubsub_find_service(s, &P->service);
    if (rc == RC_REMOTE) {
        char *domain = session_domain(s);

        fail(RC_REMOTE,
             "%s lists no pubsub service — give one with --service JID, or "
             "use --pep",
             domain);
        free(domain);
        return RC_REMOTE;
    }
    if (rc != RC_OK)
        return session_iq_failed(s, NULL, rc);
    return RC_OK;
}

/* Sets P->service (and P->to) */
static int service(struct pubsub *P)
{
    int rc = find_service(P);

    if (rc == RC_OK)
        P->to = jid_bare_equal(P->service, P->s.acct.jid) &&
                        !strchr(P->service, '/')
                    ? NULL
                    : P->service;
    return rc;
}

static int run(struct pubsub *P)
{
    struct session *s = &P->s;
    int rc;

    if ((rc = session_start(s, !strcmp(P->verb->name, "listen"))) != RC_OK)
        return rc;
    if (P->verb->prepare && (rc = P->verb->prepare(P)) != RC_OK)
        return rc;
    if ((rc = session_connect(s)) != RC_OK)
        return session_report(s);
    if ((rc = service(P)) != RC_OK)
        return rc;
    return P->verb->run(P);
}

/* The verb's arguments checked: run it */
static int start(struct pubsub *P, int argc, char **argv)
{
    int rc;

    P->verb_name = P->verb->name;
    if ((rc = check_args(P, argc, argv)) != RC_OK)
        return rc;
    if (P->s.keepalive_ms < 0)
        P->s.keepalive_ms = strcmp(P->verb_name, "listen") ? 0 : KEEPALIVE_MS;
    return run(P);
}

static const struct ps_verb *find_verb(const char *name)
{
    for (size_t i = 0; i < NVERBS; i++)
        if (!strcmp(verbs[i].name, name))
            return &verbs[i];
    return NULL;
}

/* Before the session ends: what belongs to its context */
static void release(struct pubsub *P)
{
    if (P->reply)
        xmpp_stanza_release(P->reply);
    P->reply = NULL;
    ps_free_items(P);
    if (P->opts_form)
        xmpp_stanza_release(P->opts_form);
    P->opts_form = NULL;
}

static void cleanup(struct pubsub *P)
{
    ps_free_sets(P);
    form_input_free(&P->in);
    opt_list_free(&P->fields);
    opt_list_free(&P->ids);
    opt_list_free(&P->pubopts);
    opt_list_free(&P->subopts);
    opt_list_free(&P->sets);
    free(P->service);
    free(P->instant);
}

int cmd_pubsub(int argc, char **argv)
{
    struct pubsub P = { .max = -1, .count = -1, .until_ms = -1 };
    int rc;

    session_init(&P.s, "pubsub");
    P.s.keepalive_ms = -1;
    const struct opt opts[] = {
        OPT_STRING(0, "service", &P.service_opt, "jid",
                   "the pubsub service (default: the server's)"),
        OPT_BOOL(0, "pep", &P.pep, "the account's own PEP service"),
        OPT_STRING(0, "node", &P.parent, "parent",
                   "nodes: the items of this node, not of the service"),
        OPT_LIST('f', "field", &P.fields, "var=value",
                 "create, config: set a configuration field"),
        OPT_STRING(0, "form", &P.form_file, "file",
                   "create, config: field values from a JSON file"),
        OPT_BOOL(0, "exists-ok", &P.exists_ok,
                 "create: a node that exists already is fine"),
        OPT_STRING(0, "redirect", &P.redirect, "uri",
                   "delete: where subscribers should go instead"),
        OPT_LIST(0, "id", &P.ids, "id",
                 "publish: the item's id; items: only these (repeat)"),
        OPT_STRING(0, "text", &P.text, "text",
                   "publish: a text payload (- reads standard input)"),
        OPT_STRING(0, "json-payload", &P.json_payload, "json",
                   "publish: a JSON payload (- reads standard input)"),
        OPT_LIST(0, "publish-option", &P.pubopts, "var=value",
                 "publish: a precondition on the node's configuration"),
        OPT_BOOL(0, "batch", &P.batch,
                 "publish: one item per NDJSON line of standard input"),
        OPT_BOOL(0, "notify", &P.notify, "retract: tell the subscribers"),
        OPT_INT(0, "max", &P.max, "n", "items: only the N most recent"),
        OPT_STRING(0, "subscriber", &P.subscriber, "jid",
                   "subscribe, unsubscribe: this JID (default: ours, bare)"),
        OPT_LIST(0, "option", &P.subopts, "var=value",
                 "subscribe: a subscription option"),
        OPT_STRING(0, "subid", &P.subid, "id",
                   "unsubscribe: the subscription's id"),
        OPT_LIST(0, "set", &P.sets, "jid=value",
                 "subscribers, affiliates: change one (repeat)"),
        OPT_INT('c', "count", &P.count, "n", "listen: stop after N events"),
        OPT_SECONDS(0, "until", &P.until_ms,
                    "listen: stop after this many seconds"),
        OPT_BOOL(0, "keep", &P.keep, "listen: stay subscribed when done"),
        OPT_BOOL(0, "no-reconnect", &P.no_reconnect,
                 "listen: exit 75 when the connection is lost"),
        OPT_SECONDS(0, "keepalive", &P.s.keepalive_ms,
                    "listen: ping the server this often (default 60)"),
        OPT_COMMON(&P.s.opt),
        OPT_END(),
    };
    if ((argc = opt_parse_mixed(argc, argv, opts, ps_usage)) < 0)
        rc = RC_USAGE;
    else if (argc < 1)
        rc = opt_usage_error(ps_usage, "expected a verb: nodes, info, "
                                       "create, publish, items, listen, "
                                       "...");
    else if (!(P.verb = find_verb(argv[0])))
        rc = opt_usage_error(ps_usage, "unknown verb '%s'", argv[0]);
    else
        rc = start(&P, argc, argv);
    release(&P);
    rc = session_end(&P.s, rc);
    cleanup(&P);
    return rc;
}
