#!/usr/bin/env bats
# stanza console: from a pipe (stanzas in, traffic out, exit codes) and on a
# terminal, driven in tmux exactly as a person would type.

load helpers

setup_file() {
    start_server
}

teardown_file() {
    stop_server
}

setup() {
    load_env
    export XDG_STATE_HOME=$BATS_TEST_TMPDIR/state
}

# console USER ARGS...: stanza console as USER, stdin from the caller
console() {
    local user=$1
    shift
    as "$user" console "$@"
}

# --- from a pipe ---------------------------------------------------------

@test "console | : each stanza sent as it completes, the answers printed, exit 0" {
    run -0 --separate-stderr console alice < <(printf '%s\n' \
        "<iq type='get' to='$XMPP_DOMAIN' id='v1'>" \
        "  <query xmlns='jabber:iq:version'/>" \
        "</iq>" \
        "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>")
    [ "$stderr" = "" ]
    [ "${#lines[@]}" -eq 4 ]
    # as sent, white space and all, on one line
    [[ ${lines[0]} == ">> <iq "*'id="v1"'*'>&#10;  <query xmlns="jabber:iq:version"/>&#10;</iq>' ]]
    [[ ${lines[1]} == ">> <iq "*'id="r1"'*'><query xmlns="jabber:iq:roster"/></iq>' ]]
    # answers in the order the server sent them
    [[ ${lines[2]} == "<< <iq "*'id="v1"'*'type="result"'*"<name>$SERVER_NAME</name>"* ]]
    [[ ${lines[3]} == "<< <iq "*'id="r1"'*'type="result"'*"jabber:iq:roster"* ]]
}

@test "console --json: records with their direction, missing ids filled in" {
    run -0 --separate-stderr console alice --json <<<"<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>"
    [ "$stderr" = "" ]
    run -0 jq -c '{dir, kind, type}' <<<"$output"
    [ "$output" = $'{"dir":"out","kind":"iq","type":"get"}\n{"dir":"in","kind":"iq","type":"result"}' ]
    out=$(console alice --json <<<"<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>")
    [ "$(jq -r .id <<<"$out" | sort -u | wc -l)" -eq 1 ]
    [[ $(jq -r .id <<<"$out" | head -n1) == con* ]]
}

@test "console | : malformed input is 65 with its line and column; nothing of it is sent; the rest is" {
    recv_start bob 2 5
    run -65 --separate-stderr console alice < <(printf '%s\n' \
        "<message to='bob@$XMPP_DOMAIN' type='chat'><body>first</body></message>" \
        "<message to='bob@$XMPP_DOMAIN' type='chat'>" \
        "  <body>broken</bod></message>" \
        "<message to='bob@$XMPP_DOMAIN' type='chat'><body>after</body></message>")
    [ "$stderr" = "stanza console: standard input line 3, column 17: mismatched tag — nothing was sent" ]
    recv_wait bob
    # the server side: bob got the first and the last, never the broken one
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/bob.out")" = $'first\nafter' ]
    [ "$(grep -c broken <<<"$output")" -eq 0 ]
}

@test "console | : a DTD or an entity is refused (65), the session goes on" {
    run -65 --separate-stderr console alice < <(printf '%s\n' \
        '<!DOCTYPE m [<!ENTITY a "aaaaaaaa">]><message>&a;</message>' \
        "<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>")
    [ "$stderr" = "stanza console: standard input line 1, column 1: DTDs and entity declarations are not allowed — nothing was sent" ]
    [[ ${lines[1]} == '<< <iq '*'id="p1"'*'type="result"'* ]]
    run -65 --separate-stderr console alice <<<"<message><body>&lol;</body></message>"
    [ "$stderr" = "stanza console: standard input line 1, column 16: undefined entity — nothing was sent" ]
    [ "$output" = "" ]
}

@test "console | : input that ends inside a stanza is 65, and not sent" {
    run -65 --separate-stderr console alice < <(printf '%s\n' "<iq type='get'>" "<ping xmlns='urn:xmpp:ping'/>")
    [ "$stderr" = "stanza console: standard input ends inside a stanza (from line 1) — it was not sent" ]
    [ "$output" = "" ]
}

@test "console | : an error answer is exit 1 with the condition; a bounce too" {
    run -1 --separate-stderr console alice --json <<<"<iq type='get' id='e1' to='$XMPP_DOMAIN'><nothing xmlns='urn:example'/></iq>"
    [ "$stderr" = "stanza console: iq 'e1' answered with an error: service-unavailable (cancel)$UNHANDLED_TEXT" ]
    run -0 jq -r 'select(.dir == "in") | .error.condition' <<<"$output"
    [ "$output" = service-unavailable ]
    run -1 --separate-stderr console alice <<<"<message id='m1' type='chat' to='nobody@$XMPP_DOMAIN'><body>x</body></message>"
    [ "$stderr" = "stanza console: message 'm1' bounced: service-unavailable (cancel)" ]
}

