#!/usr/bin/env bats
# stanza muc: multi-user chat (XEP-0045) through the real server's MUC
# service (conference.localhost, with muc_mam; on ejabberd mod_muc with
# MAM, configured like Prosody's: tests/server/ejabberd-start). Where the
# servers differ (tests/server/README.md), each server's behaviour is
# asserted. The other occupants and the invitee are independent slixmpp
# clients (tests/server/occupant.py), or a second stanza as another user.

load helpers

setup_file() {
    start_server
    "$SERVER_DIR/blackhole" "$BATS_FILE_TMPDIR/srv" >&3 2>&1
}

teardown_file() {
    "$SERVER_DIR/blackhole-stop" "$BATS_FILE_TMPDIR/srv" || true
    stop_server
}

setup() {
    load_env
    C=conference.$XMPP_DOMAIN
}

# room NAME: a fresh room JID for this test
room() {
    echo "$1-$BATS_TEST_NUMBER@$C"
}

# mkroom ROOM [ARGS...]: alice creates ROOM (persistent), with ARGS
mkroom() {
    local r=$1
    shift
    as alice muc create "$r" "$@" >/dev/null
}

# occ_start NAME USER ROOM ARGS...: the slixmpp occupant (occupant.py) as
# USER in ROOM in the background, JSON lines in $T/NAME.out, stderr in
# $T/NAME.err; returns once it has joined (READY). --nick defaults to USER.
occ_start() {
    local name=$1 user=$2 r=$3 t=$BATS_TEST_TMPDIR
    shift 3
    PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 "$SERVER_DIR/occupant.py" \
        --jid "$user@$XMPP_DOMAIN" --password "$user-pw" --port "$XMPP_PORT" \
        --ca "$XMPP_CA" --room "$r" --nick "$user" --count 1000 --timeout 30 "$@" \
        >"$t/$name.out" 2>"$t/$name.err" 3>&- &
    echo $! >"$t/$name.pid"
    track $!
    for _ in $(seq 1 200); do
        grep -q READY "$t/$name.err" 2>/dev/null && return 0
        kill -0 "$(cat "$t/$name.pid")" 2>/dev/null || break
        sleep 0.05
    done
    echo "occupant $name did not join:" >&2
    cat "$t/$name.err" >&2
    return 1
}

# occ_wait NAME STATUS: waits for the occupant to exit with STATUS
occ_wait() {
    local st=0
    wait "$(cat "$BATS_TEST_TMPDIR/$1.pid")" || st=$?
    [ "$st" -eq "$2" ] || { echo "occupant $1 exited $st, not $2:" >&2; cat "$BATS_TEST_TMPDIR/$1.err" >&2; return 1; }
}

# tail_start NAME USER ARGS...: `stanza muc tail ARGS` in the background,
# stdout in $T/NAME.out, stderr in $T/NAME.err; returns once the tailer's
# own presence is in the room (an occupant's presence record, or READY).
tail_start() {
    local name=$1 user=$2 t=$BATS_TEST_TMPDIR
    shift 2
    STANZA_PASSWORD=$user-pw stanza muc tail --server "${SERVER:-127.0.0.1:$XMPP_PORT}" \
        --ca-file "$XMPP_CA" -j "$user@$XMPP_DOMAIN" --trace "$t/$name.trace" "$@" \
        >"$t/$name.out" 2>"$t/$name.err" 3>&- &
    echo $! >"$t/$name.pid"
    track $!
    wait_for "$t/$name.trace" 'status code=.110'
}

# tail_wait NAME STATUS: waits for the tailer to exit with STATUS
tail_wait() {
    local st=0
    wait "$(cat "$BATS_TEST_TMPDIR/$1.pid")" || st=$?
    [ "$st" -eq "$2" ] || { echo "tail $1 exited $st, not $2:" >&2; cat "$BATS_TEST_TMPDIR/$1.err" >&2; return 1; }
}

# --- usage and bad input: nothing is sent ----------------------------------

@test "muc: no verb or an unknown one is a usage error" {
    run -64 --separate-stderr stanza muc
    [[ $stderr == *"expected a verb"* ]]
    run -64 --separate-stderr stanza muc frob "r@$C"
    [[ $stderr == *"unknown verb 'frob'"* ]]
    run -64 --separate-stderr stanza muc say
    [[ $stderr == *"say: expected a <room>"* ]]
    run -64 --separate-stderr stanza muc kick "r@$C"
    [[ $stderr == *"kick: wrong number of arguments"* ]]
    run -64 --separate-stderr stanza muc role "r@$C" bob king
    [[ $stderr == *"role: unknown role 'king'"* ]]
    run -64 --separate-stderr stanza muc occupants "r@$C" --reason x
    [[ $stderr == *"occupants: --reason does not apply"* ]]
    run -64 --separate-stderr stanza muc tail "r@$C" --since yesterday
    [[ $stderr == *"--since: 'yesterday' is neither"* ]]
}

