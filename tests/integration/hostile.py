#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile datagrams for the integration test hostile.sh (standard library only).

  hostile.py run --interface IF --relay-to ADDR --relay-from ADDR
                 --ctl DHCPCTL --sock SOCKET [--only N,...]
  hostile.py check-log FILE   valid UTF-8, no control characters but newlines
  hostile.py count            the number of bursts
  hostile.py probes --interface IF --src ADDR [--count N]
                              well-behaved clients (one DUID each) during a flood:
                              JSON {count, answered (within --timeout), ...}

Sends each burst of the list below at a running ipv6-dhcpd (direct ones to
ff02::1:2 on IF, relayed ones from [relay-from]:547 to [relay-to]:547), and
after each one checks, through `ipv6-dhcpctl stats-json`, that every datagram
was received and counted for the expected reason, and that a well-behaved
client (a Solicit with IA_NA from the DUID of the static CSV row) still gets
a correct Advertise: our Server Identifier, its Client Identifier, its
address, a well-formed packet. Prints "ok: ..." / "FAIL: ..." lines; exits 1
on any failure.

The bursts rebuild the triggers of other servers' CVEs and crash bugs
(../shared/reference/peers-and-cves.md, section 4).
"""
import argparse
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dhcp6 import Bad, client_msg, duid_ll, opt, unwrap, walk  # noqa: E402

# The well-behaved client: its DUID-LL is in the test's static CSV.
GOOD_MAC = bytes.fromhex("020000000001")
GOOD_ADDR = "2001:db8:1::100"
# Hostile clients use other MACs.
EVIL_MAC = bytes.fromhex("02000000dead")

VERDICTS = ("unparsable_packets", "handling_errors", "for_other_server", "do_not_respond",
            "not_allowed", "rate_limited", "outgoing_packets")

FAILED = 0


def ok(what):
    print(f"ok: {what}", flush=True)


def fail(what):
    global FAILED
    FAILED += 1
    print(f"FAIL: {what}", flush=True)


# --------------------------------------------------------------------------
# Building blocks

def solicit(mac=EVIL_MAC, xid=0x123456, extra=b"", elapsed=0, ia_na=True):
    """A Solicit with Client Identifier, Elapsed Time (centiseconds), IA_NA."""
    o = opt(1, duid_ll(mac)) + opt(8, struct.pack("!H", elapsed))
    if ia_na:
        o += opt(3, struct.pack("!III", 1, 0, 0))
    return bytes([1]) + xid.to_bytes(3, "big") + o + extra


def relay_hdr(link="2001:db8:1::1", peer="fe80::99", hop=0):
    return (bytes([12, hop]) + socket.inet_pton(socket.AF_INET6, link) +
            socket.inet_pton(socket.AF_INET6, peer))


def relay(inner, link="2001:db8:1::1", peer="fe80::99", extra=b""):
    return relay_hdr(link, peer) + opt(9, inner) + extra


def option_ends(msg, start):
    """Offsets where a top-level option of msg ends (prefixes that stay valid)."""
    ends = {start}
    i = start
    while i + 4 <= len(msg):
        _, ln = struct.unpack_from("!HH", msg, i)
        i += 4 + ln
        ends.add(i)
    return ends


# --------------------------------------------------------------------------
# The bursts: (name, how sent, list of datagrams, expectation)
#
# An expectation names the counter every datagram must land in, or is
# "answered" (each gets a well-formed reply), or a callable on the deltas.

def nested_relays(depth):
    """depth Relay-forwards around one Solicit, built inside out (odhcpd's
    stack exhaustion: ~1,700 in one 64 KB datagram)."""
    m = solicit()
    for _ in range(depth):
        m = relay_hdr() + opt(9, m)
    return m


def fqdn(labels):
    return b"".join(bytes([len(x)]) + x for x in labels)


def bursts(rng):
    out = []
    # odhcpd: ~1,700 nested Relay-forwards; also 33 (one over the limit).
    out.append(("1,700 nested Relay-forwards in one datagram", "relay",
                [nested_relays(1700)] * 3, "unparsable_packets"))
    out.append(("33 nested Relay-forwards", "relay", [nested_relays(33)] * 3,
                "unparsable_packets"))
    # Kea CVE-2019-6472 / 6474: DUIDs of 0, 1, 2 and over 130 octets.
    for n in (0, 1, 2, 131, 200, 1000):
        duid = bytes(rng.randrange(256) for _ in range(n))
        m = bytes([1, 0, 0, 1]) + opt(1, duid) + opt(8, b"\0\0") + opt(3, bytes(12))
        out.append((f"Client Identifier of {n} octets", "direct", [m] * 5, "unparsable_packets"))
    m = solicit(extra=opt(2, b"\0\1"))
    out.append(("Server Identifier of 2 octets", "direct", [m] * 5, "unparsable_packets"))
    # dnsmasq CVE-2017-14494: an option running past the end of the packet,
    # and (bounded cursors) past the end of its parent.
    m = solicit()
    out.append(("an option running past the end of the packet", "direct",
                [m + struct.pack("!HH", 23, 64) + bytes(16),
                 m + struct.pack("!HH", 1, 9999),
                 m[:-16] + struct.pack("!HH", 5, 24)], "unparsable_packets"))
    ia = struct.pack("!III", 1, 0, 0) + struct.pack("!HH", 5, 200) + bytes(24)
    m = bytes([1, 0, 0, 2]) + opt(1, duid_ll(EVIL_MAC)) + opt(3, ia) + opt(8, b"\0\0")
    out.append(("an IA Address running past the end of its IA_NA", "direct", [m] * 5,
                "unparsable_packets"))
    inner = solicit()
    r = relay_hdr() + struct.pack("!HH", 9, len(inner) + 40) + inner + opt(18, b"x" * 36)
    out.append(("a Relay Message running past its Relay-forward", "relay", [r] * 5,
                "unparsable_packets"))
    # dnsmasq CVE-2017-14493: an oversized RFC 6939 Client Link-Layer
    # Address option in a Relay-forward.
    for n in (1, 300, 4000):
        r = relay(solicit(), extra=opt(79, struct.pack("!H", 1) + b"\xaa" * n))
        out.append((f"Client Link-Layer Address of {n} octets in a Relay-forward", "relay",
                    [r] * 5, "answered"))
    r = relay(solicit(), extra=opt(79, b"\x00"))
    out.append(("Client Link-Layer Address of 1 octet (no type)", "relay", [r] * 5,
                "unparsable_packets"))
    # Kea CVE-2019-6473 / CVE-2025-11232, ISC CVE-2022-2929: Client FQDN
    # labels over 63 octets, names that sanitise to nothing.
    m = solicit(extra=opt(39, b"\x00" + fqdn([b"a" * 64, b"example", b""])))
    out.append(("Client FQDN with a 64-octet label", "direct", [m] * 5, "unparsable_packets"))
    m = solicit(extra=opt(39, b"\x00" + fqdn([b"b" * 200])))
    out.append(("Client FQDN with a 200-octet label", "direct", [m] * 5, "unparsable_packets"))
    # Sanitising to nothing: a root-only name, and labels of control and
    # invalid UTF-8 octets. They are legal on the wire: answered, and
    # dumped to the log escaped (Elapsed Time 10 min: the test config
    # dumps those).
    for name, body in (("the root name only", b"\x00" + b"\x00"),
                       ("no name at all", b"\x00"),
                       ("control characters", b"\x01" + fqdn([b"\x1b[31m\r\n\x00\x07", b""])),
                       ("invalid UTF-8", b"\x01" + fqdn([b"\xff\xfe\xc0\x80", b"\xed\xa0\x80", b""]))):
        m = solicit(extra=opt(39, body), elapsed=60000)
        out.append((f"Client FQDN of {name}", "direct", [m] * 5, "answered"))
    # Wire strings in the log: a Vendor Class, User Class, Interface-ID
    # and Remote-ID of control characters and invalid UTF-8 (dumped).
    evil = b"\x1b]0;owned\x07\r\nFAKE LOG LINE\x00\xff\xfe\xc3"
    m = solicit(extra=opt(15, struct.pack("!H", len(evil)) + evil) +
                opt(16, struct.pack("!IH", 9, len(evil)) + evil), elapsed=60000)
    r = relay(m, extra=opt(18, evil) + opt(37, struct.pack("!I", 9) + evil))
    out.append(("control characters and invalid UTF-8 in strings", "relay", [r] * 5,
                "answered"))
    # ISC CVE-2010-3611: a Relay-forward with link-address ::.
    r = relay(solicit(), link="::")
    out.append(("a Relay-forward with link-address ::", "relay", [r] * 5, "answered"))
    r = relay(relay(solicit(), link="::"), link="::")
    out.append(("two Relay-forwards with link-address ::", "relay", [r] * 5, "answered"))
    # dnsmasq CVE-2026-4892: a Client Identifier filling a 64 KB datagram
    # (fragmented on the way).
    big = 65527 - 4 - 4 - 6
    m = bytes([1, 0, 0, 3]) + opt(1, b"\x00\x02" + bytes(rng.randrange(256) for _ in range(big - 2))) + opt(8, b"\0\0")
    out.append((f"a Client Identifier of {big} octets ({len(m)}-octet datagram)", "direct",
                [m] * 3, "unparsable_packets"))
    r = relay(bytes([1, 0, 0, 3]) + opt(1, bytes(65400)))
    out.append((f"a Relay-forward of {len(r)} octets", "relay", [r] * 3, "unparsable_packets"))
    # Thousands of options in one message (and a long ORO).
    many = b"".join(opt(0xfff0 + (i & 7)) for i in range(16000))
    m = solicit(extra=many[:65000 - 40])
    out.append(("16,000 options in one Solicit", "direct", [m] * 3, "answered_or_unparsable"))
    m = solicit(extra=opt(6, b"\x00\x17" * 30000))
    out.append(("an Option Request of 30,000 codes", "direct", [m] * 3, "answered_or_unparsable"))
    m = solicit(extra=b"".join(opt(3, struct.pack("!III", i, 0, 0)) for i in range(2, 4000)))
    out.append(("4,000 IA_NAs in one Solicit", "direct", [m] * 3, "answered_or_unparsable"))
    # Unknown and server-only message types.
    tail = solicit()[1:]
    ms = [bytes([t]) + tail for t in (2, 7, 10)]
    ms.append(bytes([13]) + relay(bytes([2]) + tail)[1:])
    out.append(("messages only a server sends", "direct", ms, "not_allowed"))
    ms = [bytes([t]) + tail for t in (0, 36, 99, 200, 255)]
    out.append(("unknown message types", "direct", ms, "do_not_respond"))
    # A Leasequery reaches the handlers, but only a whole one (RFC 5007
    # §4.1.2: OPTION_LQ_QUERY is required).
    out.append(("a Leasequery without OPTION_LQ_QUERY", "direct", [bytes([14]) + tail],
                "unparsable_packets"))
    # Truncated datagrams: every prefix of a relayed Solicit that does not
    # end where one of the Relay-forward's options ends (those are whole
    # messages), and of a Solicit.
    full = relay(client_msg(1, 0x424242, duid_ll(EVIL_MAC), ia_na=True, ia_pd=True),
                 extra=opt(18, b"port1"))
    ends = option_ends(full, 34) - {34}
    ms = [full[:n] for n in range(len(full)) if n not in ends]
    out.append((f"{len(ms)} truncations of a {len(full)}-octet Relay-forward", "relay", ms,
                "unparsable_packets"))
    sol = solicit(extra=opt(6, b"\x00\x17\x00\x18"))
    ends = option_ends(sol, 4)
    ms = [sol[:n] for n in range(len(sol)) if n not in ends]
    out.append((f"{len(ms)} truncations of a Solicit inside an option", "direct", ms,
                "unparsable_packets"))
    # Random datagrams, and random damage to a valid one.
    ms = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 600))) for _ in range(1500)]
    out.append(("1,500 random datagrams", "direct", ms, "accounted"))
    ms = []
    for _ in range(1500):
        b = bytearray(full)
        for _ in range(rng.randrange(1, 6)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        ms.append(bytes(b))
    out.append(("1,500 randomly damaged Relay-forwards", "relay", ms, "accounted"))
    return out


# --------------------------------------------------------------------------
# Talking to the server

class Server:
    def __init__(self, a):
        self.a = a
        idx = socket.if_nametoindex(a.interface)
        self.mcast = ("ff02::1:2", 547, 0, idx)
        self.direct = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.direct.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        self.direct.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.direct.bind(("::", 546, 0, idx))
        self.relay = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.relay.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        self.relay.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.relay.bind((a.relay_from, 547))
        self.unicast = (a.relay_to, 547)

    def stats(self):
        r = subprocess.run([self.a.ctl, "-c", self.a.sock, "stats-json"], capture_output=True,
                           text=True, check=True)
        return json.loads(r.stdout)["global"]

    def drain(self, sock):
        sock.setblocking(False)
        got = []
        try:
            while True:
                got.append(sock.recv(65535))
        except BlockingIOError:
            pass
        sock.setblocking(True)
        return got

    def send(self, how, msgs):
        sock, dst = (self.direct, self.mcast) if how == "direct" else (self.relay, self.unicast)
        for i, m in enumerate(msgs):
            sock.sendto(m, dst)
            if i % 50 == 49:
                time.sleep(0.01)  # stay within the socket buffers
        return sock

    def good_client(self):
        """A Solicit from the CSV's client; the Advertise must be right."""
        xid = random.randrange(1 << 24)
        msg = client_msg(1, xid, duid_ll(GOOD_MAC), ia_na=True)
        self.drain(self.direct)
        self.direct.settimeout(1.0)
        for _ in range(3):
            start = time.monotonic()
            self.direct.sendto(msg, self.mcast)
            try:
                while True:
                    data = self.direct.recv(65535)
                    if data[1:4] != xid.to_bytes(3, "big"):
                        continue
                    took = time.monotonic() - start
                    return check_advert(data), took
            except socket.timeout:
                continue
        return "no answer within 3 x 1 s", None


