/* langid_model: the n-gram profiles of libexttextcat-data as one table.
 *
 * A profile (/usr/share/libexttextcat/xx.lm, maintained by LibreOffice) is a
 * language's 400 most frequent character n-grams, one to five code points
 * long, most frequent first; '_' marks a word boundary and may only begin or
 * end an n-gram. fpdb.conf lists the profiles, one "file id" per line, file
 * names relative to the conf's directory.
 *
 * We read every profile once and build one open-addressing table from
 * n-gram key (langid_key_final over the folded code points, last first) to a
 * list of (language, rank) postings, so that the scorer (langid.c) looks
 * each n-gram of a document up once and updates every language that has
 * it. Only n-grams of 1 to LANGID_ORDER_MAX code points are kept, ranked
 * within their length and cut to the same number per length in every
 * profile (see keep[]). Letters are lower-cased and punctuation made a
 * boundary on both sides, as langid_fold() spells them: "The" merges into
 * "the" and "s," into "s_", the better rank winning.
 *
 * Codes: the first subtag of the profile's file name ("zh-Hans.lm" -> "zh",
 * "sr-Latn.lm" -> "sr"), which for libexttextcat-data is ISO 639-1 where one
 * exists and 639-3 otherwise; the conf's id ("zh-CN-utf8" -> "zh") when the
 * file name does not start with 2-3 lower-case letters. Profiles sharing a
 * code (zh-Hans and zh-Hant, sr-Cyrl and sr-Latn, ...) are scored apart and
 * summed when the language is decided.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "text.h"

#define NO_LANG UINT16_MAX /* entry of a suffix only: no posting */

/* Profile n-gram as it is read, before grouping by key. */
struct entry {
	uint64_t key;
	uint16_t lang;
	uint16_t rank;
	uint8_t order;
};

struct builder {
	struct entry *v;
	size_t n, alloc;
	struct langid_lang *langs;
	size_t n_langs, alloc_langs;
};

