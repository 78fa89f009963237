#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# <listen-tcp> (bulk leasequery over TCP, RFC 5460 §5) with a stand-in
# leasequery plug-in (lq_plugin.c: a Leasequery-reply, N Leasequery-data, a
# Leasequery-done): ipv6-dhcp-test-leasequery prints the answer in order,
# over TCP and over UDP; tshark dissects the TCP stream the same way;
# connections beyond max-connections, from outside allow-from, with garbage,
# a length of 0 or a message that is not a Leasequery are closed at once and
# counted, while a good connection is served; a reader that stalls on a big
# answer blocks nobody and is closed after idle-timeout; the engine's memory
# does not grow; a reload keeps the socket and the service, even in the
# middle of a bulk answer.
#
#  cli: c0 fe80::2, 2001:db8:1::2, ::3 ---- srv: s0 fe80::1, 2001:db8:1::1/64
. "$(dirname "$0")/lib.sh"
: "${IPV6_DHCP_TEST_LEASEQUERY:?IPV6_DHCP_TEST_LEASEQUERY must name ipv6-dhcp-test-leasequery}"
: "${LQ_PLUGIN:?LQ_PLUGIN must name the test plug-in}"
need_root_netns

topo_direct
# A second address, deprecated so that the kernel never picks it as a
# source: only lqtcp.py's explicit bind uses it (outside allow-from).
ip -n "dk$ID-cli" addr add 2001:db8:1::3/64 dev "$C0" nodad preferred_lft 0
cp "$LQ_PLUGIN" "$T/lq.so"
chmod 755 "$T" "$T/lq.so"
write_conf "$T/srv.conf" <<EOF
<listen-interface $S0/>
<listen-tcp 2001:db8:1::1>
    max-connections 4
    idle-timeout 3
    allow-from 2001:db8:1::2/128
    mark lq
</listen-tcp>
<marked-with lq>
    <plugin $T/lq.so>
        count 5
    </plugin>
</marked-with>
EOF
check "the server starts" start_server srv "$T/srv.conf"
check "it listens on TCP port 547" wait_log "listening on tcp \[2001:db8:1::1\]:547"

