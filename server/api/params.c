/* Query parameters, cursors, pages and the one errno -> HTTP mapping. */
#include "api.h"
#include "db.h"
#include "strbuf.h"
#include "text.h"
#include "timeutil.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT 20
#define MAX_LIMIT 100

int api_check_params(const struct http_request *req, struct http_response *res,
                     const char *const *allowed)
{
	size_t i, j;
	const char *const *a;

	for (i = 0; i < req->n_params; i++) {
		const char *k = req->params[i].key, *v = req->params[i].value;

		if (!text_utf8_valid(k, strlen(k))) {
			http_problem(res, 400, "a parameter name is not valid UTF-8");
			return -EINVAL;
		}
		for (a = allowed; *a && strcmp(*a, k) != 0; a++)
			;
		if (*a && v && !text_utf8_valid(v, strlen(v))) {
			http_problem(res, 400, "parameter '%s' is not valid UTF-8", k);
			return -EINVAL;
		}
		if (!*a) {
			http_problem(res, 400, "unknown parameter '%.100s'", req->params[i].key);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(req->params[j].key, req->params[i].key) == 0) {
				http_problem(res, 400, "parameter '%s' is given more than once",
				             req->params[i].key);
				return -EINVAL;
			}
		}
	}
	return 0;
}

int api_param_lang(const struct http_request *req, struct http_response *res, char *buf,
                   const char **out)
{
	const char *v = api_param(req, "lang");
	size_t i;

	*out = NULL;
	if (!v)
		return 0;
	for (i = 0; v[i]; i++) {
		char c = v[i];

		if (i >= 3 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			break;
		buf[i] = (char)(c | 0x20);
	}
	if (v[i] || i < 2) {
		http_problem(res, 400, "parameter 'lang' must be a 2 or 3 letter language code");
		return -EINVAL;
	}
	buf[i] = '\0';
	*out = buf;
	return 0;
}

int api_param_event_kind(const struct http_request *req, struct http_response *res,
                         const char **out)
{
	const char *v = api_param(req, "kind");
	int i;

	*out = v;
	if (!v)
		return 0;
	for (i = 0; i < TEXT_EVENT_KINDS; i++)
		if (strcmp(v, text_event_kind_name((enum text_event_kind)i)) == 0)
			return 0;
	http_problem(
	        res, 400,
	        "parameter 'kind' must be one of the event kinds (docs/events.md), got '%.40s'", v);
	return -EINVAL;
}

const char *api_param(const struct http_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->n_params; i++)
		if (strcmp(req->params[i].key, name) == 0)
			return req->params[i].value ? req->params[i].value : "";
	return NULL;
}

int api_param_text(const struct http_request *req, struct http_response *res, const char *name,
                   const char **out)
{
	*out = api_param(req, name);
	if (*out && !(*out)[0]) {
		http_problem(res, 400, "parameter '%s' must not be empty", name);
		return -EINVAL;
	}
	return 0;
}

static bool parse_positive(const char *text, int64_t max, int64_t *out)
{
	int64_t v = 0;
	const char *p = text;

	if (!*p || *p == '0')
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > (max - (*p - '0')) / 10)
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return true;
}

int api_parse_id(const char *text, const char *what, struct http_response *res, int64_t *out)
{
	if (!text || !parse_positive(text, INT64_MAX, out)) {
		http_problem(res, 400, "%s must be a positive integer id, got '%.40s'", what,
		             text ? text : "");
		return -EINVAL;
	}
	return 0;
}

int api_param_limit(const struct http_request *req, struct http_response *res, int *limit)
{
	const char *v = api_param(req, "limit");
	int64_t n;

	*limit = DEFAULT_LIMIT;
	if (!v)
		return 0;
	if (!parse_positive(v, 1000000, &n) || n > MAX_LIMIT) {
		http_problem(res, 400,
		             "parameter 'limit' must be an integer from 1 to %d, got "
		             "'%.20s'",
		             MAX_LIMIT, v);
		return -EINVAL;
	}
	*limit = (int)n;
	return 0;
}

/* The first instant after the period a time point names. */
static int64_t period_end(const char *text, const struct time_point *tp)
{
	int64_t days;
	int y = atoi(text), m = 1;

	if (strchr(text, 'T') || strchr(text, 't') || strchr(text, ' '))
		return tp->epoch_ms + 1; /* an instant: inclusive */
	if (tp->precision == TIME_PRECISION_DAY)
		return tp->epoch_ms + 86400000;
	if (tp->precision == TIME_PRECISION_MONTH) {
		m = atoi(text + 5) + 1;
		if (m == 13) {
			m = 1;
			y++;
		}
	} else {
		y++;
	}
	days = time_days_from_civil(y, (unsigned)m, 1);
	return days * 86400000;
}

int api_param_range(const struct http_request *req, struct http_response *res, char *from_buf,
                    char *to_buf, const char **from, const char **to_end)
{
	const char *f = api_param(req, "from"), *t = api_param(req, "to");
	struct time_point fp, tp;

	*from = *to_end = NULL;
	if (f) {
		if (time_parse_iso8601(f, &fp)) {
			http_problem(res, 400,
			             "parameter 'from' must be an ISO 8601 date or date-time, "
			             "got '%.40s'",
			             f);
			return -EINVAL;
		}
		time_format_utc(fp.epoch_ms, from_buf);
		*from = from_buf;
	}
	if (t) {
		if (time_parse_iso8601(t, &tp)) {
			http_problem(res, 400,
			             "parameter 'to' must be an ISO 8601 date or date-time, "
			             "got '%.40s'",
			             t);
			return -EINVAL;
		}
		time_format_utc(period_end(t, &tp), to_buf);
		*to_end = to_buf;
		if (f && period_end(t, &tp) <= fp.epoch_ms) {
			http_problem(res, 400, "parameter 'to' is before 'from'");
			return -EINVAL;
		}
	}
	return 0;
}

