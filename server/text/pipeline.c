/* pipeline: text_process() runs the stages in order over one document.
 *
 *   validate -> (HTML -> text) -> NFC -> paragraphs -> boilerplate -> title
 *   -> body -> language -> entities -> event features (terms, kind, roles, date)
 *   -> content hash, SimHash, word count
 *
 * Each stage owns its buffers and hands the next one a NUL-terminated string;
 * nothing here logs or does I/O.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sha256.h"
#include "strbuf.h"
#include "text.h"

int text_init(const char *langid_conf)
{
	int err = text_html_init();

	return err ? err : text_langid_init(langid_conf);
}

void text_shutdown(void)
{
	text_langid_shutdown();
	text_html_shutdown();
}

const char *text_entity_kind_name(enum text_entity_kind kind)
{
	switch (kind) {
	case TEXT_ENTITY_PERSON:
		return "person";
	case TEXT_ENTITY_LOCATION:
		return "location";
	case TEXT_ENTITY_ORGANIZATION:
		return "organization";
	case TEXT_ENTITY_OTHER:
		break;
	}
	return "other";
}

void text_doc_release(struct text_doc *doc)
{
	if (!doc)
		return;
	free(doc->title);
	free(doc->body);
	free(doc->lang);
	free(doc->published_at);
	free(doc->canonical_url);
	free(doc->site_name);
	free(doc->author);
	free(doc->source);
	free(doc->agency);
	free(doc->dates);
	text_entities_free(doc->entities, doc->n_entities);
	free(doc->terms);
	free(doc->roles);
	*doc = TEXT_DOC_INIT;
}

/* A given BCP 47 tag keeps its primary language subtag, lower-cased:
 * "fr-FR" -> "fr". NULL when there is none (the caller detects instead). */
static char *primary_subtag(const char *tag)
{
	size_t n = 0, i;
	char *out;

	while ((tag[n] | 0x20) >= 'a' && (tag[n] | 0x20) <= 'z')
		n++;
	if (!n || n > 8)
		return NULL;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	for (i = 0; i < n; i++)
		out[i] = (char)(tag[i] | 0x20);
	out[n] = '\0';
	return out;
}

/* NFC + white space collapsed; NULL with *err = 0 when blank. */
static char *clean_title(const char *raw, bool from_html, int *err)
{
	char *nfc = NULL, *t = NULL;

	*err = text_nfc_n(raw, strlen(raw), &nfc);
	if (*err)
		return NULL;
	if (from_html) {
		t = text_title_from_html(nfc, err);
	} else {
		t = text_collapse_ws(nfc, strlen(nfc));
		if (!t)
			*err = -ENOMEM;
		else if (!*t) {
			free(t);
			t = NULL;
		}
	}
	free(nfc);
	return t;
}

static int pick_title(const struct text_input *in, const char *html_title,
                      const struct text_paras *ps, char **title)
{
	long guess;
	int err = 0;

	*title = NULL;
	if (in->title)
		*title = clean_title(in->title, false, &err);
	if (!*title && !err && html_title)
		*title = clean_title(html_title, true, &err);
	if (*title || err)
		return err;
	guess = text_title_guess(ps);
	if (guess < 0)
		return 0;
	*title = strdup(ps->buf + ps->v[guess].off);
	return *title ? 0 : -ENOMEM;
}

static int detect_lang(const struct text_input *in, struct text_doc *out)
{
	const char *code;
	double conf;
	int err;

	if (in->lang && *in->lang) {
		out->lang = primary_subtag(in->lang);
		if (out->lang) {
			out->lang_confidence = 1.0;
			return 0;
		}
	}
	err = text_detect_lang(out->body, strlen(out->body), &code, &conf);
	if (err)
		return err == -ENOENT ? 0 : err; /* unsure: lang stays NULL */
	out->lang = strdup(code);
	if (!out->lang)
		return -ENOMEM;
	out->lang_confidence = conf;
	return 0;
}

/* The page's own headline: og:title / JSON-LD headline, which carries no
 * section or site name, unless <title> starts with it and says more (a
 * shortened social-media headline); title.c strips a site suffix from
 * <title>. Takes the chosen string out of meta. */
static char *pick_html_title(struct text_html_meta *meta)
{
	char **pick = &meta->html_title;

	if (meta->title && !(meta->html_title &&
	                     strncmp(meta->html_title, meta->title, strlen(meta->title)) == 0 &&
	                     strlen(meta->html_title) > strlen(meta->title)))
		pick = &meta->title;
	{
		char *t = *pick;

		*pick = NULL;
		return t;
	}
}

/* Agency, source and byline from the credit lines the classifier marked as
 * boilerplate, the given source, the page's site name and the URL. */
static int find_credits(const struct text_input *in, const char *site_name,
                        const struct text_paras *ps, struct text_doc *out)
{
	char *byline = NULL;
	int err = text_credits_detect(ps, in->source, site_name, in->url, &out->agency,
	                              &out->source, &byline);

	if (!err && !out->author)
		out->author = byline;
	else
		free(byline);
	return err;
}

/* The paragraphs that may date the article, one per line: boilerplate
 * included (datelines and "Publié le" lines are boilerplate to the reader
 * but evidence for the date), photo captions excluded (a caption dates the
 * photo, often taken long before). */
