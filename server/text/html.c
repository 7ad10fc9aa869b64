/* html: a small, forgiving HTML -> text converter, one pass over the page.
 *
 * Not a full HTML5 parser (a later issue may bring one); what it does:
 * - drops comments, doctype and processing instructions;
 * - drops the contents of raw-text elements (script, style, noscript,
 *   textarea, iframe...) by scanning for their end tag, as browsers do;
 * - drops the contents of page chrome (nav, header, footer, aside, form,
 *   button, select, svg, template, figcaption), tracking them on a small
 *   stack so that an end tag closes the nearest matching open one and
 *   </body> or </html> closes all (a page that never closes its <header>
 *   therefore loses at most the body up to </body>);
 * - turns block elements into line breaks and collapses other white space as
 *   a browser would (a newline inside a <p> is just a space);
 * - decodes character references (named ones from a short list, all numeric
 *   ones, windows-1252 for &#128;-&#159; as the HTML spec says);
 * - captures the first <title>, and the publication time of the first
 *   <meta> that states one (article:published_time, og:published_time,
 *   datePublished, date, dc.date...), as written: the caller validates it.
 * The output is never longer than the input.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define SKIP_STACK 32

struct html_conv {
	const char *p;
	size_t len;
	struct strbuf *out;
	const char *skip[SKIP_STACK]; /* open chrome elements, innermost last */
	int depth;                    /* may exceed SKIP_STACK; only names up to it kept */
	bool space;                   /* white space seen since the last text */
	int err;
	char *published; /* first publication time found in a <meta>, owned */
};

struct named_ref {
	const char *name;
	int32_t cp;
};

/* Sorted by name (strcmp order) for bsearch. */
static const struct named_ref NAMED[] = {
        {"AElig", 0xc6},   {"Agrave", 0xc0},   {"Auml", 0xc4},     {"Ccedil", 0xc7},
        {"Eacute", 0xc9},  {"Ecirc", 0xca},    {"Egrave", 0xc8},   {"Ntilde", 0xd1},
        {"OElig", 0x152},  {"Ouml", 0xd6},     {"Uuml", 0xdc},     {"aacute", 0xe1},
        {"acirc", 0xe2},   {"aelig", 0xe6},    {"agrave", 0xe0},   {"amp", '&'},
        {"apos", '\''},    {"aring", 0xe5},    {"atilde", 0xe3},   {"auml", 0xe4},
        {"bdquo", 0x201e}, {"bull", 0x2022},   {"ccedil", 0xe7},   {"copy", 0xa9},
        {"deg", 0xb0},     {"eacute", 0xe9},   {"ecirc", 0xea},    {"egrave", 0xe8},
        {"emsp", 0x2003},  {"ensp", 0x2002},   {"euml", 0xeb},     {"euro", 0x20ac},
        {"gt", '>'},       {"hellip", 0x2026}, {"iacute", 0xed},   {"icirc", 0xee},
        {"iexcl", 0xa1},   {"igrave", 0xec},   {"iquest", 0xbf},   {"iuml", 0xef},
        {"laquo", 0xab},   {"ldquo", 0x201c},  {"lsquo", 0x2018},  {"lt", '<'},
        {"mdash", 0x2014}, {"middot", 0xb7},   {"nbsp", 0xa0},     {"ndash", 0x2013},
        {"ntilde", 0xf1},  {"oacute", 0xf3},   {"ocirc", 0xf4},    {"oelig", 0x153},
        {"ograve", 0xf2},  {"ouml", 0xf6},     {"quot", '"'},      {"raquo", 0xbb},
        {"rdquo", 0x201d}, {"reg", 0xae},      {"rsquo", 0x2019},  {"sbquo", 0x201a},
        {"shy", 0xad},     {"szlig", 0xdf},    {"thinsp", 0x2009}, {"times", 0xd7},
        {"trade", 0x2122}, {"uacute", 0xfa},   {"ucirc", 0xfb},    {"ugrave", 0xf9},
        {"uuml", 0xfc},
};

/* HTML spec: &#128;-&#159; are read as windows-1252 (0 = keep as is). */
static const uint16_t CP1252[32] = {
        0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
        0x2039, 0x0152, 0,      0x017d, 0,      0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
        0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
};

