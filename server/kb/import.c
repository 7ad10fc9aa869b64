/* Streaming import of a Wikidata-format dump. A reader thread: raw bytes
 * (hashed as read) -> gzip or bzip2 decompression -> lines -> kb_parse_line
 * -> normalised names -> chunks of COPY rows; the calling thread writes each
 * chunk (db_kb_writer_chunk: COPY into staging tables, set-wise merges, one
 * transaction) while the reader fills the next. Memory holds one read
 * chunk, the longest line so far and three chunks of entities. */
#include "db.h"
#include "kb.h"
#include "log.h"
#include "sha256.h"
#include "text.h"

#include <bzlib.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#define CHUNK (256 * 1024)
#define MAX_LINE (256u * 1024 * 1024) /* longer lines are counted malformed */
#define MAX_WARNINGS 10

enum codec { CODEC_PLAIN, CODEC_GZIP, CODEC_BZIP2 };

struct reader {
	FILE *f;
	enum codec codec;
	z_stream z;
	bz_stream bz;
	bool z_init, bz_init, eof;
	unsigned char in[CHUNK];
	size_t in_len;
	char *buf; /* decompressed bytes not yet split into lines */
	size_t len, off, alloc;
	struct sha256_ctx sha;
	int64_t raw_bytes;
};

static int read_raw(struct reader *r)
{
	size_t n = fread(r->in, 1, sizeof(r->in), r->f);

	if (n == 0 && ferror(r->f))
		return -EIO;
	sha256_update(&r->sha, r->in, n);
	r->raw_bytes += (int64_t)n;
	r->in_len = n;
	return 0;
}

static int reader_open(struct reader *r, const char *path)
{
	int err;

	memset(r, 0, sizeof(*r));
	sha256_init(&r->sha);
	r->f = fopen(path, "rb");
	if (!r->f)
		return -errno;
	err = read_raw(r);
	if (err)
		return err;
	if (r->in_len >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b) {
		r->codec = CODEC_GZIP;
		/* 15 + 32: zlib or gzip header, told automatically. */
		if (inflateInit2(&r->z, 15 + 32) != Z_OK)
			return -ENOMEM;
		r->z_init = true;
		r->z.next_in = r->in;
		r->z.avail_in = (uInt)r->in_len;
	} else if (r->in_len >= 3 && memcmp(r->in, "BZh", 3) == 0) {
		r->codec = CODEC_BZIP2;
		if (BZ2_bzDecompressInit(&r->bz, 0, 0) != BZ_OK)
			return -ENOMEM;
		r->bz_init = true;
		r->bz.next_in = (char *)r->in;
		r->bz.avail_in = (unsigned)r->in_len;
	}
	return 0;
}

static void reader_close(struct reader *r)
{
	if (r->z_init)
		inflateEnd(&r->z);
	if (r->bz_init)
		BZ2_bzDecompressEnd(&r->bz);
	if (r->f)
		fclose(r->f);
	free(r->buf);
}

/* Room for at least CHUNK more decompressed bytes after buf[len], moving the
 * unread bytes to the front. */
static int reader_room(struct reader *r)
{
	char *grown;

	if (r->off) {
		memmove(r->buf, r->buf + r->off, r->len - r->off);
		r->len -= r->off;
		r->off = 0;
	}
	if (r->alloc - r->len >= CHUNK)
		return 0;
	grown = realloc(r->buf, r->alloc + 2 * CHUNK);
	if (!grown)
		return -ENOMEM;
	r->buf = grown;
	r->alloc += 2 * CHUNK;
	return 0;
}

/* Decompress (or copy) more bytes into buf; sets eof at the end of input.
 * Concatenated gzip members and bzip2 streams (parallel compressors, the
 * Wikidata dumps' multistream) are read one after the other. */
