#!/usr/bin/env bash
# Ingestion at scale: articles/s through POST /jobs (whole pipeline: text,
# storing, and the clustering leader placing each article in an event) with
# 10k, 100k and 1M articles already stored, newsd's memory throughout, and
# the text pipeline alone on the same articles as the same-run baseline.
#
#   NEWSD_BIN=... GEN_NEWS=... TEXT_BENCH=... bench/ingest_scale.sh
#   (`make bench-ingest` builds and sets them; `make bench` runs it last)
#
# For each size: a database migrated by `newsd migrate` (default knowledge
# base included) is preloaded with SQL COPY from bench/gen_news.c (articles
# with term vectors, MinHash bands, mentions with spans, placed in events
# with centroids, event entities, stories, the clustering's document
# frequencies; secondary indexes rebuilt after the load; VACUUM ANALYZE),
# then a real `newsd serve` (default configuration: 2 workers and the
# clustering leader) gets BENCH_FRESH fresh articles (new happenings, follow
# ups of the last stored days, late reports, syndicated copies) as POST
# /jobs batches of BENCH_BATCH, all posted at once; the rate is items done /
# seconds from the first POST until every job is done (stored and placed in
# an event). RSS is sampled every 0.2 s. pg_stat_statements gives the top
# statements per size (bench/results/ingest-statements-SIZE.txt).
#
# PostgreSQL runs with NEWSD_PG_FAST (no fsync), shared_buffers = 1GB (a
# 1M-article database's hot indexes do not fit PostgreSQL's default 128MB)
# and pg_stat_statements.
#
# Knobs: BENCH_SIZES ("10000 100000 1000000"), BENCH_FRESH (5000),
# BENCH_BATCH (500), BENCH_SEED (42), BENCH_KEEP=1 keeps the last database
# and PostgreSQL running for profiling (prints its URL), BENCH_TIMEOUT
# seconds per size for the jobs (600). Only a unix socket and 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SIZES=${BENCH_SIZES:-10000 100000 1000000}
FRESH=${BENCH_FRESH:-5000}
BATCH=${BENCH_BATCH:-500}
SEED=${BENCH_SEED:-42}
TIMEOUT=${BENCH_TIMEOUT:-600}
RESULTS=$ROOT/bench/results
: "${NEWSD_BIN:=$ROOT/build/default/newsd}"
: "${GEN_NEWS:=$ROOT/build/default/bench/gen_news}"
: "${TEXT_BENCH:=$ROOT/build/default/bench/text_bench}"

say() { printf 'bench-ingest: %s\n' "$*" >&2; }
die() {
	printf 'bench-ingest: error: %s\n' "$*" >&2
	exit 1
}
for b in "$NEWSD_BIN" "$GEN_NEWS" "$TEXT_BENCH"; do
	[[ -x $b ]] || die "'$b' missing (make bench-ingest builds it)"
done
PGBIN=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
[[ -x $PGBIN/psql ]] || PGBIN=/usr/lib/postgresql/15/bin
mkdir -p "$RESULTS"

