#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The looking glass end to end: ISC dhclient -6 -P behind dibbler-relay,
# which adds Remote-ID 3561:"CUST1", gets the /56 of its static-csv row from
# a server whose <looking-glass> records every transaction; requests with
# hostile strings (<script>, "onerror=, </textarea>, invalid UTF-8) in the
# DUID, vendor class, user class, FQDN, Interface-ID, Subscriber-ID and
# Remote-ID are sent by ipv6-dhcp-probe as a relay. Then
# ipv6-dhcp-looking-glass serves the database and Debian's chromium, driven
# by playwright-core (npm ci from the committed lock file), finds the client
# by Remote-ID, sees its prefix, and renders every hostile string as text:
# any dialog, console error or page error fails the test (browser.mjs).
#
#  cli: c1 fe80::2 ---- relay: r0 fe80::1, 2001:db8:2::1/64
#                       relay: r1 2001:db8:ff::2/64 ---- srv: s1 2001:db8:ff::1/64
#  cli: c0 fe80::2, 2001:db8:1::2/64 ------------------- srv: s0 fe80::1, 2001:db8:1::1/64
. "$(dirname "$0")/lib.sh"
: "${IPV6_DHCP_PROBE:?IPV6_DHCP_PROBE must name ipv6-dhcp-probe}"
: "${IPV6_DHCP_LOOKING_GLASS:?IPV6_DHCP_LOOKING_GLASS must name ipv6-dhcp-looking-glass}"
need_root_netns
need dhclient dibbler-relay chromium node npm

S1="s1$ID"
C1="c1$ID"
R0="r0$ID"
R1="r1$ID"
netns srv
netns cli
netns relay
link srv "$S0" cli "$C0"
link relay "$R0" cli "$C1"
link srv "$S1" relay "$R1"
addr srv "$S0" fe80::1/64
addr srv "$S0" 2001:db8:1::1/64
addr cli "$C0" fe80::2/64
addr cli "$C0" 2001:db8:1::2/64
addr relay "$R0" fe80::1/64
addr relay "$R0" 2001:db8:2::1/64
addr cli "$C1" fe80::2/64
addr srv "$S1" fe80::1/64
addr srv "$S1" 2001:db8:ff::1/64
addr relay "$R1" fe80::2/64
addr relay "$R1" 2001:db8:ff::2/64

# The npm packages, from the lock file, while the network is set up.
mkdir -p "$T/node"
cp "$HERE/looking-glass/package.json" "$HERE/looking-glass/package-lock.json" \
    "$HERE/looking-glass/browser.mjs" "$T/node/"
(cd "$T/node" && npm ci --no-audit --no-fund --loglevel=error >"$T/npm.log" 2>&1) &
NPM=$!

chmod 755 "$T"
mkdir -m 777 "$T/lg"
printf 'id,address,prefix\nremote-id-str:3561:CUST1,,2001:db8:c57:100::/56\n' >"$T/assign.csv"
chmod 644 "$T/assign.csv"
write_conf "$T/srv.conf" <<EOF
<listen-interface $S0/>
<listen-unicast 2001:db8:ff::1/>
<looking-glass $T/lg/srv-a.db>
    keep 20
    max-age 7d
    queue 65536
    server-name srv-a
</looking-glass>
<static-csv $T/assign.csv/>
EOF
check "the server starts" start_server srv "$T/srv.conf"

# A second server, with its own database, on its own link to the client.
netns srv2
S2="s2$ID"
C2="c2$ID"
link srv2 "$S2" cli "$C2"
addr srv2 "$S2" fe80::1/64
addr cli "$C2" fe80::2/64
mkdir -p "$T/state2"
{
    printf 'user %s\ngroup %s\nserver-duid-file %s\nworkers 1\n' "$SRV_USER" "$SRV_GROUP" \
        "$T/state2/server-duid"
    printf '<listen-interface %s/>\n<looking-glass %s>\n    server-name srv-b\n</looking-glass>\n' \
        "$S2" "$T/lg/srv-b.db"
    printf '<static-csv %s/>\n' "$T/assign.csv"
} >"$T/srv2.conf"
ip netns exec "dk$ID-srv2" "$IPV6_DHCPD" -vv -p "$T/pid2" -c "$T/sock2" "$T/srv2.conf" \
    >"$T/srv2.log" 2>&1 &