static int reader_fill(struct reader *r)
{
	size_t room;
	int rc, err = reader_room(r);

	if (err)
		return err;
	room = r->alloc - r->len;
	for (;;) {
		if (r->in_len == 0 || (r->codec == CODEC_GZIP && r->z.avail_in == 0) ||
		    (r->codec == CODEC_BZIP2 && r->bz.avail_in == 0)) {
			if (r->codec != CODEC_PLAIN || r->in_len == 0) {
				err = read_raw(r);
				if (err)
					return err;
				if (r->in_len == 0) {
					r->eof = true;
					return 0;
				}
			}
			r->z.next_in = r->in;
			r->z.avail_in = (uInt)r->in_len;
			r->bz.next_in = (char *)r->in;
			r->bz.avail_in = (unsigned)r->in_len;
		}
		switch (r->codec) {
		case CODEC_PLAIN: {
			size_t n = r->in_len < room ? r->in_len : room;

			memcpy(r->buf + r->len, r->in, n);
			r->len += n;
			memmove(r->in, r->in + n, r->in_len - n);
			r->in_len -= n;
			return 0;
		}
		case CODEC_GZIP:
			r->z.next_out = (unsigned char *)r->buf + r->len;
			r->z.avail_out = (uInt)room;
			rc = inflate(&r->z, Z_NO_FLUSH);
			r->len += room - r->z.avail_out;
			if (rc == Z_STREAM_END) {
				if (inflateReset(&r->z) != Z_OK)
					return -EIO;
			} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
				return -EILSEQ;
			}
			break;
		case CODEC_BZIP2:
			r->bz.next_out = r->buf + r->len;
			r->bz.avail_out = (unsigned)room;
			rc = BZ2_bzDecompress(&r->bz);
			r->len += room - r->bz.avail_out;
			if (rc == BZ_STREAM_END) {
				/* The rest of this chunk starts the next stream. */
				char *next = r->bz.next_in;
				unsigned left = r->bz.avail_in;

				BZ2_bzDecompressEnd(&r->bz);
				r->bz_init = false;
				memset(&r->bz, 0, sizeof(r->bz));
				if (BZ2_bzDecompressInit(&r->bz, 0, 0) != BZ_OK)
					return -ENOMEM;
				r->bz_init = true;
				r->bz.next_in = next;
				r->bz.avail_in = left;
			} else if (rc != BZ_OK) {
				return -EILSEQ;
			}
			break;
		}
		if (r->alloc - r->len < room)
			return 0; /* got something */
	}
}

/* The next line (without its newline) in *line and *n; 1 at the end. A line
 * longer than MAX_LINE comes back with *n = 0 and *too_long set. */
static int reader_line(struct reader *r, const char **line, size_t *n, bool *too_long)
{
	char *nl;
	size_t scanned = 0;
	int err;

	*too_long = false;
	for (;;) {
		/* memchr on the empty buffer before the first read is undefined. */
		nl = r->len > r->off + scanned
		             ? memchr(r->buf + r->off + scanned, '\n', r->len - r->off - scanned)
		             : NULL;
		if (nl) {
			*line = r->buf + r->off;
			*n = (size_t)(nl - *line);
			r->off += *n + 1;
			return 0;
		}
		scanned = r->len - r->off;
		if (r->eof) {
			if (!scanned)
				return 1;
			*line = r->buf + r->off;
			*n = scanned;
			r->off = r->len;
			return 0;
		}
		if (scanned > MAX_LINE) {
			/* Drop it up to its newline. */
			*too_long = true;
			r->off = r->len = 0;
			scanned = 0;
			do {
				err = reader_fill(r);
				if (err)
					return err;
				nl = memchr(r->buf, '\n', r->len);
				if (!nl)
					r->len = 0;
			} while (!nl && !r->eof);
			if (nl)
				r->off = (size_t)(nl - r->buf) + 1;
			*line = r->buf;
			*n = 0;
			return 0;
		}
		/* reader_fill moves the unread bytes to the front: scanned holds. */
		err = reader_fill(r);
		if (err)
			return err;
	}
}

/* Countries' codes learnt from this dump's P297 claims (a few hundred). */
struct country_map {
	char (*ids)[24];
	char (*iso)[3];
	size_t n, alloc;
};

