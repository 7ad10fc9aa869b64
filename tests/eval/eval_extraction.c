/* Main-text extraction on trafilatura's evaluation set
 * ($CORPORA/extraction/trafilatura-eval: evaldata.json and html/FILE.gz).
 *
 * Scored as trafilatura's tests/comparison.py scores it: per page, each
 * `with` snippet found in the extracted text is a true positive, missing a
 * false negative; each `without` snippet found is a false positive, absent
 * a true negative; the counts are summed over the pages and give precision,
 * recall, F1 and accuracy (trafilatura reports F1 0.924 on this set). A page
 * that yields nothing counts all its `with` as missed. Snippets and text are
 * compared NFC, with white-space runs (NBSP included) read as one space and
 * invisible characters (soft hyphens) dropped, as the pipeline drops them.
 *
 * Two extractions are scored so that each stage's share is visible:
 *   html      every paragraph text_html_parse() returns (DOM rules only)
 *   pipeline  the body of text_process() (DOM rules + paragraph classifier)
 * plus title, publication day and author against the set's gold metadata
 * where it has some, and the parse time of text_html_parse().
 *
 * Pages that are not valid UTF-8 (a few declare latin-1, windows-125x or
 * gb2312) are converted from the charset they declare with iconv, as a
 * fetcher would before calling the pipeline (UTF-8 only), else read byte by
 * byte as windows-1252. EVAL_VERBOSE=1 lists each page's misses on stderr.
 */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <zlib.h>

#include "../../server/text/internal.h"
#include "eval.h"
#include "text.h"

#define DATASET "trafilatura-eval"
#define REF_F1 "trafilatura 0.924"

struct counts {
	long tp, fn, fp, tn;
};

