#!/usr/bin/env bats
# stanza listen: every incoming stanza as a record (text, JSON, XML), filters,
# --count/--until, --exec/--reply, the IQ responder, signals, reconnection.
# Senders are `stanza send` and, to prove the wire, independent slixmpp
# clients: tests/server/send.py, recv.py and peer.py (written below).

load helpers

setup_file() {
    start_server
    write_peer >"$BATS_FILE_TMPDIR/peer.py"
}

teardown_file() {
    stop_server
}

setup() {
    load_env
}

# peer.py: a slixmpp client that stays online until it has its answer.
#   --iq XML [--iq-type get|set]: sends an IQ holding XML to --to, prints the
#       answer as JSON {type, from, condition, xml}.
#   --body TEXT [--type T|none] [--thread T] [--no-wait]: sends a message to
#       --to, then prints the first message that comes back as JSON
#       {from, to, type, body, thread}; --type none sends no type attribute.
write_peer() {
    cat <<'PY'
import argparse, asyncio, json, sys
from xml.etree import ElementTree as ET
from slixmpp.exceptions import IqError
from xmpptest import TestClient, add_common_args, err, setup_logging

class Peer(TestClient):
    def __init__(self, args):
        super().__init__(args)
        self.add_event_handler("session_start", self.go)
        self.add_event_handler("message", self.on_message)
        self.replies = asyncio.Queue()

    def on_message(self, m):
        if m["type"] != "error" and m["body"]:
            self.replies.put_nowait(m)

    async def go(self, _):
        a = self.args
        self.started = True
        if a.iq is not None:
            iq = self.make_iq(ito=a.to, itype=a.iq_type)
            iq.append(ET.fromstring(a.iq))
            try:
                r = await iq.send(timeout=a.timeout)
            except IqError as e:
                r = e.iq
            cond = r["error"]["condition"] if r["type"] == "error" else None
            print(json.dumps({"type": r["type"], "from": str(r["from"]),
                              "condition": cond, "xml": str(r)}), flush=True)
            self.finish(0)
            return
        m = self.make_message(mto=a.to, mbody=a.body,
                              mtype=None if a.type == "none" else a.type)
        if a.type == "none":
            del m["type"]
        if a.thread:
            m["thread"] = a.thread
        m.send()
        if a.no_wait:
            await self["xep_0199"].ping(jid=self.boundjid.domain, timeout=a.timeout)
            self.finish(0)
            return
        r = await self.replies.get()
        print(json.dumps({"from": str(r["from"]), "to": str(r["to"]),
                          "type": r["type"], "body": r["body"],
                          "thread": r["thread"] or None}), flush=True)
        self.finish(0)

p = argparse.ArgumentParser()
add_common_args(p)
p.add_argument("--to", required=True)
p.add_argument("--iq")
p.add_argument("--iq-type", default="get")
p.add_argument("--body")
p.add_argument("--type", default="chat")
p.add_argument("--thread")
p.add_argument("--no-wait", action="store_true")
a = p.parse_args()
setup_logging(a)
c = Peer(a)
c.register_plugin("xep_0199")
sys.exit(c.run(lambda: err("peer.py: timeout")))
PY
}

# peer USER ARGS...: runs peer.py as USER (see write_peer)
peer() {
    local user=$1
    shift
    PYTHONPATH=$SERVER_DIR PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 \
        "$BATS_FILE_TMPDIR/peer.py" --jid "$user@$XMPP_DOMAIN" --password "$user-pw" \
        --port "$XMPP_PORT" --ca "$XMPP_CA" --timeout 15 "$@"
}

# sendpy USER ARGS...: the independent sender, tests/server/send.py, as USER
sendpy() {
    local user=$1
    shift
    /usr/bin/python3 "$SERVER_DIR/send.py" --jid "$user@$XMPP_DOMAIN" \
        --password "$user-pw" --port "$XMPP_PORT" --ca "$XMPP_CA" "$@"
}

# listen_start NAME USER ARGS...: `stanza listen ARGS` as USER in the
# background (password from STANZA_PASSWORD), stdout in $T/NAME.out, stderr
# in $T/NAME.err, traffic in $T/NAME.trace. Returns once the server has
# echoed its initial presence: it is online and its handlers are in place.
# Its full JID is then in $T/NAME.jid. SERVER=HOST:PORT overrides the server.
listen_start() {
    local name=$1 user=$2 t=$BATS_TEST_TMPDIR jid
    shift 2
    STANZA_PASSWORD=$user-pw stanza listen --server "${SERVER:-127.0.0.1:$XMPP_PORT}" \
        --ca-file "$XMPP_CA" -j "$user@$XMPP_DOMAIN" --trace "$t/$name.trace" "$@" \
        >"$t/$name.out" 2>"$t/$name.err" 3>&- &
    echo $! >"$t/$name.pid"
    track $!
    for _ in $(seq 1 200); do
        jid=$(sed -n 's|^<< <iq [^>]*type="result"><bind [^>]*><jid>\([^<]*\)</jid>.*|\1|p' \
            "$t/$name.trace" 2>/dev/null | tail -1)
        if [ -n "$jid" ] && grep -q "^<< <presence [^>]*from=\"$jid\"" "$t/$name.trace"; then
            echo "$jid" >"$t/$name.jid"
            return 0
        fi
        sleep 0.05
    done
    echo "listen $name did not get online:" >&2
    cat "$t/$name.err" >&2
    return 1
}

