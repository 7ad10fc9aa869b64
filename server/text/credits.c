/* credits: wire agency, publisher (source) and byline author.
 *
 * Agencies come from AGENCIES below, a table of wire services with the
 * spellings they are credited under, each mapped to one canonical name
 * ("Agence France-Presse" -> "AFP", "Associated Press" -> "AP"). Acronyms
 * match only as written ("AFP", "dpa"), names in any case ("REUTERS"), both
 * as whole words. Sputnik is not in it: it is a state outlet (website and
 * radio of Rossiya Segodnya) that publishes its own copy, so "© Sputnik"
 * names the publisher, the source; its sister RIA Novosti is the agency.
 *
 * Only credits count, never mentions ("a déclaré à l'AFP" says nothing of
 * who wrote the article). By weight:
 *  3  bylines and credit lines: "Par AFP", "By Reuters", "Redazione ANSA",
 *     "Article rédigé par franceinfo avec AFP", "Source : AFP", "Bron:
 *     Reuters"; datelines near a paragraph's start: "PARIS (AFP) -",
 *     "NASSAU, Bahamas (AP) —", "Barcelona, 9 mar (EFE).-", "(ANSA) -
 *     MILANO"; sign-offs ending a paragraph of 15 words or more: "(dpa)",
 *     "(ANSA).";
 *  2  copyright of the text: "© 2024 AFP", "Copyright 2025 The Associated
 *     Press", a rights notice naming the agency;
 *  0  picture credits: "(SAUL LOEB / AFP)", "Foto: X/dpa", "REUTERS/X",
 *     "(AP Photo/X)", "© AFP / X". A wire photo illustrates staff copy every
 *     day, so a photo credit alone never makes the article an agency's.
 * The heaviest credit wins; among equals, the first in the page. Credit
 * lines and notices are read in boilerplate paragraphs only, datelines and
 * sign-offs anywhere: run the classifier first.
 *
 * Source, in order: the caller's (given), the page's metadata (site_name),
 * the outlet of a credit line ("franceinfo" in "rédigé par franceinfo avec
 * AFP", "L'Écho des Alpes" in "L'Écho des Alpes avec AFP"), the holder of a
 * copyright notice that is not an agency ("© 2024 Diario del Turia",
 * "L'Écho des Alpes - Tous droits réservés"), a publisher of SOURCES
 * credited on the page ("© Sputnik"), else the URL's registrable domain
 * ("https://www.lemonde.fr/x" -> "lemonde.fr": the last two labels, three
 * under a ccTLD's generic second level such as "co.uk" or "com.br"; not the
 * whole Public Suffix List).
 *
 * Author: the person names of the first byline ("Par Marion Lefèvre", "By
 * Jane Doe and John Smith" -> "Jane Doe, John Smith"), else of a "Reporting
 * by" line. A name is two to four capitalised words (particles allowed),
 * with no article or organisation word; anything else a byline names is an
 * outlet (a source) or, like "Redação", a newsroom (nothing).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define CREDIT_LINE_MAX_WORDS 12
#define CONTRIB_MAX_WORDS 40
#define DATELINE_BYTES 80
#define SIGNOFF_MIN_WORDS 15
#define PHOTO_BYTES 110 /* how far from the end a picture credit may start */
#define PHOTO_BARE_MAX_WORDS 30
#define HOLDER_MAX_WORDS 6
#define NAME_MAX_WORDS 4
#define FOLD_HEAD 96
#define OPENER_BYTES 28 /* longer than the longest opener, folded */
#define NOTICE_BYTES 256

#define CASE 1u /* acronym: matches only as written */

struct alias {
	const char *text;
	size_t len;
	const char *name; /* canonical */
	unsigned flags;
};

#define ALIAS(text, name, flags)                                                                   \
	{                                                                                          \
		text, sizeof(text) - 1, name, flags                                                \
	}