@test "console | : helpers expand to stanzas, and show what they send" {
    recv_start bob 1
    run -0 --separate-stderr console alice < <(printf '%s\n' \
        "/msg bob@$XMPP_DOMAIN hello from a helper & co" \
        "/version $XMPP_DOMAIN" \
        "/ping")
    recv_wait bob
    [ "$(jq -r .body "$BATS_TEST_TMPDIR/bob.out")" = "hello from a helper & co" ]
    [[ ${lines[0]} == ">> <message "*'type="chat"'*'><body>hello from a helper &amp; co</body></message>' ]]
    [[ ${lines[0]} == *" to=\"bob@$XMPP_DOMAIN\""* && ${lines[0]} == *' id="con'* ]]
    [[ ${lines[1]} == ">> <iq "*" to=\"$XMPP_DOMAIN\""*'><query xmlns="jabber:iq:version"/></iq>' ]]
    [[ $output == *"<name>$SERVER_NAME</name>"* ]]
}

@test "console | : every helper sends the stanza it promises" {
    run -1 --separate-stderr console alice --json < <(printf '%s\n' \
        "/disco items $XMPP_DOMAIN" "/disco $XMPP_DOMAIN" "/disco info $XMPP_DOMAIN node1" \
        "/roster" "/join room1@conference.$XMPP_DOMAIN/alice" "/sub carol@$XMPP_DOMAIN" \
        "/presence away gone fishing" "/presence not a show word" "/presence unavailable" \
        "/iq get $XMPP_DOMAIN jabber:iq:version" \
        "/iq set $XMPP_DOMAIN jabber:iq:private <x xmlns='ns:x'><y>1</y></x>" \
        "/ping $XMPP_DOMAIN")
    # the server has no node1
    [[ $stderr == *"answered with an error: item-not-found (cancel)"* ]]
    # /sub brings a roster push: answered, as RFC 6121 asks
    pushes=$(jq -r 'select(.dir == "in" and .kind == "iq" and .type == "set") | .id' <<<"$output")
    [ -n "$pushes" ]
    for id in $pushes; do
        [ "$(jq -r "select(.dir == \"out\" and .id == \"$id\") | .type" <<<"$output")" = result ]
    done
    out=$output
    run -0 jq -c 'select(.dir == "out" and .type != "result") | [.kind, .type, .to, .show, .status, [.payloads[]?.xml]]' <<<"$out"
    want=$(cat <<EOF
["iq","get","$XMPP_DOMAIN",null,null,["<query xmlns=\"http://jabber.org/protocol/disco#items\"/>"]]
["iq","get","$XMPP_DOMAIN",null,null,["<query xmlns=\"http://jabber.org/protocol/disco#info\"/>"]]
["iq","get","$XMPP_DOMAIN",null,null,["<query xmlns=\"http://jabber.org/protocol/disco#info\" node=\"node1\"/>"]]
["iq","get",null,null,null,["<query xmlns=\"jabber:iq:roster\"/>"]]
["presence",null,"room1@conference.$XMPP_DOMAIN/alice",null,null,["<x xmlns=\"http://jabber.org/protocol/muc\"/>"]]
["presence","subscribe","carol@$XMPP_DOMAIN",null,null,[]]
["presence",null,null,"away","gone fishing",[]]
["presence",null,null,null,"not a show word",[]]
["presence","unavailable",null,null,null,[]]
["iq","get","$XMPP_DOMAIN",null,null,["<query xmlns=\"jabber:iq:version\"/>"]]
["iq","set","$XMPP_DOMAIN",null,null,["<query xmlns=\"jabber:iq:private\"><x xmlns=\"ns:x\"><y>1</y></x></query>"]]
["iq","get","$XMPP_DOMAIN",null,null,["<ping xmlns=\"urn:xmpp:ping\"/>"]]
EOF
)
    [ "$output" = "$want" ]
}

@test "console | : /help lists the helpers on stdout" {
    run -0 --separate-stderr console alice <<<"/help"
    for h in /msg /presence /iq /ping /version /disco /roster /join /sub /filter /raw /json /save /wait /help /quit; do
        grep -qF -- "$h" <<<"$output"
    done
}

@test "console | : helper mistakes are said and cost nothing; /quit leaves at once" {
    run -0 --separate-stderr console alice < <(printf '%s\n' "/nosuch" "/msg @bad hi" "/iq get" "/quit" \
        "<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>")
    [ "$output" = "" ]
    [ "${lines[0]:-}" = "" ]
    run -0 grep -c . <<<"$stderr"
    [ "$output" -eq 3 ]
    [[ $stderr == *"stanza console: /nosuch: no such helper — /help lists them"* ]]
    [[ $stderr == *"stanza console: /msg: invalid JID: "* ]]
    [[ $stderr == *"stanza console: usage: /iq get|set JID NS [XML]"* ]]
}

@test "console | : /filter hides or keeps by kind, type, JID, namespace; /json, /raw switch the view" {
    run -0 --separate-stderr console alice < <(printf '%s\n' \
        "/filter hide iq" \
        "<iq type='get' id='hidden'><ping xmlns='urn:xmpp:ping'/></iq>" \
        "<presence id='shown'/>" \
        "/wait" \
        "/filter clear" \
        "/filter only ns=jabber:iq:version" \
        "<iq type='get' id='other'><ping xmlns='urn:xmpp:ping'/></iq>" \
        "<iq type='get' id='wanted' to='$XMPP_DOMAIN'><query xmlns='jabber:iq:version'/></iq>" \
        "/wait" \
        "/filter clear" \
        "/filter only jid=$XMPP_DOMAIN type=get" \
        "<iq type='get' id='server-get' to='$XMPP_DOMAIN'><ping xmlns='urn:xmpp:ping'/></iq>" \
        "/wait" \
        "/filter clear" \
        "/json" \
        "<iq type='get' id='as-json'><ping xmlns='urn:xmpp:ping'/></iq>" \
        "/wait" \
        "/json" \
        "/raw" \
        "<iq type='get' id='indented'><ping xmlns='urn:xmpp:ping'/></iq>" \
        "/filter bogus")
    ids=$(grep -o ' id="[^"]*"' <<<"$output" | sort -u | tr -d ' ' | tr '\n' ' ')
    [[ $ids != *hidden* && $ids != *other* ]]
    [[ $ids == *'id="shown"'* && $ids == *'id="wanted"'* && $ids == *'id="server-get"'* && $ids == *'id="indented"'* ]]
    # server-get: only the request matched (the answer has no type get)
    [ "$(grep -c 'server-get' <<<"$output")" -eq 1 ]
    [ "$(grep -c '"id":"as-json"' <<<"$output")" -eq 2 ]
    # indented: the request over three lines, each marked
    grep -qx '>>   <ping xmlns="urn:xmpp:ping"/>' <<<"$output"
    [[ $stderr == *"stanza console: usage: /filter [hide|only"* ]]
}

@test "console | : /save writes a private transcript, and never over a file" {
    t=$BATS_TEST_TMPDIR
    run -0 --separate-stderr console alice < <(printf '%s\n' "/save $t/tr" \
        "<iq type='get' id='saved'><ping xmlns='urn:xmpp:ping'/></iq>" "/wait" "/save" \
        "<iq type='get' id='not-saved'><ping xmlns='urn:xmpp:ping'/></iq>")
    [ "$(stat -c %a "$t/tr")" = 600 ]
    [ "$(grep -c 'id="saved"' "$t/tr")" -eq 2 ]
    ! grep -q not-saved "$t/tr"
    [[ $stderr == *"saving the traffic to $t/tr"* && $stderr == *"transcript saved to $t/tr"* ]]
    run -0 --separate-stderr console alice <<<"/save $t/tr"
    [[ $stderr == *"/save: cannot create '$t/tr': File exists"* ]]
}

@test "console | : the password is never shown, not even inside a stanza" {
    run -0 --separate-stderr console carol --trace "$BATS_TEST_TMPDIR/trace" < <(printf '%s\n' \
        "<iq type='set' to='$XMPP_DOMAIN'><query xmlns='jabber:iq:register'>" \
        "<username>carol</username><password>carol-pw</password></query></iq>")
    [[ $output == *"<password>[redacted]</password>"* ]]
    ! grep -q carol-pw <<<"$output$stderr"
    ! grep -q carol-pw "$BATS_TEST_TMPDIR/trace"
}

@test "console --wait: what arrives after the answers is shown too" {
    { sleep 1; as bob send "alice@$XMPP_DOMAIN" "while waiting"; } 3>&- &
    track $!
    # the console sends no presence of its own: bob's message to the bare
    # JID reaches it once it has sent one
    run -0 --separate-stderr console alice --json --wait 4 <<<"/presence"
    run -0 jq -r 'select(.kind == "message") | .body' <<<"$output"
    [ "$output" = "while waiting" ]
}

@test "console: usage, a server that is down, a wrong password" {
    run -64 --separate-stderr stanza console extra
    [[ $stderr == *"unexpected argument 'extra'"* ]]
    run -69 --separate-stderr env STANZA_PASSWORD=x stanza console --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" </dev/null
    [[ $stderr == "stanza console: cannot connect to 127.0.0.1"* ]]
    run -77 --separate-stderr env STANZA_PASSWORD=wrong-password stanza console \
        --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" -j "alice@$XMPP_DOMAIN" </dev/null
    [[ $stderr == *"authentication as 'alice@$XMPP_DOMAIN' failed"* ]]
}

@test "console: /msg to a bare JID goes to the resource that last wrote (RFC 6121 5.1)" {
    t=$BATS_TEST_TMPDIR
    # bob's phone answers every chat message
    as bob listen --resource phone --kind message --type chat --count 2 \
        --exec 'echo pong' --reply --trace "$t/bob.trace" >"$t/bob.out" 2>&1 3>&- &
    track $!
    wait_for "$t/bob.trace" '^<< <presence'
    mkfifo "$t/in"
    console alice --json <"$t/in" >"$t/out" 2>"$t/err" 3>&- &
    pid=$!
    track $pid
    exec 4>"$t/in"
    printf '%s\n' "/presence" "/msg bob@$XMPP_DOMAIN first" >&4
    wait_for "$t/out" '"body":"pong"'
    printf '%s\n' "/msg bob@$XMPP_DOMAIN second" >&4
    exec 4>&-
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 0 ]
    run -0 jq -r 'select(.dir == "out" and .kind == "message") | "\(.to) \(.body)"' "$t/out"
    [ "$output" = "bob@$XMPP_DOMAIN first"$'\n'"bob@$XMPP_DOMAIN/phone second" ]
}

