#!/usr/bin/env bash
# Embedded PostgreSQL 15 for newsd: `make run` and the integration tests use it.
#
#   scripts/pg.sh start DATADIR [PORT]   init (first time) + start; prints DATABASE_URL
#   scripts/pg.sh stop  DATADIR          fast shutdown; quiet when not running
#   scripts/pg.sh url   DATADIR [PORT]   prints DATABASE_URL
#   scripts/pg.sh psql  DATADIR [PORT] [psql args...]
#   scripts/pg.sh replica PRIMARY_DATADIR DATADIR [PORT]
#                                        a hot standby of the running primary
#                                        in DATADIR, started; prints its URL
#   scripts/pg.sh crash DATADIR          immediate shutdown, as a crash (no
#                                        checkpoint: `start` recovers)
#
# DATADIR holds pgdata/ (the cluster), run/ (the unix socket directory) and
# pg.log. The server listens on the unix socket only (listen_addresses=''),
# with trust authentication for the role `newsd` and a database `newsd`.
#
# A replica is a pg_basebackup -R of the primary over its unix socket (the
# `local replication` trust line initdb writes, wal_level=replica and
# max_wal_senders > 0, PostgreSQL's defaults), streaming through a physical
# replication slot `newsd_replica_PORT` so that the primary keeps the WAL it
# has not received. `start DATADIR PORT` restarts it, `stop` stops it; once it
# is retired for good, drop its slot on the primary:
# SELECT pg_drop_replication_slot('newsd_replica_PORT').
#
# NEWSD_PG_FAST=1 trades durability for speed (tests only): initdb --nosync,
# fsync=off, synchronous_commit=off, full_page_writes=off.
#
# initdb refuses to run as root: as root, the cluster runs as `postgres` (from
# the Debian package) or, failing that, a system user `newsd` created here;
# DATADIR is chowned to that user, who must be able to traverse to it.
set -euo pipefail

PROG=${0##*/}
DEFAULT_PORT=5432
PG_MAJOR=15

die() {
	printf '%s: %s\n' "$PROG" "$*" >&2
	exit 1
}

usage() {
	cat >&2 <<EOF
usage: $PROG start DATADIR [PORT]
       $PROG stop  DATADIR
       $PROG url   DATADIR [PORT]
       $PROG psql  DATADIR [PORT] [psql arguments...]
       $PROG replica PRIMARY_DATADIR DATADIR [PORT]
       $PROG crash DATADIR
EOF
	exit 2
}

find_bindir() {
	local d
	if command -v pg_config >/dev/null 2>&1; then
		d=$(pg_config --bindir 2>/dev/null || true)
		if [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]] &&
			"$d/pg_ctl" --version 2>/dev/null | grep -Eq "\) $PG_MAJOR(\.|$)"; then
			printf '%s\n' "$d"
			return
		fi
	fi
	d=/usr/lib/postgresql/$PG_MAJOR/bin
	if [[ -x $d/initdb && -x $d/pg_ctl && -x $d/psql ]]; then
		printf '%s\n' "$d"
		return
	fi
	die "PostgreSQL $PG_MAJOR not found (neither 'pg_config --bindir' reports $PG_MAJOR nor $d exists); install postgresql-$PG_MAJOR"
}

check_port() {
	[[ $1 =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= 65535)) || die "invalid port '$1' (want 1-65535)"
}

