/* Event clustering and story chaining on RPM2 (French) and ECB+ (English).
 *
 * Every document goes through the whole text pipeline (text_process), then
 * into the online clustering (include/cluster.h) in a stream order, exactly
 * as the clustering thread feeds it: observe, choose, add; a new event asks
 * for a story (cluster_story_candidate). Entities are the recogniser's
 * normalised keys hashed to ids (one language per corpus, so linking adds
 * nothing here).
 *
 * events/rpm2-fr/documents/TNN_CK_DD.txt (title on the first line): same
 * event = same TNN_CK, same story = same TNN; cluster 2 happened a month
 * after cluster 1. The stream gives every topic's cluster 1 documents, then
 * every cluster 2 (round robin over topics). The corpus has no publication
 * dates, so two rows: "no dates" (each document dated only by its text, with
 * no reference day) and "publication days" (cluster 1 published on day 0,
 * cluster 2 on day 30, documents a day apart: what a live stream gives).
 *
 * events/ecbplus/N/N_Kecb.xml and N_Kecbplus.xml: tokens in <token> elements;
 * same event = same topic and same suffix, same story = same topic. No
 * dates.
 *
 * BCubed precision and recall (Bagga and Baldwin) over documents, and F1.
 * Story accuracy: the share of document pairs of one topic but different
 * events whose events got one story, and of pairs of different topics whose
 * events did not (the mean of the two).
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/text/internal.h"
#include "cluster.h"
#include "eval.h"
#include "timeutil.h"

#define STAGE "events"
#define MAX_DOCS 1024

struct doc {
	char name[256];
	int gold_event, gold_story;
	int event, story; /* predicted: event id, story id */
	int order;        /* stream position */
	int pub_day;      /* simulated publication day, or CLUSTER_NO_DAY */
	char *title, *text;
	/* Features (features()). */
	bool ok;
	struct cluster_term *terms;
	struct cluster_entity *ents;
	struct cluster_input in;
};

struct corpus {
	struct doc v[MAX_DOCS];
	int n;
};

/* "T01_C2_07.txt" -> topic 1, cluster 2, doc 7. */
static int parse_rpm2(const char *name, int *topic, int *cl, int *num)
{
	return sscanf(name, "T%d_C%d_%d.txt", topic, cl, num) == 3 ? 0 : -1;
}

static void strip_bom(char *s)
{
	if ((unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbb &&
	    (unsigned char)s[2] == 0xbf)
		memmove(s, s + 3, strlen(s + 3) + 1);
}

static int load_rpm2(const char *dir, struct corpus *c, bool dated)
{
	char path[1024];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d)) && c->n < MAX_DOCS) {
		int topic, cl, num;
		struct doc *x = &c->v[c->n];
		char *buf, *nl;

		if (parse_rpm2(de->d_name, &topic, &cl, &num))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = eval_read_file(path, NULL);
		if (!buf)
			continue;
		strip_bom(buf);
		nl = strchr(buf, '\n');
		memset(x, 0, sizeof(*x));
		snprintf(x->name, sizeof(x->name), "%s", de->d_name);
		x->gold_story = topic;
		x->gold_event = topic * 10 + cl;
		x->order = (cl - 1) * 100000 + num * 100 + topic;
		x->pub_day = dated ? 14000 + (cl - 1) * 30 + num / 4 : CLUSTER_NO_DAY;
		x->title = strndup(buf, nl ? (size_t)(nl - buf) : strlen(buf));
		x->text = strdup(nl ? nl + 1 : "");
		free(buf);
		c->n++;
	}
	closedir(d);
	return 0;
}

/* The text of the <token> elements of an ECB+ file, spaces between them. */
static char *ecb_text(const char *xml)
{
	struct strbuf sb;
	const char *p = xml;

	strbuf_init(&sb);
	while ((p = strstr(p, "<token "))) {
		const char *gt = strchr(p, '>'), *end;

		if (!gt)
			break;
		end = strstr(gt, "</token>");
		if (!end)
			break;
		if (sb.len)
			strbuf_addch(&sb, ' ');
		for (gt++; gt < end; gt++) {
			if (!strncmp(gt, "&amp;", 5)) {
				strbuf_addch(&sb, '&');
				gt += 4;
			} else if (!strncmp(gt, "&quot;", 6)) {
				strbuf_addch(&sb, '"');
				gt += 5;
			} else if (!strncmp(gt, "&apos;", 6)) {
				strbuf_addch(&sb, '\'');
				gt += 5;
			} else if (!strncmp(gt, "&lt;", 4) || !strncmp(gt, "&gt;", 4)) {
				strbuf_addch(&sb, gt[1] == 'l' ? '<' : '>');
				gt += 3;
			} else {
				strbuf_addch(&sb, *gt);
			}
		}
		p = end;
	}
	return strbuf_detach(&sb, NULL);
}