PIDS="$PIDS $!"

# dibbler-relay, in a private mount namespace with its files in $T/dibbler.
mkdir -p "$T/dibbler/etc" "$T/dibbler/lib" "$T/dibbler/log"
cat >"$T/dibbler/etc/relay.conf" <<EOF
log-level 8
log-mode short
option remote-id 3561-0x4355535431
iface "$R0" {
    client multicast yes
    interface-id 5555
}
iface "$R1" {
    server unicast 2001:db8:ff::1
}
EOF
ip netns exec "dk$ID-relay" unshare -m sh -c '
    mount --bind "$0/etc" /etc/dibbler
    mount --bind "$0/lib" /var/lib/dibbler
    mount --bind "$0/log" /var/log/dibbler 2>/dev/null
    exec dibbler-relay run' "$T/dibbler" >"$T/relay.log" 2>&1 &
PIDS="$PIDS $!"
sleep 1

mkdir -m 1777 "$T/env"
printf '#!/bin/sh\nenv | sort > "%s/env/$(date +%%s%%N).${reason:-none}"\n' "$T" >"$T/hook.sh"
chmod 755 "$T/hook.sh"
( run_client cli dhclient -6 -P -d -v -cf /dev/null -lf "$T/dhclient.leases" \
    -pf /run/dhclient/c.pid -sf "$T/hook.sh" "$C1" ) >"$T/dhclient.log" 2>&1 &
PIDS="$PIDS $!"
bound() { grep -rqx "new_ip6_prefix=2001:db8:c57:100::/56" "$T/env" 2>/dev/null; }
wait_bound() {
    for _ in $(seq 150); do
        bound && return 0
        sleep 0.1
    done
    return 1
}
check "dhclient -6 -P behind dibbler-relay gets the Remote-ID row's /56" wait_bound

# A reload builds a new capture (a new writer thread, under the seccomp
# filter) on the same file; the hostile request below is written by it.
check "a reload with <looking-glass> succeeds" ctl reload

# Hostile strings, sent by the probe as a relay on c0.
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
XSS='<script>alert(1)</script>"onerror=alert(2)</textarea><img src=x onerror=alert(3)>'
# DUID-EN 3561 with the hostile text as its identifier; invalid UTF-8 too.
DUID="0002$(printf '%08x' 3561)$(hex "$XSS")fffe"
# Vendor class 3561 [XSS]; user class [XSS, ff fe].
len16() { printf '%04x' "$(($(printf '%s' "$1" | wc -c) / 2))"; }
XH=$(hex "$XSS")
VC="$(printf '%08x' 3561)$(len16 "$XH")$XH"
UC="$(len16 "$XH")${XH}0002fffe"
# Client FQDN: flags 0, one label '<b>"onerror=x</textarea>' and one of invalid UTF-8.
L1=$(hex '<b>"onerror=x</textarea>')
FQDN="00$(printf '%02x' $(($(printf '%s' "$L1" | wc -c) / 2)))${L1}02fffe00"
in_ns cli "$IPV6_DHCP_PROBE" -i "$C0" --timeout 5 --relay 2001:db8:3::1 \
    --remote-id "3561:$(hex '<img src=x onerror=alert(4)>')" \
    --interface-id-str '"onerror=alert(5)</textarea>' \
    --subscriber-id "$(hex '<script>alert(6)</script>')fffe" \
    --duid "$DUID" --option "16:$VC" --option "15:$UC" --option "39:$FQDN" \
    --ia-pd 1 solicit >"$T/probe.out" 2>"$T/probe.err"
rc=$?
check "the hostile Solicit was answered (NoPrefixAvail: exit 1)" [ "$rc" = 1 ]

# The same customer line seen by the second server (the probe as its relay).
in_ns cli "$IPV6_DHCP_PROBE" -i "$C2" --timeout 5 --relay 2001:db8:4::1 \
    --remote-id-str 3561:CUST1 --ia-pd 1 solicit >"$T/probe2.out" 2>"$T/probe2.err"
check "the second server hands out the same /56" grep -q "prefix=2001:db8:c57:100::/56" "$T/probe2.out"

