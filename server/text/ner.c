/* ner: tokens, features and greedy decoding of the averaged-perceptron
 * tagger (design in entities.c's header comment; layout in ner.h).
 *
 * Everything here is shared by the run-time tagger and the trainer
 * (tools/ner_train.c), so a feature means the same thing in both.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ner.h"

#define FOLD_MAX 64
#define GAZ_MAX_WORDS 6

/* ---- hashing ---- */

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static inline uint32_t bucket(uint32_t tmpl, uint64_t v)
{
	return (uint32_t)(mix64(((uint64_t)tmpl << 56) ^ (v * 0x9e3779b97f4a7c15ULL) ^ tmpl) >>
	                  (64 - NER_BITS));
}

static inline uint32_t fnv32(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static inline uint64_t fnv64_step(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

#define FNV64_INIT 0xcbf29ce484222325ULL

/* ---- gazetteer ---- */

/* Two hash sets of 64-bit hashes with kinds: whole names (folded, spaces
 * collapsed) and the words of names. Built once from the embedded data, or
 * from the trainer's file (ner_gaz_set). */
struct gaz_slot {
	uint64_t h; /* 0 = empty */
	uint8_t kinds;
};

struct gaz_set {
	struct gaz_slot *v;
	size_t mask, n;
};

static struct {
	struct gaz_set names, words;
	const char *data;
	size_t len;
	bool loaded;
} gaz;

static pthread_once_t gaz_once = PTHREAD_ONCE_INIT;

static void gaz_put(struct gaz_set *s, uint64_t h, unsigned kinds)
{
	size_t i;

	h = h ? h : 1;
	for (i = h & s->mask; s->v[i].h; i = (i + 1) & s->mask) {
		if (s->v[i].h == h) {
			s->v[i].kinds |= (uint8_t)kinds;
			return;
		}
	}
	s->v[i] = (struct gaz_slot){h, (uint8_t)kinds};
	s->n++;
}

static unsigned gaz_get(const struct gaz_set *s, uint64_t h)
{
	size_t i;

	if (!s->v)
		return 0;
	h = h ? h : 1;
	for (i = h & s->mask; s->v[i].h; i = (i + 1) & s->mask)
		if (s->v[i].h == h)
			return s->v[i].kinds;
	return 0;
}

static bool gaz_alloc(struct gaz_set *s, size_t n)
{
	size_t cap = 64;

	while (cap < 2 * n + 2)
		cap *= 2;
	s->v = calloc(cap, sizeof(*s->v));
	s->mask = cap - 1;
	return s->v != NULL;
}

static unsigned kinds_of(const char *s, size_t n)
{
	unsigned k = 0;
	size_t i;

	for (i = 0; i < n; i++)
		k |= s[i] == 'P' ? NG_P : s[i] == 'L' ? NG_L : s[i] == 'O' ? NG_O : 0;
	return k;
}

/* Folded name with white space collapsed, as the tokens join (ner_tokenize
 * joins folded tokens with one space where the text has any). */
static size_t gaz_fold(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0, i = 0;
	char buf[512];
	size_t fl = text_fold(s, n, buf, sizeof(buf));

	for (i = 0; i < fl && o + 1 < outsz; i++) {
		if (buf[i] == ' ' || buf[i] == '\t') {
			if (o && out[o - 1] != ' ')
				out[o++] = ' ';
			continue;
		}
		out[o++] = buf[i];
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o;
}

static void gaz_build(void)
{
	const char *p = gaz.data, *end = gaz.data + gaz.len;
	size_t lines = 0;

	if (!p || !gaz.len)
		return;
	for (; p < end; p++)
		lines += *p == '\n';
	if (!gaz_alloc(&gaz.names, lines + 1) || !gaz_alloc(&gaz.words, 3 * lines + 1)) {
		free(gaz.names.v);
		free(gaz.words.v);
		memset(&gaz.names, 0, sizeof(gaz.names));
		memset(&gaz.words, 0, sizeof(gaz.words));
		return;
	}
	for (p = gaz.data; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *tab;
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p), fl, i, w;
		char f[512];
		unsigned k;

		tab = memchr(p, '\t', ll);
		if (tab && tab > p) {
			k = kinds_of(tab + 1, ll - (size_t)(tab + 1 - p));
			fl = gaz_fold(p, (size_t)(tab - p), f, sizeof(f));
			if (k && fl) {
				gaz_put(&gaz.names, fnv64_step(FNV64_INIT, f, fl), k);
				/* words: split on spaces and after an elided article */
				for (i = 0, w = 0; i <= fl; i++) {
					if (i < fl && f[i] == '\'' && i - w <= 5) {
						char e[8];

						memcpy(e, f + w, i - w);
						e[i - w] = '\0';
						if (text_lex_is_elision(e))
							w = i + 1;
						continue;
					}
					if (i < fl && f[i] != ' ')
						continue;
					if (i > w)
						gaz_put(&gaz.words,
						        fnv64_step(FNV64_INIT, f + w, i - w), k);
					w = i + 1;
				}
			}
		}
		p += ll + 1;
	}
	gaz.loaded = true;
}

static void gaz_init(void)
{
	if (!gaz.data) {
		gaz.data = ner_gaz_data;
		gaz.len = ner_gaz_len;
	}
	gaz_build();
}

void ner_gaz_set(const char *data, size_t len)
{
	gaz.data = data;
	gaz.len = len;
	pthread_once(&gaz_once, gaz_init);
}

unsigned ner_gaz_lookup(const char *key, size_t len)
{
	pthread_once(&gaz_once, gaz_init);
	return gaz_get(&gaz.names, fnv64_step(FNV64_INIT, key, len));
}

/* ---- tokens ---- */

static int push_tok(struct ner_doc *d, const struct ner_tok *t)
{
	if (d->n == d->alloc) {
		size_t alloc = d->alloc ? d->alloc * 2 : 512;
		struct ner_tok *v = realloc(d->v, alloc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->v = v;
		d->alloc = alloc;
	}
	d->v[d->n++] = *t;
	return 0;
}

static int pool_add(struct ner_doc *d, const char *s, size_t n, uint32_t *off)
{
	if (d->plen + n + 1 > d->palloc) {
		size_t alloc = d->palloc ? d->palloc * 2 : 4096;
		char *p;

		while (alloc < d->plen + n + 1)
			alloc *= 2;
		p = realloc(d->pool, alloc);
		if (!p)
			return -ENOMEM;
		d->pool = p;
		d->palloc = alloc;
	}
	*off = (uint32_t)d->plen;
	memcpy(d->pool + d->plen, s, n);
	d->pool[d->plen + n] = '\0';
	d->plen += n + 1;
	return 0;
}

static bool is_apostrophe(int32_t cp)
{
	return cp == '\'' || cp == 0x2019;
}

static bool opens(int32_t cp)
{
	return cp == '"' || cp == 0xab || cp == 0x201c || cp == 0x201e || cp == 0x2018 ||
	       cp == '(' || cp == '[' || cp == 0x2014 || cp == 0x2013;
}

static bool ends_sentence(int32_t cp)
{
	return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026;
}

/* Shape: upper X, lower x, digit d, others as themselves (ASCII) or 'o';
 * runs collapsed; at most 8 characters. */
static uint32_t shape_of(const char *s, size_t n, uint16_t *flags)
{
	char sh[9];
	size_t i = 0, k = 0;
	unsigned letters = 0, upper = 0;

	while (i < n) {
		int32_t cp;
		char c;

		i += (size_t)utf8_next(s + i, &cp);
		if (text_is_letter(cp)) {
			letters++;
			if (text_is_upper(cp)) {
				upper++;
				c = 'X';
			} else {
				c = 'x';
			}
		} else if (cp >= '0' && cp <= '9') {
			c = 'd';
			*flags |= NT_DIGIT;
		} else if (cp < 0x80) {
			c = (char)cp;
		} else if (text_is_wordchar(cp)) {
			c = 'd';
		} else {
			c = is_apostrophe(cp) ? '\'' : 'o';
		}
		if (k && sh[k - 1] == c)
			continue;
		if (k < 8)
			sh[k++] = c;
	}
	if (letters >= 2 && upper == letters)
		*flags |= NT_ALLCAP;
	return fnv32(sh, k);
}

static int add_tok(struct ner_doc *d, size_t from, size_t to, uint16_t flags, int stop_lang)
{
	struct ner_tok t = {.start = (uint32_t)from, .end = (uint32_t)to, .flags = flags};
	char f[FOLD_MAX];
	size_t fl, fe = to;
	int32_t cp;
	int err;

	utf8_next(d->text + from, &cp);
	if (text_is_wordchar(cp)) {
		t.flags |= NT_WORD;
		if (text_is_upper(cp))
			t.flags |= NT_CAP;
	}
	if (flags & NT_DOT)
		fe--; /* the folded form leaves the abbreviation's '.' out */
	fl = text_fold(d->text + from, fe - from, f, sizeof(f));
	err = pool_add(d, f, fl, &t.fold);
	if (err)
		return err;
	t.flen = (uint16_t)fl;
	t.hash = fnv32(f, fl);
	t.shape_hash = shape_of(d->text + from, to - from, &t.flags);
	if (t.flags & NT_WORD)
		t.lex = (uint8_t)text_lex_classes(stop_lang, d->text + from, to - from,
		                                  d->pool + t.fold, fl);
	return push_tok(d, &t);
}

/* The word starting at i: letters, digits, and joiners between them.
 * Emits one to three tokens (elision, word, possessive); returns the index
 * after the word. */
static int scan_word(struct ner_doc *d, size_t i, uint16_t flags, int stop_lang, size_t *next)
{
	const char *s = d->text;
	size_t len = d->len, j = i, split = i, end, pos = 0;
	char f[FOLD_MAX];
	int32_t cp;
	int err;

	while (j < len) {
		int n = utf8_next(s + j, &cp);
		int32_t nx;

		if (text_is_wordchar(cp)) {
			j += (size_t)n;
			continue;
		}
		if (!text_is_joiner(cp) || j + (size_t)n >= len)
			break;
		utf8_next(s + j + (size_t)n, &nx);
		if (!text_is_wordchar(nx))
			break;
		if (is_apostrophe(cp) && split == i && j - i <= 6) {
			text_fold(s + i, j - i, f, sizeof(f));
			if (text_lex_is_elision(f))
				split = j + (size_t)n;
		}
		j += (size_t)n;
	}
	end = j;
	/* English possessive: "Trump's" -> "Trump" + "'s". */
	if (end - split > 2 && (s[end - 1] == 's' || s[end - 1] == 'S')) {
		if (s[end - 2] == '\'')
			pos = end - 2;
		else if (end - split > 4 && !memcmp(s + end - 4, "\xe2\x80\x99", 3))
			pos = end - 4;
	}
	if (split > i) {
		err = add_tok(d, i, split, flags | NT_ELIDED, stop_lang);
		if (err)
			return err;
		flags &= (uint16_t) ~(NT_SENT | NT_NL | NT_QUOTE);
	}
	if (!pos && j < len && s[j] == '.') {
		/* An initial or a known abbreviation keeps its dot. */
		bool upper1 = false;
		size_t wl = end - split;

		utf8_next(s + split, &cp);
		upper1 = text_is_upper(cp) && (size_t)utf8_next(s + split, &cp) == wl;
		if (upper1 || wl <= 5) {
			text_fold(s + split, wl, f, sizeof(f));
			if (upper1 || (text_is_upper(cp) && text_lex_is_abbrev(f))) {
				flags |= NT_DOT;
				end = ++j;
			}
		}
	}
	err = add_tok(d, split, pos ? pos : end, flags, stop_lang);
	if (!err && pos)
		err = add_tok(d, pos, end, NT_POSS, stop_lang);
	*next = j;
	return err;
}

/* Tokens of one hash set keyed by folded hash: bit 1 seen lower case, bit 2
 * seen capitalised mid-sentence. */
static int doc_flags(struct ner_doc *d)
{
	size_t cap = 64, i, k;
	struct {
		uint32_t h;
		uint8_t bits;
	} * set;

	while (cap < 2 * d->n + 2)
		cap *= 2;
	set = calloc(cap, sizeof(*set));
	if (!set)
		return -ENOMEM;
	for (i = 0; i < d->n; i++) {
		const struct ner_tok *t = &d->v[i];
		uint8_t b;

		if (!(t->flags & NT_WORD) || (t->flags & (NT_ELIDED | NT_DIGIT)))
			continue;
		if (!(t->flags & NT_CAP))
			b = 1;
		else if (!(t->flags & (NT_SENT | NT_QUOTE | NT_HEADLINE | NT_ALLCAP)))
			b = 2;
		else
			continue;
		for (k = (t->hash | 1) & (cap - 1); set[k].h && set[k].h != (t->hash | 1);
		     k = (k + 1) & (cap - 1))
			;
		set[k].h = t->hash | 1;
		set[k].bits |= b;
	}
	for (i = 0; i < d->n; i++) {
		struct ner_tok *t = &d->v[i];

		if (!(t->flags & NT_WORD))
			continue;
		for (k = (t->hash | 1) & (cap - 1); set[k].h && set[k].h != (t->hash | 1);
		     k = (k + 1) & (cap - 1))
			;
		if (set[k].bits & 1)
			t->flags |= NT_LOWSEEN;
		if (set[k].bits & 2)
			t->flags |= NT_CAPMID;
	}
	free(set);
	return 0;
}

/* Sentences written mostly in capitals (headlines, datelines). */
static void headlines(struct ner_doc *d)
{
	size_t a = 0, i, k;

	for (i = 1; i <= d->n; i++) {
		unsigned words = 0, caps = 0;

		if (i < d->n && !(d->v[i].flags & (NT_SENT | NT_NL)))
			continue;
		for (k = a; k < i; k++) {
			if (!(d->v[k].flags & NT_WORD) || (d->v[k].flags & NT_DIGIT))
				continue;
			words++;
			caps += (d->v[k].flags & NT_ALLCAP) != 0;
		}
		if (words >= 2 && caps * 10 >= words * 6)
			for (k = a; k < i; k++)
				d->v[k].flags |= NT_HEADLINE;
		a = i;
	}
}

/* Longest gazetteer names starting at capitalised tokens. */
static void gaz_mark(struct ner_doc *d)
{
	size_t i, k;

	pthread_once(&gaz_once, gaz_init);
	if (!gaz.loaded)
		return;
	for (i = 0; i < d->n; i++) {
		struct ner_tok *t = &d->v[i];

		if (t->flags & NT_WORD)
			t->gaz |= (uint8_t)gaz_get(
			        &gaz.words, fnv64_step(FNV64_INIT, d->pool + t->fold, t->flen));
	}
	for (i = 0; i < d->n; i++) {
		uint64_t h = FNV64_INIT;
		size_t best = 0;
		unsigned kinds = 0;

		if (!(d->v[i].flags & NT_CAP))
			continue;
		for (k = i; k < d->n && k - i < GAZ_MAX_WORDS; k++) {
			unsigned g;

			if (k > i && d->v[k].start > d->v[k - 1].end)
				h = fnv64_step(h, " ", 1);
			h = fnv64_step(h, d->pool + d->v[k].fold, d->v[k].flen);
			if (d->v[k].flags & NT_DOT)
				h = fnv64_step(h, ".", 1);
			g = gaz_get(&gaz.names, h);
			if (g) {
				best = k + 1;
				kinds = g;
			}
		}
		if (!best)
			continue;
		for (k = i; k < best; k++)
			d->v[k].gaz |=
			        (uint8_t)((k == i ? NG_BEGIN : NG_INSIDE) | kinds << NG_SPAN_SHIFT);
		i = best - 1;
	}
}

int ner_tokenize(const char *text, size_t len, struct ner_doc *d)
{
	size_t i = 0;
	uint16_t flags = NT_SENT;
	int stop_lang = text_lex_stop_lang(d->lang), err = 0;

	d->text = text;
	d->len = len;
	while (i < len && !err) {
		int32_t cp;
		int n = utf8_next(text + i, &cp);

		if (text_is_newline(cp)) {
			flags |= NT_NL | NT_SENT;
			i += (size_t)n;
			continue;
		}
		if (text_is_space(cp) || text_is_invisible(cp)) {
			i += (size_t)n;
			continue;
		}
		if (text_is_wordchar(cp)) {
			size_t next;

			err = scan_word(d, i, flags, stop_lang, &next);
			i = next;
			flags = 0;
			continue;
		}
		err = add_tok(d, i, i + (size_t)n, flags, stop_lang);
		flags = ends_sentence(cp) ? NT_SENT : opens(cp) ? NT_QUOTE : 0;
		i += (size_t)n;
	}
	if (err)
		return err;
	headlines(d);
	gaz_mark(d);
	return doc_flags(d);
}

void ner_doc_release(struct ner_doc *d)
{
	free(d->v);
	free(d->pool);
	d->v = NULL;
	d->pool = NULL;
	d->n = d->alloc = d->plen = d->palloc = 0;
}

/* ---- features ---- */

enum {
	F_BIAS = 1,
	F_WORD,
	F_SHAPE,
	F_SUF2,
	F_SUF3,
	F_SUF4,
	F_PRE3,
	F_PW,
	F_NW,
	F_PW2,
	F_NW2,
	F_PSHAPE,
	F_NSHAPE,
	F_CAPS,
	F_FLAGS,
	F_LEX,
	F_PLEX,
	F_NLEX,
	F_PLEX2,
	F_PLEX_SHAPE,
	F_GAZ,
	F_GAZ_CAP,
	F_PGAZ,
	F_NGAZ,
	F_LEN,
	F_PW_SHAPE,
	F_NW_SHAPE,
	F_ELIDED,
	F_NLEX_SHAPE,
	F_WORD_CASE,
	F_PT = 40,
	F_PT2,
	F_PT_SHAPE,
	F_PT_WORD,
	F_PT_LEX,
	F_PT_GAZ,
};

static const uint32_t BOS = 0x42534f, EOS = 0x454f53;

static inline uint32_t word_at(const struct ner_doc *d, size_t i, long off)
{
	long k = (long)i + off;

	if (k < 0)
		return BOS;
	if ((size_t)k >= d->n)
		return EOS;
	return d->v[k].hash;
}

static inline unsigned cap_class(const struct ner_doc *d, size_t i, long off)
{
	long k = (long)i + off;
	uint16_t f;

	if (k < 0 || (size_t)k >= d->n)
		return 0;
	f = d->v[k].flags;
	if (!(f & NT_WORD))
		return 1;
	if (f & NT_ALLCAP)
		return 2;
	if (f & NT_CAP)
		return 3;
	if (f & NT_DIGIT)
		return 4;
	return 5;
}

static inline uint32_t suffix(const struct ner_doc *d, const struct ner_tok *t, size_t n)
{
	if (t->flen < n + 1)
		return 0;
	return fnv32(d->pool + t->fold + t->flen - n, n) | 1;
}

size_t ner_features(const struct ner_doc *d, size_t i, uint32_t *out, bool drop_word)
{
	const struct ner_tok *t = &d->v[i], *p = i ? &d->v[i - 1] : NULL,
	                     *nx = i + 1 < d->n ? &d->v[i + 1] : NULL,
	                     *p2 = i > 1 ? &d->v[i - 2] : NULL;
	uint32_t sh = t->shape_hash;
	unsigned len = t->flen < 4 ? t->flen : t->flen < 7 ? 5 : t->flen < 10 ? 8 : 12;
	uint16_t fl = t->flags & (NT_SENT | NT_NL | NT_QUOTE | NT_LOWSEEN | NT_CAPMID |
	                          NT_HEADLINE | NT_CAP | NT_ALLCAP);
	uint8_t plex = p ? p->lex : 0x80, nlex = nx ? nx->lex : 0x80;
	size_t k = 0;

	out[k++] = bucket(F_BIAS, 0);
	if (!drop_word) {
		out[k++] = bucket(F_WORD, t->hash);
		out[k++] = bucket(F_WORD_CASE, (uint64_t)t->hash << 8 | (t->flags & NT_CAP) |
		                                       (t->flags & NT_SENT));
	}
	out[k++] = bucket(F_SHAPE, sh);
	if (t->flags & NT_WORD) {
		out[k++] = bucket(F_SUF2, suffix(d, t, 2));
		out[k++] = bucket(F_SUF3, suffix(d, t, 3));
		out[k++] = bucket(F_SUF4, suffix(d, t, 4));
		if (t->flen > 4)
			out[k++] = bucket(F_PRE3, fnv32(d->pool + t->fold, 3));
	}
	out[k++] = bucket(F_PW, word_at(d, i, -1));
	out[k++] = bucket(F_NW, word_at(d, i, 1));
	out[k++] = bucket(F_PW2, word_at(d, i, -2));
	out[k++] = bucket(F_NW2, word_at(d, i, 2));
	out[k++] = bucket(F_PSHAPE, p ? p->shape_hash : BOS);
	out[k++] = bucket(F_NSHAPE, nx ? nx->shape_hash : EOS);
	out[k++] = bucket(F_CAPS,
	                  cap_class(d, i, -1) << 8 | cap_class(d, i, 0) << 4 | cap_class(d, i, 1));
	out[k++] = bucket(F_FLAGS, fl);
	out[k++] = bucket(F_LEX, t->lex);
	out[k++] = bucket(F_PLEX, plex);
	out[k++] = bucket(F_NLEX, nlex);
	out[k++] = bucket(F_PLEX2, (uint64_t)(p2 ? p2->lex : 0x80) << 8 | plex);
	out[k++] = bucket(F_PLEX_SHAPE, (uint64_t)plex << 32 | sh);
	out[k++] = bucket(F_NLEX_SHAPE, (uint64_t)nlex << 32 | sh);
	out[k++] = bucket(F_GAZ, t->gaz);
	out[k++] = bucket(F_GAZ_CAP, (uint64_t)t->gaz << 8 | cap_class(d, i, 0));
	out[k++] = bucket(F_PGAZ, p ? p->gaz : 0xff);
	out[k++] = bucket(F_NGAZ, nx ? nx->gaz : 0xff);
	out[k++] = bucket(F_LEN, len << 4 | cap_class(d, i, 0));
	out[k++] = bucket(F_PW_SHAPE, (uint64_t)word_at(d, i, -1) << 32 | sh);
	out[k++] = bucket(F_NW_SHAPE, (uint64_t)word_at(d, i, 1) << 32 | sh);
	out[k++] = bucket(F_ELIDED, (uint64_t)(p && (p->flags & NT_ELIDED)) << 8 |
	                                    cap_class(d, i, 0) << 4 | (t->flags & NT_SENT ? 1 : 0));
	return k;
}

size_t ner_tag_features(const struct ner_doc *d, size_t i, int prev, uint32_t *out)
{
	const struct ner_tok *t = &d->v[i];
	size_t k = 0;

	out[k++] = bucket(F_PT, (uint64_t)prev);
	out[k++] = bucket(F_PT_SHAPE, (uint64_t)prev << 32 | t->shape_hash);
	out[k++] = bucket(F_PT_WORD, (uint64_t)prev << 32 | t->hash);
	out[k++] = bucket(F_PT_LEX, (uint64_t)prev << 8 | t->lex);
	out[k++] = bucket(F_PT_GAZ, (uint64_t)prev << 8 | t->gaz);
	return k;
}

/* ---- the shipped model ---- */

static int16_t *weights; /* NER_BUCKETS * NER_ROW, decoded once */
static int model_err;
static pthread_once_t model_once = PTHREAD_ONCE_INIT;

static int b64(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* The data: base64 (no padding) of a byte stream of varints: for each
 * non-zero weight, the delta of its index (bucket * NER_ROW + tag) from
 * the previous one, then the zigzag-coded int16 value. */
static void model_decode(void)
{
	const char *s = ner_model_data;
	size_t n = ner_model_len, i;
	uint32_t acc = 0, idx = 0, v = 0;
	int bits = 0, shift = 0, state = 0;
	bool first = true;

	weights = calloc((size_t)NER_BUCKETS * NER_ROW, sizeof(*weights));
	if (!weights) {
		model_err = -ENOMEM;
		return;
	}
	for (i = 0; i < n; i++) {
		int c = b64(s[i]);

		if (c < 0)
			continue;
		acc = acc << 6 | (uint32_t)c;
		bits += 6;
		if (bits < 8)
			continue;
		bits -= 8;
		{
			unsigned byte = acc >> bits & 0xff;

			v |= (uint32_t)(byte & 0x7f) << shift;
			shift += 7;
			if (byte & 0x80)
				continue;
		}
		if (state == 0) {
			idx = first ? v : idx + v;
			first = false;
		} else if (idx < (uint32_t)NER_BUCKETS * NER_ROW) {
			weights[idx] = (int16_t)((v >> 1) ^ -(int32_t)(v & 1));
		}
		state ^= 1;
		v = 0;
		shift = 0;
	}
}

static inline void add_row(int32_t *sc, const int16_t *w)
{
	int t;

	for (t = 0; t < NER_ROW; t++)
		sc[t] += w[t];
}

/* Viterbi over the tags: the score of tag t at token i is the sum of the
 * rows of its tag-independent features plus those of the features of the
 * previous tag; back[i][t] keeps the best previous tag. */
int ner_tag(const struct ner_doc *d, uint8_t *tags)
{
	uint32_t f[NER_MAX_FEATS];
	int64_t delta[NER_TAGS], next[NER_TAGS];
	uint8_t(*back)[NER_TAGS] = NULL;
	size_t i, k, n;
	int t, p, best;

	pthread_once(&model_once, model_decode);
	if (model_err)
		return model_err;
	if (!d->n)
		return 0;
	back = malloc(d->n * sizeof(*back));
	if (!back)
		return -ENOMEM;
	for (i = 0; i < d->n; i++) {
		int32_t sc[NER_ROW] = {0};

		n = ner_features(d, i, f, false);
		for (k = 0; k < n; k++)
			add_row(sc, weights + (size_t)f[k] * NER_ROW);
		for (t = 0; t < NER_TAGS; t++)
			next[t] = INT64_MIN;
		for (p = 0; p < NER_TAGS; p++) {
			int32_t tr[NER_ROW] = {0};

			if (i ? delta[p] == INT64_MIN : p != NER_O)
				continue;
			n = ner_tag_features(d, i, p, f);
			for (k = 0; k < n; k++)
				add_row(tr, weights + (size_t)f[k] * NER_ROW);
			for (t = 0; t < NER_TAGS; t++) {
				int64_t v = (i ? delta[p] : 0) + tr[t] + sc[t];

				if (ner_allowed_at(d, i, p, t) && v > next[t]) {
					next[t] = v;
					back[i][t] = (uint8_t)p;
				}
			}
		}
		memcpy(delta, next, sizeof(delta));
	}
	for (best = 0, t = 1; t < NER_TAGS; t++)
		if (delta[t] > delta[best])
			best = t;
	for (i = d->n; i-- > 0;) {
		tags[i] = (uint8_t)best;
		best = back[i][best];
	}
	free(back);
	return 0;
}
