/* dates: date expressions of a text, in one pass over its words.
 *
 * The text is cut into words (runs of letters, marks and digits, as
 * everywhere in the module), each folded and looked up once in the name index
 * of dates_lex.c; the bytes between two words (the gap) are classified on the
 * way. A small grammar then reads, at each word, the first of:
 *
 *   numeric   2018-07-16[T..], 16/07/2018, 16.07.2018, 16-07-2018, 16/07/18,
 *             07/2018 (month). Day-month order: the language's CLDR short
 *             pattern (M/d/y for en, d/M/y for fr, de, es, it...), day first
 *             when the language is unknown; when that order gives no valid
 *             date and the other does (en "16/07/2018"), the other. Two-digit
 *             years only with two-digit day and month, 00-68 -> 20xx, else
 *             19xx (POSIX %y).
 *   textual   [weekday[,]] day[.|er|st|th] [conn] month [[conn|,] year] [mod]
 *             "lundi 2 avril 2018", "16. Juli 2018", "2 de abril de 2018",
 *             "le 6 mai dernier"; [weekday[,]] month day[,] [year] "July 16,
 *             2018" (languages whose long pattern puts the month first, or
 *             with a year, or an ordinal "July 16th"); month [conn] year
 *             "juillet 2018" (month); year month day "2018. július 16."; a
 *             weekday before a numeric date or after a full one belongs to
 *             it ("Donnerstag, 15.2.2018", "2018. július 16., hétfő"). A
 *             range "du 16 au 18 juillet", "16-18 July" gives two
 *             expressions.
 *   relative  CLDR's phrases: "hier", "avant-hier", "la semaine dernière",
 *             "lundi dernier", "il y a {0} jours", "{0} days ago", "vor {0}
 *             Tagen" ({0} in digits or a number word), plus a few variants.
 *             A future pattern led by a plain preposition ("in {0} years",
 *             "em {0} anos") is left out: "the worst flood in 20 years".
 *   weekday   a lone weekday name, maybe with a modifier ("mardi", "last
 *             Tuesday", "dimanche prochain").
 *   month     a lone month name after a cue word ("en mars", "fin mars",
 *             "since May"), with a modifier ("juin prochain"), or paired
 *             with another month ("mars-avril", "de mai à juin").
 *   year      four digits 1900-2099 (1000-2199 after a cue: "en 1789"), not a
 *             quantity (no %, currency or unit sign, no thousands group), not
 *             after a copyright sign.
 *
 * Word rules against false positives:
 *   - a name CLDR capitalises (English, German) must be capitalised in the
 *     text: "may" the modal is no month, "Mai" always is;
 *   - a name CLDR writes in lower case (French, Spanish...) standing alone
 *     must be lower case, or open a sentence, or be in capitals: "Avril
 *     Lavigne", "Mars" the planet or "Vendredi" the character are names
 *     (anchored to a number, "5 Avril 2018", case does not matter);
 *   - a lone month needs a cue, so lower-case "mars" alone is not taken
 *     either (too often the planet or the brand): "en mars", "mi-mars",
 *     "mars 2018", "le 3 mars" are;
 *   - a lone English or German weekday right after a capitalised word
 *     inside a sentence is a name ("Ruby Tuesday", "Super Tuesday");
 *   - "la mañana", "un demain", "heute morgen" are nouns, "chaque lundi",
 *     "every Monday" habits (LEX_DET_* words);
 *   - when the language is unknown (lang NULL or unsupported), only what
 *     is anchored is taken: numeric and textual dates with every language's
 *     names, and relative phrases of two words or more. Lone weekdays,
 *     months and one-word relative words collide across languages (Dutch
 *     "hier" is "here", Hungarian "ma" is "today").
 *
 * Resolution against a reference day: dates_resolve.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PHRASE_GAP (DW_GAP_SPACE | DW_GAP_APOS | DW_GAP_HYPHEN)

struct scan {
	struct date_words w;
	int want; /* language index, -1: any (anchored expressions only) */
	int via;  /* which chain of the index to follow: 0 (want's), 1 (any) */
	const struct lex *lex;
	const char *pool;
	struct date_hit *out;
	size_t n, cap;
};

/* ---- matching ---- */

static bool lang_ok(const struct scan *sc, const struct lex *x)
{
	return sc->want < 0 || x->lang == sc->want;
}

static bool word_is(const struct scan *sc, size_t i, const char *w, size_t n)
{
	const char *f = sc->w.fold + sc->w.v[i].fo;
	size_t j;

	if (sc->w.v[i].flen != n)
		return false;
	for (j = 0; j < n; j++)
		if (f[j] != w[j])
			return false;
	return true;
}

