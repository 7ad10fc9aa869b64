/* /entities and /events: lists and items; merging entities. An entity
 * merged into another answers 301 Moved Permanently to the same path under
 * the target's id, with {"id": old, "merged_into": new}. */
#include "api.h"
#include "db.h"
#include "text.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ENTITY_PARAMS[] = {"q", "kind", "lang", "sort", "limit", "cursor", NULL};
static const char *const NO_PARAMS[] = {NULL};
static const char *const PAGE_PARAMS[] = {"limit", "cursor", NULL};

static bool valid_kind(const char *k)
{
	return strcmp(k, "person") == 0 || strcmp(k, "location") == 0 ||
	       strcmp(k, "organization") == 0 || strcmp(k, "other") == 0;
}

/* A letter or digit: ASCII alphanumerics, or any non-ASCII character. */
static bool has_word_char(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80 || (*s >= '0' && *s <= '9') ||
		    (*s >= 'a' && *s <= 'z'))
			return true;
	return false;
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
	const char *text, *sort;
	char *prefix = NULL, lang[4];
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
	if (api_param_lang(req, res, lang, &q.lang))
		return;
	sort = api_param(req, "sort");
	if (!sort || strcmp(sort, "mentions") == 0) {
		q.sort = DB_ENTITY_BY_MENTIONS;
	} else if (strcmp(sort, "recent") == 0) {
		q.sort = DB_ENTITY_BY_RECENT;
	} else if (strcmp(sort, "name") == 0) {
		q.sort = DB_ENTITY_BY_NAME;
	} else {
		http_problem(res, 400, "parameter 'sort' must be mentions, recent or name");
		return;
	}
	if (api_param_text(req, res, "q", &text))
		return;
	if (text) {
		/* Aliases are stored normalised; so is the prefix. */
		prefix = text_normalize_key(text);
		if (!prefix || !has_word_char(prefix)) {
			free(prefix);
			http_problem(res, 400, "parameter 'q' must hold a letter or a digit");
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

struct entity_read {
	int64_t id, moved_to;
	char *json;
};

static int read_entity(struct db_conn *conn, void *ctx)
{
	struct entity_read *r = ctx;

	return db_entity_json(conn, r->id, &r->json, &r->moved_to);
}

void api_entity_get(void *app, const struct http_request *req, struct http_response *res)
{
	struct entity_read r = {0, 0, NULL};
	int err;

	if (api_check_params(req, res, NO_PARAMS) ||
	    api_parse_id(req->path_args[0], "entity id", res, &r.id))
		return;
	err = api_read(app, API_FROM_REPLICA, read_entity, &r);
	if (err == -EXDEV)
		api_redirect_merged(req, res, "entities", r.id, r.moved_to, "");
	else if (err)
		api_fail(res, err, "no entity with this id");
	else
		api_send_json(res, 200, r.json);
}

typedef int (*entity_list_fn)(struct db_conn *conn, int64_t id, const struct db_after *after,
                              int limit, struct db_page *out, int64_t *moved_to);

struct children_read {
	entity_list_fn list;
	int64_t id, moved_to;
	struct db_after after;
	int limit;
	struct db_page *page;
};

static int read_children(struct db_conn *conn, void *ctx)
{
	struct children_read *r = ctx;

	return r->list(conn, r->id, &r->after, r->limit, r->page, &r->moved_to);
}

/* GET /entities/{id}/<rest>: limit and cursor; 404, or 301 when merged. */
static void entity_children(struct api_app *app, const struct http_request *req,
                            struct http_response *res, const char *tag, const char *rest,
                            entity_list_fn list)
{
	struct db_page page = {0};
	struct children_read r = {list, 0, 0, {0}, 0, &page};
	int has = 0, err;

	if (api_check_params(req, res, PAGE_PARAMS) ||
	    api_parse_id(req->path_args[0], "entity id", res, &r.id) ||
	    api_param_limit(req, res, &r.limit) ||
	    api_param_cursor(req, res, tag, &has, &r.after.k1, &r.after.k2))
		return;
	r.after.has = has;
	err = api_read(app, API_FROM_REPLICA, read_children, &r);
	if (err == -EXDEV)
		api_redirect_merged(req, res, "entities", r.id, r.moved_to, rest);
	else if (err)
		api_fail(res, err, "no entity with this id");
	else
		api_send_page(req, res, &page, tag);
}

void api_entity_articles(void *app, const struct http_request *req, struct http_response *res)
{
	entity_children(app, req, res, "entity-articles", "/articles", db_entity_articles);
}

void api_entity_events(void *app, const struct http_request *req, struct http_response *res)
{
	entity_children(app, req, res, "entity-events", "/events", db_entity_events);
}

/* POST /entities/{id}/merge {"into": id}: 200 with the target entity. */
void api_entity_merge(void *app_, const struct http_request *req, struct http_response *res)
{
	struct api_app *app = app_;
	struct db_conn *conn;
	json_error_t jerr;
	json_t *body = NULL, *into_v;
	int64_t id, into, which = 0, moved_to = 0;
	char *json = NULL;
	int err;

	if (api_check_params(req, res, NO_PARAMS) ||
	    api_parse_id(req->path_args[0], "entity id", res, &id))
		return;
	body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!body || !json_is_object(body)) {
		http_problem(res, 400, "the body must be a JSON object {\"into\": <entity id>}");
		goto out;
	}
	into_v = json_object_get(body, "into");
	if (json_object_size(body) != 1 || !into_v) {
		http_problem(res, 400, "the body must be {\"into\": <entity id>} and nothing else");
		goto out;
	}
	if (!json_is_integer(into_v) || json_integer_value(into_v) < 1) {
		http_problem(res, 400, "field 'into' must be a positive integer entity id");
		goto out;
	}
	into = json_integer_value(into_v);
	if (into == id) {
		http_problem(res, 409, "an entity cannot be merged into itself");
		goto out;
	}
	conn = db_pool_acquire(app->pool);
	if (!conn) {
		http_problem(res, 503, "the database is unreachable");
		goto out;
	}
	err = db_entity_merge(conn, id, into, &which, &moved_to);
	if (!err)
		err = db_entity_json(conn, into, &json, &moved_to);
	db_pool_release(app->pool, conn);
	switch (err) {
	case 0:
		api_send_json(res, 200, json);
		break;
	case -ENOENT:
		http_problem(res, 404, "no entity with id %" PRId64, which);
		break;
	case -EXDEV:
		http_problem(res, 409,
		             "entity %" PRId64 " was already merged into entity %" PRId64
		             "; merge into that one",
		             which, moved_to);
		break;
	case -EEXIST:
		http_problem(res, 409, "both entities have a different qid; they are not the same");
		break;
	default:
		api_fail(res, err, "entity");
		break;
	}
out:
	json_decref(body);
}
