#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A flood of Solicits from a crowd of DUIDs on the link (solicit-flood, at
# FLOOD_RATE per second, default 20,000, from 100,000 DUIDs) with
# <rate-limit> on: at least 99 of 100 well-behaved clients (each its own
# DUID, one Solicit each, 0.1 s apart, during the flood) get their
# Advertise within 1 s. The rate limit (2 per 10 minutes) must have dropped
# most of what the server received beyond the first two Solicits of each
# DUID (stats-json rate_limited; a DUID that lands on a slot another holds
# starts afresh, hence "most"), and the engine must be the same at the end.
# The rate the generator really offered is printed (the box is shared).
. "$(dirname "$0")/lib.sh"
need_root_netns
: "${SOLICIT_FLOOD:?SOLICIT_FLOOD must name tests/integration/solicit-flood}"
RATE=${FLOOD_RATE:-20000}
SECS=${FLOOD_SECONDS:-20}

topo_direct
addr cli "$C0" fe80::3/64
mkdir "$T/state"
write_conf "$T/srv.conf" <<EOF
<listen-interface $S0/>
<rate-limit>
    rate 2
    per 10m
    burst 2
</rate-limit>
<recursive-name-servers>
    address 2001:db8::53
</recursive-name-servers>
EOF
check "the server starts" start_server srv "$T/srv.conf"
engine=$ENGINE_PID
json() { # FILE KEY
    "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

in_ns cli "$SOLICIT_FLOOD" "$C0" fe80::3 "$RATE" "$SECS" 100000 >"$T/flood.json" &
FLOOD=$!
PIDS="$PIDS $FLOOD"
sleep 3 # the flood has gone round the 100,000 DUIDs: from now on it is limited
in_ns cli "$PY" "$HERE/hostile.py" probes --interface "$C0" --src fe80::2 --count 100 \
    --interval 0.1 --timeout 1 >"$T/probes.json"
wait "$FLOOD"
log "flood: $(cat "$T/flood.json")"
log "probes: $(cat "$T/probes.json")"
sleep 1
ctl stats-json >"$T/stats.json"
"$PY" - "$T/stats.json" <<'EOF' >"$T/global.json"
import json, sys
print(json.dumps(json.load(open(sys.argv[1]))["global"]))
EOF
log "server: $(cat "$T/global.json")"

sent=$(json "$T/flood.json" sent)
offered=$(json "$T/flood.json" offered_per_second)
answered=$(json "$T/probes.json" answered)
limited=$(json "$T/global.json" rate_limited)
received=$(json "$T/global.json" incoming_packets)
beyond=$((received - 2 * 100000 - 100))
check "the flood was sent ($sent Solicits, $offered/s offered)" [ "$sent" -gt 0 ]
check "$answered of 100 well-behaved clients answered within 1 s at $offered/s" \
    [ "$answered" -ge 99 ]
check "the rate limit dropped most of the flood beyond 2 per DUID ($limited of $beyond)" \
    [ "$beyond" -gt 0 ] && [ "$limited" -ge $((beyond / 2)) ]
check "the engine is the same process" [ "$(pgrep -P "$SRV_PID" | head -n 1)" = "$engine" ]
check "no engine was killed" sh -c '! grep -q "killed by signal" "$1"' sh "$T/srv.log"
check "the server stops" stop_server
finish
