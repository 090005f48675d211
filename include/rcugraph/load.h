/*
 * load.h - loading SNAP edge lists and generating synthetic graphs.
 *
 * Edge lists are plain arrays (rg_edgelist_t) so that benchmarks can build
 * the same graph into several stores (rcugraph, a static CSR, LMDB) and so
 * that a load is validated completely before anything touches the graph.
 */
#ifndef RCUGRAPH_LOAD_H
#define RCUGRAPH_LOAD_H

#include <rcugraph/rcugraph.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A directed edge list. Node ids are whatever the source used (sparse for
 * SNAP files, 0..n_nodes-1 for the generators). Owned by the caller;
 * release with rg_edgelist_free(). */
typedef struct rg_edgelist {
	uint64_t n_nodes; /* number of distinct ids appearing (generators: id range) */
	uint64_t n_edges;
	uint64_t *src;    /* n_edges entries */
	uint64_t *dst;    /* n_edges entries */
} rg_edgelist_t;

/* Frees the arrays and zeroes *el. NULL-safe. Any thread. */
void rg_edgelist_free(rg_edgelist_t *el);

/*
 * Parses a SNAP edge list: '#' comment lines, "from<TAB or spaces>to" per
 * line, LF or CRLF endings, blank lines ignored, ids are decimal uint64.
 * Gzip input (by magic bytes) is decompressed with zlib. Any thread; no graph
 * involved. On error returns RG_EPARSE (message "file:line: reason" in
 * errbuf), RG_EIO (cannot open/read), RG_ECORRUPT (truncated or corrupt gzip),
 * RG_ENOMEM; *el is then left empty. errbuf may be NULL.
 *
 * Details (see docs/loading.md): fields are separated by any run of spaces
 * and tabs; leading/trailing blanks are ignored; exactly 2 fields per data
 * line (a third column is an error); a '#' must be the first non-blank
 * character; ids are plain digits (no sign; leading zeros allowed; values
 * above UINT64_MAX are an error); a line longer than 16 MiB is an error.
 * Edges keep file order; el->n_nodes is the number of distinct ids. When a
 * gzip file yields a parse error, the rest of the stream is still checked:
 * a corrupt stream is reported as RG_ECORRUPT rather than as a parse error.
 * Allocates el->src/el->dst (release with rg_edgelist_free()).
 */
int rg_snap_parse(const char *path, rg_edgelist_t *el, char *errbuf, size_t errlen);

typedef struct rg_load_stats {
	uint64_t edges;       /* edges added */
	uint64_t nodes_added; /* nodes created (ids not already present) */
	uint64_t version;     /* commit version of the load */
} rg_load_stats_t;

/*
 * Loads a SNAP file into g as ONE transaction: nodes not yet present are
 * created with label 0, every edge gets `type` and property 0. On any error
 * nothing is applied. Writer contract of rg_txn_begin() (not inside a read
 * section). Errors as rg_snap_parse(), plus those of the transaction.
 * stats may be NULL.
 *
 * The whole file is parsed before rg_txn_begin(). Presence is decided inside
 * the transaction (rg_txn_add_node() per distinct id, RG_EEXIST = already
 * there), so no read section and no reader registration are needed: this
 * works under every policy, including "nosync" (where registering a reader
 * would freeze the graph). Nodes are created in ascending id order (most
 * edge lists then keep ids as slots: see "Node ids and slots" in
 * rcugraph.h). The edges are not inserted one by one: the transaction
 * builds a new pack of the whole graph straight from the parsed arrays (a
 * CSR build, as rg_pack() lays it out), each adjacency holding its old
 * edges then the file's in file order. The graph is packed afterwards.
 * stats (zeroed on error) gets the edges added, the nodes created and the
 * commit version (the current version if the file had no edges).
 * errbuf gets "PATH: ..." messages for transaction errors too.
 */
int rg_load_snap(rg_graph_t *g, const char *path, uint32_t type,
		 rg_load_stats_t *stats, char *errbuf, size_t errlen);