/* Wire agencies. Longer spellings before their prefixes. */
static const struct alias AGENCIES[] = {
        ALIAS("Agence France-Presse", "AFP", 0),
        ALIAS("Agence France Presse", "AFP", 0),
        ALIAS("France-Presse", "AFP", 0),
        ALIAS("AFP", "AFP", CASE),
        ALIAS("Thomson Reuters", "Reuters", 0),
        ALIAS("Reuters", "Reuters", 0),
        ALIAS("The Associated Press", "AP", 0),
        ALIAS("Associated Press", "AP", 0),
        ALIAS("AP", "AP", CASE),
        ALIAS("Deutsche Presse-Agentur", "dpa", 0),
        ALIAS("dpa-AFX", "dpa", 0),
        ALIAS("dpa", "dpa", CASE),
        ALIAS("DPA", "dpa", CASE),
        ALIAS("Agenzia ANSA", "ANSA", 0),
        ALIAS("ANSA", "ANSA", CASE),
        ALIAS("Agencia EFE", "EFE", 0),
        ALIAS("EFE", "EFE", CASE),
        ALIAS("Europa Press", "Europa Press", 0),
        ALIAS("Belga", "Belga", CASE),
        ALIAS("BELGA", "Belga", CASE),
        ALIAS("Keystone-SDA", "Keystone-SDA", 0),
        ALIAS("Keystone-ATS", "Keystone-SDA", 0),
        ALIAS("ATS", "Keystone-SDA", CASE),
        ALIAS("SDA", "Keystone-SDA", CASE),
        ALIAS("Austria Presse Agentur", "APA", 0),
        ALIAS("APA", "APA", CASE),
        ALIAS("Kyodo News", "Kyodo", 0),
        ALIAS("Kyodo", "Kyodo", 0),
        ALIAS("Jiji Press", "Jiji", 0),
        ALIAS("Xinhua", "Xinhua", 0),
        ALIAS("ITAR-TASS", "TASS", 0),
        ALIAS("TASS", "TASS", CASE),
        ALIAS("RIA Novosti", "RIA Novosti", 0),
        ALIAS("Interfax", "Interfax", 0),
        ALIAS("Ukrinform", "Ukrinform", 0),
        ALIAS("Anadolu Agency", "Anadolu", 0),
        ALIAS("Anadolu", "Anadolu", 0),
        ALIAS("PA Media", "PA", 0),
        ALIAS("Press Association", "PA", 0),
        ALIAS("PA", "PA", CASE),
        ALIAS("Bloomberg News", "Bloomberg", 0),
        ALIAS("Bloomberg", "Bloomberg", 0),
        ALIAS("United Press International", "UPI", 0),
        ALIAS("UPI", "UPI", CASE),
        ALIAS("Australian Associated Press", "AAP", 0),
        ALIAS("AAP", "AAP", CASE),
        ALIAS("The Canadian Press", "The Canadian Press", 0),
        ALIAS("Canadian Press", "The Canadian Press", 0),
        ALIAS("Press Trust of India", "PTI", 0),
        ALIAS("PTI", "PTI", CASE),
        ALIAS("Yonhap", "Yonhap", 0),
        ALIAS("ANP", "ANP", CASE),
        ALIAS("Ag\xc3\xaancia Lusa", "Lusa", 0),
        ALIAS("Lusa", "Lusa", CASE),
        ALIAS("Ag\xc3\xaancia Brasil", "Ag\xc3\xaancia Brasil", 0),
        ALIAS("PAP", "PAP", CASE),
        ALIAS("\xc4\x8cTK", "\xc4\x8cTK", CASE),
        ALIAS("CTK", "\xc4\x8cTK", CASE),
        ALIAS("MTI", "MTI", CASE),
        ALIAS("Agerpres", "Agerpres", 0),
        ALIAS("AGI", "AGI", CASE),
        ALIAS("Adnkronos", "Adnkronos", 0),
        ALIAS("NTB", "NTB", CASE),
        ALIAS("Ritzau", "Ritzau", 0),
        ALIAS("STT", "STT", CASE),
        ALIAS("epd", "epd", CASE),
        ALIAS("KNA", "KNA", CASE),
        ALIAS("SID", "SID", CASE),
        ALIAS("Notimex", "Notimex", 0),
        ALIAS("T\xc3\xa9lam", "T\xc3\xa9lam", 0),
};

/* Publishers that pages credit the way they credit agencies. */
static const struct alias SOURCES[] = {
        ALIAS("Radio Sputnik", "Sputnik", 0),
        ALIAS("Sputnik News", "Sputnik", 0),
        ALIAS("Sputnik", "Sputnik", 0),
};

/* Newsrooms: a byline naming one says nothing about the outlet. Folded. */
static const char *const NEWSROOMS[] = {
        "redaction", "la redaction", "redacao", "redazione", "redaktion", "redaccion", "redactie",
        "newsroom",  "staff",        "agences", "agencies",  "agencias",  "agenturen", "agenzie",
};

/* Line openers of credit lines, folded. BYLINE: the rest names people or
 * an outlet; OTHER: any agency in the line is the credit. */
enum opener { OPEN_BYLINE = 1, OPEN_REPORTING, OPEN_OTHER };

static const struct {
	const char *text;
	enum opener kind;
} OPENERS[] = {
        {"par", OPEN_BYLINE},
        {"by", OPEN_BYLINE},
        {"von", OPEN_BYLINE},
        {"por", OPEN_BYLINE},
        {"di", OPEN_BYLINE},
        {"door", OPEN_BYLINE},
        {"article redige par", OPEN_BYLINE},
        {"redige par", OPEN_BYLINE},
        {"texte", OPEN_OTHER},
        {"reporting by", OPEN_REPORTING},
        {"additional reporting by", OPEN_REPORTING},
        {"editing by", OPEN_OTHER},
        {"writing by", OPEN_OTHER},
        {"mit material von", OPEN_OTHER},
        {"redaction", OPEN_OTHER},
        {"redacao", OPEN_OTHER},
        {"redazione", OPEN_OTHER},
        {"redaktion", OPEN_OTHER},
        {"redaccion", OPEN_OTHER},
        {"redactie", OPEN_OTHER},
        {"source", OPEN_OTHER},
        {"sources", OPEN_OTHER},
        {"bron", OPEN_OTHER},
        {"quelle", OPEN_OTHER},
        {"quellen", OPEN_OTHER},
        {"fuente", OPEN_OTHER},
        {"fuentes", OPEN_OTHER},
        {"fonte", OPEN_OTHER},
        {"fontes", OPEN_OTHER},
};

/* Words joining an outlet or a person to an agency: "franceinfo avec AFP". */
static const char *const JOINS[] = {"avec", "with", "mit", "con", "com", "met", "et",
                                    "and",  "und",  "y",   "e",   "en",  "und"};

static const char *const CONTRIBUTED[] = {
        "contributed to this report",
        "contributed reporting",
        "a contribue a cet article",
        "ont contribue a cet article",
};

/* Folded phrases that make a paragraph a rights notice. */
static const char *const RIGHTS[] = {
        "droits reserves",     "all rights reserved",  "rechte vorbehalten",
        "derechos reservados", "diritti riservati",    "riproduzione riservata",
        "direitos reservados", "rechten voorbehouden", "droits de reproduction",
};

