#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The main job: build dhcpkit, then show what it does today. Until the server
# lands (issue 3) this decodes real DHCPv6 traffic: the captures of the
# original dhcpkit (a Fritz!Box CPE behind two relays), turned into a pcap on
# the spot with text2pcap, read back through libpcap by ipv6-dhcp-decode.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

vectors=${DHCPKIT_VECTORS:-../shared/vectors}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One UDP datagram per captured message, in text2pcap's hex-dump format.
jq -r 'select(.validity == "valid-captured") | .hex' "$vectors/dhcpkit_pcaps.jsonl" |
    while read -r hex; do
        echo "$hex" | sed 's/../& /g; s/^/000000 /'
    done >"$work/dump.txt"
text2pcap -q -6 2001:db8:ffff:1::1,2001:db8:ffff:2::2 -u 547,547 "$work/dump.txt" "$work/capture.pcap"

echo "== ipv6-dhcp-decode --text $work/capture.pcap (first 6 of $(grep -c . "$work/dump.txt") messages)"
./build/tools/ipv6-dhcp-decode --text "$work/capture.pcap" | head -6
echo
echo "== the first message as JSON"
./build/tools/ipv6-dhcp-decode "$work/capture.pcap" | head -1 | jq .
