#!/usr/bin/python3
"""An independent look at a roster (slixmpp) for stanza's tests.

    /usr/bin/python3 tests/server/roster.py --jid alice@localhost --password alice-pw \
        --port PORT --ca DIR/ca.pem

Logs in (STARTTLS verified against --ca, no DNS), fetches the roster with its
own roster get and prints it as one JSON array sorted by JID:

    [{"jid": ..., "name": ..., "subscription": ..., "ask": ..., "groups": [...]}]

"name" and "ask" are null when absent; "groups" is sorted. Sends no presence
(so no subscription request is answered automatically, and nothing is
delivered to it).

Exit status: 0 once printed, 1 on timeout, 2 if it could not connect or log in.
"""

import argparse
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
        self.add_event_handler("session_start", self.session_start)

    async def session_start(self, _):
        self.started = True
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
    args = p.parse_args()
    setup_logging(args)
    r = RosterGet(args)
    return r.run(lambda: err("timeout after %gs" % args.timeout))


if __name__ == "__main__":
    sys.exit(main())
