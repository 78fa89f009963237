#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What recording leases costs: SARR exchanges answered per second, relayed
# with a Remote-ID per client, every client getting its static address and
# /56 from a CSV, without recording, with <leasequery> (every lease handed
# out queued to its SQLite store), with <looking-glass>, and with both; and
# how many leases the store holds afterwards.
#
#   bench/leasequery.sh [BUILD-DIR]     (as root)
#   env: CLIENTS (20000), RUNS (3), WORKERS (2), WINDOW (512)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
CLIENTS=${CLIENTS:-20000}
RUNS=${RUNS:-3}
WORKERS=${WORKERS:-2}
WINDOW=${WINDOW:-512}

ninja -C "$BUILD" tools/ipv6-dhcp-bench src/server/ipv6-dhcpd >/dev/null
B="$BUILD/tools/ipv6-dhcp-bench"
. bench/loopback-ns.sh
CLI="--relay 2001:db8::2 --server 2001:db8::1 --na-base 2001:db8:1:: --pd-base 2001:db8:8000::/33"
# shellcheck disable=SC2086 # CLI is a list of options
"$B" -c "$CLIENTS" $CLI --write-csv "$T/assign.csv"
chmod 644 "$T/assign.csv"

printf '%-22s %-12s %-8s %s\n' recording exchanges/s lost leases-stored
for mode in none leasequery looking-glass both; do
    rm -f "$T"/lq.db* "$T"/lg.db*
    {
        printf 'user nobody\ngroup %s\nserver-duid-file %s/duid\nworkers %s\n' \
            "$(id -gn nobody)" "$T" "$WORKERS"
        printf '<listen-unicast 2001:db8::1/>\n<static-csv %s/assign.csv/>\n' "$T"
        case $mode in leasequery | both)
            printf '<leasequery>\n    allow-from 2001:db8::/64\n    <lq-sqlite %s/lq.db/>\n</leasequery>\n' "$T"
            ;;
        esac
        case $mode in looking-glass | both)
            printf '<looking-glass %s/lg.db/>\n' "$T"
            ;;
        esac
    } >"$T/srv.conf"
    ip netns exec "$NS" "$BUILD/src/server/ipv6-dhcpd" -p "$T/pid" -c "$T/sock" "$T/srv.conf" 2>"$T/srv.log" &
    SRV=$!
    for _ in $(seq 100); do grep -q started "$T/srv.log" 2>/dev/null && break; sleep 0.1; done
    : >"$T/runs"
    lost=0
    for _ in $(seq "$RUNS"); do
        # shellcheck disable=SC2086
        out=$(ip netns exec "$NS" "$B" -q -c "$CLIENTS" $CLI -w "$WINDOW" sarr)
        echo "$out" | sed 's/.*"done_per_s":\([0-9]*\).*/\1/' >>"$T/runs"
        l=$(echo "$out" | sed 's/.*"lost":\([0-9]*\).*/\1/')
        lost=$((lost + l))
    done
    med=$(sort -n "$T/runs" | sed -n "$(((RUNS + 1) / 2))p")
    kill "$SRV"
    wait "$SRV" 2>/dev/null || true
    SRV=""
    stored=-
    [ -f "$T/lq.db" ] && stored=$(sqlite3 -readonly "$T/lq.db" "SELECT count(*) FROM lease" 2>/dev/null || echo ?)
    printf '%-22s %-12s %-8s %s\n' "$mode" "$med" "$lost" "$stored"
done
