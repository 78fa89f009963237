#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# 20 reloads during load at half the measured capacity lose no reply. The
# load: relayed Solicits from ONE relay address and port (as from a BNG),
# by bench/relay-flood (sendmmsg/recvmmsg), first flat out for a few seconds
# to measure what this box answers, then at half of that while the
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
: "${RELAY_FLOOD:?RELAY_FLOOD must name bench/relay-flood}"
flood() { # COUNT RATE (0: flat out)
    in_ns cli timeout $(($1 / 20000 + 40)) "$RELAY_FLOOD" 2001:db8:1::1 2001:db8:1::2 "$1" "$2"
}
json() { # FILE KEY
    "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# What this box answers, flat out for a few seconds (generator and server
# share its CPUs; requests beyond that are dropped, by design, here only).
flood 500000 0 >"$T/capacity.json"
cap=$(json "$T/capacity.json" answers_per_second)
log "capacity: $cap answers/s ($(cat "$T/capacity.json"))"
rate=$((cap / 2))
[ "$rate" -lt 200 ] && rate=200
# Long enough for the 20 reloads below (about 8 s) with a margin.
count=$((rate * 12))
log "load: $count Solicits at $rate/s (half the capacity) with 20 reloads"

# The server learns the kernel's drop count (SO_RXQ_OVFL) only with the
# next datagram queued: a few paced Solicits bring it up to date with the
# drops of the flat-out run before it is taken as the baseline.
flood 2000 20000 >"$T/settle.json"
log "settle: $(cat "$T/settle.json")"
drops=$(counter kernel_drops)
flood "$count" "$rate" >"$T/load.json" &
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
during=no
kill -0 "$LOAD" 2>/dev/null && during=yes
wait "$LOAD"
rc=$?
log "load: $(cat "$T/load.json")"
check "the load generator ran to its end" [ "$rc" -eq 0 ]
check "20 reloads succeeded" [ "$reloads" -eq 20 ]
check "the load outlasted the reloads" [ "$during" = yes ]
check "every Solicit got its Advertise" \
    [ "$(json "$T/load.json" answered)" -eq "$(json "$T/load.json" sent)" ]
check "all $count Solicits were sent" [ "$(json "$T/load.json" sent)" -eq "$count" ]
check "no reply was lost" [ "$(json "$T/load.json" lost)" -eq 0 ]
check "every reply passed the TLV walk" [ "$(json "$T/load.json" bad)" -eq 0 ]
check "no Solicit was answered twice" [ "$(json "$T/load.json" duplicates)" -eq 0 ]
check "the relay's socket was never reopened" \
    [ "$(grep -c ": listening on 2001:db8:1::1\$" "$T/srv.log")" -eq 1 ]
check "the kernel dropped nothing on the way in" [ "$(counter kernel_drops)" -eq "$drops" ]

finish
