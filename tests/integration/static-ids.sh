#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# static-csv keyed by every id a client or a real relay brings, and the
# lookup order: DUID, then the Interface-ID, Remote-ID, Subscriber-ID and
# client link-layer address of the relay closest to the client; the first
# hit wins.
#  - direct: the DUID, and the Interface-ID (the server's interface name)
#  - ISC dhcrelay -6 -I -s SUB: its Interface-ID (the ifindex) and
#    Subscriber-ID
#  - dibbler-relay with "option remote-id" and "option link-layer": its
#    Interface-ID, Remote-ID and Client Link-Layer Address (RFC 6939)
#  - a chain: dibbler-relay (Remote-ID) closest to the client, behind ISC
#    dhcrelay (Interface-ID, Subscriber-ID): only the closest relay's ids
#    count, although dhcrelay's Interface-ID has a row and comes first.
#  - no single real relay sends a Remote-ID with a Subscriber-ID: for the
#    order of those and the link-layer address, a relay simulator (dhcp6.py
#    query --relay) on the server's relay link sends all three.
# The table changes between phases (export + SIGHUP), taking away the row
# that won, so that the next id in the order must win.
#
#  cli: c0 ------------------------------------------ srv: s0 2001:db8:1::1/64
#  cli: c1 -- rd: dhcrelay    2001:db8:2::1 | 2001:db8:ff::2 --+
#  cli: c2 -- rb: dibbler     2001:db8:3::1 | 2001:db8:ff::3 --+-- sw -- srv: s1 2001:db8:ff::1
#  cli: c3 -- ra: dibbler 2001:db8:4::1 | 2001:db8:5::2 --    |
#                     rc: dhcrelay 2001:db8:5::1 | 2001:db8:ff::4 --+
. "$(dirname "$0")/lib.sh"
need_root_netns
need dhcrelay dibbler-relay dumpcap tshark

S1="s1$ID"
topo_direct
netns sw
netns rd
netns rb
netns ra
netns rc
ip -n "dk$ID-sw" link add br0 type bridge
ip -n "dk$ID-sw" link set br0 up
link srv "$S1" sw "p0$ID"
addr srv "$S1" fe80::1/64
addr srv "$S1" 2001:db8:ff::1/64
n=2
for r in rd rb rc; do
    link "$r" "u$ID" sw "p$n$ID"
    ip -n "dk$ID-sw" link set "p$n$ID" master br0
    addr "$r" "u$ID" "fe80::$n/64"
    addr "$r" "u$ID" "2001:db8:ff::$n/64"
    n=$((n + 1))
done
ip -n "dk$ID-sw" link set "p0$ID" master br0
# The relay simulator's address, on the bridge.
ip netns exec "dk$ID-sw" sysctl -qw net.ipv6.conf.br0.accept_dad=0
addr sw br0 2001:db8:ff::9/64
# Client links, with fixed MACs (the DUID-LLs and link-layer ids follow).
i=1
for r in rd rb ra; do
    link cli "c$i$ID" "$r" "d$ID"
    ip -n "dk$ID-cli" link set "c$i$ID" address "02:00:00:00:00:1$i"
    addr cli "c$i$ID" fe80::2/64
    addr "$r" "d$ID" fe80::1/64
    addr "$r" "d$ID" "2001:db8:$((i + 1))::1/64"
    i=$((i + 1))
done
ip -n "dk$ID-cli" link set "c0$ID" address 02:00:00:00:00:10
link ra "u$ID" rc "d$ID"
addr ra "u$ID" fe80::2/64
addr ra "u$ID" 2001:db8:5::2/64
addr rc "d$ID" fe80::1/64
addr rc "d$ID" 2001:db8:5::1/64

# ---- the relays
relays_up() {
    # ISC dhcrelay: Interface-ID = the index given after '#' (4 octets, host
    # order), Subscriber-ID as given.
    in_ns rd dhcrelay -6 -d --no-pid -I -s "SUB-RD" -l "d$ID#21" -u "2001:db8:ff::1%u$ID" \
        >"$T/rd.log" 2>&1 &
    PIDS="$PIDS $!"
    in_ns rc dhcrelay -6 -d --no-pid -I -s "SUB-RC" -l "d$ID#31" -u "2001:db8:ff::1%u$ID" \
        >"$T/rc.log" 2>&1 &
    PIDS="$PIDS $!"
    dibbler_relay rb 9 LINE-RB "d$ID" 4242 "u$ID" 2001:db8:ff::1 "option link-layer"
    dibbler_relay ra 9 LINE-RA "d$ID" 4343 "u$ID" 2001:db8:5::1
}
# dhcrelay -I -l IF#N sends N as 4 octets in host (here little-endian) order.
RD_IID=15000000
RC_IID=1f000000
DB_IID=00001092 # rb's dibbler-relay "interface-id 4242", 4 octets, network order

