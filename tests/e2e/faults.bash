# tests/e2e/faults.bash - helpers for the fault tests (9x-*.bats), on top of
# helpers.bash: the fault proxy and the hostile server of tests/faults/.
# shellcheck shell=bash

FAULTS_DIR=$TOP/tests/faults

# _wait_port FILE: up to 5 s for a port number in FILE; prints it
_wait_port() {
    for _ in $(seq 1 100); do [ -s "$1" ] && break; sleep 0.05; done
    cat "$1"
}

# fault_proxy NAME ARGS...: tests/faults/proxy.py ARGS in the background,
# logging to $T/NAME.log; its port in $port (the server's port is not
# implied: give --to PORT or --blackhole)
fault_proxy() {
    local name=$1
    shift
    rm -f "$BATS_TEST_TMPDIR/$name.port"
    "$FAULTS_DIR/proxy.py" --listen-port-file "$BATS_TEST_TMPDIR/$name.port" \
        --log "$BATS_TEST_TMPDIR/$name.log" --lifetime 120 "$@" 3>&- &
    track $!
    port=$(_wait_port "$BATS_TEST_TMPDIR/$name.port")
}

# hostile MODE ARGS...: tests/faults/hostile.py in the background; its
# port in $port, its stderr in $T/hostile.err, what it received in
# $T/hostile.log
hostile() {
    local mode=$1
    shift
    rm -f "$BATS_TEST_TMPDIR/hostile.port" "$BATS_TEST_TMPDIR/hostile.log"
    "$FAULTS_DIR/hostile.py" --port-file "$BATS_TEST_TMPDIR/hostile.port" \
        --mode "$mode" --log "$BATS_TEST_TMPDIR/hostile.log" --lifetime 120 "$@" \
        2>"$BATS_TEST_TMPDIR/hostile.err" 3>&- &
    hostile_pid=$!
    track "$hostile_pid"
    port=$(_wait_port "$BATS_TEST_TMPDIR/hostile.port")
}

# measured CMD...: runs CMD; sets $rc, $ms (wall time), $kib (peak RSS of
# CMD, from GNU time), $cpu_ms (user + system); its stdout in $T/m.out,
# its stderr in $T/m.err
measured() {
    local t0 t1
    t0=$(date +%s%N)
    rc=0
    /usr/bin/time -f '%M %U %S' -o "$BATS_TEST_TMPDIR/m.time" "$@" \
        >"$BATS_TEST_TMPDIR/m.out" 2>"$BATS_TEST_TMPDIR/m.err" || rc=$?
    t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000))
    # GNU time says "Command exited with non-zero status N" first
    read -r kib user sys < <(tail -n 1 "$BATS_TEST_TMPDIR/m.time")
    cpu_ms=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
}

# sanitized: true when stanza is the AddressSanitizer build (make check),
# whose time and memory say nothing about the normal build's: figures of
# time and memory are asserted on the normal build only
sanitized() {
    ldd "$(command -v stanza)" | grep -q libasan
}
