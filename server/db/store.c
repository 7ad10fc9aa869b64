/* Storing an article: dedup, source, article row, entities and mentions,
 * event assignment and (for job items) the item's outcome, all in one
 * transaction so that a crash leaves either everything or nothing. */
#include "internal.h"
#include "log.h"
#include "strbuf.h"
#include "text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lock classes for pg_advisory_xact_lock(class, key): each serialises one
 * kind of "look up, then insert if absent" against concurrent writers. */
static const struct db_stmt STMT_LOCK = {"store_lock",
                                         "SELECT pg_advisory_xact_lock($1::int, hashtext($2))", 2};
enum { LOCK_ARTICLE = 1, LOCK_ENTITY = 2, LOCK_CLUSTER = 3 };

static const struct db_stmt STMT_BY_URL = {"article_by_url",
                                           "SELECT id FROM articles WHERE url = $1", 1};
static const struct db_stmt STMT_BY_HASH = {"article_by_hash",
                                            "SELECT id FROM articles WHERE content_hash = $1", 1};
static const struct db_stmt STMT_SOURCE = {
        "source_upsert",
        "INSERT INTO sources (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = "
        "EXCLUDED.name RETURNING id",
        1};
static const struct db_stmt STMT_INSERT = {
        "article_insert",
        "INSERT INTO articles (url, content_hash, simhash, minhash, source_id, title, body, lang, "
        "lang_confidence, ts_config, published_at, published_at_origin, published_at_precision, "
        "word_count, raw, duplicate_of, canonical_url, author, agency) VALUES ($1, $2, "
        "$3::bigint, $4::bytea, $5::bigint, $6, $7, $8, $9::real, newsd_ts_config($8), "
        "$10::timestamptz, $11, $12, $13::int, $14::jsonb, $15::bigint, $16, $17, $18) "
        "RETURNING id, coalesce(published_at, ingested_at)",
        18};
static const struct db_stmt STMT_ALIAS_FIND = {
        "alias_find",
        "SELECT entity_id FROM entity_aliases WHERE norm = $1 ORDER BY entity_id LIMIT 1", 1};
static const struct db_stmt STMT_ENTITY_INSERT = {
        "entity_insert",
        "INSERT INTO entities (kind, name, norm_name) VALUES ($1, $2, $3) RETURNING id", 3};
static const struct db_stmt STMT_ALIAS_INSERT = {
        "alias_insert",
        "INSERT INTO entity_aliases (norm, entity_id, lang) VALUES ($1, $2::bigint, "
        "coalesce($3, '')) ON CONFLICT DO NOTHING",
        3};
static const struct db_stmt STMT_ENTITY_BUMP = {
        "entity_bump",
        "UPDATE entities SET mention_count = mention_count + $2::int, article_count = "
        "article_count + 1, last_seen = greatest(last_seen, now()), kind = CASE WHEN kind = "
        "'other' THEN $3 ELSE kind END WHERE id = $1::bigint",
        3};
static const struct db_stmt STMT_MENTION = {
        "mention_insert",
        "INSERT INTO mentions (article_id, entity_id, count, first_offset, surface) VALUES "
        "($1::bigint, $2::bigint, $3::int, $4::int, $5)",
        5};
/* Candidate events: those sharing a linked entity with the article and
 * active within three days of its date. The foundation's "simple similarity
 * test"; issue 5 replaces it with TF-IDF, entity and date scoring. */
static const struct db_stmt STMT_CANDIDATES = {
        "event_candidates",
        "SELECT ee.event_id, count(*), (SELECT count(*) FROM event_entities x WHERE x.event_id "
        "= ee.event_id) FROM event_entities ee JOIN events e ON e.id = ee.event_id WHERE "
        "ee.entity_id = ANY ($1::bigint[]) AND e.last_published >= $2::timestamptz - interval '3 "
        "days' AND e.first_published <= $2::timestamptz + interval '3 days' GROUP BY "
        "ee.event_id ORDER BY 2 DESC, 1 LIMIT 10",
        2};
static const struct db_stmt STMT_EVENT_INSERT = {
        "event_insert",
        "INSERT INTO events (title, article_count, first_published, last_published) VALUES ($1, "
        "1, $2::timestamptz, $2::timestamptz) RETURNING id",
        2};
static const struct db_stmt STMT_EVENT_JOIN = {
        "event_join",
        "UPDATE events SET article_count = article_count + 1, first_published = "
        "least(first_published, $2::timestamptz), last_published = greatest(last_published, "
        "$2::timestamptz), title = coalesce(title, $3), updated_at = now() WHERE id = $1::bigint",
        3};
