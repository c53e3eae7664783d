#!/usr/bin/python3
"""An independent pubsub client (slixmpp) for stanza's tests and benches.

    /usr/bin/python3 tests/server/pubsub.py --jid bob@localhost --password bob-pw \
        --port PORT --ca DIR/ca.pem --service pubsub.localhost --node N MODE ...

The requests and events are built and read as plain XML (XEP-0060), not
through slixmpp's pubsub plugin, so that what is checked is the wire.

Modes:
  listen --count K    subscribes this session's full JID to the node, prints
                      "READY" on stderr, then one JSON line per event:
                      {"event": "item"|"retract"|"purge"|"delete"|
                      "configuration", "node", "id", "ns", "name", "text"}
                      (ns, name, text: the item's payload); exits 0 after K
                      events, unsubscribing unless the node was deleted.
                      With --stamp each line also has "t", the time it came
                      (time.time()), for latency measurements.
  publish --count K   publishes K items ("--text T" payloads
                      <text xmlns="urn:stanza:text:0">T N</text>, N from 1),
                      --window W requests in flight at once (default 1), each
                      confirmed by the service; prints {"published": K,
                      "seconds": S} once all are confirmed. With --stamp the
                      text is the time of sending (time.time()) instead, and
                      --interval S pauses between items (for latencies).
  items               prints the node's items, oldest first, one JSON line
                      each: {"id", "ns", "name", "text"}.

Exit status: 0, 1 on an error answer or a timeout (a note on stderr), 2 if
it could not connect or log in.
"""

import argparse
import asyncio
import json
import sys
import time
from xml.etree import ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from slixmpp.exceptions import IqError, IqTimeout
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath
from xmpptest import TestClient, add_common_args, err, setup_logging

NS = "http://jabber.org/protocol/pubsub"
NS_EVENT = NS + "#event"
NS_TEXT = "urn:stanza:text:0"


def payload_fields(item):
    """ns, name and text of the first child of <item/>."""
    for child in item:
        ns, _, name = child.tag[1:].partition("}") if child.tag.startswith("{") else ("", "", child.tag)
        return {"ns": ns, "name": name, "text": "".join(child.itertext())}
    return {}


class Client(TestClient):
    def __init__(self, args):
        super().__init__(args)
        self.count = 0
        self.deleted = False
        self.add_event_handler("session_start", self.go)
        self.register_handler(Callback(
            "pubsub events",
            MatchXPath("{jabber:client}message/{%s}event" % NS_EVENT),
            self.on_event))

    def emit(self, line):
        if self.args.stamp:
            line["t"] = time.time()
        sys.stdout.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        sys.stdout.flush()
        self.count += 1
        if self.args.mode == "listen" and self.count >= self.args.count:
            asyncio.ensure_future(self.done())

    def on_event(self, msg):
        if self.args.mode != "listen" or str(msg["from"]) != self.args.service:
            return
        ev = msg.xml.find("{%s}event" % NS_EVENT)
        for what in ev:
            kind = what.tag.split("}")[1]
            node = what.get("node")
            if node != self.args.node:
                continue
            if kind == "items":
                for it in what:
                    name = it.tag.split("}")[1]
                    line = {"event": "item" if name == "item" else "retract",
                            "node": node, "id": it.get("id")}
                    line.update(payload_fields(it))
                    self.emit(line)
            else:
                self.deleted = self.deleted or kind == "delete"
                self.emit({"event": kind, "node": node})

    async def request(self, itype, xml):
        iq = self.make_iq(id=self.new_id(), ito=self.args.service, itype=itype)
        iq.append(ET.fromstring(xml))
        return await iq.send(timeout=self.args.timeout)

    def pubsub(self, inner):
        return "<pubsub xmlns='%s'>%s</pubsub>" % (NS, inner)

    async def done(self):
        if not self.deleted:
            try:
                await self.request("set", self.pubsub(
                    "<unsubscribe node='%s' jid='%s'/>" % (self.args.node, self.boundjid.full)))
            except (IqError, IqTimeout):
                pass
        self.finish(0)

    async def go(self, _):
        self.started = True
        try:
            await getattr(self, "mode_" + self.args.mode)()
        except IqError as e:
            err("pubsub.py: error answer: %s" % e.iq["error"]["condition"])
            self.finish(1)
        except IqTimeout:
            err("pubsub.py: no answer")
            self.finish(1)

    async def mode_listen(self):
        self.send_presence()
        await self.request("set", self.pubsub(
            "<subscribe node='%s' jid='%s'/>" % (self.args.node, self.boundjid.full)))
        err("READY")

    async def mode_publish(self):
        a = self.args
        sem = asyncio.Semaphore(a.window)
        t0 = time.monotonic()

        async def one(n):
            async with sem:
                if a.interval:
                    await asyncio.sleep(a.interval)
                text = "%.6f" % time.time() if a.stamp else "%s %d" % (a.text, n)
                await self.request("set", self.pubsub(
                    "<publish node='%s'><item><text xmlns='%s'>%s</text></item></publish>"
                    % (a.node, NS_TEXT, text)))
        await asyncio.gather(*(one(n) for n in range(1, a.count + 1)))
        print(json.dumps({"published": a.count, "seconds": round(time.monotonic() - t0, 3)}),
              flush=True)
        self.finish(0)

    async def mode_items(self):
        r = await self.request("get", self.pubsub("<items node='%s'/>" % self.args.node))
        items = r.xml.find("{%s}pubsub/{%s}items" % (NS, NS))
        for it in items if items is not None else []:
            line = {"id": it.get("id")}
            line.update(payload_fields(it))
            print(json.dumps(line, ensure_ascii=False, separators=(",", ":")), flush=True)
        self.finish(0)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_args(p)
    p.add_argument("--service", required=True)
    p.add_argument("--node", required=True)
    p.add_argument("mode", choices=["listen", "publish", "items"])
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--text", default="item")
    p.add_argument("--window", type=int, default=1)
    p.add_argument("--stamp", action="store_true")
    p.add_argument("--interval", type=float, default=0.0)
    args = p.parse_args()
    setup_logging(args)
    c = Client(args)

    def on_timeout():
        err("pubsub.py: timeout after %gs: %d event(s)%s" % (
            args.timeout, c.count, "" if c.started else " (never logged in)"))

    return c.run(on_timeout)


if __name__ == "__main__":
    sys.exit(main())
