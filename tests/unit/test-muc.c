/* tests/unit/test-muc.c - room presences and checks (lib/muc.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "lib/muc.h"
#include "lib/rc.h"
#include "tests/unit/tap.h"

static xmpp_ctx_t *ctx;

struct pcase {
    const char *name;
    const char *xml;
    bool is_muc; /* muc_presence_read() */
    const char *nick, *role, *affiliation, *jid, *new_nick, *actor, *reason;
    const char *codes; /* "110,307" */
    const char *gone;  /* muc_gone_why() */
};

#define X "<x xmlns='http://jabber.org/protocol/muc#user'>"

static const struct pcase cases[] = {
    { "an occupant",
      "<presence from='r@c/bob'>" X
      "<item role='participant' affiliation='none' jid='bob@b/x'/></x>"
      "</presence>",
      true, "bob", "participant", "none", "bob@b/x", NULL, NULL, NULL, "",
      NULL },
    { "self-presence of a new room",
      "<presence from='r@c/me'>" X "<item role='moderator' "
      "affiliation='owner'/><status code='110'/><status code='201'/></x>"
      "</presence>",
      true, "me", "moderator", "owner", NULL, NULL, NULL, NULL, "110,201",
      NULL },
    { "kicked, by whom and why",
      "<presence from='r@c/bob' type='unavailable'>" X
      "<item role='none' affiliation='none'><actor nick='alice'/><reason>be "
      "nice</reason></item><status code='307'/><status code='110'/></x>"
      "</presence>",
      true, "bob", "none", "none", NULL, NULL, "alice", "be nice", "307,110",
      "kicked" },
    { "banned, the actor by JID",
      "<presence from='r@c/c' type='unavailable'>" X
      "<item affiliation='outcast' role='none'><actor jid='a@b'/></item>"
      "<status code='301'/></x></presence>",
      true, "c", "none", "outcast", NULL, NULL, "a@b", NULL, "301", "banned" },
    { "a nick change",
      "<presence from='r@c/old' type='unavailable'>" X
      "<item nick='new' role='participant'/><status code='303'/></x>"
      "</presence>",
      true, "old", "participant", NULL, NULL, "new", NULL, NULL, "303", NULL },
    { "the room destroyed",
      "<presence from='r@c/bob' type='unavailable'>" X
      "<item role='none'/><destroy jid='n@c'><reason>moved</reason>"
      "</destroy></x></presence>",
      true, "bob", "none", NULL, NULL, NULL, NULL, "moved", "",
      "the room was destroyed" },
    { "the room destroyed, <destroy/> first (as both servers send it)",
      "<presence from='r@c/bob' type='unavailable'>" X
      "<destroy jid='n@c'><reason>moved</reason></destroy>"
      "<item role='none' affiliation='none'/></x></presence>",
      true, "bob", "none", "none", NULL, NULL, NULL, "moved", "",
      "the room was destroyed" },
    { "not from an occupant (no resource)", "<presence from='r@c'/>", false,
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, "", NULL },
    { "a message is no presence", "<message from='r@c/x'/>", false, NULL, NULL,
      NULL, NULL, NULL, NULL, NULL, "", NULL },
    { "more codes than kept",
      "<presence from='r@c/n'>" X "<status code='1'/><status code='2'/>"
      "<status code='3'/><status code='4'/><status code='5'/>"
      "<status code='6'/><status code='7'/><status code='8'/>"
      "<status code='9'/></x></presence>",
      true, "n", NULL, NULL, NULL, NULL, NULL, NULL, "1,2,3,4,5,6,7,8", NULL },
};

static void codes_str(const struct muc_presence *p, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < p->ncodes && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%d", i ? "," : "",
                              p->codes[i]);
}

static void check_case(const struct pcase *c)
{
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, c->xml);
    struct muc_presence p;
    char codes[128], name[256];

    snprintf(name, sizeof(name), "%s: read", c->name);
    ok(st && muc_presence_read(st, &p) == c->is_muc, name);
    if (st && c->is_muc) {
        snprintf(name, sizeof(name), "%s: fields", c->name);
        is_str(p.nick, c->nick, name);
        is_str(p.role, c->role, name);
        is_str(p.affiliation, c->affiliation, name);
        is_str(p.jid, c->jid, name);
        is_str(p.new_nick, c->new_nick, name);
        is_str(p.actor, c->actor, name);
        is_str(p.reason, c->reason, name);
        codes_str(&p, codes, sizeof(codes));
        is_str(codes, c->codes, name);
        is_str(muc_gone_why(&p), c->gone, name);
    }
    if (st)
        xmpp_stanza_release(st);
}

int main(void)
{
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        check_case(&cases[i]);
    ok(muc_nick_valid("bob", NULL), "nick: plain");
    ok(muc_nick_valid("Bob the 2nd", NULL), "nick: spaces are fine");
    ok(!muc_nick_valid("", NULL), "nick: empty");
    ok(!muc_nick_valid("a\tb", NULL), "nick: control character");
    ok(muc_check_room("room@conference.example.org") == RC_OK, "room: ok");
    fprintf(stderr, "# the next three print why, as they should:\n");
    ok(muc_check_room("conference.example.org") == RC_DATAERR,
       "room: no local part");
    ok(muc_check_room("r@c/nick") == RC_DATAERR, "room: a resource");
    ok(muc_check_room("a b@c") == RC_DATAERR, "room: invalid");
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return done_testing();
}