static bool is_alnum_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
}

/* Word boundary before s[i] (i > 0) or at the start. */
static bool boundary_before(const char *s, size_t i)
{
	return !i || !is_alnum_byte((unsigned char)s[i - 1]);
}

/* AGENCIES by initial (a-z case-insensitively, then anything else), in
 * table order, built once: a lookup tries the few aliases that can match. */
#define N_AGENCIES (sizeof(AGENCIES) / sizeof(AGENCIES[0]))
#define BUCKET_MAX 32

static struct {
	unsigned char n[27];
	unsigned char idx[27][BUCKET_MAX];
} by_initial;
static pthread_once_t by_initial_once = PTHREAD_ONCE_INIT;

static unsigned initial(char c)
{
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'z' ? (unsigned)(c - 'a') : 26;
}

static void index_agencies(void)
{
	size_t i;

	for (i = 0; i < N_AGENCIES; i++) {
		unsigned b = initial(AGENCIES[i].text[0]);

		if (by_initial.n[b] < BUCKET_MAX)
			by_initial.idx[b][by_initial.n[b]++] = (unsigned char)i;
	}
}

static const char *match_one(const struct alias *a, const char *s, size_t len, size_t *alen)
{
	size_t al = a->len;

	if (al > len)
		return NULL;
	if ((a->flags & CASE) ? memcmp(s, a->text, al) : strncasecmp(s, a->text, al))
		return NULL;
	if (al < len && is_alnum_byte((unsigned char)s[al]))
		return NULL;
	if (alen)
		*alen = al;
	return a->name;
}

static const char *match_alias(const struct alias *t, size_t n, const char *s, size_t len,
                               size_t *alen)
{
	size_t i;

	if (t == AGENCIES) {
		unsigned b = len ? initial(s[0]) : 26;
		const char *name = NULL;

		pthread_once(&by_initial_once, index_agencies);
		for (i = 0; i < by_initial.n[b] && !name; i++)
			name = match_one(&AGENCIES[by_initial.idx[b][i]], s, len, alen);
		return name;
	}
	for (i = 0; i < n; i++) {
		size_t al = t[i].len;

		if (al > len || (t[i].text[0] | 0x20) != (s[0] | 0x20))
			continue;
		if ((t[i].flags & CASE) ? memcmp(s, t[i].text, al) : strncasecmp(s, t[i].text, al))
			continue;
		if (al < len && is_alnum_byte((unsigned char)s[al]))
			continue;
		if (alen)
			*alen = al;
		return t[i].name;
	}
	return NULL;
}

const char *text_credit_agency(const char *s, size_t len, size_t *alen)
{
	return match_alias(AGENCIES, sizeof(AGENCIES) / sizeof(AGENCIES[0]), s, len, alen);
}

/* First alias of t at a word start in s[0..len); *at, *alen its span. */
static const char *find_alias(const struct alias *t, size_t n, const char *s, size_t len,
                              size_t *at, size_t *alen)
{
	size_t i;

	for (i = 0; i < len; i++) {
		const char *name;

		if (!boundary_before(s, i) || !is_alnum_byte((unsigned char)s[i]))
			continue;
		name = match_alias(t, n, s + i, len - i, alen);
		if (name) {
			if (at)
				*at = i;
			return name;
		}
	}
	return NULL;
}

static const char *find_agency(const char *s, size_t len, size_t *at, size_t *alen)
{
	return find_alias(AGENCIES, sizeof(AGENCIES) / sizeof(AGENCIES[0]), s, len, at, alen);
}

/* Case-insensitive (ASCII) search of word (lower case) in s[0..len); *at
 * its offset. */
static bool find_ci(const char *s, size_t len, const char *word, size_t *at)
{
	size_t wl = strlen(word), i;

	for (i = 0; i + wl <= len; i++) {
		if ((s[i] | 0x20) == word[0] && !strncasecmp(s + i, word, wl)) {
			*at = i;
			return true;
		}
	}
	return false;
}

/* needle (NUL-terminated) occurs in s[0..len). */
static bool has_bytes(const char *s, size_t len, const char *needle)
{
	size_t nl = strlen(needle);
	const char *p = s, *end = s + len;

	while ((size_t)(end - p) >= nl) {
		p = memchr(p, needle[0], (size_t)(end - p) - nl + 1);
		if (!p)
			return false;
		if (!memcmp(p, needle, nl))
			return true;
		p++;
	}
	return false;
}

static bool in_folded_list(const char *w, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(w, v[i]))
			return true;
	return false;
}

static bool has_phrase(const char *folded, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(folded, v[i]))
			return true;
	return false;
}

/* The opener of a credit line: its kind and the byte length in s. */
static enum opener opener_of(const char *s, size_t len, size_t *olen)
{
	char f[FOLD_HEAD];
	size_t fl = text_fold(s, len < OPENER_BYTES ? len : OPENER_BYTES, f, sizeof(f)), i,
	       best = 0;
	enum opener kind = 0;

	for (i = 0; i < sizeof(OPENERS) / sizeof(OPENERS[0]); i++) {
		size_t n = strlen(OPENERS[i].text);

		if (n > best && n <= fl && !memcmp(f, OPENERS[i].text, n) &&
		    (n == fl || !is_alnum_byte((unsigned char)f[n]))) {
			best = n;
			kind = OPENERS[i].kind;
		}
	}
	if (!kind)
		return 0;
	/* Map the folded length back to s: count the words of the opener. */
	{
		size_t words = 1, k, o = 0;

		for (k = 0; k < best; k++)
			words += f[k] == ' ';
		while (words && o < len) {
			while (o < len && s[o] != ' ')
				o++;
			words--;
			if (words)
				o++;
		}
		*olen = o;
	}
	return kind;
}

