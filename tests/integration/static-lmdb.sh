#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# static-lmdb end to end: an LMDB file built by ipv6-dhcp-build-lmdb from a
# CSV; ISC dhclient -6 -N -P on a link of the server gets exactly the address
# and /56 of its row (keyed by interface-id-str: the name of the server's
# interface, which a direct request carries as its Interface-ID). The file
# is rebuilt from a changed CSV with NO reload: the server picks the new file
# up by itself, and the client's next Renew gets the new prefix and the old
# one with lifetimes 0 (seen in a capture). A broken replacement is refused
# and logged while the old file serves on. A file that is not LMDB is refused
# with the config's file:line. The INI names LMDBBasedFixedAssignment and
# ShelfBasedFixedAssignment both serve from the same file.
#
#  cli: c0 fe80::2 ----------------- srv: s0 fe80::1, 2001:db8:1::1/64
. "$(dirname "$0")/lib.sh"
need_root_netns
need dhclient dumpcap
BUILD=${IPV6_DHCP_BUILD_LMDB:?IPV6_DHCP_BUILD_LMDB must name ipv6-dhcp-build-lmdb}
DECODE=${IPV6_DHCP_DECODE:?}

topo_direct

# The file is read by the engine, which runs as $SRV_USER: $T is 755 and the
# tool writes 0644.
chmod 755 "$T"
n_csv=0
csv() { # PREFIX: a new export (a newer modification time each time)
    n_csv=$((n_csv + 1))
    printf 'id;address;prefix;customer\r\n"interface-id-str:%s";2001:db8:1::100;%s;"CUST1, direct"\r\nduid:00:01:02:03;2001:db8:1::200;2001:db8:999::/56;other\r\n' \
        "$S0" "$1" >"$T/assign.csv"
    touch -d "@$((1700000000 + n_csv))" "$T/assign.csv"
}
csv 2001:db8:100::/56
check "ipv6-dhcp-build-lmdb builds the file" "$BUILD" "$T/assign.csv" "$T/assign.lmdb"
check "mode 0644" sh -c '[ "$(stat -c %a "$1")" = 644 ]' sh "$T/assign.lmdb"

# Short lifetimes, so that dhclient renews within the test (T1 2 s, T2 3 s).
write_conf "$T/srv.conf" <<EOF
<listen-interface $S0/>
<static-lmdb $T/assign.lmdb>
    address-preferred-lifetime 4
    address-valid-lifetime 8
    prefix-preferred-lifetime 4
    prefix-valid-lifetime 8
</static-lmdb>
<iana-timing-limits/>
<iapd-timing-limits/>
EOF
check "the config passes -n" "$IPV6_DHCPD" -n "$T/srv.conf"
check "the server starts" start_server srv "$T/srv.conf"
check "it opened the file" wait_log "<static-lmdb $T/assign.lmdb>: 2 assignments loaded"
check "no lock file beside it" sh -c '[ "$(ls "$1" | grep -c assign.lmdb)" = 1 ]' sh "$T"

hook_env_setup

( run_client cli dhclient -6 -N -P -d -v -cf /dev/null -lf "$T/dhclient.leases" \
    -pf /run/dhclient/c.pid -sf "$T/hook.sh" "$C0" ) >"$T/dhclient.log" 2>&1 &
CLIENT=$!
PIDS="$PIDS $CLIENT"
check "dhclient -6 -N -P is bound to the row's prefix" \
    wait_env 0 "new_ip6_prefix=2001:db8:100::/56"
check "and to the row's address" wait_env 0 "new_ip6_address=2001:db8:1::100"
mark=$(date +%s%N)
check "dhclient renews it" wait_env "$mark" "reason=RENEW6"

# A changed assignment, rebuilt beside the live file and renamed over it.
# No SIGHUP, no reload.
check "the capture starts" start_capture cli "$C0" "$T/renew.pcapng"
csv 2001:db8:200::/56
check "the rebuild succeeds" "$BUILD" "$T/assign.csv" "$T/assign.lmdb"
check "the server picks the new file up by itself" \
    wait_log "$T/assign.lmdb: replaced file picked up: 2 assignments"
mark=$(date +%s%N)
check "the next Renew or Rebind gets the new prefix" \
    wait_env "$mark" "new_ip6_prefix=2001:db8:200::/56"
mark=$(date +%s%N)
check "and the one after it too" wait_env "$mark" "new_ip6_prefix=2001:db8:200::/56"
stop_capture
check "nothing was reloaded" sh -c '! grep -qi "reload" "$1"' sh "$T/srv.log"
# The Reply that moved the client: the new prefix with lifetimes, the old
# one with lifetimes 0 (RFC 8415 §18.3.4).
moved() {
    "$DECODE" "$T/renew.pcapng" 2>/dev/null | "$PY" -c '
import json, sys
def prefixes(m):
    for o in m.get("options", []):
        if o.get("code") == 25:
            for s in o.get("options", []):
                if s.get("code") == 26:
                    yield s["prefix"], s["preferred_lifetime"], s["valid_lifetime"]
for line in sys.stdin:
    m = json.loads(line)
    if m.get("msg_type") != 7:
        continue
    p = {x[0]: x[1:] for x in prefixes(m)}
    new, old = p.get("2001:db8:200::/56"), p.get("2001:db8:100::/56")
    if new and old and new[0] > 0 and new[1] > 0 and old == (0, 0):
        sys.exit(0)
sys.exit(1)'
}
check "a Reply renews 2001:db8:200::/56 and gives 2001:db8:100::/56 lifetimes 0" moved
check "the server's packets are well formed" check_capture "$T/renew.pcapng" fe80::1

