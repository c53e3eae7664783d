#!/usr/bin/env bats
# stanza send: delivery confirmed by the server, and every failure class

load helpers

setup_file() {
    start_server
    "$SERVER_DIR/blackhole" "$BATS_FILE_TMPDIR/srv"
}

teardown_file() {
    "$SERVER_DIR/blackhole-stop" "$BATS_FILE_TMPDIR/srv" || true
    stop_server
}

setup() {
    load_env
}

@test "send: a message from alice arrives at bob, seen by an independent client" {
    recv_start bob 1
    run -0 --separate-stderr as_alice send "bob@$XMPP_DOMAIN" "hello from stanza"
    [ "$output" = "" ]
    [ "$stderr" = "" ]
    recv_wait bob
    run -0 jq -r '[.from, .body, .type] | join(" ")' "$BATS_TEST_TMPDIR/bob.out"
    [[ $output == "alice@$XMPP_DOMAIN/"*" hello from stanza chat" ]]
}

@test "send: each stdin line is one message, in order, empty lines skipped" {
    recv_start bob 3
    run -0 --separate-stderr as_alice send "bob@$XMPP_DOMAIN" \
        < <(printf 'one\n\ntwo\r\nthree')
    recv_wait bob
    run -0 jq -r .body "$BATS_TEST_TMPDIR/bob.out"
    [ "$output" = $'one\ntwo\nthree' ]
}

@test "send: --stdin-whole sends all of stdin as one message" {
    recv_start bob 1
    run -0 as_alice send --stdin-whole "bob@$XMPP_DOMAIN" < <(printf 'a\nb\n')
    recv_wait bob
    run -0 jq -r .body "$BATS_TEST_TMPDIR/bob.out"
    [ "$output" = $'a\nb' ]
}

@test "send: several recipients each get the message, with subject, thread and type" {
    recv_start bob 1
    recv_start carol 1
    run -0 as_alice send --type normal --subject "build 42" --thread t-1 \
        "bob@$XMPP_DOMAIN" "carol@$XMPP_DOMAIN" -- deploy@prod finished
    recv_wait bob
    recv_wait carol
    for u in bob carol; do
        run -0 jq -c '{type, subject, thread, body}' "$BATS_TEST_TMPDIR/$u.out"
        [ "$output" = '{"type":"normal","subject":"build 42","thread":"t-1","body":"deploy@prod finished"}' ]
    done
}

@test "send --json: one record per message with to, id and confirmed" {
    run -0 --separate-stderr as_alice send --json "bob@$XMPP_DOMAIN" "carol@$XMPP_DOMAIN" hi
    run -0 jq -c 'map({to, confirmed}) ' <<<"$output"
    [ "$output" = "[{\"to\":\"bob@$XMPP_DOMAIN\",\"confirmed\":true},{\"to\":\"carol@$XMPP_DOMAIN\",\"confirmed\":true}]" ]
}

@test "send --json: ids are unique and are the ids on the wire" {
    run -0 --separate-stderr as_alice send --json --trace "$BATS_TEST_TMPDIR/t" \
        "bob@$XMPP_DOMAIN" < <(printf 'a\nb\nc\n')
    ids=$(jq -r '.[].id' <<<"$output" | sort -u | wc -l)
    [ "$ids" -eq 3 ]
    for id in $(jq -r '.[].id' <<<"$output"); do
        grep -q "^>> <message id=\"$id\"" "$BATS_TEST_TMPDIR/t"
    done
}

@test "send --xml: prints the stanzas as sent" {
    run -0 --separate-stderr as_alice send --xml "bob@$XMPP_DOMAIN" "x < y & z"
    [[ $output == '<message id="'*'" to="bob@'"$XMPP_DOMAIN"'" type="chat"><body>x &lt; y &amp; z</body></message>' ]]
}

