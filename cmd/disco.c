/* cmd/disco.c - `stanza disco info|items|tree|find`: service discovery
 * (XEP-0030), extended info (XEP-0128) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/disco.h"
#include "lib/err.h"
#include "lib/jid.h"
#include "lib/opt.h"
#include "lib/rc.h"
#include "lib/record.h"
#include "lib/session.h"
#include "lib/stanza.h"
#include "lib/text.h"

#define MAX_DEPTH 16

static const char *const disco_usage[] = {
    "stanza disco info [options] [<jid> [<node>]]",
    "stanza disco items [options] [<jid> [<node>]]",
    "stanza disco tree [options] [<jid> [<node>]]",
    "stanza disco find [options] <feature>|<category>/<type> [<jid> [<node>]]",
    NULL,
};

struct disco {
    struct session s;
    const char *verb;
    const char *jid, *node; /* NULL jid: our server */
    char *server;           /* our domain, once connected */
    long depth, parallel, limit;
};

/* --- arguments ----------------------------------------------------- */

static int check_target(const char *jid, const char *node)
{
    const char *why;

    if (jid && !jid_valid(jid, &why))
        return fail(RC_DATAERR, "invalid JID '%s': %s", jid, why);
    if (node)
        return text_check_input("node", 0, node, 1024);
    return RC_OK;
}

/* Checks the arguments of the verb (@argv[0]) and the options it takes. */
static int check_args(struct disco *D, int argc, char **argv)
{
    bool walks = !strcmp(D->verb, "tree") || !strcmp(D->verb, "find");
    int first = !strcmp(D->verb, "find"); /* find: the feature first */

    if (argc - 1 < first || argc - 1 > first + 2)
        return opt_usage_error(disco_usage, "%s: expected %s[<jid> [<node>]]",
                               D->verb, first ? "<feature> " : "");
    if (!walks && (D->depth >= 0 || D->parallel >= 0 || D->limit >= 0))
        return opt_usage_error(disco_usage,
                               "--depth, --parallel and --limit are for "
                               "'tree' and 'find'");
    if (D->depth > MAX_DEPTH)
        return opt_usage_error(disco_usage, "--depth is at most %d", MAX_DEPTH);
    if (D->parallel == 0 || D->limit == 0)
        return opt_usage_error(disco_usage,
                               "--parallel and --limit are at least 1");
    if (first && !*argv[1])
        return opt_usage_error(disco_usage, "find: an empty feature");
    D->jid = argc > first + 1 ? argv[first + 1] : NULL;
    D->node = argc > first + 2 ? argv[first + 2] : NULL;
    return check_target(D->jid, D->node);
}

/* --- one request: info, items -------------------------------------- */

static void print_target(struct disco *D)
{
    out_str(&D->s.out, "jid", NULL, D->jid);
    out_str(&D->s.out, "node", NULL, D->node);
}

/* "JID" or "JID node=NODE": who answered, in messages */
static int fail_error(const char *jid, const char *node, xmpp_stanza_t *reply)
{
    char who[2048];

    snprintf(who, sizeof(who), "%s%s%s", jid, node ? " node=" : "",
             node ? node : "");
    return stanza_fail_error(who, reply);
}

static int remote_error(struct disco *D, xmpp_stanza_t *reply)
{
    struct out *o = &D->s.out;

    if (o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        print_target(D);
        record_print_error(o, "error", reply);
        out_obj_end(o);
    }
    return fail_error(D->jid, D->node, reply);
}

static void print_answer(struct disco *D, xmpp_stanza_t *reply, bool items)
{
    struct out *o = &D->s.out;
    xmpp_stanza_t *q = disco_query(reply, items);

    if (o->mode == OUT_XML) {
        out_stanza(o, reply);
        return;
    }
    if (o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        print_target(D);
    }
    if (items)
        disco_print_items(o, q);
    else
        disco_print_info(o, q, 0);
    if (o->mode == OUT_JSON)
        out_obj_end(o);
}

