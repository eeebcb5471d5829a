#!/bin/sh
# Prints the path of a static busybox for the init-script tests, unpacking
# Debian's busybox-static package into DIR (default build/busybox) the first
# time: never installed, so the machine's own busybox stays as it is.
set -eu
dir=${1:-build/busybox}
bb=$dir/root/bin/busybox
mkdir -p "$dir"
# tests that run side by side may ask at once: one fetches, the others wait
exec 9>"$dir/.lock"
flock 9
if [ ! -x "$bb" ]; then
	(cd "$dir" && rm -f busybox-static_*.deb && apt-get download -qq busybox-static >&2)
	dpkg-deb -x "$dir"/busybox-static_*.deb "$dir/root"
fi
[ -x "$bb" ] || { echo "busybox-static.sh: no busybox in $dir" >&2; exit 1; }
echo "$bb"
