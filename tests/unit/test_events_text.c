/* The per-article features of event clustering (issue 5): stemmed terms,
 * their TF-IDF cosine, event kind with evidence, happening date, roles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct doc_in {
	const char *title, *text, *lang, *published;
};

static void run(const struct doc_in *d, struct text_doc *doc)
{
	struct text_input in = {
	        .title = d->title, .text = d->text, .lang = d->lang, .published_at = d->published};
	const char *why = NULL;
	int err = text_process(&in, doc, &why);

	if (err)
		fail_msg("text_process: %d (%s)", err, why);
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const struct text_term *term(const struct text_doc *doc, const char *stem)
{
	uint32_t id = fnv1a(stem);
	size_t i;

	for (i = 0; i < doc->n_terms; i++)
		if (doc->terms[i].id == id)
			return &doc->terms[i];
	return NULL;
}

/* The text a span covers, into buf. */
static const char *span_text(const struct text_doc *doc, struct text_span s, char *buf, size_t sz)
{
	const char *base = s.title ? doc->title : doc->body;
	size_t n;

	if (s.start < 0 || !base)
		return "";
	n = (size_t)(s.end - s.start);
	if (n >= sz)
		n = sz - 1;
	memcpy(buf, base + s.start, n);
	buf[n] = '\0';
	return buf;
}

/* ---- terms ---- */

static void test_terms_stems(void **state)
{
	struct text_doc a = TEXT_DOC_INIT, b = TEXT_DOC_INIT, c = TEXT_DOC_INIT;
	const struct text_term *t;
	size_t i;

	run(&(struct doc_in){.text = "Les négociations sur le climat reprennent à Genève avec 195 "
	                             "pays, dit-on. Les négociations dureront deux semaines.",
	                     .lang = "fr"},
	    &a);
	run(&(struct doc_in){.title = "Genève",
	                     .text = "Une négociation difficile s'ouvre à Genève.",
	                     .lang = "fr"},
	    &b);
	run(&(struct doc_in){.text = "The meetings were long. Another meeting is planned in June.",
	                     .lang = "en"},
	    &c);
	/* "négociations" and "négociation" share one id, the stem's hash */
	t = term(&a, "négoci");
	assert_non_null(t);
	assert_true(t->tf == 2.0f);
	assert_non_null(term(&b, "négoci"));
	/* the title counts twice: "Genève" once in the title, once in the body */
	t = term(&b, "genev");
	assert_non_null(t);
	assert_true(t->tf == 1.0f + TEXT_TERM_TITLE_WEIGHT);
	/* "meetings" / "meeting" */
	t = term(&c, "meet");
	assert_non_null(t);
	assert_true(t->tf == 2.0f);
	/* stopwords, numbers, one- and two-letter words are no terms */
	assert_null(term(&a, "les"));
	assert_null(term(&a, "sur"));
	assert_null(term(&a, "195"));
	assert_null(term(&a, "on"));
	assert_null(term(&c, "the"));
	/* sorted by id, strictly */
	for (i = 1; i < a.n_terms; i++)
		assert_true(a.terms[i - 1].id < a.terms[i].id);
	text_doc_release(&a);
	text_doc_release(&b);
	text_doc_release(&c);
}

static void test_terms_unstemmed_language(void **state)
{
	struct text_doc d = TEXT_DOC_INIT;

	/* Polish: libstemmer has no stemmer, words are kept lower-cased */
	run(
	        &(struct doc_in){
	                .text = "Negocjacje trwały długo. Negocjacje zakończyły się w Genewie.",
	                .lang = "pl"},
	        &d);
	assert_non_null(term(&d, "negocjacje"));
	assert_true(term(&d, "negocjacje")->tf == 2.0f);
	text_doc_release(&d);
}

static void test_terms_cap(void **state)
{
	char *text = malloc(300 * 12 + 1), *p = text;
	struct text_doc d = TEXT_DOC_INIT;
	int i;

	assert_non_null(text);
	for (i = 0; i < 300; i++) /* 300 distinct words, "zebra" 5 times */
		p += sprintf(p, "%s%c%c%c ", i < 5 ? "zebra " : "", 'a' + i % 26, 'a' + i / 26 % 26,
		             'q');
	*p = '\0';
	run(&(struct doc_in){.text = text, .lang = "xx"}, &d);
	assert_int_equal(d.n_terms, TEXT_MAX_TERMS);
	assert_non_null(term(&d, "zebra")); /* the most frequent is kept */
	text_doc_release(&d);
	free(text);
}

static double idf_const(uint32_t id, void *ctx)
{
	return *(double *)ctx;
}

static double idf_varied(uint32_t id, void *ctx)
{
	return 0.2 + (double)(id % 97) / 10.0;
}

