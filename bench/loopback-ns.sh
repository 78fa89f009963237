# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the bench scripts that drive ipv6-dhcpd over the loopback of a
# network namespace of their own: makes the namespace NS (lo up, the
# server's 2001:db8::1 and the load generator's 2001:db8::2), a scratch
# folder T the server's user can write, and removes both, and the server
# started as SRV, on exit.
NS="dkbench$$"
T=$(mktemp -d)
chmod 777 "$T"
SRV=""
cleanup() {
    [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && sleep 0.3
    ip netns del "$NS" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT INT TERM
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" addr add 2001:db8::1/128 dev lo nodad
ip -n "$NS" addr add 2001:db8::2/128 dev lo nodad
