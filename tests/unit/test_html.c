/* html: paragraphs, link density, block tags, chrome and metadata from small
 * inline pages; malformed and truncated input; threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../server/text/internal.h"

#define THREADS 4
#define ROUNDS 40

struct page {
	struct text_paras ps;
	struct text_html_meta meta;
};

static void parse(const char *html, struct page *pg)
{
	pg->ps = TEXT_PARAS_INIT;
	assert_int_equal(text_html_parse(html, strlen(html), &pg->ps, &pg->meta), 0);
}

static void release(struct page *pg)
{
	text_paras_release(&pg->ps);
	text_html_meta_release(&pg->meta);
}

static const char *para(const struct page *pg, size_t i)
{
	assert_true(i < pg->ps.n);
	return pg->ps.buf + pg->ps.v[i].off;
}

/* Index of the paragraph equal to s, or -1. */
static long find(const struct page *pg, const char *s)
{
	size_t i;

	for (i = 0; i < pg->ps.n; i++)
		if (!strcmp(pg->ps.buf + pg->ps.v[i].off, s))
			return (long)i;
	return -1;
}

/* Does any paragraph contain s? */
static bool contains(const struct page *pg, const char *s)
{
	size_t i;

	for (i = 0; i < pg->ps.n; i++)
		if (strstr(pg->ps.buf + pg->ps.v[i].off, s))
			return true;
	return false;
}

/* Every paragraph is non-empty, NUL-terminated at len, trimmed, collapsed,
 * valid UTF-8, with consistent counts. */
static void check_invariants(const struct text_paras *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		const struct text_para *p = &ps->v[i];
		const char *s = ps->buf + p->off;

		assert_true(p->len > 0);
		assert_int_equal(strlen(s), p->len);
		assert_true(s[0] != ' ' && s[p->len - 1] != ' ');
		assert_null(strstr(s, "  "));
		assert_null(strchr(s, '\n'));
		assert_true(p->link_chars <= p->len);
		assert_true(p->words >= 1 && p->words <= p->len);
		assert_true(p->tag <= TEXT_TAG_CELL);
		assert_true(text_utf8_valid(s, p->len));
	}
}

/* ---- text ---- */

static void test_blocks_and_tags(void **state)
{
	struct page pg;
	static const struct {
		const char *text;
		unsigned char tag;
		unsigned words;
	} want[] = {
	        {"Head line", TEXT_TAG_H, 2},
	        {"First para with spaces.", TEXT_TAG_P, 4},
	        {"Direct text", TEXT_TAG_P, 2},
	        {"inner", TEXT_TAG_P, 1},
	        {"tail", TEXT_TAG_P, 1},
	        {"one", TEXT_TAG_LI, 1},
	        {"two bold", TEXT_TAG_LI, 2},
	        {"para in item", TEXT_TAG_LI, 3},
	        {"quoted text", TEXT_TAG_QUOTE, 2},
	        {"line one", TEXT_TAG_PRE, 2},
	        {"line two", TEXT_TAG_PRE, 2},
	        {"Head cell", TEXT_TAG_CELL, 2},
	        {"cell a", TEXT_TAG_CELL, 2},
	        {"before", TEXT_TAG_P, 1},
	        {"after", TEXT_TAG_P, 1},
	        {"term", TEXT_TAG_LI, 1},
	        {"definition", TEXT_TAG_LI, 1},
	        {"inline elements join up", TEXT_TAG_P, 4},
	};
	size_t i;

	parse("<html><head><title>T</title></head><body>\n"
	      "<h1>Head <span>line</span></h1>\n"
	      "<p>First   para\n with\t spaces.</p>\n"
	      "<div>Direct text<p>inner</p>tail</div>\n"
	      "<ul><li>one</li><li>two <b>bold</b></li><li><p>para in item</p></li></ul>\n"
	      "<blockquote><p>quoted text</p></blockquote>\n"
	      "<pre>line one\n\n  line two\n</pre>\n"
	      "<table><tr><th>Head cell</th><td>cell a</td></tr><tr><td> </td></tr></table>\n"
	      "<p>before<br>after</p><p> </p><div>\n</div>\n"
	      "<dl><dt>term</dt><dd>definition</dd></dl>\n"
	      "<p>in<i>line</i> <b>elements</b> <em>join</em><span> up</span></p>\n"
	      "</body></html>",
	      &pg);
	check_invariants(&pg.ps);
	assert_int_equal(pg.ps.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < pg.ps.n; i++) {
		assert_string_equal(para(&pg, i), want[i].text);
		assert_int_equal(pg.ps.v[i].tag, want[i].tag);
		assert_int_equal(pg.ps.v[i].words, want[i].words);
		assert_int_equal(pg.ps.v[i].link_chars, 0);
	}
	release(&pg);
}

