/*
 * bulk.c - the sorted bulk path of rg_txn_add_edges(), for batches large
 * against the graph (recovery's replay, loaders that do not pack).
 *
 * The per-edge path takes, for each edge, random misses on both
 * endpoints' head cells, heads and block tails. Here each direction is
 * sorted by the owning endpoint's slot, so every touched adjacency grows at
 * most once and is written sequentially, in slot order:
 *   1. scatter the edges into 2^BULK_BUCKET_BITS contiguous buckets by the
 *      high bits of the slot (one sequential read, 1,024 write streams);
 *   2. per bucket (a few thousand edges, cache-resident), a counting sort
 *      by the low bits, then the appends for that slot range.
 * Both steps are stable, so each adjacency receives its edges in input
 * order, exactly as the per-edge path would.
 */
#include <stdlib.h>
#include <string.h>

#include "txn_internal.h"

#define BULK_BUCKET_BITS 10
#define PF_AHEAD 8

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

/* Appends the run rec[perm[from..to)] (all owned by slot s) to adjacency d. */
static int bulk_run(struct rg_txn *t, const struct bulk *b, const struct bulk_rec *rec,
		    size_t from, size_t to, uint64_t s, int d)
{
	struct rg_head *h = rg__txn_pending(t, s);
	if (!h)
		return RG_ENOMEM;
	unsigned cols = 0;
	for (size_t p = from; p < to; p++) {
		const struct bulk_rec *r = &rec[b->perm[p]];
		cols |= rg__entry_cols(r->oslot, r->nbr, r->type, r->prop);
	}
	/* one growth for the whole run (amortised O(1) over later batches) */
	int rc = rg__adj_reserve(t, h, d, to - from, cols);
	if (rc)
		return rc;
	struct rg_adj *a = &h->adj[d];
	/* plain stores past the published length, as in rg__adj_append */
	uint64_t k = a->len;
	for (size_t p = from; p < to; p++, k++) {
		const struct bulk_rec *r = &rec[b->perm[p]];
		rg__adj_put(a, k, r->oslot, r->nbr, r->type, r->prop);
	}
	a->len = (uint32_t)k;
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
			if (x + PF_AHEAD < w && lcnt[x + PF_AHEAD] != lcnt[x + PF_AHEAD - 1]) {
				const struct rg_head *ph = rg__wview(g, lo + x + PF_AHEAD);
				if (ph)
					__builtin_prefetch(ph);
			}
			int rc = bulk_run(t, b, rec, pos, lcnt[x], lo + x, d);
			if (rc)
				return rc;
			pos = lcnt[x];
		}
	}
	return 0;
}

/* The first edge with an endpoint not alive in the writer's view, or n.
 * One bit per slot instead of a cell and head miss per endpoint. */
static size_t first_dead(rg_graph_t *g, const uint32_t *slots, size_t n, int *nomem)
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
			const struct rg_head *h = rg__wview(g, s);
			if (h && h->alive)
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

int rg__bulk_apply(struct rg_txn *t, const rg_edge_in_t *in, const uint32_t *slots, size_t n,
		  size_t *failed_at)
{
	rg_graph_t *g = t->g;
	int nomem = 0;
	size_t bad = first_dead(g, slots, n, &nomem);
	if (nomem)
		return rg__txn_poison(t, RG_ENOMEM);
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
	void *ws = rg__txn_scratch(t, need);
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
		return rg__txn_poison(t, rc);
	}
	t->dedges += (int64_t)n;
	t->n_add_edges += n;
	/* the log keeps the caller's order, so replay rebuilds the same
	 * adjacency order through this path or the per-edge one */
	for (size_t i = 0; t->log && i < n; i++)
		rg__txn_record(t, RG_OP_ADD_EDGE, in[i].src, in[i].dst, in[i].type, in[i].prop);
	return 0;
}