# --- on a terminal -------------------------------------------------------

# console_tty USER ARGS...: stanza console as USER in tmux, ready for input
console_tty() {
    local user=$1
    shift
    tmux_start env "STANZA_PASSWORD=$user-pw" "XDG_STATE_HOME=$XDG_STATE_HOME" \
        stanza console --server "${SERVER:-127.0.0.1:$XMPP_PORT}" --ca-file "$XMPP_CA" \
        -j "$user@$XMPP_DOMAIN" "$@"
    tmux_wait '^stanza> ?$'
}

@test "console on a terminal: /version shows the request and the reply, indented" {
    console_tty alice
    tmux_type "/version $XMPP_DOMAIN"
    tmux_keys Enter
    tmux_wait "<< +<name>$SERVER_NAME</name>"
    run -0 tmux_screen
    [[ $output == *"stanza> /version $XMPP_DOMAIN"* ]]
    grep -Eq "^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} >> <iq [^>]*to=\"$XMPP_DOMAIN\"" <<<"$output"
    [[ $output == *'>>   <query xmlns="jabber:iq:version"/>'* ]]
    [[ $output == *'<<   <query xmlns="jabber:iq:version">'* ]]
    # the login is shown, its secrets are not
    run -0 _tmux capture-pane -p -S -
    [[ $output =~ \>\>\ \<auth\ [^\>]*\>\[redacted\]\</auth\> ]]
    [[ $output != *alice-pw* ]]
    tmux_type "/quit"
    tmux_keys Enter
    tmux_done
    [ "$(cat "$BATS_TEST_TMPDIR/tmux.rc")" = 0 ]
}

