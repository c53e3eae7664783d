# tests/e2e/helpers.bash - shared by the bats files
# shellcheck shell=bash
bats_require_minimum_version 1.5.0
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

TOP=${STANZA_TOP:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
SERVER_DIR=$TOP/tests/server

if ! command -v stanza >/dev/null; then
    export PATH="$TOP/build/inst/bin:$PATH"
fi
# never read the developer's own account or config
export HOME="$BATS_RUN_TMPDIR/home" XDG_CONFIG_HOME="$BATS_RUN_TMPDIR/home/.config"
mkdir -p "$XDG_CONFIG_HOME"
unset STANZA_JID STANZA_PASSWORD STANZA_ACCOUNT STANZA_SERVER

# The server the suite runs against: STANZA_TEST_SERVER=prosody (default) or
# ejabberd. server_is NAME is true when it is NAME.
STANZA_TEST_SERVER=${STANZA_TEST_SERVER:-prosody}
case $STANZA_TEST_SERVER in
prosody | ejabberd) ;;
*)
    echo "STANZA_TEST_SERVER must be prosody or ejabberd, not '$STANZA_TEST_SERVER'" >&2
    exit 1
    ;;
esac
export STANZA_TEST_SERVER
server_is() {
    [ "$STANZA_TEST_SERVER" = "$1" ]
}

# What the servers say differently (tests/server/README.md, "Prosody and
# ejabberd differ"):
#   SERVER_NAME      the software name in version answers and the host's
#                    disco identity
#   UNHANDLED_TEXT   the text after "service-unavailable (cancel)" for an iq
#                    nobody handles (to a user without such a module), and
#   UNHANDLED_JSON   that error as stanza's JSON prints it
# shellcheck disable=SC2034 # used by the .bats files
if server_is ejabberd; then
    SERVER_NAME=ejabberd
    UNHANDLED_TEXT=": No module is handling this query"
    UNHANDLED_JSON='{"type":"cancel","condition":"service-unavailable","text":"No module is handling this query"}'
else
    SERVER_NAME=Prosody
    UNHANDLED_TEXT=
    UNHANDLED_JSON='{"type":"cancel","condition":"service-unavailable"}'
fi

# server_dir DIR: makes DIR ready for a server. ejabberd runs as the
# ejabberd user, which cannot reach bats's temp dirs (0700): its directory
# is made in /tmp and DIR links to it (server_dir_remove removes both).
server_dir() {
    local d
    if server_is ejabberd && [ ! -e "$1" ]; then
        d=$(mktemp -d /tmp/stanza-ejabberd.XXXXXX) || return 1
        ln -s "$d" "$1"
    fi
}

server_dir_remove() {
    if [ -L "$1" ]; then
        rm -rf "$(readlink "$1")"
        rm -f "$1"
    fi
}

# Starts a throwaway server for this file in $BATS_FILE_TMPDIR/srv; call from
# setup_file.
start_server() {
    local srv=$BATS_FILE_TMPDIR/srv
    server_dir "$srv" || return 1
    "$SERVER_DIR/$STANZA_TEST_SERVER-start" "$srv" >&3 2>&1 || return 1
    # shellcheck disable=SC1091
    source "$srv/env"
    export XMPP_DOMAIN XMPP_PORT XMPP_TLS_PORT XMPP_HTTP_PORT XMPP_CA \
        XMPP_OTHER_CA XMPP_PIN XMPP_DIR
}

stop_server() {
    "$SERVER_DIR/$STANZA_TEST_SERVER-stop" "$BATS_FILE_TMPDIR/srv" || true
    server_dir_remove "$BATS_FILE_TMPDIR/srv"
}

# extra_server DIR [mam]: a second server of the suite's kind in DIR for
# this test, without its message archive if "mam" is given; stopped (and DIR
# removed) after the test.
extra_server() {
    local dir=$1 without=
    server_dir "$dir" || return 1
    echo "$dir" >>"$BATS_TEST_TMPDIR/servers"
    if [ "${2:-}" = mam ]; then
        without=mam
        server_is ejabberd && without=mod_mam
    fi
    PROSODY_WITHOUT=$without EJABBERD_WITHOUT=$without \
        "$SERVER_DIR/$STANZA_TEST_SERVER-start" "$dir" >/dev/null 2>&1
}

stop_extra_servers() {
    local dir
    [ -f "$BATS_TEST_TMPDIR/servers" ] || return 0
    while read -r dir; do
        "$SERVER_DIR/$STANZA_TEST_SERVER-stop" "$dir" || true
        server_dir_remove "$dir"
    done <"$BATS_TEST_TMPDIR/servers"
    rm -f "$BATS_TEST_TMPDIR/servers"
}

# Background helpers (receivers, proxies, fake servers) are recorded here
# and killed after each test, pass or fail: a leftover one holding fd 3
# would make bats wait forever.
track() {
    echo "$1" >>"$BATS_TEST_TMPDIR/pids"
}

kill_tracked() {
    local pid
    [ -f "$BATS_TEST_TMPDIR/pids" ] || return 0
    while read -r pid; do
        kill "$pid" 2>/dev/null || true
    done <"$BATS_TEST_TMPDIR/pids"
    rm -f "$BATS_TEST_TMPDIR/pids"
}

teardown() {
    kill_tracked
    stop_extra_servers
}

load_env() {
    # shellcheck disable=SC1091
    source "$BATS_FILE_TMPDIR/srv/env"
}

# stanza as alice against the test server, TLS verified with the test CA
as_alice() {
    local cmd=$1
    shift
    STANZA_PASSWORD=alice-pw stanza "$cmd" --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN" "$@"
}

