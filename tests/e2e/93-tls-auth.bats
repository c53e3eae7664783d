#!/usr/bin/env bats
# TLS and authentication: certificates that must not be trusted (the
# hostile server presents each, and records what it receives: not one
# <auth), a stripped STARTTLS, a wrong password without a reconnect loop,
# and the password in none of the places a process leaves traces.

load helpers
load faults

setup_file() {
    start_server
    make_certs "$BATS_FILE_TMPDIR/certs" >&3 2>&1
}

teardown_file() {
    stop_server
}

setup() {
    load_env
}

# make_certs DIR: a leaf for each way a certificate can be wrong
#   self-signed   its own issuer (CN and SAN localhost)
#   wrong-host    signed by the test CA, for wrong.example only
#   expired       signed by the test CA, for localhost, expired in 2020
#   untrusted-ca  signed by an unrelated CA, for localhost
make_certs() {
    local d=$1 name
    mkdir -p "$d/db"
    cat >"$d/ca.cnf" <<EOF
[ca]
default_ca = d
[d]
database = $d/db/index.txt
new_certs_dir = $d/db
serial = $d/db/serial
default_md = sha256
policy = p
unique_subject = no
[p]
commonName = supplied
EOF
    : >"$d/db/index.txt"
    echo 01 >"$d/db/serial"
    for name in self-signed wrong-host expired untrusted-ca; do
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/$name.key" 2>/dev/null
    done
    printf 'subjectAltName = DNS:localhost,IP:127.0.0.1\n' >"$d/localhost.ext"
    printf 'subjectAltName = DNS:wrong.example\n' >"$d/wrong.ext"
    openssl req -x509 -key "$d/self-signed.key" -subj /CN=localhost -days 2 \
        -addext 'subjectAltName = DNS:localhost,IP:127.0.0.1' -out "$d/self-signed.crt"
    sign() { # NAME CA EXT [ca options]
        local n=$1 ca=$2 ext=$3
        shift 3
        openssl req -new -key "$d/$n.key" -subj "/CN=$n" -out "$d/$n.csr"
        openssl ca -batch -config "$d/ca.cnf" -in "$d/$n.csr" -cert "$XMPP_DIR/$ca.pem" \
            -keyfile "$XMPP_DIR/$ca.key" -extfile "$d/$ext" -notext -out "$d/$n.crt" "$@" 2>/dev/null
    }
    sign wrong-host ca wrong.ext -days 2
    sign expired ca localhost.ext -startdate 20200101000000Z -enddate 20200201000000Z
    sign untrusted-ca other-ca localhost.ext -days 2
}

# fingerprint NAME: SHA-256 of the certificate's DER, as --pin takes it
fingerprint() {
    openssl x509 -in "$BATS_FILE_TMPDIR/certs/$1.crt" -outform DER | sha256sum | cut -d' ' -f1
}

@test "tls: self-signed, wrong-host, expired, untrusted-CA: each 77, fingerprint shown, 0 bytes of <auth on the wire" {
    declare -A why=(
        [self-signed]="self-signed certificate"
        [wrong-host]="hostname mismatch"
        [expired]="certificate has expired"
        [untrusted-ca]="unable to get local issuer certificate"
    )
    for name in self-signed wrong-host expired untrusted-ca; do
        for tls in starttls direct; do
            hostile impostor --tls "$tls" --cert "$BATS_FILE_TMPDIR/certs/$name.crt" \
                --key "$BATS_FILE_TMPDIR/certs/$name.key"
            args=()
            [ "$tls" = direct ] && args=(--direct-tls)
            run -77 --separate-stderr env STANZA_PASSWORD=alice-pw stanza send "${args[@]}" \
                --server "127.0.0.1:$port" --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN" \
                "bob@$XMPP_DOMAIN" "secret message"
            echo "$name/$tls: $stderr"
            [[ $stderr == "stanza send: server certificate not trusted (${why[$name]}, subject "*", SHA-256 $(fingerprint "$name")) — use --ca-file or --pin to trust it" ]]
            kill "$hostile_pid"
            # what reached the server, decrypted: at most the stream header
            ! grep -q '<auth' "$BATS_TEST_TMPDIR/hostile.log"
            ! grep -q 'secret message' "$BATS_TEST_TMPDIR/hostile.log"
            [ ! -s "$BATS_TEST_TMPDIR/hostile.err" ]
        done
    done
}

@test "tls: the fingerprint shown is the one --pin takes: pinned, the same server is trusted" {
    hostile impostor --tls starttls --cert "$BATS_FILE_TMPDIR/certs/self-signed.crt" \
        --key "$BATS_FILE_TMPDIR/certs/self-signed.key"
    run -77 --separate-stderr env STANZA_PASSWORD=alice-pw stanza send \
        --server "127.0.0.1:$port" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    fp=$(sed -n 's/.*, SHA-256 \([0-9a-f]\{64\}\)).*/\1/p' <<<"$stderr")
    [ "$fp" = "$(fingerprint self-signed)" ]
    run -0 --separate-stderr env STANZA_PASSWORD=alice-pw stanza send --pin "$fp" \
        --server "127.0.0.1:$port" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    grep -q "^GOT 1 message(s)$" "$BATS_TEST_TMPDIR/hostile.err"
    # and a pin that is not its fingerprint: 77, the password withheld
    : >"$BATS_TEST_TMPDIR/hostile.err"
    run -77 --separate-stderr env STANZA_PASSWORD=alice-pw stanza send --pin "$XMPP_PIN" \
        --server "127.0.0.1:$port" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: server certificate does not match --pin (its SHA-256 is $fp)"* ]]
    ! grep -q 'alice-pw' "$BATS_TEST_TMPDIR/hostile.err" "$BATS_TEST_TMPDIR/hostile.log"
    ! grep -q GOT "$BATS_TEST_TMPDIR/hostile.err"
}

