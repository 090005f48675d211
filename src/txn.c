/*
 * txn.c - the single writer: write transactions, abort and commit.
 *
 * A transaction builds, for every node it touches, one "pending" head (a
 * copy of the node's newest head) and links it into the node's cell at
 * once: every open snapshot is older than its version and steps past it
 * (I1, I2), reading only its version and prev. Inserts append to the
 * adjacency block past the published length (I3) or into a private block;
 * deletions copy the adjacency without the deleted entries (adj.c), so
 * nothing an open snapshot reads changes. Commit hands one snapshot record
 * and the bundle of what it superseded to publish.c, which publishes the
 * record (release: the pending heads' final contents become visible with
 * it) and retires the bundle (I4). Abort puts the old heads back into the
 * cells and retires the pending ones (a reader may be stepping past one);
 * their private blocks no reader can reach are freed at once.
 *
 * Bulk inserts (rg_txn_add_edges, large batches) are in bulk.c, the pack
 * in pack.c, adjacency blocks in adj.c.
 */
#include <stdlib.h>
#include <string.h>

#include "durable.h"
#include "publish.h"
#include "txn_internal.h"

/* ---------------------------------------------------------------- */
/* Begin and helpers                                                */
/* ---------------------------------------------------------------- */

int rg_txn_begin(rg_graph_t *g, rg_txn_t **out)
{
	if (!g || !out)
		return RG_EINVAL;
	*out = NULL;
	if (rg__tls_read.open)
		return RG_EBUSY; /* commit may wait for a grace period: self-deadlock */
	const struct rg_policy *pol = g->rd.pol;
	/* relaxed: a hint; re-checked under the mutex below */
	if (pol->frozen_after_share && RG_LOAD_SHARED(g->shared_with_readers))
		return RG_EPOLICY;
	struct rg_txn *t = calloc(1, sizeof *t);
	if (!t)
		return RG_ENOMEM;
	uint64_t t0 = rg__now_ns();
	/* A registered rcu-qsbr thread blocked here would stall the grace
	 * period the current writer may be waiting for: wait offline. */
	if (pol->offline)
		pol->offline(g);
	rg__wlock(g);
	if (pol->online)
		pol->online(g);
	int rc = 0;
	if (rg__pub_failed(g))
		rc = RG_EIO;
	/* re-checked under the mutex: nosync registration takes it once, so a
	 * reader registered after our first check is seen here (relaxed: the
	 * mutex orders it) */
	else if (g->rd.pol->frozen_after_share && RG_LOAD_SHARED(g->shared_with_readers))
		rc = RG_EPOLICY;
	if (rc) {
		rg__wunlock(g);
		free(t);
		return rc;
	}
	t->g = g;
	t->t0 = t0;
	t->version = g->wversion + 1;
	t->log = rg__durable_logging(g);
	rg__metrics_add(g->rd.metrics, RG_C_TXNS_BEGUN, 1);
	*out = t;
	return 0;
}

void *rg__txn_scratch(struct rg_txn *t, size_t need)
{
	if (t->scratch_cap < need) {
		free(t->scratch);
		t->scratch = malloc(need);
		t->scratch_cap = t->scratch ? need : 0;
	}
	return t->scratch;
}

void rg__txn_record_op(struct rg_txn *t, uint32_t kind, uint64_t a, uint64_t b, uint32_t u32,
		      uint64_t prop)
{
	struct rg__op op = {.a = a, .b = b, .prop = prop, .u32 = u32, .kind = kind};
	if (rg__vec_push(&t->ops, &op, sizeof op))
		t->poisoned = 1;
}

/* Takes slot out of the pack's fast path (rg_base.clean): the node is
 * about to change. Relaxed load and store: this thread is the only one
 * that writes the bits, and the record of the change is published with
 * release after this, so its readers see the bit clear. */
static void base_dirty(struct rg_base *b, uint64_t slot)
{
	if (!b || slot >= b->nslots)
		return;
	uint64_t *w = &b->clean[slot >> 6], bit = UINT64_C(1) << (slot & 63);
	uint64_t v = RG_LOAD_SHARED(*w);
	if (v & bit)
		RG_STORE_SHARED(*w, v & ~bit);
}

