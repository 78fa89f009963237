#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Real clients beyond dhclient with static-csv rows: dhcpcd and WIDE dhcp6c,
# each asking for an address (IA_NA) and a prefix (IA_PD), get exactly
# their row's address and /56:
#  - on the server's link, keyed by their DUID (the DUID file each client
#    keeps is seeded, as an operator would know it from the CPE);
#  - behind ISC dhcrelay -6 -I -s SUB, keyed by the relay's Subscriber-ID
#    (dhcpcd) and Interface-ID (dhcp6c); their DUIDs have no row there.
#
#  cli: c0 fe80::2 ----------------- srv: s0 fe80::1, 2001:db8:1::1/64
#  cli: c1 fe80::2 -- rly: r0 fe80::1, 2001:db8:2::1/64
#                     rly: r1 2001:db8:ff::2/64 -- srv: s1 2001:db8:ff::1/64
. "$(dirname "$0")/lib.sh"
need_root_netns
need dhcpcd dhcp6c dhcrelay

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

# The clients' DUIDs (DUID-LL of made-up MACs).
DUID_DHCPCD=00:03:00:01:02:00:00:00:00:31
DUID_DHCP6C=00:03:00:01:02:00:00:00:00:32
{
    echo "id,address,prefix"
    echo "duid:$DUID_DHCPCD,2001:db8:1::31,2001:db8:3100::/56"
    echo "duid:$DUID_DHCP6C,2001:db8:1::32,2001:db8:3200::/56"
    echo "subscriber-id-str:SUB-$ID,2001:db8:2::41,2001:db8:4100::/56"
    echo "interface-id:07000000,2001:db8:2::42,2001:db8:4200::/56"
    # A catch-all for the server's link that nobody may get: the DUIDs win.
    echo "interface-id-str:s0$ID,2001:db8:1::99,2001:db8:9900::/56"
} >"$T/clients.csv"
chmod 644 "$T/clients.csv"
write_conf "$T/srv.conf" <<EOF
<listen-interface $S0/>
<listen-unicast 2001:db8:ff::1/>
<static-csv $T/clients.csv/>
EOF
check "the server starts" start_server srv "$T/srv.conf"
check "it loaded the table" wait_log "5 assignments loaded, 0 bad rows skipped"

mkdir -m 1777 "$T/env"
printf '#!/bin/sh\nenv | sort > "%s/env/${interface:-none}.${reason:-none}.$$"\n' "$T" \
    >"$T/hook.sh"
chmod 755 "$T/hook.sh"
# Whether a hook call for interface IF saw the line PATTERN.
env_has() { # IF PATTERN
    cat "$T/env/$1".* 2>/dev/null | grep -qx -- "$2"
}

# Each client run gets its own state folder ($T/NAME), so its DUID file
# (dhcpcd: /var/lib/dhcpcd/duid, text; dhcp6c: /var/lib/dhcpv6/dhcp6c_duid,
# a 16-bit host-order length and the octets) is its own.
seed() { # NAME KIND DUID
    mkdir -p "$T/$1/lib-dhcpcd" "$T/$1/lib-dhcpv6" "$T/$1/lib-dhcp"
    chmod 755 "$T/$1"
    case $2 in
    dhcpcd) echo "$3" >"$T/$1/lib-dhcpcd/duid" ;;
    dhcp6c)
        hex=$(echo "$3" | tr -d :)
        printf "\\$(printf '%03o' $((${#hex} / 2)))\\000" >"$T/$1/lib-dhcpv6/dhcp6c_duid"
        printf '%s' "$hex" | sed 's/../\\x&/g' | xargs -0 printf '%b' >>"$T/$1/lib-dhcpv6/dhcp6c_duid"
        ;;
    esac
}

dhcpcd_run() { # NAME IF
    cat >"$T/$1/dhcpcd.conf" <<EOF
script $T/hook.sh
duid
ipv6only
noipv6rs
nohook resolv.conf
allowinterfaces $2
interface $2
ia_na 1
ia_pd 2
EOF
    ( T="$T/$1" && run_client cli timeout 30 dhcpcd -6 -1 -B -d -t 20 -f "$T/dhcpcd.conf" "$2" ) \
        >"$T/$1.log" 2>&1
}

