#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Log destinations of <logging>: a file (with rotation by size) and syslog
# (here a local datagram socket), with their levels and facility; the
# engine's records reach them through the parent; a reload changes them.
. "$(dirname "$0")/lib.sh"
need_root_netns

topo_direct
mkdir "$T/logs"
conf() { # FILE-LEVEL
    write_conf "$T/srv.conf" <<EOF
<logging>
    <file $T/logs/ipv6-dhcpd.log>
        level $1
        rotate size
        size 2kb
        keep 2
    </file>
    <syslog $T/syslog.sock>
        level info
        facility local3
    </syslog>
</logging>
<listen-interface $S0/>
<recursive-name-servers>
    address 2001:db8::53
</recursive-name-servers>
EOF
}
conf debug

# A syslog daemon: every datagram on its own line.
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

check "the server starts" start_server srv "$T/srv.conf"
sleep 0.3
# RFC 3164: <facility * 8 + severity>; local3 = 19, warning = 4, info = 6.
check "syslog gets the start (local3.warning)" \
    grep -q "^<156>.* ipv6-dhcpd\[$SRV_PID\]: ipv6-dhcpd .* started" "$T/syslog.txt"
check "syslog gets the engine's records (local3.info)" \
    grep -q "^<158>.*: log_listener: listening on ff02::1:2%$S0" "$T/syslog.txt"
check "but nothing below info" sh -c '! grep -q "^<159>" "$1"' sh "$T/syslog.txt"
f="$T/logs/ipv6-dhcpd.log"
check "the file gets the start" grep -q "Z WARNING ipv6-dhcpd .* started" "$f"
check "and the engine's records" grep -q "Z INFO log_listener: listening on" "$f"

# Debug lines (one per control command) until the file rotates twice.
for _ in $(seq 60); do ctl version >/dev/null; done
sleep 0.3
check "the file is rotated by size" [ -s "$f.1" -a -s "$f.2" ]
check "and keeps 2 old files" [ ! -e "$f.3" ]
check "each below the size" [ "$(stat -c %s "$f.1")" -le 2048 ]

conf warning
check "reload with the file at level warning" ctl reload
n=$(grep -c "control command" "$f" 2>/dev/null)
for _ in $(seq 5); do ctl version >/dev/null; done
sleep 0.3
check "no more debug lines in the file" [ "$(grep -c "control command" "$f")" -eq "$n" ]
check "the reload itself was logged (warning)" grep -q "WARNING reload: reloaded" "$f"

finish