/* Script ranges above the Latin-1 / Latin Extended fast path, sorted. */
static const struct {
	int32_t lo, hi;
	unsigned char script;
} script_ranges[] = {
        {0x0250, 0x02af, LANGID_SCRIPT_LATIN},     {0x0370, 0x03ff, LANGID_SCRIPT_GREEK},
        {0x0400, 0x052f, LANGID_SCRIPT_CYRILLIC},  {0x0530, 0x058f, LANGID_SCRIPT_ARMENIAN},
        {0x0590, 0x05ff, LANGID_SCRIPT_HEBREW},    {0x0600, 0x06ff, LANGID_SCRIPT_ARABIC},
        {0x0700, 0x074f, LANGID_SCRIPT_SYRIAC},    {0x0750, 0x077f, LANGID_SCRIPT_ARABIC},
        {0x0780, 0x07bf, LANGID_SCRIPT_THAANA},    {0x0860, 0x086f, LANGID_SCRIPT_SYRIAC},
        {0x0870, 0x08ff, LANGID_SCRIPT_ARABIC},    {0x0900, 0x097f, LANGID_SCRIPT_DEVANAGARI},
        {0x0980, 0x09ff, LANGID_SCRIPT_BENGALI},   {0x0a00, 0x0a7f, LANGID_SCRIPT_GURMUKHI},
        {0x0a80, 0x0aff, LANGID_SCRIPT_GUJARATI},  {0x0b00, 0x0b7f, LANGID_SCRIPT_ORIYA},
        {0x0b80, 0x0bff, LANGID_SCRIPT_TAMIL},     {0x0c00, 0x0c7f, LANGID_SCRIPT_TELUGU},
        {0x0c80, 0x0cff, LANGID_SCRIPT_KANNADA},   {0x0d00, 0x0d7f, LANGID_SCRIPT_MALAYALAM},
        {0x0d80, 0x0dff, LANGID_SCRIPT_SINHALA},   {0x0e00, 0x0e7f, LANGID_SCRIPT_THAI},
        {0x0e80, 0x0eff, LANGID_SCRIPT_LAO},       {0x0f00, 0x0fff, LANGID_SCRIPT_TIBETAN},
        {0x1000, 0x109f, LANGID_SCRIPT_MYANMAR},   {0x10a0, 0x10ff, LANGID_SCRIPT_GEORGIAN},
        {0x1100, 0x11ff, LANGID_SCRIPT_HANGUL},    {0x1200, 0x139f, LANGID_SCRIPT_ETHIOPIC},
        {0x13a0, 0x13ff, LANGID_SCRIPT_CHEROKEE},  {0x1400, 0x167f, LANGID_SCRIPT_SYLLABICS},
        {0x1780, 0x17ff, LANGID_SCRIPT_KHMER},     {0x1800, 0x18af, LANGID_SCRIPT_MONGOLIAN},
        {0x18b0, 0x18ff, LANGID_SCRIPT_SYLLABICS}, {0x19e0, 0x19ff, LANGID_SCRIPT_KHMER},
        {0x1c80, 0x1c8f, LANGID_SCRIPT_CYRILLIC},  {0x1c90, 0x1cbf, LANGID_SCRIPT_GEORGIAN},
        {0x1d00, 0x1dbf, LANGID_SCRIPT_LATIN},     {0x1e00, 0x1eff, LANGID_SCRIPT_LATIN},
        {0x1f00, 0x1fff, LANGID_SCRIPT_GREEK},     {0x2c60, 0x2c7f, LANGID_SCRIPT_LATIN},
        {0x2d00, 0x2d2f, LANGID_SCRIPT_GEORGIAN},  {0x2d30, 0x2d7f, LANGID_SCRIPT_TIFINAGH},
        {0x2d80, 0x2ddf, LANGID_SCRIPT_ETHIOPIC},  {0x2de0, 0x2dff, LANGID_SCRIPT_CYRILLIC},
        {0x2e80, 0x2fdf, LANGID_SCRIPT_HAN},       {0x3005, 0x3007, LANGID_SCRIPT_HAN},
        {0x3021, 0x3029, LANGID_SCRIPT_HAN},       {0x3038, 0x303b, LANGID_SCRIPT_HAN},
        {0x3041, 0x30ff, LANGID_SCRIPT_KANA},      {0x3100, 0x312f, LANGID_SCRIPT_HAN},
        {0x3131, 0x318e, LANGID_SCRIPT_HANGUL},    {0x31a0, 0x31bf, LANGID_SCRIPT_HAN},
        {0x31f0, 0x31ff, LANGID_SCRIPT_KANA},      {0x3400, 0x4dbf, LANGID_SCRIPT_HAN},
        {0x4e00, 0x9fff, LANGID_SCRIPT_HAN},       {0xa640, 0xa69f, LANGID_SCRIPT_CYRILLIC},
        {0xa720, 0xa7ff, LANGID_SCRIPT_LATIN},     {0xa960, 0xa97f, LANGID_SCRIPT_HANGUL},
        {0xa980, 0xa9df, LANGID_SCRIPT_OTHER},     {0xa9e0, 0xa9ff, LANGID_SCRIPT_MYANMAR},
        {0xaa60, 0xaa7f, LANGID_SCRIPT_MYANMAR},   {0xab00, 0xab2f, LANGID_SCRIPT_ETHIOPIC},
        {0xab30, 0xab6f, LANGID_SCRIPT_LATIN},     {0xab70, 0xabbf, LANGID_SCRIPT_CHEROKEE},
        {0xac00, 0xd7ff, LANGID_SCRIPT_HANGUL},    {0xf900, 0xfaff, LANGID_SCRIPT_HAN},
        {0xfb00, 0xfb06, LANGID_SCRIPT_LATIN},     {0xfb13, 0xfb17, LANGID_SCRIPT_ARMENIAN},
        {0xfb1d, 0xfb4f, LANGID_SCRIPT_HEBREW},    {0xfb50, 0xfdff, LANGID_SCRIPT_ARABIC},
        {0xfe70, 0xfeff, LANGID_SCRIPT_ARABIC},    {0xff21, 0xff5a, LANGID_SCRIPT_LATIN},
        {0xff66, 0xff9f, LANGID_SCRIPT_KANA},      {0xffa0, 0xffdc, LANGID_SCRIPT_HANGUL},
        {0x1b000, 0x1b16f, LANGID_SCRIPT_KANA},    {0x20000, 0x323af, LANGID_SCRIPT_HAN},
};