static void test_entities_and_spaces(void **state)
{
	struct page pg;

	parse("<p>A&amp;B &eacute;t&eacute; d&#8217;un &#x27;x&#x27; &#150; "
	      "&nbsp;z&nbsp;&nbsp;w &lt;tag&gt; &foo; &copy; so&shy;ft zero&#8203;width "
	      "icon&#xe001; &#128512; &hellip;</p>",
	      &pg);
	assert_int_equal(pg.ps.n, 1);
	assert_string_equal(para(&pg, 0), "A&B été d’un 'x' – z w <tag> &foo; © soft zerowidth "
	                                  "icon 😀 …");
	check_invariants(&pg.ps);
	release(&pg);
}

/* link_chars: the bytes written inside <a href>, spaces included where the
 * run started inside the link. */
static void test_link_chars(void **state)
{
	struct page pg;

	parse("<p>Read <a href=\"/x\">the full story</a> here, or <a "
	      "href='/y'>th<b>ere</b></a>.</p>"
	      "<p>x<a href=#> spaced link </a>y</p>"
	      "<p><a href=/a>été</a> and <a name=anchor>no href</a></p>"
	      "<ul><li><a href=/1>Menu one</a></li><li><a href=/2>Two</a> extra</li></ul>"
	      "<a href=/card><div><h3>Card title</h3><p>Card text</p></div></a>",
	      &pg);
	check_invariants(&pg.ps);
	assert_string_equal(para(&pg, 0), "Read the full story here, or there.");
	assert_int_equal(pg.ps.v[0].link_chars, strlen("the full story") + strlen("there"));
	assert_string_equal(para(&pg, 1), "x spaced link y");
	assert_int_equal(pg.ps.v[1].link_chars, strlen(" spaced link "));
	assert_string_equal(para(&pg, 2), "été and no href");
	assert_int_equal(pg.ps.v[2].link_chars, strlen("été"));
	assert_string_equal(para(&pg, 3), "Menu one");
	assert_int_equal(pg.ps.v[3].link_chars, pg.ps.v[3].len);
	assert_string_equal(para(&pg, 4), "Two extra");
	assert_int_equal(pg.ps.v[4].link_chars, 3);
	assert_string_equal(para(&pg, 5), "Card title");
	assert_int_equal(pg.ps.v[5].link_chars, pg.ps.v[5].len);
	assert_int_equal(pg.ps.v[6].link_chars, pg.ps.v[6].len);
	release(&pg);
}

/* ---- chrome ---- */

static const char BODY_TEXT[] =
        "<p>The council approved the new budget on Tuesday after a debate that lasted "
        "well into the night, with both sides claiming victory in the end.</p>"
        "<p>Officials said the plan would fund road repairs, two schools and a library, "
        "and that taxes would not rise before the next election.</p>";

static void test_chrome_elements(void **state)
{
	static const char *const gone[] = {
	        "Site Logo",   "Home",        "Sidebar box",  "Footer note", "Search here",
	        "noscript",    "hidden attr", "display none", "nav role",    "complementary",
	        "the caption", "script text", "style text",   "template",    "svg text",
	        "button text", "option text", "iframe text",  "ruby",        "dialog text",
	        "textarea",    "object text",
	};
	char html[4096];
	struct page pg;
	size_t i;

	snprintf(html, sizeof(html),
	         "<body><header><p>Site Logo</p><nav><ul><li><a href=/>Home</a></li></ul></nav>"
	         "</header>"
	         "<aside><p>Sidebar box</p></aside>"
	         "<form><input name=q><label>Search here</label><button>button text</button>"
	         "<select><option>option text</option></select><textarea>textarea</textarea>"
	         "</form>"
	         "<noscript><p>noscript</p></noscript>"
	         "<div hidden><p>hidden attr</p></div>"
	         "<div style=\"color:red; display : none\"><p>display none</p></div>"
	         "<div role=navigation><p>nav role</p></div>"
	         "<div role=\"complementary\"><p>complementary</p></div>"
	         "<figure><img src=x.jpg><figcaption>the caption</figcaption></figure>"
	         "<script>var s = '<p>script text</p>';</script><style>p{content:'style text'}"
	         "</style><template><p>template</p></template><svg><text>svg text</text></svg>"
	         "<iframe>iframe text</iframe><object>object text</object>"
	         "<dialog><p>dialog text</p></dialog>"
	         "%s<p><ruby>漢<rp>(</rp><rt>ruby</rt>字</ruby> kanji</p>"
	         "<footer><p>Footer note</p></footer></body>",
	         BODY_TEXT);
	parse(html, &pg);
	check_invariants(&pg.ps);
	for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		if (contains(&pg, gone[i]))
			fail_msg("chrome \"%s\" kept", gone[i]);
	assert_true(contains(&pg, "The council approved"));
	assert_true(contains(&pg, "next election."));
	assert_int_not_equal(find(&pg, "漢字 kanji"), -1);
	release(&pg);
}

