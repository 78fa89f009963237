#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The talk's pilot, end to end: its INI configuration and assignments.csv
# (examples/ipv6-dhcpd-talk.ini, examples/assignments.csv) moved to
# 2001:db8::, on a server interface named eth1 as in the config, with
# customers behind real relays that add a Remote-ID (dibbler-relay,
# "option remote-id 3561-0x...": the CSV's remote-id-str:3561:CUSTn).
# ISC dhclient -6 -P behind the CUST1 relay and dhcpcd behind the CUST2 relay
# each get exactly the /56 of their row. Then the operator exports a changed
# table and the server reads it: dhclient's next Renew or Rebind gets the new
# prefix and, in the same Reply, the old one with lifetimes 0 (checked in
# the client's hook and on a capture of the client's link); CUST2 is
# unchanged.
#
#   pilot.sh csv      [option CSV-Based-fixed-assignment ...], reload: SIGHUP
#   pilot.sh sqlite   [option SqliteBasedFixedAssignment ...], the DB built
#                     by $IPV6_DHCP_BUILD_SQLITE CSV DB and rebuilt (read live)
#   pilot.sh lmdb     [option LMDBBasedFixedAssignment ...], the DB built by
#                     $IPV6_DHCP_BUILD_LMDB CSV DB and rebuilt (read live)
#
# The config is the talk's, plus short lifetimes (so that the clients renew
# within the test), [option IAPDTimingLimits] for T1/T2 and a state file.
#
#  cli: c1 -- rly1: r0 2001:db8:abc::1/64 (remote-id CUST1)  r1 2001:db8:ff::2 --+
#  cli: c2 -- rly2: r0 2001:db8:abc::2/64 (remote-id CUST2)  r1 2001:db8:ff::3 --+-- sw (bridge)
#                                                  srv: eth1 2001:db8:ff::1/64 --+
. "$(dirname "$0")/lib.sh"
BACKEND=${1:-csv}
case $BACKEND in
csv) SECTION=CSV-Based-fixed-assignment DB=assignments.csv ;;
sqlite) SECTION=SqliteBasedFixedAssignment DB=assignments.sqlite ;;
lmdb) SECTION=LMDBBasedFixedAssignment DB=assignments.lmdb ;;
*)
    log "usage: pilot.sh csv|sqlite|lmdb"
    exit 64
    ;;
esac
need_root_netns
need dhclient dhcpcd dibbler-relay dumpcap tshark
EX=${DHCPKIT_EXAMPLES:?}
case $BACKEND in
sqlite) BUILD=${IPV6_DHCP_BUILD_SQLITE:?IPV6_DHCP_BUILD_SQLITE must name the build tool} ;;
lmdb) BUILD=${IPV6_DHCP_BUILD_LMDB:?IPV6_DHCP_BUILD_LMDB must name the build tool} ;;
esac

# ---- the network
topo_relays 2
C1="c1$ID" C2="c2$ID"

# ---- the assignments, exported as an operator would: a temporary file
# renamed over the old one; for SQLite and LMDB the DB is (re)built from it.
export_table() { # CUST1-PREFIX
    sed -e 's/2001:9e0:/2001:db8:/g' -e "s|^\\(remote-id-str:3561:CUST1,,\\).*|\\1$1|" \
        "$EX/assignments.csv" >"$T/assignments.csv.new"
    chmod 644 "$T/assignments.csv.new"
    mv "$T/assignments.csv.new" "$T/assignments.csv"
    case $BACKEND in
    csv) ;;
    *)
        "$BUILD" "$T/assignments.csv" "$T/$DB" >>"$T/build.log" 2>&1 || return 1
        chmod -R a+rX "$T/$DB"
        ;;
    esac
}
check "the first export" export_table 2001:db8:abc:100::/56
check "the export is the talk's table, moved to 2001:db8::" \
    grep -qx "remote-id-str:3561:CUST2,,2001:db8:abc:0200::/56" "$T/assignments.csv"

# ---- the talk's configuration
sed -e 's/2001:9e0:/2001:db8:/g' \
    -e "s/^\\[option CSV-Based-fixed-assignment /[option $SECTION /" \
    -e "s/^assignments-file = .*/assignments-file = $DB\\
