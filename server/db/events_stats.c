/* GET /stats/timeline: counts per day, week or month of articles (by
 * published_at) or events (by event_date), every bucket of the period
 * present (generate_series), rendered by PostgreSQL. Two statements: the
 * period's buckets (from the data when from or to is absent) and how many,
 * then the counts once the caller accepted that many. Dates are UTC; weeks
 * start on Monday (ISO). */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TL_ARTICLE_FILTERS                                                                         \
	"a.published_at IS NOT NULL AND ($2::text IS NULL OR (a.tsv @@ (SELECT "                   \
	"newsd_query_all($2)) AND a.tsv @@ websearch_to_tsquery(a.ts_config, $2))) AND "           \
	"($3::bigint "                                                                             \
	"IS NULL OR EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id AND m.entity_id = " \
	"$3::bigint)) AND ($4::bigint IS NULL OR a.event_id = $4::bigint) AND ($7::text IS NULL "  \
	"OR "                                                                                      \
	"EXISTS (SELECT 1 FROM events v WHERE v.id = a.event_id AND v.kind = $7)) AND "            \
	"($8::bigint "                                                                             \
	"IS NULL OR EXISTS (SELECT 1 FROM events v WHERE v.id = a.event_id AND v.location_id = "   \
	"$8::bigint)) AND ($9::text IS NULL OR a.lang = $9)"

/* Events with an article matching q (as GET /events: at most the 10000 most
 * recently stored matching articles count). */
#define TL_EVENT_FILTERS                                                                           \
	"v.merged_into IS NULL AND v.event_date IS NOT NULL AND ($2::text IS NULL OR v.id IN "     \
	"(SELECT m.event_id FROM (SELECT a.event_id FROM articles a WHERE a.tsv @@ (SELECT "       \
	"newsd_query_all($2)) AND a.tsv @@ websearch_to_tsquery(a.ts_config, $2) AND a.event_id "  \
	"IS NOT NULL ORDER BY a.id DESC LIMIT 10000) m)) AND ($3::bigint IS NULL OR EXISTS "       \
	"(SELECT "                                                                                 \
	"1 FROM event_entities ee WHERE ee.event_id = v.id AND ee.entity_id = $3::bigint)) AND "   \
	"($4::bigint IS NULL OR v.id = $4::bigint) AND ($7::text IS NULL OR v.kind = $7) AND "     \
	"($8::bigint IS NULL OR v.location_id = $8::bigint) AND ($9::text IS NULL OR EXISTS "      \
	"(SELECT 1 FROM articles a WHERE a.event_id = v.id AND a.lang = $9))"

/* First and last bucket (dates) and their number; lo, hi: timestamps. */
#define TL_BUCKETS                                                                                 \
	"b AS (SELECT date_trunc($1, r.lo) AS lo, date_trunc($1, r.hi) AS hi FROM r) SELECT "      \
	"b.lo::date::text, b.hi::date::text, CASE WHEN b.lo IS NULL OR b.hi IS NULL OR b.hi < "    \
	"b.lo "                                                                                    \
	"THEN 0 WHEN $1 = 'day' THEN b.hi::date - b.lo::date + 1 WHEN $1 = 'week' THEN "           \
	"(b.hi::date "                                                                             \
	"- b.lo::date) / 7 + 1 ELSE (extract(year FROM b.hi) * 12 + extract(month FROM b.hi)) - "  \
	"(extract(year FROM b.lo) * 12 + extract(month FROM b.lo)) + 1 END::bigint FROM b"

static const char SQL_TL_BOUNDS_ARTICLES[] =
        "WITH r AS (SELECT CASE WHEN $5::timestamptz IS NOT NULL THEN $5::timestamptz AT TIME "
        "ZONE 'UTC' ELSE (SELECT min(a.published_at) FROM articles a WHERE " TL_ARTICLE_FILTERS
        ") AT TIME ZONE 'UTC' END AS lo, CASE WHEN $6::timestamptz IS NOT NULL THEN "
        "($6::timestamptz - interval '1 millisecond') AT TIME ZONE 'UTC' ELSE (SELECT "
        "max(a.published_at) FROM articles a WHERE " TL_ARTICLE_FILTERS
        ") AT TIME ZONE 'UTC' END AS hi), " TL_BUCKETS;

