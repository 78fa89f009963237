#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The engine's seccomp filter (src/server/sandbox.c): every engine thread
# shows Seccomp 2 (a filter) in /proc and still serves; a plug-in that calls
# execve kills its engine by SIGSYS before the program runs, with the system
# call named in the log, and the parent starts a new engine.
. "$(dirname "$0")/lib.sh"
need_root_netns
: "${EXECVE_PLUGIN:?EXECVE_PLUGIN must name the test plug-in}"

topo_direct
write_conf "$T/srv.conf" <<EOF
<listen-interface $S0/>
<recursive-name-servers>
    address 2001:db8::53
</recursive-name-servers>
EOF
check "the server starts" start_server srv "$T/srv.conf"
field() { # FILE KEY
    awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ +/, ""); print }' "$1"
}
for task in /proc/"$ENGINE_PID"/task/*; do
    check "engine thread $(basename "$task"): Seccomp 2" [ "$(field "$task/status" Seccomp)" = 2 ]
done
check "the parent is not filtered" [ "$(field /proc/"$SRV_PID"/status Seccomp)" = 0 ]
has() { # TEXT PATTERN
    case "$1" in *"$2"*) return 0 ;; esac
    return 1
}
r=$(query cli --interface "$C0" --type information-request)
check "a filtered engine answers" has "$r" "REPLY"
stop_server

# The hostile plug-in: the first request ends its engine. The marker file
# would be created by touch if execve got through (the engine's user may
# write to $T).
cp "$EXECVE_PLUGIN" "$T/execve.so"
chmod 1777 "$T"
chmod 644 "$T/execve.so"
write_conf "$T/bad.conf" <<EOF
<listen-interface $S0/>
<plugin $T/execve.so>
    marker $T/executed
</plugin>
EOF
check "the server starts with the execve plug-in" start_server srv "$T/bad.conf"
first=$ENGINE_PID
r=$(query cli --interface "$C0" --type information-request --timeout 2 2>&1)
check "the request got no reply" sh -c '! case "$1" in *REPLY*) true ;; *) false ;; esac' sh "$r"
check "the engine died by SIGSYS" wait_log "engine $first killed by signal 31"
check "the log names the system call" \
    wait_log "system call [0-9]* is not allowed by the seccomp filter"
check "the program did not run" [ ! -e "$T/executed" ]
check "a new engine was started" wait_count "serving as" 2
finish
