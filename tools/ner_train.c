/* ner_train: trains the entity tagger's averaged perceptron and writes the
 * embedded model (server/text/ner_model.c) and gazetteer
 * (server/text/ner_gaz.c). `make ner-model` runs it.
 *
 *   ner_train [--corpora DIR] [--own DIR] [--gaz FILE] [--epochs N]
 *             [--drop P] [--prune N] [--own-weight N] [--seed N] [--out FILE]
 *             [--gaz-out FILE]
 *
 * Training sets, only those whose licence lets a shipped model learn from
 * them (data/ner/README.md): Europeana Newspapers French (CC0) from
 * $CORPORA/ner/europeana-fr, and the project's own sentences (data/ner/own).
 * Everything else in ../shared/corpora/ner is for evaluation only.
 *
 * Deterministic: a fixed seed shuffles the documents and draws the word
 * dropout, so the same inputs give the same model byte for byte.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../server/text/ner.h"
#include "ner_corpus.h"
#include "text.h"

struct item {
	struct ner_doc d;
	uint8_t *gold;
	int weight; /* passes per epoch */
};

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void gold_tags(const struct ner_doc *d, const struct gold_doc *g, uint8_t *tags)
{
	size_t i, s = 0;

	for (i = 0; i < d->n; i++) {
		const struct ner_tok *t = &d->v[i];
		const struct gold_span *sp;

		while (s < g->n && g->spans[s].end <= (int)t->start)
			s++;
		tags[i] = NER_O;
		if (s >= g->n)
			continue;
		sp = &g->spans[s];
		if (sp->type <= 0 || sp->start > (int)t->start)
			continue;
		tags[i] = (uint8_t)(i == 0 || (int)d->v[i - 1].start < sp->start ? 2 * sp->type - 1
		                                                                 : 2 * sp->type);
	}
}

static void add_set(struct item **items, size_t *n, size_t *cap, struct gold_set *s, int weight)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct item *it;

		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 1024;
			*items = realloc(*items, *cap * sizeof(**items));
			if (!*items)
				gold_die();
		}
		it = &(*items)[(*n)++];
		it->d = NER_DOC_INIT;
		it->d.lang = s->v[i].lang;
		it->weight = weight;
		if (ner_tokenize(s->v[i].text, s->v[i].len, &it->d))
			gold_die();
		it->gold = malloc(it->d.n + 1);
		if (!it->gold)
			gold_die();
		gold_tags(&it->d, &s->v[i], it->gold);
	}
}

struct feats {
	uint32_t (*f)[NER_MAX_FEATS];
	uint8_t *n;
	uint8_t *tags;
	size_t cap;
};

static struct feats fs;

/* Viterbi with the float weights, as ner_tag() decodes with the int16 ones. */
static void viterbi(const struct ner_doc *d, const float *w, uint8_t *tags)
{
	static float(*delta)[NER_TAGS];
	static uint8_t(*back)[NER_TAGS];
	static size_t cap;
	uint32_t tf[NER_MAX_FEATS];
	size_t i, k, n;
	int t, p, best;

	if (d->n > cap) {
		cap = d->n;
		delta = realloc(delta, cap * sizeof(*delta));
		back = realloc(back, cap * sizeof(*back));
		if (!delta || !back)
			gold_die();
	}
	for (i = 0; i < d->n; i++) {
		float sc[NER_TAGS] = {0};

		for (k = 0; k < fs.n[i]; k++)
			for (t = 0; t < NER_TAGS; t++)
				sc[t] += w[(size_t)fs.f[i][k] * NER_ROW + (size_t)t];
		for (t = 0; t < NER_TAGS; t++)
			delta[i][t] = -INFINITY;
		for (p = 0; p < NER_TAGS; p++) {
			float tr[NER_TAGS] = {0};

			if (i ? delta[i - 1][p] == -INFINITY : p != NER_O)
				continue;
			n = ner_tag_features(d, i, p, tf);
			for (k = 0; k < n; k++)
				for (t = 0; t < NER_TAGS; t++)
					tr[t] += w[(size_t)tf[k] * NER_ROW + (size_t)t];
			for (t = 0; t < NER_TAGS; t++) {
				float v = (i ? delta[i - 1][p] : 0) + tr[t] + sc[t];

				if (ner_allowed_at(d, i, p, t) && v > delta[i][t]) {
					delta[i][t] = v;
					back[i][t] = (uint8_t)p;
				}
			}
		}
	}
	if (!d->n)
		return;
	for (best = 0, t = 1; t < NER_TAGS; t++)
		if (delta[d->n - 1][t] > delta[d->n - 1][best])
			best = t;
	for (i = d->n; i-- > 0;) {
		tags[i] = (uint8_t)best;
		best = back[i][best];
	}
}

