/* entities: capitalised-name mentions, grouped per article.
 *
 * The foundation tagger; a later issue brings a statistical one. Two passes:
 *
 * 1. tokenize(): words with their byte spans and flags: capitalised,
 *    sentence-initial, "glued" (only spaces since the previous word, no
 *    punctuation), acronym. French/Italian elisions are split off the front
 *    ("l'Élysée" -> "Élysée"), an English possessive off the back ("Trump's"),
 *    and the dot of an abbreviation or initial ("M.", "F.") stays with its word
 *    so that it neither ends the sentence nor breaks a name. Lower-case words
 *    go into a hash set (rule d below).
 * 2. Names: a run of glued capitalised words, which may hold up to two
 *    lower-case particles between capitalised words ("Charles de Gaulle",
 *    "Ursula von der Leyen"). Then, in add_name():
 *    - leading title words are dropped and mark a person ("M.", "President");
 *      at a sentence start leading function words are dropped too ("Le
 *      Kremlin" -> "Kremlin"), but not elsewhere ("Marine Le Pen");
 *    - a title inside the run, followed by capitalised words only, ends a job
 *      description: "Transport Minister Sanne Bakker" -> person "Sanne Bakker"
 *      (but "Junta General del Principado" stays whole);
 *    - an organisation word followed by two or more capitalised words splits
 *      the run: "du Kremlin Iouri Ouchakov" -> "Kremlin", "Iouri Ouchakov".
 *
 * Mentions are grouped by text_normalize_key(); a one-word group joins the
 * multi-word group whose last word it is ("Poutine" -> "Vladimir Poutine")
 * when exactly one such group exists. One-word groups left alone are then
 * dropped when (a) shorter than two letters, (b) a function word or a title
 * ("Présidents"), (c) only ever seen at a sentence start without a cue, where
 * the capital proves nothing ("Hundreds", "Qualifié"), (d) seen in lower case
 * elsewhere in the text, or (e) in German, where every noun is capitalised,
 * neither an acronym nor preceded by a person or place cue.
 *
 * Kind: organisation when a word says so (text_lex_is_org_word); else person
 * when preceded by a title at least as often as by a place preposition; else
 * location when preceded by one ("à", "in", "nach", possibly with an
 * article: "à la Maison Blanche"); else other.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define TOK_CAP 0x01   /* first letter (after an elision) is upper case */
#define TOK_SENT 0x02  /* first word of a sentence */
#define TOK_GLUED 0x04 /* only spaces between it and the previous word */
#define TOK_ACRO 0x08  /* two or more letters, all upper case */
#define TOK_DOT 0x10   /* abbreviation or initial; its '.' is inside end */

#define MAX_NAME_WORDS 8
#define FOLD_MAX 64

struct tok {
	uint32_t start; /* first byte */
	uint32_t name;  /* first byte after an elided article, else start */
	uint32_t end;   /* one past the last byte kept */
	uint8_t flags;
};

struct toks {
	struct tok *v;
	size_t n, alloc;
};

/* Hash set of 64-bit hashes (0 = empty slot). */
struct hset {
	uint64_t *v;
	size_t cap, n;
};

struct ent {
	char *key;
	char *name; /* longest surface form */
	size_t name_len;
	int count, first_offset;
	int person, place; /* cue votes */
	bool org, acronym, cued;
	bool mid;        /* seen at least once away from a sentence start */
	int merged_into; /* -1, or the index of the group it joined */
};

struct ents {
	struct ent *v;
	size_t n, alloc;
	int *slots; /* open addressing over v by key, -1 = empty */
	size_t cap;
};

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h ? h : 1;
}

static int hset_add(struct hset *s, uint64_t h)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256, j;
		uint64_t *v = calloc(cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		for (j = 0; j < s->cap; j++) {
			if (!s->v[j])
				continue;
			for (i = s->v[j] & (cap - 1); v[i]; i = (i + 1) & (cap - 1))
				;
			v[i] = s->v[j];
		}
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	for (i = h & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == h)
			return 0;
	s->v[i] = h;
	s->n++;
	return 0;
}

static bool hset_has(const struct hset *s, uint64_t h)
{
	size_t i;

	if (!s->cap)
		return false;
	for (i = h & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == h)
			return true;
	return false;
}