static void test_chrome_classes(void **state)
{
	static const char *const gone[] = {
	        "We use cookies",  "Accept all",    "Comment one",    "Share on",
	        "Sign up now",     "Related story", "You are here",   "Anzeige",
	        "Recent comment",  "Header image",  "Sponsored link", "Popular tags",
	        "Read the thread",
	};
	static const char *const kept[] = {
	        "Shadowed box", "Lead paragraph", "Layout switch",
	        "inline share", "Commentary",     "The council",
	};
	char html[4096];
	struct page pg;
	size_t i;

	snprintf(html, sizeof(html),
	         "<body><div class=\"cookie-banner\"><p>We use cookies to measure the audience."
	         "</p><button>OK</button><a href=/ok>Accept all</a></div>"
	         "<div class=shadow><p>Shadowed box</p></div>"
	         "<div class=\"article-lead\"><p>Lead paragraph</p></div>"
	         "<div class=\"page has-sidebar no-ads\"><p>Layout switch</p></div>"
	         "<div class=commentary><p>Commentary</p></div>"
	         "%s<p>An <span class=share>inline share</span> stays.</p>"
	         "<div class=\"headerImage\"><p>Header image</p></div>"
	         "<ul class=\"socialShare\"><li><a href=/fb>Share on Facebook</a></li></ul>"
	         "<div class=\"newsletter-box\"><p>Sign up now</p></div>"
	         "<section class=related_posts><h2>Related story</h2></section>"
	         "<ol class=breadcrumb><li>You are here</li></ol>"
	         "<div class=\"ad ad-slot\">Anzeige</div>"
	         "<ul id=recentcomments><li>Recent comment</li></ul>"
	         "<div class=tags><a href=/t>Popular tags</a></div>"
	         "<div class=\"sponsored\"><a href=/s>Sponsored link</a></div>"
	         "<div id=comments><article class=comment><p>Comment one: this is exactly what I "
	         "thought when I read the piece, and I say so at some length here.</p></article>"
	         "<p>Read the thread</p></div></body>",
	         BODY_TEXT);
	parse(html, &pg);
	check_invariants(&pg.ps);
	for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		if (contains(&pg, gone[i]))
			fail_msg("chrome \"%s\" kept", gone[i]);
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (!contains(&pg, kept[i]))
			fail_msg("\"%s\" dropped", kept[i]);
	release(&pg);
}

/* Chrome inside chrome, and chrome that turns out to wrap the article. */
static void test_nested_and_wrapper_chrome(void **state)
{
	struct page pg;
	char html[4096];

	snprintf(html, sizeof(html),
	         "<body><div class=sidebar><div class=box><h3>Box title</h3>"
	         "<div class=promo><p>Promo words</p></div></div></div>"
	         "<div class=\"content-sidebar-wrap\"><h1>Title of the piece</h1>%s"
	         "<div class=share-tools><a href=/x>Tweet</a></div></div></body>",
	         BODY_TEXT);
	parse(html, &pg);
	assert_false(contains(&pg, "Box title"));
	assert_false(contains(&pg, "Promo words"));
	assert_false(contains(&pg, "Tweet"));
	assert_true(contains(&pg, "Title of the piece")); /* the wrapper holds most text */
	assert_true(contains(&pg, "The council approved"));
	release(&pg);

	/* a weak word (ads, share) on a block of prose: content after all */
	parse("<body><p>Intro line.</p><section class=\"Report__Section--Ads\"><p>The test "
	      "machine ran for six weeks in a row without a single failure, which is more "
	      "than any of the other models in this price class managed during our long "
	      "test period.</p></section><div class=ad><p>Buy now</p></div></body>",
	      &pg);
	assert_true(contains(&pg, "The test machine ran"));
	assert_false(contains(&pg, "Buy now"));
	release(&pg);
}

/* libxml2 cannot close a <header> over an open <div> ("</header>" is
 * ignored) and the header swallows the page: a chrome element that holds
 * most of the text is kept, the chrome inside it still goes. */
static void test_unclosed_chrome(void **state)
{
	struct page pg;
	char html[4096];

	snprintf(html, sizeof(html),
	         "<body><header><div class=top><nav><a href=/>Home</a></nav></header>"
	         "<h1>Headline</h1>%s</body>",
	         BODY_TEXT);
	parse(html, &pg);
	assert_true(contains(&pg, "The council approved"));
	assert_true(contains(&pg, "Headline"));
	assert_false(contains(&pg, "Home"));
	release(&pg);
}

/* ---- main content ---- */

