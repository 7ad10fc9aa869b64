/* pubdate: the publication date a text states about itself.
 *
 * Candidates are the absolute date expressions of text_dates_scan() (numeric
 * and textual dates, month + year, years); relative ones ("hier", "il y a
 * deux heures", "mardi") are never used: their only reference here would be
 * the ingestion day, and the ingestion time must not pass for a publication
 * date. Each candidate is scored by its line:
 *   - a publication cue shortly before it on the line ("Publié le",
 *     "Published", "Veröffentlicht am", "Publicado el", "Pubblicato il",
 *     "Gepubliceerd op"...), or an update cue ("Mis à jour le", "Updated",
 *     "Aktualisiert", "Stand:"...), worth a little less;
 *   - a dateline: "PARIS, 2 avril (AFP) -", "(ANSA) - MILANO, 12 GIU -",
 *     "Berlin, 3. März 2019 -": a capitalised place and a comma before it,
 *     an agency credit "(AFP)" or (after a place) a dash after it;
 *   - a date line, where little else stands (20 letters and digits at
 *     most: "Mardi 3 avril 2018, 10:15", "By Jane Doe | 3 March 2019");
 *   - precision (day 60, month 20, year 0), the top third of the text, a
 *     weekday written with it, and slightly an earlier position.
 * A line with a copyright notice ("©", "(c)", "Copyright", "tous droits
 * réservés", "all rights reserved"...) gives nothing: "© 2024 AFP" is the
 * year of a notice, not of the article.
 *
 * What a candidate needs:
 *   - a full date (year written, or a weekday + day + month, whose year is
 *     the latest one not after today where that day is that weekday: "lundi
 *     2 avril" read on 2026-11-22 is 2018-04-02) counts with a cue, a
 *     dateline, on a date line, or inside a sentence of the top third (past
 *     it, a date in a sentence is an event, not the publication; except
 *     that, when nothing else qualifies, the latest weekday + day + month of
 *     the text stands in: reporters name the weekday only for recent days);
 *   - a day + month without year or weekday needs a cue or a dateline, and
 *     takes the latest year that does not put it after today;
 *   - month + year needs a cue or a dateline; a year alone, a publication
 *     cue right before it ("Publié en 2018").
 * The best score wins; on a tie, the first. With today NULL no year is
 * inferred (and no date is refused as future). Dates after today and before
 * 1900 are refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Folded (lower case, no accents) cue words; a cue is matched at the start
 * of a word within CUE_SPAN bytes before the date on its line. */
static const char *const pub_cues[] = {
        "publie",           "mis en ligne", "paru",         "published", "posted",
        "veroffentlicht",   "publiziert",   "erschienen",   "publicado", "publicada",
        "pubblicato",       "pubblicata",   "gepubliceerd", "geplaatst", "date de publication",
        "publication date", "erstellt",
};

static const char *const upd_cues[] = {
        "mis a jour",  "mise a jour",  "modifie",    "actualise",  "updated",
        "modified",    "aktualisiert", "geandert",   "stand",      "actualizado",
        "actualizada", "modificado",   "aggiornato", "aggiornata", "atualizado",
        "atualizada",  "bijgewerkt",   "aangepast",  "gewijzigd",
};

static const char *const copy_marks[] = {
        "\xc2\xa9",
        "(c)",
        "copyright",
        "droits reserves",
        "rights reserved",
        "rechte vorbehalten",
        "derechos reservados",
        "diritti riservati",
        "direitos reservados",
        "rechten voorbehouden",
};

#define CUE_SPAN 60   /* bytes before the date where a cue counts */
#define CUE_NEAR 14   /* ... and for a year alone ("Publié en 2018") */
#define SHORT_LINE 20 /* letters and digits besides the date on a date line */
#define LINE_FOLD 1024
#define LINE_SPAN 300 /* bytes of a line looked at on either side of a date */

struct cand {
	struct text_day day;
	enum text_precision prec;
	int score;
	int start;
};

static bool word_start(const char *f, size_t at)
{
	unsigned char c;

	if (at == 0)
		return true;
	c = (unsigned char)f[at - 1];
	return !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80);
}

