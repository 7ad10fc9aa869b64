/* clean, title, credits and the stopword lists: the boilerplate classifier
 * on short articles written for these tests (fr en de es it pt nl, each with
 * the chrome scraped pages carry), the fixtures of tests/fixtures/articles,
 * and every credit form the agency table knows. Run from the repository
 * root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/text/internal.h"

/* ---- helpers ---- */

/* A classified document: paragraphs, title guess, credits, body. */
struct run {
	struct text_paras ps;
	char *title; /* text_title_guess's paragraph, or NULL */
	char *body;  /* kept paragraphs joined, or NULL when none */
	char *agency, *source, *author;
};

static void run_text(const char *text, const char *lang, const char *url, struct run *r)
{
	long t;
	int err;

	memset(r, 0, sizeof(*r));
	assert_int_equal(text_paras_split(text, &r->ps), 0);
	assert_int_equal(text_paras_classify(&r->ps, lang), 0);
	t = text_title_guess(&r->ps);
	if (t >= 0) {
		r->title = strdup(r->ps.buf + r->ps.v[t].off);
		assert_non_null(r->title);
		text_paras_mark_title(&r->ps, r->title);
	}
	err = text_paras_join(&r->ps, &r->body);
	assert_true(err == 0 || err == -EINVAL);
	assert_int_equal(
	        text_credits_detect(&r->ps, NULL, NULL, url, &r->agency, &r->source, &r->author),
	        0);
}

static void run_free(struct run *r)
{
	text_paras_release(&r->ps);
	free(r->title);
	free(r->body);
	free(r->agency);
	free(r->source);
	free(r->author);
}

static void expect_in(const char *body, const char *const *v)
{
	for (; *v; v++)
		if (!body || !strstr(body, *v))
			fail_msg("lost from the body: \"%s\"", *v);
}

static void expect_out(const char *body, const char *const *v)
{
	for (; *v; v++)
		if (body && strstr(body, *v))
			fail_msg("boilerplate left in the body: \"%s\"", *v);
}

static void expect_str(const char *got, const char *want, const char *what)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(got, want))
		fail_msg("%s: got \"%s\", want \"%s\"", what, got ? got : "(null)",
		         want ? want : "(null)");
}

/* ---- boilerplate, one article per language ---- */

static void test_french(void **state)
{
	static const char text[] =
	        "Rénovation thermique : le gouvernement double l'aide aux copropriétés\n"
	        "Rénovation thermique : le gouvernement double l'aide aux copropriétés\n"
	        "Nous utilisons des cookies pour mesurer l'audience. En continuant, vous "
	        "acceptez leur utilisation.\n"
	        "Par Hélène Marchal avec AFP\n"
	        "Publié le 4 février 2025 à 8h10\n"
	        "Temps de lecture : 3 min\n"
	        "Partager sur Facebook Partager sur X Copier le lien\n"
	        "Un chantier d'isolation à Lyon, le 3 février 2025. (JEAN-PIERRE CLATOT / AFP)\n"
	        "Le gouvernement a annoncé mardi le doublement de l'aide publique destinée aux "
	        "copropriétés qui engagent des travaux de rénovation énergétique, une mesure "
	        "attendue depuis des mois par les syndics et les associations de locataires.\n"
	        "« C'est un signal fort. »\n"
	        "Le dispositif, qui entrera en vigueur au printemps, prendra en charge jusqu'à "
	        "la moitié du coût des travaux pour les immeubles les plus énergivores, selon le "
	        "ministère du Logement.\n"
	        "Des syndics encore prudents\n"
	        "Plusieurs fédérations de syndics ont salué l'annonce tout en réclamant une "
	        "simplification des démarches, jugées trop lourdes pour les petites copropriétés "
	        "qui n'ont pas de conseil syndical structuré.\n"
	        "Lire aussi : Passoires thermiques : ce qui change pour les propriétaires\n"
	        "Le budget consacré à la mesure atteindra 1,2 milliard d'euros en 2025, a "
	        "précisé le ministère, qui espère accompagner 80 000 logements.\n"
	        "Partager cet article\n"
	        "À lire également\n"
	        "Immobilier : les taux de crédit repartent à la baisse\n"
	        "Chauffage : les bons réflexes pour passer l'hiver\n"
	        "Commentaires\n"
	        "Connectez-vous pour réagir à cet article.\n"
	        "© 2025 AFP. Tous droits réservés.\n";
	static const char *const kept[] = {
	        "Le gouvernement a annoncé mardi le doublement",
	        "« C'est un signal fort. »",
	        "Des syndics encore prudents", /* a subheading between good paragraphs */
	        "Plusieurs fédérations de syndics",
	        "Le budget consacré à la mesure", /* after a "Lire aussi" insert */
	        NULL};
	static const char *const gone[] = {"cookies",
	                                   "Hélène Marchal",
	                                   "Publié le",
	                                   "Temps de lecture",
	                                   "Partager",
	                                   "CLATOT",
	                                   "Lire aussi",
	                                   "Passoires",
	                                   "lire également",
	                                   "taux de crédit",
	                                   "Chauffage",
	                                   "Commentaires",
	                                   "Connectez-vous",
	                                   "©",
	                                   NULL};
	struct run r;

	run_text(text, NULL, "https://www.exemple-journal.fr/economie/renovation", &r);
	expect_str(r.title, "Rénovation thermique : le gouvernement double l'aide aux copropriétés",
	           "title");
	expect_in(r.body, kept);
	expect_out(r.body, gone);
	assert_null(strstr(r.body, "Rénovation thermique :")); /* the title, not the body */
	expect_str(r.agency, "AFP", "agency");
	expect_str(r.author, "Hélène Marchal", "author");
	expect_str(r.source, "exemple-journal.fr", "source");
	run_free(&r);
}

