#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Real clients, answered directly and through a real relay: ISC dhclient -6
# (Information-request; IA_NA; -P IA_PD), dhcpcd (--inform6; IA_NA), WIDE
# dhcp6c (information-only; IA_NA + IA_PD) on a link of the server, and
# dhclient -6 behind ISC dhcrelay -6. Without assignments (issue 4) the
# server hands out no leases: it answers Solicits with NoAddrsAvail /
# NoPrefixAvail and Information-requests with the options. Every packet the
# server sends is captured and must pass tshark, an independent TLV walk
# and ipv6-dhcp-decode.
#
#  cli: c0 fe80::2 ----------------- srv: s0 fe80::1, 2001:db8:1::1/64
#  cli: c1 fe80::2 -- rly: r0 fe80::1, 2001:db8:2::1/64
#                     rly: r1 2001:db8:ff::2/64 -- srv: s1 2001:db8:ff::1/64
. "$(dirname "$0")/lib.sh"
need_root_netns
need dhclient dhcpcd dhcp6c dhcrelay dumpcap tshark

S1="s1$ID" C1="c1$ID" R0="r0$ID" R1="r1$ID"
topo_direct
netns rly
link srv "$S1" rly "$R1"
link cli "$C1" rly "$R0"
addr srv "$S1" fe80::1/64
addr srv "$S1" 2001:db8:ff::1/64
addr rly "$R1" fe80::2/64
addr rly "$R1" 2001:db8:ff::2/64
addr rly "$R0" fe80::1/64
addr rly "$R0" 2001:db8:2::1/64
addr cli "$C1" fe80::2/64
in_ns srv ip -6 route add 2001:db8:2::/64 via 2001:db8:ff::2 dev "$S1"

write_conf "$T/srv.conf" <<EOF
<statistics>
    interface $S0
    subnet 2001:db8:2::/64
    relay 2001:db8:ff::2
</statistics>
<listen-interface $S0/>
<listen-unicast 2001:db8:ff::1/>
<recursive-name-servers>
    address 2001:db8::53
</recursive-name-servers>
<domain-search-list>
    domain-name example.com
</domain-search-list>
EOF
check "the server starts" start_server srv "$T/srv.conf"
start_capture srv "$S0" "$T/s0.pcapng"
CAP0=$CAP_PID
start_capture srv "$S1" "$T/s1.pcapng"
CAP1=$CAP_PID

