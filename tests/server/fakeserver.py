#!/usr/bin/python3
"""A scripted plaintext XMPP 'server' for failure paths a real one will not
show on demand. Used with `stanza --no-tls` on loopback.

fakeserver.py --port-file FILE --mode MODE

Modes:
  stream-error   answer the stream header with <system-shutdown/>
  garbage        answer the stream header with bytes that are not XML
Writes its port to FILE, serves connections until killed.
"""
import argparse
import os
import socket
import threading

HEADER = (b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
          b"xmlns:stream='http://etherx.jabber.org/streams' id='fake' "
          b"from='localhost' version='1.0'>")
REPLIES = {
    'stream-error': HEADER + b"<stream:error><system-shutdown "
                    b"xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                    b"<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
                    b"going down</text></stream:error></stream:stream>",
    'garbage': HEADER + b"<features><<<\x00\xff not xml",
}


def serve(conn, mode):
    with conn:
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
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', 0))
    ls.listen(8)
    with open(a.port_file + '.tmp', 'w') as f:
        f.write('%d\n' % ls.getsockname()[1])
    os.rename(a.port_file + '.tmp', a.port_file)
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=serve, args=(conn, a.mode), daemon=True).start()


if __name__ == '__main__':
    main()
