/* timeutil: strict ISO 8601 / RFC 3339 parsing and UTC formatting, with the
 * precision the input carried (a bare "2018" is a year, not 1 January). */
#ifndef NEWSD_TIMEUTIL_H
#define NEWSD_TIMEUTIL_H

#include <stdint.h>

enum time_precision {
	TIME_PRECISION_YEAR = 1,
	TIME_PRECISION_MONTH,
	TIME_PRECISION_DAY, /* a date, or a date-time: days are our finest unit */
};

struct time_point {
	int64_t epoch_ms; /* UTC milliseconds since 1970-01-01 */
	enum time_precision precision;
};

/* Accepts YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.f+]](Z|+hh:mm|-hh:mm)
 * (lower-case t/z and a space separator too; no offset means UTC). Years
 * 0001-9999, real calendar days. Returns 0 or -EINVAL. */
int time_parse_iso8601(const char *s, struct time_point *out);

/* "YYYY-MM-DDThh:mm:ss[.mmm]Z" into out (at least TIME_ISO_LEN bytes). */
#define TIME_ISO_LEN 32
void time_format_utc(int64_t epoch_ms, char *out);

const char *time_precision_name(enum time_precision p);
/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t time_days_from_civil(int year, unsigned month, unsigned day);
/* The inverse: the civil date of a day number (days since 1970-01-01). */
void time_civil_from_days(int64_t days, int *year, unsigned *month, unsigned *day);

#endif
