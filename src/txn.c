/*
 * txn.c - the single writer: write transactions and commit.
 *
 * A transaction builds, for every node it touches, one private "pending"
 * head (a copy of the node's newest head). Edge inserts append to the
 * adjacency array past the published length (I3), so nothing readers can
 * see changes; deletions set rg_edge_t.del to the transaction's version,
 * which readers of older snapshots still read as live (I2). Commit links
 * the pending heads (invisible to older snapshots: their version is newer),
 * then publishes one snapshot record with release semantics, then retires
 * what was superseded (I4). Abort frees the private heads and arrays and
 * restores the deletion marks.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "graph_internal.h"

struct vec {
	void *p;
	size_t n, cap;
};

static int vec_push(struct vec *v, const void *x, size_t sz)
{
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 16;
		void *np = realloc(v->p, nc * sz);
		if (!np)
			return RG_ENOMEM;
		v->p = np;
		v->cap = nc;
	}
	memcpy((char *)v->p + v->n * sz, x, sz);
	v->n++;
	return 0;
}

struct rg_txn {
	rg_graph_t *g;
	uint64_t version;
	int poisoned;
	uint64_t marks;      /* entries marked deleted: compaction has work only if > 0 */
	struct vec touched;  /* struct rg_node * with a pending head */
	struct vec revert;   /* uint64_t * : del fields marked in linked arrays */
	struct vec garbage;  /* struct { void *p; size_t sz; } : linked arrays superseded */
	struct vec idx_old;  /* struct rg_idx * replaced by index growth */
	struct vec ops;      /* struct rg_op, for the redo log */
	struct rg_base *new_base; /* rg_pack: published by commit, freed by abort */
	void *scratch;            /* bulk_apply's work space, reused across calls */
	size_t scratch_cap;
	int64_t dnodes, dedges;
	uint64_t t0;
	/* for metrics, added at commit */
	uint64_t n_add_nodes, n_del_nodes, n_add_edges, n_del_edges;
};

