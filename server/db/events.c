/* Event and story reads: PostgreSQL renders each as JSON in the shape of
 * openapi.yaml (docs/decisions.md, "Reads rendered by PostgreSQL"). Lists
 * return rows (k1, k2, json) in keyset order, limit + 1 of them; each sort
 * is its own literal (a switch picks it), its filters shared through one
 * macro of "$n IS NULL OR ..." conditions run as one-off statements, so the
 * planner sees the values and drops the unused ones. Merged events never
 * appear in lists; a read of one answers where it went. */
#include "internal.h"
#include "strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shapes ---- */

/* A span of an article's body (or title) as evidence: offsets in characters. */
#define SPAN_TEXT(src, s, e) "substr(" src ", (" s ") + 1, greatest((" e ") - (" s "), 0))"

#define EVENT_DETAIL_FIELDS                                                                        \
	"'id', v.id, 'title', v.title, 'titles', v.titles, 'kind', v.kind, 'kind_evidence', "      \
	"(SELECT json_build_object('article_id', a.id, 'start', a.event_kind_start, 'end', "       \
	"a.event_kind_end, 'in_title', coalesce(a.event_kind_in_title, false), "                   \
	"'text', " SPAN_TEXT(                                                                      \
	        "CASE WHEN a.event_kind_in_title THEN coalesce(a.title, '') ELSE a.body END",      \
	        "a.event_kind_start",                                                              \
	        "a.event_kind_end") ") FROM articles a WHERE a.id = "                              \
	                            "v.kind_article_id AND "                                       \
	                            "a.event_kind_start IS NOT NULL AND "                          \
	                            "a.event_kind_end IS NOT NULL), "                              \
	                            "'date', CASE WHEN v.event_date IS NULL THEN NULL ELSE "       \
	                            "json_build_object('value', "                                  \
	                            "v.event_date::text, 'precision', v.event_date_precision, "    \
	                            "'origin', v.date_origin, "                                    \
	                            "'evidence', (SELECT json_build_object('article_id', a.id, "   \
	                            "'start', a.happened_start, "                                  \
	                            "'end', a.happened_end, 'text', " SPAN_TEXT(                   \
	                                    "a.body", "a.happened_start",                          \
	                                    "a.happened_end") ") FROM articles a WHERE "           \
	                                                      "a.id = v.date_article_id "          \
	                                                      "AND a.happened_start IS NOT "       \
	                                                      "NULL AND a.happened_end IS "        \
	                                                      "NOT NULL)) END, "                   \
	                                                      "'location', (SELECT "               \
	                                                      "json_build_object('id', l.id, "     \
	                                                      "'name', l.name, 'kind', l.kind, "   \
	                                                      "'country', l.country, 'lat', "      \
	                                                      "l.latitude, 'lon', l.longitude, "   \
	                                                      "'evidence', (SELECT "               \
	                                                      "json_build_object('article_id', "   \
	                                                      "a.id, 'start', m.spans[1], 'end', " \
	                                                      "m.spans[2], 'text', " SPAN_TEXT(    \
	                                                              "a.body", "m.spans[1]",      \
	                                                              "m.spans[2]") ") FROM "      \
	                                                                            "mentions m "  \
	                                                                            "JOIN "        \
	                                                                            "articles a "  \
	                                                                            "ON "          \
	                                                                            "a.id = "      \
	                                                                            "m.article_"   \
	                                                                            "id WHERE "    \
	                                                                            "m.article_"   \
	                                                                            "id = "        \
	                                                                            "v.location_"  \
	                                                                            "article_id "  \
	                                                                            "AND "         \
	                                                                            "m.entity_id " \
	                                                                            "= "           \
	                                                                            "l.id AND "    \
	                                                                            "cardinality(" \
	                                                                            "m.spans) >= " \
	                                                                            "2)) "         \
	                                                                            "FROM "        \
	                                                                            "entities l "  \
	                                                                            "WHERE l.id "  \
	                                                                            "= "           \
	                                                                            "v.location_"  \
	                                                                            "id), "        \
	                                                                            "'participant" \
	                                                                            "s', "         \
	                                                                            "coalesce(("   \
	                                                                            "SELECT "      \
	                                                                            "json_agg("    \
	                                                                            "json_build_"  \
	                                                                            "object('id'," \
	                                                                            " p.id, "      \
	                                                                            "'name', "     \
	                                                                            "p.name, "     \
	                                                                            "'kind', "     \
	                                                                            "p.kind, "     \
	                                                                            "'weight', "   \
	                                                                            "p.weight, "   \
	                                                                            "'articles', " \
	                                                                            "p.articles, " \
	                                                                            "'role', "     \
	                                                                            "p.role) "     \
	                                                                            "ORDER BY "    \
	                                                                            "p.weight "    \
	                                                                            "DESC, p.id) " \
	                                                                            "FROM "        \
	                                                                            "(SELECT "     \
	                                                                            "e.id, "       \
	                                                                            "e.name, "     \
	                                                                            "e.kind, "     \
	                                                                            "ee.weight, "  \
	                                                                            "ee.articles," \
	                                                                            " ee.role "    \
	                                                                            "FROM "        \
	                                                                            "event_"       \
	                                                                            "entities ee " \
	                                                                            "JOIN "        \
	                                                                            "entities e "  \
	                                                                            "ON e.id = "   \
	                                                                            "ee.entity_"   \
	                                                                            "id WHERE "    \
	                                                                            "ee.event_id " \
	                                                                            "= v.id "      \
	                                                                            "ORDER BY "    \
	                                                                            "ee.weight "   \
	                                                                            "DESC, e.id "  \
	                                                                            "LIMIT 100) "  \
	                                                                            "p), "         \
	                                                                            "'[]'::json)," \
	                                                                            " "            \
	                                                                            "'article_"    \
	                                                                            "count', "     \
	                                                                            "v.article_"   \
	                                                                            "count, "      \
	                                                                            "'source_"     \
	                                                                            "count', "     \
	                                                                            "v.source_"    \
	                                                                            "count, "      \
	                                                                            "'lang_count'" \
	                                                                            ", "           \
	                                                                            "v.lang_"      \
	                                                                            "count, "      \
	                                                                            "'languages'," \
	                                                                            " coalesce(("  \
	                                                                            "SELECT "      \
	                                                                            "json_agg("    \
	                                                                            "json_build_"  \
	                                                                            "object('"     \
	                                                                            "lang', "      \
	                                                                            "g.lang, "     \
	                                                                            "'count', "    \
	                                                                            "g.n) ORDER "  \
	                                                                            "BY g.n "      \
	                                                                            "DESC, "       \
	                                                                            "g.lang) "     \
	                                                                            "FROM "        \
	                                                                            "(SELECT "     \
	                                                                            "a.lang, "     \
	                                                                            "count(*) AS " \
	                                                                            "n FROM "      \
	                                                                            "articles a "  \
	                                                                            "WHERE "       \
	                                                                            "a.event_id "  \
	                                                                            "= v.id "      \
	                                                                            "GROUP BY "    \
	                                                                            "a.lang) g), " \
	                                                                            "'[]'::json)," \
	                                                                            " 'sources', " \
	                                                                            "coalesce(("   \
	                                                                            "SELECT "      \
	                                                                            "json_agg("    \
	                                                                            "json_build_"  \
	                                                                            "object('"     \
	                                                                            "name', "      \
	                                                                            "g.name, "     \
	                                                                            "'count', "    \
	                                                                            "g.n) ORDER "  \
	                                                                            "BY g.n "      \
	                                                                            "DESC, "       \
	                                                                            "g.name) "     \
	                                                                            "FROM "        \
	                                                                            "(SELECT "     \
	                                                                            "s.name, "     \
	                                                                            "count(*) AS " \
	                                                                            "n FROM "      \
	                                                                            "articles a "  \
	                                                                            "JOIN "        \
	                                                                            "sources s "   \
	                                                                            "ON s.id = "   \
	                                                                            "a.source_id " \
	                                                                            "WHERE "       \
	                                                                            "a.event_id "  \
	                                                                            "= v.id "      \
	                                                                            "GROUP BY "    \
	                                                                            "s.name "      \
	                                                                            "ORDER BY 2 "  \
	                                                                            "DESC, 1 "     \
	                                                                            "LIMIT 10) "   \
	                                                                            "g), "         \
	                                                                            "'[]'::json)," \
	                                                                            " 'first_"     \
	                                                                            "published', " \
	                                                                            "newsd_iso(v." \
	                                                                            "first_"       \
	                                                                            "published), " \
	                                                                            "'last_"       \
	                                                                            "published', " \
	                                                                            "newsd_iso(v." \
	                                                                            "last_"        \
	                                                                            "published), " \
	                                                                            "'story', "    \
	                                                                            "(SELECT "     \
	                                                                            "json_build_"  \
	                                                                            "object('id'," \
	                                                                            " s.id, "      \
	                                                                            "'title', "    \
	                                                                            "s.title, "    \
	                                                                            "'event_"      \
	                                                                            "count', "     \
	                                                                            "s.event_"     \
	                                                                            "count) FROM " \
	                                                                            "stories s "   \
	                                                                            "WHERE s.id "  \
	                                                                            "= "           \
	                                                                            "v.story_id)," \
	                                                                            " "            \
	                                                                            "'curated', "  \
	                                                                            "v.curated, "  \
	                                                                            "'history', "  \
	                                                                            "coalesce(("   \
	                                                                            "SELECT "      \
	                                                                            "json_agg("    \
	                                                                            "json_build_"  \
	                                                                            "object('"     \
	                                                                            "action', "    \
	                                                                            "h.action, "   \
	                                                                            "'other_"      \
	                                                                            "event_id', "  \
	                                                                            "h.other_"     \
	                                                                            "event_id, "   \
	                                                                            "'article_"    \
	                                                                            "ids', "       \
	                                                                            "to_json(h."   \
	                                                                            "article_ids)" \
	                                                                            ", "           \
	                                                                            "'at', "       \
	                                                                            "newsd_iso(h." \
	                                                                            "at)) ORDER "  \
	                                                                            "BY h.id) "    \
	                                                                            "FROM "        \
	                                                                            "event_"       \
	                                                                            "history h "   \
	                                                                            "WHERE "       \
	                                                                            "h.event_id "  \
	                                                                            "= v.id), "    \
	                                                                            "'[]'::json)"

