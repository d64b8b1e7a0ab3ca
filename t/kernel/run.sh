#!/bin/bash
# Kernel fast-path test: build xt_RTPRELAY.ko against Debian 12's
# linux-headers-amd64, the iptables plugin and the test tools, then boot
# Debian's kernel under QEMU (TCG; this host cannot load modules) with the
# host root mounted read-only over 9p and run t/kernel/guest.sh inside.
# Last line: "kernel: N passed, N failed"; exit status 0 iff nothing failed.
#
# Env: WORK (scratch, default /tmp/rtprelay-kernel-test), KVER (guest
# kernel, default newest /boot/vmlinuz-6.1.*-amd64), BOOT_TIMEOUT (s, 600; the suite takes about 240 s on a quiet 2-core host, and a busy one can double that),
# SMP (2), MEM (MiB, 1024), NO_INSTALL=1 to skip the package check,
# GUEST_SCRIPT (what runs in the guest, default t/kernel/guest.sh; the
# benchmark passes bench/guest_bench.sh, whose "BENCH ..." lines are shown),
# GUEST_CMDLINE (more kernel command line for the guest), PKGROOT (a root that t/deb/run.sh
# installed the Debian packages into, KEEP_ROOT there: the guest then loads that root's
# DKMS-built module instead of the tree's, and runs the packaged rtprelayd as its unit does).
set -euo pipefail
T0=$(date +%s)
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-/tmp/rtprelay-kernel-test}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-600}
SMP=${SMP:-2}
MEM=${MEM:-1024}
PASS=0 FAIL=0

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
ok() { echo "ok - $*"; PASS=$((PASS + 1)); }
bad() { echo "not ok - $*"; FAIL=$((FAIL + 1)); }
result() {
	echo "kernel: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
abort() { bad "$*"; result || exit 1; }

# ------------------------------------------------------------ host packages
PKGS=(qemu-system-x86 linux-image-amd64 linux-headers-amd64 linux-headers-6.12-amd64 busybox-static
      cpio kmod iptables nftables libxtables-dev pkg-config build-essential iproute2 ethtool)
install_pkgs() {
	local missing=() p
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -q -o DPkg::Lock::Timeout=600 update >&2
	apt-get -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends \
		install "${missing[@]}" >&2
}
[ "${NO_INSTALL:-0}" = 1 ] || install_pkgs || abort "install host packages"

# Debian 12's own 6.1 kernel unless told otherwise (the 6.12 headers bring a 6.12 image too).
KVER=${KVER:-$(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -1)}
[ -n "$KVER" ] || abort "no /boot/vmlinuz-6.1.*-amd64 (apt-get install linux-image-amd64)"
KDIR=/usr/src/linux-headers-$KVER
[ -d "$KDIR" ] || abort "no headers at $KDIR"
log "guest kernel $KVER"

# ------------------------------------------------------------ build
rm -rf "$WORK"
mkdir -p "$WORK/kmod"
# build a copy so the source tree stays clean
cp -r "$TOP/kernel-module/." "$WORK/kmod/"
if make -C "$WORK/kmod" KDIR="$KDIR" W=1 > "$WORK/kmod-build.log" 2>&1; then
	ok "module builds (W=1) against $KDIR"
else
	cat "$WORK/kmod-build.log"; abort "module build"
fi
if grep -q 'warning:' "$WORK/kmod-build.log"; then
	grep 'warning:' "$WORK/kmod-build.log"; bad "module builds warning-free"
else
	ok "module builds warning-free"
fi
cp "$WORK/kmod/xt_RTPRELAY.ko" "$WORK/"
if [ -n "${PKGROOT:-}" ]; then
	# DKMS's build of the packaged sources, for the guest's kernel (t/deb/run.sh installs
	# linux-headers-$KVER in the packaged root so that DKMS builds for it).
	PKG_KO=$(ls "$PKGROOT/lib/modules/$KVER/updates/dkms/xt_RTPRELAY.ko"* 2>/dev/null | head -1 || true)
	if [ -z "$PKG_KO" ]; then
		bad "DKMS-built xt_RTPRELAY.ko for $KVER in $PKGROOT"
	elif [ "$(modinfo -F vermagic "$PKG_KO" | cut -d' ' -f1)" != "$KVER" ]; then
		bad "DKMS-built module's vermagic ($(modinfo -F vermagic "$PKG_KO")) names $KVER"
	else
		case $PKG_KO in
		*.xz) xz -dc "$PKG_KO" > "$WORK/xt_RTPRELAY.ko" ;;
		*) cp "$PKG_KO" "$WORK/xt_RTPRELAY.ko" ;;
		esac
		ok "the guest loads the package's DKMS build (${PKG_KO#"$PKGROOT"}), not the tree's"
		echo "$PKGROOT" > "$WORK/pkgroot"
	fi
