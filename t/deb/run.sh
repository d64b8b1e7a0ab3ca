#!/bin/bash
# Install test of the Debian packages (issue 15): a fresh Debian 12 root made by debootstrap,
# booted with systemd by `systemd-nspawn --boot` in its own network namespace, so that the
# packages' maintainer scripts start and stop rtprelayd through systemd as on a real host.
# apt runs inside the booted container without network: the .debs' dependencies are fetched
# beforehand from the chroot (which shares the host's network) into apt's archive cache.
# Last line: "deb: N passed, N failed"; exit status 0 iff nothing failed.
#
# Usage: t/deb/run.sh [DEB_DIR]   (default $DEB_DIR, else build/deb)
# Env: WORK (scratch, default /var/tmp/rtprelay-deb-test), CACHE (base tarball and apt's
# archives, reused across runs, default /var/cache/rtprelay-test; REFRESH=1 rebuilds the base),
# MIRROR (default the host's first deb.debian.org-style URI), KEEP=1 keeps WORK afterwards,
# KEEP_ROOT=DIR leaves the root there with the current packages installed (for the kernel
# suite's PKGROOT), GUEST_KVER (the kernel the QEMU suite boots, default the newest
# /boot/vmlinuz-6.1.*-amd64): its headers are installed last, and DKMS must build for them.
set -uo pipefail
T0=$(date +%s)
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
DEB_DIR=$(cd "${1:-${DEB_DIR:-$TOP/build/deb}}" && pwd) || { echo "deb: 0 passed, 1 failed (no DEB_DIR)"; exit 1; }
WORK=${WORK:-/var/tmp/rtprelay-deb-test}
CACHE=${CACHE:-/var/cache/rtprelay-test}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
ROOT=$WORK/root
BASE=$CACHE/bookworm-base.tar.gz
PREV_VERSION_SUFFIX="~prev1"
GUEST_KVER=${GUEST_KVER-$(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -1)}
PASS=0 FAIL=0
LEADER=""
NSPAWN_PID=""

