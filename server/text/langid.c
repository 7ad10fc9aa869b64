/* langid: language identification with libexttextcat (Cavnar & Trenkle
 * n-gram profiles, as LibreOffice uses them).
 *
 * A textcat handle keeps per-call state, so it is not safe to share between
 * threads: text_init() loads a small pool of handles (one per CPU, at most
 * POOL_MAX) and each call borrows one under a mutex, waiting on a condition
 * variable when all are busy. Loading a handle reads ~180 small profile
 * files and takes a few milliseconds.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <textcat.h>
#include <unistd.h>

#include "internal.h"
#include "text.h"

#define DEFAULT_CONF "/usr/share/libexttextcat/fpdb.conf"
#define POOL_MAX 8
#define CLASSIFY_MAX_BYTES 2048 /* the first 2 KB (~300 words) settle the language */
#define MIN_LETTERS 24          /* below this, n-gram profiles are noise */
#define FULL_SAMPLE_LETTERS 200 /* from here on the sample size costs no confidence */
#define THRESHOLD 0.03          /* libexttextcat's THRESHOLDVALUE (constants.h) */
#define MIN_MARGIN 0.005        /* runner-up within 0.5%: no clear winner */

struct lang_handle {
	void *tc;
	candidate_t *cand;
};

/* Profile id ("fr--utf8", "zh-CN-utf8") -> ISO code ("fr", "zh"). */
struct lang_code {
	char *id;
	char code[12];
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct lang_handle h[POOL_MAX];
	int idle[POOL_MAX]; /* stack of indexes into h */
	int n, n_idle;
	struct lang_code *codes;
	size_t n_codes;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/* Read the profile ids from the conf (same syntax textcat reads: '#'
 * comments, "file id" per line) to build the id -> code table. */
static int load_codes(const char *conf)
{
	FILE *f = fopen(conf, "r");
	char line[1024];
	size_t alloc = 0;
	int err = 0;

	if (!f)
		return -ENOENT;
	while (!err && fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), *file, *id, *save = NULL;
		struct lang_code *c;
		size_t k;

		if (hash)
			*hash = '\0';
		file = strtok_r(line, " \t\r\n", &save);
		id = file ? strtok_r(NULL, " \t\r\n", &save) : NULL;
		if (!id)
			continue;
		if (pool.n_codes == alloc) {
			struct lang_code *v;

			alloc = alloc ? alloc * 2 : 256;
			v = realloc(pool.codes, alloc * sizeof(*v));
			if (!v) {
				err = -ENOMEM;
				break;
			}
			pool.codes = v;
		}
		c = &pool.codes[pool.n_codes];
		c->id = strdup(id);
		if (!c->id) {
			err = -ENOMEM;
			break;
		}
		for (k = 0; id[k] && id[k] != '-' && k < sizeof(c->code) - 1; k++)
			c->code[k] = (char)(id[k] >= 'A' && id[k] <= 'Z' ? id[k] + 32 : id[k]);
		c->code[k] = '\0';
		pool.n_codes++;
	}
	fclose(f);
	return err;
}

static const char *code_of(const char *id)
{
	size_t i;

	for (i = 0; i < pool.n_codes; i++)
		if (!strcmp(pool.codes[i].id, id))
			return pool.codes[i].code;
	return NULL;
}

int text_langid_init(const char *conf)
{
	char prefix[PATH_MAX];
	const char *slash;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int want = cpus < 1 ? 1 : cpus > POOL_MAX ? POOL_MAX : (int)cpus;
	int err;

	if (pool.n)
		return 0; /* already loaded: text_shutdown() first to change conf */
	if (!conf)
		conf = DEFAULT_CONF;
	/* Profile paths in the conf are relative to its directory. */
	slash = strrchr(conf, '/');
	if (slash && (size_t)(slash - conf) + 2 > sizeof(prefix))
		return -EINVAL;
	if (slash)
		snprintf(prefix, sizeof(prefix), "%.*s/", (int)(slash - conf), conf);
	else
		prefix[0] = '\0';

	err = load_codes(conf);
	if (err)
		goto fail;
	while (pool.n < want) {
		struct lang_handle *h = &pool.h[pool.n];

		h->tc = special_textcat_Init(conf, prefix);
		if (!h->tc) {
			err = -ENOENT; /* conf or a profile unreadable */
			goto fail;
		}
		textcat_SetProperty(h->tc, TCPROP_UTF8AWARE, TC_TRUE);
		h->cand = textcat_GetClassifyFullOutput(h->tc);
		if (!h->cand) {
			textcat_Done(h->tc);
			err = -ENOMEM;
			goto fail;
		}
		pool.idle[pool.n_idle++] = pool.n;
		pool.n++;
	}
	return 0;
fail:
	text_langid_shutdown();
	return err;
}

