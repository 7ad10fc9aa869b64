/* entities: named entities of a clean body, with in-document coreference.
 *
 * 1. Tokens (ner.c: ner_tokenize): words with byte spans; elisions split off
 *    the front ("l'Élysée" -> "l'" + "Élysée"), an English possessive off
 *    the back ("Trump's"), the dot of an initial or a known abbreviation
 *    kept with its word ("M.", "F."); flags for case, sentence start, line
 *    break, quotes, headline (a sentence mostly in capitals); classes from
 *    lexicon.c's hand lists (title "président", "Minister", "M."; place
 *    preposition "à", "in", "nach"; article; organisation word "ministère",
 *    "Bank"; name particle "de", "von"; stopword of the article's language;
 *    calendar word); gazetteer bits (data/kb/gazetteer.tsv, embedded by
 *    ner_gaz.c: the token belongs to a known person, place or organisation
 *    name, and the longest known name starting at a capitalised token); and
 *    two document-level flags: the same word also appears in lower case, or
 *    capitalised away from a sentence start, elsewhere in the text.
 *
 * 2. Tagging (ner.c: ner_tag): an averaged perceptron over BIO tags (B-PER,
 *    I-PER, B-LOC, I-LOC, B-ORG, I-ORG, O), decoded greedily left to right
 *    with the two previous tags as features and the BIO constraint (I-X only
 *    after B-X or I-X). About forty hashed features per token (2^18 rows of
 *    int16, one column per tag): the word itself, its shape ("Xx", "X.",
 *    "d"), suffixes and prefix, the neighbours' words, shapes and classes,
 *    the capitalisation pattern of the window, the flags and gazetteer bits
 *    above. The model (ner_model.c) is trained by tools/ner_train.c
 *    (`make ner-model`) on French newspapers only (see data/ner/README.md for
 *    the sets and their licences) plus the project's own sentences in
 *    several languages; word identity was dropped from a quarter of the
 *    training tokens so that the language-neutral features carry weight and
 *    the model transfers to English, German, Spanish and Italian.
 *
 * 3. Rules on the tagged spans: leading titles, articles and elisions are
 *    trimmed ("le président Emmanuel Macron" -> "Emmanuel Macron") and make
 *    the mention a person when a title was there; a span made only of
 *    stopwords, calendar words or titles, or of fewer than two letters, is
 *    dropped; an acronym defined in parentheses right after its long form
 *    ("l'Organisation du traité de l'Atlantique nord (OTAN)", matched by
 *    initials, skipping function words) makes the long form one
 *    organisation mention, the acronym another of the same entity.
 *
 * 4. Coreference: mentions with the same text_normalize_key() form one
 *    group; a group whose words are the last words of exactly one longer
 *    person group joins it ("Trump", "M. Trump" -> "Donald Trump";
 *    "Le Pen" -> "Marine Le Pen"); when two or more longer people end that
 *    way ("Iouri Ouchakov" and "Vladimir Ouchakov"), the short form is not
 *    guessed: it stays its own entity. An acronym joins its long form only
 *    where the text defines it; otherwise "OTAN" is its own entity.
 *
 * An entity's name is its fullest surface form (most words, then most bytes,
 * then first seen); key = text_normalize_key(name); forms are the distinct
 * keys of all its mentions, the name's first; kind is the majority of its
 * mentions' tags (a title cue counts for a person). Entities are sorted by
 * mention count, then first offset, and capped at TEXT_MAX_ENTITIES.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ner.h"

struct mention {
	uint32_t start, end; /* bytes */
	uint32_t a, b;       /* first and last token */
	char *key;           /* text_normalize_key of the surface, owned */
	int votes[NER_TYPES];
	unsigned words;
	int group; /* index into groups */
};

struct group {
	const char *key; /* borrowed from its first mention */
	unsigned words;
	int votes[NER_TYPES];
	int parent; /* union-find */
	bool acronym;
};

struct mentions {
	struct mention *v;
	size_t n, alloc;
};

