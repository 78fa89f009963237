# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests of ipv6-dhcp-decode: runs the built tool (path in $DECODE).

Usage: test_decode.py [unittest arguments, e.g. a class name]
Captures are written by pcapgen.py into a temporary folder during the test.
"""
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapgen as pg  # noqa: E402

DECODE = os.environ.get("DECODE", "")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(REPO, "examples", "captures", "sample.pcap")
MAKE_SAMPLE = os.path.join(REPO, "examples", "captures", "make-sample.py")
VECTORS = os.path.join(os.environ.get("DHCPKIT_VECTORS")
                       or os.path.join(REPO, "..", "shared", "vectors"), "dhcpkit_pcaps.jsonl")

# A Solicit from a client with a DUID-LL: CLIENTID, ELAPSED_TIME, IA_NA, ORO.
SOLICIT = bytes.fromhex(
    "01f350d6"
    "0001000a00030001020000000102"
    "000800020000"
    "0003000c000000010000000000000000"
    "0006000400170018")
# The Reply: CLIENTID, SERVERID, IA_NA with an IAADDR, DNS servers.
REPLY = bytes.fromhex(
    "07f350d6"
    "0001000a00030001020000000102"
    "0002000a00030001020000000101"
    "00030028000000010000070800000b40"
    "0005001820010db8000100000000000000000001000011940000ffff"
    "0017001020010db8000000000000000000000053")
# A Relay-forward around the Solicit, with an Interface-ID.
RELAY = (bytes.fromhex("0c00") + bytes.fromhex("20010db8000200000000000000000001")
         + pg.CLIENT + struct.pack("!HH", 9, len(SOLICIT)) + SOLICIT
         + bytes.fromhex("0012000465746830"))
# An IA_NA whose IAADDR says 30 octets where 24 are left: offset 20, path [3, 5].
BAD_IAADDR = bytes.fromhex("01000001" "00030028" "000000010000000000000000"
                           "0005001e") + bytes(24)
# The same, relayed: offset 34 + 4 + 20 = 58, path [9, 3, 5].
BAD_RELAYED = (bytes.fromhex("0c00") + bytes(16) + pg.CLIENT
               + struct.pack("!HH", 9, len(BAD_IAADDR)) + BAD_IAADDR)
# A Solicit carrying an IAADDR outside any IA: decodes, but breaks containment.
MISPLACED = SOLICIT + bytes.fromhex("0005001820010db8000100000000000000000001"
                                    "0000119400001c20")


def run(args, stdin=b"", check_signal=True):
    p = subprocess.run([DECODE] + list(args), input=stdin, capture_output=True, timeout=60)
    if check_signal and p.returncode < 0:
        raise AssertionError("killed by signal %d: %r" % (-p.returncode, args))
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def lines(out):
    return [ln for ln in out.split("\n") if ln]


def decode_hex(*msgs, extra=()):
    """The tool's output for these messages given as hex arguments."""
    rc, out, err = run(list(extra) + [m.hex() for m in msgs])
    return rc, lines(out)


class ToolTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="dhcp-decode-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def path(self, name, data=None):
        p = os.path.join(self.tmp, name)
        if data is not None:
            with open(p, "wb") as f:
                f.write(data)
        return p

    def assertDecodes(self, args, msgs, stdin=b"", extra=()):
        """The tool exits 0 and prints exactly the lines for msgs, in order."""
        rc, out, err = run(list(extra) + list(args), stdin)
        want_rc, want = decode_hex(*msgs, extra=extra)
        self.assertEqual(want_rc, 0, "reference messages must be valid")
        self.assertEqual(lines(out), want, err)
        self.assertEqual(rc, 0, err)
        return err


