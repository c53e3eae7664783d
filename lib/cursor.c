/* lib/cursor.c - a cursor file: where a reader of the archive left off */
#include "cursor.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "rc.h"

bool cursor_id_valid(const char *id)
{
    size_t n = strlen(id);

    if (n == 0 || n > CURSOR_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (id[i] < 0x21 || id[i] > 0x7e)
            return false;
    return true;
}

int cursor_read(const char *path, char **id)
{
    char buf[CURSOR_ID_MAX + 3];
    FILE *f = fopen(path, "re");
    size_t n;

    *id = NULL;
    if (!f && errno == ENOENT)
        return RC_OK; /* the first run: no place yet */
    if (!f)
        return fail(RC_NOINPUT, "cannot read the cursor file '%s': %s", path,
                    strerror(errno));
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    if (strlen(buf) != n || (n && !cursor_id_valid(buf)))
        return fail(RC_DATAERR,
                    "the cursor file '%s' does not hold one archive id (one "
                    "line of at most %d printable characters) — remove it "
                    "to start afresh",
                    path, CURSOR_ID_MAX);
    if (!(*id = strdup(buf)))
        abort();
    return RC_OK;
}

/* The directory of @path, as a new string. */
static char *dir_of(const char *path)
{
    char *copy = strdup(path), *dir;

    if (!copy || !(dir = strdup(dirname(copy))))
        abort();
    free(copy);
    return dir;
}

int cursor_check(const char *path)
{
    char *dir = dir_of(path);
    int ok = access(dir, W_OK | X_OK) == 0;
    int err = errno;
    struct stat st;

    free(dir);
    if (!ok)
        return fail(RC_IOERR, "cannot write the cursor file '%s': %s", path,
                    strerror(err));
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return fail(RC_IOERR, "the cursor file '%s' is not a regular file",
                    path);
    return RC_OK;
}

int cursor_write(const char *path, const char *id)
{
    char *tmp;
    int fd, err = 0;
    size_t len = strlen(id);

    if (asprintf(&tmp, "%s.tmp", path) < 0)
        abort();
    errno = 0;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, id, len) != (ssize_t)len ||
        write(fd, "\n", 1) != 1 || fsync(fd) != 0)
        err = errno ? errno : EIO;
    if (fd >= 0 && close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, path) != 0)
        err = errno;
    if (err)
        unlink(tmp);
    free(tmp);
    if (err)
        return fail(RC_IOERR, "cannot write the cursor file '%s': %s", path,
                    strerror(err));
    return RC_OK;
}