void text_langid_shutdown(void)
{
	size_t i;

	while (pool.n > 0) {
		struct lang_handle *h = &pool.h[--pool.n];

		textcat_ReleaseClassifyFullOutput(h->tc, h->cand);
		textcat_Done(h->tc);
		h->tc = NULL;
		h->cand = NULL;
	}
	pool.n_idle = 0;
	for (i = 0; i < pool.n_codes; i++)
		free(pool.codes[i].id);
	free(pool.codes);
	pool.codes = NULL;
	pool.n_codes = 0;
}

static struct lang_handle *acquire(void)
{
	struct lang_handle *h;

	pthread_mutex_lock(&pool.mu);
	while (pool.n && !pool.n_idle)
		pthread_cond_wait(&pool.cv, &pool.mu);
	h = pool.n ? &pool.h[pool.idle[--pool.n_idle]] : NULL;
	pthread_mutex_unlock(&pool.mu);
	return h;
}

static void release(struct lang_handle *h)
{
	pthread_mutex_lock(&pool.mu);
	pool.idle[pool.n_idle++] = (int)(h - pool.h);
	pthread_cond_signal(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
}

/* Letters in s[0..len), never reading past len: callers of the public
 * text_detect_lang() may hand us any buffer. */
static size_t count_letters(const char *s, size_t len)
{
	size_t i = 0, letters = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t need = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		int32_t cp;

		if (i + need > len)
			break;
		i += (size_t)utf8_next(s + i, &cp);
		letters += text_is_letter(cp);
	}
	return letters;
}

/* Confidence, from what textcat reports. Scores are out-of-place distances
 * (lower is better) and textcat only returns the candidates within
 * THRESHOLD (3%) of the best, or none when more than five are that close.
 *
 *   margin     = (s2 - s1) / s1, s2 being the best candidate of another
 *                language; THRESHOLD when there is none (every other
 *                language is at least 3% worse);
 *   confidence = (margin / THRESHOLD) * min(1, letters / FULL_SAMPLE_LETTERS)
 *
 * so a clear winner on a paragraph-sized sample scores 1, a near tie or a
 * one-line sample scores low. No answer (-ENOENT) when the sample has fewer
 * than MIN_LETTERS letters, textcat says SHORT or UNKNOWN, or the margin is
 * under MIN_MARGIN. *lang points into a table that lives until
 * text_shutdown(). */
int text_detect_lang(const char *s, size_t len, const char **lang, double *confidence)
{
	struct lang_handle *h;
	const char *best = NULL;
	double margin = THRESHOLD, sample;
	size_t letters;
	int n, i;

	*lang = NULL;
	*confidence = 0;
	if (len > CLASSIFY_MAX_BYTES) {
		len = CLASSIFY_MAX_BYTES;
		while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--; /* never cut a character */
	}
	letters = count_letters(s, len);
	if (letters < MIN_LETTERS)
		return -ENOENT;
	h = acquire();
	if (!h)
		return -ENOENT; /* text_init() not called or failed */
	n = textcat_ClassifyFull(h->tc, s, len, h->cand);
	if (n > 0) {
		best = code_of(h->cand[0].name);
		for (i = 1; i < n && best; i++) {
			const char *other = code_of(h->cand[i].name);

			if (other && strcmp(other, best) && h->cand[0].score > 0) {
				margin = (double)(h->cand[i].score - h->cand[0].score) /
				         h->cand[0].score;
				break;
			}
		}
	}
	release(h);
	if (!best || margin < MIN_MARGIN)
		return -ENOENT;
	sample = (double)letters / FULL_SAMPLE_LETTERS;
	*lang = best;
	*confidence = (margin / THRESHOLD) * (sample < 1 ? sample : 1);
	return 0;
}
