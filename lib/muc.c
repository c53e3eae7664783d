/* lib/muc.c - multi-user chat (XEP-0045): presences, joining, leaving */
#include "muc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disco.h"
#include "err.h"
#include "jid.h"
#include "rc.h"
#include "stanza.h"

#define LEAVE_WAIT_MS 2000

static char *dup_or_die(const char *s)
{
    char *d = strdup(s ? s : "");

    if (!d)
        abort();
    return d;
}

static bool is_tag(xmpp_stanza_t *c, const char *name)
{
    const char *n = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : NULL;

    return n && !strcmp(n, name);
}

static const char *text_of(xmpp_stanza_t *st, const char *name)
{
    xmpp_stanza_t *c = st ? xmpp_stanza_get_child_by_name(st, name) : NULL;
    xmpp_stanza_t *t = c ? xmpp_stanza_get_children(c) : NULL;

    return t && xmpp_stanza_is_text(t) ? xmpp_stanza_get_text_ptr(t) : NULL;
}

/* <item/> of <x xmlns=muc#user/>: role, affiliation, jid, actor, reason */
static void read_item(xmpp_stanza_t *item, struct muc_presence *p)
{
    xmpp_stanza_t *actor = xmpp_stanza_get_child_by_name(item, "actor");

    p->role = xmpp_stanza_get_attribute(item, "role");
    p->affiliation = xmpp_stanza_get_attribute(item, "affiliation");
    p->jid = xmpp_stanza_get_attribute(item, "jid");
    p->new_nick = xmpp_stanza_get_attribute(item, "nick");
    if (actor) {
        p->actor = xmpp_stanza_get_attribute(actor, "nick");
        if (!p->actor)
            p->actor = xmpp_stanza_get_attribute(actor, "jid");
    }
    if (text_of(item, "reason")) /* else <destroy/>'s, in either order */
        p->reason = text_of(item, "reason");
}

static void read_x(xmpp_stanza_t *x, struct muc_presence *p)
{
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(x); c;
         c = xmpp_stanza_get_next(c)) {
        const char *code = xmpp_stanza_get_attribute(c, "code");

        if (is_tag(c, "item"))
            read_item(c, p);
        else if (is_tag(c, "status") && code && p->ncodes < MUC_CODES_MAX)
            p->codes[p->ncodes++] = atoi(code);
        else if (is_tag(c, "destroy")) {
            p->destroyed = true;
            p->destroy_jid = xmpp_stanza_get_attribute(c, "jid");
            if (!p->reason)
                p->reason = text_of(c, "reason");
        }
    }
}

bool muc_presence_read(xmpp_stanza_t *st, struct muc_presence *p)
{
    const char *from = xmpp_stanza_get_from(st);
    const char *type = xmpp_stanza_get_type(st);
    const char *slash = from ? strchr(from, '/') : NULL;
    xmpp_stanza_t *x = xmpp_stanza_get_child_by_ns(st, NS_MUC_USER);

    memset(p, 0, sizeof(*p));
    if (!is_tag(st, "presence") || !slash || !slash[1])
        return false;
    p->nick = slash + 1;
    p->unavailable = type && !strcmp(type, "unavailable");
    p->error = type && !strcmp(type, "error");
    if (x && is_tag(x, "x"))
        read_x(x, p);
    return true;
}

bool muc_has_code(const struct muc_presence *p, int code)
{
    for (size_t i = 0; i < p->ncodes; i++)
        if (p->codes[i] == code)
            return true;
    return false;
}

const char *muc_gone_why(const struct muc_presence *p)
{
    if (p->destroyed)
        return "the room was destroyed";
    if (muc_has_code(p, 301))
        return "banned";
    if (muc_has_code(p, 307))
        return "kicked";
    if (muc_has_code(p, 321))
        return "removed: affiliation changed";
    if (muc_has_code(p, 322))
        return "removed: the room is now members-only";
    if (muc_has_code(p, 332))
        return "removed: the service is shutting down";
    return NULL;
}

bool muc_nick_valid(const char *s, const char **why)
{
    return jid_valid_resource(s, why);
}