# listen_wait NAME: waits for that listen to exit; returns its status
listen_wait() {
    wait "$(cat "$BATS_TEST_TMPDIR/$1.pid")"
}

out() { cat "$BATS_TEST_TMPDIR/$1.out"; }
err() { cat "$BATS_TEST_TMPDIR/$1.err"; }
jid() { cat "$BATS_TEST_TMPDIR/$1.jid"; }

@test "listen --json: a message from bob, every field right, nothing else printed" {
    listen_start a alice --json --kind message --count 1 --until 20
    run -0 --separate-stderr as bob send --json "alice@$XMPP_DOMAIN" "hello alice"
    id=$(jq -r '.[0].id' <<<"$output")
    [ -n "$id" ]
    listen_wait a
    [ "$(err a)" = "" ]
    [ "$(out a | wc -l)" -eq 1 ]
    run -0 jq -c '{kind, type, id, to, body}' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = "{\"kind\":\"message\",\"type\":\"chat\",\"id\":\"$id\",\"to\":\"alice@$XMPP_DOMAIN\",\"body\":\"hello alice\"}" ]
    run -0 jq -r .from "$BATS_TEST_TMPDIR/a.out"
    [[ $output == "bob@$XMPP_DOMAIN/"?* ]]
    # the sender's stream language, which the server stamps on the message
    run -0 jq -r .lang "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = "en" ]
    # no field that the stanza does not have
    run -0 jq -c 'del(.kind, .type, .id, .from, .to, .lang, .body, .payloads) | keys' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = "[]" ]
    # the server's stanza-id (XEP-0359) is kept as a payload, serialized
    run -0 jq -r '.payloads[] | select(.name == "stanza-id") | [.ns, .xml] | join(" ")' \
        "$BATS_TEST_TMPDIR/a.out"
    [[ $output == "urn:xmpp:sid:0 <stanza-id "*'by="alice@'"$XMPP_DOMAIN"'"'*'/>' ]]
}

@test "listen --json: subject, thread and id from an independent sender" {
    listen_start a alice --json --kind message --count 1 --until 20
    run -0 sendpy bob --to "alice@$XMPP_DOMAIN" --body "status report" \
        --subject "build 42" --thread thr-7 --id given-id-1 --type headline
    listen_wait a
    run -0 jq -c '{kind, type, id, subject, body, thread}' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = '{"kind":"message","type":"headline","id":"given-id-1","subject":"build 42","body":"status report","thread":"thr-7"}' ]
}

@test "listen --json: a message without a type attribute has no type field" {
    listen_start a alice --json --kind message --count 1 --until 20
    run -0 sendpy bob --to "alice@$XMPP_DOMAIN" --body "plain" --type normal
    listen_wait a
    run -0 jq -c '{type, body}' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = '{"type":null,"body":"plain"}' ]
}

@test "listen --type normal: a message without a type attribute is normal (RFC 6121)" {
    listen_start a alice --json --kind message --type normal --count 1 --until 20
    run -0 as bob send "alice@$XMPP_DOMAIN" "a chat message, not taken"
    run -0 sendpy bob --to "alice@$XMPP_DOMAIN" --body "untyped" --type normal
    listen_wait a
    run -0 jq -c '{type, body}' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = '{"type":null,"body":"untyped"}' ]
}

@test "listen --json: records are flushed one per line while listen runs" {
    listen_start a alice --json --kind message --until 30
    run -0 as bob send "alice@$XMPP_DOMAIN" "first"
    for _ in $(seq 1 100); do [ -s "$BATS_TEST_TMPDIR/a.out" ] && break; sleep 0.05; done
    kill -0 "$(cat "$BATS_TEST_TMPDIR/a.pid")" # still running
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/a.out")" = first ]
}

@test "listen --xml: one line per stanza, text escaped, a newline as &#10;" {
    listen_start a alice --xml --kind message --count 2 --until 20
    run -0 as bob send "alice@$XMPP_DOMAIN" "x < y & z"
    run -0 as bob send --stdin-whole "alice@$XMPP_DOMAIN" < <(printf 'line one\nline two\n')
    listen_wait a
    [ "$(out a | wc -l)" -eq 2 ]
    run -0 sed -n 1p "$BATS_TEST_TMPDIR/a.out"
    [[ $output == '<message '*'<body>x &lt; y &amp; z</body>'*'</message>' ]]
    run -0 sed -n 2p "$BATS_TEST_TMPDIR/a.out"
    [[ $output == '<message '*'<body>line one&#10;line two</body>'*'</message>' ]]
    # each line is well-formed XML and gives the body back exactly
    run -0 /usr/bin/python3 -c '
import sys, xml.etree.ElementTree as ET
for line in open(sys.argv[1]):
    print(repr(ET.fromstring(line).find("body").text))' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = $'\'x < y & z\'\n\'line one\\nline two\'' ]
}

@test "listen --xml: xml:lang stays xml:lang (not an unqualified lang attribute)" {
    listen_start a alice --xml --kind message --count 1 --until 20
    run -0 as bob send "alice@$XMPP_DOMAIN" "bonjour"
    listen_wait a
    # both servers stamp xml:lang="en" on what they route
    run -0 out a
    [[ $output == *' xml:lang="en"'* ]]
    [[ $output != *' lang="en"'* ]]
}

