/* lib/receipts.c - XEP-0184 message delivery receipts */
#include "receipts.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jid.h"
#include "rc.h"
#include "stanza.h"

void receipts_request(xmpp_stanza_t *msg)
{
    stanza_add(msg, "request", NS_RECEIPTS);
}

static int receipt_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    struct receipts *r = ud;
    xmpp_stanza_t *rcv =
        xmpp_stanza_get_child_by_name_and_ns(st, "received", NS_RECEIPTS);
    const char *id = rcv ? xmpp_stanza_get_attribute(rcv, "id") : NULL;
    const char *from = xmpp_stanza_get_from(st);

    (void)conn;
    if (!id || !from || stanza_is_error(st))
        return 1;
    for (size_t i = 0; i < r->n && i < r->ob->n; i++)
        if (!r->from[i] && !strcmp(r->ob->items[i].id, id) &&
            jid_bare_equal(from, r->ob->items[i].to) &&
            !(r->from[i] = strdup(from)))
            abort();
    return 1;
}

static void on_connection(struct session *s, void *arg)
{
    xmpp_handler_add(s->conn, receipt_cb, NULL, "message", NULL, arg);
}

void receipts_init(struct receipts *r, struct outbox *ob)
{
    r->ob = ob;
    r->n = ob->n;
    if (!(r->from = calloc(r->n ? r->n : 1, sizeof(*r->from))))
        abort();
    ob->on_connection = on_connection;
    ob->arg = r;
}

static size_t missing(const struct receipts *r)
{
    size_t n = 0;

    for (size_t i = 0; i < r->n; i++)
        n += r->ob->items[i].state == OB_CONFIRMED && !r->from[i];
    return n;
}

static bool all_in(void *arg)
{
    return missing(arg) == 0;
}

int receipts_wait(struct receipts *r)
{
    struct session *s = r->ob->s;
    int rc = session_wait(s, all_in, r);

    if (rc == RC_OK)
        return RC_OK;
    if (rc != RC_TEMPFAIL || s->state != S_ONLINE)
        return session_report(s);
    return fail(RC_TEMPFAIL,
                "no receipt for %zu of %zu message(s) within %.1f s — the "
                "server has them, but the recipient's client did not confirm "
                "(offline, or it does not send receipts)",
                missing(r), outbox_count(r->ob, OB_CONFIRMED),
                (double)s->opt.timeout_ms / 1000.0);
}

const char *receipts_from(const struct receipts *r, size_t i)
{
    return i < r->n ? r->from[i] : NULL;
}

void receipts_free(struct receipts *r)
{
    struct session *s = r->ob ? r->ob->s : NULL;

    if (s && s->conn)
        xmpp_handler_delete(s->conn, receipt_cb);
    for (size_t i = 0; i < r->n; i++)
        free(r->from[i]);
    free(r->from);
    memset(r, 0, sizeof(*r));
}
