/* Reads from a streaming replica, the primary when the replica is lost.
 *
 * The replica's pool is attached to the primary's. A read takes a replica
 * connection while the replica is up. The first failure (it cannot be
 * reached, or a connection of the current epoch breaks) marks it down, logs
 * that once, and bumps the pool's epoch so that every older connection
 * redials instead of failing in turn. While it is down, reads use the
 * primary; after a back-off (1 s, doubling to 30 s) one read, and only one,
 * tries the replica again; when that answers, the return is logged once and
 * reads go back to it. A replica lost again within 30 s of its return keeps
 * doubling the back-off rather than starting over, so a flapping replica is
 * not hammered either.
 */
#include "internal.h"
#include "log.h"

#include <errno.h>

#define REPLICA_BACKOFF_FIRST_S 1
#define REPLICA_BACKOFF_MAX_S 30

int db_pool_attach_replica(struct db_pool *pool, const char *url, int size)
{
	struct db_pool *replica = NULL;
	int err;

	if (pool->replica)
		return -EEXIST;
	err = db_pool_create(url, size, true, &replica);
	if (err)
		return err;
	pool->replica = replica;
	return 0;
}

bool db_conn_is_replica(const struct db_conn *conn)
{
	return conn->owner->is_replica;
}

static struct timespec now_plus(int seconds)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += seconds;
	return t;
}

static bool reached(const struct timespec *t)
{
	struct timespec now = now_plus(0);

	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* May this read use the replica? While it is up, yes; while it is down,
 * only the one read that claims the probe once the back-off has passed. */
static bool claim(struct db_pool *rep, bool *probe, unsigned *epoch)
{
	struct db_replica_state *st = &rep->rstate;
	bool ok = false;

	pthread_mutex_lock(&rep->lock);
	*probe = false;
	*epoch = rep->epoch;
	if (!st->down) {
		ok = true;
	} else if (!st->probing && reached(&st->retry_at)) {
		st->probing = true;
		*probe = true;
		ok = true;
	}
	pthread_mutex_unlock(&rep->lock);
	return ok;
}

/* The replica failed (why) for a connection of epoch. */
static void replica_failed(struct db_pool *rep, unsigned epoch, const char *why)
{
	struct db_replica_state *st = &rep->rstate;
	int backoff;

	pthread_mutex_lock(&rep->lock);
	if (epoch != rep->epoch) {
		/* A connection from before a loss already seen: it just redials. */
	} else if (st->probing) {
		st->probing = false;
		backoff = st->backoff_s * 2;
		st->backoff_s = backoff < REPLICA_BACKOFF_MAX_S ? backoff : REPLICA_BACKOFF_MAX_S;
		st->retry_at = now_plus(st->backoff_s);
		log_debug("db: read replica still unreachable: %s; next try in %d s", why,
		          st->backoff_s);
	} else if (!st->down) {
		struct timespec flap_end = st->up_since;

		flap_end.tv_sec += REPLICA_BACKOFF_MAX_S;
		backoff = st->backoff_s && !reached(&flap_end) ? st->backoff_s * 2
		                                               : REPLICA_BACKOFF_FIRST_S;
		st->backoff_s = backoff < REPLICA_BACKOFF_MAX_S ? backoff : REPLICA_BACKOFF_MAX_S;
		st->retry_at = now_plus(st->backoff_s);
		st->down = true;
		rep->epoch++;
		log_warn("db: read replica lost: %s; reads go to the primary, next try in %d s",
		         why, st->backoff_s);
	}
	pthread_mutex_unlock(&rep->lock);
}

static void replica_answered(struct db_pool *rep)
{
	struct db_replica_state *st = &rep->rstate;

	pthread_mutex_lock(&rep->lock);
	if (st->probing) {
		st->probing = false;
		st->down = false;
		st->up_since = now_plus(0);
		log_info("db: read replica is back; reads go to it again");
	}
	pthread_mutex_unlock(&rep->lock);
}

struct db_conn *db_pool_acquire_read(struct db_pool *pool)
{
	struct db_pool *rep = pool->replica;
	struct db_conn *conn;
	char why[512];
	unsigned epoch;
	bool probe;

	if (!rep || !claim(rep, &probe, &epoch))
		return db_pool_acquire(pool);
	conn = db_pool_take(rep, why, sizeof(why));
	if (!conn) {
		replica_failed(rep, epoch, why);
		return db_pool_acquire(pool);
	}
	if (probe)
		replica_answered(rep);
	return conn;
}

bool db_conn_lost(const struct db_conn *conn)
{
	/* db_error() closes a broken connection (and logs why). */
	return !conn->pg || PQstatus(conn->pg) != CONNECTION_OK;
}

void db_replica_released(struct db_pool *replica, struct db_conn *conn)
{
	if (db_conn_lost(conn))
		replica_failed(replica, conn->epoch, "a query lost its connection");
}
