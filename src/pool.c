/*
 * pool.c - region + free-list allocator for heads and adjacency arrays
 * (see pool.h for why and for the threading contract).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "graph_internal.h"
#include "pool.h"

#define HEAD_CHUNK_MIN ((size_t)64 << 10)
#define HEAD_CHUNK_MAX ((size_t)2 << 20)
#define CHUNK ((size_t)1 << RG_POOL_CHUNK_ORDER)
#define UNIT_SHIFT RG_POOL_MIN_ORDER
/* A buddy chunk starts with its map: one byte per 128-byte unit, order + 1
 * where a free block starts, else 0. The map's own units are never free. */
#define MAP_BYTES (CHUNK >> UNIT_SHIFT)

void rg__pool_init(struct rg__pool *p, size_t head_size)
{
	memset(p, 0, sizeof *p);
	/* one head per cache line: a read touches exactly one line for it */
	p->head_size = (head_size + RG_CACHELINE - 1) & ~(size_t)(RG_CACHELINE - 1);
	p->head_next_chunk = HEAD_CHUNK_MIN;
}

static void free_bundle(struct rg__garbage *gb)
{
	free(gb->ptrs); /* gb->cls lives in the same block */
	free(gb);
}

void rg__pool_destroy(struct rg__pool *p)
{
	/* acquire: pairs with the push in rg__pool_give_back (a full barrier),
	 * so the bundles' contents and links written by other threads are
	 * visible */
	struct rg__garbage *gb = RG_LOAD_ACQUIRE(p->returned);
	while (gb) {
		struct rg__garbage *next = gb->ret_next;
		free_bundle(gb);
		gb = next;
	}
	for (size_t i = 0; i < p->nchunks; i++)
		munmap(p->chunks[i].base, p->chunks[i].size);
	free(p->chunks);
	free(p->head_free);
	memset(p, 0, sizeof *p);
}

/* Chunks are mapped straight from the kernel (zeroed, returned whole at
 * close): through malloc, freed 2 MiB blocks raise glibc's mmap threshold
 * and linger in the heap after the graph is closed. `align` is a power of
 * two <= size; the mapping is over-sized and trimmed to get it. */
