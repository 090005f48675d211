/*
 * rcugraph/static/layout.h - the read side's data layout and its inline
 * read path.
 *
 * NOT A STABLE ABI. This is rcugraph's counterpart of liburcu's
 * urcu/static/ headers: the structures a reader walks and the static inline
 * functions that walk them. The library's exported read functions
 * (rg_span, rg_degree, ...) are thin wrappers around these functions, and
 * so are the opt-in inline read functions of <rcugraph/inline.h>; a program
 * that inlines them bakes this layout in and must be rebuilt with every
 * rcugraph release (RG_LAYOUT_VERSION; rg_open() does not check it).
 *
 * Layout (docs/design.md has the reasoning and the invariants):
 *
 *   rg_graph (prefix struct rg_graph_rd)
 *     snap ──► rg_snap {version, counts, nslots, dense, base}   one per commit
 *     heads ──► struct rg_head *[slots]  head pointer per slot (one virtual
 *                                        reservation: never moves)
 *     ids   ──► uint64_t [slots]         slot -> id (sparse graphs only)
 *     idx ──► rg_idx                             id -> slot (sparse graphs only)
 *
 *   rg_head (64 bytes): {version, prev, adj[OUT], adj[IN], label, alive}
 *     a node's state at one version; heads of a node form a chain newest
 *     first (I1)
 *   rg_adj (16 bytes): {slots, len, lcap, cols}
 *     slots[0..len) are the edges; the cold arrays follow the slot array in
 *     the same block at offsets that are shifts of lcap (rg_adj_cold), or,
 *     for a slice of the pack (RG_COL_INBASE), lie in the pack's arrays
 *   rg_base: the pack, a CSR per direction in the same format, plus per
 *     slot labels, ids, alive bits and the writer-cleared clean bits
 */
#ifndef RCUGRAPH_STATIC_LAYOUT_H
#define RCUGRAPH_STATIC_LAYOUT_H

#include <stdint.h>

#include <rcugraph/rcugraph.h>

/* rcu_dereference: liburcu's dependency-ordered pointer load (inline with
 * _LGPL_SOURCE). Flavour-independent. */
#include <urcu/arch.h>    /* cmm_smp_rmb, cmm_smp_read_barrier_depends */
#include <urcu/pointer.h>
#include <urcu/system.h>  /* _CMM_LOAD_SHARED */

#define RG_LAYOUT_VERSION 2

/* ThreadSanitizer cannot see liburcu's barriers (a volatile access plus a
 * compiler or CPU fence): under TSan a dependency-ordered load is written
 * as the C11 acquire load it models. */
#if defined(__SANITIZE_THREAD__)
#define RG_DEREF(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define RG_LOAD_SHARED(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define RG_LOAD_ACQUIRE(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#else
/* Single-copy-atomic load that the compiler may not tear, fuse or re-read:
 * liburcu's _CMM_LOAD_SHARED (a volatile access, the kernel's READ_ONCE).
 * Not CMM_LOAD_SHARED, which adds cmm_smp_rmc(): a full compiler barrier
 * on cache-coherent machines, one per load on the read path, that stops
 * the compiler from keeping anything in registers across it (measured:
 * ~24 instructions per span lookup, most of them reloads). Only caches
 * that are not coherent need it, and rcugraph supports none. */
#define RG_LOAD_SHARED(x) _CMM_LOAD_SHARED(x)
/* rcu_dereference with the same load: liburcu's _rcu_dereference is
 * CMM_LOAD_SHARED then cmm_smp_read_barrier_depends() (nothing outside
 * Alpha); the address dependency orders the loads through the pointer. */
#define RG_DEREF(p)                                                                           \
	__extension__({                                                                       \
		__typeof__(p) rg_p_ = _CMM_LOAD_SHARED(p);                                    \
		cmm_smp_read_barrier_depends();                                               \
		rg_p_;                                                                        \
	})
/* Load-acquire: later loads (also those not reached through x) stay after
 * it: cmm_smp_rmb() (a compiler barrier on x86, a fence elsewhere). */
#define RG_LOAD_ACQUIRE(x)                                                                    \
	__extension__({                                                                       \
		__typeof__(x) rg_v_ = _CMM_LOAD_SHARED(x);                                    \
		cmm_smp_rmb();                                                                \
		rg_v_;                                                                        \
	})
