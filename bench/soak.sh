#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The soak: ipv6-dhcpd under steady load for a long time while its static
# assignments keep changing under it. As root:
#
#   bench/soak.sh [--minutes N | --seconds S] [--rate R] [--short]
#       N: how long the load runs (default 10); R: SARR exchanges started per
#       second, spread over the three backends (default 1500).
#       --short: the CI form (tests/integration/soak-short.sh): memory is
#       judged per reload instead of per 10 minutes (see the table below).
#   BUILD=dir (default build-gcc) unless IPV6_DHCPD & co. are set (meson);
#   OUT=dir for the samples and the bench output (default /tmp/soak-DATE).
#
# In network namespaces of its own (lib.sh: unique names, removed on exit):
# one server with three <subnet>s, served from the same CSV export by
# <static-csv>, <static-sqlite> and <static-lmdb> (the databases built from
# the CSV by ipv6-dhcp-build-sqlite/-lmdb). Three ipv6-dhcp-bench, one per
# subnet (each a relay of its own: link-address in that subnet), run SARR
# then Renew/Release (mix) in chunks until the time is up. Every INTERVAL
# seconds (default 5) the CSV is exported anew (a few rows change address,
# a few extra rows come and go: far below max-removed-percent) and renamed
# over the old one, the server is reloaded, and both build tools rebuild
# their file from it; every other build is SIGKILLed after a random delay
# within the time a build takes, mid-write: the server must keep serving from the last good file.
#
# It prints a table and exits 1 when: the engine restarted or the parent
# died (crashes > 0), a reload was refused, an answer was wrong (no address
# or prefix, an error status), more replies are missing than the kernel
# dropped (the server's SO_RXQ_OVFL count, kernel_drops in stats-json,
# and the receive-buffer errors of the bench's namespace), or memory grew
# beyond the goal (after one minute of warm-up, the least-squares slope of
# VmRSS, parent and engine apart, extrapolated to 10 minutes: < 1 MiB; not
# judged in an AddressSanitizer build). A crashed engine shows up as
# "engine PID killed by signal N" (or "exited with status N") in the log,
# and the parent then starts another: a new engine pid.
set -u
SECONDS_RUN=600
RATE=1500
SHORT=0
while [ $# -gt 0 ]; do
    case $1 in
    --minutes) SECONDS_RUN=$(($2 * 60)); shift 2 ;;
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --short) SHORT=1; shift ;;
    *) echo "usage: $0 [--minutes N | --seconds S] [--rate R] [--short]" >&2; exit 64 ;;
    esac
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-gcc}
: "${IPV6_DHCPD:=$BUILD/src/server/ipv6-dhcpd}" "${IPV6_DHCPCTL:=$BUILD/tools/ipv6-dhcpctl}"
: "${IPV6_DHCP_BENCH:=$BUILD/tools/ipv6-dhcp-bench}"
: "${IPV6_DHCP_BUILD_SQLITE:=$BUILD/tools/ipv6-dhcp-build-sqlite}"
: "${IPV6_DHCP_BUILD_LMDB:=$BUILD/tools/ipv6-dhcp-build-lmdb}"
export IPV6_DHCPD IPV6_DHCPCTL
INTERVAL=${INTERVAL:-5}
SAMPLE=${SAMPLE:-10}
WARMUP=${WARMUP:-60}
CLIENTS=${CLIENTS:-2000}
TIMEOUT=${TIMEOUT:-10}
OUT=${OUT:-/tmp/soak-$(date +%Y%m%dT%H%M%S)}
mkdir -p "$OUT"
chmod 755 "$OUT"
# Warnings only: an hour of load at -vv would mostly measure the log.
# shellcheck disable=SC2034 # read by lib.sh's start_server
SRV_VERBOSE=
. "$ROOT/tests/integration/lib.sh"
need_root_netns
for f in "$IPV6_DHCPD" "$IPV6_DHCPCTL" "$IPV6_DHCP_BENCH" "$IPV6_DHCP_BUILD_SQLITE" \
    "$IPV6_DHCP_BUILD_LMDB"; do
    [ -x "$f" ] || { log "no $f (ninja -C $BUILD)"; exit 2; }
