#!/usr/bin/python3
"""A TCP proxy that cuts connections, for tests of lost connections.

cutproxy.py --listen-port-file FILE --to PORT
            (--cut-after BYTES | --cut-after-ms MS | --control FILE) [--cuts N]

Forwards 127.0.0.1:<free port> to 127.0.0.1:PORT. The first N connections
(default 1) are closed abruptly, both ways, once the client has sent more
than BYTES bytes, or MS milliseconds after they were accepted; later ones
pass untouched. Writes its port to the file.

With --control FILE, the test steers the proxy by writing one word to FILE:
  cut     the open connections are closed abruptly, both ways, and new ones
          are closed as soon as they are accepted (the server is down);
  freeze  the open connections go dead without closing: what either side
          sends is dropped, and the server's side stays open (a half-open
          connection: the server believes it delivers); connections
          accepted later pass; FILE.frozen appears once one froze;
  pass    (or no FILE) everything passes.
"""
import argparse
import os
import selectors
import socket
import time


def control(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return 'pass'


def drop_until_closed(client, server, hold):
    """Frozen: read and drop both ways; keep the server side open until the
    server closes it or `hold` seconds have passed."""
    sel = selectors.DefaultSelector()
    sel.register(client, selectors.EVENT_READ)
    sel.register(server, selectors.EVENT_READ)
    end = time.monotonic() + hold
    while time.monotonic() < end:
        for key, _ in sel.select(end - time.monotonic()):
            if not key.fileobj.recv(65536):
                if key.fileobj is server:
                    return
                sel.unregister(client)


def pump(client, server, limit, deadline, ctl=None):
    sel = selectors.DefaultSelector()
    sel.register(client, selectors.EVENT_READ, server)
    sel.register(server, selectors.EVENT_READ, client)
    sent = 0
    was = control(ctl) if ctl else None
    try:
        while True:
            timeout = None
            if deadline is not None:
                timeout = deadline - time.monotonic()
                if timeout <= 0:
                    return  # cut on time
            if ctl:
                now = control(ctl)
                if now == 'cut':
                    return
                if now == 'freeze' and was != 'freeze':
                    open(ctl + '.frozen', 'w').close()  # for the test
                    return drop_until_closed(client, server, 60)
                was = now
                timeout = 0.05
            for key, _ in sel.select(timeout):
                src, dst = key.fileobj, key.data
                data = src.recv(65536)
                if not data:
                    return
                if src is client:
                    sent += len(data)
                    if limit is not None and sent > limit:
                        return  # cut: drop what we have, close both ways
                dst.sendall(data)
    except OSError:
        return
    finally:
        for s in (client, server):
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             b'\x01\x00\x00\x00\x00\x00\x00\x00')
                s.close()
            except OSError:
                pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--listen-port-file', required=True)
    ap.add_argument('--to', type=int, required=True)
    cut = ap.add_mutually_exclusive_group(required=True)
    cut.add_argument('--cut-after', type=int)
    cut.add_argument('--cut-after-ms', type=int)
    cut.add_argument('--control')
    ap.add_argument('--cuts', type=int, default=1)
    a = ap.parse_args()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', 0))
    ls.listen(16)
    tmp = a.listen_port_file + '.tmp'
    with open(tmp, 'w') as f:
        f.write('%d\n' % ls.getsockname()[1])
    os.rename(tmp, a.listen_port_file)
    n = 0
    while True:
        client, _ = ls.accept()
        if a.control and control(a.control) == 'cut':
            client.close()
            continue
        server = socket.create_connection(('127.0.0.1', a.to))
        cutting = n < a.cuts
        limit = a.cut_after if cutting else None
        deadline = None
        if cutting and a.cut_after_ms is not None:
            deadline = time.monotonic() + a.cut_after_ms / 1000.0
        n += 1
        if os.fork() == 0:
            ls.close()
            pump(client, server, limit, deadline, a.control)
            os._exit(0)
        client.close()
        server.close()
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass


if __name__ == '__main__':
    main()
