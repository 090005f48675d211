/*
 * wl_insert.c - the write path against floors (the writer issue's insert
 * targets). Count-based: every run inserts a FIXED edge set into a fresh
 * store (a rate over a fixed duration would leave the stores holding
 * different graphs, and the work could not be checked equal), timed from
 * the first insert to the last commit, on the main thread pinned to the
 * round's first CPU for the timed part only.
 *
 * Variant "batched" (study "insert batched"): the edges of the R-MAT graph
 * (scale 20, edge factor 16; --quick scale 15; --graph replaces it) in
 * edge-list order, type 0, property 0, into
 *   rcu-memb @ batched:txn=10000    rcugraph in memory: a nodes-only graph
 *       first (untimed), then rg_txn_add_edges in 10,000-edge transactions
 *       (the rg_edge_in_t records are filled inside the timed loop: what a
 *       caller of the API does)
 *   rcu-memb @ batched:txn=1048576  the same in 2^20-edge transactions
 *       (rg_txn_add_edges' sorted bulk path): a further reference
 *   floor @ batched:floor           the floor store: per node and direction
 *       a plain growable uint32_t array of neighbour slots (starting at 8
 *       entries, rcugraph's smallest block, doubling with realloc), no
 *       versions, no transactions, no concurrency: the information rcugraph
 *       stores for this graph (dense ids, type 0, property 0: the slot
 *       arrays only, no cold arrays). Its per-node table is allocated and
 *       touched before the clock, as rcugraph's node table is built by the
 *       nodes-only graph.
 *   vfloor @ batched:vfloor         the versioned floor: the floor plus what
 *       snapshot versioning minimally costs. Per 10,000-edge transaction,
 *       every node it touches gets its 64-byte node record (the arrays'
 *       pointers, lengths, capacities, a version) copied into a fresh one,
 *       taken from a free list (malloc'ed when empty), and the record's
 *       pointer swapped into a per-node table (a release store); the old
 *       records go back to the free list at the next transaction. The
 *       arrays themselves are shared, not versioned: a lower bound of what
 *       versions cost, measured in the same rounds so that a miss of the
 *       floor goal can be explained.
 *   floor#2                         the floor again: the A/A control
 * Both floors look ahead 8 edges in the list and prefetch the node entries
 * (and 4 ahead the array tails), as rcugraph's batched path prefetches, so
 * that neither is slower for want of a technique the library uses.
 * Every configuration's reference is the floor. Named comparisons (the
 * ratios CSV, experiments/targets.sh): t-insert/floor (txn=10000 / floor,
 * goal >= 0.7), t-insert/vfloor, t-bulk/floor, t-vfloor/floor.
 *
 * Variant "hub" (study "insert hub"): 1,000,000 edges (--quick 2^16) in
 * 10,000-edge transactions into a nodes-only graph of as many nodes, all
 * out of node 0 ("hub:one") or between random nodes ("hub:spread", the
 * reference, with its A/A copy). Target: the hub's time over the spread
 * time <= 2: the named comparison t-hub-time/spread-time is the spread's
 * throughput over the hub's, paired per round.
 *
 * Equal work: verify builds each configuration's store once (untimed; it
 * is also the warm-up) and checksums its whole adjacency (rgb_adj_*: every
 * node, both directions, neighbours in order); the batched configurations
 * must agree with each other. Every measured run checks its edge count and
 * its checksum again: a mismatch makes the configuration INVALID.
 * rcugraph's deferred reclamation runs on its call_rcu thread, off the
 * writer's path (extra gc_pending_bytes: what was still pending when the
 * clock stopped; gc_waits: writer stalls on gc_limit_bytes). Each run's
 * store is freed after it and malloc_trim(0) gives the memory back, so
 * every run starts from the same allocator state.
 */
#include <malloc.h>
#include <math.h>

#include "rgbench.h"

enum { K_FLOOR, K_VFLOOR, K_RG };
static const char *const variants[] = {"batched", "hub", NULL};

#define TXN 10000
#define BULK_TXN (1u << 20)

struct ins {
	const rg_edgelist_t *el;  /* edges to insert */
	const uint64_t *ids;      /* the node set (ascending), nids of them */
	uint64_t nids, n;         /* n: id range of the floors' tables (max id + 1) */
	int kind;
	size_t txn;               /* edges per transaction (rcugraph, vfloor) */
	rg_graph_t *g;            /* rcugraph: the nodes-only graph enter built */
	uint64_t checksum;        /* from verify */
	uint64_t gc_waits, gc_pending;
	double elapsed;
};

