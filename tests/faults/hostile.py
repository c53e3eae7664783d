#!/usr/bin/python3
"""The hostile server: a scripted XMPP 'server' that sends what a broken or
malicious server might. Plaintext (stanza --no-tls, on loopback) unless
--tls says otherwise.

hostile.py --port-file FILE --mode MODE [options]

Modes that answer the stream header at once:
  stream-error   a stream error: --condition (default system-shutdown,
                 with the text "going down"), then the end of the stream
  hostile-error  a stream error whose text holds a bidi override (U+202E)
  garbage        bytes that are not XML
  proceed-stall  offer STARTTLS, say <proceed/>, then never speak TLS
  impostor       accept any PLAIN or EXTERNAL login, bind, answer every iq
                 with a result, and say on stderr what it got ("AUTH ...",
                 "GOT N message(s)"); with --tls direct (the default for
                 this mode) or starttls and a self-signed certificate made
                 in the port file's directory, or --cert/--key
  no-external    offers PLAIN only (no SASL EXTERNAL, as ejabberd without
                 tls_verify), then waits for the client to go; TLS as for
                 impostor
Modes that accept any login, bind, then send their payload (after the
first stanza the client sends once online):
  malformed      a stanza with mismatched tags
  invalid-utf8   a message whose body holds bytes that are not UTF-8
  truncated      half a stanza, then the connection closes
  huge           a message with a 64 MiB body (--size MiB)
  deep           a message nested 100,000 levels deep (--depth)
  doctype-bomb   the restarted stream (after SASL) opens with a DOCTYPE
                 declaring a billion-laughs entity bomb, used in a body
  external-entity  the same with external entities: --entity-url URL...
                 (file:// or http://), each used in a body
  silent         never answers anything after the login
  swallow        answers every iq until what the client sent matches
                 --silent-after REGEX, then nothing more (a server that
                 stops answering right after the last message)
  stream-error-online  a stream error (--condition) once online

--log FILE appends everything the client sends (decrypted) to FILE.
Writes its port to FILE; binds 127.0.0.1 only; serves connections until
killed or --lifetime seconds (default 300) have passed.
"""
import argparse
import base64
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time

HEADER = (b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
          b"xmlns:stream='http://etherx.jabber.org/streams' id='fake' "
          b"from='localhost' version='1.0'>")
STREAMS_NS = b"urn:ietf:params:xml:ns:xmpp-streams"
SASL = b"urn:ietf:params:xml:ns:xmpp-sasl"
TLS_NS = b"urn:ietf:params:xml:ns:xmpp-tls"
CONDITIONS = [
    'bad-format', 'bad-namespace-prefix', 'conflict', 'connection-timeout',
    'host-gone', 'host-unknown', 'improper-addressing',
    'internal-server-error', 'invalid-from', 'invalid-namespace',
    'invalid-xml', 'not-authorized', 'not-well-formed', 'policy-violation',
    'remote-connection-failed', 'reset', 'resource-constraint',
    'restricted-xml', 'see-other-host', 'system-shutdown',
    'undefined-condition', 'unsupported-encoding', 'unsupported-feature',
    'unsupported-stanza-type', 'unsupported-version',
]
BEFORE = ['stream-error', 'hostile-error', 'garbage', 'proceed-stall']
AFTER = ['malformed', 'invalid-utf8', 'truncated', 'huge', 'deep',
         'doctype-bomb', 'external-entity', 'silent', 'swallow',
         'stream-error-online']
MODES = BEFORE + ['impostor', 'no-external'] + AFTER


def stream_error(cond, text=b'going down'):
    return (b"<stream:error><" + cond.encode() + b" xmlns='" + STREAMS_NS +
            b"'/><text xmlns='" + STREAMS_NS + b"'>" + text +
            b"</text></stream:error></stream:stream>")