def options(b):
    i, res = 0, []
    while i + 4 <= len(b):
        c, ln = struct.unpack_from("!HH", b, i)
        res.append((c, b[i + 4:i + 4 + ln]))
        i += 4 + ln
    return res


def check_advert(data):
    """'' when data is the right Advertise for the good client, else why not."""
    try:
        walk(data)
    except Bad as e:
        return f"malformed answer: {e}"
    if data[0] != 2:
        return f"message type {data[0]}, not an Advertise"
    top = dict(options(data[4:]))
    if top.get(1) != duid_ll(GOOD_MAC):
        return "not our Client Identifier"
    if 2 not in top:
        return "no Server Identifier"
    ia = top.get(3)
    if not ia:
        return "no IA_NA"
    addrs = [socket.inet_ntop(socket.AF_INET6, b[:16]) for c, b in options(ia[12:]) if c == 5]
    if addrs != [GOOD_ADDR]:
        return f"IA_NA holds {addrs}, not {GOOD_ADDR}"
    return ""


def wait_counted(srv, before, n):
    """Waits (up to 10 s) until n more datagrams were received; the stats."""
    for _ in range(100):
        s = srv.stats()
        if s["incoming_packets"] - before["incoming_packets"] >= n:
            time.sleep(0.05)
            return srv.stats()
        time.sleep(0.1)
    return srv.stats()


