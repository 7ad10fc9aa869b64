/* Storing an article: dedup, source, article row, entities and mentions,
 * the event features the clustering reads, and (for job items) the item's
 * outcome, all in one transaction so that a crash leaves either everything
 * or nothing. The article's event is decided afterwards, in arrival order,
 * by the clustering leader (server/ingest/clusterer.c). */
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
enum { LOCK_ARTICLE = 1, LOCK_ENTITY = 2 };
static const struct db_stmt STMT_LOCKS = {
        "store_locks",
        "SELECT count(pg_advisory_xact_lock($1::int, hashtext(k))) FROM unnest($2::text[]) AS k",
        2};

static const struct db_stmt STMT_BY_URL = {"article_by_url",
                                           "SELECT id FROM articles WHERE url = $1", 1};
static const struct db_stmt STMT_BY_HASH = {"article_by_hash",
                                            "SELECT id FROM articles WHERE content_hash = $1", 1};
/* The source ($5, a name) is looked up without a lock; only a name not yet
 * stored is inserted, and a concurrent insert of the same name is waited for
 * and taken (ON CONFLICT DO UPDATE returns the committed row). The event
 * features ($19-$29) the clustering leader reads are written with the row. */
static const struct db_stmt STMT_INSERT = {
        "article_insert",
        "WITH src AS (INSERT INTO sources (name) SELECT $5::text WHERE $5::text IS NOT NULL AND "
        "NOT EXISTS (SELECT 1 FROM sources WHERE name = $5::text) ON CONFLICT (name) DO UPDATE "
        "SET name = EXCLUDED.name RETURNING id) "
        "INSERT INTO articles (url, content_hash, simhash, minhash, source_id, title, body, lang, "
        "lang_confidence, ts_config, published_at, published_at_origin, published_at_precision, "
        "word_count, raw, duplicate_of, canonical_url, author, agency, terms, event_kind, "
        "event_kind_score, event_kind_start, event_kind_end, event_kind_in_title, happened_on, "
        "happened_precision, happened_origin, happened_start, happened_end) VALUES ($1, $2, "
        "$3::bigint, $4::bytea, coalesce((SELECT id FROM src), (SELECT id FROM sources WHERE "
        "name = $5::text)), $6, $7, $8, $9::real, newsd_ts_config($8), $10::timestamptz, $11, "
        "$12, $13::int, $14::jsonb, $15::bigint, $16, $17, $18, decode($19, 'hex'), $20, "
        "$21::real, $22::int, $23::int, $24::boolean, $25::date, $26, $27, $28::int, $29::int) "
        "RETURNING id, coalesce(published_at, ingested_at)",
        29};
/* Every entity any form of the article names (one query per article). */
static const struct db_stmt STMT_ENTITY_CANDIDATES = {
        "entity_candidates",
        "SELECT al.norm, e.id, e.kind, e.origin = 'kb', e.notability, e.article_count, "
        "bool_or(al.lang = coalesce($2, '')), e.norm_name FROM entity_aliases al JOIN entities e "
        "ON e.id = al.entity_id WHERE al.norm = ANY ($1::text[]) AND e.merged_into IS NULL "
        "GROUP BY al.norm, e.id ORDER BY al.norm, e.id",
        2};
/* Row locks in id order; a row merged since the lookup shows where it went. */
static const struct db_stmt STMT_ENTITY_LOCK = {
        "entity_lock",
        "SELECT id, merged_into FROM entities WHERE id = ANY ($1::bigint[]) ORDER BY id FOR NO "
        "KEY UPDATE",
        1};
static const struct db_stmt STMT_ENTITY_INSERT = {
        "entity_insert",
        "INSERT INTO entities (kind, name, norm_name, origin) VALUES ($1, $2, $3, 'text') "
        "RETURNING id",
        3};
static const struct db_stmt STMT_ALIASES_ADD = {
        "aliases_add",
        "INSERT INTO entity_aliases (norm, entity_id, lang, name) SELECT n, e, coalesce($3, ''), "
        "s FROM unnest($1::text[], $2::bigint[], $4::text[]) AS t(n, e, s) ON CONFLICT DO "
        "NOTHING",
        4};