@test "send: a message to a user that does not exist is bounced: exit 1, condition named" {
    run -1 --separate-stderr as_alice send "nobody@$XMPP_DOMAIN" hello
    [ "$output" = "" ]
    [[ $stderr == "stanza send: message to 'nobody@$XMPP_DOMAIN' (id "*") bounced: service-unavailable (cancel)"* ]]
}

@test "send --json: a bounce is reported in the record, the other recipient confirmed" {
    run -1 --separate-stderr as_alice send --json "nobody@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    run -0 jq -c '.[0] | {confirmed, error}' <<<"$output"
    [ "$output" = '{"confirmed":false,"error":{"type":"cancel","condition":"service-unavailable"}}' ]
    run -0 --separate-stderr as_alice send --json "nobody@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi || true
}

@test "send: a message to a missing room bounces before send confirms it: exit 1 (both servers)" {
    # ejabberd's rooms answer apart from the session, after our server's
    # answer to a ping: send also probes each recipient on another domain
    run -1 --separate-stderr as_alice send "nosuchroom@conference.$XMPP_DOMAIN" hello
    [ "$output" = "" ]
    text=
    server_is ejabberd && text=": Conference room does not exist"
    [[ $stderr == "stanza send: message to 'nosuchroom@conference.$XMPP_DOMAIN' (id "*") bounced: item-not-found (cancel)$text" ]]
}

@test "send --json: each recipient on another domain is probed once; a bounce from a remote domain is reported" {
    run -1 --separate-stderr as_alice send --json --trace "$BATS_TEST_TMPDIR/trace" \
        "pubsub.$XMPP_DOMAIN" "nosuchroom@conference.$XMPP_DOMAIN" \
        "bob@elsewhere.example" "Nosuchroom@conference.$XMPP_DOMAIN/nick" "bob@$XMPP_DOMAIN" -- hi
    run -0 jq -c '[.[] | {to, confirmed, c: .error.condition}]' <<<"$output"
    # a message to the pubsub service: ejabberd takes it, Prosody bounces it
    if server_is ejabberd; then
        remote=forbidden pubsub='"confirmed":true,"c":null'
    else
        remote=not-allowed pubsub='"confirmed":false,"c":"service-unavailable"'
    fi
    [ "$output" = '[{"to":"pubsub.'"$XMPP_DOMAIN"'",'"$pubsub"'},{"to":"nosuchroom@conference.'"$XMPP_DOMAIN"'","confirmed":false,"c":"item-not-found"},{"to":"bob@elsewhere.example","confirmed":false,"c":"'$remote'"},{"to":"Nosuchroom@conference.'"$XMPP_DOMAIN"'/nick","confirmed":false,"c":"item-not-found"},{"to":"bob@'"$XMPP_DOMAIN"'","confirmed":true,"c":null}]' ]
    # one ping to our server, one probe per other bare JID (the room once)
    run -0 grep -c '^>> <iq id="[0-9a-f]*" type="get"><ping' "$BATS_TEST_TMPDIR/trace"
    [ "$output" = 1 ]
    run -0 grep -o '^>> <iq id="[0-9a-f]*\.[0-9]" to="[^"]*"' "$BATS_TEST_TMPDIR/trace"
    [ "$(sed 's/.* to=//' <<<"$output" | tr '\n' ' ')" = '"pubsub.'"$XMPP_DOMAIN"'" "nosuchroom@conference.'"$XMPP_DOMAIN"'" "bob@elsewhere.example" ' ]
}

@test "send: wrong password is exit 77 with one clear line" {
    run -77 --separate-stderr env STANZA_PASSWORD=wrong stanza send \
        --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN" \
        "bob@$XMPP_DOMAIN" hi
    [ "$stderr" = "stanza send: authentication as 'alice@$XMPP_DOMAIN' failed — check the password" ]
}

@test "send: nothing listening is exit 69" {
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    run -69 --separate-stderr as_alice send --server "127.0.0.1:$port" "bob@$XMPP_DOMAIN" hi
    [ "$stderr" = "stanza send: cannot connect to 127.0.0.1: Connection refused" ]
}