static void test_english(void **state)
{
	static const char text[] =
	        "Skip to main content\n"
	        "Harbour tunnel reopens after three-year refit\n"
	        "By Tom Ashworth and Priya Natarajan\n"
	        "Updated 14 May 2024\n"
	        "Share on Facebook\n"
	        "Share on X\n"
	        "Commuters queue at the north entrance on Tuesday. (PA Photo/Ben Birchall)\n"
	        "The city's harbour tunnel reopened to traffic on Tuesday morning after a "
	        "three-year refit that replaced its ventilation system and strengthened the "
	        "roof, cutting journey times across the estuary by up to twenty minutes.\n"
	        "Traffic was light.\n"
	        "Engineers said the work had been completed on budget despite delays caused by "
	        "flooding in the second winter, when water entered the southern approach and "
	        "damaged electrical equipment.\n"
	        "\"It feels like getting a piece of the city back,\" said one driver.\n"
	        "Tolls will remain frozen until next April, the transport authority said in a "
	        "statement, after which a review will decide whether to raise them in line "
	        "with inflation.\n"
	        "Read more:\n"
	        "Bridge closures planned for the summer\n"
	        "Why the ferry timetable keeps changing\n"
	        "Sign up for our morning newsletter\n"
	        "Copyright 2024 The Harbour Gazette. All rights reserved.\n";
	static const char *const kept[] = {"The city's harbour tunnel reopened",
	                                   "Traffic was light.",
	                                   "Engineers said the work",
	                                   "\"It feels like getting a piece of the city back,\"",
	                                   "Tolls will remain frozen",
	                                   NULL};
	static const char *const gone[] = {"Skip to",    "Tom Ashworth", "Updated", "Share",
	                                   "Birchall",   "Read more",    "Bridge",  "ferry",
	                                   "newsletter", "Copyright",    NULL};
	struct run r;

	run_text(text, "en-GB", NULL, &r);
	expect_str(r.title, "Harbour tunnel reopens after three-year refit", "title");
	expect_in(r.body, kept);
	expect_out(r.body, gone);
	expect_str(r.agency, NULL, "agency"); /* a PA photo, staff copy */
	expect_str(r.author, "Tom Ashworth, Priya Natarajan", "author");
	expect_str(r.source, "The Harbour Gazette", "source"); /* the copyright holder */
	run_free(&r);
}

/* Paragraphs dense with names have few stopwords among their words; the
 * names do not count against them (a wire story of three paragraphs, the
 * second naming an official, the third short, once lost both). */
static void test_name_dense_paragraphs(void **state)
{
	static const char text[] =
	        "Ukrainian President Volodymyr Zelenskyy arrived in Berlin on Tuesday for the "
	        "Ukraine Recovery Conference, where Chancellor Friedrich Merz welcomed him. He "
	        "told "
	        "delegates that rebuilding the power grid was the most urgent task.\n\n"
	        "European Commission President Ursula von der Leyen pledged a further 1.4 billion "
	        "euros. Writing on X, Ursula von der Leyen praised the resilience of Ukraine.\n\n"
	        "Friedrich Merz said Germany would deliver more air defence systems before the "
	        "winter. The conference in Berlin ends on Wednesday.\n";
	static const char *const kept[] = {"Ukrainian President", "Ursula von der Leyen pledged",
	                                   "the resilience of Ukraine", "The conference in Berlin",
	                                   NULL};
	struct run r;

	run_text(text, "en", NULL, &r);
	expect_in(r.body, kept);
	run_free(&r);
}