/* ---------------- the floor ---------------- */

struct fvec {
	uint32_t *a;
	uint32_t len, cap;
};

static inline int fvec_push(struct fvec *v, uint32_t x)
{
	if (v->len == v->cap) {
		uint32_t cap = v->cap ? 2 * v->cap : 8;
		uint32_t *a = realloc(v->a, (size_t)cap * sizeof *a);
		if (!a)
			return -1;
		v->a = a;
		v->cap = cap;
	}
	v->a[v->len++] = x;
	return 0;
}

/* Inserts el into a fresh floor; *el_s gets the timed seconds, *ck the
 * adjacency checksum, *m the out-entries. 0 or -1 (out of memory). */
static int floor_run(const struct ins *a, double *el_s, uint64_t *ck, uint64_t *m)
{
	struct fvec(*v)[2] = malloc(a->n * sizeof *v);
	if (!v)
		return -1;
	memset(v, 0, a->n * sizeof *v); /* touched before the clock */
	const uint64_t *src = a->el->src, *dst = a->el->dst, ne = a->el->n_edges;
	int bad = 0;
	rgb_pin(0);
	double t0 = bu_now();
	for (uint64_t i = 0; i < ne && !bad; i++) {
		if (i + 8 < ne) {
			__builtin_prefetch(&v[src[i + 8]][0], 1);
			__builtin_prefetch(&v[dst[i + 8]][1], 1);
		}
		if (i + 4 < ne) {
			struct fvec *x = &v[src[i + 4]][0], *y = &v[dst[i + 4]][1];
			if (x->a)
				__builtin_prefetch(x->a + x->len, 1);
			if (y->a)
				__builtin_prefetch(y->a + y->len, 1);
		}
		bad |= fvec_push(&v[src[i]][0], (uint32_t)dst[i]);
		bad |= fvec_push(&v[dst[i]][1], (uint32_t)src[i]);
	}
	*el_s = bu_now() - t0;
	rgb_unpin();
	uint64_t h = RGB_ADJ_INIT, cnt = 0;
	for (uint64_t k = 0; k < a->nids && !bad; k++)
		for (int d = 0; d < 2; d++) {
			const struct fvec *x = &v[a->ids[k]][d];
			h = rgb_adj_node(h, a->ids[k], d, x->len);
			for (uint32_t i = 0; i < x->len; i++)
				h = rgb_adj_nbr(h, x->a[i]);
			if (!d)
				cnt += x->len;
		}
	for (uint64_t k = 0; k < a->nids; k++) {
		free(v[a->ids[k]][0].a);
		free(v[a->ids[k]][1].a);
	}
	free(v);
	*ck = h;
	*m = cnt;
	return bad ? -1 : 0;
}

/* ---------------- the versioned floor ---------------- */

struct vrec {
	uint32_t *a[2];
	uint32_t len[2], cap[2];
	uint64_t ver;
	uint64_t pad[3];
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct vrec) == 64, "the node record is one cache line");

