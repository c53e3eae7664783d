#!/usr/bin/python3
"""A scripted plaintext XMPP 'server' for failure paths a real one will not
show on demand. Used with `stanza --no-tls` on loopback.

fakeserver.py --port-file FILE --mode MODE

Modes:
  stream-error   answer the stream header with <system-shutdown/>
  hostile-error  a stream error whose text holds a bidi override (U+202E)
  garbage        answer the stream header with bytes that are not XML
  proceed-stall  offer STARTTLS, say <proceed/>, then never speak TLS
  impostor       direct TLS with a self-signed certificate (made in the
                 port file's directory); accepts any PLAIN or EXTERNAL
                 login, binds, answers every iq with a result, and says on
                 stderr what it got ("AUTH ...", "GOT N message(s)")
  no-external    direct TLS with that certificate too; offers PLAIN only
                 (no SASL EXTERNAL, as ejabberd without tls_verify), then
                 waits for the client to go
Writes its port to FILE, serves connections until killed.
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

HEADER = (b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
          b"xmlns:stream='http://etherx.jabber.org/streams' id='fake' "
          b"from='localhost' version='1.0'>")
REPLIES = {
    'stream-error': HEADER + b"<stream:error><system-shutdown "
                    b"xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                    b"<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
                    b"going down</text></stream:error></stream:stream>",
    'hostile-error': HEADER + b"<stream:error><policy-violation "
                     b"xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                     b"<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
                     b"evil \xe2\x80\xae txt.exe</text></stream:error>"
                     b"</stream:stream>",
    'garbage': HEADER + b"<features><<<\x00\xff not xml",
    'proceed-stall': None,
    'impostor': None,
    'no-external': None,
}
SASL = b"urn:ietf:params:xml:ns:xmpp-sasl"


def read_until(conn, pattern):
    buf = b''
    while not re.search(pattern, buf):
        chunk = conn.recv(65536)
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def stall(conn):
    read_until(conn, b'<stream:stream')
    conn.sendall(HEADER + b"<stream:features><starttls xmlns='urn:ietf:"
                 b"params:xml:ns:xmpp-tls'><required/></starttls>"
                 b"</stream:features>")
    read_until(conn, b'<starttls')
    conn.sendall(b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    while conn.recv(4096):
        pass


def impostor(conn, tls):
    t = tls.wrap_socket(conn, server_side=True)
    read_until(t, b'<stream:stream')
    t.sendall(HEADER + b"<stream:features><mechanisms xmlns='" + SASL +
              b"'><mechanism>PLAIN</mechanism><mechanism>EXTERNAL"
              b"</mechanism></mechanisms></stream:features>")
    auth = read_until(t, b'</auth>|<auth[^>]*/>')
    m = re.search(rb'<auth[^>]*>([^<]*)</auth>', auth)
    got = base64.b64decode(m.group(1)) if m and m.group(1) != b'=' else b''
    sys.stderr.write("AUTH %r\n" % got)
    sys.stderr.flush()
    t.sendall(b"<success xmlns='" + SASL + b"'/>")
    read_until(t, b'<stream:stream')
    t.sendall(HEADER + b"<stream:features><bind xmlns='urn:ietf:params:"
              b"xml:ns:xmpp-bind'/></stream:features>")
    while True:
        data = t.recv(65536)
        if not data:
            return
        for iq in re.finditer(rb'<iq [^>]*id="([^"]+)"', data):
            t.sendall(b"<iq type='result' id='" + iq.group(1) + b"'><bind "
                      b"xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>"
                      b"alice@localhost/x</jid></bind></iq>")
        n = data.count(b'<message')
        if n:
            sys.stderr.write("GOT %d message(s)\n" % n)
            sys.stderr.flush()


def no_external(conn, tls):
    t = tls.wrap_socket(conn, server_side=True)
    read_until(t, b'<stream:stream')
    t.sendall(HEADER + b"<stream:features><mechanisms xmlns='" + SASL +
              b"'><mechanism>PLAIN</mechanism></mechanisms></stream:features>")
    while t.recv(4096):
        pass


def self_signed(directory):
    crt, key = (os.path.join(directory, 'impostor.' + x) for x in ('crt', 'key'))
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
                    'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
                    '-subj', '/CN=localhost', '-keyout', key, '-out', crt],
                   check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(crt, key)
    return ctx


def serve(conn, mode, tls):
    with conn:
        try:
            if mode == 'proceed-stall':
                return stall(conn)
            if mode == 'impostor':
                return impostor(conn, tls)
            if mode == 'no-external':
                return no_external(conn, tls)
        except (EOFError, OSError, ssl.SSLError):
            return
        data = b''
        while b'<stream:stream' not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        conn.sendall(REPLIES[mode])
        try:
            while conn.recv(4096):
                pass
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port-file', required=True)
    ap.add_argument('--mode', choices=sorted(REPLIES), required=True)
    a = ap.parse_args()
    tls = None
    if a.mode in ('impostor', 'no-external'):
        tls = self_signed(os.path.dirname(os.path.abspath(a.port_file)))
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', 0))
    ls.listen(8)
    with open(a.port_file + '.tmp', 'w') as f:
        f.write('%d\n' % ls.getsockname()[1])
    os.rename(a.port_file + '.tmp', a.port_file)
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=serve, args=(conn, a.mode, tls),
                         daemon=True).start()


if __name__ == '__main__':
    main()
