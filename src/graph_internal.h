/*
 * graph_internal.h - the graph core's writer-side state, shared by the
 * core (graph.c, read.c, txn.c, adj.c, bulk.c, pack.c, publish.c,
 * garbage.c), the synchronisation policies (policy_*.c) and tests. The
 * reader-visible layout is in <rcugraph/static/layout.h>.
 *
 * Invariants (docs/design.md has the reasoning):
 *  I1  A node's heads form a chain newest-first: head->version strictly
 *      decreases along ->prev. A reader with snapshot s uses the first head
 *      whose version <= s; a node with no such head, or whose head has
 *      alive == 0, is absent from that snapshot.
 *  I2  A head is linked (stored in its node's cell) as soon as a
 *      transaction creates it, with its version and prev final; readers of
 *      older snapshots read only those two fields and step past it. Its
 *      other fields, and the entries it covers, change only until its
 *      version's record is published, and never after. Every entry below
 *      len is an edge of the head's version (a deletion publishes a
 *      compacted copy: no entry is ever marked dead).
 *  I3  An adjacency block is shared by a run of consecutive heads whose len
 *      only grows. The writer appends at index len of the newest head only,
 *      so readers never see an entry being written.
 *  I4  Everything a commit supersedes (heads, blocks, the snapshot record,
 *      index tables, a pack) is retired through publish.c only after the
 *      record that stops referring to it is published; the policy frees it
 *      once no reader can hold it (a grace period, an epoch, or at once
 *      under locks).
 *  I5  Slots, head-pointer and id segments never move and are freed only at
 *      close; the id index may be replaced (growth) and is then retired.
 */
#ifndef RG_GRAPH_INTERNAL_H
#define RG_GRAPH_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <rcugraph/rcugraph.h>
#include <rcugraph/static/layout.h>

#include "util.h"

#include "metrics.h"
#include "pool.h"

#define RG_CACHELINE 64
#define RG_MAX_SLOTS (UINT32_MAX - 1u)
/* Dense graphs (layout.h): a new id above 2 * slots + this goes sparse. */
#define RG_DENSE_SLACK 4096u


/* Memory to reclaim after a commit, freed by rg__garbage_free() once the
 * policy says no reader can hold any of it. Objects with their allocator
 * class (pool.h). */
struct rg__garbage {
	/* policy-private, first so it can be cast back: an rcu_head or a
	 * ck_epoch_entry fits here */
	_Alignas(16) unsigned char reclaim_hook[32];
	rg_graph_t *g;
	size_t n, cap;
	size_t bytes;
	void **ptrs;
	uint8_t *cls;                    /* allocator class of each pointer (same block as ptrs) */
	struct rg__garbage *reclaim_next; /* publish.c: bundles kept after a failed fsync */
	struct rg__garbage *ret_next;     /* pool.c: bundles handed back to the writer */
};

/* garbage.c. A bundle with room for `hint` objects (NULL: no memory). */
struct rg__garbage *rg__gb_new(rg_graph_t *g, size_t hint);
/* Adds object p of class cls and size sz; NULL p is ignored. Room for it was
 * reserved (rg__gb_new hint, rg__gb_reserve), so it cannot fail. */
void rg__gb_add(struct rg__garbage *gb, void *p, size_t sz, unsigned cls);
/* Makes room for `more` objects. RG_ENOMEM. */
int rg__gb_reserve(struct rg__garbage *gb, size_t more);
/* Frees a bundle that was never retired (its objects are not freed). */
void rg__gb_discard(struct rg__garbage *gb);
/* Frees the objects of a retired bundle (policy callback: no reader can
 * hold them). Any thread. */
void rg__garbage_free(struct rg__garbage *gb);

struct rg_policy;

/* One queued version (publish.c). */
struct rg__pub_item {
	uint64_t version;
	uint64_t lsn;           /* log position after its record; 0: not logged */
	struct rg_snap *snap;
	struct rg__garbage *gb;  /* what it supersedes (may be NULL) */
	struct rg__pub_item *next;
	int state;              /* RG_PUB_QUEUED, _DONE, _FAILED */
};
enum { RG_PUB_QUEUED = 0, RG_PUB_DONE = 1, RG_PUB_FAILED = 2 };

/* The publication owner's state (publish.c). */
struct rg__pub {
	pthread_mutex_t lock;     /* the one lock of publication and reclamation */
	pthread_cond_t cond;      /* an item left the queue */
	pthread_t owner;          /* debug: holder of lock */
	struct rg__pub_item *head, *tail; /* queued versions, in version order */
	uint64_t visible;         /* newest published version */
	int failed;               /* a log fsync failed: nothing more is published */
	struct rg__garbage *stash; /* bundles of versions never published (failure) */
};

