/*
 * graph.c - the graph core: open/close, the node table (segments + id
 * index), and the read path. Transactions are in txn.c, synchronisation
 * policies in policy_*.c. The read path below is shared by every policy:
 * it takes no lock and performs no atomic read-modify-write.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include <rcugraph/metrics.h>

__thread struct rg_read rg_tls_read __attribute__((tls_model("initial-exec")));
__thread char rg_tls_errmsg[RG_ERRMSG_LEN];

const char *rg_last_error_detail(void)
{
	return rg_tls_errmsg;
}

const char *rg_strerror(int err)
{
	switch (err) {
	case RG_OK: return "success";
	case RG_EINVAL: return "invalid argument";
	case RG_ENOMEM: return "out of memory";
	case RG_ENOENT: return "no such node or edge";
	case RG_EEXIST: return "node already exists";
	case RG_EBUSY: return "would deadlock (inside a read section or section already open)";
	case RG_ESTATE: return "call not valid in this state";
	case RG_EPARSE: return "malformed input";
	case RG_EIO: return "I/O error";
	case RG_ERETRY: return "optimistic read section invalidated; retry it";
	case RG_EPOLICY: return "unknown policy or operation not allowed by the policy";
	case RG_ECORRUPT: return "corrupt data";
	case RG_EVERSION: return "data written by a newer format version";
	case RG_ENOSPC: return "no space left on device";
	case RG_ERANGE: return "limit exceeded";
	default: return "unknown error";
	}
}

void rg_options_init(rg_options_t *o)
{
	if (!o)
		return;
	memset(o, 0, sizeof *o);
	o->metrics = 1;
	o->durability = RG_DURABILITY_COMMIT;
	o->interval_ms = 10;
	o->checkpoint_bytes = 64u << 20;
}

/* ---------------------------------------------------------------- */
/* Node table                                                        */
/* ---------------------------------------------------------------- */

struct rg_node *rg_slot_node(rg_graph_t *g, uint64_t slot)
{
	return slot_node_seg(g->segs, slot);
}

static struct rg_idx *idx_alloc(uint64_t cap)
{
	struct rg_idx *t = calloc(1, sizeof *t + cap * sizeof(struct rg_ient));
	if (t) {
		rg_advise_huge(t, sizeof *t + cap * sizeof(struct rg_ient));
		t->mask = cap - 1;
	}
	return t;
}

static void idx_put(struct rg_idx *t, uint64_t id, uint32_t slot)
{
	uint64_t i = mix64(id) & t->mask;
	while (t->e[i].slot1 != 0)
		i = (i + 1) & t->mask;
	t->e[i].id = id;
	/* release: a reader that sees slot1 != 0 also sees id (and the node
	 * struct initialised before this call) */
	__atomic_store_n(&t->e[i].slot1, slot + 1, __ATOMIC_RELEASE);
	t->used++;
}

/*
 * Writer only. Finds or creates the slot for id. A new slot's node struct
 * has no head, so it is absent from every snapshot until a commit links
 * one. *old_idx receives an index table the caller must retire (growth),
 * or NULL. Returns the slot or a negative RG_E*.
 */
int64_t rg_index_insert(rg_graph_t *g, uint64_t id, struct rg_idx **old_idx)
{
	struct rg_idx *t = g->idx;
	int64_t s = idx_find(t, id);
	*old_idx = NULL;
	if (s >= 0)
		return s;
	if (g->nslots >= RG_MAX_SLOTS)
		return RG_ERANGE;
	uint64_t slot = g->nslots;
	uint64_t q = (slot >> RG_SEG0_SHIFT) + 1;
	unsigned k = 63 - (unsigned)__builtin_clzll(q);
	if (!g->segs[k]) {
		struct rg_node *seg = calloc((size_t)1 << (RG_SEG0_SHIFT + k), sizeof *seg);
		if (!seg)
			return RG_ENOMEM;
		rg_advise_huge(seg, ((size_t)1 << (RG_SEG0_SHIFT + k)) * sizeof *seg);
		/* publish the zeroed segment before any index entry points into it */
		rcu_assign_pointer(g->segs[k], seg);
	}
	if ((t->used + 1) * 2 > t->mask + 1) {
		struct rg_idx *nt = idx_alloc((t->mask + 1) * 2);
		if (!nt)
			return RG_ENOMEM;
		for (uint64_t i = 0; i <= t->mask; i++)
			if (t->e[i].slot1)
				idx_put(nt, t->e[i].id, t->e[i].slot1 - 1);
		/* readers switch to the complete new table; the old one stays valid
		 * for readers already probing it and is retired by the commit */
		rcu_assign_pointer(g->idx, nt);
		*old_idx = t;
		t = nt;
	}
	struct rg_node *n = slot_node_seg(g->segs, slot);
	if (id != slot)
		g->dense = 0; /* readers see it with the next snapshot record */
	n->id = id;
	n->head = NULL;
	n->pending = NULL;
	idx_put(t, id, (uint32_t)slot);
	g->nslots++;
	return (int64_t)slot;
}

