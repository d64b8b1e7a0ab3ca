#!/bin/sh
# Installs the Debian packages the end-to-end suite (t/e2e/run.py) needs. Idempotent: packages
# already present are skipped, apt-get runs only when something is missing.
#
#   kamailio          the SIP proxy; its rtpengine module (rtpengine.so) and kamcmd ship in
#                     the kamailio package itself (no kamailio-*-modules package needed)
#   sip-tester        sipp, and /usr/share/sip-tester/g711a.pcap (the media the calls play)
#   rtpengine-daemon  Sipwise rtpengine: the reference relay (E2E_RELAY=rtpengine, --compare)
#   python3           the test runner (standard library, plus ctypes for libsrtp2)
#   libsrtp2-1        libsrtp2.so.1: the SRTP call's caller and the interop tests' phones
#                     (t/integration/srtp.py), an SRTP stack that is not the relay's
#   rtpengine-utils   rtpengine-ctl: Debian's CLI client, run against rtprelayd's --listen-cli
#   prometheus        promtool, which checks what GET /metrics serves
#   tmux              a terminal for the test of `rtprelay-ctl top`
#   redis-server      the store of call state that restart and standby tests use (t/ha/)
#
# Packages installed here must not start as services: Debian's rtpengine-daemon would listen
# for ng on localhost:2223, rtprelayd's default port, kamailio on 5060, prometheus on 9090, redis on 6379.
# While installing, a policy-rc.d (when none exists) keeps them from starting, and on a
# systemd machine the units this script installed are disabled.
set -eu

PACKAGES="kamailio sip-tester rtpengine-daemon python3 libsrtp2-1 rtpengine-utils prometheus tmux redis-server"
QUIET=false
[ "${1:-}" = "--quiet" ] && QUIET=true

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=""
for p in $PACKAGES; do
	installed "$p" || missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "e2e install-deps: installing:$missing"
	SUDO=""
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || {
			echo "e2e install-deps: need root or sudo to install:$missing" >&2
			exit 1
		}
		SUDO=sudo
	fi
	POLICY=/usr/sbin/policy-rc.d
	made_policy=false
	if [ ! -e "$POLICY" ]; then
		printf '#!/bin/sh\n# temporary, from rtprelay t/e2e/install-deps.sh\nexit 101\n' |
			$SUDO tee "$POLICY" >/dev/null
		$SUDO chmod 755 "$POLICY"
		made_policy=true
	fi
	rc=0
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	{ $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends $missing; } ||
		rc=$?
	if $made_policy; then
		$SUDO rm -f "$POLICY"
	fi
	[ "$rc" -eq 0 ] || exit "$rc"
	if [ -d /run/systemd/system ]; then
		for unit in rtpengine-daemon kamailio prometheus redis-server; do
			case " $missing " in
			*" $unit "*) $SUDO systemctl disable --now "$unit" >/dev/null 2>&1 || true ;;
			esac
		done
	fi
elif ! $QUIET; then
	echo "e2e install-deps: all packages present"
fi

# The suite needs these files; say which package should have brought a missing one.
for f in /usr/lib/x86_64-linux-gnu/kamailio/modules/rtpengine.so:kamailio \
	/usr/sbin/kamcmd:kamailio /usr/bin/sipp:sip-tester \
	/usr/share/sip-tester/g711a.pcap:sip-tester /usr/bin/rtpengine:rtpengine-daemon; do
	path=${f%%:*}
	pkg=${f##*:}
	case "$path" in
	*/kamailio/modules/rtpengine.so)
		# the multiarch directory differs between architectures
		found=$(dpkg -L kamailio 2>/dev/null | grep '/kamailio/modules/rtpengine\.so$' | head -n 1)
		[ -n "$found" ] && continue
		;;
	*) [ -e "$path" ] && continue ;;
	esac
	echo "e2e install-deps: $path missing although $pkg is installed" >&2
	exit 1
done
