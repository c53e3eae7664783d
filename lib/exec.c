/* lib/exec.c - one shell command per event, never blocking the loop */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"

struct exec_job {
    char *cmd;
    int in_fd;  /* memory file holding the input */
    char **env; /* owned */
    bool capture;
    void *user;
    pid_t pid; /* 0 while waiting */
    int out_fd;
    char *out;
    size_t len;
    struct exec_job *next;
};

void exec_init(struct execq *q, exec_done_fn done, void *arg)
{
    memset(q, 0, sizeof(*q));
    q->done = done;
    q->arg = arg;
}

static char **copy_env(const char *const *env)
{
    size_t n = 0;
    char **v;

    while (env && env[n])
        n++;
    if (!(v = calloc(n + 1, sizeof(*v))))
        abort();
    for (size_t i = 0; i < n; i++)
        if (!(v[i] = strdup(env[i])))
            abort();
    return v;
}

static int input_file(const char *input, size_t len)
{
    int fd = memfd_create("stanza-exec-input", MFD_CLOEXEC);

    if (fd < 0)
        return -1;
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, input + off, len - off);

        if (w < 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

int exec_submit(struct execq *q, const char *cmd, const char *input, size_t len,
                const char *const *env, bool capture, void *user)
{
    struct exec_job *j = calloc(1, sizeof(*j)), **p = &q->jobs;

    if (!j)
        abort();
    if ((j->in_fd = input_file(input, len)) < 0) {
        free(j);
        return -1;
    }
    j->cmd = strdup(cmd);
    j->env = copy_env(env);
    j->capture = capture;
    j->user = user;
    j->out_fd = -1;
    while (*p)
        p = &(*p)->next;
    *p = j;
    exec_poll(q);
    return 0;
}

/* In the child: the environment without secrets, plus the job's. */
static void child(struct exec_job *j, int out[2])
{
    sigset_t none;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    dup2(j->in_fd, 0);
    if (j->capture)
        dup2(out[1], 1);
    syscall(SYS_close_range, 3U, ~0U, 0U); /* our socket, the trace... */
    unsetenv("STANZA_PASSWORD");
    for (size_t i = 0; j->env[i]; i++)
        putenv(j->env[i]);
    execl("/bin/sh", "sh", "-c", j->cmd, (char *)NULL);
    _exit(127);
}

static void start(struct exec_job *j)
{
    int out[2] = { -1, -1 };

    fflush(stdout);
    fflush(stderr);
    if (j->capture && pipe2(out, O_CLOEXEC) != 0) {
        warn("--exec: cannot create a pipe: %s", strerror(errno));
        j->pid = -1;
        return;
    }
    j->pid = fork();
    if (j->pid == 0)
        child(j, out);
    if (j->pid < 0)
        warn("--exec: cannot start '%s': %s", j->cmd, strerror(errno));
    close(j->in_fd);
    j->in_fd = -1;
    if (j->capture) {
        close(out[1]);
        j->out_fd = out[0];
        fcntl(j->out_fd, F_SETFL, O_NONBLOCK);
    }
}

/* Reads what is there; returns true once the pipe is at its end. */
static bool collect(struct exec_job *j)
{
    char buf[4096];
    ssize_t r;

    if (j->out_fd < 0)
        return true;
    while ((r = read(j->out_fd, buf, sizeof(buf))) > 0) {
        size_t n = (size_t)r;

        if (j->len + n > EXEC_OUT_MAX)
            n = EXEC_OUT_MAX - j->len; /* the rest is dropped */
        if (!(j->out = realloc(j->out, j->len + n + 1)))
            abort();
        memcpy(j->out + j->len, buf, n);
        j->len += n;
        j->out[j->len] = '\0';
    }
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return false;
    close(j->out_fd);
    j->out_fd = -1;
    return true;
}

static void job_free(struct exec_job *j)
{
    if (j->in_fd >= 0)
        close(j->in_fd);
    if (j->out_fd >= 0)
        close(j->out_fd);
    for (size_t i = 0; j->env && j->env[i]; i++)
        free(j->env[i]);
    free(j->env);
    free(j->cmd);
    free(j->out);
    free(j);
}

/* Returns true if @j has ended (and reports it). */
static bool reap(struct execq *q, struct exec_job *j)
{
    int status = 0;

    if (j->pid > 0) {
        bool eof = collect(j);

        if (!eof || waitpid(j->pid, &status, WNOHANG) != j->pid)
            return false;
    } else {
        status = 127 << 8;
    }
    q->done(j->user, status, j->capture ? (j->out ? j->out : "") : NULL, j->len,
            q->arg);
    return true;
}

void exec_poll(struct execq *q)
{
    size_t running = 0;

    for (struct exec_job **p = &q->jobs; *p;) {
        struct exec_job *j = *p;

        if (j->pid == 0 && running < EXEC_MAX)
            start(j);
        if (j->pid != 0 && reap(q, j)) {
            *p = j->next;
            job_free(j);
            continue;
        }
        running += j->pid != 0;
        p = &j->next;
    }
}

bool exec_idle(const struct execq *q)
{
    return q->jobs == NULL;
}

void exec_drain(struct execq *q, long ms)
{
    struct timespec pause = { 0, 20 * 1000 * 1000 };

    for (long waited = 0; !exec_idle(q) && waited < ms; waited += 20) {
        exec_poll(q);
        nanosleep(&pause, NULL);
    }
    for (struct exec_job *j = q->jobs; j; j = j->next) {
        if (j->pid > 0)
            kill(j->pid, SIGKILL);
        if (j->out_fd >= 0) /* a grandchild may hold it open */
            close(j->out_fd);
        j->out_fd = -1;
    }
    while (!exec_idle(q)) {
        for (struct exec_job *j = q->jobs; j; j = j->next)
            if (j->pid == 0)
                j->pid = -1; /* never started: reported as not run */
        exec_poll(q);
        nanosleep(&pause, NULL);
    }
}
