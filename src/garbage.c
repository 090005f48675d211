/*
 * garbage.c - bundles of superseded memory. A commit collects what it
 * supersedes (old heads, blocks, its predecessor's snapshot record, index
 * tables, a replaced pack) into one bundle; publish.c retires the bundle
 * after the record that stops referring to it is published (I4), and the
 * policy calls rg__garbage_free() once no reader can hold it.
 */
#include <stdlib.h>

#include "graph_internal.h"

struct rg__garbage *rg__gb_new(rg_graph_t *g, size_t hint)
{
	struct rg__garbage *gb = calloc(1, sizeof *gb);
	if (!gb)
		return NULL;
	gb->g = g;
	gb->cap = hint < 4 ? 4 : hint;
	/* one block: the pointers, then their classes */
	gb->ptrs = malloc(gb->cap * (sizeof(void *) + 1));
	if (!gb->ptrs) {
		free(gb);
		return NULL;
	}
	gb->cls = (uint8_t *)(gb->ptrs + gb->cap);
	return gb;
}

int rg__gb_reserve(struct rg__garbage *gb, size_t more)
{
	if (gb->n + more <= gb->cap)
		return 0;
	size_t nc = gb->cap * 2 > gb->n + more ? gb->cap * 2 : gb->n + more;
	void **np = malloc(nc * (sizeof(void *) + 1));
	if (!np)
		return RG_ENOMEM;
	uint8_t *nclsv = (uint8_t *)(np + nc);
	for (size_t i = 0; i < gb->n; i++) {
		np[i] = gb->ptrs[i];
		nclsv[i] = gb->cls[i];
	}
	free(gb->ptrs);
	gb->ptrs = np;
	gb->cls = nclsv;
	gb->cap = nc;
	return 0;
}

void rg__gb_add(struct rg__garbage *gb, void *p, size_t sz, unsigned cls)
{
	if (!p)
		return;
	RG_ASSERT_DEBUG(gb->n < gb->cap); /* reserved by the caller */
	gb->cls[gb->n] = (uint8_t)cls;
	gb->ptrs[gb->n++] = p;
	gb->bytes += sz;
}

void rg__gb_discard(struct rg__garbage *gb)
{
	if (!gb)
		return;
	free(gb->ptrs);
	free(gb);
}

void rg__garbage_free(struct rg__garbage *gb)
{
	rg_graph_t *g = gb->g;
	size_t bytes = gb->bytes, n = gb->n;
	/* no reader can hold any of it: heads and pooled blocks go back to
	 * the writer's free lists, the rest to libc */
	rg__pool_give_back(&g->pool, gb);
	/* relaxed: statistics only; nothing is ordered by these counters */
	RG_ADD(&g->gc_pending_bytes, -(uint64_t)bytes);
	RG_ADD(&g->gc_pending_objects, -(uint64_t)n);
	RG_ADD(&g->gc_freed_bytes, (uint64_t)bytes);
	rg__metrics_add(g->rd.metrics, RG_C_RECLAIM_CALLBACKS_DONE, n);
	rg__metrics_add(g->rd.metrics, RG_C_RECLAIM_BYTES_DONE, bytes);
}
