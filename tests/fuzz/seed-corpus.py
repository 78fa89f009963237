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
"""
import argparse
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SPACE_DHCPV6, SPACE_NTP = 0, 2


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
                else:
                    ntp = 'ntp' in rec['id'].lower() and kind == 'fragment'
                    space = SPACE_NTP if ntp else SPACE_DHCPV6
                    targets = [('fuzz_options', bytes([space]) + data)]
                for target, blob in targets:
                    counts[target] = counts.get(target, 0) + write(args.out, target, blob)
    for target in sorted(counts):
        print(f'{target}: {counts[target]} new seed files')


if __name__ == '__main__':
    main()
