/* lib/respond.c - answers owed to incoming IQs */
#include "respond.h"

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <openssl/evp.h>

#include "stanza.h"

#ifndef STANZA_VERSION
#define STANZA_VERSION "0"
#endif

static const char *version_name = "stanza";
static const char *const base_features[] = { NS_DISCO_INFO, NS_PING, NS_VERSION,
                                             NULL };
static const char *const *extra_features; /* respond_features() */

static void version(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *q = stanza_add(reply, "query", NS_VERSION);
    struct utsname u;

    stanza_add_text(q, "name", version_name);
    stanza_add_text(q, "version", STANZA_VERSION);
    if (uname(&u) == 0)
        stanza_add_text(q, "os", u.sysname);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Our features, sorted (XEP-0115 §5.1); the caller frees the array. */
static const char **features(size_t *n)
{
    size_t k = 0, m = sizeof(base_features) / sizeof(*base_features);
    const char **v;

    for (size_t i = 0; extra_features && extra_features[i]; i++)
        m++;
    if (!(v = malloc(m * sizeof(*v))))
        abort();
    for (size_t i = 0; base_features[i]; i++)
        v[k++] = base_features[i];
    for (size_t i = 0; extra_features && extra_features[i]; i++)
        v[k++] = extra_features[i];
    qsort(v, k, sizeof(*v), cmp);
    *n = k;
    return v;
}

static void disco_info(xmpp_stanza_t *reply, const char *node)
{
    xmpp_stanza_t *q = stanza_add(reply, "query", NS_DISCO_INFO);
    xmpp_stanza_t *id = stanza_add(q, "identity", NULL);
    size_t n;
    const char **f = features(&n);

    if (node)
        xmpp_stanza_set_attribute(q, "node", node);
    xmpp_stanza_set_attribute(id, "category", "client");
    xmpp_stanza_set_attribute(id, "type", "console");
    xmpp_stanza_set_attribute(id, "name", version_name);
    for (size_t i = 0; i < n; i++)
        xmpp_stanza_set_attribute(stanza_add(q, "feature", NULL), "var", f[i]);
    free(f);
}

/* The verification string of our caps (XEP-0115 §5.1), hashed: *@ver */
static void caps_ver(char *ver, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE], b64[4 * EVP_MAX_MD_SIZE / 3 + 4];
    unsigned mdlen = 0;
    size_t n, cap;
    const char **f = features(&n);
    char *s, *p;

    cap = strlen(version_name) + 32;
    for (size_t i = 0; i < n; i++)
        cap += strlen(f[i]) + 1;
    if (!(s = malloc(cap)))
        abort();
    p = s + sprintf(s, "client/console//%s<", version_name);
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s<", f[i]);
    free(f);
    EVP_Digest(s, (size_t)(p - s), md, &mdlen, EVP_sha1(), NULL);
    free(s);
    EVP_EncodeBlock(b64, md, (int)mdlen);
    snprintf(ver, len, "%s", (const char *)b64);
}

/* Is @node the one our caps name ("NODE#VER")? */
static bool our_node(const char *node)
{
    char ver[96];
    size_t n = strlen(RESPOND_CAPS_NODE);

    caps_ver(ver, sizeof(ver));
    return !strncmp(node, RESPOND_CAPS_NODE, n) && node[n] == '#' &&
           !strcmp(node + n + 1, ver);
}

void respond_features(const char *const *extra)
{
    extra_features = extra;
}

void respond_caps(xmpp_stanza_t *presence)
{
    xmpp_stanza_t *c = stanza_add(presence, "c", NS_CAPS);
    char ver[96];

    caps_ver(ver, sizeof(ver));
    xmpp_stanza_set_attribute(c, "hash", "sha-1");
    xmpp_stanza_set_attribute(c, "node", RESPOND_CAPS_NODE);
    xmpp_stanza_set_attribute(c, "ver", ver);
}

static bool is(xmpp_stanza_t *c, const char *name, const char *ns)
{
    const char *n = c ? xmpp_stanza_get_name(c) : NULL;
    const char *s = c ? xmpp_stanza_get_ns(c) : NULL;

    return n && s && !strcmp(n, name) && !strcmp(s, ns);
}

static xmpp_stanza_t *first_element(xmpp_stanza_t *st)
{
    xmpp_stanza_t *c = xmpp_stanza_get_children(st);

    while (c && !xmpp_stanza_is_tag(c))
        c = xmpp_stanza_get_next(c);
    return c;
}

static xmpp_stanza_t *refusal(xmpp_stanza_t *st)
{
    xmpp_stanza_t *r = stanza_iq_answer(st, "error");
    xmpp_stanza_t *e = stanza_add(r, "error", NULL);

    xmpp_stanza_set_type(e, "cancel");
    stanza_add(e, "service-unavailable", NS_STANZAS);
    return r;
}

static int on_iq(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct session *s = ud;
    const char *type = xmpp_stanza_get_type(st);
    xmpp_stanza_t *q = first_element(st), *reply;
    const char *node;
    bool get;

    if (!type || (strcmp(type, "get") && strcmp(type, "set")))
        return 1; /* results and errors are not ours to answer */
    get = !strcmp(type, "get");
    if (get && is(q, "ping", NS_PING)) {
        reply = stanza_iq_answer(st, "result");
    } else if (get && is(q, "query", NS_VERSION)) {
        reply = stanza_iq_answer(st, "result");
        version(reply);
    } else if (get && is(q, "query", NS_DISCO_INFO) &&
               (!(node = xmpp_stanza_get_attribute(q, "node")) ||
                our_node(node))) {
        reply = stanza_iq_answer(st, "result");
        disco_info(reply, node);
    } else if (!get && is(q, "query", XMPP_NS_ROSTER) &&
               session_from_ok(s, xmpp_stanza_get_from(st), NULL)) {
        reply =
            stanza_iq_answer(st, "result"); /* a roster push: acknowledged */
    } else {
        reply = refusal(st);
    }
    xmpp_send(conn, reply);
    xmpp_stanza_release(reply);
    return 1;
}

void respond_install(struct session *s, const char *name)
{
    if (name)
        version_name = name;
    xmpp_handler_add(s->conn, on_iq, NULL, "iq", NULL, s);
}
