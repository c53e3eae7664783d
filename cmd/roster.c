/* cmd/roster.c - `stanza roster`: contacts and subscriptions (RFC 6121) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/err.h"
#include "lib/jid.h"
#include "lib/opt.h"
#include "lib/rc.h"
#include "lib/record.h"
#include "lib/roster.h"
#include "lib/rosterfile.h"
#include "lib/session.h"
#include "lib/stanza.h"
#include "lib/text.h"

#define DEFAULT_WAIT_MS 1000

struct rctx;

/* What a subcommand does; its name, synopsis and options are in
 * verb_opts[], at the same index. */
struct verb {
    const char *name;
    int min, max;                              /* arguments; -1: any number */
    int (*check)(struct rctx *c, char **argv); /* before connecting */
    int (*run)(struct rctx *c, char **argv);
};

struct rctx {
    struct session s;
    const struct verb *v;
    bool presence;
    long wait_ms;
    const char *name; /* --name: NULL if not given, "" to remove */
    struct opt_list groups;
    const char *message;
    bool dry_run;
    struct roster r;
    struct roster file; /* import: the document */
};

/* --- checks before connecting ------------------------------------------ */

static int check_bare(const char *jid)
{
    const char *why;
    struct jid *j = jid_parse(jid, &why);
    bool valid = j != NULL, full = j && j->resource;

    jid_free(j);
    if (!valid)
        return fail(RC_DATAERR, "invalid JID '%s': %s — nothing was sent", jid,
                    why);
    if (full)
        return fail(RC_DATAERR,
                    "'%s' has a resource: contacts are bare JIDs "
                    "(user@domain) — nothing was sent",
                    jid);
    return RC_OK;
}

static int check_groups(size_t n, const char *const *g)
{
    int rc;

    for (size_t i = 0; i < n; i++) {
        if (!*g[i])
            return fail(RC_DATAERR, "a group name is empty — nothing was sent");
        if ((rc = text_check_input("group", i + 1, g[i], 1024)) != RC_OK)
            return rc;
    }
    return RC_OK;
}

static int check_item(struct rctx *c, char **argv)
{
    int rc;

    if ((rc = check_bare(argv[0])) != RC_OK)
        return rc;
    if (c->name && (rc = text_check_input("--name", 0, c->name, 1024)))
        return rc;
    if (c->message && (rc = text_check_input("--message", 0, c->message, 0)))
        return rc;
    return check_groups(c->groups.n, c->groups.v);
}

static int check_rename(struct rctx *c, char **argv)
{
    c->name = argv[1];
    return check_item(c, argv);
}

static int check_group(struct rctx *c, char **argv)
{
    int rc = check_bare(argv[0]);
    size_t n = 0;

    (void)c;
    while (argv[n + 1])
        n++;
    return rc ? rc : check_groups(n, (const char *const *)argv + 1);
}

static int check_jid(struct rctx *c, char **argv)
{
    (void)c;
    return check_bare(argv[0]);
}

/* --- output -------------------------------------------------------------- */

struct widths {
    size_t jid, name, sub, groups;
};

static char *sub_text(const struct roster_item *it)
{
    char *s;

    if (asprintf(&s, "%s%s%s", it->subscription, it->ask ? " (asked)" : "",
                 it->approved ? " (approved)" : "") < 0)
        abort();
    return s;
}

static size_t width_of(const char *s)
{
    return text_width(s ? s : "-");
}

static void widen(size_t *w, size_t n)
{
    if (n > *w)
        *w = n;
}

static struct widths measure(const struct roster *r)
{
    struct widths w = { 3, 4, 12, 6 }; /* the headings */

    for (size_t i = 0; i < r->n; i++) {
        char *sub = sub_text(&r->items[i]), *g;

        g = roster_groups_text(&r->items[i]);
        widen(&w.jid, width_of(r->items[i].jid));
        widen(&w.name, width_of(r->items[i].name));
        widen(&w.sub, width_of(sub));
        widen(&w.groups, width_of(g));
        free(sub);
        free(g);
    }
    return w;
}

/* A text table is rows, JSON an array: text mode ends each row itself
 * only outside a list. */