# A Renew naming another server's DUID (RFC 8415 §16.6): no reply, but a
# record of the drop and of the rule.
in_ns cli "$IPV6_DHCP_PROBE" -i "$C0" --timeout 1 --relay 2001:db8:3::1 \
    --remote-id-str 3561:OTHER --server-duid 000300010a0b0c0d0e0f \
    --prefix 2001:db8:c57:100::/56 renew >"$T/probe3.out" 2>&1

# Every transaction is in the database, with the server's name.
DB="$T/lg/srv-a.db"
rows() { sqlite3 -readonly "$DB" "$1" 2>/dev/null; }
wait_rows() {
    for _ in $(seq 50); do
        [ "$(rows "SELECT count(*) FROM tx WHERE $1")" -ge 1 ] 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
check "the relayed client's transactions are recorded by Remote-ID" \
    wait_rows "remote_id = 'remote-id:3561:4355535431' AND leases = '2001:db8:c57:100::/56'"
check "the hostile request is recorded" wait_rows "duid = 'duid:$DUID'"
check "a request dropped by a receive rule is recorded with the rule" \
    wait_rows "remote_id = 'remote-id:3561:4f54484552' AND outcome = 'dropped: for another server' AND why = 'Server Identifier of another server'"
check "every record names the server" [ "$(rows "SELECT count(*) FROM tx WHERE server <> 'srv-a'")" = 0 ]
check "the database is in WAL mode" [ "$(rows 'PRAGMA journal_mode')" = wal ]
DB2="$T/lg/srv-b.db"
wait_rows2() {
    for _ in $(seq 50); do
        [ "$(sqlite3 -readonly "$DB2" "SELECT count(*) FROM tx WHERE server = 'srv-b'" 2>/dev/null)" -ge 1 ] 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
check "the second server writes its own database" wait_rows2
check "the engine never hit the seccomp filter while writing" \
    sh -c "! grep -q 'not allowed by the seccomp filter' '$T/srv.log' '$T/srv2.log'"

wait_file_has() { # FILE PATTERN
    for _ in $(seq 50); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# The page, on the server namespace's loopback.
ip netns exec "dk$ID-srv" "$IPV6_DHCP_LOOKING_GLASS" -l ::1 -p 8547 -c "$T/sock" "$DB" "$DB2" >"$T/lg.log" 2>&1 &
LG_PID=$!
PIDS="$PIDS $LG_PID"
check "ipv6-dhcp-looking-glass listens" wait_file_has "$T/lg.log" "listening on ::1 port 8547, 2 databases"
wait "$NPM"
check "npm ci installed playwright-core from the lock file" test -f "$T/node/node_modules/playwright-core/package.json"
tail -n 5 "$T/npm.log" >&2

# Read-only and strict.
hdrs=$(in_ns srv curl -sS -D - -o /dev/null 'http://[::1]:8547/' 2>&1)
check "a strict Content-Security-Policy" sh -c "printf '%s' \"\$0\" | grep -qi \"^content-security-policy: default-src 'none'; script-src 'self'\"" "$hdrs"
code=$(in_ns srv curl -s -o /dev/null -w '%{http_code}' -X POST 'http://[::1]:8547/')
check "POST is refused (405)" [ "$code" = 405 ]
metrics=$(in_ns srv curl -s 'http://[::1]:8547/metrics')
check "/metrics has the server's counters by message type" sh -c \
    "printf '%s\n' \"\$0\" | grep -qE '^dhcpkit_messages_in_total\{type=\"SOLICIT\"\} [1-9]'" "$metrics"
check "/metrics has the capture's counters" sh -c \
    "printf '%s\n' \"\$0\" | grep -qE '^dhcpkit_looking_glass_dropped_total\{db=\"0\",server=\"srv-a\"\} 0$'" "$metrics"
api=$(in_ns srv curl -s 'http://[::1]:8547/api/search?q=remote-id-str:3561:CUST1')
check "/api/search by remote-id-str finds the client and its prefix" sh -c \
    "printf '%s' \"\$0\" | $PY -c 'import json,sys; d=json.load(sys.stdin); c=d[\"clients\"]; assert c and c[0][\"leases\"]==[\"2001:db8:c57:100::/56\"], d'" "$api"
check "/api/search shows both servers' databases together" sh -c \
    "printf '%s' \"\$0\" | $PY -c 'import json,sys; d=json.load(sys.stdin); assert {c[\"server\"] for c in d[\"clients\"]} == {\"srv-a\", \"srv-b\"}, d'" "$api"
api=$(in_ns srv curl -s 'http://[::1]:8547/api/search?q=2001:db8:c57:100:0::/56')
check "/api/search by the delegated prefix finds the Remote-ID's client" sh -c \
    "printf '%s' \"\$0\" | $PY -c 'import json,sys; d=json.load(sys.stdin); assert d[\"kind\"]==\"lease\" and \"remote-id:3561:4355535431\" in [c[\"remote_id\"] for c in d[\"clients\"]], d'" "$api"
api=$(in_ns srv curl -s 'http://[::1]:8547/api/problems/multi-duid')
check "/api/problems/multi-duid: Remote-ID CUST1 has two DUIDs (dhclient's and the probe's)" sh -c \
    "printf '%s' \"\$0\" | $PY -c 'import json,sys; d=json.load(sys.stdin); assert [i for i in d[\"items\"] if i[\"id_label\"]==\"remote-id-str:3561:CUST1\" and i[\"n\"]==2], d'" "$api"
api=$(in_ns srv curl -s "http://[::1]:8547/api/clients/duid:$DUID/transactions")
check "/api/clients: the hostile strings are escaped JSON (no raw <)" sh -c \
    "printf '%s' \"\$0\" | $PY -c 'import json,sys; s=sys.stdin.read(); assert \"<\" not in s; d=json.load(__import__(\"io\").StringIO(s)); assert d[\"transactions\"]'" "$api"

# Basic auth, and an allow-list of client networks that ::1 is not in.
printf 'noc:s3cret\n' >"$T/auth"
in_ns srv "$IPV6_DHCP_LOOKING_GLASS" -l ::1 -p 8548 -A "$T/auth" "$DB" >"$T/lg-auth.log" 2>&1 &
PIDS="$PIDS $!"
in_ns srv "$IPV6_DHCP_LOOKING_GLASS" -l ::1 -p 8549 -a 2001:db8:ffff::/48 "$DB" >"$T/lg-allow.log" 2>&1 &
PIDS="$PIDS $!"
wait_file_has "$T/lg-auth.log" "port 8548" && wait_file_has "$T/lg-allow.log" "port 8549"
code=$(in_ns srv curl -s -o /dev/null -w '%{http_code}' 'http://[::1]:8548/api/search?q=remote-id-str:3561:CUST1')
check "basic auth: without credentials 401" [ "$code" = 401 ]
code=$(in_ns srv curl -s -o /dev/null -w '%{http_code}' -u noc:wrong 'http://[::1]:8548/')
check "basic auth: a wrong password 401" [ "$code" = 401 ]
code=$(in_ns srv curl -s -o /dev/null -w '%{http_code}' -u noc:s3cret 'http://[::1]:8548/api/search?q=remote-id-str:3561:CUST1')
check "basic auth: the right one 200" [ "$code" = 200 ]
code=$(in_ns srv curl -s -o /dev/null -w '%{http_code}' 'http://[::1]:8549/')
check "allow-list: a peer outside it gets no answer" [ "$code" = 000 ]

# The browser.
mkdir -p "$T/chrome"
check "chromium: search, client page, hostile strings as text, no dialog or console error" \
    in_ns srv env LG_URL='http://[::1]:8547' LG_PROFILE="$T/chrome" \
    LG_SCREENSHOT="$T/looking-glass.png" LG_DUID="$DUID" \
    node "$T/node/browser.mjs"
if [ -n "${LG_SCREENSHOT_OUT:-}" ] && [ -f "$T/looking-glass.png" ]; then
    cp "$T/looking-glass.png" "$LG_SCREENSHOT_OUT"
fi

# It stops cleanly on SIGTERM; a sanitizer build reports on its standard error.
kill -TERM "$LG_PID"
wait "$LG_PID"
check "ipv6-dhcp-looking-glass exits 0 on SIGTERM" [ $? = 0 ]
check "no sanitizer report from the page or the second server" \
    sh -c "! grep -q -e Sanitizer -e 'runtime error:' '$T/lg.log' '$T/lg-auth.log' '$T/lg-allow.log' '$T/srv2.log'"

finish
