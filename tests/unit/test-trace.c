/* tests/unit/test-trace.c - trace_mask and trace_write hide secrets */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/trace.h"
#include "tests/unit/tap.h"

#define SASL  "xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\""
#define SASLQ "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'"
#define R     "[redacted]"

struct mask_case {
    const char *name;
    const char *in;
    const char *secret;
    const char *out;
};

static const struct mask_case cases[] = {
    /* the SASL exchange */
    { "auth SCRAM-SHA-1",
      "<auth mechanism=\"SCRAM-SHA-1\" " SASL
      ">biwsbj11c2VyLHI9ZnlrbysrUWUwVmlvcFBOd2hnd2lvaQ==</auth>",
      NULL, "<auth mechanism=\"SCRAM-SHA-1\" " SASL ">" R "</auth>" },
    { "auth PLAIN, attributes the other way round",
      "<auth " SASLQ " mechanism='PLAIN'>AGp1bGlldAByMG0zMG15cjBtMzA=</auth>",
      NULL, "<auth " SASLQ " mechanism='PLAIN'>" R "</auth>" },
    { "challenge",
      "<challenge " SASL ">cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlk="
      "</challenge>",
      NULL, "<challenge " SASL ">" R "</challenge>" },
    { "response", "<response " SASL ">Yz1iaXdzLHI9ZnlrbysrUWUwVmlv</response>",
      NULL, "<response " SASL ">" R "</response>" },
    { "success with additional data",
      "<success " SASLQ ">dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</success>",
      NULL, "<success " SASLQ ">" R "</success>" },
    { "empty success element", "<success " SASLQ "/>", NULL,
      "<success " SASLQ "/>" },
    { "bare <success/>", "<success/>", NULL, "<success/>" },
    { "<success />", "<success />", NULL, "<success />" },
    { "success with no content", "<success " SASL "></success>", NULL,
      "<success " SASL "></success>" },
    { "prefixed sasl:auth",
      "<sasl:auth xmlns:sasl='urn:ietf:params:xml:ns:xmpp-sasl' "
      "mechanism='PLAIN'>AHVzZXIAcGFzcw==</sasl:auth>",
      NULL,
      "<sasl:auth xmlns:sasl='urn:ietf:params:xml:ns:xmpp-sasl' "
      "mechanism='PLAIN'>" R "</sasl:auth>" },
    { "newline inside the start tag",
      "<auth\n  mechanism='PLAIN'\n  " SASLQ ">AHUAcA==</auth>", NULL,
      "<auth\n  mechanism='PLAIN'\n  " SASLQ ">" R "</auth>" },
    { "content cut at the end of the buffer",
      "<auth mechanism='PLAIN' " SASLQ ">AHVzZXIA", NULL,
      "<auth mechanism='PLAIN' " SASLQ ">" R },
    /* was a bug: lib/trace.c mask_elem() ends the content at the first '<', so
     * text in a CDATA section (or after a comment) is not masked */
    { "content in a CDATA section",
      "<response " SASLQ "><![CDATA[czNjcmV0]]></response>", NULL,
      "<response " SASLQ ">" R "</response>" },
    /* was a bug: lib/trace.c find_open() skips a namespace prefix only if it is
     * shorter than 16 bytes, so a longer prefix hides the element */
    { "namespace prefix of 16 bytes or more",
      "<saslnamespace123:auth xmlns:saslnamespace123='urn:ietf:params:xml:"
      "ns:xmpp-sasl' mechanism='PLAIN'>AHUAcA==</saslnamespace123:auth>",
      NULL,
      "<saslnamespace123:auth xmlns:saslnamespace123='urn:ietf:params:xml:"
      "ns:xmpp-sasl' mechanism='PLAIN'>" R "</saslnamespace123:auth>" },
    /* several in one buffer */
    { "several in one buffer",
      "<challenge " SASLQ ">AAA</challenge><response " SASLQ
      ">BBB</response><challenge " SASLQ ">CCC</challenge><response " SASLQ
      ">DDD</response><success " SASLQ ">EEE</success>",
      NULL,
      "<challenge " SASLQ ">" R "</challenge><response " SASLQ ">" R
      "</response><challenge " SASLQ ">" R "</challenge><response " SASLQ ">" R
      "</response><success " SASLQ ">" R "</success>" },
    { "empty element then a full one",
      "<success/><challenge>x</challenge><success/>", NULL,
      "<success/><challenge>" R "</challenge><success/>" },
    /* <password/> anywhere */
    { "in-band registration password",
      "<iq type='set' id='reg2'><query xmlns='jabber:iq:register'>"
      "<username>bill</username><password>Calliope</password></query></iq>",
      NULL,
      "<iq type='set' id='reg2'><query xmlns='jabber:iq:register'>"
      "<username>bill</username><password>" R "</password></query></iq>" },
    { "empty <password/>",
      "<query xmlns='jabber:iq:register'><username/><password/></query>", NULL,
      "<query xmlns='jabber:iq:register'><username/><password/></query>" },
    { "MUC password",
      "<presence to='room@muc.example.org/nick'><x "
      "xmlns='http://jabber.org/protocol/muc'><password>cauldronburn"
      "</password></x></presence>",
      NULL,
      "<presence to='room@muc.example.org/nick'><x "
      "xmlns='http://jabber.org/protocol/muc'><password>" R
      "</password></x></presence>" },
    /* other XML is left alone */
    { "a message",
      "<message to='juliet@example.com' type='chat' id='m1'><body>Art thou "
      "not Romeo, and a Montague?</body></message>",
      NULL,
      "<message to='juliet@example.com' type='chat' id='m1'><body>Art thou "
      "not Romeo, and a Montague?</body></message>" },
    { "the element names as text",
      "<message><body>auth response challenge success password &lt;auth&gt;"
      "</body></message>",
      NULL,
      "<message><body>auth response challenge success password &lt;auth&gt;"
      "</body></message>" },
    { "stream features",
      "<stream:features><mechanisms " SASLQ "><mechanism>SCRAM-SHA-1"
      "</mechanism><mechanism>PLAIN</mechanism></mechanisms>"
      "<auth xmlns='http://jabber.org/features/iq-auth'/></stream:features>",
      NULL,
      "<stream:features><mechanisms " SASLQ "><mechanism>SCRAM-SHA-1"
      "</mechanism><mechanism>PLAIN</mechanism></mechanisms>"
      "<auth xmlns='http://jabber.org/features/iq-auth'/></stream:features>" },
    { "names that only start like a secret element",
      "<authors>a</authors><responses>b</responses><successor>c</successor>"
      "<passwords>d</passwords><challenges>e</challenges>",
      NULL,
      "<authors>a</authors><responses>b</responses><successor>c</successor>"
      "<passwords>d</passwords><challenges>e</challenges>" },
    { "stream header",
      "<?xml version='1.0'?><stream:stream to='example.org' "
      "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
      "version='1.0'>",
      NULL,
      "<?xml version='1.0'?><stream:stream to='example.org' "
      "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
      "version='1.0'>" },
    { "empty buffer", "", NULL, "" },
    { "text only", "no markup here", NULL, "no markup here" },
    /* the secret itself */
    { "every occurrence of the secret",
      "<message><body>my password is correct-horse, yes correct-horse!</body>"
      "<x a='correct-horse'/></message>",
      "correct-horse",
      "<message><body>my password is ***, yes ***!</body>"
      "<x a='***'/></message>" },
    { "adjacent occurrences", "correct-horsecorrect-horse correct-horse",
      "correct-horse", "****** ***" },
    { "secret and SASL together",
      "<auth " SASLQ " mechanism='PLAIN'>AGJpbGwAaHVudGVyMg==</auth>"
      "<message><body>correct-horse</body></message>",
      "correct-horse",
      "<auth " SASLQ " mechanism='PLAIN'>" R "</auth>"
      "<message><body>***</body></message>" },
    { "secret that contains '*'", "a********b", "********", "a***b" },
    /* masking every "e" would spell the password out: short ones are
     * left to the element redaction */
    { "a secret under 8 bytes is not masked in text",
      "<message><body>hello</body></message>", "e",
      "<message><body>hello</body></message>" },
    { "a short secret is still redacted inside SASL elements",
      "<auth " SASLQ " mechanism='PLAIN'>AGEAZQ==</auth>", "e",
      "<auth " SASLQ " mechanism='PLAIN'>" R "</auth>" },
    { "secret that is not there", "<message><body>hi</body></message>",
      "correct-horse", "<message><body>hi</body></message>" },
    { "NULL secret changes nothing else",
      "<message><body>correct-horse ***</body></message>", NULL,
      "<message><body>correct-horse ***</body></message>" },
    { "empty secret changes nothing else",
      "<message><body>correct-horse ***</body></message>", "",
      "<message><body>correct-horse ***</body></message>" },
};

