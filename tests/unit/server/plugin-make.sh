#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds examples/plugin out of tree with its own Makefile and pkg-config,
# against this build's libdhcpkit (its meson-uninstalled pkg-config file),
# then runs the plug-in tests with that shared object loaded from a config.
# Usage: plugin-make.sh SOURCE_ROOT BUILD_ROOT TEST_PROGRAM
set -eu
src=$1 build=$2 prog=$3
if ! command -v make >/dev/null || ! command -v pkg-config >/dev/null; then
    echo "make or pkg-config missing: skipped"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export PKG_CONFIG_PATH="$build/meson-uninstalled"
make -s -C "$src/examples/plugin" OUT="$tmp"
test -f "$tmp/example.so"
# Run from the folder, as a server would load it; libdhcpkit from the build.
LD_LIBRARY_PATH="$build/src/wire${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
EXAMPLE_MAKE_SO="$tmp/example.so" "$prog"
