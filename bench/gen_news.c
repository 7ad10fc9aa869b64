/* Synthetic multilingual news for the ingestion-at-scale benchmark
 * (bench/ingest_scale.sh). No network, deterministic for a seed.
 *
 * The world: happenings (a kind, a day, two or three participants drawn from
 * pools of people, places and organisations with a Zipf popularity, a few
 * topic words), each reported by 1-10 articles (rarely more) in French,
 * English, German and Spanish from several sources, published on the day of
 * the happening or the two days after. About 1,400 articles a day, so N
 * stored articles span N / 1,400 days. Places have their names in each
 * language (Londres, London, Londres; Munich, München, Múnich), so linking
 * across languages matters; people keep their name everywhere.
 *
 *   gen_news pool SEED
 *       the entity pool as TSV: idx kind name norm lang-forms
 *   gen_news preload N SEED MAP OUTDIR
 *       COPY files of N stored articles (articles, mentions, bands, events,
 *       event_entities, stories, state) for a database migrated by `newsd
 *       migrate`; MAP maps pool indexes to entity ids (idx TAB id lines)
 *   gen_news articles N SEED STORED
 *       N fresh articles as NDJSON (POST /jobs items) that follow a corpus
 *       of STORED preloaded ones: new happenings on the next days, follow-up
 *       reports of the last stored days' happenings, a few late reports of
 *       older ones, and syndicated copies (near duplicates).
 *
 * Stored rows match what the pipeline writes for such articles (term
 * vectors through the pipeline's own stemmer and hash, MinHash bands
 * through its band function, mention spans, event centroids ranked by
 * TF-IDF with the document frequencies known when they were written) but
 * bodies are cut to their first paragraphs (the full-text index stays
 * realistic per article, smaller in total).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Lead sentences and organisation names come from format tables. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#include "../server/text/internal.h"
#include "text.h"

#define LANGS 4
#define PER_DAY 1400
#define END_DAY 19874 /* 2024-05-31: the last stored day */
#define PSEUDO 20000
#define MAXW 1400 /* words of one article */

static const char *const LANG[LANGS] = {"fr", "en", "de", "es"};

/* ---- random numbers: splitmix64, one stream per purpose ---- */

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix(r->s);
}

static double unif(struct rng *r)
{
	return (double)(next(r) >> 11) / 9007199254740992.0;
}

static int below(struct rng *r, int n)
{
	return (int)(unif(r) * n);
}

static struct rng stream(uint64_t seed, uint64_t a, uint64_t b)
{
	return (struct rng){mix(mix(seed) ^ mix(a * 0x51ed2701ULL + b))};
}

/* Zipf-like draw over 0..n-1 (exponent about 1). */
static int zipf(struct rng *r, int n)
{
	double u = unif(r);
	int k = (int)floor(exp(u * log((double)n + 1.0))) - 1;

	return k < 0 ? 0 : k >= n ? n - 1 : k;
}

/* ---- vocabulary ---- */

static const char *const FIRST[LANGS][24] = {
        {"Jean",     "Marie",   "Pierre",   "Sophie",   "Nicolas", "Isabelle",
         "François", "Camille", "Philippe", "Nathalie", "Julien",  "Élise",
         "Laurent",  "Claire",  "Olivier",  "Hélène",   "Thierry", "Margaux",
         "Antoine",  "Céline",  "Bertrand", "Agnès",    "Rémi",    "Juliette"},
        {"John",   "Sarah",   "Michael", "Emily",  "David",   "Laura",   "James",  "Rachel",
         "Robert", "Hannah",  "Thomas",  "Olivia", "Richard", "Grace",   "Andrew", "Charlotte",
         "Peter",  "Rebecca", "Simon",   "Alice",  "Daniel",  "Jessica", "Edward", "Victoria"},
        {"Klaus",    "Anna",   "Jürgen",  "Katrin",  "Stefan", "Ursula",   "Matthias", "Sabine",
         "Wolfgang", "Birgit", "Andreas", "Monika",  "Uwe",    "Heike",    "Frank",    "Petra",
         "Günter",   "Ingrid", "Lars",    "Susanne", "Jörg",   "Angelika", "Dieter",   "Franziska"},
        {"Carlos",  "María",   "José",      "Lucía",   "Javier", "Carmen", "Miguel",   "Isabel",
         "Antonio", "Pilar",   "Alejandro", "Elena",   "Manuel", "Rocío",  "Fernando", "Teresa",
         "Sergio",  "Dolores", "Raúl",      "Beatriz", "Andrés", "Marta",  "Ignacio",  "Inés"}};

static const char *const LAST[LANGS][30] = {
        {"Dupont",   "Lefèvre",    "Moreau",    "Girard",  "Lambert",   "Fontaine",
         "Rousseau", "Mercier",    "Blanchard", "Garnier", "Chevalier", "Faure",
         "Perrin",   "Morel",      "Giraud",    "Bonnet",  "Dufour",    "Masson",
         "Marchand", "Duval",      "Renaud",    "Lacroix", "Brunet",    "Roussel",
         "Vasseur",  "Carpentier", "Leclerc",   "Picard",  "Aubert",    "Delmas"},
        {"Thompson",  "Whitfield",  "Harrington", "Collins",  "Bradshaw",  "Pemberton",
         "Fletcher",  "Holloway",   "Ashworth",   "Caldwell", "Donovan",   "Ellison",
         "Granger",   "Hartley",    "Kendall",    "Lockwood", "Mitchell",  "Norwood",
         "Prescott",  "Radcliffe",  "Sutton",     "Thornton", "Underwood", "Wainwright",
         "Blackwood", "Carrington", "Dempsey",    "Fairfax",  "Hawthorne", "Langley"},
        {"Schneider",  "Hoffmann", "Becker", "Wagner",   "Schäfer", "Koch",
         "Richter",    "Klein",    "Wolff",  "Schröder", "Neumann", "Schwarz",
         "Zimmermann", "Braun",    "Krüger", "Hartmann", "Lange",   "Werner",
         "Krause",     "Lehmann",  "Köhler", "Vogt",     "Brandt",  "Haas",
         "Dietrich",   "Kuhn",     "Pohl",   "Engel",    "Horn",    "Seidel"},
        {"García",    "Fernández", "González", "Rodríguez", "López",   "Martínez",
         "Sánchez",   "Pérez",     "Gómez",    "Martín",    "Jiménez", "Ruiz",
         "Hernández", "Díaz",      "Moreno",   "Álvarez",   "Romero",  "Navarro",
         "Torres",    "Domínguez", "Vázquez",  "Ramos",     "Gil",     "Serrano",
         "Blanco",    "Molina",    "Morales",  "Suárez",    "Ortega",  "Delgado"}};

