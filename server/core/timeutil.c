#include "timeutil.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Howard Hinnant's days_from_civil / civil_from_days: exact for the
 * proleptic Gregorian calendar, no libc time zone state involved. */
int64_t time_days_from_civil(int year, unsigned month, unsigned day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

void time_civil_from_days(int64_t z, int *year, unsigned *month, unsigned *day)
{
	int64_t era, y;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(y + (*month <= 2));
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int y, unsigned m)
{
	static const unsigned char days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n ASCII digits; -1 when any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int parse_time_of_day(const char *p, int64_t *ms_of_day, int64_t *offset_ms)
{
	int hh, mi, ss = 0, frac_ms = 0, scale = 100, sign, oh, om;

	hh = digits(p, 2);
	if (hh < 0 || hh > 23 || p[2] != ':')
		return -EINVAL;
	mi = digits(p + 3, 2);
	if (mi < 0 || mi > 59)
		return -EINVAL;
	p += 5;
	if (*p == ':') {
		ss = digits(p + 1, 2);
		if (ss < 0 || ss > 59)
			return -EINVAL;
		p += 3;
		if (*p == '.' || *p == ',') {
			p++;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			for (; *p >= '0' && *p <= '9'; p++) {
				frac_ms += (*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	*offset_ms = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		oh = digits(p + 1, 2);
		if (oh < 0 || oh > 14 || p[3] != ':')
			return -EINVAL;
		om = digits(p + 4, 2);
		if (om < 0 || om > 59)
			return -EINVAL;
		*offset_ms = sign * ((int64_t)oh * 3600 + om * 60) * 1000;
		p += 6;
	}
	if (*p)
		return -EINVAL;
	*ms_of_day = (((int64_t)hh * 60 + mi) * 60 + ss) * 1000 + frac_ms;
	return 0;
}

int time_parse_iso8601(const char *s, struct time_point *out)
{
	int year, month = 1, day = 1;
	enum time_precision prec = TIME_PRECISION_YEAR;
	int64_t ms_of_day = 0, offset_ms = 0;
	const char *p = s;

	if (!s)
		return -EINVAL;
	year = digits(p, 4);
	if (year < 1)
		return -EINVAL;
	p += 4;
	if (*p == '-') {
		month = digits(p + 1, 2);
		if (month < 1 || month > 12)
			return -EINVAL;
		prec = TIME_PRECISION_MONTH;
		p += 3;
		if (*p == '-') {
			day = digits(p + 1, 2);
			if (day < 1 || (unsigned)day > days_in_month(year, (unsigned)month))
				return -EINVAL;
			prec = TIME_PRECISION_DAY;
			p += 3;
			if (*p == 'T' || *p == 't' || *p == ' ') {
				if (parse_time_of_day(p + 1, &ms_of_day, &offset_ms))
					return -EINVAL;
				p += strlen(p);
			}
		}
	}
	if (*p)
		return -EINVAL;
	out->epoch_ms = time_days_from_civil(year, (unsigned)month, (unsigned)day) * 86400000 +
	                ms_of_day - offset_ms;
	out->precision = prec;
	return 0;
}

void time_format_utc(int64_t epoch_ms, char *out)
{
	int64_t days = epoch_ms / 86400000, rem = epoch_ms % 86400000;
	int year;
	unsigned month, day;
	int ms, secs;
	char tmp[96]; /* wide enough for any int, so the compiler sees no truncation */

	if (rem < 0) {
		rem += 86400000;
		days--;
	}
	time_civil_from_days(days, &year, &month, &day);
	secs = (int)(rem / 1000);
	ms = (int)(rem % 1000);
	if (ms)
		snprintf(tmp, sizeof(tmp), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", year, month, day,
		         secs / 3600, secs / 60 % 60, secs % 60, ms);
	else
		snprintf(tmp, sizeof(tmp), "%04d-%02u-%02uT%02d:%02d:%02dZ", year, month, day,
		         secs / 3600, secs / 60 % 60, secs % 60);
	tmp[TIME_ISO_LEN - 1] = '\0';
	memcpy(out, tmp, strlen(tmp) + 1);
}

const char *time_precision_name(enum time_precision p)
{
	switch (p) {
	case TIME_PRECISION_YEAR:
		return "year";
	case TIME_PRECISION_MONTH:
		return "month";
	case TIME_PRECISION_DAY:
		return "day";
	}
	return NULL;
}
