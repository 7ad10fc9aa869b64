/* Readers of the named-entity corpora, shared by the trainer
 * (tools/ner_train.c) and the evaluation (tests/eval/eval_ner.c).
 *
 * Every format becomes the same thing: documents of plain text (tokens
 * joined with the spaces they had, or a space unless punctuation says
 * otherwise) with gold spans as byte offsets, so that the tagger is trained
 * and measured on text cut by its own tokenizer, exactly as at run time.
 *
 *   europeana  "token TAG" lines, IOB1, no sentence or document breaks (cut
 *              into documents of about 300 tokens at a full stop)
 *   hipe       HIPE TSV (2020 and 2022): NE-COARSE-LIT column, IOB2,
 *              NoSpaceAfter in MISC, one document per "document_id" comment
 *   conll      CoNLL-2003 "token POS chunk TAG", IOB1, -DOCSTART- documents,
 *              sentences one per line
 *   wikineural "idx token TAG" IOB2, one document per sentence
 *   own        the project's own sentences (data/ner/own/\*.txt): running
 *              text with "[PER Emmanuel Macron]" marks; a line per
 *              paragraph, a blank line between documents, "# lang: fr"
 *
 * Types other than persons, locations and organisations (MISC, prod, time)
 * are kept as NER_NONE spans: outside every entity for training, and not
 * scored (a prediction on them is a false positive, as conlleval counts).
 */
#ifndef NEWSD_TOOLS_NER_CORPUS_H
#define NEWSD_TOOLS_NER_CORPUS_H

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

struct gold_span {
	int start, end;
	int type; /* enum ner_type; NER_NONE for other kinds */
};

struct gold_doc {
	char *text;
	size_t len, cap;
	struct gold_span *spans;
	size_t n, scap;
	const char *lang; /* static */
	int open;         /* index of the span being extended, -1 */
	bool nl;          /* a line break before the next token */
};

struct gold_set {
	struct gold_doc *v;
	size_t n, cap;
};

static inline void gold_die(void)
{
	fprintf(stderr, "ner corpus: out of memory\n");
	exit(2);
}

static inline struct gold_doc *gold_new(struct gold_set *s, const char *lang)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			gold_die();
	}
	s->v[s->n] = (struct gold_doc){.lang = lang, .open = -1};
	return &s->v[s->n++];
}

static inline void gold_append(struct gold_doc *d, const char *s, size_t n)
{
	if (d->len + n + 1 > d->cap) {
		d->cap = d->cap ? 2 * d->cap : 4096;
		while (d->cap < d->len + n + 1)
			d->cap *= 2;
		d->text = realloc(d->text, d->cap);
		if (!d->text)
			gold_die();
	}
	memcpy(d->text + d->len, s, n);
	d->len += n;
	d->text[d->len] = '\0';
}

static inline bool gold_is(const char *t, size_t n, const char *w)
{
	return strlen(w) == n && !memcmp(t, w, n);
}

/* Whether a space goes between the previous token p and token t when the
 * corpus does not say. */
static inline bool gold_space(const char *p, size_t pn, const char *t, size_t n)
{
	static const char *const glue_before[] = {
	        ",", ".", ";",  ":",   "!", "?",   ")",
	        "]", "%", "'s", "n't", "'", "...", "\xe2\x80\x99s"};
	size_t i;

	if (!pn)
		return false;
	for (i = 0; i < sizeof(glue_before) / sizeof(glue_before[0]); i++)
		if (gold_is(t, n, glue_before[i]))
			return false;
	if (gold_is(p, pn, "(") || gold_is(p, pn, "["))
		return false;
	if (pn > 1 && (p[pn - 1] == '\'' || (pn > 3 && !memcmp(p + pn - 3, "\xe2\x80\x99", 3))) &&
	    isalpha((unsigned char)p[0]))
		return false; /* elided: "l'", "jusqu'" */
	return true;
}

static inline void gold_close(struct gold_doc *d)
{
	d->open = -1;
}

/* Add token t[0..n) with its label: type (NER_NONE..), begin (a B- tag, or
 * IOB1's I- after another type), or type < 0 for outside. space: -1 to let
 * gold_space decide. */
