#!/usr/bin/env bash
# newsd benchmarks: figures as ratios against baselines measured in the same
# run, on the same machine, against the same database.
#
#   NEWSD_BIN=/abs/path/to/newsd bench/run.sh      (`make bench` sets it)
#
# 1. a throwaway PostgreSQL (scripts/pg.sh, NEWSD_PG_FAST=1), `newsd migrate`,
#    `newsd serve` on a free 127.0.0.1 port;
# 2. a synthetic French/English corpus (bench/gen_corpus.awk) ingested through
#    POST /jobs (NDJSON); ingestion articles/s is informational;
# 3. wrk against newsd for GET /articles/{id} (random ids) and
#    GET /articles?q= for a rare, a mid and a common term; baselines: a
#    trivial libmicrohttpd server (bench/trivial_mhd.c) with a body of an
#    article's size, and pgbench running the server's own SQL (extracted from
#    server/db/read.c by bench/sql_dump.c) with the same parameters;
#    ratio = newsd / the slower baseline, target >= 0.8 (informational);
# 4. newsd's peak RSS (VmHWM), target < 150 MB (informational);
# 5. everything torn down on exit, success or not. The table also goes to
#    bench/results/latest.txt, the query plans to latest-plans.txt and
#    newsd's log to newsd.log (bench/results/ is git-ignored).
#
# Knobs (environment): BENCH_ARTICLES (2000), BENCH_DURATION seconds per load
# run (8), BENCH_CONNECTIONS (16), BENCH_SEED (42), BENCH_INGEST_TIMEOUT
# seconds to wait for the ingestion job (60; the reads then run on what was
# stored), BENCH_MAX_SECONDS hard limit for the whole run (240). newsd's own
# NEWSD_* variables pass through (e.g. NEWSD_WORKERS, NEWSD_HTTP_THREADS),
# except those the bench sets (port, bind, database, log level, paths).
# Only 127.0.0.1 and a unix socket are used.
set -euo pipefail

SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/$(basename "${BASH_SOURCE[0]}")
ROOT=$(cd "$(dirname "$SELF")/.." && pwd -P)

# A hard bound on the whole run: re-run under timeout(1), whose TERM makes
# the EXIT trap below tear everything down (-k: a cleanup that hangs).
if [[ -z ${NEWSD_BENCH_INNER:-} ]]; then
	export NEWSD_BENCH_INNER=1
	exec timeout --foreground -k 45 "${BENCH_MAX_SECONDS:-240}" "$SELF" "$@"
fi

N=${BENCH_ARTICLES:-2000}
DUR=${BENCH_DURATION:-8}
CONNS=${BENCH_CONNECTIONS:-16}
SEED=${BENCH_SEED:-42}
RARE=xylophrax
MID=quintessor
COMMON=europe
INGEST_TIMEOUT=${BENCH_INGEST_TIMEOUT:-60}
RESULTS=$ROOT/bench/results
PKGS=(libmicrohttpd jansson libpq libuv libutf8proc libxml-2.0 zlib) # the Makefile's

say() { printf 'bench: %s\n' "$*" >&2; }
die() {
	printf 'bench: error: %s\n' "$*" >&2
	exit 1
}

in_range() { [[ $1 =~ ^[0-9]+$ ]] && (($1 >= $2 && $1 <= $3)); }
in_range "$N" 10 100000 || die "BENCH_ARTICLES must be 10-100000 (got '$N')"
in_range "$DUR" 1 60 || die "BENCH_DURATION must be 1-60 seconds (got '$DUR')"
in_range "$CONNS" 1 256 || die "BENCH_CONNECTIONS must be 1-256 (got '$CONNS')"

