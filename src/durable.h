/*
 * durable.h - the graph core's one interface to durability.
 *
 * Layers (docs/design.md, "Layers"): codec.c (record and checkpoint
 * encoding, checksums; no I/O) <- io.c (write, sync, fault injection),
 * ckpt_file.c (checkpoint files), log.c / log_recover.c (segments, group
 * commit, fsync, recovery scan) <- durable.c / durable_ckpt.c (replay into
 * the graph, the durable commit path, the checkpoint thread) <- the core
 * (txn.c, graph.c) through this header only.
 * In memory (g->dur == NULL) every call is a no-op.
 *
 * Commit under a log: the writer appends the record while it holds the
 * writer mutex (rg__durable_append), links the new heads, submits the
 * version to publish.c and releases the mutex. Under RG_DURABILITY_COMMIT
 * the version stays queued until the fsync that covers it
 * (rg__durable_wait: the first committer back from an fsync publishes every
 * version it covered); under OFF and INTERVAL it is published at once.
 */
#ifndef RG_DURABLE_H
#define RG_DURABLE_H

#include "graph_internal.h"
#include "ops.h"

/* Recovers (or creates) the graph's directory and attaches the log; starts
 * the checkpoint thread. Called by rg_open. Errors as rg_open's. */
int rg__durable_open(rg_graph_t *g, const rg_options_t *opts);

/* Stops the checkpoint thread, flushes and closes the log. */
void rg__durable_close(rg_graph_t *g);

/* Whether transactions record their operations (a durable graph whose
 * recovery is over). */
int rg__durable_logging(const rg_graph_t *g);

/* Writer (holding the writer mutex), before linking: appends one
 * transaction's record with write(2). *lsn: the log position after it.
 * RG_EIO / RG_ENOSPC: nothing appended (the transaction rolls back). */
int rg__durable_append(rg_graph_t *g, uint64_t version, const struct rg__op *ops, size_t n,
		       uint64_t *lsn);

/* Whether a commit must wait for its record before it is visible
 * (RG_DURABILITY_COMMIT). */
int rg__durable_waits(const rg_graph_t *g);

/* Committer, after releasing the writer mutex: waits until it's record is
 * durable and its version published. 0, or RG_EIO (the fsync failed: the
 * version never becomes visible, and the log refuses every later commit). */
int rg__durable_wait(rg_graph_t *g, struct rg__pub_item *it);

/* After any commit: wakes the checkpoint thread if the log has grown past
 * the automatic checkpoint threshold. Never writes a checkpoint itself. */
void rg__durable_committed(rg_graph_t *g);

/* Holds (on = 1) / releases (on = 0) checkpoints: none starts while held,
 * and holding waits for a running one (rg_set_policy). */
void rg__durable_pause(rg_graph_t *g, int on);

/* Checkpoint counts for rg_stats_get(). */
void rg__durable_stats(rg_graph_t *g, rg_stats_t *st);

/* The log's checkpoint writer callback (durable_ckpt.c, log.h
 * rg__log_checkpoint): ctx is the graph; writes a snapshot of version >=
 * upto when it gets there within a short wait. */
int rg__durable_write_snapshot(void *ctx, int dirfd, uint64_t upto, rg_checkpoint_info_t *info);

/* ---- core services for recovery (txn.c, graph.c) ---- */

/* Reorders the in-adjacency of node id, built by t and private to it:
 * position i gets the entry at rank[i] (rank: a permutation of [0, n), n
 * its length). RG_ENOENT (no such node), RG_EINVAL (not built by t, or
 * rank is not such a permutation: nothing changed), RG_ENOMEM. */
int rg__txn_permute_in(rg_txn_t *t, uint64_t id, const uint32_t *rank, size_t n);

/* Recovery only (no reader, no writer): the graph's version is v. */
void rg__graph_set_version(rg_graph_t *g, uint64_t v);

#endif