struct gitem {
	void *p;
	size_t sz;
	unsigned cls;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------- */
/* Adjacency arrays (layout in graph_internal.h, allocation in pool.h) */
/* ---------------------------------------------------------------- */

static uint32_t adj_cap(const struct rg_head *h, int d)
{
	if (h->acls[d] == RG_CLS_INBASE)
		return h->adj[d].len; /* a slice of the pack is full: appends move it out */
	if (h->acls[d] != RG_CLS_MALLOC)
		return rg_pool_class_cap(h->acls[d]);
	return ((const struct rg_bighdr *)h->adj[d].e - 1)->cap;
}

/* The block behind adjacency d of h, and its size, as allocated. */
static void *adj_block(const struct rg_head *h, int d, size_t *bytes)
{
	uint32_t cap = adj_cap(h, d);
	*bytes = (size_t)cap * sizeof(rg_edge_t);
	if (h->acls[d] != RG_CLS_MALLOC)
		return h->adj[d].e;
	*bytes += sizeof(struct rg_bighdr);
	return (struct rg_bighdr *)h->adj[d].e - 1;
}

/* A new array of capacity cap (already rounded) for direction d. */
static rg_edge_t *arr_alloc(rg_graph_t *g, int d, uint32_t cap, unsigned *cls)
{
	*cls = rg_pool_arr_class(d, cap);
	if (*cls != RG_CLS_MALLOC)
		return rg_pool_get(&g->pool, *cls);
	struct rg_bighdr *b =
		aligned_alloc(32, sizeof *b + (size_t)cap * sizeof(rg_edge_t));
	if (!b)
		return NULL;
	b->cap = cap;
	return (rg_edge_t *)(b + 1);
}

/* Frees array e of class cls at once (never published). */
static void arr_free_now(rg_graph_t *g, rg_edge_t *e, unsigned cls)
{
	rg_pool_put(&g->pool, cls, cls == RG_CLS_MALLOC ? (void *)((struct rg_bighdr *)e - 1) : e);
}

/* ---------------------------------------------------------------- */
/* Garbage bundles                                                   */
/* ---------------------------------------------------------------- */

static struct rg_garbage *gb_new(rg_graph_t *g, size_t hint)
{
	struct rg_garbage *gb = calloc(1, sizeof *gb);
	if (!gb)
		return NULL;
	gb->g = g;
	gb->cap = hint < 4 ? 4 : hint;
	/* one block: the pointers, then their pool classes */
	gb->ptrs = malloc(gb->cap * (sizeof(void *) + 1));
	if (!gb->ptrs) {
		free(gb);
		return NULL;
	}
	gb->cls = (uint8_t *)(gb->ptrs + gb->cap);
	return gb;
}

/* Capacity is reserved up front (gb_new hint), so adding cannot fail. */
static void gb_add(struct rg_garbage *gb, void *p, size_t sz, unsigned cls)
{
	if (!p)
		return;
	gb->cls[gb->n] = (uint8_t)cls;
	gb->ptrs[gb->n++] = p;
	gb->bytes += sz;
}

static void gb_retire(rg_graph_t *g, struct rg_garbage *gb)
{
	if (gb->n == 0) {
		free(gb->ptrs);
		free(gb);
		return;
	}
	/* relaxed: statistics and the soft memory bound only */
	atomic_fetch_add_explicit(&g->gc_pending_bytes, gb->bytes, memory_order_relaxed);
	atomic_fetch_add_explicit(&g->gc_pending_objects, gb->n, memory_order_relaxed);
	rg_metrics_add(g->metrics, RG_C_RECLAIM_CALLBACKS_QUEUED, gb->n);
	rg_metrics_add(g->metrics, RG_C_RECLAIM_BYTES_QUEUED, gb->bytes);
	g->pol->retire(g, gb);
}

/* Hands superseded index tables to the policy (commit and abort alike:
 * the new table is already published either way). */
static void retire_idx(struct rg_txn *t)
{
	if (!t->idx_old.n)
		return;
	struct rg_garbage *gb = gb_new(t->g, t->idx_old.n);
	struct rg_idx **v = t->idx_old.p;
	if (!gb) {
		/* cannot defer: wait for every reader, then free directly */
		t->g->pol->publish_begin(t->g);
		t->g->pol->publish_end(t->g);
		t->g->pol->barrier(t->g);
		for (size_t i = 0; i < t->idx_old.n; i++)
			free(v[i]);
		return;
	}
	for (size_t i = 0; i < t->idx_old.n; i++)
		gb_add(gb, v[i], sizeof(struct rg_idx) + (v[i]->mask + 1) * sizeof(struct rg_ient),
		       RG_CLS_MALLOC);
	gb_retire(t->g, gb);
}

/* ---------------------------------------------------------------- */
/* Begin / helpers                                                   */
/* ---------------------------------------------------------------- */

int rg_txn_begin(rg_graph_t *g, rg_txn_t **out)
{
	if (!g || !out)
		return RG_EINVAL;
	*out = NULL;
	if (rg_tls_read.open)
		return RG_EBUSY; /* commit may wait for a grace period: self-deadlock */
	if (g->pol->frozen_after_share &&
	    __atomic_load_n(&g->shared_with_readers, __ATOMIC_RELAXED))
		return RG_EPOLICY;
	struct rg_txn *t = calloc(1, sizeof *t);
	if (!t)
		return RG_ENOMEM;
	uint64_t t0 = now_ns();
	/* A registered rcu-qsbr thread blocked here would stall the grace
	 * period the current writer may be waiting for: wait offline. */
	if (g->pol->offline)
		g->pol->offline(g);
	pthread_mutex_lock(&g->wlock);
	if (g->pol->online)
		g->pol->online(g);
	int rc = 0;
	/* relaxed: set under vis_lock after a failed fsync; a transaction
	 * begun before it is seen fails at commit instead (durable.c) */
	if (__atomic_load_n(&g->wal_failed, __ATOMIC_RELAXED))
		rc = RG_EIO;
	/* re-checked under the mutex: nosync registration takes it once, so a
	 * reader registered after our first check is seen here */
	else if (g->pol->frozen_after_share &&
		 __atomic_load_n(&g->shared_with_readers, __ATOMIC_RELAXED))
		rc = RG_EPOLICY;
	if (rc) {
		pthread_mutex_unlock(&g->wlock);
		free(t);
		return rc;
	}
	t->g = g;
	t->t0 = t0;
	t->version = g->wversion + 1;
	rg_metrics_add(g->metrics, RG_C_TXNS_BEGUN, 1);
	*out = t;
	return 0;
}

/* Node struct of id if it has a slot, else NULL. Writer only. */
static struct rg_node *wnode(rg_graph_t *g, uint64_t id)
{
	int64_t s = wslot_of(g, id);
	return s < 0 ? NULL : slot_node_seg(g->segs, (uint64_t)s);
}

/* The writer's current view of a node: its pending head, else the newest
 * linked head. */
static inline struct rg_head *wview(const struct rg_node *n)
{
	return n->pending ? n->pending : n->head;
}

static inline int walive(const struct rg_node *n)
{
	const struct rg_head *h = n ? wview(n) : NULL;
	return h && h->alive;
}

static uint32_t node_slot(rg_graph_t *g, const struct rg_node *n)
{
	return (uint32_t)wslot_of(g, n->id);
}

/* A head from the pool (recycled, else carved). Writer only. */
static struct rg_head *head_alloc(rg_graph_t *g)
{
	return rg_pool_get(&g->pool, RG_CLS_HEAD);
}

/* Returns a never-published head to the pool. */
static void head_release(rg_graph_t *g, struct rg_head *h)
{
	rg_pool_put(&g->pool, RG_CLS_HEAD, h);
}

/* Takes slot out of the pack's fast path (struct rg_base): the node is
 * about to change. Relaxed load and store: this thread is the only one
 * that writes the bits, and the snapshot record of the change is
 * published with release after this, so its readers see the bit clear. */
static void base_dirty(struct rg_base *b, uint64_t slot)
{
	if (!b || slot >= b->nslots)
		return;
	uint64_t *w = &b->clean[slot >> 6], bit = UINT64_C(1) << (slot & 63);
	uint64_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
	if (v & bit)
		__atomic_store_n(w, v & ~bit, __ATOMIC_RELAXED);
}

/* Pending head of node n (at slot), created on first touch (one per node
 * per txn). */
static struct rg_head *touch(struct rg_txn *t, struct rg_node *n, uint64_t slot)
{
	if (n->pending)
		return n->pending;
	struct rg_head *h = head_alloc(t->g);
	if (!h)
		return NULL;
	base_dirty(t->g->base, slot);
	if (n->head)
		*h = *n->head;
	else
		memset(h, 0, sizeof *h);
	h->version = t->version;
	/* the head this one will replace: n->head cannot change before our
	 * commit (one writer), so the link is known now and is written with
	 * the rest of the head, before commit's single publication fence */
	h->prev = n->head;
	/* the arrays, if any, belong to linked heads: not ours to free */
	h->apriv[0] = h->apriv[1] = 0;
	if (vec_push(&t->touched, &n, sizeof n)) {
		head_release(t->g, h);
		return NULL;
	}
	n->pending = h;
	return h;
}

/* Drops adjacency d of pending head h: its array is freed now if this txn
 * allocated it, else superseded at commit. */
static int adj_drop(struct rg_txn *t, struct rg_head *h, int d)
{
	struct rg_adj *a = &h->adj[d];
	if (a->e && h->acls[d] != RG_CLS_INBASE) { /* a slice goes with its base */
		if (h->apriv[d]) {
			arr_free_now(t->g, a->e, h->acls[d]);
		} else {
			struct gitem gi;
			gi.p = adj_block(h, d, &gi.sz);
			gi.cls = h->acls[d];
			if (vec_push(&t->garbage, &gi, sizeof gi))
				return RG_ENOMEM;
		}
	}
	a->e = NULL;
	a->len = a->live = 0;
	h->acls[d] = RG_CLS_MALLOC;
	h->apriv[d] = 0;
	return 0;
}

/*
 * Replaces adjacency d of pending head h by a new private array of
 * capacity >= cap holding only the entries live in the writer's view
 * (del == RG_DEL_LIVE), in order. Readers of linked heads keep the old
 * array until it is reclaimed.
 */
static int adj_rebuild(struct rg_txn *t, struct rg_head *h, int d, uint32_t cap)
{
	unsigned cls;
	cap = rg_pool_round_cap(cap);
	rg_edge_t *na = arr_alloc(t->g, d, cap, &cls);
	if (!na)
		return RG_ENOMEM;
	struct rg_adj *a = &h->adj[d];
	uint32_t k = 0;
	/* plain reads: only this thread ever writes del */
	for (uint32_t i = 0; i < a->len; i++)
		if (a->e[i].del == RG_DEL_LIVE)
			na[k++] = a->e[i];
	if (adj_drop(t, h, d)) {
		arr_free_now(t->g, na, cls);
		return RG_ENOMEM;
	}
	a->e = na;
	a->len = a->live = k;
	h->acls[d] = (uint8_t)cls;
	h->apriv[d] = 1;
	return 0;
}

static int adj_append(struct rg_txn *t, struct rg_head *h, int d, const rg_edge_t *e)
{
	struct rg_adj *a = &h->adj[d];
	if (!a->e || a->len == adj_cap(h, d)) {
		/* capacities are geometric (pool.h: 4, 8, 16, ...), so asking
		 * for 25% headroom lands one class up when the array is (nearly)
		 * all live, i.e. 2x growth: amortised O(1) per append. With many
		 * dead entries it may stay in its class, and the rebuild still
		 * frees >= 20% of it for appends. */
		uint64_t cap = (uint64_t)a->live + a->live / 4 + 1;
		if (cap > UINT32_MAX)
			return RG_ERANGE;
		int rc = adj_rebuild(t, h, d, (uint32_t)cap);
		if (rc)
			return rc;
		t->g->st_grown++;
	}
	/* plain store past the published length: no reader looks at index
	 * len until a head with a larger len is published (release) */
	a->e[a->len] = *e;
	a->len++;
	a->live++;
	return 0;
}

/* Marks entry e (inside adjacency d of pending head h) deleted by this txn. */
static int mark_del(struct rg_txn *t, struct rg_head *h, int d, rg_edge_t *e)
{
	uint64_t *del = &e->del;
	if (!h->apriv[d] && vec_push(&t->revert, &del, sizeof del))
		return RG_ENOMEM;
	/* relaxed: a reader of a snapshot older than t->version reads either
	 * value as "live"; readers of this version or newer start only after
	 * the snapshot record is published with release, which orders this */
	__atomic_store_n(&e->del, t->version, __ATOMIC_RELAXED);
	h->adj[d].live--;
	t->marks++;
	return 0;
}

/* Finds a live entry in adjacency d of h matching (slot, type, prop) and
 * marks it. */
static int mark_reverse(struct rg_txn *t, struct rg_head *h, int d, uint32_t slot,
			uint32_t type, uint64_t prop)
{
	struct rg_adj *a = &h->adj[d];
	for (uint32_t i = a->len; i-- > 0;) {
		rg_edge_t *e = &a->e[i];
		if (e->del == RG_DEL_LIVE && e->nbr_slot == slot && e->type == type &&
		    e->prop == prop)
			return mark_del(t, h, d, e);
	}
	return RG_ENOENT; /* unreachable while out/in adjacency agree */
}

static void record(struct rg_txn *t, uint32_t kind, uint64_t a, uint64_t b, uint32_t u32,
		   uint64_t prop)
{
	if (!t->g->wal)
		return;
	struct rg_op op = {.a = a, .b = b, .prop = prop, .u32 = u32, .kind = kind};
	if (vec_push(&t->ops, &op, sizeof op))
		t->poisoned = 1;
}

static int poison(struct rg_txn *t, int rc)
{
	if (rc == RG_ENOMEM)
		t->poisoned = 1;
	return rc;
}

/* ---------------------------------------------------------------- */
/* Operations                                                        */
/* ---------------------------------------------------------------- */

int rg_txn_add_node(rg_txn_t *t, uint64_t id, uint32_t label)
{
	if (!t)
		return RG_EINVAL;
	if (t->poisoned)
		return RG_ENOMEM;
	struct rg_idx *old = NULL;
	int64_t s = rg_index_insert(t->g, id, &old);
	if (old && vec_push(&t->idx_old, &old, sizeof old)) {
		/* cannot track the old table: it stays allocated until close */
		t->poisoned = 1;
	}
	if (s < 0)
		return poison(t, (int)s);
	struct rg_node *n = rg_slot_node(t->g, (uint64_t)s);
	if (walive(n))
		return RG_EEXIST;
	struct rg_head *h = touch(t, n, (uint64_t)s);
	if (!h)
		return poison(t, RG_ENOMEM);
	/* a dead head has no arrays (rg_txn_del_node dropped them) */
	h->alive = 1;
	h->label = label;
	t->dnodes++;
	t->n_add_nodes++;
	record(t, RG_OP_ADD_NODE, id, 0, label, 0);
	return 0;
}

/* Appends src->dst to both adjacencies; endpoints already checked alive. */
static int apply_edge(struct rg_txn *t, uint32_t ss, uint32_t ds, uint64_t src, uint64_t dst,
		      uint32_t type, uint64_t prop)
{
	rg_graph_t *g = t->g;
	struct rg_head *hs = touch(t, slot_node_seg(g->segs, ss), ss);
	struct rg_head *hd = hs ? touch(t, slot_node_seg(g->segs, ds), ds) : NULL;
	if (!hd)
		return poison(t, RG_ENOMEM);
	rg_edge_t eo = {.nbr = dst, .prop = prop, .type = type, .nbr_slot = ds,
			.del = RG_DEL_LIVE};
	rg_edge_t ei = {.nbr = src, .prop = prop, .type = type, .nbr_slot = ss,
			.del = RG_DEL_LIVE};
	int rc = adj_append(t, hs, RG_OUT, &eo);
	if (rc)
		return poison(t, rc);
	rc = adj_append(t, hd, RG_IN, &ei);
	if (rc) {
		/* undo the out entry: it was past the linked length */
		hs->adj[RG_OUT].len--;
		hs->adj[RG_OUT].live--;
		return poison(t, rc);
	}
	t->dedges++;
	t->n_add_edges++;
	record(t, RG_OP_ADD_EDGE, src, dst, type, prop);
	return 0;
}

/* Slot of id if it is alive in the writer's view, else -1. */
static inline int64_t walive_slot(rg_graph_t *g, uint64_t id)
{
	int64_t s = wslot_of(g, id);
	return s >= 0 && walive(slot_node_seg(g->segs, (uint64_t)s)) ? s : -1;
}

int rg_txn_add_edge(rg_txn_t *t, uint64_t src, uint64_t dst, uint32_t type, uint64_t prop)
{
	if (!t)
		return RG_EINVAL;
	if (t->poisoned)
		return RG_ENOMEM;
	int64_t ss = walive_slot(t->g, src), ds = walive_slot(t->g, dst);
	if (ss < 0 || ds < 0)
		return RG_ENOENT;
	return apply_edge(t, (uint32_t)ss, (uint32_t)ds, src, dst, type, prop);
}

/*
 * Batched insert. The per-edge path is bound by cache misses (index bucket,
 * node struct, head, array tail: for each endpoint), taken one after the
 * other. Here a software pipeline prefetches each stage a few edges ahead,
 * so the misses of several edges overlap. Pass 1 resolves and checks every
 * endpoint (nothing applied if one is missing), pass 2 applies.
 */
#define PF_AHEAD 8

static inline void pf_head_of(rg_graph_t *g, uint32_t slot)
{
	const struct rg_node *n = slot_node_seg(g->segs, slot);
	const struct rg_head *h = wview(n);
	if (h)
		__builtin_prefetch(h);
}

static inline void pf_tail(rg_graph_t *g, uint32_t slot, int dir)
{
	const struct rg_head *h = wview(slot_node_seg(g->segs, slot));
	if (h && h->adj[dir].e)
		__builtin_prefetch(&h->adj[dir].e[h->adj[dir].len], 1); /* the slot we write */
}

/*
 * Bulk apply, for batches large against the graph (recovery's replay, the
 * loader). The per-edge path takes, for each edge, random misses on both
 * endpoints' nodes, heads and array tails. Here each direction is sorted
 * by the owning endpoint's slot, so every touched adjacency grows at most
 * once and is written sequentially, in slot order:
 *   1. scatter the edges into 2^BULK_BUCKET_BITS contiguous buckets by the
 *      high bits of the slot (one sequential read, 1,024 write streams);
 *   2. per bucket (a few thousand edges, cache-resident), a counting sort
 *      by the low bits, then the appends for that slot range.
 * Both steps are stable, so each adjacency receives its edges in input
 * order, exactly as the per-edge path would. (Sorting indices instead and
 * reading the input through them was measured: the random reads of the
 * input then cost as much as the random tails they replace.)
 */
#define BULK_MIN_EDGES 65536
#define BULK_BUCKET_BITS 10

struct bulk_rec { /* one edge as one direction appends it */
	uint64_t nbr, prop;
	uint32_t slot, oslot, type, pad;
};

struct bulk {
	struct bulk_rec *rec; /* n: the edges, bucketed */
	uint32_t *perm;       /* n: a bucket's order by slot */
	uint32_t *bcnt;       /* buckets + 1 */
	uint32_t *lcnt;       /* slots per bucket + 1 */
	unsigned shift;       /* slot >> shift = bucket */
	uint64_t nb;          /* buckets */
};

/* The transaction's work space, at least `need` bytes (contents not kept
 * across calls); NULL when out of memory. */
static void *txn_scratch(struct rg_txn *t, size_t need)
{
	if (t->scratch_cap < need) {
		free(t->scratch);
		t->scratch = malloc(need);
		t->scratch_cap = t->scratch ? need : 0;
	}
	return t->scratch;
}

/* Appends the run rec[perm[from..to)] (all owned by slot s) to adjacency d. */
static int bulk_run(struct rg_txn *t, const struct bulk *b, const struct bulk_rec *rec,
		    size_t from, size_t to, uint64_t s, int d)
{
	rg_graph_t *g = t->g;
	struct rg_head *h = touch(t, slot_node_seg(g->segs, s), s);
	if (!h)
		return RG_ENOMEM;
	struct rg_adj *a = &h->adj[d];
	uint32_t m = (uint32_t)(to - from);
	if (!a->e || (uint64_t)a->len + m > adj_cap(h, d)) {
		/* one growth for the whole run, with adj_append's 25% headroom
		 * (amortised O(1) over later batches) */
		uint64_t want = (uint64_t)a->live + m;
		want += want / 4 + 1;
		if (want > UINT32_MAX || (uint64_t)a->len + m > UINT32_MAX)
			return RG_ERANGE;
		int rc = adj_rebuild(t, h, d, (uint32_t)want);
		if (rc)
			return rc;
		g->st_grown++;
	}
	/* plain stores past the published length, as in adj_append */
	rg_edge_t *o = a->e + a->len;
	for (size_t p = from; p < to; p++, o++) {
		const struct bulk_rec *r = &rec[b->perm[p]];
		o->nbr = r->nbr;
		o->prop = r->prop;
		o->type = r->type;
		o->nbr_slot = r->oslot;
		o->del = RG_DEL_LIVE;
	}
	a->len += m;
	a->live += m;
	return 0;
}

static int bulk_dir(struct rg_txn *t, struct bulk *b, const rg_edge_in_t *in,
		    const uint32_t *slots, size_t n, int d)
{
	rg_graph_t *g = t->g;
	const uint64_t ns = g->nslots;
	const int me = d == RG_OUT ? 0 : 1; /* the owning endpoint in slots[] */
	uint32_t *bcnt = b->bcnt;
	memset(bcnt, 0, (b->nb + 1) * sizeof *bcnt);
	for (size_t i = 0; i < n; i++)
		bcnt[(slots[2 * i + me] >> b->shift) + 1]++;
	for (uint64_t k = 0; k < b->nb; k++)
		bcnt[k + 1] += bcnt[k];
	/* after the scatter, bcnt[k] is the end of bucket k */
	for (size_t i = 0; i < n; i++) {
		uint32_t s = slots[2 * i + me];
		struct bulk_rec *r = &b->rec[bcnt[s >> b->shift]++];
		r->nbr = d == RG_OUT ? in[i].dst : in[i].src;
		r->prop = in[i].prop;
		r->slot = s;
		r->oslot = slots[2 * i + 1 - me];
		r->type = in[i].type;
	}
	size_t bstart = 0;
	for (uint64_t k = 0; k < b->nb; bstart = bcnt[k++]) {
		size_t bend = bcnt[k];
		if (bend == bstart)
			continue;
		const struct bulk_rec *rec = &b->rec[bstart];
		uint64_t lo = k << b->shift, w = ns - lo < (UINT64_C(1) << b->shift) ? ns - lo
										: UINT64_C(1) << b->shift;
		uint32_t *lcnt = b->lcnt;
		memset(lcnt, 0, (w + 1) * sizeof *lcnt);
		for (size_t j = 0; j < bend - bstart; j++)
			lcnt[rec[j].slot - lo + 1]++;
		for (uint64_t x = 0; x < w; x++)
			lcnt[x + 1] += lcnt[x];
		for (size_t j = 0; j < bend - bstart; j++)
			b->perm[lcnt[rec[j].slot - lo]++] = (uint32_t)j;
		size_t pos = 0;
		for (uint64_t x = 0; x < w && pos < bend - bstart; x++) {
			if (lcnt[x] == pos)
				continue;
			if (x + PF_AHEAD < w && lcnt[x + PF_AHEAD] != lcnt[x + PF_AHEAD - 1])
				pf_head_of(g, (uint32_t)(lo + x + PF_AHEAD));
			int rc = bulk_run(t, b, rec, pos, lcnt[x], lo + x, d);
			if (rc)
				return rc;
			pos = lcnt[x];
		}
	}
	return 0;
}

/* The first edge with an endpoint not alive in the writer's view, or n.
 * One bit per slot instead of a node and head miss per endpoint. */
static size_t bulk_first_dead(rg_graph_t *g, const uint32_t *slots, size_t n, int *nomem)
{
	const uint64_t ns = g->nslots, nw = (ns + 63) / 64;
	uint64_t *bits = calloc(nw ? nw : 1, sizeof *bits);
	if (!bits) {
		*nomem = 1;
		return n;
	}
	for (size_t i = 0; i < 2 * n; i++)
		bits[slots[i] >> 6] |= UINT64_C(1) << (slots[i] & 63);
	int any = 0;
	for (uint64_t k = 0; k < nw; k++) /* keep only the dead slots' bits */
		for (uint64_t v = bits[k]; v; v &= v - 1) {
			uint64_t s = k * 64 + (uint64_t)__builtin_ctzll(v);
			if (walive(slot_node_seg(g->segs, s)))
				bits[k] &= ~(UINT64_C(1) << (s & 63));
			else
				any = 1;
		}
	size_t i = n;
	if (any)
		for (i = 0; i < n; i++)
			if ((bits[slots[2 * i] >> 6] >> (slots[2 * i] & 63) & 1) ||
			    (bits[slots[2 * i + 1] >> 6] >> (slots[2 * i + 1] & 63) & 1))
				break;
	free(bits);
	return i;
}

/* Checks and applies n resolved edges (slots[2i] source, slots[2i+1]
 * destination). RG_ENOENT with *failed_at and nothing applied if an
 * endpoint is dead; RG_ENOMEM/ERANGE poison the transaction. */
static int bulk_apply(struct rg_txn *t, const rg_edge_in_t *in, const uint32_t *slots, size_t n,
		      size_t *failed_at)
{
	rg_graph_t *g = t->g;
	int nomem = 0;
	size_t bad = bulk_first_dead(g, slots, n, &nomem);
	if (nomem)
		return poison(t, RG_ENOMEM);
	if (bad < n) {
		if (failed_at)
			*failed_at = bad;
		return RG_ENOENT;
	}
	struct bulk b = {0};
	unsigned bits = g->nslots > 1 ? 64 - (unsigned)__builtin_clzll(g->nslots - 1) : 1;
	b.shift = bits > BULK_BUCKET_BITS ? bits - BULK_BUCKET_BITS : 0;
	b.nb = ((g->nslots - 1) >> b.shift) + 1;
	/* one work space, kept by the transaction: recovery calls this every
	 * million edges, and a fresh multi-megabyte malloc is a fresh mmap
	 * whose pages the kernel zeroes again each time */
	size_t need = n * sizeof *b.rec + n * sizeof *b.perm +
		      (b.nb + 1 + (UINT64_C(1) << b.shift) + 1) * sizeof *b.bcnt;
	void *ws = txn_scratch(t, need);
	int rc = ws ? 0 : RG_ENOMEM;
	if (!rc) {
		b.rec = ws; /* struct bulk_rec first: the strictest alignment */
		b.perm = (uint32_t *)(b.rec + n);
		b.bcnt = b.perm + n;
		b.lcnt = b.bcnt + b.nb + 1;
		rc = bulk_dir(t, &b, in, slots, n, RG_OUT);
	}
	if (!rc)
		rc = bulk_dir(t, &b, in, slots, n, RG_IN);
	if (rc) {
		if (failed_at)
			*failed_at = 0;
		return poison(t, rc);
	}
	t->dedges += (int64_t)n;
	t->n_add_edges += n;
	/* the log keeps the caller's order, so replay rebuilds the same
	 * adjacency order through this path or the per-edge one */
	for (size_t i = 0; i < n; i++)
		record(t, RG_OP_ADD_EDGE, in[i].src, in[i].dst, in[i].type, in[i].prop);
	return 0;
}

int rg_txn_add_edges(rg_txn_t *t, const rg_edge_in_t *in, size_t n, size_t *failed_at)
{
	if (!t || (!in && n))
		return RG_EINVAL;
	if (t->poisoned)
		return RG_ENOMEM;
	rg_graph_t *g = t->g;
	uint32_t *slots = malloc(2 * n * sizeof *slots + 1);
	if (!slots)
		return poison(t, RG_ENOMEM);
	const struct rg_idx *ix = g->idx;
	const int dense = g->dense; /* hoisted: the stores below may alias it */
	const uint64_t ns = g->nslots;
	/* pass 1a: resolve slots (ids are slots in a dense graph); index
	 * buckets 2*AHEAD ahead, so each idx_find hits a line on its way */
	for (size_t i = 0; i < n; i++) {
		int64_t a, b;
		if (dense) {
			a = in[i].src < ns ? (int64_t)in[i].src : -1;
			b = in[i].dst < ns ? (int64_t)in[i].dst : -1;
		} else {
			if (i + 2 * PF_AHEAD < n) {
				idx_prefetch(ix, in[i + 2 * PF_AHEAD].src);
				idx_prefetch(ix, in[i + 2 * PF_AHEAD].dst);
			}
			a = idx_find(ix, in[i].src);
			b = idx_find(ix, in[i].dst);
		}
		if (a < 0 || b < 0) {
			free(slots);
			if (failed_at)
				*failed_at = i;
			return RG_ENOENT;
		}
		slots[2 * i] = (uint32_t)a;
		slots[2 * i + 1] = (uint32_t)b;
	}
	if (n >= BULK_MIN_EDGES && n <= UINT32_MAX) {
		int rc = bulk_apply(t, in, slots, n, failed_at);
		free(slots);
		return rc;
	}
	/* pass 1b: check both endpoints alive; node structs 2*AHEAD ahead,
	 * their heads AHEAD ahead */
	for (size_t i = 0; i < n; i++) {
		if (i + 2 * PF_AHEAD < n) {
			__builtin_prefetch(slot_node_seg(g->segs, slots[2 * (i + 2 * PF_AHEAD)]));
			__builtin_prefetch(slot_node_seg(g->segs, slots[2 * (i + 2 * PF_AHEAD) + 1]));
		}
		if (i + PF_AHEAD < n) {
			pf_head_of(g, slots[2 * (i + PF_AHEAD)]);
			pf_head_of(g, slots[2 * (i + PF_AHEAD) + 1]);
		}
		if (!walive(slot_node_seg(g->segs, slots[2 * i])) ||
		    !walive(slot_node_seg(g->segs, slots[2 * i + 1]))) {
			free(slots);
			if (failed_at)
				*failed_at = i;
			return RG_ENOENT;
		}
	}
	/* pass 2: apply; node structs 3*AHEAD ahead, heads 2*AHEAD, array
	 * tails AHEAD. (A
	 * variant that first counted each adjacency's new entries and grew it
	 * once was slower: the extra passes re-miss on nodes and heads.) */
	int rc = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		if (i + 3 * PF_AHEAD < n) {
			/* pass 1's node lines are long evicted on big batches */
			__builtin_prefetch(slot_node_seg(g->segs, slots[2 * (i + 3 * PF_AHEAD)]));
			__builtin_prefetch(slot_node_seg(g->segs, slots[2 * (i + 3 * PF_AHEAD) + 1]));
		}
		if (i + 2 * PF_AHEAD < n) {
			pf_head_of(g, slots[2 * (i + 2 * PF_AHEAD)]);
			pf_head_of(g, slots[2 * (i + 2 * PF_AHEAD) + 1]);
		}
		if (i + PF_AHEAD < n) {
			pf_tail(g, slots[2 * (i + PF_AHEAD)], RG_OUT);
			pf_tail(g, slots[2 * (i + PF_AHEAD) + 1], RG_IN);
		}
		rg_pool_prefetch_head(&g->pool, PF_AHEAD);
		if ((rc = apply_edge(t, slots[2 * i], slots[2 * i + 1], in[i].src, in[i].dst,
				     in[i].type, in[i].prop))) {
			if (failed_at)
				*failed_at = i;
			break; /* ENOMEM/ERANGE: the transaction is poisoned */
		}
	}
	free(slots);
	return rc;
}