# ---- the table, per phase: which groups of rows it holds.
# PHASE 1: every row; 2: no DUID rows; 3: no DUID nor Interface-ID rows;
# 4: no Remote-ID rows either (the simulator's Subscriber-ID row stays);
# 5: only the link-layer rows (and the chain's rows).
export_table() { # PHASE
    {
        echo "id,address,prefix"
        if [ "$1" -le 1 ]; then
            echo "duid:00030001020000000010,,2001:db8:1100::/56"
            echo "duid:00030001020000000012,,2001:db8:2100::/56"
        fi
        if [ "$1" -le 2 ]; then
            echo "interface-id-str:s0$ID,,2001:db8:1200::/56"
            echo "interface-id:$RD_IID,,2001:db8:3200::/56"
            echo "interface-id:$DB_IID,,2001:db8:2200::/56"
        fi
        if [ "$1" -le 3 ]; then
            echo "subscriber-id-str:SUB-RD,,2001:db8:3400::/56"
            echo "remote-id-str:9:LINE-RB,,2001:db8:2300::/56"
        fi
        if [ "$1" -le 3 ]; then
            echo "remote-id-str:9:SIM-RID,,2001:db8:9300::/56"
        fi
        if [ "$1" -le 4 ]; then
            echo "subscriber-id-str:SIM-SUB,,2001:db8:9400::/56"
        fi
        echo "linklayer-id:1:02:00:00:00:00:12,,2001:db8:2500::/56"
        echo "linklayer-id:1:02:00:00:00:00:19,,2001:db8:9500::/56"
        # The chain: the outer relay's ids have rows, the closest one's
        # Remote-ID too.
        echo "interface-id:$RC_IID,,2001:db8:4200::/56"
        echo "subscriber-id-str:SUB-RC,,2001:db8:4400::/56"
        echo "remote-id-str:9:LINE-RA,,2001:db8:4300::/56"
    } >"$T/ids.csv.new"
    chmod 644 "$T/ids.csv.new"
    mv "$T/ids.csv.new" "$T/ids.csv"
    ROWS=$(($(wc -l <"$T/ids.csv") - 1))
}
export_table 1
write_conf "$T/srv.conf" <<EOF
<listen-interface s0$ID/>
<listen-unicast 2001:db8:ff::1/>
<static-csv $T/ids.csv>
    # Each phase removes the rows that won the last one, on purpose.
    max-removed-percent 100
</static-csv>
EOF
check "the server starts" start_server srv "$T/srv.conf"
check "it loaded the table" wait_log "$ROWS assignments loaded, 0 bad rows skipped"
kill -0 "$SRV_PID" 2>/dev/null || exit 1
start_capture srv "$S1" "$T/s1.pcapng"
relays_up
for r in rb ra; do
    check "dibbler-relay in $r is up" wait_dibbler "$r"
done
check "dibbler-relay in rb adds the client link-layer address" \
    grep -q "Client link-local address option (RFC6939) enabled" "$T/rb.log"
sleep 1 # dhcrelay has no readiness message before its first packet

