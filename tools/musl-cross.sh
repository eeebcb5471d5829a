#!/bin/sh
# Builds musl for a CPU Debian has no musl-dev package for (big-endian MIPS),
# from Debian's own musl source package (tools/debsrc.sh) with the GNU cross
# compiler, and writes TRIPLET-gcc, a wrapper that compiles and links against
# it as Debian's musl-gcc wrappers do.  Done once: build/cross/ is a cache
# that `make clean` keeps.  Called by `make deps CROSS=mips-linux-musl-`.
#   tools/musl-cross.sh TRIPLET GNU-TRIPLET      e.g. mips-linux-musl mips-linux-gnu
# Installs into build/cross/TRIPLET/; the wrapper is build/cross/bin/TRIPLET-gcc
# (the Makefile puts build/cross/bin first in PATH).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 TRIPLET GNU-TRIPLET" >&2; exit 2; }
triplet=$1 gnu=$2
root=$(pwd)/build/cross
prefix=$root/$triplet
wrapper=$root/bin/$triplet-gcc
specs=$prefix/lib/musl-gcc.specs
if [ -x "$wrapper" ] && [ -f "$prefix/lib/libc.a" ] && [ -f "$specs" ] && grep -qF "$specs" "$wrapper"; then
	exit 0
fi
command -v "$gnu-gcc" >/dev/null ||
	{ echo "musl-cross.sh: no $gnu-gcc: 'tools/deps.sh cross' installs it" >&2; exit 1; }
src=$(cd "$(tools/debsrc.sh musl build/src)" && pwd)

echo "musl-cross.sh: building musl ($src) for $triplet with $gnu-gcc" >&2
work=$root/work-$triplet
rm -rf "$work" "$prefix"
mkdir -p "$work" "$root/bin"
(
	cd "$work"
	# static only: kagent links nothing else
	"$src/configure" --target="$gnu" --prefix="$prefix" --disable-shared --enable-wrapper=gcc \
	    CROSS_COMPILE="$gnu-" CC="$gnu-gcc" CFLAGS=-Os &&
	make -j"$(nproc)" && make install
) >"$root/musl-$triplet.log" 2>&1 ||
	{ tail -n 30 "$root/musl-$triplet.log" >&2; echo "musl-cross.sh: the musl build failed (in $work)" >&2; exit 1; }
[ -f "$specs" ] || { echo "musl-cross.sh: musl's install wrote no $specs" >&2; exit 1; }
rm -rf "$work"
tmp=$wrapper.tmp
printf '#!/bin/sh\n# Written by tools/musl-cross.sh: %s against musl in %s\nexec %s "$@" -specs "%s"\n' \
    "$gnu-gcc" "$prefix" "$gnu-gcc" "$specs" >"$tmp"
chmod 755 "$tmp"
mv "$tmp" "$wrapper"