/* Where an id leads: itself, or the event it was merged into (followed to
 * the end; curation keeps chains one step long, this bounds older ones). */
#define EVENT_RESOLVE                                                                              \
	"WITH RECURSIVE c(id, next, n) AS (SELECT id, merged_into, 0 FROM events WHERE id = "      \
	"$1::bigint UNION ALL SELECT e.id, e.merged_into, c.n + 1 FROM c JOIN events e ON e.id = " \
	"c.next WHERE c.n < 64) "

static const struct db_stmt STMT_EVENT = {
        "event_json",
        EVENT_RESOLVE
        "SELECT v.id, CASE WHEN v.id = $1::bigint THEN json_build_object(" EVENT_DETAIL_FIELDS
        ")::text END FROM c JOIN events v ON v.id = c.id WHERE c.next IS NULL",
        1};

static const struct db_stmt STMT_EVENT_TARGET = {
        "event_target", EVENT_RESOLVE "SELECT c.id FROM c WHERE c.next IS NULL", 1};

/* q: events with an article matching in that article's own language; the
 * GIN index finds candidates with the query in every configuration, and the
 * 10000 most recently stored matching articles bound the work. */
#define EVENT_FILTERS                                                                              \
	"v.merged_into IS NULL "                                                                   \
	"AND ($1::text IS NULL OR v.id IN (SELECT m.event_id FROM (SELECT a.event_id FROM "        \
	"articles a WHERE a.tsv @@ (SELECT newsd_query_all($1)) AND a.tsv @@ "                     \
	"websearch_to_tsquery(a.ts_config, $1) AND a.event_id IS NOT NULL ORDER BY a.id DESC "     \
	"LIMIT 10000) m)) "                                                                        \
	"AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM articles a WHERE a.event_id = v.id AND "   \
	"a.lang = $2)) "                                                                           \
	"AND ($3::text IS NULL OR v.kind = $3) "                                                   \
	"AND ($4::bigint[] IS NULL OR v.id IN (SELECT ee.event_id FROM event_entities ee WHERE "   \
	"ee.entity_id = ANY ($4::bigint[]) GROUP BY ee.event_id HAVING count(*) = "                \
	"cardinality($4::bigint[]))) "                                                             \
	"AND ($5::bigint IS NULL OR v.location_id = $5::bigint) "                                  \
	"AND ($6::int IS NULL OR v.article_count >= $6::int) "                                     \
	"AND ($7::timestamptz IS NULL OR v.event_date >= ($7::timestamptz AT TIME ZONE "           \
	"'UTC')::date) "                                                                           \
	"AND ($8::timestamptz IS NULL OR v.event_date <= (($8::timestamptz - interval '1 "         \
	"millisecond') AT TIME ZONE 'UTC')::date) "

