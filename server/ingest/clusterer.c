/* The clustering thread: places stored articles into events, in id order.
 *
 * Every process that runs ingestion workers runs one; the one holding the
 * leader lock (server/db/cluster.c) works, the others retry every second,
 * so a crashed leader is replaced. Workers store articles in parallel; this
 * thread alone decides events, which keeps the decisions deterministic for
 * an arrival order and needs no lock per article.
 *
 * A batch: read up to BATCH unplaced articles; for each, count its terms
 * into the document frequencies, then join its near duplicate's event, else
 * the best event cluster_choose() finds (an article about a happening older
 * than what memory holds first loads the stored events near that day), else
 * open a new event; a new event then looks for the story of an earlier
 * similar event (loading story candidates from the database when memory has
 * none), else opens a story. The whole batch commits in one transaction; on
 * any failure (or a curation in between: -ESTALE; an article placed
 * meanwhile: -EALREADY) the in-memory state is dropped and reloaded, and
 * the batch is decided again.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "cluster.h"
#include "db.h"
#include "internal.h"
#include "log.h"

#define BATCH 256
#define HORIZON_DAYS 45 /* events reloaded at start: active within this */
#define NEAR_LIMIT 200  /* stored events loaded for one late article */
#define STORY_LIMIT 20  /* stored story candidates loaded for one event */
#define DF_SAVE_S 10    /* document frequencies saved this often (seconds) */
#define IDLE_MS 250     /* poll when idle (other processes store articles too) */
#define QUERY_ENTITIES                                                                             \
	8 /* a late article's most mentioned entities (db_cluster_pending                          \
	   * gives them heaviest first) used to find stored events */

struct clusterer {
	struct db_pool *pool;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop, woken;
	/* Thread-owned. */
	struct db_conn *conn;
	bool leader;
	struct cluster *cl;
	struct cluster_params params;
	int64_t generation;
	int32_t newest_day;
	time_t df_saved;
	bool df_dirty;
};

/* Growable arrays of the batch. */
struct ids {
	int64_t *v;
	size_t n, cap;
};

static int ids_push(struct ids *a, int64_t x)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		int64_t *v = realloc(a->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = x;
	return 0;
}

static ssize_t ids_find(const struct ids *a, int64_t x)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->v[i] == x)
			return (ssize_t)i;
	return -1;
}

struct batch {
	struct ids articles, events;             /* placements */
	struct ids new_events, first_article;    /* opened */
	struct ids story_ids, story_events;      /* stories opened */
	struct ids join_events, join_prev;       /* stories joined */
	struct ids restory_events, restory_prev; /* grown events looking again */
	struct ids touched;
};

static void batch_release(struct batch *b)
{
	struct ids *all[] = {&b->articles,      &b->events,    &b->new_events,
	                     &b->first_article, &b->story_ids, &b->story_events,
	                     &b->join_events,   &b->join_prev, &b->restory_events,
	                     &b->restory_prev,  &b->touched};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		free(all[i]->v);
	memset(b, 0, sizeof(*b));
}

static void drop_state(struct clusterer *k)
{
	cluster_free(k->cl);
	k->cl = NULL;
}

/* Lose the connection and the lead: after a database failure. The lock
 * belongs to the session, which outlives its return to the pool: unlock it
 * first, or the pooled connection keeps the lead while this thread, on
 * another connection, can no longer take it (nor can any other process). */
static void drop_connection(struct clusterer *k)
{
	drop_state(k);
	if (k->conn && k->leader)
		db_cluster_resign(k->conn);
	if (k->conn)
		db_pool_release(k->pool, k->conn);
	k->conn = NULL;
	k->leader = false;
}

static int64_t event_of_article(const struct batch *b, int64_t article)
{
	ssize_t i = ids_find(&b->articles, article);

	return i < 0 ? 0 : b->events.v[i];
}

static int32_t day_later(int32_t a, int32_t b)
{
	if (a == CLUSTER_NO_DAY)
		return b;
	if (b == CLUSTER_NO_DAY)
		return a;
	return a > b ? a : b;
}