static inline void gold_token(struct gold_doc *d, const char *t, size_t n, int space, int type,
                              bool begin, const char **prev, size_t *pn)
{
	int start;

	if (!n)
		return;
	if (d->len) {
		if (d->nl)
			gold_append(d, "\n", 1);
		else if (space > 0 || (space < 0 && gold_space(*prev, *pn, t, n)))
			gold_append(d, " ", 1);
	}
	d->nl = false;
	start = (int)d->len;
	gold_append(d, t, n);
	if (type < 0) {
		gold_close(d);
	} else {
		if (begin || d->open < 0 || d->spans[d->open].type != type) {
			if (d->n == d->scap) {
				d->scap = d->scap ? 2 * d->scap : 64;
				d->spans = realloc(d->spans, d->scap * sizeof(*d->spans));
				if (!d->spans)
					gold_die();
			}
			d->spans[d->n] = (struct gold_span){start, start, type};
			d->open = (int)d->n++;
		}
		d->spans[d->open].end = (int)d->len;
	}
	*prev = d->text + start;
	*pn = n;
}

/* "B-PER", "I-loc", "B-pers", "O" -> type (or -1 for O) and begin. */
static inline int gold_tag(const char *tag, size_t n, bool *begin)
{
	*begin = n > 1 && tag[0] == 'B';
	if (n < 3 || tag[1] != '-')
		return -1;
	tag += 2;
	n -= 2;
	if ((n >= 3 && !strncasecmp(tag, "per", 3)))
		return 1;
	if (n >= 3 && !strncasecmp(tag, "loc", 3))
		return 2;
	if (n >= 3 && !strncasecmp(tag, "org", 3))
		return 3;
	return 0;
}

static inline void gold_release(struct gold_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].text);
		free(s->v[i].spans);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Fields of a line split on sep (tab or space) into f[], at most max. */
static inline size_t gold_fields(char *line, char sep, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		char *e = strchr(p, sep);

		f[n++] = p;
		if (!e)
			break;
		*e = '\0';
		p = e + 1;
	}
	return n;
}

static inline char *gold_read(const char *path)
{
	char *buf = NULL;

	return strbuf_read_file(path, &buf, NULL) ? NULL : buf;
}

/* Iterate over the lines of buf (modified in place). */
#define GOLD_LINES(buf, line)                                                                      \
	for (char *line = (buf), *gold_next_ = NULL; line && *line;                                \
	     line = gold_next_ ? gold_next_ : NULL)                                                \
		if ((gold_next_ = strchr(line, '\n')) ? (*gold_next_++ = '\0', 1) : 1)

static inline void gold_chomp(char *line)
{
	size_t n = strlen(line);

	while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
		line[--n] = '\0';
}

/* The readers: 0, or -1 when the file cannot be read. */
static inline int gold_read_europeana(const char *path, struct gold_set *s, const char *lang)
{
	char *buf = gold_read(path);
	struct gold_doc *d = NULL;
	const char *prev = NULL;
	size_t pn = 0, toks = 0;

	if (!buf)
		return -1;
	GOLD_LINES(buf, line)
	{
		char *sp;
		int type;
		bool begin;

		gold_chomp(line);
		sp = strrchr(line, ' ');
		if (!sp || sp == line)
			continue;
		*sp = '\0';
		if (!d) {
			d = gold_new(s, lang);
			pn = 0;
		}
		type = gold_tag(sp + 1, strlen(sp + 1), &begin);
		gold_token(d, line, strlen(line), -1, type, begin, &prev, &pn);
		if (++toks >= 300 && !strcmp(line, ".") && type < 0) {
			d = NULL;
			toks = 0;
		}
	}
	free(buf);
	return 0;
}

static inline int gold_read_hipe(const char *path, struct gold_set *s, const char *lang)
{
	char *buf = gold_read(path);
	struct gold_doc *d = NULL;
	const char *prev = NULL;
	size_t pn = 0;
	int space = 0;

	if (!buf)
		return -1;
	GOLD_LINES(buf, line)
	{
		char *f[12];
		size_t nf;
		int type;
		bool begin;

		gold_chomp(line);
		if (line[0] == '#') {
			if (strstr(line, "document_id")) {
				d = gold_new(s, lang);
				pn = 0;
				space = 0;
			}
			continue;
		}
		if (!line[0] || !strncmp(line, "TOKEN\t", 6))
			continue;
		nf = gold_fields(line, '\t', f, 12);
		if (nf < 2)
			continue;
		if (!d) {
			d = gold_new(s, lang);
			pn = 0;
		}
		type = gold_tag(f[1], strlen(f[1]), &begin);
		gold_token(d, f[0], strlen(f[0]), space, type, begin, &prev, &pn);
		space = !(nf >= 10 && strstr(f[nf - 1], "NoSpaceAfter"));
	}
	free(buf);
	return 0;
}

