/* Event features on RPM2 (French, 20 topics x 2 clusters of 10 articles a
 * month apart; events/rpm2-fr/documents/TNN_CK_DD.txt):
 *   - kind purity: per cluster, the share of its articles that get the
 *     cluster's most common kind, over all articles ("other" counts as a
 *     kind); and the share of articles left "other";
 *   - term vectors: mean TF-IDF cosine (IDF ln(N/df) over the corpus) of two
 *     articles of one cluster, against two articles of different topics.
 * No gold kinds exist for this set: purity says the kinds are consistent
 * within an event, not that they are right. Development set. */
#include <math.h>

#include "eval.h"
#include "text.h"

#define TOPICS 20
#define CLUSTERS 2
#define DOCS 10
#define N (TOPICS * CLUSTERS * DOCS)

struct df {
	uint32_t *id;
	unsigned *n;
	size_t len, cap;
};

static struct text_doc docs[N];
static struct df df;
static bool have[N];

static unsigned *df_slot(uint32_t id)
{
	size_t lo = 0, hi = df.len;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (df.id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < df.len && df.id[lo] == id ? &df.n[lo] : NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double idf(uint32_t id, void *ctx)
{
	unsigned *n = df_slot(id);

	return log((double)*(int *)ctx / (n ? *n : 1));
}

int main(void)
{
	char dir[4096], path[4200];
	struct text_day today = {2026, 11, 22};
	int t, c, d, k, ndocs = 0, pure = 0, other = 0, events = 0;
	char label[64];
	double within = 0, across = 0;
	long nw = 0, na = 0;
	size_t i, j;

	if (!eval_path("events/rpm2-fr/documents", dir, sizeof(dir))) {
		eval_skip("event kind", "RPM2 fr", "corpus absent");
		return 0;
	}
	if (text_init(NULL)) {
		eval_skip("event kind", "RPM2 fr", "text_init failed");
		return 0;
	}
	for (t = 0; t < TOPICS; t++)
		for (c = 0; c < CLUSTERS; c++) {
			int count[TEXT_EVENT_KINDS] = {0}, best = 0, got = 0;

			for (d = 0; d < DOCS; d++) {
				int x = (t * CLUSTERS + c) * DOCS + d;
				char *raw;
				struct text_input in = {.lang = "fr", .today = &today};
				const char *why;

				snprintf(path, sizeof(path), "%s/T%02d_C%d_%02d.txt", dir, t + 1,
				         c + 1, d + 1);
				raw = eval_read_file(path, NULL);
				if (!raw)
					continue;
				in.text = raw;
				if (!strncmp(raw, "\xef\xbb\xbf", 3))
					in.text = raw + 3;
				have[x] = text_process(&in, &docs[x], &why) == 0;
				free(raw);
				if (!have[x])
					continue;
				if (getenv("EVAL_VERBOSE"))
					fprintf(stderr, "  %s: %s '%.*s'\n", path + strlen(dir) + 1,
					        text_event_kind_name(docs[x].event_kind),
					        docs[x].event_kind_evidence.end -
					                docs[x].event_kind_evidence.start,
					        docs[x].event_kind_evidence.start < 0 ? ""
					        : docs[x].event_kind_evidence.title
					                ? docs[x].title +
					                          docs[x].event_kind_evidence.start
					                : docs[x].body + docs[x].event_kind_evidence
					                                         .start);
				count[docs[x].event_kind]++;
				other += docs[x].event_kind == TEXT_EVENT_OTHER;
				got++;
			}
			for (k = 1; k < TEXT_EVENT_KINDS; k++)
				if (count[k] > count[best])
					best = k;
			pure += count[best];
			ndocs += got;
			events += got > 0;
			if (got && getenv("EVAL_VERBOSE"))
				fprintf(stderr, "T%02d_C%d: %s %d/%d\n", t + 1, c + 1,
				        text_event_kind_name((enum text_event_kind)best),
				        count[best], got);
		}
	if (!ndocs) {
		eval_skip("event kind", "RPM2 fr", "no document read");
		text_shutdown();
		return 0;
	}
	/* document frequencies */
	for (i = 0; i < N; i++)
		for (j = 0; have[i] && j < docs[i].n_terms; j++) {
			if (df.len == df.cap) {
				df.cap = df.cap ? df.cap * 2 : 4096;
				df.id = realloc(df.id, df.cap * sizeof(*df.id));
				if (!df.id)
					return 1;
			}
			df.id[df.len++] = docs[i].terms[j].id;
		}
	qsort(df.id, df.len, sizeof(*df.id), cmp_u32);
	df.n = calloc(df.len ? df.len : 1, sizeof(*df.n));
	if (!df.n)
		return 1;
	for (i = 0, j = 0; i < df.len; i++) {
		if (j && df.id[j - 1] == df.id[i]) {
			df.n[j - 1]++;
			continue;
		}
		df.id[j] = df.id[i];
		df.n[j++] = 1;
	}
	df.len = j;
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N; j++) {
			double cs;

			if (!have[i] || !have[j])
				continue;
			cs = text_terms_cosine(docs[i].terms, docs[i].n_terms, docs[j].terms,
			                       docs[j].n_terms, idf, &ndocs);
			if (i / DOCS == j / DOCS) {
				within += cs;
				nw++;
			} else if (i / (DOCS * CLUSTERS) != j / (DOCS * CLUSTERS)) {
				across += cs;
				na++;
			}
		}
	snprintf(label, sizeof(label), "RPM2 fr (%d articles, %d events)", ndocs, events);
	eval_row("event kind", label, "purity of kinds per event", (double)pure / ndocs,
	         "dev, no gold kinds");
	eval_row("event kind", "RPM2 fr", "share of articles 'other'", (double)other / ndocs, "-");
	eval_row("terms", "RPM2 fr", "mean TF-IDF cosine, same event", nw ? within / (double)nw : 0,
	         "-");
	eval_row("terms", "RPM2 fr", "mean TF-IDF cosine, different topics",
	         na ? across / (double)na : 0, "-");
	for (i = 0; i < N; i++)
		text_doc_release(&docs[i]);
	free(df.id);
	free(df.n);
	text_shutdown();
	return 0;
}
