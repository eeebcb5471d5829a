#!/bin/sh
# Runs the unit tests, then the end-to-end suite, and sums them up; the last
# line is "N passed, N failed".
#   tests/run.sh "QEMU" BUILD_DIR [sanitize]
# On the host every end-to-end file runs, side by side (they spend their time
# waiting on timers, not on the CPU), then the files that build (CPU-bound)
# one after the other.  With QEMU (a binary of another CPU) the unit tests run
# under it, and so does the agent in the core of the end-to-end suite (CORE:
# the same tests as on the host, picked by name).  "sanitize": the binaries
# are ASan+UBSan builds; every report they write fails the run.
qemu=$1 b=$2 mode=${3:-}
passed=0 failed=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# What a target binary must prove end to end: delivery over TLS through
# injected faults (every line once, no allocation after start-up), kill -9
# and restart from the checkpoint, rename and copytruncate rotation, a FIFO,
# Kinesis with DETERMINISTIC keys (the MD5 of each record, checked against
# the host's), offsets past 4 GiB, processors' output byte for byte.
CORE="
test_agent.py in_file_order_without_faults hundred_thousand_lines_through_faults_zero_allocations
	kill9_then_restart_loses_nothing untrusted_server_is_refused rename_and_create_rotation
	copytruncate_rotation checkpoint_resumes_and_end_of_file_is_the_default
test_fifo.py writers_come_and_go_and_block_while_the_network_is_down
test_streams.py partition_keys throttling_and_partial_failures_on_both_apis
test_tailing.py past_4gib_on_the_host corrupt_or_cut_checkpoint_is_said_once_and_ignored
test_processors.py logtojson_apache_to_the_endpoint csvtojson_to_the_endpoint
	addmetadata_and_brackets_to_the_endpoint a_chain_logtojson_selectkeys_addtime
	processors_allocate_nothing_after_start_up
test_records.py stack_traces_are_one_record_each
test_aggregate.py lines_are_joined_up_to_the_limit_in_order
test_tls.py
"
# The files that take longest (minutes of delivery through faults, builds
# of packages): started first.
LONG="test_creds.py test_fleet.py test_packages.py test_agent.py test_tailing.py test_crashloop.py test_board.py test_streams.py"
# Files that build kagent themselves: run alone, after the others.
SERIAL="test_build.py"

count() {	# adds the "N passed, N failed" of log $1, or one failure without it
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $2 (no summary line)"; failed=$((failed + 1)); return
	fi
	passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
	failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
}

if [ "$mode" = sanitize ]; then
	reports=$(cd "$b" && pwd)/sanitizer-reports
	rm -rf "$reports"
	mkdir -p "$reports"
	# no leak check: the arena is taken once and never given back, by design
	export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=0"
	export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
	export KAGENT_SANITIZED=1
fi

echo "== unit tests ($b${qemu:+, under $qemu})"
$qemu "$b/unit" > "$logs/unit" 2>&1
grep -v '^ok ' "$logs/unit"
count "$logs/unit" unit

if [ -z "$qemu" ]; then
	files="$LONG"
	for t in tests/e2e/test_*.py; do
		case " $SERIAL $LONG " in *" ${t##*/} "*) continue ;; esac
		files="$files ${t##*/}"
	done
	# Eight at a time (all at once, some thirty agents, endpoints and
	# writers, starve each other on a two-core machine and timings fail);
	# under the sanitizers, whose agents take two to three times the CPU,
	# four at a time.  The longest files go first.
	jobs=8
	[ "$mode" = sanitize ] && jobs=4
	# shellcheck disable=SC2086
	printf '%s\n' $files | xargs -P $jobs -I{} sh -c 'python3 "tests/e2e/$1" "$2" > "$3/$1" 2>&1' sh {} "$b" "$logs" ||
		true	# each file's result is read from its log
	for f in $SERIAL; do
		# they build for themselves: nothing to learn from them twice
		[ -f "tests/e2e/$f" ] && [ "$mode" != sanitize ] || continue
		files="$files $f"
		python3 "tests/e2e/$f" "$b" > "$logs/$f" 2>&1
	done
else
	files=$(echo "$CORE" | awk '/^test_/ { print $1 }')
	echo "$CORE" | awk '/^test_/ { f = $1; $1 = ""; n[f] = $0; next } NF { n[f] = n[f] " " $0 }
		END { for (f in n) print f n[f] }' > "$logs/core"
	while read -r f names; do
		# shellcheck disable=SC2086
		KAGENT_RUN="$qemu" python3 "tests/e2e/$f" "$b" $names > "$logs/$f" 2>&1 &
	done < "$logs/core"
	wait
fi
for f in $files; do
	echo "== tests/e2e/$f${qemu:+ (core, the agent under $qemu)}"
	grep -v '^ok ' "$logs/$f"
	count "$logs/$f" "tests/e2e/$f"
done

if [ "$mode" = sanitize ]; then
	n=$(ls "$reports" | wc -l)
	if [ "$n" != 0 ]; then
		echo "FAIL sanitizers: $n report(s) in $reports"
		head -n 40 "$reports"/*
		failed=$((failed + 1))
	fi
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