done
# RSS says nothing of leaks under AddressSanitizer (its quarantine).
ASAN=0
grep -q -a __asan_init "$IPV6_DHCPD" && ASAN=1
say() { printf '%s\n' "$*" | tee -a "$OUT/log" >&2; }
say "soak: $SECONDS_RUN s, $RATE exchanges/s over 3 backends, $CLIENTS clients each, out $OUT"
say "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

topo_direct
BACKENDS="csv sqlite lmdb"
# Backend K (1..3): subnet 2001:db8:K0::/48, its relay 2001:db8:1::1K in
# the client namespace, its clients' rows from seed K.
clients() { # K: the bench's arguments for backend K's clients and relay
    echo "-c $CLIENTS --seed $1 --na-base 2001:db8:${1}0:0:1:: --pd-base 2001:db8:${1}000::/36" \
        "--pd-len 56 --relay 2001:db8:1::1$1 --link-address 2001:db8:${1}0::1" \
        "--server 2001:db8:1::1"
}
k=0
for b in $BACKENDS; do
    k=$((k + 1))
    addr cli "$C0" "2001:db8:1::1$k/64"
    # shellcheck disable=SC2046
    "$IPV6_DHCP_BENCH" $(clients "$k") --write-csv "$T/$b.rows" >/dev/null || exit 2
done
{ cat "$T/csv.rows"; tail -n +2 "$T/sqlite.rows"; tail -n +2 "$T/lmdb.rows"; } >"$T/base.csv"
mkdir -m 755 "$T/db"
CSV=$T/db/assign.csv

# Generation G of the export: the base rows, of which (G > 0) every 500th
# (shifted by G) has another address, plus 100 extra rows out of 200 (shifted by G):
# each export changes about 24 rows and removes about 3 (0.05 %).
export_csv() { # G
    awk -F, -v g="$1" 'NR == 1 { print; next }
        g > 0 && (NR + 13 * g) % 500 == 0 { printf "%s,2001:db8:ff:%x::%x,%s\n", $1, g, NR, $3; next }
        { print }
        END { for (e = 0; e < 100; e++) {
                  x = (3 * g + e) % 200
                  printf "duid:0003000102ff0000%04x,2001:db8:fe::%x,\n", x, x + 1 } }' \
        "$T/base.csv" >"$CSV.new"
    chmod 644 "$CSV.new"
    mv "$CSV.new" "$CSV"
}
export_csv 0
ms() { echo $(($(date +%s%N) / 1000000)); }
# A first build of each, timed: the kills below land within that time.
t0=$(ms)
"$IPV6_DHCP_BUILD_SQLITE" "$CSV" "$T/db/assign.sqlite" || exit 2
t1=$(ms)
"$IPV6_DHCP_BUILD_LMDB" "$CSV" "$T/db/assign.lmdb" || exit 2
t2=$(ms)
echo $((t1 - t0 + 1)) >"$T/ms.sqlite"
echo $((t2 - t1 + 1)) >"$T/ms.lmdb"
say "a build takes $(cat "$T/ms.sqlite") ms (sqlite), $(cat "$T/ms.lmdb") ms (lmdb)"
write_conf "$T/srv.conf" <<EOF
<listen-unicast 2001:db8:1::1/>
<subnet 2001:db8:10::/48>
    <static-csv $CSV/>
</subnet>
<subnet 2001:db8:20::/48>
    <static-sqlite $T/db/assign.sqlite/>
</subnet>
<subnet 2001:db8:30::/48>
    <static-lmdb $T/db/assign.lmdb/>
</subnet>
EOF
start_server srv "$T/srv.conf" || { say "the server did not start"; tail -n 20 "$T/srv.log" >&2; exit 1; }
ENGINE0=$ENGINE_PID

snmp() { # NS: the namespace's UDP receive-buffer drops (IPv6)
    in_ns "$1" awk '$1 == "Udp6RcvbufErrors" { print $2 }' /proc/net/snmp6
}
drops0=$(counter kernel_drops)
cli_drops0=$(snmp cli)
START=$(date +%s)
END=$((START + SECONDS_RUN))

