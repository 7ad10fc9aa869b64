#include "internal.h"
#include "log.h"
#include "strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int db_pool_create(const char *url, int size, bool replica, struct db_pool **out)
{
	struct db_pool *pool = calloc(1, sizeof(*pool));
	int i;

	if (!pool)
		return -ENOMEM;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->available, NULL);
	pool->url = strdup(url);
	pool->conns = calloc((size_t)size, sizeof(*pool->conns));
	pool->free_list = calloc((size_t)size, sizeof(*pool->free_list));
	if (!pool->url || !pool->conns || !pool->free_list) {
		db_pool_free(pool);
		return -ENOMEM;
	}
	pool->is_replica = replica;
	pool->size = size;
	for (i = 0; i < size; i++) {
		pool->conns[i].owner = pool;
		pool->free_list[i] = &pool->conns[i];
	}
	pool->n_free = size;
	*out = pool;
	return 0;
}

int db_pool_new(const char *url, int size, struct db_pool **out)
{
	return db_pool_create(url, size, false, out);
}

void db_pool_free(struct db_pool *pool)
{
	int i;

	if (!pool)
		return;
	db_pool_free(pool->replica);
	for (i = 0; pool->conns && i < pool->size; i++)
		if (pool->conns[i].pg)
			PQfinish(pool->conns[i].pg);
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->available);
	free(pool->conns);
	free(pool->free_list);
	free(pool->url);
	free(pool);
}

void db_oneline(char *dst, size_t n, const char *msg)
{
	size_t len = 0;
	bool space = false;

	for (; *msg && len + 1 < n; msg++) {
		if (*msg == '\n' || *msg == '\t' || *msg == '\r' || *msg == ' ') {
			space = len > 0;
			continue;
		}
		if (space && len + 2 < n)
			dst[len++] = ' ';
		space = false;
		dst[len++] = *msg;
	}
	if (n)
		dst[len] = '\0';
}

/* Session settings every connection gets: UTC so that timestamps render with
 * a Z; a bound on statements so a runaway query cannot pin a worker; and
 * random_page_cost for SSD storage (PostgreSQL's default of 4 assumes
 * spinning disks and made the planner scan all entities for one article's
 * few mentions). */
static const char SQL_SESSION[] =
        "SET TIME ZONE 'UTC'; SET statement_timeout = '60s'; SET random_page_cost = 1.1";

/* Keywords before dbname are defaults the URL may override (libpq applies
 * them in order). A replica that does not answer must not hold a request for
 * long: the caller falls back to the primary. */
static const char *const PRIMARY_KEYS[] = {"fallback_application_name", "dbname", NULL};
static const char *const REPLICA_KEYS[] = {"connect_timeout", "fallback_application_name", "dbname",
                                           NULL};

static PGconn *dial(const struct db_pool *pool)
{
	const char *primary_values[] = {"newsd", pool->url, NULL};
	const char *replica_values[] = {"3", "newsd-read", pool->url, NULL};

	if (pool->is_replica)
		return PQconnectdbParams(REPLICA_KEYS, replica_values, 1);
	return PQconnectdbParams(PRIMARY_KEYS, primary_values, 1);
}

/* A replica's notices ("terminating connection due to immediate shutdown
 * command") go to the log rather than raw to stderr; its loss is logged
 * once by replica.c. */
static void replica_notice(void *arg, const char *message)
{
	char msg[512];

	db_oneline(msg, sizeof(msg), message);
	log_debug("db: read replica notice: %s", msg);
}

static int connect_conn(struct db_pool *pool, struct db_conn *c, unsigned epoch, char *why,
                        size_t why_len)
{
	PGresult *res;

	if (c->pg && PQstatus(c->pg) == CONNECTION_OK && c->epoch == epoch)
		return 0;
	if (c->pg)
		PQfinish(c->pg);
	c->n_prepared = 0;
	c->epoch = epoch;
	c->pg = dial(pool);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		/* libpq's message, not the URL: that may hold a password. */
		db_oneline(why, why_len, PQerrorMessage(c->pg));
		PQfinish(c->pg);
		c->pg = NULL;
		return -EIO;
	}
	res = PQexec(c->pg, SQL_SESSION);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		snprintf(why, why_len, "session setup failed: ");
		db_oneline(why + strlen(why), why_len - strlen(why), PQresultErrorMessage(res));
		PQclear(res);
		PQfinish(c->pg);
		c->pg = NULL;
		return -EIO;
	}
	PQclear(res);
	if (pool->is_replica)
		PQsetNoticeProcessor(c->pg, replica_notice, NULL);
	return 0;
}

