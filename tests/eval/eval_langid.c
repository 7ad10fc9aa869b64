/* Language identification on DAnIEL's long news documents.
 *
 * langid/daniel-longdocs/Corpus_daniel_v2.1: doc_lg.json {id: "English" |
 * "Chinese" | "Russian" | "Greek" | "Polish"} and reference/ID, the cleaned
 * text of each page as <p> blocks. Tags are replaced by spaces and white
 * space collapsed; the text then goes to text_detect_lang() whole (it samples
 * the first 2 KB), and cut to its first 20, 50 and 100 characters (code
 * points) for the short-text rows.
 *
 * Per language and overall (macro average over the five):
 *   accuracy        right answers / documents (an abstention is not right)
 *   abstained       -ENOENT / documents
 *   precision       right answers / answers
 *   confidence      mean confidence of the answers
 * Nothing is tuned on this corpus: the thresholds and the temperature come
 * from other data (see server/text/langid.c).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../server/text/internal.h"
#include "eval.h"

#define STAGE "langid"
#define CORPUS "langid/daniel-longdocs/Corpus_daniel_v2.1"

static const struct {
	const char *label, *code;
} LANGS[] = {
        {"English", "en"}, {"Chinese", "zh"}, {"Russian", "ru"}, {"Greek", "el"}, {"Polish", "pl"},
};
#define N_LANGS (sizeof(LANGS) / sizeof(LANGS[0]))

/* Whole document, then prefixes of these many code points. */
static const int CUTS[] = {0, 20, 50, 100};
#define N_CUTS (sizeof(CUTS) / sizeof(CUTS[0]))

struct tally {
	int docs, right, answered;
	double conf;
};

/* Tags out (as spaces), white space collapsed: a new string or NULL. */
static char *plain_text(const char *html)
{
	size_t n = strlen(html), i, k = 0;
	char *buf = malloc(n + 1), *out;
	bool in_tag = false;

	if (!buf)
		return NULL;
	for (i = 0; i < n; i++) {
		if (html[i] == '<')
			in_tag = true;
		if (!in_tag)
			buf[k++] = html[i];
		else if (html[i] == '>') {
			in_tag = false;
			buf[k++] = ' ';
		}
	}
	out = text_collapse_ws(buf, k);
	free(buf);
	return out;
}

/* Bytes of the first cut code points of s (all of it when shorter, or 0). */
static size_t prefix_len(const char *s, int cut)
{
	size_t i = 0;
	int k;

	if (!cut)
		return strlen(s);
	for (k = 0; s[i] && k < cut; k++) {
		int32_t cp;

		i += (size_t)utf8_next(s + i, &cp);
	}
	return i;
}

static void count(struct tally *t, const char *text, size_t len, const char *want)
{
	const char *lang;
	double conf;

	t->docs++;
	if (text_detect_lang(text, len, &lang, &conf))
		return;
	t->answered++;
	t->conf += conf;
	t->right += !strcmp(lang, want);
}

/* Macro averages over t[0..n) of accuracy and abstentions, and with all
 * set also of precision and mean confidence. */
static void rows(const char *dataset, const char *what, const struct tally *t, int n, bool all)
{
	double acc = 0, abst = 0, prec = 0, conf = 0;
	char metric[96];
	int i;

	for (i = 0; i < n; i++) {
		acc += t[i].docs ? (double)t[i].right / t[i].docs / n : 0;
		abst += t[i].docs ? (double)(t[i].docs - t[i].answered) / t[i].docs / n : 0;
		prec += t[i].answered ? (double)t[i].right / t[i].answered / n : 0;
		conf += t[i].answered ? t[i].conf / t[i].answered / n : 0;
	}
	snprintf(metric, sizeof(metric), "%s: accuracy", what);
	eval_row(STAGE, dataset, metric, acc, "-");
	snprintf(metric, sizeof(metric), "%s: abstained", what);
	eval_row(STAGE, dataset, metric, abst, "-");
	if (!all)
		return;
	snprintf(metric, sizeof(metric), "%s: precision of answers", what);
	eval_row(STAGE, dataset, metric, prec, "-");
	snprintf(metric, sizeof(metric), "%s: mean confidence of answers", what);
	eval_row(STAGE, dataset, metric, conf, "-");
}

int main(void)
{
	static struct tally tally[N_LANGS][N_CUTS];
	char root[4096], path[4608], dataset[64];
	const char *id;
	json_t *labels, *label;
	json_error_t jerr;
	int missing = 0, err;
	size_t l, c;

	if (!eval_path(CORPUS, root, sizeof(root))) {
		eval_skip(STAGE, "daniel-longdocs", "corpus absent");
		return 0;
	}
	err = text_init(NULL);
	if (err) {
		fprintf(stderr, "eval_langid: text_init: %s\n", strerror(-err));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/doc_lg.json", root);
	labels = json_load_file(path, 0, &jerr);
	if (!json_is_object(labels)) {
		fprintf(stderr, "eval_langid: %s: %s\n", path, jerr.text);
		json_decref(labels);
		text_shutdown();
		return 1;
	}
	json_object_foreach (labels, id, label) {
		char *raw, *text;

		for (l = 0; l < N_LANGS; l++)
			if (json_is_string(label) &&
			    !strcmp(json_string_value(label), LANGS[l].label))
				break;
		if (l == N_LANGS)
			continue;
		snprintf(path, sizeof(path), "%s/reference/%s", root, id);
		raw = eval_read_file(path, NULL);
		if (!raw || !text_utf8_valid(raw, strlen(raw))) {
			missing++;
			free(raw);
			continue;
		}
		text = plain_text(raw);
		free(raw);
		if (!text)
			continue;
		for (c = 0; c < N_CUTS; c++)
			count(&tally[l][c], text, prefix_len(text, CUTS[c]), LANGS[l].code);
		free(text);
	}
	json_decref(labels);

	for (c = 0; c < N_CUTS; c++) {
		char what[32];
		struct tally by_lang[N_LANGS];

		if (CUTS[c])
			snprintf(what, sizeof(what), "first %d chars", CUTS[c]);
		else
			snprintf(what, sizeof(what), "whole document");
		for (l = 0; l < N_LANGS; l++) {
			snprintf(dataset, sizeof(dataset), "daniel-longdocs %s (n=%d)",
			         LANGS[l].code, tally[l][c].docs);
			rows(dataset, what, &tally[l][c], 1, false);
			by_lang[l] = tally[l][c];
		}
		rows("daniel-longdocs, macro average", what, by_lang, (int)N_LANGS, true);
	}
	if (missing)
		fprintf(stderr, "eval_langid: %d labelled documents missing or not UTF-8\n",
		        missing);
	text_shutdown();
	return 0;
}
