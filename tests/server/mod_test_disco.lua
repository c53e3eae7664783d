-- mod_test_disco: disco nodes of the host (XEP-0030) that real services
-- rarely show on demand, for stanza's disco tree tests. Part of the
-- throwaway test server (tests/server/prosody-start).
--   test:cycle-a  items: test:cycle-b, and the host itself (no node)
--   test:cycle-b  items: test:cycle-a, and test:cycle-b again under the
--                 host name in capitals (the same entity)
--   test:wide     items: test:leaf-01 .. test:leaf-50, and one item whose
--                 JID is invalid
--   test:leaf-NN  a leaf: identity hierarchy/leaf, no items
--   test:mixed    items: test:leaf-01, test:missing (item-not-found) and
--                 nobody@HOST (no such user: service-unavailable)

local host = module.host;
local branches = {
	["test:cycle-a"] = { { jid = host, node = "test:cycle-b" }, { jid = host } };
	["test:cycle-b"] = { { jid = host, node = "test:cycle-a" }, { jid = host:upper(), node = "test:cycle-b" } };
};
local wide = {};
for i = 1, 50 do
	wide[i] = { jid = host, node = ("test:leaf-%02d"):format(i) };
end
wide[#wide + 1] = { jid = "bad@@" .. host, name = "broken" };
branches["test:wide"] = wide;
branches["test:mixed"] = { { jid = host, node = "test:leaf-01" }, { jid = host, node = "test:missing" },
	{ jid = "nobody@" .. host } };

local function is_leaf(node)
	return node:match("^test:leaf%-%d%d$") ~= nil;
end

module:hook("host-disco-items-node", function (event)
	local items = branches[event.node];
	if not items and not is_leaf(event.node) then return; end
	for _, item in ipairs(items or {}) do
		event.reply:tag("item", { jid = item.jid, node = item.node, name = item.name }):up();
	end
	event.exists = true;
end);

module:hook("host-disco-info-node", function (event)
	local node = event.node;
	if branches[node] then
		event.reply:tag("identity", { category = "hierarchy", type = "branch", name = node }):up();
	elseif is_leaf(node) then
		event.reply:tag("identity", { category = "hierarchy", type = "leaf" }):up();
	else
		return;
	end
	event.exists = true;
end);
