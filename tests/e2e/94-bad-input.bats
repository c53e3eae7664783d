#!/usr/bin/env bats
# Bad input: JIDs, message bodies, oversized standard input, malformed
# console input, DTDs in the XML users give. All of it is refused (65)
# before anything is sent, or, when it can travel, sent exactly; the
# server never sees anything that would make it end the stream.

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

# 45 JIDs that are not JIDs (RFC 7622), one per line of $T/bad (NUL
# cannot be in an argument: see the bodies for that)
bad_jids() {
    local long label
    long=$(head -c 1024 /dev/zero | tr '\0' a)
    label=$(head -c 64 /dev/zero | tr '\0' a)
    {
        printf '%s\n' '' '@localhost' 'bob@' 'bob@@localhost' 'bob@localhost@x' \
            'b ob@localhost' 'bob@local host' 'bob@localhost/' '/res' 'bob@/res' \
            'b"ob@localhost' "b'ob@localhost" 'b&ob@localhost' 'b:ob@localhost' \
            'b<ob@localhost' 'b>ob@localhost' 'bob@.localhost' 'bob@local..host' \
            'bob@localhost..' "bob@$label.org" "$long@localhost" "bob@$label.$label.$label.$label.$label.$label.$label.$label.$label.$label.$label.$label.$label.$label.$label.$label.x" \
            "bob@localhost/$long" 'bob@[::1' 'bob@[nothex]' 'bob@[1.2.3.4]' \
            'bob@local\host' 'bob@local<host' 'bob@local>host' 'bob@local"host' \
            "bob@local'host" 'bob@local&host'
        printf 'b\001ob@localhost\nb\177ob@localhost\nb\377ob@localhost\n'
        printf 'b\300\257ob@localhost\nbob@localhost/res\001\nbob@localhost/res\377\n'
        printf 'bob@local\thost\nb\302\240ob@localhost\nb\342\200\203ob@localhost\n'
        printf 'b\343\200\200ob@localhost\nb\302\205ob@localhost\nbob@localhost/\302\205\n'
        printf 'bob@\357\277\276\n'
    } >"$BATS_TEST_TMPDIR/bad"
}

@test "bad input: 45 bad JIDs are exit 65 in every command that takes one, with no connection attempt" {
    bad_jids
    # every command points at a listener that records connections
    fault_proxy p --blackhole
    n=0
    runs=0
    while IFS= read -r jid; do
        n=$((n + 1))
        for form in send account ping version time last disco command listen; do
            acct=alice@$XMPP_DOMAIN
            case $form in
            send) cmd=send args=("$jid" hi) ;;
            account) cmd=send args=("bob@$XMPP_DOMAIN" hi) acct=$jid ;;
            disco) cmd=disco args=(info "$jid") ;;
            command) cmd=command args=(list "$jid") ;;
            listen) cmd=listen args=(--from "$jid") ;;
            *) cmd=$form args=("$jid") ;;
            esac
            rc=0
            env STANZA_PASSWORD=x stanza "$cmd" -t 1 --server "127.0.0.1:$port" -j "$acct" \
                "${args[@]}" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" || rc=$?
            if [ "$rc" -ne 65 ] || ! grep -q "invalid .*JID" "$BATS_TEST_TMPDIR/err"; then
                echo "JID $n, $form: rc $rc: $(cat "$BATS_TEST_TMPDIR/err")" | cat -v
                return 1
            fi
            runs=$((runs + 1))
        done
    done <"$BATS_TEST_TMPDIR/bad"
    [ "$n" -eq 45 ]
    [ ! -s "$BATS_TEST_TMPDIR/p.log" ] # no connection, ever
    figure "$n bad JIDs x 9 command forms: $runs runs, all exit 65, 0 connections"
}