#define EVENT_ROW_JSON "json_build_object(" EVENT_SUMMARY_FIELDS ")::text"

/* recent: last_published, as microseconds since the epoch. */
static const char SQL_EVENTS_RECENT[] =
        "SELECT (extract(epoch FROM v.last_published) * 1000000)::bigint, v.id, " EVENT_ROW_JSON
        " FROM events v WHERE " EVENT_FILTERS
        "AND ($9::bigint IS NULL OR (v.last_published, v.id) < ('epoch'::timestamptz + "
        "$9::bigint * interval '1 microsecond', $10::bigint)) "
        "ORDER BY v.last_published DESC, v.id DESC LIMIT $11::int";

static const char SQL_EVENTS_SIZE[] =
        "SELECT v.article_count, v.id, " EVENT_ROW_JSON " FROM events v WHERE " EVENT_FILTERS
        "AND ($9::bigint IS NULL OR (v.article_count, v.id) < ($9::int, $10::bigint)) "
        "ORDER BY v.article_count DESC, v.id DESC LIMIT $11::int";

/* date: days since the epoch, then the undated events (k1 = DB_NO_DAY) by
 * id. The two parts run in turn (Append): the second only when the first
 * did not fill the page. */
#define DB_NO_DAY "-2147483648"
static const char SQL_EVENTS_DATE[] =
        "(SELECT v.event_date - date '1970-01-01', v.id, " EVENT_ROW_JSON
        " FROM events v WHERE " EVENT_FILTERS
        "AND v.event_date IS NOT NULL AND ($9::bigint IS NULL OR ($9::bigint <> " DB_NO_DAY
        " AND (v.event_date, v.id) < (date '1970-01-01' + $9::int, $10::bigint))) "
        "ORDER BY v.event_date DESC, v.id DESC LIMIT $11::int) "
        "UNION ALL (SELECT " DB_NO_DAY ", v.id, " EVENT_ROW_JSON
        " FROM events v WHERE " EVENT_FILTERS
        "AND v.event_date IS NULL AND ($9::bigint IS NULL OR $9::bigint <> " DB_NO_DAY
        " OR v.id < $10::bigint) ORDER BY v.id DESC LIMIT $11::int) LIMIT $11::int";