@test "muc: a bad room JID is exit 65 and nothing is sent (no connection tried)" {
    port=$(cat "$XMPP_DIR/blackhole.port")
    run -65 --separate-stderr as alice muc say 'no room@@x' hi
    [ "$stderr" = "stanza muc: invalid room JID 'no room@@x': space or control character — nothing was sent" ]
    run -65 --separate-stderr as alice muc say "$C" hi
    [[ $stderr == "stanza muc: invalid room JID '$C': a room is ROOM@SERVICE"* ]]
    run -65 --separate-stderr as alice muc occupants "r@$C/nick"
    [[ $stderr == *"without a resource (--nick sets the nick) — nothing was sent" ]]
    run -65 --separate-stderr as alice send --muc "r@$C/x" hi
    # the blackhole would time out (75): 65 proves no connection was tried
    run -65 --separate-stderr as alice muc say --server "127.0.0.1:$port" -t 2 'bad@@x' hi
    run -65 --separate-stderr as alice muc say --nick $'a\tb' "r@$C" hi
    [[ $stderr == "stanza muc: invalid nick "* ]]
    run -65 --separate-stderr as alice muc ban "r@$C" "bob@$XMPP_DOMAIN/res"
    [[ $stderr == *"affiliations are for bare JIDs"* ]]
}

@test "muc say, pm, send --muc: an empty message is exit 65, nothing sent (no connection tried)" {
    port=$(cat "$XMPP_DIR/blackhole.port")
    # the blackhole would time out (75): 65 proves no connection was tried
    run -65 --separate-stderr as alice muc say --server "127.0.0.1:$port" -t 2 "r@$C" ''
    [ "$stderr" = "stanza muc: nothing to send: the message is empty" ]
    run -65 --separate-stderr as alice muc say --server "127.0.0.1:$port" -t 2 "r@$C" </dev/null
    [ "$stderr" = "stanza muc: nothing to send: the message is empty" ]
    run -65 --separate-stderr as alice muc say --server "127.0.0.1:$port" -t 2 "r@$C" < <(printf '\n\n')
    [ "$stderr" = "stanza muc: nothing to send: the message is empty" ]
    run -65 --separate-stderr as alice muc pm --server "127.0.0.1:$port" -t 2 "r@$C" bob ''
    [ "$stderr" = "stanza muc: nothing to send: the message is empty" ]
    run -65 --separate-stderr as alice send --server "127.0.0.1:$port" -t 2 --muc "r@$C" </dev/null
    [ "$stderr" = "stanza send: nothing to send: the message is empty" ]
    # a chat state or a receipt is not for a room: a usage error
    run -64 --separate-stderr as alice send --server "127.0.0.1:$port" -t 2 --muc "r@$C" --chat-state composing ''
    [[ $stderr == *"--muc: no --thread, --dry-run, --bounce-wait, --chat-state or --receipt"* ]]
    run -64 --separate-stderr as alice send --server "127.0.0.1:$port" -t 2 --muc "r@$C" --receipt hi
    [[ $stderr == *"--chat-state or --receipt"* ]]
}

@test "muc: --help and the man page" {
    run -0 stanza muc --help
    [[ ${lines[0]} == "usage: stanza muc say "* ]]
    [[ $output == *"stanza muc list-rooms"* ]]
    run -0 man -P cat stanza-muc
    [[ $output == *"EXIT STATUS"* ]]
}

# --- rooms themselves --------------------------------------------------------

