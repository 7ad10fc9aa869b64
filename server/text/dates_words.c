/* dates_words: the words of a text, as the date grammar (dates.c) reads
 * them.
 *
 * A word is a run of letters, marks and digits (text_is_wordchar), as in the
 * rest of the module; apostrophes and hyphens split words ("aujourd'hui" is
 * two, as is CLDR's "aujourd’hui" in the index). Each word is folded once
 * (text_fold(); Latin code points through a precomputed table), hashed and
 * looked up in the name index of dates_lex.c, and the bytes before it are
 * summed up as DW_GAP_* flags, so that the grammar never looks at bytes
 * again. ASCII is classed through a table; one pass over the text.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int text_dates_gap_class(int32_t cp)
{
	if (text_is_newline(cp))
		return DW_GAP_NL;
	if (text_is_space(cp) || text_is_invisible(cp))
		return DW_GAP_SPACE;
	switch (cp) {
	case '.':
		return DW_GAP_DOT | DW_GAP_SENT;
	case ',':
		return DW_GAP_COMMA;
	case '\'':
	case 0x2019:
		return DW_GAP_APOS;
	case '-':
	case 0x2010:
	case 0x2011:
	case 0x2013: /* en dash */
		return DW_GAP_HYPHEN;
	case '/':
		return DW_GAP_SLASH;
	case '!':
	case '?':
	case ':':
	case 0x2026: /* ellipsis */
	case '"':
	case '(':
	case '[':
	case 0xab: /* guillemets */
	case 0xbb:
	case 0x201c: /* curly double quotes */
	case 0x201d:
	case 0x2014: /* em dash */
	case 0x2022: /* bullet */
	case '|':
		return DW_GAP_OTHER | DW_GAP_SENT;
	case ';':
		return DW_GAP_OTHER;
	case 0xa9:
		return DW_GAP_COPY | DW_GAP_OTHER;
	case '%':
	case '$':
	case 0x20ac: /* euro */
	case 0xa3:   /* pound */
	case 0xa5:   /* yen */
	case '#':
	case 0xb0: /* degree */
	case 0xba: /* ordinal indicators used as "No" */
		return DW_GAP_UNIT | DW_GAP_OTHER;
	default:
		return DW_GAP_OTHER;
	}
}

/* Fold w[0..len) into f (room for LEX_MAX_WORD bytes): ASCII by hand, other
 * code points below LEX_FOLD_TAB through the table; false when a code point
 * needs text_fold(). */
static bool fold_latin(const char *w, size_t len, char *f, size_t *fn)
{
	const struct lex_fold *tab = text_dates_fold_tab();
	size_t i = 0, o = 0;

	while (i < len) {
		unsigned char c = (unsigned char)w[i];
		const struct lex_fold *x;
		int32_t cp;

		if (c < 0x80) {
			if (o < LEX_MAX_WORD - 1)
				f[o++] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
			i++;
			continue;
		}
		i += (size_t)utf8_next(w + i, &cp);
		if (cp >= LEX_FOLD_TAB)
			return false;
		x = &tab[cp];
		if (o + x->len < LEX_MAX_WORD) {
			memcpy(f + o, x->s, x->len);
			o += x->len;
		}
	}
	*fn = o;
	return true;
}

/* Every letter of w[0..len) upper case, and two or more of them. */
static bool all_caps(const char *w, size_t len)
{
	size_t i = 0;
	int letters = 0;

	while (i < len) {
		int32_t cp;

		i += (size_t)utf8_next(w + i, &cp);
		if (!text_is_letter(cp))
			continue;
		if (!text_is_upper(cp))
			return false;
		letters++;
	}
	return letters >= 2;
}