@test "send: a listener that never answers times out with exit 75" {
    port=$(cat "$XMPP_DIR/blackhole.port")
    SECONDS=0
    run -75 --separate-stderr as_alice send -t 1 --server "127.0.0.1:$port" "bob@$XMPP_DOMAIN" hi
    [ "$SECONDS" -lt 10 ]
    [[ $stderr == "stanza send: timed out connecting to 127.0.0.1 after 1.0 s"* ]]
}

@test "send: SIGINT while waiting closes and exits 130" {
    port=$(cat "$XMPP_DIR/blackhole.port")
    STANZA_PASSWORD=alice-pw stanza send -t 30 --server "127.0.0.1:$port" \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi 2>"$BATS_TEST_TMPDIR/err" &
    pid=$!
    sleep 0.5
    kill -INT "$pid"
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 130 ]
    [ "$(cat "$BATS_TEST_TMPDIR/err")" = "stanza send: interrupted" ]
}

@test "send: a certificate from an untrusted CA is exit 77" {
    run -77 --separate-stderr env STANZA_PASSWORD=alice-pw stanza send \
        --server "127.0.0.1:$XMPP_PORT" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: server certificate not trusted ("*"— use --ca-file or --pin to trust it" ]]
    run -77 --separate-stderr env STANZA_PASSWORD=alice-pw stanza send \
        --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_OTHER_CA" \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
}

@test "send: --ca-file with the right CA, and --pin with the right fingerprint, succeed" {
    run -0 as_alice send "bob@$XMPP_DOMAIN" hi
    run -0 env STANZA_PASSWORD=alice-pw stanza send --server "127.0.0.1:$XMPP_PORT" \
        --pin "$XMPP_PIN" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    colons=$(sed 's/../&:/g; s/:$//' <<<"${XMPP_PIN^^}")
    run -0 env STANZA_PASSWORD=alice-pw stanza send --server "127.0.0.1:$XMPP_PORT" \
        --pin "$colons" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
}

@test "send: a wrong --pin is exit 77, even with the right CA" {
    wrong=$(tr '0-9a-f' '1-9a-f0' <<<"$XMPP_PIN")
    run -77 --separate-stderr as_alice send --pin "$wrong" "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: server certificate does not match --pin (its SHA-256 is $XMPP_PIN)"* ]]
}

@test "send: --insecure connects to an untrusted server, with a warning" {
    run -0 --separate-stderr env STANZA_PASSWORD=alice-pw stanza send --insecure \
        --server "127.0.0.1:$XMPP_PORT" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: warning: --insecure:"* ]]
}

@test "send: --direct-tls on the direct TLS port" {
    run -0 env STANZA_PASSWORD=alice-pw stanza send --direct-tls \
        --server "127.0.0.1:$XMPP_TLS_PORT" --ca-file "$XMPP_CA" \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
}

@test "send: a bad recipient JID is exit 65 before any connection" {
    # port 1 refuses: had stanza connected, the exit code would be 69
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza send --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" 'bob@@example.org' hi
    [ "$stderr" = "stanza send: invalid JID 'bob@@example.org': character not allowed in the domain — nothing was sent" ]
    run -65 env STANZA_PASSWORD=x stanza send --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" 'bob@example.org/' hi
    run -65 env STANZA_PASSWORD=x stanza send --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" 'a b@example.org' hi
}

@test "send: invalid UTF-8 or a control character on stdin is exit 65, nothing sent" {
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza send --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" < <(printf 'fine\nbad \xff byte\n')
    [ "$stderr" = "stanza send: line 2: invalid UTF-8 at byte 5 — nothing was sent" ]
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza send --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" $'bell\a'
    [ "$stderr" = "stanza send: message: control character at byte 5 — nothing was sent" ]
}

@test "send: a message over the size limit is exit 65" {
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza send --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" --stdin-whole "bob@$XMPP_DOMAIN" \
        < <(head -c 300000 /dev/zero | tr '\0' a)
    [ "$stderr" = "stanza send: message is over 252 KiB — nothing was sent" ]
}