@test "muc create: a new room is persistent; again is exit 1 unless --exists-ok" {
    r=$(room made)
    run -0 --separate-stderr as alice muc create "$r" --json
    [ "$(jq -c . <<<"$output")" = "{\"room\":\"$r\",\"created\":true}" ]
    run -1 --separate-stderr as alice muc create "$r"
    [ "$stderr" = "stanza muc: room $r exists already — --exists-ok accepts that" ]
    [ "$output" = "" ]
    run -0 --separate-stderr as bob muc create --exists-ok --json "$r"
    [ "$(jq -r .created <<<"$output")" = false ]
    # it outlived its creator's leaving
    run -0 --separate-stderr as alice muc config --json "$r"
    [ "$(jq -r '.form.fields[] | select(.var == "muc#roomconfig_persistentroom") | .values[0]' <<<"$output")" = 1 ]
}

@test "muc create/config/destroy: a configured room is members-only and persistent, then gone" {
    r=$(room conf)
    run -0 --separate-stderr as alice muc create "$r" --field muc#roomconfig_membersonly=1 \
        --field "muc#roomconfig_roomname=The Club"
    run -0 --separate-stderr as alice muc config --json "$r"
    [ "$(jq -r .room <<<"$output")" = "$r" ]
    [ "$(jq -r '.form.fields[] | select(.var == "muc#roomconfig_membersonly") | .values[0]' <<<"$output")" = 1 ]
    [ "$(jq -r '.form.fields[] | select(.var == "muc#roomconfig_persistentroom") | .values[0]' <<<"$output")" = 1 ]
    [ "$(jq -r '.form.fields[] | select(.var == "muc#roomconfig_roomname") | .values[0]' <<<"$output")" = "The Club" ]
    # the text form (the servers label the field differently)
    run -0 --separate-stderr as alice muc config "$r"
    if server_is ejabberd; then
        [[ $output == *"muc#roomconfig_membersonly (boolean): Make room members-only = 1"* ]]
    else
        [[ $output == *"muc#roomconfig_membersonly (boolean): Only allow members to join = 1"* ]]
    fi
    # changed later, through --form
    echo '{"muc#roomconfig_membersonly": false}' >"$BATS_TEST_TMPDIR/f.json"
    run -0 --separate-stderr as alice muc config "$r" --form "$BATS_TEST_TMPDIR/f.json"
    run -0 --separate-stderr as alice muc config --json "$r"
    off='[]' # Prosody's false is no value; ejabberd's is 0
    server_is ejabberd && off='["0"]'
    [ "$(jq -c '.form.fields[] | select(.var == "muc#roomconfig_membersonly") | .values' <<<"$output")" = "$off" ]
    run -0 --separate-stderr as alice muc destroy "$r" --reason "done" --json
    [ "$(jq -c . <<<"$output")" = "{\"room\":\"$r\",\"destroyed\":true}" ]
    # Prosody 0.12 remembers a destroyed room for a while: gone; ejabberd
    # does not: no room
    run -1 --separate-stderr as alice muc config "$r"
    if server_is ejabberd; then
        [ "$stderr" = "stanza muc: $r answered with an error: item-not-found (cancel): Conference room does not exist" ]
    else
        [[ $stderr == "stanza muc: $r answered with an error: gone (cancel)"* ]]
    fi
}

@test "muc config: a bad value or an unknown field is exit 65, nothing submitted; others may not" {
    r=$(room badconf)
    mkroom "$r"
    run -65 --separate-stderr as alice muc config "$r" --field muc#roomconfig_membersonly=maybe
    [[ $stderr == "stanza muc: $r: "*"muc#roomconfig_membersonly"*" — nothing was submitted" ]]
    run -65 --separate-stderr as alice muc config "$r" --field no-such-field=1
    [[ $stderr == *"the form has no field 'no-such-field'"* ]]
    run -0 --separate-stderr as alice muc config --json "$r"
    [ "$(jq -r '.form.fields[] | select(.var == "muc#roomconfig_membersonly") | .values[0] // "unset"' <<<"$output")" != 1 ]
    run -1 --separate-stderr as bob muc config "$r"
    [[ $stderr == "stanza muc: $r answered with an error: forbidden (auth)"* ]]
    run -1 --separate-stderr as bob muc destroy "$r"
    [[ $stderr == "stanza muc: $r answered with an error: forbidden (auth)"* ]]
    run -1 --separate-stderr as bob muc config --json "$r" --field muc#roomconfig_membersonly=1
    [ "$(jq -r .error.condition <<<"$output")" = forbidden ]
}

@test "muc create: a bad field removes the new room again" {
    r=$(room gone)
    run -65 --separate-stderr as alice muc create "$r" --field muc#roomconfig_whois=everybody
    [[ $stderr == *"nothing was submitted; the new room is removed again" ]]
    run -1 --separate-stderr as alice muc config "$r"
    [[ $stderr == *"item-not-found"* ]]
}

@test "muc destroy: occupants see the reason and the alternate room" {
    r=$(room doomed)
    mkroom "$r"
    occ_start b bob "$r"
    run -0 --separate-stderr as alice muc destroy "$r" --reason "moving" --alternate "new@$C"
    occ_wait b 3
    # ejabberd's removal has no status 110 (the occupant knows its nick)
    codes='[110]'
    server_is ejabberd && codes='[]'
    run -0 jq -sc '.[-1] | [.type, .codes, .destroy]' "$BATS_TEST_TMPDIR/b.out"
    [ "$output" = "[\"unavailable\",$codes,{\"jid\":\"new@$C\",\"reason\":\"moving\"}]" ]
}

@test "muc list-rooms: public rooms of the service with occupant counts" {
    r=$(room public)
    mkroom "$r" --field muc#roomconfig_publicroom=1 --field "muc#roomconfig_roomname=Public one"
    occ_start b bob "$r"
    run -0 --separate-stderr as alice muc list-rooms --json
    [ "$(jq -r .service <<<"$output")" = "$C" ]
    [ "$(jq -c ".rooms[] | select(.jid == \"$r\")" <<<"$output")" = \
        "{\"jid\":\"$r\",\"name\":\"Public one\",\"occupants\":1}" ]
    run -0 --separate-stderr as alice muc list-rooms "$C"
    [[ $output == *"$r (Public one) 1 occupants"* ]]
    run -1 --separate-stderr as alice muc list-rooms "nope.$XMPP_DOMAIN"
    [[ $stderr == "stanza muc: nope.$XMPP_DOMAIN answered with an error: "* ]]
}

# --- joining: each way a room can refuse -------------------------------------

@test "muc join: a nick in use is exit 1, conflict" {
    r=$(room busy)
    mkroom "$r"
    occ_start b bob "$r"
    run -1 --separate-stderr as carol muc say --nick bob "$r" hello
    if server_is ejabberd; then
        text="That nickname is already in use by another occupant"
        [ "$stderr" = "stanza muc: cannot join $r as 'bob': conflict (cancel): $text — the nick is in use: choose another with --nick" ]
        run -1 --separate-stderr as carol muc occupants --nick bob --json "$r"
        [ "$(jq -c . <<<"$output")" = "{\"room\":\"$r\",\"error\":{\"type\":\"cancel\",\"condition\":\"conflict\",\"text\":\"$text\"}}" ]
    else
        [ "$stderr" = "stanza muc: cannot join $r as 'bob': conflict (cancel) — the nick is in use: choose another with --nick" ]
        run -1 --separate-stderr as carol muc occupants --nick bob --json "$r"
        [ "$(jq -c . <<<"$output")" = "{\"room\":\"$r\",\"error\":{\"type\":\"cancel\",\"condition\":\"conflict\"}}" ]
    fi
}

@test "muc join: a password-protected room: none, wrong, right (file, environment)" {
    r=$(room secret)
    # (on ejabberd this sets muc#roomconfig_passwordprotectedroom too)
    mkroom "$r" --field muc#roomconfig_roomsecret=s3cret
    # ejabberd says why in a text
    none='' wrong=''
    if server_is ejabberd; then
        none=": A password is required to enter this room" wrong=": Incorrect password"
    fi
    run -1 --separate-stderr as bob muc say "$r" hi
    [ "$stderr" = "stanza muc: cannot join $r as 'bob': not-authorized (auth)$none — the room needs a password: --room-password-file" ]
    echo wrong >"$BATS_TEST_TMPDIR/pw"
    run -1 --separate-stderr as bob muc say --room-password-file "$BATS_TEST_TMPDIR/pw" "$r" hi
    [ "$stderr" = "stanza muc: cannot join $r as 'bob': not-authorized (auth)$wrong — wrong room password" ]
    echo s3cret >"$BATS_TEST_TMPDIR/pw"
    run -0 --separate-stderr as bob muc say --room-password-file "$BATS_TEST_TMPDIR/pw" "$r" hi
    STANZA_ROOM_PASSWORD=s3cret run -0 --separate-stderr as bob muc say "$r" hi again
    run -66 --separate-stderr as bob muc say --room-password-file "$BATS_TEST_TMPDIR/none" "$r" hi
}

@test "muc join: members-only refuses a non-member until made a member" {
    r=$(room members)
    mkroom "$r" --field muc#roomconfig_membersonly=1
    run -1 --separate-stderr as bob muc say "$r" hi
    text=
    server_is ejabberd && text=": Membership is required to enter this room"
    [ "$stderr" = "stanza muc: cannot join $r as 'bob': registration-required (auth)$text — the room is members-only and the account is not a member" ]
    run -0 --separate-stderr as alice muc affiliation "$r" "bob@$XMPP_DOMAIN" member --json
    [ "$(jq -c . <<<"$output")" = "{\"room\":\"$r\",\"jid\":\"bob@$XMPP_DOMAIN\",\"affiliation\":\"member\"}" ]
    run -0 --separate-stderr as bob muc say "$r" hi
    run -0 --separate-stderr as alice muc list "$r" member
    [ "$output" = "bob@$XMPP_DOMAIN" ]
}

@test "muc join: a room that does not exist is exit 1 and stays nonexistent" {
    r=$(room nowhere)
    run -1 --separate-stderr as alice muc say "$r" hi
    [ "$stderr" = "stanza muc: no room $r: item-not-found (cancel) — joining created it, and leaving removed it again; 'stanza muc create' makes one" ]
    run -1 --separate-stderr as alice muc config "$r"
    [[ $stderr == *"item-not-found"* ]]
    run -1 --separate-stderr as alice muc tail "$r" --count 1
    [[ $stderr == "stanza muc: no room $r: item-not-found"* ]]
    # ejabberd would make a room for the owner's request and destroy it
    run -1 --separate-stderr as alice muc destroy "$r" --json
    [ "$(jq -r .error.condition <<<"$output")" = item-not-found ]
    run -1 --separate-stderr as alice muc config "$r" --field muc#roomconfig_persistentroom=1
    [[ $stderr == "stanza muc: $r answered with an error: item-not-found (cancel)"* ]]
    run -1 --separate-stderr as alice muc config "$r"
    [[ $stderr == *"item-not-found"* ]]
}

@test "muc join: no answer is bounded by --timeout (75)" {
    port=$(cat "$XMPP_DIR/blackhole.port")
    SECONDS=0
    run -75 --separate-stderr as alice muc say --server "127.0.0.1:$port" -t 1 "r@$C" hi
    [ "$SECONDS" -lt 5 ]
}

# --- say, send --muc: confirmed by the room's reflection --------------------

@test "muc say: confirmed by the reflection; the other occupant gets it" {
    r=$(room say)
    mkroom "$r"
    occ_start b bob "$r"
    run -0 --separate-stderr as alice muc say --json "$r" hello room
    [ "$(jq -r '.[0].confirmed' <<<"$output")" = true ]
    [ "$(jq -r '.[0].to' <<<"$output")" = "$r" ]
    id=$(jq -r '.[0].id' <<<"$output")
    wait_for "$BATS_TEST_TMPDIR/b.out" '"body":"hello room"'
    run -0 jq -r "select(.body == \"hello room\") | \"\(.type) \(.from) \(.id)\"" "$BATS_TEST_TMPDIR/b.out"
    [ "$output" = "groupchat $r/alice $id" ]
    # the confirmation is the reflection: it is in the trace, with our id
    run -0 as alice muc say --trace "$BATS_TEST_TMPDIR/a.trace" "$r" again
    grep -q "^<< <message[^>]*from=\"$r/alice\"" "$BATS_TEST_TMPDIR/a.trace"
}

@test "muc say: standard input, one message per line, each confirmed" {
    r=$(room lines)
    mkroom "$r"
    occ_start b bob "$r"
    run -0 --separate-stderr as alice muc say --json "$r" < <(printf 'one\ntwo\n\nthree\n')
    [ "$(jq -r '[.[] | select(.confirmed)] | length' <<<"$output")" = 3 ]
    wait_for "$BATS_TEST_TMPDIR/b.out" '"body":"three"'
    run -0 jq -r 'select(.type == "groupchat" and .body != null) | .body' "$BATS_TEST_TMPDIR/b.out"
    [ "$output" = $'one\ntwo\nthree' ]
}

@test "send --muc: the same through send, and checked options" {
    r=$(room send)
    mkroom "$r"
    occ_start b bob "$r"
    run -0 --separate-stderr as alice send --muc "$r" --nick boss "via send"
    wait_for "$BATS_TEST_TMPDIR/b.out" '"body":"via send"'
    [ "$(jq -r 'select(.body == "via send") | .from' "$BATS_TEST_TMPDIR/b.out")" = "$r/boss" ]
    run -64 --separate-stderr as alice send --muc "$r" --thread t hi
    run -64 --separate-stderr as alice send --nick x "bob@$XMPP_DOMAIN" hi
    [[ $stderr == *"go with --muc"* ]]
}

@test "muc say: a visitor in a moderated room is refused: exit 1, forbidden" {
    r=$(room moderated)
    if server_is ejabberd; then
        # ejabberd's newcomers are participants even in a moderated room
        # unless its members_by_default is off (Prosody's are visitors)
        mkroom "$r" --field muc#roomconfig_moderatedroom=1 --field members_by_default=0
    else
        mkroom "$r" --field muc#roomconfig_moderatedroom=1
    fi
    run -1 --separate-stderr as bob muc say "$r" may I
    [[ $stderr == "stanza muc: message to $r (id "*") refused: forbidden (auth)"* ]]
}

# --- occupants, topic, nick, pm ---------------------------------------------

@test "muc occupants: nick, role, affiliation, and the real JID for a moderator" {
    r=$(room people)
    mkroom "$r"
    occ_start b bob "$r"
    run -0 --separate-stderr as alice muc occupants --json "$r"
    [ "$(jq -r '.occupants | map(.nick) | join(",")' <<<"$output")" = alice,bob ]
    [ "$(jq -r '.occupants[1] | "\(.role) \(.affiliation)"' <<<"$output")" = "participant none" ]
    [[ $(jq -r '.occupants[1].jid' <<<"$output") == "bob@$XMPP_DOMAIN/"* ]]
    [ "$(jq -r '.occupants[0] | "\(.role) \(.affiliation)"' <<<"$output")" = "moderator owner" ]
    # bob is no moderator: he does not see real JIDs
    run -0 --separate-stderr as carol muc occupants --json "$r"
    [ "$(jq -r '[.occupants[] | select(.nick == "bob") | .jid] | length' <<<"$output")" -eq 1 ]
    [ "$(jq -r '.occupants[] | select(.nick == "bob") | .jid // "hidden"' <<<"$output")" = hidden ]
    run -0 --separate-stderr as alice muc occupants "$r"
    [[ ${lines[0]} == "alice moderator owner alice@$XMPP_DOMAIN/"* ]]
    [[ ${lines[1]} == "bob participant none bob@$XMPP_DOMAIN/"* ]]
}

@test "muc topic: set, read by another, refused to a participant" {
    r=$(room topic)
    mkroom "$r"
    run -0 --separate-stderr as alice muc topic "$r" Release day
    [ "$output" = "Release day" ]
    run -0 --separate-stderr as bob muc topic --json "$r"
    [ "$(jq -c . <<<"$output")" = "{\"room\":\"$r\",\"subject\":\"Release day\",\"by\":\"alice\"}" ]
    run -1 --separate-stderr as bob muc topic "$r" mine now
    if server_is ejabberd; then
        [ "$stderr" = "stanza muc: $r answered with an error: forbidden (auth): Only moderators are allowed to change the subject in this room" ]
    else
        [ "$stderr" = "stanza muc: $r answered with an error: forbidden (auth): You are not allowed to change the subject" ]
    fi
    # the same topic again changes nothing and still succeeds
    run -0 --separate-stderr as alice muc topic "$r" Release day
    # an empty text clears it (an empty message would be refused)
    run -0 --separate-stderr as alice muc topic "$r" ''
    run -0 --separate-stderr as bob muc topic --json "$r"
    [ "$(jq -r '.subject // ""' <<<"$output")" = "" ]
}

@test "muc nick: a new nick in the session; one in use is conflict" {
    r=$(room nick)
    mkroom "$r"
    occ_start b bob "$r"
    run -0 --separate-stderr as alice muc nick "$r" alicia
    [ "$output" = alicia ]
    wait_for "$BATS_TEST_TMPDIR/b.out" '"nick":"alicia"'
    run -1 --separate-stderr as alice muc nick "$r" bob
    text=
    server_is ejabberd && text=": That nickname is already in use by another occupant"
    [ "$stderr" = "stanza muc: cannot change the nick in $r as 'bob': conflict (cancel)$text — the nick is in use: choose another with --nick" ]
}

@test "muc pm: a private message reaches the occupant; a missing nick bounces" {
    r=$(room pm)
    mkroom "$r"
    occ_start b bob "$r"
    run -0 --separate-stderr as alice muc pm "$r" bob psst, secret
    wait_for "$BATS_TEST_TMPDIR/b.out" '"body":"psst, secret"'
    [ "$(jq -r 'select(.body == "psst, secret") | "\(.type) \(.from)"' "$BATS_TEST_TMPDIR/b.out")" = "chat $r/alice" ]
    run -1 --separate-stderr as alice muc pm "$r" nobody hello
    [[ $stderr == "stanza muc: message to $r/nobody refused: item-not-found"* ]]
}

# --- moderation: visible to the victim ---------------------------------------

@test "muc kick: the occupant is out with 307 and the reason; a non-moderator is refused" {
    r=$(room kick)
    mkroom "$r"
    occ_start b bob "$r"
    run -1 --separate-stderr as carol muc kick "$r" bob
    text=
    server_is ejabberd && text=": Changing role/affiliation is not allowed"
    [ "$stderr" = "stanza muc: $r answered with an error: not-allowed (cancel)$text" ]
    run -0 --separate-stderr as alice muc kick --json "$r" bob --reason "be nice"
    [ "$(jq -c . <<<"$output")" = "{\"room\":\"$r\",\"nick\":\"bob\",\"role\":\"none\"}" ]
    occ_wait b 3
    run -0 jq -c 'select(.type == "unavailable" and (.codes | index(110))) | [.codes, .reason, .actor]' "$BATS_TEST_TMPDIR/b.out"
    if server_is ejabberd; then # the same codes, the other way round
        [ "$output" = '[[110,307],"be nice","alice"]' ]
    else
        [ "$output" = '[[307,110],"be nice","alice"]' ]
    fi
    run -1 --separate-stderr as alice muc kick "$r" bob
    if server_is ejabberd; then
        [ "$stderr" = "stanza muc: $r answered with an error: not-acceptable (modify): Nickname bob does not exist in the room" ]
    else
        [[ $stderr == *"item-not-found"* ]]
    fi
}

@test "muc ban: the occupant is out with 301; joining again is forbidden; listed as outcast" {
    r=$(room ban)
    mkroom "$r"
    occ_start c carol "$r"
    run -0 --separate-stderr as alice muc ban "$r" "carol@$XMPP_DOMAIN" --reason spam
    occ_wait c 3
    codes='[301,110]'
    server_is ejabberd && codes='[110,301]' # the other way round
    [ "$(jq -c 'select(.type == "unavailable") | .codes' "$BATS_TEST_TMPDIR/c.out")" = "$codes" ]
    run -1 --separate-stderr as carol muc say "$r" let me in
    text=
    server_is ejabberd && text=": You have been banned from this room"
    [ "$stderr" = "stanza muc: cannot join $r as 'carol': forbidden (auth)$text — the account is banned from the room" ]
    run -0 --separate-stderr as alice muc list --json "$r" outcast
    [ "$(jq -c .items <<<"$output")" = "[{\"jid\":\"carol@$XMPP_DOMAIN\"}]" ]
    run -1 --separate-stderr as bob muc list "$r" outcast
    [[ $stderr == *"forbidden"* ]]
}

@test "muc role and affiliation: the occupant sees the change; a participant may not" {
    r=$(room roles)
    mkroom "$r"
    occ_start b bob "$r"
    run -0 --separate-stderr as alice muc role "$r" bob visitor
    wait_for "$BATS_TEST_TMPDIR/b.out" '"role":"visitor"'
    run -0 --separate-stderr as alice muc role "$r" bob moderator
    wait_for "$BATS_TEST_TMPDIR/b.out" '"role":"moderator"'
    run -0 --separate-stderr as alice muc affiliation "$r" "bob@$XMPP_DOMAIN" admin
    wait_for "$BATS_TEST_TMPDIR/b.out" '"affiliation":"admin"'
    run -0 --separate-stderr as alice muc list --json "$r" admin
    [ "$(jq -r '.items[0].jid' <<<"$output")" = "bob@$XMPP_DOMAIN" ]
    run -1 --separate-stderr as carol muc affiliation "$r" "carol@$XMPP_DOMAIN" owner
    [[ $stderr == "stanza muc: $r answered with an error: not-allowed (cancel)"* ]]
    run -1 --separate-stderr as carol muc role "$r" bob none
    [[ $stderr == *"not-allowed"* ]]
}

@test "muc invite: mediated through the room, and direct (XEP-0249)" {
    r=$(room invite)
    mkroom "$r"
    occ_start b bob "$r" --no-join
    run -0 --separate-stderr as alice muc invite --json "$r" "bob@$XMPP_DOMAIN" --reason "come in"
    [ "$(jq -r .confirmed <<<"$output")" = true ]
    wait_for "$BATS_TEST_TMPDIR/b.out" '"invite_from"'
    run -0 jq -r 'select(.invite_from != null) | "\(.from) \(.invite_reason)"' "$BATS_TEST_TMPDIR/b.out"
    [[ $output == "$r come in" ]]
    # the inviter joined first: Prosody names her by her occupant JID,
    # ejabberd by her real one
    if server_is ejabberd; then
        [[ $(jq -r 'select(.invite_from != null) | .invite_from' "$BATS_TEST_TMPDIR/b.out") == "alice@$XMPP_DOMAIN/"* ]]
    else
        [ "$(jq -r 'select(.invite_from != null) | .invite_from' "$BATS_TEST_TMPDIR/b.out")" = "$r/alice" ]
    fi
    run -0 --separate-stderr as alice muc invite --direct "$r" "bob@$XMPP_DOMAIN" --reason "direct"
    wait_for "$BATS_TEST_TMPDIR/b.out" '"conference":{'
    run -0 jq -c 'select(.conference != null and .invite_from == null) | [.from, .conference.jid, .conference.reason]' "$BATS_TEST_TMPDIR/b.out"
    [[ $output == "[\"alice@$XMPP_DOMAIN/"*"\",\"$r\",\"direct\"]" ]]
}

# --- tail and history --------------------------------------------------------

@test "muc tail: history on join, then live messages as NDJSON" {
    r=$(room tail)
    mkroom "$r"
    as alice muc say "$r" < <(printf 'm1\nm2\nm3\n')
    tail_start t bob "$r" --json --history 2 --until 20
    run -0 as alice muc say "$r" live one
    wait_for "$BATS_TEST_TMPDIR/t.out" '"body":"live one"'
    kill -INT "$(cat "$BATS_TEST_TMPDIR/t.pid")"
    tail_wait t 130
    run -0 jq -r 'select(.kind == "message" and .body != null) | "\(.body) \(.delay != null)"' "$BATS_TEST_TMPDIR/t.out"
    [ "$output" = $'m2 true\nm3 true\nlive one false' ]
    run -0 jq -r 'select(.body == "live one") | "\(.type) \(.from)"' "$BATS_TEST_TMPDIR/t.out"
    [ "$output" = "groupchat $r/alice" ]
    # it left the room on the way out
    grep -q "^>> <presence[^>]*type=\"unavailable\"" "$BATS_TEST_TMPDIR/t.trace"
}

@test "muc tail: text shows /me actions, private messages and presences" {
    r=$(room text)
    mkroom "$r"
    tail_start t bob "$r" --until 20
    run -0 as alice muc say "$r" "/me waves"
    run -0 as carol muc pm "$r" bob "just you"
    wait_for "$BATS_TEST_TMPDIR/t.out" "just you"
    kill -INT "$(cat "$BATS_TEST_TMPDIR/t.pid")"
    tail_wait t 130
    res=$(sed -n 's|.*<jid>[^/]*/\([^<]*\)</jid>.*|\1|p' "$BATS_TEST_TMPDIR/t.trace")
    run -0 head -7 "$BATS_TEST_TMPDIR/t.out"
    [ "$output" = "-> bob participant, none (bob@$XMPP_DOMAIN/$res)
-- no topic
-> alice moderator, owner
* alice waves
<- alice left
-> carol participant, none
<carol> (private) just you" ]
}

@test "muc tail: a kick ends it with exit 1, the reason on stderr" {
    r=$(room kicked)
    mkroom "$r"
    tail_start t bob "$r" --until 20
    run -0 as alice muc kick "$r" bob --reason "bye"
    tail_wait t 1
    [ "$(tail -1 "$BATS_TEST_TMPDIR/t.err")" = "stanza muc: kicked from $r by alice: bye" ]
    [ "$(tail -1 "$BATS_TEST_TMPDIR/t.out")" = "<- bob kicked by alice: bye" ]
}

@test "muc tail: the room's destruction ends it with exit 1, the reason and the new room" {
    r=$(room razed)
    mkroom "$r"
    tail_start t bob "$r" --until 20
    run -0 as alice muc destroy "$r" --reason "moving" --alternate "new@$C"
    tail_wait t 1
    [ "$(tail -1 "$BATS_TEST_TMPDIR/t.err")" = "stanza muc: the room was destroyed from $r: moving — it moved to new@$C" ]
    [ "$(tail -1 "$BATS_TEST_TMPDIR/t.out")" = "<- bob the room was destroyed: moving" ]
}

@test "muc tail: after a lost connection it rejoins and catches up from the room's archive, once" {
    r=$(room resume)
    mkroom "$r"
    proxy_start
    SERVER=127.0.0.1:$proxy_port tail_start t bob "$r" --json --until 30
    run -0 as alice muc say "$r" before
    wait_for "$BATS_TEST_TMPDIR/t.out" '"body":"before"'
    echo cut >"$BATS_TEST_TMPDIR/ctl"
    wait_for "$BATS_TEST_TMPDIR/t.err" 'reconnecting in'
    run -0 as alice muc say "$r" during the gap
    echo pass >"$BATS_TEST_TMPDIR/ctl"
    wait_for "$BATS_TEST_TMPDIR/t.err" 'caught up from the archive'
    run -0 as alice muc say "$r" after
    wait_for "$BATS_TEST_TMPDIR/t.out" '"body":"after"'
    kill -TERM "$(cat "$BATS_TEST_TMPDIR/t.pid")"
    tail_wait t 143
    run -0 jq -r 'select(.kind == "message" and .body != null) | .body' "$BATS_TEST_TMPDIR/t.out"
    [ "$output" = $'before\nduring the gap\nafter' ]
    grep -q "reconnected after .* 1 message caught up from the archive" "$BATS_TEST_TMPDIR/t.err"
}

@test "muc tail --no-reconnect: a lost connection is exit 75" {
    r=$(room noreco)
    mkroom "$r"
    cutproxy_start 2000
    run -75 --separate-stderr as bob muc tail "$r" --no-reconnect \
        --server "127.0.0.1:$proxy_port"
    [[ $stderr == "stanza muc: connection to 127.0.0.1 lost"* ]]
}

@test "muc history: the room's archive, --limit and --since" {
    r=$(room archive)
    mkroom "$r"
    as alice muc say "$r" < <(printf 'a1\na2\na3\n')
    run -0 --separate-stderr as bob muc history --json "$r"
    [ "$(jq -r .body <<<"$output" | paste -sd,)" = a1,a2,a3 ]
    [ "$(jq -r '.delay.stamp != null' <<<"$output" | sort -u)" = true ]
    run -0 --separate-stderr as bob muc history --json --limit 2 "$r"
    [ "$(jq -r .body <<<"$output" | paste -sd,)" = a2,a3 ]
    run -0 --separate-stderr as bob muc history --since 1h "$r"
    [[ ${lines[0]} == "["*"] <alice> a1" ]]
    run -0 --separate-stderr as bob muc history --since 2000-01-01T00:00:00Z --json "$r"
    [ "${#lines[@]}" -eq 3 ]
    run -0 --separate-stderr as bob muc history --since "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" "$r"
    [ "$output" = "" ]
}
