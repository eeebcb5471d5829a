#!/bin/sh
# Prints the code and data (text + data, as `size` counts them; a stripped
# file grows by whole pages) each processor adds to the agent for a target:
#   tools/procsizes.sh [CROSS]      e.g. tools/procsizes.sh arm-linux-musleabihf-
# (links the agent once per processor; leaves it built with all of them)
set -eu
cross=${1:-}
sz=size		# the host's binutils read every ELF target's sections
dir=build/${cross%-}
[ -n "$cross" ] || dir=build/host
measure() {
	make -s -j2 CROSS="$cross" PROCESSORS="$1" "$dir/kagent" >/dev/null
	$sz "$dir/kagent" | awk 'NR == 2 { print $1 + $2 }'
}
base=$(measure "")
echo "without processors: $base bytes of code and data"
all=""
for p in $(ls src/proc/*.c | sed 's,.*/,,; s,\.c$,,'); do
	echo "$p: +$(( $(measure "$p") - base )) bytes"
	all="$all $p"
done
echo "all of them: +$(( $(measure "$all") - base )) bytes"
