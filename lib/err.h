/* lib/err.h - one-line diagnostics on stderr */
#ifndef STANZA_LIB_ERR_H
#define STANZA_LIB_ERR_H

#include <stdarg.h>

/* The program name used in messages, "stanza send" for example. */
void err_set_prog(const char *prog);
const char *err_prog(void);

/* Prints "PROG: MESSAGE" on stderr and returns @rc. */
int fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "PROG: warning: MESSAGE" on stderr. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "PROG: PREFIX MESSAGE" on stderr, made safe for terminals. */
void err_vmsg(const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
