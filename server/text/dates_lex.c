/* dates_lex: the folded word index behind date extraction.
 *
 * Every name of cldr_data.c (CLDR month and weekday names, relative phrases,
 * connectors, modifiers) and the few hand-written words below (number words,
 * cue words, determiners, range words) is cut into words the way a body is
 * (runs of letters, marks and digits), each word folded with text_fold(), and
 * filed under its key word (the first word that is not the "{0}" number
 * placeholder) in an open-addressing hash. A body word then costs one hash
 * probe. The index is built once, on first use, under pthread_once(); it is
 * read-only afterwards, so any number of threads may scan at once.
 *
 * The hand-written tables are small per-language lists for what CLDR does not
 * give: spelled-out numbers ("il y a trois jours"), the words that make a lone
 * month or year a date ("en mars", "depuis 1990"), the determiners that make
 * "mañana" a morning or "demain" a noun, and range words ("du 16 au 18").
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct hand_row {
	const char *lang;
	unsigned char kind;
	signed char value;
	signed char off;
	unsigned char flags;
	const char *words; /* alternatives separated by '|' */
};

/* Number words 1..12 (value), then a few round ones. */
#define NUMS(l, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12)                                 \
	{l, LEX_NUMWORD, 1, 0, 0, a1}, {l, LEX_NUMWORD, 2, 0, 0, a2},                              \
	        {l, LEX_NUMWORD, 3, 0, 0, a3}, {l, LEX_NUMWORD, 4, 0, 0, a4},                      \
	        {l, LEX_NUMWORD, 5, 0, 0, a5}, {l, LEX_NUMWORD, 6, 0, 0, a6},                      \
	        {l, LEX_NUMWORD, 7, 0, 0, a7}, {l, LEX_NUMWORD, 8, 0, 0, a8},                      \
	        {l, LEX_NUMWORD, 9, 0, 0, a9}, {l, LEX_NUMWORD, 10, 0, 0, a10},                    \
	        {l, LEX_NUMWORD, 11, 0, 0, a11},                                                   \
	{                                                                                          \
		l, LEX_NUMWORD, 12, 0, 0, a12                                                      \
	}