#endif


/* Policy kinds, in rg_policy_names() order (rg_graph_rd.pol_kind). */
enum {
	RG_POL_RCU_MEMB,
	RG_POL_RCU_QSBR,
	RG_POL_RCU_BP,
	RG_POL_RCU_MB,
	RG_POL_CK_EPOCH,
	RG_POL_CK_SEQLOCK,
	RG_POL_NOSYNC,
	RG_POL_MUTEX,
	RG_POL_RWLOCK,
	RG_POL_RWLOCK_WP,
	RG_POL_CK_RWLOCK,
	RG_POL_CK_BRLOCK,
	RG_POL_CK_PFLOCK,
	RG_POL_LRU_RWLOCK,
	RG_POL__COUNT
};

/* Cold arrays an adjacency stores (rg_adj.cols, rg_base.cols). */
enum {
	RG_COL_ID = 1,      /* neighbour ids (sparse graphs) */
	RG_COL_PROP = 2,    /* edge properties (some property != 0) */
	RG_COL_TYPE = 4,    /* edge types (some type != 0) */
	RG_COL_MASK = 7,
	RG_COL_INBASE = 0x80, /* a slice of the pack: cold arrays are the pack's */
};

struct rg_adj {
	uint32_t *slots; /* neighbour slots [0, len); NULL when len == 0 */
	uint32_t len;    /* the edges of this head (every one of them live) */
	uint8_t lcap;    /* log2 capacity of the block (not for INBASE) */
	uint8_t cols;    /* RG_COL_* */
	uint8_t cls;     /* writer only: allocator class of the block */
	uint8_t priv;    /* writer only: allocated by the open transaction */
};

/* A node's state at one version. One cache line. */
struct rg_head {
	uint64_t version;     /* commit that created this head */
	struct rg_head *prev; /* the head it replaced (readers of older snapshots) */
	struct rg_adj adj[2]; /* RG_OUT, RG_IN */
	uint32_t label;
	uint8_t alive;
	uint8_t wpad[11];     /* writer only */
};
_Static_assert(sizeof(struct rg_head) == 64, "a head is one cache line");

/*
 * The pack (rg_pack): every adjacency at one version as a CSR per
 * direction, plus the node table at that version. Immutable but for the
 * clean bits, which the writer clears (relaxed) when a transaction first
 * touches a node, before that transaction's snapshot record is published
 * (release): readers of that record or later see the bit clear and read
 * the node's head; readers of older records may see either value, and both
 * give their version. Shared with frozen views (csr.h) by reference count.
 */
struct rg_base {
	uint64_t version;   /* the pack's commit */
	uint64_t nslots;    /* covers slots [0, nslots) */
	uint64_t nodes, edges;
	uint8_t cols[2];    /* RG_COL_* stored, per direction */
	uint8_t pad[6];
	uint64_t *off[2];   /* nslots + 1 offsets per direction */
	uint32_t *slots[2]; /* neighbour slots */
	uint64_t *ids[2];   /* neighbour ids (RG_COL_ID) or NULL */
	uint64_t *props[2]; /* (RG_COL_PROP) or NULL */
	uint32_t *types[2]; /* (RG_COL_TYPE) or NULL */
	uint64_t *clean;    /* bit per slot: alive and untouched since the pack */
	uint64_t *alive;    /* bit per slot: alive at version (immutable) */
	uint32_t *labels;   /* per slot */
	uint64_t *node_ids; /* per slot; NULL: id == slot (dense) */
	uint64_t refs;      /* the graph's reference + one per frozen view */
	uint64_t bytes;     /* memory held */
};

/* One immutable record per commit: what a read section snapshots. */
struct rg_snap {
	uint64_t version;
	uint64_t nodes, edges;
	uint64_t nslots;
	uint32_t dense;             /* every slot s < nslots holds id s (or nothing) */
	uint32_t exact;             /* the pack IS this snapshot: no node touched since */
	const struct rg_base *base; /* newest pack at or before version, or NULL */
};

