/*
 * adj.c - adjacency blocks of the writer's pending heads: allocation,
 * appends, copy on delete, columns.
 *
 * A block (layout.h) holds 2^lcap entries: the 4-byte neighbour slots,
 * then the cold arrays the adjacency needs (ids, props, types), each at an
 * offset that is a shift of lcap. Blocks come from the writer's pool
 * (pool.h), above 1 MiB from aligned_alloc. A pending head either shares
 * its block with the published heads before it (appends go past every
 * published length, I3) or owns a private one (priv: allocated by this
 * transaction, freed at once if dropped or rolled back).
 *
 * Deletions never mark entries: a published block is copied without the
 * deleted entries (older snapshots keep the old block until it is
 * reclaimed), and a private one is compacted in place, so every entry
 * below a head's len is an edge of its version (I2) and readers never test
 * liveness.
 */
#include <string.h>

#include "txn_internal.h"

int rg__vec_grow(struct rg__vec *v, size_t sz)
{
	size_t nc = v->cap ? v->cap * 2 : 16;
	void *np = realloc(v->p, nc * sz);
	if (!np)
		return RG_ENOMEM;
	v->p = np;
	v->cap = nc;
	return 0;
}

void rg__wspan(rg_graph_t *g, int d, const struct rg_adj *a, rg_span_t *sp)
{
	struct rg_read rd;
	memset(&rd, 0, sizeof rd);
	/* the pack slices of the writer's heads point into the pack this
	 * transaction built (rg_pack), else into the graph's current one */
	rd.base = g->wbase ? g->wbase : g->base;
	_rg_adj_span(&rd, d, a, sp, RG_SPAN_ALL);
}

static void tspan(const struct rg_txn *t, int d, const struct rg_adj *a, rg_span_t *sp)
{
	rg__wspan(t->g, d, a, sp);
}

/* Column pointers of a block (not a pack slice). */
static inline uint64_t *col_ids(const struct rg_adj *a)
{
	return (uint64_t *)(void *)((char *)a->slots + _rg_cold_off(a->lcap, a->cols, RG_COL_ID));
}
static inline uint64_t *col_props(const struct rg_adj *a)
{
	return (uint64_t *)(void *)((char *)a->slots + _rg_cold_off(a->lcap, a->cols, RG_COL_PROP));
}
static inline uint32_t *col_types(const struct rg_adj *a)
{
	return (uint32_t *)(void *)((char *)a->slots + _rg_cold_off(a->lcap, a->cols, RG_COL_TYPE));
}

/* A new private block for direction d with columns cols and room for at
 * least mincap entries (the whole block is used: a 32-byte block of slots
 * holds 8). RG_ENOMEM, RG_ERANGE. */
static int blk_alloc(rg_graph_t *g, int d, unsigned cols, uint64_t mincap, struct rg_adj *out)
{
	unsigned el = rg__cols_esize_log(cols);
	unsigned lcap = mincap <= 1 ? 0 : 64u - (unsigned)__builtin_clzll(mincap - 1);
	if (lcap + el < RG_POOL_MIN_ORDER)
		lcap = RG_POOL_MIN_ORDER - el;
	if (lcap > 32)
		return RG_ERANGE;
	unsigned order = lcap + el;
	unsigned cls = rg__pool_block_class(d, order);
	void *p;
	if (cls == RG_CLS_MALLOC)
		p = aligned_alloc(RG_CACHELINE, (size_t)1 << order);
	else
		p = rg__pool_get(&g->pool, cls);
	if (!p)
		return RG_ENOMEM;
	memset(out, 0, sizeof *out);
	out->slots = p;
	out->lcap = (uint8_t)lcap;
	out->cols = (uint8_t)(cols & RG_COL_MASK);
	out->cls = (uint8_t)cls;
	out->priv = 1;
	g->mem_blocks += (uint64_t)1 << order;
	if (cls == RG_CLS_MALLOC)
		g->mem_big += (uint64_t)1 << order;
	return 0;
}

void rg__adj_free_private(rg_graph_t *g, int d, struct rg_adj *a)
{
	(void)d;
	if (!a->slots || (a->cols & RG_COL_INBASE))
		return;
	g->mem_blocks -= rg__adj_block_bytes(a);
	if (a->cls == RG_CLS_MALLOC)
		g->mem_big -= rg__adj_block_bytes(a);
	rg__pool_put(&g->pool, a->cls, a->slots);
	a->slots = NULL;
	a->len = 0;
}

