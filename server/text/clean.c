/* clean: paragraphs and the boilerplate classifier.
 *
 * Every non-blank line is a paragraph (scraped text rarely keeps blank lines
 * between paragraphs, and HTML blocks arrive one per line). White space is
 * collapsed, invisible characters dropped.
 *
 * The classifier follows jusText (Pomikálek, "Removing Boilerplate and
 * Duplicate Content from Web Corpora", 2011) with its default parameters,
 * plus vocabulary and structure rules for what jusText cannot see in plain
 * text. Per paragraph, in one pass: length in characters, tokens (runs of
 * letters and digits), stopwords of every language at once (lexicon.c: one
 * table lookup per token gives the set of lists holding it), and the link
 * density the HTML parser measured.
 *
 * 1. Language. The given one when it has a stopword list; else the list that
 *    covers most tokens of the page, when it covers at least 15% of them.
 *    Without a language only length and link density speak (the stopword
 *    tests below are skipped and long paragraphs count as good).
 *
 * 2. Hard rules, which context never overturns (class bad for good):
 *    - no letter at all ("2111", "***");
 *    - page-furniture vocabulary at the start of the paragraph (PREFIXES:
 *      sharing and comment widgets, "Lire aussi", reading time, publication
 *      stamps, sign-in prompts, consent buttons), each phrase with the most
 *      words a line starting with it may have, in fr en de es it pt nl. The
 *      table holds UI verbs and stock phrases, never sentences of a page;
 *    - reserved-rights notices, copyright lines ("©", "Copyright"), cookie
 *      and tracker consent banners, "subscribers only" notices, and short
 *      lines naming site furniture (newsletter, privacy, legal notice);
 *    - photo captions ending in a credit and credit lines (credits.c:
 *      "(SAUL LOEB / AFP)", "Foto: X/dpa", "Par AFP", "franceinfo avec AFP");
 *    - breadcrumbs: short segments joined by ">", "›", "»" or "|";
 *    - related-link lists: after a short list heading ("Lire aussi :",
 *      "Read more", "Mehr zum Thema", "Tags:"), each item that reads like a
 *      headline (at most 25 words, no final full stop); the first paragraph
 *      that ends like a sentence ends the list.
 *
 * 3. Headline. text_title_guess() over what the hard rules left gives the
 *    headline; it and its copies are marked .headline and dropped from the
 *    body (the title stage picks them up). The paragraph right after it, when
 *    it is a sentence, is the standfirst and counts as good.
 *
 * 4. Context-free class (jusText): link density above 0.2: bad; under 70
 *    characters: short (bad if it holds a link), except a short paragraph
 *    that is a sentence (capital start, final mark, enough stopwords), which
 *    is near-good: one-line paragraphs of news copy are sentences; stopword
 *    density >= 0.32: good above 200 characters, else near-good; >= 0.30:
 *    near-good; else bad. Unlike jusText, the density's denominator leaves
 *    out capitalised words inside a sentence: names hold no stopwords, and
 *    news paragraphs dense with them ("European Commission President Ursula
 *    von der Leyen...") are prose, not chrome.
 *
 * 5. Context (jusText's revision, in its order): a short heading followed by
 *    good text within 200 characters becomes near-good; a short paragraph
 *    takes the class of its nearest non-short neighbours when they agree,
 *    else is good only when a near-good paragraph touches its bad side;
 *    near-good stays good unless both neighbours are bad; an HTML heading
 *    demoted to bad by context alone is restored when good text follows
 *    closely. Page ends count as bad neighbours.
 *    Inserts, hard-bad paragraphs that interrupt an article rather than
 *    frame it (related links and their lists, tags, ads, photo captions),
 *    are looked through: the paragraphs after a "Lire aussi" box keep the
 *    article's good text as neighbour.
 *    Headings are <h1>-<h6> for HTML; in plain text, any short line that
 *    reads like a heading (capital start, no final full stop): that is how
 *    an in-article subheading between good paragraphs stays while a list of
 *    headlines between chrome goes. Plain-text headings skip the last
 *    rescue: a guess is not an <h2>, and bylines and captions above the
 *    body would come back with it.
 *
 *    Plain text has no links: the photo-credit, list and vocabulary rules
 *    stand in for link density there. The classifier never splits or edits
 *    a paragraph: a dateline ("PARIS (AFP) -") stays at the start of its
 *    paragraph.
 *
 * 6. A page too small for context (no good paragraph left: a sentence or two
 *    sent through the API) keeps every paragraph the hard rules left.
 *
 * Phrases are matched on a folded copy (lower case, accents stripped), so
 * "À découvrir" and "A DECOUVRIR" both hit "a decouvrir".
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* How much of a paragraph the vocabulary rules look at, folded. */
#define FOLD_BYTES 512
#define TOKEN_MAX 48
#define LIST_ITEM_MAX_WORDS 25
#define LIST_HEADING_MAX_WORDS 5

/* jusText's defaults. */
#define LENGTH_LOW 70            /* characters */
#define LENGTH_HIGH 200          /* characters */
#define STOPWORDS_LOW 0.30       /* share of tokens */
#define STOPWORDS_HIGH 0.32      /* share of tokens */
#define MAX_LINK_DENSITY 0.2     /* share of bytes */
#define MAX_HEADING_DISTANCE 200 /* characters */

/* A stopword list must cover this share of the page's tokens to be used. */
#define LANG_MIN_DENSITY 0.15
#define LANG_MIN_TOKENS 10

/* Paragraphs classified without a heap allocation. */
#define STACK_PARAS 96

enum para_class { CLS_BAD = 0, CLS_SHORT, CLS_NEARGOOD, CLS_GOOD };

/* Prefix rule flags. */
#define LIST_HEADING 1u /* starts a related-links list when the line is short */
#define NEED_COLON 2u   /* only when a ':' follows ("Tags:", "Bron:") */
#define STAMP 4u        /* a date stamp: only with a digit, or 4 words at most */
#define INSERT 8u       /* inserted into the article: ignored by the context rules */
#define BUTTON 16u      /* a row of buttons: not when the line ends like a sentence */

