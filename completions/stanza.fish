# fish completion for stanza(1) and its stanza-COMMAND links
#
# Thin on purpose: commands come from `stanza --list-commands`, options from
# `stanza COMMAND --list-options`, accounts from the [name] lines of the
# config file. Nothing here goes to the network.

# Section names of the config file: --config FILE if typed, else the default.
function __stanza_accounts
    set -l f (set -q XDG_CONFIG_HOME[1]; and test -n "$XDG_CONFIG_HOME"; and echo $XDG_CONFIG_HOME; or echo $HOME/.config)/stanza/config
    set -l words (commandline -opc)
    for i in (seq 2 (count $words))
        switch $words[$i]
            case --config
                set -q words[(math $i + 1)]; and set f $words[(math $i + 1)]
            case '--config=?*'
                set f (string replace -- --config= '' $words[$i])
        end
    end
    set f (string replace -r -- '^~/' "$HOME/" $f)
    test -r "$f"; or return
    string match -r -g -- '^\s*\[\s*([[:alnum:]_.@-]+)\s*\]\s*$' <$f
end

# Prints the completions for the current token.
function __stanza_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l bin $words[1]
    set -l name (string replace -r -- '.*/' '' $bin)
    string match -q -- '*/*' $bin; and test -x $bin; or set bin $name
    set -l first
    set -l opts
    set -l call

    if string match -q -- 'stanza-*' $name # a stanza-COMMAND link
        set first 2
        set call $bin
    else
        set -l cmds ($bin --list-commands </dev/null 2>/dev/null)
        if test (count $words) -eq 1
            if string match -q -- '-*' $cur
                printf '%s\n' --help --version --list-commands
            else # built-ins, plug-ins (stanza-* on PATH) and help
                begin
                    printf '%s\n' $cmds help
                    complete -C stanza- | string replace -r -- '^stanza-(\S+).*' '$1'
                end | sort -u
            end
            return
        end
        set first 3
        if test "$words[2]" = help
            test (count $words) -eq 2; and printf '%s\n' $cmds
            return
        end
        # ask only built-ins: a plug-in may not know --list-options
        contains -- $words[2] $cmds; or return
        set call $bin $words[2]
    end
    set -l cmd (string replace -r -- '^(.*/)?stanza-' '' $call[-1])
    set opts ($call --list-options </dev/null 2>/dev/null)
    set -l takes (string match -- '*=' $opts | string replace -- '=' '')
    # Short options that take a value: --list-options names long ones only,
    # so they come from the command's --help ("  -c, --count <n>").
    set -l shorts ($call --help </dev/null 2>/dev/null |
        string replace -r -f -- '^ *(-[[:alnum:]]), --[[:alnum:]-]* <.*' '$1')
    # commands with subcommands (roster, presence) list them
    set -l verbs ($call --list-commands </dev/null 2>/dev/null)
    set -l verb

    # Options end at the first argument or at "--" (POSIX order): after that
    # come recipients and message words, with nothing to offer. The first
    # argument of a command with subcommands is one, and its own options
    # follow it.
    set -l i $first
    while test $i -le (count $words)
        set -l w $words[$i]
        if test "$w" = --
            return
        else if string match -q -- '--*=*' $w
        else if string match -q -- '--*' $w
            contains -- $w $takes; and set i (math $i + 1)
        else if contains -- $w $shorts
            set i (math $i + 1)
        else if not string match -q -- '-?*' $w
            if test -z "$verb"; and contains -- $w $verbs
                set verb $w
                set call $call $verb
                set opts ($call --list-options </dev/null 2>/dev/null)
                set takes (string match -- '*=' $opts | string replace -- '=' '')
                set shorts ($call --help </dev/null 2>/dev/null |
                    string replace -r -f -- '^ *(-[[:alnum:]]), --[[:alnum:]-]* <.*' '$1')
            else
                return
            end
        end
        set i (math $i + 1)
    end

    # The value of an option: "--opt=value" or "--opt value".
    set -l opt
    set -l prefix
    if string match -q -- '--*=*' $cur
        set opt (string split -m 1 -- = $cur)[1]
        set prefix $opt=
        set cur (string split -m 1 -- = $cur)[2]
    else if test (count $words) -ge $first
        if contains -- $words[-1] $takes; or contains -- $words[-1] $shorts
            set opt $words[-1]
        end
    end
    if test -n "$opt"
        switch $opt
            case --password-file --ca-file --client-cert --client-key --trace --config
                __fish_complete_path $cur | string replace -r -- '^' "$prefix"
            case -o --output
                printf "$prefix%s\n" text json xml
            case --type
                if test "$cmd" = listen # any type attribute: messages, presences, IQs
                    printf "$prefix%s\n" chat normal headline groupchat error available unavailable \
                        subscribe subscribed unsubscribe unsubscribed probe get set result
                else
                    printf "$prefix%s\n" chat normal headline
                end
            case --kind
                printf "$prefix%s\n" any message presence iq
            case --chat-state
                printf "$prefix%s\n" active composing paused inactive gone
            case --presence-show --show
                printf "$prefix%s\n" available away chat dnd xa
            case -a --account
                for a in (__stanza_accounts)
                    printf '%s%s\n' "$prefix" $a
                end
        end
        return
    end

    if string match -q -- '-*' $cur
        string replace -- '=' '' $opts
    else if set -q verbs[1]; and test -z "$verb"
        printf '%s\n' $verbs
    end
end

complete -c stanza -f -a '(__stanza_complete)'
complete -c stanza-send -f -a '(__stanza_complete)'
for __stanza_c in (stanza --list-commands </dev/null 2>/dev/null)
    complete -c stanza-$__stanza_c -f -a '(__stanza_complete)'
end
set -e __stanza_c