static size_t skip_seps(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == ':' || s[i] == ',' || s[i] == '-' ||
	                   s[i] == '(' || s[i] == '|'))
		i++;
	return i;
}

static bool ends_sentence_mark(const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == ')'))
		len--;
	return len && (s[len - 1] == '.' || s[len - 1] == '!' || s[len - 1] == '?') &&
	       !(len >= 2 && s[len - 2] >= 'A' && s[len - 2] <= 'Z'); /* "Jr." "M." */
}

/* The last word of s[0..len) is an agency (closing ')' '.' allowed), and the
 * word before it a join or a separator. *name its canonical name. */
static bool ends_with_joined_agency(const char *s, size_t len, const char **name)
{
	size_t e = len, b, alen = 0, w;

	while (e && (s[e - 1] == ')' || s[e - 1] == '.' || s[e - 1] == ' '))
		e--;
	for (b = e; b > 0; b--) {
		size_t at = b - 1;

		if (!boundary_before(s, at) || !is_alnum_byte((unsigned char)s[at]))
			continue;
		*name = text_credit_agency(s + at, e - at, &alen);
		if (*name && at + alen == e) {
			char f[16];
			size_t fl;

			if (!at)
				return true; /* the whole line: "AFP" */
			w = at;
			while (w && (s[w - 1] == ' ' || s[w - 1] == '('))
				w--;
			if (w && (s[w - 1] == ',' || s[w - 1] == '/' || s[w - 1] == '-' ||
			          s[w - 1] == '|'))
				return true;
			b = w;
			while (b && s[b - 1] != ' ')
				b--;
			fl = text_fold(s + b, w - b, f, sizeof(f));
			return fl && in_folded_list(f, JOINS, sizeof(JOINS) / sizeof(JOINS[0]));
		}
	}
	return false;
}

static bool credit_line(const char *s, size_t len, unsigned words, enum opener *kindp,
                        size_t *olenp);

bool text_credit_line(const char *s, size_t len, unsigned words)
{
	enum opener kind;
	size_t olen;

	return credit_line(s, len, words, &kind, &olen);
}

/* text_credit_line(), with the opener found: *kindp (0 when none), *olenp its
 * length in s (s with its parentheses, if any). */
static bool credit_line(const char *s, size_t len, unsigned words, enum opener *kindp,
                        size_t *olenp)
{
	size_t olen = 0;
	enum opener kind;
	const char *name;
	bool paren = false;

	*kindp = 0;
	*olenp = 0;

	if (len >= 2 && s[0] == '(' && s[len - 1] == ')') { /* "(avec AFP)" */
		s++;
		len -= 2;
		paren = true;
	}
	if (!len)
		return false;
	if (words <= CONTRIB_MAX_WORDS && has_bytes(s, len, "ontribu")) {
		char f[FOLD_HEAD * 4];

		text_fold(s, len, f, sizeof(f));
		if (has_phrase(f, CONTRIBUTED, sizeof(CONTRIBUTED) / sizeof(CONTRIBUTED[0])))
			return true;
	}
	if (words > CREDIT_LINE_MAX_WORDS)
		return false;
	kind = opener_of(s, len, &olen);
	*kindp = kind;
	*olenp = olen + paren;
	if (kind == OPEN_BYLINE) {
		/* "Par AFP", "By Jane Doe": a name follows, not a clause. */
		size_t i = skip_seps(s, len, olen);
		int32_t cp;

		if (i >= len || ends_sentence_mark(s, len))
			return false;
		utf8_next(s + i, &cp);
		return text_is_upper(cp) ||
		       (text_is_letter(cp) && find_agency(s + i, len - i, NULL, NULL));
	}
	if (kind == OPEN_REPORTING)
		return true;
	if (kind == OPEN_OTHER) {
		size_t i = skip_seps(s, len, olen);

		return i < len && !ends_sentence_mark(s, len);
	}
	if (words <= 6 && text_credit_agency(s, len, &olen)) {
		/* "Agencia EFE · Santo Domingo", "AFP, Paris" */
		size_t i = olen;

		while (i < len && s[i] == ' ')
			i++;
		if (i == len || s[i] == ',' || s[i] == '|' || s[i] == '-' || s[i] == '/' ||
		    (i + 2 <= len && !memcmp(s + i, "\xc2\xb7", 2)) ||
		    (i + 3 <= len &&
		     (!memcmp(s + i, "\xe2\x80\x93", 3) || !memcmp(s + i, "\xe2\x80\x94", 3))))
			return true;
	}
	return words <= 8 && !ends_sentence_mark(s, len) && text_credit_photo(s, len, words) < 0 &&
	       ends_with_joined_agency(s, len, &name);
}

/* "(SAUL LOEB / AFP)", "(AP Photo/X)", "(Foto: X / EFE)", "(ANSA)" closing a
 * short caption. */
