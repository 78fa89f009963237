#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent agreement with Wireshark on every whole message in the vectors.

All whole messages (the records with a "tshark" field, and the whole-message
fixtures the conformance test rebuilds) are written LIVE into one pcap with
Debian's text2pcap, dissected by tshark, and decoded by our library
(vector-probe, and ipv6-dhcp-decode reading the same pcap when it is built).
For each message:

  * when tshark and we both accept it: the message types outer to inner
    (through Relay Message options), the transaction id and the DHCPv6 option
    codes at every depth in wire order (depth first) must be the same;
  * whatever tshark says, an independent TLV walk written here (Python, not
    linked to libdhcpkit) must reach our verdict, and when it accepts, give
    our lists too. The walk is needed because Wireshark 4.0 silently hides an
    option that runs past the end of the packet (no [Malformed Packet], see
    ../shared/harness/NOTES.md), so tshark alone cannot be the judge.

Usage: test_tshark.py PROBE [DEFAULT_VECTORS_DIR [BUILD_ROOT]]
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import test_vectors
import vectorlib

SEVERITY_ERROR = 0x800000  # Wireshark expert severity "Error" (Malformed)

# --------------------------------------------------------------------------
# The independent walk, from the RFCs (8415 §7-§9 and §21, 5007, 7598, 6422).
# --------------------------------------------------------------------------
HOP_COUNT_LIMIT = 32                    # RFC 8415 §7.6
DUID_OPTIONS = {1, 2, 53}               # Client ID, Server ID, Relay ID: one DUID
EXACT = {7: 1, 8: 2, 12: 16, 14: 0, 19: 1, 20: 0, 32: 4, 46: 4, 82: 4, 83: 4, 90: 16, 93: 4}
AT_LEAST = {3: 12, 4: 4, 5: 24, 13: 2, 25: 12, 26: 25, 44: 17, 47: 16, 89: 8, 91: 1, 92: 5}
MULTIPLE_OF = {6: 2, 43: 2, 21: 1, 22: 16, 23: 16, 27: 16, 28: 16, 31: 16, 48: 16}
# Options whose body ends in DHCPv6 options: offset of the first one.
OPTIONS_AT = {3: 12, 4: 4, 5: 24, 25: 12, 26: 25, 44: 17, 45: 0, 66: 0, 94: 0, 95: 0, 96: 0}
# S46_RULE, S46_V4V6BIND: offset of the IPv6 prefix-length octet.
S46_PREFIX_AT = {89: 7, 92: 4}
# Options whose body ends in one whole DHCPv6 message: its offset.
MESSAGE_AT = {9: 0, 47: 16}
CLIENT_SERVER = set(range(1, 12)) | set(range(14, 18))
RELAY = {12, 13}


class Malformed(Exception):
    pass


