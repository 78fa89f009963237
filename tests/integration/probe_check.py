#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for the ipv6-dhcp-probe integration tests (standard library only).

  probe_check.py sent FILE SRC...        every DHCPv6 packet from SRC passes tshark (no
                                         malformed packet, no expert info >= warning);
                                         prints one line per packet: outer type, inner
                                         type, source port (for the shell to check)
  probe_check.py spacing FILE N MIN MAX  exactly N transmissions of one message type from
                                         anyone, one transaction id, the gaps between
                                         them growing as RFC 8415 §15 says, the first in
                                         [MIN, MAX] s; Elapsed Time following the clock
  probe_check.py responder MODE IF       a fake server on port 547 joined to ff02::1:2 on
                                         IF answering every request with a broken Reply
                                         (MODE: overrun, no-server-id, wrong-client-id)
  probe_check.py lease                   reads the probe's --json on stdin; prints
                                         'address A' / 'prefix P' / 'status NAME' lines
                                         and 'server-duid HEX'
"""
import json
import socket
import struct
import subprocess
import sys


def tshark(args):
    return subprocess.run(["tshark", "-n"] + args, check=True, capture_output=True,
                          text=True).stdout


def flt(srcs):
    return "dhcpv6 && (" + " || ".join(f"ipv6.src == {s}" for s in srcs) + ")"


def cmd_sent(path, srcs):
    f = flt(srcs)
    flagged = tshark(["-r", path, "-Y", f"({f}) && (_ws.malformed || "
                      "_ws.expert.severity >= 6291456)"])
    if flagged.strip():
        print("tshark flags packets the probe sent:\n" + flagged, file=sys.stderr)
        return 1
    out = tshark(["-r", path, "-Y", f, "-T", "fields", "-E", "occurrence=a",
                  "-E", "aggregator=,", "-e", "dhcpv6.msgtype", "-e", "udp.srcport"])
    n = 0
    for line in out.splitlines():
        if not line.strip():
            continue
        types, port = line.split("\t")
        t = types.split(",")
        print(f"{t[0]} {t[-1]} {port}")
        n += 1
    if not n:
        print("no packet from the probe in the capture", file=sys.stderr)
        return 1
    return 0


def cmd_spacing(path, n, lo, hi):
    out = tshark(["-r", path, "-Y", "dhcpv6 && udp.dstport == 547", "-T", "fields",
                  "-e", "frame.time_relative", "-e", "dhcpv6.xid", "-e", "dhcpv6.msgtype",
                  "-e", "dhcpv6.elapsed_time"])
    rows = [line.split("\t") for line in out.splitlines() if line.strip()]
    times = [float(r[0]) for r in rows]
    xids = {r[1] for r in rows}
    types = {r[2] for r in rows}
    elapsed = [int(r[3]) for r in rows]
    print("transmissions at", " ".join(f"{t - times[0]:.3f}" for t in times),
          "elapsed", elapsed)
    ok = True
    if len(rows) != n:
        print(f"{len(rows)} transmissions, want {n}", file=sys.stderr)
        return 1
    if len(xids) != 1 or len(types) != 1:
        print(f"transaction ids {xids}, types {types}: want one of each", file=sys.stderr)
        ok = False
    gaps = [b - a for a, b in zip(times, times[1:])]
    if gaps and not lo <= gaps[0] <= hi:
        print(f"first gap {gaps[0]:.3f} s, want {lo} to {hi}", file=sys.stderr)
        ok = False
    # RFC 8415 §15: RT = 2*RTprev + RAND*RTprev, RAND in [-0.1, 0.1], so each gap is
    # 1.9 to 2.1 times the one before (a little slack for scheduling).
    for a, b in zip(gaps, gaps[1:]):
        if not 1.8 <= b / a <= 2.2:
            print(f"gap {b:.3f} s after {a:.3f} s: not doubled", file=sys.stderr)
            ok = False
    # RFC 8415 §21.9: 0 in the first message, then hundredths of a second since it
    # (tshark shows the field in milliseconds).
    for t, e in zip(times, elapsed):
        want = (t - times[0]) * 1000
        if abs(e - want) > 100:
            print(f"elapsed time {e} at {t - times[0]:.3f} s", file=sys.stderr)
            ok = False
    return 0 if ok else 1


def opt(code, body=b""):
    return struct.pack("!HH", code, len(body)) + body


def options(p):
    i, res = 0, {}
    while i + 4 <= len(p):
        c, ln = struct.unpack_from("!HH", p, i)
        res.setdefault(c, p[i + 4:i + 4 + ln])
        i += 4 + ln
    return res


def cmd_responder(mode, ifname):
    idx = socket.if_nametoindex(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", 547))
    mreq = socket.inet_pton(socket.AF_INET6, "ff02::1:2") + struct.pack("@I", idx)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    print("ready", flush=True)
    server_id = opt(2, bytes.fromhex("00030001020000000999"))
    while True:
        data, src = s.recvfrom(65535)
        if len(data) < 4 or data[0] not in (1, 3, 4, 5, 6, 8, 9, 11):
            continue
        cid = opt(1, options(data[4:]).get(1, b""))
        head = bytes([2 if data[0] == 1 else 7]) + data[1:4]
        if mode == "overrun":
            # RFC 8415 §21.4: an IA_NA whose length runs 30 octets past the message.
            body = cid + server_id + struct.pack("!HH", 3, 42) + b"\0" * 12
        elif mode == "no-server-id":
            body = cid + opt(3, struct.pack("!III", 1, 0, 0))
        else:  # wrong-client-id
            body = opt(1, bytes.fromhex("00030001020000000888")) + server_id
        s.sendto(head + body, src)


def cmd_lease():
    m = json.load(sys.stdin)
    for o in m["options"]:
        if o["code"] == 2:
            print("server-duid", o["duid"]["hex"])
        if o["code"] == 13:
            print("status", o["status_code"])
        for sub in o.get("options", []):
            if sub["code"] == 5:
                print("address", sub["address"], sub["valid_lifetime"])
            elif sub["code"] == 26:
                print("prefix", sub["prefix"], sub["valid_lifetime"])
            elif sub["code"] == 13:
                print("status", sub["status_code"])
        if o["code"] == 23:
            print("dns", " ".join(o["dns_servers"]))
    print("type", m["msg_name"])
    return 0


def main():
    cmd = sys.argv[1]
    if cmd == "sent":
        return cmd_sent(sys.argv[2], sys.argv[3:])
    if cmd == "spacing":
        return cmd_spacing(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]),
                           float(sys.argv[5]))
    if cmd == "responder":
        return cmd_responder(sys.argv[2], sys.argv[3])
    if cmd == "lease":
        return cmd_lease()
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main())