class Hex(ToolTest):
    def test_argument(self):
        rc, out, err = run([SOLICIT.hex()])
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "")
        (line,) = lines(out)
        m = json.loads(line)
        self.assertEqual(m["msg_type"], 1)
        self.assertEqual(m["msg_name"], "SOLICIT")
        self.assertEqual(m["transaction_id"], "f350d6")
        self.assertEqual([o["code"] for o in m["options"]], [1, 8, 3, 6])

    def test_separators_and_case(self):
        h = SOLICIT.hex()
        octets = [h[i:i + 2] for i in range(0, len(h), 2)]
        forms = [":".join(octets).upper(), " ".join(octets), "\t".join(octets),
                 "  " + h[:8].upper() + " " + h[8:] + "  ", h[:4] + ":" + h[4:]]
        want = decode_hex(SOLICIT)[1]
        for form in forms:
            rc, out, err = run([form])
            self.assertEqual((rc, lines(out)), (0, want), form)

    def test_several_arguments(self):
        rc, out, err = run([SOLICIT.hex(), REPLY.hex(), RELAY.hex()])
        self.assertEqual(rc, 0, err)
        self.assertEqual([json.loads(x)["msg_type"] for x in lines(out)], [1, 7, 12])

    def test_relay_is_followed(self):
        rc, out, err = run([RELAY.hex()])
        self.assertEqual(rc, 0, err)
        m = json.loads(out)
        self.assertEqual(m["msg_name"], "RELAY-FORW")
        inner = [o for o in m["options"] if o["code"] == 9][0]
        self.assertIn("f350d6", json.dumps(inner))

    def test_text(self):
        rc, out, err = run(["--text", SOLICIT.hex(), REPLY.hex()])
        self.assertEqual(rc, 0, err)
        text = lines(out)
        self.assertEqual(len(text), 2)
        self.assertTrue(text[0].startswith("SOLICIT transaction_id=f350d6 "), text[0])
        self.assertTrue(text[1].startswith("REPLY transaction_id=f350d6 "), text[1])
        self.assertIn("IA_NA(", text[1])
        self.assertNotIn("{", text[0])

    def test_flags_after_inputs(self):
        rc, out, err = run([SOLICIT.hex(), "--text"])
        self.assertEqual(rc, 0, err)
        self.assertTrue(out.startswith("SOLICIT "), out)


class Stdin(ToolTest):
    def test_lines(self):
        data = "\n".join([SOLICIT.hex(), "", "   ", REPLY.hex().upper() + "\r",
                          RELAY.hex()]).encode() + b"\n\n"
        self.assertDecodes([], [SOLICIT, REPLY, RELAY], stdin=data)
        self.assertDecodes(["-"], [SOLICIT, REPLY, RELAY], stdin=data)

    def test_no_final_newline(self):
        self.assertDecodes([], [SOLICIT, REPLY], stdin=(SOLICIT.hex() + "\n" + REPLY.hex()).encode())

    def test_empty(self):
        rc, out, err = run([], b"")
        self.assertEqual((rc, out, err), (0, "", ""))

    def test_error_names_the_line(self):
        data = "\n".join([SOLICIT.hex(), "", BAD_IAADDR.hex(), REPLY.hex()]).encode()
        rc, out, err = run([], data)
        self.assertEqual(rc, 1)
        out = lines(out)
        self.assertEqual(len(out), 3)
        self.assertEqual(json.loads(out[1])["option_path"], [3, 5])
        self.assertIn("<stdin> line 3: offset 20: option 5 (IAADDR) in option 3 (IA_NA): ", err)

    def test_bad_hex_line(self):
        data = "\n".join([SOLICIT.hex(), "xyz", REPLY.hex(), "0"]).encode()
        rc, out, err = run([], data)
        self.assertEqual(rc, 64)
        self.assertEqual(lines(out), decode_hex(SOLICIT, REPLY)[1])
        self.assertIn("<stdin> line 2: bad hex", err)
        self.assertIn("<stdin> line 4: bad hex", err)

    def test_stdin_and_arguments(self):
        self.assertDecodes([REPLY.hex(), "-", RELAY.hex()], [REPLY, SOLICIT, RELAY],
                           stdin=SOLICIT.hex().encode())

    def test_capture_on_stdin(self):
        cap = pg.pcap([pg.ether(pg.ipv6(pg.udp(SOLICIT)))], pg.LINKTYPE_ETHERNET)
        self.assertDecodes([], [SOLICIT], stdin=cap)
        cap = pg.pcapng([pg.ether(pg.ipv6(pg.udp(REPLY, 547, 546)))], pg.LINKTYPE_ETHERNET)
        self.assertDecodes(["-"], [REPLY], stdin=cap)