# The load: one bench per backend, chunks of at most 60 s (SARR, then
# mix), until END; JSON lines in $OUT/bench-B.jsonl.
per=$((RATE / 3))
[ "$per" -lt 1 ] && per=1
load() { # K BACKEND
    while :; do
        left=$((END - $(date +%s)))
        [ "$left" -ge 2 ] || break
        [ "$left" -gt 60 ] && left=60
        n=$((per * left / 2))
        [ "$n" -lt 1 ] && n=1
        # shellcheck disable=SC2046
        in_ns cli "$IPV6_DHCP_BENCH" -q $(clients "$1") -r "$per" -n "$n" -t "$TIMEOUT" sarr mix \
            >>"$OUT/bench-$2.jsonl" 2>>"$OUT/bench-$2.err"
    done
}
k=0
LOADS=""
for b in $BACKENDS; do
    k=$((k + 1))
    load "$k" "$b" &
    LOADS="$LOADS $!"
    PIDS="$PIDS $!"
done

rnd() { # MAX: a random number 0..MAX-1
    echo $(($(od -An -N2 -tu2 /dev/urandom) % $1))
}
# A build tool in the background; every other one is SIGKILLed after a
# random delay within the time the last complete build took ($T/ms.NAME; a
# kill that comes after the end does not count). Prints "killed", "ok" or
# "failed RC".
build() { # TOOL FILE NAME
    delay=-
    [ "$(rnd 2)" = 0 ] &&
        delay=$(awk -v ms="$(rnd "$(cat "$T/ms.$3")")" 'BEGIN { printf "%.3f", ms / 1000 }')
    b0=$(ms)
    "$1" "$CSV" "$2" >>"$T/build.out" 2>&1 &
    bp=$!
    if [ "$delay" != - ]; then
        sleep "$delay"
        kill -KILL "$bp" 2>/dev/null
    fi
    wait "$bp"
    rc=$?
    case $rc in
    0) echo ok; [ "$delay" = - ] && echo $(($(ms) - b0 + 1)) >"$T/ms.$3" ;;
    137) echo killed ;;
    *) echo "failed $rc" ;;
    esac
}

rss() { # PID: VmRSS in kB, or - if gone
    awk '/^VmRSS:/ { print $2; f = 1 } END { if (!f) print "-" }' "/proc/$1/status" 2>/dev/null ||
        echo -
}
printf 'seconds\tparent_kb\tengine_kb\treloads\n' >"$OUT/memory.tsv"
gen=0 reloads=0 refused=0 killed=0 builds=0 build_failed=0
next_sample=$START
while [ "$(date +%s)" -lt "$END" ]; do
    now=$(date +%s)
    if [ "$now" -ge "$next_sample" ]; then
        eng=$(pgrep -P "$SRV_PID" | head -n 1)
        printf '%s\t%s\t%s\t%s\n' $((now - START)) "$(rss "$SRV_PID")" "$(rss "${eng:-0}")" \
            "$reloads" >>"$OUT/memory.tsv"
        next_sample=$((next_sample + SAMPLE))
    fi
    kill -0 "$SRV_PID" 2>/dev/null || break
    gen=$((gen + 1))
    export_csv "$gen"
    if ctl reload >"$T/reload.out" 2>&1; then
        reloads=$((reloads + 1))
    else
        refused=$((refused + 1))
        say "reload $gen refused: $(tail -n 3 "$T/reload.out")"
    fi
    # (2>/dev/null: the shell's "Killed" notice)
    for r in "$(build "$IPV6_DHCP_BUILD_SQLITE" "$T/db/assign.sqlite" sqlite 2>/dev/null)" \
        "$(build "$IPV6_DHCP_BUILD_LMDB" "$T/db/assign.lmdb" lmdb 2>/dev/null)"; do
        builds=$((builds + 1))
        case $r in
        killed) killed=$((killed + 1)) ;;
        failed*) build_failed=$((build_failed + 1)); say "a build $r" ;;
        esac
    done
    sleep "$INTERVAL"
