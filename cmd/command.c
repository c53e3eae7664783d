/* cmd/command.c - `stanza command list|run`: ad-hoc commands (XEP-0050) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "lib/disco.h"
#include "lib/err.h"
#include "lib/form.h"
#include "lib/jid.h"
#include "lib/opt.h"
#include "lib/rc.h"
#include "lib/record.h"
#include "lib/session.h"
#include "lib/stanza.h"
#include "lib/text.h"

#define NS_COMMANDS "http://jabber.org/protocol/commands"
#define MAX_STAGES  32

static const char *const command_usage[] = {
    "stanza command list [options] [<jid>]",
    "stanza command run [options] <jid> <node> [--field <var>=<value>]... "
    "[--form <file>] [--interactive]",
    NULL,
};

struct command {
    struct session s;
    const char *verb;
    const char *jid, *node; /* NULL jid: our server */
    char *server;
    struct opt_list fields;
    const char *form_file;
    bool interactive;
    struct form_input in;
    char *sessionid;
    int stages;           /* stages submitted */
    xmpp_stanza_t *reply; /* the last answer */
};

/* --- arguments ----------------------------------------------------- */

/* --form FILE, then --field VAR=VALUE: the values for the forms. */
static int read_input(struct command *C)
{
    char err[512];
    int rc = form_input_load(&C->in, C->form_file, C->fields.v, C->fields.n,
                             err, sizeof(err));

    return rc == RC_USAGE ? opt_usage_error(command_usage, "%s", err) : rc;
}

static int check_args(struct command *C, int argc, char **argv)
{
    bool run = !strcmp(C->verb, "run");
    const char *why;

    if (run ? argc != 3 : argc > 2)
        return opt_usage_error(command_usage, "%s: expected %s", C->verb,
                               run ? "<jid> <node>" : "[<jid>]");
    if (!run && (C->fields.n || C->form_file || C->interactive))
        return opt_usage_error(command_usage,
                               "--field, --form and --interactive are for "
                               "'run'");
    if (C->interactive && C->form_file && !strcmp(C->form_file, "-"))
        return opt_usage_error(command_usage, "--interactive reads the "
                                              "terminal: no --form -");
    if (C->interactive && !isatty(STDIN_FILENO))
        return opt_usage_error(command_usage, "--interactive needs a "
                                              "terminal on standard input");
    C->jid = argc > 1 ? argv[1] : NULL;
    C->node = argc > 2 ? argv[2] : NULL;
    if (C->jid && !jid_valid(C->jid, &why))
        return fail(RC_DATAERR, "invalid JID '%s': %s", C->jid, why);
    if (C->node && !*C->node)
        return fail(RC_DATAERR, "an empty node — nothing was sent");
    if (C->node && text_check_input("node", 0, C->node, 1024) != RC_OK)
        return RC_DATAERR;
    return run ? read_input(C) : RC_OK;
}

/* --- answers ------------------------------------------------------- */

static int remote_error(struct command *C, xmpp_stanza_t *reply)
{
    struct out *o = &C->s.out;

    if (o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        out_str(o, "jid", NULL, C->jid);
        out_str(o, "node", NULL, C->node);
        record_print_error(o, "error", reply);
        out_obj_end(o);
    }
    return stanza_fail_error(C->jid, reply);
}

/* Sends @iq and waits; RC_OK with the answer in C->reply, or the code
 * after saying why. */
static int ask(struct command *C, xmpp_stanza_t *iq)
{
    int rc;

    if (C->reply)
        xmpp_stanza_release(C->reply);
    C->reply = NULL;
    rc = session_iq(&C->s, iq, &C->reply);
    if (rc == RC_REMOTE)
        return remote_error(C, C->reply);
    if (rc != RC_OK)
        return session_iq_failed(&C->s, C->jid, rc);
    return RC_OK;
}

/* --- list ---------------------------------------------------------- */

