#!/usr/bin/env bats
# A hostile server (tests/faults/hostile.py): whatever it sends, stanza
# ends non-zero within 5 s, never crashes, and stays within 64 MiB; DTDs
# are refused before any entity is expanded or fetched. And what a real
# server may legitimately send in the same shapes still passes.

load helpers
load faults

setup_file() {
    start_server
}

teardown_file() {
    stop_server
}

setup() {
    load_env
}

# against the hostile server, as alice, in plaintext on loopback
against() {
    local cmd=$1
    shift
    measured env STANZA_PASSWORD=x timeout 20 stanza "$cmd" --no-tls \
        --server "127.0.0.1:$port" -j "alice@$XMPP_DOMAIN" "$@"
}

# bounded: the run ended within 5 s, below 64 MiB, without a crash (the
# sanitizer build: without a crash)
bounded() {
    echo "rc $rc, $ms ms, $kib KiB: $(cat "$BATS_TEST_TMPDIR/m.err")"
    [ "$rc" -lt 128 ]
    sanitized || { [ "$ms" -lt 5000 ] && [ "$kib" -lt 65536 ]; }
}

guarded() { # WHAT: the one line about a stanza the guard stopped
    echo "127.0.0.1 sent $1 — the connection was closed before parsing it: a server bug, or an attack"
}

@test "hostile: each payload after login ends send and listen with 76, within 5 s, below 64 MiB" {
    declare -A why=(
        [malformed]="127.0.0.1 sent data that is not well-formed XML — a server bug, or not an XMPP server"
        [invalid-utf8]="127.0.0.1 sent data that is not well-formed XML — a server bug, or not an XMPP server"
        [huge]=$(guarded "a stanza over 4 MiB")
        [deep]=$(guarded "a stanza nested over 128 levels deep")
        [doctype-bomb]=$(guarded "a document type declaration (DOCTYPE), which XMPP forbids")
        [external-entity]=$(guarded "a document type declaration (DOCTYPE), which XMPP forbids")
        [stream-error-online]="stream error from 127.0.0.1: policy-violation: going down"
    )
    for mode in "${!why[@]}"; do
        hostile "$mode" --condition policy-violation --entity-url file:///etc/passwd
        against send -t 10 "bob@$XMPP_DOMAIN" hi
        bounded
        [ "$rc" -eq 76 ]
        [ "$(cat "$BATS_TEST_TMPDIR/m.err")" = "stanza send: ${why[$mode]}" ]
        against listen -t 10 --until 10
        bounded
        [ "$rc" -eq 76 ]
        [ "$(cat "$BATS_TEST_TMPDIR/m.err")" = "stanza listen: ${why[$mode]}" ]
        [ ! -s "$BATS_TEST_TMPDIR/m.out" ]
        kill "$hostile_pid"
    done
}

@test "hostile: a truncated stream or a silent server is 75 (unknown outcome), within the timeout" {
    hostile truncated
    against send -t 2 "bob@$XMPP_DOMAIN" hi
    bounded
    [ "$rc" -eq 75 ]
    [[ $(tail -1 "$BATS_TEST_TMPDIR/m.err") == "stanza send: 1 of 1 message(s) not confirmed by the server"* ]]
    against listen --no-reconnect --until 10
    bounded
    [ "$rc" -eq 75 ]
    [[ $(cat "$BATS_TEST_TMPDIR/m.err") == "stanza listen: connection to 127.0.0.1 lost"* ]]
    kill "$hostile_pid"
    hostile silent
    against send -t 2 "bob@$XMPP_DOMAIN" hi
    bounded
    [ "$rc" -eq 75 ]
    [ "$(cat "$BATS_TEST_TMPDIR/m.err")" = "stanza send: timed out after 2.0 s: 1 of 1 message(s) not confirmed by the server — they may or may not have been delivered" ]
    against listen --no-reconnect --keepalive 0.5 -t 1 --until 10
    bounded
    [ "$rc" -eq 75 ]
    [ "$(cat "$BATS_TEST_TMPDIR/m.err")" = "stanza listen: connection to 127.0.0.1 lost: no answer to a keepalive ping within 1.0 s" ]
}

