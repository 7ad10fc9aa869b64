/* html: an HTML page -> paragraphs and metadata, on libxml2's HTML parser.
 *
 * libxml2 (htmlCtxtReadMemory: RECOVER, NOERROR, NOWARNING, NONET, COMPACT,
 * encoding "UTF-8" so that no <meta charset> can switch it) tokenises and
 * repairs the page: implied <html>/<body>, unclosed and stray tags,
 * entities. It reports the result as SAX events: we keep no DOM (building
 * libxml2's tree would cost more than the whole walk) but a stack of open
 * elements, and write the text as it comes, one paragraph per block. Its
 * errors go nowhere (text_html_init silences the global handlers too).
 *
 * Text. Block elements (p, div, li, dt, dd, h1-h6, td, th, blockquote, pre,
 * section, table rows..., and <br>) end the paragraph in progress; inline
 * ones (a, span, b, custom elements...) do not. White-space runs collapse to
 * one space, trimmed at paragraph ends, as a browser renders them; invisible
 * format characters and private-use icon glyphs are dropped; C1 controls
 * read as windows-1252 (&#150; is a dash, as in browsers). Inside <pre> each
 * line is a paragraph. A paragraph's tag is that of its nearest heading,
 * list item, blockquote, pre or table cell ancestor, else TEXT_TAG_P. Its
 * link_chars are the bytes written inside an <a href> (a collapsed space
 * counts on the side where its run started).
 *
 * Never text (subtree skipped): script, style, template, svg, math, iframe,
 * object, embed, canvas, audio, video, map, button, select, option,
 * textarea, input, ruby annotations (rt, rp), and the <head>.
 *
 * Chrome ranges. Some elements are page chrome, by strength:
 *  HARD    nav, aside, footer, menu, dialog, figcaption, noscript, <header>
 *          outside an article/main candidate (an article's own header holds
 *          its headline), ARIA roles navigation, banner, contentinfo,
 *          complementary, search, menu, menubar, toolbar, dialog,
 *          alertdialog; hidden elements (hidden attribute, inline style
 *          display:none);
 *  STRONG  a class or id holding a STRONG word of CHROME_WORDS (comment,
 *          cookie, consent, newsletter, related, sidebar, footer, paywall
 *          prompts...; header and masthead outside a candidate only);
 *  WEAK    a class or id holding only WEAK words (ad, advert, banner, share,
 *          social, menu, nav, tags, breadcrumb...: things that hold no
 *          prose), and forms.
 * Class and id values are split into words at any non-alphanumeric
 * character and at camelCase humps, lower-cased; a word matches whole ("lead"
 * and "shadow" hold no "ad"), or at the end of a longer word when it has
 * SUFFIX_MIN letters ("recentcomments"). A word after has, is, with, no,
 * without, enable, disable or hide ("has-sidebar", "isPaywall") is a switch,
 * not chrome. Classes never make chrome of known inline elements (links in
 * prose often carry "related" classes), nor of html, body, main or
 * itemprop=articleBody; an <article> is chrome only for a STRONG word (a
 * comment), since its classes are mostly feature switches.
 * Paragraphs inside a range are written, then dropped at the end unless the
 * range holds at least KEEP_SHARE (KEEP_SHARE_HARD for HARD ranges) of the
 * non-link text of its context (the kept range around it, else the scope):
 * such a range wraps the content whatever its name says (and libxml2's
 * HTML4-era recovery cannot close a <header> over an open <div>: the header
 * then swallows the rest of the page). A WEAK range that holds a paragraph
 * of prose (PROSE_WORDS words, few of them linked) is kept too.
 *
 * Main content. Candidates are <article>, itemprop=articleBody, an element
 * whose itemtype is a schema.org article type, role=article ("strong"), and
 * <main>, role=main. A candidate's weight is the non-link text it holds,
 * chrome ranges inside it excluded. The heaviest strong candidate is the
 * scope when it holds at least CAND_MIN_BYTES, CAND_SHARE of the page's text
 * outside chrome, and more than DOMINANCE of the text of all the outermost
 * strong candidates (a list of teasers or of articles is no article); its
 * strong siblings join it (an article in parts: header, body, notes). Else
 * the heaviest main candidate under the same rules; else the whole page.
 * Only the scope's paragraphs are returned.
 *
 * Metadata (html_meta.c ranks the sources): the first <title> outside svg,
 * <meta> name/property/itemprop/http-equiv, any element's itemprop with a
 * content attribute, <link rel=canonical>, <html lang>, <time datetime>
 * with itemprop=datePublished or pubdate (else the first one inside a
 * candidate, just above a modification time), the text of itemprop=author
 * and rel=author elements, and every <script type="application/ld+json">.
 * An author equal to the site name is the publisher: dropped.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "internal.h"

#define CAND_MIN_BYTES 200
#define CAND_SHARE 0.25
#define KEEP_SHARE 0.5
#define DOMINANCE 0.5
#define KEEP_SHARE_HARD 0.67
#define MAX_DEPTH 4096
#define MAX_CANDIDATES 256
#define MAX_CAPTURE (1024 * 1024) /* JSON-LD */
#define MAX_TEXT_CAPTURE 4096     /* title, author */
#define MAX_AUTHOR_BYTES 100
#define RANK_LINK_CANONICAL 1
#define RANK_HTML_LANG 1
#define RANK_HTML_TITLE 1 /* for html_title */
#define RANK_TITLE_ELEMENT 9
#define RANK_TIME_ITEMPROP 3
#define RANK_TIME_PUBDATE 8
#define RANK_TIME_IN_ARTICLE 9
#define RANK_AUTHOR_ELEMENT 7

enum tag {
	T_OTHER = 0,
	T_A,
	T_ARTICLE,
	T_BODY,
	T_BR,
	T_FORM,
	T_HEADER,
	T_HTML,
	T_LINK,
	T_MAIN,
	T_META,
	T_SCRIPT,
	T_SVG,
	T_TIME,
	T_TITLE,
};

/* tag_info.flags */
#define TI_BLOCK 1u  /* ends a paragraph */
#define TI_SKIP 2u   /* never text: the subtree is dropped */
#define TI_INLINE 4u /* known inline: class/id never make it chrome */
#define TI_CHROME 8u /* page chrome by nature (nav, aside, footer...) */

struct tag_info {
	const char *name;
	unsigned char tag;   /* enum tag */
	unsigned char flags; /* TI_* */
	unsigned char kind;  /* enum text_tag given to the paragraphs inside */
};

#define BLK(n)                                                                                     \
	{                                                                                          \
		n, T_OTHER, TI_BLOCK, TEXT_TAG_P                                                   \
	}
#define INL(n)                                                                                     \
	{                                                                                          \
		n, T_OTHER, TI_INLINE, TEXT_TAG_P                                                  \
	}
#define SKIP(n)                                                                                    \
	{                                                                                          \
		n, T_OTHER, TI_SKIP, TEXT_TAG_P                                                    \
	}
