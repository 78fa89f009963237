#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The soak's short form for CI: bench/soak.sh for 100 s at 300 exchanges/s
# (static-csv, -sqlite and -lmdb under load while the CSV is re-exported
# and reloaded every second and the build tools are SIGKILLed mid-write), with
# the same checks: no crash, no refused reload, no wrong answer, no reply
# missing beyond the kernel's drops. Memory is judged per reload over the
# last 60 s (--short, see bench/soak.sh): a short run cannot tell a slow
# leak from caches settling, but it does catch a table leaked per reload
# or about 100 octets leaked per request. Nothing here depends on timing
# but the bench's answer timeout (10 s, for exchanges that take
# milliseconds), so a loaded CI machine only makes it slower.
: "${IPV6_DHCP_BENCH:?IPV6_DHCP_BENCH must name ipv6-dhcp-bench}"
OUT=$(mktemp -d /tmp/dhcpkit-soak-short.XXXXXX)
INTERVAL=1 WARMUP=40 OUT=$OUT sh "$(dirname "$0")/../../bench/soak.sh" --seconds 100 --rate 300 --short
rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ]; then
    rm -rf "$OUT"
else
    echo "soak-short: the soak's files are kept in $OUT" >&2
fi
exit "$rc"
