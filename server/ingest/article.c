/* One article, from input JSON to stored rows. */
#include "db.h"
#include "ingest.h"
#include "internal.h"
#include "metrics.h"
#include "text.h"
#include "timeutil.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_URL 2048
#define MAX_SHORT_FIELD 1000

struct input {
	const char *text, *html, *url, *title, *source, *published_at, *lang;
};

__attribute__((format(printf, 2, 3))) static int invalid(char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, INGEST_WHY_LEN, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Fields are optional strings unless said otherwise; null means absent. */
static int take_string(json_t *value, const char *key, const char **out, size_t max, char *why)
{
	if (json_is_null(value))
		return 0;
	if (!json_is_string(value))
		return invalid(why, "field '%s' must be a string", key);
	if (json_string_length(value) == 0)
		return invalid(why, "field '%s' must not be empty", key);
	if (max && json_string_length(value) > max)
		return invalid(why, "field '%s' is longer than %zu bytes", key, max);
	*out = json_string_value(value);
	return 0;
}

static bool valid_url(const char *u)
{
	const char *p;

	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return false;
	p = strchr(u, ':') + 3;
	if (!*p || *p == '/')
		return false;
	for (; *u; u++)
		if ((unsigned char)*u <= ' ')
			return false;
	return true;
}

static int parse_input(json_t *obj, struct input *in, char *why)
{
	const char *key;
	json_t *value;
	int err = 0;
	size_t i;

	memset(in, 0, sizeof(*in));
	if (!json_is_object(obj))
		return invalid(why, "an article must be a JSON object");
	json_object_foreach (obj, key, value) {
		if (strcmp(key, "text") == 0)
			err = take_string(value, key, &in->text, 0, why);
		else if (strcmp(key, "html") == 0)
			err = take_string(value, key, &in->html, 0, why);
		else if (strcmp(key, "url") == 0)
			err = take_string(value, key, &in->url, MAX_URL, why);
		else if (strcmp(key, "title") == 0)
			err = take_string(value, key, &in->title, MAX_SHORT_FIELD, why);
		else if (strcmp(key, "source") == 0)
			err = take_string(value, key, &in->source, MAX_SHORT_FIELD, why);
		else if (strcmp(key, "published_at") == 0)
			err = take_string(value, key, &in->published_at, 64, why);
		else if (strcmp(key, "lang") == 0)
			err = take_string(value, key, &in->lang, 3, why);
		else
			err = invalid(why, "unknown field '%s'", key);
		if (err)
			return err;
	}
	if (!in->text == !in->html)
		return invalid(why, in->text ? "give either 'text' or 'html', not both"
		                             : "field 'text' or 'html' is required");
	if (in->url && !valid_url(in->url))
		return invalid(why, "field 'url' must be an http:// or https:// URL");
	if (in->lang) {
		for (i = 0; in->lang[i]; i++)
			if (!isalpha((unsigned char)in->lang[i]))
				break;
		if (in->lang[i] || i < 2)
			return invalid(why, "field 'lang' must be a 2 or 3 letter language code");
	}
	return 0;
}

/* The body's date expressions as rows: character offsets (clients index
 * strings by character, the pipeline by byte), the text as written, and a
 * value at its precision. rows->buf holds every string. */
struct date_rows {
	struct db_date *v;
	char *buf;
	size_t n;
};

static void date_rows_release(struct date_rows *rows)
{
	free(rows->v);
	free(rows->buf);
}

static int date_rows_build(const struct text_doc *doc, struct date_rows *rows)
{
	const char *body = doc->body;
	struct char_cursor cur = {body, 0, 0};
	size_t i, need = 0, used = 0;
	int last_end = 0;

	memset(rows, 0, sizeof(*rows));
	if (!doc->n_dates)
		return 0;
	for (i = 0; i < doc->n_dates; i++)
		need += (size_t)(doc->dates[i].end - doc->dates[i].start) + 1 + 11;
	rows->v = calloc(doc->n_dates, sizeof(*rows->v));
	rows->buf = malloc(need);
	if (!rows->v || !rows->buf) {
		date_rows_release(rows);
		return -ENOMEM;
	}
	/* Dates come sorted by start: one pass converts every offset. */
	for (i = 0; i < doc->n_dates; i++) {
		const struct text_date *d = &doc->dates[i];
		struct db_date *r = &rows->v[rows->n];
		size_t len = (size_t)(d->end - d->start);

		if (d->start < last_end || d->end < d->start)
			continue; /* overlapping or malformed span: skip it */
		r->start = ingest_char_offset(&cur, d->start);
		r->end = ingest_char_offset(&cur, d->end);
		last_end = d->end;
		r->text = rows->buf + used;
		memcpy(rows->buf + used, body + d->start, len);
		rows->buf[used + len] = '\0';
		used += len + 1;
		r->relative = d->relative;
		if (d->resolved && d->precision != TEXT_PRECISION_NONE) {
			snprintf(rows->buf + used, 11, "%04d-%02d-%02d", d->value.year,
			         d->value.month ? d->value.month : 1,
			         d->value.day ? d->value.day : 1);
			r->value = rows->buf + used;
			r->precision = d->precision == TEXT_PRECISION_DAY     ? "day"
			               : d->precision == TEXT_PRECISION_MONTH ? "month"
			                                                      : "year";
		}
		used += 11;
		rows->n++;
	}
	return 0;
}

/* The doc's entities ready to link (struct db_entity_in): their forms with
 * the surface each was written as, and their mentions in characters. Every
 * allocation is listed in own. */
struct entity_rows {
	struct db_entity_in *v;
	size_t n;
	void **own;
	size_t n_own, cap_own;
};

static void entity_rows_release(struct entity_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->n_own; i++)
		free(rows->own[i]);
	free(rows->own);
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

/* Keep p (NULL: -ENOMEM) to free with rows. */
static int own(struct entity_rows *rows, void *p)
{
	if (!p)
		return -ENOMEM;
	if (rows->n_own == rows->cap_own) {
		size_t cap = rows->cap_own ? 2 * rows->cap_own : 64;
		void **v = realloc(rows->own, cap * sizeof(*v));

		if (!v) {
			free(p);
			return -ENOMEM;
		}
		rows->own = v;
		rows->cap_own = cap;
	}
	rows->own[rows->n_own++] = p;
	return 0;
}

static bool word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Whole-word occurrences of s (len bytes) in body, not overlapping taken
 * spans, appended to spans (byte start, end pairs; room for max pairs). */
static size_t find_words(const char *body, const char *s, size_t len, int *spans, size_t n,
                         size_t max)
{
	const char *p = body;
	size_t k;

	if (!len)
		return n;
	while (n < max && (p = strstr(p, s)) != NULL) {
		int start = (int)(p - body), end = start + (int)len;
		bool free_span = !(p > body && word_byte((unsigned char)p[-1])) &&
		                 !word_byte((unsigned char)p[len]);

		for (k = 0; k < n && free_span; k++)
			free_span = end <= spans[2 * k] || start >= spans[2 * k + 1];
		if (free_span) {
			spans[2 * n] = start;
			spans[2 * n + 1] = end;
			n++;
		}
		p += len;
	}
	return n;
}

static int cmp_span(const void *a, const void *b)
{
	const int *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

/* An entity's forms and mentions as linking reads them. */
struct entity_view {
	const char *const *forms;
	size_t n_forms;
	const struct text_mention *mentions;
	size_t n_mentions;
};

/* FALLBACK, until the recogniser fills text_entity.mentions and forms: the
 * foundation recogniser folds a one-word name into the multi-word name
 * ending with it ("Poutine" into "Vladimir Poutine"), so its mentions are
 * the whole-word occurrences of the name and of its last word (at most
 * count), and its forms those two keys. Allocations go to rows. Remove this
 * function (and its call) once every recogniser fills both. */
static int entity_fallback(struct entity_rows *rows, const char *body, const struct text_entity *te,
                           struct entity_view *v)
{
	const char *last = strrchr(te->name, ' ');
	size_t max = te->count > 0 ? (size_t)te->count : 1, n, n_name, m;
	struct text_mention *mentions;
	const char **forms;
	int *spans;
	int err;

	spans = calloc(2 * max, sizeof(*spans));
	if (!spans)
		return -ENOMEM;
	forms = calloc(2, sizeof(*forms));
	mentions = calloc(max, sizeof(*mentions));
	err = own(rows, forms);
	if (!err)
		err = own(rows, mentions);
	else
		free(mentions);
	if (err)
		goto out;
	forms[0] = te->key;
	v->forms = forms;
	v->n_forms = 1;
	n = n_name = find_words(body, te->name, strlen(te->name), spans, 0, max);
	if (last && last[1])
		n = find_words(body, last + 1, strlen(last + 1), spans, n, max);
	if (n > n_name) {
		char *k = text_normalize_key(last + 1);

		err = own(rows, k);
		if (err)
			goto out;
		if (strcmp(k, te->key) != 0)
			forms[v->n_forms++] = k;
	}
	qsort(spans, n, 2 * sizeof(*spans), cmp_span);
	for (m = 0; m < n; m++)
		mentions[m] = (struct text_mention){spans[2 * m], spans[2 * m + 1]};
	v->mentions = mentions;
	v->n_mentions = n;
out:
	free(spans);
	return err;
}

/* The surface of form f: the name for the first, else the first mention
 * whose text normalises to it, else the form itself. */
static int surface_of(struct entity_rows *rows, const char *body, const struct text_entity *te,
                      const struct entity_view *v, size_t f, const char **out)
{
	size_t m;

	*out = f == 0 ? te->name : v->forms[f];
	for (m = 0; f > 0 && m < v->n_mentions; m++) {
		const struct text_mention *tm = &v->mentions[m];
		char *surface = strndup(body + tm->start, (size_t)(tm->end - tm->start));
		char *key = surface ? text_normalize_key(surface) : NULL;
		bool same = key && strcmp(key, v->forms[f]) == 0;

		free(key);
		if (same) {
			*out = surface;
			return own(rows, surface);
		}
		free(surface);
	}
	return 0;
}

static int entity_rows_build(const struct text_doc *doc, struct entity_rows *rows)
{
	struct char_cursor cur = {doc->body, 0, 0};
	size_t i, f, m;
	int err = 0;

	memset(rows, 0, sizeof(*rows));
	if (!doc->n_entities)
		return 0;
	rows->v = calloc(doc->n_entities, sizeof(*rows->v));
	if (!rows->v)
		return -ENOMEM;
	rows->n = doc->n_entities;
	for (i = 0; i < doc->n_entities && !err; i++) {
		const struct text_entity *te = &doc->entities[i];
		struct entity_view v = {(const char *const *)te->forms, te->n_forms, te->mentions,
		                        te->n_mentions};
		struct db_entity_in *r = &rows->v[i];
		const char **surfaces;
		int *spans;

		if (!te->n_forms || !te->n_mentions)
			err = entity_fallback(rows, doc->body, te, &v);
		if (err)
			break;
		surfaces = calloc(v.n_forms, sizeof(*surfaces));
		err = own(rows, surfaces);
		spans = err ? NULL : calloc(2 * v.n_mentions + 1, sizeof(*spans));
		if (!err)
			err = own(rows, spans);
		for (f = 0; f < v.n_forms && !err; f++)
			err = surface_of(rows, doc->body, te, &v, f, &surfaces[f]);
		if (err)
			break;
		for (m = 0; m < v.n_mentions; m++) {
			spans[2 * m] = ingest_char_offset(&cur, v.mentions[m].start);
			spans[2 * m + 1] = ingest_char_offset(&cur, v.mentions[m].end);
		}
		r->forms = v.forms;
		r->surfaces = surfaces;
		r->n_forms = v.n_forms;
		r->spans = spans;
		r->n_spans = v.n_mentions;
		r->first_offset =
		        v.n_mentions ? spans[0] : ingest_char_offset(&cur, te->first_offset);
	}
	if (err)
		entity_rows_release(rows);
	return err;
}

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void today_utc(struct text_day *day)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	day->year = tm.tm_year + 1900;
	day->month = tm.tm_mon + 1;
	day->day = tm.tm_mday;
}

int ingest_article(struct db_conn *conn, const char *input_json, size_t len,
                   const struct db_item_ref *item, int64_t *id, bool *created, char *why)
{
	struct text_doc doc = TEXT_DOC_INIT;
	struct text_input tin = {0};
	struct db_article_in ain = {0};
	struct date_rows rows = {0};
	struct db_features features = {0};
	struct entity_rows ents = {0};
	struct text_day today;
	double t0;
	struct time_point tp;
	struct input in;
	json_error_t jerr;
	json_t *obj = json_loadb(input_json, len, JSON_REJECT_DUPLICATES, &jerr);
	char published[TIME_ISO_LEN], lang[4] = "";
	char *raw = NULL;
	const char *reason = NULL;
	size_t i;
	int err;

	why[0] = '\0';
	if (!obj) {
		err = invalid(why, "not valid JSON: %s at line %d column %d", jerr.text, jerr.line,
		              jerr.column);
		goto out;
	}
	err = parse_input(obj, &in, why);
	if (err)
		goto out;
	if (in.published_at) {
		if (time_parse_iso8601(in.published_at, &tp)) {
			err = invalid(why,
			              "field 'published_at' must be an ISO 8601 date or "
			              "date-time, got '%.40s'",
			              in.published_at);
			goto out;
		}
		time_format_utc(tp.epoch_ms, published);
		ain.published_at = published;
		ain.published_origin = "given";
		ain.published_precision = time_precision_name(tp.precision);
	}
	if (in.lang) {
		for (i = 0; in.lang[i]; i++)
			lang[i] = (char)tolower((unsigned char)in.lang[i]);
		lang[i] = '\0';
		tin.lang = lang;
	}
	tin.text = in.text;
	tin.html = in.html;
	tin.title = in.title;
	tin.published_at = ain.published_at;
	tin.url = in.url;
	tin.source = in.source;
	today_utc(&today);
	tin.today = &today;
	t0 = seconds_now();
	err = text_process(&tin, &doc, &reason);
	metrics_stage_observe(METRICS_STAGE_TEXT, seconds_now() - t0);
	if (err) {
		if (err == -EINVAL)
			invalid(why, "%s", reason ? reason : "the article could not be processed");
		goto out;
	}
	/* A date from the page's own metadata counts only when it parses. */
	if (!ain.published_at && doc.published_at && doc.published_origin &&
	    time_parse_iso8601(doc.published_at, &tp) == 0) {
		time_format_utc(tp.epoch_ms, published);
		ain.published_at = published;
		ain.published_origin = doc.published_origin;
		ain.published_precision = time_precision_name(tp.precision);
	}
	/* Keep the input as given, re-encoded compactly, for re-processing. */
	raw = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	if (!raw) {
		err = -ENOMEM;
		goto out;
	}
	err = date_rows_build(&doc, &rows);
	if (!err)
		err = ingest_features_build(&doc, &features);
	if (!err)
		err = entity_rows_build(&doc, &ents);
	if (err)
		goto out;
	ain.doc = &doc;
	ain.url = in.url;
	ain.source = in.source ? in.source : doc.source;
	ain.raw = raw;
	ain.dates = rows.v;
	ain.n_dates = rows.n;
	ain.features = &features;
	ain.entities = ents.v;
	t0 = seconds_now();
	err = db_article_store(conn, &ain, item, id, created);
	metrics_stage_observe(METRICS_STAGE_STORE, seconds_now() - t0);
out:
	entity_rows_release(&ents);
	ingest_features_release(&features);
	date_rows_release(&rows);
	free(raw);
	text_doc_release(&doc);
	json_decref(obj);
	return err;
}
