/*
 * test_pool.c - the writer's allocator (src/pool.c): capacity classes,
 * buddy splitting and merging, no overlap, reuse before growth, and the
 * hand-back path from a reclamation thread.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "pool.h"
#include "txn_internal.h"

Test(pool, block_classes)
{
	for (int d = 0; d < 2; d++) {
		for (unsigned order = 0; order <= RG_POOL_MAX_ORDER + 4; order++) {
			unsigned cls = rg__pool_block_class(d, order);
			if (order > RG_POOL_MAX_ORDER) {
				cr_assert_eq(cls, RG_CLS_MALLOC, "order %u: malloc'ed", order);
				continue;
			}
			cr_assert_geq(cls, RG_CLS_ARR);
			cr_assert_lt(cls, RG_POOL_NCLASSES);
			/* below the smallest block: the smallest block */
			unsigned want = order < RG_POOL_MIN_ORDER ? RG_POOL_MIN_ORDER : order;
			cr_assert_eq(rg__pool_class_order(cls), want, "order %u", order);
		}
	}
	/* out and in classes are distinct */
	cr_assert_neq(rg__pool_block_class(0, 7), rg__pool_block_class(1, 7));
	/* a block's entry count: slots only 4 bytes, every cold array a power
	 * of two in all (txn_internal.h) */
	cr_assert_eq(rg__cols_esize_log(0), 2);
	cr_assert_eq(rg__cols_esize_log(RG_COL_TYPE), 3);
	cr_assert_eq(rg__cols_esize_log(RG_COL_ID), 4);
	cr_assert_eq(rg__cols_esize_log(RG_COL_PROP | RG_COL_TYPE), 4);
	cr_assert_eq(rg__cols_esize_log(RG_COL_ID | RG_COL_PROP), 5);
	cr_assert_eq(rg__cols_esize_log(RG_COL_MASK), 5);
}

static size_t free_blocks(const struct rg__pool *p, int dir, int order)
{
	size_t n = 0;
	for (const struct rg__pool_blk *b = p->buddy[dir].freel[order - RG_POOL_MIN_ORDER]; b;
	     b = b->next)
		n++;
	return n;
}

struct obj {
	uint64_t *p;
	unsigned cls;
	size_t words;
};

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Allocates n blocks of random orders, fills each with its own pattern,
 * frees them in random order after checking the patterns. */
static void churn(struct rg__pool *p, size_t n, uint64_t seed)
{
	struct obj *o = calloc(n, sizeof *o);
	cr_assert_not_null(o);
	uint64_t s = seed;
	for (size_t i = 0; i < n; i++) {
		int dir = (int)(rnd(&s) & 1);
		/* mostly small, sometimes up to the largest class */
		int order = RG_POOL_MIN_ORDER + (int)(rnd(&s) % 5);
		if (rnd(&s) % 50 == 0)
			order = RG_POOL_MIN_ORDER + (int)(rnd(&s) % RG_POOL_NCLS);
		o[i].cls = rg__pool_block_class(dir, (unsigned)order);
		o[i].words = (size_t)1 << (order - 3);
		o[i].p = rg__pool_get(p, o[i].cls);
		cr_assert_not_null(o[i].p);
		/* a block of 2^k bytes is aligned to 2^k inside its 2 MiB chunk */
		cr_assert_eq((uintptr_t)o[i].p & (((uintptr_t)1 << order) - 1), 0);
		for (size_t w = 0; w < o[i].words; w++)
			o[i].p[w] = i * 0x9e3779b97f4a7c15u + w;
	}
	for (size_t i = n; i > 1; i--) { /* shuffle */
		size_t j = rnd(&s) % i;
		struct obj tmp = o[i - 1];
		o[i - 1] = o[j];
		o[j] = tmp;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t w = 0; w < o[i].words; w += 7) {
			cr_assert_eq(o[i].p[w] - w, o[i].p[0], "block overlap detected");
		}
		rg__pool_put(p, o[i].cls, o[i].p);
	}
	free(o);
}

