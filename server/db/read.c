/* Read queries: PostgreSQL renders each resource as JSON in the shape of
 * openapi.yaml. Lists return rows (k1, k2, json) ordered by their keyset and
 * fetch limit + 1 rows to know whether another page follows. Filters are
 * "parameter IS NULL OR condition", run as one-off statements so that the
 * planner sees the actual values and drops the unused conditions. The search
 * query is an uncorrelated sub-select: computed once per statement (an
 * InitPlan the GIN index scan uses), not once per row. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

/* Shared field lists (compile-time literal concatenation, never runtime). */
#define ARTICLE_SUMMARY_FIELDS                                                                     \
	"'id', a.id, 'url', a.url, 'title', a.title, 'lang', a.lang, 'lang_confidence', "          \
	"round(a.lang_confidence::numeric, 3), 'source', (SELECT s.name FROM sources s WHERE "     \
	"s.id = a.source_id), 'agency', a.agency, 'published_at', newsd_iso(a.published_at), "     \
	"'published_at_origin', a.published_at_origin, 'published_at_precision', "                 \
	"a.published_at_precision, 'ingested_at', newsd_iso(a.ingested_at), 'word_count', "        \
	"a.word_count, 'content_hash', a.content_hash, 'duplicate_of', a.duplicate_of, "           \
	"'event_id', a.event_id, 'author', a.author, 'canonical_url', a.canonical_url"
#define ARTICLE_ROW "a.id, 0, json_build_object(" ARTICLE_SUMMARY_FIELDS ")::text"

static const struct db_stmt STMT_ARTICLE = {
        "article_json",
        "SELECT json_build_object(" ARTICLE_SUMMARY_FIELDS ", 'body', a.body, 'duplicates', "
        "coalesce((SELECT json_agg(d.id ORDER BY d.id) FROM (SELECT id FROM articles WHERE "
        "duplicate_of = a.id ORDER BY id LIMIT 100) d), '[]'::json), 'dates', coalesce((SELECT "
        "json_agg(json_build_object('start', ad.start_offset, 'end', ad.end_offset, 'text', "
        "ad.text, 'value', ad.value::text, 'precision', ad.precision, 'relative', ad.relative) "
        "ORDER BY ad.start_offset) FROM article_dates ad WHERE ad.article_id = a.id), '[]'::json), "
        "'entities', "
        "coalesce((SELECT json_agg(json_build_object('id', e.id, 'name', e.name, 'kind', e.kind, "
        "'qid', e.qid, 'count', m.count, 'mentions', (SELECT coalesce(json_agg(json_build_object("
        "'start', m.spans[i], 'end', m.spans[i + 1], 'text', substr(a.body, m.spans[i] + 1, "
        "m.spans[i + 1] - m.spans[i])) ORDER BY i), '[]'::json) FROM generate_series(1, "
        "coalesce(array_length(m.spans, 1), 0), 2) AS i)) ORDER BY m.count DESC, e.id) FROM "
        "mentions m JOIN entities e ON e.id = m.entity_id WHERE m.article_id = a.id), "
        "'[]'::json))::text FROM articles a WHERE a.id = $1::bigint",
        1};

static const char SQL_ARTICLES[] =
        "SELECT " ARTICLE_ROW " FROM articles a WHERE "
        "($1::text IS NULL OR a.tsv @@ (SELECT CASE WHEN $2::text IS NULL THEN "
        "newsd_query_all($1) ELSE websearch_to_tsquery(newsd_ts_config($2), $1) END)) "
        "AND ($2::text IS NULL OR a.lang = $2) "
        "AND ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id "
        "AND m.entity_id = $3::bigint)) "
        "AND ($4::bigint IS NULL OR a.event_id = $4::bigint) "
        "AND ($5::timestamptz IS NULL OR a.published_at >= $5::timestamptz) "
        "AND ($6::timestamptz IS NULL OR a.published_at < $6::timestamptz) "
        "AND ($7::bigint IS NULL OR a.id < $7::bigint) "
        "AND ($9::boolean IS NULL OR $9::boolean OR a.duplicate_of IS NULL) "
        "AND ($10::text IS NULL OR a.source_id = ANY (ARRAY(SELECT s.id FROM sources s WHERE "
        "lower(s.name) = lower($10)))) "
        "AND ($11::text IS NULL OR lower(a.agency) = lower($11)) "
        "ORDER BY a.id DESC LIMIT $8::int";

