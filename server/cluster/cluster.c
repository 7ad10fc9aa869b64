/* cluster: online event clustering (include/cluster.h says what and why).
 *
 * Memory is bounded: an event keeps its CENTROID_MAX heaviest terms and
 * ENTITIES_MAX heaviest entities; at most max_events events stay in memory
 * (the least recently touched are evicted, the database keeps them); a query
 * reads at most POSTINGS_SCAN of the newest entries of each posting list, so
 * an entity every event mentions ("France") costs the same as a rare one.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "internal.h"

#define CENTROID_MAX 160  /* terms an event keeps */
#define ENTITIES_MAX 64   /* entities an event keeps */
#define RARE_TERMS 12     /* an article's highest-weighted terms used as index keys */
#define QUERY_ENTITIES 24 /* an article's heaviest entities used as index keys */
#define POSTINGS_SCAN 512 /* newest entries read per posting list */
#define DAY_VOTES 8       /* distinct happening days an event tallies */
#define CORE_MAX 6        /* an event's core participants, for stories */
#define CORE_SHARE 0.3    /* ...mentioned by at least this share of its articles */
#define IDF_MEMO 4096     /* idf memoised for document frequencies below this */

struct cterm {
	uint32_t id;
	float sum; /* sum over the event's articles of 1 + log(tf) */
};

struct cent {
	int64_t id;
	float sum; /* articles mentioning it (weighted by n_articles on reload) */
};

struct cday {
	int32_t day;
	int votes;
};

struct event {
	int64_t id;
	struct cterm *terms; /* by id */
	uint32_t n_terms;
	struct cent *ents; /* by id */
	uint32_t n_ents;
	uint64_t *posted; /* index keys this event is listed under */
	uint32_t n_posted, cap_posted;
	struct cday days[DAY_VOTES];
	int n_days;
	int n_articles;
	double norm;         /* centroid's tf-idf length, as of norm_epoch */
	uint64_t norm_epoch; /* 0: to compute (the centroid changed) */
	uint64_t touched;    /* tick of the last change: eviction order */
	uint64_t mark;       /* tick of the last query that saw it: dedup */
	bool alive;
	bool pinned; /* not evicted (cluster_pin) */
};

struct plist {
	uint32_t *slots;
	uint32_t n, cap;
};

struct cluster {
	struct cluster_params p;
	struct u64map df; /* term -> document frequency */
	uint64_t n_docs;
	/* Centroid lengths are cached per idf epoch: an epoch ends when the
	 * document count has grown by 1/64 (or the frequencies were loaded),
	 * so a length is at most that stale while a query costs the article's
	 * terms, not every candidate's 160 idf lookups. */
	uint64_t epoch, epoch_end;
	struct event *ev; /* slots */
	size_t n_ev, cap_ev, n_alive;
	struct u64map by_id; /* event id -> slot + 1 */
	struct u64map index; /* key -> plist index + 1 */
	struct plist *lists;
	size_t n_lists, cap_lists;
	uint64_t tick;
	/* Scratch of the event view. */
	struct cluster_term *view_terms;
	struct cluster_entity *view_ents;
	/* idf by document frequency, valid while n_docs + 1 == its stamp: one
	 * log per distinct frequency per article instead of one per term per
	 * candidate event (the same value, computed by the same expression). */
	double idf_memo[IDF_MEMO];
	uint64_t idf_stamp[IDF_MEMO];
};

void cluster_params_default(struct cluster_params *p)
{
	*p = (struct cluster_params){
	        .threshold = 0.10,
	        .w_terms = 0.7,
	        .w_entities = 0.3,
	        .window_days = 7,
	        .undated = 0.85,
	        .story_threshold = 0.30,
	        /* About 3.4 KB each: 40,000 keep newsd under 300 MB with the
	         * reload's transient result (docs/benchmarks.md). */
	        .max_events = 40000,
	};
}

struct cluster *cluster_new(const struct cluster_params *p)
{
	struct cluster *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (p)
		c->p = *p;
	else
		cluster_params_default(&c->p);
	c->epoch = 1;
	return c;
}

static void event_release(struct event *e)
{
	free(e->terms);
	free(e->ents);
	free(e->posted);
	memset(e, 0, sizeof(*e));
}