static void test_article_scope(void **state)
{
	struct page pg;
	char html[4096];

	/* the article's own header holds the headline: kept; the page header
	 * and what lies outside the article go */
	snprintf(html, sizeof(html),
	         "<body><header><p>Site name</p></header>"
	         "<div class=box><p>Weather: sunny, 24 degrees in the city centre today, "
	         "with light winds from the west.</p></div>"
	         "<article><header><h1>The headline</h1><p>By Jane Doe</p></header>%s"
	         "<footer><p>Tags: budget</p></footer></article>"
	         "<p>Outside text after the article.</p></body>",
	         BODY_TEXT);
	parse(html, &pg);
	check_invariants(&pg.ps);
	assert_int_equal(pg.ps.n, 4);
	assert_string_equal(para(&pg, 0), "The headline");
	assert_int_equal(pg.ps.v[0].tag, TEXT_TAG_H);
	assert_string_equal(para(&pg, 1), "By Jane Doe");
	assert_true(contains(&pg, "next election."));
	assert_false(contains(&pg, "Weather"));
	assert_false(contains(&pg, "Outside text"));
	release(&pg);

	/* itemprop=articleBody and <main> work the same way */
	snprintf(html, sizeof(html),
	         "<body><p>Outside one.</p><div itemprop=articleBody>%s</div><p>Outside two.</p>"
	         "</body>",
	         BODY_TEXT);
	parse(html, &pg);
	assert_int_equal(pg.ps.n, 2);
	release(&pg);
	snprintf(html, sizeof(html), "<body><p>Outside one.</p><main>%s</main></body>", BODY_TEXT);
	parse(html, &pg);
	assert_int_equal(pg.ps.n, 2);
	release(&pg);

	/* no article: the whole body */
	snprintf(html, sizeof(html), "<body><p>Before.</p><div>%s</div><p>After.</p></body>",
	         BODY_TEXT);
	parse(html, &pg);
	assert_int_equal(pg.ps.n, 4);
	release(&pg);

	/* an article too small to be the text (a teaser) is no scope */
	snprintf(html, sizeof(html),
	         "<body><div>%s</div><article><h3>Teaser</h3><p>Short.</p></article></body>",
	         BODY_TEXT);
	parse(html, &pg);
	assert_int_equal(pg.ps.n, 4);
	release(&pg);

	/* several articles of a size (a list page): the whole body */
	snprintf(html, sizeof(html),
	         "<body><p>List page</p><article>%s</article><article>%s</article></body>",
	         BODY_TEXT, BODY_TEXT);
	parse(html, &pg);
	assert_int_equal(pg.ps.n, 5);
	release(&pg);

	/* an article in parts (sibling articles): all parts */
	snprintf(html, sizeof(html),
	         "<body><p>Menu</p><div><article><h1>Recipe</h1></article><article>%s</article>"
	         "<article><p>Notes.</p></article></div><p>After.</p></body>",
	         BODY_TEXT);
	parse(html, &pg);
	assert_int_equal(pg.ps.n, 4);
	assert_string_equal(para(&pg, 0), "Recipe");
	assert_string_equal(para(&pg, 3), "Notes.");
	release(&pg);
}

/* ---- malformed input ---- */

static void test_malformed(void **state)
{
	struct page pg;

	parse("<p>one<p>two<div>three", &pg);
	assert_int_equal(pg.ps.n, 3);
	assert_string_equal(para(&pg, 2), "three");
	release(&pg);

	parse("</div></span>Just text <b>bold</p> more</i></div>", &pg);
	assert_true(contains(&pg, "Just text bold"));
	assert_true(contains(&pg, "more"));
	release(&pg);

	parse("<div class=x id='y'z=w><a href='x>y'>link</a> after <<<>>> &&& <p>p", &pg);
	check_invariants(&pg.ps);
	assert_true(contains(&pg, "link after"));
	release(&pg);

	parse("<p>before <!-- never closed <p>hidden", &pg);
	check_invariants(&pg.ps);
	assert_true(contains(&pg, "before"));
	release(&pg);

	parse("<table><td>cell<tr><td>next</table><li>loose item", &pg);
	check_invariants(&pg.ps);
	assert_int_not_equal(find(&pg, "cell"), -1);
	assert_int_not_equal(find(&pg, "loose item"), -1);
	release(&pg);

	parse("<title>Only a title</title>", &pg);
	assert_int_equal(pg.ps.n, 0);
	assert_string_equal(pg.meta.html_title, "Only a title");
	release(&pg);

	parse("plain text, no tags", &pg);
	assert_int_equal(pg.ps.n, 1);
	release(&pg);

	parse("   \n\t ", &pg);
	assert_int_equal(pg.ps.n, 0);
	release(&pg);

	pg.ps = TEXT_PARAS_INIT;
	assert_int_equal(text_html_parse("", 0, &pg.ps, &pg.meta), 0);
	assert_int_equal(pg.ps.n, 0);
	assert_null(pg.meta.title);
	release(&pg);
}