struct meta_score {
	long n, hit;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: steady on a busy machine */
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *read_gz(const char *path, size_t *len)
{
	gzFile g = gzopen(path, "rb");
	size_t n = 0, alloc = 1 << 16;
	char *buf;
	int got;

	if (!g)
		return NULL;
	buf = malloc(alloc + 1);
	while (buf) {
		if (n == alloc) {
			char *nb = realloc(buf, alloc * 2 + 1);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			alloc *= 2;
		}
		got = gzread(g, buf + n, (unsigned)(alloc - n));
		if (got < 0) {
			free(buf);
			buf = NULL;
		} else if (got == 0) {
			break;
		} else {
			n += (size_t)got;
		}
	}
	gzclose(g);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

static const uint16_t CP1252[32] = {
        0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
        0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd, 0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
        0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

/* Valid UTF-8 sequences are kept; any other byte (and NUL) is read as
 * windows-1252. New NUL-terminated string. */
static char *repair_utf8(const char *s, size_t len, size_t *out_len)
{
	char *out = malloc(len * 3 + 1);
	size_t i = 0, o = 0;

	if (!out)
		return NULL;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t need = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;

		if (c && need && i + need <= len && text_utf8_valid(s + i, need)) {
			memcpy(out + o, s + i, need);
			o += need;
			i += need;
			continue;
		}
		if (!c)
			out[o++] = ' ';
		else
			o += (size_t)text_utf8_put(c >= 0x80 && c < 0xa0 ? CP1252[c - 0x80] : c,
			                           out + o);
		i++;
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* The charset a page declares in its first bytes (charset=NAME), or "". */
static void declared_charset(const char *s, size_t len, char *out, size_t size)
{
	const char *p = s, *end = s + (len < 8192 ? len : 8192);
	size_t n = 0;

	out[0] = '\0';
	while (p < end && (p = memchr(p, 'c', (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) > 8 && !strncasecmp(p, "charset=", 8)) {
			p += 8;
			while (p < end && (*p == '"' || *p == '\'' || *p == ' '))
				p++;
			while (p < end && n + 1 < size &&
			       ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			        (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
				out[n++] = *p++;
			out[n] = '\0';
			return;
		}
		p++;
	}
}

/* s converted from its declared charset with iconv; NULL when it declares
 * none (or UTF-8) or the conversion fails. */
static char *convert(const char *s, size_t len, size_t *out_len)
{
	char cs[64], *out, *in = (char *)s, *o;
	size_t inleft = len, outleft = len * 4 + 1;
	iconv_t cd;

	declared_charset(s, len, cs, sizeof(cs));
	if (!cs[0] || !strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8"))
		return NULL;
	cd = iconv_open("UTF-8", cs);
	if (cd == (iconv_t)-1)
		return NULL;
	out = malloc(outleft);
	o = out;
	if (out && iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
		free(out);
		out = NULL;
	}
	iconv_close(cd);
	if (out) {
		*o = '\0';
		*out_len = (size_t)(o - out);
		if (!text_utf8_valid(out, *out_len) || memchr(out, '\0', *out_len)) {
			free(out);
			out = NULL;
		}
	}
	return out;
}

/* NFC, then every white-space run (NBSP included) as one space; leading
 * and trailing space kept as one (a snippet may start with one). */
static char *norm(const char *s)
{
	char *nfc = text_nfc(s), *out;
	size_t i = 0, o = 0;
	bool space = false;

	if (!nfc)
		return NULL;
	out = malloc(strlen(nfc) + 1);
	if (!out) {
		free(nfc);
		return NULL;
	}
	while (nfc[i]) {
		int32_t cp;
		int n = utf8_next(nfc + i, &cp);

		if (text_is_space(cp) || text_is_newline(cp)) {
			space = true;
		} else if (!text_is_invisible(cp)) {
			if (space)
				out[o++] = ' ';
			space = false;
			memcpy(out + o, nfc + i, (size_t)n);
			o += (size_t)n;
		}
		i += (size_t)n;
	}
	if (space)
		out[o++] = ' ';
	out[o] = '\0';
	free(nfc);
	return out;
}

/* Paragraphs joined by new lines, normalised as the snippets are. */
static char *paras_text(const struct text_paras *ps)
{
	struct strbuf sb = STRBUF_INIT;
	char *joined, *out;
	size_t i;

	strbuf_init(&sb);
	for (i = 0; i < ps->n; i++) {
		if (strbuf_add(&sb, ps->buf + ps->v[i].off, ps->v[i].len) ||
		    strbuf_addch(&sb, '\n'))
			break;
	}
	joined = strbuf_detach(&sb, NULL);
	out = norm(joined);
	free(joined);
	return out;
}

static void score(struct counts *c, const char *text, const json_t *item, const char *file,
                  const char *label)
{
	const json_t *v;
	size_t i;
	bool verbose = getenv("EVAL_VERBOSE") != NULL;

	json_array_foreach (json_object_get(item, "with"), i, v) {
		char *snip = norm(json_string_value(v));
		bool found = text && snip && strstr(text, snip);

		if (found)
			c->tp++;
		else
			c->fn++;
		if (!found && verbose)
			fprintf(stderr, "%s\t%s\tmissing\t%s\n", label, file, snip ? snip : "?");
		free(snip);
	}
	json_array_foreach (json_object_get(item, "without"), i, v) {
		char *snip = norm(json_string_value(v));
		bool found = text && snip && strstr(text, snip);

		if (found)
			c->fp++;
		else
			c->tn++;
		if (found && verbose)
			fprintf(stderr, "%s\t%s\tunwanted\t%s\n", label, file, snip);
		free(snip);
	}
}

static void report(const char *stage, const struct counts *c)
{
	double p = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0;
	double r = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0;
	double all = (double)(c->tp + c->fn + c->fp + c->tn);

	eval_row(stage, DATASET, "F1 (with/without snippets)", p + r ? 2 * p * r / (p + r) : 0,
	         REF_F1);
	eval_row(stage, DATASET, "precision", p, "trafilatura 0.914");
	eval_row(stage, DATASET, "recall", r, "trafilatura 0.934");
	eval_row(stage, DATASET, "accuracy", all ? (double)(c->tp + c->tn) / all : 0,
	         "trafilatura 0.923");
}

/* Collapsed, trimmed, compared without regard to case. */
static bool same_text(const char *a, const char *b)
{
	char *x, *y;
	bool eq;

	if (!a || !b)
		return false;
	x = text_collapse_ws(a, strlen(a));
	y = text_collapse_ws(b, strlen(b));
	eq = x && y && !strcasecmp(x, y);
	free(x);
	free(y);
	return eq;
}

/* The meta title, or the <title> when that starts with it and says more
 * ("Rail strike halts trains" / "Rail strike halts trains across the
 * Netherlands"): og:title and JSON-LD headlines are often cut short. */
static const char *extended(const char *meta_title, const char *html_title)
{
	if (!meta_title)
		return html_title;
	if (html_title && strlen(html_title) > strlen(meta_title) &&
	    !strncmp(html_title, meta_title, strlen(meta_title)))
		return html_title;
	return meta_title;
}

/* The gold day "YYYY-MM-DD" opens the date found. */
static bool same_day(const char *found, const char *gold)
{
	return found && strlen(gold) == 10 && !strncmp(found, gold, 10);
}

static void meta_count(struct meta_score *m, bool hit)
{
	m->n++;
	m->hit += hit;
}

static double share(const struct meta_score *m)
{
	return m->n ? (double)m->hit / (double)m->n : 0;
}

int main(void)
{
	char path[8192], dir[4096];
	const char *root;
	json_t *data;
	json_error_t jerr;
	const char *url;
	json_t *item;
	struct counts raw = {0}, pipe = {0};
	struct meta_score title_meta = {0}, title_meta_stripped = {0}, title_stripped = {0};
	struct meta_score title_extended = {0}, title_pipe = {0};
	struct meta_score date_meta = {0}, date_pipe = {0}, author_meta = {0};
	double parse_s = 0;
	size_t parse_bytes = 0, pages = 0, failed = 0;
	bool pipeline_ok;

	root = eval_path("extraction/" DATASET, dir, sizeof(dir));
	if (!root) {
		eval_skip("html", DATASET, "corpus absent");
		return 0;
	}
	snprintf(path, sizeof(path), "%s/evaldata.json", dir);
	data = json_load_file(path, 0, &jerr);
	if (!data) {
		eval_skip("html", DATASET, "evaldata.json unreadable");
		return 0;
	}
	if (text_html_init()) {
		json_decref(data);
		return 1;
	}
	pipeline_ok = text_init(NULL) == 0;
	json_object_foreach (data, url, item) {
		const char *file = json_string_value(json_object_get(item, "file"));
		const char *gold_title = json_string_value(json_object_get(item, "title"));
		const char *gold_date = json_string_value(json_object_get(item, "date"));
		const char *gold_author = json_string_value(json_object_get(item, "author"));
		struct text_paras ps = TEXT_PARAS_INIT;
		struct text_html_meta meta;
		struct text_doc doc = TEXT_DOC_INIT;
		struct text_input in = {0};
		char *gz, *html = NULL, *text = NULL, *body = NULL;
		const char *why;
		size_t gzlen, len = 0;
		double t0;
		int err;

		if (!file)
			continue;
		snprintf(path, sizeof(path), "%s/html/%s.gz", dir, file);
		gz = read_gz(path, &gzlen);
		if (gz && text_utf8_valid(gz, gzlen) && !memchr(gz, '\0', gzlen)) {
			html = gz;
			len = gzlen;
			gz = NULL;
		} else if (gz) {
			html = convert(gz, gzlen, &len);
			if (!html)
				html = repair_utf8(gz, gzlen, &len);
		}
		free(gz);
		if (!html) {
			failed++;
			continue;
		}
		pages++;
		t0 = now();
		err = text_html_parse(html, len, &ps, &meta);
		parse_s += now() - t0;
		parse_bytes += len;
		if (err) {
			failed++;
			meta = TEXT_HTML_META_INIT;
		}
		text = err ? NULL : paras_text(&ps);
		score(&raw, text, item, file, "html");
		if (gold_title && *gold_title) {
			int terr;
			char *stripped = meta.html_title
			                         ? text_title_from_html(meta.html_title, &terr)
			                         : NULL;
			char *meta_stripped =
			        meta.title ? text_title_from_html(meta.title, &terr) : NULL;

			meta_count(&title_meta, same_text(meta.title, gold_title));
			if (getenv("EVAL_VERBOSE") && !same_text(meta.title, gold_title))
				fprintf(stderr, "title\t%s\t%s\t%s\t%s\n", file, gold_title,
				        meta.title ? meta.title : "-", stripped ? stripped : "-");
			meta_count(&title_stripped, same_text(stripped, gold_title));
			meta_count(&title_meta_stripped, same_text(meta_stripped, gold_title));
			meta_count(&title_extended,
			           same_text(extended(meta_stripped, stripped), gold_title));
			free(stripped);
			free(meta_stripped);
		}
		if (gold_date && *gold_date) {
			meta_count(&date_meta, same_day(meta.published, gold_date));
			if (getenv("EVAL_VERBOSE") && !same_day(meta.published, gold_date))
				fprintf(stderr, "date\t%s\t%s\t%s\n", file, gold_date,
				        meta.published ? meta.published : "-");
		}
		if (gold_author && *gold_author) {
			meta_count(&author_meta, same_text(meta.author, gold_author));
			if (getenv("EVAL_VERBOSE") && !same_text(meta.author, gold_author))
				fprintf(stderr, "author\t%s\t%s\t%s\n", file, gold_author,
				        meta.author ? meta.author : "-");
		}
		if (pipeline_ok) {
			in.html = html;
			err = text_process(&in, &doc, &why);
			body = err ? NULL : norm(doc.body);
			score(&pipe, body, item, file, "pipeline");
			if (gold_title && *gold_title)
				meta_count(&title_pipe, same_text(doc.title, gold_title));
			if (gold_date && *gold_date)
				meta_count(&date_pipe, same_day(doc.published_at, gold_date));
			text_doc_release(&doc);
		}
		free(body);
		free(text);
		text_html_meta_release(&meta);
		text_paras_release(&ps);
		free(html);
	}
	json_decref(data);

	report("html (all paragraphs)", &raw);
	eval_row("html meta", DATASET, "title = og:title/JSON-LD/<title> (exact)",
	         share(&title_meta), "-");
	eval_row("html meta", DATASET, "title = og:title/JSON-LD/<title> suffix-stripped (exact)",
	         share(&title_meta_stripped), "-");
	eval_row("html meta", DATASET, "title = <title> suffix-stripped (exact)",
	         share(&title_stripped), "-");
	eval_row("html meta", DATASET,
	         "title = og:title/JSON-LD, or <title> when it extends it (both stripped)",
	         share(&title_extended), "-");
	eval_row("html meta", DATASET, "published day (metadata only)", share(&date_meta), "-");
	eval_row("html meta", DATASET, "author (exact)", share(&author_meta), "-");
	eval_row("html", DATASET, "parse us per 30 KB",
	         parse_bytes ? parse_s / (double)parse_bytes * 30000 * 1e6 : 0, "target 150");
	eval_row("html", DATASET, "pages failed", (double)failed, "-");
	if (pipeline_ok) {
		report("pipeline", &pipe);
		eval_row("pipeline", DATASET, "title (exact)", share(&title_pipe), "-");
		eval_row("pipeline", DATASET, "published day", share(&date_pipe), "-");
		text_shutdown();
	} else {
		eval_skip("pipeline", DATASET, "text_init failed (language profiles?)");
	}
	text_html_shutdown();
	(void)pages;
	return 0;
}
