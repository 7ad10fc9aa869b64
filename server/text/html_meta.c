/* html_meta: what a page says about itself, gathered while html.c walks it.
 *
 * Sources, best first for each field (a lower rank wins; on a tie the first
 * value seen stays):
 *
 *   title      og:title, JSON-LD headline, itemprop=headline, twitter:title,
 *              dc.title, then the <title> element (html.c)
 *   canonical  <link rel=canonical> (html.c), og:url, twitter:url
 *   site name  og:site_name, JSON-LD publisher.name, JSON-LD WebSite name,
 *              application-name, dc.publisher
 *   author     JSON-LD author(s).name, <meta name=author>, article:author,
 *              dc.creator, parsely-author, sailthru.author, byl ("By ..."),
 *              then the text of an itemprop=author or rel=author element
 *              (html.c). URLs, e-mail addresses and @handles are not names;
 *              a lead-in ("By ", "View all posts by ", "Von "...) is cut;
 *              html.c drops an author equal to the site name.
 *   published  article:published_time, JSON-LD datePublished,
 *              itemprop=datePublished, og:published_time and the like,
 *              dc(terms) issued/date/created, then bare names (date,
 *              pubdate, publishdate, parsely-pub-date, sailthru.date...),
 *              then <time pubdate>, then the first <time datetime> inside
 *              an article or main element (html.c), and last a modification
 *              time (article:modified_time, og:updated_time, dateModified)
 *              for a page that states nothing better. Kept as written (at most 64
 *              bytes, with a digit): the caller validates.
 *   lang       <html lang> (html.c), content-language, og:locale,
 *              dc.language: the primary subtag, lower case
 *
 * JSON-LD: an object whose @type (a string or an array) is an article type
 * (*Article, BlogPosting, LiveBlogPosting, ReportageNews, Report), found at
 * the top, in an array, in @graph or under mainEntity, gives headline,
 * datePublished, author (a string, an object, an array of either, or an
 * @id reference resolved within the same script) and publisher.name. A
 * WebSite object gives a site name; a WebPage, a publication time of last
 * resort. Text before the value (a CDATA wrapper, a comment) and after it is
 * ignored; control characters are turned into spaces before parsing (raw new
 * lines inside strings are common).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "internal.h"

#define MAX_FIELD_BYTES 2048
#define MAX_PUBLISHED_BYTES 64
#define MAX_JSONLD_BYTES (1024 * 1024)
#define JSONLD_MAX_DEPTH 6

/* Ranks shared with html.c's own sources are spelled out there. */
enum {
	RANK_JSONLD_ARTICLE = 2,
	RANK_JSONLD_WEBSITE = 3,
	RANK_JSONLD_WEBPAGE = 9,
	RANK_MODIFIED = 10, /* a modification time, when nothing tells the publication */
};

struct meta_key {
	const char *key; /* lower case */
	enum text_html_field field;
	unsigned char rank;
};