void cluster_free(struct cluster *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n_ev; i++)
		event_release(&c->ev[i]);
	free(c->ev);
	for (i = 0; i < c->n_lists; i++)
		free(c->lists[i].slots);
	free(c->lists);
	u64map_free(&c->df);
	u64map_free(&c->by_id);
	u64map_free(&c->index);
	free(c->view_terms);
	free(c->view_ents);
	free(c);
}

/* ---- document frequencies ---- */

static uint64_t term_key(uint32_t term)
{
	return (uint64_t)term << 2 | 2;
}

static uint64_t entity_key(int64_t id)
{
	return (uint64_t)id << 2 | 1;
}

static void epoch_restart(struct cluster *c)
{
	c->epoch++;
	c->epoch_end = c->n_docs + (c->n_docs / 64 > 1 ? c->n_docs / 64 : 1);
}

static void epoch_advance(struct cluster *c)
{
	if (c->n_docs >= c->epoch_end)
		epoch_restart(c);
}

int cluster_observe(struct cluster *c, const struct cluster_input *a)
{
	size_t i;

	for (i = 0; i < a->n_terms; i++) {
		uint64_t *v = u64map_slot(&c->df, term_key(a->terms[i].id));

		if (!v)
			return -ENOMEM;
		(*v)++;
	}
	c->n_docs++;
	epoch_advance(c);
	return 0;
}

int cluster_df_set(struct cluster *c, uint32_t term, uint32_t df)
{
	uint64_t *v = u64map_slot(&c->df, term_key(term));

	if (!v)
		return -ENOMEM;
	*v = df;
	epoch_restart(c); /* frequencies replaced: lengths are stale */
	return 0;
}

void cluster_df_total_set(struct cluster *c, uint64_t n_docs)
{
	c->n_docs = n_docs;
	epoch_restart(c);
}

uint64_t cluster_df_total(const struct cluster *c)
{
	return c->n_docs;
}

uint32_t cluster_df(const struct cluster *c, uint32_t term)
{
	const uint64_t *v = u64map_find(&c->df, term_key(term));

	return v ? (uint32_t)*v : 0;
}

void cluster_df_foreach(const struct cluster *c, void (*fn)(uint32_t term, uint32_t df, void *ctx),
                        void *ctx)
{
	size_t i;

	for (i = 0; i < c->df.cap; i++)
		if (c->df.keys[i])
			fn((uint32_t)(c->df.keys[i] >> 2), (uint32_t)c->df.vals[i], ctx);
}

/* Smoothed inverse document frequency: a term in every document still
 * weighs a little, an unseen one the most. */
static double idf(const struct cluster *cc, uint32_t term)
{
	struct cluster *c = (struct cluster *)cc; /* the memo is a cache */
	uint32_t df = cluster_df(c, term);

	if (df >= IDF_MEMO)
		return log(1.0 + (double)(c->n_docs + 1) / (double)(df + 1));
	if (c->idf_stamp[df] != c->n_docs + 1) {
		c->idf_memo[df] = log(1.0 + (double)(c->n_docs + 1) / (double)(df + 1));
		c->idf_stamp[df] = c->n_docs + 1;
	}
	return c->idf_memo[df];
}

static double tfw(double tf)
{
	return tf > 0 ? 1.0 + log(tf) : 0;
}

/* Length of an event's tf-idf centroid, cached for the idf epoch. */
static double centroid_norm(const struct cluster *c, const struct event *ce)
{
	struct event *e = (struct event *)ce; /* the length is a cache */
	double n2 = 0;
	uint32_t j;

	if (e->norm_epoch == c->epoch)
		return e->norm;
	for (j = 0; j < e->n_terms; j++) {
		double w = e->terms[j].sum * idf(c, e->terms[j].id);

		n2 += w * w;
	}
	e->norm = sqrt(n2);
	e->norm_epoch = c->epoch;
	return e->norm;
}

/* ---- events and the inverted index ---- */

static struct event *event_of(const struct cluster *c, int64_t id)
{
	const uint64_t *v = u64map_find(&c->by_id, (uint64_t)id);