static long paren_credit(const char *s, size_t len, unsigned words)
{
	size_t e = len, o, i;
	char f[PHOTO_BYTES * 2];

	while (e && s[e - 1] == ' ')
		e--;
	if (!e || s[e - 1] != ')')
		return -1;
	for (o = e - 1; o-- > 0 && e - o <= PHOTO_BYTES;) {
		if (s[o] == ')')
			return -1;
		if (s[o] != '(')
			continue;
		for (i = o + 1; i + 2 < e; i++)
			if (s[i] == '/' && (s[i - 1] == ' ' || s[i + 1] == ' '))
				return (long)o;
		text_fold(s + o + 1, e - o - 2, f, sizeof(f));
		if (strstr(f, "photo") || strstr(f, "foto") || strstr(f, "credit") ||
		    strstr(f, "getty") || strstr(f, "image"))
			return (long)o;
		for (i = o + 1; i < e - 1; i++) {
			size_t alen;

			if (boundary_before(s, i) && text_credit_agency(s + i, e - 1 - i, &alen) &&
			    i + alen < e - 1 && s[i + alen] == '/')
				return (long)o; /* "(AFP/Jane Doe)" */
		}
		{
			size_t alen = 0;

			if (words <= PHOTO_BARE_MAX_WORDS &&
			    text_credit_agency(s + o + 1, e - o - 2, &alen) && alen == e - o - 2)
				return (long)o; /* a bare "(ANSA)" */
		}
		return -1;
	}
	return -1;
}

/* "Foto: Paul Hartung/dpa", "... Quelle: Lena HOFFMANN / AFP", "Crédit
 * photo : X" at the end of a caption: a keyword and a colon. */
static long keyword_credit(const char *s, size_t len)
{
	static const char *const KEYS[] = {"foto",       "photo",  "photos",     "quelle",
	                                   "bild",       "credit", "credits",    "image",
	                                   "fotografia", "fotos",  "bildquelle", "source photo"};
	size_t from = len > PHOTO_BYTES ? len - PHOTO_BYTES : 0, i, k;

	for (i = from; i < len; i++) {
		char f[24];
		size_t b = i, fl;

		if (s[i] != ':')
			continue;
		while (b > 0 && s[b - 1] == ' ')
			b--;
		while (b > 0 && s[b - 1] != ' ' && i - b < 12)
			b--;
		fl = text_fold(s + b, i - b, f, sizeof(f));
		while (fl && f[fl - 1] == ' ')
			f[--fl] = '\0';
		for (k = 0; k < sizeof(KEYS) / sizeof(KEYS[0]); k++) {
			if (strcmp(f, KEYS[k]))
				continue;
			/* A caption before it, or a "name/agency" credit after. */
			if (b > 0 || memchr(s + i, '/', len - i))
				return (long)b;
		}
	}
	return -1;
}

/* "REUTERS/Hannah Ellery", "EFE/Marta Pujol": an agency, a slash and a
 * capitalised name, after the caption's last full stop. */
static long slash_credit(const char *s, size_t len)
{
	size_t from = len > PHOTO_BYTES ? len - PHOTO_BYTES : 0, i, b;

	for (i = from; i + 1 < len; i++) {
		size_t alen = 0;
		int32_t cp;

		if (s[i] != '/')
			continue;
		for (b = i; b > 0 && s[b - 1] != ' ' && s[b - 1] != '(';)
			b--;
		if (!text_credit_agency(s + b, len - b, &alen) || b + alen != i)
			continue;
		utf8_next(s + i + 1, &cp);
		if (text_is_upper(cp) &&
		    (b == 0 || (b >= 2 && s[b - 1] == ' ' && (s[b - 2] == '.' || s[b - 2] == ')'))))
			return (long)b;
	}
	return -1;
}

long text_credit_photo(const char *s, size_t len, unsigned words)
{
	long at = paren_credit(s, len, words);

	if (at < 0)
		at = keyword_credit(s, len);
	if (at < 0)
		at = slash_credit(s, len);
	return at;
}

/* ---- detection ---- */

struct found {
	const char *agency; /* static */
	int agency_weight;
	char *source; /* owned */
	int source_rank;
	char *author; /* owned */
	int author_rank;
};

/* Source ranks, best first (given and site_name are handled outside). */
enum { SRC_NONE = 0, SRC_PHOTO, SRC_URL, SRC_HOLDER, SRC_TABLE, SRC_LINE };

static int offer_agency(struct found *fd, const char *name, int weight)
{
	if (name && weight > fd->agency_weight) {
		fd->agency = name;
		fd->agency_weight = weight;
	}
	return 0;
}

/* s[0..len) trimmed of spaces and ",;:.-" at both ends, white space kept. */
static char *trimmed_dup(const char *s, size_t len)
{
	while (len && strchr(" ,;:.-|(", *s)) {
		s++;
		len--;
	}
	while (len && strchr(" ,;:.-|)", s[len - 1]))
		len--;
	return len ? strndup(s, len) : NULL;
}

static int offer_source(struct found *fd, const char *s, size_t len, int rank)
{
	char *v;

	if (rank <= fd->source_rank)
		return 0;
	v = trimmed_dup(s, len);
	if (!v)
		return len ? -ENOMEM : 0;
	free(fd->source);
	fd->source = v;
	fd->source_rank = rank;
	return 0;
}

static unsigned count_words(const char *s, size_t len)
{
	unsigned w = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
			w++;
	return w;
}

/* Two to four capitalised words, particles allowed inside, no article
 * first, no organisation word: a person's name. */
static bool person_name(const char *s, size_t len)
{
	static const char *const ARTICLES[] = {"the", "le",  "la", "les", "l", "der", "die", "das",
	                                       "el",  "los", "il", "lo",  "o", "a",   "de",  "het"};
	unsigned words = 0;
	size_t i = 0;

	while (i < len) {
		size_t j = i, fl;
		char w[40];
		int32_t cp;

		while (j < len && s[j] != ' ')
			j++;
		fl = text_fold(s + i, j - i, w, sizeof(w));
		if (!fl)
			return false;
		if (strchr(w, '\'')) /* "L'Écho" */
			return false;
		utf8_next(s + i, &cp);
		if (text_is_upper(cp)) {
			if (!words &&
			    in_folded_list(w, ARTICLES, sizeof(ARTICLES) / sizeof(ARTICLES[0])))
				return false;
			if (text_lex_is_org_word(w))
				return false;
			words++;
		} else if (!words || !text_lex_is_particle(w)) {
			return false;
		}
		i = j + 1;
	}
	return words >= 2 && words <= NAME_MAX_WORDS;
}

