/* /articles: ingest one article, list and search, read one. */
#include "api.h"
#include "db.h"
#include "ingest.h"
#include "text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long POST /articles waits for the article's event (milliseconds). */
#define PLACE_WAIT_MS 2000

static const char *const NO_PARAMS[] = {NULL};
static const char *const LIST_PARAMS[] = {"q",      "lang",   "entity", "event",
                                          "from",   "to",     "limit",  "duplicates",
                                          "cursor", "source", "agency", NULL};

/* Longest source or agency name accepted as a filter, in characters (code
 * points). */
#define MAX_NAME_FILTER 200

static int param_name(const struct http_request *req, struct http_response *res, const char *name,
                      const char **out)
{
	size_t chars = 0;
	const char *p;

	if (api_param_text(req, res, name, out))
		return -EINVAL;
	if (*out && !text_utf8_valid(*out, strlen(*out))) {
		http_problem(res, 400, "parameter '%s' is not valid UTF-8", name);
		return -EINVAL;
	}
	for (p = *out; p && *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	if (chars > MAX_NAME_FILTER) {
		http_problem(res, 400, "parameter '%s' is longer than %d characters", name,
		             MAX_NAME_FILTER);
		return -EINVAL;
	}
	return 0;
}

void api_articles_create(void *app_, const struct http_request *req, struct http_response *res)
{
	struct api_app *app = app_;
	struct db_conn *conn;
	char why[INGEST_WHY_LEN], location[48];
	char *json = NULL;
	int64_t id = 0;
	bool created = false;
	int err;

	if (api_check_params(req, res, NO_PARAMS))
		return;
	conn = db_pool_acquire(app->pool);
	if (!conn) {
		http_problem(res, 503, "the database is unreachable");
		return;
	}
	err = ingest_article(conn, req->body, req->body_len, NULL, &id, &created, why);
	/* The clustering leader places it in an event within milliseconds
	 * when it runs: answer with the event, or without it after a while
	 * (docs/api.md). */
	if (!err && created) {
		ingest_wake(app->ingest);
		db_article_wait_placed(conn, id, PLACE_WAIT_MS);
	}
	if (!err)
		err = db_article_json(conn, id, &json);
	db_pool_release(app->pool, conn);
	if (err) {
		api_fail(res, err, err == -EINVAL ? why : "the article vanished");
		return;
	}
	api_send_json(res, created ? 201 : 200, json);
	snprintf(location, sizeof(location), "/articles/%" PRId64, id);
	res->location = strdup(location);
}

struct list_read {
	const struct db_article_query *q;
	struct db_page *page;
};

static int read_list(struct db_conn *conn, void *ctx)
{
	struct list_read *r = ctx;

	return db_articles_list(conn, r->q, r->page);
}

void api_articles_list(void *app_, const struct http_request *req, struct http_response *res)
{
	struct api_app *app = app_;
	struct db_article_query q = {0};
	struct db_page page = {0};
	struct list_read r = {&q, &page};
	char from[40], to[40];
	const char *v;
	int has = 0, err;

	if (api_check_params(req, res, LIST_PARAMS) || api_param_limit(req, res, &q.limit) ||
	    api_param_range(req, res, from, to, &q.range.from, &q.range.to_end) ||
	    api_param_cursor(req, res, "articles", &has, &q.after.k1, &q.after.k2))
		return;
	q.after.has = has;
	if (api_param_text(req, res, "q", &q.q))
		return;
	q.lang = api_param(req, "lang");
	if (q.lang && (strlen(q.lang) < 2 || strlen(q.lang) > 3)) {
		http_problem(res, 400, "parameter 'lang' must be a 2 or 3 letter language code");
		return;
	}
	v = api_param(req, "duplicates");
	if (v && strcmp(v, "true") && strcmp(v, "false")) {
		http_problem(res, 400, "parameter 'duplicates' must be true or false");
		return;
	}
	q.duplicates = v ? (v[0] == 't' ? "t" : "f") : NULL;
	v = api_param(req, "entity");
	if (v && api_parse_id(v, "parameter 'entity'", res, &q.entity_id))
		return;
	v = api_param(req, "event");
	if (v && api_parse_id(v, "parameter 'event'", res, &q.event_id))
		return;
	if (param_name(req, res, "source", &q.source) || param_name(req, res, "agency", &q.agency))
		return;
	err = api_read(app, API_FROM_REPLICA, read_list, &r);
	if (err)
		api_fail(res, err, "articles");
	else
		api_send_page(req, res, &page, "articles");
}

void api_article_get(void *app, const struct http_request *req, struct http_response *res)
{
	api_get_one(app, req, res, "article", API_FROM_REPLICA, db_article_json);
}