: "${NEWSD_BIN:=$ROOT/build/default/newsd}"
[[ -x $NEWSD_BIN ]] || die "newsd binary not found or not executable: '$NEWSD_BIN' (run 'make build', or use 'make bench')"
[[ $NEWSD_BIN == /* ]] || NEWSD_BIN=$(cd "$(dirname "$NEWSD_BIN")" && pwd -P)/$(basename "$NEWSD_BIN")

for tool in wrk curl cc pkg-config awk sort timeout; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required (scripts/deps.sh installs it)"
done
PGBIN=''
if command -v pg_config >/dev/null 2>&1 && [[ -x $(pg_config --bindir 2>/dev/null)/pgbench ]]; then
	PGBIN=$(pg_config --bindir)
fi
[[ -n $PGBIN ]] || PGBIN=/usr/lib/postgresql/15/bin
[[ -x $PGBIN/pgbench && -x $PGBIN/psql ]] || die "pgbench and psql not found in '$PGBIN' (install postgresql-15 / postgresql-contrib)"
pkg-config --exists libmicrohttpd || die "libmicrohttpd development files not found (libmicrohttpd-dev)"

# ---------------------------------------------------------------- teardown
TMP=$(mktemp -d "${TMPDIR:-/tmp}/newsd-bench.XXXXXX")
PGDIR=''
NEWSD_PID=''
MHD_PID=''
NEWSD_LOG=$TMP/newsd.log

stop_pid() { # pid seconds: TERM, wait up to seconds, then KILL
	local pid=$1 secs=$2 i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	[[ -n $MHD_PID ]] && stop_pid "$MHD_PID" 5
	[[ -n $NEWSD_PID ]] && stop_pid "$NEWSD_PID" 15
	if [[ -s $NEWSD_LOG ]]; then
		mkdir -p "$RESULTS" && cp "$NEWSD_LOG" "$RESULTS/newsd.log"
		if ((rc != 0)); then
			printf -- '--- last lines of newsd log (%s) ---\n' "$RESULTS/newsd.log" >&2
			tail -n 20 "$NEWSD_LOG" >&2
		fi
	fi
	if [[ -n $PGDIR ]]; then
		"$ROOT/scripts/pg.sh" stop "$PGDIR" >&2 || say "could not stop PostgreSQL in $PGDIR"
		rm -rf "$PGDIR"
	fi
	rm -rf "$TMP"
	((rc == 0)) || say "failed (exit $rc); everything started was stopped"
	exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated (time limit BENCH_MAX_SECONDS=${BENCH_MAX_SECONDS:-240}s?)"; exit 143' TERM

# ---------------------------------------------------------------- helpers
free_port() {
	local p i
	if command -v python3 >/dev/null 2>&1 &&
		p=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null) &&
		[[ $p =~ ^[0-9]+$ ]]; then
		echo "$p"
		return
	fi
	if command -v node >/dev/null 2>&1 &&
		p=$(node -e 's = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })' 2>/dev/null) &&
		[[ $p =~ ^[0-9]+$ ]]; then
		echo "$p"
		return
	fi
	# Fallback: a random high port nobody answers on.
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free TCP port found on 127.0.0.1"
}

now() { printf '%s\n' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

psql_q() { # sql -> unaligned tuples
	PGOPTIONS='-c TimeZone=UTC' "$PGBIN/psql" -X -q -t -A -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -c "$1"
}

# Substitute the server's $n parameters in SQL: bind_params SQL N=TEXT...
# (descending, so $1 never eats the start of $10).
bind_params() {
	local sql=$1
	shift
	printf '%s\n' "$@" | sort -t= -k1,1nr | {
		while IFS='=' read -r n val; do
			sql=${sql//\$$n/$val}
		done
		printf '%s\n' "$sql"
	}
}

# CPU accounting around each load run, in cores: the whole machine (busy),
# the load generator (client: wrk or pgbench, from its rusage), and SRV_PID
# (newsd or trivial_mhd; empty for pgbench, whose backends come and go). What
# is left (busy - client - server) is mostly PostgreSQL.
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
SRV_PID=''
cpu_sample() { # -> total_jiffies idle_jiffies server_jiffies
	local srv=0
	if [[ -n $SRV_PID && -r /proc/$SRV_PID/stat ]]; then
		srv=$(awk '{ print $14 + $15 }' "/proc/$SRV_PID/stat" 2>/dev/null || echo 0)
	fi
	awk -v srv="$srv" '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $5 + $6, srv; exit }' /proc/stat
}
# newsd answers on libmicrohttpd's pool threads and blocks there on
# PostgreSQL, so a request costs each of them at least one voluntary context
# switch: their deltas show how many threads the load actually used (a
# connection stays on the thread that accepted it). "tid:switches ...".
thread_switches() {
	local t
	[[ -n $SRV_PID && $SRV_PID == "$NEWSD_PID" ]] || return 0
	for t in /proc/"$SRV_PID"/task/*; do
		awk -v tid="${t##*/}" '/^Name:/ { n = $2 } /^voluntary_ctxt_switches:/ { v = $2 }
			END { if (n ~ /^MHD-worker/) printf "%s:%s ", tid, v }' "$t/status" 2>/dev/null || true
	done
}
cpu_begin() {
	read -r C0_T C0_I C0_S < <(cpu_sample)
	C0_SW=$(thread_switches)
	C0_W=$EPOCHREALTIME
}
cpu_end() { # client_user_s client_sys_s -> CPU="busy client server"
	local t i s w
	read -r t i s < <(cpu_sample)
	w=$EPOCHREALTIME
	# Threads that did at least 5% of the switches, out of all pool threads.
	THREADS=$(awk -v a="$C0_SW" -v b="$(thread_switches)" 'BEGIN {
		n = split(a, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, ":"); v0[kv[1]] = kv[2] }
		m = split(b, y, " "); total = 0
		for (i = 1; i <= m; i++) { split(y[i], kv, ":"); d[i] = kv[2] - v0[kv[1]]; total += d[i] }
		if (!m) { print "-"; exit }
		k = 0; for (i = 1; i <= m; i++) if (total > 0 && d[i] >= 0.05 * total) k++
		print k "/" m
	}')
	CPU=$(awk -v t0="$C0_T" -v t1="$t" -v i0="$C0_I" -v i1="$i" -v s0="$C0_S" -v s1="$s" \
		-v w0="$C0_W" -v w1="$w" -v hz="$HZ" -v cu="${1:-0}" -v cs="${2:-0}" -v srv="$SRV_PID" 'BEGIN {
		wall = w1 - w0; if (wall <= 0) wall = 1
		printf "%.2f %.2f %s", ((t1 - t0) - (i1 - i0)) / hz / wall, (cu + cs) / wall,
			(srv == "" ? "-" : sprintf("%.2f", (s1 - s0) / hz / wall))
	}')
}

