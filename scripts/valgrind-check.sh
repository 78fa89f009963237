#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a subset of the integration tests with ipv6-dhcpd under valgrind's
# memcheck (parent and engine), then reads valgrind's reports: no invalid
# read or write, no use of uninitialised values, no definitely lost block,
# in any process. As root.
#
#   scripts/valgrind-check.sh [BUILD_DIR [TEST...]]
#       BUILD_DIR: a build without sanitizers (default build-gcc)
#       TEST: integration tests (default: probe, static-csv, reload, hostile:
#             direct and relayed SARR, reloads, the hostile corpus)
#
# How the engine survives valgrind (src/server/sandbox.h): when
# <valgrind/valgrind.h> was installed at build time, RUNNING_ON_VALGRIND
# makes the parent re-execute the engine by its path (under valgrind,
# /proc/self/exe is valgrind's tool) and lets the one system call valgrind's
# core needs (rt_sigtimedwait) through the engine's seccomp filter. Outside
# valgrind both are unchanged. The tests' own steps run as usual; the
# SIGSYS test of sandbox.sh is left out (valgrind handles SIGSYS itself).
set -u
cd "$(dirname "$0")/.."
build=${1:-build-gcc}
[ $# -gt 0 ] && shift
tests=${*:-probe static-csv reload hostile}
command -v valgrind >/dev/null || { echo "valgrind-check: valgrind is not installed" >&2; exit 77; }
[ -x "$build/src/server/ipv6-dhcpd" ] || { echo "valgrind-check: no $build/src/server/ipv6-dhcpd (ninja -C $build)" >&2; exit 2; }
if ! grep -q "DK_HAVE_VALGRIND\|RUNNING_ON_VALGRIND" src/server/sandbox.h ||
    [ ! -f /usr/include/valgrind/valgrind.h ]; then
    echo "valgrind-check: needs <valgrind/valgrind.h> (Debian: valgrind) at build time" >&2
    exit 77
fi

work=$(mktemp -d /tmp/dhcpkit-valgrind.XXXXXX)
# The engine runs as an unprivileged user and writes its own report.
chmod 1777 "$work"
mkdir -m 1777 "$work/reports"
real=$(cd "$build" && pwd)/src/server/ipv6-dhcpd
cat >"$work/ipv6-dhcpd" <<EOF
#!/bin/sh
# --child-silent-after-fork: the forked child, still root, writes no report
# under the pid the re-executed engine then uses. --vgdb=no: the same for
# vgdb's FIFOs.
exec valgrind --trace-children=yes --child-silent-after-fork=yes --vgdb=no \\
    --leak-check=full --errors-for-leak-kinds=definite --num-callers=30 \\
    --log-file=$work/reports/vg.%p.log "$real" "\$@"
EOF
chmod 755 "$work/ipv6-dhcpd"

b=$(cd "$build" && pwd)
export IPV6_DHCPD="$work/ipv6-dhcpd"
export IPV6_DHCPCTL="$b/tools/ipv6-dhcpctl"
export IPV6_DHCP_DECODE="$b/tools/ipv6-dhcp-decode"
export IPV6_DHCP_PROBE="$b/tools/ipv6-dhcp-probe"
export RELAY_FLOOD="$b/bench/relay-flood"
export DHCPKIT_EXAMPLES="$PWD/examples"

failed=0
for t in $tests; do
    start=$(date +%s)
    if sh "tests/integration/$t.sh" >"$work/$t.out" 2>&1; then
        echo "valgrind-check: $t passed under valgrind ($(($(date +%s) - start)) s)"
    else
        echo "valgrind-check: $t FAILED under valgrind (its output: $work/$t.out)"
        grep -E "FAIL" "$work/$t.out" | head -n 10
        failed=1
    fi
done

# The reports: one per process (the parents, every engine).
n=$(ls "$work/reports" | wc -l)
bad=0
for r in "$work/reports"/*.log; do
    [ -e "$r" ] || continue
    if grep -q -E "Invalid (read|write|free)|uninitialised|Conditional jump|Syscall param|Mismatched free|definitely lost: [1-9]|ERROR SUMMARY: [1-9]|Source and destination overlap" "$r"; then
        echo "valgrind-check: $r:"
        sed -n 1,80p "$r"
        bad=$((bad + 1))
    fi
done
engines=$(grep -l "ipv6-dhcpd -E" "$work/reports"/*.log 2>/dev/null | wc -l)
echo "valgrind-check: $n processes under memcheck ($engines engines), $bad with errors or leaks"
[ "$n" -gt 0 ] && [ "$engines" -gt 0 ] || { echo "valgrind-check: no engine ran under valgrind" >&2; failed=1; }
if [ "$failed" = 0 ] && [ "$bad" = 0 ]; then
    rm -rf "$work"
    exit 0
fi
echo "valgrind-check: reports kept in $work/reports"
exit 1