struct rg__durable; /* durable.c */

struct rg_graph {
	/* ---- read-mostly, touched by every reader (layout.h) ---- */
	struct rg_graph_rd rd;
	char pad0[RG_CACHELINE];

	/* ---- writer side: the holder of wlock ---- */
	pthread_mutex_t wlock;                 /* one transaction at a time */
	pthread_t wowner;                      /* debug: holder of wlock */
	uint64_t cap_slots;                    /* slots the reservations hold */
	uint64_t wversion;                     /* last version linked by the writer */
	uint64_t nslots;                       /* slots allocated */
	uint64_t wnodes, wedges;               /* counts at wversion */
	/* 1 while every node ever added lives in slot == id (layout.h, the
	 * rule at rg_txn_add_node): ids are looked up without the index. Each
	 * snapshot record carries the value at its commit. */
	int dense;
	/* 1 while no transaction has touched a node since the newest pack (or
	 * there is no pack): records carry it as exact */
	int exact;
	struct rg_base *base;                  /* newest pack (also in the records) */
	struct rg_base *wbase;                 /* a pack the open transaction built (pack.c), else NULL */
	int shared_with_readers;               /* nosync: set at first reader registration */
	uint64_t nreaders;                     /* registered readers (atomic) */
	size_t gc_limit;
	uint64_t gc_pending_bytes, gc_pending_objects, gc_freed_bytes; /* atomic */
	uint64_t st_commits, st_heads, st_grown, st_compacted, st_gc_waits, st_packs;
	uint64_t mem_index;                    /* bytes of the id index (writer) */
	uint64_t mem_blocks;                   /* bytes of adjacency blocks in use (writer) */
	uint64_t mem_big;                      /* of which above the pool's largest class */

	/* ---- publication and reclamation (publish.c) ---- */
	struct rg__pub pub;

	/* ---- durability (durable.c; NULL in memory) ---- */
	struct rg__durable *dur;
	int durability;

	/* ---- heads and adjacency blocks (pool.h): allocated by the writer,
	 * handed back by reclamation ---- */
	struct rg__pool pool;
};

/* Policy: how readers and the writer synchronise. One indirect call per
 * read section / commit; nothing per edge. See policy.c. Writer-side hooks
 * (publish_begin/end, retire, barrier) are called by publish.c only, with
 * the publication lock held: one caller at a time (debug-asserted). */
struct rg_policy {
	const char *name;
	int kind;                 /* RG_POL_* */
	int (*init)(rg_graph_t *g);
	void (*fini)(rg_graph_t *g);
	int (*reg)(rg_graph_t *g);
	int (*unreg)(rg_graph_t *g);
	void (*quiescent)(rg_graph_t *g);
	/* optional (rcu-qsbr): the calling registered thread is about to block
	 * (offline) / has stopped blocking (online); NULL where not needed */
	void (*offline)(rg_graph_t *g);
	void (*online)(rg_graph_t *g);
	/* rd->g is set; must load the snapshot with rg__snap_load_into(). With
	 * rd->pinned (checkpoints) an optimistic policy must not fail the
	 * section later: it reads under its memory protection only. */
	int (*read_begin)(rg_graph_t *g, struct rg_read *rd);
	int (*read_end)(rg_graph_t *g, struct rg_read *rd);
	/* bracket the publication of a commit (write locks, sequence bumps) */
	void (*publish_begin)(rg_graph_t *g);
	void (*publish_end)(rg_graph_t *g);
	/* hand a garbage bundle over; the policy calls rg__garbage_free() when safe */
	void (*retire)(rg_graph_t *g, struct rg__garbage *gb);
	/* wait until every bundle retired so far has been freed */
	void (*barrier)(rg_graph_t *g);
	int frozen_after_share; /* nosync: writes refused once readers exist */
	/* NULL for every policy but lru-rwlock, whose neighbour queries go
	 * through its cache (one predictable branch per query, none per edge) */
	rg_span_hook_t span_hook;
};

const struct rg_policy *rg__policy_find(const char *name);

/* ---- graph.c: node table ---- */

/* Head-pointer cell of slot (writer). */
static inline struct rg_head **rg__hcell(rg_graph_t *g, uint64_t slot)
{
	return &g->rd.heads[slot];
}
/* The writer's current view of slot: its newest head, the open
 * transaction's own if it touched the node (NULL: no node ever). */
