# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds IPv6 packets and writes pcap and pcapng files (Python stdlib only).

Used by the tool tests to make captures during the test, and by
examples/captures/make-sample.py.
"""
import struct

# Link types (https://www.tcpdump.org/linktypes.html)
LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

CLIENT = bytes.fromhex("fe800000000000000000000000000002")
SERVER = bytes.fromhex("fe800000000000000000000000000001")
ALL_SERVERS = bytes.fromhex("ff020000000000000000000000010002")

NH_HOPOPTS, NH_UDP, NH_ROUTING, NH_FRAGMENT, NH_DSTOPTS = 0, 17, 43, 44, 60


def udp(data, sport=546, dport=547):
    """A UDP header and data (checksum 0: nobody checks it here)."""
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def ipv6(payload, nh=NH_UDP, src=CLIENT, dst=ALL_SERVERS, plen=None):
    """A fixed IPv6 header (RFC 8200 §3) and its payload."""
    if plen is None:
        plen = len(payload)
    return struct.pack("!IHBB16s16s", 6 << 28, plen, nh, 1, src, dst) + payload


def ipv4_udp(data, sport=68, dport=67):
    """An IPv4 header (no options) and a UDP datagram: something to skip."""
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), 0, 0, 64, 17, 0,
                       bytes([192, 0, 2, 1]), bytes([192, 0, 2, 255])) + u


def ext(nh, units=0):
    """A hop-by-hop, routing or destination options header of 8*(units+1)
    octets whose next header is nh, padded with a PadN option."""
    n = 8 * (units + 1)
    return bytes([nh, units]) + bytes([1, n - 4]) + bytes(n - 4)


def frag(nh, offset, more, ident, data):
    """A Fragment header (RFC 8200 §4.5) and the fragment data."""
    assert offset % 8 == 0
    return struct.pack("!BBHI", nh, 0, (offset // 8) << 3 | int(more), ident) + data


def fragments(payload, nh, ident, size):
    """Splits payload (the fragmentable part) into fragments of size octets;
    returns (offset, more, fragment-header-and-data) tuples in offset order."""
    assert size % 8 == 0
    out = []
    for off in range(0, len(payload), size):
        piece = payload[off:off + size]
        more = off + size < len(payload)
        out.append((off, more, frag(nh, off, more, ident, piece)))
    return out


def ether(packet, vlans=(), ethertype=0x86DD):
    """An Ethernet II frame, with 802.1Q tags (or (tpid, vid) pairs)."""
    hdr = bytes.fromhex("333300010002") + bytes.fromhex("020000000102")
    for v in vlans:
        tpid, vid = v if isinstance(v, tuple) else (0x8100, v)
        hdr += struct.pack("!HH", tpid, vid)
    return hdr + struct.pack("!H", ethertype) + packet


def sll(packet, protocol=0x86DD):
    """A Linux cooked capture v1 header (16 octets)."""
    return struct.pack("!HHH8sH", 0, 1, 6, bytes.fromhex("0200000001020000"), protocol) + packet


def sll2(packet, protocol=0x86DD):
    """A Linux cooked capture v2 header (20 octets)."""
    return struct.pack("!HHIHBB8s", protocol, 0, 2, 1, 0, 6,
                       bytes.fromhex("0200000001020000")) + packet


def null(packet, family=10, order="<"):
    """A BSD loopback header: the address family in the writer's byte order."""
    return struct.pack(order + "I", family) + packet


def pcap(frames, linktype, snaplen=65535, nanosecond=False):
    """A classic pcap file. frames: data, or (time, data), or (time, data, wirelen)."""
    magic = 0xA1B23C4D if nanosecond else 0xA1B2C3D4
    out = struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)
    for i, f in enumerate(frames):
        t, data, wirelen = _frame(i, f)
        sub = int(round((t % 1) * (1e9 if nanosecond else 1e6)))
        out += struct.pack("<IIII", int(t), sub, len(data), wirelen) + data
    return out


def _block(btype, body):
    body += bytes(-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def pcapng(frames, linktype, snaplen=65535):
    """A pcapng file: one section, one interface, Enhanced Packet Blocks."""
    out = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += _block(1, struct.pack("<HHI", linktype, 0, snaplen))
    for i, f in enumerate(frames):
        t, data, wirelen = _frame(i, f)
        us = int(round(t * 1e6))
        out += _block(6, struct.pack("<IIIII", 0, us >> 32, us & 0xFFFFFFFF, len(data),
                                     wirelen) + data)
    return out


def _frame(i, f):
    if isinstance(f, tuple):
        if len(f) == 3:
            return f
        return f[0], f[1], len(f[1])
    return float(i), f, len(f)
