/*
 * txn_internal.h - the open transaction, shared by the writer's modules:
 * txn.c (begin, operations, abort, commit), adj.c (adjacency blocks),
 * bulk.c (the sorted bulk insert path) and pack.c (rg_pack). Everything
 * here runs in the thread holding the writer mutex.
 */
#ifndef RG_TXN_INTERNAL_H
#define RG_TXN_INTERNAL_H

#include <string.h>

#include "graph_internal.h"
#include "ops.h"

/* A growable array of fixed-size items (writer scratch). */
struct rg__vec {
	void *p;
	size_t n, cap;
};
/* Makes room for one more item (doubling). RG_ENOMEM. */
int rg__vec_grow(struct rg__vec *v, size_t sz);
static inline int rg__vec_push(struct rg__vec *v, const void *x, size_t sz)
{
	if (__builtin_expect(v->n == v->cap, 0) && rg__vec_grow(v, sz))
		return RG_ENOMEM;
	memcpy((char *)v->p + v->n * sz, x, sz);
	v->n++;
	return 0;
}

/* A superseded published block, retired at commit. */
struct rg__gitem {
	void *p;
	size_t sz;
	unsigned cls;
};

struct rg_txn {
	rg_graph_t *g;
	uint64_t version;
	int poisoned;
	struct rg__vec touched; /* uint32_t slots that have a pending head */
	struct rg__vec garbage; /* struct rg__gitem: published blocks superseded */
	struct rg__vec idx_old; /* struct rg_idx *: index tables replaced by growth */
	struct rg__vec ops;     /* struct rg__op, for the redo log (durable graphs) */
	struct rg_base *new_base; /* rg_pack: published by commit, dropped by abort */
	void *scratch;            /* bulk.c's work space, reused across calls */
	size_t scratch_cap;
	int64_t dnodes, dedges;
	int log;      /* operations are recorded for the log (durable graph) */
	uint64_t t0;
	/* for metrics, added at commit */
	uint64_t n_add_nodes, n_del_nodes, n_add_edges, n_del_edges;
};

/* RG_ENOMEM / RG_ERANGE poison the transaction (commit then rolls back). */
static inline int rg__txn_poison(struct rg_txn *t, int rc)
{
	if (rc == RG_ENOMEM || rc == RG_ERANGE)
		t->poisoned = 1;
	return rc;
}

/* The pending head of slot, created on first touch (one per node per
 * transaction): a copy of the newest head, or a zeroed dead head, linked
 * into the node's cell at once (I2: invisible to every open snapshot by
 * its version). NULL: out of memory (the caller poisons). */
struct rg_head *rg__txn_touch(struct rg_txn *t, uint64_t slot);

/* The transaction's work space, at least `need` bytes (contents not kept
 * across calls); NULL when out of memory. */
void *rg__txn_scratch(struct rg_txn *t, size_t need);

/* Records one operation for the log (no-op in memory). */
void rg__txn_record_op(struct rg_txn *t, uint32_t kind, uint64_t a, uint64_t b, uint32_t u32,
		      uint64_t prop);
static inline void rg__txn_record(struct rg_txn *t, uint32_t kind, uint64_t a, uint64_t b,
				 uint32_t u32, uint64_t prop)
{
	if (t->log)
		rg__txn_record_op(t, kind, a, b, u32, prop);
}

/* The open transaction's head of slot if it touched the node, else NULL. */
static inline struct rg_head *rg__txn_mine(const struct rg_txn *t, uint64_t slot)
{
	struct rg_head *h = t->g->rd.heads[slot];
	return h && h->version == t->version ? h : NULL;
}

/* The pending head of slot: the fast path of rg__txn_touch. */
static inline struct rg_head *rg__txn_pending(struct rg_txn *t, uint64_t slot)
{
	struct rg_head *h = t->g->rd.heads[slot];
	return h && h->version == t->version ? h : rg__txn_touch(t, slot);
}

/* ---- adj.c: adjacency blocks of pending heads ---- */

/* log2 of the bytes per entry of a block with columns cols: 4-byte slots
 * plus the cold arrays, rounded up to a power of two (4, 8, 16, 32), so
 * that every column of a 2^k-byte block holds the same power of two. */
static inline unsigned rg__cols_esize_log(unsigned cols)
{
	unsigned sz = 4 + ((cols & RG_COL_ID) ? 8 : 0) + ((cols & RG_COL_PROP) ? 8 : 0) +
		      ((cols & RG_COL_TYPE) ? 4 : 0);
	return sz <= 4 ? 2 : sz <= 8 ? 3 : sz <= 16 ? 4 : 5;
}

