/* db: the only module that talks to PostgreSQL (sole user of libpq-fe.h).
 *
 * A fixed pool of connections, each used by one thread at a time: acquire and
 * release in the same function. Every statement is a literal with parameters.
 * Reads return JSON text rendered by PostgreSQL in the shape of openapi.yaml,
 * so the HTTP layer frames it without re-encoding; writes take plain structs.
 * Errors are -errno: -ENOENT (no such row), -EEXIST (unique violation),
 * -EIO (database failure, already logged), -ENOMEM.
 */
#ifndef NEWSD_DB_H
#define NEWSD_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db_pool;
struct db_conn;
struct text_doc;

int db_pool_new(const char *url, int size, struct db_pool **out);
void db_pool_free(struct db_pool *pool);
/* Blocks until a connection is free; reconnects a broken one. NULL when the
 * database cannot be reached (logged). */
struct db_conn *db_pool_acquire(struct db_pool *pool);
/* conn goes back to the pool it came from (the replica's, for a connection
 * of db_pool_acquire_read). */
void db_pool_release(struct db_pool *pool, struct db_conn *conn);

/* Read replica (server/db/replica.c). Attach the pool of a streaming replica
 * of pool's database (size lazy connections, freed with pool); -EEXIST when
 * one is attached already. */
int db_pool_attach_replica(struct db_pool *pool, const char *url, int size);
/* A connection for a read that may lag the primary by the replica's replay
 * delay: the replica's while it answers, else the primary's (NULL when that
 * cannot be reached either, logged). A replica that cannot be reached, or
 * whose connection breaks during a query (seen on release), is lost: logged
 * once, then tried again by one read after a back-off of 1 s doubling to
 * 30 s; its return is logged once. */
struct db_conn *db_pool_acquire_read(struct db_pool *pool);
/* Did conn come from the replica? */
bool db_conn_is_replica(const struct db_conn *conn);
/* Was conn's connection lost (the server closed it, or it broke)? The pool
 * redials it on its next acquire. */
bool db_conn_lost(const struct db_conn *conn);

/* Migrations: NNNN_name.sql files of dir, applied in order, each once, in a
 * transaction with its schema_migrations row (version, name, sha256). */
int db_migrate(struct db_conn *conn, const char *dir);
/* Compare dir with what the database recorded. -ESTALE when an applied file
 * changed or vanished (logged with its name), -EAGAIN when some are pending;
 * *applied gets how many are applied. */
int db_migrations_check(struct db_conn *conn, const char *dir, int *applied);

/* One page of a list: items are JSON texts (owned), next holds the keyset
 * of the last item when more follow. */
struct db_page {
	char **items;
	size_t n;
	bool more;
	int64_t next_k1, next_k2;
};
void db_page_release(struct db_page *page);

/* Keyset position (after a cursor): set when has is true. */
struct db_after {
	bool has;
	int64_t k1, k2;
};

/* Time bounds [from, to_end) as canonical ISO 8601 UTC; NULL is open. */
struct db_range {
	const char *from;
	const char *to_end;
};

/* ---- articles ---- */
/* A date expression of the body, ready to store. */
struct db_date {
	int start, end;        /* character offsets in the body */
	const char *text;      /* the expression as written */
	const char *value;     /* "YYYY-MM-DD" (first day of a month or year), NULL if unresolved */
	const char *precision; /* "day" | "month" | "year", NULL if unresolved */
	bool relative;
};

/* A participant role the text states, span in characters of the body. */
struct db_role {
	int start, end;
	const char *role; /* "host", "guest", "caller", "callee" (static) */
};

/* The event features of an article (terms come from the doc), spans in
 * characters; -1 when absent. */
struct db_features {
	const char *kind; /* NULL: no trigger */
	double kind_score;
	int kind_start, kind_end;
	bool kind_in_title;
	const char *happened_on; /* "YYYY-MM-DD" or NULL */
	const char *happened_precision, *happened_origin;
	int happened_start, happened_end;
	char happened_buf[11];
	struct db_role *roles; /* owned by whoever built them */
	size_t n_roles;
};

/* What linking needs of one entity of the doc (a text_entity), prepared by
 * the caller: the keys to look up with their surface forms, and the mentions
 * in characters (as clients index strings). */
