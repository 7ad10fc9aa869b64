#!/usr/bin/env bash
# `make eval`: run every evaluation program and print one table. Each
# program prints its own rows (see tests/eval/eval.h); a failing program is
# reported and makes the whole run fail.
set -uo pipefail
echo "corpora: ${CORPORA:-../shared/corpora}   commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
echo "| stage | dataset | metric | value | reference |"
echo "|---|---|---|---|---|"
status=0
for e in "$@"; do
	if ! "$e"; then
		echo "| $(basename "$e") | - | FAILED (exit $?) | - | - |"
		status=1
	fi
done
exit $status
