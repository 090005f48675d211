/*
 * publish.c - the one owner of publication and reclamation (publish.h).
 *
 * Why one owner: under RG_DURABILITY_COMMIT the writer mutex is released
 * before the fsync, so the next writer runs while an earlier version is
 * still waiting to be published. If both could call the policy (the
 * writer retiring an index table, the committer publishing and retiring),
 * two threads would use state every policy assumes has one user (the lock
 * policies' `published` flag, ck's single writer epoch record). Here every
 * such call happens under rg__pub.lock, in version order.
 */
#include <stdlib.h>

#include "publish.h"

static void pub_lock(rg_graph_t *g)
{
	pthread_mutex_lock(&g->pub.lock);
#ifdef RG_DEBUG_ASSERTS
	RG_STORE_SHARED(g->pub.owner, pthread_self()); /* relaxed: read back by this thread only */
#endif
}

static void pub_unlock(rg_graph_t *g)
{
#ifdef RG_DEBUG_ASSERTS
	RG_STORE_SHARED(g->pub.owner, (pthread_t)0); /* relaxed: as above */
#endif
	pthread_mutex_unlock(&g->pub.lock);
}

void rg__pub_init(rg_graph_t *g)
{
	pthread_mutex_init(&g->pub.lock, NULL);
	pthread_cond_init(&g->pub.cond, NULL);
	g->pub.head = g->pub.tail = NULL;
	g->pub.visible = 0;
	g->pub.failed = 0;
	g->pub.stash = NULL;
}

void rg__pub_fini(rg_graph_t *g)
{
	while (g->pub.stash) {
		struct rg__garbage *gb = g->pub.stash;
		g->pub.stash = gb->reclaim_next;
		rg__garbage_free(gb);
	}
	pthread_mutex_destroy(&g->pub.lock);
	pthread_cond_destroy(&g->pub.cond);
}

/* Hands gb to the policy. Publication lock held. */
static void retire_locked(rg_graph_t *g, struct rg__garbage *gb)
{
	RG_ASSERT_PUB(g);
	if (gb->n == 0) {
		rg__gb_discard(gb);
		return;
	}
	/* relaxed: statistics and the soft memory bound only */
	RG_ADD(&g->gc_pending_bytes, gb->bytes);
	RG_ADD(&g->gc_pending_objects, gb->n);
	rg__metrics_add(g->rd.metrics, RG_C_RECLAIM_CALLBACKS_QUEUED, gb->n);
	rg__metrics_add(g->rd.metrics, RG_C_RECLAIM_BYTES_QUEUED, gb->bytes);
	g->rd.pol->retire(g, gb);
}

/* Publishes the queue's first item. Publication lock held. */
static void publish_head(rg_graph_t *g)
{
	struct rg__pub_item *it = g->pub.head;
	RG_ASSERT_PUB(g);
	RG_ASSERT_DEBUG(it->version > g->pub.visible); /* versions in order (I1) */
	const struct rg_policy *pol = g->rd.pol;
	pol->publish_begin(g);
	struct rg_snap *old = g->rd.snap;
	/* rcu_assign_pointer = store-release: every head linked and entry
	 * appended for this version (and all before it) is visible to a
	 * reader that loads this record (rg__snap_load_into) */
	rcu_assign_pointer(g->rd.snap, it->snap);
	pol->publish_end(g);
	g->pub.visible = it->version;
	g->pub.head = it->next;
	if (!g->pub.head)
		g->pub.tail = NULL;
	/* what it superseded, and the record it replaced, after the record
	 * that stops referring to them is published (I4); room for the old
	 * record was reserved by the commit */
	struct rg__garbage *gb = it->gb;
	rg__gb_add(gb, old, sizeof *old, RG_CLS_MALLOC);
	retire_locked(g, gb);
	it->gb = NULL;
	it->state = RG_PUB_DONE; /* rg__pub_wait reads it under the same lock */
}