prefix-preferred-lifetime = 4\\
prefix-valid-lifetime = 8/" \
    "$EX/ipv6-dhcpd-talk.ini" >"$T/talk.ini"
printf '\n[option IAPDTimingLimits]\n\n[server]\nserver-duid-file = %s/state/server-duid\n' \
    "$T" >>"$T/talk.ini"
check "the config names eth1 and the $BACKEND backend" \
    grep -qx "\\[option $SECTION 2001:db8:abc::/64\\]" "$T/talk.ini"
check "the config passes -n" in_ns srv "$IPV6_DHCPD" -n "$T/talk.ini"

# The INI syntax always logs to syslog as well: in the server's own mount
# namespace /dev/log (if the host has one) is a socket nobody reads.
ip netns exec "dk$ID-srv" unshare -m sh -c '
    if [ -e /dev/log ] || [ -L /dev/log ]; then
        : > "$3/devlog"
        mount --bind "$3/devlog" /dev/log
    fi
    exec "$2" -vv -p "$3/pid" -c "$3/sock" "$3/talk.ini"' sh - "$IPV6_DHCPD" "$T" \
    >>"$T/srv.log" 2>&1 &
SRV_PID=$!
PIDS="$PIDS $SRV_PID"
check "the server starts with the talk's config" wait_log "ipv6-dhcpd .* started" 100
check "and listens on eth1's global address only" wait_log ": listening on 2001:db8:ff::1"
if [ "$BACKEND" = csv ]; then
    check "it loaded the six rows" wait_log "6 assignments loaded, 0 bad rows skipped"
fi

# ---- the relays: dibbler-relay, with the Remote-ID of one line.
dibbler_relay rly1 3561 CUST1 "r0$ID" 11 "r1$ID" 2001:db8:ff::1
dibbler_relay rly2 3561 CUST2 "r0$ID" 12 "r1$ID" 2001:db8:ff::1
for r in rly1 rly2; do
    check "dibbler-relay in $r is up" wait_dibbler "$r"
done
# What the clients receive, on their links.
start_capture cli "$C1" "$T/c1.pcapng"
CAP1=$CAP_PID

# ---- the clients; their hooks record what they were told, one file per call.
for c in dhclient dhcpcd; do
    mkdir -m 1777 "$T/env-$c"
    printf '#!/bin/sh\nenv | sort > "%s/env-%s/$(date +%%s%%N).${reason:-none}"\n' "$T" "$c" \
        >"$T/hook-$c.sh"
    chmod 755 "$T/hook-$c.sh"
