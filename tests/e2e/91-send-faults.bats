#!/usr/bin/env bats
# send under faults: 10,000 messages plain, through 5 connection resets and
# through two crashes of the server; a connection that goes dead after the
# last message; signals. Every message is counted at an independent
# receiver (tests/server/recv.py). The measured figures are printed as TAP
# comments ("# figure: ...") into the test log.
#
# The server has no archive (MAM): Prosody's file storage makes archiving
# 10,000 messages take minutes; offline storage stays.

load helpers
load faults

setup_file() {
    PROSODY_WITHOUT=mam EJABBERD_WITHOUT=mod_mam start_server
    seq -f 'line %g' 1 10000 >"$BATS_FILE_TMPDIR/lines"
}

teardown_file() {
    stop_server
}

setup() {
    load_env
}

figure() {
    echo "# figure: $*" >&3
}

# stanza send as alice to bob with ARGS, stdin the 10,000 lines, measured
send_lines() {
    measured env STANZA_PASSWORD=alice-pw stanza send --ca-file "$XMPP_CA" \
        -j "alice@$XMPP_DOMAIN" --json "$@" "bob@$XMPP_DOMAIN" <"$BATS_FILE_TMPDIR/lines"
    echo "send: rc $rc, $ms ms, $kib KiB"
    cat "$BATS_TEST_TMPDIR/m.err"
}

# receive_all: waits (up to 30 s) until bob's receiver has every id of the
# last send at least once, stops it; sets $got, $unique, $missing
receive_all() {
    local i t=$BATS_TEST_TMPDIR
    jq -r '.[].id' "$t/m.out" | sort >"$t/want"
    for ((i = 0; i < 300; i++)); do
        jq -r .id "$t/bob.out" | sort -u >"$t/got"
        [ "$(comm -23 "$t/want" "$t/got" | wc -l)" -eq 0 ] && break
        sleep 0.1
    done
    kill "$(cat "$t/bob.pid")" 2>/dev/null || true
    got=$(wc -l <"$t/bob.out")
    unique=$(jq -r .id "$t/bob.out" | sort -u | wc -l)
    missing=$(comm -23 "$t/want" "$t/got" | wc -l)
}

# resent: the count send reported on stderr (0 if it said nothing)
resent() {
    sed -n 's/^stanza send: warning: \([0-9]*\) of 10000 message(s) were sent again.*/\1/p' \
        "$BATS_TEST_TMPDIR/m.err" | grep . || echo 0
}

@test "send: 10,000 messages through one send arrive exactly once and in order; peak RSS below 64 MiB" {
    recv_start bob 10000 60
    send_lines --server "127.0.0.1:$XMPP_PORT"
    [ "$rc" -eq 0 ]
    [ ! -s "$BATS_TEST_TMPDIR/m.err" ]
    [ "$(jq '[.[] | select(.confirmed)] | length' "$BATS_TEST_TMPDIR/m.out")" -eq 10000 ]
    recv_wait bob
    # exactly the ids sent, each once, in the order sent, with their bodies
    diff <(jq -r '.[].id' "$BATS_TEST_TMPDIR/m.out") <(jq -r .id "$BATS_TEST_TMPDIR/bob.out")
    diff "$BATS_FILE_TMPDIR/lines" <(jq -r .body "$BATS_TEST_TMPDIR/bob.out")
    sanitized || [ "$kib" -lt 65536 ]
    figure "10000 messages, one send: exit 0 in $ms ms, 10000 received once each, in order; peak RSS $kib KiB"
}

@test "send: 10,000 messages through 5 connection resets: exit 0, 0 missing, duplicates counted on stderr" {
    fault_proxy p --to "$XMPP_PORT" --cut-after 150000 --cuts 5
    recv_start bob 100000 60
    send_lines --server "127.0.0.1:$port" -t 60
    [ "$rc" -eq 0 ]
    [ "$(grep -c '^cut ' "$BATS_TEST_TMPDIR/p.log")" -eq 5 ]
    [ "$(jq '[.[] | select(.confirmed)] | length' "$BATS_TEST_TMPDIR/m.out")" -eq 10000 ]
    [ "$(grep -c 'lost: [^;]*; reconnecting to send [0-9]* unconfirmed message(s) again$' \
        "$BATS_TEST_TMPDIR/m.err")" -eq 5 ]
    again=$(resent)
    [ "$again" -gt 0 ]
    [ "$(wc -l <"$BATS_TEST_TMPDIR/m.err")" -eq 6 ]
    receive_all
    [ "$missing" -eq 0 ]
    [ "$unique" -eq 10000 ]
    [ $((got - unique)) -le "$again" ] # every duplicate was announced
    figure "10000 messages, 5 resets: exit 0 in $ms ms; 0 missing; $((got - unique)) duplicates received, $again announced on stderr; peak RSS $kib KiB"
}

