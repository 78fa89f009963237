#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Interfaces and addresses are followed at run time (rtnetlink): a veth that
# is deleted and recreated (a new ifindex, like a recreated VLAN) is served
# again without a restart; an address that appears gets its socket, one that
# goes away loses it; the link address of direct clients follows.
. "$(dirname "$0")/lib.sh"
need_root_netns

topo_direct
S2="s2$ID" C2="c2$ID"
write_conf "$T/srv.conf" <<EOF
<listen-interface $S2/>
<listen-interface $S0/>
<listen-unicast all>
    interface $S0
</listen-unicast>
<recursive-name-servers>
    address 2001:db8::53
</recursive-name-servers>
EOF
answers() {
    r=$(query cli --interface "$C0" --type information-request --tries 5 --timeout 0.5)
    case "$r" in REPLY*) return 0 ;; esac
    log "got: $r"
    return 1
}
relayed() { # SERVER-ADDRESS
    r=$(query cli --relay 2001:db8:1::2 --server "$1" --link 2001:db8:2::1 \
        --type information-request --tries 5 --timeout 0.5)
    case "$r" in RELAY-REPL/REPLY*) return 0 ;; esac
    log "got: $r"
    return 1
}

check "the server starts" start_server srv "$T/srv.conf"
check "a direct client is answered" answers
check "a relay is answered on the global address" relayed 2001:db8:1::1
old=$(in_ns srv cat "/sys/class/net/$S0/ifindex")

# Delete the link and make it again: a new ifindex.
ip -n "dk$ID-srv" link del "$S0"
check "the server notices the interface is gone" wait_log "no longer listening on ff02::1:2%$S0"
link srv "$S0" cli "$C0"
addr srv "$S0" fe80::1/64
addr srv "$S0" 2001:db8:1::1/64
addr cli "$C0" fe80::2/64
addr cli "$C0" 2001:db8:1::2/64
new=$(in_ns srv cat "/sys/class/net/$S0/ifindex")
check "the recreated interface has a new ifindex" [ "$new" != "$old" ]
check "the server listens on it again" wait_count ": listening on ff02::1:2%$S0" 2
check "a direct client on the recreated link is answered" answers
check "the relay is answered again" relayed 2001:db8:1::1
check "the server process is the same" kill -0 "$SRV_PID"

# An interface that did not exist at start (a VLAN made later).
check "a missing interface is reported at start" \
    grep -q "interface $S2 does not exist (yet)" "$T/srv.log"
link srv "$S2" cli "$C2"
addr srv "$S2" fe80::1/64
addr cli "$C2" fe80::2/64
check "it is served when it appears" wait_log ": listening on ff02::1:2%$S2"
r=$(query cli --interface "$C2" --type information-request --tries 5 --timeout 0.5)
check "a client on it is answered" sh -c 'case "$1" in REPLY*) exit 0;; esac; exit 1' sh "$r"

# A new global address: listen-unicast all takes it.
addr srv "$S0" 2001:db8:7::1/64
in_ns cli ip -6 route add 2001:db8:7::/64 dev "$C0"
check "a new address is picked up" wait_log ": listening on 2001:db8:7::1"
check "a relay is answered on the new address" relayed 2001:db8:7::1
ip -n "dk$ID-srv" addr del 2001:db8:7::1/64 dev "$S0"
check "a removed address loses its socket" wait_log "no longer listening on 2001:db8:7::1"

finish