/* Gap before word i is not empty and holds nothing but `allowed` (DW_GAP_SENT
 * only qualifies the others). */
static bool gap_in(const struct scan *sc, size_t i, int allowed)
{
	int g = sc->w.v[i].gap & ~DW_GAP_SENT;

	return g && !(g & ~allowed);
}

/* Entry of a kind in `kinds` (bit mask of 1 << kind) filed under word i. */
static int32_t entry_of(const struct scan *sc, size_t i, unsigned kinds)
{
	int32_t e;

	if (i >= sc->w.n || (e = sc->w.v[i].head) < 0 || !(sc->lex[e].kinds[sc->via] & kinds))
		return -1;
	for (; e >= 0; e = sc->lex[e].next[sc->via]) {
		const struct lex *x = &sc->lex[e];

		if (x->ntok == 1 && (kinds & (1u << x->kind)) && lang_ok(sc, x))
			return e;
	}
	return -1;
}

/* Value of word i as a count: digits (1-3) or a number word. */
static int count_of(const struct scan *sc, size_t i)
{
	const struct date_word *t = &sc->w.v[i];
	int32_t e;

	if (t->flags & DW_DIGITS)
		return t->ndig <= 3 ? t->num : -1;
	e = entry_of(sc, i, 1u << LEX_NUMWORD);
	return e >= 0 ? sc->lex[e].value : -1;
}

/* Do the words of entry e match the text from word i on? Returns the index
 * after the last one (0 when not), *count gets the placeholder's value. */
static size_t match_at(const struct scan *sc, size_t i, int32_t e, int *count)
{
	const struct lex *x = &sc->lex[e];
	const char *w = sc->pool + x->tok;
	size_t j, k = i;

	for (j = 0; j < x->ntok; j++, k++) {
		size_t n = (unsigned char)w[0];

		if (k >= sc->w.n || (j > 0 && !gap_in(sc, k, PHRASE_GAP)))
			return 0;
		if (n == 1 && w[1] == LEX_PLACEHOLDER) {
			*count = count_of(sc, k);
			if (*count < 0)
				return 0;
		} else if (!word_is(sc, k, w + 1, n)) {
			return 0;
		}
		w += n + 2;
	}
	return k;
}

/* Longest entry of a kind in `kinds` starting at word i (its key word at i,
 * or at i + 1 after a number for "{0} days ago"). */
static int32_t phrase_at(const struct scan *sc, size_t i, unsigned kinds, size_t *end, int *count)
{
	int32_t e, best = -1;
	size_t lead;

	*end = 0;
	for (lead = 0; lead <= 1; lead++) {
		if (i + lead >= sc->w.n)
			break;
		e = sc->w.v[i + lead].head;
		if (e < 0 || !(sc->lex[e].kinds[sc->via] & kinds))
			continue;
		for (; e >= 0; e = sc->lex[e].next[sc->via]) {
			const struct lex *x = &sc->lex[e];
			size_t k;
			int c = 0;

			if (x->lead != lead || !(kinds & (1u << x->kind)) || !lang_ok(sc, x))
				continue;
			k = match_at(sc, i, e, &c);
			if (k > *end) {
				*end = k;
				*count = c;
				best = e;
			}
		}
	}
	return best;
}

/* Case rule (see the top of the file); standalone: no number anchors it. */
static bool case_ok(const struct scan *sc, size_t i, const struct lex *x, bool standalone)
{
	unsigned f = sc->w.v[i].flags;

	if (x->flags & LEX_CAP)
		return f & DW_CAP;
	return !standalone || !(f & DW_CAP) || (f & (DW_SENT | DW_ALLCAP));
}

/* End byte of a name ending at word k - 1, with the abbreviation's dot. */
static int name_end(const struct scan *sc, size_t k, const struct lex *x)
{
	int end = sc->w.v[k - 1].end;

	if ((x->flags & LEX_DOT) && sc->w.s[end] == '.')
		end++;
	return end;
}

static bool is_ordinal(const char *f, size_t n)
{
	static const char *const suf[] = {"er", "re", "e",  "eme", "ere", "st",
	                                  "nd", "rd", "th", "o",   "a",   "ter"};
	size_t i;

	for (i = 0; i < sizeof(suf) / sizeof(suf[0]); i++)
		if (strlen(suf[i]) == n && !memcmp(suf[i], f, n))
			return true;
	return false;
}