def delta(after, before):
    return {k: after[k] - before[k] for k in ("incoming_packets",) + VERDICTS}


def run(a):
    rng = random.Random(int(a.seed))
    srv = Server(a)
    only = set(a.only.split(",")) if a.only else None
    st, took = srv.good_client()
    if st:
        fail(f"before the bursts, the good client: {st}")
        return 1
    ok(f"before the bursts, the good client gets its address ({took * 1000:.1f} ms)")
    total = 0
    slowest = 0.0
    for k, (name, how, msgs, expect) in enumerate(bursts(rng)):
        if only and str(k) not in only:
            continue
        before = srv.stats()
        sock = srv.send(how, msgs)
        total += len(msgs)
        after = wait_counted(srv, before, len(msgs))
        d = delta(after, before)
        n = len(msgs)
        shown = ", ".join(f"{k2} +{v}" for k2, v in d.items() if v)
        if d["incoming_packets"] != n:
            fail(f"{name}: {d['incoming_packets']} of {n} datagrams counted as received ({shown})")
        elif sum(d[v] for v in VERDICTS) != n:
            fail(f"{name}: {n} datagrams, but the verdicts add up to "
                 f"{sum(d[v] for v in VERDICTS)} ({shown})")
        elif expect == "answered":
            replies = [r for r in srv.drain(sock)]
            bad = []
            for r in replies:
                try:
                    walk(r)
                except Bad as e:
                    bad.append(str(e))
            if d["outgoing_packets"] != n or len(replies) != n or bad:
                fail(f"{name}: expected {n} well-formed answers, got {len(replies)} "
                     f"({shown}) {bad[:1]}")
            else:
                ok(f"{name}: {n} sent, {n} well-formed answers")
        elif expect == "answered_or_unparsable":
            replies = srv.drain(sock)
            bad = []
            for r in replies:
                try:
                    walk(r)
                except Bad as e:
                    bad.append(str(e))
            if d["outgoing_packets"] + d["unparsable_packets"] != n or bad:
                fail(f"{name}: neither answered well nor refused ({shown}) {bad[:1]}")
            else:
                ok(f"{name}: {n} sent: {shown}")
        elif expect == "accounted":
            replies = srv.drain(sock)
            bad = []
            for r in replies:
                try:
                    walk(r)
                except Bad as e:
                    bad.append(str(e))
            if bad:
                fail(f"{name}: malformed answers: {bad[:3]}")
            elif len(replies) != d["outgoing_packets"]:
                fail(f"{name}: {len(replies)} answers arrived, {d['outgoing_packets']} sent")
            else:
                ok(f"{name}: {n} sent, every one counted: {shown}")
        else:
            if d[expect] != n:
                fail(f"{name}: expected {n} counted as {expect}: {shown}")
            else:
                srv.drain(sock)
                ok(f"{name}: {n} sent, {n} counted as {expect}")
        st, took = srv.good_client()
        if st:
            fail(f"after '{name}', the good client: {st}")
        else:
            slowest = max(slowest, took)
    ok(f"{total} hostile datagrams; the good client was answered correctly after every burst "
       f"(slowest {slowest * 1000:.1f} ms)")
    return 1 if FAILED else 0


