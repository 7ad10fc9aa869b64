/* Named entities: entity-level precision, recall and F1, strict (exact byte
 * span and type), per type (PER, LOC, ORG) and overall, of
 * text_entities_extract() on the public NER sets.
 *
 * Each corpus is turned into plain-text documents with gold spans
 * (tools/ner_corpus.h), and every mention of every entity the module returns
 * is a prediction with its entity's kind (so coreference and the rules are
 * measured too). Gold entities of other types (MISC, prod, time) are not
 * scored; a prediction on one counts as a false positive, as in conlleval.
 * Predictions of kind OTHER are not scored.
 *
 * The tagger was trained on Europeana French and the project's own
 * sentences only: none of the sets below trained it.
 */
#include <time.h>

#include "../../server/text/internal.h"
#include "../../server/text/ner.h"
#include "../../tools/ner_corpus.h"
#include "eval.h"

struct pred {
	int start, end, type;
};

static int cmp_pred(const void *x, const void *y)
{
	const struct pred *a = x, *b = y;

	if (a->start != b->start)
		return a->start - b->start;
	if (a->end != b->end)
		return a->end - b->end;
	return a->type - b->type;
}

struct score {
	long tp[NER_TYPES], pred[NER_TYPES], gold[NER_TYPES];
	long fuzzy_gold, fuzzy_pred; /* matched by an overlapping span of the same type */
	double seconds;
	size_t bytes;
};

static int type_of_kind(enum text_entity_kind k)
{
	return k == TEXT_ENTITY_PERSON         ? NER_PER
	       : k == TEXT_ENTITY_LOCATION     ? NER_LOC
	       : k == TEXT_ENTITY_ORGANIZATION ? NER_ORG
	                                       : NER_NONE;
}