static int vfloor_run(const struct ins *a, double *el_s, uint64_t *ck, uint64_t *m)
{
	const uint64_t *src = a->el->src, *dst = a->el->dst, ne = a->el->n_edges;
	size_t maxret = 2 * a->txn;
	struct vrec **tab = calloc(a->n, sizeof *tab);
	struct vrec **freel = malloc((a->nids + maxret + 1) * sizeof *freel);
	struct vrec **ret = malloc((maxret + 1) * sizeof *ret);
	struct vrec *init = aligned_alloc(64, (a->nids ? a->nids : 1) * sizeof *init);
	size_t nfree = 0, nret = 0, nextra = 0;
	struct vrec **extra = malloc((a->nids + maxret + 1) * sizeof *extra); /* malloc'ed records */
	int bad = !tab || !freel || !ret || !init || !extra;
	if (!bad) {
		memset(init, 0, a->nids * sizeof *init);
		for (uint64_t k = 0; k < a->nids; k++)
			tab[a->ids[k]] = &init[k];
	}
	uint64_t ver = 0;
	rgb_pin(0);
	double t0 = bu_now();
	for (uint64_t i = 0; i < ne && !bad;) {
		uint64_t e = i + a->txn < ne ? i + a->txn : ne;
		ver++;
		/* the records the last transaction replaced are free now */
		memcpy(freel + nfree, ret, nret * sizeof *ret);
		nfree += nret;
		nret = 0;
		for (; i < e && !bad; i++) {
			if (i + 8 < e) {
				__builtin_prefetch(&tab[src[i + 8]], 1);
				__builtin_prefetch(&tab[dst[i + 8]], 1);
			}
			if (i + 4 < e) {
				__builtin_prefetch(tab[src[i + 4]], 1);
				__builtin_prefetch(tab[dst[i + 4]], 1);
			}
			for (int d = 0; d < 2; d++) {
				uint64_t own = d ? dst[i] : src[i], nbr = d ? src[i] : dst[i];
				struct vrec *r = tab[own];
				if (r->ver != ver) {
					struct vrec *nr = nfree ? freel[--nfree] : NULL;
					if (!nr) {
						nr = aligned_alloc(64, sizeof *nr);
						if (!nr) {
							bad = 1;
							break;
						}
						extra[nextra++] = nr;
					}
					*nr = *r;
					nr->ver = ver;
					__atomic_store_n(&tab[own], nr, __ATOMIC_RELEASE);
					ret[nret++] = r;
					r = nr;
				}
				struct fvec fv = {r->a[d], r->len[d], r->cap[d]};
				bad |= fvec_push(&fv, (uint32_t)nbr);
				r->a[d] = fv.a;
				r->len[d] = fv.len;
				r->cap[d] = fv.cap;
			}
		}
	}
	*el_s = bu_now() - t0;
	rgb_unpin();
	uint64_t h = RGB_ADJ_INIT, cnt = 0;
	for (uint64_t k = 0; k < a->nids && !bad; k++)
		for (int d = 0; d < 2; d++) {
			const struct vrec *r = tab[a->ids[k]];
			h = rgb_adj_node(h, a->ids[k], d, r->len[d]);
			for (uint32_t i = 0; i < r->len[d]; i++)
				h = rgb_adj_nbr(h, r->a[d][i]);
			if (!d)
				cnt += r->len[d];
		}
	for (uint64_t k = 0; tab && k < a->nids; k++) {
		free(tab[a->ids[k]]->a[0]);
		free(tab[a->ids[k]]->a[1]);
	}
	for (size_t k = 0; k < nextra; k++)
		free(extra[k]);
	free(extra);
	free(init);
	free(ret);
	free(freel);
	free(tab);
	*ck = h;
	*m = cnt;
	return bad ? -1 : 0;
}

/* ---------------- rcugraph ---------------- */

static rg_graph_t *nodes_only(const uint64_t *ids, uint64_t n)
{
	rg_options_t o;
	rg_options_init(&o);
	o.sync = "rcu-memb";
	rg_graph_t *g;
	int rc = rg_open(&g, &o);
	if (rc) {
		fprintf(stderr, "rgbench: insert: rg_open: %s\n", rg_strerror(rc));
		return NULL;
	}
	for (uint64_t i = 0; i < n && !rc; i += 100000) {
		rg_txn_t *t;
		if ((rc = rg_txn_begin(g, &t)))
			break;
		for (uint64_t k = i; k < n && k < i + 100000 && !rc; k++)
			rc = rg_txn_add_node(t, ids[k], 0);
		if (rc)
			rg_txn_abort(t);
		else
			rc = rg_txn_commit(t, NULL);
	}
	if (rc) {
		fprintf(stderr, "rgbench: insert: building the nodes: %s\n", rg_strerror(rc));
		rg_close(g);
		return NULL;
	}
	return g;
}

static int rg_run(struct ins *a, double *el_s, uint64_t *ck, uint64_t *m)
{
	const uint64_t *src = a->el->src, *dst = a->el->dst, ne = a->el->n_edges;
	rg_edge_in_t *buf = malloc(a->txn * sizeof *buf);
	if (!buf)
		return -1;
	rg_stats_t st0, st1;
	rg_stats_get(a->g, &st0);
	int rc = 0;
	rgb_pin(0);
	double t0 = bu_now();
	for (uint64_t i = 0; i < ne && !rc; i += a->txn) {
		uint64_t e = i + a->txn < ne ? i + a->txn : ne;
		rg_txn_t *t;
		if ((rc = rg_txn_begin(a->g, &t)))
			break;
		for (uint64_t k = i; k < e; k++)
			buf[k - i] = (rg_edge_in_t){.src = src[k], .dst = dst[k]};
		if ((rc = rg_txn_add_edges(t, buf, e - i, NULL)))
			rg_txn_abort(t);
		else
			rc = rg_txn_commit(t, NULL);
	}
	*el_s = bu_now() - t0;
	rgb_unpin();
	free(buf);
	if (rc) {
		fprintf(stderr, "rgbench: insert: %s\n", rg_strerror(rc));
		return -1;
	}
	rg_stats_get(a->g, &st1);
	a->gc_waits = st1.gc_waits - st0.gc_waits;
	a->gc_pending = st1.gc_pending_bytes;
	return rgb_adj_checksum(a->g, a->ids, a->nids, ck, m);
}

