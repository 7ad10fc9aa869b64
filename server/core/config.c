#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum opt_type { OPT_STRING, OPT_LONG };

struct option_def {
	const char *flag; /* --flag=value */
	const char *env;
	enum opt_type type;
	size_t offset;
	const char *def;
	long min, max;
	const char *help;
};

#define STR(field) OPT_STRING, offsetof(struct config, field)
#define NUM(field) OPT_LONG, offsetof(struct config, field)

/* The whole configuration surface: README's table is this table. */
static const struct option_def options[] = {
        {"database-url", "DATABASE_URL", STR(database_url), "", 0, 0,
         "PostgreSQL connection URI (required for serve, worker, migrate)"},
        {"read-database-url", "READ_DATABASE_URL", STR(read_database_url), "", 0, 0,
         "URI of a streaming replica for GET reads (not jobs); empty: the primary"},
        {"bind", "NEWSD_BIND", STR(bind), "127.0.0.1", 0, 0, "address to listen on"},
        {"port", "NEWSD_PORT", NUM(port), "8080", 1, 65535, "HTTP port"},
        {"http-threads", "NEWSD_HTTP_THREADS", NUM(http_threads), "4", 1, 64,
         "libmicrohttpd thread pool size"},
        {"db-pool", "NEWSD_DB_POOL", NUM(db_pool_size), "8", 2, 256,
         "PostgreSQL connections per process"},
        {"workers", "NEWSD_WORKERS", NUM(workers), "2", 1, 64, "ingestion pipeline threads"},
        {"max-body", "NEWSD_MAX_BODY", NUM(max_body), "16777216", 1024, 1073741824,
         "largest request body in bytes (413 above)"},
        {"max-job-items", "NEWSD_MAX_JOB_ITEMS", NUM(max_job_items), "100000", 1, 10000000,
         "largest batch accepted by POST /jobs"},
        {"job-lease", "NEWSD_JOB_LEASE", NUM(job_lease_seconds), "15", 2, 3600,
         "seconds without a heartbeat before a dead worker's items are retried"},
        {"job-poll-ms", "NEWSD_JOB_POLL_MS", NUM(job_poll_ms), "1000", 10, 60000,
         "how often idle workers look for queued items"},
        {"api-keys", "NEWSD_API_KEYS", STR(api_keys), "", 0, 0,
         "comma-separated bearer keys required for writes; empty: writes open"},
        {"log-level", "NEWSD_LOG_LEVEL", STR(log_level), "info", 0, 0,
         "error | warn | info | debug"},
        {"migrations", "NEWSD_MIGRATIONS_DIR", STR(migrations_dir), "migrations", 0, 0,
         "directory of NNNN_name.sql migrations"},
        {"openapi", "NEWSD_OPENAPI", STR(openapi_path), "openapi.yaml", 0, 0,
         "file served at GET /openapi.yaml"},
        {"langid-conf", "NEWSD_LANGID_CONF", STR(langid_conf), "", 0, 0,
         "exttextcat fpdb.conf with language profiles; empty: the system's"},
        {"web-dir", "NEWSD_WEB_DIR", STR(web_dir), "web", 0, 0,
         "the dashboard's static files, served for GET outside the API; empty: none"},
        {"cors-origin", "NEWSD_CORS_ORIGIN", STR(cors_origin), "", 0, 0,
         "origin allowed to call the API from a browser (or *); empty: same origin only"},
        {"kb-default", "NEWSD_KB_DEFAULT", STR(kb_default), "data/kb/default.json.gz", 0, 0,
         "default knowledge base, loaded once per version by migrate; empty: none"},
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static int set_option(struct config *cfg, const struct option_def *o, const char *value,
                      const char *origin, FILE *err)
{
	char *end;
	long v;
	char **sp;

	if (o->type == OPT_STRING) {
		sp = (char **)((char *)cfg + o->offset);
		free(*sp);
		*sp = strdup(value);
		return *sp ? 0 : -ENOMEM;
	}
	errno = 0;
	v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < o->min || v > o->max) {
		fprintf(err, "newsd: %s '%s' must be an integer from %ld to %ld\n", origin, value,
		        o->min, o->max);
		return -EINVAL;
	}
	*(long *)((char *)cfg + o->offset) = v;
	return 0;
}

static const struct option_def *find_flag(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++)
		if (strlen(options[i].flag) == len && strncmp(options[i].flag, name, len) == 0)
			return &options[i];
	return NULL;
}

static int parse_command(struct config *cfg, const char *word)
{
	if (strcmp(word, "serve") == 0)
		cfg->command = CONFIG_CMD_SERVE;
	else if (strcmp(word, "worker") == 0)
		cfg->command = CONFIG_CMD_WORKER;
	else if (strcmp(word, "migrate") == 0)
		cfg->command = CONFIG_CMD_MIGRATE;
	else if (strcmp(word, "kb") == 0)
		cfg->command = CONFIG_CMD_KB;
	else if (strcmp(word, "help") == 0)
		cfg->command = CONFIG_CMD_HELP;
	else
		return -EINVAL;
	return 0;
}

