/* /events and /stories: lists and items from the replica; curation (merge,
 * split, re-clustering) on the primary. An event merged into another
 * answers 301 Moved Permanently to the same path under the target's id, with
 * {"id": old, "merged_into": new}, as merged entities do. */
#include "api.h"
#include "db.h"
#include "timeutil.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const EVENT_PARAMS[] = {"q",    "lang", "kind", "location", "min_articles",
                                           "from", "to",   "sort", "limit",    "cursor",
                                           NULL};
static const char *const STORY_PARAMS[] = {"q", "entity", "limit", "cursor", NULL};
static const char *const NO_PARAMS[] = {NULL};
static const char *const PAGE_PARAMS[] = {"limit", "cursor", NULL};

#define MAX_SPLIT 1000

/* entity: repeatable, each a comma-separated list of ids; all required. */
static int param_entities(const struct http_request *req, struct http_response *res,
                          struct db_event_query *q)
{
	char item[32];
	const char *v, *p, *comma;
	size_t i, len, k;
	int64_t id;

	for (i = 0; i < req->n_params; i++) {
		if (strcmp(req->params[i].key, "entity") != 0)
			continue;
		v = req->params[i].value ? req->params[i].value : "";
		for (p = v;; p = comma + 1) {
			comma = strchr(p, ',');
			len = comma ? (size_t)(comma - p) : strlen(p);
			if (len >= sizeof(item))
				len = sizeof(item) - 1;
			memcpy(item, p, len);
			item[len] = '\0';
			if (api_parse_id(item, "each id of parameter 'entity'", res, &id))
				return -EINVAL;
			for (k = 0; k < q->n_entities && q->entity_ids[k] != id; k++)
				;
			if (k == q->n_entities) {
				if (q->n_entities == DB_EVENT_MAX_ENTITIES) {
					http_problem(res, 400,
					             "parameter 'entity' names at most %d entities",
					             DB_EVENT_MAX_ENTITIES);
					return -EINVAL;
				}
				q->entity_ids[q->n_entities++] = id;
			}
			if (!comma)
				break;
		}
	}
	return 0;
}

/* The parameters check with entity allowed more than once. */
static int check_event_params(const struct http_request *req, struct http_response *res)
{
	struct http_request copy = *req;
	size_t i;

	copy.n_params = 0;
	for (i = 0; i < req->n_params; i++)
		if (strcmp(req->params[i].key, "entity") != 0)
			copy.params[copy.n_params++] = req->params[i];
	return api_check_params(&copy, res, EVENT_PARAMS);
}

struct events_read {
	const struct db_event_query *q;
	struct db_page *page;
};

static int read_events(struct db_conn *conn, void *ctx)
{
	struct events_read *r = ctx;

	return db_events_list(conn, r->q, r->page);
}

void api_events_list(void *app_, const struct http_request *req, struct http_response *res)
{
	struct api_app *app = app_;
	struct db_event_query q = {0};
	struct db_page page = {0};
	struct events_read r = {&q, &page};
	char from[40], to[40], lang[4];
	const char *v;
	int64_t n;
	int has = 0, err;

	if (check_event_params(req, res) || api_param_limit(req, res, &q.limit) ||
	    api_param_range(req, res, from, to, &q.range.from, &q.range.to_end) ||
	    api_param_cursor(req, res, "events", &has, &q.after.k1, &q.after.k2) ||
	    param_entities(req, res, &q) || api_param_text(req, res, "q", &q.q))
		return;
	q.after.has = has;
	if (q.q && strlen(q.q) > 1000) {
		http_problem(res, 400, "parameter 'q' is longer than 1000 bytes");
		return;
	}
	if (api_param_lang(req, res, lang, &q.lang) || api_param_event_kind(req, res, &q.kind))
		return;
	v = api_param(req, "location");
	if (v && api_parse_id(v, "parameter 'location'", res, &q.location_id))
		return;
	v = api_param(req, "min_articles");
	if (v) {
		if (api_parse_id(v, "parameter 'min_articles'", res, &n))
			return;
		q.min_articles = n > 1000000000 ? 1000000000 : (int)n;
	}
	v = api_param(req, "sort");
	if (!v || strcmp(v, "recent") == 0) {
		q.sort = DB_EVENTS_RECENT;
	} else if (strcmp(v, "date") == 0) {
		q.sort = DB_EVENTS_DATE;
	} else if (strcmp(v, "size") == 0) {
		q.sort = DB_EVENTS_SIZE;
	} else {
		http_problem(res, 400, "parameter 'sort' must be recent, date or size");
		return;
	}
	err = api_read(app, API_FROM_REPLICA, read_events, &r);
	if (err)
		api_fail(res, err, "events");
	else
		api_send_page(req, res, &page, "events");
}