static const struct meta_key KEYS[] = {
        {"og:title", TEXT_HTML_TITLE, 1},
        {"headline", TEXT_HTML_TITLE, 3},
        {"twitter:title", TEXT_HTML_TITLE, 4},
        {"dc.title", TEXT_HTML_TITLE, 5},
        {"og:url", TEXT_HTML_CANONICAL, 2},
        {"twitter:url", TEXT_HTML_CANONICAL, 3},
        {"og:site_name", TEXT_HTML_SITE, 1},
        {"application-name", TEXT_HTML_SITE, 5},
        {"dc.publisher", TEXT_HTML_SITE, 6},
        {"author", TEXT_HTML_AUTHOR, 2},
        {"article:author", TEXT_HTML_AUTHOR, 3},
        {"dc.creator", TEXT_HTML_AUTHOR, 4},
        {"dcterms.creator", TEXT_HTML_AUTHOR, 4},
        {"citation_author", TEXT_HTML_AUTHOR, 4},
        {"parsely-author", TEXT_HTML_AUTHOR, 5},
        {"sailthru.author", TEXT_HTML_AUTHOR, 5},
        {"byl", TEXT_HTML_AUTHOR, 6},
        {"article:published_time", TEXT_HTML_PUBLISHED, 1},
        {"datepublished", TEXT_HTML_PUBLISHED, 3},
        {"og:published_time", TEXT_HTML_PUBLISHED, 4},
        {"article:published", TEXT_HTML_PUBLISHED, 4},
        {"og:article:published_time", TEXT_HTML_PUBLISHED, 4},
        {"published_time", TEXT_HTML_PUBLISHED, 4},
        {"dc.date.issued", TEXT_HTML_PUBLISHED, 5},
        {"dcterms.issued", TEXT_HTML_PUBLISHED, 5},
        {"dcterms:issued", TEXT_HTML_PUBLISHED, 5},
        {"citation_publication_date", TEXT_HTML_PUBLISHED, 5},
        {"dc.date", TEXT_HTML_PUBLISHED, 6},
        {"dc:date", TEXT_HTML_PUBLISHED, 6},
        {"dcterms:date", TEXT_HTML_PUBLISHED, 6},
        {"dcterms:created", TEXT_HTML_PUBLISHED, 6},
        {"bepress_citation_date", TEXT_HTML_PUBLISHED, 6},
        {"dc.date.created", TEXT_HTML_PUBLISHED, 6},
        {"dcterms.date", TEXT_HTML_PUBLISHED, 6},
        {"dcterms.created", TEXT_HTML_PUBLISHED, 6},
        {"citation_date", TEXT_HTML_PUBLISHED, 6},
        {"date", TEXT_HTML_PUBLISHED, 7},
        {"pubdate", TEXT_HTML_PUBLISHED, 7},
        {"publishdate", TEXT_HTML_PUBLISHED, 7},
        {"publish-date", TEXT_HTML_PUBLISHED, 7},
        {"publish_date", TEXT_HTML_PUBLISHED, 7},
        {"publication_date", TEXT_HTML_PUBLISHED, 7},
        {"parsely-pub-date", TEXT_HTML_PUBLISHED, 7},
        {"sailthru.date", TEXT_HTML_PUBLISHED, 7},
        {"article.published", TEXT_HTML_PUBLISHED, 7},
        {"datecreated", TEXT_HTML_PUBLISHED, 8},
        {"uploaddate", TEXT_HTML_PUBLISHED, 8},
        {"article:modified_time", TEXT_HTML_PUBLISHED, RANK_MODIFIED},
        {"og:updated_time", TEXT_HTML_PUBLISHED, RANK_MODIFIED},
        {"datemodified", TEXT_HTML_PUBLISHED, RANK_MODIFIED},
        {"dateupdate", TEXT_HTML_PUBLISHED, RANK_MODIFIED},
        {"last-modified", TEXT_HTML_PUBLISHED, RANK_MODIFIED},
        {"content-language", TEXT_HTML_LANG, 2},
        {"og:locale", TEXT_HTML_LANG, 3},
        {"dc.language", TEXT_HTML_LANG, 3},
};

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim ASCII white space and NBSP (C2 A0) at both ends. */
static void trim(const char **s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t n = *len;

	for (;;) {
		if (n && is_blank(*p)) {
			p++;
			n--;
		} else if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0) {
			p += 2;
			n -= 2;
		} else {
			break;
		}
	}
	for (;;) {
		if (n && is_blank(p[n - 1]))
			n--;
		else if (n >= 2 && p[n - 2] == 0xc2 && p[n - 1] == 0xa0)
			n -= 2;
		else
			break;
	}
	*s = (const char *)p;
	*len = n;
}

static bool has_prefix_ci(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !strncasecmp(s, prefix, n);
}

static bool mem_has(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (!memcmp(s + i, needle, n))
			return true;
	return false;
}

static bool has_digit(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return true;
	return false;
}