static void rows_begin(struct out *o)
{
    if (o->mode == OUT_JSON)
        out_list_begin(o, NULL);
}

static void rows_end(struct out *o)
{
    if (o->mode == OUT_JSON)
        out_list_end(o);
}

/* One contact: a JSON object, or a row of the table. */
static void print_item(struct out *o, const struct roster_item *it,
                       const struct widths *w, bool presence)
{
    char *sub = sub_text(it), *g = roster_groups_text(it);

    out_col(o, "jid", it->jid, w->jid);
    out_col(o, "name", it->name, w->name);
    out_col(o, NULL, sub, w->sub);
    out_str(o, "subscription", NULL, it->subscription);
    out_str(o, "ask", NULL, it->ask);
    if (it->approved)
        out_bool(o, "approved", NULL, true);
    out_col(o, NULL, g, presence ? w->groups : 0);
    out_list_begin(o, "groups");
    for (size_t i = 0; i < it->ngroups; i++)
        out_str(o, NULL, NULL, it->groups[i]);
    out_list_end(o);
    if (presence)
        roster_print_presence(o, it);
    free(sub);
    free(g);
}

static void print_heading(struct out *o, const struct widths *w, bool presence)
{
    if (o->mode != OUT_TEXT)
        return;
    out_obj_begin(o, NULL);
    out_col(o, NULL, "JID", w->jid);
    out_col(o, NULL, "NAME", w->name);
    out_col(o, NULL, "SUBSCRIPTION", w->sub);
    out_col(o, NULL, "GROUPS", presence ? w->groups : 0);
    if (presence)
        out_col(o, NULL, "PRESENCE", 0);
    out_obj_end(o);
}

static void print_list(struct rctx *c)
{
    struct out *o = &c->s.out;
    struct widths w = measure(&c->r);

    if (o->mode == OUT_XML) {
        out_stanza(o, c->r.xml);
        return;
    }
    print_heading(o, &w, c->presence);
    rows_begin(o);
    for (size_t i = 0; i < c->r.n; i++) {
        out_obj_begin(o, NULL);
        print_item(o, &c->r.items[i], &w, c->presence);
        out_obj_end(o);
    }
    rows_end(o);
}

/* The outcome of a change, for --json: the contact as the server now has
 * it (in_roster false if it has none). */
static int print_outcome(struct rctx *c, const char *jid)
{
    struct out *o = &c->s.out;
    struct widths w = { 0 };
    const struct roster_item *it;
    int rc;

    if (o->mode != OUT_JSON)
        return RC_OK;
    if ((rc = roster_fetch(&c->s, &c->r)) != RC_OK)
        return rc;
    it = roster_find(&c->r, jid);
    out_obj_begin(o, NULL);
    out_str(o, "action", NULL, c->v->name);
    out_bool(o, "in_roster", NULL, it != NULL);
    if (it)
        print_item(o, it, &w, false);
    else
        out_str(o, "jid", NULL, jid);
    out_obj_end(o);
    return RC_OK;
}

/* An error answer to a change: stderr, and a record with --json. */
static int refused(struct rctx *c, const char *jid, xmpp_stanza_t *reply,
                   const char *hint)
{
    struct out *o = &c->s.out;
    struct stanza_error e;

    stanza_get_error(reply, &e);
    if (o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        out_str(o, "action", NULL, c->v->name);
        out_str(o, "jid", NULL, jid);
        record_print_error(o, "error", reply);
        out_obj_end(o);
    }
    return fail(RC_REMOTE, "cannot %s '%s': the server answered %s (%s)%s%s%s",
                c->v->name, jid, e.condition, e.type, e.text ? ": " : "",
                e.text ? e.text : "", hint ? hint : "");
}

/* --- the verbs ----------------------------------------------------------- */

static int do_list(struct rctx *c, char **argv)
{
    int rc;

    (void)argv;
    if ((rc = roster_fetch(&c->s, &c->r)) != RC_OK)
        return rc;
    if (c->presence && (rc = roster_presence(&c->s, &c->r, c->wait_ms)))
        return rc;
    print_list(c);
    return RC_OK;
}

