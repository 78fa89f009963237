# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers shared by the vector tests: finding and loading the vectors, and
running tests/vectors/vector-probe over a batch of inputs.

Python standard library only (run with Debian's /usr/bin/python3)."""

import json
import os
import subprocess
import sys

VECTOR_FILES = ('dhcpkit_tests.jsonl', 'dhcpkit_pcaps.jsonl')


def vectors_dir(default):
    """$DHCPKIT_VECTORS, else the default meson passes (../shared/vectors)."""
    d = os.environ.get('DHCPKIT_VECTORS') or default
    if not d or not os.path.isfile(os.path.join(d, VECTOR_FILES[0])):
        sys.exit('vectors not found in %r: set DHCPKIT_VECTORS to the folder holding %s'
                 % (d, ', '.join(VECTOR_FILES)))
    return d


def load_records(vdir):
    """All records of both files, in file order, as dicts (with 'file')."""
    out = []
    for name in VECTOR_FILES:
        with open(os.path.join(vdir, name), encoding='utf-8') as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                rec = json.loads(line)
                rec['file'] = name
                out.append(rec)
    ids = [r['id'] for r in out]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        sys.exit('duplicate record ids in the vectors: %s' % sorted(dup))
    return out


def run_probe(probe, lines):
    """Feeds "KIND HEX" lines to vector-probe; returns one dict per line."""
    if not lines:
        return []
    for ln in lines:
        if '\n' in ln:
            raise ValueError('probe input line with a newline: %r' % ln)
    res = subprocess.run([probe], input=''.join(ln + '\n' for ln in lines),
                         capture_output=True, text=True, timeout=120)
    if res.returncode != 0:
        sys.exit('vector-probe failed (exit %d): %s' % (res.returncode, res.stderr))
    out = [json.loads(x) for x in res.stdout.splitlines()]
    if len(out) != len(lines):
        sys.exit('vector-probe answered %d lines for %d inputs' % (len(out), len(lines)))
    return out


def walk_options_depth_first(msg_json):
    """DHCPv6 option codes of a decoded message at every depth, in wire order,
    depth first, and the message types outer to inner (through option 9 and
    option 47). NTP (56) and vendor (17) sub-options are not DHCPv6 options
    and are not listed."""
    codes, types, xids = [], [], []

    def msg(m):
        types.append(m['msg_type'])
        if 'transaction_id' in m:
            xids.append(int(m['transaction_id'], 16))
        for o in m.get('options', []):
            opt(o)

    def opt(o):
        codes.append(o['code'])
        if isinstance(o.get('options'), list):
            for c in o['options']:
                opt(c)
        if isinstance(o.get('message'), dict):
            msg(o['message'])

    msg(msg_json)
    return types, xids, codes