struct prefix_rule {
	const char *phrase;      /* folded */
	unsigned char max_words; /* the whole line's limit; 0 = any length */
	unsigned char flags;
};

/* Sorted by phrase at first use (the index below), so keep it grouped by
 * meaning. */
static struct prefix_rule PREFIXES[] = {
        /* sharing, saving, printing, listening */
        {"partager", 12, BUTTON},
        {"share", 12, BUTTON},
        {"teilen", 12, BUTTON},
        {"artikel teilen", 12, BUTTON},
        {"compartir", 12, BUTTON},
        {"condividi", 12, BUTTON},
        {"partilhar", 12, BUTTON},
        {"compartilhar", 12, BUTTON},
        {"delen", 12, BUTTON},
        {"deel", 12, BUTTON},
        {"tweet", 12, BUTTON},
        {"tweeter", 12, BUTTON},
        {"twittern", 12, BUTTON},
        {"tuitear", 12, BUTTON},
        {"facebook", 6, BUTTON},
        {"twitter", 6, BUTTON},
        {"whatsapp", 6, BUTTON},
        {"linkedin", 6, BUTTON},
        {"e-mail", 12, BUTTON},
        {"email", 12, BUTTON},
        {"envoyer", 12, BUTTON},
        {"enviar", 12, BUTTON},
        {"invia", 12, BUTTON},
        {"imprimer", 12, BUTTON},
        {"print", 3, BUTTON},
        {"drucken", 12, BUTTON},
        {"imprimir", 12, BUTTON},
        {"stampa", 3, BUTTON},
        {"afdrukken", 3, BUTTON},
        {"copier le lien", 12, BUTTON},
        {"copy link", 12, BUTTON},
        {"copiar enlace", 12, BUTTON},
        {"copiar link", 12, BUTTON},
        {"link kopieren", 12, BUTTON},
        {"copia link", 12, BUTTON},
        {"artikel merken", 12, BUTTON},
        {"enregistrer", 3, BUTTON},
        {"ecouter", 12, BUTTON},
        {"ecoutez", 12, BUTTON},
        {"listen", 12, BUTTON},
        {"horen", 3, BUTTON},
        {"anhoren", 12, BUTTON},
        {"ascolta", 12, BUTTON},
        {"escuchar", 12, BUTTON},
        {"ouvir", 12, BUTTON},
        {"luister", 12, BUTTON},
        {"close", 2, BUTTON},
        {"close button", 12, BUTTON},
        {"fermer", 2, BUTTON},
        {"schliessen", 2, BUTTON},
        {"cerrar", 2, BUTTON},
        {"chiudi", 2, BUTTON},
        {"fechar", 2, BUTTON},
        {"sluiten", 2, BUTTON},
        {"skip to", 6, BUTTON},
        {"aller au contenu", 6, BUTTON},
        {"zum inhalt", 5, BUTTON},
        /* consent buttons (the banners themselves: consent_banner()) */
        {"accepter", 6, 0},
        {"tout accepter", 8, 0},
        {"accept", 6, 0},
        {"akzeptieren", 6, 0},
        {"alle akzeptieren", 6, 0},
        {"aceptar", 4, 0},
        {"accetta", 4, 0},
        {"accetto", 6, 0},
        {"aceitar", 6, 0},
        {"accepteren", 4, 0},
        {"en savoir plus", 6, 0},
        {"mehr erfahren", 4, 0},
        {"saber mais", 4, 0},
        /* comments */
        {"commentaires", 4, LIST_HEADING},
        {"commentaire", 4, 0},
        {"commenter", 6, 0},
        {"comments", 4, LIST_HEADING},
        {"kommentare", 4, LIST_HEADING},
        {"kommentar", 4, 0},
        {"kommentieren", 3, 0},
        {"diskutieren sie mit", 15, 0},
        {"comentarios", 4, LIST_HEADING},
        {"commenti", 4, LIST_HEADING},
        {"commenta", 4, 0},
        {"reacties", 4, LIST_HEADING},
        {"reageer", 8, 0},
        {"vos reactions", 4, LIST_HEADING},
        {"reactions", 3, 0},
        {"regles de conduite", 5, 0},
        {"discussion", 2, 0},
        {"diskussion", 2, 0},
        /* blog and comment furniture */
        {"reply", 2, BUTTON},
        {"antworten", 2, BUTTON},
        {"repondre", 2, BUTTON},
        {"responder", 2, BUTTON},
        {"rispondi", 2, BUTTON},
        {"leave a reply", 8, 0},
        {"leave a comment", 8, 0},
        {"laisser un commentaire", 8, 0},
        {"schreibe einen kommentar", 8, 0},
        {"kommentar schreiben", 8, 0},
        {"dejar un comentario", 8, 0},
        {"deja un comentario", 8, 0},
        {"lascia un commento", 8, 0},
        {"deixe um comentario", 8, 0},
        {"laat een reactie achter", 8, 0},
        {"posted by", 8, STAMP},
        {"posted in", 12, 0},
        {"posted on", 8, STAMP},
        {"comment by", 8, 0},
        {"filed under", 12, 0},
        {"gepostet von", 8, 0},
        {"geschrieben von", 8, 0},
        {"verfasst von", 8, 0},
        {"abgelegt unter", 12, 0},
        {"older post", 4, 0},
        {"older posts", 4, 0},
        {"newer post", 4, 0},
        {"newer posts", 4, 0},
        {"previous post", 10, 0},
        {"next post", 10, 0},
        {"vorheriger beitrag", 10, 0},
        {"nachster beitrag", 10, 0},
        {"article precedent", 10, 0},
        {"article suivant", 10, 0},
        {"zuruck", 4, 0},
        {"zuruck zur ubersicht", 6, 0},
        {"weiterlesen", 4, INSERT},
        {"continue reading", 8, INSERT},
        {"mehr lesen", 4, INSERT},
        {"erforderliche felder", 10, 0},
        {"required fields", 10, 0},
        {"benachrichtige mich", 15, 0},
        {"notify me", 15, 0},
        {"your email address will not be published", 15, 0},
        {"deine e-mail-adresse wird nicht veroffentlicht", 15, 0},
        {"ihre e-mail-adresse wird nicht veroffentlicht", 15, 0},
        {"votre adresse e-mail ne sera pas publiee", 15, 0},
        {"kategorie", 0, NEED_COLON},
        {"kategorien", 0, NEED_COLON},
        {"category", 0, NEED_COLON},
        {"categories", 0, NEED_COLON},
        {"categorie", 0, NEED_COLON},
        {"categoria", 0, NEED_COLON},
        {"autor", 6, NEED_COLON},
        {"author", 6, NEED_COLON},
        {"auteur", 6, NEED_COLON},
        /* related links and tags */
        {"ahnliche beitrage", 0, LIST_HEADING | INSERT},
        {"ahnliche artikel", 0, LIST_HEADING | INSERT},
        {"verwandte artikel", 0, LIST_HEADING | INSERT},
        {"das konnte dich auch interessieren", 0, LIST_HEADING | INSERT},
        {"related posts", 0, LIST_HEADING | INSERT},
        {"similar posts", 0, LIST_HEADING | INSERT},
        {"articles similaires", 0, LIST_HEADING | INSERT},
        {"articulos relacionados", 0, LIST_HEADING | INSERT},
        {"schlagworter", 0, LIST_HEADING | INSERT},
        {"lire aussi", 0, LIST_HEADING | INSERT},
        {"a lire aussi", 0, LIST_HEADING | INSERT},
        {"lire egalement", 0, LIST_HEADING | INSERT},
        {"a lire egalement", 0, LIST_HEADING | INSERT},
        {"a lire", 0, LIST_HEADING | INSERT},
        {"lire la suite", 6, INSERT},
        {"a decouvrir", 0, LIST_HEADING | INSERT},
        {"voir aussi", 0, LIST_HEADING | INSERT},
        {"a voir aussi", 0, LIST_HEADING | INSERT},
        {"sur le meme sujet", 0, LIST_HEADING | INSERT},
        {"dans la meme rubrique", 0, LIST_HEADING | INSERT},
        {"les plus lus", 0, LIST_HEADING | INSERT},
        {"read more", 0, LIST_HEADING | INSERT},
        {"read also", 0, LIST_HEADING | INSERT},
        {"see also", 0, LIST_HEADING | INSERT},
        {"related", 0, LIST_HEADING | INSERT},
        {"more on this story", 0, LIST_HEADING | INSERT},
        {"most read", 0, LIST_HEADING | INSERT},
        {"most popular", 0, LIST_HEADING | INSERT},
        {"you may also like", 0, LIST_HEADING | INSERT},
        {"you might also like", 0, LIST_HEADING | INSERT},
        {"mehr zum thema", 0, LIST_HEADING | INSERT},
        {"lesen sie auch", 0, LIST_HEADING | INSERT},
        {"lesen sie mehr", 0, LIST_HEADING | INSERT},
        {"auch interessant", 0, LIST_HEADING | INSERT},
        {"das konnte sie auch interessieren", 0, LIST_HEADING | INSERT},
        {"meistgelesen", 0, LIST_HEADING | INSERT},
        {"weitere artikel", 0, LIST_HEADING | INSERT},
        {"lee tambien", 0, LIST_HEADING | INSERT},
        {"lea tambien", 0, LIST_HEADING | INSERT},
        {"leer mas", 6, INSERT},
        {"te puede interesar", 0, LIST_HEADING | INSERT},
        {"tambien te puede interesar", 0, LIST_HEADING | INSERT},
        {"mas informacion", 0, LIST_HEADING | INSERT},
        {"noticias relacionadas", 0, LIST_HEADING | INSERT},
        {"lo mas leido", 0, LIST_HEADING | INSERT},
        {"leggi anche", 0, LIST_HEADING | INSERT},
        {"potrebbe interessarti", 0, LIST_HEADING | INSERT},
        {"ti potrebbe interessare", 0, LIST_HEADING | INSERT},
        {"articoli correlati", 0, LIST_HEADING | INSERT},
        {"i piu letti", 0, LIST_HEADING | INSERT},
        {"leia tambem", 0, LIST_HEADING | INSERT},
        {"leia mais", 6, INSERT},
        {"veja tambem", 0, LIST_HEADING | INSERT},
        {"saiba mais", 6, INSERT},
        {"mais lidas", 0, LIST_HEADING | INSERT},
        {"lees ook", 0, LIST_HEADING | INSERT},
        {"lees meer", 6, INSERT},
        {"meer over", 0, LIST_HEADING | INSERT},
        {"meest gelezen", 0, LIST_HEADING | INSERT},
        {"tags", 0, LIST_HEADING | INSERT},
        {"tag", 0, LIST_HEADING | NEED_COLON | INSERT},
        {"mots-cles", 0, LIST_HEADING | INSERT},
        {"themen", 0, LIST_HEADING | NEED_COLON | INSERT},
        {"schlagworte", 0, LIST_HEADING | INSERT},
        {"etiquetas", 0, LIST_HEADING | INSERT},
        {"temas", 0, LIST_HEADING | NEED_COLON | INSERT},
        {"argomenti", 0, LIST_HEADING | NEED_COLON | INSERT},
        {"topics", 0, LIST_HEADING | NEED_COLON | INSERT},
        {"suggested topics", 0, LIST_HEADING | INSERT},
        {"trefwoorden", 0, LIST_HEADING | INSERT},
        /* reading time, publication stamps, ads, page furniture */
        {"temps de lecture", 8, 0},
        {"lecture", 4, STAMP},
        {"reading time", 8, 0},
        {"lesezeit", 6, 0},
        {"lesedauer", 6, 0},
        {"tiempo de lectura", 8, 0},
        {"tempo di lettura", 8, 0},
        {"tempo de leitura", 8, 0},
        {"leestijd", 6, 0},
        {"publie", 16, STAMP},
        {"mis a jour", 12, STAMP},
        {"mise a jour", 12, STAMP},
        {"published", 12, STAMP},
        {"updated", 12, STAMP},
        {"veroffentlicht", 14, STAMP},
        {"aktualisiert", 12, STAMP},
        {"publicado", 14, STAMP},
        {"actualizado", 12, STAMP},
        {"pubblicato", 16, STAMP},
        {"aggiornato", 12, STAMP},
        {"ultimo aggiornamento", 10, STAMP},
        {"atualizado", 12, STAMP},
        {"gepubliceerd", 16, STAMP},
        {"bijgewerkt", 12, STAMP},
        {"laatste update", 10, STAMP},
        {"url courte", 4, 0},
        {"publicite", 2, INSERT},
        {"advertisement", 2, INSERT},
        {"sponsored", 3, INSERT},
        {"anzeige", 2, INSERT},
        {"werbung", 2, INSERT},
        {"publicidad", 2, INSERT},
        {"pubblicita", 2, INSERT},
        {"publicidade", 2, INSERT},
        {"advertentie", 2, INSERT},
        {"cet article date de plus de", 12, 0},
        {"this article is more than", 12, 0},
        {"accueil", 8, 0},
        {"startseite", 8, 0},
        /* sign-in and subscription prompts */
        {"newsletter", 10, 0},
        {"abonnez-vous", 25, 0},
        {"s'abonner", 10, 0},
        {"inscrivez-vous", 25, 0},
        {"connectez-vous", 25, 0},
        {"identifiez-vous", 25, 0},
        {"subscribe", 25, 0},
        {"sign up", 25, 0},
        {"sign in", 25, 0},
        {"log in", 25, 0},
        {"create an account", 20, 0},
        {"abonnieren", 25, 0},
        {"jetzt abonnieren", 25, 0},
        {"melden sie sich", 25, 0},
        {"registrieren", 10, 0},
        {"suscribete", 25, 0},
        {"inicia sesion", 20, 0},
        {"registrate", 20, 0},
        {"iscriviti", 25, 0},
        {"abbonati", 25, 0},
        {"accedi", 10, 0},
        {"assine", 25, 0},
        {"inscreva-se", 25, 0},
        {"inicie sessao", 20, 0},
        {"abonneer", 25, 0},
        {"inloggen", 20, 0},
        /* picture credits */
        {"photo", 40, INSERT},
        {"foto", 40, INSERT},
        {"credit", 20, INSERT},
        {"illustration", 20, INSERT},
};

