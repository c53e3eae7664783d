#!/usr/bin/env bats
# The multi-call binary: dispatch, help, version, exit codes of misuse

load helpers

@test "cli: stanza --help lists the commands on stdout, exit 0" {
    run -0 --separate-stderr stanza --help
    [[ ${lines[0]} == "usage: stanza "* ]]
    [[ $output == *"  send "* ]]
    [ "$stderr" = "" ]
}

@test "cli: stanza with no arguments prints usage on stderr, exit 64" {
    run -64 --separate-stderr stanza
    [ "$output" = "" ]
    [[ $stderr == "usage: stanza "* ]]
}

@test "cli: --version" {
    run -0 stanza --version
    [[ $output =~ ^stanza\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "cli: 'stanza help send' is 'stanza send --help'" {
    run -0 stanza help send
    help=$output
    run -0 stanza send --help
    [ "$output" = "$help" ]
    [[ ${lines[0]} == "usage: stanza send "* ]]
}

@test "cli: stanza-send (the installed symlink) works like stanza send" {
    [ -L "$(command -v stanza-send)" ]
    run -0 stanza-send --help
    [[ ${lines[0]} == "usage: stanza send "* ]]
    run -0 stanza-send --dry-run bob@example.org hi
    [[ $output == '<message '*'<body>hi</body></message>' ]]
}

@test "cli: every command handles -h and --list-options" {
    for c in $(stanza --list-commands); do
        run -0 stanza "$c" -h
        [[ ${lines[0]} == "usage: stanza $c"* ]]
        run -0 stanza "$c" --list-options
        [[ $output == *"--timeout="* ]]
    done
}

@test "cli: the command table is sorted" {
    run -0 stanza --list-commands
    [ "$output" = "$(stanza --list-commands | LC_ALL=C sort)" ]
}

@test "cli: an unknown command is exit 64 with a hint" {
    run -64 --separate-stderr stanza frobnicate
    [ "$stderr" = "stanza: 'frobnicate' is not a stanza command — see 'stanza --help'" ]
    run -64 --separate-stderr stanza --frobnicate
}

@test "cli: an unknown command runs stanza-NAME from PATH (plug-ins)" {
    mkdir -p "$BATS_TEST_TMPDIR/bin"
    printf '#!/bin/sh\necho "plugin: $*"\nexit 7\n' >"$BATS_TEST_TMPDIR/bin/stanza-hello"
    chmod +x "$BATS_TEST_TMPDIR/bin/stanza-hello"
    PATH="$BATS_TEST_TMPDIR/bin:$PATH" run -7 stanza hello a b
    [ "$output" = "plugin: a b" ]
}

@test "cli: a closed stdout is not an error, a full disk is 74" {
    run -0 bash -c 'stanza --help | true'
    run -74 --separate-stderr bash -c 'stanza send --dry-run bob@example.org hi >/dev/full'
    [[ $stderr == "stanza send: cannot write the output: No space left on device" ]]
}

@test "cli: the exit status table is documented in stanza(1)" {
    run -0 man -P cat stanza
    for code in 0 1 64 65 66 69 70 74 75 76 77 78 130; do
        grep -qE "^ *$code( |$)" <<<"$output" || grep -qE "^ *\*$code\*" <<<"$output" ||
            { echo "exit code $code missing"; return 1; }
    done
}

@test "cli: --help to a full disk is 74, not a silent 0" {
    run -74 --separate-stderr bash -c 'stanza --help >/dev/full'
    run -74 --separate-stderr bash -c 'stanza send --help >/dev/full'
    [ "$stderr" = "stanza send: cannot write the output: No space left on device" ]
}