@test "listen: text mode shows hostile characters as U+FFFD; --json keeps them exactly" {
    # ESC itself cannot travel: XML 1.0 forbids U+001B (Prosody closes the
    # sender's stream). What can: C1 CSI U+009B, DEL, bidi overrides and
    # isolates, newlines.
    body=$'csi \u009b31m rlo \u202eabc del \x7f lri \u2066 two\nlines'
    listen_start t alice --kind message --count 1 --until 20
    listen_start j alice --json --kind message --count 1 --until 20
    run -0 sendpy bob --to "alice@$XMPP_DOMAIN" --body "$body" --subject $'s\u202e1'
    listen_wait t
    listen_wait j
    from=$(jq -r .from "$BATS_TEST_TMPDIR/j.out")
    [[ $from == "bob@$XMPP_DOMAIN/"?* ]]
    r=$'\ufffd'
    # the payloads the archive added: ejabberd 23.01 adds its older
    # <archived xmlns="urn:xmpp:mam:tmp"/> before the XEP-0359 stanza-id
    extra=" +stanza-id"
    server_is ejabberd && extra=" +archived +stanza-id"
    [ "$(out t)" = "message chat from $from [s${r}1]: csi ${r}31m rlo ${r}abc del $r lri $r two${r}lines$extra" ]
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/j.out")" = "$body" ]
    [ "$(jq -r .subject "$BATS_TEST_TMPDIR/j.out")" = $'s\u202e1' ]
}

@test "listen --from: a bare JID takes any of its resources and nobody else" {
    listen_start a alice --json --kind message --from "bob@$XMPP_DOMAIN" --count 1 --until 20
    run -0 as carol send "alice@$XMPP_DOMAIN" "from carol"
    run -0 as bob send "alice@$XMPP_DOMAIN" "from bob"
    listen_wait a
    [ "$(out a | wc -l)" -eq 1 ]
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/a.out")" = "from bob" ]
}

@test "listen --from: a full JID takes only that resource" {
    listen_start a alice --json --kind message --from "bob@$XMPP_DOMAIN/wanted" \
        --count 1 --until 20
    run -0 as bob send -r other "alice@$XMPP_DOMAIN" "from other"
    run -0 as bob send -r wanted "alice@$XMPP_DOMAIN" "from wanted"
    listen_wait a
    run -0 jq -r '[.from, .body] | join(" ")' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = "bob@$XMPP_DOMAIN/wanted from wanted" ]
}

@test "listen --from: a full JID matches whatever the case of its local part and domain" {
    # localpart and domain are case-insensitive (RFC 7622), the resource is not
    listen_start a alice --json --kind message --from "BOB@${XMPP_DOMAIN^^}/Res1" \
        --count 1 --until 10
    run -0 as bob send -r res1 "alice@$XMPP_DOMAIN" "wrong resource"
    run -0 as bob send -r Res1 "alice@$XMPP_DOMAIN" "right resource"
    listen_wait a
    run -0 jq -r '[.from, .body] | join(" ")' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = "bob@$XMPP_DOMAIN/Res1 right resource" ]
}

@test "listen --type headline: chat messages are ignored" {
    listen_start a alice --json --type headline --count 1 --until 20
    run -0 as bob send "alice@$XMPP_DOMAIN" "a chat"
    run -0 as bob send --type headline "alice@$XMPP_DOMAIN" "a headline"
    listen_wait a
    run -0 jq -c '{kind, type, body}' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = '{"kind":"message","type":"headline","body":"a headline"}' ]
}

@test "listen --count 2: stops after exactly two" {
    listen_start a alice --json --kind message --count 2 --until 20
    run -0 as bob send "alice@$XMPP_DOMAIN" < <(printf 'one\ntwo\nthree\n')
    listen_wait a
    run -0 jq -r .body "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = $'one\ntwo' ]
}

@test "listen --kind iq: an IQ is a record too (and still answered)" {
    listen_start a alice --json --kind iq --count 1 --until 20
    run -0 --separate-stderr as bob ping --json "$(jid a)"
    listen_wait a
    run -0 jq -c '{kind, type, to, payloads: [.payloads[] | {ns, name, xml}]}' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = "{\"kind\":\"iq\",\"type\":\"get\",\"to\":\"$(jid a)\",\"payloads\":[{\"ns\":\"urn:xmpp:ping\",\"name\":\"ping\",\"xml\":\"<ping xmlns=\\\"urn:xmpp:ping\\\"/>\"}]}" ]
}

@test "listen --until 1: exits 0 in time; with --kind message nothing is printed" {
    SECONDS=0
    run -0 --separate-stderr as alice listen --kind message --until 1
    [ "$SECONDS" -lt 10 ]
    [ "$output" = "" ]
    [ "$stderr" = "" ]
    # without --kind: exactly its own presence, echoed by the server
    run -0 --separate-stderr as alice listen --json --until 1 --trace "$BATS_TEST_TMPDIR/t"
    [ "$stderr" = "" ]
    me=$(sed -n 's|.*<jid>\([^<]*\)</jid>.*|\1|p' "$BATS_TEST_TMPDIR/t")
    [ "$(jq -c '{kind, from}' <<<"$output")" = "{\"kind\":\"presence\",\"from\":\"$me\"}" ]
}

@test "listen: --presence-show, --status and --priority are the initial presence" {
    run -0 --separate-stderr as alice listen --json --until 1 \
        --presence-show dnd --status "busy bot" --priority 5
    run -0 jq -c '{kind, show, status, priority}' <<<"$output"
    [ "$output" = '{"kind":"presence","show":"dnd","status":"busy bot","priority":5}' ]
    run -0 --separate-stderr as alice listen --until 1 --presence-show away --status "out"
    [[ $output == "presence from alice@$XMPP_DOMAIN/"*' away "out"'* ]]
}

