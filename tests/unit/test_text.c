/* text pipeline: real fixtures (tests/fixtures/articles, or $NEWSD_FIXTURES)
 * and inline strings. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "text.h"

#define THREADS 4
#define ROUNDS 25

/* Run the pipeline on a fixture (HTML when the name ends in .html). */
static void process_fixture(const char *name, struct text_doc *doc)
{
	char *raw = read_fixture(name);
	struct text_input in = {0};
	const char *why = NULL;
	int err;

	if (strstr(name, ".html"))
		in.html = raw;
	else
		in.text = raw;
	err = text_process(&in, doc, &why);
	if (err)
		fail_msg("%s: text_process: %d (%s)", name, err, why);
	free(raw);
}

static int process_text(const char *text, struct text_doc *doc)
{
	struct text_input in = {.text = text};
	const char *why = NULL;
	int err = text_process(&in, doc, &why);

	if (err)
		assert_non_null(why);
	return err;
}

static const struct text_entity *find_entity(const struct text_doc *doc, const char *name)
{
	size_t i;

	for (i = 0; i < doc->n_entities; i++)
		if (!strcmp(doc->entities[i].name, name))
			return &doc->entities[i];
	return NULL;
}

static size_t count_occurrences(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* ---- fixtures: language, title, boilerplate ---- */

struct expect {
	const char *file, *lang, *title;
	const char *first; /* start of the first body paragraph */
	const char *last;  /* end of the body */
	const char *gone[8];
};

static const struct expect FIXTURES[] = {
        {"fr-tempete-ysolde.txt",
         "fr",
         "Tempête Ysolde : la Bretagne balayée par des rafales à 160 km/h, 90 000 foyers privés "
         "d'électricité",
         "La tempête Ysolde a frappé la pointe de la Bretagne",
         "vigilance orange pour vagues-submersion sur le littoral jusqu'à vendredi.",
         {"Partager cet article", "© 2024 AFP", "Lire aussi", "cookies", "Tous droits réservés",
          "VENANCE"}},
        {"fr-sommet-lisbonne.txt",
         "fr",
         "À Lisbonne, les dirigeants européens s'accordent sur un fonds commun pour l'énergie",
         "Les chefs d'État et de gouvernement de l'Union européenne",
         "avant un vote des ministres des Finances prévu en juin.",
         {"Partager", "©", "Lire aussi", "cookies", "découvrir", "Le Portugal mise sur l'éolien",
          "Publié le 18 mars 2024", "PATRICIA DE MELO"}},
        {"fr-municipale-nantes.txt",
         "fr",
         "Municipale partielle à Nantes : Claire Delorme l'emporte dès le premier tour",
         "L'écologiste Claire Delorme a remporté dimanche",
         "lors du conseil municipal du 15 avril.",
         {"Partager cet article", "©", "Lire aussi", "cookies", "Temps de lecture", "Connectez"}},
        {"en-floods-yorkshire.txt",
         "en",
         "Yorkshire floods: hundreds evacuated as River Ouse reaches record level",
         "Hundreds of residents were evacuated",
         "engineers inspect bridges and roads damaged by the water.",
         {"Share this article", "©", "Read more", "cookies", "All rights reserved", "By Reuters"}},
        {"en-trade-talks-geneva.txt",
         "en",
         "Geneva trade talks end with deal to cut tariffs on medical supplies",
         "Trade ministers from 38 countries agreed",
         "a process that could take up to a year.",
         {"Share", "Copyright", "Related:", "cookies", "COFFRINI", NULL}},
        {"de-sturmtief-zoltan.txt",
         "de",
         "Sturmtief Zoltan: Orkanböen legen Bahnverkehr in Norddeutschland lahm",
         "Das Sturmtief Zoltan hat am Donnerstag",
         "über die Ostsee nach Skandinavien weiterzieht.",
         {"Wir verwenden", "©", "Lesen Sie auch", "Cookies", "Alle Rechte", "HEIMKEN"}},
        {"es-elecciones-asturias.txt",
         "es",
         "Elecciones en Asturias: Lucía Ferrero gana por mayoría absoluta",
         "La candidata Lucía Ferrero ganó este domingo",
         "para la segunda semana de junio en la Junta General.",
         {"Compartir", "©", "Lee también", "cookies", "derechos reservados", "RIOPA"}},
        {"it-vertice-roma.txt",
         "it",
         "Vertice a Roma sul Mediterraneo: intesa sui corridoi umanitari",
         "I capi di governo di dodici paesi del Mediterraneo",
         "Il prossimo vertice si terrà ad Atene in primavera.",
         {"Condividi", "©", "Leggi anche", "cookie", "diritti riservati", "MONTEFORTE"}},
        {"fr-incendie-marseille.html",
         "fr",
         "Incendie près de Marseille : 1 200 hectares brûlés, l'A55 coupée",
         "Un violent incendie a parcouru plus de 1 200 hectares",
         "Le trafic sur l'A55 ne devrait pas reprendre avant mercredi matin.",
         {"Politique", "gtag", "ne pas afficher", "Publicité", "Mentions légales", "Partager"}},
        {"en-rail-strike.html",
         "en",
         "Rail strike halts trains across the Netherlands",
         "Train services across the Netherlands ground to a halt",
         "are scheduled to resume on Thursday in Utrecht.",
         {"Subscribe", "tracking pixel", "enable JavaScript", "color:", "Most read",
          "All rights reserved"}},
        {"shared-fr-news-1.txt",
         "fr",
         "Poutine et Trump vont poursuivre leurs contacts \"utiles\" annonce le Kremlin",
         "Le président russe Vladimir Poutine et son homologue américain Donald Trump",
         "à Buenos-Aires, a ajouté M. Ouchakov.",
         {"Partager cet article", "Tous droits", "Par AFP", "découvrir", "Orbán",
          "Frappes mortelles"}},
        {"shared-fr-news-2.txt",
         "fr",
         "Trump a proposé à Poutine une rencontre à la Maison Blanche, selon le Kremlin",
         "Cette proposition n'a pour l'instant pas été suivie",
         "a répondu par une expulsion similaire.",
         {"Cet article date", "Temps de lecture", "SAUL LOEB", "Commentaires", "Connectez",
          "Article rédigé"}},
        {"shared-fr-news-3.txt",
         "fr",
         NULL, /* this page has no recognisable headline yet */
         NULL,
         "lors du sommet du G20 en Argentine fin novembre.",
         {"Lire aussi", "Tags:", "Sputnik . Sergey", "URL courte", "Commenter via",
          "Moscou et Washington confirment"}},
};

static void test_fixtures(void **state)
{
	size_t i, k;

	for (i = 0; i < sizeof(FIXTURES) / sizeof(FIXTURES[0]); i++) {
		const struct expect *x = &FIXTURES[i];
		struct text_doc doc;
		size_t blen;

		process_fixture(x->file, &doc);
		blen = strlen(doc.body);
		if (!doc.lang || strcmp(doc.lang, x->lang) || doc.lang_confidence <= 0.5)
			fail_msg("%s: language %s (%.2f), want %s", x->file,
			         doc.lang ? doc.lang : "NULL", doc.lang_confidence, x->lang);
		if (x->title) {
			assert_non_null(doc.title);
			assert_string_equal(doc.title, x->title);
			/* the repeated title is detected once and kept out of the body */
			assert_null(strstr(doc.body, x->title));
		}
		if (x->first && strncmp(doc.body, x->first, strlen(x->first)))
			fail_msg("%s: body starts with \"%.60s\"", x->file, doc.body);
		if (blen < strlen(x->last) || strcmp(doc.body + blen - strlen(x->last), x->last))
			fail_msg("%s: body ends with \"%s\"", x->file,
			         doc.body + (blen > 60 ? blen - 60 : 0));
		for (k = 0; k < sizeof(x->gone) / sizeof(x->gone[0]) && x->gone[k]; k++)
			if (strstr(doc.body, x->gone[k]))
				fail_msg("%s: boilerplate \"%s\" left in the body", x->file,
				         x->gone[k]);
		assert_null(strstr(doc.body, "\n\n\n"));
		assert_true(doc.word_count > 100);
		text_doc_release(&doc);
	}
}

static void test_html_details(void **state)
{
	struct text_doc doc;

	process_fixture("fr-incendie-marseille.html", &doc);
	assert_non_null(strstr(doc.body, "d’après-midi"));            /* &#8217; */
	assert_non_null(strstr(doc.body, "800 pompiers & une"));      /* &amp; */
	assert_non_null(strstr(doc.body, "accidentelle… Le trafic")); /* &hellip; */
	assert_non_null(strstr(doc.body, "d'habitants"));             /* &#x27; */
	assert_null(strstr(doc.body, "&"
	                             "nbsp;"));
	text_doc_release(&doc);

	process_fixture("en-rail-strike.html", &doc);
	assert_non_null(strstr(doc.body, "\"We regret the disruption,"));
	assert_null(strstr(doc.body, "Home"));
	assert_null(strstr(doc.body, "NewsArticle"));
	text_doc_release(&doc);
}

static void test_html_inline(void **state)
{
	const char *html =
	        "<html><head><title>  Short   page  </title></head><body>"
	        "<!-- <p>hidden comment</p> -->"
	        "<div>Premier bloc avec &#x41;&#233;&#150; et &foo; inconnu, x &lt; y.</div>"
	        "<p>Second bloc<br>sur deux lignes, avec <b>du gras</b> et "
	        "<a href='x>y'>un lien</a>.</p>"
	        "<header><nav><p>menu</p></nav><p>en-tête</p></header>"
	        "<p>Troisième bloc, texte\n  coupé   sur\tplusieurs lignes.</p>"
	        "<script>if (a < b) document.write('<p>script</p>');</script>"
	        "<p>Unclosed paragraph here<p>and a last one";
	struct text_input in = {.html = html};
	struct text_doc doc;
	const char *why;

	assert_int_equal(text_process(&in, &doc, &why), 0);
	assert_string_equal(doc.title, "Short page");
	assert_string_equal(doc.body, "Premier bloc avec Aé– et &foo; inconnu, x < y.\n\n"
	                              "Second bloc\n\n"
	                              "sur deux lignes, avec du gras et un lien.\n\n"
	                              "Troisième bloc, texte coupé sur plusieurs lignes.\n\n"
	                              "Unclosed paragraph here\n\n"
	                              "and a last one");
	text_doc_release(&doc);
}

static void test_title_suffix(void **state)
{
	struct text_input in = {
	        .html = "<title>Les marchés chutent après l'annonce - Le Journal</title>"
	                "<p>Les marchés européens ont fortement chuté lundi après l'annonce.</p>"};
	struct text_doc doc;
	const char *why;

	assert_int_equal(text_process(&in, &doc, &why), 0);
	assert_string_equal(doc.title, "Les marchés chutent après l'annonce");
	text_doc_release(&doc);

	/* "Macron - Merkel" is not a site suffix: too little before it */
	in.html = "<title>Macron - Merkel</title><p>Deux dirigeants se rencontrent à Paris.</p>";
	assert_int_equal(text_process(&in, &doc, &why), 0);
	assert_string_equal(doc.title, "Macron - Merkel");
	text_doc_release(&doc);
}

/* ---- decode ---- */

static void test_utf8_validation(void **state)
{
	static const char *const bad[] = {
	        "\xc0\xaf",         /* overlong '/' */
	        "\xe0\x80\xaf",     /* overlong, 3 bytes */
	        "\xed\xa0\x80",     /* surrogate U+D800 */
	        "\xf4\x90\x80\x80", /* > U+10FFFF */
	        "\xf5\x80\x80\x80", /* invalid lead */
	        "abc\x80",          /* lone continuation */
	        "\xe2\x82",         /* truncated */
	        "caf\xe9",          /* Latin-1 */
	};
	struct text_doc doc;
	const char *why = NULL;
	struct text_input in = {.text = "Une phrase valide avec caf\xe9 en Latin-1 au milieu."};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(text_utf8_valid(bad[i], strlen(bad[i])));
	assert_true(text_utf8_valid("", 0));
	assert_true(text_utf8_valid("plain ascii text, long enough for the fast path", 47));
	assert_true(text_utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 13));
	assert_null(text_nfc("caf\xe9"));

	assert_int_equal(text_process(&in, &doc, &why), -EINVAL);
	assert_string_equal(why, "body is not valid UTF-8");
	assert_null(doc.body);
}