# A broken replacement: refused, logged, the old file serves on.
printf 'id,address,prefix\ninterface-id-str:%s,2001:db8:1::100,2001:db8:300::/56\n' "$S0" \
    >"$T/assign.lmdb.new"
chmod 644 "$T/assign.lmdb.new"
mv "$T/assign.lmdb.new" "$T/assign.lmdb"
check "a replacement that is not LMDB is refused and logged" \
    wait_log "$T/assign.lmdb: replacement refused: .*not an LMDB file, rebuild it with ipv6-dhcp-build-lmdb.*keeps serving"
mark=$(date +%s%N)
check "the old file keeps serving: a Renew still gets 2001:db8:200::/56" \
    wait_env "$mark" "new_ip6_prefix=2001:db8:200::/56"
check "and never the broken file's prefix" \
    sh -c "! grep -rqx 'new_ip6_prefix=2001:db8:300::/56' '$T/env'"
check "it is logged once" sh -c '[ "$(grep -c "replacement refused" "$1")" = 1 ]' sh "$T/srv.log"
check "the server is still running" kill -0 "$SRV_PID"
kill "$CLIENT" 2>/dev/null
wait "$CLIENT" 2>/dev/null
stop_server

# A file that is not LMDB at start: refused with the section's file:line.
printf 'id,address,prefix\n' >"$T/not.lmdb"
write_conf "$T/bad.conf" <<EOF
<listen-interface $S0/>
<static-lmdb $T/not.lmdb/>
EOF
line=$(grep -n "<static-lmdb" "$T/bad.conf" | cut -d: -f1)
"$IPV6_DHCPD" -n "$T/bad.conf" >"$T/bad.out" 2>&1
check "-n refuses a file that is not LMDB (exit 1)" [ $? = 1 ]
check "with file:line: not an LMDB file, rebuild it with ipv6-dhcp-build-lmdb" \
    grep -qx "$T/bad.conf:$line: not an LMDB file, rebuild it with ipv6-dhcp-build-lmdb" \
    "$T/bad.out"

# The INI names: both map to static-lmdb and serve from the file, rebuilt
# over the broken one (which needs -f: the tool cannot read it).
csv 2001:db8:100::/56
"$BUILD" "$T/assign.csv" "$T/assign.lmdb" 2>/dev/null
check "the tool refuses to replace a file that is not LMDB (exit 2)" [ $? = 2 ]
check "but does it with -f" "$BUILD" -f "$T/assign.csv" "$T/assign.lmdb"
for name in LMDBBasedFixedAssignment ShelfBasedFixedAssignment; do
    cat >"$T/$name.ini" <<EOF
[server]
user = $SRV_USER
group = $SRV_GROUP
server-duid-file = $T/state/server-duid
threads = 2

[interface $S0]
multicast = yes

[option $name 2001:db8:1::/64]
assignments-file = $T/assign.lmdb
prefix-preferred-lifetime = 4
prefix-valid-lifetime = 8
EOF
    "$IPV6_DHCPD" -n -v "$T/$name.ini" >"$T/$name.tree" 2>&1
    check "[option $name] passes -n" [ $? = 0 ]
    check "[option $name] is <static-lmdb>" grep -q "<static-lmdb $T/assign.lmdb" "$T/$name.tree"
    # The INI syntax logs to syslog: keep the host's out of it.
    before=$(grep -c "ipv6-dhcpd .* started" "$T/srv.log")
    ip netns exec "dk$ID-srv" unshare -m sh -c '
        if [ -e /dev/log ] || [ -L /dev/log ]; then mount --bind /dev/null /dev/log; fi
        exec "$1" -vv -p "$2/pid" -c "$2/sock" "$3"' sh "$IPV6_DHCPD" "$T" "$T/$name.ini" \
        >>"$T/srv.log" 2>&1 &
    SRV_PID=$!
    PIDS="$PIDS $SRV_PID"
    check "the server starts with [option $name]" \
        wait_count "ipv6-dhcpd .* started" $((before + 1))
    rm -rf "$T/env"/* "$T/dhclient.leases"
    ( run_client cli dhclient -6 -N -P -d -v -cf /dev/null -lf "$T/dhclient.leases" \
        -pf /run/dhclient/c.pid -sf "$T/hook.sh" "$C0" ) >"$T/dhclient-$name.log" 2>&1 &
    CLIENT=$!
    PIDS="$PIDS $CLIENT"
    check "[option $name]: dhclient gets the row's prefix" \
        wait_env 0 "new_ip6_prefix=2001:db8:100::/56"
    check "[option $name]: and its address" wait_env 0 "new_ip6_address=2001:db8:1::100"
    kill "$CLIENT" 2>/dev/null
    wait "$CLIENT" 2>/dev/null
    check "the server stops" stop_server
done

finish
