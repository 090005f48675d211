/*
 * kernel.h - INTERNAL glue shared by the kernels (traverse.c, bfs.c,
 * analytics.c): execution settings and the parallel-query metrics
 * (exec.c), the per-worker view of a snapshot, the result checksums.
 * Sorting is sort.h.
 *
 * One view type. Every kernel reads a `const struct rg_read *`, a live
 * section or a frozen view's handle (csr.h), through the inline span
 * lookup of <rcugraph/static/layout.h> (_rg_span_at): 4-byte neighbour
 * slots streamed as from a CSR, no iterator, no per-edge check. A span
 * lists exactly the snapshot's edges and every neighbour slot is inside
 * the snapshot's slot space (also under ck-seqlock, whose epochs keep the
 * snapshot's memory alive), so kernels index their per-slot arrays with
 * the slots they read, unchecked.
 */
#ifndef RG_KERNEL_H
#define RG_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include <rcugraph/csr.h>
#include <rcugraph/rcugraph.h>
#include <rcugraph/traverse.h>

#include "graph_internal.h"

/* ---- execution ---- */

struct rg__exec_cfg {
	int mode;
	int threads;       /* resolved: >= 1 (1 inside a parallel region or for SEQ) */
	uint64_t min_edges;
};

/* Resolves ex (may be NULL) into cfg and zeroes ex's outputs. RG_EINVAL
 * for a bad mode or thread count. */
int rg__exec_resolve(rg_exec_t *ex, struct rg__exec_cfg *cfg);

/* RG_EINVAL unless r is an open section or a frozen view's handle. */
static inline int rg__view_check(const struct rg_read *r)
{
	return r && r->open ? 0 : RG_EINVAL;
}

/*
 * The view a thread of a kernel reads through: thread 0 (the calling
 * thread) a copy of the caller's handle as it is (same section, same span
 * hook); any other thread a copy marked shared, without the hook (the
 * lru-rwlock cache belongs to the caller's section). No registration, no
 * section, no begin/end: the caller's open section (or the frozen view)
 * keeps everything read alive until the kernel returns. A copy on the
 * thread's stack, not the handle itself, so that the compiler keeps its
 * fields in registers across the kernel's stores (nothing can alias it).
 */
static inline void rg__worker_view(const struct rg_read *r, int tid, struct rg_read *w)
{
	*w = *r;
	if (tid != 0) {
		w->shared = 1;
		w->hook = NULL;
	}
}

/* Records one parallel query in the graph's metrics (no-op for frozen
 * views, which have no graph, or graphs without metrics). busy_ns: sum
 * over the team's threads. */
void rg__par_metrics(const struct rg_read *r, int threads, uint64_t wall_ns, uint64_t busy_ns);

/* ---- checksums ---- */

/* The public result checksums (traverse.h): h = RG_CHECKSUM_SEED, then
 * h = rg__checksum_mix(h ^ x) for each value x in order, and the result
 * rg__checksum_mix(h ^ count). The step is splitmix64's output function
 * (util.h); changing it changes every published checksum. */
#define RG_CHECKSUM_SEED 0x9E3779B97F4A7C15ULL
static inline uint64_t rg__checksum_mix(uint64_t x)
{
	return rg__splitmix64_mix(x);
}

#endif