/* Deep nesting (unclosed inline tags) does not overflow anything. */
static void test_deep_nesting(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct page pg;
	int i;

	strbuf_init(&sb);
	for (i = 0; i < 20000; i++)
		assert_int_equal(strbuf_addstr(&sb, i % 2 ? "<font>" : "<div>x "), 0);
	assert_int_equal(strbuf_addstr(&sb, "end"), 0);
	pg.ps = TEXT_PARAS_INIT;
	assert_int_equal(text_html_parse(sb.buf, sb.len, &pg.ps, &pg.meta), 0);
	check_invariants(&pg.ps);
	release(&pg);
	strbuf_release(&sb);
}

/* A page with a bit of everything, for the truncation and thread tests. */
static const char *const BIG_PAGE =
        "<!DOCTYPE html><html lang=\"de-DE\"><head><meta charset=utf-8>"
        "<title>Ein Titel &amp; mehr | Die Zeitung</title>"
        "<meta property=\"og:title\" content=\"Ein Titel &amp; mehr\">"
        "<meta property=og:site_name content=\"Die Zeitung\">"
        "<link rel=canonical href=\"https://example.org/a/1\">"
        "<script type=\"application/ld+json\">{\"@graph\":[{\"@type\":\"NewsArticle\","
        "\"headline\":\"Ein Titel\",\"datePublished\":\"2024-05-06T07:08:09+02:00\","
        "\"author\":[{\"@type\":\"Person\",\"name\":\"Anna Müller\"},\"Bernd Süß\"]}]}</script>"
        "<style>.a{color:red}</style><script>var x='<p>nope</p>';</script></head>"
        "<body><header><nav><ul><li><a href=/>Start</a></li><li><a href=/p>Politik</a></li>"
        "</ul></nav></header><div class=\"cookie-consent\">Wir verwenden Cookies.</div>"
        "<main><article><header><h1>Ein Titel &amp; mehr</h1><p class=byline>Von Anna "
        "Müller</p><time datetime=\"2024-05-06\">6. Mai</time></header>"
        "<p>Der Gemeinderat hat am Dienstag den Haushalt beschlossen. Die Debatte dauerte "
        "bis in die Nacht, beide Seiten sahen sich am Ende als Sieger.</p>"
        "<figure><img src=a.jpg alt=\"\"><figcaption>Ein Bild (Foto: dpa)</figcaption>"
        "</figure><h2>Straßen und Schulen</h2><p>Das Geld fließt in Straßen, zwei Schulen "
        "und eine Bibliothek; die Steuern steigen vor der Wahl nicht, sagte die "
        "Bürgermeisterin.</p><blockquote><p>„Ein guter Tag für die Stadt“</p></blockquote>"
        "<ul><li>Straßen: 2 Mio. €</li><li>Schulen: 5 Mio. €</li></ul>"
        "<table><tr><th>Posten</th><td>Betrag</td></tr></table>"
        "<p>Mehr dazu <a href=\"/b\">im Dossier</a>.<br>Zweite Zeile.</p>"
        "<div class=share><a href=/fb>Teilen</a></div></article>"
        "<aside><h3>Meistgelesen</h3><ol><li><a href=/c>Anderes</a></li></ol></aside></main>"
        "<footer><p>© 2024 Die Zeitung</p></footer></body></html>";

static void test_big_page(void **state)
{
	struct page pg;

	parse(BIG_PAGE, &pg);
	check_invariants(&pg.ps);
	assert_string_equal(para(&pg, 0), "Ein Titel & mehr");
	assert_true(contains(&pg, "Der Gemeinderat hat am Dienstag"));
	assert_true(contains(&pg, "„Ein guter Tag für die Stadt“"));
	assert_int_not_equal(find(&pg, "Zweite Zeile."), -1);
	assert_false(contains(&pg, "Politik"));
	assert_false(contains(&pg, "Cookies"));
	assert_false(contains(&pg, "Foto: dpa"));
	assert_false(contains(&pg, "Teilen"));
	assert_false(contains(&pg, "Meistgelesen"));
	assert_false(contains(&pg, "©"));
	assert_false(contains(&pg, "nope"));
	assert_string_equal(pg.meta.title, "Ein Titel & mehr");
	assert_string_equal(pg.meta.html_title, "Ein Titel & mehr | Die Zeitung");
	assert_string_equal(pg.meta.site_name, "Die Zeitung");
	assert_string_equal(pg.meta.canonical_url, "https://example.org/a/1");
	assert_string_equal(pg.meta.author, "Anna Müller, Bernd Süß");
	assert_string_equal(pg.meta.published, "2024-05-06T07:08:09+02:00");
	assert_string_equal(pg.meta.lang, "de");
	release(&pg);
}

/* Every prefix of a page parses without error or leak, and gives valid
 * paragraphs; even one cut inside a character (not valid UTF-8: out of
 * contract, but it must stay safe). */
