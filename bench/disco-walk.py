"""The peer of `stanza disco tree` in bench/disco: a slixmpp client that
walks the disco tree as slixmpp's examples/disco_browser.py asks one entity
(the XEP-0030 plugin's get_info() and get_items()), recursively, each
JID+node once, to --depth levels of items. Debian does not package the
slixmpp examples, hence this file.

  disco-walk.py --jid JID --password PW --port PORT --ca CA
                [--depth 2] [--parallel]

--parallel asks all the entities of a level at once (asyncio.gather);
without it, one request at a time, as the example does. Prints the number
of entities that answered info, then exits 0 (1 on a timeout, 2 when it
cannot log in). Run with /usr/bin/python3 (Debian's python3-slixmpp).
"""

import argparse
import asyncio
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "server"))
import xmpptest  # noqa: E402  (the test server's slixmpp client)


class Walker(xmpptest.TestClient):
    def __init__(self, args):
        super().__init__(args)
        self.register_plugin("xep_0030")
        self.add_event_handler("session_start", self.walk)
        self.answered = 0

    async def ask(self, jid, node, level):
        """Info, and items below --depth; returns the new (jid, node)s."""
        disco = self["xep_0030"]
        t = self.args.timeout
        want_items = level < self.args.depth
        if self.args.parallel:
            calls = [disco.get_info(jid=jid, node=node, timeout=t)]
            if want_items:
                calls.append(disco.get_items(jid=jid, node=node, timeout=t))
            answers = await asyncio.gather(*calls, return_exceptions=True)
        else:
            answers = []
            for call in (disco.get_info, disco.get_items)[:1 + want_items]:
                try:
                    answers.append(await call(jid=jid, node=node, timeout=t))
                except Exception as e:  # an error answer: the entity is done
                    answers.append(e)
        info = answers[0]
        self.answered += not isinstance(info, Exception)
        if not want_items or isinstance(answers[1], Exception):
            return []
        return [(j, n) for j, n, _ in answers[1]["disco_items"]["items"]]

    async def walk(self, _):
        self.started = True
        self.answered = 0
        seen = {(self.args.root, None)}
        level_now = [(self.args.root, None)]
        try:
            for level in range(self.args.depth + 1):
                if self.args.parallel:
                    found = await asyncio.gather(
                        *(self.ask(j, n, level) for j, n in level_now))
                else:
                    found = [await self.ask(j, n, level) for j, n in level_now]
                level_now = []
                for kids in found:
                    for k in kids:
                        if k not in seen:
                            seen.add(k)
                            level_now.append(k)
        except Exception as e:  # a timeout
            xmpptest.err("walk failed: %r" % e)
            self.finish(1)
            return
        print(self.answered, flush=True)
        self.finish(0)


def main():
    p = argparse.ArgumentParser()
    xmpptest.add_common_args(p)
    p.add_argument("--root", help="where to start (default: the JID's domain)")
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--parallel", action="store_true")
    args = p.parse_args()
    args.root = args.root or args.jid.split("@")[-1].split("/")[0]
    xmpptest.setup_logging(args)
    w = Walker(args)
    sys.exit(w.run(lambda: xmpptest.err("timeout after %gs" % args.timeout)))


if __name__ == "__main__":
    main()