void rg__pub_submit(rg_graph_t *g, struct rg__pub_item *it, int now)
{
	RG_ASSERT_WRITER(g);
	it->next = NULL;
	it->state = RG_PUB_QUEUED;
	pub_lock(g);
	if (g->pub.failed) {
		/* the log failed: nothing more becomes visible */
		it->state = RG_PUB_FAILED;
		it->gb->reclaim_next = g->pub.stash;
		g->pub.stash = it->gb;
		it->gb = NULL;
		free(it->snap);
		it->snap = NULL;
		pub_unlock(g);
		return;
	}
	if (g->pub.tail)
		g->pub.tail->next = it;
	else
		g->pub.head = it;
	g->pub.tail = it;
	if (now)
		while (g->pub.head && g->pub.head->version <= it->version)
			publish_head(g);
	pub_unlock(g);
}

void rg__pub_advance(rg_graph_t *g, uint64_t durable_lsn)
{
	pub_lock(g);
	int any = 0;
	/* The first committer back from an fsync publishes every queued
	 * version it covered, in order, so the others need not wake one after
	 * another to publish their own. */
	while (!g->pub.failed && g->pub.head && g->pub.head->lsn <= durable_lsn) {
		publish_head(g);
		any = 1;
	}
	if (any)
		pthread_cond_broadcast(&g->pub.cond);
	pub_unlock(g);
}

void rg__pub_fail(rg_graph_t *g)
{
	pub_lock(g);
	/* relaxed: rg_txn_begin polls it; the lock orders everything else */
	RG_STORE_SHARED(g->pub.failed, 1);
	while (g->pub.head) {
		struct rg__pub_item *it = g->pub.head;
		g->pub.head = it->next;
		/* linked but never published: readers still read what it
		 * superseded, so its garbage is kept until close */
		it->gb->reclaim_next = g->pub.stash;
		g->pub.stash = it->gb;
		it->gb = NULL;
		free(it->snap);
		it->snap = NULL;
		it->state = RG_PUB_FAILED;
	}
	g->pub.tail = NULL;
	pthread_cond_broadcast(&g->pub.cond);
	pub_unlock(g);
}

int rg__pub_wait(rg_graph_t *g, struct rg__pub_item *it)
{
	pub_lock(g);
	while (it->state == RG_PUB_QUEUED)
		pthread_cond_wait(&g->pub.cond, &g->pub.lock);
	int rc = it->state == RG_PUB_DONE ? 0 : RG_EIO;
	pub_unlock(g);
	return rc;
}

int rg__pub_failed(rg_graph_t *g)
{
	return RG_LOAD_SHARED(g->pub.failed); /* relaxed: see rg__pub_fail */
}

void rg__pub_retire(rg_graph_t *g, struct rg__garbage *gb)
{
	pub_lock(g);
	retire_locked(g, gb);
	pub_unlock(g);
}

void rg__pub_gc_throttle(rg_graph_t *g)
{
	/* relaxed: a soft bound; a stale value only delays the wait by one commit */
	if (RG_LOAD_SHARED(g->gc_pending_bytes) <= g->gc_limit)
		return;
	pub_lock(g);
	if (RG_LOAD_SHARED(g->gc_pending_bytes) > g->gc_limit) {
		g->st_gc_waits++;
		uint64_t t0 = rg__metrics_timer_start(g->rd.metrics);
		g->rd.pol->barrier(g);
		rg__metrics_add(g->rd.metrics, RG_C_RECLAIM_WAITS, 1);
		rg__metrics_observe_since(g->rd.metrics, RG_H_GRACE_PERIOD_SECONDS, t0);
	}
	pub_unlock(g);
}

void rg__pub_barrier(rg_graph_t *g)
{
	pub_lock(g);
	g->rd.pol->barrier(g);
	pub_unlock(g);
}

uint64_t rg__pub_visible(rg_graph_t *g)
{
	pub_lock(g);
	uint64_t v = g->pub.visible;
	pub_unlock(g);
	return v;
}

void rg__pub_stats(rg_graph_t *g, rg_stats_t *st)
{
	pub_lock(g);
	const struct rg_snap *s = g->rd.snap;
	st->version = s->version;
	st->nodes = s->nodes;
	st->edges = s->edges;
	st->gc_waits = g->st_gc_waits;
	pub_unlock(g);
}
