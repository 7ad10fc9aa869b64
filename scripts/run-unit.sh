#!/usr/bin/env bash
# Run every unit-test binary given; print each one's cmocka output and a
# closing "N passed, N failed" line over all of them.
set -uo pipefail
passed=0 failed=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	echo "$out"
	p=$(echo "$out" | grep -o '\[  PASSED  \] [0-9]*' | grep -o '[0-9]*$' | tail -1)
	f=$(echo "$out" | grep -o '\[  FAILED  \] [0-9]*' | grep -o '[0-9]*$' | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [[ $rc -ne 0 && -z "$f" ]]; then
		echo "unit: $t exited with status $rc" >&2
		failed=$((failed + 1))
	fi
done
echo "unit: ${passed} passed, ${failed} failed"
[[ $failed -eq 0 ]]
