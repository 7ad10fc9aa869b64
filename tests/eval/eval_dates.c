/* Dates: date expressions on French TimeBank, publication dates from page
 * text on htmldate's evaluation set.
 *
 * French TimeBank (dates/fr-timebank, one .tml a document): the text inside <TEXT> with its
 * tags removed; gold = TIMEX3 of type DATE. A gold expression is found when a
 * predicted span overlaps it (each prediction counts once); precision counts
 * predictions overlapping a gold DATE, and, second row, any gold TIMEX3
 * (TIME, DURATION and SET too: "mardi soir" is a TIME in TimeML). Values are
 * compared, for found expressions whose gold value is a plain YYYY-MM-DD (or
 * YYYY-MM, YYYY), with the prediction resolved against the document creation
 * date.
 *
 * htmldate (dates/htmldate-eval): eval_default.json {url: {file, date}} and
 * html/FILE.gz. The page is reduced to text by a crude tag strip (scripts,
 * styles and comments dropped, block tags as line breaks, entities decoded,
 * windows-1252 pages converted) and given to text_pubdate_from_text() with
 * today = the day of the run. HTML metadata is not used here (another stage
 * reads it): this is the text-only figure. The date counts when it equals the
 * gold date at day precision.
 */
#include <dirent.h>
#include <errno.h>
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

struct gold {
	int start, end;
	bool date;      /* type DATE */
	char value[32]; /* as annotated */
};

struct golds {
	struct gold *v;
	size_t n, cap;
};

static int gold_push(struct golds *g, const struct gold *x)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 32;
		struct gold *v = realloc(g->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n++] = *x;
	return 0;
}

/* Value of attribute name in the tag [p, end), into out. */
static bool attr(const char *p, const char *end, const char *name, char *out, size_t size)
{
	size_t n = strlen(name);

	for (; p + n + 2 < end; p++) {
		if (!strncmp(p, name, n) && p[n] == '=' && p[n + 1] == '"' && (p[-1] == ' ')) {
			const char *v = p + n + 2, *q = memchr(v, '"', (size_t)(end - v));
			size_t len;

			if (!q)
				return false;
			len = (size_t)(q - v) < size - 1 ? (size_t)(q - v) : size - 1;
			memcpy(out, v, len);
			out[len] = '\0';
			return true;
		}
	}
	return false;
}

/* TimeML <TEXT> -> plain text (tags removed, entities decoded) + TIMEX3. */
static int parse_tml(const char *xml, struct strbuf *text, struct golds *g, struct text_day *dct)
{
	const char *p = strstr(xml, "<DCT>"), *end;
	char val[32];
	struct gold open = {0};
	bool in_timex = false;
	int err = 0;

	if (!p)
		return -EINVAL;
	end = strstr(p, "</DCT>");
	if (!end || !attr(p, end, "value", val, sizeof(val)) ||
	    sscanf(val, "%d-%d-%d", &dct->year, &dct->month, &dct->day) != 3)
		return -EINVAL;
	p = strstr(end, "<TEXT>");
	end = p ? strstr(p, "</TEXT>") : NULL;
	if (!p || !end)
		return -EINVAL;
	p += 6;
	while (p < end && !err) {
		if (*p == '<') {
			const char *q = memchr(p, '>', (size_t)(end - p));

			if (!q)
				break;
			if (!strncmp(p, "<TIMEX3 ", 8)) {
				char type[16] = "";

				memset(&open, 0, sizeof(open));
				attr(p, q, "type", type, sizeof(type));
				attr(p, q, "value", open.value, sizeof(open.value));
				open.date = !strcmp(type, "DATE");
				open.start = (int)text->len;
				in_timex = true;
			} else if (!strncmp(p, "</TIMEX3>", 9) && in_timex) {
				open.end = (int)text->len;
				err = gold_push(g, &open);
				in_timex = false;
			}
			p = q + 1;
		} else if (*p == '&') {
			static const char *const ent[][2] = {{"&amp;", "&"},
			                                     {"&lt;", "<"},
			                                     {"&gt;", ">"},
			                                     {"&quot;", "\""},
			                                     {"&apos;", "'"}};
			size_t i;

			for (i = 0; i < 5; i++)
				if (!strncmp(p, ent[i][0], strlen(ent[i][0])))
					break;
			if (i < 5) {
				err = strbuf_add(text, ent[i][1], 1);
				p += strlen(ent[i][0]);
			} else {
				err = strbuf_add(text, p, 1);
				p++;
			}
		} else {
			err = strbuf_add(text, p, 1);
			p++;
		}
	}
	return err;
}

