/* Knowledge-base writes: chunks of entities COPYed into session-local
 * staging tables, then merged set-wise into entities, entity_labels and
 * entity_aliases, one transaction per chunk. */
#include "internal.h"
#include "log.h"
#include "strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Staging tables, emptied by every commit. kb_se: the chunk's entities, in
 * dump order (ord), with the id they resolve to and whether it is new
 * (fresh: the id was drawn by COPY, in dump order; a matched entity's is
 * replaced, leaving a gap in the sequence); kb_sn: their names, distinct per (ord, norm, lang) (the
 * chunk builder drops the repeats). kb_cand: the entities a Wikidata entity may adopt
 * (knowledge-base entities without QID: the default base's), kept for the whole import so that no
 * chunk searches the aliases for them. */
static const char SQL_SEQUENCE[] = "SELECT quote_literal(pg_get_serial_sequence('entities', 'id'))";
/* %s: the sequence of entities.id, as a literal (resolved once: evaluating
 * pg_get_serial_sequence per row tripled the cost of the COPY). */
static const char SQL_SESSION[] =
        "SET statement_timeout = 0; SET work_mem = '64MB';"
        " SET maintenance_work_mem = '256MB';"
        " CREATE TEMP TABLE IF NOT EXISTS kb_se (ord int NOT NULL, key text NOT NULL, qid text,"
        "  kind text, name text, norm text, descr text, cqid text, cc text, lat float8,"
        "  lon float8, notab int, id bigint NOT NULL DEFAULT nextval(%s::regclass),"
        "  fresh bool NOT NULL DEFAULT true) ON COMMIT DELETE ROWS;"
        " CREATE TEMP TABLE IF NOT EXISTS kb_sn (ord int NOT NULL, lang text, name text,"
        "  norm text, label bool) ON COMMIT DELETE ROWS;"
        " CREATE TEMP TABLE IF NOT EXISTS kb_cand (id bigint, norm text, kind text,"
        "  country text, notab int);"
        " TRUNCATE kb_cand;"
        " INSERT INTO kb_cand SELECT id, norm_name, kind, country, notability FROM entities"
        "  WHERE qid IS NULL AND origin = 'kb';"
        " ANALYZE kb_cand";

static const char SQL_SESSION_END[] =
        "DROP TABLE IF EXISTS kb_se, kb_sn, kb_cand; RESET statement_timeout; RESET work_mem;"
        " RESET maintenance_work_mem";

static const char SQL_COPY_E[] = "COPY kb_se (ord, key, qid, kind, name, norm, descr, cqid, cc,"
                                 " lat, lon, notab) FROM STDIN";
static const char SQL_COPY_N[] = "COPY kb_sn (ord, lang, name, norm, label) FROM STDIN";

/* A repeated key: the last one wins. */
static const char SQL_DEDUP[] =
        "DELETE FROM kb_se a USING kb_se b WHERE a.key = b.key AND a.ord < b.ord";
/* The country a P17 names, when the dump's line gave no code. */
static const char SQL_COUNTRY[] =
        "UPDATE kb_se s SET cc = c.country FROM entities c"
        " WHERE s.cc IS NULL AND s.cqid IS NOT NULL AND c.qid = s.cqid AND c.country IS NOT NULL";
/* Existing rows: by QID, or by external_id for the keys that are no QID
 * (the default base's own ids: one hashed scan, run only when the chunk has
 * such keys). */
static const char SQL_MATCH_QID[] =
        "UPDATE kb_se s SET id = e.id, fresh = false FROM entities e WHERE e.qid = s.qid";
static const char SQL_MATCH_LOCAL[] =
        "UPDATE kb_se s SET id = e.id, fresh = false FROM entities e WHERE s.qid IS NULL"
        " AND s.fresh AND e.external_id = s.key";
/* An entity of a Wikidata dump adopts the default base's entity without QID
 * of the same name, kind and country (the GeoNames "Moscow" becomes Q649,
 * keeping its newsd:geonames id in external_id), one each way, and never an
 * entity another line of the chunk already has. */
static const char SQL_ADOPT[] =
        "WITH a0 AS ("
        " SELECT DISTINCT ON (s.key) s.key, c.id, s.notab FROM kb_se s"
        " JOIN kb_cand c ON c.norm = s.norm AND c.kind = s.kind"
        " WHERE s.fresh AND s.qid IS NOT NULL"
        "  AND (s.cc IS NULL OR c.country IS NULL OR c.country = s.cc)"
        "  AND NOT EXISTS (SELECT 1 FROM kb_se t WHERE t.id = c.id)"
        " ORDER BY s.key, c.notab DESC, c.id),"
        " a AS (SELECT DISTINCT ON (id) key, id FROM a0 ORDER BY id, notab DESC, key)"
        " UPDATE kb_se s SET id = a.id, fresh = false FROM a WHERE s.key = a.key";
/* Matched rows are written only when something changed (u keeps the
 * description, country and coordinates a dump does not give). Notability
 * only grows: bases count it on different scales (sitelinks, labels, the
 * default base's ranks), and a dump without sitelinks must not make France
 * less notable than a historical kingdom of the same name. */
#define E_NEW                                                                                      \
	"s.kind, s.name, s.norm, COALESCE(s.qid, e.qid),"                                          \
	" CASE WHEN s.qid IS NOT NULL AND e.external_id LIKE 'newsd:%' THEN e.external_id"         \
	"  ELSE s.key END,"                                                                        \
	" COALESCE(s.descr, e.description), COALESCE(s.cc, e.country), COALESCE(s.lat,"            \
	" e.latitude), COALESCE(s.lon, e.longitude), GREATEST(s.notab, e.notability), 'kb'"
#define E_COLS                                                                                     \
	"kind, name, norm_name, qid, external_id, description, country, latitude, longitude,"      \
	" notability, origin"
static const char SQL_UPDATE[] =
        "UPDATE entities e SET (" E_COLS ") = (" E_NEW ") FROM kb_se s"
        " WHERE e.id = s.id AND NOT s.fresh"
        "  AND (e.kind, e.name, e.norm_name, e.qid, e.external_id, e.description, e.country,"
        "  e.latitude, e.longitude, e.notability, e.origin) IS DISTINCT FROM (" E_NEW ")";
static const char SQL_INSERT[] =
        "INSERT INTO entities (id, kind, name, norm_name, external_id, qid, description,"
        " country, latitude, longitude, notability, origin, first_seen, last_seen)"
        " SELECT id, kind, name, norm, key, qid, descr, cc, lat, lon, notab, 'kb', NULL, NULL"
        " FROM kb_se WHERE fresh";
/* New entities' names cannot conflict: plain inserts. */
static const char SQL_LABELS_NEW[] =
        "INSERT INTO entity_labels (entity_id, lang, name)"
        " SELECT s.id, n.lang, n.name FROM kb_sn n JOIN kb_se s USING (ord)"
        " WHERE s.fresh AND n.label";
static const char SQL_ALIASES_NEW[] =
        "INSERT INTO entity_aliases (norm, entity_id, lang, name)"
        " SELECT n.norm, s.id, n.lang, n.name FROM kb_sn n JOIN kb_se s USING (ord)"
        " WHERE s.fresh";
/* Existing entities: labels replaced per language, aliases added, rows
 * that are already there as they are left untouched. */
static const char SQL_LABELS_OLD[] =
        "INSERT INTO entity_labels (entity_id, lang, name)"
        " SELECT s.id, n.lang, n.name FROM kb_sn n JOIN kb_se s USING (ord)"
        " WHERE NOT s.fresh AND n.label AND NOT EXISTS (SELECT 1 FROM entity_labels l"
        "  WHERE l.entity_id = s.id AND l.lang = n.lang AND l.name = n.name)"
        " ON CONFLICT (entity_id, lang) DO UPDATE SET name = EXCLUDED.name"
        "  WHERE entity_labels.name IS DISTINCT FROM EXCLUDED.name";
static const char SQL_ALIASES_OLD[] =
        "INSERT INTO entity_aliases (norm, entity_id, lang, name)"
        " SELECT n.norm, s.id, n.lang, n.name FROM kb_sn n JOIN kb_se s USING (ord)"
        " WHERE NOT s.fresh AND NOT EXISTS (SELECT 1 FROM entity_aliases a"
        "  WHERE a.norm = n.norm AND a.entity_id = s.id AND a.lang = n.lang"
        "  AND a.name IS NOT DISTINCT FROM n.name)"
        " ON CONFLICT (norm, entity_id, lang) DO UPDATE SET name = EXCLUDED.name"
        "  WHERE entity_aliases.name IS DISTINCT FROM EXCLUDED.name";
/* Candidates for adoption: those adopted now have a QID; new entities
 * without one, and renamed ones, are candidates for the next chunks. */
static const char SQL_CAND_ADOPTED[] =
        "DELETE FROM kb_cand c USING kb_se s WHERE c.id = s.id AND s.qid IS NOT NULL";
static const char SQL_CAND_LOCAL[] =
        "DELETE FROM kb_cand c USING kb_se s WHERE c.id = s.id;"
        " INSERT INTO kb_cand SELECT id, norm, kind, cc, notab FROM kb_se WHERE qid IS NULL";

/* Fresh tables look empty to the planner until analysed: entities (which
 * chunks match against) as it grows, all three at the end. */
static const char SQL_KB_ANALYZE_GROWING[] = "ANALYZE entities";
static const char SQL_KB_ANALYZE[] = "ANALYZE entities, entity_labels, entity_aliases";

/* What a bulk import drops, and how to put it back (as the migrations
 * create them): the foreign keys of the names, the aliases' trigram index,
 * and the secondary indexes no import statement reads (built by a sort at
 * the end instead of one random insertion per row: about a third of the
 * import's index upkeep). The unique indexes stay: the merges need them. */
static const char SQL_BULK_DROP[] =
        "ALTER TABLE entity_aliases DROP CONSTRAINT IF EXISTS entity_aliases_entity_id_fkey;"
        " ALTER TABLE entity_labels DROP CONSTRAINT IF EXISTS entity_labels_entity_id_fkey;"
        " DROP INDEX IF EXISTS entity_aliases_trgm, entity_aliases_entity, entities_kind,"
        "  entities_by_mentions, entities_by_recency";
static const char SQL_MISSING[] =
        "SELECT (SELECT count(*) FROM unnest(ARRAY['entity_aliases_trgm', 'entity_aliases_entity',"
        "  'entities_kind', 'entities_by_mentions', 'entities_by_recency']) AS i"
        "  WHERE to_regclass(i) IS NULL) > 0,"
        " (SELECT count(*) FROM pg_constraint WHERE conname = 'entity_aliases_entity_id_fkey'"
        "  AND conrelid = 'entity_aliases'::regclass),"
        " (SELECT count(*) FROM pg_constraint WHERE conname = 'entity_labels_entity_id_fkey'"
        "  AND conrelid = 'entity_labels'::regclass),"
        " (SELECT count(*) FROM pg_constraint WHERE conrelid IN ('entity_aliases'::regclass,"
        "  'entity_labels'::regclass) AND contype = 'f' AND NOT convalidated)";
static const char SQL_RESTORE_INDEXES[] =
        "SET statement_timeout = 0; SET maintenance_work_mem = '256MB';"
        " CREATE INDEX IF NOT EXISTS entity_aliases_trgm ON entity_aliases USING gin"
        "  (norm gin_trgm_ops);"
        " CREATE INDEX IF NOT EXISTS entity_aliases_entity ON entity_aliases (entity_id);"
        " CREATE INDEX IF NOT EXISTS entities_kind ON entities (kind, id);"
        " CREATE INDEX IF NOT EXISTS entities_by_mentions ON entities (mention_count DESC, id DESC)"
        "  WHERE merged_into IS NULL;"
        " CREATE INDEX IF NOT EXISTS entities_by_recency ON entities (last_seen DESC, id DESC)"
        "  WHERE merged_into IS NULL";
/* NOT VALID, then VALIDATE: the check scans under a lock that lets reads
 * and writes go on. */
static const char SQL_RESTORE_FK_ALIASES[] =
        "ALTER TABLE entity_aliases ADD CONSTRAINT entity_aliases_entity_id_fkey"
        " FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE NOT VALID";
static const char SQL_RESTORE_FK_LABELS[] =
        "ALTER TABLE entity_labels ADD CONSTRAINT entity_labels_entity_id_fkey"
        " FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE NOT VALID";
static const char SQL_VALIDATE[] =
        "SET statement_timeout = 0;"
        " ALTER TABLE entity_aliases VALIDATE CONSTRAINT entity_aliases_entity_id_fkey;"
        " ALTER TABLE entity_labels VALIDATE CONSTRAINT entity_labels_entity_id_fkey;"
        " RESET statement_timeout; RESET maintenance_work_mem";

static const struct db_stmt STMT_KB_IMPORTED = {
        "kb_imported",
        "SELECT 1 FROM kb_imports WHERE name = $1 AND sha256 = $2 AND finished_at IS NOT NULL",
        2,
};

static const struct db_stmt STMT_KB_RECORD = {
        "kb_record",
        "INSERT INTO kb_imports (name, sha256, entities, finished_at)"
        " VALUES ($1, $2, $3, now())"
        " ON CONFLICT (name, sha256) DO UPDATE SET entities = EXCLUDED.entities,"
        "  started_at = now(), finished_at = now()",
        3,
};

/* pg_advisory_lock key: "newsd-kb" as a number. */
static const char SQL_KB_LOCK[] = "SELECT pg_advisory_lock(7301845932217)";
static const char SQL_KB_UNLOCK[] = "SELECT pg_advisory_unlock(7301845932217)";

/* ---- chunks ---- */

#define KEYSET_MIN 1024

struct db_kb_chunk {
	struct strbuf e, n; /* COPY text of kb_se and kb_sn */
	size_t count, names;
	bool local, lookup_country, dup_keys;
	uint64_t *keys; /* hashes of the chunk's keys (0: free) */
	size_t keys_cap;
};

struct db_kb_chunk *db_kb_chunk_new(void)
{
	return calloc(1, sizeof(struct db_kb_chunk));
}

void db_kb_chunk_reset(struct db_kb_chunk *c)
{
	strbuf_reset(&c->e);
	strbuf_reset(&c->n);
	c->count = c->names = 0;
	c->local = c->lookup_country = c->dup_keys = false;
	if (c->keys)
		memset(c->keys, 0, c->keys_cap * sizeof(*c->keys));
}

void db_kb_chunk_free(struct db_kb_chunk *c)
{
	if (!c)
		return;
	strbuf_release(&c->e);
	strbuf_release(&c->n);
	free(c->keys);
	free(c);
}

size_t db_kb_chunk_count(const struct db_kb_chunk *c)
{
	return c->count;
}

size_t db_kb_chunk_names(const struct db_kb_chunk *c)
{
	return c->names;
}

size_t db_kb_chunk_bytes(const struct db_kb_chunk *c)
{
	return c->e.len + c->n.len;
}

static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h ? h : 1;
}