static void test_nfc(void **state)
{
	char *s = text_nfc("Cafe\xcc\x81 de\xcc\x81ja\xcc\x80 vu");
	struct text_doc doc;

	assert_string_equal(s, "Caf\xc3\xa9 d\xc3\xa9j\xc3\xa0 vu");
	free(s);
	s = text_nfc("d\xc3\xa9j\xc3\xa0 NFC \xe2\x80\x99"); /* already NFC: fast path */
	assert_string_equal(s, "d\xc3\xa9j\xc3\xa0 NFC \xe2\x80\x99");
	free(s);
	s = text_nfc("\xea\xb0\x80 \xe1\x84\x80\xe1\x85\xa1"); /* Hangul jamo compose */
	assert_string_equal(s, "\xea\xb0\x80 \xea\xb0\x80");
	free(s);

	assert_int_equal(process_text("Le pre\xcc\x81sident a parle\xcc\x81 longuement mardi "
	                              "devant les de\xcc\x81pute\xcc\x81s.",
	                              &doc),
	                 0);
	assert_non_null(strstr(doc.body, "Le pr\xc3\xa9sident a parl\xc3\xa9"));
	assert_null(strstr(doc.body, "\xcc\x81"));
	text_doc_release(&doc);
}

static void test_normalize_key(void **state)
{
	static const char *const cases[][2] = {
	        {"Élysée", "elysee"},
	        {"  Vladimir \t  POUTINE  ", "vladimir poutine"},
	        {"Sergue\xc3\xaf Skripal", "serguei skripal"},
	        {"C\xc3\xb4te d\xe2\x80\x99Ivoire", "cote d'ivoire"},
	        {"\xef\xac\x81nance", "finance"}, /* NFKC: the fi ligature */
	        {"Stra\xc3\x9f"
	         "e",
	         "strasse"}, /* case fold */
	        {"Maison\xc2\xa0"
	         "Blanche",
	         "maison blanche"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *k = text_normalize_key(cases[i][0]);

		assert_non_null(k);
		assert_string_equal(k, cases[i][1]);
		free(k);
	}
	assert_null(text_normalize_key("bad \xff"));
}

static void test_line_endings_and_spaces(void **state)
{
	struct text_doc doc;

	assert_int_equal(process_text("Premier paragraphe avec des mots.\r\n\r\nSecond \t "
	                              "paragraphe\xc2\xa0"
	                              "avec\xe2\x80\xaf"
	                              "des mots.\rTroisi\xc3\xa8me "
	                              "ligne\xc2\xad ici.\r\n",
	                              &doc),
	                 0);
	assert_string_equal(doc.body, "Premier paragraphe avec des mots.\n\n"
	                              "Second paragraphe avec des mots.\n\n"
	                              "Troisième ligne ici.");
	assert_null(doc.title);
	text_doc_release(&doc);
}

/* ---- language ---- */

static void test_language_short_and_given(void **state)
{
	const char *lang = "x";
	double conf = 1;
	struct text_input in = {.text = "Bonjour le monde", .lang = "FR-ca"};
	struct text_doc doc;
	const char *why;

	assert_int_equal(text_detect_lang("Bonjour le monde", 16, &lang, &conf), -ENOENT);
	assert_null(lang);
	assert_true(conf == 0);
	assert_int_equal(process_text("Bonjour le monde", &doc), 0);
	assert_null(doc.lang);
	assert_true(doc.lang_confidence == 0);
	text_doc_release(&doc);

	/* one sentence: an answer, but a modest one */
	assert_int_equal(text_detect_lang("Le président a déclaré mardi que", 33, &lang, &conf), 0);
	assert_string_equal(lang, "fr");
	assert_true(conf > 0 && conf < 0.5);

	assert_int_equal(text_process(&in, &doc, &why), 0);
	assert_string_equal(doc.lang, "fr");
	assert_true(doc.lang_confidence == 1.0);
	text_doc_release(&doc);
}

/* ---- entities ---- */

static void test_entities_shared_fixtures(void **state)
{
	const struct text_entity *e;
	struct text_doc doc;
	size_t i;

	process_fixture("shared-fr-news-1.txt", &doc);
	e = find_entity(&doc, "Vladimir Poutine");
	assert_non_null(e);
	assert_int_equal(e->count, 5); /* 3 x "Vladimir Poutine" + 2 x "M. Poutine" */
	assert_int_equal(e->kind, TEXT_ENTITY_PERSON);
	assert_string_equal(e->key, "vladimir poutine");
	assert_memory_equal(doc.body + e->first_offset, "Vladimir Poutine", 16);
	assert_null(find_entity(&doc, "Poutine"));
	e = find_entity(&doc, "Iouri Ouchakov"); /* split from "du Kremlin Iouri Ouchakov" */
	assert_non_null(e);
	assert_int_equal(e->kind, TEXT_ENTITY_PERSON);
	assert_int_equal(find_entity(&doc, "Kremlin")->kind, TEXT_ENTITY_ORGANIZATION);
	assert_int_equal(find_entity(&doc, "Helsinki")->kind, TEXT_ENTITY_LOCATION);
	assert_int_equal(find_entity(&doc, "Maison Blanche")->count, 2);
	for (i = 1; i < doc.n_entities; i++) {
		const struct text_entity *a = &doc.entities[i - 1], *b = &doc.entities[i];

		assert_true(a->count > b->count ||
		            (a->count == b->count && a->first_offset < b->first_offset));
	}
	text_doc_release(&doc);

	process_fixture("shared-fr-news-2.txt", &doc);
	e = find_entity(&doc, "Donald Trump");
	assert_non_null(e);
	assert_int_equal(e->count, 4); /* with the two bare "Trump" */
	assert_null(find_entity(&doc, "Trump"));
	e = find_entity(&doc, "Vladimir Poutine");
	assert_non_null(e);
	assert_int_equal(e->count, 2);
	assert_non_null(find_entity(&doc, "Sergueï Skripal"));
	assert_int_equal(find_entity(&doc, "Sergueï Skripal")->count, 2);
	assert_int_equal(find_entity(&doc, "Grande-Bretagne")->kind, TEXT_ENTITY_LOCATION);
	text_doc_release(&doc);
}

static void test_entities_inline(void **state)
{
	const char *text =
	        "Le président Emmanuel Macron a reçu mardi la chancelière Angela Merkel au "
	        "palais de l'Élysée. M. Macron et Mme Merkel ont évoqué l'OTAN avec "
	        "Ursula von der Leyen et le souvenir de Charles de Gaulle.\n\n"
	        "Hier, Iouri Ouchakov et Vladimir Ouchakov ont parlé. Plus tard, Ouchakov a "
	        "répondu à "
	        "Conor O'Brien, arrivé à New York. Selon Macron, hier était un jour important "
	        "pour l'Europe et pour Trump's allies.";
	struct text_doc doc;
	const struct text_entity *e;

	assert_int_equal(process_text(text, &doc), 0);
	e = find_entity(&doc, "Emmanuel Macron");
	assert_non_null(e);
	assert_int_equal(e->count, 3);
	assert_int_equal(e->kind, TEXT_ENTITY_PERSON);
	e = find_entity(&doc, "Angela Merkel");
	assert_non_null(e);
	assert_int_equal(e->count, 2);
	assert_int_equal(e->kind, TEXT_ENTITY_PERSON);
	assert_int_equal(find_entity(&doc, "Élysée")->kind, TEXT_ENTITY_ORGANIZATION);
	assert_int_equal(find_entity(&doc, "OTAN")->kind, TEXT_ENTITY_ORGANIZATION);
	assert_non_null(find_entity(&doc, "Ursula von der Leyen"));
	assert_non_null(find_entity(&doc, "Charles de Gaulle"));
	assert_non_null(find_entity(&doc, "Conor O'Brien"));
	assert_int_equal(find_entity(&doc, "New York")->kind, TEXT_ENTITY_LOCATION);
	/* "Ouchakov" alone is ambiguous between two people: kept apart */
	assert_int_equal(find_entity(&doc, "Iouri Ouchakov")->count, 1);
	assert_int_equal(find_entity(&doc, "Vladimir Ouchakov")->count, 1);
	assert_non_null(find_entity(&doc, "Ouchakov"));
	/* sentence-initial function words and words seen in lower case */
	assert_null(find_entity(&doc, "Le"));
	assert_null(find_entity(&doc, "Hier"));
	assert_null(find_entity(&doc, "Selon"));
	assert_non_null(find_entity(&doc, "Trump"));
	assert_null(find_entity(&doc, "Trump's"));
	text_doc_release(&doc);
}

static void test_entities_cap(void **state)
{
	static const char *const first[] = {"Anna",  "Bruno", "Carla", "Denis", "Elena",
	                                    "Fabio", "Greta", "Hugo",  "Irene", "Jonas"};
	char *text = malloc(64 * 1024), *p = text;
	struct text_doc doc;
	int i;

	assert_non_null(text);
	for (i = 0; i < 150; i++)
		p += sprintf(p, "Hier, %s Zed%c%c a parlé avec des amis. ", first[i % 10],
		             'a' + i / 26 % 26, 'a' + i % 26);
	assert_int_equal(process_text(text, &doc), 0);
	assert_int_equal(doc.n_entities, 100);
	text_doc_release(&doc);
	free(text);
}

/* ---- fingerprints ---- */

static char *replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	size_t head;
	char *out;

	assert_non_null(at);
	head = (size_t)(at - s);
	out = malloc(strlen(s) - strlen(from) + strlen(to) + 1);
	assert_non_null(out);
	memcpy(out, s, head);
	strcpy(out + head, to);
	strcat(out, at + strlen(from));
	return out;
}