@test "console on a terminal: a stanza over several lines, on a continuation prompt" {
    console_tty alice
    tmux_type "<iq type='get' id='multi'>"
    tmux_keys Enter
    tmux_wait '^   \.\.\.> ?$'
    tmux_type "  <ping xmlns='urn:xmpp:ping'/>"
    tmux_keys Enter
    tmux_type "</iq>"
    tmux_keys Enter
    tmux_wait '<< <iq [^>]*id="multi"'
    tmux_wait '^stanza> ?$'
}

@test "console on a terminal: malformed input is shown with line and column, not sent; the session goes on" {
    console_tty alice
    tmux_type "<message to='bob@$XMPP_DOMAIN'><body>x</bdy></message>"
    tmux_keys Enter
    tmux_wait 'line 1, column [0-9]+: mismatched tag — nothing was sent'
    run -0 tmux_screen
    [[ $output != *'>> <message'* ]]
    tmux_type "/ping"
    tmux_keys Enter
    tmux_wait '<< <iq [^>]*id="con'
}

@test "console on a terminal: traffic never garbles the line being typed" {
    console_tty alice
    me=$(_tmux capture-pane -p -S - | sed -n 's|.*<jid>\(.*\)</jid>.*|\1|p')
    [[ $me == "alice@$XMPP_DOMAIN/"* ]]
    tmux_type "<message to='half typed"
    # to the full JID: the console has sent no presence
    as bob send "$me" "interrupting"
    tmux_wait '<<   <body>interrupting</body>'
    run -0 tmux_screen
    last=$(printf '%s\n' "$output" | grep -v '^$' | tail -n 1)
    [ "$last" = "stanza> <message to='half typed" ]
    # and the line is still being edited: finish it
    tmux_type "'/>"
    tmux_keys Enter
    tmux_wait ">> <message [^>]*to=\"half typed\""
}

