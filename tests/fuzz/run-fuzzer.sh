#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fuzzes one target of tests/fuzz with libFuzzer (clang, ASan + UBSan).
#
#   tests/fuzz/run-fuzzer.sh TARGET MINUTES   fuzz TARGET (fuzz_decode,
#       fuzz_roundtrip, fuzz_options, fuzz_config, fuzz_engine, fuzz_csv,
#       fuzz_control, fuzz_tcpframe) for MINUTES, starting from
#       tests/fuzz/corpus/TARGET; new inputs go to build-fuzz/work/TARGET,
#       crashes to build-fuzz/artifacts/TARGET/.
#   tests/fuzz/run-fuzzer.sh --merge TARGET   rebuild the committed corpus in
#       a fresh directory: the seeds from the test vectors (seed-corpus.py),
#       then a small set of inputs from the committed and the work corpus
#       with the same coverage (libFuzzer -set_cover_merge=1); replaces
#       tests/fuzz/corpus/TARGET (review and commit it).
#
# Extra libFuzzer flags may be given in FUZZ_ARGS (e.g. FUZZ_ARGS=-jobs=2).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build-fuzz"

merge=0
if [ "${1:-}" = "--merge" ]; then
    merge=1
    shift
fi
target=${1:?usage: run-fuzzer.sh TARGET MINUTES | --merge TARGET}
case $target in
fuzz_decode | fuzz_roundtrip | fuzz_options | fuzz_config | fuzz_engine | fuzz_csv | fuzz_control | fuzz_tcpframe) ;;
*) echo "run-fuzzer.sh: unknown target $target" >&2; exit 2 ;;
esac

if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" "$root" -Dbuildtype=debugoptimized -Dfuzzing=true \
        -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fno-sanitize-recover=all
fi
ninja -C "$build" "tests/fuzz/$target" >/dev/null

corpus="$root/tests/fuzz/corpus/$target"
work="$build/work/$target"
artifacts="$build/artifacts/$target"
mkdir -p "$work" "$artifacts"

if [ "$merge" = 1 ]; then
    seeds="$build/work/seeds"
    fresh="$seeds/$target"
    rm -rf "$seeds"
    /usr/bin/python3 "$root/tests/fuzz/seed-corpus.py" --out "$seeds" >/dev/null
    mkdir -p "$fresh"
    "$build/tests/fuzz/$target" -set_cover_merge=1 -max_len=65535 "$fresh" "$corpus" "$work"
    rm -f "$corpus"/*
    cp "$fresh"/* "$corpus"/
    echo "$target: $(ls "$corpus" | wc -l) files in $corpus"
    exit 0
fi

minutes=${2:?usage: run-fuzzer.sh TARGET MINUTES}
# shellcheck disable=SC2086
exec "$build/tests/fuzz/$target" -max_total_time=$((minutes * 60)) -max_len=16384 \
    -use_value_profile=1 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    ${FUZZ_ARGS:-} "$work" "$corpus"
