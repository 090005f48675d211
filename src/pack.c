/*
 * pack.c - the pack (struct rg_base, layout.h): every adjacency of one
 * version laid out as a CSR per direction in the span format, plus the
 * node table at that version. One builder serves three users:
 *
 *   rg_pack()          the writer's view, in a transaction that points
 *                      every live node's head at its slices (INBASE);
 *   rg__txn_load_edges() the same plus a batch of new edges merged in input
 *                      order (the loaders' bulk load: a CSR build from the
 *                      edge list, straight into the read layout);
 *   rg__base_snapshot() a read section's snapshot, for a frozen view
 *                      (csr.c) when the snapshot is not its pack already.
 *
 * Why: after a load a node's entries sit in a block of their own somewhere
 * in the writer's pool, and a query follows three dependent loads (head
 * cell, head, block). A CSR follows two (offsets, neighbours); so does a
 * clean node of the pack. Nodes changed after the pack lose their clean
 * bit and go back to their heads, so writes stay amortised O(1) and
 * snapshots stay exact.
 */
#include <stdlib.h>
#include <string.h>

#include "durable.h"
#include "txn_internal.h"

/* ---------------------------------------------------------------- */
/* Packs: allocation and reference counts                           */
/* ---------------------------------------------------------------- */

static void base_free(struct rg_base *b)
{
	for (int d = 0; d < 2; d++) {
		free(b->off[d]);
		free(b->slots[d]);
		free(b->ids[d]);
		free(b->props[d]);
		free(b->types[d]);
	}
	free(b->clean);
	free(b->alive);
	free(b->labels);
	free(b->node_ids);
	free(b);
}

void rg__base_get(struct rg_base *b)
{
	/* relaxed would do (the caller already holds a reference that keeps
	 * b alive); uatomic_add_return is the vocabulary's counting RMW */
	(void)RG_ADD_RETURN(&b->refs, 1);
}

void rg__base_put(struct rg_base *b)
{
	if (!b)
		return;
	/* full barrier: every use of b by this holder happens before the last
	 * holder's free */
	if (RG_ADD_RETURN(&b->refs, (uint64_t)-1) == 0)
		base_free(b);
}

static void *xalloc(size_t n, uint64_t *bytes)
{
	size_t sz = (n + RG_CACHELINE - 1) & ~(size_t)(RG_CACHELINE - 1);
	if (!sz)
		sz = RG_CACHELINE; /* never NULL: an empty run is a valid pointer */
	void *p = aligned_alloc(RG_CACHELINE, sz);
	if (p) {
		rg__advise_huge(p, sz);
		*bytes += sz;
	}
	return p;
}

/* A pack of nslots slots with m[d] entries and columns cols[d] per
 * direction; sparse: with a per-slot id table. Offsets, bits and labels
 * are left to fill; refs = 1. */
static struct rg_base *base_alloc(uint64_t nslots, const uint64_t m[2], const unsigned cols[2],
				  int sparse)
{
	struct rg_base *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->nslots = nslots;
	b->refs = 1;
	uint64_t by = sizeof *b;
	size_t words = (size_t)(nslots + 63) / 64;
	int ok = (b->clean = xalloc(words * 8, &by)) && (b->alive = xalloc(words * 8, &by)) &&
		 (b->labels = xalloc(nslots * 4, &by));
	if (ok && sparse)
		ok = (b->node_ids = xalloc(nslots * 8, &by)) != NULL;
	for (int d = 0; d < 2 && ok; d++) {
		b->cols[d] = (uint8_t)(cols[d] & RG_COL_MASK);
		ok = (b->off[d] = xalloc((nslots + 1) * 8, &by)) &&
		     (b->slots[d] = xalloc(m[d] * 4, &by));
		if (ok && (cols[d] & RG_COL_ID))
			ok = (b->ids[d] = xalloc(m[d] * 8, &by)) != NULL;
		if (ok && (cols[d] & RG_COL_PROP))
			ok = (b->props[d] = xalloc(m[d] * 8, &by)) != NULL;
		if (ok && (cols[d] & RG_COL_TYPE))
			ok = (b->types[d] = xalloc(m[d] * 4, &by)) != NULL;
	}
	if (!ok) {
		base_free(b);
		return NULL;
	}
	memset(b->clean, 0, words * 8);
	memset(b->alive, 0, words * 8);
	b->bytes = by;
	return b;
}

/* ---------------------------------------------------------------- */
/* The builder                                                      */
/* ---------------------------------------------------------------- */