/* ---------------------------------------------------------------- */
/* Open / close                                                     */
/* ---------------------------------------------------------------- */

int rg_graph_replay_ops(rg_graph_t *g, struct rg_replay_ops *ops); /* txn.c */

int rg_open(rg_graph_t **out, const rg_options_t *opts)
{
	rg_options_t def;
	if (!out)
		return RG_EINVAL;
	*out = NULL;
	if (!opts) {
		rg_options_init(&def);
		opts = &def;
	}
	for (size_t i = 0; i < sizeof opts->reserved / sizeof opts->reserved[0]; i++)
		if (opts->reserved[i])
			return RG_EINVAL;
	if (opts->durability < RG_DURABILITY_OFF || opts->durability > RG_DURABILITY_COMMIT)
		return RG_EINVAL;
	const struct rg_policy *pol = rg_policy_find(opts->sync ? opts->sync : "rcu-memb");
	if (!pol)
		return RG_EPOLICY;

	rg_tls_errmsg[0] = 0;
	rg_graph_t *g = calloc(1, sizeof *g);
	if (!g)
		return RG_ENOMEM;
	g->pol = pol;
	g->gc_limit = opts->gc_limit_bytes ? opts->gc_limit_bytes : (size_t)64 << 20;
	g->idx = idx_alloc(1024);
	g->snap = calloc(1, sizeof *g->snap);
	rg_pool_init(&g->pool, sizeof(struct rg_head));
	pthread_mutex_init(&g->wlock, NULL);
	pthread_mutex_init(&g->vis_lock, NULL);
	pthread_cond_init(&g->vis_cond, NULL);
	if (!g->idx || !g->snap)
		goto nomem;
	g->dense = 1; /* no node yet: trivially */
	g->snap->dense = 1;
	if (opts->metrics) {
		g->metrics = rg_metrics_create();
		if (!g->metrics && rg_metrics_compiled_in())
			goto nomem;
	}
	int rc = pol->init(g);
	if (rc) {
		rg_metrics_destroy(g->metrics);
		free(g->idx);
		free(g->snap);
		free(g);
		return rc;
	}
	if (opts->dir) {
		rc = rg_graph_open_durable(g, opts);
		if (rc) {
			rg_close(g);
			return rc;
		}
	}
	*out = g;
	return 0;
nomem:
	rg_metrics_destroy(g->metrics);
	free(g->idx);
	free(g->snap);
	free(g);
	return RG_ENOMEM;
}

void rg_close(rg_graph_t *g)
{
	if (!g)
		return;
	rg_graph_close_durable(g);
	/* every retired bundle is freed before we free what is still current */
	g->pol->barrier(g);
	for (uint64_t s = 0; s < g->nslots; s++) {
		struct rg_node *n = slot_node_seg(g->segs, s);
		struct rg_head *h = n->head;
		/* only the newest head is still owned: every superseded head (and
		 * array) was retired when it was replaced (I4). Heads and pooled
		 * arrays go with the pool's chunks; big arrays were malloc'ed. */
		if (h)
			for (int d = 0; d < 2; d++)
				if (h->adj[d].e && h->acls[d] == RG_CLS_MALLOC)
					free((struct rg_bighdr *)h->adj[d].e - 1);
	}
	for (int k = 0; k < RG_MAX_SEGS; k++)
		free(g->segs[k]);
	rg_base_free(g->base); /* heads pointing into it went with the pool */
	rg_pool_destroy(&g->pool);
	g->pol->fini(g);
	free(g->idx);
	free(g->snap);
	rg_metrics_destroy(g->metrics);
	pthread_mutex_destroy(&g->wlock);
	pthread_mutex_destroy(&g->vis_lock);
	pthread_cond_destroy(&g->vis_cond);
	free(g);
}

const char *rg_policy_name(const rg_graph_t *g)
{
	return g ? g->pol->name : NULL;
}

struct rg_metrics *rg_graph_metrics_internal(rg_graph_t *g)
{
	return g ? g->metrics : NULL;
}

rg_metrics_t *rg_graph_metrics(rg_graph_t *g)
{
	return rg_graph_metrics_internal(g);
}

void rg_garbage_free(struct rg_garbage *gb)
{
	rg_graph_t *g = gb->g;
	size_t bytes = gb->bytes, n = gb->n;
	/* no reader can hold any of it: heads and pooled arrays go back to
	 * the writer's free lists, the rest to libc */
	rg_pool_give_back(&g->pool, gb);
	/* relaxed: statistics only; nothing is ordered by these counters */
	atomic_fetch_sub_explicit(&g->gc_pending_bytes, bytes, memory_order_relaxed);
	atomic_fetch_sub_explicit(&g->gc_pending_objects, n, memory_order_relaxed);
	atomic_fetch_add_explicit(&g->gc_freed_bytes, bytes, memory_order_relaxed);
	rg_metrics_add(g->metrics, RG_C_RECLAIM_CALLBACKS_DONE, n);
	rg_metrics_add(g->metrics, RG_C_RECLAIM_BYTES_DONE, bytes);
}

void rg_stats_get(rg_graph_t *g, rg_stats_t *st)
{
	if (!g || !st)
		return;
	memset(st, 0, sizeof *st);
	/* the writer mutex keeps the snapshot record and writer counters stable */
	pthread_mutex_lock(&g->wlock);
	const struct rg_snap *s = g->snap;
	st->version = s->version;
	st->nodes = s->nodes;
	st->edges = s->edges;
	st->node_slots = g->nslots;
	st->commits = g->st_commits;
	st->heads_published = g->st_heads;
	st->arrays_grown = g->st_grown;
	st->arrays_compacted = g->st_compacted;
	st->gc_waits = g->st_gc_waits;
	st->packs = g->st_packs;
	if (g->base) {
		st->pack_bytes = g->base->bytes;
		for (uint64_t w = 0; w < (g->base->nslots + 63) / 64; w++)
			st->pack_clean_nodes += (uint64_t)__builtin_popcountll(g->base->clean[w]);
	}
	pthread_mutex_unlock(&g->wlock);
	/* relaxed: statistics, read while reclamation runs; they order nothing */
	st->gc_pending_bytes = atomic_load_explicit(&g->gc_pending_bytes, memory_order_relaxed);
	st->gc_pending_objects = atomic_load_explicit(&g->gc_pending_objects, memory_order_relaxed);
	st->gc_freed_bytes = atomic_load_explicit(&g->gc_freed_bytes, memory_order_relaxed);
}

/* ---------------------------------------------------------------- */
/* Reader registration and read sections                            */
/* ---------------------------------------------------------------- */

int rg_reader_register(rg_graph_t *g)
{
	if (!g)
		return RG_EINVAL;
	if (rg_tls_read.open)
		return RG_EBUSY;
	/* nosync: the graph is frozen once it is shared */
	__atomic_store_n(&g->shared_with_readers, 1, __ATOMIC_RELAXED);
	return g->pol->reg(g);
}

int rg_reader_unregister(rg_graph_t *g)
{
	if (!g)
		return RG_EINVAL;
	if (rg_tls_read.open)
		return RG_EBUSY;
	return g->pol->unreg(g);
}

void rg_reader_quiescent(rg_graph_t *g)
{
	if (g && !rg_tls_read.open)
		g->pol->quiescent(g);
}

int rg_read_begin(rg_graph_t *g, rg_read_t **r)
{
	struct rg_read *rd = &rg_tls_read;
	if (!g || !r)
		return RG_EINVAL;
	if (rd->open)
		return RG_EBUSY;
	rd->g = g;
	rd->shared = 0;
	int rc = g->pol->read_begin(g, rd);
	if (rc)
		return rc;
	rd->open = 1;
	rd->mt0 = rg_metrics_read_enter(g->metrics, &rd->mt);
	*r = rd;
	return 0;
}

