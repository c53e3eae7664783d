/* lib/disco.h - service discovery (XEP-0030): requests, answers, the walk
 *
 * The walk asks info and items of an entity, then of its items, level by
 * level, with several requests in flight, each JID+node at most once.
 * It is bounded in depth, in the number of entities asked, and by the
 * session's deadline. Per-entity error answers stay in the tree.
 */
#ifndef STANZA_LIB_DISCO_H
#define STANZA_LIB_DISCO_H

#include <stdbool.h>
#include <stddef.h>

#include <strophe.h>

#include "out.h"
#include "session.h"

/*
 * Returns a new disco#info (@items false) or disco#items get to @to,
 * for @node (NULL: none). The caller releases it.
 */
xmpp_stanza_t *disco_request(xmpp_ctx_t *ctx, const char *to, const char *node,
                             bool items);

/* The <query/> of a disco answer @reply, or NULL. Borrowed from @reply. */
xmpp_stanza_t *disco_query(xmpp_stanza_t *reply, bool items);

/* XEP-0013 §2.2: asks our server about its offline-message node, after
 * which it must not send offline messages when we send presence (they
 * stay stored). True if it answered so (ejabberd; Prosody has no
 * XEP-0013). Call before the initial presence. */
bool disco_offline_held(struct session *s);

/* True if the disco#info <query/> @q lists feature @var. */
bool disco_has_feature(xmpp_stanza_t *q, const char *var);

/* True if @q lists an identity of @category and @type. */
bool disco_has_identity(xmpp_stanza_t *q, const char *category,
                        const char *type);

/* The name of the first identity of @category and @type in @q that has
 * one, or NULL. Borrowed from @q. */
const char *disco_identity_name(xmpp_stanza_t *q, const char *category,
                                const char *type);

/*
 * Prints a disco#info <query/>: identities, features and extended info
 * forms (XEP-0128). JSON members: "identities" [{category, type, name,
 * lang}], "features" [var], "forms" [form]; text: one line each, the
 * lines indented by @indent spaces.
 */
void disco_print_info(struct out *o, xmpp_stanza_t *q, int indent);

/* Prints the items of a disco#items <query/>: JSON "items" [{jid, node,
 * name}], text one line each. */
void disco_print_items(struct out *o, xmpp_stanza_t *q);

/* One entity of the walk: an item of its parent, and what it answered. */
struct disco_entity {
    char *jid, *node, *name; /* from the parent's item (name may be NULL) */
    int level;               /* 0: where the walk started */
    xmpp_stanza_t *info;     /* the answers (result or error), or NULL */
    xmpp_stanza_t *items;
    bool repeat;     /* listed earlier in the walk: not asked again */
    bool skipped;    /* over the limit: not asked */
    bool bad_jid;    /* the item's JID is not valid: not asked */
    bool unanswered; /* the walk ended (deadline) before it answered */
    struct disco_entity **kids;
    size_t nkids;
    struct session_req req[2]; /* info, items: while in flight */
    bool asked[2];
};

struct disco_walk {
    int depth;    /* levels of items below the start (0: info only) */
    int parallel; /* requests in flight at most */
    long limit;   /* entities asked at most */
    /* results */
    struct disco_entity *root;
    size_t asked;      /* entities asked */
    size_t requests;   /* iqs sent */
    size_t unanswered; /* requests still open when the walk ended */
    bool limited;      /* items left unasked because of the limit */
};

/*
 * Walks from @jid (and @node, may be NULL) with @w's bounds and leaves
 * the tree in @w->root, complete or not. Returns RC_OK when every request
 * was answered, else the session's code (RC_TEMPFAIL at the deadline);
 * prints nothing. Free with disco_walk_free().
 */
int disco_walk(struct session *s, struct disco_walk *w, const char *jid,
               const char *node);

void disco_walk_free(struct disco_walk *w);

#endif
