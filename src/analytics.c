/*
 * analytics.c - PageRank and weakly connected components on one snapshot
 * (live read section or frozen CSR), sequential or parallel (OpenMP).
 *
 * Both kernels work over the dense slot space in fixed blocks of PR_BLOCK
 * slots. The sequential path runs the blocks in order on the calling
 * thread; the parallel path hands the same blocks to workers through an
 * atomic cursor, phase by phase, with barriers between phases. Every value
 * that depends on summation order is either computed inside one block by
 * one thread (a node's pull sum, a block's partial sum) or combined from the
 * per-block partials in block order by one thread, so PageRank is
 * bit-identical on every path and thread count. WCC's answer (smallest id
 * of the component) is canonical whatever order the unions happen in.
 */
#include "traverse_internal.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define PR_BLOCK 2048

/* Runs fn on every block; inside a parallel region, each block exactly once
 * across the team via *cursor (ok == 0: this thread takes no blocks). */
typedef void (*blk_fn)(void *ctx, const struct rg_src *s, size_t b);


/* What a kernel reports back through rg_exec_t (NULL: nothing). */
static void exec_report(rg_exec_t *ex, int par, int team, int failures, uint64_t edges)
{
	if (!ex)
		return;
	ex->threads_used = par ? team : 1;
	ex->par_steps = par;
	ex->worker_failures = failures;
	ex->edges = edges;
	ex->items_par = (uint64_t)par;
}

static void run_blocks_seq(size_t nblocks, blk_fn fn, void *ctx, const struct rg_src *s)
{
	for (size_t b = 0; b < nblocks; b++)
		fn(ctx, s, b);
}

static void run_blocks_par(size_t *cursor, size_t nblocks, blk_fn fn, void *ctx,
			   const struct rg_src *s, int ok)
{
	if (!ok)
		return;
	for (;;) {
		/* Relaxed: each block index must be taken once; the work is
		 * published by the barrier that follows every phase. */
		size_t b = __atomic_fetch_add(cursor, 1, __ATOMIC_RELAXED);
		if (b >= nblocks)
			return;
		fn(ctx, s, b);
	}
}

static int want_par(const struct rg_exec_cfg *cfg, uint64_t edges)
{
	if (cfg->threads <= 1)
		return 0;
	if (cfg->mode == RG_EXEC_PAR)
		return 1;
	return cfg->mode == RG_EXEC_AUTO && edges >= cfg->min_edges;
}

static int src_of(struct rg_src *s, const rg_read_t *r, const rg_csr_t *c)
{
	if (c) {
		rg__src_init(s, NULL, c);
		return 0;
	}
	if (!r || !rg_read_graph(r))
		return RG_EINVAL;
	rg__src_init(s, r, NULL);
	if (s->nslots > (uint64_t)UINT32_MAX - 1)
		return RG_ERANGE;
	/* A closed section answers lookups with RG_EINVAL. */
	uint64_t sl;
	if (rg_node_slot(r, 0, &sl) == RG_EINVAL)
		return RG_EINVAL;
	return 0;
}

static uint64_t src_edges(const struct rg_src *s)
{
	return s->c ? s->c->edges : rg_edge_count(s->r);
}

/* Output order: (id, slot) pairs of live slots, ascending by id. */
static int sorted_nodes(const struct rg_src *s, const uint8_t *alive, const uint64_t *ids,
			struct rg_kv **out, size_t *n)
{
	size_t ns = (size_t)s->nslots, k = 0;
	for (size_t i = 0; i < ns; i++)
		k += alive[i];
	struct rg_kv *kv = malloc((k ? k : 1) * sizeof *kv);
	if (!kv)
		return RG_ENOMEM;
	if (s->c) {
		for (size_t i = 0; i < k; i++)
			kv[i] = (struct rg_kv){s->c->sid[i], s->c->sslot[i]};
	} else {
		size_t j = 0;
		for (size_t i = 0; i < ns; i++)
			if (alive[i])
				kv[j++] = (struct rg_kv){ids[i], i};
		struct rg_kv *tmp = k > 64 ? malloc(k * sizeof *tmp) : NULL;
		if (k > 64 && !tmp) {
			free(kv);
			return RG_ENOMEM;
		}
		rg__sort_kv(kv, k, tmp);
		free(tmp);
	}
	*out = kv;
	*n = k;
	return 0;
}

/* ------------------------------------------------------------------ */
/* PageRank                                                           */
/* ------------------------------------------------------------------ */

void rg_pagerank_opts_init(rg_pagerank_opts_t *o)
{
	if (!o)
		return;
	o->damping = 0.85;
	o->max_iter = 100;
	o->tol = 1e-10;
	o->type = RG_TYPE_ANY;
}

void rg_pagerank_free(rg_pagerank_t *p)
{
	if (!p)
		return;
	free(p->ids);
	free(p->rank);
	memset(p, 0, sizeof *p);
}

uint64_t rg_pagerank_checksum(const rg_pagerank_t *p)
{
	if (!p)
		return 0;
	uint64_t h = RG_CHECKSUM_SEED;
	for (size_t i = 0; i < p->n; i++) {
		uint64_t bits;
		memcpy(&bits, &p->rank[i], sizeof bits);
		h = rg__mix64(h ^ p->ids[i]);
		h = rg__mix64(h ^ bits);
	}
	return rg__mix64(h ^ (uint64_t)(2 * p->n));
}

struct pr {
	uint64_t ns;
	size_t nblocks;
	uint32_t type;
	double d;
	uint8_t *alive;
	uint64_t *ids;
	uint64_t *outdeg;
	double *rank, *next, *contrib;
	double *part;       /* per block */
	uint64_t *bedges;   /* per block: in-edges scanned in the last pull */
	uint64_t *bcount;   /* per block: live nodes */
	double base;        /* (1-d)/N + d*dangling/N of the current iteration */
	size_t cur_a, cur_b, cur_i; /* block cursors of the phases (atomic) */
};

static void blk_bounds(const struct pr *p, size_t b, size_t *lo, size_t *hi)
{
	*lo = b * PR_BLOCK;
	*hi = *lo + PR_BLOCK < p->ns ? *lo + PR_BLOCK : (size_t)p->ns;
}

/* Phase 0: liveness, ids, out-degrees (under the type filter). */
static void pr_blk_init(void *ctx, const struct rg_src *s, size_t b)
{
	struct pr *p = ctx;
	size_t lo, hi;
	blk_bounds(p, b, &lo, &hi);
	uint64_t cnt = 0;
	for (size_t u = lo; u < hi; u++) {
		uint64_t id = 0;
		p->alive[u] = (uint8_t)rg__src_node(s, u, &id);
		p->ids[u] = id;
		uint64_t deg = 0;
		if (p->alive[u]) {
			cnt++;
			if (p->type == RG_TYPE_ANY)
				deg = rg__src_degree(s, u, RG_OUT);
			else
				RG_FOREACH_NBR(s, u, RG_OUT, p->type, v, (void)v; deg++;);
		}
		p->outdeg[u] = deg;
	}
	p->bcount[b] = cnt;
}

/* Phase A: contributions and this block's dangling mass. */
static void pr_blk_contrib(void *ctx, const struct rg_src *s, size_t b)
{
	(void)s;
	struct pr *p = ctx;
	size_t lo, hi;
	blk_bounds(p, b, &lo, &hi);
	double dang = 0.0;
	for (size_t u = lo; u < hi; u++) {
		if (p->alive[u] && p->outdeg[u] == 0)
			dang += p->rank[u];
		p->contrib[u] = p->outdeg[u] ? p->rank[u] / (double)p->outdeg[u] : 0.0;
	}
	p->part[b] = dang;
}

/* Phase B: pull over in-edges; this block's L1 change. */
static void pr_blk_pull(void *ctx, const struct rg_src *s, size_t b)
{
	struct pr *p = ctx;
	size_t lo, hi;
	blk_bounds(p, b, &lo, &hi);
	double delta = 0.0;
	uint64_t edges = 0;
	const double *contrib = p->contrib;
	for (size_t v = lo; v < hi; v++) {
		if (!p->alive[v]) {
			p->next[v] = 0.0;
			continue;
		}
		double sum = 0.0;
		RG_FOREACH_NBR(s, v, RG_IN, p->type, u, sum += contrib[u]; edges++;);
		double nv = p->base + p->d * sum;
		p->next[v] = nv;
		delta += fabs(nv - p->rank[v]);
	}
	p->part[b] = delta;
	p->bedges[b] = edges;
}

static double sum_parts(const double *part, size_t n)
{
	double s = 0.0;
	for (size_t i = 0; i < n; i++)
		s += part[i];
	return s;
}

