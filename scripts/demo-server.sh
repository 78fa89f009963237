#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ipv6-dhcpd answering real clients, in two network namespaces this script
# creates and removes: ISC dhclient -6 asks for the DNS servers
# (Information-request) and for an address (Solicit; without assignments,
# issue 4, the answer is NoAddrsAvail). Shows the packets as tshark sees
# them, the engine's credentials, and ipv6-dhcpctl stats. Run as root after
# a build (BUILD, default build).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export IPV6_DHCPD="$PWD/$BUILD/src/server/ipv6-dhcpd"
export IPV6_DHCPCTL="$PWD/$BUILD/tools/ipv6-dhcpctl"
. tests/integration/lib.sh
need_root_netns
need dhclient dumpcap tshark

topo_direct
write_conf "$T/srv.conf" <<EOF
<listen-interface $S0/>
<recursive-name-servers>
    address 2001:db8::53
</recursive-name-servers>
<domain-search-list>
    domain-name example.com
</domain-search-list>
EOF
echo "== $T/srv.conf"
cat "$T/srv.conf"
start_server srv "$T/srv.conf" || exit 1
echo
echo "== processes: the privileged parent and the engine"
ps -o pid,user,group,args -p "$SRV_PID,$ENGINE_PID"
grep -E '^(Uid|Gid|Groups|CapEff|CapBnd|NoNewPrivs):' "/proc/$ENGINE_PID/status" | sed 's/^/   engine /'

start_capture srv "$S0" "$T/demo.pcapng"
printf '#!/bin/sh\n[ -n "${new_dhcp6_name_servers:-}" ] && echo "dhclient: name servers $new_dhcp6_name_servers, search $new_dhcp6_domain_search" >&2\nexit 0\n' >"$T/hook.sh"
chmod 755 "$T/hook.sh"
echo
echo "== dhclient -6 -S $C0 (Information-request)"
( run_client cli timeout 20 dhclient -6 -S -1 -d -cf /dev/null -lf "$T/l1" -pf /run/dhclient/1.pid \
    -sf "$T/hook.sh" "$C0" ) 2>&1 | grep '^dhclient:'
echo "== dhclient -6 $C0 (Solicit for an address, 3 seconds)"
( run_client cli timeout 3 dhclient -6 -1 -d -v -cf /dev/null -lf "$T/l2" -pf /run/dhclient/2.pid \
    -sf "$T/hook.sh" "$C0" ) 2>&1 | grep -m 1 'Status code'
stop_capture
echo
echo "== the packets (tshark)"
tshark -n -r "$T/demo.pcapng" -Y dhcpv6 2>/dev/null
echo
echo "== ipv6-dhcpctl stats (the first lines)"
ctl stats | head -n 8
stop_server
exit 0
