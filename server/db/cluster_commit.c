/* Writing the clustering's decisions: one transaction per batch of placed
 * articles (server/db/cluster.c explains the leadership and the state), and
 * the derived fields of events with their provenance. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "internal.h"
#include "strbuf.h"

/* Run st with two id arrays (a, b of n each) as $1, $2; *rows (when not
 * NULL): how many rows it changed. */
static int run_pairs_counted(struct db_conn *c, const struct db_stmt *st, const int64_t *a,
                             const int64_t *b, size_t n, size_t *rows)
{
	struct strbuf x, y;
	PGresult *res = NULL;
	int err;

	if (rows)
		*rows = 0;
	if (!n)
		return 0;
	strbuf_init(&x);
	strbuf_init(&y);
	err = db_id_array(a, n, &x);
	if (!err)
		err = db_id_array(b, n, &y);
	if (!err) {
		const char *p[2] = {x.buf, y.buf};

		err = db_run(c, st, p, PGRES_COMMAND_OK, rows ? &res : NULL);
	}
	if (!err && rows)
		*rows = (size_t)strtoull(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	strbuf_release(&x);
	strbuf_release(&y);
	return err;
}

static int run_pairs(struct db_conn *c, const struct db_stmt *st, const int64_t *a,
                     const int64_t *b, size_t n)
{
	return run_pairs_counted(c, st, a, b, n, NULL);
}

static int run_ids(struct db_conn *c, const struct db_stmt *st, const int64_t *a, size_t n,
                   const char *extra)
{
	struct strbuf x;
	int err;

	if (!n)
		return 0;
	strbuf_init(&x);
	err = db_id_array(a, n, &x);
	if (!err) {
		const char *p[2] = {x.buf, extra};

		err = db_run(c, st, p, PGRES_COMMAND_OK, NULL);
	}
	strbuf_release(&x);
	return err;
}

/* ---- derived fields ---- */

/* Kind: the one the articles' triggers vote for most (by confidence);
 * date: the happening day most articles state in their text, else the one
 * their publication dates give; location: the place its articles name
 * first (each article's vote decays with the offset of its first mention:
 * reports say where it happened in their first sentence, while a country
 * named further down is context); titles: the first original article's headline per language, the
 * main one in the language with most articles. Each keeps the article it
 * came from; the spans are that article's. Recomputed while the event is
 * small, then each time it grew by a tenth (force: always). */
static const struct db_stmt STMT_DERIVE = {
        "event_derive",
        "UPDATE events e SET kind = coalesce(k.kind, 'other'), kind_article_id = k.article, "
        "event_date = d.day, event_date_precision = d.prec, date_origin = d.origin, "
        "date_article_id = d.article, location_id = l.entity, location_article_id = l.article, "
        "titles = coalesce(t.titles, '{}'), title = coalesce(t.main, e.title), source_count = "
        "c.sources, lang_count = c.langs, derived_count = e.article_count, updated_at = now() "
        "FROM unnest($1::bigint[]) AS x(id) "
        "LEFT JOIN LATERAL (SELECT a.event_kind AS kind, min(a.id) AS article FROM articles a "
        "WHERE a.event_id = x.id AND a.event_kind IS NOT NULL AND a.event_kind <> 'other' GROUP "
        "BY a.event_kind ORDER BY sum(a.event_kind_score) DESC, min(a.id) LIMIT 1) k ON true "
        "LEFT JOIN LATERAL (SELECT a.happened_on AS day, a.happened_precision AS prec, CASE WHEN "
        "bool_or(a.happened_origin = 'text') THEN 'text' ELSE 'published' END AS origin, "
        "coalesce(min(a.id) FILTER (WHERE a.happened_origin = 'text'), min(a.id)) AS article "
        "FROM articles a WHERE a.event_id = x.id AND a.happened_on IS NOT NULL GROUP BY "
        "a.happened_on, a.happened_precision ORDER BY count(*) FILTER (WHERE a.happened_origin = "
        "'text') DESC, a.happened_precision = 'day' DESC, count(*) DESC, a.happened_on LIMIT 1) "
        "d ON true "
        "LEFT JOIN LATERAL (SELECT m.entity_id AS entity, min(m.article_id) AS article FROM "
        "articles a JOIN mentions m ON m.article_id = a.id JOIN entities n ON n.id = m.entity_id "
        "WHERE a.event_id = x.id AND n.kind = 'location' GROUP BY m.entity_id ORDER BY sum(1.0 / "
        "(1 + m.first_offset / 150.0)) DESC, count(*) DESC, m.entity_id LIMIT 1) l ON true "
        "LEFT JOIN LATERAL (SELECT jsonb_object_agg(z.lang, jsonb_build_object('title', z.title, "
        "'article_id', z.id)) AS titles, (array_agg(z.title ORDER BY z.n DESC, z.id))[1] AS main "
        "FROM (SELECT DISTINCT ON (a.lang) a.lang, a.title, a.id, count(*) OVER (PARTITION BY "
        "a.lang) AS n FROM articles a WHERE a.event_id = x.id AND a.title IS NOT NULL AND a.lang "
        "IS NOT NULL ORDER BY a.lang, a.duplicate_of IS NOT NULL, a.id) z) t ON true "
        "CROSS JOIN LATERAL (SELECT count(DISTINCT a.source_id) AS sources, count(DISTINCT "
        "a.lang) AS langs FROM articles a WHERE a.event_id = x.id) c "
        "WHERE e.id = x.id AND ($2::boolean OR e.article_count <= 64 OR e.article_count * 10 >= "
        "e.derived_count * 11)",
        2};

/* A participant's role: the one its articles state most often. */
static const struct db_stmt STMT_ROLES = {
        "event_roles",
        "UPDATE event_entities ee SET role = r.role FROM (SELECT a.event_id, ar.entity_id, mode() "
        "WITHIN GROUP (ORDER BY ar.role) AS role FROM articles a JOIN article_roles ar ON "
        "ar.article_id = a.id WHERE a.event_id = ANY ($1::bigint[]) GROUP BY 1, 2) r WHERE "
        "ee.event_id = r.event_id AND ee.entity_id = r.entity_id AND ee.role IS DISTINCT FROM "
        "r.role",
        1};

/* Stories of the events: their counts and date range. */
static const struct db_stmt STMT_STORY_STATS = {
        "story_stats",
        "UPDATE stories s SET event_count = x.n, first_date = x.f, last_date = x.l, updated_at = "
        "now() FROM (SELECT story_id, count(*) AS n, min(event_date) AS f, max(event_date) AS l "
        "FROM events WHERE merged_into IS NULL AND story_id IN (SELECT story_id FROM events WHERE "
        "id = ANY ($1::bigint[])) GROUP BY story_id) x WHERE s.id = x.story_id",
        1};

static int derive_fields(struct db_conn *c, const int64_t *ids, size_t n, bool force)
{
	int err = run_ids(c, &STMT_DERIVE, ids, n, force ? "t" : "f");

	if (!err)
		err = run_ids(c, &STMT_ROLES, ids, n, NULL);
	return err;
}

int db_event_derive(struct db_conn *c, const int64_t *ids, size_t n, bool force)
{
	int err = derive_fields(c, ids, n, force);

	if (!err)
		err = run_ids(c, &STMT_STORY_STATS, ids, n, NULL);
	return err;
}

/* ---- the batch ---- */

static const struct db_stmt STMT_GENERATION = {
        "cluster_generation", "SELECT generation FROM cluster_state WHERE id = 1 FOR SHARE", 0};

static const struct db_stmt STMT_NEW_EVENTS = {
        "cluster_new_events",
        "INSERT INTO events (id, title, first_published, last_published) SELECT x.id, a.title, "
        "coalesce(a.published_at, a.ingested_at), coalesce(a.published_at, a.ingested_at) FROM "
        "unnest($1::bigint[], $2::bigint[]) AS x(id, article) JOIN articles a ON a.id = "
        "x.article",
        2};

static const struct db_stmt STMT_NEW_STORIES = {
        "cluster_new_stories",
        "WITH s AS (INSERT INTO stories (id, title) SELECT x.id, e.title FROM unnest($1::bigint[], "
        "$2::bigint[]) AS x(id, event) JOIN events e ON e.id = x.event RETURNING id) UPDATE "
        "events e SET story_id = x.id FROM unnest($1::bigint[], $2::bigint[]) AS x(id, event) "
        "WHERE e.id = x.event AND x.id IN (SELECT id FROM s)",
        2};

/* The event joins the story of an earlier event already stored. */
static const struct db_stmt STMT_JOIN_STORIES = {
        "cluster_join_stories",
        "UPDATE events e SET story_id = p.story_id FROM unnest($1::bigint[], $2::bigint[]) AS "
        "x(event, prev) JOIN events p ON p.id = x.prev WHERE e.id = x.event",
        2};

/* A grown event alone in its story moves to the story of an earlier
 * similar event; its own story, left empty, goes, unless another event of
 * the statement moves into it (the statement's parts see one snapshot). */
static const struct db_stmt STMT_RESTORY = {
        "cluster_restory",
        "WITH x AS (SELECT u.event, p.story_id AS story, e.story_id AS old FROM "
        "unnest($1::bigint[], $2::bigint[]) AS u(event, prev) JOIN events p ON p.id = u.prev "
        "JOIN events e ON e.id = u.event WHERE p.story_id IS NOT NULL AND e.story_id IS DISTINCT "
        "FROM p.story_id AND NOT EXISTS (SELECT 1 FROM events o WHERE o.story_id = e.story_id "
        "AND o.id <> e.id)), m AS (UPDATE events e SET story_id = x.story FROM x WHERE e.id = "
        "x.event RETURNING x.old) DELETE FROM stories s WHERE s.id IN (SELECT old FROM m) AND "
        "s.id NOT IN (SELECT story FROM x)",
        2};

/* Only articles still unplaced: the lead makes a batch the one writer of
 * its articles, and this is the backstop should a stale batch ever come
 * (db_cluster_commit checks that every article was placed). */
static const struct db_stmt STMT_PLACE = {
        "cluster_place",
        "UPDATE articles a SET event_id = x.event, clustered_at = now() FROM unnest($1::bigint[], "
        "$2::bigint[]) AS x(article, event) WHERE a.id = x.article AND a.clustered_at IS NULL",
        2};

static const struct db_stmt STMT_EVENT_ENTITIES = {
        "cluster_event_entities",
        "INSERT INTO event_entities (event_id, entity_id, weight, articles) SELECT x.event, "
        "m.entity_id, sum(m.count), count(*) FROM unnest($1::bigint[], $2::bigint[]) AS "
        "x(article, event) JOIN mentions m ON m.article_id = x.article GROUP BY 1, 2 ON CONFLICT "
        "(event_id, entity_id) DO UPDATE SET weight = event_entities.weight + EXCLUDED.weight, "
        "articles = event_entities.articles + EXCLUDED.articles",
        2};

static const struct db_stmt STMT_COUNTS = {
        "cluster_counts",
        "UPDATE events e SET article_count = e.article_count + s.n, first_published = "
        "least(e.first_published, s.f), last_published = greatest(e.last_published, s.l), "
        "updated_at = now() FROM (SELECT x.event, count(*) AS n, min(coalesce(a.published_at, "
        "a.ingested_at)) AS f, max(coalesce(a.published_at, a.ingested_at)) AS l FROM "
        "unnest($1::bigint[], $2::bigint[]) AS x(article, event) JOIN articles a ON a.id = "
        "x.article GROUP BY x.event) s WHERE e.id = s.event",
        2};

static const struct db_stmt STMT_CENTROIDS = {
        "cluster_centroids",
        "UPDATE events e SET centroid = decode(x.hex, 'hex') FROM unnest($1::bigint[], "
        "$2::text[]) AS x(id, hex) WHERE e.id = x.id",
        2};

int db_cluster_write_centroids(struct db_conn *c, struct cluster *cl, const int64_t *ids, size_t n)
{
	struct strbuf x, y, hex;
	size_t i, k = 0;
	int err = 0;

	if (!n)
		return 0;
	strbuf_init(&x);
	strbuf_init(&y);
	strbuf_init(&hex);
	err = strbuf_addch(&x, '{');
	if (!err)
		err = strbuf_addch(&y, '{');
	for (i = 0; i < n && !err; i++) {
		struct cluster_input v;
		char buf[24];
		int count;

		if (cluster_event_view(cl, ids[i], &v, &count))
			continue; /* evicted meanwhile: its stored centroid stays */
		hex.len = 0;
		if (hex.buf)
			hex.buf[0] = '\0';
		err = db_terms_hex(v.terms, v.n_terms, &hex);
		if (!err)
			err = db_array_add(&x, db_i64(buf, ids[i]), k == 0);
		if (!err)
			err = db_array_add(&y, hex.buf ? hex.buf : "", k == 0);
		k++;
	}
	if (!err)
		err = strbuf_addch(&x, '}');
	if (!err)
		err = strbuf_addch(&y, '}');
	if (!err && k) {
		const char *p[2] = {x.buf, y.buf};

		err = db_run(c, &STMT_CENTROIDS, p, PGRES_COMMAND_OK, NULL);
	}
	strbuf_release(&x);
	strbuf_release(&y);
	strbuf_release(&hex);
	return err;
}

int db_cluster_commit(struct db_conn *c, const struct db_cluster_batch *b)
{
	PGresult *res = NULL;
	size_t placed = 0;
	int err = db_command(c, "BEGIN");

	if (!err)
		err = db_run(c, &STMT_GENERATION, NULL, PGRES_TUPLES_OK, &res);
	if (!err &&
	    (PQntuples(res) != 1 || strtoll(PQgetvalue(res, 0, 0), NULL, 10) != b->generation))
		err = -ESTALE;
	PQclear(res);
	if (!err)
		err = run_pairs(c, &STMT_NEW_EVENTS, b->new_events, b->first_articles, b->n_new);
	if (!err)
		err = run_pairs_counted(c, &STMT_PLACE, b->articles, b->events, b->n, &placed);
	/* An article placed since the batch read it: placing and counting the
	 * rest would leave the leader's memory unlike the database. */
	if (!err && placed != b->n)
		err = -EALREADY;
	if (!err)
		err = run_pairs(c, &STMT_EVENT_ENTITIES, b->articles, b->events, b->n);
	if (!err)
		err = run_pairs(c, &STMT_COUNTS, b->articles, b->events, b->n);
	if (!err)
		err = db_cluster_write_centroids(c, b->cl, b->touched, b->n_touched);
	if (!err)
		err = derive_fields(c, b->touched, b->n_touched, false);
	if (!err)
		err = run_pairs(c, &STMT_NEW_STORIES, b->story_ids, b->story_events,
		                b->n_new_stories);
	if (!err)
		err = run_pairs(c, &STMT_JOIN_STORIES, b->join_events, b->join_prev, b->n_join);
	if (!err)
		err = run_pairs(c, &STMT_RESTORY, b->restory_events, b->restory_prev, b->n_restory);
	if (!err)
		err = run_ids(c, &STMT_STORY_STATS, b->touched, b->n_touched, NULL);
	if (!err)
		err = db_command(c, "COMMIT");
	if (err)
		db_rollback(c);
	return err;
}

/* ---- document frequencies ---- */

static const struct db_stmt STMT_SAVE_DF = {
        "cluster_save_df",
        "UPDATE cluster_state SET n_docs = $1::bigint, df = decode($2, 'hex'), saved_at = now() "
        "WHERE id = 1",
        2};

struct df_writer {
	struct strbuf *sb;
	int err;
};

static void put_df(uint32_t term, uint32_t df, void *ctx)
{
	struct df_writer *w = ctx;
	char b[17];

	/* A term seen once tells little and is most of a vocabulary. */
	if (w->err || df < 2)
		return;
	snprintf(b, sizeof(b), "%08x%08x", term, df);
	w->err = strbuf_add(w->sb, b, 16);
}

int db_cluster_save_df(struct db_conn *c, const struct cluster *cl)
{
	struct strbuf sb;
	struct df_writer w = {&sb, 0};
	char nbuf[24];

	strbuf_init(&sb);
	w.err = strbuf_addstr(&sb, "");
	cluster_df_foreach(cl, put_df, &w);
	if (!w.err) {
		const char *p[2] = {db_i64(nbuf, (int64_t)cluster_df_total(cl)),
		                    sb.buf ? sb.buf : ""};

		w.err = db_run(c, &STMT_SAVE_DF, p, PGRES_COMMAND_OK, NULL);
	}
	strbuf_release(&sb);
	return w.err;
}
