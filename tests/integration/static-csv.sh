#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# static-csv end to end: ISC dhclient -6 -N -P on a link of the server gets
# exactly the address and /56 of its row (keyed by interface-id-str: the
# name of the server's interface, which a direct request carries as its
# Interface-ID). A changed CSV and SIGHUP: the client's next Renew gets the
# new prefix. A broken CSV on reload is refused with file:line and the old
# table keeps serving.
#
#  cli: c0 fe80::2 ----------------- srv: s0 fe80::1, 2001:db8:1::1/64
. "$(dirname "$0")/lib.sh"
need_root_netns
need dhclient

topo_direct

# The CSV is read by the engine, which runs as $SRV_USER.
chmod 755 "$T"
csv() { # PREFIX (written beside and renamed over, as an export should be)
    printf 'id;address;prefix;customer\r\n"interface-id-str:%s";2001:db8:1::100;%s;"CUST1, direct"\r\nduid:00:01:02:03;2001:db8:1::200;2001:db8:999::/56;other\r\n' \
        "$S0" "$1" >"$T/assign.csv.new"
    chmod 644 "$T/assign.csv.new"
    mv "$T/assign.csv.new" "$T/assign.csv"
}
csv 2001:db8:100::/56

# Short lifetimes, so that dhclient renews within the test (T1 2 s, T2 3 s).
write_conf "$T/srv.conf" <<EOF
<listen-interface $S0/>
<static-csv $T/assign.csv>
    address-preferred-lifetime 4
    address-valid-lifetime 8
    prefix-preferred-lifetime 4
    prefix-valid-lifetime 8
</static-csv>
<iana-timing-limits/>
<iapd-timing-limits/>
EOF
check "the server starts" start_server srv "$T/srv.conf"
check "it loaded the table" wait_log "2 assignments loaded, 0 bad rows skipped"

hook_env_setup

# dhclient stays in the foreground (-d) and renews.
( run_client cli dhclient -6 -N -P -d -v -cf /dev/null -lf "$T/dhclient.leases" \
    -pf /run/dhclient/c.pid -sf "$T/hook.sh" "$C0" ) >"$T/dhclient.log" 2>&1 &
CLIENT=$!
PIDS="$PIDS $CLIENT"
check "dhclient -6 -N -P is bound to the row's prefix" \
    wait_env 0 "new_ip6_prefix=2001:db8:100::/56"
check "and to the row's address" wait_env 0 "new_ip6_address=2001:db8:1::100"
mark=$(date +%s%N)
check "dhclient renews it" wait_env "$mark" "reason=RENEW6"

# A changed assignment, exported and reloaded.
csv 2001:db8:200::/56
n=$(grep -c "2 assignments loaded" "$T/srv.log")
kill -HUP "$SRV_PID"
check "SIGHUP reloads the table" wait_count "2 assignments loaded" $((n + 1))
mark=$(date +%s%N)
check "the next Renew or Rebind gets the new prefix" \
    wait_env "$mark" "new_ip6_prefix=2001:db8:200::/56"

# A broken export: refused with file:line, the old table serves on.
printf 'id,address,prefix\nbogus:1,2001:db8:1::300,\ninterface-id-str:%s,2001:db8:1::100,2001:db8:300::/56\ninterface-id-str:%s,2001:db8:1::301,\n' \
    "$S0" "$S0" >"$T/assign.csv"
kill -HUP "$SRV_PID"
check "the broken CSV is refused with file:line" \
    wait_log "$T/assign.csv:2: unknown id form: 'bogus:1'"
check "every bad row is reported" wait_log "$T/assign.csv:4: duplicate id, first on line 3"
mark=$(date +%s%N)
check "the old table keeps serving: a Renew still gets 2001:db8:200::/56" \
    wait_env "$mark" "new_ip6_prefix=2001:db8:200::/56"
check "and never the broken file's prefix" \
    sh -c "! grep -rqx 'new_ip6_prefix=2001:db8:300::/56' '$T/env'"
check "the server is still running" kill -0 "$SRV_PID"
kill "$CLIENT" 2>/dev/null

finish