static void put_back(struct db_pool *pool, struct db_conn *conn)
{
	pthread_mutex_lock(&pool->lock);
	pool->free_list[pool->n_free++] = conn;
	pthread_cond_signal(&pool->available);
	pthread_mutex_unlock(&pool->lock);
}

struct db_conn *db_pool_take(struct db_pool *pool, char *why, size_t why_len)
{
	struct db_conn *c;
	unsigned epoch;

	pthread_mutex_lock(&pool->lock);
	while (pool->n_free == 0)
		pthread_cond_wait(&pool->available, &pool->lock);
	c = pool->free_list[--pool->n_free];
	epoch = pool->epoch;
	pthread_mutex_unlock(&pool->lock);
	/* Connect outside the lock: it may take a while. */
	if (connect_conn(pool, c, epoch, why, why_len)) {
		put_back(pool, c);
		return NULL;
	}
	return c;
}

struct db_conn *db_pool_acquire(struct db_pool *pool)
{
	char why[512];
	struct db_conn *c = db_pool_take(pool, why, sizeof(why));

	if (!c)
		log_error("db: cannot connect: %s", why);
	return c;
}

void db_pool_release(struct db_pool *pool, struct db_conn *conn)
{
	if (!conn)
		return;
	/* A read connection goes back to the replica's pool it came from. */
	pool = conn->owner;
	if (pool->is_replica)
		db_replica_released(pool, conn);
	/* A connection left inside a transaction (a bug or an aborted request)
	 * must not leak its state to the next user: drop it. (A broken one is
	 * redialed on its next acquire.) */
	if (conn->pg && PQstatus(conn->pg) == CONNECTION_OK &&
	    PQtransactionStatus(conn->pg) != PQTRANS_IDLE) {
		log_warn("db: connection released mid-transaction; closing it");
		PQfinish(conn->pg);
		conn->pg = NULL;
	}
	put_back(pool, conn);
}

static bool is_prepared(const struct db_conn *c, const struct db_stmt *stmt)
{
	int i;

	for (i = 0; i < c->n_prepared; i++)
		if (c->prepared[i] == stmt)
			return true;
	return false;
}

