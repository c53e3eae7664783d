#!/usr/bin/env bats
# stanza ping, version, time, last: entity queries

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

@test "ping: our own server by default, the round trip in ms" {
    run -0 --separate-stderr as_alice ping
    [[ $output =~ ^pong\ from\ $XMPP_DOMAIN:\ [0-9]+\.[0-9]{2}\ ms$ ]]
    [ "$stderr" = "" ]
}

@test "ping --json -c 3: one record with every round trip" {
    run -0 --separate-stderr as_alice ping --json -c 3 -i 0.05 "$XMPP_DOMAIN"
    run -0 jq -c '{jid, sent, received, n: (.rtt_ms | length), ok: (.rtt_ms | all(. > 0))}' <<<"$output"
    [ "$output" = "{\"jid\":\"$XMPP_DOMAIN\",\"sent\":3,\"received\":3,\"n\":3,\"ok\":true}" ]
}

@test "ping: a user's full JID, answered by stanza listen's responder" {
    STANZA_PASSWORD=bob-pw stanza listen --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" \
        -j "bob@$XMPP_DOMAIN/pong" --kind iq --count 3 --json \
        --version-name "bob's bot" >"$BATS_TEST_TMPDIR/bob.json" 2>&1 3>&- &
    pid=$!
    track "$pid"
    for _ in $(seq 1 100); do
        as_alice ping -t 2 "bob@$XMPP_DOMAIN/pong" >/dev/null 2>&1 && break
        sleep 0.1
    done
    run -0 as_alice version --json "bob@$XMPP_DOMAIN/pong"
    [ "$(jq -r .name <<<"$output")" = "bob's bot" ]
    run -1 --separate-stderr as_alice last "bob@$XMPP_DOMAIN/pong"
    [ "$stderr" = "stanza last: bob@$XMPP_DOMAIN/pong answered with an error: service-unavailable (cancel)" ]
    refused=jabber:iq:last
    if server_is ejabberd; then
        # ejabberd (mod_last) answers jabber:iq:last to a user's full JID
        # itself, service-unavailable to anyone without a presence
        # subscription: bob never saw it. A query bob's responder refuses:
        run -1 --separate-stderr as_alice time "bob@$XMPP_DOMAIN/pong"
        [ "$stderr" = "stanza time: bob@$XMPP_DOMAIN/pong answered with an error: service-unavailable (cancel)" ]
        refused=urn:xmpp:time
    fi
    wait "$pid"
    [ "$(jq -r 'select(.kind == "iq") | .payloads[0].ns' "$BATS_TEST_TMPDIR/bob.json" | sort -u | tr '\n' ' ')" = "$(printf '%s\n' $refused jabber:iq:version urn:xmpp:ping | sort | tr '\n' ' ')" ]
}

@test "version: the server's software, text and JSON" {
    run -0 --separate-stderr as_alice version
    if server_is ejabberd; then
        [[ $output == "$XMPP_DOMAIN: ejabberd 23.01"*" (unix/linux "*")" ]]
    else
        [[ $output == "$XMPP_DOMAIN: Prosody 0."*" (Linux)" ]]
    fi
    run -0 as_alice version --json
    [ "$(jq -r '[.jid, .name] | join(" ")' <<<"$output")" = "$XMPP_DOMAIN $SERVER_NAME" ]
}

@test "time: the server's clock in UTC" {
    run -0 as_alice time --json
    [[ $(jq -r .utc <<<"$output") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$ ]]
    [ "$(jq -r .tzo <<<"$output")" = "+00:00" ]
}

@test "last: the server's uptime in seconds" {
    run -0 as_alice last --json
    [[ $(jq -r .seconds <<<"$output") =~ ^[0-9]+$ ]]
}

@test "version --xml: the answer stanza itself" {
    run -0 as_alice version --xml
    [[ $output == '<iq '*'type="result"'*"<query xmlns=\"jabber:iq:version\"><name>$SERVER_NAME</name>"* ]]
}

@test "queries: an error answer is exit 1, named on stderr and in JSON" {
    run -1 --separate-stderr as_alice version "nobody@$XMPP_DOMAIN"
    [ "$stderr" = "stanza version: nobody@$XMPP_DOMAIN answered with an error: service-unavailable (cancel)$UNHANDLED_TEXT" ]
    # the server answers jabber:iq:last for its users: not without a
    # subscription (Prosody: forbidden; ejabberd: subscription-required)
    run -1 --separate-stderr as_alice last --json "nobody@$XMPP_DOMAIN"
    if server_is ejabberd; then
        [ "$(jq -c .error <<<"$output")" = '{"type":"auth","condition":"subscription-required","text":"Not subscribed"}' ]
    else
        [ "$(jq -c .error <<<"$output")" = '{"type":"auth","condition":"forbidden"}' ]
    fi
    [ "$(jq -r .jid <<<"$output")" = "nobody@$XMPP_DOMAIN" ]
}

@test "queries: a bad JID is 65 before connecting, extra arguments 64" {
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza ping --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" 'a@@b'
    [ "$stderr" = "stanza ping: invalid JID 'a@@b': character not allowed in the domain" ]
    run -64 stanza version a@b c@d
    run -64 stanza ping -c 0
}

@test "queries: wrong password 77, nothing listening 69" {
    run -77 env STANZA_PASSWORD=nope stanza time --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN"
    run -69 env STANZA_PASSWORD=x stanza last --server 127.0.0.1:1 -j "alice@$XMPP_DOMAIN"
}
