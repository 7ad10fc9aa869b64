/* eval_boilerplate: the boilerplate classifier on plain text.
 *
 * Dataset: trafilatura's evaluation set ($CORPORA/extraction/trafilatura-eval:
 * evaldata.json and html/NAME.html.gz). Each page lists snippets that must be in
 * the extracted text ("with") and snippets that must not ("without").
 *
 * The page's text is taken the way a scraper without a DOM sees it: every
 * text node of <body>, one block per line, nothing dropped but scripts,
 * styles and the like (so navigation, footers and link lists are all there,
 * and no link density or tag reaches the classifier). That text goes through
 * the whole of text_process() as plain text; title and body are scored as
 * trafilatura's tests/evaluate.py does: a "with" snippet found is a true
 * positive, missed a false negative; a "without" snippet found is a false
 * positive, missed a true negative; precision, recall, accuracy and F1 over
 * all snippets. White space is collapsed on both sides before matching.
 *
 * Rows: the classifier, and the same text kept whole (what the classifier
 * starts from). Reference figures, trafilatura's docs/evaluation.rst
 * (2022-05-18, 750 of these pages, on HTML): html_text (all text) F1 0.682,
 * jusText F1 0.742, trafilatura F1 0.909.
 */
#define _GNU_SOURCE /* strcasestr */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "eval.h"
#include "strbuf.h"
#include "text.h"

#define STAGE "boilerplate (plain text)"
#define DATASET "trafilatura-eval"

struct score {
	long tp, fn, fp, tn;
};

/* Whole .gz file into a NUL-terminated buffer, NULL on failure. */
static char *read_gz(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	gzFile f = gzopen(path, "rb");
	char chunk[65536];
	int n;

	strbuf_init(&sb);
	if (!f)
		return NULL;
	while ((n = gzread(f, chunk, sizeof(chunk))) > 0)
		if (strbuf_add(&sb, chunk, (size_t)n))
			break;
	gzclose(f);
	if (n != 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/* Pages not in UTF-8 are read as windows-1252's Latin-1 subset. */
static char *to_utf8(char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p;

	if (text_utf8_valid(s, strlen(s)))
		return s;
	strbuf_init(&sb);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80) {
			strbuf_addch(&sb, (char)*p);
		} else {
			strbuf_addch(&sb, (char)(0xc0 | *p >> 6));
			strbuf_addch(&sb, (char)(0x80 | (*p & 0x3f)));
		}
	}
	free(s);
	return strbuf_detach(&sb, NULL);
}

static bool name_is(const char *tag, size_t n, const char *name)
{
	return strlen(name) == n && !strncasecmp(tag, name, n);
}

static bool is_block(const char *tag, size_t n)
{
	static const char *const BLOCKS[] = {
	        "p",     "div",   "br",         "li",      "ul",     "ol",         "h1",
	        "h2",    "h3",    "h4",         "h5",      "h6",     "tr",         "td",
	        "th",    "table", "section",    "article", "header", "footer",     "nav",
	        "aside", "main",  "blockquote", "pre",     "figure", "figcaption", "form",
	        "dt",    "dd",    "hr",         "address", "button", "option",
	};
	size_t i;

	for (i = 0; i < sizeof(BLOCKS) / sizeof(BLOCKS[0]); i++)
		if (name_is(tag, n, BLOCKS[i]))
			return true;
	return false;
}

