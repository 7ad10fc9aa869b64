/* Entities: the list and search, one entity, and merging two (issue 4).
 * Reads are rendered as JSON by PostgreSQL in the shape of openapi.yaml, as
 * in read.c; an entity merged into another answers -EXDEV with where it
 * went, so the API can redirect. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The fields every entity shows; NAME is the name to give (the entity's, or
 * its label in the asked language). */
#define ENTITY_FIELDS(NAME)                                                                        \
	"'id', e.id, 'name', " NAME ", 'kind', e.kind, 'qid', e.qid, 'external_id', "              \
	"e.external_id, 'description', e.description, 'country', e.country, 'article_count', "     \
	"e.article_count, 'mention_count', e.mention_count, 'first_seen', "                        \
	"newsd_iso(e.first_seen), 'last_seen', newsd_iso(e.last_seen)"

/* Co-occurring entities: the others mentioned by its latest 1000 articles
 * (bounded whatever the entity's fame), by shared articles. */
#define ENTITY_CO_OCCURRING                                                                        \
	"coalesce((SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'kind', o.kind, " \
	"'shared_articles', t.n) ORDER BY t.n DESC, o.id) FROM (SELECT m2.entity_id, count(*) AS " \
	"n FROM (SELECT m1.article_id FROM mentions m1 WHERE m1.entity_id = e.id ORDER BY "        \
	"m1.article_id DESC LIMIT 1000) r JOIN mentions m2 ON m2.article_id = r.article_id AND "   \
	"m2.entity_id <> e.id GROUP BY m2.entity_id ORDER BY n DESC, m2.entity_id LIMIT 10) t "    \
	"JOIN entities o ON o.id = t.entity_id), '[]'::json)"

static const struct db_stmt STMT_ENTITY = {
        "entity_json",
        "SELECT e.merged_into, CASE WHEN e.merged_into IS NULL THEN "
        "json_build_object(" ENTITY_FIELDS(
                "e.name") ", 'coordinates', CASE WHEN e.latitude IS NULL OR e.longitude IS NULL "
                          "THEN NULL ELSE json_build_object('lat', e.latitude, 'lon', e.longitude) "
                          "END, 'names', coalesce((SELECT json_object_agg(l.lang, l.name ORDER BY "
                          "l.lang) FROM entity_labels l WHERE l.entity_id = e.id), '{}'::json), "
                          "'aliases', coalesce((SELECT json_agg(json_build_object('name', "
                          "coalesce(al.name, al.norm), 'lang', nullif(al.lang, '')) ORDER BY "
                          "al.lang, al.norm) FROM entity_aliases al WHERE al.entity_id = e.id), "
                          "'[]'::json), 'co_occurring', " ENTITY_CO_OCCURRING
                          ")::text END FROM entities e WHERE e.id = $1::bigint",
        1};

/* Lists: $1 normalised q, $2 kind, $3 lang, $4 $5 keyset, $6 limit + 1.
 * q matches the start of any word of any alias: LIKE 'q%' or '% q%' on the
 * normalised aliases, served by their trigram index (a bitmap OR of two
 * scans); LIKE's wildcards in q are escaped. With q, the aliases it matches
 * come first (a semi-join the planner sizes right: 4 ms at worst on 75k
 * aliases), without it the order's index; each is its own statement, as
 * "q IS NULL OR id IN (...)" would hide the match count from the planner
 * (a hashed subplan scanning every alias: 30-40 ms). With lang, only
 * entities with a label in lang, named so. */
#define Q_ESC "replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_')"
#define LIST_FROM                                                                                  \
	" FROM entities e LEFT JOIN entity_labels l ON $3::text IS NOT NULL AND l.entity_id = "    \
	"e.id AND l.lang = $3 WHERE e.merged_into IS NULL AND ($3::text IS NULL OR l.name IS NOT " \
	"NULL) AND ($2::text IS NULL OR e.kind = $2) "
