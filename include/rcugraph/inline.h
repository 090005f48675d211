/*
 * rcugraph/inline.h - opt-in inline read path for a policy fixed at compile
 * time (rcu-memb or nosync).
 *
 * The way liburcu offers its read-side primitives as static inline
 * functions behind _LGPL_SOURCE (urcu/urcu-memb.h vs
 * urcu/static/urcu-memb.h), this header offers rcugraph's read section
 * and span lookup as static inline functions, for programs that know which
 * policy their graph runs. A section then costs the policy's own read
 * marker and a few loads and stores in thread-local storage: no call into
 * the library, no indirect call through the policy table. The exported
 * functions (rg_read_begin(), rg_span(), ...) stay for everything else,
 * including lock studies that pick the policy at run time; both may be
 * mixed freely, even within one section.
 *
 * Use: include this header first in the translation unit (it defines
 * _LGPL_SOURCE before it includes liburcu, so that urcu_memb_read_lock()
 * inlines too), and link with liburcu-memb (pkg-config liburcu-memb) as
 * well as rcugraph.
 *
 *   #include <rcugraph/inline.h>
 *   rg_read_t *r;
 *   if (rg_read_begin_rcu_memb(g, &r) == 0) {
 *       rg_span_t sp;
 *       if (rg_span_inline(r, id, RG_OUT, &sp) == 0)
 *           for (uint64_t i = 0; i < sp.n; i++) sum += sp.slots[i];
 *       rg_read_end_rcu_memb(r);
 *   }
 *
 * Contract: as rg_read_begin()/rg_read_end() (registered thread, one
 * section per thread, pointers die at the end), plus: the graph's policy
 * must be the one named; otherwise the begin returns RG_EPOLICY (one
 * predictable comparison). The layout this inlines is not a stable ABI:
 * rebuild with every rcugraph release (RG_LAYOUT_VERSION).
 */
#ifndef RCUGRAPH_INLINE_H
#define RCUGRAPH_INLINE_H

#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE
#endif
#include <time.h>
#include <urcu/urcu-memb.h>

#include <rcugraph/metrics.h>
#include <rcugraph/rcugraph.h>
#include <rcugraph/static/layout.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The calling thread's read section (the library's thread-local state). */
extern __thread struct rg_read rg__tls_read __attribute__((tls_model("initial-exec")));
/* Read-latency sampling tick of the calling thread (metrics). */
extern __thread uint32_t rg__metrics_tls_tick __attribute__((tls_model("initial-exec")));
/* Library slow paths of the metrics bracket (attach a thread, sampled
 * latency); called only when the inline fast path cannot do the work. */
void rg__read_metrics_enter(struct rg_read *rd, struct rg_metrics *m);
void rg__read_metrics_exit(struct rg_read *rd, struct rg_metrics *m);

/* One more on a count word only this thread writes (relaxed: readers of
 * the metrics may read it concurrently; no lock prefix needed). */
static inline void _rg_bump_own(int64_t *w)
{
	_CMM_STORE_SHARED(*w, _CMM_LOAD_SHARED(*w) + 1);
}

/* The section-begin metrics: the thread's own begun-word, and one section
 * in RG_METRICS_READ_SAMPLE timed; anything else takes the library path. */
static inline void _rg_metrics_enter(const struct rg_graph_rd *gr, struct rg_read *rd)
{
	struct rg_metrics *m = gr->metrics;
	if (__builtin_expect(m == NULL, 0))
		return;
	if (__builtin_expect(rd->mt.gen == gr->metrics_gen && rd->mt.w[0] != NULL &&
				     (++rg__metrics_tls_tick & (RG_METRICS_READ_SAMPLE - 1)) != 0,
			     1)) {
		_rg_bump_own(rd->mt.w[0]);
		rd->mt0 = 0;
		return;
	}
	if (rd->mt.gen == gr->metrics_gen && rd->mt.w[0] != NULL)
		rg__metrics_tls_tick--; /* the library path counts this tick itself */
	rg__read_metrics_enter(rd, m);
}

static inline void _rg_metrics_exit(const struct rg_graph_rd *gr, struct rg_read *rd)
{
	struct rg_metrics *m = gr->metrics;
	if (__builtin_expect(m == NULL, 0))
		return;
	if (__builtin_expect(rd->mt0 == 0 && rd->mt.w[1] != NULL, 1))
		_rg_bump_own(rd->mt.w[1]);
	else
		rg__read_metrics_exit(rd, m);
}

