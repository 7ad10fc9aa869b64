/* text module internals: shared by the files of server/text/ only.
 *
 * Every string handled here has been validated as UTF-8 (text_utf8_valid) and
 * NFC-normalised before it reaches a stage, so the decoders below trust their
 * input and only guard against running past the terminating NUL.
 */
#ifndef NEWSD_TEXT_INTERNAL_H
#define NEWSD_TEXT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

#include "strbuf.h"
#include "text.h"

/* ---- UTF-8 helpers (decode.c) ---- */

/* Decode the code point at s (valid UTF-8); returns its byte length (1..4). A
 * stray byte decodes as U+FFFD of length 1, so callers always progress. */
static inline int utf8_next(const char *s, int32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0 && (u[1] & 0xc0) == 0x80) {
		*cp = (int32_t)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
		return 2;
	}
	if ((u[0] & 0xf0) == 0xe0 && (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80) {
		*cp = (int32_t)(u[0] & 0x0f) << 12 | (int32_t)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
		return 3;
	}
	if ((u[0] & 0xf8) == 0xf0 && (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80 &&
	    (u[3] & 0xc0) == 0x80) {
		*cp = (int32_t)(u[0] & 0x07) << 18 | (int32_t)(u[1] & 0x3f) << 12 |
		      (int32_t)(u[2] & 0x3f) << 6 | (u[3] & 0x3f);
		return 4;
	}
	*cp = 0xfffd;
	return 1;
}

/* Encode cp into out (room for 4 bytes); returns the byte length. */
int text_utf8_put(int32_t cp, char *out);

/* Character classes: inline, with the ASCII answer first, since they run
 * once per code point in every stage. */

/* Line breaks: LF, CR, VT, FF, NEL, LS, PS (CRLF is two, which is harmless:
 * empty lines are dropped anyway). */
static inline bool text_is_newline(int32_t cp)
{
	return cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' || cp == 0x85 || cp == 0x2028 ||
	       cp == 0x2029;
}

/* Horizontal white space, including NBSP, the Unicode spaces and the other
 * C0 controls. */
static inline bool text_is_space(int32_t cp)
{
	if (cp < 0x80)
		return cp == ' ' || cp == 0x7f || (cp < 0x20 && !text_is_newline(cp));
	return cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f ||
	       cp == 0x205f || cp == 0x3000;
}

/* Format characters that carry nothing for us: soft hyphen, ZWSP, BOM... */
static inline bool text_is_invisible(int32_t cp)
{
	return cp == 0xad || cp == 0x200b || cp == 0x2060 || cp == 0xfeff;
}

static inline bool text_is_letter(int32_t cp)
{
	utf8proc_category_t c;

	if (cp < 0x80)
		return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
	c = utf8proc_category(cp);
	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static inline bool text_is_upper(int32_t cp)
{
	utf8proc_category_t c;

	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z';
	c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

/* Letter, mark or decimal digit: what words are made of. */
static inline bool text_is_wordchar(int32_t cp)
{
	utf8proc_category_t c;

	if (cp < 0x80)
		return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') || (cp >= '0' && cp <= '9');
	c = utf8proc_category(cp);
	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ND;
}

/* Apostrophes (' and U+2019) and hyphens, which may join two word parts. */
static inline bool text_is_joiner(int32_t cp)
{
	return cp == '\'' || cp == 0x2019 || cp == '-' || cp == 0x2010 || cp == 0x2011;
}

/* Fold for matching: lower case, marks stripped, compatibility forms
 * decomposed, U+2019 as '. Writes at most outsz-1 bytes plus a NUL (never
 * cutting a character) and returns the length written. Not a normalisation
 * for storage: text_normalize_key() is. */
size_t text_fold(const char *s, size_t len, char *out, size_t outsz);

/* NFC of s[0..len) into a new NUL-terminated string; *out NULL on -EINVAL
 * (invalid UTF-8) or -ENOMEM. */
int text_nfc_n(const char *s, size_t len, char **out);

/* Copy s[0..len) with white-space runs collapsed to one space, invisible
 * characters dropped, trimmed. New string or NULL on ENOMEM. */
char *text_collapse_ws(const char *s, size_t len);

/* ---- HTML (html.c, html_meta.c) ---- */

struct text_paras;

/* What a page says about itself. Each field is owned, NULL when the page is
 * silent; entities decoded, trimmed, otherwise as written (not NFC). */
struct text_html_meta {
	char *title;      /* og:title / JSON-LD headline / <title>, raw (not suffix-stripped) */
	char *html_title; /* the <title> element, raw */
	char *canonical_url;
	char *site_name;
	char *author;
	char *published; /* as written in the page (ISO 8601 usually); caller validates */
	char *lang;      /* <html lang> primary subtag, lower case */
};

#define TEXT_HTML_META_INIT ((struct text_html_meta){0})

/* libxml2 set-up: text_html_init() once before any thread parses (0 or
 * -ENOMEM), text_html_shutdown() once after the last parse. */
int text_html_init(void);
void text_html_shutdown(void);

/* Parse an HTML page into paragraphs (appended to ps, NFC not yet applied)
 * and metadata (*meta is filled from scratch: release it after). html is
 * UTF-8 (validated by the caller). 0, -ENOMEM, or -EINVAL when libxml2
 * cannot take the page (over INT_MAX bytes); on error ps is unchanged and
 * meta empty. Any number of threads at once, after text_html_init(). */
int text_html_parse(const char *html, size_t len, struct text_paras *ps,
                    struct text_html_meta *meta);
void text_html_meta_release(struct text_html_meta *meta);

/* Append one paragraph s[0..len) (collapsed, no NUL inside); words are
 * counted here. 0 or -ENOMEM. */
int text_paras_add(struct text_paras *ps, const char *s, size_t len, unsigned link_chars,
                   unsigned char tag);
/* NFC every paragraph (link_chars scaled to the new length). 0 or -ENOMEM
 * (ps unchanged then). */
int text_paras_nfc(struct text_paras *ps);

/* Transitional, until pipeline.c calls text_html_parse(): the kept
 * paragraphs one per line, *title the raw <title>, *published the page's
 * publication time. 0 or -ENOMEM (-EINVAL only for a page over 2 GiB). */
int text_html_to_text(const char *html, size_t len, struct strbuf *out, char **title,
                      char **published);

/* Metadata as html.c meets it (html_meta.c): each field keeps the value of
 * the best-ranked source seen so far (rank 1 best; on a tie the first). */
enum text_html_field {
	TEXT_HTML_TITLE = 0,
	TEXT_HTML_HTML_TITLE,
	TEXT_HTML_CANONICAL,
	TEXT_HTML_SITE,
	TEXT_HTML_AUTHOR,
	TEXT_HTML_PUBLISHED,
	TEXT_HTML_LANG,
	TEXT_HTML_FIELDS
};

struct text_html_acc {
	struct text_html_meta *m;
	unsigned char rank[TEXT_HTML_FIELDS]; /* 0: unset */
};

/* Offer s[0..len) for field f at rank. 0 or -ENOMEM. */
int text_html_meta_set(struct text_html_acc *acc, enum text_html_field f, unsigned rank,
                       const char *s, size_t len);
/* A <meta> name, property or itemprop (any case) and its content. */
int text_html_meta_pair(struct text_html_acc *acc, const char *key, const char *content);
/* The body of a <script type="application/ld+json">; bad JSON is ignored. */
int text_html_meta_jsonld(struct text_html_acc *acc, const char *json, size_t len);

/* ---- paragraphs and boilerplate (clean.c) ---- */

struct text_para {
	size_t off;          /* in text_paras.buf, NUL-terminated there */
	size_t len;          /* bytes */
	unsigned words;      /* space-separated tokens */
	unsigned link_chars; /* bytes inside <a> links (HTML input; 0 for text) */
	unsigned char tag;   /* the HTML block it came from: TEXT_TAG_* (TEXT_TAG_P for text) */
	bool boiler;         /* dropped by the boilerplate classifier */
	bool is_title;       /* equal to the title: dropped from the body */
	bool headline;       /* the page's headline (or a copy of it): set with .boiler */
};

/* The HTML block a paragraph came from: headings and list items weigh
 * differently in the boilerplate classifier. */
enum text_tag {
	TEXT_TAG_P = 0, /* p, div, plain text lines */
	TEXT_TAG_H,     /* h1-h6 */
	TEXT_TAG_LI,    /* li, dt, dd */
	TEXT_TAG_QUOTE, /* blockquote */
	TEXT_TAG_PRE,   /* pre */
	TEXT_TAG_CELL,  /* td, th */
};

struct text_paras {
	char *buf; /* every paragraph, collapsed, each NUL-terminated */
	struct text_para *v;
	size_t n, alloc;
};

#define TEXT_PARAS_INIT ((struct text_paras){0})

/* Append one paragraph record (its text already in ps->buf). 0 or -ENOMEM. */
int text_paras_push(struct text_paras *ps, const struct text_para *p);
/* Split on line breaks, one paragraph per non-blank line. 0 or -ENOMEM. */
int text_paras_split(const char *s, struct text_paras *ps);
/* The boilerplate classifier (rules in clean.c's header comment): sets
 * .boiler on every paragraph that is not article text, and .headline (with
 * .boiler) on the headline and its copies. lang: the given language (ISO
 * 639-1) or NULL to use the stopword list that fits the text best. 0, or
 * -ENOMEM, in which case only the allocation-free vocabulary rules ran. */
int text_paras_classify(struct text_paras *ps, const char *lang);
/* text_paras_classify(ps, NULL), errors ignored (for older callers). */
void text_paras_mark_boilerplate(struct text_paras *ps);
/* Set .is_title on every paragraph byte-equal to title. */
void text_paras_mark_title(struct text_paras *ps, const char *title);
/* Join the kept paragraphs with "\n\n" into a new string; -EINVAL when none
 * is left, or -ENOMEM. */
int text_paras_join(const struct text_paras *ps, char **body);
void text_paras_release(struct text_paras *ps);

/* ---- title (title.c) ---- */

/* Title from an HTML <title>: collapsed, " - Site" suffix removed when it is
 * clearly a suffix. New string, NULL when empty or ENOMEM (*err says which). */
char *text_title_from_html(const char *raw, int *err);
/* Index of the paragraph that is the headline, or -1: the first marked
 * .headline by the classifier; else a headline-like paragraph repeated at the
 * top; else the first paragraph not marked .boiler when it reads like a
 * headline (no final full stop, not a caption naming people) and is not all
 * there is. */
long text_title_guess(const struct text_paras *ps);

/* ---- language (langid.c, langid_model.c) ---- */

/* Load the profiles named by conf (NULL: the libexttextcat-data one).
 * 0, -ENOENT (conf or a profile unreadable, no profile), -EINVAL or -ENOMEM.
 * A second call while loaded keeps the loaded model. */
int text_langid_init(const char *conf);
void text_langid_shutdown(void);

#define LANGID_GRAM_MAX 5    /* code points per profile n-gram, as libexttextcat counts them */
#define LANGID_ORDER_MAX 3   /* the longest we use: 4- and 5-grams add nothing measurable */
#define LANGID_RANKS 400     /* n-grams kept per profile (libexttextcat's MAXNGRAMS) */
#define LANGID_MAX_LANGS 512 /* profiles; a multiple of 8 */
#define LANGID_BOUNDARY '_'  /* word boundary inside an n-gram */

/* Writing systems that tell languages apart. Kana and Hangul are their own
 * scripts; OTHER is any letter of a block not listed. */
enum langid_script {
	LANGID_SCRIPT_NONE = 0, /* not a letter */
	LANGID_SCRIPT_LATIN,
	LANGID_SCRIPT_GREEK,
	LANGID_SCRIPT_CYRILLIC,
	LANGID_SCRIPT_ARMENIAN,
	LANGID_SCRIPT_HEBREW,
	LANGID_SCRIPT_ARABIC,
	LANGID_SCRIPT_SYRIAC,
	LANGID_SCRIPT_THAANA,
	LANGID_SCRIPT_DEVANAGARI,
	LANGID_SCRIPT_BENGALI,
	LANGID_SCRIPT_GURMUKHI,
	LANGID_SCRIPT_GUJARATI,
	LANGID_SCRIPT_ORIYA,
	LANGID_SCRIPT_TAMIL,
	LANGID_SCRIPT_TELUGU,
	LANGID_SCRIPT_KANNADA,
	LANGID_SCRIPT_MALAYALAM,
	LANGID_SCRIPT_SINHALA,
	LANGID_SCRIPT_THAI,
	LANGID_SCRIPT_LAO,
	LANGID_SCRIPT_TIBETAN,
	LANGID_SCRIPT_MYANMAR,
	LANGID_SCRIPT_GEORGIAN,
	LANGID_SCRIPT_HANGUL,
	LANGID_SCRIPT_ETHIOPIC,
	LANGID_SCRIPT_CHEROKEE,
	LANGID_SCRIPT_SYLLABICS,
	LANGID_SCRIPT_KHMER,
	LANGID_SCRIPT_MONGOLIAN,
	LANGID_SCRIPT_TIFINAGH,
	LANGID_SCRIPT_KANA,
	LANGID_SCRIPT_HAN,
	LANGID_SCRIPT_OTHER,
	LANGID_SCRIPTS
};

/* Script of a letter (call only for text_is_letter() code points). */
enum langid_script langid_script_of(int32_t cp);

/* Code point as the n-grams spell it: letters lower-cased (*script says
 * which script, NONE for anything else), marks, ZWNJ and ZWJ kept, other
 * format characters (soft hyphen, ZWSP, BOM...) dropped (-1), and anything
 * else (space, digit, punctuation, symbol) LANGID_BOUNDARY. */
static inline int32_t langid_fold(int32_t cp, enum langid_script *script)
{
	utf8proc_category_t c;

	*script = LANGID_SCRIPT_NONE;
	if (cp < 0x80) {
		if ((cp | 0x20) < 'a' || (cp | 0x20) > 'z')
			return LANGID_BOUNDARY;
		*script = LANGID_SCRIPT_LATIN;
		return cp | 0x20;
	}
	c = utf8proc_category(cp);
	if (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) {
		*script = langid_script_of(cp);
		return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT ? utf8proc_tolower(cp)
		                                                              : cp;
	}
	if (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME)
		return cp;
	if (c == UTF8PROC_CATEGORY_CF)
		return cp == 0x200c || cp == 0x200d ? cp : -1;
	return LANGID_BOUNDARY;
}

/* N-gram keys: FNV-1a over the folded code points from the LAST to the
 * first, so that the scanner extends the n-grams ending at each position
 * one code point at a time; the final fold brings high bits down to the
 * slot index (the low bits). */
#define LANGID_KEY_SEED 0xcbf29ce484222325ULL

static inline uint64_t langid_key_step(uint64_t h, int32_t cp)
{
	return (h ^ (uint32_t)cp) * 0x100000001b3ULL;
}

static inline uint64_t langid_key_final(uint64_t h)
{
	return h ^ (h >> 29);
}

/* One profile. script[s]: share of the profile's letters (weighted by
 * rank, as the scorer weighs them) in script s. */
struct langid_lang {
	char code[12];    /* ISO 639-1, else 639-3 */
	char name[32];    /* the conf's profile id, for debugging */
	uint16_t code_id; /* index of the first profile with this code */
	float script[LANGID_SCRIPTS];
};

/* An n-gram of some profile: its postings are post[first .. first+n). */
struct langid_gram {
	uint32_t first;
	uint16_t n;
	uint8_t order; /* code points, 1..LANGID_ORDER_MAX */
};

struct langid_posting {
	uint16_t lang; /* index into langs */
	uint16_t rank; /* 0 = most frequent */
};

/* Open addressing on the key: tag is the key's high half, gram is the
 * index + 1 into grams (0 = empty slot). */
struct langid_slot {
	uint32_t tag;
	uint32_t gram;
};

/* Read-only once built, so any number of threads may share it. */
struct langid_model {
	struct langid_lang *langs;
	size_t n_langs;
	struct langid_gram *grams; /* those with postings first: [0, n_scored) */
	size_t n_grams, n_scored;
	struct langid_posting *post;
	size_t n_post;
	struct langid_slot *slots;
	size_t mask; /* slots - 1, a power of two minus one */
};

/* Profiles of conf into a new model (*out NULL on failure): returns as
 * text_langid_init() does. */
int langid_model_load(const char *conf, struct langid_model **out);
void langid_model_free(struct langid_model *m);

/* Index of the gram with this (final) key, or -1. */
static inline long langid_model_find(const struct langid_model *m, uint64_t key)
{
	size_t i = (size_t)key & m->mask;
	uint32_t tag = (uint32_t)(key >> 32);

	for (;; i = (i + 1) & m->mask) {
		const struct langid_slot *s = &m->slots[i];

		if (!s->gram)
			return -1;
		if (s->tag == tag)
			return (long)s->gram - 1;
	}
}

/* ---- word lists (lexicon.c); words are folded with text_fold() ---- */

/* One stopword list of stopwords_data.c (generated from the npm package
 * stopwords-iso by data/stopwords/gen-stopwords.mjs; do not edit it). */
struct text_stoplist {
	const char *lang;  /* ISO 639-1 */
	unsigned n;        /* words */
	const char *words; /* '\n'-separated, NFC, lower case, not folded */
};

extern const struct text_stoplist text_stoplists[];
extern const size_t text_n_stoplists;

#define TEXT_STOP_LANGS_MAX 32 /* languages a stopword mask can hold */

/* Index of lang's list in text_stoplists (the bit of text_lex_stop_mask), or
 * -1 when there is none (or lang is NULL). */
int text_lex_stop_lang(const char *lang);
/* Languages whose list holds the folded word w[0..len): bit i for
 * text_stoplists[i]; 0 when none. Thread-safe, allocation-free after the
 * first call. */
uint32_t text_lex_stop_mask(const char *w, size_t len);
/* The same with h, the word's hash computed on the fly by the caller:
 * TEXT_LEX_HASH_INIT, then text_lex_hash_step() for each byte (FNV-1a). */
uint32_t text_lex_stop_mask_h(const char *w, size_t len, uint32_t h);

#define TEXT_LEX_HASH_INIT 2166136261u

static inline uint32_t text_lex_hash_step(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}
/* Stopword of lang (its generated list, plus calendar words: months,
 * weekdays, "hier", "yesterday"...); NULL or a language without a list
 * checks them all. */
bool text_lex_is_stopword(const char *lang, const char *w);
bool text_lex_is_title(const char *w);
bool text_lex_is_particle(const char *w);
/* raw/len: the word unfolded, to tell "à" from the English "a". */
bool text_lex_is_place_prep(const char *raw, size_t len, const char *w);
bool text_lex_is_article(const char *w);
bool text_lex_is_org_word(const char *w);
bool text_lex_is_elision(const char *w);
bool text_lex_is_abbrev(const char *w);

/* ---- entities (entities.c) ---- */

#define TEXT_MAX_ENTITIES 100

/* Capitalised-name entities of body; lang (may be NULL) picks the stopword
 * list. Sets *out (owned, NULL when none) and *n. 0 or -ENOMEM. */
int text_entities_extract(const char *body, const char *lang, struct text_entity **out, size_t *n);
void text_entities_free(struct text_entity *v, size_t n);

/* ---- fingerprints (simhash.c) ---- */

/* SimHash over word 3-shingles and the word count, in one pass. */
void text_fingerprint(const char *body, uint64_t *simhash, uint32_t *minhash, int *words);

/* ---- dates (dates*.c, pubdate.c, cldr_data.c) ---- */

/* Date expressions of body (lang may be NULL: try every language's names),
 * resolved against ref when given (NULL: only absolute ones resolve).
 * *out is a new array sorted by start (NULL when none). 0 or -ENOMEM. */
int text_dates_extract(const char *body, const char *lang, const struct text_day *ref,
                       struct text_date **out, size_t *n);
/* Publication date from the text itself (datelines such as "Publié le 2 avril
 * 2018 à 10h", "Mis à jour le ...", "Updated 3 March 2019", "Paris, 2 avril
 * (AFP)"; a weekday + day + month naming the year; an absolute date near the
 * top). today bounds inferred years (NULL: do not infer a year). Returns 0
 * and sets *out and *precision, or -ENOENT when nothing supports a date. */
int text_pubdate_from_text(const char *text, const char *lang, const struct text_day *today,
                           struct text_day *out, enum text_precision *precision);

/* CLDR date names (cldr_data.c, generated by data/cldr/gen-cldr.mjs). */
enum cldr_order { CLDR_DMY, CLDR_MDY, CLDR_YMD };

enum cldr_kind {
	CLDR_MONTH,     /* value 1..12 */
	CLDR_WEEKDAY,   /* value 0 (Sunday)..6 */
	CLDR_REL_DAY,   /* "hier": off -2..2 */
	CLDR_REL_WEEK,  /* "la semaine dernière": off -1..1 */
	CLDR_REL_MONTH, /* "le mois dernier" */
	CLDR_REL_YEAR,  /* "l'année dernière" */
	CLDR_REL_WDAY,  /* "lundi dernier": value weekday, off -1..1 */
	CLDR_AGO,       /* "il y a {0} jours": value unit (0 day, 1 week, 2 month, 3 year) */
	CLDR_IN,        /* "dans {0} jours": value unit */
	CLDR_CONN,      /* "de" of "2 de abril de 2018" */
	CLDR_MOD,       /* "dernier" (value -1) or "prochain" (+1), flags say where */
};

#define CLDR_ABBR 1    /* abbreviated form ("janv.") */
#define CLDR_PREFIX 2  /* CLDR_MOD written before the name ("last") */
#define CLDR_POSTFIX 4 /* CLDR_MOD written after it ("dernier") */

struct cldr_lang {
	const char *code;      /* ISO 639-1 */
	unsigned char numeric; /* enum cldr_order of numeric dates (short pattern) */
	bool month_first;      /* long pattern puts the month before the day */
};

struct cldr_name {
	const char *text;   /* as CLDR writes it; "{0}" stands for a number */
	unsigned char lang; /* index in cldr_langs */
	unsigned char kind; /* enum cldr_kind */
	signed char value;
	signed char off;
	unsigned char flags; /* CLDR_ABBR, CLDR_PREFIX, CLDR_POSTFIX */
};

extern const struct cldr_lang cldr_langs[];
extern const size_t cldr_n_langs;
extern const struct cldr_name cldr_names[];
extern const size_t cldr_n_names;

/* A date expression as written, before resolution against a reference. */
enum date_hit_kind {
	DATE_HIT_ABS,     /* year, month, day as written (a part may be 0) */
	DATE_HIT_WEEKDAY, /* a weekday alone: wday, mod -1/0/+1 */
	DATE_HIT_DAYS,    /* n days from the reference ("hier": -1) */
	DATE_HIT_WEEKS,   /* n weeks */
	DATE_HIT_MONTHS,  /* n months */
	DATE_HIT_YEARS,   /* n years */
};

struct date_hit {
	int start, end;       /* byte span */
	int year, month, day; /* DATE_HIT_ABS: as written, 0 when absent */
	int wday;             /* weekday named with the date (0 = Sunday), -1 when none */
	int mod;              /* -1 "dernier"/"last", +1 "prochain"/"next", 0 */
	int n;                /* relative kinds: signed count of units */
	unsigned char kind;   /* enum date_hit_kind */
	bool numeric;         /* written with digits only ("16/07/2018") */
};

/* Words of a text for the date grammar (dates_words.c): runs of letters,
 * marks and digits, each folded, classed and looked up in the index once. */
#define DW_GAP_SPACE 0x001 /* what the bytes before a word hold */
#define DW_GAP_NL 0x002
#define DW_GAP_DOT 0x004
#define DW_GAP_COMMA 0x008
#define DW_GAP_APOS 0x010
#define DW_GAP_HYPHEN 0x020
#define DW_GAP_SLASH 0x040
#define DW_GAP_OTHER 0x080
#define DW_GAP_SENT 0x100 /* sentence punctuation or an opening quote */
#define DW_GAP_COPY 0x200 /* copyright sign */
#define DW_GAP_UNIT 0x400 /* %, currency sign, #, degree */

#define DW_CAP 1    /* word flags: first letter upper case */
#define DW_ALLCAP 2 /* every letter upper case, two or more (index words only) */
#define DW_SENT 4   /* opens a sentence */
#define DW_DIGITS 8 /* digits only */

struct date_word {
	int start, end;     /* bytes in the text */
	int fo;             /* folded word in date_words.fold */
	unsigned char flen; /* its bytes */
	unsigned char ndig; /* leading ASCII digits (capped) */
	unsigned char flags;
	char sep;     /* the gap before, when it is exactly one ASCII byte */
	int gap;      /* DW_GAP_* of the bytes before */
	int num;      /* value of the leading digits, -1 when none or too many */
	int32_t head; /* first index entry filed under the word, -1 */
	uint32_t hash;
};

struct date_words {
	const char *s;
	struct date_word *v;
	size_t n, cap;
	char *fold; /* the folded words, back to back */
	size_t flen, fcap;
	int want; /* the language whose index chains head follows, -1: any */
};

/* Cut s into words, heads looked up for language want (-1: any). 0 or
 * -ENOMEM; text_dates_words_release() in either case. */
int text_dates_words(struct date_words *w, const char *s, int want);
void text_dates_words_release(struct date_words *w);
/* DW_GAP_* class of a code point that is no word character. */
int text_dates_gap_class(int32_t cp);

/* Every date expression of s, in order, not resolved: *out is a new array
 * (NULL when none). 0 or -ENOMEM. */
int text_dates_scan(const char *s, const char *lang, struct date_hit **out, size_t *n);

/* The folded word index of date names (dates_lex.c): CLDR names and the
 * hand-written words, each cut into words folded with text_fold() and filed
 * under its key word (the first that is not the "{0}" placeholder). */
enum lex_kind {
	LEX_NUMWORD = 16, /* spelled-out number: value */
	LEX_CUE,          /* makes a lone month or year a date: "en", "depuis", "since" */
	LEX_DET_DAY,      /* before a day word, makes it a noun: "la" (mañana) */
	LEX_DET_WDAY,     /* before a weekday, makes it a habit: "chaque", "every" */
	LEX_RANGE,        /* between two days of a range: "au", "to", "bis" */
	LEX_ARTICLE,      /* between a weekday and its day: "the", "den" */
};

#define LEX_CAP 8  /* CLDR capitalises it ("May", "Montag"): so must the text */
#define LEX_DOT 16 /* abbreviation written with a final '.' */
#define LEX_PLACEHOLDER '\x01'
#define LEX_MAX_WORD 64 /* bytes of a folded word; longer ones are cut */
#define LEX_MAX_TOKENS 8

struct lex {
	uint32_t tok;       /* first folded word in the pool, each stored as
	                     * [length byte][bytes][NUL] */
	uint32_t key;       /* the key word in the pool */
	int32_t next[2];    /* next entry with the same key word: [0] in the same
	                     * language, [1] in any language; -1 at the end */
	uint32_t kinds[2];  /* at the head of a chain: 1 << kind of its entries */
	unsigned char klen; /* bytes of the key word */
	unsigned char ntok; /* words, the placeholder included */
	unsigned char lead; /* words before the key word: 1 for "{0} days ago" */
	unsigned char lang; /* index in cldr_langs */
	unsigned char kind; /* enum cldr_kind or enum lex_kind */
	signed char value;  /* as in struct cldr_name */
	signed char off;
	unsigned char flags; /* CLDR_ABBR, CLDR_PREFIX, CLDR_POSTFIX, LEX_CAP, LEX_DOT */
};

/* Build the index once (thread-safe); 0 or -ENOMEM. The accessors below are
 * valid after it returned 0. */
int text_dates_lex_init(void);
const struct lex *text_dates_lex(void);
const char *text_dates_lex_pool(void);
size_t text_dates_lex_size(void);
/* First entry filed under the folded word f[0..n) (hash from text_dates_hash)
 * for language lang (index in cldr_langs), or in any language when lang < 0;
 * -1 when none. The others follow through ->next[0] (a language) or
 * ->next[1] (any). */
int32_t text_dates_lookup(const char *f, size_t n, uint32_t hash, int lang);
/* Hash of the folded word s[0..n); s[n..n+LEX_HASH_PAD) must be zeros. */
#define LEX_HASH_PAD 8
uint32_t text_dates_hash(const char *s, size_t n);
/* text_fold() of each code point below LEX_FOLD_TAB (Latin-1 and Latin
 * Extended-A), precomputed for the word scanner's fast path. */
#define LEX_FOLD_TAB 0x180
#define LEX_FOLD_LETTER 1
#define LEX_FOLD_UPPER 2

struct lex_fold {
	char s[7];
	unsigned char len;
	unsigned char flags; /* LEX_FOLD_LETTER, LEX_FOLD_UPPER */
};

const struct lex_fold *text_dates_fold_tab(void);
/* Index in cldr_langs of a BCP 47 tag's language ("pt-BR" -> "pt"), or -1. */
int text_dates_lang(const char *lang);

/* Proleptic Gregorian calendar: days since 1970-01-01 and back, weekday
 * (0 = Sunday) and month length. No time zones involved. */
int64_t text_days_from_civil(int y, int m, int d);
void text_civil_from_days(int64_t z, int *y, int *m, int *d);
int text_weekday(int64_t days);
int text_days_in_month(int y, int m);

/* ---- credits (credits.c) ---- */

/* Agency, source and byline author of an article.
 * ps: every paragraph, classified (text_paras_classify): credit lines and
 * notices are looked for in .boiler paragraphs, datelines in all.
 * given_source (the caller's publisher name), site_name (HTML metadata) and
 * url may be NULL. Sets *agency (canonical name from the agency table in
 * credits.c: "AFP", "Reuters", "AP", "dpa"...), *source (given, else
 * site_name, else a credit line or copyright holder, else the URL's
 * registrable domain) and *author (a byline's person names), each a new
 * string or NULL when none. 0 or -ENOMEM (then all three are NULL). */
int text_credits_detect(const struct text_paras *ps, const char *given_source,
                        const char *site_name, const char *url, char **agency, char **source,
                        char **author);
/* Byte offset in s[0..len) where a trailing photo credit starts ("(SAUL LOEB /
 * AFP)", "(AP Photo/Jane Doe)", "Foto: Paul Hartung/dpa", "EFE/Marta Pujol"),
 * or -1. A picture's credit, never the article's. words: s's word count. */
long text_credit_photo(const char *s, size_t len, unsigned words);
/* A short line that credits the article rather than says something: a
 * byline ("Par Marion Lefèvre", "By Reuters"), "franceinfo avec AFP",
 * "Redazione ANSA", "Source : AFP", "Bron: Reuters". */
bool text_credit_line(const char *s, size_t len, unsigned words);
/* Canonical name of the wire agency written at s (an alias of the table in
 * credits.c, matched as a whole word: "Agence France-Presse" -> "AFP"), or
 * NULL; *alen gets the alias' length in s. */
const char *text_credit_agency(const char *s, size_t len, size_t *alen);

/* ---- event features (terms.c, evkind.c, evdate.c; docs/events.md) ---- */

/* One word of the title or body (runs of text_is_wordchar: apostrophes and
 * hyphens split), as the event stages see it. */
struct text_tok {
	int start, end; /* bytes in the title (TEXT_TOK_TITLE) or the body */
	uint32_t key;   /* FNV-1a of the Snowball stem of the lower-cased word for a
	                 * term, of the folded word otherwise */
	uint32_t word;  /* FNV-1a of the folded word (text_fold) */
	uint16_t para;  /* body paragraph (0 first; "\n\n" separates); title: 0 */
	uint8_t flags;  /* TEXT_TOK_* */
};

#define TEXT_TOK_TITLE 1 /* in the title */
#define TEXT_TOK_TERM 2  /* a term: no stopword, number or word of 1-2 letters */
#define TEXT_TOK_SENT 4  /* opens a sentence (or the text, or a paragraph) */

struct text_toks {
	struct text_tok *v;
	size_t n, cap;
};

#define TEXT_TOKS_INIT ((struct text_toks){0})

/* The words of title (may be NULL) then body, stemmed with lang's Snowball
 * stemmer (none when libstemmer lacks the language or lang is NULL). 0 or
 * -ENOMEM; release *t in either case. */
int text_event_tokens(const char *title, const char *body, const char *lang, struct text_toks *t);
void text_event_tokens_release(struct text_toks *t);
/* The term vector of the TEXT_TOK_TERM tokens (sorted by id, at most
 * TEXT_MAX_TERMS; NULL when none). 0 or -ENOMEM. */
int text_terms_build(const struct text_toks *t, struct text_term **out, size_t *n);

/* Event kind, its confidence and evidence from the tokens. */
void text_evkind_detect(const struct text_toks *t, const char *lang, enum text_event_kind *kind,
                        double *score, struct text_span *evidence);
/* Roles of the entity mentions next to a role trigger of the body ("X a reçu
 * Y"). *out by start, NULL when none. 0 or -ENOMEM. */
int text_evroles_detect(const struct text_toks *t, const char *body, const char *lang,
                        const struct text_entity *ents, size_t n_ents,
                        const struct text_date *dates, size_t n_dates, struct text_role **out,
                        size_t *n);
/* Happening date from doc's dates, title, publication date and kind
 * evidence: sets doc->event_date*. 0 or -ENOMEM. */
int text_evdate_detect(struct text_doc *doc);
/* Every event feature of doc (after the date and entity stages): terms,
 * kind, roles, date. 0 or -ENOMEM. */
int text_event_features(struct text_doc *doc);

/* Trigger tables generated from data/events/kinds.tsv and roles.tsv (evkind_data.c, by
 * data/events/gen-kinds.awk). */
struct text_evkind_row {
	const char *kind;     /* text_event_kind_name() of the kind */
	const char *lang;     /* ISO 639-1 */
	float weight;         /* per occurrence, before the position weight */
	const char *triggers; /* ", "-separated phrases; "=word": that folded word only */
};

struct text_evrole_row {
	const char *before, *after; /* role of the name before / after the trigger, or NULL */
	const char *lang;
	const char *triggers;
};

extern const struct text_evkind_row text_evkind_rows[];
extern const size_t text_evkind_n_rows;
extern const struct text_evrole_row text_evrole_rows[];
extern const size_t text_evrole_n_rows;

#endif