#define WITH_Q                                                                                     \
	"AND e.id IN (SELECT al.entity_id FROM entity_aliases al WHERE al.norm LIKE " Q_ESC        \
	" || '%' OR al.norm LIKE '% ' || " Q_ESC " || '%') "
#define WITHOUT_Q "AND $1::text IS NULL "
#define LIST_ITEM "json_build_object(" ENTITY_FIELDS("coalesce(l.name, e.name)") ")::text"

#define BY_MENTIONS(Q)                                                                             \
	"SELECT e.mention_count, e.id, " LIST_ITEM LIST_FROM Q                                     \
	"AND ($4::bigint IS NULL OR (e.mention_count, e.id) < ($4::bigint, $5::bigint)) "          \
	"ORDER BY e.mention_count DESC, e.id DESC LIMIT $6::int"

/* Never-mentioned entities (last_seen NULL) come last: key -1. */
#define RECENT_KEY "coalesce((extract(epoch FROM e.last_seen) * 1000000)::bigint, -1)"
#define BY_RECENT(Q)                                                                               \
	"SELECT " RECENT_KEY ", e.id, " LIST_ITEM LIST_FROM Q                                      \
	"AND ($4::bigint IS NULL OR (" RECENT_KEY                                                  \
	", e.id) < ($4::bigint, $5::bigint)) ORDER BY 1 DESC, e.id DESC LIMIT $6::int"

/* By the normalised name (of the label in lang, when given), then id; the
 * cursor holds the last id ($5; $4 is 0) and the statement reads its key
 * again. */
#define NAME_KEY(E, L)                                                                             \
	"(CASE WHEN $3::text IS NULL THEN " E ".norm_name ELSE lower(unaccent(" L                  \
	".name)) END) COLLATE \"C\""
#define BY_NAME(Q)                                                                                 \
	"SELECT 0, e.id, " LIST_ITEM LIST_FROM Q                                                   \
	"AND ($5::bigint IS NULL OR $4::bigint IS NULL OR (" NAME_KEY(                             \
	        "e",                                                                               \
	        "l") ", e.id) > (SELECT " NAME_KEY("x",                                            \
	                                           "xl") ", x.id FROM entities x LEFT "            \
	                                                 "JOIN entity_labels xl ON xl.entity_id "  \
	                                                 "= x.id AND xl.lang = $3 WHERE x.id = "   \
	                                                 "$5::bigint)) ORDER BY " NAME_KEY(        \
	                                                         "e", "l") ", e.id LIMIT $6::int"

/* [sort][with q] */
static const char *const SQL_ENTITIES[3][2] = {
        {BY_MENTIONS(WITHOUT_Q), BY_MENTIONS(WITH_Q)},
        {BY_RECENT(WITHOUT_Q), BY_RECENT(WITH_Q)},
        {BY_NAME(WITHOUT_Q), BY_NAME(WITH_Q)},
};

static int merged_check(PGresult *res, int64_t *moved_to)
{
	if (PQntuples(res) == 0)
		return -ENOENT;
	if (!PQgetisnull(res, 0, 0)) {
		*moved_to = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		return -EXDEV;
	}
	return 0;
}

int db_entity_json(struct db_conn *conn, int64_t id, char **json_out, int64_t *moved_to)
{
	char ibuf[24];
	const char *p[1] = {db_i64(ibuf, id)};
	PGresult *res = db_exec(conn, &STMT_ENTITY, p);
	int err;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(conn, res, STMT_ENTITY.name);
	else
		err = merged_check(res, moved_to);
	if (!err) {
		*json_out = strdup(PQgetvalue(res, 0, 1));
		if (!*json_out)
			err = -ENOMEM;
	}
	PQclear(res);
	return err;
}

