/*
 * durable.c - glue between the graph core and the redo log (wal.c):
 * recovery on open, the durable commit path (group commit), checkpoints.
 *
 * Commit under a log (see wal.h): the writer appends the record while it
 * holds the writer mutex, links the new heads (invisible: their version is
 * newer than every snapshot), releases the mutex, waits until the record is
 * durable, and only then publishes the version. Versions are published in
 * order; a committer whose record became durable before its predecessor's
 * was published waits for it on vis_cond. Because the mutex is released
 * before the fsync, the next transactions can append while a flush is in
 * progress, and one fsync covers them all (group commit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"

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
	 * next node's (or the end) and then applied (rg_txn_permute_in) */
	int io_active;
	uint64_t io_id, io_n;
	uint32_t *io_rank;
	size_t io_cap;
};

/* Ops per graph transaction during recovery. Every transaction gives each
 * node it touches a new head, so small batches cost a head copy per node
 * per batch; one batch of a few million ops amortises that. What a batch
 * supersedes waits for its commit, so this also bounds recovery's extra
 * memory (about one old array per touched adjacency). */
#define REPLAY_BATCH (4u << 20)
/* Edge inserts are buffered across records, up to this many, and applied
 * in one rg_txn_add_edges call: a batch that large against the graph takes
 * the bulk path (txn.c), which sorts it by endpoint instead of touching two
 * random adjacency tails per edge. The buffer (32 bytes per edge) grows on
 * demand, so a small log never allocates it whole. */
#define REPLAY_EDGE_BUF_MIN 4096
#define REPLAY_EDGE_BUF_MAX (1u << 20)

/* No reader exists during recovery: the version can be set directly. */
static void set_version(rg_graph_t *g, uint64_t v)
{
	g->wversion = v;
	g->snap->version = v;
	g->visible_version = v;
}

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
		set_version(rp->g, rp->version);
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

