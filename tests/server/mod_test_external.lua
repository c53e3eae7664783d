-- mod_test_external: SASL EXTERNAL (XEP-0178) for c2s, next to passwords.
-- Part of stanza's throwaway test server (tests/server/prosody-start).
--
-- Prosody 0.12 has no EXTERNAL for clients. prosody-modules' mod_auth_ccert
-- replaces password authentication for the whole host, and its
-- mod_client_certs fails to load on 0.12 (its ad-hoc command uses the
-- permission name 'user', renamed 'any'). So this adds EXTERNAL to the
-- SASL handler that mod_saslauth made for the session, whenever the client
-- presented a certificate; mod_saslauth then runs the exchange as usual.
--
-- The certificate must chain to the c2s_ssl cafile (the test CA), be valid
-- now, and carry an id-on-xmppAddr naming an existing account of this host;
-- an authzid, if sent, must be that same bare JID.

local jid = require "util.jid";
local usermanager = require "core.usermanager";

local id_ce_subjectAltName = "2.5.29.17";
local id_on_xmppAddr = "1.3.6.1.5.5.7.8.5";
local xmlns_sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
local host = module.host;

local function peer_cert(session)
	local conn = session.conn;
	local sock = conn and conn.socket and conn:socket();
	if not (sock and sock.getpeercertificate) then return; end
	return sock:getpeercertificate(), sock;
end

local function external_for(session)
	return function (authzid)
		local log = session.log or module._log;
		local cert, sock = peer_cert(session);
		if not cert then
			log("info", "SASL EXTERNAL: no client certificate");
			return nil, nil;
		end
		if not cert:validat(os.time()) then
			log("info", "SASL EXTERNAL: client certificate expired or not yet valid");
			return nil, "expired";
		end
		local chain_ok, errors = sock:getpeerverification();
		if not chain_ok then
			for _, e in pairs(errors or {}) do
				log("info", "SASL EXTERNAL: certificate not trusted: %s",
					type(e) == "table" and table.concat(e, ", ") or tostring(e));
			end
			return nil, nil;
		end
		local want = authzid ~= "" and jid.prep(authzid) or nil;
		if authzid ~= "" and not want then
			log("info", "SASL EXTERNAL: invalid authzid %q", authzid);
			return nil, nil;
		end
		local sans = cert:extensions()[id_ce_subjectAltName];
		local addrs = sans and sans[id_on_xmppAddr] or {};
		for _, addr in ipairs(addrs) do
			local node, domain, resource = jid.prepped_split(addr);
			if node and domain == host and not resource
				and (not want or want == jid.join(node, domain)) then
				if not usermanager.user_exists(node, host) then
					log("info", "SASL EXTERNAL: no account %s@%s", node, host);
					return nil, nil;
				end
				log("info", "SASL EXTERNAL: authenticated %s@%s by certificate", node, host);
				return node, true;
			end
		end
		log("info", "SASL EXTERNAL: no usable xmppAddr in the certificate (authzid %q)", authzid);
		return nil, nil;
	end;
end

-- after mod_saslauth (priority 0) built session.sasl_handler and <mechanisms/>
module:hook("stream-features", function (event)
	local session, features = event.origin, event.features;
	if session.type ~= "c2s_unauthed" or not session.secure then return; end
	local handler = session.sasl_handler;
	if not (handler and handler.profile and handler.mechs) then return; end
	if not peer_cert(session) then return; end
	handler.profile.external = external_for(session);
	handler.mechs["EXTERNAL"] = true; -- shared with profile.mechanisms
	local mechs = features:get_child("mechanisms", xmlns_sasl);
	if mechs then
		mechs:tag("mechanism"):text("EXTERNAL"):up();
	end
end, -1);

-- <auth mechanism='EXTERNAL'/> without an initial response: treat it as the
-- empty one ("=") rather than feeding nil to the mechanism
module:hook("stanza/urn:ietf:params:xml:ns:xmpp-sasl:auth", function (event)
	local stanza = event.stanza;
	if stanza.attr.mechanism == "EXTERNAL" and not stanza[1] then
		stanza:text("=");
	end
end, 1);