#define MAX_NAMES 8

/* Split "A et B", "A and B", "A, B" into person names, all of which must be
 * names: their spans into a/b, the count returned (0: not names). */
static size_t split_persons(const char *s, size_t len, size_t *a, size_t *b)
{
	static const char *const ANDS[] = {" et ", " and ", " und ", " y ", " e ", " en "};
	size_t i = 0, start = 0, n = 0;

	while (i <= len) {
		size_t cut = len + 1, skip = 0, k, x, y;

		if (i == len) {
			cut = i;
		} else if (s[i] == ',') {
			cut = i;
			skip = 1;
		} else if (s[i] == ' ') {
			for (k = 0; k < sizeof(ANDS) / sizeof(ANDS[0]); k++) {
				size_t al = strlen(ANDS[k]);

				if (i + al <= len && !memcmp(s + i, ANDS[k], al)) {
					cut = i;
					skip = al;
					break;
				}
			}
		}
		if (cut > len) {
			i++;
			continue;
		}
		for (x = start, y = cut; x < y && s[x] == ' ';)
			x++;
		while (y > x && s[y - 1] == ' ')
			y--;
		if (n == MAX_NAMES || !person_name(s + x, y - x))
			return 0;
		a[n] = x;
		b[n++] = y;
		if (cut == len)
			break;
		i = start = cut + skip;
	}
	return n;
}

static bool persons_ok(const char *s, size_t len)
{
	size_t a[MAX_NAMES], b[MAX_NAMES];

	return split_persons(s, len, a, b) > 0;
}

/* The names as "A, B" in a new string (*out NULL when they are not names).
 * 0 or -ENOMEM. */
static int persons_dup(const char *s, size_t len, char **out)
{
	size_t a[MAX_NAMES], b[MAX_NAMES], n = split_persons(s, len, a, b), k, o = 0;

	*out = NULL;
	if (!n)
		return 0;
	*out = malloc(len + 2 * n + 1);
	if (!*out)
		return -ENOMEM;
	for (k = 0; k < n; k++) {
		if (k) {
			memcpy(*out + o, ", ", 2);
			o += 2;
		}
		memcpy(*out + o, s + a[k], b[k] - a[k]);
		o += b[k] - a[k];
	}
	(*out)[o] = '\0';
	return 0;
}

/* The part of a byline that names who wrote it: an agency, a person or an
 * outlet. rank: the author rank this line may set. */
static int credit_names(struct found *fd, const char *s, size_t len, int author_rank)
{
	size_t alen = 0, i = 0, end = len;
	const char *agency;
	char f[16];

	/* Cut at the first clause (", envoyé spécial"), the join before an
	 * agency ("avec AFP") or a separator ("|", " - "). */
	while (i < len) {
		size_t b = i, e, fl;

		while (i < len && s[i] != ' ')
			i++;
		e = i;
		fl = text_fold(s + b, e - b, f, sizeof(f));
		if (b > 0 && fl && in_folded_list(f, JOINS, sizeof(JOINS) / sizeof(JOINS[0])) &&
		    find_agency(s + e, len - e, NULL, NULL)) {
			end = b;
			break;
		}
		if ((e - b == 1 && (s[b] == '|' || s[b] == '-' || s[b] == '/')) || s[b] == '(' ||
		    (e - b == 2 && !memcmp(s + b, "\xc2\xb7", 2)) ||
		    (e - b == 3 &&
		     (!memcmp(s + b, "\xe2\x80\x93", 3) || !memcmp(s + b, "\xe2\x80\x94", 3)))) {
			end = b;
			break;
		}
		if (e > b && s[e - 1] == ';') {
			end = e - 1;
			break;
		}
		if (text_credit_agency(s + b, len - b, NULL)) {
			end = b; /* "By PIETER MULDER Associated Press", "Agencia EFE · X" */
			break;
		}
		if (e > b && s[e - 1] == ',' && !find_agency(s + e, len - e, NULL, NULL) &&
		    !persons_ok(s + e, len - e)) {
			end = e - 1;
			break;
		}
		i++;
	}
	while (end &&
	       (s[end - 1] == ' ' || s[end - 1] == ')' || s[end - 1] == '.' || s[end - 1] == ','))
		end--;
	if (!end)
		return 0;
	agency = text_credit_agency(s, end, &alen);
	if (agency && alen == end)
		return 0; /* "Par AFP": the agency, counted by the caller */
	{
		char *who;
		int err = persons_dup(s, end, &who);

		if (err)
			return err;
		if (who) {
			if (author_rank > fd->author_rank) {
				free(fd->author);
				fd->author = who;
				fd->author_rank = author_rank;
			} else {
				free(who);
			}
			return 0;
		}
	}
	if (author_rank < 2)
		return 0; /* "Reporting by": people only */
	{
		char nf[64];

		text_fold(s, end, nf, sizeof(nf));
		if (in_folded_list(nf, NEWSROOMS, sizeof(NEWSROOMS) / sizeof(NEWSROOMS[0])) ||
		    count_words(s, end) > HOLDER_MAX_WORDS || ends_sentence_mark(s, end))
			return 0;
	}
	return offer_source(fd, s, end, SRC_LINE);
}