static void test_terms_cosine(void **state)
{
	struct text_doc a = TEXT_DOC_INIT, b = TEXT_DOC_INIT, c = TEXT_DOC_INIT;
	double k = 1.7, rel, unrel;

	run(&(struct doc_in){.title = "Ukraine peace talks resume in Istanbul",
	                     .text = "Russian and Ukrainian negotiators resumed peace talks in "
	                             "Istanbul on "
	                             "Tuesday, hosted by the Turkish president, with a ceasefire "
	                             "on the table.",
	                     .lang = "en"},
	    &a);
	run(&(struct doc_in){.title = "Negotiators meet in Istanbul for Ukraine peace talks",
	                     .text = "Ukrainian and Russian delegations met in Istanbul for a new "
	                             "round of peace negotiations; a ceasefire was discussed.",
	                     .lang = "en"},
	    &b);
	run(&(struct doc_in){.title = "Strong earthquake hits northern Japan",
	                     .text = "A magnitude 7.1 earthquake struck off the coast of northern "
	                             "Japan, triggering a tsunami warning for the region.",
	                     .lang = "en"},
	    &c);
	rel = text_terms_cosine(a.terms, a.n_terms, b.terms, b.n_terms, idf_const, &k);
	unrel = text_terms_cosine(a.terms, a.n_terms, c.terms, c.n_terms, idf_const, &k);
	assert_true(rel > 0.2);
	assert_true(unrel < rel / 3);
	rel = text_terms_cosine(a.terms, a.n_terms, b.terms, b.n_terms, idf_varied, NULL);
	unrel = text_terms_cosine(a.terms, a.n_terms, c.terms, c.n_terms, idf_varied, NULL);
	assert_true(rel > unrel);
	/* a vector with itself is 1, with nothing 0; NULL idf weighs 1 */
	assert_true(text_terms_cosine(a.terms, a.n_terms, a.terms, a.n_terms, NULL, NULL) > 0.9999);
	assert_true(text_terms_cosine(a.terms, a.n_terms, NULL, 0, NULL, NULL) == 0);
	text_doc_release(&a);
	text_doc_release(&b);
	text_doc_release(&c);
}

/* ---- kinds ---- */

struct kind_case {
	struct doc_in in;
	enum text_event_kind kind;
	const char *evidence; /* text of the deciding trigger */
	bool in_title;
};

static void test_event_kinds(void **state)
{
	static const struct kind_case cases[] = {
	        {{"Macron et Xi Jinping se sont entretenus au téléphone",
	          "Les deux dirigeants ont évoqué le commerce et le climat pendant une heure.",
	          "fr", NULL},
	         TEXT_EVENT_CALL,
	         "au téléphone",
	         true},
	        {{NULL,
	          "Emmanuel Macron a eu mardi un entretien téléphonique avec Olaf Scholz sur "
	          "l'énergie.\n\nIls se reverront à Bruxelles.",
	          "fr", NULL},
	         TEXT_EVENT_CALL,
	         "entretien téléphonique",
	         false},
	        {{"Earthquake kills dozens in central Italy",
	          "Rescuers searched through rubble overnight after the quake flattened villages.",
	          "en", NULL},
	         TEXT_EVENT_DISASTER,
	         "Earthquake",
	         true},
	        {{"Merkel telefonierte mit Putin über die Ukraine",
	          "Die Bundeskanzlerin und der russische Präsident sprachen eine Stunde lang.",
	          "de", NULL},
	         TEXT_EVENT_CALL,
	         "telefonierte",
	         true},
	        {{"Miles de manifestantes marchan en Madrid contra la reforma laboral",
	          "Los sindicatos convocaron una huelga general para el jueves.", "es", NULL},
	         TEXT_EVENT_PROTEST,
	         "manifestantes",
	         true},
	        {{"Les négociations sur le Brexit reprennent à Bruxelles",
	          "Michel Barnier retrouve les Britanniques pour une semaine de pourparlers.", "fr",
	          NULL},
	         TEXT_EVENT_NEGOTIATION,
	         "négociations",
	         true},
	        {{"Le G7 réuni en sommet à Biarritz",
	          "Les dirigeants du G7 se retrouvent ce week-end pour leur sommet annuel.", "fr",
	          NULL},
	         TEXT_EVENT_MEETING,
	         "sommet",
	         true},
	        {{"Gunman opens fire at shopping mall",
	          "Police said the shooting left three people wounded before the attacker fled.",
	          "en", NULL},
	         TEXT_EVENT_ATTACK,
	         "Gunman",
	         true},
	        {{"Der Bundestag stimmt über den Haushalt ab",
	          "Die Wahl des neuen Präsidenten findet im März statt, die Wähler sind "
	          "aufgerufen.",
	          "de", NULL},
	         TEXT_EVENT_ELECTION,
	         "Wahl",
	         false},
	        {{"La BCE relève ses taux directeurs pour contrer l'inflation",
	          "La Banque centrale européenne a décidé jeudi d'une hausse d'un demi-point.",
	          "fr", NULL},
	         TEXT_EVENT_ECONOMIC,
	         "taux directeurs",
	         true},
	};
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct text_doc d = TEXT_DOC_INIT;

		run(&cases[i].in, &d);
		if (d.event_kind != cases[i].kind ||
		    strcmp(span_text(&d, d.event_kind_evidence, buf, sizeof(buf)),
		           cases[i].evidence) ||
		    d.event_kind_evidence.title != cases[i].in_title)
			fail_msg("case %zu: kind %s (want %s), evidence '%s'%s (want '%s')", i,
			         text_event_kind_name(d.event_kind),
			         text_event_kind_name(cases[i].kind),
			         span_text(&d, d.event_kind_evidence, buf, sizeof(buf)),
			         d.event_kind_evidence.title ? " in title" : "", cases[i].evidence);
		assert_true(d.event_kind_score > 0 && d.event_kind_score <= 1);
		text_doc_release(&d);
	}
}

