/* langid: language identification over libexttextcat's n-gram profiles.
 *
 * Data: the ~160 rank-ordered profiles of libexttextcat-data, read once by
 * text_init() into one read-only table (langid_model.c). The scoring is
 * ours: libexttextcat's classifier names only the runners-up within 3% of
 * the best, so it cannot say how sure it is (its "confidence" was 1.0 for
 * nearly every text), and it cost ~450 us per article.
 *
 * Sample: the first FIRST_BYTES bytes, and up to SAMPLE_BYTES when the
 * answer is not SETTLED by then; cut into the n-grams of one to three code
 * points that the profiles list, letters lower-cased, any run of
 * non-letters (space, digit, punctuation) one boundary '_' that may begin or
 * end an n-gram only. Each n-gram is looked up once and counted.
 *
 * Score of profile L: a naive Bayes log-likelihood ratio against "missing",
 *
 *   S(L) = sum over the sample's n-grams g that L lists, of
 *          count(g) * (ZIPF_S * log((SPAN[n] + ZIPF_B) / (rank_L(g) + ZIPF_B)) + FLOOR[n])
 *
 * n being g's length and rank_L(g) its rank among L's n-grams of that
 * length. The profiles give ranks only (123 of 163 have no counts); the
 * probability of rank r is taken as (r + 2)^-0.95, the mean curve of the
 * 41 profiles that do list counts, and beyond SPAN[n] (about the length of
 * the shortest lists) as flat. FLOOR[n] is how much likelier the last
 * listed n-gram is than one the profile lacks: a missing letter says more
 * than a missing trigram. N-grams no profile lists add the same to all and
 * are skipped. Profiles without an ISO 639-1 code (regional languages:
 * sco, nds, rue, ast, fur, grc, ...) start MINOR_PENALTY behind their big
 * neighbours (en, de, uk, es, it, el) and win on clear evidence only.
 *
 * Scripts. Letters are counted by Unicode script. A profile competes only
 * if the sample's dominant script makes CAND_SHARE of its letters, and only
 * if the sample has NEED_PRESENT of every script that makes NEED_SHARE of
 * its letters (kana for ja): Greek text is el, Han without kana zh, Hangul
 * ko, before any n-gram is weighed; a script no profile writes (Telugu,
 * Oriya, ...) gets no answer.
 *
 * Confidence, in 0..1, the product of
 *   posterior  softmax of S(L) / TEMPERATURE over the competing profiles,
 *              summed over the profiles of the winning code (zh-Hans and
 *              zh-Hant are both zh). Overlapping n-grams are far from
 *              independent, so raw naive Bayes is wildly overconfident:
 *              TEMPERATURE 7 minimises the log-loss on our development
 *              data (UI translations of 100 languages from the system's
 *              gettext catalogues, not the evaluation corpus); there, mean
 *              posterior and accuracy agree within a few points on texts of
 *              15 to 50 characters; on longer ones the errors left are
 *              mostly the confusable pairs below, which it cannot see;
 *   purity     share of the sample's (weighted) letters in the scripts the
 *              winner writes with (a Russian text half in Latin letters is
 *              mixed; a Chinese one naming an iPhone hardly);
 *   sample     1 - exp(-letters / SAMPLE_SCALE), CJK characters counting
 *              CJK_WEIGHT letters: a few words are weak evidence whatever
 *              the n-grams say (names, codes, headlines). It makes texts
 *              under ~60 letters deliberately underconfident (one sentence
 *              of 27 letters: below 0.5) and is above 0.99 from 200 on.
 * No answer (-ENOENT) under MIN_LETTERS letters, when no profile competes,
 * or under MIN_CONFIDENCE: at 0.3, answers to 50-character texts of the 30
 * main languages of the development data are right 90% of the time (and to
 * 30-character ones 96%), against 84% and 89% at 0.2.
 *
 * Limits. Some profiles were made from small texts and lose to a close
 * neighbour's even on long texts (share of 1000-character development texts
 * lost): hr -> sl (all), ms -> id (all), gl -> es/pt (4/5), bs -> sl/sr
 * (2/3), oc -> ca (1/3), nb -> da (1/4); sk -> cs on short texts.
 * libexttextcat itself makes the same mistakes, more often. A language without a profile gets its
 * nearest neighbour's code (Crimean Tatar: tr) unless its script is unknown. Page code or markup
 * read as text looks like some Latin-script language.
 *
 * Speed: ~28 us per 4 KB article (news text, a different one each call, one
 * core of the 2-core EPYC development machine), against ~490 us with
 * libexttextcat; the tables are ~1 MB, read-only.
 *
 * Threads: after text_init() nothing here writes shared memory; each call
 * allocates its own counts (~55 KB).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "text.h"

#define DEFAULT_CONF "/usr/share/libexttextcat/fpdb.conf"

#define FIRST_BYTES 1024  /* sampled first; enough when the confidence reaches SETTLED */
#define SAMPLE_BYTES 2048 /* sampled at most */
#define SETTLED 0.99
/* n-grams counted per sample at most: LANGID_ORDER_MAX per code point (each
 * starts before SAMPLE_BYTES) and per boundary added at either end */
