/* The durable job queue: jobs and job_items rows. Items are claimed with
 * FOR UPDATE SKIP LOCKED, so any number of worker processes can share one
 * database; a worker's claim lives as long as its heartbeat. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One statement: the job and all its items commit together or not at all. */
static const struct db_stmt STMT_CREATE = {
        "job_create",
        "WITH t AS (SELECT value, ord FROM json_array_elements_text($1::json) WITH ORDINALITY "
        "AS e(value, ord) WHERE value IS NOT NULL), j AS (INSERT INTO jobs (total) SELECT "
        "count(*) FROM t RETURNING id), i AS (INSERT INTO job_items (job_id, idx, input) SELECT "
        "j.id, t.ord - 1, t.value FROM j, t) SELECT id FROM j",
        1};

static const struct db_stmt STMT_JSON = {
        "job_json",
        "SELECT json_build_object('id', j.id, 'status', CASE WHEN c.queued + c.running + "
        "c.clustering = 0 THEN "
        "CASE WHEN j.cancelled_at IS NOT NULL AND c.cancelled > 0 THEN 'cancelled' ELSE 'done' "
        "END WHEN c.running + c.done + c.failed + c.cancelled = 0 THEN 'queued' ELSE 'running' "
        "END, 'created_at', newsd_iso(j.created_at), 'updated_at', newsd_iso(j.updated_at), "
        "'counts', json_build_object('total', j.total, 'queued', c.queued, 'running', c.running, "
        "'done', c.done, 'failed', c.failed, 'cancelled', c.cancelled, 'clustering', "
        "c.clustering), "
        "'errors', coalesce((SELECT json_agg(json_build_object('index', f.idx, 'error', f.error) "
        "ORDER BY f.idx) FROM (SELECT idx, error FROM job_items WHERE job_id = j.id AND status = "
        "'failed' ORDER BY idx LIMIT 1000) f), '[]'::json), "
        "'articles', coalesce((SELECT json_agg(json_build_object('index', d.idx, 'id', "
        "d.article_id) ORDER BY d.idx) FROM (SELECT idx, article_id FROM job_items WHERE job_id = "
        "j.id AND status = 'done' ORDER BY idx LIMIT 1000) d), '[]'::json))::text "
        "FROM jobs j CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE status = 'queued') AS "
        "queued, count(*) FILTER (WHERE status = 'running') AS running, count(*) FILTER (WHERE "
        "status = 'done') AS done, count(*) FILTER (WHERE status = 'failed') AS failed, count(*) "
        "FILTER (WHERE status = 'cancelled') AS cancelled, count(*) FILTER (WHERE status = 'done' "
        "AND EXISTS (SELECT 1 FROM articles a WHERE a.id = article_id AND a.clustered_at IS "
        "NULL)) AS clustering FROM job_items WHERE job_id = j.id) c "
        "WHERE j.id = $1::bigint",
        1};

static const struct db_stmt STMT_CANCEL = {
        "job_cancel",
        "WITH c AS (UPDATE job_items SET status = 'cancelled', finished_at = now() WHERE job_id = "
        "$1::bigint AND status = 'queued' RETURNING 1), j AS (UPDATE jobs SET cancelled_at = "
        "coalesce(cancelled_at, now()), updated_at = now() WHERE id = $1::bigint AND EXISTS "
        "(SELECT 1 FROM c) RETURNING id) SELECT (SELECT count(*) FROM c), EXISTS (SELECT 1 FROM "
        "jobs WHERE id = $1::bigint)",
        1};

static const struct db_stmt STMT_WORKER_UP = {
        "worker_up",
        "INSERT INTO workers (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET heartbeat_at = "
        "now()",
        1};
static const struct db_stmt STMT_WORKER_DOWN = {"worker_down", "DELETE FROM workers WHERE id = $1",
                                                1};

/* Items of dead workers go back to the queue, or fail once they have
 * killed (or been abandoned by) max_attempts workers: a poisoned item must
 * not take the fleet down forever. */