/* id -> slot: open addressing, linear probing. An entry is claimed by
 * storing id, then slot1 = slot + 1 with release; 0 means empty. */
struct rg_ient {
	uint64_t id;
	uint32_t slot1;
	uint32_t pad;
};
struct rg_idx {
	uint64_t mask;
	uint64_t used;
	struct rg_ient e[];
};

/* The part of struct rg_graph every reader touches. First in the graph. */
struct rg_graph_rd {
	struct rg_snap *snap;                  /* current record (RCU-published) */
	struct rg_idx *idx;                    /* sparse graphs: id index (RCU-published) */
	/* Per-slot tables: each one virtual reservation made at open for the
	 * most slots the graph may have, committed by the kernel page by page
	 * as slots come into use; the pointers never change (I5). */
	struct rg_head **heads;                /* newest head per slot (RCU-published cells) */
	uint64_t *ids;                         /* slot -> id (written before the slot is reachable) */
	const struct rg_policy *pol;
	void *pol_state;                       /* policy-private (locks, epoch object, ...) */
	int pol_kind;                          /* RG_POL_* (inline.h checks it) */
	int pad;
	struct rg_metrics *metrics;            /* NULL when off */
	uint64_t metrics_gen;                  /* metrics' generation (0: off) */
};

/* A thread's read-section count words for one graph's metrics, cached in
 * its read-section state (src/metrics.h). gen 0 matches no metrics object. */
struct rg_mthread {
	uint64_t gen;
	int64_t *w[2]; /* begun, ended: words only this thread writes (or NULL) */
};

struct rg_read;
typedef int (*rg_span_hook_t)(const struct rg_read *rd, uint64_t slot, int dir, rg_span_t *sp);

/* A read section's state (also a frozen view's, csr.h). One per thread in
 * thread-local storage (rg__tls_read), or inside a frozen view. */
struct rg_read {
	/* ---- every query ---- */
	const struct rg_base *base;   /* the snapshot's pack, or NULL */
	const uint64_t *clean;        /* base->clean (live) or base->alive (frozen) */
	const struct rg_graph_rd *gr; /* the graph (NULL: frozen view) */
	uint64_t nslots;
	uint64_t version;
	rg_span_hook_t hook;          /* lru-rwlock's cache, else NULL */
	const struct rg_snap *snap;   /* the section's record (NULL: frozen view) */
	const struct rg_idx *idx;     /* frozen views of sparse graphs: their own index */
	uint8_t dense, open, shared, frozen;
	uint32_t seq;                 /* ck-seqlock: sequence at begin */
	/* ---- rest ---- */
	rg_graph_t *g;
	uint64_t nodes, edges;        /* frozen views only (sections read their record's) */
	uint64_t mt0;                 /* metrics: sampled section start (0: not sampled) */
	struct rg_mthread mt;         /* metrics: this thread's count words */
	uint32_t regs;                /* bit per RG_POL_* kind: thread registered */
	uint8_t pinned;               /* checkpoint reader: no optimistic retry */
	uint8_t pad[3];
	void *pol;                    /* policy-private per-thread record */
};

/* ------------------------------------------------------------------ */
/* Inline read path (shared by the library and <rcugraph/inline.h>)    */
/* ------------------------------------------------------------------ */

static inline int _rg_bit(const uint64_t *bits, uint64_t i)
{
	/* relaxed single-copy-atomic load (CMM_LOAD_SHARED): the writer clears
	 * clean bits concurrently; either value read is correct (see rg_base) */
	return (int)(RG_LOAD_SHARED(bits[i >> 6]) >> (i & 63) & 1);
}


/* Byte offset of cold array `col` in a block of 2^lcap entries with
 * columns `cols`: slots (4 bytes), then ids (8), props (8), types (4). */
static inline uint64_t _rg_cold_off(unsigned lcap, unsigned cols, unsigned col)
{
	uint64_t cap = UINT64_C(1) << lcap, off = 4 * cap;
	if (col == RG_COL_ID)
		return off;
	off += (cols & RG_COL_ID) ? 8 * cap : 0;
	if (col == RG_COL_PROP)
		return off;
	return off + ((cols & RG_COL_PROP) ? 8 * cap : 0);
}

