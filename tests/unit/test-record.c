/* tests/unit/test-record.c - the generic stanza record (lib/record.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "lib/out.h"
#include "lib/record.h"
#include "lib/text.h"
#include "tests/unit/tap.h"

static xmpp_ctx_t *ctx;

/* Renders @xml (one stanza) in @mode; returns a new string. */
static char *render(const char *xml, enum out_mode mode)
{
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct out o;

    if (!f)
        abort();
    out_init(&o, mode, f, true);
    if (st)
        record_print(&o, st);
    json_free(&o.json);
    fclose(f);
    if (st)
        xmpp_stanza_release(st);
    return buf;
}

struct rcase {
    const char *name;
    const char *xml;
    const char *json;
    const char *text;
};

static const struct rcase cases[] = {
    { "chat message",
      "<message from='a@b/c' to='d@e' type='chat' id='1'><body>hi</body>"
      "<thread>t</thread></message>",
      "{\"kind\":\"message\",\"type\":\"chat\",\"id\":\"1\",\"from\":\"a@b/c\","
      "\"to\":\"d@e\",\"body\":\"hi\",\"thread\":\"t\"}\n",
      "message chat from a@b/c: hi\n" },
    { "offline message with delay and unknown payload",
      "<message from='a@b' type='chat'><body>x</body><delay "
      "xmlns='urn:xmpp:delay' from='b' stamp='2026-01-02T03:04:05Z'>Offline"
      "</delay><active xmlns='http://jabber.org/protocol/chatstates'/>"
      "<foo xmlns='urn:example'>bar</foo></message>",
      "{\"kind\":\"message\",\"type\":\"chat\",\"from\":\"a@b\",\"delay\":{"
      "\"stamp\":\"2026-01-02T03:04:05Z\",\"from\":\"b\",\"reason\":"
      "\"Offline\"},\"body\":\"x\",\"chat_state\":\"active\",\"payloads\":[{"
      "\"ns\":\"urn:example\",\"name\":\"foo\",\"xml\":\"<foo "
      "xmlns=\\\"urn:example\\\">bar</foo>\"}]}\n",
      "message chat from a@b (sent 2026-01-02T03:04:05Z): x <active> +foo\n" },
    { "presence with show, status and priority",
      "<presence from='a@b/c'><show>away</show><status>lunch</status>"
      "<priority>-5</priority></presence>",
      "{\"kind\":\"presence\",\"from\":\"a@b/c\",\"show\":\"away\",\"status\":"
      "\"lunch\",\"priority\":-5}\n",
      "presence from a@b/c away \"lunch\"\n" },
    { "iq error",
      "<iq type='error' id='q' from='s'><error type='cancel'>"
      "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
      "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>No node</text>"
      "</error></iq>",
      "{\"kind\":\"iq\",\"type\":\"error\",\"id\":\"q\",\"from\":\"s\","
      "\"error\":{\"type\":\"cancel\",\"condition\":\"item-not-found\","
      "\"text\":\"No node\"}}\n",
      "iq error from s error item-not-found: No node\n" },
    { "pubsub event",
      "<message from='pubsub.b'><event xmlns='http://jabber.org/protocol/"
      "pubsub#event'><items node='n'><item id='i1'><entry xmlns='e'>t</entry>"
      "</item><retract id='i0'/></items></event></message>",
      "{\"kind\":\"message\",\"from\":\"pubsub.b\",\"event\":{\"node\":\"n\","
      "\"items\":[{\"id\":\"i1\",\"xml\":\"<entry xmlns=\\\"e\\\">t</entry>\"},"
      "{\"id\":\"i0\",\"retract\":true}]}}\n",
      "message from pubsub.b event n item i1 item i0 retracted\n" },
    { "pubsub event: text and JSON payloads on the text line",
      "<message from='pubsub.b' type='headline'><event xmlns='http://"
      "jabber.org/protocol/pubsub#event'><items node='n'><item id='t'><text "
      "xmlns='urn:stanza:text:0'>hi</text></item><item id='j'><json "
      "xmlns='urn:xmpp:json:0'>[1]</json></item></items></event></message>",
      "{\"kind\":\"message\",\"type\":\"headline\",\"from\":\"pubsub.b\","
      "\"event\":{\"node\":\"n\",\"items\":[{\"id\":\"t\",\"xml\":\"<text "
      "xmlns=\\\"urn:stanza:text:0\\\">hi</text>\",\"text\":\"hi\"},{\"id\":"
      "\"j\",\"xml\":\"<json xmlns=\\\"urn:xmpp:json:0\\\">[1]</json>\","
      "\"json\":[1]}]}}\n",
      "message headline from pubsub.b event n item t: hi item j: [1]\n" },
    { "pubsub event: purge",
      "<message from='p'><event xmlns='http://jabber.org/protocol/"
      "pubsub#event'><purge node='n'/></event></message>",
      "{\"kind\":\"message\",\"from\":\"p\",\"event\":{\"node\":\"n\","
      "\"purge\":true}}\n",
      "message from p event n purged\n" },
    { "pubsub event: delete with a redirect",
      "<message from='p'><event xmlns='http://jabber.org/protocol/"
      "pubsub#event'><delete node='n'><redirect uri='xmpp:p?;node=m'/>"
      "</delete></event></message>",
      "{\"kind\":\"message\",\"from\":\"p\",\"event\":{\"node\":\"n\","
      "\"delete\":true,\"redirect\":\"xmpp:p?;node=m\"}}\n",
      "message from p event n deleted (redirect xmpp:p?;node=m)\n" },
    { "pubsub event: configuration with its form",
      "<message from='p'><event xmlns='http://jabber.org/protocol/"
      "pubsub#event'><configuration node='n'><x xmlns='jabber:x:data' "
      "type='result'><field var='pubsub#title'><value>T</value></field></x>"
      "</configuration></event></message>",
      "{\"kind\":\"message\",\"from\":\"p\",\"event\":{\"node\":\"n\","
      "\"configuration\":true,\"form\":{\"type\":\"result\",\"fields\":[{"
      "\"var\":\"pubsub#title\",\"values\":[\"T\"]}]}}}\n",
      "message from p event n configured\n" },
    { "pubsub event: subscription",
      "<message from='p'><event xmlns='http://jabber.org/protocol/"
      "pubsub#event'><subscription node='n' jid='a@b' "
      "subscription='subscribed' subid='s1'/></event></message>",
      "{\"kind\":\"message\",\"from\":\"p\",\"event\":{\"node\":\"n\","
      "\"subscription\":{\"jid\":\"a@b\",\"subscription\":\"subscribed\","
      "\"subid\":\"s1\"}}}\n",
      "message from p event n subscription a@b: subscribed\n" },
    { "pubsub event we do not know: kept in payloads",
      "<message from='p'><event xmlns='http://jabber.org/protocol/"
      "pubsub#event'><collection node='c'/></event></message>",
      "{\"kind\":\"message\",\"from\":\"p\",\"payloads\":[{\"ns\":"
      "\"http://jabber.org/protocol/pubsub#event\",\"name\":\"event\","
      "\"xml\":\"<event xmlns=\\\"http://jabber.org/protocol/pubsub#event"
      "\\\"><collection node=\\\"c\\\"/></event>\"}]}\n",
      "message from p +event\n" },
    { "hostile text: bidi override and C1 control kept in JSON only",
      "<message from='a@b'><body>x\xe2\x80\xae"
      "y\xc2\x9bz</body></message>",
      "{\"kind\":\"message\",\"from\":\"a@b\",\"body\":\"x\xe2\x80\xae"
      "y\xc2\x9bz\"}\n",
      "message from a@b: x\xef\xbf\xbdy\xef\xbf\xbdz\n" },
    { "malformed priority kept as a string",
      "<presence><priority>high</priority></presence>",
      "{\"kind\":\"presence\",\"priority\":\"high\"}\n", "presence\n" },
};