@test "bad input: 1,000 random bodies: each refused (65, the first fault named) or sent exactly; 0 stream errors" {
    t=$BATS_TEST_TMPDIR
    /usr/bin/python3 "$FAULTS_DIR/bodies.py" --count 1000 --seed 9 "$t/b"
    i=0
    : >"$t/lines"
    while IFS= read -r v; do
        f=$t/b/$(printf %04d "$i")
        rc=0
        stanza send --dry-run --stdin-whole "bob@$XMPP_DOMAIN" <"$f" >/dev/null 2>"$t/err" || rc=$?
        case $v in
        send)
            want="0 "
            cat "$f" >>"$t/lines"
            echo >>"$t/lines"
            ;;
        NUL) want="65 stanza send: standard input holds a NUL byte — nothing was sent" ;;
        *) want="65 stanza send: message: $v — nothing was sent" ;;
        esac
        [ "$rc $(cat "$t/err")" = "$want" ] || {
            echo "body $i: got '$rc $(cat "$t/err")', want '$want'" | cat -v
            return 1
        }
        i=$((i + 1))
    done <"$t/b/expected"
    [ "$i" -eq 1000 ]
    sent=$(grep -c '^send$' "$t/b/expected")
    # the ones that can travel, in one send, one per line: all confirmed,
    # and an independent client gets them byte for byte
    recv_start bob "$sent" 30
    run -0 --separate-stderr as alice send "bob@$XMPP_DOMAIN" <"$t/lines"
    [ "$stderr" = "" ]
    recv_wait bob
    run -0 /usr/bin/python3 - "$t/b" "$t/bob.out" <<'EOF'
import json, os, sys
d, out = sys.argv[1:3]
verdicts = [v.rstrip('\n') for v in open(os.path.join(d, 'expected'))]
want = [open(os.path.join(d, '%04d' % i), 'rb').read().decode()
        for i, v in enumerate(verdicts) if v == 'send']
got = [json.loads(line)['body'] for line in open(out)]
print(len(want), len(got), sum(a == b for a, b in zip(want, got)))
EOF
    [ "$output" = "$sent $sent $sent" ]
    # no stream error: Prosody logs the condition, ejabberd "Closing c2s
    # session for JID: Stream closed by local host: TEXT (CONDITION)"
    if server_is ejabberd; then log=$XMPP_DIR/ejabberd.log; else log=$XMPP_DIR/prosody.log; fi
    [ -s "$log" ]
    ! grep -Eq 'stream error|Stream closed by local host|not-well-formed|invalid-xml' "$log"
    figure "1000 random bodies: $((1000 - sent)) refused with the first fault named, $sent sent and received byte for byte, 0 stream errors"
}

@test "bad input: 10 MiB on standard input is exit 65 within 1 s, whatever it holds" {
    t=$BATS_TEST_TMPDIR
    head -c 10485760 /dev/zero | tr '\0' a >"$t/one-line"
    head -c 10485760 /dev/urandom >"$t/random"
    yes 'a short line' | head -c 10485760 >"$t/lines"
    for f in one-line random lines; do
        for mode in "" --stdin-whole; do
            measured env STANZA_PASSWORD=x stanza send $mode --server 127.0.0.1:1 \
                -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" <"$t/$f"
            echo "$f $mode: rc $rc, $ms ms: $(cat "$t/m.err")"
            [ "$rc" -eq 65 ]
            [ "$ms" -lt 1000 ]
            [ "$(cat "$t/m.err")" = "stanza send: standard input is over 8 MiB — nothing was sent" ]
        done
    done
    # under the limit, a line too long, or too many stanzas, are 65 too
    head -c 300000 "$t/one-line" >"$t/long"
    measured env STANZA_PASSWORD=x stanza send --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" <"$t/long"
    [ "$rc" -eq 65 ] && [ "$ms" -lt 1000 ]
    [ "$(cat "$t/m.err")" = "stanza send: line 1 is over 252 KiB — nothing was sent" ]
    seq 1 50001 >"$t/many"
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza send --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" "bob@$XMPP_DOMAIN" "carol@$XMPP_DOMAIN" <"$t/many"
    [ "$stderr" = "stanza send: 50001 message(s) to 2 recipient(s) are over 100000 stanzas — split the input; nothing was sent" ]
}

