/* decode: UTF-8 validation, NFC, folding and the character classes every
 * other stage relies on. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "internal.h"
#include "text.h"

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past
 * U+10FFFF. ASCII, the common case, is checked eight bytes at a time. */
bool text_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned c = *p;
		unsigned lo = 0x80, hi = 0xbf;
		size_t need, i;

		if (c < 0x80) {
			uint64_t w;

			while (end - p >= 8) {
				memcpy(&w, p, 8);
				if (w & 0x8080808080808080ULL)
					break;
				p += 8;
			}
			if (p < end && *p < 0x80)
				p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0; /* overlong */
			else if (c == 0xed)
				hi = 0x9f; /* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90; /* overlong */
			else if (c == 0xf4)
				hi = 0x8f; /* > U+10FFFF */
		} else {
			return false;
		}
		if ((size_t)(end - p) <= need)
			return false;
		if (p[1] < lo || p[1] > hi)
			return false;
		for (i = 2; i <= need; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += need + 1;
	}
	return true;
}

int text_utf8_put(int32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t text_fold(const char *s, size_t len, char *out, size_t outsz)
{
	const utf8proc_option_t opts =
	        UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK;
	size_t i = 0, o = 0;

	if (!outsz)
		return 0;
	while (i < len && s[i]) {
		int32_t cp, dec[8];
		int bc = 0, n = utf8_next(s + i, &cp);
		utf8proc_ssize_t k, m;
		char tmp[32];
		size_t t = 0;

		i += (size_t)n;
		if (cp < 0x80) {
			tmp[t++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		} else if (cp == 0x2019 || cp == 0x2018) {
			tmp[t++] = '\'';
		} else {
			m = utf8proc_decompose_char(cp, dec, 8, opts, &bc);
			for (k = 0; k < m && k < 8; k++)
				t += (size_t)text_utf8_put(dec[k], tmp + t);
		}
		if (o + t >= outsz)
			break;
		memcpy(out + o, tmp, t);
		o += t;
	}
	out[o] = '\0';
	return o;
}

/* True when s is certainly NFC already: every code point is below U+0300 or
 * in the general punctuation and currency blocks (U+2002-U+206F,
 * U+20A0-U+20BF), none of which decompose canonically or combine with what
 * precedes (NFC_Quick_Check=Yes, checked against utf8proc). French, English,
 * German, Spanish and Italian news text is nearly always in this set, which
 * saves utf8proc's decompose-recompose round trip. */
static bool nfc_quick_yes(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		int32_t cp;

		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		i += (size_t)utf8_next(s + i, &cp);
		if (cp < 0x300 || (cp >= 0x2002 && cp <= 0x206f) || (cp >= 0x20a0 && cp <= 0x20bf))
			continue;
		return false;
	}
	return true;
}

int text_nfc_n(const char *s, size_t len, char **out)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n;

	*out = NULL;
	if (nfc_quick_yes(s, len)) {
		*out = malloc(len + 1);
		if (!*out)
			return -ENOMEM;
		memcpy(*out, s, len);
		(*out)[len] = '\0';
		return 0;
	}
	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &dst,
	                 UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0)
		return n == UTF8PROC_ERROR_NOMEM ? -ENOMEM : -EINVAL;
	*out = (char *)dst;
	return 0;
}

char *text_nfc(const char *s)
{
	char *out;

	if (!s || !text_utf8_valid(s, strlen(s)))
		return NULL;
	text_nfc_n(s, strlen(s), &out);
	return out;
}

char *text_collapse_ws(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t i = 0, o = 0;
	bool space = false;

	if (!out)
		return NULL;
	while (i < len && s[i]) {
		int32_t cp;
		int n = utf8_next(s + i, &cp);

		if (text_is_space(cp) || text_is_newline(cp)) {
			space = o > 0;
		} else if (!text_is_invisible(cp)) {
			if (space)
				out[o++] = ' ';
			space = false;
			memcpy(out + o, s + i, (size_t)n);
			o += (size_t)n;
		}
		i += (size_t)n;
	}
	out[o] = '\0';
	return out;
}

#define KEY_SHORT_I 0xe000 /* "й": see keep_letters() */
#define KEY_YI 0xe001      /* "ї" */

/* Latin for the Cyrillic and Greek letters left after case folding and
 * mark stripping (so "й" arrives as "и", "ё" as "е"), and for the Latin
 * letters Unicode does not decompose. A simple BGN/PCGN-like table: what
 * the French, English and German press print for Russian, Ukrainian, Serbian
 * and Greek names is close enough to meet it on most surnames ("Путин" ->
 * "putin"). NULL: keep the code point. */
