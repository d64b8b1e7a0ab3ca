#!/bin/bash
# Every C and C++ source of the daemon, rtprelay-ctl, the kernel module and the iptables plugin names its
# licence on its first line (LICENSE says which folder has which). One check per file; ends
# with "spdx: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
while read -r f; do
	if head -n 1 "$f" | grep -q 'SPDX-License-Identifier: '; then
		pass=$((pass + 1))
	else
		echo "$f: no SPDX-License-Identifier on the first line"
		fail=$((fail + 1))
	fi
done < <(git ls-files 'daemon/*.cc' 'daemon/*.h' 'ctl-proxy/*.cc' 'ctl-proxy/*.h' 'kernel-module/*.c' 'kernel-module/*.h' \
	'iptables-ext/*.c')
echo "spdx: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