static const struct db_stmt STMT_LABELS_ADD = {
        "labels_add",
        "INSERT INTO entity_labels (entity_id, lang, name) SELECT e, $2::text, n FROM "
        "unnest($1::bigint[], $3::text[]) AS t(e, n) WHERE $2::text IS NOT NULL ON CONFLICT DO "
        "NOTHING",
        3};
static const struct db_stmt STMT_ENTITY_BUMP = {
        "entities_bump",
        "UPDATE entities e SET mention_count = e.mention_count + t.c, article_count = "
        "e.article_count + 1, first_seen = coalesce(e.first_seen, now()), last_seen = "
        "greatest(e.last_seen, now()), kind = CASE WHEN e.kind = 'other' AND e.origin = 'text' "
        "THEN t.k ELSE e.kind END FROM unnest($1::bigint[], $2::int[], $3::text[]) AS t(id, c, "
        "k) WHERE e.id = t.id",
        3};
static const struct db_stmt STMT_MENTIONS = {
        "mentions_insert",
        "INSERT INTO mentions (article_id, entity_id, count, first_offset, surface, spans) SELECT "
        "$1::bigint, e, c, o, s, sp::int[] FROM unnest($2::bigint[], $3::int[], $4::int[], "
        "$5::text[], $6::text[]) AS t(e, c, o, s, sp)",
        6};
static const struct db_stmt STMT_ITEM_DONE = {
        "item_done",
        "WITH done AS (UPDATE job_items SET status = 'done', article_id = $4::bigint, error = "
        "NULL, finished_at = now() WHERE job_id = $1::bigint AND idx = $2::int AND status = "
        "'running' AND claimed_by = $3 RETURNING job_id) UPDATE jobs SET updated_at = now() "
        "WHERE id IN (SELECT job_id FROM done) RETURNING id",
        4};

/* A linked entity of this article: the entity id and its mentions, from
 * one or more text entities (te: the first of them; next chains them). */
struct linked {
	int64_t id;
	int count;
	int first_offset;    /* characters */
	const char *surface; /* borrowed from the text_doc */
	const char *kind;    /* static */
	bool kb;             /* a knowledge-base entity (keeps its own labels) */
	bool created;        /* by this article */
};

static int lock_key(struct db_conn *c, int cls, const char *key)
{
	char cbuf[24];
	const char *p[2] = {db_i64(cbuf, cls), key};

	return db_run(c, &STMT_LOCK, p, PGRES_TUPLES_OK, NULL);
}

