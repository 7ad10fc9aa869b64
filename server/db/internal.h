/* db module internals: the connection record and the statement helpers. */
#ifndef NEWSD_DB_INTERNAL_H
#define NEWSD_DB_INTERNAL_H

#include "db.h"
#include "strbuf.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

/* A statement prepared lazily, once per connection, under its name. */
struct db_stmt {
	const char *name;
	const char *sql;
	int nparams;
};

#define DB_MAX_PREPARED 64

struct db_conn {
	PGconn *pg;
	struct db_pool *owner; /* the pool it goes back to */
	unsigned epoch;        /* owner's epoch when pg connected */
	const struct db_stmt *prepared[DB_MAX_PREPARED];
	int n_prepared;
};

/* Where a read replica stands (replica.c); under its pool's lock. */
struct db_replica_state {
	bool down;                /* lost: reads go to the primary */
	bool probing;             /* one thread is trying it again */
	int backoff_s;            /* wait before the next probe */
	struct timespec retry_at; /* CLOCK_MONOTONIC: no probe before */
	struct timespec up_since; /* CLOCK_MONOTONIC: when it last came back */
};

struct db_pool {
	char *url;
	bool is_replica; /* a streaming replica's pool, attached to a primary's */
	int size;
	int n_free;
	struct db_conn **free_list; /* connections not in use, possibly not yet connected */
	struct db_conn *conns;
	pthread_mutex_t lock;
	pthread_cond_t available;
	unsigned epoch;          /* bumped when the server was lost: older connections redial */
	struct db_pool *replica; /* reads go there while it answers; owned; NULL: none */
	struct db_replica_state rstate; /* is_replica only */
};

/* A pool of size lazy connections to url: db_pool_new(), or the pool of a
 * read replica (connect_timeout 3 s unless url says otherwise, reported to
 * the server as application "newsd-read"). */
int db_pool_create(const char *url, int size, bool replica, struct db_pool **out);
/* db_pool_acquire() without logging: NULL, with why filled (one line), when
 * the server cannot be reached. */
struct db_conn *db_pool_take(struct db_pool *pool, char *why, size_t why_len);
/* replica.c: conn of replica comes back; a broken one means the replica was
 * lost (unless that loss was already seen). */
void db_replica_released(struct db_pool *replica, struct db_conn *conn);
/* msg (libpq's, possibly several lines) on one line in dst. */
void db_oneline(char *dst, size_t n, const char *msg);

/* Run a prepared statement (preparing it first on this connection if
 * needed). Text parameters; NULL entries are SQL NULL. Never NULL result. */
PGresult *db_exec(struct db_conn *conn, const struct db_stmt *stmt, const char *const *params);
/* Run a one-off statement with parameters (planned for these values). */
PGresult *db_exec_once(struct db_conn *conn, const char *sql, int nparams,
                       const char *const *params);
/* Log the failure of what with its SQLSTATE and map it to -errno. */
/* Run st; its result status must be want, else the error is logged and
 * -errno returned. With keep, a successful result is handed over (the
 * caller clears it); otherwise it is cleared here. */
int db_run(struct db_conn *c, const struct db_stmt *st, const char *const *params,
           ExecStatusType want, PGresult **keep);
int db_error(struct db_conn *conn, const PGresult *res, const char *what);
/* Run a command expecting PGRES_COMMAND_OK (BEGIN, COMMIT...). */
int db_command(struct db_conn *conn, const char *sql);
void db_rollback(struct db_conn *conn);

/* Single-value helpers for a result of one row: -ENOENT when no row. */
int db_result_int64(PGresult *res, int col, int64_t *out);
/* Fill a page from rows (k1, k2, json) of which at most limit are kept. */
int db_page_fill(PGresult *res, int limit, struct db_page *out);
/* One JSON text column of one row into *json_out, -ENOENT when no row. */
int db_fetch_json(struct db_conn *conn, const struct db_stmt *stmt, int64_t id, char **json_out);

/* Near duplicates and dates of an article (dedup.c). */
/* The first copy of a body whose MinHash signature estimates a Jaccard
 * similarity of at least DB_NEAR_DUP_JACCARD: *original and its *event (0
 * when none). */
int db_near_duplicate(struct db_conn *c, const uint32_t *minhash, int64_t *original,
                      int64_t *event);
int db_minhash_bands_insert(struct db_conn *c, int64_t article_id, const uint32_t *minhash);
/* "\\x" + 512 hex digits + NUL: the signature as bytea input text. */
#define DB_MINHASH_HEX_LEN (2 + 64 * 8 + 1)
void db_minhash_hex(const uint32_t *sig, char *out);
int db_dates_insert(struct db_conn *c, int64_t article_id, const struct db_date *dates, size_t n);

/* An article's event feature columns as 11 text parameters in p (terms as
 * hex, kind, score, kind start, end, in title, happened on, precision,
 * origin, start, end), all NULL without f (features.c); release after use. */
struct db_feature_params {
	struct strbuf hex;
	char score[32], b[4][24];
	const char *p[11];
};
int db_feature_params(struct db_feature_params *fp, const struct text_doc *doc,
                      const struct db_features *f);
void db_feature_params_release(struct db_feature_params *fp);
/* The roles of f (after the article's mentions: a role goes to the entity
 * whose mention overlaps it). */
int db_roles_insert(struct db_conn *c, int64_t article_id, const struct db_features *f);

/* Append one element of a PostgreSQL array literal to sb: NULL, or v
 * double-quoted with " and \\ escaped, after a comma unless first. The
 * literal is a parameter's value, never SQL text. 0 or -ENOMEM. */
struct strbuf;
int db_array_add(struct strbuf *sb, const char *v, bool first);
/* {"1","2","3"}: the ids as a whole array literal (the one writer of them),
 * appended to sb; any length. 0 or -ENOMEM. */
int db_id_array(const int64_t *v, size_t n, struct strbuf *sb);

/* Decimal text of v in buf (at least 24 bytes). */
const char *db_i64(char *buf, int64_t v);

/* Plain hex of a term vector's (uint32 id, float32 value) big-endian pairs,
 * appended to sb: the text of a decode(..., 'hex') parameter. */
struct cluster_term;
int db_terms_hex(const struct cluster_term *t, size_t n, struct strbuf *sb);

/* An event in lists (GET /events, /entities/{id}/events; alias v), shared so
 * that every list renders the same shape (server/db/events.c). */
#define EVENT_DATE_SHORT                                                                           \
	"CASE WHEN v.event_date IS NULL THEN NULL ELSE json_build_object('value', "                \
	"v.event_date::text, 'precision', v.event_date_precision) END"

#define EVENT_SUMMARY_FIELDS                                                                       \
	"'id', v.id, 'title', v.title, 'kind', v.kind, 'date', " EVENT_DATE_SHORT ", 'location', " \
	"(SELECT json_build_object('id', l.id, 'name', l.name) FROM entities l WHERE l.id = "      \
	"v.location_id), 'article_count', v.article_count, 'source_count', v.source_count, "       \
	"'lang_count', v.lang_count, 'first_published', newsd_iso(v.first_published), "            \
	"'last_published', newsd_iso(v.last_published), 'story_id', v.story_id, 'curated', "       \
	"v.curated"

/* Save the in-memory centroids of events ids (server/db/cluster_commit.c). */
struct cluster;
int db_cluster_write_centroids(struct db_conn *c, struct cluster *cl, const int64_t *ids, size_t n);

#endif
