#!/usr/bin/env bash
# Knowledge-base import rate: `newsd kb import` of a synthetic Wikidata-format
# dump (bench/gen_kb.awk, BENCH_KB_ENTITIES entities, bzip2-compressed) into a
# throwaway PostgreSQL, against two baselines measured in the same run:
#   - decompression alone: `bzcat dump.json.bz2 | wc -l` (what reading costs);
#   - PostgreSQL alone: COPY of the very rows newsd writes (entities, labels,
#     aliases, ids and normalised names precomputed by the generator) into
#     the same tables with the same indexes, 1,000 entities per transaction
#     (what writing costs).
# newsd decides on a bulk import itself (the dump brings far more names than
# the empty database holds), as a user's first import would.
# Prints entities/s, newsd's peak RSS and the ratios; appends the table to
# bench/results/latest.txt when that folder exists.
#
#   NEWSD_BIN=/abs/path/to/newsd bench/kb_bench.sh      (`make bench` runs it)
#
# Knobs: BENCH_KB_ENTITIES (200000), BENCH_SEED (42).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
N=${BENCH_KB_ENTITIES:-200000}
SEED=${BENCH_SEED:-42}
: "${NEWSD_BIN:=$ROOT/build/default/newsd}"
[[ -x $NEWSD_BIN ]] || {
	echo "kb_bench: newsd binary not found: $NEWSD_BIN" >&2
	exit 1
}
[[ $N =~ ^[0-9]+$ ]] && ((N >= 1000 && N <= 5000000)) || {
	echo "kb_bench: BENCH_KB_ENTITIES must be 1000-5000000" >&2
	exit 1
}

TMP=$(mktemp -d /tmp/newsd-kb-bench.XXXXXX)
chmod 755 "$TMP"
cleanup() {
	"$ROOT/scripts/pg.sh" stop "$TMP/pg" >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55999)
URL=$(NEWSD_PG_FAST=1 "$ROOT/scripts/pg.sh" start "$TMP/pg" "$port" | tail -n1)
export DATABASE_URL=$URL
NEWSD_KB_DEFAULT= "$NEWSD_BIN" migrate >"$TMP/migrate.log" 2>&1 || {
	cat "$TMP/migrate.log" >&2
	exit 1
}
psql_() { psql "$URL" -v ON_ERROR_STOP=1 -qAt "$@"; }

now() { date +%s.%N; }
# CPU seconds PostgreSQL has used so far: its live processes, plus the
# backends that exited (reaped by the postmaster: its children's times).
# Steadier than wall time on a shared machine.
pg_cpu() {
	local pm tick
	pm=$(head -n1 "$TMP/pg/pgdata/postmaster.pid")
	tick=$(getconf CLK_TCK)
	{
		awk '{ print $16 + $17 }' "/proc/$pm/stat"
		for p in $(pgrep -P "$pm") "$pm"; do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null; done
	} | awk -v t="$tick" '{ s += $1 } END { printf "%.2f", s / t }'
}
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }

echo "kb_bench: generating $N entities" >&2
awk -v n="$N" -v seed="$SEED" -v dir="$TMP" -f "$ROOT/bench/gen_kb.awk"
bzip2 -1 "$TMP/dump.json"
SIZE_MB=$(du -m "$TMP/dump.json.bz2" | cut -f1)

# Baseline 1: decompression alone.
t0=$(now)
bzcat "$TMP/dump.json.bz2" | wc -l >/dev/null
t1=$(now)
T_READ=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

# newsd.
c0=$(pg_cpu)
t0=$(now)
/usr/bin/time -f '%M %U %S' -o "$TMP/rss" "$NEWSD_BIN" kb import "$TMP/dump.json.bz2" >"$TMP/import.log" 2>&1 || {
	cat "$TMP/import.log" >&2
	exit 1
}
t1=$(now)
T_NEWSD=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
sleep 1 # newsd's backend exits after newsd: let the postmaster reap it
C_NEWSD_PG=$(awk -v a="$c0" -v b="$(pg_cpu)" 'BEGIN { printf "%.1f", b - a }')
C_NEWSD=$(awk '{ printf "%.1f", $2 + $3 }' "$TMP/rss")
GOT=$(psql_ -c 'SELECT count(*) FROM entities')
ALIASES=$(psql_ -c 'SELECT count(*) FROM entity_aliases')
RSS_MB=$(awk '{ printf "%.1f", $1 / 1024 }' "$TMP/rss")
[[ $GOT == "$N" ]] || {
	echo "kb_bench: newsd imported $GOT entities, expected $N" >&2
	cat "$TMP/import.log" >&2
	exit 1
}