/* A primary language subtag: 2 to 8 ASCII letters before '-', '_' or the
 * end. Writes it lower case into out (9 bytes); false when there is none. */
static bool primary_subtag(const char *s, size_t len, char *out)
{
	size_t n = 0;

	while (n < len && n < 9 && (s[n] | 0x20) >= 'a' && (s[n] | 0x20) <= 'z') {
		if (n < 8)
			out[n] = (char)(s[n] | 0x20);
		n++;
	}
	if (n < 2 || n > 8 || (n < len && s[n] != '-' && s[n] != '_'))
		return false;
	out[n] = '\0';
	return true;
}

/* Byline lead-ins, lower case, longest first where one starts another. */
static const char *const BYLINE_PREFIXES[] = {
        "view all posts by ",
        "all posts by ",
        "posts by ",
        "articles by ",
        "written by ",
        "zeige alle beiträge von ",
        "alle beiträge von ",
        "beiträge von ",
        "voir tous les articles de ",
        "by ",
        "von ",
        "par ",
        "por ",
        "door ",
};

/* "By Jane Doe", "View all posts by Jane Doe" -> "Jane Doe". */
static void strip_byline(const char **s, size_t *len)
{
	size_t i;

	for (i = 0; i < sizeof(BYLINE_PREFIXES) / sizeof(BYLINE_PREFIXES[0]); i++) {
		size_t n = strlen(BYLINE_PREFIXES[i]);

		if (*len > n && !strncasecmp(*s, BYLINE_PREFIXES[i], n)) {
			*s += n;
			*len -= n;
			trim(s, len);
			return;
		}
	}
}

static char **field_ptr(struct text_html_meta *m, enum text_html_field f)
{
	switch (f) {
	case TEXT_HTML_TITLE:
		return &m->title;
	case TEXT_HTML_HTML_TITLE:
		return &m->html_title;
	case TEXT_HTML_CANONICAL:
		return &m->canonical_url;
	case TEXT_HTML_SITE:
		return &m->site_name;
	case TEXT_HTML_AUTHOR:
		return &m->author;
	case TEXT_HTML_PUBLISHED:
		return &m->published;
	case TEXT_HTML_LANG:
	case TEXT_HTML_FIELDS:
		break;
	}
	return &m->lang;
}

/* Copy with white-space runs (ASCII and NBSP) collapsed to one space. */
static char *dup_collapsed(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t i = 0, o = 0;
	bool space = false;

	if (!out)
		return NULL;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (is_blank(c) || (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0xa0)) {
			space = true;
			i += c == 0xc2 ? 2 : 1;
			continue;
		}
		if (space && o)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)c;
		i++;
	}
	out[o] = '\0';
	return out;
}

int text_html_meta_set(struct text_html_acc *acc, enum text_html_field f, unsigned rank,
                       const char *s, size_t len)
{
	char lang[9], **slot, *v;

	if ((unsigned)f >= TEXT_HTML_FIELDS || (acc->rank[f] && acc->rank[f] <= rank))
		return 0;
	trim(&s, &len);
	if (!len || len > MAX_FIELD_BYTES)
		return 0;
	switch (f) {
	case TEXT_HTML_AUTHOR:
		if (*s == '@' || mem_has(s, len, "://") || mem_has(s, len, "@") ||
		    has_prefix_ci(s, len, "www."))
			return 0;
		strip_byline(&s, &len);
		if (!len)
			return 0;
		break;
	case TEXT_HTML_PUBLISHED:
		if (len > MAX_PUBLISHED_BYTES || !has_digit(s, len))
			return 0;
		break;
	case TEXT_HTML_LANG:
		if (!primary_subtag(s, len, lang))
			return 0;
		s = lang;
		len = strlen(lang);
		break;
	default:
		break;
	}
	if (f == TEXT_HTML_TITLE || f == TEXT_HTML_HTML_TITLE || f == TEXT_HTML_CANONICAL)
		v = strndup(s, len);
	else
		v = dup_collapsed(s, len);
	if (!v)
		return -ENOMEM;
	slot = field_ptr(acc->m, f);
	free(*slot);
	*slot = v;
	acc->rank[f] = (unsigned char)rank;
	return 0;
}

