#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a generated table in README.md differs from what the code says.

Usage: check-readme.py README NAME PROGRAM
The table sits between the markers <!-- NAME --> and <!-- /NAME -->, and
PROGRAM prints it (e.g. build/tests/docs/option-table): paste its output.
"""
import difflib
import subprocess
import sys

readme, name, program = sys.argv[1:4]
text = open(readme, encoding="utf-8").read()
begin, end = f"<!-- {name} -->\n", f"<!-- /{name} -->"
if begin not in text or end not in text:
    sys.exit(f"README.md has no {name} markers")
current = text.split(begin, 1)[1].split(end, 1)[0].strip()
expected = subprocess.run([program], check=True, capture_output=True, text=True).stdout.strip()
if current != expected:
    sys.stdout.writelines(difflib.unified_diff(
        (current + "\n").splitlines(True), (expected + "\n").splitlines(True),
        "README.md", program))
    sys.exit(f"README.md's {name} is out of date: paste the output of {program}")
print(f"README {name} matches the code ({expected.count(chr(10)) - 1} rows)")
