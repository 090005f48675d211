/*
 * policy_locks.c - lock-based synchronisation policies and the nosync
 * ceiling, all on the same graph core as the RCU policies.
 *
 *   nosync     no synchronisation at all. Writes are allowed only until the
 *              first reader registers (rg_txn_begin then returns
 *              RG_EPOLICY): a frozen, read-only graph, the ceiling every
 *              other policy is compared with. read_begin does not even
 *              check registration.
 *   mutex      one pthread mutex per graph, readers and publication alike.
 *   rwlock     pthread_rwlock, glibc default kind (reader-preferring: a
 *              stream of overlapping readers can delay the writer).
 *   rwlock-wp  pthread_rwlock of kind PTHREAD_RWLOCK_PREFER_WRITER_
 *              NONRECURSIVE_NP (a waiting writer blocks new readers).
 *   ck-rwlock  Concurrency Kit centralized reader-writer spinlock.
 *   ck-brlock  Concurrency Kit big-reader lock: one counter per registered
 *              reader thread (per graph), the writer scans them all.
 *   ck-pflock  Concurrency Kit phase-fair reader-writer spinlock.
 *
 * Readers hold the read lock for the whole read section (multi-hop reads
 * are consistent, and nothing they can reach is freed). The writer builds
 * its transaction without the lock (readers of the current snapshot never
 * look at it: I1-I3) and takes the write lock only to publish the snapshot
 * record (publish_begin/publish_end). Reclamation is immediate: see
 * lk_retire().
 */
#include <ck_brlock.h>
#include <ck_pflock.h>
#include <ck_rwlock.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "publish.h"

struct lockst {
	union {
		pthread_mutex_t m;
		pthread_rwlock_t rw;
		ck_rwlock_t ck;
		ck_brlock_t br;
		ck_pflock_t pf;
	} u;
	/* Publication lock held (publish.c): the last policy call was
	 * publish_end, i.e. the write lock was just taken and released. */
	int published;
};

/* Registration count of this thread for the lock policies (like liburcu,
 * per thread and not per graph; ck-brlock keeps a per-graph record). */
static __thread unsigned lk_reg_count;

static inline struct lockst *ST(rg_graph_t *g) { return g->rd.pol_state; }

static int lk_alloc(rg_graph_t *g)
{
	/* own cache line(s): readers write the lock word, not the graph */
	size_t sz = (sizeof(struct lockst) + RG_CACHELINE - 1) / RG_CACHELINE * RG_CACHELINE;
	struct lockst *st = aligned_alloc(RG_CACHELINE, sz);
	if (!st)
		return RG_ENOMEM;
	memset(st, 0, sizeof *st);
	g->rd.pol_state = st;
	return 0;
}

static int lk_reg(rg_graph_t *g)
{
	(void)g;
	lk_reg_count++;
	return 0;
}

static int lk_unreg(rg_graph_t *g)
{
	(void)g;
	if (lk_reg_count == 0)
		return RG_ESTATE;
	lk_reg_count--;
	return 0;
}

static void lk_quiescent(rg_graph_t *g) { (void)g; }

/*
 * Immediate reclamation. Everything in a bundle became unreachable for new
 * readers before the bundle was retired; it can still be in use only by a
 * reader whose section began before that. Taking the write lock once waits
 * all such readers out. A commit's bundle is retired right after
 * publish_end, i.e. right after the write lock was taken and released with
 * everything in the bundle already unlinked, so it is freed at once. Any
 * other bundle (an index table replaced by a transaction that then
 * aborted) first cycles the write lock.
 */
static void lk_retire(rg_graph_t *g, struct rg__garbage *gb)
{
	RG_ASSERT_PUB(g);
	struct lockst *st = ST(g);
	if (!st->published) {
		g->rd.pol->publish_begin(g);
		g->rd.pol->publish_end(g);
	}
	st->published = 0;
	rg__garbage_free(gb);
}

