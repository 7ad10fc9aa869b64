/* /jobs: batch ingestion. The batch is committed (job and items in one
 * statement) before 202 is sent; items are validated one by one when they
 * run, so one bad item fails alone. */
#include "api.h"
#include "config.h"
#include "db.h"
#include "ingest.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const NO_PARAMS[] = {NULL};

static bool is_ndjson(const char *content_type)
{
	return content_type && (strncasecmp(content_type, "application/x-ndjson", 20) == 0 ||
	                        strncasecmp(content_type, "application/jsonl", 17) == 0);
}

/* Each non-blank line is an item, kept as written (a malformed line fails
 * alone when it runs). A blank line is a null, so that every item's index
 * stays its line number - 1; nulls are not stored. */
static int items_from_ndjson(const char *body, size_t len, json_t *items)
{
	const char *p = body, *end = body + len, *nl, *s, *e;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		for (s = p; s < nl && (*s == ' ' || *s == '\t' || *s == '\r'); s++)
			;
		for (e = nl; e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'); e--)
			;
		if (json_array_append_new(items,
		                          e > s ? json_stringn(s, (size_t)(e - s)) : json_null()))
			return -ENOMEM;
		p = nl + 1;
	}
	return 0;
}

static int items_from_array(const char *body, size_t len, json_t *items, char *why, size_t wl)
{
	json_error_t jerr;
	json_t *arr = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr), *v;
	size_t i;
	int err = 0;

	if (!arr) {
		snprintf(why, wl, "request body is not valid JSON: %s at line %d column %d",
		         jerr.text, jerr.line, jerr.column);
		return -EINVAL;
	}
	if (!json_is_array(arr)) {
		snprintf(why, wl,
		         "request body must be a JSON array of articles (or NDJSON with "
		         "Content-Type: application/x-ndjson)");
		json_decref(arr);
		return -EINVAL;
	}
	json_array_foreach (arr, i, v) {
		char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		if (!text || json_array_append_new(items, json_string(text))) {
			free(text);
			err = -ENOMEM;
			break;
		}
		free(text);
	}
	json_decref(arr);
	return err;
}

static size_t count_items(const json_t *items)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (items, i, v)
		n += !json_is_null(v);
	return n;
}

void api_jobs_create(void *app_, const struct http_request *req, struct http_response *res)
{
	struct api_app *app = app_;
	json_t *items = json_array();
	struct db_conn *conn;
	char why[256] = "", location[48];
	char *items_text = NULL, *json = NULL;
	int64_t id = 0;
	size_t n;
	int err;

	if (!items) {
		http_problem(res, 503, "out of memory");
		return;
	}
	if (api_check_params(req, res, NO_PARAMS))
		goto out;
	if (is_ndjson(req->content_type))
		err = items_from_ndjson(req->body, req->body_len, items);
	else
		err = items_from_array(req->body, req->body_len, items, why, sizeof(why));
	if (err) {
		api_fail(res, err, why);
		goto out;
	}
	n = count_items(items);
	if (n == 0) {
		http_problem(res, 400, "a job needs at least one article");
		goto out;
	}
	if (n > (size_t)app->cfg->max_job_items) {
		http_problem(res, 400, "a job holds at most %ld articles, got %zu",
		             app->cfg->max_job_items, n);
		goto out;
	}
	items_text = json_dumps(items, JSON_COMPACT);
	if (!items_text) {
		http_problem(res, 503, "out of memory");
		goto out;
	}
	conn = db_pool_acquire(app->pool);
	if (!conn) {
		http_problem(res, 503, "the database is unreachable");
		goto out;
	}
	err = db_job_create(conn, items_text, &id);
	if (!err)
		err = db_job_json(conn, id, &json);
	db_pool_release(app->pool, conn);
	if (err) {
		api_fail(res, err, "the job vanished");
		goto out;
	}
	ingest_wake(app->ingest);
	api_send_json(res, 202, json);
	snprintf(location, sizeof(location), "/jobs/%" PRId64, id);
	res->location = strdup(location);
out:
	free(items_text);
	json_decref(items);
}

void api_job_get(void *app, const struct http_request *req, struct http_response *res)
{
	/* The primary: progress read from a lagging replica would go back in
	 * time after the 202, and a client polls until it sees its job done. */
	api_get_one(app, req, res, "job", API_FROM_PRIMARY, db_job_json);
}

void api_job_cancel(void *app_, const struct http_request *req, struct http_response *res)
{
	struct api_app *app = app_;
	struct db_conn *conn;
	char *json = NULL;
	int64_t id;
	int err;

	if (api_check_params(req, res, NO_PARAMS) ||
	    api_parse_id(req->path_args[0], "job id", res, &id))
		return;
	conn = db_pool_acquire(app->pool);
	if (!conn) {
		http_problem(res, 503, "the database is unreachable");
		return;
	}
	err = db_job_cancel(conn, id);
	if (!err)
		err = db_job_json(conn, id, &json);
	db_pool_release(app->pool, conn);
	if (err == -EALREADY)
		http_problem(res, 409, "job %" PRId64 " has no queued items left to cancel", id);
	else if (err)
		api_fail(res, err, "no job with this id");
	else
		api_send_json(res, 200, json);
}
