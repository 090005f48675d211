/*
 * durable.c - durability above the log: recovery on open (replaying a
 * checkpoint and the log through ordinary transactions), the durable
 * commit path, and the checkpoint thread. The core reaches it only through
 * durable.h; it reaches the log through log.h and the graph through the
 * public API and the few recovery services of durable.h. The snapshot a
 * checkpoint writes is read in durable_ckpt.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "durable.h"
#include "publish.h"
#include "io.h" /* rg__io_fsync_count */
#include "log.h"

struct rg__durable {
	struct rg__log *wal;
	int durability;
	int logging;              /* recovery is over: commits are logged */
	rg_recovery_t recovery;
	uint64_t checkpoint_bytes;
	uint64_t last_lsn;        /* writer: log end after the last append (metrics) */
	uint64_t fsyncs_seen;     /* fsync count already added to metrics (atomic) */
	/* checkpoints: one at a time (explicit, automatic, or held by a pause) */
	pthread_mutex_t ckpt_lock;
	/* the checkpoint thread and its wake-up */
	pthread_t thr;
	int thr_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, requested;
	unsigned backoff;         /* failed automatic checkpoints in a row */
	uint64_t checkpoints, failures; /* under ckpt_lock */
	int last_error;
};

/* Replay context: recovery applies many log records per graph transaction
 * (replay speed), then sets the graph's version to the last one replayed. */
struct replay {
	rg_graph_t *g;
	rg_txn_t *t;
	uint64_t ops_in_txn;
	uint64_t version; /* logical version reached */
	uint64_t records, edges;
	size_t nbuf, cap;
	rg_edge_in_t *buf;
	/* a checkpoint's in-order entries for one node, collected until the
	 * next node's (or the end) and then applied (rg__txn_permute_in) */
	int io_active;
	uint64_t io_id, io_n;
	uint32_t *io_rank;
	size_t io_cap;
};

/* Ops per graph transaction during recovery. Every transaction gives each
 * node it touches a new head, so small batches cost a head copy per node
 * per batch; one batch of a few million ops amortises that. What a batch
 * supersedes waits for its commit, so this also bounds recovery's extra
 * memory (about one old block per touched adjacency). */
#define REPLAY_BATCH (4u << 20)
/* Edge inserts are buffered across records, up to this many, and applied
 * in one rg_txn_add_edges call: a batch that large against the graph takes
 * the bulk path (bulk.c), which sorts it by endpoint instead of touching
 * two random adjacency tails per edge. The buffer (32 bytes per edge) grows
 * on demand, so a small log never allocates it whole. */
#define REPLAY_EDGE_BUF_MIN 4096
#define REPLAY_EDGE_BUF_MAX (1u << 20)

static int flush_edges(struct replay *rp);

/* A logged op failing on replay means the log does not describe this graph. */
static int replay_rc(int rc)
{
	return rc == RG_ENOMEM ? rc : rc ? RG_ECORRUPT : 0;
}

static int replay_flush(struct replay *rp)
{
	if (!rp->t)
		return 0;
	int rc = replay_rc(flush_edges(rp));
	if (rc) {
		rg_txn_abort(rp->t);
		rp->t = NULL;
		return rc;
	}
	rc = rg_txn_commit(rp->t, NULL);
	rp->t = NULL;
	rp->ops_in_txn = 0;
	if (!rc)
		rg__graph_set_version(rp->g, rp->version);
	return rc;
}

static int replay_txn_begin(struct replay *rp)
{
	if (rp->t)
		return 0;
	return rg_txn_begin(rp->g, &rp->t);
}

/* Runs of edge inserts go through the batched insert (replay speed). */
static int flush_edges(struct replay *rp)
{
	if (!rp->nbuf)
		return 0;
	int rc = rg_txn_add_edges(rp->t, rp->buf, rp->nbuf, NULL);
	rp->edges += rp->nbuf;
	rp->nbuf = 0;
	return rc;
}

/* Buffers one edge insert, growing the buffer or flushing it when full. */
static int push_edge(struct replay *rp, rg_edge_in_t e)
{
	if (rp->nbuf == rp->cap) {
		if (rp->cap < REPLAY_EDGE_BUF_MAX) {
			size_t nc = rp->cap ? rp->cap * 2 : REPLAY_EDGE_BUF_MIN;
			rg_edge_in_t *nb = realloc(rp->buf, nc * sizeof *nb);
			if (!nb)
				return RG_ENOMEM;
			rp->buf = nb;
			rp->cap = nc;
		} else {
			int rc = flush_edges(rp);
			if (rc)
				return rc;
		}
	}
	rp->buf[rp->nbuf++] = e;
	return 0;
}

