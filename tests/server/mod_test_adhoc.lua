-- mod_test_adhoc: ad-hoc commands (XEP-0050) for stanza's tests, open to
-- every user. Part of the throwaway test server (tests/server/prosody-start).
--
-- Prosody's own commands are single-stage (a form, then complete); these
-- show what they do not:
--   test:pizza  two stages (next, then prev or complete), every common
--               field type, a result form and an info note at the end
--   test:fail   completes with a note of type error
--   test:warn   completes at once with a warn note and a multi-item
--               result (reported + items)

local dataforms = require "util.dataforms";
local st = require "util.stanza";
local adhoc_new = module:require "adhoc".new;

local pizza_layout = dataforms.new {
	title = "Pizza order";
	instructions = "Step 1 of 2: the pizza.";
	{ name = "FORM_TYPE", type = "hidden", value = "urn:stanza:test:pizza" };
	{ name = "size", type = "list-single", label = "Size", required = true,
		options = { { label = "Small", value = "s" }, { label = "Medium", value = "m", default = true },
			{ label = "Large", value = "l" } } };
	{ name = "cheese", type = "boolean", label = "Extra cheese", value = false };
	{ name = "toppings", type = "list-multi", label = "Toppings",
		options = { "ham", "olives", "mushrooms" } };
};

local delivery_layout = dataforms.new {
	title = "Pizza order";
	instructions = "Step 2 of 2: the delivery.";
	{ name = "FORM_TYPE", type = "hidden", value = "urn:stanza:test:pizza" };
	{ name = "address", type = "jid-single", label = "Deliver to", required = true,
		desc = "Who gets the pizza" };
	{ name = "friends", type = "jid-multi", label = "Also tell" };
	{ name = "notes", type = "text-multi", label = "Notes" };
	{ name = "code", type = "text-private", label = "Door code" };
};

local receipt_layout = dataforms.new {
	title = "Your order";
	{ name = "size", type = "text-single", label = "Size" };
	{ name = "cheese", type = "boolean", label = "Extra cheese" };
	{ name = "toppings", type = "text-multi", label = "Toppings" };
	{ name = "address", type = "jid-single", label = "Deliver to" };
	{ name = "friends", type = "jid-multi", label = "Also told" };
	{ name = "notes", type = "text-multi", label = "Notes" };
};

local function errors_text(errors)
	local lines = {};
	for name, err in pairs(errors) do lines[#lines + 1] = name .. ": " .. err; end
	table.sort(lines);
	return table.concat(lines, "; ");
end

local function stage1()
	return { status = "executing", actions = { "next", default = "next" },
		form = pizza_layout }, { stage = 1 };
end

local function stage2(state)
	return { status = "executing", actions = { "prev", "complete", default = "complete" },
		form = delivery_layout }, { stage = 2, pizza = state.pizza };
end

local function receipt(state, delivery)
	local p = state.pizza;
	local toppings = table.concat(p.toppings or {}, "\n");
	return { status = "completed", info = "Order placed",
		result = { layout = receipt_layout, values = { size = p.size, cheese = p.cheese,
			toppings = toppings ~= "" and toppings or nil, address = delivery.address,
			friends = delivery.friends, notes = delivery.notes } } };
end

local function pizza_handler(_, data, state)
	if data.action == "cancel" then
		return { status = "canceled", info = "Order canceled" };
	end
	if not state then
		return stage1();
	end
	if state.stage == 1 then
		local values, errors = pizza_layout:data(data.form);
		if errors then
			return { status = "completed", error = { message = errors_text(errors) } };
		end
		return stage2({ pizza = values });
	end
	if data.action == "prev" then
		return stage1();
	end
	local delivery, errors = delivery_layout:data(data.form);
	if errors then
		return { status = "completed", error = { message = errors_text(errors) } };
	end
	return receipt(state, delivery);
end

local function fail_handler()
	return { status = "completed", error = { message = "Out of dough" } };
end

-- a multi-item result (XEP-0004 §3.4)
local function oven_table()
	local x = st.stanza("x", { xmlns = "jabber:x:data", type = "result" })
		:tag("title"):text("Ovens"):up()
		:tag("reported")
			:tag("field", { var = "oven", label = "Oven" }):up()
			:tag("field", { var = "temp", label = "Temperature" }):up()
		:up();
	for i, t in ipairs({ "250", "180" }) do
		x:tag("item")
			:tag("field", { var = "oven" }):tag("value"):text("oven " .. i):up():up()
			:tag("field", { var = "temp" }):tag("value"):text(t):up():up()
		:up();
	end
	return x;
end

local function warn_handler()
	return { status = "completed", warn = "Oven is slow today", other = oven_table() };
end

module:provides("adhoc", adhoc_new("Order a pizza", "test:pizza", pizza_handler, "any"));
module:provides("adhoc", adhoc_new("Always fails", "test:fail", fail_handler, "any"));
module:provides("adhoc", adhoc_new("Warns", "test:warn", warn_handler, "any"));
