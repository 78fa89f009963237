#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ipv6-dhcp-probe when nobody answers and when the answer is broken:
# against a silent link it retransmits as RFC 8415 §15 says (counted and
# timed in a capture: one transaction id, gaps that double with ±10 %
# jitter, Elapsed Time that follows the clock; --timeout ends a Solicit,
# REL_MAX_RC = 4 ends a Release) and exits 2; against a responder whose
# Reply is malformed or breaks RFC 8415 §16.10 it exits 3.
#
#  cli: c0 fe80::2 ----------------- srv: s0 fe80::1 (nothing, or a fake server)
. "$(dirname "$0")/lib.sh"
: "${IPV6_DHCP_PROBE:?IPV6_DHCP_PROBE must name ipv6-dhcp-probe}"
need_root_netns
need tshark dumpcap

topo_direct

probe() { # NAME ARGS...: $T/NAME.out, .err, .rc, .secs
    name=$1
    shift
    t0=$(date +%s%N)
    in_ns cli "$IPV6_DHCP_PROBE" -i "$C0" "$@" >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
    echo $((($(date +%s%N) - t0) / 1000000)) >"$T/$name.ms"
    sed "s/^/  $name: /" "$T/$name.err" >&2
    # A sanitizer build reports on standard error (and its exit status 1 would pass for ours).
    if grep -q -e "Sanitizer" -e "runtime error:" "$T/$name.err"; then
        fail "$name: the sanitizers complained"
    fi
}
rc_is() { [ "$(cat "$T/$1.rc")" = "$2" ]; }
took() { # NAME MIN_MS MAX_MS
    ms=$(cat "$T/$1.ms")
    log "$1 took $ms ms"
    [ "$ms" -ge "$2" ] && [ "$ms" -le "$3" ]
}
spacing() { # FILE N MIN MAX
    "$PY" "$HERE/probe_check.py" spacing "$@" >&2
}

# A Solicit within --timeout 9: sent at 0, 1.0-1.1, 2.9-3.4 and 6.5-8.3 s,
# the next one would be after 13 s: exactly 4 transmissions.
start_capture cli "$C0" "$T/solicit.pcapng" || fail "dumpcap does not start"
probe solicit --timeout 9 solicit
stop_capture
check "silent server, solicit: exit 2" rc_is solicit 2
check "solicit: it waited for --timeout (9 s)" took solicit 8900 10500
check "solicit: 4 transmissions, one xid, doubling gaps, the first > IRT" \
    spacing "$T/solicit.pcapng" 4 1.0 1.15
check "solicit: tshark finds every retransmission well formed" \
    sh -c "'$PY' '$HERE/probe_check.py' sent '$T/solicit.pcapng' fe80::2 >/dev/null"
check "solicit: it says so" grep -q "no answer to 4 transmissions of SOLICIT" "$T/solicit.err"

# A Release stops after REL_MAX_RC = 4 transmissions (0, 1, 3, 7 s) and
# the fourth RT (about 8 s), well before --timeout 60.
start_capture cli "$C0" "$T/release.pcapng" || fail "dumpcap does not start"
probe release --timeout 60 --server-duid 000300010200000000ff --address 2001:db8:1::100 release
stop_capture
check "silent server, release: exit 2" rc_is release 2
check "release: MRC ended it after about 15 s, not --timeout" took release 12500 18500
check "release: 4 transmissions, one xid, doubling gaps" \
    spacing "$T/release.pcapng" 4 0.89 1.11

# A fake server whose answers are broken in three ways: exit 3, at once.
responder() { # MODE
    ip netns exec "dk$ID-srv" "$PY" -u "$HERE/probe_check.py" responder "$1" "$S0" \
        >"$T/responder-$1.log" 2>&1 &
    RESP=$!
    PIDS="$PIDS $RESP"
    for _ in $(seq 50); do
        grep -q ready "$T/responder-$1.log" && return 0
        sleep 0.1
    done
    return 1
}
for mode in overrun no-server-id wrong-client-id; do
    check "the $mode responder starts" responder $mode
    probe "$mode" --timeout 10 --ia-na 1 solicit
    kill "$RESP" 2>/dev/null
    wait "$RESP" 2>/dev/null
    check "$mode: exit 3" rc_is "$mode" 3
    check "$mode: at the first answer" took "$mode" 0 3000
    check "$mode: it says what is wrong" grep -q "malformed answer from fe80::1" "$T/$mode.err"
done
check "overrun: with the offset and option" \
    grep -q "offset 32: option 3 (IA_NA): length 42 exceeds" "$T/overrun.err"
check "no-server-id: the missing Server Identifier named" \
    grep -q "must contain option 2 (SERVERID)" "$T/no-server-id.err"
check "wrong-client-id: RFC 8415 section 16.10" \
    grep -q "does not carry our Client Identifier" "$T/wrong-client-id.err"
finish