@test "hostile: over TLS the guard stops a deep stanza as well (76)" {
    hostile deep --tls direct
    measured env STANZA_PASSWORD=x stanza send --direct-tls --insecure -t 10 \
        --server "127.0.0.1:$port" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    bounded
    [ "$rc" -eq 76 ]
    [ "$(tail -1 "$BATS_TEST_TMPDIR/m.err")" = "stanza send: $(guarded "a stanza nested over 128 levels deep")" ]
}

@test "hostile: every stream error condition is named, exit 76" {
    conditions=$(cd "$FAULTS_DIR" && /usr/bin/python3 -B -c 'import hostile; print(*hostile.CONDITIONS)')
    n=0
    for c in $conditions; do
        hostile stream-error --condition "$c"
        against send -t 5 "bob@$XMPP_DOMAIN" hi
        [ "$rc" -eq 76 ]
        [ "$(cat "$BATS_TEST_TMPDIR/m.err")" = "stanza send: stream error from 127.0.0.1: $c: going down" ]
        kill "$hostile_pid"
        n=$((n + 1))
    done
    [ "$n" -eq 25 ]
}

@test "hostile: external entities are neither read nor fetched" {
    mkfifo "$BATS_TEST_TMPDIR/fifo"
    # opening a FIFO to write blocks until someone opens it to read
    (exec 4>"$BATS_TEST_TMPDIR/fifo" && echo opened >"$BATS_TEST_TMPDIR/opened") 3>&- &
    track $!
    fault_proxy web --blackhole
    web=$port
    hostile external-entity --entity-url "file://$BATS_TEST_TMPDIR/fifo" \
        --entity-url "http://127.0.0.1:$web/x.dtd" --entity-url "$BATS_TEST_TMPDIR/fifo"
    against listen -t 5 --until 5
    [ "$rc" -eq 76 ]
    sleep 0.2
    [ ! -e "$BATS_TEST_TMPDIR/opened" ]
    [ ! -s "$BATS_TEST_TMPDIR/web.log" ]
}

@test "hostile: what a real server may send in the same shapes passes: 250 KB of short lines, 60 levels" {
    # the worst text a client can send through a server that limits
    # stanzas to 256 KiB: one character per line
    head -c 250000 /dev/zero | tr '\0' '\n' | sed 's/^/a/' | head -c 250000 >"$BATS_TEST_TMPDIR/body"
    STANZA_PASSWORD=alice-pw stanza listen --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" \
        -j "alice@$XMPP_DOMAIN" --json --kind message --count 2 --until 20 \
        >"$BATS_TEST_TMPDIR/a.out" 2>"$BATS_TEST_TMPDIR/a.err" 3>&- &
    track $!
    lpid=$!
    sleep 1
    run -0 as bob send --stdin-whole "alice@$XMPP_DOMAIN" <"$BATS_TEST_TMPDIR/body"
    deep=$(printf '<x>%.0s' $(seq 1 60))$(printf '</x>%.0s' $(seq 1 60))
    run -0 as bob raw "<message to='alice@$XMPP_DOMAIN'><body>deep</body>$deep</message>"
    wait "$lpid"
    [ "$(cat "$BATS_TEST_TMPDIR/a.err")" = "" ]
    jq -j 'select(.body != "deep") | .body' "$BATS_TEST_TMPDIR/a.out" |
        cmp - <(head -c 249999 "$BATS_TEST_TMPDIR/body")
    [ "$(jq -r 'select(.body == "deep") | .payloads[] | select(.name == "x") | .xml' \
        "$BATS_TEST_TMPDIR/a.out" | grep -o '<x' | wc -l)" -eq 60 ]
}

@test "hostile: a 250 KB body of short lines costs listen well under a second of CPU" {
    if sanitized; then
        skip "CPU time is measured on the normal build, not under AddressSanitizer"
    fi
    head -c 250000 /dev/zero | tr '\0' '\n' | sed 's/^/a/' | head -c 250000 >"$BATS_TEST_TMPDIR/body"
    (sleep 1; as bob send --stdin-whole "alice@$XMPP_DOMAIN" <"$BATS_TEST_TMPDIR/body") 3>&- &
    track $!
    measured env STANZA_PASSWORD=alice-pw stanza listen --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN" --json --kind message --count 1 --until 20
    echo "rc $rc, $cpu_ms ms of CPU, $kib KiB"
    [ "$rc" -eq 0 ]
    [ "$(jq -r '.body | length' "$BATS_TEST_TMPDIR/m.out")" -eq 249999 ]
    [ "$cpu_ms" -lt 800 ]
}