static void test_german(void **state)
{
	static const char text[] =
	        "Startseite › Regional › Bayern\n"
	        "Neue S-Bahn-Linie soll Pendler im Münchner Umland entlasten\n"
	        "Neue S-Bahn-Linie soll Pendler im Münchner Umland entlasten\n"
	        "Wir verwenden Cookies, um unsere Website zu verbessern. Mit einem Klick auf "
	        "Akzeptieren stimmen Sie zu.\n"
	        "Artikel teilen\n"
	        "Lesezeit: 2 Min.\n"
	        "Ein Zug der S-Bahn im Münchner Hauptbahnhof. Foto: Sven Hoppe/dpa\n"
	        "München (dpa) - Der Freistaat Bayern will bis 2030 eine neue S-Bahn-Linie "
	        "zwischen Erding und dem Flughafen bauen. Das Kabinett gab am Dienstag grünes "
	        "Licht für die Planung, die Kosten werden auf rund 900 Millionen Euro geschätzt.\n"
	        "Die neue Strecke soll täglich bis zu 40 000 Fahrgäste befördern und die "
	        "überlasteten Straßen im Osten der Landeshauptstadt entlasten, sagte der "
	        "Verkehrsminister nach der Sitzung.\n"
	        "Mehr zum Thema\n"
	        "Bahnstreik: Was Pendler jetzt wissen müssen\n"
	        "Umweltverbände begrüßten das Vorhaben grundsätzlich, forderten aber einen "
	        "besseren Lärmschutz für die Anwohner entlang der geplanten Trasse.\n"
	        "Anzeige\n"
	        "Kommentare (3)\n"
	        "Alle Rechte vorbehalten.\n";
	static const char *const kept[] = {"München (dpa) - Der Freistaat Bayern",
	                                   "Die neue Strecke soll täglich",
	                                   "Umweltverbände begrüßten das Vorhaben", NULL};
	static const char *const gone[] = {"Startseite", "Cookies",        "teilen",     "Lesezeit",
	                                   "Hoppe",      "Mehr zum Thema", "Bahnstreik", "Anzeige",
	                                   "Kommentare", "Rechte",         NULL};
	struct run r;

	run_text(text, NULL, "https://www.example.de/bayern/s-bahn", &r);
	expect_str(r.title, "Neue S-Bahn-Linie soll Pendler im Münchner Umland entlasten", "title");
	expect_in(r.body, kept);
	expect_out(r.body, gone);
	expect_str(r.agency, "dpa", "agency");
	expect_str(r.source, "example.de", "source");
	run_free(&r);
}

static void test_spanish(void **state)
{
	static const char text[] =
	        "Cierra el último cine de barrio de Zaragoza tras 70 años\n"
	        "Cierra el último cine de barrio de Zaragoza tras 70 años\n"
	        "Utilizamos cookies propias y de terceros. Si continúa navegando, acepta su "
	        "uso.\n"
	        "Zaragoza, 12 ene (EFE).- El cine Venecia, el último cine de barrio que quedaba "
	        "abierto en Zaragoza, proyectó este domingo su última sesión ante una sala "
	        "llena de vecinos que quisieron despedirse de un local que abrió sus puertas "
	        "en 1954.\n"
	        "Sus propietarios explicaron que la caída de espectadores y el aumento de los "
	        "costes hacían imposible mantener la actividad, pese a las ayudas municipales "
	        "recibidas en los últimos años.\n"
	        "\"Aquí vimos nuestra primera película\", recordó una vecina.\n"
	        "Te puede interesar: Las salas de cine recuperan público en 2024\n"
	        "El Ayuntamiento estudia adquirir el edificio para convertirlo en un centro "
	        "cultural, aunque todavía no ha presentado una oferta formal a la familia.\n"
	        "Compartir en WhatsApp\n"
	        "Etiquetas: Cine Zaragoza Cultura\n"
	        "© 2025 Agencia EFE. Todos los derechos reservados.\n";
	static const char *const kept[] = {"Zaragoza, 12 ene (EFE).- El cine Venecia",
	                                   "Sus propietarios explicaron",
	                                   "\"Aquí vimos nuestra primera película\", recordó",
	                                   "El Ayuntamiento estudia", NULL};
	static const char *const gone[] = {
	        "cookies", "Te puede", "salas de cine", "Compartir", "Etiquetas", "derechos", NULL};
	struct run r;

	run_text(text, "es", NULL, &r);
	expect_str(r.title, "Cierra el último cine de barrio de Zaragoza tras 70 años", "title");
	expect_in(r.body, kept);
	expect_out(r.body, gone);
	expect_str(r.agency, "EFE", "agency");
	expect_str(r.source, NULL, "source");
	run_free(&r);
}

static void test_italian(void **state)
{
	static const char text[] =
	        "Questo sito utilizza cookie per migliorare la tua esperienza. Accetta per "
	        "continuare.\n"
	        "Cronaca\n"
	        "Firenze, riapre dopo il restauro la cappella dei Magi\n"
	        "Redazione ANSA\n"
	        "Condividi\n"
	        "(ANSA) - FIRENZE, 3 MAR - Dopo due anni di lavori riapre al pubblico la "
	        "cappella dei Magi di Palazzo Medici Riccardi, con gli affreschi di Benozzo "
	        "Gozzoli riportati ai colori originali grazie a un restauro finanziato da "
	        "una fondazione privata.\n"
	        "Gli ingressi saranno contingentati, con un massimo di quindici visitatori "
	        "ogni venti minuti, per proteggere le pitture dall'umidità.\n"
	        "Leggi anche\n"
	        "Uffizi, record di visitatori nel 2024\n"
	        "I restauratori hanno lavorato con strumenti laser per rimuovere lo sporco "
	        "accumulato in secoli di fumo di candele, senza intaccare la pellicola "
	        "pittorica. (ANSA).\n"
	        "Riproduzione riservata © Copyright ANSA\n";
	static const char *const kept[] = {"(ANSA) - FIRENZE, 3 MAR - Dopo due anni",
	                                   "Gli ingressi saranno contingentati",
	                                   "I restauratori hanno lavorato", NULL};
	static const char *const gone[] = {"cookie",      "Cronaca", "Redazione",    "Condividi",
	                                   "Leggi anche", "Uffizi",  "Riproduzione", NULL};
	struct run r;

	run_text(text, NULL, "https://www.ansa.it/toscana/notizie/2025/03/03/x.html", &r);
	/* the banner and the section name are not the headline */
	expect_str(r.title, "Firenze, riapre dopo il restauro la cappella dei Magi", "title");
	expect_in(r.body, kept);
	expect_out(r.body, gone);
	expect_str(r.agency, "ANSA", "agency");
	expect_str(r.source, "ansa.it", "source");
	run_free(&r);
}