static void test_simhash_and_hash(void **state)
{
	char *raw = read_fixture("fr-tempete-ysolde.txt");
	char *changed = replace(raw, "Lire aussi : Inondations dans le Pas-de-Calais",
	                        "Lire aussi : Sécheresse dans le Var");
	char hex[65];
	struct text_doc a, b, c;

	assert_int_equal(process_text(raw, &a), 0);
	assert_int_equal(process_text(changed, &b), 0);
	process_fixture("en-floods-yorkshire.txt", &c);
	assert_true(text_hamming64(a.simhash, b.simhash) <= 3);
	assert_true(text_hamming64(a.simhash, c.simhash) > 10);
	assert_int_equal(text_simhash(a.body), a.simhash);

	/* one edited word in the body moves few bits; unrelated text many */
	free(changed);
	changed = replace(a.body, "1 200 techniciens", "1 300 techniciens");
	assert_true(text_hamming64(text_simhash(changed), a.simhash) <= 10);

	sha256_hex(a.body, strlen(a.body), hex);
	assert_string_equal(a.content_hash, hex);
	assert_string_equal(a.content_hash, b.content_hash);
	assert_string_not_equal(a.content_hash, c.content_hash);

	assert_int_equal(text_hamming64(0, ~0ULL), 64);
	assert_int_equal(text_hamming64(5, 4), 1);
	text_doc_release(&a);
	text_doc_release(&b);
	text_doc_release(&c);
	free(changed);
	free(raw);
}