/* Remember key's hash; a repeat (or a collision, harmless) flags the chunk
 * for the statement that keeps the last of each key. */
static int keys_add(struct db_kb_chunk *c, const char *key)
{
	uint64_t h = hash_key(key);
	size_t i;

	if (2 * (c->count + 1) > c->keys_cap) {
		size_t cap = c->keys_cap ? 2 * c->keys_cap : KEYSET_MIN, k;
		uint64_t *grown = calloc(cap, sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		for (k = 0; k < c->keys_cap; k++)
			if (c->keys[k]) {
				for (i = c->keys[k] & (cap - 1); grown[i]; i = (i + 1) & (cap - 1))
					;
				grown[i] = c->keys[k];
			}
		free(c->keys);
		c->keys = grown;
		c->keys_cap = cap;
	}
	for (i = h & (c->keys_cap - 1); c->keys[i]; i = (i + 1) & (c->keys_cap - 1))
		if (c->keys[i] == h) {
			c->dup_keys = true;
			return 0;
		}
	c->keys[i] = h;
	return 0;
}

/* One field of COPY's text format: \N for NULL, else s with backslash,
 * tab, newline and carriage return escaped; then sep. */
static int copy_field(struct strbuf *sb, const char *s, char sep)
{
	static const char SPECIAL[] = "\\\t\n\r";
	size_t n;
	int err;

	if (!s) {
		err = strbuf_add(sb, "\\N", 2);
		return err ? err : strbuf_addch(sb, sep);
	}
	for (;;) {
		n = strcspn(s, SPECIAL);
		if (n && (err = strbuf_add(sb, s, n)))
			return err;
		s += n;
		if (!*s)
			break;
		err = strbuf_add(sb,
		                 *s == '\\'   ? "\\\\"
		                 : *s == '\t' ? "\\t"
		                 : *s == '\n' ? "\\n"
		                              : "\\r",
		                 2);
		if (err)
			return err;
		s++;
	}
	return strbuf_addch(sb, sep);
}

int db_kb_chunk_add(struct db_kb_chunk *c, const struct db_kb_entity *e)
{
	char num[32], lat[32], lon[32];
	size_t e_len = c->e.len, n_len = c->n.len, i;
	int ord = (int)c->count, err;

	snprintf(num, sizeof(num), "%d", ord);
	snprintf(lat, sizeof(lat), "%.7g", e->lat);
	snprintf(lon, sizeof(lon), "%.7g", e->lon);
	err = copy_field(&c->e, num, '\t');
	if (!err)
		err = copy_field(&c->e, e->key, '\t');
	if (!err)
		err = copy_field(&c->e, e->qid, '\t');
	if (!err)
		err = copy_field(&c->e, e->kind, '\t');
	if (!err)
		err = copy_field(&c->e, e->name, '\t');
	if (!err)
		err = copy_field(&c->e, e->norm, '\t');
	if (!err)
		err = copy_field(&c->e, e->description, '\t');
	if (!err)
		err = copy_field(&c->e, e->country_qid, '\t');
	if (!err)
		err = copy_field(&c->e, e->country, '\t');
	if (!err)
		err = copy_field(&c->e, e->has_coord ? lat : NULL, '\t');
	if (!err)
		err = copy_field(&c->e, e->has_coord ? lon : NULL, '\t');
	snprintf(lat, sizeof(lat), "%d", e->notability);
	if (!err)
		err = copy_field(&c->e, lat, '\n');
	for (i = 0; i < e->n_names && !err; i++) {
		err = copy_field(&c->n, num, '\t');
		if (!err)
			err = copy_field(&c->n, e->names[i].lang, '\t');
		if (!err)
			err = copy_field(&c->n, e->names[i].name, '\t');
		if (!err)
			err = copy_field(&c->n, e->names[i].norm, '\t');
		if (!err)
			err = copy_field(&c->n, e->names[i].label ? "t" : "f", '\n');
	}
	if (!err)
		err = keys_add(c, e->key);
	if (err) {
		/* No half-added entity. */
		c->e.len = e_len;
		c->n.len = n_len;
		if (c->e.alloc)
			c->e.buf[e_len] = '\0';
		if (c->n.alloc)
			c->n.buf[n_len] = '\0';
		return err;
	}
	c->count++;
	c->names += e->n_names;
	c->local |= !e->qid;
	c->lookup_country |= !e->country && e->country_qid;
	return 0;
}

/* ---- writing ---- */

static int copy_in(struct db_conn *conn, const char *sql, const struct strbuf *data)
{
	PGresult *res = PQexec(conn->pg, sql);
	int err = 0;

	if (PQresultStatus(res) != PGRES_COPY_IN) {
		err = db_error(conn, res, sql);
		PQclear(res);
		return err;
	}
	PQclear(res);
	if (data->len && PQputCopyData(conn->pg, data->buf, (int)data->len) != 1)
		err = -EIO;
	if (PQputCopyEnd(conn->pg, err ? "newsd: send failed" : NULL) != 1)
		err = -EIO;
	while ((res = PQgetResult(conn->pg))) {
		if (!err && PQresultStatus(res) != PGRES_COMMAND_OK)
			err = db_error(conn, res, sql);
		PQclear(res);
	}
	if (err == -EIO && PQstatus(conn->pg) != CONNECTION_OK)
		log_error("db: %s failed: %s", sql, PQerrorMessage(conn->pg));
	return err;
}

/* A command; *rows gets how many rows it touched when rows is not NULL. */
static int command(struct db_conn *conn, const char *sql, int64_t *rows)
{
	PGresult *res = PQexec(conn->pg, sql);
	int err = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(conn, res, sql);
	else if (rows)
		*rows = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return err;
}

/* A one-off query answering one number (what: for the log on failure). */
static int query_int64(struct db_conn *conn, const char *sql, const char *what, int64_t *n)
{
	PGresult *res = PQexec(conn->pg, sql);
	int err;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(conn, res, what);
	else
		err = db_result_int64(res, 0, n);
	PQclear(res);
	return err;
}

int db_kb_writer_begin(struct db_kb_writer *w, struct db_conn *conn)
{
	PGresult *res;
	char seq[256], *sql;
	int err;

	memset(w, 0, sizeof(*w));
	w->conn = conn;
	w->next_analyze = 1000;
	/* Temporary tables in memory up to 64 MB; only settable before the
	 * session's first use of one, so a failure is no error. */
	res = PQexec(conn->pg, "SET temp_buffers = '64MB'");
	PQclear(res);
	res = PQexec(conn->pg, SQL_SEQUENCE);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 ||
	    PQgetisnull(res, 0, 0)) {
		err = db_error(conn, res, "kb sequence");
		PQclear(res);
		return err ? err : -EIO;
	}
	snprintf(seq, sizeof(seq), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	sql = malloc(sizeof(SQL_SESSION) + strlen(seq));
	if (!sql)
		return -ENOMEM;
	snprintf(sql, sizeof(SQL_SESSION) + strlen(seq), SQL_SESSION, seq);
	err = command(conn, sql, NULL);
	free(sql);
	if (err)
		return err;
	return query_int64(conn, "SELECT count(*) FROM kb_cand", "kb candidates", &w->candidates);
}

int db_kb_writer_end(struct db_kb_writer *w)
{
	int err = 0;

	if (!w->conn)
		return 0;
	if (db_conn_lost(w->conn))
		return -EIO;
	if (w->written)
		err = command(w->conn, SQL_KB_ANALYZE, NULL);
	if (!err)
		err = command(w->conn, SQL_SESSION_END, NULL);
	return err;
}

int db_kb_writer_chunk(struct db_kb_writer *w, struct db_kb_chunk *c, int64_t *written)
{
	struct db_conn *conn = w->conn;
	int64_t n = (int64_t)c->count, dups = 0, fresh = 0;
	int err;

	*written = 0;
	if (!c->count)
		return 0;
	err = command(conn, "BEGIN; SET LOCAL synchronous_commit = off", NULL);
	if (!err)
		err = copy_in(conn, SQL_COPY_E, &c->e);
	if (!err)
		err = copy_in(conn, SQL_COPY_N, &c->n);
	if (!err && c->dup_keys)
		err = command(conn, SQL_DEDUP, &dups);
	if (!err && c->lookup_country)
		err = command(conn, SQL_COUNTRY, NULL);
	if (!err)
		err = command(conn, SQL_MATCH_QID, NULL);
	if (!err && c->local)
		err = command(conn, SQL_MATCH_LOCAL, NULL);
	if (!err && w->candidates > 0)
		err = command(conn, SQL_ADOPT, NULL);
	if (!err)
		err = query_int64(conn, "SELECT count(*) FROM kb_se WHERE fresh", "kb fresh",
		                  &fresh);
	n -= dups;
	if (!err && fresh < n)
		err = command(conn, SQL_UPDATE, NULL);
	if (!err && fresh)
		err = command(conn, SQL_INSERT, NULL);
	if (!err && fresh)
		err = command(conn, SQL_LABELS_NEW, NULL);
	if (!err && fresh)
		err = command(conn, SQL_ALIASES_NEW, NULL);
	if (!err && fresh < n)
		err = command(conn, SQL_LABELS_OLD, NULL);
	if (!err && fresh < n)
		err = command(conn, SQL_ALIASES_OLD, NULL);
	if (!err && w->candidates > 0)
		err = command(conn, SQL_CAND_ADOPTED, NULL);
	if (!err && c->local) {
		err = command(conn, SQL_CAND_LOCAL, NULL);
		w->candidates++; /* some, at least: counted again when it matters */
	}
	if (!err)
		err = command(conn, "COMMIT", NULL);
	if (err) {
		if (!db_conn_lost(conn))
			db_rollback(conn);
		db_kb_chunk_reset(c);
		return err;
	}
	db_kb_chunk_reset(c);
	*written = n;
	w->written += n;
	/* Statistics follow a first import as entities grows from empty (after
	 * the first chunk, then each time the import has written four times
	 * more): plans stay right for the matching joins. */
	if (w->written >= w->next_analyze) {
		w->next_analyze = 4 * w->written;
		err = command(conn, SQL_KB_ANALYZE_GROWING, NULL);
	}
	return err;
}

/* ---- bulk imports ---- */

int db_kb_bulk_begin(struct db_conn *conn)
{
	return command(conn, SQL_BULK_DROP, NULL);
}

int db_kb_restore(struct db_conn *conn, bool *restored)
{
	PGresult *res = PQexec(conn->pg, SQL_MISSING);
	bool no_index, no_fk_aliases, no_fk_labels, unvalidated;
	int err = 0;

	*restored = false;
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		err = db_error(conn, res, "kb restore check");
		PQclear(res);
		return err;
	}
	no_index = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	no_fk_aliases = strcmp(PQgetvalue(res, 0, 1), "0") == 0;
	no_fk_labels = strcmp(PQgetvalue(res, 0, 2), "0") == 0;
	unvalidated = strcmp(PQgetvalue(res, 0, 3), "0") != 0;
	PQclear(res);
	if (no_index)
		err = command(conn, SQL_RESTORE_INDEXES, NULL);
	if (!err && no_fk_aliases)
		err = command(conn, SQL_RESTORE_FK_ALIASES, NULL);
	if (!err && no_fk_labels)
		err = command(conn, SQL_RESTORE_FK_LABELS, NULL);
	if (!err && (no_fk_aliases || no_fk_labels || unvalidated))
		err = command(conn, SQL_VALIDATE, NULL);
	*restored = !err && (no_index || no_fk_aliases || no_fk_labels || unvalidated);
	return err;
}

