#!/usr/bin/env bats
# stanza block, unblock: the blocklist (XEP-0191), and that blocking stops
# delivery, as an independent receiver (slixmpp) sees it

load helpers

setup_file() {
    start_server
}

teardown_file() {
    stop_server
}

setup() {
    load_env
    d=$XMPP_DOMAIN
}

@test "block --list: empty at first; text and JSON" {
    run -0 --separate-stderr as_alice block --list
    [ "$output" = "" ]
    [ "$stderr" = "" ]
    run -0 as_alice block --list --json
    [ "$output" = "[]" ]
}

@test "block: the JIDs are on the server's blocklist, sorted" {
    run -0 --separate-stderr as_alice block "mallory@$d" example.org "eve@$d/phone"
    [ "$output" = "" ]
    [ "$stderr" = "" ]
    run -0 as_alice block -l
    [ "$output" = "eve@$d/phone
example.org
mallory@$d" ]
    run -0 as_alice block --list --xml
    [[ $output == '<iq '*'type="result"'*'<blocklist xmlns="urn:xmpp:blocking">'*"<item jid=\"mallory@$d\"/>"* ]]
}

@test "block --json: the blocklist as the server now has it" {
    run -0 as_alice unblock --json example.org "eve@$d/phone"
    [ "$output" = "[{\"jid\":\"mallory@$d\"}]" ]
    run -0 as_alice block --json example.org
    [ "$output" = "[{\"jid\":\"example.org\"},{\"jid\":\"mallory@$d\"}]" ]
}

@test "block: a blocked JID's messages bounce and never arrive; others' do" {
    as_alice block "bob@$d"
    recv_start alice 1
    if server_is ejabberd; then
        # ejabberd bounces it from alice's session, after it has answered
        # the ping that confirms the message to bob: a late bounce
        run -1 --separate-stderr as bob send --bounce-wait 20 "alice@$d" 'let me in'
    else
        run -1 --separate-stderr as bob send "alice@$d" 'let me in'
    fi
    [[ $stderr == "stanza send: message to 'alice@$d' (id "*") bounced: service-unavailable (cancel)" ]]
    run -0 as carol send "alice@$d" 'hello from carol'
    recv_wait alice
    # only carol's message came, though bob's was sent first
    [ "$(jq -c '[.from, .body]' <<<"$(recv_out alice)" | sed 's|/[^"]*"|"|')" = \
        "[\"carol@$d\",\"hello from carol\"]" ]
}

@test "block: messages to a blocked JID are refused by our own server" {
    run -1 --separate-stderr as_alice send "bob@$d" 'hi'
    if server_is ejabberd; then
        [[ $stderr == *"bounced: not-acceptable (modify): Your active privacy list has denied the routing of this stanza." ]]
    else
        [[ $stderr == *"bounced: not-acceptable (cancel): You have blocked this JID" ]]
    fi
}

@test "unblock: delivery works again" {
    run -0 as_alice unblock "bob@$d"
    recv_start alice 1
    run -0 as bob send "alice@$d" 'back again'
    recv_wait alice
    [ "$(jq -r .body <<<"$(recv_out alice)")" = "back again" ]
    run -0 as_alice block --list --json
    [ "$(jq -c 'map(.jid)' <<<"$output")" = "[\"example.org\",\"mallory@$d\"]" ]
}

@test "unblock --all: the blocklist is empty" {
    run -0 as_alice unblock --all
    run -0 as_alice block --list --json
    [ "$output" = "[]" ]
}

@test "block, unblock: bad JIDs are 65 before connecting, misuse 64" {
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza block --server 127.0.0.1:1 \
        -j "alice@$d" "bob@$d" 'a@@b'
    [ "$stderr" = "stanza block: invalid JID 'a@@b': character not allowed in the domain — nothing was sent" ]
    run -65 env STANZA_PASSWORD=x stanza unblock --server 127.0.0.1:1 -j "alice@$d" '@x'
    run -64 --separate-stderr stanza block
    [[ $stderr == "stanza block: expected a <jid> or --list"* ]]
    run -64 stanza block --list "bob@$d"
    run -64 --separate-stderr stanza unblock
    [[ $stderr == "stanza unblock: expected a <jid> or --all"* ]]
    run -64 stanza unblock --all "bob@$d"
}

@test "block: wrong password 77, nothing listening 69" {
    run -77 env STANZA_PASSWORD=nope stanza block --list --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "alice@$d"
    run -69 env STANZA_PASSWORD=x stanza unblock --all --server 127.0.0.1:1 -j "alice@$d"
}
