/*
 * graph_internal.h - the graph core's data layout, shared by the core
 * (graph.c, txn.c), the synchronisation policies (policy_*.c) and tests.
 *
 * Invariants (the design is in docs/design.md):
 *  I1  A node's heads form a chain newest-first: head->version strictly
 *      decreases along ->prev. A reader with snapshot s uses the first head
 *      whose version <= s; a node with no such head, or whose head has
 *      alive == 0, is absent from that snapshot.
 *  I2  Heads, and edge entries below a head's len, are immutable once
 *      linked, except rg_edge_t.del, which the writer changes exactly once
 *      from UINT64_MAX to the version of the deleting transaction. An entry
 *      is visible to snapshot s iff del > s.
 *  I3  An adjacency array is shared by a run of consecutive heads whose len
 *      only grows. The writer appends at index len of the newest head only,
 *      so readers never see an entry being written.
 *  I4  Everything a commit supersedes (heads, arrays, the snapshot record,
 *      index tables) is handed to the policy's retire() only after the new
 *      snapshot record is published; retire frees it once no reader can
 *      hold it (after a grace period, an epoch, or at once under locks).
 *  I5  Node slots, segments and node structs never move and are freed only
 *      at close; the id index may be replaced (growth) and is then retired.
 */
#ifndef RG_GRAPH_INTERNAL_H
#define RG_GRAPH_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <rcugraph/rcugraph.h>
/* _LGPL_SOURCE: rcu_dereference/rcu_assign_pointer become the inline
 * macros of urcu/static/pointer.h; without it every dereference on the read
 * path is a call into liburcu through the PLT. */
#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE
#endif
#include <urcu/pointer.h> /* rcu_dereference / rcu_assign_pointer: flavour-independent */

/* ThreadSanitizer cannot see liburcu's barriers (a volatile access plus a
 * fence): under TSan the same publication is written with the C11 atomics
 * it models, acquire for the dependent load and release for the publish.
 * The code is otherwise unchanged, so the TSan programs check the real
 * publication protocol of the lock policies. */
#if defined(__SANITIZE_THREAD__)
#undef rcu_dereference
#undef rcu_assign_pointer
#define rcu_dereference(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#endif

/* Batched publication: the caller issues one cmm_smp_wmb() after writing
 * a batch of objects, then stores each pointer with this (rcu_set_pointer
 * minus its per-call fence). Release store under TSan, which sees it. */
#if defined(__SANITIZE_THREAD__)
#define rg_publish_after_wmb(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#else
#define rg_publish_after_wmb(p, v) CMM_STORE_SHARED(p, v)
#endif

#include "util.h"
#include "wal.h"

#include "metrics.h"
#include "pool.h"

#define RG_CACHELINE 64
#define RG_DEL_LIVE UINT64_MAX
#define RG_SEG0_SHIFT 10 /* segment k holds 1024 << k node structs */
#define RG_MAX_SEGS 23   /* 1024 * (2^23 - 1) > 2^32 slots */
#define RG_MAX_SLOTS (UINT32_MAX - 1u)

/* An adjacency array is a bare run of entries (readers need nothing
 * else): pool blocks of 2^k bytes hold exactly 2^(k-5) entries, 32-byte
 * aligned, so each entry sits inside one cache line. What the writer needs
 * (capacity, owner) is in the head (acls, apriv). Arrays above the pool's
 * largest class are malloc'ed with this header in front of the entries. */
struct rg_bighdr {
	uint32_t cap;
	uint32_t pad[7];
};

struct rg_adj {
	rg_edge_t *e;  /* the array, NULL if none */
	uint32_t len;  /* entries [0, len) belong to this head */
	uint32_t live; /* entries among them with del > version: the degree */
};

/* One cache line (the pool hands out 64-byte slots). */
struct rg_head {
	uint64_t version;      /* commit that created this head */
	struct rg_head *prev;  /* the head it replaced (readers of older snapshots) */
	struct rg_adj adj[2];  /* RG_OUT, RG_IN */
	uint32_t label;
	uint8_t alive;
	/* ---- writer only ---- */
	uint8_t acls[2];  /* pool class of adj[d].e (RG_CLS_MALLOC: big, see rg_bighdr) */
	uint8_t apriv[2]; /* adj[d].e was allocated by the open txn (pending heads only) */
	uint8_t pad[5];
};
_Static_assert(sizeof(struct rg_head) == 64, "a head is one cache line");

struct rg_node {
	uint64_t id;
	struct rg_head *head;    /* newest linked head: rcu_assign_pointer / rcu_dereference */
	struct rg_head *pending; /* writer only: head being built by the open transaction */
};