# dhcp6c stays in the foreground; it is done when it logs both.
dhcp6c_run() { # NAME IF
    cat >"$T/$1/dhcp6c.conf" <<EOF
interface $2 {
    send ia-na 1;
    send ia-pd 2;
};
id-assoc na 1 { };
id-assoc pd 2 { };
EOF
    ( T="$T/$1" && run_client cli dhcp6c -f -D -c "$T/dhcp6c.conf" -p /run/dhcp6c.pid "$2" ) \
        >"$T/$1.log" 2>&1 &
    pid=$!
    PIDS="$PIDS $pid"
    for _ in $(seq 200); do
        grep -q "got an expected reply" "$T/$1.log" && grep -q "add an address" "$T/$1.log" &&
            break
        sleep 0.1
    done
    sleep 0.5
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}
# The lines of dhcp6c's log that name what it was given.
dhcp6c_got() { # NAME PATTERN
    grep -q -- "$2" "$T/$1.log"
}

# ---- on the server's link, by DUID
seed dhcpcd-direct dhcpcd "$DUID_DHCPCD"
dhcpcd_run dhcpcd-direct "$C0"
check "dhcpcd on the link binds" grep -q "$C0: adding address 2001:db8:1::31" "$T/dhcpcd-direct.log"
check "dhcpcd got its DUID row's address" env_has "$C0" "new_dhcp6_ia_na1_ia_addr1=2001:db8:1::31"
check "and its DUID row's /56" env_has "$C0" "new_dhcp6_ia_pd1_prefix1=2001:db8:3100::"
check "of length 56" env_has "$C0" "new_dhcp6_ia_pd1_prefix1_length=56"
check "dhcpcd sent the DUID we seeded" grep -qi "DUID $DUID_DHCPCD" "$T/dhcpcd-direct.log"
has_addr() { # IF ADDR
    in_ns cli ip -6 addr show dev "$1" | grep -q "inet6 $2/"
}
check "the address is on the client's interface" has_addr "$C0" 2001:db8:1::31
in_ns cli ip -6 addr flush dev "$C0" scope global

seed dhcp6c-direct dhcp6c "$DUID_DHCP6C"
dhcp6c_run dhcp6c-direct "$C0"
check "dhcp6c on the link got its DUID row's address" \
    dhcp6c_got dhcp6c-direct "IA_NA address: 2001:db8:1::32 "
check "and its DUID row's /56" dhcp6c_got dhcp6c-direct "IA_PD prefix: 2001:db8:3200::/56"
check "dhcp6c added the address" dhcp6c_got dhcp6c-direct "add an address 2001:db8:1::32/"

# ---- behind dhcrelay: Subscriber-ID and Interface-ID (-l IF#N)
relay_start() { # N
    in_ns rly dhcrelay -6 -d --no-pid -I -s "SUB-$ID" -l "$R0#$1" -u "2001:db8:ff::1%$R1" \
        >"$T/dhcrelay-$1.log" 2>&1 &
    RELAY=$!
    PIDS="$PIDS $RELAY"
    sleep 1 # no readiness message before the first packet
}
relay_stop() {
    kill "$RELAY"
    wait "$RELAY" 2>/dev/null
}
# dhcpcd, by the Subscriber-ID: the relay sends an index with no row.
relay_start 8
seed dhcpcd-relayed dhcpcd "00:03:00:01:02:00:00:00:00:41"
dhcpcd_run dhcpcd-relayed "$C1"
check "dhcpcd behind dhcrelay got the Subscriber-ID row's address" \
    env_has "$C1" "new_dhcp6_ia_na1_ia_addr1=2001:db8:2::41"
check "and its /56" env_has "$C1" "new_dhcp6_ia_pd1_prefix1=2001:db8:4100::"
relay_stop

# dhcp6c, by the Interface-ID (#7): it comes before the Subscriber-ID.
relay_start 7
in_ns cli ip -6 addr flush dev "$C1" scope global
seed dhcp6c-relayed dhcp6c "00:03:00:01:02:00:00:00:00:42"
dhcp6c_run dhcp6c-relayed "$C1"
check "dhcp6c behind dhcrelay got the Interface-ID row's address" \
    dhcp6c_got dhcp6c-relayed "IA_NA address: 2001:db8:2::42 "
check "and its /56" dhcp6c_got dhcp6c-relayed "IA_PD prefix: 2001:db8:4200::/56"
check "dhcrelay relayed the Replies" grep -q "Relaying Reply" "$T/dhcrelay-7.log"
check "nobody got the catch-all row" sh -c '! grep -rq "2001:db8:9900::\|2001:db8:1::99" "$1"' \
    sh "$T"/env
check "the server is still running" kill -0 "$SRV_PID"

finish
