/*
 * log.h - INTERNAL: the log layer's contract with the durability layer
 * above it (durable.c): segments, group commit, fsync, recovery scanning
 * (log.c at run time, log_recover.c on open).
 *
 * The log never calls into the graph: recovery hands decoded records and
 * checkpoints to the caller's struct rg__replay_ops (codec.h), and
 * checkpoints are written by a callback of the caller
 * (rg__log_checkpoint).
 */
#ifndef RG_LOG_H
#define RG_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <rcugraph/rcugraph.h>

#include "codec.h" /* struct rg__replay_ops */
#include "ops.h"

struct rg__log_config {
	const char *dir;           /* directory (created if missing) */
	int durability;            /* RG_DURABILITY_* from rcugraph.h */
	uint32_t interval_ms;      /* for RG_DURABILITY_INTERVAL */
	int salvage;               /* 1: on mid-log corruption keep the valid prefix instead of failing */
	struct rg_metrics *metrics; /* where to record fsync latency (may be NULL) */
};

struct rg__log;

/* Opens (or creates) the log in cfg->dir, recovers: loads the newest valid
 * checkpoint (falling back to older ones), replays the log after it, cuts a
 * torn tail, and fills *rep. Error text (with file name and offset) goes to
 * errbuf. Returns RG_ECORRUPT, RG_EVERSION, RG_EIO, RG_ENOMEM, or what a
 * replay callback returned. */
int rg__log_open(const struct rg__log_config *cfg, const struct rg__replay_ops *ops,
		struct rg__log **out, rg_recovery_t *rep, char *errbuf, size_t errlen);

/* Closes: flushes and fsyncs what was appended, stops background threads. */
void rg__log_close(struct rg__log *w);

/* Appends one transaction's record with write(2) (no fsync). Called by the
 * single writer while it holds the writer mutex, BEFORE the transaction is
 * made visible. On failure (RG_EIO, RG_ENOSPC) the log file is restored to
 * its previous end (no partial record remains) and the core rolls back.
 * *lsn_end receives the log position just after the record. */
int rg__log_append(struct rg__log *w, uint64_t version, const struct rg__op *ops,
		   size_t n, uint64_t *lsn_end);

/* Blocks until the log is durable up to lsn_end under the configured policy:
 * COMMIT waits for an fsync covering it (group commit: concurrent waiters
 * share one write+fsync; one of them leads); INTERVAL and OFF return at once.
 * Called WITHOUT the writer mutex, so other committers can append meanwhile.
 * Returns RG_EIO if the fsync failed (the log is then failed for good: every
 * later append returns RG_EIO). */
int rg__log_wait_durable(struct rg__log *w, uint64_t lsn_end);

/* The log position up to which records are on disk (COMMIT policy). */
uint64_t rg__log_durable_lsn(struct rg__log *w);

/* Log bytes since the last checkpoint (for automatic checkpoints). */
uint64_t rg__log_bytes(const struct rg__log *w);

/* Writes a checkpoint: rolls to a new segment, calls write(ctx, dirfd,
 * upto, info), which must write and fsync a checkpoint file (checkpoint
 * writer, ckpt_file.h) of a snapshot of version >= upto if it can (the
 * last version appended before the roll), filling info->version; then
 * deletes the log segments it covers and older checkpoints beyond the
 * newest two. One checkpoint at a time (the log serialises them); appends
 * continue meanwhile. The log never reads the graph: the caller's write
 * callback does (durable_ckpt.c). */
typedef int (*rg__log_ckpt_write_fn)(void *ctx, int dirfd, uint64_t upto, rg_checkpoint_info_t *info);
int rg__log_checkpoint(struct rg__log *w, rg__log_ckpt_write_fn write, void *ctx,
		       rg_checkpoint_info_t *info);

#endif
