/* evkind: what kind of happening an article reports, and who plays which
 * part in it, from trigger phrases (data/events/kinds.tsv, roles.tsv;
 * docs/events.md has the taxonomy).
 *
 * Trigger phrases are cut into words by the same tokenizer as the article
 * (terms.c) with the phrase's language, so a trigger word and an article
 * word match when their Snowball stems do ("négociation" finds
 * "négociations"); stopwords and short words match as written, "=word" only
 * that word. The tables are built once, at first use.
 *
 * Kind: at each word the longest matching phrases of the article's language
 * (every language when it is unknown or has no triggers) add their weight
 * times the position's: title 3, first paragraph 2, second 1.2, later 1.
 * The kind with the highest sum wins (ties: the lower enum value); its
 * confidence is share * (1 - exp(-sum / 3)), share being its part of all
 * kinds' sums: one title trigger alone gives 0.63, one late mention 0.28,
 * two kinds in balance half of that. The evidence is the winning kind's
 * occurrence that weighed most (the first on ties).
 *
 * Roles: a role phrase of the body ("a reçu", "hosted", "telefonierte mit")
 * gives roles to the entity mentions right before and after it in the same
 * sentence. Between the name and the phrase only these may stand, at most
 * four words: stopwords, words of a date expression, titles ("président"),
 * and one other word right after a title ("le président américain Donald
 * Trump"). A place may only be a host ("visited France"). When the row has
 * both roles, both names must be found.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_PTOK 8
#define MAX_LANGS 16
#define GAP_MAX 4

struct pattern {
	uint32_t keys[MAX_PTOK];
	uint8_t n;
	uint8_t exact; /* bit i: keys[i] is the folded word's hash */
	int8_t lang;   /* index in langs */
	uint8_t id;    /* enum text_event_kind, or row of text_evrole_rows */
	float weight;
	int32_t next; /* next pattern under the same first key, -1 */
};

struct ptable {
	struct pattern *v;
	size_t n, cap;
	uint32_t *skey;
	int32_t *shead; /* first pattern + 1; 0: empty slot */
	size_t mask;
	uint64_t filter[1024]; /* bit (key & 0xffff): some pattern starts with key */
};

static struct {
	struct ptable kinds, roles;
	char langs[MAX_LANGS][8];
	int n_langs;
} tabs;

static pthread_once_t tabs_once = PTHREAD_ONCE_INIT;

static const char *const kind_names[TEXT_EVENT_KINDS] = {
        "other",     "meeting",  "visit",   "call",   "statement", "negotiation",
        "agreement", "election", "protest", "attack", "military",  "disaster",
        "legal",     "economic", "sports",  "health"};

const char *text_event_kind_name(enum text_event_kind kind)
{
	return (unsigned)kind < TEXT_EVENT_KINDS ? kind_names[kind] : "other";
}

static int kind_of(const char *name)
{
	int k;

	for (k = 0; k < TEXT_EVENT_KINDS; k++)
		if (!strcmp(kind_names[k], name))
			return k;
	return -1;
}

static int lang_index(const char *lang, bool add)
{
	int i;

	if (!lang)
		return -1;
	for (i = 0; i < tabs.n_langs; i++)
		if (!strcmp(tabs.langs[i], lang))
			return i;
	if (!add || tabs.n_langs == MAX_LANGS || strlen(lang) >= sizeof(tabs.langs[0]))
		return -1;
	strcpy(tabs.langs[tabs.n_langs], lang);
	return tabs.n_langs++;
}

static int32_t *slot_of(const struct ptable *pt, uint32_t key)
{
	size_t i;

	if (!pt->shead)
		return NULL;
	for (i = key & pt->mask; pt->shead[i]; i = (i + 1) & pt->mask)
		if (pt->skey[i] == key)
			return &pt->shead[i];
	return &pt->shead[i]; /* the empty slot where key would go */
}

/* Parse one phrase into p (keys of its words); false when it has none or
 * too many. */
static bool parse_phrase(const char *s, size_t len, const char *lang, struct pattern *p)
{
	char part[128];
	size_t i = 0;

	p->n = 0;
	p->exact = 0;
	while (i < len) {
		size_t j = i, k;
		bool exact;
		struct text_toks t = TEXT_TOKS_INIT;

		while (j < len && s[j] != ' ')
			j++;
		exact = s[i] == '=';
		if (exact)
			i++;
		if (j - i >= sizeof(part) || (j > i && (memcpy(part, s + i, j - i), part[j - i] = 0,
		                                        text_event_tokens(NULL, part, lang, &t)))) {
			text_event_tokens_release(&t);
			return false;
		}
		for (k = 0; k < t.n; k++) {
			if (p->n == MAX_PTOK) {
				text_event_tokens_release(&t);
				return false;
			}
			if (exact)
				p->exact |= (uint8_t)(1u << p->n);
			p->keys[p->n++] = exact ? t.v[k].word : t.v[k].key;
		}
		text_event_tokens_release(&t);
		i = j + 1;
	}
	return p->n > 0;
}

