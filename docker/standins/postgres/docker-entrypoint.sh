#!/bin/sh
# Subset of the official postgres image's entrypoint, enough for
# docker-compose.yml: POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB,
# POSTGRES_INITDB_ARGS, PGDATA, /docker-entrypoint-initdb.d/*.sql|*.sh on first
# start; local connections trusted, TCP with scram-sha-256; then postgres runs
# as user postgres in the foreground (PID 1). Not supported: _FILE secrets,
# POSTGRES_HOST_AUTH_METHOD, arbitrary uids, *.sql.gz.
set -eu
case ${1:-postgres} in -*) set -- postgres "$@" ;; esac
[ "${1:-postgres}" = postgres ] || exec "$@"
[ $# -gt 0 ] && shift
: "${POSTGRES_USER:=postgres}" "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
export POSTGRES_USER POSTGRES_DB PGDATA
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }

mkdir -p "$PGDATA"
chown postgres:postgres "$PGDATA"
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
	if [ -z "${POSTGRES_PASSWORD:-}" ]; then
		echo "postgres stand-in: POSTGRES_PASSWORD must be set" >&2
		exit 1
	fi
	pw=$(mktemp)
	printf '%s\n' "$POSTGRES_PASSWORD" >"$pw"
	chown postgres "$pw"
	# shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of words
	as_pg initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pw" \
		--auth-local=trust --auth-host=scram-sha-256 ${POSTGRES_INITDB_ARGS:-} >/dev/null
	rm -f "$pw"
	echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
	as_pg pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
	if [ "$POSTGRES_DB" != postgres ]; then
		as_pg psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -q \
			-c "CREATE DATABASE \"$POSTGRES_DB\""
	fi
	for f in /docker-entrypoint-initdb.d/*; do
		case $f in
		*.sql) echo "init: $f"; as_pg psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -q -f "$f" ;;
		*.sh)
			echo "init: $f"
			# shellcheck source=/dev/null
			. "$f"
			;;
		esac
	done
	as_pg pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
	echo "postgres stand-in: cluster initialised in $PGDATA"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups -- \
	postgres -D "$PGDATA" -c listen_addresses='*' "$@"