/* Does a cue of list occur at a word start in f? */
static bool has_cue(const char *f, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *p = f;

		while ((p = strstr(p, list[i])) != NULL) {
			if (word_start(f, (size_t)(p - f)))
				return true;
			p++;
		}
	}
	return false;
}

static bool copyright_line(const char *line, size_t len)
{
	char f[LINE_FOLD];

	text_fold(line, len, f, sizeof(f));
	return has_cue(f, copy_marks, sizeof(copy_marks) / sizeof(copy_marks[0]));
}

/* "PARIS, " / "Berlin, " / "(ANSA) - MILANO, " before the date, "(" or a
 * dash after. */
static bool dateline(const char *line, const char *s, const struct date_hit *h)
{
	const char *p = s + h->start, *q = s + h->end;
	const char *b;
	int32_t cp;
	size_t n;

	while (p > line && p[-1] == ' ')
		p--;
	if (p > line && p[-1] == ',') {
		p--;
		/* the place starts after the line start or an agency credit */
		b = p;
		while (b > line && !strchr(")-|", b[-1]) && (unsigned char)b[-1] != 0x93 &&
		       (unsigned char)b[-1] != 0x94)
			b--;
		while (b < p && *b == ' ')
			b++;
		if (p - b < 2 || p - b > 40)
			return false;
		utf8_next(b, &cp);
		if (!text_is_upper(cp))
			return false;
		while (b < p) {
			b += utf8_next(b, &cp);
			if (!text_is_letter(cp) && cp != ' ' && cp != '-' && cp != '\'' &&
			    cp != '.' && cp != 0x2019)
				return false;
		}
	} else if (p != line) {
		return false;
	}
	/* after: [time] then "(" or a dash */
	while (*q == ' ' || *q == ',')
		q++;
	n = strspn(q, "0123456789:hH. ");
	if (n <= 8)
		q += n;
	if (!strncmp(q, "\xc3\xa0 ", 3) || !strncmp(q, "at ", 3) || !strncmp(q, "um ", 3))
		q += 3 + strspn(q + 3, "0123456789:hH. ");
	/* an agency credit "(AFP)", or after a place a dash */
	if (*q == '(') {
		utf8_next(q + 1, &cp);
		return text_is_upper(cp);
	}
	return p != line &&
	       (*q == '-' || !strncmp(q, "\xe2\x80\x93", 3) || !strncmp(q, "\xe2\x80\x94", 3));
}

/* Latest year <= today's where day/month fall on wday and not after today. */
static int pin_year(int month, int day, int wday, const struct text_day *today)
{
	int64_t t = text_days_from_civil(today->year, today->month, today->day);
	int y;

	for (y = today->year; y >= today->year - 40; y--) {
		int64_t z;

		if (day > text_days_in_month(y, month))
			continue;
		z = text_days_from_civil(y, month, day);
		if (z <= t && (wday < 0 || text_weekday(z) == wday))
			return y;
	}
	return 0;
}