static char *dating_paragraphs(const struct text_paras *ps)
{
	struct strbuf sb = STRBUF_INIT;
	const struct text_para *p;
	size_t i;

	strbuf_init(&sb);
	for (i = 0; i < ps->n; i++) {
		p = &ps->v[i];
		if (p->words <= 80 && text_credit_photo(ps->buf + p->off, p->len, p->words) >= 0)
			continue;
		if (strbuf_add(&sb, ps->buf + p->off, p->len) || strbuf_addch(&sb, '\n')) {
			strbuf_release(&sb);
			return NULL;
		}
	}
	return strbuf_detach(&sb, NULL);
}

/* The publication date from the text when neither given nor in the page's
 * metadata; then every date expression of the body, resolved against the
 * publication day when it is known to the day. */
static int find_dates(const struct text_input *in, const struct text_paras *ps,
                      struct text_doc *out)
{
	struct text_day pub = {0};
	const struct text_day *ref = NULL;
	enum text_precision prec = TEXT_PRECISION_NONE;
	char buf[16], *all;

	if (!out->published_at) {
		all = dating_paragraphs(ps);
		if (!all)
			return -ENOMEM;
		if (text_pubdate_from_text(all, out->lang, in->today, &pub, &prec) == 0) {
			if (prec == TEXT_PRECISION_DAY)
				snprintf(buf, sizeof(buf), "%04d-%02d-%02d", pub.year, pub.month,
				         pub.day);
			else if (prec == TEXT_PRECISION_MONTH)
				snprintf(buf, sizeof(buf), "%04d-%02d", pub.year, pub.month);
			else
				snprintf(buf, sizeof(buf), "%04d", pub.year);
			out->published_at = strdup(buf);
			out->published_origin = "text";
		}
		free(all);
		if (prec != TEXT_PRECISION_NONE && !out->published_at)
			return -ENOMEM;
	}
	/* given or metadata: "YYYY-MM-DD..." names the day as written */
	if (out->published_at &&
	    sscanf(out->published_at, "%4d-%2d-%2d", &pub.year, &pub.month, &pub.day) == 3)
		ref = &pub;
	return text_dates_extract(out->body, out->lang, ref, &out->dates, &out->n_dates);
}

int text_process(const struct text_input *in, struct text_doc *out, const char **why)
{
	struct text_paras ps = TEXT_PARAS_INIT;
	struct text_html_meta meta = TEXT_HTML_META_INIT;
	char *text = NULL, *html_title = NULL, *html_published = NULL;
	const char *src;
	size_t len;
	int err = -EINVAL;

	*out = TEXT_DOC_INIT;
	*why = NULL;
	if (!in || !in->text == !in->html) {
		*why = "exactly one of text and html is required";
		goto out;
	}
	src = in->text ? in->text : in->html;
	len = strlen(src);
	if (!text_utf8_valid(src, len)) {
		*why = "body is not valid UTF-8";
		goto out;
	}
	if (in->title && !text_utf8_valid(in->title, strlen(in->title))) {
		*why = "title is not valid UTF-8";
		goto out;
	}
	if (in->html) {
		err = text_html_parse(src, len, &ps, &meta);
		if (!err)
			err = text_paras_nfc(&ps);
		if (err)
			goto out;
		html_title = pick_html_title(&meta);
		html_published = meta.published;
		meta.published = NULL;
		out->canonical_url = meta.canonical_url;
		meta.canonical_url = NULL;
		out->site_name = meta.site_name;
		meta.site_name = NULL;
		out->author = meta.author;
		meta.author = NULL;
	} else {
		err = text_nfc_n(src, len, &text);
		if (!err)
			err = text_paras_split(text, &ps);
		if (err)
			goto out;
	}
	err = text_paras_classify(&ps, in->lang);
	if (!err)
		err = find_credits(in, out->site_name, &ps, out);
	if (!err)
		err = pick_title(in, html_title, &ps, &out->title);
	if (err)
		goto out;
	if (out->title)
		text_paras_mark_title(&ps, out->title);
	err = text_paras_join(&ps, &out->body);
	if (err == -EINVAL) {
		*why = "no text content";
		goto out;
	}
	if (!err)
		err = detect_lang(in, out);
	if (!err && in->published_at) {
		out->published_at = strdup(in->published_at);
		out->published_origin = "given";
		if (!out->published_at)
			err = -ENOMEM;
	} else if (!err && html_published) {
		out->published_at = html_published; /* as written: the caller validates */
		out->published_origin = "metadata";
		html_published = NULL;
	}
	if (!err)
		err = find_dates(in, &ps, out);
	if (!err)
		err = text_entities_extract(out->body, out->lang, &out->entities, &out->n_entities);
	if (!err)
		err = text_event_features(out);
	if (err)
		goto out;
	sha256_hex(out->body, strlen(out->body), out->content_hash);
	text_fingerprint(out->body, &out->simhash, out->minhash, &out->word_count);
out:
	if (err) {
		text_doc_release(out);
		if (!*why)
			*why = err == -ENOMEM ? "out of memory" : "invalid input";
	}
	text_paras_release(&ps);
	text_html_meta_release(&meta);
	free(text);
	free(html_title);
	free(html_published);
	return err;
}