# wrk NAME URL [LUA]: sets W_RPS W_P50 W_P99 W_BAD (non-2xx + socket
# errors) and W_CPU ("busy client server" cores)
run_wrk() {
	local name=$1 url=$2 lua=${3:-} out cu cs TIMEFORMAT='%3U %3S'
	out=$TMP/$name.wrk
	local -a args=(-t1 "-c$CONNS" "-d${DUR}s" --latency --timeout 10s)
	[[ -n $lua ]] && args+=(-s "$lua")
	cpu_begin
	{ time timeout $((DUR + 30)) wrk "${args[@]}" "$url" >"$out" 2>&1; } 2>"$out.time" ||
		{
			cat "$out" >&2
			die "wrk failed against $url"
		}
	read -r cu cs <"$out.time" || true
	cpu_end "$cu" "$cs"
	W_CPU="$CPU $THREADS"
	read -r W_RPS W_P50 W_P99 W_BAD < <(awk '
		function ms(v) {
			if (v ~ /us$/) return v / 1000
			if (v ~ /ms$/) return v + 0
			if (v ~ /s$/) return v * 1000
			return v + 0
		}
		/^Requests\/sec:/ { rps = $2 }
		/^ +50%/ { p50 = ms($2) }
		/^ +99%/ { p99 = ms($2) }
		/Non-2xx or 3xx responses:/ { bad += $NF }
		/Socket errors:/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) bad += $i }
		END { printf "%s %s %s %d\n", (rps == "" ? "0" : rps), (p50 == "" ? "0" : p50), (p99 == "" ? "0" : p99), bad }
	' "$out")
	[[ $W_RPS != 0 ]] || {
		cat "$out" >&2
		die "could not read wrk's output for $url"
	}
}

