/* tests/unit/tap.h - a tiny TAP producer for the unit tests */
#ifndef STANZA_TESTS_TAP_H
#define STANZA_TESTS_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void ok_(int cond, const char *name, const char *file, int line)
{
    tap_n++;
    printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
    if (!cond) {
        tap_failed++;
        printf("#   failed at %s:%d\n", file, line);
    }
}

static inline void is_str_(const char *got, const char *want, const char *name,
                           const char *file, int line)
{
    int eq = (!got && !want) || (got && want && strcmp(got, want) == 0);

    ok_(eq, name, file, line);
    if (!eq)
        printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)",
               want ? want : "(null)");
}

#define ok(cond, name) ok_((cond), (name), __FILE__, __LINE__)
#define is_str(got, want, name) \
    is_str_((got), (want), (name), __FILE__, __LINE__)

static inline int done_testing(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif
