/* config: one table of options (flag, env var, default, bounds), read from
 * defaults, then the environment, then command-line flags; validated once
 * at start-up and then passed around as `const struct config *`. */
#ifndef NEWSD_CONFIG_H
#define NEWSD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum config_command {
	CONFIG_CMD_SERVE = 0, /* HTTP API and the ingestion worker in one process */
	CONFIG_CMD_WORKER,    /* ingestion worker only */
	CONFIG_CMD_MIGRATE,   /* apply migrations and exit */
	CONFIG_CMD_KB,        /* knowledge base: `newsd kb import FILE` */
	CONFIG_CMD_HELP,
	CONFIG_CMD_VERSION,
};

struct config {
	enum config_command command;
	char *database_url;
	char *read_database_url; /* a streaming replica for reads; empty: none */
	char *bind;
	long port;
	long http_threads;
	long db_pool_size;
	long workers;
	long max_body;
	long max_job_items;
	long job_lease_seconds;
	long job_poll_ms;
	char *api_keys; /* comma-separated; empty: writes are open */
	char *log_level;
	char *migrations_dir;
	char *openapi_path;
	char *langid_conf; /* empty: the system's exttextcat profiles */
	char *web_dir;     /* the dashboard's static files; empty: none served */
	char *cors_origin; /* Access-Control-Allow-Origin value; empty: no CORS */
	char *kb_default;  /* default knowledge base loaded by migrate; empty: none */
};

/* Fill cfg from defaults, environment and argv. Returns 0, or -EINVAL after
 * writing a message naming the bad option to err. cfg owns its strings. */
int config_load(struct config *cfg, int argc, char **argv, FILE *err);
void config_release(struct config *cfg);
void config_print_help(FILE *out);

/* The API keys as a NULL-terminated array of owned strings (free with
 * config_keys_free); an empty array when writes are open. */
char **config_api_keys(const struct config *cfg, size_t *n);
void config_keys_free(char **keys);

#endif