static int add_pattern(struct ptable *pt, const struct pattern *p)
{
	if (pt->n == pt->cap) {
		size_t cap = pt->cap ? pt->cap * 2 : 256;
		struct pattern *v = realloc(pt->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		pt->v = v;
		pt->cap = cap;
	}
	pt->v[pt->n++] = *p;
	return 0;
}

/* Chains of patterns by first key, once every pattern is in. */
static int index_table(struct ptable *pt)
{
	size_t cap = 16, i;

	while (cap < pt->n * 2)
		cap *= 2;
	pt->skey = calloc(cap, sizeof(*pt->skey));
	pt->shead = calloc(cap, sizeof(*pt->shead));
	if (!pt->skey || !pt->shead)
		return -ENOMEM;
	pt->mask = cap - 1;
	for (i = pt->n; i-- > 0;) { /* push front: chains keep file order */
		int32_t *h = slot_of(pt, pt->v[i].keys[0]);

		pt->skey[h - pt->shead] = pt->v[i].keys[0];
		pt->filter[(pt->v[i].keys[0] & 0xffff) >> 6] |= 1ull << (pt->v[i].keys[0] & 63);
		pt->v[i].next = *h - 1;
		*h = (int32_t)i + 1;
	}
	return 0;
}

static int add_row(struct ptable *pt, const char *triggers, const char *lang, int id, float w)
{
	const char *s = triggers;
	struct pattern p = {0};
	int err;

	p.lang = (int8_t)lang_index(lang, true);
	p.id = (uint8_t)id;
	p.weight = w;
	while (*s) {
		size_t len = strcspn(s, ",");

		while (len && *s == ' ') {
			s++;
			len--;
		}
		if (parse_phrase(s, len, lang, &p) && (err = add_pattern(pt, &p)))
			return err;
		s += len + (s[len] == ',');
	}
	return 0;
}

static void table_free(struct ptable *pt)
{
	free(pt->v);
	free(pt->skey);
	free(pt->shead);
	memset(pt, 0, sizeof(*pt));
}

/* On ENOMEM the tables stay empty: every article is "other", without roles. */
static void build_tables(void)
{
	size_t i;
	int err = 0, k;

	for (i = 0; i < text_evkind_n_rows && !err; i++) {
		const struct text_evkind_row *r = &text_evkind_rows[i];

		k = kind_of(r->kind);
		if (k > 0)
			err = add_row(&tabs.kinds, r->triggers, r->lang, k, r->weight);
	}
	for (i = 0; i < text_evrole_n_rows && !err; i++)
		err = add_row(&tabs.roles, text_evrole_rows[i].triggers, text_evrole_rows[i].lang,
		              (int)i, 1);
	if (!err)
		err = index_table(&tabs.kinds);
	if (!err)
		err = index_table(&tabs.roles);
	if (err) {
		table_free(&tabs.kinds);
		table_free(&tabs.roles);
	}
}

static bool pattern_at(const struct pattern *p, const struct text_toks *t, size_t i, int lang)
{
	size_t j;
	uint8_t side = t->v[i].flags & TEXT_TOK_TITLE;

	if (lang >= 0 && p->lang != lang)
		return false;
	if (i + p->n > t->n)
		return false;
	for (j = 0; j < p->n; j++) {
		const struct text_tok *k = &t->v[i + j];

		if ((k->flags & TEXT_TOK_TITLE) != side)
			return false;
		if ((p->exact >> j & 1 ? k->word : k->key) != p->keys[j])
			return false;
	}
	return true;
}

/* The patterns of the longest match at token i, into out (up to max);
 * returns how many, *len their words. */
static size_t match_at(const struct ptable *pt, const struct text_toks *t, size_t i, int lang,
                       const struct pattern **out, size_t max, size_t *len)
{
	uint32_t probe[2] = {t->v[i].key, t->v[i].word};
	size_t n = 0, q;

	*len = 0;
	for (q = 0; q < (probe[1] != probe[0] ? 2u : 1u); q++) {
		int32_t *h, e;

		if (!(pt->filter[(probe[q] & 0xffff) >> 6] >> (probe[q] & 63) & 1))
			continue;
		h = slot_of(pt, probe[q]);
		if (!h || !*h)
			continue;
		for (e = *h - 1; e >= 0; e = pt->v[e].next) {
			const struct pattern *p = &pt->v[e];

			if ((q == 1 && !(p->exact & 1)) || p->n < *len ||
			    !pattern_at(p, t, i, lang))
				continue;
			if (p->n > *len) {
				*len = p->n;
				n = 0;
			}
			if (n < max)
				out[n++] = p;
		}
	}
	return n;
}

/* Language for the tables: -1 (every one) when lang has no triggers. */
static int doc_lang(const char *lang)
{
	int i;

	if (!lang)
		return -1;
	for (i = 0; i < tabs.n_langs; i++)
		if (!strcmp(tabs.langs[i], lang))
			return i;
	return -1;
}

static double position_weight(const struct text_tok *k)
{
	if (k->flags & TEXT_TOK_TITLE)
		return 3;
	return k->para == 0 ? 2 : k->para == 1 ? 1.2 : 1;
}

void text_evkind_detect(const struct text_toks *t, const char *lang, enum text_event_kind *kind,
                        double *score, struct text_span *evidence)
{
	double sum[TEXT_EVENT_KINDS] = {0}, best_occ[TEXT_EVENT_KINDS] = {0}, total = 0;
	struct text_span occ[TEXT_EVENT_KINDS];
	const struct pattern *found[8];
	size_t i = 0, n, len, f;
	int l, k, win = 0;

	pthread_once(&tabs_once, build_tables);
	*kind = TEXT_EVENT_OTHER;
	*score = 0;
	*evidence = (struct text_span){-1, -1, false};
	l = doc_lang(lang);
	while (i < t->n) {
		n = match_at(&tabs.kinds, t, i, l, found, 8, &len);
		if (!n) {
			i++;
			continue;
		}
		for (f = 0; f < n; f++) {
			double w = found[f]->weight * position_weight(&t->v[i]);

			k = found[f]->id;
			sum[k] += w;
			total += w;
			if (w > best_occ[k]) {
				best_occ[k] = w;
				occ[k] = (struct text_span){t->v[i].start, t->v[i + len - 1].end,
				                            (t->v[i].flags & TEXT_TOK_TITLE) != 0};
			}
		}
		i += len;
	}
	for (k = 1; k < TEXT_EVENT_KINDS; k++)
		if (sum[k] > sum[win])
			win = k;
	if (!win)
		return;
	*kind = (enum text_event_kind)win;
	*score = sum[win] / total * (1 - exp(-sum[win] / 3));
	*evidence = occ[win];
}

/* ---- roles ---- */

struct mref {
	int start, end;
	enum text_entity_kind kind;
};

static int by_start(const void *a, const void *b)
{
	const struct mref *x = a, *y = b;

	return x->start != y->start ? (x->start < y->start ? -1 : 1)
	                            : (x->end < y->end ? -1 : x->end > y->end);
}

/* Spans of e's name in body, for an entity without mentions: into out when
 * not NULL; returns how many. */
static size_t name_spans(const char *body, const struct text_entity *e, struct mref *out)
{
	size_t n = 0, len = e->name ? strlen(e->name) : 0;
	const char *p = body;

	while (len && (p = strstr(p, e->name))) {
		if (out)
			out[n] = (struct mref){(int)(p - body), (int)(p - body + len), e->kind};
		n++;
		p += len;
	}
	return n;
}

static bool in_date(const struct text_date *d, size_t nd, const struct text_tok *k)
{
	size_t i;

	for (i = 0; i < nd; i++)
		if (k->start >= d[i].start && k->end <= d[i].end)
			return true;
	return false;
}

/* Tokens t[a..b) may stand between a name and its trigger. */
static bool gap_ok(const struct text_toks *t, size_t a, size_t b, const char *body,
                   const struct text_date *d, size_t nd)
{
	bool after_title = false;
	size_t i;

	if (b - a > GAP_MAX)
		return false;
	for (i = a; i < b; i++) {
		const struct text_tok *k = &t->v[i];
		char f[128];

		if (k->flags & TEXT_TOK_SENT)
			return false;
		if (!(k->flags & TEXT_TOK_TERM) || in_date(d, nd, k)) {
			after_title = false;
			continue;
		}
		text_fold(body + k->start, (size_t)(k->end - k->start), f, sizeof(f));
		if (text_lex_is_title(f)) {
			after_title = true;
			continue;
		}
		if (!after_title)
			return false;
		after_title = false;
	}
	return true;
}

static bool kind_ok(enum text_entity_kind kind, const char *role)
{
	return kind != TEXT_ENTITY_LOCATION || !strcmp(role, "host");
}

/* Index of the first token at or after byte off (t->n when none). */
static size_t tok_at(const struct text_toks *t, size_t from, int off)
{
	while (from < t->n && t->v[from].start < off)
		from++;
	return from;
}

static int push_role(struct text_role **v, size_t *n, size_t *cap, const struct mref *m,
                     const char *role)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		struct text_role *nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = (struct text_role){m->start, m->end, role};
	return 0;
}