static int find_one(struct db_conn *c, const struct db_stmt *st, const char *key, int64_t *id)
{
	const char *p[1] = {key};
	PGresult *res = NULL;
	int err = db_run(c, st, p, PGRES_TUPLES_OK, &res);

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

/* ---- linking ----
 *
 * Each entity the text found (a text_entity with its forms: the normalised
 * keys of its surface forms, the fullest first) becomes one entity row:
 *
 * 1. Every form of every entity is looked up in one query (aliases of
 *    entities not merged away), after locking each form's key in sorted
 *    order (so two articles creating the same new name serialise).
 * 2. Per text entity, candidates reached by the fullest form come first; a
 *    shorter form is only looked up when it has several words: a bare
 *    single word never carries a multi-word name to another entity ("Marie
 *    Dupont" must not become "Jean Dupont" through "Dupont").
 * 3. Among the candidates of one form: a compatible kind first (the text's
 *    OTHER, and an entity's 'other', fit anything; otherwise the entity's
 *    kind, a knowledge base's in particular, is kept over the text's guess),
 *    then an alias in the article's language, then notability, then
 *    article_count, then the lowest id. A person never takes a place or an
 *    organisation, nor the other way round (conflicting()): the form then
 *    reaches nothing and rule 5 applies.
 * 4. A single-word form reaching several candidates (among the compatible
 *    ones, when there are) is ambiguous: the best is taken only when its
 *    notability is more than twice every other's; else the text entity named
 *    exactly that word is used, or created ("Dupont" alone, with a Jean and
 *    a Marie Dupont known, is its own entity until a curator merges it).
 * 5. Nothing found: a new entity (origin 'text') with the fullest form and
 *    the text's kind.
 * 6. The article's forms become aliases of the entity it linked to, in the
 *    article's language with the surface as written, whatever the entity's
 *    origin: "Iouri Ouchakov ... Ouchakov" teaches the bare "ouchakov", so a
 *    later article saying only "Ouchakov" reaches him (rule 4 guards the
 *    bare surnames several people share). Text entities also get a label in
 *    the article's language when they have none; knowledge-base labels come
 *    from the knowledge base only.
 * 7. The chosen rows are locked in id order (FOR NO KEY UPDATE); a row
 *    merged meanwhile is replaced by its target. Counts, first/last seen and
 *    the mentions (count, character spans, first offset, surface) follow;
 *    text entities reaching one row share one mentions row. */

/* One (form, entity) pair of the lookup; strings borrowed from the result. */
struct cand {
	const char *norm;
	int64_t id;
	const char *kind;
	bool kb;
	long notability;
	long long article_count;
	bool in_lang;
	const char *norm_name;
};

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int by_id(const void *a, const void *b)
{
	const struct linked *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int by_i64(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

static int by_start(const void *a, const void *b)
{
	const int *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

static bool compatible(enum text_entity_kind k, const char *kind)
{
	return k == TEXT_ENTITY_OTHER || strcmp(kind, "other") == 0 ||
	       strcmp(kind, text_entity_kind_name(k)) == 0;
}

/* A person is never a place or an organisation, whatever the names share
 * ("Bismarck" the chancellor, Bismarck the city): the text's person cue (a
 * title, a first name) is trusted over an alias of another kind. Places and
 * organisations do mix ("la France" as a team, "le Kremlin"). */
static bool conflicting(enum text_entity_kind k, const char *kind)
{
	if (k == TEXT_ENTITY_OTHER || strcmp(kind, "other") == 0)
		return false;
	return (k == TEXT_ENTITY_PERSON) != (strcmp(kind, "person") == 0);
}

/* Does a rank before b for a text entity of kind k? */
static bool better(const struct cand *a, const struct cand *b, enum text_entity_kind k)
{
	bool ca = compatible(k, a->kind), cb = compatible(k, b->kind);

	if (ca != cb)
		return ca;
	if (a->in_lang != b->in_lang)
		return a->in_lang;
	if (a->notability != b->notability)
		return a->notability > b->notability;
	if (a->article_count != b->article_count)
		return a->article_count > b->article_count;
	return a->id < b->id;
}

/* The entity form reaches (rules 3 and 4); 0: none, or ambiguous without a
 * text entity of that exact name. *reached: some candidate had the form. */
static int64_t choose_by_form(const struct text_entity *te, const char *form, const struct cand *c,
                              size_t n, bool *reached)
{
	const struct cand *best = NULL;
	bool any_compatible = false, single = !strchr(form, ' ');
	long second = -1;
	size_t i, pool = 0;

	*reached = false;
	for (i = 0; i < n; i++) {
		if (strcmp(c[i].norm, form) != 0 || conflicting(te->kind, c[i].kind))
			continue;
		*reached = true;
		any_compatible |= compatible(te->kind, c[i].kind);
	}
	for (i = 0; i < n; i++) {
		if (strcmp(c[i].norm, form) != 0 || conflicting(te->kind, c[i].kind) ||
		    (any_compatible && !compatible(te->kind, c[i].kind)))
			continue;
		pool++;
		if (!best || better(&c[i], best, te->kind))
			best = &c[i];
	}
	if (!best || !single || pool < 2)
		return best ? best->id : 0;
	for (i = 0; i < n; i++) {
		if (&c[i] == best || strcmp(c[i].norm, form) != 0 ||
		    conflicting(te->kind, c[i].kind) ||
		    (any_compatible && !compatible(te->kind, c[i].kind)))
			continue;
		if (c[i].notability > second)
			second = c[i].notability;
	}
	if (best->notability > 2 * second)
		return best->id;
	for (i = 0; i < n; i++) /* ambiguous: the text entity named form, lowest id */
		if (strcmp(c[i].norm, form) == 0 && !c[i].kb && strcmp(c[i].norm_name, form) == 0)
			return c[i].id;
	return 0;
}

/* Rule 2: the fullest form, then the other multi-word forms, longest first. */
static int64_t choose(const struct text_entity *te, const struct db_entity_in *ei,
                      const struct cand *c, size_t n)
{
	size_t f, k, done_len = (size_t)-1;
	bool reached;
	int64_t id = choose_by_form(te, ei->forms[0], c, n, &reached);

	if (reached)
		return id;
	for (k = 1; k < ei->n_forms; k++) {
		const char *next = NULL;

		for (f = 1; f < ei->n_forms; f++) {
			size_t len = strlen(ei->forms[f]);

			if (strchr(ei->forms[f], ' ') && len < done_len &&
			    (!next || len > strlen(next)))
				next = ei->forms[f];
		}
		if (!next)
			break;
		done_len = strlen(next);
		id = choose_by_form(te, next, c, n, &reached);
		if (reached)
			return id;
	}
	return 0;
}

/* Every form of the article once, sorted (borrowed strings). */
static int all_forms(const struct db_article_in *in, size_t n_ents, const char ***out,
                     size_t *n_out)
{
	const char **v;
	size_t i, f, n = 0, total = 0;

	for (i = 0; i < n_ents; i++)
		total += in->entities[i].n_forms;
	v = malloc((total ? total : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n_ents; i++)
		for (f = 0; f < in->entities[i].n_forms; f++)
			v[n++] = in->entities[i].forms[f];
	qsort(v, n, sizeof(*v), by_str);
	for (i = 0, total = 0; i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
			v[total++] = v[i];
	*out = v;
	*n_out = total;
	return 0;
}

/* "{a,b,...}": an array literal of the strings (a parameter's value). */
static int text_array(const char *const *v, size_t n, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int err = strbuf_addch(&sb, '{');

	for (i = 0; i < n && !err; i++)
		err = db_array_add(&sb, v[i], i == 0);
	if (!err)
		err = strbuf_addch(&sb, '}');
	if (err) {
		strbuf_release(&sb);
		return -ENOMEM;
	}
	*out = strbuf_detach(&sb, NULL);
	return *out ? 0 : -ENOMEM;
}

/* Lock forms' keys in sorted order, then look every form up at once. */
static int lookup(struct db_conn *c, const char *lang, const char **forms, size_t n_forms,
                  PGresult **res, struct cand **cands, size_t *n_cands)
{
	char *arr = NULL;
	int err = 0, r;

	*cands = NULL;
	*n_cands = 0;
	err = text_array(forms, n_forms, &arr);
	if (!err) {
		char cbuf[24];
		const char *p[2] = {db_i64(cbuf, LOCK_ENTITY), arr};

		/* One round trip for every form's lock, taken in the array's
		 * (sorted) order as the function scan yields it. */
		err = db_run(c, &STMT_LOCKS, p, PGRES_TUPLES_OK, NULL);
	}
	if (!err) {
		const char *p[2] = {arr, lang};

		err = db_run(c, &STMT_ENTITY_CANDIDATES, p, PGRES_TUPLES_OK, res);
	}
	free(arr);
	if (err)
		return err;
	*cands = calloc((size_t)PQntuples(*res) + 1, sizeof(**cands));
	if (!*cands)
		return -ENOMEM;
	for (r = 0; r < PQntuples(*res); r++)
		(*cands)[r] = (struct cand){.norm = PQgetvalue(*res, r, 0),
		                            .id = strtoll(PQgetvalue(*res, r, 1), NULL, 10),
		                            .kind = PQgetvalue(*res, r, 2),
		                            .kb = PQgetvalue(*res, r, 3)[0] == 't',
		                            .notability = atol(PQgetvalue(*res, r, 4)),
		                            .article_count = atoll(PQgetvalue(*res, r, 5)),
		                            .in_lang = PQgetvalue(*res, r, 6)[0] == 't',
		                            .norm_name = PQgetvalue(*res, r, 7)};
	*n_cands = (size_t)PQntuples(*res);
	return 0;
}

/* Lock the chosen existing rows in id order; an entity merged since the
 * lookup is replaced by its target in ids (and the targets locked next). */
static int lock_rows(struct db_conn *c, int64_t *ids, size_t n_ents)
{
	int64_t *sorted = malloc((n_ents ? n_ents : 1) * sizeof(*sorted));
	size_t i, n, k;
	int err = 0, round, r;

	if (!sorted)
		return -ENOMEM;
	for (round = 0; round < 8 && !err; round++) {
		PGresult *res = NULL;
		struct strbuf arr = STRBUF_INIT;
		bool moved = false;

		for (i = 0, n = 0; i < n_ents; i++)
			if (ids[i] > 0)
				sorted[n++] = ids[i];
		if (!n)
			break;
		qsort(sorted, n, sizeof(*sorted), by_i64);
		err = db_id_array(sorted, n, &arr);
		if (!err) {
			const char *p[1] = {arr.buf};

			err = db_run(c, &STMT_ENTITY_LOCK, p, PGRES_TUPLES_OK, &res);
		}
		strbuf_release(&arr);
		for (r = 0; !err && r < PQntuples(res); r++) {
			int64_t id = strtoll(PQgetvalue(res, r, 0), NULL, 10), to;

			if (PQgetisnull(res, r, 1))
				continue;
			to = strtoll(PQgetvalue(res, r, 1), NULL, 10);
			for (k = 0; k < n_ents; k++)
				if (ids[k] == id)
					ids[k] = to;
			moved = true;
		}
		PQclear(res);
		if (!moved)
			break;
	}
	free(sorted);
	return err;
}

static int create_entity(struct db_conn *c, const struct text_entity *te, int64_t *id)
{
	const char *p[3] = {text_entity_kind_name(te->kind), te->name, te->key};
	PGresult *res = NULL;
	int err = db_run(c, &STMT_ENTITY_INSERT, p, PGRES_TUPLES_OK, &res);

	if (!err)
		err = db_result_int64(res, 0, id);
	PQclear(res);
	return err;
}

/* Aliases for every form of every text entity on the entity it reached;
 * labels for the text entities' rows that have none in lang. */
static int add_names(struct db_conn *c, const struct text_doc *doc, const struct db_article_in *in,
                     const int64_t *ids, const struct linked *l, size_t n)
{
	struct strbuf a[3] = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
	struct strbuf b[2] = {STRBUF_INIT, STRBUF_INIT};
	char buf[24];
	size_t i, f, k = 0, nl = 0;
	int err = 0;

	for (i = 0; i < 3 && !err; i++)
		err = strbuf_addch(&a[i], '{');
	for (i = 0; i < 2 && !err; i++)
		err = strbuf_addch(&b[i], '{');
	for (i = 0; i < doc->n_entities && !err; i++) {
		const struct db_entity_in *ei = &in->entities[i];

		for (f = 0; f < ei->n_forms && !err; f++, k++) {
			err = db_array_add(&a[0], ei->forms[f], k == 0);
			if (!err)
				err = db_array_add(&a[1], db_i64(buf, ids[i]), k == 0);
			if (!err)
				err = db_array_add(&a[2], ei->surfaces[f], k == 0);
		}
	}
	for (i = 0; i < n && !err; i++) {
		if (l[i].kb)
			continue;
		err = db_array_add(&b[0], db_i64(buf, l[i].id), nl == 0);
		if (!err)
			err = db_array_add(&b[1], l[i].surface, nl == 0);
		nl++;
	}
	for (i = 0; i < 3 && !err; i++)
		err = strbuf_addch(&a[i], '}');
	for (i = 0; i < 2 && !err; i++)
		err = strbuf_addch(&b[i], '}');
	if (err)
		err = -ENOMEM;
	if (!err && k) {
		const char *p[4] = {a[0].buf, a[1].buf, doc->lang, a[2].buf};

		err = db_run(c, &STMT_ALIASES_ADD, p, PGRES_COMMAND_OK, NULL);
	}
	if (!err && nl && doc->lang) {
		const char *p[3] = {b[0].buf, doc->lang, b[1].buf};

		err = db_run(c, &STMT_LABELS_ADD, p, PGRES_COMMAND_OK, NULL);
	}
	for (i = 0; i < 3; i++)
		strbuf_release(&a[i]);
	for (i = 0; i < 2; i++)
		strbuf_release(&b[i]);
	return err;
}

/* "{s,e,s,e}" of the spans of every text entity linked to id, by start. */
static int spans_literal(const struct text_doc *doc, const struct db_article_in *in,
                         const int64_t *ids, int64_t id, struct strbuf *out)
{
	size_t i, m, n = 0, total = 0;
	int *v, err = 0;

	for (i = 0; i < doc->n_entities; i++)
		if (ids[i] == id)
			total += in->entities[i].n_spans;
	v = malloc((2 * total + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < doc->n_entities; i++)
		if (ids[i] == id)
			for (m = 0; m < 2 * in->entities[i].n_spans; m++)
				v[n++] = in->entities[i].spans[m];
	qsort(v, n / 2, 2 * sizeof(*v), by_start);
	strbuf_reset(out);
	err = strbuf_addch(out, '{');
	for (i = 0; i < n && !err; i++)
		err = strbuf_addf(out, "%s%d", i ? "," : "", v[i]);
	if (!err)
		err = strbuf_addch(out, '}');
	free(v);
	return err ? -ENOMEM : 0;
}

/* Counts and seen times of the linked rows, then the article's mentions. */
static int record_mentions(struct db_conn *c, const struct text_doc *doc,
                           const struct db_article_in *in, const int64_t *ids, int64_t article_id,
                           const struct linked *l, size_t n)
{
	struct strbuf a[6] = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
	                      STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
	struct strbuf sp = STRBUF_INIT;
	char buf[24], abuf[24];
	size_t i;
	int err = 0;

	for (i = 0; i < 6 && !err; i++)
		err = strbuf_addch(&a[i], '{');
	for (i = 0; i < n && !err; i++) {
		err = db_array_add(&a[0], db_i64(buf, l[i].id), i == 0);
		if (!err)
			err = db_array_add(&a[1], db_i64(buf, l[i].count), i == 0);
		if (!err)
			err = db_array_add(&a[2], l[i].kind, i == 0);
		if (!err)
			err = db_array_add(&a[3], db_i64(buf, l[i].first_offset), i == 0);
		if (!err)
			err = db_array_add(&a[4], l[i].surface, i == 0);
		if (!err)
			err = spans_literal(doc, in, ids, l[i].id, &sp);
		if (!err)
			err = db_array_add(&a[5], sp.buf, i == 0);
	}
	for (i = 0; i < 6 && !err; i++)
		err = strbuf_addch(&a[i], '}');
	if (err)
		err = -ENOMEM;
	if (!err) {
		const char *p[3] = {a[0].buf, a[1].buf, a[2].buf};

		err = db_run(c, &STMT_ENTITY_BUMP, p, PGRES_COMMAND_OK, NULL);
	}
	if (!err) {
		const char *p[6] = {
		        db_i64(abuf, article_id), a[0].buf, a[1].buf, a[3].buf, a[4].buf, a[5].buf};

		err = db_run(c, &STMT_MENTIONS, p, PGRES_COMMAND_OK, NULL);
	}
	for (i = 0; i < 6; i++)
		strbuf_release(&a[i]);
	strbuf_release(&sp);
	return err;
}

/* Link every entity of the article (see "linking" above); l gets one entry
 * per entity row reached, sorted by id. */
static int link_all(struct db_conn *c, const struct db_article_in *in, int64_t article_id,
                    struct linked *l, size_t *n_out)
{
	const struct text_doc *doc = in->doc;
	const char **forms = NULL;
	struct cand *cands = NULL;
	PGresult *res = NULL;
	int64_t *ids = NULL;
	size_t i, j, k, n = 0, n_forms = 0, n_cands = 0;
	int err = 0;

	*n_out = 0;
	if (!doc->n_entities || !in->entities)
		return 0;
	ids = calloc(doc->n_entities, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	err = all_forms(in, doc->n_entities, &forms, &n_forms);
	if (!err)
		err = lookup(c, doc->lang, forms, n_forms, &res, &cands, &n_cands);
	for (i = 0; i < doc->n_entities && !err; i++)
		ids[i] = choose(&doc->entities[i], &in->entities[i], cands, n_cands);
	if (!err)
		err = lock_rows(c, ids, doc->n_entities);
	for (i = 0; i < doc->n_entities && !err; i++) {
		const struct text_entity *te = &doc->entities[i];
		const struct db_entity_in *ei = &in->entities[i];
		bool created = false, kb = false;

		if (!ids[i]) {
			err = create_entity(c, te, &ids[i]);
			created = true;
		}
		for (k = 0; k < n_cands && !created; k++)
			if (cands[k].id == ids[i])
				kb = cands[k].kb;
		for (j = 0; j < n && l[j].id != ids[i]; j++)
			;
		if (j == n)
			l[n++] = (struct linked){.id = ids[i],
			                         .first_offset = ei->first_offset,
			                         .surface = te->name,
			                         .kind = text_entity_kind_name(te->kind),
			                         .kb = kb,
			                         .created = created};
		l[j].count += te->count;
		if (ei->first_offset < l[j].first_offset) {
			l[j].first_offset = ei->first_offset;
			l[j].surface = te->name;
		}
	}
	qsort(l, n, sizeof(*l), by_id);
	if (!err)
		err = add_names(c, doc, in, ids, l, n);
	if (!err)
		err = record_mentions(c, doc, in, ids, article_id, l, n);
	*n_out = n;
	PQclear(res);
	free(cands);
	free(forms);
	free(ids);
	return err;
}

static int insert_article(struct db_conn *c, const struct db_article_in *in, int64_t original,
                          int64_t *id, char when[40])
{
	const struct text_doc *doc = in->doc;
	char hbuf[24], cbuf[32], wbuf[24], obuf[24], mbuf[DB_MINHASH_HEX_LEN];
	struct db_feature_params fp;
	PGresult *res = NULL;
	int err = db_feature_params(&fp, doc, in->features);

	snprintf(cbuf, sizeof(cbuf), "%.4f", doc->lang_confidence);
	db_minhash_hex(doc->minhash, mbuf);
	if (!err) {
		const char *p[29] = {in->url,
		                     doc->content_hash,
		                     db_i64(hbuf, (int64_t)doc->simhash),
		                     mbuf,
		                     in->source,
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

		memcpy(p + 18, fp.p, sizeof(fp.p));
		err = db_run(c, &STMT_INSERT, p, PGRES_TUPLES_OK, &res);
	}
	db_feature_params_release(&fp);
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
	int err = db_run(c, &STMT_ITEM_DONE, p, PGRES_TUPLES_OK, &res);

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
			err = link_all(conn, in, id, linked, &n_linked);
		if (!err)
			err = db_minhash_bands_insert(conn, id, doc->minhash);
		if (!err)
			err = db_dates_insert(conn, id, in->dates, in->n_dates);
		/* Its event comes later, from the clustering leader, which
		 * reads the features stored with the row and these roles
		 * (server/ingest/clusterer.c). */
		if (!err)
			err = db_roles_insert(conn, id, in->features);
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