#define ARTICLE_SUMMARY_FIELDS                                                                     \
	"'id', a.id, 'url', a.url, 'title', a.title, 'lang', a.lang, 'lang_confidence', "          \
	"round(a.lang_confidence::numeric, 3), 'source', (SELECT s.name FROM sources s WHERE "     \
	"s.id = a.source_id), 'agency', a.agency, 'published_at', newsd_iso(a.published_at), "     \
	"'published_at_origin', a.published_at_origin, 'published_at_precision', "                 \
	"a.published_at_precision, 'ingested_at', newsd_iso(a.ingested_at), 'word_count', "        \
	"a.word_count, 'content_hash', a.content_hash, 'duplicate_of', a.duplicate_of, "           \
	"'event_id', a.event_id, 'author', a.author, 'canonical_url', a.canonical_url"

static const struct db_stmt STMT_EVENT_ARTICLES = {
        "event_articles",
        "SELECT a.id, 0, json_build_object(" ARTICLE_SUMMARY_FIELDS ")::text FROM articles a "
        "WHERE a.event_id = $1::bigint AND ($2::bigint IS NULL OR a.id < $2::bigint) ORDER BY "
        "a.id DESC LIMIT $3::int",
        3};

/* ---- stories ---- */

#define STORY_SUMMARY_FIELDS                                                                       \
	"'id', s.id, 'title', s.title, 'event_count', s.event_count, 'first_date', "               \
	"s.first_date::text, 'last_date', s.last_date::text"

