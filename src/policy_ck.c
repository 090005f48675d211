/*
 * policy_ck.c - Concurrency Kit epoch-based policies.
 *
 *   ck-epoch    readers bracket their section with ck_epoch_begin/end on a
 *               per-(thread, graph) record; the writer defers frees with
 *               ck_epoch_call on its own record and polls after each
 *               commit. The RCU-like scheme of Concurrency Kit.
 *   ck-seqlock  ck-epoch plus a ck_sequence: a section records the sequence
 *               at begin and rg_read_end() returns RG_ERETRY if a commit
 *               was published meanwhile (optimistic reads). Epochs keep
 *               the memory a section may still touch alive, so a section
 *               that will be retried never reads freed memory.
 *
 * Records: ck_epoch records cannot be freed while the epoch object lives
 * (they stay on its list); an unregistered record is recycled by the next
 * registration (ck_epoch_recycle) and all are freed at rg_close.
 *
 * The writer record is used only under the publication lock (publish.c:
 * retire, barrier), whichever thread holds it: ck_epoch_call and
 * ck_epoch_poll are single-owner operations on a record, and that lock
 * makes them so (debug-asserted).
 *
 * Checkpoints (rd->pinned) read ck-seqlock sections under the epoch only:
 * the snapshot is consistent by construction (versions), the epoch keeps
 * its memory alive, and the sequence check would make a checkpoint under a
 * steady writer retry for ever.
 */
#include <stddef.h>
#include <ck_epoch.h>
#include <ck_sequence.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "publish.h"

struct ck_rec {
	ck_epoch_record_t r; /* first: ck_epoch hands back &r */
	struct ck_rec *all_next;
} __attribute__((aligned(RG_CACHELINE)));

struct ckst {
	ck_epoch_t epoch;
	struct ck_rec *writer;
	pthread_mutex_t all_lock; /* protects all (registration is rare) */
	struct ck_rec *all;       /* every record ever allocated for this graph */
	/* own line: every reader loads it, the writer bumps it per commit */
	_Alignas(RG_CACHELINE) ck_sequence_t seq;
	char pad[RG_CACHELINE - sizeof(ck_sequence_t)];
};

/* This thread's registrations (per graph: records belong to one epoch). */
struct ck_treg {
	rg_graph_t *g;
	unsigned count;
	struct ck_rec *rec;
	struct ck_treg *next;
};
static __thread struct ck_treg *ck_list;
static __thread struct ck_treg *ck_last; /* lookup cache */

static inline struct ckst *ST(rg_graph_t *g) { return g->rd.pol_state; }

static struct ck_treg *treg_find(rg_graph_t *g)
{
	struct ck_treg *t = ck_last;
	if (__builtin_expect(t != NULL && t->g == g, 1))
		return t;
	for (t = ck_list; t; t = t->next)
		if (t->g == g)
			return ck_last = t;
	return NULL;
}

/* A registered record: recycled if one is free, else a new one. */
static struct ck_rec *rec_get(struct ckst *st)
{
	ck_epoch_record_t *r = ck_epoch_recycle(&st->epoch, NULL);
	if (r)
		return (struct ck_rec *)(void *)r;
	struct ck_rec *c = aligned_alloc(RG_CACHELINE, sizeof *c);
	if (!c)
		return NULL;
	memset(c, 0, sizeof *c);
	ck_epoch_register(&st->epoch, &c->r, NULL);
	pthread_mutex_lock(&st->all_lock);
	c->all_next = st->all;
	st->all = c;
	pthread_mutex_unlock(&st->all_lock);
	return c;
}

static int ck_init(rg_graph_t *g)
{
	struct ckst *st = aligned_alloc(RG_CACHELINE, sizeof *st);
	if (!st)
		return RG_ENOMEM;
	memset(st, 0, sizeof *st);
	ck_epoch_init(&st->epoch);
	ck_sequence_init(&st->seq);
	pthread_mutex_init(&st->all_lock, NULL);
	st->writer = rec_get(st);
	if (!st->writer) {
		pthread_mutex_destroy(&st->all_lock);
		free(st);
		return RG_ENOMEM;
	}
	g->rd.pol_state = st;
	return 0;
}

/* rg_close ran barrier() first: nothing is pending; every reader has
 * unregistered (rg_close's contract). */
static void ck_fini(rg_graph_t *g)
{
	struct ckst *st = ST(g);
	for (struct ck_rec *c = st->all, *n; c; c = n) {
		n = c->all_next;
		free(c);
	}
	pthread_mutex_destroy(&st->all_lock);
	free(st);
	g->rd.pol_state = NULL;
}

static int ck_reg(rg_graph_t *g)
{
	struct ck_treg *t = treg_find(g);
	if (t) {
		t->count++;
		return 0;
	}
	t = malloc(sizeof *t);
	if (!t)
		return RG_ENOMEM;
	t->rec = rec_get(ST(g));
	if (!t->rec) {
		free(t);
		return RG_ENOMEM;
	}
	t->g = g;
	t->count = 1;
	t->next = ck_list;
	ck_list = t;
	return 0;
}