int rg_txn_del_edge(rg_txn_t *t, uint64_t src, uint64_t dst, uint32_t type)
{
	if (!t)
		return RG_EINVAL;
	if (t->poisoned)
		return RG_ENOMEM;
	rg_graph_t *g = t->g;
	int64_t ss = wslot_of(g, src), ds = wslot_of(g, dst);
	if (ss < 0 || ds < 0)
		return RG_ENOENT;
	struct rg_node *ns = rg_slot_node(g, (uint64_t)ss), *nd = rg_slot_node(g, (uint64_t)ds);
	if (!walive(ns) || !walive(nd))
		return RG_ENOENT;
	uint64_t count = 0;
	struct rg_head *hs = NULL, *hd = NULL;
	const struct rg_adj *va = &wview(ns)->adj[RG_OUT];
	for (uint32_t i = 0; i < va->len; i++) {
		rg_edge_t *e = &va->e[i];
		if (e->del != RG_DEL_LIVE || e->nbr_slot != (uint32_t)ds ||
		    (type != RG_TYPE_ANY && e->type != type))
			continue;
		if (!hs) {
			/* touch copies the adjacency descriptor: same array, so e
			 * stays valid; va now aliases the old head, re-read from hs */
			hs = touch(t, ns, (uint64_t)ss);
			hd = hs ? touch(t, nd, (uint64_t)ds) : NULL;
			if (!hd)
				return poison(t, RG_ENOMEM);
			va = &hs->adj[RG_OUT];
		}
		int rc = mark_del(t, hs, RG_OUT, e);
		if (!rc)
			rc = mark_reverse(t, hd, RG_IN, (uint32_t)ss, e->type, e->prop);
		if (rc)
			return poison(t, rc);
		count++;
	}
	if (!count)
		return RG_ENOENT;
	t->dedges -= (int64_t)count;
	t->n_del_edges += count;
	record(t, RG_OP_DEL_EDGE, src, dst, type, 0);
	return 0;
}

