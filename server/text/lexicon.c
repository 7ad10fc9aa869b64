/* lexicon: the small word lists of the foundation entity tagger.
 *
 * Every word is folded (text_fold: lower case, accents stripped, U+2019 as
 * '), so "Après" is found as "apres". The lists are sorted once at first use
 * (pthread_once) and searched with bsearch, so they may be edited in any
 * order. A later issue replaces them with data files under data/.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct word_list {
	const char **v;
	size_t n;
};

#define LIST(a)                                                                                    \
	{                                                                                          \
		a, sizeof(a) / sizeof(a[0])                                                        \
	}

/* Function words, weekdays, months and a few sentence adverbs: never a
 * one-word name, and dropped from the front of a name at a sentence start. */
static const char *STOP_FR[] = {"a",
                                "actuellement",
                                "afin",
                                "ainsi",
                                "alors",
                                "aout",
                                "apres",
                                "au",
                                "aucun",
                                "aucune",
                                "aujourd'hui",
                                "aussi",
                                "autre",
                                "aux",
                                "avant",
                                "avec",
                                "avril",
                                "c",
                                "ca",
                                "car",
                                "ce",
                                "ceci",
                                "cela",
                                "celle",
                                "celui",
                                "cependant",
                                "certes",
                                "ces",
                                "cet",
                                "cette",
                                "chaque",
                                "chez",
                                "comme",
                                "contre",
                                "d",
                                "dans",
                                "de",
                                "decembre",
                                "demain",
                                "depuis",
                                "des",
                                "desormais",
                                "deux",
                                "dimanche",
                                "donc",
                                "dont",
                                "du",
                                "elle",
                                "elles",
                                "en",
                                "encore",
                                "enfin",
                                "ensuite",
                                "entre",
                                "environ",
                                "et",
                                "etat",
                                "eux",
                                "face",
                                "fevrier",
                                "finalement",
                                "hier",
                                "ici",
                                "il",
                                "ils",
                                "j",
                                "janvier",
                                "je",
                                "jeudi",
                                "juillet",
                                "juin",
                                "jusqu'a",
                                "l",
                                "la",
                                "le",
                                "les",
                                "leur",
                                "leurs",
                                "lors",
                                "lorsque",
                                "lui",
                                "lundi",
                                "ma",
                                "mai",
                                "mais",
                                "malgre",
                                "mardi",
                                "mars",
                                "mercredi",
                                "mes",
                                "mon",
                                "n",
                                "ne",
                                "ni",
                                "non",
                                "nos",
                                "notre",
                                "nous",
                                "novembre",
                                "octobre",
                                "on",
                                "or",
                                "ou",
                                "oui",
                                "outre",
                                "par",
                                "parmi",
                                "pendant",
                                "plus",
                                "plusieurs",
                                "pour",
                                "pourtant",
                                "pres",
                                "publie",
                                "puis",
                                "qu",
                                "quand",
                                "que",
                                "quel",
                                "quelle",
                                "quelques",
                                "qui",
                                "s",
                                "sa",
                                "samedi",
                                "sans",
                                "se",
                                "selon",
                                "septembre",
                                "ses",
                                "si",
                                "son",
                                "sous",
                                "sur",
                                "tous",
                                "tout",
                                "toute",
                                "toutefois",
                                "toutes",
                                "tres",
                                "tu",
                                "un",
                                "une",
                                "vendredi",
                                "vers",
                                "voici",
                                "voila",
                                "vos",
                                "votre",
                                "vous",
                                "y"};

static const char *STOP_EN[] = {
        "a",         "about",     "according", "after",     "all",       "also",     "although",
        "among",     "an",        "and",       "april",     "as",        "at",       "august",
        "because",   "before",    "both",      "but",       "by",        "december", "despite",
        "during",    "each",      "earlier",   "every",     "february",  "for",      "friday",
        "from",      "he",        "her",       "here",      "his",       "how",      "however",
        "i",         "if",        "in",        "into",      "it",        "its",      "january",
        "july",      "june",      "last",      "later",     "many",      "march",    "may",
        "meanwhile", "monday",    "most",      "my",        "next",      "no",       "nor",
        "not",       "november",  "october",   "of",        "on",        "one",      "or",
        "our",       "over",      "saturday",  "september", "several",   "she",      "since",
        "so",        "some",      "still",     "sunday",    "that",      "the",      "their",
        "then",      "there",     "these",     "they",      "this",      "those",    "though",
        "thursday",  "to",        "today",     "tomorrow",  "tuesday",   "two",      "under",
        "we",        "wednesday", "what",      "when",      "where",     "which",    "while",
        "who",       "whose",     "why",       "with",      "yesterday", "yet",      "you",
        "your"};