# The clients' scripts only record what they were told.
mkdir -m 1777 "$T/env"
printf '#!/bin/sh\nenv | sort > "%s/env/${reason:-${REASON:-none}}.$$"\n' "$T" >"$T/hook.sh"
chmod 755 "$T/hook.sh"
env_has() { # PATTERN
    cat "$T"/env/* 2>/dev/null | grep -q -- "$1"
}

# 1. dhclient -6 -S: an Information-request, completed.
( run_client cli timeout 20 dhclient -6 -S -1 -d -v -cf /dev/null -lf "$T/dhclient-s.leases" \
    -pf /run/dhclient/s.pid -sf "$T/hook.sh" "$C0" ) >"$T/dhclient-s.log" 2>&1
check "dhclient -6 -S completes" [ $? -eq 0 ]
check "dhclient got the name server" env_has "new_dhcp6_name_servers=2001:db8::53"
check "dhclient got the search list" env_has "new_dhcp6_domain_search=example.com."
rm -f "$T"/env/*

# 2. dhclient -6 (IA_NA) and -6 -P (IA_PD): Advertise with the status.
( run_client cli timeout 3 dhclient -6 -1 -d -v -cf /dev/null -lf "$T/dhclient-na.leases" \
    -pf /run/dhclient/na.pid -sf "$T/hook.sh" "$C0" ) >"$T/dhclient-na.log" 2>&1
check "dhclient -6 hears NoAddrsAvail" grep -q "Status code of no addrs" "$T/dhclient-na.log"
( run_client cli timeout 3 dhclient -6 -P -1 -d -v -cf /dev/null -lf "$T/dhclient-pd.leases" \
    -pf /run/dhclient/pd.pid -sf "$T/hook.sh" "$C0" ) >"$T/dhclient-pd.log" 2>&1
check "dhclient -6 -P hears NoPrefixAvail" grep -q "Status code of no prefix" "$T/dhclient-pd.log"

# 3. dhcpcd: --inform6, then IA_NA.
cat >"$T/dhcpcd.conf" <<EOF
script $T/hook.sh
duid
ipv6only
noipv6rs
nohook resolv.conf
allowinterfaces $C0
option dhcp6_name_servers, dhcp6_domain_search
EOF
( run_client cli timeout 15 dhcpcd -6 --inform6 -1 -B -d -t 10 -f "$T/dhcpcd.conf" \
    "$C0" ) >"$T/dhcpcd-inform.log" 2>&1
check "dhcpcd --inform6 completes" [ $? -eq 0 ]
check "dhcpcd got the name server" env_has "new_dhcp6_name_servers=2001:db8::53"
printf 'interface %s\nia_na 1\n' "$C0" >>"$T/dhcpcd.conf"
( run_client cli timeout 3 dhcpcd -6 -1 -B -d -t 2 -f "$T/dhcpcd.conf" "$C0" ) \
    >"$T/dhcpcd-na.log" 2>&1
check "dhcpcd hears NoAddrsAvail" grep -q "No addresses available" "$T/dhcpcd-na.log"
rm -f "$T"/env/*

# 4. WIDE dhcp6c: information-only, then IA_NA + IA_PD.
run_dhcp6c() { # CONF LOG PATTERN
    ( run_client cli dhcp6c -f -D -c "$1" -p /run/dhcp6c.pid "$C0" ) >"$2" 2>&1 &
    pid=$!
    PIDS="$PIDS $pid"
    found=1
    for _ in $(seq 100); do
        if grep -q "$3" "$2"; then
            found=0
            break
        fi
        sleep 0.1
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return $found
}
cat >"$T/dhcp6c-info.conf" <<EOF
interface $C0 {
    information-only;
    request domain-name-servers;
    script "$T/hook.sh";
};
EOF
check "dhcp6c information-only gets a reply" \
    run_dhcp6c "$T/dhcp6c-info.conf" "$T/dhcp6c-info.log" "got an expected reply"
check "dhcp6c got the name server" grep -q "nameserver\[0\] 2001:db8::53" "$T/dhcp6c-info.log"
cat >"$T/dhcp6c-na.conf" <<EOF
interface $C0 {
    send ia-na 1;
    send ia-pd 2;
    script "$T/hook.sh";
};
id-assoc na 1 { };
id-assoc pd 2 { };
EOF
check "dhcp6c hears an Advertise without address or prefix" \
    run_dhcp6c "$T/dhcp6c-na.conf" "$T/dhcp6c-na.log" "advertise contains no address/prefix"
check "dhcp6c sees NoAddrsAvail" grep -q "status code: no addresses" "$T/dhcp6c-na.log"
check "dhcp6c sees NoPrefixAvail" grep -q "status code: no prefixes" "$T/dhcp6c-na.log"

# 5. Through ISC dhcrelay -6 (Interface-ID and Subscriber-ID).
in_ns rly dhcrelay -6 -d -I -s "subscr-$ID" -l "$R0" -u "2001:db8:ff::1%$R1" \
    >"$T/dhcrelay.log" 2>&1 &
RELAY=$!
PIDS="$PIDS $RELAY"
sleep 1
( run_client cli timeout 20 dhclient -6 -S -1 -d -v -cf /dev/null -lf "$T/dhclient-r.leases" \
    -pf /run/dhclient/r.pid -sf "$T/hook.sh" "$C1" ) >"$T/dhclient-r.log" 2>&1
check "dhclient -6 -S through dhcrelay completes" [ $? -eq 0 ]
check "and got the name server" env_has "new_dhcp6_name_servers=2001:db8::53"
check "dhcrelay relayed the Reply down" grep -q "Relaying Reply" "$T/dhcrelay.log"
kill "$RELAY" 2>/dev/null

# What the server sent, as the captures show it (dumpcap gets a moment to
# read what the kernel holds for it).
sleep 1
kill -INT "$CAP0" "$CAP1" 2>/dev/null
wait "$CAP0" "$CAP1" 2>/dev/null
export IPV6_DHCP_DECODE
"$PY" "$HERE/dhcp6.py" summary "$T/s0.pcapng" fe80::1 2001:db8:1::1 >"$T/s0.txt"
"$PY" "$HERE/dhcp6.py" summary "$T/s1.pcapng" 2001:db8:ff::1 >"$T/s1.txt"
check "Replies to Information-requests carry DNS" grep -q "^REPLY .*dns=2001:db8::53 " "$T/s0.txt"
check "Advertises carry IA_NA with NoAddrsAvail" grep -q "^ADVERTISE .*opt3=NoAddrsAvail" "$T/s0.txt"
check "Advertises carry IA_PD with NoPrefixAvail" grep -q "^ADVERTISE .*opt25=NoPrefixAvail" "$T/s0.txt"
check "the relay got a Relay-reply with its Interface-ID echoed" \
    grep -q "^RELAY-REPL/REPLY .*dns=2001:db8::53 .*ifid=[0-9a-f]" "$T/s1.txt"
check "every server packet on the client link passes the checks" \
    check_capture "$T/s0.pcapng" fe80::1 2001:db8:1::1
check "every server packet to the relay passes the checks" \
    check_capture "$T/s1.pcapng" 2001:db8:ff::1

ctl stats-json >"$T/stats.json"
check "the statistics saw it all" "$PY" -c '
import json, sys
g = json.load(open(sys.argv[1]))["global"]
assert g["messages_in"]["solicit"] > 0 and g["messages_in"]["information_request"] > 0
assert g["messages_out"]["advertise"] > 0 and g["messages_out"]["reply"] > 0
assert g["outgoing_packets"] == g["messages_out"]["advertise"] + g["messages_out"]["reply"]
' "$T/stats.json"
check "per interface, subnet and relay too" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
direct = d["interfaces"][sys.argv[2]]
assert direct["messages_in"]["solicit"] > 0 and direct["messages_out"]["advertise"] > 0
# The relayed client: its link (dhcrelay link-address 2001:db8:2::1), its relay.
for s in (d["subnets"]["2001:db8:2::/64"], d["relays"]["2001:db8:ff::2"]):
    assert s["messages_in"]["information_request"] > 0 and s["messages_out"]["reply"] > 0
    assert s["messages_in"]["solicit"] == 0
' "$T/stats.json" "$S0"

finish
