#!/usr/bin/env bats
# stanza command: ad-hoc commands (XEP-0050) with data forms (XEP-0004)

load helpers

ADD_USER=http://jabber.org/protocol/admin#add-user

# Each server's own single-stage command for everyone (Prosody: uptime,
# ejabberd: ping) and the note it completes with; the test: commands come
# from tests/server/mod_test_adhoc.lua or .erl
if server_is ejabberd; then
    SIMPLE=ping SIMPLE_NOTE='^info: Pong$'
else
    SIMPLE=uptime SIMPLE_NOTE='^info: This server has been running for 0 days'
fi

as_admin() {
    local cmd=$1
    shift
    STANZA_PASSWORD=admin-pw stanza "$cmd" --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "admin@$XMPP_DOMAIN" "$@"
}

setup_file() {
    start_server
}

teardown_file() {
    stop_server
}

setup() {
    load_env
}

# The iqs sent in the trace FILE, one line each
sent_iqs() {
    grep '^>> <iq ' "$1" | grep -v xmpp-bind
}

@test "command list: the commands a user may run, sorted by the server" {
    run -0 --separate-stderr as_alice command list
    if server_is ejabberd; then
        # ejabberd: in the order of its modules' hooks
        [ "$output" = "test:pizza (Order a pizza)
test:fail (Always fails)
test:warn (Warns)
ping (Ping)" ]
    else
        [ "$output" = "test:fail (Always fails)
test:pizza (Order a pizza)
test:warn (Warns)
uptime (Get uptime)" ]
    fi
    [ "$stderr" = "" ]
}

@test "command list: the admin sees the admin commands; JSON" {
    run -0 --separate-stderr as_admin command list --json "$XMPP_DOMAIN"
    [ "$(jq -r .jid <<<"$output")" = "$XMPP_DOMAIN" ]
    [ "$(jq -c '.commands[] | select(.node == "'"$ADD_USER"'")' <<<"$output")" = "{\"node\":\"$ADD_USER\",\"name\":\"Add User\",\"jid\":\"$XMPP_DOMAIN\"}" ]
    [ "$(jq '.commands | length' <<<"$output")" -gt 10 ]
}

@test "command list: an entity without commands answers with an error, exit 1 (Prosody) or an empty list (ejabberd)" {
    if server_is ejabberd; then
        run -0 --separate-stderr as_alice command list "upload.$XMPP_DOMAIN"
        [ "$output" = "" ]
        [ "$stderr" = "" ]
        run -0 as_alice command list --json "upload.$XMPP_DOMAIN"
        [ "$output" = "{\"jid\":\"upload.$XMPP_DOMAIN\",\"commands\":[]}" ]
        return
    fi
    run -1 --separate-stderr as_alice command list "upload.$XMPP_DOMAIN"
    [ "$stderr" = "stanza command: upload.$XMPP_DOMAIN answered with an error: item-not-found (cancel): Node does not exist" ]
}

@test "command run: a single-stage command and its info note" {
    run -0 --separate-stderr as_alice command run "$XMPP_DOMAIN" "$SIMPLE"
    [[ $output =~ $SIMPLE_NOTE ]]
    [ "${#lines[@]}" -eq 1 ]
    run -0 as_alice command run --json "$XMPP_DOMAIN" "$SIMPLE"
    [ "$(jq -c '[.jid, .node, .status, .notes[0].type]' <<<"$output")" = "[\"$XMPP_DOMAIN\",\"$SIMPLE\",\"completed\",\"info\"]" ]
    # session ids: Prosody's are UUIDs, ejabberd's timestamps
    if server_is ejabberd; then
        [[ $(jq -r .sessionid <<<"$output") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]]
    else
        [[ $(jq -r .sessionid <<<"$output") =~ ^[0-9a-f-]{36}$ ]]
    fi
}

@test "command run: two stages (next, complete), one session, the result form" {
    run -0 --separate-stderr as_alice command run --trace "$BATS_TEST_TMPDIR/trace" \
        "$XMPP_DOMAIN" test:pizza -f size=l -f cheese=true -f toppings=ham \
        --field toppings=olives -f "address=bob@$XMPP_DOMAIN" -f 'notes=ring twice' \
        -f notes=thanks -f code=1234
    [ "$output" = "info: Order placed
Your order
size (text-single): Size = l
cheese (boolean): Extra cheese = 1
toppings (text-multi): Toppings
  = ham
  = olives
address (jid-single): Deliver to = bob@$XMPP_DOMAIN
friends (jid-multi): Also told
notes (text-multi): Notes
  = ring twice
  = thanks" ]
    [ "$stderr" = "" ]
    run -0 sent_iqs "$BATS_TEST_TMPDIR/trace"
    [ "${#lines[@]}" -eq 3 ]
    [[ ${lines[0]} == *'action="execute"'* ]]
    [[ ${lines[1]} == *'action="next"'*'<x xmlns="jabber:x:data" type="submit"><field var="FORM_TYPE"><value>urn:stanza:test:pizza</value></field><field var="size"><value>l</value></field><field var="cheese"><value>true</value></field><field var="toppings"><value>ham</value><value>olives</value></field></x>'* ]]
    [[ ${lines[2]} == *'action="complete"'*'<field var="address"><value>bob@'"$XMPP_DOMAIN"'</value></field><field var="friends"/><field var="notes"><value>ring twice</value><value>thanks</value></field><field var="code"><value>1234</value></field>'* ]]
    # the session id the server gave on the first answer, on both submissions
    sid=$(grep -o 'sessionid="[^"]*"' "$BATS_TEST_TMPDIR/trace" | head -n 1)
    [ "$(grep -c "^>> .*$sid" "$BATS_TEST_TMPDIR/trace")" = 2 ]
}

@test "command run --json: notes and the result form, defaults kept" {
    run -0 --separate-stderr as_alice command run --json "$XMPP_DOMAIN" test:pizza \
        -f "address=bob@$XMPP_DOMAIN"
    [ "$(jq -c '.notes' <<<"$output")" = '[{"type":"info","text":"Order placed"}]' ]
    [ "$(jq -c '[.form.type, .form.title]' <<<"$output")" = '["result","Your order"]' ]
    # the form's defaults: size m, no cheese
    [ "$(jq -c '[.form.fields[] | select(.var == "size" or .var == "cheese") | .values[0]]' <<<"$output")" = '["m","0"]' ]
}

@test "command run --form FILE: values from JSON; --field wins over the file" {
    printf '{"size": "s", "cheese": true, "toppings": ["mushrooms", "ham"], "address": "nobody@%s", "notes": null}\n' \
        "$XMPP_DOMAIN" >"$BATS_TEST_TMPDIR/order.json"
    run -0 --separate-stderr as_alice command run --json "$XMPP_DOMAIN" test:pizza \
        --form "$BATS_TEST_TMPDIR/order.json" -f "address=carol@$XMPP_DOMAIN"
    [ "$(jq -c '[.form.fields[] | {(.var): .values}] | add' <<<"$output")" = "{\"size\":[\"s\"],\"cheese\":[\"1\"],\"toppings\":[\"mushrooms\",\"ham\"],\"address\":[\"carol@$XMPP_DOMAIN\"],\"friends\":[],\"notes\":[]}" ]
    # the form as --json printed it works as input too, from stdin
    jq '{fields: [.form.fields[] | select(.var == "size") | .values = ["l"]]}' <<<"$output" >"$BATS_TEST_TMPDIR/form.json"
    run -0 bash -c 'STANZA_PASSWORD=alice-pw stanza command run --json --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN" --form - -f "address=bob@$XMPP_DOMAIN" \
        "$XMPP_DOMAIN" test:pizza <"$BATS_TEST_TMPDIR/form.json"'
    [ "$(jq -r '.form.fields[0].values[0]' <<<"$output")" = l ]
}

@test "command run: the admin adds a user, who then logs in" {
    run -0 --separate-stderr as_admin command run "$XMPP_DOMAIN" "$ADD_USER" \
        -f "accountjid=dave@$XMPP_DOMAIN" -f password=dave-pw -f password-verify=dave-pw
    if server_is ejabberd; then
        [ "$output" = "" ] # ejabberd completes without a note
    else
        [ "$output" = "info: Account successfully created" ]
    fi
    [ "$stderr" = "" ]
    run -0 env STANZA_PASSWORD=dave-pw stanza ping --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "dave@$XMPP_DOMAIN"
    # a second time: the server's error note (Prosody) or stanza error
    # (ejabberd: conflict) is exit 1
    run -1 --separate-stderr as_admin command run "$XMPP_DOMAIN" "$ADD_USER" \
        -f "accountjid=dave@$XMPP_DOMAIN" -f password=x -f password-verify=x
    [ "$output" = "" ]
    if server_is ejabberd; then
        [ "$stderr" = "stanza command: $XMPP_DOMAIN answered with an error: conflict (cancel)" ]
    else
        [ "$stderr" = "stanza command: $ADD_USER: Account already exists" ]
    fi
}

@test "command run: an admin command as a normal user is forbidden, exit 1" {
    run -1 --separate-stderr as_alice command run "$XMPP_DOMAIN" "$ADD_USER" \
        -f "accountjid=eve@$XMPP_DOMAIN" -f password=p -f password-verify=p
    [ "$output" = "" ]
    if server_is ejabberd; then
        [ "$stderr" = "stanza command: $XMPP_DOMAIN answered with an error: forbidden (auth): Access denied by service policy" ]
    else
        [ "$stderr" = "stanza command: $XMPP_DOMAIN answered with an error: forbidden (auth): You don't have permission to execute this command" ]
    fi
    run -1 as_alice command run --json "$XMPP_DOMAIN" "$ADD_USER"
    [ "$(jq -c '[.node, .error.condition]' <<<"$output")" = "[\"$ADD_USER\",\"forbidden\"]" ]
    run -77 env STANZA_PASSWORD=p stanza ping --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "eve@$XMPP_DOMAIN"
}

@test "command run: a note of type error is exit 1; warn notes and multi-item results" {
    run -1 --separate-stderr as_alice command run "$XMPP_DOMAIN" test:fail
    [ "$output" = "" ]
    [ "$stderr" = "stanza command: test:fail: Out of dough" ]
    run -1 as_alice command run --json "$XMPP_DOMAIN" test:fail
    [ "$(jq -c .notes <<<"$output")" = '[{"type":"error","text":"Out of dough"}]' ]
    run -0 --separate-stderr as_alice command run "$XMPP_DOMAIN" test:warn
    [ "$output" = "warn: Oven is slow today
Ovens
- oven: oven 1; temp: 250
- oven: oven 2; temp: 180" ]
    run -0 as_alice command run --json "$XMPP_DOMAIN" test:warn
    [ "$(jq -c '.form.items' <<<"$output")" = '[{"oven":["oven 1"],"temp":["250"]},{"oven":["oven 2"],"temp":["180"]}]' ]
}

@test "command run: a missing required field is 65, nothing submitted, the session canceled" {
    run -65 --separate-stderr as_admin command run --trace "$BATS_TEST_TMPDIR/trace" \
        "$XMPP_DOMAIN" "$ADD_USER" -f password=x
    [ "$output" = "" ]
    label="The Jabber ID for the account to be added"
    server_is ejabberd && label="Jabber ID"
    [ "$stderr" = "stanza command: $ADD_USER: field 'accountjid' ($label) is required — nothing was submitted; use --field VAR=VALUE, --form FILE or --interactive" ]
    run -0 sent_iqs "$BATS_TEST_TMPDIR/trace"
    [ "${#lines[@]}" -eq 2 ]
    [[ ${lines[0]} == *'action="execute"'* ]]
    [[ ${lines[1]} == *'action="cancel"'* ]]
    ! grep -q 'type="submit"' "$BATS_TEST_TMPDIR/trace"
}

@test "command run: a bad boolean, an unknown option or field is 65, nothing submitted" {
    run -65 --separate-stderr as_alice command run --trace "$BATS_TEST_TMPDIR/bool" \
        "$XMPP_DOMAIN" test:pizza -f cheese=maybe
    [ "$stderr" = "stanza command: test:pizza: field 'cheese' is a boolean: true or false (or 1 or 0), not 'maybe' — nothing was submitted; use --field VAR=VALUE, --form FILE or --interactive" ]
    ! grep -q 'type="submit"' "$BATS_TEST_TMPDIR/bool"
    run -65 --separate-stderr as_alice command run --trace "$BATS_TEST_TMPDIR/opt" \
        "$XMPP_DOMAIN" test:pizza -f size=huge
    [ "$stderr" = "stanza command: test:pizza: field 'size': 'huge' is not one of its options (s, m, l) — nothing was submitted; use --field VAR=VALUE, --form FILE or --interactive" ]
    ! grep -q 'type="submit"' "$BATS_TEST_TMPDIR/opt"
    run -65 --separate-stderr as_admin command run "$XMPP_DOMAIN" "$ADD_USER" \
        -f "accountjid=x@$XMPP_DOMAIN" -f pasword=typo
    [ "$stderr" = "stanza command: $ADD_USER: the command has no field 'pasword' (the last form's fields: accountjid, password, password-verify) — nothing was submitted; use --field VAR=VALUE, --form FILE or --interactive" ]
    run -65 --separate-stderr as_admin command run "$XMPP_DOMAIN" "$ADD_USER" -f accountjid=a@@b
    [[ $stderr == "stanza command: $ADD_USER: field 'accountjid': invalid JID 'a@@b': "* ]]
}

@test "command run: a bad value at the second stage cancels after the first" {
    run -65 --separate-stderr as_alice command run --trace "$BATS_TEST_TMPDIR/trace" \
        "$XMPP_DOMAIN" test:pizza -f address=nobody@@x
    [ "$stderr" = "stanza command: test:pizza: field 'address': invalid JID 'nobody@@x': character not allowed in the domain — stage 2 was not submitted, the command was canceled; use --field VAR=VALUE, --form FILE or --interactive" ]
    run -0 sent_iqs "$BATS_TEST_TMPDIR/trace"
    [ "${#lines[@]}" -eq 3 ]
    [[ ${lines[1]} == *'action="next"'* ]]
    [[ ${lines[2]} == *'action="cancel"'* ]]
}

@test "command run --interactive: each field asked on the terminal" {
    printf '\nyes\nham\n\n\nnobody@@x\nbob@%s\n\nline one\n\n4321\n' "$XMPP_DOMAIN" >"$BATS_TEST_TMPDIR/answers"
    run -0 script -qec "STANZA_PASSWORD=alice-pw stanza command run --server 127.0.0.1:$XMPP_PORT \
        --ca-file $XMPP_CA -j alice@$XMPP_DOMAIN -i --json $XMPP_DOMAIN test:pizza \
        >$BATS_TEST_TMPDIR/out.json" /dev/null <"$BATS_TEST_TMPDIR/answers"
    [[ $output == *"size (list-single, required): Size = m"*"  option: l (Large)"*"> "* ]]
    [[ $output == *"  field 'address': invalid JID 'nobody@@x': character not allowed in the domain"* ]]
    [[ $output == *"code (text-private): Door code"* ]]
    [ "$(jq -c '[.form.fields[] | {(.var): .values}] | add' "$BATS_TEST_TMPDIR/out.json")" = "{\"size\":[\"m\"],\"cheese\":[\"1\"],\"toppings\":[\"ham\"],\"address\":[\"bob@$XMPP_DOMAIN\"],\"friends\":[],\"notes\":[\"line one\"]}" ]
    # no terminal: usage error, before connecting
    run -64 --separate-stderr stanza command run -i "$XMPP_DOMAIN" test:pizza </dev/null
    [[ $stderr == "stanza command: --interactive needs a terminal on standard input"* ]]
    run -64 --separate-stderr stanza command run -i --form - "$XMPP_DOMAIN" test:pizza
    [[ $stderr == "stanza command: --interactive reads the terminal: no --form -"* ]]
}

@test "command: bad input is refused before connecting" {
    nowhere=(--server 127.0.0.1:1 -j "alice@$XMPP_DOMAIN")
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza command run "${nowhere[@]}" 'a@@b' uptime
    [ "$stderr" = "stanza command: invalid JID 'a@@b': character not allowed in the domain" ]
    printf '{"size": ' >"$BATS_TEST_TMPDIR/bad.json"
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza command run "${nowhere[@]}" \
        --form "$BATS_TEST_TMPDIR/bad.json" "$XMPP_DOMAIN" test:pizza
    [ "$stderr" = "stanza command: form file '$BATS_TEST_TMPDIR/bad.json': line 1, column 10: unexpected end of input — nothing was sent" ]
    run -66 --separate-stderr env STANZA_PASSWORD=x stanza command run "${nowhere[@]}" \
        --form "$BATS_TEST_TMPDIR/missing.json" "$XMPP_DOMAIN" test:pizza
    [[ $stderr == "stanza command: cannot read form file '$BATS_TEST_TMPDIR/missing.json': No such file or directory" ]]
    run -65 env STANZA_PASSWORD=x stanza command run "${nowhere[@]}" -f $'notes=a\x01' "$XMPP_DOMAIN" test:pizza
    run -64 --separate-stderr stanza command run -f noequals "$XMPP_DOMAIN" test:pizza
    [[ $stderr == "stanza command: --field expects VAR=VALUE, not 'noequals'"* ]]
    run -64 --separate-stderr stanza command
    [[ $stderr == "stanza command: expected list or run"* ]]
    run -64 --separate-stderr stanza command frob
    [[ $stderr == "stanza command: unknown verb 'frob'"* ]]
    run -64 stanza command run "$XMPP_DOMAIN"
    run -64 stanza command list a b
    run -64 --separate-stderr stanza command list -f a=b
    [[ $stderr == "stanza command: --field, --form and --interactive are for 'run'"* ]]
}

@test "command run --xml: the last answer stanza" {
    run -0 as_alice command run --xml "$XMPP_DOMAIN" "$SIMPLE"
    if server_is ejabberd; then
        # ejabberd leaves out type="info", the default (XEP-0050)
        [[ $output == '<iq '*'<command xmlns="http://jabber.org/protocol/commands" '*'status="completed"'*'<note>Pong</note>'* ]]
    else
        [[ $output == '<iq '*'<command xmlns="http://jabber.org/protocol/commands" '*'status="completed"'*'<note type="info">This server has been running for '* ]]
    fi
}
