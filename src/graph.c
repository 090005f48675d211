/*
 * graph.c - the graph object: open/close, the node table (slots, ids, the
 * id index), reader registration, statistics, switching the policy.
 * The read path is in read.c (and layout.h), transactions in txn.c,
 * publication and reclamation in publish.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "durable.h"
#include "graph_internal.h"
#include "publish.h"
#include <rcugraph/metrics.h>

__thread struct rg_read rg__tls_read __attribute__((tls_model("initial-exec")));
__thread char rg__tls_errmsg[RG_ERRMSG_LEN];

/* Registrations of the calling thread per policy kind (rg_read.regs has
 * the bit of every kind with a nonzero count; <rcugraph/inline.h> checks it). */
static __thread uint32_t tls_regs[RG_POL__COUNT];

#ifdef RG_DEBUG_ASSERTS
void rg__assert_fail(const char *cond, const char *file, int line)
{
	fprintf(stderr, "rcugraph: internal assertion failed: %s (%s:%d)\n", cond, file, line);
	abort();
}
#endif

const char *rg_last_error_detail(void)
{
	return rg__tls_errmsg;
}

const char *rg_strerror(int err)
{
	switch (err) {
	case RG_OK: return "success";
	case RG_EINVAL: return "invalid argument";
	case RG_ENOMEM: return "out of memory";
	case RG_ENOENT: return "no such node or edge";
	case RG_EEXIST: return "node already exists";
	case RG_EBUSY: return "would deadlock or graph busy (read section open, readers registered)";
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

static struct rg_idx *idx_alloc(uint64_t cap)
{
	size_t sz = sizeof(struct rg_idx) + cap * sizeof(struct rg_ient);
	struct rg_idx *t = calloc(1, sz);
	if (t) {
		rg__advise_huge(t, sz);
		t->mask = cap - 1;
	}
	return t;
}

static size_t idx_bytes(const struct rg_idx *t)
{
	return sizeof *t + (t->mask + 1) * sizeof(struct rg_ient);
}

static void idx_put(struct rg_idx *t, uint64_t id, uint32_t slot)
{
	uint64_t i = mix64(id) & t->mask;
	while (t->e[i].slot1 != 0)
		i = (i + 1) & t->mask;
	t->e[i].id = id;
	/* release: a reader that sees slot1 != 0 also sees id (and the slot's
	 * id cell, written before this call) */
	RG_PUBLISH(t->e[i].slot1, slot + 1);
	t->used++;
}

/*
 * Per-slot tables: one virtual reservation each (heads, ids), sized for the most slots the graph may ever have, so they never
 * move and never grow: a slot's cell is table[slot], one load. The kernel
 * commits a page (zero-filled) when a slot in it is first written, so a
 * graph pays for the slots it uses: 8 bytes per slot and table. The
 * reservation is MAP_NORESERVE; if the system refuses that much address
 * space (strict overcommit, ulimit -v), smaller ones are tried, and the
 * graph's slot limit is what was granted (RG_ERANGE beyond it).
 */
static void *reserve(uint64_t n, size_t elem)
{
	size_t bytes = (size_t)n * elem;
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* random touches by readers and the writer: fewer TLB misses (advisory) */
	(void)madvise(p, bytes, MADV_HUGEPAGE);
	return p;
}

static void unreserve(void *p, uint64_t n, size_t elem)
{
	if (p)
		munmap(p, (size_t)n * elem);
}

static int tables_reserve(rg_graph_t *g)
{
	for (uint64_t cap = (uint64_t)RG_MAX_SLOTS + 2; cap >= (UINT64_C(1) << 20); cap >>= 1) {
		g->rd.heads = reserve(cap, sizeof *g->rd.heads);
		g->rd.ids = g->rd.heads ? reserve(cap, sizeof *g->rd.ids) : NULL;
		if (g->rd.ids) {
			g->cap_slots = cap - 2 < RG_MAX_SLOTS ? cap - 2 : RG_MAX_SLOTS;
			return 0;
		}
		unreserve(g->rd.heads, cap, sizeof *g->rd.heads);
		g->rd.heads = NULL;
	}
	return RG_ENOMEM;
}

static void tables_free(rg_graph_t *g)
{
	uint64_t cap = g->cap_slots + 2; /* what tables_reserve mapped */
	unreserve(g->rd.heads, cap, sizeof *g->rd.heads);
	unreserve(g->rd.ids, cap, sizeof *g->rd.ids);
}

/* Extends the slot space to n slots (new slots hold no node). */
static int slots_grow(rg_graph_t *g, uint64_t n)
{
	if (n > g->cap_slots)
		return RG_ERANGE;
	g->nslots = n;
	return 0;
}

static void slot_set_id(rg_graph_t *g, uint64_t slot, uint64_t id)
{
	/* relaxed: published by the index entry's release (idx_put) or the
	 * next record's release */
	RG_STORE_SHARED(g->rd.ids[slot], id);
}

/* Dense -> sparse: every existing slot keeps its id (== slot), gets an id
 * cell and, if a node ever lived there, an index entry. */
static int go_sparse(rg_graph_t *g, struct rg_idx **old)
{
	uint64_t used = 0;
	for (uint64_t s = 0; s < g->nslots; s++)
		used += rg__wview(g, s) != NULL;
	uint64_t cap = 1024;
	while (cap < 2 * (used + 1))
		cap *= 2;
	struct rg_idx *t = idx_alloc(cap);
	if (!t)
		return RG_ENOMEM;
	for (uint64_t s = 0; s < g->nslots; s++) {
		slot_set_id(g, s, s);
		if (rg__wview(g, s))
			idx_put(t, s, (uint32_t)s);
	}
	*old = g->rd.idx; /* NULL: a dense graph has none */
	/* readers of dense records never look at it; sparse records are
	 * published after it */
	rcu_assign_pointer(g->rd.idx, t);
	g->mem_index = idx_bytes(t);
	g->dense = 0;
	return 0;
}

int64_t rg__slot_insert(rg_graph_t *g, uint64_t id, struct rg_idx **old)
{
	RG_ASSERT_WRITER(g);
	*old = NULL;
	if (g->dense) {
		if (id < g->nslots)
			return (int64_t)id;
		if (id < g->cap_slots && id <= 2 * g->nslots + RG_DENSE_SLACK) {
			int rc = slots_grow(g, id + 1);
			return rc ? rc : (int64_t)id;
		}
		int rc = go_sparse(g, old);
		if (rc)
			return rc;
	}
	struct rg_idx *t = g->rd.idx;
	int64_t s = _rg_idx_find(t, id);
	if (s >= 0)
		return s;
	uint64_t slot = g->nslots;
	int rc = slots_grow(g, slot + 1);
	if (rc)
		return rc;
	if ((t->used + 1) * 2 > t->mask + 1) {
		struct rg_idx *nt = idx_alloc((t->mask + 1) * 2);
		if (!nt) {
			g->nslots = slot; /* the slot was never used */
			return RG_ENOMEM;
		}
		for (uint64_t i = 0; i <= t->mask; i++)
			if (t->e[i].slot1)
				idx_put(nt, t->e[i].id, t->e[i].slot1 - 1);
		/* readers switch to the complete new table; the old one stays
		 * valid for readers already probing it and is retired by the
		 * transaction (I5) */
		rcu_assign_pointer(g->rd.idx, nt);
		if (*old)
			free(*old); /* go_sparse's NULL, or never published: impossible */
		*old = t;
		g->mem_index = idx_bytes(nt);
		t = nt;
	}
	slot_set_id(g, slot, id);
	idx_put(t, id, (uint32_t)slot);
	return (int64_t)slot;
}

/* ---------------------------------------------------------------- */
/* Open / close                                                     */
/* ---------------------------------------------------------------- */

static void graph_free(rg_graph_t *g)
{
	tables_free(g);
	rg__base_put(g->base);
	rg__pool_destroy(&g->pool);
	free(g->rd.idx);
	free(g->rd.snap);
	rg_metrics_destroy(g->rd.metrics);
	rg__pub_fini(g);
	pthread_mutex_destroy(&g->wlock);
	free(g);
}

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
	const struct rg_policy *pol = rg__policy_find(opts->sync ? opts->sync : "rcu-memb");
	if (!pol)
		return RG_EPOLICY;

	rg__tls_errmsg[0] = 0;
	rg_graph_t *g = calloc(1, sizeof *g);
	if (!g)
		return RG_ENOMEM;
	rg__pool_init(&g->pool, sizeof(struct rg_head));
	pthread_mutex_init(&g->wlock, NULL);
	rg__pub_init(g);
	g->gc_limit = opts->gc_limit_bytes ? opts->gc_limit_bytes : (size_t)64 << 20;
	g->dense = 1; /* no node yet: trivially */
	g->exact = 1;
	g->rd.snap = calloc(1, sizeof *g->rd.snap);
	if (!g->rd.snap || tables_reserve(g)) {
		graph_free(g);
		return RG_ENOMEM;
	}
	g->rd.snap->dense = 1;
	g->rd.snap->exact = 1;
	if (opts->metrics) {
		g->rd.metrics = rg_metrics_create();
		if (!g->rd.metrics && rg_metrics_compiled_in()) {
			graph_free(g);
			return RG_ENOMEM;
		}
		g->rd.metrics_gen = g->rd.metrics ? g->rd.metrics->gen : 0;
	}
	g->rd.pol = pol;
	g->rd.pol_kind = pol->kind;
	int rc = pol->init(g);
	if (rc) {
		graph_free(g);
		return rc;
	}
	if (opts->dir) {
		rc = rg__durable_open(g, opts);
		if (rc) {
			rg_close(g);
			return rc;
		}
	}
	*out = g;
	return 0;
}

void rg_close(rg_graph_t *g)
{
	if (!g)
		return;
	rg__durable_close(g);
	/* every retired bundle is freed before we free what is still current */
	rg__pub_barrier(g);
	for (uint64_t s = 0; s < g->nslots; s++) {
		struct rg_head *h = *rg__hcell(g, s);
		/* only the newest head is still owned: every superseded head and
		 * block was retired when it was replaced (I4). Heads and pooled
		 * blocks go with the pool's chunks; big blocks were malloc'ed. */
		if (h)
			for (int d = 0; d < 2; d++)
				if (h->adj[d].slots && h->adj[d].cls == RG_CLS_MALLOC &&
				    !(h->adj[d].cols & RG_COL_INBASE))
					free(h->adj[d].slots);
	}
	g->rd.pol->fini(g);
	graph_free(g);
}

const char *rg_policy_name(const rg_graph_t *g)
{
	return g ? g->rd.pol->name : NULL;
}

rg_metrics_t *rg_graph_metrics(rg_graph_t *g)
{
	return g ? g->rd.metrics : NULL;
}

/* ---------------------------------------------------------------- */
/* Statistics                                                       */
/* ---------------------------------------------------------------- */

void rg_stats_get(rg_graph_t *g, rg_stats_t *st)
{
	if (!g || !st)
		return;
	memset(st, 0, sizeof *st);
	/* the writer mutex keeps the writer's counters and tables stable, the
	 * publication lock the current record and the reclamation counters */
	rg__wlock(g);
	st->node_slots = g->nslots;
	st->commits = g->st_commits;
	st->heads_published = g->st_heads;
	st->arrays_grown = g->st_grown;
	st->arrays_compacted = g->st_compacted;
	st->packs = g->st_packs;
	st->dense = g->dense;
	if (g->base) {
		st->pack_bytes = g->base->bytes;
		for (uint64_t w = 0; w < (g->base->nslots + 63) / 64; w++)
			st->pack_clean_nodes += (uint64_t)__builtin_popcountll(g->base->clean[w]);
	}
	/* the tables' committed pages: 8 bytes per slot each (ids only once
	 * sparse), rounded up to the page */
	uint64_t tbl = (g->nslots * 8 + 4095) / 4096 * 4096;
	st->mem_nodes = tbl * (g->dense ? 1 : 2) + g->mem_index;
	st->mem_heads = g->pool.heads_used * sizeof(struct rg_head);
	st->mem_arrays = g->mem_blocks;
	st->mem_pack = st->pack_bytes;
	rg__durable_stats(g, st);
	rg__pub_stats(g, st);
	st->mem_reserved = g->pool.bytes_reserved + g->mem_big + st->mem_nodes + st->mem_pack;
	rg__wunlock(g);
	/* relaxed: statistics, read while reclamation runs; they order nothing */
	st->gc_pending_bytes = RG_LOAD_SHARED(g->gc_pending_bytes);
	st->gc_pending_objects = RG_LOAD_SHARED(g->gc_pending_objects);
	st->gc_freed_bytes = RG_LOAD_SHARED(g->gc_freed_bytes);
}

/* ---------------------------------------------------------------- */
/* Reader registration                                              */
/* ---------------------------------------------------------------- */

int rg_reader_register(rg_graph_t *g)
{
	if (!g)
		return RG_EINVAL;
	if (rg__tls_read.open)
		return RG_EBUSY;
	/* nosync: the graph is frozen once it is shared (relaxed: the policy's
	 * registration then takes the writer mutex, which orders it) */
	RG_STORE_SHARED(g->shared_with_readers, 1);
	const struct rg_policy *pol = g->rd.pol;
	int rc = pol->reg(g);
	if (rc)
		return rc;
	/* full barrier: rg_set_policy reads the count under the writer mutex */
	(void)RG_ADD_RETURN(&g->nreaders, 1);
	if (tls_regs[pol->kind]++ == 0)
		rg__tls_read.regs |= 1u << pol->kind;
	return 0;
}

int rg_reader_unregister(rg_graph_t *g)
{
	if (!g)
		return RG_EINVAL;
	if (rg__tls_read.open)
		return RG_EBUSY;
	const struct rg_policy *pol = g->rd.pol;
	int rc = pol->unreg(g);
	if (rc)
		return rc;
	(void)RG_ADD_RETURN(&g->nreaders, (uint64_t)-1); /* full barrier: as above */
	if (tls_regs[pol->kind] && --tls_regs[pol->kind] == 0)
		rg__tls_read.regs &= ~(1u << pol->kind);
	return 0;
}

void rg_reader_quiescent(rg_graph_t *g)
{
	if (g && !rg__tls_read.open)
		g->rd.pol->quiescent(g);
}

/* ---------------------------------------------------------------- */
/* Switching the policy                                             */
/* ---------------------------------------------------------------- */

int rg_set_policy(rg_graph_t *g, const char *name)
{
	if (!g || !name)
		return RG_EINVAL;
	const struct rg_policy *np = rg__policy_find(name);
	if (!np)
		return RG_EPOLICY;
	if (rg__tls_read.open)
		return RG_EBUSY;
	rg__durable_pause(g, 1); /* no checkpoint reads during the switch */
	rg__wlock(g);
	int rc = 0;
	/* full barrier: pairs with the registration count's */
	if (RG_ADD_RETURN(&g->nreaders, 0) != 0) {
		rc = RG_EBUSY;
		goto out;
	}
	const struct rg_policy *op = g->rd.pol;
	if (np == op)
		goto out;
	/* whatever the old policy still holds is reclaimed under it */
	rg__pub_barrier(g);
	void *ostate = g->rd.pol_state;
	g->rd.pol_state = NULL;
	if ((rc = np->init(g))) {
		g->rd.pol_state = ostate;
		goto out;
	}
	void *nstate = g->rd.pol_state;
	g->rd.pol_state = ostate;
	op->fini(g);
	g->rd.pol_state = nstate;
	/* no reader exists and none may register during the call (contract):
	 * plain stores; the next registration takes locks that order them */
	g->rd.pol = np;
	g->rd.pol_kind = np->kind;
	g->shared_with_readers = 0;
out:
	rg__wunlock(g);
	rg__durable_pause(g, 0);
	return rc;
}

void rg__graph_set_version(rg_graph_t *g, uint64_t v)
{
	/* recovery: no reader and no other writer exist yet */
	g->wversion = v;
	g->rd.snap->version = v;
	g->pub.visible = v;
}