/* Cursors are base64url("tag:k1:k2:filters"): opaque to clients; a cursor
 * of one list, or of the same list under other filters, is refused (paging
 * on with other filters would silently skip or repeat items). filters is a
 * hash of every parameter but cursor and limit, independent of their order
 * (repeated parameters are refused before this). */
static uint32_t filters_hash(const struct http_request *req)
{
	uint32_t all = 0, h;
	const char *s;
	size_t i;

	for (i = 0; i < req->n_params; i++) {
		if (!strcmp(req->params[i].key, "cursor") || !strcmp(req->params[i].key, "limit"))
			continue;
		h = 2166136261u;
		for (s = req->params[i].key; *s; s++)
			h = (h ^ (unsigned char)*s) * 16777619u;
		h = (h ^ '=') * 16777619u;
		for (s = req->params[i].value ? req->params[i].value : ""; *s; s++)
			h = (h ^ (unsigned char)*s) * 16777619u;
		all ^= h;
	}
	return all;
}
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void b64url_encode(const char *in, size_t len, char *out)
{
	size_t i, o = 0;
	unsigned v;

	for (i = 0; i < len; i += 3) {
		v = (unsigned)(unsigned char)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)(unsigned char)in[i + 1] << 8;
		if (i + 2 < len)
			v |= (unsigned char)in[i + 2];
		out[o++] = B64[(v >> 18) & 63];
		out[o++] = B64[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = B64[(v >> 6) & 63];
		if (i + 2 < len)
			out[o++] = B64[v & 63];
	}
	out[o] = '\0';
}

static int b64url_decode(const char *in, char *out, size_t cap)
{
	size_t len = strlen(in), i, o = 0;
	unsigned v = 0;
	int bits = 0;
	const char *p;

	for (i = 0; i < len; i++) {
		p = strchr(B64, in[i]);
		if (!p || !in[i])
			return -EINVAL;
		v = (v << 6) | (unsigned)(p - B64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= cap)
				return -EINVAL;
			out[o++] = (char)((v >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return 0;
}

int api_param_cursor(const struct http_request *req, struct http_response *res, const char *tag,
                     int *has, int64_t *k1, int64_t *k2)
{
	const char *c = api_param(req, "cursor");
	char plain[96], expect[40];
	long long a, b;
	int used = 0;

	*has = 0;
	if (!c)
		return 0;
	snprintf(expect, sizeof(expect), "%s:%08x:", tag, (unsigned)filters_hash(req));
	if (strlen(c) > 120 || b64url_decode(c, plain, sizeof(plain)) ||
	    strncmp(plain, expect, strlen(expect)) != 0 ||
	    sscanf(plain + strlen(expect), "%lld:%lld%n", &a, &b, &used) != 2 ||
	    plain[strlen(expect) + (size_t)used] != '\0') {
		http_problem(res, 400,
		             "parameter 'cursor' is not a cursor of this list with these filters; "
		             "pass the "
		             "'next' value of the previous page");
		return -EINVAL;
	}
	*has = 1;
	*k1 = a;
	*k2 = b;
	return 0;
}

void api_send_json(struct http_response *res, int status, char *json)
{
	if (!json) {
		http_problem(res, 503, "out of memory");
		return;
	}
	http_json_take(res, status, json, strlen(json));
}

void api_send_page(const struct http_request *req, struct http_response *res, struct db_page *page,
                   const char *tag)
{
	struct strbuf sb = STRBUF_INIT;
	char plain[80], cursor[120];
	size_t i;
	int err = strbuf_addstr(&sb, "{\"data\":[");

	for (i = 0; i < page->n && !err; i++) {
		if (i)
			err = strbuf_addch(&sb, ',');
		if (!err)
			err = strbuf_addstr(&sb, page->items[i]);
	}
	if (!err && page->more) {
		snprintf(plain, sizeof(plain), "%s:%08x:%" PRId64 ":%" PRId64, tag,
		         (unsigned)filters_hash(req), page->next_k1, page->next_k2);
		b64url_encode(plain, strlen(plain), cursor);
		err = strbuf_addf(&sb, "],\"next\":\"%s\"}", cursor);
	} else if (!err) {
		err = strbuf_addstr(&sb, "],\"next\":null}");
	}
	db_page_release(page);
	if (err) {
		strbuf_release(&sb);
		http_problem(res, 503, "out of memory");
		return;
	}
	{
		size_t len;
		char *body = strbuf_detach(&sb, &len);

		if (body)
			http_json_take(res, 200, body, len);
		else
			http_problem(res, 503, "out of memory");
	}
}

void api_fail(struct http_response *res, int err, const char *what)
{
	switch (err) {
	case -ENOENT:
		http_problem(res, 404, "%s", what);
		break;
	case -EINVAL:
		http_problem(res, 400, "%s", what);
		break;
	case -ENOMEM:
		http_problem(res, 503, "out of memory");
		break;
	case -EIO:
		http_problem(res, 503, "the database is unavailable; try again");
		break;
	case -EHOSTUNREACH:
		http_problem(res, 503, "the database is unreachable");
		break;
	default:
		http_problem(res, 500, "internal error (%s)", strerror(-err));
		break;
	}
}
