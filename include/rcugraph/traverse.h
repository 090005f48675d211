/*
 * traverse.h - k-hop queries, depth-limited BFS, PageRank and weakly
 * connected components on one consistent snapshot, sequential or parallel.
 *
 * Snapshot
 *   Every query takes an open read section `r` of the calling thread (or a
 *   frozen copy, rg_csr_t, see csr.h). The caller owns the snapshot: the
 *   query never begins or ends the caller's section. A parallel query runs
 *   OpenMP workers; each worker other than the calling
 *   thread opens rg_read_begin_shared(r) (the SAME snapshot), works, and
 *   ends its section before the query returns. So all workers of one query
 *   read one snapshot, and sequential and parallel versions of a query
 *   return identical results.
 *
 * Worker threads and registration
 *   Shared sections need no reader registration (rcugraph.h): the caller's
 *   open section keeps the snapshot alive. So OpenMP pool threads are never
 *   registered: no idle registered thread can stall rcu-qsbr grace periods,
 *   no ck-brlock registration can wait behind a writer, and nothing needs
 *   cleaning up when a pool dies. The calling thread must be registered (it
 *   holds r).
 *
 * Semantics (distances are shortest-path hop counts from the root, over the
 *   edges that pass the direction and type filters)
 *   RG_KHOP_EXACT   nodes whose distance is exactly k. k = 0 gives {root}.
 *   RG_KHOP_WITHIN  nodes whose distance is in 1..k. The root is EXCLUDED,
 *                   even when a cycle leads back to it. k = 0 gives {}.
 *   rg_bfs()        every node at distance <= max_depth with its distance,
 *                   root included at depth 0 (RG_BFS_UNLIMITED: no limit).
 *   Direction: RG_OUT follows src->dst, RG_IN follows dst->src, RG_BOTH
 *   follows both (the graph taken as undirected). type: only edges of that
 *   type, or RG_TYPE_ANY. Parallel edges and self loops change nothing.
 *
 * Stable order (for checksums)
 *   Node sets: ids ascending. BFS results: (depth, id) ascending. PageRank
 *   and WCC: ids ascending. rg_*_checksum() hash a result in that order.
 *
 * Sequential or parallel (rg_exec_t)
 *   RG_EXEC_SEQ always runs on the calling thread; RG_EXEC_PAR forces the
 *   parallel path wherever one exists; RG_EXEC_AUTO (default, ex == NULL)
 *   chooses by work size: a batch runs its roots sequentially until the
 *   edges scanned so far predict that the remaining roots will scan at least
 *   par_min_edges, and then spreads the rest over the workers (one root per
 *   worker at a time); a single-root query expands a BFS level in parallel
 *   only when that level's frontier has at least par_min_edges adjacency
 *   entries (sum of degrees) and at least 2 nodes per thread; PageRank and
 *   WCC go parallel when the snapshot has at least par_min_edges edges. The
 *   default threshold RG_PAR_MIN_EDGES_DEFAULT was measured with
 *   experiments/bench_traverse.c (docs/traversal.md). A call made from inside
 *   an OpenMP parallel region, or with one thread, runs sequentially.
 *
 * Optimistic policies (ck-seqlock): a worker's section end may report
 *   RG_ERETRY; the query then returns RG_ERETRY (and no result). The
 *   sequential path cannot tell: the caller's own rg_read_end() decides.
 *
 * Errors: RG_EINVAL (NULL argument, bad mode/dir/thread count, section not
 *   open), RG_ENOENT (a root absent from the snapshot), RG_ENOMEM,
 *   RG_ERETRY (above). On error every output is left empty (nothing to free;
 *   freeing it anyway is harmless).
 */
#ifndef RCUGRAPH_TRAVERSE_H
#define RCUGRAPH_TRAVERSE_H

#include <stddef.h>
#include <stdint.h>

#include <rcugraph/csr.h>
#include <rcugraph/rcugraph.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Direction argument of the traversals: RG_OUT, RG_IN (rcugraph.h) or: */
#define RG_BOTH 2

typedef enum rg_khop_mode {
	RG_KHOP_EXACT = 0,  /* distance == k */
	RG_KHOP_WITHIN = 1, /* 1 <= distance <= k (root excluded) */
} rg_khop_mode_t;

#define RG_BFS_UNLIMITED UINT32_MAX

typedef enum rg_exec_mode {
	RG_EXEC_AUTO = 0, /* choose by work size (the default) */
	RG_EXEC_SEQ = 1,  /* calling thread only */
	RG_EXEC_PAR = 2,  /* parallel wherever possible */
} rg_exec_mode_t;

/* Work threshold of RG_EXEC_AUTO, in adjacency entries (see above and
 * docs/traversal.md for how it was measured). */