/* Places in fr, en, de, es (one name when the same everywhere). */
static const char *const PLACES[][LANGS] = {
        {"Londres", "London", "London", "Londres"},
        {"Munich", "Munich", "München", "Múnich"},
        {"Cologne", "Cologne", "Köln", "Colonia"},
        {"Vienne", "Vienna", "Wien", "Viena"},
        {"Genève", "Geneva", "Genf", "Ginebra"},
        {"Varsovie", "Warsaw", "Warschau", "Varsovia"},
        {"Moscou", "Moscow", "Moskau", "Moscú"},
        {"Bruxelles", "Brussels", "Brüssel", "Bruselas"},
        {"Lisbonne", "Lisbon", "Lissabon", "Lisboa"},
        {"Séville", "Seville", "Sevilla", "Sevilla"},
        {"Venise", "Venice", "Venedig", "Venecia"},
        {"Florence", "Florence", "Florenz", "Florencia"},
        {"Athènes", "Athens", "Athen", "Atenas"},
        {"Copenhague", "Copenhagen", "Kopenhagen", "Copenhague"},
        {"Prague", "Prague", "Prag", "Praga"},
        {"Le Caire", "Cairo", "Kairo", "El Cairo"},
        {"Pékin", "Beijing", "Peking", "Pekín"},
        {"Nouvelle-Delhi", "New Delhi", "Neu-Delhi", "Nueva Delhi"},
        {"Barcelone", "Barcelona", "Barcelona", "Barcelona"},
        {"Milan", "Milan", "Mailand", "Milán"},
        {"Naples", "Naples", "Neapel", "Nápoles"},
        {"Turin", "Turin", "Turin", "Turín"},
        {"Anvers", "Antwerp", "Antwerpen", "Amberes"},
        {"La Haye", "The Hague", "Den Haag", "La Haya"},
        {"Bucarest", "Bucharest", "Bukarest", "Bucarest"},
        {"Belgrade", "Belgrade", "Belgrad", "Belgrado"},
        {"Stockholm", "Stockholm", "Stockholm", "Estocolmo"},
        {"Édimbourg", "Edinburgh", "Edinburgh", "Edimburgo"},
        {"Paris"},
        {"Berlin"},
        {"Madrid"},
        {"Rome", "Rome", "Rom", "Roma"},
        {"Lyon"},
        {"Marseille", "Marseille", "Marseille", "Marsella"},
        {"Toulouse"},
        {"Bordeaux"},
        {"Lille"},
        {"Nantes"},
        {"Strasbourg", "Strasbourg", "Straßburg", "Estrasburgo"},
        {"Hambourg", "Hamburg", "Hamburg", "Hamburgo"},
        {"Francfort", "Frankfurt", "Frankfurt", "Fráncfort"},
        {"Stuttgart"},
        {"Dresde", "Dresden", "Dresden", "Dresde"},
        {"Leipzig"},
        {"Brême", "Bremen", "Bremen", "Bremen"},
        {"Valence", "Valencia", "Valencia", "Valencia"},
        {"Bilbao"},
        {"Saragosse", "Zaragoza", "Saragossa", "Zaragoza"},
        {"Malaga", "Malaga", "Málaga", "Málaga"},
        {"Manchester"},
        {"Liverpool"},
        {"Birmingham"},
        {"Glasgow"},
        {"Dublin", "Dublin", "Dublin", "Dublín"},
        {"Oslo"},
        {"Helsinki"},
        {"Budapest"},
        {"Zurich", "Zurich", "Zürich", "Zúrich"},
        {"Amsterdam", "Amsterdam", "Amsterdam", "Ámsterdam"},
        {"Rotterdam"},
        {"Porto", "Porto", "Porto", "Oporto"},
        {"Montréal", "Montreal", "Montreal", "Montreal"},
        {"Québec", "Quebec", "Québec", "Quebec"},
        {"Tokyo", "Tokyo", "Tokio", "Tokio"},
        {"Séoul", "Seoul", "Seoul", "Seúl"},
        {"Dakar"},
        {"Abidjan"},
        {"Nairobi"},
        {"Lagos"},
        {"Buenos Aires"},
        {"Lima"},
        {"Bogota", "Bogotá", "Bogotá", "Bogotá"},
        {"Santiago"},
        {"Mexico", "Mexico City", "Mexiko-Stadt", "Ciudad de México"},
        {"Washington"},
        {"New York", "New York", "New York", "Nueva York"},
        {"Chicago"},
        {"Toronto"},
        {"Sydney", "Sydney", "Sydney", "Sídney"},
        {"Istanbul", "Istanbul", "Istanbul", "Estambul"},
        {"Ankara"},
        {"Kiev", "Kyiv", "Kiew", "Kiev"},
        {"Minsk"},
        {"Riga"},
        {"Vilnius"},
        {"Tallinn"},
        {"Sofia", "Sofia", "Sofia", "Sofía"},
        {"Zagreb"},
        {"Ljubljana", "Ljubljana", "Laibach", "Liubliana"},
        {"Bratislava"},
        {"Cracovie", "Krakow", "Krakau", "Cracovia"},
        {"Gdansk", "Gdansk", "Danzig", "Gdansk"},
        {"Marrakech", "Marrakesh", "Marrakesch", "Marrakech"},
        {"Tunis", "Tunis", "Tunis", "Túnez"},
        {"Alger", "Algiers", "Algier", "Argel"},
        {"Beyrouth", "Beirut", "Beirut", "Beirut"},
        {"Jérusalem", "Jerusalem", "Jerusalem", "Jerusalén"},
        {"Téhéran", "Tehran", "Teheran", "Teherán"},
        {"Bagdad", "Baghdad", "Bagdad", "Bagdad"},
        {"Doha"},
        {"Dubaï", "Dubai", "Dubai", "Dubái"},
        {"Riyad", "Riyadh", "Riad", "Riad"},
        {"Bangkok"},
        {"Manille", "Manila", "Manila", "Manila"},
        {"Jakarta", "Jakarta", "Jakarta", "Yakarta"},
        {"Singapour", "Singapore", "Singapur", "Singapur"},
        {"Hanoï", "Hanoi", "Hanoi", "Hanói"},
        {"Shanghai", "Shanghai", "Shanghai", "Shanghái"},
        {"Bombay", "Mumbai", "Mumbai", "Bombay"},
        {"Karachi"},
        {"Kaboul", "Kabul", "Kabul", "Kabul"}};
#define N_PLACES ((int)(sizeof(PLACES) / sizeof(PLACES[0])))

static const char *const ORG_PAT[LANGS][6] = {
        {"Groupe %s", "Banque %s", "Fondation %s", "Institut %s", "%s Industries", "Crédit %s"},
        {"%s Holdings", "%s Bank", "%s Foundation", "%s Institute", "%s Industries", "%s Capital"},
        {"%s AG", "%s Bank", "%s Stiftung", "%s Werke", "%s Gruppe", "%s Versicherung"},
        {"Grupo %s", "Banco %s", "Fundación %s", "Instituto %s", "%s Industrias", "Seguros %s"}};
#define N_ORGS (LANGS * 6 * 30)

/* Kinds: a trigger noun per language, as the pipeline's tables have them. */
static const char *const KIND[][LANGS + 1] = {
        {"meeting", "sommet", "summit", "Gipfel", "cumbre"},
        {"visit", "visite", "visit", "Besuch", "visita"},
        {"election", "élection", "election", "Wahl", "elecciones"},
        {"protest", "manifestation", "protest", "Protest", "protesta"},
        {"agreement", "accord", "agreement", "Abkommen", "acuerdo"},
        {"negotiation", "négociation", "negotiations", "Verhandlungen", "negociación"},
        {"attack", "attentat", "attack", "Anschlag", "atentado"},
        {"disaster", "séisme", "earthquake", "Erdbeben", "terremoto"},
        {"legal", "procès", "trial", "Prozess", "juicio"},
        {"statement", "déclaration", "statement", "Erklärung", "declaración"},
        {"economic", "taux directeur", "interest rate", "Leitzins", "tipos de interés"},
        {"military", "offensive", "offensive", "Offensive", "ofensiva"}};
#define N_KINDS ((int)(sizeof(KIND) / sizeof(KIND[0])))

