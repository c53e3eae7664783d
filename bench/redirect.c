/* redirect.so: LD_PRELOAD shim that lets a client with no server option
 * (xmppc) reach the bench server without leaving loopback.
 *
 *   REDIRECT_PORT=PORT LD_PRELOAD=redirect.so xmppc ...
 *
 * - res_query() fails at once (HOST_NOT_FOUND): no SRV query leaves the
 *   machine, and libstrophe falls back to DOMAIN:5222;
 * - connect() to 127.0.0.1:5222 or [::1]:5222 goes to 127.0.0.1:PORT.
 * Nothing else is touched; connections elsewhere pass unchanged.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int res_query(const char *dname, int cls, int type, unsigned char *answer,
              int anslen);

int res_query(const char *dname, int cls, int type, unsigned char *answer,
              int anslen)
{
    (void)dname;
    (void)cls;
    (void)type;
    (void)answer;
    (void)anslen;
    h_errno = HOST_NOT_FOUND;
    return -1;
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
    static int (*real)(int, const struct sockaddr *, socklen_t);
    const char *p = getenv("REDIRECT_PORT");
    unsigned short to = p ? (unsigned short)strtoul(p, NULL, 10) : 0;

    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "connect"); /* the POSIX idiom */
    if (to && sa && sa->sa_family == AF_INET &&
        len >= sizeof(struct sockaddr_in)) {
        struct sockaddr_in a;
        memcpy(&a, sa, sizeof a);
        if (a.sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
            a.sin_port == htons(5222)) {
            a.sin_port = htons(to);
            return real(fd, (struct sockaddr *)&a, sizeof a);
        }
    } else if (to && sa && sa->sa_family == AF_INET6 &&
               len >= sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 a;
        memcpy(&a, sa, sizeof a);
        if (IN6_IS_ADDR_LOOPBACK(&a.sin6_addr) && a.sin6_port == htons(5222)) {
            inet_pton(AF_INET6, "::ffff:127.0.0.1", &a.sin6_addr);
            a.sin6_port = htons(to);
            return real(fd, (struct sockaddr *)&a, sizeof a);
        }
    }
    return real(fd, sa, len);
}