int rg_txn_del_node(rg_txn_t *t, uint64_t id)
{
	if (!t)
		return RG_EINVAL;
	if (t->poisoned)
		return RG_ENOMEM;
	rg_graph_t *g = t->g;
	struct rg_node *n = wnode(g, id);
	if (!walive(n))
		return RG_ENOENT;
	uint32_t self = node_slot(g, n);
	struct rg_head *h = touch(t, n, self);
	if (!h)
		return poison(t, RG_ENOMEM);
	/* Remove the reverse entry of every live edge at the neighbour. Self
	 * loops live in our own arrays, which are dropped below. */
	for (int d = 0; d < 2; d++) {
		struct rg_adj *a = &h->adj[d];
		for (uint32_t i = 0; i < a->len; i++) {
			rg_edge_t *e = &a->e[i];
			if (e->del != RG_DEL_LIVE)
				continue;
			if (e->nbr_slot == self) {
				if (d == RG_OUT)
					t->dedges--; /* counted once, on the out side */
				continue;
			}
			struct rg_head *hn = touch(t, rg_slot_node(g, e->nbr_slot), e->nbr_slot);
			if (!hn)
				return poison(t, RG_ENOMEM);
			int rc = mark_reverse(t, hn, 1 - d, self, e->type, e->prop);
			if (rc)
				return poison(t, rc);
			t->dedges--;
		}
	}
	if (adj_drop(t, h, RG_OUT) || adj_drop(t, h, RG_IN))
		return poison(t, RG_ENOMEM);
	h->alive = 0;
	t->dnodes--;
	t->n_del_nodes++;
	record(t, RG_OP_DEL_NODE, id, 0, 0, 0);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Abort / commit                                                    */
/* ---------------------------------------------------------------- */

static void txn_free(struct rg_txn *t)
{
	rg_base_free(t->new_base); /* unpublished (empty commit); NULL otherwise */
	free(t->scratch);
	free(t->touched.p);
	free(t->revert.p);
	free(t->garbage.p);
	free(t->idx_old.p);
	free(t->ops.p);
	free(t);
}

/* Undoes everything; the caller holds the writer mutex and releases it. */
static void rollback(struct rg_txn *t)
{
	struct rg_node **nodes = t->touched.p;
	for (size_t i = 0; i < t->touched.n; i++) {
		struct rg_head *h = nodes[i]->pending;
		for (int d = 0; d < 2; d++)
			if (h->adj[d].e && h->apriv[d])
				arr_free_now(t->g, h->adj[d].e, h->acls[d]);
		head_release(t->g, h);
		nodes[i]->pending = NULL;
	}
	uint64_t **rv = t->revert.p;
	for (size_t i = 0; i < t->revert.n; i++)
		/* relaxed: back to "live"; readers read v (> their snapshot) or
		 * this, both meaning live */
		__atomic_store_n(rv[i], RG_DEL_LIVE, __ATOMIC_RELAXED);
	retire_idx(t);
	rg_base_free(t->new_base); /* never published */
	t->new_base = NULL;
}

int rg_txn_abort(rg_txn_t *t)
{
	if (!t)
		return RG_EINVAL;
	rg_graph_t *g = t->g;
	rollback(t);
	rg_metrics_add(g->metrics, RG_C_TXNS_ENDED, 1);
	rg_metrics_add(g->metrics, RG_C_ABORTS, 1);
	pthread_mutex_unlock(&g->wlock);
	txn_free(t);
	return 0;
}

/* Rebuilds adjacencies where deleted entries outnumber live ones, so scans
 * never pay for old deletions more than 2x. */
static int compact(struct rg_txn *t)
{
	if (!t->marks)
		return 0; /* nothing deleted: no adjacency can have gained dead entries */
	struct rg_node **nodes = t->touched.p;
	for (size_t i = 0; i < t->touched.n; i++) {
		struct rg_head *h = nodes[i]->pending;
		for (int d = 0; d < 2; d++) {
			struct rg_adj *a = &h->adj[d];
			uint32_t dead = a->len - a->live;
			if (!a->e || dead < 16 || dead <= a->live)
				continue;
			int rc = a->live ? adj_rebuild(t, h, d, a->live + a->live / 2 + 1)
					 : adj_drop(t, h, d);
			if (rc)
				return rc;
			t->g->st_compacted++;
		}
	}
	return 0;
}

/*
 * Makes version v visible: publishes its snapshot record, then retires what
 * it superseded. Versions become visible in order (the caller guarantees it:
 * it holds the writer mutex, or waits its turn on vis_lock).
 */
static void make_visible(rg_graph_t *g, struct rg_snap *snap, struct rg_garbage *gb)
{
	g->pol->publish_begin(g);
	struct rg_snap *old = g->snap;
	/* rcu_assign_pointer = store-release: every head linked, entry
	 * appended and deletion mark made for this version is visible to a
	 * reader that loads this record with acquire (rg_snap_load_into) */
	rcu_assign_pointer(g->snap, snap);
	g->pol->publish_end(g);
	gb_add(gb, old, sizeof *old, RG_CLS_MALLOC);
	gb_retire(g, gb);
	/* bounded garbage: if reclamation fell behind, wait for it */
	if (atomic_load_explicit(&g->gc_pending_bytes, memory_order_relaxed) > g->gc_limit) {
		g->st_gc_waits++;
		uint64_t t0 = rg_metrics_timer_start(g->metrics);
		g->pol->barrier(g);
		rg_metrics_add(g->metrics, RG_C_RECLAIM_WAITS, 1);
		rg_metrics_observe_since(g->metrics, RG_H_GRACE_PERIOD_SECONDS, t0);
	}
}

int rg_txn_commit(rg_txn_t *t, uint64_t *version)
{
	if (!t)
		return RG_EINVAL;
	rg_graph_t *g = t->g;
	int rc = 0;
	if (t->poisoned) {
		rc = RG_ENOMEM;
		goto fail;
	}
	if (t->touched.n == 0 && t->ops.n == 0) {
		/* nothing to publish: consume no version */
		retire_idx(t);
		goto done;
	}
	if ((rc = compact(t)))
		goto fail;

	struct rg_snap *snap = malloc(sizeof *snap);
	/* + old snapshot record + old pack */
	struct rg_garbage *gb = snap ? gb_new(g, t->touched.n + t->garbage.n + 2) : NULL;
	if (!gb) {
		free(snap);
		rc = RG_ENOMEM;
		goto fail;
	}
	snap->version = t->version;
	snap->nodes = (uint64_t)((int64_t)g->wnodes + t->dnodes);
	snap->edges = (uint64_t)((int64_t)g->wedges + t->dedges);
	snap->nslots = g->nslots;
	snap->dense = (uint64_t)g->dense;
	snap->base = t->new_base ? t->new_base : g->base;

	uint64_t lsn_end = 0;
	if (g->wal) {
		rc = rg_wal_append(g->wal, t->version, t->ops.p, t->ops.n, &lsn_end);
		if (!rc) {
			/* the first append after open only sets the watermark */
			if (g->last_lsn && lsn_end > g->last_lsn)
				rg_metrics_add(g->metrics, RG_C_LOG_BYTES, lsn_end - g->last_lsn);
			g->last_lsn = lsn_end;
		}
		if (rc) {
			free(snap);
			free(gb->ptrs);
			free(gb);
			goto fail;
		}
	}

	/* Link: the new heads become reachable, but carry version v, newer
	 * than every open snapshot, so readers step over them (I1). */
	struct rg_node **nodes = t->touched.p;
	/* One publication barrier for all heads: every pending head's fields
	 * (prev included, set by touch) and the entries it covers were written
	 * before this point, so a reader that loads any of the pointers stored
	 * below sees them. This is rcu_assign_pointer's ordering; calling it
	 * per node would issue liburcu 0.13's strict cmm_wmb() (an sfence on
	 * x86) for each of tens of thousands of heads per commit. */
	cmm_smp_wmb();
	for (size_t i = 0; i < t->touched.n; i++) {
		if (i + 8 < t->touched.n)
			__builtin_prefetch(nodes[i + 8], 1);
		struct rg_node *n = nodes[i];
		struct rg_head *h = n->pending;
		rg_publish_after_wmb(n->head, h);
		n->pending = NULL;
		if (h->prev)
			gb_add(gb, h->prev, sizeof *h->prev, RG_CLS_HEAD);
	}
	struct gitem *gi = t->garbage.p;
	for (size_t i = 0; i < t->garbage.n; i++)
		gb_add(gb, gi[i].p, gi[i].sz, gi[i].cls);
	if (t->new_base) {
		/* readers of older records keep the old pack until reclaimed;
		 * every head that pointed into it was replaced above */
		if (g->base)
			gb_add(gb, g->base, g->base->bytes, RG_CLS_BASE);
		g->base = t->new_base;
		t->new_base = NULL;
		g->st_packs++;
	}
	g->wversion = t->version;
	g->wnodes = snap->nodes;
	g->wedges = snap->edges;
	g->st_commits++;
	g->st_heads += t->touched.n;
	retire_idx(t);
	rg_metrics_add(g->metrics, RG_C_COMMITS, 1);
	rg_metrics_add(g->metrics, RG_C_VERSIONS_PUBLISHED, t->touched.n);
	rg_metrics_add(g->metrics, RG_C_NODES_ADDED, t->n_add_nodes);
	rg_metrics_add(g->metrics, RG_C_NODES_DELETED, t->n_del_nodes);
	rg_metrics_add(g->metrics, RG_C_EDGES_ADDED, t->n_add_edges);
	rg_metrics_add(g->metrics, RG_C_EDGES_DELETED, t->n_del_edges);
	rg_metrics_add(g->metrics, RG_C_TXNS_ENDED, 1);

	if (g->wal) {
		/* durable path: visibility after the record is on disk (wal.h) */
		rc = rg_graph_commit_durable(g, t->version, lsn_end, snap, gb);
	} else {
		make_visible(g, snap, gb);
		pthread_mutex_unlock(&g->wlock);
	}
	if (version && !rc)
		*version = t->version;
	rg_metrics_observe(g->metrics, RG_H_COMMIT_SECONDS, now_ns() - t->t0);
	txn_free(t);
	return rc;

fail:
	rollback(t);
	rg_metrics_add(g->metrics, RG_C_TXNS_ENDED, 1);
	rg_metrics_add(g->metrics, RG_C_ABORTS, 1);
	pthread_mutex_unlock(&g->wlock);
	txn_free(t);
	return rc;
done:
	rg_metrics_add(g->metrics, RG_C_TXNS_ENDED, 1);
	pthread_mutex_unlock(&g->wlock);
	txn_free(t);
	return 0;
}

/* Exposed for the durable path (durable.c), which must publish versions
 * in order after the writer mutex was released. */
void rg_graph_make_visible(rg_graph_t *g, struct rg_snap *snap, struct rg_garbage *gb)
{
	make_visible(g, snap, gb);
}

/* ---------------------------------------------------------------- */
/* For rg_pack (pack.c)                                              */
/* ---------------------------------------------------------------- */

struct rg_head *rg_txn_touch_slot(rg_txn_t *t, uint64_t slot)
{
	struct rg_head *h = touch(t, slot_node_seg(t->g->segs, slot), slot);
	if (!h)
		poison(t, RG_ENOMEM);
	return h;
}

int rg_txn_adj_to_base(rg_txn_t *t, struct rg_head *h, int d, rg_edge_t *e, uint32_t n)
{
	int rc = adj_drop(t, h, d);
	if (rc)
		return poison(t, rc);
	if (n) {
		h->adj[d].e = e;
		h->adj[d].len = h->adj[d].live = n;
		h->acls[d] = RG_CLS_INBASE;
	}
	return 0;
}

void rg_txn_set_base(rg_txn_t *t, struct rg_base *b)
{
	rg_base_free(t->new_base);
	b->version = t->version;
	t->new_base = b;
}

/* ---------------------------------------------------------------- */
/* For restoring a checkpoint's in-adjacency order (durable.c)       */
/* ---------------------------------------------------------------- */

int rg_txn_permute_in(rg_txn_t *t, uint64_t id, const uint32_t *rank, size_t n)
{
	int64_t s = walive_slot(t->g, id);
	if (s < 0)
		return RG_ENOENT;
	struct rg_head *h = slot_node_seg(t->g->segs, (uint64_t)s)->pending;
	/* private to t: no reader can see the array, so it is reordered in place */
	if (!h || !h->apriv[RG_IN] || h->adj[RG_IN].len != n || h->adj[RG_IN].live != n)
		return RG_EINVAL;
	rg_edge_t *tmp = txn_scratch(t, n * sizeof(rg_edge_t) + n), *e = h->adj[RG_IN].e;
	if (!tmp)
		return RG_ENOMEM;
	uint8_t *seen = (uint8_t *)(tmp + n);
	memset(seen, 0, n);
	for (size_t i = 0; i < n; i++) {
		if (rank[i] >= n || seen[rank[i]])
			return RG_EINVAL;
		seen[rank[i]] = 1;
		tmp[i] = e[rank[i]];
	}
	memcpy(e, tmp, n * sizeof *e);
	return 0;
}
