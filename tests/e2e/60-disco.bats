#!/usr/bin/env bats
# stanza disco: info, items, the tree, find (XEP-0030, XEP-0128)

load helpers

NS_PUBSUB=http://jabber.org/protocol/pubsub
NS_MUC_OWNER=http://jabber.org/protocol/muc#owner

# How each server describes itself (tests/server/README.md): the host's
# identities in text, the MUC and pubsub services' names, the label of the
# room name in room info, what a room's name looks like in the room list
# (ejabberd adds the number of occupants), the text of item-not-found for a
# node of the host that does not exist, and what a user answers a stranger
# (ejabberd: subscription-required; Prosody: service-unavailable)
if server_is ejabberd; then
    HOST_IDENTITY="pubsub/pep, server/im (ejabberd)"
    MUC_NAME=Chatrooms PUBSUB_NAME=Publish-Subscribe
    ROOMNAME_LABEL="Natural-Language Room Name" LOBBY_ITEM="The Lobby (0)"
    NO_NODE_TEXT="No features available"
    STRANGER_ERROR="subscription-required (auth): Not subscribed"
    STRANGER_TREE="subscription-required: Not subscribed"
    STRANGER_CONDITION=subscription-required
else
    HOST_IDENTITY="server/im (Prosody)"
    MUC_NAME="Prosody Chatrooms" PUBSUB_NAME="Prosody PubSub Service"
    ROOMNAME_LABEL=Title LOBBY_ITEM="The Lobby"
    NO_NODE_TEXT="Node does not exist"
    STRANGER_ERROR="service-unavailable (cancel)"
    STRANGER_TREE=service-unavailable
    STRANGER_CONDITION=service-unavailable
fi

as_admin() {
    local cmd=$1
    shift
    STANZA_PASSWORD=admin-pw stanza "$cmd" --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "admin@$XMPP_DOMAIN" "$@"
}

# A persistent public room and two pubsub nodes to find.
setup_file() {
    start_server
    as_admin raw -q \
        "<iq type='set' to='pubsub.$XMPP_DOMAIN'><pubsub xmlns='$NS_PUBSUB'><create node='news'/></pubsub></iq>" \
        "<iq type='set' to='pubsub.$XMPP_DOMAIN'><pubsub xmlns='$NS_PUBSUB'><create node='weather'/></pubsub></iq>"
    as_alice raw -q "<presence to='lobby@conference.$XMPP_DOMAIN/alice'><x xmlns='http://jabber.org/protocol/muc'/></presence>" \
        "<iq type='set' to='lobby@conference.$XMPP_DOMAIN'><query xmlns='$NS_MUC_OWNER'><x xmlns='jabber:x:data' type='submit'>
         <field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>
         <field var='muc#roomconfig_persistentroom'><value>1</value></field>
         <field var='muc#roomconfig_publicroom'><value>1</value></field>
         <field var='muc#roomconfig_roomname'><value>The Lobby</value></field></x></query></iq>"
    # a PEP node of alice's
    as_alice raw -q "<iq type='set'><pubsub xmlns='$NS_PUBSUB'><publish node='stanza:test:notes'>
        <item id='1'><note xmlns='stanza:test:notes'>hello</note></item></publish></pubsub></iq>"
}

teardown_file() {
    stop_server
}

setup() {
    load_env
}

