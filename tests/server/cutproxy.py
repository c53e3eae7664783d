#!/usr/bin/python3
"""A TCP proxy that cuts connections, for tests of lost connections.

cutproxy.py --listen-port-file FILE --to PORT
            (--cut-after BYTES | --cut-after-ms MS) [--cuts N]

Forwards 127.0.0.1:<free port> to 127.0.0.1:PORT. The first N connections
(default 1) are closed abruptly, both ways, once the client has sent more
than BYTES bytes, or MS milliseconds after they were accepted; later ones
pass untouched. Writes its port to the file.
"""
import argparse
import os
import selectors
import socket
import time


def pump(client, server, limit, deadline):
    sel = selectors.DefaultSelector()
    sel.register(client, selectors.EVENT_READ, server)
    sel.register(server, selectors.EVENT_READ, client)
    sent = 0
    try:
        while True:
            timeout = None
            if deadline is not None:
                timeout = deadline - time.monotonic()
                if timeout <= 0:
                    return  # cut on time
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
        server = socket.create_connection(('127.0.0.1', a.to))
        cutting = n < a.cuts
        limit = a.cut_after if cutting else None
        deadline = None
        if cutting and a.cut_after_ms is not None:
            deadline = time.monotonic() + a.cut_after_ms / 1000.0
        n += 1
        if os.fork() == 0:
            ls.close()
            pump(client, server, limit, deadline)
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