/* Sends a roster set and waits for the answer: RC_OK, RC_REMOTE with
 * *@error (released by the caller), or a failure (printed). */
static int roster_set(struct rctx *c, const char *jid, const char *name,
                      const char *const *groups, size_t ngroups, bool remove,
                      xmpp_stanza_t **error)
{
    struct session *s = &c->s;
    int rc = session_iq(
        s, roster_set_iq(s->ctx, jid, name, groups, ngroups, remove), error);

    if (rc == RC_OK && *error) {
        xmpp_stanza_release(*error);
        *error = NULL;
    } else if (rc != RC_OK && rc != RC_REMOTE) {
        rc = session_iq_failed(s, NULL, rc);
    }
    return rc;
}

/* The same; an error answer is printed. */
static int set_item(struct rctx *c, const char *jid, const char *name,
                    const char *const *groups, size_t ngroups, bool remove)
{
    xmpp_stanza_t *error = NULL;
    int rc = roster_set(c, jid, name, groups, ngroups, remove, &error);

    if (rc == RC_REMOTE)
        rc = refused(c, jid, error,
                     remove ? " — it is not in the roster" : NULL);
    if (error)
        xmpp_stanza_release(error);
    return rc;
}

/* Adds @jid, or changes it: what is not given stays as it is. */
static int upsert(struct rctx *c, const char *jid)
{
    const struct roster_item *it;
    const char *name = c->name;
    const char *const *groups = c->groups.v;
    size_t ngroups = c->groups.n;
    int rc;

    if ((rc = roster_fetch(&c->s, &c->r)) != RC_OK)
        return rc;
    if ((it = roster_find(&c->r, jid))) {
        if (!name)
            name = it->name;
        if (!c->groups.n) {
            groups = (const char *const *)it->groups;
            ngroups = it->ngroups;
        }
    }
    return set_item(c, jid, name && *name ? name : NULL, groups, ngroups,
                    false);
}

static int do_add(struct rctx *c, char **argv)
{
    int rc = upsert(c, argv[0]);

    return rc ? rc : print_outcome(c, argv[0]);
}

/* @jid is not in the roster: item-not-found, printed; @why ends the
 * message. Returns RC_REMOTE. */
static int not_in_roster(struct rctx *c, const char *jid, const char *why)
{
    if (c->s.out.mode == OUT_JSON) {
        out_obj_begin(&c->s.out, NULL);
        out_str(&c->s.out, "action", NULL, c->v->name);
        out_str(&c->s.out, "jid", NULL, jid);
        out_obj_begin(&c->s.out, "error");
        out_str(&c->s.out, "type", NULL, "cancel");
        out_str(&c->s.out, "condition", NULL, "item-not-found");
        out_obj_end(&c->s.out);
        out_obj_end(&c->s.out);
    }
    return fail(RC_REMOTE,
                "cannot %s '%s': item-not-found — it is not in "
                "the roster%s",
                c->v->name, jid, why);
}

/* The server is asked even for a contact not in the roster, and its error
 * is the one reported; but a server that accepts removing what is not
 * there (ejabberd; RFC 6121 §2.5.3 asks for item-not-found) removed
 * nothing: that is item-not-found too. */
static int do_remove(struct rctx *c, char **argv)
{
    bool had;
    int rc = roster_fetch(&c->s, &c->r);

    if (rc != RC_OK)
        return rc;
    had = roster_find(&c->r, argv[0]) != NULL;
    if ((rc = set_item(c, argv[0], NULL, NULL, 0, true)) != RC_OK)
        return rc;
    if (!had)
        return not_in_roster(c, argv[0],
                             " (the server accepted the removal all the "
                             "same)");
    return print_outcome(c, argv[0]);
}

/* The contact @jid, which must be in the roster: NULL after printing
 * item-not-found otherwise. */
static const struct roster_item *existing(struct rctx *c, const char *jid,
                                          int *rc)
{
    const struct roster_item *it;

    if ((*rc = roster_fetch(&c->s, &c->r)) != RC_OK)
        return NULL;
    if ((it = roster_find(&c->r, jid)))
        return it;
    *rc = not_in_roster(c, jid, " (add it with 'stanza roster add')");
    return NULL;
}