static void format_value(const struct text_date *d, char *out, size_t size)
{
	if (!d->resolved || d->precision == TEXT_PRECISION_NONE)
		snprintf(out, size, "?");
	else if (d->precision == TEXT_PRECISION_YEAR)
		snprintf(out, size, "%04d", d->value.year);
	else if (d->precision == TEXT_PRECISION_MONTH)
		snprintf(out, size, "%04d-%02d", d->value.year, d->value.month);
	else
		snprintf(out, size, "%04d-%02d-%02d", d->value.year, d->value.month, d->value.day);
}

static bool plain_value(const char *v)
{
	size_t i, n = strlen(v);

	if (n != 4 && n != 7 && n != 10)
		return false;
	for (i = 0; i < n; i++)
		if (!(v[i] >= '0' && v[i] <= '9') && !(v[i] == '-' && (i == 4 || i == 7)))
			return false;
	return true;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void timebank(void)
{
	char dir[1024], path[1300];
	DIR *d;
	struct dirent *de;
	char *names[512];
	size_t nn = 0, f;
	long gold_n = 0, gold_found = 0, pred_n = 0, pred_ok = 0, pred_any = 0;
	long val_n = 0, val_ok = 0, full_n = 0, full_ok = 0;
	double p, r;
	char ref[96];

	if (!eval_path("dates/fr-timebank", dir, sizeof(dir))) {
		eval_skip("dates", "fr-timebank", "corpus absent");
		return;
	}
	d = opendir(dir);
	if (!d) {
		eval_skip("dates", "fr-timebank", "cannot open");
		return;
	}
	while ((de = readdir(d)) && nn < 512)
		if (strstr(de->d_name, ".tml"))
			names[nn++] = strdup(de->d_name);
	closedir(d);
	qsort(names, nn, sizeof(names[0]), cmp_name);
	for (f = 0; f < nn; f++) {
		struct strbuf text;
		struct golds g = {0};
		struct text_day dct;
		struct text_date *v = NULL;
		size_t n = 0, i, j;
		char *xml;
		bool *used = NULL;

		strbuf_init(&text);
		snprintf(path, sizeof(path), "%s/%s", dir, names[f]);
		xml = eval_read_file(path, NULL);
		if (!xml || parse_tml(xml, &text, &g, &dct) ||
		    text_dates_extract(text.buf, "fr", &dct, &v, &n)) {
			fprintf(stderr, "eval_dates: %s: cannot read\n", names[f]);
			goto next;
		}
		used = calloc(n + 1, sizeof(*used));
		if (!used)
			goto next;
		for (i = 0; i < g.n; i++) {
			if (!g.v[i].date)
				continue;
			gold_n++;
			for (j = 0; j < n; j++) {
				char got[32];

				if (used[j] || v[j].end <= g.v[i].start || v[j].start >= g.v[i].end)
					continue;
				used[j] = true;
				gold_found++;
				if (!plain_value(g.v[i].value))
					break;
				format_value(&v[j], got, sizeof(got));
				val_n++;
				val_ok += !strcmp(got, g.v[i].value);
				if (strlen(g.v[i].value) == 10) {
					full_n++;
					full_ok += !strcmp(got, g.v[i].value);
				}
				break;
			}
		}
		for (j = 0; j < n; j++) {
			bool date = false, any = false;

			for (i = 0; i < g.n; i++) {
				if (v[j].end <= g.v[i].start || v[j].start >= g.v[i].end)
					continue;
				any = true;
				date |= g.v[i].date;
			}
			pred_n++;
			pred_ok += date;
			pred_any += any;
		}
	next:
		free(used);
		free(v);
		free(g.v);
		strbuf_release(&text);
		free(xml);
		free(names[f]);
	}
	snprintf(ref, sizeof(ref), "HeidelTime 0.86 F1 (%zu files, %ld DATE)", nn, gold_n);
	p = pred_n ? (double)pred_ok / (double)pred_n : 0;
	r = gold_n ? (double)gold_found / (double)gold_n : 0;
	eval_row("dates", "fr-timebank", "DATE precision (overlap)", p, "-");
	eval_row("dates", "fr-timebank", "DATE recall (overlap)", r, "-");
	eval_row("dates", "fr-timebank", "DATE F1 (overlap)", p + r > 0 ? 2 * p * r / (p + r) : 0,
	         ref);
	eval_row("dates", "fr-timebank", "precision, any TIMEX3 type",
	         pred_n ? (double)pred_any / (double)pred_n : 0, "-");
	eval_row("dates", "fr-timebank", "value accuracy, found YYYY-MM-DD golds",
	         full_n ? (double)full_ok / (double)full_n : 0, "-");
	eval_row("dates", "fr-timebank", "value accuracy, found YYYY[-MM[-DD]] golds",
	         val_n ? (double)val_ok / (double)val_n : 0, "-");
}

/* ---- htmldate ---- */

static char *read_gz(const char *path)
{
	gzFile z = gzopen(path, "rb");
	struct strbuf sb;
	char buf[65536];
	int n;

	if (!z)
		return NULL;
	strbuf_init(&sb);
	while ((n = gzread(z, buf, sizeof(buf))) > 0)
		if (strbuf_add(&sb, buf, (size_t)n))
			break;
	gzclose(z);
	return strbuf_detach(&sb, NULL);
}

static void put_cp(struct strbuf *sb, long cp)
{
	char u[4];
	int n;

	if (cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		cp = 0xfffd;
	n = text_utf8_put((int32_t)cp, u);
	strbuf_add(sb, u, (size_t)n);
}

/* First case-insensitive occurrence of needle (ASCII) in s, or NULL. */
static const char *find_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (!strncasecmp(s, needle, n))
			return s;
	return NULL;
}

static bool tag_is(const char *p, const char *name)
{
	size_t n = strlen(name);

	return !strncasecmp(p, name, n) && (p[n] == '>' || p[n] == ' ' || p[n] == '/' ||
	                                    p[n] == '\t' || p[n] == '\n' || p[n] == '\r');
}

/* Crude visible text of a page. */
static void strip_html(const char *h, struct strbuf *out)
{
	static const char *const raw[] = {"script", "style", "noscript", "template", "svg"};
	static const char *const block[] = {
	        "p",      "div",    "br",         "li",   "h1",    "h2",        "h3", "h4",
	        "h5",     "h6",     "tr",         "td",   "th",    "ul",        "ol", "article",
	        "header", "footer", "section",    "time", "title", "dd",        "dt", "table",
	        "aside",  "nav",    "blockquote", "main", "hr",    "figcaption"};
	const char *p = h;
	size_t i;

	while (*p) {
		if (!strncmp(p, "<!--", 4)) {
			const char *q = strstr(p + 4, "-->");

			p = q ? q + 3 : p + strlen(p);
			continue;
		}
		if (*p == '<') {
			const char *name = p + 1 + (p[1] == '/');
			const char *q = strchr(p, '>');
			bool done = false;

			if (!q)
				break;
			for (i = 0; i < sizeof(raw) / sizeof(raw[0]) && !done; i++) {
				if (p[1] != '/' && tag_is(name, raw[i])) {
					char close[16];
					const char *c;

					snprintf(close, sizeof(close), "</%s", raw[i]);
					c = find_ci(q, close);
					q = c ? strchr(c, '>') : NULL;
					if (!q)
						q = p + strlen(p) - 1;
					done = true;
				}
			}
			for (i = 0; i < sizeof(block) / sizeof(block[0]) && !done; i++)
				if (tag_is(name, block[i]))
					done = true;
			strbuf_add(out, done ? "\n" : " ", 1);
			p = q + 1;
			continue;
		}
		if (*p == '&') {
			const char *q = p + 1;
			long cp = -1;

			if (*q == '#') {
				cp = q[1] == 'x' || q[1] == 'X' ? strtol(q + 2, (char **)&q, 16)
				                                : strtol(q + 1, (char **)&q, 10);
			} else if (!strncmp(q, "nbsp;", 5) || !strncmp(q, "amp;", 4) ||
			           !strncmp(q, "quot;", 5) || !strncmp(q, "lt;", 3) ||
			           !strncmp(q, "gt;", 3) || !strncmp(q, "copy;", 5)) {
				cp = *q == 'n'   ? ' '
				     : *q == 'a' ? '&'
				     : *q == 'q' ? '"'
				     : *q == 'l' ? '<'
				     : *q == 'g' ? '>'
				                 : 0xa9;
				q = strchr(q, ';');
			}
			if (cp >= 0 && q && *q == ';') {
				put_cp(out, cp);
				p = q + 1;
				continue;
			}
		}
		strbuf_add(out, p, 1);
		p++;
	}
}

/* windows-1252 (as latin-1, which covers the letters) to UTF-8. */
static char *latin1_to_utf8(const char *s)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (; *s; s++)
		put_cp(&sb, (unsigned char)*s);
	return strbuf_detach(&sb, NULL);
}

