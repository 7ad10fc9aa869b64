/* clean: paragraphs and a deliberately small boilerplate rule set.
 *
 * Every non-blank line is a paragraph (scraped text rarely keeps blank lines
 * between paragraphs, and HTML blocks arrive one per line). White space is
 * collapsed, invisible characters dropped. A paragraph is boilerplate when:
 *
 *  1. it has no letter at all ("2111", "***"), or a single word ("Commentaires",
 *     "International"): no article paragraph is one word long;
 *  2. it starts with a site-chrome phrase from PREFIXES and is short enough
 *     for that phrase (sharing and comment widgets, "Lire aussi",
 *     "Temps de lecture", bylines such as "Par AFP", sign-in prompts, photo
 *     credits), in French, English, German, Spanish and Italian;
 *  3. it is a copyright notice: a reserved-rights phrase in its first few
 *     hundred bytes, or a short line with "©" / "copyright";
 *  4. it is a cookie or consent banner: "cookie" together with a consent word;
 *  5. it is a photo caption ending with a credit such as "(Jane DOE / AFP)":
 *     a short parenthesised group with a spaced slash closing the line;
 *  6. it follows a short list heading ("Lire aussi :", "À découvrir
 *     également", "Read more", "Tags:") and reads like a linked headline
 *     (at most 25 words, no final full stop): related-article lists. The
 *     first paragraph that ends like a sentence ends the list.
 *
 * Phrases are matched on a folded copy (lower case, accents stripped), so
 * "À découvrir" and "A DECOUVRIR" both hit "a decouvrir". Issue 3 replaces
 * this with a real classifier; keep the rules modest and obvious until then.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* How much of a paragraph the rules look at, folded. */
#define FOLD_BYTES 512
#define LIST_ITEM_MAX_WORDS 25
#define CREDIT_MAX_BYTES 80

struct prefix_rule {
	const char *phrase; /* folded */
	unsigned max_words; /* the whole line's limit; 0 = any length */
	bool list_heading;  /* starts a related-links list when the line is short */
};

static const struct prefix_rule PREFIXES[] = {
        /* sharing, printing, comment widgets */
        {"partager", 6, false},
        {"share", 6, false},
        {"teilen", 6, false},
        {"compartir", 6, false},
        {"condividi", 6, false},
        {"tweet", 4, false},
        {"facebook", 6, false},
        {"twitter", 6, false},
        {"whatsapp", 6, false},
        {"imprimer", 4, false},
        {"print", 3, false},
        {"drucken", 4, false},
        {"imprimir", 4, false},
        {"stampa", 3, false},
        {"commentaires", 4, true},
        {"commentaire", 4, false},
        {"commenter", 5, false},
        {"comments", 4, true},
        {"kommentare", 4, true},
        {"comentarios", 4, true},
        {"commenti", 4, true},
        {"close button", 4, false},
        {"fermer", 2, false},
        {"close", 2, false},
        {"regles de conduite", 5, false},
        {"ecouter", 5, false},
        {"ecoutez", 4, false},
        {"listen to", 6, false},
        /* related links and tags */
        {"lire aussi", 0, true},
        {"a lire aussi", 0, true},
        {"a lire egalement", 0, true},
        {"lire la suite", 6, false},
        {"a decouvrir", 0, true},
        {"voir aussi", 0, true},
        {"sur le meme sujet", 0, true},
        {"read more", 0, true},
        {"read also", 0, true},
        {"see also", 0, true},
        {"related", 0, true},
        {"more on this story", 0, true},
        {"mehr zum thema", 0, true},
        {"lesen sie auch", 0, true},
        {"auch interessant", 0, true},
        {"lee tambien", 0, true},
        {"leer mas", 6, false},
        {"te puede interesar", 0, true},
        {"leggi anche", 0, true},
        {"potrebbe interessarti", 0, true},
        {"tags", 0, true},
        {"mots-cles", 0, true},
        {"schlagworte", 0, true},
        {"etiquetas", 0, true},
        /* reading time, ads, page furniture */
        {"temps de lecture", 8, false},
        {"reading time", 8, false},
        {"lesezeit", 6, false},
        {"tiempo de lectura", 8, false},
        {"tempo di lettura", 8, false},
        {"publie mis a jour", 4, false},
        {"url courte", 4, false},
        {"publicite", 2, false},
        {"advertisement", 2, false},
        {"anzeige", 2, false},
        {"publicidad", 2, false},
        {"pubblicita", 2, false},
        {"cet article date de plus de", 12, false},
        {"this article is more than", 12, false},
        /* sign-in and subscription prompts */
        {"newsletter", 8, false},
        {"abonnez-vous", 25, false},
        {"inscrivez-vous", 25, false},
        {"connectez-vous", 25, false},
        {"subscribe", 25, false},
        {"sign up", 25, false},
        {"sign in", 25, false},
        {"log in", 25, false},
        {"abonnieren", 25, false},
        {"melden sie sich", 25, false},
        {"suscribete", 25, false},
        {"iscriviti", 25, false},
        /* bylines and credits */
        {"par", 4, false},
        {"by", 4, false},
        {"von", 4, false},
        {"por", 4, false},
        {"article redige par", 10, false},
        {"photo", 40, false},
        {"foto", 40, false},
        {"credit", 20, false},
        {"illustration", 20, false},
};

/* Reserved-rights notices, any length (the AFP notice runs to 130 words). */
static const char *const RIGHTS[] = {
        "tous droits reserves",      "droits de reproduction",        "all rights reserved",
        "alle rechte vorbehalten",   "todos los derechos reservados", "derechos reservados",
        "tutti i diritti riservati", "riproduzione riservata",
};

