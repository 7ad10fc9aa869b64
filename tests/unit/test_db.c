/* db without a database: the read replica's back-off against servers that
 * cannot be reached (a unix socket that does not exist), db_oneline() and
 * db_id_array(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "../../server/db/internal.h"
#include "db.h"
#include "log.h"
#include "strbuf.h"

#define NOWHERE "postgresql://newsd@/newsd?host=/nonexistent-newsd-unit&port=1"

static void test_oneline(void **state)
{
	char out[64];

	db_oneline(out, sizeof(out),
	           "server closed the connection unexpectedly\n\tThis probably\n");
	assert_string_equal(out, "server closed the connection unexpectedly This probably");
	db_oneline(out, sizeof(out), "  a \n\n b  ");
	assert_string_equal(out, "a b");
	db_oneline(out, 6, "abcdefgh");
	assert_string_equal(out, "abcde");
	db_oneline(out, sizeof(out), "");
	assert_string_equal(out, "");
}

/* The one writer of id-array literals: any length (curation passes every
 * article of a split), and it appends. */
static void test_id_array(void **state)
{
	static const int64_t some[] = {1, -2, INT64_MAX};
	int64_t many[1000];
	struct strbuf sb;
	size_t i;

	strbuf_init(&sb);
	assert_int_equal(db_id_array(NULL, 0, &sb), 0);
	assert_string_equal(sb.buf, "{}");
	assert_int_equal(db_id_array(some, 3, &sb), 0);
	assert_string_equal(sb.buf, "{}{\"1\",\"-2\",\"9223372036854775807\"}");
	strbuf_reset(&sb);
	for (i = 0; i < 1000; i++)
		many[i] = (int64_t)i + 1000000000000;
	assert_int_equal(db_id_array(many, 1000, &sb), 0);
	assert_int_equal(sb.len, 2 + 1000 * 15 + 999);
	assert_true(strncmp(sb.buf, "{\"1000000000000\",\"1000000000001\",", 33) == 0);
	assert_string_equal(sb.buf + sb.len - 17, ",\"1000000000999\"}");
	strbuf_release(&sb);
}

static void test_backoff(void **state)
{
	static const int want[] = {2, 4, 8, 16, 30, 30};
	struct db_pool *pool = NULL;
	struct db_pool *rep;
	size_t i;

	log_set_level(LOG_ERROR);
	assert_int_equal(db_pool_new(NOWHERE, 2, &pool), 0);
	assert_int_equal(db_pool_attach_replica(pool, NOWHERE, 2), 0);
	assert_int_equal(db_pool_attach_replica(pool, NOWHERE, 2), -EEXIST);
	rep = pool->replica;
	assert_true(rep->is_replica);
	assert_false(rep->rstate.down);

	/* Neither answers: the replica is lost (once), then the primary fails. */
	assert_null(db_pool_acquire_read(pool));
	assert_true(rep->rstate.down);
	assert_false(rep->rstate.probing);
	assert_int_equal(rep->rstate.backoff_s, 1);
	assert_int_equal(rep->epoch, 1);

	/* Within the back-off the replica is not tried: nothing changes. */
	assert_null(db_pool_acquire_read(pool));
	assert_int_equal(rep->rstate.backoff_s, 1);
	assert_int_equal(rep->epoch, 1);

	/* Each failed probe doubles the back-off, up to 30 s; the loss is not
	 * counted again. */
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		rep->rstate.retry_at = (struct timespec){0};
		assert_null(db_pool_acquire_read(pool));
		assert_true(rep->rstate.down);
		assert_false(rep->rstate.probing);
		assert_int_equal(rep->rstate.backoff_s, want[i]);
		assert_int_equal(rep->epoch, 1);
	}
	/* Every connection went back to its pool. */
	assert_int_equal(rep->n_free, 2);
	assert_int_equal(pool->n_free, 2);
	db_pool_free(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_oneline),
	        cmocka_unit_test(test_id_array),
	        cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
