#include "metrics.h"
#include "strbuf.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Latency buckets (seconds): from a cached read to a slow ingest. */
static const double BUCKETS[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,  0.5,    1,     2.5,  5,     10};
#define N_BUCKETS (sizeof(BUCKETS) / sizeof(BUCKETS[0]))

/* The statuses newsd answers; anything else counts under "other". */
static const int STATUSES[] = {200, 201, 202, 204, 301, 304, 400, 401, 403,
                               404, 405, 409, 413, 422, 429, 500, 503};
#define N_STATUSES (sizeof(STATUSES) / sizeof(STATUSES[0]))

struct histogram {
	atomic_ullong buckets[N_BUCKETS]; /* not cumulative: one bucket each */
	atomic_ullong count;
	atomic_ullong sum_us;
};

/* Route slot METRICS_MAX_ROUTES is "other". */
static struct {
	const char *method, *pattern;
	atomic_ullong by_status[N_STATUSES + 1];
	struct histogram latency;
} routes[METRICS_MAX_ROUTES + 1];
static size_t n_routes;

static atomic_ullong items[METRICS_ITEM_OUTCOMES];
static struct histogram stages[METRICS_STAGES];

static const char *const OUTCOMES[] = {"done", "failed", "retried"};
static const char *const STAGES[] = {"text", "store"};

void metrics_set_routes(const char *const *methods, const char *const *patterns, size_t n)
{
	size_t i;

	n_routes = n < METRICS_MAX_ROUTES ? n : METRICS_MAX_ROUTES;
	for (i = 0; i < n_routes; i++) {
		routes[i].method = methods[i];
		routes[i].pattern = patterns[i];
	}
	routes[METRICS_MAX_ROUTES].method = "";
	routes[METRICS_MAX_ROUTES].pattern = "other";
}

static void observe(struct histogram *h, double seconds)
{
	size_t b;

	for (b = 0; b < N_BUCKETS && seconds > BUCKETS[b]; b++)
		;
	if (b < N_BUCKETS)
		atomic_fetch_add_explicit(&h->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, (unsigned long long)(seconds * 1e6 + 0.5),
	                          memory_order_relaxed);
}

void metrics_http_observe(int route, int status, double seconds)
{
	size_t r = route >= 0 && (size_t)route < n_routes ? (size_t)route : METRICS_MAX_ROUTES;
	size_t s;

	for (s = 0; s < N_STATUSES && STATUSES[s] != status; s++)
		;
	atomic_fetch_add_explicit(&routes[r].by_status[s], 1, memory_order_relaxed);
	observe(&routes[r].latency, seconds);
}

void metrics_item_observe(enum metrics_item_outcome outcome)
{
	if (outcome < METRICS_ITEM_OUTCOMES)
		atomic_fetch_add_explicit(&items[outcome], 1, memory_order_relaxed);
}

void metrics_stage_observe(enum metrics_stage stage, double seconds)
{
	if (stage < METRICS_STAGES)
		observe(&stages[stage], seconds);
}

static int render_histogram(struct strbuf *out, const char *name, const char *labels,
                            struct histogram *h)
{
	unsigned long long cum = 0, count = atomic_load(&h->count);
	size_t b;
	int err = 0;

	for (b = 0; b < N_BUCKETS && !err; b++) {
		cum += atomic_load(&h->buckets[b]);
		err = strbuf_addf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels,
		                  *labels ? "," : "", BUCKETS[b], cum);
	}
	if (!err)
		err = strbuf_addf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels,
		                  *labels ? "," : "", count);
	if (!err)
		err = strbuf_addf(out, "%s_sum{%s} %.6f\n%s_count{%s} %llu\n", name, labels,
		                  (double)atomic_load(&h->sum_us) / 1e6, name, labels, count);
	return err;
}

int metrics_render(struct strbuf *out)
{
	char labels[160];
	size_t r, s, i;
	int err = strbuf_addstr(out, "# HELP newsd_http_requests_total HTTP requests answered, "
	                             "by route and status.\n"
	                             "# TYPE newsd_http_requests_total counter\n");

	for (r = 0; r <= METRICS_MAX_ROUTES && !err; r++) {
		if (r >= n_routes && r != METRICS_MAX_ROUTES)
			continue;
		for (s = 0; s <= N_STATUSES && !err; s++) {
			unsigned long long v = atomic_load(&routes[r].by_status[s]);
			char status[16] = "other";

			if (!v)
				continue;
			if (s < N_STATUSES)
				snprintf(status, sizeof(status), "%d", STATUSES[s]);
			err = strbuf_addf(out,
			                  "newsd_http_requests_total{method=\"%s\",route=\"%s\","
			                  "status=\"%s\"} %llu\n",
			                  routes[r].method ? routes[r].method : "",
			                  routes[r].pattern ? routes[r].pattern : "other", status,
			                  v);
		}
	}
	if (!err)
		err = strbuf_addstr(out, "# HELP newsd_http_request_duration_seconds Time from the "
		                         "first byte read to the response queued, by route.\n"
		                         "# TYPE newsd_http_request_duration_seconds histogram\n");
	for (r = 0; r <= METRICS_MAX_ROUTES && !err; r++) {
		if ((r >= n_routes && r != METRICS_MAX_ROUTES) ||
		    !atomic_load(&routes[r].latency.count))
			continue;
		snprintf(labels, sizeof(labels), "method=\"%s\",route=\"%s\"",
		         routes[r].method ? routes[r].method : "",
		         routes[r].pattern ? routes[r].pattern : "other");
		err = render_histogram(out, "newsd_http_request_duration_seconds", labels,
		                       &routes[r].latency);
	}
	if (!err)
		err = strbuf_addstr(out, "# HELP newsd_ingest_items_total Job items this process "
		                         "finished, by outcome.\n"
		                         "# TYPE newsd_ingest_items_total counter\n");
	for (i = 0; i < METRICS_ITEM_OUTCOMES && !err; i++)
		err = strbuf_addf(out, "newsd_ingest_items_total{outcome=\"%s\"} %llu\n",
		                  OUTCOMES[i], atomic_load(&items[i]));
	if (!err)
		err = strbuf_addstr(out, "# HELP newsd_pipeline_stage_seconds Time per article in "
		                         "each pipeline stage.\n"
		                         "# TYPE newsd_pipeline_stage_seconds histogram\n");
	for (i = 0; i < METRICS_STAGES && !err; i++) {
		snprintf(labels, sizeof(labels), "stage=\"%s\"", STAGES[i]);
		err = render_histogram(out, "newsd_pipeline_stage_seconds", labels, &stages[i]);
	}
	return err ? -ENOMEM : 0;
}
