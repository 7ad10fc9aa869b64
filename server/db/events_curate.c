/* Event curation: merge, split and re-clustering. The derived fields of the
 * events changed are computed by db_event_derive (the clustering's).
 *
 * Each request is one transaction under an advisory lock that serialises
 * curations (not the clustering leader's, which is a session lock on
 * another key), with the events locked in id order; it first bumps
 * cluster_state.generation, which orders it against the leader's commit and
 * makes the leader reload its in-memory events. docs/events.md and docs/api.md describe the
 * effects. */
#include "internal.h"
#include "strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct db_stmt STMT_LOCK = {"curate_lock",
                                         "SELECT pg_advisory_xact_lock(3, hashtext('events'))", 0};

static const struct db_stmt STMT_GENERATION = {
        "curate_generation", "UPDATE cluster_state SET generation = generation + 1", 0};

/* The events named, locked, in id order: id, merged_into, story_id. */
static const struct db_stmt STMT_EVENTS_LOCK = {
        "curate_events_lock",
        "SELECT id, merged_into, story_id FROM events WHERE id = ANY ($1::bigint[]) ORDER BY id "
        "FOR UPDATE",
        1};

/* ---- counts ---- */

/* After articles moved: the counts and activity window of the events, and
 * their participants from the mentions of their articles (weight = mentions,
 * articles = articles naming it; roles are the derivation's). The centroid
 * goes NULL: the clustering leader, reloading on the new generation,
 * rebuilds it from the articles' stored term vectors. */
static const struct db_stmt STMT_RECOUNT = {
        "curate_recount",
        "WITH agg AS (SELECT a.event_id, m.entity_id, sum(m.count)::int AS weight, "
        "count(*)::int AS articles FROM articles a JOIN mentions m ON m.article_id = a.id WHERE "
        "a.event_id = ANY ($1::bigint[]) GROUP BY 1, 2), "
        "gone AS (DELETE FROM event_entities ee WHERE ee.event_id = ANY ($1::bigint[]) AND NOT "
        "EXISTS (SELECT 1 FROM agg WHERE agg.event_id = ee.event_id AND agg.entity_id = "
        "ee.entity_id)), "
        "ins AS (INSERT INTO event_entities (event_id, entity_id, weight, articles) SELECT "
        "event_id, entity_id, weight, articles FROM agg ON CONFLICT (event_id, entity_id) DO "
        "UPDATE SET weight = EXCLUDED.weight, articles = EXCLUDED.articles, role = NULL) "
        "UPDATE events v SET article_count = g.n, first_published = g.f, last_published = g.l, "
        "centroid = NULL, updated_at = now() FROM (SELECT a.event_id, count(*)::int AS n, "
        "min(coalesce(a.published_at, a.ingested_at)) AS f, max(coalesce(a.published_at, "
        "a.ingested_at)) AS l FROM articles a WHERE a.event_id = ANY ($1::bigint[]) GROUP BY 1) g "
        "WHERE v.id = g.event_id",
        1};

/* Stories of the events ($1) and the stories named ($2): their counts and
 * dates over the events they hold; a story left without events goes. */
static const struct db_stmt STMT_STORIES_REFRESH = {
        "stories_refresh",
        "WITH ids AS (SELECT story_id AS id FROM events WHERE id = ANY ($1::bigint[]) AND "
        "story_id IS NOT NULL UNION SELECT unnest($2::bigint[])), "
        "x AS (SELECT st.id, count(v.id)::int AS n, min(v.event_date) AS first, "
        "max(v.event_date) AS last FROM stories st LEFT JOIN events "
        "v ON v.story_id = st.id AND v.merged_into IS NULL WHERE st.id IN (SELECT id FROM ids) "
        "GROUP BY st.id), "
        "up AS (UPDATE stories s SET event_count = x.n, first_date = x.first, last_date = x.last, "
        "updated_at = now() FROM x WHERE s.id = x.id AND x.n > 0) "
        "DELETE FROM stories s USING x WHERE s.id = x.id AND x.n = 0 AND NOT EXISTS (SELECT 1 "
        "FROM events v WHERE v.story_id = s.id)",
        2};

/* ---- merge ---- */

