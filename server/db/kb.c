/* Knowledge-base writes: entities with their labels and aliases, a batch
 * per statement (parameter arrays unnested by PostgreSQL). */
#include "internal.h"
#include "log.h"
#include "strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* Entity columns, then name columns. */
enum { E_KEY, E_QID, E_KIND, E_NAME, E_NORM, E_DESCR, E_CQID, E_CC, E_LAT, E_LON, E_NOTAB, E_N };
enum { N_KEY, N_LANG, N_NAME, N_NORM, N_LABEL, N_N };

struct db_kb_batch {
	struct strbuf e[E_N];
	struct strbuf n[N_N];
	struct strbuf local; /* keys without a QID */
	size_t count, names, n_local;
};

/* i: the batch's entities (the last of a repeated key wins), with their
 * country code (given, or that of the entity their P17 names); m0: existing
 * rows, by QID, or by external_id for the default base's own ids ($17, the
 * keys that are no QID: one scan with a hashed array, none when empty, where
 * a join would loop over the table for each key); a0: an entity of a
 * Wikidata dump adopts the default base's entity without QID of the same
 * name, kind and country (the GeoNames "Moscow" becomes Q649, keeping its
 * newsd:geonames id in external_id), one each way; u and n update or
 * insert them (u keeps the description, country and coordinates a dump does
 * not give); then labels are upserted per language and aliases
 * added. Constraints are checked at the end of the statement, so the labels
 * may reference the rows inserted by n. */
static const struct db_stmt STMT_KB_UPSERT = {
        "kb_upsert",
        "WITH i AS ("
        " SELECT DISTINCT ON (t.key) t.*,"
        "  COALESCE(t.cc, (SELECT c.country FROM entities c WHERE c.qid = t.cqid)) AS country"
        " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
        "  $7::text[], $8::text[], $9::float8[], $10::float8[], $11::int[]) WITH ORDINALITY"
        "  AS t(key, qid, kind, name, norm, descr, cqid, cc, lat, lon, notab, ord)"
        " ORDER BY t.key, t.ord DESC),"
        " m0 AS ("
        " SELECT i.key, e.id FROM i JOIN entities e ON e.qid = i.qid"
        " UNION ALL"
        " SELECT e.external_id, e.id FROM entities e WHERE cardinality($17::text[]) > 0"
        "  AND e.external_id = ANY ($17::text[])),"
        " a0 AS ("
        " SELECT DISTINCT ON (i.key) i.key, e.id, i.notab FROM i"
        " JOIN entity_aliases al ON al.norm = i.norm"
        " JOIN entities e ON e.id = al.entity_id AND e.norm_name = i.norm"
        " WHERE i.qid IS NOT NULL AND e.qid IS NULL AND e.origin = 'kb' AND e.kind = i.kind"
        "  AND (i.country IS NULL OR e.country IS NULL OR e.country = i.country)"
        "  AND NOT EXISTS (SELECT 1 FROM m0 WHERE m0.key = i.key)"
        " ORDER BY i.key, e.notability DESC, e.id),"
        " m AS ("
        " SELECT key, id FROM m0"
        " UNION ALL"
        " (SELECT DISTINCT ON (id) key, id FROM a0 ORDER BY id, notab DESC, key)),"
        " u AS ("
        " UPDATE entities e SET kind = i.kind, name = i.name, norm_name = i.norm,"
        "  qid = COALESCE(i.qid, e.qid), external_id = CASE WHEN i.qid IS NOT NULL"
        "  AND e.external_id LIKE 'newsd:%' THEN e.external_id ELSE i.key END,"
        "  description = COALESCE(i.descr, e.description),"
        "  country = COALESCE(i.country, e.country), latitude = COALESCE(i.lat, e.latitude),"
        "  longitude = COALESCE(i.lon, e.longitude), notability = i.notab, origin = 'kb'"
        " FROM m JOIN i USING (key) WHERE e.id = m.id RETURNING e.id, i.key),"
        " n AS ("
        " INSERT INTO entities (kind, name, norm_name, external_id, qid, description, country,"
        "  latitude, longitude, notability, origin, first_seen, last_seen)"
        " SELECT i.kind, i.name, i.norm, i.key, i.qid, i.descr, i.country, i.lat, i.lon, i.notab,"
        "  'kb', NULL, NULL FROM i WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.key = i.key)"
        " ORDER BY i.ord RETURNING id, external_id AS key),"
        " ids AS (SELECT id, key FROM u UNION ALL SELECT id, key FROM n),"
        " nm AS (SELECT t.*, ids.id FROM unnest($12::text[], $13::text[], $14::text[],"
        "  $15::text[], $16::bool[]) AS t(key, lang, name, norm, label) JOIN ids USING (key)),"
        " l AS ("
        " INSERT INTO entity_labels (entity_id, lang, name)"
        " SELECT DISTINCT ON (id, lang) id, lang, name FROM nm WHERE label ORDER BY id, lang"
        " ON CONFLICT (entity_id, lang) DO UPDATE SET name = EXCLUDED.name"
        "  WHERE entity_labels.name IS DISTINCT FROM EXCLUDED.name),"
        " a AS ("
        " INSERT INTO entity_aliases (norm, entity_id, lang, name)"
        " SELECT DISTINCT ON (norm, id, lang) norm, id, lang, name FROM nm"
        " ORDER BY norm, id, lang, label DESC"
        " ON CONFLICT (norm, entity_id, lang) DO UPDATE SET name = EXCLUDED.name"
        "  WHERE entity_aliases.name IS DISTINCT FROM EXCLUDED.name)"
        " SELECT count(*) FROM ids",
        17,
};

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