class RawFile(ToolTest):
    def test_raw_file(self):
        self.assertDecodes([self.path("solicit.bin", SOLICIT)], [SOLICIT])

    def test_file_and_hex(self):
        self.assertDecodes([self.path("a", REPLY), SOLICIT.hex(), self.path("b", RELAY)],
                           [REPLY, SOLICIT, RELAY])

    def test_raw_error_names_the_file(self):
        p = self.path("bad.bin", BAD_IAADDR)
        rc, out, err = run([p])
        self.assertEqual(rc, 1)
        self.assertEqual(err, p + ": offset 20: option 5 (IAADDR) in option 3 (IA_NA): "
                         "length 30 exceeds the 24 octets left\n")

    def test_empty_file(self):
        rc, out, err = run([self.path("empty", b"")])
        self.assertEqual(rc, 1)
        self.assertEqual(json.loads(out)["offset"], 0)

    def test_too_large(self):
        rc, out, err = run([self.path("big", bytes(65536))])
        self.assertEqual((rc, out), (64, ""))
        self.assertIn("more than 65535 octets", err)

    def test_directory(self):
        rc, out, err = run([self.tmp])
        self.assertEqual((rc, out), (64, ""))
        self.assertIn("is a directory", err)

    def test_largest_messages(self):
        # 16382 empty containers: the arena must hold the tree and the render
        # buffer must grow well past its first 64 KiB.
        body = bytes.fromhex("005e0000") * 16382
        msg = bytes.fromhex("01000001") + body
        self.assertEqual(len(msg), 65532)
        rc, out, err = run(["--no-validate", self.path("big", msg)])
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(json.loads(out)["options"]), 16382)
        # A relay holding 13106 relay-msg options, each a 1-octet message.
        msg = bytes(34) + bytes.fromhex("000900014d") * 13100
        msg = bytes([12]) + msg[1:]
        rc, out, err = run(["--no-validate", self.path("relay", msg)])
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(json.loads(out)["options"]), 13100)


class Errors(ToolTest):
    def test_malformed_json(self):
        rc, out, err = run([BAD_IAADDR.hex()])
        self.assertEqual(rc, 1)
        self.assertEqual(json.loads(out), {"error": "length 30 exceeds the 24 octets left",
                                           "offset": 20, "option_path": [3, 5]})
        self.assertEqual(out, '{"error": "length 30 exceeds the 24 octets left", '
                         '"offset": 20, "option_path": [3, 5]}\n')
        self.assertEqual(err, "argument 1: offset 20: option 5 (IAADDR) in option 3 (IA_NA): "
                         "length 30 exceeds the 24 octets left\n")

    def test_malformed_relayed(self):
        rc, out, err = run([BAD_RELAYED.hex()])
        self.assertEqual(rc, 1)
        e = json.loads(out)
        self.assertEqual((e["offset"], e["option_path"]), (58, [9, 3, 5]))
        self.assertIn("offset 58: option 5 (IAADDR) in option 3 (IA_NA) in option 9", err)

    def test_malformed_among_good(self):
        rc, out, err = run([SOLICIT.hex(), BAD_IAADDR.hex(), REPLY.hex()])
        self.assertEqual(rc, 1)
        out = lines(out)
        self.assertEqual(len(out), 3)
        self.assertEqual(out[0], decode_hex(SOLICIT)[1][0])
        self.assertEqual(out[2], decode_hex(REPLY)[1][0])
        self.assertEqual(set(json.loads(out[1])), {"error", "offset", "option_path"})
        self.assertTrue(err.startswith("argument 2: "), err)
        self.assertEqual(len(lines(err)), 1)

    def test_malformed_text(self):
        rc, out, err = run(["--text", BAD_IAADDR.hex()])
        self.assertEqual(rc, 1)
        self.assertEqual(out, "ERROR offset 20: option 5 (IAADDR) in option 3 (IA_NA): "
                         "length 30 exceeds the 24 octets left\n")

    def test_no_validate_does_not_hide_malformed(self):
        rc, out, err = run(["--no-validate", BAD_IAADDR.hex()])
        self.assertEqual(rc, 1)
        self.assertEqual(json.loads(out)["option_path"], [3, 5])

    def test_containment(self):
        rc, out, err = run([MISPLACED.hex()])
        self.assertEqual(rc, 1, out)
        e = json.loads(out)
        self.assertEqual(set(e), {"error", "offset", "option_path"})
        self.assertEqual(e["option_path"][-1], 5)
        self.assertTrue(e["error"])
        self.assertTrue(err.startswith("argument 1: "), err)
        self.assertIn("IAADDR", err)

    def test_no_validate(self):
        rc, out, err = run(["--no-validate", MISPLACED.hex()])
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "")
        m = json.loads(out)
        self.assertEqual([o["code"] for o in m["options"]], [1, 8, 3, 6, 5])

    def test_duplicate_option(self):
        twice = SOLICIT + bytes.fromhex("000800020000")
        self.assertEqual(run([twice.hex()])[0], 1)
        self.assertEqual(run(["--no-validate", twice.hex()])[0], 0)