static void test_portuguese_dutch(void **state)
{
	static const char pt[] =
	        "Lisboa vai plantar 20 mil árvores até ao fim do ano\n"
	        "Lisboa vai plantar 20 mil árvores até ao fim do ano\n"
	        "Partilhar no Facebook\n"
	        "Redação, com Lusa\n"
	        "A Câmara Municipal de Lisboa anunciou esta segunda-feira um plano para plantar "
	        "20 mil árvores em todas as freguesias da cidade até ao fim do ano, com "
	        "prioridade para as zonas com menos espaços verdes.\n"
	        "O investimento, de cerca de quatro milhões de euros, inclui a rega automática "
	        "e a manutenção das árvores durante os primeiros três anos.\n"
	        "Leia também: Parques urbanos recebem mais visitantes\n"
	        "Comentários\n"
	        "Todos os direitos reservados.\n";
	static const char nl[] =
	        "Utrecht krijgt grootste fietsenstalling van Europa erbij\n"
	        "Utrecht krijgt grootste fietsenstalling van Europa erbij\n"
	        "Delen via WhatsApp\n"
	        "De gemeente Utrecht heeft dinsdag een nieuwe fietsenstalling geopend onder het "
	        "stationsplein, met plaats voor ruim achtduizend fietsen. De stalling is de "
	        "eerste 24 uur gratis te gebruiken.\n"
	        "Volgens de gemeente was de uitbreiding nodig omdat de bestaande stallingen "
	        "rond het station op drukke dagen helemaal vol staan.\n"
	        "Lees ook: Fietsers klagen over drukte op de Singel\n"
	        "Bron: ANP\n"
	        "Reageer op dit artikel\n";
	struct run r;

	run_text(pt, NULL, NULL, &r);
	expect_in(r.body, (const char *const[]){"A Câmara Municipal de Lisboa anunciou",
	                                        "O investimento, de cerca", NULL});
	expect_out(r.body, (const char *const[]){"Partilhar", "Redação", "Leia", "Comentários",
	                                         "direitos", NULL});
	expect_str(r.agency, "Lusa", "pt agency");
	run_free(&r);

	run_text(nl, NULL, NULL, &r);
	expect_in(r.body, (const char *const[]){"De gemeente Utrecht heeft dinsdag",
	                                        "Volgens de gemeente", NULL});
	expect_out(r.body, (const char *const[]){"Delen", "Lees ook", "Bron", "Reageer", NULL});
	expect_str(r.agency, "ANP", "nl agency");
	run_free(&r);
}

/* A language without a stopword list: length and link density only. */
static void test_language_without_list(void **state)
{
	static const char text[] =
	        "Share\n"
	        "Ankara'da yeni metro hattı hizmete girdi ve ilk gün binlerce yolcu taşıdı. "
	        "Belediye başkanı açılış töreninde hattın şehir merkezini üniversite "
	        "kampüsüne yirmi dakikada bağladığını söyledi ve yeni hatların da yolda "
	        "olduğunu ekledi.\n"
	        "Print\n";
	struct run r;

	run_text(text, "tr", NULL, &r);
	expect_in(r.body, (const char *const[]){"Ankara'da yeni metro", NULL});
	expect_out(r.body, (const char *const[]){"Share", "Print", NULL});
	run_free(&r);
}

/* Too small for context: a sentence or two stay. */
static void test_small_texts(void **state)
{
	struct run r;

	run_text("Le président a parlé longuement mardi devant les députés.", NULL, NULL, &r);
	assert_string_equal(r.body, "Le président a parlé longuement mardi devant les députés.");
	assert_null(r.title); /* a single paragraph is a body, not a title */
	run_free(&r);

	run_text("Bonjour le monde\nPartager", NULL, NULL, &r);
	assert_string_equal(r.body, "Bonjour le monde");
	run_free(&r);

	/* nothing but chrome: nothing left */
	run_text("Partager\nImprimer\n© 2024 AFP", NULL, NULL, &r);
	assert_null(r.body);
	expect_str(r.agency, "AFP", "agency");
	run_free(&r);
}

/* More paragraphs than the classifier keeps on its stack. */
static void test_long_page(void **state)
{
	char *text = malloc(64 * 1024), *p = text;
	struct run r;
	int i;

	assert_non_null(text);
	p += sprintf(p, "Partager\nLe long récit d'une journée au marché\n");
	for (i = 0; i < 150; i++)
		p += sprintf(p,
		             "Paragraphe %d : les marchands ont installé leurs étals dès l'aube et "
		             "les premiers clients sont arrivés peu après, attirés par les "
		             "fruits de saison et par le pain encore chaud du boulanger.\n",
		             i);
	sprintf(p, "Partager cet article\n© 2025 Le Journal\n");
	run_text(text, NULL, NULL, &r);
	expect_str(r.title, "Le long récit d'une journée au marché", "title");
	expect_in(r.body, (const char *const[]){"Paragraphe 0 :", "Paragraphe 149 :", NULL});
	expect_out(r.body, (const char *const[]){"Partager", "©", NULL});
	expect_str(r.source, "Le Journal", "source");
	run_free(&r);
	free(text);
}