struct db_entity_in {
	const char *const *forms;    /* normalised keys, the name's first */
	const char *const *surfaces; /* forms[i] as first written in the body */
	size_t n_forms;              /* >= 1 */
	const int *spans;            /* start, end character offsets of each mention, by start */
	size_t n_spans;              /* mentions (pairs in spans) */
	int first_offset;            /* character offset of the first mention */
};

struct db_article_in {
	const struct text_doc *doc;
	const char *url;                 /* may be NULL */
	const char *source;              /* publisher name, may be NULL */
	const char *raw;                 /* the input object as JSON text */
	const char *published_at;        /* canonical ISO 8601 UTC or NULL */
	const char *published_origin;    /* "given" | ... or NULL */
	const char *published_precision; /* "day" | ... or NULL */
	const struct db_date *dates;
	size_t n_dates;
	const struct db_features *features;  /* NULL: none */
	const struct db_entity_in *entities; /* doc->n_entities of them, in the doc's order */
};
/* Where a job item stands, so that its outcome commits with the article. */
struct db_item_ref {
	int64_t job_id;
	int idx;
	const char *worker_id;
};
/* Store an article with its entities, mentions, dates and event, in one
 * transaction. An article with the same url or the same body answers its
 * existing id with *created false. A near duplicate (estimated Jaccard
 * similarity of word 3-shingles at least DB_NEAR_DUP_JACCARD with an earlier
 * article) is stored with duplicate_of set to the first copy and joins its
 * event. With item set, the item is marked done in
 * the same transaction; -ESTALE when the item is no longer ours (nothing
 * stored). */
int db_article_store(struct db_conn *conn, const struct db_article_in *in,
                     const struct db_item_ref *item, int64_t *id_out, bool *created);
#define DB_NEAR_DUP_JACCARD 0.7
int db_article_find_existing(struct db_conn *conn, const char *url, const char *content_hash,
                             int64_t *id_out);
int db_article_json(struct db_conn *conn, int64_t id, char **json_out);

struct db_article_query {
	const char *q;
	const char *lang;
	int64_t entity_id; /* 0: any */
	int64_t event_id;  /* 0: any */
	struct db_range range;
	struct db_after after;
	int limit;
	const char *duplicates; /* "f": hide near duplicates; NULL or "t": show them */
	const char *source;     /* sources.name, case-insensitively; may be NULL */
	const char *agency;     /* articles.agency, case-insensitively; may be NULL */
};
int db_articles_list(struct db_conn *conn, const struct db_article_query *q, struct db_page *out);

/* ---- entities (server/db/entities.c) ---- */
enum db_entity_sort {
	DB_ENTITY_BY_MENTIONS = 0, /* mention_count desc, id desc */
	DB_ENTITY_BY_RECENT,       /* last_seen desc (never seen last), id desc */
	DB_ENTITY_BY_NAME,         /* name (in lang when given), id */
};
struct db_entity_query {
	const char *prefix; /* normalised (text_normalize_key), may be NULL */
	const char *kind;   /* may be NULL */
	const char *lang;   /* only entities with a name in lang, named in it; may be NULL */
	enum db_entity_sort sort;
	struct db_after after;
	int limit;
};
/* Entity reads answer -EXDEV with *moved_to set when id was merged into
 * another entity (the live one at the end of the chain). */
int db_entity_json(struct db_conn *conn, int64_t id, char **json_out, int64_t *moved_to);
int db_entities_list(struct db_conn *conn, const struct db_entity_query *q, struct db_page *out);
int db_entity_articles(struct db_conn *conn, int64_t id, const struct db_after *after, int limit,
                       struct db_page *out, int64_t *moved_to);
int db_entity_events(struct db_conn *conn, int64_t id, const struct db_after *after, int limit,
                     struct db_page *out, int64_t *moved_to);
/* Merge entity id into into, in one transaction (mentions, event
 * participations, aliases, labels, counts, seen times, the qid when into has
 * none; id then redirects to into). -ELOOP when id == into; -ENOENT when
 * *which (id or into) does not exist; -EXDEV when *which was merged already,
 * into *moved_to; -EEXIST when both have different qids. */
int db_entity_merge(struct db_conn *conn, int64_t id, int64_t into, int64_t *which,
                    int64_t *moved_to);

