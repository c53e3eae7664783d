/* cmd/console.h - the parts of `stanza console`
 *
 * console.c   the command: input assembly, sending, waiting for answers
 * console_view.c   how traffic is shown: pretty or raw XML, records,
 *                  colours, timestamps, filters, the transcript
 * console_cmds.c   the /helpers
 * console_tty.c    line editing (libedit), history, completion
 */
#ifndef STANZA_CMD_CONSOLE_H
#define STANZA_CMD_CONSOLE_H

#include <stdbool.h>
#include <stdio.h>

#include <strophe.h>

#include "lib/idset.h"
#include "lib/session.h"

#define CONSOLE_FILTERS 16
#define CONSOLE_JIDS    256 /* remembered for completion */
#define CONSOLE_CHATS   64  /* conversations whose last writer we know */

struct filter {
    bool only;    /* "only": show what matches; else hide it */
    char what[8]; /* kind, type, jid, ns */
    char *value;
};

struct view {
    bool pretty; /* indented XML (else one line) */
    bool json;   /* records instead of XML */
    bool color;  /* ANSI colours by kind */
    bool stamps; /* a timestamp before each element */
    bool all;    /* stream-level elements too (login, acks) */
    FILE *save;  /* /save: a transcript, or NULL */
    char *save_path;
    struct filter filters[CONSOLE_FILTERS];
    int nfilters;
};

struct chat { /* a conversation: who last wrote from which resource */
    char *bare, *full;
};

struct waiting { /* an iq get/set that waits for its answer */
    char *id, *to;
};

struct console {
    struct session *s;
    bool interactive; /* standard input is a terminal */
    long wait_ms;     /* --wait */
    struct view view;
    /* input */
    char *pending; /* XML typed so far, not yet whole stanzas */
    size_t plen;
    long line, first_line; /* lines read; the first line of pending */
    char *rbuf;            /* bytes read from a pipe, not yet a line */
    size_t rlen, rcap;
    bool eof, quit;
    long long hold_until; /* /wait: no input before this (monotonic ms) */
    bool hold_answers;    /* /wait: ... or until every iq is answered */
    /* what we sent and wait for */
    struct waiting *wait;
    size_t nwait;
    struct idset sent; /* ids of what we sent, to know its bounces */
    unsigned long seq;
    int rc; /* RC_REMOTE after an error answer, RC_DATAERR after bad input */
    bool no_reconnect;
    xmpp_stanza_t *presence; /* the last broadcast presence sent, or NULL */
    char *jids[CONSOLE_JIDS];
    int njids;
    struct chat chats[CONSOLE_CHATS];
    int nchats;
};

/* console.c */
void console_send(struct console *C, xmpp_stanza_t *st);
void console_line(struct console *C, const char *line);
void console_submit(struct console *C, const char *xml);
void console_print(struct console *C, const char *text);
void console_note(struct console *C, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void console_seen_jid(struct console *C, const char *jid);
const char *console_chat_to(const struct console *C, const char *jid);

/* console_view.c */
void view_init(struct view *v, struct console *C);
void view_traffic(struct console *C, const char *dir, const char *xml);
int view_filter_cmd(struct console *C, const char *args);
int view_save_cmd(struct console *C, const char *path);
void view_free(struct view *v);

/* console_cmds.c: runs "/name args"; false if @line is no helper */
void console_command(struct console *C, const char *line);
extern const char *const console_helpers[];

/* console_tty.c */
int tty_start(struct console *C);
void tty_read(struct console *C);
void tty_hide(void); /* before printing: clears the line being typed */
void tty_show(void); /* after printing: puts it back */
void tty_cancel(struct console *C); /* after Ctrl-C */
void tty_pause(void); /* the line leaves the screen until tty_resume() */
void tty_resume(void);
void tty_remember(struct console *C, const char *text);
void tty_stop(struct console *C);

#endif