int rg_read_begin_shared(const rg_read_t *parent, rg_read_t **r)
{
	struct rg_read *rd = &rg_tls_read;
	if (!parent || !r || !parent->open)
		return RG_EINVAL;
	if (rd->open)
		return RG_EBUSY;
	/* No synchronisation of our own: the parent's open section keeps every
	 * version it can see alive (a grace period, epoch or read lock cannot
	 * end before it does), and it must outlive this one by contract. */
	rd->g = parent->g;
	rd->version = parent->version;
	rd->nodes = parent->nodes;
	rd->edges = parent->edges;
	rd->nslots = parent->nslots;
	rd->dense = parent->dense;
	rd->base = parent->base;
	rd->shared = 1;
	rd->open = 1;
	*r = rd;
	return 0;
}

int rg_read_end(rg_read_t *r)
{
	if (!r || !r->open)
		return RG_ESTATE;
	r->open = 0;
	if (r->shared)
		return 0;
	int rc = r->g->pol->read_end(r->g, r);
	rg_metrics_read_exit(r->g->metrics, &r->mt, r->mt0);
	if (rc == RG_ERETRY)
		rg_metrics_add(r->g->metrics, RG_C_READ_RETRIES, 1);
	return rc;
}

rg_graph_t *rg_read_graph(const rg_read_t *r) { return r ? r->g : NULL; }
uint64_t rg_read_version(const rg_read_t *r) { return r ? r->version : 0; }
uint64_t rg_node_count(const rg_read_t *r) { return r ? r->nodes : 0; }
uint64_t rg_edge_count(const rg_read_t *r) { return r ? r->edges : 0; }
uint64_t rg_node_slots(const rg_read_t *r) { return r ? r->nslots : 0; }

/* The head of node n visible in snapshot s, or NULL (absent). Walks the
 * version chain; chains hold only versions committed during one grace
 * period, so this is almost always zero or one step. */
static inline const struct rg_head *visible_head(const struct rg_node *n, uint64_t s)
{
	/* rcu_dereference: dependency-ordered load of a pointer the writer
	 * published with rcu_assign_pointer (fields visible through it) */
	const struct rg_head *h = rcu_dereference(n->head);
	while (h && h->version > s)
		h = rcu_dereference(h->prev);
	return (h && h->alive) ? h : NULL;
}

/* Slot of id in rd's snapshot, or -1. A dense snapshot maps id to slot id
 * (its record says every slot below nslots holds its own id; slots never
 * move), so the query skips the index probe, as a CSR indexed by id does. */
static inline int64_t slot_of(const struct rg_read *rd, uint64_t id)
{
	if (rd->dense)
		return id < rd->nslots ? (int64_t)id : -1;
	/* rcu_dereference: the writer publishes a grown index with
	 * rcu_assign_pointer; the old one stays valid until a grace period */
	int64_t slot = idx_find(rcu_dereference(rd->g->idx), id);
	return slot >= 0 && (uint64_t)slot < rd->nslots ? slot : -1;
}

static inline const struct rg_head *lookup(const struct rg_read *rd, uint64_t id)
{
	int64_t slot = slot_of(rd, id);
	if (slot < 0)
		return NULL;
	return visible_head(slot_node_seg(rd->g->segs, (uint64_t)slot), rd->version);
}

static inline const struct rg_head *lookup_slot(const struct rg_read *rd, uint64_t slot)
{
	if (slot >= rd->nslots)
		return NULL;
	return visible_head(slot_node_seg(rd->g->segs, slot), rd->version);
}

bool rg_node_exists(const rg_read_t *r, uint64_t id)
{
	return r && r->open && lookup(r, id) != NULL;
}

int rg_node_label(const rg_read_t *r, uint64_t id, uint32_t *label)
{
	if (!r || !label || !r->open)
		return RG_EINVAL;
	const struct rg_head *h = lookup(r, id);
	if (!h)
		return RG_ENOENT;
	*label = h->label;
	return 0;
}

int rg_node_slot(const rg_read_t *r, uint64_t id, uint64_t *slot)
{
	if (!r || !slot || !r->open)
		return RG_EINVAL;
	int64_t s = slot_of(r, id);
	if (s < 0 || !lookup_slot(r, (uint64_t)s))
		return RG_ENOENT;
	*slot = (uint64_t)s;
	return 0;
}