#define SKIPB(n)                                                                                   \
	{                                                                                          \
		n, T_OTHER, TI_SKIP | TI_BLOCK, TEXT_TAG_P                                         \
	}
#define CHROME(n)                                                                                  \
	{                                                                                          \
		n, T_OTHER, TI_CHROME | TI_BLOCK, TEXT_TAG_P                                       \
	}
#define KIND(n, k)                                                                                 \
	{                                                                                          \
		n, T_OTHER, TI_BLOCK, k                                                            \
	}

static const struct tag_info TAGS[] = {
        {"a", T_A, TI_INLINE, TEXT_TAG_P},
        INL("abbr"),
        BLK("address"),
        SKIP("applet"),
        {"article", T_ARTICLE, TI_BLOCK, TEXT_TAG_P},
        CHROME("aside"),
        SKIP("audio"),
        INL("b"),
        INL("bdi"),
        INL("bdo"),
        INL("big"),
        KIND("blockquote", TEXT_TAG_QUOTE),
        {"body", T_BODY, TI_BLOCK, TEXT_TAG_P},
        {"br", T_BR, TI_INLINE, TEXT_TAG_P},
        SKIP("button"),
        SKIP("canvas"),
        BLK("caption"),
        BLK("center"),
        INL("cite"),
        INL("code"),
        INL("data"),
        SKIP("datalist"),
        KIND("dd", TEXT_TAG_LI),
        INL("del"),
        BLK("details"),
        INL("dfn"),
        CHROME("dialog"),
        BLK("dir"),
        BLK("div"),
        BLK("dl"),
        KIND("dt", TEXT_TAG_LI),
        INL("em"),
        SKIP("embed"),
        BLK("fieldset"),
        CHROME("figcaption"),
        BLK("figure"),
        INL("font"),
        CHROME("footer"),
        {"form", T_FORM, TI_BLOCK, TEXT_TAG_P},
        SKIPB("frame"),
        SKIPB("frameset"),
        KIND("h1", TEXT_TAG_H),
        KIND("h2", TEXT_TAG_H),
        KIND("h3", TEXT_TAG_H),
        KIND("h4", TEXT_TAG_H),
        KIND("h5", TEXT_TAG_H),
        KIND("h6", TEXT_TAG_H),
        SKIPB("head"),
        {"header", T_HEADER, TI_BLOCK, TEXT_TAG_P},
        BLK("hgroup"),
        BLK("hr"),
        {"html", T_HTML, TI_BLOCK, TEXT_TAG_P},
        INL("i"),
        SKIP("iframe"),
        INL("img"),
        SKIP("input"),
        INL("ins"),
        INL("kbd"),
        INL("label"),
        BLK("legend"),
        KIND("li", TEXT_TAG_LI),
        {"link", T_LINK, TI_INLINE, TEXT_TAG_P},
        {"main", T_MAIN, TI_BLOCK, TEXT_TAG_P},
        SKIP("map"),
        INL("mark"),
        SKIP("math"),
        CHROME("menu"),
        {"meta", T_META, TI_INLINE, TEXT_TAG_P},
        CHROME("nav"),
        SKIP("noembed"),
        SKIP("noframes"),
        CHROME("noscript"),
        SKIP("object"),
        BLK("ol"),
        SKIP("optgroup"),
        SKIP("option"),
        INL("output"),
        BLK("p"),
        SKIP("param"),
        INL("picture"),
        KIND("pre", TEXT_TAG_PRE),
        INL("q"),
        SKIP("rp"),
        SKIP("rt"),
        INL("s"),
        INL("samp"),
        {"script", T_SCRIPT, TI_SKIP, TEXT_TAG_P},
        BLK("section"),
        SKIP("select"),
        INL("small"),
        SKIP("source"),
        INL("span"),
        INL("strike"),
        INL("strong"),
        SKIP("style"),
        INL("sub"),
        BLK("summary"),
        INL("sup"),
        {"svg", T_SVG, TI_SKIP, TEXT_TAG_P},
        BLK("table"),
        BLK("tbody"),
        KIND("td", TEXT_TAG_CELL),
        SKIP("template"),
        SKIP("textarea"),
        BLK("tfoot"),
        KIND("th", TEXT_TAG_CELL),
        BLK("thead"),
        {"time", T_TIME, TI_INLINE, TEXT_TAG_P},
        {"title", T_TITLE, TI_SKIP, TEXT_TAG_P},
        BLK("tr"),
        SKIP("track"),
        INL("tt"),
        INL("u"),
        BLK("ul"),
        INL("var"),
        SKIP("video"),
        INL("wbr"),
};

/* Words of class and id values that mark page chrome. STRONG words name
 * things that are chrome whatever they hold (comments, cookie banners,
 * newsletter boxes); WEAK ones name things that never hold prose (ads, share
 * buttons, menus, tag lists), so a weak range that holds a paragraph of prose
 * is content after all. OUTSIDE: only outside an article/main candidate (an
 * article has its own header). A word of at least SUFFIX_MIN letters also
 * matches at the end of a longer one ("recentcomments", "pagefooter"). */
#define CW_WEAK 1u
#define CW_OUTSIDE 2u
#define SUFFIX_MIN 5

struct chrome_word {
	const char *word;
	unsigned char flags;
};

static const struct chrome_word CHROME_WORDS[] = {
        {"ad", CW_WEAK},
        {"ads", CW_WEAK},
        {"adslot", CW_WEAK},
        {"advert", CW_WEAK},
        {"adverts", CW_WEAK},
        {"advertisement", CW_WEAK},
        {"advertising", CW_WEAK},
        {"banner", CW_WEAK},
        {"breadcrumb", CW_WEAK},
        {"breadcrumbs", CW_WEAK},
        {"comment", 0},
        {"comments", 0},
        {"consent", 0},
        {"cookie", 0},
        {"cookies", 0},
        {"disqus", 0},
        {"footer", 0},
        {"gdpr", 0},
        {"header", CW_OUTSIDE},
        {"login", 0},
        {"masthead", CW_OUTSIDE},
        {"menu", CW_WEAK},
        {"menus", CW_WEAK},
        {"modal", 0},
        {"nav", CW_WEAK},
        {"navbar", CW_WEAK},
        {"navigation", CW_WEAK},
        {"newsletter", 0},
        {"newsletters", 0},
        {"outbrain", 0},
        {"pagination", CW_WEAK},
        {"paywall", CW_WEAK},
        {"popup", 0},
        {"promo", CW_WEAK},
        {"promos", CW_WEAK},
        {"promotion", CW_WEAK},
        {"recommended", 0},
        {"related", 0},
        {"share", CW_WEAK},
        {"sharing", CW_WEAK},
        {"sidebar", 0},
        {"signup", 0},
        {"social", CW_WEAK},
        {"sponsored", CW_WEAK},
        {"subscribe", 0},
        {"subscription", 0},
        {"taboola", 0},
        {"tags", CW_WEAK},
        {"toolbar", CW_WEAK},
};