int rg__adj_drop(struct rg_txn *t, struct rg_head *h, int d)
{
	struct rg_adj *a = &h->adj[d];
	if (a->slots && !(a->cols & RG_COL_INBASE)) { /* a slice goes with its pack */
		if (a->priv) {
			rg__adj_free_private(t->g, d, a);
		} else {
			struct rg__gitem gi = {a->slots, rg__adj_block_bytes(a), a->cls};
			if (rg__vec_push(&t->garbage, &gi, sizeof gi))
				return RG_ENOMEM;
			t->g->mem_blocks -= gi.sz;
			if (gi.cls == RG_CLS_MALLOC)
				t->g->mem_big -= gi.sz;
		}
	}
	memset(a, 0, sizeof *a);
	return 0;
}

void rg__adj_put(struct rg_adj *a, uint64_t i, uint32_t slot, uint64_t id, uint32_t type,
		uint64_t prop)
{
	a->slots[i] = slot;
	if (a->cols & RG_COL_ID)
		col_ids(a)[i] = id;
	if (a->cols & RG_COL_PROP)
		col_props(a)[i] = prop;
	if (a->cols & RG_COL_TYPE)
		col_types(a)[i] = type;
}

/* Copies entries [from, from + n) of span sp to entries [at, at + n) of
 * block a, filling a's columns that sp does not store with what their
 * absence meant (id == slot, type 0, prop 0). */
static void copy_span(struct rg_adj *a, uint64_t at, const rg_span_t *sp, uint64_t from,
		      uint64_t n)
{
	if (!n)
		return;
	memcpy(a->slots + at, sp->slots + from, n * sizeof *a->slots);
	if (a->cols & RG_COL_ID) {
		uint64_t *ids = col_ids(a) + at;
		if (sp->ids)
			memcpy(ids, sp->ids + from, n * sizeof *ids);
		else
			for (uint64_t i = 0; i < n; i++)
				ids[i] = sp->slots[from + i];
	}
	if (a->cols & RG_COL_PROP) {
		uint64_t *pr = col_props(a) + at;
		if (sp->props)
			memcpy(pr, sp->props + from, n * sizeof *pr);
		else
			memset(pr, 0, n * sizeof *pr);
	}
	if (a->cols & RG_COL_TYPE) {
		uint32_t *ty = col_types(a) + at;
		if (sp->types)
			memcpy(ty, sp->types + from, n * sizeof *ty);
		else
			memset(ty, 0, n * sizeof *ty);
	}
}

/* Moves entry j of block a to position i (private block, i < j). */
static inline void move_entry(struct rg_adj *a, uint64_t i, uint64_t j)
{
	a->slots[i] = a->slots[j];
	if (a->cols & RG_COL_ID)
		col_ids(a)[i] = col_ids(a)[j];
	if (a->cols & RG_COL_PROP)
		col_props(a)[i] = col_props(a)[j];
	if (a->cols & RG_COL_TYPE)
		col_types(a)[i] = col_types(a)[j];
}

/* Replaces adjacency d of h by a private block with columns cols and room
 * for mincap entries, holding the current entries. */
static int rebuild(struct rg_txn *t, struct rg_head *h, int d, uint64_t mincap, unsigned cols)
{
	struct rg_adj na;
	int rc = blk_alloc(t->g, d, cols, mincap, &na);
	if (rc)
		return rc;
	rg_span_t sp;
	tspan(t, d, &h->adj[d], &sp);
	copy_span(&na, 0, &sp, 0, sp.n);
	na.len = (uint32_t)sp.n;
	if ((rc = rg__adj_drop(t, h, d))) {
		rg__adj_free_private(t->g, d, &na);
		return rc;
	}
	h->adj[d] = na;
	return 0;
}

int rg__adj_reserve(struct rg_txn *t, struct rg_head *h, int d, uint64_t more, unsigned cols)
{
	struct rg_adj *a = &h->adj[d];
	cols &= RG_COL_MASK;
	uint64_t need = (uint64_t)a->len + more;
	if (a->slots && need <= rg__adj_cap(a) && !(cols & ~a->cols))
		return 0; /* room past every published length (I3), columns present */
	if (need > UINT32_MAX)
		return RG_ERANGE;
	/* 25% headroom: a full block lands one power of two up (2x growth,
	 * amortised O(1) per append); a rebuild for a missing column keeps
	 * room for more appends too */
	uint64_t mincap = need + need / 4 + 1;
	int rc = rebuild(t, h, d, mincap, cols | (a->cols & RG_COL_MASK));
	if (!rc)
		t->g->st_grown++;
	return rc;
}

