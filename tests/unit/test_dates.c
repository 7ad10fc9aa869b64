/* dates: date expressions (text_dates_extract) and the publication date a
 * text states (text_pubdate_from_text). Every case is written here; the
 * expected values were worked out by hand from a calendar, and the weekday
 * cases are cross-checked with text_weekday(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/text/internal.h"

#define P_NONE TEXT_PRECISION_NONE
#define P_YEAR TEXT_PRECISION_YEAR
#define P_MONTH TEXT_PRECISION_MONTH
#define P_DAY TEXT_PRECISION_DAY

/* Reference days. 2018-07-20 is a Friday, 1999-05-20 a Thursday. */
static const struct text_day REF_2018_07_20 = {2018, 7, 20};
static const struct text_day REF_1999_05_20 = {1999, 5, 20};
static const struct text_day TODAY_2026_11_22 = {2026, 11, 22};

struct want {
	const char *text; /* the exact bytes of the expression */
	int y, m, d;
	enum text_precision p;
	bool relative, resolved;
};

/* Run extraction and compare with want[0..nw): same count, same spans (as
 * substrings), values and flags. */
static void check(const char *body, const char *lang, const struct text_day *ref,
                  const struct want *w, size_t nw)
{
	struct text_date *v = NULL;
	size_t n = 0, i;

	assert_int_equal(text_dates_extract(body, lang, ref, &v, &n), 0);
	if (n != nw) {
		for (i = 0; i < n; i++)
			print_message("  got [%.*s] %d-%d-%d\n", v[i].end - v[i].start,
			              body + v[i].start, v[i].value.year, v[i].value.month,
			              v[i].value.day);
		fail_msg("%s: %zu expressions, wanted %zu", body, n, nw);
	}
	for (i = 0; i < n; i++) {
		size_t len = (size_t)(v[i].end - v[i].start);

		assert_true(v[i].start >= 0 && v[i].end > v[i].start);
		assert_true(i == 0 || v[i].start >= v[i - 1].end);
		if (len != strlen(w[i].text) || memcmp(body + v[i].start, w[i].text, len))
			fail_msg("span [%.*s], wanted [%s]", (int)len, body + v[i].start,
			         w[i].text);
		if (v[i].value.year != w[i].y || v[i].value.month != w[i].m ||
		    v[i].value.day != w[i].d || v[i].precision != w[i].p ||
		    v[i].relative != w[i].relative || v[i].resolved != w[i].resolved)
			fail_msg("[%s]: %04d-%02d-%02d p%d rel%d res%d, wanted %04d-%02d-%02d p%d "
			         "rel%d res%d",
			         w[i].text, v[i].value.year, v[i].value.month, v[i].value.day,
			         v[i].precision, v[i].relative, v[i].resolved, w[i].y, w[i].m,
			         w[i].d, w[i].p, w[i].relative, w[i].resolved);
	}
	free(v);
}

#define CHECK(body, lang, ref, ...)                                                                \
	do {                                                                                       \
		const struct want w_[] = {__VA_ARGS__};                                            \
		check(body, lang, ref, w_, sizeof(w_) / sizeof(w_[0]));                            \
	} while (0)

static void check_none(const char *body, const char *lang, const struct text_day *ref)
{
	check(body, lang, ref, NULL, 0);
}

#define ABS_D(s, y, m, d)                                                                          \
	{                                                                                          \
		s, y, m, d, P_DAY, false, true                                                     \
	}
#define ABS_M(s, y, m)                                                                             \
	{                                                                                          \
		s, y, m, 0, P_MONTH, false, true                                                   \
	}
#define ABS_Y(s, y)                                                                                \
	{                                                                                          \
		s, y, 0, 0, P_YEAR, false, true                                                    \
	}
#define REL_D(s, y, m, d)                                                                          \
	{                                                                                          \
		s, y, m, d, P_DAY, true, true                                                      \
	}
#define REL_M(s, y, m)                                                                             \
	{                                                                                          \
		s, y, m, 0, P_MONTH, true, true                                                    \
	}
#define REL_Y(s, y)                                                                                \
	{                                                                                          \
		s, y, 0, 0, P_YEAR, true, true                                                     \
	}

