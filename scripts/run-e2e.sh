#!/usr/bin/env bash
# End-to-end tests of the dashboard (web/): Debian's Chromium, headless,
# driven by playwright-core, against a real newsd + PostgreSQL (the
# integration harness) with the article fixtures ingested.
# Usage: NEWSD_BIN=/abs/path/to/newsd scripts/run-e2e.sh [test files...]
# Screenshots go to tests/output/screenshots/. Node's test runner prints the
# summary lines (# tests, # pass, # fail); the exit status is non-zero when
# any test fails.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd -P)

: "${NEWSD_BIN:=$ROOT/build/default/newsd}"
[[ -x $NEWSD_BIN ]] || {
	echo "run-e2e: newsd binary not found or not executable: $NEWSD_BIN (run 'make build')" >&2
	exit 1
}
export NEWSD_BIN

: "${NEWSD_CHROMIUM:=/usr/bin/chromium}"
[[ -x $NEWSD_CHROMIUM ]] || {
	echo "run-e2e: Chromium not found at $NEWSD_CHROMIUM (apt-get install chromium; it is in scripts/packages.txt)" >&2
	exit 1
}
export NEWSD_CHROMIUM

# shellcheck source=scripts/node-tests.sh
. "$ROOT/scripts/node-tests.sh"
node_tests_setup run-e2e
mkdir -p tests/output/screenshots
node_tests_run run-e2e tests/e2e "$@"