done
# Whether a hook call of CLIENT after MARK (ns) saw the line PATTERN (and
# the line PATTERN2 in the same call).
env_since() { # CLIENT MARK PATTERN [PATTERN2]
    for f in "$T/env-$1"/*; do
        [ -e "$f" ] || continue
        [ "$(basename "$f" | cut -d. -f1)" -gt "$2" ] || continue
        grep -qx -- "$3" "$f" && grep -qx -- "${4:-$3}" "$f" && return 0
    done
    return 1
}
wait_env() { # CLIENT MARK PATTERN [TENTHS [PATTERN2]]
    for _ in $(seq "${4:-200}"); do
        env_since "$1" "$2" "$3" "${5:-}" && return 0
        sleep 0.1
    done
    return 1
}
# Every prefix a client was ever given (lines VAR=PREFIX).
prefixes_of() { # CLIENT
    cat "$T/env-$1"/* 2>/dev/null | grep -E '^new_(ip6_prefix|dhcp6_ia_pd1_prefix1)=' | sort -u
}

( run_client cli dhclient -6 -P -d -v -cf /dev/null -lf "$T/dhclient.leases" \
    -pf /run/dhclient/c.pid -sf "$T/hook-dhclient.sh" "$C1" ) >"$T/dhclient.log" 2>&1 &
PIDS="$PIDS $!"
cat >"$T/dhcpcd.conf" <<EOF
script $T/hook-dhcpcd.sh
duid
ipv6only
noipv6rs
nohook resolv.conf
allowinterfaces $C2
interface $C2
ia_pd 1
EOF
( run_client cli dhcpcd -6 -B -d -f "$T/dhcpcd.conf" "$C2" ) >"$T/dhcpcd.log" 2>&1 &
PIDS="$PIDS $!"

check "dhclient -6 -P behind the CUST1 relay gets CUST1's /56" \
    wait_env dhclient 0 "new_ip6_prefix=2001:db8:abc:100::/56"
check "dhcpcd behind the CUST2 relay gets CUST2's /56" \
    wait_env dhcpcd 0 "new_dhcp6_ia_pd1_prefix1=2001:db8:abc:200::"
check "of length 56" wait_env dhcpcd 0 "new_dhcp6_ia_pd1_prefix1_length=56"
check "dhclient was given no other prefix" \
    [ "$(prefixes_of dhclient)" = "new_ip6_prefix=2001:db8:abc:100::/56" ]
check "dhcpcd was given no other prefix" \
    [ "$(prefixes_of dhcpcd)" = "new_dhcp6_ia_pd1_prefix1=2001:db8:abc:200::" ]
mark=$(date +%s%N)
check "dhclient renews it" wait_env dhclient "$mark" "reason=RENEW6"

# ---- a changed table: CUST1 moves to 2001:db8:abc:700::/56.
case $BACKEND in
csv)
    n=$(grep -c "6 assignments loaded" "$T/srv.log")
    check "the changed table is exported" export_table 2001:db8:abc:700::/56
    mark=$(date +%s%N)
    kill -HUP "$SRV_PID"
    check "SIGHUP reloads it" wait_count "6 assignments loaded" $((n + 1))
    ;;
*)
    check "the changed table is exported and the DB rebuilt" export_table 2001:db8:abc:700::/56
    mark=$(date +%s%N)
    ;;
esac
check "dhclient's next Renew or Rebind gets the new prefix" \
    wait_env dhclient "$mark" "new_ip6_prefix=2001:db8:abc:700::/56"
check "and its hook was told the old prefix's lifetimes are 0" \
    wait_env dhclient "$mark" "old_ip6_prefix=2001:db8:abc:100::/56" 50 "old_max_life=0"
mark2=$(date +%s%N)
check "and keeps renewing it" wait_env dhclient "$mark2" "new_ip6_prefix=2001:db8:abc:700::/56"
check "dhcpcd (CUST2) still renews its own /56" \
    wait_env dhcpcd "$mark" "new_dhcp6_ia_pd1_prefix1=2001:db8:abc:200::"
check "the server is still running" kill -0 "$SRV_PID"
check "dibbler-relay put the Remote-ID in its Relay-forwards" \
    grep -q "Appended RemoteID with 5-byte long data" "$T/rly1.log"
stop_capture
CAP_PID=$CAP1
stop_capture

# What dhclient received, on its link: a Reply with the new prefix and, in
# the same IA_PD, the old one with preferred and valid lifetime 0.
tshark -n -r "$T/c1.pcapng" -Y "dhcpv6.msgtype == 7" -T fields -E separator=";" -E occurrence=a \
    -e frame.number -e dhcpv6.iaprefix.pref_addr -e dhcpv6.iaprefix.pref_len \
    -e dhcpv6.iaprefix.pref_lifetime -e dhcpv6.iaprefix.valid_lifetime \
    >"$T/replies.txt" 2>"$T/tshark.err"
log "Replies on the CUST1 link (frame/prefixes/lengths/preferred/valid):"
sed 's/^/    /' "$T/replies.txt" >&2
check "a Reply on the client's link withdraws the old prefix (lifetimes 0) beside the new one" \
    grep -qE "^[0-9]+;(2001:db8:abc:700::,2001:db8:abc:100::;56,56;[1-9][0-9]*,0;[1-9][0-9]*,0|2001:db8:abc:100::,2001:db8:abc:700::;56,56;0,[1-9][0-9]*;0,[1-9][0-9]*)\$" \
    "$T/replies.txt"
check "every server packet on that link passes the checks" \
    check_capture "$T/c1.pcapng" fe80::1

finish