/* HTML paragraphs: link density and heading tags. */
static void test_structured(void **state)
{
	static const char text[] =
	        "Accueil Monde Économie Sport Culture\n"
	        "Le Sénat adopte la réforme du code minier\n"
	        "Le Sénat a adopté dans la nuit de mardi à mercredi la réforme du code minier, "
	        "qui impose aux exploitants de nouvelles garanties financières pour la remise "
	        "en état des sites et renforce la consultation des habitants.\n"
	        "Un texte attendu\n"
	        "Le projet de loi, présenté il y a deux ans, avait été plusieurs fois repoussé "
	        "en raison de désaccords entre les groupes de la majorité sur le calendrier des "
	        "nouvelles obligations imposées aux industriels.\n"
	        "Les dernières infos sur le code minier et la transition écologique\n";
	struct run r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(text_paras_split(text, &r.ps), 0);
	r.ps.v[0].link_chars = (unsigned)r.ps.v[0].len; /* a menu: all links */
	r.ps.v[1].tag = TEXT_TAG_H;
	r.ps.v[3].tag = TEXT_TAG_H;
	r.ps.v[5].link_chars = (unsigned)r.ps.v[5].len;
	assert_int_equal(text_paras_classify(&r.ps, "fr"), 0);
	assert_int_equal(text_title_guess(&r.ps), 1); /* the <h1>, not the menu */
	assert_true(r.ps.v[1].headline);
	assert_true(r.ps.v[0].boiler);
	assert_false(r.ps.v[2].boiler);
	assert_false(r.ps.v[3].boiler); /* <h2> between good paragraphs */
	assert_false(r.ps.v[4].boiler);
	assert_true(r.ps.v[5].boiler); /* a link */
	run_free(&r);
}

/* ---- fixtures ---- */

static void test_shared_fixtures(void **state)
{
	static const struct {
		const char *file, *title, *agency, *source;
		const char *kept[3], *gone[9];
	} cases[] = {
	        {"shared-fr-news-1.txt",
	         "Poutine et Trump vont poursuivre leurs contacts \"utiles\" annonce le Kremlin",
	         "AFP",
	         NULL,
	         {"Le président russe Vladimir Poutine", "a ajouté M. Ouchakov.", NULL},
	         {"Tous droits", "Par AFP", "Partager", "découvrir", "Orbán", "Frappes", "AIEA",
	          NULL}},
	        {"shared-fr-news-2.txt",
	         "Trump a proposé à Poutine une rencontre à la Maison Blanche, selon le Kremlin",
	         "AFP",
	         "franceinfo",
	         {"Cette proposition n'a pour l'instant", /* the standfirst */
	          "\"Aucune discussion concrète sur les délais de la rencontre\"", NULL},
	         {"Cet article date", "Article rédigé", "France Télévisions", "Publié",
	          "Temps de lecture", "SAUL LOEB", "Commentaires", "Connectez-vous"}},
	        {"shared-fr-news-3.txt",
	         "Faudra-t-il s’attendre à des percées dans les relations russo-US? Le Kremlin "
	         "répond",
	         NULL,
	         "Sputnik",
	         {"Selon le porte-parole du Président russe", "en Argentine fin novembre.", NULL},
	         {"Ecoutez", "Donald Trump et Vladimir Poutine\n", "Sergey Guneev", "International",
	          "URL courte", "2111", "Lire aussi", "Commenter"}},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *raw = read_fixture(cases[i].file), *nfc = NULL;
		struct run r;

		assert_int_equal(text_nfc_n(raw, strlen(raw), &nfc), 0);
		run_text(nfc, NULL, NULL, &r);
		expect_str(r.title, cases[i].title, cases[i].file);
		expect_in(r.body, cases[i].kept);
		expect_out(r.body, cases[i].gone);
		expect_str(r.agency, cases[i].agency, cases[i].file);
		expect_str(r.source, cases[i].source, cases[i].file);
		run_free(&r);
		free(raw);
		free(nfc);
	}
}

