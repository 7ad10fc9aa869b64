/* The shapes every resource shares: one by id, and its articles; and where
 * reads run. */
#include "api.h"
#include "db.h"
#include "http.h"
#include "strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const NO_PARAMS[] = {NULL};
static const char *const PAGE_PARAMS[] = {"limit", "cursor", NULL};

int api_read(struct api_app *app, enum api_read_from from, api_read_fn read, void *ctx)
{
	struct db_conn *conn;
	bool again;
	int err;

	conn = from == API_FROM_REPLICA ? db_pool_acquire_read(app->pool)
	                                : db_pool_acquire(app->pool);
	if (!conn)
		return -EHOSTUNREACH;
	err = read(conn, ctx);
	again = db_conn_is_replica(conn) && (err == -ENOENT || (err == -EIO && db_conn_lost(conn)));
	/* Releasing a lost replica connection marks the replica down. */
	db_pool_release(app->pool, conn);
	if (!again)
		return err;
	conn = db_pool_acquire(app->pool);
	if (!conn)
		return err == -ENOENT ? err : -EHOSTUNREACH;
	err = read(conn, ctx);
	db_pool_release(app->pool, conn);
	return err;
}

struct one_read {
	api_fetch_fn fetch;
	int64_t id;
	char **json;
};

static int read_one(struct db_conn *conn, void *ctx)
{
	struct one_read *r = ctx;

	return r->fetch(conn, r->id, r->json);
}

void api_get_one(struct api_app *app, const struct http_request *req, struct http_response *res,
                 const char *what, enum api_read_from from, api_fetch_fn fetch)
{
	struct one_read r = {fetch, 0, NULL};
	char label[64], missing[64];
	char *json = NULL;
	int err;

	snprintf(label, sizeof(label), "%s id", what);
	if (api_check_params(req, res, NO_PARAMS) ||
	    api_parse_id(req->path_args[0], label, res, &r.id))
		return;
	r.json = &json;
	err = api_read(app, from, read_one, &r);
	snprintf(missing, sizeof(missing), "no %s with this id", what);
	if (err)
		api_fail(res, err, missing);
	else
		api_send_json(res, 200, json);
}

struct children_read {
	api_children_fn list;
	int64_t id;
	struct db_after after;
	int limit;
	struct db_page *page;
};

static int read_children(struct db_conn *conn, void *ctx)
{
	struct children_read *r = ctx;

	return r->list(conn, r->id, &r->after, r->limit, r->page);
}

void api_list_children(struct api_app *app, const struct http_request *req,
                       struct http_response *res, const char *what, const char *tag,
                       api_children_fn list)
{
	struct children_read r = {list, 0, {0}, 0, NULL};
	struct db_page page = {0};
	char label[64], missing[64];
	int has = 0, err;

	snprintf(label, sizeof(label), "%s id", what);
	if (api_check_params(req, res, PAGE_PARAMS) ||
	    api_parse_id(req->path_args[0], label, res, &r.id) ||
	    api_param_limit(req, res, &r.limit) ||
	    api_param_cursor(req, res, tag, &has, &r.after.k1, &r.after.k2))
		return;
	r.after.has = has;
	r.page = &page;
	err = api_read(app, API_FROM_REPLICA, read_children, &r);
	snprintf(missing, sizeof(missing), "no %s with this id", what);
	if (err)
		api_fail(res, err, missing);
	else
		api_send_page(req, res, &page, tag);
}

/* Percent-encode s into sb (RFC 3986 unreserved characters stay). */
static void append_encoded(struct strbuf *sb, const char *s)
{
	static const char HEX[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			strbuf_addch(sb, (char)c);
		} else {
			strbuf_addch(sb, '%');
			strbuf_addch(sb, HEX[c >> 4]);
			strbuf_addch(sb, HEX[c & 15]);
		}
	}
}

void api_redirect_merged(const struct http_request *req, struct http_response *res,
                         const char *collection, int64_t id, int64_t to, const char *rest)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[64];
	size_t i;

	strbuf_addf(&sb, "/%s/%" PRId64 "%s", collection, to, rest);
	for (i = 0; i < req->n_params; i++) {
		strbuf_addch(&sb, i ? '&' : '?');
		append_encoded(&sb, req->params[i].key);
		if (req->params[i].value) {
			strbuf_addch(&sb, '=');
			append_encoded(&sb, req->params[i].value);
		}
	}
	snprintf(buf, sizeof(buf), "{\"id\":%" PRId64 ",\"merged_into\":%" PRId64 "}", id, to);
	api_send_json(res, 301, strdup(buf));
	res->location = strbuf_detach(&sb, NULL);
}
