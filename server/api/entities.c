/* /entities and /events: read-only lists and items. */
#include "api.h"
#include "db.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static const char *const ENTITY_PARAMS[] = {"q", "kind", "limit", "cursor", NULL};
static const char *const EVENT_PARAMS[] = {"entity", "from", "to", "limit", "cursor", NULL};

static bool valid_kind(const char *k)
{
	return strcmp(k, "person") == 0 || strcmp(k, "location") == 0 ||
	       strcmp(k, "organization") == 0 || strcmp(k, "other") == 0;
}

struct entities_read {
	const struct db_entity_query *q;
	struct db_page *page;
};

static int read_entities(struct db_conn *conn, void *ctx)
{
	struct entities_read *r = ctx;

	return db_entities_list(conn, r->q, r->page);
}

void api_entities_list(void *app_, const struct http_request *req, struct http_response *res)
{
	struct api_app *app = app_;
	struct db_entity_query q = {0};
	struct db_page page = {0};
	struct entities_read r = {&q, &page};
	const char *text;
	char *prefix = NULL;
	int has = 0, err;

	if (api_check_params(req, res, ENTITY_PARAMS) || api_param_limit(req, res, &q.limit) ||
	    api_param_cursor(req, res, "entities", &has, &q.after.k1, &q.after.k2))
		return;
	q.after.has = has;
	q.kind = api_param(req, "kind");
	if (q.kind && !valid_kind(q.kind)) {
		http_problem(res, 400,
		             "parameter 'kind' must be person, location, organization or "
		             "other");
		return;
	}
	if (api_param_text(req, res, "q", &text))
		return;
	if (text) {
		/* Aliases are stored normalised; so is the prefix. */
		prefix = text_normalize_key(text);
		if (!prefix) {
			http_problem(res, 400, "parameter 'q' is not valid UTF-8");
			return;
		}
		q.prefix = prefix;
	}
	err = api_read(app, API_FROM_REPLICA, read_entities, &r);
	free(prefix);
	if (err)
		api_fail(res, err, "entities");
	else
		api_send_page(req, res, &page, "entities");
}

void api_entity_get(void *app, const struct http_request *req, struct http_response *res)
{
	api_get_one(app, req, res, "entity", API_FROM_REPLICA, db_entity_json);
}

void api_entity_articles(void *app, const struct http_request *req, struct http_response *res)
{
	api_list_children(app, req, res, "entity", "entity-articles", db_entity_articles);
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
	char from[40], to[40];
	const char *v;
	int has = 0, err;

	if (api_check_params(req, res, EVENT_PARAMS) || api_param_limit(req, res, &q.limit) ||
	    api_param_range(req, res, from, to, &q.range.from, &q.range.to_end) ||
	    api_param_cursor(req, res, "events", &has, &q.after.k1, &q.after.k2))
		return;
	q.after.has = has;
	v = api_param(req, "entity");
	if (v && api_parse_id(v, "parameter 'entity'", res, &q.entity_id))
		return;
	err = api_read(app, API_FROM_REPLICA, read_events, &r);
	if (err)
		api_fail(res, err, "events");
	else
		api_send_page(req, res, &page, "events");
}

void api_event_get(void *app, const struct http_request *req, struct http_response *res)
{
	api_get_one(app, req, res, "event", API_FROM_REPLICA, db_event_json);
}

void api_event_articles(void *app, const struct http_request *req, struct http_response *res)
{
	api_list_children(app, req, res, "event", "event-articles", db_event_articles);
}