@test "listen: an offline message arrives with its delay stamp, and only once" {
    run -0 --separate-stderr as bob send --json "carol@$XMPP_DOMAIN" "while you were out"
    id=$(jq -r '.[0].id' <<<"$output")
    run -0 --separate-stderr as carol listen --json --kind message --count 1 --until 20
    rec=$output
    run -0 jq -r '[.id, .body, .delay.from] | join(" ")' <<<"$rec"
    [ "$output" = "$id while you were out $XMPP_DOMAIN" ]
    run -0 jq -r .delay.stamp <<<"$rec"
    [[ $output =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]+)?Z$ ]]
    # listen runs without stream management: nothing is put back into
    # offline storage when it leaves
    run -0 --separate-stderr as carol listen --json --kind message --until 2
    [ "$output" = "" ]
}

@test "listen --exec: the record on stdin, STANZA_* in the environment, no password, no socket" {
    d=$BATS_TEST_TMPDIR
    export D=$d # reaches the child only through listen's own environment
    # shellcheck disable=SC2016 # expanded by the child's sh
    listen_start a alice --json --kind message --count 1 --until 20 --exec '
        cat >"$D/stdin"
        env >"$D/env"
        printf %s "$STANZA_FROM" >"$D/from"
        printf %s "$STANZA_BODY" >"$D/body"
        printf %s "$STANZA_TYPE" >"$D/type"
        printf %s "$STANZA_ID" >"$D/id"
        for f in /proc/$$/fd/*; do readlink "$f"; done >"$D/fds"
        find /proc/$$/fd -lname "socket:*" >"$D/sockets"'
    run -0 --separate-stderr as bob send --json "alice@$XMPP_DOMAIN" "exec me please"
    id=$(jq -r '.[0].id' <<<"$output")
    listen_wait a
    [ "$(err a)" = "" ]
    cmp "$d/a.out" "$d/stdin"
    [ "$(jq -r .body "$d/stdin")" = "exec me please" ]
    [ "$(cat "$d/from")" = "$(jq -r .from "$d/a.out")" ]
    [[ $(cat "$d/from") == "bob@$XMPP_DOMAIN/"?* ]]
    [ "$(cat "$d/body")" = "exec me please" ]
    [ "$(cat "$d/type")" = chat ]
    [ "$(cat "$d/id")" = "$id" ]
    run grep -c '^STANZA_PASSWORD=' "$d/env"
    [ "$output" = 0 ]
    run grep -c alice-pw "$d/env"
    [ "$output" = 0 ]
    [ ! -s "$d/sockets" ]
    run grep -c "a.trace" "$d/fds"
    [ "$output" = 0 ]
}

@test "listen --xml --exec: the command still gets the JSON record" {
    export D=$BATS_TEST_TMPDIR
    # shellcheck disable=SC2016
    listen_start a alice --xml --kind message --count 1 --until 20 --exec 'cat >"$D/stdin"'
    run -0 as bob send "alice@$XMPP_DOMAIN" "xml and json"
    listen_wait a
    [[ $(out a) == '<message '*'<body>xml and json</body>'* ]]
    run -0 jq -r '[.kind, .body] | join(" ")' "$BATS_TEST_TMPDIR/stdin"
    [ "$output" = "message xml and json" ]
}

@test "listen --exec: a failing command is reported, listen goes on" {
    listen_start a alice --json --kind message --count 2 --until 20 --exec 'exit 3'
    run -0 as bob send "alice@$XMPP_DOMAIN" < <(printf 'one\ntwo\n')
    listen_wait a
    [ "$(out a | wc -l)" -eq 2 ]
    [ "$(err a)" = $'stanza listen: warning: --exec: the command exited with status 3\nstanza listen: warning: --exec: the command exited with status 3' ]
}

@test "listen --exec --reply: a one-line bot answers bob (seen by an independent client)" {
    recv_start bob 1
    # shellcheck disable=SC2016
    listen_start a alice --kind message --count 1 --until 20 \
        --exec 'printf %s "$STANZA_BODY" | tr a-z A-Z' --reply
    # the reply goes to the sender's full JID; that resource is gone by then,
    # so the server hands the chat message to bob's other resource, recv.py
    run -0 as bob send "alice@$XMPP_DOMAIN" "ping me"
    listen_wait a
    recv_wait bob
    run -0 jq -r '[.type, .body] | join(" ")' "$BATS_TEST_TMPDIR/bob.out"
    [ "$output" = "chat PING ME" ]
    run -0 jq -r .from "$BATS_TEST_TMPDIR/bob.out"
    [ "$output" = "$(jid a)" ]
    [[ $(out a) == "message chat from bob@$XMPP_DOMAIN/"*": ping me"* ]]
}

@test "listen --reply: same type and thread as the message answered" {
    # shellcheck disable=SC2016 # the README's bot, quiet (-q): no records
    listen_start a alice -q --kind message --until 20 \
        --exec 'printf %s "$STANZA_BODY" | tr a-z A-Z' --reply
    run -0 peer bob --to "$(jid a)" --body "normal one" --type normal --thread T-9
    [ "$(jq -c '{type, body, thread}' <<<"$output")" = '{"type":"normal","body":"NORMAL ONE","thread":"T-9"}' ]
    [ "$(jq -r .from <<<"$output")" = "$(jid a)" ]
    run -0 peer bob --to "$(jid a)" --body "headline one" --type headline
    [ "$(jq -c '{type, body, thread}' <<<"$output")" = '{"type":"headline","body":"HEADLINE ONE","thread":null}' ]
    [ "$(out a)" = "" ]
    [ "$(err a)" = "" ]
}

@test "listen --reply: a message without a type attribute (normal) is answered as normal, not chat" {
    # shellcheck disable=SC2016
    listen_start a alice --kind message --until 20 \
        --exec 'printf "%s\n" "$STANZA_BODY" | tr a-z A-Z' --reply
    run -0 peer bob --to "$(jid a)" --body "typeless" --type none
    [ "$(jq -r .body <<<"$output")" = TYPELESS ]
    [ "$(jq -r .type <<<"$output")" = normal ]
}

@test "listen --reply: a groupchat message is answered to the room (the bare JID)" {
    # shellcheck disable=SC2016
    listen_start a alice --kind message --count 1 --until 20 \
        --exec 'printf "%s\n" "$STANZA_BODY" | tr a-z A-Z' --reply
    run -0 peer bob --to "$(jid a)" --body "to the room" --type groupchat --no-wait
    listen_wait a
    grep -q "^>> <message [^>]*to=\"bob@$XMPP_DOMAIN\" type=\"groupchat\"><body>TO THE ROOM</body></message>$" \
        "$BATS_TEST_TMPDIR/a.trace"
}

@test "listen --reply: output that XML cannot carry is not sent, and said so" {
    listen_start a alice --kind message --count 1 --until 20 \
        --exec "printf 'bell\\a\\n'" --reply
    run -0 as bob send "alice@$XMPP_DOMAIN" "ring"
    listen_wait a
    [ "$(err a)" = "stanza listen: warning: --reply: not sent: the command's output has control character at byte 5" ]
    run grep -c '^>> <message' "$BATS_TEST_TMPDIR/a.trace"
    [ "$output" = 0 ]
}

@test "listen: the responder answers ping, version and disco#info; anything else is service-unavailable" {
    listen_start a alice --kind message --until 30 --version-name "Bot 1"
    me=$(jid a)
    run -0 peer bob --to "$me" --iq '<ping xmlns="urn:xmpp:ping"/>'
    [ "$(jq -r '[.type, .from] | join(" ")' <<<"$output")" = "result $me" ]
    run -0 peer bob --to "$me" --iq '<query xmlns="jabber:iq:version"/>'
    [ "$(jq -r .type <<<"$output")" = result ]
    xml=$(jq -r .xml <<<"$output")
    [[ $xml == *'<query xmlns="jabber:iq:version"><name>Bot 1</name><version>'"$(stanza --version | cut -d' ' -f2)"'</version><os>'*'</os></query>'* ]]
    run -0 peer bob --to "$me" --iq '<query xmlns="http://jabber.org/protocol/disco#info"/>'
    [ "$(jq -r .type <<<"$output")" = result ]
    xml=$(jq -r .xml <<<"$output")
    run -0 /usr/bin/python3 -c '
import sys, xml.etree.ElementTree as ET
q = ET.fromstring(sys.argv[1])[0]
print(" ".join(sorted("%s=%s" % kv for kv in q[0].attrib.items())))' "$xml"
    [ "$output" = "category=client name=Bot 1 type=console" ]
    for f in http://jabber.org/protocol/disco#info urn:xmpp:ping jabber:iq:version; do
        [[ $xml == *"<feature var=\"$f\" />"* ]]
    done
    run -0 peer bob --to "$me" --iq '<query xmlns="urn:example:nothing"/>'
    [ "$(jq -r '[.type, .condition] | join(" ")' <<<"$output")" = "error service-unavailable" ]
    [[ $(jq -r .xml <<<"$output") == *'<error type="cancel"><service-unavailable '* ]]
    run -0 peer bob --to "$me" --iq '<query xmlns="urn:example:nothing"/>' --iq-type set
    [ "$(jq -r '[.type, .condition] | join(" ")' <<<"$output")" = "error service-unavailable" ]
    run -0 peer bob --to "$me" --iq '<query xmlns="http://jabber.org/protocol/disco#info" node="x"/>'
    [ "$(jq -r '[.type, .condition] | join(" ")' <<<"$output")" = "error service-unavailable" ]
    # the records were printed too, and nothing went wrong
    [ "$(err a)" = "" ]
}

@test "listen: stanza ping and stanza version get their answers from it" {
    listen_start a alice --kind message --until 30 --version-name "Bot 2"
    run -0 --separate-stderr as bob ping --json "$(jid a)"
    [ "$(jq -c '{jid, received}' <<<"$output")" = "{\"jid\":\"$(jid a)\",\"received\":1}" ]
    run -0 --separate-stderr as bob version --json "$(jid a)"
    [ "$(jq -r .name <<<"$output")" = "Bot 2" ]
}

@test "listen: the IQ answers carry no unqualified lang attribute" {
    listen_start a alice --kind message --until 30
    run -0 peer bob --to "$(jid a)" --iq '<ping xmlns="urn:xmpp:ping"/>'
    run -0 grep '^>> <iq ' "$BATS_TEST_TMPDIR/a.trace"
    [[ $output != *' lang="'* ]]
}

@test "listen: usage errors are 64, a bad --from is 65, a wrong password 77" {
    run -64 --separate-stderr env STANZA_PASSWORD=x stanza listen --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" --reply
    [[ $stderr == "stanza listen: --reply needs --exec"* ]]
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza listen --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" --from 'a@@b'
    [[ $stderr == "stanza listen: invalid JID 'a@@b'"* ]]
    run -64 --separate-stderr env STANZA_PASSWORD=x stanza listen --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" extra
    [[ $stderr == "stanza listen: unexpected argument 'extra'"* ]]
    run -64 --separate-stderr stanza listen --kind foo
    [ "$stderr" = "stanza listen: option '--kind' expects one of any|message|presence|iq, not 'foo'" ]
    run -64 stanza listen --presence-show busy
    run -64 stanza listen --priority 128
    run -64 stanza listen --count many
    run -64 stanza listen --until soon
    run -64 stanza listen --exec
    run -65 env STANZA_PASSWORD=x stanza listen --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" --status $'bell\a'
    run -77 --separate-stderr env STANZA_PASSWORD=wrong stanza listen \
        --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN"
    [ "$stderr" = "stanza listen: authentication as 'alice@$XMPP_DOMAIN' failed — check the password" ]
    [ "$output" = "" ]
}

@test "listen: a closed output pipe ends it at the next record, quietly" {
    t=$BATS_TEST_TMPDIR
    {
        { as alice listen --json --until 12 2>"$t/err"; echo $? >"$t/rc"; } |
            head -n 1 >"$t/first"
    } 3>&- &
    track $!
    for _ in $(seq 1 200); do [ -s "$t/first" ] && break; sleep 0.05; done
    [ "$(jq -r .kind "$t/first")" = presence ]
    # head has gone: the next record cannot be written
    run -0 as bob send "alice@$XMPP_DOMAIN" "nobody reads this"
    for _ in $(seq 1 100); do [ -s "$t/rc" ] && break; sleep 0.05; done
    [ -s "$t/rc" ] # ended within 5 s, well before --until 12
    [ "$(cat "$t/rc")" = 0 ]
    [ "$(cat "$t/err")" = "" ]
}

@test "listen: output to a full disk is exit 74 at once, with the reason" {
    t=$BATS_TEST_TMPDIR
    SECONDS=0
    rc=0
    as alice listen --json --until 12 >/dev/full 2>"$t/err" || rc=$?
    [ "$rc" -eq 74 ]
    [ "$SECONDS" -lt 8 ]
    [ "$(cat "$t/err")" = "stanza listen: cannot write the output: No space left on device" ]
}

@test "listen: a --version-name that XML cannot carry is exit 65 before connecting" {
    # port 1 refuses: had listen connected, the exit code would be 69
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza listen --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" --version-name $'bad\x01name'
    [[ $stderr == "stanza listen: --version-name: control character at byte 4"* ]]
    run -65 env STANZA_PASSWORD=x stanza listen --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" --version-name $'bad\xffname'
}

@test "listen: SIGINT closes the stream and exits 130" {
    listen_start a alice --until 30
    kill -INT "$(cat "$BATS_TEST_TMPDIR/a.pid")"
    rc=0
    listen_wait a || rc=$?
    [ "$rc" -eq 130 ]
    [ "$(err a)" = "stanza listen: interrupted" ]
    [ "$(grep '^>>' "$BATS_TEST_TMPDIR/a.trace" | tail -1)" = ">> </stream:stream>" ]
}

@test "listen --no-reconnect: a lost connection is exit 75" {
    cutproxy_start 2000
    SECONDS=0
    run -75 --separate-stderr as alice listen --no-reconnect --server "127.0.0.1:$proxy_port"
    [ "$SECONDS" -lt 10 ]
    [[ $stderr == "stanza listen: connection to 127.0.0.1 lost"* ]]
    [ "$(wc -l <<<"$stderr")" -eq 1 ]
}

@test "listen: after a lost connection it reconnects and goes on" {
    cutproxy_start 2000
    SERVER=127.0.0.1:$proxy_port listen_start a alice --json --kind message --count 1 --until 30
    for _ in $(seq 1 200); do grep -q reconnected "$BATS_TEST_TMPDIR/a.err" && break; sleep 0.05; done
    run -0 as bob send "alice@$XMPP_DOMAIN" "after the cut"
    listen_wait a
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/a.out")" = "after the cut" ]
    run -0 err a
    [ "${#lines[@]}" -eq 2 ]
    [[ ${lines[0]} == "stanza listen: warning: connection to 127.0.0.1 lost"*"; reconnecting in 0."[4-6]" s" ]]
    [[ ${lines[1]} == "stanza listen: warning: reconnected after "* ]]
}

@test "listen: after a reconnection each stanza is handled once" {
    cutproxy_start 2000
    SERVER=127.0.0.1:$proxy_port listen_start a alice --json --kind message --count 2 --until 30
    for _ in $(seq 1 200); do grep -q reconnected "$BATS_TEST_TMPDIR/a.err" && break; sleep 0.05; done
    grep -q reconnected "$BATS_TEST_TMPDIR/a.err"
    me=$(sed -n 's|.*<jid>\([^<]*\)</jid>.*|\1|p' "$BATS_TEST_TMPDIR/a.trace" | tail -1)
    run -0 peer bob --to "$me" --iq '<ping xmlns="urn:xmpp:ping"/>'
    run -0 as bob send "alice@$XMPP_DOMAIN" < <(printf 'one\ntwo\n')
    listen_wait a
    run -0 jq -r .body "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = $'one\ntwo' ]
    [ "$(grep -c '^>> <iq [^>]*type="result"' "$BATS_TEST_TMPDIR/a.trace")" -eq 1 ]
}

@test "listen: a dead connection is found by --keepalive; what it swallowed comes from the archive, once" {
    proxy_start
    SERVER=127.0.0.1:$proxy_port listen_start a alice --json --kind message --count 4 \
        --keepalive 1 --timeout 3 --until 40
    run -0 as bob send "alice@$XMPP_DOMAIN" "before"
    wait_for "$BATS_TEST_TMPDIR/a.out" before
    echo freeze >"$BATS_TEST_TMPDIR/ctl"
    for _ in $(seq 1 100); do [ -e "$BATS_TEST_TMPDIR/ctl.frozen" ] && break; sleep 0.05; done
    # the server still believes alice is online: it delivers these into the void
    run -0 as bob send "alice@$XMPP_DOMAIN" "lost one"
    # alice's archive keeps what she sends too: that never came to her
    run -0 as alice send "bob@$XMPP_DOMAIN" "sent, not received"
    run -0 as bob send "alice@$XMPP_DOMAIN" "lost two"
    wait_for "$BATS_TEST_TMPDIR/a.err" reconnected
    run -0 as bob send "alice@$XMPP_DOMAIN" "after"
    listen_wait a
    run -0 jq -r .body "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = $'before\nlost one\nlost two\nafter' ]
    # the caught-up ones carry the archive's timestamp, the live ones none
    run -0 jq -r '.delay.stamp // "live"' "$BATS_TEST_TMPDIR/a.out"
    [[ ${lines[0]} == live && ${lines[3]} == live ]]
    [[ ${lines[1]} == 20*Z && ${lines[2]} == 20*Z ]]
    run -0 jq -r '.from' "$BATS_TEST_TMPDIR/a.out"
    [[ ${lines[1]} == "bob@$XMPP_DOMAIN/"?* ]]
    run -0 err a
    [ "${#lines[@]}" -eq 2 ]
    [[ ${lines[0]} == "stanza listen: warning: connection to 127.0.0.1 lost: no answer to a keepalive ping within 3.0 s; reconnecting in 0."[4-6]" s" ]]
    [[ ${lines[1]} == "stanza listen: warning: reconnected after "*" s; 2 messages caught up from the archive" ]]
}

@test "listen: with nothing seen before the gap, the catch-up starts where the archive ended at login" {
    # older messages in alice's archive must not come back
    run -0 as bob send "alice@$XMPP_DOMAIN" "old news"
    run -0 as alice listen --kind message --count 1 --until 10
    proxy_start
    SERVER=127.0.0.1:$proxy_port listen_start a alice --json --kind message --count 2 \
        --keepalive 1 --timeout 2 --until 40
    echo freeze >"$BATS_TEST_TMPDIR/ctl"
    for _ in $(seq 1 100); do [ -e "$BATS_TEST_TMPDIR/ctl.frozen" ] && break; sleep 0.05; done
    run -0 as bob send "alice@$XMPP_DOMAIN" "swallowed"
    wait_for "$BATS_TEST_TMPDIR/a.err" reconnected
    run -0 as bob send "alice@$XMPP_DOMAIN" "live again"
    listen_wait a
    run -0 jq -r .body "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = $'swallowed\nlive again' ]
    [[ $(err a) == *"; 1 message caught up from the archive" ]]
}

@test "listen: what waited in offline storage during the gap is printed once, not again from the archive" {
    proxy_start
    SERVER=127.0.0.1:$proxy_port listen_start a alice --json --kind message --count 3 --until 40
    echo cut >"$BATS_TEST_TMPDIR/ctl"
    wait_for "$BATS_TEST_TMPDIR/a.err" "reconnecting in"
    # alice is offline now: the server stores these and archives them
    run -0 as bob send "alice@$XMPP_DOMAIN" "gap one"
    run -0 as bob send "alice@$XMPP_DOMAIN" "gap two"
    echo pass >"$BATS_TEST_TMPDIR/ctl"
    wait_for "$BATS_TEST_TMPDIR/a.err" reconnected
    run -0 as bob send "alice@$XMPP_DOMAIN" "after"
    listen_wait a
    run -0 jq -r .body "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = $'gap one\ngap two\nafter' ]
    run -0 jq -r '.delay.stamp // "live"' "$BATS_TEST_TMPDIR/a.out"
    [[ ${lines[0]} == 20*Z && ${lines[1]} == 20*Z && ${lines[2]} == live ]]
}

@test "listen: a server without an archive: the gap is reported, listening goes on" {
    extra_server "$BATS_TEST_TMPDIR/srv2" mam
    # shellcheck disable=SC1091
    source "$BATS_TEST_TMPDIR/srv2/env"
    proxy_start "$XMPP_PORT"
    SERVER=127.0.0.1:$proxy_port listen_start a alice --json --kind message --count 1 \
        --keepalive 1 --timeout 2 --until 40
    echo freeze >"$BATS_TEST_TMPDIR/ctl"
    wait_for "$BATS_TEST_TMPDIR/a.err" reconnected
    run -0 as bob send "alice@$XMPP_DOMAIN" "still here"
    listen_wait a
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/a.out")" = "still here" ]
    run -0 err a
    [ "${#lines[@]}" -eq 2 ]
    [[ ${lines[1]} == "stanza listen: warning: reconnected after "*" s; cannot catch up from the archive (service-unavailable): messages sent meanwhile may be lost" ]]
}

@test "listen --keepalive: answered pings keep a quiet connection up; 0 sends none" {
    listen_start a alice --json --kind iq --keepalive 0.2 --until 1.5
    listen_wait a
    [ "$(err a)" = "" ]
    [ "$(out a)" = "" ]
    n=$(grep -c '^>> <iq [^>]*type="get"[^>]*><ping xmlns="urn:xmpp:ping"/></iq>' "$BATS_TEST_TMPDIR/a.trace")
    [ "$n" -ge 4 ] && [ "$n" -le 8 ]
    listen_start b alice --json --keepalive 0 --until 1
    listen_wait b
    [ "$(grep -c 'urn:xmpp:ping' "$BATS_TEST_TMPDIR/b.trace")" -eq 0 ]
}

# --cursor: a place in the archive kept between runs

# lsc ARGS...: a one-shot `stanza listen --json --kind message` as carol
# with the cursor file $T/cur; stdout in $output, stderr in $stderr
lsc() {
    run --separate-stderr as carol listen --json --kind message \
        --cursor "$BATS_TEST_TMPDIR/cur" "$@"
}

@test "listen --cursor: a loop of --count 1 takes every message once, in order (what a close loses comes back)" {
    t=$BATS_TEST_TMPDIR
    # a first run makes the file: where the archive ends now
    lsc --until 1
    echo "status $status, stdout: $output, stderr: $stderr"
    [ "$status" -eq 0 ] && [ "$output" = "" ] && [ "$stderr" = "" ]
    [ "$(stat -c %a "$t/cur")" = 600 ]
    [ -s "$t/cur" ]
    # three messages at once to a listener that stops after one: the
    # server routes the others to it while it closes (ejabberd always)
    listen_start a carol --json --kind message --count 1 --cursor "$t/cur" --until 20
    run -0 as bob send "carol@$XMPP_DOMAIN" < <(printf 'one\ntwo\nthree\n')
    listen_wait a
    [ "$(jq -r .body "$t/a.out")" = one ]
    for want in two three; do
        lsc --count 1 --until 5
        [ "$status" -eq 0 ]
        [ "$(jq -r .body <<<"$output")" = "$want" ]
        [ "$(jq -r .delay <<<"$output")" != null ] # from the archive
    done
    # nothing is left, and nothing comes twice
    lsc --until 1
    [ "$status" -eq 0 ] && [ "$output" = "" ]
}

@test "listen --cursor: offline messages are printed once, from the archive, oldest first" {
    t=$BATS_TEST_TMPDIR
    lsc --until 1
    run -0 as bob send "carol@$XMPP_DOMAIN" < <(printf 'o1\no2\no3\n')
    lsc --until 2
    [ "$status" -eq 0 ]
    run -0 jq -r .body <<<"$output"
    [ "$output" = $'o1\no2\no3' ]
    # the cursor moved past all three, and their offline copies do not
    # come again
    lsc --until 1
    [ "$output" = "" ]
    # a run that has its count from the archive ends before its presence:
    # what it left in offline storage must not come back at the next one
    run -0 as bob send "carol@$XMPP_DOMAIN" < <(printf 'p1\np2\n')
    lsc --count 1 --until 5
    [ "$(jq -r .body <<<"$output")" = p1 ]
    lsc --until 2
    [ "$(jq -r .body <<<"$output")" = p2 ]
    lsc --until 1
    [ "$output" = "" ]
}

@test "listen --cursor: an id the archive does not know, a bad file, an unwritable place" {
    t=$BATS_TEST_TMPDIR
    echo "no-such-id" >"$t/cur"
    lsc --until 1
    [ "$status" -eq 0 ]
    if server_is ejabberd; then
        # ejabberd reads an id it does not know as a time (its ids are
        # microseconds): what it holds after it comes, no warning
        [ "$stderr" = "" ]
    else
        [ "$stderr" = "stanza listen: warning: --cursor: cannot read the archive after 'no-such-id' (item-not-found): listening from now on" ]
        [ "$output" = "" ]
    fi
    [ "$(cat "$t/cur")" != no-such-id ] # a new place was written
    printf 'two words\n' >"$t/cur"
    lsc --until 1
    [ "$status" -eq 65 ] && [ "$output" = "" ]
    [ "$stderr" = "stanza listen: the cursor file '$t/cur' does not hold one archive id (one line of at most 256 printable characters) — remove it to start afresh" ]
    [ "$(cat "$t/cur")" = "two words" ]
    run -74 --separate-stderr as carol listen --until 1 --cursor "$t/no/such/dir/cur"
    [ "$stderr" = "stanza listen: cannot write the cursor file '$t/no/such/dir/cur': No such file or directory" ]
    mkdir "$t/d"
    run -74 --separate-stderr as carol listen --until 1 --cursor "$t/d"
    [ "$stderr" = "stanza listen: the cursor file '$t/d' is not a regular file" ]
}

@test "listen --cursor: a server without an archive says so and writes nothing" {
    extra_server "$BATS_TEST_TMPDIR/srv2" mam
    # shellcheck disable=SC1091
    source "$BATS_TEST_TMPDIR/srv2/env"
    lsc --until 1
    [ "$status" -eq 0 ] && [ "$output" = "" ]
    [ "$stderr" = "stanza listen: warning: --cursor: the server has no message archive: '$BATS_TEST_TMPDIR/cur' not written" ]
    [ ! -e "$BATS_TEST_TMPDIR/cur" ]
}
