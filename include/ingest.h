/* ingest: turning an input object into a stored article, synchronously
 * (POST /articles) or as a job item on the libuv worker (sole user of uv.h).
 * Both paths run the same ingest_article(). */
#ifndef NEWSD_INGEST_H
#define NEWSD_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct db_conn;
struct db_item_ref;
struct db_pool;
struct ingest;

#define INGEST_WHY_LEN 256

/* Validate input_json (one article object, see docs/api.md), run the text
 * pipeline and store the result. -EINVAL with a reason in why (the input's
 * fault: a 400, or the item fails for good); -ESTALE when item is no longer
 * ours; -EIO / -ENOMEM otherwise (transient). */
int ingest_article(struct db_conn *conn, const char *input_json, size_t len,
                   const struct db_item_ref *item, int64_t *id, bool *created, char *why);

/* Start the worker thread: claims queued items and runs them on a pool of
 * cfg->workers threads. worker_id names this process in the queue. */
int ingest_start(const struct config *cfg, struct db_pool *pool, struct ingest **out);
/* A new job or article was committed: look for work now (any thread). */
void ingest_wake(struct ingest *ing);
/* Stop claiming, give back what has not started, let running items finish,
 * then join the thread and free everything. */
void ingest_stop(struct ingest *ing);

#endif
