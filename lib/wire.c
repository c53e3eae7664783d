/* lib/wire.c - the server's bytes, screened on their way to libstrophe */
#include "wire.h"

#include <dlfcn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <openssl/ssl.h>

#include "guard.h"

static struct guard guard;
static int watched = -1;

void wire_watch(int fd)
{
    guard_init(&guard);
    watched = fd;
}

const char *wire_why(void)
{
    return watched >= 0 ? guard.why : NULL;
}

/* The next definition of @name after ours: libc's, libssl's (or a
 * sanitizer's interceptor). */
static void *next(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

/* @n bytes were read from the watched socket: returns how many of them
 * libstrophe may parse. At the first byte that breaks a rule, the
 * connection is shut down both ways: the next read ends the stream. */
static size_t screen(int fd, const void *buf, size_t n)
{
    size_t ok = guard_feed(&guard, buf, n);

    if (guard.why)
        shutdown(fd, SHUT_RDWR);
    return ok;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    static ssize_t (*real)(int, void *, size_t, int);
    ssize_t n;

    if (!real) {
        void *p = next("recv");

        memcpy(&real, &p, sizeof(real));
    }
    if (fd != watched || fd < 0 || (flags & MSG_PEEK))
        return real(fd, buf, len, flags);
    if (guard.why)
        return 0; /* the end of the stream, as libstrophe sees it */
    n = real(fd, buf, len, flags);
    return n > 0 ? (ssize_t)screen(fd, buf, (size_t)n) : n;
}

int SSL_read(SSL *ssl, void *buf, int num)
{
    static int (*real)(SSL *, void *, int);
    static int (*get_fd)(const SSL *);
    int fd, n;

    if (!real) {
        void *p = next("SSL_read"), *q = next("SSL_get_fd");

        memcpy(&real, &p, sizeof(real));
        memcpy(&get_fd, &q, sizeof(get_fd));
    }
    fd = watched >= 0 && get_fd ? get_fd(ssl) : -1;
    if (fd != watched || fd < 0)
        return real(ssl, buf, num);
    if (guard.why)
        return 0;
    n = real(ssl, buf, num);
    return n > 0 ? (int)screen(fd, buf, (size_t)n) : n;
}
