/* cmd/block.c - `stanza block`, `stanza unblock`: the blocklist (XEP-0191) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/err.h"
#include "lib/jid.h"
#include "lib/opt.h"
#include "lib/rc.h"
#include "lib/record.h"
#include "lib/session.h"
#include "lib/stanza.h"

#define NS_BLOCKING "urn:xmpp:blocking"

static const char *const block_usage[] = {
    "stanza block [options] <jid>...",
    "stanza block [options] --list",
    NULL,
};

static const char *const unblock_usage[] = {
    "stanza unblock [options] <jid>...",
    "stanza unblock [options] --all",
    NULL,
};

/* Returns a new iq: type @type with <@name xmlns=blocking> holding an
 * <item jid=.../> per JID of @jids[0..@n). */
static xmpp_stanza_t *blocking_iq(xmpp_ctx_t *ctx, const char *type,
                                  const char *name, char **jids, int n)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, type, NULL);
    xmpp_stanza_t *el = stanza_add(iq, name, NS_BLOCKING);

    for (int i = 0; i < n; i++)
        xmpp_stanza_set_attribute(stanza_add(el, "item", NULL), "jid", jids[i]);
    return iq;
}

static int check_jids(int argc, char **argv)
{
    const char *why;

    for (int i = 0; i < argc; i++)
        if (!jid_valid(argv[i], &why))
            return fail(RC_DATAERR, "invalid JID '%s': %s — nothing was sent",
                        argv[i], why);
    return RC_OK;
}

/* Sends @iq (takes it) to our server and waits; an error answer is
 * printed (and is a record with --json). *@reply is the answer on RC_OK. */
static int ask(struct session *s, xmpp_stanza_t *iq, const char *what,
               xmpp_stanza_t **reply)
{
    struct stanza_error e;
    int rc = session_iq(s, iq, reply);

    if (rc != RC_REMOTE)
        return rc == RC_OK ? RC_OK : session_iq_failed(s, NULL, rc);
    stanza_get_error(*reply, &e);
    if (s->out.mode == OUT_JSON) {
        out_obj_begin(&s->out, NULL);
        record_print_error(&s->out, "error", *reply);
        out_obj_end(&s->out);
    }
    rc = fail(RC_REMOTE, "cannot %s: the server answered %s (%s)%s%s%s", what,
              e.condition, e.type, e.text ? ": " : "", e.text ? e.text : "",
              !strcmp(e.condition, "service-unavailable") ||
                      !strcmp(e.condition, "feature-not-implemented")
                  ? " — it may not support blocking (XEP-0191)"
                  : "");
    xmpp_stanza_release(*reply);
    *reply = NULL;
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The JIDs of the blocklist in @reply, sorted; the caller frees the
 * array (the strings are borrowed from @reply). */
static const char **blocked(xmpp_stanza_t *reply, size_t *n)
{
    xmpp_stanza_t *bl = xmpp_stanza_get_child_by_ns(reply, NS_BLOCKING);
    const char **v = NULL;

    *n = 0;
    for (xmpp_stanza_t *c = bl ? xmpp_stanza_get_children(bl) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_name(c);
        const char *jid = xmpp_stanza_get_attribute(c, "jid");

        if (!name || strcmp(name, "item") || !jid)
            continue;
        if (!(v = realloc(v, (*n + 1) * sizeof(*v))))
            abort();
        v[(*n)++] = jid;
    }
    if (*n)
        qsort(v, *n, sizeof(*v), cmp_str);
    return v;
}

static void print_list(struct out *o, xmpp_stanza_t *reply)
{
    size_t n;
    const char **v;

    if (o->mode == OUT_XML) {
        out_stanza(o, reply);
        return;
    }
    v = blocked(reply, &n);
    if (o->mode == OUT_JSON)
        out_list_begin(o, NULL);
    for (size_t i = 0; i < n; i++) {
        out_obj_begin(o, NULL);
        out_str(o, "jid", "%s", v[i]);
        out_obj_end(o);
    }
    if (o->mode == OUT_JSON)
        out_list_end(o);
    free(v);
}

/* The blocklist, printed. */
static int list(struct session *s)
{
    xmpp_stanza_t *reply = NULL;
    int rc = ask(s, blocking_iq(s->ctx, "get", "blocklist", NULL, 0),
                 "get the blocklist", &reply);

    if (rc == RC_OK)
        print_list(&s->out, reply);
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

/* block or unblock @jids; with --json, then the blocklist as it is. */
static int change(struct session *s, const char *name, char **jids, int n)
{
    xmpp_stanza_t *reply = NULL;
    int rc = ask(s, blocking_iq(s->ctx, "set", name, jids, n),
                 n ? name : "unblock everyone", &reply);

    if (reply)
        xmpp_stanza_release(reply);
    if (rc == RC_OK && s->out.mode != OUT_TEXT)
        rc = list(s);
    return rc;
}

static int run(struct session *s, const char *name, bool listing, int argc,
               char **argv)
{
    int rc;

    if ((rc = session_open(s, false)) != RC_OK)
        return rc;
    return listing ? list(s) : change(s, name, argv, argc);
}

int cmd_block(int argc, char **argv)
{
    struct session s;
    bool listing = false;
    int rc;

    session_init(&s, "block");
    const struct opt opts[] = {
        OPT_BOOL('l', "list", &listing, "print the blocked JIDs"),
        OPT_COMMON(&s.opt),
        OPT_END(),
    };
    if ((argc = opt_parse(argc, argv, opts, block_usage)) < 0)
        return RC_USAGE;
    if (listing && argc > 0)
        return opt_usage_error(block_usage, "--list takes no <jid>");
    if (!listing && argc == 0)
        return opt_usage_error(block_usage, "expected a <jid> or --list");
    if ((rc = check_jids(argc, argv)) == RC_OK)
        rc = run(&s, "block", listing, argc, argv);
    return session_end(&s, rc);
}

int cmd_unblock(int argc, char **argv)
{
    struct session s;
    bool all = false;
    int rc;

    session_init(&s, "unblock");
    const struct opt opts[] = {
        OPT_BOOL(0, "all", &all, "unblock every JID"),
        OPT_COMMON(&s.opt),
        OPT_END(),
    };
    if ((argc = opt_parse(argc, argv, opts, unblock_usage)) < 0)
        return RC_USAGE;
    if (all && argc > 0)
        return opt_usage_error(unblock_usage, "--all takes no <jid>");
    if (!all && argc == 0)
        return opt_usage_error(unblock_usage, "expected a <jid> or --all");
    if ((rc = check_jids(argc, argv)) == RC_OK)
        rc = run(&s, "unblock", false, argc, argv);
    return session_end(&s, rc);
}