/* "© 2024 AFP", "Copyright 2025 The Associated Press. All rights reserved.",
 * "L'Écho des Alpes - Tous droits réservés". */
static int copyright_credit(struct found *fd, const char *s, size_t len, const char *folded)
{
	const char *c = strstr(s, "\xc2\xa9");
	size_t i, e;
	const char *name;
	size_t alen = 0;
	bool photo;

	if (!c && find_ci(s, len, "copyright", &i))
		c = s + i + 7; /* so that c + 2 is past the word */
	if (c) {
		i = (size_t)(c - s) + 2;
		for (;;) { /* years, "Copyright ©", separators */
			i = skip_seps(s, len, i);
			if (i < len && s[i] >= '0' && s[i] <= '9') {
				while (i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
					i++;
				continue;
			}
			if (i + 2 <= len && !memcmp(s + i, "\xc2\xa9", 2)) {
				i += 2;
				continue;
			}
			if (i + 9 <= len && !strncasecmp(s + i, "copyright", 9)) {
				i += 9;
				continue;
			}
			break;
		}
		for (e = i; e < len && s[e] != '.' && s[e] != ',' && s[e] != '|' && s[e] != ';' &&
		            !(s[e] == ' ' && e + 1 < len && (s[e + 1] == '-' || s[e + 1] == '/'));
		     e++)
			;
		photo = e + 2 < len && (s[e + 1] == '/' || (s[e] == '.' && s[e + 1] == ' ' &&
		                                            e > i && s[e - 1] == ' '));
		while (e > i && s[e - 1] == ' ')
			e--;
		if (e > i) {
			name = text_credit_agency(s + i, e - i, &alen);
			if (name && !photo)
				return offer_agency(fd, name, 2);
			if (name)
				return 0;
			name = match_alias(SOURCES, sizeof(SOURCES) / sizeof(SOURCES[0]), s + i,
			                   e - i, &alen);
			if (name)
				return offer_source(fd, name, strlen(name),
				                    photo ? SRC_PHOTO : SRC_TABLE);
			if (!photo && count_words(s + i, e - i) <= HOLDER_MAX_WORDS) {
				int32_t cp;

				utf8_next(s + i, &cp);
				if (text_is_upper(cp))
					return offer_source(fd, s + i, e - i, SRC_HOLDER);
			}
		}
		return 0;
	}
	/* A rights notice without ©: an agency in it, or the holder before it. */
	if (!has_phrase(folded, RIGHTS, sizeof(RIGHTS) / sizeof(RIGHTS[0])))
		return 0;
	name = find_agency(s, len < 400 ? len : 400, NULL, NULL);
	if (name)
		return offer_agency(fd, name, 2);
	for (e = 0; e + 2 < len && e < 80; e++) {
		if ((s[e] == ' ' && s[e + 1] == '-' && s[e + 2] == ' ') ||
		    (s[e] == '.' && s[e + 1] == ' ')) {
			int32_t cp;
			char hf[FOLD_HEAD * 2];

			utf8_next(s, &cp);
			text_fold(s, e, hf, sizeof(hf));
			if (text_is_upper(cp) && count_words(s, e) <= HOLDER_MAX_WORDS &&
			    !has_phrase(hf, RIGHTS, sizeof(RIGHTS) / sizeof(RIGHTS[0])))
				return offer_source(fd, s, e, SRC_HOLDER);
			break;
		}
	}
	return 0;
}

/* "PARIS (AFP) -", "(ANSA) - MILANO", "Barcelona, 9 mar (EFE).-" */
static const char *dateline(const char *s, size_t len)
{
	size_t lim = len < DATELINE_BYTES ? len : DATELINE_BYTES, i;

	for (i = 0; i < lim; i++) {
		size_t alen = 0, j;
		const char *name;

		if (s[i] != '(')
			continue;
		name = text_credit_agency(s + i + 1, len - i - 1, &alen);
		j = i + 1 + alen;
		if (!name || j >= len || s[j] != ')')
			continue;
		j++;
		while (j < len && (s[j] == ' ' || s[j] == '.'))
			j++;
		if (j < len && (s[j] == '-' || s[j] == ':' ||
		                (j + 3 <= len && (!memcmp(s + j, "\xe2\x80\x93", 3) ||
		                                  !memcmp(s + j, "\xe2\x80\x94", 3)))))
			return name;
	}
	return NULL;
}

/* "(dpa)", "(ANSA)." closing a paragraph. */
static const char *signoff(const char *s, size_t len, unsigned words)
{
	size_t e = len, o, alen = 0;
	const char *name;

	if (words < SIGNOFF_MIN_WORDS)
		return NULL;
	while (e && (s[e - 1] == '.' || s[e - 1] == ' '))
		e--;
	if (!e || s[e - 1] != ')')
		return NULL;
	for (o = e - 1; o > 0 && e - o < 40 && s[o] != '('; o--)
		;
	if (s[o] != '(')
		return NULL;
	name = text_credit_agency(s + o + 1, e - o - 2, &alen);
	return name && alen == e - o - 2 ? name : NULL;
}

/* Datelines and sign-offs in any paragraph; credit lines and notices in
 * boilerplate only (the classifier has put them there). */
static int scan_para(struct found *fd, const char *s, size_t len, unsigned words, bool boiler)
{
	char folded[FOLD_HEAD * 8];
	const char *name;
	size_t olen = 0, at, alen, nl;
	enum opener kind;
	int err = 0;

	name = dateline(s, len);
	if (!name)
		name = signoff(s, len, words);
	if (name)
		offer_agency(fd, name, 3);
	if (!boiler)
		return 0;
	/* Notices say so early: their first NOTICE_BYTES are enough. */
	nl = len < NOTICE_BYTES ? len : NOTICE_BYTES;
	folded[0] = '\0';
	if (has_bytes(s, nl, "\xc2\xa9") || find_ci(s, nl, "copyright", &at) ||
	    has_bytes(s, nl, "serv") || has_bytes(s, nl, "echte") || has_bytes(s, nl, "roits"))
		text_fold(s, nl, folded, sizeof(folded)); /* a notice, maybe */
	if (credit_line(s, len, words, &kind, &olen)) {
		if (kind != OPEN_REPORTING)
			offer_agency(fd, find_agency(s, len, NULL, NULL), 3);
		if (kind == OPEN_BYLINE || kind == OPEN_REPORTING)
			err = credit_names(fd, s + skip_seps(s, len, olen),
			                   len - skip_seps(s, len, olen),
			                   kind == OPEN_BYLINE ? 2 : 1);
		else if (!kind)
			err = credit_names(fd, s, len, 2);
		name = find_alias(SOURCES, sizeof(SOURCES) / sizeof(SOURCES[0]), s, len, &at,
		                  &alen);
		if (!err && name)
			err = offer_source(fd, name, strlen(name), SRC_TABLE);
	}
	if (!err && (strstr(folded, "\xc2\xa9") || strstr(folded, "copyright") ||
	             has_phrase(folded, RIGHTS, sizeof(RIGHTS) / sizeof(RIGHTS[0]))))
		err = copyright_credit(fd, s, nl, folded);
	return err;
}

/* Generic second levels under country codes: "co.uk", "com.br", "gouv.fr". */
static bool generic_second_level(const char *l, size_t n)
{
	static const char *const SLD[] = {"ac", "co",  "com", "edu", "gob", "gouv", "gov", "go",
	                                  "gv", "net", "nic", "or",  "org", "ne",   "mil"};
	size_t i;

	for (i = 0; i < sizeof(SLD) / sizeof(SLD[0]); i++)
		if (strlen(SLD[i]) == n && !memcmp(l, SLD[i], n))
			return true;
	return false;
}

/* Start of the label before the dot at end (exclusive), or 0. */
static size_t label_start(const char *host, size_t end)
{
	while (end > 0 && host[end - 1] != '.')
		end--;
	return end;
}

/* "https://www.lemonde.fr/x" -> "lemonde.fr"; NULL when there is no host. */
static char *url_domain(const char *url, int *err)
{
	const char *h = strstr(url, "://"), *e, *at;
	char host[256], *out;
	size_t n, i, tld, sld;

	*err = 0;
	h = h ? h + 3 : (url[0] == '/' && url[1] == '/' ? url + 2 : url);
	e = h + strcspn(h, "/?#");
	at = memchr(h, '@', (size_t)(e - h));
	if (at)
		h = at + 1;
	if (*h == '[') /* IPv6 literal */
		return NULL;
	n = strcspn(h, ":/?#");
	if (!n || n >= sizeof(host))
		return NULL;
	for (i = 0; i < n; i++)
		host[i] = (char)((h[i] >= 'A' && h[i] <= 'Z') ? h[i] + 32 : h[i]);
	while (n && host[n - 1] == '.')
		n--;
	host[n] = '\0';
	if (!n || strspn(host, "0123456789.") == n)
		return NULL; /* an address, not a domain */
	tld = label_start(host, n);
	sld = tld ? label_start(host, tld - 1) : 0;
	/* three labels when the TLD is a country code and the second level
	 * generic ("bbc.co.uk"), else two */
	if (tld && n - tld == 2 && generic_second_level(host + sld, tld - 1 - sld))
		sld = sld ? label_start(host, sld - 1) : 0;
	out = strdup(host + sld);
	if (!out)
		*err = -ENOMEM;
	return out;
}

static char *clean_dup(const char *s, int *err)
{
	char *v = text_collapse_ws(s, strlen(s));

	*err = 0;
	if (!v) {
		*err = -ENOMEM;
		return NULL;
	}
	if (!*v) {
		free(v);
		return NULL;
	}
	return v;
}

int text_credits_detect(const struct text_paras *ps, const char *given_source,
                        const char *site_name, const char *url, char **agency, char **source,
                        char **author)
{
	struct found fd = {0};
	size_t i;
	int err = 0;

	*agency = *source = *author = NULL;
	for (i = 0; i < ps->n && !err; i++)
		err = scan_para(&fd, ps->buf + ps->v[i].off, ps->v[i].len, ps->v[i].words,
		                ps->v[i].boiler);
	if (!err && given_source)
		*source = clean_dup(given_source, &err);
	if (!err && !*source && site_name)
		*source = clean_dup(site_name, &err);
	if (!err && !*source && fd.source_rank > SRC_URL) {
		*source = fd.source;
		fd.source = NULL;
	}
	if (!err && !*source && url)
		*source = url_domain(url, &err);
	if (!err && !*source && fd.source) {
		*source = fd.source;
		fd.source = NULL;
	}
	if (!err && fd.agency) {
		*agency = strdup(fd.agency);
		if (!*agency)
			err = -ENOMEM;
	}
	if (!err) {
		*author = fd.author;
		fd.author = NULL;
	}
	free(fd.source);
	free(fd.author);
	if (err) {
		free(*agency);
		free(*source);
		*agency = *source = *author = NULL;
	}
	return err;
}
