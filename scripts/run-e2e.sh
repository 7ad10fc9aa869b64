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

command -v node >/dev/null 2>&1 || {
	echo "run-e2e: node (>= 20) is required" >&2
	exit 1
}
major=$(node -p 'process.versions.node.split(".")[0]')
((major >= 20)) || {
	echo "run-e2e: node >= 20 required (found $(node --version))" >&2
	exit 1
}

# Dependencies (playwright-core, ajv, yaml): install from the lock file when
# missing or stale. playwright-core downloads no browser.
if [[ ! -d node_modules/playwright-core ]] || [[ ! -f node_modules/.package-lock.json ]] ||
	[[ package-lock.json -nt node_modules/.package-lock.json ]]; then
	echo "run-e2e: npm ci" >&2
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2
fi

mkdir -p tests/output/screenshots

if (($# > 0)); then
	files=("$@")
else
	shopt -s nullglob
	files=(tests/e2e/*.test.mjs)
	((${#files[@]} > 0)) || {
		echo "run-e2e: no tests/e2e/*.test.mjs" >&2
		exit 1
	}
fi

exec node --test --test-concurrency=1 "${files[@]}"