static void pr_free(struct pr *p)
{
	free(p->alive);
	free(p->ids);
	free(p->outdeg);
	free(p->rank);
	free(p->next);
	free(p->contrib);
	free(p->part);
	free(p->bedges);
	free(p->bcount);
}

/* Between phase 0 and the first iteration: N and the start vector. One
 * thread. Returns N. */
static uint64_t pr_start(struct pr *p)
{
	uint64_t n = 0;
	for (size_t b = 0; b < p->nblocks; b++)
		n += p->bcount[b];
	for (size_t u = 0; u < p->ns; u++)
		p->rank[u] = p->alive[u] ? 1.0 / (double)n : 0.0;
	return n;
}

static int pagerank_impl(const struct rg_src *s, const rg_pagerank_opts_t *opts, rg_exec_t *ex,
			 rg_pagerank_t *out)
{
	rg_pagerank_opts_t o;
	if (opts)
		o = *opts;
	else
		rg_pagerank_opts_init(&o);
	if (!(o.damping > 0.0 && o.damping < 1.0) || !(o.tol >= 0.0))
		return RG_EINVAL;
	struct rg_exec_cfg cfg;
	int rc = rg__exec_resolve(ex, &cfg, s);
	if (rc)
		return rc;

	struct pr p = {0};
	p.ns = s->nslots;
	p.nblocks = (size_t)((p.ns + PR_BLOCK - 1) / PR_BLOCK);
	p.type = o.type;
	p.d = o.damping;
	size_t nsz = p.ns ? (size_t)p.ns : 1, nbz = p.nblocks ? p.nblocks : 1;
	p.alive = malloc(nsz);
	p.ids = malloc(nsz * sizeof *p.ids);
	p.outdeg = malloc(nsz * sizeof *p.outdeg);
	p.rank = malloc(nsz * sizeof *p.rank);
	p.next = malloc(nsz * sizeof *p.next);
	p.contrib = malloc(nsz * sizeof *p.contrib);
	p.part = malloc(nbz * sizeof *p.part);
	p.bedges = calloc(nbz, sizeof *p.bedges);
	p.bcount = calloc(nbz, sizeof *p.bcount);
	if (!p.alive || !p.ids || !p.outdeg || !p.rank || !p.next || !p.contrib || !p.part ||
	    !p.bedges || !p.bcount) {
		pr_free(&p);
		return RG_ENOMEM;
	}

	unsigned iters = 0;
	double delta = 0.0;
	uint64_t edges = 0, n = 0;
	int par = want_par(&cfg, src_edges(s)) && (cfg.mode == RG_EXEC_PAR || p.nblocks > 1);
	int team = 1, failures = 0, retry = 0;
	uint64_t wall = 0, busy = 0;
	if (!par) {
		run_blocks_seq(p.nblocks, pr_blk_init, &p, s);
		n = pr_start(&p);
		while (n && iters < o.max_iter) {
			run_blocks_seq(p.nblocks, pr_blk_contrib, &p, s);
			double dang = sum_parts(p.part, p.nblocks);
			p.base = (1.0 - p.d) / (double)n + p.d * dang / (double)n;
			run_blocks_seq(p.nblocks, pr_blk_pull, &p, s);
			delta = sum_parts(p.part, p.nblocks);
			for (size_t b = 0; b < p.nblocks; b++)
				edges += p.bedges[b];
			double *t = p.rank;
			p.rank = p.next;
			p.next = t;
			iters++;
			if (delta < o.tol)
				break;
		}
	} else {
		int stop = 0;
		uint64_t t0 = rg__now_ns();
#pragma omp parallel num_threads(cfg.threads)
		{
			const int tid = omp_get_thread_num();
			uint64_t tw = rg__now_ns();
			struct rg_src w;
			int ok = rg__worker_enter(s, tid, &w) == 0;
			if (!ok) {
				/* relaxed: a worker tally, read after the region's closing barrier */
				__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
			}
			if (tid == 0)
				team = omp_get_num_threads();
			run_blocks_par(&p.cur_i, p.nblocks, pr_blk_init, &p, &w, ok);
#pragma omp barrier
#pragma omp single
			{
				n = pr_start(&p);
				stop = (n == 0 || o.max_iter == 0);
			}
			while (!stop) {
				run_blocks_par(&p.cur_a, p.nblocks, pr_blk_contrib, &p, &w, ok);
#pragma omp barrier
#pragma omp single
				{
					double dang = sum_parts(p.part, p.nblocks);
					p.base = (1.0 - p.d) / (double)n + p.d * dang / (double)n;
					p.cur_b = 0;
				}
				run_blocks_par(&p.cur_b, p.nblocks, pr_blk_pull, &p, &w, ok);
#pragma omp barrier
#pragma omp single
				{
					delta = sum_parts(p.part, p.nblocks);
					for (size_t b = 0; b < p.nblocks; b++)
						edges += p.bedges[b];
					double *t = p.rank;
					p.rank = p.next;
					p.next = t;
					iters++;
					stop = (delta < o.tol || iters >= o.max_iter);
					p.cur_a = 0;
				}
			}
			if (ok && rg__worker_leave(s, tid, &w) == RG_ERETRY) {
				/* relaxed: a worker tally, read after the region's closing barrier */
				__atomic_store_n(&retry, 1, __ATOMIC_RELAXED);
			}
			__atomic_fetch_add(&busy, rg__now_ns() - tw, __ATOMIC_RELAXED);
		}
		wall = rg__now_ns() - t0;
		rg__par_metrics(s, team, wall, busy);
	}
	exec_report(ex, par, team, failures, edges);
	if (retry) {
		pr_free(&p);
		return RG_ERETRY;
	}
	struct rg_kv *kv = NULL;
	size_t k = 0;
	rc = sorted_nodes(s, p.alive, p.ids, &kv, &k);
	if (rc) {
		pr_free(&p);
		return rc;
	}
	out->ids = malloc((k ? k : 1) * sizeof *out->ids);
	out->rank = malloc((k ? k : 1) * sizeof *out->rank);
	if (!out->ids || !out->rank) {
		free(kv);
		pr_free(&p);
		rg_pagerank_free(out);
		return RG_ENOMEM;
	}
	for (size_t i = 0; i < k; i++) {
		out->ids[i] = kv[i].k;
		out->rank[i] = p.rank[kv[i].v];
	}
	out->n = k;
	out->iterations = iters;
	out->delta = delta;
	free(kv);
	pr_free(&p);
	return 0;
}