/* Where the builder reads a graph: the writer's view or a section. */
struct src {
	rg_graph_t *g;            /* writer's view (g != NULL) ... */
	const struct rg_read *rd; /* ... or this snapshot */
	uint64_t nslots;
	int dense;
};

static int src_node(const struct src *s, uint64_t slot, uint32_t *label)
{
	if (s->g) {
		const struct rg_head *h = rg__wview(s->g, slot);
		if (!h || !h->alive)
			return 0;
		*label = h->label;
		return 1;
	}
	return _rg_node_at(s->rd, slot, label);
}

static void src_span(const struct src *s, uint64_t slot, int d, rg_span_t *sp)
{
	if (s->g)
		rg__wspan(s->g, d, &rg__wview(s->g, slot)->adj[d], sp);
	else
		_rg_span_at(s->rd, slot, d, sp, RG_SPAN_ALL);
}

static uint64_t src_id(const struct src *s, uint64_t slot)
{
	return s->g ? rg__wslot_id(s->g, slot) : _rg_slot_id(s->rd, slot);
}

/* Columns a span stores. */
static unsigned span_cols(const rg_span_t *sp)
{
	return (sp->ids ? RG_COL_ID : 0) | (sp->props ? RG_COL_PROP : 0) |
	       (sp->types ? RG_COL_TYPE : 0);
}

/* Copies n entries of sp (from 0) to position o of direction d of b,
 * filling columns sp lacks with what their absence means. */
static void put_span(struct rg_base *b, int d, uint64_t o, const rg_span_t *sp)
{
	uint64_t n = sp->n;
	if (!n)
		return;
	memcpy(b->slots[d] + o, sp->slots, n * 4);
	if (b->ids[d]) {
		if (sp->ids)
			memcpy(b->ids[d] + o, sp->ids, n * 8);
		else
			for (uint64_t i = 0; i < n; i++)
				b->ids[d][o + i] = sp->slots[i];
	}
	if (b->props[d]) {
		if (sp->props)
			memcpy(b->props[d] + o, sp->props, n * 8);
		else
			memset(b->props[d] + o, 0, n * 8);
	}
	if (b->types[d]) {
		if (sp->types)
			memcpy(b->types[d] + o, sp->types, n * 4);
		else
			memset(b->types[d] + o, 0, n * 4);
	}
}

/* Edges merged into a pack by a load (rg__txn_load_edges): ids, their
 * slots (NULL: the ids are the slots, dense graphs), one type, property 0. */
struct extra {
	size_t n;
	const uint64_t *src, *dst;
	const uint32_t *slots; /* 2n: source, destination; or NULL */
	uint32_t type;
	const uint64_t *alive; /* bit per slot: endpoints must be alive (checked while counting) */
	size_t failed_at;      /* out: first edge with an absent endpoint (RG_ENOENT) */
};

static inline uint32_t x_src(const struct extra *x, size_t i)
{
	return x->slots ? x->slots[2 * i] : (uint32_t)x->src[i];
}
static inline uint32_t x_dst(const struct extra *x, size_t i)
{
	return x->slots ? x->slots[2 * i + 1] : (uint32_t)x->dst[i];
}

/*
 * Builds the pack of source s plus the extra edges x (may be NULL): each
 * adjacency holds s's entries, then its extra edges in input order (a
 * stable counting sort: what appending them one by one would give). The
 * extra edges' endpoints are checked against x->alive while they are
 * counted (one pass over the edge list for both). *out gets the pack
 * (refs 1), version unset. RG_ENOMEM, RG_ENOENT (x->failed_at set).
 */
