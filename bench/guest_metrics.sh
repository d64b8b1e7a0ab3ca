#!/bin/bash
# Guest side of bench/metrics_scrape.py --guest (via t/kernel/run.sh): runs as PID 1 in the
# QEMU guest and runs the command the kernel command line carries as
# metrics_scrape=SCRIPT,ARG,... (commas for spaces; the host root is mounted at /, so SCRIPT
# has its host path). We are real root here, so the open-files limit can be raised as far as
# 10,000 calls of four sockets each need. Prints the script's output as "BENCH ..." lines
# (run.sh shows those), then "GUEST-RESULT: N passed, N failed".
L=/tmp/lab
export PATH=$L:/usr/sbin:/usr/bin:/sbin:/bin
PASS=0 FAIL=0
ok() { echo "ok - $*"; PASS=$((PASS + 1)); }
bad() { echo "not ok - $*"; FAIL=$((FAIL + 1)); }
finish() {
	echo "GUEST-RESULT: $PASS passed, $FAIL failed"
	sync
	echo o > /proc/sysrq-trigger
	sleep 10
}
trap finish EXIT

ip link set lo up
ulimit -n 1048576 || { bad "ulimit -n 1048576"; exit; }
CMD=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^metrics_scrape=//p' | tr ',' ' ')
[ -n "$CMD" ] || { bad "no metrics_scrape= on the kernel command line"; exit; }
# shellcheck disable=SC2086 # the command is words
python3 $CMD > /tmp/scrape.out 2>&1
rc=$?
sed 's/^/BENCH /' /tmp/scrape.out
if [ $rc -eq 0 ]; then ok "metrics_scrape.py"; else bad "metrics_scrape.py (status $rc)"; fi
for f in /tmp/metrics-scrape-*.log; do
	[ $rc -eq 0 ] || tail -5 "$f" | sed "s|^|    # $(basename "$f"): |"
done
