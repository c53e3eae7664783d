#!/usr/bin/python3
"""Random message bodies of the kinds that break XMPP clients, and what a
careful sender must do with each.

bodies.py --count N --seed S DIR

Writes DIR/0000 ... (one body per file, raw bytes, never a line break)
and DIR/expected: one line per body, "send" if the body is valid UTF-8
made only of characters XML 1.0 allows (then it can travel as it is), or
the reason it cannot: "NUL", or the first fault and where, as stanza
names it ("invalid UTF-8 at byte 5", "control character at byte 1").
Bodies mix printable text with control characters, ANSI escape
sequences, DEL, C1 controls, NUL, U+FFFE/U+FFFF, bidi overrides,
invalid UTF-8 (stray bytes, overlongs, surrogates, truncated sequences),
combining marks and emoji.
"""
import argparse
import os
import random

PIECES = [
    lambda r: bytes([r.randrange(0x20, 0x7f)]) * r.randrange(1, 6),
    lambda r: 'héllo wörld ✓ '.encode(),
    lambda r: bytes([r.choice([c for c in range(1, 0x20)
                               if c not in (0x0a, 0x0d)])]),
    lambda r: b'\x1b[31m' + b'red' + b'\x1b[0m',
    lambda r: b'\x1b]0;title\x07',
    lambda r: b'\x7f',
    lambda r: chr(r.randrange(0x80, 0xa0)).encode(),
    lambda r: b'\x00',
    lambda r: '\ufffe'.encode(),
    lambda r: '\uffff'.encode(),
    lambda r: '\u202e'.encode() + b'gnp.exe',
    lambda r: b'\xff',
    lambda r: b'\xc0\xaf',             # overlong '/'
    lambda r: b'\xed\xa0\x80',         # a surrogate
    lambda r: b'\xe2\x82',             # truncated
    lambda r: b'\x80',                 # stray continuation byte
    lambda r: 'e\u0301\u0327'.encode(),
    lambda r: '\U0001f600'.encode(),
    lambda r: b'\t',
    lambda r: b'<&>"\'',
]
WEIGHTS = [40, 6, 4, 3, 1, 2, 2, 2, 1, 1, 2, 2, 1, 1, 1, 1, 2, 2, 2, 4]


def allowed(c):
    return (c in (0x09, 0x0a, 0x0d) or 0x20 <= c <= 0xd7ff or
            0xe000 <= c <= 0xfffd or c >= 0x10000)


def verdict(b):
    """'send', 'NUL', or the first fault and its byte (from 1)."""
    if b'\x00' in b:
        return 'NUL'
    try:
        s, bad = b.decode('utf-8'), None
    except UnicodeDecodeError as e:
        s, bad = b[:e.start].decode('utf-8'), e.start
    for i, c in enumerate(s):
        if not allowed(ord(c)):
            return 'control character at byte %d' % (len(s[:i].encode()) + 1)
    if bad is not None:
        return 'invalid UTF-8 at byte %d' % (bad + 1)
    return 'send'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--count', type=int, default=1000)
    ap.add_argument('--seed', type=int, default=9)
    ap.add_argument('dir')
    a = ap.parse_args()
    r = random.Random(a.seed)
    os.makedirs(a.dir, exist_ok=True)
    with open(os.path.join(a.dir, 'expected'), 'w') as exp:
        for i in range(a.count):
            body = b''
            # half of them made only of what may travel
            clean = r.random() < 0.5
            size = r.randrange(1, 80)
            while len(body) < size or not body.strip():
                k = r.choices(range(len(PIECES)), WEIGHTS)[0]
                if clean and k not in (0, 1, 16, 17, 18, 19):
                    k = 0
                body += PIECES[k](r)
            with open(os.path.join(a.dir, '%04d' % i), 'wb') as f:
                f.write(body)
            exp.write(verdict(body) + '\n')


if __name__ == '__main__':
    main()