/* Letters and digits of the line outside the date. */
static int others(const char *line, const char *eol, const char *s, const struct date_hit *h)
{
	const char *p;
	int n = 0;

	for (p = line; p < eol; p++) {
		unsigned char c = (unsigned char)*p;

		if (p == s + h->start) {
			p = s + h->end - 1;
			continue;
		}
		n += (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
		     c >= 0xc0;
	}
	return n;
}

static void consider(const char *s, size_t len, const struct date_hit *h,
                     const struct text_day *today, struct cand *best)
{
	const char *line = s + h->start, *eol = s + h->end;
	char f[LINE_FOLD];
	size_t from, fn;
	struct cand c = {{0}, TEXT_PRECISION_NONE, 0, h->start};
	bool pub, upd, dl, top, near, cut;

	if (h->kind != DATE_HIT_ABS)
		return;
	/* the line, or LINE_SPAN bytes of it either way: a longer line is no
	 * date line, and a text that is one long line stays linear */
	while (line > s && line[-1] != '\n' && s + h->start - line < LINE_SPAN)
		line--;
	cut = line > s && line[-1] != '\n';
	while (cut && ((unsigned char)*line & 0xc0) == 0x80)
		line++;
	while (*eol && *eol != '\n' && eol - (s + h->end) < LINE_SPAN)
		eol++;
	if (copyright_line(line, (size_t)(eol - line)))
		return;
	from = (size_t)(s + h->start - line) > CUE_SPAN ? (size_t)h->start - CUE_SPAN
	                                                : (size_t)(line - s);
	fn = text_fold(s + from, (size_t)h->start - from, f, sizeof(f));
	pub = has_cue(f, pub_cues, sizeof(pub_cues) / sizeof(pub_cues[0]));
	upd = !pub && has_cue(f, upd_cues, sizeof(upd_cues) / sizeof(upd_cues[0]));
	near = pub && has_cue(f + (fn > CUE_NEAR ? fn - CUE_NEAR : 0), pub_cues,
	                      sizeof(pub_cues) / sizeof(pub_cues[0]));
	dl = !cut && dateline(line, s, h);
	top = (size_t)h->start <= len / 3;

	c.day.year = h->year;
	c.day.month = h->month;
	c.day.day = h->day;
	if (h->day && !h->year) {
		if (!today || (h->wday < 0 && !pub && !upd && !dl))
			return;
		c.day.year = pin_year(h->month, h->day, h->wday, today);
		if (!c.day.year)
			return;
	}
	if (c.day.day) {
		c.prec = TEXT_PRECISION_DAY;
		c.score = 60;
	} else if (c.day.month) {
		c.prec = TEXT_PRECISION_MONTH;
		c.score = 20;
		if (!pub && !upd && !dl)
			return;
	} else {
		c.prec = TEXT_PRECISION_YEAR;
		if (!near)
			return;
	}
	if (c.day.year < 1900)
		return;
	if (today) {
		int64_t t = text_days_from_civil(today->year, today->month, today->day);
		int64_t z = text_days_from_civil(c.day.year, c.day.month ? c.day.month : 1,
		                                 c.day.day ? c.day.day : 1);

		if (z > t)
			return;
	}
	c.score += pub ? 100 : upd ? 70 : 0;
	c.score += dl ? 60 : 0;
	if (others(line, eol, s, h) <= SHORT_LINE)
		c.score += 40;
	else if (c.score < 100 && !top) {
		/* A date inside a sentence, past the top, is an event; but a
		 * weekday written with its day and month marks a day close to
		 * publication (reporters name the weekday only for the last few
		 * days): the latest such day stands in when nothing better
		 * exists. */
		if (h->wday < 0 || c.prec != TEXT_PRECISION_DAY)
			return;
		c.score = 1;
		if (best->prec == TEXT_PRECISION_NONE ||
		    (best->score <= 1 &&
		     text_days_from_civil(c.day.year, c.day.month, c.day.day) >
		             text_days_from_civil(best->day.year, best->day.month, best->day.day)))
			*best = c;
		return;
	}
	c.score += top ? 10 : 0;
	c.score += h->wday >= 0 ? 5 : 0;
	c.score -= (int)(10 * (size_t)h->start / (len ? len : 1));
	if (c.score > best->score || best->prec == TEXT_PRECISION_NONE)
		*best = c;
}

int text_pubdate_from_text(const char *text, const char *lang, const struct text_day *today,
                           struct text_day *out, enum text_precision *precision)
{
	struct date_hit *hits = NULL;
	struct cand best = {{0}, TEXT_PRECISION_NONE, 0, 0};
	size_t n = 0, i, len = strlen(text);
	int err;

	*out = (struct text_day){0};
	*precision = TEXT_PRECISION_NONE;
	if (today && (today->year < 1 || today->month < 1 || today->month > 12 || today->day < 1 ||
	              today->day > text_days_in_month(today->year, today->month)))
		today = NULL;
	err = text_dates_scan(text, lang, &hits, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		consider(text, len, &hits[i], today, &best);
	free(hits);
	if (best.prec == TEXT_PRECISION_NONE)
		return -ENOENT;
	*out = best.day;
	*precision = best.prec;
	return 0;
}