/* ---- events and stories (server/db/events.c, events_curate.c, events_stats.c) ---- */
enum db_event_sort {
	DB_EVENTS_RECENT, /* last_published, newest first */
	DB_EVENTS_DATE,   /* event_date, latest first; undated ones last */
	DB_EVENTS_SIZE,   /* article_count, largest first */
};
#define DB_EVENT_MAX_ENTITIES 10
struct db_event_query {
	const char *q;    /* full text over the events' articles, may be NULL */
	const char *lang; /* an article in this language, may be NULL */
	const char *kind; /* may be NULL */
	int64_t entity_ids[DB_EVENT_MAX_ENTITIES]; /* all required */
	size_t n_entities;
	int64_t location_id;   /* 0: any */
	int min_articles;      /* 0: any */
	struct db_range range; /* on event_date: the days overlapping it */
	enum db_event_sort sort;
	struct db_after after;
	int limit;
};
/* An event (merged ones never listed). For an id merged into another,
 * *json_out stays NULL and *merged_into gets the event it lives on in. */
int db_event_json(struct db_conn *conn, int64_t id, char **json_out, int64_t *merged_into);
int db_events_list(struct db_conn *conn, const struct db_event_query *q, struct db_page *out);
int db_event_articles(struct db_conn *conn, int64_t id, const struct db_after *after, int limit,
                      struct db_page *out, int64_t *merged_into);
/* Where id leads: itself, or the event it was merged into. */
int db_event_target(struct db_conn *conn, int64_t id, int64_t *target);

/* Curation, each in one transaction that bumps cluster_state.generation.
 * -ENOENT (no such event) and -EBUSY (a conflict: merged, itself, an
 * article not in the event, nothing left) fill why. */
int db_event_merge(struct db_conn *conn, int64_t id, int64_t into, char *why, size_t why_len);
int db_event_split(struct db_conn *conn, int64_t id, const int64_t *articles, size_t n,
                   int64_t *new_id, char *why, size_t why_len);
struct db_recluster {
	int64_t articles;       /* reset: the clustering places them again */
	int64_t events_deleted; /* left without articles */
	int64_t events_kept;    /* kept some articles: history 'recluster' */
};
/* from, to: "YYYY-MM-DD", inclusive. */
int db_events_recluster(struct db_conn *conn, const char *from, const char *to,
                        struct db_recluster *out);

struct db_story_query {
	const char *q;     /* full text over the story's title, may be NULL */
	int64_t entity_id; /* 0: any */
	struct db_after after;
	int limit;
};
int db_story_json(struct db_conn *conn, int64_t id, char **json_out);
int db_stories_list(struct db_conn *conn, const struct db_story_query *q, struct db_page *out);

struct db_timeline_query {
	bool events;          /* events by event_date, else articles by published_at */
	const char *interval; /* "day" | "week" | "month" */
	const char *q;
	int64_t entity_id, event_id; /* 0: any */
	const char *kind;            /* event kind (articles: their event's); may be NULL */
	int64_t location_id;         /* event location (articles: their event's); 0: any */
	const char *lang;            /* articles in it (events: having one); may be NULL */
	struct db_range range;       /* NULL bounds: the data's */
};
/* {"start","count"} per bucket as a JSON array; -ERANGE (*n_buckets set)
 * when the period holds more than max_buckets. */
int db_timeline(struct db_conn *conn, const struct db_timeline_query *q, long max_buckets,
                long *n_buckets, char **json_out);

/* ---- jobs ---- */
/* items_json: a JSON array of strings, each an item's raw input, its index
 * its position in the array; null entries hold a place but are no item. */
int db_job_create(struct db_conn *conn, const char *items_json, int64_t *id_out);
int db_job_json(struct db_conn *conn, int64_t id, char **json_out);
/* -ENOENT, or -EALREADY when nothing was left to cancel. */
int db_job_cancel(struct db_conn *conn, int64_t id);

struct db_item {
	int64_t job_id;
	int idx;
	char *input; /* owned */
};
int db_worker_register(struct db_conn *conn, const char *worker_id);
int db_worker_heartbeat(struct db_conn *conn, const char *worker_id);
int db_worker_unregister(struct db_conn *conn, const char *worker_id);
/* Requeue the items of workers silent for lease_seconds; items that have
 * already been attempted max_attempts times fail instead. Returns how many
 * were requeued, or -errno. */