# lq NAME ARGS...: the tool in cli; $T/NAME.out, .err, .rc
lq() {
    name=$1
    shift
    in_ns cli "$IPV6_DHCP_TEST_LEASEQUERY" -T 5 "$@" >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
    sed "s/^/  $name: /" "$T/$name.err" >&2
    if grep -q -e "Sanitizer" -e "runtime error:" "$T/$name.err"; then
        fail "$name: the sanitizers complained"
    fi
}
rc_is() { [ "$(cat "$T/$1.rc")" = "$2" ]; }
types() { cut -d' ' -f1 "$T/$1.out" | tr '\n' ' '; }
types_are() { [ "$(types "$1")" = "$2" ]; }
py() { in_ns cli "$PY" "$HERE/lqtcp.py" "$@"; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$ENGINE_PID/status"; }
SRV=2001:db8:1::1
BULK="LEASEQUERY-REPLY LEASEQUERY-DATA LEASEQUERY-DATA LEASEQUERY-DATA LEASEQUERY-DATA LEASEQUERY-DATA LEASEQUERY-DONE "

# The answer in order, over TCP, printed by the tool.
CAP_PID=
if command -v dumpcap >/dev/null 2>&1 && command -v tshark >/dev/null 2>&1; then
    ip netns exec "dk$ID-cli" dumpcap -q -i "$C0" -f 'tcp port 547' -w "$T/tcp.pcapng" \
        >/dev/null 2>&1 &
    CAP_PID=$!
    PIDS="$PIDS $CAP_PID"
    for _ in $(seq 50); do
        [ -s "$T/tcp.pcapng" ] && break
        sleep 0.1
    done
fi
lq tcp -t -s "$SRV" client-id linklayer:1:0a0b0c0d0e0f
check "tcp: exit 0" rc_is tcp 0
check "tcp: REPLY, 5 DATA, DONE in order" types_are tcp "$BULK"
lq tcpj -t -j -s "$SRV" -R address 2001:db8:1::100
check "tcp, by address, JSON, -R: exit 0" rc_is tcpj 0
check "tcp: the JSON parses, 7 messages" sh -c \
    "'$PY' -c 'import json,sys; n=[json.loads(l) for l in sys.stdin]; sys.exit(len(n)!=7)' <'$T/tcpj.out'"
if [ -n "$CAP_PID" ]; then
    stop_capture
    # tshark knows TCP port 547 as bulk leasequery (RFC 5460 §5.2 framing).
    tshark -r "$T/tcp.pcapng" -Y dhcpv6.bulk_leasequery -T fields \
        -e dhcpv6.bulk_leasequery.msgtype 2>"$T/tshark.err" | tr ',\n' '  ' >"$T/tshark.out"
    log "tshark: $(cat "$T/tshark.out")"
    check "tshark: the stream dissects as LEASEQUERY, REPLY, 5 DATA, DONE" \
        grep -q "^14 15 17 17 17 17 17 16 " "$T/tshark.out"
    tshark -r "$T/tcp.pcapng" -Y '_ws.malformed || _ws.expert.severity >= warning' \
        >"$T/tshark.bad" 2>/dev/null
    check "tshark: nothing malformed, no expert warning" sh -c "! grep -q . '$T/tshark.bad'"
else
    log "no tshark/dumpcap: the capture checks are skipped"
fi

# The original's DUID syntax for -d: the reply carries our Client Identifier.
duid_is() { # NAME -d-VALUE HEX
    lq "$1" -t -s "$SRV" -d "$2" client-id 0003000102000000000a
    grep -q "^LEASEQUERY-REPLY .*CLIENTID(duid=$3)" "$T/$1.out"
}
check "duid: linklayer:1:0a0b0c0d0e0f" duid_is d_ll linklayer:1:0a0b0c0d0e0f 000300010a0b0c0d0e0f
check "duid: linklayer-time:1:1234:0a0b0c0d0e0f" duid_is d_llt linklayer-time:1:1234:0a0b0c0d0e0f \
    00010001000004d20a0b0c0d0e0f
check "duid: enterprise:40208:0x0102" duid_is d_en enterprise:40208:0x0102 000200009d100102
check "duid: enterprise:9:ab (text)" duid_is d_ent enterprise:9:ab 0002000000096162
check "duid: plain hex with colons" duid_is d_hex 00:03:00:01:02:03:04:05:06:07 00030001020304050607

# Over UDP the plug-in (only for the TCP listener's mark) does not run, and
# a Leasequery no leasequery handler answers gets no reply at all.
lq udp -i "$C0" -T 2 address 2001:db8:1::100
check "udp: no handler, no answer (2)" rc_is udp 2
check "udp: nothing printed" types_are udp ""
check "udp: the tool refuses a bulk query (64)" sh -c \
    "'$IPV6_DHCP_TEST_LEASEQUERY' -i x relay-id 0001 >/dev/null 2>&1; [ \$? = 64 ]"

RSS0=$(rss)
log "engine VmRSS before the hostile peers: $RSS0 kB"

# max-connections 4: a good connection, 3 idle ones, 20 more refused.
before=$(counter tcp_refused_limit)
check "limit: 20 beyond max-connections closed, the good one answered in full" py limit "$SRV" 4
check "limit: counted" [ "$(counter tcp_refused_limit)" -ge $((before + 20)) ]

# allow-from: 2001:db8:1::3 is not allowed.
before=$(counter tcp_refused_acl)
check "allow-from: another address is closed at once" py from 2001:db8:1::3 "$SRV"
check "allow-from: counted" [ "$(counter tcp_refused_acl)" -gt "$before" ]

# Bad input closes that connection only.
before=$(counter tcp_closed_garbage)
check "64 KB of garbage: closed" py bad "$SRV" garbage64k
check "a length of 0: closed" py bad "$SRV" zero
check "a Solicit over TCP: closed" py bad "$SRV" solicit
check "bad input: counted" [ "$(counter tcp_closed_garbage)" -ge $((before + 3)) ]
lq after_bad -t -s "$SRV" client-id linklayer:1:0a0b0c0d0e0f
check "after bad input: a good query is answered" types_are after_bad "$BULK"

# A reader that stalls on a big answer (relay-id: 1000 x 30 KB) blocks
# nobody and is closed after idle-timeout (3 s).
before=$(counter tcp_closed_idle)
py stall "$SRV" 8 >"$T/stall.out" 2>&1 &
STALL=$!
PIDS="$PIDS $STALL"
sleep 1
t0=$(date +%s%N)
lq during_stall -t -s "$SRV" client-id linklayer:1:0a0b0c0d0e0f
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
check "stall: another client is answered meanwhile" types_are during_stall "$BULK"
check "stall: within a second ($ms ms)" [ "$ms" -lt 1000 ]
sleep 4
check "stall: closed after idle-timeout and counted" [ "$(counter tcp_closed_idle)" -gt "$before" ]
wait "$STALL"

# An idle connection (nothing sent) goes the same way.
in_ns cli "$PY" -c "
import socket, time
s = socket.create_connection(('$SRV', 547)); s.settimeout(8)
t = time.monotonic(); d = s.recv(10); print(round(time.monotonic() - t, 1))" >"$T/idle.out" 2>&1
check "idle: closed after about 3 s ($(cat "$T/idle.out") s)" \
    awk '{exit !($1 >= 2.5 && $1 <= 4.5)}' "$T/idle.out"

# Memory: the engine does not keep what these peers cost.
for _ in 1 2 3; do
    py limit "$SRV" 4 >/dev/null
    py bad "$SRV" garbage64k >/dev/null
    py stall "$SRV" 0.5 >/dev/null
done
sleep 4
RSS1=$(rss)
log "engine VmRSS after: $RSS1 kB"
check "memory: VmRSS grew by less than 4 MB ($RSS0 -> $RSS1 kB)" [ $((RSS1 - RSS0)) -lt 4096 ]

# The statistics show the counters.
check "stats: the TCP counters are shown" sh -c "'$IPV6_DHCPCTL' -c '$T/sock' stats | grep -q 'TCP queries'"
check "stats-json: tcp_queries counted" [ "$(counter tcp_queries)" -ge 5 ]

# A reload keeps the socket and the service.
check "reload" ctl reload
check "reload: the socket is kept" sh -c "! grep -q 'no longer listening on tcp' '$T/srv.log'"
lq after_reload -t -s "$SRV" client-id linklayer:1:0a0b0c0d0e0f
check "reload: still answered" types_are after_reload "$BULK"

# A reload in the middle of a bulk answer (1000 x 30 KB, read slowly): the
# answer still comes whole, on the stream of the replaced plug-in instance.
rm -f "$T/flag"
py slow "$SRV" "$T/flag" 1000 >"$T/slow.out" 2>&1 &
SLOW=$!
PIDS="$PIDS $SLOW"
for _ in $(seq 50); do
    [ -e "$T/flag" ] && break
    sleep 0.1
done
check "reload during a bulk answer" ctl reload
wait "$SLOW"
rc=$?
log "$(cat "$T/slow.out")"
check "reload during a bulk answer: the answer is whole" [ "$rc" = 0 ]

# A reload that changes allow-from: the same socket, the new rule.
sed -i 's|allow-from 2001:db8:1::2/128|allow-from 2001:db8:1::2/127|' "$T/srv.conf"
check "reload with a wider allow-from" ctl reload
check "reload: 2001:db8:1::3 is now served" py from 2001:db8:1::3 "$SRV" served
check "reload: still the same socket" sh -c "! grep -q 'no longer listening on tcp' '$T/srv.log'"

# Stopping with a bulk answer in progress closes it cleanly (the sanitizer
# builds check the server log in finish).
py stall "$SRV" 3 >/dev/null 2>&1 &
LAST=$!
PIDS="$PIDS $LAST"
sleep 0.5
check "the server stops with a bulk answer in progress" stop_server
wait "$LAST"
finish