static const struct db_stmt STMT_RECLAIM = {
        "items_reclaim",
        "WITH dead AS (DELETE FROM workers WHERE heartbeat_at < now() - make_interval(secs => "
        "$1::int) RETURNING id), stale AS (SELECT job_id, idx FROM job_items WHERE status = "
        "'running' AND (claimed_by IN (SELECT id FROM dead) OR claimed_by NOT IN (SELECT id FROM "
        "workers)) FOR UPDATE SKIP LOCKED) UPDATE job_items i SET status = CASE WHEN i.attempts "
        ">= $2::int THEN 'failed' ELSE 'queued' END, error = CASE WHEN i.attempts >= $2::int THEN "
        "'gave up after ' || i.attempts || ' attempts: the worker processing it stopped each "
        "time' END, finished_at = CASE WHEN i.attempts >= $2::int THEN now() END, claimed_by = "
        "NULL FROM stale s WHERE i.job_id = s.job_id AND i.idx = s.idx RETURNING i.status",
        2};

static const struct db_stmt STMT_CLAIM = {
        "items_claim",
        "UPDATE job_items i SET status = 'running', attempts = i.attempts + 1, claimed_by = $1, "
        "claimed_at = now() FROM (SELECT job_id, idx FROM job_items WHERE status = 'queued' AND "
        "(not_before IS NULL OR not_before <= now()) ORDER BY job_id, idx LIMIT $2::int FOR "
        "UPDATE SKIP LOCKED) q WHERE i.job_id = q.job_id AND i.idx = q.idx RETURNING i.job_id, "
        "i.idx, i.input",
        2};

static const struct db_stmt STMT_FAIL = {
        "item_fail",
        "WITH f AS (UPDATE job_items SET status = 'failed', error = $4, finished_at = now() "
        "WHERE job_id = $1::bigint AND idx = $2::int AND status = 'running' AND claimed_by = $3 "
        "RETURNING job_id) UPDATE jobs SET updated_at = now() WHERE id IN (SELECT job_id FROM f)",
        4};

static const struct db_stmt STMT_REQUEUE = {
        "item_requeue",
        "UPDATE job_items SET status = 'queued', claimed_by = NULL, attempts = greatest(attempts "
        "- 1, 0) WHERE job_id = $1::bigint AND idx = $2::int AND status = 'running' AND "
        "claimed_by = $3",
        3};

/* A transient failure: back to the queue after 2^attempts seconds, or
 * failed with the last error once max attempts are spent. */
static const struct db_stmt STMT_RETRY = {
        "item_retry",
        "WITH r AS (UPDATE job_items SET status = CASE WHEN attempts >= $5::int THEN 'failed' "
        "ELSE 'queued' END, error = CASE WHEN attempts >= $5::int THEN 'gave up after ' || "
        "attempts || ' attempts: ' || $4 END, finished_at = CASE WHEN attempts >= $5::int THEN "
        "now() END, not_before = now() + make_interval(secs => power(2, attempts)), claimed_by = "
        "NULL WHERE job_id = $1::bigint AND idx = $2::int AND status = 'running' AND claimed_by "
        "= $3 RETURNING job_id) UPDATE jobs SET updated_at = now() WHERE id IN (SELECT job_id "
        "FROM r)",
        5};

static int command(struct db_conn *c, const struct db_stmt *st, const char *const *p)
{
	PGresult *res = db_exec(c, st, p);
	int err = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		err = db_error(c, res, st->name);
	PQclear(res);
	return err;
}

int db_job_create(struct db_conn *conn, const char *items_json, int64_t *id_out)
{
	const char *p[1] = {items_json};
	PGresult *res = db_exec(conn, &STMT_CREATE, p);
	int err;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(conn, res, "create job");
	else
		err = db_result_int64(res, 0, id_out);
	PQclear(res);
	return err;
}

int db_job_json(struct db_conn *conn, int64_t id, char **json_out)
{
	return db_fetch_json(conn, &STMT_JSON, id, json_out);
}

int db_job_cancel(struct db_conn *conn, int64_t id)
{
	char ibuf[24];
	const char *p[1] = {db_i64(ibuf, id)};
	PGresult *res = db_exec(conn, &STMT_CANCEL, p);
	int err = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = db_error(conn, res, "cancel job");
	else if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
		err = -ENOENT;
	else if (strcmp(PQgetvalue(res, 0, 0), "0") == 0)
		err = -EALREADY;
	PQclear(res);
	return err;
}