static const char *STOP_DE[] = {
        "abend",  "aber",   "alle",       "allerdings", "als",       "am",         "an",
        "april",  "auch",   "auf",        "august",     "aus",       "bei",        "bereits",
        "da",     "dann",   "das",        "dass",       "dem",       "den",        "denn",
        "der",    "des",    "dezember",   "die",        "dienstag",  "dies",       "diese",
        "diesem", "diesen", "dieser",     "dieses",     "doch",      "donnerstag", "dort",
        "du",     "durch",  "ein",        "eine",       "einem",     "einen",      "einer",
        "eines",  "einige", "er",         "es",         "etwa",      "februar",    "freitag",
        "fur",    "gegen",  "gestern",    "heute",      "hier",      "ich",        "ihr",
        "ihre",   "im",     "in",         "inzwischen", "jahr",      "januar",     "jeder",
        "jedoch", "juli",   "juni",       "kein",       "keine",     "laut",       "mai",
        "man",    "marz",   "mehrere",    "mit",        "mittwoch",  "monat",      "montag",
        "morgen", "nach",   "nachmittag", "nacht",      "nicht",     "noch",       "november",
        "nun",    "ob",     "oder",       "ohne",       "oktober",   "rund",       "samstag",
        "schon",  "sein",   "seine",      "seit",       "september", "sie",        "sonntag",
        "tag",    "uber",   "um",         "und",        "unter",     "viele",      "vom",
        "von",    "vor",    "vormittag",  "wahrend",    "was",       "weil",       "wenn",
        "wer",    "wie",    "wir",        "wo",         "woche",     "wochenende", "zahlreiche",
        "zudem",  "zum",    "zunachst",   "zur",        "zwischen"};

static const char *STOP_ES[] = {
        "a",         "abril", "ademas",    "agosto", "al",      "ante",  "asi",        "aunque",
        "ayer",      "como",  "con",       "cuando", "de",      "del",   "desde",      "diciembre",
        "domingo",   "donde", "durante",   "el",     "ella",    "ellos", "en",         "enero",
        "entre",     "esa",   "ese",       "eso",    "esta",    "estas", "este",       "estos",
        "febrero",   "hasta", "hoy",       "jueves", "julio",   "junio", "la",         "las",
        "lo",        "los",   "lunes",     "manana", "martes",  "marzo", "mayo",       "mientras",
        "miercoles", "no",    "noviembre", "o",      "octubre", "para",  "pero",       "por",
        "porque",    "que",   "quien",     "sabado", "se",      "segun", "septiembre", "si",
        "sin",       "sobre", "su",        "sus",    "tambien", "tras",  "un",         "una",
        "unas",      "unos",  "viernes",   "y",      "ya"};

static const char *STOP_IT[] = {
        "a",       "ad",        "agli",   "agosto",   "ai",      "al",        "alla",     "alle",
        "anche",   "ancora",    "aprile", "che",      "chi",     "come",      "con",      "cui",
        "da",      "dal",       "dalla",  "degli",    "dei",     "del",       "della",    "delle",
        "di",      "dicembre",  "domani", "domenica", "dopo",    "dove",      "durante",  "e",
        "ed",      "febbraio",  "fra",    "gennaio",  "gia",     "giovedi",   "giugno",   "gli",
        "i",       "ieri",      "il",     "in",       "inoltre", "l",         "la",       "le",
        "lo",      "loro",      "luglio", "lunedi",   "ma",      "maggio",    "martedi",  "marzo",
        "mentre",  "mercoledi", "negli",  "nei",      "nel",     "nella",     "nelle",    "nessun",
        "nessuna", "nessuno",   "non",    "novembre", "o",       "oggi",      "ottobre",  "per",
        "pero",    "poi",       "prima",  "quando",   "quella",  "quello",    "queste",   "questi",
        "questo",  "quindi",    "sabato", "se",       "secondo", "settembre", "su",       "sua",
        "sue",     "sul",       "sulla",  "suo",      "suoi",    "tra",       "tuttavia", "un",
        "una",     "uno",       "venerdi"};

