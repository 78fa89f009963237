#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a subset of the integration tests with ipv6-dhcpd under valgrind's
# memcheck (parent and engine), then reads valgrind's reports: no invalid
# read or write, no use of uninitialised values, no definitely lost block,
# in any process. As root. Each test is one pass or failure (the test's own
# checks and its processes' reports): a line each, then "N passed, N
# failed"; scripts/run-tests.sh runs it as the suite "valgrind".
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
real=$(cd "$build" && pwd)/src/server/ipv6-dhcpd
# The server under valgrind, its reports in REPORTS (one folder per test).
wrapper() { # REPORTS
    cat >"$work/ipv6-dhcpd" <<EOF
#!/bin/sh
# --child-silent-after-fork: the forked child, still root, writes no report
# under the pid the re-executed engine then uses. --vgdb=no: the same for
# vgdb's FIFOs.
exec valgrind --trace-children=yes --child-silent-after-fork=yes --vgdb=no \\
    --leak-check=full --errors-for-leak-kinds=definite --num-callers=30 \\
    --log-file=$1/vg.%p.log "$real" "\$@"
EOF
    chmod 755 "$work/ipv6-dhcpd"
}

b=$(cd "$build" && pwd)
export IPV6_DHCPD="$work/ipv6-dhcpd"
export IPV6_DHCPCTL="$b/tools/ipv6-dhcpctl"
export IPV6_DHCP_DECODE="$b/tools/ipv6-dhcp-decode"
export IPV6_DHCP_PROBE="$b/tools/ipv6-dhcp-probe"
export RELAY_FLOOD="$b/bench/relay-flood"
export DHCPKIT_EXAMPLES="$PWD/examples"

# A test passes when it passes under valgrind and every process it started
# (parents, engines) left a clean report, with at least one engine among
# them. One line per test, then the counts; run-tests.sh reads them.
passed=0 failed=0
for t in $tests; do
    start=$(date +%s)
    r="$work/reports/$t"
    mkdir -p "$work/reports" && mkdir -m 1777 "$r"
    wrapper "$r"
    ok=1 why=""
    if ! sh "tests/integration/$t.sh" >"$work/$t.out" 2>&1; then
        grep -E "FAIL" "$work/$t.out" | head -n 10
        why="the test failed (its output: $work/$t.out)"
        ok=0
    fi
    n=$(ls "$r" | wc -l)
    bad=0
    for f in "$r"/*.log; do
        [ -e "$f" ] || continue
        if grep -q -E "Invalid (read|write|free)|uninitialised|Conditional jump|Syscall param|Mismatched free|definitely lost: [1-9]|ERROR SUMMARY: [1-9]|Source and destination overlap" "$f"; then
            echo "valgrind-check: $f:"
            sed -n 1,80p "$f"
            bad=$((bad + 1))
        fi
    done
    engines=$(grep -l "ipv6-dhcpd -E" "$r"/*.log 2>/dev/null | wc -l)
    [ "$bad" = 0 ] || { why="$why${why:+; }$bad processes with errors or leaks"; ok=0; }
    [ "$engines" -gt 0 ] || { why="$why${why:+; }no engine ran under valgrind"; ok=0; }
    what="$(($(date +%s) - start)) s, $n processes ($engines engines)"
    if [ "$ok" = 1 ]; then
        echo "valgrind-check: $t passed under valgrind ($what, no error, no leak)"
        passed=$((passed + 1))
    else
        echo "valgrind-check: $t FAILED under valgrind ($what): $why"
        failed=$((failed + 1))
    fi
done
echo "valgrind-check: $passed passed, $failed failed"
if [ "$failed" = 0 ]; then
    rm -rf "$work"
    exit 0
fi
echo "valgrind-check: reports kept in $work/reports"
exit 1