static const char *const RAW_TEXT[] = {
        "script", "style", "noscript", "textarea", "iframe", "xmp", "noembed", "noframes",
};
static const char *const CHROME[] = {
        "nav",    "header", "footer",   "aside",      "form",   "button",
        "select", "svg",    "template", "figcaption", "dialog", "menu",
};
static const char *const BLOCK[] = {
        "address", "article", "blockquote", "body",  "br",   "center", "dd", "details", "div",
        "dl",      "dt",      "figure",     "h1",    "h2",   "h3",     "h4", "h5",      "h6",
        "head",    "hr",      "html",       "li",    "main", "ol",     "p",  "pre",     "section",
        "summary", "table",   "tbody",      "thead", "tr",   "ul",
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

static const char *chrome_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(CHROME) / sizeof(CHROME[0]); i++)
		if (!strcmp(name, CHROME[i]))
			return CHROME[i];
	return NULL;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void put(struct html_conv *h, const char *s, size_t n)
{
	if (h->err)
		return;
	if (h->space && h->out->len && h->out->buf[h->out->len - 1] != '\n')
		h->err = strbuf_addch(h->out, ' ');
	h->space = false;
	if (!h->err)
		h->err = strbuf_add(h->out, s, n);
}

static void line_break(struct html_conv *h)
{
	h->space = false;
	if (!h->err && h->out->len && h->out->buf[h->out->len - 1] != '\n')
		h->err = strbuf_addch(h->out, '\n');
}

static int cmp_named(const void *key, const void *elem)
{
	return strcmp(key, ((const struct named_ref *)elem)->name);
}

/* Decode the reference at s[0] == '&' (n bytes available). Returns the bytes
 * consumed and sets *cp, or 0 when it is not a reference we know. */
static size_t decode_ref(const char *s, size_t n, int32_t *cp)
{
	char name[12];
	const struct named_ref *r;
	size_t i = 1, k = 0;
	int64_t v = 0;

	if (n > 1 && s[1] == '#') {
		bool hex = n > 2 && (s[2] == 'x' || s[2] == 'X');
		size_t digits = 0;

		for (i = hex ? 3 : 2; i < n && digits < 8; i++, digits++) {
			char c = s[i];

			if (c >= '0' && c <= '9')
				v = v * (hex ? 16 : 10) + (c - '0');
			else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				v = v * 16 + ((c | 0x20) - 'a' + 10);
			else
				break;
		}
		if (!digits)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		if (v >= 0x80 && v <= 0x9f && CP1252[v - 0x80])
			v = CP1252[v - 0x80];
		if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			v = 0xfffd;
		*cp = (int32_t)v;
		return i;
	}
	while (i < n && k < sizeof(name) - 1 && is_name_char(s[i]))
		name[k++] = s[i++];
	name[k] = '\0';
	if (!k || i >= n || s[i] != ';')
		return 0;
	r = bsearch(name, NAMED, sizeof(NAMED) / sizeof(NAMED[0]), sizeof(NAMED[0]), cmp_named);
	if (!r)
		return 0;
	*cp = r->cp;
	return i + 1;
}

/* Append s[0..n) to out with references decoded (for <title>). */
static int append_decoded(struct strbuf *out, const char *s, size_t n)
{
	size_t i = 0;
	int err = 0;

	while (i < n && !err) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t run = amp ? (size_t)(amp - (s + i)) : n - i, used;
		int32_t cp;
		char enc[4];

		err = strbuf_add(out, s + i, run);
		i += run;
		if (i >= n || err)
			break;
		used = decode_ref(s + i, n - i, &cp);
		if (used) {
			err = strbuf_add(out, enc, (size_t)text_utf8_put(cp, enc));
			i += used;
		} else {
			err = strbuf_addch(out, '&');
			i++;
		}
	}
	return err;
}

/* Position of the '<' of the end tag </name (case-insensitive) at or after
 * from, or len when absent. */