/* id -> slot index: open addressing, linear probing. An entry is claimed
 * by storing id, then slot1 = slot + 1 with release; 0 means empty. Entries
 * are never removed (deleted nodes keep their slot). */
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

/*
 * A packed base (rg_pack, pack.c): every live adjacency at one version,
 * copied into one contiguous run per direction, CSR style. Node s owns
 * ent[d][off[d][s] .. off[d][s+1]). Heads built by the pack point into
 * these runs (acls RG_CLS_INBASE), so the version chains stay the truth;
 * the base adds a shortcut for readers: if clean bit s is set in the
 * base of their snapshot, node s is alive and unchanged since the pack,
 * and off/ent give its adjacency with two dependent loads instead of four
 * (index, node, head, array). The writer clears a node's bit when a
 * transaction first touches it (before that transaction's snapshot record
 * is published: readers of it or later see the bit clear). The entries
 * are immutable but for del, as in any array (I2); a node whose entries
 * get del marks is touched, hence not clean. Retired whole when a newer
 * pack replaces it (the heads that pointed into it are retired by the
 * same commit).
 */
struct rg_base {
	uint64_t version;    /* the pack's commit */
	uint64_t nslots;     /* covers slots [0, nslots) */
	uint64_t *off[2];    /* RG_OUT, RG_IN: nslots + 1 offsets */
	rg_edge_t *ent[2];   /* RG_OUT, RG_IN: the entries */
	uint64_t *clean;     /* one bit per slot; atomic (relaxed) access */
	size_t bytes;        /* memory held, for garbage accounting */
};
void rg_base_free(struct rg_base *b);

/* One immutable record per commit: what a read section snapshots. */
struct rg_snap {
	uint64_t version;
	uint64_t nodes, edges;
	uint64_t nslots;
	uint64_t dense;              /* every slot s < nslots holds node id s (see rg_graph.dense) */
	const struct rg_base *base;  /* newest pack at or before version, or NULL */
};

/* Memory to reclaim after a commit. Freed by free_bundle() once the policy
 * says no reader can hold any of it. */
struct rg_garbage {
	/* policy-private, first so it can be cast back: an rcu_head or a
	 * ck_epoch_entry fits here */
	_Alignas(16) unsigned char reclaim_hook[32];
	rg_graph_t *g;
	size_t n, cap;
	size_t bytes;
	void **ptrs;
	uint8_t *cls;                    /* pool class of each pointer (same block as ptrs) */
	struct rg_garbage *reclaim_next; /* durable.c: list of bundles kept after a failed fsync */
	struct rg_garbage *ret_next;     /* pool.c: bundles handed back to the writer */
};

struct rg_policy;

/* A read section's state. Lives in thread-local storage (one per thread). */
struct rg_read {
	rg_graph_t *g;
	uint64_t version, nodes, edges, nslots;
	int dense;     /* snapshot's ids are its slots: look ids up without the index */
	const struct rg_base *base; /* the snapshot's pack (fast path), or NULL */
	int open;
	int shared;
	uint32_t seq;  /* ck-seqlock: sequence at begin */
	uint64_t mt0;  /* metrics: sampled section start (0: not sampled) */
	struct rg_mthread mt; /* metrics: this thread's read-section count words */
	void *pol;     /* policy-private per-thread record */
};

struct rg_graph {
	/* ---- read-mostly, touched by every reader ---- */
	struct rg_snap *snap;                  /* current snapshot record (RCU-published) */
	struct rg_idx *idx;                    /* id index (RCU-published) */
	struct rg_node *segs[RG_MAX_SEGS];     /* node segments (RCU-published, never freed early) */
	const struct rg_policy *pol;
	void *pol_state;                       /* policy-private (locks, epoch object, ...) */
	struct rg_metrics *metrics;            /* NULL when metrics are off for this graph */
	char pad0[RG_CACHELINE];

	/* ---- writer side ---- */
	pthread_mutex_t wlock;                 /* one transaction at a time */
	uint64_t wversion;                     /* last version linked by the writer */
	uint64_t nslots;                       /* slots allocated (writer) */
	/* 1 while every node ever added got slot == id (generators, dense
	 * data): ids are then looked up without the index, one dependent miss
	 * fewer per query. Cleared for good by the first id that differs from
	 * its slot; each snapshot record carries the value at its commit. */
	int dense;
	struct rg_base *base;                  /* writer: newest pack (also in the snapshot records) */
	uint64_t wnodes, wedges;               /* counts at wversion */
	int shared_with_readers;               /* nosync: set at first reader registration */
	size_t gc_limit;
	_Atomic uint64_t gc_pending_bytes, gc_pending_objects, gc_freed_bytes;
	uint64_t st_commits, st_heads, st_grown, st_compacted, st_gc_waits, st_packs;

