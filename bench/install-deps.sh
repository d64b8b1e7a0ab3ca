#!/bin/sh
# What only the benchmark needs (make bench), beyond scripts/install-deps.sh: Debian's rtpengine
# kernel module and its iptables extension, and the module built for the kernel the QEMU guest
# boots, so the guest's cost meter can compare our kernel path with xt_RTPENGINE.
# Idempotent: apt-get and DKMS run only for what is missing. --quiet says nothing then.
#
#   rtpengine-kernel-dkms  xt_RTPENGINE's source, built by DKMS for each installed kernel
#                          whose headers are present
#   rtpengine-iptables     libxt_RTPENGINE.so: `iptables -j RTPENGINE --id N`
#   linux-headers-KVER     what DKMS builds the module against, for the guest's kernel
#
# KVER is the guest's kernel: Debian 12's newest 6.1, the one t/kernel/run.sh boots (KVER= picks
# another, as it does there).
set -eu

QUIET=false
[ "${1:-}" = "--quiet" ] && QUIET=true
say() { $QUIET || echo "bench install-deps: $*"; }

SUDO=""
need_root() {
	[ "$(id -u)" -eq 0 ] && return 0
	command -v sudo > /dev/null 2>&1 || {
		echo "bench install-deps: need root or sudo to $*" >&2
		exit 1
	}
	SUDO=sudo
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2> /dev/null | grep -q "install ok installed"
}

# apt_install PACKAGE...: installs those of them that are missing.
apt_install() {
	missing=""
	for p in "$@"; do
		installed "$p" || missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	say "installing:$missing"
	need_root "install:$missing"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q
	# shellcheck disable=SC2086 # the package names are words
	$SUDO apt-get install -y -q --no-install-recommends $missing
}

KVER=${KVER:-$(find /boot -maxdepth 1 -name 'vmlinuz-6.1.*-amd64' | sed 's|.*/vmlinuz-||' |
	sort -V | tail -1)}
[ -n "$KVER" ] || { echo "bench install-deps: no /boot/vmlinuz-6.1.*-amd64" >&2; exit 1; }

apt_install rtpengine-kernel-dkms rtpengine-iptables "linux-headers-$KVER"

# DKMS builds for the running kernel and for those whose headers were present when the package
# was installed; the guest's kernel is neither when its headers came later.
if modinfo -k "$KVER" -n xt_RTPENGINE > /dev/null 2>&1; then
	say "xt_RTPENGINE present for $KVER"
	exit 0
fi
VERSION=$(dpkg-query -W -f='${Version}' rtpengine-kernel-dkms | sed 's/^[0-9]*://; s/-[^-]*$//')
say "building xt_RTPENGINE $VERSION for $KVER (dkms)"
need_root "run dkms install -k $KVER"
$SUDO dkms install -m rtpengine -v "$VERSION" -k "$KVER"
modinfo -k "$KVER" -n xt_RTPENGINE > /dev/null || {
	echo "bench install-deps: dkms installed no xt_RTPENGINE for $KVER" >&2
	exit 1
}
