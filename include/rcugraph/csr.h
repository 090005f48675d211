/*
 * csr.h - frozen views: one snapshot kept readable without a read section.
 *
 * A frozen view is a packed snapshot (the CSR layout of rg_pack(), the span
 * format of rcugraph.h) that no writer changes and no read section keeps
 * alive. Its read handle, rg_csr_read(), works with every read function of
 * rcugraph.h (spans, degrees, node lookups, iterators) and every kernel of
 * traverse.h, from any number of threads, without registration; kernels
 * are written once for live sections and frozen views.
 *
 * No second copy when there is nothing to copy: if the section's snapshot
 * is exactly the graph's current pack (rg_pack() ran and no transaction
 * has touched a node since), the view shares the pack by reference count,
 * in O(1) (plus an id index for sparse graphs, O(nodes)). Otherwise the
 * snapshot is packed into a new CSR, O(slots + edges), inside the caller's
 * section. rg_csr_shared() tells which.
 *
 * Use:
 *  1. Long analytics without holding a read section. A section open for
 *     minutes keeps every version it can see alive, so superseded memory
 *     piles up until the writer hits gc_limit_bytes and stalls. Begin a
 *     section, rg_csr_build(), end the section, run kernels on
 *     rg_csr_read(view).
 *  2. Benchmarks: the same kernels on a snapshot no writer touches.
 *
 * Slots, ids, order: slot s of the view is slot s of the snapshot; every
 * span lists the same edges in the same order as in the snapshot.
 *
 * Lifetime: a view is independent of its graph (it may outlive
 * rg_close()); free it with rg_csr_free(). Thread safety: immutable once
 * built; any number of threads may read it concurrently.
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
 * Freezes the snapshot of the open read section r into a view (*out).
 * Calling thread: the owner of r (or a thread holding a shared section of
 * it), inside that section. Allocates the view (and, unless it shares the
 * graph's pack, the CSR); release with rg_csr_free(). Under optimistic
 * policies (ck-seqlock) a copied view is only valid if the caller's
 * rg_read_end() then returns 0: on RG_ERETRY free it and build again
 * (rg_csr_snapshot() does this for you).
 * Returns RG_EINVAL (NULL argument, section not open, r already a frozen
 * view), RG_ENOMEM. On error *out is set to NULL.
 */
int rg_csr_build(const rg_read_t *r, rg_csr_t **out);

/*
 * Convenience: opens a read section on g, builds the view, ends the
 * section, and retries (up to 64 times) while rg_read_end() returns
 * RG_ERETRY. The calling thread must be registered for g
 * (rg_reader_register()) and not inside a read section. Returns as
 * rg_read_begin() / rg_csr_build(), or RG_ERETRY if every attempt was
 * invalidated.
 */
int rg_csr_snapshot(rg_graph_t *g, rg_csr_t **out);

/* Frees the view (drops its reference to a shared pack). NULL is a no-op.
 * No thread may use it or its read handle afterwards. */
void rg_csr_free(rg_csr_t *c);

/* The view's read handle: pass it wherever a const rg_read_t * is taken
 * (rcugraph.h queries, traverse.h kernels, rg_read_begin_shared()). Never
 * pass it to rg_read_end() (RG_EINVAL). Valid until rg_csr_free(). NULL
 * for NULL. */
const rg_read_t *rg_csr_read(const rg_csr_t *c);

/* Memory the view keeps alive: the CSR (a shared pack counts whole: the
 * view holds it after the graph moves on) and its own index. 0 for NULL. */
size_t rg_csr_bytes(const rg_csr_t *c);

/* 1 if the view shares the graph's pack (built without a copy), else 0. */
int rg_csr_shared(const rg_csr_t *c);

/* Commit version of the frozen snapshot; live node and edge counts; slot
 * space size (== rg_node_slots() of the section). 0 for NULL. */
uint64_t rg_csr_version(const rg_csr_t *c);
uint64_t rg_csr_nodes(const rg_csr_t *c);
uint64_t rg_csr_edges(const rg_csr_t *c);
uint64_t rg_csr_slots(const rg_csr_t *c);

#ifdef __cplusplus
}
#endif

#endif /* RCUGRAPH_CSR_H */