/* ---------------- the study hooks ---------------- */

static int ins_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	struct ins *a = c->arg;
	if (a->kind == K_RG && !(a->g = nodes_only(a->ids, a->nids)))
		return -1;
	return 0;
}

static void ins_leave(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	struct ins *a = c->arg;
	if (a->g) {
		rg_close(a->g);
		a->g = NULL;
	}
	malloc_trim(0);
}

/* One insert of the whole edge set: 0 (timed seconds, checksum, entries)
 * or -1. */
static int ins_once(struct ins *a, double *el_s, uint64_t *ck, uint64_t *m)
{
	switch (a->kind) {
	case K_FLOOR: return floor_run(a, el_s, ck, m);
	case K_VFLOOR: return vfloor_run(a, el_s, ck, m);
	default: return rg_run(a, el_s, ck, m);
	}
}

static int ins_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	(void)s;
	struct ins *a = c->arg;
	double el;
	uint64_t m;
	if (ins_once(a, &el, ck, &m))
		return -1;
	if (m != a->el->n_edges) {
		fprintf(stderr, "rgbench: insert: %s %s holds %llu edges, %llu inserted\n", c->sync,
			c->variant, (unsigned long long)m, (unsigned long long)a->el->n_edges);
		return -1;
	}
	a->checksum = *ck;
	return 0;
}

static int ins_measure(rgb_study_t *s, rgb_cfg_t *c, rgb_row_t *r)
{
	struct ins *a = c->arg;
	double el;
	uint64_t ck, m;
	if (ins_once(a, &el, &ck, &m))
		return -1;
	rgb_work_check(c, r->round, ck == a->checksum && m == a->el->n_edges,
		       "%llu edges, checksum %016llx, verify had %016llx", (unsigned long long)m,
		       (unsigned long long)ck, (unsigned long long)a->checksum);
	if (!s->d) { /* a generated list (hub): no rgb_data_t behind it */
		snprintf(r->graph, sizeof r->graph, "%s:m=%llu", c->variant,
			 (unsigned long long)a->el->n_edges);
		r->nodes = a->nids;
		r->edges = a->el->n_edges;
	}
	r->ops = a->el->n_edges;
	r->throughput = el > 0 ? (double)a->el->n_edges / el : NAN;
	snprintf(r->unit, sizeof r->unit, "edges");
	snprintf(r->durability, sizeof r->durability, "%s", a->kind == K_RG ? "none" : "");
	rgb_extra(r, "elapsed_s=%.9f;count_based=1;store=%s", el,
		  a->kind == K_FLOOR ? "floor" : a->kind == K_VFLOOR ? "vfloor" : "rcugraph");
	if (a->kind == K_RG)
		rgb_extra(r, "gc_waits=%llu;gc_pending_bytes=%llu", (unsigned long long)a->gc_waits,
			  (unsigned long long)a->gc_pending);
	return 0;
}

static void ins_hooks(rgb_study_t *s)
{
	s->enter = ins_enter;
	s->leave = ins_leave;
	s->verify = ins_verify;
	s->measure = ins_measure;
}

static int add(rgb_study_t *s, struct ins *pool, int *np, const struct ins *tmpl, int kind,
	       size_t txn, const char *variant, const char *sync)
{
	struct ins *a = &pool[(*np)++];
	*a = *tmpl;
	a->kind = kind;
	a->txn = txn;
	int i = rgb_cfg_add(s, variant, sync, kind == K_RG ? "rcu-memb" : NULL, 1, kind);
	if (i < 0)
		return -1;
	s->cfg[i].arg = a;
	s->cfg[i].batch = kind == K_FLOOR ? -1 : (long)txn;
	return i;
}

