"""Shared by recv.py and send.py: a slixmpp client for the test server.

Always connects to HOST:PORT (127.0.0.1 by default) with no DNS at all, TLS
verified against --ca for the JID's domain (STARTTLS, or direct TLS with
--direct-tls). Run with /usr/bin/python3 (Debian's python3-slixmpp).
"""

import argparse
import asyncio
import logging
import sys

import slixmpp


def add_common_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jid", required=True)
    p.add_argument("--password", default="",
                   help="omit with --cert/--key to log in by SASL EXTERNAL")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ca", required=True, help="CA file the server certificate must chain to")
    p.add_argument("--direct-tls", action="store_true",
                   help="TLS from the first byte (XEP-0368 port) instead of STARTTLS")
    p.add_argument("--cert", help="client certificate (PEM), for SASL EXTERNAL")
    p.add_argument("--key", help="key of --cert")
    p.add_argument("--timeout", type=float, default=20.0,
                   help="give up after this many seconds (exit 1)")
    p.add_argument("--debug", action="store_true", help="slixmpp debug log on stderr")


def setup_logging(args) -> None:
    logging.basicConfig(stream=sys.stderr,
                        level=logging.DEBUG if args.debug else logging.ERROR,
                        format="%(levelname)s %(name)s: %(message)s")


def err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class TestClient(slixmpp.ClientXMPP):
    """ClientXMPP that never resolves names and fails fast.

    self.finished is a future holding the exit status.
    """

    def __init__(self, args):
        super().__init__(args.jid, args.password)
        self.args = args
        self.use_ipv6 = False
        self.use_aiodns = False
        self.ca_certs = args.ca
        if args.cert:
            self.certfile = args.cert
            self.keyfile = args.key or args.cert
        if args.cert and not args.password:
            # only offer what we can do: EXTERNAL
            self["feature_mechanisms"].use_mech = "EXTERNAL"
        elif args.password:
            # a password login: never EXTERNAL, which ejabberd offers to
            # every client once its listener verifies certificates (even
            # one that presented none), nor the -PLUS variants it offers
            self["feature_mechanisms"].use_mechs = {"SCRAM-SHA-1", "PLAIN"}
        self.finished = self.loop.create_future()
        self.started = False
        self.add_event_handler("failed_auth", self._failed_auth)
        self.add_event_handler("connection_failed", self._connection_failed)
        self.add_event_handler("ssl_invalid_chain", self._tls_failed)
        self.add_event_handler("disconnected", self._disconnected)
        self.add_event_handler("stream_error", self._stream_error)

    # no SRV, no A/AAAA: exactly the address we were given
    async def get_dns_records(self, domain, port=None):
        return [(domain, self.args.host, self.args.port)]

    def finish(self, status: int) -> None:
        if not self.finished.done():
            self.finished.set_result(status)

    def _failed_auth(self, *_):
        if self.finished.done():
            return
        err("authentication failed for %s" % self.args.jid)
        self.finish(2)

    def _connection_failed(self, e):
        err("connection to %s:%d failed: %s" % (self.args.host, self.args.port, e))
        self.finish(2)

    def _tls_failed(self, e):
        err("TLS failed: %s" % e)
        self.finish(2)

    def _stream_error(self, e):
        err("stream error: %s" % e)

    def _disconnected(self, *_):
        if not self.finished.done():
            err("disconnected")
            self.finish(2)

    def start(self) -> None:
        self.connect(address=(self.args.host, self.args.port),
                     use_ssl=self.args.direct_tls,
                     force_starttls=not self.args.direct_tls,
                     disable_starttls=self.args.direct_tls)

    def run(self, on_timeout) -> int:
        """Runs until finish() or the timeout; returns the exit status."""
        self.start()
        try:
            status = self.loop.run_until_complete(
                asyncio.wait_for(asyncio.shield(self.finished), self.args.timeout))
        except asyncio.TimeoutError:
            on_timeout()
            status = 1
            self.finish(status)
        self.cancel_connection_attempt()
        if self.transport is not None and not self.transport.is_closing():
            if not self.started:
                self.abort()  # e.g. a server that never answered
            else:
                self.disconnect(wait=1.0)
                try:
                    self.loop.run_until_complete(asyncio.wait_for(self.disconnected, 2.0))
                except (asyncio.TimeoutError, asyncio.CancelledError):
                    pass
        self._end_tasks()
        return status

    def _end_tasks(self) -> None:
        # let slixmpp's own tasks end quietly
        pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