@test "send: empty input is exit 65" {
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza send --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" </dev/null
    [ "$stderr" = "stanza send: nothing to send: the message is empty" ]
}

@test "send: no password source and no terminal is exit 78" {
    run -78 --separate-stderr setsid -w stanza send --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: no password for 'alice@$XMPP_DOMAIN' and no terminal to ask"* ]]
}

@test "send: no account at all is exit 78" {
    run -78 --separate-stderr stanza send "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: no account: give --jid, set STANZA_JID,"* ]]
}

@test "send: --password-file, and a missing one is exit 66" {
    printf 'alice-pw\n' >"$BATS_TEST_TMPDIR/pw"
    run -0 stanza send --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" \
        -j "alice@$XMPP_DOMAIN" --password-file "$BATS_TEST_TMPDIR/pw" "bob@$XMPP_DOMAIN" hi
    run -66 --separate-stderr stanza send --server "127.0.0.1:$XMPP_PORT" \
        -j "alice@$XMPP_DOMAIN" --password-file "$BATS_TEST_TMPDIR/nope" "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: cannot read password file '$BATS_TEST_TMPDIR/nope': No such file or directory" ]]
}

@test "send: --password-command, and a failing one is exit 78" {
    run -0 stanza send --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" \
        -j "alice@$XMPP_DOMAIN" --password-command 'echo alice-pw' "bob@$XMPP_DOMAIN" hi
    run -78 --separate-stderr stanza send --server "127.0.0.1:$XMPP_PORT" \
        -j "alice@$XMPP_DOMAIN" --password-command 'exit 3' "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: password command failed (exit 3)"* ]]
}

write_config() {
    mkdir -p "$XDG_CONFIG_HOME/stanza"
    cat >"$XDG_CONFIG_HOME/stanza/config"
}

@test "config: the [default] account with password_command logs in" {
    write_config <<CFG
# test account
[default]
jid = alice@$XMPP_DOMAIN
password_command = echo alice-pw
server = 127.0.0.1:$XMPP_PORT
ca_file = "$XMPP_CA"
CFG
    run -0 stanza send "bob@$XMPP_DOMAIN" hi
    rm -f "$XDG_CONFIG_HOME/stanza/config"
}

@test "config: a password in a file readable by others is refused with 78; 0600 works" {
    write_config <<CFG
[work]
jid = alice@$XMPP_DOMAIN
password = alice-pw
server = 127.0.0.1:$XMPP_PORT
ca_file = $XMPP_CA
CFG
    chmod 644 "$XDG_CONFIG_HOME/stanza/config"
    run -78 --separate-stderr stanza send -a work "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: config '$XDG_CONFIG_HOME/stanza/config' holds a password but is readable by others"* ]]
    chmod 640 "$XDG_CONFIG_HOME/stanza/config"
    run -78 stanza send -a work "bob@$XMPP_DOMAIN" hi
    chmod 600 "$XDG_CONFIG_HOME/stanza/config"
    run -0 stanza send -a work "bob@$XMPP_DOMAIN" hi
    run -0 env STANZA_ACCOUNT=work stanza send "bob@$XMPP_DOMAIN" hi
    rm -f "$XDG_CONFIG_HOME/stanza/config"
}

@test "config: flags beat the environment, which beats the config" {
    write_config <<CFG
[default]
jid = nobody@$XMPP_DOMAIN
password_command = echo wrong
server = 127.0.0.1:1
ca_file = $XMPP_CA
CFG
    run -0 env STANZA_JID="alice@$XMPP_DOMAIN" STANZA_PASSWORD=alice-pw \
        STANZA_SERVER="127.0.0.1:$XMPP_PORT" stanza send "bob@$XMPP_DOMAIN" hi
    run -0 env STANZA_JID="carol@$XMPP_DOMAIN" STANZA_PASSWORD=alice-pw \
        stanza send -j "alice@$XMPP_DOMAIN" --server "127.0.0.1:$XMPP_PORT" "bob@$XMPP_DOMAIN" hi
    rm -f "$XDG_CONFIG_HOME/stanza/config"
}