@test "disco info: the server's identity, features and extended info" {
    run -0 --separate-stderr as_alice disco info
    if server_is ejabberd; then
        # ejabberd's host is a PEP service too
        [ "${lines[0]}" = "identity: pubsub/pep" ]
        [ "${lines[1]}" = "identity: server/im (ejabberd)" ]
    else
        [ "${lines[0]}" = "identity: server/im (Prosody)" ]
    fi
    grep -qx "feature: http://jabber.org/protocol/disco#items" <<<"$output"
    grep -qx "feature: http://jabber.org/protocol/commands" <<<"$output"
    # XEP-0128: the contact addresses (XEP-0157), as a form
    [ "$(sed -n '/^form: /,$p' <<<"$output" | head -n 5)" = "form: http://jabber.org/network/serverinfo
  abuse-addresses (list-multi)
    = mailto:abuse@$XMPP_DOMAIN
    = xmpp:abuse@$XMPP_DOMAIN
  admin-addresses (list-multi) = xmpp:admin@$XMPP_DOMAIN" ]
    [ "$stderr" = "" ]
}

@test "disco info --json: identities, features, forms with their fields" {
    run -0 --separate-stderr as_alice disco info --json "$XMPP_DOMAIN"
    if server_is ejabberd; then
        [ "$(jq -c '[.jid, .identities]' <<<"$output")" = "[\"$XMPP_DOMAIN\",[{\"category\":\"pubsub\",\"type\":\"pep\"},{\"category\":\"server\",\"type\":\"im\",\"name\":\"ejabberd\"}]]" ]
    else
        [ "$(jq -c '[.jid, .identities]' <<<"$output")" = "[\"$XMPP_DOMAIN\",[{\"category\":\"server\",\"type\":\"im\",\"name\":\"Prosody\"}]]" ]
    fi
    [ "$(jq '.features | index("urn:xmpp:ping") != null' <<<"$output")" = true ]
    [ "$(jq -r '.forms[0].form_type' <<<"$output")" = http://jabber.org/network/serverinfo ]
    [ "$(jq -c '.forms[0].fields[] | select(.var == "abuse-addresses") | [.type, .values]' <<<"$output")" = "[\"list-multi\",[\"mailto:abuse@$XMPP_DOMAIN\",\"xmpp:abuse@$XMPP_DOMAIN\"]]" ]
}

@test "disco info: the MUC and pubsub services, a room with its room info" {
    run -0 --separate-stderr as_alice disco info "conference.$XMPP_DOMAIN"
    [ "${lines[0]}" = "identity: conference/text ($MUC_NAME)" ]
    grep -qx "feature: http://jabber.org/protocol/muc" <<<"$output"
    run -0 as_alice disco info --json "pubsub.$XMPP_DOMAIN"
    [ "$(jq -c '.identities' <<<"$output")" = "[{\"category\":\"pubsub\",\"type\":\"service\",\"name\":\"$PUBSUB_NAME\"}]" ]
    run -0 as_alice disco info --json "lobby@conference.$XMPP_DOMAIN"
    [ "$(jq -r '.forms[0].form_type' <<<"$output")" = "http://jabber.org/protocol/muc#roominfo" ]
    [ "$(jq -c '.forms[0].fields[] | select(.var == "muc#roomconfig_roomname") | [.label, .values]' <<<"$output")" = "[\"$ROOMNAME_LABEL\",[\"The Lobby\"]]" ]
    run -0 as_alice disco info "lobby@conference.$XMPP_DOMAIN"
    grep -qx "  muc#roomconfig_roomname (text-single): $ROOMNAME_LABEL = The Lobby" <<<"$output"
}

@test "disco info: a user (the server answers for the account)" {
    run -0 --separate-stderr as_alice disco info --json "alice@$XMPP_DOMAIN"
    if server_is ejabberd; then
        [ "$(jq -c '[.identities[] | .category + "/" + .type]' <<<"$output")" = '["pubsub/pep","account/registered"]' ]
    else
        [ "$(jq -c '[.identities[] | .category + "/" + .type]' <<<"$output")" = '["account/registered","pubsub/pep"]' ]
    fi
}

@test "disco items: a user's PEP nodes, for herself; not for a stranger" {
    run -0 --separate-stderr as_alice disco items "alice@$XMPP_DOMAIN"
    if server_is ejabberd; then
        # ejabberd lists the account's online resources too: this session
        [ "${#lines[@]}" -eq 2 ]
        [ "${lines[0]}" = "alice@$XMPP_DOMAIN node=stanza:test:notes" ]
        [[ ${lines[1]} =~ ^alice@$XMPP_DOMAIN/[^\ ]+\ \(alice\)$ ]]
    else
        [ "$output" = "alice@$XMPP_DOMAIN node=stanza:test:notes" ]
    fi
    run -1 --separate-stderr env STANZA_PASSWORD=bob-pw stanza disco items --server "127.0.0.1:$XMPP_PORT" \
        --ca-file "$XMPP_CA" -j "bob@$XMPP_DOMAIN" "alice@$XMPP_DOMAIN"
    [ "$stderr" = "stanza disco: alice@$XMPP_DOMAIN answered with an error: $STRANGER_ERROR" ]
}

@test "disco items: the server's three components, text and JSON" {
    run -0 --separate-stderr as_alice disco items
    [ "$(sort <<<"$output")" = "conference.$XMPP_DOMAIN
pubsub.$XMPP_DOMAIN
upload.$XMPP_DOMAIN" ]
    run -0 as_alice disco items --json "$XMPP_DOMAIN"
    [ "$(jq -r .jid <<<"$output")" = "$XMPP_DOMAIN" ]
    [ "$(jq -r '.items[].jid' <<<"$output" | sort | tr '\n' ' ')" = "conference.$XMPP_DOMAIN pubsub.$XMPP_DOMAIN upload.$XMPP_DOMAIN " ]
}

@test "disco items: pubsub nodes and rooms, with node and name" {
    run -0 --separate-stderr as_alice disco items "pubsub.$XMPP_DOMAIN"
    [ "$(sort <<<"$output")" = "pubsub.$XMPP_DOMAIN node=news
pubsub.$XMPP_DOMAIN node=weather" ]
    run -0 as_alice disco items --json "pubsub.$XMPP_DOMAIN"
    [ "$(jq -c '[.items[] | {jid, node}] | sort_by(.node)' <<<"$output")" = "[{\"jid\":\"pubsub.$XMPP_DOMAIN\",\"node\":\"news\"},{\"jid\":\"pubsub.$XMPP_DOMAIN\",\"node\":\"weather\"}]" ]
    run -0 as_alice disco items "conference.$XMPP_DOMAIN"
    [ "$output" = "lobby@conference.$XMPP_DOMAIN ($LOBBY_ITEM)" ]
    run -0 as_alice disco items --json "conference.$XMPP_DOMAIN"
    [ "$(jq -c '.items' <<<"$output")" = "[{\"jid\":\"lobby@conference.$XMPP_DOMAIN\",\"name\":\"$LOBBY_ITEM\"}]" ]
}

@test "disco info/items: a node that does not exist is item-not-found, exit 1" {
    run -1 --separate-stderr as_alice disco info "$XMPP_DOMAIN" no-such-node
    [ "$output" = "" ]
    [ "$stderr" = "stanza disco: $XMPP_DOMAIN node=no-such-node answered with an error: item-not-found (cancel): $NO_NODE_TEXT" ]
    run -1 --separate-stderr as_alice disco items --json "pubsub.$XMPP_DOMAIN" no-such-node
    [ "$(jq -c '[.jid, .node, .error.condition]' <<<"$output")" = "[\"pubsub.$XMPP_DOMAIN\",\"no-such-node\",\"item-not-found\"]" ]
    run -1 --separate-stderr as_alice disco info "nobody@$XMPP_DOMAIN"
    [ "$stderr" = "stanza disco: nobody@$XMPP_DOMAIN answered with an error: $STRANGER_ERROR" ]
}

@test "disco info --xml: the answer stanza itself" {
    run -0 as_alice disco info --xml "upload.$XMPP_DOMAIN"
    [[ $output == '<iq '*'type="result"'*'<query xmlns="http://jabber.org/protocol/disco#info"><identity '*'category="store"'*'<feature var="urn:xmpp:http:upload:0"/>'* ]]
    [ "${#lines[@]}" -eq 1 ]
}

@test "disco: a bad JID or node is 65 before connecting; misuse is 64" {
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza disco info --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" 'a@@b'
    [ "$stderr" = "stanza disco: invalid JID 'a@@b': character not allowed in the domain" ]
    run -65 --separate-stderr env STANZA_PASSWORD=x stanza disco items --server 127.0.0.1:1 \
        -j "alice@$XMPP_DOMAIN" "$XMPP_DOMAIN" $'bad\x01node'
    [[ $stderr == "stanza disco: node: control character"*"nothing was sent" ]]
    run -65 env STANZA_PASSWORD=x stanza disco find --server 127.0.0.1:1 -j "alice@$XMPP_DOMAIN" x 'a b@c'
    run -64 --separate-stderr stanza disco
    [[ $stderr == "stanza disco: expected info, items, tree or find"* ]]
    run -64 --separate-stderr stanza disco frob
    [[ $stderr == "stanza disco: unknown verb 'frob'"* ]]
    run -64 --separate-stderr stanza disco info --depth 3
    [[ $stderr == "stanza disco: --depth, --parallel and --limit are for 'tree' and 'find'"* ]]
    run -64 stanza disco find
    run -64 stanza disco info a b c
    run -64 stanza disco tree --parallel 0
    run -64 stanza disco tree --depth 17
}

@test "disco tree: the whole server, indented, depth 2 by default" {
    run -0 --separate-stderr as_alice disco tree
    [ "${lines[0]}" = "$XMPP_DOMAIN: $HOST_IDENTITY" ]
    grep -qx "  conference.$XMPP_DOMAIN: conference/text ($MUC_NAME)" <<<"$output"
    grep -qx "    lobby@conference.$XMPP_DOMAIN: conference/text (The Lobby)" <<<"$output"
    grep -qx "  pubsub.$XMPP_DOMAIN: pubsub/service ($PUBSUB_NAME)" <<<"$output"
    grep -qx "    pubsub.$XMPP_DOMAIN node=news: pubsub/leaf" <<<"$output"
    grep -qx "    pubsub.$XMPP_DOMAIN node=weather: pubsub/leaf" <<<"$output"
    grep -qx "  upload.$XMPP_DOMAIN: store/file (HTTP File Upload)" <<<"$output"
    [ "${#lines[@]}" -eq 7 ]
    [ "$stderr" = "" ]
}

@test "disco tree --json: a nested document; --depth is respected" {
    run -0 --separate-stderr as_alice disco tree --json
    [ "$(jq -r '[.items[].jid] | sort | join(" ")' <<<"$output")" = "conference.$XMPP_DOMAIN pubsub.$XMPP_DOMAIN upload.$XMPP_DOMAIN" ]
    [ "$(jq -r '.items[] | select(.jid == "pubsub.'"$XMPP_DOMAIN"'") | [.items[].node] | sort | join(" ")' <<<"$output")" = "news weather" ]
    [ "$(jq -r '.items[] | select(.jid | startswith("conference")) | .items[0].forms[0].form_type' <<<"$output")" = "http://jabber.org/protocol/muc#roominfo" ]
    # depth 2: the rooms and nodes were not asked for items
    [ "$(jq '[.items[].items[]? | has("items")] | any' <<<"$output")" = false ]
    run -0 as_alice disco tree --json --depth 1
    [ "$(jq '[.items[] | has("items")] | any' <<<"$output")" = false ]
    [ "$(jq '.items | length' <<<"$output")" = 3 ]
    run -0 as_alice disco tree --json -d 0
    if server_is ejabberd; then
        [ "$(jq -c '[has("items"), [.identities[].type]]' <<<"$output")" = '[false,["pep","im"]]' ]
    else
        [ "$(jq -c '[has("items"), .identities[0].type]' <<<"$output")" = '[false,"im"]' ]
    fi
}

@test "disco tree: a cycle is walked once; each JID+node is asked once" {
    run -0 --separate-stderr as_alice disco tree --depth 8 --trace "$BATS_TEST_TMPDIR/trace" \
        "$XMPP_DOMAIN" test:cycle-a
    [ "${lines[0]}" = "$XMPP_DOMAIN node=test:cycle-a: hierarchy/branch (test:cycle-a)" ]
    [ "${lines[1]}" = "  $XMPP_DOMAIN node=test:cycle-b: hierarchy/branch (test:cycle-b)" ]
    [ "${lines[2]}" = "    $XMPP_DOMAIN node=test:cycle-a (listed above)" ]
    [ "${lines[3]}" = "    LOCALHOST node=test:cycle-b (listed above)" ]
    [ "${lines[4]}" = "  $XMPP_DOMAIN: $HOST_IDENTITY" ]
    [ "$(grep -c '^>> .*disco#info" node="test:cycle-a"' "$BATS_TEST_TMPDIR/trace")" = 1 ]
    [ "$(grep -c '^>> .*disco#items" node="test:cycle-b"' "$BATS_TEST_TMPDIR/trace")" = 1 ]
    [ "$(grep -c '>> <iq .*to="'"$XMPP_DOMAIN"'" type="get"><query xmlns="http://jabber.org/protocol/disco#info"/>' "$BATS_TEST_TMPDIR/trace")" = 1 ]
    run -0 as_alice disco tree --json --depth 8 "$XMPP_DOMAIN" test:cycle-a
    [ "$(jq -c '.items[0].items | map({jid, node, repeat})' <<<"$output")" = "[{\"jid\":\"$XMPP_DOMAIN\",\"node\":\"test:cycle-a\",\"repeat\":true},{\"jid\":\"LOCALHOST\",\"node\":\"test:cycle-b\",\"repeat\":true}]" ]
}

@test "disco tree: per-entity errors stay in the tree and are not fatal" {
    run -0 --separate-stderr as_alice disco tree "$XMPP_DOMAIN" test:mixed
    [ "$output" = "$XMPP_DOMAIN node=test:mixed: hierarchy/branch (test:mixed)
  $XMPP_DOMAIN node=test:leaf-01: hierarchy/leaf
  $XMPP_DOMAIN node=test:missing error item-not-found: $NO_NODE_TEXT
  nobody@$XMPP_DOMAIN error $STRANGER_TREE" ]
    [ "$stderr" = "" ]
    run -0 as_alice disco tree --json "$XMPP_DOMAIN" test:mixed
    [ "$(jq -c '[.items[].error.condition]' <<<"$output")" = "[null,\"item-not-found\",\"$STRANGER_CONDITION\"]" ]
}

@test "disco tree: the walk itself failing at the start is exit 1" {
    run -1 --separate-stderr as_alice disco tree "pubsub.$XMPP_DOMAIN" no-such-node
    # ejabberd's pubsub says why (": Node not found"), Prosody's does not
    text=
    server_is ejabberd && text=": Node not found"
    [ "$output" = "pubsub.$XMPP_DOMAIN node=no-such-node error item-not-found$text" ]
    [ "$stderr" = "stanza disco: pubsub.$XMPP_DOMAIN node=no-such-node answered with an error: item-not-found (cancel)$text" ]
}

@test "disco tree --limit: the rest is listed, not asked; invalid JIDs are not asked" {
    run -0 --separate-stderr as_alice disco tree --limit 5 "$XMPP_DOMAIN" test:wide
    [ "${lines[4]}" = "  $XMPP_DOMAIN node=test:leaf-04: hierarchy/leaf" ]
    [ "${lines[5]}" = "  $XMPP_DOMAIN node=test:leaf-05 (not asked: --limit)" ]
    [ "${lines[51]}" = "  bad@@$XMPP_DOMAIN (invalid JID: not asked)" ]
    [ "$stderr" = "stanza disco: warning: stopped after asking 5 entities (--limit): the items marked so were not asked" ]
    run -0 as_alice disco tree --json "$XMPP_DOMAIN" test:wide
    [ "$(jq '[.items[] | select(.identities[0].type == "leaf")] | length' <<<"$output")" = 50 ]
    [ "$(jq -c '.items[50]' <<<"$output")" = "{\"jid\":\"bad@@$XMPP_DOMAIN\",\"name\":\"broken\",\"invalid_jid\":true}" ]
}

@test "disco tree: several requests in flight; --parallel 1 asks one at a time, same tree" {
    run -0 as_alice disco tree --json --trace "$BATS_TEST_TMPDIR/par" "$XMPP_DOMAIN" test:wide
    par=$output
    # after the first answers, the requests for the next level go out together
    [ "$(sed -n '/node="test:leaf-01"/,$p' "$BATS_TEST_TMPDIR/par" | head -n 20 | grep -c '^>> <iq')" -ge 6 ]
    run -0 as_alice disco tree --json --parallel 1 --trace "$BATS_TEST_TMPDIR/one" "$XMPP_DOMAIN" test:wide
    [ "$output" = "$par" ]
    # one at a time: every request is answered before the next goes out
    run -0 awk '/^>> <iq/ { if (open) bad = 1; open = 1 } /^<< <iq/ { open = 0 } END { exit bad }' "$BATS_TEST_TMPDIR/one"
}

@test "disco tree: a silent entity ends the walk at --timeout, exit 75, what came is printed" {
    STANZA_PASSWORD=bob-pw stanza raw --server "127.0.0.1:$XMPP_PORT" --ca-file "$XMPP_CA" \
        -j "bob@$XMPP_DOMAIN/hole" -q --json --wait 20 '<presence/>' >"$BATS_TEST_TMPDIR/bob.json" 2>&1 3>&- &
    track $!
    for _ in $(seq 1 100); do
        grep -q '"kind":"presence"' "$BATS_TEST_TMPDIR/bob.json" && break
        sleep 0.1
    done
    start=$(date +%s%N)
    run -75 --separate-stderr as_alice disco tree -t 1.5 "bob@$XMPP_DOMAIN/hole"
    elapsed=$((($(date +%s%N) - start) / 1000000))
    [ "$elapsed" -lt 5000 ]
    [ "$output" = "bob@$XMPP_DOMAIN/hole (no answer)" ]
    [ "$stderr" = "stanza disco: the walk did not finish within 1.5 s: 2 of 2 requests unanswered — raise --timeout, lower --depth" ]
    run -75 --separate-stderr as_alice disco info -t 1 "bob@$XMPP_DOMAIN/hole"
    [ "$stderr" = "stanza disco: no answer from bob@$XMPP_DOMAIN/hole within 1.0 s" ]
}

@test "disco find: the MUC, pubsub and upload services of the server" {
    run -0 --separate-stderr as_alice disco find http://jabber.org/protocol/muc
    [ "$output" = "conference.$XMPP_DOMAIN" ]
    [ "$stderr" = "" ]
    run -0 as_alice disco find urn:xmpp:http:upload:0
    [ "$output" = "upload.$XMPP_DOMAIN" ]
    run -0 as_alice disco find pubsub/service
    [ "$output" = "pubsub.$XMPP_DOMAIN" ]
    run -0 as_alice disco find --json conference/text "$XMPP_DOMAIN"
    [ "$output" = "[{\"jid\":\"conference.$XMPP_DOMAIN\"}]" ]
    # the server itself counts
    run -0 as_alice disco find msgoffline
    [ "$output" = "$XMPP_DOMAIN" ]
}

@test "disco find --depth 2: rooms and nodes too, in tree order" {
    run -0 as_alice disco find --depth 2 http://jabber.org/protocol/muc
    [ "$output" = "conference.$XMPP_DOMAIN
lobby@conference.$XMPP_DOMAIN" ]
    run -0 as_alice disco find --json pubsub/leaf "pubsub.$XMPP_DOMAIN"
    [ "$(jq -c 'sort_by(.node)' <<<"$output")" = "[{\"jid\":\"pubsub.$XMPP_DOMAIN\",\"node\":\"news\"},{\"jid\":\"pubsub.$XMPP_DOMAIN\",\"node\":\"weather\"}]" ]
    run -0 as_alice disco find hierarchy/leaf "$XMPP_DOMAIN" test:wide
    [ "${#lines[@]}" -eq 50 ]
    [ "${lines[49]}" = "$XMPP_DOMAIN node=test:leaf-50" ]
}

@test "disco find: nothing found is exit 1 with what was searched" {
    run -1 --separate-stderr as_alice disco find proxy/bytestreams
    [ "$output" = "" ]
    [ "$stderr" = "stanza disco: nothing under $XMPP_DOMAIN offers 'proxy/bytestreams' (4 entities asked, depth 1 — try --depth 2)" ]
    run -1 --separate-stderr as_alice disco find --json urn:example:nothing
    [ "$output" = "[]" ]
}
