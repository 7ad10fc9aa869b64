/* `newsd kb import FILE`, and the default base's load by `newsd migrate`. */
#include "kb.h"
#include "log.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Flags without a value. */
static bool is_kb_switch(const char *arg)
{
	return strcmp(arg, "--bulk") == 0 || strcmp(arg, "--no-bulk") == 0;
}

static bool is_kb_flag(const char *arg, size_t *len)
{
	static const char *const FLAGS[] = {"--min-sitelinks", "--langs", "--batch"};
	size_t i, n;

	for (i = 0; i < sizeof(FLAGS) / sizeof(FLAGS[0]); i++) {
		n = strlen(FLAGS[i]);
		if (strncmp(arg, FLAGS[i], n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
			*len = n;
			return true;
		}
	}
	return false;
}

int kb_cli_split(int *argc, char **argv, char ***sub)
{
	char **out;
	int i, j, k = 0, kb = -1;
	size_t n;

	*sub = NULL;
	for (i = 1; i < *argc; i++)
		if (strcmp(argv[i], "kb") == 0) {
			kb = i;
			break;
		}
	if (kb < 0)
		return 0;
	out = calloc((size_t)*argc + 1, sizeof(*out));
	if (!out)
		return -ENOMEM;
	for (i = j = kb + 1; i < *argc; i++) {
		if (is_kb_switch(argv[i])) {
			out[k++] = argv[i];
		} else if (is_kb_flag(argv[i], &n)) {
			out[k++] = argv[i];
			if (argv[i][n] == '\0' && i + 1 < *argc)
				out[k++] = argv[++i];
		} else if (strncmp(argv[i], "--", 2) != 0 || strcmp(argv[i], "--") == 0) {
			out[k++] = argv[i];
		} else {
			/* A common option, with its value when separate. */
			argv[j++] = argv[i];
			if (!strchr(argv[i], '=') && i + 1 < *argc && strncmp(argv[i + 1], "--", 2))
				argv[j++] = argv[++i];
		}
	}
	*argc = j;
	argv[j] = NULL;
	*sub = out;
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: newsd kb import FILE [--min-sitelinks N] [--langs en,fr,...|all]\n"
	        "                            [--batch N] [--bulk|--no-bulk]\n"
	        "  FILE: a Wikidata JSON dump (plain, .gz or .bz2) or the default base\n"
	        "  --min-sitelinks N  keep entities with at least N sitelinks (without\n"
	        "                     sitelinks: the dump's notability, else its labels); "
	        "default %d\n"
	        "  --langs LIST       languages of the names kept; default %s\n"
	        "  --batch N          entities per transaction; default %d\n"
	        "  --bulk             drop the aliases' trigram index and the foreign keys of\n"
	        "                     the name tables for the import, rebuild them at the end\n"
	        "                     (default: when the dump brings at least %d names and\n"
	        "                     half as many as the database has)\n"
	        "  --no-bulk          never\n",
	        KB_DEFAULT_MIN_SITELINKS, KB_DEFAULT_LANGS, KB_DEFAULT_CHUNK, KB_BULK_MIN_NAMES);
}

static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

int kb_cli(struct db_pool *pool, int argc, char **argv)
{
	struct kb_import_opts o = {.filter.min_notability = KB_DEFAULT_MIN_SITELINKS,
	                           .progress = stdout,
	                           .bulk = KB_BULK_AUTO,
	                           .stop = &interrupted};
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = (int)SA_RESETHAND};
	struct kb_stats st;
	const char *file = NULL, *langs_spec = KB_DEFAULT_LANGS, *arg, *val;
	char **langs = NULL;
	long v;
	int i, err;
	size_t n;

	if (argc < 1 || strcmp(argv[0], "import") != 0) {
		usage();
		return 2;
	}
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (is_kb_switch(arg)) {
			o.bulk = strcmp(arg, "--bulk") == 0 ? KB_BULK_YES : KB_BULK_NO;
		} else if (is_kb_flag(arg, &n)) {
			val = arg[n] == '=' ? arg + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!val) {
				fprintf(stderr, "newsd: option '%s' needs a value\n", arg);
				return 2;
			}
			if (strncmp(arg, "--langs", n) == 0) {
				langs_spec = val;
			} else if (parse_int(val, 0, INT_MAX, &v)) {
				fprintf(stderr,
				        "newsd: option '%.*s' must be a non-negative integer\n",
				        (int)n, arg);
				return 2;
			} else if (strncmp(arg, "--batch", n) == 0) {
				o.batch = v ? (size_t)v : 1;
			} else {
				o.filter.min_notability = (int)v;
			}
		} else if (!file) {
			file = arg;
		} else {
			usage();
			return 2;
		}
	}
	if (!file) {
		usage();
		return 2;
	}
	err = kb_langs_parse(langs_spec, &langs);
	if (err) {
		fprintf(stderr, "newsd: --langs '%s' must be comma-separated codes or 'all'\n",
		        langs_spec);
		return 2;
	}
	o.filter.langs = (const char *const *)langs;
	/* Ctrl-C or a TERM stops the import cleanly (a bulk import's index and
	 * foreign keys rebuilt); a second one kills. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = kb_import_file(pool, file, &o, &st);
	kb_langs_free(langs);
	if (err) {
		fprintf(stderr, "newsd: kb import of '%s' failed: %s\n", file, strerror(-err));
		return 1;
	}
	return 0;
}

int kb_load_default(struct db_pool *pool, const char *path)
{
	struct kb_import_opts o = {.name = "default", .only_once = true};
	struct kb_stats st;
	int err;

	if (!path || !*path)
		return 0;
	if (access(path, R_OK) != 0) {
		log_warn("kb: default knowledge base '%s' not found: %s (set NEWSD_KB_DEFAULT, or "
		         "empty to load none)",
		         path, strerror(errno));
		return 0;
	}
	err = kb_import_file(pool, path, &o, &st);
	if (err)
		return err;
	if (st.already)
		log_info("kb: default knowledge base '%s' already loaded", path);
	else
		log_info("kb: default knowledge base '%s' loaded: %lld entities, %lld malformed "
		         "lines",
		         path, (long long)st.entities, (long long)st.malformed);
	return 0;
}
