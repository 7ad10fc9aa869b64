/* Text pipeline throughput on one core: text_process() over every fixture
 * of tests/fixtures/articles (text and HTML), repeated for a fixed time.
 * Reported next to a baseline measured in the same run on the same bytes:
 * one UTF-8 validation pass (text_utf8_valid), the least any stage must do,
 * so the ratio says how many "reads of the input" the whole pipeline costs.
 * Then the event-feature stages alone (terms, kind, roles, happening date:
 * server/text/terms.c, evkind.c, evdate.c) on the processed documents, and
 * the TF-IDF cosine of two term vectors.
 *
 *   text_bench [fixtures-dir] [seconds]
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../server/text/internal.h" /* the event stages, timed alone */
#include "strbuf.h"
#include "text.h"

struct input {
	char *data;
	size_t len;
	bool html;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t load(const char *dir, struct input *in, size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	size_t n = 0, l;
	bool html;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		l = strlen(e->d_name);
		html = l > 5 && strcmp(e->d_name + l - 5, ".html") == 0;

		if (!html && !(l > 4 && strcmp(e->d_name + l - 4, ".txt") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		in[n].html = html;
		if (strbuf_read_file(path, &in[n].data, &in[n].len) == 0)
			n++;
	}
	closedir(d);
	return n;
}

static double idf_one(uint32_t id, void *ctx)
{
	return 1.0 + (double)(id % 5);
}

/* The pipeline's input for one fixture. */
static struct text_input input_of(const struct input *in, const struct text_day *today)
{
	struct text_input ti = {.today = today};

	if (in->html)
		ti.html = in->data;
	else
		ti.text = in->data;
	return ti;
}

/* Every fixture through the whole pipeline once: the input of a stage's
 * bench (a failed one stays empty). NULL on ENOMEM. */
static struct text_doc *process_all(const struct input *in, size_t n, const struct text_day *today)
{
	struct text_doc *docs = calloc(n, sizeof(*docs));
	size_t i;

	for (i = 0; docs && i < n; i++) {
		struct text_input ti = input_of(&in[i], today);
		const char *why;

		if (text_process(&ti, &docs[i], &why))
			docs[i] = TEXT_DOC_INIT;
	}
	return docs;
}

/* The event stages again on each processed document, and the cosine of
 * every pair of term vectors. pipe_us: the whole pipeline per 4 KB article;
 * base: the baseline's bytes per second. */
static void bench_events(const struct input *in, size_t n, const struct text_day *today,
                         double seconds, double pipe_us, double base)
{
	struct text_doc *docs = process_all(in, n, today);
	size_t i, j, bytes = 0, pairs = 0;
	double t0, t_ev, t_cos;
	volatile double sink = 0;

	if (!docs)
		return;
	t0 = now();
	do {
		for (i = 0; i < n; i++) {
			struct text_toks t = TEXT_TOKS_INIT;
			struct text_term *terms = NULL;
			struct text_role *roles = NULL;
			size_t nt = 0, nr = 0;
			struct text_doc *d = &docs[i];

			if (!d->body)
				continue;
			if (!text_event_tokens(d->title, d->body, d->lang, &t) &&
			    !text_terms_build(&t, &terms, &nt)) {
				text_evkind_detect(&t, d->lang, &d->event_kind,
				                   &d->event_kind_score, &d->event_kind_evidence);
				if (!text_evroles_detect(&t, d->body, d->lang, d->entities,
				                         d->n_entities, d->dates, d->n_dates,
				                         &roles, &nr))
					text_evdate_detect(d);
			}
			sink += (double)(nt + nr);
			free(terms);
			free(roles);
			text_event_tokens_release(&t);
			bytes += in[i].len;
		}
	} while (now() - t0 < seconds);
	t_ev = now() - t0;
	t0 = now();
	do {
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++, pairs++)
				sink += text_terms_cosine(docs[i].terms, docs[i].n_terms,
				                          docs[j].terms, docs[j].n_terms, idf_one,
				                          NULL);
	} while (now() - t0 < seconds / 3);
	t_cos = now() - t0;
	printf("event features (terms, kind, roles, happening date), one core:\n");
	printf("  %.0f us per 4 KB article = %.0f%% of the pipeline's %.0f us; "
	       "%.0fx the baseline's time per byte\n",
	       t_ev / ((double)bytes / 4096) * 1e6,
	       100 * t_ev / ((double)bytes / 4096) * 1e6 / pipe_us, pipe_us,
	       base / ((double)bytes / t_ev));
	printf("  term-vector cosine: %.0f ns per pair (%zu pairs)\n", t_cos / (double)pairs * 1e9,
	       pairs);
	for (i = 0; i < n; i++)
		text_doc_release(&docs[i]);
	free(docs);
	(void)sink;
}

/* The entity stage alone (text_entities_extract: tagger, rules,
 * coreference) on the clean bodies of the processed fixtures, per 4 KB of
 * body (target: 1,000 articles of 4 KB per second per core). */
static void bench_entities(const struct input *in, size_t n, const struct text_day *today,
                           double seconds, double base)
{
	struct text_doc *docs = process_all(in, n, today);
	size_t i, bytes = 0, ents = 0;
	double t0, t;

	if (!docs)
		return;
	t0 = now();
	do {
		for (i = 0; i < n; i++) {
			struct text_entity *v = NULL;
			size_t k = 0;

			if (!docs[i].body)
				continue;
			if (!text_entities_extract(docs[i].body, docs[i].lang, &v, &k))
				ents += k;
			text_entities_free(v, k);
			bytes += strlen(docs[i].body);
		}
	} while (now() - t0 < seconds);
	t = now() - t0;
	printf("entities (tokens, perceptron tagger, rules, coreference), one core:\n");
	printf("  %.0f us per 4 KB of body -> %.0f articles of 4 KB/s (target >= 1000); "
	       "%.0fx the baseline's time per byte\n",
	       t / ((double)bytes / 4096) * 1e6, (double)bytes / 4096 / t,
	       base / ((double)bytes / t));
	for (i = 0; i < n; i++)
		text_doc_release(&docs[i]);
	free(docs);
	(void)ents;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/fixtures/articles";
	double seconds = argc > 2 ? atof(argv[2]) : 3.0, t0, t_pipe, t_base;
	struct input in[512];
	struct text_day today = {2026, 11, 22};
	size_t n = load(dir, in, 512), i, bytes = 0, docs = 0, base_bytes = 0;
	volatile size_t sink = 0;
	int err = text_init(NULL);

	if (err || n == 0) {
		fprintf(stderr, "text_bench: %s\n", err ? "text_init failed" : "no fixtures");
		return 1;
	}
	/* Baseline first: UTF-8 validation over the same inputs, same duration. */
	t0 = now();
	do {
		for (i = 0; i < n; i++) {
			sink += text_utf8_valid(in[i].data, in[i].len);
			base_bytes += in[i].len;
		}
	} while (now() - t0 < seconds / 3);
	t_base = now() - t0;
	t0 = now();
	do {
		for (i = 0; i < n; i++) {
			struct text_input ti = input_of(&in[i], &today);
			struct text_doc doc = TEXT_DOC_INIT;
			const char *why;

			if (text_process(&ti, &doc, &why) == 0)
				sink += doc.n_entities;
			text_doc_release(&doc);
			bytes += in[i].len;
			docs++;
		}
	} while (now() - t0 < seconds);
	t_pipe = now() - t0;
	printf("text pipeline, one core, %zu fixtures (avg %.1f KB), %.1f s:\n", n,
	       (double)bytes / (double)docs / 1024, t_pipe);
	printf("  %.0f articles/s, %.1f MB/s; baseline UTF-8 validation %.0f MB/s; "
	       "pipeline = %.0fx the baseline's time per byte\n",
	       (double)docs / t_pipe, (double)bytes / t_pipe / 1e6,
	       (double)base_bytes / t_base / 1e6,
	       ((double)base_bytes / t_base) / ((double)bytes / t_pipe));
	printf("  per 4 KB article: %.0f us -> %.0f articles of 4 KB/s (target >= 2000)\n",
	       t_pipe / ((double)bytes / 4096) * 1e6, (double)bytes / 4096 / t_pipe);
	bench_events(in, n, &today, seconds / 3, t_pipe / ((double)bytes / 4096) * 1e6,
	             (double)base_bytes / t_base);
	bench_entities(in, n, &today, seconds / 3, (double)base_bytes / t_base);
	for (i = 0; i < n; i++)
		free(in[i].data);
	text_shutdown();
	return sink == (size_t)-1;
}