/* Words that turn the next one into a switch: "has-sidebar", "no-ads",
 * "enable-share". */
static const char *const MODIFIERS[] = {"has",     "is",     "with",    "no",
                                        "without", "enable", "disable", "hide"};

static const char *const CHROME_ROLES[] = {
        "navigation", "banner",  "contentinfo", "complementary", "search",
        "menu",       "menubar", "toolbar",     "dialog",        "alertdialog",
};

/* ---- lookup tables: open addressing on FNV-1a, built once ---- */

#define TAG_SLOTS 256
#define WORD_SLOTS 128

static uint8_t tag_slots[TAG_SLOTS];   /* index + 1 into TAGS */
static uint8_t word_slots[WORD_SLOTS]; /* index + 1 into CHROME_WORDS */
static uint32_t word_hash[sizeof(CHROME_WORDS) / sizeof(CHROME_WORDS[0])];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static uint32_t fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* FNV-1a over s read backwards: the hashes of a word's suffixes come one
 * after the other. */
static uint32_t fnv_back(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)s[n]) * 16777619u;
	return h;
}

static void slot_put(uint8_t *slots, size_t nslots, uint32_t h, size_t idx)
{
	size_t i = h & (nslots - 1);

	while (slots[i])
		i = (i + 1) & (nslots - 1);
	slots[i] = (uint8_t)(idx + 1);
}

static void tables_build(void)
{
	size_t i;

	for (i = 0; i < sizeof(TAGS) / sizeof(TAGS[0]); i++)
		slot_put(tag_slots, TAG_SLOTS, fnv(TAGS[i].name, strlen(TAGS[i].name)), i);
	for (i = 0; i < sizeof(CHROME_WORDS) / sizeof(CHROME_WORDS[0]); i++) {
		const char *cw = CHROME_WORDS[i].word;

		word_hash[i] = fnv_back(cw, strlen(cw));
		slot_put(word_slots, WORD_SLOTS, word_hash[i], i);
	}
}

static const struct tag_info *tag_lookup(const char *name)
{
	size_t n = strlen(name), i = fnv(name, n) & (TAG_SLOTS - 1);

	while (tag_slots[i]) {
		const struct tag_info *t = &TAGS[tag_slots[i] - 1];

		if (!strcmp(t->name, name))
			return t;
		i = (i + 1) & (TAG_SLOTS - 1);
	}
	return NULL;
}

/* w[0..n) with its backward hash h. */
static const struct chrome_word *word_lookup(const char *w, size_t n, uint32_t h)
{
	size_t i = h & (WORD_SLOTS - 1);

	while (word_slots[i]) {
		size_t k = word_slots[i] - 1u;
		const struct chrome_word *c = &CHROME_WORDS[k];

		if (word_hash[k] == h && !strncmp(c->word, w, n) && !c->word[n])
			return c;
		i = (i + 1) & (WORD_SLOTS - 1);
	}
	return NULL;
}

static bool is_modifier(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(MODIFIERS) / sizeof(MODIFIERS[0]); i++)
		if (!strncmp(MODIFIERS[i], w, n) && !MODIFIERS[i][n])
			return true;
	return false;
}

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The chrome word w[0..n) is, or ends with (when long enough); NULL if none. */
static const struct chrome_word *chrome_word(const char *w, size_t n)
{
	const struct chrome_word *cw = NULL;
	uint32_t h = 2166136261u;
	size_t k;

	for (k = 1; k <= n && !cw; k++) {
		h = (h ^ (unsigned char)w[n - k]) * 16777619u;
		if (k >= SUFFIX_MIN || k == n)
			cw = word_lookup(w + n - k, k, h);
	}
	return cw;
}

/* Chrome level of a class or id value: 0, or CHROME_WEAK/CHROME_STRONG for
 * its strongest chrome word. in_content: inside an article/main candidate,
 * where "header" is the article's own. */
enum { CHROME_NONE = 0, CHROME_WEAK, CHROME_STRONG };

static int chrome_value(const char *v, bool in_content)
{
	char word[24];
	size_t n = 0;
	bool prev_modifier = false, too_long = false;
	const unsigned char *p = (const unsigned char *)v;
	int level = CHROME_NONE;

	for (;; p++) {
		unsigned char c = *p;
		bool hump = n && c >= 'A' && c <= 'Z' && p[-1] >= 'a' && p[-1] <= 'z';

		if ((!is_alnum(c) || hump) && (n || too_long)) {
			if (!too_long) {
				const struct chrome_word *cw = chrome_word(word, n);

				if (cw && !prev_modifier &&
				    !(in_content && (cw->flags & CW_OUTSIDE))) {
					if (!(cw->flags & CW_WEAK))
						return CHROME_STRONG;
					level = CHROME_WEAK;
				}
				prev_modifier = is_modifier(word, n);
			} else {
				prev_modifier = false;
			}
			n = 0;
			too_long = false;
		}
		if (!c)
			return level;
		if (!is_alnum(c))
			continue;
		if (n < sizeof(word))
			word[n++] = (char)(c | (c >= 'A' && c <= 'Z' ? 0x20 : 0));
		else
			too_long = true;
	}
}

/* ---- the walk ---- */

/* frame.flags */
#define FR_BLOCK 1u
#define FR_SKIP 2u   /* this element started a dropped subtree */
#define FR_LINK 4u   /* <a href> */
#define FR_CAND 8u   /* a candidate: ref indexes cands */
#define FR_RANGE 16u /* a chrome range: ref indexes ranges */
#define FR_SVG 32u
#define FR_CONTENT 64u /* inside an article/main candidate (counted in contents) */

struct frame {
	const xmlChar *name;
	uint32_t seq; /* element number, in document order */
	uint32_t ref;
	unsigned char flags;
	unsigned char kind; /* enum text_tag of paragraphs inside */
};

struct cand {
	uint32_t start, end; /* paragraph indexes */
	uint32_t seq;        /* element number: a later seq inside the range is nested */
	uint32_t parent_seq; /* of the parent element: equal for siblings */
	bool strong;
};

/* How a chrome range was recognised, strongest first. */
enum chrome_kind {
	RANGE_HARD,   /* element, role or hiding */
	RANGE_STRONG, /* a STRONG class/id word */
	RANGE_WEAK,   /* a WEAK class/id word, or a form */
};

struct range {
	uint32_t start, end, seq;
	uint32_t parent;    /* index + 1 of the enclosing range, 0 if none */
	unsigned char kind; /* enum chrome_kind */
	bool in;            /* nested in the chosen scope */
	bool drop;
};

struct hpara {
	uint32_t off, len, words, link;
	uint32_t range; /* innermost chrome range: index + 1, 0 if none */
	unsigned char tag;
};

enum capture { CAP_NONE = 0, CAP_TITLE, CAP_AUTHOR, CAP_JSONLD };

struct walk {
	xmlParserCtxtPtr ctxt;
	struct text_html_acc acc;
	int err;

