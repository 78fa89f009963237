# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the integration tests: network namespaces with unique names,
# veth pairs, the server, real clients, captures, and cleanup on any exit.
#
# Every test sources this file, calls setup (or skips), and ends with finish.
# Everything it creates is named after $ID (unique per run), so tests may run
# in parallel; the EXIT trap removes it all, even when the test fails.
# Addresses: link-local and 2001:db8::/32 only, inside the namespaces.

set -u

: "${IPV6_DHCPD:?IPV6_DHCPD must name the server binary}"
: "${IPV6_DHCPCTL:?IPV6_DHCPCTL must name ipv6-dhcpctl}"
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3

# Unique per run: 6 hex digits (interface names stay under 16 octets).
ID=$(printf '%04x%02x' $(( $$ & 0xffff )) $(( RANDOM & 0xff )))
T=$(mktemp -d "/tmp/dhcpkit-it-$ID.XXXXXX")
chmod 755 "$T"
NAMESPACES=""
PIDS=""
FAILED=0
PASSED=0

log() { printf '%s: %s\n' "$(basename "$0" .sh)" "$*" >&2; }

skip() { # REASON
    log "SKIP: $*"
    exit 77
}

need_root_netns() {
    [ "$(id -u)" = 0 ] || skip "needs root"
    ip netns add "dk$ID-probe" 2>/dev/null || skip "cannot create network namespaces"
    ip netns del "dk$ID-probe"
}

need() { # COMMAND...
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
    done
}

