/*
 * log_internal.h - INTERNAL: the log object shared by log.c (run time) and
 * log_recover.c (opening). Nothing else includes it.
 */
#ifndef RG_LOG_INTERNAL_H
#define RG_LOG_INTERNAL_H

#include <pthread.h>

#include "codec.h"
#include "io.h"
#include "log.h"
#include "util.h"

#define GATHER_HIST 8

struct rg__log {
	struct rg_metrics *metrics; /* the graph's (fsync latency), may be NULL */
	int dirfd;
	int durability;
	uint32_t interval_ms;

	pthread_mutex_t ckpt_mu;
	uint64_t *segs; /* first versions of the live segments, ascending (ckpt_mu) */
	size_t nsegs, capsegs;
	int have_ckpt;       /* ckpt_last is a valid checkpoint on disk */
	uint64_t ckpt_last;  /* newest valid checkpoint */
	int have_prev;
	uint64_t ckpt_prev;  /* the one before it (kept for fallback) */

	pthread_mutex_t append_mu;
	int fd;              /* current segment (append_mu + !flushing to switch) */
	uint64_t seg_first;
	uint64_t seg_size;   /* file offset of the end (append_mu) */
	uint64_t seg_records;
	uint8_t *buf;        /* record encoding buffer (append_mu) */
	size_t bufcap;

	pthread_mutex_t mu;
	pthread_cond_t cv;     /* durable advanced / flushing cleared */
	uint64_t appended, durable;         /* logical LSNs (bytes since open) */
	uint64_t appended_recs, durable_recs;
	uint64_t last_version;
	int flushing;
	int failed;          /* sticky RG_EIO after an fsync failure */
	uint32_t batch_hist[GATHER_HIST];
	unsigned batch_idx;
	uint64_t fsync_ewma_ns;

	uint64_t log_bytes;  /* bytes appended since the last checkpoint began (shared) */

	pthread_t flusher;
	int flusher_running;
	int stop;
	pthread_cond_t stop_cv;
};

static inline int rg__log_fsync_dir(struct rg__log *w)
{
	int r = rg__io_sync(w->dirfd, 0);
	return r ? rg__io_err(r) : 0;
}

/* A new log object for cfg: no directory, no segment, no thread yet. */
struct rg__log *rg__log_alloc(const struct rg__log_config *cfg);

/* Creates segment log-<first>.rgl: temp name, header, fsync, rename, fsync
 * dir. Returns the open fd (>= 0) or an RG_E* code. */
int rg__log_create_segment(int dirfd, uint64_t first);

/* Appends first to the list of live segments. */
int rg__log_segs_push(struct rg__log *w, uint64_t first);

/* Starts the flusher thread (RG_DURABILITY_INTERVAL), once recovered. */
int rg__log_start(struct rg__log *w);

/* Closes files and frees w (no flush: rg__log_close flushes). */
void rg__log_free(struct rg__log *w);

#endif
