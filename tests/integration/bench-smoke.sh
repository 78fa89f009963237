#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ipv6-dhcp-bench against ipv6-dhcpd and against ISC Kea: short runs at a
# modest rate, direct (multicast on the link) and relayed (every client in a
# Relay-forward from ONE relay address and port, a Remote-ID per client),
# with the assignments the tool wrote (--write-csv for static-csv,
# --write-kea for Kea's host reservations): every client must be served
# with exactly its row's address and prefix (--check-assignments), with no
# loss (the rates are modest and answers may take up to 10 s, so that a
# busy CI machine or a sanitizer build does not lose any). Then an avalanche of 2,000 clients must be served in full, and the
# null-server mode must run. This is the CI test of the benchmark tool; the
# figures themselves come from bench/kea-compare.sh.
#
#  cli: c0 fe80::2, 2001:db8:1::2 ----- srv: s0 fe80::1, 2001:db8:1::1/64
. "$(dirname "$0")/lib.sh"
: "${IPV6_DHCP_BENCH:?IPV6_DHCP_BENCH must name ipv6-dhcp-bench}"
need_root_netns
need kea-dhcp6 ss

topo_direct
B=$IPV6_DHCP_BENCH
# Two client sets that do not overlap: direct ones (DUID rows) and relayed
# ones (Remote-ID rows).
DIRECT="--seed 1 --na-base 2001:db8:1:0:1:: --pd-base 2001:db8:8000::/34 --pd-len 56"
RELAYED="--seed 2 --na-base 2001:db8:1:0:2:: --pd-base 2001:db8:c000::/34 --pd-len 56
    --relay 2001:db8:1::2 --server 2001:db8:1::1"
N=500
AV=2000
# shellcheck disable=SC2086
"$B" -c $N $DIRECT --write-csv "$T/direct.csv" --write-kea "$T/direct.json"
# shellcheck disable=SC2086
"$B" -c $AV $RELAYED --write-csv "$T/relayed.csv" --write-kea "$T/relayed.json"
{ cat "$T/direct.csv"; tail -n +2 "$T/relayed.csv"; } >"$T/assign.csv"
chmod 644 "$T/assign.csv"
check "--write-csv: one row per client and a header" \
    [ "$(wc -l <"$T/assign.csv")" -eq $((N + AV + 1)) ]
check "--write-csv: relayed rows are keyed by Remote-ID" \
    grep -q "^remote-id:9:0a0200000000,2001:db8:1:0:2::1,2001:db8:c000::/56$" "$T/assign.csv"

field() { # FILE PHASE KEY: the KEY of the PHASE line of a JSON-lines file
    "$PY" -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["phase"] == sys.argv[2]:
        print(o[sys.argv[3]]); break' "$1" "$2" "$3"
}
served_all() { # FILE PHASE COUNT: every exchange done, no loss, no wrong lease
    [ "$(field "$1" "$2" done)" = "$3" ] && [ "$(field "$1" "$2" loss_pct)" = "0.0" ] &&
        [ "$(field "$1" "$2" wrong_assignment)" = "0" ] && [ "$(field "$1" "$2" failed)" = "0" ]
}
run() { # NAME ARGS...: the tool in the client namespace, JSON lines in $T/NAME.json
    name=$1
    shift
    in_ns cli timeout 50 "$B" "$@" >"$T/$name.json" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
    sed "s/^/  $name: /" "$T/$name.json" "$T/$name.err" >&2
    if grep -q -e "Sanitizer" -e "runtime error:" "$T/$name.err"; then
        fail "$name: the sanitizers complained"
    fi
}
rc0() { [ "$(cat "$T/$1.rc")" = 0 ]; }

# --- ipv6-dhcpd with the CSV ---
write_conf "$T/srv.conf" <<EOF
<listen-unicast 2001:db8:1::1/>
<listen-interface $S0/>
<static-csv $T/assign.csv/>
EOF
check "ipv6-dhcpd starts" start_server srv "$T/srv.conf"
check "it loaded every row" wait_log "$((N + AV)) assignments loaded, 0 bad rows skipped"

# shellcheck disable=SC2086
run ours-direct -i "$C0" -c $N $DIRECT -r 500 -t 10 --check-assignments sarr
check "ours, direct: exit 0" rc0 ours-direct
check "ours, direct SARR: $N clients, each with its row, no loss" \
    served_all "$T/ours-direct.json" sarr $N
