#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# static-sqlite end to end. ipv6-dhcp-build-sqlite (as root) builds the
# database from a CSV in a folder only root may write; the engine reads it
# as nobody. ISC dhclient -6 -N -P gets exactly the address and /56 of its
# row (keyed by interface-id-str: the name of the server's interface, which
# a direct request carries as its Interface-ID). The database is rebuilt
# from a changed CSV with the tool and NO reload: the client's next Renew
# gets the new prefix, and the old one with lifetimes 0 (in the Reply the
# client received). Then the INI form [option SqliteBasedFixedAssignment
# PREFIX] serves another database to the same client.
#
#  cli: c0 fe80::2 ----------------- srv: s0 fe80::1, 2001:db8:1::1/64
. "$(dirname "$0")/lib.sh"
need_root_netns
need dhclient dumpcap tshark
: "${IPV6_DHCP_BUILD_SQLITE:?IPV6_DHCP_BUILD_SQLITE must name ipv6-dhcp-build-sqlite}"
BUILD=$IPV6_DHCP_BUILD_SQLITE

topo_direct

# Root's folder, root's files: the engine (nobody) may only read them.
mkdir -m 755 "$T/db"
DB=$T/db/assign.sqlite
csv() { # FILE PREFIX (written beside and renamed over, as an export should be)
    printf 'id;address;prefix;customer\r\n"interface-id-str:%s";2001:db8:1::100;%s;"CUST1, direct"\r\nduid:00:01:02:03;2001:db8:1::200;2001:db8:999::/56;other\r\n' \
        "$S0" "$2" >"$1.new"
    mv "$1.new" "$1"
}
csv "$T/db/assign.csv" 2001:db8:100::/56
check "the tool builds the database" "$BUILD" -v "$T/db/assign.csv" "$DB"
check "and keeps its -wal and -shm, root's, not writable by others" \
    sh -c '[ "$(stat -c %U:%a "$1-wal" "$1-shm" | sort -u)" = root:644 ]' sh "$DB"

# Short lifetimes, so that dhclient renews within the test (T1 2 s, T2 3 s).
write_conf "$T/srv.conf" <<EOF
<listen-interface $S0/>
<static-sqlite $DB>
    address-preferred-lifetime 4
    address-valid-lifetime 8
    prefix-preferred-lifetime 4
    prefix-valid-lifetime 8
</static-sqlite>
<iana-timing-limits/>
<iapd-timing-limits/>
EOF
sed "s|$DB|$T/db/missing.sqlite|" "$T/srv.conf" >"$T/missing.conf"
check "-n refuses a missing database, saying how to build it" \
    sh -c '"$1" -n "$2" 2>&1 | grep -q "missing.sqlite: not an assignments database, build it with ipv6-dhcp-build-sqlite"' \
    sh "$IPV6_DHCPD" "$T/missing.conf"

check "the server starts" start_server srv "$T/srv.conf"
check "it opened the database" wait_log "2 assignments loaded, 0 bad rows skipped"
check "its engine reads it as nobody" \
    sh -c 'awk "/^Uid:/ { exit \$2 != 65534 }" "/proc/$1/status"' sh "$ENGINE_PID"
check "in a folder that nobody may not write" \
    sh -c '! setpriv --reuid nobody --regid "$2" --clear-groups touch "$1/x" 2>/dev/null' \
    sh "$T/db" "$SRV_GROUP"

hook_env_setup

# What the client receives, captured on its side.
check "the capture starts" start_capture cli "$C0" "$T/cli.pcapng"

# dhclient stays in the foreground (-d) and renews.
( run_client cli dhclient -6 -N -P -d -v -cf /dev/null -lf "$T/dhclient.leases" \
    -pf /run/dhclient/c.pid -sf "$T/hook.sh" "$C0" ) >"$T/dhclient.log" 2>&1 &
CLIENT=$!
PIDS="$PIDS $CLIENT"
check "dhclient -6 -N -P is bound to the row's prefix" \
    wait_env 0 "new_ip6_prefix=2001:db8:100::/56"
check "and to the row's address" wait_env 0 "new_ip6_address=2001:db8:1::100"
mark=$(date +%s%N)
check "dhclient renews it" wait_env "$mark" "reason=RENEW6"

