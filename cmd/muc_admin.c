/* cmd/muc_admin.c - `stanza muc`: moderation (kick, ban, role,
 * affiliation, list, invite); the rooms themselves are in muc_rooms.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "muc.h"
#include "lib/disco.h"
#include "lib/err.h"
#include "lib/jid.h"
#include "lib/outbox.h"
#include "lib/rc.h"
#include "lib/record.h"
#include "lib/stanza.h"
#include "lib/text.h"

static const char *const roles[] = { "none", "visitor", "participant",
                                     "moderator", NULL };
static const char *const affiliations[] = { "owner",   "admin", "member",
                                            "outcast", "none",  NULL };

static const char *const usage_short[] = {
    "stanza muc <verb> [options] <room> ...  (see stanza muc --help)",
    NULL,
};

static bool one_of(const char *const *list, const char *v)
{
    for (; *list; list++)
        if (!strcmp(*list, v))
            return true;
    return false;
}

/* --- checks before anything is sent --------------------------------- */

static int check_nick(const char *nick)
{
    const char *why;

    if (!muc_nick_valid(nick, &why))
        return fail(RC_DATAERR, "invalid nick '%s': %s — nothing was sent",
                    nick, why);
    return RC_OK;
}

static int check_jid(const char *jid, bool bare)
{
    const char *why = NULL;
    struct jid *j = jid_parse(jid, &why);
    int rc = RC_OK;

    if (!j)
        rc = fail(RC_DATAERR, "invalid JID '%s': %s — nothing was sent", jid,
                  why);
    else if (bare && j->resource)
        rc = fail(RC_DATAERR,
                  "'%s' has a resource: affiliations are for bare JIDs "
                  "(user@example.org) — nothing was sent",
                  jid);
    jid_free(j);
    return rc;
}

/* --since: an RFC 3339 time, or an age (90s, 10m, 2h, 1d): the time in
 * UTC into M->since_buf. */
static int check_since(struct muc *M)
{
    struct tm tm = { 0 };
    char *end;
    long n = strtol(M->since, &end, 10);
    const char *units = "smhd";
    static const long mult[] = { 1, 60, 3600, 86400 };
    const char *u = *end ? strchr(units, *end) : NULL;
    time_t t;

    if (end != M->since && n >= 0 && u && !end[1]) {
        t = time(NULL) - n * mult[u - units];
        strftime(M->since_buf, sizeof(M->since_buf), "%Y-%m-%dT%H:%M:%SZ",
                 gmtime_r(&t, &tm));
        M->since = M->since_buf;
        return RC_OK;
    }
    end = strptime(M->since, "%Y-%m-%dT%H:%M:%S", &tm);
    if (end && end[strspn(end, ".0123456789")] == 'Z' &&
        !end[strspn(end, ".0123456789") + 1])
        return RC_OK;
    return opt_usage_error(usage_short,
                           "--since: '%s' is neither an RFC 3339 UTC time "
                           "(2024-05-01T12:00:00Z) nor an age (90s, 10m, "
                           "2h, 1d)",
                           M->since);
}

static int check_form(struct muc *M)
{
    char err[512];
    int rc = form_input_load(&M->in, M->form_file, M->fields.v, M->fields.n,
                             err, sizeof(err));

    return rc == RC_USAGE ? opt_usage_error(usage_short, "%s", err) : rc;
}

static int check_choice(const char *verb, const char *what,
                        const char *const *list, const char *v)
{
    if (one_of(list, v))
        return RC_OK;
    return opt_usage_error(usage_short, "%s: unknown %s '%s'", verb, what, v);
}

int muc_admin_check(struct muc *M, const char *verb, int n, char **args)
{
    int rc = RC_OK;

    if (M->reason && (rc = text_check_input("--reason", 0, M->reason, 1024)))
        return rc;
    if (M->alternate && (rc = muc_check_room(M->alternate)))
        return rc;
    if (M->since && (rc = check_since(M)))
        return rc;
    if (!strcmp(verb, "kick") || !strcmp(verb, "role"))
        rc = check_nick(args[0]);
    if (rc == RC_OK && !strcmp(verb, "role"))
        rc = check_choice(verb, "role", roles, args[1]);
    if (!strcmp(verb, "ban") || !strcmp(verb, "affiliation"))
        rc = check_jid(args[0], true);
    if (rc == RC_OK && !strcmp(verb, "affiliation"))
        rc = check_choice(verb, "affiliation", affiliations, args[1]);
    if (!strcmp(verb, "list") && !strcmp(args[0], "none"))
        return opt_usage_error(usage_short, "list: owner, admin, member or "
                                            "outcast");
    if (!strcmp(verb, "list"))
        rc = check_choice(verb, "affiliation", affiliations, args[0]);
    if (!strcmp(verb, "invite") || (!strcmp(verb, "list-rooms") && n))
        rc = check_jid(args[0], false);
    if (rc == RC_OK && (M->fields.n || M->form_file))
        rc = check_form(M);
    return rc;
}

