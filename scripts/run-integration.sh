#!/usr/bin/env bash
# Integration tests: real PostgreSQL (scripts/pg.sh) + the real server.
# Usage: NEWSD_BIN=/abs/path/to/newsd scripts/run-integration.sh [test files...]
# (`make integration` sets NEWSD_BIN). Node's test runner prints the summary
# lines (# tests, # pass, # fail) that CI reads; the exit status is non-zero
# when any test fails.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd -P)

: "${NEWSD_BIN:=$ROOT/build/default/newsd}"
[[ -x $NEWSD_BIN ]] || {
	echo "run-integration: newsd binary not found or not executable: $NEWSD_BIN (run 'make build')" >&2
	exit 1
}
export NEWSD_BIN

# shellcheck source=scripts/node-tests.sh
. "$ROOT/scripts/node-tests.sh"
node_tests_setup run-integration
mkdir -p tests/output
node_tests_run run-integration tests/integration "$@"
