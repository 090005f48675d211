/*
 * csr.c - frozen CSR copy of one snapshot (see include/rcugraph/csr.h).
 *
 * Built in one pass over the slot space inside the caller's read section:
 * for every live slot, its out- and then its in-adjacency are appended in
 * rg_neighbors_at() order, so a kernel that sums over a node's edges in
 * order gets bit-identical results on the copy and on the live snapshot.
 */
#include "traverse_internal.h"

#include <stdlib.h>
#include <string.h>

void rg_csr_free(rg_csr_t *c)
{
	if (!c)
		return;
	free(c->ids);
	free(c->labels);
	free(c->alive);
	for (int d = 0; d < 2; d++) {
		free(c->off[d]);
		free(c->nbr[d]);
		free(c->type[d]);
	}
	free(c->sid);
	free(c->sslot);
	free(c);
}

/* Grows the edge arrays of direction d to hold at least need entries. Only
 * needed if the snapshot yields more edges than rg_edge_count() said (a torn
 * optimistic read); a consistent snapshot never grows. */
static int grow_edges(rg_csr_t *c, int d, uint64_t *cap, uint64_t need)
{
	uint64_t nc = *cap ? *cap * 2 : 1024;
	while (nc < need)
		nc *= 2;
	uint32_t *nb = realloc(c->nbr[d], nc * sizeof *nb);
	if (!nb)
		return RG_ENOMEM;
	c->nbr[d] = nb;
	uint32_t *tp = realloc(c->type[d], nc * sizeof *tp);
	if (!tp)
		return RG_ENOMEM;
	c->type[d] = tp;
	*cap = nc;
	return 0;
}

int rg_csr_build(const rg_read_t *r, rg_csr_t **out)
{
	if (!out)
		return RG_EINVAL;
	*out = NULL;
	if (!r || !rg_read_graph(r))
		return RG_EINVAL;
	uint64_t ns = rg_node_slots(r);
	if (ns > (uint64_t)UINT32_MAX - 1)
		return RG_ERANGE;
	/* A closed section answers rg_node_at() with RG_EINVAL: detect it on a
	 * slot (or on an empty graph, via a lookup). */
	if (ns) {
		int t = rg_node_at(r, 0, NULL, NULL);
		if (t == RG_EINVAL)
			return RG_EINVAL;
	} else {
		uint64_t sl;
		if (rg_node_slot(r, 0, &sl) == RG_EINVAL)
			return RG_EINVAL;
	}
	uint64_t m = rg_edge_count(r);
	rg_csr_t *c = calloc(1, sizeof *c);
	if (!c)
		return RG_ENOMEM;
	c->version = rg_read_version(r);
	c->nslots = ns;
	size_t nsz = ns ? (size_t)ns : 1;
	c->ids = malloc(nsz * sizeof *c->ids);
	c->labels = malloc(nsz * sizeof *c->labels);
	c->alive = calloc(nsz, 1);
	uint64_t cap[2] = {m ? m : 1, m ? m : 1};
	for (int d = 0; d < 2; d++) {
		c->off[d] = malloc((nsz + 1) * sizeof *c->off[d]);
		c->nbr[d] = malloc(cap[d] * sizeof *c->nbr[d]);
		c->type[d] = malloc(cap[d] * sizeof *c->type[d]);
	}
	int rc = RG_ENOMEM;
	if (!c->ids || !c->labels || !c->alive || !c->off[0] || !c->off[1] || !c->nbr[0] ||
	    !c->nbr[1] || !c->type[0] || !c->type[1])
		goto fail;
	uint64_t pos[2] = {0, 0}, nodes = 0;
	for (uint64_t s = 0; s < ns; s++) {
		c->off[0][s] = pos[0];
		c->off[1][s] = pos[1];
		uint64_t id = 0;
		uint32_t label = 0;
		if (rg_node_at(r, s, &id, &label) != 0) {
			c->ids[s] = 0;
			c->labels[s] = 0;
			continue;
		}
		c->ids[s] = id;
		c->labels[s] = label;
		c->alive[s] = 1;
		nodes++;
		for (int d = 0; d < 2; d++) {
			rg_iter_t it;
			if (rg_neighbors_at(r, s, (rg_dir_t)d, RG_TYPE_ANY, &it) != 0)
				continue;
			const rg_edge_t *e;
			while ((e = rg_iter_next(&it)) != NULL) {
				if (e->nbr_slot >= ns)
					continue; /* torn optimistic read only */
				if (pos[d] == cap[d] && (rc = grow_edges(c, d, &cap[d], pos[d] + 1)) != 0)
					goto fail;
				c->nbr[d][pos[d]] = e->nbr_slot;
				c->type[d][pos[d]] = e->type;
				pos[d]++;
			}
		}
	}
	c->off[0][ns] = pos[0];
	c->off[1][ns] = pos[1];
	c->nodes = nodes;
	c->edges = pos[0];

	/* Sorted id index: lookups by id and id-ordered output. */
	rc = RG_ENOMEM;
	size_t nn = nodes ? (size_t)nodes : 1;
	struct rg_kv *kv = malloc(nn * sizeof *kv);
	struct rg_kv *tmp = malloc(nn * sizeof *tmp);
	c->sid = malloc(nn * sizeof *c->sid);
	c->sslot = malloc(nn * sizeof *c->sslot);
	if (!kv || !tmp || !c->sid || !c->sslot) {
		free(kv);
		free(tmp);
		goto fail;
	}
	size_t k = 0;
	for (uint64_t s = 0; s < ns; s++)
		if (c->alive[s])
			kv[k++] = (struct rg_kv){c->ids[s], s};
	rg__sort_kv(kv, k, tmp);
	for (size_t i = 0; i < k; i++) {
		c->sid[i] = kv[i].k;
		c->sslot[i] = (uint32_t)kv[i].v;
	}
	free(kv);
	free(tmp);
	c->bytes = sizeof *c + nsz * (sizeof *c->ids + sizeof *c->labels + 1) +
		   2 * (nsz + 1) * sizeof(uint64_t) +
		   (cap[0] + cap[1]) * (sizeof(uint32_t) * 2) +
		   nn * (sizeof *c->sid + sizeof *c->sslot);
	*out = c;
	return 0;
fail:
	rg_csr_free(c);
	return rc;
}