# as USER COMMAND ARGS...: stanza as USER against the test server
as() {
    local user=$1 cmd=$2
    shift 2
    STANZA_PASSWORD=$user-pw stanza "$cmd" --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "$user@$XMPP_DOMAIN" "$@"
}

# recv_start USER COUNT [TIMEOUT]: starts the independent receiver (slixmpp)
# as USER in the background,
# writing JSON lines to $BATS_TEST_TMPDIR/USER.out; waits until it is online.
recv_start() {
    local user=$1 count=$2 timeout=${3:-20} out=$BATS_TEST_TMPDIR/$1.out
    /usr/bin/python3 "$SERVER_DIR/recv.py" --jid "$user@$XMPP_DOMAIN" \
        --password "$user-pw" --port "$XMPP_PORT" --ca "$XMPP_CA" \
        --count "$count" --timeout "$timeout" >"$out" 2>"$out.err" 3>&- &
    echo $! >"$BATS_TEST_TMPDIR/$user.pid"
    track $!
    for _ in $(seq 1 200); do
        grep -q READY "$out.err" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "receiver for $user did not get online:" >&2
    cat "$out.err" >&2
    return 1
}

# Waits for the receiver of USER to exit; its status is the result.
recv_wait() {
    local pid
    pid=$(cat "$BATS_TEST_TMPDIR/$1.pid")
    wait "$pid"
}

recv_out() {
    cat "$BATS_TEST_TMPDIR/$1.out"
}

# proxy_start [PORT]: a proxy to the server (or PORT) that the test steers by
# writing cut, freeze or pass to $BATS_TEST_TMPDIR/ctl; its port in $proxy_port
proxy_start() {
    _proxy_run --to "${1:-$XMPP_PORT}" --control "$BATS_TEST_TMPDIR/ctl"
}

# cutproxy_start MS: a proxy to the server that cuts the first connection MS
# milliseconds after accepting it; its port in $proxy_port
cutproxy_start() {
    _proxy_run --to "$XMPP_PORT" --cut-after-ms "$1"
}

# _proxy_run ARGS...: tests/server/cutproxy.py with ARGS, in the background
_proxy_run() {
    "$SERVER_DIR/cutproxy.py" --listen-port-file "$BATS_TEST_TMPDIR/proxy.port" "$@" 3>&- &
    track $!
    for _ in $(seq 1 100); do [ -s "$BATS_TEST_TMPDIR/proxy.port" ] && break; sleep 0.05; done
    proxy_port=$(cat "$BATS_TEST_TMPDIR/proxy.port")
}

# wait_for FILE PATTERN: up to 20 s for a line matching PATTERN in FILE
wait_for() {
    for _ in $(seq 1 400); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    echo "timed out waiting for '$2' in $1:" >&2
    cat "$1" >&2
    return 1
}

# --- a terminal program driven in tmux, as a person would -----------------
# Each test gets its own tmux server (socket in $BATS_TEST_TMPDIR), killed
# after the test with the other background helpers.
#   tmux_start CMD...      runs CMD in a detached 120x40 terminal
#   tmux_keys KEYS...      types: tmux send-keys (Enter, Tab, C-c, Up...)
#   tmux_type TEXT         types TEXT literally (no key names)
#   tmux_screen            prints what the terminal shows now
#   tmux_wait REGEX [S]    waits up to S seconds (default 10) until the
#                          screen matches the extended REGEX
#   tmux_done [S]          waits until CMD has ended; its exit status is in
#                          $BATS_TEST_TMPDIR/tmux.rc
#   tmux_kill              ends the terminal and its server (before a
#                          second tmux_start in the same test)
_tmux() {
    tmux -S "$BATS_TEST_TMPDIR/tmux.sock" "$@"
}

tmux_start() {
    local cmd
    printf -v cmd '%q ' "$@"
    rm -f "$BATS_TEST_TMPDIR/tmux.rc"
    _tmux new-session -d -x 120 -y 40 \
        "$cmd; echo \$? >'$BATS_TEST_TMPDIR/tmux.rc'; sleep 600" 3>&-
    track "$(_tmux display-message -p '#{pid}')"
}

# until the server is gone ("no server running"), a tmux_start would
# reach the dying one ("server exited unexpectedly")
tmux_kill() {
    local i
    _tmux kill-server 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        [[ $(_tmux has-session 2>&1) == "no server running"* ]] && break
        sleep 0.05
    done
    rm -f "$BATS_TEST_TMPDIR/tmux.sock"
}

tmux_keys() { _tmux send-keys "$@"; }
tmux_type() { _tmux send-keys -l "$1"; }
tmux_screen() { _tmux capture-pane -p; }

tmux_wait() {
    local i n=$((${2:-10} * 20))
    for ((i = 0; i < n; i++)); do
        tmux_screen | grep -Eq -- "$1" && return 0
        sleep 0.05
    done
    echo "the screen never showed /$1/; it shows:" >&2
    tmux_screen >&2
    return 1
}

tmux_done() {
    local i n=$((${1:-10} * 20))
    for ((i = 0; i < n; i++)); do
        [ -s "$BATS_TEST_TMPDIR/tmux.rc" ] && return 0
        sleep 0.05
    done
    echo "the program in tmux did not end; the screen:" >&2
    tmux_screen >&2
    return 1
}

# roster_of USER: USER's roster as an independent client (slixmpp) gets it,
# one JSON array sorted by JID (tests/server/roster.py)
roster_of() {
    /usr/bin/python3 "$SERVER_DIR/roster.py" --jid "$1@$XMPP_DOMAIN" \
        --password "$1-pw" --port "$XMPP_PORT" --ca "$XMPP_CA" 3>&-
}