int db_worker_register(struct db_conn *conn, const char *worker_id)
{
	const char *p[1] = {worker_id};

	return command(conn, &STMT_WORKER_UP, p);
}

int db_worker_heartbeat(struct db_conn *conn, const char *worker_id)
{
	return db_worker_register(conn, worker_id);
}

int db_worker_unregister(struct db_conn *conn, const char *worker_id)
{
	const char *p[1] = {worker_id};

	return command(conn, &STMT_WORKER_DOWN, p);
}

int db_items_reclaim(struct db_conn *conn, int lease_seconds, int max_attempts)
{
	char lbuf[24], mbuf[24];
	const char *p[2] = {db_i64(lbuf, lease_seconds), db_i64(mbuf, max_attempts)};
	PGresult *res = db_exec(conn, &STMT_RECLAIM, p);
	int n;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		n = db_error(conn, res, "reclaim items");
	} else {
		n = PQntuples(res);
	}
	PQclear(res);
	return n;
}

int db_items_claim(struct db_conn *conn, const char *worker_id, int max, struct db_item **items,
                   size_t *n)
{
	char mbuf[24];
	const char *p[2] = {worker_id, db_i64(mbuf, max)};
	PGresult *res = db_exec(conn, &STMT_CLAIM, p);
	struct db_item *list = NULL;
	int rows, r, err = 0;

	*items = NULL;
	*n = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		err = db_error(conn, res, "claim items");
		goto out;
	}
	rows = PQntuples(res);
	if (rows == 0)
		goto out;
	list = calloc((size_t)rows, sizeof(*list));
	if (!list) {
		err = -ENOMEM;
		goto out;
	}
	for (r = 0; r < rows; r++) {
		list[r].job_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		list[r].idx = atoi(PQgetvalue(res, r, 1));
		list[r].input = strdup(PQgetvalue(res, r, 2));
		if (!list[r].input) {
			/* The claimed rows stay running and are reclaimed later. */
			db_items_free(list, (size_t)r);
			list = NULL;
			err = -ENOMEM;
			goto out;
		}
	}
	*items = list;
	*n = (size_t)rows;
out:
	PQclear(res);
	return err;
}

void db_items_free(struct db_item *items, size_t n)
{
	size_t i;

	if (!items)
		return;
	for (i = 0; i < n; i++)
		free(items[i].input);
	free(items);
}

int db_item_fail(struct db_conn *conn, const struct db_item_ref *item, const char *error)
{
	char jbuf[24], ibuf[24];
	const char *p[4] = {db_i64(jbuf, item->job_id), db_i64(ibuf, item->idx), item->worker_id,
	                    error};

	return command(conn, &STMT_FAIL, p);
}

int db_item_retry(struct db_conn *conn, const struct db_item_ref *item, const char *error,
                  int max_attempts)
{
	char jbuf[24], ibuf[24], mbuf[24];
	const char *p[5] = {db_i64(jbuf, item->job_id), db_i64(ibuf, item->idx), item->worker_id,
	                    error, db_i64(mbuf, max_attempts)};

	return command(conn, &STMT_RETRY, p);
}

int db_item_requeue(struct db_conn *conn, const struct db_item_ref *item)
{
	char jbuf[24], ibuf[24];
	const char *p[3] = {db_i64(jbuf, item->job_id), db_i64(ibuf, item->idx), item->worker_id};

	return command(conn, &STMT_REQUEUE, p);
}

/* Both counts come from the partial indexes on queued and running items. */
static const struct db_stmt STMT_DEPTH = {
        "queue_depth",
        "SELECT (SELECT count(*) FROM job_items WHERE status = 'queued'), (SELECT count(*) FROM "
        "job_items WHERE status = 'running')",
        0};

int db_queue_depth(struct db_conn *conn, int64_t *queued, int64_t *running)
{
	PGresult *res = db_exec(conn, &STMT_DEPTH, NULL);
	int err = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		err = db_error(conn, res, STMT_DEPTH.name);
	} else {
		*queued = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		*running = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	}
	PQclear(res);
	return err;
}
