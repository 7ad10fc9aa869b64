/* lexicon: word lists of the entity tagger and the boilerplate classifier.
 *
 * Every word is folded (text_fold: lower case, accents stripped, U+2019 as
 * '), so "Après" is found as "apres".
 *
 * Stopwords come from the generated stopwords_data.c (npm stopwords-iso,
 * pinned; data/stopwords/README.md), never typed here. At first use they are
 * folded into one hash table mapping a word to the set of languages whose
 * list holds it (a 32-bit mask, bit i for text_stoplists[i]), so that one
 * lookup per token serves every language: the classifier counts stopwords of
 * all languages in one pass and picks the language afterwards. Folding merges
 * a few entries ("a" and "à"), which only makes a list slightly broader.
 *
 * The small hand lists below are not stopword lists: calendar words, titles,
 * name particles, prepositions, organisation words, elisions, abbreviations.
 * They are sorted once at first use (pthread_once) and searched with bsearch,
 * so they may be edited in any order.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ner.h"

struct word_list {
	const char **v;
	size_t n;
};

#define LIST(a)                                                                                    \
	{                                                                                          \
		a, sizeof(a) / sizeof(a[0])                                                        \
	}

/* Calendar words (months, weekdays, relative days) and the few sentence
 * adverbs the stopword lists lack: the entity tagger treats them as stopwords
 * (never a one-word name, dropped at a sentence start). The stopword lists
 * themselves are generated (stopwords_data.c). */
static const char *CAL_FR[] = {"actuellement", "aout",     "avril",   "decembre",  "demain",
                               "dimanche",     "ensuite",  "face",    "fevrier",   "finalement",
                               "hier",         "janvier",  "jeudi",   "juillet",   "juin",
                               "jusqu'a",      "lundi",    "mai",     "mardi",     "mars",
                               "mercredi",     "novembre", "octobre", "or",        "oui",
                               "pourtant",     "publie",   "samedi",  "septembre", "vendredi"};

static const char *CAL_EN[] = {
        "april",     "august", "december", "earlier",  "february", "friday",    "january",
        "july",      "june",   "march",    "monday",   "november", "october",   "saturday",
        "september", "sunday", "thursday", "tomorrow", "tuesday",  "wednesday", "yesterday"};

static const char *CAL_DE[] = {
        "abend",   "april",      "august",     "dezember", "dienstag",  "donnerstag", "februar",
        "freitag", "gestern",    "inzwischen", "januar",   "juli",      "juni",       "laut",
        "mai",     "marz",       "mehrere",    "mittwoch", "monat",     "montag",     "nachmittag",
        "nacht",   "november",   "oktober",    "samstag",  "september", "sonntag",    "vormittag",
        "woche",   "wochenende", "zahlreiche", "zudem"};

static const char *CAL_ES[] = {"abril",     "agosto",  "diciembre", "domingo",    "enero",
                               "febrero",   "jueves",  "julio",     "junio",      "lunes",
                               "manana",    "martes",  "marzo",     "mayo",       "miercoles",
                               "noviembre", "octubre", "sabado",    "septiembre", "viernes"};

static const char *CAL_IT[] = {"agosto",   "aprile",  "dicembre", "domani",    "domenica",
                               "febbraio", "gennaio", "giovedi",  "giugno",    "luglio",
                               "lunedi",   "maggio",  "martedi",  "marzo",     "mercoledi",
                               "novembre", "ottobre", "sabato",   "settembre", "venerdi"};

