/* Liveness, readiness and the contract. */
#include "api.h"
#include "config.h"
#include "db.h"
#include "metrics.h"
#include "strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const NO_PARAMS[] = {NULL};

void api_healthz(void *app, const struct http_request *req, struct http_response *res)
{
	if (api_check_params(req, res, NO_PARAMS))
		return;
	api_send_json(res, 200, strdup("{\"status\":\"ok\"}"));
}

void api_readyz(void *app_, const struct http_request *req, struct http_response *res)
{
	struct api_app *app = app_;
	struct db_conn *conn;
	char body[128];
	int applied = 0, err;

	if (api_check_params(req, res, NO_PARAMS))
		return;
	conn = db_pool_acquire(app->pool);
	if (!conn) {
		http_problem(res, 503, "the database is unreachable");
		return;
	}
	err = db_ping(conn);
	if (!err)
		err = db_migrations_check(conn, app->cfg->migrations_dir, &applied);
	db_pool_release(app->pool, conn);
	if (err == -EAGAIN) {
		http_problem(res, 503, "migrations are pending (%d applied); run 'newsd migrate'",
		             applied);
	} else if (err == -ESTALE) {
		http_problem(res, 503, "an applied migration file changed; see the server log");
	} else if (err) {
		http_problem(res, 503, "the database is unreachable");
	} else {
		snprintf(body, sizeof(body),
		         "{\"status\":\"ready\",\"database\":\"ok\",\"migrations\":%d}", applied);
		api_send_json(res, 200, strdup(body));
	}
}

void api_openapi(void *app_, const struct http_request *req, struct http_response *res)
{
	struct api_app *app = app_;
	char *copy;

	if (api_check_params(req, res, NO_PARAMS))
		return;
	if (!app->openapi) {
		http_problem(res, 404, "this server was started without its openapi.yaml");
		return;
	}
	copy = malloc(app->openapi_len + 1);
	if (!copy) {
		http_problem(res, 503, "out of memory");
		return;
	}
	memcpy(copy, app->openapi, app->openapi_len + 1);
	http_json_take(res, 200, copy, app->openapi_len);
	res->content_type = "application/yaml";
}

/* Prometheus text format: this process's counters and histograms, then
 * gauges read now (pool, queue). A database that does not answer leaves
 * the queue gauges out rather than failing the scrape. */
void api_metrics(void *app_, const struct http_request *req, struct http_response *res)
{
	struct api_app *app = app_;
	struct strbuf sb = STRBUF_INIT;
	struct db_conn *conn;
	int64_t queued = 0, running = 0;
	int size, in_use, err, qerr = -EIO;
	size_t len;
	char *body;

	if (api_check_params(req, res, NO_PARAMS))
		return;
	conn = db_pool_acquire(app->pool);
	if (conn) {
		qerr = db_queue_depth(conn, &queued, &running);
		db_pool_release(app->pool, conn);
	}
	db_pool_stats(app->pool, &size, &in_use);
	strbuf_init(&sb);
	err = metrics_render(&sb);
	if (!err)
		err = strbuf_addf(&sb,
		                  "# HELP newsd_db_pool_connections PostgreSQL connections of this "
		                  "process.\n# TYPE newsd_db_pool_connections gauge\n"
		                  "newsd_db_pool_connections{state=\"in_use\"} %d\n"
		                  "newsd_db_pool_connections{state=\"idle\"} %d\n",
		                  in_use, size - in_use);
	if (!err && !qerr)
		err = strbuf_addf(&sb,
		                  "# HELP newsd_job_items Job items in the queue, all workers.\n"
		                  "# TYPE newsd_job_items gauge\n"
		                  "newsd_job_items{status=\"queued\"} %" PRId64 "\n"
		                  "newsd_job_items{status=\"running\"} %" PRId64 "\n",
		                  queued, running);
	body = strbuf_detach(&sb, &len);
	if (err || !body) {
		free(body);
		http_problem(res, 503, "out of memory");
		return;
	}
	http_json_take(res, 200, body, len);
	res->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