fi
# Debian 12 also ships 6.12 headers (linux-headers-6.12-amd64): the module must build there
# too, warning-free, without touching the 6.1 build the guest loads.
NEWER=$(ls -d /usr/src/linux-headers-6.1[2-9]*-amd64 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$NEWER" ]; then
	mkdir -p "$WORK/kmod-newer"
	cp -r "$TOP/kernel-module/." "$WORK/kmod-newer/"
	if make -C "$WORK/kmod-newer" KDIR="$NEWER" W=1 > "$WORK/kmod-newer.log" 2>&1 &&
		! grep -q 'warning:' "$WORK/kmod-newer.log"; then
		ok "module builds warning-free (W=1) against $NEWER"
	else
		grep -E 'warning:|error' "$WORK/kmod-newer.log"; bad "module build against $NEWER"
	fi
else
	bad "no newer kernel headers (apt-get install linux-headers-6.12-amd64)"
fi
# The same module with RTPRELAY_SELFTEST=y: the guest loads it once, and it runs the cases of
# kernel-module/rtp_check.h and srtp_check.h (those the unit tests run) inside the kernel.
mkdir -p "$WORK/kmod-selftest"
cp -r "$TOP/kernel-module/." "$WORK/kmod-selftest/"
if make -C "$WORK/kmod-selftest" KDIR="$KDIR" W=1 RTPRELAY_SELFTEST=y > "$WORK/kmod-selftest.log" 2>&1 &&
	! grep -q 'warning:' "$WORK/kmod-selftest.log"; then
	ok "module builds warning-free (W=1) with RTPRELAY_SELFTEST=y"
	cp "$WORK/kmod-selftest/xt_RTPRELAY.ko" "$WORK/xt_RTPRELAY-selftest.ko"
else
	grep -E 'warning:|error' "$WORK/kmod-selftest.log"; bad "module build with RTPRELAY_SELFTEST=y"
fi
if make -s -C "$WORK/kmod" check-headers > "$WORK/hdr.log" 2>&1; then
	ok "ABI header, rtp.h, srtp_index.h and their checks compile as userspace C11 and C++20"
else
	cat "$WORK/hdr.log"; bad "ABI header userspace compile"
fi
if make -s -C "$TOP/iptables-ext" O="$WORK" CFLAGS="-O2 -Werror" > "$WORK/xt-build.log" 2>&1; then
	ok "iptables plugin builds"
else
	cat "$WORK/xt-build.log"; abort "iptables plugin build"
fi
# kernel-module/rtp.h is unit-tested in userspace by t/unit/kernel/rtp_*test.cc (make unit) and
# fuzzed by t/fuzz/rtp_stats.cc; the selftest build above runs the same cases in the guest.
for t in rpctl udptool; do
	gcc -O2 -Wall -Wextra -Werror -o "$WORK/$t" "$HERE/$t.c" || abort "build $t"
done
# The SRTP check against libsrtp2, with the daemon's key derivation (make builds the library).
if [ -f "$TOP/build/librtprelay.a" ]; then
	g++ -std=c++20 -O2 -Wall -Wextra -Werror -I"$TOP" -I"$TOP/daemon" -o "$WORK/srtpkat" \
		"$HERE/srtpkat.cc" "$TOP/build/librtprelay.a" $(pkg-config --cflags --libs libsrtp2) \
		-lcrypto || abort "build srtpkat"
fi
# The ABI version the tree's header promises, for the handshake checks.
awk '$2 == "RTPRELAY_ABI_VERSION" {print $3}' "$TOP/kernel-module/uapi/rtprelay_abi.h" \
	> "$WORK/abi_version"
cp "$HERE"/guest*.sh "$HERE"/guest_call.py "$HERE"/guest_srtp_call.py "$HERE"/guest_dtls_call.py \
	"$HERE"/guest_ice_call.py "$HERE"/guest_bundle_call.py \
	"$TOP"/t/integration/{ngclient,media,httpclient,srtp}.py "$WORK/"
GUEST_SCRIPT=${GUEST_SCRIPT:-$HERE/guest.sh}
cp "$GUEST_SCRIPT" "$WORK/guest-main.sh"
[ -x "$TOP/build/bench/rtpload" ] && cp "$TOP/build/bench/rtpload" "$WORK/rtpload"
# The daemon as built by make (its libraries come from the host root the guest mounts).
[ -x "$TOP/build/rtprelayd" ] && cp "$TOP/build/rtprelayd" "$WORK/rtprelayd"
# ... and its ASan+UBSan build (make test builds it), for one call under the sanitizers.
[ -x "$TOP/build/asan/rtprelayd" ] && cp "$TOP/build/asan/rtprelayd" "$WORK/rtprelayd-asan"

# ------------------------------------------------------------ initramfs
R=$WORK/initramfs
mkdir -p "$R"/{bin,dev,proc,sys,newroot,lib/modules}
cp /bin/busybox "$R/bin/busybox"
for a in sh mount insmod switch_root poweroff echo cat mkdir; do ln -s busybox "$R/bin/$a"; done
: > "$R/modules.order"
for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r f; do
	cp "$f" "$R/lib/modules/"
	basename "$f" >> "$R/modules.order"
done
cat > "$R/init" <<'EOF'
#!/bin/sh
# mount the host root read-only and the run directory read-write over 9p,
# then run the test as PID 1 from the host root
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do insmod /lib/modules/$m || echo "insmod $m failed"; done
O=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o $O,ro hostroot /newroot || { echo "GUEST-RESULT: 0 passed, 1 failed (mount hostroot)"; poweroff -f; }
mount -t proc proc /newroot/proc
mount -t sysfs sys /newroot/sys
mount -t devtmpfs dev /newroot/dev
mount -t tmpfs tmp /newroot/tmp
mount -t tmpfs run /newroot/run
mkdir -p /newroot/tmp/lab
mount -t 9p -o $O lab /newroot/tmp/lab || { echo "GUEST-RESULT: 0 passed, 1 failed (mount lab)"; poweroff -f; }
if [ -f /newroot/tmp/lab/pkgroot ]; then
	mkdir -p /newroot/tmp/pkgroot
	mount -t 9p -o $O,ro pkgroot /newroot/tmp/pkgroot || echo "mount pkgroot failed"
fi
exec switch_root /newroot /bin/bash /tmp/lab/guest-main.sh
EOF
chmod +x "$R/init"
(cd "$R" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$WORK/initramfs.cpio.gz"

# ------------------------------------------------------------ boot
LOG=$WORK/serial.log
PKG_9P=()
[ -f "$WORK/pkgroot" ] && PKG_9P=(-fsdev "local,id=pkgroot,path=$PKGROOT,security_model=none,readonly=on"
	-device virtio-9p-pci,fsdev=pkgroot,mount_tag=pkgroot)
log "booting (TCG, timeout ${BOOT_TIMEOUT}s)"
set +e
timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg,thread=multi -cpu max \
	-smp "$SMP" -m "$MEM" -nographic -no-reboot -nic none \
	-kernel "/boot/vmlinuz-$KVER" -initrd "$WORK/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 quiet loglevel=4 ${GUEST_CMDLINE:-}" \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-fsdev local,id=lab,path="$WORK",security_model=none \
	-device virtio-9p-pci,fsdev=lab,mount_tag=lab \
	"${PKG_9P[@]}" \
	< /dev/null 2>&1 | tr -d '\r' > "$LOG"
set -e
grep -aE '^(ok|not ok) - |^    # |^BENCH ' "$LOG" || true
G=$(grep -a '^GUEST-RESULT:' "$LOG" | tail -1 || true)
if [[ $G =~ GUEST-RESULT:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
	PASS=$((PASS + BASH_REMATCH[1])) FAIL=$((FAIL + BASH_REMATCH[2]))
else
	bad "guest produced no result line"
fi
if [ "$FAIL" -ne 0 ]; then
	mkdir -p "$TOP/t/kernel/logs"
	cp "$LOG" "$TOP/t/kernel/logs/serial-$(date +%Y%m%d-%H%M%S).log"
	[ -f "$WORK/dmesg.txt" ] && cp "$WORK/dmesg.txt" "$TOP/t/kernel/logs/"
	log "serial log saved in t/kernel/logs/ (and $LOG)"
fi
log "runtime $(($(date +%s) - T0)) s"
result