/* Nothing is ever pending. Clears the flag: a publish_begin/end pair that
 * was not followed by retire must not let a later bundle skip the wait. */
static void lk_barrier(rg_graph_t *g)
{
	RG_ASSERT_PUB(g);
	ST(g)->published = 0;
}

static void lk_fini(rg_graph_t *g)
{
	free(g->rd.pol_state);
	g->rd.pol_state = NULL;
}

#define LK_CHECK_REG()                                   \
	do {                                             \
		if (__builtin_expect(lk_reg_count == 0, 0)) \
			return RG_ESTATE;                \
	} while (0)

/* ---------------------------------------------------------------- */
/* nosync                                                            */
/* ---------------------------------------------------------------- */

static int ns_init(rg_graph_t *g) { (void)g; return 0; }
static void ns_fini(rg_graph_t *g) { (void)g; }

/* The graph is frozen from now on (graph.c set shared_with_readers before
 * calling us; rg_txn_begin refuses new transactions). A transaction still
 * open would write under our reads: wait until it is done by taking the
 * writer mutex once. Contract: the registering thread must not itself have
 * an open transaction on g (it would wait for itself). */
static int ns_reg(rg_graph_t *g)
{
	pthread_mutex_lock(&g->wlock);
	/* the writer's last commit happens-before our reads (mutex order) */
	pthread_mutex_unlock(&g->wlock);
	return 0;
}

static int ns_unreg(rg_graph_t *g) { (void)g; return 0; }

static int ns_read_begin(rg_graph_t *g, struct rg_read *rd)
{
	rg__snap_load_into(g, rd);
	return 0;
}

static int ns_read_end(rg_graph_t *g, struct rg_read *rd)
{
	(void)g;
	(void)rd;
	return 0;
}

static void ns_nop(rg_graph_t *g) { (void)g; }

/* Writes happen only while no reader exists: nothing can hold the memory. */
static void ns_retire(rg_graph_t *g, struct rg__garbage *gb)
{
	RG_ASSERT_PUB(g);
	rg__garbage_free(gb);
}

const struct rg_policy rg__policy_nosync = {
	.name = "nosync",
	.kind = RG_POL_NOSYNC,
	.init = ns_init,
	.fini = ns_fini,
	.reg = ns_reg,
	.unreg = ns_unreg,
	.quiescent = ns_nop,
	.read_begin = ns_read_begin,
	.read_end = ns_read_end,
	.publish_begin = ns_nop,
	.publish_end = ns_nop,
	.retire = ns_retire,
	.barrier = ns_nop,
	.frozen_after_share = 1,
};

/* ---------------------------------------------------------------- */
/* Policies defined by four lock operations                          */
/* ---------------------------------------------------------------- */

/* Defines init, read_begin/end, publish_begin/end and the policy struct
 * from: INIT(st) -> int, DESTROY(st), RLOCK(st), RUNLOCK(st), WLOCK(st),
 * WUNLOCK(st). Every lock here has acquire semantics on lock and release
 * on unlock, which orders the section's reads after the lock and the
 * writer's snapshot store before its unlock. */