static void update(float *w, double *wa, uint32_t b, int t, float by, double c)
{
	size_t r = (size_t)b * NER_ROW + (size_t)t;

	w[r] += by;
	wa[r] += by * c;
}

/* One structured-perceptron step on a document; returns its token errors. */
static size_t train_doc(const struct ner_doc *d, const uint8_t *gold, float *w, double *wa,
                        double c, double drop)
{
	uint32_t tf[NER_MAX_FEATS];
	size_t i, k, n, errors = 0;

	if (d->n > fs.cap) {
		fs.cap = d->n;
		fs.f = realloc(fs.f, fs.cap * sizeof(*fs.f));
		fs.n = realloc(fs.n, fs.cap);
		fs.tags = realloc(fs.tags, fs.cap);
		if (!fs.f || !fs.n || !fs.tags)
			gold_die();
	}
	for (i = 0; i < d->n; i++)
		fs.n[i] = (uint8_t)ner_features(d, i, fs.f[i], rnd() % 1000 < drop * 1000);
	viterbi(d, w, fs.tags);
	for (i = 0; i < d->n; i++) {
		int g = gold[i], p = fs.tags[i], gp = i ? gold[i - 1] : NER_O,
		    pp = i ? fs.tags[i - 1] : NER_O;

		if (g != p) {
			errors++;
			for (k = 0; k < fs.n[i]; k++) {
				update(w, wa, fs.f[i][k], g, 1, c);
				update(w, wa, fs.f[i][k], p, -1, c);
			}
		}
		if (g != p || gp != pp) {
			n = ner_tag_features(d, i, gp, tf);
			for (k = 0; k < n; k++)
				update(w, wa, tf[k], g, 1, c);
			n = ner_tag_features(d, i, pp, tf);
			for (k = 0; k < n; k++)
				update(w, wa, tf[k], p, -1, c);
		}
	}
	return errors;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct out {
	unsigned char *b;
	size_t n, cap;
};

static void put_byte(struct out *o, unsigned c)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 1 << 16;
		o->b = realloc(o->b, o->cap);
		if (!o->b)
			gold_die();
	}
	o->b[o->n++] = (unsigned char)c;
}

static void put_varint(struct out *o, uint32_t v)
{
	while (v >= 0x80) {
		put_byte(o, (v & 0x7f) | 0x80);
		v >>= 7;
	}
	put_byte(o, v);
}

/* C string literals of s, lines of at most 96 characters. */
static void write_literal(FILE *f, const char *s, size_t n, bool escape)
{
	size_t i, col = 0;

	fputs("\t\"", f);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (col >= 96 && (!escape || (c & 0xc0) != 0x80)) {
			fputs("\"\n\t\"", f);
			col = 0;
		}
		if (escape && (c == '"' || c == '\\')) {
			fputc('\\', f);
			fputc(c, f);
			col += 2;
		} else if (escape && c == '\n') {
			fputs("\\n", f);
			col += 2;
			if (col > 60) {
				fputs("\"\n\t\"", f);
				col = 0;
			}
		} else if (escape && (c < 0x20 || c == 0x7f)) {
			fprintf(f, "\\%03o", c);
			col += 4;
		} else {
			fputc(c, f);
			col++;
		}
	}
	fputs("\"", f);
}