int db_items_reclaim(struct db_conn *conn, int lease_seconds, int max_attempts);
/* Claim up to max queued items for worker_id; *items is a new array. */
int db_items_claim(struct db_conn *conn, const char *worker_id, int max, struct db_item **items,
                   size_t *n);
void db_items_free(struct db_item *items, size_t n);
int db_item_fail(struct db_conn *conn, const struct db_item_ref *item, const char *error);
/* A transient failure: retry later with backoff, or fail for good with
 * error once max_attempts are spent. */
int db_item_retry(struct db_conn *conn, const struct db_item_ref *item, const char *error,
                  int max_attempts);
/* Give an item back to the queue without counting an attempt (it never ran). */
int db_item_requeue(struct db_conn *conn, const struct db_item_ref *item);

/* ---- health and metrics ---- */
int db_ping(struct db_conn *conn);
/* Connections of the pool, and how many are lent out now. */
void db_pool_stats(struct db_pool *pool, int *size, int *in_use);
/* Job items waiting and running, over every worker of the database. */
int db_queue_depth(struct db_conn *conn, int64_t *queued, int64_t *running);

/* ---- knowledge base (server/db/kb.c) ---- */
/* One entity of a knowledge base, ready to upsert. key is the dump's id
 * ("Q7747" or "newsd:..."); qid is key when it is a real QID, else NULL.
 * country: ISO code when known, else country_qid is looked up among the
 * entities (a country's row carries its own code). names: labels and
 * aliases with their normalised form (text_normalize_key). */
struct db_kb_name {
	const char *lang;
	const char *name;
	const char *norm;
	bool label;
};
struct db_kb_entity {
	const char *key, *qid, *kind, *name, *norm, *description;
	const char *country, *country_qid;
	bool has_coord;
	double lat, lon;
	int notability;
	const struct db_kb_name *names;
	size_t n_names;
};
/* Entities gathered as COPY rows, written in one transaction: upserted by
 * qid (or by external_id = key without one), their labels replaced per
 * language, their aliases added. */
struct db_kb_chunk;
struct db_kb_chunk *db_kb_chunk_new(void);
void db_kb_chunk_free(struct db_kb_chunk *c);
void db_kb_chunk_reset(struct db_kb_chunk *c);
int db_kb_chunk_add(struct db_kb_chunk *c, const struct db_kb_entity *e);
size_t db_kb_chunk_count(const struct db_kb_chunk *c);
size_t db_kb_chunk_names(const struct db_kb_chunk *c);
size_t db_kb_chunk_bytes(const struct db_kb_chunk *c);
/* One import's session on conn: staging tables and settings, dropped by
 * end (which analyses the tables written). */
struct db_kb_writer {
	struct db_conn *conn;
	int64_t candidates; /* entities a dump's entity may adopt */
	int64_t written, next_analyze;
};
int db_kb_writer_begin(struct db_kb_writer *w, struct db_conn *conn);
/* Write and empty the chunk; *written gets how many entities it wrote. */
int db_kb_writer_chunk(struct db_kb_writer *w, struct db_kb_chunk *c, int64_t *written);
int db_kb_writer_end(struct db_kb_writer *w);
/* A bulk import drops the aliases' trigram index and the foreign keys of
 * entity_aliases and entity_labels; db_kb_restore creates whichever of
 * them is missing (*restored says whether any was) and validates them. */
int db_kb_bulk_begin(struct db_conn *conn);
int db_kb_restore(struct db_conn *conn, bool *restored);
/* Rows of entity_aliases (the planner's estimate once analysed). */
int db_kb_alias_count(struct db_conn *conn, int64_t *n);
/* Session advisory lock serialising imports (and the default base's load by
 * concurrent migrations); unlock when done. */
int db_kb_lock(struct db_conn *conn);
void db_kb_unlock(struct db_conn *conn);
/* Was (name, sha256) imported to the end before? */
int db_kb_imported(struct db_conn *conn, const char *name, const char *sha256, bool *done);
/* Record a finished import in kb_imports (updating an earlier run's row). */
int db_kb_import_record(struct db_conn *conn, const char *name, const char *sha256,
                        int64_t entities);

