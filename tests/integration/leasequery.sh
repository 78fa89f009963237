#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Leasequery (RFC 5007) over UDP against the leases a real client was given:
# ISC dhclient -6 -P behind dibbler-relay (Remote-ID 3561:CUST1) gets the
# static /56 of its Remote-ID; the <leasequery> handler records it; a
# requestor in allow-from asks by an address inside the delegated prefix and
# by the client-id that answer names, and gets the prefix; a requestor
# outside allow-from gets NotAllowed; after a restart of the server the
# answer is still there (the lease store is a file), and a new client's
# lease (a relay simulator's Solicit with Rapid Commit) is recorded too.
# Last, a burst of 3000 load generator clients and an immediate stop: every
# lease is in the store (the engine lets the writer finish its queue).
#
#  cli: c1 -- rly1: dibbler 2001:db8:abc::1 | 2001:db8:ff::2 --+
#                                                               +-- sw (br0: requestors
#  srv: eth1 2001:db8:ff::1 -----------------------------------+   ::9 allowed, ::8 not)
. "$(dirname "$0")/lib.sh"
need_root_netns
need dhclient dibbler-relay

topo_relays 1
C1="c1$ID"
ip netns exec "dk$ID-sw" sysctl -qw net.ipv6.conf.br0.accept_dad=0
addr sw br0 2001:db8:ff::9/64
addr sw br0 2001:db8:ff::8/64

printf 'id,address,prefix\nremote-id-str:3561:CUST1,,2001:db8:abc:100::/56\n%s\n' \
    "remote-id-str:3561:CUST9,,2001:db8:abc:900::/56" >"$T/assignments.csv"
# And the rows of a burst of load generator clients behind a relay at ::8.
BURST="--relay 2001:db8:ff::8 --server 2001:db8:ff::1 --ia-pd --pd-base 2001:db8:4000::/34 --seed 7"
NBURST=3000
# shellcheck disable=SC2086 # BURST is a list of options
"$IPV6_DHCP_BENCH" -c $NBURST $BURST --write-csv "$T/burst.csv"
tail -n +2 "$T/burst.csv" >>"$T/assignments.csv"
chmod 644 "$T/assignments.csv"
# The store's folder belongs to the engine's user, who makes the file.
mkdir "$T/lq"
chown "$SRV_USER:$SRV_GROUP" "$T/lq"
write_conf "$T/srv.conf" <<EOF
allow-rapid-commit yes
<listen-unicast 2001:db8:ff::1/>
<static-csv $T/assignments.csv/>
<leasequery>
    allow-from 2001:db8:ff::9/128
    sensitive-option 23
    <lq-sqlite $T/lq/leases.sqlite/>
</leasequery>
EOF
check "the config passes -n" in_ns srv "$IPV6_DHCPD" -n "$T/srv.conf"
check "the server starts" start_server srv "$T/srv.conf"
kill -0 "$SRV_PID" 2>/dev/null || exit 1

dibbler_relay rly1 3561 CUST1 "r0$ID" 11 "r1$ID" 2001:db8:ff::1
check "dibbler-relay is up" wait_dibbler rly1
hook_env_setup
mark=$(date +%s%N)
( run_client cli dhclient -6 -P -d -v -cf /dev/null -lf "$T/dhclient.leases" \
    -pf /run/dhclient/c.pid -sf "$T/hook.sh" "$C1" ) >"$T/dhclient.log" 2>&1 &
CLIENT_PID=$!
PIDS="$PIDS $CLIENT_PID"
check "dhclient -6 -P behind the CUST1 relay gets CUST1's /56" \
    wait_env "$mark" "new_ip6_prefix=2001:db8:abc:100::/56" 200

# One Leasequery from FROM; prints the summary line of the answer.
lq() { # FROM ARGS...
    from=$1
    shift
    query sw --type leasequery --source "$from" --server 2001:db8:ff::1 --timeout 1 --tries 2 \
        --oro "" "$@"
}
# Asks from the allowed requestor until the answer matches PATTERN (the
# store is written behind the replies, by a thread of its own); $ANSWER is
# the last answer.
lq_until() { # PATTERN ARGS...
    pat=$1
    shift
    for _ in $(seq 50); do
        ANSWER=$(lq 2001:db8:ff::9 "$@")
        case $ANSWER in $pat) return 0 ;; esac
        sleep 0.2
    done
    log "$*: $ANSWER"
    return 1
}
# By an address inside the delegated prefix.
by_address() {
    lq_until "* pd=2001:db8:abc:100::/56 *" --lq-type 1 --lq-address 2001:db8:abc:100::1
}
check "by address (inside the delegated prefix): the client and its prefix" by_address
echo "$ANSWER" >>"$T/answers.txt"
CLIENT=$(echo "$ANSWER" | sed -n 's/.* clients=\([0-9a-f]*\).*/\1/p')
check "the answer names the client" [ -n "$CLIENT" ]
check "the answer is a LEASEQUERY-REPLY with Success" \
    sh -c 'case $1 in LEASEQUERY-REPLY\ *" status= "*) exit 0 ;; esac; exit 1' sh "$ANSWER"