@test "tls: STARTTLS stripped from the features is refused (69), with no login in plaintext" {
    fault_proxy p --to "$XMPP_PORT" --strip-starttls --record "$BATS_TEST_TMPDIR/wire"
    run -69 --separate-stderr as alice send --server "127.0.0.1:$port" "bob@$XMPP_DOMAIN" hi
    [ "$stderr" = "stanza send: 127.0.0.1 does not offer TLS — try --direct-tls" ]
    grep -q '^strip 1 ' "$BATS_TEST_TMPDIR/p.log"
    grep -q '<stream:stream' "$BATS_TEST_TMPDIR/wire"
    ! grep -q -e '<auth' -e '<message' "$BATS_TEST_TMPDIR/wire"
    run -69 --separate-stderr as alice listen --server "127.0.0.1:$port" --until 5
    ! grep -q '<auth' "$BATS_TEST_TMPDIR/wire"
}

@test "tls: an unreadable or empty CA file is 78 before connecting" {
    run -78 --separate-stderr as alice send --server 127.0.0.1:1 \
        --ca-file "$BATS_TEST_TMPDIR/missing.pem" "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: cannot read CA file '$BATS_TEST_TMPDIR/missing.pem'"* ]]
    : >"$BATS_TEST_TMPDIR/empty.pem"
    run -78 --separate-stderr as alice send --server 127.0.0.1:1 \
        --ca-file "$BATS_TEST_TMPDIR/empty.pem" "bob@$XMPP_DOMAIN" hi
}

@test "auth: a wrong password is 77 after one attempt: no reconnect loop (send, listen, console)" {
    for cmd in send listen console; do
        args=()
        case $cmd in
        send) args=("bob@$XMPP_DOMAIN" hi) ;;
        listen) args=(--until 10) ;;
        console) args=(--wait 1) ;;
        esac
        SECONDS=0
        run -77 --separate-stderr env STANZA_PASSWORD=wrong stanza "$cmd" --server "127.0.0.1:$XMPP_PORT" \
            --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN" --trace "$BATS_TEST_TMPDIR/$cmd.trace" \
            "${args[@]}" </dev/null
        [ "$SECONDS" -lt 3 ]
        [ "$stderr" = "stanza $cmd: authentication as 'alice@$XMPP_DOMAIN' failed — check the password" ]
        [ "$(grep -c '^>> <auth ' "$BATS_TEST_TMPDIR/$cmd.trace")" -eq 1 ]
    done
}

# no_password FILE...: not one of the files holds the password, plain or
# in the SASL PLAIN encoding
no_password() {
    local b64
    b64=$(printf '\0alice@%s\0alice-pw' "$XMPP_DOMAIN" | base64)
    for f in "$@"; do
        if grep -a -q -e alice-pw -e "$b64" -e "$(printf '\0alice\0alice-pw' | base64)" "$f"; then
            echo "the password is in $f" >&2
            return 1
        fi
    done
}

@test "secrets: the password is in none of argv, children's argv and environment, stdout, stderr, -v, --trace" {
    t=$BATS_TEST_TMPDIR
    printf 'alice-pw\n' >"$t/pw"
    # shellcheck disable=SC2016
    job='cat /proc/$$/cmdline /proc/$$/environ /proc/$PPID/cmdline >>"$T/seen"; env >>"$T/seen"'
    for source in env file command both; do
        envs=(T="$t")
        opts=()
        case $source in
        env) envs+=(STANZA_PASSWORD=alice-pw) ;;
        file) opts=(--password-file "$t/pw") ;;
        command) opts=(--password-command "cat $t/pw") ;;
        both) # the command wins; it does not get the variable either
            envs+=(STANZA_PASSWORD=alice-pw)
            opts=(--password-command "env >>$t/seen; cat $t/pw") ;;
        esac
        env "${envs[@]}" stanza listen "${opts[@]}" --server "127.0.0.1:$XMPP_PORT" \
            --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN" -vv --trace "$t/trace.$source" \
            --json --kind message --count 1 --until 20 --exec "$job" \
            >"$t/out.$source" 2>"$t/err.$source" 3>&- &
        pid=$!
        track "$pid"
        wait_for "$t/trace.$source" '^<< <presence '
        tr '\0' '\n' </proc/$pid/cmdline >"$t/argv.$source"
        run -0 as bob send "alice@$XMPP_DOMAIN" "ping $source"
        wait "$pid"
        [ -s "$t/seen" ]
        grep -q "ping $source" "$t/out.$source"
        grep -q '^>> <auth' "$t/trace.$source"
        no_password "$t/argv.$source" "$t/seen" "$t/out.$source" "$t/err.$source" "$t/trace.$source"
        rm -f "$t/seen"
    done
    # send -v, JSON, trace; and the same password as the one refused
    run -0 --separate-stderr as alice send -v --json --trace "$t/trace.send" "bob@$XMPP_DOMAIN" hi
    echo "$output" >"$t/send.out"
    echo "$stderr" >"$t/send.err"
    no_password "$t/send.out" "$t/send.err" "$t/trace.send"
}
