/*
 * pool.c - region + free-list allocator for heads and adjacency arrays
 * (see pool.h for why and for the threading contract).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "graph_internal.h"
#include "pool.h"

#define CHUNK_MIN ((size_t)64 << 10)
#define CHUNK_MAX ((size_t)2 << 20)

void rg_pool_init(struct rg_pool *p, size_t head_size)
{
	memset(p, 0, sizeof *p);
	/* one head per cache line: a read touches exactly one line for it */
	p->head_size = (head_size + RG_CACHELINE - 1) & ~(size_t)(RG_CACHELINE - 1);
	for (int r = 0; r < 3; r++)
		p->region[r].next_chunk = CHUNK_MIN;
	atomic_init(&p->returned, NULL);
}

static void free_bundle(struct rg_garbage *gb)
{
	free(gb->ptrs); /* gb->cls lives in the same block */
	free(gb);
}

void rg_pool_destroy(struct rg_pool *p)
{
	struct rg_garbage *gb = atomic_load_explicit(&p->returned, memory_order_acquire);
	while (gb) {
		struct rg_garbage *next = gb->ret_next;
		free_bundle(gb);
		gb = next;
	}
	for (size_t i = 0; i < p->nchunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	for (int c = 0; c < RG_POOL_NCLASSES; c++)
		free(p->freel[c].p);
	memset(p, 0, sizeof *p);
}

static int region_of(unsigned cls)
{
	return cls == RG_CLS_HEAD ? 0 : 1 + (int)((cls - RG_CLS_ARR) / RG_POOL_NCLS);
}

/* Bump-allocates from the class's region, opening a new chunk if needed.
 * The unused tail of the old chunk is abandoned (at most one object of the
 * largest class, < 7% of a full-size chunk). */
static void *carve(struct rg_pool *p, unsigned cls, size_t size)
{
	struct rg_pool_region *r = &p->region[region_of(cls)];
	if ((size_t)(r->end - r->cur) < size) {
		size_t csz = r->next_chunk;
		while (csz < size)
			csz *= 2;
		if (p->nchunks == p->chunkcap) {
			size_t nc = p->chunkcap ? 2 * p->chunkcap : 16;
			void **v = realloc(p->chunks, nc * sizeof *v);
			if (!v)
				return NULL;
			p->chunks = v;
			p->chunkcap = nc;
		}
		size_t align = csz >= CHUNK_MAX ? CHUNK_MAX : RG_CACHELINE;
		char *c = aligned_alloc(align, csz);
		if (!c)
			return NULL;
		if (csz >= CHUNK_MAX)
			/* fewer TLB misses on scans of big graphs; advisory only */
			(void)madvise(c, csz, MADV_HUGEPAGE);
		p->chunks[p->nchunks++] = c;
		p->bytes_reserved += csz;
		r->cur = c;
		r->end = c + csz;
		if (r->next_chunk < CHUNK_MAX)
			r->next_chunk *= 2;
	}
	void *o = r->cur;
	r->cur += size;
	return o;
}

void *rg_pool_get(struct rg_pool *p, unsigned cls, size_t size)
{
	struct rg_pool_free *f = &p->freel[cls];
	if (!f->n && atomic_load_explicit(&p->returned, memory_order_relaxed))
		rg_pool_drain(p);
	if (f->n)
		return f->p[--f->n];
	return carve(p, cls, size);
}

static int push_free(struct rg_pool_free *f, void *obj)
{
	if (f->n == f->cap) {
		size_t nc = f->cap ? 2 * f->cap : 64;
		void **v = realloc(f->p, nc * sizeof *v);
		if (!v)
			return -1;
		f->p = v;
		f->cap = nc;
	}
	f->p[f->n++] = obj;
	return 0;
}

void rg_pool_put(struct rg_pool *p, unsigned cls, void *obj)
{
	if (cls == RG_CLS_MALLOC)
		free(obj);
	else
		/* out of memory for the list itself: the object stays in its
		 * chunk, unused until close (a leak of one object, not a crash) */
		(void)push_free(&p->freel[cls], obj);
}

void rg_pool_drain(struct rg_pool *p)
{
	/* acquire: pairs with the release CAS in rg_pool_give_back, so the
	 * bundles' pointer arrays and links are visible */
	struct rg_garbage *gb = atomic_exchange_explicit(&p->returned, NULL, memory_order_acquire);
	while (gb) {
		struct rg_garbage *next = gb->ret_next;
		for (size_t i = 0; i < gb->n; i++)
			if (gb->cls[i] != RG_CLS_MALLOC)
				(void)push_free(&p->freel[gb->cls[i]], gb->ptrs[i]);
		free_bundle(gb);
		gb = next;
	}
}

void rg_pool_give_back(struct rg_pool *p, struct rg_garbage *gb)
{
	size_t pooled = 0;
	for (size_t i = 0; i < gb->n; i++) {
		if (gb->cls[i] == RG_CLS_MALLOC)
			free(gb->ptrs[i]);
		else
			gb->ptrs[pooled] = gb->ptrs[i], gb->cls[pooled++] = gb->cls[i];
	}
	gb->n = pooled;
	if (!pooled) {
		free_bundle(gb);
		return;
	}
	struct rg_garbage *top = atomic_load_explicit(&p->returned, memory_order_relaxed);
	do
		gb->ret_next = top;
	/* release: the writer's acquire exchange in rg_pool_drain sees the
	 * compacted arrays and the link written above. Only pushes race here
	 * (the writer takes the whole stack at once), so there is no ABA. */
	while (!atomic_compare_exchange_weak_explicit(&p->returned, &top, gb, memory_order_release,
						      memory_order_relaxed));
}