static inline struct rg_head *rg__wview(rg_graph_t *g, uint64_t slot)
{
	return g->rd.heads[slot];
}
/* Writer: id of slot. */
static inline uint64_t rg__wslot_id(rg_graph_t *g, uint64_t slot)
{
	return g->dense ? slot : g->rd.ids[slot];
}
/* Writer: slot of id, or -1 (a slot exists; the node may be absent). */
static inline int64_t rg__wslot_of(const rg_graph_t *g, uint64_t id)
{
	if (g->dense)
		return id < g->nslots ? (int64_t)id : -1;
	return _rg_idx_find(g->rd.idx, id);
}

/* Finds or creates the slot for id (writer, in a transaction). A new slot
 * has no head: absent from every snapshot until a commit links one. Index
 * tables the growth supersedes go to *old (the caller retires them).
 * Returns the slot or a negative RG_E*. */
int64_t rg__slot_insert(rg_graph_t *g, uint64_t id, struct rg_idx **old);

/* Loads the current snapshot record into rd (layout.h _rg_snap_load). */
static inline void rg__snap_load_into(rg_graph_t *g, struct rg_read *rd)
{
	_rg_snap_load(&g->rd, rd);
}

/* Lock metrics for the lock policies: every acquisition is counted; the
 * wait is timed on the sections the read-latency sampler will sample
 * (1 in RG_METRICS_READ_SAMPLE), so the read path reads no clock otherwise. */
static inline uint64_t rg__lock_wait_begin(struct rg_metrics *m)
{
#ifndef RG_NO_METRICS
	if (m && (rg__metrics_tls_tick & (RG_METRICS_READ_SAMPLE - 1)) == RG_METRICS_READ_SAMPLE - 1)
		return rg__now_ns();
#else
	(void)m;
#endif
	return 0;
}

static inline void rg__lock_wait_end(struct rg_metrics *m, uint64_t t0)
{
	if (t0)
		rg__metrics_lock_waited(m, rg__now_ns() - t0);
	else
		rg__metrics_add(m, RG_C_LOCK_ACQUISITIONS, 1);
}

/* Thread-local read section of the calling thread. initial-exec: the
 * library is PIC, and the default (global-dynamic) model would make every
 * rg_read_begin/rg_read_end of a program linked against the shared
 * library call __tls_get_addr. Exported: <rcugraph/inline.h> uses it. */
extern __thread struct rg_read rg__tls_read __attribute__((tls_model("initial-exec")));

/* Thread-local detail of the last error that had one (rg_last_error_detail). */
#define RG_ERRMSG_LEN 512
extern __thread char rg__tls_errmsg[RG_ERRMSG_LEN];

/* ---- writer ownership (debug assertions) ---- */

static inline void rg__wlock(rg_graph_t *g)
{
	pthread_mutex_lock(&g->wlock);
#ifdef RG_DEBUG_ASSERTS
	RG_STORE_SHARED(g->wowner, pthread_self()); /* relaxed: read back only by this thread */
#endif
}
static inline void rg__wunlock(rg_graph_t *g)
{
#ifdef RG_DEBUG_ASSERTS
	RG_STORE_SHARED(g->wowner, (pthread_t)0); /* relaxed: as above */
#endif
	pthread_mutex_unlock(&g->wlock);
}
/* Writer-only functions assert this (RG_ASSERT_DEBUG). */
#define RG_ASSERT_WRITER(g) RG_ASSERT_DEBUG(pthread_equal(RG_LOAD_SHARED((g)->wowner), pthread_self()))

/* ---- read.c ---- */
/* Fills the metrics words of a section (slow path of the bracket). */
void rg__read_metrics_enter(struct rg_read *rd, struct rg_metrics *m);
void rg__read_metrics_exit(struct rg_read *rd, struct rg_metrics *m);

/* ---- pack.c ---- */
/* For the loaders (load_snap.c): adds edges src[i] -> dst[i] (type `type`,
 * property 0) in input order, merged with the graph into a new pack built
 * directly from the arrays (a CSR build: the graph is packed at commit).
 * Endpoints must be alive in t's view: RG_ENOENT with *failed_at, nothing
 * added. RG_ENOMEM poisons t. Writer, inside t. */
int rg__txn_load_edges(rg_txn_t *t, const uint64_t *src, const uint64_t *dst, size_t n,
		      uint32_t type, size_t *failed_at);
/* Takes / drops a reference to a pack (frozen views, the graph). The last
 * drop frees it. Any thread. */
void rg__base_get(struct rg_base *b);
void rg__base_put(struct rg_base *b);

#endif
