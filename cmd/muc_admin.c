/* cmd/muc_admin.c - `stanza muc`: moderation (kick, ban, role,
 * affiliation, list, invite) and rooms themselves (create, config,
 * destroy, list-rooms) */
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

#define ROOMS_IN_FLIGHT 16

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

static xmpp_stanza_t *room_iq(struct muc *M, const char *type, const char *ns,
                              xmpp_stanza_t **q)
{
    xmpp_stanza_t *iq = xmpp_iq_new(M->s.ctx, type, NULL);

    xmpp_stanza_set_to(iq, M->room);
    *q = stanza_add(iq, "query", ns);
    return iq;
}

/* Sends @iq; RC_OK with *@reply (released by the caller), or the code
 * after saying why. */
static int ask(struct muc *M, xmpp_stanza_t *iq, xmpp_stanza_t **reply)
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
    xmpp_stanza_t *iq = room_iq(M, "set", NS_MUC_ADMIN, &q);
    struct out *o = &M->s.out;
    int rc;

    item = stanza_add(q, "item", NULL);
    xmpp_stanza_set_attribute(item, key, who);
    xmpp_stanza_set_attribute(item, attr, value);
    if (M->reason)
        stanza_add_text(item, "reason", M->reason);
    M->s.deadline = session_now() + M->s.opt.timeout_ms;
    if ((rc = ask(M, iq, &reply)) == RC_OK && o->mode == OUT_XML)
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
    iq = room_iq(M, "get", NS_MUC_ADMIN, &q);
    xmpp_stanza_set_attribute(stanza_add(q, "item", NULL), "affiliation",
                              args[0]);
    if ((rc = ask(M, iq, &reply)) == RC_OK && M->s.out.mode == OUT_XML)
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

/* --- create, config, destroy ---------------------------------------- */

static bool answered(void *arg)
{
    return ((struct session_req *)arg)->reply != NULL;
}

static bool not_found(xmpp_stanza_t *reply)
{
    struct stanza_error e;

    return stanza_is_error(reply) && stanza_get_error(reply, &e) &&
           !strcmp(e.condition, "item-not-found");
}

/*
 * Sends the owner @iq (as ask() does) behind a disco#info to the room,
 * both at once. ejabberd makes a room for an owner iq to one that does
 * not exist (and drops it again, empty), so the owner answer alone does
 * not tell; the disco#info before it does (item-not-found, XEP-0045
 * §6.4), and then it is the answer.
 */
static int ask_owner(struct muc *M, xmpp_stanza_t *iq, xmpp_stanza_t **reply)
{
    struct session *s = &M->s;
    struct session_req info = { 0 };
    int rc;

    session_iq_send(s, disco_request(s->ctx, M->room, NULL, false), &info);
    rc = session_iq(s, iq, reply);
    if (rc == RC_OK)
        rc = session_wait(s, answered, &info);
    session_iq_forget(&info);
    if (rc == RC_OK && not_found(info.reply)) {
        xmpp_stanza_release(*reply);
        *reply = info.reply;
        info.reply = NULL;
        rc = RC_REMOTE;
    }
    if (info.reply)
        xmpp_stanza_release(info.reply);
    if (rc == RC_REMOTE)
        return muc_remote_error(M, *reply);
    if (rc != RC_OK)
        return session_iq_failed(s, M->room, rc);
    return RC_OK;
}

static struct form *config_form(struct muc *M, xmpp_stanza_t **reply)
{
    xmpp_stanza_t *q;
    struct form *f;

    if (ask_owner(M, room_iq(M, "get", NS_MUC_OWNER, &q), reply) != RC_OK)
        return NULL;
    q = xmpp_stanza_get_child_by_ns(*reply, NS_MUC_OWNER);
    if (!(f = form_parse(q ? form_find(q) : NULL)))
        fail(RC_PROTOCOL, "%s answered without a configuration form", M->room);
    return f;
}

/* What the user's values imply for fields the user left alone: a new
 * room persists (the command leaves it at once); a password is asked
 * for when one is set, where the form has a field for that apart from
 * the secret (XEP-0045 §10.2: muc#roomconfig_passwordprotectedroom;
 * ejabberd has it, Prosody does not). */
static int imply_fields(struct form *f, bool created, char *err, size_t len)
{
    const char *persist = "muc#roomconfig_persistentroom";
    const char *prot = "muc#roomconfig_passwordprotectedroom";
    const struct form_field *pf = form_field(f, persist);
    const struct form_field *sf = form_field(f, "muc#roomconfig_roomsecret");
    const struct form_field *xf = form_field(f, prot);
    int rc = RC_OK;

    if (created && pf && !pf->filled)
        rc = form_set(f, persist, "1", err, len);
    if (rc == RC_OK && sf && sf->filled && xf && !xf->filled)
        rc = form_set(f, prot, sf->nvalues && *sf->values[0] ? "1" : "0", err,
                      len);
    return rc;
}

