/* cmd/console_cmds.c - the /helpers of `stanza console`
 *
 * Each helper writes the XML a person would have typed and hands it to
 * console_submit(): the same checks, and the traffic view shows what
 * went out.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "lib/jid.h"
#include "lib/stanza.h"
#include "lib/text.h"

const char *const console_helpers[] = {
    "/disco", "/filter", "/help",     "/iq",   "/join", "/json",
    "/msg",   "/ping",   "/presence", "/quit", "/raw",  "/roster",
    "/save",  "/sub",    "/version",  "/wait", NULL,
};

static const char help[] =
    "XML typed or pasted is sent once it is whole (one or more stanzas);\n"
    "malformed XML is shown with its line and column and not sent.\n"
    "  /msg JID TEXT                  a chat message (a bare JID: to the "
    "resource\n"
    "                                 that last wrote from it)\n"
    "  /presence [SHOW] [STATUS]      SHOW: available away chat dnd xa "
    "unavailable\n"
    "  /iq get|set JID NS [XML]       an iq with <query xmlns=NS>XML</query>\n"
    "  /ping [JID]                    XEP-0199 (default: the server)\n"
    "  /version JID                   XEP-0092\n"
    "  /disco [info|items] JID [NODE] XEP-0030\n"
    "  /roster                        the roster\n"
    "  /join ROOM@SERVICE/NICK        enter a chat room\n"
    "  /sub JID                       ask for JID's presence\n"
    "  /filter [hide|only SPEC...]    SPEC: message presence iq, type=T,\n"
    "                                 jid=J, ns=NS; /filter clear; alone: "
    "list\n"
    "  /raw                           one line per element, or indented\n"
    "  /json                          records instead of XML\n"
    "  /save [FILE]                   write the traffic to FILE; alone: "
    "stop\n"
    "  /wait [SECONDS]                until every iq sent is answered, or "
    "SECONDS\n"
    "  /help, /quit (or Ctrl-D)\n";

/* printf where %s arguments are escaped: only %s is understood. */
static void submitf(struct console *C, const char *fmt, ...)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    va_list ap;

    if (!f)
        abort();
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '%' && p[1] == 's') {
            text_put_xml(f, va_arg(ap, const char *), -1, true);
            p++;
        } else if (p[0] == '%' && p[1] == 'r') { /* raw: already XML */
            fputs(va_arg(ap, const char *), f);
            p++;
        } else {
            fputc(*p, f);
        }
    }
    va_end(ap);
    fclose(f);
    console_submit(C, buf);
    free(buf);
}

/* Splits the next word off *@rest; NULL at the end. */
static char *word(char **rest)
{
    char *w;

    *rest += strspn(*rest, " \t");
    if (!**rest)
        return NULL;
    w = *rest;
    *rest += strcspn(*rest, " \t");
    if (**rest)
        *(*rest)++ = '\0';
    *rest += strspn(*rest, " \t");
    return w;
}

static bool need_jid(struct console *C, const char *cmd, const char *jid)
{
    const char *why = "missing";

    if (jid && jid_valid(jid, &why))
        return true;
    console_note(C, "%s: %s JID%s%s — see /help", cmd, jid ? "invalid" : "no",
                 jid ? ": " : "", jid ? why : "");
    return false;
}

static void cmd_msg(struct console *C, char *args)
{
    char *to = word(&args);

    if (!need_jid(C, "/msg", to))
        return;
    if (!*args) {
        console_note(C, "/msg: no text — usage: /msg JID TEXT");
        return;
    }
    submitf(C, "<message type=\"chat\" to=\"%s\"><body>%s</body></message>",
            console_chat_to(C, to), args);
}

static void cmd_presence(struct console *C, char *args)
{
    static const char *const shows[] = { "away", "chat", "dnd", "xa", NULL };
    char *all = strdup(args), *rest = args, *show = word(&rest);
    bool known = false;

    if (!all)
        abort();
    for (int i = 0; show && shows[i]; i++)
        known |= !strcmp(show, shows[i]);
    if (show && !strcmp(show, "unavailable"))
        submitf(C, "<presence type=\"unavailable\">%r%s%r</presence>",
                *rest ? "<status>" : "", rest, *rest ? "</status>" : "");
    else if (known || (show && !strcmp(show, "available")))
        submitf(C, "<presence>%r%s%r%r%s%r</presence>", known ? "<show>" : "",
                known ? show : "", known ? "</show>" : "",
                *rest ? "<status>" : "", rest, *rest ? "</status>" : "");
    else /* no SHOW: all of it is the status */
        submitf(C, "<presence>%r%s%r</presence>", *all ? "<status>" : "", all,
                *all ? "</status>" : "");
    free(all);
}