static void test_word_count(void **state)
{
	struct text_doc doc;

	assert_int_equal(process_text("Hello, world! It's a fine-day -- isn't it? 42 times.", &doc),
	                 0);
	assert_int_equal(doc.word_count, 9); /* hello world it's a fine-day isn't it 42 times */
	text_doc_release(&doc);
}

/* ---- API contract ---- */

static void test_errors_and_inputs(void **state)
{
	struct text_input in = {0};
	struct text_doc doc;
	const char *why = NULL;

	assert_int_equal(text_process(&in, &doc, &why), -EINVAL);
	assert_non_null(why);
	in.text = "Du texte.";
	in.html = "<p>Du HTML.</p>";
	assert_int_equal(text_process(&in, &doc, &why), -EINVAL);
	assert_non_null(why);

	in.html = NULL;
	in.text = "Partager cet article\n© 2024 AFP\nTous droits réservés\n";
	assert_int_equal(text_process(&in, &doc, &why), -EINVAL);
	assert_string_equal(why, "no text content");
	assert_null(doc.body);

	in.text = "Un titre donné\n\nUn titre donné\n\nLe corps de l'article commence ici et "
	          "continue avec une seconde phrase.";
	in.title = "  Un   titre donné ";
	in.published_at = "2024-03-18T19:42:00Z";
	assert_int_equal(text_process(&in, &doc, &why), 0);
	assert_string_equal(doc.title, "Un titre donné");
	assert_string_equal(doc.body, "Le corps de l'article commence ici et continue avec une "
	                              "seconde phrase.");
	assert_string_equal(doc.published_at, "2024-03-18T19:42:00Z");
	assert_string_equal(doc.published_origin, "given");
	assert_int_equal(count_occurrences(doc.body, "titre"), 0);
	text_doc_release(&doc);
	text_doc_release(&doc); /* released twice is fine */
	text_doc_release(NULL);

	in.title = "bad \xff title";
	assert_int_equal(text_process(&in, &doc, &why), -EINVAL);
	assert_string_equal(why, "title is not valid UTF-8");

	assert_string_equal(text_entity_kind_name(TEXT_ENTITY_PERSON), "person");
	assert_string_equal(text_entity_kind_name(TEXT_ENTITY_LOCATION), "location");
	assert_string_equal(text_entity_kind_name(TEXT_ENTITY_ORGANIZATION), "organization");
	assert_string_equal(text_entity_kind_name(TEXT_ENTITY_OTHER), "other");
}

