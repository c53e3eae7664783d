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

# Commands whose first argument is a verb; their options may also follow
# arguments (GNU order).
function __stanza_verbs
    switch $argv[1]
        case command
            printf '%s\n' list run
        case disco
            printf '%s\n' info items tree find
        case muc
            printf '%s\n' say pm tail history occupants topic nick kick ban role affiliation list invite create config destroy list-rooms
        case pubsub
            printf '%s\n' nodes info create config delete purge publish retract items \
                subscribe unsubscribe subscriptions subscribers affiliations affiliates listen
    end
end

# The arguments of command $argv[1] with verbs; $argv[2..] the arguments
# before the cursor (the verb first).
function __stanza_verb_argument
    set -l cmd $argv[1]
    set -l args $argv[2..-1]
    if test (count $args) -eq 0
        __stanza_verbs $cmd
    else if test "$cmd" = disco -a "$args[1]" = find -a (count $args) -eq 1
        printf '%s\n' http://jabber.org/protocol/muc urn:xmpp:http:upload:0 \
            http://jabber.org/protocol/pubsub http://jabber.org/protocol/commands \
            http://jabber.org/protocol/bytestreams urn:xmpp:mam:2 \
            conference/text pubsub/service pubsub/pep proxy/bytestreams store/file \
            server/im gateway/irc automation/command-list
    else if test "$cmd" = command -a "$args[1]" = run -a (count $args) -eq 2
        # the service administration nodes (XEP-0133)
        printf 'http://jabber.org/protocol/admin#%s\n' add-user delete-user disable-user \
            reenable-user end-user-session change-user-password get-user-roster \
            get-user-lastlogin user-stats get-registered-users-num get-online-users-num \
            get-active-users-num get-registered-users-list get-online-users-list \
            get-active-users announce set-motd edit-motd delete-motd set-welcome \
            delete-welcome edit-admin restart shutdown
    else if test "$cmd" = muc -a (count $args) -eq 3 -a "$args[1]" = role
        printf '%s\n' none visitor participant moderator
    else if test "$cmd" = muc -a (count $args) -eq 3 -a "$args[1]" = affiliation
        printf '%s\n' owner admin member outcast none
    else if test "$cmd" = muc -a (count $args) -eq 2 -a "$args[1]" = list
        printf '%s\n' owner admin member outcast
    end
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
    # commands with verbs (disco, command) know them here; commands with
    # subcommands (roster, presence) list them
    set -l verbs (__stanza_verbs $cmd)
    set -l args
    set -l subs
    set -l sub
    set -q verbs[1]; or set subs ($call --list-commands </dev/null 2>/dev/null)

    # Options end at the first argument or at "--" (POSIX order): after that
    # come recipients and message words, with nothing to offer. The first
    # argument of a command with subcommands is one, and its own options
    # follow it. Commands with verbs take options after arguments too.
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
        else if not string match -q -- '-?*' $w; and set -q verbs[1]
            set -a args $w
        else if not string match -q -- '-?*' $w
            if test -z "$sub"; and contains -- $w $subs
                set sub $w
                set call $call $sub
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
            case --password-file --ca-file --client-cert --client-key --trace --config --form --room-password-file --cursor
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
    else if set -q verbs[1]
        __stanza_verb_argument $cmd $args
    else if set -q subs[1]; and test -z "$sub"
        printf '%s\n' $subs
    end
end

complete -c stanza -f -a '(__stanza_complete)'
complete -c stanza-send -f -a '(__stanza_complete)'
for __stanza_c in (stanza --list-commands </dev/null 2>/dev/null)
    complete -c stanza-$__stanza_c -f -a '(__stanza_complete)'
end
set -e __stanza_c
