#!/usr/bin/env bats
# stanza roster: contacts, subscriptions, export and import, checked
# against the roster an independent client (slixmpp) gets from the server

load helpers

setup_file() {
    start_server
}

teardown_file() {
    stop_server
}

setup() {
    load_env
    d=$XMPP_DOMAIN
}

# the contact JID of the independent client's roster, compact
item_of() { # USER JID
    roster_of "$1" | jq -c --arg j "$2" '.[] | select(.jid == $j)'
}

@test "roster: an empty roster is the heading in text, [] in JSON" {
    run -0 --separate-stderr as admin roster
    [ "$output" = "JID  NAME  SUBSCRIPTION  GROUPS" ]
    [ "$stderr" = "" ]
    run -0 as admin roster list --json
    [ "$output" = "[]" ]
}

@test "roster add: name and groups, as the server has them" {
    run -0 --separate-stderr as_alice roster add --name 'Dave D' --group Work \
        --group 'Old friends' --group Work "dave@$d"
    [ "$output" = "" ]
    [ "$stderr" = "" ]
    run -0 item_of alice "dave@$d"
    [ "$output" = "{\"jid\":\"dave@$d\",\"name\":\"Dave D\",\"subscription\":\"none\",\"ask\":null,\"groups\":[\"Old friends\",\"Work\"]}" ]
}

@test "roster add --json: the contact as the server now has it" {
    run -0 as_alice roster add --json --name Erin "erin@$d"
    [ "$output" = "{\"action\":\"add\",\"in_roster\":true,\"jid\":\"erin@$d\",\"name\":\"Erin\",\"subscription\":\"none\",\"groups\":[]}" ]
}

@test "roster add on a contact: what is not given stays; --name '' removes the name" {
    as_alice roster add --name Fay --group A "fay@$d"
    as_alice roster add --group B "fay@$d"
    run -0 item_of alice "fay@$d"
    [ "$(jq -c '[.name, .groups]' <<<"$output")" = '["Fay",["B"]]' ]
    as_alice roster add --name '' "fay@$d"
    run -0 item_of alice "fay@$d"
    [ "$(jq -c '[.name, .groups]' <<<"$output")" = '[null,["B"]]' ]
}

@test "roster rename and group: the other attribute is kept" {
    as_alice roster add --name Gus --group A --group B "gus@$d"
    run -0 as_alice roster rename "gus@$d" 'Gus G'
    [ "$output" = "" ]
    run -0 item_of alice "gus@$d"
    [ "$(jq -c '[.name, .groups]' <<<"$output")" = '["Gus G",["A","B"]]' ]
    run -0 as_alice roster group --json "gus@$d" C 'D e'
    [ "$(jq -c '[.action, .name, .groups]' <<<"$output")" = '["group","Gus G",["C","D e"]]' ]
    run -0 item_of alice "gus@$d"
    [ "$(jq -c '[.name, .groups]' <<<"$output")" = '["Gus G",["C","D e"]]' ]
    run -0 as_alice roster group "gus@$d"
    run -0 item_of alice "gus@$d"
    [ "$(jq -c '[.name, .groups]' <<<"$output")" = '["Gus G",[]]' ]
}

@test "roster remove: gone from the server's roster" {
    as_alice roster add "hal@$d"
    run -0 as_alice roster remove --json "hal@$d"
    [ "$output" = "{\"action\":\"remove\",\"in_roster\":false,\"jid\":\"hal@$d\"}" ]
    run -0 item_of alice "hal@$d"
    [ "$output" = "" ]
}

