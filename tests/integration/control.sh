#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The control socket and ipv6-dhcpctl: every command, every peer class
# (SO_PEERCRED: root, the server user, control-socket-user, the control
# group as primary or supplementary group, the read-only group, anyone
# else), the exit statuses 0/1/3/64 and the 10 s timeout.
. "$(dirname "$0")/lib.sh"
need_root_netns
need setpriv

topo_direct
write_conf "$T/srv.conf" <<EOF
control-socket-user daemon
control-socket-group bin
control-socket-readonly-group sys
<listen-interface $S0/>
<recursive-name-servers>
    address 2001:db8::53
</recursive-name-servers>
EOF
check "the server starts" start_server srv "$T/srv.conf"

# Status of a command as a peer: as UID GID [GROUPS] COMMAND
as() {
    uid=$1 gid=$2 groups=$3
    shift 3
    if [ "$groups" = - ]; then
        setpriv --reuid="$uid" --regid="$gid" --clear-groups "$IPV6_DHCPCTL" -c "$T/sock" "$@"
    else
        setpriv --reuid="$uid" --regid="$gid" --groups="$groups" "$IPV6_DHCPCTL" -c "$T/sock" "$@"
    fi
}
status_is() { # EXPECTED COMMAND...
    want=$1
    shift
    "$@" >"$T/out" 2>"$T/err"
    [ $? -eq "$want" ]
}

# root: everything.
check "help lists the commands" sh -c '"$0" -c "$1" help | grep -qx "  stats-json"' \
    "$IPV6_DHCPCTL" "$T/sock"
check "version prints the version" sh -c '"$0" -c "$1" version | grep -qx "[0-9][0-9.]*"' \
    "$IPV6_DHCPCTL" "$T/sock"
query cli --interface "$C0" --type information-request >/dev/null
check "stats counts the request" sh -c '"$0" -c "$1" stats | grep -q "Incoming packets: [1-9]"' \
    "$IPV6_DHCPCTL" "$T/sock"
ctl stats-json >"$T/stats.json"
check "stats-json is JSON with the original's keys and ours" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
g = d["global"]
for k in ("incoming_packets", "outgoing_packets", "unparsable_packets", "handling_errors",
          "for_other_server", "do_not_respond", "use_multicast", "not_allowed",
          "rate_limited", "kernel_drops"):
    assert isinstance(g[k], int), k
assert g["messages_in"]["information_request"] >= 1
assert g["messages_out"]["reply"] >= 1
assert g["incoming_packets"] >= 1 and g["outgoing_packets"] >= 1
assert set(d) >= {"global", "interfaces", "subnets", "relays", "listeners"}
' "$T/stats.json"
check "an unknown command: status 1" status_is 1 ctl bogus
check "and says so" grep -q "does not know 'bogus'" "$T/err"
check "commands are case-insensitive" status_is 0 ctl VERSION
check "reload as root: status 0" status_is 0 ctl reload
check "and answers Reloaded" grep -qx Reloaded "$T/out"

# The peer classes.
check "server user: reload allowed" status_is 0 as "$(id -u nobody)" "$(id -g nobody)" - reload
check "control-socket-user: reload allowed" status_is 0 as 1 1 - reload
check "control group as primary group: reload allowed" status_is 0 as 5000 2 - reload
check "control group as supplementary group: reload allowed" status_is 0 as 5001 5001 2 reload
check "read-only group: stats allowed" status_is 0 as 5002 3 - stats
check "read-only group: stats-json allowed" status_is 0 as 5002 3 - stats-json
check "read-only group: version allowed" status_is 0 as 5002 3 - version
check "read-only group (supplementary): stats allowed" status_is 0 as 5003 5003 3 stats-json
check "read-only group: reload refused, status 1" status_is 1 as 5002 3 - reload
check "with 'permission denied'" grep -q "permission denied" "$T/err"
check "read-only group: shutdown refused, status 1" status_is 1 as 5002 3 - shutdown
check "anyone else: refused, status 1" status_is 1 as 5004 5004 - stats
check "with 'permission denied'" grep -q "permission denied" "$T/err"
check "the socket lets the read-only group in (0666)" \
    [ "$(stat -c %a "$T/sock")" = 666 ]

# A reload that is refused: the errors, status 1.
cp "$T/srv.conf" "$T/good.conf"
printf '<bogus/>\n<preference>\n    level 300\n</preference>\n' >>"$T/srv.conf"
check "a reload with errors: status 1" status_is 1 ctl reload
check "the errors come as file:line: message" grep -q "^$T/srv.conf:[0-9]*: unknown section" "$T/err"
check "both of them" grep -q "^$T/srv.conf:[0-9]*: bad value '300' for level" "$T/err"
cp "$T/good.conf" "$T/srv.conf"

# No server, usage, timeouts.
check "no socket: status 3" status_is 3 "$IPV6_DHCPCTL" -c "$T/nothing" stats
check "no command: status 64" status_is 64 "$IPV6_DHCPCTL" -c "$T/sock"
check "two commands: status 64" status_is 64 "$IPV6_DHCPCTL" -c "$T/sock" stats help
check "an unknown option: status 64" status_is 64 "$IPV6_DHCPCTL" -x stats
"$PY" - "$T/silent.sock" "$T/mute.sock" <<'EOF' &
import socket, sys, time
socks = []
for i, path in enumerate(sys.argv[1:]):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    socks.append((i, s))
conns = []
end = time.time() + 30
for i, s in socks:
    s.settimeout(30)
    c, _ = s.accept()
    if i == 1:
        c.sendall(b"DHCPKit DHCPv6 Server fake\n")  # greets, then never answers
    conns.append(c)
time.sleep(max(0, end - time.time()))
EOF
FAKE=$!
PIDS="$PIDS $FAKE"
sleep 0.5
start=$(date +%s)
"$IPV6_DHCPCTL" -c "$T/silent.sock" stats >/dev/null 2>&1 &
c1=$!
"$IPV6_DHCPCTL" -c "$T/mute.sock" stats >/dev/null 2>&1
rc2=$?
wait $c1
rc1=$?
took=$(($(date +%s) - start))
check "a server that never greets: status 3" [ "$rc1" -eq 3 ]
check "a server that never answers: status 3" [ "$rc2" -eq 3 ]
check "after the 10 s timeout" [ "$took" -ge 9 -a "$took" -le 15 ]
kill "$FAKE" 2>/dev/null

check "shutdown: status 0" status_is 0 ctl shutdown
check "and says so" grep -q "Shutting down" "$T/out"
for _ in $(seq 50); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
check "the server is gone" sh -c '! kill -0 "$1" 2>/dev/null' sh "$SRV_PID"
check "and has removed its socket" [ ! -e "$T/sock" ]

finish