@test "config: an unknown account or a broken config is exit 78" {
    run -78 --separate-stderr stanza send -a nosuch "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: no account 'nosuch' in "* ]]
    write_config <<<'jid = x@y'
    run -78 --separate-stderr stanza send "bob@$XMPP_DOMAIN" hi
    [[ $stderr == *"line 1: key outside of a [section]" ]]
    run -78 stanza send --config "$BATS_TEST_TMPDIR/missing" "bob@$XMPP_DOMAIN" hi
    rm -f "$XDG_CONFIG_HOME/stanza/config"
}

@test "send: an unreadable --ca-file is exit 78, never a fallback" {
    run -78 --separate-stderr as_alice send --ca-file "$BATS_TEST_TMPDIR/none.pem" "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: cannot read CA file '$BATS_TEST_TMPDIR/none.pem'"* ]]
}

@test "send -v: traffic on stderr, the password and SASL payloads never shown" {
    run -0 --separate-stderr as_alice send -v --trace "$BATS_TEST_TMPDIR/trace" "bob@$XMPP_DOMAIN" hi
    # stderr is for people: indented, every line direction-marked
    [[ $stderr == *$'\n>> <auth '*'mechanism="SCRAM-SHA-1"'*$'>[redacted]</auth>\n'* ]]
    [[ $stderr == *$'>> <message id="'*$'" to="bob@'"$XMPP_DOMAIN"$'" type="chat">\n>>   <body>hi</body>\n>> </message>\n'* ]]
    [ "$(grep -cvE '^(>>|<<) ' <<<"$stderr")" -eq 0 ]
    [[ $stderr != *alice-pw* ]]
    b64=$(printf '\0alice\0alice-pw' | base64)
    [[ $stderr != *"$b64"* ]]
    # the trace file is for tools: one line per stanza
    run -0 cat "$BATS_TEST_TMPDIR/trace"
    grep -q '^>> <auth [^>]*mechanism="SCRAM-SHA-1"[^>]*>\[redacted\]</auth>$' "$BATS_TEST_TMPDIR/trace"
    grep -q '^>> <message id="[^"]*" to="bob@'"$XMPP_DOMAIN"'" type="chat"><body>hi</body></message>$' "$BATS_TEST_TMPDIR/trace"
    grep -q '^<< <challenge xmlns="urn:ietf:params:xml:ns:xmpp-sasl">\[redacted\]</challenge>$' "$BATS_TEST_TMPDIR/trace"
    [[ $output != *alice-pw* ]]
}

@test "send --dry-run: prints the stanzas, needs no account, connects nowhere" {
    run -0 --separate-stderr stanza send --dry-run --type headline "bob@$XMPP_DOMAIN" "a&b"
    [[ $output == '<message id="'*'" to="bob@'"$XMPP_DOMAIN"'" type="headline"><body>a&amp;b</body></message>' ]]
}

@test "send: --no-tls is refused to a non-loopback server (64)" {
    run -64 --separate-stderr env STANZA_PASSWORD=x stanza send --no-tls \
        --server example.org -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: --no-tls is only allowed"* ]]
}

@test "send: usage errors are exit 64" {
    run -64 stanza send
    run -64 --separate-stderr stanza send --bogus bob@example.org hi
    [[ $stderr == "stanza send: unknown option '--bogus'"* ]]
    run -64 --separate-stderr stanza send --type shout bob@example.org hi
    [ "$stderr" = "stanza send: option '--type' expects one of chat|normal|headline, not 'shout'" ]
    run -64 stanza send -t soon bob@example.org hi
    run -64 stanza send bob@example.org --
}