enum langid_script langid_script_of(int32_t cp)
{
	size_t lo = 0, hi = sizeof(script_ranges) / sizeof(script_ranges[0]);

	if (cp < 0x250)
		return LANGID_SCRIPT_LATIN; /* ASCII, Latin-1, Latin Extended-A/B */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < script_ranges[mid].lo)
			hi = mid;
		else if (cp > script_ranges[mid].hi)
			lo = mid + 1;
		else
			return (enum langid_script)script_ranges[mid].script;
	}
	return LANGID_SCRIPT_OTHER;
}

static int push_entry(struct builder *b, const struct entry *e)
{
	if (b->n == b->alloc) {
		size_t alloc = b->alloc ? b->alloc * 2 : 1u << 16;
		struct entry *v = realloc(b->v, alloc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		b->v = v;
		b->alloc = alloc;
	}
	b->v[b->n++] = *e;
	return 0;
}

/* "zh-Hans.lm" -> "zh"; else the id's first subtag ("zh-CN-utf8" -> "zh"). */
static void profile_code(const char *file, const char *id, char *code, size_t size)
{
	const char *base = strrchr(file, '/');
	size_t k = 0;

	base = base ? base + 1 : file;
	while (base[k] >= 'a' && base[k] <= 'z' && k < 4)
		k++;
	if (k >= 2 && k <= 3 && (base[k] == '-' || base[k] == '.')) {
		snprintf(code, size, "%.*s", (int)k, base);
		return;
	}
	for (k = 0; id[k] && id[k] != '-' && k < size - 1; k++)
		code[k] = (char)(id[k] >= 'A' && id[k] <= 'Z' ? id[k] + 32 : id[k]);
	code[k] = '\0';
}

/* One profile line ("_th\t 1333" or "_th"): the n-gram's folded code points
 * into cps; returns how many, or 0 when the line holds no usable n-gram
 * (too long, invalid UTF-8, a boundary inside). */
static int parse_gram(char *line, int32_t *cps)
{
	size_t len, i = 0;
	int n = 0;

	while (*line == ' ' || *line == '\t')
		line++;
	len = strcspn(line, " \t\r\n");
	if (!len || !text_utf8_valid(line, len))
		return 0;
	while (i < len) {
		enum langid_script script;
		int32_t cp;

		i += (size_t)utf8_next(line + i, &cp);
		cp = langid_fold(cp, &script);
		if (cp < 0)
			continue;
		if (n == LANGID_GRAM_MAX)
			return 0;
		cps[n++] = cp;
	}
	if (!n)
		return 0;
	for (i = 1; (int)i + 1 < n; i++)
		if (cps[i] == LANGID_BOUNDARY)
			return 0;
	if (n == 2 && cps[0] == LANGID_BOUNDARY && cps[1] == LANGID_BOUNDARY)
		return 0;
	return n;
}

/* The table is closed under suffixes: with "_the" come "the", "he" and
 * "e", as grams without postings when no profile lists them. The scanner
 * then stops extending an n-gram to the left as soon as one is missing. */
static int push_suffixes(struct builder *b, const int32_t *cps, int n)
{
	struct entry e = {.key = LANGID_KEY_SEED, .lang = NO_LANG};
	int k, err = 0;

	for (k = n - 1; k >= 1 && !err; k--) {
		e.key = langid_key_step(e.key, cps[k]);
		e.order = (uint8_t)(n - k);
		err = push_entry(b, &(struct entry){.key = langid_key_final(e.key),
		                                    .lang = NO_LANG,
		                                    .order = e.order});
	}
	return err;
}

/* N-grams kept per profile by length: every letter, then the most frequent
 * bigrams and trigrams, as many as nearly every profile has (the 10th
 * percentile over libexttextcat-data). Profiles made from small texts list
 * more 4- and 5-grams and fewer bigrams than those made from large ones; cut
 * to the same shape, no profile wins by listing more of what documents are
 * made of. 4- and 5-grams are dropped: on our development data they change
 * no answer, and they cost a third of the lookups. */
static const int keep[LANGID_ORDER_MAX + 1] = {0, LANGID_RANKS, 124, 103};

/* Read one profile into b as language index lang: ranks count within each
 * n-gram length, after case folding has merged "The" into "the". */
static int read_profile(struct builder *b, const char *path, uint16_t lang)
{
	struct langid_lang *l = &b->langs[lang];
	FILE *f = fopen(path, "r");
	uint64_t seen[LANGID_RANKS]; /* keys kept so far */
	int n_seen = 0, lines = 0, err = 0, i;
	int ranks[LANGID_ORDER_MAX + 1] = {0};
	double total = 0;
	char line[256];

	if (!f)
		return -ENOENT;
	while (!err && lines < LANGID_RANKS && fgets(line, sizeof(line), f)) {
		int32_t cps[LANGID_GRAM_MAX];
		int n = parse_gram(line, cps), k;
		struct entry e = {.key = LANGID_KEY_SEED, .lang = lang, .order = (uint8_t)n};

		if (!n)
			continue;
		lines++;
		if (n > LANGID_ORDER_MAX || ranks[n] >= keep[n])
			continue;
		for (k = n - 1; k >= 0; k--)
			e.key = langid_key_step(e.key, cps[k]);
		e.key = langid_key_final(e.key);
		for (i = 0; i < n_seen && seen[i] != e.key; i++)
			;
		if (i < n_seen)
			continue; /* "The" after "the", "s," after "s_" */
		seen[n_seen++] = e.key;
		e.rank = (uint16_t)ranks[n]++;
		if (n == 1 && text_is_letter(cps[0])) {
			/* the weight the scorer gives this rank (see langid.c) */
			double w = pow(e.rank + 2.0, -0.95);

			l->script[langid_script_of(cps[0])] += (float)w;
			total += w;
		}
		err = push_suffixes(b, cps, n);
		if (!err)
			err = push_entry(b, &e);
	}
	if (ferror(f))
		err = -EIO;
	fclose(f);
	for (i = 0; i < LANGID_SCRIPTS && total > 0; i++)
		l->script[i] = (float)(l->script[i] / total);
	return err ? err : lines ? 0 : -ENOENT;
}

/* Parse the conf and read each profile it names. */
static int read_conf(struct builder *b, const char *conf)
{
	char dir[PATH_MAX], path[PATH_MAX], line[1024];
	const char *slash = strrchr(conf, '/');
	FILE *f;
	int err = 0;

	if (slash && (size_t)(slash - conf) + 2 > sizeof(dir))
		return -EINVAL;
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - conf + 1) : 0, conf);
	f = fopen(conf, "r");
	if (!f)
		return -ENOENT;
	while (!err && fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), *file, *id, *save = NULL;
		struct langid_lang *l;

		if (hash)
			*hash = '\0';
		file = strtok_r(line, " \t\r\n", &save);
		id = file ? strtok_r(NULL, " \t\r\n", &save) : NULL;
		if (!id)
			continue;
		if (b->n_langs == LANGID_MAX_LANGS) {
			err = -EINVAL;
			break;
		}
		if (b->n_langs == b->alloc_langs) {
			size_t alloc = b->alloc_langs ? b->alloc_langs * 2 : 256;

			l = realloc(b->langs, alloc * sizeof(*l));
			if (!l) {
				err = -ENOMEM;
				break;
			}
			b->langs = l;
			b->alloc_langs = alloc;
		}
		l = &b->langs[b->n_langs];
		memset(l, 0, sizeof(*l));
		profile_code(file, id, l->code, sizeof(l->code));
		snprintf(l->name, sizeof(l->name), "%s", id);
		if ((size_t)snprintf(path, sizeof(path), "%s%s", file[0] == '/' ? "" : dir, file) >=
		    sizeof(path)) {
			err = -EINVAL;
			break;
		}
		err = read_profile(b, path, (uint16_t)b->n_langs);
		if (!err)
			b->n_langs++;
	}
	fclose(f);
	if (!err && !b->n_langs)
		err = -ENOENT;
	return err;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->lang != y->lang)
		return x->lang < y->lang ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Sorted entries -> grams, postings and the slot table. Grams without
 * postings (suffixes only) go after the others. */
