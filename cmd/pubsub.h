/* cmd/pubsub.h - `stanza pubsub`: the parts of the command
 *
 * cmd/pubsub.c parses the command line, finds the service and runs the
 * verb; the verbs live in cmd/pubsub_node.c (nodes and their
 * configuration), cmd/pubsub_items.c (publish, retract, items),
 * cmd/pubsub_subs.c (subscriptions and affiliations) and
 * cmd/pubsub_listen.c (live events).
 */
#ifndef STANZA_CMD_PUBSUB_H
#define STANZA_CMD_PUBSUB_H

#include <stdbool.h>

#include <strophe.h>

#include "lib/form.h"
#include "lib/opt.h"
#include "lib/session.h"

struct pubsub {
    struct session s;
    const struct ps_verb *verb;
    const char *verb_name;
    const char *service_opt; /* --service */
    bool pep;                /* --pep */
    char *service;           /* the service we talk to, once known */
    const char *to;          /* requests go here: the service, or NULL for
                                our own account (its answers have no from) */
    char *instant;           /* create: the name of an instant node */
    const char *node;        /* the first argument, if the verb has one */
    int argc;                /* the verb's arguments */
    char **argv;
    /* the verbs' options */
    const char *parent; /* nodes --node */
    struct opt_list fields;
    const char *form_file;
    struct form_input in; /* --form and --field, read */
    bool exists_ok;
    const char *redirect;
    struct opt_list ids;
    const char *text, *json_payload;
    struct opt_list pubopts;
    bool batch;
    bool notify;
    long max;
    const char *subscriber;
    struct opt_list subopts;
    const char *subid;
    struct opt_list sets;
    long count, until_ms;
    bool keep, no_reconnect;
    /* prepared before connecting */
    struct ps_item *items; /* publish */
    size_t nitems;
    xmpp_stanza_t *opts_form; /* publish or subscribe options */
    struct ps_set *setv;      /* --set */
    size_t nsets;
    xmpp_stanza_t *reply; /* the last answer */
};

/* An item to publish */
struct ps_item {
    char *id;               /* NULL: the service picks one */
    xmpp_stanza_t *payload; /* owned, until it is sent */
    size_t line;            /* --batch: its line of standard input */
    bool done;              /* confirmed */
    char *got_id;           /* the id the service gave it */
    xmpp_stanza_t *error;   /* the error answer, owned */
};

/* A change asked for with --set JID=VALUE */
struct ps_set {
    char *jid;         /* owned */
    const char *value; /* borrowed from argv: after the = */
};

extern const char *const ps_usage[];

/* Returns a new request to the service: <iq type=@type><pubsub
 * xmlns=NS_PUBSUB or, with @owner, NS_PUBSUB_OWNER><@verb node=@node/>;
 * *@el is the verb's element (borrowed). */
xmpp_stanza_t *ps_request(struct pubsub *P, const char *type, bool owner,
                          const char *verb, const char *node,
                          xmpp_stanza_t **el);

/* Sends @iq (takes ownership) and waits: RC_OK or RC_REMOTE with the
 * answer in P->reply, or another code after saying why. */
int ps_send(struct pubsub *P, xmpp_stanza_t *iq);

/* The same, an error answer printed (ps_remote_error()). */
int ps_ask(struct pubsub *P, xmpp_stanza_t *iq);

/* Prints the error answer @reply: stderr, and a record with --json.
 * Returns RC_REMOTE. */
int ps_remote_error(struct pubsub *P, xmpp_stanza_t *reply);

/* JSON: the members "service" and "node" (if any) of a result. */
void ps_print_target(struct pubsub *P);

/* A set verb's result: JSON {service, node, @what: true}; --xml the
 * answer; text nothing */
void ps_print_done(struct pubsub *P, const char *what);

/* The child @name of the <pubsub/> of P->reply (either namespace), or
 * NULL; borrowed from P->reply. */
xmpp_stanza_t *ps_reply_child(struct pubsub *P, const char *name);

/*
 * Returns a new submit form of type @form_type with the values of the
 * VAR=VALUE arguments @args (from option @opt), for publish and
 * subscribe options; NULL with none. Sets *@rc to RC_OK, or to
 * RC_USAGE/RC_DATAERR after saying what is wrong.
 */
xmpp_stanza_t *ps_options_form(struct pubsub *P, const char *form_type,
                               const char *opt, const struct opt_list *args,
                               int *rc);

/* Before connecting: the items to publish, the options forms, --set. */
int ps_prepare_publish(struct pubsub *P);
int ps_prepare_subscribe(struct pubsub *P);
int ps_prepare_sets(struct pubsub *P);
int ps_listen_prepare(struct pubsub *P);
void ps_free_items(struct pubsub *P);
void ps_free_sets(struct pubsub *P);

int ps_nodes(struct pubsub *P);
int ps_info(struct pubsub *P);
int ps_create(struct pubsub *P);
int ps_config(struct pubsub *P);
int ps_delete(struct pubsub *P);
int ps_purge(struct pubsub *P);
int ps_publish(struct pubsub *P);
int ps_retract(struct pubsub *P);
int ps_items(struct pubsub *P);
int ps_subscribe(struct pubsub *P);
int ps_unsubscribe(struct pubsub *P);
int ps_subscriptions(struct pubsub *P);
int ps_subscribers(struct pubsub *P);
int ps_affiliations(struct pubsub *P);
int ps_affiliates(struct pubsub *P);
int ps_listen(struct pubsub *P);

#endif