/* --- iq requests to the room ---------------------------------------- */

xmpp_stanza_t *muc_room_iq(struct muc *M, const char *type, const char *ns,
                           xmpp_stanza_t **q)
{
    xmpp_stanza_t *iq = xmpp_iq_new(M->s.ctx, type, NULL);

    xmpp_stanza_set_to(iq, M->room);
    *q = stanza_add(iq, "query", ns);
    return iq;
}

int muc_ask(struct muc *M, xmpp_stanza_t *iq, xmpp_stanza_t **reply)
{
    int rc = session_iq(&M->s, iq, reply);

    if (rc == RC_REMOTE)
        return muc_remote_error(M, *reply);
    if (rc != RC_OK)
        return session_iq_failed(&M->s, M->room, rc);
    return RC_OK;
}

/* Sets @attr (role, affiliation) of the occupant or user @who (@key:
 * nick or jid) to @value. */
static int set_item(struct muc *M, const char *key, const char *who,
                    const char *attr, const char *value)
{
    xmpp_stanza_t *q, *item, *reply = NULL;
    xmpp_stanza_t *iq = muc_room_iq(M, "set", NS_MUC_ADMIN, &q);
    struct out *o = &M->s.out;
    int rc;

    item = stanza_add(q, "item", NULL);
    xmpp_stanza_set_attribute(item, key, who);
    xmpp_stanza_set_attribute(item, attr, value);
    if (M->reason)
        stanza_add_text(item, "reason", M->reason);
    M->s.deadline = session_now() + M->s.opt.timeout_ms;
    if ((rc = muc_ask(M, iq, &reply)) == RC_OK && o->mode == OUT_XML)
        out_stanza(o, reply);
    else if (rc == RC_OK && o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        out_str(o, "room", NULL, M->room);
        out_str(o, key, NULL, who);
        out_str(o, attr, NULL, value);
        out_obj_end(o);
    }
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

/* Roles are for occupants, and only an occupant may change them. */
static int set_role(struct muc *M, const char *nick, const char *role)
{
    int rc;

    if ((rc = session_start(&M->s, false)) != RC_OK ||
        (rc = muc_enter(M, false)) != RC_OK)
        return rc;
    rc = set_item(M, "nick", nick, "role", role);
    muc_leave(&M->r);
    return rc;
}

int muc_kick(struct muc *M, char **args, int n)
{
    (void)n;
    return set_role(M, args[0], "none");
}

int muc_role(struct muc *M, char **args, int n)
{
    (void)n;
    return set_role(M, args[0], args[1]);
}

int muc_ban(struct muc *M, char **args, int n)
{
    int rc = session_open(&M->s, false);

    (void)n;
    return rc ? rc : set_item(M, "jid", args[0], "affiliation", "outcast");
}

int muc_affiliation(struct muc *M, char **args, int n)
{
    int rc = session_open(&M->s, false);

    (void)n;
    return rc ? rc : set_item(M, "jid", args[0], "affiliation", args[1]);
}

/* --- list: an affiliation list -------------------------------------- */

static void print_list(struct muc *M, xmpp_stanza_t *reply, const char *aff)
{
    struct out *o = &M->s.out;
    xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(reply, NS_MUC_ADMIN);

    if (o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        out_str(o, "room", NULL, M->room);
        out_str(o, "affiliation", NULL, aff);
        out_list_begin(o, "items");
    }
    for (xmpp_stanza_t *c = q ? xmpp_stanza_get_children(q) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *jid = xmpp_stanza_get_attribute(c, "jid");

        if (!xmpp_stanza_is_tag(c) || strcmp(xmpp_stanza_get_name(c), "item") ||
            !jid)
            continue;
        out_obj_begin(o, NULL);
        out_str(o, "jid", "%s", jid);
        out_str(o, "nick", " (%s)", xmpp_stanza_get_attribute(c, "nick"));
        out_obj_end(o);
    }
    if (o->mode == OUT_JSON) {
        out_list_end(o);
        out_obj_end(o);
    }
}

int muc_list(struct muc *M, char **args, int n)
{
    xmpp_stanza_t *q, *reply = NULL, *iq;
    int rc = session_open(&M->s, false);

    (void)n;
    if (rc != RC_OK)
        return rc;
    iq = muc_room_iq(M, "get", NS_MUC_ADMIN, &q);
    xmpp_stanza_set_attribute(stanza_add(q, "item", NULL), "affiliation",
                              args[0]);
    if ((rc = muc_ask(M, iq, &reply)) == RC_OK && M->s.out.mode == OUT_XML)
        out_stanza(&M->s.out, reply);
    else if (rc == RC_OK)
        print_list(M, reply, args[0]);
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

/* --- invite --------------------------------------------------------- */

/* A mediated invitation goes through the room (XEP-0045 §7.8.2); a
 * direct one straight to the user (XEP-0249). */
static xmpp_stanza_t *invitation(struct muc *M, const char *to, char *id)
{
    struct session *s = &M->s;
    xmpp_stanza_t *m, *x, *inv;

    session_new_id(s, id, 64);
    if (M->direct) {
        m = stanza_message(s->ctx, to, NULL, id, NULL, NULL, NULL);
        x = stanza_add(m, "x", NS_CONFERENCE);
        xmpp_stanza_set_attribute(x, "jid", M->room);
        if (M->reason)
            xmpp_stanza_set_attribute(x, "reason", M->reason);
        if (M->join.password)
            xmpp_stanza_set_attribute(x, "password", M->join.password);
        return m;
    }
    m = stanza_message(s->ctx, M->room, NULL, id, NULL, NULL, NULL);
    x = stanza_add(m, "x", NS_MUC_USER);
    inv = stanza_add(x, "invite", NULL);
    xmpp_stanza_set_attribute(inv, "to", to);
    if (M->reason)
        stanza_add_text(inv, "reason", M->reason);
    return m;
}

static void print_sent(struct muc *M, const struct ob_item *it, const char *to)
{
    struct out *o = &M->s.out;

    if (o->mode != OUT_JSON)
        return;
    out_obj_begin(o, NULL);
    out_str(o, "room", NULL, M->room);
    out_str(o, "to", NULL, to);
    out_str(o, "id", NULL, it->id);
    out_bool(o, "confirmed", NULL, it->state == OB_CONFIRMED);
    outbox_print_bounce(o, it);
    out_obj_end(o);
}

/* Sends the invitation and waits until it is confirmed: a mediated one
 * by the room itself (the outbox probes it), whose refusal comes from the
 * room. */
static int invite_send(struct muc *M, const char *to)
{
    struct outbox ob;
    struct ob_item *it;
    char id[64];
    int rc;

    outbox_init(&ob, &M->s);
    ob.keep_stanzas = M->s.out.mode == OUT_XML;
    outbox_add(&ob, invitation(M, to, id));
    rc = outbox_deliver(&ob);
    it = &ob.items[0];
    if (it->state == OB_BOUNCED)
        rc = fail(RC_REMOTE, "invitation of %s to %s refused: %s (%s)%s%s", to,
                  M->room, it->err_cond, it->err_type, it->err_text ? ": " : "",
                  it->err_text ? it->err_text : "");
    if (M->s.out.mode == OUT_XML)
        out_stanza(&M->s.out, it->st);
    print_sent(M, it, to);
    outbox_free(&ob);
    return rc;
}

/* A mediated invitation comes from an occupant (XEP-0045 §7.8.2;
 * ejabberd refuses others): it joins first. */
int muc_invite(struct muc *M, char **args, int n)
{
    int rc;

    (void)n;
    if ((rc = session_start(&M->s, false)) != RC_OK)
        return rc;
    if (M->direct)
        return invite_send(M, args[0]);
    if ((rc = muc_enter(M, false)) != RC_OK)
        return rc;
    rc = invite_send(M, args[0]);
    muc_leave(&M->r);
    return rc;
}
