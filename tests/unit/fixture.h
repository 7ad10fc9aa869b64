/* Test helper: a fixture article's bytes, from tests/fixtures/articles (or
 * $NEWSD_FIXTURES); run the tests from the repository root. Include after
 * <cmocka.h>. The caller frees the result. */
#ifndef NEWSD_TEST_FIXTURE_H
#define NEWSD_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static char *read_fixture(const char *name)
{
	const char *dir = getenv("NEWSD_FIXTURES");
	char path[512];
	char *buf = NULL;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/fixtures/articles", name);
	err = strbuf_read_file(path, &buf, NULL);
	if (err)
		fail_msg("cannot read fixture %s: %s (run from the repository root)", path,
		         strerror(-err));
	return buf;
}

#endif
