/*
 * exec.c - execution settings shared by every kernel (traverse.c, bfs.c,
 * analytics.c): resolving an rg_exec_t into a thread count and mode, and
 * the parallel-query metrics. kernel.h declares them.
 */
#include <omp.h>
#include <string.h>

#include "kernel.h"

void rg_exec_init(rg_exec_t *ex)
{
	if (ex)
		memset(ex, 0, sizeof *ex);
}

int rg__exec_resolve(rg_exec_t *ex, struct rg__exec_cfg *cfg)
{
	cfg->mode = RG_EXEC_AUTO;
	cfg->threads = 0;
	cfg->min_edges = RG_PAR_MIN_EDGES_DEFAULT;
	if (ex) {
		if (ex->mode != RG_EXEC_AUTO && ex->mode != RG_EXEC_SEQ && ex->mode != RG_EXEC_PAR)
			return RG_EINVAL;
		if (ex->threads < 0 || ex->threads > 1024)
			return RG_EINVAL;
		cfg->mode = ex->mode;
		cfg->threads = ex->threads;
		if (ex->par_min_edges)
			cfg->min_edges = ex->par_min_edges;
		ex->threads_used = 1;
		ex->par_steps = 0;
		ex->worker_failures = 0;
		ex->edges = 0;
		ex->items_par = 0;
		ex->td_steps = 0;
		ex->bu_steps = 0;
	}
	if (cfg->threads == 0)
		cfg->threads = omp_get_max_threads();
	if (cfg->threads < 1)
		cfg->threads = 1;
	/* Nested call from inside a parallel region: stay on this thread. */
	if (cfg->mode == RG_EXEC_SEQ || omp_in_parallel())
		cfg->threads = 1;
	return 0;
}

void rg__par_metrics(const struct rg_read *r, int threads, uint64_t wall_ns, uint64_t busy_ns)
{
	struct rg_metrics *m = r->g ? r->g->rd.metrics : NULL;
	if (!m)
		return;
	rg__metrics_add(m, RG_C_PARALLEL_TRAVERSALS, 1);
	rg__metrics_set(m, RG_G_TRAVERSAL_THREADS, (double)threads);
	rg__metrics_set(m, RG_G_TRAVERSAL_SPEEDUP, wall_ns ? (double)busy_ns / (double)wall_ns : 0.0);
	rg__metrics_observe(m, RG_H_TRAVERSAL_SECONDS, wall_ns);
}