static const struct db_stmt STMT_MERGE_MOVE = {
        "merge_move",
        "WITH moved AS (UPDATE articles SET event_id = $2::bigint WHERE event_id = $1::bigint "
        "RETURNING id) SELECT coalesce(array_agg(id ORDER BY id), '{}')::text FROM moved",
        2};

static const struct db_stmt STMT_MERGE_ENTITIES = {
        "merge_entities",
        "WITH src AS (DELETE FROM event_entities WHERE event_id = $1::bigint RETURNING entity_id, "
        "weight, articles, role) INSERT INTO event_entities (event_id, entity_id, weight, "
        "articles, role) SELECT $2::bigint, entity_id, weight, articles, role FROM src ON "
        "CONFLICT (event_id, entity_id) DO UPDATE SET weight = event_entities.weight + "
        "EXCLUDED.weight, articles = event_entities.articles + EXCLUDED.articles, role = "
        "coalesce(event_entities.role, EXCLUDED.role)",
        2};

/* The source keeps its row for redirects; events merged into it before now
 * point at the target, so a redirect is one step. */
static const struct db_stmt STMT_MERGE_MARK = {
        "merge_mark",
        "WITH flat AS (UPDATE events SET merged_into = $2::bigint, updated_at = now() WHERE "
        "merged_into = $1::bigint), "
        "src AS (UPDATE events SET merged_into = $2::bigint, article_count = 0, source_count = "
        "0, lang_count = 0, story_id = NULL, derived_count = 0, updated_at = "
        "now() WHERE id = $1::bigint) "
        "UPDATE events SET curated = true, updated_at = now() WHERE id = $2::bigint",
        2};

static const struct db_stmt STMT_HISTORY = {
        "event_history_pair",
        "INSERT INTO event_history (event_id, action, other_event_id, article_ids) VALUES "
        "($1::bigint, $3, $2::bigint, $5::bigint[]), ($2::bigint, $4, $1::bigint, $5::bigint[])",
        5};

/* The generation is bumped first: the clustering leader's commit reads it
 * FOR SHARE before it touches events and articles, so both take the
 * cluster_state row before any other. Bumped last, a curation holding
 * articles and events waited for a leader that waited for them: a deadlock,
 * one of the two aborted. (Rolled back with the rest on failure.) */
static int begin_locked(struct db_conn *c)
{
	int err = db_command(c, "BEGIN");

	if (!err)
		err = db_run(c, &STMT_LOCK, NULL, PGRES_TUPLES_OK, NULL);
	if (!err)
		err = db_run(c, &STMT_GENERATION, NULL, PGRES_COMMAND_OK, NULL);
	return err;
}

static int finish(struct db_conn *c, int err)
{
	if (!err)
		err = db_command(c, "COMMIT");
	if (err)
		db_rollback(c);
	return err;
}

/* Counts first, then the derived fields with their provenance and the
 * stories' figures: db_event_derive (server/db/cluster_commit.c), the one
 * place that computes them, for the clustering as for curation. */
static int recount(struct db_conn *conn, const int64_t *ids, size_t n)
{
	struct strbuf lit;
	int err;

	if (!n)
		return 0;
	strbuf_init(&lit);
	err = db_id_array(ids, n, &lit);
	if (!err) {
		const char *p[1] = {lit.buf};

		err = db_run(conn, &STMT_RECOUNT, p, PGRES_COMMAND_OK, NULL);
	}
	if (!err)
		err = db_event_derive(conn, ids, n, true);
	strbuf_release(&lit);
	return err;
}

struct locked_event {
	int64_t id, merged_into, story_id; /* 0: none */
};

/* Lock the events of ids (in id order) into out (same order as ids); a
 * missing one leaves its id 0. */