by_client_id() { # DUID
    a=$(lq 2001:db8:ff::9 --lq-type 2 --lq-client-id "$1")
    echo "$a" >>"$T/answers.txt"
    case $a in *" pd=2001:db8:abc:100::/56 clients=$1"*) return 0 ;; esac
    log "by client-id: $a"
    return 1
}
check "by client-id: the same prefix" by_client_id "$CLIENT"
other=$(lq 2001:db8:ff::9 --lq-type 2 --lq-client-id 00030001020000000099)
echo "$other" >>"$T/answers.txt"
check "by an unknown client-id: no client data" \
    sh -c 'case $1 in *" pd= clients="*) exit 0 ;; esac; exit 1' sh "$other"
refused=$(lq 2001:db8:ff::8 --lq-type 1 --lq-address 2001:db8:abc:100::1)
echo "$refused" >>"$T/answers.txt"
check "a requestor outside allow-from gets NotAllowed and no data" \
    sh -c 'case $1 in *"=NotAllowed "*" pd= clients="*) exit 0 ;; esac; exit 1' sh "$refused"
bulk=$(lq 2001:db8:ff::9 --lq-type 5)
echo "$bulk" >>"$T/answers.txt"
check "a bulk query type over UDP gets NotAllowed" \
    sh -c 'case $1 in *"=NotAllowed "*) exit 0 ;; esac; exit 1' sh "$bulk"

# A restart: the lease store is a file. The client is gone first, so that
# nothing is recorded again.
kill "$CLIENT_PID" 2>/dev/null
check "the server stops" stop_server
check "the server starts again" start_server srv "$T/srv.conf"
check "after the restart, by address: still the client and its prefix" by_address
check "after the restart, by client-id: still the same prefix" by_client_id "$CLIENT"
# And the restarted server records: a client of the relay simulator (Remote-ID
# 3561:CUST9) gets its /56 by Solicit with Rapid Commit, and is found.
new_client() {
    r=$(query sw --relay 2001:db8:ff::9 --server 2001:db8:ff::1 --link 2001:db8:abc::1 \
        --peer fe80::99 --mac 02:00:00:00:00:99 --ia-pd --oro "" --rapid-commit \
        --relay-option "37:00000de9$(hexof CUST9)" --timeout 2 --tries 3)
    case $r in *"/REPLY "*" pd=2001:db8:abc:900::/56 "*) ;; *) log "new client: $r" && return 1 ;; esac
    lq_until "* pd=2001:db8:abc:900::/56 clients=00030001020000000099 *" \
        --lq-type 1 --lq-address 2001:db8:abc:9ff::1
}
check "after the restart, a new client's lease is recorded and found" new_client
# Leases handed out just before a stop are in the store after it: a burst
# of clients with Rapid Commit, and the server stopped at once. The writer,
# at idle priority, is behind under such load; the engine lets it write its
# queue before it goes.
# shellcheck disable=SC2086
in_ns sw "$IPV6_DHCP_BENCH" -q -c $NBURST $BURST rapid >"$T/burst.json" 2>"$T/burst.err"
check "a burst of $NBURST clients with Rapid Commit is answered" grep -q "\"done\":$NBURST," "$T/burst.json"
check "the server stops at once" stop_server
burst_stored() {
    sqlite3 -readonly "$T/lq/leases.sqlite" \
        "SELECT count(*) FROM lease WHERE prefix AND plen = 56 AND hex(first) LIKE '20010DB8400%'"
}
check "every lease of the burst was written before the engine went" \
    [ "$(burst_stored)" = $NBURST ]
check "the server starts a third time" start_server srv "$T/srv.conf"
check "the engine's sandbox allowed every system call" \
    sh -c '! grep -q "system call .* is not allowed" "$1"' sh "$T/srv.log"
check "the server is still running" kill -0 "$SRV_PID"
finish