# shellcheck disable=SC2086
run ours-relayed -c 1000 $RELAYED -r 500 -t 10 --check-assignments sarr rapid mix
check "ours, relayed: exit 0" rc0 ours-relayed
check "ours, relayed SARR: 1000 clients, each with its row, no loss" \
    served_all "$T/ours-relayed.json" sarr 1000
check "ours, relayed rapid commit: each with its row, no loss" \
    served_all "$T/ours-relayed.json" rapid 1000
check "ours, relayed mix of Renew and Release: no loss" \
    served_all "$T/ours-relayed.json" mix 1000
# shellcheck disable=SC2086
run ours-avalanche -c $AV $RELAYED --check-assignments --avalanche-timeout 30 -q avalanche
check "ours, avalanche of $AV clients: every one served with its row" \
    served_all "$T/ours-avalanche.json" avalanche $AV
check "ours, avalanche: the time until all were served is reported" \
    "$PY" -c 'import sys; sys.exit(not float(sys.argv[1]) > 0)' \
    "$(field "$T/ours-avalanche.json" avalanche all_served_s)"
stop_server

# --- the null server: the tool answers its own load ---
run null -c 1000 -t 10 --relay ::1 --relay-port 10547 --server ::1 --port 10548 --null-server \
    sarr rapid
check "null server: exit 0" rc0 null
check "null server: SARR exchanges all answered" served_all "$T/null.json" sarr 1000
check "null server: it says so" [ "$(field "$T/null.json" sarr null_server)" = True ]

# --- ISC Kea with the same clients as host reservations ---
ln -s "$(command -v kea-dhcp6)" "$T/h6srv-$ID"
"$PY" - "$T" "$S0" <<'EOF'
import json, sys
t, s0 = sys.argv[1], sys.argv[2]
res = json.load(open(t + "/direct.json")) + json.load(open(t + "/relayed.json"))
conf = {"Dhcp6": {
    "interfaces-config": {"interfaces": [s0 + "/2001:db8:1::1"]},
    "lease-database": {"type": "memfile", "persist": False, "lfc-interval": 0},
    "data-directory": t,
    "server-id": {"type": "LL", "persist": False},
    # The hardware address of a relayed client is its Remote-ID (after the
    # enterprise number).
    "mac-sources": ["remote-id"],
    "host-reservation-identifiers": ["duid", "hw-address"],
    "preferred-lifetime": 300, "valid-lifetime": 600, "renew-timer": 100, "rebind-timer": 200,
    "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": s0, "rapid-commit": True,
                 "reservations": res}],
    "loggers": [{"name": "kea-dhcp6", "severity": "WARN",
                 "output_options": [{"output": "stdout"}]}]}}
json.dump(conf, open(t + "/kea.json", "w"))
EOF
kea_up() {
    KEA_PIDFILE_DIR=$T KEA_LOCKFILE_DIR=$T \
        ip netns exec "dk$ID-srv" "$T/h6srv-$ID" -c "$T/kea.json" >"$T/srv.log" 2>&1 &
    PIDS="$PIDS $!"
    KEA=$!
    for _ in $(seq 150); do
        in_ns srv ss -Hlun 'sport = :547' | grep -q . && return 0
        kill -0 "$KEA" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
check "kea-dhcp6 starts with the $((N + AV)) reservations" kea_up
# shellcheck disable=SC2086
run kea-direct -i "$C0" -c $N $DIRECT -r 200 -t 10 --check-assignments sarr
check "kea, direct SARR: $N clients, each with its reservation, no loss" \
    served_all "$T/kea-direct.json" sarr $N
# shellcheck disable=SC2086
run kea-relayed -c $N $RELAYED -r 200 -t 10 --check-assignments sarr rapid
check "kea, relayed SARR (Remote-ID reservations): each with its reservation, no loss" \
    served_all "$T/kea-relayed.json" sarr $N
check "kea, relayed rapid commit: each with its reservation, no loss" \
    served_all "$T/kea-relayed.json" rapid $N
kill "$KEA" 2>/dev/null
# The log is Kea's, not ours: the sanitizer check of finish does not apply.
rm -f "$T/srv.log"
finish