/* One word at s[start..end): fold it, class it, look it up. */
static int add_word(struct date_words *ws, int start, int end, int gap, int gap_start)
{
	const char *w = ws->s + start;
	size_t len = (size_t)(end - start), i, fn = 0;
	struct date_word *t;
	char *f;
	int num = 0;
	unsigned flags = 0;
	int32_t cp;

	if (ws->n == ws->cap) {
		size_t cap = ws->cap * 2;
		struct date_word *v = realloc(ws->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ws->v = v;
		ws->cap = cap;
	}
	if (ws->flen + LEX_MAX_WORD + LEX_HASH_PAD > ws->fcap) {
		size_t cap = ws->fcap * 2 + LEX_MAX_WORD + LEX_HASH_PAD;
		char *p = realloc(ws->fold, cap);

		if (!p)
			return -ENOMEM;
		ws->fold = p;
		ws->fcap = cap;
	}
	t = &ws->v[ws->n];
	f = ws->fold + ws->flen;
	for (i = 0; i < len && w[i] >= '0' && w[i] <= '9'; i++)
		if (i < 9)
			num = num * 10 + (w[i] - '0');
	t->ndig = (unsigned char)(i > 255 ? 255 : i);
	t->num = i && i <= 9 ? num : -1;
	if (i == len)
		flags |= DW_DIGITS;
	else if ((unsigned char)w[i] < 0x80 ? w[i] >= 'A' && w[i] <= 'Z'
	                                    : (utf8_next(w + i, &cp), text_is_upper(cp)))
		flags |= DW_CAP; /* the first letter ("1er" has its digits first) */
	if (!fold_latin(w, len, f, &fn))
		fn = text_fold(w, len, f, LEX_MAX_WORD);
	if (ws->n == 0 || (gap & (DW_GAP_NL | DW_GAP_SENT)))
		flags |= DW_SENT;
	memset(f + fn, 0, LEX_HASH_PAD);
	t->hash = text_dates_hash(f, fn);
	t->head = text_dates_lookup(f, fn, t->hash, ws->want);
	/* only the words of the index are ever asked whether they are in capitals */
	if (t->head >= 0 && (flags & DW_CAP) && all_caps(w, len))
		flags |= DW_ALLCAP;
	t->start = start;
	t->end = end;
	t->gap = gap;
	t->sep = (char)(start - gap_start == 1 && (unsigned char)ws->s[gap_start] < 0x80
	                        ? ws->s[gap_start]
	                        : 0);
	t->flags = (unsigned char)flags;
	t->fo = (int)ws->flen;
	t->flen = (unsigned char)fn;
	ws->flen += fn;
	ws->n++;
	return 0;
}

/* ASCII bytes: -1 for a word character, else their gap class. */
static signed short ascii_class[128];
static pthread_once_t ascii_once = PTHREAD_ONCE_INIT;

static void ascii_init(void)
{
	int c;

	for (c = 0; c < 128; c++)
		ascii_class[c] = (signed short)(text_is_wordchar(c) ? -1 : text_dates_gap_class(c));
}

static int tokenize(struct date_words *ws)
{
	const char *s = ws->s;
	int i = 0, gap = 0, gap_start = 0, err, n;
	int32_t cp;

	pthread_once(&ascii_once, ascii_init);
	while (s[i]) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80 && ascii_class[c] >= 0) {
			gap |= ascii_class[c];
			i++;
			continue;
		}
		n = utf8_next(s + i, &cp);
		if (c >= 0x80 && !text_is_wordchar(cp)) {
			gap |= text_dates_gap_class(cp);
			i += n;
			continue;
		}
		{
			int j = i + n;

			for (;;) {
				c = (unsigned char)s[j];
				if (c < 0x80) {
					if (!c || ascii_class[c] >= 0)
						break;
					j++;
					continue;
				}
				n = utf8_next(s + j, &cp);
				if (!text_is_wordchar(cp))
					break;
				j += n;
			}
			err = add_word(ws, i, j, gap, gap_start);
			if (err)
				return err;
			gap = 0;
			gap_start = i = j;
		}
	}
	return 0;
}

int text_dates_words(struct date_words *w, const char *s, int want)
{
	size_t len = strlen(s);

	memset(w, 0, sizeof(*w));
	w->s = s;
	w->want = want;
	/* about one word in six bytes; the arrays grow when a text has more */
	w->cap = len / 6 + 16;
	w->v = malloc(w->cap * sizeof(*w->v));
	w->fcap = len + LEX_MAX_WORD + LEX_HASH_PAD;
	w->fold = malloc(w->fcap);
	if (!w->v || !w->fold)
		return -ENOMEM;
	return tokenize(w);
}

void text_dates_words_release(struct date_words *w)
{
	free(w->v);
	free(w->fold);
	w->v = NULL;
	w->fold = NULL;
	w->n = w->cap = w->flen = w->fcap = 0;
}
