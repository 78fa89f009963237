#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Line coverage of the test suite, with gcovr; prints the library's figure
# and writes an HTML report to build-coverage/meson-logs/coveragereport/.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
[ -f build-coverage/build.ninja ] || meson setup build-coverage -Db_coverage=true -Dbuildtype=debug >/dev/null
ninja -C build-coverage >/dev/null
meson test -C build-coverage --num-processes 2 >/dev/null || true
gcovr -r . --object-directory build-coverage --filter 'src/' --html-details \
    -o build-coverage/coverage.html --print-summary | tail -3
gcovr -r . --object-directory build-coverage --filter 'src/wire/' | tail -4
