/* The shapes every resource shares: one by id, and its articles. */
#include "api.h"
#include "db.h"

#include <stdio.h>

static const char *const NO_PARAMS[] = {NULL};
static const char *const PAGE_PARAMS[] = {"limit", "cursor", NULL};

void api_get_one(struct api_app *app, const struct http_request *req, struct http_response *res,
                 const char *what, api_fetch_fn fetch)
{
	struct db_conn *conn;
	char label[64], missing[64];
	char *json = NULL;
	int64_t id;
	int err;

	snprintf(label, sizeof(label), "%s id", what);
	if (api_check_params(req, res, NO_PARAMS) ||
	    api_parse_id(req->path_args[0], label, res, &id))
		return;
	conn = db_pool_acquire(app->pool);
	if (!conn) {
		http_problem(res, 503, "the database is unreachable");
		return;
	}
	err = fetch(conn, id, &json);
	db_pool_release(app->pool, conn);
	snprintf(missing, sizeof(missing), "no %s with this id", what);
	if (err)
		api_fail(res, err, missing);
	else
		api_send_json(res, 200, json);
}

void api_list_children(struct api_app *app, const struct http_request *req,
                       struct http_response *res, const char *what, const char *tag,
                       api_children_fn list)
{
	struct db_after after = {0};
	struct db_page page = {0};
	struct db_conn *conn;
	char label[64], missing[64];
	int64_t id;
	int limit, has = 0, err;

	snprintf(label, sizeof(label), "%s id", what);
	if (api_check_params(req, res, PAGE_PARAMS) ||
	    api_parse_id(req->path_args[0], label, res, &id) || api_param_limit(req, res, &limit) ||
	    api_param_cursor(req, res, tag, &has, &after.k1, &after.k2))
		return;
	after.has = has;
	conn = db_pool_acquire(app->pool);
	if (!conn) {
		http_problem(res, 503, "the database is unreachable");
		return;
	}
	err = list(conn, id, &after, limit, &page);
	db_pool_release(app->pool, conn);
	snprintf(missing, sizeof(missing), "no %s with this id", what);
	if (err)
		api_fail(res, err, missing);
	else
		api_send_page(req, res, &page, tag);
}