int muc_check_room(const char *room)
{
    const char *why = NULL;
    struct jid *j = jid_parse(room, &why);
    int rc = RC_OK;

    if (!j)
        rc = fail(RC_DATAERR, "invalid room JID '%s': %s — nothing was sent",
                  room, why);
    else if (!j->local || j->resource)
        rc = fail(RC_DATAERR,
                  "invalid room JID '%s': a room is ROOM@SERVICE, without "
                  "a resource (--nick sets the nick) — nothing was sent",
                  room);
    jid_free(j);
    return rc;
}

/* --- the occupant list ---------------------------------------------- */

static void occ_clear(struct muc_occupant *o)
{
    free(o->nick);
    free(o->role);
    free(o->affiliation);
    free(o->jid);
}

static void occ_remove(struct muc_room *r, const char *nick)
{
    for (size_t i = 0; i < r->nocc; i++)
        if (!strcmp(r->occ[i].nick, nick)) {
            occ_clear(&r->occ[i]);
            r->occ[i] = r->occ[--r->nocc];
            return;
        }
}

static void occ_update(struct muc_room *r, const struct muc_presence *p)
{
    struct muc_occupant *o = NULL;

    for (size_t i = 0; i < r->nocc && !o; i++)
        if (!strcmp(r->occ[i].nick, p->nick))
            o = &r->occ[i];
    r->occ_new = !o;
    if (!o) {
        if (!(r->occ = realloc(r->occ, (r->nocc + 1) * sizeof(*r->occ))))
            abort();
        o = &r->occ[r->nocc++];
        memset(o, 0, sizeof(*o));
        o->nick = dup_or_die(p->nick);
    }
    free(o->role);
    free(o->affiliation);
    o->role = p->role ? dup_or_die(p->role) : NULL;
    o->affiliation = p->affiliation ? dup_or_die(p->affiliation) : NULL;
    if (p->jid) {
        free(o->jid);
        o->jid = dup_or_die(p->jid);
    }
}

const struct muc_occupant *muc_find(const struct muc_room *r, const char *nick)
{
    for (size_t i = 0; i < r->nocc; i++)
        if (!strcmp(r->occ[i].nick, nick))
            return &r->occ[i];
    return NULL;
}

/* --- the room's handler --------------------------------------------- */

static void keep_why(struct muc_room *r, xmpp_stanza_t *st)
{
    if (r->why)
        xmpp_stanza_release(r->why);
    r->why = xmpp_stanza_copy(st);
}

static void self_presence(struct muc_room *r, xmpp_stanza_t *st,
                          const struct muc_presence *p)
{
    if (p->unavailable) {
        if (muc_has_code(p, 303))
            return; /* a nick change: the new presence follows */
        r->left = true;
        if (r->state == MUC_JOINED && muc_gone_why(p)) {
            r->state = MUC_REMOVED;
            keep_why(r, st);
        }
        return;
    }
    free(r->nick);
    r->nick = dup_or_die(p->nick);
    if (muc_has_code(p, 201))
        r->created = true;
    if (r->state == MUC_JOINING)
        r->state = MUC_JOINED;
}

static void on_presence(struct muc_room *r, xmpp_stanza_t *st)
{
    struct muc_presence p;
    bool self;

    if (!muc_presence_read(st, &p)) {
        if (stanza_is_error(st) && r->state == MUC_JOINING) {
            r->state = MUC_FAILED; /* an error from the room's own JID */
            keep_why(r, st);
        }
        return;
    }
    if (p.error) {
        if (r->state == MUC_JOINING)
            r->state = MUC_FAILED;
        keep_why(r, st); /* a refused join, or nick change */
        return;
    }
    self = muc_has_code(&p, 110) || (r->nick && !strcmp(p.nick, r->nick));
    r->occ_new = false;
    if (p.unavailable)
        occ_remove(r, p.nick);
    else
        occ_update(r, &p);
    if (self)
        self_presence(r, st, &p);
}

static void on_message(struct muc_room *r, xmpp_stanza_t *st)
{
    const char *type = xmpp_stanza_get_type(st);
    const char *from = xmpp_stanza_get_from(st);
    xmpp_stanza_t *subj = xmpp_stanza_get_child_by_name(st, "subject");
    const char *slash = strchr(from, '/');

    if (!type || strcmp(type, "groupchat") || !subj ||
        xmpp_stanza_get_child_by_name(st, "body"))
        return;
    free(r->subject);
    free(r->subject_by);
    r->subject = dup_or_die(text_of(st, "subject"));
    r->subject_by = dup_or_die(slash ? slash + 1 : from);
    r->subject_seen = true;
}

