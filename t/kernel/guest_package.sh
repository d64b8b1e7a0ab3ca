# Sourced by guest.sh when run.sh was given PKGROOT: the root that t/deb/run.sh installed the
# Debian packages into, mounted read-only at /tmp/pkgroot. The guest already loaded that
# root's DKMS-built xt_RTPRELAY.ko for every test above; here the packaged rtprelayd runs as
# the package runs it under systemd (rtprelayd.service): the module loaded by the unit's
# ExecStartPre with the package's modprobe.d options, then the unit's ExecStart as user
# rtprelay with CAP_NET_ADMIN as its only capability. It must own the kernel table through
# proc_uid/proc_gid, forward a call in the kernel, and remove its nftables rule at stop.
# xt_RTPRELAY is not loaded when this starts.
P=/tmp/pkgroot
UNIT=$P/lib/systemd/system/rtprelayd.service
CAP_NET_ADMIN_MASK=0000000000001000 # 1 << 12, as /proc/PID/status prints capability sets

# in_pkg CMD...: CMD in the packaged root (its libraries, users and modprobe.d).
in_pkg() { chroot "$P" "$@"; }
status_field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
nft_chain() { nft list chain ip filter rtprelay > /dev/null 2>&1; }
no_nft_chain() { ! nft_chain; }

if check "package root is mounted with rtprelayd and its unit" test -x "$P/usr/sbin/rtprelayd" -a -f "$UNIT"; then
	for d in proc sys dev run tmp; do mountpoint -q "$P/$d" && umount "$P/$d"; done
	mount -t proc proc "$P/proc" && mount -t sysfs sys "$P/sys" && mount -t devtmpfs dev "$P/dev" &&
		mount -t tmpfs run "$P/run" && mount -t tmpfs tmp "$P/tmp"
	RTPRELAY_UID=$(in_pkg id -u rtprelay)
	RTPRELAY_GID=$(in_pkg id -g rtprelay)
	# The unit's ExecStartPre (without its '-+' prefix), in the package's root.
	PRE=$(sed -n 's/^ExecStartPre=[-+@!:]*//p' "$UNIT")
	check "package: the unit's ExecStartPre ($PRE) loads the module" in_pkg $PRE
	check "package: /proc/rtprelay/control belongs to rtprelay ($RTPRELAY_UID:$RTPRELAY_GID)" \
		test "$(stat -c %u:%g /proc/rtprelay/control)" = "$RTPRELAY_UID:$RTPRELAY_GID"
	# The unit's ExecStart as its User/Group with only CAP_NET_ADMIN (AmbientCapabilities,
	# CapabilityBoundingSet, NoNewPrivileges); logs to stderr, and /metrics for guest_call.py.
	EXEC=$(sed -n 's/^ExecStart=//p' "$UNIT")
	# Not through in_pkg: a function would run in a subshell, and RD must be rtprelayd's pid.
	chroot "$P" setpriv --reuid=rtprelay --regid=rtprelay --init-groups --no-new-privs \
		--inh-caps=-all,+net_admin --ambient-caps=-all,+net_admin --bounding-set=-all,+net_admin \
		$EXEC --log-stderr --listen-http=127.0.0.1:$RD_HTTP_PORT > /tmp/rd.log 2>&1 &
	RD=$!
	rd_ready() { for _ in $(seq 100); do grep -q "ready:" /tmp/rd.log && return 0; kill -0 $RD 2> /dev/null || return 1; sleep 0.2; done; return 1; }
	if check "package: rtprelayd starts with the unit's ExecStart and the packaged config" rd_ready; then
		check "package: rtprelayd runs as rtprelay" test "$(status_field $RD Uid)" = "$RTPRELAY_UID"
		check "package: its only effective capability is CAP_NET_ADMIN" test "$(status_field $RD CapEff)" = $CAP_NET_ADMIN_MASK
		check "package: it opened kernel table 0 without root" grep -q "kernel table 0 open" /tmp/rd.log
		check "package: it created its nftables chain" nft_chain
		call_scenario "package"
		check "package: rtprelayd stops cleanly (SIGTERM, as systemctl stop)" rd_stop
		check "package: its nftables chain is gone after stop" no_nft_chain
		check "package: its kernel table is gone after stop" test ! -e /proc/rtprelay/0
	else
		sed 's/^/    # rtprelayd: /' /tmp/rd.log
		kill $RD 2> /dev/null
	fi
	check "package: rmmod xt_RTPRELAY" rmmod xt_RTPRELAY
	for d in tmp run dev sys proc; do umount "$P/$d"; done
fi