int text_html_meta_pair(struct text_html_acc *acc, const char *key, const char *content)
{
	size_t i;

	for (i = 0; i < sizeof(KEYS) / sizeof(KEYS[0]); i++)
		if (!strcasecmp(key, KEYS[i].key))
			return text_html_meta_set(acc, KEYS[i].field, KEYS[i].rank, content,
			                          strlen(content));
	return 0;
}

/* ---- JSON-LD ---- */

static bool type_is(const json_t *obj, bool (*pred)(const char *))
{
	const json_t *t = json_object_get(obj, "@type"), *v;
	size_t i;

	if (json_is_string(t))
		return pred(json_string_value(t));
	json_array_foreach (t, i, v) {
		if (json_is_string(v) && pred(json_string_value(v)))
			return true;
	}
	return false;
}

/* schema.org types of an article: Article and its *Article subtypes,
 * BlogPosting, LiveBlogPosting, ReportageNews, Report. A prefix such as
 * "schema:" or "http://schema.org/" is ignored. */
static bool is_article_type(const char *t)
{
	const char *slash = strrchr(t, '/'), *colon;
	size_t n;

	if (slash)
		t = slash + 1;
	colon = strrchr(t, ':');
	if (colon)
		t = colon + 1;
	n = strlen(t);
	return (n >= 7 && !strcmp(t + n - 7, "Article")) || !strcmp(t, "BlogPosting") ||
	       !strcmp(t, "LiveBlogPosting") || !strcmp(t, "ReportageNews") || !strcmp(t, "Report");
}

static bool is_website_type(const char *t)
{
	return !strcmp(t, "WebSite");
}

static bool is_webpage_type(const char *t)
{
	return !strcmp(t, "WebPage");
}

