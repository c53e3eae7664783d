/* lib/account.c - who we log in as: flags > environment > config file */
#include "account.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cfg.h"
#include "err.h"
#include "jid.h"
#include "rc.h"
#include "tls.h"

#define PASSWORD_MAX 1024
#define CONFIG_MAX   (1024 * 1024)

static char *xstrdup(const char *s)
{
    char *d = s ? strdup(s) : NULL;

    if (s && !d)
        abort();
    return d;
}

/* flag > environment > config */
static const char *pick(const char *flag, const char *env, const char *cfgv)
{
    const char *e = env ? getenv(env) : NULL;

    if (flag)
        return flag;
    if (e && *e)
        return e;
    return cfgv;
}

static char *config_path(const struct common_opts *c)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char *p = NULL;

    if (c->config)
        return xstrdup(c->config);
    if (xdg && *xdg) {
        if (asprintf(&p, "%s/stanza/config", xdg) < 0)
            abort();
    } else if (home && *home) {
        if (asprintf(&p, "%s/.config/stanza/config", home) < 0)
            abort();
    }
    return p;
}

/* A config names commands to run and whom to trust: it must be ours and
 * not writable by others; holding a password, not readable by them. */
static int check_config_file(const char *path, int fd, bool has_password)
{
    struct stat st;

    if (fstat(fd, &st) != 0)
        return fail(RC_CONFIG, "cannot stat '%s': %s", path, strerror(errno));
    if (st.st_uid != geteuid())
        return fail(RC_CONFIG,
                    "config '%s' belongs to another user — use your own "
                    "config file",
                    path);
    if (st.st_mode & 022)
        return fail(RC_CONFIG,
                    "config '%s' is writable by others — run 'chmod go-w %s'",
                    path, path);
    if (has_password && (st.st_mode & 077))
        return fail(RC_CONFIG,
                    "config '%s' holds a password but is readable by others "
                    "— run 'chmod 600 %s' or use password_command",
                    path, path);
    return RC_OK;
}

static int read_all(int fd, char **out)
{
    size_t n = 0, cap = 4096;
    char *buf = malloc(cap);
    ssize_t r;

    if (!buf)
        abort();
    while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (n + 1 == cap) {
            if (cap >= CONFIG_MAX) {
                free(buf);
                errno = EFBIG;
                return -1;
            }
            cap *= 2;
            if (!(buf = realloc(buf, cap)))
                abort();
        }
    }
    if (r < 0) {
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    return 0;
}

static int load_config(const struct common_opts *c, struct cfg *cfg,
                       char **pathp)
{
    char *path = config_path(c), *text = NULL;
    const char *why;
    int fd, line, rc = RC_OK;

    memset(cfg, 0, sizeof(*cfg));
    *pathp = path;
    if (!path)
        return RC_OK;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT && !c->config)
            return RC_OK; /* no config file is fine */
        return fail(RC_CONFIG, "cannot read config '%s': %s", path,
                    strerror(errno));
    }
    if (read_all(fd, &text) != 0) {
        rc = fail(RC_CONFIG, "cannot read config '%s': %s", path,
                  strerror(errno));
    } else if ((line = cfg_parse(text, cfg, &why)) != 0) {
        rc = fail(RC_CONFIG, "config '%s', line %d: %s", path, line, why);
    } else {
        rc = check_config_file(path, fd, cfg_has_key(cfg, "password"));
    }
    free(text);
    close(fd);
    return rc;
}

static char *first_line(char *s)
{
    s[strcspn(s, "\r\n")] = '\0';
    return s;
}

int account_password_file(const char *path, char **pw)
{
    char *text = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return fail(RC_NOINPUT, "cannot read password file '%s': %s", path,
                    strerror(errno));
    if (read_all(fd, &text) != 0) {
        close(fd);
        return fail(RC_NOINPUT, "cannot read password file '%s': %s", path,
                    strerror(errno));
    }
    close(fd);
    *pw = xstrdup(first_line(text));
    explicit_bzero(text, strlen(text));
    free(text);
    return RC_OK;
}