class Usage(ToolTest):
    def test_help(self):
        for flag in ("-h", "--help"):
            rc, out, err = run([flag, "zz"])
            self.assertEqual(rc, 0)
            self.assertTrue(out.startswith("usage: ipv6-dhcp-decode"), out)
            self.assertEqual(err, "")

    def test_unknown_flag(self):
        for flag in ("--bogus", "-x", "--text=1"):
            rc, out, err = run([SOLICIT.hex(), flag])
            self.assertEqual(rc, 64, flag)
            self.assertEqual(out, "", "nothing is decoded after a usage error")
            self.assertIn("unknown option '%s'" % flag, err)
            self.assertIn("usage: ipv6-dhcp-decode", err)

    def test_bad_hex(self):
        for arg in ("zz", "not-a-file.pcap", "0", "1:2", "0x01", "01 0", "", ":::"):
            rc, out, err = run([arg])
            self.assertEqual((rc, out), (64, ""), arg)
            self.assertIn("argument 1", err)
            self.assertIn("not hex", err)

    def test_bad_hex_does_not_stop_others(self):
        rc, out, err = run(["zz", SOLICIT.hex(), BAD_IAADDR.hex()])
        self.assertEqual(rc, 64)
        self.assertEqual(len(lines(out)), 2)

    def test_double_dash(self):
        rc, out, err = run(["--", "--text"])
        self.assertEqual((rc, out), (64, ""))
        self.assertIn("'--text': no such file, and not hex", err)
        # After "--", a file named --text is an input.
        self.path("--text", SOLICIT)
        p = subprocess.run([DECODE, "--", "--text"], capture_output=True, cwd=self.tmp)
        self.assertEqual((p.returncode, lines(p.stdout.decode())), (0, decode_hex(SOLICIT)[1]))


def ip(payload, **kw):
    return pg.ipv6(pg.udp(payload, **kw))


def big_message():
    """A Solicit of 3000+ octets (an ORO listing many codes): takes 3 fragments."""
    codes = b"".join(struct.pack("!H", c) for c in [23, 24] * 750)
    return SOLICIT[:-8] + struct.pack("!HH", 6, len(codes)) + codes