static int build(const struct src *s, struct extra *x, struct rg_base **out)
{
	const uint64_t ns = s->nslots;
	const size_t n = x ? x->n : 0;
	*out = NULL;
	/* pass 1: degrees and columns; cnt[d][slot + 1] collects counts */
	uint64_t *cnt[2];
	cnt[0] = calloc(ns + 1, 8);
	cnt[1] = calloc(ns + 1, 8);
	if (!cnt[0] || !cnt[1]) {
		free(cnt[0]);
		free(cnt[1]);
		return RG_ENOMEM;
	}
	uint64_t m[2] = {0, 0}, nodes = 0;
	unsigned cols[2] = {0, 0};
	for (uint64_t v = 0; v < ns; v++) {
		uint32_t label;
		if (!src_node(s, v, &label))
			continue;
		nodes++;
		for (int d = 0; d < 2; d++) {
			rg_span_t sp;
			src_span(s, v, d, &sp);
			cnt[d][v + 1] = sp.n;
			m[d] += sp.n;
			cols[d] |= span_cols(&sp);
		}
	}
	if (n) {
		for (size_t i = 0; i < n; i++) {
			uint64_t a = x->slots ? x->slots[2 * i] : x->src[i];
			uint64_t z = x->slots ? x->slots[2 * i + 1] : x->dst[i];
			if (a >= ns || z >= ns || !(x->alive[a >> 6] >> (a & 63) & 1) ||
			    !(x->alive[z >> 6] >> (z & 63) & 1)) {
				x->failed_at = i;
				free(cnt[0]);
				free(cnt[1]);
				return RG_ENOENT;
			}
			cnt[0][a + 1]++;
			cnt[1][z + 1]++;
		}
		if (x->slots) /* sparse: ids differ from slots */
			cols[0] |= RG_COL_ID, cols[1] |= RG_COL_ID;
		if (x->type)
			cols[0] |= RG_COL_TYPE, cols[1] |= RG_COL_TYPE;
		m[0] += n;
		m[1] += n;
	}
	struct rg_base *b = base_alloc(ns, m, cols, !s->dense);
	if (!b) {
		free(cnt[0]);
		free(cnt[1]);
		return RG_ENOMEM;
	}
	b->nodes = nodes;
	b->edges = m[0];
	for (int d = 0; d < 2; d++) {
		uint64_t *off = b->off[d];
		off[0] = 0;
		for (uint64_t v = 0; v < ns; v++)
			off[v + 1] = off[v] + cnt[d][v + 1];
	}
	/* pass 2: every node's own entries at the start of its run; cnt
	 * becomes each run's fill cursor for the extra edges */
	for (uint64_t v = 0; v < ns; v++) {
		uint32_t label;
		cnt[0][v] = cnt[1][v] = 0;
		if (!src_node(s, v, &label)) {
			b->labels[v] = 0;
			if (b->node_ids)
				b->node_ids[v] = 0;
			continue;
		}
		b->labels[v] = label;
		if (b->node_ids)
			b->node_ids[v] = src_id(s, v);
		b->alive[v >> 6] |= UINT64_C(1) << (v & 63);
		for (int d = 0; d < 2; d++) {
			rg_span_t sp;
			src_span(s, v, d, &sp);
			put_span(b, d, b->off[d][v], &sp);
			cnt[d][v] = b->off[d][v] + sp.n;
		}
	}
	/* pass 3: the extra edges, scattered in input order (stable). Without
	 * cold arrays (the common case: dense ids, type 0) only the slots are
	 * written, in a loop of its own. */
	int cold = b->ids[0] || b->ids[1] || b->props[0] || b->props[1] || b->types[0] || b->types[1];
	for (size_t i = 0; !cold && i < n; i++) {
		uint32_t a = x_src(x, i), z = x_dst(x, i);
		b->slots[0][cnt[0][a]++] = z;
		b->slots[1][cnt[1][z]++] = a;
	}
	for (size_t i = 0; cold && i < n; i++) {
		uint32_t a = x_src(x, i), z = x_dst(x, i);
		uint64_t po = cnt[0][a]++, pi = cnt[1][z]++;
		b->slots[0][po] = z;
		b->slots[1][pi] = a;
		if (b->ids[0])
			b->ids[0][po] = x->dst[i];
		if (b->ids[1])
			b->ids[1][pi] = x->src[i];
		if (b->props[0])
			b->props[0][po] = 0;
		if (b->props[1])
			b->props[1][pi] = 0;
		if (b->types[0])
			b->types[0][po] = x->type;
		if (b->types[1])
			b->types[1][pi] = x->type;
	}
	free(cnt[0]);
	free(cnt[1]);
	memcpy(b->clean, b->alive, (size_t)(ns + 63) / 64 * 8);
	*out = b;
	return 0;
}

/* ---------------------------------------------------------------- */
/* The writer's pack                                                */
/* ---------------------------------------------------------------- */