static const struct hand_row hand_rows[] = {
        NUMS("fr", "un|une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
             "dix", "onze", "douze"),
        NUMS("en", "a|an|one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "ten", "eleven", "twelve"),
        NUMS("de", "ein|eine|einem|einer|einen", "zwei", "drei", "vier", "fünf", "sechs", "sieben",
             "acht", "neun", "zehn", "elf", "zwölf"),
        NUMS("es", "un|una|uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
             "diez", "once", "doce"),
        NUMS("it", "un|una|uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove",
             "dieci", "undici", "dodici"),
        NUMS("pt", "um|uma", "dois|duas", "três", "quatro", "cinco", "seis", "sete", "oito", "nove",
             "dez", "onze", "doze"),
        NUMS("nl", "een|één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen",
             "tien", "elf", "twaalf"),
        {"fr", LEX_NUMWORD, 15, 0, 0, "quinze"},
        {"fr", LEX_NUMWORD, 20, 0, 0, "vingt"},
        {"en", LEX_NUMWORD, 15, 0, 0, "fifteen"},
        {"en", LEX_NUMWORD, 20, 0, 0, "twenty"},
        {"de", LEX_NUMWORD, 15, 0, 0, "fünfzehn"},
        {"de", LEX_NUMWORD, 20, 0, 0, "zwanzig"},
        {"es", LEX_NUMWORD, 15, 0, 0, "quince"},
        {"es", LEX_NUMWORD, 20, 0, 0, "veinte"},
        {"it", LEX_NUMWORD, 15, 0, 0, "quindici"},
        {"it", LEX_NUMWORD, 20, 0, 0, "venti"},
        {"pt", LEX_NUMWORD, 15, 0, 0, "quinze"},
        {"pt", LEX_NUMWORD, 20, 0, 0, "vinte"},
        {"nl", LEX_NUMWORD, 15, 0, 0, "vijftien"},
        {"nl", LEX_NUMWORD, 20, 0, 0, "twintig"},

        /* A lone month or a year after one of these is a date: "en mars",
         * "fin mars", "depuis 1990", "in March", "Anfang Mai". */
        {"fr", LEX_CUE, 0, 0, 0,
         "en|depuis|dès|début|fin|mi|courant|avant|après|jusqu|vers|ici|mois|année|an"},
        {"en", LEX_CUE, 0, 0, 0,
         "in|on|since|by|until|till|early|late|mid|during|from|before|after|through|throughout|"
         "year"},
        {"de", LEX_CUE, 0, 0, 0,
         "im|in|am|seit|bis|ab|anfang|ende|mitte|vor|nach|jahr|jahre|monat"},
        {"es", LEX_CUE, 0, 0, 0,
         "en|desde|hasta|de|durante|principios|finales|mediados|antes|después|año|mes"},
        {"it", LEX_CUE, 0, 0, 0,
         "a|in|da|dal|fino|entro|inizio|fine|metà|di|nel|dopo|prima|anno|mese"},
        {"pt", LEX_CUE, 0, 0, 0, "em|desde|até|de|durante|início|fim|meados|antes|depois|ano|mês"},
        {"nl", LEX_CUE, 0, 0, 0, "in|sinds|tot|begin|eind|half|medio|vanaf|per|na|voor|jaar"},

        /* Before a day word it is a noun ("la mañana", "un demain meilleur",
         * "heute morgen" = this morning); before a weekday, a habit. */
        {"fr", LEX_DET_DAY, 0, 0, 0, "un|le|des|du|ce|quel|au"},
        {"es", LEX_DET_DAY, 0, 0, 0, "la|una|esta|esa|cada|toda|por|de|las|el"},
        {"de", LEX_DET_DAY, 0, 0, 0, "am|der|den|dem|des|ein|einem|einen|jeden|guten|heute"},
        {"it", LEX_DET_DAY, 0, 0, 0, "il|un|del|al|nel"},
        {"nl", LEX_DET_DAY, 0, 0, 0, "de|deze|die|elke|iedere|een|s|van"},
        {"pt", LEX_DET_DAY, 0, 0, 0, "o|um|do|no"},
        {"fr", LEX_DET_WDAY, 0, 0, 0, "chaque|tous|les"},
        {"en", LEX_DET_WDAY, 0, 0, 0, "every|each"},
        {"de", LEX_DET_WDAY, 0, 0, 0, "jeden|jedem"},
        {"es", LEX_DET_WDAY, 0, 0, 0, "cada|todos|los"},
        {"it", LEX_DET_WDAY, 0, 0, 0, "ogni|tutti"},
        {"pt", LEX_DET_WDAY, 0, 0, 0, "cada|todas|todos|às|aos"},
        {"nl", LEX_DET_WDAY, 0, 0, 0, "elke|iedere"},

        /* "du 16 au 18 juillet", "16 to 18 July", "vom 16. bis 18. Juli". */
        {"fr", LEX_RANGE, 0, 0, 0, "au|et|à"},
        {"en", LEX_RANGE, 0, 0, 0, "to|and|through"},
        {"de", LEX_RANGE, 0, 0, 0, "bis|und"},
        {"es", LEX_RANGE, 0, 0, 0, "al|y|a"},
        {"it", LEX_RANGE, 0, 0, 0, "al|e"},
        {"pt", LEX_RANGE, 0, 0, 0, "a|e"},
        {"nl", LEX_RANGE, 0, 0, 0, "tot|en"},

        /* Between a weekday and its day: "Monday the 2nd", "Montag, den 2.". */
        {"en", LEX_ARTICLE, 0, 0, 0, "the"},
        {"de", LEX_ARTICLE, 0, 0, 0, "den"},

        /* Connectors CLDR's patterns do not show. */
        {"en", CLDR_CONN, 0, 0, 0, "of"},
        {"es", CLDR_CONN, 0, 0, 0, "del"},
        {"it", CLDR_CONN, 0, 0, 0, "del"},

        /* Common variants of CLDR's relative phrases and modifiers. */
        {"fr", CLDR_REL_YEAR, 0, -1, 0, "l'an dernier|l'an passé|l'année passée"},
        {"fr", CLDR_REL_YEAR, 0, 1, 0, "l'an prochain"},
        {"fr", CLDR_REL_WEEK, 0, -1, 0, "la semaine passée"},
        {"fr", CLDR_REL_MONTH, 0, -1, 0, "le mois passé"},
        {"fr", CLDR_MOD, -1, 0, CLDR_POSTFIX, "passé"},
        {"en", CLDR_REL_DAY, 0, -2, 0, "the day before yesterday"},
        {"en", CLDR_REL_DAY, 0, 2, 0, "the day after tomorrow"},
        {"de", CLDR_REL_WEEK, 0, -1, 0, "vergangene Woche|vorige Woche"},
        {"de", CLDR_REL_MONTH, 0, -1, 0, "vergangenen Monat|vorigen Monat"},
        {"de", CLDR_REL_YEAR, 0, -1, 0, "vergangenes Jahr|voriges Jahr"},
        {"de", CLDR_MOD, -1, 0, CLDR_PREFIX, "vergangenen|vorigen"},
        {"de", CLDR_MOD, 1, 0, CLDR_PREFIX, "kommenden"},
        {"nl", CLDR_MOD, -1, 0, CLDR_PREFIX, "vorige"},
        {"nl", CLDR_MOD, 1, 0, CLDR_PREFIX, "volgende|komende"},
        {"it", CLDR_REL_YEAR, 0, -1, 0, "l'anno scorso"},
};

#define NSLOTS (1u << 15)

static pthread_once_t lex_once = PTHREAD_ONCE_INIT;
static int lex_err;
static struct lex *lex_v;
static size_t lex_n;
static char *lex_pool;
/* A chain head: one cache line holds several, a probe touches one. */
struct slot {
	int32_t e;     /* first entry, -1 when empty */
	uint32_t hash; /* of the key word */
	uint32_t lang; /* of the chain, LANG_ANY for any language */
};

static struct slot *lex_slot; /* NSLOTS */
/* One bit a slot: some key hashes there. Small enough to stay in the first
 * level cache, so that the many words that are no date name are turned away
 * without touching the table. */
static uint64_t lex_home[NSLOTS / 64];
static struct lex_fold fold_tab[LEX_FOLD_TAB];

const struct lex_fold *text_dates_fold_tab(void)
{
	return fold_tab;
}

const struct lex *text_dates_lex(void)
{
	return lex_v;
}

const char *text_dates_lex_pool(void)
{
	return lex_pool;
}

/* Words are short: hash them eight bytes at a time (a chain of one
 * multiplication per byte was a fifth of the scan). s[n..n+7] must be
 * readable zeros (LEX_HASH_PAD). */
uint32_t text_dates_hash(const char *s, size_t n)
{
	uint64_t h = (uint64_t)n * 0x9e3779b97f4a7c15u, v;
	size_t i;

	for (i = 0; i < n; i += 8) {
		memcpy(&v, s + i, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdu;
	}
	return (uint32_t)(h ^ h >> 29);
}

/* The hash of a word stored elsewhere, through a zero-padded copy. */
static uint32_t hash_copy(const char *s, size_t n)
{
	char buf[LEX_MAX_WORD + LEX_HASH_PAD] = {0};

	memcpy(buf, s, n < LEX_MAX_WORD ? n : LEX_MAX_WORD);
	return text_dates_hash(buf, n < LEX_MAX_WORD ? n : LEX_MAX_WORD);
}

/* Slot of (word, language) chains; language LANG_ANY for the chain of
 * every language. */
#define LANG_ANY 255u

static uint32_t slot_hash(uint32_t word_hash, unsigned lang)
{
	return (word_hash ^ (lang + 1) * 0x9e3779b1u) & (NSLOTS - 1);
}

static bool same_key(const struct lex *x, const char *f, size_t n, unsigned lang)
{
	const char *k = lex_pool + x->key;
	size_t i;

	if (x->klen != n || (lang != LANG_ANY && x->lang != lang))
		return false;
	for (i = 0; i < n; i++) /* short words: a loop beats a call to memcmp */
		if (k[i] != f[i])
			return false;
	return true;
}

int32_t text_dates_lookup(const char *f, size_t n, uint32_t hash, int lang)
{
	unsigned l = lang < 0 ? LANG_ANY : (unsigned)lang;
	uint32_t i = slot_hash(hash, l);
	int32_t e;

	if (!(lex_home[i / 64] >> (i % 64) & 1))
		return -1;
	while ((e = lex_slot[i].e) >= 0) {
		if (lex_slot[i].hash == hash && lex_slot[i].lang == l &&
		    same_key(&lex_v[e], f, n, l))
			return e;
		i = (i + 1) & (NSLOTS - 1);
	}
	return -1;
}

int text_dates_lang(const char *lang)
{
	char code[4];
	size_t i, n = 0;

	if (!lang)
		return -1;
	while (n < 3 && lang[n] && lang[n] != '-' && lang[n] != '_') {
		code[n] = (char)(lang[n] >= 'A' && lang[n] <= 'Z' ? lang[n] + 32 : lang[n]);
		n++;
	}
	if (lang[n] && lang[n] != '-' && lang[n] != '_')
		return -1;
	code[n] = '\0';
	if (!strcmp(code, "no"))
		strcpy(code, "nb");
	else if (!strcmp(code, "fil"))
		strcpy(code, "tl");
	for (i = 0; i < cldr_n_langs; i++)
		if (!strcmp(cldr_langs[i].code, code))
			return (int)i;
	return -1;
}

struct builder {
	char *pool;
	size_t pool_len, pool_cap;
	struct lex *v;
	size_t n, cap;
};

/* Append one word as [length byte][bytes][NUL]. */
static int pool_put(struct builder *b, const char *s, size_t n)
{
	if (b->pool_len + n + 2 > b->pool_cap) {
		size_t cap = b->pool_cap ? b->pool_cap * 2 : 65536;
		char *p;

		while (cap < b->pool_len + n + 2)
			cap *= 2;
		p = realloc(b->pool, cap);
		if (!p)
			return -ENOMEM;
		b->pool = p;
		b->pool_cap = cap;
	}
	b->pool[b->pool_len] = (char)n;
	memcpy(b->pool + b->pool_len + 1, s, n);
	b->pool[b->pool_len + 1 + n] = '\0';
	b->pool_len += n + 2;
	return 0;
}

/* Cut text (n bytes) into folded words, stored NUL-separated in the pool;
 * "{0}" becomes the one-byte word LEX_PLACEHOLDER. */
static int add_entry(struct builder *b, const char *text, size_t n, int lang, int kind, int value,
                     int off, int flags)
{
	struct lex x = {0};
	size_t i = 0, first = b->pool_len;
	bool first_letter = true;
	int err;

	x.tok = (uint32_t)first;
	x.key = UINT32_MAX;
	x.lang = (unsigned char)lang;
	x.kind = (unsigned char)kind;
	x.value = (signed char)value;
	x.off = (signed char)off;
	x.flags = (unsigned char)flags;
	while (i < n) {
		int32_t cp;
		int len = utf8_next(text + i, &cp);
		size_t j = i;
		char f[LEX_MAX_WORD];
		size_t fn;

		if (cp == '{' && i + 2 < n && text[i + 1] == '0' && text[i + 2] == '}') {
			f[0] = LEX_PLACEHOLDER;
			err = pool_put(b, f, 1);
			if (err)
				return err;
			if (x.ntok == 0)
				x.lead = 1;
			x.ntok++;
			i += 3;
			continue;
		}
		if (!text_is_wordchar(cp)) {
			i += (size_t)len;
			continue;
		}
		if (first_letter && text_is_letter(cp)) {
			if (text_is_upper(cp))
				x.flags |= LEX_CAP;
			first_letter = false;
		}
		while (j < n) {
			len = utf8_next(text + j, &cp);
			if (!text_is_wordchar(cp))
				break;
			j += (size_t)len;
		}
		fn = text_fold(text + i, j - i, f, sizeof(f));
		if (x.key == UINT32_MAX) {
			x.key = (uint32_t)b->pool_len + 1; /* past the length byte */
			x.klen = (unsigned char)fn;
		}
		err = pool_put(b, f, fn);
		if (err)
			return err;
		x.ntok++;
		i = j;
	}
	if (x.key == UINT32_MAX || x.ntok > LEX_MAX_TOKENS) {
		b->pool_len = first; /* nothing usable: forget it */
		return 0;
	}
	if (n && text[n - 1] == '.')
		x.flags |= LEX_DOT;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8192;
		struct lex *v = realloc(b->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = x;
	return 0;
}

static void lex_build(void)
{
	struct builder b = {0};
	size_t i;
	int err = 0;

	for (i = 0; i < cldr_n_names && !err; i++) {
		const struct cldr_name *c = &cldr_names[i];

		err = add_entry(&b, c->text, strlen(c->text), c->lang, c->kind, c->value, c->off,
		                c->flags);
	}
	for (i = 0; i < sizeof(hand_rows) / sizeof(hand_rows[0]) && !err; i++) {
		const struct hand_row *h = &hand_rows[i];
		int lang = text_dates_lang(h->lang);
		const char *p = h->words;

		while (lang >= 0 && !err) {
			size_t n = strcspn(p, "|");

			err = add_entry(&b, p, n, lang, h->kind, h->value, h->off, h->flags);
			if (!p[n])
				break;
			p += n + 1;
		}
	}
	if (!err && b.n >= NSLOTS / 3)
		err = -ENOMEM; /* two chains an entry: the table would be too full */
	if (!err) {
		lex_slot = malloc(NSLOTS * sizeof(*lex_slot));
		if (!lex_slot)
			err = -ENOMEM;
	}
	if (err) {
		free(b.pool);
		free(b.v);
		lex_err = err;
		return;
	}
	for (i = 0; i < NSLOTS; i++)
		lex_slot[i].e = -1;
	for (i = 0; i < LEX_FOLD_TAB; i++) {
		char u[4];
		int n = text_utf8_put((int32_t)i, u);
		struct lex_fold *x = &fold_tab[i];

		x->len = (unsigned char)text_fold(u, (size_t)n, x->s, sizeof(x->s));
		x->flags = (text_is_letter((int32_t)i) ? LEX_FOLD_LETTER : 0) |
		           (text_is_upper((int32_t)i) ? LEX_FOLD_UPPER : 0);
	}
	lex_v = b.v;
	lex_n = b.n;
	lex_pool = b.pool;
	/* Chain entries by key word, per language and for any language: the
	 * slot holds the first, ->next[] the rest, in table order. */
	for (i = 0; i < lex_n; i++) {
		struct lex *x = &lex_v[i];
		const char *k = lex_pool + x->key;
		uint32_t h = hash_copy(k, x->klen);
		int via;

		x->next[0] = x->next[1] = -1;
		x->kinds[0] = x->kinds[1] = 0;
		for (via = 0; via < 2; via++) {
			unsigned l = via ? LANG_ANY : x->lang;
			uint32_t s = slot_hash(h, l);
			int32_t e;

			lex_home[s / 64] |= (uint64_t)1 << (s % 64);
			while ((e = lex_slot[s].e) >= 0) {
				if (lex_slot[s].lang == l && same_key(&lex_v[e], k, x->klen, l))
					break;
				s = (s + 1) & (NSLOTS - 1);
			}
			if (e < 0) {
				lex_slot[s].e = (int32_t)i;
				lex_slot[s].lang = l;
				lex_slot[s].hash = h;
				x->kinds[via] = 1u << x->kind;
				continue;
			}
			lex_v[e].kinds[via] |= 1u << x->kind;
			while (lex_v[e].next[via] >= 0)
				e = lex_v[e].next[via];
			lex_v[e].next[via] = (int32_t)i;
		}
	}
}

int text_dates_lex_init(void)
{
	pthread_once(&lex_once, lex_build);
	return lex_err;
}

size_t text_dates_lex_size(void)
{
	return lex_n;
}