static int password_from_command(const char *cmd, char **pw)
{
    char buf[PASSWORD_MAX + 2];
    size_t n;
    FILE *p = popen(cmd, "r");
    int st;

    if (!p)
        return fail(RC_CONFIG, "cannot run password command: %s",
                    strerror(errno));
    setvbuf(p, NULL, _IONBF, 0); /* no stdio buffer keeps a copy */
    n = fread(buf, 1, sizeof(buf) - 1, p);
    buf[n] = '\0';
    st = pclose(p);
    if (st != 0) {
        explicit_bzero(buf, sizeof(buf));
        return fail(RC_CONFIG,
                    "password command failed (exit %d) — check "
                    "password_command or --password-command",
                    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    }
    *pw = xstrdup(first_line(buf));
    explicit_bzero(buf, sizeof(buf));
    return RC_OK;
}

static int password_from_tty(const char *jid, char **pw)
{
    char buf[PASSWORD_MAX + 2];
    struct termios old, noecho;
    FILE *tty = fopen("/dev/tty", "r+e");
    bool ok;

    if (!tty)
        return fail(RC_CONFIG,
                    "no password for '%s' and no terminal to ask — use "
                    "--password-file, --password-command, STANZA_PASSWORD "
                    "or password_command in the config",
                    jid);
    setvbuf(tty, NULL, _IONBF, 0); /* no stdio buffer keeps a copy */
    fprintf(tty, "Password for %s: ", jid);
    tcgetattr(fileno(tty), &old);
    noecho = old;
    noecho.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(fileno(tty), TCSAFLUSH, &noecho);
    errno = 0;
    ok = fgets(buf, sizeof(buf), tty) != NULL;
    tcsetattr(fileno(tty), TCSAFLUSH, &old);
    fputc('\n', tty);
    fclose(tty);
    if (!ok && errno == EINTR)
        return fail(RC_INTERRUPTED, "interrupted");
    if (!ok)
        return fail(RC_CONFIG, "no password entered");
    *pw = xstrdup(first_line(buf));
    explicit_bzero(buf, sizeof(buf));
    return RC_OK;
}

static int load_password(const struct common_opts *c, const struct cfg *cfg,
                         const char *sec, struct account *a)
{
    const char *e = getenv("STANZA_PASSWORD");
    const char *pcmd = cfg_get(cfg, sec, "password_command");
    const char *pw = cfg_get(cfg, sec, "password");
    char *env;
    int rc;

    if (c->password_file && c->password_command)
        return fail(RC_USAGE, "use --password-file or --password-command, "
                              "not both");
    /* read once, and gone: no child (password command, --exec job) can
     * inherit it */
    env = e && *e ? xstrdup(e) : NULL;
    unsetenv("STANZA_PASSWORD");
    if (c->password_file)
        rc = account_password_file(c->password_file, &a->password);
    else if (c->password_command)
        rc = password_from_command(c->password_command, &a->password);
    else if (env)
        rc = (a->password = xstrdup(env)) ? RC_OK : RC_SOFTWARE;
    else if (pcmd)
        rc = password_from_command(pcmd, &a->password);
    else if (pw)
        rc = (a->password = xstrdup(pw)) ? RC_OK : RC_SOFTWARE;
    else
        rc = password_from_tty(a->jid, &a->password);
    if (env) {
        explicit_bzero(env, strlen(env));
        free(env);
    }
    if (rc == RC_OK && !*a->password)
        rc = fail(RC_CONFIG, "the password for '%s' is empty", a->jid);
    return rc;
}

int account_parse_server(const char *s, char **host, unsigned short *port)
{
    const char *colon, *end = s + strlen(s);
    char *e;
    long p;

    *port = 0;
    if (*s == '[') {
        const char *rb = strchr(s, ']');

        if (!rb || (rb[1] && rb[1] != ':'))
            return -1;
        *host = strndup(s + 1, (size_t)(rb - s - 1));
        colon = rb[1] ? rb + 1 : NULL;
    } else {
        colon = strrchr(s, ':');
        if (colon && strchr(s, ':') != colon)
            colon = NULL; /* a bare IPv6 address */
        *host = strndup(s, (size_t)((colon ? colon : end) - s));
    }
    if (!*host)
        abort();
    if (!**host)
        goto bad;
    if (colon) {
        if (!isdigit((unsigned char)colon[1]))
            goto bad;
        p = strtol(colon + 1, &e, 10);
        if (*e || p < 1 || p > 65535)
            goto bad;
        *port = (unsigned short)p;
    }
    return 0;
bad:
    free(*host);
    *host = NULL;
    return -1;
}

int account_normalize_pin(char *pin)
{
    size_t n = 0;

    for (char *s = pin; *s; s++) {
        if (*s == ':')
            continue;
        if (!isxdigit((unsigned char)*s))
            return -1;
        pin[n++] = (char)tolower((unsigned char)*s);
    }
    pin[n] = '\0';
    return n == 64 ? 0 : -1;
}

static bool is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;

    if (strcmp(host, "localhost") == 0)
        return true;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

static bool cfg_bool(const char *v)
{
    return v && (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"));
}

static int check_transport(const struct common_opts *c, struct account *a)
{
    if (a->no_tls && (!a->host || !is_loopback(a->host)))
        return fail(RC_USAGE, "--no-tls is only allowed with --server on a "
                              "loopback address");
    if (a->direct_tls && !a->host)
        return fail(c->direct_tls ? RC_USAGE : RC_CONFIG,
                    "--direct-tls needs --server HOST:PORT (there "
                    "is no lookup of _xmpps-client records yet)");
    if (a->no_tls && (a->direct_tls || a->ca_file || a->pin))
        return fail(RC_USAGE, "--no-tls cannot be combined with TLS options");
    if (a->pin && account_normalize_pin(a->pin) != 0)
        return fail(c->pin ? RC_USAGE : RC_CONFIG,
                    "the pin must be a SHA-256 fingerprint (64 hex digits, "
                    "colons allowed)");
    if (a->ca_file && access(a->ca_file, R_OK) != 0)
        return fail(RC_CONFIG, "cannot read CA file '%s': %s", a->ca_file,
                    strerror(errno));
    if (a->ca_file && !tls_ca_file_ok(a->ca_file))
        return fail(RC_CONFIG,
                    "CA file '%s' holds no certificate OpenSSL can read — "
                    "give a PEM file",
                    a->ca_file);
    if (!a->client_cert != !a->client_key)
        return fail(RC_USAGE, "--client-cert and --client-key go together");
    if (a->client_cert && access(a->client_cert, R_OK) != 0)
        return fail(RC_NOINPUT, "cannot read client certificate '%s': %s",
                    a->client_cert, strerror(errno));
    if (a->client_key && access(a->client_key, R_OK) != 0)
        return fail(RC_NOINPUT, "cannot read client key '%s': %s",
                    a->client_key, strerror(errno));
    return RC_OK;
}

static int fill(const struct common_opts *c, const struct cfg *cfg,
                const char *sec, const char *cpath, struct account *a)
{
    const char *server =
        pick(c->server, "STANZA_SERVER", cfg_get(cfg, sec, "server"));
    const char *jid = pick(c->jid, "STANZA_JID", cfg_get(cfg, sec, "jid"));
    const char *why;
    struct jid *j;

    if (!jid)
        return fail(RC_CONFIG,
                    "no account: give --jid, set STANZA_JID, or add a [%s] "
                    "section with jid = ... to %s",
                    sec, cpath ? cpath : "the config file");
    if (!(j = jid_parse(jid, &why)) || !j->local) {
        jid_free(j);
        return fail(c->jid || getenv("STANZA_JID") ? RC_DATAERR : RC_CONFIG,
                    "invalid account JID '%s': %s", jid,
                    j ? "no local part" : why);
    }
    jid_free(j);
    a->jid = xstrdup(jid);
    if (server && account_parse_server(server, &a->host, &a->port) != 0)
        return fail(c->server ? RC_USAGE : RC_CONFIG,
                    "bad server '%s': expected HOST[:PORT]", server);
    a->direct_tls = c->direct_tls || cfg_bool(cfg_get(cfg, sec, "direct_tls"));
    a->insecure = c->insecure;
    a->no_tls = c->no_tls;
    a->ca_file = xstrdup(pick(c->ca_file, NULL, cfg_get(cfg, sec, "ca_file")));
    a->pin = xstrdup(pick(c->pin, NULL, cfg_get(cfg, sec, "pin")));
    a->resource =
        xstrdup(pick(c->resource, NULL, cfg_get(cfg, sec, "resource")));
    a->client_cert =
        xstrdup(pick(c->client_cert, NULL, cfg_get(cfg, sec, "client_cert")));
    a->client_key =
        xstrdup(pick(c->client_key, NULL, cfg_get(cfg, sec, "client_key")));
    if (a->resource && !jid_valid_resource(a->resource, &why))
        return fail(c->resource ? RC_USAGE : RC_CONFIG, "bad resource '%s': %s",
                    a->resource, why);
    return check_transport(c, a);
}

int account_load(const struct common_opts *c, struct account *a)
{
    const char *sec = pick(c->account, "STANZA_ACCOUNT", NULL);
    bool named = sec != NULL;
    struct cfg cfg;
    char *path = NULL;
    int rc;

    memset(a, 0, sizeof(*a));
    if (!sec)
        sec = "default";
    rc = load_config(c, &cfg, &path);
    if (rc == RC_OK && named && !cfg_has_section(&cfg, sec))
        rc = fail(RC_CONFIG, "no account '%s' in %s", sec,
                  path ? path : "the config file");
    if (rc == RC_OK)
        rc = fill(c, &cfg, sec, path, a);
    if (rc == RC_OK && !a->client_cert)
        rc = load_password(c, &cfg, sec, a);
    cfg_free(&cfg);
    free(path);
    if (rc != RC_OK)
        account_free(a);
    return rc;
}

void account_free(struct account *a)
{
    if (a->password) {
        explicit_bzero(a->password, strlen(a->password));
        free(a->password);
    }
    free(a->jid);
    free(a->host);
    free(a->ca_file);
    free(a->pin);
    free(a->resource);
    free(a->client_cert);
    free(a->client_key);
    memset(a, 0, sizeof(*a));
}