static int do_rename(struct rctx *c, char **argv)
{
    int rc;
    const struct roster_item *it = existing(c, argv[0], &rc);

    if (!it)
        return rc;
    rc = set_item(c, argv[0], *argv[1] ? argv[1] : NULL,
                  (const char *const *)it->groups, it->ngroups, false);
    return rc ? rc : print_outcome(c, argv[0]);
}

static int do_group(struct rctx *c, char **argv)
{
    int rc, n = 0;
    const struct roster_item *it = existing(c, argv[0], &rc);

    if (!it)
        return rc;
    while (argv[n + 1])
        n++;
    rc = set_item(c, argv[0], it->name, (const char *const *)argv + 1,
                  (size_t)n, false);
    return rc ? rc : print_outcome(c, argv[0]);
}

/* subscribe, unsubscribe, approve (subscribed), deny (unsubscribed) */
static int presence_verb(struct rctx *c, const char *jid, const char *type)
{
    xmpp_stanza_t *error = NULL;
    int rc = roster_send_presence(&c->s, jid, type, c->message, &error);

    if (rc == RC_REMOTE)
        rc = refused(c, jid, error, NULL);
    if (error)
        xmpp_stanza_release(error);
    return rc ? rc : print_outcome(c, jid);
}

static int do_subscribe(struct rctx *c, char **argv)
{
    int rc;

    /* the server adds the contact itself, but without name or groups */
    if ((c->name || c->groups.n) && (rc = upsert(c, argv[0])) != RC_OK)
        return rc;
    return presence_verb(c, argv[0], "subscribe");
}

static int do_unsubscribe(struct rctx *c, char **argv)
{
    return presence_verb(c, argv[0], "unsubscribe");
}

static int do_approve(struct rctx *c, char **argv)
{
    return presence_verb(c, argv[0], "subscribed");
}

static int do_deny(struct rctx *c, char **argv)
{
    return presence_verb(c, argv[0], "unsubscribed");
}

static int do_pending(struct rctx *c, char **argv)
{
    struct out *o = &c->s.out;
    size_t wj = 3;
    int rc;

    (void)argv;
    c->r.requests = true;
    if ((rc = roster_presence(&c->s, &c->r, 0)) != RC_OK)
        return rc;
    for (size_t i = 0; i < c->r.nreqs; i++)
        widen(&wj, width_of(c->r.reqs[i].jid));
    if (o->mode == OUT_TEXT) {
        out_obj_begin(o, NULL);
        out_col(o, NULL, "JID", wj);
        out_col(o, NULL, "MESSAGE", 0);
        out_obj_end(o);
    }
    rows_begin(o);
    for (size_t i = 0; i < c->r.nreqs; i++) {
        out_obj_begin(o, NULL);
        out_col(o, "jid", c->r.reqs[i].jid, wj);
        out_col(o, "status", c->r.reqs[i].status, 0);
        out_obj_end(o);
    }
    rows_end(o);
    return RC_OK;
}

static int do_export(struct rctx *c, char **argv)
{
    int rc;

    (void)argv;
    if ((rc = roster_fetch(&c->s, &c->r)) == RC_OK)
        rosterfile_print(&c->s.out, &c->r);
    return rc;
}

static int check_import(struct rctx *c, char **argv)
{
    return rosterfile_read(argv[0], &c->file);
}

enum change { ADD, UPDATE, UNCHANGED, SKIP, FAILED, NCHANGES };

static const char *const change_names[] = { "add", "update", "unchanged",
                                            "skip", "fail" };

static bool same_item(const struct roster_item *a, const struct roster_item *b)
{
    if ((a->name == NULL) != (b->name == NULL) ||
        (a->name && strcmp(a->name, b->name)) || a->ngroups != b->ngroups)
        return false;
    for (size_t i = 0; i < a->ngroups; i++) /* both sorted */
        if (strcmp(a->groups[i], b->groups[i]))
            return false;
    return true;
}

/* What importing @want changes, and (unless --dry-run) the change; a
 * failure of the session sets *@rc (printed). */