log() { printf '[%s +%ss] %s\n' "$(date +%T)" "$(($(date +%s) - T0))" "$*" >&2; }
ok() { echo "ok - $*"; PASS=$((PASS + 1)); }
bad() { echo "not ok - $*"; FAIL=$((FAIL + 1)); }
check() { # check DESCRIPTION COMMAND...: ok if COMMAND succeeds
	local what=$1; shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
result() {
	echo "deb: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
abort() { bad "$*"; cleanup; result; exit 1; }

# ------------------------------------------------------------ host side
need_host_tools() {
	local missing=() p
	for p in debootstrap systemd-container python3 dpkg-dev; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing on the host: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -q -o DPkg::Lock::Timeout=600 update >&2 &&
		apt-get -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends install "${missing[@]}" >&2
}

# A minimal bookworm with systemd (to boot), nftables (to look at the ruleset) and procps,
# plus DKMS's toolchain and linux-headers-amd64: unpacking those takes 3 minutes of the
# install on a busy 2-core host, and they are rtprelay-kernel-dkms's Recommends, not what the
# test is about. The daemon's own dependencies still come from `apt install` of the packages.
make_base() {
	local tmp=$WORK/base-tmp
	rm -rf "$tmp"
	log "debootstrap bookworm from $MIRROR (cached in $BASE afterwards)"
	nice -n 19 debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,nftables,procps,dkms,linux-headers-amd64 \
		bookworm "$tmp" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log"; return 1; }
	cat > "$tmp/etc/apt/sources.list" <<-EOF
		deb $MIRROR bookworm main
		deb $MIRROR bookworm-updates main
		deb ${MIRROR%/debian}/debian-security bookworm-security main
	EOF
	# No login prompts on the container's console; the test talks to it with nsenter.
	ln -sf /dev/null "$tmp/etc/systemd/system/console-getty.service"
	rm -f "$tmp"/var/cache/apt/archives/*.deb
	mkdir -p "$CACHE"
	tar -C "$tmp" -czf "$BASE.new" . && mv "$BASE.new" "$BASE"
	rm -rf "$tmp"
}

unpack_base() {
	if [ "${REFRESH:-0}" = 1 ] || [ ! -s "$BASE" ]; then
		make_base || return 1
	fi
	mkdir -p "$ROOT"
	tar -C "$ROOT" -xzf "$BASE"
	echo rtprelay-deb-test > "$ROOT/etc/hostname"
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
}

# in_chroot CMD...: the unbooted root with the host's network, for downloads only. Its own
# mount namespace takes /proc, /sys and /dev away with it.
in_chroot() {
	mkdir -p "$CACHE/archives/partial"
	unshare --mount --fork sh -c 'r=$1; c=$2; shift 2
		mount -t proc proc "$r/proc" && mount --rbind /sys "$r/sys" && mount --rbind /dev "$r/dev" &&
		mount --bind "$c" "$r/var/cache/apt/archives" && exec chroot "$r" "$@"' sh "$ROOT" "$CACHE/archives" "$@"
}

# Boots the root with systemd as PID 1 in its own network namespace; LEADER is that PID 1.
boot() {
	mkdir -p "$CACHE/archives/partial"
	systemd-nspawn -q --register=no --keep-unit --boot --private-network -D "$ROOT" \
		--bind="$CACHE/archives:/var/cache/apt/archives" --bind-ro="$WORK/debs:/debs" \
		> "$WORK/console.log" 2>&1 &
	NSPAWN_PID=$!
	local i
	for i in $(seq 100); do
		LEADER=$(pgrep -P "$NSPAWN_PID" | head -1)
		[ -n "$LEADER" ] && [ "$(cat /proc/"$LEADER"/comm 2>/dev/null)" = systemd ] && break
		sleep 0.2
	done
	[ -n "$LEADER" ] || return 1
	# systemctl answers only once systemd's bus socket exists; until then, ask again.
	for i in $(seq 120); do
		timeout 120 nsenter -t "$LEADER" -a systemctl is-system-running --wait > "$WORK/boot-state" 2>&1
		grep -qE '^(running|degraded)' "$WORK/boot-state" && return 0
		sleep 0.5
	done
	return 1
}

# in_ct CMD...: runs CMD inside the booted container (all its namespaces, its root).
in_ct() { nsenter -t "$LEADER" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
# debs cur|prev: the container's paths of one build's packages (globs would expand on the host).
debs() { local f; for f in "$WORK/debs/$1"/*.deb; do echo "/debs/$1/${f##*/}"; done; }
ct_apt() { in_ct apt-get -y -q -o Acquire::http::Timeout=5 "$@" >> "$WORK/apt.log" 2>&1; }

shutdown_ct() {
	[ -n "$NSPAWN_PID" ] || return 0
	in_ct systemctl poweroff > /dev/null 2>&1
	timeout 60 tail --pid="$NSPAWN_PID" -f /dev/null || kill "$NSPAWN_PID"
	wait "$NSPAWN_PID" 2>/dev/null
	NSPAWN_PID="" LEADER=""
}

cleanup() {
	shutdown_ct
	[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}

# The "previous build": the same packages with their version lowered (VERSION~prev1 sorts
# below VERSION) and versioned dependencies between them rewritten to match, repacked with
# dpkg-deb. Their maintainer scripts are the current ones, so this proves the upgrade path
# of dpkg and DKMS, not a change of maintainer scripts between two real versions.
make_prev_debs() {
	local d=$WORK/debs/prev f x ver
	mkdir -p "$d"
	for f in "$WORK"/debs/cur/*.deb; do
		x=$WORK/repack/$(basename "$f" .deb)
		rm -rf "$x"; mkdir -p "$x"
		dpkg-deb -R "$f" "$x" || return 1
		ver=$(sed -n 's/^Version: //p' "$x/DEBIAN/control")
		sed -i -e "s/^Version: .*/Version: $ver$PREV_VERSION_SUFFIX/" \
			-e "/^\(Depends\|Recommends\|Pre-Depends\|Breaks\|Replaces\):/s/\([(]\(=\|>=\|<<\) \)$ver)/\1$ver$PREV_VERSION_SUFFIX)/g" \
			"$x/DEBIAN/control"
		dpkg-deb -Zxz -b "$x" "$d/" > /dev/null || return 1
	done
}

# ------------------------------------------------------------ checks inside the container
ng_ask() { # ng_ask ADDR BODY EXPECTED: BODY (bencode) to ADDR from inside the container's
	# netns; true when the reply carries EXPECTED (retried: the service may still be starting)
	nsenter -t "$LEADER" --net python3 - "$1" "$2" "$3" <<-'EOF'
		import socket, sys, time
		host, port = sys.argv[1].rsplit(":", 1)
		s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
		s.settimeout(1)
		for i in range(10):  # a new cookie each time: a repeated one gets the cached reply
		    cookie = b"c0ffee%d " % i
		    s.sendto(cookie + sys.argv[2].encode(), (host.strip("[]"), int(port)))
		    try:
		        data = s.recv(65536)
		    except OSError:
		        time.sleep(0.5)
		        continue
		    if data.startswith(cookie) and sys.argv[3].encode() in data:
		        sys.exit(0)
		    time.sleep(0.5)
		sys.exit(1)
	EOF
}
listen_ng() { # listen_ng CONF DEFAULT: the first listen-ng address of an installed config
	local addr
	addr=$(sed -n 's/^[[:space:]]*listen-ng[[:space:]]*=[[:space:]]*//p' "$ROOT/etc/rtprelay/$1" 2>/dev/null | head -1)
	addr=${addr:-$2}
	[[ $addr == *:* ]] || addr=127.0.0.1:$addr
	echo "$addr"
}
ng_ping() { # ng_ping: "pong" from the daemon's ng port
	ng_ask "$(listen_ng rtprelay.conf 127.0.0.1:2223)" "d7:command4:pinge" "6:result4:pong"
}
proxy_ping() { # the proxy answers ng ping on its own
	ng_ask "$(listen_ng rtprelay-ctl-proxy.conf 127.0.0.1:2224)" "d7:command4:pinge" "6:result4:pong"
}
proxy_sees_node() { # the proxy's statistics say its one node (the local rtprelayd) is up
	ng_ask "$(listen_ng rtprelay-ctl-proxy.conf 127.0.0.1:2224)" "d7:command10:statisticse" "2:upi1e"
}
proxy_active() { local i; for i in $(seq 50); do in_ct systemctl -q is-active rtprelay-ctl-proxy && return 0; sleep 0.2; done; return 1; }
proxy_not_root() { local u; u=$(in_ct ps -o user= -C rtprelay-ctl-pr | tr -d ' '); [ -n "$u" ] && [ "$u" != root ]; }

user_exists() { in_ct getent passwd rtprelay > /dev/null; }
not() { ! "$@"; }
daemon_pid() { in_ct pgrep -x rtprelayd; }
daemon_user_is() { [ "$(in_ct ps -o user= -C rtprelayd | tr -d ' ')" = "$1" ]; }
daemon_gone() { ! in_ct pgrep -x rtprelayd > /dev/null && ! in_ct systemctl -q is-active rtprelayd; }
wait_active() { local i; for i in $(seq 50); do in_ct systemctl -q is-active rtprelayd && return 0; sleep 0.2; done; return 1; }
no_rtprelay_chain() { ! in_ct nft list ruleset 2>/dev/null | grep -q 'chain rtprelay'; }
kernel_headers_version() { in_ct sh -c 'ls -d /usr/src/linux-headers-*-amd64' | sed 's|.*/linux-headers-||' | sort -V | tail -1; }
dkms_built() {
	local k=$1
	in_ct dkms status 2>/dev/null | grep -E "^rtprelay/.*, $k, x86_64: installed" > /dev/null &&
		in_ct sh -c "ls /lib/modules/$k/updates/dkms/xt_RTPRELAY.ko*" > /dev/null
}
package_files() { # the files (not directories) the installed rtprelay packages own
	local p
	for p in $(in_ct dpkg-query -W -f='${Package} ${Status}\n' 'rtprelay*' | awk '/install ok installed/ {print $1}'); do
		in_ct dpkg -L "$p"
	done | while read -r f; do # files and symlinks to files; /lib, a symlink to usr/lib, is a directory
		{ [ -f "$ROOT$f" ] || [ -L "$ROOT$f" ]; } && [ ! -d "$ROOT$f" ] && echo "$f"
	done
}
none_left() { local f; for f in $(cat "$1"); do [ -e "$ROOT$f" ] && { echo "    # left: $f"; return 1; }; done; return 0; }

# ------------------------------------------------------------ phases
phase_install() {
	log "apt install (offline, inside the booted container)"
	check "apt install of the packages (dependencies from the archive)" ct_apt install $(debs cur)
	local k
	k=$(kernel_headers_version)
	check "DKMS built and installed xt_RTPRELAY for the container's headers ($k)" dkms_built "$k"
	check "user rtprelay exists" user_exists
	check "rtprelayd.service is active after install" wait_active
	check "rtprelayd runs as user rtprelay" daemon_user_is rtprelay
	check "ng ping answers pong" ng_ping
	check "rtprelay-ctl-proxy.service is active after install" proxy_active
	check "rtprelay-ctl-proxy runs as a user of its own, not root" proxy_not_root
	check "rtprelay-ctl-proxy answers ng ping" proxy_ping
	check "rtprelay-ctl-proxy sees the local rtprelayd up" proxy_sees_node
	in_ct systemctl show -p ExecStart rtprelayd | grep -q 'rtprelayd --foreground --config-file=/etc/rtprelay/rtprelay.conf' ||
		bad "unit's ExecStart is not the documented command line"
}

phase_remove() {
	log "apt remove"
	package_files > "$WORK/files"
	local had_chain=no
	no_rtprelay_chain || had_chain=yes
	check "apt remove of the packages" ct_apt remove $(in_ct dpkg-query -W -f='${Package}\n' 'rtprelay*' | tr '\n' ' ')
	check "rtprelayd stopped by apt remove" daemon_gone
	# The container's kernel is the host's, without xt_RTPRELAY, so rtprelayd forwards in
	# userspace here and makes no rule; the kernel suite's package part (PKGROOT) runs the
	# packaged daemon where it does, and checks that stopping it removes the rule.
	if [ "$had_chain" = yes ]; then
		check "no rtprelay nftables chain after remove" no_rtprelay_chain
	else
		echo "    # no nftables rule in the container (no xt_RTPRELAY in its kernel): the kernel suite checks its removal"
	fi
	check "config kept after remove (conffile)" test -e "$ROOT/etc/rtprelay/rtprelay.conf"
	check "proxy config kept after remove (conffile)" test -e "$ROOT/etc/rtprelay/rtprelay-ctl-proxy.conf"
}

phase_purge() {
	log "apt purge"
	check "apt purge of the packages" ct_apt purge $(in_ct dpkg-query -W -f='${Package}\n' 'rtprelay*' | tr '\n' ' ')
	check "no /etc/rtprelay after purge" test ! -e "$ROOT/etc/rtprelay"
	check "no /var/lib/dkms/rtprelay after purge" test ! -e "$ROOT/var/lib/dkms/rtprelay"
	check "no xt_RTPRELAY.ko left in /lib/modules" test -z "$(find "$ROOT/lib/modules" -name 'xt_RTPRELAY.ko*' 2>/dev/null)"
	check "no file of the packages left after purge" none_left "$WORK/files"
	check "no user rtprelay after purge" not user_exists
}

phase_reinstall() {
	log "install, then reinstall the same version"
	ct_apt install $(debs cur) || bad "install before reinstall"
	check "apt install --reinstall of the same version" ct_apt install --reinstall $(debs cur)
	check "rtprelayd active after reinstall" wait_active
	check "ng ping after reinstall" ng_ping
	check "DKMS module still installed after reinstall" dkms_built "$(kernel_headers_version)"
	ct_apt purge $(in_ct dpkg-query -W -f='${Package}\n' 'rtprelay*' | tr '\n' ' ') || bad "purge after reinstall"
}

phase_upgrade() {
	log "upgrade from the previous build"
	check "install of the previous build ($PREV_VERSION_SUFFIX)" ct_apt install $(debs prev)
	check "rtprelayd active on the previous build" wait_active
	local old_pid
	old_pid=$(daemon_pid)
	check "apt upgrade to the current build" ct_apt install $(debs cur)
	check "no package left at the previous version" sh -c "! chroot '$ROOT' dpkg-query -W 'rtprelay*' | grep -q -- '$PREV_VERSION_SUFFIX'"
	check "rtprelayd active after upgrade" wait_active
	check "rtprelayd restarted by the upgrade" test "$(daemon_pid)" != "$old_pid"
	check "ng ping after upgrade" ng_ping
	check "rtprelay-ctl-proxy active after upgrade" proxy_active
	check "rtprelay-ctl-proxy answers ng ping after upgrade" proxy_ping
	check "DKMS has the module after upgrade" dkms_built "$(kernel_headers_version)"
}

# A kernel update: headers of another kernel arrive, and DKMS's hook builds the module for
# them. That kernel is the one the QEMU suite boots, which then loads this build (KEEP_ROOT).
phase_kernel_update() {
	if [ -z "$GUEST_KVER" ]; then
		echo "    # no /boot/vmlinuz-6.1.*-amd64 on the host: no guest kernel to build for"
		return 0
	fi
	log "kernel update: linux-headers-$GUEST_KVER"
	check "apt install linux-headers-$GUEST_KVER" ct_apt install "linux-headers-$GUEST_KVER"
	check "DKMS built xt_RTPRELAY for the new headers ($GUEST_KVER)" dkms_built "$GUEST_KVER"
}

main() {
	ls "$DEB_DIR"/*.deb > /dev/null 2>&1 || abort "no .deb in $DEB_DIR"
	need_host_tools || abort "install host tools"
	rm -rf "$WORK"; mkdir -p "$WORK/debs/cur"
	cp "$DEB_DIR"/*.deb "$WORK/debs/cur/"
	rm -f "$WORK"/debs/cur/*-dbgsym_*.deb # debug symbols: nothing to install or check
	make_prev_debs || abort "repack the previous build"
	unpack_base || abort "base system (debootstrap)"
	log "base ready; fetching the dependencies"
	in_chroot apt-get -q update > "$WORK/apt.log" 2>&1 || abort "apt-get update in the chroot"
	# The dependencies of both builds, plus the kernel headers that DKMS builds against
	# (a Recommends of rtprelay-kernel-dkms; apt installs Recommends by default).
	cp -r "$WORK/debs" "$ROOT/debs"
	in_chroot env DEBIAN_FRONTEND=noninteractive apt-get -y -q --download-only install $(debs cur) \
		${GUEST_KVER:+linux-headers-$GUEST_KVER} >> "$WORK/apt.log" 2>&1 ||
		{ tail -20 "$WORK/apt.log"; abort "download the dependencies"; }
	rm -rf "$ROOT/debs"; mkdir -p "$ROOT/debs"
	log "booting the container"
	boot || { tail -20 "$WORK/console.log"; abort "boot with systemd-nspawn"; }
	ok "container boots with systemd ($(cat "$WORK/boot-state"))"
	phase_install
	phase_remove
	phase_purge
	phase_reinstall
	phase_upgrade
	phase_kernel_update
	shutdown_ct
	if [ -n "${KEEP_ROOT:-}" ]; then
		rm -rf "$KEEP_ROOT"
		mkdir -p "$(dirname "$KEEP_ROOT")"
		mv "$ROOT" "$KEEP_ROOT" && log "packaged root kept in $KEEP_ROOT"
	fi
	log "runtime $(($(date +%s) - T0)) s"
	cleanup
	result
}

main