	/* ---- durability ---- */
	struct rg_wal *wal;
	rg_recovery_t recovery;
	uint64_t checkpoint_bytes;
	pthread_mutex_t vis_lock;              /* orders make-visible steps (group commit) */
	pthread_cond_t vis_cond;
	uint64_t visible_version;              /* newest version readers may see */
	int wal_failed;                        /* atomic access: set under vis_lock, read by txn_begin */
	int durability;
	atomic_int ckpt_running;
	uint64_t last_lsn;                     /* writer: log end after the last append (metrics) */
	_Atomic uint64_t fsyncs_seen;          /* durable.c: fsync count already added to metrics */
	struct rg_garbage *failed_garbage;
	struct rg_vis_pending *vis_queue;      /* durable.c: logged, waiting for fsync (vis_lock) */
	/* Heads and adjacency arrays (pool.h): allocated by the writer,
	 * handed back by reclamation. */
	struct rg_pool pool;
};

/* Policy: how readers and the writer synchronise. One indirect call per
 * read section / commit; nothing per edge. See policy.c. */
struct rg_policy {
	const char *name;
	int (*init)(rg_graph_t *g);
	void (*fini)(rg_graph_t *g);
	int (*reg)(rg_graph_t *g);
	int (*unreg)(rg_graph_t *g);
	void (*quiescent)(rg_graph_t *g);
	/* optional (rcu-qsbr): the calling registered thread is about to block
	 * (offline) / has stopped blocking (online); NULL where not needed */
	void (*offline)(rg_graph_t *g);
	void (*online)(rg_graph_t *g);
	/* rd->g is set; must load the snapshot with rg_snap_load_into() */
	int (*read_begin)(rg_graph_t *g, struct rg_read *rd);
	int (*read_end)(rg_graph_t *g, struct rg_read *rd);
	/* bracket the publication of a commit (write locks, sequence bumps) */
	void (*publish_begin)(rg_graph_t *g);
	void (*publish_end)(rg_graph_t *g);
	/* hand a garbage bundle over; the policy calls rg_garbage_free() when safe */
	void (*retire)(rg_graph_t *g, struct rg_garbage *gb);
	/* wait until every bundle retired so far has been freed */
	void (*barrier)(rg_graph_t *g);
	int frozen_after_share; /* nosync: writes refused once readers exist */
	/* NULL for every policy but lru-rwlock, whose neighbour queries go
	 * through its cache (one predictable branch per query, none per edge).
	 * h is the node's visible head in rd's snapshot, slot its slot. */
	int (*neighbors)(const struct rg_read *rd, uint64_t slot, const struct rg_head *h,
			 rg_dir_t dir, uint32_t type, rg_iter_t *it);
};

const struct rg_policy *rg_policy_find(const char *name);
struct rg_node *rg_slot_node(rg_graph_t *g, uint64_t slot);
/* The graph's metrics, NULL when off for this graph (traverse.c, wal.c). */
struct rg_metrics *rg_graph_metrics_internal(rg_graph_t *g);
int64_t rg_index_insert(rg_graph_t *g, uint64_t id, struct rg_idx **old_idx);
int rg_graph_open_durable(rg_graph_t *g, const rg_options_t *opts); /* durable.c */
int rg_graph_commit_durable(rg_graph_t *g, uint64_t v, uint64_t lsn_end, struct rg_snap *snap,
			    struct rg_garbage *gb); /* durable.c; releases the writer mutex */
void rg_graph_close_durable(rg_graph_t *g); /* durable.c */
void rg_graph_make_visible(rg_graph_t *g, struct rg_snap *snap, struct rg_garbage *gb);
void rg_garbage_free(struct rg_garbage *gb);

/* txn.c, for rg_pack (pack.c); writer only, inside transaction t. */
/* The pending head of the node at slot (NULL: out of memory, t poisoned). */
struct rg_head *rg_txn_touch_slot(rg_txn_t *t, uint64_t slot);
/* Supersedes adjacency d of pending head h by n entries at e, a slice of
 * the pack being built (n == 0: no array). */
int rg_txn_adj_to_base(rg_txn_t *t, struct rg_head *h, int d, rg_edge_t *e, uint32_t n);
/* Commit publishes b as the graph's pack (and retires the old one);
 * abort frees it. */
void rg_txn_set_base(rg_txn_t *t, struct rg_base *b);

/* txn.c, for restoring a checkpoint (durable.c); writer only, inside t.
 * Reorders the in-adjacency of node id, built by t and holding only live
 * entries: position i gets the entry at rank[i] (rank: a permutation of
 * [0, n), n its length). RG_ENOENT (no such node), RG_EINVAL (not built by
 * t, or rank is not such a permutation: nothing changed), RG_ENOMEM. */
