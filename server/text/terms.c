/* terms: the words of an article for the event stages, and its stemmed term
 * vector (what event clustering compares with TF-IDF cosine).
 *
 * Words are runs of letters, marks and digits (apostrophes and hyphens split
 * them: "l'accord" is "l" + "accord", "cessez-le-feu" three words). A word
 * is a term unless it is a stopword of the article's language (the
 * stopwords-iso lists of lexicon.c, matched folded; any language's list
 * when the article's has none), all digits, or one or two characters long.
 * A term is lower-cased (accents kept: the Snowball stemmers want them) and
 * stemmed by libstemmer's stemmer for the language; a language libstemmer
 * lacks keeps the lower-cased word. Its id is the 32-bit FNV-1a hash of the
 * stem: stable across runs and machines, with no table to share; two stems
 * with one hash become one term, which at ~10^5 distinct stems happens to
 * about one pair in a million comparisons of unrelated stems and is
 * accepted. The language is not in the hash: a name ("trump", "merkel")
 * has one id in every language, other stems rarely coincide.
 *
 * tf: the body's occurrences plus TEXT_TERM_TITLE_WEIGHT per occurrence in
 * the title (the title names the story in a few words). The vector keeps the
 * TEXT_MAX_TERMS highest tf (ties: lower id), sorted by id.
 *
 * Stemmers: sb_stemmer objects are not thread-safe, and one costs 0.17 µs
 * to create and delete (measured on the dev machine, libstemmer 2.2) against
 * ~0.2 µs per stemmed word, so each call makes its own; each distinct word
 * of a document is stemmed once.
 */
#include <errno.h>
#include <libstemmer.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_WORD 64 /* bytes of a lower-cased word; longer ones are no term */

static uint32_t fnv1a(const char *s, size_t len)
{
	uint32_t h = TEXT_LEX_HASH_INIT;
	size_t i;

	for (i = 0; i < len; i++)
		h = text_lex_hash_step(h, (unsigned char)s[i]);
	return h;
}

/* Distinct lower-cased words of one document and their stem keys. */
struct word_slot {
	uint32_t hash; /* of the lower-cased word; 0 slot empty when len == 0 */
	uint32_t key;
	uint32_t off; /* in pool */
	uint16_t len;
};

struct word_cache {
	struct word_slot *slots;
	size_t mask, n;
	struct strbuf pool;
	struct sb_stemmer *stemmer;
};

static int cache_grow(struct word_cache *c)
{
	size_t cap = c->slots ? (c->mask + 1) * 2 : 256, i;
	struct word_slot *v = calloc(cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (i = 0; c->slots && i <= c->mask; i++) {
		size_t j;

		if (!c->slots[i].len)
			continue;
		for (j = c->slots[i].hash & (cap - 1); v[j].len; j = (j + 1) & (cap - 1))
			;
		v[j] = c->slots[i];
	}
	free(c->slots);
	c->slots = v;
	c->mask = cap - 1;
	return 0;
}

/* Stem key of the lower-cased word w[0..len). 0 or -ENOMEM. */
static int stem_key(struct word_cache *c, const char *w, size_t len, uint32_t *key)
{
	uint32_t h = fnv1a(w, len);
	size_t i;
	const sb_symbol *st;

	if ((c->n + 1) * 2 > c->mask + 1 || !c->slots)
		if (cache_grow(c))
			return -ENOMEM;
	for (i = h & c->mask; c->slots[i].len; i = (i + 1) & c->mask)
		if (c->slots[i].hash == h && c->slots[i].len == len &&
		    !memcmp(c->pool.buf + c->slots[i].off, w, len)) {
			*key = c->slots[i].key;
			return 0;
		}
	if (!c->stemmer) {
		*key = h;
	} else {
		st = sb_stemmer_stem(c->stemmer, (const sb_symbol *)w, (int)len);
		if (!st)
			return -ENOMEM;
		*key = fnv1a((const char *)st, (size_t)sb_stemmer_length(c->stemmer));
	}
	c->slots[i] = (struct word_slot){
	        .hash = h, .key = *key, .off = (uint32_t)c->pool.len, .len = (uint16_t)len};
	c->n++;
	return strbuf_add(&c->pool, w, len);
}

static int push_tok(struct text_toks *t, const struct text_tok *k)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 512;
		struct text_tok *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = *k;
	return 0;
}

/* Lower-case s[0..len) into out (MAX_WORD bytes); returns the length, 0 when
 * it does not fit. *ascii: every byte ASCII; *chars: code points; *digits:
 * every code point a digit. */
