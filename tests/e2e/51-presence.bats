#!/usr/bin/env bats
# stanza presence: set holds a presence while it runs, get asks for a
# contact's; checked with an independent client (slixmpp)

load helpers

setup_file() {
    start_server
    load_env
    local d=$XMPP_DOMAIN
    # alice and bob see each other; carol is only in alice's roster
    as_alice roster subscribe "bob@$d"
    as bob roster approve "alice@$d"
    as bob roster subscribe "alice@$d"
    as_alice roster approve "bob@$d"
    as_alice roster add "carol@$d"
}

teardown_file() {
    stop_server
}

setup() {
    load_env
    d=$XMPP_DOMAIN
}

# the helpers that held a presence are gone before the next test starts
teardown() {
    local pids p
    pids=$(cat "$BATS_TEST_TMPDIR/pids" 2>/dev/null || true)
    kill_tracked
    for p in $pids; do
        for _ in $(seq 1 100); do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.05
        done
    done
}

# presence_of USER: the presence USER's contacts have, as slixmpp sees it
presence_of() {
    /usr/bin/python3 "$SERVER_DIR/roster.py" --jid "$1@$XMPP_DOMAIN" \
        --password "$1-pw" --port "$XMPP_PORT" --ca "$XMPP_CA" --presence 3>&-
}

# hold USER RESOURCE ARGS...: `stanza presence set` as USER/RESOURCE in the
# background, its JSON line in $BATS_TEST_TMPDIR/RESOURCE.json; returns once
# the server confirmed the presence
hold() {
    local user=$1 res=$2 out=$BATS_TEST_TMPDIR/$2.json
    shift 2
    # exec: $! is stanza itself, not a subshell that a signal would leave
    # stanza running behind
    (STANZA_PASSWORD=$user-pw exec stanza presence --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "$user@$XMPP_DOMAIN" -r "$res" set --json "$@" \
        >"$out" 2>"$out.err" 3>&-) &
    track $!
    echo $! >"$BATS_TEST_TMPDIR/$res.pid"
    for _ in $(seq 1 100); do
        [ -s "$out" ] && return 0
        sleep 0.05
    done
    cat "$out.err" >&2
    return 1
}

@test "presence set: held while it runs, as an independent client sees it" {
    hold bob desk --show dnd --status 'in a meeting' --priority 3
    [ "$(cat "$BATS_TEST_TMPDIR/desk.json")" = \
        "{\"jid\":\"bob@$d/desk\",\"show\":\"dnd\",\"status\":\"in a meeting\",\"priority\":3}" ]
    run -0 presence_of alice
    [ "$output" = "[{\"from\":\"bob@$d/desk\",\"type\":\"available\",\"show\":\"dnd\",\"status\":\"in a meeting\",\"priority\":3}]" ]
}

@test "presence set: the default priority is -1; SIGTERM ends it (143), contacts see it go" {
    hold bob laptop
    [ "$(jq -c '[.show, .priority]' "$BATS_TEST_TMPDIR/laptop.json")" = '["available",-1]' ]
    pid=$(cat "$BATS_TEST_TMPDIR/laptop.pid")
    kill -TERM "$pid"
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 143 ]
    run -0 presence_of alice
    if server_is ejabberd; then
        # ejabberd does not answer a probe for a contact with no resource
        # online (Prosody answers unavailable): nothing comes from bob
        [ "$output" = "[]" ]
    else
        [ "$(jq -c 'map(.type)' <<<"$output")" = '["unavailable"]' ]
    fi
}

@test "presence set --until: exit 0 when the time is up" {
    run -0 --separate-stderr as bob presence -r short set --until 0.3
    [ "$output" = "" ]
    [ "$stderr" = "" ]
}

@test "presence set --xml: the presence as sent" {
    run -0 as bob presence set --xml --show away --until 0.1
    [[ $output == '<presence><show>away</show><priority>-1</priority></presence>' ]]
}

@test "presence get: an online contact's resources, most available first" {
    hold bob desk --show away --status 'at lunch' --priority 1
    hold bob phone --priority 5
    run -0 --separate-stderr as_alice presence get "bob@$d"
    [ "${lines[0]}" = "JID                  SHOW       PRIORITY  STATUS" ]
    [ "${lines[1]}" = "bob@$d/phone  available  5         -" ]
    [ "${lines[2]}" = "bob@$d/desk   away       1         at lunch" ]
    [ "$stderr" = "" ]
    run -0 as_alice presence get --json "bob@$d"
    [ "$output" = "{\"jid\":\"bob@$d\",\"subscription\":\"both\",\"online\":true,\"resources\":[{\"jid\":\"bob@$d/phone\",\"resource\":\"phone\",\"show\":\"available\",\"priority\":5},{\"jid\":\"bob@$d/desk\",\"resource\":\"desk\",\"show\":\"away\",\"status\":\"at lunch\",\"priority\":1}]}" ]
}

