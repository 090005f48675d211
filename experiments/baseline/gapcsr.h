/*
 * gapcsr.h - a static-CSR reference baseline for rcugraph's graph kernels.
 *
 * EXPERIMENT CODE, not part of the library's API (names are gb_*). Our own
 * C11 + OpenMP implementation of the algorithms the GAP Benchmark Suite
 * (GAPBS, Beamer, Asanovic, Patterson) uses as its reference kernels, over a
 * plain static CSR with 4-byte neighbour ids:
 *
 *   BFS        direction-optimising (Beamer et al., SC'12): top-down steps
 *              with a queue frontier, bottom-up steps with a bitmap frontier,
 *              switched by GAPBS's heuristics (alpha = 15, beta = 18).
 *   PageRank   pull formulation, fixed number of iterations, with EXACTLY
 *              rcugraph's formula and summation order (src/analytics.c), so
 *              the ranks are bit-identical to rg_pagerank() with tol = 0.
 *   CC         Afforest (Sutton et al., IPDPS'18) as in GAPBS cc.cc: two
 *              neighbour-sampling rounds, compress, skip the most frequent
 *              component in the final pass; in-edges are linked too (GAPBS's
 *              variant for directed inputs), so this is the undirected view
 *              (rcugraph's weakly connected components).
 *
 * Plus plain sequential references (gb_*_ref) that the tests and gapbench
 * compare every result with, and checksums compatible with rcugraph's
 * rg_bfs_checksum / rg_pagerank_checksum / rg_wcc_checksum.
 *
 * Vertices are the ids [0, n), n <= GB_MAX_VERTICES (ids fit in 4 bytes with
 * UINT32_MAX free as a sentinel). The CSR is a multigraph: duplicate edges
 * and self loops are kept as in the input, and every adjacency list is in
 * INPUT order of the edges (a stable counting sort).
 *
 * "present" masks. rcugraph has no node for an id that appears in no edge
 * when the graph is loaded from an edge list. PageRank and CC take an
 * optional mask present[v] (1 = v is a node, 0 = absent; NULL = every
 * vertex of [0, n) is a node). Absent vertices must have no edges
 * (GB_EINVAL otherwise); they are left out of N, of the dangling mass, of
 * the output (rank 0.0, comp GB_NONE) and of the checksums.
 * gb_present_from_edges() builds the mask that matches an edge-list load.
 *
 * Threads. Every kernel takes `threads`: 1 runs sequentially on the calling
 * thread (no OpenMP team), k > 1 an OpenMP team of k, 0 omp_get_max_threads().
 * Results never depend on the thread count: BFS depths and CC labels are
 * canonical, PageRank is bit-identical by construction (see gb_pagerank()).
 *
 * Errors: every function returning int returns 0 or a negative GB_E* code
 * and never aborts; on error the outputs' contents are unspecified (but
 * nothing is allocated for the caller). Not thread-safe against concurrent
 * gb_csr_free() of the same CSR; otherwise kernels only read the CSR.
 */
#ifndef GB_GAPCSR_H
#define GB_GAPCSR_H

#include <stddef.h>
#include <stdint.h>

#define GB_EINVAL (-1) /* NULL pointer, bad mode/damping/thread count, inconsistent mask */
#define GB_ENOMEM (-2) /* allocation failed (or size overflows size_t) */
#define GB_ERANGE (-3) /* an edge endpoint >= n, a root >= n, or n > GB_MAX_VERTICES */

#define GB_MAX_VERTICES ((uint64_t)UINT32_MAX) /* ids 0 .. UINT32_MAX - 1 */
#define GB_UNREACHED UINT32_MAX /* depth of a vertex the BFS did not reach */
#define GB_NONE UINT32_MAX      /* comp of an absent vertex */

/* GAPBS's direction-switching parameters. */
#define GB_BFS_ALPHA 15
#define GB_BFS_BETA 18

/* Blocks of the PageRank reductions: rcugraph's PR_BLOCK. */
#define GB_PR_BLOCK 2048

/* Short message for a GB_E* code (or "ok"). */
const char *gb_strerror(int rc);

/* ------------------------------------------------------------------ */
/* CSR                                                                */
/* ------------------------------------------------------------------ */

typedef struct gb_csr {
	uint64_t n;        /* vertices: ids [0, n) */
	uint64_t m;        /* edges (each stored once in out and once in in) */
	uint64_t *out_off; /* n + 1: out-edges of v are out_nbr[out_off[v] .. out_off[v+1]) */
	uint64_t *in_off;  /* n + 1: in-edges of v are in_nbr[in_off[v] .. in_off[v+1]) */
	uint32_t *out_nbr; /* m: targets, per source in input order */
	uint32_t *in_nbr;  /* m: sources, per target in input order */
} gb_csr_t;

/*
 * Builds out- and in-CSR of the m edges src[i] -> dst[i] over [0, n).
 * src/dst may be NULL when m == 0. Every id must be < n (else GB_ERANGE,
 * nothing built). The result does not depend on `threads` (the scatter is a
 * stable counting sort: each vertex's list is filled by one thread in input
 * order). *c is zeroed first, so gb_csr_free(c) is safe after any return.
 */
int gb_csr_build(gb_csr_t *c, uint64_t n, const uint64_t *src, const uint64_t *dst,
		 uint64_t m, int threads);

/* Frees the arrays and zeroes *c. NULL-safe, idempotent. */
void gb_csr_free(gb_csr_t *c);

/* Bytes of the CSR arrays (offsets and neighbours). 0 for NULL. */
size_t gb_csr_bytes(const gb_csr_t *c);

