/* Persistence of the event clustering: what the clustering thread
 * (server/ingest/clusterer.c) reads and writes.
 *
 * The leader holds a session advisory lock, so one process places articles
 * at a time, in id order: decisions are deterministic for an arrival order
 * and no two processes open the same event. Its in-memory state (events,
 * document frequencies) is rebuilt from here: events keep their centroid and
 * their entities' article counts, the frequencies are saved as one snapshot.
 * A curation request bumps cluster_state.generation in its transaction; the
 * leader's commit reads the generation FOR SHARE first, so a batch decided
 * on a stale state is rolled back and redone after a reload.
 *
 * Term vectors travel as bytea of (uint32 id, float32 value) pairs, big
 * endian, by id; PostgreSQL gives and takes them hex-encoded.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster.h"
#include "internal.h"
#include "strbuf.h"

/* ---- term vectors as hex ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static uint32_t be32_hex(const char *h)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 4 | (uint32_t)hexval(h[i]);
	return v;
}

/* Decode a hex bytea of (id, float) pairs; terms NULL when empty. */
static int terms_from_hex(const char *hex, struct cluster_term **out, size_t *n)
{
	size_t len = strlen(hex), i, k;
	struct cluster_term *v;

	*out = NULL;
	*n = 0;
	if (len >= 2 && hex[0] == '\\' && hex[1] == 'x') {
		hex += 2;
		len -= 2;
	}
	if (len % 16)
		return -EINVAL;
	k = len / 16;
	if (!k)
		return 0;
	v = malloc(k * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < k; i++) {
		uint32_t bits = be32_hex(hex + i * 16 + 8);
		float f;

		for (size_t j = 0; j < 16; j++)
			if (hexval(hex[i * 16 + j]) < 0) {
				free(v);
				return -EINVAL;
			}
		memcpy(&f, &bits, sizeof(f));
		v[i] = (struct cluster_term){be32_hex(hex + i * 16), isfinite(f) ? f : 0};
	}
	*out = v;
	*n = k;
	return 0;
}

static int put_be32(struct strbuf *sb, uint32_t v)
{
	char b[9];

	snprintf(b, sizeof(b), "%08x", v);
	return strbuf_add(sb, b, 8);
}

/* Plain hex of (id, float) pairs, for decode(..., 'hex'). */
int db_terms_hex(const struct cluster_term *t, size_t n, struct strbuf *sb)
{
	size_t i;
	int err = strbuf_grow(sb, n * 16 + 1);

	for (i = 0; i < n && !err; i++) {
		uint32_t bits;

		memcpy(&bits, &t[i].tf, sizeof(bits));
		err = put_be32(sb, t[i].id);
		if (!err)
			err = put_be32(sb, bits);
	}
	return err;
}