#define USED_MAX (LANGID_ORDER_MAX * (SAMPLE_BYTES + 2))

#define ZIPF_S 0.95 /* p(rank) ~ (rank + ZIPF_B)^-ZIPF_S */
#define ZIPF_B 2.0
static const double SPAN[LANGID_ORDER_MAX + 1] = {0, 40, 124, 103};
static const double FLOOR[LANGID_ORDER_MAX + 1] = {0, 3.0, 2.0, 1.0};
#define MINOR_PENALTY 20.0
#define TEMPERATURE 7.0

#define CAND_SHARE 0.25
#define NEED_SHARE 0.3
#define NEED_PRESENT 0.02
#define USES_SHARE 0.05 /* a profile writes with the scripts of this share or more */

#define SAMPLE_SCALE 40.0
#define CJK_WEIGHT 3
#define MIN_LETTERS 12
#define MIN_CONFIDENCE 0.3

#define DENSE_MIN 32 /* n-grams listed by this many profiles get a row of weights */

static struct langid_model *model;
static float *post_weight; /* weight of each posting of the model */
static float *dense;       /* rows of stride weights, 0 where no posting */
static size_t stride;      /* n_langs rounded up to a multiple of 8 (vectorised adds) */
static int32_t *dense_row; /* by gram: its row in dense, or -1 */

/* What the scorer needs of each profile beyond its n-grams. */
struct lang_info {
	uint64_t dominates; /* scripts of CAND_SHARE of its letters or more */
	uint64_t needs;     /* of NEED_SHARE or more */
	uint64_t uses;      /* of USES_SHARE or more */
	float penalty;      /* MINOR_PENALTY for a code without ISO 639-1 */
};

static struct lang_info *info; /* by profile */

/* The document: how often each profile n-gram occurs in the sample, the
 * letters by script, and the last code points seen. */
_Static_assert(LANGID_ORDER_MAX <= 4, "struct doc keeps the last 4 code points");
struct doc {
	uint16_t *count; /* by scored gram (m->n_scored): occurrences */
	uint32_t *used;  /* grams with a count, in order of first occurrence */
	size_t n_used;
	unsigned letters[LANGID_SCRIPTS];
	unsigned n_letters;
	int32_t ring[4]; /* the last code points: ring[pos & 3] the latest */
	unsigned pos;    /* code points pushed */
};

struct result {
	long best;         /* profile, or -1 */
	double posterior;  /* of the best code */
	double purity;     /* letters in the winner's scripts */
	double sample;     /* 1 - exp(-weighted letters / SAMPLE_SCALE) */
	double confidence; /* posterior * purity * sample */
	unsigned letters;  /* weighted */
	int candidates;    /* profiles that competed */
};

/* Weight of an n-gram at this rank in a profile: see the top of the file. */
static float weight_of(int order, int rank)
{
	double zipf = ZIPF_S * log((SPAN[order] + ZIPF_B) / (rank + ZIPF_B));

	return (float)((zipf > 0 ? zipf : 0) + FLOOR[order]);
}