/* Common part of the inline begins: state after the policy's marker. */
static inline void _rg_inline_begun(rg_graph_t *g, const struct rg_graph_rd *gr, struct rg_read *rd)
{
	rd->g = g;
	rd->gr = gr;
	rd->hook = NULL;
	rd->shared = 0;
	rd->frozen = 0;
	_rg_snap_load(gr, rd);
	rd->open = 1;
	_rg_metrics_enter(gr, rd);
}

/* rg_read_begin() for a graph whose policy is rcu-memb. */
static inline int rg_read_begin_rcu_memb(rg_graph_t *g, rg_read_t **r)
{
	struct rg_read *rd = &rg__tls_read;
	const struct rg_graph_rd *gr = (const struct rg_graph_rd *)(const void *)g;
	if (__builtin_expect(gr->pol_kind != RG_POL_RCU_MEMB, 0))
		return RG_EPOLICY;
	if (__builtin_expect(rd->open, 0))
		return RG_EBUSY;
	if (__builtin_expect(!(rd->regs >> RG_POL_RCU_MEMB & 1), 0))
		return RG_ESTATE;
	/* the reader marker: a TLS counter and a compiler barrier (the grace
	 * period side uses sys_membarrier); the snapshot load that follows
	 * cannot move above it */
	urcu_memb_read_lock();
	_rg_inline_begun(g, gr, rd);
	*r = rd;
	return 0;
}

/* rg_read_end() for rcu-memb. Always 0 (RG_ESTATE if no section is open). */
static inline int rg_read_end_rcu_memb(rg_read_t *r)
{
	if (__builtin_expect(!r->open || r->shared, 0))
		return rg_read_end(r); /* the library's checks and paths */
	r->open = 0;
	_rg_metrics_exit(r->gr, r);
	urcu_memb_read_unlock(); /* after the last load of the section */
	return 0;
}

/* rg_read_begin() for a graph whose policy is nosync (frozen once shared:
 * no marker at all). */
static inline int rg_read_begin_nosync(rg_graph_t *g, rg_read_t **r)
{
	struct rg_read *rd = &rg__tls_read;
	const struct rg_graph_rd *gr = (const struct rg_graph_rd *)(const void *)g;
	if (__builtin_expect(gr->pol_kind != RG_POL_NOSYNC, 0))
		return RG_EPOLICY;
	if (__builtin_expect(rd->open, 0))
		return RG_EBUSY;
	_rg_inline_begun(g, gr, rd);
	*r = rd;
	return 0;
}

static inline int rg_read_end_nosync(rg_read_t *r)
{
	if (__builtin_expect(!r->open || r->shared, 0))
		return rg_read_end(r);
	r->open = 0;
	_rg_metrics_exit(r->gr, r);
	return 0;
}

/* rg_span() inline: the span of node id (RG_ENOENT: absent, empty span).
 * dir must be RG_OUT or RG_IN; r an open section (not checked). */
static inline int rg_span_inline(const rg_read_t *r, uint64_t id, rg_dir_t dir, rg_span_t *sp)
{
	int64_t s = _rg_slot_of(r, id);
	if (__builtin_expect(s < 0, 0)) {
		sp->n = 0;
		sp->slots = NULL;
		sp->ids = NULL;
		sp->types = NULL;
		sp->props = NULL;
		return RG_ENOENT;
	}
	return _rg_span_at(r, (uint64_t)s, (int)dir, sp, RG_SPAN_ALL);
}

/* rg_span_at() inline. */
static inline int rg_span_at_inline(const rg_read_t *r, uint64_t slot, rg_dir_t dir, rg_span_t *sp)
{
	return _rg_span_at(r, slot, (int)dir, sp, RG_SPAN_ALL);
}

/* The neighbour slots of node id (the hot array only; *n their count):
 * what a traversal streams. NULL with *n = 0 if the node is absent or has
 * no edges in that direction. */
static inline const uint32_t *rg_span_slots_inline(const rg_read_t *r, uint64_t id, rg_dir_t dir,
						    uint64_t *n)
{
	rg_span_t sp;
	int64_t s = _rg_slot_of(r, id);
	if (__builtin_expect(s < 0, 0) || _rg_span_at(r, (uint64_t)s, (int)dir, &sp, RG_SPAN_SLOTS)) {
		*n = 0;
		return NULL;
	}
	*n = sp.n;
	return sp.slots;
}

#ifdef __cplusplus
}
#endif

#endif /* RCUGRAPH_INLINE_H */