def walk(b):
    """(types, xids, codes) of message b, or raises Malformed(reason)."""
    types, xids, codes = [], [], []

    def message(m, relays):
        if not m:
            raise Malformed('empty message')
        t = m[0]
        types.append(t)
        if t in RELAY:
            if relays + 1 > HOP_COUNT_LIMIT:
                raise Malformed('more than %d relay messages nested' % HOP_COUNT_LIMIT)
            if len(m) < 34:
                raise Malformed('relay header needs 34 octets, has %d' % len(m))
            options(m[34:], relays + 1)
        elif t in CLIENT_SERVER:
            if len(m) < 4:
                raise Malformed('message header needs 4 octets, has %d' % len(m))
            xids.append(int.from_bytes(m[1:4], 'big'))
            options(m[4:], relays)
        # other types: opaque

    def options(buf, relays):
        off = 0
        while off < len(buf):
            if len(buf) - off < 4:
                raise Malformed('%d octets left, too few for an option header'
                                % (len(buf) - off))
            code = int.from_bytes(buf[off:off + 2], 'big')
            length = int.from_bytes(buf[off + 2:off + 4], 'big')
            body = buf[off + 4:off + 4 + length]
            if len(body) < length:
                raise Malformed('option %d of length %d runs past its parent (%d left)'
                                % (code, length, len(body)))
            codes.append(code)
            check(code, body, relays)
            off += 4 + length

    def check(code, body, relays):
        n = len(body)
        if code in EXACT and n != EXACT[code]:
            raise Malformed('option %d has length %d, must be %d' % (code, n, EXACT[code]))
        if code in AT_LEAST and n < AT_LEAST[code]:
            raise Malformed('option %d has length %d, needs %d' % (code, n, AT_LEAST[code]))
        if code in MULTIPLE_OF and n % MULTIPLE_OF[code]:
            raise Malformed('option %d length %d is not a multiple of %d'
                            % (code, n, MULTIPLE_OF[code]))
        if code in DUID_OPTIONS and not 3 <= n <= 130:
            raise Malformed('option %d: a DUID of %d octets (RFC 8415 §11.1: 3..130)'
                            % (code, n))
        if code in OPTIONS_AT:
            options(body[OPTIONS_AT[code]:], relays)
        if code in S46_PREFIX_AT:
            # RFC 7598 §4.1, §4.4: an IPv6 prefix of ceil(len/8) octets, then options
            at = S46_PREFIX_AT[code]
            plen = body[at]
            if plen > 128:
                raise Malformed('option %d: IPv6 prefix length %d' % (code, plen))
            end = at + 1 + (plen + 7) // 8
            if end > n:
                raise Malformed('option %d: prefix runs past the option' % code)
            options(body[end:], relays)
        if code in MESSAGE_AT:
            message(body[MESSAGE_AT[code]:], relays)

    message(b, 0)
    return types, xids, codes


# --------------------------------------------------------------------------
def messages(records):
    """(id, hex) of every whole message: records with a tshark field, then
    the whole-message fixtures test_vectors rebuilds or decodes as messages."""
    out, seen = [], set()
    for r in records:
        if 'tshark' in r:
            out.append((r['id'], r['hex'], r['tshark']))
            seen.add(r['id'])
    plans, _, _ = test_vectors.plan(records)
    for p in plans:
        if p.get('kinds') == ['message'] and p['id'] not in seen:
            out.append((p['id'], p['hex'], None))
            seen.add(p['id'])
    return out


def derived(msgs):
    """Two damaged copies of every distinct well-formed message, to exercise
    the malformed paths: the last octet cut off (the last option then runs
    past the end: tshark's blind spot, or a short fixed field), and the
    first option's length one less (the next header is misread)."""
    out, seen = [], set()
    for rid, hx, _ in msgs:
        b = bytes.fromhex(hx)
        if hx in seen:
            continue
        seen.add(hx)
        try:
            walk(b)
        except Malformed:
            continue
        out.append((rid + ' minus its last octet', b[:-1].hex(), None))
        first = 34 if b[0] in RELAY else 4 if b[0] in CLIENT_SERVER else None
        if first is not None and len(b) >= first + 4:
            length = int.from_bytes(b[first + 2:first + 4], 'big')
            if length:
                d = bytearray(b)
                d[first + 2:first + 4] = (length - 1).to_bytes(2, 'big')
                out.append((rid + ' first option length-1', bytes(d).hex(), None))
    return out


def build_pcap(msgs, tmp):
    txt = os.path.join(tmp, 'messages.txt')
    pcap = os.path.join(tmp, 'messages.pcap')
    with open(txt, 'w') as f:
        for _, hx, _ in msgs:
            b = bytes.fromhex(hx)
            for off in range(0, len(b), 16):
                f.write('%06x %s\n' % (off, ' '.join('%02x' % x for x in b[off:off + 16])))
            f.write('\n')
    # Ethernet + IPv6 + UDP headers around each payload, ports 546 -> 547.
    subprocess.run(['text2pcap', '-q', '-6', '2001:db8::1,2001:db8::2', '-u', '546,547',
                    txt, pcap], check=True, capture_output=True, timeout=60)
    return pcap