int rg_csr_snapshot(rg_graph_t *g, rg_csr_t **out)
{
	if (!g || !out)
		return RG_EINVAL;
	*out = NULL;
	for (int attempt = 0; attempt < 64; attempt++) {
		rg_read_t *r = NULL;
		int rc = rg_read_begin(g, &r);
		if (rc)
			return rc;
		rg_csr_t *c = NULL;
		rc = rg_csr_build(r, &c);
		int erc = rg_read_end(r);
		if (rc) {
			rg_csr_free(c);
			if (erc == RG_ERETRY)
				continue;
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

size_t rg_csr_bytes(const rg_csr_t *c) { return c ? c->bytes : 0; }
uint64_t rg_csr_version(const rg_csr_t *c) { return c ? c->version : 0; }
uint64_t rg_csr_nodes(const rg_csr_t *c) { return c ? c->nodes : 0; }
uint64_t rg_csr_edges(const rg_csr_t *c) { return c ? c->edges : 0; }
uint64_t rg_csr_slots(const rg_csr_t *c) { return c ? c->nslots : 0; }

int rg_csr_node_at(const rg_csr_t *c, uint64_t slot, uint64_t *id, uint32_t *label)
{
	if (!c)
		return RG_EINVAL;
	if (slot >= c->nslots || !c->alive[slot])
		return RG_ENOENT;
	if (id)
		*id = c->ids[slot];
	if (label)
		*label = c->labels[slot];
	return 0;
}

int rg_csr_node_slot(const rg_csr_t *c, uint64_t id, uint64_t *slot)
{
	if (!c || !slot)
		return RG_EINVAL;
	size_t lo = 0, hi = (size_t)c->nodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->sid[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == c->nodes || c->sid[lo] != id)
		return RG_ENOENT;
	*slot = c->sslot[lo];
	return 0;
}

int rg_csr_adj(const rg_csr_t *c, uint64_t slot, rg_dir_t dir, const uint32_t **nbr_slots,
	       const uint32_t **types, uint64_t *n)
{
	if (!c || !n || (dir != RG_OUT && dir != RG_IN) || slot >= c->nslots)
		return RG_EINVAL;
	uint64_t b = c->off[dir][slot];
	*n = c->off[dir][slot + 1] - b;
	if (nbr_slots)
		*nbr_slots = c->nbr[dir] + b;
	if (types)
		*types = c->type[dir] + b;
	return 0;
}