#define N_PREFIXES (sizeof(PREFIXES) / sizeof(PREFIXES[0]))

/* Reserved-rights notices, any length (the AFP notice runs to 130 words). */
static const char *const RIGHTS[] = {
        "droits reserves",        "droits de reproduction", "all rights reserved",
        "rechte vorbehalten",     "derechos reservados",    "diritti riservati",
        "riproduzione riservata", "direitos reservados",    "rechten voorbehouden",
};

/* Banners: a tracking word together with a consent word. */
static const char *const TRACKING[] = {"cookie", "traceur", "tracker"};

static const char *const CONSENT[] = {
        "accept",      "acept",    "accett",         "aceit",       "consent",  "zustimm",
        "einwillig",   "utilis",   "utiliz",         "we use",      "uses",     "verwend",
        "nutzen",      "navega",   "naviga",         "continu",     "parametr", "setting",
        "einstellung", "privacy",  "confidentialit", "datenschutz", "privacid", "personnalis",
        "partenaires", "partners", "partner",        "gebruik",     "akkoord",
};

/* Site furniture named in a short line (SHORT_LINE_WORDS at most): legal
 * pages, privacy, newsletters, cookies. */
#define SHORT_LINE_WORDS 12

static const char *const FURNITURE[] = {
        "newsletter",
        "cookie",
        "datenschutz",
        "privacy policy",
        "terms of use",
        "terms of service",
        "nutzungsbedingungen",
        "impressum",
        "mentions legales",
        "confidentialite",
        "politica de privacidad",
        "aviso legal",
        "note legali",
        "informativa sulla privacy",
        "politica de privacidade",
        "privacyverklaring",
};

