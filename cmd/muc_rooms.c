/* cmd/muc_rooms.c - `stanza muc`: the rooms themselves (create, config,
 * destroy, list-rooms) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "muc.h"
#include "lib/disco.h"
#include "lib/err.h"
#include "lib/jid.h"
#include "lib/rc.h"
#include "lib/record.h"
#include "lib/stanza.h"
#include "lib/text.h"

#define ROOMS_IN_FLIGHT 16

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
 * Sends the owner @iq (as muc_ask() does) behind a disco#info to the room,
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

    if (ask_owner(M, muc_room_iq(M, "get", NS_MUC_OWNER, &q), reply) != RC_OK)
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
    iq = muc_room_iq(M, "set", NS_MUC_OWNER, &q);
    x = form_submit(M->s.ctx, f);
    xmpp_stanza_add_child(q, x);
    xmpp_stanza_release(x);
    rc = muc_ask(M, iq, &reply);
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
    iq = muc_room_iq(M, "set", NS_MUC_OWNER, &q);
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
