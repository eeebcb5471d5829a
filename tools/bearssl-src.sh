#!/bin/sh
# Prints the path of a BearSSL source tree, fetching Debian's 'bearssl'
# source package into DIR (default build/src) the first time.
# A deb-src entry is derived from the machine's own deb entries if none exists.
set -eu
dir=${1:-build/src}
mkdir -p "$dir"
found=$(ls -d "$dir"/bearssl-*/inc 2>/dev/null | head -n 1 || true)
if [ -n "$found" ]; then dirname "$found"; exit 0; fi

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
	$SUDO apt-get update -qq >&2 || echo "bearssl-src.sh: apt-get update reported an error; trying anyway" >&2
fi
command -v dpkg-source >/dev/null || $SUDO apt-get install -y -qq dpkg-dev >&2
(cd "$dir" && apt-get source -qq bearssl >&2)
found=$(ls -d "$dir"/bearssl-*/inc 2>/dev/null | head -n 1 || true)
[ -n "$found" ] || { echo "bearssl-src.sh: no BearSSL source in $dir" >&2; exit 1; }
dirname "$found"
