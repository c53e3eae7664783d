#!/usr/bin/env bats
# stanza pubsub: nodes and their configuration, items (XML, text, JSON,
# batches, pages), subscriptions and affiliations, live events, PEP. The
# independent counterpart is tests/server/pubsub.py (slixmpp, plain XML):
# it subscribes and prints what it is sent, publishes, reads items.
# On the test server only admin may create nodes on pubsub.localhost.
# Where Prosody and ejabberd differ (tests/server/README.md, "Prosody and
# ejabberd differ"), a test asserts what each does: ejabberd adds a text
# to most errors, gives subscriptions a subid, names items and instant
# nodes in its own way, and lists its forms' fields in its own order,
# with its own labels.

load helpers

setup_file() {
    start_server
}

teardown_file() {
    stop_server
}

setup() {
    load_env
    PS=pubsub.$XMPP_DOMAIN
    # an id the service chose for an item: Prosody a UUID, ejabberd a
    # hex time stamp
    ITEM_ID='^[0-9a-f-]{36}$'
    if server_is ejabberd; then ITEM_ID='^[0-9A-F]+$'; fi
}

# ej TEXT: TEXT on ejabberd, nothing on Prosody (the text ejabberd adds to
# an error)
ej() {
    if server_is ejabberd; then printf '%s' "$1"; fi
}

# py USER ARGS...: tests/server/pubsub.py as USER on the pubsub service
py() {
    local user=$1
    shift
    /usr/bin/python3 "$SERVER_DIR/pubsub.py" --jid "$user@$XMPP_DOMAIN" --password "$user-pw" \
        --port "$XMPP_PORT" --ca "$XMPP_CA" --service "${SERVICE:-$PS}" --timeout 20 "$@"
}

# py_listen NAME USER NODE COUNT: the slixmpp subscriber in the background,
# its JSON lines in $BATS_TEST_TMPDIR/NAME.out; waits until it subscribed
py_listen() {
    local t=$BATS_TEST_TMPDIR
    py "$2" --node "$3" listen --count "$4" >"$t/$1.out" 2>"$t/$1.err" 3>&- &
    echo $! >"$t/$1.pid"
    track $!
    wait_for "$t/$1.err" READY
}

# listen_start NAME USER ARGS...: `stanza pubsub listen ARGS` as USER in the
# background (trace in NAME.trace); waits until it listens: subscribed, or
# for PEP, its +notify interest asked for by the server. READY=PATTERN: a
# line of the trace that says so instead.
listen_start() {
    local t=$BATS_TEST_TMPDIR name=$1 user=$2
    local ready=${READY:-'subscription="subscribed"\|<feature var="[^"]*+notify"'}
    shift 2
    STANZA_PASSWORD=$user-pw stanza pubsub listen --server "${SERVER:-127.0.0.1:$XMPP_PORT}" \
        --ca-file "$XMPP_CA" -j "$user@$XMPP_DOMAIN" --trace "$t/$name.trace" "$@" \
        >"$t/$name.out" 2>"$t/$name.err" 3>&- &
    echo $! >"$t/$name.pid"
    track $!
    for _ in $(seq 1 200); do
        grep -q "$ready" "$t/$name.trace" 2>/dev/null &&
            grep -q '<query xmlns="http://jabber.org/protocol/disco#items" node=' "$t/$name.trace" &&
            return 0
        kill -0 "$(cat "$t/$name.pid")" 2>/dev/null || break
        sleep 0.05
    done
    echo "listen $name did not start:" >&2
    cat "$t/$name.err" >&2
    return 1
}

listen_wait() {
    wait "$(cat "$BATS_TEST_TMPDIR/$1.pid")"
}

out() { cat "$BATS_TEST_TMPDIR/$1.out"; }
err() { cat "$BATS_TEST_TMPDIR/$1.err"; }

# --- nodes and configuration --------------------------------------------

@test "pubsub nodes: the service is found by service discovery; --json" {
    run -0 as admin pubsub create --json found-me
    [ "$output" = "{\"service\":\"$PS\",\"node\":\"found-me\",\"created\":true}" ]
    run -0 --separate-stderr as alice pubsub nodes
    grep -qx found-me <<<"$output"
    [ "$stderr" = "" ]
    run -0 as alice pubsub nodes --json
    [ "$(jq -r .service <<<"$output")" = "$PS" ]
    [ "$(jq -c '.nodes[] | select(.node == "found-me")' <<<"$output")" = "{\"node\":\"found-me\",\"jid\":\"$PS\"}" ]
}

