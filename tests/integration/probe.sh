#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ipv6-dhcp-probe against ipv6-dhcpd with a static CSV: every MESSAGE gets
# the answer the table calls for, as a client on the link and as the relay
# of an access network (Remote-ID), with the exit statuses 0, 1 and 64;
# --json parsed with python3; every packet the probe sent is dissected by
# tshark without a malformed packet or an expert warning.
#
#  cli: c0 fe80::2, 2001:db8:1::2 ---- srv: s0 fe80::1, 2001:db8:1::1/64
. "$(dirname "$0")/lib.sh"
: "${IPV6_DHCP_PROBE:?IPV6_DHCP_PROBE must name ipv6-dhcp-probe}"
need_root_netns
need tshark dumpcap

topo_direct
chmod 755 "$T"
# Direct clients on s0 (their Interface-ID is the server's interface name),
# and one CPE known by the Remote-ID its access relay adds.
printf 'id,address,prefix\ninterface-id-str:%s,2001:db8:1::100,2001:db8:100::/56\nremote-id-str:9:cpe-1,,2001:db8:beef:100::/56\n' \
    "$S0" >"$T/assign.csv"
chmod 644 "$T/assign.csv"
write_conf "$T/srv.conf" <<EOF
allow-rapid-commit yes
<listen-interface $S0/>
<unanswered-ia>
    authoritative yes
</unanswered-ia>
<recursive-name-servers>
    address 2001:db8::53
</recursive-name-servers>
<static-csv $T/assign.csv/>
EOF
check "the server starts" start_server srv "$T/srv.conf"
start_capture cli "$C0" "$T/cap.pcapng" || fail "dumpcap does not start"