static int apply_txn(void *ctx, uint64_t version, const struct rg__op *ops, size_t n)
{
	struct replay *rp = ctx;
	int rc = replay_txn_begin(rp);
	for (size_t i = 0; !rc && i < n; i++) {
		const struct rg__op *o = &ops[i];
		if (o->kind == RG_OP_ADD_EDGE) {
			rc = push_edge(rp, (rg_edge_in_t){o->a, o->b, o->prop, o->u32});
			continue;
		}
		rc = flush_edges(rp);
		if (rc)
			break;
		switch (o->kind) {
		case RG_OP_ADD_NODE: rc = rg_txn_add_node(rp->t, o->a, o->u32); break;
		case RG_OP_DEL_NODE: rc = rg_txn_del_node(rp->t, o->a); break;
		case RG_OP_DEL_EDGE: rc = rg_txn_del_edge(rp->t, o->a, o->b, o->u32); break;
		default: rc = RG_ECORRUPT;
		}
	}
	/* edges still buffered are applied by the next non-edge op, the next
	 * full buffer or replay_flush: all within this graph transaction */
	if (rc) {
		if (rp->t)
			rg_txn_abort(rp->t);
		rp->t = NULL;
		rp->nbuf = 0;
		return replay_rc(rc);
	}
	rp->version = version;
	rp->records++;
	rp->ops_in_txn += n;
	return rp->ops_in_txn >= REPLAY_BATCH ? replay_flush(rp) : 0;
}

static int ckpt_begin(void *ctx, uint64_t version)
{
	struct replay *rp = ctx;
	rp->version = version;
	return replay_txn_begin(rp);
}

static int ckpt_node(void *ctx, uint64_t id, uint32_t label)
{
	struct replay *rp = ctx;
	int rc = flush_edges(rp);
	return replay_rc(rc ? rc : rg_txn_add_node(rp->t, id, label));
}

/* Checkpoint edges go through the batched insert too (load speed). */
static int ckpt_edge(void *ctx, uint64_t src, uint64_t dst, uint32_t type, uint64_t prop)
{
	struct replay *rp = ctx;
	return replay_rc(push_edge(rp, (rg_edge_in_t){src, dst, prop, type}));
}

/* Applies the in-order ranks collected for one node. */
static int inorder_finish(struct replay *rp)
{
	if (!rp->io_active)
		return 0;
	rp->io_active = 0;
	return replay_rc(rg__txn_permute_in(rp->t, rp->io_id, rp->io_rank, rp->io_n));
}

static int ckpt_inorder(void *ctx, uint64_t id, uint64_t start, uint32_t n, const uint32_t *rank)
{
	struct replay *rp = ctx;
	int rc = replay_rc(flush_edges(rp)); /* the edges build the lists first */
	if (!rc && (!rp->io_active || id != rp->io_id)) {
		rc = inorder_finish(rp);
		rp->io_active = 1;
		rp->io_id = id;
		rp->io_n = 0;
	}
	if (rc)
		return rc;
	if (start != rp->io_n)
		return RG_ECORRUPT; /* a node's entries must come in order */
	if (rp->io_n + n > rp->io_cap) {
		size_t nc = rp->io_cap ? rp->io_cap : 1024;
		while (nc < rp->io_n + n)
			nc *= 2;
		uint32_t *nr = realloc(rp->io_rank, nc * sizeof *nr);
		if (!nr)
			return RG_ENOMEM;
		rp->io_rank = nr;
		rp->io_cap = nc;
	}
	memcpy(rp->io_rank + rp->io_n, rank, n * sizeof *rank);
	rp->io_n += n;
	return 0;
}

static int ckpt_end(void *ctx)
{
	struct replay *rp = ctx;
	int rc = inorder_finish(rp);
	if (rc) {
		rg_txn_abort(rp->t);
		rp->t = NULL;
		return rc;
	}
	return replay_flush(rp);
}

/* ---------------------------------------------------------------- */
/* Checkpoints and the checkpoint thread                            */
/* ---------------------------------------------------------------- */

/* Folds the log's fsync count into the graph's metrics. */
static void count_fsyncs(rg_graph_t *g)
{
	uint64_t now = rg__io_fsync_count();
	/* full barrier not needed, only atomicity: the exchange makes each
	 * fsync counted once */
	uint64_t before = RG_XCHG(&g->dur->fsyncs_seen, now);
	if (now > before)
		rg__metrics_add(g->rd.metrics, RG_C_FSYNCS, now - before);
}