int text_langid_init(const char *conf)
{
	size_t i, k, rows = 0;
	int err;

	if (model)
		return 0; /* already loaded: text_shutdown() first to change conf */
	err = langid_model_load(conf ? conf : DEFAULT_CONF, &model);
	if (err)
		return err;
	post_weight = malloc((model->n_post ? model->n_post : 1) * sizeof(*post_weight));
	dense_row = malloc((model->n_grams ? model->n_grams : 1) * sizeof(*dense_row));
	info = calloc(model->n_langs, sizeof(*info));
	if (!post_weight || !dense_row || !info)
		goto nomem;
	for (i = 0; i < model->n_langs; i++) {
		const struct langid_lang *l = &model->langs[i];
		int s;

		for (s = 1; s < LANGID_SCRIPTS; s++) {
			info[i].dominates |= (uint64_t)(l->script[s] >= CAND_SHARE) << s;
			info[i].needs |= (uint64_t)(l->script[s] >= NEED_SHARE) << s;
			info[i].uses |= (uint64_t)(l->script[s] >= USES_SHARE) << s;
		}
		info[i].penalty = strlen(l->code) > 2 ? MINOR_PENALTY : 0;
	}
	for (i = 0; i < model->n_grams; i++) {
		const struct langid_gram *g = &model->grams[i];

		dense_row[i] = g->n >= DENSE_MIN ? (int32_t)rows++ : -1;
		for (k = g->first; k < g->first + g->n; k++)
			post_weight[k] = weight_of(g->order, model->post[k].rank);
	}
	stride = (model->n_langs + 7) / 8 * 8;
	dense = calloc(rows ? rows * stride : 1, sizeof(*dense));
	if (!dense)
		goto nomem;
	for (i = 0; i < model->n_grams; i++) {
		const struct langid_gram *g = &model->grams[i];

		for (k = g->first; dense_row[i] >= 0 && k < g->first + g->n; k++)
			dense[(size_t)dense_row[i] * stride + model->post[k].lang] = post_weight[k];
	}
	return 0;
nomem:
	text_langid_shutdown();
	return -ENOMEM;
}

void text_langid_shutdown(void)
{
	langid_model_free(model);
	model = NULL;
	free(post_weight);
	post_weight = NULL;
	free(dense);
	dense = NULL;
	free(dense_row);
	dense_row = NULL;
	free(info);
	info = NULL;
}

/* Add one folded code point: count the n-grams that end with it. */
static inline void push(const struct langid_model *m, struct doc *d, int32_t cp)
{
	uint64_t h = LANGID_KEY_SEED;
	unsigned n, have;

	if (cp == LANGID_BOUNDARY && d->pos && d->ring[d->pos & 3] == LANGID_BOUNDARY)
		return; /* runs of boundaries are one */
	d->ring[++d->pos & 3] = cp;
	have = d->pos < LANGID_ORDER_MAX ? d->pos : LANGID_ORDER_MAX;
	for (n = 1; n <= have; n++) {
		int32_t first = d->ring[(d->pos - n + 1) & 3];
		long g;

		h = langid_key_step(h, first);
		g = langid_model_find(m, langid_key_final(h));
		if (g < 0)
			break; /* the table is closed under suffixes: no longer one either */
		if ((size_t)g < m->n_scored && !d->count[g]++)
			d->used[d->n_used++] = (uint32_t)g;
		if (n >= 2 && first == LANGID_BOUNDARY)
			break; /* a boundary may only begin an n-gram */
	}
}

/* Count s[from, to) into d (from 0: a new text) and return where it
 * stopped: past to when a character straddles it, before to when a
 * character is cut by len, the text's end, which also closes the last word.
 * Never reads past len. */
static size_t scan(const struct langid_model *m, const char *s, size_t from, size_t to, size_t len,
                   struct doc *d)
{
	size_t i = from;

	if (!from)
		push(m, d, LANGID_BOUNDARY);
	while (i < to) {
		unsigned char c = (unsigned char)s[i];
		size_t need = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		enum langid_script script;
		int32_t cp;

		if (i + need > len)
			break;
		i += (size_t)utf8_next(s + i, &cp);
		cp = langid_fold(cp, &script);
		if (cp < 0)
			continue;
		if (script) {
			d->letters[script]++;
			d->n_letters++;
		}
		push(m, d, cp);
	}
	if (i >= len)
		push(m, d, LANGID_BOUNDARY);
	return i;
}

/* How many letters a letter of script s counts for: a CJK character says
 * about as much as a short word. */
static unsigned script_weight(int s)
{
	return s == LANGID_SCRIPT_HAN || s == LANGID_SCRIPT_KANA || s == LANGID_SCRIPT_HANGUL
	               ? CJK_WEIGHT
	               : 1;
}

/* Letters by script: the dominant script (by weighted letters), the set of
 * scripts present (NEED_PRESENT of the letters or more) and the weighted
 * letter count. */
static unsigned doc_scripts(const struct doc *d, int *dominant, uint64_t *present)
{
	unsigned weighted = 0;
	int s;

	*dominant = LANGID_SCRIPT_NONE;
	*present = 0;
	for (s = 1; s < LANGID_SCRIPTS; s++) {
		weighted += d->letters[s] * script_weight(s);
		if (d->letters[s] * script_weight(s) >
		    d->letters[*dominant] * script_weight(*dominant))
			*dominant = s;
		if (d->letters[s] && d->letters[s] >= NEED_PRESENT * d->n_letters)
			*present |= 1ull << s;
	}
	return weighted;
}

