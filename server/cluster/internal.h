/* cluster module internals: shared by the files of server/cluster/ only. */
#ifndef NEWSD_CLUSTER_INTERNAL_H
#define NEWSD_CLUSTER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Open-addressing hash map from a non-zero 64-bit key to a 64-bit value
 * (linear probing, power-of-two capacity, at most half full). Keys are never
 * removed one by one: the owners rebuild a map when too much of it is stale. */
struct u64map {
	uint64_t *keys; /* 0 = empty */
	uint64_t *vals;
	size_t cap, n;
};

/* Pointer to key's value, inserting it with value 0 when absent (NULL on
 * ENOMEM). The pointer is valid until the next insertion. */
uint64_t *u64map_slot(struct u64map *m, uint64_t key);
/* Pointer to key's value, or NULL when absent. */
uint64_t *u64map_find(const struct u64map *m, uint64_t key);
void u64map_free(struct u64map *m);

#endif