# Baseline 2: PostgreSQL alone: COPY of the same rows into emptied tables,
# in transactions of 1,000 entities as newsd writes them (one COPY of
# everything runs for minutes: the GIN index's pending list of one huge
# transaction).
psql_ -c 'TRUNCATE entities, kb_imports CASCADE'
awk -F'\t' -v dir="$TMP" '
	FILENAME ~ /entities/ { c = int(($1 - 1) / 1000); print > (dir "/e." c) }
	FILENAME ~ /labels/ { c = int(($1 - 1) / 1000); print > (dir "/l." c) }
	FILENAME ~ /aliases/ { c = int(($2 - 1) / 1000); print > (dir "/a." c) }
	{ if (c > max) max = c }
	END {
		for (i = 0; i <= max; i++) {
			close(dir "/e." i); close(dir "/l." i); close(dir "/a." i)
			printf "BEGIN;\n\\copy entities (id, qid, external_id, kind, name, norm_name, country, notability, origin, first_seen, last_seen) FROM %s/e.%d\n", dir, i > (dir "/copy.sql")
			printf "\\copy entity_labels (entity_id, lang, name) FROM %s/l.%d\n", dir, i > (dir "/copy.sql")
			printf "\\copy entity_aliases (norm, entity_id, lang, name) FROM %s/a.%d\nCOMMIT;\n", dir, i > (dir "/copy.sql")
		}
	}' "$TMP/entities.tsv" "$TMP/labels.tsv" "$TMP/aliases.tsv"
c0=$(pg_cpu)
t0=$(now)
psql_ -f "$TMP/copy.sql"
t1=$(now)
sleep 1
C_COPY_PG=$(awk -v a="$c0" -v b="$(pg_cpu)" 'BEGIN { printf "%.1f", b - a }')
T_COPY=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

R_NEWSD=$(rate "$N" "$T_NEWSD")
R_READ=$(rate "$N" "$T_READ")
R_COPY=$(rate "$N" "$T_COPY")
{
	printf '\n## Knowledge-base import (%d synthetic entities, %d aliases, %d MB .bz2)\n\n' "$N" "$ALIASES" "$SIZE_MB"
	printf '| what | entities/s | seconds | newsd / it |\n|---|---|---|---|\n'
	printf '| newsd kb import (.bz2) | %s | %.2f | 1.00 |\n' "$R_NEWSD" "$T_NEWSD"
	printf '| baseline: decompression alone (bzcat) | %s | %.2f | %s |\n' "$R_READ" "$T_READ" "$(awk -v a="$R_NEWSD" -v b="$R_READ" 'BEGIN { printf "%.2f", a / b }')"
	printf '| baseline: PostgreSQL COPY of the same rows, 1,000 entities per transaction | %s | %.2f | %s |\n' "$R_COPY" "$T_COPY" "$(awk -v a="$R_NEWSD" -v b="$R_COPY" 'BEGIN { printf "%.2f", a / b }')"
	printf '\nCPU seconds (steadier than wall time on a shared machine): newsd import: PostgreSQL %s + newsd %s; COPY baseline: PostgreSQL %s (PostgreSQL newsd / COPY: %s)\n' \
		"$C_NEWSD_PG" "$C_NEWSD" "$C_COPY_PG" "$(awk -v a="$C_NEWSD_PG" -v b="$C_COPY_PG" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
	printf '\nnewsd peak RSS during the import: %s MB (bounded: one line and three chunks of 20,000 entities at a time)\n' "$RSS_MB"
} | tee -a "$ROOT/bench/results/latest.txt" 2>/dev/null || true
