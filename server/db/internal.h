/* db module internals: the connection record and the statement helpers. */
#ifndef NEWSD_DB_INTERNAL_H
#define NEWSD_DB_INTERNAL_H

#include "db.h"

#include <libpq-fe.h>

/* A statement prepared lazily, once per connection, under its name. */
struct db_stmt {
	const char *name;
	const char *sql;
	int nparams;
};

#define DB_MAX_PREPARED 64

struct db_conn {
	PGconn *pg;
	const struct db_stmt *prepared[DB_MAX_PREPARED];
	int n_prepared;
};

/* Run a prepared statement (preparing it first on this connection if
 * needed). Text parameters; NULL entries are SQL NULL. Never NULL result. */
PGresult *db_exec(struct db_conn *conn, const struct db_stmt *stmt, const char *const *params);
/* Run a one-off statement with parameters (planned for these values). */
PGresult *db_exec_once(struct db_conn *conn, const char *sql, int nparams,
                       const char *const *params);
/* Log the failure of what with its SQLSTATE and map it to -errno. */
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

/* Decimal text of v in buf (at least 24 bytes). */
const char *db_i64(char *buf, int64_t v);

#endif