/* Reader: slot of id in rd's snapshot, or -1. */
static inline int64_t _rg_idx_find(const struct rg_idx *t, uint64_t id);

static inline int64_t _rg_slot_of(const struct rg_read *rd, uint64_t id)
{
	if (__builtin_expect(rd->dense, 1))
		return id < rd->nslots ? (int64_t)id : -1;
	/* the graph's index (any table published since the section's record
	 * holds every id of its slots; replaced tables outlive the section),
	 * or a frozen view's own */
	int64_t s = _rg_idx_find(rd->snap ? RG_DEREF(rd->gr->idx) : rd->idx, id);
	return s >= 0 && (uint64_t)s < rd->nslots ? s : -1;
}

/* mix64 (MurmurHash3 fmix64): the index's hash. */
static inline uint64_t _rg_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

static inline int64_t _rg_idx_find(const struct rg_idx *t, uint64_t id)
{
	if (!t)
		return -1;
	uint64_t i = _rg_mix64(id) & t->mask;
	for (;;) {
		/* acquire pairs with the writer's release store of slot1: the
		 * id stored before it is then visible */
#if defined(__SANITIZE_THREAD__)
		uint32_t s1 = __atomic_load_n(&t->e[i].slot1, __ATOMIC_ACQUIRE);
#else
		uint32_t s1 = _CMM_LOAD_SHARED(t->e[i].slot1);
		cmm_smp_rmb(); /* load-acquire: x86 needs only the compiler barrier */
#endif
		if (s1 == 0)
			return -1;
		if (t->e[i].id == id)
			return (int64_t)s1 - 1;
		i = (i + 1) & t->mask;
	}
}

/* The head of slot in rd's snapshot, or NULL (absent). Walks the version
 * chain; chains hold only versions committed during one grace period, so
 * this is almost always zero or one step. Live sections only. */
static inline const struct rg_head *_rg_visible_head(const struct rg_read *rd, uint64_t slot)
{
	/* dependency-ordered load of a pointer the writer published (after
	 * a write barrier) before its commit's record: the head's fields are
	 * visible */
	const struct rg_head *h = RG_DEREF(rd->gr->heads[slot]);
	while (h && h->version > rd->version)
		h = RG_DEREF(h->prev);
	return (h && h->alive) ? h : NULL;
}

/* Loads the graph's current snapshot record into rd: the start of every
 * live read section. Acquire: the record is published (release) after
 * every head, block and clean-bit change of its commit, and the section
 * later reaches heads through the head cells, not through the record, so
 * a dependency is not enough. Only what every span lookup needs is copied;
 * the rest is read from the record (valid until the section ends). */
static inline void _rg_snap_load(const struct rg_graph_rd *gr, struct rg_read *rd)
{
	const struct rg_snap *s = RG_LOAD_ACQUIRE(gr->snap);
	const struct rg_base *b = s->base;
	rd->snap = s;
	rd->version = s->version;
	rd->nslots = s->nslots;
	rd->dense = (uint8_t)s->dense;
	rd->base = b;
	rd->clean = b ? b->clean : NULL;
}

/* What a span lookup fills: the inline callers that only scan slots ask
 * for RG_SPAN_SLOTS, and the compiler drops the rest. */
enum { RG_SPAN_SLOTS = 0, RG_SPAN_ALL = 1 };

/* The span of adjacency a (of a head visible in rd's snapshot). */
static inline void _rg_adj_span(const struct rg_read *rd, int dir, const struct rg_adj *a,
				rg_span_t *sp, int want)
{
	sp->n = a->len;
	sp->slots = a->slots;
	if (want == RG_SPAN_SLOTS)
		return;
	sp->ids = NULL;
	sp->types = NULL;
	sp->props = NULL;
	if (!(a->cols & RG_COL_MASK) || !a->len)
		return;
	if (a->cols & RG_COL_INBASE) {
		/* a slice of the pack of this snapshot (docs/design.md: a head
		 * visible at s points only into the pack of s) */
		const struct rg_base *b = rd->base;
		uint64_t o = (uint64_t)(a->slots - b->slots[dir]);
		if (a->cols & RG_COL_ID)
			sp->ids = b->ids[dir] + o;
		if (a->cols & RG_COL_PROP)
			sp->props = b->props[dir] + o;
		if (a->cols & RG_COL_TYPE)
			sp->types = b->types[dir] + o;
		return;
	}
	const char *blk = (const char *)a->slots;
	if (a->cols & RG_COL_ID)
		sp->ids = (const uint64_t *)(const void *)(blk + _rg_cold_off(a->lcap, a->cols, RG_COL_ID));
	if (a->cols & RG_COL_PROP)
		sp->props = (const uint64_t *)(const void *)(blk + _rg_cold_off(a->lcap, a->cols, RG_COL_PROP));
	if (a->cols & RG_COL_TYPE)
		sp->types = (const uint32_t *)(const void *)(blk + _rg_cold_off(a->lcap, a->cols, RG_COL_TYPE));
}