/* Notices that the rest is for subscribers. */
static const char *const SUBSCRIBERS[] = {
        "reserve aux abonnes",  "reserved for subscribers", "nur fur abonnenten",
        "para suscriptores",    "riservato agli abbonati",  "exclusivo para assinantes",
        "alleen voor abonnees",
};

static struct {
	unsigned short first[27]; /* index of the first rule per initial ('a'..'z', other) */
	unsigned short end[27];
} prefix_index;
static unsigned char prefix_len[N_PREFIXES];
static pthread_once_t prefix_once = PTHREAD_ONCE_INIT;

static int cmp_rule(const void *a, const void *b)
{
	return strcmp(((const struct prefix_rule *)a)->phrase,
	              ((const struct prefix_rule *)b)->phrase);
}

static unsigned bucket(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned)(c - 'a') : 26;
}

static void index_prefixes(void)
{
	size_t i;

	qsort(PREFIXES, N_PREFIXES, sizeof(PREFIXES[0]), cmp_rule);
	for (i = 0; i < N_PREFIXES; i++)
		prefix_len[i] = (unsigned char)strlen(PREFIXES[i].phrase);
	for (i = N_PREFIXES; i-- > 0;)
		prefix_index.first[bucket((unsigned char)PREFIXES[i].phrase[0])] =
		        (unsigned short)i;
	for (i = 0; i < N_PREFIXES; i++)
		prefix_index.end[bucket((unsigned char)PREFIXES[i].phrase[0])] =
		        (unsigned short)(i + 1);
}

