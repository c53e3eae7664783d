#!/usr/bin/python3
"""The fault proxy: a TCP proxy between stanza and a server that breaks
what passes through it, for tests of lost, slow and tampered connections.

proxy.py --listen-port-file FILE (--to PORT | --blackhole) [fault...]

Listens on 127.0.0.1:<free port> (written to FILE) and forwards each
connection to 127.0.0.1:PORT. With no fault, everything passes.

Faults:
  --cut-after BYTES   (also --reset-after) close the connection abruptly,
                      both ways, with a TCP reset, once the client has sent
                      more than BYTES bytes;
  --cut-after-ms MS   the same, MS milliseconds after it was accepted;
  --cuts N            ... for the first N connections (default 1);
  --delay MS          forward every chunk MS milliseconds late, both ways;
  --throttle BPS      forward at most BPS bytes per second, each way;
  --blackhole         accept, read and drop, never connect, never answer;
  --strip-starttls    remove <starttls/> from the server's stream features
                      (a downgrade attack);
  --freeze-on REGEX   once what the client sent matches REGEX (in
                      plaintext: before STARTTLS, or with stanza --no-tls),
                      forward it, then let the connection go dead without
                      closing: what either side sends is dropped (the
                      server believes it delivers); FILE.frozen appears;
  --freeze-after BYTES  the same once the client has sent BYTES bytes (the
                      first --cuts N connections);
  --control FILE      the test steers the proxy by writing one word to
                      FILE: cut (close the open connections with a reset,
                      and new ones as soon as they are accepted: the server
                      is down), freeze (the open ones go dead without
                      closing, as --freeze-on; FILE.frozen appears), pass.
Records:
  --record FILE       append every byte the client sends (what the server
                      sees, when it is not encrypted);
  --log FILE          one line per event: accept N, cut N, freeze N,
                      strip N, close N (N counts connections from 1),
                      each followed by its time in seconds since the start.
It binds 127.0.0.1 only, and exits by itself after --lifetime seconds
(default 600), its connections with it.
"""
import argparse
import os
import re
import selectors
import socket
import time

STARTTLS = re.compile(rb'<starttls\b[^>]*/>|<starttls\b[^>]*>.*?</starttls>',
                      re.S)


