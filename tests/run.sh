#!/bin/sh
# Runs the unit tests (under QEMU when cross-built), then, on the host, the
# end-to-end tests; sums them up.  The last line is "N passed, N failed".
#   tests/run.sh "QEMU" BUILD_DIR
qemu=$1 b=$2
passed=0 failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {	# adds the "N passed, N failed" of the log, or one failure without it
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $1 (no summary line)"; failed=$((failed + 1)); return
	fi
	passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
	failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
}

echo "== unit tests ($b${qemu:+, under $qemu})"
$qemu "$b/unit" | tee "$log" | grep -v '^ok '
count unit
if [ -z "$qemu" ]; then
	for t in tests/e2e/test_*.py; do
		[ -f "$t" ] || continue
		echo "== $t"
		python3 "$t" "$b" 2>&1 | tee "$log" | grep -v '^ok '
		count "$t"
	done
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