	struct strbuf text; /* the paragraphs, each NUL-terminated */
	size_t cur;         /* start of the paragraph in progress */
	unsigned words, link;
	bool space, space_link;

	struct hpara *paras;
	size_t npara, apara;
	struct cand *cands;
	size_t ncand, acand;
	struct range *ranges;
	size_t nrange, arange;
	struct frame *stack; /* stack[1..depth]; stack[0] is the document */
	size_t depth, astack, overflow;

	size_t skip_at; /* depth of the frame that started a dropped subtree, 0 if none */
	unsigned links, contents, svgs;
	uint32_t cur_range; /* index + 1 */
	uint32_t seq;

	enum capture cap;
	size_t cap_at;
	bool cap_overflow; /* longer than allowed: dropped */
	struct strbuf capbuf;
};

struct attrs {
	const char *cls, *id, *role, *itemprop, *itemtype, *href, *rel, *type, *style;
	const char *name, *property, *content, *http_equiv, *lang, *datetime;
	bool hidden, pubdate;
};

static void fail(struct walk *w, int err)
{
	if (!w->err) {
		w->err = err;
		xmlStopParser(w->ctxt);
	}
}

/* v (of *alloc elements of size bytes) with room for element n: v itself,
 * or a larger copy (*alloc updated); NULL on ENOMEM (v still valid). */
static void *grow(void *v, size_t *alloc, size_t n, size_t size)
{
	size_t a;
	void *p;

	if (n < *alloc)
		return v;
	a = *alloc ? *alloc * 2 : 64;
	p = realloc(v, a * size);
	if (p)
		*alloc = a;
	return p;
}

static unsigned char cur_kind(const struct walk *w)
{
	return w->stack[w->depth].kind;
}

static void flush(struct walk *w)
{
	size_t len = w->text.len - w->cur;
	struct hpara *paras;

	w->space = false;
	if (!len || w->err)
		return;
	paras = grow(w->paras, &w->apara, w->npara, sizeof(*w->paras));
	if (paras)
		w->paras = paras;
	if (!paras || strbuf_addch(&w->text, '\0')) {
		fail(w, -ENOMEM);
		return;
	}
	w->paras[w->npara++] = (struct hpara){
	        .off = (uint32_t)w->cur,
	        .len = (uint32_t)len,
	        .words = w->words,
	        .link = w->link,
	        .range = w->cur_range,
	        .tag = cur_kind(w),
	};
	w->cur = w->text.len;
	w->words = 0;
	w->link = 0;
}

static void pending_space(struct walk *w)
{
	if (!w->space) {
		w->space = true;
		w->space_link = w->links > 0;
	}
}

/* Decode one code point of s[0..n) (valid UTF-8 from libxml2); a sequence
 * cut by the end reads as U+FFFD of length 1. */
static int next_cp(const unsigned char *s, size_t n, int32_t *cp)
{
	int need = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;

	if ((size_t)need > n) {
		*cp = 0xfffd;
		return 1;
	}
	return utf8_next((const char *)s, cp);
}

/* HTML: C1 controls from character references read as windows-1252. */
static const uint16_t CP1252[32] = {
        0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
        0x2039, 0x0152, 0,      0x017d, 0,      0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
        0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
};

/* Icon fonts draw their glyphs from the private use areas: not text. */
static bool is_private_use(int32_t cp)
{
	return (cp >= 0xe000 && cp <= 0xf8ff) || cp >= 0xf0000;
}

/* Write s[0..n), a piece of one word, at *o (room reserved), after the
 * pending space if any. */
static inline void put(struct walk *w, char **o, const void *s, size_t n)
{
	char *start = w->text.buf + w->cur;

	if (w->space && *o > start) {
		*(*o)++ = ' ';
		w->link += w->space_link;
		w->words++;
	} else if (*o == start) {
		w->words++;
	}
	w->space = false;
	memcpy(*o, s, n);
	*o += n;
	if (w->links)
		w->link += (unsigned)n;
}

static void add_text(struct walk *w, const unsigned char *s, size_t n)
{
	bool pre = cur_kind(w) == TEXT_TAG_PRE;
	size_t i = 0, j;
	char *o;

	/* at most a space before, and 3 bytes for 1 (a stray byte read as
	 * U+FFFD; libxml2 should leave none) */
	if (strbuf_grow(&w->text, 3 * n + 1)) {
		fail(w, -ENOMEM);
		return;
	}
	o = w->text.buf + w->text.len;
	while (i < n) {
		unsigned char c = s[i];
		int32_t cp;
		int k;
		char enc[4];

		if (c > 0x20 && c < 0x7f) {
			for (j = i + 1; j < n && s[j] > 0x20 && s[j] < 0x7f; j++)
				;
			put(w, &o, s + i, j - i);
			i = j;
			continue;
		}
		if (c < 0x80) {
			if (pre && c == '\n') {
				w->text.len = (size_t)(o - w->text.buf);
				flush(w);
				if (w->err || strbuf_grow(&w->text, 3 * (n - i) + 1)) {
					fail(w, -ENOMEM);
					return;
				}
				o = w->text.buf + w->text.len;
			} else {
				pending_space(w);
			}
			i++;
			continue;
		}
		k = next_cp(s + i, n - i, &cp);
		if (cp == 0xfffd && k == 1)
			put(w, &o, "\xef\xbf\xbd", 3);
		else if (text_is_newline(cp) || text_is_space(cp))
			pending_space(w); /* a new line inside <pre> is rare enough */
		else if (cp >= 0x80 && cp <= 0x9f && CP1252[cp - 0x80])
			put(w, &o, enc, (size_t)text_utf8_put(CP1252[cp - 0x80], enc));
		else if (!(cp >= 0x80 && cp <= 0x9f) && !text_is_invisible(cp) &&
		         !is_private_use(cp))
			put(w, &o, s + i, (size_t)k);
		i += (size_t)k;
	}
	w->text.len = (size_t)(o - w->text.buf);
	w->text.buf[w->text.len] = '\0';
}

static void read_attrs(const xmlChar **atts, struct attrs *a)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	for (i = 0; atts && atts[i]; i += 2) {
		const char *k = (const char *)atts[i], *v = (const char *)atts[i + 1];

		switch (k[0]) {
		case 'c':
			if (!strcmp(k, "class"))
				a->cls = v;
			else if (!strcmp(k, "content"))
				a->content = v;
			break;
		case 'd':
			if (!strcmp(k, "datetime"))
				a->datetime = v;
			break;
		case 'h':
			if (!strcmp(k, "href"))
				a->href = v;
			else if (!strcmp(k, "hidden"))
				a->hidden = true;
			else if (!strcmp(k, "http-equiv"))
				a->http_equiv = v;
			break;
		case 'i':
			if (!strcmp(k, "id"))
				a->id = v;
			else if (!strcmp(k, "itemprop"))
				a->itemprop = v;
			else if (!strcmp(k, "itemtype"))
				a->itemtype = v;
			break;
		case 'l':
			if (!strcmp(k, "lang"))
				a->lang = v;
			break;
		case 'n':
			if (!strcmp(k, "name"))
				a->name = v;
			break;
		case 'p':
			if (!strcmp(k, "property"))
				a->property = v;
			else if (!strcmp(k, "pubdate"))
				a->pubdate = true;
			break;
		case 'r':
			if (!strcmp(k, "rel"))
				a->rel = v;
			else if (!strcmp(k, "role"))
				a->role = v;
			break;
		case 's':
			if (!strcmp(k, "style"))
				a->style = v;
			break;
		case 't':
			if (!strcmp(k, "type"))
				a->type = v;
			break;
		default:
			break;
		}
	}
}