class Captures(ToolTest):
    def write(self, name, frames, linktype, fmt="pcap", **kw):
        data = (pg.pcap if fmt == "pcap" else pg.pcapng)(frames, linktype, **kw)
        return self.path(name, data)

    def test_link_types(self):
        cases = [
            (pg.LINKTYPE_ETHERNET, pg.ether),
            (pg.LINKTYPE_LINUX_SLL, pg.sll),
            (pg.LINKTYPE_LINUX_SLL2, pg.sll2),
            (pg.LINKTYPE_RAW, lambda p: p),
            (pg.LINKTYPE_IPV6, lambda p: p),
            (pg.LINKTYPE_NULL, pg.null),
            (pg.LINKTYPE_NULL, lambda p: pg.null(p, 30, ">")),
        ]
        for fmt in ("pcap", "pcapng"):
            for linktype, wrap in cases:
                p = self.write("c.%s" % fmt, [wrap(ip(SOLICIT)), wrap(ip(REPLY, sport=547, dport=546))],
                               linktype, fmt)
                with self.subTest(fmt=fmt, linktype=linktype):
                    self.assertDecodes([p], [SOLICIT, REPLY])

    def test_nanosecond_pcap(self):
        p = self.path("ns.pcap", pg.pcap([pg.ether(ip(SOLICIT))], pg.LINKTYPE_ETHERNET,
                                         nanosecond=True))
        self.assertDecodes([p], [SOLICIT])

    def test_ethernet_mix(self):
        frames = [
            pg.ether(ip(SOLICIT)),
            pg.ether(pg.ipv4_udp(b"\x01" * 300)),                    # DHCPv4: skipped
            pg.ether(ip(REPLY), ethertype=0x0800),                    # not IPv6: skipped
            pg.ether(pg.ipv6(pg.udp(b"dns", 5353, 53))),              # other UDP: skipped
            pg.ether(ip(REPLY, sport=547, dport=546), vlans=[100]),   # 802.1Q
            pg.ether(ip(RELAY, sport=547, dport=547),
                     vlans=[(0x88A8, 10), (0x8100, 20)]),             # 802.1ad + 802.1Q
            pg.ether(pg.ipv6(pg.ext(pg.NH_UDP) + pg.udp(REPLY, 547, 546),
                             nh=pg.NH_HOPOPTS)),                      # hop-by-hop
            pg.ether(pg.ipv6(pg.ext(pg.NH_DSTOPTS, 1) + pg.ext(pg.NH_UDP, 2)
                             + pg.udp(SOLICIT), nh=pg.NH_ROUTING)),   # routing + dest opts
            pg.ether(pg.ipv6(pg.ext(pg.NH_UDP), nh=59)),              # no next header
            pg.ether(ip(SOLICIT) + bytes(20)),                        # Ethernet padding
        ]
        p = self.write("mix.pcap", frames, pg.LINKTYPE_ETHERNET)
        self.assertDecodes([p], [SOLICIT, REPLY, RELAY, REPLY, SOLICIT, SOLICIT])

    def test_fragments(self):
        big = big_message()
        dgram = pg.udp(big)
        fr = pg.fragments(dgram, pg.NH_UDP, 0x1234, 1232)
        self.assertEqual(len(fr), 3)
        # Reordered (last, first, middle), with an unrelated frame in between
        # and a destination options header before the Fragment header.
        pkts = [pg.ipv6(pg.ext(pg.NH_FRAGMENT) + f[2], nh=pg.NH_DSTOPTS) for f in fr]
        frames = [pg.ether(pkts[2]), pg.ether(ip(REPLY)), pg.ether(pkts[0]),
                  pg.ether(pkts[1]), pg.ether(ip(SOLICIT))]
        p = self.write("frag.pcap", frames, pg.LINKTYPE_ETHERNET)
        err = self.assertDecodes([p], [REPLY, big, SOLICIT])
        self.assertEqual(err, "")
        # In order, in two fragments, on SLL, in pcapng; the fragmentable part
        # starts with a destination options header, which only the first
        # fragment's Next Header says (RFC 8200 §4.5: the others' do not count).
        fr2 = pg.fragments(pg.ext(pg.NH_UDP) + dgram, pg.NH_DSTOPTS, 7, 2048)
        fr2[1] = (0, 0, bytes([59]) + fr2[1][2][1:])
        frames = [pg.sll(pg.ipv6(f[2], nh=pg.NH_FRAGMENT)) for f in fr2]
        p = self.write("frag2.pcapng", frames, pg.LINKTYPE_LINUX_SLL, "pcapng")
        self.assertDecodes([p], [big])

    def test_fragments_interleaved_and_duplicated(self):
        a, b = big_message(), big_message()[:-2] + b"\x00\x07"
        fa = pg.fragments(pg.udp(a), pg.NH_UDP, 1, 800)
        fb = pg.fragments(pg.udp(b), pg.NH_UDP, 2, 800)
        self.assertEqual((len(fa), len(fb)), (4, 4))
        order = [fa[0], fb[1], fa[1], fa[1], fb[0], fb[2], fa[2], fb[3], fa[3]]
        frames = [pg.ether(pg.ipv6(f[2], nh=pg.NH_FRAGMENT)) for f in order]
        p = self.write("inter.pcap", frames, pg.LINKTYPE_ETHERNET)
        self.assertDecodes([p], [b, a])

    def test_atomic_fragment(self):
        # RFC 6946: an atomic fragment is a whole datagram and does not disturb
        # a datagram being reassembled under the same identification.
        big = big_message()
        fr = [pg.ether(pg.ipv6(f[2], nh=pg.NH_FRAGMENT))
              for f in pg.fragments(pg.udp(big), pg.NH_UDP, 9, 1232)]
        atomic = pg.ether(pg.ipv6(pg.frag(pg.NH_UDP, 0, False, 9, pg.udp(SOLICIT)),
                                  nh=pg.NH_FRAGMENT))
        p = self.write("atomic.pcap", [fr[0], atomic] + fr[1:], pg.LINKTYPE_ETHERNET)
        self.assertDecodes([p], [SOLICIT, big])

    def test_overlapping_fragments(self):
        big = big_message()
        dgram = pg.udp(big)
        f0 = pg.frag(pg.NH_UDP, 0, True, 5, dgram[:1232])
        f1 = pg.frag(pg.NH_UDP, 1224, True, 5, dgram[1224:2456])  # overlaps f0 by 8
        f2 = pg.frag(pg.NH_UDP, 2456, False, 5, dgram[2456:])
        f1ok = pg.frag(pg.NH_UDP, 1232, True, 5, dgram[1232:2456])
        frames = [pg.ether(pg.ipv6(f, nh=pg.NH_FRAGMENT)) for f in (f0, f1, f2, f1ok)]
        frames.append(pg.ether(ip(SOLICIT)))
        p = self.write("overlap.pcap", frames, pg.LINKTYPE_ETHERNET)
        rc, out, err = run([p])
        # RFC 5722: the datagram is dropped, even when the right fragment comes later.
        self.assertEqual((rc, lines(out)), (0, decode_hex(SOLICIT)[1]), err)
        self.assertIn("1 with overlapping or inconsistent fragments", err)
        # Without the overlapping one it reassembles.
        frames = [pg.ether(pg.ipv6(f, nh=pg.NH_FRAGMENT)) for f in (f0, f1ok, f2)]
        self.assertDecodes([self.write("ok.pcap", frames, pg.LINKTYPE_ETHERNET)], [big])

    def test_fragment_limits(self):
        big = big_message()
        fr = pg.fragments(pg.udp(big), pg.NH_UDP, 77, 1232)
        frames = [(0.0, pg.ether(pg.ipv6(fr[0][2], nh=pg.NH_FRAGMENT)))]
        # 64 other datagrams start: the first is pushed out.
        for i in range(64):
            frames.append((1.0, pg.ether(pg.ipv6(pg.frag(pg.NH_UDP, 0, True, 1000 + i, bytes(8)),
                                                 nh=pg.NH_FRAGMENT))))
        frames += [(2.0, pg.ether(pg.ipv6(f[2], nh=pg.NH_FRAGMENT))) for f in fr[1:]]
        p = self.write("evict.pcap", frames, pg.LINKTYPE_ETHERNET)
        rc, out, err = run([p])
        self.assertEqual((rc, out), (0, ""), err)
        self.assertIn("66 incomplete", err)
        # With 63 others it still completes.
        frames = frames[:64] + frames[65:]
        self.assertDecodes([self.write("evict63.pcap", frames, pg.LINKTYPE_ETHERNET)], [big])
        # A datagram whose last fragment comes 61 s after its first times out.
        frames = [(10.0, pg.ether(pg.ipv6(f[2], nh=pg.NH_FRAGMENT))) for f in fr]
        frames[-1] = (71.0, frames[-1][1])
        rc, out, err = run([self.write("late.pcap", frames, pg.LINKTYPE_ETHERNET)])
        self.assertEqual((rc, out), (0, ""), err)
        frames[-1] = (69.0, frames[-1][1])
        self.assertDecodes([self.write("intime.pcap", frames, pg.LINKTYPE_ETHERNET)], [big])

    def test_bad_fragments(self):
        dgram = pg.udp(SOLICIT)
        frames = [
            pg.frag(pg.NH_UDP, 0, True, 1, dgram[:20]),             # not a multiple of 8
            pg.frag(pg.NH_UDP, 65528, False, 2, bytes(16)),          # beyond 65535 octets
            pg.frag(pg.NH_UDP, 65480, True, 4, bytes(16)),           # with the 40-octet header
            pg.frag(pg.NH_UDP, 16, True, 3, dgram[16:24]),           # ends past ...
            pg.frag(pg.NH_UDP, 8, False, 3, dgram[8:16]),            # ... the last fragment
        ]
        # A datagram holding a second Fragment header (RFC 8200 §4.1: once only).
        nested = pg.frag(pg.NH_UDP, 0, False, 6, dgram)
        frames += [f[2] for f in pg.fragments(nested, pg.NH_FRAGMENT, 6, 32)]
        frames = [pg.ether(pg.ipv6(f, nh=pg.NH_FRAGMENT)) for f in frames]
        p = self.write("badfrag.pcap", frames, pg.LINKTYPE_ETHERNET)
        rc, out, err = run([p])
        self.assertEqual((rc, out), (0, ""), err)
        self.assertEqual(err, "ipv6-dhcp-decode: %s: note: fragmented datagrams skipped: 1 with "
                         "overlapping or inconsistent fragments, 0 incomplete; 3 bad fragments\n" % p)

    def test_snaplen(self):
        frame = pg.ether(ip(REPLY))
        frames = [(0.0, frame[:80], len(frame)), (1.0, pg.ether(ip(SOLICIT)))]
        p = self.write("snap.pcap", frames, pg.LINKTYPE_ETHERNET)
        rc, out, err = run([p])
        self.assertEqual(rc, 1)
        out = lines(out)
        self.assertEqual(len(out), 2)
        e = json.loads(out[0])
        self.assertEqual((e["offset"], e["option_path"]), (80 - 14 - 48, []))
        self.assertIn("snapshot length", e["error"])
        self.assertEqual(out[1], decode_hex(SOLICIT)[1][0])
        self.assertTrue(err.startswith(p + " frame 1: offset 18: "), err)

    def test_bad_lengths(self):
        udp_long = pg.ipv6(struct.pack("!HHHH", 546, 547, 8 + len(SOLICIT) + 10, 0) + SOLICIT)
        udp_short = pg.ipv6(struct.pack("!HHHH", 546, 547, 4, 0) + SOLICIT)
        ip_long = pg.ipv6(struct.pack("!HHHH", 546, 547, 8 + len(SOLICIT) + 50, 0) + SOLICIT,
                          plen=len(SOLICIT) + 8 + 50)
        ip_long_ok = pg.ipv6(pg.udp(SOLICIT), plen=len(SOLICIT) + 8 + 50)
        frames = [pg.ether(f) for f in (udp_long, udp_short, ip_long, ip_long_ok)]
        p = self.write("lengths.pcap", frames, pg.LINKTYPE_ETHERNET)
        rc, out, err = run([p])
        self.assertEqual(rc, 1)
        errs = [json.loads(x) for x in lines(out)]
        # The last: the IPv6 payload is cut short, but the UDP datagram is whole.
        self.assertEqual(errs[3], json.loads(decode_hex(SOLICIT)[1][0]))
        errs = errs[:3]
        self.assertEqual([e["offset"] for e in errs], [len(SOLICIT), 0, len(SOLICIT)])
        self.assertIn("UDP length", errs[0]["error"])
        self.assertIn("IPv6 payload length", errs[2]["error"])
        self.assertEqual(len(lines(err)), 3)

    def test_malformed_in_capture(self):
        frames = [pg.ether(ip(SOLICIT)), pg.ether(ip(BAD_RELAYED)), pg.ether(ip(MISPLACED))]
        p = self.write("bad.pcapng", frames, pg.LINKTYPE_ETHERNET, "pcapng")
        rc, out, err = run([p])
        self.assertEqual(rc, 1)
        out = lines(out)
        self.assertEqual(json.loads(out[1])["option_path"], [9, 3, 5])
        self.assertEqual(json.loads(out[2])["option_path"][-1], 5)
        err = lines(err)
        self.assertEqual(err[0], p + " frame 2: offset 58: option 5 (IAADDR) in option 3 "
                         "(IA_NA) in option 9 (RELAY_MSG): length 30 exceeds the 24 octets left")
        self.assertTrue(err[1].startswith(p + " frame 3: "), err[1])
        rc, out, err = run(["--no-validate", p])
        self.assertEqual(rc, 1)
        self.assertEqual(len(lines(err)), 1)

    def test_unsupported_link_type(self):
        p = self.write("wifi.pcap", [bytes(40)], 105)
        rc, out, err = run([p, SOLICIT.hex()])
        self.assertEqual(rc, 64)
        self.assertIn("link type 105", err)
        self.assertEqual(lines(out), decode_hex(SOLICIT)[1])

    @unittest.skipUnless(shutil.which("text2pcap"), "text2pcap (wireshark-common) not installed")
    def test_text2pcap(self):
        dump = self.path("dump.txt")
        with open(dump, "w") as f:
            for msg in (SOLICIT, RELAY):
                for off in range(0, len(msg), 16):
                    f.write("%06x %s\n" % (off, " ".join("%02x" % b for b in msg[off:off + 16])))
                f.write("\n")
        out = self.path("t2p.pcapng")
        subprocess.run(["text2pcap", "-q", "-6", "fe80::2,ff02::1:2", "-u", "546,547", dump, out],
                       check=True, capture_output=True)
        self.assertDecodes([out], [SOLICIT, RELAY])