#define RG_LOCK_POLICY(cname, pname, pkind, INIT, DESTROY, RLOCK, RUNLOCK, WLOCK, WUNLOCK) \
	static int pl_##cname##_init(rg_graph_t *g)                                        \
	{                                                                             \
		int rc = lk_alloc(g);                                                 \
		if (rc)                                                               \
			return rc;                                                    \
		if (INIT(ST(g))) {                                                    \
			lk_fini(g);                                                   \
			return RG_ENOMEM;                                             \
		}                                                                     \
		return 0;                                                             \
	}                                                                             \
	static void pl_##cname##_fini(rg_graph_t *g)                                       \
	{                                                                             \
		DESTROY(ST(g));                                                       \
		lk_fini(g);                                                           \
	}                                                                             \
	static int pl_##cname##_read_begin(rg_graph_t *g, struct rg_read *rd)              \
	{                                                                             \
		LK_CHECK_REG();                                                       \
		uint64_t lt0 = rg__lock_wait_begin(g->rd.metrics);                        \
		RLOCK(ST(g));                                                         \
		rg__lock_wait_end(g->rd.metrics, lt0);                                    \
		rg__snap_load_into(g, rd);                                             \
		return 0;                                                             \
	}                                                                             \
	static int pl_##cname##_read_end(rg_graph_t *g, struct rg_read *rd)                \
	{                                                                             \
		(void)rd;                                                             \
		RUNLOCK(ST(g));                                                       \
		return 0;                                                             \
	}                                                                             \
	static void pl_##cname##_publish_begin(rg_graph_t *g)                              \
	{                                                                             \
		ST(g)->published = 0;                                                 \
		uint64_t lt0 = rg__metrics_timer_start(g->rd.metrics);                    \
		WLOCK(ST(g));                                                         \
		if (lt0)                                                              \
			rg__metrics_lock_waited(g->rd.metrics, rg__now_ns() - lt0); \
	}                                                                             \
	static void pl_##cname##_publish_end(rg_graph_t *g)                                \
	{                                                                             \
		WUNLOCK(ST(g));                                                       \
		ST(g)->published = 1;                                                 \
	}                                                                             \
	const struct rg_policy rg__policy_##cname = {                                  \
		.name = pname,                                                        \
		.kind = pkind,                                                        \
		.init = pl_##cname##_init,                                                 \
		.fini = pl_##cname##_fini,                                                 \
		.reg = lk_reg,                                                        \
		.unreg = lk_unreg,                                                    \
		.quiescent = lk_quiescent,                                            \
		.read_begin = pl_##cname##_read_begin,                                     \
		.read_end = pl_##cname##_read_end,                                         \
		.publish_begin = pl_##cname##_publish_begin,                               \
		.publish_end = pl_##cname##_publish_end,                                   \
		.retire = lk_retire,                                                  \
		.barrier = lk_barrier,                                                \
	};

/* mutex */
#define MX_INIT(st) pthread_mutex_init(&(st)->u.m, NULL)
#define MX_DESTROY(st) pthread_mutex_destroy(&(st)->u.m)
#define MX_LOCK(st) pthread_mutex_lock(&(st)->u.m)
#define MX_UNLOCK(st) pthread_mutex_unlock(&(st)->u.m)
RG_LOCK_POLICY(mutex, "mutex", RG_POL_MUTEX, MX_INIT, MX_DESTROY, MX_LOCK, MX_UNLOCK, MX_LOCK, MX_UNLOCK)

/* rwlock: glibc default (PTHREAD_RWLOCK_PREFER_READER_NP) */
#define RW_INIT(st) pthread_rwlock_init(&(st)->u.rw, NULL)
#define RW_DESTROY(st) pthread_rwlock_destroy(&(st)->u.rw)
#define RW_RLOCK(st) pthread_rwlock_rdlock(&(st)->u.rw)
#define RW_WLOCK(st) pthread_rwlock_wrlock(&(st)->u.rw)
#define RW_UNLOCK(st) pthread_rwlock_unlock(&(st)->u.rw)
RG_LOCK_POLICY(rwlock, "rwlock", RG_POL_RWLOCK, RW_INIT, RW_DESTROY, RW_RLOCK, RW_UNLOCK, RW_WLOCK, RW_UNLOCK)

/* rwlock-wp: writer-preferring. NONRECURSIVE is required by glibc for the
 * preference to take effect; a thread never read-locks twice here (one
 * section per thread, shared sections take no lock). */
