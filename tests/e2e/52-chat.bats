#!/usr/bin/env bats
# stanza send --chat-state (XEP-0085) and --receipt (XEP-0184), bare and
# full JIDs, with an independent client (slixmpp) on the other end

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

# peer NAME JID COUNT ARGS...: the independent receiver (recv.py --extras)
# as JID in the background, JSON lines in $BATS_TEST_TMPDIR/NAME.out;
# returns once it is online
peer() {
    local name=$1 jid=$2 count=$3 out=$BATS_TEST_TMPDIR/$1.out
    shift 3
    /usr/bin/python3 "$SERVER_DIR/recv.py" --jid "$jid" --password "${jid%%@*}-pw" \
        --port "$XMPP_PORT" --ca "$XMPP_CA" --count "$count" --timeout 20 --extras "$@" \
        >"$out" 2>"$out.err" 3>&- &
    echo $! >"$BATS_TEST_TMPDIR/$name.pid"
    track $!
    for _ in $(seq 1 200); do
        grep -q READY "$out.err" 2>/dev/null && return 0
        sleep 0.05
    done
    cat "$out.err" >&2
    return 1
}

peer_wait() {
    wait "$(cat "$BATS_TEST_TMPDIR/$1.pid")"
}

@test "send --chat-state with an empty message: the chat state alone" {
    peer bob "bob@$d/phone" 2
    run -0 --separate-stderr as_alice send --chat-state composing "bob@$d/phone" ''
    [ "$output" = "" ]
    [ "$stderr" = "" ]
    run -0 as_alice send --chat-state paused "bob@$d/phone" </dev/null
    peer_wait bob
    run -0 jq -c '[.type, .body, .chat_state, .receipt_request]' "$BATS_TEST_TMPDIR/bob.out"
    [ "$output" = $'["chat",null,"composing",false]\n["chat",null,"paused",false]' ]
}

@test "send --chat-state with a message: the body and the state" {
    peer bob "bob@$d/phone" 1
    run -0 as_alice send --chat-state active "bob@$d" 'are you there?'
    peer_wait bob
    [ "$(jq -c '[.body, .chat_state]' "$BATS_TEST_TMPDIR/bob.out")" = '["are you there?","active"]' ]
}

@test "send --chat-state --dry-run: the elements, no body for an empty message" {
    run -0 stanza send -n --chat-state gone "bob@$d" ''
    [[ $output == '<message id="'*'" to="bob@'"$d"'" type="chat"><gone xmlns="http://jabber.org/protocol/chatstates"/></message>' ]]
    run -0 stanza send -n --receipt --chat-state active "bob@$d" hi
    [[ $output == *'<body>hi</body><active xmlns="http://jabber.org/protocol/chatstates"/><request xmlns="urn:xmpp:receipts"/></message>' ]]
}

@test "send --receipt: exit 0 once the recipient's client confirmed, and who did" {
    peer bob "bob@$d/phone" 1 --receipts
    run -0 --separate-stderr as_alice send --json --receipt "bob@$d" 'did you get this?'
    [ "$(jq -c '.[] | [.to, .confirmed, .received, .received_by]' <<<"$output")" = \
        "[\"bob@$d\",true,true,\"bob@$d/phone\"]" ]
    [ "$stderr" = "" ]
    peer_wait bob
    # the receipt answered the request of that very message
    [ "$(jq -r .id "$BATS_TEST_TMPDIR/bob.out")" = "$(jq -r '.[0].id' <<<"$output")" ]
    [ "$(jq -r .receipt_request "$BATS_TEST_TMPDIR/bob.out")" = true ]
}

@test "send --receipt to a full JID: that resource gets it and confirms" {
    peer phone "bob@$d/phone" 1 --receipts
    peer desk "bob@$d/desk" 1 --receipts
    run -0 as_alice send --json --receipt "bob@$d/desk" 'for the desk'
    [ "$(jq -r '.[0].received_by' <<<"$output")" = "bob@$d/desk" ]
    peer_wait desk
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/desk.out")" = "for the desk" ]
    [ ! -s "$BATS_TEST_TMPDIR/phone.out" ]
}

@test "send --receipt: no receipt within --timeout is exit 75 (recipient offline)" {
    SECONDS=0
    run -75 --separate-stderr as_alice send --json --receipt -t 2 "carol@$d" 'anyone?'
    [ "$SECONDS" -lt 6 ]
    [ "$stderr" = "stanza send: no receipt for 1 of 1 message(s) within 2.0 s — the server has them, but the recipient's client did not confirm (offline, or it does not send receipts)" ]
    [ "$(jq -c '.[0] | [.confirmed, .received]' <<<"$output")" = '[true,false]' ]
}

@test "send --receipt: a client that does not answer receipts is exit 75 too" {
    peer bob "bob@$d/phone" 1
    run -75 as_alice send --receipt -t 2 "bob@$d" 'silent client'
    peer_wait bob
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/bob.out")" = "silent client" ]
}

@test "send --receipt to two recipients: each message has its own receipt" {
    peer bob "bob@$d/phone" 2 --receipts
    run -75 --separate-stderr as_alice send --json --receipt -t 2 "bob@$d" "admin@$d" -- one
    [ "$(jq -c 'map([.to, .received])' <<<"$output")" = "[[\"bob@$d\",true],[\"admin@$d\",false]]" ]
    [[ $stderr == "stanza send: no receipt for 1 of 2 message(s)"* ]]
}

@test "send: chat state and receipt misuse" {
    run -64 --separate-stderr stanza send --chat-state typing "bob@$d" hi
    [ "$stderr" = "stanza send: option '--chat-state' expects one of active|composing|paused|inactive|gone, not 'typing'" ]
    run -64 --separate-stderr stanza send -n --receipt --chat-state composing "bob@$d" ''
    [[ $stderr == "stanza send: --receipt needs a message: a chat state alone gets no receipt"* ]]
    run -65 --separate-stderr stanza send -n "bob@$d" ''
    [ "$stderr" = "stanza send: nothing to send: the message is empty" ]
}

@test "send to a full JID: only that resource gets the message" {
    peer phone "bob@$d/phone" 1
    peer desk "bob@$d/desk" 1
    run -0 as_alice send "bob@$d/phone" 'for the phone'
    run -0 as_alice send "bob@$d/desk" 'for the desk'
    peer_wait phone
    peer_wait desk
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/phone.out")" = "for the phone" ]
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/desk.out")" = "for the desk" ]
}