class Sample(ToolTest):
    """examples/captures/sample.pcap: the real messages of the vectors."""

    def test_sample_decodes(self):
        rc, out, err = run([SAMPLE])
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(len(lines(out)), 47)
        rc, out, err = run(["--text", SAMPLE])
        self.assertEqual(rc, 0)
        self.assertTrue(lines(out)[0].startswith("RELAY-FORW hop_count=1 "), out[:100])

    @unittest.skipUnless(os.path.exists(VECTORS), "test vectors not found")
    def test_sample_is_the_vectors(self):
        with open(VECTORS) as f:
            msgs = [bytes.fromhex(json.loads(ln)["hex"]) for ln in f]
        self.assertDecodes([SAMPLE], msgs)
        out = self.path("sample.pcap")
        subprocess.run(["/usr/bin/python3", MAKE_SAMPLE, VECTORS, out], check=True,
                       capture_output=True)
        with open(out, "rb") as a, open(SAMPLE, "rb") as b:
            self.assertTrue(a.read() == b.read(), "sample.pcap differs from make-sample.py's")


class Robustness(ToolTest):
    def capture(self):
        big = big_message()
        fr = pg.fragments(pg.udp(big), pg.NH_UDP, 3, 1232)
        frames = [pg.ether(ip(SOLICIT), vlans=[5]), pg.ether(pg.ipv6(fr[1][2], nh=pg.NH_FRAGMENT)),
                  pg.ether(pg.ipv6(fr[0][2], nh=pg.NH_FRAGMENT)),
                  pg.ether(pg.ipv6(pg.ext(pg.NH_UDP) + pg.udp(REPLY, 547, 546), nh=0)),
                  pg.ether(pg.ipv6(fr[2][2], nh=pg.NH_FRAGMENT))]
        return frames, big

    def test_truncated_capture(self):
        frames, big = self.capture()
        data = pg.pcap(frames[:1] + [pg.ether(ip(REPLY))], pg.LINKTYPE_ETHERNET)
        cut = len(data) - 30
        p = self.path("cut.pcap", data[:cut])
        rc, out, err = run([p])
        self.assertEqual(rc, 64)
        self.assertEqual(lines(out), decode_hex(SOLICIT)[1])
        self.assertIn(p + ": frame 2: truncated", err)
        rc, out, err = run([self.path("hdr.pcap", data[:10])])
        self.assertEqual((rc, out), (64, ""))
        self.assertIn("not a readable capture", err)

    def test_every_truncation(self):
        frames, big = self.capture()
        for fmt in (pg.pcap, pg.pcapng):
            data = fmt(frames, pg.LINKTYPE_ETHERNET)
            self.assertDecodes([self.path("full", data)], [SOLICIT, REPLY, big])
            # Cutting anywhere must never crash. A capture cut between two
            # records is a shorter capture; cut elsewhere it is an input error.
            bounds = {len(fmt(frames[:k], pg.LINKTYPE_ETHERNET)) for k in range(len(frames))}
            step = max(1, len(data) // 100)
            cuts = set(range(1, 64)) | set(range(64, len(data), step))
            cuts |= {b + d for b in bounds for d in (-1, 0, 1) if 0 < b + d < len(data)}
            for cut in sorted(cuts):
                rc, out, err = run([self.path("cut", data[:cut])])
                if cut in bounds:
                    want = (0,)
                elif cut < 4 or (fmt is pg.pcapng and cut < 12):
                    want = (0, 1)  # too short to be told from a raw message
                else:
                    want = (64,)
                self.assertIn(rc, want, "cut at %d: %s" % (cut, err))

    def test_corrupted_frames(self):
        # Random octets in the headers of every frame: never a crash; any
        # message that comes out is decoded or reported.
        frames, big = self.capture()
        rnd = random.Random(8200)
        paths = []
        for i in range(200):
            bad = []
            for f in frames:
                f = bytearray(f)
                for _ in range(rnd.randint(1, 4)):
                    f[rnd.randrange(min(len(f), 80))] = rnd.randrange(256)
                if rnd.random() < 0.3:
                    del f[rnd.randrange(len(f)):]
                bad.append(bytes(f))
            paths.append(self.path("c%d" % i, pg.pcap(bad, pg.LINKTYPE_ETHERNET)))
        # One run over all of them (fast), then checks.
        rc, out, err = run(paths)
        self.assertIn(rc, (0, 1), err)
        for ln in lines(out):
            json.loads(ln)
        for ln in lines(err):
            self.assertRegex(ln, r"^(%s/c\d+ frame \d+: offset \d+: |ipv6-dhcp-decode: .*: note: )"
                             % self.tmp)


if __name__ == "__main__":
    if not DECODE or not os.access(DECODE, os.X_OK):
        sys.exit("set DECODE to the path of the built ipv6-dhcp-decode")
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    unittest.main(verbosity=1)