static const char *const FUNC[LANGS] = {
        "le la les de des du et en un une à au aux dans pour par sur avec qui que est a ont été il "
        "elle ils ce cette ne pas plus mais ou son sa ses leur selon après lors déjà très aussi "
        "entre sans sous depuis avant pendant contre donc car encore",
        "the of and to in a is that for on with as was at by from it be has have are his her their "
        "this which not but an or were had said after who will been also its more than over into "
        "about new two when would could while there they",
        "der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als auch es "
        "an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so "
        "zum war haben nur oder aber vor zur bis",
        "el la de que y en los del se las por un para con no una su al lo como más pero sus le ya "
        "o este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde "
        "todo nos durante todos uno les ni contra"};

static const char *const CONTENT[LANGS] = {
        "gouvernement ministre président police ville pays tribunal rapport semaine année "
        "habitants responsable accord économie marché entreprise frontière sécurité parlement "
        "vote crise troupes dirigeants déclaration capitale région opposition enquête budget "
        "énergie climat santé hôpital école salariés syndicat grève prix inflation banque "
        "croissance exportations agriculteurs village maire juge prison armée tempête récolte "
        "musée festival journal télévision données recherche université étudiants médecins "
        "vaccin aéroport train accident incendie secours victimes témoins avocats réforme "
        "retraites impôts dette coalition parti candidat campagne sondage traité sanctions "
        "ambassade diplomate mardi mercredi jeudi vendredi samedi dimanche lundi",
        "government minister president police city country court report week year people "
        "official agreement economy market company border security parliament vote crisis "
        "troops leaders statement capital region opposition investigation budget energy climate "
        "health hospital school workers union strike prices inflation bank growth exports "
        "farmers village mayor judge prison army storm harvest museum festival newspaper "
        "television data research university students doctors vaccine airport train accident "
        "fire rescue victims witnesses lawyers reform pension taxes debt coalition party "
        "candidate campaign poll treaty sanctions embassy diplomat Tuesday Wednesday Thursday "
        "Friday Saturday Sunday Monday",
        "Regierung Minister Präsident Polizei Stadt Land Gericht Bericht Woche Jahr Einwohner "
        "Sprecher Vereinbarung Wirtschaft Markt Unternehmen Grenze Sicherheit Parlament "
        "Abstimmung Krise Truppen Führung Hauptstadt Region Opposition Ermittlungen Haushalt "
        "Energie Klima Gesundheit Krankenhaus Schule Beschäftigte Gewerkschaft Streik Preise "
        "Inflation Bank Wachstum Exporte Landwirte Dorf Bürgermeister Richter Gefängnis Armee "
        "Sturm Ernte Museum Zeitung Fernsehen Daten Forschung Universität Studenten Ärzte "
        "Impfstoff Flughafen Zug Unfall Feuer Rettung Opfer Zeugen Anwälte Reform Rente Steuern "
        "Schulden Koalition Partei Kandidat Wahlkampf Umfrage Vertrag Sanktionen Botschaft "
        "Diplomat Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Montag",
        "gobierno ministro presidente policía ciudad país tribunal informe semana año habitantes "
        "portavoz pacto economía mercado empresa frontera seguridad parlamento votación crisis "
        "tropas dirigentes capital región oposición investigación presupuesto energía clima "
        "salud hospital escuela trabajadores sindicato huelga precios inflación banco "
        "crecimiento exportaciones agricultores pueblo alcalde juez prisión ejército tormenta "
        "cosecha museo periódico televisión datos universidad estudiantes médicos vacuna "
        "aeropuerto tren accidente incendio rescate víctimas testigos abogados reforma "
        "pensiones impuestos deuda coalición partido candidato campaña encuesta tratado "
        "sanciones embajada diplomático martes miércoles jueves viernes sábado domingo lunes"};

static const char *const MONTH[LANGS][12] = {
        {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
         "octobre", "novembre", "décembre"},
        {"January", "February", "March", "April", "May", "June", "July", "August", "September",
         "October", "November", "December"},
        {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
         "Oktober", "November", "Dezember"},
        {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
         "octubre", "noviembre", "diciembre"}};

/* Lead sentences: %1$s first person, %2$s second, %3$s place, %4$s trigger,
 * %5$s date phrase, %6$s organisation. */
static const char *const LEAD[LANGS][3] = {
        {"Le ministre %1$s et %2$s ont ouvert %5$s à %3$s un %4$s très attendu.",
         "À %3$s, %1$s a évoqué %5$s le %4$s avec %2$s et les représentants du %6$s.",
         "Selon le porte-parole %1$s, le %4$s de %3$s a eu lieu %5$s en présence de %2$s."},
        {"Minister %1$s and %2$s opened a long awaited %4$s in %3$s %5$s.",
         "In %3$s, %1$s discussed the %4$s with %2$s and officials of %6$s %5$s.",
         "According to spokesman %1$s, the %4$s in %3$s took place %5$s with %2$s attending."},
        {"Ministerin %1$s und %2$s haben %5$s in %3$s den lange erwarteten %4$s eröffnet.",
         "In %3$s sprach %1$s %5$s mit %2$s und Vertretern der %6$s über den %4$s.",
         "Laut Sprecher %1$s fand der %4$s in %3$s %5$s im Beisein von %2$s statt."},
        {"El ministro %1$s y %2$s abrieron %5$s en %3$s una %4$s muy esperada.",
         "En %3$s, %1$s habló %5$s de la %4$s con %2$s y representantes de %6$s.",
         "Según el portavoz %1$s, la %4$s de %3$s tuvo lugar %5$s en presencia de %2$s."}};

static const char *const SOURCES[LANGS][5] = {
        {"Le Monde", "Le Figaro", "Libération", "Ouest-France", "La Croix"},
        {"The Guardian", "BBC News", "The Times", "The Independent", "Reuters"},
        {"Süddeutsche Zeitung", "Die Zeit", "Der Spiegel", "FAZ", "Tagesschau"},
        {"El País", "El Mundo", "ABC", "La Vanguardia", "EFE"}};

/* ---- word tables ---- */

struct wordlist {
	char *buf;
	const char *w[160];
	int n;
};

static struct wordlist func[LANGS], content[LANGS];
static char pseudo[PSEUDO][16];

static void split_words(const char *s, struct wordlist *l)
{
	char *p;

	l->buf = strdup(s);
	l->n = 0;
	for (p = strtok(l->buf, " "); p && l->n < 160; p = strtok(NULL, " "))
		l->w[l->n++] = p;
}

static void make_pseudo(uint64_t seed)
{
	static const char *const syl[] = {"ka",  "ro",  "mi",  "tu",  "ve",  "la",  "sno", "bri",
	                                  "gal", "dor", "fen", "pil", "mar", "tes", "vin", "clo",
	                                  "bu",  "ra",  "no",  "sel", "tri", "pa",  "go",  "lu",
	                                  "an",  "on",  "ul",  "er",  "or",  "ta",  "be",  "ci"};
	struct rng r = stream(seed, 1, 0);
	int i, j, k;

	for (i = 0; i < PSEUDO; i++) {
		pseudo[i][0] = '\0';
		k = 2 + below(&r, 3);
		for (j = 0; j < k; j++)
			strcat(pseudo[i], syl[below(&r, 32)]);
	}
}

/* ---- the entity pool ----
 * 0 .. N_PERSONS-1 people (first names and surnames of one language),
 * then places, then organisations. */
#define N_PERSONS (LANGS * 24 * 30)
#define N_POOL (N_PERSONS + N_PLACES + N_ORGS)

static const char *place_name(int p, int lang)
{
	return PLACES[p][lang] ? PLACES[p][lang] : PLACES[p][0];
}