static bool starts_with_word(const char *folded, const char *phrase, size_t n)
{
	int32_t cp;

	if (strncmp(folded, phrase, n))
		return false;
	if (!folded[n])
		return true;
	utf8_next(folded + n, &cp);
	return !text_is_wordchar(cp);
}

static bool contains_any(const char *folded, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(folded, list[i]))
			return true;
	return false;
}

static bool has_digit(const char *s)
{
	for (; *s; s++)
		if (*s >= '0' && *s <= '9')
			return true;
	return false;
}

static bool ends_sentence(const char *s, size_t len, bool question);

/* The longest matching phrase wins ("a lire aussi" over "a lire"). */
static const struct prefix_rule *match_prefix(const char *folded, unsigned words)
{
	const struct prefix_rule *best = NULL;
	size_t best_len = 0, i;
	unsigned b = bucket((unsigned char)folded[0]);

	pthread_once(&prefix_once, index_prefixes);
	for (i = prefix_index.first[b]; i < prefix_index.end[b]; i++) {
		const struct prefix_rule *r = &PREFIXES[i];
		size_t n = prefix_len[i];
		const char *after = folded + n;

		if (n <= best_len || !starts_with_word(folded, r->phrase, n))
			continue;
		if (r->max_words && words > r->max_words)
			continue;
		while (*after == ' ')
			after++;
		if ((r->flags & NEED_COLON) && *after != ':')
			continue;
		if ((r->flags & STAMP) && words > 4 && !has_digit(after))
			continue;
		if ((r->flags & BUTTON) && words > 3 && ends_sentence(folded, strlen(folded), true))
			continue; /* "Share prices fell." */
		best = r;
		best_len = n;
	}
	return best;
}

/* Leading punctuation ("» Lire aussi", "- Partager") and a count ("71
 * Kommentare", "3 comments") do not hide a rule. */
static const char *skip_punct(const char *folded)
{
	const char *s;

	while (*folded && !((unsigned char)*folded >= 0x80 || (*folded >= 'a' && *folded <= 'z') ||
	                    (*folded >= '0' && *folded <= '9')))
		folded++;
	for (s = folded; *s >= '0' && *s <= '9'; s++)
		;
	if (s > folded && *s == ' ' &&
	    ((s[1] >= 'a' && s[1] <= 'z') || (unsigned char)s[1] >= 0x80))
		return s + 1;
	return folded;
}

/* Ends like a sentence: ".", "!", "?" or "…", possibly followed by closing
 * quotes or brackets. question: whether "?" counts (headlines may end so). */
static bool ends_sentence(const char *s, size_t len, bool question)
{
	while (len) {
		unsigned char c = (unsigned char)s[len - 1];

		if (c == '"' || c == '\'' || c == ')' || c == ' ')
			len--;
		else if (len >= 2 && !memcmp(s + len - 2, "\xc2\xbb", 2)) /* » */
			len -= 2;
		else if (len >= 3 && (!memcmp(s + len - 3, "\xe2\x80\x9d", 3) || /* ” */
		                      !memcmp(s + len - 3, "\xe2\x80\x99", 3)))  /* ’ */
			len -= 3;
		else
			break;
	}
	if (!len)
		return false;
	return s[len - 1] == '.' || s[len - 1] == '!' || (question && s[len - 1] == '?') ||
	       (len >= 3 && !memcmp(s + len - 3, "\xe2\x80\xa6", 3));
}

/* The first letter, past opening quotes and dashes, is a capital. */
static bool starts_capital(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		int32_t cp;

		i += (size_t)utf8_next(s + i, &cp);
		if (text_is_letter(cp))
			return text_is_upper(cp);
		if (text_is_wordchar(cp))
			return false; /* a digit first */
	}
	return false;
}

/* "Accueil > Culture > Musique", "Binnenland | Politiek": short segments
 * joined by separators, nothing like a sentence. */
static bool breadcrumb(const char *s, size_t len, unsigned words)
{
	static const char *const SEPS[] = {" > ", " \xe2\x80\xba ", " \xc2\xbb ", " | "};
	unsigned seps = 0;
	size_t i, k;

	if (words > 12 || ends_sentence(s, len, false))
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] != ' ')
			continue;
		for (k = 0; k < sizeof(SEPS) / sizeof(SEPS[0]); k++) {
			size_t n = strlen(SEPS[k]);

			if (i + n <= len && !memcmp(s + i, SEPS[k], n)) {
				seps++;
				break;
			}
		}
	}
	return seps && words <= 4 * (seps + 1);
}

static bool consent_banner(const char *folded, unsigned words)
{
	return words <= 120 &&
	       contains_any(folded, TRACKING, sizeof(TRACKING) / sizeof(TRACKING[0])) &&
	       contains_any(folded, CONSENT, sizeof(CONSENT) / sizeof(CONSENT[0]));
}

static bool copyright_line(const char *folded, unsigned words)
{
	/* every phrase of RIGHTS holds one of these: one scan each, not nine */
	if ((strstr(folded, "serv") || strstr(folded, "recht") || strstr(folded, "reprod")) &&
	    contains_any(folded, RIGHTS, sizeof(RIGHTS) / sizeof(RIGHTS[0])))
		return true;
	return words <= 40 && (strstr(folded, "\xc2\xa9") || strstr(folded, "(c) 2") ||
	                       (words <= 15 && strstr(folded, "copyright")));
}

/* Everything the hard rules and the classifier need from one paragraph. */
struct feat {
	unsigned chars;              /* code points */
	unsigned tokens;             /* runs of letters and digits */
	unsigned names;              /* capitalised tokens inside a sentence ("Ursula von der
	                              * Leyen"): no stopword can be among them, so the
	                              * stopword density leaves them out */
	unsigned char cf, cls, next; /* context-free, current, pending class */
	bool hard;                   /* bad by a vocabulary or structure rule */
	bool insert;                 /* hard, and inserted into the article (related links, ads,
	                              * captions): context rules look through it */
	bool heading;                /* may be a heading */
	bool letter;                 /* has a letter */
};

