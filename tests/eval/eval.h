/* Shared helpers of the evaluation programs (tests/eval/eval_*.c).
 *
 * Each program scores one stage on a public corpus under $CORPORA (default
 * ../shared/corpora) and prints rows of one markdown table:
 *   | stage | dataset | metric | value | reference |
 * A program whose data is absent prints one row saying so and exits 0. These
 * corpora are for measuring only: nothing here tunes on them at run time. */
#ifndef NEWSD_EVAL_H
#define NEWSD_EVAL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "strbuf.h"

/* $CORPORA/rel, or NULL when it does not exist (the caller skips). */
static inline const char *eval_path(const char *rel, char *buf, size_t size)
{
	const char *root = getenv("CORPORA");
	struct stat st;

	snprintf(buf, size, "%s/%s", root && *root ? root : "../shared/corpora", rel);
	return stat(buf, &st) == 0 ? buf : NULL;
}

static inline void eval_row(const char *stage, const char *dataset, const char *metric,
                            double value, const char *reference)
{
	printf("| %s | %s | %s | %.3f | %s |\n", stage, dataset, metric, value, reference);
}

static inline void eval_skip(const char *stage, const char *dataset, const char *why)
{
	printf("| %s | %s | skipped: %s | - | - |\n", stage, dataset, why);
}

/* Whole file into a NUL-terminated buffer (free it), NULL on failure. */
static inline char *eval_read_file(const char *path, size_t *len)
{
	char *buf = NULL;

	return strbuf_read_file(path, &buf, len) ? NULL : buf;
}

#endif