static void test_truncations(void **state)
{
	size_t len = strlen(BIG_PAGE), i;

	for (i = 0; i <= len; i++) {
		struct text_paras ps = TEXT_PARAS_INIT;
		struct text_html_meta meta;

		assert_int_equal(text_html_parse(BIG_PAGE, i, &ps, &meta), 0);
		check_invariants(&ps); /* a cut character too: libxml2 reads it as latin-1 */
		text_paras_release(&ps);
		text_html_meta_release(&meta);
	}
}

/* Random mutations (markup characters inserted, spans deleted or doubled):
 * no crash, no leak, sane paragraphs. */
static void test_mutations(void **state)
{
	static const char inserts[] = "<>/\"'=&;! \n";
	size_t len = strlen(BIG_PAGE);
	char *buf = malloc(len * 3 + 16);
	unsigned seed = 12345;
	int round;

	assert_non_null(buf);
	for (round = 0; round < 1500; round++) {
		struct text_paras ps = TEXT_PARAS_INIT;
		struct text_html_meta meta;
		size_t n = len, k, at, span;

		memcpy(buf, BIG_PAGE, len);
		for (k = 0; k < 4 && n; k++) {
			seed = seed * 1103515245u + 12345u;
			at = (seed >> 8) % n;
			span = (seed >> 20) % 40;
			switch ((seed >> 4) % 3) {
			case 0: /* insert a markup character */
				memmove(buf + at + 1, buf + at, n - at);
				buf[at] = inserts[(seed >> 12) % (sizeof(inserts) - 1)];
				n++;
				break;
			case 1: /* delete a span */
				span = span < n - at ? span : n - at;
				memmove(buf + at, buf + at + span, n - at - span);
				n -= span;
				break;
			default: /* double a span */
				span = span < n - at ? span : n - at;
				memmove(buf + at + span, buf + at, n - at);
				n += span;
				break;
			}
		}
		assert_int_equal(text_html_parse(buf, n, &ps, &meta), 0);
		check_invariants(&ps);
		text_paras_release(&ps);
		text_html_meta_release(&meta);
	}
	free(buf);
}

/* ---- metadata ---- */

static void test_meta_tags(void **state)
{
	struct page pg;

	parse("<html lang=\"fr-FR\"><head><title>\n  Le titre | Le Site \n</title>"
	      "<META PROPERTY=\"og:title\" CONTENT=\"Le titre\">"
	      "<meta property=og:site_name content='Le Site'>"
	      "<meta property=og:url content=\"https://ex.fr/og\">"
	      "<link rel=\"alternate canonical\" href=\"https://ex.fr/canon\">"
	      "<meta property=article:author content=\"https://facebook.com/someone\">"
	      "<meta name=author content=\"  Jeanne   Martin \">"
	      "<meta name=date content=\"2020-05-06\">"
	      "<meta property=article:published_time content=\"2020-05-06T10:00:00Z\">"
	      "</head><body><svg><title>icon</title></svg><p>Texte.</p></body></html>",
	      &pg);
	assert_string_equal(pg.meta.title, "Le titre");
	assert_string_equal(pg.meta.html_title, "Le titre | Le Site");
	assert_string_equal(pg.meta.site_name, "Le Site");
	assert_string_equal(pg.meta.canonical_url, "https://ex.fr/canon");
	assert_string_equal(pg.meta.author, "Jeanne Martin");
	assert_string_equal(pg.meta.published, "2020-05-06T10:00:00Z");
	assert_string_equal(pg.meta.lang, "fr");
	release(&pg);

	/* fallbacks: og:url, <title>, itemprop on any element, <time>,
	 * rel=author text, content-language */
	parse("<head><meta http-equiv=Content-Language content=es>"
	      "<meta property=og:url content=\"https://ex.es/og\">"
	      "<title>Solo título</title></head><body>"
	      "<span itemprop=headline content=\"Titular\"></span>"
	      "<time itemprop=datePublished datetime=\"2019-01-02T03:04:05Z\">2 ene</time>"
	      "<a rel=author href=/u/x>Por María López</a><p>Texto.</p></body>",
	      &pg);
	assert_string_equal(pg.meta.title, "Titular");
	assert_string_equal(pg.meta.html_title, "Solo título");
	assert_string_equal(pg.meta.canonical_url, "https://ex.es/og");
	assert_string_equal(pg.meta.published, "2019-01-02T03:04:05Z");
	assert_string_equal(pg.meta.author, "María López");
	assert_string_equal(pg.meta.lang, "es");
	release(&pg);

	/* nothing usable: an @handle, a bare description, a malformed lang */
	parse("<html lang=\"x\"><head><meta name=twitter:creator content=\"@someone\">"
	      "<meta name=author content=\"@someone\"><meta name=description content=\"2020\">"
	      "</head><body><p>Text.</p></body></html>",
	      &pg);
	assert_null(pg.meta.title);
	assert_null(pg.meta.html_title);
	assert_null(pg.meta.author);
	assert_null(pg.meta.published);
	assert_null(pg.meta.lang);
	assert_null(pg.meta.site_name);
	assert_null(pg.meta.canonical_url);
	release(&pg);

	/* the publisher named as author is no author; a modification time is
	 * the last resort for the publication time */
	parse("<meta property=og:site_name content=\"Daily\"><meta name=author content=daily>"
	      "<meta property=article:modified_time content=\"2021-02-03\"><p>x</p>",
	      &pg);
	assert_null(pg.meta.author);
	assert_string_equal(pg.meta.published, "2021-02-03");
	release(&pg);
}

