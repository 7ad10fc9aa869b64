/* dates_resolve: date expressions resolved against a reference day, and
 * the calendar arithmetic they need (proleptic Gregorian, no time zones).
 *
 * Rules (the reference is the publication date when the caller knows it):
 *   - day + month without a year: the year that puts the date nearest the
 *     reference; with "dernier"/"last" the latest before it, with
 *     "prochain"/"next" the first after; with a weekday, the nearest year
 *     (within one) where the weekday agrees;
 *   - a lone weekday: the nearest such day (within 3 days either way, the
 *     reference day itself included); "lundi dernier" 1-7 days before,
 *     "lundi prochain" 1-7 days after;
 *   - a lone month: like day + month, by months;
 *   - days: day precision; weeks ("la semaine dernière", "il y a deux
 *     semaines"): the month of that week's Thursday, month precision (a week
 *     is no day); months: month precision; years: year precision.
 * Without a reference, such expressions come back with relative set,
 * resolved clear, and the parts they name (month and day of "16 juillet").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- calendar ---- */

/* Howard Hinnant's days_from_civil / civil_from_days (public domain). */
int64_t text_days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void text_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int text_weekday(int64_t days)
{
	int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */

	return (int)(w < 0 ? w + 7 : w);
}

int text_days_in_month(int y, int m)
{
	static const unsigned char len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return len[m - 1];
}

/* ---- resolution ---- */

static bool day_ok(const struct text_day *d)
{
	return d && d->year >= 1 && d->month >= 1 && d->month <= 12 && d->day >= 1 &&
	       d->day <= text_days_in_month(d->year, d->month);
}

static void set_days(struct text_date *d, int64_t z)
{
	text_civil_from_days(z, &d->value.year, &d->value.month, &d->value.day);
	d->precision = TEXT_PRECISION_DAY;
	d->resolved = true;
}

static void set_month(struct text_date *d, int y, int m)
{
	int idx = y * 12 + (m - 1);

	d->value.year = idx / 12;
	d->value.month = idx % 12 + 1;
	d->value.day = 0;
	d->precision = TEXT_PRECISION_MONTH;
	d->resolved = true;
}

/* Year for a month (and day, 0 when none) written without one; see the top
 * of the file. */
static int pick_year(const struct date_hit *h, const struct text_day *ref)
{
	int64_t r = text_days_from_civil(ref->year, ref->month, ref->day);
	int best = 0, pass, y;
	int64_t best_dist = 0;

	for (pass = 0; pass < 2 && !best; pass++) {
		for (y = ref->year - 1; y <= ref->year + 1; y++) {
			int64_t z, dist;

			if (h->day) {
				if (h->day > text_days_in_month(y, h->month))
					continue;
				z = text_days_from_civil(y, h->month, h->day);
				if (pass == 0 && h->wday >= 0 && text_weekday(z) != h->wday)
					continue;
				dist = z - r;
			} else {
				dist = (int64_t)(y * 12 + h->month) - (ref->year * 12 + ref->month);
			}
			if ((h->mod < 0 && dist >= 0) || (h->mod > 0 && dist <= 0))
				continue;
			if (dist < 0)
				dist = -dist;
			if (!best || dist < best_dist) {
				best = y;
				best_dist = dist;
			}
		}
	}
	return best;
}

static void resolve(const struct date_hit *h, const struct text_day *ref, struct text_date *d)
{
	int64_t r = ref ? text_days_from_civil(ref->year, ref->month, ref->day) : 0;
	int64_t z;
	int y, m, dd;

	memset(d, 0, sizeof(*d));
	d->start = h->start;
	d->end = h->end;
	switch (h->kind) {
	case DATE_HIT_ABS:
		d->value.month = h->month;
		d->value.day = h->day;
		d->precision = h->day     ? TEXT_PRECISION_DAY
		               : h->month ? TEXT_PRECISION_MONTH
		                          : TEXT_PRECISION_YEAR;
		if (h->year) {
			d->value.year = h->year;
			d->resolved = true;
			return;
		}
		d->relative = true;
		if (ref && (y = pick_year(h, ref))) {
			d->value.year = y;
			d->resolved = true;
		}
		return;
	case DATE_HIT_WEEKDAY:
		d->relative = true;
		d->precision = TEXT_PRECISION_DAY;
		if (!ref)
			return;
		dd = (h->wday - text_weekday(r) + 7) % 7; /* days ahead, 0..6 */
		if (h->mod < 0)
			z = r - (dd ? 7 - dd : 7);
		else if (h->mod > 0)
			z = r + (dd ? dd : 7);
		else
			z = dd <= 3 ? r + dd : r - (7 - dd);
		set_days(d, z);
		return;
	case DATE_HIT_DAYS:
		d->relative = true;
		d->precision = TEXT_PRECISION_DAY;
		if (ref)
			set_days(d, r + h->n);
		return;
	case DATE_HIT_WEEKS:
		d->relative = true;
		d->precision = TEXT_PRECISION_MONTH;
		if (!ref)
			return;
		/* the Thursday of the target week names its month */
		z = r + 7 * (int64_t)h->n;
		z += 4 - ((text_weekday(z) + 6) % 7 + 1);
		text_civil_from_days(z, &y, &m, &dd);
		set_month(d, y, m);
		return;
	case DATE_HIT_MONTHS:
		d->relative = true;
		d->precision = TEXT_PRECISION_MONTH;
		if (ref)
			set_month(d, ref->year, ref->month + h->n);
		return;
	default: /* DATE_HIT_YEARS */
		d->relative = true;
		d->precision = TEXT_PRECISION_YEAR;
		if (!ref)
			return;
		d->value.year = ref->year + h->n;
		d->resolved = true;
		return;
	}
}

int text_dates_extract(const char *body, const char *lang, const struct text_day *ref,
                       struct text_date **out, size_t *n)
{
	struct date_hit *hits = NULL;
	struct text_date *v = NULL;
	size_t nh = 0, i;
	int err;

	*out = NULL;
	*n = 0;
	if (!day_ok(ref))
		ref = NULL;
	err = text_dates_scan(body, lang, &hits, &nh);
	if (err || !nh)
		goto out;
	v = calloc(nh, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nh; i++)
		resolve(&hits[i], ref, &v[i]);
	*out = v;
	*n = nh;
out:
	free(hits);
	return err;
}
