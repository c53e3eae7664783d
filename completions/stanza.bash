# bash completion for stanza(1) and its stanza-COMMAND links
#
# Thin on purpose: commands come from `stanza --list-commands`, options from
# `stanza COMMAND --list-options`, accounts from the [name] lines of the
# config file. Nothing here goes to the network.

# Short options that take a value: --list-options names long ones only, so
# they come from the command's --help ("  -c, --count <n>"). Prints them on
# one line; the caller keeps them in $shorts.
_stanza_shorts() {
    "$@" --help </dev/null 2>/dev/null |
        sed -n 's/^ *\(-[[:alnum:]]\), --[[:alnum:]-]* <.*/\1/p' | tr '\n' ' '
}

# Is $1 one of the command's short options that take a value?
_stanza_short_arg() {
    [[ $1 == -? && " $shorts " == *" $1 "* ]]
}

# The binary to ask: the one typed, if typed with a path, else from PATH.
_stanza_bin() {
    local w0=${COMP_WORDS[0]}
    if [[ $w0 == */* && -x $w0 ]]; then
        printf '%s\n' "$w0"
    else
        printf '%s\n' "${w0##*/}"
    fi
}

# Section names of the config file: --config FILE if typed, else the default.
_stanza_accounts() {
    local f=${XDG_CONFIG_HOME:-$HOME/.config}/stanza/config line i
    local re='^[[:space:]]*\[[[:space:]]*([[:alnum:]_.@-]+)[[:space:]]*\][[:space:]]*$'
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --config) [[ ${COMP_WORDS[i + 1]} != = ]] && f=${COMP_WORDS[i + 1]} ;;
        --config=?*) f=${COMP_WORDS[i]#--config=} ;;
        =) [[ ${COMP_WORDS[i - 1]} == --config ]] && f=${COMP_WORDS[i + 1]} ;;
        esac
    done
    [[ $f == \~/* ]] && f=$HOME/${f:2}
    [[ -r $f ]] || return 0
    while IFS= read -r line || [[ -n $line ]]; do
        if [[ $line =~ $re ]]; then
            printf '%s\n' "${BASH_REMATCH[1]}"
        fi
    done <"$f"
    return 0
}

# Fills COMPREPLY with the values for option $1 of command $3 that start
# with $2.
_stanza_value() {
    local words=
    case $1 in
    --password-file | --ca-file | --client-cert | --client-key | --trace | --config | --form | --cursor | \
        --room-password-file)
        compopt -o filenames 2>/dev/null || true
        mapfile -t COMPREPLY < <(compgen -f -- "$2")
        return
        ;;
    -o | --output) words='text json xml' ;;
    --type)
        case $3 in
        listen) # any type attribute: of messages, presences, IQs
            words='chat normal headline groupchat error available unavailable subscribe
                subscribed unsubscribe unsubscribed probe get set result'
            ;;
        *) words='chat normal headline' ;;
        esac
        ;;
    --kind) words='any message presence iq' ;;
    --chat-state) words='active composing paused inactive gone' ;;
    --presence-show | --show) words='available away chat dnd xa' ;;
    -a | --account) words=$(_stanza_accounts) ;;
    esac
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$2")
    return 0
}

# Commands whose first argument is a verb; their options may also follow
# arguments (GNU order).
_stanza_verbs() {
    case $1 in
    command) echo 'list run' ;;
    disco) echo 'info items tree find' ;;
    muc) echo 'say pm tail history occupants topic nick kick ban role affiliation list invite create config destroy list-rooms' ;;
    pubsub)
        echo 'nodes info create config delete purge publish retract items subscribe
            unsubscribe subscriptions subscribers affiliations affiliates listen'
        ;;
    esac
}

# The service administration nodes (XEP-0133), for `command run JID <TAB>`.
_stanza_admin_nodes() {
    local n
    for n in add-user delete-user disable-user reenable-user end-user-session \
        change-user-password get-user-roster get-user-lastlogin user-stats \
        get-registered-users-num get-online-users-num get-active-users-num \
        get-registered-users-list get-online-users-list get-active-users \
        announce set-motd edit-motd delete-motd set-welcome delete-welcome \
        edit-admin restart shutdown; do
        echo "http://jabber.org/protocol/admin#$n"
    done
}

# The arguments of a command with verbs: $1 command, $2 the word under the
# cursor, then the arguments before it (the verb first).
_stanza_verb_argument() {
    local cmd=$1 cur=$2 words=
    shift 2
    if (($# == 0)); then
        words=$(_stanza_verbs "$cmd")
    elif [[ $cmd == disco && $1 == find && $# == 1 ]]; then
        words='http://jabber.org/protocol/muc urn:xmpp:http:upload:0
            http://jabber.org/protocol/pubsub http://jabber.org/protocol/commands
            http://jabber.org/protocol/bytestreams urn:xmpp:mam:2
            conference/text pubsub/service pubsub/pep proxy/bytestreams store/file
            server/im gateway/irc automation/command-list'
    elif [[ $cmd == command && $1 == run && $# == 2 ]]; then
        words=$(_stanza_admin_nodes)
    elif [[ $cmd == muc && $# == 3 && $1 == role ]]; then
        words='none visitor participant moderator'
    elif [[ $cmd == muc && $# == 3 && $1 == affiliation ]]; then
        words='owner admin member outcast none'
    elif [[ $cmd == muc && $# == 2 && $1 == list ]]; then
        words='owner admin member outcast'
    fi
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}

# The first argument of a command: the namespaces people ask most with
# `iq`; `raw` takes XML and the others JIDs, where there is nothing to offer.
_stanza_first_argument() {
    local ns='jabber:iq:roster jabber:iq:version jabber:iq:last
        jabber:iq:register jabber:iq:private urn:xmpp:ping urn:xmpp:time
        http://jabber.org/protocol/disco#info
        http://jabber.org/protocol/disco#items vcard-temp'
    case $1 in
    iq) mapfile -t COMPREPLY < <(compgen -W "$ns" -- "$2") ;;
    raw) ;;
    console) ;; # no arguments: stanzas come from the terminal or standard input
    block | unblock) ;; # JIDs: the blocked ones are on the server, not asked here
    esac
}

# Fills takes with the options in opts that take a value.
_stanza_takes() {
    local w
    takes=()
    for w in "${opts[@]}"; do
        [[ $w == *= ]] && takes+=("${w%=}")
    done
    return 0
}

_stanza() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev='' bin name first i w opt='' val
    local cmd shorts verbs sub=''
    local -a cmds opts takes plugins call args subs
    COMPREPLY=()
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    bin=$(_stanza_bin)
    name=${bin##*/}

    if [[ $name == stanza-* ]]; then # called through a stanza-COMMAND link
        first=1
        cmd=${name#stanza-}
        call=("$bin")
    else
        mapfile -t cmds < <("$bin" --list-commands </dev/null 2>/dev/null)
        if ((COMP_CWORD == 1)); then
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W \
                    '--help --version --list-commands' -- "$cur")
            else # built-ins, plug-ins (stanza-* on PATH) and help
                mapfile -t plugins < <(compgen -c stanza-)
                mapfile -t COMPREPLY < <(compgen -W \
                    "${cmds[*]} ${plugins[*]#stanza-} help" -- "$cur" | sort -u)
            fi
            return 0
        fi
        first=2
        if [[ ${COMP_WORDS[1]} == help ]]; then
            ((COMP_CWORD == 2)) &&
                mapfile -t COMPREPLY < <(compgen -W "${cmds[*]}" -- "$cur")
            return 0
        fi
        # ask only built-ins: a plug-in may not know --list-options
        [[ " ${cmds[*]} " == *" ${COMP_WORDS[1]} "* ]] || return 0
        cmd=${COMP_WORDS[1]}
        call=("$bin" "$cmd")
    fi
    mapfile -t opts < <("${call[@]}" --list-options </dev/null 2>/dev/null)
    shorts=$(_stanza_shorts "${call[@]}")
    _stanza_takes
    # commands with verbs (disco, command) know them here; commands with
    # subcommands (roster, presence) list them
    verbs=$(_stanza_verbs "$cmd")
    [[ -n $verbs ]] ||
        mapfile -t subs < <("${call[@]}" --list-commands </dev/null 2>/dev/null)

    # Options end at the first argument or at "--" (POSIX order): after
    # that come recipients and message words, with nothing to offer. The
    # first argument of a command with subcommands is one, and its own
    # options follow it. Commands with verbs take options after arguments
    # too.
    for ((i = first; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == -- ]]; then
            return 0
        elif [[ $w == = ]]; then # "--opt" "=" "value": skip the value
            ((i++))
        elif [[ $w == --*=* ]]; then
            continue
        elif [[ $w == --* ]]; then
            if [[ " ${takes[*]} " == *" $w "* && ${COMP_WORDS[i + 1]} != = ]]; then
                ((i++))
            fi
        elif _stanza_short_arg "$w"; then
            ((i++))
        elif [[ $w != -?* && -n $verbs ]]; then
            args+=("$w")
        elif [[ $w != -?* ]]; then
            if [[ -z $sub && " ${subs[*]} " == *" $w "* ]]; then
                sub=$w
                mapfile -t opts < <("${call[@]}" "$sub" --list-options </dev/null 2>/dev/null)
                shorts=$(_stanza_shorts "${call[@]}" "$sub")
                _stanza_takes
                continue
            fi
            return 0
        fi
    done

    # The value of an option: "--opt value", "--opt=value" split by bash
    # at "=" (COMP_WORDBREAKS), or "--opt=value" as one word.
    if [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
        opt=${COMP_WORDS[COMP_CWORD - 2]} val=$cur
    elif [[ $cur == --*=* ]]; then
        opt=${cur%%=*} val=${cur#*=}
    elif [[ " ${takes[*]} " == *" $prev "* ]] || _stanza_short_arg "$prev"; then
        opt=$prev val=$cur
    fi
    if [[ -n $opt ]]; then
        _stanza_value "$opt" "$val" "$cmd"
        if [[ $cur == --*=* ]]; then
            COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
        fi
        return 0
    fi

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "${opts[*]%=}" -- "$cur")
    elif [[ -n $verbs ]]; then
        _stanza_verb_argument "$cmd" "$cur" "${args[@]}"
    elif ((${#subs[@]})) && [[ -z $sub ]]; then
        mapfile -t COMPREPLY < <(compgen -W "${subs[*]}" -- "$cur")
    else
        _stanza_first_argument "$cmd" "$cur"
    fi
    return 0
}

complete -F _stanza stanza stanza-send
if command -v stanza >/dev/null 2>&1; then
    while IFS= read -r _stanza_c; do
        complete -F _stanza "stanza-$_stanza_c"
    done < <(stanza --list-commands </dev/null 2>/dev/null)
    unset _stanza_c
fi