/* A late article: about a day older than what memory holds. */
static int load_near(struct clusterer *k, const struct db_pending *p)
{
	int64_t ents[QUERY_ENTITIES];
	size_t n = 0, i;
	int w = k->params.window_days;

	if (p->day == CLUSTER_NO_DAY || k->newest_day == CLUSTER_NO_DAY ||
	    p->day >= k->newest_day - HORIZON_DAYS + w)
		return 0;
	for (i = 0; i < p->n_entities && n < QUERY_ENTITIES; i++)
		ents[n++] = p->entities[i].id;
	return db_cluster_load_near(k->conn, k->cl, ents, n, p->day - w, p->day + w, NEAR_LIMIT);
}

/* Ids in the order events open: story chaining looks at earlier ids. */
static int new_event_id(struct clusterer *k, int64_t *spare, size_t *n_spare, int64_t *out)
{
	if (!*n_spare) {
		int err = db_cluster_new_ids(k->conn, false, BATCH, spare);

		if (err)
			return err;
		*n_spare = BATCH;
	}
	*out = spare[BATCH - (*n_spare)--];
	return 0;
}

/* An event that grew to a milestone looks for a story again: its first
 * choice saw one article. The commit moves it only when it is alone in its
 * story. */
static int look_again(struct clusterer *k, struct batch *b, int64_t event)
{
	struct cluster_input v;
	int64_t prev;
	int n, err;

	if (cluster_event_view(k->cl, event, &v, &n) || !cluster_story_milestone(n))
		return 0;
	if (ids_find(&b->new_events, event) >= 0 || ids_find(&b->restory_events, event) >= 0)
		return 0; /* opened in this batch: chain_stories decides */
	prev = cluster_story_candidate(k->cl, event);
	if (!prev)
		return 0;
	err = ids_push(&b->restory_events, event);
	if (!err)
		err = ids_push(&b->restory_prev, prev);
	return err;
}

/* Place one article. */
static int place(struct clusterer *k, struct batch *b, const struct db_pending *p, int64_t *spare,
                 size_t *n_spare)
{
	struct cluster_input in = {p->terms, p->n_terms, p->entities, p->n_entities, p->day};
	struct cluster_choice ch = {0};
	int64_t event = 0;
	int err = cluster_observe(k->cl, &in);

	k->df_dirty = true;
	if (!err && p->duplicate_of) {
		event = event_of_article(b, p->duplicate_of);
		if (!event)
			event = p->original_event;
		/* An event memory no longer holds (evicted, beyond the horizon)
		 * is loaded first: added to as a new one, its stored centroid
		 * would be replaced by this article's alone. */
		if (event)
			err = db_cluster_load_event(k->conn, k->cl, event);
	}
	if (!err && !event) {
		err = load_near(k, p);
		if (!err)
			err = cluster_choose(k->cl, &in, &ch);
		event = ch.event;
	}
	if (!err && !event) {
		err = new_event_id(k, spare, n_spare, &event);
		if (!err)
			err = ids_push(&b->new_events, event);
		if (!err)
			err = ids_push(&b->first_article, p->id);
	}
	/* Still absent (its centroid awaits a rebuild from its articles, which
	 * will count this one): placed without touching memory. */
	if (!err && (cluster_has(k->cl, event) || ids_find(&b->new_events, event) >= 0))
		err = cluster_add(k->cl, event, &in, 1);
	/* Its centroid is written from memory at the commit: the events this
	 * batch loads (late articles, story candidates) must not evict it. */
	cluster_pin(k->cl, event);
	/* Whether it chose the event or is a near duplicate of one of its
	 * articles: either way the event grew (look_again skips the events
	 * this batch opened). */
	if (!err)
		err = look_again(k, b, event);
	if (!err)
		err = ids_push(&b->articles, p->id);
	if (!err)
		err = ids_push(&b->events, event);
	if (!err && ids_find(&b->touched, event) < 0)
		err = ids_push(&b->touched, event);
	k->newest_day = day_later(k->newest_day, p->day);
	return err;
}

