#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile and patient TCP peers for listen-tcp.sh (RFC 5460 §5.2 framing).

lqtcp.py limit SERVER MAX    one good connection, MAX-1 idle ones, then 20
                             more that the server must close at once; then
                             the good one's query is answered in full
lqtcp.py stall SERVER SEC    a relay-id query whose answer is big, never
                             read; holds the connection SEC seconds
lqtcp.py bad SERVER KIND     garbage64k | zero | solicit: must be closed
lqtcp.py from SRC SERVER [served]
                             a connection from SRC: must be closed at once
                             (with "served": must be answered in full)
lqtcp.py slow SERVER FILE N  a relay-id query; after the first message,
                             creates FILE and reads the rest slowly; the
                             answer must be whole: REPLY, N DATA, DONE
Prints one line and exits 0 when the server did what it should.
"""
import os
import socket
import struct
import sys
import time

LEASEQUERY, REPLY, DONE, DATA = 14, 15, 16, 17


def leasequery(qtype, xid=0x123456):
    duid = bytes.fromhex("000300010a0b0c0d0e0f")
    cid = struct.pack("!HH", 1, len(duid)) + duid
    if qtype == 3:
        inner = struct.pack("!HH", 53, len(duid)) + duid  # OPTION_RELAY_ID
    else:
        inner = cid
    lq = struct.pack("!B16s", qtype, bytes(16)) + inner
    msg = struct.pack("!I", (LEASEQUERY << 24) | xid) + cid + struct.pack("!HH", 44, len(lq)) + lq
    return struct.pack("!H", len(msg)) + msg


def connect(server, src=None):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    if src:
        s.bind((src, 0))
    s.settimeout(5)
    s.connect((server, 547))
    return s


def closed_soon(s, timeout=2.0):
    """True when the server closes s within timeout (data before EOF is read)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            if not s.recv(65536):
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
    return False


def answer(s, timeout=5.0):
    types = []
    s.settimeout(timeout)
    buf = b""
    while True:
        while len(buf) < 2 or len(buf) < 2 + struct.unpack("!H", buf[:2])[0]:
            chunk = s.recv(65536)
            if not chunk:
                return types
            buf += chunk
        n = struct.unpack("!H", buf[:2])[0]
        types.append(buf[2])
        buf = buf[2 + n:]
        if types[-1] == DONE:
            return types


def main():
    cmd = sys.argv[1]
    if cmd == "limit":
        server, mx = sys.argv[2], int(sys.argv[3])
        good = connect(server)
        idle = [connect(server) for _ in range(mx - 1)]
        time.sleep(0.3)
        refused = 0
        for _ in range(20):
            c = connect(server)
            refused += closed_soon(c)
            c.close()
        good.sendall(leasequery(2))
        types = answer(good)
        ok = refused == 20 and types and types[0] == REPLY and types[-1] == DONE
        print("refused %d of 20, the good one got %s" % (refused, " ".join(map(str, types))))
        for c in idle:
            c.close()
        return 0 if ok else 1
    if cmd == "stall":
        server, sec = sys.argv[2], float(sys.argv[3])
        s = connect(server)
        # Shrunk after the handshake: the server's segments beyond the
        # window are dropped and it backs off; the point is to stall it.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(leasequery(3))
        time.sleep(sec)
        print("held %.1f s without reading" % sec)
        return 0
    if cmd == "bad":
        server, kind = sys.argv[2], sys.argv[3]
        s = connect(server)
        if kind == "garbage64k":
            data = b"\x12\x34" + bytes([0xff]) + os.urandom(65536 - 3)
        elif kind == "zero":
            data = b"\x00\x00" + leasequery(2)
        else:  # a Solicit, framed
            msg = struct.pack("!I", (1 << 24) | 0x010203) + struct.pack("!HH", 1, 10) + \
                bytes.fromhex("000300010a0b0c0d0e0f")
            data = struct.pack("!H", len(msg)) + msg
        try:
            s.sendall(data)
        except (ConnectionResetError, BrokenPipeError):
            print("%s: closed while sending" % kind)
            return 0
        c = closed_soon(s)
        print("%s: %s" % (kind, "closed" if c else "still open"))
        return 0 if c else 1
    if cmd == "slow":
        server, flag, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
        s = connect(server)
        s.sendall(leasequery(3))
        s.settimeout(5)
        first = s.recv(1)
        open(flag, "w").close()
        time.sleep(2)
        s.settimeout(10)
        types, buf = [], first
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
            while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
                k = struct.unpack("!H", buf[:2])[0]
                types.append(buf[2])
                buf = buf[2 + k:]
            if types and types[-1] == DONE:
                break
        ok = types[:1] == [REPLY] and types[1:-1] == [DATA] * n and types[-1:] == [DONE]
        print("slow reader: %d messages, %s" % (len(types), "whole" if ok else "NOT whole"))
        return 0 if ok else 1
    if cmd == "from":
        src, server = sys.argv[2], sys.argv[3]
        s = connect(server, src)
        if sys.argv[4:] == ["served"]:
            s.sendall(leasequery(2))
            types = answer(s)
            print("from %s: %s" % (src, " ".join(map(str, types))))
            return 0 if types[:1] == [REPLY] and types[-1:] == [DONE] else 1
        c = closed_soon(s)
        print("from %s: %s" % (src, "closed" if c else "still open"))
        return 0 if c else 1
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main())