static int write_model(const char *path, const float *avg, int prune, const char *about)
{
	size_t i, total = NER_BUCKETS * NER_ROW, nz = 0;
	float maxabs = 0;
	double scale;
	struct out o = {0};
	char *b64;
	size_t bn = 0;
	uint32_t last = 0;
	bool first = true;
	uint32_t acc = 0;
	int bits = 0;
	FILE *f;

	for (i = 0; i < total; i++)
		if (fabsf(avg[i]) > maxabs)
			maxabs = fabsf(avg[i]);
	scale = maxabs > 0 ? 32000.0 / maxabs : 1;
	for (i = 0; i < total; i++) {
		long q = lround(avg[i] * scale);
		uint32_t z;

		if (labs(q) < prune || i % NER_ROW >= NER_TAGS)
			continue;
		put_varint(&o, first ? (uint32_t)i : (uint32_t)i - last);
		z = (uint32_t)((q << 1) ^ (q >> 31));
		put_varint(&o, z);
		last = (uint32_t)i;
		first = false;
		nz++;
	}
	b64 = malloc(o.n * 2 + 8);
	if (!b64)
		gold_die();
	for (i = 0; i < o.n; i++) {
		acc = acc << 8 | o.b[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			b64[bn++] = B64[acc >> bits & 63];
		}
	}
	if (bits)
		b64[bn++] = B64[(acc << (6 - bits)) & 63];
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
	fprintf(f,
	        "/* Generated by `make ner-model` (tools/ner_train.c). Do not edit.\n"
	        " * %zu weights (int16, scale %.1f), %zu bytes of varints. */\n"
	        "#include \"ner.h\"\n\n",
	        nz, scale, o.n);
	fputs("/* clang-format off */\nconst char ner_model_about[] =\n", f);
	write_literal(f, about, strlen(about), true);
	fputs(";\n\nconst char ner_model_data[] =\n", f);
	write_literal(f, b64, bn, false);
	fprintf(f, ";\n/* clang-format on */\nconst size_t ner_model_len = %zu;\n", bn);
	fclose(f);
	fprintf(stderr, "ner_train: %s: %zu non-zero weights, %zu bytes of text\n", path, nz, bn);
	free(b64);
	free(o.b);
	return 0;
}

static int write_gaz(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		return -1;
	}
	fputs("/* Generated by `make ner-model` (tools/ner_train.c) from data/kb/gazetteer.tsv.\n"
	      " * Do not edit. */\n#include \"ner.h\"\n\n/* clang-format off */\n"
	      "const char ner_gaz_data[] =\n",
	      f);
	write_literal(f, data, len, true);
	fprintf(f, ";\n/* clang-format on */\nconst size_t ner_gaz_len = %zu;\n", len);
	fclose(f);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct strbuf_like {
	char buf[1024];
	size_t n;
};