/* Words that, right before a name, make it a person. */
static const char *TITLES[] = {"adviser",     "advisor",     "ambasciatore",  "ambassadeur",
                               "ambassador",  "botschafter", "bundeskanzler", "bundeskanzlerin",
                               "capitaine",   "captain",     "chancelier",    "chanceliere",
                               "chancellor",  "colonel",     "conseiller",    "conseillere",
                               "consigliere", "docteur",     "doctor",        "dott",
                               "dr",          "embajador",   "frau",          "general",
                               "gouverneur",  "governor",    "herr",          "judge",
                               "juge",        "kanzler",     "kanzlerin",     "king",
                               "m",           "maire",       "mayor",         "minister",
                               "ministerin",  "ministra",    "ministre",      "ministro",
                               "mlle",        "mme",         "mmes",          "mr",
                               "mrs",         "ms",          "pape",          "papst",
                               "pope",        "portavoce",   "portavoz",      "porte-parole",
                               "pr",          "prasident",   "prasidentin",   "premier",
                               "president",   "presidente",  "presidentin",   "prime",
                               "prince",      "princesse",   "prof",          "professeur",
                               "professor",   "queen",       "reina",         "reine",
                               "rey",         "roi",         "secretaire",    "secretary",
                               "senador",     "senateur",    "senator",       "senatore",
                               "senor",       "senora",      "sig",           "signor",
                               "signora",     "sindaco",     "spokesman",     "spokeswoman",
                               "sprecher",    "sprecherin"};

/* German compounds end with their title: "Innensenator", "Außenministerin". */
static const char *const TITLE_SUFFIXES[] = {
        "minister", "ministerin", "senator",  "senatorin",  "prasident", "prasidentin",
        "kanzler",  "kanzlerin",  "sprecher", "sprecherin", "chef",      "chefin",
};

/* Lower-case words allowed between the capitalised words of a name. */
static const char *PARTICLES[] = {"al",    "bin",   "da",  "das", "de",  "degli", "dei", "del",
                                  "della", "delle", "den", "der", "des", "di",    "do",  "dos",
                                  "du",    "la",    "le",  "van", "von", "y"};

/* Before a name, or before an article before it: a place. "à" folds to "a",
 * the English article, so it is checked unfolded (text_lex_is_place_prep). */
static const char *PLACE_PREPS[] = {"au",   "aux",   "dans", "en",  "im",    "in",   "nach",
                                    "near", "negli", "nei",  "nel", "nella", "nelle"};

static const char *ARTICLES[] = {"das", "dem", "den", "der", "die", "el",  "il", "l",
                                 "la",  "las", "le",  "les", "lo",  "los", "the"};

/* A word that makes the whole name an organisation. */
static const char *ORG_WORDS[] = {"afp",          "ag",           "agence",
                                  "agencia",      "agency",       "agentur",
                                  "agenzia",      "ansa",         "armee",
                                  "army",         "assemblee",    "assembly",
                                  "banca",        "banco",        "bank",
                                  "banque",       "bbc",          "bce",
                                  "bundesrat",    "bundestag",    "cnn",
                                  "comision",     "commission",   "commissione",
                                  "compagnie",    "company",      "congres",
                                  "congreso",     "congress",     "conseil",
                                  "consejo",      "consiglio",    "corp",
                                  "council",      "dpa",          "ecb",
                                  "efe",          "elysee",       "eu",
                                  "fed",          "fifa",         "fmi",
                                  "fondation",    "fondazione",   "foundation",
                                  "fundacion",    "gmbh",         "gobierno",
                                  "gouvernement", "government",   "governo",
                                  "groupe",       "grupo",        "gruppe",
                                  "gruppo",       "imf",          "inc",
                                  "institut",     "institute",    "instituto",
                                  "istituto",     "kommission",   "kremlin",
                                  "llc",          "ltd",          "ministere",
                                  "ministerio",   "ministerium",  "ministero",
                                  "ministry",     "nations",      "nato",
                                  "oms",          "onu",          "organisation",
                                  "organizacion", "organization", "organizzazione",
                                  "otan",         "parlament",    "parlamento",
                                  "parlement",    "parliament",   "partei",
                                  "parti",        "partido",      "partito",
                                  "party",        "pentagon",     "pentagone",
                                  "plc",          "police",       "policia",
                                  "polizei",      "polizia",      "regierung",
                                  "reuters",      "sa",           "senado",
                                  "senat",        "senate",       "senato",
                                  "spa",          "stiftung",     "ue",
                                  "uefa",         "unesco",       "unicef",
                                  "union",        "universidad",  "universita",
                                  "universitat",  "universite",   "university",
                                  "wetterdienst"};

