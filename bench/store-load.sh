#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The CSV table at the size of an ISP: generates a realistic assignments
# file (bench/csv-gen: ROWS rows, mostly remote-id-str / remote-id of 20-40
# octets, some duid, interface-id, subscriber-id, linklayer-id, each with an
# address and a /56), then prints
#   - the store alone (bench/store-load): open time, lookups/s, peak memory;
#   - ipv6-dhcpd itself, in a network namespace this script creates (and
#     removes): time from start to the table loaded (its log line), to
#     "started", and to the first answer carrying the probe row's prefix;
#     time of a reload (SIGHUP to the swap logged); the engine's VmHWM after
#     the start and after the reloads (during a reload the old and the new
#     table are both alive); the CPU time the engine spent on each (it does
#     not depend on what else the machine runs, as the wall clock does).
# Log lines are timestamped as they are written (a pipe to a small stamper),
# not when a polling loop sees them.
# Best and median of RUNS. The goals are printed beside the figures; a
# missed goal is not an error (timings on a shared machine are noisy).
#
#   bench/store-load.sh [BUILD-DIR] [ROWS]      (as root; env RUNS, default 3)
#   env NICE=-10: run the server and store-load at that nice value, so that on
#   a busy machine the figures say more about the code than about the others
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${2:-1000000}
RUNS=${RUNS:-3}
PRIO=""
[ -n "${NICE:-}" ] && PRIO="nice -n $NICE"
NS="dkstore$$"
T=$(mktemp -d)
chmod 755 "$T"
SRV=""
PROBE=""
cleanup() {
    [ -z "$SRV" ] && [ -s "$T/pid" ] && SRV=$(cat "$T/pid")
    [ -n "$PROBE" ] && kill "$PROBE" 2>/dev/null
    [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && sleep 0.3
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

ninja -C "$BUILD" bench/csv-gen bench/store-load src/server/ipv6-dhcpd >/dev/null
now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }
# best and median of the numbers on standard input
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "best %s, median %s", v[1], v[int((NR + 1) / 2)] }'; }

printf 'generating %s rows... ' "$ROWS"
"$BUILD/bench/csv-gen" "$ROWS" >"$T/assign.csv"
# The probe: the row the answering check asks for (Interface-ID of the relay).
printf 'interface-id-str:bench-probe,2001:db8:2::1,2001:db8:7fff:ff00::/56,probe\n' >>"$T/assign.csv"
chmod 644 "$T/assign.csv"
echo "$(wc -c <"$T/assign.csv") octets"

echo
echo "== the store alone (bench/store-load, $RUNS opens)"
$PRIO "$BUILD/bench/store-load" "$T/assign.csv" "$RUNS"

echo
echo "== ipv6-dhcpd (engine: 2 workers, as nobody)"
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" addr add 2001:db8::1/128 dev lo nodad
ip -n "$NS" addr add 2001:db8::2/128 dev lo nodad
cat >"$T/srv.conf" <<EOF
user nobody
group $(id -gn nobody)
server-duid-file $T/duid
workers 2
<listen-unicast 2001:db8::1/>
<static-csv $T/assign.csv/>
EOF

# Prefixes each line of standard input with the wall clock (ns).
cat >"$T/stamp.py" <<'EOF'
import sys, time
for line in sys.stdin:
    sys.stdout.write("%d %s" % (time.time_ns(), line))
    sys.stdout.flush()
EOF
# The stamp of the Nth line matching a pattern (waits for it, 60 s at most).
stamp() { # PATTERN [N]
    for _ in $(seq 6000); do
        v=$(grep -- "$1" "$T/srv.log" | sed -n "${2:-1}p" | cut -d' ' -f1)
        [ -n "$v" ] && { echo "$v"; return 0; }
        grep -q "has errors" "$T/srv.log" && break
        sleep 0.01
    done
    cat "$T/srv.log" >&2
    return 1
}
# CPU time (ms) of a process so far: user + system, all threads.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"; }