/* Columns an entry (nbr_slot, nbr_id, type, prop) needs. */
static inline unsigned rg__entry_cols(uint32_t slot, uint64_t id, uint32_t type, uint64_t prop)
{
	return (id != slot ? RG_COL_ID : 0) | (prop ? RG_COL_PROP : 0) | (type ? RG_COL_TYPE : 0);
}

/* The writer's span of adjacency a (direction d) of a head of g. */
void rg__wspan(rg_graph_t *g, int d, const struct rg_adj *a, rg_span_t *sp);

/* Capacity of adjacency a (INBASE slices are full: capacity = len). */
static inline uint64_t rg__adj_cap(const struct rg_adj *a)
{
	if (!a->slots)
		return 0;
	if (a->cols & RG_COL_INBASE)
		return a->len;
	return UINT64_C(1) << a->lcap;
}

/* Makes adjacency d of pending head h able to take `more` entries with
 * columns `cols` (plus those it has): rebuilds it into a private block when
 * it is full, lacks a column, or is shared (published), growing the
 * capacity geometrically (amortised O(1) per entry). RG_ENOMEM, RG_ERANGE. */
int rg__adj_reserve(struct rg_txn *t, struct rg_head *h, int d, uint64_t more, unsigned cols);

/* Writes entry i (< capacity, columns present) of adjacency a. */
void rg__adj_put(struct rg_adj *a, uint64_t i, uint32_t slot, uint64_t id, uint32_t type,
		uint64_t prop);

/* Appends one entry (reserve + put). */
int rg__adj_append_slow(struct rg_txn *t, struct rg_head *h, int d, uint32_t slot, uint64_t id,
		       uint32_t type, uint64_t prop);
static inline int rg__adj_append(struct rg_txn *t, struct rg_head *h, int d, uint32_t slot,
				uint64_t id, uint32_t type, uint64_t prop)
{
	struct rg_adj *a = &h->adj[d];
	/* the common case: room past the published length, no cold arrays
	 * needed or kept (a pack slice has no room: its capacity is its len) */
	if (__builtin_expect(a->slots && !(a->cols & (RG_COL_INBASE | RG_COL_MASK)) &&
				     !(rg__entry_cols(slot, id, type, prop)) &&
				     a->len < (UINT64_C(1) << a->lcap),
			     1)) {
		/* a plain store past the published length: no reader looks at
		 * index len until a head with a larger len is published */
		a->slots[a->len++] = slot;
		return 0;
	}
	return rg__adj_append_slow(t, h, d, slot, id, type, prop);
}

/*
 * Removes from adjacency d of pending head h the entries for which
 * keep(ctx, slot, type, prop) returns 0, at most `max` of them, scanning
 * from the end when from_end is set (reverse entries: the newest match),
 * keeping the survivors' order. A published block is first copied into a
 * private one (copy on delete); a private one is edited in place. Returns
 * the number removed (>= 0) or RG_ENOMEM.
 */
typedef int (*rg__keep_fn)(void *ctx, uint32_t slot, uint32_t type, uint64_t prop);
int64_t rg__adj_remove(struct rg_txn *t, struct rg_head *h, int d, rg__keep_fn keep, void *ctx,
		      uint64_t max, int from_end);

/* Drops adjacency d of pending head h: its block is freed now if this
 * transaction allocated it, else retired at commit. RG_ENOMEM. */
int rg__adj_drop(struct rg_txn *t, struct rg_head *h, int d);

/* Reorders private adjacency a: position i gets the entry at rank[i].
 * tmp: 9 bytes per entry. RG_EINVAL (rank is not a permutation of
 * [0, len): nothing changed). */
int rg__adj_permute(struct rg_adj *a, const uint32_t *rank, void *tmp);

/* Frees a private block at once (never published). */
void rg__adj_free_private(rg_graph_t *g, int d, struct rg_adj *a);

/* Bytes of the block behind adjacency a (0 for none or a pack slice). */
static inline size_t rg__adj_block_bytes(const struct rg_adj *a)
{
	if (!a->slots || (a->cols & RG_COL_INBASE))
		return 0;
	return (size_t)1 << (a->lcap + rg__cols_esize_log(a->cols));
}

/* ---- bulk.c ---- */

/* Appends n resolved edges (slots[2i] source, slots[2i+1] destination),
 * sorted by endpoint. RG_ENOENT with *failed_at and nothing applied if an
 * endpoint is absent; RG_ENOMEM/ERANGE poison. */
int rg__bulk_apply(struct rg_txn *t, const rg_edge_in_t *in, const uint32_t *slots, size_t n,
		  size_t *failed_at);
#define RG_BULK_MIN_EDGES 65536

/* ---- pack.c ---- */

/* Builds a pack of the writer's view and points every live node at it,
 * inside t (what rg_pack() does). RG_ENOMEM (t poisoned). */
int rg__pack_in_txn(struct rg_txn *t);

#endif