static int push_mention(struct mentions *ms, const struct mention *m)
{
	if (ms->n == ms->alloc) {
		size_t alloc = ms->alloc ? 2 * ms->alloc : 64;
		struct mention *v = realloc(ms->v, alloc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ms->v = v;
		ms->alloc = alloc;
	}
	ms->v[ms->n++] = *m;
	return 0;
}

static bool tok_has_letter2(const struct ner_doc *d, const struct ner_tok *t)
{
	return (t->flags & NT_WORD) && !(t->flags & NT_DIGIT) && t->flen >= 2;
}

/* A token that can start or end a name. */
static bool name_edge(const struct ner_tok *t)
{
	return (t->flags & (NT_CAP | NT_DIGIT)) && !(t->flags & (NT_ELIDED | NT_POSS));
}

/* Trim and check tokens a..b of type ty, then record the mention. */
static int add_span(struct mentions *ms, const struct ner_doc *d, size_t a, size_t b, int ty,
                    bool exact)
{
	struct mention m = {0};
	bool title = false, content = false;
	size_t k;
	char *surface;

	/* Leading titles, articles, elisions, punctuation: "le président X". */
	while (a <= b) {
		const struct ner_tok *t = &d->v[a];

		if (t->lex & NL_TITLE && a < b)
			title = true;
		else if (name_edge(t) && !((t->lex & (NL_STOP | NL_ARTICLE)) && a < b &&
		                           (t->flags & NT_SENT) && !(t->flags & NT_ALLCAP)))
			break;
		a++;
	}
	/* A title inside, followed by capitalised words only, ends a job
	 * description: "Transport Minister Sanne Bakker". */
	for (k = a + 1; k < b; k++) {
		size_t j;
		bool caps = true;

		if (!(d->v[k].lex & NL_TITLE))
			continue;
		for (j = k + 1; j <= b; j++)
			caps &= (d->v[j].flags & NT_CAP) != 0;
		if (caps) {
			a = k + 1;
			title = true;
		}
	}
	while (!exact && b > a && !name_edge(&d->v[b]))
		b--;
	if (a > b || !name_edge(&d->v[a]) || (!exact && !name_edge(&d->v[b])))
		return 0;
	for (k = a; k <= b; k++) {
		const struct ner_tok *t = &d->v[k];

		if (tok_has_letter2(d, t) && !(t->lex & (NL_STOP | NL_CAL | NL_TITLE)))
			content = true;
		else if ((t->flags & NT_ALLCAP) && t->flen >= 2)
			content = true;
	}
	if (!content)
		return 0;
	if (title && ty != NER_PER && a == b)
		ty = NER_PER; /* "M. Ouchakov" */
	m.start = d->v[a].start;
	m.end = d->v[b].end;
	m.a = (uint32_t)a;
	m.b = (uint32_t)b;
	m.votes[ty]++;
	if (title && ty == NER_PER)
		m.votes[NER_PER]++;
	surface = strndup(d->text + m.start, m.end - m.start);
	if (!surface)
		return -ENOMEM;
	m.key = text_normalize_key(surface);
	free(surface);
	if (!m.key)
		return -ENOMEM;
	m.words = 1;
	for (k = 0; m.key[k]; k++)
		m.words += m.key[k] == ' ';
	if (push_mention(ms, &m)) {
		free(m.key);
		return -ENOMEM;
	}
	return 0;
}

/* ---- acronyms defined in the text: "Long Form (LF)" ---- */

static unsigned first_letter(const struct ner_doc *d, const struct ner_tok *t)
{
	const char *f = d->pool + t->fold;

	return (unsigned char)f[0];
}

/* Is token k "ACR" in "( ACR )" right after token a..? Returns the first
 * token of the long form, or -1. */
static long acronym_long_form(const struct ner_doc *d, size_t k)
{
	const struct ner_tok *t = &d->v[k];
	const char *acr = d->pool + t->fold;
	long i = (long)t->flen - 1, j = (long)k - 2, start = -1;

	if (!(t->flags & NT_ALLCAP) || t->flen < 2 || t->flen > 8 || k < 2 || k + 1 >= d->n ||
	    strcmp(d->pool + d->v[k - 1].fold, "(") || strcmp(d->pool + d->v[k + 1].fold, ")"))
		return -1;
	for (; i >= 0 && j >= 0; j--) {
		const struct ner_tok *w = &d->v[j];

		if (!(w->flags & NT_WORD))
			return -1;
		if (first_letter(d, w) == (unsigned char)acr[i]) {
			i--;
			start = j;
		} else if (!(w->flags & NT_ELIDED) &&
		           !(w->lex & (NL_STOP | NL_ARTICLE | NL_PARTICLE))) {
			return -1;
		}
	}
	if (i >= 0 || start < 0 || !(d->v[start].flags & NT_CAP))
		return -1;
	return start;
}

/* ---- grouping ---- */

static int cmp_mention_key(const void *x, const void *y)
{
	const struct mention *a = *(const struct mention *const *)x,
	                     *b = *(const struct mention *const *)y;
	int c = strcmp(a->key, b->key);

	return c ? c : (a->start > b->start) - (a->start < b->start);
}

static int find(struct group *g, int i)
{
	while (g[i].parent != i) {
		g[i].parent = g[g[i].parent].parent;
		i = g[i].parent;
	}
	return i;
}

static int group_type(const int *votes)
{
	int t, best = NER_PER;

	for (t = NER_PER; t < NER_TYPES; t++)
		if (votes[t] > votes[best])
			best = t;
	return votes[best] ? best : NER_NONE;
}

struct suffix {
	const char *s; /* a proper word suffix of a person group's key */
	int group;
};

static int cmp_suffix(const void *x, const void *y)
{
	const struct suffix *a = x, *b = y;
	int c = strcmp(a->s, b->s);

	return c ? c : a->group - b->group;
}

/* Short forms join the one longer person group ending with them. */
static int link_short_forms(struct group *g, size_t ng)
{
	struct suffix *sv;
	size_t n = 0, i, cap = 0;

	for (i = 0; i < ng; i++)
		if (group_type(g[i].votes) == NER_PER)
			cap += g[i].words - 1;
	if (!cap)
		return 0;
	sv = malloc(cap * sizeof(*sv));
	if (!sv)
		return -ENOMEM;
	for (i = 0; i < ng; i++) {
		const char *p;

		if (group_type(g[i].votes) != NER_PER || g[i].words < 2)
			continue;
		for (p = strchr(g[i].key, ' '); p; p = strchr(p + 1, ' '))
			sv[n++] = (struct suffix){p + 1, (int)i};
	}
	qsort(sv, n, sizeof(*sv), cmp_suffix);
	for (i = 0; i < ng; i++) {
		struct suffix key = {g[i].key, -1}, *lo;
		size_t k;
		int target = -1;
		bool ambiguous = false;

		if (g[i].acronym)
			continue;
		lo = bsearch(&key, sv, n, sizeof(*sv), cmp_suffix);
		if (!lo) {
			/* bsearch with group -1 never matches exactly: find the run */
			size_t l = 0, h = n;

			while (l < h) {
				size_t mid = (l + h) / 2;

				if (strcmp(sv[mid].s, g[i].key) < 0)
					l = mid + 1;
				else
					h = mid;
			}
			lo = l < n ? &sv[l] : NULL;
		}
		for (k = lo ? (size_t)(lo - sv) : n; k < n && !strcmp(sv[k].s, g[i].key); k++) {
			int r = find(g, sv[k].group);

			if (target >= 0 && r != target)
				ambiguous = true;
			target = r;
		}
		if (target < 0 || ambiguous || find(g, (int)i) == target)
			continue;
		g[find(g, (int)i)].parent = target;
	}
	free(sv);
	return 0;
}

/* ---- output ---- */

static int cmp_entity(const void *a, const void *b)
{
	const struct text_entity *x = a, *y = b;

	if (x->count != y->count)
		return y->count - x->count;
	return x->first_offset - y->first_offset;
}

static enum text_entity_kind kind_of_type(int t)
{
	return t == NER_PER   ? TEXT_ENTITY_PERSON
	       : t == NER_LOC ? TEXT_ENTITY_LOCATION
	       : t == NER_ORG ? TEXT_ENTITY_ORGANIZATION
	                      : TEXT_ENTITY_OTHER;
}

static void entity_release(struct text_entity *e)
{
	size_t i;

	free(e->name);
	free(e->key);
	free(e->mentions);
	for (i = 0; i < e->n_forms; i++)
		free(e->forms[i]);
	free(e->forms);
}

void text_entities_free(struct text_entity *v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		entity_release(&v[i]);
	free(v);
}

/* A one-word entity that says nothing: a stopword, a title, a calendar
 * word of the language ("Présidents" included). */
static bool empty_word(const char *key, const char *lang)
{
	size_t kl = strlen(key);
	char sing[64];

	if (strchr(key, ' '))
		return false;
	if (text_lex_is_stopword(lang, key) || text_lex_is_title(key))
		return true;
	if (kl > 1 && kl < sizeof(sing) && key[kl - 1] == 's') {
		memcpy(sing, key, kl - 1);
		sing[kl - 1] = '\0';
		return text_lex_is_title(sing);
	}
	return false;
}

/* Build entity e from the mentions (sorted by start) whose group's root is
 * root. */
static int build_entity(struct text_entity *e, const struct mentions *ms, struct group *g, int root,
                        const char *body)
{
	size_t i, k, best = (size_t)-1;
	int votes[NER_TYPES] = {0}, t;

	for (i = 0; i < ms->n; i++) {
		const struct mention *m = &ms->v[i];

		if (find(g, m->group) != root)
			continue;
		e->count++;
		for (t = 0; t < NER_TYPES; t++)
			votes[t] += m->votes[t];
		if (best == (size_t)-1 || m->words > ms->v[best].words ||
		    (m->words == ms->v[best].words &&
		     m->end - m->start > ms->v[best].end - ms->v[best].start))
			best = i;
	}
	e->mentions = malloc((size_t)e->count * sizeof(*e->mentions));
	e->forms = malloc((size_t)e->count * sizeof(*e->forms));
	e->name = strndup(body + ms->v[best].start, ms->v[best].end - ms->v[best].start);
	e->key = strdup(ms->v[best].key);
	if (!e->mentions || !e->forms || !e->name || !e->key)
		return -ENOMEM;
	e->forms[e->n_forms++] = strdup(e->key);
	if (!e->forms[0])
		return -ENOMEM;
	for (i = 0; i < ms->n; i++) {
		const struct mention *m = &ms->v[i];
		bool seen = false;

		if (find(g, m->group) != root)
			continue;
		if (!e->n_mentions)
			e->first_offset = (int)m->start;
		e->mentions[e->n_mentions++] = (struct text_mention){(int)m->start, (int)m->end};
		for (k = 0; k < e->n_forms && !seen; k++)
			seen = !strcmp(e->forms[k], m->key);
		if (!seen) {
			e->forms[e->n_forms] = strdup(m->key);
			if (!e->forms[e->n_forms++])
				return -ENOMEM;
		}
	}
	t = group_type(votes);
	if (votes[group_type(g[root].votes)] == votes[t])
		t = group_type(g[root].votes); /* a tie: the long form decides */
	e->kind = kind_of_type(t);
	return 0;
}

static int cmp_mention_start(const void *x, const void *y)
{
	const struct mention *a = x, *b = y;

	return (a->start > b->start) - (a->start < b->start);
}

/* Groups, coreference and output. */
static int resolve(struct mentions *ms, const struct ner_doc *d, const char *lang,
                   struct text_entity **out, size_t *n_out)
{
	struct mention **by_key = NULL;
	struct group *g = NULL;
	struct text_entity *v = NULL;
	size_t ng = 0, i, k = 0;
	int err = 0;

	if (!ms->n)
		return 0;
	qsort(ms->v, ms->n, sizeof(*ms->v), cmp_mention_start);
	by_key = malloc(ms->n * sizeof(*by_key));
	g = calloc(ms->n, sizeof(*g));
	if (!by_key || !g) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ms->n; i++)
		by_key[i] = &ms->v[i];
	qsort(by_key, ms->n, sizeof(*by_key), cmp_mention_key);
	for (i = 0; i < ms->n; i++) {
		struct mention *m = by_key[i];
		int t;

		if (!i || strcmp(by_key[i - 1]->key, m->key)) {
			g[ng] = (struct group){.key = m->key, .words = m->words, .parent = (int)ng};
			ng++;
		}
		m->group = (int)ng - 1;
		for (t = 0; t < NER_TYPES; t++)
			g[ng - 1].votes[t] += m->votes[t];
		if (m->a == m->b && (d->v[m->a].flags & NT_ALLCAP))
			g[ng - 1].acronym = true;
	}
	/* Acronyms defined in the text join their long form. */
	for (i = 0; i < ms->n; i++) {
		const struct mention *m = &ms->v[i], *lf;

		if (m->a != m->b || !i || acronym_long_form(d, m->a) < 0)
			continue;
		lf = &ms->v[i - 1];
		if (lf->b + 2 == m->a && (long)lf->a == acronym_long_form(d, m->a))
			g[find(g, m->group)].parent = find(g, lf->group);
	}
	err = link_short_forms(g, ng);
	if (err)
		goto out;
	v = calloc(ng, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ng; i++) {
		if (find(g, (int)i) != (int)i)
			continue;
		err = build_entity(&v[k], ms, g, (int)i, d->text);
		k++;
		if (err)
			goto out;
		if (empty_word(v[k - 1].key, lang)) {
			entity_release(&v[k - 1]);
			memset(&v[--k], 0, sizeof(*v));
		}
	}
	qsort(v, k, sizeof(*v), cmp_entity);
	for (i = TEXT_MAX_ENTITIES; i < k; i++)
		entity_release(&v[i]);
	if (k > TEXT_MAX_ENTITIES)
		k = TEXT_MAX_ENTITIES;
	if (!k) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n_out = k;
	v = NULL;
out:
	if (v)
		text_entities_free(v, k);
	free(by_key);
	free(g);
	return err;
}