# pgbench NAME SCRIPT MODE [-D var=value...]: sets G_TPS G_P50 G_P99 G_BAD
# and G_CPU (as W_CPU, no server process)
run_pgbench() {
	local name=$1 script=$2 mode=$3 out cu cs TIMEFORMAT='%3U %3S'
	out=$TMP/$name.pgbench
	shift 3
	rm -f "$TMP/pgb_$name".*
	cpu_begin
	# PGOPTIONS: the session settings newsd's pool gives every connection
	# (server/db/pool.c, SQL_SESSION), so both sides get the same plans.
	if ! { time PGOPTIONS='-c TimeZone=UTC -c statement_timeout=60s -c random_page_cost=1.1' timeout $((DUR + 30)) \
		"$PGBIN/pgbench" -n "-c$CONNS" -j1 "-T$DUR" -M "$mode" -f "$script" -l \
		"--log-prefix=$TMP/pgb_$name" "$@" "$DATABASE_URL" >"$out" 2>&1; } 2>"$out.time"; then
		cat "$out" >&2
		die "pgbench failed ($name)"
	fi
	read -r cu cs <"$out.time" || true
	cpu_end "$cu" "$cs"
	G_CPU="$CPU -"
	G_TPS=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out" | tail -n 1)
	G_BAD=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
	[[ -n $G_TPS ]] || {
		cat "$out" >&2
		die "could not read pgbench's output ($name)"
	}
	# Per-transaction log: client tx latency_us script epoch us.
	read -r G_P50 G_P99 < <(cat "$TMP/pgb_$name".* | awk '{ print $3 }' | sort -n | awk '
		{ v[NR] = $1 }
		END {
			if (!NR) { print "0 0"; exit }
			i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++
			i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++
			printf "%.3f %.3f\n", v[i50] / 1000, v[i99] / 1000
		}')
	rm -f "$TMP/pgb_$name".*
}

# ---------------------------------------------------------------- 1. services
mkdir -p "$RESULTS"
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
say "host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $N articles, ${DUR}s x $CONNS connections per run"

say "compiling bench/trivial_mhd.c"
# shellcheck disable=SC2046 # pkg-config output is a list of flags
cc -O2 -o "$TMP/trivial_mhd" "$ROOT/bench/trivial_mhd.c" $(pkg-config --cflags --libs libmicrohttpd) ||
	die "cannot compile bench/trivial_mhd.c"

# The server's SQL, from its own source (see bench/sql_dump.c).
SQL_ARTICLE=''
SQL_ARTICLES=''
LIBNEWSD=$(dirname "$NEWSD_BIN")/libnewsd.a
# shellcheck disable=SC2046
if [[ -f $LIBNEWSD ]] &&
	cc -std=c11 -D_DEFAULT_SOURCE -w -I"$ROOT/include" $(pkg-config --cflags "${PKGS[@]}") \
		-o "$TMP/sql_dump" "$ROOT/bench/sql_dump.c" "$LIBNEWSD" $(pkg-config --libs "${PKGS[@]}") \
		-lpthread -lm 2>"$TMP/sql_dump.err"; then
	SQL_ARTICLE=$("$TMP/sql_dump" article)
	SQL_ARTICLES=$("$TMP/sql_dump" articles)
else
	say "WARNING: cannot extract the server's SQL from server/db/read.c (bench/sql_dump.c); pgbench baselines skipped"
	[[ -f $TMP/sql_dump.err ]] && head -n 5 "$TMP/sql_dump.err" >&2
fi

say "starting PostgreSQL"
PGDIR=$(mktemp -d /tmp/newsd-bench-pg.XXXXXX)
DATABASE_URL=$(NEWSD_PG_FAST=1 "$ROOT/scripts/pg.sh" start "$PGDIR" 5432) ||
	die "scripts/pg.sh could not start PostgreSQL in $PGDIR"
export DATABASE_URL

export NEWSD_LOG_LEVEL=warn
export NEWSD_MIGRATIONS_DIR=$ROOT/migrations
export NEWSD_OPENAPI=$ROOT/openapi.yaml
export NEWSD_BIND=127.0.0.1
unset NEWSD_API_KEYS

"$NEWSD_BIN" migrate >"$TMP/migrate.log" 2>&1 || {
	cat "$TMP/migrate.log" >&2
	die "newsd migrate failed"
}

NEWSD_PORT=$(free_port)
export NEWSD_PORT
BASE=http://127.0.0.1:$NEWSD_PORT
say "starting newsd serve on $BASE"
"$NEWSD_BIN" serve >"$NEWSD_LOG" 2>&1 &
NEWSD_PID=$!
ready=0
for ((i = 0; i < 300; i++)); do
	kill -0 "$NEWSD_PID" 2>/dev/null || die "newsd exited during start-up (port $NEWSD_PORT)"
	if curl -fsS -m 2 -o /dev/null "$BASE/readyz" 2>/dev/null; then
		ready=1
		break
	fi
	sleep 0.1
done
((ready)) || die "newsd not ready on $BASE/readyz after 30 s"

# ---------------------------------------------------------------- 2. ingestion
CORPUS=$TMP/corpus.ndjson
awk -v n="$N" -v seed="$SEED" -v rare="$RARE" -v mid="$MID" -v common="$COMMON" \
	-f "$ROOT/bench/gen_corpus.awk" >"$CORPUS" || die "corpus generation failed"
CORPUS_BYTES=$(wc -c <"$CORPUS")
say "ingesting $N articles ($((CORPUS_BYTES / 1024)) KiB NDJSON) through POST /jobs"
t0=$(now)
code=$(curl -sS -m 120 -o "$TMP/job.json" -D "$TMP/job.hdr" -w '%{http_code}' -X POST \
	-H 'Content-Type: application/x-ndjson' --data-binary @"$CORPUS" "$BASE/jobs") ||
	die "POST /jobs failed"
[[ $code == 202 ]] || die "POST /jobs answered $code: $(head -c 300 "$TMP/job.json")"
JOB=$(tr -d '\r' <"$TMP/job.hdr" | sed -n 's#^[Ll]ocation: */jobs/\([0-9]*\)$#\1#p')
[[ -n $JOB ]] || JOB=$(grep -oE '"id" *: *[0-9]+' "$TMP/job.json" | head -n 1 | grep -oE '[0-9]+$')
[[ -n $JOB ]] || die "no job id in the answer of POST /jobs"
t_post=$(now)

status='' done_n=0 failed_n=0
deadline=$((SECONDS + INGEST_TIMEOUT))
while ((SECONDS < deadline)); do
	kill -0 "$NEWSD_PID" 2>/dev/null || die "newsd died during ingestion"
	if curl -fsS -m 10 -o "$TMP/jobstat.json" "$BASE/jobs/$JOB" 2>/dev/null; then
		status=$(grep -oE '"status" *: *"[a-z]+"' "$TMP/jobstat.json" | head -n 1 | sed 's/.*"\([a-z]*\)"$/\1/')
		done_n=$(grep -oE '"done" *: *[0-9]+' "$TMP/jobstat.json" | head -n 1 | grep -oE '[0-9]+$' || echo 0)
		failed_n=$(grep -oE '"failed" *: *[0-9]+' "$TMP/jobstat.json" | head -n 1 | grep -oE '[0-9]+$' || echo 0)
		[[ $status == "done" || $status == "cancelled" ]] && break
	fi
	sleep 0.25
done
t1=$(now)
INGEST_S=$(elapsed "$t0" "$t1")
POST_S=$(elapsed "$t0" "$t_post")
if [[ $status != "done" ]]; then
	say "WARNING: job $JOB not done after ${INGEST_TIMEOUT}s (status '$status', $done_n done); cancelling it and benchmarking what was stored"
	curl -sS -m 10 -o /dev/null -X DELETE "$BASE/jobs/$JOB" || true
fi
((failed_n == 0)) || say "WARNING: $failed_n job items failed; first error: $(grep -oE '"error" *: *"[^"]*"' "$TMP/jobstat.json" | head -n 1)"
INGEST_RATE=$(awk -v n="$done_n" -v s="$INGEST_S" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
RSS_INGEST_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$NEWSD_PID/status")

read -r ID_LO ID_HI N_STORED < <(psql_q "SELECT coalesce(min(id), 0), coalesce(max(id), 0), count(*) FROM articles" | tr '|' ' ')
((N_STORED >= 10)) || die "only $N_STORED articles stored; nothing to benchmark"
psql_q "VACUUM ANALYZE" >/dev/null
matches() { psql_q "SELECT count(*) FROM articles WHERE tsv @@ newsd_query_all('$1')"; }
M_RARE=$(matches "$RARE")
M_MID=$(matches "$MID")
M_COMMON=$(matches "$COMMON")
say "stored $N_STORED articles (ids $ID_LO-$ID_HI) in ${INGEST_S}s: $INGEST_RATE articles/s; matches: $RARE $M_RARE, $MID $M_MID, $COMMON $M_COMMON"

# Response sizes, and a check that both endpoints answer 200.
sizes=0
for ((i = 0; i < 20; i++)); do
	id=$((ID_LO + (i * (ID_HI - ID_LO)) / 20))
	read -r code size < <(curl -sS -m 10 -o /dev/null -w '%{http_code} %{size_download}\n' "$BASE/articles/$id")
	[[ $code == 200 || $code == 404 ]] || die "GET /articles/$id answered $code"
	sizes=$((sizes + size))
done
ARTICLE_BYTES=$((sizes / 20))
for t in "$RARE" "$MID" "$COMMON"; do
	code=$(curl -sS -m 30 -o "$TMP/search.json" -w '%{http_code}' "$BASE/articles?q=$t")
	[[ $code == 200 ]] || die "GET /articles?q=$t answered $code: $(head -c 300 "$TMP/search.json")"
done

# Plans of the server's SQL (first, custom-planned execution as the server's).
{
	echo "# EXPLAIN ANALYZE of newsd's SQL on the bench corpus ($N_STORED articles), $(date -u +%FT%TZ)"
	if [[ -n $SQL_ARTICLE ]]; then
		mid_id=$(((ID_LO + ID_HI) / 2))
		echo "## GET /articles/$mid_id"
		psql_q "PREPARE a AS $SQL_ARTICLE; EXPLAIN (ANALYZE, BUFFERS) EXECUTE a($mid_id)" 2>&1 | sed 's/^/  /'
		for t in "$RARE" "$MID" "$COMMON"; do
			echo "## GET /articles?q=$t"
			psql_q "PREPARE s AS $SQL_ARTICLES; EXPLAIN (ANALYZE, BUFFERS) EXECUTE s('$t', NULL, NULL, NULL, NULL, NULL, NULL, 21)" 2>&1 | sed 's/^/  /'
		done
	fi
} >"$RESULTS/latest-plans.txt" || true

# Reset the peak RSS so that the figure below is the read load's own
# (Linux >= 4.0; the ingestion peak is reported apart).
RSS_RESET=0
if echo 5 2>/dev/null >"/proc/$NEWSD_PID/clear_refs"; then RSS_RESET=1; fi

# ---------------------------------------------------------------- 3. load
# R[<row>_<n|m|p>] = "req/s p50_ms p99_ms failures" for newsd, trivial MHD,
# pgbench; C[...] = "busy client server threads" during that run (cores, and
# the libmicrohttpd threads newsd used).
declare -A R C

# GET /articles/{id}
cat >"$TMP/article.lua" <<EOF
math.randomseed($SEED)
local lo, hi = $ID_LO, $ID_HI
request = function()
	return wrk.format(nil, "/articles/" .. math.random(lo, hi))
end
EOF
say "GET /articles/{id}: newsd"
SRV_PID=$NEWSD_PID
DUR=1 run_wrk warm_article "$BASE" "$TMP/article.lua"
run_wrk article "$BASE" "$TMP/article.lua"
R[article_n]="$W_RPS $W_P50 $W_P99 $W_BAD"
C[article_n]=$W_CPU

MHD_PORT=$(free_port)
say "GET /articles/{id}: trivial libmicrohttpd ($ARTICLE_BYTES-byte body) on port $MHD_PORT"
"$TMP/trivial_mhd" "$MHD_PORT" "$ARTICLE_BYTES" 4 2>"$TMP/mhd.log" &
MHD_PID=$!
ready=0
for ((i = 0; i < 50; i++)); do
	kill -0 "$MHD_PID" 2>/dev/null || {
		cat "$TMP/mhd.log" >&2
		die "trivial_mhd exited at start-up"
	}
	if curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$MHD_PORT/"; then
		ready=1
		break
	fi
	sleep 0.1
done
((ready)) || die "trivial_mhd not answering on port $MHD_PORT"
SRV_PID=$MHD_PID
DUR=1 run_wrk warm_mhd "http://127.0.0.1:$MHD_PORT" "$TMP/article.lua"
run_wrk mhd "http://127.0.0.1:$MHD_PORT" "$TMP/article.lua"
R[article_m]="$W_RPS $W_P50 $W_P99 $W_BAD"
C[article_m]=$W_CPU
SRV_PID=
stop_pid "$MHD_PID" 5
MHD_PID=''

if [[ -n $SQL_ARTICLE ]]; then
	say "GET /articles/{id}: pgbench -M prepared (the server prepares STMT_ARTICLE)"
	{
		echo "\\set id random($ID_LO, $ID_HI)"
		echo "$(bind_params "$SQL_ARTICLE" '1=:id');"
	} >"$TMP/article.sql"
	run_pgbench article "$TMP/article.sql" prepared
	R[article_p]="$G_TPS $G_P50 $G_P99 ${G_BAD:-0}"
	C[article_p]=$G_CPU
fi

# GET /articles?q=TERM
for kind in rare mid common; do
	case $kind in
	rare) t=$RARE m=$M_RARE ;;
	mid) t=$MID m=$M_MID ;;
	common) t=$COMMON m=$M_COMMON ;;
	esac
	say "GET /articles?q=$t ($kind, $m matches): newsd"
	SRV_PID=$NEWSD_PID
	DUR=1 run_wrk "warm_$kind" "$BASE/articles?q=$t"
	run_wrk "$kind" "$BASE/articles?q=$t"
	R[${kind}_n]="$W_RPS $W_P50 $W_P99 $W_BAD"
	C[${kind}_n]=$W_CPU
	SRV_PID=
	if [[ -n $SQL_ARTICLES ]]; then
		# The server sends SQL_ARTICLES with PQexecParams (unnamed statement,
		# planned for the values each time): pgbench -M extended does the
		# same. NULL parameters are written as NULL (a custom plan folds
		# both alike); limit 20 is sent as 21 (one more tells "next").
		say "GET /articles?q=$t: pgbench -M extended (the server uses PQexecParams)"
		echo "$(bind_params "$SQL_ARTICLES" '1=:q' '2=NULL' '3=NULL' '4=NULL' '5=NULL' '6=NULL' '7=NULL' '8=:lim');" >"$TMP/search.sql"
		run_pgbench "$kind" "$TMP/search.sql" extended -D "q=$t" -D lim=21
		R[${kind}_p]="$G_TPS $G_P50 $G_P99 ${G_BAD:-0}"
		C[${kind}_p]=$G_CPU
	fi
