#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The main job: build dhcpkit, then show ipv6-dhcpd serving a real client
# (ISC dhclient -6, in network namespaces made and removed on the spot), and
# ipv6-dhcp-decode reading real DHCPv6 traffic: the captures of the original
# dhcpkit (a Fritz!Box CPE behind two relays, a MAP deployment).
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

./scripts/demo-server.sh
echo

capture=examples/captures/sample.pcap
echo "== ipv6-dhcp-decode --text $capture (the first 4 of $(./build/tools/ipv6-dhcp-decode "$capture" | wc -l) messages)"
./build/tools/ipv6-dhcp-decode --text "$capture" | head -4
echo
echo "== the first message as JSON"
./build/tools/ipv6-dhcp-decode "$capture" | head -1 | jq .
echo
echo "== a malformed message: an IAADDR that runs past its IA_NA"
./build/tools/ipv6-dhcp-decode 01f350d6000300200000000100000000000000000005001e20010db8000000000000000000000001 || echo "exit status $?"