static void check_mask(const struct mask_case *t)
{
    char *got = trace_mask(t->in, t->secret), name[200];

    snprintf(name, sizeof(name), "trace_mask: %s", t->name);
    is_str(got, t->out, name);
    free(got);
}

static void check_write(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f)
        abort();
    trace_write(f, "SENT", "<auth " SASLQ " mechanism='PLAIN'>AHUAcA==</auth>",
                NULL, false);
    trace_write(f, "RECV",
                "<message><body>pw: s3cret-passphrase</body></message>",
                "s3cret-passphrase", false);
    trace_write(f, "RECV", "<success " SASLQ "/>", "", false);
    fclose(f);
    is_str(buf,
           "SENT <auth " SASLQ " mechanism='PLAIN'>" R "</auth>\n"
           "RECV <message><body>pw: ***</body></message>\n"
           "RECV <success " SASLQ "/>\n",
           "trace_write: one masked line per call");
    free(buf);
}

static void check_pretty(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f)
        abort();
    trace_write(f, ">>",
                "<message to='a@b'><body>s3cret-passphrase &amp; x</body>"
                "<x xmlns='y'/></message>",
                "s3cret-passphrase", true);
    trace_write(f, "<<", "<stream:stream version='1.0'>", NULL, true);
    trace_write(f, ">>", "<auth " SASLQ ">AHUAcA==</auth>", NULL, true);
    fclose(f);
    is_str(buf,
           ">> <message to=\"a@b\">\n"
           ">>   <body>*** &amp; x</body>\n"
           ">>   <x xmlns=\"y\"/>\n"
           ">> </message>\n"
           "<< <stream:stream version='1.0'>\n"
           ">> <auth "
           "xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">" R "</auth>\n",
           "trace_write: pretty, every line marked, a stream header as is");
    free(buf);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_mask(&cases[i]);
    check_write();
    check_pretty();
    return done_testing();
}
