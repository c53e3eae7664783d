/* cmd/muc.h - `stanza muc`: what its files and `stanza send --muc` share */
#ifndef STANZA_CMD_MUC_H
#define STANZA_CMD_MUC_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/form.h"
#include "lib/muc.h"
#include "lib/opt.h"
#include "lib/session.h"

/* How to enter a room: options of every verb that joins. */
struct muc_join_opts {
    const char *nick;          /* NULL: the account's local part */
    const char *password_file; /* --room-password-file */
    char *password;            /* read from it or STANZA_ROOM_PASSWORD */
    bool no_history;
};

#define OPT_MUC_JOIN(j)                                                  \
    OPT_STRING(0, "nick", &(j)->nick, "nick",                            \
               "nick in the room (default: the account's local part)"),  \
        OPT_STRING(0, "room-password-file", &(j)->password_file, "file", \
                   "the room's password, from the first line of FILE"),  \
        OPT_BOOL(0, "no-history", &(j)->no_history,                      \
                 "ask the room for no history on joining")

/* Checks the nick and reads the room password (file, or the environment
 * variable STANZA_ROOM_PASSWORD). Returns RC_OK or the exit code. */
int muc_join_opts_read(struct muc_join_opts *j);

/* Applies @j to @r before muc_join(). */
void muc_join_opts_apply(const struct muc_join_opts *j, struct muc_room *r);

void muc_join_opts_free(struct muc_join_opts *j);

/*
 * `muc say` and `send --muc`: joins @room, sends @msgs (with @subject if
 * not NULL) as groupchat messages and waits until the room reflects each
 * one back (its id): that is the confirmation. Then leaves. @s is started
 * but not connected. Prints the results (JSON, XML) and returns the code.
 */
int muc_say(struct session *s, const char *room, const struct muc_join_opts *j,
            char *const *msgs, size_t n, const char *subject);

/* The state of `stanza muc`, shared by its files. */
struct muc {
    struct session s;
    const char *verb;
    const char *room;
    struct muc_join_opts join;
    const char *reason, *alternate;
    bool direct, exists_ok;
    struct opt_list fields;
    const char *form_file;
    struct form_input in;
    /* tail, history */
    long history, limit, count, until_ms;
    const char *since;
    char since_buf[32];
    bool no_reconnect;
    struct muc_room r;
};

/* `muc tail ROOM` and `muc history ROOM` (cmd/muc_tail.c). */
int muc_tail(struct muc *M);
int muc_history(struct muc *M);

/* Administration (cmd/muc_admin.c) and the rooms themselves
 * (cmd/muc_rooms.c): each takes the arguments after the room. */
int muc_admin_check(struct muc *M, const char *verb, int n, char **args);
int muc_kick(struct muc *M, char **args, int n);
int muc_ban(struct muc *M, char **args, int n);
int muc_role(struct muc *M, char **args, int n);
int muc_affiliation(struct muc *M, char **args, int n);
int muc_list(struct muc *M, char **args, int n);
int muc_invite(struct muc *M, char **args, int n);
int muc_create(struct muc *M, char **args, int n);
int muc_config(struct muc *M, char **args, int n);
int muc_destroy(struct muc *M, char **args, int n);
int muc_list_rooms(struct muc *M, char **args, int n);

/* Connects and joins M->room with M->join; @full: wait for the subject
 * (the end of the history). RC_OK once in; otherwise printed. */
int muc_enter(struct muc *M, bool full);

/* Prints the error answer @reply from the room (stderr; --json: a
 * record) and returns RC_REMOTE. */
int muc_remote_error(struct muc *M, xmpp_stanza_t *reply);

/* An iq of @type to the room with a <query xmlns=@ns/> (in *@q). */
xmpp_stanza_t *muc_room_iq(struct muc *M, const char *type, const char *ns,
                           xmpp_stanza_t **q);

/* Sends @iq to the room; RC_OK with *@reply (released by the caller), or
 * the code after saying why. */
int muc_ask(struct muc *M, xmpp_stanza_t *iq, xmpp_stanza_t **reply);

#endif