static void country_learn(struct country_map *m, const char *id, const char *iso)
{
	void *grown;
	size_t i;

	if (strlen(id) >= sizeof(m->ids[0]))
		return;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->ids[i], id) == 0)
			return;
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? 2 * m->alloc : 256;
		grown = realloc(m->ids, m->alloc * sizeof(m->ids[0]));
		if (!grown)
			return; /* only a missed shortcut: SQL looks it up */
		m->ids = grown;
		grown = realloc(m->iso, m->alloc * sizeof(m->iso[0]));
		if (!grown)
			return;
		m->iso = grown;
	}
	snprintf(m->ids[m->n], sizeof(m->ids[0]), "%s", id);
	memcpy(m->iso[m->n], iso, 3);
	m->n++;
}

static const char *country_find(const struct country_map *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->ids[i], id) == 0)
			return m->iso[i];
	return NULL;
}

static bool is_qid(const char *id)
{
	const char *p;

	if (id[0] != 'Q' || !id[1])
		return false;
	for (p = id + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Add e to the chunk with its normalised names, each (norm, lang) once
 * (labels come first and so win). 1: nothing to find it by. */
static int chunk_entity(struct db_kb_chunk *c, struct country_map *cm, const struct kb_entity *e)
{
	static const char COUNTRY_PREFIX[] = "newsd:country:";
	struct db_kb_name *names = calloc(e->n_names ? e->n_names : 1, sizeof(*names));
	struct db_kb_entity de = {0};
	char *norm = NULL, cc[3] = {0};
	size_t i, j, k = 0;
	int err = 0;

	if (!names)
		return -ENOMEM;
	for (i = 0; i < e->n_names; i++) {
		char *nn = text_normalize_key(e->names[i].value);

		if (!nn || !*nn) {
			free(nn);
			continue;
		}
		for (j = 0; j < k; j++)
			if (strcmp(names[j].norm, nn) == 0 &&
			    strcmp(names[j].lang, e->names[i].lang) == 0)
				break;
		if (j < k) {
			free(nn);
			continue;
		}
		names[k++] = (struct db_kb_name){.lang = e->names[i].lang,
		                                 .name = e->names[i].value,
		                                 .norm = nn,
		                                 .label = e->names[i].label};
	}
	norm = text_normalize_key(e->name);
	if (!norm || !*norm) {
		err = 1; /* nothing to find it by */
		goto out;
	}
	if (e->iso2[0]) {
		memcpy(cc, e->iso2, 3);
		country_learn(cm, e->id, e->iso2);
	} else if (e->country_id) {
		const char *known = country_find(cm, e->country_id);

		if (known)
			memcpy(cc, known, 3);
		else if (strncmp(e->country_id, COUNTRY_PREFIX, sizeof(COUNTRY_PREFIX) - 1) == 0 &&
		         strlen(e->country_id) == sizeof(COUNTRY_PREFIX) + 1)
			memcpy(cc, e->country_id + sizeof(COUNTRY_PREFIX) - 1, 3);
	}
	de.key = e->id;
	de.qid = is_qid(e->id) ? e->id : NULL;
	de.kind = e->kind;
	de.name = e->name;
	de.norm = norm;
	de.description = e->description;
	de.country = cc[0] ? cc : NULL;
	de.country_qid = !cc[0] && e->country_id && is_qid(e->country_id) ? e->country_id : NULL;
	de.has_coord = e->has_coord;
	de.lat = e->lat;
	de.lon = e->lon;
	de.notability = e->notability;
	de.names = names;
	de.n_names = k;
	err = db_kb_chunk_add(c, &de);
out:
	for (i = 0; i < k; i++)
		free((char *)names[i].norm);
	free(names);
	free(norm);
	return err;
}

/* ---- the reader thread and the chunks it hands over ----
 * NCHUNK chunks circulate: one being filled by the reader, one waiting,
 * one being written: memory stays at three chunks whatever the dump. */
#define NCHUNK 3
#define CHUNK_BYTES (16u * 1024 * 1024) /* a chunk's COPY text, at most about */

struct full_chunk {
	struct db_kb_chunk *c;
	int64_t lines, raw_bytes; /* where the reader was when it finished it */
};

struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct db_kb_chunk *free[NCHUNK];
	size_t n_free;
	struct full_chunk full[NCHUNK];
	size_t head, n_full;
	bool done; /* the reader has finished: err says how */
	bool stop; /* the writer failed: the reader quits */
	int err;
	/* The reader's own. */
	struct reader *r;
	const struct kb_import_opts *o;
	struct kb_stats st; /* lines, skipped, malformed */
};

static bool stopped(const struct kb_import_opts *o)
{
	return o->stop && *o->stop;
}

/* The reader: a free chunk to fill, or NULL when the writer stopped. */
static struct db_kb_chunk *take_free(struct pipeline *p)
{
	struct db_kb_chunk *c = NULL;

	pthread_mutex_lock(&p->mu);
	while (!p->stop && !p->n_free)
		pthread_cond_wait(&p->cv, &p->mu);
	if (!p->stop)
		c = p->free[--p->n_free];
	pthread_mutex_unlock(&p->mu);
	return c;
}

static void give_full(struct pipeline *p, struct db_kb_chunk *c)
{
	pthread_mutex_lock(&p->mu);
	p->full[(p->head + p->n_full) % NCHUNK] =
	        (struct full_chunk){c, p->st.lines, p->r->raw_bytes};
	p->n_full++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void give_free(struct pipeline *p, struct db_kb_chunk *c)
{
	pthread_mutex_lock(&p->mu);
	p->free[p->n_free++] = c;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* The writer: the next full chunk; false when there is none left. */
static bool take_full(struct pipeline *p, struct full_chunk *out)
{
	bool got = false;

	pthread_mutex_lock(&p->mu);
	while (!p->n_full && !p->done)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->n_full) {
		*out = p->full[p->head];
		p->head = (p->head + 1) % NCHUNK;
		p->n_full--;
		got = true;
	}
	pthread_mutex_unlock(&p->mu);
	return got;
}

static void *read_chunks(void *arg)
{
	struct pipeline *p = arg;
	const struct kb_import_opts *o = p->o;
	struct kb_stats *st = &p->st;
	struct country_map cm = {0};
	struct db_kb_chunk *c = take_free(p);
	struct kb_entity e;
	size_t batch = o->batch ? o->batch : KB_DEFAULT_CHUNK, n = 0;
	const char *line = NULL;
	bool too_long;
	int err = 0, rc;

	while (c && !err) {
		rc = reader_line(p->r, &line, &n, &too_long);
		if (rc == 1)
			break;
		if (rc < 0) {
			err = rc;
			break;
		}
		st->lines++;
		rc = too_long ? -EINVAL : kb_parse_line(line, n, &o->filter, &e);
		if (rc == -EINVAL) {
			if (!st->malformed)
				st->first_malformed_line = st->lines;
			if (++st->malformed <= MAX_WARNINGS)
				log_warn("kb: line %" PRId64 ": %s", st->lines,
				         too_long ? "longer than 256 MiB" : "not a JSON entity");
			continue;
		}
		if (rc < 0) {
			err = rc;
			break;
		}
		if (rc == 1) {
			st->skipped++;
			continue;
		}
		rc = chunk_entity(c, &cm, &e);
		kb_entity_release(&e);
		if (rc == 1)
			st->skipped++;
		else if (rc < 0)
			err = rc;
		if (!err &&
		    (db_kb_chunk_count(c) >= batch || db_kb_chunk_bytes(c) >= CHUNK_BYTES)) {
			give_full(p, c);
			c = take_free(p);
		}
		if ((st->lines & 1023) == 0 && stopped(o))
			err = -EINTR;
	}
	if (c && !err && db_kb_chunk_count(c))
		give_full(p, c);
	else if (c)
		give_free(p, c);
	free(cm.ids);
	free(cm.iso);
	pthread_mutex_lock(&p->mu);
	p->done = true;
	p->err = err;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct import_state {
	struct db_pool *pool;
	struct db_conn *conn; /* holds the import lock; writes */
	const struct kb_import_opts *o;
	struct kb_stats *st;
	int64_t file_size;
	bool bulk; /* the secondary indexes and foreign keys are dropped */
};

/* AUTO: bulk when the dump should bring at least KB_BULK_MIN_NAMES names
 * and half as many as entity_aliases already holds: rebuilding the trigram
 * and secondary indexes costs about a third of maintaining them row by row
 * (plus the foreign key checks), per name. Estimated from the first chunk. */
static int bulk_decide(struct import_state *s, const struct full_chunk *f)
{
	int64_t existing = 0, expect;
	int err;

	if (s->o->bulk == KB_BULK_NO)
		return 0;
	expect = (int64_t)db_kb_chunk_names(f->c);
	if (f->raw_bytes > 0 && s->file_size > f->raw_bytes)
		expect = (int64_t)((double)expect * (double)s->file_size / (double)f->raw_bytes);
	err = db_kb_alias_count(s->conn, &existing);
	if (err)
		return err;
	if (s->o->bulk == KB_BULK_AUTO && (expect < KB_BULK_MIN_NAMES || 2 * expect < existing))
		return 0;
	log_info("kb: bulk import (%s: about %" PRId64 " names for %" PRId64
	         " aliases already there): the secondary indexes of entities and "
	         "entity_aliases and the foreign keys of entity_aliases and entity_labels are "
	         "dropped now and rebuilt at the end",
	         s->o->bulk == KB_BULK_YES ? "--bulk" : "auto", expect, existing);
	/* Set first: a failure halfway is restored too. */
	s->bulk = true;
	return db_kb_bulk_begin(s->conn);
}

static int import_stream(struct import_state *s, struct reader *r)
{
	const struct kb_import_opts *o = s->o;
	struct pipeline p = {.r = r, .o = o};
	struct db_kb_writer w = {0};
	struct full_chunk f;
	pthread_t reader;
	double t0 = now_s(), last = t0, t;
	int64_t n;
	bool first = true;
	int err = 0, k;

	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	for (k = 0; k < NCHUNK; k++) {
		p.free[k] = db_kb_chunk_new();
		if (!p.free[k])
			err = -ENOMEM;
		p.n_free++;
	}
	if (!err)
		err = db_kb_writer_begin(&w, s->conn);
	if (!err && pthread_create(&reader, NULL, read_chunks, &p) != 0)
		err = -EAGAIN;
	if (err)
		goto out;
	while (take_full(&p, &f)) {
		if (!err && first) {
			first = false;
			err = bulk_decide(s, &f);
		}
		if (!err && stopped(o))
			err = -EINTR;
		if (!err) {
			err = db_kb_writer_chunk(&w, f.c, &n);
			s->st->entities += n;
		}
		db_kb_chunk_reset(f.c);
		give_free(&p, f.c);
		if (err) {
			pthread_mutex_lock(&p.mu);
			p.stop = true;
			pthread_cond_broadcast(&p.cv);
			pthread_mutex_unlock(&p.mu);
		}
		if (!err && o->progress && (t = now_s()) - last >= 2.0) {
			last = t;
			fprintf(o->progress,
			        "kb: %" PRId64 " lines, %" PRId64 " entities, %.1f MB read, %.0f "
			        "entities/s\n",
			        f.lines, s->st->entities, (double)f.raw_bytes / 1e6,
			        (double)s->st->entities / (t - t0));
			fflush(o->progress);
		}
	}
	pthread_join(reader, NULL);
	s->st->lines = p.st.lines;
	s->st->skipped = p.st.skipped;
	s->st->malformed = p.st.malformed;
	s->st->first_malformed_line = p.st.first_malformed_line;
	if (!err)
		err = p.err;
out:
	/* The session's settings and staging tables go, on failure too. */
	if (!db_conn_lost(s->conn)) {
		int eerr = db_kb_writer_end(&w);

		if (!err)
			err = eerr;
	}
	for (k = 0; k < (int)p.n_free; k++)
		db_kb_chunk_free(p.free[k]);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return err;
}

/* Put back what a bulk import dropped (or an interrupted one left
 * dropped), on conn or, when it was lost, on a new connection. */
static int restore(struct import_state *s, bool after_bulk)
{
	struct db_conn *c = s->conn;
	bool restored = false;
	double t0 = now_s();
	int err;

	if (!c || db_conn_lost(c)) {
		c = db_pool_acquire(s->pool);
		if (!c)
			return -EIO;
	}
	if (after_bulk)
		log_info("kb: bulk import: rebuilding the secondary indexes and the foreign keys");
	err = db_kb_restore(c, &restored);
	if (err)
		log_error(
		        "kb: the secondary indexes of entities and entity_aliases or the foreign "
		        "keys of entity_aliases and entity_labels could not be restored: the next "
		        "import or `newsd migrate` tries again");
	else if (after_bulk)
		log_info("kb: bulk import: indexes and foreign keys rebuilt in %.1f s",
		         now_s() - t0);
	else if (restored)
		log_warn("kb: restored the secondary indexes and foreign keys an interrupted bulk "
		         "import had left dropped (%.1f s)",
		         now_s() - t0);
	if (c != s->conn)
		db_pool_release(s->pool, c);
	return err;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int kb_import_file(struct db_pool *pool, const char *path, const struct kb_import_opts *opts,
                   struct kb_stats *stats)
{
	struct reader *r = malloc(sizeof(*r));
	struct import_state s = {.pool = pool, .o = opts, .st = stats};
	const char *name = opts->name ? opts->name : base_name(path);
	struct stat sb;
	double t0 = now_s(), dt;
	int err, rerr;

	memset(stats, 0, sizeof(*stats));
	if (!r)
		return -ENOMEM;
	err = reader_open(r, path);
	if (err) {
		log_error("kb: cannot read '%s': %s", path, strerror(-err));
		goto out;
	}
	if (fstat(fileno(r->f), &sb) == 0)
		s.file_size = (int64_t)sb.st_size;
	/* One import at a time per database, on a connection of its own that
	 * also writes. */
	s.conn = db_pool_acquire(pool);
	if (!s.conn) {
		err = -EIO;
		goto out;
	}
	err = db_kb_lock(s.conn);
	if (!err)
		err = restore(&s, false);
	if (err)
		goto out;
	if (opts->only_once) {
		/* Hash the whole file first: the default base is small. */
		struct sha256_ctx sha;
		unsigned char *buf = malloc(CHUNK);
		size_t n;
		bool done = false;
		FILE *f = fopen(path, "rb");

		if (!f || !buf) {
			err = f ? -ENOMEM : -errno;
			free(buf);
			if (f)
				fclose(f);
			goto out;
		}
		sha256_init(&sha);
		while ((n = fread(buf, 1, CHUNK, f)) > 0)
			sha256_update(&sha, buf, n);
		fclose(f);
		free(buf);
		sha256_final_hex(&sha, stats->sha256);
		err = db_kb_imported(s.conn, name, stats->sha256, &done);
		if (err || done) {
			stats->already = done;
			goto out;
		}
	}
	err = import_stream(&s, r);
	if (s.bulk) {
		/* Whatever happened: never leave the database without them. */
		rerr = restore(&s, true);
		if (!err)
			err = rerr;
	}
	if (err == -EILSEQ) {
		log_error("kb: '%s': corrupt compressed data after %" PRId64 " lines", path,
		          stats->lines);
		err = -EIO;
	} else if (err == -EIO && ferror(r->f)) {
		log_error("kb: '%s': read error after %" PRId64 " lines", path, stats->lines);
	} else if (err == -EINTR) {
		log_error("kb: '%s': interrupted after %" PRId64 " lines, %" PRId64
		          " entities written (a new import resumes nothing but updates them in "
		          "place)",
		          path, stats->lines, stats->entities);
	}
	if (err)
		goto out;
	sha256_final_hex(&r->sha, stats->sha256);
	err = db_kb_import_record(s.conn, name, stats->sha256, stats->entities);
	if (err)
		goto out;
	dt = now_s() - t0;
	if (opts->progress)
		fprintf(opts->progress,
		        "kb: imported '%s': %" PRId64 " entities from %" PRId64 " lines (%" PRId64
		        " skipped, %" PRId64 " malformed) in %.2f s, %.0f entities/s\n",
		        name, stats->entities, stats->lines, stats->skipped, stats->malformed, dt,
		        dt > 0 ? (double)stats->entities / dt : 0.0);
	if (opts->progress && stats->malformed)
		fprintf(opts->progress, "kb: the first malformed line is line %" PRId64 "\n",
		        stats->first_malformed_line);
out:
	if (s.conn) {
		db_kb_unlock(s.conn);
		db_pool_release(pool, s.conn);
	}
	reader_close(r);
	free(r);
	return err;
}
