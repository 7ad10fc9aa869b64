/* Online event clustering on hand-made article vectors: the scoring, the
 * date window, determinism, eviction and story chaining. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"

#define MAXT 32

/* An article made of words: term ids are the words' hashes. */
struct art {
	struct cluster_term t[MAXT];
	struct cluster_entity e[8];
	struct cluster_input in;
};

static uint32_t h(const char *w)
{
	uint32_t x = 2166136261u;

	while (*w)
		x = (x ^ (unsigned char)*w++) * 16777619u;
	return x;
}

static int by_id(const void *a, const void *b)
{
	const struct cluster_term *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* words: space separated; ents: entity ids ending with 0. */
static void make(struct art *a, const char *words, const int64_t *ents, int32_t day)
{
	char buf[512], *save = NULL, *w;
	size_t n = 0, i;

	memset(a, 0, sizeof(*a));
	strcpy(buf, words);
	for (w = strtok_r(buf, " ", &save); w && n < MAXT; w = strtok_r(NULL, " ", &save)) {
		uint32_t id = h(w);

		for (i = 0; i < n && a->t[i].id != id; i++)
			;
		if (i < n) {
			a->t[i].tf++;
		} else {
			a->t[n].id = id;
			a->t[n++].tf = 1;
		}
	}
	qsort(a->t, n, sizeof(a->t[0]), by_id);
	a->in.terms = a->t;
	a->in.n_terms = n;
	for (i = 0; ents && ents[i]; i++)
		a->e[i] = (struct cluster_entity){ents[i], 1};
	a->in.entities = a->e;
	a->in.n_entities = i;
	a->in.day = day;
}

/* Background articles so that IDF tells rare words from common ones. */
static void background(struct cluster *c)
{
	static const char *const common[] = {
	        "the said government president minister week report people country official",
	        "the said market people country official city police week",
	        "the government president said report people week city",
	        "the said minister official people country report",
	};
	struct art a;
	int i;

	for (i = 0; i < 40; i++) {
		make(&a, common[i % 4], NULL, CLUSTER_NO_DAY);
		assert_int_equal(cluster_observe(c, &a.in), 0);
	}
}

/* Feed one article as the database layer does: observe, choose, add. */
static int64_t feed(struct cluster *c, struct art *a, int64_t *next_id)
{
	struct cluster_choice ch;
	int64_t id;

	assert_int_equal(cluster_observe(c, &a->in), 0);
	assert_int_equal(cluster_choose(c, &a->in, &ch), 0);
	id = ch.event ? ch.event : (*next_id)++;
	assert_int_equal(cluster_add(c, id, &a->in, 1), 0);
	return id;
}

static const int64_t SUMMIT_ENTS[] = {101, 102, 103, 0}; /* two leaders, a city */

static void test_same_happening_joins_other_stays_apart(void **state)
{
	struct cluster *c = cluster_new(NULL);
	int64_t next = 1, e1, e2, e3;
	struct art a;
	static const int64_t quake_ents[] = {201, 0};

	background(c);
	make(&a, "summit leaders met geneva talks arms control the said", SUMMIT_ENTS, 20000);
	e1 = feed(c, &a, &next);
	make(&a, "geneva summit talks leaders arms treaty the president said", SUMMIT_ENTS, 20000);
	e2 = feed(c, &a, &next);
	make(&a, "earthquake magnitude killed rescue rubble the city people", quake_ents, 20000);
	e3 = feed(c, &a, &next);
	assert_int_equal(e1, e2);
	assert_int_not_equal(e3, e1);
	assert_int_equal(cluster_size(c), 2);
	cluster_free(c);
}

static void test_entities_join_across_languages(void **state)
{
	struct cluster *c = cluster_new(NULL);
	int64_t next = 1, e1, e2;
	struct art a;

	background(c);
	make(&a, "summit leaders met geneva talks arms control", SUMMIT_ENTS, 20000);
	e1 = feed(c, &a, &next);
	/* Different words (another language), same linked entities and day. */
	make(&a, "sommet dirigeants rencontre genève pourparlers armes", SUMMIT_ENTS, 20001);
	e2 = feed(c, &a, &next);
	assert_int_equal(e1, e2);
	cluster_free(c);
}

static void test_date_window_splits_later_meeting_then_story(void **state)
{
	struct cluster *c = cluster_new(NULL);
	int64_t next = 1, e1, e2;
	struct art a;
	int i;

	background(c);
	for (i = 0; i < 3; i++) {
		make(&a, "summit leaders met geneva talks arms control", SUMMIT_ENTS, 20000);
		e1 = feed(c, &a, &next);
	}
	/* Same people and topic a month later: a new event... */
	make(&a, "summit leaders met geneva talks arms control", SUMMIT_ENTS, 20030);
	e2 = feed(c, &a, &next);
	assert_int_not_equal(e1, e2);
	/* ...in the same story. */
	assert_int_equal(cluster_story_candidate(c, e2), e1);
	assert_true(cluster_event_similarity(c, e1, e2) > 0.5);
	cluster_free(c);
}

static void test_one_shared_participant_is_not_a_story(void **state)
{
	struct cluster *c = cluster_new(NULL);
	int64_t next = 1, e1, e2;
	struct art a;
	static const int64_t other[] = {101, 301, 0};

	background(c);
	make(&a, "summit leaders met geneva talks arms control", SUMMIT_ENTS, 20000);
	e1 = feed(c, &a, &next);
	make(&a, "football match final stadium goal fans", other, 20040);
	e2 = feed(c, &a, &next);
	assert_int_not_equal(e1, e2);
	assert_int_equal(cluster_story_candidate(c, e2), 0);
	cluster_free(c);
}

static void test_choice_is_pure_and_deterministic(void **state)
{
	struct cluster *c = cluster_new(NULL);
	struct cluster_choice x, y;
	int64_t next = 1;
	struct art a;

	background(c);
	make(&a, "summit leaders met geneva talks arms control", SUMMIT_ENTS, 20000);
	feed(c, &a, &next);
	make(&a, "geneva summit talks leaders", SUMMIT_ENTS, 20001);
	assert_int_equal(cluster_choose(c, &a.in, &x), 0);
	assert_int_equal(cluster_choose(c, &a.in, &y), 0);
	assert_int_equal(x.event, 1);
	assert_int_equal(x.event, y.event);
	assert_true(x.score == y.score);
	assert_true(x.score >= 0.3 && x.score <= 1.0);
	assert_true(x.cos > 0 && x.support == 1.0 && x.date_factor == 1.0);
	assert_int_equal(cluster_size(c), 1);
	cluster_free(c);
}

/* The TF-IDF cosine computed here, from the public frequencies and the
 * event's view, as the documentation defines it. */
static double expected_cosine(const struct cluster *c, const struct cluster_input *a, int64_t ev)
{
	struct cluster_input v;
	double dot = 0, na = 0, ne = 0, n = (double)cluster_df_total(c);
	size_t i, j;
	int n_articles;

	assert_int_equal(cluster_event_view(c, ev, &v, &n_articles), 0);
	for (i = 0; i < a->n_terms; i++) {
		double w = (1 + log(a->terms[i].tf)) *
		           log(1 + (n + 1) / (cluster_df(c, a->terms[i].id) + 1.0));

		na += w * w;
		for (j = 0; j < v.n_terms; j++)
			if (v.terms[j].id == a->terms[i].id)
				dot += w * v.terms[j].tf *
				       log(1 + (n + 1) / (cluster_df(c, a->terms[i].id) + 1.0));
	}
	for (j = 0; j < v.n_terms; j++) {
		double w = v.terms[j].tf * log(1 + (n + 1) / (cluster_df(c, v.terms[j].id) + 1.0));

		ne += w * w;
	}
	return dot / sqrt(na * ne);
}

/* The cached centroid length follows the centroid: after an article joins,
 * the next choice scores against the grown centroid, not the old length. */
static void test_cosine_follows_a_growing_centroid(void **state)
{
	struct cluster *c = cluster_new(NULL);
	struct cluster_choice x;
	int64_t next = 1;
	struct art a, b;

	(void)state;
	background(c);
	make(&a, "summit leaders met geneva talks arms control", SUMMIT_ENTS, 20000);
	feed(c, &a, &next);
	make(&b, "geneva summit talks leaders treaty", SUMMIT_ENTS, 20001);
	assert_int_equal(cluster_choose(c, &b.in, &x), 0);
	assert_int_equal(x.event, 1);
	assert_true(fabs(x.cos - expected_cosine(c, &b.in, 1)) < 1e-6);
	/* Joins without a new document count: only the centroid changed. */
	assert_int_equal(cluster_add(c, 1, &b.in, 1), 0);
	make(&a, "treaty treaty signed geneva", SUMMIT_ENTS, 20001);
	assert_int_equal(cluster_choose(c, &a.in, &x), 0);
	assert_int_equal(x.event, 1);
	assert_true(fabs(x.cos - expected_cosine(c, &a.in, 1)) < 1e-6);
	cluster_free(c);
}

/* One arrival order, two runs: the same decisions. */
static void test_same_order_same_partition(void **state)
{
	static const char *const words[] = {
	        "summit leaders geneva talks arms",   "geneva summit arms control talks",
	        "earthquake rescue rubble magnitude", "summit geneva leaders arms treaty",
	        "rescue earthquake killed rubble",    "football final stadium goal",
	};
	static const int64_t ents[][3] = {{101, 102, 0}, {101, 102, 0}, {201, 0, 0},
	                                  {101, 102, 0}, {201, 0, 0},   {301, 0, 0}};
	int64_t got[2][6];
	int run, i;

	for (run = 0; run < 2; run++) {
		struct cluster *c = cluster_new(NULL);
		int64_t next = 1;
		struct art a;

		background(c);
		for (i = 0; i < 6; i++) {
			make(&a, words[i], ents[i], 20000 + i % 2);
			got[run][i] = feed(c, &a, &next);
		}
		cluster_free(c);
	}
	for (i = 0; i < 6; i++)
		assert_int_equal(got[0][i], got[1][i]);
	assert_int_equal(got[0][0], got[0][1]);
	assert_int_equal(got[0][0], got[0][3]);
	assert_int_equal(got[0][2], got[0][4]);
	assert_int_not_equal(got[0][0], got[0][2]);
	assert_int_not_equal(got[0][5], got[0][0]);
}

static void test_view_reload_and_eviction(void **state)
{
	struct cluster_params p;
	struct cluster *c, *d;
	struct cluster_input v;
	struct cluster_choice ch;
	int64_t next = 1, id;
	struct art a;
	char words[64];
	int n, i;

	cluster_params_default(&p);
	p.max_events = 20;
	c = cluster_new(&p);
	background(c);
	make(&a, "summit leaders met geneva talks arms control", SUMMIT_ENTS, 20000);
	id = feed(c, &a, &next);
	assert_int_equal(cluster_event_view(c, id, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v.day, 20000);
	assert_int_equal(v.n_entities, 3);
	/* Reload the aggregate into another instance: it scores the same. */
	d = cluster_new(&p);
	background(d);
	assert_int_equal(cluster_observe(d, &a.in), 0);
	assert_int_equal(cluster_add(d, id, &v, n), 0);
	make(&a, "geneva summit talks leaders", SUMMIT_ENTS, 20001);
	assert_int_equal(cluster_choose(d, &a.in, &ch), 0);
	assert_int_equal(ch.event, id);
	/* Forgotten, it is no candidate any more; added again, it is. */
	cluster_forget(d, id);
	assert_false(cluster_has(d, id));
	assert_int_equal(cluster_choose(d, &a.in, &ch), 0);
	assert_int_equal(ch.event, 0);
	assert_int_equal(cluster_add(d, id, &v, n), 0);
	assert_int_equal(cluster_choose(d, &a.in, &ch), 0);
	assert_int_equal(ch.event, id);
	/* Unrelated events push the first one out of memory. */
	for (i = 0; i < 40; i++) {
		int64_t ents[] = {1000 + i, 0};

		snprintf(words, sizeof(words), "topic%d word%d other%d", i, i, i);
		make(&a, words, ents, 20100 + i * 10);
		feed(c, &a, &next);
	}
	assert_true(cluster_size(c) <= 20);
	assert_false(cluster_has(c, id));
	cluster_free(c);
	cluster_free(d);
}

/* The events of a batch stay in memory until it commits, however many
 * others the batch loads meanwhile (late articles, story candidates). */
static void test_pinned_events_are_not_evicted(void **state)
{
	struct cluster_params p;
	struct cluster *c;
	struct art a;
	char words[64];
	int64_t next = 1, first;
	int i;

	(void)state;
	cluster_params_default(&p);
	p.max_events = 20;
	c = cluster_new(&p);
	background(c);
	make(&a, "summit leaders met geneva talks arms control", SUMMIT_ENTS, 20000);
	first = feed(c, &a, &next);
	cluster_pin(c, first);
	for (i = 0; i < 40; i++) {
		int64_t ents[] = {1000 + i, 0};

		snprintf(words, sizeof(words), "topic%d word%d other%d", i, i, i);
		make(&a, words, ents, 20100 + i * 10);
		cluster_pin(c, feed(c, &a, &next));
	}
	for (i = 1; i < next; i++)
		assert_true(cluster_has(c, i));
	/* Unpinned, they go as usual. */
	cluster_unpin_all(c);
	make(&a, "another topic entirely", NULL, 21000);
	feed(c, &a, &next);
	assert_true(cluster_size(c) <= 20);
	assert_false(cluster_has(c, first));
	cluster_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_same_happening_joins_other_stays_apart),
	        cmocka_unit_test(test_entities_join_across_languages),
	        cmocka_unit_test(test_date_window_splits_later_meeting_then_story),
	        cmocka_unit_test(test_one_shared_participant_is_not_a_story),
	        cmocka_unit_test(test_choice_is_pure_and_deterministic),
	        cmocka_unit_test(test_cosine_follows_a_growing_centroid),
	        cmocka_unit_test(test_same_order_same_partition),
	        cmocka_unit_test(test_view_reload_and_eviction),
	        cmocka_unit_test(test_pinned_events_are_not_evicted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