/* Fresh tables look empty to the planner until analysed: without this, each
 * batch of a first import scanned the whole of entities to match QIDs. */
static const char SQL_KB_ANALYZE[] = "ANALYZE entities, entity_labels, entity_aliases";

/* pg_advisory_lock key: "newsd-kb" as a number. */
static const char SQL_KB_LOCK[] = "SELECT pg_advisory_lock(7301845932217)";
static const char SQL_KB_UNLOCK[] = "SELECT pg_advisory_unlock(7301845932217)";

struct db_kb_batch *db_kb_batch_new(void)
{
	return calloc(1, sizeof(struct db_kb_batch));
}

static void batch_reset(struct db_kb_batch *b)
{
	size_t k;

	for (k = 0; k < E_N; k++)
		strbuf_reset(&b->e[k]);
	for (k = 0; k < N_N; k++)
		strbuf_reset(&b->n[k]);
	strbuf_reset(&b->local);
	b->count = 0;
	b->names = 0;
	b->n_local = 0;
}

void db_kb_batch_free(struct db_kb_batch *b)
{
	size_t k;

	if (!b)
		return;
	for (k = 0; k < E_N; k++)
		strbuf_release(&b->e[k]);
	for (k = 0; k < N_N; k++)
		strbuf_release(&b->n[k]);
	strbuf_release(&b->local);
	free(b);
}

size_t db_kb_batch_count(const struct db_kb_batch *b)
{
	return b->count;
}