static void score_doc(const struct gold_doc *g, struct score *s)
{
	struct text_entity *v = NULL;
	struct pred *p = NULL;
	size_t n = 0, np = 0, i, j, k;
	struct timespec t0, t1;

	if (!g->text || !text_utf8_valid(g->text, g->len))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (text_entities_extract(g->text, g->lang, &v, &n)) {
		fprintf(stderr, "eval_ner: extraction failed\n");
		exit(1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s->seconds += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	s->bytes += g->len;
	for (i = 0; i < n; i++)
		np += v[i].n_mentions;
	p = calloc(np + 1, sizeof(*p));
	if (!p)
		exit(1);
	for (i = 0, k = 0; i < n; i++)
		for (j = 0; j < v[i].n_mentions; j++)
			p[k++] = (struct pred){v[i].mentions[j].start, v[i].mentions[j].end,
			                       type_of_kind(v[i].kind)};
	qsort(p, np, sizeof(*p), cmp_pred);
	for (i = 0; i < np; i++)
		if (p[i].type)
			s->pred[p[i].type]++;
	for (i = 0; i < g->n; i++) {
		const struct gold_span *sp = &g->spans[i];
		struct pred key = {sp->start, sp->end, sp->type};

		if (sp->type <= 0)
			continue;
		s->gold[sp->type]++;
		if (bsearch(&key, p, np, sizeof(*p), cmp_pred))
			s->tp[sp->type]++;
		for (j = 0; j < np; j++) {
			if (p[j].type == sp->type && p[j].start < sp->end && sp->start < p[j].end) {
				s->fuzzy_gold++;
				break;
			}
		}
	}
	for (j = 0; j < np; j++) {
		for (i = 0; p[j].type && i < g->n; i++) {
			const struct gold_span *sp = &g->spans[i];

			if (p[j].type == sp->type && p[j].start < sp->end && sp->start < p[j].end) {
				s->fuzzy_pred++;
				break;
			}
		}
	}
	free(p);
	text_entities_free(v, n);
}

static double f1(long tp, long pred, long gold, double *pr, double *rc)
{
	*pr = pred ? (double)tp / (double)pred : 0;
	*rc = gold ? (double)tp / (double)gold : 0;
	return *pr + *rc > 0 ? 2 * *pr * *rc / (*pr + *rc) : 0;
}

static void report(const char *dataset, const struct score *s, const char *reference)
{
	static const char *const names[NER_TYPES] = {"", "PER", "LOC", "ORG"};
	long tp = 0, pred = 0, gold = 0;
	double pr, rc, f;
	char metric[128];
	int t;

	for (t = NER_PER; t < NER_TYPES; t++) {
		tp += s->tp[t];
		pred += s->pred[t];
		gold += s->gold[t];
	}
	f = f1(tp, pred, gold, &pr, &rc);
	snprintf(metric, sizeof(metric), "entity F1 strict, PER+LOC+ORG (P %.3f, R %.3f; %ld gold)",
	         pr, rc, gold);
	eval_row("entities", dataset, metric, f, reference);
	f = f1(1, 1, 1, &pr, &rc);
	pr = pred ? (double)s->fuzzy_pred / (double)pred : 0;
	rc = gold ? (double)s->fuzzy_gold / (double)gold : 0;
	f = pr + rc > 0 ? 2 * pr * rc / (pr + rc) : 0;
	snprintf(metric, sizeof(metric), "entity F1 fuzzy (overlap), PER+LOC+ORG (P %.3f, R %.3f)",
	         pr, rc);
	eval_row("entities", dataset, metric, f, "");
	for (t = NER_PER; t < NER_TYPES; t++) {
		f = f1(s->tp[t], s->pred[t], s->gold[t], &pr, &rc);
		snprintf(metric, sizeof(metric), "%s F1 strict (P %.3f, R %.3f; %ld gold)",
		         names[t], pr, rc, s->gold[t]);
		eval_row("entities", dataset, metric, f, "");
	}
	if (s->seconds > 0)
		fprintf(stderr, "eval_ner: %s: %.1f MB/s\n", dataset,
		        (double)s->bytes / s->seconds / 1e6);
}

enum fmt { HIPE, CONLL, WIKINEURAL };

static void run(const char *rel, enum fmt fmt, const char *lang, const char *dataset,
                const char *reference)
{
	char buf[4096];
	const char *path = eval_path(rel, buf, sizeof(buf));
	struct gold_set set = {0};
	struct score s = {0};
	size_t i;
	int err;

	if (!path) {
		eval_skip("entities", dataset, "absent");
		return;
	}
	err = fmt == HIPE    ? gold_read_hipe(path, &set, lang)
	      : fmt == CONLL ? gold_read_conll(path, &set, lang)
	                     : gold_read_wikineural(path, &set, lang);
	if (err) {
		eval_skip("entities", dataset, "unreadable");
		return;
	}
	for (i = 0; i < set.n; i++)
		score_doc(&set.v[i], &s);
	report(dataset, &s, reference);
	gold_release(&set);
}

int main(void)
{
	run("ner/hipe-2020/HIPE-data-v1.4-dev-fr.tsv", HIPE, "fr", "HIPE-2020 fr dev",
	    "best system 0.840 (strict)");
	run("ner/hipe-2020/HIPE-data-v1.4-dev-en.tsv", HIPE, "en", "HIPE-2020 en dev", "");
	run("ner/hipe-2020/HIPE-data-v1.4-dev-de.tsv", HIPE, "de", "HIPE-2020 de dev", "");
	run("ner/conll2003-en/dev.txt", CONLL, "en", "CoNLL-2003 en dev (eng.testa)",
	    "Flair 0.93 (test)");
	run("ner/wikineural-fr/wikineural-fr.conllu", WIKINEURAL, "fr", "WikiNEuRal fr (silver)",
	    "");
	run("ner/hipe-2022/HIPE-2022-v2.1-newseye-dev-fr.tsv", HIPE, "fr",
	    "HIPE-2022 newseye fr dev", "");
	run("ner/hipe-2022/HIPE-2022-v2.1-letemps-dev-fr.tsv", HIPE, "fr",
	    "HIPE-2022 letemps fr dev", "");
	return 0;
}