static void htmldate(void)
{
	char dir[1024], path[1400];
	json_t *root;
	json_error_t jerr;
	const char *url;
	json_t *item;
	long total = 0, found = 0, exact = 0, month = 0, found_l = 0, exact_l = 0;
	struct text_day today;
	time_t now = time(NULL);
	bool have_langid = text_init(NULL) == 0;
	bool verbose = getenv("EVAL_VERBOSE") != NULL; /* one line a page on stderr */
	const char *dump = getenv("EVAL_DUMP");        /* that page's text on stderr */

	if (!eval_path("dates/htmldate-eval/eval_default.json", dir, sizeof(dir))) {
		eval_skip("dates", "htmldate-eval", "corpus absent");
		return;
	}
	text_civil_from_days((int64_t)(now / 86400), &today.year, &today.month, &today.day);
	root = json_load_file(dir, 0, &jerr);
	if (!root) {
		eval_skip("dates", "htmldate-eval", "cannot parse eval_default.json");
		return;
	}
	*strrchr(dir, '/') = '\0';
	json_object_foreach (root, url, item) {
		const char *file = json_string_value(json_object_get(item, "file"));
		const char *gold = json_string_value(json_object_get(item, "date"));
		struct strbuf text;
		struct text_day d;
		enum text_precision prec;
		char got[32], *html;
		const char *lang = NULL;
		double conf;

		if (!file || !gold)
			continue;
		total++;
		strbuf_init(&text);
		snprintf(path, sizeof(path), "%s/html/%s.gz", dir, file);
		html = read_gz(path);
		if (!html)
			continue;
		if (!text_utf8_valid(html, strlen(html))) {
			char *u = latin1_to_utf8(html);

			free(html);
			html = u;
		}
		strip_html(html, &text);
		if (dump && !strcmp(dump, file))
			fwrite(text.buf, 1, text.len, stderr);
		got[0] = '\0';
		if (!text_pubdate_from_text(text.buf, NULL, &today, &d, &prec)) {
			found++;
			snprintf(got, sizeof(got), "%04d-%02d-%02d", d.year, d.month, d.day);
			exact += prec == TEXT_PRECISION_DAY && !strcmp(got, gold);
			month += !strncmp(got, gold, 7);
		}
		if (verbose)
			fprintf(stderr, "%s %s %s %s\n", strcmp(got, gold) ? "BAD" : "OK", file,
			        gold, got[0] ? got : "-");
		if (have_langid && !text_detect_lang(text.buf, text.len, &lang, &conf) &&
		    !text_pubdate_from_text(text.buf, lang, &today, &d, &prec)) {
			found_l++;
			snprintf(got, sizeof(got), "%04d-%02d-%02d", d.year, d.month, d.day);
			exact_l += prec == TEXT_PRECISION_DAY && !strcmp(got, gold);
		}
		strbuf_release(&text);
		free(html);
	}
	json_decref(root);
	if (!total) {
		eval_skip("dates", "htmldate-eval", "no pages");
		return;
	}
	eval_row("dates", "htmldate-eval", "text-only pubdate accuracy (lang unknown)",
	         (double)exact / (double)total, "htmldate 0.95 (with metadata)");
	eval_row("dates", "htmldate-eval", "text-only coverage (a date returned)",
	         (double)found / (double)total, "-");
	eval_row("dates", "htmldate-eval", "text-only precision (right when returned)",
	         found ? (double)exact / (double)found : 0, "-");
	eval_row("dates", "htmldate-eval", "text-only right month", (double)month / (double)total,
	         "-");
	if (have_langid) {
		eval_row("dates", "htmldate-eval", "text-only pubdate accuracy (lang detected)",
		         (double)exact_l / (double)total, "-");
		eval_row("dates", "htmldate-eval", "text-only precision (lang detected)",
		         found_l ? (double)exact_l / (double)found_l : 0, "-");
		text_shutdown();
	}
}

int main(void)
{
	timebank();
	htmldate();
	return 0;
}
