/*
 * queries.h - the neighbour query on every read path, defined once: the
 * timed loops and the equal-work checksums call the same functions, and
 * none re-implements the library's read path (public API, or
 * <rcugraph/inline.h> for the inline rows).
 *
 * The query (issue 14): take a node's out-span and sum its neighbour slots
 * (+1) into a checksum. Slots equal ids on dense graphs (every generated
 * graph), which is what the static CSR and LMDB store.
 *
 * Include this header FIRST in a translation unit (inline.h defines
 * _LGPL_SOURCE before liburcu's headers).
 */
#ifndef RGB_QUERIES_H
#define RGB_QUERIES_H

#include <rcugraph/inline.h>

#include "rgbench.h"

/* Sum of (slot + 1) over a span's hot array. */
static inline uint64_t rgb_scan(const uint32_t *s, uint64_t n)
{
	uint64_t sum = 0;
	for (uint64_t i = 0; i < n; i++)
		sum += (uint64_t)s[i] + 1;
	return sum;
}

/* One read section through the exported, run-time policy table:
 * rg_read_begin, rg_span, rg_read_end; re-run on RG_ERETRY (counted).
 * The calling thread must be registered. */
static inline uint64_t rgb_q_section(rg_graph_t *g, uint64_t id, uint64_t *retries)
{
	for (;;) {
		rg_read_t *r;
		if (rg_read_begin(g, &r)) {
			rgb_error_count();
			return 0;
		}
		rg_span_t sp;
		uint64_t sum = rg_span(r, id, RG_OUT, &sp) == 0 ? rgb_scan(sp.slots, sp.n) : 0;
		if (rg_read_end(r) == 0)
			return sum;
		(*retries)++;
	}
}

/* One read section through the inline path of rcu-memb. */
static inline uint64_t rgb_q_inline_memb(rg_graph_t *g, uint64_t id)
{
	rg_read_t *r;
	if (rg_read_begin_rcu_memb(g, &r)) {
		rgb_error_count();
		return 0;
	}
	uint64_t n;
	const uint32_t *s = rg_span_slots_inline(r, id, RG_OUT, &n);
	uint64_t sum = rgb_scan(s, n);
	rg_read_end_rcu_memb(r);
	return sum;
}

/* One read section through the inline path of nosync. */
static inline uint64_t rgb_q_inline_nosync(rg_graph_t *g, uint64_t id)
{
	rg_read_t *r;
	if (rg_read_begin_nosync(g, &r)) {
		rgb_error_count();
		return 0;
	}
	uint64_t n;
	const uint32_t *s = rg_span_slots_inline(r, id, RG_OUT, &n);
	uint64_t sum = rgb_scan(s, n);
	rg_read_end_nosync(r);
	return sum;
}

/* A span lookup inside an open section: exported rg_span ... */
static inline uint64_t rgb_q_span(const rg_read_t *r, uint64_t id)
{
	rg_span_t sp;
	return rg_span(r, id, RG_OUT, &sp) == 0 ? rgb_scan(sp.slots, sp.n) : 0;
}

/* ... and inline rg_span_slots_inline. */
static inline uint64_t rgb_q_span_inline(const rg_read_t *r, uint64_t id)
{
	uint64_t n;
	const uint32_t *s = rg_span_slots_inline(r, id, RG_OUT, &n);
	return rgb_scan(s, n);
}

/* The static CSR: off[id], off[id + 1], then the neighbours. */
static inline uint64_t rgb_q_csr(const rgb_statcsr_t *c, uint64_t id)
{
	if (id >= c->n)
		return 0;
	return rgb_scan(c->nbr + c->off[id], c->off[id + 1] - c->off[id]);
}

static inline uint64_t rgb_q_ptrchain(const rgb_ptrchain_t *p, uint64_t id)
{
	if (id >= p->n)
		return 0;
	const rgb_pcrec_t *r = p->tab[id];
	return r ? rgb_scan(r->nbr, r->n) : 0;
}

/* The equal-work checksum: a hash chain over the query results of a
 * fixed sequence (order-sensitive, so a reordered or skipped query shows). */
static inline uint64_t rgb_ck_step(uint64_t h, uint64_t sum)
{
	return rgb_mix64(h ^ sum);
}
#define RGB_CK_INIT 0x9E3779B97F4A7C15ull

#endif
