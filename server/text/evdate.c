/* evdate: the day an article's happening took place, which is not its
 * publication date ("Les deux présidents se sont rencontrés lundi 2 mars",
 * published Wednesday 4 March, reports 2 March).
 *
 * Candidates: the resolved date expressions of the body (doc->dates, from
 * the date stage, resolved against the publication day) and of the title
 * (resolved here the same way). Each scores
 *
 *   precision (day 1, month 0.35, year 0.1)
 *   x place   (title, first paragraph or the sentence of the kind trigger 1,
 *              second paragraph 0.6, later 0.4)
 *   x nearness to the publication day (within 3 days 1, 10 days 0.8,
 *              45 days 0.4, 400 days 0.15, further 0.05: a date years away
 *              is background; after the publication day x 0.7, an
 *              announcement rather than a report)
 *
 * and the best (the first on ties) is the happening date when it scores
 * above the publication date's own prior, 0.35: a day named near the top,
 * or anywhere within 10 days of publication, beats it; a month, a distant
 * day in the fifth paragraph do not. Relative words ("aujourd'hui", "ce
 * lundi", "hier") are dates of the text like any other. Otherwise the
 * publication date (origin "published", evidence -1/-1); without one,
 * the best candidate with a day or month, else nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PUBLISHED_PRIOR 0.35

struct cand {
	const struct text_date *d;
	bool title;
	double score;
};

static double precision_weight(enum text_precision p)
{
	return p == TEXT_PRECISION_DAY ? 1 : p == TEXT_PRECISION_MONTH ? 0.35 : 0.1;
}

static double nearness(const struct text_date *d, const struct text_day *pub)
{
	int64_t a, b, dist;
	double w;

	if (!pub)
		return 1;
	a = text_days_from_civil(d->value.year, d->value.month ? d->value.month : 7,
	                         d->value.day ? d->value.day : 15);
	b = text_days_from_civil(pub->year, pub->month, pub->day ? pub->day : 15);
	dist = a > b ? a - b : b - a;
	if (d->precision == TEXT_PRECISION_MONTH && d->value.year == pub->year &&
	    d->value.month == pub->month)
		dist = 0;
	else if (d->precision == TEXT_PRECISION_YEAR && d->value.year == pub->year)
		dist = 0;
	w = dist <= 3 ? 1 : dist <= 10 ? 0.8 : dist <= 45 ? 0.4 : dist <= 400 ? 0.15 : 0.05;
	return a > b && dist > 0 ? w * 0.7 : w;
}

/* Byte bounds of the sentence holding span [s, e) of text. */
static void sentence_of(const char *text, int s, int e, int *s0, int *s1)
{
	int i = s;

	while (i > 0 && !strchr(".!?\n", text[i - 1]))
		i--;
	*s0 = i;
	i = e;
	while (text[i] && !strchr(".!?\n", text[i]))
		i++;
	*s1 = i;
}

static void consider(struct cand *best, const struct text_date *d, bool title, double place,
                     const struct text_day *pub)
{
	double s;

	if (!d->resolved || d->precision == TEXT_PRECISION_NONE)
		return;
	s = precision_weight(d->precision) * place * nearness(d, pub);
	if (s > best->score) {
		best->d = d;
		best->title = title;
		best->score = s;
	}
}

int text_evdate_detect(struct text_doc *doc)
{
	struct text_day pub = {0};
	enum text_precision pub_prec = TEXT_PRECISION_NONE;
	struct text_date *tdates = NULL;
	size_t nt = 0, i;
	struct cand best = {0};
	int s0 = -1, s1 = -1, para = 0, pos = 0, err;
	const struct text_day *ref = NULL;

	doc->event_date = (struct text_day){0};
	doc->event_date_precision = TEXT_PRECISION_NONE;
	doc->event_date_evidence = (struct text_span){-1, -1, false};
	doc->event_date_origin = NULL;
	if (doc->published_at) {
		int k = sscanf(doc->published_at, "%4d-%2d-%2d", &pub.year, &pub.month, &pub.day);

		pub_prec = k == 3   ? TEXT_PRECISION_DAY
		           : k == 2 ? TEXT_PRECISION_MONTH
		                    : TEXT_PRECISION_NONE;
		if (k < 2)
			pub = (struct text_day){0};
		else if (k == 2)
			pub.day = 0;
		if (k == 3)
			ref = &pub;
	}
	if (doc->title) {
		err = text_dates_extract(doc->title, doc->lang, ref, &tdates, &nt);
		if (err)
			return err;
	}
	for (i = 0; i < nt; i++)
		consider(&best, &tdates[i], true, 1, pub_prec ? &pub : NULL);
	if (doc->event_kind_evidence.start >= 0 && !doc->event_kind_evidence.title && doc->body)
		sentence_of(doc->body, doc->event_kind_evidence.start, doc->event_kind_evidence.end,
		            &s0, &s1);
	for (i = 0; i < doc->n_dates; i++) {
		const struct text_date *d = &doc->dates[i];
		double place;

		for (; pos < d->start && doc->body[pos]; pos++)
			if (doc->body[pos] == '\n' && doc->body[pos + 1] == '\n' && pos > 0 &&
			    doc->body[pos - 1] != '\n')
				para++;
		if (para == 0 || (d->start >= s0 && d->end <= s1))
			place = 1;
		else
			place = para == 1 ? 0.6 : 0.4;
		consider(&best, d, false, place, pub_prec ? &pub : NULL);
	}
	if (best.d && (pub_prec == TEXT_PRECISION_NONE || best.score > PUBLISHED_PRIOR) &&
	    (pub_prec != TEXT_PRECISION_NONE || best.d->precision >= TEXT_PRECISION_MONTH)) {
		doc->event_date = best.d->value;
		doc->event_date_precision = best.d->precision;
		doc->event_date_evidence =
		        (struct text_span){best.d->start, best.d->end, best.title};
		doc->event_date_origin = "text";
	} else if (pub_prec != TEXT_PRECISION_NONE) {
		doc->event_date = pub;
		doc->event_date_precision = pub_prec;
		doc->event_date_origin = "published";
	}
	free(tdates);
	return 0;
}