/* Name of pool entity i in lang (buf for composed names). */
static const char *pool_name(int i, int lang, char *buf, size_t size)
{
	if (i < N_PERSONS) {
		int l = i / (24 * 30), f = (i / 30) % 24, s = i % 30;

		snprintf(buf, size, "%s %s", FIRST[l][f], LAST[l][s]);
		return buf;
	}
	i -= N_PERSONS;
	if (i < N_PLACES)
		return place_name(i, lang);
	i -= N_PLACES;
	{
		int l = i / (6 * 30), pat = (i / 30) % 6, s = i % 30;

		snprintf(buf, size, ORG_PAT[l][pat], LAST[l][s]);
	}
	return buf;
}

static const char *pool_kind(int i)
{
	return i < N_PERSONS ? "person" : i < N_PERSONS + N_PLACES ? "location" : "organization";
}

/* Popularity: a permutation of each pool part, drawn with Zipf. */
static int perm_person[N_PERSONS], perm_org[N_ORGS];

static void shuffle(int *v, int n, struct rng *r)
{
	int i, j, t;

	for (i = 0; i < n; i++)
		v[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = below(r, i + 1);
		t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

static int draw_person(struct rng *r)
{
	return perm_person[unif(r) < 0.5 ? below(r, N_PERSONS) : zipf(r, N_PERSONS)];
}

static int draw_place(struct rng *r)
{
	return N_PERSONS + zipf(r, N_PLACES);
}

static int draw_org(struct rng *r)
{
	return N_PERSONS + N_PLACES + perm_org[unif(r) < 0.5 ? below(r, N_ORGS) : zipf(r, N_ORGS)];
}

/* ---- the world's skeleton ---- */

struct happening {
	int32_t day;
	int size;      /* articles */
	int64_t first; /* id of its first article (preload) */
	int kind;
	int ents[5]; /* pool indexes: people, place, organisation */
	int n_ents;
	int topic[12];
	int64_t story; /* story id (the happening id of the story's first) */
};

static uint64_t SEED;

static int draw_size(struct rng *r)
{
	double u = unif(r);

	if (u < 0.30)
		return 1;
	if (u < 0.50)
		return 2;
	if (u < 0.62)
		return 3;
	if (u < 0.97)
		return 4 + below(r, 7); /* 4-10 */
	return 11 + zipf(r, 40);
}

/* Properties of happening h (1-based) except its day, size and story. */
static void happening_fill(struct happening *e, int64_t h)
{
	struct rng r = stream(SEED, 2, (uint64_t)h);
	int i, n_people = 1 + below(&r, 3);

	e->kind = below(&r, N_KINDS);
	e->n_ents = 0;
	for (i = 0; i < n_people; i++)
		e->ents[e->n_ents++] = draw_person(&r);
	if (n_people == 1) /* a meeting needs two */
		e->ents[e->n_ents++] = draw_person(&r);
	e->ents[e->n_ents++] = draw_place(&r);
	if (unif(&r) < 0.6)
		e->ents[e->n_ents++] = draw_org(&r);
	for (i = 0; i < 12; i++)
		e->topic[i] = below(&r, PSEUDO);
}

/* Happenings of a corpus of n articles: ids 1.., days ending at END_DAY. */
static struct happening *skeleton(int64_t n, int64_t *n_h)
{
	int64_t cap = n / 2 + 16, h = 0, ids = 0;
	struct happening *v = calloc((size_t)cap, sizeof(*v));
	struct rng r = stream(SEED, 3, 0);
	int32_t days = (int32_t)((n + PER_DAY - 1) / PER_DAY);

	while (ids < n) {
		struct happening *e = &v[h];

		e->size = draw_size(&r);
		if (e->size > n - ids)
			e->size = (int)(n - ids);
		e->first = ids + 1;
		e->day = END_DAY - days + 1 + (int32_t)(ids / PER_DAY);
		happening_fill(e, h + 1);
		/* A third continue the story of an earlier happening of a week or
		 * two before, sharing its participants. */
		e->story = h + 1;
		if (h > 50 && unif(&r) < 0.3) {
			int64_t prev = h - 1 - below(&r, 50 < h ? 50 : (int)h);

			e->story = v[prev].story;
			memcpy(e->ents, v[prev].ents, 2 * sizeof(int));
		}
		ids += e->size;
		h++;
	}
	*n_h = h;
	return v;
}

/* ---- one article ---- */

struct article {
	int lang;
	int source;
	int32_t day; /* published */
	int dup_of;  /* index in the happening of the original, or -1 */
	char *title;
	char *body;
	size_t body_len;
	int words[MAXW]; /* word codes (see word_code) */
	int n_words;
	/* mentions: pool index, count, first offset (chars), spans */
	int ment[10], ment_count[10], n_ment;
	int spans[10][16], n_spans[10];
};

/* Word codes for term ids: kind of word and index. */
enum { W_FUNC, W_CONTENT, W_PSEUDO, W_NAME, W_TRIGGER };
#define CODE(k, i) ((k) << 24 | (i))

struct sb {
	char *s;
	size_t len, cap;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Record a mention of pool entity e at the body's current end. */
static void mention(struct article *a, struct sb *body, int e, const char *name)
{
	int i, start = (int)utf8_chars(body->s ? body->s : "", body->len);

	for (i = 0; i < a->n_ment && a->ment[i] != e; i++)
		;
	if (i == a->n_ment) {
		if (a->n_ment == 10)
			return;
		a->ment[a->n_ment] = e;
		a->ment_count[a->n_ment] = 0;
		a->n_spans[a->n_ment] = 0;
		a->n_ment++;
	}
	a->ment_count[i]++;
	if (a->n_spans[i] < 16) {
		a->spans[i][a->n_spans[i]++] = start;
		a->spans[i][a->n_spans[i]++] = start + (int)utf8_chars(name, strlen(name));
	}
}

static void add_word(struct article *a, int code)
{
	if (a->n_words < MAXW)
		a->words[a->n_words++] = code;
}

/* Name words as codes: persons' and places' names by pool index (their
 * term ids are computed from the name in the article's language). */
static void put_name(struct article *a, struct sb *body, int e)
{
	char buf[96];
	const char *name = pool_name(e, a->lang, buf, sizeof(buf));

	mention(a, body, e, name);
	sb_str(body, name);
	add_word(a, CODE(W_NAME, e));
}

static void put_word(struct article *a, struct sb *b, int code, const char *w, bool cap)
{
	if (cap && w[0] >= 'a' && w[0] <= 'z') {
		char c = (char)(w[0] - 'a' + 'A');

		sb_add(b, &c, 1);
		sb_str(b, w + 1);
	} else {
		sb_str(b, w);
	}
	add_word(a, code);
}

static void date_phrase(int lang, int32_t day, char *buf, size_t size)
{
	time_t t = (time_t)day * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	switch (lang) {
	case 0:
		snprintf(buf, size, "le %d %s", tm.tm_mday, MONTH[0][tm.tm_mon]);
		break;
	case 1:
		snprintf(buf, size, "on %s %d", MONTH[1][tm.tm_mon], tm.tm_mday);
		break;
	case 2:
		snprintf(buf, size, "am %d. %s", tm.tm_mday, MONTH[2][tm.tm_mon]);
		break;
	default:
		snprintf(buf, size, "el %d de %s", tm.tm_mday, MONTH[3][tm.tm_mon]);
	}
}

/* A filler sentence about the happening. */
static void filler(struct article *a, struct sb *b, const struct happening *e, struct rng *r)
{
	int len = 10 + below(r, 14), i;
	int l = a->lang;
	bool cap = true; /* the previous word was capitalised: no run of names */

	for (i = 0; i < len; i++) {
		double u = unif(r);

		if (i)
			sb_add(b, " ", 1);
		if (cap || u < 0.40) {
			int k = below(r, func[l].n);

			put_word(a, b, CODE(W_FUNC, l << 16 | k), func[l].w[k], i == 0);
			cap = i == 0;
			continue;
		}
		cap = false;
		if (u < 0.445) {
			put_name(a, b, e->ents[below(r, e->n_ents)]);
			cap = true;
		} else if (u < 0.4475) {
			/* an incidental name */
			int x = unif(r) < 0.5 ? draw_place(r) : draw_person(r);

			put_name(a, b, x);
			cap = true;
		} else if (u < 0.62) {
			int k = below(r, content[l].n);

			put_word(a, b, CODE(W_CONTENT, l << 16 | k), content[l].w[k], false);
			cap = l == 2; /* German nouns */
		} else if (u < 0.77) {
			int k = e->topic[below(r, 12)];

			put_word(a, b, CODE(W_PSEUDO, k), pseudo[k], false);
		} else {
			int k = zipf(r, PSEUDO);

			put_word(a, b, CODE(W_PSEUDO, k), pseudo[k], false);
		}
	}
	sb_add(b, ".", 1);
}

/* Article j of happening h (e filled): text, words and mentions. */
static void article_make(struct article *a, int64_t h, const struct happening *e, int j,
                         int32_t day_base, size_t target)
{
	struct rng r = stream(SEED, 4, (uint64_t)h * 4096 + (uint64_t)j);
	struct rng copy;
	struct sb title = {0}, body = {0};
	char buf[96], names[3][96], dbuf[64], lead[1024];
	const char *trig;
	int para = 0, k;

	a->n_words = 0;
	a->n_ment = 0;
	a->dup_of = (j > 0 && unif(&r) < 0.05) ? 0 : -1;
	if (a->dup_of == 0) /* a syndicated copy: the original's text */
		r = stream(SEED, 4, (uint64_t)h * 4096);
	copy = r;
	a->lang = below(&r, LANGS);
	a->source = below(&r, 5);
	if (a->dup_of == 0) {
		(void)copy;
		a->source = (a->source + 1 + below(&copy, 4)) % 5;
	}
	{
		double u = unif(&r);

		a->day = day_base + (u < 0.6 ? 0 : u < 0.9 ? 1 : 2);
	}
	trig = KIND[e->kind][1 + a->lang];
	/* Title: trigger, first participant, place. */
	sb_str(&title, trig);
	title.s[0] = (char)(title.s[0] >= 'a' && title.s[0] <= 'z' ? title.s[0] - 32 : title.s[0]);
	add_word(a, CODE(W_TRIGGER, e->kind << 8 | a->lang));
	sb_str(&title, a->lang == 0 ? " à " : a->lang == 3 ? " en " : " in ");
	{
		int i, pl = N_PERSONS;

		for (i = 0; i < e->n_ents; i++)
			if (e->ents[i] >= N_PERSONS && e->ents[i] < N_PERSONS + N_PLACES)
				pl = e->ents[i];
		sb_str(&title, place_name(pl - N_PERSONS, a->lang));
	}
	sb_str(&title, ": ");
	sb_str(&title, pool_name(e->ents[0], a->lang, buf, sizeof(buf)));
	sb_str(&title, " ");
	k = e->topic[0];
	sb_str(&title, pseudo[k]);
	/* Lead sentence with the participants (its mentions recorded by name). */
	{
		int place = -1, org = -1, i;

		for (i = 0; i < e->n_ents; i++) {
			if (e->ents[i] >= N_PERSONS + N_PLACES)
				org = e->ents[i];
			else if (e->ents[i] >= N_PERSONS)
				place = e->ents[i];
		}
		for (i = 0; i < 3; i++) {
			const char *nm =
			        pool_name(i < 2 ? e->ents[i] : place, a->lang, buf, sizeof(buf));

			snprintf(names[i], sizeof(names[i]), "%s", nm);
		}
		date_phrase(a->lang, day_base, dbuf, sizeof(dbuf));
		k = below(&r, 3);
		if (org < 0)
			k = k == 1 ? 0 : k;
		{
			char obuf[96];

			snprintf(lead, sizeof(lead), LEAD[a->lang][k], names[0], names[1], names[2],
			         trig, dbuf,
			         org >= 0 ? pool_name(org, a->lang, obuf, sizeof(obuf)) : "");
		}
		/* Mentions at their offsets in the lead. */
		for (i = 0; i < 3; i++) {
			const char *at = strstr(lead, names[i]);

			if (at) {
				struct sb pre = {0};

				sb_add(&pre, lead, (size_t)(at - lead));
				mention(a, &pre, i < 2 ? e->ents[i] : place, names[i]);
				free(pre.s);
				add_word(a, CODE(W_NAME, i < 2 ? e->ents[i] : place));
			}
		}
		if (org >= 0 && k == 1) {
			char obuf[96];
			const char *on = pool_name(org, a->lang, obuf, sizeof(obuf));
			const char *at = strstr(lead, on);

			if (at) {
				struct sb pre = {0};

				sb_add(&pre, lead, (size_t)(at - lead));
				mention(a, &pre, org, on);
				free(pre.s);
				add_word(a, CODE(W_NAME, org));
			}
		}
		add_word(a, CODE(W_TRIGGER, e->kind << 8 | a->lang));
		sb_str(&body, lead);
	}
	while (body.len < target) {
		if (++para >= 3 + below(&r, 4)) {
			sb_str(&body, "\n\n");
			para = 0;
		} else {
			sb_add(&body, " ", 1);
		}
		filler(a, &body, e, &r);
	}
	if (a->dup_of == 0) { /* the copy's own credit line: a near duplicate */
		sb_str(&body, "\n\n(");
		sb_str(&body, SOURCES[a->lang][a->source]);
		sb_str(&body, ")");
	}
	free(a->title);
	free(a->body);
	a->title = title.s;
	a->body = body.s;
	a->body_len = body.len;
}

/* ---- term ids: the pipeline's stemmer and hash on each word ---- */

struct tid_cache {
	uint32_t *v; /* 0: not computed; 1: no term (a stopword); else id+2 */
	size_t n;
};

static struct tid_cache tc_func, tc_content, tc_pseudo, tc_name, tc_trig;

static void cache_init(struct tid_cache *c, size_t n)
{
	c->v = calloc(n, sizeof(*c->v));
	c->n = n;
}

/* Term ids of a phrase in lang into ids (at most max); returns how many. */
static size_t phrase_terms(const char *s, int lang, uint32_t *ids, size_t max)
{
	struct text_toks t = TEXT_TOKS_INIT;
	struct text_term *terms = NULL;
	size_t n = 0, i;

	if (!text_event_tokens(NULL, s, LANG[lang], &t) && !text_terms_build(&t, &terms, &n)) {
		for (i = 0; i < n && i < max; i++)
			ids[i] = terms[i].id;
		n = n < max ? n : max;
	}
	free(terms);
	text_event_tokens_release(&t);
	return n;
}

/* Up to 4 term ids of one word code in lang. */
static size_t code_terms(int code, int lang, uint32_t *ids)
{
	int kind = code >> 24, idx = code & 0xffffff;
	struct tid_cache *c;
	size_t slot;
	char buf[96];
	const char *s;

	switch (kind) {
	case W_FUNC:
		c = &tc_func, slot = (size_t)idx, s = func[idx >> 16].w[idx & 0xffff];
		lang = idx >> 16;
		break;
	case W_CONTENT:
		c = &tc_content, slot = (size_t)idx, s = content[idx >> 16].w[idx & 0xffff];
		lang = idx >> 16;
		break;
	case W_PSEUDO:
		c = &tc_pseudo, slot = (size_t)idx * LANGS + (size_t)lang, s = pseudo[idx];
		break;
	case W_NAME:
		c = &tc_name, slot = (size_t)idx * LANGS + (size_t)lang;
		s = pool_name(idx, lang, buf, sizeof(buf));
		break;
	default:
		c = &tc_trig, slot = (size_t)idx;
		lang = idx & 0xff;
		s = KIND[idx >> 8][1 + lang];
	}
	if (kind == W_NAME || kind == W_TRIGGER)
		return phrase_terms(s, lang, ids, 4); /* a few words: not cached */
	if (!c->v[slot]) {
		uint32_t id;

		c->v[slot] = phrase_terms(s, lang, &id, 1) ? id + 2 : 1;
		if (c->v[slot] < 2) /* id 0xffffffff or 0xfffffffe: rare, keep */
			c->v[slot] = 1;
	}
	if (c->v[slot] == 1)
		return 0;
	ids[0] = c->v[slot] - 2;
	return 1;
}

struct tf {
	uint32_t id;
	float tf;
};

static int by_id(const void *x, const void *y)
{
	const struct tf *a = x, *b = y;

	return a->id < b->id ? -1 : a->id > b->id;
}

static int by_tf_desc(const void *x, const void *y)
{
	const struct tf *a = x, *b = y;

	if (a->tf != b->tf)
		return a->tf > b->tf ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The article's term vector (as the pipeline's: by id, at most
 * TEXT_MAX_TERMS of the highest tf). */
static size_t article_terms(const struct article *a, struct tf *out)
{
	struct tf tmp[MAXW * 4];
	size_t n = 0, i, k = 0;
	uint32_t ids[4];

	for (i = 0; i < (size_t)a->n_words; i++) {
		size_t m = code_terms(a->words[i], a->lang, ids), j;

		for (j = 0; j < m; j++)
			tmp[n++] = (struct tf){ids[j], 1};
	}
	qsort(tmp, n, sizeof(*tmp), by_id);
	for (i = 0; i < n; i++) {
		if (k && out[k - 1].id == tmp[i].id)
			out[k - 1].tf += 1;
		else
			out[k++] = tmp[i];
	}
	if (k > TEXT_MAX_TERMS) {
		qsort(out, k, sizeof(*out), by_tf_desc);
		k = TEXT_MAX_TERMS;
		qsort(out, k, sizeof(*out), by_id);
	}
	return k;
}

/* ---- output helpers ---- */

static void put_hex32(FILE *f, uint32_t v)
{
	fprintf(f, "%08x", v);
}

static void put_tf_hex(FILE *f, const struct tf *t, size_t n)
{
	size_t i;

	fputs("\\\\x", f);
	for (i = 0; i < n; i++) {
		uint32_t bits;

		memcpy(&bits, &t[i].tf, 4);
		put_hex32(f, t[i].id);
		put_hex32(f, bits);
	}
}

/* COPY text escaping. */
static void put_copy(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else if (*s == '\r')
			fputs("\\r", f);
		else
			fputc(*s, f);
	}
}

/* JSON string escaping (the generated text has no control characters but
 * newlines). */
static void put_json(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void iso_day(int32_t day, char *buf, size_t size)
{
	time_t t = (time_t)day * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
}

static void minhash_of(int64_t h, int j, uint32_t *sig)
{
	struct rng r = stream(SEED, 5, (uint64_t)h * 4096 + (uint64_t)j);
	int i;

	for (i = 0; i < TEXT_MINHASH_K; i++)
		sig[i] = (uint32_t)next(&r);
}

static void init_world(uint64_t seed)
{
	struct rng r = stream(seed, 6, 0);
	int l;

	SEED = seed;
	make_pseudo(seed);
	for (l = 0; l < LANGS; l++) {
		split_words(FUNC[l], &func[l]);
		split_words(CONTENT[l], &content[l]);
	}
	shuffle(perm_person, N_PERSONS, &r);
	shuffle(perm_org, N_ORGS, &r);
	cache_init(&tc_func, LANGS << 16);
	cache_init(&tc_content, LANGS << 16);
	cache_init(&tc_pseudo, (size_t)PSEUDO * LANGS);
	cache_init(&tc_name, 1);
	cache_init(&tc_trig, 1);
}

/* ---- pool ---- */

static int cmd_pool(void)
{
	int i, l;

	for (i = 0; i < N_POOL; i++) {
		char buf[96], *norm;
		const char *name = pool_name(i, 1, buf, sizeof(buf));

		norm = text_normalize_key(name);
		printf("%d\t%s\t%s\t%s\t", i, pool_kind(i), name, norm ? norm : "");
		free(norm);
		/* Every language's form (lang:norm:name), and a person's surname. */
		for (l = 0; l < LANGS; l++) {
			const char *ln = pool_name(i, l, buf, sizeof(buf));
			char *k = text_normalize_key(ln);

			printf("%s%s|%s|%s", l ? ";" : "", LANG[l], k ? k : "", ln);
			free(k);
			if (i < N_PERSONS) {
				const char *sp = strchr(ln, ' ');

				k = text_normalize_key(sp + 1);
				printf(";%s|%s|%s", LANG[l], k ? k : "", sp + 1);
				free(k);
			}
		}
		putchar('\n');
	}
	return 0;
}

/* ---- preload ---- */

static int64_t *ent_id;    /* pool index -> entity id */
static int64_t noise_base; /* one-off entity of article id: noise_base + id */

static int read_map(const char *path)
{
	FILE *f = fopen(path, "r");
	long long idx, id;

	if (!f)
		return -errno;
	ent_id = calloc(N_POOL, sizeof(*ent_id));
	while (fscanf(f, "%lld\t%lld", &idx, &id) == 2) {
		if (idx >= 0 && idx < N_POOL)
			ent_id[idx] = id;
		if (id > noise_base)
			noise_base = id;
	}
	fclose(f);
	return 0;
}

/* Document frequencies seen so far (open addressing on term ids). */
static uint32_t *df_key, *df_val;
static size_t df_cap = 1 << 21, df_used;
static uint64_t n_docs;

static uint32_t *df_slot(uint32_t id)
{
	size_t i = (mix(id) & (df_cap - 1));

	while (df_key[i] && df_key[i] != id + 1)
		i = (i + 1) & (df_cap - 1);
	if (!df_key[i]) {
		df_key[i] = id + 1;
		df_used++;
	}
	return &df_val[i];
}

static double idf(uint32_t id)
{
	return log(1.0 + (double)(n_docs + 1) / (double)(*df_slot(id) + 1));
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.copy", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "gen_news: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

struct centroid {
	struct tf *v;
	size_t n, cap;
};

static void centroid_add(struct centroid *c, const struct tf *t, size_t n)
{
	size_t i, j = 0, k = 0;
	struct tf *out = malloc((c->n + n + 1) * sizeof(*out));

	for (i = 0; i < c->n || j < n;) {
		if (j == n || (i < c->n && c->v[i].id < t[j].id))
			out[k++] = c->v[i++];
		else if (i == c->n || t[j].id < c->v[i].id)
			out[k++] = (struct tf){t[j].id, (float)(1.0 + log(t[j].tf))}, j++;
		else
			out[k] = c->v[i++], out[k++].tf += (float)(1.0 + log(t[j++].tf));
	}
	free(c->v);
	c->v = out;
	c->n = k;
}

static int cmd_preload(int64_t n, const char *map, const char *dir)
{
	int64_t n_h, h;
	struct happening *w = skeleton(n, &n_h);
	FILE *fa = open_out(dir, "articles"), *fm = open_out(dir, "mentions"),
	     *fb = open_out(dir, "bands"), *fe = open_out(dir, "events"),
	     *fx = open_out(dir, "event_entities"), *fs = open_out(dir, "stories"),
	     *fst = open_out(dir, "state"), *fn = open_out(dir, "noise"),
	     *fna = open_out(dir, "noise_aliases");
	struct article a = {0};
	static struct tf terms[MAXW * 4];
	int64_t *story_n = calloc((size_t)n_h + 1, sizeof(*story_n));
	int32_t *story_first = calloc((size_t)n_h + 1, sizeof(*story_first)),
	        *story_last = calloc((size_t)n_h + 1, sizeof(*story_last));

	if (read_map(map))
		return 1;
	df_key = calloc(df_cap, sizeof(*df_key));
	df_val = calloc(df_cap, sizeof(*df_val));
	for (h = 0; h < n_h; h++) {
		struct happening *e = &w[h];
		struct centroid c = {0};
		int j, i, langs = 0, sources = 0, kinds_lang = 0;
		double ew[N_POOL > 0 ? 16 : 1];
		int ee[16], ea[16], n_ee = 0;
		int64_t loc_article = 0;
		char day[16], t0[16], t1[16];
		char *first_title = NULL;
		int first_lang = 0;
		int32_t first_pub = 0, last_pub = 0;

		(void)kinds_lang;
		for (j = 0; j < e->size; j++) {
			int64_t id = e->first + j;
			size_t nt, k;
			uint32_t sig[TEXT_MINHASH_K];
			int64_t keys[TEXT_MINHASH_BANDS];
			char pub[16], hap[16];

			article_make(&a, h + 1, e, j, e->day, 2600 + (size_t)(id * 7919 % 2800));
			nt = article_terms(&a, terms);
			for (k = 0; k < nt; k++)
				(*df_slot(terms[k].id))++;
			n_docs++;
			langs |= 1 << a.lang;
			sources |= 1 << (a.lang * 5 + a.source);
			iso_day(a.day, pub, sizeof(pub));
			iso_day(e->day, hap, sizeof(hap));
			if (j == 0) {
				first_title = strdup(a.title);
				first_lang = a.lang;
				first_pub = a.day;
			}
			if (a.day > last_pub)
				last_pub = a.day;
			/* articles: id url content_hash simhash minhash source_id title
			 * body lang lang_confidence ts_config published_at origin
			 * precision ingested_at word_count duplicate_of event_id raw terms
			 * event_kind event_kind_score happened_on happened_precision
			 * happened_origin clustered_at canonical_url author */
			minhash_of(h + 1, a.dup_of == 0 ? 0 : j, sig);
			{
				/* body cut to its first paragraphs (about 700 bytes) */
				size_t cut = a.body_len < 700 ? a.body_len : 700;

				while (cut < a.body_len && a.body[cut] != ' ')
					cut++;
				a.body[cut] = '\0';
			}
			fprintf(fa,
			        "%lld\thttps://bench.example/%s/%lld\t%016llx%016llx\t%lld\t\\\\x",
			        (long long)id, LANG[a.lang], (long long)id,
			        (unsigned long long)mix(id), (unsigned long long)mix(~id),
			        (long long)(int64_t)mix(id * 3));
			for (k = 0; k < TEXT_MINHASH_K; k++)
				put_hex32(fa, sig[k]);
			fprintf(fa, "\t%d\t", 1 + a.lang * 5 + a.source);
			put_copy(fa, a.title);
			fputc('\t', fa);
			put_copy(fa, a.body);
			fprintf(fa,
			        "\t%s\t0.99\tnewsd_%s\t%s 08:00:00+00\tgiven\tday\t%s "
			        "09:00:00+00\t%d\t",
			        LANG[a.lang],
			        a.lang == 0   ? "french"
			        : a.lang == 1 ? "english"
			        : a.lang == 2 ? "german"
			                      : "spanish",
			        pub, pub, a.n_words);
			if (a.dup_of == 0)
				fprintf(fa, "%lld", (long long)e->first);
			else
				fputs("\\N", fa);
			fprintf(fa, "\t%lld\t{\"source\": \"%s\"}\t", (long long)(h + 1),
			        SOURCES[a.lang][a.source]);
			put_tf_hex(fa, terms, nt);
			fprintf(fa,
			        "\t%s\t0.8\t%s\tday\ttext\t%s "
			        "09:00:01+00\thttps://bench.example/%s/%lld\t\\N\n",
			        KIND[e->kind][0], hap, pub, LANG[a.lang], (long long)id);
			/* A name the text alone gave (most articles have one): its
			 * own entity, mentioned once. */
			if (mix((uint64_t)id ^ 0xabcdef) % 10 < 8) {
				struct rng q = stream(SEED, 8, (uint64_t)id);
				const char *w1 = pseudo[below(&q, PSEUDO)],
				           *w2 = pseudo[below(&q, PSEUDO)];
				int64_t nid = noise_base + id;

				fprintf(fn, "%lld\t%s\t%c%s %c%s\t%s %s\ttext\t1\t1\n",
				        (long long)nid, below(&q, 2) ? "person" : "other",
				        w1[0] - 32, w1 + 1, w2[0] - 32, w2 + 1, w1, w2);
				fprintf(fna, "%s %s\t%lld\t%s\t%c%s %c%s\n", w1, w2, (long long)nid,
				        LANG[a.lang], w1[0] - 32, w1 + 1, w2[0] - 32, w2 + 1);
				fprintf(fm, "%lld\t%lld\t1\t%d\t%c%s %c%s\t{%d,%d}\n",
				        (long long)id, (long long)nid, 900, w1[0] - 32, w1 + 1,
				        w2[0] - 32, w2 + 1, 900,
				        900 + (int)(strlen(w1) + strlen(w2) + 1));
			}
			/* bands */
			text_minhash_bands(sig, keys);
			for (k = 0; k < TEXT_MINHASH_BANDS; k++)
				fprintf(fb, "%zu\t%lld\t%lld\n", k, (long long)keys[k],
				        (long long)id);
			/* mentions: article entity count first_offset surface spans */
			for (i = 0; i < a.n_ment; i++) {
				char buf[96];
				int s, x;

				int dup = 0;

				for (s = 0; s < i; s++)
					dup |= ent_id[a.ment[s]] == ent_id[a.ment[i]];
				if (!ent_id[a.ment[i]] || dup)
					continue;
				fprintf(fm, "%lld\t%lld\t%d\t%d\t%s\t{", (long long)id,
				        (long long)ent_id[a.ment[i]], a.ment_count[i],
				        a.spans[i][0],
				        pool_name(a.ment[i], a.lang, buf, sizeof(buf)));
				for (s = 0; s < a.n_spans[i]; s++)
					fprintf(fm, "%s%d", s ? "," : "", a.spans[i][s]);
				fputs("}\n", fm);
				for (x = 0; x < n_ee && ee[x] != a.ment[i]; x++)
					;
				if (x == n_ee && n_ee < 16)
					ee[n_ee] = a.ment[i], ew[n_ee] = 0, ea[n_ee] = 0, n_ee++;
				if (x < 16) {
					ew[x] += a.ment_count[i];
					ea[x]++;
				}
				if (!loc_article && a.ment[i] >= N_PERSONS &&
				    a.ment[i] < N_PERSONS + N_PLACES)
					loc_article = id;
			}
			centroid_add(&c, terms, nt);
		}
		/* the event: centroid's top terms by tf-idf (as the clustering keeps) */
		{
			size_t k, keep = c.n < 160 ? c.n : 160;
			int place = -1, pc = 0;
			struct tf *r = malloc((c.n + 1) * sizeof(*r));

			for (k = 0; k < c.n; k++)
				r[k] = (struct tf){(uint32_t)k,
				                   (float)(c.v[k].tf * idf(c.v[k].id))};
			qsort(r, c.n, sizeof(*r), by_tf_desc);
			for (k = 0; k < keep; k++)
				r[k] = c.v[r[k].id];
			qsort(r, keep, sizeof(*r), by_id);
			for (i = 0; i < n_ee; i++)
				if (ee[i] >= N_PERSONS && ee[i] < N_PERSONS + N_PLACES &&
				    ea[i] > pc)
					place = ee[i], pc = ea[i];
			iso_day(e->day, day, sizeof(day));
			iso_day(e->day, t0, sizeof(t0));
			iso_day(last_pub > first_pub ? last_pub : first_pub, t1, sizeof(t1));
			/* events: id title kind event_date precision location_id
			 * article_count first_published last_published centroid
			 * source_count lang_count titles kind_article_id date_origin
			 * date_article_id location_article_id derived_count story_id */
			fprintf(fe, "%lld\t", (long long)(h + 1));
			put_copy(fe, first_title);
			fprintf(fe, "\t%s\t%s\tday\t", KIND[e->kind][0], day);
			if (place >= 0 && ent_id[place])
				fprintf(fe, "%lld", (long long)ent_id[place]);
			else
				fputs("\\N", fe);
			fprintf(fe, "\t%d\t%s 08:00:00+00\t%s 08:00:00+00\t", e->size, t0, t1);
			put_tf_hex(fe, r, keep);
			fprintf(fe, "\t%d\t%d\t{\"%s\": {\"title\": \"",
			        __builtin_popcount(sources), __builtin_popcount(langs),
			        LANG[first_lang]);
			put_copy(fe, first_title);
			fprintf(fe, "\", \"article_id\": %lld}}\t%lld\ttext\t%lld\t",
			        (long long)e->first, (long long)e->first, (long long)e->first);
			if (loc_article)
				fprintf(fe, "%lld", (long long)loc_article);
			else
				fputs("\\N", fe);
			fprintf(fe, "\t%d\t%lld\n", e->size, (long long)e->story);
			free(r);
			for (i = 0; i < n_ee; i++)
				if (ent_id[ee[i]])
					fprintf(fx, "%lld\t%lld\t%d\t%d\n", (long long)(h + 1),
					        (long long)ent_id[ee[i]], (int)ew[i], ea[i]);
			story_n[e->story]++;
			if (!story_first[e->story] || e->day < story_first[e->story])
				story_first[e->story] = e->day;
			if (e->day > story_last[e->story])
				story_last[e->story] = e->day;
			if (e->story == h + 1) {
				fprintf(fs, "%lld\t", (long long)(h + 1));
				put_copy(fs, first_title);
				fputc('\n', fs);
			}
		}
		free(first_title);
		free(c.v);
	}
	/* story counts as a second file (UPDATE from it) */
	{
		FILE *fss = open_out(dir, "story_stats");
		char d0[16], d1[16];

		for (h = 1; h <= n_h; h++)
			if (story_n[h]) {
				iso_day(story_first[h], d0, sizeof(d0));
				iso_day(story_last[h], d1, sizeof(d1));
				fprintf(fss, "%lld\t%lld\t%s\t%s\n", (long long)h,
				        (long long)story_n[h], d0, d1);
			}
		fclose(fss);
	}
	/* cluster_state: n_docs, df of the terms seen at least twice */
	{
		size_t i;

		fprintf(fst, "1\t%llu\t\\\\x", (unsigned long long)n_docs);
		for (i = 0; i < df_cap; i++)
			if (df_key[i] && df_val[i] >= 2) {
				put_hex32(fst, df_key[i] - 1);
				put_hex32(fst, df_val[i]);
			}
		fputs("\t0\n", fst);
	}
	fclose(fa);
	fclose(fm);
	fclose(fb);
	fclose(fe);
	fclose(fx);
	fclose(fs);
	fclose(fst);
	fclose(fn);
	fclose(fna);
	fprintf(stderr, "gen_news: %lld articles, %lld events, %zu terms\n", (long long)n,
	        (long long)n_h, df_used);
	return 0;
}

/* ---- fresh articles ---- */

static int cmd_articles(int64_t n, int64_t stored)
{
	int64_t n_h = 0, out = 0, fresh_h;
	struct happening *w = stored ? skeleton(stored, &n_h) : NULL;
	struct rng r = stream(SEED, 7, (uint64_t)stored);
	struct article a = {0};
	int32_t day = END_DAY + 1;
	int64_t on_day = 0;

	fresh_h = n_h + 1;
	while (out < n) {
		double u = unif(&r);
		struct happening e;
		int64_t hid;
		int j, size;
		int32_t base;

		if (stored && u < 0.15) {
			/* follow-up of a happening of the last three stored days */
			int64_t back =
			        1 + below(&r, (int)(n_h < 3 * PER_DAY / 3 ? n_h : 3 * PER_DAY / 3));

			hid = n_h - back + 1;
			e = w[hid - 1];
			base = e.day;
			size = 1 + below(&r, 3);
		} else if (stored && u < 0.18) {
			/* a late report of an older happening */
			hid = 1 + below(&r, (int)n_h);
			e = w[hid - 1];
			base = e.day;
			size = 1;
		} else {
			hid = fresh_h++;
			memset(&e, 0, sizeof(e));
			happening_fill(&e, hid);
			base = day;
			size = draw_size(&r);
		}
		for (j = 0; j < size && out < n; j++) {
			char pub[16];
			int jj = hid <= n_h ? 100 + below(&r, 3000) : j;

			article_make(&a, hid, &e, jj, base, 2600 + (size_t)below(&r, 2800));
			iso_day(a.day, pub, sizeof(pub));
			fputs("{\"title\":", stdout);
			put_json(stdout, a.title);
			fputs(",\"text\":", stdout);
			put_json(stdout, a.body);
			printf(",\"url\":\"https://fresh.example/%llu/%lld\",\"source\":\"%s\","
			       "\"published_at\":\"%s\"}\n",
			       (unsigned long long)(SEED % 100000), (long long)(stored + out + 1),
			       SOURCES[a.lang][a.source], pub);
			out++;
			if (++on_day >= PER_DAY) {
				day++;
				on_day = 0;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "pool") == 0) {
		init_world(strtoull(argv[2], NULL, 10));
		return cmd_pool();
	}
	if (argc >= 6 && strcmp(argv[1], "preload") == 0) {
		init_world(strtoull(argv[3], NULL, 10));
		return cmd_preload(strtoll(argv[2], NULL, 10), argv[4], argv[5]);
	}
	if (argc >= 5 && strcmp(argv[1], "articles") == 0) {
		init_world(strtoull(argv[3], NULL, 10));
		return cmd_articles(strtoll(argv[2], NULL, 10), strtoll(argv[4], NULL, 10));
	}
	fprintf(stderr, "usage: gen_news pool SEED | preload N SEED MAP OUTDIR | "
	                "articles N SEED STORED\n");
	return 2;
}