/* Is word one of the white-space separated tokens of list (any case)? */
static bool has_token(const char *list, const char *word)
{
	size_t n = strlen(word);

	while (list && *list) {
		size_t k;

		while (*list == ' ' || *list == '\t' || *list == '\n')
			list++;
		for (k = 0; list[k] && list[k] != ' ' && list[k] != '\t' && list[k] != '\n'; k++)
			;
		if (k == n && !strncasecmp(list, word, n))
			return true;
		list += k;
	}
	return false;
}

static bool eq_ci(const char *a, const char *b)
{
	return a && !strcasecmp(a, b);
}

/* style="...display: none..." */
static bool style_hidden(const char *style)
{
	const char *p = style;

	if (!p)
		return false;
	while ((p = strstr(p, "display")) != NULL) {
		p += 7;
		while (*p == ' ')
			p++;
		if (*p != ':')
			continue;
		p++;
		while (*p == ' ')
			p++;
		if (!strncasecmp(p, "none", 4))
			return true;
	}
	return false;
}

static bool role_chrome(const char *role)
{
	size_t i;

	for (i = 0; i < sizeof(CHROME_ROLES) / sizeof(CHROME_ROLES[0]); i++)
		if (has_token(role, CHROME_ROLES[i]))
			return true;
	return false;
}

/* itemtype naming a schema.org article type. */
static bool article_itemtype(const char *t)
{
	size_t n = t ? strlen(t) : 0;

	while (n && (t[n - 1] == ' ' || t[n - 1] == '/'))
		n--;
	return (n >= 7 && !strncmp(t + n - 7, "Article", 7)) ||
	       (n >= 11 && !strncmp(t + n - 11, "BlogPosting", 11)) ||
	       (n >= 13 && !strncmp(t + n - 13, "ReportageNews", 13));
}

static void capture_start(struct walk *w, enum capture cap)
{
	if (w->cap)
		return;
	w->cap = cap;
	w->cap_at = w->depth + 1; /* the frame about to be pushed */
	w->cap_overflow = false;
	strbuf_reset(&w->capbuf);
}

static void capture_text(struct walk *w, const xmlChar *s, int n)
{
	size_t max = w->cap == CAP_JSONLD ? MAX_CAPTURE : MAX_TEXT_CAPTURE;

	if (w->cap_overflow || w->capbuf.len + (size_t)n > max)
		w->cap_overflow = true;
	else if (strbuf_add(&w->capbuf, s, (size_t)n))
		fail(w, -ENOMEM);
}

static void capture_end(struct walk *w)
{
	struct strbuf *b = &w->capbuf;
	int err = 0;

	switch (w->cap_overflow ? CAP_NONE : w->cap) {
	case CAP_TITLE:
		err = text_html_meta_set(&w->acc, TEXT_HTML_HTML_TITLE, RANK_HTML_TITLE, b->buf,
		                         b->len);
		if (!err)
			err = text_html_meta_set(&w->acc, TEXT_HTML_TITLE, RANK_TITLE_ELEMENT,
			                         b->buf, b->len);
		break;
	case CAP_AUTHOR: {
		char *a = text_collapse_ws(b->buf, b->len);

		if (!a)
			err = -ENOMEM;
		else if (strlen(a) <= MAX_AUTHOR_BYTES)
			err = text_html_meta_set(&w->acc, TEXT_HTML_AUTHOR, RANK_AUTHOR_ELEMENT, a,
			                         strlen(a));
		free(a);
		break;
	}
	case CAP_JSONLD:
		err = text_html_meta_jsonld(&w->acc, b->buf, b->len);
		break;
	case CAP_NONE:
		break;
	}
	w->cap = CAP_NONE;
	strbuf_reset(b);
	if (err)
		fail(w, err);
}

/* Metadata carried by an element, whatever the text walk does with it. */
static void element_meta(struct walk *w, const struct tag_info *ti, const struct attrs *a)
{
	struct text_html_acc *acc = &w->acc;
	unsigned char tag = ti ? ti->tag : T_OTHER;
	int err = 0;

	switch (tag) {
	case T_META:
		if (!a->content)
			return;
		if (a->property)
			err = text_html_meta_pair(acc, a->property, a->content);
		if (!err && a->name)
			err = text_html_meta_pair(acc, a->name, a->content);
		if (!err && a->itemprop)
			err = text_html_meta_pair(acc, a->itemprop, a->content);
		if (!err && a->http_equiv)
			err = text_html_meta_pair(acc, a->http_equiv, a->content);
		break;
	case T_LINK:
		if (a->href && has_token(a->rel, "canonical"))
			err = text_html_meta_set(acc, TEXT_HTML_CANONICAL, RANK_LINK_CANONICAL,
			                         a->href, strlen(a->href));
		break;
	case T_HTML:
		if (a->lang)
			err = text_html_meta_set(acc, TEXT_HTML_LANG, RANK_HTML_LANG, a->lang,
			                         strlen(a->lang));
		break;
	case T_TITLE:
		if (!w->svgs && !acc->rank[TEXT_HTML_HTML_TITLE])
			capture_start(w, CAP_TITLE);
		break;
	case T_SCRIPT:
		if (a->type && strstr(a->type, "ld+json"))
			capture_start(w, CAP_JSONLD);
		break;
	case T_TIME:
		if (a->datetime && eq_ci(a->itemprop, "datePublished"))
			err = text_html_meta_set(acc, TEXT_HTML_PUBLISHED, RANK_TIME_ITEMPROP,
			                         a->datetime, strlen(a->datetime));
		else if (a->datetime && a->pubdate)
			err = text_html_meta_set(acc, TEXT_HTML_PUBLISHED, RANK_TIME_PUBDATE,
			                         a->datetime, strlen(a->datetime));
		else if (a->datetime && w->contents)
			err = text_html_meta_set(acc, TEXT_HTML_PUBLISHED, RANK_TIME_IN_ARTICLE,
			                         a->datetime, strlen(a->datetime));
		break;
	default:
		break;
	}
	if (!err && tag != T_META && a->itemprop && a->content)
		err = text_html_meta_pair(acc, a->itemprop, a->content);
	if (!err && !a->content &&
	    (eq_ci(a->itemprop, "author") || (tag == T_A && has_token(a->rel, "author"))) &&
	    (!acc->rank[TEXT_HTML_AUTHOR] || acc->rank[TEXT_HTML_AUTHOR] > RANK_AUTHOR_ELEMENT))
		capture_start(w, CAP_AUTHOR);
	if (err)
		fail(w, err);
}

