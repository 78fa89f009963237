#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# 20 reloads during load lose no reply. The load: relayed Solicits from ONE
# relay address and port (as from a BNG), first as fast as the generator
# goes to measure what this box answers, then at half of that while the
# configuration is reloaded 20 times (two configs in turn, one of them with
# a second listener). Every Solicit must get its Advertise.
. "$(dirname "$0")/lib.sh"
need_root_netns

topo_direct
addr srv "$S0" 2001:db8:1::3/64
conf() { # DNS [EXTRA]
    write_conf "$T/srv.conf" <<EOF
<listen-unicast 2001:db8:1::1/>
<listen-interface $S0/>
<recursive-name-servers>
    address $1
</recursive-name-servers>
${2:-}
EOF
}
conf 2001:db8::53
check "the server starts" start_server srv "$T/srv.conf"
load() { # RATE COUNT
    in_ns cli timeout $(($2 / $1 + 30)) "$PY" "$HERE/dhcp6.py" load --server 2001:db8:1::1 --relay 2001:db8:1::2 \
        --rate "$1" --count "$2"
}
json() { # FILE KEY
    "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# What this box answers (generator and server share its CPUs).
load 100000 20000 >"$T/capacity.json"
cap=$(json "$T/capacity.json" answers_per_second)
log "capacity: $(cat "$T/capacity.json")"
rate=$((cap / 2))
[ "$rate" -gt 10000 ] && rate=10000
[ "$rate" -lt 200 ] && rate=200
count=$((rate * 6))
log "load: $count Solicits at $rate/s with 20 reloads"

drops=$(counter kernel_drops)
load "$rate" "$count" >"$T/load.json" &
LOAD=$!
PIDS="$PIDS $LOAD"
sleep 1
reloads=0
for i in $(seq 20); do
    if [ $((i % 2)) -eq 1 ]; then
        conf 2001:db8::54 "<listen-unicast 2001:db8:1::3/>"
    else
        conf 2001:db8::53
    fi
    ctl reload >/dev/null && reloads=$((reloads + 1))
    sleep 0.25
done
wait "$LOAD"
rc=$?
log "load: $(cat "$T/load.json")"
check "20 reloads succeeded during the load" [ "$reloads" -eq 20 ]
check "every Solicit got its Advertise" [ "$rc" -eq 0 ]
check "no reply was lost" [ "$(json "$T/load.json" lost)" -eq 0 ]
check "every reply passed the TLV walk" [ "$(json "$T/load.json" bad)" -eq 0 ]
check "the relay's socket was never reopened" \
    [ "$(grep -c ": listening on 2001:db8:1::1\$" "$T/srv.log")" -eq 1 ]
check "the kernel dropped nothing on the way in" [ "$(counter kernel_drops)" -eq "$drops" ]

finish