done
for p in $LOADS; do wait "$p"; done
# After all the kills: generation 0 again, both files built to the end,
# reloaded; every client of every backend must get exactly its row (the
# LMDB file is switched to within a second).
final=ok
export_csv 0
if ! "$IPV6_DHCP_BUILD_SQLITE" "$CSV" "$T/db/assign.sqlite" >>"$T/build.out" 2>&1 ||
    ! "$IPV6_DHCP_BUILD_LMDB" "$CSV" "$T/db/assign.lmdb" >>"$T/build.out" 2>&1 ||
    ! ctl reload >/dev/null 2>&1; then
    final="the last build or reload failed"
fi
sleep 2
k=0
for b in $BACKENDS; do
    k=$((k + 1))
    # shellcheck disable=SC2046
    in_ns cli "$IPV6_DHCP_BENCH" $(clients "$k") -r 500 -t "$TIMEOUT" --check-assignments sarr \
        >"$OUT/final-$b.json" 2>&1
    "$PY" -c 'import json,sys
o = json.loads(open(sys.argv[1]).read().splitlines()[-1])
sys.exit(not (o["done"] == o["offered"] == int(sys.argv[2]) and o["wrong_assignment"] == 0))' \
        "$OUT/final-$b.json" "$CLIENTS" 2>/dev/null && continue
    [ "$final" = ok ] && final="" || final="$final, "
    final="$final$b did not serve every client its row"
done
now=$(date +%s)
eng=$(pgrep -P "$SRV_PID" | head -n 1)
printf '%s\t%s\t%s\t%s\n' $((now - START)) "$(rss "$SRV_PID")" "$(rss "${eng:-0}")" "$reloads" \
    >>"$OUT/memory.tsv"
parent_alive=0
kill -0 "$SRV_PID" 2>/dev/null && parent_alive=1
deaths=$(grep -c -E "engine [0-9]+ (killed by signal|exited with status)" "$T/srv.log")
drops=$(($(counter kernel_drops 2>/dev/null || echo "$drops0") - drops0))
cli_drops=$(($(snmp cli) - cli_drops0))
cp "$T/srv.log" "$OUT/srv.log"
grep -v -e "^$" "$T/build.out" | sort | uniq -c | sort -rn | head -n 5 >"$OUT/build-messages.txt"

"$PY" - "$OUT" "$SHORT" "$parent_alive" "$deaths" "$ENGINE0" "${eng:-0}" "$drops" "$cli_drops" \
    "$gen" "$reloads" "$refused" "$builds" "$killed" "$build_failed" "$WARMUP" "$ASAN" "$final" \
    >"$OUT/table.md" <<'EOF'
import glob, json, sys
(out, short, alive, deaths, eng0, eng1, drops, cli_drops, gens, reloads, refused, builds, killed,
 build_failed, warmup, asan, final) = sys.argv[1:]
asan = asan == "1"
short, alive, deaths, drops, cli_drops = int(short), int(alive), int(deaths), int(drops), int(cli_drops)
reloads, refused, killed, builds, build_failed = int(reloads), int(refused), int(killed), int(builds), int(build_failed)
warmup = int(warmup)
tot = dict(offered=0, done=0, lost=0, failed=0, sent=0, received=0, unmatched=0, send_errors=0)
per = {}
for f in sorted(glob.glob(out + "/bench-*.jsonl")):
    b = f.split("bench-")[-1][:-6]
    per[b] = dict.fromkeys(tot, 0)
    for line in open(f):
        o = json.loads(line)
        for k in tot:
            per[b][k] += o[k]
            tot[k] += o[k]
# Memory: VmRSS samples after the warm-up, least-squares slope, per 10 min.
rows = [l.split("\t") for l in open(out + "/memory.tsv").read().split("\n")[1:] if l]
rows = [(int(t), int(p), int(e), int(r)) for t, p, e, r in rows if p != "-" and e != "-"]
late = [r for r in rows if r[0] >= warmup] or rows
def slope(i):
    n = len(late)
    if n < 2:
        return 0.0
    mt = sum(r[0] for r in late) / n
    mv = sum(r[i] for r in late) / n
    d = sum((r[0] - mt) ** 2 for r in late)
    return sum((r[0] - mt) * (r[i] - mv) for r in late) / d if d else 0.0
