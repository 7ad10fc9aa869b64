/* /stats/timeline: counts per day, week or month for the dashboard's
 * charts, every bucket present. */
#include "api.h"
#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const TIMELINE_PARAMS[] = {
        "what", "interval", "q", "entity", "event", "from", "to", "kind", "location", "lang", NULL};

#define MAX_BUCKETS 1000

struct timeline_read {
	const struct db_timeline_query *q;
	long n;
	char *json;
};

static int read_timeline(struct db_conn *conn, void *ctx)
{
	struct timeline_read *r = ctx;

	return db_timeline(conn, r->q, MAX_BUCKETS, &r->n, &r->json);
}

void api_stats_timeline(void *app, const struct http_request *req, struct http_response *res)
{
	struct db_timeline_query q = {0};
	struct timeline_read r = {&q, 0, NULL};
	char from[40], to[40], lang[4];
	const char *what, *v;
	size_t len;
	char *body;
	int err;

	if (api_check_params(req, res, TIMELINE_PARAMS) ||
	    api_param_range(req, res, from, to, &q.range.from, &q.range.to_end) ||
	    api_param_text(req, res, "q", &q.q))
		return;
	if (q.q && strlen(q.q) > 1000) {
		http_problem(res, 400, "parameter 'q' is longer than 1000 bytes");
		return;
	}
	what = api_param(req, "what");
	if (!what)
		what = "articles";
	if (strcmp(what, "articles") != 0 && strcmp(what, "events") != 0) {
		http_problem(res, 400, "parameter 'what' must be articles or events");
		return;
	}
	q.events = what[0] == 'e';
	q.interval = api_param(req, "interval");
	if (!q.interval)
		q.interval = "day";
	if (strcmp(q.interval, "day") != 0 && strcmp(q.interval, "week") != 0 &&
	    strcmp(q.interval, "month") != 0) {
		http_problem(res, 400, "parameter 'interval' must be day, week or month");
		return;
	}
	v = api_param(req, "entity");
	if (v && api_parse_id(v, "parameter 'entity'", res, &q.entity_id))
		return;
	v = api_param(req, "event");
	if (v && api_parse_id(v, "parameter 'event'", res, &q.event_id))
		return;
	if (api_param_event_kind(req, res, &q.kind))
		return;
	v = api_param(req, "location");
	if (v && api_parse_id(v, "parameter 'location'", res, &q.location_id))
		return;
	if (api_param_lang(req, res, lang, &q.lang))
		return;
	err = api_read(app, API_FROM_REPLICA, read_timeline, &r);
	if (err == -ERANGE) {
		http_problem(res, 400,
		             "the period holds %ld buckets of a %s, at most %d: narrow 'from' and "
		             "'to' or choose a longer 'interval'",
		             r.n, q.interval, MAX_BUCKETS);
		return;
	}
	if (err) {
		api_fail(res, err, "timeline");
		return;
	}
	len = strlen(r.json) + 64;
	body = malloc(len);
	if (body)
		snprintf(body, len, "{\"what\":\"%s\",\"interval\":\"%s\",\"data\":%s}", what,
		         q.interval, r.json);
	free(r.json);
	api_send_json(res, 200, body);
}