static int rwwp_init_lock(struct lockst *st)
{
	pthread_rwlockattr_t a;
	if (pthread_rwlockattr_init(&a))
		return -1;
	pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	int rc = pthread_rwlock_init(&st->u.rw, &a);
	pthread_rwlockattr_destroy(&a);
	return rc;
}
RG_LOCK_POLICY(rwlock_wp, "rwlock-wp", RG_POL_RWLOCK_WP, rwwp_init_lock, RW_DESTROY, RW_RLOCK, RW_UNLOCK, RW_WLOCK,
	       RW_UNLOCK)

/* ck-rwlock: centralized (one reader counter + writer flag); spins. */
#define CKRW_INIT(st) (ck_rwlock_init(&(st)->u.ck), 0)
#define CK_NODESTROY(st) ((void)(st))
#define CKRW_RLOCK(st) ck_rwlock_read_lock(&(st)->u.ck)
#define CKRW_RUNLOCK(st) ck_rwlock_read_unlock(&(st)->u.ck)
#define CKRW_WLOCK(st) ck_rwlock_write_lock(&(st)->u.ck)
#define CKRW_WUNLOCK(st) ck_rwlock_write_unlock(&(st)->u.ck)
RG_LOCK_POLICY(ck_rwlock, "ck-rwlock", RG_POL_CK_RWLOCK, CKRW_INIT, CK_NODESTROY, CKRW_RLOCK, CKRW_RUNLOCK,
	       CKRW_WLOCK, CKRW_WUNLOCK)

/* ck-pflock: phase-fair (readers and writers alternate phases); spins. */
#define CKPF_INIT(st) (ck_pflock_init(&(st)->u.pf), 0)
#define CKPF_RLOCK(st) ck_pflock_read_lock(&(st)->u.pf)
#define CKPF_RUNLOCK(st) ck_pflock_read_unlock(&(st)->u.pf)
#define CKPF_WLOCK(st) ck_pflock_write_lock(&(st)->u.pf)
#define CKPF_WUNLOCK(st) ck_pflock_write_unlock(&(st)->u.pf)
RG_LOCK_POLICY(ck_pflock, "ck-pflock", RG_POL_CK_PFLOCK, CKPF_INIT, CK_NODESTROY, CKPF_RLOCK, CKPF_RUNLOCK,
	       CKPF_WLOCK, CKPF_WUNLOCK)

/* ---------------------------------------------------------------- */
/* ck-brlock: per-reader counters, so registration is per graph        */
/* ---------------------------------------------------------------- */

/* One per (thread, graph) registration; on its own cache line because the
 * writer scans every reader's counter. */
struct br_reader {
	ck_brlock_reader_t r;
	rg_graph_t *g;
	unsigned count;
	struct br_reader *next; /* this thread's list */
} __attribute__((aligned(RG_CACHELINE)));

static __thread struct br_reader *br_list; /* this thread's registrations */
static __thread struct br_reader *br_last; /* lookup cache: last one used */

static struct br_reader *br_find(rg_graph_t *g)
{
	struct br_reader *b = br_last;
	if (__builtin_expect(b != NULL && b->g == g, 1))
		return b;
	for (b = br_list; b; b = b->next)
		if (b->g == g)
			return br_last = b;
	return NULL;
}

/*
 * Reader list changes. ck_brlock_read_register/unregister take the full
 * write lock, i.e. wait until no reader is inside a section: a thread
 * registering while another holds a section (a parallel-traversal worker
 * joining its parent's section) would deadlock. The list only needs
 * exclusion from writers' scans and other list changes, which the writer
 * flag alone gives; a reader being linked or unlinked is outside any
 * section (n_readers == 0), so no one needs to wait for it. Readers that
 * try to enter meanwhile spin for the few stores below.
 * (Uses ck_brlock's public struct fields as ck_brlock.h itself does.)
 * Still: under ck-brlock, register worker threads before a writer can be
 * waiting on their parent's section (register once, at thread start), or
 * the registration waits behind that writer.
 */
