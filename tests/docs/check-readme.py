#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when README.md's option table differs from the option definitions.

Usage: check-readme.py README OPTION-TABLE-PROGRAM
The table sits between the markers <!-- option-table --> and <!-- /option-table -->.
Regenerate it with: build/tests/docs/option-table
"""
import subprocess
import sys

readme, program = sys.argv[1], sys.argv[2]
text = open(readme, encoding="utf-8").read()
begin, end = "<!-- option-table -->\n", "<!-- /option-table -->"
if begin not in text or end not in text:
    sys.exit("README.md has no option-table markers")
current = text.split(begin, 1)[1].split(end, 1)[0].strip()
expected = subprocess.run([program], check=True, capture_output=True, text=True).stdout.strip()
if current != expected:
    import difflib
    sys.stdout.writelines(difflib.unified_diff(
        (current + "\n").splitlines(True), (expected + "\n").splitlines(True),
        "README.md", "option definitions"))
    sys.exit("README.md's option table is out of date: paste the output of option-table")
print(f"README option table matches {expected.count(chr(10)) - 1} definitions")
