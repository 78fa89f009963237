#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What the looking-glass handler costs: Solicits answered per second from ONE
# relay over a namespace's loopback (bench/relay-flood), without and with
# <looking-glass>, and how many records the capture wrote and dropped.
#
#   bench/looking-glass.sh [BUILD-DIR]     (as root)
#   env: COUNT (Solicits per run, 200000), RUNS (3), WORKERS (2), QUEUE (65536)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
COUNT=${COUNT:-200000}
RUNS=${RUNS:-3}
WORKERS=${WORKERS:-2}
QUEUE=${QUEUE:-65536}

ninja -C "$BUILD" bench/relay-flood src/server/ipv6-dhcpd >/dev/null
. bench/loopback-ns.sh

printf '%-16s %-12s %-8s %-10s %s\n' capture answers/s lost written dropped
base=""
for mode in off on; do
    rm -f "$T"/lg.db*
    {
        printf 'user nobody\ngroup %s\nserver-duid-file %s/duid\nworkers %s\n' \
            "$(id -gn nobody)" "$T" "$WORKERS"
        printf '<listen-unicast 2001:db8::1/>\n<recursive-name-servers>\n    address 2001:db8::53\n</recursive-name-servers>\n'
        [ "$mode" = on ] && printf '<looking-glass %s/lg.db>\n    queue %s\n</looking-glass>\n' "$T" "$QUEUE"
    } >"$T/srv.conf"
    ip netns exec "$NS" "$BUILD/src/server/ipv6-dhcpd" -p "$T/pid" -c "$T/sock" "$T/srv.conf" 2>"$T/srv.log" &
    SRV=$!
    for _ in $(seq 50); do grep -q started "$T/srv.log" 2>/dev/null && break; sleep 0.1; done
    : >"$T/runs"
    lost=0
    for _ in $(seq "$RUNS"); do
        out=$(ip netns exec "$NS" "$BUILD/bench/relay-flood" 2001:db8::1 2001:db8::2 "$COUNT")
        echo "$out" | sed 's/.*"answers_per_second": \([0-9]*\).*/\1/' >>"$T/runs"
        l=$(echo "$out" | sed 's/.*"lost": \([0-9]*\).*/\1/')
        lost=$((lost + l))
    done
    med=$(sort -n "$T/runs" | sed -n "$(((RUNS + 1) / 2))p")
    [ -z "$base" ] && base=$med
    kill "$SRV"
    wait "$SRV" 2>/dev/null || true
    SRV=""
    written=- dropped=-
    if [ "$mode" = on ]; then
        written=$(sqlite3 -readonly "$T/lg.db" "SELECT value FROM meta WHERE key = 'written'")
        dropped=$(sqlite3 -readonly "$T/lg.db" "SELECT value FROM meta WHERE key = 'dropped'")
    fi
    printf '%-16s %-12s %-8s %-10s %s\n' "$mode" "$med" "$lost" "$written" "$dropped"
done