#define RG_PAR_MIN_EDGES_DEFAULT 32768u

/* Execution control (inputs) and report (outputs). Initialise with
 * rg_exec_init(); ex == NULL everywhere means "AUTO, defaults, no report". */
typedef struct rg_exec {
	/* in */
	int mode;               /* rg_exec_mode_t */
	int threads;            /* worker threads incl. the caller; 0 = omp_get_max_threads() */
	uint64_t par_min_edges; /* AUTO threshold; 0 = RG_PAR_MIN_EDGES_DEFAULT */
	/* out (overwritten by every call) */
	int threads_used;       /* largest team that ran a parallel step; 1 = all sequential */
	int par_steps;          /* parallel regions run */
	int worker_failures;    /* workers that could not register / open a shared section
				 * (their share was done by the others; result unaffected) */
	uint64_t edges;         /* adjacency entries examined (throughput numerator) */
	uint64_t items_par;     /* batch: roots run in parallel; PageRank/WCC: 1 if parallel */
} rg_exec_t;

/* Sets mode AUTO, threads 0, par_min_edges 0, outputs 0. NULL-safe. */
void rg_exec_init(rg_exec_t *ex);

/* A set of node ids, ascending. */
typedef struct rg_nodeset {
	uint64_t *ids;
	size_t n;
} rg_nodeset_t;

/* A BFS result: n (id, depth) pairs sorted by (depth, id). */
typedef struct rg_bfs {
	uint64_t *ids;
	uint32_t *depth;
	size_t n;
	uint32_t levels; /* 1 + largest depth present (0 only for an empty result) */
} rg_bfs_t;

/* Free a result's arrays and zero it. NULL-safe, idempotent. Any thread. */
void rg_nodeset_free(rg_nodeset_t *s);
void rg_bfs_free(rg_bfs_t *b);

/*
 * Order-sensitive 64-bit checksums of results in their stable order:
 * h = 0x9E3779B97F4A7C15; for each value x in order, h = mix64(h ^ x);
 * result mix64(h ^ count), where count is the number of values and mix64 the
 * splitmix64 finaliser. Values: node sets the ids; BFS (id, depth) per entry;
 * PageRank (id, IEEE-754 bit pattern of rank); WCC (id, comp). NULL-safe
 * (returns 0). Equal results give equal checksums on every machine.
 */
uint64_t rg_nodeset_checksum(const rg_nodeset_t *s);
uint64_t rg_bfs_checksum(const rg_bfs_t *b);

/* ------------------------------------------------------------------ */
/* k-hop and BFS on a live read section                               */
/* ------------------------------------------------------------------ */

/*
 * Nodes at distance exactly k (RG_KHOP_EXACT) or 1..k (RG_KHOP_WITHIN) from
 * root. Calling thread: the owner of the open section r. dir: RG_OUT, RG_IN
 * or RG_BOTH. Allocates out->ids (free with rg_nodeset_free()). ex may be
 * NULL. Errors: see the top of this file.
 */
int rg_khop(const rg_read_t *r, uint64_t root, unsigned k, rg_khop_mode_t mode,
	    int dir, uint32_t type, rg_exec_t *ex, rg_nodeset_t *out);

/*
 * The same query for nroots roots: outs[i] receives root i's result
 * (outs: caller array of nroots, each freed with rg_nodeset_free()).
 * Roots may repeat. All-or-nothing: if any root is absent the call returns
 * RG_ENOENT before doing any work and every outs[i] is left empty.
 * nroots == 0 is valid (nothing to do).
 */
int rg_khop_batch(const rg_read_t *r, const uint64_t *roots, size_t nroots,
		  unsigned k, rg_khop_mode_t mode, int dir, uint32_t type,
		  rg_exec_t *ex, rg_nodeset_t *outs);

/* BFS from root to depth max_depth (RG_BFS_UNLIMITED: whole component).
 * Result sorted by (depth, id); root at depth 0. Allocates (rg_bfs_free()). */
int rg_bfs(const rg_read_t *r, uint64_t root, uint32_t max_depth, int dir,
	   uint32_t type, rg_exec_t *ex, rg_bfs_t *out);

/* Batch form of rg_bfs(), same contract as rg_khop_batch(). */
int rg_bfs_batch(const rg_read_t *r, const uint64_t *roots, size_t nroots,
		 uint32_t max_depth, int dir, uint32_t type, rg_exec_t *ex,
		 rg_bfs_t *outs);

/* ------------------------------------------------------------------ */
/* The same on a frozen copy (no read section, no registration)       */
/* ------------------------------------------------------------------ */

