#!/bin/bash
# Checks the kernel module (kernel-module/*.c, *.h, uapi/*.h) and the iptables plugin, which is
# written in kernel style too (iptables-ext/*.c), with the kernel's scripts/checkpatch.pl, file
# by file. Each file passes with no error and no warning. Last line:
# "checkpatch: N passed, N failed" (files); exit status 0 iff none failed.
#
# Debian ships checkpatch.pl only inside the kernel source tarball of linux-source-6.1
# (scripts/install-deps.sh installs it); the script and the data files it reads from its own
# directory (spelling.txt for typos, const_structs.checkpatch for structs that should be
# const) are unpacked once into build/checkpatch/. CHECKPATCH=/path/to/checkpatch.pl uses
# another copy.
set -u
cd "$(dirname "$0")/../.."

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

# --no-tree: an out-of-tree module has no kernel tree around it. Every other check applies;
# the exceptions below are per file, each with its reason.
ignores_for() {
	case $1 in
	# The one file that tests kernel versions (docs/kernel.md; design: "version quirks only
	# in compat.h"). LINUX_VERSION_CODE: in-tree code builds for one version, an
	# out-of-tree module for several. CONSTANT_COMPARISON: it reads LINUX_VERSION_CODE, a
	# macro, as the constant in "LINUX_VERSION_CODE < KERNEL_VERSION(...)", the form the
	# kernel itself uses.
	kernel-module/compat.h) echo "--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON" ;;
	esac
}

pass=0 fail=0
for f in kernel-module/*.c kernel-module/*.h kernel-module/uapi/*.h iptables-ext/*.c; do
	# shellcheck disable=SC2046 # the ignores are separate words
	if out=$(perl "$CHECKPATCH" --no-tree --file --terse --show-types --quiet \
		$(ignores_for "$f") "$f" 2>&1); then
		pass=$((pass + 1))
	else
		echo "$out"
		echo "not ok - $f"
		fail=$((fail + 1))
	fi
done
echo "checkpatch: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
