#!/bin/bash
# Checks the kernel module (kernel-module/*.c, *.h, uapi/*.h, features/*.c) and the iptables
# plugin, which is written in kernel style too (iptables-ext/*.c), with the kernel's
# scripts/checkpatch.pl, file by file. Each file passes with no error and no warning. Last line:
# "checkpatch: N passed, N failed" (files); exit status 0 iff none failed.
#
# Debian ships checkpatch.pl only inside the kernel source tarball of linux-source-6.1
# (scripts/install-deps.sh installs it); the script and the data files it reads from its own
# directory (spelling.txt for typos, const_structs.checkpatch for structs that should be
# const) are unpacked once into build/checkpatch/. CHECKPATCH=/path/to/checkpatch.pl uses
# another copy.
set -u
cd "$(dirname "$0")/../.." || exit 1

TARBALL=/usr/src/linux-source-6.1.tar.xz
DIR=build/checkpatch
CHECKPATCH=${CHECKPATCH:-$DIR/checkpatch.pl}

if [ ! -f "$CHECKPATCH" ]; then
	if [ ! -f "$TARBALL" ]; then
		echo "no $TARBALL: apt-get install linux-source-6.1 (scripts/install-deps.sh)"
		echo "checkpatch: 0 passed, 1 failed"
		exit 1
	fi
	mkdir -p "$DIR"
	tar -xJf "$TARBALL" -C "$DIR" --strip-components=2 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch || {
		echo "checkpatch: 0 passed, 1 failed (could not unpack checkpatch.pl)"
		exit 1
	}
fi

# --no-tree: an out-of-tree module has no kernel tree around it. Every other check applies,
# with no exceptions: compat.h no longer tests LINUX_VERSION_CODE (kernel features are found
# by the compile tests in kernel-module/features/, docs/kernel.md).

pass=0 fail=0
for f in kernel-module/*.c kernel-module/*.h kernel-module/uapi/*.h kernel-module/features/*.c \
	iptables-ext/*.c; do
	case $f in
	# written by an in-tree build (make -C kernel-module), not by us
	*.mod.c | kernel-module/rtprelay_features.h) continue ;;
	esac
	if out=$(perl "$CHECKPATCH" --no-tree --file --terse --show-types --quiet "$f" 2>&1); then
		pass=$((pass + 1))
	else
		echo "$out"
		echo "not ok - $f"
		fail=$((fail + 1))
	fi
done
echo "checkpatch: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