int rg__adj_append_slow(struct rg_txn *t, struct rg_head *h, int d, uint32_t slot, uint64_t id,
		       uint32_t type, uint64_t prop)
{
	int rc = rg__adj_reserve(t, h, d, 1, rg__entry_cols(slot, id, type, prop));
	if (rc)
		return rc;
	struct rg_adj *a = &h->adj[d];
	/* plain stores past the published length: no reader looks at index
	 * len until a head with a larger len is published (release) */
	rg__adj_put(a, a->len, slot, id, type, prop);
	a->len++;
	return 0;
}

int64_t rg__adj_remove(struct rg_txn *t, struct rg_head *h, int d, rg__keep_fn keep, void *ctx,
		      uint64_t max, int from_end)
{
	struct rg_adj *a = &h->adj[d];
	rg_span_t sp;
	tspan(t, d, a, &sp);
	/* Which entries go: the first `max` matches from the chosen end. A
	 * removal bound of one from the end (the reverse entry of one edge)
	 * is the common case; the general one scans once to find where the
	 * matches that go begin or end. */
	uint64_t n = sp.n, lo = 0, hi = n, found = 0;
	if (from_end) {
		for (uint64_t i = n; i-- > 0 && found < max;)
			if (!keep(ctx, sp.slots[i], rg_span_type(&sp, i), rg_span_prop(&sp, i))) {
				found++;
				lo = i;
			}
	} else {
		for (uint64_t i = 0; i < n && found < max; i++)
			if (!keep(ctx, sp.slots[i], rg_span_type(&sp, i), rg_span_prop(&sp, i))) {
				found++;
				hi = i + 1;
			}
	}
	if (!found)
		return 0;
	/* matches to drop lie in [lo, hi); outside it every entry stays */
	uint64_t left = n - found;
	if (left == 0)
		return rg__adj_drop(t, h, d) ? RG_ENOMEM : (int64_t)found;
	if (a->priv) {
		/* private: compact in place, stably */
		uint64_t k = lo, dropped = 0;
		for (uint64_t i = lo; i < n; i++) {
			int go = i < hi && dropped < found &&
				 !keep(ctx, a->slots[i], rg_span_type(&sp, i), rg_span_prop(&sp, i));
			if (go) {
				dropped++;
				continue;
			}
			if (k != i)
				move_entry(a, k, i);
			k++;
		}
		a->len = (uint32_t)left;
		return (int64_t)found;
	}
	/* published (or a pack slice): copy the survivors into a private
	 * block; older snapshots keep reading the old one */
	struct rg_adj na;
	int rc = blk_alloc(t->g, d, a->cols & RG_COL_MASK, left + 1, &na);
	if (rc)
		return rc;
	uint64_t k = 0, dropped = 0;
	copy_span(&na, 0, &sp, 0, lo);
	k = lo;
	for (uint64_t i = lo; i < n; i++) {
		int go = i < hi && dropped < found &&
			 !keep(ctx, sp.slots[i], rg_span_type(&sp, i), rg_span_prop(&sp, i));
		if (go) {
			dropped++;
			continue;
		}
		copy_span(&na, k++, &sp, i, 1);
	}
	na.len = (uint32_t)left;
	if ((rc = rg__adj_drop(t, h, d))) {
		rg__adj_free_private(t->g, d, &na);
		return rc;
	}
	h->adj[d] = na;
	t->g->st_compacted++;
	return (int64_t)found;
}

int rg__adj_permute(struct rg_adj *a, const uint32_t *rank, void *tmp)
{
	uint64_t n = a->len;
	uint8_t *seen = (uint8_t *)tmp + n * 8;
	memset(seen, 0, n);
	for (uint64_t i = 0; i < n; i++) {
		if (rank[i] >= n || seen[rank[i]])
			return RG_EINVAL;
		seen[rank[i]] = 1;
	}
	/* private block: no reader can see it, reordered in place column by
	 * column through tmp */
	uint32_t *t32 = tmp;
	uint64_t *t64 = tmp;
	for (uint64_t i = 0; i < n; i++)
		t32[i] = a->slots[rank[i]];
	memcpy(a->slots, t32, n * 4);
	if (a->cols & RG_COL_ID) {
		for (uint64_t i = 0; i < n; i++)
			t64[i] = col_ids(a)[rank[i]];
		memcpy(col_ids(a), t64, n * 8);
	}
	if (a->cols & RG_COL_PROP) {
		for (uint64_t i = 0; i < n; i++)
			t64[i] = col_props(a)[rank[i]];
		memcpy(col_props(a), t64, n * 8);
	}
	if (a->cols & RG_COL_TYPE) {
		for (uint64_t i = 0; i < n; i++)
			t32[i] = col_types(a)[rank[i]];
		memcpy(col_types(a), t32, n * 4);
	}
	return 0;
}