# The /56 a client on interface cN with MAC ...:1N is given.
prefix_of() { # N
    r=$(query cli --interface "c$1$ID" --mac "02:00:00:00:00:1$1" --ia-pd --oro "" \
        --timeout 2 --tries 3)
    echo "$r" >>"$T/answers.txt"
    case $r in
    *" pd="[0-9a-f]*) r=${r##* pd=} && echo "${r%% *}" ;;
    *) echo "none" ;;
    esac
}
# The /56 the relay simulator's client (DUID-LL ...:19) is given: a
# Relay-forward with a Remote-ID, a Subscriber-ID and the client's
# link-layer address (RFC 4649, 4580, 6939).
sim_prefix() {
    r=$(in_ns sw "$PY" "$HERE/dhcp6.py" query --relay 2001:db8:ff::9 --server 2001:db8:ff::1 \
        --link 2001:db8:9::1 --peer fe80::19 --mac 02:00:00:00:00:19 --ia-pd --oro "" \
        --relay-option "37:00000009$(hexof SIM-RID)" --relay-option "38:$(hexof SIM-SUB)" \
        --relay-option 79:0001020000000019 --timeout 2 --tries 3)
    echo "$r" >>"$T/answers.txt"
    case $r in
    *" pd="[0-9a-f]*) r=${r##* pd=} && echo "${r%% *}" ;;
    *) echo "none" ;;
    esac
}
gets() { # N PREFIX
    if [ "$1" = sim ]; then got=$(sim_prefix); else got=$(prefix_of "$1"); fi
    [ "$got" = "$2" ] && return 0
    log "client $1: got '$got', expected '$2'"
    return 1
}
phase() { # N: export the table of phase N and reload it
    export_table "$1"
    n=$(grep -c ": $ROWS assignments loaded" "$T/srv.log")
    kill -HUP "$SRV_PID"
    wait_count ": $ROWS assignments loaded" $((n + 1)) 100
}

# Phase 1: every row.
check "direct: the DUID row beats the Interface-ID (interface name) row" gets 0 2001:db8:1100::/56
check "dhcrelay: the Interface-ID (-l IF#21) row beats the Subscriber-ID row" \
    gets 1 2001:db8:3200::/56
check "dibbler-relay: the DUID row beats its Interface-ID, Remote-ID and link-layer rows" \
    gets 2 2001:db8:2100::/56
check "chain: the closest relay's Remote-ID wins over the outer relay's Interface-ID and Subscriber-ID" \
    gets 3 2001:db8:4300::/56
check "simulator: the Remote-ID beats the Subscriber-ID and link-layer address" \
    gets sim 2001:db8:9300::/56

check "phase 2: no DUID rows" phase 2
check "direct: the Interface-ID row (the server's interface name)" gets 0 2001:db8:1200::/56
check "dibbler-relay: its Interface-ID beats its Remote-ID and link-layer address" \
    gets 2 2001:db8:2200::/56
check "chain: still the closest relay's Remote-ID" gets 3 2001:db8:4300::/56

check "phase 3: no Interface-ID rows either" phase 3
check "dhcrelay: the Subscriber-ID row" gets 1 2001:db8:3400::/56
check "dibbler-relay: the Remote-ID beats the link-layer address" gets 2 2001:db8:2300::/56
check "direct: nothing is assigned any more" gets 0 none

check "phase 4: no Remote-ID rows either" phase 4
check "simulator: the Subscriber-ID beats the link-layer address" gets sim 2001:db8:9400::/56

check "phase 5: only the link-layer rows" phase 5
check "dibbler-relay: the Client Link-Layer Address (RFC 6939) row" gets 2 2001:db8:2500::/56
check "simulator: the link-layer address" gets sim 2001:db8:9500::/56
check "dhcrelay: nothing is assigned any more" gets 1 none
check "the server is still running" kill -0 "$SRV_PID"
stop_capture

# What the relays put in their Relay-forwards, as the capture shows it.
# (Wireshark 4.0 has no field for option 79: the option codes show it.)
tshark -n -r "$T/s1.pcapng" -Y "dhcpv6.msgtype == 12" -T fields -E occurrence=a \
    -e ipv6.src -e dhcpv6.interface_id -e dhcpv6.subscriber_id -e dhcpv6.remoteid_enterprise_id \
    -e dhcpv6.option.type >"$T/forw.txt" 2>/dev/null
log "Relay-forwards (relay, Interface-IDs, Subscriber-ID, Remote-ID, option codes):"
sort -u "$T/forw.txt" | sed 's/^/    /' >&2
check "dhcrelay sent the Interface-ID and Subscriber-ID the table uses" \
    grep -q "^2001:db8:ff::2	$RD_IID	SUB-RD	" "$T/forw.txt"
check "dibbler-relay sent a Client Link-Layer Address option (79)" \
    grep -q "^2001:db8:ff::3	.*[,	]79\(,\|\$\)" "$T/forw.txt"
check "dhcrelay added no Client Link-Layer Address option" \
    sh -c '! grep "^2001:db8:ff::2	" "$1" | grep -q "[,	]79\(,\|\$\)"' sh "$T/forw.txt"
check "every server packet to the relays passes the checks" \
    check_capture "$T/s1.pcapng" 2001:db8:ff::1

finish