/* Day of the month at word i (1..31, "1er", "2nd", "16."), else 0. */
static int day_at(const struct scan *sc, size_t i)
{
	const struct date_word *t = &sc->w.v[i];

	if (i >= sc->w.n || t->ndig < 1 || t->ndig > 2 || t->num < 1 || t->num > 31)
		return 0;
	if (!(t->flags & DW_DIGITS) &&
	    !is_ordinal(sc->w.fold + t->fo + t->ndig, (size_t)t->flen - t->ndig))
		return 0;
	return t->num;
}

/* Four-digit year at word i (1000..2999), else 0. */
static int year_at(const struct scan *sc, size_t i)
{
	const struct date_word *t = &sc->w.v[i];

	if (i >= sc->w.n || !(t->flags & DW_DIGITS) || t->ndig != 4 || t->num < 1000 ||
	    t->num > 2999)
		return 0;
	/* not the head of a longer number: "2018,5", "2018.50" */
	if (i + 1 < sc->w.n && (sc->w.v[i + 1].sep == ',' || sc->w.v[i + 1].sep == '.') &&
	    (sc->w.v[i + 1].flags & DW_DIGITS))
		return 0;
	return t->num;
}

/* Month name at word i: entry index, *end the word after it. */
static int32_t month_at(const struct scan *sc, size_t i, bool standalone, size_t *end)
{
	int c;
	int32_t e = phrase_at(sc, i, 1u << CLDR_MONTH, end, &c);

	if (e < 0 || !case_ok(sc, i, &sc->lex[e], standalone))
		return -1;
	return e;
}

/* A connector word ("de", "of", "del") at i, joined by spaces. */
static bool conn_at(const struct scan *sc, size_t i)
{
	return i < sc->w.n && gap_in(sc, i, DW_GAP_SPACE | DW_GAP_APOS) &&
	       entry_of(sc, i, 1u << CLDR_CONN) >= 0;
}

/* A modifier of the given placement at word i: -1, +1 or 0. */
static int mod_at(const struct scan *sc, size_t i, int where)
{
	int32_t e;

	if (i >= sc->w.n)
		return 0;
	for (e = sc->w.v[i].head; e >= 0; e = sc->lex[e].next[sc->via]) {
		const struct lex *x = &sc->lex[e];

		if (x->kind == CLDR_MOD && (x->flags & where) && lang_ok(sc, x) &&
		    !(sc->w.v[i].flags & DW_CAP && !(x->flags & LEX_CAP) &&
		      !(sc->w.v[i].flags & (DW_SENT | DW_ALLCAP))))
			return x->value;
	}
	return 0;
}

static int push(struct scan *sc, const struct date_hit *h)
{
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 16;
		struct date_hit *v = realloc(sc->out, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		sc->out = v;
		sc->cap = cap;
	}
	sc->out[sc->n++] = *h;
	return 0;
}

static void hit_init(struct date_hit *h, int kind)
{
	memset(h, 0, sizeof(*h));
	h->kind = (unsigned char)kind;
	h->wday = -1;
}

static int expand_year2(int yy)
{
	return yy < 69 ? 2000 + yy : 1900 + yy;
}

/* numeric: see the top of the file. */
static size_t try_numeric(const struct scan *sc, size_t i, struct date_hit *h)
{
	const struct date_word *a = &sc->w.v[i], *b, *c;
	char sep;
	int y, m, d, x, z;
	bool mdy;

	if (!(a->flags & DW_DIGITS) || i + 1 >= sc->w.n)
		return 0;
	b = &sc->w.v[i + 1];
	sep = b->sep;
	if ((sep != '/' && sep != '.' && sep != '-') || !(b->flags & DW_DIGITS))
		return 0;
	/* not the tail of a longer chain ("3/16/07/2018", "192.168.1.20") */
	if (i > 0 && a->sep == sep && (sc->w.v[i - 1].flags & DW_DIGITS))
		return 0;
	c = i + 2 < sc->w.n ? &sc->w.v[i + 2] : NULL;
	if (!c || c->sep != sep || c->ndig == 0) {
		/* "07/2018": month and year */
		if (sep != '/' || a->ndig != 2 || b->ndig != 4 || a->num < 1 || a->num > 12 ||
		    (c && c->sep == sep))
			return 0;
		hit_init(h, DATE_HIT_ABS);
		h->year = b->num;
		h->month = a->num;
		h->numeric = true;
		h->start = a->start;
		h->end = b->end;
		return i + 2;
	}
	if (i + 3 < sc->w.n && (sc->w.v[i + 3].sep == sep || sc->w.v[i + 3].sep == '.') &&
	    (sc->w.v[i + 3].flags & DW_DIGITS))
		return 0;
	if (a->ndig == 4) {
		/* 2018-07-16, 2018/07/16, 2018-07-16T10:00 */
		if (b->ndig > 2 || c->ndig > 2 ||
		    (!(c->flags & DW_DIGITS) &&
		     !(c->flen > c->ndig + 1 && sc->w.fold[c->fo + c->ndig] == 't' &&
		       sc->w.fold[c->fo + c->ndig + 1] >= '0' &&
		       sc->w.fold[c->fo + c->ndig + 1] <= '9')))
			return 0;
		y = a->num;
		m = b->num;
		d = c->num;
	} else {
		if (a->ndig > 2 || b->ndig > 2 || !(c->flags & DW_DIGITS))
			return 0;
		if (c->ndig == 4)
			y = c->num;
		else if (c->ndig == 2 && a->ndig == 2 && b->ndig == 2 && sep != '-')
			y = expand_year2(c->num);
		else
			return 0;
		mdy = sc->want >= 0 && cldr_langs[sc->want].numeric == CLDR_MDY;
		x = a->num;
		z = b->num;
		if (mdy ? (x > 12 && z <= 12) : (z > 12 && x <= 12))
			mdy = !mdy;
		m = mdy ? x : z;
		d = mdy ? z : x;
	}
	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > text_days_in_month(y, m))
		return 0;
	hit_init(h, DATE_HIT_ABS);
	h->year = y;
	h->month = m;
	h->day = d;
	h->numeric = true;
	h->start = a->start;
	h->end = a->ndig == 4 && !(c->flags & DW_DIGITS) ? c->start + c->ndig : c->end;
	return i + 3;
}