/* Core participants: the entities in at least half of the story's events
 * (at least two), the ten most shared. Timeline: its events by date. */
static const struct db_stmt STMT_STORY = {
        "story_json",
        "SELECT json_build_object(" STORY_SUMMARY_FIELDS
        ", 'participants', coalesce((SELECT json_agg(json_build_object('id', p.id, 'name', "
        "p.name, 'kind', p.kind, 'events', p.events, 'weight', p.weight) ORDER BY p.events DESC, "
        "p.weight DESC, p.id) FROM (SELECT e.id, e.name, e.kind, count(*)::int AS events, "
        "sum(ee.weight)::bigint AS weight FROM events v JOIN event_entities ee ON ee.event_id = "
        "v.id JOIN entities e ON e.id = ee.entity_id WHERE v.story_id = s.id AND v.merged_into "
        "IS NULL GROUP BY e.id HAVING count(*) >= greatest(2, (s.event_count + 1) / 2) ORDER BY "
        "count(*) DESC, sum(ee.weight) DESC, e.id LIMIT 10) p), '[]'::json), 'events', "
        "coalesce((SELECT json_agg(json_build_object('id', t.id, 'title', t.title, 'kind', "
        "t.kind, 'date', t.date, 'article_count', t.article_count) ORDER BY t.d, t.fp, t.id) "
        "FROM (SELECT v.id, v.title, v.kind, v.event_date AS d, v.first_published AS fp, "
        "v.article_count, " EVENT_DATE_SHORT " AS date FROM events v WHERE v.story_id = s.id AND "
        "v.merged_into IS NULL ORDER BY v.event_date NULLS LAST, v.first_published, v.id LIMIT "
        "500) t), '[]'::json))::text FROM stories s WHERE s.id = $1::bigint AND s.event_count > 0",
        1};

/* last_date as days since the epoch; stories without one (k1 = DB_NO_DAY)
 * come last. */
static const char SQL_STORIES[] =
        "SELECT coalesce(s.last_date - date '1970-01-01', " DB_NO_DAY "), s.id, "
        "json_build_object(" STORY_SUMMARY_FIELDS ")::text FROM stories s WHERE s.event_count > 0 "
        "AND ($1::text IS NULL OR to_tsvector('newsd_simple', coalesce(s.title, '')) @@ "
        "websearch_to_tsquery('newsd_simple', $1)) "
        "AND ($2::bigint IS NULL OR s.id IN (SELECT v.story_id FROM event_entities ee JOIN "
        "events v ON v.id = ee.event_id WHERE ee.entity_id = $2::bigint AND v.merged_into IS "
        "NULL AND v.story_id IS NOT NULL)) "
        "AND ($3::bigint IS NULL OR (coalesce(s.last_date - date '1970-01-01', " DB_NO_DAY
        "), s.id) < ($3::bigint, $4::bigint)) "
        "ORDER BY s.last_date DESC NULLS LAST, s.id DESC LIMIT $5::int";

/* ---- helpers ---- */

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

/* ---- events ---- */