static int batched(void)
{
	char spec[128];
	snprintf(spec, sizeof spec, "rmat:scale=%d,ef=16,seed=%llu", rgb_o.quick ? 15 : 20,
		 (unsigned long long)rgb_o.seed);
	const rgb_data_t *d = rgb_data_get(rgb_o.graph ? rgb_o.graph : spec);
	if (!d)
		return -1;
	uint64_t n = d->ids[d->nids - 1] + 1;
	if (n > UINT32_MAX || n > 4 * d->nids + 4096) {
		fprintf(stderr, "rgbench: insert: %s: ids are not dense slots (max id %llu, %llu "
				"nodes): the floors index by id\n",
			d->spec, (unsigned long long)(n - 1), (unsigned long long)d->nids);
		return -1;
	}
	struct ins tmpl = {.el = &d->el, .ids = d->ids, .nids = d->nids, .n = n};
	rgb_study_t *s = calloc(1, sizeof *s);
	struct ins *pool = calloc(8, sizeof *pool);
	int np = 0, rc = -1;
	if (!s || !pool)
		goto out;
	rgb_study_init(s, "insert", "insert batched", d);
	int fl = add(s, pool, &np, &tmpl, K_FLOOR, TXN, "batched:floor", "floor");
	int vf = add(s, pool, &np, &tmpl, K_VFLOOR, TXN, "batched:vfloor", "vfloor");
	int rg = add(s, pool, &np, &tmpl, K_RG, TXN, "batched:txn=10000", "rcu-memb");
	int bk = add(s, pool, &np, &tmpl, K_RG, BULK_TXN, "batched:txn=1048576", "rcu-memb");
	if (fl < 0 || vf < 0 || rg < 0 || bk < 0)
		goto out;
	s->cfg[vf].ref = s->cfg[rg].ref = s->cfg[bk].ref = fl;
	rgb_cfg_add_aa(s, fl);
	rgb_study_compare(s, rg, fl, "t-insert/floor");
	rgb_study_compare(s, rg, vf, "t-insert/vfloor");
	rgb_study_compare(s, bk, fl, "t-bulk/floor");
	rgb_study_compare(s, vf, fl, "t-vfloor/floor");
	ins_hooks(s);
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	free(s);
	free(pool);
	return rc;
}

static int hub(void)
{
	uint64_t m = rgb_o.quick ? (1u << 16) : 1000000, n = m;
	rg_edgelist_t el[2];
	memset(el, 0, sizeof el);
	uint64_t *ids = malloc(n * sizeof *ids);
	rgb_study_t *s = calloc(1, sizeof *s);
	struct ins *pool = calloc(4, sizeof *pool);
	int rc = -1;
	if (!ids || !s || !pool)
		goto out;
	for (int k = 0; k < 2; k++) {
		el[k].n_nodes = n;
		el[k].n_edges = m;
		el[k].src = malloc(m * sizeof *el[k].src);
		el[k].dst = malloc(m * sizeof *el[k].dst);
		if (!el[k].src || !el[k].dst)
			goto out;
	}
	uint64_t seed = rgb_mix64(rgb_o.seed ^ 0x4b0b) | 1;
	for (uint64_t i = 0; i < n; i++)
		ids[i] = i;
	for (uint64_t i = 0; i < m; i++) {
		el[0].src[i] = 0;
		el[0].dst[i] = rgb_rand(&seed) % n;
		el[1].src[i] = rgb_rand(&seed) % n;
		el[1].dst[i] = rgb_rand(&seed) % n;
	}
	char name[64];
	snprintf(name, sizeof name, "insert hub (%llu edges)", (unsigned long long)m);
	rgb_study_init(s, "insert", name, NULL);
	struct ins tmpl = {.ids = ids, .nids = n, .n = n};
	int np = 0;
	tmpl.el = &el[0];
	int one = add(s, pool, &np, &tmpl, K_RG, TXN, "hub:one", "rcu-memb");
	tmpl.el = &el[1];
	int sp = add(s, pool, &np, &tmpl, K_RG, TXN, "hub:spread", "rcu-memb");
	if (one < 0 || sp < 0)
		goto out;
	s->cfg[one].group = 1; /* different edges: each checks its own work */
	s->cfg[sp].group = 2;
	s->cfg[one].ref = sp;
	rgb_cfg_add_aa(s, sp);
	rgb_study_compare(s, sp, one, "t-hub-time/spread-time");
	ins_hooks(s);
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	free(s);
	free(pool);
	free(ids);
	rg_edgelist_free(&el[0]);
	rg_edgelist_free(&el[1]);
	return rc;
}

static int insert_run(void)
{
	int rc = 0;
	if (rgb_variant_on("batched", 1))
		rc |= batched();
	if (rgb_variant_on("hub", 1))
		rc |= hub();
	return rc;
}

RGB_WORKLOAD(insert, 36,
	     "insert throughput against floors: R-MAT in 10,000-edge txns vs a plain and a "
	     "versioned floor store, the bulk path; 1M edges into one hub vs spread",
	     1, variants, insert_run)
