/* durable.c - glue between the graph core and the redo log (wal.c).
 * TEMPORARY until the log module lands in this tree. */
#include "graph_internal.h"

int rg_graph_open_durable(rg_graph_t *g, const rg_options_t *opts)
{
	(void)g; (void)opts;
	return RG_EPOLICY;
}

int rg_graph_commit_durable(rg_graph_t *g, uint64_t v, uint64_t lsn_end, struct rg_snap *snap,
			    struct rg_garbage *gb)
{
	(void)g; (void)v; (void)lsn_end; (void)snap; (void)gb;
	return RG_EIO;
}
/* TEMPORARY weak fallbacks until wal.c lands */
__attribute__((weak)) void rg_wal_close(struct rg_wal *w) { (void)w; }
__attribute__((weak)) int rg_wal_append(struct rg_wal *w, uint64_t version, const struct rg_op *ops,
					size_t n, uint64_t *lsn_end)
{ (void)w; (void)version; (void)ops; (void)n; (void)lsn_end; return RG_EIO; }