static int build_table(struct builder *b, struct langid_model *m)
{
	size_t i, j, slots = 1024, n = b->n ? b->n : 1, n_bare = 0;
	uint64_t *keys = malloc(n * sizeof(*keys));     /* by gram */
	struct entry *bare = malloc(n * sizeof(*bare)); /* first entry of each bare gram */
	int err = -ENOMEM;

	qsort(b->v, b->n, sizeof(*b->v), entry_cmp);
	m->grams = malloc(n * sizeof(*m->grams));
	m->post = malloc(n * sizeof(*m->post));
	if (!m->grams || !m->post || !keys || !bare)
		goto out;
	for (i = 0; i < b->n; i = j) {
		struct langid_gram *g = &m->grams[m->n_grams];

		/* entries of one key: languages in order, NO_LANG last */
		*g = (struct langid_gram){.first = (uint32_t)m->n_post, .order = b->v[i].order};
		for (j = i; j < b->n && b->v[j].key == b->v[i].key; j++) {
			if (b->v[j].lang == NO_LANG || (j > i && b->v[j].lang == b->v[j - 1].lang))
				continue; /* one posting per language */
			m->post[m->n_post++] =
			        (struct langid_posting){.lang = b->v[j].lang, .rank = b->v[j].rank};
			g->n++;
		}
		if (g->n)
			keys[m->n_grams++] = b->v[i].key;
		else
			bare[n_bare++] = b->v[i];
	}
	m->n_scored = m->n_grams;
	for (i = 0; i < n_bare; i++) {
		keys[m->n_grams] = bare[i].key;
		m->grams[m->n_grams++] = (struct langid_gram){.order = bare[i].order};
	}
	while (slots < m->n_grams + m->n_grams / 2)
		slots *= 2;
	m->slots = calloc(slots, sizeof(*m->slots));
	if (!m->slots)
		goto out;
	m->mask = slots - 1;
	for (i = 0; i < m->n_grams; i++) {
		uint32_t tag = (uint32_t)(keys[i] >> 32);
		bool clash = false;

		for (j = (size_t)keys[i] & m->mask; m->slots[j].gram; j = (j + 1) & m->mask)
			clash |= m->slots[j].tag == tag;
		if (clash)
			continue; /* two keys, one tag, one probe chain: drop (~never) */
		m->slots[j] = (struct langid_slot){.tag = tag, .gram = (uint32_t)i + 1};
	}
	err = 0;
out:
	free(keys);
	free(bare);
	return err;
}

int langid_model_load(const char *conf, struct langid_model **out)
{
	struct builder b = {0};
	struct langid_model *m = calloc(1, sizeof(*m));
	int err;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	err = read_conf(&b, conf);
	if (!err)
		err = build_table(&b, m);
	if (!err) {
		size_t i, j;

		for (i = 0; i < b.n_langs; i++)
			for (j = 0; j <= i; j++)
				if (!strcmp(b.langs[j].code, b.langs[i].code)) {
					b.langs[i].code_id = (uint16_t)j;
					break;
				}
		m->langs = b.langs;
		m->n_langs = b.n_langs;
		b.langs = NULL;
		*out = m;
		m = NULL;
	}
	free(b.v);
	free(b.langs);
	langid_model_free(m);
	return err;
}

void langid_model_free(struct langid_model *m)
{
	if (!m)
		return;
	free(m->langs);
	free(m->grams);
	free(m->post);
	free(m->slots);
	free(m);
}