static const struct db_stmt STMT_ENTITY_ARTICLES = {
        "entity_articles",
        "SELECT " ARTICLE_ROW " FROM mentions m JOIN articles a ON a.id = m.article_id "
        "WHERE m.entity_id = $1::bigint AND ($2::bigint IS NULL OR a.id < $2::bigint) "
        "ORDER BY a.id DESC LIMIT $3::int",
        3};

/* Events involving an entity, newest first (the keyset of GET /events). */
static const struct db_stmt STMT_ENTITY_EVENTS = {
        "entity_events",
        "SELECT (extract(epoch FROM v.last_published) * 1000000)::bigint, v.id, "
        "json_build_object(" EVENT_SUMMARY_FIELDS ")::text FROM event_entities ee JOIN events v ON "
        "v.id = ee.event_id WHERE ee.entity_id = $1::bigint AND v.merged_into IS NULL AND "
        "($2::bigint IS NULL OR "
        "((extract(epoch FROM v.last_published) * 1000000)::bigint, v.id) < ($2::bigint, "
        "$4::bigint)) ORDER BY v.last_published DESC, v.id DESC LIMIT $3::int",
        4};

/* An entity's lists: no row is 404; a merged one redirects (-EXDEV). */
static const struct db_stmt STMT_EXISTS_ENTITY = {
        "entity_exists", "SELECT merged_into FROM entities WHERE id = $1::bigint", 1};

static int page_from(struct db_conn *c, PGresult *res, int limit, const char *what,
                     struct db_page *out)
{
	int err;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(c, res, what);
	else
		err = db_page_fill(res, limit, out);
	PQclear(res);
	return err;
}

/* A list under a parent (entity, event): 404 when the parent is missing,
 * -EXDEV (*moved_to) when its first column is set (a merged entity). */
static int child_page(struct db_conn *c, const struct db_stmt *exists, const struct db_stmt *list,
                      int64_t id, const struct db_after *after, int limit, struct db_page *out,
                      int64_t *moved_to)
{
	char ibuf[24], abuf[24], lbuf[24], bbuf[24];
	const char *p[4] = {db_i64(ibuf, id), after->has ? db_i64(abuf, after->k1) : NULL,
	                    db_i64(lbuf, limit + 1), after->has ? db_i64(bbuf, after->k2) : NULL};
	PGresult *res = db_exec(c, exists, p);
	int err = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(c, res, exists->name);
	else if (PQntuples(res) == 0)
		err = -ENOENT;
	else if (moved_to && !PQgetisnull(res, 0, 0)) {
		*moved_to = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		err = -EXDEV;
	}
	PQclear(res);
	if (err)
		return err;
	return page_from(c, db_exec(c, list, p), limit, list->name, out);
}

int db_article_json(struct db_conn *conn, int64_t id, char **json_out)
{
	return db_fetch_json(conn, &STMT_ARTICLE, id, json_out);
}

int db_articles_list(struct db_conn *conn, const struct db_article_query *q, struct db_page *out)
{
	char ebuf[24], vbuf[24], abuf[24], lbuf[24];
	const char *p[11] = {q->q,
	                     q->lang,
	                     q->entity_id ? db_i64(ebuf, q->entity_id) : NULL,
	                     q->event_id ? db_i64(vbuf, q->event_id) : NULL,
	                     q->range.from,
	                     q->range.to_end,
	                     q->after.has ? db_i64(abuf, q->after.k1) : NULL,
	                     db_i64(lbuf, q->limit + 1),
	                     q->duplicates ? q->duplicates : NULL,
	                     q->source,
	                     q->agency};

	return page_from(conn, db_exec_once(conn, SQL_ARTICLES, 11, p), q->limit, "list articles",
	                 out);
}

int db_entity_articles(struct db_conn *conn, int64_t id, const struct db_after *after, int limit,
                       struct db_page *out, int64_t *moved_to)
{
	return child_page(conn, &STMT_EXISTS_ENTITY, &STMT_ENTITY_ARTICLES, id, after, limit, out,
	                  moved_to);
}

int db_entity_events(struct db_conn *conn, int64_t id, const struct db_after *after, int limit,
                     struct db_page *out, int64_t *moved_to)
{
	return child_page(conn, &STMT_EXISTS_ENTITY, &STMT_ENTITY_EVENTS, id, after, limit, out,
	                  moved_to);
}
