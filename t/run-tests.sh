#!/bin/bash
# Runs every test suite against the binaries `make test` built and ends with one line
# "N passed, N failed" summing them all. Each suite prints "<suite>: N passed, N failed";
# a suite that dies without that line counts as one failure.
set -u
cd "$(dirname "$0")/.."

# 30 s per target, the targets side by side on every core; `make fuzz` and a longer
# FUZZ_SECONDS are for deeper runs.
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
total_pass=0
total_fail=0
failed_suites=()
timings=() # "seconds name" per suite, for the summary: where make test's time goes

# run_suite NAME COMMAND...: runs it, echoes its output, adds its counts.
run_suite() {
	local name=$1
	shift
	echo "=== $name: $*"
	local started=$SECONDS
	local log
	log=$(mktemp)
	"$@" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]}
	local line
	line=$(grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	rm -f "$log"
	local p=0 f=0
	if [ -n "$line" ]; then
		p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	[ "$f" -ne 0 ] && failed_suites+=("$name")
	timings+=("$((SECONDS - started)) $name")
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

# fuzz TARGET: one bounded libFuzzer run over the committed corpus; new inputs go to a
# scratch directory so the repo corpus only grows by hand.
fuzz() {
	local target=$1 scratch
	if [ ! -x build/fuzz/"$target" ]; then
		echo "fuzz-$target: 0 passed, 1 failed (no build/fuzz/$target: make fuzz)"
		return
	fi
	scratch=$(mktemp -d)
	# The fuzzer's status, not tail's: a crash must fail.
	build/fuzz/"$target" -max_total_time="$FUZZ_SECONDS" -max_len=8192 -print_final_stats=1 \
		-artifact_prefix=build/fuzz/"$target"- "$scratch" t/fuzz/corpus/"$target" 2>&1 | tail -n 12
	if [ "${PIPESTATUS[0]}" -eq 0 ]; then
		echo "fuzz-$target: 1 passed, 0 failed"
	else
		echo "fuzz-$target: 0 passed, 1 failed (crash input saved as build/fuzz/$target-*)"
	fi
	rm -rf "$scratch"
}

# fuzz_all: every target, as many at once as there are cores (a libFuzzer run is one process),
# each target's summary in turn, then one line for them all.
fuzz_all() {
	local dir pass=0 fail=0 log
	dir=$(mktemp -d)
	export -f fuzz
	export FUZZ_SECONDS
	for src in t/fuzz/*.cc; do basename "$src" .cc; done |
		xargs -P"$(nproc)" -I{} bash -c 'fuzz "$1" > "$2/$1.log" 2>&1' _ {} "$dir"
	for log in "$dir"/*.log; do
		grep -v -E '^fuzz-[A-Za-z0-9_-]+: [0-9]+ passed' "$log"
		if grep -q ': 1 passed, 0 failed$' "$log"; then
			echo "  $(basename "$log" .log): ok"
			pass=$((pass + 1))
		else
			echo "  $(basename "$log" .log): FAILED (crash input saved as build/fuzz/$(basename "$log" .log)-*)"
			fail=$((fail + 1))
		fi
	done
	rm -rf "$dir"
	echo "fuzz: $pass passed, $fail failed"
}

docs_current() {
	if build/gen-options-doc | diff -u docs/configuration.md -; then
		echo "docs: 1 passed, 0 failed"
	else
		echo "docs: 0 passed, 1 failed (run 'make docs' and commit docs/configuration.md)"
	fi
}

srtp_vectors_current() {
	if build/gen-srtp-vectors | diff -u kernel-module/srtp_vectors.h -; then
		echo "srtp-vectors: 1 passed, 0 failed"
	else
		echo "srtp-vectors: 0 passed, 1 failed (run 'make srtp-vectors' and commit kernel-module/srtp_vectors.h)"
	fi
}

# deb_build: `make deb` without the unit tests (run above): dpkg-buildpackage, then lintian,
# which must find no error and no warning.
deb_build() {
	if DEB_BUILD_OPTIONS=nocheck scripts/build-deb.sh -j"$(nproc)" > build/deb-build.log 2>&1; then
		sed -n '/^lintian\|\.deb$/p' build/deb-build.log | tail -n 12
		echo "deb-build: 1 passed, 0 failed"
	else
		tail -n 40 build/deb-build.log
		echo "deb-build: 0 passed, 1 failed (see build/deb-build.log)"
	fi
}

# make_gate NAME: a `make NAME` check that passes or fails as a whole (style, tidy).
make_gate() {
	if make --no-print-directory "$1"; then
		echo "$1: 1 passed, 0 failed"
	else
		echo "$1: 0 passed, 1 failed (see 'make $1' above)"
	fi
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}

# Every include in daemon/ points down a layer (docs/architecture.md, "Layers").
run_suite layers t/style/layers.py
run_suite spdx t/style/spdx.sh
run_suite unit build/unit-tests
run_suite unit-asan build/asan/unit-tests
# The media loops on io_uring, asked for by name so that a machine without it fails here
# rather than testing epoll twice; then the same suites on epoll, the fallback.
run_suite integration env RTPRELAYD=build/rtprelayd RTPRELAYD_MEDIA_IO=io_uring \
	python3 t/integration/run.py
run_suite integration-asan env RTPRELAYD=build/asan/rtprelayd RTPRELAYD_MEDIA_IO=io_uring \
	python3 t/integration/run.py
# The call tests under ThreadSanitizer: races between the control and media threads (replies
# leave from media loops: test_replies, test_limits).
run_suite integration-tsan env RTPRELAYD=build/tsan/rtprelayd RTPRELAYD_MEDIA_IO=io_uring \
	python3 t/integration/run.py test_calls test_stress test_media_io test_replies test_limits
run_suite integration-epoll env RTPRELAYD=build/rtprelayd RTPRELAYD_MEDIA_IO=epoll \
	python3 t/integration/run.py
run_suite integration-tsan-epoll env RTPRELAYD=build/tsan/rtprelayd RTPRELAYD_MEDIA_IO=epoll \
	python3 t/integration/run.py test_calls test_stress test_media_io test_replies test_limits
# The Debian packages: built and checked by lintian, then installed, upgraded and purged in a
# fresh Debian 12 booted by systemd-nspawn; the root stays installed for the kernel suite.
PKGROOT=/var/tmp/rtprelay-pkgroot
run_suite deb-build deb_build
run_suite deb env KEEP_ROOT=$PKGROOT t/deb/run.sh build/deb
# xt_RTPRELAY built against Debian's headers and exercised in Debian's kernel under QEMU; the
# module it loads is the package's DKMS build, and the packaged rtprelayd runs as its unit does.
run_suite kernel env NO_INSTALL=1 PKGROOT=$PKGROOT t/kernel/run.sh
rm -rf "$PKGROOT"
run_suite checkpatch t/style/checkpatch.sh
run_suite e2e env RTPRELAYD=build/rtprelayd E2E_RELAY_ARGS=--media-io=io_uring \
	python3 t/e2e/run.py
run_suite e2e-epoll env RTPRELAYD=build/rtprelayd E2E_RELAY_ARGS=--media-io=epoll \
	python3 t/e2e/run.py
# The same suite with each relay behind its own rtprelay-ctl-proxy: Kamailio's rtpengine module
# talks to the proxy and notices no difference.
run_suite e2e-ctl-proxy env RTPRELAYD=build/rtprelayd E2E_VIA_CTL_PROXY=1 python3 t/e2e/run.py
# SDES-SRTP with rtpengine: each relay between an SRTP and a plain phone, and chained both ways.
run_suite srtp-interop env RTPRELAYD=build/rtprelayd python3 t/e2e/test_srtp_interop.py
# statistics: every key path of rtpengine 10.5's reply, after the same calls through both.
run_suite statistics-shape env RTPRELAYD=build/rtprelayd python3 t/e2e/test_statistics_shape.py
# WebRTC: headless Chromium through the relay to a plain phone, in a network namespace.
run_suite webrtc env RTPRELAYD=build/rtprelayd python3 t/webrtc/run.py
run_suite bench t/bench/run.sh
run_suite fuzz fuzz_all
run_suite docs docs_current
run_suite srtp-vectors srtp_vectors_current
run_suite style make_gate style
run_suite tidy make_gate tidy

echo
echo "seconds per suite, longest first:"
printf '%s\n' "${timings[@]}" | sort -rn | awk '{ printf "  %5d s  %s\n", $1, $2 }'
[ ${#failed_suites[@]} -gt 0 ] && echo "failed suites: ${failed_suites[*]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
