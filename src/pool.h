/*
 * pool.h - the writer's allocator for node heads and adjacency arrays.
 *
 * Why not malloc: every commit allocates a head per touched node and
 * retires the one it replaces, and arrays grow by doubling. With malloc,
 * heads, out-arrays and in-arrays end up interleaved in one heap, so a
 * read of one node's out-neighbours drags unrelated lines through the
 * cache; and the writer pays a malloc/free pair (plus a cross-thread free
 * from the reclamation thread) per touched node. Here:
 *  - heads come from a region of their own, one per cache line, and are
 *    recycled through a free list (all heads have one size);
 *  - arrays come from one buddy allocator per direction (out / in): blocks
 *    of 2^k bytes, 128 B .. 1 MiB, carved from 2 MiB chunks; a block of 2^k
 *    bytes holds 2^(k-5) 32-byte entries and nothing else, so capacities
 *    are 4, 8, 16, ..., RG_POOL_MAX_CAP. Freed blocks merge
 *    with their free buddy, so a graph that only grows (every array
 *    replaced by one twice its size) reuses the memory of the small arrays
 *    it gave up, as malloc would. Larger arrays use malloc;
 *  - the reclaiming thread does not touch the objects: it hands the whole
 *    garbage bundle (pointer + class arrays) back with one lock-free push,
 *    and the writer frees the objects into its pools when it next
 *    allocates.
 * Chunks are returned to the system at rg_close.
 *
 * Threads: rg_pool_get/rg_pool_put/rg_pool_drain only in the writer (the
 * thread holding the writer mutex); rg_pool_give_back from any thread
 * (reclamation callbacks); rg_pool_init/rg_pool_destroy single-threaded.
 */
#ifndef RG_POOL_H
#define RG_POOL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define RG_POOL_MIN_ORDER 7  /* 128-byte blocks: capacity 4 */
#define RG_POOL_MAX_ORDER 20 /* 1 MiB blocks: capacity 32768 */
#define RG_POOL_CHUNK_ORDER 21
#define RG_POOL_MIN_CAP (UINT32_C(1) << (RG_POOL_MIN_ORDER - 5))
#define RG_POOL_MAX_CAP (UINT32_C(1) << (RG_POOL_MAX_ORDER - 5))
#define RG_POOL_NCLS (RG_POOL_MAX_ORDER - RG_POOL_MIN_ORDER + 1)

/* Object classes: 0 = plain malloc (freed with free()), 1 = head, then the
 * array classes of the out-region, then those of the in-region. */
enum { RG_CLS_MALLOC = 0, RG_CLS_HEAD = 1, RG_CLS_ARR = 2 };
#define RG_POOL_NCLASSES (RG_CLS_ARR + 2 * RG_POOL_NCLS)
/* Not pool classes: a whole packed base in a garbage bundle (freed with
 * rg_base_free, any thread), and, in a head's acls only, an adjacency that
 * is a slice of the packed base (never freed on its own). */
#define RG_CLS_BASE RG_POOL_NCLASSES
#define RG_CLS_INBASE (RG_POOL_NCLASSES + 1)

struct rg_garbage;

/* Free block of a buddy region: list links live in the block itself. */
struct rg_pool_blk {
	struct rg_pool_blk *next, *prev;
};

struct rg_pool_buddy {
	struct rg_pool_blk *freel[RG_POOL_NCLS]; /* by order - MIN_ORDER */
	int chunks;                              /* chunks opened so far */
};

struct rg_pool_chunk {
	void *base;
	size_t size;
};

struct rg_pool {
	/* heads: bump region + LIFO free list (pointer array, so taking one
	 * is not a dependent load through the freed head) */
	char *head_cur, *head_end;
	size_t head_next_chunk;
	void **head_free;
	size_t head_nfree, head_capfree;
	size_t head_size;
	struct rg_pool_buddy buddy[2]; /* out-arrays, in-arrays */
	struct rg_pool_chunk *chunks;  /* every chunk, unmapped at destroy */
	size_t nchunks, chunkcap;
	uint64_t bytes_reserved; /* chunk bytes obtained from the system */
	/* bundles handed back by reclamation, linked through ret_next */
	_Atomic(struct rg_garbage *) returned;
};

/* The capacity an array of at least `want` entries gets: the next power of
 * two in [RG_POOL_MIN_CAP, RG_POOL_MAX_CAP], or `want` itself above that
 * (malloc'ed). */
static inline uint32_t rg_pool_round_cap(uint32_t want)
{
	if (want <= RG_POOL_MIN_CAP)
		return RG_POOL_MIN_CAP;
	if (want > RG_POOL_MAX_CAP)
		return want;
	return UINT32_C(1) << (32 - __builtin_clz(want - 1));
}

/* The class of an array of capacity cap in direction dir (0 out, 1 in). */
static inline unsigned rg_pool_arr_class(int dir, uint32_t cap)
{
	if (cap > RG_POOL_MAX_CAP || cap < RG_POOL_MIN_CAP || (cap & (cap - 1)))
		return RG_CLS_MALLOC;
	return RG_CLS_ARR + (unsigned)dir * RG_POOL_NCLS +
	       (unsigned)(__builtin_ctz(cap) + 5 - RG_POOL_MIN_ORDER);
}

/* Capacity (entries) of array class cls. */
static inline uint32_t rg_pool_class_cap(unsigned cls)
{
	return UINT32_C(1) << ((cls - RG_CLS_ARR) % RG_POOL_NCLS + RG_POOL_MIN_ORDER - 5);
}

void rg_pool_init(struct rg_pool *p, size_t head_size);
/* Frees every chunk and every bundle still queued. Single-threaded. */
void rg_pool_destroy(struct rg_pool *p);
/* An object of class cls (not RG_CLS_MALLOC): a head of head_size bytes,
 * or an array block of rg_pool_class_cap(cls) entries. Writer only. NULL
 * when the system is out of memory. */
void *rg_pool_get(struct rg_pool *p, unsigned cls);
/* Returns an object no reader can hold (never published, or already past
 * its grace period). RG_CLS_MALLOC objects are free()d. Writer only. */
void rg_pool_put(struct rg_pool *p, unsigned cls, void *obj);
/* Prefetches (for writing) the head that the k-th next RG_CLS_HEAD
 * allocation will return: batched inserts overwrite a recycled, cold head
 * per touched node. Writer only. */
static inline void rg_pool_prefetch_head(const struct rg_pool *p, size_t k)
{
	if (p->head_nfree > k)
		__builtin_prefetch(p->head_free[p->head_nfree - 1 - k], 1);
	else if ((size_t)(p->head_end - p->head_cur) > (k - p->head_nfree + 1) * p->head_size)
		__builtin_prefetch(p->head_cur + (k - p->head_nfree) * p->head_size, 1);
}

/* Sorts every handed-back bundle into the free lists. Writer only. */
void rg_pool_drain(struct rg_pool *p);
/* Takes ownership of a reclaimed bundle whose objects no reader can hold:
 * malloc-class objects are freed here, pool objects wait for the writer.
 * Any thread, lock-free. */
void rg_pool_give_back(struct rg_pool *p, struct rg_garbage *gb);

#endif