/* Spans of the tags, acronym long forms replacing what they cover. */
/* ---- capitalised runs the model left out ---- */

/* Tokens j-1 and j are one space apart (or j follows an elision). */
static bool glued(const struct ner_doc *d, size_t j)
{
	const struct ner_tok *p = &d->v[j - 1], *t = &d->v[j];

	if (t->flags & NT_NL)
		return false;
	if (p->flags & NT_ELIDED)
		return t->start == p->end;
	return t->start == p->end + 1 && d->text[p->end] == ' ';
}

/* A particle inside a name: not a German article ("der", "den", "des",
 * "das", "dem"), except after "von"/"van" ("Ursula von der Leyen"). */
static bool name_particle(const struct ner_doc *d, size_t j)
{
	const char *f = d->pool + d->v[j].fold;

	if (!(d->v[j].lex & NL_PARTICLE) || (d->v[j].flags & NT_CAP))
		return false;
	if (f[0] == 'd' && (f[1] == 'e' || f[1] == 'a') &&
	    (!strcmp(f, "der") || !strcmp(f, "den") || !strcmp(f, "des") || !strcmp(f, "das") ||
	     !strcmp(f, "dem")))
		return j > 0 && (!strcmp(d->pool + d->v[j - 1].fold, "von") ||
		                 !strcmp(d->pool + d->v[j - 1].fold, "van"));
	return true;
}