PGresult *db_exec(struct db_conn *conn, const struct db_stmt *stmt, const char *const *params)
{
	PGresult *res;

	if (!is_prepared(conn, stmt)) {
		if (conn->n_prepared == DB_MAX_PREPARED)
			return db_exec_once(conn, stmt->sql, stmt->nparams, params);
		res = PQprepare(conn->pg, stmt->name, stmt->sql, stmt->nparams, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			return res; /* the caller's status check reports it */
		PQclear(res);
		conn->prepared[conn->n_prepared++] = stmt;
	}
	res = PQexecPrepared(conn->pg, stmt->name, stmt->nparams, params, NULL, NULL, 0);
	return res;
}

PGresult *db_exec_once(struct db_conn *conn, const char *sql, int nparams,
                       const char *const *params)
{
	return PQexecParams(conn->pg, sql, nparams, NULL, params, NULL, NULL, 0);
}

int db_error(struct db_conn *conn, const PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	char msg[512];

	/* No result at all: out of memory, unless the connection is gone. */
	if (!res && PQstatus(conn->pg) == CONNECTION_OK)
		return -ENOMEM;
	if (state && strcmp(state, "23505") == 0)
		return -EEXIST;
	db_oneline(msg, sizeof(msg), res ? PQresultErrorMessage(res) : PQerrorMessage(conn->pg));
	log_error("db: %s failed: sqlstate=%s %s", what, state ? state : "-", msg);
	/* The connection is done for when libpq itself failed (no SQLSTATE: the
	 * server closed it; libpq 15 still says CONNECTION_OK until the next
	 * call), on a connection exception (08) or when the server ended the
	 * session (57P0x: shutdown, crash): the pool redials on next acquire. */
	if (!state || strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0) {
		PQfinish(conn->pg);
		conn->pg = NULL;
	}
	return -EIO;
}

int db_run(struct db_conn *c, const struct db_stmt *st, const char *const *params,
           ExecStatusType want, PGresult **keep)
{
	PGresult *res = db_exec(c, st, params);
	int err = 0;

	if (PQresultStatus(res) != want)
		err = db_error(c, res, st->name);
	if (keep && !err)
		*keep = res;
	else
		PQclear(res);
	return err;
}

int db_command(struct db_conn *conn, const char *sql)
{
	PGresult *res = PQexec(conn->pg, sql);
	int err = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		err = db_error(conn, res, sql);
	PQclear(res);
	return err;
}

void db_rollback(struct db_conn *conn)
{
	PGresult *res;

	if (!conn->pg || PQtransactionStatus(conn->pg) == PQTRANS_IDLE)
		return;
	res = PQexec(conn->pg, "ROLLBACK");
	PQclear(res);
}

int db_result_int64(PGresult *res, int col, int64_t *out)
{
	if (PQntuples(res) < 1 || PQgetisnull(res, 0, col))
		return -ENOENT;
	*out = strtoll(PQgetvalue(res, 0, col), NULL, 10);
	return 0;
}

const char *db_i64(char *buf, int64_t v)
{
	snprintf(buf, 24, "%" PRId64, v);
	return buf;
}

int db_array_add(struct strbuf *sb, const char *v, bool first)
{
	const char *p;
	int err = first ? 0 : strbuf_addch(sb, ',');

	if (err)
		return err;
	if (!v)
		return strbuf_addstr(sb, "NULL");
	err = strbuf_addch(sb, '"');
	for (p = v; *p && !err; p++) {
		if (*p == '"' || *p == '\\')
			err = strbuf_addch(sb, '\\');
		if (!err)
			err = strbuf_addch(sb, *p);
	}
	return err ? err : strbuf_addch(sb, '"');
}

int db_id_array(const int64_t *v, size_t n, struct strbuf *sb)
{
	char buf[24];
	size_t i;
	int err = strbuf_addch(sb, '{');

	for (i = 0; i < n && !err; i++)
		err = db_array_add(sb, db_i64(buf, v[i]), i == 0);
	if (!err)
		err = strbuf_addch(sb, '}');
	return err;
}

void db_page_release(struct db_page *page)
{
	size_t i;

	if (!page->items)
		return;
	for (i = 0; i < page->n; i++)
		free(page->items[i]);
	free(page->items);
	page->items = NULL;
	page->n = 0;
}

int db_page_fill(PGresult *res, int limit, struct db_page *out)
{
	int rows = PQntuples(res), keep = rows > limit ? limit : rows, i;

	memset(out, 0, sizeof(*out));
	out->items = calloc((size_t)(keep ? keep : 1), sizeof(char *));
	if (!out->items)
		return -ENOMEM;
	for (i = 0; i < keep; i++) {
		out->items[i] = strdup(PQgetvalue(res, i, 2));
		if (!out->items[i]) {
			db_page_release(out);
			return -ENOMEM;
		}
		out->n++;
	}
	out->more = rows > limit;
	if (out->more && keep > 0) {
		out->next_k1 = strtoll(PQgetvalue(res, keep - 1, 0), NULL, 10);
		out->next_k2 = strtoll(PQgetvalue(res, keep - 1, 1), NULL, 10);
	}
	return 0;
}

int db_fetch_json(struct db_conn *conn, const struct db_stmt *stmt, int64_t id, char **json_out)
{
	char idbuf[24];
	const char *params[1] = {db_i64(idbuf, id)};
	PGresult *res = db_exec(conn, stmt, params);
	int err = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		err = db_error(conn, res, stmt->name);
		goto out;
	}
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
		err = -ENOENT;
		goto out;
	}
	*json_out = strdup(PQgetvalue(res, 0, 0));
	if (!*json_out)
		err = -ENOMEM;
out:
	PQclear(res);
	return err;
}

static const struct db_stmt STMT_PING = {"ping", "SELECT 1", 0};

int db_ping(struct db_conn *conn)
{
	PGresult *res = db_exec(conn, &STMT_PING, NULL);
	int err = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(conn, res, "ping");
	PQclear(res);
	return err;
}

void db_pool_stats(struct db_pool *pool, int *size, int *in_use)
{
	pthread_mutex_lock(&pool->lock);
	*size = pool->size;
	*in_use = pool->size - pool->n_free;
	pthread_mutex_unlock(&pool->lock);
}