/* German compounds: "Bundesministerium", "Wetterdienst". */
static const char *const ORG_SUFFIXES[] = {"ministerium", "partei",    "bank",     "dienst",
                                           "gericht",     "regierung", "verband",  "behorde",
                                           "kommission",  "polizei",   "stiftung", "gesellschaft"};

/* Elided articles and conjunctions before an apostrophe: l'Élysée, qu'Emmanuel. */
static const char *ELISIONS[] = {"all",   "c",      "d", "dall", "dell", "j",      "jusqu",
                                 "l",     "lorsqu", "m", "n",    "nell", "puisqu", "qu",
                                 "quell", "quoiqu", "s", "sull", "t",    "un"};

/* Abbreviations whose '.' does not end a sentence (as does any single capital). */
static const char *ABBREVS[] = {"col", "dott", "dr",  "fr",   "gen",  "gov", "hr",
                                "jr",  "lt",   "m",   "mlle", "mm",   "mme", "mmes",
                                "mr",  "mrs",  "ms",  "pr",   "prof", "rep", "rev",
                                "sen", "sgt",  "sig", "sr",   "sra",  "st",  "ste"};

static struct word_list stop_fr = LIST(STOP_FR), stop_en = LIST(STOP_EN), stop_de = LIST(STOP_DE),
                        stop_es = LIST(STOP_ES), stop_it = LIST(STOP_IT), titles = LIST(TITLES),
                        particles = LIST(PARTICLES), place_preps = LIST(PLACE_PREPS),
                        articles = LIST(ARTICLES), org_words = LIST(ORG_WORDS),
                        elisions = LIST(ELISIONS), abbrevs = LIST(ABBREVS);
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void sort_lists(void)
{
	struct word_list *all[] = {&stop_fr,  &stop_en,   &stop_de,   &stop_es,
	                           &stop_it,  &titles,    &particles, &place_preps,
	                           &articles, &org_words, &elisions,  &abbrevs};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		qsort(all[i]->v, all[i]->n, sizeof(char *), cmp_str);
}

static bool in_list(struct word_list *l, const char *w)
{
	pthread_once(&sorted_once, sort_lists);
	return bsearch(&w, l->v, l->n, sizeof(char *), cmp_str) != NULL;
}

static bool has_suffix(const char *w, const char *const *v, size_t n)
{
	size_t wl = strlen(w), i;

	for (i = 0; i < n; i++) {
		size_t sl = strlen(v[i]);

		if (wl > sl && !strcmp(w + wl - sl, v[i]))
			return true;
	}
	return false;
}

bool text_lex_is_stopword(const char *lang, const char *w)
{
	if (lang && !strcmp(lang, "fr"))
		return in_list(&stop_fr, w);
	if (lang && !strcmp(lang, "en"))
		return in_list(&stop_en, w);
	if (lang && !strcmp(lang, "de"))
		return in_list(&stop_de, w);
	if (lang && !strcmp(lang, "es"))
		return in_list(&stop_es, w);
	if (lang && !strcmp(lang, "it"))
		return in_list(&stop_it, w);
	/* Unknown language: any of them. */
	return in_list(&stop_fr, w) || in_list(&stop_en, w) || in_list(&stop_de, w) ||
	       in_list(&stop_es, w) || in_list(&stop_it, w);
}

bool text_lex_is_title(const char *w)
{
	return in_list(&titles, w) ||
	       has_suffix(w, TITLE_SUFFIXES, sizeof(TITLE_SUFFIXES) / sizeof(TITLE_SUFFIXES[0]));
}

bool text_lex_is_particle(const char *w)
{
	return in_list(&particles, w);
}

bool text_lex_is_place_prep(const char *raw, size_t len, const char *w)
{
	if (len == 2 && (!memcmp(raw, "\xc3\xa0", 2) || !memcmp(raw, "\xc3\x80", 2)))
		return true; /* à, À */
	return in_list(&place_preps, w);
}

bool text_lex_is_article(const char *w)
{
	return in_list(&articles, w);
}

bool text_lex_is_org_word(const char *w)
{
	return in_list(&org_words, w) ||
	       has_suffix(w, ORG_SUFFIXES, sizeof(ORG_SUFFIXES) / sizeof(ORG_SUFFIXES[0]));
}

bool text_lex_is_elision(const char *w)
{
	return in_list(&elisions, w);
}

bool text_lex_is_abbrev(const char *w)
{
	return in_list(&abbrevs, w);
}
