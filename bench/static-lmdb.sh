#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Static assignments at scale: ipv6-dhcp-build-lmdb on a CSV of ROWS rows
# (a fresh build, then a rebuild from a newer export with every 100th
# prefix changed), the file's size, and how long each store takes to open
# and how many lookups per second it answers (bench/store-lookup.c).
#
#   bench/static-lmdb.sh [BUILD-DIR]
#   env: ROWS (1000000), LOOKUPS (2000000), THREADS (1 2)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${ROWS:-1000000}
LOOKUPS=${LOOKUPS:-2000000}
THREADS=${THREADS:-1 2}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

ninja -C "$BUILD" tools/ipv6-dhcp-build-lmdb bench/store-lookup >/dev/null
TOOL="$BUILD/tools/ipv6-dhcp-build-lmdb"
LOOKUP="$BUILD/bench/store-lookup"

csv() { # EVERY: every EVERY-th row gets another prefix
    awk -v n="$ROWS" -v every="$1" 'BEGIN {
        print "id,address,prefix"
        for (i = 0; i < n; i++) {
            p = (every > 0 && i % every == 0) ? 0x8000 : 0x4000
            printf "duid:00030001%012x,2001:db8::%x:%x,2001:db8:%x:%x00::/56\n",
                i, int(i / 65536), i % 65536, p + int(i / 256), i % 256
        }
    }' >"$T/assign.csv"
}

echo "rows: $ROWS"
csv 0
touch -d '@1700000000' "$T/assign.csv"
echo "CSV: $(stat -c %s "$T/assign.csv") octets"
/usr/bin/time -f 'build: %e s wall, %M KiB peak RSS' "$TOOL" -v "$T/assign.csv" "$T/assign.lmdb"
echo "LMDB file: $(stat -c %s "$T/assign.lmdb") octets"
csv 100
touch -d '@1700000100' "$T/assign.csv"
/usr/bin/time -f 'rebuild: %e s wall, %M KiB peak RSS' "$TOOL" -v "$T/assign.csv" "$T/assign.lmdb"
for t in $THREADS; do
    "$LOOKUP" lmdb "$T/assign.lmdb" "$ROWS" "$LOOKUPS" "$t"
done
for t in $THREADS; do
    "$LOOKUP" csv "$T/assign.csv" "$ROWS" "$LOOKUPS" "$t"
done