struct event_read {
	int64_t id, moved_to;
	char *json;
	struct db_after after;
	int limit;
	struct db_page *page;
};

static int read_event(struct db_conn *conn, void *ctx)
{
	struct event_read *r = ctx;

	return db_event_json(conn, r->id, &r->json, &r->moved_to);
}

void api_event_get(void *app, const struct http_request *req, struct http_response *res)
{
	struct event_read r = {0};
	int err;

	if (api_check_params(req, res, NO_PARAMS) ||
	    api_parse_id(req->path_args[0], "event id", res, &r.id))
		return;
	err = api_read(app, API_FROM_REPLICA, read_event, &r);
	if (err)
		api_fail(res, err, "no event with this id");
	else if (r.moved_to)
		api_redirect_merged(req, res, "events", r.id, r.moved_to, "");
	else
		api_send_json(res, 200, r.json);
}

static int read_event_articles(struct db_conn *conn, void *ctx)
{
	struct event_read *r = ctx;

	return db_event_articles(conn, r->id, &r->after, r->limit, r->page, &r->moved_to);
}

void api_event_articles(void *app, const struct http_request *req, struct http_response *res)
{
	struct db_page page = {0};
	struct event_read r = {0};
	int has = 0, err;

	if (api_check_params(req, res, PAGE_PARAMS) ||
	    api_parse_id(req->path_args[0], "event id", res, &r.id) ||
	    api_param_limit(req, res, &r.limit) ||
	    api_param_cursor(req, res, "event-articles", &has, &r.after.k1, &r.after.k2))
		return;
	r.after.has = has;
	r.page = &page;
	err = api_read(app, API_FROM_REPLICA, read_event_articles, &r);
	if (err)
		api_fail(res, err, "no event with this id");
	else if (r.moved_to)
		api_redirect_merged(req, res, "events", r.id, r.moved_to, "/articles");
	else
		api_send_page(req, res, &page, "event-articles");
}

/* ---- curation ---- */

/* The body as a JSON object with exactly the fields named (all required). */
static json_t *body_object(const struct http_request *req, struct http_response *res,
                           const char *shape, const char *const *fields)
{
	json_error_t jerr;
	json_t *body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	const char *key;
	json_t *v;
	size_t i;

	if (!body || !json_is_object(body)) {
		http_problem(res, 400, "the body must be a JSON object %s", shape);
		json_decref(body);
		return NULL;
	}
	json_object_foreach (body, key, v) {
		for (i = 0; fields[i] && strcmp(fields[i], key) != 0; i++)
			;
		if (!fields[i]) {
			http_problem(res, 400, "unknown field '%.60s': the body must be %s", key,
			             shape);
			json_decref(body);
			return NULL;
		}
	}
	for (i = 0; fields[i]; i++) {
		if (!json_object_get(body, fields[i])) {
			http_problem(res, 400, "field '%s' is missing: the body must be %s",
			             fields[i], shape);
			json_decref(body);
			return NULL;
		}
	}
	return body;
}

/* Answer err of a curation: 404/409 with why, else the usual mapping. */
static void curation_fail(struct http_response *res, int err, const char *why)
{
	if (err == -ENOENT)
		http_problem(res, 404, "%s", why);
	else if (err == -EBUSY)
		http_problem(res, 409, "%s", why);
	else
		api_fail(res, err, "event");
}