static const char *const CONSENT[] = {
        "accept",      "acept",      "accett",      "consent",     "utilis",   "utiliz",
        "we use",      "uses",       "verwend",     "nutzen",      "navega",   "naviga",
        "continu",     "parametr",   "setting",     "einstellung", "privacy",  "confidentialit",
        "datenschutz", "privacidad", "personnalis", "partenaires", "partners",
};

static bool starts_with_word(const char *folded, const char *phrase)
{
	size_t n = strlen(phrase);
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

static const struct prefix_rule *match_prefix(const char *folded, unsigned words)
{
	size_t i;

	for (i = 0; i < sizeof(PREFIXES) / sizeof(PREFIXES[0]); i++) {
		const struct prefix_rule *r = &PREFIXES[i];

		if ((!r->max_words || words <= r->max_words) && starts_with_word(folded, r->phrase))
			return r;
	}
	return NULL;
}

/* Leading punctuation ("» Lire aussi", "- Partager") does not hide a rule. */
static const char *skip_punct(const char *folded)
{
	while (*folded && !((unsigned char)*folded >= 0x80 || (*folded >= 'a' && *folded <= 'z') ||
	                    (*folded >= '0' && *folded <= '9')))
		folded++;
	return folded;
}

static bool line_is_boilerplate(const char *folded, unsigned words)
{
	if (match_prefix(skip_punct(folded), words))
		return true;
	if (contains_any(folded, RIGHTS, sizeof(RIGHTS) / sizeof(RIGHTS[0])))
		return true;
	if (words <= 40 && (strstr(folded, "\xc2\xa9") || strstr(folded, "(c) 2") ||
	                    (words <= 15 && strstr(folded, "copyright"))))
		return true;
	if (words <= 120 && strstr(folded, "cookie") &&
	    contains_any(folded, CONSENT, sizeof(CONSENT) / sizeof(CONSENT[0])))
		return true;
	return false;
}

static bool has_spaced_slash(const char *s, size_t len)
{
	size_t i;

	for (i = 1; i + 1 < len; i++)
		if (s[i] == '/' && s[i - 1] == ' ' && s[i + 1] == ' ')
			return true;
	return false;
}

/* "... (SAUL LOEB / AFP)": the line closes with a short parenthesised credit
 * holding a spaced slash (photographer / agency). "(30 km/h)" is not one. */
static bool ends_with_credit(const char *s, size_t len)
{
	size_t i;

	if (!len || s[len - 1] != ')')
		return false;
	for (i = len - 1; i-- > 0 && len - i <= CREDIT_MAX_BYTES;) {
		if (s[i] == '(')
			return has_spaced_slash(s + i, len - i);
		if (s[i] == ')')
			return false;
	}
	return false;
}

static bool has_letter(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		int32_t cp;

		i += (size_t)utf8_next(s + i, &cp);
		if (text_is_letter(cp))
			return true;
	}
	return false;
}

/* Ends like a sentence: ".", "!" or "…", possibly followed by closing quotes
 * or brackets. Headlines end with no mark or with "?". */
static bool ends_sentence(const char *s, size_t len)
{
	while (len) {
		unsigned char c = (unsigned char)s[len - 1];

		if (c == '"' || c == '\'' || c == ')' || c == ' ')
			len--;
		else if (len >= 2 && !memcmp(s + len - 2, "\xc2\xbb", 2)) /* » */
			len -= 2;
		else if (len >= 3 && !memcmp(s + len - 3, "\xe2\x80\x9d", 3)) /* ” */
			len -= 3;
		else
			break;
	}
	if (!len)
		return false;
	return s[len - 1] == '.' || s[len - 1] == '!' ||
	       (len >= 3 && !memcmp(s + len - 3, "\xe2\x80\xa6", 3));
}

static int push_para(struct text_paras *ps, size_t off, size_t len, unsigned words)
{
	if (ps->n == ps->alloc) {
		size_t alloc = ps->alloc ? ps->alloc * 2 : 32;
		struct text_para *v = realloc(ps->v, alloc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ps->v = v;
		ps->alloc = alloc;
	}
	ps->v[ps->n++] = (struct text_para){.off = off, .len = len, .words = words};
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
		int n = i < len ? utf8_next(s + i, &cp) : 1;

		if (i == len || text_is_newline(cp)) {
			if (o > start) {
				ps->buf[o++] = '\0';
				err = push_para(ps, start, o - 1 - start, words);
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

void text_paras_mark_boilerplate(struct text_paras *ps)
{
	char folded[FOLD_BYTES];
	bool in_list = false;
	size_t i;

	for (i = 0; i < ps->n; i++) {
		struct text_para *p = &ps->v[i];
		const char *s = ps->buf + p->off;
		const struct prefix_rule *r;

		text_fold(s, p->len, folded, sizeof(folded));
		r = match_prefix(skip_punct(folded), p->words);
		if (r && r->list_heading && p->words <= 4) {
			p->boiler = true;
			in_list = true;
			continue;
		}
		if (in_list) {
			if (p->words <= LIST_ITEM_MAX_WORDS && !ends_sentence(s, p->len)) {
				p->boiler = true;
				continue;
			}
			in_list = false;
		}
		p->boiler = p->words < 2 || !has_letter(s, p->len) ||
		            line_is_boilerplate(folded, p->words) || ends_with_credit(s, p->len);
	}
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
