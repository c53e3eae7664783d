#!/usr/bin/env bats
# valgrind --leak-check=full on the one-shot commands, on their success
# and failure paths: no memory error, no definite leak (a definite leak or
# an error makes valgrind exit 99 instead of the command's own status).
# Memcheck cannot run the sanitizer build (make check): there
# LeakSanitizer does this job, so this file is skipped.

load helpers

setup_file() {
    if ldd "$(command -v stanza)" | grep -q libasan; then
        return 0
    fi
    start_server
}

teardown_file() {
    stop_server
}

setup() {
    if ldd "$(command -v stanza)" | grep -q libasan; then
        skip "stanza is an AddressSanitizer build: LeakSanitizer checks it instead"
    fi
    command -v valgrind >/dev/null || skip "valgrind is not installed"
    load_env
}

# vg STATUS ARGS...: stanza ARGS under valgrind as alice; the exit status
# must be STATUS (99: valgrind found an error or a definite leak)
vg() {
    local want=$1
    shift
    run --separate-stderr env STANZA_PASSWORD=alice-pw valgrind -q --leak-check=full \
        --errors-for-leak-kinds=definite --error-exitcode=99 \
        --log-file="$BATS_TEST_TMPDIR/vg.log" stanza "$@"
    echo "stanza $*: exit $status" >&2
    cat "$BATS_TEST_TMPDIR/vg.log" >&2
    [ "$status" -eq "$want" ]
    ! grep -q 'definitely lost' "$BATS_TEST_TMPDIR/vg.log"
}

@test "valgrind: send, from arguments and from stdin, text and JSON: 0 errors, 0 definite leaks" {
    common=(--server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN")
    vg 0 send "${common[@]}" "bob@$XMPP_DOMAIN" "hello"
    seq 1 100 >"$BATS_TEST_TMPDIR/lines"
    vg 0 send "${common[@]}" --json "bob@$XMPP_DOMAIN" <"$BATS_TEST_TMPDIR/lines"
    vg 0 send "${common[@]}" --xml --pin "$XMPP_PIN" "bob@$XMPP_DOMAIN" "pinned"
    vg 1 send "${common[@]}" "nobody@$XMPP_DOMAIN" "bounced"
    vg 0 send --dry-run "bob@$XMPP_DOMAIN" "dry"
}

@test "valgrind: queries, raw, iq, disco, command, a short listen and console: 0 errors, 0 definite leaks" {
    common=(--server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN")
    vg 0 ping "${common[@]}" "$XMPP_DOMAIN"
    vg 0 version "${common[@]}" --json "$XMPP_DOMAIN"
    vg 0 time "${common[@]}" "$XMPP_DOMAIN"
    vg 0 disco info "${common[@]}" --json "$XMPP_DOMAIN"
    vg 0 disco items "${common[@]}" "$XMPP_DOMAIN"
    vg 0 command list "${common[@]}" "$XMPP_DOMAIN"
    vg 0 raw "${common[@]}" "<iq type='get' to='$XMPP_DOMAIN'><ping xmlns='urn:xmpp:ping'/></iq>"
    vg 1 iq "${common[@]}" urn:example:nothing "$XMPP_DOMAIN"
    vg 0 listen "${common[@]}" --json --until 1
    vg 0 console "${common[@]}" --json <<<"/ping"
}

@test "valgrind: the failure paths: 64, 65, 69, 75, 77, 78: 0 errors, 0 definite leaks" {
    vg 64 send --bogus
    vg 65 send --server 127.0.0.1:1 -j "alice@$XMPP_DOMAIN" 'bob@@x' hi
    vg 65 send --server 127.0.0.1:1 -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" $'bell\a'
    vg 69 send --server 127.0.0.1:1 -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    "$SERVER_DIR/blackhole" "$BATS_TEST_TMPDIR" >/dev/null
    vg 75 send -t 1 --server "127.0.0.1:$(cat "$BATS_TEST_TMPDIR/blackhole.port")" \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    "$SERVER_DIR/blackhole-stop" "$BATS_TEST_TMPDIR"
    vg 77 send --server "127.0.0.1:$XMPP_PORT" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" untrusted
    run env STANZA_PASSWORD=wrong valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
        --error-exitcode=99 stanza send --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" wrong
    [ "$status" -eq 77 ]
    vg 78 send --server "127.0.0.1:$XMPP_PORT" --ca-file "$BATS_TEST_TMPDIR/none.pem" \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
}