static size_t find_end_tag(const char *p, size_t len, size_t from, const char *name)
{
	size_t nl = strlen(name);

	while (from < len) {
		const char *lt = memchr(p + from, '<', len - from);
		size_t at;

		if (!lt)
			return len;
		at = (size_t)(lt - p);
		if (at + 2 + nl <= len && p[at + 1] == '/' && !strncasecmp(p + at + 2, name, nl) &&
		    (at + 2 + nl == len || !is_name_char(p[at + 2 + nl])))
			return at;
		from = at + 1;
	}
	return len;
}

/* Index just past the '>' closing the tag that starts at i; sets
 * *self_closing for "/>". A quote opens a quoted attribute value only right
 * after '=' (as in HTML5), so a stray apostrophe (<div class=it's>) cannot
 * swallow the rest of the page. */
static size_t skip_tag(const char *p, size_t len, size_t i, bool *self_closing)
{
	char quote = 0, prev = 0;

	*self_closing = false;
	for (; i < len; i++) {
		char c = p[i];

		if (quote) {
			if (c == quote)
				quote = 0;
		} else if ((c == '"' || c == '\'') && prev == '=') {
			quote = c;
		} else if (c == '>') {
			*self_closing = prev == '/';
			return i + 1;
		}
		if (!quote && c != ' ' && c != '\t' && c != '\n' && c != '\r')
			prev = c;
	}
	return len;
}

static void chrome_open(struct html_conv *h, const char *name)
{
	if (h->depth < SKIP_STACK)
		h->skip[h->depth] = name;
	h->depth++;
}

static void chrome_close(struct html_conv *h, const char *name)
{
	int i = h->depth < SKIP_STACK ? h->depth : SKIP_STACK;

	while (i-- > 0) {
		if (h->skip[i] == name) {
			h->depth = i;
			return;
		}
	}
}

/* The value of attribute name in tag text [from, to), quotes removed;
 * returns its length and sets *val, or 0 when absent. */
static size_t attr_value(const char *p, size_t from, size_t to, const char *name, const char **val)
{
	size_t n = strlen(name), i, start;
	char quote;

	for (i = from; i + n < to; i++) {
		if (strncasecmp(p + i, name, n) != 0 || (i > from && !strchr(" \t\n\r/", p[i - 1])))
			continue;
		start = i + n;
		while (start < to && (p[start] == ' ' || p[start] == '\t'))
			start++;
		if (start >= to || p[start] != '=')
			continue;
		start++;
		while (start < to && (p[start] == ' ' || p[start] == '\t'))
			start++;
		quote = start < to && (p[start] == '"' || p[start] == '\'') ? p[start++] : 0;
		for (i = start; i < to && (quote ? p[i] != quote : !strchr(" \t\n\r>", p[i])); i++)
			;
		*val = p + start;
		return i - start;
	}
	return 0;
}

/* The names under which pages state when an article was published. */
static const char *const PUBLISHED_KEYS[] = {
        "article:published_time",
        "og:published_time",
        "datepublished",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "pubdate",
        "publishdate",
        "sailthru.date",
        "parsely-pub-date",
};

static void meta_tag(struct html_conv *h, size_t from, size_t to)
{
	const char *key = NULL, *content = NULL;
	size_t klen, clen, i;

	if (h->published)
		return;
	klen = attr_value(h->p, from, to, "property", &key);
	if (!klen)
		klen = attr_value(h->p, from, to, "name", &key);
	if (!klen)
		klen = attr_value(h->p, from, to, "itemprop", &key);
	clen = attr_value(h->p, from, to, "content", &content);
	if (!klen || !clen || clen > 64)
		return;
	for (i = 0; i < sizeof(PUBLISHED_KEYS) / sizeof(PUBLISHED_KEYS[0]); i++) {
		if (strlen(PUBLISHED_KEYS[i]) == klen &&
		    !strncasecmp(key, PUBLISHED_KEYS[i], klen)) {
			h->published = strndup(content, clen);
			if (!h->published)
				h->err = -ENOMEM;
			return;
		}
	}
}

