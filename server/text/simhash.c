/* simhash: near-duplicate signature and word count, one pass over the body.
 *
 * Words are runs of letters, marks and digits (joined by inner apostrophes
 * and hyphens, as everywhere in this module), lower-cased with utf8proc's
 * simple case mapping and hashed with FNV-1a 64 as they are read. Each run of
 * three consecutive words (a 3-shingle) is mixed into one 64-bit hash and
 * votes on every bit of the SimHash (Charikar 2002), and feeds the MinHash
 * signature (Broder 1997): for each of TEXT_MINHASH_K hash functions, the
 * smallest value over all shingles. The fraction of equal signature values
 * of two texts estimates the Jaccard similarity of their shingle sets, which
 * stays high for a story republished with small edits, where SimHash moves
 * several bits. Texts of fewer than three words use their words instead.
 */
#include <utf8proc.h>

#include "internal.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* splitmix64's finaliser: spreads the combined word hashes over all bits. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* The k-th hash function of the MinHash family: the shingle hash mixed
 * with a per-function constant (odd multiples of the golden ratio). */
static void minhash_add(uint32_t *sig, uint64_t h)
{
	int k;

	for (k = 0; k < TEXT_MINHASH_K; k++) {
		uint32_t v = (uint32_t)mix(h ^ ((uint64_t)(2 * k + 1) * 0x9e3779b97f4a7c15ULL));

		if (v < sig[k])
			sig[k] = v;
	}
}

static void vote(int32_t acc[64], uint64_t h)
{
	int b;

	for (b = 0; b < 64; b++)
		acc[b] += (int32_t)((h >> b) & 1) * 2 - 1;
}

static uint64_t hash_cp(uint64_t h, int32_t cp)
{
	char enc[4];
	int n, i;

	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			cp += 32;
		return (h ^ (uint64_t)cp) * FNV_PRIME;
	}
	n = text_utf8_put(utf8proc_tolower(cp), enc);
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)enc[i]) * FNV_PRIME;
	return h;
}

void text_fingerprint(const char *body, uint64_t *simhash, uint32_t *minhash, int *words)
{
	int32_t acc[64] = {0};
	uint64_t w[3] = {0, 0, 0}, out = 0, sh;
	size_t i = 0;
	int n = 0, b;

	for (b = 0; b < TEXT_MINHASH_K; b++)
		minhash[b] = UINT32_MAX;

	while (body[i]) {
		int32_t cp;
		int len = utf8_next(body + i, &cp);
		uint64_t h = FNV_OFFSET;

		if (!text_is_wordchar(cp)) {
			i += (size_t)len;
			continue;
		}
		for (;;) {
			h = hash_cp(h, cp);
			i += (size_t)len;
			len = utf8_next(body + i, &cp);
			if (text_is_wordchar(cp))
				continue;
			if (text_is_joiner(cp)) {
				int32_t next;

				utf8_next(body + i + len, &next);
				if (body[i + len] && text_is_wordchar(next)) {
					h = hash_cp(h, cp == 0x2019 ? '\'' : cp);
					i += (size_t)len;
					len = utf8_next(body + i, &cp);
					continue;
				}
			}
			break;
		}
		w[0] = w[1];
		w[1] = w[2];
		w[2] = h;
		if (++n >= 3) {
			sh = mix(w[0] * 0x9e3779b97f4a7c15ULL ^ mix(w[1] ^ mix(w[2])));
			vote(acc, sh);
			minhash_add(minhash, sh);
		}
	}
	if (n < 3) {
		for (b = 3 - n; b < 3; b++) {
			vote(acc, mix(w[b]));
			minhash_add(minhash, mix(w[b]));
		}
	}
	for (b = 0; b < 64; b++)
		if (acc[b] > 0)
			out |= 1ULL << b;
	*simhash = out;
	*words = n;
}

uint64_t text_simhash(const char *body)
{
	uint32_t sig[TEXT_MINHASH_K];
	uint64_t h = 0;
	int words;

	if (body)
		text_fingerprint(body, &h, sig, &words);
	return h;
}

double text_minhash_similarity(const uint32_t *a, const uint32_t *b)
{
	int k, same = 0;

	for (k = 0; k < TEXT_MINHASH_K; k++)
		same += a[k] == b[k];
	return (double)same / TEXT_MINHASH_K;
}

void text_minhash_bands(const uint32_t *sig, int64_t *bands)
{
	int b, r;

	for (b = 0; b < TEXT_MINHASH_BANDS; b++) {
		uint64_t h = FNV_OFFSET;

		for (r = 0; r < TEXT_MINHASH_K / TEXT_MINHASH_BANDS; r++)
			h = mix(h ^ sig[b * (TEXT_MINHASH_K / TEXT_MINHASH_BANDS) + r]);
		bands[b] = (int64_t)(h >> 1); /* non-negative: a plain bigint in SQL */
	}
}

int text_hamming64(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}