struct rg_head *rg__txn_touch(struct rg_txn *t, uint64_t slot)
{
	rg_graph_t *g = t->g;
	RG_ASSERT_WRITER(g);
	struct rg_head **cell = rg__hcell(g, slot), *cur = *cell;
	if (cur && cur->version == t->version)
		return cur;
	struct rg_head *h = rg__pool_get_head(&g->pool);
	if (!h)
		return NULL;
	uint32_t s32 = (uint32_t)slot;
	if (rg__vec_push(&t->touched, &s32, sizeof s32)) {
		rg__pool_put(&g->pool, RG_CLS_HEAD, h);
		return NULL;
	}
	base_dirty(g->base, slot);
	g->exact = 0;
	if (cur)
		*h = *cur;
	else
		memset(h, 0, sizeof *h);
	h->version = t->version;
	h->prev = cur; /* the head this one replaces (readers of older snapshots) */
	/* the blocks, if any, belong to published heads: not ours to free */
	h->adj[0].priv = h->adj[1].priv = 0;
	/* link now (RCU publication: version and prev visible before the
	 * pointer); every open snapshot is older than t->version and steps
	 * past it, and its other fields become visible with its record */
	RG_PUBLISH(*cell, h);
	return h;
}

/* Slot of id if it is alive in the writer's view, else -1. */
static inline int64_t walive_slot(rg_graph_t *g, uint64_t id)
{
	int64_t s = rg__wslot_of(g, id);
	if (s < 0)
		return -1;
	const struct rg_head *h = rg__wview(g, (uint64_t)s);
	return h && h->alive ? s : -1;
}

/* ---------------------------------------------------------------- */
/* Operations                                                       */
/* ---------------------------------------------------------------- */

int rg_txn_add_node(rg_txn_t *t, uint64_t id, uint32_t label)
{
	if (!t)
		return RG_EINVAL;
	if (t->poisoned)
		return RG_ENOMEM;
	rg_graph_t *g = t->g;
	/* room to track a replaced index table first, so that a table the
	 * insert supersedes can always be retired */
	struct rg_idx *none = NULL;
	if (rg__vec_push(&t->idx_old, &none, sizeof none))
		return rg__txn_poison(t, RG_ENOMEM);
	t->idx_old.n--;
	struct rg_idx *old = NULL;
	int64_t s = rg__slot_insert(g, id, &old);
	if (old)
		((struct rg_idx **)t->idx_old.p)[t->idx_old.n++] = old;
	if (s < 0)
		return rg__txn_poison(t, (int)s);
	const struct rg_head *cur = rg__wview(g, (uint64_t)s);
	if (cur && cur->alive)
		return RG_EEXIST;
	struct rg_head *h = rg__txn_touch(t, (uint64_t)s);
	if (!h)
		return rg__txn_poison(t, RG_ENOMEM);
	/* a dead head has no blocks (rg_txn_del_node dropped them) */
	h->alive = 1;
	h->label = label;
	t->dnodes++;
	t->n_add_nodes++;
	rg__txn_record(t, RG_OP_ADD_NODE, id, 0, label, 0);
	return 0;
}

