/*
 * csr.h - a frozen compressed-sparse-row copy of one snapshot.
 *
 * rg_csr_build() copies the snapshot a read section sees into plain arrays
 * (out- and in-CSR over the graph's dense slot space, plus node ids and
 * labels). The copy needs no read section afterwards, so it serves two
 * purposes:
 *
 *  1. Long analytics without holding a read section. A read section open for
 *     minutes keeps every version it can see alive (no grace period can end
 *     before it does), so superseded memory piles up until the writer hits
 *     gc_limit_bytes and stalls. The recommended pattern is: begin a section,
 *     rg_csr_build(), end the section, run the kernel on the copy
 *     (rg_csr_pagerank(), rg_csr_wcc(), rg_csr_bfs(), ... in traverse.h).
 *     The section then lasts only as long as the copy (O(nodes + edges)),
 *     and the price is the copy's memory, reported by rg_csr_bytes().
 *  2. The "static CSR ceiling" of the benchmarks: the same kernels run on
 *     flat arrays with no version checks.
 *
 * Layout: slot s of the CSR is slot s of the graph (rg_node_at()). For
 * direction d (RG_OUT / RG_IN) the entries of slot s are
 * [off[d][s], off[d][s+1]), each a neighbour SLOT (uint32) and an edge type,
 * in the same order rg_neighbors_at() yields them in the snapshot. Edge
 * properties are not copied. Absent slots (never created in the snapshot, or
 * deleted) have no entries and rg_csr_node_at() returns RG_ENOENT for them.
 *
 * Memory (rg_csr_bytes()): 13 bytes per slot (id, label, alive flag),
 * 16 per slot for the two offset arrays, 12 per live node for the sorted
 * id index, and 16 bytes per edge (slot + type in both directions).
 *
 * Thread safety: an rg_csr_t is immutable once built; any number of threads
 * may read it concurrently without read sections or registration.
 */
#ifndef RCUGRAPH_CSR_H
#define RCUGRAPH_CSR_H

#include <stddef.h>
#include <stdint.h>

#include <rcugraph/rcugraph.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rg_csr rg_csr_t;

/*
 * Copies the snapshot of the open read section r into a new CSR (*out).
 * Calling thread: the owner of r (or a thread holding a shared section of
 * it), inside that section. Allocates the CSR; release with rg_csr_free().
 * Under optimistic policies (ck-seqlock) the copy is only valid if the
 * caller's rg_read_end() then returns 0: on RG_ERETRY free it and build
 * again (rg_csr_snapshot() does this for you).
 * Returns RG_EINVAL (NULL argument or section not open), RG_ENOMEM,
 * RG_ERANGE (more than 2^32-2 slots; cannot happen with the core's limit).
 * On error *out is set to NULL.
 */
int rg_csr_build(const rg_read_t *r, rg_csr_t **out);

/*
 * Convenience: opens a read section on g, builds the CSR, ends the section,
 * and retries (up to 64 times) while rg_read_end() returns RG_ERETRY. The
 * calling thread must be registered for g (rg_reader_register()) and not
 * inside a read section. Returns as rg_read_begin() / rg_csr_build(), or
 * RG_ERETRY if every attempt was invalidated.
 */
int rg_csr_snapshot(rg_graph_t *g, rg_csr_t **out);

/* Frees the CSR. NULL is a no-op. No thread may use it afterwards. */
void rg_csr_free(rg_csr_t *c);

/* Heap bytes held by the CSR (all its arrays and the header). 0 for NULL.
 * This is the memory cost of pinning a snapshot by copying it. */
size_t rg_csr_bytes(const rg_csr_t *c);

/* Commit version of the copied snapshot; live node and edge counts; slot
 * space size (== rg_node_slots() of the section). 0 for NULL. */
uint64_t rg_csr_version(const rg_csr_t *c);
uint64_t rg_csr_nodes(const rg_csr_t *c);
uint64_t rg_csr_edges(const rg_csr_t *c);
uint64_t rg_csr_slots(const rg_csr_t *c);

/* As rg_node_at(): id and label of the node in `slot` (either pointer may
 * be NULL). RG_ENOENT if the slot is absent in the copy, RG_EINVAL. */
int rg_csr_node_at(const rg_csr_t *c, uint64_t slot, uint64_t *id, uint32_t *label);

/* As rg_node_slot(): binary search in the sorted id index, O(log n).
 * RG_ENOENT if id is absent, RG_EINVAL. */
int rg_csr_node_slot(const rg_csr_t *c, uint64_t id, uint64_t *slot);

/*
 * The adjacency of `slot` in direction dir: *n entries, *nbr_slots[i] the
 * neighbour's slot and *types[i] the edge type (either output pointer may be
 * NULL). Pointers stay valid until rg_csr_free(). An absent slot has n = 0.
 * RG_EINVAL (NULL c or n, bad dir, slot >= rg_csr_slots()).
 */
int rg_csr_adj(const rg_csr_t *c, uint64_t slot, rg_dir_t dir,
	       const uint32_t **nbr_slots, const uint32_t **types, uint64_t *n);

#ifdef __cplusplus
}
#endif

#endif /* RCUGRAPH_CSR_H */
