#!/bin/sh
# Installs what building and testing kagent needs on a Debian machine.
# Idempotent: does nothing when everything is already there.
#   tools/deps.sh          host build + tests
#   tools/deps.sh cross    adds the ARMv7 / MIPS musl toolchains and qemu-user
#   tools/deps.sh fuzz     adds clang and its libFuzzer/sanitizer runtimes
#   tools/deps.sh bench    adds what make bench measures with (OpenSSL's libcrypto
#                          for the floor tool, valgrind, strace)
set -u

host_pkgs="gcc make musl-tools libjsmn-dev python3 openssl dpkg-dev time mandoc groff-base systemd"
cross_pkgs="gcc-arm-linux-gnueabihf gcc-mipsel-linux-gnu musl-dev:armhf musl-dev:mipsel qemu-user"
fuzz_pkgs="clang libclang-rt-dev"
bench_pkgs="libssl-dev valgrind strace"

want="$host_pkgs"
[ "${1:-}" = cross ] && want="$want $cross_pkgs"
[ "${1:-}" = fuzz ] && want="$want $fuzz_pkgs"
[ "${1:-}" = bench ] && want="$want $bench_pkgs"

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
case "$missing" in
*:armhf*|*:mipsel*)
	$SUDO dpkg --add-architecture armhf
	$SUDO dpkg --add-architecture mipsel ;;
esac
# 'apt-get update' may fail for one index being re-synced while the packages
# we need are still found: judge by the install, not by update's status.
$SUDO apt-get update -qq || echo "deps.sh: apt-get update reported an error; trying anyway" >&2
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