/* The event as written, from the primary. */
static void send_event(struct db_conn *conn, struct http_response *res, int status, int64_t id)
{
	int64_t moved = 0;
	char *json = NULL;
	int err = db_event_json(conn, id, &json, &moved);

	if (!err && !json)
		err = -EIO;
	if (err)
		api_fail(res, err, "the event vanished");
	else
		api_send_json(res, status, json);
}

/* POST /events/{id}/merge {"into": id}: 200 with the target event. */
void api_event_merge(void *app_, const struct http_request *req, struct http_response *res)
{
	static const char *const FIELDS[] = {"into", NULL};
	struct api_app *app = app_;
	struct db_conn *conn;
	json_t *body = NULL, *v;
	int64_t id, into;
	char why[200] = "";
	int err;

	if (api_check_params(req, res, NO_PARAMS) ||
	    api_parse_id(req->path_args[0], "event id", res, &id))
		return;
	body = body_object(req, res, "{\"into\": <event id>}", FIELDS);
	if (!body)
		return;
	v = json_object_get(body, "into");
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		http_problem(res, 400, "field 'into' must be a positive integer event id");
		goto out;
	}
	into = json_integer_value(v);
	conn = db_pool_acquire(app->pool);
	if (!conn) {
		http_problem(res, 503, "the database is unreachable");
		goto out;
	}
	err = db_event_merge(conn, id, into, why, sizeof(why));
	if (err)
		curation_fail(res, err, why);
	else
		send_event(conn, res, 200, into);
	db_pool_release(app->pool, conn);
out:
	json_decref(body);
}

/* POST /events/{id}/split {"articles": [ids]}: 201 with the new event. */
void api_event_split(void *app_, const struct http_request *req, struct http_response *res)
{
	static const char *const FIELDS[] = {"articles", NULL};
	struct api_app *app = app_;
	struct db_conn *conn;
	json_t *body = NULL, *arr, *v;
	int64_t id, new_id = 0, *ids = NULL;
	char why[200] = "", location[48];
	size_t i, k, n = 0;
	int err;

	if (api_check_params(req, res, NO_PARAMS) ||
	    api_parse_id(req->path_args[0], "event id", res, &id))
		return;
	body = body_object(req, res, "{\"articles\": [<article id>, ...]}", FIELDS);
	if (!body)
		return;
	arr = json_object_get(body, "articles");
	if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > MAX_SPLIT) {
		http_problem(res, 400, "field 'articles' must be an array of 1 to %d article ids",
		             MAX_SPLIT);
		goto out;
	}
	ids = calloc(json_array_size(arr), sizeof(*ids));
	if (!ids) {
		http_problem(res, 503, "out of memory");
		goto out;
	}
	json_array_foreach (arr, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			http_problem(res, 400,
			             "field 'articles' must hold positive integer article ids "
			             "(item %zu is not one)",
			             i);
			goto out;
		}
		for (k = 0; k < n && ids[k] != json_integer_value(v); k++)
			;
		if (k < n) {
			http_problem(res, 400, "article %" PRId64 " is listed twice",
			             (int64_t)json_integer_value(v));
			goto out;
		}
		ids[n++] = json_integer_value(v);
	}
	conn = db_pool_acquire(app->pool);
	if (!conn) {
		http_problem(res, 503, "the database is unreachable");
		goto out;
	}
	err = db_event_split(conn, id, ids, n, &new_id, why, sizeof(why));
	if (err) {
		curation_fail(res, err, why);
	} else {
		send_event(conn, res, 201, new_id);
		if (res->status == 201) {
			snprintf(location, sizeof(location), "/events/%" PRId64, new_id);
			res->location = strdup(location);
		}
	}
	db_pool_release(app->pool, conn);
out:
	free(ids);
	json_decref(body);
}

/* A date field of the recluster body: "YYYY", "YYYY-MM" or "YYYY-MM-DD";
 * from gives its first day, to its last. */
