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

command -v node >/dev/null 2>&1 || {
	echo "run-integration: node (>= 20) is required" >&2
	exit 1
}
major=$(node -p 'process.versions.node.split(".")[0]')
((major >= 20)) || {
	echo "run-integration: node >= 20 required (found $(node --version))" >&2
	exit 1
}

# Dependencies (ajv, yaml): install from the lock file when missing or stale.
if [[ ! -d node_modules ]] || [[ ! -f node_modules/.package-lock.json ]] ||
	[[ package-lock.json -nt node_modules/.package-lock.json ]]; then
	echo "run-integration: npm ci" >&2
	npm ci --no-audit --no-fund >&2
fi

mkdir -p tests/output

if (($# > 0)); then
	files=("$@")
else
	shopt -s nullglob
	files=(tests/integration/*.test.mjs)
	((${#files[@]} > 0)) || {
		echo "run-integration: no tests/integration/*.test.mjs" >&2
		exit 1
	}
fi

exec node --test --test-concurrency=1 "${files[@]}"