/* Every plain-text fixture: title found, agency as credited, no chrome. */
static void test_all_fixtures(void **state)
{
	static const struct {
		const char *file, *agency, *source, *author;
	} cases[] = {
	        {"de-ezb-zinsen.txt", "AFP", NULL, NULL},
	        {"de-landtag-magdeburg.txt", "dpa", NULL, NULL},
	        {"de-meeresforschung-kiel.txt", NULL, NULL, "Jana Petersen"},
	        {"de-sturmtief-zoltan.txt", "AFP", NULL, NULL},
	        {"en-floods-yorkshire.txt", "Reuters", NULL, NULL},
	        {"en-hurricane-bahamas.txt", "AP", NULL, NULL},
	        {"en-supreme-court-water.txt", "Reuters", NULL, "Sarah Whitcombe"},
	        {"en-trade-talks-geneva.txt", "AFP", NULL, NULL},
	        {"es-dana-valencia.txt", NULL, "Diario del Turia", "Carmen Ruiz Almansa"},
	        {"es-elecciones-asturias.txt", "AFP", NULL, NULL},
	        {"es-maraton-barcelona.txt", "EFE", NULL, NULL},
	        {"fr-bourse-paris.txt", "AFP", NULL, NULL},
	        {"fr-jazz-marciac.txt", NULL, NULL, "Marion Lefèvre"},
	        {"fr-municipale-nantes.txt", "AFP", NULL, NULL},
	        {"fr-proces-grenoble.txt", "AFP", "L'Écho des Alpes", NULL},
	        {"fr-sommet-lisbonne.txt", "AFP", NULL, NULL},
	        {"fr-tempete-ysolde.txt", "AFP", NULL, NULL},
	        {"it-istat-inflazione.txt", "Reuters", NULL, NULL},
	        {"it-processo-milano.txt", "ANSA", NULL, NULL},
	        {"it-vertice-roma.txt", "AFP", NULL, NULL},
	        {"nl-akkoord-marokko.txt", "Reuters", NULL, NULL},
	        {"pt-mau-tempo-porto.txt", "AFP", NULL, NULL},
	};
	static const char *const chrome[] = {
	        "cookie",    "Cookie",    "Partager",    "Share this",  "Compartir",
	        "Condividi", "Partilh",   "Delen",       "©",           "Lire aussi",
	        "Read more", "Lesen Sie", "Lee también", "Leggi anche", "Leia também",
	        "Lees ook",  "/ AFP)",    "Foto:",       NULL};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *raw = read_fixture(cases[i].file), *nfc = NULL, *line;
		struct run r;

		assert_int_equal(text_nfc_n(raw, strlen(raw), &nfc), 0);
		run_text(nfc, NULL, NULL, &r);
		/* the headline is the fixture's first line, printed twice */
		line = strndup(nfc, strcspn(nfc, "\n"));
		if (strstr(cases[i].file, "jazz")) { /* a breadcrumb comes first */
			free(line);
			line = strdup("Jazz in Marciac referme ses portes sur un record de "
			              "fréquentation");
		}
		expect_str(r.title, line, cases[i].file);
		expect_out(r.body, chrome);
		if (!r.body || strlen(r.body) < 500)
			fail_msg("%s: body too short", cases[i].file);
		expect_str(r.agency, cases[i].agency, cases[i].file);
		expect_str(r.source, cases[i].source, cases[i].file);
		expect_str(r.author, cases[i].author, cases[i].file);
		free(line);
		run_free(&r);
		free(raw);
		free(nfc);
	}
}

/* ---- title ---- */

static void test_titles(void **state)
{
	struct run r;

	/* a banner, then a caption naming people, then the headline */
	run_text("Cet article date de plus de six ans.\n"
	         "Emmanuel Macron et Olaf Scholz\n"
	         "Paris et Berlin relancent le projet d'avion de combat commun\n"
	         "Les deux pays ont annoncé lundi la reprise des discussions sur le programme, "
	         "gelé depuis l'automne en raison de désaccords industriels.\n",
	         NULL, NULL, &r);
	expect_str(r.title, "Paris et Berlin relancent le projet d'avion de combat commun",
	           "title");
	run_free(&r);

	/* the first line is a sentence: the body has begun, there is no title */
	run_text("Les deux pays ont annoncé lundi la reprise des discussions.\n"
	         "Paris et Berlin relancent le projet\n"
	         "Le programme était gelé depuis l'automne en raison de désaccords.\n",
	         NULL, NULL, &r);
	assert_null(r.title);
	run_free(&r);

	/* a question is a headline */
	run_text("Faut-il craindre une nouvelle hausse des prix de l'énergie ?\n"
	         "Les fournisseurs ont annoncé de nouveaux tarifs pour le mois prochain, en "
	         "hausse de 4 % en moyenne selon le régulateur.\n",
	         NULL, NULL, &r);
	expect_str(r.title, "Faut-il craindre une nouvelle hausse des prix de l'énergie ?",
	           "title");
	run_free(&r);
}

static void test_title_from_html(void **state)
{
	int err;
	char *t = text_title_from_html("Pompei, riaffiora una domus - Cultura - Il Corriere", &err);

	assert_string_equal(t, "Pompei, riaffiora una domus");
	free(t);
	t = text_title_from_html("Macron - Merkel", &err);
	assert_string_equal(t, "Macron - Merkel");
	free(t);
}

/* ---- credits ---- */

