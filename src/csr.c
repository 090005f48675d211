/*
 * csr.c - frozen views (include/rcugraph/csr.h): a pack (struct rg_base)
 * held by reference count plus a read handle marked frozen, which the
 * inline read path (layout.h) reads through the pack only: its alive bits
 * stand in for the clean bits, and there are no heads to walk.
 */
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include <rcugraph/csr.h>

int rg__base_snapshot(const struct rg_read *rd, struct rg_base **out); /* pack.c */

struct rg_csr {
	struct rg_read rd;   /* the read handle (frozen) */
	struct rg_base *base;
	struct rg_idx *idx;  /* sparse graphs: id -> slot of the live nodes */
	size_t idx_bytes;
	int shared;
};

/* An id index over the live slots of b (sparse graphs). */
static struct rg_idx *frozen_index(const struct rg_base *b, size_t *bytes)
{
	uint64_t cap = 16;
	while (cap < 2 * (b->nodes + 1))
		cap *= 2;
	*bytes = sizeof(struct rg_idx) + cap * sizeof(struct rg_ient);
	struct rg_idx *t = calloc(1, *bytes);
	if (!t)
		return NULL;
	t->mask = cap - 1;
	for (uint64_t s = 0; s < b->nslots; s++) {
		if (!(b->alive[s >> 6] >> (s & 63) & 1))
			continue;
		uint64_t i = mix64(b->node_ids[s]) & t->mask;
		while (t->e[i].slot1)
			i = (i + 1) & t->mask;
		t->e[i].id = b->node_ids[s];
		t->e[i].slot1 = (uint32_t)s + 1; /* private until returned: plain stores */
		t->used++;
	}
	return t;
}

int rg_csr_build(const rg_read_t *r, rg_csr_t **out)
{
	if (!out)
		return RG_EINVAL;
	*out = NULL;
	if (!r || !r->open || r->frozen)
		return RG_EINVAL;
	rg_csr_t *c = calloc(1, sizeof *c);
	if (!c)
		return RG_ENOMEM;
	if (r->snap && r->snap->exact && r->base && !r->hook) {
		/* the snapshot is its pack: share it. The section keeps the pack
		 * alive while we take our reference (the graph's reference is
		 * dropped only after a grace period). */
		c->base = (struct rg_base *)r->base;
		rg__base_get(c->base);
		c->shared = 1;
	} else {
		int rc = rg__base_snapshot(r, &c->base);
		if (rc) {
			free(c);
			return rc;
		}
	}
	const struct rg_base *b = c->base;
	if (!r->dense) {
		c->idx = frozen_index(b, &c->idx_bytes);
		if (!c->idx) {
			rg__base_put(c->base);
			free(c);
			return RG_ENOMEM;
		}
	}
	struct rg_read *rd = &c->rd;
	rd->base = b;
	rd->clean = b->alive;
	rd->gr = NULL;
	rd->nslots = b->nslots;
	rd->version = r->version;
	rd->hook = NULL;
	rd->idx = c->idx;
	rd->snap = NULL;
	rd->dense = r->dense;
	rd->open = 1;
	rd->frozen = 1;
	rd->g = NULL;
	rd->nodes = rg_node_count(r);
	rd->edges = rg_edge_count(r);
	*out = c;
	return 0;
}

int rg_csr_snapshot(rg_graph_t *g, rg_csr_t **out)
{
	if (!out)
		return RG_EINVAL;
	*out = NULL;
	if (!g)
		return RG_EINVAL;
	for (int attempt = 0; attempt < 64; attempt++) {
		rg_read_t *r;
		int rc = rg_read_begin(g, &r);
		if (rc)
			return rc;
		rg_csr_t *c = NULL;
		rc = rg_csr_build(r, &c);
		int erc = rg_read_end(r);
		if (rc) {
			rg_csr_free(c);
			return rc;
		}
		if (erc == RG_ERETRY) {
			rg_csr_free(c);
			continue;
		}
		*out = c;
		return 0;
	}
	return RG_ERETRY;
}

void rg_csr_free(rg_csr_t *c)
{
	if (!c)
		return;
	rg__base_put(c->base);
	free(c->idx);
	free(c);
}

const rg_read_t *rg_csr_read(const rg_csr_t *c) { return c ? &c->rd : NULL; }
size_t rg_csr_bytes(const rg_csr_t *c) { return c ? sizeof *c + c->base->bytes + c->idx_bytes : 0; }
int rg_csr_shared(const rg_csr_t *c) { return c ? c->shared : 0; }
uint64_t rg_csr_version(const rg_csr_t *c) { return c ? c->rd.version : 0; }
uint64_t rg_csr_nodes(const rg_csr_t *c) { return c ? c->rd.nodes : 0; }
uint64_t rg_csr_edges(const rg_csr_t *c) { return c ? c->rd.edges : 0; }
uint64_t rg_csr_slots(const rg_csr_t *c) { return c ? c->rd.nslots : 0; }