/* S(L) for every profile, into score (stride entries). */
static void accumulate(const struct langid_model *m, const struct doc *d, float *score)
{
	size_t i, k, j;

	memset(score, 0, stride * sizeof(*score));
	for (i = 0; i < d->n_used; i++) {
		uint32_t gi = d->used[i];
		const struct langid_gram *g = &m->grams[gi];
		float n = d->count[gi];

		if (dense_row[gi] >= 0) {
			const float *row = &dense[(size_t)dense_row[gi] * stride];

			for (k = 0; k < stride; k += 8) /* blocks of 8: vectorised at -O2 */
				for (j = 0; j < 8; j++)
					score[k + j] += n * row[k + j];
		} else {
			for (k = g->first; k < g->first + g->n; k++)
				score[m->post[k].lang] += n * post_weight[k];
		}
	}
	for (i = 0; i < m->n_langs; i++)
		score[i] -= info[i].penalty;
}

static void detect(const struct langid_model *m, const struct doc *d, struct result *r)
{
	float score[LANGID_MAX_LANGS];
	double mass[LANGID_MAX_LANGS], total = 0;
	uint64_t present;
	size_t i, code;
	int s, dominant;

	*r = (struct result){.best = -1};
	r->letters = doc_scripts(d, &dominant, &present);
	if (r->letters < MIN_LETTERS)
		return;
	accumulate(m, d, score);

	/* the profiles that compete, and the best of them */
	for (i = 0; i < m->n_langs; i++) {
		bool in = (info[i].dominates >> dominant & 1) && !(info[i].needs & ~present);

		if (!in) {
			score[i] = -INFINITY;
			continue;
		}
		r->candidates++;
		if (r->best < 0 || score[i] > score[r->best])
			r->best = (long)i;
	}
	if (r->best < 0)
		return; /* a script no profile writes */

	/* softmax, summed by code; the best code (almost always the best
	 * profile's) and its best profile */
	memset(mass, 0, m->n_langs * sizeof(*mass));
	for (i = 0; i < m->n_langs; i++) {
		double z = (score[i] - score[r->best]) / TEMPERATURE;

		if (z > -50) { /* exp(-50) adds nothing */
			mass[m->langs[i].code_id] += exp(z);
			total += exp(z);
		}
	}
	code = m->langs[r->best].code_id;
	for (i = 0; i < m->n_langs; i++)
		if (mass[i] > mass[code])
			code = i;
	r->best = -1;
	for (i = 0; i < m->n_langs; i++)
		if (m->langs[i].code_id == code && (r->best < 0 || score[i] > score[r->best]))
			r->best = (long)i;
	r->posterior = mass[code] / total;
	for (s = 1; s < LANGID_SCRIPTS; s++)
		if (info[r->best].uses >> s & 1)
			r->purity += (double)(d->letters[s] * script_weight(s)) / r->letters;
	r->sample = 1 - exp(-(double)r->letters / SAMPLE_SCALE);
	r->confidence = r->posterior * r->purity * r->sample;
}

/* Sample, score, decide. 0 with *lang (static, until text_shutdown()) and
 * *confidence; -ENOENT when unsure (see the top of the file) or not
 * initialised; -ENOMEM. */
int text_detect_lang(const char *s, size_t len, const char **lang, double *confidence)
{
	const struct langid_model *m = model;
	struct doc d = {0};
	struct result r;
	size_t at, stop;

	*lang = NULL;
	*confidence = 0;
	if (!m)
		return -ENOENT; /* text_init() not called or failed */
	d.count = calloc(m->n_scored + 1, sizeof(*d.count));
	d.used = malloc(USED_MAX * sizeof(*d.used));
	if (!d.count || !d.used) {
		free(d.count);
		free(d.used);
		return -ENOMEM;
	}
	stop = len < SAMPLE_BYTES ? len : SAMPLE_BYTES;
	at = scan(m, s, 0, stop < FIRST_BYTES ? stop : FIRST_BYTES, len, &d);
	detect(m, &d, &r);
	if (at < stop && r.confidence < SETTLED) {
		scan(m, s, at, stop, len, &d);
		detect(m, &d, &r);
	}
	free(d.count);
	free(d.used);
	if (r.best < 0 || r.confidence < MIN_CONFIDENCE)
		return -ENOENT;
	*lang = m->langs[r.best].code;
	*confidence = r.confidence;
	return 0;
}