/* The story of each event opened in the batch. A chain inside the batch
 * (C joins B which joins A) is followed to its root, so every join names an
 * event whose story is set before the join statement runs. */
static int chain_stories(struct clusterer *k, struct batch *b)
{
	size_t i;
	int err = 0;

	for (i = 0; i < b->new_events.n && !err; i++) {
		int64_t ev = b->new_events.v[i], prev = cluster_story_candidate(k->cl, ev);
		ssize_t j;

		if (!prev) {
			int64_t core[8];
			size_t n = cluster_event_core(k->cl, ev, core, 8);

			err = db_cluster_load_story_candidates(k->conn, k->cl, core, n, ev,
			                                       STORY_LIMIT);
			if (!err)
				prev = cluster_story_candidate(k->cl, ev);
		}
		/* Follow joins made earlier in this batch to their root. */
		while (!err && prev && (j = ids_find(&b->join_events, prev)) >= 0)
			prev = b->join_prev.v[j];
		if (err)
			break;
		if (prev) {
			err = ids_push(&b->join_events, ev);
			if (!err)
				err = ids_push(&b->join_prev, prev);
		} else {
			int64_t sid;

			err = db_cluster_new_ids(k->conn, true, 1, &sid);
			if (!err)
				err = ids_push(&b->story_ids, sid);
			if (!err)
				err = ids_push(&b->story_events, ev);
		}
	}
	return err;
}

static int run_batch(struct clusterer *k, size_t *placed)
{
	struct db_pending *p = NULL;
	struct batch b = {0};
	int64_t spare[BATCH];
	size_t n = 0, n_spare = 0, i;
	int err = db_cluster_pending(k->conn, BATCH, &p, &n);

	*placed = 0;
	for (i = 0; i < n && !err; i++)
		err = place(k, &b, &p[i], spare, &n_spare);
	if (!err && n)
		err = chain_stories(k, &b);
	/* An event that looks again may name one that moves in this batch too
	 * (E1 to E0's story while E0 moves to E-1's): follow to the last, as
	 * chain_stories does, so both end in one story and none points at a
	 * story the move deletes. prev < event: no cycle. */
	for (i = 0; !err && i < b.restory_events.n; i++) {
		ssize_t j;

		while ((j = ids_find(&b.restory_events, b.restory_prev.v[i])) >= 0)
			b.restory_prev.v[i] = b.restory_prev.v[j];
	}
	if (!err && n) {
		struct db_cluster_batch cb = {
		        .articles = b.articles.v,
		        .events = b.events.v,
		        .n = b.articles.n,
		        .new_events = b.new_events.v,
		        .first_articles = b.first_article.v,
		        .n_new = b.new_events.n,
		        .story_ids = b.story_ids.v,
		        .story_events = b.story_events.v,
		        .n_new_stories = b.story_ids.n,
		        .join_events = b.join_events.v,
		        .join_prev = b.join_prev.v,
		        .n_join = b.join_events.n,
		        .restory_events = b.restory_events.v,
		        .restory_prev = b.restory_prev.v,
		        .n_restory = b.restory_events.n,
		        .touched = b.touched.v,
		        .n_touched = b.touched.n,
		        .cl = k->cl,
		        .generation = k->generation,
		};

		err = db_cluster_commit(k->conn, &cb);
	}
	if (!err)
		*placed = n;
	cluster_unpin_all(k->cl);
	db_pending_free(p, n);
	batch_release(&b);
	return err;
}

static void save_df(struct clusterer *k, bool now)
{
	time_t t = time(NULL);

	if (!k->cl || !k->df_dirty || (!now && t - k->df_saved < DF_SAVE_S))
		return;
	if (db_cluster_save_df(k->conn, k->cl) == 0) {
		k->df_saved = t;
		k->df_dirty = false;
	}
}