/* One pass: counts, the folded prefix and the stopword counts per language
 * (stops: TEXT_STOP_LANGS_MAX counters, or NULL). */
static void count_token(const char *tok, size_t tl, uint32_t h, uint16_t *stops)
{
	uint32_t m = text_lex_stop_mask_h(tok, tl, h);

	while (m) {
		int b = __builtin_ctz(m);

		if (stops[b] < UINT16_MAX)
			stops[b]++;
		m &= m - 1;
	}
}

static void measure(const char *s, size_t len, struct feat *f, uint16_t *stops, char *folded)
{
	char tok[TOKEN_MAX];
	size_t i = 0, tl = 0, fl = 0;
	uint32_t h = TEXT_LEX_HASH_INIT;
	bool overflow = false, cap = false, sentence_start = true;

	*f = (struct feat){0};
	while (i <= len) {
		unsigned char c = i < len ? (unsigned char)s[i] : 0;
		bool word = false;

		if (i == len) {
			i++;
		} else if (c < 0x80) { /* ASCII: no table, no copy */
			char lc = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);

			f->chars++;
			if (fl + 1 < FOLD_BYTES)
				folded[fl++] = lc;
			word = (lc >= 'a' && lc <= 'z') || (c >= '0' && c <= '9');
			f->letter = f->letter || lc >= 'a';
			if (word && !tl && !overflow)
				cap = c >= 'A' && c <= 'Z';
			if (!word && (c == '.' || c == '!' || c == '?' || c == ':'))
				sentence_start = true;
			if (word && tl < sizeof(tok)) {
				tok[tl++] = lc;
				h = text_lex_hash_step(h, (unsigned char)lc);
			} else if (word)
				overflow = true;
			i++;
		} else {
			char tmp[32];
			int32_t cp;
			int n = utf8_next(s + i, &cp);
			size_t tn = text_fold(s + i, (size_t)n, tmp, sizeof(tmp));

			f->chars++;
			if (fl + tn < FOLD_BYTES) {
				memcpy(folded + fl, tmp, tn);
				fl += tn;
			}
			word = text_is_wordchar(cp);
			f->letter = f->letter || (word && text_is_letter(cp));
			if (word && !tl && !overflow)
				cap = utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
			if (word && tl + tn <= sizeof(tok)) {
				size_t k;

				for (k = 0; k < tn; k++)
					h = text_lex_hash_step(h, (unsigned char)tmp[k]);
				memcpy(tok + tl, tmp, tn);
				tl += tn;
			} else if (word) {
				overflow = true;
			}
			i += (size_t)n;
		}
		if (!word && (tl || overflow)) {
			f->tokens++;
			if (cap && !sentence_start && tl > 1)
				f->names++;
			sentence_start = false;
			if (stops && !overflow)
				count_token(tok, tl, h, stops);
			tl = 0;
			h = TEXT_LEX_HASH_INIT;
			overflow = false;
		}
	}
	folded[fl] = '\0';
}

/* The hard rules; *list tracks a related-links list across paragraphs (1:
 * an insert's, 2: another's, such as comments). Sets f->hard and f->insert. */
static void hard_rules(const struct text_para *p, const char *s, const char *folded, struct feat *f,
                       int *list)
{
	const struct prefix_rule *r = match_prefix(skip_punct(folded), p->words);

	if (r && (r->flags & LIST_HEADING) && p->words <= LIST_HEADING_MAX_WORDS) {
		*list = r->flags & INSERT ? 1 : 2;
		f->hard = true;
		f->insert = *list == 1;
		return;
	}
	if (*list) {
		if (p->words <= LIST_ITEM_MAX_WORDS && !ends_sentence(s, p->len, false)) {
			f->hard = true;
			f->insert = *list == 1;
			return;
		}
		*list = 0;
	}
	if (r) {
		f->hard = true;
		f->insert = r->flags & INSERT;
		return;
	}
	if (p->words <= 80 && text_credit_photo(s, p->len, p->words) >= 0) {
		f->hard = f->insert = true; /* a caption: inside the article too */
		return;
	}
	f->hard = !f->letter || copyright_line(folded, p->words) ||
	          (p->words <= SHORT_LINE_WORDS &&
	           contains_any(folded, FURNITURE, sizeof(FURNITURE) / sizeof(FURNITURE[0]))) ||
	          consent_banner(folded, p->words) ||
	          (p->words <= 40 && contains_any(folded, SUBSCRIBERS,
	                                          sizeof(SUBSCRIBERS) / sizeof(SUBSCRIBERS[0]))) ||
	          text_credit_line(s, p->len, p->words) || breadcrumb(s, p->len, p->words);
}

/* A plain-text line that may be a heading: short, capitalised, not closed
 * like a sentence or a clause. */
static bool heading_like(const char *s, size_t len, unsigned words)
{
	char last = len ? s[len - 1] : 0;

	return words >= 2 && words <= 15 && starts_capital(s, len) && last != '.' && last != ',' &&
	       last != ';' && last != ':' && !ends_sentence(s, len, false);
}

static unsigned char context_free(const struct text_para *p, const char *s, const struct feat *f,
                                  const uint16_t *stops, int lang)
{
	double density = 0;

	if (p->len && (double)p->link_chars / (double)p->len > MAX_LINK_DENSITY)
		return CLS_BAD;
	if (lang >= 0 && f->tokens > f->names)
		density = (double)stops[lang] / (double)(f->tokens - f->names);
	if (f->chars < LENGTH_LOW) {
		if (p->link_chars)
			return CLS_BAD;
		if (f->tokens >= 3 && starts_capital(s, p->len) && ends_sentence(s, p->len, true) &&
		    (lang < 0 || density >= STOPWORDS_LOW))
			return CLS_NEARGOOD;
		return CLS_SHORT;
	}
	if (lang < 0)
		return f->chars > LENGTH_HIGH ? CLS_GOOD : CLS_NEARGOOD;
	if (density >= STOPWORDS_HIGH)
		return f->chars > LENGTH_HIGH ? CLS_GOOD : CLS_NEARGOOD;
	return density >= STOPWORDS_LOW ? CLS_NEARGOOD : CLS_BAD;
}