/* One checkpoint; ckpt_lock held. */
static int checkpoint_locked(rg_graph_t *g, rg_checkpoint_info_t *info)
{
	rg_checkpoint_info_t local;
	if (!info)
		info = &local;
	uint64_t t0 = rg__metrics_timer_start(g->rd.metrics);
	int rc = rg__log_checkpoint(g->dur->wal, rg__durable_write_snapshot, g, info);
	if (!rc) {
		g->dur->checkpoints++;
		rg__metrics_add(g->rd.metrics, RG_C_CHECKPOINTS, 1);
		rg__metrics_add(g->rd.metrics, RG_C_CHECKPOINT_BYTES, info->bytes);
		rg__metrics_observe_since(g->rd.metrics, RG_H_CHECKPOINT_SECONDS, t0);
	}
	return rc;
}

static int log_is_long(const struct rg__durable *d)
{
	return d->checkpoint_bytes && rg__log_bytes(d->wal) >= d->checkpoint_bytes;
}

/* The checkpoint thread: waits for a request (a commit found the log
 * longer than checkpoint_bytes), writes the checkpoint, and after a
 * failure retries with exponential backoff (100 ms .. 6.4 s), counting
 * the failure where rg_stats_get() and the metrics show it. Committing
 * threads never write a checkpoint. */