static void add_entity(struct strbuf *sb, const char **pp)
{
	static const struct {
		const char *name;
		const char *utf8;
	} ENTS[] = {{"amp;", "&"},
	            {"lt;", "<"},
	            {"gt;", ">"},
	            {"quot;", "\""},
	            {"apos;", "'"},
	            {"nbsp;", " "},
	            {"hellip;", "\xe2\x80\xa6"},
	            {"rsquo;", "\xe2\x80\x99"},
	            {"copy;", "\xc2\xa9"}};
	const char *p = *pp + 1;
	size_t i;

	if (*p == '#') {
		unsigned long cp = p[1] == 'x' || p[1] == 'X' ? strtoul(p + 2, (char **)&p, 16)
		                                              : strtoul(p + 1, (char **)&p, 10);
		char out[4];
		int n = 0;

		if (*p == ';')
			p++;
		if (!cp || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			cp = 0xfffd;
		if (cp < 0x80) {
			out[n++] = (char)cp;
		} else if (cp < 0x800) {
			out[n++] = (char)(0xc0 | cp >> 6);
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[n++] = (char)(0xe0 | cp >> 12);
			out[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[n++] = (char)(0xf0 | cp >> 18);
			out[n++] = (char)(0x80 | (cp >> 12 & 0x3f));
			out[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		}
		strbuf_add(sb, out, (size_t)n);
		*pp = p;
		return;
	}
	for (i = 0; i < sizeof(ENTS) / sizeof(ENTS[0]); i++) {
		if (!strncmp(p, ENTS[i].name, strlen(ENTS[i].name))) {
			strbuf_addstr(sb, ENTS[i].utf8);
			*pp = p + strlen(ENTS[i].name);
			return;
		}
	}
	strbuf_addch(sb, '&');
	*pp = p;
}

/* Every text node after <body> (or of the page), blocks on their own lines;
 * script, style, noscript, template, svg, iframe and head skipped. */
static char *page_text(const char *html)
{
	static const char *const SKIP[] = {"script", "style",  "noscript", "template",
	                                   "svg",    "iframe", "head"};
	struct strbuf sb = STRBUF_INIT;
	const char *p = html, *body = strcasestr(html, "<body");

	strbuf_init(&sb);
	if (body)
		p = body;
	while (*p) {
		if (*p == '<' && p[1] == '!') {
			const char *e =
			        !strncmp(p, "<!--", 4) ? strstr(p + 4, "-->") : strchr(p, '>');

			p = e ? e + (e[0] == '-' ? 3 : 1) : p + strlen(p);
		} else if (*p == '<') {
			const char *t = p + 1 + (p[1] == '/'), *e;
			size_t n = strcspn(t, " \t\r\n/>"), i;
			bool skipped = false;

			for (i = 0; p[1] != '/' && i < sizeof(SKIP) / sizeof(SKIP[0]); i++) {
				char end[16];

				if (!name_is(t, n, SKIP[i]))
					continue;
				snprintf(end, sizeof(end), "</%s", SKIP[i]);
				e = strcasestr(t, end);
				p = e ? e + 2 : p + strlen(p);
				skipped = true;
				break;
			}
			if (is_block(t, n))
				strbuf_addch(&sb, '\n');
			else if (!skipped)
				strbuf_addch(&sb, ' ');
			e = strchr(p, '>');
			p = e ? e + 1 : p + strlen(p);
		} else if (*p == '&') {
			add_entity(&sb, &p);
		} else {
			strbuf_addch(&sb, *p == '\r' || *p == '\n' || *p == '\t' ? ' ' : *p);
			p++;
		}
	}
	return strbuf_detach(&sb, NULL);
}

/* White space runs (ASCII and NBSP) to one space. */
static char *squash(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	bool space = false;

	strbuf_init(&sb);
	for (; *s; s++) {
		bool ws = *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r' ||
		          ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0);

		if (ws) {
			if ((unsigned char)s[0] == 0xc2)
				s++;
			space = sb.len > 0;
			continue;
		}
		if (space)
			strbuf_addch(&sb, ' ');
		space = false;
		strbuf_addch(&sb, *s);
	}
	return strbuf_detach(&sb, NULL);
}

static void score_page(struct score *sc, const char *text, json_t *with, json_t *without)
{
	json_t *v;
	size_t i;

	json_array_foreach (with, i, v) {
		char *nfc = text_nfc(json_string_value(v)), *sn = nfc ? squash(nfc) : NULL;

		if (sn && *sn && text && strstr(text, sn))
			sc->tp++;
		else
			sc->fn++;
		free(nfc);
		free(sn);
	}
	json_array_foreach (without, i, v) {
		char *nfc = text_nfc(json_string_value(v)), *sn = nfc ? squash(nfc) : NULL;

		if (sn && *sn && text && strstr(text, sn))
			sc->fp++;
		else
			sc->tn++;
		free(nfc);
		free(sn);
	}
}

static void report(const char *what, const struct score *sc, const char *reference)
{
	double p = sc->tp + sc->fp ? (double)sc->tp / (double)(sc->tp + sc->fp) : 0;
	double r = sc->tp + sc->fn ? (double)sc->tp / (double)(sc->tp + sc->fn) : 0;
	double all = (double)(sc->tp + sc->fn + sc->fp + sc->tn);
	char metric[96];

	snprintf(metric, sizeof(metric), "%s: precision", what);
	eval_row(STAGE, DATASET, metric, p, "-");
	snprintf(metric, sizeof(metric), "%s: recall", what);
	eval_row(STAGE, DATASET, metric, r, "-");
	snprintf(metric, sizeof(metric), "%s: accuracy", what);
	eval_row(STAGE, DATASET, metric, all ? (double)(sc->tp + sc->tn) / all : 0, "-");
	snprintf(metric, sizeof(metric), "%s: F1", what);
	eval_row(STAGE, DATASET, metric, p + r ? 2 * p * r / (p + r) : 0, reference);
}

int main(void)
{
	char dir[4096], path[4600];
	struct score classifier = {0}, whole = {0};
	json_error_t jerr;
	json_t *data, *page;
	const char *url;
	long pages = 0, failed = 0;

	if (!eval_path("extraction/trafilatura-eval", dir, sizeof(dir))) {
		eval_skip(STAGE, DATASET, "corpus absent");
		return 0;
	}
	snprintf(path, sizeof(path), "%s/evaldata.json", dir);
	data = json_load_file(path, 0, &jerr);
	if (!data) {
		eval_skip(STAGE, DATASET, "evaldata.json unreadable");
		return 0;
	}
	if (text_init(NULL)) {
		json_decref(data);
		eval_skip(STAGE, DATASET, "language profiles absent");
		return 0;
	}
	json_object_foreach (data, url, page) {
		const char *file = json_string_value(json_object_get(page, "file"));
		json_t *with = json_object_get(page, "with"),
		       *without = json_object_get(page, "without");
		struct text_input in = {.url = url};
		struct text_doc doc = TEXT_DOC_INIT;
		char *html, *text = NULL, *all = NULL, *body = NULL;
		const char *why;

		if (!file)
			continue;
		snprintf(path, sizeof(path), "%s/html/%s.gz", dir, file);
		html = read_gz(path);
		if (!html) {
			snprintf(path, sizeof(path), "%s/html/%s", dir, file);
			html = eval_read_file(path, NULL);
		}
		if (html)
			html = to_utf8(html);
		if (html)
			text = page_text(html);
		pages++;
		in.text = text;
		if (text && text_process(&in, &doc, &why) == 0) {
			/* the title is extracted text too, kept out of the body */
			struct strbuf tb = STRBUF_INIT;

			strbuf_init(&tb);
			if (doc.title) {
				strbuf_addstr(&tb, doc.title);
				strbuf_addch(&tb, '\n');
			}
			strbuf_addstr(&tb, doc.body);
			body = squash(tb.buf);
			strbuf_release(&tb);
		} else
			failed++;
		if (text) {
			char *nfc = text_nfc(text);

			all = nfc ? squash(nfc) : NULL;
			free(nfc);
		}
		score_page(&classifier, body, with, without);
		score_page(&whole, all, with, without);
		text_doc_release(&doc);
		free(html);
		free(text);
		free(all);
		free(body);
	}
	json_decref(data);
	text_shutdown();
	eval_row(STAGE, DATASET, "pages", (double)pages, "-");
	eval_row(STAGE, DATASET, "pages with no body", (double)failed, "-");
	report("all text kept", &whole, "html_text 0.682");
	report("classifier", &classifier, "jusText 0.742, trafilatura 0.909");
	return 0;
}