/*
 * Adds the edge list to g: every endpoint missing from g as a node with
 * label 0, and the edges with `type` and property 0. batch == 0: one
 * transaction that builds the pack directly from the arrays, as
 * rg_load_snap() does (the fastest way to a readable graph; packed
 * afterwards). batch > 0: the nodes in one transaction, then the edges
 * through rg_txn_add_edges(), `batch` per transaction (the write path a
 * workload would take). Writer contract. Returns the first transaction
 * error; earlier batches stay committed.
 *
 * Only ids that appear as endpoints become nodes (a generator's isolated ids
 * in [0, n_nodes) do not). RG_EINVAL for NULL g/el or missing arrays.
 * stats (may be NULL) reflects what was committed, also on error.
 */
int rg_edgelist_insert(rg_graph_t *g, const rg_edgelist_t *el, uint32_t type,
		       size_t batch, rg_load_stats_t *stats);

/* Deterministic seeded generators (same seed, same list, on any machine).
 * All return 0, RG_EINVAL (bad parameters) or RG_ENOMEM. Any thread.
 *
 * PRNG: xoshiro256** seeded by splitmix64. Edges are produced in blocks of
 * 65536, each block with its own stream derived from (seed, block), filled
 * in parallel with OpenMP: the output does not depend on the thread count.
 * Parallel (duplicate) edges may occur in all three. el->n_nodes is the id
 * range [0, n); *el is left empty on error. */

/* n nodes, n*avg_out_degree edges (rounded), endpoints uniform, no self
 * loops. n >= 1 (n >= 2 if there are edges), avg_out_degree finite >= 0. */
int rg_gen_uniform(rg_edgelist_t *el, uint64_t n, double avg_out_degree,
		   uint64_t seed);

/* R-MAT / Graph500 Kronecker: 2^scale nodes, edge_factor * 2^scale edges,
 * quadrant probabilities a, b, c (d = 1-a-b-c); pass a<=0 for the defaults
 * 0.57, 0.19, 0.19. Vertex ids are permuted (Graph500) so hubs are spread.
 * As the Graph500 reference kernel: no per-level noise, self loops and
 * duplicate edges are kept. scale in 1..42, edge_factor >= 1, b, c >= 0,
 * a + b + c <= 1. */
int rg_gen_rmat(rg_edgelist_t *el, unsigned scale, unsigned edge_factor,
		double a, double b, double c, uint64_t seed);

/* The old benchmark's shape: each of n nodes gets a uniform random
 * out-degree in [avg/2, 2*avg], targets uniform, no self loops.
 * avg/2 rounds down. Edges are grouped by source, sources ascending.
 * n >= 1 (n >= 2 if avg > 0). */
int rg_gen_oldbench(rg_edgelist_t *el, uint64_t n, unsigned avg, uint64_t seed);

/*
 * Builds a graph from a spec string: "rmat:scale=18,ef=16,seed=1[,a=..,b=..,c=..]",
 * "uniform:n=100000,deg=16,seed=1", "oldbench:nodes=1000,avg=20,seed=1", or
 * a path to a SNAP file (optionally "snap:PATH"). RG_EINVAL with a message in
 * errbuf for an unknown kind or key; otherwise as the functions above.
 *
 * Defaults: rmat ef=16 seed=1 a=0.57 b=0.19 c=0.19 (scale required);
 * uniform deg=16 seed=1 (n required); oldbench avg=20 seed=1 (nodes
 * required). Integers are plain decimal digits, a/b/c/deg are strtod
 * numbers. A bad value, a repeated key, a missing required key or invalid
 * parameter values also give RG_EINVAL with a message. A spec without a
 * known "kind:" prefix is read as a SNAP file if that path exists, else
 * RG_EINVAL. Any thread; allocates *el as the generators do.
 */
int rg_gen_from_spec(const char *spec, rg_edgelist_t *el, char *errbuf,
		     size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* RCUGRAPH_LOAD_H */