static bool cap_word(const struct ner_tok *t)
{
	return (t->flags & (NT_WORD | NT_CAP)) == (NT_WORD | NT_CAP) &&
	       !(t->flags & (NT_POSS | NT_ELIDED));
}

/* Last token of the capitalised run starting at k: capitalised words one
 * space apart, with up to two lower-case particles or an elision between
 * two of them ("Charles de Gaulle", "Côte d'Ivoire"). */
static size_t cap_run_end(const struct ner_doc *d, size_t k)
{
	size_t end = k, j = k + 1;

	while (j < d->n && j - k < 8 && glued(d, j)) {
		size_t p = j;

		if (cap_word(&d->v[j])) {
			end = j++;
			continue;
		}
		while (p < j + 2 && p < d->n && glued(d, p) &&
		       (name_particle(d, p) || (d->v[p].flags & NT_ELIDED)))
			p++;
		if (p == j || p >= d->n || !glued(d, p) || !cap_word(&d->v[p]))
			break;
		end = p;
		j = p + 1;
	}
	return end;
}

/* Kind of an untagged run a..b from the words around and inside it. */
/* The kind of the gazetteer name that is exactly tokens a..b, when it has
 * one kind; else NER_NONE. */
static int gaz_exact_kind(const struct ner_doc *d, size_t a, size_t b)
{
	unsigned g;

	if (!(d->v[a].gaz & NG_BEGIN) || (b + 1 < d->n && (d->v[b + 1].gaz & NG_INSIDE)))
		return NER_NONE;
	g = d->v[a].gaz >> NG_SPAN_SHIFT;
	return g == NG_P ? NER_PER : g == NG_L ? NER_LOC : g == NG_O ? NER_ORG : NER_NONE;
}