# A changed assignment, exported and built into the database: no reload.
loads=$(grep -c "assignments loaded" "$T/srv.log")
csv "$T/db/assign.csv" 2001:db8:200::/56
mark=$(date +%s%N)
check "the tool rebuilds the database in place" "$BUILD" -v "$T/db/assign.csv" "$DB"
check "the next Renew or Rebind gets the new prefix" \
    wait_env "$mark" "new_ip6_prefix=2001:db8:200::/56"
check "without a reload" sh -c '[ "$(grep -c "assignments loaded" "$1")" = "$2" ]' \
    sh "$T/srv.log" "$loads"
check "the client is bound to the new prefix, not the old one" \
    sh -c '! grep -qx "new_ip6_prefix=2001:db8:100::/56" "$(ls "$1"/* | tail -n 1)"' sh "$T/env"
stop_capture
# The Reply that brought the new prefix took the old one away: lifetimes 0.
tshark -n -r "$T/cli.pcapng" -Y "dhcpv6.msgtype == 7" -T fields \
    -e dhcpv6.iaprefix.pref_addr -e dhcpv6.iaprefix.pref_lifetime \
    -e dhcpv6.iaprefix.valid_lifetime >"$T/replies.txt" 2>/dev/null
log "Replies (prefixes, preferred, valid): $(tr '\n' ' ' <"$T/replies.txt")"
check "a Reply gave 2001:db8:200::/56 and 2001:db8:100::/56 with lifetimes 0" \
    grep -Eq '^2001:db8:200::,2001:db8:100::	4,0	8,0$|^2001:db8:100::,2001:db8:200::	0,4	0,8$' \
    "$T/replies.txt"
check "the server's packets are well-formed" check_capture "$T/cli.pcapng" fe80::1

# A row that cannot be parsed (edited by hand) assigns nothing; no crash.
check "a second capture starts" start_capture cli "$C0" "$T/cli2.pcapng"
sqlite3 "$DB" "UPDATE assignments SET prefix = '2001:db8:300::/999' WHERE id LIKE 'interface-id:%'"
nobinding() {
    tshark -n -r "$T/cli2.pcapng" -Y "dhcpv6.msgtype == 7 && dhcpv6.status_code == 3" \
        2>/dev/null | grep -q .
}
wait_nobinding() {
    for _ in $(seq 100); do nobinding && return 0; sleep 0.1; done
    return 1
}
check "a bad row: the client's next Renew gets NoBinding" wait_nobinding
stop_capture
check "the server is still running" kill -0 "$SRV_PID"
kill "$CLIENT" 2>/dev/null
wait "$CLIENT" 2>/dev/null
stop_server

# ---- the INI form, with its own database
csv "$T/db/ini.csv" 2001:db8:400::/56
check "the tool builds a second database" "$BUILD" "$T/db/ini.csv" "$T/db/ini.sqlite"
cat >"$T/srv.ini" <<EOF
[server]
user = $SRV_USER
group = $SRV_GROUP
threads = 2
server-duid-file = $T/state/server-duid

[interface $S0]
multicast = yes

[option SqliteBasedFixedAssignment 2001:db8:1::/64]
assignments-file = $T/db/ini.sqlite
address-preferred-lifetime = 4
address-valid-lifetime = 8
prefix-preferred-lifetime = 4
prefix-valid-lifetime = 8

[option IANATimingLimits]
[option IAPDTimingLimits]
EOF
check "the INI config passes -n" "$IPV6_DHCPD" -n "$T/srv.ini"
# The INI syntax always logs to syslog: ours, not the host's.
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
    exec "$2" -v -p "$3/pid" -c "$3/sock" "$3/srv.ini"' sh "$T/syslog.sock" "$IPV6_DHCPD" "$T" \
    >>"$T/srv.log" 2>&1 &
SRV_PID=$!
PIDS="$PIDS $SRV_PID"
check "the INI server opens its database" wait_log "ini.sqlite>: 2 assignments loaded"
rm -f "$T/dhclient.leases"
( run_client cli dhclient -6 -N -P -d -v -cf /dev/null -lf "$T/dhclient.leases" \
    -pf /run/dhclient/c.pid -sf "$T/hook.sh" "$C0" ) >>"$T/dhclient.log" 2>&1 &
CLIENT=$!
PIDS="$PIDS $CLIENT"
mark=$(date +%s%N)
check "[option SqliteBasedFixedAssignment]: dhclient gets its row's prefix" \
    wait_env "$mark" "new_ip6_prefix=2001:db8:400::/56"
check "and its address" wait_env "$mark" "new_ip6_address=2001:db8:1::100"
kill "$CLIENT" 2>/dev/null

finish