class Conn:
    """A client connection: plaintext, or TLS once wrap() was called."""

    def __init__(self, sock, a):
        self.sock, self.a, self.buf = sock, a, b''

    def wrap(self, ctx):
        self.sock = ctx.wrap_socket(self.sock, server_side=True)

    def recv(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError
        if self.a.log:
            with open(self.a.log, 'ab') as f:
                f.write(data)
        return data

    def read_until(self, pattern):
        while not re.search(pattern, self.buf):
            self.buf += self.recv()
        m = re.search(pattern, self.buf)
        got, self.buf = self.buf[:m.end()], self.buf[m.end():]
        return got

    def send(self, data):
        self.sock.sendall(data)


def before_login(c, a):
    c.read_until(b'<stream:stream[^>]*>')
    if a.mode == 'proceed-stall':
        c.send(HEADER + b"<stream:features><starttls xmlns='" + TLS_NS +
               b"'><required/></starttls></stream:features>")
        c.read_until(b'<starttls')
        c.send(b"<proceed xmlns='" + TLS_NS + b"'/>")
        while c.recv():
            pass
    elif a.mode == 'stream-error':
        c.send(HEADER + stream_error(a.condition))
    elif a.mode == 'hostile-error':
        c.send(HEADER + b"<stream:error><policy-violation xmlns='" +
               STREAMS_NS + b"'/><text xmlns='" + STREAMS_NS + b"'>evil "
               b"\xe2\x80\xae txt.exe</text></stream:error></stream:stream>")
    elif a.mode == 'garbage':
        c.send(HEADER + b"<features><<<\x00\xff not xml")
    while c.recv():
        pass


def prolog(a):
    """What the restarted stream opens with, for the DTD modes."""
    if a.mode == 'doctype-bomb':
        ents = b'<!ENTITY a0 "lollollollollollollollollollol">'
        for i in range(1, 10):
            ents += b'<!ENTITY a%d "%s">' % (i, (b'&a%d;' % (i - 1)) * 10)
        return (b"<?xml version='1.0'?><!DOCTYPE stream:stream [" + ents +
                b"]>" + HEADER[21:])
    if a.mode == 'external-entity':
        ents = b''.join(b'<!ENTITY e%d SYSTEM "%s">' % (i, u.encode())
                        for i, u in enumerate(a.entity_url))
        return (b"<?xml version='1.0'?><!DOCTYPE stream:stream [" + ents +
                b"]>" + HEADER[21:])
    return HEADER


def payload(c, a):
    """Sends the mode's payload, once the client is online."""
    msg = b"<message from='bob@localhost/x' to='alice@localhost' type='chat'>"
    if a.mode == 'malformed':
        c.send(msg + b"<body>x</bdy></message>")
    elif a.mode == 'invalid-utf8':
        c.send(msg + b"<body>bad \xff\xfe \xc0\xaf</body></message>")
    elif a.mode == 'truncated':
        c.send(msg + b"<body>half a sta")
        return
    elif a.mode == 'huge':
        c.send(msg + b"<body>")
        chunk = b'A' * (1 << 20)
        try:
            for _ in range(a.size):
                c.send(chunk)
            c.send(b"</body></message>")
        except OSError:
            pass
    elif a.mode == 'deep':
        c.send(msg + b"<x>" * a.depth + b"</x>" * a.depth + b"</message>")
    elif a.mode == 'doctype-bomb':
        c.send(msg + b"<body>&a9;</body></message>")
    elif a.mode == 'external-entity':
        refs = b''.join(b'&e%d;' % i for i in range(len(a.entity_url)))
        c.send(msg + b"<body>" + refs + b"</body></message>")
    elif a.mode == 'stream-error-online':
        c.send(stream_error(a.condition))
    while c.recv():
        pass


def secure(c, a, tls):
    """TLS as --tls says (direct, starttls or none), up to the stream
    header the client sends over it: the server's features come next."""
    if a.tls == 'direct':
        c.wrap(tls)
    c.read_until(b'<stream:stream[^>]*>')
    if a.tls == 'starttls':
        c.send(HEADER + b"<stream:features><starttls xmlns='" + TLS_NS +
               b"'><required/></starttls></stream:features>")
        c.read_until(b'<starttls[^>]*>')
        c.send(b"<proceed xmlns='" + TLS_NS + b"'/>")
        c.wrap(tls)
        c.read_until(b'<stream:stream[^>]*>')


def login(c, a, tls):
    """Accepts any login; binds. Returns once the client is online."""
    secure(c, a, tls)
    c.send(HEADER + b"<stream:features><mechanisms xmlns='" + SASL +
           b"'><mechanism>PLAIN</mechanism><mechanism>EXTERNAL"
           b"</mechanism></mechanisms></stream:features>")
    auth = c.read_until(b'</auth>|<auth[^>]*/>')
    m = re.search(rb'<auth[^>]*>([^<]*)</auth>', auth)
    got = base64.b64decode(m.group(1)) if m and m.group(1) != b'=' else b''
    sys.stderr.write("AUTH %r\n" % got)
    sys.stderr.flush()
    c.send(b"<success xmlns='" + SASL + b"'/>")
    c.read_until(b'<stream:stream[^>]*>')
    c.send(prolog(a) + b"<stream:features><bind xmlns='urn:ietf:params:"
           b"xml:ns:xmpp-bind'/></stream:features>")
    iq = c.read_until(b'<iq [^>]*>')
    i = re.search(rb'id=["\']([^"\']+)', iq)
    c.send(b"<iq type='result' id='" + (i.group(1) if i else b'x') +
           b"'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>"
           b"alice@localhost/x</jid></bind></iq>")


def no_external(c, a, tls):
    """Offers PLAIN only, then waits for the client to go."""
    secure(c, a, tls)
    c.send(HEADER + b"<stream:features><mechanisms xmlns='" + SASL +
           b"'><mechanism>PLAIN</mechanism></mechanisms></stream:features>")
    while c.recv():
        pass


def impostor(c):
    while True:
        data = c.recv()
        for iq in re.finditer(rb'<iq [^>]*id="([^"]+)"', data):
            c.send(b"<iq type='result' id='" + iq.group(1) + b"'/>")
        n = data.count(b'<message')
        if n:
            sys.stderr.write("GOT %d message(s)\n" % n)
            sys.stderr.flush()


def swallow(c, a):
    """Answers iqs until the client sent --silent-after, then is silent."""
    tail = b''
    while True:
        data = c.recv()
        m = re.search(a.silent_after.encode(), tail + data)
        upto = len(data) if not m else max(0, m.start() - len(tail))
        for iq in re.finditer(rb'<iq [^>]*id="([^"]+)"', data[:upto]):
            c.send(b"<iq type='result' id='" + iq.group(1) + b"'/>")
        if m:
            while c.recv():
                pass
        tail = (tail + data)[-4096:]


def serve(sock, a, tls):
    c = Conn(sock, a)
    try:
        if a.mode in BEFORE:
            return before_login(c, a)
        if a.mode == 'no-external':
            return no_external(c, a, tls)
        login(c, a, tls)
        if a.mode == 'impostor':
            return impostor(c)
        if a.mode == 'swallow':
            return swallow(c, a)
        if a.mode == 'silent':
            while c.recv():
                pass
        c.read_until(b'<(iq|message|presence)[ >/]')  # online now
        payload(c, a)
    except (EOFError, OSError, ssl.SSLError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def self_signed(directory):
    crt, key = (os.path.join(directory, 'impostor.' + x)
                for x in ('crt', 'key'))
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
                    'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
                    '-subj', '/CN=localhost', '-keyout', key, '-out', crt],
                   check=True, capture_output=True)
    return crt, key


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port-file', required=True)
    ap.add_argument('--mode', choices=MODES, required=True)
    ap.add_argument('--condition', choices=CONDITIONS,
                    default='system-shutdown')
    ap.add_argument('--tls', choices=['none', 'direct', 'starttls'])
    ap.add_argument('--cert')
    ap.add_argument('--key')
    ap.add_argument('--size', type=int, default=64, help='MiB, for huge')
    ap.add_argument('--depth', type=int, default=100000)
    ap.add_argument('--entity-url', action='append', default=[])
    ap.add_argument('--silent-after', default='$^')
    ap.add_argument('--log')
    ap.add_argument('--lifetime', type=float, default=300)
    a = ap.parse_args()
    if a.tls is None:
        a.tls = 'direct' if a.mode in ('impostor', 'no-external') else 'none'
    tls = None
    if a.tls != 'none':
        crt, key = a.cert, a.key
        if not crt:
            crt, key = self_signed(
                os.path.dirname(os.path.abspath(a.port_file)))
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(crt, key)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', 0))
    ls.listen(8)
    with open(a.port_file + '.tmp', 'w') as f:
        f.write('%d\n' % ls.getsockname()[1])
    os.rename(a.port_file + '.tmp', a.port_file)
    end = time.monotonic() + a.lifetime
    while True:
        ls.settimeout(max(0.01, end - time.monotonic()))
        try:
            conn, _ = ls.accept()
        except socket.timeout:
            os._exit(0)
        threading.Thread(target=serve, args=(conn, a, tls),
                         daemon=True).start()


if __name__ == '__main__':
    main()