static void br_flag_lock(ck_brlock_t *br)
{
	/* atomic exchange: acquires the writer flag against writers and
	 * other list changes */
	while (ck_pr_fas_uint(&br->writer, true) == true)
		ck_pr_stall();
	ck_pr_fence_lock(); /* list accesses stay after the acquisition */
}

static void br_flag_unlock(ck_brlock_t *br)
{
	ck_pr_fence_unlock(); /* list stores complete before the release */
	ck_pr_store_uint(&br->writer, false);
}

static void br_list_insert(ck_brlock_t *br, ck_brlock_reader_t *r)
{
	r->n_readers = 0;
	r->previous = NULL;
	br_flag_lock(br);
	r->next = br->readers;
	if (r->next)
		r->next->previous = r;
	ck_pr_store_ptr(&br->readers, r);
	br_flag_unlock(br);
}

static void br_list_remove(ck_brlock_t *br, ck_brlock_reader_t *r)
{
	br_flag_lock(br);
	if (r->next)
		r->next->previous = r->previous;
	if (r->previous)
		r->previous->next = r->next;
	else
		ck_pr_store_ptr(&br->readers, r->next);
	br_flag_unlock(br);
}

static int br_init(rg_graph_t *g)
{
	int rc = lk_alloc(g);
	if (rc)
		return rc;
	ck_brlock_init(&ST(g)->u.br);
	return 0;
}

/* Every reader must have unregistered before rg_close (its contract), so
 * the brlock's reader list is empty here. */
static void br_fini(rg_graph_t *g) { lk_fini(g); }

static int br_reg(rg_graph_t *g)
{
	struct br_reader *b = br_find(g);
	if (b) {
		b->count++;
		return 0;
	}
	b = aligned_alloc(RG_CACHELINE, sizeof *b);
	if (!b)
		return RG_ENOMEM;
	memset(b, 0, sizeof *b);
	b->g = g;
	b->count = 1;
	br_list_insert(&ST(g)->u.br, &b->r);
	b->next = br_list;
	br_list = b;
	return 0;
}

static int br_unreg(rg_graph_t *g)
{
	struct br_reader *b = br_find(g);
	if (!b)
		return RG_ESTATE;
	if (--b->count)
		return 0;
	br_list_remove(&ST(g)->u.br, &b->r);
	for (struct br_reader **p = &br_list; *p; p = &(*p)->next)
		if (*p == b) {
			*p = b->next;
			break;
		}
	if (br_last == b)
		br_last = NULL;
	free(b);
	return 0;
}

static int br_read_begin(rg_graph_t *g, struct rg_read *rd)
{
	struct br_reader *b = br_find(g);
	if (__builtin_expect(b == NULL, 0))
		return RG_ESTATE;
	ck_brlock_read_lock(&ST(g)->u.br, &b->r);
	rd->pol = b;
	rg__snap_load_into(g, rd);
	return 0;
}

static int br_read_end(rg_graph_t *g, struct rg_read *rd)
{
	(void)g;
	ck_brlock_read_unlock(&((struct br_reader *)rd->pol)->r);
	return 0;
}

static void br_publish_begin(rg_graph_t *g)
{
	ST(g)->published = 0;
	ck_brlock_write_lock(&ST(g)->u.br);
}

static void br_publish_end(rg_graph_t *g)
{
	ck_brlock_write_unlock(&ST(g)->u.br);
	ST(g)->published = 1;
}

const struct rg_policy rg__policy_ck_brlock = {
	.name = "ck-brlock",
	.kind = RG_POL_CK_BRLOCK,
	.init = br_init,
	.fini = br_fini,
	.reg = br_reg,
	.unreg = br_unreg,
	.quiescent = lk_quiescent,
	.read_begin = br_read_begin,
	.read_end = br_read_end,
	.publish_begin = br_publish_begin,
	.publish_end = br_publish_end,
	.retire = lk_retire,
	.barrier = lk_barrier,
};