static int body_day(json_t *body, const char *name, bool last, char *out, struct http_response *res)
{
	const char *s = json_string_value(json_object_get(body, name));
	struct time_point tp;
	int64_t days;
	unsigned m, d;
	int y;

	if (!s || strlen(s) > 10 || time_parse_iso8601(s, &tp)) {
		http_problem(res, 400, "field '%s' must be a date: YYYY, YYYY-MM or YYYY-MM-DD",
		             name);
		return -EINVAL;
	}
	days = tp.epoch_ms / 86400000;
	if (last && tp.precision != TIME_PRECISION_DAY) {
		time_civil_from_days(days, &y, &m, &d);
		if (tp.precision == TIME_PRECISION_YEAR || m == 12) {
			y++;
			m = 1;
		} else {
			m++;
		}
		days = time_days_from_civil(y, m, 1) - 1;
	}
	time_civil_from_days(days, &y, &m, &d);
	snprintf(out, 16, "%04d-%02u-%02u", y, m, d);
	return 0;
}

/* POST /events/recluster {"from": date, "to": date}: 202 with what was
 * reset; the clustering places those articles again. */
void api_events_recluster(void *app_, const struct http_request *req, struct http_response *res)
{
	static const char *const FIELDS[] = {"from", "to", NULL};
	struct api_app *app = app_;
	struct db_recluster out;
	struct db_conn *conn;
	json_t *body;
	char from[16], to[16], buf[256];
	int err;

	if (api_check_params(req, res, NO_PARAMS))
		return;
	body = body_object(req, res, "{\"from\": <date>, \"to\": <date>}", FIELDS);
	if (!body)
		return;
	err = body_day(body, "from", false, from, res);
	if (!err)
		err = body_day(body, "to", true, to, res);
	json_decref(body);
	if (err)
		return;
	if (strcmp(to, from) < 0) {
		http_problem(res, 400, "field 'to' is before 'from'");
		return;
	}
	conn = db_pool_acquire(app->pool);
	if (!conn) {
		http_problem(res, 503, "the database is unreachable");
		return;
	}
	err = db_events_recluster(conn, from, to, &out);
	db_pool_release(app->pool, conn);
	if (err) {
		api_fail(res, err, "events");
		return;
	}
	snprintf(buf, sizeof(buf),
	         "{\"from\":\"%s\",\"to\":\"%s\",\"articles_reset\":%" PRId64
	         ",\"events_deleted\":%" PRId64 ",\"events_kept\":%" PRId64 "}",
	         from, to, out.articles, out.events_deleted, out.events_kept);
	api_send_json(res, 202, strdup(buf));
}

/* ---- stories ---- */

struct stories_read {
	const struct db_story_query *q;
	struct db_page *page;
};

static int read_stories(struct db_conn *conn, void *ctx)
{
	struct stories_read *r = ctx;

	return db_stories_list(conn, r->q, r->page);
}

void api_stories_list(void *app_, const struct http_request *req, struct http_response *res)
{
	struct api_app *app = app_;
	struct db_story_query q = {0};
	struct db_page page = {0};
	struct stories_read r = {&q, &page};
	const char *v;
	int has = 0, err;

	if (api_check_params(req, res, STORY_PARAMS) || api_param_limit(req, res, &q.limit) ||
	    api_param_cursor(req, res, "stories", &has, &q.after.k1, &q.after.k2) ||
	    api_param_text(req, res, "q", &q.q))
		return;
	q.after.has = has;
	if (q.q && strlen(q.q) > 200) {
		http_problem(res, 400, "parameter 'q' is longer than 200 bytes");
		return;
	}
	v = api_param(req, "entity");
	if (v && api_parse_id(v, "parameter 'entity'", res, &q.entity_id))
		return;
	err = api_read(app, API_FROM_REPLICA, read_stories, &r);
	if (err)
		api_fail(res, err, "stories");
	else
		api_send_page(req, res, &page, "stories");
}

void api_story_get(void *app, const struct http_request *req, struct http_response *res)
{
	api_get_one(app, req, res, "story", API_FROM_REPLICA, db_story_json);
}
