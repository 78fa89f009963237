#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# MAP-E and MAP-T (RFC 7598) from ipv6-dhcpd to real clients:
# ipv6-dhcp-probe asking for option 94 and 95 (--oro), its --json answer
# checked field by field; ISC dhclient -6 with "also request" of both
# containers gets their octets (checked octet by octet); a client that does
# not ask gets neither. Every packet the server sent passes tshark, the
# independent walk of dhcp6.py and ipv6-dhcp-decode.
#
#  cli: c0 fe80::2, 2001:db8:1::2 ---- srv: s0 fe80::1, 2001:db8:1::1/64
. "$(dirname "$0")/lib.sh"
: "${IPV6_DHCP_PROBE:?IPV6_DHCP_PROBE must name ipv6-dhcp-probe}"
need_root_netns
need dhclient dumpcap tshark

topo_direct
write_conf "$T/srv.conf" <<EOF
<listen-interface $S0/>
<map-e>
    <map-rule>
        ipv6-prefix 2001:db8:f000::/36
        ipv4-prefix 192.0.2.0/24
        contiguous-ports 64
        sharing-ratio 16
        forwarding-mapping yes
    </map-rule>
    br-address 2001:db8::1
</map-e>
<map-t>
    <map-rule>
        ipv6-prefix 2001:db8:9500::/40
        ipv4-prefix 198.51.100.0/24
        contiguous-ports 4
        sharing-ratio 256
    </map-rule>
    default-mapping 2001:db8:0:1::/64
</map-t>
EOF
check "the server starts" start_server srv "$T/srv.conf"
start_capture srv "$S0" "$T/s0.pcapng" || fail "dumpcap does not start"

# probe NAME ARGS...: the probe in cli on c0; $T/NAME.out, .rc
probe() {
    name=$1
    shift
    in_ns cli "$IPV6_DHCP_PROBE" -i "$C0" --timeout 10 "$@" >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
    if grep -q -e "Sanitizer" -e "runtime error:" "$T/$name.err"; then
        fail "$name: the sanitizers complained"
    fi
}
rc_is() { [ "$(cat "$T/$1.rc")" = "$2" ]; }

# s46 NAME CODE: the fields of container CODE in the probe's JSON answer,
# one "path value" line each (rule N flags/ea_len/..., br, dmr).
s46() {
    "$PY" - "$T/$1.out" "$2" <<'EOF'
import json, sys
msg = json.loads(open(sys.argv[1]).read())
code = int(sys.argv[2])
for o in msg["options"]:
    if o["code"] != code:
        continue
    n = 0
    for k in o["options"]:
        if k["code"] == 89:
            n += 1
            for f in ("flags", "ea_len", "ipv4_prefix", "ipv6_prefix"):
                print("rule%d %s %s" % (n, f, k[f]))
            for p in k.get("options", []):
                print("rule%d ports %s %s %s" % (n, p["offset"], p["psid_len"], p["psid"]))
        elif k["code"] == 90:
            print("br %s" % k["br_address"])
        elif k["code"] == 91:
            print("dmr %s" % k["dmr_prefix"])
        else:
            print("other %d" % k["code"])
EOF
}
has() { s46 "$1" "$2" >"$T/fields" && grep -qx -- "$3" "$T/fields"; }
none() { [ -z "$(s46 "$1" "$2")" ]; }

# 1. Information-request asking for MAP-E: the container, field by field.
probe mape --json --oro 94 information-request
check "probe --oro 94: exit 0" rc_is mape 0
check "MAP-E rule: F flag" has mape 94 "rule1 flags 1"
check "MAP-E rule: EA-bits (32-24)+log2 16" has mape 94 "rule1 ea_len 12"
check "MAP-E rule: IPv4 prefix" has mape 94 "rule1 ipv4_prefix 192.0.2.0/24"
check "MAP-E rule: IPv6 prefix" has mape 94 "rule1 ipv6_prefix 2001:db8:f000::/36"
check "MAP-E rule: offset 16-4-6, PSID from the EA-bits" has mape 94 "rule1 ports 6 0 0"
check "MAP-E: the BR" has mape 94 "br 2001:db8::1"
check "MAP-E: nothing else" [ "$(s46 mape 94 | wc -l)" -eq 6 ]
check "MAP-T not asked for: not sent" none mape 95

