%% mod_test_adhoc: ad-hoc commands (XEP-0050) for stanza's tests, open to
%% every user: ejabberd's twin of mod_test_adhoc.lua, the same commands,
%% forms and notes. Part of the throwaway test server
%% (tests/server/ejabberd-start compiles it).
%%   test:pizza  two stages (next, then prev or complete), every common
%%               field type, a result form and an info note at the end
%%   test:fail   completes with a note of type error
%%   test:warn   completes at once with a warn note and a multi-item
%%               result (reported + items)
-module(mod_test_adhoc).
-behaviour(gen_mod).

-export([start/2, stop/1, reload/3, depends/2, mod_options/1, mod_doc/0]).
-export([items/4, commands/4, disco_identity/5, disco_features/5]).

-include("xmpp.hrl").

-define(TABLE, mod_test_adhoc_sessions).
-define(FORM_TYPE, <<"urn:stanza:test:pizza">>).

start(Host, _Opts) ->
    %% the pizza's first stage, kept per session id until the second
    catch ets:new(?TABLE, [named_table, public,
                           {heir, erlang:group_leader(), none}]),
    ejabberd_hooks:add(adhoc_local_items, Host, ?MODULE, items, 50),
    ejabberd_hooks:add(adhoc_local_commands, Host, ?MODULE, commands, 50),
    ejabberd_hooks:add(disco_local_identity, Host, ?MODULE, disco_identity, 50),
    ejabberd_hooks:add(disco_local_features, Host, ?MODULE, disco_features, 50),
    ok.

stop(Host) ->
    ejabberd_hooks:delete(adhoc_local_items, Host, ?MODULE, items, 50),
    ejabberd_hooks:delete(adhoc_local_commands, Host, ?MODULE, commands, 50),
    ejabberd_hooks:delete(disco_local_identity, Host, ?MODULE, disco_identity, 50),
    ejabberd_hooks:delete(disco_local_features, Host, ?MODULE, disco_features, 50),
    ok.

reload(_Host, _NewOpts, _OldOpts) -> ok.
depends(_Host, _Opts) -> [{mod_adhoc, hard}].
mod_options(_Host) -> [].
mod_doc() -> #{}.

names() ->
    [{<<"test:pizza">>, <<"Order a pizza">>},
     {<<"test:fail">>, <<"Always fails">>},
     {<<"test:warn">>, <<"Warns">>}].

%% --------------------------------------------------------------- discovery
items(Acc, _From, #jid{server = Server}, _Lang) ->
    Items = case Acc of
                {result, I} -> I;
                _ -> []
            end,
    {result, Items ++ [#disco_item{jid = jid:make(Server), node = Node, name = Name}
                       || {Node, Name} <- names()]}.

disco_identity(Acc, _From, _To, Node, _Lang) ->
    case lists:keyfind(Node, 1, names()) of
        {_, Name} -> Acc ++ [#identity{category = <<"automation">>,
                                       type = <<"command-node">>, name = Name}];
        false -> Acc
    end.

disco_features(Acc, _From, _To, Node, _Lang) ->
    case lists:keymember(Node, 1, names()) of
        true -> {result, [?NS_COMMANDS, ?NS_XDATA]};
        false -> Acc
    end.

%% ----------------------------------------------------------------- forms
field(Var, Type, Label) ->
    #xdata_field{var = Var, type = Type, label = Label}.

hidden_type() ->
    #xdata_field{var = <<"FORM_TYPE">>, type = hidden, values = [?FORM_TYPE]}.

pizza_form() ->
    #xdata{type = form, title = <<"Pizza order">>,
           instructions = [<<"Step 1 of 2: the pizza.">>],
           fields = [hidden_type(),
                     (field(<<"size">>, 'list-single', <<"Size">>))#xdata_field{
                       required = true, values = [<<"m">>],
                       options = [#xdata_option{label = L, value = V}
                                  || {L, V} <- [{<<"Small">>, <<"s">>},
                                                {<<"Medium">>, <<"m">>},
                                                {<<"Large">>, <<"l">>}]]},
                     (field(<<"cheese">>, boolean, <<"Extra cheese">>))#xdata_field{
                       values = [<<"0">>]},
                     (field(<<"toppings">>, 'list-multi', <<"Toppings">>))#xdata_field{
                       options = [#xdata_option{value = V}
                                  || V <- [<<"ham">>, <<"olives">>, <<"mushrooms">>]]}]}.

delivery_form() ->
    #xdata{type = form, title = <<"Pizza order">>,
           instructions = [<<"Step 2 of 2: the delivery.">>],
           fields = [hidden_type(),
                     (field(<<"address">>, 'jid-single', <<"Deliver to">>))#xdata_field{
                       required = true, desc = <<"Who gets the pizza">>},
                     field(<<"friends">>, 'jid-multi', <<"Also tell">>),
                     field(<<"notes">>, 'text-multi', <<"Notes">>),
                     field(<<"code">>, 'text-private', <<"Door code">>)]}.