static int load_ecb(const char *root, struct corpus *c)
{
	char path[1024];
	int topic;

	for (topic = 1; topic <= 45; topic++) {
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof(path), "%s/%d", root, topic);
		d = opendir(path);
		if (!d)
			continue;
		while ((de = readdir(d)) && c->n < MAX_DOCS) {
			int t, num;
			char kind[16];
			struct doc *x = &c->v[c->n];
			char *xml;

			if (sscanf(de->d_name, "%d_%d%15[a-z].xml", &t, &num, kind) != 3)
				continue;
			snprintf(path, sizeof(path), "%s/%d/%s", root, topic, de->d_name);
			xml = eval_read_file(path, NULL);
			if (!xml)
				continue;
			memset(x, 0, sizeof(*x));
			snprintf(x->name, sizeof(x->name), "%s", de->d_name);
			x->gold_story = topic;
			x->gold_event = topic * 10 + (strcmp(kind, "ecb") ? 2 : 1);
			x->order = (strcmp(kind, "ecb") ? 100000 : 0) + num * 100 + topic;
			x->pub_day = CLUSTER_NO_DAY;
			x->text = ecb_text(xml);
			free(xml);
			c->n++;
		}
		closedir(d);
	}
	return c->n ? 0 : -1;
}

static int by_order(const void *a, const void *b)
{
	const struct doc *x = a, *y = b;

	return x->order - y->order;
}

