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

@test "bash: the completion is registered for stanza and stanza-send" {
    run -0 complete -p stanza
    [[ $output == *"-F _stanza"* ]]
    run -0 complete -p stanza-send
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

@test "zsh: _stanza parses" {
    command -v zsh >/dev/null || skip "zsh is not installed"
    run -0 zsh -n "$prefix/share/zsh/site-functions/_stanza"
}

@test "fish: stanza.fish parses" {
    command -v fish >/dev/null || skip "fish is not installed"
    run -0 fish --no-execute "$prefix/share/fish/vendor_completions.d/stanza.fish"
}
