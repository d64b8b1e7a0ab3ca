#!/bin/sh
# Installs every Debian package that building and testing rtprelay needs.
# Idempotent: packages already present are skipped, apt runs only when something is missing.
set -eu

PACKAGES="
build-essential g++ make pkg-config git
libevent-dev libjson-c-dev libssl-dev libsrtp2-dev libhiredis-dev
libnftnl-dev libmnl-dev libinih-dev liburing-dev libsystemd-dev
libcppunit-dev
clang libclang-rt-14-dev clang-format clang-tidy
python3 python3-aioice netcat-openbsd procps
chromium firefox-esr
qemu-system-x86 linux-image-amd64 linux-headers-amd64 linux-headers-6.12-amd64 busybox-static cpio kmod
iptables nftables libxtables-dev iproute2 ethtool
linux-source-6.1
debhelper dh-dkms dpkg-dev fakeroot lintian
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

# The end-to-end suite's peers (Kamailio, sipp, rtpengine for comparison) need care so that
# their services do not start; their own script handles that.
E2E_DEPS="$(dirname "$0")/../t/e2e/install-deps.sh"

if [ -z "$missing" ]; then
	[ "${1:-}" = "--quiet" ] || echo "install-deps: all packages present"
	exec "$E2E_DEPS" "$@"
fi

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install:$missing" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
"$E2E_DEPS" "$@"
