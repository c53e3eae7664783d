#!/usr/bin/env bats
# listen under faults: 5 forced drops, with messages sent during each gap;
# the reconnection intervals, measured at the fault proxy (its log has the
# time of each cut and of each new connection). The measured figures are
# printed as TAP comments ("# figure: ...") into the test log.

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

figure() {
    echo "# figure: $*" >&3
}

# listen as alice through the proxy steered by $T/ctl; stdout in $T/a.out,
# stderr in $T/a.err
listen_via_proxy() {
    local t=$BATS_TEST_TMPDIR
    "$FAULTS_DIR/proxy.py" --listen-port-file "$t/p.port" --to "$XMPP_PORT" \
        --control "$t/ctl" --log "$t/p.log" --lifetime 120 3>&- &
    track $!
    port=$(_wait_port "$t/p.port")
    STANZA_PASSWORD=alice-pw stanza listen --server "127.0.0.1:$port" --ca-file "$XMPP_CA" \
        -j "alice@$XMPP_DOMAIN" --json --kind message "$@" \
        >"$t/a.out" 2>"$t/a.err" 3>&- &
    apid=$!
    track "$apid"
    wait_for "$t/p.log" '^accept 1 '
}

# lines N FILE PATTERN: waits up to 20 s for N lines matching PATTERN
lines() {
    for _ in $(seq 1 400); do
        [ "$(grep -c -- "$3" "$2" 2>/dev/null)" -ge "$1" ] && return 0
        sleep 0.05
    done
    echo "timed out waiting for $1 lines /$3/ in $2" >&2
    return 1
}

@test "listen: 5 forced drops: it reconnects each time after 0.5 s give or take 25% (measured), and 0 messages are missing" {
    t=$BATS_TEST_TMPDIR
    listen_via_proxy --count 11 --until 60
    sleep 0.5 # online, presence sent
    for n in 1 2 3 4 5; do # not i: bats 1.8 `run` sets $i
        run -0 as bob send "alice@$XMPP_DOMAIN" "live $n"
        wait_for "$t/a.out" "live $n"
        echo cut >"$t/ctl"
        lines "$n" "$t/a.err" 'reconnecting in'
        # alice is offline now: the server keeps this one for her
        run -0 as bob send "alice@$XMPP_DOMAIN" "gap $n"
        echo pass >"$t/ctl"
        lines "$n" "$t/a.err" 'reconnected after'
    done
    run -0 as bob send "alice@$XMPP_DOMAIN" "after"
    wait "$apid"
    # each message exactly once
    diff <(printf '%s\n' after "gap "{1..5} "live "{1..5}) <(jq -r .body "$t/a.out" | sort)
    [ "$(grep -c 'reconnecting in 0\.[4-6] s$' "$t/a.err")" -eq 5 ]
    [ "$(grep -c 'reconnected after ' "$t/a.err")" -eq 5 ]
    [ "$(wc -l <"$t/a.err")" -eq 10 ]
    # the delay from each cut to the next connection, at the proxy
    awk '$1 == "cut" { c = $3 } $1 == "accept" && c { printf "%d\n", ($3 - c) * 1000; c = 0 }' \
        "$t/p.log" >"$t/delays"
    cat "$t/delays"
    [ "$(wc -l <"$t/delays")" -eq 5 ]
    while read -r d; do [ "$d" -ge 370 ] && [ "$d" -le 680 ]; done <"$t/delays"
    # jitter: not the same delay each time
    spread=$(sort -n "$t/delays" | sed -n '1p;$p' | paste -sd' ' | awk '{ print $2 - $1 }')
    [ "$spread" -ge 10 ]
    figure "listen, 5 drops: 11 of 11 messages once each; delays from cut to reconnection (ms): $(paste -sd' ' "$t/delays")"
}

@test "listen: while the server stays away, the delays double (0.5, 1, 2, 4 s, each give or take 25%)" {
    t=$BATS_TEST_TMPDIR
    listen_via_proxy --count 1 --until 60
    sleep 0.5
    echo cut >"$t/ctl"
    # three refused attempts, then the server is back
    lines 4 "$t/p.log" '^accept '
    echo pass >"$t/ctl"
    lines 1 "$t/a.err" 'reconnected after'
    run -0 as bob send "alice@$XMPP_DOMAIN" "back"
    wait "$apid"
    [ "$(jq -r .body "$t/a.out")" = back ]
    # from the cut of the first connection, the times between attempts
    awk '$1 == "cut" && $2 == 1 { last = $3 } $1 == "accept" && $2 > 1 && last {
            printf "%d\n", ($3 - last) * 1000; last = $3 }' "$t/p.log" >"$t/delays"
    cat "$t/delays" "$t/a.err"
    [ "$(wc -l <"$t/delays")" -ge 4 ]
    mapfile -t d <"$t/delays"
    [ "${d[0]}" -ge 370 ] && [ "${d[0]}" -le 680 ]
    [ "${d[1]}" -ge 750 ] && [ "${d[1]}" -le 1300 ]
    [ "${d[2]}" -ge 1500 ] && [ "${d[2]}" -le 2550 ]
    [ "${d[3]}" -ge 3000 ] && [ "${d[3]}" -le 5100 ]
    figure "listen, server away: attempts after (ms) ${d[*]}"
}
