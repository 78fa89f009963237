#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the whole test suite twice: a gcc build, and a clang build with
# AddressSanitizer + UndefinedBehaviorSanitizer (which also compiles the
# libFuzzer targets). Ends with the line "N passed, N failed, N skipped".
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

total_pass=0 total_fail=0 total_skip=0
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
    echo "== $name: $pass passed, $fail failed, $skip skipped in $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    total_skip=$((total_skip + skip))
}

suite_run gcc gcc -Dbuildtype=debugoptimized
suite_run clang-asan clang -Dbuildtype=debug -Db_sanitize=address,undefined \
    -Db_lundef=false -Dfuzzing=true -Dc_args=-fno-sanitize-recover=all

echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
