#!/usr/bin/env bats
# stanza raw and stanza iq: XML in, answers out

load helpers

setup_file() {
    start_server
}

teardown_file() {
    stop_server
}

setup() {
    load_env
}

@test "raw: a roster get is answered with a result record" {
    run -0 --separate-stderr as_alice raw --json "<iq type='get'><query xmlns='jabber:iq:roster'/></iq>"
    run -0 jq -r '[.kind, .type, .payloads[0].ns] | join(" ")' <<<"$output"
    [ "$output" = "iq result jabber:iq:roster" ]
}

@test "raw: a missing id is filled in, the answer carries it" {
    run -0 --separate-stderr as_alice raw --json --trace "$BATS_TEST_TMPDIR/t" \
        "<iq type='get' to='$XMPP_DOMAIN'><query xmlns='jabber:iq:version'/></iq>"
    id=$(jq -r .id <<<"$output")
    [[ $id == stz* ]]
    grep -q "^>> <iq [^>]*id=\"$id\"" "$BATS_TEST_TMPDIR/t"
}

@test "raw: several stanzas from stdin, in order, one record per answer" {
    run -0 --separate-stderr as_alice raw --json < <(printf '%s\n' \
        "<iq type='get' id='one'><ping xmlns='urn:xmpp:ping'/></iq>" \
        "<presence/>" \
        "<iq type='get' id='two' to='$XMPP_DOMAIN'><query xmlns='jabber:iq:version'/></iq>")
    [ "$(jq -r .id <<<"$output" | tr '\n' ' ')" = "one two " ]
}

@test "raw: an error answer is exit 1 with the condition, the record printed" {
    run -1 --separate-stderr as_alice raw --json \
        "<iq type='get' to='nobody@$XMPP_DOMAIN'><query xmlns='jabber:iq:version'/></iq>"
    [ "$stderr" = "stanza raw: nobody@$XMPP_DOMAIN answered with an error: service-unavailable (cancel)$UNHANDLED_TEXT" ]
    [ "$(jq -c .error <<<"$output")" = "$UNHANDLED_JSON" ]
}

@test "raw: a bounced message is exit 1, named" {
    run -1 --separate-stderr as_alice raw "<message id='m1' to='nobody@$XMPP_DOMAIN'><body>x</body></message>"
    [ "$stderr" = "stanza raw: message 'm1' bounced: service-unavailable (cancel)" ]
}

@test "raw: a message and a presence are sent, and the message arrives" {
    recv_start bob 1
    run -0 --separate-stderr as_alice raw "<message to='bob@$XMPP_DOMAIN' type='chat'><body>raw hello</body></message>"
    recv_wait bob
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/bob.out")" = "raw hello" ]
}

@test "raw: malformed XML is 65 with line and column, and nothing at all is sent" {
    recv_start bob 1 3
    run -65 --separate-stderr as_alice raw < <(printf '%s\n' \
        "<message to='bob@$XMPP_DOMAIN'><body>first</body></message>" \
        "<message to='bob@$XMPP_DOMAIN'><body>second</bod></message>")
    [ "$stderr" = "stanza raw: standard input: line 2, column 43: mismatched tag — nothing was sent" ]
    # the server side: bob got nothing, not even the well-formed first one
    rc=0
    recv_wait bob || rc=$?
    [ "$rc" -eq 1 ] # the receiver timed out
    [ "$(cat "$BATS_TEST_TMPDIR/bob.out")" = "" ]
}

@test "raw: a DTD or an entity declaration is refused (65)" {
    run -65 --separate-stderr as_alice raw '<!DOCTYPE m [<!ENTITY a "aaaaaaaa">]><message>&a;</message>'
    [ "$stderr" = "stanza raw: arguments: line 1, column 1: DTDs and entity declarations are not allowed — nothing was sent" ]
    run -65 --separate-stderr as_alice raw "<message to='bob@$XMPP_DOMAIN'><body>&lol;</body></message>"
    [ "$stderr" = "stanza raw: arguments: line 1, column 35: undefined entity — nothing was sent" ]
}

@test "raw: only message, presence and iq; no text between stanzas; depth limited" {
    run -65 --separate-stderr as_alice raw '<foo/>'
    [ "$stderr" = "stanza raw: arguments: line 1, column 1: a stanza must be <message/>, <presence/> or <iq/> — nothing was sent" ]
    run -65 --separate-stderr as_alice raw '<presence/> hello'
    [[ $stderr == *"text outside of a stanza"* ]]
    deep=$(printf '<a>%.0s' $(seq 1 70))$(printf '</a>%.0s' $(seq 1 70))
    run -65 --separate-stderr as_alice raw "<message>$deep</message>"
    [[ $stderr == *"nested too deeply"* ]]
}

@test "raw: --wait prints what arrives afterwards" {
    run -0 --separate-stderr as_alice raw --json --wait 1 "<presence/>"
    # the server reflects our own presence back to us
    [ "$(jq -r 'select(.kind == "presence") | .from' <<<"$output" | cut -d/ -f1 | head -n1)" = "alice@$XMPP_DOMAIN" ]
}

@test "iq: a query by namespace, to the server or a JID" {
    run -0 --separate-stderr as_alice iq --json jabber:iq:version "$XMPP_DOMAIN"
    [[ $(jq -r '.payloads[0].xml' <<<"$output") == "<query xmlns=\"jabber:iq:version\"><name>$SERVER_NAME</name>"* ]]
    run -0 --separate-stderr as_alice iq --json http://jabber.org/protocol/disco#info
    [ "$(jq -r .type <<<"$output")" = "result" ]
    run -1 --separate-stderr as_alice iq jabber:iq:version "nobody@$XMPP_DOMAIN"
    [ "$stderr" = "stanza iq: nobody@$XMPP_DOMAIN answered with an error: service-unavailable (cancel)$UNHANDLED_TEXT" ]
    run -65 as_alice iq jabber:iq:version 'a@@b'
    run -64 stanza iq
}