static void open_range(struct walk *w, struct frame *f, enum chrome_kind kind)
{
	struct range *ranges = grow(w->ranges, &w->arange, w->nrange, sizeof(*w->ranges));

	if (!ranges) {
		fail(w, -ENOMEM);
		return;
	}
	w->ranges = ranges;
	w->ranges[w->nrange] = (struct range){.start = (uint32_t)w->npara,
	                                      .seq = w->seq,
	                                      .parent = w->cur_range,
	                                      .kind = (unsigned char)kind};
	f->flags |= FR_RANGE;
	f->ref = (uint32_t)w->nrange++;
	w->cur_range = f->ref + 1;
}

static void open_cand(struct walk *w, struct frame *f, bool strong)
{
	struct cand *cands;

	w->contents++;
	f->flags |= FR_CONTENT;
	if (w->ncand >= MAX_CANDIDATES)
		return;
	cands = grow(w->cands, &w->acand, w->ncand, sizeof(*w->cands));
	if (!cands) {
		fail(w, -ENOMEM);
		return;
	}
	w->cands = cands;
	w->cands[w->ncand] = (struct cand){.start = (uint32_t)w->npara,
	                                   .seq = w->seq,
	                                   .parent_seq = w->stack[w->depth - 1].seq,
	                                   .strong = strong};
	f->flags |= FR_CAND;
	f->ref = (uint32_t)w->ncand++;
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct walk *w = ctx;
	const struct tag_info *ti;
	struct attrs a;
	struct frame *f, *stack;
	unsigned char tag;
	bool block, hard, body_cand, strong;
	int level = CHROME_NONE;

	if (w->err)
		return;
	if (w->depth + 1 >= MAX_DEPTH) {
		w->overflow++;
		return;
	}
	stack = grow(w->stack, &w->astack, w->depth + 1, sizeof(*w->stack));
	if (!stack) {
		fail(w, -ENOMEM);
		return;
	}
	w->stack = stack;
	w->seq++;
	ti = tag_lookup((const char *)name);
	tag = ti ? ti->tag : T_OTHER;
	read_attrs(atts, &a);
	element_meta(w, ti, &a);
	f = &w->stack[++w->depth];
	*f = (struct frame){.name = name, .seq = w->seq, .kind = w->stack[w->depth - 1].kind};
	if (tag == T_SVG) {
		f->flags |= FR_SVG;
		w->svgs++;
	}
	if (w->skip_at || w->err)
		return;

	if (ti && (ti->flags & TI_SKIP)) {
		if (ti->flags & TI_BLOCK)
			flush(w);
		f->flags |= FR_SKIP;
		w->skip_at = w->depth;
		return;
	}
	body_cand = eq_ci(a.itemprop, "articleBody");
	block = ti ? (ti->flags & TI_BLOCK) != 0 : false;
	hard = (ti && (ti->flags & TI_CHROME)) || a.hidden || style_hidden(a.style) ||
	       (a.role && role_chrome(a.role)) || (tag == T_HEADER && !w->contents);
	if (!hard && !(ti && (ti->flags & TI_INLINE)) && tag != T_HTML && tag != T_BODY &&
	    tag != T_MAIN && !body_cand) {
		if (a.cls)
			level = chrome_value(a.cls, w->contents > 0);
		if (a.id && level != CHROME_STRONG) {
			int id_level = chrome_value(a.id, w->contents > 0);

			level = id_level > level ? id_level : level;
		}
		if (tag == T_ARTICLE && level == CHROME_WEAK)
			level = CHROME_NONE; /* an article's class is mostly feature switches */
	}
	if (!hard && tag == T_FORM && level == CHROME_NONE)
		level = CHROME_WEAK;
	if (hard || level || block || tag == T_BR) {
		flush(w);
		f->flags |= FR_BLOCK;
	}
	if (ti && ti->kind != TEXT_TAG_P)
		f->kind = ti->kind;
	strong = tag == T_ARTICLE || body_cand || article_itemtype(a.itemtype) ||
	         has_token(a.role, "article");
	if (hard || level)
		open_range(w, f,
		           hard                     ? RANGE_HARD
		           : level == CHROME_STRONG ? RANGE_STRONG
		                                    : RANGE_WEAK);
	else if (strong || tag == T_MAIN || has_token(a.role, "main"))
		open_cand(w, f, strong);
	if (tag == T_A && a.href) {
		f->flags |= FR_LINK;
		w->links++;
	}
}

static void pop(struct walk *w)
{
	struct frame *f = &w->stack[w->depth];

	if (f->flags & FR_BLOCK)
		flush(w);
	if (f->flags & FR_RANGE) {
		w->ranges[f->ref].end = (uint32_t)w->npara;
		w->cur_range = w->ranges[f->ref].parent;
	}
	if (f->flags & FR_CAND)
		w->cands[f->ref].end = (uint32_t)w->npara;
	if (f->flags & FR_CONTENT)
		w->contents--;
	if (f->flags & FR_LINK)
		w->links--;
	if (f->flags & FR_SVG)
		w->svgs--;
	if (w->cap && w->cap_at == w->depth)
		capture_end(w);
	if (w->skip_at == w->depth)
		w->skip_at = 0;
	w->depth--;
}

static void on_end(void *ctx, const xmlChar *name)
{
	struct walk *w = ctx;
	size_t k;

	if (w->overflow) {
		w->overflow--;
		return;
	}
	for (k = w->depth; k > 0; k--)
		if (w->stack[k].name == name || xmlStrEqual(w->stack[k].name, name))
			break;
	while (k && w->depth >= k)
		pop(w);
}

static void on_text(void *ctx, const xmlChar *s, int n)
{
	struct walk *w = ctx;

	if (w->err || n <= 0)
		return;
	if (w->cap)
		capture_text(w, s, n);
	if (!w->skip_at)
		add_text(w, s, (size_t)n);
}

/* Script and style bodies: only a JSON-LD capture wants them. */
static void on_cdata(void *ctx, const xmlChar *s, int n)
{
	struct walk *w = ctx;

	if (!w->err && n > 0 && w->cap == CAP_JSONLD)
		capture_text(w, s, n);
}

static void silent(void *ctx, const char *msg, ...)
{
}

static void silent_structured(void *ctx, xmlErrorPtr err)
{
}

/* ---- choosing what to return ---- */

/* Prose: a paragraph of PROSE_WORDS words or more, less than a fifth of it
 * inside links. A WEAK chrome range that holds one is content after all. */
#define PROSE_WORDS 25

static bool is_prose(const struct hpara *p)
{
	return p->words >= PROSE_WORDS && p->link * 5 < p->len;
}

/* Weight of a candidate: its non-link text outside chrome ranges nested in
 * it (a range opened after it, holding its paragraph, is nested in it). */