/* A weekday name (or "ce lundi") opening a textual date at i. */
static size_t weekday_prefix(const struct scan *sc, size_t i, int *wday)
{
	size_t k;
	int c;
	int32_t e = phrase_at(sc, i, 1u << CLDR_WEEKDAY | 1u << CLDR_REL_WDAY, &k, &c);

	if (e < 0 || (sc->lex[e].kind == CLDR_REL_WDAY && sc->lex[e].off != 0) ||
	    !case_ok(sc, i, &sc->lex[e], false) || k >= sc->w.n ||
	    !gap_in(sc, k, DW_GAP_SPACE | DW_GAP_COMMA | DW_GAP_DOT))
		return 0;
	*wday = sc->lex[e].value;
	if (entry_of(sc, k, 1u << LEX_ARTICLE) >= 0 && k + 1 < sc->w.n &&
	    gap_in(sc, k + 1, DW_GAP_SPACE))
		k++;
	return k;
}

/* Year after a month name ending before word k: "[,] [de] 2018". */
static size_t year_after(const struct scan *sc, size_t k, int *year)
{
	if (k >= sc->w.n)
		return 0;
	if (conn_at(sc, k) && k + 1 < sc->w.n && gap_in(sc, k + 1, DW_GAP_SPACE) &&
	    year_at(sc, k + 1)) {
		*year = year_at(sc, k + 1);
		return k + 2;
	}
	if (gap_in(sc, k,
	           DW_GAP_SPACE | DW_GAP_COMMA | DW_GAP_DOT | DW_GAP_HYPHEN | DW_GAP_SLASH) &&
	    year_at(sc, k)) {
		*year = year_at(sc, k);
		return k + 1;
	}
	/* "octobre '98" */
	if ((sc->w.v[k].gap & DW_GAP_APOS) && (sc->w.v[k].flags & DW_DIGITS) &&
	    sc->w.v[k].ndig == 2) {
		*year = expand_year2(sc->w.v[k].num);
		return k + 1;
	}
	return 0;
}

static bool valid(const struct date_hit *h)
{
	if (h->month < 1 || h->month > 12)
		return false;
	return !h->day || h->day <= text_days_in_month(h->year ? h->year : 2000, h->month);
}

/* A weekday name after a full date: "2018. július 16., hétfő". */
static size_t trailing_weekday(const struct scan *sc, size_t k, struct date_hit *h)
{
	size_t e;
	int c;
	int32_t x;

	if (k >= sc->w.n || !gap_in(sc, k, DW_GAP_SPACE | DW_GAP_COMMA | DW_GAP_DOT))
		return k;
	x = phrase_at(sc, k, 1u << CLDR_WEEKDAY, &e, &c);
	if (x < 0 || !case_ok(sc, k, &sc->lex[x], false))
		return k;
	if (h->wday < 0)
		h->wday = sc->lex[x].value;
	h->end = name_end(sc, e, &sc->lex[x]);
	return e;
}