/* Fills @f with the user's values (and what they imply), checks it,
 * submits it. */
static int submit_config(struct muc *M, struct form *f, bool created)
{
    xmpp_stanza_t *q, *iq, *x, *reply = NULL;
    char err[1024];
    int rc;

    if ((rc = form_apply(f, &M->in, true, err, sizeof(err))) == RC_OK)
        rc = imply_fields(f, created, err, sizeof(err));
    if (rc == RC_OK)
        rc = form_check(f, err, sizeof(err));
    if (rc != RC_OK)
        return fail(RC_DATAERR, "%s: %s — nothing was submitted%s", M->room,
                    err, created ? "; the new room is removed again" : "");
    iq = room_iq(M, "set", NS_MUC_OWNER, &q);
    x = form_submit(M->s.ctx, f);
    xmpp_stanza_add_child(q, x);
    xmpp_stanza_release(x);
    rc = ask(M, iq, &reply);
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

static int configure(struct muc *M, bool created)
{
    xmpp_stanza_t *reply = NULL;
    struct form *f = config_form(M, &reply);
    int rc = f ? submit_config(M, f, created) : RC_REMOTE;

    if (!f && reply && !stanza_is_error(reply))
        rc = RC_PROTOCOL;
    if (reply)
        xmpp_stanza_release(reply);
    form_free(f);
    return rc;
}

static void print_room(struct muc *M, const char *key, bool v)
{
    struct out *o = &M->s.out;

    if (o->mode != OUT_JSON)
        return;
    out_obj_begin(o, NULL);
    out_str(o, "room", NULL, M->room);
    out_bool(o, key, NULL, v);
    out_obj_end(o);
}

int muc_create(struct muc *M, char **args, int n)
{
    bool have_fields = M->in.n > 0;
    int rc;

    (void)args;
    (void)n;
    if ((rc = session_open(&M->s, false)) != RC_OK)
        return rc;
    muc_room_init(&M->r, &M->s, M->room);
    muc_join_opts_apply(&M->join, &M->r);
    M->r.history = 0;
    if ((rc = muc_join(&M->r, false, true)) != RC_OK)
        return rc;
    if (!M->r.created && !M->exists_ok)
        rc = fail(RC_REMOTE,
                  "room %s exists already — --exists-ok accepts that", M->room);
    else if (M->r.created || have_fields)
        rc = configure(M, M->r.created);
    if (rc == RC_OK)
        print_room(M, "created", M->r.created);
    muc_leave(&M->r);
    return rc;
}

int muc_config(struct muc *M, char **args, int n)
{
    xmpp_stanza_t *reply = NULL;
    struct form *f;
    struct out *o = &M->s.out;
    int rc;

    (void)args;
    (void)n;
    if ((rc = session_open(&M->s, false)) != RC_OK)
        return rc;
    if (M->in.n)
        return configure(M, false);
    if (!(f = config_form(M, &reply)))
        rc = reply && stanza_is_error(reply) ? RC_REMOTE : RC_PROTOCOL;
    else if (o->mode == OUT_XML)
        out_stanza(o, reply);
    else {
        if (o->mode == OUT_JSON) {
            out_obj_begin(o, NULL);
            out_str(o, "room", NULL, M->room);
        }
        form_print(o, "form", f, 0);
        if (o->mode == OUT_JSON)
            out_obj_end(o);
    }
    form_free(f);
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

int muc_destroy(struct muc *M, char **args, int n)
{
    xmpp_stanza_t *q, *d, *iq, *reply = NULL;
    int rc = session_open(&M->s, false);

    (void)args;
    (void)n;
    if (rc != RC_OK)
        return rc;
    iq = room_iq(M, "set", NS_MUC_OWNER, &q);
    d = stanza_add(q, "destroy", NULL);
    if (M->alternate)
        xmpp_stanza_set_attribute(d, "jid", M->alternate);
    if (M->reason)
        stanza_add_text(d, "reason", M->reason);
    if ((rc = ask_owner(M, iq, &reply)) == RC_OK)
        print_room(M, "destroyed", true);
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

/* --- list-rooms ----------------------------------------------------- */

struct room_info {
    const char *jid, *name; /* borrowed from the items answer */
    struct session_req req;
};

struct rooms {
    struct room_info *v;
    size_t n, asked, answered;
};

static bool rooms_step(void *arg)
{
    struct rooms *R = arg;

    R->answered = 0;
    for (size_t i = 0; i < R->asked; i++)
        R->answered += R->v[i].req.reply != NULL;
    return R->answered == R->asked;
}

/* Asks each room's disco#info, ROOMS_IN_FLIGHT at a time. */
static int ask_rooms(struct session *s, struct rooms *R)
{
    int rc = RC_OK;

    while (rc == RC_OK && R->asked < R->n) {
        size_t upto = R->answered + ROOMS_IN_FLIGHT;

        for (; R->asked < R->n && R->asked < upto; R->asked++)
            session_iq_send(
                s, disco_request(s->ctx, R->v[R->asked].jid, NULL, false),
                &R->v[R->asked].req);
        rc = session_wait(s, rooms_step, R);
    }
    return rc;
}

/* The room's name: from its own disco#info (its identity, XEP-0045
 * §6.4), else from the service's item (@item_name), which ejabberd
 * follows with the number of occupants: "Name (2)". */
static const char *room_name(xmpp_stanza_t *q, const char *item_name)
{
    const char *name = disco_identity_name(q, "conference", "text");

    return name ? name : item_name;
}

static void print_rooms(struct out *o, const struct rooms *R)
{
    for (size_t i = 0; i < R->n; i++) {
        xmpp_stanza_t *q = disco_query(R->v[i].req.reply, false);
        struct form *f = q ? form_parse(form_find(q)) : NULL;
        const struct form_field *occ =
            f ? form_field(f, "muc#roominfo_occupants") : NULL;
        char *end = NULL;
        long v = occ && occ->nvalues ? strtol(occ->values[0], &end, 10) : -1;

        out_obj_begin(o, NULL);
        out_str(o, "jid", "%s", R->v[i].jid);
        out_str(o, "name", " (%s)", room_name(q, R->v[i].name));
        if (v >= 0 && end && !*end)
            out_int(o, "occupants", " %lld occupants", v);
        out_obj_end(o);
        form_free(f);
    }
}

static int list_service(struct muc *M, const char *service)
{
    struct session *s = &M->s;
    struct out *o = &s->out;
    xmpp_stanza_t *reply = NULL, *q;
    struct rooms R = { 0 };
    int rc = session_iq(s, disco_request(s->ctx, service, NULL, true), &reply);

    if (rc == RC_REMOTE)
        rc = stanza_fail_error(service, reply);
    else if (rc != RC_OK)
        rc = session_iq_failed(s, service, rc);
    q = rc == RC_OK ? disco_query(reply, true) : NULL;
    for (xmpp_stanza_t *c = q ? xmpp_stanza_get_children(q) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *jid = xmpp_stanza_get_attribute(c, "jid");

        if (!xmpp_stanza_is_tag(c) || !jid || !jid_valid(jid, NULL))
            continue;
        if (!(R.v = realloc(R.v, (R.n + 1) * sizeof(*R.v))))
            abort();
        memset(&R.v[R.n], 0, sizeof(*R.v));
        R.v[R.n].jid = jid;
        R.v[R.n++].name = xmpp_stanza_get_attribute(c, "name");
    }
    if (rc == RC_OK && (rc = ask_rooms(s, &R)) != RC_OK)
        rc = session_iq_failed(s, service, rc);
    if (rc == RC_OK && o->mode == OUT_JSON) {
        out_obj_begin(o, NULL);
        out_str(o, "service", NULL, service);
        out_list_begin(o, "rooms");
    }
    if (rc == RC_OK)
        print_rooms(o, &R);
    if (rc == RC_OK && o->mode == OUT_JSON) {
        out_list_end(o);
        out_obj_end(o);
    }
    for (size_t i = 0; i < R.asked; i++) {
        session_iq_forget(&R.v[i].req);
        if (R.v[i].req.reply)
            xmpp_stanza_release(R.v[i].req.reply);
    }
    free(R.v);
    if (reply)
        xmpp_stanza_release(reply);
    return rc;
}

/* The first item of our server that is a MUC service (conference/text),
 * as a new string, or NULL. */
static char *find_service(struct session *s)
{
    char *domain = session_domain(s), *found = NULL;
    xmpp_stanza_t *items = NULL, *q;

    if (session_iq(s, disco_request(s->ctx, domain, NULL, true), &items) ==
        RC_OK)
        for (q = xmpp_stanza_get_children(disco_query(items, true));
             q && !found; q = xmpp_stanza_get_next(q)) {
            const char *jid = xmpp_stanza_get_attribute(q, "jid");
            xmpp_stanza_t *info = NULL;

            if (jid && jid_valid(jid, NULL) &&
                session_iq(s, disco_request(s->ctx, jid, NULL, false), &info) ==
                    RC_OK &&
                disco_has_identity(disco_query(info, false), "conference",
                                   "text"))
                found = strdup(jid);
            if (info)
                xmpp_stanza_release(info);
        }
    if (items)
        xmpp_stanza_release(items);
    free(domain);
    return found;
}

int muc_list_rooms(struct muc *M, char **args, int n)
{
    char *service = NULL;
    int rc = session_open(&M->s, false);

    if (rc != RC_OK)
        return rc;
    if (n)
        return list_service(M, args[0]);
    if (!(service = find_service(&M->s)))
        return session_signal() || M->s.state != S_ONLINE
                   ? session_report(&M->s)
                   : fail(RC_REMOTE, "the server lists no chat service — "
                                     "name one: stanza muc list-rooms "
                                     "SERVICE");
    rc = list_service(M, service);
    free(service);
    return rc;
}