/* present[v] = 1 iff v has at least one in- or out-edge (what rcugraph
 * creates as nodes when it loads the edge list). present: n bytes. Returns
 * the number of present vertices. c and present must not be NULL. */
uint64_t gb_present_from_edges(const gb_csr_t *c, uint8_t *present);

/* ------------------------------------------------------------------ */
/* BFS                                                                */
/* ------------------------------------------------------------------ */

typedef enum gb_bfs_mode {
	GB_BFS_OUT = 0,        /* directed: follows out-edges (rcugraph RG_OUT) */
	GB_BFS_UNDIRECTED = 1, /* both adjacency lists (rcugraph RG_BOTH) */
} gb_bfs_mode_t;

typedef struct gb_bfs_stats {
	uint32_t levels;   /* 1 + largest depth reached */
	uint64_t reached;  /* vertices with a depth */
	unsigned td_steps; /* top-down steps run */
	unsigned bu_steps; /* bottom-up steps run */
} gb_bfs_stats_t;

/*
 * Direction-optimising BFS from root. depth: n entries, receives the hop
 * distance of every vertex (root 0, GB_UNREACHED if not reached).
 * GB_BFS_OUT: top-down walks out-edges, bottom-up checks each unvisited
 * vertex's in-neighbours. GB_BFS_UNDIRECTED: both lists in both steps.
 * Switching (GAPBS): go bottom-up when the out-degree sum of the frontier
 * exceeds (edges not yet examined) / GB_BFS_ALPHA; go back top-down when
 * the frontier shrinks and has at most n / GB_BFS_BETA vertices.
 * st may be NULL. GB_EINVAL (NULL c/depth, bad mode/threads), GB_ERANGE
 * (root >= n), GB_ENOMEM.
 */
int gb_bfs(const gb_csr_t *c, uint64_t root, gb_bfs_mode_t mode, int threads,
	   uint32_t *depth, gb_bfs_stats_t *st);

/* Plain sequential top-down BFS (a FIFO queue), same contract. */
int gb_bfs_ref(const gb_csr_t *c, uint64_t root, gb_bfs_mode_t mode, uint32_t *depth);

/*
 * rcugraph's rg_bfs_checksum() of the same result: the reached vertices
 * sorted by (depth, id); h = RG_CHECKSUM_SEED, per vertex h = mix(h ^ id),
 * h = mix(h ^ depth); result mix(h ^ 2 * reached). Allocates scratch
 * (n 4-byte entries): 0 or GB_EINVAL / GB_ENOMEM.
 */
int gb_bfs_checksum(const uint32_t *depth, uint64_t n, uint64_t *sum);

/* ------------------------------------------------------------------ */
/* PageRank                                                           */
/* ------------------------------------------------------------------ */

/*
 * `iters` pull iterations (no convergence test; 0 returns the start vector)
 * over the present vertices, N of them:
 *   start r(v) = 1/N
 *   D     = sum of r(u) over present u with outdeg(u) = 0
 *   base  = (1-d)/N + d*D/N          (evaluated as rcugraph does)
 *   r'(v) = base + d * sum over in-edges u->v of contrib(u),
 *           contrib(u) = r(u) / outdeg(u) (precomputed per iteration)
 * Parallel edges count once each (outdeg counts them; they contribute once
 * each). Determinism: the present vertices are cut into blocks of
 * GB_PR_BLOCK consecutive present vertices (rcugraph's slot blocks, as an
 * edge-list load gives slots in id order); each r'(v) is summed by one
 * thread over the in-edges in adjacency order; D and the L1 change are
 * summed per block and the partials are added in block order by one
 * thread. So rank[] is bit-identical for every thread count, and equal to
 * rcugraph's rg_pagerank(max_iter = iters, tol = 0) on the same edge list.
 * rank: n entries (absent vertices get 0.0). delta (may be NULL): L1 change
 * of the last iteration (0 if none ran). d must be in (0, 1).
 */
int gb_pagerank(const gb_csr_t *c, const uint8_t *present, double damping, unsigned iters,
		int threads, double *rank, double *delta);

/* Straightforward sequential loop with the same formula and summation
 * order (an independent check of the blocking). Same contract. */
int gb_pagerank_ref(const gb_csr_t *c, const uint8_t *present, double damping,
		    unsigned iters, double *rank, double *delta);

/* rcugraph's rg_pagerank_checksum(): (id, IEEE-754 bits of rank) for every
 * present vertex in id order, final term 2 * N. 0 for NULL rank. */
uint64_t gb_pagerank_checksum(const double *rank, const uint8_t *present, uint64_t n);

/* ------------------------------------------------------------------ */
/* Connected components                                               */
/* ------------------------------------------------------------------ */

/*
 * Afforest over the undirected view. comp: n entries; comp[v] = the
 * smallest vertex id of v's component (canonical); GB_NONE for absent
 * vertices. present may be NULL. GB_EINVAL, GB_ENOMEM.
 */
int gb_cc(const gb_csr_t *c, const uint8_t *present, int threads, uint32_t *comp);

/* Sequential union-find (union by smaller root, path halving). Same contract. */
int gb_cc_ref(const gb_csr_t *c, const uint8_t *present, uint32_t *comp);

/* rcugraph's rg_wcc_checksum(): (id, comp) for every present vertex in id
 * order, final term 2 * N. 0 for NULL comp. */
uint64_t gb_cc_checksum(const uint32_t *comp, const uint8_t *present, uint64_t n);

/* Number of components (present vertices v with comp[v] == v). */
uint64_t gb_cc_count(const uint32_t *comp, const uint8_t *present, uint64_t n);

#endif /* GB_GAPCSR_H */