@test "send: 10,000 messages, the server killed and restarted twice mid-batch: exit 0, 0 missing" {
    t=$BATS_TEST_TMPDIR
    # bob is offline: the server stores the messages, and keeps them over
    # the crashes; stanza must resend whatever was not confirmed
    (send_lines --server "127.0.0.1:$XMPP_PORT" -t 120 --trace "$t/trace"
        echo "$rc $ms $kib" >"$t/done") 3>&- &
    track $!
    confirmed() { grep -c '^<< <iq id="[0-9a-f]\{24\}"[^>]* type="result"' "$t/trace" 2>/dev/null || true; }
    for crash in 1 2; do
        for _ in $(seq 1 400); do [ "$(confirmed)" -ge $((crash * 2)) ] && break; sleep 0.05; done
        [ ! -e "$t/done" ] # still sending
        "$TOP/tests/faults/$STANZA_TEST_SERVER-restart" "$XMPP_DIR" >/dev/null
    done
    for _ in $(seq 1 1200); do [ -e "$t/done" ] && break; sleep 0.1; done
    read -r rc ms kib <"$t/done"
    cat "$t/m.err"
    [ "$rc" -eq 0 ]
    [ "$(jq '[.[] | select(.confirmed)] | length' "$t/m.out")" -eq 10000 ]
    [ "$(grep -c 'reconnecting to send [0-9]* unconfirmed message(s) again$' "$t/m.err")" -eq 2 ]
    again=$(resent)
    recv_start bob 100000 60
    receive_all
    [ "$missing" -eq 0 ]
    [ "$unique" -eq 10000 ]
    [ $((got - unique)) -le "$again" ]
    figure "10000 messages, server killed twice: exit 0 in $ms ms; 0 missing; $((got - unique)) duplicates received, $again announced on stderr; peak RSS $kib KiB"
}

@test "send: through 100 ms of delay each way: 1,000 messages confirmed, exit 0" {
    seq -f 'slow %g' 1 1000 >"$BATS_TEST_TMPDIR/in"
    fault_proxy p --to "$XMPP_PORT" --delay 100
    measured env STANZA_PASSWORD=alice-pw stanza send --server "127.0.0.1:$port" --ca-file "$XMPP_CA" \
        -j "alice@$XMPP_DOMAIN" --json "bob@$XMPP_DOMAIN" <"$BATS_TEST_TMPDIR/in"
    [ "$rc" -eq 0 ]
    [ "$(jq '[.[] | select(.confirmed)] | length' "$BATS_TEST_TMPDIR/m.out")" -eq 1000 ]
    [ "$ms" -ge 1000 ] # the login alone is five round trips of 200 ms
    figure "1000 messages through a 200 ms round trip: exit 0 in $ms ms, all confirmed"
}

@test "send: a server that stops answering after the last message: exit 75 within --timeout + 1 s, never 0" {
    seq -f 'line %g' 1 2499 >"$BATS_TEST_TMPDIR/in"
    echo "the last one" >>"$BATS_TEST_TMPDIR/in"
    # it confirms the first two windows (1000 messages each), then takes
    # the last one and says nothing more
    hostile swallow --silent-after 'the last one'
    measured env STANZA_PASSWORD=x stanza send --no-tls --server "127.0.0.1:$port" \
        -j "alice@$XMPP_DOMAIN" -t 3 --json "bob@$XMPP_DOMAIN" <"$BATS_TEST_TMPDIR/in"
    [ "$rc" -eq 75 ]
    sanitized || [ "$ms" -lt 4000 ]
    grep -q 'the last one' "$BATS_TEST_TMPDIR/hostile.log"
    [ "$(cat "$BATS_TEST_TMPDIR/m.err")" = "stanza send: timed out after 3.0 s: 500 of 2500 message(s) not confirmed by the server — they may or may not have been delivered" ]
    [ "$(jq '[.[] | select(.confirmed)] | length' "$BATS_TEST_TMPDIR/m.out")" -eq 2000 ]
    figure "server silent after the last message, -t 3: exit 75 after $ms ms, 2000 of 2500 confirmed"
}