static void *ckpt_main(void *arg)
{
	rg_graph_t *g = arg;
	struct rg__durable *d = g->dur;
	pthread_mutex_lock(&d->mu);
	for (;;) {
		while (!d->stop && !d->requested) {
			if (d->backoff) {
				unsigned sh = d->backoff < 7 ? d->backoff - 1 : 6;
				uint64_t ns = (uint64_t)100000000u << sh;
				struct timespec ts = rg__deadline_after(ns);
				if (pthread_cond_timedwait(&d->cv, &d->mu, &ts) == ETIMEDOUT)
					d->requested = 1; /* retry the failed one */
			} else {
				pthread_cond_wait(&d->cv, &d->mu);
			}
		}
		if (d->stop)
			break;
		d->requested = 0;
		int rc = 0, ran = 0, retry = d->backoff > 0;
		pthread_mutex_unlock(&d->mu);
		pthread_mutex_lock(&d->ckpt_lock);
		/* a failed checkpoint is retried even though its roll reset the
		 * log length that asked for it */
		if (retry || log_is_long(d)) {
			ran = 1;
			rc = checkpoint_locked(g, NULL);
			if (rc) {
				d->failures++;
				d->last_error = rc;
				rg__metrics_add(g->rd.metrics, RG_C_CHECKPOINT_FAILURES, 1);
			}
		}
		pthread_mutex_unlock(&d->ckpt_lock);
		pthread_mutex_lock(&d->mu);
		if (ran)
			d->backoff = rc ? d->backoff + 1 : 0;
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

int rg_checkpoint(rg_graph_t *g, rg_checkpoint_info_t *info)
{
	if (!g || !g->dur)
		return RG_EINVAL;
	if (rg__tls_read.open)
		return RG_EBUSY;
	pthread_mutex_lock(&g->dur->ckpt_lock);
	int rc = checkpoint_locked(g, info);
	pthread_mutex_unlock(&g->dur->ckpt_lock);
	return rc;
}

void rg__durable_pause(rg_graph_t *g, int on)
{
	if (!g->dur)
		return;
	if (on)
		pthread_mutex_lock(&g->dur->ckpt_lock);
	else
		pthread_mutex_unlock(&g->dur->ckpt_lock);
}

void rg__durable_stats(rg_graph_t *g, rg_stats_t *st)
{
	struct rg__durable *d = g->dur;
	if (!d)
		return;
	/* the counters change under ckpt_lock; a checkpoint in progress would
	 * make this wait for it, so they are read without it (statistics) */
	st->checkpoints = RG_LOAD_SHARED(d->checkpoints);
	st->checkpoint_failures = RG_LOAD_SHARED(d->failures);
	st->checkpoint_last_error = RG_LOAD_SHARED(d->last_error);
}

/* ---------------------------------------------------------------- */
/* The interface of durable.h                                       */
/* ---------------------------------------------------------------- */

int rg__durable_open(rg_graph_t *g, const rg_options_t *opts)
{
	struct rg__durable *d = calloc(1, sizeof *d);
	if (!d)
		return RG_ENOMEM;
	pthread_mutex_init(&d->ckpt_lock, NULL);
	pthread_mutex_init(&d->mu, NULL);
	rg__cond_init_mono(&d->cv); /* the backoff's timed wait */
	d->durability = opts->durability;
	d->checkpoint_bytes = opts->checkpoint_bytes;
	g->dur = d; /* not logging yet: recovery's transactions are not logged */
	g->durability = opts->durability;
	struct rg__log_config cfg = {
		.dir = opts->dir,
		.durability = opts->durability,
		.interval_ms = opts->interval_ms ? opts->interval_ms : 10,
		.salvage = opts->salvage,
		.metrics = g->rd.metrics,
	};
	struct replay rp = {.g = g};
	struct rg__replay_ops ops = {
		.ctx = &rp,
		.apply_txn = apply_txn,
		.ckpt_begin = ckpt_begin,
		.ckpt_node = ckpt_node,
		.ckpt_edge = ckpt_edge,
		.ckpt_end = ckpt_end,
		.ckpt_inorder = ckpt_inorder,
	};
	struct rg__log *w = NULL;
	int rc = rg__log_open(&cfg, &ops, &w, &d->recovery, rg__tls_errmsg, RG_ERRMSG_LEN);
	if (!rc) {
		rc = replay_flush(&rp);
		if (rc == RG_ECORRUPT)
			snprintf(rg__tls_errmsg, RG_ERRMSG_LEN,
				 "%s: replaying the log failed: a logged operation names a node that does not exist",
				 opts->dir);
	} else if (rp.t) {
		rg_txn_abort(rp.t);
	}
	free(rp.buf);
	free(rp.io_rank);
	if (!rc) {
		d->wal = w;
		if (rp.version > d->recovery.version)
			d->recovery.version = rp.version;
		if (pthread_create(&d->thr, NULL, ckpt_main, g) == 0)
			d->thr_started = 1;
		else
			rc = RG_ENOMEM;
	}
	if (rc) {
		if (w)
			rg__log_close(w);
		d->wal = NULL;
		return rc; /* rg_open closes the graph, which frees d */
	}
	d->logging = 1; /* from here on every commit is logged */
	return 0;
}

void rg__durable_close(rg_graph_t *g)
{
	struct rg__durable *d = g->dur;
	if (!d)
		return;
	if (d->thr_started) {
		pthread_mutex_lock(&d->mu);
		d->stop = 1;
		pthread_cond_signal(&d->cv);
		pthread_mutex_unlock(&d->mu);
		pthread_join(d->thr, NULL);
	}
	if (d->wal)
		rg__log_close(d->wal);
	pthread_mutex_destroy(&d->ckpt_lock);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d);
	g->dur = NULL;
}

int rg__durable_logging(const rg_graph_t *g)
{
	return g->dur && g->dur->logging;
}

int rg__durable_append(rg_graph_t *g, uint64_t version, const struct rg__op *ops, size_t n,
		       uint64_t *lsn)
{
	struct rg__durable *d = g->dur;
	int rc = rg__log_append(d->wal, version, ops, n, lsn);
	if (!rc) {
		/* the first append after open only sets the watermark */
		if (d->last_lsn && *lsn > d->last_lsn)
			rg__metrics_add(g->rd.metrics, RG_C_LOG_BYTES, *lsn - d->last_lsn);
		d->last_lsn = *lsn;
	}
	return rc;
}

int rg__durable_waits(const rg_graph_t *g)
{
	return rg__durable_logging(g) && g->dur->durability == RG_DURABILITY_COMMIT;
}

int rg__durable_wait(rg_graph_t *g, struct rg__pub_item *it)
{
	int rc = rg__log_wait_durable(g->dur->wal, it->lsn);
	count_fsyncs(g);
	if (rc)
		rg__pub_fail(g); /* this version and every later one stay invisible */
	else
		rg__pub_advance(g, rg__log_durable_lsn(g->dur->wal));
	return rg__pub_wait(g, it);
}

void rg__durable_committed(rg_graph_t *g)
{
	struct rg__durable *d = g->dur;
	if (!rg__durable_logging(g))
		return;
	if (d->durability != RG_DURABILITY_COMMIT)
		count_fsyncs(g);
	/* relaxed: a hint; the thread re-checks the log length itself */
	if (!log_is_long(d) || RG_LOAD_SHARED(d->requested))
		return;
	pthread_mutex_lock(&d->mu);
	d->requested = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

int rg_recovery_report(const rg_graph_t *g, rg_recovery_t *rep)
{
	if (!g || !rep || !g->dur)
		return RG_EINVAL;
	*rep = g->dur->recovery;
	return 0;
}
