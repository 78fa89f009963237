#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile input against the running daemon (issue 6): the triggers of other
# DHCPv6 servers' CVEs and crash bugs (../shared/reference/peers-and-cves.md
# section 4), rebuilt by hostile.py, burst after burst, direct and relayed.
# After every burst: every datagram was received and counted for the
# expected reason (stats-json), and a well-behaved client still gets its
# address from the static CSV. At the end: the same engine (no restart, no
# "killed by signal"), and a log file (with the dumped requests full of
# control characters and invalid UTF-8) that is valid UTF-8 without control
# characters, and no warning per hostile datagram.
. "$(dirname "$0")/lib.sh"
need_root_netns

topo_direct
mkdir "$T/logs" "$T/state"
printf 'id,address,prefix\nduid:00030001020000000001,2001:db8:1::100,\n' >"$T/static.csv"
chmod 644 "$T/static.csv"
write_conf "$T/srv.conf" <<EOF
<logging>
    <file $T/logs/dhcpd.log>
        level info
    </file>
</logging>
<listen-interface $S0/>
<listen-unicast 2001:db8:1::1/>
<elapsed-time>
    more-than 5m
    <dump-requests>
        format text
        answer yes
    </dump-requests>
</elapsed-time>
<elapsed-time>
    more-than 1m
    less-than 5m
    <dump-requests>
        format json
        answer yes
    </dump-requests>
</elapsed-time>
<subnet 2001:db8:1::/48>
    <static-csv $T/static.csv/>
</subnet>
<recursive-name-servers>
    address 2001:db8::53
</recursive-name-servers>
EOF
check "the server starts" start_server srv "$T/srv.conf"
engine=$ENGINE_PID
f="$T/logs/dhcpd.log"
warnings_before=$(grep -c -E " (WARNING|ERROR|CRITICAL) " "$f")

in_ns cli "$PY" "$HERE/hostile.py" run --interface "$C0" --relay-to 2001:db8:1::1 \
    --relay-from 2001:db8:1::2 --ctl "$IPV6_DHCPCTL" --sock "$T/sock" >"$T/hostile.out" 2>&1
rc=$?
while IFS= read -r line; do log "  $line"; done <"$T/hostile.out"
check "hostile.py: every burst counted right, the good client answered after each" [ "$rc" = 0 ]
# One ok line per burst, one before and one after them all.
check "hostile.py ran every burst" \
    [ "$(grep -c '^ok: ' "$T/hostile.out")" = $(($("$PY" "$HERE/hostile.py" count) + 2)) ]

check "the engine is the same process" [ "$(pgrep -P "$SRV_PID" | head -n 1)" = "$engine" ]
check "no engine was killed" sh -c '! grep -q "killed by signal" "$1"' sh "$T/srv.log"
check "the parent is alive" kill -0 "$SRV_PID"
sleep 0.5
check "the dumped requests are in the log" grep -q "dump" "$f"
check "their control characters are escaped" grep -q -F '\027[31m\013\010' "$f"
check "the log file is UTF-8 without control characters" "$PY" "$HERE/hostile.py" check-log "$f"
check "so is the server's standard error" "$PY" "$HERE/hostile.py" check-log "$T/srv.log"
warnings=$(grep -c -E " (WARNING|ERROR|CRITICAL) " "$f")
check "no warning per hostile datagram ($((warnings - warnings_before)) warnings)" \
    [ $((warnings - warnings_before)) -lt 10 ]
check "the server stops" stop_server
finish