static void print_commands(struct command *C, xmpp_stanza_t *q)
{
    struct out *o = &C->s.out;

    if (o->mode == OUT_XML) {
        out_stanza(o, C->reply);
        return;
    }
    if (o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        out_str(o, "jid", NULL, C->jid);
        out_list_begin(o, "commands");
    }
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(q); c;
         c = xmpp_stanza_get_next(c)) {
        const char *n = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : "";
        const char *jid = xmpp_stanza_get_attribute(c, "jid");

        if (strcmp(n, "item") || !xmpp_stanza_get_attribute(c, "node"))
            continue;
        out_obj_begin(o, NULL);
        out_str(o, "node", "%s", xmpp_stanza_get_attribute(c, "node"));
        out_str(o, "name", " (%s)", xmpp_stanza_get_attribute(c, "name"));
        if (o->mode == OUT_JSON || (jid && !jid_equal(jid, C->jid)))
            out_str(o, "jid", " on %s", jid);
        out_obj_end(o);
    }
    if (o->mode == OUT_JSON) {
        out_list_end(o);
        out_obj_end(o);
    }
}

static int list(struct command *C)
{
    struct session *s = &C->s;
    xmpp_stanza_t *q;
    int rc;

    C->node = NS_COMMANDS;
    rc = ask(C, disco_request(s->ctx, C->jid, NS_COMMANDS, true));
    C->node = NULL;
    if (rc != RC_OK)
        return rc;
    if (!(q = disco_query(C->reply, true)))
        return fail(RC_PROTOCOL, "%s answered without a disco#items query",
                    C->jid);
    print_commands(C, q);
    return RC_OK;
}

/* --- run ----------------------------------------------------------- */

/* Returns a new <iq type="set"><command/></iq> for @action; takes
 * ownership of @x (may be NULL). */
static xmpp_stanza_t *command_iq(struct command *C, const char *action,
                                 xmpp_stanza_t *x)
{
    xmpp_ctx_t *ctx = C->s.ctx;
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", NULL);
    xmpp_stanza_t *cmd = xmpp_stanza_new(ctx);

    xmpp_stanza_set_to(iq, C->jid);
    xmpp_stanza_set_name(cmd, "command");
    xmpp_stanza_set_ns(cmd, NS_COMMANDS);
    xmpp_stanza_set_attribute(cmd, "node", C->node);
    if (C->sessionid)
        xmpp_stanza_set_attribute(cmd, "sessionid", C->sessionid);
    xmpp_stanza_set_attribute(cmd, "action", action);
    if (x) {
        xmpp_stanza_add_child(cmd, x);
        xmpp_stanza_release(x);
    }
    xmpp_stanza_add_child(iq, cmd);
    xmpp_stanza_release(cmd);
    return iq;
}

static bool is_child(xmpp_stanza_t *c, const char *name)
{
    const char *n = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : NULL;

    return n && !strcmp(n, name);
}

/* The action that moves on from an executing stage: the default of
 * <actions/>, else complete or next if offered, else execute. */
static const char *next_action(xmpp_stanza_t *cmd)
{
    xmpp_stanza_t *a = xmpp_stanza_get_child_by_name(cmd, "actions");
    const char *def = a ? xmpp_stanza_get_attribute(a, "execute") : NULL;

    if (def && (!strcmp(def, "next") || !strcmp(def, "complete")))
        return def;
    if (a && xmpp_stanza_get_child_by_name(a, "complete"))
        return "complete";
    if (a && xmpp_stanza_get_child_by_name(a, "next"))
        return "next";
    return "execute";
}

/* Ends the session on the responder after a local failure: nothing of
 * the stage was submitted. Returns @rc. */
