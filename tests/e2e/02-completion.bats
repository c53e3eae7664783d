#!/usr/bin/env bats
# Shell completions of the installed layout. bash is driven as bash itself
# drives a completion function (COMP_WORDS, COMP_CWORD), as git's
# t/t9902-completion.sh does; zsh and fish are syntax-checked when present.
# Nothing here needs a server.

bats_require_minimum_version 1.5.0

setup() {
    bin=$(command -v stanza)
    prefix=$(cd "$(dirname "$bin")/.." && pwd)
    export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
    mkdir -p "$XDG_CONFIG_HOME/stanza"
    # shellcheck source=/dev/null
    source "$prefix/share/bash-completion/completions/stanza"
}

# complete WORD... : runs the completion with the last WORD as the one under
# the cursor, as bash does for "WORD WORD ...<TAB>".
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _stanza
}

# expect WORD... : COMPREPLY is exactly these words, in this order.
expect() {
    local got want
    got=$(printf '<%s>' "${COMPREPLY[@]}")
    want=$(printf '<%s>' "$@")
    [ $# -eq 0 ] && want=
    [ ${#COMPREPLY[@]} -eq 0 ] && got=
    if [ "$got" != "$want" ]; then
        echo "expected: $want"
        echo "got:      $got"
        return 1
    fi
}

@test "the installed completion files exist" {
    [ -f "$prefix/share/bash-completion/completions/stanza" ]
    [ -f "$prefix/share/zsh/site-functions/_stanza" ]
    [ -f "$prefix/share/fish/vendor_completions.d/stanza.fish" ]
}

@test "bash: the completion is registered for stanza, stanza-send and stanza-listen" {
    run -0 complete -p stanza
    [[ $output == *"-F _stanza"* ]]
    run -0 complete -p stanza-send
    [[ $output == *"-F _stanza"* ]]
    run -0 complete -p stanza-listen
    [[ $output == *"-F _stanza"* ]]
}

@test "bash: stanza s<TAB> offers send" {
    complete_words stanza s
    expect send
}

@test "bash: stanza -<TAB> offers stanza's own options" {
    complete_words stanza -
    expect --help --version --list-commands
}

@test "bash: stanza help <TAB> offers the commands" {
    complete_words stanza help ''
    expect $(stanza --list-commands)
}

@test "bash: stanza send --ty<TAB> offers --type" {
    complete_words stanza send --ty
    expect --type
}

@test "bash: stanza send --type <TAB> offers the message types" {
    complete_words stanza send --type ''
    expect chat normal headline
}

@test "bash: stanza send --type h<TAB> offers headline" {
    complete_words stanza send --type h
    expect headline
}

@test "bash: stanza send -o <TAB> offers the output formats" {
    complete_words stanza send -o ''
    expect text json xml
}

@test "bash: --output=<TAB>, split at '=' as bash does, offers the formats" {
    complete_words stanza send --output = ''
    expect text json xml
}

@test "bash: --output=j<TAB> as one word keeps the option" {
    complete_words stanza send --output=j
    expect --output=json
}

@test "bash: stanza-send --ty<TAB> offers --type" {
    complete_words stanza-send --ty
    expect --type
}

@test "bash: stanza send --bounce<TAB> offers --bounce-wait" {
    complete_words stanza send --bounce
    expect --bounce-wait
}

@test "bash: -a <TAB> offers the config file's sections" {
    printf '%s\n' '# accounts' '[default]' 'jid = a@example.org' \
        '  [ work ]  ' '; [commented]' 'x = [not-a-section]' '[bot.x]' \
        >"$XDG_CONFIG_HOME/stanza/config"
    complete_words stanza send -a ''
    expect default work bot.x
    complete_words stanza send --account w
    expect work
}

@test "bash: -a <TAB> reads the file given with --config" {
    printf '[other]\n' >"$BATS_TEST_TMPDIR/alt"
    complete_words stanza send --config "$BATS_TEST_TMPDIR/alt" -a ''
    expect other
}

@test "bash: -a <TAB> without a config file offers nothing" {
    complete_words stanza send -a ''
    expect
}

@test "bash: --ca-file <TAB> completes file names" {
    touch "$BATS_TEST_TMPDIR/ca.pem"
    complete_words stanza send --ca-file "$BATS_TEST_TMPDIR/ca."
    expect "$BATS_TEST_TMPDIR/ca.pem"
}

@test "bash, fish: stanza listen --cur<TAB> offers --cursor, which takes a file name" {
    touch "$BATS_TEST_TMPDIR/place"
    complete_words stanza listen --cur
    expect --cursor
    complete_words stanza listen --cursor "$BATS_TEST_TMPDIR/pla"
    expect "$BATS_TEST_TMPDIR/place"
    command -v fish >/dev/null || skip "fish is not installed"
    run -0 fish_complete "stanza listen --cursor $BATS_TEST_TMPDIR/pla"
    [ "$output" = "$BATS_TEST_TMPDIR/place" ]
}

@test "bash: options are offered after options, not after the first argument" {
    complete_words stanza send --type chat -s hi --thr
    expect --thread
    complete_words stanza send bob@example.org --ty
    expect
    complete_words stanza send -- --ty
    expect
}

@test "bash: an option's value is not completed as an option" {
    complete_words stanza send -s --ty
    expect
}

@test "bash: stanza li<TAB> offers listen" {
    complete_words stanza li
    expect listen
}

@test "bash: stanza listen --ki<TAB> offers --kind; --rep<TAB> offers --reply" {
    complete_words stanza listen --ki
    expect --kind
    complete_words stanza listen --rep
    expect --reply
}

@test "bash: stanza listen --kind <TAB> offers the kinds" {
    complete_words stanza listen --kind ''
    expect any message presence iq
    complete_words stanza listen --kind m
    expect message
    complete_words stanza listen --kind=p
    expect --kind=presence
}

@test "bash: stanza listen --presence-show <TAB> offers the shows" {
    complete_words stanza listen --presence-show ''
    expect available away chat dnd xa
}

@test "bash: stanza listen --type <TAB> offers every type; send's stay message types" {
    complete_words stanza listen --type ''
    expect chat normal headline groupchat error available unavailable subscribe subscribed \
        unsubscribe unsubscribed probe get set result
    complete_words stanza listen --type g
    expect groupchat get
    complete_words stanza send --type ''
    expect chat normal headline
}

@test "bash: stanza-listen --kind <TAB> offers the kinds" {
    complete_words stanza-listen --kind ''
    expect any message presence iq
    complete_words stanza-listen --no-rec
    expect --no-reconnect
}

@test "bash: listen's -c and -e take a value; send's -s is not listen's" {
    complete_words stanza listen -c 3 -e 'cat' --ki
    expect --kind
    complete_words stanza listen -c --ki
    expect
    complete_words stanza listen -e --ki
    expect
    # listen has no -s: what follows it is not its value
    complete_words stanza listen -s --ki
    expect --kind
    complete_words stanza listen -o ''
    expect text json xml
}

@test "bash: stanza listen takes no arguments: nothing after one" {
    complete_words stanza listen extra --ki
    expect
}

# zsh_complete WORD...: runs the zsh completion with the last WORD under the
# cursor; compadd is replaced by a stub that prints the candidates that
# start with the word, one per line.
zsh_complete() {
    zsh -f -c '
compadd() {
    local -a w
    local x
    while [[ $1 == -* ]]; do
        case $1 in
        -a) w=(${(P)2}); shift 2; break ;;
        --) shift; break ;;
        *) shift ;;
        esac
    done
    (( $#w )) || w=("$@")
    for x in $w; do [[ $x == ${PREFIX}* ]] && print -r -- $x; done
    return 0
}
compset() { [[ $1 == -P ]] && PREFIX=${PREFIX#*=}; return 0; }
_files() { :; }
words=("$@"); CURRENT=$#; PREFIX=$words[CURRENT]
source "$0"' "$prefix/share/zsh/site-functions/_stanza" "$@"
}

@test "zsh: stanza listen offers its options and their values" {
    command -v zsh >/dev/null || skip "zsh is not installed"
    run -0 zsh_complete stanza listen --kind ''
    [ "$output" = $'any\nmessage\npresence\niq' ]
    run -0 zsh_complete stanza listen --presence-show d
    [ "$output" = dnd ]
    run -0 zsh_complete stanza listen --type gr
    [ "$output" = groupchat ]
    run -0 zsh_complete stanza send --type ''
    [ "$output" = $'chat\nnormal\nheadline' ]
    run -0 zsh_complete stanza listen --kind=p
    [ "$output" = presence ]
    run -0 zsh_complete stanza listen -c 3 --ki
    [ "$output" = --kind ]
    run zsh_complete stanza listen -e --ki
    [ "$output" = "" ]
    run -0 zsh_complete stanza-listen --no-rec
    [ "$output" = --no-reconnect ]
}

# fish_complete LINE: what fish offers for LINE (sorted, one per line)
fish_complete() {
    fish --no-config -c "source '$prefix/share/fish/vendor_completions.d/stanza.fish'
complete -C '$1'" | cut -f1
}

@test "fish: stanza listen offers its options and their values" {
    command -v fish >/dev/null || skip "fish is not installed"
    run -0 fish_complete 'stanza listen --kind '
    [ "$output" = $'any\niq\nmessage\npresence' ]
    run -0 fish_complete 'stanza listen --presence-show d'
    [ "$output" = dnd ]
    run -0 fish_complete 'stanza listen --type gr'
    [ "$output" = groupchat ]
    run -0 fish_complete 'stanza send --type '
    [ "$output" = $'chat\nheadline\nnormal' ]
    run -0 fish_complete 'stanza listen --kind=p'
    [ "$output" = --kind=presence ]
    run -0 fish_complete 'stanza listen -c 3 --ki'
    [ "$output" = --kind ]
    run -0 fish_complete 'stanza listen -e --ki'
    [ "$output" = "" ]
    run -0 fish_complete 'stanza-listen --no-rec'
    [ "$output" = --no-reconnect ]
}

@test "zsh: _stanza parses" {
    command -v zsh >/dev/null || skip "zsh is not installed"
    run -0 zsh -n "$prefix/share/zsh/site-functions/_stanza"
}

@test "fish: stanza.fish parses" {
    command -v fish >/dev/null || skip "fish is not installed"
    run -0 fish --no-execute "$prefix/share/fish/vendor_completions.d/stanza.fish"
}

@test "bash: stanza iq <TAB> offers common namespaces" {
    complete_words stanza iq jabber:iq:v
    expect jabber:iq:version
}

@test "bash: stanza roster <TAB> offers the subcommands, then each one's options" {
    complete_words stanza roster ''
    expect $(stanza roster --list-commands)
    complete_words stanza roster a
    expect add approve
    complete_words stanza roster --json -a work un
    expect unsubscribe
    complete_words stanza roster add --na
    expect --name
    complete_words stanza roster list --pre
    expect --presence
    # add does not take --presence; nothing after the JID
    complete_words stanza roster add --pre
    expect
    complete_words stanza roster add --name Bob bob@example.org --gr
    expect
    complete_words stanza-roster im
    expect import
    complete_words stanza-roster subscribe --mes
    expect --message
}

@test "zsh, fish: stanza roster offers the subcommands and their options" {
    if command -v zsh >/dev/null; then
        run -0 zsh_complete stanza roster a
        [ "$output" = $'add\napprove' ]
        run -0 zsh_complete stanza roster --json add --gr
        [ "$output" = --group ]
    fi
    if command -v fish >/dev/null; then
        run -0 fish_complete 'stanza roster a'
        [ "$output" = $'add\napprove' ]
        run -0 fish_complete 'stanza roster add --gr'
        [ "$output" = --group ]
    fi
}

@test "bash, zsh, fish: stanza presence set --show <TAB> offers the shows" {
    complete_words stanza presence ''
    expect set get
    complete_words stanza presence set --show ''
    expect available away chat dnd xa
    complete_words stanza presence --json get --w
    expect --wait
    if command -v zsh >/dev/null; then
        run -0 zsh_complete stanza presence set --show d
        [ "$output" = dnd ]
    fi
    if command -v fish >/dev/null; then
        run -0 fish_complete 'stanza presence set --show d'
        [ "$output" = dnd ]
    fi
}

@test "bash, zsh, fish: stanza send --chat-state <TAB> offers the states" {
    complete_words stanza send --chat-state ''
    expect active composing paused inactive gone
    complete_words stanza send --rec
    expect --receipt
    if command -v zsh >/dev/null; then
        run -0 zsh_complete stanza send --chat-state p
        [ "$output" = paused ]
    fi
    if command -v fish >/dev/null; then
        run -0 fish_complete 'stanza send --chat-state p'
        [ "$output" = paused ]
    fi
}

@test "bash: stanza bl<TAB> offers block; block --l<TAB> offers --list" {
    complete_words stanza bl
    expect block
    complete_words stanza block --l
    expect --list
    complete_words stanza unblock --a
    expect --all --account
}

@test "bash: stanza disco <TAB> offers the verbs; options also after arguments" {
    complete_words stanza disco ''
    expect info items tree find
    complete_words stanza disco t
    expect tree
    complete_words stanza disco tree --de
    expect --depth
    complete_words stanza disco --json tree example.org --par
    expect --parallel
    complete_words stanza disco -d 2 tree ''
    expect
    complete_words stanza-disco i
    expect info items
}

@test "bash: stanza disco find <TAB> offers features and identities" {
    complete_words stanza disco find conf
    expect conference/text
    complete_words stanza disco find urn:xmpp:http
    expect urn:xmpp:http:upload:0
    complete_words stanza disco find conference/text ''
    expect
}

@test "zsh: stanza disco offers verbs, options after arguments, features" {
    command -v zsh >/dev/null || skip "zsh is not installed"
    run -0 zsh_complete stanza disco ''
    [ "$output" = $'info\nitems\ntree\nfind' ]
    run -0 zsh_complete stanza disco tree example.org --dep
    [ "$output" = --depth ]
    run -0 zsh_complete stanza disco find proxy
    [ "$output" = proxy/bytestreams ]
}

@test "fish: stanza disco offers verbs, options after arguments, features" {
    command -v fish >/dev/null || skip "fish is not installed"
    run -0 fish_complete 'stanza disco '
    [ "$output" = $'find\ninfo\nitems\ntree' ]
    run -0 fish_complete 'stanza disco tree example.org --dep'
    [ "$output" = --depth ]
    run -0 fish_complete 'stanza disco find proxy'
    [ "$output" = proxy/bytestreams ]
}

@test "bash: stanza command <TAB> offers list and run; run JID <TAB> the admin nodes" {
    complete_words stanza command ''
    expect list run
    complete_words stanza command run example.org http://jabber.org/protocol/admin#add
    expect http://jabber.org/protocol/admin#add-user
    complete_words stanza command run --fi
    expect --field
    complete_words stanza command run example.org node --inter
    expect --interactive
    touch "$BATS_TEST_TMPDIR/form.json"
    complete_words stanza command run --form "$BATS_TEST_TMPDIR/form.j"
    expect "$BATS_TEST_TMPDIR/form.json"
}

@test "zsh and fish: stanza command offers verbs and the admin nodes" {
    command -v zsh >/dev/null || skip "zsh is not installed"
    command -v fish >/dev/null || skip "fish is not installed"
    run -0 zsh_complete stanza command ''
    [ "$output" = $'list\nrun' ]
    run -0 zsh_complete stanza command run example.org http://jabber.org/protocol/admin#announ
    [ "$output" = http://jabber.org/protocol/admin#announce ]
    run -0 fish_complete 'stanza command '
    [ "$output" = $'list\nrun' ]
    run -0 fish_complete 'stanza command run example.org http://jabber.org/protocol/admin#announ'
    [ "$output" = http://jabber.org/protocol/admin#announce ]
}

@test "bash: stanza muc <TAB> offers the verbs; roles, affiliations and lists after them" {
    complete_words stanza muc ''
    expect say pm tail history occupants topic nick kick ban role affiliation list invite \
        create config destroy list-rooms
    complete_words stanza muc k
    expect kick
    complete_words stanza muc role r@conference.example.org bob ''
    expect none visitor participant moderator
    complete_words stanza muc affiliation r@conference.example.org bob@example.org o
    expect owner outcast
    complete_words stanza muc list r@conference.example.org ''
    expect owner admin member outcast
    complete_words stanza muc tail r@conference.example.org --no-rec
    expect --no-reconnect
    touch "$BATS_TEST_TMPDIR/room.pw"
    complete_words stanza muc say --room-password-file "$BATS_TEST_TMPDIR/room.p"
    expect "$BATS_TEST_TMPDIR/room.pw"
    complete_words stanza send --mu
    expect --muc
}

@test "zsh and fish: stanza muc offers verbs and roles" {
    command -v zsh >/dev/null || skip "zsh is not installed"
    command -v fish >/dev/null || skip "fish is not installed"
    run -0 zsh_complete stanza muc ki
    [ "$output" = kick ]
    run -0 zsh_complete stanza muc role r@conference.example.org bob v
    [ "$output" = visitor ]
    run -0 fish_complete 'stanza muc ki'
    [ "$output" = kick ]
    run -0 fish_complete 'stanza muc list r@conference.example.org o'
    [ "$output" = $'outcast\nowner' ]
}

@test "bash: stanza pubsub <TAB> offers the verbs; their options also after arguments" {
    complete_words stanza pubsub ''
    expect nodes info create config delete purge publish retract items subscribe \
        unsubscribe subscriptions subscribers affiliations affiliates listen
    complete_words stanza pubsub sub
    expect subscribe subscriptions subscribers
    complete_words stanza pubsub publish builds --json-p
    expect --json-payload
    complete_words stanza pubsub --service pubsub.example.org listen builds --ke
    expect --keep --keepalive
    touch "$BATS_TEST_TMPDIR/node.json"
    complete_words stanza pubsub config builds --form "$BATS_TEST_TMPDIR/node.j"
    expect "$BATS_TEST_TMPDIR/node.json"
    complete_words stanza-pubsub aff
    expect affiliations affiliates
}

@test "zsh and fish: stanza pubsub offers its verbs and options" {
    command -v zsh >/dev/null || skip "zsh is not installed"
    command -v fish >/dev/null || skip "fish is not installed"
    run -0 zsh_complete stanza pubsub aff
    [ "$output" = $'affiliations\naffiliates' ]
    run -0 zsh_complete stanza pubsub items builds --ma
    [ "$output" = --max ]
    run -0 fish_complete 'stanza pubsub aff'
    [ "$output" = $'affiliates\naffiliations' ]
    run -0 fish_complete 'stanza pubsub retract builds --not'
    [ "$output" = --notify ]
}