static int lock_events(struct db_conn *c, const int64_t *ids, size_t n, struct locked_event *out)
{
	struct strbuf lit;
	PGresult *res = NULL;
	size_t i;
	int r, err;

	memset(out, 0, n * sizeof(*out));
	strbuf_init(&lit);
	err = db_id_array(ids, n, &lit);
	if (!err) {
		const char *p[1] = {lit.buf};

		err = db_run(c, &STMT_EVENTS_LOCK, p, PGRES_TUPLES_OK, &res);
	}
	for (r = 0; !err && r < PQntuples(res); r++) {
		int64_t id = strtoll(PQgetvalue(res, r, 0), NULL, 10);

		for (i = 0; i < n; i++) {
			if (ids[i] != id)
				continue;
			out[i].id = id;
			out[i].merged_into = PQgetisnull(res, r, 1)
			                             ? 0
			                             : strtoll(PQgetvalue(res, r, 1), NULL, 10);
			out[i].story_id = PQgetisnull(res, r, 2)
			                          ? 0
			                          : strtoll(PQgetvalue(res, r, 2), NULL, 10);
		}
	}
	PQclear(res);
	strbuf_release(&lit);
	return err;
}

int db_event_merge(struct db_conn *conn, int64_t id, int64_t into, char *why, size_t wl)
{
	int64_t ids[2] = {id, into};
	struct locked_event ev[2];
	struct strbuf story;
	char ibuf[24], tbuf[24];
	PGresult *res = NULL;
	int err;

	strbuf_init(&story);
	if (id == into) {
		snprintf(why, wl, "event %" PRId64 " cannot be merged into itself", id);
		return -EBUSY;
	}
	err = begin_locked(conn);
	if (!err)
		err = lock_events(conn, ids, 2, ev);
	if (err)
		goto out;
	if (!ev[0].id || !ev[1].id) {
		snprintf(why, wl, "no event with id %" PRId64, ev[0].id ? into : id);
		err = -ENOENT;
	} else if (ev[0].merged_into) {
		snprintf(why, wl, "event %" PRId64 " was already merged into event %" PRId64, id,
		         ev[0].merged_into);
		err = -EBUSY;
	} else if (ev[1].merged_into) {
		snprintf(why, wl,
		         "event %" PRId64 " was merged into event %" PRId64 "; merge into that one",
		         into, ev[1].merged_into);
		err = -EBUSY;
	}
	if (err)
		goto out;
	{
		const char *p[2] = {db_i64(ibuf, id), db_i64(tbuf, into)};

		err = db_run(conn, &STMT_MERGE_MOVE, p, PGRES_TUPLES_OK, &res);
		if (!err)
			err = db_run(conn, &STMT_MERGE_ENTITIES, p, PGRES_COMMAND_OK, NULL);
		if (!err)
			err = db_run(conn, &STMT_MERGE_MARK, p, PGRES_COMMAND_OK, NULL);
	}
	if (!err) {
		const char *p[5] = {ibuf, tbuf, "merged_into", "merge", PQgetvalue(res, 0, 0)};

		err = db_run(conn, &STMT_HISTORY, p, PGRES_COMMAND_OK, NULL);
	}
	if (!err)
		err = recount(conn, &into, 1);
	if (!err && ev[0].story_id) {
		const char *p[2] = {"{}", NULL};

		err = db_id_array(&ev[0].story_id, 1, &story);
		p[1] = story.buf;
		if (!err)
			err = db_run(conn, &STMT_STORIES_REFRESH, p, PGRES_COMMAND_OK, NULL);
	}
out:
	PQclear(res);
	strbuf_release(&story);
	return finish(conn, err);
}

/* ---- split ---- */

/* The first of the ids that is not an article of the event, if any. */
static const struct db_stmt STMT_SPLIT_CHECK = {
        "split_check",
        "SELECT (SELECT x.id FROM unnest($2::bigint[]) AS x(id) WHERE NOT EXISTS (SELECT 1 FROM "
        "articles a WHERE a.id = x.id AND a.event_id = $1::bigint) ORDER BY x.id LIMIT 1), "
        "(SELECT count(*) FROM articles a WHERE a.event_id = $1::bigint)",
        2};

static const struct db_stmt STMT_SPLIT_NEW = {
        "split_new",
        "INSERT INTO events (title, first_published, last_published, article_count, curated, "
        "story_id, centroid) SELECT title, first_published, last_published, 0, true, story_id, "
        "centroid FROM events "
        "WHERE id = $1::bigint RETURNING id",
        1};