static size_t lower_word(const char *s, size_t len, char *out, bool *ascii, size_t *chars,
                         bool *digits)
{
	size_t i = 0, o = 0;

	*ascii = true;
	*digits = true;
	*chars = 0;
	while (i < len) {
		int32_t cp;
		int n = utf8_next(s + i, &cp);

		i += (size_t)n;
		(*chars)++;
		if (cp < '0' || cp > '9')
			*digits = false;
		if (cp < 0x80) {
			if (o + 1 >= MAX_WORD)
				return 0;
			out[o++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		} else {
			*ascii = false;
			if (o + 4 >= MAX_WORD)
				return 0;
			o += (size_t)text_utf8_put(utf8proc_tolower(cp), out + o);
		}
	}
	out[o] = '\0';
	return o;
}

/* Tokens of s (title or body) appended to t. */
static int scan(struct text_toks *t, const char *s, bool title, int stop_lang, struct word_cache *c)
{
	size_t i = 0;
	unsigned para = 0, newlines = 0; /* newlines since the last word */
	bool sent = true, seen = false;

	while (s[i]) {
		int32_t cp;
		int n = utf8_next(s + i, &cp);
		struct text_tok k = {0};
		char low[MAX_WORD], fold[MAX_WORD * 2];
		size_t start, ll, fl, chars;
		bool ascii, digits;
		uint32_t mask;
		int err;

		if (!text_is_wordchar(cp)) {
			if (cp == '\n')
				newlines++;
			else if (cp == '.' || cp == '!' || cp == '?' || cp == ';' || cp == ':' ||
			         cp == 0x2026)
				sent = true;
			i += (size_t)n;
			continue;
		}
		if (newlines) {
			sent = true;
			if (newlines >= 2 && seen && !title)
				para++;
			newlines = 0;
		}
		seen = true;
		start = i;
		while (s[i]) {
			n = utf8_next(s + i, &cp);
			if (!text_is_wordchar(cp))
				break;
			i += (size_t)n;
		}
		k.start = (int)start;
		k.end = (int)i;
		k.para = (uint16_t)(para > UINT16_MAX ? UINT16_MAX : para);
		k.flags = (uint8_t)((title ? TEXT_TOK_TITLE : 0) | (sent ? TEXT_TOK_SENT : 0));
		sent = false;
		ll = lower_word(s + start, i - start, low, &ascii, &chars, &digits);
		if (!ll) { /* too long: a word, never a term */
			k.word = k.key = fnv1a(s + start, i - start);
			if ((err = push_tok(t, &k)))
				return err;
			continue;
		}
		if (ascii) {
			memcpy(fold, low, ll + 1);
			fl = ll;
		} else {
			fl = text_fold(low, ll, fold, sizeof(fold));
		}
		k.word = k.key = fnv1a(fold, fl);
		mask = text_lex_stop_mask_h(fold, fl, k.word);
		if (!digits && chars >= 3 && !(stop_lang >= 0 ? mask >> stop_lang & 1 : mask)) {
			k.flags |= TEXT_TOK_TERM;
			if ((err = stem_key(c, low, ll, &k.key)))
				return err;
		}
		if ((err = push_tok(t, &k)))
			return err;
	}
	return 0;
}

int text_event_tokens(const char *title, const char *body, const char *lang, struct text_toks *t)
{
	struct word_cache c = {0};
	int err = 0, stop_lang = text_lex_stop_lang(lang);

	strbuf_init(&c.pool);
	if (lang)
		c.stemmer = sb_stemmer_new(lang, "UTF_8"); /* NULL: no such stemmer (or ENOMEM) */
	if (title)
		err = scan(t, title, true, stop_lang, &c);
	if (!err && body)
		err = scan(t, body, false, stop_lang, &c);
	if (c.stemmer)
		sb_stemmer_delete(c.stemmer);
	free(c.slots);
	strbuf_release(&c.pool);
	return err;
}

void text_event_tokens_release(struct text_toks *t)
{
	free(t->v);
	*t = TEXT_TOKS_INIT;
}

static int by_tf_desc(const void *a, const void *b)
{
	const struct text_term *x = a, *y = b;

	if (x->tf != y->tf)
		return x->tf > y->tf ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int by_id(const void *a, const void *b)
{
	const struct text_term *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int text_terms_build(const struct text_toks *t, struct text_term **out, size_t *n)
{
	struct text_term *tab, *v;
	size_t cap = 64, i, j, m = 0;

	*out = NULL;
	*n = 0;
	while (cap < t->n * 2)
		cap *= 2;
	tab = calloc(cap, sizeof(*tab)); /* open addressing on id; tf 0: empty */
	if (!tab)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		const struct text_tok *k = &t->v[i];

		if (!(k->flags & TEXT_TOK_TERM))
			continue;
		for (j = k->key & (cap - 1); tab[j].tf > 0 && tab[j].id != k->key;
		     j = (j + 1) & (cap - 1))
			;
		if (tab[j].tf == 0) {
			tab[j].id = k->key;
			m++;
		}
		tab[j].tf += k->flags & TEXT_TOK_TITLE ? TEXT_TERM_TITLE_WEIGHT : 1;
	}
	if (!m) {
		free(tab);
		return 0;
	}
	for (i = 0, j = 0; i < cap; i++)
		if (tab[i].tf > 0)
			tab[j++] = tab[i];
	qsort(tab, m, sizeof(*tab), by_tf_desc);
	if (m > TEXT_MAX_TERMS)
		m = TEXT_MAX_TERMS;
	qsort(tab, m, sizeof(*tab), by_id);
	v = realloc(tab, m * sizeof(*v));
	*out = v ? v : tab;
	*n = m;
	return 0;
}

static double weight(const struct text_term *t, double (*idf)(uint32_t id, void *ctx), void *ctx)
{
	double w = t->tf > 0 ? 1.0 + log(t->tf) : 0.0;

	return idf ? w * idf(t->id, ctx) : w;
}

double text_terms_cosine(const struct text_term *a, size_t na, const struct text_term *b, size_t nb,
                         double (*idf)(uint32_t id, void *ctx), void *ctx)
{
	double dot = 0, sa = 0, sb = 0, w;
	size_t i = 0, j = 0;

	for (i = 0; i < na; i++) {
		w = weight(&a[i], idf, ctx);
		sa += w * w;
	}
	for (j = 0; j < nb; j++) {
		w = weight(&b[j], idf, ctx);
		sb += w * w;
	}
	if (sa <= 0 || sb <= 0)
		return 0;
	for (i = 0, j = 0; i < na && j < nb;) {
		if (a[i].id < b[j].id) {
			i++;
		} else if (a[i].id > b[j].id) {
			j++;
		} else {
			dot += weight(&a[i], idf, ctx) * weight(&b[j], idf, ctx);
			i++;
			j++;
		}
	}
	w = dot / sqrt(sa * sb);
	return w > 1 ? 1 : w < 0 ? 0 : w;
}
