/* cmd/cmd.h - the subcommands
 *
 * Adding a subcommand: write cmd/NAME.c with cmd_NAME(), add its row to
 * commands[] in cmd/main.c (sorted), and in the same change its man page
 * (man/stanza-NAME.1.scd), completions, e2e tests (tests/e2e/NN-NAME.bats)
 * and a README line.
 */
#ifndef STANZA_CMD_H
#define STANZA_CMD_H

#define CMD_STREAMS 1u /* prints NDJSON, one object per event */
#define CMD_HIDDEN  2u /* not listed in --help */

struct cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    unsigned flags;
    const char *summary;
};

int cmd_block(int argc, char **argv);
int cmd_command(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_disco(int argc, char **argv);
int cmd_iq(int argc, char **argv);
int cmd_last(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_muc(int argc, char **argv);
int cmd_ping(int argc, char **argv);
int cmd_presence(int argc, char **argv);
int cmd_pubsub(int argc, char **argv);
int cmd_raw(int argc, char **argv);
int cmd_roster(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_time(int argc, char **argv);
int cmd_unblock(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