static const struct db_stmt STMT_SPLIT_MOVE = {
        "split_move",
        "WITH moved AS (UPDATE articles SET event_id = $2::bigint WHERE id = ANY ($3::bigint[]) "
        "AND event_id = $1::bigint RETURNING id), cur AS (UPDATE events SET curated = true, "
        "updated_at = now() WHERE id = $1::bigint) SELECT coalesce(array_agg(id ORDER BY id), "
        "'{}')::text FROM moved",
        3};

int db_event_split(struct db_conn *conn, int64_t id, const int64_t *articles, size_t n,
                   int64_t *new_id, char *why, size_t wl)
{
	struct locked_event ev;
	struct strbuf lit;
	char ibuf[24], nbuf[24];
	PGresult *res = NULL;
	int64_t ids[2];
	int err;

	*new_id = 0;
	strbuf_init(&lit);
	err = db_id_array(articles, n, &lit);
	if (err) {
		strbuf_release(&lit);
		return err;
	}
	err = begin_locked(conn);
	if (!err)
		err = lock_events(conn, &id, 1, &ev);
	if (err)
		goto out;
	if (!ev.id) {
		snprintf(why, wl, "no event with id %" PRId64, id);
		err = -ENOENT;
		goto out;
	}
	if (ev.merged_into) {
		snprintf(why, wl, "event %" PRId64 " was merged into event %" PRId64, id,
		         ev.merged_into);
		err = -EBUSY;
		goto out;
	}
	{
		const char *p[2] = {db_i64(ibuf, id), lit.buf};

		err = db_run(conn, &STMT_SPLIT_CHECK, p, PGRES_TUPLES_OK, &res);
	}
	if (err)
		goto out;
	if (!PQgetisnull(res, 0, 0)) {
		snprintf(why, wl, "article %s is not an article of event %" PRId64,
		         PQgetvalue(res, 0, 0), id);
		err = -EBUSY;
	} else if ((size_t)strtoll(PQgetvalue(res, 0, 1), NULL, 10) <= n) {
		snprintf(why, wl,
		         "a split must leave at least one article in event %" PRId64 " (it has %s)",
		         id, PQgetvalue(res, 0, 1));
		err = -EBUSY;
	}
	PQclear(res);
	res = NULL;
	if (err)
		goto out;
	{
		const char *p[1] = {ibuf};

		err = db_run(conn, &STMT_SPLIT_NEW, p, PGRES_TUPLES_OK, &res);
		if (!err)
			err = db_result_int64(res, 0, new_id);
		PQclear(res);
		res = NULL;
	}
	if (!err) {
		const char *p[3] = {ibuf, db_i64(nbuf, *new_id), lit.buf};

		err = db_run(conn, &STMT_SPLIT_MOVE, p, PGRES_TUPLES_OK, &res);
	}
	if (!err) {
		const char *p[5] = {ibuf, nbuf, "split", "split_from", PQgetvalue(res, 0, 0)};

		err = db_run(conn, &STMT_HISTORY, p, PGRES_COMMAND_OK, NULL);
	}
	ids[0] = id;
	ids[1] = *new_id;
	if (!err)
		err = recount(conn, ids, 2);
out:
	PQclear(res);
	strbuf_release(&lit);
	err = finish(conn, err);
	if (err)
		*new_id = 0;
	return err;
}

/* ---- re-clustering ---- */

/* Articles of events no curator touched whose date ($1 <= day <= $2), or
 * whose own happening day, is in the period go back to the clustering. An
 * event left empty is deleted (with its history); one that keeps articles
 * gets a 'recluster' entry and its fields derived again. Returns: articles
 * reset, events deleted, the kept events' ids. The two halves of the period
 * are two lookups, by events_date then articles_event, and by
 * articles_happened: one condition with an OR across the two tables read
 * every placed article. */