@test "bad input: 1,000 malformed console inputs are refused one by one; the stream stays usable" {
    t=$BATS_TEST_TMPDIR
    /usr/bin/python3 - "$XMPP_DOMAIN" >"$t/in" <<'EOF'
import random, sys
dom = sys.argv[1]
r = random.Random(9)
deep = "<iq type='get'><query xmlns='urn:x'>" + "<x>" * 70 + "</x>" * 70 + "</query></iq>"
bad = [
    lambda n: "<message><body>%d</bdy></message>" % n,
    lambda n: "<message><body>&nosuch%d;</body></message>" % n,
    lambda n: "<!DOCTYPE m [<!ENTITY e%d 'x'>]><message/>" % n,
    lambda n: "<!DOCTYPE m SYSTEM 'file:///etc/passwd'><message/>",
    lambda n: "<?pi %d?><message/>" % n,
    lambda n: "<foo%d/>" % n,
    lambda n: "<message><body>bell \x07 %d</body></message>" % n,
    lambda n: "<message><body>esc \x1b[31m %d</body></message>" % n,
    lambda n: "<message to=bob%d/>" % n,
    lambda n: "<<message/>",
    lambda n: "</message>",
    lambda n: "<message a='%d' a='2'/>" % n,
    lambda n: "<message><body>%d</body></message></message>" % n,
    lambda n: deep,
    lambda n: "<message xmlns:='x'/>",
    lambda n: "<message><body>\ufffe %d</body></message>" % n,
]
out = sys.stdout.buffer
for n in range(1000):
    line = r.choice(bad)(n).encode()
    if n % 7 == 0:
        line = line.replace(b"<body>", b"<body>\xff", 1) if b"<body>" in line else line
    out.write(line + b"\n")
    if n % 100 == 99:  # a good one now and then
        out.write(("<message to='bob@%s' type='chat'><body>ok %d</body></message>\n"
                   % (dom, n // 100)).encode())
out.write(b"/ping\n")
EOF
    recv_start bob 10 30
    run -65 --separate-stderr as alice console <"$t/in"
    echo "$stderr" >"$t/err"
    [ "$(wc -l <"$t/err")" -eq 1000 ]
    # where expat finds the fault, line and column; a namespace fault
    # (xmlns:='x') only libstrophe's parser sees: "stanza 1 could not be parsed"
    [ "$(grep -Ec '^stanza console: standard input (line [0-9]+, column [0-9]+: .*|stanza 1 could not be parsed) — nothing was sent$' "$t/err")" -eq 1000 ]
    # the ten good ones went, the ping was answered
    recv_wait bob
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/bob.out" | paste -sd' ')" = "ok 0 ok 1 ok 2 ok 3 ok 4 ok 5 ok 6 ok 7 ok 8 ok 9" ]
    [[ $output == *'<< <iq '*'type="result"'* ]]
    figure "1000 malformed console inputs: 1000 refused, each named by line and column; 10 good messages and a ping went through on the same stream"
}

@test "bad input: an entity bomb or external entities in XML we are given: 65, nothing read, nothing fetched" {
    t=$BATS_TEST_TMPDIR
    mkfifo "$t/fifo"
    (exec 4>"$t/fifo" && echo opened >"$t/opened") 3>&- &
    track $!
    fault_proxy web --blackhole
    bomb='<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><message to="bob@localhost"><body>&c;</body></message>'
    file="<!DOCTYPE m [<!ENTITY x SYSTEM \"file://$t/fifo\">]><message to=\"bob@localhost\"><body>&x;</body></message>"
    http="<!DOCTYPE m SYSTEM \"http://127.0.0.1:$port/m.dtd\"><message to=\"bob@localhost\"><body>x</body></message>"
    for xml in "$bomb" "$file" "$http"; do
        run -65 --separate-stderr env STANZA_PASSWORD=x stanza raw --server 127.0.0.1:1 \
            -j "alice@$XMPP_DOMAIN" "$xml"
        [[ $stderr == "stanza raw: "*"— nothing was sent" ]]
        run -65 --separate-stderr env STANZA_PASSWORD=x stanza raw --server 127.0.0.1:1 \
            -j "alice@$XMPP_DOMAIN" <<<"$xml"
        run -65 --separate-stderr as alice console <<<"$xml"
        [[ $stderr == "stanza console: standard input line 1, column "*"— nothing was sent" ]]
    done
    sleep 0.2
    [ ! -e "$t/opened" ]
    [ ! -s "$t/web.log" ]
}