static int by_role_start(const void *a, const void *b)
{
	const struct text_role *x = a, *y = b;

	return x->start != y->start ? (x->start < y->start ? -1 : 1)
	                            : (x->end < y->end ? -1 : x->end > y->end);
}

int text_evroles_detect(const struct text_toks *t, const char *body, const char *lang,
                        const struct text_entity *ents, size_t n_ents,
                        const struct text_date *dates, size_t n_dates, struct text_role **out,
                        size_t *n)
{
	struct mref *m = NULL;
	size_t nm = 0, i, j, cap = 0, len, body0;
	const struct pattern *found[1];
	int l, err = 0;

	*out = NULL;
	*n = 0;
	pthread_once(&tabs_once, build_tables);
	for (i = 0; i < n_ents; i++)
		nm += ents[i].n_mentions ? ents[i].n_mentions : name_spans(body, &ents[i], NULL);
	if (nm < 2)
		return 0;
	m = malloc(nm * sizeof(*m));
	if (!m)
		return -ENOMEM;
	for (i = 0, nm = 0; i < n_ents; i++) {
		if (!ents[i].n_mentions)
			nm += name_spans(body, &ents[i], m + nm);
		for (j = 0; j < ents[i].n_mentions; j++)
			m[nm++] = (struct mref){ents[i].mentions[j].start, ents[i].mentions[j].end,
			                        ents[i].kind};
	}
	qsort(m, nm, sizeof(*m), by_start);
	l = doc_lang(lang);
	for (body0 = 0; body0 < t->n && t->v[body0].flags & TEXT_TOK_TITLE; body0++)
		;
	for (i = body0; i < t->n && !err;) {
		const struct text_evrole_row *row;
		const struct mref *before = NULL, *after = NULL;
		size_t a, e;

		if (!match_at(&tabs.roles, t, i, l, found, 1, &len)) {
			i++;
			continue;
		}
		row = &text_evrole_rows[found[0]->id];
		/* the name right before: the last mention ending before the trigger */
		for (j = nm; row->before && !(t->v[i].flags & TEXT_TOK_SENT) && j-- > 0;) {
			if (m[j].end > t->v[i].start)
				continue;
			if (gap_ok(t, tok_at(t, body0, m[j].end), i, body, dates, n_dates) &&
			    kind_ok(m[j].kind, row->before))
				before = &m[j];
			break;
		}
		/* the name right after: the first mention starting after it */
		e = i + len;
		for (j = 0; row->after && j < nm; j++) {
			if (m[j].start < t->v[e - 1].end)
				continue;
			a = tok_at(t, e, m[j].start);
			if (a >= t->n || t->v[a].flags & TEXT_TOK_SENT ||
			    !gap_ok(t, e, a, body, dates, n_dates))
				break;
			if (kind_ok(m[j].kind, row->after)) {
				after = &m[j];
				break;
			}
		}
		if ((!row->before || before) && (!row->after || after) && (before || after)) {
			if (before)
				err = push_role(out, n, &cap, before, row->before);
			if (!err && after)
				err = push_role(out, n, &cap, after, row->after);
		}
		i += len;
	}
	free(m);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
		return err;
	}
	if (*n > 1) {
		qsort(*out, *n, sizeof(**out), by_role_start);
		for (i = 1, j = 1; i < *n; i++) /* one role per span */
			if ((*out)[i].start != (*out)[j - 1].start ||
			    (*out)[i].end != (*out)[j - 1].end)
				(*out)[j++] = (*out)[i];
		*n = j;
	}
	return 0;
}

int text_event_features(struct text_doc *doc)
{
	struct text_toks t = TEXT_TOKS_INIT;
	int err = text_event_tokens(doc->title, doc->body, doc->lang, &t);

	if (!err)
		err = text_terms_build(&t, &doc->terms, &doc->n_terms);
	if (!err) {
		text_evkind_detect(&t, doc->lang, &doc->event_kind, &doc->event_kind_score,
		                   &doc->event_kind_evidence);
		err = text_evroles_detect(&t, doc->body, doc->lang, doc->entities, doc->n_entities,
		                          doc->dates, doc->n_dates, &doc->roles, &doc->n_roles);
	}
	if (!err)
		err = text_evdate_detect(doc);
	text_event_tokens_release(&t);
	return err;
}
