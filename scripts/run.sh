#!/usr/bin/env bash
# `make run`: start the embedded PostgreSQL under $NEWSD_DATA_DIR (default
# ./.data) unless DATABASE_URL is set, apply migrations, and serve. Ctrl-C
# (or SIGTERM) drains newsd, then stops the PostgreSQL this script started;
# the next `make run` reuses the same data.
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
data=${NEWSD_DATA_DIR:-$root/.data}
started_pg=0

stop_pg() {
	if [[ $started_pg == 1 ]]; then
		"$root/scripts/pg.sh" stop "$data" || true
	fi
}
trap stop_pg EXIT

if [[ -z "${DATABASE_URL:-}" ]]; then
	mkdir -p "$data"
	data=$(realpath "$data")
	DATABASE_URL=$("$root/scripts/pg.sh" start "$data" "${NEWSD_PG_PORT:-5432}")
	export DATABASE_URL
	started_pg=1
	echo "run: embedded PostgreSQL in $data ($DATABASE_URL)" >&2
fi
export NEWSD_MIGRATIONS_DIR=${NEWSD_MIGRATIONS_DIR:-$root/migrations}
export NEWSD_OPENAPI=${NEWSD_OPENAPI:-$root/openapi.yaml}

"$bin" migrate
"$bin" serve &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' INT TERM
status=0
# wait returns early when a trapped signal arrives: wait again for the exit.
wait $pid || status=$?
if kill -0 $pid 2>/dev/null; then
	wait $pid || status=$?
fi
exit $status
