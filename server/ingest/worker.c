/* The ingestion worker: one thread runs a libuv loop that owns every handle
 * (libuv is not thread-safe except uv_async_send). It claims queued items
 * from PostgreSQL and runs each on the libuv thread pool (uv_queue_work);
 * the outcome is committed by the pool thread together with the article, so
 * a crash at any point leaves an item either done or claimed by a dead
 * worker, which the lease returns to the queue. */
#include "config.h"
#include "db.h"
#include "ingest.h"
#include "internal.h"
#include "log.h"
#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

/* Items that killed (or were abandoned by) this many workers fail. */
#define MAX_ATTEMPTS 3

struct work {
	uv_work_t req;
	struct ingest *ing;
	struct db_item item;
	struct work *prev, *next; /* in ing->pending, while not finished */
};

struct ingest {
	const struct config *cfg;
	struct db_pool *pool;
	uv_loop_t loop;
	uv_async_t wake;
	uv_async_t stop;
	uv_timer_t timer;
	uv_thread_t thread;
	char worker_id[128];
	int inflight;
	int max_inflight;
	bool stopping;
	uint64_t last_heartbeat_ms, last_reclaim_ms;
	struct work *pending;
	struct clusterer *clusterer; /* places the stored articles into events */
};

static void unlink_work(struct ingest *ing, struct work *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		ing->pending = w->next;
	if (w->next)
		w->next->prev = w->prev;
}

/* Pool thread: own memory and own connection only; no uv_* calls. */
static void run_item(uv_work_t *req)
{
	struct work *w = req->data;
	struct ingest *ing = w->ing;
	struct db_item_ref ref = {w->item.job_id, w->item.idx, ing->worker_id};
	struct db_conn *conn = db_pool_acquire(ing->pool);
	char why[INGEST_WHY_LEN];
	int64_t id = 0;
	bool created = false;
	int err;

	if (!conn)
		return; /* the lease will give the item back */
	err = ingest_article(conn, w->item.input, strlen(w->item.input), &ref, &id, &created, why);
	if (err == -EINVAL) {
		log_info("ingest: job=%" PRId64 " item=%d failed: %s", ref.job_id, ref.idx, why);
		db_item_fail(conn, &ref, why);
		metrics_item_observe(METRICS_ITEM_FAILED);
	} else if (err == -ESTALE) {
		log_warn("ingest: job=%" PRId64 " item=%d: lease lost, another worker has it",
		         ref.job_id, ref.idx);
	} else if (err) {
		/* Transient (database, memory): back to the queue for a retry. */
		log_warn("ingest: job=%" PRId64 " item=%d: %s; retrying later", ref.job_id, ref.idx,
		         strerror(-err));
		db_item_retry(conn, &ref, strerror(-err), MAX_ATTEMPTS);
		metrics_item_observe(METRICS_ITEM_RETRIED);
	} else {
		metrics_item_observe(METRICS_ITEM_DONE);
		log_debug("ingest: job=%" PRId64 " item=%d article=%" PRId64 "%s", ref.job_id,
		          ref.idx, id, created ? "" : " (existing)");
	}
	db_pool_release(ing->pool, conn);
}

static void fill(struct ingest *ing);
static void maybe_close(struct ingest *ing);

/* Loop thread. UV_ECANCELED: the item never ran; give it back now. */
static void item_done(uv_work_t *req, int status)
{
	struct work *w = req->data;
	struct ingest *ing = w->ing;

	if (status == UV_ECANCELED) {
		struct db_item_ref ref = {w->item.job_id, w->item.idx, ing->worker_id};
		struct db_conn *conn = db_pool_acquire(ing->pool);

		if (conn) {
			db_item_requeue(conn, &ref);
			db_pool_release(ing->pool, conn);
		}
	}
	unlink_work(ing, w);
	free(w->item.input);
	free(w);
	ing->inflight--;
	clusterer_wake(ing->clusterer);
	if (ing->stopping)
		maybe_close(ing);
	else
		fill(ing);
}

static void fill(struct ingest *ing)
{
	struct db_item *items = NULL;
	struct db_conn *conn;
	size_t n = 0, i;
	int want = ing->max_inflight - ing->inflight, err;

	if (ing->stopping || want <= 0)
		return;
	conn = db_pool_acquire(ing->pool);
	if (!conn)
		return;
	err = db_items_claim(conn, ing->worker_id, want, &items, &n);
	db_pool_release(ing->pool, conn);
	if (err)
		return;
	for (i = 0; i < n; i++) {
		struct work *w = calloc(1, sizeof(*w));

		if (!w) {
			free(items[i].input);
			continue; /* claimed but dropped: the lease returns it */
		}
		w->ing = ing;
		w->item = items[i];
		w->req.data = w;
		w->next = ing->pending;
		if (ing->pending)
			ing->pending->prev = w;
		ing->pending = w;
		ing->inflight++;
		uv_queue_work(&ing->loop, &w->req, run_item, item_done);
	}
	free(items); /* the inputs now belong to the works */
}