int rg_pagerank(const rg_read_t *r, const rg_pagerank_opts_t *opts, rg_exec_t *ex,
		rg_pagerank_t *out)
{
	if (!out)
		return RG_EINVAL;
	memset(out, 0, sizeof *out);
	struct rg_src s;
	int rc = src_of(&s, r, NULL);
	return rc ? rc : pagerank_impl(&s, opts, ex, out);
}

int rg_csr_pagerank(const rg_csr_t *c, const rg_pagerank_opts_t *opts, rg_exec_t *ex,
		    rg_pagerank_t *out)
{
	if (!out)
		return RG_EINVAL;
	memset(out, 0, sizeof *out);
	if (!c)
		return RG_EINVAL;
	struct rg_src s;
	src_of(&s, NULL, c);
	return pagerank_impl(&s, opts, ex, out);
}

/* ------------------------------------------------------------------ */
/* Weakly connected components                                        */
/* ------------------------------------------------------------------ */

void rg_wcc_free(rg_wcc_t *w)
{
	if (!w)
		return;
	free(w->ids);
	free(w->comp);
	memset(w, 0, sizeof *w);
}

uint64_t rg_wcc_checksum(const rg_wcc_t *w)
{
	if (!w)
		return 0;
	uint64_t h = RG_CHECKSUM_SEED;
	for (size_t i = 0; i < w->n; i++) {
		h = rg__mix64(h ^ w->ids[i]);
		h = rg__mix64(h ^ w->comp[i]);
	}
	return rg__mix64(h ^ (uint64_t)(2 * w->n));
}

struct wcc {
	uint64_t ns;
	size_t nblocks;
	uint32_t type;
	int atomic;         /* parallel: CAS hooking, relaxed loads/stores */
	uint8_t *alive;
	uint64_t *ids;
	uint32_t *parent;   /* union-find forest over slots; parent[x] <= x */
	uint64_t *minid;    /* per root slot: smallest id in the component */
	uint64_t *bedges;
	size_t cur[4];
};

/* Root of x. Path halving. Parent pointers only ever move to an ancestor
 * with a smaller slot, so concurrent halvings by several threads keep a
 * forest whose roots are unchanged; relaxed accesses suffice (no other data
 * is published through parent[], and phases are separated by barriers). */