cleanup() {
    rc=$?
    # Our processes: the ones we started, then anything left in our
    # namespaces (clients that daemonized).
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for ns in $NAMESPACES; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
    done
    sleep 0.2
    for ns in $NAMESPACES; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
        log "failed; server log follows"
        [ -f "$T/srv.log" ] && tail -n 60 "$T/srv.log" >&2
    fi
    [ -n "${KEEP:-}" ] || rm -rf "$T"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { PASSED=$((PASSED + 1)); log "ok: $*"; }
fail() { FAILED=$((FAILED + 1)); log "FAIL: $*"; }
check() { # DESCRIPTION COMMAND...
    d=$1
    shift
    if "$@"; then ok "$d"; else fail "$d"; fi
}
finish() {
    # A sanitizer build reports on the server's standard error.
    if grep -q -e "Sanitizer" -e "runtime error:" "$T/srv.log" 2>/dev/null; then
        fail "the sanitizers complained (see the server log)"
    fi
    log "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}

# netns NAME: a namespace called dk$ID-NAME, with lo up and no DAD.
netns() {
    ns="dk$ID-$1"
    ip netns add "$ns"
    NAMESPACES="$NAMESPACES $ns"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
        net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.addr_gen_mode=1 \
        net.ipv6.conf.all.forwarding=0
    ip -n "$ns" link set lo up
}

# link NS1 IF1 NS2 IF2: a veth pair, both ends up, no automatic addresses.
link() {
    ip link add "$2" netns "dk$ID-$1" type veth peer name "$4" netns "dk$ID-$3"
    for end in "$1 $2" "$3 $4"; do
        set -- $end
        ip netns exec "dk$ID-$1" sysctl -qw "net.ipv6.conf.$2.addr_gen_mode=1" \
            "net.ipv6.conf.$2.accept_dad=0"
        ip -n "dk$ID-$1" link set "$2" up
    done
}

# addr NS IF ADDR/LEN
addr() {
    ip -n "dk$ID-$1" addr add "$3" dev "$2" nodad
}

in_ns() { # NS COMMAND...
    ns="dk$ID-$1"
    shift
    ip netns exec "$ns" "$@"
}

# The server, in namespace NS with config file CONF; $SRV_PID is its pid.
# Logging: -vv unless SRV_VERBOSE says otherwise (empty: warnings only).
start_server() { # NS CONF [ARGS...]
    ns=$1
    conf=$2
    shift 2
    before=$(grep -c "ipv6-dhcpd .* started" "$T/srv.log" 2>/dev/null)
    ip netns exec "dk$ID-$ns" "$IPV6_DHCPD" ${SRV_VERBOSE--vv} -p "$T/pid" -c "$T/sock" "$@" "$conf" \
        >>"$T/srv.log" 2>&1 &
    SRV_PID=$!
    PIDS="$PIDS $SRV_PID"
    for _ in $(seq 100); do
        if [ "$(grep -c "ipv6-dhcpd .* started" "$T/srv.log")" -gt "${before:-0}" ]; then
            ENGINE_PID=$(pgrep -P "$SRV_PID" | head -n 1)
            return 0
        fi
        kill -0 "$SRV_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

stop_server() {
    kill -TERM "$SRV_PID" 2>/dev/null
    for _ in $(seq 50); do
        kill -0 "$SRV_PID" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

ctl() { # COMMAND (as root)
    "$IPV6_DHCPCTL" -c "$T/sock" "$@"
}

# The value of a global counter in stats-json.
counter() { # KEY
    ctl stats-json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["global"][sys.argv[1]])' "$1"
}

# Waits until the server log matches a pattern (after an event).
wait_log() { # PATTERN [TENTHS]
    for _ in $(seq "${2:-50}"); do
        grep -q -- "$1" "$T/srv.log" && return 0
        sleep 0.1
    done
    return 1
}

# Waits until a pattern is in the server log at least N times.
wait_count() { # PATTERN N [TENTHS]
    for _ in $(seq "${3:-50}"); do
        [ "$(grep -c -- "$1" "$T/srv.log")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# Captures UDP 546/547 (and IPv6 fragments) on an interface of a namespace.
start_capture() { # NS IF FILE
    ip netns exec "dk$ID-$1" dumpcap -q -i "$2" \
        -f 'udp port 546 or udp port 547 or (ip6 and ip6[6] == 44)' -w "$3" >/dev/null 2>&1 &
    CAP_PID=$!
    PIDS="$PIDS $CAP_PID"
    for _ in $(seq 50); do
        [ -s "$3" ] && return 0
        sleep 0.1
    done
    return 1
}

stop_capture() {
    sleep 0.3
    kill -INT "$CAP_PID" 2>/dev/null
    wait "$CAP_PID" 2>/dev/null
    return 0
}

# Every DHCPv6 packet the server sent (source SRC...) passes tshark with no
# malformed packet and no expert info at warning level or above, our own
# independent TLV walk, and ipv6-dhcp-decode's validator.
check_capture() { # FILE SRC...
    f=$1
    shift
    "$PY" "$HERE/dhcp6.py" check-pcap "$f" "$@"
}

# A client in a private mount namespace, so that its scripts and state stay
# in $T: run_client NS COMMAND...
# Call it in a subshell, ( run_client ... ) or ( run_client ... ) &, so
# that $! is the client itself.
run_client() {
    ns="dk$ID-$1"
    shift
    exec ip netns exec "$ns" unshare -m sh -c '
        mount -t tmpfs none /run
        mkdir -p /run/dhcpcd /run/dhclient "$0/lib-dhcpcd" "$0/lib-dhcpv6" "$0/lib-dhcp"
        mount --bind "$0/lib-dhcpcd" /var/lib/dhcpcd 2>/dev/null
        mount --bind "$0/lib-dhcpv6" /var/lib/dhcpv6 2>/dev/null
        mount --bind "$0/lib-dhcp" /var/lib/dhcp 2>/dev/null
        : > "$0/resolv.conf"
        mount --bind "$0/resolv.conf" /etc/resolv.conf 2>/dev/null
        exec "$@"' "$T" "$@"
}

# The usual two namespaces: srv (interface $S0: fe80::1, 2001:db8:1::1/64)
# and cli (interface $C0: fe80::2, 2001:db8:1::2/64), one link between them.
S0="s0$ID"
C0="c0$ID"
topo_direct() {
    netns srv
    netns cli
    link srv "$S0" cli "$C0"
    addr srv "$S0" fe80::1/64
    addr srv "$S0" 2001:db8:1::1/64
    addr cli "$C0" fe80::2/64
    addr cli "$C0" 2001:db8:1::2/64
}

# The talk's network, with N relays (rly1..rlyN, N <= 9): srv (eth1:
# 2001:db8:ff::1/64) and every relay's upstream r1 (2001:db8:ff::(1+i)/64)
# on a bridge in sw (br0); the client namespace cli has one interface
# c<i>$ID per relay, linked to the relay's r0 (fe80::1, 2001:db8:abc::i/64).
topo_relays() { # N
    netns srv
    netns sw
    netns cli
    ip -n "dk$ID-sw" link add br0 type bridge
    ip -n "dk$ID-sw" link set br0 up
    link srv eth1 sw "p0$ID"
    ip -n "dk$ID-sw" link set "p0$ID" master br0
    addr srv eth1 fe80::1/64
    addr srv eth1 2001:db8:ff::1/64
    for i in $(seq "$1"); do
        netns "rly$i"
        link "rly$i" "r1$ID" sw "p$i$ID"
        ip -n "dk$ID-sw" link set "p$i$ID" master br0
        link cli "c$i$ID" "rly$i" "r0$ID"
        addr "rly$i" "r1$ID" "fe80::$((i + 1))/64"
        addr "rly$i" "r1$ID" "2001:db8:ff::$((i + 1))/64"
        addr "rly$i" "r0$ID" fe80::1/64
        addr "rly$i" "r0$ID" "2001:db8:abc::$i/64"
        addr cli "c$i$ID" fe80::2/64
    done
}

SRV_USER=nobody
SRV_GROUP=$(id -gn nobody 2>/dev/null || echo nogroup)

# A config: the common part, then whatever follows on standard input.
write_conf() { # FILE
    {
        printf 'user %s\ngroup %s\nserver-duid-file %s\nworkers 2\n' \
            "$SRV_USER" "$SRV_GROUP" "$T/state/server-duid"
        cat
    } >"$1"
}

query() { # NS ARGS... (dhcp6.py query)
    ns=$1
    shift
    in_ns "$ns" "$PY" "$HERE/dhcp6.py" query "$@"
}

# dhclient's script (-sf "$T/hook.sh") records the environment of every call
# in $T/env/NS.REASON; env_since / wait_env look for a line in those after a
# mark (date +%s%N), e.g. wait_env "$mark" "new_ip6_prefix=2001:db8:100::/56".
hook_env_setup() {
    mkdir -m 1777 "$T/env"
    printf '#!/bin/sh\nenv | sort > "%s/env/$(date +%%s%%N).${reason:-none}"\n' "$T" >"$T/hook.sh"
    chmod 755 "$T/hook.sh"
}
# Whether a hook call after MARK (ns) saw the line PATTERN.
env_since() { # MARK PATTERN
    for f in "$T"/env/*; do
        [ -e "$f" ] || continue
        [ "$(basename "$f" | cut -d. -f1)" -gt "$1" ] || continue
        grep -qx -- "$2" "$f" && return 0
    done
    return 1
}
wait_env() { # MARK PATTERN [TENTHS]
    for _ in $(seq "${3:-100}"); do
        env_since "$1" "$2" && return 0
        sleep 0.1
    done
    return 1
}

# The octets of TEXT in hex (Remote-ID and Subscriber-ID values).
hexof() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

# dibbler-relay in namespace NS, in its own mount namespace (its state and
# log folders are fixed paths): clients on DOWN (multicast) with the
# Interface-ID IFID, the server at UPSTREAM by unicast on UP, and the
# Remote-ID ENTERPRISE with the octets of TEXT; EXTRA: more lines of its
# config. Its output goes to $T/NS.log; wait_dibbler NS waits for it.
dibbler_relay() { # NS ENTERPRISE TEXT DOWN IFID UP UPSTREAM [EXTRA]
    d="$T/$1"
    mkdir -p "$d/etc" "$d/lib"
    cat >"$d/etc/relay.conf" <<EOF
log-level 8
log-mode short
option remote-id $2-0x$(hexof "$3")
${8:-}
iface $4 {
    client multicast yes
    interface-id $5
}
iface $6 {
    server unicast $7
}
EOF
    ip netns exec "dk$ID-$1" unshare -m sh -c '
        mount --bind "$0/etc" /etc/dibbler
        mount --bind "$0/lib" /var/lib/dibbler
        mount -t tmpfs none /var/log
        mkdir -p /var/log/dibbler
        exec dibbler-relay run' "$d" >"$T/$1.log" 2>&1 &
    PIDS="$PIDS $!"
}
wait_dibbler() { # NS
    for _ in $(seq 100); do
        grep -q "Accepting messages" "$T/$1.log" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
