/* metrics: process-wide counters and histograms for GET /metrics
 * (Prometheus text format). Recording is lock-free (relaxed atomics), so it
 * costs the request path a few increments. */
#ifndef NEWSD_METRICS_H
#define NEWSD_METRICS_H

#include <stddef.h>

struct strbuf;

#define METRICS_MAX_ROUTES 48

/* Name the routes once, before serving: label i is "METHOD pattern"; a
 * request no route took is recorded as route -1 ("other"). */
void metrics_set_routes(const char *const *methods, const char *const *patterns, size_t n);
void metrics_http_observe(int route, int status, double seconds);

enum metrics_item_outcome {
	METRICS_ITEM_DONE = 0,
	METRICS_ITEM_FAILED,
	METRICS_ITEM_RETRIED,
	METRICS_ITEM_OUTCOMES,
};
void metrics_item_observe(enum metrics_item_outcome outcome);

enum metrics_stage {
	METRICS_STAGE_TEXT = 0, /* text_process: every pure stage */
	METRICS_STAGE_STORE,    /* the storing transaction: linking, dedup, events */
	METRICS_STAGES,
};
void metrics_stage_observe(enum metrics_stage stage, double seconds);

/* Append every metric of this process in Prometheus text format. */
int metrics_render(struct strbuf *out);

#endif