static enum change import_one(struct rctx *c, const struct roster_item *want,
                              xmpp_stanza_t **error, int *rc)
{
    const struct roster_item *have = roster_find(&c->r, want->jid);
    enum change ch = !have ? ADD : same_item(have, want) ? UNCHANGED : UPDATE;

    if (jid_bare_equal(want->jid, c->s.acct.jid))
        return SKIP; /* a server refuses us in our own roster */
    if (ch == UNCHANGED || c->dry_run)
        return ch;
    *rc =
        roster_set(c, want->jid, want->name, (const char *const *)want->groups,
                   want->ngroups, false, error);
    if (*rc == RC_REMOTE) {
        *rc = RC_OK;
        return FAILED;
    }
    return ch;
}

static void print_change(struct rctx *c, const char *jid, enum change ch,
                         xmpp_stanza_t *error)
{
    static const char *const done[] = { "added", "updated", "unchanged",
                                        "skipped", "failed" };
    static const char *const todo[] = { "would add", "would update",
                                        "unchanged", "skipped", "failed" };
    struct out *o = &c->s.out;
    struct stanza_error e;

    if (o->mode == OUT_TEXT && ch == UNCHANGED)
        return;
    out_obj_begin(o, NULL);
    out_str(o, "jid", NULL, jid);
    out_str(o, "action", NULL, change_names[ch]);
    out_col(o, NULL, c->dry_run ? todo[ch] : done[ch], 12);
    out_col(o, NULL, jid, 0);
    if (ch == SKIP)
        out_col(o, NULL, " (your own JID)", 0);
    if (error && stanza_get_error(error, &e)) {
        if (o->mode == OUT_JSON)
            record_print_error(o, "error", error);
        fail(RC_REMOTE, "cannot import '%s': the server answered %s (%s)%s%s",
             jid, e.condition, e.type, e.text ? ": " : "",
             e.text ? e.text : "");
    }
    out_obj_end(o);
}

static void print_summary(struct rctx *c, const size_t *n)
{
    struct out *o = &c->s.out;

    if (o->mode == OUT_JSON) {
        out_list_end(o);
        out_bool(o, "dry_run", NULL, c->dry_run);
        out_int(o, "added", NULL, (long long)n[ADD]);
        out_int(o, "updated", NULL, (long long)n[UPDATE]);
        out_int(o, "unchanged", NULL, (long long)n[UNCHANGED]);
        out_int(o, "skipped", NULL, (long long)n[SKIP]);
        out_int(o, "failed", NULL, (long long)n[FAILED]);
        out_obj_end(o);
    } else if (o->mode == OUT_TEXT && !o->quiet) {
        fprintf(o->f, "%zu contact(s): %zu %s, %zu %s, %zu unchanged",
                c->file.n, n[ADD], c->dry_run ? "to add" : "added", n[UPDATE],
                c->dry_run ? "to update" : "updated", n[UNCHANGED]);
        if (n[SKIP])
            fprintf(o->f, ", %zu skipped", n[SKIP]);
        if (n[FAILED])
            fprintf(o->f, ", %zu failed", n[FAILED]);
        fprintf(o->f, "%s\n",
                c->dry_run ? " (dry run: nothing was changed)" : "");
    }
}

static int do_import(struct rctx *c, char **argv)
{
    struct out *o = &c->s.out;
    size_t n[NCHANGES] = { 0 };
    int rc;

    (void)argv;
    if ((rc = roster_fetch(&c->s, &c->r)) != RC_OK)
        return rc;
    if (o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        out_list_begin(o, "contacts");
    }
    for (size_t i = 0; i < c->file.n && rc == RC_OK; i++) {
        xmpp_stanza_t *error = NULL;
        enum change ch = import_one(c, &c->file.items[i], &error, &rc);

        if (rc != RC_OK) /* the session failed: stop here */
            break;
        n[ch]++;
        print_change(c, c->file.items[i].jid, ch, error);
        if (error)
            xmpp_stanza_release(error);
    }
    print_summary(c, n);
    return rc != RC_OK ? rc : n[FAILED] ? RC_REMOTE : RC_OK;
}

/* --- dispatch ------------------------------------------------------------ */

