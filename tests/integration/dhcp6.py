#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""DHCPv6 helpers for the integration tests, with the standard library only.

  dhcp6.py check-pcap FILE SRC...   every packet from SRC passes tshark (no malformed
                                    packet, no expert info >= warning), an independent
                                    TLV walk and ipv6-dhcp-decode ($IPV6_DHCP_DECODE)
  dhcp6.py summary FILE SRC...      one line per packet from SRC: types, options, statuses
  dhcp6.py query ...                sends one request (or Leasequery, RFC 5007), prints
                                    the summary of the answer
  dhcp6.py load ...                 relayed Solicits at a rate from ONE relay address and
                                    port; prints JSON {sent, answered, lost, ...}
  dhcp6.py lq-clients FILE          the clients in ipv6-dhcp-test-leasequery -j output:
                                    "DUID PREFIX-OR-ADDRESS" per lease, sorted

The TLV walk here is deliberately independent of libdhcpkit: RFC 8415 sizes, option
lengths that fit exactly, DUID 3..130 octets, relay nesting <= 32.
"""
import argparse
import json
import os
import random
import socket
import struct
import subprocess
import sys
import threading
import time

SERVER_TYPES = {2, 7, 10, 13, 15, 16, 17}
RELAY_TYPES = {12, 13}


class Bad(Exception):
    pass


# --------------------------------------------------------------------------
# An independent walk of the wire format

def walk_domain_list(b, what):
    i = 0
    if not b:
        raise Bad(f"{what}: empty")
    while i < len(b):
        total = 0
        while True:
            if i >= len(b):
                raise Bad(f"{what}: name runs past the option")
            n = b[i]
            i += 1
            if n == 0:
                break
            if n > 63:
                raise Bad(f"{what}: label of {n} octets")
            if i + n > len(b):
                raise Bad(f"{what}: label runs past the option")
            i += n
            total += n + 1
            if total > 254:
                raise Bad(f"{what}: name longer than 255 octets")


FIXED = {7: 1, 8: 2, 12: 16, 14: 0, 19: 1, 20: 0, 32: 4, 82: 4, 83: 4}
MULTIPLE16 = {22, 23, 31, 48}


def walk_options(b, where, depth, summary):
    i = 0
    while i < len(b):
        if i + 4 > len(b):
            raise Bad(f"{where}: truncated option header at {i}")
        code, ln = struct.unpack_from("!HH", b, i)
        body = b[i + 4:i + 4 + ln]
        if len(body) != ln:
            raise Bad(f"{where}: option {code} length {ln} runs past its container")
        i += 4 + ln
        summary["options"].append(code)
        what = f"{where}/opt{code}"
        if code in FIXED and ln != FIXED[code]:
            raise Bad(f"{what}: length {ln}, must be {FIXED[code]}")
        if code in MULTIPLE16 and (ln == 0 or ln % 16):
            raise Bad(f"{what}: length {ln} is not a positive multiple of 16")
        if code in (1, 2) and not 3 <= ln <= 130:
            raise Bad(f"{what}: DUID of {ln} octets")
        if code == 23:
            summary["dns"] += [socket.inet_ntop(socket.AF_INET6, body[k:k + 16])
                               for k in range(0, ln - ln % 16, 16)]
        if code == 18:
            summary["interface_ids"].append(body.hex())
        if code == 1 and where.endswith("/opt45"):  # the Client Data's client
            summary["clients"].append(body.hex())
        if code == 45:  # RFC 5007 §4.1.2.2: OPTION_CLIENT_DATA holds options
            walk_options(body, what, depth, summary)
        if code == 46 and ln != 4:
            raise Bad(f"{what}: OPTION_CLT_TIME of {ln} octets")
        if code == 47:  # RFC 5007 §4.1.2.4: a peer-address and a relay message
            if ln < 16 + 34:
                raise Bad(f"{what}: OPTION_LQ_RELAY_DATA too short")
            walk_message(body[16:], what, depth + 1, {**summary, "types": [], "relays": []})
        if code == 2:
            summary["server_id"] = body.hex()
        if code == 6 and ln % 2:
            raise Bad(f"{what}: odd ORO length")
        if code == 13:
            if ln < 2:
                raise Bad(f"{what}: status code shorter than 2 octets")
            st = struct.unpack_from("!H", body)[0]
            summary["statuses"].append((where, st))
            try:
                body[2:].decode("utf-8")
            except UnicodeDecodeError:
                raise Bad(f"{what}: status message is not UTF-8")
        if code in (3, 25):
            if ln < 12:
                raise Bad(f"{what}: IA shorter than 12 octets")
            iaid, t1, t2 = struct.unpack_from("!III", body)
            if t1 and t2 and t1 > t2:
                raise Bad(f"{what}: T1 {t1} > T2 {t2}")
            walk_options(body[12:], what, depth, summary)
        if code == 4:
            if ln < 4:
                raise Bad(f"{what}: IA_TA shorter than 4 octets")
            walk_options(body[4:], what, depth, summary)
        if code == 5:
            if ln < 24:
                raise Bad(f"{what}: IAADDR shorter than 24 octets")
            pref, valid = struct.unpack_from("!II", body, 16)
            if pref > valid:
                raise Bad(f"{what}: preferred lifetime above valid lifetime")
            summary.setdefault("addresses", []).append(
                socket.inet_ntop(socket.AF_INET6, body[:16]))
            walk_options(body[24:], what, depth, summary)
        if code == 26:
            if ln < 25:
                raise Bad(f"{what}: IAPREFIX shorter than 25 octets")
            pref, valid, plen = struct.unpack_from("!IIB", body)
            if plen > 128 or pref > valid:
                raise Bad(f"{what}: bad prefix length or lifetimes")
            summary.setdefault("prefixes", []).append(
                f"{socket.inet_ntop(socket.AF_INET6, body[9:25])}/{plen}")
            walk_options(body[25:], what, depth, summary)
        if code in (21, 24):
            walk_domain_list(body, what)
        if code == 64:
            walk_domain_list(body, what)
        if code == 56:
            j = 0
            while j < ln:
                if j + 4 > ln:
                    raise Bad(f"{what}: truncated NTP suboption")
                sc, sl = struct.unpack_from("!HH", body, j)
                if j + 4 + sl > ln:
                    raise Bad(f"{what}: NTP suboption runs past the option")
                if sc in (1, 2) and sl != 16:
                    raise Bad(f"{what}: NTP suboption {sc} of {sl} octets")
                if sc == 3:
                    walk_domain_list(body[j + 4:j + 4 + sl], what)
                j += 4 + sl
        if code == 17:
            if ln < 4:
                raise Bad(f"{what}: vendor option shorter than 4 octets")
            j = 4
            while j < ln:
                if j + 4 > ln:
                    raise Bad(f"{what}: truncated vendor suboption")
                sc, sl = struct.unpack_from("!HH", body, j)
                if j + 4 + sl > ln:
                    raise Bad(f"{what}: vendor suboption runs past the option")
                j += 4 + sl
        if code == 9:
            walk_message(body, what, depth + 1, summary)
        if code in (94, 95, 96):  # RFC 7598 §5: S46 containers hold options
            walk_options(body, what, depth, summary)
        if code in (90, 93) and ln != {90: 16, 93: 4}[code]:
            raise Bad(f"{what}: length {ln}, must be {16 if code == 90 else 4}")
        if code == 89:  # RFC 7598 §4.1: flags, ea-len, prefix4, prefix6, options
            if ln < 8 or body[2] > 32 or body[1] > 48 or body[7] > 128:
                raise Bad(f"{what}: S46_RULE too short or a length out of range")
            end = 8 + (body[7] + 7) // 8
            if end > ln:
                raise Bad(f"{what}: the IPv6 prefix runs past the rule")
            walk_options(body[end:], what, depth, summary)
        if code == 91 and (ln < 1 or body[0] > 128 or ln != 1 + (body[0] + 7) // 8):
            raise Bad(f"{what}: S46_DMR length does not match its prefix length")


def walk_message(b, where, depth, summary):
    if depth > 32:
        raise Bad(f"{where}: relay messages nested deeper than 32")
    if not b:
        raise Bad(f"{where}: empty message")
    t = b[0]
    summary["types"].append(t)
    if t in RELAY_TYPES:
        if len(b) < 34:
            raise Bad(f"{where}: relay message shorter than 34 octets")
        summary["relays"].append({"hop": b[1], "link": socket.inet_ntop(socket.AF_INET6, b[2:18]),
                                  "peer": socket.inet_ntop(socket.AF_INET6, b[18:34])})
        walk_options(b[34:], f"{where}/relay{depth}", depth, summary)
    else:
        if len(b) < 4:
            raise Bad(f"{where}: message shorter than 4 octets")
        summary["xid"] = b[1:4].hex()
        walk_options(b[4:], f"{where}/msg{t}", depth, summary)
        top = []  # the top-level options of the client/server message
        i = 4
        while i + 4 <= len(b):
            c, ln = struct.unpack_from("!HH", b, i)
            top.append(c)
            i += 4 + ln
        summary["top"] = top
        summary["inner_type"] = t


def walk(payload):
    summary = {"types": [], "options": [], "statuses": [], "relays": [], "top": [], "dns": [],
               "interface_ids": [], "clients": []}
    walk_message(payload, "", 0, summary)
    t = summary["inner_type"]
    if summary["types"][0] not in SERVER_TYPES:
        raise Bad(f"message type {summary['types'][0]} is not one a server sends")
    if t in (2, 7) and (1 not in summary["top"] or 2 not in summary["top"]):
        raise Bad(f"type {t} without Client Identifier and Server Identifier")
    return summary


# --------------------------------------------------------------------------
# Captures

def tshark(args):
    return subprocess.run(["tshark", "-n"] + args, check=True, capture_output=True,
                          text=True).stdout


def server_filter(srcs):
    return "(" + " || ".join(f"ipv6.src == {s}" for s in srcs) + ") && udp.srcport == 547"


def payloads(path, srcs):
    out = tshark(["-r", path, "-Y", server_filter(srcs), "-T", "fields", "-e", "frame.number",
                  "-e", "udp.payload"])
    res = []
    for line in out.splitlines():
        if not line.strip():
            continue
        num, _, hexs = line.partition("\t")
        res.append((int(num), bytes.fromhex(hexs.replace(":", ""))))
    return res


def status_name(s):
    return {0: "Success", 1: "UnspecFail", 2: "NoAddrsAvail", 3: "NoBinding", 4: "NotOnLink",
            5: "UseMulticast", 6: "NoPrefixAvail", 7: "UnknownQueryType", 8: "MalformedQuery",
            9: "NotConfigured", 10: "NotAllowed", 11: "QueryTerminated"}.get(s, str(s))


def describe(s):
    names = {2: "ADVERTISE", 7: "REPLY", 13: "RELAY-REPL", 15: "LEASEQUERY-REPLY"}
    types = "/".join(names.get(t, str(t)) for t in s["types"])
    st = ",".join(f"{w.split('/')[-1]}={status_name(c)}" for w, c in s["statuses"])
    return (f"{types} xid={s.get('xid', '')} options={','.join(map(str, s['options']))} "
            f"status={st} dns={','.join(s['dns'])} server_id={s.get('server_id', '')} "
            f"ifid={','.join(s['interface_ids'])} na={','.join(s.get('addresses', []))} "
            f"pd={','.join(s.get('prefixes', []))} clients={','.join(s['clients'])}")


def cmd_check_pcap(a):
    bad = 0
    flt = server_filter(a.src)
    flagged = tshark(["-r", a.file, "-Y",
                      f"({flt}) && (_ws.malformed || _ws.expert.severity >= 6291456)"])
    if flagged.strip():
        print("tshark flags server packets:\n" + flagged, file=sys.stderr)
        bad += 1
    pk = payloads(a.file, a.src)
    if not pk:
        print("no packet from the server in the capture", file=sys.stderr)
        return 1
    for num, p in pk:
        try:
            walk(p)
        except Bad as e:
            print(f"frame {num}: {e}", file=sys.stderr)
            bad += 1
    decode = os.environ.get("IPV6_DHCP_DECODE")
    if decode:
        only = a.file + ".server.pcapng"
        subprocess.run(["tshark", "-n", "-r", a.file, "-Y", flt, "-w", only], check=True,
                       capture_output=True)
        r = subprocess.run([decode, only], capture_output=True, text=True)
        if r.returncode != 0:
            print("ipv6-dhcp-decode rejects server packets:\n" + r.stdout[-2000:] + r.stderr,
                  file=sys.stderr)
            bad += 1
    print(f"{len(pk)} server packets checked, {bad} problems")
    return 1 if bad else 0


def cmd_summary(a):
    for num, p in payloads(a.file, a.src):
        try:
            print(describe(walk(p)))
        except Bad as e:
            print(f"BAD frame {num}: {e}")
    return 0


# --------------------------------------------------------------------------
# Building requests

def opt(code, body=b""):
    return struct.pack("!HH", code, len(body)) + body


def duid_ll(mac):
    return struct.pack("!HH", 3, 1) + mac


def client_msg(mtype, xid, duid, ia_na=False, ia_pd=False, oro=(23, 24), server_id=None,
               rapid_commit=False):
    o = opt(1, duid) + opt(8, b"\0\0")
    if rapid_commit:
        o += opt(14)
    if server_id:
        o += opt(2, server_id)
    if ia_na:
        o += opt(3, struct.pack("!III", 1, 0, 0))
    if ia_pd:
        o += opt(25, struct.pack("!III", 2, 0, 0))
    if oro:
        o += opt(6, b"".join(struct.pack("!H", c) for c in oro))
    return bytes([mtype]) + xid.to_bytes(3, "big") + o


def relay_forw(inner, link, peer, interface_id=None, hop=0, source_port=False, extra=b""):
    o = opt(9, inner) + extra
    if interface_id is not None:
        o += opt(18, interface_id)
    if source_port:  # RFC 8357 §5.1: Relay Source Port, downstream port 0
        o += opt(135, b"\0\0")
    return (bytes([12, hop]) + socket.inet_pton(socket.AF_INET6, link) +
            socket.inet_pton(socket.AF_INET6, peer) + o)


def leasequery(xid, duid, qtype, link, address=None, client_id=None, oro=()):
    """RFC 5007 §4.1.2.1: a LEASEQUERY with the requestor's Client Identifier
    and an OPTION_LQ_QUERY of qtype on link."""
    q = b""
    if address:
        q += opt(5, socket.inet_pton(socket.AF_INET6, address) + b"\0" * 8)
    if client_id:
        q += opt(1, client_id)
    if oro:
        q += opt(6, b"".join(struct.pack("!H", c) for c in oro))
    body = bytes([qtype]) + socket.inet_pton(socket.AF_INET6, link) + q
    return bytes([14]) + xid.to_bytes(3, "big") + opt(1, duid) + opt(44, body)


def unwrap(p):
    """The innermost message of a Relay-Reply chain."""
    for _ in range(33):
        if p[0] != 13:
            return p
        i = 34
        inner = None
        while i + 4 <= len(p):
            c, ln = struct.unpack_from("!HH", p, i)
            if c == 9:
                inner = p[i + 4:i + 4 + ln]
            i += 4 + ln
        if inner is None:
            return p
        p = inner
    return p


def cmd_query(a):
    """One request; prints the summary of the answer (or 'timeout')."""
    mtype = {"solicit": 1, "information-request": 11, "request": 3, "leasequery": 14}[a.type]
    xid = random.randrange(1 << 24)
    mac = bytes.fromhex(a.mac.replace(":", "")) if a.mac else random.randbytes(6)
    oro = tuple(int(c) for c in a.oro.split(",")) if a.oro else ()
    if mtype == 14:
        msg = leasequery(xid, duid_ll(mac), a.lq_type, a.lq_link, address=a.lq_address,
                         client_id=bytes.fromhex(a.lq_client_id) if a.lq_client_id else None,
                         oro=oro)
    else:
        msg = client_msg(mtype, xid, duid_ll(mac), ia_na=a.ia_na, ia_pd=a.ia_pd,
                         server_id=bytes.fromhex(a.server_id) if a.server_id else None, oro=oro,
                         rapid_commit=a.rapid_commit)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    if a.source:  # a leasequery requestor: from this address, port 546
        s.bind((a.source, 546))
        dst = (a.server, 547, 0, 0)
    elif a.relay:
        s.bind((a.relay, a.relay_port))
        msg = relay_forw(msg, a.link or "::", a.peer or "fe80::1234",
                         interface_id=a.interface_id.encode() if a.interface_id else None,
                         source_port=a.relay_port != 547,
                         extra=b"".join(opt(int(c), bytes.fromhex(h)) for c, _, h in
                                        (x.partition(":") for x in a.relay_option)))
        dst = (a.server, 547, 0, 0)
    else:
        s.bind(("::", 546, 0, socket.if_nametoindex(a.interface) if a.interface else 0))
        idx = socket.if_nametoindex(a.interface) if a.interface else 0
        dst = (a.server or "ff02::1:2", 547, 0, idx)
    s.settimeout(a.timeout)
    for _ in range(a.tries):
        s.sendto(msg, dst)
        try:
            while True:
                data, src = s.recvfrom(65535)
                inner = unwrap(data)
                if inner[1:4] != xid.to_bytes(3, "big"):
                    continue
                sm = walk(data)
                print(describe(sm) + f" from={src[0]}")
                if a.json:
                    print(json.dumps(sm))
                return 0
        except socket.timeout:
            continue
        except Bad as e:
            print(f"BAD reply: {e}")
            return 1
    print("timeout")
    return 2


# --------------------------------------------------------------------------
# Load: relayed Solicits from one relay address and port

def cmd_load(a):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((a.relay, 547))
    s.settimeout(0.2)
    pending = {}
    lock = threading.Lock()
    stats = {"sent": 0, "answered": 0, "bad": 0, "unexpected": 0}
    done = threading.Event()

    def receiver():
        while not done.is_set() or pending:
            try:
                data, _ = s.recvfrom(65535)
            except socket.timeout:
                if done.is_set():
                    with lock:
                        if all(time.monotonic() - t > a.wait for t in pending.values()):
                            return
                continue
            inner = unwrap(data)
            key = inner[1:4]
            try:
                walk(data)
            except Bad:
                stats["bad"] += 1
            with lock:
                if key in pending:
                    del pending[key]
                    stats["answered"] += 1
                    stats["last_answer"] = time.monotonic()
                else:
                    stats["unexpected"] += 1

    th = threading.Thread(target=receiver)
    th.start()
    interval = 1.0 / a.rate
    start = time.monotonic()
    try:
        for n in range(a.count):
            xid = n % (1 << 24)
            mac = struct.pack("!IH", 0x02000000 | (n >> 16), n & 0xffff)
            peer = "fe80::%x:%x" % (n >> 16, n & 0xffff)
            msg = relay_forw(client_msg(1, xid, duid_ll(mac), ia_na=True),
                             a.link, peer, interface_id=b"port%d" % (n % 8))
            with lock:
                pending[xid.to_bytes(3, "big")] = time.monotonic()
            s.sendto(msg, (a.server, 547))
            stats["sent"] += 1
            delay = start + (n + 1) * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    finally:
        done.set()
    stats["send_seconds"] = round(time.monotonic() - start, 3)
    th.join()
    stats["lost"] = len(pending)
    took = stats.pop("last_answer", start) - start
    stats["answers_per_second"] = round(stats["answered"] / took) if took > 0 else 0
    print(json.dumps(stats))
    return 0 if stats["lost"] == 0 and stats["bad"] == 0 else 1


def cmd_lq_clients(a):
    """Every lease of every OPTION_CLIENT_DATA in the tool's JSON lines."""
    rows = []
    for line in open(a.file, encoding="utf-8"):
        if not line.strip():
            continue
        for o in json.loads(line).get("options", []):
            if o.get("code") != 45:
                continue
            inner = o.get("options", [])
            duid = next((k["duid"]["hex"] for k in inner if k.get("code") == 1), "?")
            for k in inner:
                if k.get("code") == 26:
                    rows.append(f"{duid} {k['prefix']}")
                elif k.get("code") == 5:
                    rows.append(f"{duid} {k.get('address')}")
    for r in sorted(rows):
        print(r)
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("check-pcap")
    p.add_argument("file")
    p.add_argument("src", nargs="+")
    p = sub.add_parser("summary")
    p.add_argument("file")
    p.add_argument("src", nargs="+")
    p = sub.add_parser("query")
    p.add_argument("--type", default="solicit",
                   choices=["solicit", "information-request", "request", "leasequery"])
    p.add_argument("--source", help="send from this address, port 546 (a leasequery requestor)")
    p.add_argument("--lq-type", type=int, default=1,
                   help="leasequery: 1 address, 2 client-id, 3 relay-id, 4 link, 5 remote-id")
    p.add_argument("--lq-link", default="::", help="leasequery: the query's link-address")
    p.add_argument("--lq-address", help="leasequery by address: the address")
    p.add_argument("--lq-client-id", help="leasequery by client-id: the DUID in hex")
    p.add_argument("--interface")
    p.add_argument("--server")
    p.add_argument("--relay", help="send as a relay from this address, port 547")
    p.add_argument("--relay-port", type=int, default=547,
                   help="the relay's source port; not 547: with an RFC 8357 option")
    p.add_argument("--link")
    p.add_argument("--peer")
    p.add_argument("--interface-id")
    p.add_argument("--relay-option", action="append", default=[],
                   help="CODE:HEX, an option of the Relay-forward (repeatable)")
    p.add_argument("--server-id")
    p.add_argument("--mac")
    p.add_argument("--oro", default="23,24", help="option codes to request, comma-separated")
    p.add_argument("--ia-na", action="store_true")
    p.add_argument("--ia-pd", action="store_true")
    p.add_argument("--rapid-commit", action="store_true", help="a Rapid Commit option (14)")
    p.add_argument("--timeout", type=float, default=1.0)
    p.add_argument("--tries", type=int, default=3)
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("load")
    p.add_argument("--server", required=True)
    p.add_argument("--relay", required=True)
    p.add_argument("--link", default="2001:db8:2::1")
    p.add_argument("--rate", type=float, default=500)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--wait", type=float, default=2.0)
    p = sub.add_parser("lq-clients")
    p.add_argument("file")
    a = ap.parse_args()
    return {"check-pcap": cmd_check_pcap, "summary": cmd_summary, "query": cmd_query,
            "load": cmd_load, "lq-clients": cmd_lq_clients}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
