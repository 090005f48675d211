/*
 * traverse.h - k-hop queries, depth-limited BFS, PageRank and weakly
 * connected components on one consistent snapshot, sequential or parallel.
 *
 * One view type
 *   Every kernel takes `const rg_read_t *r`: an open read section of the
 *   calling thread (rg_read_begin) OR the read handle of a frozen view
 *   (rg_csr_read(view), csr.h). Both are read through the same inline span
 *   lookup, so each kernel is written once and returns the same result on
 *   a section and on a view of the same snapshot. The caller owns the
 *   snapshot: a kernel never begins or ends a section.
 *
 * Parallel workers
 *   A parallel kernel runs an OpenMP team. Thread 0 is the calling thread
 *   and reads through the caller's handle; every other thread reads
 *   through a copy of it on its own stack marked shared (no span hook: the
 *   lru-rwlock cache belongs to the caller). Workers open no section, take
 *   no lock and are never registered as readers: the caller's open section
 *   (or the frozen view) keeps every byte they read alive until the kernel
 *   returns. So idle pool threads cannot stall rcu-qsbr grace periods, a
 *   ck-brlock registration cannot wait behind a writer, and nothing needs
 *   cleaning up when a pool dies. Nothing can fail per worker either
 *   (rg_exec_t.worker_failures is always 0).
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
 *   BFS and k-hop are direction-optimising (docs/traversal.md): a level may
 *   be found top-down (from the frontier's spans) or bottom-up (from the
 *   unvisited nodes' reverse spans); levels, hence depths, are exact and
 *   identical on every path.
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
 *   worker at a time); a single-root query expands a top-down BFS level in
 *   parallel only when that level's frontier has at least par_min_edges
 *   adjacency entries (sum of degrees) and at least 2 nodes per thread, and
 *   a bottom-up level (which scans every unvisited slot) when the slot
 *   space or the frontier's degree sum reaches par_min_edges; PageRank and
 *   WCC go parallel when the snapshot has at least par_min_edges edges. The
 *   default threshold RG_PAR_MIN_EDGES_DEFAULT was measured with
 *   experiments/bench_traverse.c (docs/traversal.md). A call made from inside
 *   an OpenMP parallel region, or with one thread, runs sequentially.
 *
 * Optimistic policies (ck-seqlock): a kernel reads one consistent snapshot
 *   (epochs keep its memory alive), and never returns RG_ERETRY itself: the
 *   caller's own rg_read_end() reports whether a writer published during
 *   the section, and on RG_ERETRY the caller discards the result and runs
 *   the section again. Frozen views are never invalidated.
 *
 * Errors: RG_EINVAL (NULL argument, bad mode/dir/thread count, section not
 *   open), RG_ENOENT (a root absent from the snapshot), RG_ENOMEM. On error
 *   every output is left empty (nothing to free; freeing it anyway is
 *   harmless).
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
	int worker_failures;    /* always 0 since v0.2: workers read through a copy of the
				 * caller's handle and open nothing, so none can fail (kept
				 * for source compatibility) */
	uint64_t edges;         /* adjacency entries examined (throughput numerator) */
	uint64_t items_par;     /* batch: roots run in parallel; PageRank/WCC: 1 if parallel */
	uint32_t td_steps;      /* BFS / k-hop: levels found top-down (all roots of a batch) */
	uint32_t bu_steps;      /* BFS / k-hop: levels found bottom-up (all roots of a batch) */
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
 * h = 0x9E3779B97F4A7C15; for each value x in order, h = f(h ^ x);
 * result f(h ^ count), where count is the number of values and f the
 * splitmix64 finaliser (z ^= z >> 30; z *= 0xBF58476D1CE4E5B9;
 * z ^= z >> 27; z *= 0x94D049BB133111EB; z ^= z >> 31). Values: node sets the ids; BFS (id, depth) per entry;
 * PageRank (id, IEEE-754 bit pattern of rank); WCC (id, comp). NULL-safe
 * (returns 0). Equal results give equal checksums on every machine.
 */
uint64_t rg_nodeset_checksum(const rg_nodeset_t *s);
uint64_t rg_bfs_checksum(const rg_bfs_t *b);

/* ------------------------------------------------------------------ */
/* k-hop and BFS                                                      */
/* ------------------------------------------------------------------ */

/*
 * Nodes at distance exactly k (RG_KHOP_EXACT) or 1..k (RG_KHOP_WITHIN) from
 * root. r: the calling thread's open section, or a frozen view's handle
 * (any thread). dir: RG_OUT, RG_IN or RG_BOTH. Allocates out->ids (free with rg_nodeset_free()). ex may be
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
 * evaluated as base + d * sum with base = (1-d)/N + d*D/N once per
 * iteration. N = live nodes, outdeg counts edges of the type (parallel
 * edges count each), D = sum of r(u) over nodes with outdeg 0 (dangling
 * mass spread evenly). Start r = 1/N. Iterates until max_iter or L1 change
 * < tol.
 * Determinism: each r'(v) is summed by one thread in adjacency order, and
 * the two global sums (dangling mass, L1 change) are reduced in fixed
 * blocks of 2048 live nodes in slot order (2048 slots when no slot is
 * empty), whose partials are added in block order by one thread. So the
 * sequential path, the parallel path at any thread count, a live section
 * and a frozen view of the same snapshot return BIT-IDENTICAL ranks.
 * r: an open section (it stays open for the whole computation: for long
 * runs prefer a frozen view, csr.h) or a frozen view's handle.
 * opts may be NULL (defaults). Allocates out (rg_pagerank_free()).
 * RG_EINVAL (bad damping/tol, bad r), RG_ENOMEM.
 */
int rg_pagerank(const rg_read_t *r, const rg_pagerank_opts_t *opts, rg_exec_t *ex,
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
 * Afforest (Sutton et al., IPDPS'18, as GAPBS cc.cc): two neighbour
 * rounds, compression, the largest component found by sampling and
 * skipped in the final pass, which links in-edges too. Lock-free: CAS
 * hooking of the larger root slot under the smaller; the sequential path
 * runs the same code on one thread. r and allocation as rg_pagerank();
 * free with rg_wcc_free(). RG_EINVAL, RG_ENOMEM.
 */
int rg_wcc(const rg_read_t *r, uint32_t type, rg_exec_t *ex, rg_wcc_t *out);
void rg_wcc_free(rg_wcc_t *w);
uint64_t rg_wcc_checksum(const rg_wcc_t *w);

#ifdef __cplusplus
}
#endif

#endif /* RCUGRAPH_TRAVERSE_H */
