/* title: pick the article's headline.
 *
 * Order (text_process): the caller's title, else the HTML <title> with its
 * site suffix removed, else text_title_guess() over the paragraphs.
 *
 * text_title_guess() runs twice: inside the boilerplate classifier, over
 * what the vocabulary rules left (banners such as "Cet article date de plus
 * de six ans" or "Ecoutez Radio Sputnik" are gone by then), where its answer
 * is marked .headline; then in the title stage, which takes that mark. The
 * rules, in order:
 *  1. the headline printed twice near the top (scraped pages do that): a
 *     headline-like paragraph repeated within the first REPEAT_WINDOW;
 *  2. for HTML, the first <h1>-<h6> that reads like a headline (below),
 *     before any paragraph of BODY_MIN_WORDS words; paragraphs that are
 *     mostly link text (menus, related headlines) are passed over here and
 *     in 3;
 *  3. else the first kept paragraph that reads like a headline: two words or
 *     more, at most 200 characters, a capital first letter, no final full
 *     stop, comma, semicolon or colon ("?" is fine). Photo captions that
 *     only name people ("Donald Trump et Vladimir Poutine": runs of one to
 *     three capitalised words joined by "et", "and", "und"...) and one-word
 *     labels ("Cronaca") are skipped over, CAPTION_SKIP of them at most; any
 *     other paragraph that is not headline-like (a sentence: the body has
 *     begun) ends the search;
 *  4. a page that is a single paragraph has no title (it is the body). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define HEADLINE_MAX_CHARS 200
#define SUFFIX_MAX_WORDS 5
#define SUFFIX_MAX_BYTES 60
#define REPEAT_WINDOW 6   /* a repeated title sits in the first few paragraphs */
#define CAPTION_SKIP 2    /* captions naming people skipped before the headline */
#define BODY_MIN_WORDS 25 /* a paragraph this long: the body has begun */

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
	/* "Headline - Section - Site": a suffix at a time, twice at most. */
	len = strip_site_suffix(t, strlen(t));
	len = strip_site_suffix(t, len);
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

/* Words that join the names of a caption: "X et Y", "X, Y and Z". */
static bool is_connector(const char *w, size_t len)
{
	static const char *const CONNECTORS[] = {"et", "and", "und", "y",    "e", "en",
	                                         "o",  "ou",  "or",  "oder", "&"};
	size_t i;

	for (i = 0; i < sizeof(CONNECTORS) / sizeof(CONNECTORS[0]); i++)
		if (strlen(CONNECTORS[i]) == len && !memcmp(w, CONNECTORS[i], len))
			return true;
	return false;
}

/* "Donald Trump et Vladimir Poutine": two or more runs of one to three
 * capitalised words (name particles allowed inside) joined by connectors. */
static bool names_only(const char *s, size_t len)
{
	unsigned runs = 0, run = 0;
	size_t i = 0;

	while (i < len) {
		size_t j = i, fl;
		char w[32];
		int32_t cp;

		while (j < len && s[j] != ' ')
			j++;
		utf8_next(s + i, &cp);
		fl = text_fold(s + i, j - i, w, sizeof(w));
		while (fl && (w[fl - 1] == ',' || w[fl - 1] == ';'))
			w[--fl] = '\0';
		if (text_is_upper(cp)) {
			if (!run++)
				runs++;
			if (run > 3)
				return false;
		} else if (is_connector(w, fl)) {
			if (!run)
				return false;
			run = 0;
		} else if (!run || !text_lex_is_particle(w)) {
			return false;
		}
		i = j + 1;
	}
	return runs >= 2 && run;
}

/* Mostly link text (HTML): a menu or a related headline, not ours. */
static bool link_heavy(const struct text_para *p)
{
	return (size_t)p->link_chars * 2 > p->len;
}

static bool para_equal(const struct text_paras *ps, size_t a, size_t b)
{
	return ps->v[a].len == ps->v[b].len &&
	       !memcmp(ps->buf + ps->v[a].off, ps->buf + ps->v[b].off, ps->v[a].len);
}

long text_title_guess(const struct text_paras *ps)
{
	size_t i, j, kept = 0, first = ps->n, skipped = 0;

	for (i = 0; i < ps->n; i++)
		if (ps->v[i].headline)
			return (long)i;
	/* The scraped-page pattern: the headline printed twice at the top. */
	for (i = 0; i < ps->n && i < REPEAT_WINDOW; i++) {
		if (ps->v[i].boiler || !looks_like_headline(ps->buf + ps->v[i].off, ps->v[i].len))
			continue;
		for (j = i + 1; j < ps->n && j < REPEAT_WINDOW; j++)
			if (para_equal(ps, i, j))
				return (long)i;
	}
	/* HTML: the first heading that reads like a headline, before the body
	 * begins. */
	for (i = 0; i < ps->n; i++) {
		const struct text_para *p = &ps->v[i];

		if (p->boiler || link_heavy(p))
			continue;
		if (p->tag == TEXT_TAG_H && looks_like_headline(ps->buf + p->off, p->len)) {
			first = i;
			break;
		}
		if (p->words >= BODY_MIN_WORDS)
			break;
	}
	/* Else the first kept paragraph that reads like a headline, past link
	 * lists, captions naming people and labels ("Cronaca"), when it is not
	 * all there is; a sentence means the body has begun. */
	for (i = 0; i < ps->n && first == ps->n; i++) {
		const char *s = ps->buf + ps->v[i].off;
		size_t len = ps->v[i].len;

		if (ps->v[i].boiler || link_heavy(&ps->v[i]))
			continue;
		if (!looks_like_headline(s, len)) {
			if (len > HEADLINE_MAX_CHARS || ps->v[i].words > 1 ||
			    skipped++ >= CAPTION_SKIP)
				return -1;
			continue;
		}
		if (names_only(s, len) && skipped++ < CAPTION_SKIP)
			continue;
		first = i;
	}
	for (i = first + 1; i < ps->n && !kept; i++)
		if (!ps->v[i].boiler && !para_equal(ps, first, i))
			kept++;
	return first < ps->n && kept ? (long)first : -1;
}