@test "roster remove: an unknown contact is exit 1, item-not-found from the server" {
    run -1 --separate-stderr as_alice roster remove "nobody@$d"
    [ "$output" = "" ]
    if server_is ejabberd; then
        # ejabberd accepts the removal (RFC 6121 §2.5.3 asks for
        # item-not-found); stanza saw it was not in the roster
        [ "$stderr" = "stanza roster remove: cannot remove 'nobody@$d': item-not-found — it is not in the roster (the server accepted the removal all the same)" ]
    else
        [ "$stderr" = "stanza roster remove: cannot remove 'nobody@$d': the server answered item-not-found (modify) — it is not in the roster" ]
    fi
    run -1 --separate-stderr as_alice roster remove --json "nobody@$d"
    if server_is ejabberd; then
        [ "$output" = "{\"action\":\"remove\",\"jid\":\"nobody@$d\",\"error\":{\"type\":\"cancel\",\"condition\":\"item-not-found\"}}" ]
    else
        [ "$output" = "{\"action\":\"remove\",\"jid\":\"nobody@$d\",\"error\":{\"type\":\"modify\",\"condition\":\"item-not-found\"}}" ]
    fi
    run -0 item_of alice "nobody@$d"
    [ "$output" = "" ]
}

@test "roster rename, group: an unknown contact is exit 1, item-not-found, nothing added" {
    run -1 --separate-stderr as_alice roster rename "nobody@$d" Nobody
    [ "$stderr" = "stanza roster rename: cannot rename 'nobody@$d': item-not-found — it is not in the roster (add it with 'stanza roster add')" ]
    run -1 as_alice roster group --json "nobody@$d" G
    [ "$(jq -c .error <<<"$output")" = '{"type":"cancel","condition":"item-not-found"}' ]
    run -0 item_of alice "nobody@$d"
    [ "$output" = "" ]
}

@test "roster add: an invalid JID is 65 and nothing is sent (no connection at all)" {
    run -65 --separate-stderr as_alice roster add --trace "$BATS_TEST_TMPDIR/t" 'a@@b'
    [ "$stderr" = "stanza roster add: invalid JID 'a@@b': character not allowed in the domain — nothing was sent" ]
    [ ! -e "$BATS_TEST_TMPDIR/t" ]
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza roster add --server 127.0.0.1:1 \
        -j "alice@$d" "bob@$d/phone"
    [ "$stderr" = "stanza roster add: 'bob@$d/phone' has a resource: contacts are bare JIDs (user@domain) — nothing was sent" ]
    run -65 env STANZA_PASSWORD=x stanza roster group --server 127.0.0.1:1 \
        -j "alice@$d" "bob@$d" $'bad\x01group'
    run -65 env STANZA_PASSWORD=x stanza roster subscribe --server 127.0.0.1:1 \
        -j "alice@$d" "b b@$d"
}

@test "roster: usage errors are 64" {
    run -64 --separate-stderr stanza roster add
    [[ $stderr == "stanza roster add: expected a <jid>"* ]]
    run -64 --separate-stderr stanza roster frobnicate
    [[ $stderr == "stanza roster: unknown subcommand 'frobnicate'"* ]]
    run -64 --separate-stderr stanza roster --presence add "x@$d"
    [[ $stderr == "stanza roster add: 'add' does not take --presence"* ]]
    run -64 stanza roster add --presence "x@$d"
    run -64 stanza roster rename "x@$d"
    run -64 stanza roster remove "x@$d" "y@$d"
    run -64 --separate-stderr stanza roster add --xml "x@$d"
    [[ $stderr == "stanza roster add: --xml is for 'roster list' only"* ]]
    run -64 stanza roster import
}

@test "roster: --help of the command and of a subcommand" {
    run -0 stanza roster --help
    [ "${lines[0]}" = "usage: stanza roster [list] [options]" ]
    [[ $output == *"   or: stanza roster import [options] <file>"* ]]
    run -0 stanza roster add --help
    [ "${lines[0]}" = "usage: stanza roster add [options] <jid>" ]
    [[ $output == *"--group <group>"* ]]
    [[ $output != *"--presence"* ]]
}

