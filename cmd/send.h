/* cmd/send.h - what `send` shares with `muc say` */
#ifndef STANZA_CMD_SEND_H
#define STANZA_CMD_SEND_H

#include <stddef.h>

/*
 * The messages to send, as `send` reads them: the words @argv joined by
 * spaces, or (with @argc 0) standard input, one message per non-empty
 * line; each checked (UTF-8, control characters, size). Sets *@texts
 * to a new array of @n new strings. Returns RC_OK, or the exit code
 * after printing why.
 */
int send_read_texts(int argc, char **argv, char ***texts, size_t *n);

/* Frees what send_read_texts() returned. */
void send_free_texts(char **texts, size_t n);

#endif
