#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Wireshark's view of the MAP-E and MAP-T replies (RFC 7598) of our handlers.

s46-reply runs the server's pipeline on a config and prints its reply to a
client whose Option Request option asks for the S46 containers. The replies
are written into one pcap (text2pcap, 547 -> 546) and dissected by tshark:
every S46 field (F flag, EA-bits length, IPv4 and IPv6 prefixes and their
lengths, port parameters, BR addresses, DMR prefix) must have the value
worked out by hand from the config (RFC 7597 §5.1-§5.2), the option codes
must come in the expected order, and there must be no malformed packet and
no expert information at all (tshark -V is checked for the same). A damaged
copy of the first reply must be flagged, to show the check can fail.

Usage: test_s46_tshark.py S46_REPLY
"""

import os
import shutil
import subprocess
import sys
import tempfile

MAP_E = """
<map-e>
    <map-rule>
        ipv6-prefix 2001:db8:f000::/36
        ipv4-prefix 192.0.2.0/24
        contiguous-ports 64
        sharing-ratio 16
        forwarding-mapping yes
    </map-rule>
    <map-rule>
        ipv6-prefix 2001:db8:9500::/40
        ipv4-prefix 198.51.100.0/24
        contiguous-ports 4
        sharing-ratio 256
    </map-rule>
    br-address 2001:db8::1
    br-address 2001:db8::2
</map-e>
"""

MAP_T = """
<map-t>
    <map-rule>
        ipv6-prefix 2001:db8:f000::/36
        ipv4-prefix 192.0.2.0/24
        contiguous-ports 64
        sharing-ratio 16
        forwarding-mapping yes
    </map-rule>
    <map-rule>
        ipv6-prefix 2001:db8:4000::/34
        ipv4-prefix 192.0.2.128/25
        contiguous-ports 8
        sharing-ratio 1
    </map-rule>
    <map-rule>
        ipv6-prefix 2001:db8:ffff::/48
        ipv4-prefix 203.0.113.7/32
        contiguous-ports 1
        sharing-ratio 65536
    </map-rule>
    dmr-prefix 64:ff9b::/96
</map-t>
"""

BOTH_INI = """
[option MapE]
map-rule-1 = ipv6-prefix 2001:db8:ab00::/40 ipv4-prefix 203.0.113.0/26
             contiguous-ports 2048 sharing-ratio 2 forwarding-mapping yes
br-address-1 = 2001:db8::42

[option MapT]
map-rule-1 = ipv6-prefix=2001:db8:9500::/40, ipv4-prefix=198.51.100.0/24,
             contiguous-ports=4, sharing-ratio=256