@test "send: after a lost connection, unconfirmed messages go again with the same ids" {
    "$SERVER_DIR/cutproxy.py" --listen-port-file "$BATS_TEST_TMPDIR/port" \
        --to "$XMPP_PORT" --cut-after 20000 3>&- &
    proxy=$!
    track "$proxy"
    for _ in $(seq 1 100); do [ -s "$BATS_TEST_TMPDIR/port" ] && break; sleep 0.05; done
    seq 1 500 | sed 's/^/line /' >"$BATS_TEST_TMPDIR/lines"
    run -0 --separate-stderr as_alice send --json \
        --server "127.0.0.1:$(cat "$BATS_TEST_TMPDIR/port")" "carol@$XMPP_DOMAIN" \
        <"$BATS_TEST_TMPDIR/lines"
    kill "$proxy"
    [ "${#stderr_lines[@]}" -eq 2 ]
    [[ ${stderr_lines[0]} == "stanza send: warning: connection to 127.0.0.1 lost"*"; reconnecting to send "*" unconfirmed message(s) again" ]]
    [[ ${stderr_lines[1]} =~ ^"stanza send: warning: "[1-9][0-9]*" of 500 message(s) were sent again after a lost connection: recipients may get them twice (with the same id)"$ ]]
    [ "$(jq '[.[] | select(.confirmed)] | length' <<<"$output")" -eq 500 ]
    jq -r '.[].id' <<<"$output" | sort >"$BATS_TEST_TMPDIR/want"
    # carol was offline: the server stored everything; duplicates are allowed
    recv_start carol 100000 4
    recv_wait carol || true
    jq -r .id "$BATS_TEST_TMPDIR/carol.out" | sort -u >"$BATS_TEST_TMPDIR/got"
    run -0 comm -23 "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
    [ "$output" = "" ]
}

@test "send: SASL EXTERNAL with a client certificate, no password needed" {
    run -0 --separate-stderr stanza send --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" \
        --client-cert "$XMPP_DIR/alice.crt" --client-key "$XMPP_DIR/alice.key" \
        -j "alice@$XMPP_DOMAIN" --trace "$BATS_TEST_TMPDIR/t" "bob@$XMPP_DOMAIN" hi
    grep -q '^>> <auth mechanism="EXTERNAL"' "$BATS_TEST_TMPDIR/t"
    run -66 --separate-stderr stanza send --server "127.0.0.1:$XMPP_PORT" \
        --client-cert "$BATS_TEST_TMPDIR/none.crt" --client-key "$XMPP_DIR/alice.key" \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
}

fake_server() { # MODE: starts tests/server/fakeserver.py, sets $fake_port
    "$SERVER_DIR/fakeserver.py" --port-file "$BATS_TEST_TMPDIR/fake.port" --mode "$1" \
        2>"$BATS_TEST_TMPDIR/fake.err" 3>&- &
    fake_pid=$!
    track "$fake_pid"
    for _ in $(seq 1 100); do [ -s "$BATS_TEST_TMPDIR/fake.port" ] && break; sleep 0.05; done
    fake_port=$(cat "$BATS_TEST_TMPDIR/fake.port")
}

@test "send: a client certificate and no EXTERNAL offered is 77, and says why" {
    # ejabberd offers EXTERNAL only where it verifies certificates (tls_verify)
    fake_server no-external
    run -77 --separate-stderr stanza send --direct-tls --ca-file "$BATS_TEST_TMPDIR/impostor.crt" \
        --server "127.0.0.1:$fake_port" --client-cert "$XMPP_DIR/alice.crt" \
        --client-key "$XMPP_DIR/alice.key" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    kill "$fake_pid"
    [ "$stderr" = "stanza send: 127.0.0.1 offers no way to log in that stanza can use — it does not offer SASL EXTERNAL for the client certificate; give a password instead" ]
    # without TLS there is no EXTERNAL either
    run -77 --separate-stderr stanza send --no-tls -t 5 --server "127.0.0.1:$XMPP_PORT" \
        --client-cert "$XMPP_DIR/alice.crt" --client-key "$XMPP_DIR/alice.key" \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    [ "$stderr" = "stanza send: 127.0.0.1 offers no way to log in that stanza can use — it may require TLS (drop --no-tls)" ]
}

