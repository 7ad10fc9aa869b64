/* sha256: FIPS 180-4 SHA-256, one-shot. Used for content hashes of article
 * bodies and for migration checksums. Pure, thread-safe, no allocation. */
#ifndef NEWSD_SHA256_H
#define NEWSD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64 /* without the NUL */

void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN]);
/* Lowercase hex digest, NUL-terminated. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

/* Incremental: init, update any number of times, then final (lowercase hex,
 * NUL-terminated), for data read in pieces (a knowledge-base dump). */
struct sha256_ctx {
	uint32_t h[8];
	uint8_t block[64];
	size_t used;    /* bytes in block */
	uint64_t total; /* bytes seen */
};
void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final_hex(struct sha256_ctx *ctx, char out[SHA256_HEX_LEN + 1]);

#endif
