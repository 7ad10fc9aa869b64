# Sourced by scripts/run-integration.sh and scripts/run-e2e.sh: what both need
# to run a folder of node:test files. $1 names the caller in messages.

# Node.js 20 or later, and node_modules installed from the lock file when
# missing or stale (playwright-core downloads no browser: Debian's is used).
node_tests_setup() {
	local who=$1 major
	command -v node >/dev/null 2>&1 || {
		echo "$who: node (>= 20) is required" >&2
		exit 1
	}
	major=$(node -p 'process.versions.node.split(".")[0]')
	((major >= 20)) || {
		echo "$who: node >= 20 required (found $(node --version))" >&2
		exit 1
	}
	if [[ ! -d node_modules/playwright-core ]] || [[ ! -f node_modules/.package-lock.json ]] ||
		[[ package-lock.json -nt node_modules/.package-lock.json ]]; then
		echo "$who: npm ci" >&2
		PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2
	fi
}

# Run the given test files, or every DIR/*.test.mjs; one file at a time
# (each starts its own PostgreSQL and server). Node's runner prints the
# summary lines CI reads; the exit status fails when a test fails.
node_tests_run() {
	local who=$1 dir=$2
	shift 2
	local files=("$@")
	if ((${#files[@]} == 0)); then
		shopt -s nullglob
		files=("$dir"/*.test.mjs)
		((${#files[@]} > 0)) || {
			echo "$who: no $dir/*.test.mjs" >&2
			exit 1
		}
	fi
	exec node --test --test-concurrency=1 "${files[@]}"
}
