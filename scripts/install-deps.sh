#!/bin/sh
# Installs every Debian package the build, the tools and the test suite use.
# Idempotent and non-interactive; run as root on Debian 12.
set -eu
PKGS="build-essential meson ninja-build pkg-config clang libclang-rt-14-dev llvm
      libcmocka-dev libpcap-dev gcovr tshark jq python3 xxd
      iproute2 procps util-linux isc-dhcp-client isc-dhcp-relay dhcpcd-base wide-dhcpv6-client
      libsqlite3-dev sqlite3 liblmdb-dev lmdb-utils dibbler-relay libseccomp-dev
      kea-dhcp6-server kea-admin valgrind
      libmicrohttpd-dev chromium nodejs curl"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# npm (the looking glass's browser test): Debian's package, unless nodejs
# already brings it (NodeSource's does).
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