static uint64_t cand_weight(const struct walk *w, const struct cand *c)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = c->start; i < c->end; i++) {
		const struct hpara *p = &w->paras[i];

		if (!p->range || w->ranges[p->range - 1].seq < c->seq)
			sum += p->len - p->link;
	}
	return sum;
}

static bool nested_in(const struct cand *inner, const struct cand *outer)
{
	return inner->seq > outer->seq && inner->start >= outer->start && inner->end <= outer->end;
}

/* The heaviest candidate of the kind, when it holds CAND_MIN_BYTES and
 * CAND_SHARE of the page's text outside chrome, and more than DOMINANCE of
 * the text of all the outermost candidates of its kind (a page of several
 * articles, or of teasers, is not one article); NULL otherwise. */
static const struct cand *best_cand(const struct walk *w, bool strong, uint64_t page)
{
	const struct cand *best = NULL;
	uint64_t best_w = 0, total = 0;
	size_t i, k;

	for (i = 0; i < w->ncand; i++) {
		const struct cand *c = &w->cands[i];
		uint64_t cw;
		bool outermost = true;

		if (c->strong != strong)
			continue;
		cw = cand_weight(w, c);
		for (k = 0; k < i && outermost; k++)
			if (w->cands[k].strong == strong && nested_in(c, &w->cands[k]))
				outermost = false;
		if (outermost)
			total += cw;
		if (cw > best_w) {
			best = c;
			best_w = cw;
		}
	}
	if (!best || best_w < CAND_MIN_BYTES || (double)best_w < CAND_SHARE * (double)page ||
	    (double)best_w <= DOMINANCE * (double)total)
		return NULL;
	return best;
}

struct selection {
	uint64_t *pw;  /* pw[i]: non-link bytes of paragraphs 0..i-1 */
	uint32_t *pp;  /* pp[i]: prose paragraphs among 0..i-1 */
	size_t *scope; /* candidate indexes, in document order; none: the page */
	size_t nscope;
};

static uint64_t weight(const struct selection *sel, uint32_t start, uint32_t end)
{
	return sel->pw[end] - sel->pw[start];
}

/* The scope candidate holding range s, or NULL. */
static const struct cand *scope_of(const struct walk *w, const struct selection *sel,
                                   const struct range *s)
{
	size_t i;

	for (i = 0; i < sel->nscope; i++) {
		const struct cand *c = &w->cands[sel->scope[i]];

		if (s->seq > c->seq && s->start >= c->start && s->end <= c->end)
			return c;
	}
	return NULL;
}

/* Decide each chrome range in the scope, outermost first: dropped with a
 * dropped parent; else kept when it holds KEEP_SHARE (KEEP_SHARE_HARD for
 * element chrome) of its context's text (the kept parent range, else the
 * scope candidate or the page): a wrapper, whatever its name says; a WEAK
 * range is also kept when it holds prose. */
static void decide_ranges(struct walk *w, const struct selection *sel)
{
	size_t i;

	for (i = 0; i < w->nrange; i++) {
		struct range *s = &w->ranges[i];
		const struct range *parent = s->parent ? &w->ranges[s->parent - 1] : NULL;
		const struct cand *c = sel->nscope ? scope_of(w, sel, s) : NULL;
		uint64_t mine, ctx;
		double share;

		s->in = !sel->nscope || c;
		if (!s->in)
			continue;
		if (parent && parent->in && parent->drop) {
			s->drop = true;
			continue;
		}
		if (parent && parent->in)
			ctx = weight(sel, parent->start, parent->end);
		else if (c)
			ctx = weight(sel, c->start, c->end);
		else
			ctx = weight(sel, 0, (uint32_t)w->npara);
		mine = weight(sel, s->start, s->end);
		share = s->kind == RANGE_HARD ? KEEP_SHARE_HARD : KEEP_SHARE;
		s->drop =
		        !mine || ((double)mine < share * (double)ctx &&
		                  !(s->kind == RANGE_WEAK && sel->pp[s->end] > sel->pp[s->start]));
	}
}

static int select_scope(struct walk *w, struct selection *sel)
{
	const struct cand *best;
	uint64_t page = 0;
	size_t i;

	sel->pw = malloc((w->npara + 1) * sizeof(*sel->pw));
	sel->pp = malloc((w->npara + 1) * sizeof(*sel->pp));
	sel->scope = malloc((w->ncand + 1) * sizeof(*sel->scope));
	if (!sel->pw || !sel->pp || !sel->scope)
		return -ENOMEM;
	sel->pw[0] = 0;
	sel->pp[0] = 0;
	for (i = 0; i < w->npara; i++) {
		const struct hpara *p = &w->paras[i];

		sel->pw[i + 1] = sel->pw[i] + (p->len - p->link);
		sel->pp[i + 1] = sel->pp[i] + is_prose(p);
		if (!p->range)
			page += p->len - p->link;
	}
	best = best_cand(w, true, page);
	if (!best)
		best = best_cand(w, false, page);
	/* the best candidate and its siblings of the same kind: an article
	 * split in parts (header, body, notes) */
	for (i = 0; best && i < w->ncand; i++) {
		const struct cand *c = &w->cands[i];

		if (c == best || (c->strong == best->strong && c->parent_seq == best->parent_seq))
			sel->scope[sel->nscope++] = i;
	}
	decide_ranges(w, sel);
	return 0;
}

static bool para_kept(const struct walk *w, const struct hpara *p)
{
	const struct range *s;

	if (!p->range)
		return true;
	s = &w->ranges[p->range - 1];
	return !s->in || !s->drop;
}

/* Append the chosen paragraphs to ps in one go. */
static int emit(struct walk *w, struct text_paras *ps)
{
	struct selection sel = {0};
	size_t used, add = 0, nadd = 0, i, k, from, to;
	char *buf;
	int err;

	err = select_scope(w, &sel);
	for (k = 0; !err && k < (sel.nscope ? sel.nscope : 1); k++) {
		from = sel.nscope ? w->cands[sel.scope[k]].start : 0;
		to = sel.nscope ? w->cands[sel.scope[k]].end : w->npara;
		for (i = from; i < to; i++) {
			if (para_kept(w, &w->paras[i])) {
				add += w->paras[i].len + 1;
				nadd++;
			}
		}
	}
	if (err || !nadd)
		goto out;
	err = -ENOMEM;
	used = ps->n ? ps->v[ps->n - 1].off + ps->v[ps->n - 1].len + 1 : 0;
	buf = realloc(ps->buf, used + add);
	if (!buf)
		goto out;
	ps->buf = buf;
	if (ps->n + nadd > ps->alloc) {
		struct text_para *v = realloc(ps->v, (ps->n + nadd) * sizeof(*v));

		if (!v)
			goto out;
		ps->v = v;
		ps->alloc = ps->n + nadd;
	}
	err = 0;
	for (k = 0; k < (sel.nscope ? sel.nscope : 1); k++) {
		from = sel.nscope ? w->cands[sel.scope[k]].start : 0;
		to = sel.nscope ? w->cands[sel.scope[k]].end : w->npara;
		for (i = from; i < to; i++) {
			const struct hpara *p = &w->paras[i];

			if (!para_kept(w, p))
				continue;
			memcpy(buf + used, w->text.buf + p->off, p->len + 1);
			ps->v[ps->n++] = (struct text_para){
			        .off = used,
			        .len = p->len,
			        .words = p->words,
			        .link_chars = p->link,
			        .tag = p->tag,
			};
			used += p->len + 1;
		}
	}
out:
	free(sel.pw);
	free(sel.pp);
	free(sel.scope);
	return err;
}