Test(pool, buddy_merges_back_to_whole_chunks)
{
	struct rg__pool p;
	rg__pool_init(&p, sizeof(struct rg_head));
	churn(&p, 20000, 42);
	int chunks[2] = {p.buddy[0].chunks, p.buddy[1].chunks};
	cr_assert_gt(chunks[0] + chunks[1], 2, "the churn should need several chunks");
	/* everything freed: every chunk is again one free block per order
	 * 16..20 (the map, a byte per 32-byte unit, occupies the first 64
	 * KiB), nothing smaller */
	for (int d = 0; d < 2; d++)
		for (int k = RG_POOL_MIN_ORDER; k <= RG_POOL_MAX_ORDER; k++)
			cr_assert_eq(free_blocks(&p, d, k), k >= 16 ? (size_t)chunks[d] : 0,
				     "dir %d order %d: %zu free blocks", d, k, free_blocks(&p, d, k));
	/* the same churn again is served from the merged blocks */
	uint64_t reserved = p.bytes_reserved;
	churn(&p, 20000, 42);
	cr_assert_eq(p.bytes_reserved, reserved, "reuse must come before growth");
	rg__pool_destroy(&p);
}

Test(pool, heads_are_cache_lines_and_recycled)
{
	struct rg__pool p;
	rg__pool_init(&p, sizeof(struct rg_head));
	cr_assert_eq(p.head_size, 64);
	void *a = rg__pool_get(&p, RG_CLS_HEAD);
	void *b = rg__pool_get(&p, RG_CLS_HEAD);
	cr_assert_eq((uintptr_t)a % 64, 0);
	cr_assert_eq((char *)b - (char *)a, 64);
	rg__pool_put(&p, RG_CLS_HEAD, a);
	cr_assert_eq(rg__pool_get(&p, RG_CLS_HEAD), a);
	rg__pool_destroy(&p);
}

/* A bundle as txn.c builds it: pointers, then classes, in one block. */
static struct rg__garbage *bundle(size_t cap)
{
	struct rg__garbage *gb = calloc(1, sizeof *gb);
	gb->cap = cap;
	gb->ptrs = malloc(cap * (sizeof(void *) + 1));
	gb->cls = (uint8_t *)(gb->ptrs + cap);
	return gb;
}

struct gb_arg {
	struct rg__pool *p;
	struct rg__garbage *gb;
};

static void *give_back_thread(void *arg)
{
	struct gb_arg *a = arg;
	rg__pool_give_back(a->p, a->gb);
	return NULL;
}

Test(pool, give_back_from_another_thread)
{
	struct rg__pool p;
	rg__pool_init(&p, sizeof(struct rg_head));
	unsigned cls = rg__pool_block_class(RG_OUT, 9);
	void *arr = rg__pool_get(&p, cls);
	void *head = rg__pool_get(&p, RG_CLS_HEAD);
	void *big = malloc(100);
	struct rg__garbage *gb = bundle(4);
	gb->ptrs[0] = arr, gb->cls[0] = (uint8_t)cls;
	gb->ptrs[1] = head, gb->cls[1] = RG_CLS_HEAD;
	gb->ptrs[2] = big, gb->cls[2] = RG_CLS_MALLOC; /* freed by give_back (ASan: no leak) */
	gb->n = 3;
	pthread_t th;
	struct gb_arg a = {&p, gb};
	pthread_create(&th, NULL, give_back_thread, &a);
	pthread_join(th, NULL);
	cr_assert_not_null(RG_LOAD_SHARED(p.returned));
	/* the writer's next allocation drains the bundle: the same objects come back */
	cr_assert_eq(rg__pool_get(&p, RG_CLS_HEAD), head);
	cr_assert_null(RG_LOAD_SHARED(p.returned));
	cr_assert_eq(rg__pool_get(&p, cls), arr);
	/* a bundle that is handed back but never drained is freed at destroy */
	gb = bundle(1);
	gb->ptrs[0] = rg__pool_get(&p, RG_CLS_HEAD), gb->cls[0] = RG_CLS_HEAD;
	gb->n = 1;
	rg__pool_give_back(&p, gb);
	rg__pool_destroy(&p);
}