int db_event_json(struct db_conn *conn, int64_t id, char **json_out, int64_t *merged_into)
{
	char idbuf[24];
	const char *p[1] = {db_i64(idbuf, id)};
	PGresult *res = db_exec(conn, &STMT_EVENT, p);
	int err = 0;

	*json_out = NULL;
	*merged_into = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(conn, res, STMT_EVENT.name);
	else if (PQntuples(res) == 0)
		err = -ENOENT;
	else if (PQgetisnull(res, 0, 1))
		*merged_into = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	else if (!(*json_out = strdup(PQgetvalue(res, 0, 1))))
		err = -ENOMEM;
	PQclear(res);
	return err;
}

int db_event_target(struct db_conn *conn, int64_t id, int64_t *target)
{
	char idbuf[24];
	const char *p[1] = {db_i64(idbuf, id)};
	PGresult *res = db_exec(conn, &STMT_EVENT_TARGET, p);
	int err;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(conn, res, STMT_EVENT_TARGET.name);
	else
		err = db_result_int64(res, 0, target);
	PQclear(res);
	return err;
}

int db_events_list(struct db_conn *conn, const struct db_event_query *q, struct db_page *out)
{
	struct strbuf ents;
	char lbuf[24], mbuf[24], k1buf[24], k2buf[24], nbuf[24];
	const char *sql;
	const char *p[11];
	int err;

	strbuf_init(&ents);
	if (q->n_entities) {
		err = db_id_array(q->entity_ids, q->n_entities, &ents);
		if (err)
			goto out;
	}
	p[0] = q->q;
	p[1] = q->lang;
	p[2] = q->kind;
	p[3] = q->n_entities ? ents.buf : NULL;
	p[4] = q->location_id ? db_i64(lbuf, q->location_id) : NULL;
	p[5] = q->min_articles ? db_i64(mbuf, q->min_articles) : NULL;
	p[6] = q->range.from;
	p[7] = q->range.to_end;
	p[8] = q->after.has ? db_i64(k1buf, q->after.k1) : NULL;
	p[9] = q->after.has ? db_i64(k2buf, q->after.k2) : NULL;
	p[10] = db_i64(nbuf, q->limit + 1);
	switch (q->sort) {
	case DB_EVENTS_DATE:
		sql = SQL_EVENTS_DATE;
		break;
	case DB_EVENTS_SIZE:
		sql = SQL_EVENTS_SIZE;
		break;
	default:
		sql = SQL_EVENTS_RECENT;
		break;
	}
	err = page_from(conn, db_exec_once(conn, sql, 11, p), q->limit, "list events", out);
out:
	strbuf_release(&ents);
	return err;
}

int db_event_articles(struct db_conn *conn, int64_t id, const struct db_after *after, int limit,
                      struct db_page *out, int64_t *merged_into)
{
	char ibuf[24], abuf[24], lbuf[24];
	const char *p[3] = {db_i64(ibuf, id), after->has ? db_i64(abuf, after->k1) : NULL,
	                    db_i64(lbuf, limit + 1)};
	int64_t target = 0;
	int err = db_event_target(conn, id, &target);

	*merged_into = 0;
	if (err)
		return err;
	if (target != id) {
		*merged_into = target;
		return 0;
	}
	return page_from(conn, db_exec(conn, &STMT_EVENT_ARTICLES, p), limit,
	                 STMT_EVENT_ARTICLES.name, out);
}

/* ---- stories ---- */

int db_story_json(struct db_conn *conn, int64_t id, char **json_out)
{
	return db_fetch_json(conn, &STMT_STORY, id, json_out);
}

int db_stories_list(struct db_conn *conn, const struct db_story_query *q, struct db_page *out)
{
	char ebuf[24], k1buf[24], k2buf[24], nbuf[24];
	const char *p[5] = {q->q, q->entity_id ? db_i64(ebuf, q->entity_id) : NULL,
	                    q->after.has ? db_i64(k1buf, q->after.k1) : NULL,
	                    q->after.has ? db_i64(k2buf, q->after.k2) : NULL,
	                    db_i64(nbuf, q->limit + 1)};

	return page_from(conn, db_exec_once(conn, SQL_STORIES, 5, p), q->limit, "list stories",
	                 out);
}
