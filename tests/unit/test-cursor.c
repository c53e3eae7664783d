/* tests/unit/test-cursor.c - the --cursor file: one archive id, or none */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cursor.h"
#include "lib/rc.h"
#include "tests/unit/tap.h"

static void put(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "w");

    fwrite(text, 1, len, f);
    fclose(f);
}

static int read_back(const char *path, char **id)
{
    free(*id);
    *id = NULL;
    return cursor_read(path, id);
}

int main(void)
{
    char dir[] = "/tmp/stanza-test-cursor.XXXXXX", path[128], tmp[160];
    char *id = NULL, longid[CURSOR_ID_MAX + 2];
    struct stat st;

    ok(mkdtemp(dir) != NULL, "a scratch directory");
    snprintf(path, sizeof(path), "%s/cur", dir);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);

    ok(cursor_id_valid("1795622305440127"), "an ejabberd id is valid");
    ok(cursor_id_valid("hZae8mRYbbUDNjEykBDDdjJ6"), "a Prosody id is valid");
    ok(!cursor_id_valid("") && !cursor_id_valid("a b") &&
           !cursor_id_valid("a\tb") && !cursor_id_valid("\xc3\xa9"),
       "empty, spaces, controls and non-ASCII are not ids");
    memset(longid, 'x', sizeof(longid) - 1);
    longid[sizeof(longid) - 1] = '\0';
    ok(!cursor_id_valid(longid), "an id over CURSOR_ID_MAX is refused");
    longid[CURSOR_ID_MAX] = '\0';
    ok(cursor_id_valid(longid), "CURSOR_ID_MAX bytes are fine");

    ok(read_back(path, &id) == RC_OK && id == NULL,
       "no file yet: RC_OK, no place");
    ok(cursor_check(path) == RC_OK, "a new file in a writable directory");
    ok(cursor_write(path, "abc-123") == RC_OK, "written");
    ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600");
    ok(access(tmp, F_OK) != 0, "no temporary file left");
    ok(read_back(path, &id) == RC_OK, "read back");
    is_str(id, "abc-123", "the same id");
    ok(cursor_write(path, "") == RC_OK && read_back(path, &id) == RC_OK,
       "the archive's start, written and read");
    is_str(id, "", "an empty line is the start");

    put(path, "abc\n\n", 5);
    ok(read_back(path, &id) == RC_DATAERR && id == NULL, "two lines: 65");
    put(path, "a b\n", 4);
    ok(read_back(path, &id) == RC_DATAERR, "a space: 65");
    put(path, "ab\0c\n", 5);
    ok(read_back(path, &id) == RC_DATAERR, "a NUL: 65");
    put(path, "xyz", 3);
    ok(read_back(path, &id) == RC_OK, "no final newline is fine");
    is_str(id, "xyz", "its id");

    snprintf(tmp, sizeof(tmp), "%s/no/such/dir/cur", dir);
    ok(cursor_check(tmp) == RC_IOERR, "a missing directory: 74");
    ok(cursor_check(dir) == RC_IOERR, "a directory is not a cursor file");

    free(id);
    unlink(path);
    rmdir(dir);
    return done_testing();
}
