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

/* ---- HTML (html.c) ---- */

/* HTML page -> plain text with one block per line. *title gets the first
 * <title> (entities decoded, not yet NFC, not suffix-stripped) or NULL.
 * Returns 0 or -ENOMEM. */
int text_html_to_text(const char *html, size_t len, struct strbuf *out, char **title,
                      char **published);

/* ---- paragraphs and boilerplate (clean.c) ---- */

struct text_para {
	size_t off;          /* in text_paras.buf, NUL-terminated there */
	size_t len;          /* bytes */
	unsigned words;      /* space-separated tokens */
	unsigned link_chars; /* bytes inside <a> links (HTML input; 0 for text) */
	unsigned char tag;   /* the HTML block it came from: TEXT_TAG_* (TEXT_TAG_P for text) */
	bool boiler;         /* dropped by the boilerplate classifier */
	bool is_title;       /* equal to the title: dropped from the body */
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

/* Split on line breaks, one paragraph per non-blank line. 0 or -ENOMEM. */
int text_paras_split(const char *s, struct text_paras *ps);
/* Set .boiler on paragraphs matched by the rules documented in clean.c. */
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
/* Index of the paragraph that is the headline, or -1: a paragraph repeated
 * at the top, else the first kept paragraph when it reads like a headline. */
long text_title_guess(const struct text_paras *ps);

/* ---- language (langid.c) ---- */

int text_langid_init(const char *conf);
void text_langid_shutdown(void);

/* ---- word lists (lexicon.c); words are folded with text_fold() ---- */

/* lang selects the list ("fr", "en", "de", "es", "it"); NULL or another
 * language checks them all. */
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

#endif
