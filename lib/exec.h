/* lib/exec.h - one shell command per event, never blocking the loop
 *
 * Each job runs `/bin/sh -c CMD` with its input on stdin (from a memory
 * file, so writing never blocks), extra variables in its environment,
 * STANZA_PASSWORD removed and every descriptor but 0-2 closed, so a child
 * never sees the password or our socket. With capture, its stdout is
 * collected without blocking. At most EXEC_MAX jobs run at once; the rest
 * wait in order.
 */
#ifndef STANZA_LIB_EXEC_H
#define STANZA_LIB_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define EXEC_MAX     8
#define EXEC_OUT_MAX (256 * 1024)

struct exec_job;

/* Called when a job has ended: @status as from waitpid(), @out what it
 * printed (with capture; NUL-terminated, NULL otherwise). */
typedef void (*exec_done_fn)(void *user, int status, const char *out,
                             size_t len, void *arg);

struct execq {
    struct exec_job *jobs; /* running first, then waiting, in order */
    exec_done_fn done;
    void *arg;
};

void exec_init(struct execq *q, exec_done_fn done, void *arg);

/*
 * Queues @cmd with @input on its stdin and @env ("NAME=value" strings,
 * NULL-terminated; copied) added to its environment. @user is handed back
 * to the done callback (and freed by it if needed). Returns 0 or -1.
 */
int exec_submit(struct execq *q, const char *cmd, const char *input, size_t len,
                const char *const *env, bool capture, void *user);

/* Starts waiting jobs, collects output and finished children; never
 * blocks. */
void exec_poll(struct execq *q);

/* True if no job is running or waiting. */
bool exec_idle(const struct execq *q);

/* Waits up to @ms for running jobs, then kills what is left. */
void exec_drain(struct execq *q, long ms);

#endif
