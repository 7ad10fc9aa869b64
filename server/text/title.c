/* title: pick the article's headline.
 *
 * Order (text_process): the caller's title, else the HTML <title> with its
 * site suffix removed, else text_title_guess() over the paragraphs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define HEADLINE_MAX_CHARS 200
#define SUFFIX_MAX_WORDS 5
#define SUFFIX_MAX_BYTES 60
#define REPEAT_WINDOW 6 /* a repeated title sits in the first few paragraphs */

static unsigned count_words(const char *s, size_t len)
{
	unsigned words = len ? 1 : 0;
	size_t i;

	for (i = 0; i < len; i++)
		words += s[i] == ' ';
	return words;
}

/* "Headline - Site Name" -> "Headline". The separator must be the last one,
 * the suffix short (a name, not a clause), and the headline clearly longer. */
static size_t strip_site_suffix(const char *t, size_t len)
{
	static const char *const SEPS[] = {
	        " - ",  " | ",        " \xe2\x80\x93 ", " \xe2\x80\x94 ",
	        " :: ", " \xc2\xb7 ", " \xe2\x80\xa2 ",
	};
	size_t best = 0, best_sep = 0, slen, i;

	for (i = 0; i < sizeof(SEPS) / sizeof(SEPS[0]); i++) {
		size_t sl = strlen(SEPS[i]), at;

		for (at = len >= sl ? len - sl + 1 : 0; at-- > 0;) {
			if (!memcmp(t + at, SEPS[i], sl)) {
				if (at > best) {
					best = at;
					best_sep = sl;
				}
				break;
			}
		}
	}
	if (!best)
		return len;
	slen = len - best - best_sep;
	if (slen && slen <= SUFFIX_MAX_BYTES &&
	    count_words(t + best + best_sep, slen) <= SUFFIX_MAX_WORDS &&
	    count_words(t, best) >= 3 && best > slen)
		return best;
	return len;
}

char *text_title_from_html(const char *raw, int *err)
{
	char *t = text_collapse_ws(raw, strlen(raw));
	size_t len;

	*err = 0;
	if (!t) {
		*err = -ENOMEM;
		return NULL;
	}
	len = strip_site_suffix(t, strlen(t));
	t[len] = '\0';
	if (!len) {
		free(t);
		return NULL;
	}
	return t;
}

static bool looks_like_headline(const char *s, size_t len)
{
	size_t i = 0, chars = 0;
	int32_t cp = 0, first_letter = 0;
	char last;

	if (!len || count_words(s, len) < 2)
		return false;
	while (i < len) {
		i += (size_t)utf8_next(s + i, &cp);
		chars++;
		if (!first_letter && text_is_letter(cp))
			first_letter = cp;
	}
	last = s[len - 1];
	return chars <= HEADLINE_MAX_CHARS && first_letter && text_is_upper(first_letter) &&
	       last != '.' && last != ',' && last != ';' && last != ':';
}

static bool para_equal(const struct text_paras *ps, size_t a, size_t b)
{
	return ps->v[a].len == ps->v[b].len &&
	       !memcmp(ps->buf + ps->v[a].off, ps->buf + ps->v[b].off, ps->v[a].len);
}

long text_title_guess(const struct text_paras *ps)
{
	size_t i, j, kept = 0, first = ps->n;

	/* The scraped-page pattern: the headline printed twice at the top. */
	for (i = 0; i < ps->n && i < REPEAT_WINDOW; i++) {
		if (ps->v[i].boiler || !looks_like_headline(ps->buf + ps->v[i].off, ps->v[i].len))
			continue;
		for (j = i + 1; j < ps->n && j < REPEAT_WINDOW; j++)
			if (para_equal(ps, i, j))
				return (long)i;
	}
	/* Else the first kept paragraph, when it reads like a headline and is not
	 * all there is (a one-paragraph text is a body, not a title). */
	for (i = 0; i < ps->n; i++) {
		if (ps->v[i].boiler)
			continue;
		if (first == ps->n)
			first = i;
		else if (!para_equal(ps, first, i))
			kept++;
	}
	if (first < ps->n && kept &&
	    looks_like_headline(ps->buf + ps->v[first].off, ps->v[first].len))
		return (long)first;
	return -1;
}