/* ---- event clustering (server/db/cluster.c, cluster_commit.c) ----
 * Used by the single clustering leader (server/ingest/clusterer.c). */
struct cluster;
struct cluster_term;
struct cluster_entity;

/* An article waiting for its event, with its clustering features. */
struct db_pending {
	int64_t id;
	int64_t duplicate_of;       /* 0 when not a near duplicate */
	int64_t original_event;     /* event of the original when already placed, else 0 */
	int32_t day;                /* happening day, else publication day (days since 1970-01-01),
	                             * else CLUSTER_NO_DAY */
	struct cluster_term *terms; /* by id; owned */
	size_t n_terms;
	struct cluster_entity *entities; /* linked ids, weights = mentions, heaviest first; owned */
	size_t n_entities;
};
void db_pending_free(struct db_pending *v, size_t n);

/* Try the session advisory lock that makes this connection the leader. */
int db_cluster_try_lead(struct db_conn *c, bool *leader);
/* Give the lead up (the pool keeps the session, and the lock with it). */
void db_cluster_resign(struct db_conn *c);
/* Load the saved document frequencies and the events active within
 * horizon_days of the latest one (at most max_events) into cl; *generation
 * gets the curation generation they reflect, *newest_day the latest event
 * day (CLUSTER_NO_DAY when none): older articles look for stored events. */
int db_cluster_load(struct db_conn *c, struct cluster *cl, int horizon_days, size_t max_events,
                    int64_t *generation, int32_t *newest_day);
/* Up to limit unplaced articles, in id order. */
int db_cluster_pending(struct db_conn *c, int limit, struct db_pending **out, size_t *n);
/* Load into cl the events (not yet in it) sharing one of entities with a
 * happening day in [from_day, to_day]: candidates for a late article. */
int db_cluster_load_near(struct db_conn *c, struct cluster *cl, const int64_t *entities, size_t n,
                         int32_t from_day, int32_t to_day, int limit);
/* Load stored event id into cl (when not in it) from its aggregate; it stays
 * absent when merged or its centroid awaits a rebuild. */
int db_cluster_load_event(struct db_conn *c, struct cluster *cl, int64_t id);
/* Load into cl the events before before_event sharing two or more of core:
 * story candidates at any date. */
int db_cluster_load_story_candidates(struct db_conn *c, struct cluster *cl, const int64_t *core,
                                     size_t n, int64_t before_event, int limit);
/* n new ids from the events (or stories) sequence. */
int db_cluster_new_ids(struct db_conn *c, bool stories, size_t n, int64_t *out);

/* One batch of decisions, committed in one transaction. */
struct db_cluster_batch {
	const int64_t *articles, *events; /* placements: article -> event */
	size_t n;
	const int64_t *new_events, *first_articles; /* events opened, with their first article */
	size_t n_new;
	const int64_t *story_ids, *story_events; /* stories opened, with their first event */
	size_t n_new_stories;
	const int64_t *join_events, *join_prev; /* event joins the story of an earlier stored one */
	size_t n_join;
	const int64_t *restory_events, *restory_prev; /* a grown event alone in its story moves
	                                               * to the story of an earlier one */
	size_t n_restory;
	const int64_t *touched; /* events whose aggregates changed */
	size_t n_touched;
	struct cluster *cl; /* their centroids */
	int64_t generation; /* as loaded */
};
/* -ESTALE (nothing written) when a curation changed the generation;
 * -EALREADY (nothing written) when an article of the batch was placed since
 * it was read (a stale batch: never placed nor counted twice). */
int db_cluster_commit(struct db_conn *c, const struct db_cluster_batch *b);
/* Wait until the clustering placed article id (-ETIMEDOUT after about
 * timeout_ms: no leader running, or a long queue ahead). */
int db_article_wait_placed(struct db_conn *c, int64_t id, int timeout_ms);
/* Save the document frequencies (terms seen twice or more). */
int db_cluster_save_df(struct db_conn *c, const struct cluster *cl);
/* Recompute the derived fields of events (kind, date, location, titles,
 * counts of sources and languages, roles) with their provenance, and their
 * stories' counts; force: even for a big event that has not grown much. */
int db_event_derive(struct db_conn *c, const int64_t *ids, size_t n, bool force);

#endif
