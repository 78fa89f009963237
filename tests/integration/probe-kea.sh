#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ipv6-dhcp-probe against another server, ISC Kea (kea-dhcp6): a Solicit
# gets a lease from the pools, a reserved DUID its reserved address and
# prefix, a relayed Solicit with a Remote-ID the prefix Kea reserves for it
# (mac-sources remote-id), and the lease is renewed and released. Every
# packet the probe sent passes tshark.
#
#  cli: c0 fe80::2 ----------------- srv: s0 fe80::1, 2001:db8:1::1/64 (kea-dhcp6)
. "$(dirname "$0")/lib.sh"
: "${IPV6_DHCP_PROBE:?IPV6_DHCP_PROBE must name ipv6-dhcp-probe}"
need_root_netns
need tshark dumpcap kea-dhcp6 ss

topo_direct
# Kea under another name, so that a broad "pkill kea" elsewhere on the box
# does not hit it; its pid and lock files, leases and DUID stay in $T.
ln -s "$(command -v kea-dhcp6)" "$T/h6srv-$ID"
cat >"$T/kea.json" <<EOF
{"Dhcp6": {
  "interfaces-config": {"interfaces": ["$S0"]},
  "lease-database": {"type": "memfile", "persist": false, "lfc-interval": 0},
  "data-directory": "$T",
  "server-id": {"type": "LL", "persist": false},
  "mac-sources": ["remote-id", "any"],
  "host-reservation-identifiers": ["duid", "hw-address"],
  "preferred-lifetime": 300, "valid-lifetime": 600, "renew-timer": 100, "rebind-timer": 200,
  "subnet6": [
    {"id": 1, "subnet": "2001:db8:1::/64", "interface": "$S0",
     "pools": [{"pool": "2001:db8:1:0:1::/80"}],
     "pd-pools": [{"prefix": "2001:db8:1000::", "prefix-len": 36, "delegated-len": 56}],
     "reservations": [{"duid": "00:03:00:01:02:00:00:00:99:01",
                       "ip-addresses": ["2001:db8:1::cafe"],
                       "prefixes": ["2001:db8:cafe:100::/56"]}]},
    {"id": 2, "subnet": "2001:db8:2::/64",
     "pd-pools": [{"prefix": "2001:db8:2000::", "prefix-len": 36, "delegated-len": 56}],
     "reservations": [{"hw-address": "63:70:65:2d:31",
                       "prefixes": ["2001:db8:beef:100::/56"]}]}],
  "loggers": [{"name": "kea-dhcp6", "severity": "INFO",
               "output_options": [{"output": "stdout"}]}]
}}
EOF
kea_up() {
    KEA_PIDFILE_DIR=$T KEA_LOCKFILE_DIR=$T \
        ip netns exec "dk$ID-srv" "$T/h6srv-$ID" -c "$T/kea.json" >"$T/srv.log" 2>&1 &
    PIDS="$PIDS $!"
    for _ in $(seq 100); do
        in_ns srv ss -Hlun 'sport = :547' | grep -q . && return 0
        sleep 0.1
    done
    return 1
}
check "kea-dhcp6 starts" kea_up
start_capture cli "$C0" "$T/cap.pcapng" || fail "dumpcap does not start"

probe() { # NAME ARGS...
    name=$1
    shift
    in_ns cli "$IPV6_DHCP_PROBE" -i "$C0" --timeout 10 "$@" >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
    sed "s/^/  $name: /" "$T/$name.err" >&2
    # A sanitizer build reports on standard error (and its exit status 1 would pass for ours).
    if grep -q -e "Sanitizer" -e "runtime error:" "$T/$name.err"; then
        fail "$name: the sanitizers complained"
    fi
}
rc_is() { [ "$(cat "$T/$1.rc")" = "$2" ]; }
lease() { "$PY" "$HERE/probe_check.py" lease <"$T/$1.out"; }
lease_match() { lease "$1" | grep -q -- "$2"; }

probe pool --duid 00030001020000009902 --ia-na 1 --ia-pd 2 --json solicit
check "kea, solicit: exit 0" rc_is pool 0
check "kea, solicit: an address from the pool" lease_match pool "^address 2001:db8:1:0:1:[0-9a-f:]* 600$"
check "kea, solicit: a /56 from the pd-pool" lease_match pool "^prefix 2001:db8:1[0-9a-f]\{3\}:[0-9a-f:]*/56 600$"
SDUID=$(lease pool | sed -n 's/^server-duid //p')
ADDR=$(lease pool | sed -n 's/^address \([^ ]*\) .*/\1/p')
PFX=$(lease pool | sed -n 's/^prefix \([^ ]*\) .*/\1/p')

probe reserved --duid 00030001020000009901 --ia-na 1 --ia-pd 2 --json solicit
check "kea, reserved DUID: exit 0" rc_is reserved 0
check "kea, reserved DUID: the reserved address" lease_match reserved "^address 2001:db8:1::cafe "
check "kea, reserved DUID: the reserved prefix" lease_match reserved "^prefix 2001:db8:cafe:100::/56 "

probe relayed --duid 00030001020000009903 --relay 2001:db8:2::1 --remote-id-str 9:cpe-1 \
    --ia-pd 1 --json solicit
check "kea, relayed with Remote-ID: exit 0" rc_is relayed 0
check "kea, relayed with Remote-ID: the prefix reserved for it" \
    lease_match relayed "^prefix 2001:db8:beef:100::/56 "

# The same IAIDs as the Solicit: Kea binds leases to (DUID, IA type, IAID).
probe renew --duid 00030001020000009902 --server-duid "$SDUID" --ia-na 1 --ia-pd 2 \
    --address "$ADDR" --prefix "$PFX" renew
check "kea, renew: exit 0" rc_is renew 0
check "kea, renew: the same address" grep -q "address=$ADDR preferred_lifetime=300 " "$T/renew.out"
check "kea, renew: the same prefix" grep -q "preferred_lifetime=300 valid_lifetime=600 prefix=$PFX " \
    "$T/renew.out"
probe release --duid 00030001020000009902 --server-duid "$SDUID" --ia-na 1 --ia-pd 2 \
    --address "$ADDR" --prefix "$PFX" release
check "kea, release: exit 0" rc_is release 0
check "kea logs the release" grep -q "DHCP6_RELEASE_NA" "$T/srv.log"

stop_capture
check "tshark: no malformed packet or warning in what the probe sent" \
    sh -c "'$PY' '$HERE/probe_check.py' sent '$T/cap.pcapng' fe80::2 >/dev/null"
finish