/* Words that, right before a name, make it a person. */
static const char *TITLES[] = {"adviser",
                               "advisor",
                               "ambasciatore",
                               "ambassadeur",
                               "ambassador",
                               "botschafter",
                               "bundeskanzler",
                               "bundeskanzlerin",
                               "capitaine",
                               "captain",
                               "chancelier",
                               "chanceliere",
                               "chancellor",
                               "colonel",
                               "conseiller",
                               "conseillere",
                               "consigliere",
                               "docteur",
                               "doctor",
                               "dott",
                               "dr",
                               "embajador",
                               "frau",
                               "general",
                               "gouverneur",
                               "governor",
                               "herr",
                               "judge",
                               "juge",
                               "kanzler",
                               "kanzlerin",
                               "king",
                               "m",
                               "maire",
                               "mayor",
                               "minister",
                               "ministerin",
                               "ministra",
                               "ministre",
                               "ministro",
                               "mlle",
                               "mme",
                               "mmes",
                               "mr",
                               "mrs",
                               "ms",
                               "pape",
                               "papst",
                               "pope",
                               "portavoce",
                               "portavoz",
                               "porte-parole",
                               "pr",
                               "prasident",
                               "prasidentin",
                               "premier",
                               "president",
                               "presidente",
                               "presidentin",
                               "prime",
                               "prince",
                               "princesse",
                               "prof",
                               "professeur",
                               "professor",
                               "queen",
                               "reina",
                               "reine",
                               "rey",
                               "roi",
                               "secretaire",
                               "secretary",
                               "senador",
                               "senateur",
                               "senator",
                               "senatore",
                               "senor",
                               "senora",
                               "sig",
                               "signor",
                               "signora",
                               "sindaco",
                               "spokesman",
                               "spokeswoman",
                               "sprecher",
                               "sprecherin",
                               "trainer",
                               "coach",
                               "entraineur",
                               "allenatore",
                               "entrenador",
                               "chairman",
                               "chairwoman",
                               "ceo",
                               "directeur",
                               "directrice",
                               "director",
                               "direktor",
                               "direktorin",
                               "deputy",
                               "vice-president",
                               "vizekanzler",
                               "detective",
                               "inspector",
                               "sergeant",
                               "lieutenant",
                               "commissaire",
                               "procureur",
                               "procureure",
                               "prosecutor",
                               "bishop",
                               "bischof",
                               "eveque",
                               "cardinal",
                               "kardinal",
                               "archbishop",
                               "sir",
                               "dame",
                               "lord",
                               "lady",
                               "mgr",
                               "maitre",
                               "avv",
                               "vorsitzende",
                               "vorsitzender",
                               "leader",
                               "dirigeant",
                               "dirigeante",
                               "depute",
                               "deputee",
                               "senatrice",
                               "ministra",
                               "sultan",
                               "cheikh",
                               "sheikh",
                               "emir",
                               "ayatollah",
                               "rabbi",
                               "imam",
                               "chief",
                               "chef",
                               "cheffe",
                               "patron",
                               "patronne"};

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
                                  "wetterdienst", "club"};

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

static struct word_list cal_fr = LIST(CAL_FR), cal_en = LIST(CAL_EN), cal_de = LIST(CAL_DE),
                        cal_es = LIST(CAL_ES), cal_it = LIST(CAL_IT), titles = LIST(TITLES),
                        particles = LIST(PARTICLES), place_preps = LIST(PLACE_PREPS),
                        articles = LIST(ARTICLES), org_words = LIST(ORG_WORDS),
                        elisions = LIST(ELISIONS), abbrevs = LIST(ABBREVS);
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

/* The stopword table: every word of text_stoplists, folded, with the set of
 * lists holding it. Open addressing (linear probing) over a power-of-two
 * array of {hash, word index}; built once, read-only afterwards. */
struct stop_slot {
	uint32_t hash;
	uint16_t id;  /* index + 1 into stop.off / stop.langs; 0 = empty */
	uint16_t len; /* of the folded word */
};

static struct {
	struct stop_slot *slots;
	size_t mask; /* slots - 1 */
	char *pool;  /* folded words, NUL-terminated */
	uint32_t *off, *langs;
	size_t n;
} stop;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static uint32_t fnv1a(const char *s, size_t len)
{
	uint32_t h = TEXT_LEX_HASH_INIT;
	size_t i;

	for (i = 0; i < len; i++)
		h = text_lex_hash_step(h, (unsigned char)s[i]);
	return h;
}

