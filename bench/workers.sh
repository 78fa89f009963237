#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Throughput of ipv6-dhcpd by number of workers, with all traffic from ONE
# relay address and port, over the loopback of a network namespace this
# script creates (and removes). Prints a table: workers, Solicits answered
# per second (median of RUNS), lost, and the ratio to one worker.
#
#   bench/workers.sh [BUILD-DIR] [WORKERS...]     (as root)
#   env: COUNT (Solicits per run, 200000), RUNS (3), GEN_CPU / SRV_CPUS
#        (taskset lists to pin the generator and the server, default: none)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
[ $# -gt 0 ] && shift
WORKERS=${*:-1 2}
COUNT=${COUNT:-200000}
RUNS=${RUNS:-3}

ninja -C "$BUILD" bench/relay-flood src/server/ipv6-dhcpd >/dev/null
. bench/loopback-ns.sh

PIN_SRV=""
PIN_GEN=""
[ -n "${SRV_CPUS:-}" ] && PIN_SRV="taskset -c $SRV_CPUS"
[ -n "${GEN_CPU:-}" ] && PIN_GEN="taskset -c $GEN_CPU"

printf '%-8s %-14s %-10s %-6s %s\n' workers answers/s lost ratio "CPU seconds per worker thread"
base=""
for w in $WORKERS; do
    cat >"$T/srv.conf" <<EOF
user nobody
group $(id -gn nobody)
server-duid-file $T/duid
workers $w
<listen-unicast 2001:db8::1/>
<recursive-name-servers>
    address 2001:db8::53
</recursive-name-servers>
EOF
    # shellcheck disable=SC2086
    ip netns exec "$NS" $PIN_SRV "$BUILD/src/server/ipv6-dhcpd" -p "$T/pid" -c "$T/sock" "$T/srv.conf" 2>"$T/srv.log" &
    SRV=$!
    for _ in $(seq 50); do grep -q started "$T/srv.log" 2>/dev/null && break; sleep 0.1; done
    : >"$T/runs"
    lost=0
    for _ in $(seq "$RUNS"); do
        # shellcheck disable=SC2086
        out=$(ip netns exec "$NS" $PIN_GEN "$BUILD/bench/relay-flood" 2001:db8::1 2001:db8::2 "$COUNT")
        echo "$out" | sed 's/.*"answers_per_second": \([0-9]*\).*/\1/' >>"$T/runs"
        l=$(echo "$out" | sed 's/.*"lost": \([0-9]*\).*/\1/')
        lost=$((lost + l))
    done
    med=$(sort -n "$T/runs" | sed -n "$(((RUNS + 1) / 2))p")
    [ -z "$base" ] && base=$med
    # How the work spread over the engine's worker threads (utime + stime;
    # the first task is the engine's main thread).
    engine=$(pgrep -P "$SRV" | head -n 1)
    spread=$(for t in /proc/"$engine"/task/*; do
        [ "$(basename "$t")" = "$engine" ] && continue
        awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f ", ($14 + $15) / hz }' "$t/stat"
    done)
    printf '%-8s %-14s %-10s %-6s %s\n' "$w" "$med" "$lost" \
        "$(awk -v a="$med" -v b="$base" 'BEGIN { printf "%.2f", a / b }')" "$spread"
    kill "$SRV"
    wait "$SRV" 2>/dev/null || true
    SRV=""
done