done

# ---------------------------------------------------------------- 4. memory
RSS_LOAD_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$NEWSD_PID/status")
kill -0 "$NEWSD_PID" 2>/dev/null || die "newsd died during the load"

# ---------------------------------------------------------------- report
side_name() { case $1 in n) echo newsd ;; m) echo "trivial MHD" ;; p) echo pgbench ;; esac; }
row_label() {
	case $1 in
	article) echo "GET /articles/{id}" ;;
	rare) echo "GET /articles?q=$RARE ($M_RARE hits)" ;;
	mid) echo "GET /articles?q=$MID ($M_MID hits)" ;;
	common) echo "GET /articles?q=$COMMON ($M_COMMON hits)" ;;
	esac
}

report() {
	local key side label missing errors deadlocks
	printf 'newsd benchmark, %s, %s cores (load average at start %s), commit %s\n' \
		"$(date -u +%FT%TZ)" "$(nproc)" "$LOADAVG" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
	printf 'corpus: %s articles stored of %s generated (French/English, %s KB of NDJSON each), ids %s-%s\n' \
		"$N_STORED" "$N" "$((CORPUS_BYTES / N / 1024))" "$ID_LO" "$ID_HI"
	printf 'newsd: NEWSD_HTTP_THREADS=%s NEWSD_DB_POOL=%s NEWSD_WORKERS=%s; load: wrk -t1 -c%s -d%ss --latency (after 1 s of warm-up); pgbench -n -c%s -j1 -T%s\n' \
		"${NEWSD_HTTP_THREADS:-4}" "${NEWSD_DB_POOL:-8}" "${NEWSD_WORKERS:-2}" "$CONNS" "$DUR" "$CONNS" "$DUR"
	printf 'ingestion (POST /jobs NDJSON until the job is done, informational): %s articles in %s s = %s articles/s (upload + commit of the job: %s s)\n\n' \
		"$done_n" "$INGEST_S" "$INGEST_RATE" "$POST_S"

	printf '%-38s | %-24s | %-24s | %-24s | %-5s | %s\n' endpoint \
		'newsd req/s   p50    p99' 'trivial MHD   p50    p99' 'pgbench tps   p50    p99' ratio 'target >= 0.8'
	printf '%.0s-' {1..140}
	echo
	for key in article rare mid common; do
		awk -v label="$(row_label "$key")" -v n="${R[${key}_n]:-}" -v m="${R[${key}_m]:-}" -v p="${R[${key}_p]:-}" '
		function cell(s, arr) { arr[1] = ""; if (s != "") split(s, arr, " ") }
		function fmt(arr) {
			if (arr[1] == "") return "-"
			return sprintf("%8.0f %6.2fms %6.2fms", arr[1], arr[2], arr[3])
		}
		BEGIN {
			cell(n, a); cell(m, b); cell(p, c)
			base = 0
			if (b[1] != "") base = b[1]
			if (c[1] != "" && (base == 0 || c[1] < base)) base = c[1]
			if (base > 0 && a[1] != "") { r = a[1] / base; rs = sprintf("%.2f", r); v = (r >= 0.8 ? "PASS" : "BELOW") }
			else { rs = "n/a"; v = "(no baseline)" }
			printf "%-38s | %-24s | %-24s | %-24s | %-5s | %s\n", label, fmt(a), fmt(b), fmt(c), rs, v
		}'
	done
	echo
	printf 'ratio = newsd req/s / the slower baseline of the row (trivial MHD is measured for GET /articles/{id} only).\n'
	printf 'p50/p99 in ms (wrk --latency; pgbench per-transaction log). Informational: the run never fails on a ratio.\n\n'

	printf 'newsd peak RSS (VmHWM): %.1f MB during the read load%s; %.1f MB at the end of ingestion; target < 150 MB: %s\n\n' \
		"$(awk -v k="$RSS_LOAD_KB" 'BEGIN { print k / 1024 }')" \
		"$( ((RSS_RESET)) && echo ' (peak reset after ingestion)' || echo ' (includes ingestion: clear_refs not permitted)')" \
		"$(awk -v k="$RSS_INGEST_KB" 'BEGIN { print k / 1024 }')" \
		"$(awk -v a="$RSS_LOAD_KB" -v b="$RSS_INGEST_KB" 'BEGIN { m = (a > b ? a : b); print ((m / 1024 < 150) ? "PASS" : "ABOVE") }')"

	printf 'CPU during each run, in cores of %s: busy = whole machine; client = wrk or pgbench; server = the newsd or\n' "$(nproc)"
	printf 'trivial MHD process; rest = busy - client - server: PostgreSQL, plus whatever else runs on this machine.\n'
	printf 'Per request: microseconds of CPU. threads: the libmicrohttpd pool threads that served the load (a connection\n'
	printf 'stays on the thread that accepted it, and newsd blocks that thread on PostgreSQL for each request).\n'
	printf '%-38s %-12s %9s %6s %6s %6s %6s %7s | %10s %8s\n' run side 'req/s' busy client server rest threads 'server us' 'rest us'
	for key in article rare mid common; do
		label=$(row_label "$key")
		for side in n m p; do
			[[ -n ${R[${key}_$side]:-} ]] || continue
			awk -v label="$label" -v side="$(side_name "$side")" -v r="${R[${key}_$side]}" -v c="${C[${key}_$side]:-}" '
			BEGIN {
				split(r, a, " "); split(c, b, " ")
				rps = a[1]; busy = b[1]; cli = b[2]; srv = b[3]; thr = (b[4] == "" ? "-" : b[4])
				rest = busy - cli - (srv == "-" ? 0 : srv); if (rest < 0) rest = 0
				srvus = (srv == "-" || rps <= 0) ? "-" : sprintf("%.0f", srv * 1e6 / rps)
				restus = (rps <= 0) ? "-" : sprintf("%.0f", rest * 1e6 / rps)
				printf "%-38s %-12s %9.0f %6.2f %6.2f %6s %6.2f %7s | %10s %8s\n", label, side, rps, busy, cli, srv, rest, thr, srvus, restus
			}'
			label=''
		done
	done

	missing=$((ID_HI - ID_LO + 1 - N_STORED))
	errors=$(grep -c ' error ' "$NEWSD_LOG" || true)
	deadlocks=$(grep -c 'deadlock detected' "$NEWSD_LOG" || true)
	echo
	if ((missing > 0)); then
		printf 'note: %s ids of %s-%s do not exist (rolled-back inserts): GET /articles/{id} and its pgbench script both draw\n' "$missing" "$ID_LO" "$ID_HI"
		printf '      from the whole range, so about %s%% of both answer 404 / no row.\n' "$((missing * 100 / (ID_HI - ID_LO + 1)))"
	fi
	for key in article rare mid common; do
		for side in n m p; do
			# shellcheck disable=SC2086 # four words
			set -- ${R[${key}_$side]:-}
			if (($# == 4)) && [[ $4 != 0 ]]; then
				printf 'note: %s, %s: %s non-2xx or failed requests\n' "$(row_label "$key")" "$(side_name "$side")" "$4"
			fi
		done
	done
	((failed_n == 0)) || printf 'note: %s ingestion job items failed\n' "$failed_n"
	[[ $status == "done" ]] || printf 'note: the ingestion job was not done after %s s (status %s); it was cancelled\n' "$INGEST_TIMEOUT" "${status:-unknown}"
	((errors == 0)) || printf 'note: newsd logged %s errors, %s of them PostgreSQL deadlocks (bench/results/newsd.log)\n' "$errors" "$deadlocks"
	[[ -n $SQL_ARTICLE ]] || printf 'note: pgbench baselines skipped: the SQL could not be extracted from server/db/read.c\n'
	printf 'query plans: bench/results/latest-plans.txt\n'
}
report | tee "$RESULTS/latest.txt"