def run_tshark(pcap, count):
    fields = ['frame.number', 'dhcpv6.msgtype', 'dhcpv6.xid', 'dhcpv6.option.type',
              '_ws.malformed', '_ws.expert.severity', '_ws.expert.message']
    cmd = ['tshark', '-n', '-r', pcap, '-T', 'fields', '-E', 'occurrence=a',
           '-E', 'aggregator=,', '-E', 'separator=/t', '-E', 'quote=n']
    for fld in fields:
        cmd += ['-e', fld]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if res.returncode != 0:
        sys.exit('tshark failed (exit %d): %s' % (res.returncode, res.stderr))
    rows = [ln.split('\t') for ln in res.stdout.splitlines()]
    if len(rows) != count:
        sys.exit('tshark dissected %d frames, the pcap has %d messages' % (len(rows), count))

    def ints(s, base=10):
        return [int(x, base) for x in s.split(',') if x]

    out = []
    for n, row in enumerate(rows, 1):
        row += [''] * (len(fields) - len(row))
        if int(row[0]) != n:
            sys.exit('tshark frame order: expected %d, got %s' % (n, row[0]))
        sev = ints(row[5])
        out.append({
            'types': ints(row[1]),
            'xids': ints(row[2], 16),
            'codes': ints(row[3]),
            'malformed': bool(row[4]) or any(s >= SEVERITY_ERROR for s in sev),
            'expert': row[6],
        })
    return out


def find_decoder(build_root):
    if not build_root:
        return None
    for rel in ('tools/ipv6-dhcp-decode', 'tools/decode/ipv6-dhcp-decode'):
        path = os.path.join(build_root, rel)
        if os.access(path, os.X_OK):
            return path
    return None


def run_decoder(decoder, pcap, count):
    res = subprocess.run([decoder, '--no-validate', pcap], capture_output=True, text=True,
                         timeout=120)
    if res.returncode not in (0, 1):
        sys.exit('%s failed (exit %d): %s' % (decoder, res.returncode, res.stderr))
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    if len(rows) != count:
        sys.exit('%s printed %d messages for a pcap of %d' % (decoder, len(rows), count))
    return rows


def comparable_xids(ws):
    """tshark's transaction ids, less those it reads from message types that
    are neither relay nor client/server (RFC 8415 §7.3, RFC 5007, 5460): we
    keep such a message as opaque octets, without a transaction id."""
    plain = [t for t in ws['types'] if t not in RELAY]
    if len(plain) != len(ws['xids']):
        return ws['xids']  # leave it to the comparison to show
    return [x for t, x in zip(plain, ws['xids']) if t in CLIENT_SERVER]