int db_entities_list(struct db_conn *conn, const struct db_entity_query *q, struct db_page *out)
{
	char k1buf[24], k2buf[24], lbuf[24];
	const char *p[6] = {q->prefix,
	                    q->kind,
	                    q->lang,
	                    q->after.has ? db_i64(k1buf, q->after.k1) : NULL,
	                    q->after.has ? db_i64(k2buf, q->after.k2) : NULL,
	                    db_i64(lbuf, q->limit + 1)};
	int sort = q->sort == DB_ENTITY_BY_RECENT ? 1 : q->sort == DB_ENTITY_BY_NAME ? 2 : 0;
	const char *sql = SQL_ENTITIES[sort][q->prefix != NULL];
	PGresult *res;
	int err;

	res = db_exec_once(conn, sql, 6, p);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(conn, res, "list entities");
	else
		err = db_page_fill(res, q->limit, out);
	PQclear(res);
	return err;
}

/* ---- merge ---- */

/* Both rows, locked in id order. */
static const struct db_stmt STMT_MERGE_LOCK = {
        "merge_lock",
        "SELECT id, merged_into, qid, first_seen, last_seen, kind FROM entities WHERE id IN "
        "($1::bigint, $2::bigint) ORDER BY id FOR UPDATE",
        2};

/* One statement moves the rows of $1 to $2 (mentions summing counts and
 * merging spans by start; event participations summing weights, keeping a
 * stated role, articles: the larger, a lower bound until the event is
 * derived again; the roles articles state; aliases and labels the target
 * lacks); its CTEs share one snapshot, so each reads the rows as they were
 * before. */
static const struct db_stmt STMT_MERGE_MOVE = {
        "merge_move",
        "WITH om AS (DELETE FROM mentions WHERE entity_id = $1::bigint RETURNING *), "
        "mm AS (INSERT INTO mentions AS m (article_id, entity_id, count, first_offset, surface, "
        "spans) SELECT article_id, $2::bigint, count, first_offset, surface, spans FROM om ON "
        "CONFLICT (article_id, entity_id) DO UPDATE SET count = m.count + EXCLUDED.count, "
        "first_offset = least(m.first_offset, EXCLUDED.first_offset), surface = CASE WHEN "
        "EXCLUDED.first_offset < m.first_offset THEN EXCLUDED.surface ELSE m.surface END, spans "
        "= (SELECT coalesce(array_agg(y.v ORDER BY y.s, y.o), '{}') FROM (SELECT x.v, x.o, "
        "(m.spans || EXCLUDED.spans)[(x.o - 1 + x.o % 2)::int] AS s FROM unnest(m.spans || "
        "EXCLUDED.spans) WITH ORDINALITY AS x(v, o)) y) RETURNING 1), "
        "oe AS (DELETE FROM event_entities WHERE entity_id = $1::bigint RETURNING *), "
        "me AS (INSERT INTO event_entities AS ee (event_id, entity_id, weight, role, articles) "
        "SELECT event_id, $2::bigint, weight, role, articles FROM oe ON CONFLICT (event_id, "
        "entity_id) DO UPDATE SET weight = ee.weight + EXCLUDED.weight, role = coalesce(ee.role, "
        "EXCLUDED.role), articles = greatest(ee.articles, EXCLUDED.articles) RETURNING 1), "
        "mr AS (UPDATE article_roles SET entity_id = $2::bigint WHERE entity_id = $1::bigint "
        "RETURNING 1), "
        "oa AS (DELETE FROM entity_aliases WHERE entity_id = $1::bigint RETURNING *), "
        "ma AS (INSERT INTO entity_aliases (norm, entity_id, lang, name) SELECT norm, $2::bigint, "
        "lang, name FROM oa ON CONFLICT DO NOTHING RETURNING 1), "
        "ol AS (DELETE FROM entity_labels WHERE entity_id = $1::bigint RETURNING *), "
        "ml AS (INSERT INTO entity_labels (entity_id, lang, name) SELECT $2::bigint, lang, name "
        "FROM ol ON CONFLICT DO NOTHING RETURNING 1) "
        "SELECT (SELECT count(*) FROM mm), (SELECT count(*) FROM me), (SELECT count(*) FROM mr), "
        "(SELECT count(*) FROM ma), (SELECT count(*) FROM ml)",
        2};