/* ---- pass 1: words ---- */

/* Folded form of a word, without its elision or abbreviation dot. */
static const char *fold_tok(const char *body, const struct tok *t, char *buf)
{
	size_t end = t->end;

	if (t->flags & TOK_DOT)
		end--;
	text_fold(body + t->name, end - t->name, buf, FOLD_MAX);
	return buf;
}

static int push_tok(struct toks *tv, struct tok t)
{
	if (tv->n == tv->alloc) {
		size_t alloc = tv->alloc ? tv->alloc * 2 : 256;
		struct tok *v = realloc(tv->v, alloc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		tv->v = v;
		tv->alloc = alloc;
	}
	tv->v[tv->n++] = t;
	return 0;
}

static bool is_apostrophe(int32_t cp)
{
	return cp == '\'' || cp == 0x2019;
}

static bool opens_quote(int32_t cp)
{
	return cp == '"' || cp == 0xab || cp == 0x201c || cp == 0x201e || cp == 0x2018;
}

/* Letters of s[0..len): how many, and whether all are upper case. */
static unsigned count_letters(const char *s, size_t len, bool *all_upper)
{
	unsigned letters = 0;
	size_t i = 0;

	*all_upper = true;
	while (i < len) {
		int32_t cp;

		i += (size_t)utf8_next(s + i, &cp);
		if (text_is_letter(cp)) {
			letters++;
			*all_upper &= text_is_upper(cp);
		}
	}
	return letters;
}

/* Scan the word starting at i into t; returns the index after it. */
static size_t scan_word(const char *body, size_t len, size_t i, struct tok *t)
{
	char f[FOLD_MAX];
	size_t j = i, name = i, end;
	int32_t cp, first;
	unsigned letters;
	bool all_upper;

	while (j < len) {
		int n = utf8_next(body + j, &cp);
		int32_t next;

		if (text_is_wordchar(cp)) {
			j += (size_t)n;
			continue;
		}
		if (!text_is_joiner(cp) || j + (size_t)n >= len)
			break;
		utf8_next(body + j + (size_t)n, &next);
		if (!text_is_wordchar(next))
			break;
		if (is_apostrophe(cp) && name == i) {
			text_fold(body + i, j - i, f, sizeof(f));
			if (text_lex_is_elision(f))
				name = j + (size_t)n;
		}
		j += (size_t)n;
	}
	end = j;
	/* English possessive: "Trump's" -> "Trump". */
	if (end - name > 2 && (body[end - 1] == 's' || body[end - 1] == 'S')) {
		if (body[end - 2] == '\'')
			end -= 2;
		else if (end - name > 4 && !memcmp(body + end - 4, "\xe2\x80\x99", 3))
			end -= 4;
	}
	letters = count_letters(body + name, end - name, &all_upper);
	utf8_next(body + name, &first);
	*t = (struct tok){.start = (uint32_t)i, .name = (uint32_t)name, .end = (uint32_t)end};
	if (text_is_upper(first))
		t->flags |= TOK_CAP;
	if (letters >= 2 && all_upper)
		t->flags |= TOK_ACRO;
	if (j < len && body[j] == '.' && end == j && (t->flags & TOK_CAP)) {
		text_fold(body + name, end - name, f, sizeof(f));
		if ((letters == 1 && all_upper && end - name <= 2) || text_lex_is_abbrev(f)) {
			t->flags |= TOK_DOT;
			t->end = (uint32_t)(++j);
		}
	}
	return j;
}

static int tokenize(const char *body, size_t len, struct toks *tv, struct hset *lower)
{
	size_t i = 0;
	bool sent = true, glued = false;
	int err = 0;

	while (i < len && !err) {
		int32_t cp;
		int n = utf8_next(body + i, &cp);
		struct tok t;

		if (text_is_wordchar(cp)) {
			i = scan_word(body, len, i, &t);
			if (sent)
				t.flags |= TOK_SENT;
			if (glued)
				t.flags |= TOK_GLUED;
			err = push_tok(tv, t);
			if (!err && !(t.flags & TOK_CAP) && text_is_letter(cp)) {
				char f[FOLD_MAX];
				size_t fl = text_fold(body + t.name, t.end - t.name, f, sizeof(f));

				err = hset_add(lower, fnv1a(f, fl));
			}
			sent = false;
			glued = true;
			continue;
		}
		if (cp != ' ') {
			glued = false;
			if (text_is_newline(cp) || cp == '.' || cp == '!' || cp == '?' ||
			    cp == 0x2026 || opens_quote(cp))
				sent = true;
		}
		i += (size_t)n;
	}
	return err;
}

/* ---- pass 2: names ---- */

static bool has_flag(const struct toks *tv, size_t k, uint8_t flag)
{
	return k < tv->n && (tv->v[k].flags & flag);
}

/* Last word index of the name starting at capitalised word k. Particles:
 * "der"/"den" only after "von"/"van" ("von der Leyen"), and no German "des"
 * ("Angaben des Ministeriums" is no name). */
static size_t extend_name(const char *body, const struct toks *tv, size_t k, const char *lang)
{
	bool german = lang && !strcmp(lang, "de");
	size_t end = k, j = k + 1;

	while (j - k < MAX_NAME_WORDS && has_flag(tv, j, TOK_GLUED)) {
		size_t p = j;
		bool after_von = false;

		if (tv->v[j].flags & TOK_CAP) {
			end = j++;
			continue;
		}
		while (p < j + 2 && has_flag(tv, p, TOK_GLUED) && !has_flag(tv, p, TOK_CAP)) {
			char f[FOLD_MAX];

			fold_tok(body, &tv->v[p], f);
			if (!text_lex_is_particle(f) ||
			    ((!strcmp(f, "der") || !strcmp(f, "den")) && !after_von) ||
			    (german && !strcmp(f, "des")))
				break;
			after_von = !strcmp(f, "von") || !strcmp(f, "van");
			p++;
		}
		if (p == j || !has_flag(tv, p, TOK_GLUED) || !has_flag(tv, p, TOK_CAP))
			break;
		end = p;
		j = p + 1;
	}
	return end;
}

static bool tok_is_place_prep(const char *body, const struct tok *t)
{
	char f[FOLD_MAX];

	return text_lex_is_place_prep(body + t->start, t->end - t->start, fold_tok(body, t, f));
}

/* Cues from the words right before name word a: a title (person), or a place
 * preposition, possibly followed by an article ("à la Maison Blanche"). */
static void cues_before(const char *body, const struct toks *tv, size_t a, int *person, int *place)
{
	const struct tok *t = &tv->v[a], *prev = a ? &tv->v[a - 1] : NULL;
	char f[FOLD_MAX];

	if (!prev || !(t->flags & TOK_GLUED))
		return;
	if (text_lex_is_title(fold_tok(body, prev, f)))
		(*person)++;
	else if (tok_is_place_prep(body, prev))
		(*place)++;
	else if (t->name == t->start && a >= 2 && (prev->flags & TOK_GLUED) && /* f: prev */
	         text_lex_is_article(f) && tok_is_place_prep(body, &tv->v[a - 2]))
		(*place)++;
}

static int ents_grow(struct ents *es)
{
	size_t cap = es->cap ? es->cap * 2 : 64, i, j;
	int *slots;

	if (es->n == es->alloc) {
		size_t alloc = es->alloc ? es->alloc * 2 : 32;
		struct ent *v = realloc(es->v, alloc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		es->v = v;
		es->alloc = alloc;
	}
	if (2 * (es->n + 1) <= es->cap)
		return 0;
	slots = malloc(cap * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < cap; i++)
		slots[i] = -1;
	for (i = 0; i < es->n; i++) {
		j = fnv1a(es->v[i].key, strlen(es->v[i].key)) & (cap - 1);
		while (slots[j] >= 0)
			j = (j + 1) & (cap - 1);
		slots[j] = (int)i;
	}
	free(es->slots);
	es->slots = slots;
	es->cap = cap;
	return 0;
}

/* Slot of key in es->slots: its group, or the empty slot to fill. */
static size_t ents_slot(const struct ents *es, const char *key)
{
	size_t i = fnv1a(key, strlen(key)) & (es->cap - 1);

	while (es->slots[i] >= 0 && strcmp(es->v[es->slots[i]].key, key))
		i = (i + 1) & (es->cap - 1);
	return i;
}

/* Record the mention made of words a..b. person: title votes found while
 * trimming the run; initial: the mention starts its sentence. */
static int add_span(struct ents *es, const char *body, const struct toks *tv, size_t a, size_t b,
                    int person, bool initial)
{
	size_t from = tv->v[a].name, to = tv->v[b].end, slot, k;
	char *surface = strndup(body + from, to - from), *key = NULL;
	char f[FOLD_MAX];
	struct ent *e;
	int place = 0, err = 0;
	bool org = false;

	if (surface)
		key = text_normalize_key(surface);
	free(surface);
	if (!key)
		return -ENOMEM;
	err = ents_grow(es);
	if (err)
		goto out;
	cues_before(body, tv, a, &person, &place);
	for (k = a; k <= b && !org; k++)
		org = text_lex_is_org_word(fold_tok(body, &tv->v[k], f));
	slot = ents_slot(es, key);
	if (es->slots[slot] < 0) {
		es->slots[slot] = (int)es->n;
		es->v[es->n++] =
		        (struct ent){.key = key, .first_offset = (int)from, .merged_into = -1};
		key = NULL;
	}
	e = &es->v[es->slots[slot]];
	if (to - from > e->name_len) {
		char *name = strndup(body + from, to - from);

		if (!name) {
			err = -ENOMEM;
			goto out;
		}
		free(e->name);
		e->name = name;
		e->name_len = to - from;
	}
	e->count++;
	e->person += person > 0;
	e->place += place > 0;
	e->org |= org;
	e->acronym |= a == b && (tv->v[a].flags & TOK_ACRO);
	e->cued |= person || place;
	e->mid |= !initial;
out:
	free(key);
	return err;
}

/* Words from..to are all capitalised (no particle among them). */
static bool all_caps(const struct toks *tv, size_t from, size_t to)
{
	for (; from <= to; from++)
		if (!(tv->v[from].flags & TOK_CAP))
			return false;
	return true;
}

/* Trim and split the run of words a..b (see the header comment), then record
 * what is left. */
static int add_name(struct ents *es, const char *body, const struct toks *tv, size_t a, size_t b,
                    const char *lang)
{
	bool sent = tv->v[a].flags & TOK_SENT;
	size_t first = a, k;
	char f[FOLD_MAX];
	int person = 0, err;

	while (a <= b) {
		const struct tok *t = &tv->v[a];

		fold_tok(body, t, f);
		if (text_lex_is_title(f))
			person++;
		else if ((t->flags & TOK_CAP) && !(sent && text_lex_is_stopword(lang, f)))
			break;
		a++;
	}
	if (a > b)
		return 0;
	for (k = a + 1; k < b; k++) {
		if (text_lex_is_title(fold_tok(body, &tv->v[k], f)) && all_caps(tv, k + 1, b)) {
			a = k + 1;
			person++;
		}
	}
	for (k = a; k + 2 <= b; k++) {
		if (text_lex_is_org_word(fold_tok(body, &tv->v[k], f)) && all_caps(tv, k + 1, b))
			break;
	}
	if (k + 2 <= b) {
		err = add_span(es, body, tv, a, k, 0, a == first && sent);
		if (err)
			return err;
		a = k + 1;
	}
	return add_span(es, body, tv, a, b, person, a == first && sent);
}

/* ---- grouping and output ---- */

/* One-word groups join the single multi-word group ending with them. The
 * map is keyed by last word; a second multi-word group with the same last
 * word marks it ambiguous (-2). */
static int merge_one_word(struct ents *es)
{
	size_t cap = 64, i, j;
	const char **keys;
	int *val, err = 0;

	while (cap < 2 * es->n + 2)
		cap *= 2;
	keys = calloc(cap, sizeof(*keys));
	val = calloc(cap, sizeof(*val));
	if (!keys || !val) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < es->n; i++) {
		const char *lw = strrchr(es->v[i].key, ' ');

		if (!lw++)
			continue;
		j = fnv1a(lw, strlen(lw)) & (cap - 1);
		while (keys[j] && strcmp(keys[j], lw))
			j = (j + 1) & (cap - 1);
		val[j] = keys[j] ? -2 : (int)i;
		keys[j] = lw;
	}
	for (i = 0; i < es->n; i++) {
		struct ent *e = &es->v[i], *m;

		if (strchr(e->key, ' '))
			continue;
		j = fnv1a(e->key, strlen(e->key)) & (cap - 1);
		while (keys[j] && strcmp(keys[j], e->key))
			j = (j + 1) & (cap - 1);
		if (!keys[j] || val[j] < 0)
			continue;
		m = &es->v[val[j]];
		m->count += e->count;
		if (e->first_offset < m->first_offset)
			m->first_offset = e->first_offset;
		m->person += e->person;
		m->place += e->place;
		m->org |= e->org;
		m->cued |= e->cued;
		m->mid = true;
		e->merged_into = val[j];
	}
out:
	free(keys);
	free(val);
	return err;
}

static bool keep_one_word(const struct ent *e, const struct hset *lower, const char *lang)
{
	size_t kl = strlen(e->key);
	bool all_upper;
	char sing[FOLD_MAX];

	if (count_letters(e->key, kl, &all_upper) < 2 || text_lex_is_stopword(lang, e->key) ||
	    text_lex_is_title(e->key))
		return false;
	if (kl > 1 && kl < sizeof(sing) && e->key[kl - 1] == 's') {
		memcpy(sing, e->key, kl - 1);
		sing[kl - 1] = '\0';
		if (text_lex_is_title(sing))
			return false; /* "Présidents" */
	}
	if (!e->mid && !e->cued)
		return false;
	if (hset_has(lower, fnv1a(e->key, kl)))
		return false;
	if (lang && !strcmp(lang, "de") && !e->cued && !e->acronym)
		return false;
	return true;
}

static int cmp_entity(const void *a, const void *b)
{
	const struct text_entity *x = a, *y = b;

	if (x->count != y->count)
		return y->count - x->count;
	return x->first_offset - y->first_offset;
}

static enum text_entity_kind kind_of(const struct ent *e)
{
	if (e->org)
		return TEXT_ENTITY_ORGANIZATION;
	if (e->person && e->person >= e->place)
		return TEXT_ENTITY_PERSON;
	if (e->place)
		return TEXT_ENTITY_LOCATION;
	return TEXT_ENTITY_OTHER;
}

/* Move the surviving groups into a sorted text_entity array. */
static int emit(struct ents *es, const struct hset *lower, const char *lang,
                struct text_entity **out, size_t *n)
{
	struct text_entity *v;
	size_t i, k = 0;

	if (!es->n)
		return 0;
	v = calloc(es->n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < es->n; i++) {
		struct ent *e = &es->v[i];

		if (e->merged_into >= 0)
			continue;
		if (!strchr(e->key, ' ') && !keep_one_word(e, lower, lang))
			continue;
		v[k++] = (struct text_entity){.name = e->name,
		                              .key = e->key,
		                              .kind = kind_of(e),
		                              .count = e->count,
		                              .first_offset = e->first_offset};
		e->name = NULL;
		e->key = NULL;
	}
	qsort(v, k, sizeof(*v), cmp_entity);
	for (i = TEXT_MAX_ENTITIES; i < k; i++) {
		free(v[i].name);
		free(v[i].key);
	}
	if (k > TEXT_MAX_ENTITIES)
		k = TEXT_MAX_ENTITIES;
	if (!k) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n = k;
	return 0;
}

void text_entities_free(struct text_entity *v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].key);
	}
	free(v);
}

int text_entities_extract(const char *body, const char *lang, struct text_entity **out, size_t *n)
{
	struct toks tv = {0};
	struct hset lower = {0};
	struct ents es = {0};
	size_t len = strlen(body), k, i;
	int err;

	*out = NULL;
	*n = 0;
	if (len >= UINT32_MAX)
		return 0; /* offsets are 32-bit; no article is 4 GB */
	err = tokenize(body, len, &tv, &lower);
	for (k = 0; !err && k < tv.n; k++) {
		size_t b;

		if (!(tv.v[k].flags & TOK_CAP))
			continue;
		b = extend_name(body, &tv, k, lang);
		err = add_name(&es, body, &tv, k, b, lang);
		k = b;
	}
	if (!err)
		err = merge_one_word(&es);
	if (!err)
		err = emit(&es, &lower, lang, out, n);
	for (i = 0; i < es.n; i++) {
		free(es.v[i].key);
		free(es.v[i].name);
	}
	free(es.v);
	free(es.slots);
	free(tv.v);
	free(lower.v);
	return err;
}