static void test_event_kind_other_and_score(void **state)
{
	struct text_doc a = TEXT_DOC_INIT, b = TEXT_DOC_INIT, c = TEXT_DOC_INIT;

	run(&(struct doc_in){.text = "Le chat dort sur le canapé depuis ce matin.", .lang = "fr"},
	    &a);
	assert_int_equal(a.event_kind, TEXT_EVENT_OTHER);
	assert_true(a.event_kind_score == 0);
	assert_int_equal(a.event_kind_evidence.start, -1);
	assert_int_equal(a.event_kind_evidence.end, -1);
	assert_string_equal(text_event_kind_name(TEXT_EVENT_OTHER), "other");
	assert_string_equal(text_event_kind_name(TEXT_EVENT_HEALTH), "health");
	/* a title trigger is surer than one late in the body */
	run(&(struct doc_in){.title = "Inondations meurtrières dans le sud de la France",
	                     .text = "Les secours sont mobilisés depuis la nuit.",
	                     .lang = "fr"},
	    &b);
	run(&(struct doc_in){.title = "Une journée chargée",
	                     .text = "Le maire a inauguré une école.\n\nPuis il a déjeuné.\n\n"
	                             "Le soir, une inondation a touché une cave.",
	                     .lang = "fr"},
	    &c);
	assert_int_equal(b.event_kind, TEXT_EVENT_DISASTER);
	assert_int_equal(c.event_kind, TEXT_EVENT_DISASTER);
	assert_true(b.event_kind_score > c.event_kind_score);
	text_doc_release(&a);
	text_doc_release(&b);
	text_doc_release(&c);
}

/* ---- happening date ---- */

static void test_event_date(void **state)
{
	struct text_doc d = TEXT_DOC_INIT;
	char buf[64];

	/* published Wednesday 4 March 2020, reports Monday 2 March */
	run(&(struct doc_in){.title = "Rencontre à Berlin",
	                     .text = "Les deux présidents se sont rencontrés lundi 2 mars à Berlin "
	                             "pour parler d'énergie.",
	                     .lang = "fr",
	                     .published = "2020-03-04"},
	    &d);
	assert_int_equal(d.event_date.year, 2020);
	assert_int_equal(d.event_date.month, 3);
	assert_int_equal(d.event_date.day, 2);
	assert_int_equal(d.event_date_precision, TEXT_PRECISION_DAY);
	assert_string_equal(d.event_date_origin, "text");
	assert_false(d.event_date_evidence.title);
	assert_string_equal(span_text(&d, d.event_date_evidence, buf, sizeof(buf)), "lundi 2 mars");
	text_doc_release(&d);

	/* a bare weekday: the last one before publication */
	run(&(struct doc_in){.text = "Der Gipfel in Brüssel endete am Dienstag ohne Einigung.",
	                     .lang = "de",
	                     .published = "2021-06-24"},
	    &d);
	assert_string_equal(d.event_date_origin, "text");
	assert_int_equal(d.event_date.day, 22);
	assert_int_equal(d.event_date.month, 6);
	text_doc_release(&d);

	/* "today" is the publication day, said by the text */
	run(&(struct doc_in){.text = "The summit opens today in Brussels with 27 leaders.",
	                     .lang = "en",
	                     .published = "2019-10-17"},
	    &d);
	assert_string_equal(d.event_date_origin, "text");
	assert_int_equal(d.event_date.day, 17);
	assert_string_equal(span_text(&d, d.event_date_evidence, buf, sizeof(buf)), "today");
	text_doc_release(&d);

	/* only a background date years away: the publication date */
	run(&(struct doc_in){.text = "Les négociations reprennent entre les deux pays.\n\n"
	                             "Le conflit dure depuis des décennies.\n\nUn premier accord "
	                             "avait été signé le 13 septembre 1993 à Washington.",
	                     .lang = "fr",
	                     .published = "2020-03-04T10:00:00Z"},
	    &d);
	assert_string_equal(d.event_date_origin, "published");
	assert_int_equal(d.event_date.year, 2020);
	assert_int_equal(d.event_date.day, 4);
	assert_int_equal(d.event_date_precision, TEXT_PRECISION_DAY);
	assert_int_equal(d.event_date_evidence.start, -1);
	assert_int_equal(d.event_date_evidence.end, -1);
	text_doc_release(&d);

	/* a date in the title wins over one further down */
	run(&(struct doc_in){.title = "El PSOE gana las elecciones del 10 de noviembre",
	                     .text = "El PSOE vuelve a ganar pero pierde escaños.\n\nEl 28 de "
	                             "abril los votantes ya acudieron a las urnas.",
	                     .lang = "es",
	                     .published = "2019-11-11"},
	    &d);
	assert_string_equal(d.event_date_origin, "text");
	assert_true(d.event_date_evidence.title);
	assert_int_equal(d.event_date.month, 11);
	assert_int_equal(d.event_date.day, 10);
	text_doc_release(&d);

	/* nothing at all */
	run(&(struct doc_in){.text = "Le chat dort sur le canapé.", .lang = "fr"}, &d);
	assert_null(d.event_date_origin);
	assert_int_equal(d.event_date_precision, TEXT_PRECISION_NONE);
	text_doc_release(&d);
}

