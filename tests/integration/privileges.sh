#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Privilege separation: the parent stays root, the engine runs as the
# configured user and group with no supplementary groups, no capabilities
# and no_new_privs (checked in /proc, every thread); the pid file, the
# control socket, the server DUID state file; a second server and a non-root
# start are refused.
. "$(dirname "$0")/lib.sh"
need_root_netns
need setpriv

topo_direct
write_conf "$T/srv.conf" <<EOF
<listen-interface $S0/>
<recursive-name-servers>
    address 2001:db8::53
</recursive-name-servers>
EOF
check "the server starts" start_server srv "$T/srv.conf"
if [ -z "${ENGINE_PID:-}" ]; then
    fail "no engine process"
    finish
    exit 1
fi

field() { # FILE KEY
    awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ +/, ""); print }' "$1"
}
uid=$(id -u "$SRV_USER")
gid=$(getent group "$SRV_GROUP" | cut -d: -f3)
check "the parent runs as root" [ "$(field /proc/$SRV_PID/status Uid)" = "0 0 0 0" ]
for task in /proc/$ENGINE_PID/task/*; do
    s="$task/status"
    n=$(basename "$task")
    check "engine thread $n: real, effective, saved uid $uid" \
        [ "$(field "$s" Uid)" = "$uid $uid $uid $uid" ]
    check "engine thread $n: gid $gid" [ "$(field "$s" Gid)" = "$gid $gid $gid $gid" ]
    check "engine thread $n: no supplementary groups" [ -z "$(field "$s" Groups)" ]
    for c in CapInh CapPrm CapEff CapBnd CapAmb; do
        check "engine thread $n: $c empty" [ "$(field "$s" $c)" = 0000000000000000 ]
    done
    check "engine thread $n: no_new_privs" [ "$(field "$s" NoNewPrivs)" = 1 ]
done
check "the engine has worker threads" [ "$(ls /proc/$ENGINE_PID/task | wc -l)" -ge 3 ]

check "the pid file holds the parent's pid" [ "$(cat "$T/pid")" = "$SRV_PID" ]
check "the control socket is a socket, 0660, root:$SRV_GROUP" \
    [ "$(stat -c '%F %a %U %G' "$T/sock")" = "socket 660 root $SRV_GROUP" ]
check "the server DUID was generated into the state file" [ -s "$T/state/server-duid" ]
duid=$(tr -d '\n' <"$T/state/server-duid")
has() { # TEXT PATTERN
    case "$1" in *"$2"*) return 0 ;; esac
    return 1
}
r=$(query cli --interface "$C0" --type information-request)
check "a reply carries the DUID of the state file" has "$r" "server_id=$duid"

# A second server with the same pid file must not start.
in_ns srv "$IPV6_DHCPD" -p "$T/pid" -c "$T/sock2" "$T/srv.conf" >"$T/second.log" 2>&1
rc=$?
check "a second server is refused" [ "$rc" -eq 1 ]
check "because the pid file is held" grep -q "holds $T/pid" "$T/second.log"
r=$(query cli --interface "$C0" --type information-request)
check "the first server still answers" has "$r" "REPLY"

check "the server stops on SIGTERM" stop_server
check "the pid file is gone" [ ! -e "$T/pid" ]
check "the control socket is gone" [ ! -e "$T/sock" ]
check "no engine is left" sh -c '! kill -0 "$1" 2>/dev/null' sh "$ENGINE_PID"

# The DUID survives a restart.
check "the server starts again" start_server srv "$T/srv.conf"
r=$(query cli --interface "$C0" --type information-request)
check "with the same DUID" has "$r" "server_id=$duid"
stop_server

# A configured DUID wins and no state file is needed.
rm -rf "${T:?}/state"
write_conf "$T/en.conf" <<EOF
<duid-en>
    enterprise-number 40208
    identifier 64686370
</duid-en>
<listen-interface $S0/>
EOF
check "the server starts with <duid-en>" start_server srv "$T/en.conf"
r=$(query cli --interface "$C0" --type information-request)
check "replies carry the configured DUID-EN" has "$r" "server_id=000200009d1064686370"
check "no state file was written" [ ! -e "$T/state/server-duid" ]
stop_server

# Not as root: refused before anything is opened.
setpriv --reuid="$uid" --regid="$gid" --clear-groups "$IPV6_DHCPD" -p "$T/pid3" -c "$T/sock3" \
    "$T/srv.conf" >"$T/nonroot.log" 2>&1
rc=$?
check "a start without root is refused with status 1" [ "$rc" -eq 1 ]
check "and says why" grep -q "must be started as root" "$T/nonroot.log"

finish
