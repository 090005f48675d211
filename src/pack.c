/*
 * pack.c - rg_pack(): copies every live adjacency into one contiguous run
 * per direction (a CSR, struct rg_base in graph_internal.h) and makes the
 * nodes' heads point into it, in one transaction.
 *
 * Why: after a load, a node's out-entries sit in a block of their own
 * somewhere in the writer's pool, and a neighbour query by id follows
 * four dependent loads (index bucket, node, head, array). A static CSR
 * follows two (offset, entries). The pack gives unchanged nodes the CSR's
 * path: a clean bit (a bitmap small enough to stay cached), the offset,
 * the entries. Nodes changed after the pack lose the bit and go back to
 * their heads, so writes stay amortised O(1) and snapshots stay exact.
 */
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"

void rg_base_free(struct rg_base *b)
{
	if (!b)
		return;
	for (int d = 0; d < 2; d++) {
		free(b->off[d]);
		free(b->ent[d]);
	}
	free(b->clean);
	free(b);
}

/* The newest head of slot s if the node is alive in the writer's view
 * (a fresh transaction: no pending heads), else NULL. */
static const struct rg_head *live_head(rg_graph_t *g, uint64_t s)
{
	const struct rg_head *h = slot_node_seg(g->segs, s)->head;
	return h && h->alive ? h : NULL;
}

/* Offsets and empty runs for nslots slots holding n[d] entries. */
static struct rg_base *base_alloc(uint64_t nslots, const uint64_t n[2])
{
	struct rg_base *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->nslots = nslots;
	size_t words = (size_t)(nslots + 63) / 64;
	b->clean = calloc(words ? words : 1, sizeof *b->clean);
	b->bytes = sizeof *b + words * sizeof *b->clean;
	int ok = b->clean != NULL;
	for (int d = 0; d < 2 && ok; d++) {
		b->off[d] = malloc((size_t)(nslots + 1) * sizeof *b->off[d]);
		/* at least one entry, so an empty run is never NULL + 0 */
		size_t eb = (size_t)(n[d] ? n[d] : 1) * sizeof(rg_edge_t);
		eb = (eb + RG_CACHELINE - 1) & ~(size_t)(RG_CACHELINE - 1);
		b->ent[d] = aligned_alloc(RG_CACHELINE, eb);
		ok = b->off[d] && b->ent[d];
		if (ok)
			rg_advise_huge(b->ent[d], eb);
		b->bytes += (size_t)(nslots + 1) * sizeof *b->off[d] + eb;
	}
	if (!ok) {
		rg_base_free(b);
		return NULL;
	}
	return b;
}

/* Fills b from the graph's newest heads: offsets, live entries in
 * order, clean bits of live nodes. Writer only. */
static int base_fill(rg_graph_t *g, struct rg_base *b)
{
	uint64_t k[2] = {0, 0};
	for (uint64_t s = 0; s < b->nslots; s++) {
		const struct rg_head *h = live_head(g, s);
		for (int d = 0; d < 2; d++) {
			b->off[d][s] = k[d];
			if (!h)
				continue;
			const struct rg_adj *a = &h->adj[d];
			/* plain reads of del: only this thread writes it */
			for (uint32_t i = 0; i < a->len; i++)
				if (a->e[i].del == RG_DEL_LIVE)
					b->ent[d][k[d]++] = a->e[i];
			if (k[d] - b->off[d][s] != a->live)
				return RG_EINVAL; /* the head's count disagrees with its entries */
		}
		if (h)
			b->clean[s >> 6] |= UINT64_C(1) << (s & 63);
	}
	for (int d = 0; d < 2; d++)
		b->off[d][b->nslots] = k[d];
	return 0;
}

int rg_pack(rg_graph_t *g)
{
	if (!g)
		return RG_EINVAL;
	rg_txn_t *t;
	int rc = rg_txn_begin(g, &t);
	if (rc)
		return rc;
	/* the writer mutex is ours: heads and slots cannot change under us */
	uint64_t nslots = g->nslots, n[2] = {0, 0}, alive = 0;
	for (uint64_t s = 0; s < nslots; s++) {
		const struct rg_head *h = live_head(g, s);
		if (!h)
			continue;
		alive++;
		for (int d = 0; d < 2; d++)
			n[d] += h->adj[d].live;
	}
	if (!alive) /* nothing to pack: commit nothing */
		return rg_txn_abort(t);
	struct rg_base *b = base_alloc(nslots, n);
	if (!b) {
		rg_txn_abort(t);
		return RG_ENOMEM;
	}
	if ((rc = base_fill(g, b))) {
		rg_base_free(b);
		rg_txn_abort(t);
		return rc;
	}
	rg_txn_set_base(t, b); /* t owns it now: freed if we abort */
	for (uint64_t s = 0; s < nslots && !rc; s++) {
		if (!(b->clean[s >> 6] >> (s & 63) & 1))
			continue;
		struct rg_head *h = rg_txn_touch_slot(t, s);
		if (!h) {
			rc = RG_ENOMEM;
			break;
		}
		for (int d = 0; d < 2 && !rc; d++) {
			uint64_t o = b->off[d][s], len = b->off[d][s + 1] - o;
			rc = rg_txn_adj_to_base(t, h, d, b->ent[d] + o, (uint32_t)len);
		}
	}
	if (rc) {
		rg_txn_abort(t);
		return rc;
	}
	/* The new heads carry the same adjacency in new places: the commit
	 * publishes them and the pack together (one snapshot record), and
	 * logs an empty transaction so the log's version chain stays whole. */
	return rg_txn_commit(t, NULL);
}