static uint64_t fnv64(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* Run the pipeline on one document and keep what the clustering reads. */
static int features(struct doc *x, const char *lang)
{
	struct text_doc doc = TEXT_DOC_INIT;
	struct text_input in = {.text = x->text, .title = x->title, .lang = lang};
	char pub[16];
	const char *why;
	size_t k, n = 0;

	if (x->pub_day != CLUSTER_NO_DAY) {
		unsigned m, d;
		int y;

		time_civil_from_days(x->pub_day, &y, &m, &d);
		snprintf(pub, sizeof(pub), "%04d-%02d-%02d", y, m, d);
		in.published_at = pub;
	}
	if (text_process(&in, &doc, &why))
		return -1;
	x->terms = malloc((doc.n_terms ? doc.n_terms : 1) * sizeof(*x->terms));
	x->ents = malloc((doc.n_entities ? doc.n_entities : 1) * sizeof(*x->ents));
	if (!x->terms || !x->ents) {
		text_doc_release(&doc);
		return -1;
	}
	memcpy(x->terms, doc.terms, doc.n_terms * sizeof(*x->terms));
	for (k = 0; k < doc.n_entities; k++) {
		x->ents[n].id = (int64_t)(fnv64(doc.entities[k].key) >> 2) + 1;
		x->ents[n++].weight = (float)doc.entities[k].count;
	}
	x->in = (struct cluster_input){x->terms, doc.n_terms, x->ents, n, CLUSTER_NO_DAY};
	if (doc.event_date_precision == TEXT_PRECISION_DAY)
		x->in.day = (int32_t)time_days_from_civil(doc.event_date.year,
		                                          (unsigned)doc.event_date.month,
		                                          (unsigned)doc.event_date.day);
	x->ok = true;
	text_doc_release(&doc);
	return 0;
}

/* Run the pipeline and the clustering over the corpus in stream order. */
static int cluster_corpus(struct corpus *c, const char *lang)
{
	struct cluster_params prm;
	struct cluster *cl;
	const char *env;
	bool warm = true;
	int64_t next_event = 1;
	int story_of[MAX_DOCS * 2 + 2] = {0};   /* event id -> story id */
	int story_size[MAX_DOCS * 2 + 2] = {0}; /* story id -> events */
	int size[MAX_DOCS * 2 + 2] = {0};       /* event id -> articles */
	int i;

	/* Overrides for tuning runs on these dev sets; the defaults are what
	 * newsd ships (cluster_params_default). */
	cluster_params_default(&prm);
	if ((env = getenv("EVAL_THRESHOLD")))
		prm.threshold = atof(env);
	if ((env = getenv("EVAL_W_ENTITIES")))
		prm.w_entities = atof(env);
	if ((env = getenv("EVAL_STORY")))
		prm.story_threshold = atof(env);
	if ((env = getenv("EVAL_UNDATED")))
		prm.undated = atof(env);
	if ((env = getenv("EVAL_COLD")))
		warm = false;
	cl = cluster_new(&prm);
	if (!cl)
		return -ENOMEM;
	qsort(c->v, (size_t)c->n, sizeof(c->v[0]), by_order);
	for (i = 0; i < c->n; i++)
		if (features(&c->v[i], lang) == 0 && warm)
			cluster_observe(cl, &c->v[i].in);
	for (i = 0; i < c->n; i++) {
		struct doc *x = &c->v[i];
		struct cluster_choice ch;
		int64_t ev;

		if (!x->ok) {
			x->event = -1 - i; /* a singleton nobody shares */
			continue;
		}
		if (!warm)
			cluster_observe(cl, &x->in);
		cluster_choose(cl, &x->in, &ch);
		if (getenv("EVAL_DEBUG"))
			fprintf(stderr,
			        "%s gold=%d -> ev=%lld score=%.3f cos=%.3f sup=%.3f date=%.2f "
			        "cands=%zu ents=%zu day=%d\n",
			        x->name, x->gold_event, (long long)ch.event, ch.score, ch.cos,
			        ch.support, ch.date_factor, ch.candidates, x->in.n_entities,
			        x->in.day);
		ev = ch.event ? ch.event : next_event++;
		cluster_add(cl, ev, &x->in, 1);
		if (!ch.event) {
			int64_t prev = cluster_story_candidate(cl, ev);

			story_of[ev] = prev ? story_of[prev] : (int)ev;
			story_size[story_of[ev]]++;
			size[ev] = 1;
		} else if (cluster_story_milestone(++size[ev]) && story_size[story_of[ev]] == 1) {
			/* As the leader does: a grown event alone in its story
			 * looks again (server/ingest/clusterer.c). */
			int64_t prev = cluster_story_candidate(cl, ev);

			if (prev) {
				story_size[story_of[ev]]--;
				story_of[ev] = story_of[prev];
				story_size[story_of[ev]]++;
			}
		}
		x->event = (int)ev;
	}
	for (i = 0; i < c->n; i++)
		c->v[i].story = c->v[i].event > 0 ? story_of[c->v[i].event] : c->v[i].event;
	cluster_free(cl);
	return 0;
}

/* BCubed precision/recall of predicted labels against gold ones. */
static void bcubed(const struct corpus *c, bool story, double *p, double *r)
{
	double sp = 0, sr = 0;
	int i, j;

	for (i = 0; i < c->n; i++) {
		int pred = story ? c->v[i].story : c->v[i].event;
		int gold = story ? c->v[i].gold_story : c->v[i].gold_event;
		int both = 0, in_pred = 0, in_gold = 0;

		for (j = 0; j < c->n; j++) {
			int pj = story ? c->v[j].story : c->v[j].event;
			int gj = story ? c->v[j].gold_story : c->v[j].gold_event;

			in_pred += pj == pred;
			in_gold += gj == gold;
			both += pj == pred && gj == gold;
		}
		sp += (double)both / in_pred;
		sr += (double)both / in_gold;
	}
	*p = sp / c->n;
	*r = sr / c->n;
}

static void report(const char *dataset, struct corpus *c)
{
	double p, r, f;
	char name[128];

	bcubed(c, false, &p, &r);
	f = p + r > 0 ? 2 * p * r / (p + r) : 0;
	eval_row(STAGE, dataset, "BCubed precision (event)", p, "");
	eval_row(STAGE, dataset, "BCubed recall (event)", r, "");
	eval_row(STAGE, dataset, "BCubed F1 (event)", f, "Miranda et al. 2018: ~0.94");
	bcubed(c, true, &p, &r);
	f = p + r > 0 ? 2 * p * r / (p + r) : 0;
	snprintf(name, sizeof(name), "%s", dataset);
	eval_row(STAGE, name, "BCubed F1 (story)", f, "");
}

static void free_corpus(struct corpus *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].title);
		free(c->v[i].text);
		free(c->v[i].terms);
		free(c->v[i].ents);
	}
	c->n = 0;
}

int main(void)
{
	static struct corpus c;
	char buf[1024];
	const char *dir;
	int dated;

	if (text_init(NULL)) {
		eval_skip(STAGE, "-", "text_init failed");
		return 0;
	}
	dir = eval_path("events/rpm2-fr/documents", buf, sizeof(buf));
	for (dated = 0; dated < 2; dated++) {
		const char *label = dated ? "RPM2 fr, publication days" : "RPM2 fr, no dates";

		if (!dir || load_rpm2(dir, &c, dated)) {
			eval_skip(STAGE, label, "corpus absent");
			continue;
		}
		cluster_corpus(&c, "fr");
		report(label, &c);
		free_corpus(&c);
	}
	dir = eval_path("events/ecbplus", buf, sizeof(buf));
	if (!dir || load_ecb(dir, &c)) {
		eval_skip(STAGE, "ECB+ en", "corpus absent");
	} else {
		cluster_corpus(&c, "en");
		report("ECB+ en", &c);
		free_corpus(&c);
	}
	text_shutdown();
	return 0;
}