static void cmd_iq(struct console *C, char *args)
{
    char *type = word(&args), *to = word(&args), *ns = word(&args);

    if (!type || (strcmp(type, "get") && strcmp(type, "set")) || !ns) {
        console_note(C, "usage: /iq get|set JID NS [XML]");
        return;
    }
    if (!need_jid(C, "/iq", to))
        return;
    submitf(C,
            *args ? "<iq type=\"%s\" to=\"%s\"><query xmlns=\"%s\">%r</query>"
                    "</iq>"
                  : "<iq type=\"%s\" to=\"%s\"><query xmlns=\"%s\"/>%r</iq>",
            type, to, ns, args);
}

/* <iq type=get [to=JID]><NAME xmlns=NS [node=NODE]/></iq> */
static void query(struct console *C, const char *cmd, const char *to,
                  const char *name, const char *ns, const char *node)
{
    if (to && !need_jid(C, cmd, to))
        return;
    submitf(C, "<iq type=\"get\"%r%s%r><%r xmlns=\"%s\"%r%s%r/></iq>",
            to ? " to=\"" : "", to ? to : "", to ? "\"" : "", name, ns,
            node ? " node=\"" : "", node ? node : "", node ? "\"" : "");
}

static void cmd_disco(struct console *C, char *args)
{
    char *what = word(&args), *to = what, *node;

    if (what && (!strcmp(what, "info") || !strcmp(what, "items")))
        to = word(&args);
    else
        what = "info";
    if (!to) {
        console_note(C, "usage: /disco [info|items] JID [NODE]");
        return;
    }
    node = word(&args);
    query(C, "/disco", to, "query",
          what[1] == 'n' ? NS_DISCO_INFO : NS_DISCO_ITEMS, node);
}

static void cmd_join(struct console *C, char *args)
{
    char *to = word(&args);

    if (!need_jid(C, "/join", to))
        return;
    if (!strchr(to, '/')) {
        console_note(C, "/join: give a nick: /join ROOM@SERVICE/NICK");
        return;
    }
    submitf(C,
            "<presence to=\"%s\"><x xmlns=\"http://jabber.org/protocol/muc\"/>"
            "</presence>",
            to);
}

static void cmd_sub(struct console *C, char *args)
{
    char *to = word(&args);

    if (need_jid(C, "/sub", to))
        submitf(C, "<presence type=\"subscribe\" to=\"%s\"/>", to);
}

/* /wait: until every iq sent is answered (at most --timeout), or
 * SECONDS; the input waits meanwhile. */
static void cmd_wait(struct console *C, char *args)
{
    char *end;
    double secs = *args ? strtod(args, &end) : 0;

    if (*args && (*end || !(secs >= 0 && secs <= 3600))) {
        console_note(C, "usage: /wait [SECONDS] (at most 3600)");
        return;
    }
    C->hold_answers = !*args;
    C->hold_until = session_now() +
                    (*args ? (long long)(secs * 1000) : C->s->opt.timeout_ms);
}

static void toggle(struct console *C, bool *flag, const char *on,
                   const char *off)
{
    *flag = !*flag;
    console_note(C, "%s", *flag ? on : off);
}

void console_command(struct console *C, const char *line)
{
    char *copy = strdup(line), *args = copy, *name;

    if (!copy)
        abort();
    name = word(&args);
    if (!strcmp(name, "/msg"))
        cmd_msg(C, args);
    else if (!strcmp(name, "/presence"))
        cmd_presence(C, args);
    else if (!strcmp(name, "/iq"))
        cmd_iq(C, args);
    else if (!strcmp(name, "/ping"))
        query(C, "/ping", word(&args), "ping", "urn:xmpp:ping", NULL);
    else if (!strcmp(name, "/version"))
        query(C, "/version", word(&args), "query", "jabber:iq:version", NULL);
    else if (!strcmp(name, "/disco"))
        cmd_disco(C, args);
    else if (!strcmp(name, "/roster"))
        query(C, "/roster", NULL, "query", "jabber:iq:roster", NULL);
    else if (!strcmp(name, "/join"))
        cmd_join(C, args);
    else if (!strcmp(name, "/sub"))
        cmd_sub(C, args);
    else if (!strcmp(name, "/filter"))
        view_filter_cmd(C, args);
    else if (!strcmp(name, "/raw"))
        toggle(C, &C->view.pretty, "indented XML", "one line per element");
    else if (!strcmp(name, "/json"))
        toggle(C, &C->view.json, "records (JSON)", "XML");
    else if (!strcmp(name, "/save"))
        view_save_cmd(C, word(&args));
    else if (!strcmp(name, "/help"))
        console_print(C, help);
    else if (!strcmp(name, "/wait"))
        cmd_wait(C, args);
    else if (!strcmp(name, "/quit"))
        C->quit = true;
    else
        console_note(C, "%s: no such helper — /help lists them", name);
    free(copy);
}
