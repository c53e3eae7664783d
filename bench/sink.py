#!/usr/bin/python3
"""bench/sink.py: the bench's receiver (python3-slixmpp, an independent client).

sink.py --server HOST:PORT --ca CA --jid JID --password-env VAR --out FILE
        [--ready FILE] [--prefs-only]

Logs in, turns MAM archiving off for the account (XEP-0313 prefs
default='never', so the many bench messages do not fill the archive quota and
make Prosody truncate archives mid-run), and then, unless --prefs-only, sends
presence and appends the body of every chat/normal message it receives to
FILE, one line per message, flushed. Creates --ready FILE once it is online.
Stream management stays off, so nothing is re-queued when it leaves.
Exits on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import logging
import os
import signal
import sys

import slixmpp
from slixmpp.xmlstream import ET


class Sink(slixmpp.ClientXMPP):
    def __init__(self, a):
        super().__init__(a.jid, os.environ[a.password_env])
        self.a = a
        self.out = None if a.prefs_only else open(a.out, "a", buffering=1)
        self.ok = False
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("failed_auth", self.fail)
        if self.out:
            self.add_event_handler("message", self.message)

    def fail(self, _event):
        print("sink: authentication failed", file=sys.stderr)
        self.disconnect()

    async def start(self, _event):
        iq = self.make_iq_set()
        iq.append(ET.Element("{urn:xmpp:mam:2}prefs", {"default": "never"}))
        await iq.send(timeout=10)
        if self.a.prefs_only:
            self.ok = True
            self.disconnect()
            return
        self.send_presence()
        # a roundtrip so the presence is processed before we report ready
        await self.plugin["xep_0199"].ping(timeout=10)
        self.ok = True
        if self.a.ready:
            open(self.a.ready, "w").close()

    def message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            self.out.write(msg["body"].replace("\n", " ") + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--jid", required=True)
    p.add_argument("--password-env", required=True)
    p.add_argument("--out")
    p.add_argument("--ready")
    p.add_argument("--prefs-only", action="store_true")
    a = p.parse_args()
    if not a.prefs_only and not a.out:
        p.error("--out is required")
    logging.basicConfig(level=logging.ERROR)

    x = Sink(a)
    x.register_plugin("xep_0199")
    # a password login: never EXTERNAL, which ejabberd offers to everyone
    x["feature_mechanisms"].use_mechs = {"SCRAM-SHA-1", "PLAIN"}
    x.ca_certs = a.ca
    host, port = a.server.rsplit(":", 1)
    loop = asyncio.get_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, x.disconnect)
    x.connect(address=(host, int(port)))
    x.process(forever=False)
    sys.exit(0 if x.ok else 1)


if __name__ == "__main__":
    main()
