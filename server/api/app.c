/* The route table and the handlers' shared state. */
#include "api.h"
#include "config.h"
#include "log.h"
#include "strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct http_route routes[] = {
        {"GET", "/healthz", api_healthz},
        {"GET", "/readyz", api_readyz},
        {"GET", "/openapi.yaml", api_openapi},
        {"GET", "/metrics", api_metrics},
        {"POST", "/articles", api_articles_create},
        {"GET", "/articles", api_articles_list},
        {"GET", "/articles/{id}", api_article_get},
        {"GET", "/entities", api_entities_list},
        {"GET", "/entities/{id}", api_entity_get},
        {"GET", "/entities/{id}/articles", api_entity_articles},
        {"GET", "/entities/{id}/events", api_entity_events},
        {"POST", "/entities/{id}/merge", api_entity_merge},
        {"GET", "/events", api_events_list},
        {"GET", "/events/{id}", api_event_get},
        {"GET", "/events/{id}/articles", api_event_articles},
        {"POST", "/events/{id}/merge", api_event_merge},
        {"POST", "/events/{id}/split", api_event_split},
        {"POST", "/events/recluster", api_events_recluster},
        {"GET", "/stories", api_stories_list},
        {"GET", "/stories/{id}", api_story_get},
        {"GET", "/stats/timeline", api_stats_timeline},
        {"POST", "/jobs", api_jobs_create},
        {"GET", "/jobs/{id}", api_job_get},
        {"DELETE", "/jobs/{id}", api_job_cancel},
};

const struct http_route *api_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

int api_app_init(struct api_app *app, const struct config *cfg, struct db_pool *pool,
                 struct ingest *ingest)
{
	int err;

	memset(app, 0, sizeof(*app));
	app->cfg = cfg;
	app->pool = pool;
	app->ingest = ingest;
	err = strbuf_read_file(cfg->openapi_path, &app->openapi, &app->openapi_len);
	if (err == -ENOMEM)
		return err;
	if (err)
		log_warn("api: cannot read '%s': GET /openapi.yaml will answer 404",
		         cfg->openapi_path);
	return 0;
}

void api_app_release(struct api_app *app)
{
	free(app->openapi);
	app->openapi = NULL;
}