crashes = deaths + (0 if alive else 1) + (0 if eng0 == eng1 else (0 if deaths else 1))
missing = tot["lost"]
beyond = max(0, missing - drops - cli_drops)
print()
print("| figure | value |")
print("|---|---|")
print(f"| run | {late[-1][0] if late else 0} s, {len(rows)} memory samples |")
print(f"| crashes (engine deaths in the log, parent gone, engine pid changed) | {crashes} |")
print(f"| reloads done / refused (CSV exports) | {reloads} / {refused} (of {gens}) |")
print(f"| build-tool runs / SIGKILLed mid-write / failed otherwise | {builds} / {killed} / {build_failed} |")
print(f"| exchanges offered / done / lost / wrong answers | {tot['offered']} / {tot['done']} / {tot['lost']} / {tot['failed']} |")
for b, v in per.items():
    print(f"| {b}: offered / done / lost / wrong | {v['offered']} / {v['done']} / {v['lost']} / {v['failed']} |")
print(f"| requests sent / replies received (late or stray) / send errors | {tot['sent']} / {tot['received']} ({tot['unmatched']}) / {tot['send_errors']} |")
print(f"| replies missing / kernel drops: server (kernel_drops), bench (Udp6RcvbufErrors) / beyond drops | {missing} / {drops}, {cli_drops} / {beyond} |")
print(f"| afterwards, the first export again, built to the end: every client its exact row from csv, sqlite, lmdb | {final} |")
fail = []
if final != "ok":
    fail.append(final)
for name, i in (("parent", 1), ("engine", 2)):
    s10 = slope(i) * 600
    first, last = (late[0][i], late[-1][i]) if late else (0, 0)
    print(f"| {name} VmRSS after warm-up / at end / growth per 10 min | {first} kB / {last} kB / {s10:.0f} kB |")
    if short:
        # A short run cannot tell a slow leak from caches and the allocator
        # settling (a reload builds the new table while the old one still
        # serves, so the heap's high-water mark steps up by a table now and
        # then before it levels off). soak-short reloads every second, and
        # the growth over the measured part (the slope times its length)
        # per reload done in it must stay under 64 kB: with 40-odd reloads
        # that leaves a few tables of high-water mark, while one table
        # leaked per reload (6,000+ rows, about 600 kB here) is ten times
        # the bound and a leak of about 100 octets per request (60 s at 300
        # exchanges/s: 30,000 requests) is over it too. Small leaks per
        # reload or request are valgrind's (scripts/valgrind-check.sh).
        r = late[-1][3] - late[0][3] if late else 0
        g = slope(i) * (late[-1][0] - late[0][0]) / max(1, r) if late else 0
        print(f"| {name} growth per reload (short run, {r} reloads) | {g:.0f} kB |")
        if g > 64 and not asan:
            fail.append(f"{name} grew {g:.0f} kB per reload (bound 64)")
    elif s10 > 1024 and not asan:
        fail.append(f"{name} grew {s10:.0f} kB per 10 min (goal < 1024)")
if asan:
    print("| memory | not judged: AddressSanitizer keeps freed memory in quarantine; LeakSanitizer judges leaks at exit |")
if crashes:
    fail.append(f"{crashes} crashes")
if refused:
    fail.append(f"{refused} reloads refused")
if tot["failed"]:
    fail.append(f"{tot['failed']} wrong answers")
if beyond:
    fail.append(f"{beyond} replies missing beyond the kernel's drops")
if build_failed:
    fail.append(f"{build_failed} builds failed")
if not tot["done"]:
    fail.append("no exchange was done")
print()
print("soak: " + ("FAILED: " + "; ".join(fail) if fail else "passed"))
sys.exit(1 if fail else 0)
EOF
rc=$?
tee -a "$OUT/log" <"$OUT/table.md"
# The same checks as the integration tests': the sanitizers' word.
if grep -q -e "Sanitizer" -e "runtime error:" "$T/srv.log"; then
    say "soak: the sanitizers complained (see $OUT/srv.log)"
    rc=1
fi
exit "$rc"
