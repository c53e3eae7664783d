/* cmd/console_tty.c - line editing for `stanza console` (libedit)
 *
 * libedit in unbuffered mode: the event loop hands it each key as the
 * terminal has one, so traffic keeps flowing while a line is typed.
 * Output clears the line being typed first and has libedit redraw it
 * after (tty_hide(), tty_show()). History is kept in
 * ${XDG_STATE_HOME:-~/.local/state}/stanza/history, secrets masked.
 */
#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "lib/err.h"
#include "lib/rc.h"
#include "lib/trace.h"

#define PROMPT      "stanza> "
#define PROMPT_MORE "   ...> "
#define HISTORY_MAX 1000

static struct {
    struct console *C;
    EditLine *el;
    History *hist;
    char *path; /* the history file, or NULL */
    bool shown; /* the input line is on the screen */
} tty;

static char *state_dir(void)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char *dir = NULL;

    if (xdg && *xdg == '/' && asprintf(&dir, "%s/stanza", xdg) < 0)
        dir = NULL;
    else if (!dir && home && *home == '/' &&
             asprintf(&dir, "%s/.local/state/stanza", home) < 0)
        dir = NULL;
    return dir;
}

/* mkdir -p, private */
static int make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

static void history_open(void)
{
    HistEvent ev;
    char *dir = state_dir();
    int fd;

    tty.hist = history_init();
    history(tty.hist, &ev, H_SETSIZE, HISTORY_MAX);
    history(tty.hist, &ev, H_SETUNIQUE, 1);
    if (!dir || make_dirs(dir) != 0 ||
        asprintf(&tty.path, "%s/history", dir) < 0)
        tty.path = NULL;
    free(dir);
    if (!tty.path)
        return;
    /* private from the start: it holds what was typed */
    if ((fd = open(tty.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0)
        close(fd);
    history(tty.hist, &ev, H_LOAD, tty.path);
}

/* One history entry per stanza or helper, secrets masked, on one line. */
void tty_remember(struct console *C, const char *text)
{
    char *m = trace_mask(text, C->s->acct.password);
    size_t n = strlen(m);
    HistEvent ev;

    for (char *p = m; *p; p++)
        if (*p == '\n')
            *p = ' ';
    while (n && m[n - 1] == ' ')
        m[--n] = '\0';
    if (n)
        history(tty.hist, &ev, H_ENTER, m);
    free(m);
}

static const char *prompt(EditLine *el)
{
    (void)el;
    return tty.C && tty.C->plen ? PROMPT_MORE : PROMPT;
}

/* Starts a new input line: libedit forgets the old one and draws the
 * prompt (read_prepare(), run when unbuffered mode is switched on). */
static void new_line(void)
{
    el_set(tty.el, EL_UNBUFFERED, 0);
    el_set(tty.el, EL_UNBUFFERED, 1);
    tty.shown = true;
}

void tty_cancel(struct console *C)
{
    (void)C;
    fputs("^C\n", stdout);
    new_line();
}

/* The candidates for completing the @n bytes at @word. */
static size_t candidates(const char *word, size_t n, bool helper,
                         const char **out, size_t max)
{
    struct console *C = tty.C;
    size_t k = 0;

    if (helper) {
        for (size_t i = 0; console_helpers[i] && k < max; i++)
            if (!strncmp(console_helpers[i], word, n))
                out[k++] = console_helpers[i];
        return k;
    }
    for (int i = 0; i < C->njids && k < max; i++)
        if (!strncmp(C->jids[i], word, n))
            out[k++] = C->jids[i];
    return k;
}

static size_t common_prefix(const char **m, size_t k)
{
    size_t len = strlen(m[0]);

    for (size_t i = 1; i < k; i++) {
        size_t j = 0;

        while (j < len && m[i][j] == m[0][j])
            j++;
        len = j;
    }
    return len;
}

/* Tab: helper names at the start of a line, else JIDs seen so far. */
static unsigned char complete(EditLine *el, int ch)
{
    const LineInfo *li = el_line(el);
    const char *word = li->cursor, *m[CONSOLE_JIDS + 32];
    size_t n, k, common;
    char *add;

    (void)ch;
    while (word > li->buffer && !strchr(" \t\"'<>=", word[-1]))
        word--;
    n = (size_t)(li->cursor - word);
    k = candidates(word, n, word == li->buffer && n && *word == '/', m,
                   sizeof(m) / sizeof(*m));
    if (!k)
        return CC_ERROR;
    common = common_prefix(m, k);
    if (common > n) {
        if (!(add = strndup(m[0] + n, common - n)))
            abort();
        el_insertstr(el, add);
        free(add);
    }
    if (k == 1)
        el_insertstr(el, " ");
    if (k == 1 || common > n)
        return CC_REFRESH;
    fputc('\n', stdout); /* several: list them under the line */
    for (size_t i = 0; i < k; i++)
        fprintf(stdout, "%s%s", m[i], i + 1 < k ? "  " : "\n");
    return CC_REDISPLAY;
}

int tty_start(struct console *C)
{
    tty.C = C;
    if (!(tty.el = el_init("stanza", stdin, stdout, stderr)))
        return fail(RC_SOFTWARE, "cannot start line editing");
    history_open();
    el_set(tty.el, EL_EDITOR, "emacs");
    el_set(tty.el, EL_PROMPT, prompt);
    el_set(tty.el, EL_HIST, history, tty.hist);
    /* the wide call: the narrow one copies the strings and never frees */
    el_wset(tty.el, EL_ADDFN, L"stanza-complete", L"complete a helper or a JID",
            complete);
    el_set(tty.el, EL_BIND, "^I", "stanza-complete", NULL);
    /* libedit binds ^R to redisplay: a person expects search */
    el_set(tty.el, EL_BIND, "^R", "em-inc-search-prev", NULL);
    el_source(tty.el, NULL); /* ~/.editrc, as every libedit program */
    new_line();
    return RC_OK;
}

void tty_read(struct console *C)
{
    int n = 0;
    const char *line = el_gets(tty.el, &n);
    char *copy;

    if (!line && n < 0)
        return; /* an editing key that failed (^K on an empty line...) */
    /* Ctrl-D on an empty line: unbuffered, libedit returns it as "^D" */
    if (!line || (n == 1 && line[0] == ('D' & 037))) {
        C->eof = true;
        fputc('\n', stdout);
        return;
    }
    if (n == 0 || line[n - 1] != '\n')
        return; /* a key: libedit has shown it */
    if (!(copy = strndup(line, (size_t)n - 1)))
        abort();
    tty.shown = false; /* libedit moved to a new line */
    console_line(C, copy);
    free(copy);
    if (!C->quit)
        new_line();
}

/* Output goes above the line being typed: clear it, print, then have
 * libedit draw prompt and line again from the start of the next one. */
void tty_hide(void)
{
    if (tty.el && tty.shown)
        fputs("\r\033[K", stdout);
}

void tty_show(void)
{
    if (tty.el && tty.shown)
        el_set(tty.el, EL_REFRESH);
}

void tty_pause(void)
{
    tty_hide();
    tty.shown = false;
}

void tty_resume(void)
{
    tty.shown = true;
    tty_show();
}

void tty_stop(struct console *C)
{
    HistEvent ev;

    if (tty.path && history(tty.hist, &ev, H_SAVE, tty.path) < 0)
        console_note(C, "cannot write the history to %s", tty.path);
    el_end(tty.el); /* the terminal as it was */
    history_end(tty.hist);
    free(tty.path);
    memset(&tty, 0, sizeof(tty));
}
