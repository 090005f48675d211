/*
 * sort.c - the kernels' sorts of integer keys (sort.h): LSD radix sorts
 * with 8-bit digits that skip constant digits, insertion sort for a few
 * keys, and a bitmap scan for slots dense in their slot space.
 */
#include <stdlib.h>
#include <string.h>

#include <rcugraph/rcugraph.h> /* RG_ENOMEM */

#include "sort.h"

void rg__sort_u64(uint64_t *a, size_t n, uint64_t *tmp)
{
	if (n <= 64 || !tmp) {
		for (size_t i = 1; i < n; i++) {
			uint64_t x = a[i];
			size_t j = i;
			while (j > 0 && a[j - 1] > x) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = x;
		}
		return;
	}
	size_t cnt[8][256];
	memset(cnt, 0, sizeof cnt);
	for (size_t i = 0; i < n; i++) {
		uint64_t x = a[i];
		for (int b = 0; b < 8; b++)
			cnt[b][(x >> (8 * b)) & 255]++;
	}
	uint64_t *src = a, *dst = tmp;
	for (int b = 0; b < 8; b++) {
		if (cnt[b][(src[0] >> (8 * b)) & 255] == n)
			continue; /* every key has the same digit here */
		size_t pos = 0;
		for (int d = 0; d < 256; d++) {
			size_t c = cnt[b][d];
			cnt[b][d] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[b][(src[i] >> (8 * b)) & 255]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

void rg__sort_kv(struct rg__kv *a, size_t n, struct rg__kv *tmp)
{
	if (n <= 64 || !tmp) {
		for (size_t i = 1; i < n; i++) {
			struct rg__kv x = a[i];
			size_t j = i;
			while (j > 0 && a[j - 1].k > x.k) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = x;
		}
		return;
	}
	size_t cnt[8][256];
	memset(cnt, 0, sizeof cnt);
	for (size_t i = 0; i < n; i++) {
		uint64_t x = a[i].k;
		for (int b = 0; b < 8; b++)
			cnt[b][(x >> (8 * b)) & 255]++;
	}
	struct rg__kv *src = a, *dst = tmp;
	for (int b = 0; b < 8; b++) {
		if (cnt[b][(src[0].k >> (8 * b)) & 255] == n)
			continue;
		size_t pos = 0;
		for (int d = 0; d < 256; d++) {
			size_t c = cnt[b][d];
			cnt[b][d] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[b][(src[i].k >> (8 * b)) & 255]++] = src[i];
		struct rg__kv *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

int rg__sort_slots(uint32_t *a, size_t n, uint64_t ns)
{
	if (n <= 64) {
		for (size_t i = 1; i < n; i++) {
			uint32_t x = a[i];
			size_t j = i;
			while (j > 0 && a[j - 1] > x) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = x;
		}
		return 0;
	}
	size_t words = (size_t)(ns + 63) / 64;
	if (words <= 4 * n) {
		uint64_t *bm = calloc(words, sizeof *bm);
		if (!bm)
			return RG_ENOMEM;
		for (size_t i = 0; i < n; i++)
			bm[a[i] >> 6] |= UINT64_C(1) << (a[i] & 63);
		size_t k = 0;
		for (size_t w = 0; w < words; w++)
			for (uint64_t bits = bm[w]; bits; bits &= bits - 1)
				a[k++] = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bits));
		free(bm);
		return 0;
	}
	uint32_t *tmp = malloc(n * sizeof *tmp);
	if (!tmp)
		return RG_ENOMEM;
	size_t cnt[4][256];
	memset(cnt, 0, sizeof cnt);
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 4; b++)
			cnt[b][(a[i] >> (8 * b)) & 255]++;
	uint32_t *src = a, *dst = tmp;
	for (int b = 0; b < 4; b++) {
		if (cnt[b][(src[0] >> (8 * b)) & 255] == n)
			continue;
		size_t pos = 0;
		for (int d = 0; d < 256; d++) {
			size_t c = cnt[b][d];
			cnt[b][d] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[b][(src[i] >> (8 * b)) & 255]++] = src[i];
		uint32_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	free(tmp);
	return 0;
}