static void test_jsonld(void **state)
{
	struct page pg;

	/* @graph, @id references, publisher over WebSite, raw new lines in a
	 * string, a CDATA wrapper */
	parse("<script type=\"application/ld+json\">/*<![CDATA[*/{\"@context\":"
	      "\"https://schema.org\",\"@graph\":[{\"@type\":\"WebSite\",\"name\":\"The Site\"},"
	      "{\"@type\":\"Person\",\"@id\":\"#p1\",\"name\":\"Ann Author\"},"
	      "{\"@type\":[\"NewsArticle\"],\"headline\":\"JSON\nheadline\","
	      "\"datePublished\":\"2021-03-04T05:06:07Z\",\"author\":{\"@id\":\"#p1\"},"
	      "\"publisher\":{\"@type\":\"Organization\",\"name\":\"Pub Org\"}}]}/*]]>*/"
	      "</script><title>Page title</title><p>Body.</p>",
	      &pg);
	assert_string_equal(pg.meta.title, "JSON headline");
	assert_string_equal(pg.meta.published, "2021-03-04T05:06:07Z");
	assert_string_equal(pg.meta.author, "Ann Author");
	assert_string_equal(pg.meta.site_name, "Pub Org");
	assert_string_equal(pg.meta.html_title, "Page title");
	release(&pg);

	/* a top-level array, schema: prefixes, mainEntity; bad JSON ignored;
	 * og:title and article:published_time win */
	parse("<script type=application/ld+json>{not json</script>"
	      "<script type='application/ld+json'>[{\"@type\":\"WebPage\",\"mainEntity\":"
	      "{\"@type\":\"schema:BlogPosting\",\"headline\":\"Blog head\","
	      "\"datePublished\":\"2018-01-01\",\"author\":[\"A One\",{\"name\":\"B Two\"}]}}]"
	      "</script><meta property=og:title content=\"OG title\">"
	      "<meta property=article:published_time content=\"2018-01-02\"><p>Body.</p>",
	      &pg);
	assert_string_equal(pg.meta.title, "OG title");
	assert_string_equal(pg.meta.published, "2018-01-02");
	assert_string_equal(pg.meta.author, "A One, B Two");
	release(&pg);

	/* not an article: nothing but the WebSite name */
	parse("<script type=application/ld+json>{\"@type\":\"Recipe\",\"name\":\"Cake\","
	      "\"datePublished\":\"2018-01-01\"}</script><script type=application/ld+json>"
	      "{\"@type\":\"WebSite\",\"name\":\"Site\"}</script><p>Body.</p>",
	      &pg);
	assert_null(pg.meta.title);
	assert_null(pg.meta.published);
	assert_string_equal(pg.meta.site_name, "Site");
	release(&pg);
}

/* ---- paragraph storage ---- */

static void test_append_and_add(void **state)
{
	struct text_paras ps = TEXT_PARAS_INIT;
	struct text_html_meta meta;

	assert_int_equal(text_paras_add(&ps, "given first", 11, 5, TEXT_TAG_H), 0);
	assert_int_equal(ps.n, 1);
	assert_int_equal(ps.v[0].words, 2);
	assert_int_equal(ps.v[0].link_chars, 5);
	assert_int_equal(
	        text_html_parse("<p>one <a href=/>two</a></p><li>three</li>", 42, &ps, &meta), 0);
	assert_int_equal(ps.n, 3);
	assert_string_equal(ps.buf + ps.v[0].off, "given first");
	assert_int_equal(ps.v[0].tag, TEXT_TAG_H);
	assert_string_equal(ps.buf + ps.v[1].off, "one two");
	assert_int_equal(ps.v[1].link_chars, 3);
	assert_string_equal(ps.buf + ps.v[2].off, "three");
	assert_int_equal(ps.v[2].tag, TEXT_TAG_LI);
	assert_int_equal(text_paras_add(&ps, "last", 4, 0, TEXT_TAG_P), 0);
	assert_string_equal(ps.buf + ps.v[3].off, "last");
	assert_string_equal(ps.buf + ps.v[1].off, "one two");
	check_invariants(&ps);
	text_paras_release(&ps);
	text_html_meta_release(&meta);
}

