#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ipv6-dhcpd -n: exit 0 for a valid config, 1 with every error as
# file:line: message, 64 for usage; -n -v prints the tree in the nested
# syntax, which parses back to the same tree; the talk's example passes as
# written.
. "$(dirname "$0")/lib.sh"

EX=${DHCPKIT_EXAMPLES:?}

check "the talk's INI example passes -n as written" \
    "$IPV6_DHCPD" -n "$EX/ipv6-dhcpd-talk.ini"
check "its nested translation passes -n" "$IPV6_DHCPD" -n "$EX/ipv6-dhcpd-talk.conf"

# Every error, each as file:line: message, and exit status 1.
cat >"$T/bad.conf" <<'EOF'
workers 0
<listen-interface eth0>
    bogus-key yes
</listen-interface>
<bogus-section/>
<preference>
    level 256
</preference>
EOF
"$IPV6_DHCPD" -n "$T/bad.conf" >"$T/out" 2>"$T/err"
rc=$?
check "a config with errors exits 1" [ "$rc" -eq 1 ]
check "nothing on standard output" [ ! -s "$T/out" ]
for line in 1 3 5 7; do
    check "the error of line $line is reported as file:line:" grep -q "^$T/bad.conf:$line: " "$T/err"
done
check "exactly four errors" [ "$(grep -c "^$T/bad.conf:[0-9]*: " "$T/err")" -eq 4 ]

check "a missing file exits 1" sh -c '! "$0" -n "$1" 2>"$2" && grep -q "^$1: " "$2"' \
    "$IPV6_DHCPD" "$T/missing.conf" "$T/err2"
check "-F ini on a nested file exits 1" sh -c '! "$0" -n -F ini "$1" 2>/dev/null' \
    "$IPV6_DHCPD" "$EX/ipv6-dhcpd-talk.conf"

usage() {
    "$IPV6_DHCPD" "$@" >/dev/null 2>&1
    [ $? -eq 64 ]
}
check "no config: usage, 64" usage -n
check "two configs: usage, 64" usage -n "$EX/ipv6-dhcpd-talk.ini" "$EX/ipv6-dhcpd-talk.conf"
check "-F bogus: usage, 64" usage -n -F bogus "$EX/ipv6-dhcpd-talk.ini"
check "an unknown option: usage, 64" usage -n -x "$EX/ipv6-dhcpd-talk.ini"

# -n -v: printconf; its output is a valid config that prints the same again.
# Relative file names stay relative: the data files go next to the copy.
cp "$EX"/*.csv "$T/"
for f in ipv6-dhcpd-talk.ini ipv6-dhcpd-talk.conf; do
    "$IPV6_DHCPD" -n -v "$EX/$f" >"$T/$f.printed" 2>/dev/null
    check "-n -v prints $f in the nested syntax" grep -q "^<listen-unicast all>" "$T/$f.printed"
    "$IPV6_DHCPD" -n -v -F nested "$T/$f.printed" >"$T/$f.again" 2>/dev/null
    check "the printed $f passes -n" [ $? -eq 0 ]
    grep -v '^#' "$T/$f.printed" >"$T/a"
    grep -v '^#' "$T/$f.again" >"$T/b"
    check "and prints the same tree again" cmp -s "$T/a" "$T/b"
done
finish