@test "roster list: an aligned table, a JSON array, and the server's answer in XML" {
    as carol roster add --name 'Ivy' --group Z "ivy@$d"
    as carol roster add "jo@$d"
    run -0 as carol roster
    [ "${lines[0]}" = "JID            NAME  SUBSCRIPTION  GROUPS" ]
    [ "${lines[1]}" = "ivy@$d  Ivy   none          Z" ]
    [ "${lines[2]}" = "jo@$d   -     none          -" ]
    run -0 as carol roster list --json
    [ "$output" = "[{\"jid\":\"ivy@$d\",\"name\":\"Ivy\",\"subscription\":\"none\",\"groups\":[\"Z\"]},{\"jid\":\"jo@$d\",\"subscription\":\"none\",\"groups\":[]}]" ]
    run -0 as carol roster list --xml
    [[ $output == '<iq '*'type="result"'*'<query xmlns="jabber:iq:roster"'*"jid=\"ivy@$d\""* ]]
    as carol roster remove "ivy@$d"
    as carol roster remove "jo@$d"
}

@test "roster: the subscription dance between alice and bob ends in both" {
    run -0 as_alice roster subscribe --json --name Bob --message "hi, it's alice" "bob@$d"
    [ "$(jq -c '[.action, .subscription, .ask, .name]' <<<"$output")" = '["subscribe","none","subscribe","Bob"]' ]
    # bob finds the request waiting when he logs in
    run -0 as bob roster pending
    [ "${lines[0]}" = "JID              MESSAGE" ]
    [ "${lines[1]}" = "alice@$d  hi, it's alice" ]
    run -0 as bob roster approve "alice@$d"
    run -0 item_of alice "bob@$d"
    [ "$(jq -c '[.subscription, .ask]' <<<"$output")" = '["to",null]' ]
    run -0 as bob roster pending --json
    [ "$output" = "[]" ]
    run -0 as bob roster subscribe "alice@$d"
    run -0 as_alice roster pending --json
    [ "$output" = "[{\"jid\":\"bob@$d\"}]" ]
    run -0 as_alice roster approve --json "bob@$d"
    [ "$(jq -c '[.action, .subscription]' <<<"$output")" = '["approve","both"]' ]
    run -0 item_of alice "bob@$d"
    [ "$(jq -c '[.subscription, .ask, .name]' <<<"$output")" = '["both",null,"Bob"]' ]
    run -0 item_of bob "alice@$d"
    [ "$(jq -c '[.subscription, .ask]' <<<"$output")" = '["both",null]' ]
}