static void *new_chunk(struct rg__pool *p, size_t align, size_t size)
{
	if (p->nchunks == p->chunkcap) {
		size_t nc = p->chunkcap ? 2 * p->chunkcap : 16;
		struct rg__pool_chunk *v = realloc(p->chunks, nc * sizeof *v);
		if (!v)
			return NULL;
		p->chunks = v;
		p->chunkcap = nc;
	}
	size_t extra = align > 4096 ? align : 0;
	char *m = mmap(NULL, size + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	char *c = m;
	if (extra) {
		c = (char *)(((uintptr_t)m + align - 1) & ~(uintptr_t)(align - 1));
		if (c > m)
			munmap(m, (size_t)(c - m));
		if (c + size < m + size + extra)
			munmap(c + size, (size_t)(m + size + extra - (c + size)));
	}
	p->chunks[p->nchunks++] = (struct rg__pool_chunk){c, size};
	p->bytes_reserved += size;
	return c;
}

/* ---- heads ---- */

static void *head_get(struct rg__pool *p)
{
	if (p->head_nfree)
		return p->head_free[--p->head_nfree];
	if ((size_t)(p->head_end - p->head_cur) < p->head_size) {
		size_t csz = p->head_next_chunk;
		/* full-size chunks aligned to 2 MiB and advised huge: heads are
		 * touched at random, and 4 KiB pages would add a TLB miss to most
		 * touches (small graphs keep small chunks and 4 KiB pages) */
		int huge = csz == HEAD_CHUNK_MAX;
		char *c = new_chunk(p, huge ? HEAD_CHUNK_MAX : RG_CACHELINE, csz);
		if (!c)
			return NULL;
		if (huge)
			(void)madvise(c, csz, MADV_HUGEPAGE);
		p->head_cur = c;
		p->head_end = c + csz;
		if (p->head_next_chunk < HEAD_CHUNK_MAX)
			p->head_next_chunk *= 2;
	}
	void *h = p->head_cur;
	p->head_cur += p->head_size;
	return h;
}

static void head_put(struct rg__pool *p, void *h)
{
	if (p->head_nfree == p->head_capfree) {
		size_t nc = p->head_capfree ? 2 * p->head_capfree : 256;
		void **v = realloc(p->head_free, nc * sizeof *v);
		if (!v)
			return; /* the head stays unused in its chunk until close */
		p->head_free = v;
		p->head_capfree = nc;
	}
	p->head_free[p->head_nfree++] = h;
}

/* ---- buddy regions ---- */

static inline uint8_t *chunk_map(void *blk)
{
	return (uint8_t *)((uintptr_t)blk & ~(uintptr_t)(CHUNK - 1));
}

static inline size_t unit_of(void *blk)
{
	return ((uintptr_t)blk & (CHUNK - 1)) >> UNIT_SHIFT;
}

static void blk_push(struct rg__pool_buddy *b, int order, void *blk)
{
	struct rg__pool_blk *x = blk, **head = &b->freel[order - RG_POOL_MIN_ORDER];
	x->prev = NULL;
	x->next = *head;
	if (*head)
		(*head)->prev = x;
	*head = x;
	chunk_map(blk)[unit_of(blk)] = (uint8_t)(order + 1);
}

static void blk_unlink(struct rg__pool_buddy *b, int order, struct rg__pool_blk *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		b->freel[order - RG_POOL_MIN_ORDER] = x->next;
	if (x->next)
		x->next->prev = x->prev;
	chunk_map(x)[unit_of(x)] = 0;
}

/* A new chunk: its map, then free blocks of orders 14 .. 20 filling the
 * rest ([16K,32K), [32K,64K), ..., [1M,2M)). */
static int buddy_grow(struct rg__pool *p, struct rg__pool_buddy *b)
{
	char *c = new_chunk(p, CHUNK, CHUNK);
	if (!c)
		return -1;
	/* Big graphs: fewer TLB misses on scans. Not for a graph's first
	 * chunk, so small graphs (tests open thousands) keep 4 KiB pages and
	 * only touch what they use. Advisory only. */
	if (b->chunks++ > 0)
		(void)madvise(c, CHUNK, MADV_HUGEPAGE);
	/* the map starts zeroed (fresh anonymous mapping): nothing free */
	for (int k = RG_POOL_MAX_ORDER; (size_t)1 << k >= MAP_BYTES; k--)
		blk_push(b, k, c + ((size_t)1 << k));
	return 0;
}

static void *buddy_get(struct rg__pool *p, struct rg__pool_buddy *b, int order)
{
	int j = order;
	while (j <= RG_POOL_MAX_ORDER && !b->freel[j - RG_POOL_MIN_ORDER])
		j++;
	if (j > RG_POOL_MAX_ORDER) {
		if (buddy_grow(p, b))
			return NULL;
		for (j = order; !b->freel[j - RG_POOL_MIN_ORDER]; j++)
			;
	}
	struct rg__pool_blk *x = b->freel[j - RG_POOL_MIN_ORDER];
	blk_unlink(b, j, x);
	while (j > order) { /* split: keep the low half, free the high half */
		j--;
		blk_push(b, j, (char *)x + ((size_t)1 << j));
	}
	return x;
}

static void buddy_put(struct rg__pool_buddy *b, int order, void *blk)
{
	uint8_t *map = chunk_map(blk);
	uintptr_t base = (uintptr_t)map;
	uintptr_t off = (uintptr_t)blk - base;
	/* merge with the buddy while it is free and whole; the two halves of
	 * a chunk never merge (the low one holds the map) */
	while (order < RG_POOL_MAX_ORDER) {
		uintptr_t boff = off ^ ((uintptr_t)1 << order);
		if (map[boff >> UNIT_SHIFT] != order + 1)
			break;
		blk_unlink(b, order, (struct rg__pool_blk *)(base + boff));
		if (boff < off)
			off = boff;
		order++;
	}
	blk_push(b, order, (void *)(base + off));
}

static inline void cls_split(unsigned cls, int *dir, int *order)
{
	unsigned a = cls - RG_CLS_ARR;
	*dir = (int)(a / RG_POOL_NCLS);
	*order = RG_POOL_MIN_ORDER + (int)(a % RG_POOL_NCLS);
}

void *rg__pool_get(struct rg__pool *p, unsigned cls)
{
	/* relaxed: only a hint; rg__pool_drain's exchange is the ordering one */
	if (RG_LOAD_SHARED(p->returned))
		rg__pool_drain(p);
	void *o;
	if (cls == RG_CLS_HEAD) {
		o = head_get(p);
		p->heads_used += o != NULL;
		return o;
	}
	int dir, order;
	cls_split(cls, &dir, &order);
	o = buddy_get(p, &p->buddy[dir], order);
	if (o)
		p->bytes_blocks += (uint64_t)1 << order;
	return o;
}

void rg__pool_put(struct rg__pool *p, unsigned cls, void *obj)
{
	if (cls == RG_CLS_MALLOC) {
		free(obj);
	} else if (cls == RG_CLS_BASE) {
		rg__base_put(obj);
	} else if (cls == RG_CLS_HEAD) {
		head_put(p, obj);
		p->heads_used--;
	} else {
		int dir, order;
		cls_split(cls, &dir, &order);
		buddy_put(&p->buddy[dir], order, obj);
		p->bytes_blocks -= (uint64_t)1 << order;
	}
}

void rg__pool_drain(struct rg__pool *p)
{
	/* full barrier (acquire side): pairs with the CAS in
	 * rg__pool_give_back, so the bundles' pointer arrays and links are
	 * visible */
	struct rg__garbage *gb = RG_XCHG(&p->returned, NULL);
	while (gb) {
		struct rg__garbage *next = gb->ret_next;
		for (size_t i = 0; i < gb->n; i++)
			rg__pool_put(p, gb->cls[i], gb->ptrs[i]);
		free_bundle(gb);
		gb = next;
	}
}

void rg__pool_give_back(struct rg__pool *p, struct rg__garbage *gb)
{
	size_t pooled = 0;
	for (size_t i = 0; i < gb->n; i++) {
		if (gb->cls[i] == RG_CLS_MALLOC)
			free(gb->ptrs[i]);
		else if (gb->cls[i] == RG_CLS_BASE)
			rg__base_put(gb->ptrs[i]);
		else
			gb->ptrs[pooled] = gb->ptrs[i], gb->cls[pooled++] = gb->cls[i];
	}
	gb->n = pooled;
	if (!pooled) {
		free_bundle(gb);
		return;
	}
	/* relaxed: the first guess of the CAS below, which re-reads on failure */
	struct rg__garbage *top = RG_LOAD_SHARED(p->returned), *seen;
	for (;;) {
		gb->ret_next = top;
		/* full barrier (release side): the writer's exchange in
		 * rg__pool_drain sees the compacted arrays and the link written
		 * above. Only pushes race here (the writer takes the whole
		 * stack at once), so there is no ABA. */
		seen = RG_CMPXCHG(&p->returned, top, gb);
		if (seen == top)
			break;
		top = seen;
	}
}