def control(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return 'pass'


T0 = time.monotonic()


def log(a, line):
    if a.log:
        with open(a.log, 'a') as f:
            f.write('%s %.3f\n' % (line, time.monotonic() - T0))


def touch(path):
    open(path, 'w').close()


def drop_until_closed(client, server, end):
    """Frozen: read and drop both ways; keep the server side open until the
    server closes it or the end comes."""
    sel = selectors.DefaultSelector()
    sel.register(client, selectors.EVENT_READ)
    if server:
        sel.register(server, selectors.EVENT_READ)
    while time.monotonic() < end:
        for key, _ in sel.select(max(0, end - time.monotonic())):
            try:
                data = key.fileobj.recv(65536)
            except OSError:
                data = b''
            if not data:
                if key.fileobj is server or not server:
                    return
                sel.unregister(client)


class Lane:
    """One direction: bytes waiting to be forwarded, each piece when due."""

    def __init__(self, dst, a):
        self.dst, self.a = dst, a
        self.queue = []  # (due, bytes)
        self.free = 0.0  # when the throttled line is free again

    def push(self, data):
        now = time.monotonic()
        due = now + self.a.delay / 1000.0
        if not self.a.throttle:
            self.queue.append((due, data))
            return
        step = max(1, self.a.throttle // 20)
        for i in range(0, len(data), step):
            piece = data[i:i + step]
            self.free = max(self.free, now) + len(piece) / self.a.throttle
            self.queue.append((max(due, self.free), piece))

    def flush(self):
        now = time.monotonic()
        while self.queue and self.queue[0][0] <= now:
            self.dst.sendall(self.queue.pop(0)[1])

    def next_due(self):
        return self.queue[0][0] if self.queue else None


def pump(n, client, server, a, limit, deadline, end, freeze_at=None):
    sel = selectors.DefaultSelector()
    sel.register(client, selectors.EVENT_READ)
    sel.register(server, selectors.EVENT_READ)
    up, down = Lane(server, a), Lane(client, a)
    sent = 0
    tail = b''
    was = control(a.control) if a.control else None
    how = 'close'
    try:
        while True:
            now = time.monotonic()
            waits = [end - now]
            if deadline is not None:
                if now >= deadline:
                    how = 'cut'
                    return  # cut on time
                waits.append(deadline - now)
            if a.control:
                ctl = control(a.control)
                if ctl == 'cut':
                    how = 'cut'
                    return
                if ctl == 'freeze' and was != 'freeze':
                    log(a, 'freeze %d' % n)
                    touch(a.control + '.frozen')
                    how = 'frozen'
                    return drop_until_closed(client, server, end)
                was = ctl
                waits.append(0.05)
            for lane in (up, down):
                due = lane.next_due()
                if due is not None:
                    waits.append(due - now)
            if now >= end:
                return
            for key, _ in sel.select(max(0, min(waits))):
                src = key.fileobj
                data = src.recv(65536)
                if not data:
                    for lane in (up, down):
                        lane.flush()
                    return
                if src is client:
                    sent += len(data)
                    if limit is not None and sent > limit:
                        how = 'cut'
                        return  # drop what we have, reset both ways
                    if a.record:
                        with open(a.record, 'ab') as f:
                            f.write(data)
                    up.push(data)
                    tail = (tail + data)[-65536:]
                    if ((a.freeze_on and re.search(a.freeze_on.encode(), tail))
                            or (freeze_at is not None and sent >= freeze_at)):
                        while up.queue:  # what came first gets through
                            up.flush()
                            time.sleep(0.01)
                        log(a, 'freeze %d' % n)
                        touch(a.freeze_on_file)
                        how = 'frozen'
                        return drop_until_closed(client, server, end)
                else:
                    if a.strip_starttls and STARTTLS.search(data):
                        data = STARTTLS.sub(b'', data)
                        log(a, 'strip %d' % n)
                    down.push(data)
            up.flush()
            down.flush()
    except OSError:
        return
    finally:
        log(a, '%s %d' % ('cut' if how == 'cut' else 'close', n))
        for s in (client, server):
            try:
                if how == 'cut':  # a reset, not an orderly close
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 b'\x01\x00\x00\x00\x00\x00\x00\x00')
                s.close()
            except OSError:
                pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--listen-port-file', required=True)
    ap.add_argument('--to', type=int)
    ap.add_argument('--cut-after', '--reset-after', type=int)
    ap.add_argument('--cut-after-ms', type=int)
    ap.add_argument('--cuts', type=int, default=1)
    ap.add_argument('--delay', type=int, default=0)
    ap.add_argument('--throttle', type=int, default=0)
    ap.add_argument('--blackhole', action='store_true')
    ap.add_argument('--strip-starttls', action='store_true')
    ap.add_argument('--freeze-on')
    ap.add_argument('--freeze-after', type=int)
    ap.add_argument('--control')
    ap.add_argument('--record')
    ap.add_argument('--log')
    ap.add_argument('--lifetime', type=float, default=600)
    a = ap.parse_args()
    if a.to is None and not a.blackhole:
        ap.error('--to PORT or --blackhole is required')
    a.freeze_on_file = a.listen_port_file + '.frozen'
    if a.control:
        a.freeze_on_file = a.control + '.frozen'
    end = time.monotonic() + a.lifetime
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
        ls.settimeout(max(0.01, end - time.monotonic()))
        try:
            client, _ = ls.accept()
        except socket.timeout:
            break
        n += 1
        log(a, 'accept %d' % n)
        if a.control and control(a.control) == 'cut':
            log(a, 'cut %d' % n)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                              b'\x01\x00\x00\x00\x00\x00\x00\x00')
            client.close()
            continue
        server = None
        if not a.blackhole:
            try:
                server = socket.create_connection(('127.0.0.1', a.to))
            except OSError:
                log(a, 'close %d' % n)
                client.close()
                continue
        cutting = n <= a.cuts
        limit = a.cut_after if cutting else None
        deadline = None
        if cutting and a.cut_after_ms is not None:
            deadline = time.monotonic() + a.cut_after_ms / 1000.0
        if os.fork() == 0:
            ls.close()
            if a.blackhole:
                drop_until_closed(client, None, end)
            else:
                pump(n, client, server, a, limit, deadline, end,
                     a.freeze_after if cutting else None)
            os._exit(0)
        client.close()
        if server:
            server.close()
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass


if __name__ == '__main__':
    main()
