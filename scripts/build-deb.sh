#!/bin/sh
# `make deb`: builds the Debian packages (debian/) and moves them into build/deb/, then checks
# them with lintian, which must report no error and no warning.
# dpkg-buildpackage writes its results beside the source tree, into ..; the .changes file lists
# them, so exactly those files are moved, whatever else lives in the parent directory.
# Extra arguments go to dpkg-buildpackage (e.g. -j1, or DEB_BUILD_OPTIONS=nocheck in the
# environment to skip the unit tests).
set -eu
cd "$(dirname "$0")/.."

version=$(dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
changes=../rtprelay_${version}_${arch}.changes

dpkg-buildpackage -b -us -uc "$@"

mkdir -p build/deb
rm -f build/deb/*
# The Files section of the .changes: " md5 size section priority name".
files=$(sed -n '/^Files:/,/^[^ ]/s/^ [0-9a-f]\{32\} [0-9]* [^ ]* [^ ]* //p' "$changes")
for f in $files; do
	mv "../$f" build/deb/
done
mv "$changes" build/deb/

lintian --fail-on error,warning build/deb/"$(basename "$changes")"
ls -1 build/deb/