/* The pack of t's view plus x, and every live node pointed at it. */
static int pack_in_txn(struct rg_txn *t, struct extra *x)
{
	rg_graph_t *g = t->g;
	RG_ASSERT_WRITER(g);
	struct src s = {.g = g, .nslots = g->nslots, .dense = g->dense};
	struct rg_base *b;
	int rc = build(&s, x, &b);
	if (rc)
		return rc == RG_ENOENT ? rc : rg__txn_poison(t, rc);
	b->version = t->version;
	/* every live node's head points at its slices (its old blocks are
	 * superseded: freed now if this transaction made them, else retired
	 * at commit); dead nodes keep their (block-less) heads */
	for (uint64_t v = 0; v < g->nslots; v++) {
		if (!(b->alive[v >> 6] >> (v & 63) & 1))
			continue;
		struct rg_head *h = rg__txn_touch(t, v);
		if (!h) {
			rg__base_put(b);
			return rg__txn_poison(t, RG_ENOMEM);
		}
		for (int d = 0; d < 2; d++) {
			if (rg__adj_drop(t, h, d)) {
				rg__base_put(b);
				return rg__txn_poison(t, RG_ENOMEM);
			}
			uint64_t o = b->off[d][v], len = b->off[d][v + 1] - o;
			if (len) {
				h->adj[d].slots = b->slots[d] + o;
				h->adj[d].len = (uint32_t)len;
				h->adj[d].cols = (uint8_t)(b->cols[d] | RG_COL_INBASE);
				h->adj[d].cls = RG_CLS_INBASE;
			}
		}
	}
	/* the new pack's clean bits are set: the touches above cleared only
	 * the old pack's */
	rg__base_put(t->new_base); /* a second pack in one transaction replaces the first */
	t->new_base = b;
	g->wbase = b;
	if (x && x->n) {
		t->dedges += (int64_t)x->n;
		t->n_add_edges += x->n;
		if (rg__durable_logging(g)) /* the log's records; an in-memory graph keeps none */
			for (size_t i = 0; i < x->n; i++)
				rg__txn_record(t, RG_OP_ADD_EDGE, x->src[i], x->dst[i], x->type, 0);
	}
	return 0;
}

int rg__pack_in_txn(struct rg_txn *t)
{
	return pack_in_txn(t, NULL);
}

int rg__txn_load_edges(rg_txn_t *t, const uint64_t *src, const uint64_t *dst, size_t n,
		      uint32_t type, size_t *failed_at)
{
	if (!t || (n && (!src || !dst)))
		return RG_EINVAL;
	if (t->poisoned)
		return RG_ENOMEM;
	rg_graph_t *g = t->g;
	const uint64_t ns = g->nslots;
	/* endpoints: alive in the writer's view (one bit per slot, checked as
	 * the edges are counted); a sparse graph resolves ids to slots first
	 * (8 bytes per edge) */
	uint64_t *alive = calloc((ns + 63) / 64 + 1, 8);
	uint32_t *slots = !g->dense && n ? malloc(2 * n * sizeof *slots) : NULL;
	if (!alive || (!g->dense && n && !slots)) {
		free(alive);
		free(slots);
		return rg__txn_poison(t, RG_ENOMEM);
	}
	for (uint64_t v = 0; v < ns; v++) {
		const struct rg_head *h = rg__wview(g, v);
		if (h && h->alive)
			alive[v >> 6] |= UINT64_C(1) << (v & 63);
	}
	for (size_t i = 0; slots && i < n; i++) {
		int64_t a = _rg_idx_find(g->rd.idx, src[i]), z = _rg_idx_find(g->rd.idx, dst[i]);
		if (a < 0 || z < 0) {
			free(alive);
			free(slots);
			if (failed_at)
				*failed_at = i;
			return RG_ENOENT;
		}
		slots[2 * i] = (uint32_t)a;
		slots[2 * i + 1] = (uint32_t)z;
	}
	struct extra x = {.n = n, .src = src, .dst = dst, .slots = slots, .type = type, .alive = alive};
	int rc = pack_in_txn(t, &x);
	if (rc == RG_ENOENT && failed_at)
		*failed_at = x.failed_at;
	free(alive);
	free(slots);
	return rc;
}

int rg_pack(rg_graph_t *g)
{
	if (!g)
		return RG_EINVAL;
	rg_txn_t *t;
	int rc = rg_txn_begin(g, &t);
	if (rc)
		return rc;
	if (g->wnodes == 0) /* nothing to pack: commit nothing */
		return rg_txn_abort(t);
	if ((rc = rg__pack_in_txn(t))) {
		rg_txn_abort(t);
		return rc;
	}
	return rg_txn_commit(t, NULL);
}

/* ---------------------------------------------------------------- */
/* A snapshot's pack (frozen views)                                 */
/* ---------------------------------------------------------------- */

int rg__base_snapshot(const struct rg_read *rd, struct rg_base **out)
{
	struct src s = {.rd = rd, .nslots = rd->nslots, .dense = rd->dense};
	int rc = build(&s, NULL, out);
	if (!rc)
		(*out)->version = rd->version;
	return rc;
}