static void check_deep(void)
{
    enum { DEPTH = 2000 };
    size_t n = DEPTH * 7 + 64;
    char *xml = malloc(n), *p = xml, *out;
    size_t off;
    const char *why;

    if (!xml)
        abort();
    p += sprintf(p, "<message><x xmlns='d'>");
    for (int i = 0; i < DEPTH; i++)
        p += sprintf(p, "<a>");
    for (int i = 0; i < DEPTH; i++)
        p += sprintf(p, "</a>");
    sprintf(p, "</x></message>");
    out = render(xml, OUT_JSON);
    ok(out && strstr(out, "\"payloads\":[{\"ns\":\"d\"") != NULL,
       "record: 2000 levels of nesting end up in payloads");
    ok(out && text_check_xml(out, strlen(out), &off, &why),
       "record: and the JSON is valid UTF-8");
    free(out);
    free(xml);
}

static void check_xml_one_line(void)
{
    char *out = render("<message><body>a\nb&#13;</body></message>", OUT_XML);

    is_str(out, "<message><body>a&#10;b&#13;</body></message>\n",
           "record --xml: one line, newlines as character references");
    free(out);
}

int main(void)
{
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char name[160], *got;

        got = render(cases[i].xml, OUT_JSON);
        snprintf(name, sizeof(name), "record json: %s", cases[i].name);
        is_str(got, cases[i].json, name);
        free(got);
        got = render(cases[i].xml, OUT_TEXT);
        snprintf(name, sizeof(name), "record text: %s", cases[i].name);
        is_str(got, cases[i].text, name);
        free(got);
    }
    check_deep();
    check_xml_one_line();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return done_testing();
}
