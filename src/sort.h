/*
 * sort.h - INTERNAL sorts of integer keys used by the kernels (sort.c).
 */
#ifndef RG_SORT_H
#define RG_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts a[0..n) ascending. tmp: n scratch entries (may be NULL when
 * n <= 64). */
void rg__sort_u64(uint64_t *a, size_t n, uint64_t *tmp);

struct rg__kv {
	uint64_t k;
	uint64_t v;
};
/* Sorts by k ascending (stable). tmp: n scratch entries (NULL if n <= 64). */
void rg__sort_kv(struct rg__kv *a, size_t n, struct rg__kv *tmp);

/* Sorts n distinct slots < ns ascending: insertion for a few, a bitmap
 * scan when they are dense in the slot space, else a radix sort.
 * 0 or RG_ENOMEM. */
int rg__sort_slots(uint32_t *a, size_t n, uint64_t ns);

#endif