static const struct db_stmt STMT_EVENT_ENTITIES = {
        "event_entities_upsert",
        "INSERT INTO event_entities (event_id, entity_id, weight) SELECT $1::bigint, e, w FROM "
        "unnest($2::bigint[], $3::int[]) AS t(e, w) ON CONFLICT (event_id, entity_id) DO UPDATE "
        "SET weight = event_entities.weight + EXCLUDED.weight",
        3};
static const struct db_stmt STMT_SET_EVENT = {
        "article_set_event", "UPDATE articles SET event_id = $2::bigint WHERE id = $1::bigint", 2};
static const struct db_stmt STMT_ITEM_DONE = {
        "item_done",
        "WITH done AS (UPDATE job_items SET status = 'done', article_id = $4::bigint, error = "
        "NULL, finished_at = now() WHERE job_id = $1::bigint AND idx = $2::int AND status = "
        "'running' AND claimed_by = $3 RETURNING job_id) UPDATE jobs SET updated_at = now() "
        "WHERE id IN (SELECT job_id FROM done) RETURNING id",
        4};

/* A linked entity of this article: the entity id and its mentions. */
struct linked {
	int64_t id;
	int count;
	int first_offset;
	const char *surface; /* borrowed from the text_doc */
	const char *kind;    /* static */
};

/* Run a statement whose status must be want; on failure log, return -errno. */
static int run(struct db_conn *c, const struct db_stmt *st, const char *const *p,
               ExecStatusType want, PGresult **keep)
{
	PGresult *res = db_exec(c, st, p);
	int err = 0;

	if (PQresultStatus(res) != want)
		err = db_error(c, res, st->name);
	if (keep && !err)
		*keep = res;
	else
		PQclear(res);
	return err;
}

static int lock_key(struct db_conn *c, int cls, const char *key)
{
	char cbuf[24];
	const char *p[2] = {db_i64(cbuf, cls), key};

	return run(c, &STMT_LOCK, p, PGRES_TUPLES_OK, NULL);
}

static int find_one(struct db_conn *c, const struct db_stmt *st, const char *key, int64_t *id)
{
	const char *p[1] = {key};
	PGresult *res = NULL;
	int err = run(c, st, p, PGRES_TUPLES_OK, &res);

	if (!err)
		err = db_result_int64(res, 0, id);
	PQclear(res);
	return err;
}

int db_article_find_existing(struct db_conn *conn, const char *url, const char *content_hash,
                             int64_t *id_out)
{
	int err = -ENOENT;

	if (url)
		err = find_one(conn, &STMT_BY_URL, url, id_out);
	if (err == -ENOENT && content_hash)
		err = find_one(conn, &STMT_BY_HASH, content_hash, id_out);
	return err;
}

/* Find the entity an alias key names, or create it with that alias. The
 * caller holds the key's lock. */
static int resolve_entity(struct db_conn *c, const struct text_entity *te, const char *lang,
                          int64_t *entity_id)
{
	const char *kind = text_entity_kind_name(te->kind);
	char ebuf[24];
	PGresult *res = NULL;
	int err = find_one(c, &STMT_ALIAS_FIND, te->key, entity_id);

	if (err != -ENOENT)
		return err;
	{
		const char *p[3] = {kind, te->name, te->key};

		err = run(c, &STMT_ENTITY_INSERT, p, PGRES_TUPLES_OK, &res);
	}
	if (err)
		return err;
	err = db_result_int64(res, 0, entity_id);
	PQclear(res);
	if (!err) {
		const char *pa[3] = {te->key, db_i64(ebuf, *entity_id), lang};

		err = run(c, &STMT_ALIAS_INSERT, pa, PGRES_COMMAND_OK, NULL);
	}
	return err;
}

/* Count the article's mentions on the entity and record them. */
static int record_mentions(struct db_conn *c, int64_t article_id, const struct linked *l)
{
	char abuf[24], ebuf[24], nbuf[24], obuf[24];
	const char *pb[3] = {db_i64(ebuf, l->id), db_i64(nbuf, l->count), l->kind};
	const char *pm[5] = {db_i64(abuf, article_id), ebuf, nbuf, db_i64(obuf, l->first_offset),
	                     l->surface};
	int err = run(c, &STMT_ENTITY_BUMP, pb, PGRES_COMMAND_OK, NULL);

	if (!err)
		err = run(c, &STMT_MENTION, pm, PGRES_COMMAND_OK, NULL);
	return err;
}

/* "{1,2,3}" array literals for the linked ids and their counts: values of
 * parameters, never SQL text. */