static const char *translit(int32_t cp)
{
	static const char *const cyr[0x60] = {
	        /* U+0400..U+040F are upper case: folded away before */
	        [0x30] = "a",    [0x31] = "b",  [0x32] = "v",  [0x33] = "g",  [0x34] = "d",
	        [0x35] = "e",    [0x36] = "zh", [0x37] = "z",  [0x38] = "i",  [0x39] = "y",
	        [0x3a] = "k",    [0x3b] = "l",  [0x3c] = "m",  [0x3d] = "n",  [0x3e] = "o",
	        [0x3f] = "p",    [0x40] = "r",  [0x41] = "s",  [0x42] = "t",  [0x43] = "u",
	        [0x44] = "f",    [0x45] = "kh", [0x46] = "ts", [0x47] = "ch", [0x48] = "sh",
	        [0x49] = "shch", [0x4a] = "",   [0x4b] = "y",  [0x4c] = "",   [0x4d] = "e",
	        [0x4e] = "yu",   [0x4f] = "ya", [0x50] = "e",  [0x51] = "e",  [0x52] = "dj",
	        [0x53] = "g",    [0x54] = "ye", [0x55] = "dz", [0x56] = "i",  [0x57] = "yi",
	        [0x58] = "j",    [0x59] = "lj", [0x5a] = "nj", [0x5b] = "c",  [0x5c] = "k",
	        [0x5d] = "i",    [0x5e] = "u",  [0x5f] = "dz"};
	static const char *const greek[0x20] = {
	        [0x00] = "",  [0x01] = "a", [0x02] = "v", [0x03] = "g",  [0x04] = "d",
	        [0x05] = "e", [0x06] = "z", [0x07] = "i", [0x08] = "th", [0x09] = "i",
	        [0x0a] = "k", [0x0b] = "l", [0x0c] = "m", [0x0d] = "n",  [0x0e] = "x",
	        [0x0f] = "o", [0x10] = "p", [0x11] = "r", [0x12] = "s",  [0x13] = "s",
	        [0x14] = "t", [0x15] = "y", [0x16] = "f", [0x17] = "ch", [0x18] = "ps",
	        [0x19] = "o", [0x1a] = "i", [0x1b] = "y"};

	if (cp >= 0x430 && cp < 0x460)
		return cyr[cp - 0x400];
	if (cp >= 0x3b0 && cp < 0x3cc)
		return cp == 0x3b0 ? "y" : greek[cp - 0x3b0];
	switch (cp) {
	case KEY_SHORT_I:
		return "y";
	case KEY_YI:
		return "yi";
	case 0x3c2:
		return "s"; /* final sigma, if folding left it */
	case 0x491:
		return "g"; /* ґ */
	case 0x45e:
		return "u"; /* ў */
	case 0xe6:
		return "ae";
	case 0xf0:
		return "d"; /* ð */
	case 0xf8:
		return "o"; /* ø */
	case 0xfe:
		return "th"; /* þ */
	case 0xdf:
		return "ss";
	case 0x111:
		return "d"; /* đ */
	case 0x127:
		return "h"; /* ħ */
	case 0x131:
		return "i"; /* dotless ı */
	case 0x142:
		return "l"; /* ł */
	case 0x153:
		return "oe";
	case 0x167:
		return "t"; /* ŧ */
	case 0x192:
		return "f"; /* ƒ */
	}
	return NULL;
}

/* Letters whose mark makes another letter in transliteration: "й" is "y",
 * not "и" + breve; "ї" is "yi". Mapped to private-use code points before
 * utf8proc strips marks, and spelled by translit(). */

static utf8proc_int32_t keep_letters(utf8proc_int32_t cp, void *data)
{
	(void)data;
	if (cp == 0x439 || cp == 0x419)
		return KEY_SHORT_I;
	if (cp == 0x457 || cp == 0x407)
		return KEY_YI;
	return cp;
}

/* NFKC + case fold + marks stripped (utf8proc), then typographic apostrophes
 * folded to ' so that "Côte d’Ivoire" and "Cote d'Ivoire" share a key,
 * Cyrillic and Greek transliterated and undecomposable Latin letters folded
 * (translit above), and white space collapsed. */
char *text_normalize_key(const char *s)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n;
	size_t i = 0, o = 0;
	char *k, *out;
	bool space = false;

	if (!s)
		return NULL;
	n = utf8proc_map_custom((const utf8proc_uint8_t *)s, 0, &dst,
	                        UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	                                UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK,
	                        keep_letters, NULL);
	if (n < 0)
		return NULL;
	k = (char *)dst;
	out = malloc(2 * (size_t)n + 1); /* "щ" (2 bytes) -> "shch": the most it grows */
	if (!out) {
		free(k);
		return NULL;
	}
	while (k[i]) {
		int32_t cp;
		int len = utf8_next(k + i, &cp);
		const char *t;

		if (text_is_space(cp) || text_is_newline(cp)) {
			space = o > 0;
		} else if (!text_is_invisible(cp)) {
			if (space)
				out[o++] = ' ';
			space = false;
			if (cp == 0x2019 || cp == 0x2018) {
				out[o++] = '\'';
			} else if (cp >= 0x80 && (t = translit(cp))) {
				size_t tl = strlen(t);

				memcpy(out + o, t, tl);
				o += tl;
			} else {
				memcpy(out + o, k + i, (size_t)len);
				o += (size_t)len;
			}
		}
		i += (size_t)len;
	}
	out[o] = '\0';
	free(k);
	return out;
}