int db_kb_alias_count(struct db_conn *conn, int64_t *n)
{
	/* The planner's estimate once analysed; a count before. */
	return query_int64(conn,
	                   "SELECT CASE WHEN reltuples >= 0 THEN reltuples::bigint ELSE"
	                   " (SELECT count(*) FROM entity_aliases) END FROM pg_class"
	                   " WHERE oid = 'entity_aliases'::regclass",
	                   "kb alias count", n);
}

/* ---- import bookkeeping ---- */

int db_kb_lock(struct db_conn *conn)
{
	return command(conn, SQL_KB_LOCK, NULL);
}

void db_kb_unlock(struct db_conn *conn)
{
	PGresult *res;

	if (!conn->pg)
		return;
	res = db_exec_once(conn, SQL_KB_UNLOCK, 0, NULL);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		db_error(conn, res, "kb unlock");
	PQclear(res);
}

int db_kb_imported(struct db_conn *conn, const char *name, const char *sha256, bool *done)
{
	const char *p[2] = {name, sha256};
	PGresult *res = db_exec(conn, &STMT_KB_IMPORTED, p);
	int err = 0;

	*done = false;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(conn, res, STMT_KB_IMPORTED.name);
	else
		*done = PQntuples(res) > 0;
	PQclear(res);
	return err;
}

int db_kb_import_record(struct db_conn *conn, const char *name, const char *sha256,
                        int64_t entities)
{
	char n[24];
	const char *p[3] = {name, sha256, db_i64(n, entities)};
	PGresult *res = db_exec(conn, &STMT_KB_RECORD, p);
	int err = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		err = db_error(conn, res, STMT_KB_RECORD.name);
	PQclear(res);
	return err;
}