/* The span of slot in the pack (slot clean in rd's snapshot). */
static inline void _rg_base_span(const struct rg_base *b, uint64_t slot, int dir, rg_span_t *sp,
				 int want)
{
	uint64_t o = b->off[dir][slot];
	sp->n = b->off[dir][slot + 1] - o;
	sp->slots = b->slots[dir] + o;
	if (want == RG_SPAN_SLOTS)
		return;
	sp->ids = b->ids[dir] ? b->ids[dir] + o : NULL;
	sp->props = b->props[dir] ? b->props[dir] + o : NULL;
	sp->types = b->types[dir] ? b->types[dir] + o : NULL;
}

/*
 * The span of slot in direction dir (RG_OUT / RG_IN, checked by the
 * caller) in rd's snapshot. 0, or RG_ENOENT (absent; sp is empty).
 * A clean slot of the snapshot's pack costs what a CSR costs (the clean
 * bit sits in a bitmap small enough to stay cached, then the offsets, then
 * the slots); any other the head pointer, the head, the slots.
 */
static inline int _rg_span_at(const struct rg_read *rd, uint64_t slot, int dir, rg_span_t *sp,
			      int want)
{
	if (__builtin_expect(rd->hook != NULL, 0))
		return rd->hook(rd, slot, dir, sp);
	const struct rg_base *b = rd->base;
	if (b && slot < b->nslots && _rg_bit(rd->clean, slot)) {
		_rg_base_span(b, slot, dir, sp, want);
		return 0;
	}
	const struct rg_head *h = NULL;
	if (slot < rd->nslots && !rd->frozen)
		h = _rg_visible_head(rd, slot);
	if (!h) {
		sp->n = 0;
		sp->slots = NULL;
		if (want != RG_SPAN_SLOTS)
			sp->ids = NULL, sp->types = NULL, sp->props = NULL;
		return RG_ENOENT;
	}
	_rg_adj_span(rd, dir, &h->adj[dir], sp, want);
	return 0;
}

/* Degree of slot in direction dir, RG_ENOENT if absent. */
static inline int _rg_degree_at(const struct rg_read *rd, uint64_t slot, int dir, uint64_t *deg)
{
	rg_span_t sp;
	int rc = _rg_span_at(rd, slot, dir, &sp, RG_SPAN_SLOTS);
	*deg = sp.n;
	return rc;
}

/* Id of the node in slot (which holds a node in rd's snapshot). */
static inline uint64_t _rg_slot_id(const struct rg_read *rd, uint64_t slot)
{
	if (rd->dense)
		return slot;
	if (rd->frozen)
		return rd->base->node_ids[slot];
	/* written before any record or index entry covering the slot was
	 * published (release), which this section loaded with acquire */
	return rd->gr->ids[slot];
}

/* Whether slot holds a node in rd's snapshot; its label into *label. */
static inline int _rg_node_at(const struct rg_read *rd, uint64_t slot, uint32_t *label)
{
	const struct rg_base *b = rd->base;
	if (b && slot < b->nslots && _rg_bit(rd->clean, slot)) {
		*label = b->labels[slot];
		return 1;
	}
	if (slot >= rd->nslots || rd->frozen)
		return 0;
	const struct rg_head *h = _rg_visible_head(rd, slot);
	if (!h)
		return 0;
	*label = h->label;
	return 1;
}

#endif /* RCUGRAPH_STATIC_LAYOUT_H */