# 2. Solicit asking for MAP-T (and DNS): the Advertise carries it.
probe mapt --json --oro 23,95 --ia-na 1 solicit
check "probe --oro 95 solicit: answered" [ -s "$T/mapt.out" ]
check "MAP-T rule: no F flag" has mapt 95 "rule1 flags 0"
check "MAP-T rule: EA-bits (32-24)+log2 256" has mapt 95 "rule1 ea_len 16"
check "MAP-T rule: IPv4 prefix" has mapt 95 "rule1 ipv4_prefix 198.51.100.0/24"
check "MAP-T rule: IPv6 prefix" has mapt 95 "rule1 ipv6_prefix 2001:db8:9500::/40"
check "MAP-T rule: offset 16-8-2" has mapt 95 "rule1 ports 6 0 0"
check "MAP-T: the DMR" has mapt 95 "dmr 2001:db8:0:1::/64"
check "MAP-E not asked for: not sent" none mapt 94

# 3. Asking for neither: neither.
probe plain --json --oro 23 information-request
check "probe --oro 23: exit 0" rc_is plain 0
check "no MAP-E without asking" none plain 94
check "no MAP-T without asking" none plain 95

# 4. ISC dhclient -6 -S, told the two codes and to ask for them.
mkdir -m 1777 "$T/env"
printf '#!/bin/sh\nenv | sort > "%s/env/${reason:-none}.$$"\n' "$T" >"$T/hook.sh"
chmod 755 "$T/hook.sh"
cat >"$T/dhclient.conf" <<EOF
option dhcp6.s46-cont-mape code 94 = string;
option dhcp6.s46-cont-mapt code 95 = string;
also request dhcp6.s46-cont-mape, dhcp6.s46-cont-mapt;
EOF
( run_client cli timeout 20 dhclient -6 -S -1 -d -v -cf "$T/dhclient.conf" \
    -lf "$T/dhclient.leases" -pf /run/dhclient/s.pid -sf "$T/hook.sh" "$C0" ) \
    >"$T/dhclient.log" 2>&1
check "dhclient -6 -S completes" [ $? -eq 0 ]
# env_octets NAME: the octets dhclient put in new_NAME, as plain hex.
env_octets() {
    cat "$T"/env/* 2>/dev/null | sed -n "s/^new_$1=//p" | head -n 1 |
        "$PY" -c 'import sys; v = sys.stdin.read().strip().strip("\""); print("".join("%02x" % int(x, 16) for x in v.split(":")) if v else "")'
}
# RFC 7598 §4.1, §4.2, §4.3, §4.5, worked out by hand from the config.
MAPE_HEX=00590015010c18c00002002420010db8f0005d000406000000005a001020010db8000000000000000000000001
MAPT_HEX=00590015001018c63364002820010db895005d000406000000005b00094020010db800000001
check "dhclient got the MAP-E container's octets" [ "$(env_octets dhcp6_s46_cont_mape)" = "$MAPE_HEX" ]
check "dhclient got the MAP-T container's octets" [ "$(env_octets dhcp6_s46_cont_mapt)" = "$MAPT_HEX" ]
if [ "$FAILED" -ne 0 ]; then
    log "dhclient's log and what its script was told:"
    cat "$T/dhclient.log" "$T"/env/* 2>/dev/null | grep -v -e '^PATH=' -e '^PWD=' >&2
fi

stop_capture
check "every packet the server sent passes tshark, the walk and the decoder" \
    check_capture "$T/s0.pcapng" fe80::1
finish
