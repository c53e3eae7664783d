#!/usr/bin/python3
"""An independent look at a roster (slixmpp) for stanza's tests.

    /usr/bin/python3 tests/server/roster.py --jid alice@localhost --password alice-pw \
        --port PORT --ca DIR/ca.pem [--presence]

Logs in (STARTTLS verified against --ca, no DNS), fetches the roster with its
own roster get and prints it as one JSON array sorted by JID:

    [{"jid": ..., "name": ..., "subscription": ..., "ask": ..., "groups": [...]}]

"name" and "ask" are null when absent; "groups" is sorted. Sends no presence
(so no subscription request is answered automatically, and nothing is
delivered to it).

With --presence it prints instead the presence its contacts have: it sends
initial presence (priority -1), waits for a ping round trip (Prosody
answers its probes first), then, up to --wait seconds (default 1), until
every contact whose presence it sees (subscription to, both) has sent one
(ejabberd's contacts answer a moment later, offline ones not at all), then
for one more round trip (a contact's other resources), and prints one JSON
array of every presence received from others, sorted by "from":

    [{"from": ..., "type": ..., "show": ..., "status": ..., "priority": ...}]

"type" is "available" when the stanza has none; absent "show" and "status"
are null; "priority" is a number (0 when absent).

Exit status: 0 once printed, 1 on timeout, 2 if it could not connect or log in.
"""

import argparse
import asyncio
import json
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from xmpptest import TestClient, add_common_args, err, setup_logging

NS = "{jabber:iq:roster}"


class RosterGet(TestClient):
    def __init__(self, args):
        super().__init__(args)
        self.auto_authorize = None  # never answer subscription requests
        self.auto_subscribe = False
        self.presences = []
        self.answered = set()  # bare JIDs that sent presence
        self.add_event_handler("session_start", self.session_start)
        if args.presence:
            self.register_plugin("xep_0199")
            self.add_event_handler("presence", self.on_presence)

    def on_presence(self, p):
        x = p.xml
        if p["from"].bare == self.boundjid.bare:
            return  # our own
        self.answered.add(p["from"].bare)
        prio = x.find("{jabber:client}priority")
        show = x.find("{jabber:client}show")
        status = x.find("{jabber:client}status")
        self.presences.append({
            "from": x.get("from"),
            "type": x.get("type") or "available",
            "show": None if show is None else show.text,
            "status": None if status is None else status.text,
            "priority": int(prio.text) if prio is not None and prio.text else 0,
        })

    async def presence_start(self):
        reply = await self.make_iq_get(queryxmlns="jabber:iq:roster").send(
            timeout=self.args.timeout)
        seen = {i.get("jid") for i in reply.xml.find(NS + "query").findall(NS + "item")
                if i.get("subscription") in ("to", "both")}
        self.send_presence(ppriority=-1)
        await self["xep_0199"].ping(jid=self.boundjid.domain, timeout=self.args.timeout)
        loop = asyncio.get_running_loop()
        end = loop.time() + self.args.wait
        while not seen <= self.answered and loop.time() < end:
            await asyncio.sleep(0.02)
        await self["xep_0199"].ping(jid=self.boundjid.domain, timeout=self.args.timeout)
        self.presences.sort(key=lambda p: p["from"])
        sys.stdout.write(json.dumps(self.presences, ensure_ascii=False,
                                    separators=(",", ":")) + "\n")
        sys.stdout.flush()
        self.finish(0)

    async def session_start(self, _):
        self.started = True
        if self.args.presence:
            await self.presence_start()
            return
        iq = self.make_iq_get(queryxmlns="jabber:iq:roster")
        reply = await iq.send(timeout=self.args.timeout)
        items = []
        for item in reply.xml.find(NS + "query").findall(NS + "item"):
            items.append({
                "jid": item.get("jid"),
                "name": item.get("name"),
                "subscription": item.get("subscription") or "none",
                "ask": item.get("ask"),
                "groups": sorted(g.text or "" for g in item.findall(NS + "group")),
            })
        items.sort(key=lambda i: i["jid"])
        sys.stdout.write(json.dumps(items, ensure_ascii=False, separators=(",", ":")) + "\n")
        sys.stdout.flush()
        self.finish(0)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_args(p)
    p.add_argument("--presence", action="store_true",
                   help="print the contacts' presence instead of the roster")
    p.add_argument("--wait", type=float, default=1.0,
                   help="--presence: seconds to wait for contacts that have "
                   "not answered (default 1)")
    args = p.parse_args()
    setup_logging(args)
    r = RosterGet(args)
    return r.run(lambda: err("timeout after %gs" % args.timeout))


if __name__ == "__main__":
    sys.exit(main())
