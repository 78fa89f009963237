#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ipv6-dhcp-build-sqlite and the SQLite store with a big CSV: the time of a
# first build, of a rebuild touching every row, of a refused rebuild (the 30 %
# guard), then lookups/s through the store (bench/store-sqlite.c) from 1 and
# 2 threads: as root, as nobody with the -wal/-shm files root's (SQLite's
# read-only shared memory), and as nobody with -shm writable by its group.
#
#   bench/build-sqlite.sh [BUILD-DIR]      (as root; env ROWS=1000000, LOOKUPS=200000)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${ROWS:-1000000}
LOOKUPS=${LOOKUPS:-200000}
T=$(mktemp -d)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT INT TERM
ninja -C "$BUILD" tools/ipv6-dhcp-build-sqlite bench/store-sqlite >/dev/null
TOOL=$BUILD/tools/ipv6-dhcp-build-sqlite
LOOK=$(pwd)/$BUILD/bench/store-sqlite
GROUP=$(id -gn nobody)

gen() { # FILE ROWS: every id form in turn, unique addresses and /56s
    /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
forms = ["duid:00030001%012x", "remote-id-str:40208:cust%d", "interface-id-str:port%d",
         "subscriber-id:%08x", "linklayer-id:1:%012x"]
with open(sys.argv[1], "w") as f:
    f.write("id,address,prefix\n")
    for i in range(int(sys.argv[2])):
        f.write("%s,2001:db8:0:%x::%x,2001:db8:%x:%x00::/56\n" % (
            forms[i % 5] % i, i >> 16, i & 0xffff, 0x100 + (i >> 8), i & 0xff))
PY
}
timed() { # LABEL COMMAND...
    label=$1
    shift
    s=$(date +%s.%N)
    set +e
    "$@" >/dev/null 2>"$T/err"
    rc=$?
    set -e
    e=$(date +%s.%N)
    printf '%-44s %6.2f s  (exit %d)\n' "$label" "$(awk "BEGIN { print $e - $s }")" "$rc"
}

gen "$T/a.csv" "$ROWS"
echo "CSV: $ROWS rows, $(du -h "$T/a.csv" | cut -f1)"
timed "first build" "$TOOL" "$T/a.csv" "$T/a.sqlite"
echo "database: $(du -h "$T/a.sqlite" | cut -f1)"
touch "$T/a.csv"
timed "rebuild, every row touched" "$TOOL" "$T/a.csv" "$T/a.sqlite"
timed "the same CSV again (nothing to do)" "$TOOL" "$T/a.csv" "$T/a.sqlite"
gen "$T/b.csv" $((ROWS * 6 / 10))
timed "a CSV with 40 % fewer rows (refused)" "$TOOL" "$T/b.csv" "$T/a.sqlite"

nobody() { setpriv --reuid nobody --regid "$GROUP" --clear-groups "$@"; }
for n in 1 2; do
    printf 'root, %d thread(s):        %s\n' "$n" "$("$LOOK" "$T/a.sqlite" "$n" "$LOOKUPS" | tail -n 1)"
done
for n in 1 2; do
    printf 'nobody, read-only -shm, %d: %s\n' "$n" \
        "$(nobody "$LOOK" "$T/a.sqlite" "$n" "$LOOKUPS" | tail -n 1)"
done
chgrp "$GROUP" "$T/a.sqlite-shm"
chmod 660 "$T/a.sqlite-shm"
for n in 1 2; do
    printf 'nobody, -shm writable, %d:  %s\n' "$n" \
        "$(nobody "$LOOK" "$T/a.sqlite" "$n" "$LOOKUPS" | tail -n 1)"
done