/* Appends src->dst to both adjacencies; endpoints already checked alive. */
static int apply_edge(struct rg_txn *t, uint32_t ss, uint32_t ds, uint64_t src, uint64_t dst,
		      uint32_t type, uint64_t prop)
{
	struct rg_head *hs = rg__txn_pending(t, ss);
	struct rg_head *hd = hs ? rg__txn_pending(t, ds) : NULL;
	if (!hd)
		return rg__txn_poison(t, RG_ENOMEM);
	int rc = rg__adj_append(t, hs, RG_OUT, ds, dst, type, prop);
	if (rc)
		return rg__txn_poison(t, rc);
	rc = rg__adj_append(t, hd, RG_IN, ss, src, type, prop);
	if (rc) {
		hs->adj[RG_OUT].len--; /* past the published length: just forget it */
		return rg__txn_poison(t, rc);
	}
	t->dedges++;
	t->n_add_edges++;
	rg__txn_record(t, RG_OP_ADD_EDGE, src, dst, type, prop);
	return 0;
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
 * Batched insert, below RG_BULK_MIN_EDGES. The per-edge path is bound by
 * cache misses (the slot's head cells, the head, the block tail: for each
 * endpoint), taken one after the other. Here a software pipeline prefetches
 * each stage a few edges ahead, so the misses of several edges overlap.
 * Pass 1 resolves and checks every endpoint (nothing applied if one is
 * missing), pass 2 applies.
 */
#define PF_AHEAD 8

static inline void pf_cells(rg_graph_t *g, uint32_t slot)
{
	__builtin_prefetch(rg__hcell(g, slot));
}

static inline void pf_head(rg_graph_t *g, uint32_t slot)
{
	const struct rg_head *h = rg__wview(g, slot);
	if (h)
		__builtin_prefetch(h);
}

static inline void pf_tail(rg_graph_t *g, uint32_t slot, int dir)
{
	const struct rg_head *h = rg__wview(g, slot);
	if (h && h->adj[dir].slots)
		__builtin_prefetch(&h->adj[dir].slots[h->adj[dir].len], 1); /* where we write */
}

int rg_txn_add_edges(rg_txn_t *t, const rg_edge_in_t *in, size_t n, size_t *failed_at)
{
	if (!t || (!in && n))
		return RG_EINVAL;
	if (t->poisoned)
		return RG_ENOMEM;
	if (n == 0)
		return 0;
	rg_graph_t *g = t->g;
	uint32_t *slots = malloc(2 * n * sizeof *slots);
	if (!slots)
		return rg__txn_poison(t, RG_ENOMEM);
	const struct rg_idx *ix = g->rd.idx;
	const int dense = g->dense; /* hoisted: the stores below may alias it */
	const uint64_t ns = g->nslots;
	/* pass 1a: resolve slots (ids are slots in a dense graph); index
	 * buckets 2*AHEAD ahead, so each probe hits a line on its way */
	for (size_t i = 0; i < n; i++) {
		int64_t a, b;
		if (dense) {
			a = in[i].src < ns ? (int64_t)in[i].src : -1;
			b = in[i].dst < ns ? (int64_t)in[i].dst : -1;
		} else {
			if (i + 2 * PF_AHEAD < n) {
				__builtin_prefetch(&ix->e[mix64(in[i + 2 * PF_AHEAD].src) & ix->mask]);
				__builtin_prefetch(&ix->e[mix64(in[i + 2 * PF_AHEAD].dst) & ix->mask]);
			}
			a = _rg_idx_find(ix, in[i].src);
			b = _rg_idx_find(ix, in[i].dst);
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
	if (n >= RG_BULK_MIN_EDGES && n <= UINT32_MAX) {
		int rc = rg__bulk_apply(t, in, slots, n, failed_at);
		free(slots);
		return rc;
	}
	/* pass 2: check and apply in one pass: cells 3*AHEAD ahead, heads
	 * 2*AHEAD, block tails AHEAD, and the recycled heads the touches will
	 * overwrite. An absent endpoint (deleted node) undoes the edges this
	 * call appended, newest first: each was an append at a tail, so
	 * shortening the tails restores every adjacency exactly (a block that
	 * grew stays grown, private to the transaction). */
	int rc = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		if (i + 3 * PF_AHEAD < n) {
			pf_cells(g, slots[2 * (i + 3 * PF_AHEAD)]);
			pf_cells(g, slots[2 * (i + 3 * PF_AHEAD) + 1]);
		}
		if (i + 2 * PF_AHEAD < n) {
			pf_head(g, slots[2 * (i + 2 * PF_AHEAD)]);
			pf_head(g, slots[2 * (i + 2 * PF_AHEAD) + 1]);
		}
		if (i + PF_AHEAD < n) {
			pf_tail(g, slots[2 * (i + PF_AHEAD)], RG_OUT);
			pf_tail(g, slots[2 * (i + PF_AHEAD) + 1], RG_IN);
		}
		rg__pool_prefetch_head(&g->pool, PF_AHEAD);
		const struct rg_head *a = rg__wview(g, slots[2 * i]), *b = rg__wview(g, slots[2 * i + 1]);
		if (!a || !a->alive || !b || !b->alive) {
			rc = RG_ENOENT;
			break;
		}
		if ((rc = apply_edge(t, slots[2 * i], slots[2 * i + 1], in[i].src, in[i].dst,
				     in[i].type, in[i].prop)))
			break; /* ENOMEM/ERANGE: the transaction is poisoned */
	}
	if (rc == RG_ENOENT) {
		for (size_t j = i; j-- > 0;) {
			(*rg__hcell(g, slots[2 * j]))->adj[RG_OUT].len--;
			(*rg__hcell(g, slots[2 * j + 1]))->adj[RG_IN].len--;
		}
		t->dedges -= (int64_t)i;
		t->n_add_edges -= i;
		if (t->log)
			t->ops.n -= i; /* apply_edge recorded one op per edge */
	}
	if (rc && failed_at)
		*failed_at = i;
	free(slots);
	return rc;
}

/* keep() predicates for rg__adj_remove */
struct del_match {
	uint32_t slot;
	uint32_t type; /* RG_TYPE_ANY: any */
};

static int keep_unless_match(void *ctx, uint32_t slot, uint32_t type, uint64_t prop)
{
	const struct del_match *m = ctx;
	(void)prop;
	return !(slot == m->slot && (m->type == RG_TYPE_ANY || type == m->type));
}

int rg_txn_del_edge(rg_txn_t *t, uint64_t src, uint64_t dst, uint32_t type)
{
	if (!t)
		return RG_EINVAL;
	if (t->poisoned)
		return RG_ENOMEM;
	rg_graph_t *g = t->g;
	int64_t ss = walive_slot(g, src), ds = walive_slot(g, dst);
	if (ss < 0 || ds < 0)
		return RG_ENOENT;
	/* any match at all? (a miss changes nothing, not even a head) */
	rg_span_t sp;
	rg__wspan(g, RG_OUT, &rg__wview(g, (uint64_t)ss)->adj[RG_OUT], &sp);
	uint64_t count = 0;
	for (uint64_t i = 0; i < sp.n; i++)
		if (sp.slots[i] == (uint32_t)ds && (type == RG_TYPE_ANY || rg_span_type(&sp, i) == type))
			count++;
	if (!count)
		return RG_ENOENT;
	struct rg_head *hs = rg__txn_touch(t, (uint64_t)ss);
	struct rg_head *hd = hs ? rg__txn_touch(t, (uint64_t)ds) : NULL;
	if (!hd)
		return rg__txn_poison(t, RG_ENOMEM);
	/* every src->dst edge of the type, in both adjacencies: out(src)
	 * entries naming dst, in(dst) entries naming src (the same edges) */
	struct del_match mo = {(uint32_t)ds, type}, mi = {(uint32_t)ss, type};
	int64_t ro = rg__adj_remove(t, hs, RG_OUT, keep_unless_match, &mo, UINT64_MAX, 0);
	if (ro < 0)
		return rg__txn_poison(t, (int)ro);
	int64_t ri = rg__adj_remove(t, hd, RG_IN, keep_unless_match, &mi, UINT64_MAX, 0);
	if (ri < 0)
		return rg__txn_poison(t, (int)ri);
	RG_ASSERT_DEBUG(ro == (int64_t)count && ri == ro); /* out and in adjacency agree */
	t->dedges -= (int64_t)count;
	t->n_del_edges += count;
	rg__txn_record(t, RG_OP_DEL_EDGE, src, dst, type, 0);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

int rg_txn_del_node(rg_txn_t *t, uint64_t id)
{
	if (!t)
		return RG_EINVAL;
	if (t->poisoned)
		return RG_ENOMEM;
	rg_graph_t *g = t->g;
	int64_t s = walive_slot(g, id);
	if (s < 0)
		return RG_ENOENT;
	uint32_t self = (uint32_t)s;
	struct rg_head *h = rg__txn_touch(t, self);
	if (!h)
		return rg__txn_poison(t, RG_ENOMEM);
	/* Every edge of the node leaves its neighbours' reverse adjacency: per
	 * distinct neighbour and direction, one pass removes every entry that
	 * names us (a hub neighbour costs its degree once, however many edges
	 * we share). Self loops live in our own blocks, dropped below. */
	uint64_t loops = 0;
	for (int d = 0; d < 2; d++) {
		rg_span_t sp;
		rg__wspan(g, d, &h->adj[d], &sp);
		if (!sp.n)
			continue;
		uint32_t *nb = rg__txn_scratch(t, sp.n * sizeof *nb);
		if (!nb)
			return rg__txn_poison(t, RG_ENOMEM);
		memcpy(nb, sp.slots, sp.n * sizeof *nb);
		qsort(nb, sp.n, sizeof *nb, cmp_u32);
		for (uint64_t i = 0; i < sp.n; i++) {
			if (i && nb[i] == nb[i - 1])
				continue;
			if (nb[i] == self) {
				if (d == RG_OUT)
					for (uint64_t j = i; j < sp.n && nb[j] == self; j++)
						loops++;
				continue;
			}
			struct rg_head *hn = rg__txn_touch(t, nb[i]);
			if (!hn)
				return rg__txn_poison(t, RG_ENOMEM);
			struct del_match m = {self, RG_TYPE_ANY};
			int64_t r = rg__adj_remove(t, hn, 1 - d, keep_unless_match, &m, UINT64_MAX, 0);
			if (r < 0)
				return rg__txn_poison(t, (int)r);
		}
	}
	/* each edge once: out + in counts self loops twice */
	t->dedges -= (int64_t)(h->adj[RG_OUT].len + h->adj[RG_IN].len - loops);
	if (rg__adj_drop(t, h, RG_OUT) || rg__adj_drop(t, h, RG_IN))
		return rg__txn_poison(t, RG_ENOMEM);
	h->alive = 0;
	t->dnodes--;
	t->n_del_nodes++;
	rg__txn_record(t, RG_OP_DEL_NODE, id, 0, 0, 0);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Abort / commit                                                    */
/* ---------------------------------------------------------------- */

static void txn_free(struct rg_txn *t)
{
	rg__base_put(t->new_base); /* unpublished (empty commit, abort); NULL otherwise */
	free(t->scratch);
	free(t->touched.p);
	free(t->garbage.p);
	free(t->idx_old.p);
	free(t->ops.p);
	free(t);
}

/* Hands index tables replaced by growth to reclamation: the new table is
 * already published, whatever happens to the transaction. */
static void retire_idx(struct rg_txn *t)
{
	if (!t->idx_old.n)
		return;
	struct rg__garbage *gb = rg__gb_new(t->g, t->idx_old.n);
	struct rg_idx **v = t->idx_old.p;
	if (!gb) {
		/* cannot defer: wait for every reader, then free directly */
		rg__pub_barrier(t->g);
		for (size_t i = 0; i < t->idx_old.n; i++)
			free(v[i]);
		return;
	}
	for (size_t i = 0; i < t->idx_old.n; i++)
		rg__gb_add(gb, v[i], sizeof(struct rg_idx) + (v[i]->mask + 1) * sizeof(struct rg_ient),
			  RG_CLS_MALLOC);
	t->idx_old.n = 0;
	rg__pub_retire(t->g, gb);
}

/* Undoes everything; the caller holds the writer mutex and releases it. */
static void rollback(struct rg_txn *t)
{
	rg_graph_t *g = t->g;
	const uint32_t *slots = t->touched.p;
	/* the pending heads and the index tables growth replaced, retired
	 * together: a reader may be stepping past a pending head right now */
	struct rg__garbage *gb = rg__gb_new(g, t->touched.n + t->idx_old.n);
	struct rg_head *unlinked = NULL; /* no memory for gb: heads to free after a barrier */
	for (size_t i = 0; i < t->touched.n; i++) {
		struct rg_head **cell = rg__hcell(g, slots[i]), *h = *cell;
		/* blocks only this head covered: no reader can reach them (a
		 * reader never reads past the version and prev of a head newer
		 * than its snapshot) */
		for (int d = 0; d < 2; d++)
			if (h->adj[d].priv)
				rg__adj_free_private(g, d, &h->adj[d]);
		/* the old head back into the cell; release: it was published
		 * before, but a reader that loads it from this store reads its
		 * fields through it */
		RG_PUBLISH(*cell, h->prev);
		if (gb) {
			rg__gb_add(gb, h, sizeof *h, RG_CLS_HEAD);
		} else {
			/* chained through a field no reader reads in a head newer
			 * than its snapshot (its version and prev stay intact) */
			h->adj[0].slots = (uint32_t *)(void *)unlinked;
			unlinked = h;
		}
	}
	/* published blocks this transaction superseded stay as they are */
	const struct rg__gitem *gi = t->garbage.p;
	for (size_t i = 0; i < t->garbage.n; i++) {
		g->mem_blocks += gi[i].sz;
		if (gi[i].cls == RG_CLS_MALLOC)
			g->mem_big += gi[i].sz;
	}
	struct rg_idx **iv = t->idx_old.p;
	if (gb) {
		for (size_t i = 0; i < t->idx_old.n; i++)
			rg__gb_add(gb, iv[i], sizeof(struct rg_idx) + (iv[i]->mask + 1) * sizeof(struct rg_ient),
				  RG_CLS_MALLOC);
		rg__pub_retire(g, gb);
	} else {
		/* cannot defer: wait for every reader, then free directly */
		rg__pub_barrier(g);
		while (unlinked) {
			struct rg_head *next = (struct rg_head *)(void *)unlinked->adj[0].slots;
			rg__pool_put(&g->pool, RG_CLS_HEAD, unlinked);
			unlinked = next;
		}
		for (size_t i = 0; i < t->idx_old.n; i++)
			free(iv[i]);
	}
	t->idx_old.n = 0;
	rg__base_put(t->new_base); /* never published */
	t->new_base = NULL;
	g->wbase = NULL;
}

static void txn_end_metrics(rg_graph_t *g, int aborted)
{
	rg__metrics_add(g->rd.metrics, RG_C_TXNS_ENDED, 1);
	if (aborted)
		rg__metrics_add(g->rd.metrics, RG_C_ABORTS, 1);
}

int rg_txn_abort(rg_txn_t *t)
{
	if (!t)
		return RG_EINVAL;
	rg_graph_t *g = t->g;
	rollback(t);
	txn_end_metrics(g, 1);
	rg__wunlock(g);
	txn_free(t);
	return 0;
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
	if (t->touched.n == 0 && t->ops.n == 0 && !t->new_base) {
		/* nothing to publish: consume no version */
		retire_idx(t);
		txn_end_metrics(g, 0);
		rg__wunlock(g);
		txn_free(t);
		return 0;
	}
	struct rg_snap *snap = malloc(sizeof *snap);
	/* what the commit supersedes: old heads, blocks, index tables, the
	 * old pack, and (added at publication) the old record */
	struct rg__garbage *gb =
		snap ? rg__gb_new(g, t->touched.n + t->garbage.n + t->idx_old.n + 2) : NULL;
	if (!gb) {
		free(snap);
		rc = RG_ENOMEM;
		goto fail;
	}
	snap->version = t->version;
	snap->nodes = (uint64_t)((int64_t)g->wnodes + t->dnodes);
	snap->edges = (uint64_t)((int64_t)g->wedges + t->dedges);
	snap->nslots = g->nslots;
	snap->dense = (uint32_t)g->dense;
	snap->base = t->new_base ? t->new_base : g->base;
	/* a pack commit makes the record its pack; any touch since undoes it */
	snap->exact = t->new_base ? 1 : (uint32_t)(g->exact && snap->base);

	uint64_t lsn = 0;
	if (rg__durable_logging(g) &&
	    (rc = rg__durable_append(g, t->version, t->ops.p, t->ops.n, &lsn))) {
		free(snap);
		rg__gb_discard(gb);
		goto fail;
	}

	/* The pending heads are linked already (rg__txn_touch); what they
	 * replace is retired with the record that stops needing it (I4). */
	const uint32_t *slots = t->touched.p;
	for (size_t i = 0; i < t->touched.n; i++) {
		const struct rg_head *h = *rg__hcell(g, slots[i]);
		RG_ASSERT_DEBUG(h->version == t->version);                 /* ours */
		RG_ASSERT_DEBUG(!h->prev || h->prev->version < h->version); /* I1 */
		if (h->prev)
			rg__gb_add(gb, h->prev, sizeof *h->prev, RG_CLS_HEAD);
	}
	const struct rg__gitem *gi = t->garbage.p;
	for (size_t i = 0; i < t->garbage.n; i++)
		rg__gb_add(gb, gi[i].p, gi[i].sz, gi[i].cls);
	struct rg_idx **iv = t->idx_old.p;
	for (size_t i = 0; i < t->idx_old.n; i++)
		rg__gb_add(gb, iv[i], sizeof(struct rg_idx) + (iv[i]->mask + 1) * sizeof(struct rg_ient),
			  RG_CLS_MALLOC);
	t->idx_old.n = 0;
	if (t->new_base) {
		/* readers of older records keep the old pack until reclaimed;
		 * every head that pointed into it was replaced above */
		if (g->base)
			rg__gb_add(gb, g->base, g->base->bytes, RG_CLS_BASE);
		g->base = t->new_base;
		t->new_base = NULL;
		g->wbase = NULL;
		g->st_packs++;
	}
	g->wversion = t->version;
	g->wnodes = snap->nodes;
	g->wedges = snap->edges;
	g->exact = (int)snap->exact;
	g->st_commits++;
	g->st_heads += t->touched.n;
	rg__metrics_add(g->rd.metrics, RG_C_COMMITS, 1);
	rg__metrics_add(g->rd.metrics, RG_C_VERSIONS_PUBLISHED, t->touched.n);
	rg__metrics_add(g->rd.metrics, RG_C_NODES_ADDED, t->n_add_nodes);
	rg__metrics_add(g->rd.metrics, RG_C_NODES_DELETED, t->n_del_nodes);
	rg__metrics_add(g->rd.metrics, RG_C_EDGES_ADDED, t->n_add_edges);
	rg__metrics_add(g->rd.metrics, RG_C_EDGES_DELETED, t->n_del_edges);
	txn_end_metrics(g, 0);

	/* visibility: at once, or (RG_DURABILITY_COMMIT) once the record is
	 * on disk; `it` lives here until it has left the queue */
	struct rg__pub_item it = {.version = t->version, .lsn = lsn, .snap = snap, .gb = gb};
	int wait = rg__durable_waits(g);
	rg__pub_submit(g, &it, !wait);
	rg__wunlock(g);
	if (wait)
		rc = rg__durable_wait(g, &it);
	else if (it.state == RG_PUB_FAILED)
		rc = RG_EIO;
	rg__durable_committed(g);
	rg__pub_gc_throttle(g);
	if (version && !rc)
		*version = t->version;
	rg__metrics_observe(g->rd.metrics, RG_H_COMMIT_SECONDS, rg__now_ns() - t->t0);
	txn_free(t);
	return rc;

fail:
	rollback(t);
	txn_end_metrics(g, 1);
	rg__wunlock(g);
	txn_free(t);
	return rc;
}

/* ---------------------------------------------------------------- */
/* For restoring a checkpoint's in-adjacency order (durable.c)       */
/* ---------------------------------------------------------------- */

int rg__txn_permute_in(rg_txn_t *t, uint64_t id, const uint32_t *rank, size_t n)
{
	int64_t s = walive_slot(t->g, id);
	if (s < 0)
		return RG_ENOENT;
	struct rg_head *h = rg__txn_mine(t, (uint64_t)s);
	/* private to t: no reader can see the block, so it is reordered in place */
	if (!h || !h->adj[RG_IN].priv || h->adj[RG_IN].len != n)
		return RG_EINVAL;
	void *tmp = rg__txn_scratch(t, n * 9 + 1);
	if (!tmp)
		return RG_ENOMEM;
	return rg__adj_permute(&h->adj[RG_IN], rank, tmp);
}