@test "pubsub create with configuration; config reads it back; config --field changes it; info shows it" {
    run -0 --separate-stderr as admin pubsub create builds --service "$PS" \
        -f pubsub#title=Builds -f pubsub#max_items=100 -f pubsub#access_model=open
    [ "$output" = "" ]
    [ "$stderr" = "" ]
    run -0 as admin pubsub config builds --json
    [ "$(jq -r .form.form_type <<<"$output")" = "http://jabber.org/protocol/pubsub#node_config" ]
    if server_is ejabberd; then
        # its fields in alphabetical order; pubsub#title only once set
        [ "$(jq -c '[.form.fields[] | select(.var == "pubsub#title" or .var == "pubsub#max_items") | .values[0]]' <<<"$output")" = '["100","Builds"]' ]
        run -0 as admin pubsub config builds
        grep -qx 'pubsub#title (text-single): A friendly name for the node = Builds' <<<"$output"
    else
        [ "$(jq -c '[.form.fields[] | select(.var == "pubsub#title" or .var == "pubsub#max_items") | .values[0]]' <<<"$output")" = '["Builds","100"]' ]
        run -0 as admin pubsub config builds
        grep -qx 'pubsub#title (text-single): Title = Builds' <<<"$output"
    fi
    grep -qx '  option: headline (Messages of type headline)' <<<"$output"
    run -0 as admin pubsub config builds --json -f "pubsub#title=CI builds" --field pubsub#deliver_payloads=true
    [ "$output" = "{\"service\":\"$PS\",\"node\":\"builds\",\"configured\":true}" ]
    run -0 as admin pubsub config builds --json
    if server_is ejabberd; then
        [ "$(jq -c '[.form.fields[] | select(.var == "pubsub#title" or .var == "pubsub#max_items") | .values[0]]' <<<"$output")" = '["100","CI builds"]' ]
    else
        [ "$(jq -c '[.form.fields[] | select(.var == "pubsub#title" or .var == "pubsub#max_items") | .values[0]]' <<<"$output")" = '["CI builds","100"]' ]
    fi
    # the meta-data anyone may read
    run -0 as alice pubsub info builds --json
    [ "$(jq -c .identities <<<"$output")" = '[{"category":"pubsub","type":"leaf"}]' ]
    [ "$(jq -r '.forms[0].fields[] | select(.var == "pubsub#title") | .values[0]' <<<"$output")" = "CI builds" ]
    run -0 as alice pubsub info builds
    if server_is ejabberd; then
        grep -qx '  pubsub#access_model (list-single): Access model = open' <<<"$output"
    else
        grep -qx '  pubsub#access_model (text-single) = open' <<<"$output"
    fi
}

@test "pubsub config --form FILE: a form as config --json prints it, edited, goes back" {
    run -0 as admin pubsub create formed -f pubsub#title=Before
    as admin pubsub config formed --json | jq '.form | .fields |= map(if .var == "pubsub#title" then .values = ["After"] else . end)' \
        >"$BATS_TEST_TMPDIR/form.json"
    run -0 as admin pubsub config formed --form "$BATS_TEST_TMPDIR/form.json"
    run -0 as admin pubsub config formed --json
    [ "$(jq -r '.form.fields[] | select(.var == "pubsub#title") | .values[0]' <<<"$output")" = After ]
}

@test "pubsub create: an existing node is conflict (1); with --exists-ok it is 0" {
    run -0 as admin pubsub create twice
    run -1 --separate-stderr as admin pubsub create twice --json
    [ "$stderr" = "stanza pubsub: $PS node=twice answered with an error: conflict (cancel)$(ej ': Node already exists')" ]
    if server_is ejabberd; then
        [ "$output" = "{\"service\":\"$PS\",\"node\":\"twice\",\"error\":{\"type\":\"cancel\",\"condition\":\"conflict\",\"text\":\"Node already exists\"}}" ]
    else
        [ "$output" = "{\"service\":\"$PS\",\"node\":\"twice\",\"error\":{\"type\":\"cancel\",\"condition\":\"conflict\"}}" ]
    fi
    run -0 --separate-stderr as admin pubsub create twice --exists-ok --json
    [ "$output" = "{\"service\":\"$PS\",\"node\":\"twice\",\"created\":false}" ]
    [ "$stderr" = "" ]
}

@test "pubsub create without a node: an instant node, its name printed" {
    run -0 --separate-stderr as admin pubsub create
    if server_is ejabberd; then
        [[ $output =~ ^[0-9]+$ ]] # a random number
    else
        [[ $output =~ ^[0-9a-f-]{36}$ ]]
    fi
    run -0 as alice pubsub info "$output"
}

@test "pubsub create: only the service's admins may create nodes here (1, forbidden)" {
    run -1 --separate-stderr as alice pubsub create mine
    [ "$stderr" = "stanza pubsub: $PS node=mine answered with an error: forbidden (auth)$(ej ": You're not allowed to create nodes")" ]
}

@test "pubsub create and config: values that do not fit are 65, and nothing is created or changed" {
    t=$BATS_TEST_TMPDIR
    run -65 --separate-stderr as admin pubsub create bad --trace "$t/1" -f pubsub#access_model=everyone
    [ "$stderr" = "stanza pubsub: field 'pubsub#access_model': 'everyone' is not one of its options (authorize, open, presence, roster, whitelist) — the node was not created" ]
    ! grep -q '<create' "$t/1"
    run -65 --separate-stderr as admin pubsub create bad -f pubsub#persist_items=maybe
    [ "$stderr" = "stanza pubsub: field 'pubsub#persist_items' is a boolean: true or false (or 1 or 0), not 'maybe' — the node was not created" ]
    run -65 --separate-stderr as admin pubsub create bad -f pubsub#colour=blue
    if server_is ejabberd; then
        [[ $stderr == "stanza pubsub: the form has no field 'pubsub#colour' (its fields: pubsub#access_model, "*" — the node was not created" ]]
    else
        [[ $stderr == "stanza pubsub: the form has no field 'pubsub#colour' (its fields: pubsub#title, "*" — the node was not created" ]]
    fi
    run -1 as alice pubsub info bad
    run -0 as admin pubsub create cfg -f pubsub#title=Kept
    run -65 --separate-stderr as admin pubsub config cfg --trace "$t/2" -f pubsub#title=Lost -f pubsub#notification_type=loud
    [[ $stderr == *"'loud' is not one of its options (normal, headline) — nothing was changed" ]]
    ! grep -q '<iq [^>]*type="set"' "$t/2"
    run -0 as admin pubsub config cfg --json
    [ "$(jq -r '.form.fields[] | select(.var == "pubsub#title") | .values[0]' <<<"$output")" = Kept ]
    run -64 --separate-stderr as admin pubsub config cfg -f novalue
    [[ $stderr == "stanza pubsub: --field expects VAR=VALUE, not 'novalue'"* ]]
}

@test "pubsub config: only owners (1, forbidden); a missing node (1, item-not-found)" {
    run -0 as admin pubsub create owned
    run -1 --separate-stderr as alice pubsub config owned
    [ "$stderr" = "stanza pubsub: $PS node=owned answered with an error: forbidden (auth)$(ej ': Owner privileges required')" ]
    run -1 --separate-stderr as admin pubsub config nowhere --json
    [ "$stderr" = "stanza pubsub: $PS node=nowhere answered with an error: item-not-found (cancel)$(ej ': Node not found')" ]
    [ "$(jq -r .error.condition <<<"$output")" = item-not-found ]
}

# --- publish and items ------------------------------------------------------

@test "pubsub publish XML, text and JSON; items reads them back; slixmpp reads the same" {
    run -0 as admin pubsub create mixed -f pubsub#max_items=10
    run -0 --separate-stderr as admin pubsub publish mixed "<entry xmlns='urn:example:e'>an <b>entry</b></entry>"
    [[ $output =~ $ITEM_ID ]]
    first=$output
    [ "$stderr" = "" ]
    run -0 as admin pubsub publish mixed --id t1 --text 'build 42 <green> & done'
    [ "$output" = t1 ]
    run -0 as admin pubsub publish mixed --id j1 --json --json-payload '{"job": 42, "ok": true, "tags": ["a", "é"]}'
    [ "$output" = "{\"service\":\"$PS\",\"node\":\"mixed\",\"id\":\"j1\"}" ]
    run -0 as admin pubsub publish mixed --id x2 - <<<"<note xmlns='urn:example:n'>from stdin</note>"
    run -0 as admin pubsub publish mixed --id t2 --text - < <(printf 'two\nlines')
    run -0 --separate-stderr as alice pubsub items mixed
    [ "$output" = "$first: <entry xmlns=\"urn:example:e\">an <b>entry</b></entry>
t1: build 42 <green> & done
j1: {\"job\": 42, \"ok\": true, \"tags\": [\"a\", \"é\"]}
x2: <note xmlns=\"urn:example:n\">from stdin</note>
t2: two�lines" ]
    run -0 as alice pubsub items mixed --json
    [ "$(jq -c '[.service, .node, (.items | length)]' <<<"$output")" = "[\"$PS\",\"mixed\",5]" ]
    [ "$(jq -c '.items[1]' <<<"$output")" = '{"id":"t1","xml":"<text xmlns=\"urn:stanza:text:0\">build 42 &lt;green&gt; &amp; done</text>","text":"build 42 <green> & done"}' ]
    [ "$(jq -c '.items[2].json' <<<"$output")" = '{"job":42,"ok":true,"tags":["a","é"]}' ]
    [ "$(jq -r '.items[0].xml' <<<"$output")" = '<entry xmlns="urn:example:e">an <b>entry</b></entry>' ]
    [ "$(jq -r '.items[4].text' <<<"$output")" = $'two\nlines' ]
    # the independent client sees the same payloads
    run -0 py bob --node mixed items
    [ "${lines[0]}" = "{\"id\":\"$first\",\"ns\":\"urn:example:e\",\"name\":\"entry\",\"text\":\"an entry\"}" ]
    [ "${lines[1]}" = '{"id":"t1","ns":"urn:stanza:text:0","name":"text","text":"build 42 <green> & done"}' ]
    [ "${lines[2]}" = '{"id":"j1","ns":"urn:xmpp:json:0","name":"json","text":"{\"job\": 42, \"ok\": true, \"tags\": [\"a\", \"é\"]}"}' ]
    # and stanza reads what slixmpp published
    run -0 py admin --node mixed publish --count 1 --text "from slixmpp"
    run -0 as alice pubsub items mixed --json
    [ "$(jq -r '.items[-1].text' <<<"$output")" = "from slixmpp 1" ]
}

@test "pubsub publish: malformed payloads are 65 and nothing is sent" {
    t=$BATS_TEST_TMPDIR
    run -0 as admin pubsub create mixed --exists-ok
    run -65 --separate-stderr as admin pubsub publish mixed --trace "$t/1" "<entry xmlns='e'>x</entr>"
    [ "$stderr" = "stanza pubsub: payload: line 1, column 21: mismatched tag — nothing was sent" ]
    [ ! -s "$t/1" ]
    run -65 --separate-stderr as admin pubsub publish mixed --trace "$t/2" "<a/><b/>"
    [ "$stderr" = "stanza pubsub: payload: line 1, column 5: more than one element — nothing was sent" ]
    [ ! -s "$t/2" ]
    run -65 --separate-stderr as admin pubsub publish mixed "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>"
    [ "$stderr" = "stanza pubsub: payload: line 1, column 1: DTDs and entity declarations are not allowed — nothing was sent" ]
    run -65 --separate-stderr as admin pubsub publish mixed --json-payload '{"a": 1,}'
    [ "$stderr" = "stanza pubsub: --json-payload: line 1, column 9: expected a member name — nothing was sent" ]
    run -65 --separate-stderr as admin pubsub publish mixed --text $'bell \a'
    [ "$stderr" = "stanza pubsub: --text: control character at byte 6 — nothing was sent" ]
    run -65 --separate-stderr as admin pubsub publish mixed - < <(printf '<a>\xff</a>')
    [ "$stderr" = "stanza pubsub: payload: line 1, column 4: invalid UTF-8 — nothing was sent" ]
    run -64 --separate-stderr as admin pubsub publish mixed
    [[ $stderr == "stanza pubsub: publish: give one payload: <xml>, - (XML from standard input), --text, --json-payload or --batch"* ]]
    run -64 --separate-stderr as admin pubsub publish mixed --text a --json-payload 1
    run -0 as admin pubsub items mixed --id t9 --json
    [ "$(jq -c .items <<<"$output")" = "[]" ]
}

@test "pubsub publish: without being a publisher (1, forbidden); to a missing node (1, item-not-found)" {
    run -0 as admin pubsub create closed
    run -1 --separate-stderr as alice pubsub publish closed --text hi --json
    [ "$stderr" = "stanza pubsub: $PS node=closed answered with an error: forbidden (auth)" ]
    [ "$output" = "{\"service\":\"$PS\",\"node\":\"closed\",\"error\":{\"type\":\"auth\",\"condition\":\"forbidden\"}}" ]
    if server_is ejabberd; then
        # ejabberd creates a missing node on publishing (XEP-0060 §7.1.4,
        # "auto-create") for those who may create nodes; others get
        # item-not-found
        run -0 as alice disco info "$PS" --json
        [ "$(jq -c '.features | map(select(endswith("#auto-create")))' <<<"$output")" = '["http://jabber.org/protocol/pubsub#auto-create"]' ]
        run -0 --separate-stderr as admin pubsub publish auto-made --id n1 --text hi
        [ "$output" = n1 ]
        run -0 as alice pubsub items auto-made
        [ "$output" = "n1: hi" ]
        run -1 --separate-stderr as alice pubsub publish nowhere-else --text hi
        [ "$stderr" = "stanza pubsub: $PS node=nowhere-else answered with an error: item-not-found (cancel)" ]
        run -1 as alice pubsub info nowhere-else
    else
        run -1 --separate-stderr as admin pubsub publish nowhere --text hi
        [ "$stderr" = "stanza pubsub: $PS node=nowhere answered with an error: item-not-found (cancel)" ]
    fi
    run -0 --separate-stderr as alice pubsub items closed --json
    [ "$(jq -c .items <<<"$output")" = "[]" ]
}

@test "pubsub publish --batch: NDJSON lines, one id each, in order; slixmpp reads them" {
    run -0 as admin pubsub create batch -f pubsub#max_items=50
    run -0 --separate-stderr as admin pubsub publish batch --batch < <(printf '%s\n' \
        '{"id": "b1", "text": "one"}' '' '{"json": {"n": [1, 2]}}' \
        '{"xml": "<e xmlns=\"urn:e\">three</e>", "id": "b3"}')
    [ "${#lines[@]}" -eq 3 ]
    [ "${lines[0]}" = b1 ] && [[ ${lines[1]} =~ ^[0-9a-f-]{36}$ ]] && [ "${lines[2]}" = b3 ]
    [ "$stderr" = "" ]
    run -0 py bob --node batch items
    [ "${#lines[@]}" -eq 3 ]
    [ "${lines[1]}" = "{\"id\":\"$(sed -n 2p <<<"$(as alice pubsub items batch --json | jq -r '.items[].id')")\",\"ns\":\"urn:xmpp:json:0\",\"name\":\"json\",\"text\":\"{\\\"n\\\":[1,2]}\"}" ]
    [ "${lines[2]}" = '{"id":"b3","ns":"urn:e","name":"e","text":"three"}' ]
    run -0 as admin pubsub publish batch --batch --json < <(seq 1 30 | sed 's/.*/{"id": "n&", "text": "item &"}/')
    [ "$(jq -c '[length, .[0], .[29].id]' <<<"$output")" = "[30,{\"service\":\"$PS\",\"node\":\"batch\",\"id\":\"n1\"},\"n30\"]" ]
}

@test "pubsub publish --batch: one bad line is 65 naming it, and nothing is sent" {
    t=$BATS_TEST_TMPDIR
    run -0 as admin pubsub create batch --exists-ok
    run -65 --separate-stderr as admin pubsub publish batch --batch --trace "$t/1" < <(printf '%s\n' \
        '{"id": "ok1", "text": "fine"}' '{"xml": "<broken>"}')
    [ "$stderr" = "stanza pubsub: standard input line 2: line 1, column 11: mismatched tag — nothing was sent" ]
    [ ! -s "$t/1" ]
    run -65 --separate-stderr as admin pubsub publish batch --batch < <(printf '%s\n' '{"txt": "x"}')
    [ "$stderr" = "stanza pubsub: standard input line 1: expected an object with \"xml\", \"text\" or \"json\" (and \"id\"), and nothing else — nothing was sent" ]
    run -65 --separate-stderr as admin pubsub publish batch --batch < <(printf '%s\n' '{"text": "a"' )
    [ "$stderr" = "stanza pubsub: standard input line 1: line 1, column 13: expected ',' or '}' — nothing was sent" ]
    run -65 --separate-stderr as admin pubsub publish batch --batch </dev/null
    [ "$stderr" = "stanza pubsub: --batch: no items on standard input" ]
    run -0 as admin pubsub items batch --id ok1 --json
    [ "$(jq -c .items <<<"$output")" = "[]" ]
}

@test "pubsub publish --batch: after an error answer no more are sent; 1" {
    run -0 as admin pubsub create batch --exists-ok
    run -1 --separate-stderr as alice pubsub publish batch --batch --trace "$BATS_TEST_TMPDIR/t" \
        < <(seq 1 100 | sed 's/.*/{"text": "&"}/')
    [ "$output" = "" ]
    [ "$stderr" = "stanza pubsub: warning: the item of standard input line 1 was refused
stanza pubsub: $PS node=batch answered with an error: forbidden (auth)" ]
    # 64 in flight when the first answer came, and not one more
    [ "$(grep -c '^>> <iq [^>]*type="set"><pubsub [^>]*><publish ' "$BATS_TEST_TMPDIR/t")" -eq 64 ]
}

@test "pubsub items: a node with more items than a page comes whole, page by page (RSM)" {
    t=$BATS_TEST_TMPDIR/t
    # the Prosody test server gives at most 20 per page (mod_test_pubsub):
    # 45 items are three pages. ejabberd gives as many as asked for, and
    # stanza asks for 100: 245 items are three pages there.
    n=45
    if server_is ejabberd; then n=245; fi
    run -0 as admin pubsub create paged -f pubsub#max_items=max
    run -0 as admin pubsub publish paged --batch < <(seq 1 $n | sed 's/.*/{"id": "p&", "text": "page item &"}/')
    run -0 --separate-stderr as alice pubsub items paged --json --trace "$t"
    [ "$(jq '.items | length' <<<"$output")" -eq $n ]
    [ "$(jq -r '[.items[].id] | join(" ")' <<<"$output")" = "$(seq 1 $n | sed 's/^/p/' | paste -sd' ')" ]
    [ "$(jq -r ".items[$((n - 1))].text" <<<"$output")" = "page item $n" ]
    # three requests
    [ "$(grep -c '^>> <iq [^>]*type="get"[^>]*><pubsub xmlns="http://jabber.org/protocol/pubsub"><items node="paged"/><set xmlns="http://jabber.org/protocol/rsm"><max>100</max>' "$t")" -eq 3 ]
    if server_is ejabberd; then
        # its cursor is the time stamp of a page's last item: each <after/>
        # is the <last/> of the page before
        mapfile -t lasts < <(sed -n 's|^<< .*<set xmlns="http://jabber.org/protocol/rsm">.*<last>\([^<]*\)</last>.*|\1|p' "$t")
        mapfile -t afters < <(sed -n 's|^>> .*<after>\([^<]*\)</after>.*|\1|p' "$t")
        [ "${#lasts[@]}" -eq 3 ] && [ "${#afters[@]}" -eq 2 ]
        [ "${afters[0]}" = "${lasts[0]}" ] && [ "${afters[1]}" = "${lasts[1]}" ]
    else
        grep -q '<after>p40</after>' "$t"
    fi
    run -0 as alice pubsub items paged --max 2
    [ "$output" = "p$((n - 1)): page item $((n - 1))"$'\n'"p$n: page item $n" ]
    run -0 as alice pubsub items paged --id p7 --id p3
    if server_is ejabberd; then
        [ "$output" = $'p3: page item 3\np7: page item 7' ] # in the node's order
    else
        [ "$output" = $'p7: page item 7\np3: page item 3' ]
    fi
    run -0 as alice pubsub items paged --xml --max 1
    [[ $output == "<iq "*"<item id=\"p$n\"><text xmlns=\"urn:stanza:text:0\">page item $n</text></item>"* ]]
}

@test "pubsub retract --notify: the slixmpp subscriber is told; the item is gone; a missing one is item-not-found" {
    run -0 as admin pubsub create retracts
    run -0 as admin pubsub publish retracts --id r1 --text "to be retracted"
    py_listen sub bob retracts 2
    run -0 as admin pubsub publish retracts --id r2 --text "stays"
    run -0 --separate-stderr as admin pubsub retract retracts r1 --notify --json
    [ "$output" = "{\"service\":\"$PS\",\"node\":\"retracts\",\"id\":\"r1\",\"retracted\":true}" ]
    wait "$(cat "$BATS_TEST_TMPDIR/sub.pid")"
    [ "$(out sub)" = '{"event":"item","node":"retracts","id":"r2","ns":"urn:stanza:text:0","name":"text","text":"stays"}
{"event":"retract","node":"retracts","id":"r1"}' ]
    run -0 as alice pubsub items retracts
    [ "$output" = "r2: stays" ]
    run -1 --separate-stderr as admin pubsub retract retracts r1
    [ "$stderr" = "stanza pubsub: $PS node=retracts answered with an error: item-not-found (cancel)" ]
    run -1 --separate-stderr as alice pubsub retract retracts r2
    [[ $stderr == *"forbidden (auth)" ]]
}

@test "pubsub purge and delete: the subscriber is told; the node is gone" {
    run -0 as admin pubsub create doomed
    run -0 as admin pubsub publish doomed --text one
    py_listen sub bob doomed 2
    run -0 --separate-stderr as admin pubsub purge doomed
    [ "$output" = "" ]
    run -0 as alice pubsub items doomed --json
    [ "$(jq -c .items <<<"$output")" = "[]" ]
    run -1 as alice pubsub delete doomed
    run -0 as admin pubsub delete doomed --json --redirect "xmpp:$PS?;node=builds"
    [ "$output" = "{\"service\":\"$PS\",\"node\":\"doomed\",\"deleted\":true}" ]
    wait "$(cat "$BATS_TEST_TMPDIR/sub.pid")"
    [ "$(out sub)" = '{"event":"purge","node":"doomed"}
{"event":"delete","node":"doomed"}' ]
    run -1 --separate-stderr as alice pubsub info doomed
    [ "$stderr" = "stanza pubsub: $PS node=doomed answered with an error: item-not-found (cancel)$(ej ': Node not found')" ]
    run -1 as admin pubsub purge doomed
}

# --- subscriptions and affiliations ------------------------------------------

@test "pubsub subscribe, subscriptions, unsubscribe: our own, read back" {
    run -0 as admin pubsub create subs
    run -0 --separate-stderr as alice pubsub subscribe subs
    # ejabberd gives each subscription an id (XEP-0060 §6.1.6)
    sub_text= sub_json=
    if server_is ejabberd; then
        [[ $output =~ ^subscribed\ subid=[0-9A-F]+$ ]]
        sub_text=" subid=${output#subscribed subid=}"
        sub_json=",\"subid\":\"${output#subscribed subid=}\""
    else
        [ "$output" = subscribed ]
    fi
    run -0 as alice pubsub subscribe subs --json --option pubsub#include_body=1
    [ "$output" = "{\"service\":\"$PS\",\"node\":\"subs\",\"jid\":\"alice@$XMPP_DOMAIN\",\"subscription\":\"subscribed\"$sub_json}" ]
    run -0 as alice pubsub subscriptions
    [ "$output" = "subs alice@$XMPP_DOMAIN subscribed$sub_text" ]
    run -0 as alice pubsub subscriptions subs --json
    [ "$(jq -c .subscriptions <<<"$output")" = "[{\"node\":\"subs\",\"jid\":\"alice@$XMPP_DOMAIN\",\"subscription\":\"subscribed\"$sub_json}]" ]
    run -0 as alice pubsub unsubscribe subs --json
    [ "$output" = "{\"service\":\"$PS\",\"node\":\"subs\",\"unsubscribed\":true}" ]
    run -0 as alice pubsub subscriptions subs
    [ "$output" = "" ]
    run -1 --separate-stderr as alice pubsub unsubscribe subs
    if server_is ejabberd; then
        [ "$stderr" = "stanza pubsub: $PS node=subs answered with an error: unexpected-request (wait), not-subscribed" ]
        # XEP-0060 §6.1.3.1: the JIDs do not match
        run -1 --separate-stderr as alice pubsub subscribe subs --subscriber "bob@$XMPP_DOMAIN"
        [ "$stderr" = "stanza pubsub: $PS node=subs answered with an error: bad-request (modify), invalid-jid" ]
    else
        [ "$stderr" = "stanza pubsub: $PS node=subs answered with an error: unexpected-request (modify), not-subscribed" ]
        run -1 --separate-stderr as alice pubsub subscribe subs --subscriber "bob@$XMPP_DOMAIN"
        [[ $stderr == *"forbidden (auth)" ]]
    fi
    run -1 as alice pubsub subscribe nowhere
}

@test "pubsub subscribers and affiliates: the owner reads and sets them; a publisher may publish" {
    run -0 as admin pubsub create team
    run -0 as admin pubsub subscribers team --set "bob@$XMPP_DOMAIN=subscribed" --set "carol@$XMPP_DOMAIN=subscribed"
    [ "$output" = "" ]
    run -0 as admin pubsub subscribers team --json
    sub_text=
    if server_is ejabberd; then
        # each with its id (XEP-0060 §6.1.6)
        [ "$(jq -c '.subscriptions | sort_by(.jid) | map(del(.subid))' <<<"$output")" = "[{\"jid\":\"bob@$XMPP_DOMAIN\",\"subscription\":\"subscribed\"},{\"jid\":\"carol@$XMPP_DOMAIN\",\"subscription\":\"subscribed\"}]" ]
        [ "$(jq '[.subscriptions[].subid | test("^[0-9A-F]+$")] | all' <<<"$output")" = true ]
        sub_text=" subid=$(jq -r ".subscriptions[] | select(.jid == \"bob@$XMPP_DOMAIN\") | .subid" <<<"$output")"
    else
        [ "$(jq -c '.subscriptions | sort_by(.jid)' <<<"$output")" = "[{\"jid\":\"bob@$XMPP_DOMAIN\",\"subscription\":\"subscribed\"},{\"jid\":\"carol@$XMPP_DOMAIN\",\"subscription\":\"subscribed\"}]" ]
    fi
    run -0 as admin pubsub subscribers team --set "carol@$XMPP_DOMAIN=none" --json
    [ "$output" = "{\"service\":\"$PS\",\"node\":\"team\",\"changed\":true}" ]
    run -0 as admin pubsub subscribers team
    [ "$output" = "bob@$XMPP_DOMAIN subscribed$sub_text" ]
    run -0 as bob pubsub subscriptions team
    [ "$output" = "team bob@$XMPP_DOMAIN subscribed$sub_text" ]
    run -1 --separate-stderr as alice pubsub subscribers team
    [[ $stderr == *"forbidden (auth)$(ej ': Owner privileges required')" ]]

    run -1 as alice pubsub publish team --text before
    run -0 as admin pubsub affiliates team --set "alice@$XMPP_DOMAIN=publisher" --set "carol@$XMPP_DOMAIN=outcast"
    run -0 as admin pubsub affiliates team --json
    [ "$(jq -c '.affiliations | sort_by(.jid)' <<<"$output")" = "[{\"jid\":\"admin@$XMPP_DOMAIN\",\"affiliation\":\"owner\"},{\"jid\":\"alice@$XMPP_DOMAIN\",\"affiliation\":\"publisher\"},{\"jid\":\"carol@$XMPP_DOMAIN\",\"affiliation\":\"outcast\"}]" ]
    run -0 as alice pubsub publish team --id a1 --text after
    [ "$output" = a1 ]
    run -0 as alice pubsub affiliations
    [ "$output" = "team publisher" ]
    run -0 as alice pubsub affiliations team --json
    [ "$output" = "{\"service\":\"$PS\",\"node\":\"team\",\"affiliations\":[{\"node\":\"team\",\"affiliation\":\"publisher\"}]}" ]
    run -1 --separate-stderr as carol pubsub items team
    [[ $stderr == *"forbidden (auth)" ]]
    run -0 as admin pubsub affiliates team --set "alice@$XMPP_DOMAIN=none"
    run -1 as alice pubsub publish team --text again
}

@test "pubsub --set: bad values are 64 or 65 before anything is sent" {
    t=$BATS_TEST_TMPDIR
    run -64 --separate-stderr as admin pubsub affiliates team --set "alice@$XMPP_DOMAIN=boss" --trace "$t/1"
    [[ $stderr == "stanza pubsub: --set alice@$XMPP_DOMAIN: 'boss' is not owner, publisher, publish-only, member, none or outcast"* ]]
    [ ! -s "$t/1" ]
    run -65 --separate-stderr as admin pubsub subscribers team --set "bad@@jid=subscribed"
    [ "$stderr" = "stanza pubsub: --set: invalid JID 'bad@@jid': character not allowed in the domain — nothing was sent" ]
    run -64 --separate-stderr as admin pubsub subscribers team --set "bob@$XMPP_DOMAIN"
    [[ $stderr == "stanza pubsub: --set expects JID=STATE, not 'bob@$XMPP_DOMAIN'"* ]]
    run -64 --separate-stderr as admin pubsub subscribers team --set "bob@$XMPP_DOMAIN=maybe"
}

# --- PEP -------------------------------------------------------------------

@test "pubsub --pep: the account's own nodes; --publish-option preconditions; others are kept out" {
    run -0 as alice pubsub publish --pep urn:example:status --id current --text "at work" \
        --publish-option pubsub#access_model=whitelist
    [ "$output" = current ]
    run -0 as alice pubsub nodes --pep
    grep -qx urn:example:status <<<"$output"
    run -0 as alice pubsub items --pep urn:example:status --json
    [ "$(jq -c '[.service, .items[0].text]' <<<"$output")" = "[\"alice@$XMPP_DOMAIN\",\"at work\"]" ]
    # a precondition that does not hold
    run -1 --separate-stderr as alice pubsub publish --pep urn:example:status --text x \
        --publish-option pubsub#access_model=open --json
    if server_is ejabberd; then
        [ "$stderr" = "stanza pubsub: alice@$XMPP_DOMAIN node=urn:example:status answered with an error: conflict (cancel), precondition-not-met" ]
    else
        [ "$stderr" = "stanza pubsub: alice@$XMPP_DOMAIN node=urn:example:status answered with an error: conflict (cancel), precondition-not-met: Field does not match: access_model" ]
    fi
    [ "$(jq -r .pubsub_condition <<<"$output")" = precondition-not-met ]
    # a PEP service without result sets (Prosody's) answers with every
    # item at once; ejabberd's gives the 100 asked for, here all
    run -0 as alice pubsub config --pep urn:example:status -f pubsub#max_items=30
    run -0 as alice pubsub publish --pep urn:example:status --batch < <(seq 1 25 | sed 's/.*/{"text": "s&"}/')
    run -0 as alice pubsub items --pep urn:example:status --json
    [ "$(jq '.items | length' <<<"$output")" -eq 26 ]
    # bob is not on the whitelist
    run -1 --separate-stderr as bob pubsub items --service "alice@$XMPP_DOMAIN" urn:example:status
    if server_is ejabberd; then
        # not on the whitelist: the error XEP-0060 (§6.5.9) gives for it
        [ "$stderr" = "stanza pubsub: alice@$XMPP_DOMAIN node=urn:example:status answered with an error: not-allowed (cancel), closed-node" ]
    else
        [ "$stderr" = "stanza pubsub: alice@$XMPP_DOMAIN node=urn:example:status answered with an error: forbidden (auth)" ]
    fi
    run -64 --separate-stderr as alice pubsub nodes --pep --service "$PS"
    [[ $stderr == "stanza pubsub: --service and --pep exclude each other"* ]]
    run -64 --separate-stderr as alice pubsub --publish-option a items --pep x
}

# --- listen ----------------------------------------------------------------

@test "pubsub listen: items published by slixmpp arrive as NDJSON; it unsubscribes at the end" {
    run -0 as admin pubsub create live
    run -0 as admin pubsub affiliates live --set "bob@$XMPP_DOMAIN=publisher"
    listen_start a alice live --json --count 3 --until 30 --service "$PS"
    me=$(sed -n 's|^<< <iq [^>]*type="result"><bind [^>]*><jid>\([^<]*\)</jid>.*|\1|p' "$BATS_TEST_TMPDIR/a.trace")
    [[ $me == "alice@$XMPP_DOMAIN/stanza-"* ]]
    run -0 as admin pubsub subscribers live
    if server_is ejabberd; then
        # with the subid of its subscription (XEP-0060 §6.1.6)
        subid=$(sed -n 's|^<< <iq [^>]*type="result".*<subscription [^>]*subid="\([^"]*\)".*|\1|p' "$BATS_TEST_TMPDIR/a.trace")
        [[ $subid =~ ^[0-9A-F]+$ ]]
        [ "$output" = "$me subscribed subid=$subid" ]
    else
        [ "$output" = "$me subscribed" ]
    fi
    run -0 py bob --node live publish --count 2 --text "from bob"
    run -0 as admin pubsub retract live "$(as alice pubsub items live --json | jq -r '.items[0].id')" --notify
    listen_wait a
    [ "$(err a)" = "" ]
    [ "$(out a | wc -l)" -eq 3 ]
    run -0 jq -c '[.kind, .type, .from, .to, .event.node]' "$BATS_TEST_TMPDIR/a.out"
    [ "${lines[0]}" = "[\"message\",\"headline\",\"$PS\",\"$me\",\"live\"]" ]
    run -0 jq -r '.event.items[] | .text // "retracted \(.retract)"' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = $'from bob 1\nfrom bob 2\nretracted true' ]
    # its own subscription is gone; the presence had priority -1
    run -0 as admin pubsub subscribers live
    [ "$output" = "" ]
    grep -q '^>> <presence><priority>-1</priority></presence>' "$BATS_TEST_TMPDIR/a.trace"
}

@test "pubsub listen: several nodes, text output; a node that is deleted ends it" {
    run -0 as admin pubsub create l-one
    run -0 as admin pubsub create l-two
    listen_start a bob l-one l-two --until 30
    run -0 as admin pubsub publish l-one --id i1 --text "first"
    run -0 as admin pubsub publish l-two --id i2 --json-payload '[2]'
    run -0 as admin pubsub delete l-one
    run -0 as admin pubsub delete l-two
    listen_wait a
    [ "$(out a)" = "message headline from $PS event l-one item i1: first
message headline from $PS event l-two item i2: [2]
message headline from $PS event l-one deleted
message headline from $PS event l-two deleted" ]
    [ "$(err a)" = "stanza pubsub: warning: node 'l-one' was deleted
stanza pubsub: warning: node 'l-two' was deleted" ]
}

@test "pubsub listen: a node that does not exist is 1 at the start, and nothing stays subscribed" {
    run -0 as admin pubsub create exists
    run -1 --separate-stderr as alice pubsub listen exists missing --until 5
    [ "$stderr" = "stanza pubsub: $PS node=missing answered with an error: item-not-found (cancel)$(ej ': Node not found')" ]
    run -0 as admin pubsub subscribers exists
    [ "$output" = "" ]
}

@test "pubsub listen --pep: the account's own node through +notify, from another session" {
    run -0 as bob pubsub publish --pep urn:example:mood --id current --text calm
    if server_is ejabberd; then
        # ejabberd sends the last item to a new resource only if it knows
        # its capabilities hash already: it asks a new hash's disco#info
        # when the presence comes, too late for that presence. A first
        # session with the same features teaches it the hash.
        run -0 as bob pubsub listen --pep urn:example:mood --until 1 --trace "$BATS_TEST_TMPDIR/first"
        grep -q '^>> <iq [^>]*type="result"><query xmlns="http://jabber.org/protocol/disco#info" node="urn:stanza#' "$BATS_TEST_TMPDIR/first"
        # it asks no more: our presence back from it says it has seen it
        READY="^<< <presence [^>]*from=\"bob@$XMPP_DOMAIN/stanza-"
    fi
    listen_start a bob --pep urn:example:mood --json --count 2 --until 30
    # the PEP service sends the last item at once, then each new one
    wait_for "$BATS_TEST_TMPDIR/a.out" '"calm"'
    run -0 as bob pubsub publish --pep urn:example:mood --id current --text excited
    listen_wait a
    run -0 jq -c '[.from, .event.node, .event.items[0].id, .event.items[0].text]' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = "[\"bob@$XMPP_DOMAIN\",\"urn:example:mood\",\"current\",\"calm\"]
[\"bob@$XMPP_DOMAIN\",\"urn:example:mood\",\"current\",\"excited\"]" ]
    # entity capabilities: the hash is the one of what disco#info answers
    ver=$(sed -n 's|^>> <presence>.*<c [^>]*ver="\([^"]*\)".*|\1|p' "$BATS_TEST_TMPDIR/a.trace")
    want=$(/usr/bin/python3 -c '
import base64, hashlib, sys
f = sorted(["http://jabber.org/protocol/disco#info", "jabber:iq:version", "urn:xmpp:ping", "urn:example:mood+notify"])
print(base64.b64encode(hashlib.sha1(("client/console//stanza<" + "".join(x + "<" for x in f)).encode()).digest()).decode())')
    [ "$ver" = "$want" ]
    [ "$(err a)" = "" ]
}

@test "pubsub listen --service USER: a contact's PEP node, through presence and +notify" {
    # carol and bob see each other's presence; alice is no contact of bob's
    run -0 as carol raw -q "<presence to='bob@$XMPP_DOMAIN' type='subscribe'/>"
    run -0 as bob raw -q "<presence to='carol@$XMPP_DOMAIN' type='subscribed'/>" \
        "<presence to='carol@$XMPP_DOMAIN' type='subscribe'/>"
    run -0 as carol raw -q "<presence to='bob@$XMPP_DOMAIN' type='subscribed'/>"
    run -0 as bob pubsub publish --pep urn:example:tune --id current --text "song 1"
    if server_is ejabberd; then
        # ejabberd sends a local contact's last item when the contact's
        # session answers our presence probe: bob must be online. It sends
        # a new item through one of the contact's sessions (the first it
        # finds), to those whose presence that session has: bob publishes
        # from his only session, a console that has carol's presence. As
        # above, carol's capabilities hash must be known already.
        mkfifo "$BATS_TEST_TMPDIR/b.in"
        as bob console <"$BATS_TEST_TMPDIR/b.in" >"$BATS_TEST_TMPDIR/b.out" 2>&1 3>&- &
        track $!
        exec 5>"$BATS_TEST_TMPDIR/b.in"
        echo '<presence/>' >&5
        wait_for "$BATS_TEST_TMPDIR/b.out" "^<< <presence [^>]*from=\"bob@$XMPP_DOMAIN/"
        run -0 as carol pubsub listen --service "bob@$XMPP_DOMAIN" urn:example:tune --until 1 --trace "$BATS_TEST_TMPDIR/first"
        grep -q '^>> <iq [^>]*type="result"><query xmlns="http://jabber.org/protocol/disco#info" node="urn:stanza#' "$BATS_TEST_TMPDIR/first"
        READY="^<< <presence [^>]*from=\"carol@$XMPP_DOMAIN/stanza-"
    fi
    listen_start c carol --service "bob@$XMPP_DOMAIN" urn:example:tune --json --count 2 --until 30
    wait_for "$BATS_TEST_TMPDIR/c.out" '"song 1"'
    if server_is ejabberd; then
        me=$(sed -n 's|^<< <iq [^>]*type="result"><bind [^>]*><jid>\([^<]*\)</jid>.*|\1|p' "$BATS_TEST_TMPDIR/c.trace")
        wait_for "$BATS_TEST_TMPDIR/b.out" "^<< <presence [^>]*from=\"$me\""
        echo "<iq type='set' id='song2'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:example:tune'><item id='current'><text xmlns='urn:stanza:text:0'>song 2</text></item></publish></pubsub></iq>" >&5
        wait_for "$BATS_TEST_TMPDIR/b.out" "^<< <iq [^>]*id=\"song2\"[^>]*type=\"result\""
        exec 5>&-
    else
        run -0 as bob pubsub publish --pep urn:example:tune --id current --text "song 2"
    fi
    listen_wait c
    run -0 jq -r '[.from, .event.items[0].text] | join(" ")' "$BATS_TEST_TMPDIR/c.out"
    [ "$output" = "bob@$XMPP_DOMAIN song 1
bob@$XMPP_DOMAIN song 2" ]
    # the presence access model keeps strangers out
    run -1 --separate-stderr as alice pubsub items --service "bob@$XMPP_DOMAIN" urn:example:tune
    if server_is ejabberd; then
        # the error XEP-0060 (§6.5.9) gives for it
        [[ $stderr == *"not-authorized (auth), presence-subscription-required" ]]
    else
        [[ $stderr == *"forbidden (auth)" ]]
    fi
}

@test "pubsub listen: after a lost connection it reconnects and catches up what was published meanwhile" {
    run -0 as admin pubsub create gap -f pubsub#max_items=20
    run -0 as admin pubsub publish gap --id old --text "before listening"
    proxy_start
    SERVER=127.0.0.1:$proxy_port listen_start a alice gap --json --count 4 --until 40 --service "$PS"
    run -0 as admin pubsub publish gap --id g1 --text "live 1"
    wait_for "$BATS_TEST_TMPDIR/a.out" '"g1"'
    echo cut >"$BATS_TEST_TMPDIR/ctl"
    wait_for "$BATS_TEST_TMPDIR/a.err" "reconnecting in"
    run -0 as admin pubsub publish gap --id g2 --text "while away 1"
    run -0 as admin pubsub publish gap --id g3 --text "while away 2"
    echo pass >"$BATS_TEST_TMPDIR/ctl"
    wait_for "$BATS_TEST_TMPDIR/a.err" reconnected
    run -0 as admin pubsub publish gap --id g4 --text "live 2"
    listen_wait a
    run -0 jq -r '.event.items[].id' "$BATS_TEST_TMPDIR/a.out"
    [ "$output" = $'g1\ng2\ng3\ng4' ]
    # the connection lost, perhaps attempts while the proxy refused, then back
    run -0 err a
    [[ ${lines[0]} == "stanza pubsub: warning: connection to 127.0.0.1 lost"*"; reconnecting in "*" s" ]]
    [[ ${lines[-1]} == "stanza pubsub: warning: reconnected after "*" s; 2 items caught up from the node" ]]
    [ "$(grep -vc '; reconnecting in [0-9.]* s$' <<<"$output")" -eq 1 ]
    # one resource, one subscription, gone at the end
    run -0 as admin pubsub subscribers gap
    [ "$output" = "" ]
}

@test "pubsub listen: SIGINT unsubscribes, closes the stream and exits 130; --keep stays subscribed" {
    run -0 as admin pubsub create sig
    listen_start a alice sig --until 30 --service "$PS"
    kill -INT "$(cat "$BATS_TEST_TMPDIR/a.pid")"
    rc=0
    listen_wait a || rc=$?
    [ "$rc" -eq 130 ]
    [ "$(err a)" = "stanza pubsub: interrupted" ]
    grep -q '^>> <iq [^>]*type="set"[^>]*><pubsub xmlns="http://jabber.org/protocol/pubsub"><unsubscribe jid="alice@[^"]*" node="sig"/>' "$BATS_TEST_TMPDIR/a.trace"
    [ "$(grep '^>>' "$BATS_TEST_TMPDIR/a.trace" | tail -1)" = ">> </stream:stream>" ]
    run -0 as admin pubsub subscribers sig
    [ "$output" = "" ]
    run -0 as alice pubsub listen sig --until 1 --keep -r keeper
    run -0 as admin pubsub subscribers sig
    if server_is ejabberd; then
        [[ $output =~ ^alice@$XMPP_DOMAIN/keeper\ subscribed\ subid=[0-9A-F]+$ ]]
    else
        [ "$output" = "alice@$XMPP_DOMAIN/keeper subscribed" ]
    fi
    kept=$output
    # the same resource finds its subscription, and leaves it as it was
    run -0 as alice pubsub listen sig --until 1 -r keeper --trace "$BATS_TEST_TMPDIR/k"
    ! grep -q '<subscribe ' "$BATS_TEST_TMPDIR/k"
    ! grep -q '<unsubscribe ' "$BATS_TEST_TMPDIR/k"
    run -0 as admin pubsub subscribers sig
    [ "$output" = "$kept" ]
}

# --- usage and limits --------------------------------------------------------

@test "pubsub: usage errors are 64; a server that does not answer is 75 within --timeout" {
    run -64 --separate-stderr stanza pubsub
    [[ $stderr == "stanza pubsub: expected a verb: nodes, info, create, publish, items, listen, ..."* ]]
    run -64 --separate-stderr stanza pubsub frob
    [[ $stderr == "stanza pubsub: unknown verb 'frob'"* ]]
    run -64 --separate-stderr stanza pubsub items builds --text x
    [[ $stderr == "stanza pubsub: --text is for 'publish'"* ]]
    run -64 --separate-stderr stanza pubsub info builds --set a=b
    [[ $stderr == "stanza pubsub: --set is for 'subscribers' and 'affiliates'"* ]]
    run -64 --separate-stderr stanza pubsub nodes --keep
    [[ $stderr == "stanza pubsub: --keep is for 'listen'"* ]]
    run -64 --separate-stderr stanza pubsub retract builds
    [[ $stderr == "stanza pubsub: retract: wrong number of arguments"* ]]
    run -64 --separate-stderr stanza pubsub listen
    run -64 --separate-stderr stanza pubsub items builds --max 0
    run -65 --separate-stderr stanza pubsub items ''
    [ "$stderr" = "stanza pubsub: an empty node name — nothing was sent" ]
    run -65 --separate-stderr stanza pubsub items x --service 'bad@@jid'
    [[ $stderr == "stanza pubsub: invalid JID 'bad@@jid' for --service: "* ]]
    "$SERVER_DIR/blackhole" "$BATS_TEST_TMPDIR/bh" >/dev/null 2>&1
    track "$(cat "$BATS_TEST_TMPDIR/bh/blackhole.pid")"
    SECONDS=0
    run -75 --separate-stderr as alice pubsub items builds -t 1 \
        --server "127.0.0.1:$(cat "$BATS_TEST_TMPDIR/bh/blackhole.port")"
    [ "$SECONDS" -lt 5 ]
    [[ $stderr == "stanza pubsub: timed out connecting to 127.0.0.1 after 1.0 s"* ]]
}