/* textual: see the top of the file. Returns the word after it, or 0. */
static size_t try_textual(const struct scan *sc, size_t i, struct date_hit *h)
{
	size_t j = i, k, y;
	int wday = -1, year = 0, mod;
	int32_t e;
	const struct lex *mx;

	if (sc->w.v[i].head >= 0 && !(sc->w.v[i].flags & DW_DIGITS)) {
		k = weekday_prefix(sc, i, &wday);
		if (k)
			j = k;
	}
	/* weekday + numeric date: "Donnerstag, 15.2.2018" */
	if (j > i && (k = try_numeric(sc, j, h)) && h->day) {
		if (text_weekday(text_days_from_civil(h->year, h->month, h->day)) == wday)
			h->wday = wday;
		h->start = sc->w.v[i].start;
		return k;
	}
	hit_init(h, DATE_HIT_ABS);
	h->start = sc->w.v[i].start;
	/* day [.] [conn] month */
	h->day = day_at(sc, j);
	if (h->day && j + 1 < sc->w.n) {
		k = j + 1;
		if (conn_at(sc, k) && k + 1 < sc->w.n &&
		    gap_in(sc, k + 1, DW_GAP_SPACE | DW_GAP_APOS))
			k++;
		else if (!gap_in(sc, k, DW_GAP_SPACE | DW_GAP_DOT | DW_GAP_HYPHEN | DW_GAP_SLASH))
			k = sc->w.n;
		if (k < sc->w.n && (e = month_at(sc, k, false, &k)) >= 0) {
			mx = &sc->lex[e];
			h->month = mx->value;
			h->end = name_end(sc, k, mx);
			y = year_after(sc, k, &year);
			if (y) {
				h->year = year;
				h->end = sc->w.v[y - 1].end;
				k = y;
				h->wday = wday;
				k = trailing_weekday(sc, k, h);
			} else if (k < sc->w.n && gap_in(sc, k, DW_GAP_SPACE) &&
			           (mod = mod_at(sc, k, CLDR_POSTFIX))) {
				h->mod = mod;
				h->end = sc->w.v[k].end;
				k++;
			}
			if (h->wday < 0)
				h->wday = wday;
			return valid(h) ? k : 0;
		}
	}
	/* month day[,] [year] */
	h->day = 0;
	e = month_at(sc, j, false, &k);
	if (e < 0)
		return 0;
	mx = &sc->lex[e];
	h->month = mx->value;
	if (k < sc->w.n && gap_in(sc, k, DW_GAP_SPACE | DW_GAP_DOT) && (h->day = day_at(sc, k))) {
		/* the day is word k, a year may follow */
		if (k + 1 < sc->w.n && gap_in(sc, k + 1, DW_GAP_SPACE | DW_GAP_COMMA))
			year = year_at(sc, k + 1);
		if (year || (sc->want >= 0 && cldr_langs[sc->want].month_first) ||
		    !(sc->w.v[k].flags & DW_DIGITS)) {
			h->year = year;
			h->end = sc->w.v[year ? k + 1 : k].end;
			h->wday = wday;
			return valid(h) ? (year ? k + 2 : k + 1) : 0;
		}
		h->day = 0;
	}
	/* month [conn] year */
	if (wday < 0 && (y = year_after(sc, k, &year))) {
		h->year = year;
		h->end = sc->w.v[y - 1].end;
		return valid(h) ? y : 0;
	}
	return 0;
}

/* year [.] [conn] month day [.]: "2018. július 16.", "2018 m. liepos 16 d." */
static size_t try_ymd(const struct scan *sc, size_t i, struct date_hit *h)
{
	size_t k = i + 1;
	int32_t e;

	if (!year_at(sc, i) || k >= sc->w.n)
		return 0;
	if (conn_at(sc, k))
		k++;
	if (k >= sc->w.n || !gap_in(sc, k, DW_GAP_SPACE | DW_GAP_DOT))
		return 0;
	e = month_at(sc, k, false, &k);
	if (e < 0 || k >= sc->w.n || !gap_in(sc, k, DW_GAP_SPACE | DW_GAP_DOT) || !day_at(sc, k))
		return 0;
	hit_init(h, DATE_HIT_ABS);
	h->year = year_at(sc, i);
	h->month = sc->lex[e].value;
	h->day = day_at(sc, k);
	h->start = sc->w.v[i].start;
	h->end = sc->w.v[k].end;
	return valid(h) ? trailing_weekday(sc, k + 1, h) : 0;
}

/* Does a month name end with word p (one-word names: every CLDR month name
 * used alone is one word in the supported cue languages)? */
static bool month_ends_at(const struct scan *sc, size_t p)
{
	size_t e;

	return month_at(sc, p, true, &e) >= 0 && e == p + 1;
}

/* The word before i when joined by `allowed`, else SIZE_MAX. */
static size_t prev_word(const struct scan *sc, size_t i, int allowed)
{
	return i > 0 && gap_in(sc, i, allowed) ? i - 1 : SIZE_MAX;
}

