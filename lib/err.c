/* lib/err.c - one-line diagnostics on stderr */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

#include "text.h"

static const char *prog = "stanza";

void err_set_prog(const char *p)
{
    prog = p;
}

const char *err_prog(void)
{
    return prog;
}

void err_vmsg(const char *prefix, const char *fmt, va_list ap)
{
    char buf[2048];

    vsnprintf(buf, sizeof(buf), fmt, ap);
    fflush(stdout);
    fprintf(stderr, "%s: %s", prog, prefix);
    text_put_safe(stderr, buf, false); /* remote text may hold escapes */
    fputc('\n', stderr);
}

int fail(int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vmsg("", fmt, ap);
    va_end(ap);
    return rc;
}

void warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vmsg("warning: ", fmt, ap);
    va_end(ap);
}