@test "send: a stream error from the server is exit 76, condition and text named" {
    fake_server stream-error
    run -76 --separate-stderr env STANZA_PASSWORD=x stanza send --no-tls \
        --server "127.0.0.1:$fake_port" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    kill "$fake_pid"
    [ "$stderr" = "stanza send: stream error from 127.0.0.1: system-shutdown: going down" ]
}

@test "send: malformed XML from the server is exit 76 at once, not a timeout" {
    fake_server garbage
    SECONDS=0
    run -76 --separate-stderr env STANZA_PASSWORD=x stanza send -t 20 --no-tls \
        --server "127.0.0.1:$fake_port" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    kill "$fake_pid"
    [ "$SECONDS" -lt 10 ]
    [[ $stderr == "stanza send: 127.0.0.1 sent data that is not well-formed XML"* ]]
}

@test "send: --no-tls to a server that requires TLS: 77, and says why" {
    run -77 --separate-stderr env STANZA_PASSWORD=alice-pw stanza send --no-tls -t 5 \
        --server "127.0.0.1:$XMPP_PORT" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    [ "$stderr" = "stanza send: 127.0.0.1 offers no way to log in that stanza can use — it may require TLS (drop --no-tls)" ]
}

@test "send: 2500 lines are confirmed window by window, one ping per 1000 messages" {
    seq 1 2500 >"$BATS_TEST_TMPDIR/lines"
    run -0 --separate-stderr as_alice send --json --trace "$BATS_TEST_TMPDIR/t" \
        "admin@$XMPP_DOMAIN" <"$BATS_TEST_TMPDIR/lines"
    [ "$(jq '[.[] | select(.confirmed)] | length' <<<"$output")" -eq 2500 ]
    [ "$(grep -c '^>> <iq [^>]*type="get"><ping xmlns="urn:xmpp:ping"/></iq>$' "$BATS_TEST_TMPDIR/t")" -eq 3 ]
    [ "$(grep -c '^<< <iq [^>]*type="result"' "$BATS_TEST_TMPDIR/t")" -ge 4 ] # bind + 3 pings
}

@test "send: an impostor with the wrong certificate gets neither the password nor a message" {
    fake_server impostor
    run -77 --separate-stderr as_alice send --direct-tls --pin "$XMPP_PIN" \
        --server "127.0.0.1:$fake_port" "bob@$XMPP_DOMAIN" "secret message"
    [[ $stderr == "stanza send: server certificate does not match --pin"* ]]
    run -77 --separate-stderr stanza send --direct-tls --pin "$XMPP_PIN" \
        --client-cert "$XMPP_DIR/alice.crt" --client-key "$XMPP_DIR/alice.key" \
        --server "127.0.0.1:$fake_port" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" "secret message"
    kill "$fake_pid"
    # it saw two logins (the placeholder, then EXTERNAL), no password, no message
    run -0 cat "$BATS_TEST_TMPDIR/fake.err"
    [ "$output" = $'AUTH b\'\\x00alice\\x00-\'\nAUTH b\'\'' ]
}

@test "send: a TLS handshake that never ends still meets --timeout (75) and SIGINT (130)" {
    fake_server proceed-stall
    SECONDS=0
    run -75 --separate-stderr env STANZA_PASSWORD=x stanza send -t 1 \
        --server "127.0.0.1:$fake_port" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    [ "$SECONDS" -lt 5 ]
    [[ $stderr == "stanza send: timed out connecting to 127.0.0.1 after 1.0 s"* ]]
    STANZA_PASSWORD=x stanza send -t 30 --server "127.0.0.1:$fake_port" \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi 2>"$BATS_TEST_TMPDIR/err" 3>&- &
    pid=$!
    sleep 1
    kill -INT "$pid"
    rc=0
    wait "$pid" || rc=$?
    kill "$fake_pid"
    [ "$rc" -eq 130 ]
    [ "$(cat "$BATS_TEST_TMPDIR/err")" = "stanza send: interrupted" ]
}

