/* Test helper: a fixture article's bytes, from tests/fixtures/articles (or
 * $NEWSD_FIXTURES); run the tests from the repository root. Include after
 * <cmocka.h>. The caller frees the result. */
#ifndef NEWSD_TEST_FIXTURE_H
#define NEWSD_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

static char *read_fixture(const char *name)
{
	const char *dir = getenv("NEWSD_FIXTURES");
	char path[512];
	FILE *f;
	long n;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/fixtures/articles", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s (run from the repository root)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

#endif