@test "roster list --presence: an online contact's resources, show and status" {
    STANZA_PASSWORD=bob-pw stanza listen --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" \
        -j "bob@$d/desk" --presence-show away --status 'at lunch' --priority 5 \
        --until 20 >/dev/null 2>&1 3>&- &
    track $!
    for _ in $(seq 1 100); do
        as_alice roster list --presence --json | jq -e '.[] | select(.online)' >/dev/null && break
        sleep 0.1
    done
    run -0 as_alice roster list --presence --json
    [ "$(jq -c ".[] | select(.jid == \"bob@$d\") | {online, resources}" <<<"$output")" = \
        "{\"online\":true,\"resources\":[{\"jid\":\"bob@$d/desk\",\"resource\":\"desk\",\"show\":\"away\",\"status\":\"at lunch\",\"priority\":5}]}" ]
    # dave's presence does not come to alice: unknown, not offline
    [ "$(jq -c ".[] | select(.jid == \"dave@$d\") | [has(\"online\"), has(\"resources\")]" <<<"$output")" = '[false,false]' ]
    run -0 as_alice roster list --presence
    [[ $output == *"bob@$d "*"both "*'desk away "at lunch"'* ]]
}

@test "roster list --presence: offline contacts answer at once, no waiting" {
    start=$(date +%s%N)
    if server_is ejabberd; then
        # ejabberd does not answer a probe for a contact with no resource
        # online: stanza waits for it until --wait ends
        run -0 as bob roster list --presence --json --wait 1
    else
        run -0 as bob roster list --presence --json --wait 5
    fi
    [ "$(jq -c '.[0] | [.jid, .online]' <<<"$output")" = "[\"alice@$d\",false]" ]
    if server_is ejabberd; then
        [ $(( ($(date +%s%N) - start) / 1000000 )) -ge 1000 ]
    else
        [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 3000 ]
    fi
}

@test "roster list --presence, pending: offline messages stay in storage" {
    run -0 as bob send "carol@$d" 'while you were out'
    run -0 as carol roster list --presence
    run -0 as carol roster pending
    recv_start carol 1
    recv_wait carol
    [ "$(jq -c '[.body, (.delay != null)]' <<<"$(recv_out carol)")" = '["while you were out",true]' ]
}

@test "roster deny: a request refused, nothing subscribed" {
    run -0 as carol roster subscribe "alice@$d"
    run -0 as_alice roster pending --json
    [ "$(jq -c 'map(.jid)' <<<"$output")" = "[\"carol@$d\"]" ]
    run -0 as_alice roster deny "carol@$d"
    run -0 as_alice roster pending --json
    [ "$output" = "[]" ]
    run -0 item_of carol "alice@$d"
    [ "$(jq -c '[.subscription, .ask]' <<<"$output")" = '["none",null]' ]
    as carol roster remove "alice@$d"
}

@test "roster approve before the request: a pre-approval (RFC 6121 §3.4)" {
    run -0 as_alice roster approve "admin@$d"
    run -0 as admin roster subscribe "alice@$d"
    if server_is ejabberd; then
        # ejabberd has no pre-approvals (optional in RFC 6121 §3.4; no
        # urn:xmpp:features:pre-approval among its stream features): the
        # request waits for alice, whose roster does not show admin
        run -0 item_of alice "admin@$d"
        [ "$output" = "" ]
        run -0 as_alice roster pending --json
        [ "$output" = "[{\"jid\":\"admin@$d\"}]" ]
        # and admin's removal does not withdraw it there: alice refuses it
        as admin roster remove "alice@$d"
        as_alice roster deny "admin@$d"
        run -0 as_alice roster pending --json
        [ "$output" = "[]" ]
        return
    fi
    # the server approved for alice, who was offline: no request waits
    run -0 item_of alice "admin@$d"
    [ "$(jq -r .subscription <<<"$output")" = from ]
    run -0 as_alice roster pending --json
    [ "$output" = "[]" ]
    as admin roster remove "alice@$d"
    as_alice roster remove "admin@$d"
}

@test "roster export, then import into carol, reproduces the contacts" {
    as carol roster add --name Old "dave@$d"
    as_alice roster add --name Carol "carol@$d"
    run -0 as_alice roster export
    echo "$output" >"$BATS_TEST_TMPDIR/alice.json"
    [ "$(jq -r .version <<<"$output")" = 1 ]
    [ "$(jq -c ".contacts[] | select(.jid == \"dave@$d\")" <<<"$output")" = \
        "{\"jid\":\"dave@$d\",\"name\":\"Dave D\",\"groups\":[\"Old friends\",\"Work\"]}" ]
    # alice's roster holds carol, who cannot have herself as a contact
    run -0 as carol roster import --dry-run "$BATS_TEST_TMPDIR/alice.json"
    [[ $output == *"would update  dave@$d"* ]]
    [[ $output == *"skipped       carol@$d (your own JID)"* ]]
    [[ ${lines[-1]} == *"(dry run: nothing was changed)" ]]
    run -0 item_of carol "dave@$d"
    [ "$(jq -r .name <<<"$output")" = Old ]
    run -0 as carol roster import --json "$BATS_TEST_TMPDIR/alice.json"
    n=$(jq '.contacts | length' "$BATS_TEST_TMPDIR/alice.json")
    [ "$(jq -c '[.dry_run, .added, .updated, .unchanged, .skipped, .failed]' <<<"$output")" = \
        "[false,$((n - 2)),1,0,1,0]" ]
    [ "$(jq -r ".contacts[] | select(.jid == \"dave@$d\") | .action" <<<"$output")" = update ]
    # what carol now has, as the server says, is alice's contacts but herself
    run -0 roster_of carol
    [ "$(jq -c 'map({jid, name, groups})' <<<"$output")" = \
        "$(jq -c --arg me "carol@$d" '.contacts | map(select(.jid != $me)) | map({jid, name: (.name // null), groups})' "$BATS_TEST_TMPDIR/alice.json")" ]
}

@test "roster import: a second time changes nothing (idempotent)" {
    as_alice roster export >"$BATS_TEST_TMPDIR/alice.json"
    as carol roster import "$BATS_TEST_TMPDIR/alice.json"
    run -0 as carol roster import "$BATS_TEST_TMPDIR/alice.json"
    n=$(jq '.contacts | length' "$BATS_TEST_TMPDIR/alice.json")
    [ "$output" = "skipped       carol@$d (your own JID)
$n contact(s): 0 added, 0 updated, $((n - 1)) unchanged, 1 skipped" ]
}

@test "roster import: 'roster list --json' output is accepted, from stdin" {
    as bob roster list --json >"$BATS_TEST_TMPDIR/bob.json"
    run -0 as admin roster import --json - <"$BATS_TEST_TMPDIR/bob.json"
    [ "$(jq -c '[.added, .failed]' <<<"$output")" = '[1,0]' ]
    run -0 item_of admin "alice@$d"
    [ "$(jq -r .subscription <<<"$output")" = none ]
}

@test "roster import: a malformed file is 65 and nothing changes" {
    before=$(roster_of carol)
    f=$BATS_TEST_TMPDIR/bad.json
    printf '{"contacts": [{"jid": "new1@%s"}, {"jid": "x@y",\n "name": 3}]}' "$d" >"$f"
    run -65 --separate-stderr as carol roster import "$f"
    [ "$stderr" = "stanza roster import: $f: line 2, column 10: contact 2: \"name\" must be a string, not a number — nothing was changed" ]
    printf '{"contacts": [{"jid": "new2@%s"}' "$d" >"$f"
    run -65 --separate-stderr as carol roster import "$f"
    [ "$stderr" = "stanza roster import: $f: not valid JSON: line 1, column 40: expected ',' or ']' — nothing was changed" ]
    printf '[{"jid": "new3@%s"}, {"jid": "a@@b"}]' "$d" >"$f"
    run -65 --separate-stderr as carol roster import "$f"
    [[ $stderr == *"contact 2: invalid JID: character not allowed in the domain — nothing was changed" ]]
    printf '[{"jid": "new4@%s"}, {"jid": "NEW4@%s"}]' "$d" "$d" >"$f"
    run -65 --separate-stderr as carol roster import "$f"
    [[ $stderr == *"contact 2: 'NEW4@$d' is listed twice — nothing was changed" ]]
    printf '[{"jid": "new5@%s/phone"}]' "$d" >"$f"
    run -65 as carol roster import "$f"
    printf '{"version": 2, "contacts": []}' >"$f"
    run -65 as carol roster import "$f"
    printf '[{"jid": "new6@%s", "groups": ["a\\u0001"]}]' "$d" >"$f"
    run -65 as carol roster import "$f"
    printf '[{"jid": "new7@%s", "name": "A", "name": "B"}]' "$d" >"$f"
    run -65 --separate-stderr as carol roster import "$f"
    [[ $stderr == *": line 1, column "*": contact 1: \"name\" is given twice — nothing was changed" ]]
    [ "$(roster_of carol)" = "$before" ]
    run -66 --separate-stderr as carol roster import "$BATS_TEST_TMPDIR/missing.json"
    [ "$stderr" = "stanza roster import: cannot open '$BATS_TEST_TMPDIR/missing.json': No such file or directory" ]
}

@test "roster unsubscribe: bob stops seeing alice's presence" {
    run -0 as bob roster unsubscribe --json "alice@$d"
    [ "$(jq -c '[.action, .subscription]' <<<"$output")" = '["unsubscribe","from"]' ]
    run -0 item_of alice "bob@$d"
    [ "$(jq -r .subscription <<<"$output")" = to ]
}

@test "roster: wrong password 77, nothing listening 69" {
    run -77 env STANZA_PASSWORD=nope stanza roster --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "alice@$d"
    run -69 env STANZA_PASSWORD=x stanza roster add --server 127.0.0.1:1 -j "alice@$d" "bob@$d"
}