/* The redirect: $1 points at $2, and so do the entities merged into $1
 * before (one hop, always); $1 gives up its qid and counts. */
static const struct db_stmt STMT_MERGE_REDIRECT = {
        "merge_redirect",
        "UPDATE entities SET merged_into = $2::bigint, qid = CASE WHEN id = $1::bigint THEN NULL "
        "ELSE qid END, mention_count = CASE WHEN id = $1::bigint THEN 0 ELSE mention_count END, "
        "article_count = CASE WHEN id = $1::bigint THEN 0 ELSE article_count END WHERE id = "
        "$1::bigint OR merged_into = $1::bigint",
        2};

/* The target: counts from its rows now, seen times combined, the qid when it
 * had none, the kind when its own was 'other'. */
static const struct db_stmt STMT_MERGE_TARGET = {
        "merge_target",
        "UPDATE entities t SET qid = coalesce(t.qid, $2), first_seen = least(t.first_seen, "
        "$3::timestamptz), last_seen = greatest(t.last_seen, $4::timestamptz), kind = CASE WHEN "
        "t.kind = 'other' THEN $5 ELSE t.kind END, article_count = (SELECT count(*) FROM "
        "mentions m WHERE m.entity_id = t.id), mention_count = (SELECT coalesce(sum(m.count), 0) "
        "FROM mentions m WHERE m.entity_id = t.id) WHERE t.id = $1::bigint",
        5};

static int exec_ok(struct db_conn *conn, const struct db_stmt *st, const char *const *p,
                   ExecStatusType want)
{
	PGresult *res = db_exec(conn, st, p);
	int err = PQresultStatus(res) == want ? 0 : db_error(conn, res, st->name);

	PQclear(res);
	return err;
}

static const char *value(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

int db_entity_merge(struct db_conn *conn, int64_t id, int64_t into, int64_t *which,
                    int64_t *moved_to)
{
	char ibuf[24], tbuf[24];
	const char *p[2] = {db_i64(ibuf, id), db_i64(tbuf, into)};
	PGresult *res = NULL;
	int row[2] = {-1, -1};
	int err, r;

	if (id == into)
		return -ELOOP;
	err = db_command(conn, "BEGIN");
	if (err)
		return err;
	res = db_exec(conn, &STMT_MERGE_LOCK, p);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		err = db_error(conn, res, STMT_MERGE_LOCK.name);
		goto out;
	}
	for (r = 0; r < PQntuples(res); r++)
		row[strtoll(PQgetvalue(res, r, 0), NULL, 10) == id ? 0 : 1] = r;
	if (row[0] < 0 || row[1] < 0) {
		*which = row[0] < 0 ? id : into;
		err = -ENOENT;
		goto out;
	}
	for (r = 0; r < 2; r++) {
		if (value(res, row[r], 1)) {
			*which = r == 0 ? id : into;
			*moved_to = strtoll(value(res, row[r], 1), NULL, 10);
			err = -EXDEV;
			goto out;
		}
	}
	if (value(res, row[0], 2) && value(res, row[1], 2) &&
	    strcmp(value(res, row[0], 2), value(res, row[1], 2)) != 0) {
		err = -EEXIST;
		goto out;
	}
	err = exec_ok(conn, &STMT_MERGE_MOVE, p, PGRES_TUPLES_OK);
	if (!err)
		err = exec_ok(conn, &STMT_MERGE_REDIRECT, p, PGRES_COMMAND_OK);
	if (!err) {
		const char *pt[5] = {tbuf, value(res, row[0], 2), value(res, row[0], 3),
		                     value(res, row[0], 4), value(res, row[0], 5)};

		err = exec_ok(conn, &STMT_MERGE_TARGET, pt, PGRES_COMMAND_OK);
	}
	if (!err)
		err = db_command(conn, "COMMIT");
out:
	PQclear(res);
	if (err)
		db_rollback(conn);
	return err;
}