TMP=$(mktemp -d /tmp/newsd-ingest.XXXXXX)
chmod 755 "$TMP"
PGDIR=$TMP/pg
NEWSD_PID=''
SAMPLER_PID=''
cleanup() {
	local rc=$?
	set +e
	[[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null
	if [[ -n $NEWSD_PID ]]; then
		kill -TERM "$NEWSD_PID" 2>/dev/null
		wait "$NEWSD_PID" 2>/dev/null
	fi
	if [[ ${BENCH_KEEP:-0} == 1 && $rc == 0 ]]; then
		say "kept: PostgreSQL in $PGDIR ($(cat "$TMP/url" 2>/dev/null)); stop it with scripts/pg.sh stop $PGDIR"
	else
		"$ROOT/scripts/pg.sh" stop "$PGDIR" >/dev/null 2>&1
		rm -rf "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
now() { printf '%s\n' "$EPOCHREALTIME"; }

# ---------------------------------------------------------------- PostgreSQL
PGPORT=$((20000 + RANDOM % 20000))
say "PostgreSQL in $PGDIR (socket port $PGPORT)"
BASE_URL=$(NEWSD_PG_FAST=1 "$ROOT/scripts/pg.sh" start "$PGDIR" "$PGPORT")
ADMIN_URL=${BASE_URL/\/newsd\?/\/postgres?}
q() { PGOPTIONS='-c client_min_messages=warning' "$PGBIN/psql" -X -q -t -A -v ON_ERROR_STOP=1 -d "$1" "${@:2}"; }
q "$ADMIN_URL" -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" \
	-c "ALTER SYSTEM SET maintenance_work_mem = '512MB'" -c "ALTER SYSTEM SET max_wal_size = '4GB'" \
	-c "ALTER SYSTEM SET shared_buffers = '1GB'"
"$ROOT/scripts/pg.sh" stop "$PGDIR"
NEWSD_PG_FAST=1 "$ROOT/scripts/pg.sh" start "$PGDIR" "$PGPORT" >/dev/null

# ---------------------------------------------------------------- baseline
# The text pipeline alone on one core, on bodies of the same generator.
say "text pipeline baseline (bench/text_bench on 300 generated articles, one core)"
mkdir -p "$TMP/texts"
"$GEN_NEWS" articles 300 "$((SEED + 1))" 0 | awk -v d="$TMP/texts" '{
	s = $0; sub(/^.*"text":"/, "", s); sub(/","url".*$/, "", s); gsub(/\\n/, "\n", s); gsub(/\\"/, "\"", s)
	f = sprintf("%s/%04d.txt", d, NR); printf "%s\n", s > f; close(f) }'
"$TEXT_BENCH" "$TMP/texts" 3 >"$TMP/text_bench.txt" 2>&1 || true
TEXT_RATE=$(awk '/^text pipeline/ { getline; print $1; exit }' "$TMP/text_bench.txt")
[[ $TEXT_RATE =~ ^[0-9]+$ ]] || TEXT_RATE=0
say "text pipeline alone: $TEXT_RATE articles/s on one core"

# ---------------------------------------------------------------- preload
TABLES="articles mentions article_minhash_bands events event_entities entities entity_aliases"
preload() { # url n
	local url=$1 n=$2 dir=$TMP/copy
	rm -rf "$dir" && mkdir -p "$dir" && chmod 755 "$dir"
	"$GEN_NEWS" pool "$SEED" >"$dir/pool.tsv"
	q "$url" <<EOF
CREATE TABLE bench_pool (idx int PRIMARY KEY, kind text, name text, norm text, forms text);
\copy bench_pool FROM '$dir/pool.tsv'
-- Places the knowledge base knows link to its entities; everyone else is new.
CREATE TABLE bench_map AS SELECT p.idx, (SELECT e.id FROM entity_aliases al JOIN entities e ON
	e.id = al.entity_id WHERE al.norm = p.norm AND e.kind = p.kind AND e.merged_into IS NULL
	ORDER BY e.notability DESC, e.id LIMIT 1) AS id FROM bench_pool p;
WITH ins AS (INSERT INTO entities (kind, name, norm_name, origin, first_seen, last_seen)
	SELECT p.kind, p.name, p.norm, 'text', now(), now() FROM bench_pool p JOIN bench_map m
	USING (idx) WHERE m.id IS NULL ORDER BY p.idx RETURNING id, norm_name)
UPDATE bench_map m SET id = ins.id FROM ins, bench_pool p WHERE p.idx = m.idx AND
	p.norm = ins.norm_name AND m.id IS NULL;
INSERT INTO entity_aliases (norm, entity_id, lang, name)
	SELECT split_part(f, '|', 2), m.id, split_part(f, '|', 1), split_part(f, '|', 3)
	FROM bench_pool p JOIN bench_map m USING (idx), unnest(string_to_array(p.forms, ';')) AS f
	ON CONFLICT DO NOTHING;
INSERT INTO entity_labels (entity_id, lang, name)
	SELECT DISTINCT ON (m.id, split_part(f, '|', 1)) m.id, split_part(f, '|', 1), split_part(f, '|', 3)
	FROM bench_pool p JOIN bench_map m USING (idx) JOIN entities e ON e.id = m.id AND e.origin = 'text',
	unnest(string_to_array(p.forms, ';')) AS f WHERE split_part(f, '|', 2) = p.norm
	OR p.kind <> 'person' ON CONFLICT DO NOTHING;
\copy (SELECT idx, id FROM bench_map ORDER BY idx) TO '$dir/map.tsv'
EOF
	local t0
	t0=$(now)
	q "$url" <<'EOF'
CREATE TABLE bench_idx AS SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = 'public'
	AND tablename IN ('articles', 'mentions', 'article_minhash_bands', 'events', 'event_entities',
	'entities', 'entity_aliases') AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);
DO $$ DECLARE r record; BEGIN
	FOR r IN SELECT indexname FROM bench_idx LOOP EXECUTE format('DROP INDEX %I', r.indexname); END LOOP;
END $$;
INSERT INTO sources (id, name) SELECT row_number() OVER (), s FROM unnest(ARRAY['Le Monde', 'Le Figaro',
	'Libération', 'Ouest-France', 'La Croix', 'The Guardian', 'BBC News', 'The Times', 'The Independent',
	'Reuters', 'Süddeutsche Zeitung', 'Die Zeit', 'Der Spiegel', 'FAZ', 'Tagesschau', 'El País',
	'El Mundo', 'ABC', 'La Vanguardia', 'EFE']) AS s ON CONFLICT DO NOTHING;
EOF
	local t p pids=()
	for t in $TABLES; do
		q "$url" -c "ALTER TABLE $t SET (autovacuum_enabled = false)"
	done
	# The generator writes every table at once into FIFOs, each read by its
	# own COPY (no foreign-key triggers: the rows are consistent by
	# construction), so generating and loading overlap.
	local cols_a="id, url, content_hash, simhash, minhash, source_id, title, body, lang, lang_confidence, ts_config, published_at, published_at_origin, published_at_precision, ingested_at, word_count, duplicate_of, event_id, raw, terms, event_kind, event_kind_score, happened_on, happened_precision, happened_origin, clustered_at, canonical_url, author"
	local cols_e="id, title, kind, event_date, event_date_precision, location_id, article_count, first_published, last_published, centroid, source_count, lang_count, titles, kind_article_id, date_origin, date_article_id, location_article_id, derived_count, story_id"
	for t in articles mentions bands events event_entities stories noise noise_aliases; do
		mkfifo "$dir/$t.copy"
	done
	copy() { q "$url" -c "SET session_replication_role = replica" -c "\\copy $1 FROM '$dir/$2.copy'"; }
	copy "stories (id, title)" stories &
	pids+=($!)
	copy "events ($cols_e)" events &
	pids+=($!)
	copy "entities (id, kind, name, norm_name, origin, mention_count, article_count)" noise &
	pids+=($!)
	copy "entity_aliases (norm, entity_id, lang, name)" noise_aliases &
	pids+=($!)
	copy "articles ($cols_a)" articles &
	pids+=($!)
	copy "mentions (article_id, entity_id, count, first_offset, surface, spans)" mentions &
	pids+=($!)
	copy "article_minhash_bands (band, key, article_id)" bands &
	pids+=($!)
	copy "event_entities (event_id, entity_id, weight, articles)" event_entities &
	pids+=($!)
	"$GEN_NEWS" preload "$n" "$SEED" "$dir/map.tsv" "$dir" 2>>"$TMP/gen.log" || die "gen_news preload failed"
	for p in "${pids[@]}"; do
		wait "$p" || die "a COPY of the preload failed"
	done
	say "  generated and copied in $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s"
	t0=$(now)
	q "$url" >/dev/null <<EOF
CREATE TEMP TABLE ss (id bigint, n int, f date, l date);
\copy ss FROM '$dir/story_stats.copy'
UPDATE stories s SET event_count = ss.n, first_date = ss.f, last_date = ss.l FROM ss WHERE s.id = ss.id;
CREATE TEMP TABLE st (id int, n bigint, df bytea, g bigint);
\copy st FROM '$dir/state.copy'
UPDATE cluster_state c SET n_docs = st.n, df = st.df FROM st WHERE c.id = st.id;
SET maintenance_work_mem = '512MB';
DO \$\$ DECLARE r record; BEGIN
	FOR r IN SELECT indexdef FROM bench_idx LOOP EXECUTE r.indexdef; END LOOP;
END \$\$;
UPDATE entities e SET mention_count = x.m, article_count = x.a FROM (SELECT entity_id,
	sum(count) AS m, count(*) AS a FROM mentions GROUP BY 1) x WHERE e.id = x.entity_id
	AND e.id <= (SELECT max(id) FROM bench_map);
SELECT setval('articles_id_seq', (SELECT max(id) FROM articles));
SELECT setval('events_id_seq', (SELECT max(id) FROM events));
SELECT setval('stories_id_seq', (SELECT max(id) FROM stories));
SELECT setval('entities_id_seq', (SELECT max(id) FROM entities));
SELECT setval('sources_id_seq', (SELECT max(id) FROM sources));
DROP TABLE bench_pool, bench_map, bench_idx;
EOF
	q "$url" -c "VACUUM ANALYZE" >/dev/null
	for t in $TABLES; do
		q "$url" -c "ALTER TABLE $t RESET (autovacuum_enabled)"
	done
	say "  indexes, counts, VACUUM ANALYZE in $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s"
	rm -rf "$dir"
}

# ---------------------------------------------------------------- one size
declare -A RATE RSS STORE_MS TEXT_MS LOAD_S NEV
measure() { # n
	local n=$1 db=newsd_$1 url
	url=${BASE_URL/\/newsd\?/\/$db?}
	echo "$url" >"$TMP/url"
	q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
	local t0
	t0=$(now)
	say "size $n: migrate and preload"
	DATABASE_URL=$url NEWSD_MIGRATIONS_DIR=$ROOT/migrations NEWSD_LOG_LEVEL=warn \
		"$NEWSD_BIN" migrate >"$TMP/migrate.log" 2>&1 || {
		cat "$TMP/migrate.log" >&2
		die "migrate failed"
	}
	preload "$url" "$n"
	LOAD_S[$n]=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')
	q "$url" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
	read -r stored events < <(q "$url" -F' ' -c "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)")
	say "size $n: $stored articles, $events events stored in ${LOAD_S[$n]} s"

	local port base
	port=$(free_port)
	base=http://127.0.0.1:$port
	(cd "$ROOT" && DATABASE_URL=$url NEWSD_PORT=$port NEWSD_BIND=127.0.0.1 NEWSD_LOG_LEVEL=info \
		NEWSD_MIGRATIONS_DIR=$ROOT/migrations NEWSD_OPENAPI=$ROOT/openapi.yaml NEWSD_API_KEYS= \
		exec "$NEWSD_BIN" serve) >"$TMP/newsd-$n.log" 2>&1 &
	NEWSD_PID=$!
	local i
	for ((i = 0; i < 600; i++)); do
		curl -fsS -m 2 -o /dev/null "$base/readyz" 2>/dev/null && grep -q 'active event(s) loaded' "$TMP/newsd-$n.log" && break
		kill -0 "$NEWSD_PID" 2>/dev/null || die "newsd exited at start-up ($TMP/newsd-$n.log)"
		sleep 0.1
	done
	grep -h 'active event' "$TMP/newsd-$n.log" | tail -n 1 | sed 's/^/bench-ingest:   /' >&2 || true
	q "$url" -c "SELECT pg_stat_statements_reset()" >/dev/null

	# RSS sampler: the largest VmRSS seen, and the final VmHWM.
	(
		max=0
		while kill -0 "$NEWSD_PID" 2>/dev/null; do
			r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$NEWSD_PID/status" 2>/dev/null || echo 0)
			((r > max)) && max=$r && echo "$max" >"$TMP/rss-$n"
			sleep 0.2
		done
	) &
	SAMPLER_PID=$!

	"$GEN_NEWS" articles "$FRESH" "$SEED" "$n" >"$TMP/fresh.ndjson"
	split -l "$BATCH" -d -a 4 "$TMP/fresh.ndjson" "$TMP/batch."
	local jobs=() f job
	t0=$(now)
	for f in "$TMP"/batch.*; do
		job=$(curl -fsS -m 60 -X POST -H 'Content-Type: application/x-ndjson' --data-binary @"$f" \
			-D - -o /dev/null "$base/jobs" | tr -d '\r' | sed -n 's#^[Ll]ocation: */jobs/\([0-9]*\)$#\1#p')
		[[ -n $job ]] || die "POST /jobs gave no job id"
		jobs+=("$job")
	done
	# Jobs finish in order (items are claimed oldest first): poll the oldest
	# pending one only, so that polling costs PostgreSQL little.
	local done_n=0 failed=0 s k=0
	while ((k < ${#jobs[@]})); do
		kill -0 "$NEWSD_PID" 2>/dev/null || die "newsd died ($TMP/newsd-$n.log)"
		(($(awk -v a="$t0" -v b="$(now)" 'BEGIN { print (b - a > '"$TIMEOUT"') }'))) && die "jobs not done after $TIMEOUT s"
		s=$(curl -fsS -m 10 "$base/jobs/${jobs[k]}" 2>/dev/null || echo '')
		if [[ $s =~ \"status\"\ *:\ *\"(done|cancelled)\" ]]; then
			[[ $s =~ \"done\"\ *:\ *([0-9]+) ]] && done_n=$((done_n + BASH_REMATCH[1]))
			[[ $s =~ \"failed\"\ *:\ *([0-9]+) ]] && failed=$((failed + BASH_REMATCH[1]))
			k=$((k + 1))
		else
			sleep 0.1
		fi
	done
	local secs
	secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
	RATE[$n]=$(awk -v d="$done_n" -v s="$secs" 'BEGIN { printf "%.0f", d / s }')
	((failed == 0)) || say "WARNING: $failed items failed"
	curl -fsS -m 10 "$base/metrics" >"$TMP/metrics-$n.txt" || true
	STORE_MS[$n]=$(awk '/^newsd_pipeline_stage_seconds_sum\{stage="store"\}/ { s = $2 } /^newsd_pipeline_stage_seconds_count\{stage="store"\}/ { c = $2 } END { printf "%.1f", c ? s * 1000 / c : 0 }' "$TMP/metrics-$n.txt")
	TEXT_MS[$n]=$(awk '/^newsd_pipeline_stage_seconds_sum\{stage="text"\}/ { s = $2 } /^newsd_pipeline_stage_seconds_count\{stage="text"\}/ { c = $2 } END { printf "%.2f", c ? s * 1000 / c : 0 }' "$TMP/metrics-$n.txt")
	kill "$SAMPLER_PID" 2>/dev/null || true
	wait "$SAMPLER_PID" 2>/dev/null || true
	SAMPLER_PID=''
	local hwm
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$NEWSD_PID/status")
	RSS[$n]=$(awk -v a="$hwm" -v b="$(cat "$TMP/rss-$n" 2>/dev/null || echo 0)" 'BEGIN { m = a > b ? a : b; printf "%.0f", m / 1024 }')
	NEV[$n]=$(q "$url" -c "SELECT count(*) FROM events WHERE id > $events")
	say "size $n: $done_n items in $secs s = ${RATE[$n]} articles/s; store ${STORE_MS[$n]} ms/article; peak RSS ${RSS[$n]} MB; ${NEV[$n]} new events"
	{
		echo "# size $n: top statements during the ingestion of $FRESH articles"
		q "$url" -F' | ' -c "SELECT round(total_exec_time) AS ms, calls, round(mean_exec_time::numeric, 3) AS mean_ms, left(regexp_replace(query, '\s+', ' ', 'g'), 150) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25"
	} >"$RESULTS/ingest-statements-$n.txt"
	cp "$TMP/newsd-$n.log" "$RESULTS/ingest-newsd-$n.log"
	kill -TERM "$NEWSD_PID" 2>/dev/null || true
	wait "$NEWSD_PID" 2>/dev/null || true
	NEWSD_PID=''
	rm -f "$TMP"/batch.* "$TMP/fresh.ndjson"
	if [[ ${BENCH_KEEP:-0} != 1 ]]; then
		q "$ADMIN_URL" -c "DROP DATABASE $db"
	fi
}

for n in $SIZES; do
	[[ $n =~ ^[0-9]+$ ]] && ((n >= 1000)) || die "BENCH_SIZES: '$n' is not a number >= 1000"
	measure "$n"
done

# ---------------------------------------------------------------- report
first=${SIZES%% *}
{
	printf 'newsd ingestion at scale, %s, %s cores (load average %s), commit %s\n' "$(date -u +%FT%TZ)" \
		"$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
	printf 'each size: %s fresh articles (about 4 KB, fr/en/de/es) as POST /jobs batches of %s, default newsd configuration\n' "$FRESH" "$BATCH"
	printf 'text pipeline alone (bench/text_bench, same generator, one core): %s articles/s\n\n' "$TEXT_RATE"
	printf '%-10s | %-9s | %-11s | %-12s | %-12s | %-12s | %-12s | %-11s | %s\n' stored 'preload s' 'articles/s' "vs $first" 'vs text 1c' 'text ms/art' 'store ms/art' 'peak RSS MB' 'new events'
	printf '%.0s-' {1..125}
	echo
	for n in $SIZES; do
		awk -v n="$n" -v l="${LOAD_S[$n]}" -v r="${RATE[$n]}" -v r0="${RATE[$first]}" -v t="$TEXT_RATE" \
			-v x="${TEXT_MS[$n]}" -v s="${STORE_MS[$n]}" -v m="${RSS[$n]}" -v e="${NEV[$n]}" 'BEGIN {
			printf "%-10s | %-9s | %-11s | %-12s | %-12s | %-12s | %-12s | %-11s | %s\n", n, l, r,
				(r0 > 0 ? sprintf("%.2f", r / r0) : "-"), (t > 0 ? sprintf("%.2f", r / t) : "-"), x, s, m, e }'
	done
	echo
	echo 'articles/s: job items done / seconds from the first POST until every job is done (stored and placed).'
	echo 'vs text 1c: the whole pipeline against the text pipeline alone on one core (same articles).'
	echo 'text ms/art, store ms/art: per article, the text stage and the storing transaction (/metrics newsd_pipeline_stage_seconds).'
	echo 'Targets (issue 5): >= 1,000 articles/s; the largest size within 20% of the smallest; RSS < 300 MB.'
	echo 'Top statements per size: bench/results/ingest-statements-SIZE.txt'
} | tee "$RESULTS/ingest-latest.txt"