def check_log(a):
    """The log file: valid UTF-8, no control characters but newlines."""
    with open(a.file, "rb") as f:
        data = f.read()
    problems = 0
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"not UTF-8 at offset {e.start}: {data[max(0, e.start - 60):e.start + 20]!r}")
        problems += 1
    for i, b in enumerate(data):
        if (b < 0x20 and b != 0x0a) or b == 0x7f:
            print(f"control character {b:#04x} at offset {i}: {data[max(0, i - 60):i + 20]!r}")
            problems += 1
            if problems > 5:
                break
    lines = data.count(b"\n")
    print(f"{len(data)} octets, {lines} lines, {problems} problems")
    return 1 if problems else 0


def probes(a):
    """--count well-behaved clients, each with its own DUID, one Solicit each,
    --interval apart; an answer counts when it is a well-formed Advertise
    for that client within --timeout. Prints JSON."""
    idx = socket.if_nametoindex(a.interface)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((a.src, 546, 0, idx))
    dst = ("ff02::1:2", 547, 0, idx)
    answered, times, wrong = 0, [], 0
    for k in range(a.count):
        start = time.monotonic()
        xid = random.randrange(1 << 24)
        duid = duid_ll(bytes([2, 0, 0, 1, k >> 8, k & 0xff]))
        s.sendto(client_msg(1, xid, duid, ia_na=True), dst)
        while True:
            left = start + a.timeout - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                data = s.recv(65535)
            except socket.timeout:
                break
            if data[1:4] != xid.to_bytes(3, "big"):
                continue
            try:
                walk(data)
                good = data[0] == 2 and dict(options(data[4:])).get(1) == duid
            except Bad:
                good = False
            if good:
                answered += 1
                times.append(time.monotonic() - start)
            else:
                wrong += 1
            break
        rest = start + a.interval - time.monotonic()
        if rest > 0:
            time.sleep(rest)
    times.sort()
    print(json.dumps({"count": a.count, "answered": answered, "wrong": wrong,
                      "median_ms": round(times[len(times) // 2] * 1000, 1) if times else None,
                      "max_ms": round(times[-1] * 1000, 1) if times else None}))
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("run")
    p.add_argument("--interface", required=True)
    p.add_argument("--relay-to", required=True)
    p.add_argument("--relay-from", required=True)
    p.add_argument("--ctl", required=True)
    p.add_argument("--sock", required=True)
    p.add_argument("--only", help="burst numbers, comma-separated")
    p.add_argument("--seed", default="6")
    p = sub.add_parser("check-log")
    p.add_argument("file")
    sub.add_parser("count", help="prints the number of bursts")
    p = sub.add_parser("probes")
    p.add_argument("--interface", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--interval", type=float, default=0.1)
    p.add_argument("--timeout", type=float, default=1.0)
    a = ap.parse_args()
    if a.cmd == "count":
        print(len(bursts(random.Random(0))))
        return 0
    return {"run": run, "check-log": check_log, "probes": probes}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
