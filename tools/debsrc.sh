#!/bin/sh
# Prints the path of the source tree of Debian's source package PKG
# (bearssl, musl), fetching and unpacking it into DIR (default build/src)
# the first time.  A deb-src entry is derived from the machine's own deb
# entries if none exists.  Called by `make deps`, never by a plain `make`.
#   tools/debsrc.sh PKG [DIR]
set -eu
pkg=$1
dir=${2:-build/src}
mkdir -p "$dir"
# dpkg-source unpacks the upstream tree first, then debian/: a tree with
# debian/control is whole.
found() {
	for d in "$dir/$pkg"-[0-9]*/debian/control; do
		[ -f "$d" ] && { echo "${d%/debian/control}"; return 0; }
	done
	return 1
}
found && exit 0

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! grep -rqs '^[[:space:]]*\(deb-src\|Types:.*deb-src\)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		grep -q '^Types:.*\bdeb\b' "$f" || continue
		sed 's/^Types:.*/Types: deb-src/' "$f" | $SUDO tee "${f%.sources}-kagent-src.sources" >/dev/null
	done
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list |
			$SUDO tee /etc/apt/sources.list.d/kagent-src.list >/dev/null
	fi
	$SUDO apt-get update -qq >&2 || echo "debsrc.sh: apt-get update reported an error; trying anyway" >&2
fi
command -v dpkg-source >/dev/null || $SUDO apt-get install -y -qq dpkg-dev >&2
(cd "$dir" && apt-get source -qq "$pkg" >&2)
found || { echo "debsrc.sh: no $pkg source in $dir" >&2; exit 1; }