# Asks as a relay (Interface-ID bench-probe) every 10 ms until the answer
# carries the probe's prefix; prints the wall clock of that answer (ns).
cat >"$T/probe.py" <<'EOF'
import os, random, socket, sys, time
sys.path.insert(0, sys.argv[1])
import dhcp6
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("2001:db8::2", 547))
s.settimeout(0.01)
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    xid = random.randrange(1 << 24)
    msg = dhcp6.client_msg(1, xid, dhcp6.duid_ll(random.randbytes(6)), ia_pd=True)
    msg = dhcp6.relay_forw(msg, "2001:db8:2::1", "fe80::1234", interface_id=b"bench-probe")
    try:
        s.sendto(msg, ("2001:db8::1", 547))
        data, _ = s.recvfrom(65535)
        if "2001:db8:7fff:ff00::/56" in dhcp6.walk(data).get("prefixes", []):
            print(time.time_ns())
            sys.exit(0)
    except OSError:
        pass
sys.exit(1)
EOF

: >"$T/load" && : >"$T/started" && : >"$T/answer" && : >"$T/reload" && : >"$T/hwm" && : >"$T/hwm2"
: >"$T/cpu" && : >"$T/rcpu"
for run in $(seq "$RUNS"); do
    rm -f "$T/pid"
    ip netns exec "$NS" /usr/bin/python3 "$T/probe.py" "$PWD/tests/integration" >"$T/answered" &
    PROBE=$!
    t0=$(now)
    { ip netns exec "$NS" $PRIO "$BUILD/src/server/ipv6-dhcpd" -v -p "$T/pid" -c "$T/sock" \
        "$T/srv.conf" 2>&1 | /usr/bin/python3 -u "$T/stamp.py" >"$T/srv.log"; } &
    tl=$(stamp "assignments loaded") || exit 1
    ts=$(stamp "ipv6-dhcpd .* started") || exit 1
    wait "$PROBE" || { echo "no answer from the server"; cat "$T/srv.log"; exit 1; }
    ta=$(cat "$T/answered")
    SRV=$(cat "$T/pid")
    ms "$t0" "$tl" >>"$T/load"
    ms "$t0" "$ts" >>"$T/started"
    ms "$t0" "$ta" >>"$T/answer"
    engine=$(pgrep -P "$SRV" | head -n 1)
    awk '/^VmHWM/ { print int($2 / 1024) }' "/proc/$engine/status" >>"$T/hwm"
    cpu_ms "$engine" >>"$T/cpu"
    # Reloads: the same export again (a new table is built beside the old).
    for n in $(seq "$RUNS"); do
        c0=$(cpu_ms "$engine")
        th=$(now)
        kill -HUP "$SRV"
        tr=$(stamp "reload: reloaded" "$n") || exit 1
        ms "$th" "$tr" >>"$T/reload"
        echo $(($(cpu_ms "$engine") - c0)) >>"$T/rcpu"
    done
    awk '/^VmHWM/ { print int($2 / 1024) }' "/proc/$engine/status" >>"$T/hwm2"
    kill "$SRV"
    for _ in $(seq 100); do kill -0 "$SRV" 2>/dev/null || break; sleep 0.05; done
    SRV=""
done

printf '%-46s %-28s %s\n' figure "measured (ms / MiB)" goal
printf '%-46s %-28s %s\n' "start to table loaded (log line)" "$(stats <"$T/load")" ""
printf '%-46s %-28s %s\n' "start to started (log line)" "$(stats <"$T/started")" ""
printf '%-46s %-28s %s\n' "start to serving (probe row answered)" "$(stats <"$T/answer")" "< 1000 ms"
printf '%-46s %-28s %s\n' "reload: SIGHUP to swap logged" "$(stats <"$T/reload")" "< 1000 ms"
printf '%-46s %-28s %s\n' "engine CPU time, start to serving" "$(stats <"$T/cpu")" ""
printf '%-46s %-28s %s\n' "engine CPU time of a reload" "$(stats <"$T/rcpu")" ""
printf '%-46s %-28s %s\n' "engine VmHWM after start" "$(stats <"$T/hwm")" "< 150 MiB"
printf '%-46s %-28s %s\n' "engine VmHWM after $RUNS reloads (2 tables)" "$(stats <"$T/hwm2")" "< 150 MiB"
echo "($ROWS rows, $RUNS runs, nice ${NICE:-0}; $(nproc) CPUs shared with whatever else runs: load $(cut -d' ' -f1-3 /proc/loadavg))"