static int ck_unreg(rg_graph_t *g)
{
	struct ck_treg *t = treg_find(g);
	if (!t)
		return RG_ESTATE;
	if (--t->count)
		return 0;
	ck_epoch_unregister(&t->rec->r); /* free for ck_epoch_recycle */
	for (struct ck_treg **p = &ck_list; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	if (ck_last == t)
		ck_last = NULL;
	free(t);
	return 0;
}

static void ck_quiescent(rg_graph_t *g) { (void)g; }

static int ep_read_begin(rg_graph_t *g, struct rg_read *rd)
{
	struct ck_treg *t = treg_find(g);
	if (__builtin_expect(t == NULL, 0))
		return RG_ESTATE;
	/* ck_epoch_begin: store active, full fence, then load the epoch; our
	 * later loads cannot move above it */
	ck_epoch_begin(&t->rec->r, NULL);
	rd->pol = t->rec;
	rg__snap_load_into(g, rd);
	return 0;
}

static int ep_read_end(rg_graph_t *g, struct rg_read *rd)
{
	(void)g;
	/* ck_epoch_end: release fence, then clear active */
	ck_epoch_end(&((struct ck_rec *)rd->pol)->r, NULL);
	return 0;
}

static int sq_read_begin(rg_graph_t *g, struct rg_read *rd)
{
	struct ck_treg *t = treg_find(g);
	if (__builtin_expect(t == NULL, 0))
		return RG_ESTATE;
	/* the epoch first: it is what keeps memory alive */
	ck_epoch_begin(&t->rec->r, NULL);
	rd->pol = t->rec;
	/* ck_sequence_read_begin: waits for an even value, then a load fence
	 * so the snapshot load below is not performed before it */
	rd->seq = ck_sequence_read_begin(&ST(g)->seq);
	rg__snap_load_into(g, rd);
	return 0;
}

static int sq_read_end(rg_graph_t *g, struct rg_read *rd)
{
	/* ck_sequence_read_retry: load fence (the section's loads complete
	 * first), then compare the sequence; a pinned (checkpoint) section
	 * never retries */
	bool retry = !rd->pinned && ck_sequence_read_retry(&ST(g)->seq, rd->seq);
	ck_epoch_end(&((struct ck_rec *)rd->pol)->r, NULL);
	return retry ? RG_ERETRY : 0;
}

static void nop_publish(rg_graph_t *g) { (void)g; }

/* ck_sequence_write_begin/end: odd while the snapshot pointer changes,
 * store fences on both sides. Callers are serialised (publication lock). */
static void sq_publish_begin(rg_graph_t *g) { ck_sequence_write_begin(&ST(g)->seq); }
static void sq_publish_end(rg_graph_t *g) { ck_sequence_write_end(&ST(g)->seq); }

static void reclaim_cb(ck_epoch_entry_t *e)
{
	rg__garbage_free((struct rg__garbage *)(void *)e);
}

static void ck_retire(rg_graph_t *g, struct rg__garbage *gb)
{
	RG_ASSERT_PUB(g);
	_Static_assert(sizeof(ck_epoch_entry_t) <= sizeof gb->reclaim_hook, "entry fits");
	_Static_assert(offsetof(struct rg__garbage, reclaim_hook) == 0, "hook first");
	struct ck_rec *w = ST(g)->writer;
	ck_epoch_call(&w->r, (ck_epoch_entry_t *)(void *)gb->reclaim_hook, reclaim_cb);
	/* non-blocking: advances the epoch if every active reader has seen
	 * it and runs the callbacks that became safe */
	ck_epoch_poll(&w->r);
	rg__metrics_add(g->rd.metrics, RG_C_GRACE_PERIODS, 1);
}

/* Waits for every reader active now, then runs every pending callback. */
static void ck_barrier(rg_graph_t *g)
{
	RG_ASSERT_PUB(g);
	ck_epoch_barrier(&ST(g)->writer->r);
}

const struct rg_policy rg__policy_ck_epoch = {
	.name = "ck-epoch",
	.kind = RG_POL_CK_EPOCH,
	.init = ck_init,
	.fini = ck_fini,
	.reg = ck_reg,
	.unreg = ck_unreg,
	.quiescent = ck_quiescent,
	.read_begin = ep_read_begin,
	.read_end = ep_read_end,
	.publish_begin = nop_publish,
	.publish_end = nop_publish,
	.retire = ck_retire,
	.barrier = ck_barrier,
};

const struct rg_policy rg__policy_ck_seqlock = {
	.name = "ck-seqlock",
	.kind = RG_POL_CK_SEQLOCK,
	.init = ck_init,
	.fini = ck_fini,
	.reg = ck_reg,
	.unreg = ck_unreg,
	.quiescent = ck_quiescent,
	.read_begin = sq_read_begin,
	.read_end = sq_read_end,
	.publish_begin = sq_publish_begin,
	.publish_end = sq_publish_end,
	.retire = ck_retire,
	.barrier = ck_barrier,
};