static bool prev_is(const struct scan *sc, size_t i, unsigned kinds)
{
	size_t p = prev_word(sc, i, PHRASE_GAP);

	return p != SIZE_MAX && entry_of(sc, p, kinds) >= 0;
}

/* relative phrases of CLDR (and the hand-written variants). */
static size_t try_relative(const struct scan *sc, size_t i, struct date_hit *h)
{
	static const unsigned char unit_kind[4] = {DATE_HIT_DAYS, DATE_HIT_WEEKS, DATE_HIT_MONTHS,
	                                           DATE_HIT_YEARS};
	const unsigned kinds = 1u << CLDR_REL_DAY | 1u << CLDR_REL_WEEK | 1u << CLDR_REL_MONTH |
	                       1u << CLDR_REL_YEAR | 1u << CLDR_REL_WDAY | 1u << CLDR_AGO |
	                       1u << CLDR_IN;
	size_t k;
	int count = 0;
	int32_t e = phrase_at(sc, i, kinds, &k, &count);
	const struct lex *x;

	if (e < 0)
		return 0;
	x = &sc->lex[e];
	if (sc->want < 0 && k - i < 2 + (x->kind == CLDR_AGO || x->kind == CLDR_IN))
		return 0;
	if (!case_ok(sc, i + x->lead, x, true))
		return 0;
	if (x->kind == CLDR_REL_DAY && k - i == 1 && prev_is(sc, i, 1u << LEX_DET_DAY))
		return 0;
	/* "in 20 years" is as often "the worst flood in 20 years" as a future:
	 * a future pattern led by a plain preposition (a cue word: en "in", pt
	 * "em") is not taken; "dans trois jours", "dentro de", "over" are. */
	if (x->kind == CLDR_IN && !x->lead) {
		int32_t c;

		for (c = sc->w.v[i].head; c >= 0; c = sc->lex[c].next[sc->via])
			if (sc->lex[c].kind == LEX_CUE && sc->lex[c].lang == x->lang)
				return 0;
	}
	switch (x->kind) {
	case CLDR_REL_DAY:
		hit_init(h, DATE_HIT_DAYS);
		h->n = x->off;
		break;
	case CLDR_REL_WEEK:
		hit_init(h, DATE_HIT_WEEKS);
		h->n = x->off;
		break;
	case CLDR_REL_MONTH:
		hit_init(h, DATE_HIT_MONTHS);
		h->n = x->off;
		break;
	case CLDR_REL_YEAR:
		hit_init(h, DATE_HIT_YEARS);
		h->n = x->off;
		break;
	case CLDR_REL_WDAY:
		hit_init(h, DATE_HIT_WEEKDAY);
		h->wday = x->value;
		h->mod = x->off;
		break;
	default: /* CLDR_AGO, CLDR_IN */
		if (x->value < 0 || x->value > 3)
			return 0;
		hit_init(h, unit_kind[x->value]);
		h->n = x->kind == CLDR_AGO ? -count : count;
		break;
	}
	h->start = sc->w.v[i].start;
	h->end = name_end(sc, k, x);
	return k;
}

/* A lone weekday, with its modifier. */
static size_t try_weekday(const struct scan *sc, size_t i, struct date_hit *h)
{
	size_t k, p;
	int c, mod = 0;
	int32_t e = phrase_at(sc, i, 1u << CLDR_WEEKDAY, &k, &c);
	const struct lex *x;

	if (e < 0)
		return 0;
	x = &sc->lex[e];
	if ((x->flags & CLDR_ABBR) || !case_ok(sc, i, x, true) ||
	    prev_is(sc, i, 1u << LEX_DET_WDAY))
		return 0;
	/* "Ruby Tuesday", "Super Tuesday": a capitalised word that is none of
	 * ours ("On", "Last", "Since") makes a name of it */
	p = prev_word(sc, i, DW_GAP_SPACE);
	if ((x->flags & LEX_CAP) && p != SIZE_MAX && (sc->w.v[p].flags & DW_CAP) &&
	    !mod_at(sc, p, CLDR_PREFIX) &&
	    entry_of(sc, p, 1u << LEX_CUE | 1u << LEX_DET_WDAY | 1u << LEX_RANGE) < 0)
		return 0;
	hit_init(h, DATE_HIT_WEEKDAY);
	h->wday = x->value;
	h->start = sc->w.v[i].start;
	h->end = name_end(sc, k, x);
	if (p != SIZE_MAX && (mod = mod_at(sc, p, CLDR_PREFIX))) {
		h->start = sc->w.v[p].start;
	} else if (k < sc->w.n && gap_in(sc, k, DW_GAP_SPACE) &&
	           (mod = mod_at(sc, k, CLDR_POSTFIX))) {
		h->end = sc->w.v[k].end;
		k++;
	}
	h->mod = mod;
	return k;
}

