#!/bin/sh
# Runs the unit tests (under QEMU when cross-built), then, on the host, the
# end-to-end test files side by side (they spend their time waiting on
# timers, not on the CPU); sums them up.  The last line is "N passed, N failed".
#   tests/run.sh "QEMU" BUILD_DIR
qemu=$1 b=$2
passed=0 failed=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

count() {	# adds the "N passed, N failed" of log $1, or one failure without it
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $2 (no summary line)"; failed=$((failed + 1)); return
	fi
	passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
	failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
}

echo "== unit tests ($b${qemu:+, under $qemu})"
$qemu "$b/unit" > "$logs/unit" 2>&1
grep -v '^ok ' "$logs/unit"
count "$logs/unit" unit
if [ -z "$qemu" ]; then
	for t in tests/e2e/test_*.py; do
		python3 "$t" "$b" > "$logs/${t##*/}" 2>&1 &
	done
	wait
	for t in tests/e2e/test_*.py; do
		echo "== $t"
		grep -v '^ok ' "$logs/${t##*/}"
		count "$logs/${t##*/}" "$t"
	done
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