@test "send: a bounce from the case-mapped address still counts (Nobody@ -> nobody@)" {
    run -1 --separate-stderr as_alice send --json "Nobody@$XMPP_DOMAIN" hi
    [ "$(jq -r '.[0].error.condition' <<<"$output")" = "service-unavailable" ]
}

@test "send: a CA file without a certificate is exit 78" {
    printf 'not a certificate\n' >"$BATS_TEST_TMPDIR/bad.pem"
    run -78 --separate-stderr as_alice send --ca-file "$BATS_TEST_TMPDIR/bad.pem" "bob@$XMPP_DOMAIN" hi
    [ "$stderr" = "stanza send: CA file '$BATS_TEST_TMPDIR/bad.pem' holds no certificate OpenSSL can read — give a PEM file" ]
}

@test "send: a message whose escaping would exceed the stanza limit is 65, not a stream error" {
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza send --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" --stdin-whole "bob@$XMPP_DOMAIN" \
        < <(head -c 100000 /dev/zero | tr '\0' '&')
    [[ $stderr == "stanza send: message 1 would be a stanza over 256 KiB"* ]]
}

@test "config: a config writable by others is refused even without a password (78)" {
    write_config <<CFG
[default]
jid = alice@$XMPP_DOMAIN
password_command = echo alice-pw
CFG
    chmod 664 "$XDG_CONFIG_HOME/stanza/config"
    run -78 --separate-stderr stanza send --server "127.0.0.1:$XMPP_PORT" "bob@$XMPP_DOMAIN" hi
    [ "$stderr" = "stanza send: config '$XDG_CONFIG_HOME/stanza/config' is writable by others — run 'chmod go-w $XDG_CONFIG_HOME/stanza/config'" ]
    rm -f "$XDG_CONFIG_HOME/stanza/config"
}

@test "send: a bad line is named by its line number on stdin, empty lines counted" {
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza send --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" < <(printf 'a\n\nbad \xff\n')
    [ "$stderr" = "stanza send: line 3: invalid UTF-8 at byte 5 — nothing was sent" ]
}

@test "send: a resource with a control character is refused (64)" {
    run -64 --separate-stderr env STANZA_PASSWORD=x stanza send --server 127.0.0.1:1 \
        -r $'bad\x01' -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: bad resource 'bad"*"': control character in resource" ]]
}

@test "send: remote text reaches stderr with bidi controls neutralized" {
    fake_server hostile-error
    run -76 --separate-stderr env STANZA_PASSWORD=x stanza send --no-tls \
        --server "127.0.0.1:$fake_port" -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    [ "$stderr" = $'stanza send: stream error from 127.0.0.1: policy-violation: evil \uFFFD txt.exe' ]
}

@test "send: with no other source, the password is asked on the terminal, without echo" {
    run -0 --separate-stderr bash -c "(sleep 0.5; echo alice-pw) | script -q -e -c \
        'stanza send --server 127.0.0.1:$XMPP_PORT --ca-file $XMPP_CA -j alice@$XMPP_DOMAIN bob@$XMPP_DOMAIN prompted' /dev/null"
    [[ $output == "Password for alice@$XMPP_DOMAIN: "* ]]
    [[ $output != *alice-pw* ]]
    run -77 --separate-stderr bash -c "(sleep 0.5; echo wrong) | script -q -e -c \
        'stanza send --server 127.0.0.1:$XMPP_PORT --ca-file $XMPP_CA -j alice@$XMPP_DOMAIN bob@$XMPP_DOMAIN prompted' /dev/null"
}

@test "send: --direct-tls without --server is refused (64): no _xmpps-client lookup" {
    run -64 --separate-stderr env STANZA_PASSWORD=x stanza send --direct-tls \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" hi
    [[ $stderr == "stanza send: --direct-tls needs --server HOST:PORT"* ]]
}