static int run_type(const struct ner_doc *d, size_t a, size_t b)
{
	const struct ner_tok *p = a ? &d->v[a - 1] : NULL;
	size_t k;
	int g;

	for (k = a; k <= b; k++)
		if (d->v[k].lex & NL_ORGW)
			return NER_ORG;
	g = gaz_exact_kind(d, a, b);
	if (g != NER_NONE)
		return g;
	if (p && (p->lex & NL_TITLE))
		return NER_PER;
	if (p && ((p->lex & NL_PLACEP) ||
	          ((p->lex & NL_ARTICLE) && a >= 2 && (d->v[a - 2].lex & NL_PLACEP))))
		return NER_LOC;
	return NER_NONE;
}

/* Capitalised runs with no tagged token become mentions of the kind their
 * context says (else OTHER), when they look like names: not a headline,
 * not a lone word seen in lower case, only at sentence starts (unless the
 * gazetteer knows exactly that name: "China's ministry said"), or a
 * function, calendar or title word; in German, where every noun is
 * capitalised, a lone word needs a cue, capitals or the gazetteer. */
static int add_untagged_runs(struct mentions *ms, const struct ner_doc *d, const uint8_t *tags,
                             const char *lang)
{
	bool german = lang && !strcmp(lang, "de");
	size_t k, a, b, j;
	int err = 0;

	for (k = 0; k < d->n && !err; k++) {
		bool tagged = false;
		int ty;

		if (!cap_word(&d->v[k]) || (d->v[k].flags & NT_HEADLINE))
			continue;
		b = cap_run_end(d, k);
		for (j = k; j <= b; j++)
			tagged |= tags[j] != NER_O;
		a = k;
		k = b;
		if (tagged)
			continue;
		while (a < b && ((d->v[a].lex & NL_TITLE) ||
		                 ((d->v[a].flags & (NT_SENT | NT_QUOTE)) &&
		                  (d->v[a].lex & (NL_STOP | NL_CAL | NL_ARTICLE)))))
			a++;
		while (a < b && !cap_word(&d->v[a]))
			a++;
		if (a == b) {
			const struct ner_tok *t = &d->v[a];

			if ((t->flags & NT_LOWSEEN) || (t->lex & (NL_STOP | NL_CAL | NL_TITLE)) ||
			    t->flen < 2 || (t->flags & NT_DIGIT) ||
			    ((t->flags & (NT_SENT | NT_QUOTE)) && !(t->flags & NT_CAPMID) &&
			     gaz_exact_kind(d, a, b) == NER_NONE))
				continue;
			if (german && !(t->flags & NT_ALLCAP) && !t->gaz &&
			    run_type(d, a, b) == NER_NONE)
				continue;
		}
		ty = run_type(d, a, b);
		err = add_span(ms, d, a, b, ty, false);
	}
	return err;
}