@test "console on a terminal: Tab completes helpers and JIDs seen; Ctrl-C drops the input; Ctrl-D leaves" {
    console_tty alice
    tmux_type "/vers"
    tmux_keys Tab
    tmux_wait '^stanza> /version ?$'
    tmux_type "$XMPP_DOMAIN"
    tmux_keys Enter
    tmux_wait '<< +</iq>'
    tmux_type "/ping loc"
    tmux_keys Tab
    tmux_wait "^stanza> /ping $XMPP_DOMAIN ?\$"
    tmux_keys C-c
    tmux_wait '\^C'
    tmux_wait '^stanza> ?$'
    tmux_keys C-d
    tmux_done
    [ "$(cat "$BATS_TEST_TMPDIR/tmux.rc")" = 0 ]
}

@test "console on a terminal: history across two runs, private, secrets masked" {
    console_tty alice
    tmux_type "/ping"
    tmux_keys Enter
    tmux_type "<iq type='set'><query xmlns='jabber:iq:register'>"
    tmux_keys Enter
    tmux_type "<username>alice</username><password>alice-pw</password>"
    tmux_keys Enter
    tmux_type "</query></iq>"
    tmux_keys Enter
    tmux_wait '>> +<password>\[redacted\]</password>'
    tmux_wait '^stanza> ?$'
    # only the line typed shows it: not the traffic
    run -0 tmux_screen
    [[ $output == *"   ...> <username>alice</username><password>alice-pw</password>"* ]]
    ! grep -v '^   \.\.\.> ' <<<"$output" | grep -q alice-pw
    grep -q '>> .*<password>\[redacted\]</password>' <<<"$output"
    tmux_type "/quit"
    tmux_keys Enter
    tmux_done
    hist=$XDG_STATE_HOME/stanza/history
    [ "$(stat -c %a "$hist")" = 600 ]
    [ "$(stat -c %a "$XDG_STATE_HOME/stanza")" = 700 ]
    ! grep -q alice-pw "$hist"
    grep -q 'redacted' "$hist"
    tmux_kill
    console_tty alice
    # Ctrl-R searches it: the stanza comes back as one line, masked
    tmux_keys C-r
    tmux_type "regis"
    tmux_wait "^stanza> <iq type='set'><query xmlns='jabber:iq:register'> <username>alice</username><password>\\[redacted\\]</password>"
    # and Up goes on from there to what came before it
    tmux_keys C-a C-k Up
    tmux_wait '^stanza> /ping$'
}

@test "console on a terminal: a lost connection comes back, and the presence sent before is sent again" {
    proxy_start
    SERVER=127.0.0.1:$proxy_port console_tty alice
    tmux_type "/presence away back soon"
    tmux_keys Enter
    tmux_wait '<<   <show>away</show>' # the server's echo
    echo cut >"$BATS_TEST_TMPDIR/ctl"
    tmux_wait 'stanza console: warning: connection to 127.0.0.1 lost.*; reconnecting in [0-9.]+ s'
    echo pass >"$BATS_TEST_TMPDIR/ctl"
    tmux_wait 'stanza console: warning: reconnected after [0-9.]+ s'
    tmux_wait '^stanza> ?$'
    run -0 _tmux capture-pane -p -S -
    [ "$(grep -c '^             >>   <show>away</show>' <<<"$output")" -eq 2 ]
    tmux_type "/ping"
    tmux_keys Enter
    tmux_wait '<< <iq [^>]*id="con[^"]*-2"'
}

@test "console --no-reconnect on a terminal: a lost connection is exit 75" {
    proxy_start
    SERVER=127.0.0.1:$proxy_port console_tty alice --no-reconnect
    echo cut >"$BATS_TEST_TMPDIR/ctl"
    tmux_done
    [ "$(cat "$BATS_TEST_TMPDIR/tmux.rc")" = 75 ]
    tmux_wait 'stanza console: connection to 127.0.0.1 lost'
}