# Percent-encode a value for the query part of a libpq URI.
urlencode() {
	local s=$1 out='' c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9/._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

# The user that runs the cluster: ourselves, or an unprivileged one as root.
RUN_AS=''
pick_user() {
	if ((EUID != 0)); then
		RUN_AS=''
		return
	fi
	if [[ -d $PGDATA_DIR ]]; then
		local owner
		owner=$(stat -c %U "$PGDATA_DIR")
		if [[ $owner != root && $owner != UNKNOWN ]]; then
			RUN_AS=$owner
			return
		fi
	fi
	if id -u postgres >/dev/null 2>&1; then
		RUN_AS=postgres
	else
		if ! id -u newsd >/dev/null 2>&1; then
			useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin newsd ||
				die "cannot create the system user 'newsd' to run PostgreSQL (initdb refuses root)"
		fi
		RUN_AS=newsd
	fi
}

# Run a command as the cluster's user.
as_user() {
	if [[ -n $RUN_AS ]]; then
		if command -v runuser >/dev/null 2>&1; then
			runuser -u "$RUN_AS" -- "$@"
		else
			setpriv --reuid="$RUN_AS" --regid="$RUN_AS" --init-groups -- "$@"
		fi
	else
		"$@"
	fi
}

# As root, every directory down to $1 must be searchable by the cluster's user.
check_traverse() {
	[[ -n $RUN_AS ]] || return 0
	local path='' part
	local -a parts
	IFS=/ read -r -a parts <<<"${1#/}"
	for part in "${parts[@]}"; do
		[[ -n $part ]] || continue
		path+=/$part
		if ! as_user test -x "$path"; then
			die "user '$RUN_AS' (who runs PostgreSQL, since initdb refuses root) cannot traverse '$path' ($(stat -c '%A %U:%G' "$path")); use a DATADIR it can reach or run: chmod o+x '$path'"
		fi
	done
}

log_tail() {
	if [[ -f $DATADIR/pg.log ]]; then
		printf -- '--- last lines of %s ---\n' "$DATADIR/pg.log" >&2
		tail -n 30 "$DATADIR/pg.log" >&2 || true
	fi
}

is_running() {
	[[ -f $PGDATA_DIR/PG_VERSION ]] || return 1
	as_user "$BINDIR/pg_ctl" status -D "$PGDATA_DIR" >/dev/null 2>&1
}

# Port of the running postmaster (line 4 of postmaster.pid).
running_port() {
	sed -n 4p "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true
}

print_url() {
	printf 'postgresql://newsd@/newsd?host=%s&port=%s\n' "$(urlencode "$RUN_DIR")" "$1"
}

# psql runs as the caller (root may use the socket; files named in its
# arguments stay readable).
psql_cmd() {
	local port=$1
	shift
	env -u PGDATABASE -u PGUSER -u PGHOST -u PGPORT -u PGSERVICE -u PGOPTIONS \
		"$BINDIR/psql" -X -h "$RUN_DIR" -p "$port" -U newsd "$@"
}

cmd_start() {
	local port=${1:-$DEFAULT_PORT}
	check_port "$port"
	mkdir -p "$DATADIR" || die "cannot create '$DATADIR'"
	DATADIR=$(cd "$DATADIR" && pwd -P)
	PGDATA_DIR=$DATADIR/pgdata
	RUN_DIR=$DATADIR/run
	pick_user

	if is_running; then
		local rp
		rp=$(running_port)
		if [[ -n $rp && $rp != "$port" ]]; then
			printf '%s: already running on port %s (not %s)\n' "$PROG" "$rp" "$port" >&2
			port=$rp
		fi
		print_url "$port"
		return
	fi

	# A unix socket path is limited to 107 bytes.
	local sock="$RUN_DIR/.s.PGSQL.$port"
	((${#sock} <= 107)) || die "socket path '$sock' is longer than 107 bytes; use a shorter DATADIR"

	if [[ -n $RUN_AS ]]; then
		check_traverse "$(dirname "$DATADIR")"
		mkdir -p "$RUN_DIR"
		chown -R "$RUN_AS:" "$DATADIR" || die "cannot chown '$DATADIR' to '$RUN_AS'"
	fi
	mkdir -p "$RUN_DIR"
	chmod 700 "$DATADIR" 2>/dev/null || true

	if [[ ! -f $PGDATA_DIR/PG_VERSION ]]; then
		local -a init_args=(-D "$PGDATA_DIR" --auth=trust -U newsd -E UTF8)
		if locale -a 2>/dev/null | grep -Eqix 'c\.utf-?8'; then
			init_args+=(--locale=C.UTF-8)
		else
			init_args+=(--no-locale)
		fi
		[[ ${NEWSD_PG_FAST:-0} == 1 ]] && init_args+=(--nosync)
		if [[ -e $PGDATA_DIR ]] && [[ -n $(ls -A "$PGDATA_DIR" 2>/dev/null) ]]; then
			die "'$PGDATA_DIR' exists, is not empty and holds no cluster (no PG_VERSION); move it away"
		fi
		if ! as_user "$BINDIR/initdb" "${init_args[@]}" >"$DATADIR/initdb.log" 2>&1; then
			printf '%s: initdb failed; --- %s ---\n' "$PROG" "$DATADIR/initdb.log" >&2
			tail -n 30 "$DATADIR/initdb.log" >&2 || true
			exit 1
		fi
	fi

	local opts="-k $RUN_DIR -c listen_addresses='' -p $port"
	[[ ${NEWSD_PG_FAST:-0} == 1 ]] && opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	[[ $RUN_DIR == *' '* ]] && die "DATADIR must not contain spaces ('$DATADIR')"
	if ! as_user "$BINDIR/pg_ctl" start -w -t 60 -D "$PGDATA_DIR" -l "$DATADIR/pg.log" -o "$opts" >/dev/null 2>"$DATADIR/pg_ctl.err"; then
		printf '%s: PostgreSQL did not start (port %s, data %s)\n' "$PROG" "$port" "$PGDATA_DIR" >&2
		cat "$DATADIR/pg_ctl.err" >&2 || true
		log_tail
		exit 1
	fi

	local exists
	if ! exists=$(psql_cmd "$port" -d postgres -tAq -v ON_ERROR_STOP=1 \
		-c "SELECT 1 FROM pg_database WHERE datname = 'newsd'" 2>&1); then
		printf '%s: cannot connect to the new server: %s\n' "$PROG" "$exists" >&2
		log_tail
		exit 1
	fi
	if [[ $exists != 1 ]]; then
		local out
		out=$(psql_cmd "$port" -d postgres -q -v ON_ERROR_STOP=1 -c 'CREATE DATABASE newsd' 2>&1) ||
			{
				printf '%s: cannot create database newsd: %s\n' "$PROG" "$out" >&2
				log_tail
				exit 1
			}
	fi
	print_url "$port"
}

# mode: fast (stop), or immediate (crash).
cmd_stop() {
	local mode=${1:-fast}
	[[ -d $DATADIR ]] || return 0
	DATADIR=$(cd "$DATADIR" && pwd -P)
	PGDATA_DIR=$DATADIR/pgdata
	RUN_DIR=$DATADIR/run
	[[ -f $PGDATA_DIR/PG_VERSION ]] || return 0
	pick_user
	is_running || return 0
	if ! as_user "$BINDIR/pg_ctl" stop -w -t 60 -m "$mode" -D "$PGDATA_DIR" >/dev/null 2>"$DATADIR/pg_ctl.err"; then
		printf '%s: pg_ctl stop failed\n' "$PROG" >&2
		cat "$DATADIR/pg_ctl.err" >&2 || true
		log_tail
		exit 1
	fi
}

# Port: the one given, else the running server's, else the default.
resolve_port() {
	local port=${1:-}
	if [[ -z $port ]]; then
		port=$(running_port)
		[[ -n $port ]] || port=$DEFAULT_PORT
	fi
	check_port "$port"
	printf '%s\n' "$port"
}

cmd_url() {
	[[ -d $DATADIR ]] || die "no such directory '$DATADIR'"
	DATADIR=$(cd "$DATADIR" && pwd -P)
	PGDATA_DIR=$DATADIR/pgdata
	RUN_DIR=$DATADIR/run
	print_url "$(resolve_port "${1:-}")"
}

cmd_psql() {
	[[ -d $DATADIR ]] || die "no such directory '$DATADIR'"
	DATADIR=$(cd "$DATADIR" && pwd -P)
	PGDATA_DIR=$DATADIR/pgdata
	RUN_DIR=$DATADIR/run
	local port=''
	if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
		port=$1
		shift
	fi
	port=$(resolve_port "$port")
	pick_user
	is_running || die "PostgreSQL is not running in '$DATADIR' (run: $PROG start $DATADIR)"
	psql_cmd "$port" -d newsd "$@"
}

cmd_replica() {
	local replica=${1:-} port=${2:-$DEFAULT_PORT}
	[[ -n $replica ]] || usage
	check_port "$port"
	[[ -d $DATADIR ]] || die "no such directory '$DATADIR'"
	DATADIR=$(cd "$DATADIR" && pwd -P)
	PGDATA_DIR=$DATADIR/pgdata
	RUN_DIR=$DATADIR/run
	pick_user
	is_running || die "the primary is not running in '$DATADIR' (run: $PROG start $DATADIR)"
	local primary_port primary_run=$RUN_DIR settings
	primary_port=$(running_port)
	settings=$(psql_cmd "$primary_port" -d postgres -tAq -v ON_ERROR_STOP=1 \
		-c "SELECT current_setting('wal_level') || ' ' || current_setting('max_wal_senders')" 2>&1) ||
		die "cannot ask the primary for its settings: $settings"
	[[ $settings != minimal\ * && $settings != *\ 0 ]] ||
		die "the primary cannot serve a replica (wal_level max_wal_senders: $settings); want wal_level=replica and max_wal_senders > 0"

	mkdir -p "$replica" || die "cannot create '$replica'"
	replica=$(cd "$replica" && pwd -P)
	[[ $replica != "$DATADIR" ]] || die "the replica needs its own DATADIR"
	[[ ! -e $replica/pgdata ]] || die "'$replica/pgdata' exists already; a replica starts from an empty DATADIR"
	if [[ -n $RUN_AS ]]; then
		check_traverse "$(dirname "$replica")"
		chown -R "$RUN_AS:" "$replica" || die "cannot chown '$replica' to '$RUN_AS'"
	fi
	chmod 700 "$replica" 2>/dev/null || true

	local -a bb_args=(-D "$replica/pgdata" -R -X stream -C -S "newsd_replica_$port" -c fast
		-h "$primary_run" -p "$primary_port" -U newsd)
	[[ ${NEWSD_PG_FAST:-0} == 1 ]] && bb_args+=(--no-sync)
	if ! as_user "$BINDIR/pg_basebackup" "${bb_args[@]}" >"$replica/basebackup.log" 2>&1; then
		printf '%s: pg_basebackup failed; --- %s ---\n' "$PROG" "$replica/basebackup.log" >&2
		tail -n 30 "$replica/basebackup.log" >&2 || true
		exit 1
	fi
	# standby.signal and primary_conninfo (-R) make `start` bring it up as a
	# hot standby of the primary.
	DATADIR=$replica
	cmd_start "$port"
}

(($# >= 2)) || usage
CMD=$1
DATADIR=$2
shift 2
[[ -n $DATADIR ]] || usage
BINDIR=$(find_bindir)
PGDATA_DIR=''
RUN_DIR=''

case $CMD in
start) (($# <= 1)) || usage; cmd_start "$@" ;;
stop) (($# == 0)) || usage; cmd_stop ;;
url) (($# <= 1)) || usage; cmd_url "$@" ;;
psql) cmd_psql "$@" ;;
replica) (($# >= 1 && $# <= 2)) || usage; cmd_replica "$@" ;;
crash) (($# == 0)) || usage; cmd_stop immediate ;;
*) usage ;;
esac