default-mapping = 2001:db8:0:1::/64
"""

FIELDS = [
    'dhcpv6.msgtype', 'dhcpv6.option.type',
    'dhcpv6.s46_rule.flags.fmr', 'dhcpv6.s46_rule.ea_len',
    'dhcpv6.s46_rule.ipv4_pref_len', 'dhcpv6.s46_rule.ipv4_prefix',
    'dhcpv6.s46_rule.ipv6_prefix_len', 'dhcpv6.s46_rule.ipv6_prefix',
    'dhcpv6.s46_portparam.offset', 'dhcpv6.s46_portparam.psid_len', 'dhcpv6.s46_portparam.psid',
    'dhcpv6.s46_br.address', 'dhcpv6.s46_dmr.dmr_pref_len', 'dhcpv6.s46_dmr.dmr_prefix',
    '_ws.malformed', '_ws.expert.severity', '_ws.expert.message',
]

# (name, config, file name, message type, ORO codes, the fields expected)
CASES = [
    ('MAP-E in an Advertise', MAP_E, 'map-e.conf', 1, [94], {
        'dhcpv6.msgtype': '2',
        'dhcpv6.option.type': '1,2,94,89,93,89,93,90,90',
        # k = 4, m = 6: EA = (32-24)+4, a = 6; k = 8, m = 2: EA = 8+8, a = 6
        'dhcpv6.s46_rule.flags.fmr': '1,0',
        'dhcpv6.s46_rule.ea_len': '12,16',
        'dhcpv6.s46_rule.ipv4_pref_len': '24,24',
        'dhcpv6.s46_rule.ipv4_prefix': '192.0.2.0,198.51.100.0',
        'dhcpv6.s46_rule.ipv6_prefix_len': '36,40',
        'dhcpv6.s46_rule.ipv6_prefix': '2001:db8:f000::,2001:db8:9500::',
        'dhcpv6.s46_portparam.offset': '6,6',
        'dhcpv6.s46_portparam.psid_len': '0,0',
        'dhcpv6.s46_portparam.psid': '0,0',
        'dhcpv6.s46_br.address': '2001:db8::1,2001:db8::2',
        'dhcpv6.s46_dmr.dmr_pref_len': '',
        'dhcpv6.s46_dmr.dmr_prefix': '',
    }),
    ('MAP-T in a Reply to Information-request', MAP_T, 'map-t.conf', 11, [95], {
        'dhcpv6.msgtype': '7',
        # the rule without sharing has no port parameters
        'dhcpv6.option.type': '1,2,95,89,93,89,89,93,91',
        'dhcpv6.s46_rule.flags.fmr': '1,0,0',
        'dhcpv6.s46_rule.ea_len': '12,7,16',
        'dhcpv6.s46_rule.ipv4_pref_len': '24,25,32',
        'dhcpv6.s46_rule.ipv4_prefix': '192.0.2.0,192.0.2.128,203.0.113.7',
        'dhcpv6.s46_rule.ipv6_prefix_len': '36,34,48',
        'dhcpv6.s46_rule.ipv6_prefix': '2001:db8:f000::,2001:db8:4000::,2001:db8:ffff::',
        # k = 16, m = 0: a = 0
        'dhcpv6.s46_portparam.offset': '6,0',
        'dhcpv6.s46_portparam.psid_len': '0,0',
        'dhcpv6.s46_portparam.psid': '0,0',
        'dhcpv6.s46_br.address': '',
        'dhcpv6.s46_dmr.dmr_pref_len': '96',
        'dhcpv6.s46_dmr.dmr_prefix': '64:ff9b::',
    }),
    ('both containers from the INI syntax', BOTH_INI, 'both.ini', 1, [23, 95, 94], {
        'dhcpv6.msgtype': '2',
        'dhcpv6.option.type': '1,2,94,89,93,90,95,89,93,91',
        # k = 1, m = 11: EA = 6+1, a = 4
        'dhcpv6.s46_rule.flags.fmr': '1,0',
        'dhcpv6.s46_rule.ea_len': '7,16',
        'dhcpv6.s46_rule.ipv4_pref_len': '26,24',
        'dhcpv6.s46_rule.ipv4_prefix': '203.0.113.0,198.51.100.0',
        'dhcpv6.s46_rule.ipv6_prefix_len': '40,40',
        'dhcpv6.s46_rule.ipv6_prefix': '2001:db8:ab00::,2001:db8:9500::',
        'dhcpv6.s46_portparam.offset': '4,6',
        'dhcpv6.s46_portparam.psid_len': '0,0',
        'dhcpv6.s46_portparam.psid': '0,0',
        'dhcpv6.s46_br.address': '2001:db8::42',
        'dhcpv6.s46_dmr.dmr_pref_len': '64',
        'dhcpv6.s46_dmr.dmr_prefix': '2001:db8:0:1::',
    }),
]

# -V lines that must be there (a sample of the tree), per case.
TREE = [
    ['S46 MAP-E Container', 'Forwarding Mapping Rule: True', 'EA-bit length: 12',
     'IPv4 prefix: 192.0.2.0', 'IPv6 prefix: 2001:db8:f000::', 'Offset: 6', 'PSID length: 0',
     'BR address: 2001:db8::2'],
    ['S46 MAP-T Container', 'S46 DMR', 'IPv6 prefix length: 96', 'IPv6 prefix: 64:ff9b::',
     'IPv4 prefix: 203.0.113.7', 'Offset: 0'],
    ['S46 MAP-E Container', 'S46 MAP-T Container', 'BR address: 2001:db8::42',
     'IPv6 prefix: 2001:db8:0:1::'],
]


def reply(tool, tmp, text, name, mtype, codes):
    path = os.path.join(tmp, name)
    with open(path, 'w') as f:
        f.write(text)
    res = subprocess.run([tool, path, str(mtype)] + [str(c) for c in codes],
                         capture_output=True, text=True, timeout=60)
    if res.returncode != 0:
        sys.exit('s46-reply %s failed (exit %d): %s' % (name, res.returncode, res.stderr))
    return bytes.fromhex(res.stdout.strip())


def pcap_of(payloads, tmp):
    txt, pcap = os.path.join(tmp, 'replies.txt'), os.path.join(tmp, 'replies.pcap')
    with open(txt, 'w') as f:
        for b in payloads:
            for off in range(0, len(b), 16):
                f.write('%06x %s\n' % (off, ' '.join('%02x' % x for x in b[off:off + 16])))
            f.write('\n')
    subprocess.run(['text2pcap', '-q', '-6', '2001:db8::2,2001:db8::1', '-u', '547,546',
                    txt, pcap], check=True, capture_output=True, timeout=60)
    return pcap


def tshark_fields(pcap, count):
    cmd = ['tshark', '-n', '-r', pcap, '-T', 'fields', '-E', 'occurrence=a',
           '-E', 'aggregator=,', '-E', 'separator=/t', '-E', 'quote=n']
    for fld in FIELDS:
        cmd += ['-e', fld]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if res.returncode != 0:
        sys.exit('tshark failed (exit %d): %s' % (res.returncode, res.stderr))
    rows = [ln.split('\t') for ln in res.stdout.splitlines()]
    if len(rows) != count:
        sys.exit('tshark dissected %d frames, the pcap has %d' % (len(rows), count))
    return [dict(zip(FIELDS, row + [''] * (len(FIELDS) - len(row)))) for row in rows]


def tshark_tree(pcap):
    res = subprocess.run(['tshark', '-n', '-V', '-r', pcap], capture_output=True, text=True,
                         timeout=120)
    if res.returncode != 0:
        sys.exit('tshark -V failed (exit %d): %s' % (res.returncode, res.stderr))
    frames = res.stdout.split('\nFrame ')
    return [f for f in frames if f.strip()]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for tool in ('text2pcap', 'tshark'):
        if not shutil.which(tool):
            sys.exit('%s not found: install the Debian package tshark' % tool)
    failures = []
    with tempfile.TemporaryDirectory(prefix='dhcpkit-s46-') as tmp:
        payloads = [reply(sys.argv[1], tmp, text, name, mtype, codes)
                    for _, text, name, mtype, codes, _ in CASES]
        # The control: the first reply with its first S46_PORTPARAMS one
        # octet short (RFC 7598 §4.5: exactly 4), which tshark must flag.
        bad = bytearray(payloads[0])
        at = bad.find(bytes.fromhex('005d0004'))
        if at < 0:
            sys.exit('no S46_PORTPARAMS in the MAP-E reply: %s' % payloads[0].hex())
        bad[at + 3] = 3
        pcap = pcap_of(payloads + [bytes(bad)], tmp)
        rows = tshark_fields(pcap, len(payloads) + 1)
        tree = tshark_tree(pcap)

    if len(tree) != len(payloads) + 1:
        sys.exit('tshark -V printed %d frames, the pcap has %d' % (len(tree), len(payloads) + 1))
    for n, (case, row, text, want_lines) in enumerate(zip(CASES, rows, tree, TREE)):
        name, expect = case[0], case[5]
        for fld, want in expect.items():
            if row[fld] != want:
                failures.append('%s: %s is %r, expected %r' % (name, fld, row[fld], want))
        if row['_ws.malformed'] or row['_ws.expert.severity'] or row['_ws.expert.message']:
            failures.append('%s: tshark reports %s %s %s' % (name, row['_ws.malformed'],
                            row['_ws.expert.severity'], row['_ws.expert.message']))
        for word in ('Malformed', 'Expert Info', 'Unknown', 'Bogus'):
            if word in text:
                failures.append('%s: tshark -V says %r' % (name, word))
        for line in want_lines:
            if line not in text:
                failures.append('%s: tshark -V lacks %r' % (name, line))
        print('%-45s %d octets: %s' % (name, len(payloads[n]), 'checked'))
    ctl = rows[-1]
    if not ctl['_ws.malformed'] or 'S46_PORTPARAMS' not in ctl['_ws.expert.message']:
        failures.append('the damaged copy was not flagged by tshark: %r' % ctl)
    else:
        print('control: the damaged copy is flagged: %s' % ctl['_ws.expert.message'])
    if failures:
        for f in failures:
            print('FAIL ' + f)
        return 1
    print('s46 tshark: OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())
