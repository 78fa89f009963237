#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpora of the fuzz targets from the test vectors.

Usage: seed-corpus.py [--out CORPUS_ROOT] [VECTORS_DIR]
  VECTORS_DIR defaults to tests/vectors if it holds the .jsonl files, else
  ../shared/vectors next to the repository; CORPUS_ROOT to tests/fuzz/corpus.

One file per hex record, named by the SHA-1 of its content as libFuzzer
names corpus files, so rerunning is idempotent and duplicates collapse:
  corpus/fuzz_decode/, corpus/fuzz_roundtrip/  whole messages
  corpus/fuzz_options/                          runs of options and fragments
                                                (option bodies, DUIDs, names),
                                                after one space-selector octet
  corpus/fuzz_engine/                           whole messages after a selector
                                                octet: direct (multicast and
                                                unicast) and relayed
  corpus/fuzz_csv/                              the CSVs of examples/, after a
                                                max-bad-rows octet
  corpus/fuzz_control/                          control command lines, after a
                                                read-size octet
"""
import argparse
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SPACE_DHCPV6, SPACE_NTP = 0, 2


# Hand-written CSVs: every id form, quoting, BOM + CRLF, TAB and ';'
# delimiters, bad rows (first octet: max-bad-rows, see fuzz_csv.c).
CSV_SEEDS = [
    b'\x00id,address,prefix\nduid:000300010200000000aa,2001:db8::1,2001:db8:100::/56\n'
    b'interface-id:65:74:68:30,2001:db8::2,\ninterface-id-str:Fa1/9/35,,2001:db8:200::/56\n'
    b'remote-id:40208:437573746f6d657231,2001:db8::3,\nremote-id-str:3561:CUST1,,2001:db8:300::/56\n'
    b'subscriber-id:73756231,2001:db8::4,\nsubscriber-id-str:sub 2,2001:db8::5,\n'
    b'linklayer-id:1:020000000001,2001:db8::6,\nlinklayer-id-str:1:abcdef,2001:db8::7,\n',
    b'\x00\xef\xbb\xbfid;prefix;address;comment\r\n"duid:0003000102000000""00bb";;2001:db8::9;"a,b\r\nc"\r\n',
    b'\x00id\taddress\tprefix\nduid:00030001020000000001\t2001:db8::a\t\n',
    b'\x03id,address,prefix\nduid:zz,2001:db8::b,\nduid:00030001020000000002,not-an-address,\n'
    b'duid:00030001020000000003,2001:db8::b,\nduid:00030001020000000003,2001:db8::c,\n'
    b'duid:00030001020000000004,,2001:db8::/129\nfoo:1,2001:db8::d,\n',
    b'\x80address,prefix\n2001:db8::1,2001:db8::/48\n',
]

# Control lines (first octet: the read size - 1, see fuzz_control.c).
CONTROL_SEEDS = [
    b'\x3fhelp\nstats\nstats-json\nversion\nquit\n',
    b'\x00 ReLoAd \r\n\n\nshutdown\n',
    b'\x07' + b'x' * 300 + b'\nstats\n',
    b'\x3f' + b' ' * 255 + b'stats\n' + b'y' * 256,
]


def vectors_dir(arg):
    if arg:
        return arg
    local = os.path.join(HERE, '..', 'vectors')
    if any(f.endswith('.jsonl') for f in os.listdir(local)):
        return local
    return os.path.join(HERE, '..', '..', '..', 'shared', 'vectors')


def write(root, target, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, hashlib.sha1(data).hexdigest())
    if os.path.exists(path):
        return 0
    with open(path, 'wb') as f:
        f.write(data)
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default=os.path.join(HERE, 'corpus'))
    ap.add_argument('vectors', nargs='?')
    args = ap.parse_args()
    src = vectors_dir(args.vectors)
    counts = {}
    for name in sorted(os.listdir(src)):
        if not name.endswith('.jsonl'):
            continue
        with open(os.path.join(src, name)) as f:
            for line in f:
                rec = json.loads(line)
                data = bytes.fromhex(rec['hex'])
                kind = rec.get('tlv', {}).get('kind', '')
                if kind.startswith('message'):
                    targets = [('fuzz_decode', data), ('fuzz_roundtrip', data)]
                    # fuzz_engine: how it arrives (see fuzz_engine.c)
                    sels = (2, 3) if data[:1] == b'\x0c' else (0, 1)
                    targets += [('fuzz_engine', bytes([s]) + data) for s in sels]
                else:
                    ntp = 'ntp' in rec['id'].lower() and kind == 'fragment'
                    space = SPACE_NTP if ntp else SPACE_DHCPV6
                    targets = [('fuzz_options', bytes([space]) + data)]
                for target, blob in targets:
                    counts[target] = counts.get(target, 0) + write(args.out, target, blob)
    examples = os.path.join(HERE, '..', '..', 'examples')
    for name in sorted(os.listdir(examples)):
        if name.endswith('.csv'):
            with open(os.path.join(examples, name), 'rb') as f:
                text = f.read()
            for budget in (0, 0x80):
                counts['fuzz_csv'] = counts.get('fuzz_csv', 0) + \
                    write(args.out, 'fuzz_csv', bytes([budget]) + text)
    for blob in CSV_SEEDS:
        counts['fuzz_csv'] = counts.get('fuzz_csv', 0) + write(args.out, 'fuzz_csv', blob)
    for blob in CONTROL_SEEDS:
        counts['fuzz_control'] = counts.get('fuzz_control', 0) + \
            write(args.out, 'fuzz_control', blob)
    for target in sorted(counts):
        print(f'{target}: {counts[target]} new seed files')


if __name__ == '__main__':
    main()
