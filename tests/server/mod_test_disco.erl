%% mod_test_disco: disco nodes of the host (XEP-0030) that real services
%% rarely show on demand, for stanza's disco tree tests: ejabberd's twin of
%% mod_test_disco.lua, the same nodes. Part of the throwaway test server
%% (tests/server/ejabberd-start compiles it).
%%   test:cycle-a  items: test:cycle-b, and the host itself (no node)
%%   test:cycle-b  items: test:cycle-a, and test:cycle-b again under the
%%                 host name in capitals (the same entity)
%%   test:wide     items: test:leaf-01 .. test:leaf-50, and one item whose
%%                 JID is invalid
%%   test:leaf-NN  a leaf: identity hierarchy/leaf, no items
%%   test:mixed    items: test:leaf-01, test:missing (no such node: what
%%                 ejabberd answers for it) and nobody@HOST (no such user)
-module(mod_test_disco).
-behaviour(gen_mod).

-export([start/2, stop/1, reload/3, depends/2, mod_options/1, mod_doc/0]).
-export([items/5, identity/5, features/5]).

-include("xmpp.hrl").

start(Host, _Opts) ->
    ejabberd_hooks:add(disco_local_items, Host, ?MODULE, items, 50),
    ejabberd_hooks:add(disco_local_identity, Host, ?MODULE, identity, 50),
    ejabberd_hooks:add(disco_local_features, Host, ?MODULE, features, 50),
    ok.

stop(Host) ->
    ejabberd_hooks:delete(disco_local_items, Host, ?MODULE, items, 50),
    ejabberd_hooks:delete(disco_local_identity, Host, ?MODULE, identity, 50),
    ejabberd_hooks:delete(disco_local_features, Host, ?MODULE, features, 50),
    ok.

reload(_Host, _NewOpts, _OldOpts) -> ok.
depends(_Host, _Opts) -> [{mod_disco, hard}].
mod_options(_Host) -> [].
mod_doc() -> #{}.

%% {JID, Node, Name} of a branch's items; undefined: not a branch
branch(H, <<"test:cycle-a">>) ->
    [{jid:make(H), <<"test:cycle-b">>, <<>>}, {jid:make(H), <<>>, <<>>}];
branch(H, <<"test:cycle-b">>) ->
    [{jid:make(H), <<"test:cycle-a">>, <<>>},
     {jid:make(string:uppercase(H)), <<"test:cycle-b">>, <<>>}];
branch(H, <<"test:wide">>) ->
    [{jid:make(H), leaf(I), <<>>} || I <- lists:seq(1, 50)] ++
        %% not a valid JID: built by hand, jid:make/1 would refuse it
        [{#jid{user = <<"bad@">>, server = H, resource = <<>>,
               luser = <<"bad@">>, lserver = H, lresource = <<>>},
          <<>>, <<"broken">>}];
branch(H, <<"test:mixed">>) ->
    [{jid:make(H), leaf(1), <<>>}, {jid:make(H), <<"test:missing">>, <<>>},
     {jid:make(<<"nobody">>, H), <<>>, <<>>}];
branch(_, _) ->
    undefined.

leaf(I) ->
    iolist_to_binary(io_lib:format("test:leaf-~2..0B", [I])).

is_leaf(<<"test:leaf-", D1, D2>>) when D1 >= $0, D1 =< $9, D2 >= $0, D2 =< $9 ->
    true;
is_leaf(_) ->
    false.

ours(H, Node) ->
    branch(H, Node) /= undefined orelse is_leaf(Node).

items(Acc, _From, #jid{lserver = H}, Node, _Lang) ->
    case branch(H, Node) of
        undefined ->
            case is_leaf(Node) of
                true -> {result, []};
                false -> Acc
            end;
        Items ->
            {result, [#disco_item{jid = J, node = N, name = Name}
                      || {J, N, Name} <- Items]}
    end.

identity(Acc, _From, #jid{lserver = H}, Node, _Lang) ->
    case branch(H, Node) of
        undefined ->
            case is_leaf(Node) of
                true -> Acc ++ [#identity{category = <<"hierarchy">>,
                                          type = <<"leaf">>}];
                false -> Acc
            end;
        _ ->
            Acc ++ [#identity{category = <<"hierarchy">>, type = <<"branch">>,
                              name = Node}]
    end.

features(Acc, _From, #jid{lserver = H}, Node, _Lang) ->
    case ours(H, Node) of
        true -> {result, []};
        false -> Acc
    end.