static const char *const o_list[] = { "presence", "wait", NULL };
static const char *const o_add[] = { "name", "group", NULL };
static const char *const o_subscribe[] = { "name", "group", "message", NULL };
static const char *const o_import[] = { "dry-run", NULL };

static const struct opt_verb verb_opts[] = {
    { "list", "stanza roster [list] [options]", o_list },
    { "add", "stanza roster add [options] <jid>", o_add },
    { "remove", "stanza roster remove [options] <jid>", NULL },
    { "rename", "stanza roster rename [options] <jid> <name>", NULL },
    { "group", "stanza roster group [options] <jid> [<group>...]", NULL },
    { "subscribe", "stanza roster subscribe [options] <jid>", o_subscribe },
    { "unsubscribe", "stanza roster unsubscribe [options] <jid>", NULL },
    { "approve", "stanza roster approve [options] <jid>", NULL },
    { "deny", "stanza roster deny [options] <jid>", NULL },
    { "pending", "stanza roster pending [options]", NULL },
    { "export", "stanza roster export [options]", NULL },
    { "import", "stanza roster import [options] <file>", o_import },
};

static const struct verb verbs[] = {
    { "list", 0, 0, NULL, do_list },
    { "add", 1, 1, check_item, do_add },
    { "remove", 1, 1, check_jid, do_remove },
    { "rename", 2, 2, check_rename, do_rename },
    { "group", 1, -1, check_group, do_group },
    { "subscribe", 1, 1, check_item, do_subscribe },
    { "unsubscribe", 1, 1, check_jid, do_unsubscribe },
    { "approve", 1, 1, check_jid, do_approve },
    { "deny", 1, 1, check_jid, do_deny },
    { "pending", 0, 0, NULL, do_pending },
    { "export", 0, 0, NULL, do_export },
    { "import", 1, 1, check_import, do_import },
};

#define NVERBS (sizeof(verbs) / sizeof(*verbs))
_Static_assert(NVERBS == sizeof(verb_opts) / sizeof(*verb_opts),
               "one verb_opts[] row per verb");

static int check_usage(struct rctx *c, int argc, char **argv)
{
    const struct verb *v = c->v;
    const char *const usage[] = { verb_opts[v - verbs].usage, NULL };

    if (argc < v->min)
        return opt_usage_error(usage, "%s",
                               v->min == 1 ? "expected a <jid>"
                                           : "missing arguments");
    if (v->max >= 0 && argc > v->max)
        return opt_usage_error(usage, "unexpected argument '%s'", argv[v->max]);
    if (c->s.opt.output == OUT_XML && strcmp(v->name, "list"))
        return opt_usage_error(usage, "--xml is for 'roster list' only");
    return RC_OK;
}

int cmd_roster(int argc, char **argv)
{
    struct rctx c = { .wait_ms = DEFAULT_WAIT_MS };
    int rc = RC_USAGE, v;

    session_init(&c.s, "roster");
    const struct opt opts[] = {
        OPT_BOOL(0, "presence", &c.presence,
                 "also show each contact's online resources"),
        OPT_SECONDS(0, "wait", &c.wait_ms,
                    "with --presence: wait this long for contacts' presence "
                    "(default 1)"),
        OPT_STRING(0, "name", &c.name, "name",
                   "the contact's name ('' removes it)"),
        OPT_LIST(0, "group", &c.groups, "group",
                 "put the contact in this group (repeatable)"),
        OPT_STRING(0, "message", &c.message, "text",
                   "text sent with the request"),
        OPT_BOOL('n', "dry-run", &c.dry_run,
                 "say what would change; change nothing"),
        OPT_COMMON(&c.s.opt),
        OPT_END(),
    };
    if ((argc = opt_parse_verbs(argc, argv, opts, verb_opts, NVERBS, 0, &v)) >=
            0 &&
        (c.v = &verbs[v]) && check_usage(&c, argc, argv) == RC_OK &&
        (!c.v->check || (rc = c.v->check(&c, argv)) == RC_OK)) {
        if ((rc = session_open(&c.s, false)) == RC_OK)
            rc = c.v->run(&c, argv);
    }
    roster_free(&c.r);
    roster_free(&c.file);
    opt_list_free(&c.groups);
    return session_end(&c.s, rc);
}