static int room_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct muc_room *r = ud;
    const char *from = xmpp_stanza_get_from(st);
    const char *name = xmpp_stanza_get_name(st);

    (void)conn;
    if (!from || !name || !jid_bare_equal(from, r->room))
        return 1;
    if (!strcmp(name, "presence"))
        on_presence(r, st);
    else if (!strcmp(name, "message"))
        on_message(r, st);
    else
        return 1;
    if (r->on_stanza)
        r->on_stanza(r->arg, st);
    return 1;
}

/* --- joining and leaving -------------------------------------------- */

void muc_room_init(struct muc_room *r, struct session *s, const char *room)
{
    memset(r, 0, sizeof(*r));
    r->s = s;
    r->room = room;
    r->history = -1;
}

void muc_room_free(struct muc_room *r)
{
    if (r->gen && r->s->conn && r->gen == r->s->gen)
        xmpp_handler_delete(r->s->conn, room_cb);
    for (size_t i = 0; i < r->nocc; i++)
        occ_clear(&r->occ[i]);
    free(r->occ);
    free(r->nick);
    free(r->subject);
    free(r->subject_by);
    if (r->why)
        xmpp_stanza_release(r->why);
    memset(r, 0, sizeof(*r));
}

static char *occupant_jid(const struct muc_room *r, const char *nick)
{
    char *j;

    if (asprintf(&j, "%s/%s", r->room, nick) < 0)
        abort();
    return j;
}

xmpp_stanza_t *muc_join_presence(struct muc_room *r, const char *nick)
{
    xmpp_stanza_t *p = xmpp_presence_new(r->s->ctx);
    xmpp_stanza_t *x = stanza_add(p, "x", NS_MUC), *h;
    char *to = occupant_jid(r, nick), num[32];

    xmpp_stanza_set_to(p, to);
    free(to);
    if (r->password)
        stanza_add_text(x, "password", r->password);
    if (r->history < 0 && !r->since)
        return p;
    h = stanza_add(x, "history", NULL);
    if (r->history >= 0) {
        snprintf(num, sizeof(num), "%ld", r->history);
        xmpp_stanza_set_attribute(h, "maxstanzas", num);
    }
    if (r->since)
        xmpp_stanza_set_attribute(h, "since", r->since);
    return p;
}

/* The account's local part: the default nick. */
static char *default_nick(const struct session *s)
{
    const char *jid = s->acct.jid, *at = strchr(jid, '@');

    return at ? strndup(jid, (size_t)(at - jid)) : dup_or_die(jid);
}

static const char *hint(const char *cond, bool password)
{
    static const struct {
        const char *cond, *hint;
    } hints[] = {
        { "conflict", "the nick is in use: choose another with --nick" },
        { "registration-required",
          "the room is members-only and the account is not a member" },
        { "forbidden", "the account is banned from the room" },
        { "item-not-found", "no such room, or it is locked until its owner "
                            "configures it" },
        { "service-unavailable", "the room is full, or the service is down" },
        { "not-allowed", "the service does not let this account create "
                         "rooms" },
        { "jid-malformed", "the room does not accept this nick" },
    };

    if (!strcmp(cond, "not-authorized"))
        return password ? "wrong room password"
                        : "the room needs a password: --room-password-file";
    for (size_t i = 0; i < sizeof(hints) / sizeof(*hints); i++)
        if (!strcmp(cond, hints[i].cond))
            return hints[i].hint;
    return NULL;
}

static int refused(struct muc_room *r, const char *what, const char *nick)
{
    struct stanza_error e;
    const char *h;

    stanza_get_error(r->why, &e);
    h = hint(e.condition, r->password != NULL);
    return fail(RC_REMOTE, "cannot %s %s as '%s': %s (%s)%s%s%s%s", what,
                r->room, nick, e.condition, e.type, e.text ? ": " : "",
                e.text ? e.text : "", h ? " — " : "", h ? h : "");
}

static bool join_done(void *arg)
{
    struct muc_room *r = arg;

    if (r->state == MUC_JOINING)
        return false;
    return r->state != MUC_JOINED || r->created || !r->want_full ||
           r->subject_seen;
}

