/*
 * pool.h - the writer's allocator for node heads and adjacency arrays.
 *
 * Why not malloc: every commit allocates a head per touched node and
 * retires the one it replaces, and blocks grow by doubling. With malloc,
 * heads, out-blocks and in-blocks end up interleaved in one heap, so a
 * read of one node's out-neighbours drags unrelated lines through the
 * cache; and the writer pays a malloc/free pair (plus a cross-thread free
 * from the reclamation thread) per touched node. Here:
 *  - heads come from a region of their own, one per cache line, and are
 *    recycled through a free list (all heads have one size);
 *  - adjacency blocks come from one buddy allocator per direction (out /
 *    in): blocks of 2^k bytes, 32 B .. 1 MiB, carved from 2 MiB chunks. A
 *    block holds a power-of-two number of entries: 4-byte slots, then the
 *    cold arrays the adjacency needs (layout.h), so its entry size is
 *    rounded up to 4, 8, 16 or 32 bytes (rg__adj_esize_log). Freed blocks
 *    merge with their free buddy, so a graph that only grows (every block
 *    replaced by one twice its size) reuses the memory of the small blocks
 *    it gave up, as malloc would. Larger blocks use aligned_alloc;
 *  - the reclaiming thread does not touch the objects: it hands the whole
 *    garbage bundle (pointer + class arrays) back with one lock-free push,
 *    and the writer frees the objects into its pools when it next
 *    allocates.
 * Chunks are returned to the system at rg_close.
 *
 * Threads: rg__pool_get/rg__pool_put/rg__pool_drain only in the writer (the
 * thread holding the writer mutex); rg__pool_give_back from any thread
 * (reclamation callbacks); rg__pool_init/rg__pool_destroy single-threaded.
 */
#ifndef RG_POOL_H
#define RG_POOL_H

#include <stddef.h>
#include <stdint.h>

#define RG_POOL_MIN_ORDER 5  /* 32-byte blocks */
#define RG_POOL_MAX_ORDER 20 /* 1 MiB blocks */
#define RG_POOL_CHUNK_ORDER 21
#define RG_POOL_NCLS (RG_POOL_MAX_ORDER - RG_POOL_MIN_ORDER + 1)

/* Object classes: 0 = plain malloc (freed with free()), 1 = head, then the
 * block classes of the out-region, then those of the in-region. */
enum { RG_CLS_MALLOC = 0, RG_CLS_HEAD = 1, RG_CLS_ARR = 2 };
#define RG_POOL_NCLASSES (RG_CLS_ARR + 2 * RG_POOL_NCLS)
/* Not pool classes: a pack in a garbage bundle (its reference is dropped,
 * rg__base_put, any thread), and, in a head's rg_adj.cls only, an adjacency
 * that is a slice of the pack (never freed on its own). */
#define RG_CLS_BASE RG_POOL_NCLASSES
#define RG_CLS_INBASE (RG_POOL_NCLASSES + 1)

/* The class of a block of 2^order bytes in direction dir (0 out, 1 in):
 * a pool class, or RG_CLS_MALLOC above RG_POOL_MAX_ORDER. */
static inline unsigned rg__pool_block_class(int dir, unsigned order)
{
	if (order > RG_POOL_MAX_ORDER)
		return RG_CLS_MALLOC;
	if (order < RG_POOL_MIN_ORDER)
		order = RG_POOL_MIN_ORDER;
	return RG_CLS_ARR + (unsigned)dir * RG_POOL_NCLS + (order - RG_POOL_MIN_ORDER);
}

/* Byte order of the blocks of pool class cls (>= RG_CLS_ARR). */
static inline unsigned rg__pool_class_order(unsigned cls)
{
	return (cls - RG_CLS_ARR) % RG_POOL_NCLS + RG_POOL_MIN_ORDER;
}

struct rg__garbage;

/* Free block of a buddy region: list links live in the block itself. */
struct rg__pool_blk {
	struct rg__pool_blk *next, *prev;
};

struct rg__pool_buddy {
	struct rg__pool_blk *freel[RG_POOL_NCLS]; /* by order - MIN_ORDER */
	int chunks;                              /* chunks opened so far */
};

struct rg__pool_chunk {
	void *base;
	size_t size;
};

struct rg__pool {
	/* heads: bump region + LIFO free list (pointer array, so taking one
	 * is not a dependent load through the freed head) */
	char *head_cur, *head_end;
	size_t head_next_chunk;
	void **head_free;
	size_t head_nfree, head_capfree;
	size_t head_size;
	struct rg__pool_buddy buddy[2]; /* out-arrays, in-arrays */
	struct rg__pool_chunk *chunks;  /* every chunk, unmapped at destroy */
	size_t nchunks, chunkcap;
	uint64_t bytes_reserved; /* chunk bytes obtained from the system */
	uint64_t bytes_blocks;   /* bytes of blocks handed out and not put back */
	uint64_t heads_used;     /* heads handed out and not put back */
	/* bundles handed back by reclamation, linked through ret_next */
	struct rg__garbage *returned; /* atomic (RG_CMPXCHG / RG_XCHG) */
};

void rg__pool_init(struct rg__pool *p, size_t head_size);
/* Frees every chunk and every bundle still queued. Single-threaded. */
void rg__pool_destroy(struct rg__pool *p);
/* An object of class cls (not RG_CLS_MALLOC): a head of head_size bytes,
 * or a block of 2^rg__pool_class_order(cls) bytes. Writer only. NULL when
 * the system is out of memory. */
void *rg__pool_get(struct rg__pool *p, unsigned cls);
/* rg__pool_get(p, RG_CLS_HEAD), inlined where a recycled head is ready
 * (every touch of a node allocates one). Writer only. */
static inline void *rg__pool_get_head(struct rg__pool *p)
{
	/* relaxed: only a hint, as in rg__pool_get */
	if (__builtin_expect(p->head_nfree != 0 && RG_LOAD_SHARED(p->returned) == NULL, 1)) {
		p->heads_used++;
		return p->head_free[--p->head_nfree];
	}
	return rg__pool_get(p, 1 /* RG_CLS_HEAD */);
}

/* Returns an object no reader can hold (never published, or already past
 * its grace period). RG_CLS_MALLOC objects are free()d. Writer only. */
void rg__pool_put(struct rg__pool *p, unsigned cls, void *obj);
/* Prefetches (for writing) the head that the k-th next RG_CLS_HEAD
 * allocation will return: batched inserts overwrite a recycled, cold head
 * per touched node. Writer only. */
static inline void rg__pool_prefetch_head(const struct rg__pool *p, size_t k)
{
	if (p->head_nfree > k)
		__builtin_prefetch(p->head_free[p->head_nfree - 1 - k], 1);
	else if ((size_t)(p->head_end - p->head_cur) > (k - p->head_nfree + 1) * p->head_size)
		__builtin_prefetch(p->head_cur + (k - p->head_nfree) * p->head_size, 1);
}

/* Sorts every handed-back bundle into the free lists. Writer only. */
void rg__pool_drain(struct rg__pool *p);
/* Takes ownership of a reclaimed bundle whose objects no reader can hold:
 * malloc-class objects are freed here, pool objects wait for the writer.
 * Any thread, lock-free. */
void rg__pool_give_back(struct rg__pool *p, struct rg__garbage *gb);

#endif
