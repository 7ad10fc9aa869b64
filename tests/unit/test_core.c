/* Unit tests for core/ and the pure parts of http/: no network, no database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "http.h"
#include "strbuf.h"
#include "timeutil.h"

static void iso(const char *in, char *out)
{
	struct time_point tp;

	assert_int_equal(time_parse_iso8601(in, &tp), 0);
	time_format_utc(tp.epoch_ms, out);
}

static void test_time_parse_forms(void **state)
{
	struct time_point tp;
	char out[TIME_ISO_LEN];

	assert_int_equal(time_parse_iso8601("2018", &tp), 0);
	assert_int_equal(tp.precision, TIME_PRECISION_YEAR);
	time_format_utc(tp.epoch_ms, out);
	assert_string_equal(out, "2018-01-01T00:00:00Z");
	assert_int_equal(time_parse_iso8601("2018-04", &tp), 0);
	assert_int_equal(tp.precision, TIME_PRECISION_MONTH);
	assert_int_equal(time_parse_iso8601("2018-04-02", &tp), 0);
	assert_int_equal(tp.precision, TIME_PRECISION_DAY);
	iso("2018-04-02T10:20:30Z", out);
	assert_string_equal(out, "2018-04-02T10:20:30Z");
	iso("2018-04-02T10:20:30.5+02:00", out);
	assert_string_equal(out, "2018-04-02T08:20:30.500Z");
	iso("2018-04-02 23:30-01:00", out);
	assert_string_equal(out, "2018-04-03T00:30:00Z");
	iso("1969-12-31T23:59:59Z", out);
	assert_string_equal(out, "1969-12-31T23:59:59Z");
	iso("2024-02-29", out);
	assert_string_equal(out, "2024-02-29T00:00:00Z");
	assert_int_equal(time_parse_iso8601("1970-01-01", &tp), 0);
	assert_int_equal(tp.epoch_ms, 0);
}

static void test_time_parse_rejects(void **state)
{
	static const char *const bad[] = {
	        "",
	        "18",
	        "2018-13",
	        "2018-00-10",
	        "2023-02-29",
	        "2018-04-31",
	        "2018-04-02T24:00",
	        "2018-04-02T10:60",
	        "2018-04-02T10:20:61",
	        "2018-04-02T10:20+15:00",
	        "2018/04/02",
	        "2018-04-02Z",
	        "2018-04-02T10",
	        "yesterday",
	        "2018-04-02T10:20:30.",
	        "0000-01-01",
	        "2018-04-02T10:20:30Zjunk",
	};
	struct time_point tp;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (time_parse_iso8601(bad[i], &tp) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_int_equal(time_parse_iso8601(NULL, &tp), -EINVAL);
}

static void test_days_from_civil(void **state)
{
	assert_int_equal(time_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(time_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(time_days_from_civil(1969, 12, 31), -1);
}

static void test_strbuf(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;
	size_t len;
	int i;

	strbuf_init(&sb);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	for (i = 0; i < 1000; i++)
		assert_int_equal(strbuf_addf(&sb, "%d,", i), 0);
	assert_int_equal(strncmp(sb.buf, "0,1,2,", 6), 0);
	assert_int_equal(strbuf_addstr(&sb, "end"), 0);
	s = strbuf_detach(&sb, &len);
	assert_int_equal(len, strlen(s));
	assert_string_equal(s + len - 3, "end");
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	free(s);
	s = strbuf_detach(&sb, &len); /* an empty buffer still hands out a string */
	assert_string_equal(s, "");
	free(s);
	strbuf_release(&sb);
}

static bool match(const char *pattern, const char *path, const char **args)
{
	static char scratch[256];

	snprintf(scratch, sizeof(scratch), "%s", path);
	return http_match(pattern, scratch, args, HTTP_MAX_PATH_ARGS);
}

static void test_http_match(void **state)
{
	const char *args[HTTP_MAX_PATH_ARGS] = {0};

	assert_true(match("/articles", "/articles", args));
	assert_false(match("/articles", "/articles/", args));
	assert_false(match("/articles", "/article", args));
	assert_true(match("/articles/{id}", "/articles/42", args));
	assert_string_equal(args[0], "42");
	assert_false(match("/articles/{id}", "/articles/", args));
	assert_false(match("/articles/{id}", "/articles/42/", args));
	assert_true(match("/events/{id}/articles", "/events/7/articles", args));
	assert_string_equal(args[0], "7");
	assert_false(match("/events/{id}/articles", "/events/7/article", args));
	assert_false(match("/events/{id}/articles", "/events//articles", args));
	assert_false(match("/events/{id}", "/events/7/articles", args));
}

static void test_http_problem(void **state)
{
	struct http_response res = {0};

	http_problem(&res, 404, "no article %d", 5);
	assert_int_equal(res.status, 404);
	assert_string_equal(res.content_type, "application/problem+json");
	assert_non_null(strstr(res.body, "\"detail\":\"no article 5\""));
	assert_non_null(strstr(res.body, "\"title\":\"Not Found\""));
	assert_non_null(strstr(res.body, "\"status\":404"));
	/* invalid UTF-8 in a detail still yields a valid problem */
	http_problem(&res, 400, "bad \xff byte");
	assert_int_equal(res.status, 400);
	assert_non_null(strstr(res.body, "\"detail\":"));
	free(res.body);
}

static void test_config(void **state)
{
	char *argv_ok[] = {"newsd", "serve", "--port=9000", "--log-level", "debug", NULL};
	char *argv_bad_port[] = {"newsd", "--port=70000", NULL};
	char *argv_unknown[] = {"newsd", "--nope=1", NULL};
	char *argv_cmd[] = {"newsd", "fly", NULL};
	struct config cfg;
	FILE *devnull = fopen("/dev/null", "w");
	char **keys;
	size_t n;

	setenv("DATABASE_URL", "postgresql:///x", 1);
	setenv("NEWSD_API_KEYS", " k1 ,,k2 ", 1);
	assert_int_equal(config_load(&cfg, 5, argv_ok, devnull), 0);
	assert_int_equal(cfg.port, 9000);
	assert_string_equal(cfg.log_level, "debug");
	assert_int_equal(cfg.command, CONFIG_CMD_SERVE);
	keys = config_api_keys(&cfg, &n);
	assert_int_equal(n, 2);
	assert_string_equal(keys[0], "k1");
	assert_string_equal(keys[1], "k2");
	assert_null(keys[2]);
	config_keys_free(keys);
	config_release(&cfg);
	assert_int_equal(config_load(&cfg, 2, argv_bad_port, devnull), -EINVAL);
	config_release(&cfg);
	assert_int_equal(config_load(&cfg, 2, argv_unknown, devnull), -EINVAL);
	config_release(&cfg);
	assert_int_equal(config_load(&cfg, 2, argv_cmd, devnull), -EINVAL);
	config_release(&cfg);
	setenv("NEWSD_PORT", "abc", 1);
	assert_int_equal(config_load(&cfg, 1, argv_ok, devnull), -EINVAL);
	config_release(&cfg);
	unsetenv("NEWSD_PORT");
	unsetenv("DATABASE_URL");
	assert_int_equal(config_load(&cfg, 2, argv_ok, devnull), -EINVAL); /* serve needs a DB */
	config_release(&cfg);
	unsetenv("NEWSD_API_KEYS");
	fclose(devnull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_time_parse_forms), cmocka_unit_test(test_time_parse_rejects),
	        cmocka_unit_test(test_days_from_civil),  cmocka_unit_test(test_strbuf),
	        cmocka_unit_test(test_http_match),       cmocka_unit_test(test_http_problem),
	        cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
