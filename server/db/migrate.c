#include "internal.h"
#include "log.h"
#include "sha256.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct migration {
	int version;
	char *name; /* file name */
	char *sql;
	char checksum[65];
};

static const char SQL_CREATE_TABLE[] =
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())";
/* Serialises concurrent `newsd migrate` runs (a compose stack may start
 * several); the key is arbitrary but fixed. */
static const char SQL_LOCK[] = "SELECT pg_advisory_lock(7346001)";
static const char SQL_UNLOCK[] = "SELECT pg_advisory_unlock(7346001)";
static const struct db_stmt STMT_APPLIED = {
        "migrations_applied",
        "SELECT version, name, checksum FROM schema_migrations ORDER BY version", 0};
static const struct db_stmt STMT_RECORD = {
        "migration_record",
        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1::int, $2, $3)", 3};
static const struct db_stmt STMT_HAS_TABLE = {
        "migrations_table", "SELECT to_regclass('schema_migrations') IS NOT NULL", 0};

static void migrations_free(struct migration *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].sql);
	}
	free(m);
}

static int by_version(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* NNNN_name.sql: four digits, an underscore, a name. */
static int version_of(const char *name)
{
	size_t len = strlen(name);
	int i, v = 0;

	if (len < 10 || name[4] != '_' || strcmp(name + len - 4, ".sql") != 0)
		return -1;
	for (i = 0; i < 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + name[i] - '0';
	}
	return v;
}

static int load_dir(const char *dir, struct migration **out, size_t *n_out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct migration *list = NULL, *grown;
	size_t n = 0, i;
	char path[4096];
	int err = 0, v;

	if (!d) {
		log_error("migrate: cannot open '%s': %s", dir, strerror(errno));
		return -ENOENT;
	}
	while ((e = readdir(d))) {
		v = version_of(e->d_name);
		if (v < 0)
			continue;
		grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown) {
			err = -ENOMEM;
			break;
		}
		list = grown;
		memset(&list[n], 0, sizeof(list[n]));
		list[n].version = v;
		list[n].name = strdup(e->d_name);
		n++;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!list[n - 1].name || (err = strbuf_read_file(path, &list[n - 1].sql, NULL)))
			break;
		sha256_hex(list[n - 1].sql, strlen(list[n - 1].sql), list[n - 1].checksum);
	}
	closedir(d);
	if (!err) {
		qsort(list, n, sizeof(*list), by_version);
		for (i = 1; i < n; i++) {
			if (list[i].version == list[i - 1].version) {
				log_error("migrate: '%s' and '%s' share version %d",
				          list[i - 1].name, list[i].name, list[i].version);
				err = -EINVAL;
			}
		}
	}
	if (err) {
		migrations_free(list, n);
		return err;
	}
	*out = list;
	*n_out = n;
	return 0;
}

/* Check every applied row against the files; count the files applied. A
 * row newer than every file is a migration of a newer newsd applied during
 * a rolling upgrade: migrations add and never break (docs/deployment.md),
 * so this older process goes on serving. A changed file, or a known
 * version's file gone, is fatal. */
static int compare_applied(struct db_conn *conn, const struct migration *files, size_t n,
                           int *applied)
{
	PGresult *res = db_exec(conn, &STMT_APPLIED, NULL);
	int rows, r, newest = n ? files[n - 1].version : 0, err = 0;
	size_t i;

	*applied = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		err = db_error(conn, res, "read schema_migrations");
		goto out;
	}
	rows = PQntuples(res);
	for (r = 0; r < rows; r++) {
		int version = atoi(PQgetvalue(res, r, 0));
		const struct migration *m = NULL;

		for (i = 0; i < n; i++)
			if (files[i].version == version)
				m = &files[i];
		if (!m && version > newest) {
			log_debug("migrate: migration %d '%s' is newer than this newsd", version,
			          PQgetvalue(res, r, 1));
		} else if (!m) {
			log_error("migrate: applied migration %d '%s' has no file any more",
			          version, PQgetvalue(res, r, 1));
			err = -ESTALE;
		} else if (strcmp(m->checksum, PQgetvalue(res, r, 2)) != 0) {
			log_error("migrate: '%s' changed after it was applied (checksum %.12s, "
			          "recorded %.12s); write a new migration instead",
			          m->name, m->checksum, PQgetvalue(res, r, 2));
			err = -ESTALE;
		} else {
			(*applied)++;
		}
	}
out:
	PQclear(res);
	return err;
}

static bool is_applied(PGresult *res, int version)
{
	int r;

	for (r = 0; r < PQntuples(res); r++)
		if (atoi(PQgetvalue(res, r, 0)) == version)
			return true;
	return false;
}

static int apply_one(struct db_conn *conn, const struct migration *m)
{
	char vbuf[24];
	const char *params[3] = {db_i64(vbuf, m->version), m->name, m->checksum};
	PGresult *res;
	int err = db_command(conn, "BEGIN");

	if (err)
		return err;
	/* A migration file is trusted SQL from the repository, possibly with
	 * several statements: the simple protocol runs it as written. */
	res = PQexec(conn->pg, m->sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		err = db_error(conn, res, m->name);
		PQclear(res);
		db_rollback(conn);
		return err;
	}
	PQclear(res);
	res = db_exec(conn, &STMT_RECORD, params);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		err = db_error(conn, res, "record migration");
		PQclear(res);
		db_rollback(conn);
		return err;
	}
	PQclear(res);
	err = db_command(conn, "COMMIT");
	if (!err)
		log_info("migrate: applied '%s'", m->name);
	return err;
}

int db_migrate(struct db_conn *conn, const char *dir)
{
	struct migration *files = NULL;
	size_t n = 0, i;
	PGresult *res = NULL, *lock;
	int applied = 0, err = load_dir(dir, &files, &n);

	if (err)
		return err;
	lock = PQexec(conn->pg, SQL_LOCK);
	if (PQresultStatus(lock) != PGRES_TUPLES_OK) {
		err = db_error(conn, lock, "migration lock");
		PQclear(lock);
		goto out;
	}
	PQclear(lock);
	err = db_command(conn, SQL_CREATE_TABLE);
	if (!err)
		err = compare_applied(conn, files, n, &applied);
	if (err)
		goto unlock;
	res = db_exec(conn, &STMT_APPLIED, NULL);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		err = db_error(conn, res, "read schema_migrations");
		goto unlock;
	}
	for (i = 0; i < n && !err; i++)
		if (!is_applied(res, files[i].version))
			err = apply_one(conn, &files[i]);
	if (!err)
		log_info("migrate: %zu migration(s) in '%s', database up to date", n, dir);
unlock:
	PQclear(res);
	if (conn->pg)
		PQclear(PQexec(conn->pg, SQL_UNLOCK));
out:
	migrations_free(files, n);
	return err;
}

int db_migrations_check(struct db_conn *conn, const char *dir, int *applied)
{
	struct migration *files = NULL;
	size_t n = 0;
	PGresult *res;
	int err = load_dir(dir, &files, &n);

	*applied = 0;
	if (err)
		return err;
	res = db_exec(conn, &STMT_HAS_TABLE, NULL);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		err = db_error(conn, res, "find schema_migrations");
	} else if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		err = n ? -EAGAIN : 0;
	} else {
		err = compare_applied(conn, files, n, applied);
		if (!err && (size_t)*applied < n)
			err = -EAGAIN;
	}
	PQclear(res);
	migrations_free(files, n);
	return err;
}
