#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the whole test suite twice: a gcc build, and a clang build with
# AddressSanitizer + UndefinedBehaviorSanitizer (which also compiles the
# libFuzzer targets); and between them scripts/valgrind-check.sh on the gcc
# build (a subset of the integration tests under memcheck). Each prints
# "== NAME: N passed, N failed, N skipped in M min S s"; the run ends with
# the line "N passed, N failed, N skipped".
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

total_pass=0 total_fail=0 total_skip=0
suite_done() { # NAME PASS FAIL SKIP START: the suite's line, added to the totals
    echo "== $1: $2 passed, $3 failed, $4 skipped in $(( ($(date +%s) - $5) / 60 )) min $(( ($(date +%s) - $5) % 60 )) s"
    total_pass=$((total_pass + $2))
    total_fail=$((total_fail + $3))
    total_skip=$((total_skip + $4))
}
suite_run() { # NAME COMPILER SETUP-ARGS...
    name=$1
    compiler=$2
    shift 2
    dir="build-test-$name"
    start=$(date +%s)
    if [ ! -f "$dir/build.ninja" ]; then
        CC=$compiler meson setup "$dir" "$@" >"/tmp/dhcpkit-$name.setup.log" 2>&1 || { cat "/tmp/dhcpkit-$name.setup.log"; exit 1; }
    fi
    ninja -C "$dir" >/dev/null || ninja -C "$dir"
    meson test -C "$dir" --print-errorlogs --num-processes 2 || true
    log="$dir/meson-logs/testlog.json"
    pass=$(jq -s '[.[] | select(.result == "OK" or .result == "EXPECTEDFAIL")] | length' "$log")
    fail=$(jq -s '[.[] | select(.result != "OK" and .result != "EXPECTEDFAIL" and .result != "SKIP")] | length' "$log")
    skip=$(jq -s '[.[] | select(.result == "SKIP")] | length' "$log")
    suite_done "$name" "$pass" "$fail" "$skip" "$start"
}

# The integration subset under valgrind's memcheck, on the gcc build (no
# sanitizers): each checked test is one pass or failure.
valgrind_run() { # BUILD-DIR
    start=$(date +%s)
    out="$1/meson-logs/valgrind-check.txt"
    rc=0
    ./scripts/valgrind-check.sh "$1" >"$out" 2>&1 || rc=$?
    cat "$out"
    pass=$(grep -c "^valgrind-check: .* passed under valgrind" "$out" || true)
    fail=$(grep -c "^valgrind-check: .* FAILED under valgrind" "$out" || true)
    skip=0
    if [ "$rc" -eq 77 ]; then
        skip=1
    elif [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1 # it could not run at all
    fi
    suite_done valgrind "$pass" "$fail" "$skip" "$start"
}

suite_run gcc gcc -Dbuildtype=debugoptimized
valgrind_run build-test-gcc
suite_run clang-asan clang -Dbuildtype=debug -Db_sanitize=address,undefined \
    -Db_lundef=false -Dfuzzing=true -Dc_args=-fno-sanitize-recover=all

echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