# probe NAME ARGS...: runs the probe in cli on c0; $T/NAME.out, .err, .rc
probe() {
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
out_has() { grep -q -- "$2" "$T/$1.out"; }
lease() { "$PY" "$HERE/probe_check.py" lease <"$T/$1.out"; }
lease_has() { lease "$1" | grep -qx -- "$2"; }

# Solicit, Advertise, Request, Reply: the row's address and prefix.
probe sarr --ia-na 1 --ia-pd 2 solicit
check "solicit: exit 0" rc_is sarr 0
check "solicit: the row's address is printed" out_has sarr "IAADDR(address=2001:db8:1::100 "
check "solicit: and the row's prefix" out_has sarr "prefix=2001:db8:100::/56 "
check "solicit: after a Request (a REPLY, not the Advertise)" out_has sarr "^REPLY "
MAC=$(in_ns cli ip -o link show "$C0" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p' | tr -d :)
check "solicit: the default DUID is the DUID-LL of c0's MAC ($MAC)" \
    out_has sarr "CLIENTID(duid=00030001$MAC)"
probe json --ia-na 1 --ia-pd 2 --json solicit
check "--json: exit 0" rc_is json 0
check "--json: one JSON object, the decoder's" lease_has json "type REPLY"
check "--json: the address" lease_has json "address 2001:db8:1::100 2592000"
check "--json: the prefix" lease_has json "prefix 2001:db8:100::/56 2592000"
SDUID=$(lease json | sed -n 's/^server-duid //p')
check "--json: the server's DUID" [ -n "$SDUID" ]

# Rapid Commit: one Solicit, one Reply.
probe rapid -v --rapid-commit --ia-pd 3 solicit
check "rapid commit: exit 0" rc_is rapid 0
check "rapid commit: the Reply commits" out_has rapid "^REPLY .*RAPID_COMMIT()"
check "rapid commit: no Request was sent" sh -c "! grep -q 'sent REQUEST' '$T/rapid.err'"

# Relayed: a Relay-forward from port 547 with the CPE's Remote-ID.
probe relay --relay 2001:db8:2::1 --remote-id-str 9:cpe-1 --ia-pd 7 solicit
check "relayed solicit: exit 0" rc_is relay 0
check "relayed solicit: the Remote-ID row's prefix" out_has relay "prefix=2001:db8:beef:100::/56 "
check "relayed solicit: the Relay-reply unwrapped" out_has relay "^REPLY "
probe relay-json --relay 2001:db8:2::1 --remote-id 9:6370652d31 --interface-id-str port7 \
    --subscriber-id-str sub-1 --linklayer-id 1:020000000102 --ia-pd 7 --json solicit
check "relayed, every relay option: exit 0" rc_is relay-json 0
check "relayed --json: the prefix" lease_has relay-json "prefix 2001:db8:beef:100::/56 2592000"
probe norow --relay 2001:db8:2::1 --remote-id-str 9:nobody --ia-pd 7 solicit
check "a Remote-ID without a row: exit 1" rc_is norow 1
check "a Remote-ID without a row: NoPrefixAvail (6)" out_has norow "status_code=6 "

# What the client holds: Renew, Rebind, Confirm, Release, Decline.
probe renew --server-duid "$SDUID" --address 2001:db8:1::100 --prefix 2001:db8:100::/56 renew
check "renew: exit 0" rc_is renew 0
check "renew: the address" out_has renew "^REPLY .*address=2001:db8:1::100 preferred_lifetime=604800"
check "renew: the prefix" out_has renew "prefix=2001:db8:100::/56 "
probe rebind --address 2001:db8:1::100 --prefix 2001:db8:100::/56 rebind
check "rebind: exit 0" rc_is rebind 0
check "rebind: the address" out_has rebind "^REPLY .*address=2001:db8:1::100 preferred_lifetime=604800"
check "rebind: the prefix" out_has rebind "prefix=2001:db8:100::/56 "
probe other-server --timeout 3 --server-duid 0003000102000000ffff --address 2001:db8:1::100 renew
check "renew naming another server: no answer, exit 2" rc_is other-server 2
probe confirm --address 2001:db8:1::100 confirm
check "confirm of the row's address: exit 0" rc_is confirm 0
check "confirm: Success" out_has confirm "^REPLY .*STATUS_CODE(status_code=0 "
probe notonlink --address 2001:db8:1::999 confirm
check "confirm of another address: exit 1" rc_is notonlink 1
check "confirm of another address: NotOnLink (4)" out_has notonlink "STATUS_CODE(status_code=4 "
probe release --server-duid "$SDUID" --address 2001:db8:1::100 --prefix 2001:db8:100::/56 release
check "release: exit 0" rc_is release 0
check "release: Success" out_has release "^REPLY .*STATUS_CODE(status_code=0 "
probe nobinding --server-duid "$SDUID" --address 2001:db8:1::999 release
check "release of an address not held: exit 1" rc_is nobinding 1
check "release of an address not held: NoBinding (3) in the IA" \
    out_has nobinding "IA_NA(iaid=1 .*STATUS_CODE(status_code=3 "
probe decline --server-duid "$SDUID" --address 2001:db8:1::100 decline
check "decline: exit 0" rc_is decline 0
check "decline: Success" out_has decline "^REPLY .*STATUS_CODE(status_code=0 "
check "decline: the server logs it" wait_log "DECLINED its static address 2001:db8:1::100"

# Information-request: the name server asked for.
probe info information-request
check "information-request: exit 0" rc_is info 0
check "information-request: the DNS server" out_has info "DNS_SERVERS(dns_servers=\[2001:db8::53\])"
probe info-json --json information-request
check "information-request --json: the DNS server" lease_has info-json "dns 2001:db8::53"

# Usage errors: 64, nothing sent.
probe usage1 --prefix 2001:db8:100::/56 confirm
check "confirm of a prefix: exit 64" rc_is usage1 64
probe usage2 --option 1:00030001020000000001 solicit
check "a second Client Identifier by --option: exit 64" rc_is usage2 64
probe nosuchif -i "nx$ID" solicit
check "an interface that does not exist: exit 71" rc_is nosuchif 71

stop_capture
# Every packet the probe sent, as tshark sees it.
check "tshark: no malformed packet or warning in what the probe sent" \
    sh -c "'$PY' '$HERE/probe_check.py' sent '$T/cap.pcapng' fe80::2 2001:db8:1::2 >'$T/sent.txt'"
sent_has() { grep -qx -- "$1" "$T/sent.txt"; }
for t in 1 3 4 5 6 8 9 11; do
    check "tshark saw message type $t from port 546" sent_has "$t $t 546"
done
check "tshark saw the Solicit relayed from port 547" sent_has "12 1 547"
check "tshark: the relay options are where they belong" sh -c "tshark -n -r '$T/cap.pcapng' \
    -Y 'dhcpv6.msgtype == 12 && dhcpv6.interface_id == \"port7\" && dhcpv6.subscriber_id == \"sub-1\" \
        && dhcpv6.remoteid.enterprise == 9 && dhcpv6.linkaddr == 2001:db8:2::1 \
        && dhcpv6.peeraddr == fe80::2' | grep -q ."
check "the server answered every probe packet well formed" check_capture "$T/cap.pcapng" fe80::1
finish