static int query(struct disco *D, bool items)
{
    struct session *s = &D->s;
    xmpp_stanza_t *reply = NULL;
    int rc =
        session_iq(s, disco_request(s->ctx, D->jid, D->node, items), &reply);

    if (rc == RC_REMOTE)
        rc = remote_error(D, reply);
    else if (rc == RC_OK && !disco_query(reply, items))
        rc = fail(RC_PROTOCOL, "%s answered without a disco#%s query", D->jid,
                  items ? "items" : "info");
    else if (rc == RC_OK)
        print_answer(D, reply, items);
    else
        rc = session_iq_failed(s, D->jid, rc);
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

/* --- the walk: tree ------------------------------------------------ */

static void text_identities(struct out *o, xmpp_stanza_t *q)
{
    bool first = true;

    for (xmpp_stanza_t *c = q ? xmpp_stanza_get_children(q) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *n = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : NULL;

        if (!n || strcmp(n, "identity"))
            continue;
        out_str(o, NULL, first ? ": %s" : ", %s",
                xmpp_stanza_get_attribute(c, "category"));
        out_str(o, NULL, "/%s", xmpp_stanza_get_attribute(c, "type"));
        out_str(o, NULL, " (%s)", xmpp_stanza_get_attribute(c, "name"));
        first = false;
    }
}

/* Why an entity has no answer, or NULL. */
static const char *not_asked(const struct disco_entity *e)
{
    if (e->repeat)
        return "listed above";
    if (e->bad_jid)
        return "invalid JID: not asked";
    if (e->skipped)
        return "not asked: --limit";
    if (e->unanswered && !e->info)
        return "no answer";
    return NULL;
}

static void entity_flags(struct out *o, const struct disco_entity *e)
{
    if (e->repeat)
        out_bool(o, "repeat", NULL, true);
    if (e->bad_jid)
        out_bool(o, "invalid_jid", NULL, true);
    if (e->skipped)
        out_bool(o, "skipped", NULL, true);
    if (e->unanswered)
        out_bool(o, "unanswered", NULL, true);
}

static void print_entity(struct out *o, const struct disco_entity *e)
{
    xmpp_stanza_t *info = disco_query(e->info, false);

    for (int i = 0; o->mode == OUT_TEXT && i < e->level; i++)
        out_str(o, NULL, "  ", "");
    out_obj_begin(o, NULL);
    out_str(o, "jid", "%s", e->jid);
    out_str(o, "node", " node=%s", e->node);
    out_str(o, "name", NULL, e->name);
    entity_flags(o, e);
    if (o->mode == OUT_TEXT) {
        out_str(o, NULL, " (%s)", not_asked(e));
        text_identities(o, info);
    } else
        disco_print_info(o, info, 0);
    record_print_error(o, "error", e->info);
    if (o->mode == OUT_JSON)
        record_print_error(o, "items_error", e->items);
    if (e->nkids && o->mode == OUT_JSON)
        out_list_begin(o, "items");
    if (o->mode == OUT_TEXT)
        out_obj_end(o); /* the line ends before the children's */
    for (size_t i = 0; i < e->nkids; i++)
        print_entity(o, e->kids[i]);
    if (e->nkids && o->mode == OUT_JSON)
        out_list_end(o);
    if (o->mode == OUT_JSON)
        out_obj_end(o);
}

static void print_xml(struct out *o, const struct disco_entity *e)
{
    if (e->info)
        out_stanza(o, e->info);
    if (e->items)
        out_stanza(o, e->items);
    for (size_t i = 0; i < e->nkids; i++)
        print_xml(o, e->kids[i]);
}

/* After the walk: the code, with one line on stderr if it is not 0. */
static int walk_result(struct disco *D, struct disco_walk *w, int rc)
{
    struct session *s = &D->s;
    const struct disco_entity *root = w->root;

    if (w->limited)
        warn("stopped after asking %zu entities (--limit): the items "
             "marked so were not asked",
             w->asked);
    if (rc == RC_TEMPFAIL && s->state == S_ONLINE)
        return fail(RC_TEMPFAIL,
                    "the walk did not finish within %.1f s: %zu of %zu "
                    "requests unanswered — raise --timeout, lower --depth",
                    (double)s->opt.timeout_ms / 1000.0, w->unanswered,
                    w->requests);
    if (rc != RC_OK)
        return session_report(s);
    if (root->info && stanza_is_error(root->info))
        return fail_error(root->jid, root->node, root->info);
    return RC_OK;
}

static int walk(struct disco *D, struct disco_walk *w, int depth)
{
    w->depth = D->depth >= 0 ? (int)D->depth : depth;
    w->parallel = D->parallel > 0 ? (int)D->parallel : 8;
    w->limit = D->limit > 0 ? D->limit : 1000;
    return disco_walk(&D->s, w, D->jid, D->node);
}

static int tree(struct disco *D)
{
    struct disco_walk w = { 0 };
    int rc = walk(D, &w, 2);

    if (D->s.out.mode == OUT_XML)
        print_xml(&D->s.out, w.root);
    else
        print_entity(&D->s.out, w.root);
    rc = walk_result(D, &w, rc);
    disco_walk_free(&w);
    return rc;
}

/* --- the walk: find ------------------------------------------------ */

/* True if @what ("category/type", no ':') names an identity. */
static bool is_identity(const char *what, char *cat, size_t len)
{
    const char *slash = strchr(what, '/');
    size_t n = slash ? (size_t)(slash - what) : 0;

    if (!slash || n == 0 || n >= len || !slash[1] || strchr(what, ':') ||
        strchr(slash + 1, '/'))
        return false;
    memcpy(cat, what, n);
    cat[n] = '\0';
    return true;
}

static bool matches(const struct disco_entity *e, const char *what)
{
    xmpp_stanza_t *q = disco_query(e->info, false);
    char cat[256];

    if (is_identity(what, cat, sizeof(cat)))
        return disco_has_identity(q, cat, strchr(what, '/') + 1);
    return disco_has_feature(q, what);
}

static size_t print_matches(struct out *o, const struct disco_entity *e,
                            const char *what)
{
    size_t n = 0;

    if (matches(e, what)) {
        out_obj_begin(o, NULL);
        out_str(o, "jid", "%s", e->jid);
        out_str(o, "node", " node=%s", e->node);
        out_str(o, "name", NULL, e->name);
        out_obj_end(o);
        if (o->mode == OUT_XML)
            out_stanza(o, e->info);
        n++;
    }
    for (size_t i = 0; i < e->nkids; i++)
        n += print_matches(o, e->kids[i], what);
    return n;
}

static int find(struct disco *D, const char *what)
{
    struct disco_walk w = { 0 };
    struct out *o = &D->s.out;
    int rc = walk(D, &w, 1);
    size_t n;

    if (o->mode == OUT_JSON)
        out_list_begin(o, NULL);
    n = print_matches(o, w.root, what);
    if (o->mode == OUT_JSON)
        out_list_end(o);
    rc = walk_result(D, &w, rc);
    if (rc == RC_OK && n == 0)
        rc = fail(RC_REMOTE,
                  "nothing under %s%s%s offers '%s' (%zu entities asked, "
                  "depth %d — try --depth %d)",
                  D->jid, D->node ? " node=" : "", D->node ? D->node : "", what,
                  w.asked, w.depth, w.depth + 1);
    disco_walk_free(&w);
    return rc;
}

/* --- the command --------------------------------------------------- */

static int run(struct disco *D, char **argv)
{
    struct session *s = &D->s;
    int rc;

    if ((rc = session_start(s, false)) != RC_OK)
        return rc;
    if ((rc = session_connect(s)) != RC_OK)
        return session_report(s);
    if (!D->jid)
        D->jid = D->server = session_domain(s);
    if (!strcmp(D->verb, "info"))
        return query(D, false);
    if (!strcmp(D->verb, "items"))
        return query(D, true);
    if (!strcmp(D->verb, "tree"))
        return tree(D);
    return find(D, argv[1]);
}

int cmd_disco(int argc, char **argv)
{
    static const char *const verbs[] = { "info", "items", "tree", "find",
                                         NULL };
    struct disco D = { .depth = -1, .parallel = -1, .limit = -1 };
    int rc;

    session_init(&D.s, "disco");
    const struct opt opts[] = {
        OPT_INT('d', "depth", &D.depth, "n",
                "levels of items to walk (tree: 2, find: 1)"),
        OPT_INT('p', "parallel", &D.parallel, "n",
                "requests in flight at once (default 8)"),
        OPT_INT(0, "limit", &D.limit, "n",
                "entities to ask at most (default 1000)"),
        OPT_COMMON(&D.s.opt),
        OPT_END(),
    };
    if ((argc = opt_parse_mixed(argc, argv, opts, disco_usage)) < 0)
        return RC_USAGE;
    if (argc < 1)
        return opt_usage_error(disco_usage, "expected info, items, tree or "
                                            "find");
    for (size_t i = 0; verbs[i] && !D.verb; i++)
        if (!strcmp(argv[0], verbs[i]))
            D.verb = verbs[i];
    if (!D.verb)
        return opt_usage_error(disco_usage, "unknown verb '%s'", argv[0]);
    if ((rc = check_args(&D, argc, argv)) == RC_OK)
        rc = run(&D, argv);
    rc = session_end(&D.s, rc);
    free(D.server);
    return rc;
}