static int apply_txn(void *ctx, uint64_t version, const struct rg_op *ops, size_t n)
{
	struct replay *rp = ctx;
	int rc = replay_txn_begin(rp);
	for (size_t i = 0; !rc && i < n; i++) {
		const struct rg_op *o = &ops[i];
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
	return replay_rc(rg_txn_permute_in(rp->t, rp->io_id, rp->io_rank, rp->io_n));
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

int rg_graph_open_durable(rg_graph_t *g, const rg_options_t *opts)
{
	struct rg_wal_config cfg = {
		.dir = opts->dir,
		.durability = opts->durability,
		.interval_ms = opts->interval_ms ? opts->interval_ms : 10,
		.checkpoint_bytes = opts->checkpoint_bytes,
		.salvage = opts->salvage,
		.metrics = g->metrics,
	};
	struct replay rp = {.g = g};
	struct rg_replay_ops ops = {
		.ctx = &rp,
		.apply_txn = apply_txn,
		.ckpt_begin = ckpt_begin,
		.ckpt_node = ckpt_node,
		.ckpt_edge = ckpt_edge,
		.ckpt_end = ckpt_end,
		.ckpt_inorder = ckpt_inorder,
	};
	struct rg_wal *w = NULL;
	int rc = rg_wal_open(&cfg, &ops, &w, &g->recovery, rg_tls_errmsg, RG_ERRMSG_LEN);
	if (!rc) {
		rc = replay_flush(&rp);
		if (rc == RG_ECORRUPT)
			snprintf(rg_tls_errmsg, RG_ERRMSG_LEN,
				 "%s: replaying the log failed: a logged edge insert names a node that does not exist",
				 opts->dir);
	} else if (rp.t) {
		rg_txn_abort(rp.t);
	}
	free(rp.buf);
	free(rp.io_rank);
	if (rc) {
		if (w)
			rg_wal_close(w);
		return rc;
	}
	g->recovery.version = rp.version > g->recovery.version ? rp.version : g->recovery.version;
	g->durability = opts->durability;
	g->checkpoint_bytes = opts->checkpoint_bytes;
	g->wal = w; /* from here on every commit is logged */
	return 0;
}

/* A version logged under COMMIT, waiting for the fsync that covers it
 * before readers may see it (on its committer's stack). */
struct rg_vis_pending {
	uint64_t v, lsn_end;
	struct rg_snap *snap;
	struct rg_garbage *gb;
	struct rg_vis_pending *next;
	int done; /* published by whichever committer came back first */
};

/* After a failed fsync the versions linked but never published must keep
 * what they superseded: readers still read it. Kept until close. */
static void stash_failed(rg_graph_t *g, struct rg_snap *snap, struct rg_garbage *gb)
{
	free(snap);
	gb->reclaim_next = g->failed_garbage;
	g->failed_garbage = gb;
}

#include "wal_format.h"

/* Folds the log's fsync count into the graph's metrics. */
static void count_fsyncs(rg_graph_t *g)
{
	uint64_t now = rg_wal_fsync_count();
	/* relaxed: a statistics watermark; the exchange makes each fsync counted once */
	uint64_t before = atomic_exchange_explicit(&g->fsyncs_seen, now, memory_order_relaxed);
	if (now > before)
		rg_metrics_add(g->metrics, RG_C_FSYNCS, now - before);
}

static int timed_checkpoint(rg_graph_t *g, rg_checkpoint_info_t *info)
{
	rg_checkpoint_info_t local;
	uint64_t t0 = rg_metrics_timer_start(g->metrics);
	int rc = rg_wal_checkpoint(g->wal, g, info ? info : &local);
	if (!rc) {
		rg_metrics_add(g->metrics, RG_C_CHECKPOINTS, 1);
		rg_metrics_add(g->metrics, RG_C_CHECKPOINT_BYTES, (info ? info : &local)->bytes);
		rg_metrics_observe_since(g->metrics, RG_H_CHECKPOINT_SECONDS, t0);
	}
	return rc;
}

static void maybe_checkpoint(rg_graph_t *g)
{
	if (!g->checkpoint_bytes || rg_wal_log_bytes(g->wal) < g->checkpoint_bytes)
		return;
	/* one automatic checkpoint at a time; others skip rather than queue */
	if (atomic_exchange_explicit(&g->ckpt_running, 1, memory_order_acquire))
		return;
	timed_checkpoint(g, NULL);
	/* release: this checkpoint's work happens before the next taker's acquire */
	atomic_store_explicit(&g->ckpt_running, 0, memory_order_release);
}

int rg_graph_commit_durable(rg_graph_t *g, uint64_t v, uint64_t lsn_end, struct rg_snap *snap,
			    struct rg_garbage *gb)
{
	if (g->durability != RG_DURABILITY_COMMIT) {
		/* OFF / INTERVAL: visible at once, in order under the mutex */
		pthread_mutex_lock(&g->vis_lock);
		rg_graph_make_visible(g, snap, gb);
		g->visible_version = v;
		pthread_mutex_unlock(&g->vis_lock);
		pthread_mutex_unlock(&g->wlock);
		count_fsyncs(g);
		maybe_checkpoint(g);
		return 0;
	}
	/* Queue this version, still under the writer mutex so the queue is
	 * in version (= log) order. The entry lives on this stack frame: we
	 * return only once it has left the queue. */
	struct rg_vis_pending me = {v, lsn_end, snap, gb, NULL, 0};
	pthread_mutex_lock(&g->vis_lock);
	struct rg_vis_pending **pp = &g->vis_queue;
	while (*pp)
		pp = &(*pp)->next;
	*pp = &me;
	pthread_mutex_unlock(&g->vis_lock);
	pthread_mutex_unlock(&g->wlock);

	int rc = rg_wal_wait_durable(g->wal, lsn_end);
	count_fsyncs(g);
	pthread_mutex_lock(&g->vis_lock);
	if (!rc && !g->wal_failed) {
		/* The first committer back from an fsync publishes every queued
		 * version it covered, in order, so the others need not wake one
		 * after another to publish their own: ours is among them. */
		uint64_t durable = rg_wal_durable_lsn(g->wal);
		int any = 0;
		while (g->vis_queue && g->vis_queue->lsn_end <= durable) {
			struct rg_vis_pending *p = g->vis_queue;
			rg_graph_make_visible(g, p->snap, p->gb);
			g->visible_version = p->v;
			p->done = 1;
			g->vis_queue = p->next;
			any = 1;
		}
		if (any)
			pthread_cond_broadcast(&g->vis_cond);
	}
	if (!me.done) {
		/* fsync failed: this version and every later one stay invisible
		 * and the graph refuses further transactions (wal.h); relaxed:
		 * txn_begin only needs to see it eventually */
		__atomic_store_n(&g->wal_failed, 1, __ATOMIC_RELAXED);
		for (pp = &g->vis_queue; *pp != &me; pp = &(*pp)->next)
			;
		*pp = me.next;
		stash_failed(g, snap, gb);
		pthread_cond_broadcast(&g->vis_cond);
		pthread_mutex_unlock(&g->vis_lock);
		return RG_EIO;
	}
	pthread_mutex_unlock(&g->vis_lock);
	maybe_checkpoint(g);
	return 0;
}

void rg_graph_close_durable(rg_graph_t *g)
{
	if (g->wal) {
		rg_wal_close(g->wal);
		g->wal = NULL;
	}
	while (g->failed_garbage) {
		struct rg_garbage *gb = g->failed_garbage;
		g->failed_garbage = gb->reclaim_next;
		rg_garbage_free(gb);
	}
}

int rg_recovery_report(const rg_graph_t *g, rg_recovery_t *rep)
{
	if (!g || !rep || !g->wal)
		return RG_EINVAL;
	*rep = g->recovery;
	return 0;
}

int rg_checkpoint(rg_graph_t *g, rg_checkpoint_info_t *info)
{
	if (!g || !g->wal)
		return RG_EINVAL;
	if (rg_tls_read.open)
		return RG_EBUSY;
	return timed_checkpoint(g, info);
}
