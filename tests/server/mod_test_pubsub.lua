-- mod_test_pubsub: what Prosody 0.12's pubsub component lacks and other
-- servers have, for stanza's pubsub tests. Part of the throwaway test server
-- (tests/server/prosody-start), loaded on the pubsub component only.
--   * Result Set Management (XEP-0059) on item retrieval (XEP-0060 §6.5.4):
--     an <items/> request with an RSM <set/> gets pages of at most 20 items,
--     oldest first, with <first index=.../>, <last/> and <count/>; <after/>
--     moves on. Without a <set/>, mod_pubsub answers as before (everything).
--   * Retrieving one's own affiliations (XEP-0060 §5.7), optionally for one
--     node.

local st = require "util.stanza";
local jid_bare = require "util.jid".bare;

local xmlns_pubsub = "http://jabber.org/protocol/pubsub";
local xmlns_rsm = "http://jabber.org/protocol/rsm";
local page_max = 20;

local pubsub = module:depends("pubsub");

local function error_reply(stanza, err)
	local conditions = {
		["item-not-found"] = "cancel", forbidden = "auth",
		["persistent-items-unsupported"] = "cancel",
	};
	if err == "persistent-items-unsupported" then
		return st.error_reply(stanza, "cancel", "feature-not-implemented");
	end
	return st.error_reply(stanza, conditions[err] or "cancel", err);
end

-- ids oldest first, as mod_pubsub lists them
local function all_ids(service, node, actor)
	local ok, data = service:get_items(node, actor);
	if not ok then return nil, data; end
	local ids = {};
	for i = #data, 1, -1 do ids[#ids + 1] = data[i]; end
	return ids, data;
end

local function items_page(event, pubsub_tag, items_tag, set)
	local stanza, service = event.stanza, pubsub.get_service();
	local node = items_tag.attr.node;
	local ids, data = all_ids(service, node, stanza.attr.from);
	if not ids then
		event.origin.send(error_reply(stanza, data));
		return true;
	end
	local max = math.min(tonumber(set:get_child_text("max")) or page_max, page_max);
	local after, start = set:get_child_text("after"), 1;
	if after then
		start = nil;
		for i, id in ipairs(ids) do
			if id == after then start = i + 1; end
		end
		if not start then
			event.origin.send(st.error_reply(stanza, "cancel", "item-not-found", "no such item: " .. after));
			return true;
		end
	end
	local reply = st.reply(stanza):tag("pubsub", { xmlns = xmlns_pubsub })
		:tag("items", { node = node });
	local last = math.min(start + max - 1, #ids);
	for i = start, last do
		local item = st.clone(data[ids[i]]);
		item.attr.publisher = nil;
		reply:add_child(item);
	end
	reply:up():tag("set", { xmlns = xmlns_rsm });
	if last >= start then
		reply:tag("first", { index = tostring(start - 1) }):text(ids[start]):up()
			:tag("last"):text(ids[last]):up();
	end
	reply:tag("count"):text(tostring(#ids)):up();
	event.origin.send(reply);
	return true;
end

local function own_affiliations(event, affs_tag)
	local stanza, service = event.stanza, pubsub.get_service();
	local who = jid_bare(stanza.attr.from);
	local reply = st.reply(stanza):tag("pubsub", { xmlns = xmlns_pubsub })
		:tag("affiliations");
	local only = affs_tag.attr.node;
	if only and not service.nodes[only] then
		event.origin.send(st.error_reply(stanza, "cancel", "item-not-found"));
		return true;
	end
	for name, node_obj in pairs(service.nodes) do
		local aff = node_obj.affiliations[who] or service.config.get_affiliation(who, name);
		if (not only or only == name) and aff and aff ~= "none" then
			reply:tag("affiliation", { node = name, affiliation = aff }):up();
		end
	end
	event.origin.send(reply);
	return true;
end

module:hook("iq/host/" .. xmlns_pubsub .. ":pubsub", function (event)
	local stanza = event.stanza;
	if stanza.attr.type ~= "get" then return; end
	local pubsub_tag = stanza.tags[1];
	local action = pubsub_tag.tags[1];
	if not action then return; end
	if action.name == "items" then
		local set = pubsub_tag:get_child("set", xmlns_rsm);
		if set and action.attr.node and not action:get_child("item") then
			return items_page(event, pubsub_tag, action, set);
		end
	elseif action.name == "affiliations" then
		return own_affiliations(event, action);
	end
end, 10);
