#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The static-csv reload guard: a truncated export that would remove more
# than max-removed-percent (default 30) of the ids in use is refused on
# SIGHUP and on ipv6-dhcpctl reload, with the file, the counts and how to
# force it in the log, and the old table keeps answering;
# ipv6-dhcpctl reload --force loads it; a changed threshold in the config
# applies to that very reload.
#
#  cli: c0 fe80::2 ----------------- srv: s0 fe80::1, 2001:db8:1::1/64
. "$(dirname "$0")/lib.sh"
need_root_netns

topo_direct

chmod 755 "$T"
# csv PREFIX FILLERS: the client's row (Interface-ID = the server's
# interface, as a direct request carries it) and FILLERS other ids.
csv() {
    {
        printf 'id,address,prefix\ninterface-id-str:%s,,%s\n' "$S0" "$1"
        i=0
        while [ "$i" -lt "$2" ]; do
            printf 'duid:00:00:00:%02x,2001:db8:1::%x,\n' "$i" $((i + 256))
            i=$((i + 1))
        done
    } >"$T/assign.csv.new"
    chmod 644 "$T/assign.csv.new"
    mv "$T/assign.csv.new" "$T/assign.csv"
}
conf() { # [max-removed-percent]
    write_conf "$T/srv.conf" <<EOC
<listen-interface $S0/>
<static-csv $T/assign.csv>
${1:+    max-removed-percent $1}
</static-csv>
EOC
}
# The client's delegated prefix, as the server answers it now.
prefix() {
    query cli --interface "$C0" --ia-pd --json --tries 5 --timeout 0.5 |
        "$PY" -c 'import json, sys
for l in sys.stdin:
    if l.startswith("{"):
        print(" ".join(json.loads(l).get("prefixes", [])))'
}
has_prefix() { [ "$(prefix)" = "$1" ]; }

csv 2001:db8:100::/56 99
conf
check "the server starts" start_server srv "$T/srv.conf"
check "100 rows in use" wait_log "100 assignments loaded"
check "the client gets its prefix" has_prefix 2001:db8:100::/56

# A truncated export: 60 of the 100 rows (40 % removed), the client's row
# with a new prefix.
csv 2001:db8:200::/56 59
kill -HUP "$SRV_PID"
check "SIGHUP: refused, with the file and the counts" wait_log \
    "<static-csv $T/assign.csv>: the new file would remove 40 of the 100 assignments in use (40%, more than max-removed-percent 30; it has 60 rows)"
check "the log says how to force it" wait_log "to load it anyway: ipv6-dhcpctl reload --force"
check "the configuration is refused as a whole" wait_log "has errors; the previous configuration stays in use"
check "the old table keeps answering" has_prefix 2001:db8:100::/56

ctl reload >"$T/ctl.out" 2>"$T/ctl.err"
check "ipv6-dhcpctl reload: refused too (exit 1)" [ $? -eq 1 ]
check "and it prints why" grep -q "would remove 40 of the 100 assignments in use" "$T/ctl.err"
check "still the old table" has_prefix 2001:db8:100::/56

ctl reload --force >"$T/ctl.out" 2>"$T/ctl.err"
check "ipv6-dhcpctl reload --force: loaded (exit 0)" [ $? -eq 0 ]
check "the log says it was forced" wait_log \
    "40 of the 100 assignments in use removed (40%), 60 rows now: past max-removed-percent, forced"
check "60 rows in use" wait_log "60 assignments loaded"
check "the client gets the new prefix" has_prefix 2001:db8:200::/56

# The force was for one reload only: the same cut again is refused.
csv 2001:db8:300::/56 35
kill -HUP "$SRV_PID"
check "the next cut (24 of 60) is refused again" wait_count "would remove 24 of the 60" 1
check "still the forced table" has_prefix 2001:db8:200::/56

# A higher threshold in the new config lets it through...
conf 50
kill -HUP "$SRV_PID"
check "max-removed-percent 50: 40 % passes" wait_log "36 assignments loaded"
check "the client gets that prefix" has_prefix 2001:db8:300::/56
# ...a lower one stops a smaller cut, and 100 switches the guard off.
csv 2001:db8:400::/56 27
conf 10
kill -HUP "$SRV_PID"
check "max-removed-percent 10: 8 of 36 (22 %) refused" wait_log \
    "would remove 8 of the 36 assignments in use (22%, more than max-removed-percent 10; it has 28 rows)"
check "the old table answers" has_prefix 2001:db8:300::/56
csv 2001:db8:500::/56 0
conf 100
kill -HUP "$SRV_PID"
check "max-removed-percent 100: even 35 of 36 pass" wait_log "1 assignments loaded"
check "the client gets the last prefix" has_prefix 2001:db8:500::/56

# INI: the key passes through [option CSVBasedFixedAssignment ...].
printf '[server]\nuser = %s\ngroup = %s\n\n[option CSVBasedFixedAssignment 2001:db8:1::/64]\nassignments-file = %s\nmax-removed-percent = 20\n' \
    "$SRV_USER" "$SRV_GROUP" "$T/assign.csv" >"$T/srv.ini"
check "INI: max-removed-percent is accepted" "$IPV6_DHCPD" -n -F ini "$T/srv.ini"
sed -i 's/= 20$/= 101/' "$T/srv.ini"
check "INI: 101 is out of range" sh -c "! '$IPV6_DHCPD' -n -F ini '$T/srv.ini' 2>/dev/null"
check "the server is still running" kill -0 "$SRV_PID"

finish