static void pub(const char *text, const char *lang, const struct text_day *today, int err, int y,
                int m, int d, enum text_precision p)
{
	struct text_day out = {-1, -1, -1};
	enum text_precision prec = P_DAY;
	int e = text_pubdate_from_text(text, lang, today, &out, &prec);

	if (e != err || out.year != y || out.month != m || out.day != d || prec != p)
		fail_msg("pubdate of \"%s\": %d %04d-%02d-%02d p%d, wanted %d %04d-%02d-%02d p%d",
		         text, e, out.year, out.month, out.day, prec, err, y, m, d, p);
}

/* ---- calendar ---- */

static void test_calendar(void **state)
{
	int64_t z;
	int y, m, d;

	(void)state;
	assert_int_equal(text_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(text_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(text_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(text_weekday(0), 4);                                 /* Thursday */
	assert_int_equal(text_weekday(text_days_from_civil(2018, 4, 2)), 1);  /* Monday */
	assert_int_equal(text_weekday(text_days_from_civil(2025, 8, 15)), 5); /* Friday */
	assert_int_equal(text_weekday(text_days_from_civil(1600, 1, 1)), 6);  /* Saturday */
	assert_int_equal(text_days_in_month(2000, 2), 29);
	assert_int_equal(text_days_in_month(1900, 2), 28);
	assert_int_equal(text_days_in_month(2024, 2), 29);
	assert_int_equal(text_days_in_month(2023, 2), 28);
	assert_int_equal(text_days_in_month(2023, 13), 0);
	for (z = -800000; z < 800000; z += 37) {
		text_civil_from_days(z, &y, &m, &d);
		assert_int_equal(text_days_from_civil(y, m, d), z);
		assert_true(d >= 1 && d <= text_days_in_month(y, m));
	}
}

/* ---- absolute dates ---- */

static void test_absolute_fr(void **state)
{
	(void)state;
	CHECK("Le conseil s'est réuni le 16 juillet 2018 à Paris.", "fr", NULL,
	      ABS_D("16 juillet 2018", 2018, 7, 16));
	CHECK("Rendez-vous le 1er juin 2019, puis le 2 décembre 2020.", "fr", NULL,
	      ABS_D("1er juin 2019", 2019, 6, 1), ABS_D("2 décembre 2020", 2020, 12, 2));
	CHECK("Le décret du 16/07/2018 et l'arrêté du 03/04/2018.", "fr", NULL,
	      ABS_D("16/07/2018", 2018, 7, 16), ABS_D("03/04/2018", 2018, 4, 3));
	CHECK("LUNDI 2 AVRIL 2018 : séance publique", "fr", NULL,
	      ABS_D("LUNDI 2 AVRIL 2018", 2018, 4, 2));
	CHECK("Les ventes de juillet 2018 ont reculé, comme en 2017.", "fr", NULL,
	      ABS_M("juillet 2018", 2018, 7), ABS_Y("2017", 2017));
	CHECK("Le 5 janv. 2021, la séance fut levée.", "fr", NULL,
	      ABS_D("5 janv. 2021", 2021, 1, 5));
	CHECK("Entre 1999 et 2004, la dette a doublé.", "fr", NULL, ABS_Y("1999", 1999),
	      ABS_Y("2004", 2004));
	CHECK("La Révolution éclate en 1789.", "fr", NULL, ABS_Y("1789", 1789));
}

static void test_absolute_other(void **state)
{
	(void)state;
	CHECK("Am 16. Juli 2018 tagte der Rat, am 16.07.2018 auch.", "de", NULL,
	      ABS_D("16. Juli 2018", 2018, 7, 16), ABS_D("16.07.2018", 2018, 7, 16));
	CHECK("Montag, den 2. April 2018", "de", NULL,
	      ABS_D("Montag, den 2. April 2018", 2018, 4, 2));
	CHECK("Im Jänner 2019 schneite es in Wien.", "de", NULL, ABS_M("Jänner 2019", 2019, 1));
	CHECK("El 2 de abril de 2018 se firmó el acuerdo.", "es", NULL,
	      ABS_D("2 de abril de 2018", 2018, 4, 2));
	CHECK("Desde julio de 2016 no llueve.", "es", NULL, ABS_M("julio de 2016", 2016, 7));
	CHECK("Il 16 luglio 2018 e poi a luglio del 2019.", "it", NULL,
	      ABS_D("16 luglio 2018", 2018, 7, 16), ABS_M("luglio del 2019", 2019, 7));
	CHECK("Martedì 3 aprile 2018 il governo ha giurato.", "it", NULL,
	      ABS_D("Martedì 3 aprile 2018", 2018, 4, 3));
	CHECK("On July 16, 2018 the court ruled; on the 16th of July 2019 it met again.", "en",
	      NULL, ABS_D("July 16, 2018", 2018, 7, 16), ABS_D("16th of July 2019", 2019, 7, 16));
	CHECK("Tuesday, April 3, 2018: markets fell.", "en", NULL,
	      ABS_D("Tuesday, April 3, 2018", 2018, 4, 3));
	CHECK("Em 25 de abril de 1974 caiu o regime.", "pt", NULL,
	      ABS_D("25 de abril de 1974", 1974, 4, 25));
	CHECK("Op 12 februari 2024 werd het akkoord getekend.", "nl", NULL,
	      ABS_D("12 februari 2024", 2024, 2, 12));
	/* CLDR's genitive (format) forms */
	CHECK("Встреча прошла 15 января 2018 года.", "ru", NULL,
	      ABS_D("15 января 2018", 2018, 1, 15));
	CHECK("Spotkanie odbyło się 15 stycznia 2018 r.", "pl", NULL,
	      ABS_D("15 stycznia 2018", 2018, 1, 15));
	CHECK("2018. július 16., hétfő", "hu", NULL, ABS_D("2018. július 16., hétfő", 2018, 7, 16));
}

static void test_numeric(void **state)
{
	(void)state;
	CHECK("Report 2018-07-16, revised 2018-07-16T10:30:00Z.", "en", NULL,
	      ABS_D("2018-07-16", 2018, 7, 16), ABS_D("2018-07-16", 2018, 7, 16));
	/* en: month first (CLDR M/d/y), unless the first number cannot be a month */
	CHECK("Filed 03/04/2018 and 16/07/2018.", "en", NULL, ABS_D("03/04/2018", 2018, 3, 4),
	      ABS_D("16/07/2018", 2018, 7, 16));
	/* fr, de, es, it: day first, unless the second cannot be a month */
	CHECK("Le 03/04/2018 et le 07/16/2018.", "fr", NULL, ABS_D("03/04/2018", 2018, 4, 3),
	      ABS_D("07/16/2018", 2018, 7, 16));
	CHECK("El 03/04/2018.", "es", NULL, ABS_D("03/04/2018", 2018, 4, 3));
	CHECK("Il 03.04.2018.", "it", NULL, ABS_D("03.04.2018", 2018, 4, 3));
	/* unknown language: day first */
	CHECK("03/04/2018", NULL, NULL, ABS_D("03/04/2018", 2018, 4, 3));
	/* two-digit years: 00-68 are 20xx, 69-99 19xx */
	CHECK("le 16/07/18 et le 01.02.75", "fr", NULL, ABS_D("16/07/18", 2018, 7, 16),
	      ABS_D("01.02.75", 1975, 2, 1));
	CHECK("mise à jour 07/2018", "fr", NULL, ABS_M("07/2018", 2018, 7));
	/* not dates */
	check_none("version 1.2.3, IP 192.168.1.20, score 3-1, 1/2 cup", "en", NULL);
	check_none("Tél. 01.02.03.04.05", "fr", NULL);
	check_none("le 31/02/2018 n'existe pas, ni le 2018-13-01", "fr", NULL);
}

static void test_ranges(void **state)
{
	(void)state;
	CHECK("du 16 au 18 juillet 2018", "fr", NULL, ABS_D("16", 2018, 7, 16),
	      ABS_D("18 juillet 2018", 2018, 7, 18));
	CHECK("16-18 July 2018", "en", NULL, ABS_D("16", 2018, 7, 16),
	      ABS_D("18 July 2018", 2018, 7, 18));
	CHECK("vom 3. bis 5. Mai 2019", "de", NULL, ABS_D("3", 2019, 5, 3),
	      ABS_D("5. Mai 2019", 2019, 5, 5));
	CHECK("de 2015 à 2018", "fr", NULL, ABS_Y("2015", 2015), ABS_Y("2018", 2018));
}

/* ---- relative dates (reference: Friday 2018-07-20) ---- */

static void test_relative_fr(void **state)
{
	const struct text_day *r = &REF_2018_07_20;

	(void)state;
	CHECK("Hier, avant-hier et demain.", "fr", r, REL_D("Hier", 2018, 7, 19),
	      REL_D("avant-hier", 2018, 7, 18), REL_D("demain", 2018, 7, 21));
	/* nearest Tuesday to a Friday is 3 days back; Sunday is 2 days ahead */
	CHECK("Il est venu mardi et repart dimanche.", "fr", r, REL_D("mardi", 2018, 7, 17),
	      REL_D("dimanche", 2018, 7, 22));
	CHECK("mardi dernier, vendredi dernier, lundi prochain", "fr", r,
	      REL_D("mardi dernier", 2018, 7, 17), REL_D("vendredi dernier", 2018, 7, 13),
	      REL_D("lundi prochain", 2018, 7, 23));
	CHECK("il y a trois jours, il y a 10 jours, dans deux jours", "fr", r,
	      REL_D("il y a trois jours", 2018, 7, 17), REL_D("il y a 10 jours", 2018, 7, 10),
	      REL_D("dans deux jours", 2018, 7, 22));
	/* weeks: the month of the week's Thursday */
	CHECK("la semaine dernière, cette semaine, il y a trois semaines", "fr", r,
	      REL_M("la semaine dernière", 2018, 7), REL_M("cette semaine", 2018, 7),
	      REL_M("il y a trois semaines", 2018, 6));
	CHECK("le mois dernier, l'année prochaine, l'an dernier", "fr", r,
	      REL_M("le mois dernier", 2018, 6), REL_Y("l'année prochaine", 2019),
	      REL_Y("l'an dernier", 2017));
	/* day + month: nearest year; "dernier" puts it before the reference */
	CHECK("le 16 juillet, le 6 mai dernier, le 3 janvier", "fr", r,
	      REL_D("16 juillet", 2018, 7, 16), REL_D("6 mai dernier", 2018, 5, 6),
	      REL_D("3 janvier", 2019, 1, 3));
	CHECK("en mars, fin août, mi-septembre, juin prochain", "fr", r, REL_M("mars", 2018, 3),
	      REL_M("août", 2018, 8), REL_M("septembre", 2018, 9), REL_M("juin prochain", 2019, 6));
	/* two months anchor each other */
	CHECK("le recensement de mars-avril, de mai à juin", "fr", r, REL_M("mars", 2018, 3),
	      REL_M("avril", 2018, 4), REL_M("mai", 2018, 5), REL_M("juin", 2018, 6));
	/* a weekday with the date picks the year where they agree */
	CHECK("le samedi 5 juin", "fr", &REF_1999_05_20, REL_D("samedi 5 juin", 1999, 6, 5));
	CHECK("aujourd'hui vendredi", "fr", r, REL_D("aujourd'hui", 2018, 7, 20),
	      REL_D("vendredi", 2018, 7, 20));
}

static void test_relative_other(void **state)
{
	const struct text_day *r = &REF_2018_07_20;

	(void)state;
	CHECK("Yesterday the index fell; last Tuesday it rose, and on Sunday it opens.", "en", r,
	      REL_D("Yesterday", 2018, 7, 19), REL_D("last Tuesday", 2018, 7, 17),
	      REL_D("Sunday", 2018, 7, 22));
	CHECK("three days ago, two weeks ago, last month, next year, today", "en", r,
	      REL_D("three days ago", 2018, 7, 17), REL_M("two weeks ago", 2018, 7),
	      REL_M("last month", 2018, 6), REL_Y("next year", 2019), REL_D("today", 2018, 7, 20));
	CHECK("in early May and since March", "en", r, REL_M("May", 2018, 5),
	      REL_M("March", 2018, 3));
	CHECK("vorgestern, gestern, vor zwei Tagen, letzten Montag, Anfang Mai", "de", r,
	      REL_D("vorgestern", 2018, 7, 18), REL_D("gestern", 2018, 7, 19),
	      REL_D("vor zwei Tagen", 2018, 7, 18), REL_D("letzten Montag", 2018, 7, 16),
	      REL_M("Mai", 2018, 5));
	CHECK("ayer, anteayer, hace tres días, el lunes pasado, la semana pasada", "es", r,
	      REL_D("ayer", 2018, 7, 19), REL_D("anteayer", 2018, 7, 18),
	      REL_D("hace tres días", 2018, 7, 17), REL_D("el lunes pasado", 2018, 7, 16),
	      REL_M("la semana pasada", 2018, 7));
	CHECK("ieri, l'altro ieri, due giorni fa, lunedì scorso, oggi", "it", r,
	      REL_D("ieri", 2018, 7, 19), REL_D("l'altro ieri", 2018, 7, 18),
	      REL_D("due giorni fa", 2018, 7, 18), REL_D("lunedì scorso", 2018, 7, 16),
	      REL_D("oggi", 2018, 7, 20));
	CHECK("ontem, há três dias", "pt", r, REL_D("ontem", 2018, 7, 19),
	      REL_D("há três dias", 2018, 7, 17));
	CHECK("gisteren, drie dagen geleden, vorige week", "nl", r, REL_D("gisteren", 2018, 7, 19),
	      REL_D("drie dagen geleden", 2018, 7, 17), REL_M("vorige week", 2018, 7));
}

static void test_relative_unresolved(void **state)
{
	(void)state;
	/* no reference: relative expressions come back unresolved, with what
	 * they name */
	CHECK("hier, mardi, le 16 juillet, en mars, le mois dernier", "fr", NULL,
	      {"hier", 0, 0, 0, P_DAY, true, false}, {"mardi", 0, 0, 0, P_DAY, true, false},
	      {"16 juillet", 0, 7, 16, P_DAY, true, false}, {"mars", 0, 3, 0, P_MONTH, true, false},
	      {"le mois dernier", 0, 0, 0, P_MONTH, true, false});
	/* an invalid reference is no reference */
	{
		const struct text_day bad = {2018, 2, 30};

		CHECK("hier", "fr", &bad, {"hier", 0, 0, 0, P_DAY, true, false});
	}
}

/* ---- false positives ---- */

static void test_false_positives(void **state)
{
	const struct text_day *r = &REF_2018_07_20;

	(void)state;
	/* names, not months or weekdays */
	check_none("Avril Lavigne chante à Bercy.", "fr", r);
	check_none("La sonde a atteint Mars, puis la planète mars.", "fr", r);
	check_none("Robinson et Vendredi sur l'île.", "fr", r);
	check_none("Ruby Tuesday is a song; Super Tuesday was close.", "en", r);
	/* "may" the modal, "March" the verb */
	check_none("Prices may rise. May I ask? They march on.", "en", r);
	/* nouns, habits */
	check_none("Por la mañana llovió.", "es", r);
	/* "heute morgen" is this morning: today, and no tomorrow */
	CHECK("Am Morgen und heute morgen", "de", r, REL_D("heute", 2018, 7, 20));
	check_none("Il vient chaque lundi, et un demain meilleur.", "fr", r);
	check_none("Der Maibaum steht.", "de", r);
	/* quantities and copyright */
	check_none("Il a payé 1999 € pour 2 000 billets, soit 2018,50 euros.", "fr", r);
	check_none("© 2024 AFP. Copyright 2023 Reuters. (c) 2022 dpa", "en", r);
	check_none("Il y a 2100 personnes.", "fr", r);
	/* "the worst flood in 20 years" is no future date */
	check_none("the worst flood in 20 years", "en", r);
	/* unknown language: lone words are not taken (Dutch "hier" is "here"),
	 * anchored dates are */
	check_none("Ik ben hier, morgen niet.", NULL, r);
	CHECK("Ik ben hier sinds 16 juillet 2018.", NULL, r, ABS_D("16 juillet 2018", 2018, 7, 16));
	/* a lone month needs a cue */
	check_none("Le Mai", "fr", r);
}

/* Every month name CLDR gives, in every language, is read in "15 NAME 2018". */
static void test_cldr_all_languages(void **state)
{
	size_t i, tried = 0, langs_seen = 0;
	char buf[256];
	bool seen[256] = {false};

	(void)state;
	assert_true(cldr_n_langs >= 50);
	for (i = 0; i < cldr_n_names; i++) {
		const struct cldr_name *c = &cldr_names[i];
		struct text_date *v = NULL;
		size_t n = 0;

		if (c->kind != CLDR_MONTH || (c->flags & CLDR_ABBR))
			continue;
		snprintf(buf, sizeof(buf), "15 %s 2018", c->text);
		assert_int_equal(text_dates_extract(buf, cldr_langs[c->lang].code, NULL, &v, &n),
		                 0);
		if (n != 1 || v[0].value.month != c->value || v[0].value.year != 2018 ||
		    v[0].value.day != 15)
			fail_msg("%s: \"%s\" gave %zu dates", cldr_langs[c->lang].code, buf, n);
		free(v);
		tried++;
		if (!seen[c->lang]) {
			seen[c->lang] = true;
			langs_seen++;
		}
	}
	assert_int_equal(langs_seen, cldr_n_langs);
	assert_true(tried > 500);
}

/* ---- publication date ---- */

static void test_pubdate_weekday_pins_year(void **state)
{
	struct text_day d;
	enum text_precision p;

	(void)state;
	/* 2 April was a Monday in 2018, and not again until 2029 */
	pub("lundi 2 avril\nLe conseil municipal s'est réuni.", "fr", &TODAY_2026_11_22, 0, 2018, 4,
	    2, P_DAY);
	assert_int_equal(text_weekday(text_days_from_civil(2018, 4, 2)), 1);
	/* 15 August 2025 was a Friday */
	pub("Marciac, ce vendredi 15 août\nLe festival ouvre ses portes.", "fr", &TODAY_2026_11_22,
	    0, 2025, 8, 15, P_DAY);
	assert_int_equal(text_weekday(text_days_from_civil(2025, 8, 15)), 5);
	/* without today no year is inferred */
	assert_int_equal(text_pubdate_from_text("lundi 2 avril", "fr", NULL, &d, &p), -ENOENT);
	assert_int_equal(p, P_NONE);
}

static void test_pubdate(void **state)
{
	const struct text_day *t = &TODAY_2026_11_22;

	(void)state;
	pub("Accueil > Politique\nPublié le 2 avril 2018 à 10h\nMis à jour le 3 avril 2018 à "
	    "12h\nLe texte de l'article, qui évoque le 14 juillet 1789.",
	    "fr", t, 0, 2018, 4, 2, P_DAY);
	pub("Le texte.\nMis à jour le 3 mars 2019\nSuite du texte.", "fr", t, 0, 2019, 3, 3, P_DAY);
	pub("Updated 3 March 2019\nThe body of the story.", "en", t, 0, 2019, 3, 3, P_DAY);
	pub("Posted on July 16, 2018 by admin\nHello world.", "en", t, 0, 2018, 7, 16, P_DAY);
	pub("Veröffentlicht am 16.07.2018, 10:15 Uhr\nDer Text.", "de", t, 0, 2018, 7, 16, P_DAY);
	pub("Publicado el 5 de mayo de 2020\nEl texto.", "es", t, 0, 2020, 5, 5, P_DAY);
	pub("Pubblicato il 3 marzo 2021\nIl testo.", "it", t, 0, 2021, 3, 3, P_DAY);
	/* datelines: the year is the latest one not after today */
	pub("PARIS, 2 avril (AFP) - Le gouvernement a annoncé mardi...", "fr", t, 0, 2026, 4, 2,
	    P_DAY);
	pub("(ANSA) - MILANO, 12 GIU - Il tribunale ha deciso.", "it", t, 0, 2026, 6, 12, P_DAY);
	pub("Berlin, 3. März 2019 - Die Regierung hat...", "de", t, 0, 2019, 3, 3, P_DAY);
	/* less precise */
	pub("Publié en juillet 2018\nTexte.", "fr", t, 0, 2018, 7, 0, P_MONTH);
	pub("Publié en 2018\nTexte.", "fr", t, 0, 2018, 0, 0, P_YEAR);
	/* an absolute date near the top */
	pub("Le 16 juillet 2018, le conseil a voté le budget.\nSuite.", "fr", t, 0, 2018, 7, 16,
	    P_DAY);
	/* the copyright line is no publication date, the dateline is */
	pub("Le texte.\n© 2024 AFP\nPublié le 3 mars 2019", "fr", t, 0, 2019, 3, 3, P_DAY);
	/* nothing */
	pub("© 2024 AFP", "en", t, -ENOENT, 0, 0, 0, P_NONE);
	pub("Publié hier à 10h\nLe texte d'aujourd'hui.", "fr", t, -ENOENT, 0, 0, 0, P_NONE);
	pub("Publié le 2 avril 2030\nTexte.", "fr", t, -ENOENT, 0, 0, 0, P_NONE);
	pub("Un texte sans date.", "fr", t, -ENOENT, 0, 0, 0, P_NONE);
	pub("", NULL, t, -ENOENT, 0, 0, 0, P_NONE);
	/* a bare date deep inside a long text is an event, not the publication */
	{
		char buf[4096];
		size_t i;

		buf[0] = '\0';
		for (i = 0; i < 40; i++)
			strcat(buf, "Le conseil a longuement débattu du budget. ");
		strcat(buf, "Le vote aura lieu le 16 juillet 2018.");
		pub(buf, "fr", t, -ENOENT, 0, 0, 0, P_NONE);
	}
}

/* ---- threads: the index is built once, whoever comes first ---- */

static void *extract_thread(void *arg)
{
	struct text_date *v = NULL;
	size_t n = 0;
	int i, *ok = arg;

	*ok = 1;
	for (i = 0; i < 50; i++) {
		if (text_dates_extract("hier, le 16 juillet 2018 et mardi dernier", "fr",
		                       &REF_2018_07_20, &v, &n) ||
		    n != 3)
			*ok = 0;
		free(v);
	}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t th[4];
	int ok[4], i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, extract_thread, &ok[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(ok[i], 1);
	}
}

static void test_empty(void **state)
{
	struct text_date *v = (struct text_date *)&v;
	size_t n = 7;

	(void)state;
	assert_int_equal(text_dates_extract("", "fr", NULL, &v, &n), 0);
	assert_null(v);
	assert_int_equal(n, 0);
	assert_int_equal(text_dates_extract("  ... !!", NULL, NULL, &v, &n), 0);
	assert_null(v);
}

/* Past the top of the text, only a weekday written with its day and month
 * may stand in for the publication date (the latest one), and only when
 * nothing better exists; a plain dated event never does. */
static void test_pubdate_weekday_fallback(void **state)
{
	static const char filler[] =
	        "Le gouvernement a présenté ses priorités pour les prochains mois devant les "
	        "députés, qui ont longuement débattu des mesures budgétaires et sociales.\n";
	struct text_day today = {2026, 11, 22}, out;
	enum text_precision p;
	char text[4096];

	snprintf(text, sizeof(text),
	         "%s%s%sUn conseiller a déclaré lundi 2 avril que la "
	         "rencontre aurait lieu. Le sommet du 16 juillet 2018 reste dans les mémoires.\n",
	         filler, filler, filler);
	assert_int_equal(text_pubdate_from_text(text, "fr", &today, &out, &p), 0);
	assert_int_equal(p, TEXT_PRECISION_DAY);
	assert_int_equal(out.year, 2018);
	assert_int_equal(out.month, 4);
	assert_int_equal(out.day, 2);

	/* the latest of two weekday dates */
	snprintf(text, sizeof(text),
	         "%s%s%sIls se sont parlé lundi 2 avril, puis vendredi 6 avril "
	         "au téléphone.\n",
	         filler, filler, filler);
	assert_int_equal(text_pubdate_from_text(text, "fr", &today, &out, &p), 0);
	assert_int_equal(out.day, 6);

	/* a dated event past the top, with no weekday: no publication date */
	snprintf(text, sizeof(text),
	         "%s%s%sLes attentats du 11 septembre 2001 ont changé la "
	         "politique étrangère américaine.\n",
	         filler, filler, filler);
	assert_int_equal(text_pubdate_from_text(text, "fr", &today, &out, &p), -ENOENT);

	/* a cue wins over the fallback */
	snprintf(text, sizeof(text),
	         "Publié le 3 avril 2018\n%s%s%sUn conseiller a déclaré "
	         "lundi 2 avril que la rencontre aurait lieu.\n",
	         filler, filler, filler);
	assert_int_equal(text_pubdate_from_text(text, "fr", &today, &out, &p), 0);
	assert_int_equal(out.day, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_calendar),
	        cmocka_unit_test(test_absolute_fr),
	        cmocka_unit_test(test_absolute_other),
	        cmocka_unit_test(test_numeric),
	        cmocka_unit_test(test_ranges),
	        cmocka_unit_test(test_relative_fr),
	        cmocka_unit_test(test_relative_other),
	        cmocka_unit_test(test_relative_unresolved),
	        cmocka_unit_test(test_false_positives),
	        cmocka_unit_test(test_cldr_all_languages),
	        cmocka_unit_test(test_pubdate_weekday_pins_year),
	        cmocka_unit_test(test_pubdate),
	        cmocka_unit_test(test_threads),
	        cmocka_unit_test(test_empty),
	        cmocka_unit_test(test_pubdate_weekday_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
