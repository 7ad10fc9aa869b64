/* Prints the SQL that newsd runs for a read, taken from the server's own
 * source (server/db/read.c is compiled into this program), so that the
 * pgbench baseline of bench/run.sh never drifts from the server:
 *
 *   sql_dump article     STMT_ARTICLE: GET /articles/{id} ($1 = id)
 *   sql_dump articles    SQL_ARTICLES: GET /articles?... ($1 q, $2 lang,
 *                        $3 entity, $4 event, $5 from, $6 to, $7 cursor,
 *                        $8 limit + 1)
 *
 * bench/run.sh links it against build/<tree>/libnewsd.a, which resolves the
 * helpers read.c calls (nothing here calls them). */
#include "../server/db/read.c"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "article") == 0) {
		printf("%s\n", STMT_ARTICLE.sql);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "articles") == 0) {
		printf("%s\n", SQL_ARTICLES);
		return 0;
	}
	fprintf(stderr, "usage: %s article|articles\n", argv[0]);
	return 2;
}