/* Wait up to ms, or until woken or stopped. Returns true to stop. */
static bool nap(struct clusterer *k, long ms)
{
	struct timespec until;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &until); /* the cond's clock (clusterer_start) */
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&k->lock);
	while (!k->stop && !k->woken)
		if (pthread_cond_timedwait(&k->cond, &k->lock, &until) == ETIMEDOUT)
			break;
	k->woken = false;
	stop = k->stop;
	pthread_mutex_unlock(&k->lock);
	return stop;
}

/* One step of the loop: returns how long to nap (0: go on at once). */
static long step(struct clusterer *k)
{
	size_t placed = 0;
	int err;

	if (!k->conn) {
		k->conn = db_pool_acquire(k->pool);
		if (!k->conn)
			return 1000;
	}
	if (!k->leader) {
		if (db_cluster_try_lead(k->conn, &k->leader) || !k->leader) {
			drop_connection(k); /* give the connection back while waiting */
			return 1000;
		}
		log_info("cluster: this process now places articles into events");
	}
	if (!k->cl) {
		k->cl = cluster_new(&k->params);
		k->newest_day = CLUSTER_NO_DAY;
		err = k->cl ? db_cluster_load(k->conn, k->cl, HORIZON_DAYS, k->params.max_events,
		                              &k->generation, &k->newest_day)
		            : -ENOMEM;
		if (err == -ESTALE) {
			log_info("cluster: events were curated while loading; reloading");
			drop_state(k);
			return 0;
		}
		if (err) {
			drop_connection(k);
			return 1000;
		}
		log_info("cluster: %zu active event(s) loaded", cluster_size(k->cl));
	}
	err = run_batch(k, &placed);
	if (err == -ESTALE) {
		log_info("cluster: events were curated; reloading");
		drop_state(k);
		return 0;
	}
	if (err == -EALREADY) {
		/* Memory counted them in this batch's events: reload, and decide
		 * again on what is still unplaced. */
		log_warn("cluster: articles of the batch were placed by someone else meanwhile; "
		         "batch dropped, reloading");
		drop_state(k);
		return 1000;
	}
	if (err) {
		log_warn("cluster: batch failed (%s); reloading", strerror(-err));
		drop_connection(k);
		return 1000;
	}
	save_df(k, false);
	return placed ? 0 : IDLE_MS;
}

static void *run(void *arg)
{
	struct clusterer *k = arg;
	long ms = 0;

	while (!nap(k, ms))
		ms = step(k);
	if (k->leader && k->conn)
		save_df(k, true);
	drop_connection(k); /* resigns */
	return NULL;
}

int clusterer_start(struct db_pool *pool, struct clusterer **out)
{
	struct clusterer *k = calloc(1, sizeof(*k));
	pthread_condattr_t ca;

	if (!k)
		return -ENOMEM;
	k->pool = pool;
	cluster_params_default(&k->params);
	pthread_mutex_init(&k->lock, NULL);
	/* Naps measure monotonic time: a wall clock stepped back an hour would
	 * otherwise put a follower (or an idle leader) to sleep for that hour. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&k->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&k->thread, NULL, run, k)) {
		pthread_mutex_destroy(&k->lock);
		pthread_cond_destroy(&k->cond);
		free(k);
		return -EAGAIN;
	}
	*out = k;
	return 0;
}

void clusterer_wake(struct clusterer *k)
{
	if (!k)
		return;
	pthread_mutex_lock(&k->lock);
	k->woken = true;
	pthread_cond_signal(&k->cond);
	pthread_mutex_unlock(&k->lock);
}

void clusterer_stop(struct clusterer *k)
{
	if (!k)
		return;
	pthread_mutex_lock(&k->lock);
	k->stop = true;
	pthread_cond_signal(&k->cond);
	pthread_mutex_unlock(&k->lock);
	pthread_join(k->thread, NULL);
	pthread_mutex_destroy(&k->lock);
	pthread_cond_destroy(&k->cond);
	free(k);
}