static long stop_find(const char *w, size_t len, uint32_t h)
{
	size_t i;

	if (!stop.slots)
		return -1;
	for (i = h & stop.mask; stop.slots[i].id; i = (i + 1) & stop.mask) {
		const char *cand;
		size_t k;

		if (stop.slots[i].hash != h || stop.slots[i].len != len)
			continue;
		cand = stop.pool + stop.off[stop.slots[i].id - 1];
		for (k = 0; k < len && cand[k] == w[k]; k++)
			; /* short words: cheaper than a memcmp call */
		if (k == len)
			return (long)stop.slots[i].id - 1;
	}
	return -1;
}

/* Fold and insert every listed word. On ENOMEM the table stays empty (every
 * lookup answers "not a stopword"): the classifier then falls back to length
 * and link density, as for a language without a list. */
static void build_stop_table(void)
{
	size_t total = 0, bytes = 0, cap = 1, l, pos = 0;

	for (l = 0; l < text_n_stoplists; l++) {
		total += text_stoplists[l].n;
		bytes += strlen(text_stoplists[l].words) * 3 + text_stoplists[l].n;
	}
	if (total >= UINT16_MAX)
		return; /* ids are 16-bit: a list this big is a mistake */
	while (cap < total * 2)
		cap *= 2;
	stop.slots = calloc(cap, sizeof(*stop.slots));
	stop.pool = malloc(bytes + 1);
	stop.off = malloc(total * sizeof(*stop.off));
	stop.langs = malloc(total * sizeof(*stop.langs));
	if (!stop.slots || !stop.pool || !stop.off || !stop.langs) {
		free(stop.slots);
		free(stop.pool);
		free(stop.off);
		free(stop.langs);
		memset(&stop, 0, sizeof(stop));
		return;
	}
	stop.mask = cap - 1;
	for (l = 0; l < text_n_stoplists && l < TEXT_STOP_LANGS_MAX; l++) {
		const char *w = text_stoplists[l].words;

		while (*w) {
			size_t wl = strcspn(w, "\n"), fl;
			char *f = stop.pool + pos;
			uint32_t h;
			long id;

			fl = text_fold(w, wl, f, bytes + 1 - pos);
			h = fnv1a(f, fl);
			id = stop_find(f, fl, h);
			if (id >= 0) {
				stop.langs[id] |= 1u << l;
			} else {
				size_t i = h & stop.mask;

				while (stop.slots[i].id)
					i = (i + 1) & stop.mask;
				stop.off[stop.n] = (uint32_t)pos;
				stop.langs[stop.n] = 1u << l;
				stop.slots[i] = (struct stop_slot){
				        .hash = h, .id = (uint16_t)++stop.n, .len = (uint16_t)fl};
				pos += fl + 1;
			}
			w += wl + (w[wl] == '\n');
		}
	}
}

/* Every hand-list word with its NL_* classes, for the tagger's one lookup
 * per token (text_lex_classes). Open addressing over FNV-1a hashes. */
struct class_slot {
	const char *w;
	uint32_t hash;
	uint8_t classes;
};

static struct {
	struct class_slot *slots;
	size_t mask;
} cls;

static void class_add(const char *w, unsigned c)
{
	uint32_t h = fnv1a(w, strlen(w));
	size_t i = h & cls.mask;

	for (; cls.slots[i].w; i = (i + 1) & cls.mask) {
		if (cls.slots[i].hash == h && !strcmp(cls.slots[i].w, w)) {
			cls.slots[i].classes |= (uint8_t)c;
			return;
		}
	}
	cls.slots[i] = (struct class_slot){.w = w, .hash = h, .classes = (uint8_t)c};
}

static void build_class_table(void)
{
	static const struct {
		struct word_list *l;
		unsigned c;
	} lists[] = {{&titles, NL_TITLE},   {&place_preps, NL_PLACEP}, {&articles, NL_ARTICLE},
	             {&org_words, NL_ORGW}, {&particles, NL_PARTICLE}, {&cal_fr, NL_CAL},
	             {&cal_en, NL_CAL},     {&cal_de, NL_CAL},         {&cal_es, NL_CAL},
	             {&cal_it, NL_CAL}};
	size_t i, j, total = 0, cap = 64;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		total += lists[i].l->n;
	while (cap < 4 * total)
		cap *= 2;
	cls.slots = calloc(cap, sizeof(*cls.slots));
	if (!cls.slots)
		return; /* lookups then answer "no class" */
	cls.mask = cap - 1;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		for (j = 0; j < lists[i].l->n; j++)
			class_add(lists[i].l->v[j], lists[i].c);
}