static size_t read_own(const char *dir, struct gold_set *own, struct strbuf_like *names)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char *files[256], path[4096];
	size_t n = 0, i;

	if (!dp)
		return 0;
	while ((e = readdir(dp)) && n < 256) {
		size_t l = strlen(e->d_name);

		if (l > 4 && !strcmp(e->d_name + l - 4, ".txt"))
			files[n++] = strdup(e->d_name);
	}
	closedir(dp);
	qsort(files, n, sizeof(files[0]), cmp_str);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (gold_read_own(path, own))
			fprintf(stderr, "ner_train: cannot read %s\n", path);
		names->n += (size_t)snprintf(names->buf + names->n, sizeof(names->buf) - names->n,
		                             "%s%s", names->n ? ", " : "", files[i]);
		if (names->n >= sizeof(names->buf))
			names->n = sizeof(names->buf) - 1;
		free(files[i]);
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *corpora = "../shared/corpora", *own_dir = "data/ner/own",
	           *gaz_path = "data/kb/gazetteer.tsv", *out = "server/text/ner_model.c",
	           *gaz_out = "server/text/ner_gaz.c";
	int epochs = 10, prune = 24, own_weight = 3, i;
	double drop = 0.4;
	struct gold_set train = {0}, own = {0};
	struct item *items = NULL;
	size_t n_items = 0, cap = 0, k, j, tokens = 0, *order;
	float *w;
	double *wa;
	double c = 1;
	char path[4096], about[2048];
	struct strbuf_like names = {0};
	char *gaz = NULL;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			fprintf(stderr, "usage: see tools/ner_train.c\n");
			return 2;
		}
		if (!strcmp(a, "--corpora"))
			corpora = v;
		else if (!strcmp(a, "--own"))
			own_dir = v;
		else if (!strcmp(a, "--gaz"))
			gaz_path = v;
		else if (!strcmp(a, "--epochs"))
			epochs = atoi(v);
		else if (!strcmp(a, "--drop"))
			drop = atof(v);
		else if (!strcmp(a, "--own-weight"))
			own_weight = atoi(v);
		else if (!strcmp(a, "--seed"))
			rng ^= strtoull(v, NULL, 10) * 0x9e3779b97f4a7c15ULL;
		else if (!strcmp(a, "--prune"))
			prune = atoi(v);
		else if (!strcmp(a, "--out"))
			out = v;
		else if (!strcmp(a, "--gaz-out"))
			gaz_out = v;
		else {
			fprintf(stderr, "ner_train: unknown option %s\n", a);
			return 2;
		}
		i++;
	}
	gaz = gold_read(gaz_path);
	if (gaz) {
		ner_gaz_set(gaz, strlen(gaz));
		if (write_gaz(gaz_out, gaz, strlen(gaz)))
			return 1;
		fprintf(stderr, "ner_train: gazetteer %s embedded in %s\n", gaz_path, gaz_out);
	} else {
		fprintf(stderr, "ner_train: no %s: the embedded gazetteer is used as is\n",
		        gaz_path);
	}
	snprintf(path, sizeof(path), "%s/ner/europeana-fr/enp_FR.bnf.bio", corpora);
	if (gold_read_europeana(path, &train, "fr")) {
		fprintf(stderr, "ner_train: cannot read %s\n", path);
		return 1;
	}
	read_own(own_dir, &own, &names);
	add_set(&items, &n_items, &cap, &train, 1);
	add_set(&items, &n_items, &cap, &own, own_weight);
	for (k = 0; k < n_items; k++)
		tokens += items[k].d.n * (size_t)items[k].weight;
	fprintf(stderr, "ner_train: %zu europeana documents, %zu own, %zu tokens per epoch\n",
	        train.n, own.n, tokens);
	w = calloc((size_t)NER_BUCKETS * NER_ROW, sizeof(*w));
	wa = calloc((size_t)NER_BUCKETS * NER_ROW, sizeof(*wa));
	order = malloc(n_items * (size_t)(own_weight > 1 ? own_weight : 1) * sizeof(*order));
	if (!w || !wa || !order)
		gold_die();
	for (i = 0; i < epochs; i++) {
		size_t n_order = 0, errors = 0, seen = 0;

		for (k = 0; k < n_items; k++)
			for (j = 0; j < (size_t)items[k].weight; j++)
				order[n_order++] = k;
		for (k = n_order; k > 1; k--) {
			size_t r = rnd() % k, t = order[k - 1];

			order[k - 1] = order[r];
			order[r] = t;
		}
		for (k = 0; k < n_order; k++) {
			const struct item *it = &items[order[k]];

			errors += train_doc(&it->d, it->gold, w, wa, c, drop);
			seen += it->d.n;
			c += 1;
		}
		fprintf(stderr, "ner_train: epoch %d: %.4f token error rate\n", i + 1,
		        (double)errors / (double)seen);
	}
	for (k = 0; k < (size_t)NER_BUCKETS * NER_ROW; k++)
		w[k] -= (float)(wa[k] / c);
	snprintf(about, sizeof(about),
	         "averaged structured perceptron (Viterbi), %d epochs, word dropout %.2f; "
	         "trained on Europeana "
	         "Newspapers French (CC0, %zu documents) and the project's own sentences "
	         "(data/ner/own: %s)%s",
	         epochs, drop, train.n, names.n ? names.buf : "none",
	         gaz ? "; gazetteer data/kb/gazetteer.tsv" : "");
	if (write_model(out, w, prune, about))
		return 1;
	for (k = 0; k < n_items; k++) {
		ner_doc_release(&items[k].d);
		free(items[k].gold);
	}
	free(items);
	free(order);
	free(w);
	free(wa);
	gold_release(&train);
	gold_release(&own);
	free(gaz);
	return 0;
}
