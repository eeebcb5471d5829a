#!/bin/sh
# Installs the Debian packages building and testing kagent needs.
# Idempotent: does nothing when everything is already there.  Called by
# `make deps` (which `make test`, `make demo` and `make fuzz` call), never by
# a plain `make`.
#   tools/deps.sh [host]   host build and every test `make test` runs (the
#                          4 GiB test and the build test use the ARMv7 cross
#                          compiler and qemu-user)
#   tools/deps.sh cross    adds the AArch64, MIPS LE and MIPS BE toolchains (musl
#                          for MIPS BE is built by tools/musl-cross.sh)
#   tools/deps.sh fuzz     adds clang and its libFuzzer/sanitizer runtimes
#   tools/deps.sh bench    adds what make bench measures with (OpenSSL's libcrypto
#                          for the floor tool, valgrind, strace)
set -u

host_pkgs="gcc make musl-tools libjsmn-dev python3 openssl dpkg-dev time mandoc groff-base systemd
	gcc-arm-linux-gnueabihf musl-dev:armhf qemu-user"
cross_pkgs="gcc-aarch64-linux-gnu musl-dev:arm64 gcc-mipsel-linux-gnu musl-dev:mipsel gcc-mips-linux-gnu"
fuzz_pkgs="clang libclang-rt-dev"
bench_pkgs="libssl-dev valgrind strace"

want="$host_pkgs"
case "${1:-host}" in
host) ;;
cross) want="$want $cross_pkgs" ;;
fuzz) want="$want $fuzz_pkgs" ;;
bench) want="$want $bench_pkgs" ;;
*) echo "usage: $0 [host|cross|fuzz|bench]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
for a in $(echo "$missing" | tr ' ' '\n' | sed -n 's/.*:\(.*\)/\1/p' | sort -u); do
	dpkg --print-foreign-architectures | grep -qx "$a" || $SUDO dpkg --add-architecture "$a"
done
# 'apt-get update' may fail for one index being re-synced while the packages
# we need are still found: judge by the install, not by update's status.
$SUDO apt-get update -qq || echo "deps.sh: apt-get update reported an error; trying anyway" >&2
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