/* Handle the markup starting at '<' (h->p[i]); returns the next index. */
static size_t markup(struct html_conv *h, size_t i, char **title)
{
	const char *p = h->p;
	size_t len = h->len, j, k = 0;
	char name[16];
	const char *chrome;
	bool end, self_closing, long_name = false;

	if (i + 3 < len && !memcmp(p + i, "<!--", 4)) {
		const char *close = NULL;
		size_t from = i + 4;

		while (from + 2 < len) {
			const char *dash = memchr(p + from, '-', len - from);

			if (!dash)
				break;
			from = (size_t)(dash - p);
			if (from + 2 < len && dash[1] == '-' && dash[2] == '>') {
				close = dash;
				break;
			}
			from++;
		}
		return close ? (size_t)(close - p) + 3 : len;
	}
	if (i + 1 < len && (p[i + 1] == '!' || p[i + 1] == '?'))
		return skip_tag(p, len, i + 1, &self_closing);

	end = i + 1 < len && p[i + 1] == '/';
	j = i + 1 + end;
	if (j >= len || !((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'z')) {
		if (!h->depth)
			put(h, "<", 1); /* a lone '<' in text */
		return i + 1;
	}
	while (j < len && is_name_char(p[j])) {
		if (k < sizeof(name) - 1)
			name[k++] = (char)(p[j] | ((p[j] >= 'A' && p[j] <= 'Z') ? 0x20 : 0));
		else
			long_name = true;
		j++;
	}
	name[k] = '\0';
	k = j;
	j = skip_tag(p, len, j, &self_closing);
	if (long_name)
		return j;
	if (!end && !strcmp(name, "meta"))
		meta_tag(h, k, j);

	if (!end && in_list(name, RAW_TEXT, sizeof(RAW_TEXT) / sizeof(RAW_TEXT[0]))) {
		k = find_end_tag(p, len, j, name);
		return k < len ? skip_tag(p, len, k, &self_closing) : len;
	}
	if (!end && !strcmp(name, "title")) {
		k = find_end_tag(p, len, j, name);
		if (!*title && !h->depth && !h->err) {
			struct strbuf tb = STRBUF_INIT;

			strbuf_init(&tb);
			h->err = append_decoded(&tb, p + j, k - j);
			if (!h->err)
				*title = strbuf_detach(&tb, NULL);
			strbuf_release(&tb);
			if (!h->err && !*title)
				h->err = -ENOMEM;
		}
		return k < len ? skip_tag(p, len, k, &self_closing) : len;
	}
	chrome = chrome_name(name);
	if (chrome) {
		if (end)
			chrome_close(h, chrome);
		else if (!self_closing)
			chrome_open(h, chrome);
		line_break(h);
		return j;
	}
	if (end && (!strcmp(name, "body") || !strcmp(name, "html")))
		h->depth = 0;
	if (h->depth)
		return j;
	if (in_list(name, BLOCK, sizeof(BLOCK) / sizeof(BLOCK[0])))
		line_break(h);
	else if (!strcmp(name, "td") || !strcmp(name, "th"))
		h->space = true;
	return j;
}

int text_html_to_text(const char *html, size_t len, struct strbuf *out, char **title,
                      char **published)
{
	struct html_conv h = {.p = html, .len = len, .out = out};
	size_t i = 0;

	*title = NULL;
	*published = NULL;
	h.err = strbuf_grow(out, len);
	while (i < len && !h.err) {
		char c = html[i];

		if (c == '<') {
			i = markup(&h, i, title);
		} else if (h.depth) {
			const char *lt = memchr(html + i, '<', len - i);

			i = lt ? (size_t)(lt - html) : len;
		} else if (c == '&') {
			int32_t cp;
			size_t used = decode_ref(html + i, len - i, &cp);
			char enc[4];

			if (used) {
				put(&h, enc, (size_t)text_utf8_put(cp, enc));
				i += used;
			} else {
				put(&h, "&", 1);
				i++;
			}
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			h.space = true;
			i++;
		} else {
			size_t j = i + 1;

			while (j < len && html[j] != '<' && html[j] != '&' && html[j] != ' ' &&
			       html[j] != '\t' && html[j] != '\n' && html[j] != '\r' &&
			       html[j] != '\f')
				j++;
			put(&h, html + i, j - i);
			i = j;
		}
	}
	if (h.err) {
		free(*title);
		*title = NULL;
		free(h.published);
		h.published = NULL;
	}
	*published = h.published;
	return h.err;
}
