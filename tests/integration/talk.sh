#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The talk's example config (INI syntax) serving traffic: a copy of
# examples/ipv6-dhcpd-talk.ini on 2001:db8:: addresses and a namespace's
# interface instead of eth1 (plus a state file for the server DUID in the
# test's folder). A relay asks; the answer carries what the talk's config
# says: preference 255, two name servers, an NTP server. The INI syntax
# always logs to syslog: /dev/log is replaced, in the server's own mount
# namespace, by a socket of the test.
. "$(dirname "$0")/lib.sh"
need_root_netns
EX=${DHCPKIT_EXAMPLES:?}

topo_direct
addr srv "$S0" 2001:db8:abc::1/64
addr cli "$C0" 2001:db8:abc::2/64
sed -e "s/^\[interface eth1\]/[interface $S0]/" -e 's/2001:9e0:/2001:db8:/g' \
    "$EX/ipv6-dhcpd-talk.ini" >"$T/talk.ini"
printf '\n[server]\nserver-duid-file = %s/state/server-duid\n' "$T" >>"$T/talk.ini"
sed -e 's/2001:9e0:/2001:db8:/g' "$EX/assignments.csv" >"$T/assignments.csv"
check "the copy passes -n" "$IPV6_DHCPD" -n "$T/talk.ini"

"$PY" - "$T/syslog.sock" "$T/syslog.txt" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(4096) + b"\n")
EOF
PIDS="$PIDS $!"
for _ in $(seq 50); do [ -S "$T/syslog.sock" ] && break; sleep 0.1; done

ip netns exec "dk$ID-srv" unshare -m sh -c '
    if [ -e /dev/log ] || [ -L /dev/log ]; then mount --bind "$1" /dev/log; fi
    exec "$2" -v -p "$3/pid" -c "$3/sock" "$3/talk.ini"' sh "$T/syslog.sock" "$IPV6_DHCPD" "$T" \
    >>"$T/srv.log" 2>&1 &
SRV_PID=$!
PIDS="$PIDS $SRV_PID"
check "the server starts with it" wait_log "ipv6-dhcpd .* started"
check "and listens on the interface's global address" wait_log ": listening on 2001:db8:abc::1"
check "not on ff02::1:2 (multicast = no)" sh -c '! grep -q "listening on ff02" "$1"' sh "$T/srv.log"

r=$(query cli --relay 2001:db8:abc::2 --server 2001:db8:abc::1 --link 2001:db8:abc::1 \
    --interface-id port1 --ia-pd --oro 23,56)
log "answer: $r"
has() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }
check "a relayed Solicit is answered with an Advertise" has "$r" "RELAY-REPL/ADVERTISE"
check "with preference 255 (option 7)" has "$r" ",7,"
check "with both name servers" has "$r" "dns=2001:db8:4:32::3,2001:db8:1:101::3 "
check "with the NTP server (option 56)" has "$r" ",56"
if [ -e /dev/log ] || [ -L /dev/log ]; then
    check "the host's syslog was spared: ours got the lines" grep -q "ipv6-dhcpd" "$T/syslog.txt"
fi
kill -TERM "$SRV_PID"
check "it stops" sh -c 'for i in $(seq 50); do kill -0 "$1" 2>/dev/null || exit 0; sleep 0.1; done; exit 1' \
    sh "$SRV_PID"

finish