%% the submitted values of Var; none: the form's default
values(Var, #xdata{fields = Fields}, Default) ->
    case lists:keyfind(Var, #xdata_field.var, Fields) of
        #xdata_field{values = Vs} -> Vs;
        false -> Default
    end;
values(_Var, undefined, Default) ->
    Default.

bool(V) when V == <<"1">>; V == <<"true">> -> <<"1">>;
bool(_) -> <<"0">>.

receipt(Pizza, Delivery) ->
    [Size] = values(<<"size">>, Pizza, [<<"m">>]),
    Cheese = case values(<<"cheese">>, Pizza, [<<"0">>]) of
                 [C] -> bool(C);
                 _ -> <<"0">>
             end,
    Field = fun(Var, Type, Label, Vs) ->
                    (field(Var, Type, Label))#xdata_field{values = Vs}
            end,
    #xdata{type = result, title = <<"Your order">>,
           fields = [Field(<<"size">>, 'text-single', <<"Size">>, [Size]),
                     Field(<<"cheese">>, boolean, <<"Extra cheese">>, [Cheese]),
                     Field(<<"toppings">>, 'text-multi', <<"Toppings">>,
                           values(<<"toppings">>, Pizza, [])),
                     Field(<<"address">>, 'jid-single', <<"Deliver to">>,
                           values(<<"address">>, Delivery, [])),
                     Field(<<"friends">>, 'jid-multi', <<"Also told">>,
                           values(<<"friends">>, Delivery, [])),
                     Field(<<"notes">>, 'text-multi', <<"Notes">>,
                           values(<<"notes">>, Delivery, []))]}.

%% a required field left empty: "var: Required value missing"
missing(Form, Vars) ->
    [<<V/binary, ": Required value missing">>
     || V <- Vars, values(V, Form, []) == [] orelse values(V, Form, []) == [<<>>]].

%% -------------------------------------------------------------- commands
commands(Acc, _From, _To, #adhoc_command{node = Node} = Req) ->
    case lists:keymember(Node, 1, names()) of
        true -> run(Node, Req);
        false -> Acc
    end.

reply(Req, Cmd) ->
    xmpp_util:make_adhoc_response(Req, Cmd).

note(Type, Text) ->
    #adhoc_note{type = Type, data = Text}.

error_note(Req, Text) ->
    reply(Req, #adhoc_command{status = completed, notes = [note(error, Text)]}).

run(<<"test:fail">>, Req) ->
    error_note(Req, <<"Out of dough">>);
run(<<"test:warn">>, Req) ->
    Reported = [#xdata_field{var = <<"oven">>, label = <<"Oven">>},
                #xdata_field{var = <<"temp">>, label = <<"Temperature">>}],
    Items = [[#xdata_field{var = <<"oven">>, values = [<<"oven ", N>>]},
              #xdata_field{var = <<"temp">>, values = [T]}]
             || {N, T} <- [{$1, <<"250">>}, {$2, <<"180">>}]],
    reply(Req, #adhoc_command{status = completed,
                              notes = [note(warn, <<"Oven is slow today">>)],
                              xdata = #xdata{type = result, title = <<"Ovens">>,
                                             reported = Reported, items = Items}});
run(<<"test:pizza">>, #adhoc_command{action = cancel, sid = Sid} = Req) ->
    ets:delete(?TABLE, Sid),
    reply(Req, #adhoc_command{status = canceled, notes = [note(info, <<"Order canceled">>)]});
run(<<"test:pizza">>, #adhoc_command{sid = <<>>} = Req) ->
    stage1(Req);
run(<<"test:pizza">>, #adhoc_command{sid = Sid, action = Action, xdata = X} = Req) ->
    case ets:lookup(?TABLE, Sid) of
        [{_, 1}] when Action == next; Action == execute ->
            case missing(X, [<<"size">>]) of
                [] ->
                    ets:insert(?TABLE, {Sid, {2, X}}),
                    stage2(Req);
                Errors ->
                    ets:delete(?TABLE, Sid),
                    error_note(Req, iolist_to_binary(lists:join(<<"; ">>, Errors)))
            end;
        [{_, {2, _}}] when Action == prev ->
            stage1(Req);
        [{_, {2, Pizza}}] when Action == complete; Action == execute ->
            ets:delete(?TABLE, Sid),
            case missing(X, [<<"address">>]) of
                [] ->
                    reply(Req, #adhoc_command{status = completed,
                                              notes = [note(info, <<"Order placed">>)],
                                              xdata = receipt(Pizza, X)});
                Errors ->
                    error_note(Req, iolist_to_binary(lists:join(<<"; ">>, Errors)))
            end;
        [] ->
            {error, xmpp:err_bad_request(<<"Unknown session">>, <<"en">>)};
        _ ->
            {error, xmpp:err_bad_request(<<"Unexpected action">>, <<"en">>)}
    end.

stage1(#adhoc_command{sid = Sid0} = Req) ->
    %% a session id of our own: given none, make_adhoc_response (p1_xmpp
    %% 1.6.1) makes one but drops the <actions/> of the answer
    Sid = case Sid0 of
              <<>> -> xmpp_util:encode_timestamp(erlang:timestamp());
              _ -> Sid0
          end,
    ets:insert(?TABLE, {Sid, 1}),
    reply(Req#adhoc_command{sid = Sid},
          #adhoc_command{status = executing,
                         actions = #adhoc_actions{execute = next, next = true},
                         xdata = pizza_form()}).

stage2(Req) ->
    reply(Req, #adhoc_command{status = executing,
                              actions = #adhoc_actions{execute = complete, prev = true,
                                                       complete = true},
                              xdata = delivery_form()}).
