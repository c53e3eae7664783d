#!/usr/bin/python3
"""An independent chat room occupant (slixmpp) for stanza's tests.

    /usr/bin/python3 tests/server/occupant.py --jid bob@localhost \
        --password bob-pw --port PORT --ca DIR/ca.pem \
        --room ROOM --nick NICK [--room-password P] [--history N] \
        [--say TEXT]... [--count N] [--timeout SECONDS]

Joins ROOM as NICK (XEP-0045, raw stanzas, no plugin), prints "READY" on
stderr once its own presence (status 110) came, says each --say TEXT, then
prints every message and presence that comes from the room, and every
message from anyone else (invitations, private messages), as one JSON line
(a presence of the room itself, not of an occupant, is left out):

    {"kind": "message"|"presence", "type", "from", "id", "body", "subject",
     "codes": [110, 307, ...], "role", "affiliation", "nick", "reason",
     "actor", "invite_from", "invite_reason", "conference": {"jid",
     "reason", "password"}, "delay", "destroy": {"jid", "reason"}}

(absent values are null). With --no-join it only logs in and prints
messages. Exit status: 0 after --count lines (or, with --count 0, once
READY), 3 when the room removed it (kicked, banned, destroyed: that
presence is printed first), 1 on timeout, 2 if it could not log in or
the join was refused (the error condition goes to stderr).
"""

import argparse
import json
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from xmpptest import TestClient, add_common_args, err, setup_logging

MUC = "http://jabber.org/protocol/muc"
MUC_USER = MUC + "#user"
CONF = "jabber:x:conference"
DELAY = "urn:xmpp:delay"
CLIENT = "{jabber:client}"


def text(el, tag):
    c = el.find(tag)
    return None if c is None else (c.text or "")


class Occupant(TestClient):
    def __init__(self, args):
        super().__init__(args)
        self.printed = 0
        self.joined = False
        self.nick = None  # ours, as the room knows it
        self.add_event_handler("session_start", self.start_session)
        self.register_handler_raw()

    def register_handler_raw(self):
        from slixmpp.xmlstream.handler import Callback
        from slixmpp.xmlstream.matcher import MatchXPath
        self.register_handler(Callback("occ-msg", MatchXPath("{jabber:client}message"),
                                       self.on_stanza))
        self.register_handler(Callback("occ-pres", MatchXPath("{jabber:client}presence"),
                                       self.on_stanza))

    def room_jid(self):
        return "%s/%s" % (self.args.room, self.args.nick)

    async def start_session(self, _):
        self.started = True
        a = self.args
        if a.no_join:
            self.send_presence()
            self.ready()
            return
        p = self.make_presence(pto=self.room_jid())
        x = p.xml.makeelement("{%s}x" % MUC, {})
        if a.room_password:
            pw = x.makeelement("{%s}password" % MUC, {})
            pw.text = a.room_password
            x.append(pw)
        h = x.makeelement("{%s}history" % MUC, {"maxstanzas": str(a.history)})
        x.append(h)
        p.xml.append(x)
        p.send()

    def ready(self):
        err("READY")
        for t in self.args.say:
            self.make_message(mto=self.args.room, mbody=t, mtype="groupchat").send()
        if self.args.count == 0:
            self.finish(0)

    def emit(self, line):
        sys.stdout.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        sys.stdout.flush()
        self.printed += 1
        if self.args.count and self.printed >= self.args.count:
            self.finish(0)

    def on_stanza(self, st):
        xml = st.xml
        kind = xml.tag.replace(CLIENT, "")
        frm = xml.get("from") or ""
        from_room = frm.split("/")[0].lower() == self.args.room.lower()
        if kind == "presence" and not from_room:
            return
        if kind == "presence" and "/" not in frm and xml.get("type") != "error":
            return  # the room's own (ejabberd: its caps), not an occupant's
        x = xml.find("{%s}x" % MUC_USER)
        item = x.find("{%s}item" % MUC_USER) if x is not None else None
        codes = [int(s.get("code")) for s in x.findall("{%s}status" % MUC_USER)] \
            if x is not None else []
        inv = x.find("{%s}invite" % MUC_USER) if x is not None else None
        conf = xml.find("{%s}x" % CONF)
        delay = xml.find("{%s}delay" % DELAY)
        destroy = x.find("{%s}destroy" % MUC_USER) if x is not None else None
        actor = item.find("{%s}actor" % MUC_USER) if item is not None else None
        line = {
            "kind": kind, "type": xml.get("type"), "from": frm, "id": xml.get("id"),
            "body": text(xml, CLIENT + "body"), "subject": text(xml, CLIENT + "subject"),
            "codes": codes,
            "role": item.get("role") if item is not None else None,
            "affiliation": item.get("affiliation") if item is not None else None,
            "nick": item.get("nick") if item is not None else None,
            "reason": text(item, "{%s}reason" % MUC_USER) if item is not None else None,
            "actor": (actor.get("nick") or actor.get("jid")) if actor is not None else None,
            "invite_from": inv.get("from") if inv is not None else None,
            "invite_reason": text(inv, "{%s}reason" % MUC_USER) if inv is not None else None,
            "conference": None if conf is None else {
                "jid": conf.get("jid"), "reason": conf.get("reason"),
                "password": conf.get("password")},
            "delay": None if delay is None else delay.get("stamp"),
            "destroy": None if destroy is None else {
                "jid": destroy.get("jid"), "reason": text(destroy, "{%s}reason" % MUC_USER)},
        }
        if kind == "presence" and xml.get("type") == "error" and not self.joined:
            e = xml.find(CLIENT + "error")
            cond = [c.tag.split("}")[1] for c in e] if e is not None else ["?"]
            err("join refused: %s" % cond[0])
            self.finish(2)
            return
        # our own presence: status 110, or from our nick (ejabberd's
        # removal by a room's destruction has no 110)
        nick = frm.split("/", 1)[1] if "/" in frm else None
        self_pres = kind == "presence" and (
            110 in codes or (self.joined and from_room and nick == self.nick))
        if self_pres and not self.joined and xml.get("type") != "unavailable":
            self.joined = True
            self.nick = nick
            self.ready()
            return
        if self_pres and 303 in codes and item is not None and item.get("nick"):
            self.nick = item.get("nick")
        if not self.joined and not self.args.no_join:
            return  # the occupants and history before our own presence
        self.emit(line)
        if self_pres and xml.get("type") == "unavailable" and 303 not in codes:
            self.finish(3)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_args(p)
    p.add_argument("--room", required=True)
    p.add_argument("--nick", default="occupant")
    p.add_argument("--room-password")
    p.add_argument("--history", type=int, default=0)
    p.add_argument("--say", action="append", default=[])
    p.add_argument("--count", type=int, default=0,
                   help="exit 0 after this many lines (0: once joined)")
    p.add_argument("--no-join", action="store_true")
    args = p.parse_args()
    setup_logging(args)
    o = Occupant(args)
    return o.run(lambda: err("timeout after %gs: %d line(s)" % (args.timeout, o.printed)))


if __name__ == "__main__":
    sys.exit(main())