static inline uint32_t uf_find(uint32_t *par, uint32_t x, int atomic)
{
	if (!atomic) {
		while (par[x] != x) {
			par[x] = par[par[x]];
			x = par[x];
		}
		return x;
	}
	/* Relaxed: parents only ever move to smaller roots of the same set,
	 * so any value read (old or new) is a valid step toward the root; the
	 * halving store may be lost or overwritten without harm. Results are
	 * read after the region's closing barrier. */
	for (;;) {
		uint32_t px = __atomic_load_n(&par[x], __ATOMIC_RELAXED);
		if (px == x)
			return x;
		uint32_t gx = __atomic_load_n(&par[px], __ATOMIC_RELAXED);
		if (gx != px)
			__atomic_store_n(&par[x], gx, __ATOMIC_RELAXED);
		x = gx;
	}
}

static inline void uf_union(uint32_t *par, uint32_t a, uint32_t b, int atomic)
{
	for (;;) {
		a = uf_find(par, a, atomic);
		b = uf_find(par, b, atomic);
		if (a == b)
			return;
		if (a > b) {
			uint32_t t = a;
			a = b;
			b = t;
		}
		/* hook the larger root b under the smaller a */
		if (!atomic) {
			par[b] = a;
			return;
		}
		uint32_t exp = b;
		/* Relaxed CAS: succeeds only if b is still a root; a failed CAS
		 * means someone hooked b meanwhile, so retry from the roots. */
		if (__atomic_compare_exchange_n(&par[b], &exp, a, 0, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return;
	}
}

static void blk_range(const struct wcc *w, size_t b, size_t *lo, size_t *hi)
{
	*lo = b * PR_BLOCK;
	*hi = *lo + PR_BLOCK < w->ns ? *lo + PR_BLOCK : (size_t)w->ns;
}

static void wcc_blk_init(void *ctx, const struct rg_src *s, size_t b)
{
	struct wcc *w = ctx;
	size_t lo, hi;
	blk_range(w, b, &lo, &hi);
	for (size_t u = lo; u < hi; u++) {
		uint64_t id = 0;
		w->alive[u] = (uint8_t)rg__src_node(s, u, &id);
		w->ids[u] = id;
		w->parent[u] = (uint32_t)u;
		w->minid[u] = UINT64_MAX;
	}
}

static void wcc_blk_union(void *ctx, const struct rg_src *s, size_t b)
{
	struct wcc *w = ctx;
	size_t lo, hi;
	blk_range(w, b, &lo, &hi);
	uint64_t edges = 0;
	for (size_t u = lo; u < hi; u++) {
		if (!w->alive[u])
			continue;
		RG_FOREACH_NBR(s, u, RG_OUT, w->type, v,
			edges++;
			uf_union(w->parent, (uint32_t)u, v, w->atomic););
	}
	w->bedges[b] = edges;
}

/* Full compression, then the smallest id per root. */
static void wcc_blk_min(void *ctx, const struct rg_src *s, size_t b)
{
	(void)s;
	struct wcc *w = ctx;
	size_t lo, hi;
	blk_range(w, b, &lo, &hi);
	for (size_t u = lo; u < hi; u++) {
		if (!w->alive[u])
			continue;
		uint32_t r = uf_find(w->parent, (uint32_t)u, w->atomic);
		uint64_t id = w->ids[u];
		if (!w->atomic) {
			if (id < w->minid[r])
				w->minid[r] = id;
			continue;
		}
		uint64_t cur = __atomic_load_n(&w->minid[r], __ATOMIC_RELAXED);
		/* Relaxed CAS loop: an atomic minimum; read after the barrier. */
		while (id < cur && !__atomic_compare_exchange_n(&w->minid[r], &cur, id, 1,
							       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
	}
}

static void wcc_free_state(struct wcc *w)
{
	free(w->alive);
	free(w->ids);
	free(w->parent);
	free(w->minid);
	free(w->bedges);
}

static int wcc_impl(const struct rg_src *s, uint32_t type, rg_exec_t *ex, rg_wcc_t *out)
{
	struct rg_exec_cfg cfg;
	int rc = rg__exec_resolve(ex, &cfg, s);
	if (rc)
		return rc;
	struct wcc w = {0};
	w.ns = s->nslots;
	w.nblocks = (size_t)((w.ns + PR_BLOCK - 1) / PR_BLOCK);
	w.type = type;
	size_t nsz = w.ns ? (size_t)w.ns : 1, nbz = w.nblocks ? w.nblocks : 1;
	w.alive = malloc(nsz);
	w.ids = malloc(nsz * sizeof *w.ids);
	w.parent = malloc(nsz * sizeof *w.parent);
	w.minid = malloc(nsz * sizeof *w.minid);
	w.bedges = calloc(nbz, sizeof *w.bedges);
	if (!w.alive || !w.ids || !w.parent || !w.minid || !w.bedges) {
		wcc_free_state(&w);
		return RG_ENOMEM;
	}
	int par = want_par(&cfg, src_edges(s)) && (cfg.mode == RG_EXEC_PAR || w.nblocks > 1);
	int team = 1, failures = 0, retry = 0;
	uint64_t busy = 0;
	if (!par) {
		run_blocks_seq(w.nblocks, wcc_blk_init, &w, s);
		run_blocks_seq(w.nblocks, wcc_blk_union, &w, s);
		run_blocks_seq(w.nblocks, wcc_blk_min, &w, s);
	} else {
		w.atomic = 1;
		uint64_t t0 = rg__now_ns();
#pragma omp parallel num_threads(cfg.threads)
		{
			const int tid = omp_get_thread_num();
			uint64_t tw = rg__now_ns();
			struct rg_src ws;
			int ok = rg__worker_enter(s, tid, &ws) == 0;
			if (!ok) {
				/* relaxed: a worker tally, read after the region's closing barrier */
				__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
			}
			if (tid == 0)
				team = omp_get_num_threads();
			run_blocks_par(&w.cur[0], w.nblocks, wcc_blk_init, &w, &ws, ok);
#pragma omp barrier
			run_blocks_par(&w.cur[1], w.nblocks, wcc_blk_union, &w, &ws, ok);
#pragma omp barrier
			run_blocks_par(&w.cur[2], w.nblocks, wcc_blk_min, &w, &ws, ok);
			if (ok && rg__worker_leave(s, tid, &ws) == RG_ERETRY) {
				/* relaxed: a worker tally, read after the region's closing barrier */
				__atomic_store_n(&retry, 1, __ATOMIC_RELAXED);
			}
			__atomic_fetch_add(&busy, rg__now_ns() - tw, __ATOMIC_RELAXED);
		}
		rg__par_metrics(s, team, rg__now_ns() - t0, busy);
	}
	uint64_t edges = 0;
	for (size_t b = 0; b < w.nblocks; b++)
		edges += w.bedges[b];
	exec_report(ex, par, team, failures, edges);
	if (retry) {
		wcc_free_state(&w);
		return RG_ERETRY;
	}
	struct rg_kv *kv = NULL;
	size_t k = 0;
	rc = sorted_nodes(s, w.alive, w.ids, &kv, &k);
	if (rc) {
		wcc_free_state(&w);
		return rc;
	}
	out->ids = malloc((k ? k : 1) * sizeof *out->ids);
	out->comp = malloc((k ? k : 1) * sizeof *out->comp);
	if (!out->ids || !out->comp) {
		free(kv);
		wcc_free_state(&w);
		rg_wcc_free(out);
		return RG_ENOMEM;
	}
	uint64_t ncomp = 0;
	for (size_t i = 0; i < k; i++) {
		uint32_t sl = (uint32_t)kv[i].v;
		uint32_t r = uf_find(w.parent, sl, 0);
		out->ids[i] = kv[i].k;
		out->comp[i] = w.minid[r];
		ncomp += (r == sl);
	}
	out->n = k;
	out->ncomp = ncomp;
	free(kv);
	wcc_free_state(&w);
	return 0;
}

int rg_wcc(const rg_read_t *r, uint32_t type, rg_exec_t *ex, rg_wcc_t *out)
{
	if (!out)
		return RG_EINVAL;
	memset(out, 0, sizeof *out);
	struct rg_src s;
	int rc = src_of(&s, r, NULL);
	return rc ? rc : wcc_impl(&s, type, ex, out);
}

int rg_csr_wcc(const rg_csr_t *c, uint32_t type, rg_exec_t *ex, rg_wcc_t *out)
{
	if (!out)
		return RG_EINVAL;
	memset(out, 0, sizeof *out);
	if (!c)
		return RG_EINVAL;
	struct rg_src s;
	src_of(&s, NULL, c);
	return wcc_impl(&s, type, ex, out);
}