static void test_paras_nfc(void **state)
{
	struct text_paras ps = TEXT_PARAS_INIT;
	struct text_html_meta meta;
	const char *html = "<p>plain ascii</p><p><a href=/>e\xcc\x81te\xcc\x81</a> "
	                   "x</p><p>d\xc3\xa9j\xc3\xa0</p>";

	assert_int_equal(text_html_parse(html, strlen(html), &ps, &meta), 0);
	assert_int_equal(ps.n, 3);
	assert_int_equal(ps.v[1].len, 9);
	assert_int_equal(ps.v[1].link_chars, 7);
	assert_int_equal(text_paras_nfc(&ps), 0);
	assert_int_equal(ps.n, 3);
	assert_string_equal(ps.buf + ps.v[0].off, "plain ascii");
	assert_string_equal(ps.buf + ps.v[1].off, "\xc3\xa9t\xc3\xa9 x"); /* "été x" */
	assert_int_equal(ps.v[1].len, 7);
	assert_int_equal(ps.v[1].link_chars, 5); /* scaled to the new length */
	assert_int_equal(ps.v[1].words, 2);
	assert_string_equal(ps.buf + ps.v[2].off, "d\xc3\xa9j\xc3\xa0");
	check_invariants(&ps);
	text_paras_release(&ps);
	text_html_meta_release(&meta);
}

/* The transitional one-block-per-line form pipeline.c used. */
static void test_to_text(void **state)
{
	struct strbuf out = STRBUF_INIT;
	const char *html = "<title>T</title><meta name=date content=2020-01-02>"
	                   "<p>a</p><p>b <b>c</b></p>";
	char *title, *published;

	strbuf_init(&out);
	assert_int_equal(text_html_to_text(html, strlen(html), &out, &title, &published), 0);
	assert_string_equal(out.buf, "a\nb c\n");
	assert_string_equal(title, "T");
	assert_string_equal(published, "2020-01-02");
	free(title);
	free(published);
	strbuf_release(&out);
}

/* libxml2 says nothing on stderr, however broken the page. */
static void test_silent(void **state)
{
	struct page pg;
	FILE *tmp = tmpfile();
	int saved;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	parse("<html><body><p><div></span></header><x:y a=<b>&bogus; <!-- <p", &pg);
	release(&pg);
	parse(BIG_PAGE, &pg);
	release(&pg);
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
	assert_int_equal(ftell(tmp), 0);
	fclose(tmp);
}

/* ---- threads ---- */

struct job {
	const char *expect; /* the paragraphs joined, from the main thread */
	int failures;
};

static char *joined(const struct text_paras *ps)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_init(&sb);
	for (i = 0; i < ps->n; i++) {
		strbuf_add(&sb, ps->buf + ps->v[i].off, ps->v[i].len);
		strbuf_addch(&sb, '\n');
	}
	return strbuf_detach(&sb, NULL);
}

static void *worker(void *arg)
{
	struct job *job = arg;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		struct text_paras ps = TEXT_PARAS_INIT;
		struct text_html_meta meta;
		char *got;

		if (text_html_parse(BIG_PAGE, strlen(BIG_PAGE), &ps, &meta)) {
			job->failures++;
			continue;
		}
		got = joined(&ps);
		if (strcmp(got, job->expect) || !meta.author ||
		    strcmp(meta.author, "Anna Müller, Bernd Süß"))
			job->failures++;
		free(got);
		text_paras_release(&ps);
		text_html_meta_release(&meta);
	}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t t[THREADS];
	struct job jobs[THREADS];
	struct page pg;
	char *expect;
	int i;

	parse(BIG_PAGE, &pg);
	expect = joined(&pg.ps);
	release(&pg);
	for (i = 0; i < THREADS; i++) {
		jobs[i] = (struct job){.expect = expect};
		assert_int_equal(pthread_create(&t[i], NULL, worker, &jobs[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(jobs[i].failures, 0);
	}
	free(expect);
}

static int setup(void **state)
{
	return text_html_init();
}

static int teardown(void **state)
{
	text_html_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_blocks_and_tags),
	        cmocka_unit_test(test_entities_and_spaces),
	        cmocka_unit_test(test_link_chars),
	        cmocka_unit_test(test_chrome_elements),
	        cmocka_unit_test(test_chrome_classes),
	        cmocka_unit_test(test_nested_and_wrapper_chrome),
	        cmocka_unit_test(test_unclosed_chrome),
	        cmocka_unit_test(test_article_scope),
	        cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_deep_nesting),
	        cmocka_unit_test(test_big_page),
	        cmocka_unit_test(test_truncations),
	        cmocka_unit_test(test_mutations),
	        cmocka_unit_test(test_meta_tags),
	        cmocka_unit_test(test_jsonld),
	        cmocka_unit_test(test_append_and_add),
	        cmocka_unit_test(test_paras_nfc),
	        cmocka_unit_test(test_to_text),
	        cmocka_unit_test(test_silent),
	        cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