static const char SQL_TL_BOUNDS_EVENTS[] =
        "WITH r AS (SELECT CASE WHEN $5::timestamptz IS NOT NULL THEN ($5::timestamptz AT TIME "
        "ZONE 'UTC')::date::timestamp ELSE (SELECT min(v.event_date) FROM events v "
        "WHERE " TL_EVENT_FILTERS
        ")::timestamp END AS lo, CASE WHEN $6::timestamptz IS NOT NULL THEN (($6::timestamptz - "
        "interval '1 millisecond') AT TIME ZONE 'UTC')::date::timestamp ELSE (SELECT "
        "max(v.event_date) FROM events v WHERE " TL_EVENT_FILTERS
        ")::timestamp END AS hi), " TL_BUCKETS;

/* $5, $6: first and last bucket; $10, $11: the requested bounds (NULL: the
 * buckets'). $7, $8, $9 (kind, location, lang) are the filters' in both
 * statements. */
#define TL_SERIES                                                                                  \
	"WITH s AS (SELECT generate_series($5::timestamp, $6::timestamp, ('1 ' || $1)::interval) " \
	"AS b), "
#define TL_RENDER                                                                                  \
	"SELECT coalesce(json_agg(json_build_object('start', to_char(s.b, 'YYYY-MM-DD'), "         \
	"'count', "                                                                                \
	"coalesce(c.n, 0)) ORDER BY s.b), '[]'::json)::text FROM s LEFT JOIN c ON c.b = s.b"

static const char SQL_TL_ARTICLES[] = TL_SERIES
        "c AS (SELECT date_trunc($1, a.published_at AT TIME ZONE 'UTC') AS b, count(*) "
        "AS n FROM articles a WHERE " TL_ARTICLE_FILTERS
        " AND a.published_at >= coalesce($10::timestamptz, $5::timestamp AT TIME ZONE 'UTC') AND "
        "a.published_at < coalesce($11::timestamptz, ($6::timestamp + ('1 ' || $1)::interval) AT "
        "TIME ZONE 'UTC') GROUP BY 1) " TL_RENDER;

static const char SQL_TL_EVENTS[] = TL_SERIES
        "c AS (SELECT date_trunc($1, v.event_date::timestamp) AS b, count(*) AS n FROM "
        "events v WHERE " TL_EVENT_FILTERS
        " AND v.event_date >= coalesce(($10::timestamptz AT TIME ZONE 'UTC')::date, $5::date) AND "
        "v.event_date <= coalesce((($11::timestamptz - interval '1 millisecond') AT TIME ZONE "
        "'UTC')::date, ($6::timestamp + ('1 ' || $1)::interval - interval '1 day')::date) GROUP BY "
        "1) " TL_RENDER;

int db_timeline(struct db_conn *conn, const struct db_timeline_query *q, long max_buckets,
                long *n_buckets, char **json_out)
{
	char ebuf[24], vbuf[24], lbuf[24], lo[16] = "", hi[16] = "";
	const char *p[11] = {q->interval,
	                     q->q,
	                     q->entity_id ? db_i64(ebuf, q->entity_id) : NULL,
	                     q->event_id ? db_i64(vbuf, q->event_id) : NULL,
	                     q->range.from,
	                     q->range.to_end,
	                     q->kind,
	                     q->location_id ? db_i64(lbuf, q->location_id) : NULL,
	                     q->lang,
	                     q->range.from,
	                     q->range.to_end};
	PGresult *res;
	int err = 0;

	*json_out = NULL;
	*n_buckets = 0;
	res = db_exec_once(conn, q->events ? SQL_TL_BOUNDS_EVENTS : SQL_TL_BOUNDS_ARTICLES, 9, p);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		err = db_error(conn, res, "timeline bounds");
	} else if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) && !PQgetisnull(res, 0, 1)) {
		*n_buckets = strtol(PQgetvalue(res, 0, 2), NULL, 10);
		snprintf(lo, sizeof(lo), "%s", PQgetvalue(res, 0, 0));
		snprintf(hi, sizeof(hi), "%s", PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	if (err)
		return err;
	if (*n_buckets > max_buckets)
		return -ERANGE;
	if (*n_buckets <= 0) {
		*json_out = strdup("[]");
		return *json_out ? 0 : -ENOMEM;
	}
	p[4] = lo;
	p[5] = hi;
	res = db_exec_once(conn, q->events ? SQL_TL_EVENTS : SQL_TL_ARTICLES, 11, p);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(conn, res, "timeline");
	else if (PQntuples(res) != 1)
		err = -EIO;
	else if (!(*json_out = strdup(PQgetvalue(res, 0, 0))))
		err = -ENOMEM;
	PQclear(res);
	return err;
}
