/* Text pipeline throughput on one core: text_process() over every fixture
 * of tests/fixtures/articles (text and HTML), repeated for a fixed time.
 * Reported next to a baseline measured in the same run on the same bytes:
 * one UTF-8 validation pass (text_utf8_valid), the least any stage must do,
 * so the ratio says how many "reads of the input" the whole pipeline costs.
 *
 *   text_bench [fixtures-dir] [seconds]
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"

struct input {
	char *data;
	size_t len;
	bool html;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

static size_t load(const char *dir, struct input *in, size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	size_t n = 0, l;
	bool html;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		l = strlen(e->d_name);
		html = l > 5 && strcmp(e->d_name + l - 5, ".html") == 0;

		if (!html && !(l > 4 && strcmp(e->d_name + l - 4, ".txt") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		in[n].data = slurp(path, &in[n].len);
		in[n].html = html;
		if (in[n].data)
			n++;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/fixtures/articles";
	double seconds = argc > 2 ? atof(argv[2]) : 3.0, t0, t_pipe, t_base;
	struct input in[512];
	struct text_day today = {2026, 11, 22};
	size_t n = load(dir, in, 512), i, bytes = 0, docs = 0, base_bytes = 0;
	volatile size_t sink = 0;
	int err = text_init(NULL);

	if (err || n == 0) {
		fprintf(stderr, "text_bench: %s\n", err ? "text_init failed" : "no fixtures");
		return 1;
	}
	/* Baseline first: UTF-8 validation over the same inputs, same duration. */
	t0 = now();
	do {
		for (i = 0; i < n; i++) {
			sink += text_utf8_valid(in[i].data, in[i].len);
			base_bytes += in[i].len;
		}
	} while (now() - t0 < seconds / 3);
	t_base = now() - t0;
	t0 = now();
	do {
		for (i = 0; i < n; i++) {
			struct text_input ti = {0};
			struct text_doc doc = TEXT_DOC_INIT;
			const char *why;

			if (in[i].html)
				ti.html = in[i].data;
			else
				ti.text = in[i].data;
			ti.today = &today;
			if (text_process(&ti, &doc, &why) == 0)
				sink += doc.n_entities;
			text_doc_release(&doc);
			bytes += in[i].len;
			docs++;
		}
	} while (now() - t0 < seconds);
	t_pipe = now() - t0;
	printf("text pipeline, one core, %zu fixtures (avg %.1f KB), %.1f s:\n", n,
	       (double)bytes / (double)docs / 1024, t_pipe);
	printf("  %.0f articles/s, %.1f MB/s; baseline UTF-8 validation %.0f MB/s; "
	       "pipeline = %.0fx the baseline's time per byte\n",
	       (double)docs / t_pipe, (double)bytes / t_pipe / 1e6,
	       (double)base_bytes / t_base / 1e6,
	       ((double)base_bytes / t_base) / ((double)bytes / t_pipe));
	printf("  per 4 KB article: %.0f us -> %.0f articles of 4 KB/s (target >= 2000)\n",
	       t_pipe / ((double)bytes / 4096) * 1e6, (double)bytes / 4096 / t_pipe);
	for (i = 0; i < n; i++)
		free(in[i].data);
	text_shutdown();
	return sink == (size_t)-1;
}