static int array_literals(const struct linked *l, size_t n, char **ids, char **counts)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char ibuf[24], cbuf[24];
	size_t i;
	int err = strbuf_addch(&a, '{') || strbuf_addch(&b, '{') ? -ENOMEM : 0;

	for (i = 0; i < n && !err; i++) {
		err = db_array_add(&a, db_i64(ibuf, l[i].id), i == 0);
		if (!err)
			err = db_array_add(&b, db_i64(cbuf, l[i].count), i == 0);
	}
	if (!err && (strbuf_addch(&a, '}') || strbuf_addch(&b, '}')))
		err = -ENOMEM;
	if (err) {
		strbuf_release(&a);
		strbuf_release(&b);
		return err;
	}
	*ids = strbuf_detach(&a, NULL);
	*counts = strbuf_detach(&b, NULL);
	return *ids && *counts ? 0 : -ENOMEM;
}

/* Join event_id when given (a near duplicate joins its original's event);
 * else the best candidate event when it shares at least two entities and
 * they cover at least 30% of the smaller entity set; else open a new one. */
static int assign_event(struct db_conn *c, int64_t article_id, const char *when, const char *title,
                        const struct linked *l, size_t n, int64_t event_id)
{
	char *ids = NULL, *counts = NULL;
	char ebuf[24], abuf[24];
	PGresult *res = NULL;
	int err = array_literals(l, n, &ids, &counts);

	if (err)
		return err;
	err = lock_key(c, LOCK_CLUSTER, "events");
	if (!err && !event_id && n >= 2) {
		const char *p[2] = {ids, when};
		int r;

		err = run(c, &STMT_CANDIDATES, p, PGRES_TUPLES_OK, &res);
		for (r = 0; !err && r < PQntuples(res); r++) {
			long shared = atol(PQgetvalue(res, r, 1));
			long size = atol(PQgetvalue(res, r, 2));
			long smaller = size < (long)n ? size : (long)n;

			if (shared >= 2 && shared * 10 >= smaller * 3) {
				event_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
				break;
			}
		}
		PQclear(res);
		res = NULL;
	}
	if (err)
		goto out;
	if (event_id) {
		const char *p[3] = {db_i64(ebuf, event_id), when, title};

		err = run(c, &STMT_EVENT_JOIN, p, PGRES_COMMAND_OK, NULL);
	} else {
		const char *p[2] = {title, when};

		err = run(c, &STMT_EVENT_INSERT, p, PGRES_TUPLES_OK, &res);
		if (!err)
			err = db_result_int64(res, 0, &event_id);
		PQclear(res);
	}
	db_i64(ebuf, event_id);
	if (!err && n) {
		const char *p[3] = {ebuf, ids, counts};

		err = run(c, &STMT_EVENT_ENTITIES, p, PGRES_COMMAND_OK, NULL);
	}
	if (!err) {
		const char *p[2] = {db_i64(abuf, article_id), ebuf};

		err = run(c, &STMT_SET_EVENT, p, PGRES_COMMAND_OK, NULL);
	}
out:
	free(ids);
	free(counts);
	return err;
}

static int by_key(const void *a, const void *b)
{
	const struct text_entity *x = *(const struct text_entity *const *)a;
	const struct text_entity *y = *(const struct text_entity *const *)b;

	return strcmp(x->key, y->key);
}