/* jusText's neighbour: the class of the nearest paragraph that is good or
 * bad (or near-good, unless ignored), skipping short ones and inserts; bad
 * past the end. */
static unsigned char neighbour(const struct feat *f, size_t n, size_t i, int dir,
                               bool ignore_neargood)
{
	while (dir < 0 ? i-- > 0 : ++i < n) {
		unsigned char c = f[i].cls;

		if (f[i].insert)
			continue;
		if (c == CLS_GOOD || c == CLS_BAD || (c == CLS_NEARGOOD && !ignore_neargood))
			return c;
	}
	return CLS_BAD;
}

static bool good_follows(const struct feat *f, size_t n, size_t i)
{
	size_t dist = 0, j;

	for (j = i + 1; j < n && dist <= MAX_HEADING_DISTANCE; j++) {
		if (f[j].cls == CLS_GOOD)
			return true;
		dist += f[j].chars;
	}
	return false;
}

/* rescue: the last step, for real headings only (HTML). */
static void revise(struct feat *f, size_t n, bool rescue)
{
	size_t i;

	for (i = 0; i < n; i++)
		f[i].cls = f[i].cf;
	for (i = 0; i < n; i++)
		if (f[i].heading && f[i].cls == CLS_SHORT && good_follows(f, n, i))
			f[i].cls = CLS_NEARGOOD;
	/* Short paragraphs, all decided on the classes before this step. */
	for (i = 0; i < n; i++) {
		unsigned char prev, next;

		f[i].next = f[i].cls;
		if (f[i].cls != CLS_SHORT)
			continue;
		prev = neighbour(f, n, i, -1, true);
		next = neighbour(f, n, i, 1, true);
		if (prev == CLS_GOOD && next == CLS_GOOD)
			f[i].next = CLS_GOOD;
		else if (prev == CLS_BAD && next == CLS_BAD)
			f[i].next = CLS_BAD;
		else if ((prev == CLS_BAD && neighbour(f, n, i, -1, false) == CLS_NEARGOOD) ||
		         (next == CLS_BAD && neighbour(f, n, i, 1, false) == CLS_NEARGOOD))
			f[i].next = CLS_GOOD;
		else
			f[i].next = CLS_BAD;
	}
	for (i = 0; i < n; i++)
		f[i].cls = f[i].next;
	for (i = 0; i < n; i++) {
		if (f[i].cls != CLS_NEARGOOD)
			continue;
		if (neighbour(f, n, i, -1, true) == CLS_BAD &&
		    neighbour(f, n, i, 1, true) == CLS_BAD)
			f[i].cls = CLS_BAD;
		else
			f[i].cls = CLS_GOOD;
	}
	for (i = 0; rescue && i < n; i++)
		if (f[i].heading && f[i].cls == CLS_BAD && f[i].cf != CLS_BAD &&
		    good_follows(f, n, i))
			f[i].cls = CLS_GOOD;
}

/* The given language's list ("fr-FR" -> "fr"), else the one covering most
 * tokens when it covers enough of them, else -1. */
static int pick_lang(const char *lang, const uint16_t *stops, const struct feat *f, size_t n)
{
	uint32_t total[TEXT_STOP_LANGS_MAX] = {0};
	unsigned long tokens = 0;
	size_t i, l,
	        nl = text_n_stoplists < TEXT_STOP_LANGS_MAX ? text_n_stoplists
	                                                    : TEXT_STOP_LANGS_MAX;
	int best = -1;

	if (lang) {
		char primary[4];

		for (i = 0; i < 3 && ((lang[i] | 0x20) >= 'a' && (lang[i] | 0x20) <= 'z'); i++)
			primary[i] = (char)(lang[i] | 0x20);
		primary[i] = '\0';
		if (i >= 2 && (lang[i] == '\0' || lang[i] == '-' || lang[i] == '_')) {
			best = text_lex_stop_lang(primary);
			if (best >= 0)
				return best;
		}
	}
	for (i = 0; i < n; i++) {
		tokens += f[i].tokens;
		for (l = 0; l < nl; l++)
			total[l] += stops[i * TEXT_STOP_LANGS_MAX + l];
	}
	for (l = 0; l < nl; l++)
		if (best < 0 || total[l] > total[best])
			best = (int)l;
	if (best < 0 || tokens < LANG_MIN_TOKENS ||
	    (double)total[best] < LANG_MIN_DENSITY * (double)tokens)
		return -1;
	return best;
}

static bool para_equal(const struct text_paras *ps, size_t a, size_t b)
{
	return ps->v[a].len == ps->v[b].len &&
	       !memcmp(ps->buf + ps->v[a].off, ps->buf + ps->v[b].off, ps->v[a].len);
}

/* Mark the headline and its copies; returns the index after the last copy
 * in the top part of the page, or 0 when there is no headline. */
static size_t mark_headline(struct text_paras *ps, struct feat *f)
{
	long h = text_title_guess(ps);
	size_t i, after = 0;

	if (h < 0)
		return 0;
	for (i = (size_t)h; i < ps->n; i++) {
		if (!para_equal(ps, (size_t)h, i))
			continue;
		ps->v[i].headline = ps->v[i].boiler = true;
		f[i].hard = true;
		if (i < (size_t)h + 8)
			after = i + 1;
	}
	return after;
}