static void test_init_errors(void **state)
{
	const char *lang;
	double conf;
	const char *fr = "Le président de la République a annoncé mardi une réforme des retraites "
	                 "qui sera présentée au Parlement avant la fin de l'année.";

	text_shutdown();
	assert_int_equal(text_init("/nonexistent/fpdb.conf"), -ENOENT);
	/* without profiles the pipeline still runs, just without a language */
	assert_int_equal(text_detect_lang(fr, strlen(fr), &lang, &conf), -ENOENT);
	assert_null(lang);
	assert_int_equal(text_init(NULL), 0);
	assert_int_equal(text_init(NULL), 0); /* a second call keeps the loaded pool */
	assert_int_equal(text_detect_lang(fr, strlen(fr), &lang, &conf), 0);
	assert_string_equal(lang, "fr");
}

/* ---- concurrency: the language pool under load ---- */

struct worker {
	const char *text;
	const char *lang;
	int failures;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		struct text_input in = {.text = w->text};
		struct text_doc doc;
		const char *why;

		if (text_process(&in, &doc, &why) || !doc.lang || strcmp(doc.lang, w->lang))
			w->failures++;
		text_doc_release(&doc);
	}
	return NULL;
}

static void test_concurrent(void **state)
{
	static const char *const files[THREADS] = {
	        "fr-tempete-ysolde.txt", "en-floods-yorkshire.txt", "de-sturmtief-zoltan.txt",
	        "it-vertice-roma.txt"};
	static const char *const langs[THREADS] = {"fr", "en", "de", "it"};
	struct worker w[THREADS];
	pthread_t th[THREADS];
	char *texts[THREADS];
	int i;

	for (i = 0; i < THREADS; i++) {
		texts[i] = read_fixture(files[i]);
		w[i] = (struct worker){.text = texts[i], .lang = langs[i]};
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failures, 0);
		free(texts[i]);
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

/* A page's own <meta> publication time is reported as written, with its
 * origin; a given date wins over it; pages without one give none. */
static void test_html_published_meta(void **state)
{
	static const char *const pages[] = {
	        "<html><head><meta property=\"article:published_time\" "
	        "content=\"2020-05-06T10:00:00Z\"></head><body>",
	        "<html><head><META NAME='date' CONTENT='2020-05-06T10:00:00Z' /></head><body>",
	        "<html><head><meta itemprop=datePublished content=2020-05-06T10:00:00Z>"
	        "</head><body>",
	};
	const char *para = "Les ministres se sont retrouvés mardi à Lisbonne pour une réunion "
	                   "consacrée au climat, la troisième de l'année.";
	struct text_input in = {0};
	struct text_doc doc = TEXT_DOC_INIT;
	const char *why;
	char page[1024];
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		snprintf(page, sizeof(page), "%s<p>%s</p></body></html>", pages[i], para);
		in.html = page;
		in.published_at = NULL;
		assert_int_equal(text_process(&in, &doc, &why), 0);
		assert_non_null(doc.published_at);
		assert_string_equal(doc.published_at, "2020-05-06T10:00:00Z");
		assert_string_equal(doc.published_origin, "metadata");
		text_doc_release(&doc);
		in.published_at = "2021-01-01";
		assert_int_equal(text_process(&in, &doc, &why), 0);
		assert_string_equal(doc.published_at, "2021-01-01");
		assert_string_equal(doc.published_origin, "given");
		text_doc_release(&doc);
	}
	snprintf(page, sizeof(page),
	         "<html><head><meta name=\"description\" content=\"2020-05-06\"></head><body>"
	         "<p>%s</p></body></html>",
	         para);
	in.html = page;
	in.published_at = NULL;
	assert_int_equal(text_process(&in, &doc, &why), 0);
	assert_null(doc.published_at);
	assert_null(doc.published_origin);
	text_doc_release(&doc);
}