/* Is the month name at words [i, k) one of a pair: "mars-avril", "de mars
 * à mai", "May to July"? Two months anchor each other. */
static bool month_pair(const struct scan *sc, size_t i, size_t k)
{
	size_t e, p;

	if (k < sc->w.n) {
		if (gap_in(sc, k, DW_GAP_HYPHEN | DW_GAP_SLASH) && month_at(sc, k, true, &e) >= 0)
			return true;
		if (gap_in(sc, k, DW_GAP_SPACE) && entry_of(sc, k, 1u << LEX_RANGE) >= 0 &&
		    k + 1 < sc->w.n && gap_in(sc, k + 1, DW_GAP_SPACE) &&
		    month_at(sc, k + 1, true, &e) >= 0)
			return true;
	}
	if (i == 0)
		return false;
	p = i - 1;
	if (gap_in(sc, i, DW_GAP_HYPHEN | DW_GAP_SLASH))
		return month_ends_at(sc, p);
	return gap_in(sc, i, DW_GAP_SPACE) && entry_of(sc, p, 1u << LEX_RANGE) >= 0 && p > 0 &&
	       gap_in(sc, p, DW_GAP_SPACE) && month_ends_at(sc, p - 1);
}

/* A lone month after a cue word or with a modifier. */
static size_t try_month(const struct scan *sc, size_t i, struct date_hit *h)
{
	size_t k, p;
	int mod = 0;
	int32_t e = month_at(sc, i, true, &k);

	if (e < 0 || (sc->lex[e].flags & CLDR_ABBR))
		return 0;
	hit_init(h, DATE_HIT_ABS);
	h->month = sc->lex[e].value;
	h->start = sc->w.v[i].start;
	h->end = name_end(sc, k, &sc->lex[e]);
	p = prev_word(sc, i, DW_GAP_SPACE);
	if (p != SIZE_MAX && (mod = mod_at(sc, p, CLDR_PREFIX))) {
		h->start = sc->w.v[p].start;
	} else if (k < sc->w.n && gap_in(sc, k, DW_GAP_SPACE) &&
	           (mod = mod_at(sc, k, CLDR_POSTFIX))) {
		h->end = sc->w.v[k].end;
		k++;
	} else if (!prev_is(sc, i, 1u << LEX_CUE) && !month_pair(sc, i, k)) {
		return 0;
	}
	h->mod = mod;
	return k;
}

/* A year alone. */
static size_t try_year(const struct scan *sc, size_t i, struct date_hit *h)
{
	const struct date_word *t = &sc->w.v[i];
	int y = year_at(sc, i);
	bool cue = prev_is(sc, i, 1u << LEX_CUE);
	const char *after = sc->w.s + t->end;

	if (!y || (cue ? y > 2199 : y < 1900 || y > 2099))
		return 0;
	if (t->gap & (DW_GAP_COPY | DW_GAP_UNIT))
		return 0;
	/* "(c) 2024", "Copyright 2024" */
	if (i > 0 && (word_is(sc, i - 1, "copyright", 9) ||
	              (word_is(sc, i - 1, "c", 1) && sc->w.v[i - 1].start > 0 &&
	               sc->w.s[sc->w.v[i - 1].start - 1] == '(')))
		return 0;
	/* a thousands group: "1 999 euros" */
	if (i > 0 && (sc->w.v[i - 1].flags & DW_DIGITS) && sc->w.v[i - 1].ndig <= 3 && t->sep)
		return 0;
	if (i + 1 < sc->w.n && (sc->w.v[i + 1].flags & DW_DIGITS) && sc->w.v[i + 1].ndig == 3 &&
	    sc->w.v[i + 1].sep == ' ')
		return 0;
	/* "2018-13-01", "2018/5", but a season "2017-18" keeps its year */
	if (i + 1 < sc->w.n && (sc->w.v[i + 1].flags & DW_DIGITS) && sc->w.v[i + 1].ndig <= 2 &&
	    (sc->w.v[i + 1].sep == '-' || sc->w.v[i + 1].sep == '/' || sc->w.v[i + 1].sep == '.') &&
	    !(sc->w.v[i + 1].sep != '.' && sc->w.v[i + 1].ndig == 2 &&
	      sc->w.v[i + 1].num == (y + 1) % 100))
		return 0;
	while (*after == ' ')
		after++;
	if (text_dates_gap_class((unsigned char)*after) & DW_GAP_UNIT ||
	    !strncmp(after, "\xe2\x82\xac", 3) || !strncmp(after, "\xc2\xa3", 2))
		return 0;
	hit_init(h, DATE_HIT_ABS);
	h->year = y;
	h->start = t->start;
	h->end = t->end;
	return i + 1;
}

