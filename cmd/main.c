/* cmd/main.c - the multi-call entry point and the dispatch table */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cmd.h"
#include "lib/err.h"
#include "lib/rc.h"

#ifndef STANZA_VERSION
#define STANZA_VERSION "0.1.0"
#endif

static const struct cmd commands[] = {
    /* sorted; a test checks */
    { "block", cmd_block, 0, "block JIDs, list the blocked ones (XEP-0191)" },
    { "command", cmd_command, 0,
      "list and run ad-hoc commands: server administration (XEP-0050)" },
    { "console", cmd_console, CMD_STREAMS,
      "interactive XML console: live traffic, checked input, helpers" },
    { "disco", cmd_disco, 0,
      "service discovery: info, items, the tree, find a service" },
    { "iq", cmd_iq, CMD_STREAMS,
      "send an iq query by namespace, print the answer" },
    { "last", cmd_last, 0,
      "idle time of a user, uptime of a server (XEP-0012)" },
    { "listen", cmd_listen, CMD_STREAMS,
      "print incoming stanzas; run a command for each" },
    { "muc", cmd_muc, CMD_STREAMS,
      "chat rooms: join, say, tail, occupants, moderate, configure" },
    { "ping", cmd_ping, 0, "round trip to an entity (XEP-0199)" },
    { "presence", cmd_presence, CMD_STREAMS,
      "hold a presence (show, status); a contact's presence" },
    { "pubsub", cmd_pubsub, CMD_STREAMS,
      "publish-subscribe and PEP: nodes, items, subscriptions, events" },
    { "raw", cmd_raw, CMD_STREAMS, "send XML stanzas, print the answers" },
    { "roster", cmd_roster, 0,
      "contacts, subscriptions and who is online (RFC 6121)" },
    { "send", cmd_send, 0, "send messages and wait until the server confirms" },
    { "time", cmd_time, 0, "an entity's clock (XEP-0202)" },
    { "unblock", cmd_unblock, 0, "unblock JIDs (XEP-0191)" },
    { "version", cmd_version, 0, "an entity's software version (XEP-0092)" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(*commands))

static const struct cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: stanza [--version] [--help] <command> [<args>]\n"
               "\nCommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!(commands[i].flags & CMD_HIDDEN))
            fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'stanza help <command>' or 'stanza <command> --help' "
               "shows a command's options;\n'man stanza' documents accounts, "
               "output formats and exit codes.\n");
}

/* curl's main_checkfds(): make sure 0-2 are open before any socket is. */
static void check_fds(void)
{
    int fd;

    do {
        fd = open("/dev/null", O_RDWR);
    } while (fd >= 0 && fd <= 2);
    if (fd >= 0)
        close(fd);
}

static int finish(int rc)
{
    if (fflush(stdout) != 0 && errno != EPIPE && rc == RC_OK)
        return fail(RC_IOERR, "cannot write the output: %s", strerror(errno));
    return rc;
}

static int run(const struct cmd *c, int argc, char **argv)
{
    return finish(c->fn(argc, argv));
}

/* git's way: `stanza foo` runs `stanza-foo` from PATH. Returns only if
 * there is none (-1) or it cannot be run. */
static int run_external(char **argv)
{
    char *name, *cmd = argv[0];
    int err;

    if (asprintf(&name, "stanza-%s", cmd) < 0)
        return RC_SOFTWARE;
    argv[0] = name;
    signal(SIGPIPE, SIG_DFL); /* a plug-in gets the usual disposition */
    execvp(name, argv);
    signal(SIGPIPE, SIG_IGN);
    err = errno;
    argv[0] = cmd;
    free(name);
    if (err != ENOENT)
        return fail(RC_SOFTWARE, "cannot run 'stanza-%s': %s", cmd,
                    strerror(err));
    return -1;
}

static int dispatch(int argc, char **argv)
{
    const struct cmd *c;
    int rc;

    if (strcmp(argv[0], "help") == 0) {
        if (argc < 2) {
            usage(stdout);
            return finish(RC_OK);
        }
        argv[0] = argv[1];
        argv[1] = "--help";
        argc = 2;
    }
    if ((c = find_cmd(argv[0])))
        return run(c, argc, argv);
    if ((rc = run_external(argv)) != -1)
        return rc;
    return fail(RC_USAGE, "'%s' is not a stanza command — see 'stanza --help'",
                argv[0]);
}

static int main_options(int argc, char **argv)
{
    const char *opt = argv[1];

    if (argc < 2) {
        usage(stderr);
        return RC_USAGE;
    }
    if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
        usage(stdout);
        return finish(RC_OK);
    }
    if (!strcmp(opt, "--version") || !strcmp(opt, "-V")) {
        printf("stanza %s\n", STANZA_VERSION);
        return finish(RC_OK);
    }
    if (!strcmp(opt, "--list-commands")) {
        for (size_t i = 0; i < NCOMMANDS; i++)
            printf("%s\n", commands[i].name);
        return finish(RC_OK);
    }
    if (opt[0] == '-')
        return fail(RC_USAGE, "unknown option '%s' — see 'stanza --help'", opt);
    return finish(dispatch(argc - 1, argv + 1));
}

/* No core dump or debugger may read a password out of this process. */
static void protect_memory(void)
{
    struct rlimit none = { 0, 0 };

    setrlimit(RLIMIT_CORE, &none);
#if !defined(__SANITIZE_ADDRESS__) /* LeakSanitizer needs to ptrace us */
    prctl(PR_SET_DUMPABLE, 0);
#endif
}

int main(int argc, char **argv)
{
    const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
    const struct cmd *c;

    base = base ? base + 1 : (argc > 0 ? argv[0] : "stanza");
    check_fds();
    protect_memory();
    signal(SIGPIPE, SIG_IGN);
    if (strncmp(base, "stanza-", 7) == 0) {
        if (!(c = find_cmd(base + 7)))
            return fail(RC_USAGE, "'%s' is not a stanza command", base + 7);
        argv[0] = (char *)c->name;
        return run(c, argc, argv);
    }
    return main_options(argc, argv);
}