int text_paras_add(struct text_paras *ps, const char *s, size_t len, unsigned link_chars,
                   unsigned char tag)
{
	size_t used = ps->n ? ps->v[ps->n - 1].off + ps->v[ps->n - 1].len + 1 : 0, i;
	unsigned words = 0;
	char *buf;

	buf = realloc(ps->buf, used + len + 1);
	if (!buf)
		return -ENOMEM;
	ps->buf = buf;
	memcpy(buf + used, s, len);
	buf[used + len] = '\0';
	for (i = 0; i < len; i++)
		if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
			words++;
	return text_paras_push(ps, &(struct text_para){.off = used,
	                                               .len = len,
	                                               .words = words,
	                                               .link_chars = link_chars,
	                                               .tag = tag});
}

static bool all_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

int text_paras_nfc(struct text_paras *ps)
{
	struct strbuf sb = STRBUF_INIT;
	struct text_para *v;
	size_t i;
	int err = 0;

	for (i = 0; i < ps->n && all_ascii(ps->buf + ps->v[i].off, ps->v[i].len); i++)
		;
	if (i == ps->n)
		return 0;
	v = malloc(ps->n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memcpy(v, ps->v, ps->n * sizeof(*v));
	strbuf_init(&sb);
	for (i = 0; i < ps->n && !err; i++) {
		struct text_para *p = &v[i];
		const char *s = ps->buf + p->off;
		char *nfc = NULL;

		p->off = sb.len;
		if (all_ascii(s, p->len)) {
			err = strbuf_add(&sb, s, p->len + 1);
			continue;
		}
		err = text_nfc_n(s, p->len, &nfc);
		if (err == -EINVAL) { /* not UTF-8 (out of contract): kept as is */
			err = strbuf_add(&sb, s, p->len + 1);
		} else if (!err) {
			size_t len = strlen(nfc);

			p->link_chars = (unsigned)((uint64_t)p->link_chars * len / p->len);
			p->len = len;
			err = strbuf_add(&sb, nfc, p->len + 1);
		}
		free(nfc);
	}
	if (err) {
		strbuf_release(&sb);
		free(v);
		return err;
	}
	free(ps->buf);
	free(ps->v);
	ps->buf = strbuf_detach(&sb, NULL);
	ps->v = v;
	ps->alloc = ps->n;
	return 0;
}

/* ---- entry points ---- */

static const htmlSAXHandler SAX = {
        .startElement = on_start,
        .endElement = on_end,
        .characters = on_text,
        .ignorableWhitespace = on_text,
        .cdataBlock = on_cdata,
        .warning = NULL,
        .error = NULL,
        .fatalError = NULL,
        .initialized = 1,
};

int text_html_init(void)
{
	pthread_once(&tables_once, tables_build);
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, silent);
	xmlThrDefSetGenericErrorFunc(NULL, silent);
	xmlSetStructuredErrorFunc(NULL, silent_structured);
	xmlThrDefSetStructuredErrorFunc(NULL, silent_structured);
	return 0;
}

void text_html_shutdown(void)
{
	xmlCleanupParser();
}

void text_html_meta_release(struct text_html_meta *meta)
{
	if (!meta)
		return;
	free(meta->title);
	free(meta->html_title);
	free(meta->canonical_url);
	free(meta->site_name);
	free(meta->author);
	free(meta->published);
	free(meta->lang);
	*meta = TEXT_HTML_META_INIT;
}

int text_html_parse(const char *html, size_t len, struct text_paras *ps,
                    struct text_html_meta *meta)
{
	struct walk w = {0};
	htmlDocPtr doc;
	int err = 0;

	*meta = TEXT_HTML_META_INIT;
	if (len > INT_MAX)
		return -EINVAL;
	if (!len)
		return 0;
	pthread_once(&tables_once, tables_build);
	strbuf_init(&w.text);
	strbuf_init(&w.capbuf);
	w.acc.m = meta;
	w.stack = malloc(64 * sizeof(*w.stack));
	w.ctxt = htmlNewParserCtxt();
	if (!w.stack || !w.ctxt || !w.ctxt->sax) {
		err = -ENOMEM;
		goto out;
	}
	w.astack = 64;
	w.stack[0] = (struct frame){.kind = TEXT_TAG_P};
	*w.ctxt->sax = SAX;
	w.ctxt->userData = &w;
	doc = htmlCtxtReadMemory(w.ctxt, html, (int)len, NULL, "UTF-8",
	                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                                 HTML_PARSE_NONET | HTML_PARSE_COMPACT);
	if (doc)
		xmlFreeDoc(doc); /* not built with our handler; kept safe anyway */
	if (!w.err && w.ctxt->errNo == XML_ERR_NO_MEMORY)
		w.err = -ENOMEM;
	if (!w.err) {
		w.overflow = 0;
		while (w.depth && !w.err)
			pop(&w); /* a page cut short leaves elements open */
		flush(&w);
	}
	err = w.err;
	if (!err && meta->author && meta->site_name && !strcasecmp(meta->author, meta->site_name)) {
		free(meta->author); /* the publisher named as author */
		meta->author = NULL;
	}
	if (!err)
		err = emit(&w, ps);
out:
	if (w.ctxt)
		htmlFreeParserCtxt(w.ctxt);
	free(w.stack);
	free(w.paras);
	free(w.cands);
	free(w.ranges);
	strbuf_release(&w.text);
	strbuf_release(&w.capbuf);
	if (err)
		text_html_meta_release(meta);
	return err;
}

int text_html_to_text(const char *html, size_t len, struct strbuf *out, char **title,
                      char **published)
{
	struct text_paras ps = TEXT_PARAS_INIT;
	struct text_html_meta meta;
	size_t i;
	int err;

	*title = NULL;
	*published = NULL;
	err = text_html_parse(html, len, &ps, &meta);
	for (i = 0; !err && i < ps.n; i++) {
		err = strbuf_add(out, ps.buf + ps.v[i].off, ps.v[i].len);
		if (!err)
			err = strbuf_addch(out, '\n');
	}
	if (!err) {
		*title = meta.html_title;
		*published = meta.published;
		meta.html_title = NULL;
		meta.published = NULL;
	}
	text_html_meta_release(&meta);
	text_paras_release(&ps);
	return err;
}