static void install(struct muc_room *r)
{
    if (r->gen == r->s->gen)
        return;
    r->gen = r->s->gen;
    xmpp_handler_add(r->s->conn, room_cb, NULL, NULL, NULL, r);
}

/* A join that created the room where none was wanted: the room is new,
 * locked, and ours; leaving removes it again. */
static int not_there(struct muc_room *r)
{
    muc_leave(r);
    return fail(RC_REMOTE,
                "no room %s: item-not-found (cancel) — joining created it, "
                "and leaving removed it again; 'stanza muc create' makes one",
                r->room);
}

int muc_join(struct muc_room *r, bool full, bool may_create)
{
    struct session *s = r->s;
    char *nick = r->want_nick ? dup_or_die(r->want_nick) : default_nick(s);
    xmpp_stanza_t *p;
    int rc;

    install(r);
    for (size_t i = 0; i < r->nocc; i++) /* a rejoin: all anew */
        occ_clear(&r->occ[i]);
    r->nocc = 0;
    r->want_full = full;
    r->state = MUC_JOINING;
    r->created = r->subject_seen = r->left = false;
    p = muc_join_presence(r, nick);
    xmpp_send(s->conn, p);
    xmpp_stanza_release(p);
    rc = session_wait(s, join_done, r);
    if (rc != RC_OK)
        rc = session_iq_failed(s, r->room, rc);
    else if (r->state == MUC_FAILED)
        rc = refused(r, "join", nick);
    else if (r->state != MUC_JOINED)
        rc = muc_removed(r);
    else if (r->created && !may_create)
        rc = not_there(r);
    free(nick);
    return rc;
}

static bool nick_done(void *arg)
{
    struct muc_room *r = arg;

    return r->state != MUC_JOINED || r->why ||
           (r->nick && !strcmp(r->nick, r->want_nick));
}

int muc_change_nick(struct muc_room *r, const char *nick)
{
    xmpp_stanza_t *p = xmpp_presence_new(r->s->ctx);
    char *to = occupant_jid(r, nick);
    int rc;

    if (r->why)
        xmpp_stanza_release(r->why);
    r->why = NULL;
    r->want_nick = nick;
    xmpp_stanza_set_to(p, to);
    free(to);
    xmpp_send(r->s->conn, p);
    xmpp_stanza_release(p);
    rc = session_wait(r->s, nick_done, r);
    if (rc != RC_OK)
        return session_iq_failed(r->s, r->room, rc);
    if (r->state != MUC_JOINED)
        return muc_removed(r);
    if (r->why)
        return refused(r, "change the nick in", nick);
    return RC_OK;
}

static bool left(void *arg)
{
    return ((struct muc_room *)arg)->left;
}

void muc_leave(struct muc_room *r)
{
    struct session *s = r->s;
    long long deadline = s->deadline, now = session_now();
    xmpp_stanza_t *p;
    char *to;

    if (r->state != MUC_JOINED || s->state != S_ONLINE || !r->nick)
        return;
    to = occupant_jid(r, r->nick);
    p = xmpp_presence_new(s->ctx);
    xmpp_stanza_set_type(p, "unavailable");
    xmpp_stanza_set_to(p, to);
    free(to);
    xmpp_send(s->conn, p);
    xmpp_stanza_release(p);
    r->state = MUC_OUT;
    if (s->opt.timeout_ms < LEAVE_WAIT_MS)
        s->deadline = now + s->opt.timeout_ms;
    else
        s->deadline = now + LEAVE_WAIT_MS;
    session_wait(s, left, r);
    s->deadline = deadline;
}

int muc_removed(struct muc_room *r)
{
    struct muc_presence p;
    const char *why;

    if (!r->why || !muc_presence_read(r->why, &p))
        return fail(RC_REMOTE, "%s removed us", r->room);
    why = muc_gone_why(&p);
    return fail(RC_REMOTE, "%s from %s%s%s%s%s%s%s", why ? why : "removed",
                r->room, p.actor ? " by " : "", p.actor ? p.actor : "",
                p.reason ? ": " : "", p.reason ? p.reason : "",
                p.destroy_jid ? " — it moved to " : "",
                p.destroy_jid ? p.destroy_jid : "");
}