static inline int gold_read_conll(const char *path, struct gold_set *s, const char *lang)
{
	char *buf = gold_read(path);
	struct gold_doc *d = NULL;
	const char *prev = NULL;
	size_t pn = 0;

	if (!buf)
		return -1;
	GOLD_LINES(buf, line)
	{
		char *f[6];
		size_t nf;
		int type;
		bool begin;

		gold_chomp(line);
		if (!strncmp(line, "-DOCSTART-", 10)) {
			d = gold_new(s, lang);
			pn = 0;
			continue;
		}
		if (!line[0]) {
			if (d) {
				d->nl = true;
				gold_close(d);
			}
			continue;
		}
		nf = gold_fields(line, ' ', f, 6);
		if (nf < 2)
			continue;
		if (!d) {
			d = gold_new(s, lang);
			pn = 0;
		}
		type = gold_tag(f[nf - 1], strlen(f[nf - 1]), &begin);
		gold_token(d, f[0], strlen(f[0]), -1, type, begin, &prev, &pn);
	}
	free(buf);
	return 0;
}

static inline int gold_read_wikineural(const char *path, struct gold_set *s, const char *lang)
{
	char *buf = gold_read(path);
	struct gold_doc *d = NULL;
	const char *prev = NULL;
	size_t pn = 0;

	if (!buf)
		return -1;
	GOLD_LINES(buf, line)
	{
		char *f[4];
		size_t nf;
		int type;
		bool begin;

		gold_chomp(line);
		if (!line[0]) {
			d = NULL;
			continue;
		}
		nf = gold_fields(line, '\t', f, 4);
		if (nf < 3)
			continue;
		if (!d) {
			d = gold_new(s, lang);
			pn = 0;
		}
		type = gold_tag(f[2], strlen(f[2]), &begin);
		gold_token(d, f[1], strlen(f[1]), -1, type, begin, &prev, &pn);
	}
	free(buf);
	return 0;
}

/* The project's own marked-up text. */
static inline int gold_read_own(const char *path, struct gold_set *s)
{
	static const char *const langs[] = {"fr", "en", "de", "es", "it", "pt", "nl"};
	char *buf = gold_read(path);
	struct gold_doc *d = NULL;
	const char *lang = NULL;

	if (!buf)
		return -1;
	GOLD_LINES(buf, line)
	{
		char *p;

		gold_chomp(line);
		if (!strncmp(line, "# lang:", 7)) {
			size_t i;

			for (p = line + 7; *p == ' '; p++)
				;
			for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
				if (!strcmp(p, langs[i]))
					lang = langs[i];
			continue;
		}
		if (line[0] == '#')
			continue;
		if (!line[0]) {
			d = NULL;
			continue;
		}
		if (!d)
			d = gold_new(s, lang);
		else
			gold_append(d, "\n", 1);
		for (p = line; *p;) {
			char *close;
			int type = 0;

			if (*p != '[' || !(close = strchr(p, ']'))) {
				gold_append(d, p, 1);
				p++;
				continue;
			}
			if (!strncmp(p + 1, "PER ", 4))
				type = 1;
			else if (!strncmp(p + 1, "LOC ", 4))
				type = 2;
			else if (!strncmp(p + 1, "ORG ", 4))
				type = 3;
			if (d->n == d->scap) {
				d->scap = d->scap ? 2 * d->scap : 64;
				d->spans = realloc(d->spans, d->scap * sizeof(*d->spans));
				if (!d->spans)
					gold_die();
			}
			p += 5; /* "[XXX " (MISC-like marks use 3 letters too) */
			d->spans[d->n].start = (int)d->len;
			gold_append(d, p, (size_t)(close - p));
			d->spans[d->n].end = (int)d->len;
			d->spans[d->n++].type = type;
			p = close + 1;
		}
	}
	free(buf);
	return 0;
}

#endif