@test "send: a recipient on another domain whose probe is never answered is 75, not 0" {
    # the server answers our ping, but not the probe that follows a
    # message to another domain (its id: the ping's and ".1"): until the
    # probe is answered, a bounce from there may still come
    hostile swallow --silent-after '<iq id="[0-9a-f]{24}\.1"'
    measured env STANZA_PASSWORD=x stanza send --no-tls --server "127.0.0.1:$port" \
        -j "alice@$XMPP_DOMAIN" -t 2 "bob@elsewhere.example" hi
    [ "$rc" -eq 75 ]
    grep -q '<iq id="[0-9a-f]*\.1" to="bob@elsewhere.example" type="get"><ping' \
        "$BATS_TEST_TMPDIR/hostile.log"
    [ "$(cat "$BATS_TEST_TMPDIR/m.err")" = "stanza send: timed out after 2.0 s: 1 of 1 message(s) not confirmed by the server — they may or may not have been delivered" ]
    # the same server and a recipient on our own domain: no probe, the
    # ping confirms
    measured env STANZA_PASSWORD=x stanza send --no-tls --server "127.0.0.1:$port" \
        -j "alice@$XMPP_DOMAIN" -t 2 "bob@$XMPP_DOMAIN" hi
    [ "$rc" -eq 0 ] && [ ! -s "$BATS_TEST_TMPDIR/m.err" ]
}

@test "send: a connection that goes dead mid-batch (TLS, real server) is 75 within --timeout + 1 s" {
    fault_proxy p --to "$XMPP_PORT" --freeze-after 300000
    send_lines --server "127.0.0.1:$port" -t 3
    [ "$rc" -eq 75 ]
    sanitized || [ "$ms" -lt 4000 ]
    grep -q '^freeze 1 ' "$BATS_TEST_TMPDIR/p.log"
    n=$(jq '[.[] | select(.confirmed)] | length' "$BATS_TEST_TMPDIR/m.out")
    [ "$n" -lt 10000 ]
    [ "$(cat "$BATS_TEST_TMPDIR/m.err")" = "stanza send: timed out after 3.0 s: $((10000 - n)) of 10000 message(s) not confirmed by the server — they may or may not have been delivered" ]
    figure "connection dead after 300 kB of 10000 messages, -t 3: exit 75 after $ms ms, $n confirmed"
}

# slow_send SIGNAL: 3000 lines through a proxy that forwards 40 kB/s, a
# signal once some are confirmed; sets $rc, $t
slow_send() {
    t=$BATS_TEST_TMPDIR
    seq -f 'line %g' 1 3000 >"$t/in"
    fault_proxy p --to "$XMPP_PORT" --throttle 40000
    STANZA_PASSWORD=alice-pw stanza send --server "127.0.0.1:$port" --ca-file "$XMPP_CA" \
        -j "alice@$XMPP_DOMAIN" --json --trace "$t/trace" "bob@$XMPP_DOMAIN" \
        <"$t/in" >"$t/out" 2>"$t/err" 3>&- &
    pid=$!
    track "$pid"
    for _ in $(seq 1 400); do
        grep -q '^<< <iq id="[0-9a-f]\{24\}"[^>]* type="result"' "$t/trace" 2>/dev/null && break
        sleep 0.05
    done
    kill "-$1" "$pid"
    rc=0
    wait "$pid" || rc=$?
}

@test "send: SIGINT mid-batch: what was confirmed is reported, the stream closed, exit 75, whole JSON" {
    slow_send INT
    cat "$t/err"
    [ "$rc" -eq 75 ]
    n=$(jq '[.[] | select(.confirmed)] | length' "$t/out") # whole JSON, or jq fails
    [ "$(jq length "$t/out")" -eq 3000 ]
    [ "$n" -ge 1000 ] && [ "$n" -lt 3000 ]
    [ "$(cat "$t/err")" = "stanza send: interrupted: $n of 3000 message(s) confirmed, $((3000 - n)) not confirmed — they may or may not have been delivered" ]
    [ "$(grep '^>>' "$t/trace" | tail -1)" = ">> </stream:stream>" ]
}

@test "send: SIGTERM mid-batch: the same, exit 75" {
    slow_send TERM
    [ "$rc" -eq 75 ]
    n=$(jq '[.[] | select(.confirmed)] | length' "$t/out")
    [ "$(cat "$t/err")" = "stanza send: interrupted: $n of 3000 message(s) confirmed, $((3000 - n)) not confirmed — they may or may not have been delivered" ]
    [ "$(grep '^>>' "$t/trace" | tail -1)" = ">> </stream:stream>" ]
}

@test "send: SIGINT once all is confirmed (waiting for bounces) is 130, and says so" {
    t=$BATS_TEST_TMPDIR
    STANZA_PASSWORD=alice-pw stanza send --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" \
        -j "alice@$XMPP_DOMAIN" --json --trace "$t/trace" --bounce-wait 20 "bob@$XMPP_DOMAIN" \
        one two >"$t/out" 2>"$t/err" 3>&- &
    pid=$!
    track "$pid"
    wait_for "$t/trace" '^<< <iq id="[0-9a-f]\{24\}"[^>]* type="result"'
    kill -INT "$pid"
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 130 ]
    [ "$(cat "$t/err")" = "stanza send: interrupted: 1 of 1 message(s) confirmed" ]
    [ "$(jq -c 'map(.confirmed)' "$t/out")" = "[true]" ]
}