static void housekeeping(struct ingest *ing)
{
	uint64_t now = uv_now(&ing->loop);
	uint64_t lease_ms = (uint64_t)ing->cfg->job_lease_seconds * 1000;
	struct db_conn *conn;
	int n;

	if (now - ing->last_heartbeat_ms < lease_ms / 3 &&
	    now - ing->last_reclaim_ms < lease_ms / 2)
		return;
	conn = db_pool_acquire(ing->pool);
	if (!conn)
		return;
	if (now - ing->last_heartbeat_ms >= lease_ms / 3) {
		db_worker_heartbeat(conn, ing->worker_id);
		ing->last_heartbeat_ms = now;
	}
	if (now - ing->last_reclaim_ms >= lease_ms / 2) {
		n = db_items_reclaim(conn, (int)ing->cfg->job_lease_seconds, MAX_ATTEMPTS);
		if (n > 0)
			log_info("ingest: %d item(s) of stopped workers went back to the queue", n);
		ing->last_reclaim_ms = now;
	}
	db_pool_release(ing->pool, conn);
}

static void on_timer(uv_timer_t *t)
{
	struct ingest *ing = t->data;

	housekeeping(ing);
	fill(ing);
}

static void on_wake(uv_async_t *a)
{
	fill(a->data);
}

static void on_closed(uv_handle_t *h)
{
	(void)h; /* handles live inside struct ingest, freed after the loop ends */
}

static void maybe_close(struct ingest *ing)
{
	if (ing->inflight > 0)
		return;
	if (!uv_is_closing((uv_handle_t *)&ing->timer)) {
		uv_close((uv_handle_t *)&ing->timer, on_closed);
		uv_close((uv_handle_t *)&ing->wake, on_closed);
		uv_close((uv_handle_t *)&ing->stop, on_closed);
	}
}

static void on_stop(uv_async_t *a)
{
	struct ingest *ing = a->data;
	struct work *w;

	ing->stopping = true;
	uv_timer_stop(&ing->timer);
	/* Items not started go back (item_done sees UV_ECANCELED); running
	 * ones finish and commit. */
	for (w = ing->pending; w; w = w->next)
		uv_cancel((uv_req_t *)&w->req);
	maybe_close(ing);
}

static void run_loop(void *arg)
{
	struct ingest *ing = arg;
	struct db_conn *conn;

	uv_run(&ing->loop, UV_RUN_DEFAULT);
	conn = db_pool_acquire(ing->pool);
	if (conn) {
		db_worker_unregister(conn, ing->worker_id);
		db_pool_release(ing->pool, conn);
	}
}

int ingest_start(const struct config *cfg, struct db_pool *pool, struct ingest **out)
{
	struct ingest *ing = calloc(1, sizeof(*ing));
	char host[64] = "host", threads[16];
	struct db_conn *conn;
	int err;

	if (!ing)
		return -ENOMEM;
	ing->cfg = cfg;
	ing->pool = pool;
	ing->max_inflight = (int)cfg->workers * 2;
	gethostname(host, sizeof(host) - 1);
	snprintf(ing->worker_id, sizeof(ing->worker_id), "%s:%ld:%ld", host, (long)getpid(),
	         (long)time(NULL));
	/* The libuv pool is sized once, by the environment, before first use. */
	snprintf(threads, sizeof(threads), "%ld", cfg->workers);
	setenv("UV_THREADPOOL_SIZE", threads, 1);
	conn = db_pool_acquire(pool);
	if (!conn) {
		free(ing);
		return -EIO;
	}
	err = db_worker_register(conn, ing->worker_id);
	db_pool_release(pool, conn);
	if (err) {
		free(ing);
		return err;
	}
	uv_loop_init(&ing->loop);
	uv_async_init(&ing->loop, &ing->wake, on_wake);
	uv_async_init(&ing->loop, &ing->stop, on_stop);
	uv_timer_init(&ing->loop, &ing->timer);
	ing->wake.data = ing->stop.data = ing->timer.data = ing;
	/* First tick at once: reclaim what a previous run left running. */
	uv_timer_start(&ing->timer, on_timer, 0, (uint64_t)cfg->job_poll_ms);
	err = clusterer_start(pool, &ing->clusterer);
	if (!err && uv_thread_create(&ing->thread, run_loop, ing))
		err = -EAGAIN;
	if (err) {
		clusterer_stop(ing->clusterer);
		uv_loop_close(&ing->loop);
		free(ing);
		return err;
	}
	log_info("ingest: worker '%s' started with %ld thread(s)", ing->worker_id, cfg->workers);
	*out = ing;
	return 0;
}

void ingest_wake(struct ingest *ing)
{
	if (ing) {
		uv_async_send(&ing->wake);
		clusterer_wake(ing->clusterer);
	}
}

void ingest_stop(struct ingest *ing)
{
	if (!ing)
		return;
	uv_async_send(&ing->stop);
	uv_thread_join(&ing->thread);
	/* Run once more so close callbacks complete, then the loop closes. */
	uv_run(&ing->loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&ing->loop))
		log_warn("ingest: loop closed with live handles");
	clusterer_stop(ing->clusterer);
	free(ing);
	log_info("ingest: stopped");
}