/* "id:w,id:w" as string_agg writes it. */
static int entities_from_text(const char *s, struct cluster_entity **out, size_t *n)
{
	size_t k = *s ? 1 : 0, i = 0;
	const char *p;
	struct cluster_entity *v;

	*out = NULL;
	*n = 0;
	for (p = s; *p; p++)
		k += *p == ',';
	if (!k)
		return 0;
	v = malloc(k * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (p = s; *p && i < k;) {
		char *end;
		long long id = strtoll(p, &end, 10);
		double w = 1;

		if (*end == ':')
			w = strtod(end + 1, &end);
		if (id > 0)
			v[i++] = (struct cluster_entity){id, w > 0 ? (float)w : 1.0f};
		p = *end == ',' ? end + 1 : end + (*end != 0);
		if (p == end && !*end)
			break;
	}
	*out = v;
	*n = i;
	return 0;
}

static int32_t day_of(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? CLUSTER_NO_DAY
	                                  : (int32_t)strtol(PQgetvalue(res, row, col), NULL, 10);
}

/* ---- leadership and state ---- */

/* Session lock: held while the connection lives. The key is arbitrary but
 * fixed ("newsd cl" in ASCII). */
static const struct db_stmt STMT_LEAD = {"cluster_lead",
                                         "SELECT pg_try_advisory_lock(7958814385711541356)", 0};

int db_cluster_try_lead(struct db_conn *c, bool *leader)
{
	PGresult *res = NULL;
	int err = db_run(c, &STMT_LEAD, NULL, PGRES_TUPLES_OK, &res);

	*leader = !err && PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return err;
}

static const struct db_stmt STMT_RESIGN = {"cluster_resign",
                                           "SELECT pg_advisory_unlock(7958814385711541356)", 0};

void db_cluster_resign(struct db_conn *c)
{
	PQclear(db_exec(c, &STMT_RESIGN, NULL));
}

static const struct db_stmt STMT_STATE = {
        "cluster_state",
        "SELECT n_docs, encode(df, 'hex'), generation, (SELECT max(event_date) - DATE "
        "'1970-01-01' FROM events WHERE merged_into IS NULL) FROM cluster_state",
        0};

/* Events reloaded at start: the most recently active ones, oldest first so
 * that the eviction order follows activity. */
static const struct db_stmt STMT_ACTIVE = {
        "cluster_active",
        "SELECT id, encode(centroid, 'hex'), article_count, event_date - DATE '1970-01-01', "
        "coalesce((SELECT string_agg(x.entity_id || ':' || greatest(x.articles, 1), ',') FROM "
        "event_entities x WHERE x.event_id = e.id), '') FROM (SELECT * FROM events WHERE "
        "merged_into IS NULL AND centroid IS NOT NULL AND last_published >= (SELECT "
        "max(last_published) FROM events) - $1::int * interval '1 day' ORDER BY last_published "
        "DESC, id DESC LIMIT $2::int) e ORDER BY e.last_published, e.id",
        2};

/* Add event rows (id, centroid, count, day, entities) of res to cl, skipping
 * those in memory already. */
static int add_events(struct cluster *cl, PGresult *res)
{
	int r, err = 0;

	for (r = 0; r < PQntuples(res) && !err; r++) {
		int64_t id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		struct cluster_input in = {0};
		struct cluster_term *t = NULL;
		struct cluster_entity *e = NULL;

		if (cluster_has(cl, id))
			continue;
		err = terms_from_hex(PQgetvalue(res, r, 1), &t, &in.n_terms);
		if (err == -EINVAL)
			err = 0; /* a damaged centroid: the event is kept on its entities */
		if (!err)
			err = entities_from_text(PQgetvalue(res, r, 4), &e, &in.n_entities);
		in.terms = t;
		in.entities = e;
		in.day = day_of(res, r, 3);
		if (!err)
			err = cluster_add(cl, id, &in, atoi(PQgetvalue(res, r, 2)));
		free(t);
		free(e);
	}
	return err;
}

/* Events whose centroid a curation dropped (merge, split, re-clustering set
 * it NULL) are rebuilt from their articles' stored features, then saved. A
 * page is a number of whole events (all their articles): a page cut inside
 * an event would save a centroid of part of its articles for good. */
static const struct db_stmt STMT_STALE = {
        "cluster_stale",
        "SELECT s.id, a.id IS NULL, coalesce(encode(a.terms, 'hex'), ''), coalesce(a.happened_on, "
        "a.published_at::date) - DATE '1970-01-01', coalesce((SELECT string_agg(m.entity_id || "
        "':' || m.count, ',') FROM mentions m WHERE m.article_id = a.id), '') FROM (SELECT e.id "
        "FROM events e WHERE e.centroid IS NULL AND e.merged_into IS NULL AND e.id > $2::bigint "
        "ORDER BY e.id LIMIT $1::int) s LEFT JOIN articles a ON a.event_id = s.id ORDER BY s.id, "
        "a.id",
        2};

#define STALE_EVENTS 1000 /* events rebuilt per page */

static const struct db_stmt STMT_GENERATION_NOW = {
        "cluster_generation_now", "SELECT generation FROM cluster_state WHERE id = 1 FOR SHARE", 0};

/* Save rebuilt centroids unless a curation came since the load read the
 * generation: computed from the articles as they were, they would replace
 * the NULL its own recount set, and never be rebuilt. A curation bumps the
 * generation first (server/db/events_curate.c), so the share lock waits for
 * one under way. -ESTALE: reload. */
static int write_if_current(struct db_conn *c, struct cluster *cl, const int64_t *ids, size_t n,
                            int64_t generation)
{
	PGresult *res = NULL;
	int err = db_command(c, "BEGIN");

	if (!err)
		err = db_run(c, &STMT_GENERATION_NOW, NULL, PGRES_TUPLES_OK, &res);
	if (!err && (PQntuples(res) != 1 || strtoll(PQgetvalue(res, 0, 0), NULL, 10) != generation))
		err = -ESTALE;
	PQclear(res);
	if (!err)
		err = db_cluster_write_centroids(c, cl, ids, n);
	if (!err)
		err = db_command(c, "COMMIT");
	if (err)
		db_rollback(c);
	return err;
}

/* One page of stale events after event *after; *after moves to the last
 * one, 0 when there are no more. */
static int rebuild_stale_page(struct db_conn *c, struct cluster *cl, int64_t generation,
                              int64_t *after)
{
	char lbuf[24], abuf[24];
	const char *p[2] = {db_i64(lbuf, STALE_EVENTS), db_i64(abuf, *after)};
	PGresult *res = NULL;
	int64_t *ids = NULL;
	size_t n = 0;
	int err = db_run(c, &STMT_STALE, p, PGRES_TUPLES_OK, &res), r;

	if (!err && PQntuples(res)) {
		ids = malloc((size_t)PQntuples(res) * sizeof(*ids));
		if (!ids)
			err = -ENOMEM;
	}
	*after = 0;
	for (r = 0; !err && r < PQntuples(res); r++) {
		int64_t ev = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		struct cluster_input in = {0};
		struct cluster_term *t = NULL;
		struct cluster_entity *e = NULL;

		*after = ev;
		if (PQgetvalue(res, r, 1)[0] == 't')
			continue; /* no articles: nothing to rebuild */
		err = terms_from_hex(PQgetvalue(res, r, 2), &t, &in.n_terms);
		if (err == -EINVAL)
			err = 0;
		if (!err)
			err = entities_from_text(PQgetvalue(res, r, 4), &e, &in.n_entities);
		in.terms = t;
		in.entities = e;
		in.day = day_of(res, r, 3);
		if (!err && (!n || ids[n - 1] != ev)) {
			/* What memory held for it was its stale aggregate. */
			cluster_forget(cl, ev);
			ids[n++] = ev;
		}
		if (!err)
			err = cluster_add(cl, ev, &in, 1);
		free(t);
		free(e);
	}
	PQclear(res);
	if (!err && n)
		err = write_if_current(c, cl, ids, n, generation);
	free(ids);
	return err;
}

static int rebuild_stale(struct db_conn *c, struct cluster *cl, int64_t generation)
{
	int64_t after = 0;
	int err;

	do
		err = rebuild_stale_page(c, cl, generation, &after);
	while (!err && after);
	return err;
}

int db_cluster_load(struct db_conn *c, struct cluster *cl, int horizon_days, size_t max_events,
                    int64_t *generation, int32_t *newest_day)
{
	char hbuf[24], mbuf[24];
	const char *p[2] = {db_i64(hbuf, horizon_days), db_i64(mbuf, (int64_t)max_events)};
	PGresult *res = NULL;
	int err = db_run(c, &STMT_STATE, NULL, PGRES_TUPLES_OK, &res);

	if (!err && PQntuples(res) == 1) {
		const char *hex = PQgetvalue(res, 0, 1);
		size_t len = strlen(hex), i;

		cluster_df_total_set(cl, (uint64_t)strtoull(PQgetvalue(res, 0, 0), NULL, 10));
		*generation = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
		*newest_day = day_of(res, 0, 3);
		for (i = 0; i + 16 <= len && !err; i += 16)
			err = cluster_df_set(cl, be32_hex(hex + i), be32_hex(hex + i + 8));
	}
	PQclear(res);
	res = NULL;
	if (!err)
		err = db_run(c, &STMT_ACTIVE, p, PGRES_TUPLES_OK, &res);
	if (!err)
		err = add_events(cl, res);
	PQclear(res);
	if (!err)
		err = rebuild_stale(c, cl, *generation);
	return err;
}

/* Events sharing an entity with the article and dated within the window:
 * for an article about a happening older than what memory holds. The
 * matching events are found first (from the window's events, a bounded set
 * at any corpus size, or from the entities' events when they are rare),
 * then the newest taken: with ORDER BY id LIMIT on the outer query the
 * planner walked the primary key backwards through every newer event (164
 * ms at 1M articles against 15). */
static const struct db_stmt STMT_NEAR = {
        "cluster_near",
        "WITH c AS MATERIALIZED (SELECT e.id FROM events e WHERE e.merged_into IS NULL AND "
        "e.centroid IS NOT NULL AND e.event_date BETWEEN DATE '1970-01-01' + $2::int AND DATE "
        "'1970-01-01' + $3::int AND EXISTS (SELECT 1 FROM event_entities ee WHERE ee.event_id = "
        "e.id AND ee.entity_id = ANY ($1::bigint[]))) SELECT e.id, encode(e.centroid, 'hex'), "
        "e.article_count, e.event_date - DATE '1970-01-01', coalesce((SELECT "
        "string_agg(x.entity_id || ':' || greatest(x.articles, 1), ',') FROM event_entities x "
        "WHERE x.event_id = e.id), '') FROM events e WHERE e.id IN (SELECT id FROM c ORDER BY id "
        "DESC LIMIT $4::int) ORDER BY e.id DESC",
        4};

int db_cluster_load_near(struct db_conn *c, struct cluster *cl, const int64_t *entities, size_t n,
                         int32_t from_day, int32_t to_day, int limit)
{
	struct strbuf ids;
	char fbuf[24], tbuf[24], lbuf[24];
	PGresult *res = NULL;
	int err;

	if (!n)
		return 0;
	strbuf_init(&ids);
	err = db_id_array(entities, n, &ids);
	if (!err) {
		const char *p[4] = {ids.buf, db_i64(fbuf, from_day), db_i64(tbuf, to_day),
		                    db_i64(lbuf, limit)};

		err = db_run(c, &STMT_NEAR, p, PGRES_TUPLES_OK, &res);
	}
	if (!err)
		err = add_events(cl, res);
	PQclear(res);
	strbuf_release(&ids);
	return err;
}

static const struct db_stmt STMT_EVENT = {
        "cluster_event",
        "SELECT e.id, encode(e.centroid, 'hex'), e.article_count, e.event_date - DATE "
        "'1970-01-01', coalesce((SELECT string_agg(x.entity_id || ':' || greatest(x.articles, "
        "1), ',') FROM event_entities x WHERE x.event_id = e.id), '') FROM events e WHERE e.id "
        "= $1::bigint AND e.merged_into IS NULL AND e.centroid IS NOT NULL",
        1};

int db_cluster_load_event(struct db_conn *c, struct cluster *cl, int64_t id)
{
	char ibuf[24];
	const char *p[1] = {db_i64(ibuf, id)};
	PGresult *res = NULL;
	int err;

	if (cluster_has(cl, id))
		return 0;
	err = db_run(c, &STMT_EVENT, p, PGRES_TUPLES_OK, &res);
	if (!err)
		err = add_events(cl, res);
	PQclear(res);
	return err;
}

/* Earlier events sharing at least two of the given (core) entities, at any
 * date: story candidates. Each entity contributes its 2,000 newest events
 * (an index scan backwards that stops there), so a name in every tenth
 * event costs the same at 1M articles as at 10k, as the in-memory index
 * reads only the newest entries of a posting list (server/cluster/cluster.c). */
static const struct db_stmt STMT_STORY_NEAR = {
        "cluster_story_near",
        "SELECT e.id, encode(e.centroid, 'hex'), e.article_count, e.event_date - DATE "
        "'1970-01-01', coalesce((SELECT string_agg(x.entity_id || ':' || greatest(x.articles, "
        "1), ',') FROM event_entities x WHERE x.event_id = e.id), '') FROM events e WHERE e.id "
        "IN (SELECT s.event_id FROM unnest($1::bigint[]) AS q(entity) CROSS JOIN LATERAL (SELECT "
        "ee.event_id FROM event_entities ee WHERE ee.entity_id = q.entity AND ee.event_id < "
        "$2::bigint ORDER BY ee.event_id DESC LIMIT 2000) s GROUP BY s.event_id HAVING count(*) "
        ">= 2 ORDER BY s.event_id DESC LIMIT $3::int) AND e.merged_into IS NULL AND e.centroid IS "
        "NOT NULL",
        3};

int db_cluster_load_story_candidates(struct db_conn *c, struct cluster *cl, const int64_t *core,
                                     size_t n, int64_t before_event, int limit)
{
	struct strbuf ids;
	char bbuf[24], lbuf[24];
	PGresult *res = NULL;
	int err;

	if (n < 2)
		return 0;
	strbuf_init(&ids);
	err = db_id_array(core, n, &ids);
	if (!err) {
		const char *p[3] = {ids.buf, db_i64(bbuf, before_event), db_i64(lbuf, limit)};

		err = db_run(c, &STMT_STORY_NEAR, p, PGRES_TUPLES_OK, &res);
	}
	if (!err)
		err = add_events(cl, res);
	PQclear(res);
	strbuf_release(&ids);
	return err;
}

/* ---- pending articles ---- */

/* Unplaced articles in id order, with their features: the day of the
 * happening (else of publication), the term vector, the linked entities
 * with their mention counts, and the event of the original of a near
 * duplicate. */
static const struct db_stmt STMT_PENDING = {
        "cluster_pending",
        "SELECT a.id, coalesce(encode(a.terms, 'hex'), ''), coalesce(a.happened_on, "
        "a.published_at::date) - DATE '1970-01-01', coalesce(a.duplicate_of, 0), "
        "coalesce(o.event_id, 0), coalesce((SELECT string_agg(m.entity_id || ':' || m.count, "
        "',' ORDER BY m.count DESC, m.entity_id) FROM mentions m WHERE m.article_id = a.id), '') "
        "FROM articles a LEFT JOIN articles o "
        "ON o.id = a.duplicate_of WHERE a.clustered_at IS NULL ORDER BY a.id LIMIT $1::int",
        1};

void db_pending_free(struct db_pending *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].terms);
		free(v[i].entities);
	}
	free(v);
}