static int cancel(struct command *C, int rc)
{
    xmpp_stanza_t *reply = NULL;

    if (!C->sessionid)
        return rc;
    session_iq(&C->s, command_iq(C, "cancel", NULL), &reply);
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

static int bad_form(struct command *C, const char *err)
{
    char what[64] = "nothing was submitted";

    if (C->stages)
        snprintf(what, sizeof(what),
                 "stage %d was not submitted, the command was canceled",
                 C->stages + 1);
    fail(RC_DATAERR,
         "%s: %s — %s; use --field VAR=VALUE, --form FILE or "
         "--interactive",
         C->node, err, what);
    return cancel(C, RC_DATAERR);
}

/* Fills the form of an executing stage; @last: no stage follows. */
static int fill(struct command *C, struct form *f, bool last)
{
    const struct form_value *v;
    char err[1024], vars[512];

    if (form_apply(f, &C->in, false, err, sizeof(err)) != RC_OK)
        return bad_form(C, err);
    if (C->interactive && form_prompt(f, stdin, stderr, err, sizeof(err)))
        return bad_form(C, err);
    if (last && (v = form_input_unused(&C->in))) {
        form_list_vars(f, vars, sizeof(vars));
        snprintf(err, sizeof(err), "the command has no field '%s' (%s: %s)",
                 v->var, "the last form's fields", vars[0] ? vars : "none");
        return bad_form(C, err);
    }
    if (form_check(f, err, sizeof(err)) != RC_OK)
        return bad_form(C, err);
    return RC_OK;
}

/* One executing stage: fill its form, submit it with the next action. */
static int stage(struct command *C, xmpp_stanza_t *cmd)
{
    const char *action = next_action(cmd);
    struct form *f = form_parse(form_find(cmd));
    xmpp_stanza_t *x = NULL;
    int rc = RC_OK;

    if (f && (rc = fill(C, f, strcmp(action, "next") != 0)) == RC_OK)
        x = form_submit(C->s.ctx, f);
    form_free(f);
    if (rc != RC_OK)
        return rc;
    C->stages++;
    return ask(C, command_iq(C, action, x));
}

static xmpp_stanza_t *command_of(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *cmd = xmpp_stanza_get_child_by_ns(reply, NS_COMMANDS);

    return cmd && is_child(cmd, "command") ? cmd : NULL;
}

static void print_notes(struct out *o, xmpp_stanza_t *cmd)
{
    bool any = false;

    for (xmpp_stanza_t *c = xmpp_stanza_get_children(cmd); c;
         c = xmpp_stanza_get_next(c)) {
        const char *type = xmpp_stanza_get_type(c);
        char *text;

        if (!is_child(c, "note"))
            continue;
        if (o->mode == OUT_TEXT && type && !strcmp(type, "error"))
            continue; /* stderr says it */
        if (!any)
            out_list_begin(o, "notes");
        any = true;
        text = xmpp_stanza_get_text(c);
        out_obj_begin(o, NULL);
        out_str(o, "type", "%s: ", type ? type : "info");
        out_str(o, "text", "%s\n", text ? text : "");
        out_obj_end(o);
        if (text)
            xmpp_free(xmpp_stanza_get_context(c), text);
    }
    if (any)
        out_list_end(o);
}

static void print_result(struct command *C, xmpp_stanza_t *cmd)
{
    struct out *o = &C->s.out;
    struct form *f = form_parse(form_find(cmd));

    if (o->mode == OUT_XML) {
        out_stanza(o, C->reply);
    } else {
        if (o->mode == OUT_JSON) {
            out_obj_begin(o, NULL);
            out_str(o, "jid", NULL, C->jid);
            out_str(o, "node", NULL, C->node);
            out_str(o, "sessionid", NULL, C->sessionid);
            out_str(o, "status", NULL,
                    xmpp_stanza_get_attribute(cmd, "status"));
        }
        print_notes(o, cmd);
        if (f)
            form_print(o, "form", f, 0);
        if (o->mode == OUT_JSON)
            out_obj_end(o);
    }
    form_free(f);
}

/* The first note of type error, or NULL; a new string (xmpp_free). */
static char *error_note(xmpp_stanza_t *cmd)
{
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(cmd); c;
         c = xmpp_stanza_get_next(c))
        if (is_child(c, "note") && xmpp_stanza_get_type(c) &&
            !strcmp(xmpp_stanza_get_type(c), "error"))
            return xmpp_stanza_get_text(c);
    return NULL;
}

