#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A relay that rebooted gets its clients back by bulk leasequery (RFC 5460)
# over TCP (<listen-tcp>, ipv6-dhcp-test-leasequery): five clients behind a
# relay (Relay-ID RA, link 2001:db8:abc::1, Remote-ID 3561:CUSTn each) and
# one behind another relay (Relay-ID RB, link 2001:db8:abd::1) get their
# static /56 by Solicit with Rapid Commit (the relay simulator, dhcp6.py
# query --relay, sends the Relay-ID and Remote-ID options); then queries by
# relay-id RA, by link-address 2001:db8:abc::1 and by each Remote-ID return
# exactly those clients, each with its delegated prefix.
#
#  srv: eth1 2001:db8:ff::1 --- sw (br0: 2001:db8:ff::9, the relays and the requestor)
. "$(dirname "$0")/lib.sh"
need_root_netns
: "${IPV6_DHCP_TEST_LEASEQUERY:?IPV6_DHCP_TEST_LEASEQUERY must name the tool}"

topo_relays 0
ip netns exec "dk$ID-sw" sysctl -qw net.ipv6.conf.br0.accept_dad=0
addr sw br0 2001:db8:ff::9/64

N=5
RA=00030001020000000a0a
RB=00030001020000000b0b
{
    echo "id,address,prefix"
    for n in $(seq $((N + 1))); do echo "remote-id-str:3561:CUST$n,,2001:db8:abc:${n}00::/56"; done
} >"$T/assignments.csv"
chmod 644 "$T/assignments.csv"
mkdir "$T/lq"
chown "$SRV_USER:$SRV_GROUP" "$T/lq"
write_conf "$T/srv.conf" <<EOF
allow-rapid-commit yes
<listen-unicast 2001:db8:ff::1/>
<listen-tcp 2001:db8:ff::1>
    allow-from 2001:db8:ff::9/128
</listen-tcp>
<static-csv $T/assignments.csv/>
<leasequery>
    allow-from 2001:db8:ff::9/128
    <lq-sqlite $T/lq/leases.sqlite/>
</leasequery>
EOF
check "the server starts" start_server srv "$T/srv.conf"
kill -0 "$SRV_PID" 2>/dev/null || exit 1
check "it listens on TCP port 547" wait_log "listening on tcp \[2001:db8:ff::1\]:547"

# Client n (DUID-LL 02:00:00:00:01:0n) behind relay RELAY-ID on LINK.
solicit() { # N RELAY-ID LINK
    r=$(query sw --relay 2001:db8:ff::9 --server 2001:db8:ff::1 --link "$3" --peer "fe80::$1" \
        --mac "02:00:00:00:01:0$1" --ia-pd --oro "" --rapid-commit \
        --relay-option "53:$2" --relay-option "37:00000de9$(hexof "CUST$1")" --timeout 2 --tries 3)
    echo "$r" >>"$T/answers.txt"
    case $r in *"/REPLY "*" pd=2001:db8:abc:${1}00::/56 "*) return 0 ;; esac
    log "client $1: $r"
    return 1
}
for n in $(seq $N); do
    check "client $n gets its /56 behind relay RA (Rapid Commit)" solicit "$n" "$RA" 2001:db8:abc::1
done
check "client $((N + 1)) gets its /56 behind relay RB" solicit $((N + 1)) "$RB" 2001:db8:abd::1

# A bulk query over TCP; prints "DUID PREFIX" per client, sorted.
bulk() { # QUERY VALUE
    in_ns sw "$IPV6_DHCP_TEST_LEASEQUERY" -t -j -T 5 -s 2001:db8:ff::1 "$@" >"$T/bulk.json" \
        2>>"$T/bulk.err"
    echo "rc=$?" >>"$T/bulk.err"
    "$PY" "$HERE/dhcp6.py" lq-clients "$T/bulk.json"
}
# What the clients of relay RA must come back as (or only client N).
expected() { # [N]
    for n in ${1:-$(seq $N)}; do echo "000300010200000001$(printf %02x "$n") 2001:db8:abc:${n}00::/56"; done
}
same() { # QUERY VALUE [N]
    got=$(bulk "$1" "$2")
    want=$(expected "${3:-}")
    [ "$got" = "$want" ] && return 0
    log "$1 $2: got [$got], want [$want]"
    return 1
}
# The store is written behind the replies: wait until relay RA's clients
# are all there.
wait_all() {
    for _ in $(seq 50); do
        same relay-id "$RA" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}
check "by relay-id: relay RA's $N clients, each with its prefix" wait_all
check "by link-address: the same $N clients" same link-address 2001:db8:abc::1
for n in $(seq $N); do
    check "by remote-id 3561:CUST$n: client $n alone" same remote-id "3561:$(hexof "CUST$n")" "$n"
done
check "the answers end with LEASEQUERY-DONE" sh -c \
    "tail -n 1 '$T/bulk.json' | grep -q LEASEQUERY-DONE"
# Nothing known by that Remote-ID: the Leasequery-reply alone, without
# Client Data and without a Leasequery-done (RFC 5460 §5.3); the tool stops
# there instead of waiting.
in_ns sw "$IPV6_DHCP_TEST_LEASEQUERY" -t -j -T 5 -s 2001:db8:ff::1 remote-id "3561:$(hexof NOBODY)" \
    >"$T/none.json" 2>"$T/none.err"
echo "rc=$?" >>"$T/none.err"
check "by an unknown remote-id: one LEASEQUERY-REPLY, no client, answered at once (exit 0)" sh -c \
    "[ \"\$(grep -c msg_name '$T/none.json')\" = 1 ] && grep -q LEASEQUERY-REPLY '$T/none.json' &&
     ! grep -q CLIENT_DATA '$T/none.json' && grep -q rc=0 '$T/none.err'"
check "the engine's sandbox allowed every system call" \
    sh -c '! grep -q "system call .* is not allowed" "$1"' sh "$T/srv.log"
check "the server is still running" kill -0 "$SRV_PID"
finish
