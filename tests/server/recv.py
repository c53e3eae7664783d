#!/usr/bin/python3
"""An independent XMPP receiver (slixmpp) for stanza's tests.

    /usr/bin/python3 tests/server/recv.py --jid bob@localhost --password bob-pw \
        --port PORT --ca DIR/ca.pem --count N --timeout SECONDS

Logs in (STARTTLS verified against --ca, no DNS), sends initial presence
(which also makes the server deliver stored offline messages), prints "READY"
on stderr, then prints every chat/normal/headline message that has a body as
one JSON line on stdout:

    {"from": ..., "id": ..., "type": ..., "body": ..., "subject": ...,
     "thread": ..., "delay": ...}

"type" is "normal" when the stanza has none; "id", "subject", "thread" are
null when absent; "delay" is the XEP-0203 stamp of an offline/delayed message
(as sent), else null.

With --extras, messages without a body are printed too ("body" null), and
each line also has "chat_state" (the XEP-0085 state's name, or null) and
"receipt_request" (true if it asks for a XEP-0184 receipt). With --receipts,
every receipt request is answered, as a client that supports XEP-0184 does
(<received id=.../> to the full JID that sent it).

Exit status: 0 after N messages, 1 on timeout (whatever arrived was printed;
a note goes to stderr), 2 if it could not connect or log in.
"""

import argparse
import json
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath
from xmpptest import TestClient, add_common_args, err, setup_logging

DELAY_NS = "urn:xmpp:delay"
CHATSTATES_NS = "http://jabber.org/protocol/chatstates"
RECEIPTS_NS = "urn:xmpp:receipts"


class Receiver(TestClient):
    def __init__(self, args):
        super().__init__(args)
        self.count = 0
        self.add_event_handler("session_start", self.session_start)
        if args.extras or args.receipts:
            # slixmpp's "message" event skips messages without a body
            self.register_handler(Callback("any message", MatchXPath("{jabber:client}message"),
                                           self.message))
        else:
            self.add_event_handler("message", self.message)
        self.add_event_handler("message_error", self.message_error)
        if args.count <= 0:
            self.add_event_handler("session_start", lambda _: self.finish(0))

    async def session_start(self, _):
        self.send_presence()
        self.started = True
        err("READY")

    def message(self, msg):
        xml = msg.xml
        mtype = xml.get("type") or "normal"
        if mtype not in ("chat", "normal", "headline"):
            return
        ns = "{jabber:client}"
        body = xml.find(ns + "body")
        request = xml.find("{%s}request" % RECEIPTS_NS)
        if request is not None and self.args.receipts and xml.get("id"):
            ack = self.make_message(mto=xml.get("from"), mtype=mtype)
            ack.xml.append(ET.Element("{%s}received" % RECEIPTS_NS, id=xml.get("id")))
            ack.send()
        if body is None and not self.args.extras:
            return  # chat states, receipts, carbons of nothing...
        subject = xml.find(ns + "subject")
        thread = xml.find(ns + "thread")
        delay = xml.find("{%s}delay" % DELAY_NS)
        line = {
            "from": xml.get("from"),
            "id": xml.get("id"),
            "type": mtype,
            "body": None if body is None else (body.text or ""),
            "subject": None if subject is None else (subject.text or ""),
            "thread": None if thread is None else (thread.text or ""),
            "delay": None if delay is None else delay.get("stamp"),
        }
        if self.args.extras:
            state = [c.tag.split("}")[1] for c in xml if c.tag.startswith("{%s}" % CHATSTATES_NS)]
            line["chat_state"] = state[0] if state else None
            line["receipt_request"] = request is not None
        sys.stdout.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        sys.stdout.flush()
        self.count += 1
        if self.count >= self.args.count:
            self.finish(0)

    def message_error(self, msg):
        err("error message from %s: %s" % (msg["from"], msg["error"]["condition"]))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_args(p)
    p.add_argument("--count", type=int, required=True, help="exit 0 after this many messages")
    p.add_argument("--extras", action="store_true",
                   help="also messages without a body; chat_state, receipt_request")
    p.add_argument("--receipts", action="store_true", help="answer XEP-0184 receipt requests")
    args = p.parse_args()
    setup_logging(args)
    r = Receiver(args)

    def on_timeout():
        err("timeout after %gs: got %d of %d message(s)%s" % (
            args.timeout, r.count, args.count, "" if r.started else " (never logged in)"))

    return r.run(on_timeout)


if __name__ == "__main__":
    sys.exit(main())
