#include "internal.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct db_pool {
	char *url;
	int size;
	int n_free;
	struct db_conn **free_list; /* connections not in use, possibly not yet connected */
	struct db_conn *conns;
	pthread_mutex_t lock;
	pthread_cond_t available;
};

int db_pool_new(const char *url, int size, struct db_pool **out)
{
	struct db_pool *pool = calloc(1, sizeof(*pool));
	int i;

	if (!pool)
		return -ENOMEM;
	pool->url = strdup(url);
	pool->conns = calloc((size_t)size, sizeof(*pool->conns));
	pool->free_list = calloc((size_t)size, sizeof(*pool->free_list));
	if (!pool->url || !pool->conns || !pool->free_list) {
		db_pool_free(pool);
		return -ENOMEM;
	}
	pool->size = size;
	for (i = 0; i < size; i++)
		pool->free_list[i] = &pool->conns[i];
	pool->n_free = size;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->available, NULL);
	*out = pool;
	return 0;
}

void db_pool_free(struct db_pool *pool)
{
	int i;

	if (!pool)
		return;
	if (pool->conns) {
		for (i = 0; i < pool->size; i++)
			if (pool->conns[i].pg)
				PQfinish(pool->conns[i].pg);
		pthread_mutex_destroy(&pool->lock);
		pthread_cond_destroy(&pool->available);
	}
	free(pool->conns);
	free(pool->free_list);
	free(pool->url);
	free(pool);
}

/* Session settings every connection gets: UTC so that timestamps render with
 * a Z; a bound on statements so a runaway query cannot pin a worker; and
 * random_page_cost for SSD storage (PostgreSQL's default of 4 assumes
 * spinning disks and made the planner scan all entities for one article's
 * few mentions). */
static const char SQL_SESSION[] =
        "SET TIME ZONE 'UTC'; SET statement_timeout = '60s'; SET random_page_cost = 1.1";

static int connect_conn(struct db_pool *pool, struct db_conn *c)
{
	PGresult *res;

	if (c->pg && PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	if (c->pg)
		PQfinish(c->pg);
	c->n_prepared = 0;
	c->pg = PQconnectdb(pool->url);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		/* libpq's message ends in a newline; the URL may hold a password. */
		char msg[512];
		size_t n;

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c->pg));
		n = strlen(msg);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		log_error("db: cannot connect: %s", msg);
		PQfinish(c->pg);
		c->pg = NULL;
		return -EIO;
	}
	res = PQexec(c->pg, SQL_SESSION);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		log_error("db: session setup failed: %s", PQresultErrorMessage(res));
		PQclear(res);
		PQfinish(c->pg);
		c->pg = NULL;
		return -EIO;
	}
	PQclear(res);
	return 0;
}

struct db_conn *db_pool_acquire(struct db_pool *pool)
{
	struct db_conn *c;

	pthread_mutex_lock(&pool->lock);
	while (pool->n_free == 0)
		pthread_cond_wait(&pool->available, &pool->lock);
	c = pool->free_list[--pool->n_free];
	pthread_mutex_unlock(&pool->lock);
	/* Connect outside the lock: it may take a while. */
	if (connect_conn(pool, c)) {
		db_pool_release(pool, c);
		return NULL;
	}
	return c;
}

void db_pool_release(struct db_pool *pool, struct db_conn *conn)
{
	if (!conn)
		return;
	/* A connection left inside a transaction (a bug or an aborted request)
	 * must not leak its state to the next user: drop it. */
	if (conn->pg && PQtransactionStatus(conn->pg) != PQTRANS_IDLE) {
		log_warn("db: connection released mid-transaction; closing it");
		PQfinish(conn->pg);
		conn->pg = NULL;
	}
	pthread_mutex_lock(&pool->lock);
	pool->free_list[pool->n_free++] = conn;
	pthread_cond_signal(&pool->available);
	pthread_mutex_unlock(&pool->lock);
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
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn->pg);

	if (!res)
		return -ENOMEM;
	if (state && strcmp(state, "23505") == 0)
		return -EEXIST;
	log_error("db: %s failed: sqlstate=%s %s", what, state ? state : "-", msg);
	if (state && strncmp(state, "08", 2) == 0) {
		/* Connection exception: the pool reconnects on next acquire. */
		PQfinish(conn->pg);
		conn->pg = NULL;
	}
	return -EIO;
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