/* ---- roles ---- */

static const char *role_of(const struct text_doc *d, const char *name)
{
	const char *p = strstr(d->body, name);
	size_t i;

	if (!p)
		return NULL;
	for (i = 0; i < d->n_roles; i++)
		if (d->roles[i].start <= p - d->body && d->roles[i].end > p - d->body)
			return d->roles[i].role;
	return NULL;
}

static void test_roles(void **state)
{
	struct text_doc d = TEXT_DOC_INIT;
	const char *r;

	run(
	        &(struct doc_in){
	                .text = "Le président russe Vladimir Poutine a reçu mardi Donald Trump "
	                        "au Kremlin pour un entretien de deux heures.",
	                .lang = "fr",
	                .published = "2018-07-18"},
	        &d);
	r = role_of(&d, "Poutine");
	assert_non_null(r);
	assert_string_equal(r, "host");
	r = role_of(&d, "Trump");
	assert_non_null(r);
	assert_string_equal(r, "guest");
	text_doc_release(&d);

	run(&(struct doc_in){.text = "President Joe Biden called Emmanuel Macron on Thursday to "
	                             "discuss the submarine deal.",
	                     .lang = "en"},
	    &d);
	assert_string_equal(role_of(&d, "Biden"), "caller");
	assert_string_equal(role_of(&d, "Macron"), "callee");
	text_doc_release(&d);

	run(
	        &(struct doc_in){
	                .text = "Olaf Scholz besuchte am Montag Warschau und traf dort Andrzej "
	                        "Duda.",
	                .lang = "de"},
	        &d);
	assert_string_equal(role_of(&d, "Scholz"), "guest");
	assert_string_equal(role_of(&d, "Warschau"), "host");
	text_doc_release(&d);

	/* no name right after the trigger: no role at all */
	run(&(struct doc_in){.text = "Vladimir Poutine a reçu une lettre de Donald Trump.",
	                     .lang = "fr"},
	    &d);
	assert_int_equal(d.n_roles, 0);
	text_doc_release(&d);
}

/* ---- threads: stemmers are per call ---- */

static void *worker(void *arg)
{
	int i;

	for (i = 0; i < 20; i++) {
		struct text_doc d = TEXT_DOC_INIT;
		struct text_input in = {.text = "Les négociations reprennent à Genève.",
		                        .lang = "fr"};
		const char *why;

		if (text_process(&in, &d, &why) || !term(&d, "négoci"))
			*(int *)arg = 1;
		text_doc_release(&d);
	}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t th[4];
	int bad[4] = {0}, i;

	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, &bad[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(bad[i], 0);
	}
}

static int setup(void **state)
{
	return text_init(NULL);
}

static int teardown(void **state)
{
	text_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_terms_stems),
	        cmocka_unit_test(test_terms_unstemmed_language),
	        cmocka_unit_test(test_terms_cap),
	        cmocka_unit_test(test_terms_cosine),
	        cmocka_unit_test(test_event_kinds),
	        cmocka_unit_test(test_event_kind_other_and_score),
	        cmocka_unit_test(test_event_date),
	        cmocka_unit_test(test_roles),
	        cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