int db_kb_batch_add(struct db_kb_batch *b, const struct db_kb_entity *e)
{
	char lat[32], lon[32], notab[16];
	bool first = b->count == 0;
	size_t i;
	int err;

	/* A column's literal opens with its first element. */
	snprintf(lat, sizeof(lat), "%.7g", e->lat);
	snprintf(lon, sizeof(lon), "%.7g", e->lon);
	snprintf(notab, sizeof(notab), "%d", e->notability);
	err = 0;
	for (i = 0; first && i < E_N && !err; i++)
		err = strbuf_addch(&b->e[i], '{');
	if (!err)
		err = db_array_add(&b->e[E_KEY], e->key, first);
	if (!err)
		err = db_array_add(&b->e[E_QID], e->qid, first);
	if (!err)
		err = db_array_add(&b->e[E_KIND], e->kind, first);
	if (!err)
		err = db_array_add(&b->e[E_NAME], e->name, first);
	if (!err)
		err = db_array_add(&b->e[E_NORM], e->norm, first);
	if (!err)
		err = db_array_add(&b->e[E_DESCR], e->description, first);
	if (!err)
		err = db_array_add(&b->e[E_CQID], e->country_qid, first);
	if (!err)
		err = db_array_add(&b->e[E_CC], e->country, first);
	if (!err)
		err = db_array_add(&b->e[E_LAT], e->has_coord ? lat : NULL, first);
	if (!err)
		err = db_array_add(&b->e[E_LON], e->has_coord ? lon : NULL, first);
	if (!err)
		err = db_array_add(&b->e[E_NOTAB], notab, first);
	if (!err && !e->qid) {
		if (!b->n_local)
			err = strbuf_addch(&b->local, '{');
		if (!err)
			err = db_array_add(&b->local, e->key, b->n_local == 0);
		b->n_local++;
	}
	for (i = 0; i < e->n_names && !err; i++) {
		size_t k;

		first = b->names == 0;
		for (k = 0; first && k < N_N && !err; k++)
			err = strbuf_addch(&b->n[k], '{');
		if (!err)
			err = db_array_add(&b->n[N_KEY], e->key, first);
		if (!err)
			err = db_array_add(&b->n[N_LANG], e->names[i].lang, first);
		if (!err)
			err = db_array_add(&b->n[N_NAME], e->names[i].name, first);
		if (!err)
			err = db_array_add(&b->n[N_NORM], e->names[i].norm, first);
		if (!err)
			err = db_array_add(&b->n[N_LABEL], e->names[i].label ? "t" : "f", first);
		b->names++;
	}
	if (err) {
		/* A half-added entity would misalign the columns: drop the batch. */
		batch_reset(b);
		return err;
	}
	b->count++;
	return 0;
}

int db_kb_batch_flush(struct db_conn *conn, struct db_kb_batch *b, int64_t *upserted)
{
	const char *p[E_N + N_N + 1];
	PGresult *res = NULL;
	size_t k;
	int err = 0;

	*upserted = 0;
	if (!b->count)
		return 0;
	for (k = 0; k < E_N; k++)
		if (strbuf_addch(&b->e[k], '}'))
			err = -ENOMEM;
	for (k = 0; k < N_N; k++)
		if (strbuf_addstr(&b->n[k], b->names ? "}" : "{}"))
			err = -ENOMEM;
	if (strbuf_addstr(&b->local, b->n_local ? "}" : "{}"))
		err = -ENOMEM;
	if (err)
		goto out;
	for (k = 0; k < E_N; k++)
		p[k] = b->e[k].buf;
	for (k = 0; k < N_N; k++)
		p[E_N + k] = b->n[k].buf;
	p[E_N + N_N] = b->local.buf;
	/* Planned for these values (unnamed): a generic plan would search the
	 * $17 array linearly for each row scanned instead of hashing it. */
	res = db_exec_once(conn, STMT_KB_UPSERT.sql, STMT_KB_UPSERT.nparams, p);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		err = db_error(conn, res, STMT_KB_UPSERT.name);
		goto out;
	}
	err = db_result_int64(res, 0, upserted);
out:
	PQclear(res);
	batch_reset(b);
	return err;
}

int db_kb_analyze(struct db_conn *conn)
{
	PGresult *res = db_exec_once(conn, SQL_KB_ANALYZE, 0, NULL);
	int err = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		err = db_error(conn, res, "kb analyze");
	PQclear(res);
	return err;
}

int db_kb_lock(struct db_conn *conn)
{
	PGresult *res = db_exec_once(conn, SQL_KB_LOCK, 0, NULL);
	int err = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(conn, res, "kb lock");
	PQclear(res);
	return err;
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
