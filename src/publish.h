/*
 * publish.h - the one owner of publication and reclamation.
 *
 * Every snapshot record becomes visible here, in version order, and every
 * retired object (heads, blocks, index tables, snapshot records, packs)
 * is handed to the policy here, all under one lock (rg__pub.lock), whichever
 * thread does it: the writer of an in-memory graph, or, under
 * RG_DURABILITY_COMMIT, whichever committer came back first from the fsync
 * that made a run of versions durable (group commit). The policies'
 * writer-side hooks (publish_begin/end, retire, barrier) are called from
 * here only, so they always have exactly one caller at a time.
 *
 * Threads: rg__pub_submit with the writer mutex held (it fixes the order);
 * the others from any thread that is not inside a read section.
 */
#ifndef RG_PUBLISH_H
#define RG_PUBLISH_H

#include "graph_internal.h"

void rg__pub_init(rg_graph_t *g);
/* Frees what failed versions kept (close; no reader, no writer left). */
void rg__pub_fini(rg_graph_t *g);

/*
 * Queues version it->version (newer than every queued one: the caller holds
 * the writer mutex). With now != 0 (in memory, OFF, INTERVAL) it is
 * published before this returns; otherwise (COMMIT) it waits in the queue
 * until rg__pub_advance() covers its lsn. `it` must stay valid until it has
 * left the queue (rg__pub_wait).
 */
void rg__pub_submit(rg_graph_t *g, struct rg__pub_item *it, int now);

/* Publishes, in version order, every queued version whose record ends at
 * or before log position durable_lsn. */
void rg__pub_advance(rg_graph_t *g, uint64_t durable_lsn);

/* The log failed for good: every queued version stays invisible (its
 * garbage is kept until close, since readers still read what it would
 * have superseded), and so will every later one. */
void rg__pub_fail(rg_graph_t *g);

/* Waits until `it` was published (0) or failed (RG_EIO). */
int rg__pub_wait(rg_graph_t *g, struct rg__pub_item *it);

/* Whether the log failed (rg__pub_fail). Relaxed: a transaction begun just
 * before the failure learns it at commit. */
int rg__pub_failed(rg_graph_t *g);

/* Retires a bundle that no queued version owns (index tables replaced by
 * an aborted or empty transaction: the new table is already published). */
void rg__pub_retire(rg_graph_t *g, struct rg__garbage *gb);

/* Bounded garbage: if memory waiting for reclamation exceeds the graph's
 * gc limit, waits until it is reclaimed (counted in gc_waits). */
void rg__pub_gc_throttle(rg_graph_t *g);

/* Waits until everything retired so far is reclaimed (close, policy
 * switch). */
void rg__pub_barrier(rg_graph_t *g);

/* Fills the published state of *st: version, nodes, edges, gc_waits. */
void rg__pub_stats(rg_graph_t *g, rg_stats_t *st);

/* The newest published version (under the lock). */
uint64_t rg__pub_visible(rg_graph_t *g);

/* Debug: the caller holds the publication lock (policies assert it). */
#define RG_ASSERT_PUB(g) RG_ASSERT_DEBUG(pthread_equal(RG_LOAD_SHARED((g)->pub.owner), pthread_self()))

#endif