static int parse_args(struct config *cfg, int argc, char **argv, FILE *err)
{
	const struct option_def *o;
	const char *arg, *eq, *value;
	char origin[96];
	bool have_command = false;
	int i, rc;

	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			cfg->command = CONFIG_CMD_HELP;
			return 0;
		}
		if (strcmp(arg, "--version") == 0) {
			cfg->command = CONFIG_CMD_VERSION;
			return 0;
		}
		if (strncmp(arg, "--", 2) != 0) {
			if (have_command || parse_command(cfg, arg)) {
				fprintf(err, "newsd: unknown command '%s' (see newsd --help)\n",
				        arg);
				return -EINVAL;
			}
			have_command = true;
			continue;
		}
		eq = strchr(arg + 2, '=');
		o = find_flag(arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
		if (!o) {
			fprintf(err, "newsd: unknown option '%s' (see newsd --help)\n", arg);
			return -EINVAL;
		}
		if (eq) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			fprintf(err, "newsd: option '--%s' needs a value\n", o->flag);
			return -EINVAL;
		}
		snprintf(origin, sizeof(origin), "option --%s", o->flag);
		rc = set_option(cfg, o, value, origin, err);
		if (rc)
			return rc;
	}
	return 0;
}

int config_load(struct config *cfg, int argc, char **argv, FILE *err)
{
	char origin[96];
	const char *env;
	size_t i;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < N_OPTIONS; i++) {
		rc = set_option(cfg, &options[i], options[i].def, "default", err);
		if (rc)
			return rc;
		env = getenv(options[i].env);
		if (!env)
			continue;
		snprintf(origin, sizeof(origin), "environment variable %s", options[i].env);
		rc = set_option(cfg, &options[i], env, origin, err);
		if (rc)
			return rc;
	}
	rc = parse_args(cfg, argc, argv, err);
	if (rc)
		return rc;
	if (strcmp(cfg->log_level, "error") && strcmp(cfg->log_level, "warn") &&
	    strcmp(cfg->log_level, "info") && strcmp(cfg->log_level, "debug")) {
		fprintf(err, "newsd: log level '%s' must be error, warn, info or debug\n",
		        cfg->log_level);
		return -EINVAL;
	}
	if ((cfg->command == CONFIG_CMD_SERVE || cfg->command == CONFIG_CMD_WORKER ||
	     cfg->command == CONFIG_CMD_MIGRATE || cfg->command == CONFIG_CMD_KB) &&
	    !cfg->database_url[0]) {
		fprintf(err, "newsd: DATABASE_URL (or --database-url) is required; `make run` "
		             "starts a local PostgreSQL and sets it\n");
		return -EINVAL;
	}
	return 0;
}

void config_release(struct config *cfg)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++) {
		if (options[i].type == OPT_STRING) {
			char **sp = (char **)((char *)cfg + options[i].offset);

			free(*sp);
			*sp = NULL;
		}
	}
}

void config_print_help(FILE *out)
{
	size_t i;

	fprintf(out, "usage: newsd [serve|worker|migrate|kb] [--option=value ...]\n\n"
	             "  serve    HTTP API plus ingestion worker (default)\n"
	             "  worker   ingestion worker only\n"
	             "  migrate  apply database migrations and exit\n"
	             "  kb import FILE [--min-sitelinks N] [--langs en,fr,...|all]\n"
	             "           import a knowledge base (Wikidata JSON dump: plain, .gz, .bz2)\n\n"
	             "options (flag, environment variable, default):\n");
	for (i = 0; i < N_OPTIONS; i++)
		fprintf(out, "  --%-17s %-22s %-12s %s\n", options[i].flag, options[i].env,
		        options[i].def[0] ? options[i].def : "(empty)", options[i].help);
}

char **config_api_keys(const struct config *cfg, size_t *n)
{
	char **keys;
	const char *p = cfg->api_keys, *end;
	size_t count = 1, k = 0;

	for (end = p; *end; end++)
		count += *end == ',';
	keys = calloc(count + 1, sizeof(*keys));
	if (!keys)
		return NULL;
	while (*p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end > p) {
			size_t len = (size_t)(end - p);

			while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
				len--;
			if (len) {
				keys[k] = strndup(p, len);
				if (!keys[k]) {
					config_keys_free(keys);
					return NULL;
				}
				k++;
			}
		}
		p = *end ? end + 1 : end;
	}
	*n = k;
	return keys;
}

void config_keys_free(char **keys)
{
	size_t i;

	if (!keys)
		return;
	for (i = 0; keys[i]; i++)
		free(keys[i]);
	free(keys);
}