int rg_txn_permute_in(rg_txn_t *t, uint64_t id, const uint32_t *rank, size_t n);

/* ---- node table lookups, inlined on the read path and in the writer ---- */

/* slot -> (segment, offset): segment k holds slots [1024*(2^k-1), 1024*(2^(k+1)-1)). */
static inline struct rg_node *slot_node_seg(struct rg_node *const *segs, uint64_t slot)
{
	uint64_t q = (slot >> RG_SEG0_SHIFT) + 1;
	unsigned k = 63 - (unsigned)__builtin_clzll(q);
	uint64_t base = ((UINT64_C(1) << k) - 1) << RG_SEG0_SHIFT;
	/* rcu_dereference: segment pointers are published by rcu_assign_pointer
	 * before any index entry or snapshot that refers to their slots. */
	struct rg_node *seg = rcu_dereference(segs[k]);
	return &seg[slot - base];
}


/* Reader/writer lookup: slot of id, or -1. */
static inline int64_t idx_find(const struct rg_idx *t, uint64_t id)
{
	uint64_t i = mix64(id) & t->mask;
	for (;;) {
		/* acquire pairs with the writer's release store of slot1: the id
		 * stored before it is then visible */
		uint32_t s1 = __atomic_load_n(&t->e[i].slot1, __ATOMIC_ACQUIRE);
		if (s1 == 0)
			return -1;
		if (t->e[i].id == id)
			return (int64_t)s1 - 1;
		i = (i + 1) & t->mask;
	}
}

/* Writer: slot of id, or -1 (a slot exists; the node may be dead). */
static inline int64_t wslot_of(const rg_graph_t *g, uint64_t id)
{
	if (g->dense)
		return id < g->nslots ? (int64_t)id : -1;
	return idx_find(g->idx, id);
}

/* Prefetches the index bucket where id's probe starts (batched inserts). */
static inline void idx_prefetch(const struct rg_idx *t, uint64_t id)
{
	__builtin_prefetch(&t->e[mix64(id) & t->mask]);
}

/* Loads the current snapshot record into rd. Acquire: every head, entry and
 * segment the commit published is visible once we see its record. */
static inline void rg_snap_load_into(rg_graph_t *g, struct rg_read *rd)
{
	const struct rg_snap *s = __atomic_load_n(&g->snap, __ATOMIC_ACQUIRE);
	rd->version = s->version;
	rd->nodes = s->nodes;
	rd->edges = s->edges;
	rd->nslots = s->nslots;
	rd->dense = (int)s->dense;
	rd->base = s->base;
}

/* Reader: whether slot is clean in base b (see struct rg_base). Relaxed:
 * the writer clears the bit before the snapshot record that changes the
 * node is published (release); a reader whose record is older may see
 * either value, and both lead to its version of the node. */
static inline int rg_base_clean(const struct rg_base *b, uint64_t slot)
{
	return b && slot < b->nslots &&
	       (__atomic_load_n(&b->clean[slot >> 6], __ATOMIC_RELAXED) >> (slot & 63) & 1);
}

/* Lock metrics for the lock policies: every acquisition is counted; the
 * wait is timed on the sections the read-latency sampler will sample
 * (1 in RG_METRICS_READ_SAMPLE), so the read path reads no clock otherwise. */
static inline uint64_t rg_lock_wait_begin(struct rg_metrics *m)
{
#ifndef RG_NO_METRICS
	if (m && (rg_metrics_tls_tick & (RG_METRICS_READ_SAMPLE - 1)) == RG_METRICS_READ_SAMPLE - 1)
		return rg_metrics_now_ns();
#else
	(void)m;
#endif
	return 0;
}

static inline void rg_lock_wait_end(struct rg_metrics *m, uint64_t t0)
{
	if (t0)
		rg_metrics_lock_waited(m, rg_metrics_now_ns() - t0);
	else
		rg_metrics_add(m, RG_C_LOCK_ACQUISITIONS, 1);
}

/* Thread-local read section of the calling thread. initial-exec: the
 * library is PIC, and the default (global-dynamic) model would make every
 * rg_read_begin/rg_read_end of a program linked against the shared
 * library call __tls_get_addr; ~150 bytes of static TLS instead. */
extern __thread struct rg_read rg_tls_read __attribute__((tls_model("initial-exec")));

/* Thread-local detail of the last error that had one (rg_last_error_detail). */
#define RG_ERRMSG_LEN 512
extern __thread char rg_tls_errmsg[RG_ERRMSG_LEN];

#endif