/* The command ended (completed or canceled): the result and the code. */
static int finish(struct command *C, xmpp_stanza_t *cmd, const char *status)
{
    char *err = error_note(cmd);
    int rc = RC_OK;

    print_result(C, cmd);
    if (err)
        rc = fail(RC_REMOTE, "%s: %s", C->node, err);
    else if (!strcmp(status, "canceled"))
        rc = fail(RC_REMOTE, "%s: the command was canceled by %s", C->node,
                  C->jid);
    if (err)
        xmpp_free(C->s.ctx, err);
    return rc;
}

/* Remembers the session id the responder gave. */
static void keep_session(struct command *C, xmpp_stanza_t *cmd)
{
    const char *id = xmpp_stanza_get_attribute(cmd, "sessionid");

    if (!id || (C->sessionid && !strcmp(id, C->sessionid)))
        return;
    free(C->sessionid);
    if (!(C->sessionid = strdup(id)))
        abort();
}

static int run(struct command *C)
{
    int rc = ask(C, command_iq(C, "execute", NULL));

    for (int n = 0; rc == RC_OK; n++) {
        xmpp_stanza_t *cmd = command_of(C->reply);
        const char *status =
            cmd ? xmpp_stanza_get_attribute(cmd, "status") : NULL;

        if (!cmd || !status)
            return fail(RC_PROTOCOL, "%s answered without a command status",
                        C->jid);
        keep_session(C, cmd);
        if (strcmp(status, "executing"))
            return finish(C, cmd, status);
        if (n == MAX_STAGES)
            return cancel(C, fail(RC_PROTOCOL,
                                  "%s: more than %d stages — the command was "
                                  "canceled",
                                  C->node, MAX_STAGES));
        rc = stage(C, cmd);
    }
    return rc;
}

/* --- the command --------------------------------------------------- */

static int start(struct command *C)
{
    struct session *s = &C->s;
    int rc;

    if ((rc = session_start(s, false)) != RC_OK)
        return rc;
    if ((rc = session_connect(s)) != RC_OK)
        return session_report(s);
    if (!C->jid)
        C->jid = C->server = session_domain(s);
    return !strcmp(C->verb, "run") ? run(C) : list(C);
}

int cmd_command(int argc, char **argv)
{
    struct command C = { 0 };
    int rc;

    session_init(&C.s, "command");
    const struct opt opts[] = {
        OPT_LIST('f', "field", &C.fields, "var=value",
                 "run: set a form field (repeat for more values)"),
        OPT_STRING(0, "form", &C.form_file, "file",
                   "run: form values from a JSON file (- for stdin)"),
        OPT_BOOL('i', "interactive", &C.interactive,
                 "run: ask for the fields on the terminal"),
        OPT_COMMON(&C.s.opt),
        OPT_END(),
    };
    if ((argc = opt_parse_mixed(argc, argv, opts, command_usage)) < 0)
        rc = RC_USAGE;
    else if (argc < 1)
        rc = opt_usage_error(command_usage, "expected list or run");
    else if (strcmp(argv[0], "list") && strcmp(argv[0], "run"))
        rc = opt_usage_error(command_usage, "unknown verb '%s'", argv[0]);
    else if ((C.verb = argv[0]) && (rc = check_args(&C, argc, argv)) == RC_OK)
        rc = start(&C);
    if (C.reply)
        xmpp_stanza_release(C.reply);
    rc = session_end(&C.s, rc);
    form_input_free(&C.in);
    opt_list_free(&C.fields);
    free(C.sessionid);
    free(C.server);
    return rc;
}