/* MinHash: equal texts agree everywhere, a small edit keeps the estimate
 * high, an unrelated text shares almost nothing; band keys follow. */
static void test_minhash(void **state)
{
	const char *a =
	        "Les ministres des Finances de la zone euro se sont réunis lundi à "
	        "Luxembourg pour discuter du budget commun. Selon le commissaire, les "
	        "discussions ont porté sur les règles de dette et sur le financement de la "
	        "transition énergétique. Plusieurs délégations ont jugé les propositions trop "
	        "complexes et ont demandé un calendrier plus réaliste pour leur mise en œuvre.";
	const char *b =
	        "Les ministres des Finances de la zone euro se sont réunis lundi à "
	        "Luxembourg pour discuter du budget commun. Selon le commissaire, les "
	        "discussions ont porté sur les règles de dette et sur le financement de la "
	        "transition énergétique. Plusieurs délégations ont jugé les propositions très "
	        "complexes et ont demandé un calendrier plus réaliste pour leur mise en œuvre.";
	const char *c =
	        "The storm brought heavy rain to the northern coast on Sunday, cutting power "
	        "to thousands of homes and closing several roads, officials said, as rescue "
	        "teams searched for two fishermen reported missing near the harbour.";
	struct text_input in = {0};
	struct text_doc da = TEXT_DOC_INIT, db = TEXT_DOC_INIT, dc = TEXT_DOC_INIT;
	int64_t ba[TEXT_MINHASH_BANDS], bb[TEXT_MINHASH_BANDS];
	const char *why;
	int k, shared = 0;

	in.text = a;
	assert_int_equal(text_process(&in, &da, &why), 0);
	in.text = b;
	assert_int_equal(text_process(&in, &db, &why), 0);
	in.text = c;
	assert_int_equal(text_process(&in, &dc, &why), 0);
	assert_true(text_minhash_similarity(da.minhash, da.minhash) == 1.0);
	assert_true(text_minhash_similarity(da.minhash, db.minhash) >= 0.7);
	assert_true(text_minhash_similarity(da.minhash, db.minhash) < 1.0);
	assert_true(text_minhash_similarity(da.minhash, dc.minhash) < 0.2);
	text_minhash_bands(da.minhash, ba);
	text_minhash_bands(db.minhash, bb);
	for (k = 0; k < TEXT_MINHASH_BANDS; k++) {
		assert_true(ba[k] >= 0);
		shared += ba[k] == bb[k];
	}
	assert_true(shared >= 1); /* the lookup finds the near copy */
	text_minhash_bands(dc.minhash, bb);
	for (k = 0, shared = 0; k < TEXT_MINHASH_BANDS; k++)
		shared += ba[k] == bb[k];
	assert_int_equal(shared, 0);
	text_doc_release(&da);
	text_doc_release(&db);
	text_doc_release(&dc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fixtures),
	        cmocka_unit_test(test_html_details),
	        cmocka_unit_test(test_html_inline),
	        cmocka_unit_test(test_title_suffix),
	        cmocka_unit_test(test_utf8_validation),
	        cmocka_unit_test(test_nfc),
	        cmocka_unit_test(test_normalize_key),
	        cmocka_unit_test(test_line_endings_and_spaces),
	        cmocka_unit_test(test_language_short_and_given),
	        cmocka_unit_test(test_entities_shared_fixtures),
	        cmocka_unit_test(test_entities_inline),
	        cmocka_unit_test(test_entities_cap),
	        cmocka_unit_test(test_simhash_and_hash),
	        cmocka_unit_test(test_word_count),
	        cmocka_unit_test(test_errors_and_inputs),
	        cmocka_unit_test(test_init_errors),
	        cmocka_unit_test(test_concurrent),
	        cmocka_unit_test(test_html_published_meta),
	        cmocka_unit_test(test_minhash),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
