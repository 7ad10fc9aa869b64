/* An article's event features: stored with the article by the worker, read
 * back by the clustering leader (server/db/cluster.c). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "internal.h"
#include "strbuf.h"
#include "text.h"

/* The pipeline's term vector is the clustering's input as is. */
_Static_assert(sizeof(struct text_term) == sizeof(struct cluster_term) &&
                       offsetof(struct text_term, tf) == offsetof(struct cluster_term, tf),
               "text_term and cluster_term must share their layout");

/* A role goes to the entity one of whose mentions overlaps its span. */
static const struct db_stmt STMT_ROLES = {
        "article_roles_insert",
        "INSERT INTO article_roles (article_id, entity_id, role, start_offset, end_offset) "
        "SELECT DISTINCT ON (r.s) $1::bigint, m.entity_id, r.role, r.s, r.e FROM "
        "unnest($2::int[], $3::int[], $4::text[]) AS r(s, e, role) JOIN mentions m ON "
        "m.article_id = $1::bigint AND EXISTS (SELECT 1 FROM generate_subscripts(m.spans, 1) AS "
        "i WHERE i % 2 = 1 AND m.spans[i] < r.e AND m.spans[i + 1] > r.s) ORDER BY r.s, "
        "m.entity_id ON CONFLICT DO NOTHING",
        4};

static const char *int_or_null(char *buf, int v)
{
	return v < 0 ? NULL : db_i64(buf, v);
}

static int insert_roles(struct db_conn *c, const char *article, const struct db_features *f)
{
	struct strbuf a[3];
	char buf[24];
	size_t i, k;
	int err = 0;

	for (k = 0; k < 3; k++) {
		strbuf_init(&a[k]);
		if (!err)
			err = strbuf_addch(&a[k], '{');
	}
	for (i = 0; i < f->n_roles && !err; i++) {
		err = db_array_add(&a[0], db_i64(buf, f->roles[i].start), i == 0);
		if (!err)
			err = db_array_add(&a[1], db_i64(buf, f->roles[i].end), i == 0);
		if (!err)
			err = db_array_add(&a[2], f->roles[i].role, i == 0);
	}
	for (k = 0; k < 3 && !err; k++)
		err = strbuf_addch(&a[k], '}');
	if (!err) {
		const char *p[4] = {article, a[0].buf, a[1].buf, a[2].buf};

		err = db_run(c, &STMT_ROLES, p, PGRES_COMMAND_OK, NULL);
	}
	for (k = 0; k < 3; k++)
		strbuf_release(&a[k]);
	return err;
}

void db_feature_params_release(struct db_feature_params *fp)
{
	strbuf_release(&fp->hex);
}

int db_feature_params(struct db_feature_params *fp, const struct text_doc *doc,
                      const struct db_features *f)
{
	int err;

	strbuf_init(&fp->hex);
	memset(fp->p, 0, sizeof(fp->p));
	if (!f)
		return 0;
	err = db_terms_hex((const struct cluster_term *)doc->terms, doc->n_terms, &fp->hex);
	if (err)
		return err;
	fp->p[0] = fp->hex.buf ? fp->hex.buf : "";
	fp->p[1] = f->kind;
	if (f->kind) {
		snprintf(fp->score, sizeof(fp->score), "%.4f", f->kind_score);
		fp->p[2] = fp->score;
	}
	fp->p[3] = int_or_null(fp->b[0], f->kind_start);
	fp->p[4] = int_or_null(fp->b[1], f->kind_end);
	fp->p[5] = f->kind ? (f->kind_in_title ? "t" : "f") : NULL;
	fp->p[6] = f->happened_on;
	fp->p[7] = f->happened_on ? f->happened_precision : NULL;
	fp->p[8] = f->happened_on ? f->happened_origin : NULL;
	fp->p[9] = int_or_null(fp->b[2], f->happened_start);
	fp->p[10] = int_or_null(fp->b[3], f->happened_end);
	return 0;
}

int db_roles_insert(struct db_conn *c, int64_t article_id, const struct db_features *f)
{
	char abuf[24];

	if (!f || !f->n_roles)
		return 0;
	return insert_roles(c, db_i64(abuf, article_id), f);
}