static const char *str_of(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The object of root (searched to a small depth) whose @id is id. */
static const json_t *find_id(const json_t *root, const char *id, int depth)
{
	const json_t *v, *hit;
	const char *k, *own;
	size_t i;

	if (depth > JSONLD_MAX_DEPTH)
		return NULL;
	if (json_is_array(root)) {
		json_array_foreach (root, i, v) {
			hit = find_id(v, id, depth + 1);
			if (hit)
				return hit;
		}
		return NULL;
	}
	if (!json_is_object(root))
		return NULL;
	own = str_of(root, "@id");
	if (own && !strcmp(own, id) && json_object_get(root, "name"))
		return root;
	json_object_foreach ((json_t *)root, k, v) {
		if (json_is_object(v) || json_is_array(v)) {
			hit = find_id(v, id, depth + 1);
			if (hit)
				return hit;
		}
	}
	return NULL;
}

/* name of a person or organisation: a string, or an object's name
 * (following an @id reference within root). */
static const char *name_of(const json_t *v, const json_t *root)
{
	const char *id;

	if (json_is_string(v))
		return json_string_value(v);
	if (!json_is_object(v))
		return NULL;
	if (str_of(v, "name"))
		return str_of(v, "name");
	id = str_of(v, "@id");
	if (id) {
		v = find_id(root, id, 0);
		if (v)
			return str_of(v, "name");
	}
	return NULL;
}

/* Authors joined with ", ". */
static int set_authors(struct text_html_acc *acc, const json_t *author, const json_t *root)
{
	struct strbuf sb = STRBUF_INIT;
	const json_t *v;
	const char *name;
	size_t i;
	int err = 0;

	if (!json_is_array(author)) {
		name = name_of(author, root);
		return name ? text_html_meta_set(acc, TEXT_HTML_AUTHOR, RANK_JSONLD_ARTICLE, name,
		                                 strlen(name))
		            : 0;
	}
	strbuf_init(&sb);
	json_array_foreach (author, i, v) {
		name = name_of(v, root);
		if (!name || !*name || strstr(name, "://"))
			continue;
		if (sb.len)
			err = strbuf_add(&sb, ", ", 2);
		if (!err)
			err = strbuf_addstr(&sb, name);
		if (err)
			break;
	}
	if (!err && sb.len)
		err = text_html_meta_set(acc, TEXT_HTML_AUTHOR, RANK_JSONLD_ARTICLE, sb.buf,
		                         sb.len);
	strbuf_release(&sb);
	return err;
}

static int set_str(struct text_html_acc *acc, enum text_html_field f, unsigned rank, const char *s)
{
	return s ? text_html_meta_set(acc, f, rank, s, strlen(s)) : 0;
}

static int walk(struct text_html_acc *acc, const json_t *v, const json_t *root, int depth)
{
	const json_t *e;
	size_t i;
	int err = 0;

	if (depth > JSONLD_MAX_DEPTH)
		return 0;
	if (json_is_array(v)) {
		json_array_foreach (v, i, e) {
			err = walk(acc, e, root, depth + 1);
			if (err)
				break;
		}
		return err;
	}
	if (!json_is_object(v))
		return 0;
	if (json_object_get(v, "@graph"))
		err = walk(acc, json_object_get(v, "@graph"), root, depth + 1);
	if (!err && type_is(v, is_article_type)) {
		const char *name;

		err = set_str(acc, TEXT_HTML_TITLE, RANK_JSONLD_ARTICLE, str_of(v, "headline"));
		if (!err)
			err = set_str(acc, TEXT_HTML_PUBLISHED, RANK_JSONLD_ARTICLE,
			              str_of(v, "datePublished"));
		if (!err)
			err = set_str(acc, TEXT_HTML_PUBLISHED, RANK_MODIFIED,
			              str_of(v, "dateModified"));
		if (!err && json_object_get(v, "author"))
			err = set_authors(acc, json_object_get(v, "author"), root);
		name = name_of(json_object_get(v, "publisher"), root);
		if (!err)
			err = set_str(acc, TEXT_HTML_SITE, RANK_JSONLD_ARTICLE, name);
	} else if (!err && type_is(v, is_website_type)) {
		err = set_str(acc, TEXT_HTML_SITE, RANK_JSONLD_WEBSITE, str_of(v, "name"));
	} else if (!err && type_is(v, is_webpage_type)) {
		err = set_str(acc, TEXT_HTML_PUBLISHED, RANK_JSONLD_WEBPAGE,
		              str_of(v, "datePublished"));
	}
	if (!err && json_is_object(json_object_get(v, "mainEntity")))
		err = walk(acc, json_object_get(v, "mainEntity"), root, depth + 1);
	return err;
}

/* Does a JSON object or array open at s? ("[CDATA[" or "{{" do not.) */
static bool json_opens(const char *s, size_t len)
{
	size_t i = 1;

	if (*s != '{' && *s != '[')
		return false;
	while (i < len && is_blank((unsigned char)s[i]))
		i++;
	if (i == len)
		return false;
	if (*s == '{')
		return s[i] == '"' || s[i] == '}';
	return s[i] == '{' || s[i] == '[' || s[i] == '"' || s[i] == ']';
}

int text_html_meta_jsonld(struct text_html_acc *acc, const char *json, size_t len)
{
	json_error_t jerr;
	json_t *root;
	char *copy;
	size_t start = 0, i;
	int err;

	while (start < len && !json_opens(json + start, len - start))
		start++;
	if (start == len || len - start > MAX_JSONLD_BYTES)
		return 0;
	len -= start;
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)json[start + i];

		copy[i] = c < 0x20 ? ' ' : (char)c;
	}
	root = json_loadb(copy, len, JSON_DISABLE_EOF_CHECK, &jerr);
	free(copy);
	if (!root)
		return 0; /* not JSON (or no memory: nothing to tell them apart) */
	err = walk(acc, root, root, 0);
	json_decref(root);
	return err;
}