/* In German every noun is capitalised: a lone word is a name only with the
 * gazetteer, capitals, or a cue before it (title, place preposition). */
static bool german_noun(const struct ner_doc *d, size_t a)
{
	const struct ner_tok *t = &d->v[a], *p = a ? &d->v[a - 1] : NULL;

	if ((t->flags & NT_ALLCAP) || t->gaz ||
	    (t->flags & NT_CAPMID && !(t->flags & NT_LOWSEEN) && t->flen < 4))
		return false;
	return !(p && ((p->lex & (NL_TITLE | NL_PLACEP)) ||
	               ((p->lex & NL_ARTICLE) && a >= 2 && (d->v[a - 2].lex & NL_PLACEP))));
}

static int collect(struct mentions *ms, const struct ner_doc *d, uint8_t *tags, const char *lang)
{
	bool german = lang && !strcmp(lang, "de");
	size_t i, a;
	int err = 0;

	for (i = 0; i < d->n; i++) {
		long lf = acronym_long_form(d, i);
		size_t k;
		int ty;

		if (lf < 0)
			continue;
		ty = ner_type_of_tag(tags[lf]);
		if (ty == NER_NONE)
			ty = NER_ORG;
		tags[lf] = (uint8_t)(2 * ty - 1);
		for (k = (size_t)lf + 1; k + 1 < i; k++)
			tags[k] = (uint8_t)(2 * ty);
		tags[i - 1] = NER_O; /* "(" */
		tags[i] = (uint8_t)(2 * ty - 1);
		tags[i + 1] = NER_O; /* ")" */
	}
	/* "Tamar" ORG + "Valley Rowing" PER: spans of different types one space
	 * apart make one name; an organisation word inside makes it an
	 * organisation, else the last span's type decides (the head comes last
	 * in "Chiara Bonetti"). */
	for (i = 0; i < d->n; i++) {
		size_t h = i, e = i, k;
		int ty, spans = 1;
		bool org = false;

		if (!(tags[i] & 1) || (d->v[i].flags & NT_HEADLINE))
			continue;
		for (;;) {
			while (e + 1 < d->n && tags[e + 1] == tags[h] + 1 && tags[h] != NER_O)
				e++;
			if (e + 1 < d->n && (tags[e + 1] & 1) && glued(d, e + 1) &&
			    cap_word(&d->v[e + 1]) && cap_word(&d->v[e])) {
				h = ++e;
				spans++;
				continue;
			}
			break;
		}
		if (spans > 1) {
			for (k = i; k <= e; k++)
				org |= (d->v[k].lex & NL_ORGW) != 0;
			ty = org ? NER_ORG : ner_type_of_tag(tags[h]);
			tags[i] = (uint8_t)(2 * ty - 1);
			for (k = i + 1; k <= e; k++)
				tags[k] = (uint8_t)(2 * ty);
		}
		i = e;
	}
	/* "World Trade" + "Organization", "Daniel" + "Hargreaves": a span runs on
	 * over the capitalised words the model left out right after it. */
	for (i = 0; i + 1 < d->n; i++) {
		const struct ner_tok *t = &d->v[i + 1];
		int ty = ner_type_of_tag(tags[i]);

		if (ty != NER_NONE && tags[i + 1] == 2 * ty - 1 && glued(d, i + 1) && cap_word(t) &&
		    !(t->flags & NT_HEADLINE)) {
			tags[i + 1] = (uint8_t)(2 * ty); /* "World Trade" + "Organization" */
			continue;
		}
		if (ty == NER_NONE || tags[i + 1] != NER_O || !glued(d, i + 1) || !cap_word(t))
			continue;
		if (!(t->gaz & NG_INSIDE) && !(t->lex & NL_ORGW) &&
		    ((t->flags & (NT_HEADLINE | NT_LOWSEEN)) ||
		     (t->lex & (NL_STOP | NL_CAL | NL_TITLE)) || t->flen < 2))
			continue;
		if ((t->lex & NL_ORGW) && ty != NER_ORG) {
			size_t k = i; /* "... Rowing" + "Club": an organisation */

			while (k > 0 && !(tags[k] & 1))
				tags[k--] = NER_I_ORG;
			tags[k] = NER_B_ORG;
			ty = NER_ORG;
		}
		tags[i + 1] = (uint8_t)(2 * ty);
	}
	/* "Ursula" + "von der" + "Leyen", "Rio Grande" + "do" + "Sul": a name
	 * runs on over one or two particles to a capitalised word the model
	 * left out or gave the same type (a person's, to any single word). */
	for (i = 0; i + 2 < d->n; i++) {
		size_t j = i + 1, k;

		int ty = ner_type_of_tag(tags[i]);

		if (ty == NER_NONE || tags[i + 1] == 2 * ty)
			continue;
		while (j < d->n && j - i <= 2 && name_particle(d, j) && !(d->v[j].flags & NT_NL))
			j++;
		if (j == i + 1 || j >= d->n || (d->v[j].flags & (NT_NL | NT_CAP)) != NT_CAP ||
		    (tags[j] != NER_O && (int)ner_type_of_tag(tags[j]) != ty &&
		     (ty != NER_PER || (j + 1 < d->n && tags[j + 1] == tags[j] + 1))))
			continue;
		for (k = i + 1; k <= j; k++)
			tags[k] = (uint8_t)(2 * ty);
		for (k = j + 1; k < d->n && tags[k] != NER_O && !(tags[k] & 1); k++)
			tags[k] = (uint8_t)(2 * ty);
	}
	/* "Mark" + "Crear", "Willem" + "de" + "Vries": a person right after a
	 * capitalised word the model left out, on the same line with only a
	 * space (and up to two particles) between, takes it as a first name,
	 * unless it is a function, calendar or title word, or is seen in lower
	 * case in the text. */
	for (i = 1; i < d->n; i++) {
		const struct ner_tok *p;
		size_t j = i - 1, k;

		if (!(tags[i] & 1) || !glued(d, i) ||
		    (i + 1 < d->n && tags[i + 1] == tags[i] + 1 && tags[i] != NER_B_PER))
			continue;
		while (j > 0 && i - j <= 2 && name_particle(d, j) && tags[j] == NER_O &&
		       glued(d, j))
			j--;
		if (tags[i] != NER_B_PER && (j + 1 == i || (d->v[i].gaz & (NG_L | NG_O))))
			continue; /* "Willem de" + "Vries" tagged a place: only with particles */
		p = &d->v[j];
		if (tags[j] != NER_O || !cap_word(p) || (p->flags & (NT_LOWSEEN | NT_DOT)) ||
		    (p->lex & (NL_STOP | NL_CAL | NL_TITLE | NL_ARTICLE | NL_PLACEP | NL_ORGW)) ||
		    (p->gaz & (NG_L | NG_O)) || p->flen < 2 || (p->flags & NT_DIGIT) ||
		    (j + 1 < i && !name_particle(d, j + 1)))
			continue;
		tags[j] = NER_B_PER;
		for (k = j + 1; k <= i; k++)
			tags[k] = NER_I_PER;
		for (k = i + 1; k < d->n && tags[k] != NER_O && !(tags[k] & 1); k++)
			tags[k] = NER_I_PER;
	}
	/* "New" + "York": a capitalised word the model left out right before a
	 * place or an organisation, away from a sentence start, belongs to it. */
	for (i = d->n; i-- > 1;) {
		const struct ner_tok *p = &d->v[i - 1];
		int ty = ner_type_of_tag(tags[i]);

		if ((ty != NER_LOC && ty != NER_ORG) || !(tags[i] & 1) || tags[i - 1] != NER_O ||
		    !glued(d, i) || !cap_word(p) ||
		    (p->flags & (NT_SENT | NT_QUOTE | NT_HEADLINE)) ||
		    (p->lex & (NL_CAL | NL_TITLE | NL_ARTICLE | NL_PLACEP)) || p->flen < 2 ||
		    (p->flags & (NT_DOT | NT_DIGIT)))
			continue;
		tags[i - 1] = tags[i];
		tags[i] = (uint8_t)(tags[i] + 1);
	}
	/* "du Kremlin Iouri Ouchakov": an organisation word followed by two or
	 * more capitalised words ends the organisation; a person follows. */
	for (i = 0; i < d->n; i++) {
		size_t b = i + 1, k;

		if (tags[i] != NER_B_ORG)
			continue;
		while (b < d->n && tags[b] == NER_I_ORG)
			b++;
		for (k = i; k + 2 < b; k++) {
			size_t j;
			bool caps = true;

			if (!(d->v[k].lex & NL_ORGW))
				continue;
			for (j = k + 1; j < b; j++)
				caps &= (d->v[j].flags & (NT_CAP | NT_ALLCAP)) == NT_CAP;
			if (!caps)
				continue;
			tags[k + 1] = NER_B_PER;
			for (j = k + 2; j < b; j++)
				tags[j] = NER_I_PER;
			break;
		}
		i = b - 1;
	}
	for (i = 0; i < d->n && !err;) {
		int ty = ner_type_of_tag(tags[i]);

		if (ty == NER_NONE) {
			i++;
			continue;
		}
		a = i++;
		while (i < d->n && tags[i] == 2 * ty)
			i++;
		if (german && a == i - 1 && ty != NER_PER && german_noun(d, a))
			continue;
		err = add_span(ms, d, a, i - 1, ty,
		               i + 1 < d->n && acronym_long_form(d, i + 1) == (long)a);
	}
	return err ? err : add_untagged_runs(ms, d, tags, lang);
}

int text_entities_extract(const char *body, const char *lang, struct text_entity **out, size_t *n)
{
	struct ner_doc d = NER_DOC_INIT;
	struct mentions ms = {0};
	uint8_t *tags = NULL;
	size_t len = strlen(body), i;
	int err;

	*out = NULL;
	*n = 0;
	if (len >= UINT32_MAX)
		return 0; /* offsets are 32-bit; no article is 4 GB */
	d.lang = lang;
	err = ner_tokenize(body, len, &d);
	if (!err && d.n) {
		tags = malloc(d.n);
		err = tags ? ner_tag(&d, tags) : -ENOMEM;
	}
	if (!err && d.n)
		err = collect(&ms, &d, tags, lang);
	if (!err)
		err = resolve(&ms, &d, lang, out, n);
	for (i = 0; i < ms.n; i++)
		free(ms.v[i].key);
	free(ms.v);
	free(tags);
	ner_doc_release(&d);
	return err;
}