int db_cluster_pending(struct db_conn *c, int limit, struct db_pending **out, size_t *n)
{
	char lbuf[24];
	const char *p[1] = {db_i64(lbuf, limit)};
	PGresult *res = NULL;
	struct db_pending *v = NULL;
	int err = db_run(c, &STMT_PENDING, p, PGRES_TUPLES_OK, &res), r, rows = 0;

	*out = NULL;
	*n = 0;
	if (!err) {
		rows = PQntuples(res);
		v = calloc(rows ? (size_t)rows : 1, sizeof(*v));
		if (!v)
			err = -ENOMEM;
	}
	for (r = 0; r < rows && !err; r++) {
		struct db_pending *x = &v[r];

		x->id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		x->day = day_of(res, r, 2);
		x->duplicate_of = strtoll(PQgetvalue(res, r, 3), NULL, 10);
		x->original_event = strtoll(PQgetvalue(res, r, 4), NULL, 10);
		err = terms_from_hex(PQgetvalue(res, r, 1), &x->terms, &x->n_terms);
		if (err == -EINVAL)
			err = 0; /* a damaged vector: the article is placed on its entities */
		if (!err)
			err = entities_from_text(PQgetvalue(res, r, 5), &x->entities,
			                         &x->n_entities);
	}
	PQclear(res);
	if (err) {
		db_pending_free(v, (size_t)rows);
		return err;
	}
	*out = v;
	*n = (size_t)rows;
	return 0;
}