static int by_id(const void *a, const void *b)
{
	const struct linked *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Link every entity; distinct texts may reach one entity, so merge them.
 * Locks are taken in one global order, whatever the article's own order,
 * so that concurrent writers never wait on each other in a cycle: the name
 * locks sorted by key, all before any row lock, then the entity rows in id
 * order. */
static int link_all(struct db_conn *c, const struct text_doc *doc, int64_t article_id,
                    struct linked *l, size_t *n_out)
{
	const struct text_entity **sorted;
	const struct text_entity *te;
	size_t i, j, n = 0;
	int64_t id;
	int err = 0;

	*n_out = 0;
	if (!doc->n_entities)
		return 0;
	sorted = malloc(doc->n_entities * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	for (i = 0; i < doc->n_entities; i++)
		sorted[i] = &doc->entities[i];
	qsort(sorted, doc->n_entities, sizeof(*sorted), by_key);
	for (i = 0; i < doc->n_entities && !err; i++)
		if (i == 0 || strcmp(sorted[i]->key, sorted[i - 1]->key) != 0)
			err = lock_key(c, LOCK_ENTITY, sorted[i]->key);
	for (i = 0; i < doc->n_entities && !err; i++) {
		te = sorted[i];
		err = resolve_entity(c, te, doc->lang, &id);
		if (err)
			break;
		for (j = 0; j < n && l[j].id != id; j++)
			;
		if (j == n)
			l[n++] = (struct linked){.id = id,
			                         .first_offset = te->first_offset,
			                         .surface = te->name,
			                         .kind = text_entity_kind_name(te->kind)};
		l[j].count += te->count;
		if (te->first_offset < l[j].first_offset) {
			l[j].first_offset = te->first_offset;
			l[j].surface = te->name;
		}
	}
	free(sorted);
	qsort(l, n, sizeof(*l), by_id);
	for (i = 0; i < n && !err; i++)
		err = record_mentions(c, article_id, &l[i]);
	*n_out = n;
	return err;
}

static int insert_article(struct db_conn *c, const struct db_article_in *in, int64_t original,
                          int64_t *id, char when[40])
{
	const struct text_doc *doc = in->doc;
	char sbuf[24], hbuf[24], cbuf[32], wbuf[24], obuf[24], mbuf[DB_MINHASH_HEX_LEN];
	const char *source_id = NULL;
	PGresult *res = NULL;
	int err = 0;

	if (in->source) {
		const char *p[1] = {in->source};
		int64_t sid;

		err = run(c, &STMT_SOURCE, p, PGRES_TUPLES_OK, &res);
		if (!err)
			err = db_result_int64(res, 0, &sid);
		PQclear(res);
		res = NULL;
		if (err)
			return err;
		source_id = db_i64(sbuf, sid);
	}
	snprintf(cbuf, sizeof(cbuf), "%.4f", doc->lang_confidence);
	db_minhash_hex(doc->minhash, mbuf);
	{
		const char *p[18] = {in->url,
		                     doc->content_hash,
		                     db_i64(hbuf, (int64_t)doc->simhash),
		                     mbuf,
		                     source_id,
		                     doc->title,
		                     doc->body,
		                     doc->lang,
		                     cbuf,
		                     in->published_at,
		                     in->published_origin,
		                     in->published_precision,
		                     db_i64(wbuf, doc->word_count),
		                     in->raw,
		                     original ? db_i64(obuf, original) : NULL,
		                     doc->canonical_url,
		                     doc->author,
		                     doc->agency};

		err = run(c, &STMT_INSERT, p, PGRES_TUPLES_OK, &res);
	}
	if (!err)
		err = db_result_int64(res, 0, id);
	if (!err)
		snprintf(when, 40, "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	return err;
}

static int mark_item_done(struct db_conn *c, const struct db_item_ref *item, int64_t article_id)
{
	char jbuf[24], ibuf[24], abuf[24];
	const char *p[4] = {db_i64(jbuf, item->job_id), db_i64(ibuf, item->idx), item->worker_id,
	                    db_i64(abuf, article_id)};
	PGresult *res = NULL;
	int err = run(c, &STMT_ITEM_DONE, p, PGRES_TUPLES_OK, &res);

	/* No row: the lease expired and another worker owns the item now. */
	if (!err && PQntuples(res) == 0)
		err = -ESTALE;
	PQclear(res);
	return err;
}

int db_article_store(struct db_conn *conn, const struct db_article_in *in,
                     const struct db_item_ref *item, int64_t *id_out, bool *created)
{
	const struct text_doc *doc = in->doc;
	struct linked *linked = NULL;
	size_t n_linked = 0;
	char when[40];
	int64_t id = 0, original = 0, original_event = 0;
	int err;

	*created = false;
	linked = calloc(doc->n_entities ? doc->n_entities : 1, sizeof(*linked));
	if (!linked)
		return -ENOMEM;
	err = db_command(conn, "BEGIN");
	if (err)
		goto out;
	/* Both keys are locked, in a fixed order, before looking: two copies
	 * arriving at once then store one article, not two. */
	err = lock_key(conn, LOCK_ARTICLE, doc->content_hash);
	if (!err && in->url)
		err = lock_key(conn, LOCK_ARTICLE, in->url);
	if (!err)
		err = db_article_find_existing(conn, in->url, doc->content_hash, &id);
	if (err == -ENOENT) {
		err = db_near_duplicate(conn, doc->minhash, &original, &original_event);
		if (!err)
			err = insert_article(conn, in, original, &id, when);
		if (!err)
			err = link_all(conn, doc, id, linked, &n_linked);
		if (!err)
			err = db_minhash_bands_insert(conn, id, doc->minhash);
		if (!err)
			err = db_dates_insert(conn, id, in->dates, in->n_dates);
		if (!err)
			err = assign_event(conn, id, when, doc->title, linked, n_linked,
			                   original_event);
		*created = !err;
	}
	if (!err && item)
		err = mark_item_done(conn, item, id);
	if (!err)
		err = db_command(conn, "COMMIT");
	if (err) {
		*created = false;
		db_rollback(conn);
	} else {
		*id_out = id;
	}
out:
	free(linked);
	return err;
}
