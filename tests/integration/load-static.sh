#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# 20 reloads of a changed static-csv table during load at half the measured
# capacity lose no reply, and every reply carries the client's address from
# one generation of the table. The load: relayed Solicits (IA_NA) from ONE
# relay address and port, by bench/relay-flood, for CLIENTS distinct
# clients (DUID-LL 02:00:00:00:xx:xx) in turn; the table has a row per
# client, keyed by its DUID. Generation G gives client C the address
# 2001:db8:2:G::C; each reload exports generation G+1 (written beside and
# renamed over) and reloads. First flat out for a few seconds to measure
# what this box answers with the table, then at half of that.
. "$(dirname "$0")/lib.sh"
need_root_netns
: "${RELAY_FLOOD:?RELAY_FLOOD must name bench/relay-flood}"

CLIENTS=10000
topo_direct
# Generation G of the table.
export_table() { # G
    awk -v g="$1" -v n="$CLIENTS" 'BEGIN {
        print "id,address,prefix"
        for (c = 0; c < n; c++)
            printf "duid:000300010200%08x,2001:db8:2:%x::%x,\n", c, g, c
    }' >"$T/flood.csv.new"
    chmod 644 "$T/flood.csv.new"
    mv "$T/flood.csv.new" "$T/flood.csv"
}
export_table 0
write_conf "$T/srv.conf" <<EOF
<listen-unicast 2001:db8:1::1/>
<static-csv $T/flood.csv/>
EOF
check "the server starts" start_server srv "$T/srv.conf"
check "it loaded the table" wait_log "$CLIENTS assignments loaded, 0 bad rows skipped"
flood() { # COUNT RATE [ADDRESSES]
    in_ns cli timeout $(($1 / 20000 + 40)) "$RELAY_FLOOD" 2001:db8:1::1 2001:db8:1::2 "$1" "$2" \
        "$CLIENTS" ${3:+"$3"}
}
json() { # FILE KEY
    "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

flood 300000 0 >"$T/capacity.json"
cap=$(json "$T/capacity.json" answers_per_second)
log "capacity: $cap answers/s ($(cat "$T/capacity.json"))"
rate=$((cap / 2))
[ "$rate" -lt 200 ] && rate=200
# What an export and a reload take here (a sanitizer build is slower): the
# load lasts for the 20 below with a margin of half again.
t0=$(date +%s%N)
for _ in 1 2; do
    export_table 0
    ctl reload >/dev/null
done
per=$((($(date +%s%N) - t0) / 2000000))
secs=$((20 * (per + 250) * 3 / 2000 + 3))
log "an export and a reload take $per ms: the load lasts $secs s"
count=$((rate * secs))
log "load: $count Solicits at $rate/s (half the capacity) with 20 table reloads"

# As in load-reload: a few paced Solicits bring the kernel's drop count
# up to date before it is taken as the baseline.
flood 2000 20000 >"$T/settle.json"
drops=$(counter kernel_drops)
flood "$count" "$rate" "$T/addresses.txt" >"$T/load.json" &
LOAD=$!
PIDS="$PIDS $LOAD"
sleep 1
reloads=0
for g in $(seq 20); do
    export_table "$g"
    ctl reload >/dev/null && reloads=$((reloads + 1))
    sleep 0.25
done
during=no
kill -0 "$LOAD" 2>/dev/null && during=yes
wait "$LOAD"
rc=$?
log "load: $(cat "$T/load.json")"
check "the load generator ran to its end" [ "$rc" -eq 0 ]
check "20 reloads succeeded" [ "$reloads" -eq 20 ]
check "each loaded the whole table" \
    [ "$(grep -c ": $CLIENTS assignments loaded, 0 bad rows skipped" "$T/srv.log")" -eq 23 ]
check "the load outlasted the reloads" [ "$during" = yes ]
check "all $count Solicits were sent" [ "$(json "$T/load.json" sent)" -eq "$count" ]
check "every Solicit got its Advertise" \
    [ "$(json "$T/load.json" answered)" -eq "$(json "$T/load.json" sent)" ]
check "no reply was lost" [ "$(json "$T/load.json" lost)" -eq 0 ]
check "every reply passed the TLV walk" [ "$(json "$T/load.json" bad)" -eq 0 ]
check "no Solicit was answered twice" [ "$(json "$T/load.json" duplicates)" -eq 0 ]
check "every Advertise carried an address" \
    [ "$(json "$T/load.json" addressed)" -eq "$(json "$T/load.json" sent)" ]
check "the kernel dropped nothing on the way in" [ "$(counter kernel_drops)" -eq "$drops" ]
# Each address is the client's own, from a generation that was exported
# (0 to 20); the reloads took effect during the load.
check "every address is its client's, from one generation of the table" \
    "$PY" - "$T/addresses.txt" "$CLIENTS" "$count" <<'EOF'
import ipaddress, sys
path, clients, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
base = int(ipaddress.IPv6Address("2001:db8:2::"))
seen, bad, lines = {}, 0, 0
for line in open(path):
    x, a = line.split()
    lines += 1
    if a == "-":
        bad += 1
        continue
    v = int(ipaddress.IPv6Address(a))
    g, c = (v >> 64) & 0xffff, v & ((1 << 64) - 1)
    if v - (g << 64) - c != base or c != int(x) % clients or g > 20:
        if bad < 5:
            print(f"Solicit {x}: {a} is not client {int(x) % clients}'s address", file=sys.stderr)
        bad += 1
        continue
    seen[g] = seen.get(g, 0) + 1
print(f"{lines} answers; per generation: {dict(sorted(seen.items()))}", file=sys.stderr)
# Every generation was in use for at least 0.25 s of the load.
sys.exit(1 if bad or lines != count or len(seen) != 21 else 0)
EOF

finish