/* "du 16 au 18 juillet", "16-18 July": the first day takes the second's
 * month and year. */
static size_t try_range(const struct scan *sc, size_t i, struct date_hit *first,
                        struct date_hit *second)
{
	size_t j = i + 1, k;

	if (!day_at(sc, i) || j >= sc->w.n)
		return 0;
	if (entry_of(sc, j, 1u << LEX_RANGE) >= 0 && gap_in(sc, j, DW_GAP_SPACE | DW_GAP_DOT))
		j++;
	else if (!gap_in(sc, j, DW_GAP_SPACE | DW_GAP_HYPHEN) || !(sc->w.v[j].gap & DW_GAP_HYPHEN))
		return 0;
	if (j >= sc->w.n || !day_at(sc, j) || !(k = try_textual(sc, j, second)) || !second->day ||
	    second->day <= day_at(sc, i))
		return 0;
	*first = *second;
	first->day = day_at(sc, i);
	first->wday = -1;
	first->start = sc->w.v[i].start;
	first->end = sc->w.v[i].end;
	return valid(first) ? k : 0;
}

/* Kinds of the entries filed under word i (0 when none or past the end). */
static unsigned kinds_at(const struct scan *sc, size_t i)
{
	int32_t e = i < sc->w.n ? sc->w.v[i].head : -1;

	return e < 0 ? 0 : sc->lex[e].kinds[sc->via];
}

#define K(kind) (1u << (kind))
#define K_REL                                                                                      \
	(K(CLDR_REL_DAY) | K(CLDR_REL_WEEK) | K(CLDR_REL_MONTH) | K(CLDR_REL_YEAR) |               \
	 K(CLDR_REL_WDAY) | K(CLDR_AGO) | K(CLDR_IN))

/* One pass over the words; each rule is tried only when the index says the
 * word (or the next, for "{0} days ago") can start it. */
static int scan_words(struct scan *sc)
{
	size_t i = 0, k;
	struct date_hit h, h2;
	int err;

	while (i < sc->w.n) {
		const struct date_word *t = &sc->w.v[i];
		unsigned here = kinds_at(sc, i), next = kinds_at(sc, i + 1);

		k = 0;
		if (t->ndig) {
			k = try_numeric(sc, i, &h);
			if (!k && (k = try_range(sc, i, &h2, &h))) {
				err = push(sc, &h2);
				if (err)
					return err;
			}
			if (!k && (next & (K(CLDR_MONTH) | K(CLDR_CONN))))
				k = try_textual(sc, i, &h);
			if (!k && (next & (K(CLDR_MONTH) | K(CLDR_CONN))))
				k = try_ymd(sc, i, &h);
			if (!k && (next & (K(CLDR_AGO) | K(CLDR_IN))))
				k = try_relative(sc, i, &h);
			if (!k)
				k = try_year(sc, i, &h);
		} else if (here || next) {
			if (here & (K(CLDR_WEEKDAY) | K(CLDR_REL_WDAY) | K(CLDR_MONTH)))
				k = try_textual(sc, i, &h);
			if (!k && ((here & K_REL) || (next & (K(CLDR_AGO) | K(CLDR_IN)))))
				k = try_relative(sc, i, &h);
			if (!k && sc->want >= 0 && (here & K(CLDR_WEEKDAY)))
				k = try_weekday(sc, i, &h);
			if (!k && sc->want >= 0 && (here & K(CLDR_MONTH)))
				k = try_month(sc, i, &h);
		}
		if (!k) {
			i++;
			continue;
		}
		err = push(sc, &h);
		if (err)
			return err;
		i = k;
	}
	return 0;
}

int text_dates_scan(const char *s, const char *lang, struct date_hit **out, size_t *n)
{
	struct scan sc = {0};
	int err = text_dates_lex_init();

	*out = NULL;
	*n = 0;
	if (err)
		return err;
	sc.want = text_dates_lang(lang);
	sc.via = sc.want < 0;
	sc.lex = text_dates_lex();
	sc.pool = text_dates_lex_pool();
	err = text_dates_words(&sc.w, s, sc.want);
	if (!err)
		err = scan_words(&sc);
	text_dates_words_release(&sc.w);
	if (err) {
		free(sc.out);
		return err;
	}
	*out = sc.out;
	*n = sc.n;
	return 0;
}