int rg_node_at(const rg_read_t *r, uint64_t slot, uint64_t *id, uint32_t *label)
{
	if (!r || !r->open)
		return RG_EINVAL;
	const struct rg_head *h = lookup_slot(r, slot);
	if (!h)
		return RG_ENOENT;
	if (id)
		*id = slot_node_seg(r->g->segs, slot)->id;
	if (label)
		*label = h->label;
	return 0;
}

static inline int degree_of(const struct rg_head *h, rg_dir_t dir, uint64_t *deg)
{
	if (!h)
		return RG_ENOENT;
	*deg = h->adj[dir].live;
	return 0;
}

/* Degree from the pack when slot is clean there: every entry of a clean
 * slot is live (a deletion would have touched the node). */
static inline int base_degree(const struct rg_read *rd, uint64_t slot, rg_dir_t dir, uint64_t *deg)
{
	const struct rg_base *b = rd->base;
	if (!rg_base_clean(b, slot))
		return 0;
	*deg = b->off[dir][slot + 1] - b->off[dir][slot];
	return 1;
}

int rg_degree(const rg_read_t *r, uint64_t id, rg_dir_t dir, uint64_t *deg)
{
	if (!r || !deg || !r->open || (dir != RG_OUT && dir != RG_IN))
		return RG_EINVAL;
	int64_t slot = slot_of(r, id);
	if (slot < 0)
		return RG_ENOENT;
	if (base_degree(r, (uint64_t)slot, dir, deg))
		return 0;
	return degree_of(lookup_slot(r, (uint64_t)slot), dir, deg);
}

int rg_degree_at(const rg_read_t *r, uint64_t slot, rg_dir_t dir, uint64_t *deg)
{
	if (!r || !deg || !r->open || (dir != RG_OUT && dir != RG_IN))
		return RG_EINVAL;
	if (base_degree(r, slot, dir, deg))
		return 0;
	return degree_of(lookup_slot(r, slot), dir, deg);
}

/*
 * Positions *it on adjacency dir of slot in rd's snapshot. One predictable
 * test of the policy's neighbour hook (lru-rwlock routes queries through
 * its cache, with the visible head); otherwise a slot that is clean in the
 * snapshot's pack is read straight from the pack's arrays (struct rg_base:
 * no node or head load), and any other from its visible head.
 */
static inline int neighbors_of(const struct rg_read *rd, uint64_t slot, rg_dir_t dir,
			       uint32_t type, rg_iter_t *it)
{
	const struct rg_base *b = rd->base;
	const rg_edge_t *cur, *end;
	if (__builtin_expect(rd->g->pol->neighbors != NULL, 0)) {
		const struct rg_head *h = lookup_slot(rd, slot);
		return h ? rd->g->pol->neighbors(rd, slot, h, dir, type, it) : RG_ENOENT;
	}
	if (rg_base_clean(b, slot)) {
		cur = b->ent[dir] + b->off[dir][slot];
		end = b->ent[dir] + b->off[dir][slot + 1];
	} else {
		const struct rg_head *h = lookup_slot(rd, slot);
		if (!h)
			return RG_ENOENT;
		cur = h->adj[dir].e;
		end = cur + h->adj[dir].len; /* NULL + 0 when there is no array */
	}
	it->cur = cur;
	it->end = end;
	it->snap = rd->version;
	it->type = type;
	return 0;
}

int rg_neighbors(const rg_read_t *r, uint64_t id, rg_dir_t dir, uint32_t type, rg_iter_t *it)
{
	if (!r || !it || !r->open || (dir != RG_OUT && dir != RG_IN))
		return RG_EINVAL;
	int64_t slot = slot_of(r, id);
	if (slot < 0)
		return RG_ENOENT;
	return neighbors_of(r, (uint64_t)slot, dir, type, it);
}

int rg_neighbors_at(const rg_read_t *r, uint64_t slot, rg_dir_t dir, uint32_t type, rg_iter_t *it)
{
	if (!r || !it || !r->open || (dir != RG_OUT && dir != RG_IN))
		return RG_EINVAL;
	return neighbors_of(r, slot, dir, type, it);
}
