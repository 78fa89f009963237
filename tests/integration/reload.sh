#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Reload, by SIGHUP and by ipv6-dhcpctl: a good config is swapped in (the
# replies change), a broken one is refused with file:line: message and the
# old one keeps serving; sockets that still match are kept, statistics go
# on counting; a listener the new config drops is closed, a new one opened.
. "$(dirname "$0")/lib.sh"
need_root_netns

topo_direct
conf() { # DNS [EXTRA]
    write_conf "$T/srv.conf" <<EOF
<listen-interface $S0/>
<recursive-name-servers>
    address $1
</recursive-name-servers>
${2:-}
EOF
}
dns_is() { # ADDRESS
    r=$(query cli --interface "$C0" --type information-request)
    case "$r" in *"REPLY "*"dns=$1 "*) return 0 ;; esac
    log "got: $r"
    return 1
}

conf 2001:db8::53
check "the server starts" start_server srv "$T/srv.conf"
check "it answers with the first config" dns_is 2001:db8::53

conf 2001:db8::54
check "reload through ipv6-dhcpctl" ctl reload
check "the new config answers at once" dns_is 2001:db8::54

conf 2001:db8::55
kill -HUP "$SRV_PID"
check "SIGHUP reloads" wait_log "reloaded $T/srv.conf"
check "the SIGHUP config answers" dns_is 2001:db8::55

# Broken: refused as a whole, with every error, and the old one serves on.
cp "$T/srv.conf" "$T/good.conf"
printf '<recursive-name-servers>\n    address 2001:db8::56\n</recursive-name-servers>\n' >>"$T/srv.conf"
printf '<preference>\n    level 999\n</preference>\n<bogus/>\n' >>"$T/srv.conf"
"$IPV6_DHCPCTL" -c "$T/sock" reload >"$T/out" 2>"$T/err"
check "a broken config is refused (status 1)" [ $? -eq 1 ]
check "with file:line: of each error" \
    [ "$(grep -c "^$T/srv.conf:[0-9]*: " "$T/err")" -eq 2 ]
check "the old config still answers" dns_is 2001:db8::55
n=$(grep -c "has errors" "$T/srv.log")
kill -HUP "$SRV_PID"
for _ in $(seq 50); do
    [ "$(grep -c "has errors" "$T/srv.log")" -gt "$n" ] && break
    sleep 0.1
done
check "SIGHUP with the broken config: refused and logged" \
    [ "$(grep -c "has errors" "$T/srv.log")" -gt "$n" ]
check "the errors are in the log as file:line:" grep -q "^$T/srv.conf:[0-9]*: unknown section" "$T/srv.log"
check "the old config still answers after SIGHUP" dns_is 2001:db8::55
check "the server process is still the same" kill -0 "$SRV_PID"

# A reload that fails in the engine (the handlers refuse the config) is
# refused too.
conf 2001:db8::57 "<plugin $T/no-such-plugin.so/>"
check "a config the handlers refuse: status 1" sh -c '! "$0" -c "$1" reload 2>"$2"' \
    "$IPV6_DHCPCTL" "$T/sock" "$T/err"
check "with the handler's file:line: message" grep -q "^$T/srv.conf:[0-9]*: " "$T/err"
check "the old config still answers" dns_is 2001:db8::55

# Sockets: kept across reloads; added and dropped as the config says.
check "the multicast socket was opened once" \
    [ "$(grep -c ": listening on ff02::1:2%$S0" "$T/srv.log")" -eq 1 ]
in1=$(counter incoming_packets)
conf 2001:db8::58 "<listen-unicast 2001:db8:1::1/>"
check "reload adding a unicast listener" ctl reload
check "it listens on the new address" wait_log ": listening on 2001:db8:1::1"
in_ns cli ip -6 route add 2001:db8:2::/64 dev "$C0" 2>/dev/null
r=$(query cli --relay 2001:db8:1::2 --server 2001:db8:1::1 --link 2001:db8:2::1 \
    --interface-id port7 --type information-request)
check "a relayed request to it is answered" sh -c 'case "$1" in RELAY-REPL/REPLY*) exit 0;; esac; exit 1' sh "$r"
r=$(query cli --relay 2001:db8:1::2 --relay-port 5547 --server 2001:db8:1::1 \
    --link 2001:db8:2::1 --type information-request)
check "a relay on another port (RFC 8357) is answered on that port" \
    sh -c 'case "$1" in RELAY-REPL/REPLY*) exit 0;; esac; exit 1' sh "$r"
check "the multicast socket was still not reopened" \
    [ "$(grep -c ": listening on ff02::1:2%$S0" "$T/srv.log")" -eq 1 ]
in2=$(counter incoming_packets)
check "statistics go on counting across reloads" [ "$in2" -gt "$in1" ]
conf 2001:db8::59
check "reload dropping it" ctl reload
check "the unicast socket is closed" wait_log "no longer listening on 2001:db8:1::1"

# listen-to-self: a client on the server's own host is answered only when
# asked for; switching it reuses the socket.
conf 2001:db8::60
ctl reload >/dev/null
r=$(query srv --interface "$S0" --type information-request --tries 2 --timeout 0.5)
check "a request from the server's own address is ignored by default" [ "$r" = timeout ]
conf 2001:db8::60 "<listen-interface $S0>
    listen-to-self yes
</listen-interface>"
sed -i "s|^<listen-interface $S0/>\$||" "$T/srv.conf"
check "reload with listen-to-self" ctl reload
r=$(query srv --interface "$S0" --type information-request)
check "with listen-to-self it is answered" sh -c 'case "$1" in REPLY*) exit 0;; esac; exit 1' sh "$r"
check "the multicast socket was still not reopened" \
    [ "$(grep -c ": listening on ff02::1:2%$S0" "$T/srv.log")" -eq 1 ]

# An engine that dies is replaced; the parent and the sockets stay.
old_engine=$(pgrep -P "$SRV_PID" | head -n 1)
kill -9 "$old_engine"
check "the parent notices" wait_log "engine $old_engine killed by signal 9"
check "and starts a new engine" wait_count "serving as $SRV_USER" 2
new_engine=$(pgrep -P "$SRV_PID" | head -n 1)
check "a different process" [ -n "$new_engine" -a "$new_engine" != "$old_engine" ]
r=$(query cli --interface "$C0" --type information-request)
check "which answers" sh -c 'case "$1" in REPLY*) exit 0;; esac; exit 1' sh "$r"

finish
