#!/usr/bin/python3
"""An independent XMPP sender (slixmpp) for stanza's tests.

    /usr/bin/python3 tests/server/send.py --jid alice@localhost \
        --password alice-pw --port PORT --ca DIR/ca.pem \
        --to bob@localhost [--to ...] --body TEXT [--type chat] \
        [--subject S] [--thread T] [--id ID] [--count N]

Logs in like recv.py, sends the message(s) (--count N sends N, bodies
suffixed " 1".." N" when N > 1), then pings the server and waits for the
answer so that everything sent has been processed before it leaves.
Prints "sent N" on stderr. Exit status: 0 sent, 1 timeout, 2 could not
connect or log in.
"""

import argparse
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from xmpptest import TestClient, add_common_args, err, setup_logging


class Sender(TestClient):
    def __init__(self, args):
        super().__init__(args)
        self.register_plugin("xep_0199")
        self.sent = 0
        self.add_event_handler("session_start", self.session_start)

    async def session_start(self, _):
        a = self.args
        self.started = True
        if a.presence:
            self.send_presence()
        for i in range(1, a.count + 1):
            body = a.body if a.count == 1 else "%s %d" % (a.body, i)
            for to in a.to:
                msg = self.make_message(mto=to, mbody=body, mtype=a.type,
                                        msubject=a.subject)
                if a.thread is not None:
                    msg["thread"] = a.thread
                if a.id is not None:
                    msg["id"] = a.id if a.count == 1 else "%s-%d" % (a.id, i)
                if a.type == "normal":
                    del msg["type"]  # no type attribute at all
                msg.send()
                self.sent += 1
        # a round trip: the server has handled every message sent before it
        await self["xep_0199"].ping(jid=self.boundjid.domain, timeout=self.args.timeout)
        err("sent %d" % self.sent)
        self.finish(0)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_args(p)
    p.add_argument("--to", action="append", required=True, help="recipient (repeatable)")
    p.add_argument("--body", required=True)
    p.add_argument("--type", default="chat", choices=["chat", "normal", "headline", "groupchat"])
    p.add_argument("--subject")
    p.add_argument("--thread")
    p.add_argument("--id")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--presence", action="store_true", help="send initial presence first")
    args = p.parse_args()
    setup_logging(args)
    s = Sender(args)
    return s.run(lambda: err("timeout after %gs: sent %d" % (args.timeout, s.sent)))


if __name__ == "__main__":
    sys.exit(main())
