/* api: the resources. One handler file per resource; JSON in and out; every
 * failure becomes one problem+json response through api_fail(). */
#ifndef NEWSD_API_H
#define NEWSD_API_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"

struct config;
struct db_pool;
struct ingest;

/* What handlers share; all borrowed except openapi. */
struct api_app {
	const struct config *cfg;
	struct db_pool *pool;
	struct ingest *ingest; /* NULL: no worker in this process */
	char *openapi;         /* the contract served at /openapi.yaml, owned */
	size_t openapi_len;
};

int api_app_init(struct api_app *app, const struct config *cfg, struct db_pool *pool,
                 struct ingest *ingest);
void api_app_release(struct api_app *app);
const struct http_route *api_routes(size_t *n);

/* ---- helpers shared by handlers (server/api/params.c) ---- */
/* 400 unless every query parameter is in allowed (NULL-terminated) and none
 * repeats. Returns 0 or -EINVAL (response filled). */
int api_check_params(const struct http_request *req, struct http_response *res,
                     const char *const *allowed);
const char *api_param(const struct http_request *req, const char *name);
/* ?lang=: 2 or 3 ASCII letters, lower-cased into buf (4 bytes); *out is buf,
 * or NULL when absent. 400 otherwise. */
int api_param_lang(const struct http_request *req, struct http_response *res, char *buf,
                   const char **out);
/* ?kind= of an event: one of text_event_kind_name()'s (NULL when absent);
 * 400 otherwise. */
int api_param_event_kind(const struct http_request *req, struct http_response *res,
                         const char **out);
/* A positive 64-bit id from a path segment or parameter; 400 otherwise. */
int api_parse_id(const char *text, const char *what, struct http_response *res, int64_t *out);
int api_param_limit(const struct http_request *req, struct http_response *res, int *limit);
/* from/to as canonical ISO bounds [from, to_end): to covers its whole
 * period ("to=2018-04" includes all of April). Buffers >= 32 bytes. */
int api_param_range(const struct http_request *req, struct http_response *res, char *from_buf,
                    char *to_buf, const char **from, const char **to_end);
/* Decode ?cursor= for the list named tag; 400 when it is not one of ours. */
int api_param_cursor(const struct http_request *req, struct http_response *res, const char *tag,
                     int *has, int64_t *k1, int64_t *k2);
/* Render {"data":[...],"next":...} from a page; takes the page's items. The
 * next cursor is bound to tag and to req's filters. */
struct db_page;
void api_send_page(const struct http_request *req, struct http_response *res, struct db_page *page,
                   const char *tag);
/* A text parameter that must not be empty when given: NULL when absent. */
int api_param_text(const struct http_request *req, struct http_response *res, const char *name,
                   const char **out);
/* Map -errno to a response: -ENOENT 404 (with what), -EINVAL 400, -EHOSTUNREACH
 * (no database answers) 503, else 500/503. */
void api_fail(struct http_response *res, int err, const char *what);
/* Send a JSON text owned by the caller (it is taken). */
void api_send_json(struct http_response *res, int status, char *json);
/* 301 from a merged id to /{collection}/{to}{rest}, the query string kept,
 * with the body {"id": id, "merged_into": to}. */
void api_redirect_merged(const struct http_request *req, struct http_response *res,
                         const char *collection, int64_t id, int64_t to, const char *rest);

/* Which database a read asks (server/api/resource.c). */
enum api_read_from {
	API_FROM_PRIMARY, /* must see every committed write: a job's progress */
	API_FROM_REPLICA, /* the read replica while it answers (may lag), else the primary */
};
/* Run read(conn, ctx) on a connection of from. read runs again on the
 * primary when the replica was lost during it (its connection broke), or
 * answered -ENOENT (a row written a moment ago may not be replayed yet: a
 * client following Location). Other failures stand: a statement that timed
 * out on the replica is not run again. Returns read's result, or
 * -EHOSTUNREACH when no database answers (api_fail: 503). */
struct db_conn;
typedef int (*api_read_fn)(struct db_conn *conn, void *ctx);
int api_read(struct api_app *app, enum api_read_from from, api_read_fn read, void *ctx);

/* GET /<things>/{id}: no parameters, the id from the path, fetch's JSON or
 * 404 naming what. */
typedef int (*api_fetch_fn)(struct db_conn *conn, int64_t id, char **json);
void api_get_one(struct api_app *app, const struct http_request *req, struct http_response *res,
                 const char *what, enum api_read_from from, api_fetch_fn fetch);
/* GET /<things>/{id}/articles: limit and cursor; 404 when the parent is gone.
 * From the replica. */
struct db_after;
typedef int (*api_children_fn)(struct db_conn *conn, int64_t id, const struct db_after *after,
                               int limit, struct db_page *out);
void api_list_children(struct api_app *app, const struct http_request *req,
                       struct http_response *res, const char *what, const char *tag,
                       api_children_fn list);

/* ---- handlers ---- */
void api_healthz(void *app, const struct http_request *req, struct http_response *res);
void api_readyz(void *app, const struct http_request *req, struct http_response *res);
void api_openapi(void *app, const struct http_request *req, struct http_response *res);
void api_metrics(void *app, const struct http_request *req, struct http_response *res);
void api_articles_create(void *app, const struct http_request *req, struct http_response *res);
void api_articles_list(void *app, const struct http_request *req, struct http_response *res);
void api_article_get(void *app, const struct http_request *req, struct http_response *res);
void api_entities_list(void *app, const struct http_request *req, struct http_response *res);
void api_entity_get(void *app, const struct http_request *req, struct http_response *res);
void api_entity_articles(void *app, const struct http_request *req, struct http_response *res);
void api_entity_events(void *app, const struct http_request *req, struct http_response *res);
void api_entity_merge(void *app, const struct http_request *req, struct http_response *res);
void api_events_list(void *app, const struct http_request *req, struct http_response *res);
void api_event_get(void *app, const struct http_request *req, struct http_response *res);
void api_event_articles(void *app, const struct http_request *req, struct http_response *res);
void api_event_merge(void *app, const struct http_request *req, struct http_response *res);
void api_event_split(void *app, const struct http_request *req, struct http_response *res);
void api_events_recluster(void *app, const struct http_request *req, struct http_response *res);
void api_stories_list(void *app, const struct http_request *req, struct http_response *res);
void api_story_get(void *app, const struct http_request *req, struct http_response *res);
void api_stats_timeline(void *app, const struct http_request *req, struct http_response *res);
void api_jobs_create(void *app, const struct http_request *req, struct http_response *res);
void api_job_get(void *app, const struct http_request *req, struct http_response *res);
void api_job_cancel(void *app, const struct http_request *req, struct http_response *res);

#endif