static void test_credit_forms(void **state)
{
	static const struct {
		const char *text, *agency, *source, *author;
	} cases[] = {
	        {"Par AFP", "AFP", NULL, NULL},
	        {"Par Jean Dupont avec AFP", "AFP", NULL, "Jean Dupont"},
	        {"(avec AFP)", "AFP", NULL, NULL},
	        {"Article rédigé par franceinfo avec AFP", "AFP", "franceinfo", NULL},
	        {"PARIS (AFP) - Le gouvernement a présenté mardi son projet de budget.", "AFP",
	         NULL, NULL},
	        {"WASHINGTON (Reuters) - The Senate passed the bill late on Tuesday.", "Reuters",
	         NULL, NULL},
	        {"NEW YORK (AP) — Stocks rose on Wall Street on Friday.", "AP", NULL, NULL},
	        {"Berlin (dpa) - Die Bundesregierung hat am Mittwoch beschlossen.", "dpa", NULL,
	         NULL},
	        {"(ANSA) - ROMA, 5 MAG - Il governo ha approvato il decreto.", "ANSA", NULL, NULL},
	        {"Madrid, 3 feb (EFE).- El Gobierno aprobó hoy el decreto.", "EFE", NULL, NULL},
	        {"By Reuters", "Reuters", NULL, NULL},
	        {"© Sputnik", NULL, "Sputnik", NULL},
	        {"© 2024 Agence France-Presse", "AFP", NULL, NULL},
	        {"Copyright 2025 The Associated Press. All rights reserved.", "AP", NULL, NULL},
	        {"Source : Belga", "Belga", NULL, NULL},
	        {"Quelle: Keystone-SDA", "Keystone-SDA", NULL, NULL},
	        {"Mit Material von Bloomberg", "Bloomberg", NULL, NULL},
	        {"Agencia EFE · Santo Domingo", "EFE", NULL, NULL},
	        {"Bron: ANP", "ANP", NULL, NULL},
	        {"Von Anna Schmidt und Peter Weber", NULL, NULL, "Anna Schmidt, Peter Weber"},
	        {"Por María José García", NULL, NULL, "María José García"},
	        {"By PIETER MULDER Associated Press", "AP", NULL, "PIETER MULDER"},
	        {"Par Julie Martin, AFP", "AFP", NULL, "Julie Martin"},
	        {"Le Courrier de l'Ouest avec AFP", "AFP", "Le Courrier de l'Ouest", NULL},
	        /* photo credits alone: no agency */
	        {"Le président à l'Élysée, le 3 mai. (SAUL LOEB / AFP)", NULL, NULL, NULL},
	        {"Ein Zug im Hauptbahnhof. Foto: Sven Hoppe/dpa", NULL, NULL, NULL},
	        {"Oil tanks in Texas. REUTERS/Jane Smith", NULL, NULL, NULL},
	        {"Waves crash in Nassau. (AP Photo/Tomas Reyes)", NULL, NULL, NULL},
	        {"© AFP / Ludovic Marin", NULL, NULL, NULL},
	        /* mentions are not credits */
	        {"Un porte-parole a déclaré à l'AFP que la décision serait connue lundi.", NULL,
	         NULL, NULL},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *agency, *source, *author;
		struct text_paras ps = TEXT_PARAS_INIT;

		assert_int_equal(text_paras_split(cases[i].text, &ps), 0);
		/* a credit line on its own is boilerplate; a dateline is body text */
		ps.v[0].boiler =
		        strchr(cases[i].text, '-') == NULL || !strstr(cases[i].text, ") -");
		assert_int_equal(
		        text_credits_detect(&ps, NULL, NULL, NULL, &agency, &source, &author), 0);
		expect_str(agency, cases[i].agency, cases[i].text);
		expect_str(source, cases[i].source, cases[i].text);
		expect_str(author, cases[i].author, cases[i].text);
		free(agency);
		free(source);
		free(author);
		text_paras_release(&ps);
	}
}

static void test_photo_vs_byline(void **state)
{
	struct run r;

	/* a wire photo on staff copy */
	run_text("Le maire inaugure la médiathèque\n"
	         "Le maire devant la médiathèque, le 2 juin. (JEFF PACHOUD / AFP)\n"
	         "La nouvelle médiathèque du quartier Saint-Jean a ouvert ses portes samedi, "
	         "après deux ans de travaux et un investissement de huit millions d'euros "
	         "financé par la ville et la région.\n",
	         NULL, NULL, &r);
	assert_null(r.agency);
	assert_null(strstr(r.body, "PACHOUD"));
	run_free(&r);

	/* the byline is the credit, the photo is someone else's */
	run_text("Storm cuts power to thousands\n"
	         "By Reuters\n"
	         "A fallen tree in Leeds. (OLI SCARFF / AFP)\n"
	         "Thousands of homes were without power on Monday after a storm brought down "
	         "trees and power lines across the north of England, the network operator said.\n",
	         NULL, NULL, &r);
	expect_str(r.agency, "Reuters", "agency");
	run_free(&r);
}