static const struct db_stmt STMT_EVENT_IDS = {
        "cluster_event_ids", "SELECT nextval('events_id_seq') FROM generate_series(1, $1::int)", 1};
static const struct db_stmt STMT_STORY_IDS = {
        "cluster_story_ids", "SELECT nextval('stories_id_seq') FROM generate_series(1, $1::int)",
        1};

int db_cluster_new_ids(struct db_conn *c, bool stories, size_t n, int64_t *out)
{
	char nbuf[24];
	const char *p[1] = {db_i64(nbuf, (int64_t)n)};
	PGresult *res = NULL;
	int err, r;

	if (!n)
		return 0;
	err = db_run(c, stories ? &STMT_STORY_IDS : &STMT_EVENT_IDS, p, PGRES_TUPLES_OK, &res);
	for (r = 0; !err && r < PQntuples(res) && (size_t)r < n; r++)
		out[r] = strtoll(PQgetvalue(res, r, 0), NULL, 10);
	if (!err && (size_t)r < n)
		err = -EIO;
	PQclear(res);
	return err;
}

static const struct db_stmt STMT_PLACED = {
        "article_placed", "SELECT clustered_at IS NOT NULL FROM articles WHERE id = $1::bigint", 1};

int db_article_wait_placed(struct db_conn *c, int64_t id, int timeout_ms)
{
	char ibuf[24];
	const char *p[1] = {db_i64(ibuf, id)};
	struct timespec nap = {0, 5 * 1000000L};
	int waited = 0;

	for (;;) {
		PGresult *res = NULL;
		int err = db_run(c, &STMT_PLACED, p, PGRES_TUPLES_OK, &res);
		bool placed = !err && PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';

		if (!err && PQntuples(res) != 1)
			err = -ENOENT;
		PQclear(res);
		if (err)
			return err;
		if (placed)
			return 0;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		nanosleep(&nap, NULL);
		waited += (int)(nap.tv_nsec / 1000000L); /* counted 5 per nap: 16 s for 2 */
		if (nap.tv_nsec < 40 * 1000000L)
			nap.tv_nsec *= 2; /* 5, 10, 20, 40 ms: quick when the leader is here */
	}
}