static const struct db_stmt STMT_RECLUSTER = {
        "recluster",
        "WITH by_event AS (SELECT a.id, a.event_id FROM events v JOIN articles a ON a.event_id = "
        "v.id WHERE v.event_date >= $1::date AND v.event_date <= $2::date AND v.merged_into IS "
        "NULL AND NOT v.curated FOR UPDATE OF a), "
        "by_article AS (SELECT a.id, a.event_id FROM articles a JOIN events v ON v.id = "
        "a.event_id WHERE a.happened_on >= $1::date AND a.happened_on <= $2::date AND "
        "v.merged_into IS NULL AND NOT v.curated FOR UPDATE OF a), "
        "t AS (SELECT id, event_id FROM by_event UNION SELECT id, event_id FROM by_article), "
        "reset AS (UPDATE articles a SET event_id = NULL, clustered_at = NULL FROM t WHERE a.id "
        "= t.id), "
        "per AS (SELECT t.event_id, array_agg(t.id ORDER BY t.id) AS ids, count(*) AS n FROM t "
        "GROUP BY t.event_id), "
        "left_ AS (SELECT per.event_id, per.ids, (SELECT count(*) FROM articles a WHERE "
        "a.event_id = per.event_id) - per.n AS remaining, "
        "v.story_id, EXISTS (SELECT 1 FROM events m WHERE m.merged_into = per.event_id) AS "
        "target FROM per JOIN events v ON v.id = per.event_id), "
        "hist AS (INSERT INTO event_history (event_id, action, article_ids) SELECT event_id, "
        "'recluster', ids FROM left_ WHERE remaining > 0 OR target) "
        "SELECT (SELECT count(*) FROM t), coalesce((SELECT array_agg(event_id ORDER BY "
        "event_id) FROM left_ WHERE remaining <= 0 AND NOT target), '{}')::text, "
        "coalesce((SELECT array_agg(event_id ORDER BY event_id) FROM left_ WHERE remaining > 0 "
        "OR target), '{}')::text, coalesce((SELECT array_agg(DISTINCT story_id) FROM left_ WHERE "
        "story_id IS NOT NULL), '{}')::text",
        2};

/* Delete emptied events; their history goes, references to them are
 * cleared. */
static const struct db_stmt STMT_RECLUSTER_DELETE = {
        "recluster_delete",
        "WITH h AS (DELETE FROM event_history WHERE event_id = ANY ($1::bigint[])), "
        "o AS (UPDATE event_history SET other_event_id = NULL WHERE other_event_id = ANY "
        "($1::bigint[])) "
        "DELETE FROM events WHERE id = ANY ($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM articles "
        "a WHERE a.event_id = events.id)",
        1};

/* Parse a '{1,2,3}' array literal of ids; *out is new. */
static int ids_parse(const char *text, int64_t **out, size_t *n)
{
	const char *p;
	size_t cap = 1;
	char *end;

	for (p = text; *p; p++)
		cap += *p == ',';
	*n = 0;
	*out = calloc(cap, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (p = text; *p;) {
		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		(*out)[(*n)++] = strtoll(p, &end, 10);
		p = end;
	}
	return 0;
}

int db_events_recluster(struct db_conn *conn, const char *from, const char *to,
                        struct db_recluster *out)
{
	const char *p[2] = {from, to};
	PGresult *res = NULL;
	int64_t *kept = NULL, *gone = NULL;
	size_t n_kept = 0, n_gone = 0;
	int err;

	memset(out, 0, sizeof(*out));
	err = begin_locked(conn);
	if (!err)
		err = db_run(conn, &STMT_RECLUSTER, p, PGRES_TUPLES_OK, &res);
	if (!err) {
		out->articles = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		err = ids_parse(PQgetvalue(res, 0, 1), &gone, &n_gone);
		if (!err)
			err = ids_parse(PQgetvalue(res, 0, 2), &kept, &n_kept);
	}
	if (!err && n_gone) {
		const char *d[1] = {PQgetvalue(res, 0, 1)};

		err = db_run(conn, &STMT_RECLUSTER_DELETE, d, PGRES_COMMAND_OK, NULL);
	}
	if (!err)
		err = recount(conn, kept, n_kept);
	if (!err) {
		const char *s[2] = {"{}", PQgetvalue(res, 0, 3)};

		err = db_run(conn, &STMT_STORIES_REFRESH, s, PGRES_COMMAND_OK, NULL);
	}
	out->events_deleted = (int64_t)n_gone;
	out->events_kept = (int64_t)n_kept;
	PQclear(res);
	free(kept);
	free(gone);
	return finish(conn, err);
}