static void test_sources(void **state)
{
	static const struct {
		const char *url, *domain;
	} urls[] = {
	        {"https://www.lemonde.fr/international/article/2024/x.html", "lemonde.fr"},
	        {"http://news.bbc.co.uk/2/hi/europe/1.stm", "bbc.co.uk"},
	        {"https://user:pw@Edition.CNN.com:443/x?y#z", "cnn.com"},
	        {"https://g1.globo.com.br/economia", "globo.com.br"},
	        {"https://example.org", "example.org"},
	        {"//www.spiegel.de/politik", "spiegel.de"},
	        {"https://localhost/x", "localhost"},
	        {"https://bbc.co.uk/news", "bbc.co.uk"},
	        {"https://a.b.example.com.au/x", "example.com.au"},
	        {"https://www.service-public.gouv.fr/particuliers", "service-public.gouv.fr"},
	        {"https://co.uk/", "co.uk"},
	        {"http://192.168.1.20/page", NULL},
	};
	struct text_paras ps = TEXT_PARAS_INIT;
	char *agency, *source, *author;
	size_t i;

	assert_int_equal(text_paras_split("Par AFP\nUn texte quelconque ici.", &ps), 0);
	ps.v[0].boiler = true;
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		assert_int_equal(text_credits_detect(&ps, NULL, NULL, urls[i].url, &agency, &source,
		                                     &author),
		                 0);
		expect_str(source, urls[i].domain, urls[i].url);
		expect_str(agency, "AFP", "agency");
		free(agency);
		free(source);
		free(author);
	}
	/* given source, then metadata, then the URL */
	assert_int_equal(text_credits_detect(&ps, "  Le  Monde ", "lemonde.fr site",
	                                     "https://www.lemonde.fr/", &agency, &source, &author),
	                 0);
	assert_string_equal(source, "Le Monde");
	free(agency);
	free(source);
	free(author);
	assert_int_equal(text_credits_detect(&ps, NULL, "Le Monde", "https://www.lemonde.fr/",
	                                     &agency, &source, &author),
	                 0);
	assert_string_equal(source, "Le Monde");
	free(agency);
	free(source);
	free(author);
	text_paras_release(&ps);
}

static void test_credit_helpers(void **state)
{
	size_t alen = 0;

	assert_string_equal(text_credit_agency("Agence France-Presse.", 21, &alen), "AFP");
	assert_int_equal(alen, 20);
	assert_string_equal(text_credit_agency("Associated Press", 16, &alen), "AP");
	assert_string_equal(text_credit_agency("REUTERS/Jane", 12, &alen), "Reuters");
	assert_null(text_credit_agency("Afp", 3, &alen));     /* acronyms as written */
	assert_null(text_credit_agency("APEC", 4, &alen));    /* whole words */
	assert_null(text_credit_agency("Sputnik", 7, &alen)); /* a publisher, not an agency */
	assert_true(text_credit_photo("Un titre (SAUL LOEB / AFP)", 26, 6) > 0);
	assert_true(text_credit_photo("Une vitesse de 30 km/h (30 km/h)", 32, 6) < 0);
	assert_true(text_credit_line("Par Marion Lefèvre", strlen("Par Marion Lefèvre"), 3));
	assert_false(text_credit_line("Par ailleurs, il a démissionné.", 32, 5));
	assert_false(text_credit_line("By the end of the year, prices rose.", 36, 8));
}

/* ---- word lists ---- */

static void test_stopwords(void **state)
{
	static const char *const langs[] = {"fr", "en", "de", "es", "it", "pt", "nl"};
	size_t i;

	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		assert_true(text_lex_stop_lang(langs[i]) >= 0);
	assert_int_equal(text_lex_stop_lang("tr"), -1);
	assert_int_equal(text_lex_stop_lang(NULL), -1);
	assert_true(text_lex_is_stopword("fr", "les"));
	assert_true(text_lex_is_stopword("fr", "apres")); /* "après", folded */
	assert_true(text_lex_is_stopword("fr", "mardi")); /* calendar words too */
	assert_true(text_lex_is_stopword("de", "und"));
	assert_true(text_lex_is_stopword("de", "uber"));
	assert_true(text_lex_is_stopword("es", "porque"));
	assert_true(text_lex_is_stopword("it", "della"));
	assert_true(text_lex_is_stopword("pt", "nao"));
	assert_true(text_lex_is_stopword("nl", "het"));
	assert_true(text_lex_is_stopword("en", "the"));
	assert_false(text_lex_is_stopword("en", "kremlin"));
	assert_false(text_lex_is_stopword("fr", "the"));
	assert_true(text_lex_is_stopword(NULL, "the")); /* any list */
	assert_true(text_lex_stop_mask("und", 3) >> text_lex_stop_lang("de") & 1);
	assert_int_equal(text_lex_stop_mask("zzzq", 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_french),
	        cmocka_unit_test(test_english),
	        cmocka_unit_test(test_name_dense_paragraphs),
	        cmocka_unit_test(test_german),
	        cmocka_unit_test(test_spanish),
	        cmocka_unit_test(test_italian),
	        cmocka_unit_test(test_portuguese_dutch),
	        cmocka_unit_test(test_language_without_list),
	        cmocka_unit_test(test_small_texts),
	        cmocka_unit_test(test_long_page),
	        cmocka_unit_test(test_structured),
	        cmocka_unit_test(test_shared_fixtures),
	        cmocka_unit_test(test_all_fixtures),
	        cmocka_unit_test(test_titles),
	        cmocka_unit_test(test_title_from_html),
	        cmocka_unit_test(test_credit_forms),
	        cmocka_unit_test(test_photo_vs_byline),
	        cmocka_unit_test(test_sources),
	        cmocka_unit_test(test_credit_helpers),
	        cmocka_unit_test(test_stopwords),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
