/* newsd: wiring, start-up and shutdown order only. */
#include "api.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "ingest.h"
#include "kb.h"
#include "log.h"
#include "text.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEWSD_VERSION "0.1.0"

static int run_migrate(const struct config *cfg, struct db_pool *pool)
{
	struct db_conn *conn = db_pool_acquire(pool);
	int err;

	if (!conn)
		return -EIO;
	err = db_migrate(conn, cfg->migrations_dir);
	db_pool_release(pool, conn);
	if (!err)
		err = kb_load_default(pool, cfg->kb_default);
	return err;
}

/* Refuse to serve on a database whose applied migrations were edited; a
 * pending one only makes /readyz say so until `newsd migrate` runs. */
static int check_schema(const struct config *cfg, struct db_pool *pool)
{
	struct db_conn *conn = db_pool_acquire(pool);
	int applied = 0, err;

	if (!conn)
		return -EIO;
	err = db_migrations_check(conn, cfg->migrations_dir, &applied);
	db_pool_release(pool, conn);
	if (err == -EAGAIN) {
		log_warn("main: migrations are pending (%d applied): run 'newsd migrate'", applied);
		return -EAGAIN;
	}
	return err;
}

static size_t count_args(char **args)
{
	size_t n = 0;

	while (args[n])
		n++;
	return n;
}

static int wait_for_signal(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigwait(&set, &sig);
	return sig;
}

static int serve(const struct config *cfg, struct db_pool *pool, bool with_http)
{
	struct ingest *ing = NULL;
	struct http_server *http = NULL;
	struct api_app app;
	const struct http_route *routes;
	size_t n_routes;
	int err = check_schema(cfg, pool), sig;

	if (err == -ESTALE || err == -EIO || err == -ENOENT)
		return err;
	/* Tables missing: a worker has nothing to claim from yet. */
	if (err == -EAGAIN && !with_http)
		return err;
	if (!err) {
		err = ingest_start(cfg, pool, &ing);
		if (err)
			return err;
	}
	err = api_app_init(&app, cfg, pool, ing);
	if (!err && with_http) {
		routes = api_routes(&n_routes);
		err = http_start(cfg, routes, n_routes, &app, &http);
	}
	if (!err) {
		sig = wait_for_signal();
		log_info("main: %s received, draining", strsignal(sig));
	}
	http_stop(http);
	ingest_stop(ing);
	api_app_release(&app);
	return err;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct db_pool *pool = NULL;
	enum log_level level;
	sigset_t set;
	char **kb_args = NULL;
	int err, status = 0;

	/* `newsd kb ...` takes its own arguments out before the common ones. */
	if (kb_cli_split(&argc, argv, &kb_args))
		return 2;
	err = config_load(&cfg, argc, argv, stderr);
	if (err) {
		config_release(&cfg);
		free(kb_args);
		return 2;
	}
	if (cfg.command == CONFIG_CMD_HELP || cfg.command == CONFIG_CMD_VERSION) {
		if (cfg.command == CONFIG_CMD_HELP)
			config_print_help(stdout);
		else
			printf("newsd %s\n", NEWSD_VERSION);
		config_release(&cfg);
		return 0;
	}
	log_level_parse(cfg.log_level, &level);
	log_set_level(level);
	/* Before any thread starts: jansson's hash seed, and signals blocked so
	 * that every thread inherits the mask and only sigwait() sees them. */
	json_object_seed(0);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	err = text_init(cfg.langid_conf[0] ? cfg.langid_conf : NULL);
	if (err) {
		log_error("main: cannot load language profiles: %s", strerror(-err));
		goto out;
	}
	err = db_pool_new(cfg.database_url, (int)cfg.db_pool_size, &pool);
	if (err)
		goto out;
	/* Only the API reads; the worker and migrations use the primary. */
	if (cfg.read_database_url[0] && cfg.command == CONFIG_CMD_SERVE) {
		err = db_pool_attach_replica(pool, cfg.read_database_url, (int)cfg.db_pool_size);
		if (err)
			goto out;
		log_info("main: reads go to the replica of READ_DATABASE_URL while it answers");
	}
	switch (cfg.command) {
	case CONFIG_CMD_MIGRATE:
		err = run_migrate(&cfg, pool);
		break;
	case CONFIG_CMD_KB:
		status = kb_cli(pool, kb_args ? (int)count_args(kb_args) : 0, kb_args);
		break;
	case CONFIG_CMD_WORKER:
		err = serve(&cfg, pool, false);
		break;
	default:
		err = serve(&cfg, pool, true);
		break;
	}
out:
	db_pool_free(pool);
	text_shutdown();
	config_release(&cfg);
	free(kb_args);
	if (err)
		log_error("main: exiting: %s", strerror(-err));
	return err ? 1 : status;
}