static void sort_lists(void)
{
	struct word_list *all[] = {&cal_fr,   &cal_en,    &cal_de,    &cal_es,
	                           &cal_it,   &titles,    &particles, &place_preps,
	                           &articles, &org_words, &elisions,  &abbrevs};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		qsort(all[i]->v, all[i]->n, sizeof(char *), cmp_str);
	build_stop_table();
	build_class_table();
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

int text_lex_stop_lang(const char *lang)
{
	size_t l;

	if (!lang)
		return -1;
	for (l = 0; l < text_n_stoplists && l < TEXT_STOP_LANGS_MAX; l++)
		if (!strcmp(text_stoplists[l].lang, lang))
			return (int)l;
	return -1;
}

uint32_t text_lex_stop_mask(const char *w, size_t len)
{
	return text_lex_stop_mask_h(w, len, fnv1a(w, len));
}

uint32_t text_lex_stop_mask_h(const char *w, size_t len, uint32_t h)
{
	long id;

	pthread_once(&sorted_once, sort_lists);
	id = stop_find(w, len, h);
	return id < 0 ? 0 : stop.langs[id];
}

static struct word_list *calendar(const char *lang)
{
	static const struct {
		const char *lang;
		struct word_list *list;
	} by_lang[] = {{"fr", &cal_fr},
	               {"en", &cal_en},
	               {"de", &cal_de},
	               {"es", &cal_es},
	               {"it", &cal_it}};
	size_t i;

	for (i = 0; lang && i < sizeof(by_lang) / sizeof(by_lang[0]); i++)
		if (!strcmp(lang, by_lang[i].lang))
			return by_lang[i].list;
	return NULL;
}

bool text_lex_is_stopword(const char *lang, const char *w)
{
	int l = text_lex_stop_lang(lang);
	uint32_t m = text_lex_stop_mask(w, strlen(w));
	struct word_list *cal = calendar(lang);

	if (l >= 0 || cal)
		return (l >= 0 && (m >> l & 1)) || (cal && in_list(cal, w));
	/* No list for lang (or none given): any of them. */
	return m || in_list(&cal_fr, w) || in_list(&cal_en, w) || in_list(&cal_de, w) ||
	       in_list(&cal_es, w) || in_list(&cal_it, w);
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

unsigned text_lex_classes(int stop_lang, const char *raw, size_t rawlen, const char *w, size_t wl)
{
	uint32_t h = fnv1a(w, wl), m = 0;
	unsigned c = 0;
	size_t i;
	long id;

	pthread_once(&sorted_once, sort_lists);
	if (cls.slots) {
		for (i = h & cls.mask; cls.slots[i].w; i = (i + 1) & cls.mask) {
			if (cls.slots[i].hash == h && !strncmp(cls.slots[i].w, w, wl) &&
			    !cls.slots[i].w[wl]) {
				c = cls.slots[i].classes;
				break;
			}
		}
	}
	if (wl > 6 && w[wl] == '\0') {
		if (!(c & NL_TITLE) &&
		    has_suffix(w, TITLE_SUFFIXES,
		               sizeof(TITLE_SUFFIXES) / sizeof(TITLE_SUFFIXES[0])))
			c |= NL_TITLE;
		if (!(c & NL_ORGW) &&
		    has_suffix(w, ORG_SUFFIXES, sizeof(ORG_SUFFIXES) / sizeof(ORG_SUFFIXES[0])))
			c |= NL_ORGW;
	}
	if (rawlen == 2 && (!memcmp(raw, "\xc3\xa0", 2) || !memcmp(raw, "\xc3\x80", 2)))
		c |= NL_PLACEP; /* à, À */
	id = stop_find(w, wl, h);
	if (id >= 0)
		m = stop.langs[id];
	if (stop_lang >= 0 ? (m >> stop_lang & 1) : m != 0)
		c |= NL_STOP;
	return c;
}