int rg_csr_khop(const rg_csr_t *c, uint64_t root, unsigned k, rg_khop_mode_t mode,
		int dir, uint32_t type, rg_exec_t *ex, rg_nodeset_t *out);
int rg_csr_khop_batch(const rg_csr_t *c, const uint64_t *roots, size_t nroots,
		      unsigned k, rg_khop_mode_t mode, int dir, uint32_t type,
		      rg_exec_t *ex, rg_nodeset_t *outs);
int rg_csr_bfs(const rg_csr_t *c, uint64_t root, uint32_t max_depth, int dir,
	       uint32_t type, rg_exec_t *ex, rg_bfs_t *out);
int rg_csr_bfs_batch(const rg_csr_t *c, const uint64_t *roots, size_t nroots,
		     uint32_t max_depth, int dir, uint32_t type, rg_exec_t *ex,
		     rg_bfs_t *outs);

/* ------------------------------------------------------------------ */
/* Analytics                                                          */
/* ------------------------------------------------------------------ */

typedef struct rg_pagerank_opts {
	double damping;    /* 0 < d < 1; default 0.85 */
	unsigned max_iter; /* default 100 (0: return the uniform start vector) */
	double tol;        /* stop once the L1 change of one iteration < tol; default 1e-10 */
	uint32_t type;     /* edges considered; default RG_TYPE_ANY */
} rg_pagerank_opts_t;

/* Fills the defaults above. NULL-safe. */
void rg_pagerank_opts_init(rg_pagerank_opts_t *o);

typedef struct rg_pagerank {
	uint64_t *ids;      /* live node ids ascending */
	double *rank;       /* rank[i] of ids[i]; sums to 1 (up to rounding) */
	size_t n;
	unsigned iterations;/* iterations run */
	double delta;       /* L1 change of the last iteration (0 if none ran) */
} rg_pagerank_t;

/*
 * PageRank, pull formulation over the in-adjacency:
 *   r'(v) = (1-d)/N + d * (D/N + sum over edges u->v of r(u)/outdeg(u))
 * N = live nodes, outdeg counts edges (parallel edges count each), D = sum
 * of r(u) over nodes with outdeg 0 (dangling mass spread evenly). Start
 * r = 1/N. Iterates until max_iter or L1 change < tol.
 * Determinism: each r'(v) is summed by one thread in adjacency order, and
 * the two global sums (dangling mass, L1 change) are reduced in fixed
 * blocks of 2048 slots combined in block order, so the sequential path,
 * the parallel path at any thread count, and the same kernel on an rg_csr_t
 * copied from the snapshot return BIT-IDENTICAL ranks.
 * Calling thread: owner of the open section r (it stays open for the whole
 * computation: for long runs prefer rg_csr_pagerank(), see csr.h).
 * opts may be NULL (defaults). Allocates out (rg_pagerank_free()).
 * RG_EINVAL (bad damping/tol), RG_ENOMEM, RG_ERETRY.
 */
int rg_pagerank(const rg_read_t *r, const rg_pagerank_opts_t *opts, rg_exec_t *ex,
		rg_pagerank_t *out);
int rg_csr_pagerank(const rg_csr_t *c, const rg_pagerank_opts_t *opts, rg_exec_t *ex,
		    rg_pagerank_t *out);
void rg_pagerank_free(rg_pagerank_t *p);
/* Checksum over (id, bit pattern of rank) pairs in id order. */
uint64_t rg_pagerank_checksum(const rg_pagerank_t *p);

typedef struct rg_wcc {
	uint64_t *ids;  /* live node ids ascending */
	uint64_t *comp; /* comp[i]: the smallest node id in ids[i]'s component */
	size_t n;
	uint64_t ncomp; /* number of components */
} rg_wcc_t;

/*
 * Weakly connected components (edge direction ignored) over edges of
 * `type` (RG_TYPE_ANY: all). Component id = smallest node id in the
 * component, so the result is canonical: identical on every path.
 * Sequential: union-find; parallel: lock-free union-find (CAS hooking of the
 * larger slot under the smaller). Calling thread and allocation as
 * rg_pagerank(); free with rg_wcc_free(). RG_EINVAL, RG_ENOMEM, RG_ERETRY.
 */
int rg_wcc(const rg_read_t *r, uint32_t type, rg_exec_t *ex, rg_wcc_t *out);
int rg_csr_wcc(const rg_csr_t *c, uint32_t type, rg_exec_t *ex, rg_wcc_t *out);
void rg_wcc_free(rg_wcc_t *w);
uint64_t rg_wcc_checksum(const rg_wcc_t *w);

#ifdef __cplusplus
}
#endif

#endif /* RCUGRAPH_TRAVERSE_H */