int text_paras_classify(struct text_paras *ps, const char *lang)
{
	struct feat stack_f[STACK_PARAS], *f = stack_f;
	uint16_t stack_s[STACK_PARAS * TEXT_STOP_LANGS_MAX], *stops = stack_s;
	char folded[FOLD_BYTES];
	bool structured = false, good;
	int list = 0;
	size_t i, after;
	int l;

	if (ps->n > STACK_PARAS) {
		f = malloc(ps->n * sizeof(*f));
		stops = calloc(ps->n * TEXT_STOP_LANGS_MAX, sizeof(*stops));
		if (!f || !stops) {
			free(f);
			free(stops);
			f = NULL;
			stops = NULL;
		}
	} else {
		memset(stack_s, 0, ps->n * TEXT_STOP_LANGS_MAX * sizeof(*stops));
	}
	for (i = 0; i < ps->n; i++) {
		struct text_para *p = &ps->v[i];
		const char *s = ps->buf + p->off;
		struct feat one, *fi = f ? &f[i] : &one;

		measure(s, p->len, fi, stops ? stops + i * TEXT_STOP_LANGS_MAX : NULL, folded);
		hard_rules(p, s, folded, fi, &list);
		p->boiler = fi->hard;
		p->headline = false;
		structured = structured || p->tag != TEXT_TAG_P || p->link_chars;
	}
	if (!f)
		return -ENOMEM;
	l = pick_lang(lang, stops, f, ps->n);
	after = mark_headline(ps, f);
	for (i = 0; i < ps->n; i++) {
		const struct text_para *p = &ps->v[i];
		const char *s = ps->buf + p->off;

		if (f[i].hard) {
			f[i].cf = CLS_BAD;
			continue;
		}
		f[i].cf = context_free(p, s, &f[i], stops + i * TEXT_STOP_LANGS_MAX, l);
		f[i].heading =
		        structured ? p->tag == TEXT_TAG_H : heading_like(s, p->len, p->words);
		if (i == after && after && f[i].cf == CLS_NEARGOOD &&
		    ends_sentence(s, p->len, true))
			f[i].cf = CLS_GOOD; /* the standfirst */
	}
	revise(f, ps->n, structured);
	for (i = 0; i < ps->n; i++)
		if (f[i].cls == CLS_GOOD && !f[i].hard)
			break;
	good = i < ps->n;
	for (i = 0; i < ps->n; i++)
		ps->v[i].boiler = f[i].hard || (good && f[i].cls != CLS_GOOD);
	if (f != stack_f) {
		free(f);
		free(stops);
	}
	return 0;
}

void text_paras_mark_boilerplate(struct text_paras *ps)
{
	(void)text_paras_classify(ps, NULL);
}

int text_paras_push(struct text_paras *ps, const struct text_para *p)
{
	if (ps->n == ps->alloc) {
		size_t alloc = ps->alloc ? ps->alloc * 2 : 32;
		struct text_para *v = realloc(ps->v, alloc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ps->v = v;
		ps->alloc = alloc;
	}
	ps->v[ps->n++] = *p;
	return 0;
}

int text_paras_split(const char *s, struct text_paras *ps)
{
	size_t len = strlen(s), i = 0, o = 0, start = 0;
	unsigned words = 0;
	bool space = false;
	int err = 0;

	/* Collapsing never grows a line and each line's NUL replaces its line
	 * break, so len + 1 bytes always suffice. */
	ps->buf = malloc(len + 1);
	if (!ps->buf)
		return -ENOMEM;
	while (i <= len && !err) {
		int32_t cp = 0;
		int n = 1;

		if (i < len && s[i] == ' ') {
			space = o > start;
			i++;
			continue;
		}
		if (i < len && (unsigned char)s[i] > ' ' && (unsigned char)s[i] < 0x7f) {
			/* printable ASCII: the common case, copied as is */
			if (space || o == start)
				words++;
			if (space)
				ps->buf[o++] = ' ';
			space = false;
			ps->buf[o++] = s[i++];
			continue;
		}
		if (i < len)
			n = utf8_next(s + i, &cp);
		if (i == len || text_is_newline(cp)) {
			if (o > start) {
				ps->buf[o++] = '\0';
				err = text_paras_push(ps, &(struct text_para){.off = start,
				                                              .len = o - 1 - start,
				                                              .words = words});
			}
			start = o;
			words = 0;
			space = false;
		} else if (text_is_space(cp)) {
			space = o > start;
		} else if (!text_is_invisible(cp)) {
			if (space || o == start)
				words++;
			if (space)
				ps->buf[o++] = ' ';
			space = false;
			memcpy(ps->buf + o, s + i, (size_t)n);
			o += (size_t)n;
		}
		i += (size_t)n;
	}
	return err;
}

void text_paras_mark_title(struct text_paras *ps, const char *title)
{
	size_t tl = strlen(title), i;

	for (i = 0; i < ps->n; i++)
		if (ps->v[i].len == tl && !memcmp(ps->buf + ps->v[i].off, title, tl))
			ps->v[i].is_title = true;
}

int text_paras_join(const struct text_paras *ps, char **body)
{
	size_t total = 0, i, o = 0;
	char *b;

	*body = NULL;
	for (i = 0; i < ps->n; i++)
		if (!ps->v[i].boiler && !ps->v[i].is_title)
			total += ps->v[i].len + 2;
	if (!total)
		return -EINVAL;
	b = malloc(total - 1);
	if (!b)
		return -ENOMEM;
	for (i = 0; i < ps->n; i++) {
		const struct text_para *p = &ps->v[i];

		if (p->boiler || p->is_title)
			continue;
		if (o) {
			memcpy(b + o, "\n\n", 2);
			o += 2;
		}
		memcpy(b + o, ps->buf + p->off, p->len);
		o += p->len;
	}
	b[o] = '\0';
	*body = b;
	return 0;
}

void text_paras_release(struct text_paras *ps)
{
	free(ps->buf);
	free(ps->v);
	*ps = TEXT_PARAS_INIT;
}