@test "presence get: a full JID is that resource only" {
    hold bob desk --show xa
    hold bob phone
    run -0 as_alice presence get --json "bob@$d/desk"
    [ "$(jq -c '[.jid, .online, (.resources | map(.jid))]' <<<"$output")" = \
        "[\"bob@$d/desk\",true,[\"bob@$d/desk\"]]" ]
    run -0 as_alice presence get --json "bob@$d/gone"
    [ "$(jq -c '[.online, .resources]' <<<"$output")" = '[false,[]]' ]
}

@test "presence get: an offline contact is offline, exit 0, at once" {
    start=$(date +%s%N)
    if server_is ejabberd; then
        # no answer to the probe (see 50-roster): offline when --wait ends
        run -0 as bob presence get --wait 1 "alice@$d"
    else
        run -0 as bob presence get --wait 5 "alice@$d"
    fi
    [ "$output" = "JID              SHOW       PRIORITY  STATUS
alice@$d  offline    -         -" ]
    if server_is ejabberd; then
        [ $(( ($(date +%s%N) - start) / 1000000 )) -ge 1000 ]
    else
        [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 3000 ]
    fi
    run -0 as bob presence get --json "alice@$d"
    [ "$output" = "{\"jid\":\"alice@$d\",\"subscription\":\"both\",\"online\":false,\"resources\":[]}" ]
}

@test "presence get: a JID whose presence does not come to us is exit 1" {
    run -1 --separate-stderr as_alice presence get "carol@$d"
    [ "$output" = "" ]
    [ "$stderr" = "stanza presence get: the presence of 'carol@$d' does not come to you (subscription none) — 'stanza roster subscribe carol@$d' asks for it" ]
    run -1 --separate-stderr as_alice presence get "nobody@$d"
    [ "$stderr" = "stanza presence get: 'nobody@$d' is not in the roster: its presence does not come to you — 'stanza roster subscribe nobody@$d' asks for it" ]
}

@test "presence: bad input is 65 before connecting, misuse 64" {
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza presence get --server 127.0.0.1:1 \
        -j "alice@$d" 'a@@b'
    [ "$stderr" = "stanza presence get: invalid JID 'a@@b': character not allowed in the domain — nothing was sent" ]
    run -65 env STANZA_PASSWORD=x stanza presence set --server 127.0.0.1:1 \
        -j "alice@$d" --status $'a\x01b'
    run -64 --separate-stderr stanza presence
    [[ $stderr == "stanza presence: expected a subcommand"* ]]
    run -64 --separate-stderr stanza presence frob
    [[ $stderr == "stanza presence: unknown subcommand 'frob'"* ]]
    run -64 --separate-stderr stanza presence set --priority 128
    [[ $stderr == "stanza presence set: --priority is a number from -128 to 127, not '128'"* ]]
    run -64 stanza presence set --show busy
    run -64 stanza presence set extra
    run -64 stanza presence get
    run -64 stanza presence get "a@$d" "b@$d"
    run -64 --separate-stderr stanza presence --show away get "a@$d"
    [[ $stderr == "stanza presence get: 'get' does not take --show"* ]]
    run -64 stanza presence get --xml "a@$d"
}

@test "presence: --help of each subcommand" {
    run -0 stanza presence --help
    [ "${lines[0]}" = "usage: stanza presence set [options]" ]
    [ "${lines[1]}" = "   or: stanza presence get [options] <jid>" ]
    run -0 stanza presence get --help
    [[ $output == *"--wait <seconds>"* && $output != *"--show"* ]]
    run -0 stanza presence set --list-options
    [[ $output == *"--show="* && $output != *"--wait="* ]]
}

@test "presence set --no-reconnect: a lost connection is exit 75" {
    cutproxy_start 1000
    run -75 --separate-stderr as bob presence set --no-reconnect \
        --server "127.0.0.1:$proxy_port"
    [[ $stderr == "stanza presence set: connection to 127.0.0.1 lost"* ]]
}

@test "presence set: after a lost connection it connects again and announces the presence again" {
    cutproxy_start 1000
    out=$BATS_TEST_TMPDIR/cut.json
    (STANZA_PASSWORD=bob-pw exec stanza presence --server "127.0.0.1:$proxy_port" \
        --ca-file "$XMPP_CA" -j "bob@$d" -r cut set --json --status back --until 30 \
        >"$out" 2>"$out.err" 3>&-) &
    track $!
    for _ in $(seq 1 100); do [ "$(wc -l <"$out")" -ge 2 ] && break; sleep 0.05; done
    [ "$(jq -r .status "$out" | tr '\n' ' ')" = "back back " ]
    [[ $(cat "$out.err") == "stanza presence set: warning: connection to 127.0.0.1 lost"*"; reconnecting in 0."[4-6]" s" ]]
    run -0 presence_of alice
    [ "$(jq -c "map(select(.from == \"bob@$d/cut\")) | map([.type, .status])" <<<"$output")" = '[["available","back"]]' ]
}