	return v && c->ev[*v - 1].alive ? &c->ev[*v - 1] : NULL;
}

bool cluster_has(const struct cluster *c, int64_t event)
{
	return event_of(c, event) != NULL;
}

void cluster_forget(struct cluster *c, int64_t event)
{
	struct event *e = event_of(c, event);

	/* Its postings go stale and are skipped (dead slot) until compact(). */
	if (e) {
		event_release(e);
		c->n_alive--;
	}
}

void cluster_pin(struct cluster *c, int64_t event)
{
	struct event *e = event_of(c, event);

	if (e)
		e->pinned = true;
}

void cluster_unpin_all(struct cluster *c)
{
	size_t i;

	for (i = 0; i < c->n_ev; i++)
		c->ev[i].pinned = false;
}

size_t cluster_size(const struct cluster *c)
{
	return c->n_alive;
}

static int post(struct cluster *c, struct event *e, uint64_t key)
{
	uint64_t *li;
	struct plist *pl;
	uint32_t i;

	for (i = 0; i < e->n_posted; i++)
		if (e->posted[i] == key)
			return 0;
	if (e->n_posted == e->cap_posted) {
		uint32_t cap = e->cap_posted ? e->cap_posted * 2 : 32;
		uint64_t *v = realloc(e->posted, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		e->posted = v;
		e->cap_posted = cap;
	}
	li = u64map_slot(&c->index, key);
	if (!li)
		return -ENOMEM;
	if (!*li) {
		if (c->n_lists == c->cap_lists) {
			size_t cap = c->cap_lists ? c->cap_lists * 2 : 256;
			struct plist *v = realloc(c->lists, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			c->lists = v;
			c->cap_lists = cap;
		}
		c->lists[c->n_lists] = (struct plist){0};
		*li = ++c->n_lists;
	}
	pl = &c->lists[*li - 1];
	if (pl->n == pl->cap) {
		uint32_t cap = pl->cap ? pl->cap * 2 : 4;
		uint32_t *v = realloc(pl->slots, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		pl->slots = v;
		pl->cap = cap;
	}
	pl->slots[pl->n++] = (uint32_t)(e - c->ev);
	e->posted[e->n_posted++] = key;
	return 0;
}

/* Rebuild the slot table and the index from the live events: called when
 * evictions left too many dead slots and stale postings. */
static int compact(struct cluster *c)
{
	size_t i, j = 0;
	int err = 0;

	for (i = 0; i < c->n_ev; i++) {
		if (!c->ev[i].alive)
			continue;
		if (j != i)
			c->ev[j] = c->ev[i];
		j++;
	}
	for (i = j; i < c->n_ev; i++)
		memset(&c->ev[i], 0, sizeof(c->ev[i]));
	c->n_ev = j;
	for (i = 0; i < c->n_lists; i++)
		free(c->lists[i].slots);
	c->n_lists = 0;
	u64map_free(&c->index);
	u64map_free(&c->by_id);
	for (i = 0; i < c->n_ev && !err; i++) {
		struct event *e = &c->ev[i];
		uint32_t n = e->n_posted, k;
		uint64_t *keys = e->posted;
		uint64_t *slot = u64map_slot(&c->by_id, (uint64_t)e->id);

		if (!slot)
			return -ENOMEM;
		*slot = i + 1;
		e->posted = NULL;
		e->n_posted = e->cap_posted = 0;
		for (k = 0; k < n && !err; k++)
			err = post(c, e, keys[k]);
		free(keys);
	}
	return err;
}

static int by_touched(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Keep at most max_events: drop the least recently touched tenth (never a
 * pinned event). */
static int evict(struct cluster *c)
{
	uint64_t *t, cut;
	size_t i, n = 0, drop;

	if (!c->p.max_events || c->n_alive <= c->p.max_events)
		return 0;
	t = malloc(c->n_alive * sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (i = 0; i < c->n_ev; i++)
		if (c->ev[i].alive && !c->ev[i].pinned)
			t[n++] = c->ev[i].touched;
	if (!n) {
		free(t);
		return 0;
	}
	qsort(t, n, sizeof(*t), by_touched);
	drop = c->n_alive - c->p.max_events + c->p.max_events / 10;
	cut = drop < n ? t[drop] : t[n - 1] + 1;
	free(t);
	for (i = 0; i < c->n_ev; i++) {
		if (c->ev[i].alive && !c->ev[i].pinned && c->ev[i].touched < cut) {
			event_release(&c->ev[i]);
			c->n_alive--;
		}
	}
	return compact(c);
}

static struct event *event_new(struct cluster *c, int64_t id)
{
	uint64_t *slot;
	struct event *e;

	if (c->n_ev == c->cap_ev) {
		size_t cap = c->cap_ev ? c->cap_ev * 2 : 64;
		struct event *v = realloc(c->ev, cap * sizeof(*v));

		if (!v)
			return NULL;
		c->ev = v;
		c->cap_ev = cap;
	}
	slot = u64map_slot(&c->by_id, (uint64_t)id);
	if (!slot)
		return NULL;
	*slot = c->n_ev + 1;
	e = &c->ev[c->n_ev++];
	*e = (struct event){.id = id, .alive = true};
	c->n_alive++;
	return e;
}

/* The event's happening day: the most reported one, the earliest on a tie. */
static int32_t event_day(const struct event *e)
{
	int32_t best = CLUSTER_NO_DAY;
	int votes = 0, i;

	for (i = 0; i < e->n_days; i++) {
		if (e->days[i].votes > votes ||
		    (e->days[i].votes == votes && e->days[i].day < best)) {
			best = e->days[i].day;
			votes = e->days[i].votes;
		}
	}
	return best;
}

static void vote_day(struct event *e, int32_t day, int n)
{
	int i, low = 0;

	if (day == CLUSTER_NO_DAY)
		return;
	for (i = 0; i < e->n_days; i++) {
		if (e->days[i].day == day) {
			e->days[i].votes += n;
			return;
		}
		if (e->days[i].votes < e->days[low].votes)
			low = i;
	}
	if (e->n_days < DAY_VOTES)
		e->days[e->n_days++] = (struct cday){day, n};
	else if (e->days[low].votes <= n)
		e->days[low] = (struct cday){day, n};
}

struct ranked {
	double w;
	uint32_t i;
};

static int by_weight_desc(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int by_term_id(const void *a, const void *b)
{
	const struct cterm *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int by_entity_id(const void *a, const void *b)
{
	const struct cent *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Merge the article's terms into the centroid, keep the heaviest
 * CENTROID_MAX by tf-idf, and index the heaviest RARE_TERMS. */
static int add_terms(struct cluster *c, struct event *e, const struct cluster_input *a, int n)
{
	size_t cap = e->n_terms + a->n_terms, i = 0, j = 0, k = 0;
	struct cterm *v = malloc((cap ? cap : 1) * sizeof(*v));
	struct ranked *r;
	int err = 0;

	if (!v)
		return -ENOMEM;
	while (i < e->n_terms || j < a->n_terms) {
		if (j == a->n_terms || (i < e->n_terms && e->terms[i].id < a->terms[j].id)) {
			v[k++] = e->terms[i++];
		} else if (i == e->n_terms || a->terms[j].id < e->terms[i].id) {
			v[k++] = (struct cterm){a->terms[j].id, (float)(tfw(a->terms[j].tf) * n)};
			j++;
		} else {
			v[k] = e->terms[i++];
			v[k++].sum += (float)(tfw(a->terms[j++].tf) * n);
		}
	}
	r = malloc((k ? k : 1) * sizeof(*r));
	if (!r) {
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < k; i++)
		r[i] = (struct ranked){v[i].sum * idf(c, v[i].id), (uint32_t)i};
	qsort(r, k, sizeof(*r), by_weight_desc);
	for (i = 0; i < k && i < RARE_TERMS && !err; i++)
		err = post(c, e, term_key(v[r[i].i].id));
	if (k > CENTROID_MAX) {
		struct cterm *kept = malloc(CENTROID_MAX * sizeof(*kept));

		if (!kept) {
			free(r);
			free(v);
			return -ENOMEM;
		}
		for (i = 0; i < CENTROID_MAX; i++)
			kept[i] = v[r[i].i];
		qsort(kept, CENTROID_MAX, sizeof(*kept), by_term_id);
		free(v);
		v = kept;
		k = CENTROID_MAX;
	}
	free(r);
	free(e->terms);
	e->terms = v;
	e->norm_epoch = 0;
	e->n_terms = (uint32_t)k;
	return err;
}

/* Each article counts once per entity it mentions (n on reload, where the
 * weights already are article counts). */
static int add_entities(struct cluster *c, struct event *e, const struct cluster_input *a, int n)
{
	size_t cap = e->n_ents + a->n_entities, i, k = e->n_ents;
	struct cent *v = malloc((cap ? cap : 1) * sizeof(*v));
	int err = 0;

	if (!v)
		return -ENOMEM;
	if (e->n_ents)
		memcpy(v, e->ents, e->n_ents * sizeof(*v));
	for (i = 0; i < a->n_entities; i++) {
		struct cent key = {a->entities[i].id, 0}, *hit;
		float add = n > 1 ? a->entities[i].weight : 1.0f;

		hit = bsearch(&key, v, e->n_ents, sizeof(*v), by_entity_id);
		if (hit)
			hit->sum += add;
		else
			v[k++] = (struct cent){a->entities[i].id, add};
	}
	qsort(v, k, sizeof(*v), by_entity_id);
	if (k > ENTITIES_MAX) {
		struct ranked *r = malloc(k * sizeof(*r));
		struct cent *kept = malloc(ENTITIES_MAX * sizeof(*kept));

		if (!r || !kept) {
			free(r);
			free(kept);
			free(v);
			return -ENOMEM;
		}
		for (i = 0; i < k; i++)
			r[i] = (struct ranked){v[i].sum, (uint32_t)i};
		qsort(r, k, sizeof(*r), by_weight_desc);
		for (i = 0; i < ENTITIES_MAX; i++)
			kept[i] = v[r[i].i];
		qsort(kept, ENTITIES_MAX, sizeof(*kept), by_entity_id);
		free(r);
		free(v);
		v = kept;
		k = ENTITIES_MAX;
	}
	free(e->ents);
	e->ents = v;
	e->n_ents = (uint32_t)k;
	for (i = 0; i < k && !err; i++)
		err = post(c, e, entity_key(v[i].id));
	return err;
}

int cluster_add(struct cluster *c, int64_t event, const struct cluster_input *a, int n_articles)
{
	struct event *e = event_of(c, event);
	int err, n = n_articles > 0 ? n_articles : 1;

	if (!e) {
		err = evict(c);
		if (err)
			return err;
		e = event_new(c, event);
		if (!e)
			return -ENOMEM;
	}
	err = add_terms(c, e, a, n);
	if (!err)
		err = add_entities(c, e, a, n);
	vote_day(e, a->day, n);
	e->n_articles += n;
	e->touched = ++c->tick;
	return err;
}

/* ---- scoring ---- */

/* The article's side of the cosine, built once per choice: its terms'
 * tf-idf weights times their idf (the centroid side brings its sums), in an
 * open-addressed table behind a bit filter, so that a candidate costs one
 * mostly-missing bit test per centroid term instead of a merge of two
 * sorted lists (hundreds of candidates per article). */
struct query {
	uint64_t filter[64]; /* bit (id & 4095): some term may have this id */
	uint32_t *ids;       /* 0 = empty slot; ids are stored + 1 */
	double *w;
	size_t mask;
	double norm; /* length of the article's tf-idf vector */
};

static int query_build(struct cluster *c, const struct cluster_input *a, struct query *q)
{
	size_t cap = 16, i;
	double n2 = 0;

	while (cap < 2 * a->n_terms)
		cap *= 2;
	memset(q->filter, 0, sizeof(q->filter));
	q->ids = calloc(cap, sizeof(*q->ids));
	q->w = malloc(cap * sizeof(*q->w));
	q->mask = cap - 1;
	if (!q->ids || !q->w) {
		free(q->ids);
		free(q->w);
		return -ENOMEM;
	}
	for (i = 0; i < a->n_terms; i++) {
		uint32_t id = a->terms[i].id;
		double ai = idf(c, id), aw = tfw(a->terms[i].tf) * ai;
		size_t k = (id * 0x9e3779b1u) & q->mask;

		while (q->ids[k] && q->ids[k] != id + 1)
			k = (k + 1) & q->mask;
		q->ids[k] = id + 1;
		q->w[k] = aw * ai;
		q->filter[(id >> 6) & 63] |= 1ull << (id & 63);
		n2 += aw * aw;
	}
	q->norm = sqrt(n2);
	return 0;
}

static void query_release(struct query *q)
{
	free(q->ids);
	free(q->w);
}

/* TF-IDF cosine between the article (q) and an event centroid. */
static double cosine_article(const struct cluster *c, const struct query *q, const struct event *e)
{
	double dot = 0, ne;
	uint32_t j;

	if (q->norm <= 0)
		return 0;
	for (j = 0; j < e->n_terms; j++) {
		uint32_t id = e->terms[j].id;
		size_t k;

		if (!(q->filter[(id >> 6) & 63] >> (id & 63) & 1))
			continue;
		for (k = (id * 0x9e3779b1u) & q->mask; q->ids[k]; k = (k + 1) & q->mask)
			if (q->ids[k] == id + 1) {
				dot += q->w[k] * e->terms[j].sum;
				break;
			}
	}
	ne = dot > 0 ? centroid_norm(c, e) : 0;
	return ne > 0 ? dot / (q->norm * ne) : 0;
}

/* Share of the article's entity mass that the event's articles mention,
 * each entity weighted by the share of the event's articles naming it. One
 * shared name proves nothing (the president makes news every day): an
 * article naming several entities needs two of them in the event. */
static double support(const struct cluster_input *a, const struct event *e)
{
	double got = 0, total = 0;
	size_t i, shared = 0;

	for (i = 0; i < a->n_entities; i++) {
		struct cent key = {a->entities[i].id, 0};
		const struct cent *hit =
		        bsearch(&key, e->ents, e->n_ents, sizeof(key), by_entity_id);
		double w = tfw(a->entities[i].weight > 1 ? a->entities[i].weight : 1);

		total += w;
		if (hit) {
			double share = hit->sum / e->n_articles;

			got += w * (share < 1 ? share : 1);
			shared++;
		}
	}
	if (shared < 2 && a->n_entities > 1)
		return 0;
	return total > 0 ? got / total : 0;
}

static double date_factor(const struct cluster *c, int32_t a, int32_t b)
{
	int32_t d;

	if (a == CLUSTER_NO_DAY || b == CLUSTER_NO_DAY)
		return c->p.undated;
	/* Two days of slack: reports date one happening a day or two apart
	 * ("hier", time zones, a late weekly). Then a linear decay to 0 past
	 * the window. */
	d = a > b ? a - b : b - a;
	if (d <= 2)
		return 1;
	if (d > c->p.window_days)
		return 0;
	return 1.0 - (double)(d - 2) / (c->p.window_days - 1);
}

static void score(const struct cluster *c, const struct cluster_input *a, const struct query *q,
                  const struct event *e, double dfactor, struct cluster_choice *s)
{
	double wt = c->p.w_terms, we = c->p.w_entities;

	s->event = e->id;
	s->cos = cosine_article(c, q, e);
	s->support = support(a, e);
	s->date_factor = dfactor;
	/* Without entities on either side, the terms decide alone. */
	if (!a->n_entities || !e->n_ents)
		s->score = s->cos * s->date_factor;
	else
		s->score = (wt * s->cos + we * s->support) / (wt + we) * s->date_factor;
}

/* Visit the events listed under key (newest POSTINGS_SCAN entries). */
static void gather(struct cluster *c, uint64_t key, uint32_t **out, size_t *n, size_t *cap)
{
	const uint64_t *li = u64map_find(&c->index, key);
	const struct plist *pl;
	uint32_t i, from;

	if (!li)
		return;
	pl = &c->lists[*li - 1];
	from = pl->n > POSTINGS_SCAN ? pl->n - POSTINGS_SCAN : 0;
	for (i = from; i < pl->n; i++) {
		struct event *e = &c->ev[pl->slots[i]];

		if (!e->alive || e->mark == c->tick)
			continue;
		e->mark = c->tick;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			uint32_t *v = realloc(*out, nc * sizeof(*v));

			if (!v)
				return; /* fewer candidates, never a wrong one */
			*out = v;
			*cap = nc;
		}
		(*out)[(*n)++] = pl->slots[i];
	}
}

/* Query keys of an article: its heaviest entities and its rarest terms. */
static size_t candidates(struct cluster *c, const struct cluster_input *a, uint32_t **slots)
{
	struct ranked *r;
	size_t n = 0, cap = 0, i, nr = a->n_terms > a->n_entities ? a->n_terms : a->n_entities;

	*slots = NULL;
	c->tick++;
	r = malloc((nr ? nr : 1) * sizeof(*r));
	if (!r)
		return 0;
	for (i = 0; i < a->n_entities; i++)
		r[i] = (struct ranked){a->entities[i].weight, (uint32_t)i};
	qsort(r, a->n_entities, sizeof(*r), by_weight_desc);
	for (i = 0; i < a->n_entities && i < QUERY_ENTITIES; i++)
		gather(c, entity_key(a->entities[r[i].i].id), slots, &n, &cap);
	for (i = 0; i < a->n_terms; i++)
		r[i] = (struct ranked){tfw(a->terms[i].tf) * idf(c, a->terms[i].id), (uint32_t)i};
	qsort(r, a->n_terms, sizeof(*r), by_weight_desc);
	for (i = 0; i < a->n_terms && i < RARE_TERMS; i++)
		gather(c, term_key(a->terms[r[i].i].id), slots, &n, &cap);
	free(r);
	return n;
}

int cluster_choose(struct cluster *c, const struct cluster_input *a, struct cluster_choice *out)
{
	uint32_t *slots;
	size_t n = candidates(c, a, &slots), i;
	struct query q;

	*out = (struct cluster_choice){0};
	if (query_build(c, a, &q)) {
		free(slots);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		const struct event *e = &c->ev[slots[i]];
		struct cluster_choice s = {0};
		/* Outside the date window first: such an event is never a
		 * candidate, so it is not scored. */
		double dfactor = date_factor(c, a->day, event_day(e));

		if (dfactor <= 0)
			continue;
		score(c, a, &q, e, dfactor, &s);
		out->candidates++;
		if (s.score >= c->p.threshold &&
		    (s.score > out->score || (s.score == out->score && s.event < out->event))) {
			size_t seen = out->candidates;

			*out = s;
			out->candidates = seen;
		}
	}
	query_release(&q);
	free(slots);
	return 0;
}

/* ---- views and stories ---- */

int cluster_event_view(const struct cluster *cc, int64_t event, struct cluster_input *out,
                       int *n_articles)
{
	struct cluster *c = (struct cluster *)cc; /* the view scratch is a cache */
	const struct event *e = event_of(c, event);
	struct cluster_term *t;
	struct cluster_entity *x;
	uint32_t i;

	if (!e)
		return -ENOENT;
	t = realloc(c->view_terms, (e->n_terms ? e->n_terms : 1) * sizeof(*t));
	if (t)
		c->view_terms = t;
	x = realloc(c->view_ents, (e->n_ents ? e->n_ents : 1) * sizeof(*x));
	if (x)
		c->view_ents = x;
	if (!t || !x)
		return -ENOMEM;
	for (i = 0; i < e->n_terms; i++)
		t[i] = (struct cluster_term){e->terms[i].id, e->terms[i].sum};
	for (i = 0; i < e->n_ents; i++)
		x[i] = (struct cluster_entity){e->ents[i].id, e->ents[i].sum};
	*out = (struct cluster_input){t, e->n_terms, x, e->n_ents, event_day(e)};
	*n_articles = e->n_articles;
	return 0;
}

/* An event's core participants: its most mentioned entities, named by at
 * least CORE_SHARE of its articles, heaviest first (ties: the entity kept
 * first). Returns how many (<= CORE_MAX). A selection, not a sort: it runs
 * for every story candidate. */
static size_t core(const struct event *e, int64_t *out)
{
	struct ranked r[CORE_MAX];
	size_t n = 0, i, k;

	for (i = 0; i < e->n_ents; i++) {
		struct ranked x = {e->ents[i].sum, (uint32_t)i};

		if (x.w < CORE_SHARE * e->n_articles)
			continue;
		if (n == CORE_MAX && by_weight_desc(&x, &r[n - 1]) >= 0)
			continue;
		k = n < CORE_MAX ? n++ : n - 1;
		for (; k > 0 && by_weight_desc(&x, &r[k - 1]) < 0; k--)
			r[k] = r[k - 1];
		r[k] = x;
	}
	for (i = 0; i < n; i++)
		out[i] = e->ents[r[i].i].id;
	return n;
}

size_t cluster_event_core(const struct cluster *c, int64_t event, int64_t *out, size_t max)
{
	const struct event *e = event_of(c, event);
	int64_t ids[CORE_MAX];
	size_t n, i;

	if (!e)
		return 0;
	n = core(e, ids);
	for (i = 0; i < n && i < max; i++)
		out[i] = ids[i];
	return i;
}

static double centroid_cosine(const struct cluster *c, const struct event *a, const struct event *b)
{
	double dot = 0, na = centroid_norm(c, a), nb = centroid_norm(c, b);
	uint32_t i, j;

	for (i = 0, j = 0; i < a->n_terms && j < b->n_terms;) {
		if (a->terms[i].id < b->terms[j].id) {
			i++;
		} else if (b->terms[j].id < a->terms[i].id) {
			j++;
		} else {
			double w = idf(c, a->terms[i].id);

			dot += a->terms[i].sum * w * b->terms[j].sum * w;
			i++;
			j++;
		}
	}
	return na > 0 && nb > 0 ? dot / (na * nb) : 0;
}

static size_t shared_core(const int64_t *ca, size_t na, const int64_t *cb, size_t nb)
{
	size_t i, j, s = 0;

	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			s += ca[i] == cb[j];
	return s;
}

/* Half the share of the smaller core the two events share (na, nb: their
 * cores' sizes), half their centroids' cosine. */
static double similarity_of(const struct cluster *c, const struct event *a, size_t na,
                            const struct event *b, size_t nb, size_t shared)
{
	double ent = na && nb ? (double)shared / (double)(na < nb ? na : nb) : 0;

	return 0.5 * ent + 0.5 * centroid_cosine(c, a, b);
}

static double similarity(const struct cluster *c, const struct event *a, const struct event *b,
                         size_t *shared)
{
	int64_t ca[CORE_MAX], cb[CORE_MAX];
	size_t na = core(a, ca), nb = core(b, cb);

	*shared = shared_core(ca, na, cb, nb);
	return similarity_of(c, a, na, b, nb, *shared);
}

double cluster_event_similarity(const struct cluster *c, int64_t a, int64_t b)
{
	const struct event *x = event_of(c, a), *y = event_of(c, b);
	size_t shared;

	return x && y ? similarity(c, x, y, &shared) : 0;
}

int64_t cluster_story_candidate(const struct cluster *cc, int64_t event)
{
	struct cluster *c = (struct cluster *)cc; /* marks are scratch */
	const struct event *e = event_of(c, event);
	int64_t ids[CORE_MAX], best = 0;
	uint32_t *slots = NULL;
	size_t n = 0, cap = 0, k, i;
	double top = 0;

	if (!e)
		return 0;
	k = core(e, ids);
	c->tick++;
	/* The event's own postings must not list itself as a candidate. */
	c->ev[e - c->ev].mark = c->tick;
	for (i = 0; i < k; i++)
		gather(c, entity_key(ids[i]), &slots, &n, &cap);
	for (i = 0; i < n; i++) {
		const struct event *o = &c->ev[slots[i]];
		int64_t oc[CORE_MAX];
		size_t no, shared;
		double s;

		if (o->id >= event)
			continue; /* chain to earlier events only */
		no = core(o, oc);
		shared = shared_core(ids, k, oc, no);
		if (shared < 2)
			continue; /* never a story link: not worth the cosine */
		s = similarity_of(c, e, k, o, no, shared);
		if (s >= c->p.story_threshold && (s > top || (s == top && o->id < best))) {
			top = s;
			best = o->id;
		}
	}
	free(slots);
	return best;
}