def fmt(types, xids, codes):
    return 'types %s xid %s options %s' % (types, ['%06x' % x for x in xids], codes)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for tool in ('text2pcap', 'tshark'):
        if not shutil.which(tool):
            sys.exit('%s not found: install the Debian package tshark '
                     '(scripts/install-deps.sh)' % tool)
    probe = sys.argv[1]
    vdir = vectorlib.vectors_dir(sys.argv[2] if len(sys.argv) > 2 else None)
    decoder = find_decoder(sys.argv[3] if len(sys.argv) > 3 else None)
    msgs = messages(vectorlib.load_records(vdir))
    nvec = len(msgs)
    msgs += derived(msgs)

    with tempfile.TemporaryDirectory(prefix='dhcpkit-tshark-') as tmp:
        pcap = build_pcap(msgs, tmp)
        wire = run_tshark(pcap, len(msgs))
        tool = run_decoder(decoder, pcap, len(msgs)) if decoder else None
    ours = vectorlib.run_probe(probe, ['message ' + hx for _, hx, _ in msgs])

    failures, notes = [], []
    verdicts = {}
    stored_mismatch = 0
    for n, ((rid, hx, stored), ws, us) in enumerate(zip(msgs, wire, ours)):
        label = '%s (frame %d)' % (rid, n + 1)
        try:
            mine = walk(bytes.fromhex(hx))
            walk_err = None
        except Malformed as exc:
            mine, walk_err = None, str(exc)

        if us['ok']:
            ulists = vectorlib.walk_options_depth_first(us['decoded'])
        if us['ok'] != (walk_err is None):
            failures.append('%s: our decoder %s, the independent walk %s\n    tshark: %s%s'
                            % (label, 'accepts' if us['ok'] else 'rejects (%s)' % us['error'],
                               'accepts' if walk_err is None else 'rejects (%s)' % walk_err,
                               fmt(ws['types'], ws['xids'], ws['codes']),
                               ' MALFORMED ' + ws['expert'] if ws['malformed'] else ''))
            continue
        if us['ok'] and tuple(mine) != tuple(ulists):
            failures.append('%s: the walk and our decoder differ\n    ours: %s\n    walk: %s'
                            % (label, fmt(*ulists), fmt(*mine)))
            continue
        if us['ok'] and not ws['malformed']:
            theirs = (ws['types'], comparable_xids(ws), ws['codes'])
            if theirs != tuple(ulists):
                failures.append('%s: tshark and we differ\n    ours:   %s\n    tshark: %s'
                                % (label, fmt(*ulists), fmt(*theirs)))
                continue
            verdict = 'both accept, same message types, xid and options'
        elif us['ok']:
            verdict = 'tshark says malformed, we and the walk accept'
            notes.append('%s: tshark: %s; ours: %s' % (label, ws['expert'], fmt(*ulists)))
        elif ws['malformed']:
            verdict = 'we and the walk reject, tshark says malformed'
        else:
            verdict = 'we and the walk reject, tshark is silent (option past the end)'
        if tool is not None:
            t = tool[n]
            if us['ok'] and t != us['decoded']:
                failures.append('%s: ipv6-dhcp-decode on the pcap differs from vector-probe\n'
                                '    tool:  %s\n    probe: %s'
                                % (label, json.dumps(t), json.dumps(us['decoded'])))
                continue
            if not us['ok'] and 'error' not in t:
                failures.append('%s: ipv6-dhcp-decode accepts what vector-probe rejects (%s)'
                                % (label, us['error']))
                continue
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
        if stored and (stored.get('msgtypes') != ws['types']
                       or [int(x, 16) for x in stored.get('xid', [])] != ws['xids']
                       or stored.get('option_types') != ws['codes']
                       or bool(stored.get('malformed')) != ws['malformed']):
            stored_mismatch += 1
            notes.append('%s: live tshark differs from the vectors\' stored tshark view '
                         '(another Wireshark version?)' % label)

    print('messages: %d in one pcap (text2pcap): %d from the vectors, %d damaged copies; '
          'tshark %s' % (len(msgs), nvec, len(msgs) - nvec, tshark_version()))
    print('our decoder: vector-probe%s' % (' and %s on the pcap' % decoder if decoder else
                                            ' (ipv6-dhcp-decode not built)'))
    for v, c in sorted(verdicts.items()):
        print('  %-66s %d' % (v, c))
    print('agreed: %d of %d; live tshark matches the stored view for %d of %d'
          % (sum(verdicts.values()), len(msgs), sum(1 for m in msgs if m[2]) - stored_mismatch,
             sum(1 for m in msgs if m[2])))
    for x in notes:
        print('  note: ' + x)
    if failures:
        print('\n%d DISAGREEMENTS:' % len(failures))
        for f in failures:
            print('FAIL ' + f)
        return 1
    print('tshark: OK')
    return 0


def tshark_version():
    res = subprocess.run(['tshark', '--version'], capture_output=True, text=True)
    first = res.stdout.splitlines()[0] if res.stdout else '?'
    return first.split('(')[0].replace('TShark', '').strip() + ' ' + (
        first.split()[2] if len(first.split()) > 2 else '')


if __name__ == '__main__':
    sys.exit(main())
