/* Near duplicates by MinHash with LSH bands, and the dates an article
 * mentions. */
#include "internal.h"
#include "strbuf.h"
#include "text.h"

#include <stdio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Candidates share a band key with the new signature (see migration 0002);
 * the earliest by id whose whole signature is close enough is the copy we
 * point at (or its own original, when it is a copy too). */
static const struct db_stmt STMT_CANDIDATES = {
        "near_dup_candidates",
        "SELECT coalesce(a.duplicate_of, a.id), a.minhash, (SELECT o.event_id FROM articles o "
        "WHERE o.id = coalesce(a.duplicate_of, a.id)) FROM articles a WHERE a.id IN (SELECT "
        "b.article_id FROM article_minhash_bands b JOIN unnest($1::smallint[], $2::bigint[]) AS "
        "q(band, key) ON b.band = q.band AND b.key = q.key) ORDER BY a.id LIMIT 200",
        2};

static const struct db_stmt STMT_BANDS = {
        "minhash_bands_insert",
        "INSERT INTO article_minhash_bands (band, key, article_id) SELECT band, key, $3::bigint "
        "FROM unnest($1::smallint[], $2::bigint[]) AS q(band, key) ON CONFLICT DO NOTHING",
        3};

/* "{0,1,...}" and "{key0,key1,...}" for the signature's bands. */
static int band_literals(const uint32_t *sig, char *bands, size_t bsize, char *keys, size_t ksize)
{
	int64_t k[TEXT_MINHASH_BANDS];
	size_t bl = 0, kl = 0;
	int b;

	text_minhash_bands(sig, k);
	for (b = 0; b < TEXT_MINHASH_BANDS; b++) {
		bl += (size_t)snprintf(bands + bl, bsize - bl, "%c%d", b ? ',' : '{', b);
		kl += (size_t)snprintf(keys + kl, ksize - kl, "%c%lld", b ? ',' : '{',
		                       (long long)k[b]);
		if (bl >= bsize - 2 || kl >= ksize - 2)
			return -ENOMEM;
	}
	bands[bl++] = '}';
	bands[bl] = '\0';
	keys[kl++] = '}';
	keys[kl] = '\0';
	return 0;
}

void db_minhash_hex(const uint32_t *sig, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	int k, shift;

	out[o++] = '\\';
	out[o++] = 'x';
	for (k = 0; k < TEXT_MINHASH_K; k++)
		for (shift = 28; shift >= 0; shift -= 4)
			out[o++] = hex[(sig[k] >> shift) & 15];
	out[o] = '\0';
}

/* bytea text output ("\x" + hex) back to a signature; false if malformed. */
static bool minhash_parse(const char *text, uint32_t *sig)
{
	int k, i;

	if (strlen(text) != 2 + TEXT_MINHASH_K * 8 || text[0] != '\\' || text[1] != 'x')
		return false;
	text += 2;
	for (k = 0; k < TEXT_MINHASH_K; k++) {
		uint32_t v = 0;

		for (i = 0; i < 8; i++) {
			char ch = *text++;
			int d = ch >= '0' && ch <= '9'   ? ch - '0'
			        : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			                                 : -1;

			if (d < 0)
				return false;
			v = v << 4 | (uint32_t)d;
		}
		sig[k] = v;
	}
	return true;
}

int db_near_duplicate(struct db_conn *c, const uint32_t *minhash, int64_t *original, int64_t *event)
{
	char bands[80], keys[TEXT_MINHASH_BANDS * 21 + 4];
	uint32_t other[TEXT_MINHASH_K];
	const char *p[2] = {bands, keys};
	PGresult *res;
	int err = band_literals(minhash, bands, sizeof(bands), keys, sizeof(keys)), r;

	*original = *event = 0;
	if (err)
		return err;
	res = db_exec(c, &STMT_CANDIDATES, p);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		err = db_error(c, res, STMT_CANDIDATES.name);
		goto out;
	}
	for (r = 0; r < PQntuples(res); r++) {
		if (PQgetisnull(res, r, 1) || !minhash_parse(PQgetvalue(res, r, 1), other))
			continue;
		if (text_minhash_similarity(minhash, other) < DB_NEAR_DUP_JACCARD)
			continue;
		*original = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		if (!PQgetisnull(res, r, 2))
			*event = strtoll(PQgetvalue(res, r, 2), NULL, 10);
		break;
	}
out:
	PQclear(res);
	return err;
}

int db_minhash_bands_insert(struct db_conn *c, int64_t article_id, const uint32_t *minhash)
{
	char bands[80], keys[TEXT_MINHASH_BANDS * 21 + 4], abuf[24];
	const char *p[3] = {bands, keys, db_i64(abuf, article_id)};
	PGresult *res;
	int err = band_literals(minhash, bands, sizeof(bands), keys, sizeof(keys));

	if (err)
		return err;
	res = db_exec(c, &STMT_BANDS, p);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		err = db_error(c, res, STMT_BANDS.name);
	PQclear(res);
	return err;
}

static const struct db_stmt STMT_DATES = {
        "article_dates_insert",
        "INSERT INTO article_dates (article_id, start_offset, end_offset, text, value, precision, "
        "relative) SELECT $1::bigint, s, e, t, v, p, r FROM unnest($2::int[], $3::int[], "
        "$4::text[], $5::date[], $6::text[], $7::boolean[]) AS x(s, e, t, v, p, r) ON CONFLICT "
        "DO NOTHING",
        7};

int db_dates_insert(struct db_conn *c, int64_t article_id, const struct db_date *dates, size_t n)
{
	struct strbuf a[6];
	char abuf[24], nbuf[24];
	const char *p[7];
	PGresult *res;
	size_t i, k;
	int err = 0;

	if (!n)
		return 0;
	for (k = 0; k < 6; k++)
		strbuf_init(&a[k]);
	for (k = 0; k < 6 && !err; k++)
		err = strbuf_addch(&a[k], '{');
	for (i = 0; i < n && !err; i++) {
		const struct db_date *d = &dates[i];

		err = db_array_add(&a[0], db_i64(nbuf, d->start), i == 0);
		if (!err)
			err = db_array_add(&a[1], db_i64(nbuf, d->end), i == 0);
		if (!err)
			err = db_array_add(&a[2], d->text, i == 0);
		if (!err)
			err = db_array_add(&a[3], d->value, i == 0);
		if (!err)
			err = db_array_add(&a[4], d->precision, i == 0);
		if (!err)
			err = db_array_add(&a[5], d->relative ? "t" : "f", i == 0);
	}
	for (k = 0; k < 6 && !err; k++)
		err = strbuf_addch(&a[k], '}');
	if (!err) {
		p[0] = db_i64(abuf, article_id);
		for (k = 0; k < 6; k++)
			p[k + 1] = a[k].buf;
		res = db_exec(c, &STMT_DATES, p);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			err = db_error(c, res, STMT_DATES.name);
		PQclear(res);
	}
	for (k = 0; k < 6; k++)
		strbuf_release(&a[k]);
	return err;
}
