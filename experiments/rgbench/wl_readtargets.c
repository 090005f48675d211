/*
 * wl_readtargets.c - the read targets of the read-layout issue (issue 14),
 * measured in ONE run as paired per-round ratios.
 *
 * Graphs (variants): "cache" uniform 2^14 nodes, out-degree 16 (cache
 * resident); "dram" R-MAT scale 20, edge factor 16 (DRAM resident;
 * --quick: scale 18, labelled by its spec); --graph SPEC replaces both by
 * one graph, variant "custom". Each graph is built once, packed, and a
 * static 4-byte CSR (uint64_t off[], uint32_t nbr[]) is built in the
 * process from the same edge list.
 *
 * The query (queries.h): a random node from a fixed seeded sequence (each
 * worker from its own offset), its out-span, the sum of its neighbour
 * slots (+1). Every configuration of a phase computes the checksum of the
 * same fixed sequence through its own path before timing; they must agree.
 *
 * Phase "packed" (one study): at 1 and 2 threads
 *   csr             the static CSR (sync "csr")
 *   span            nosync, exported rg_span, one read section per 256 queries
 *   span-inline     nosync, rg_span_slots_inline, one section per 256 queries
 *   section-inline  nosync and rcu-memb: one inline read section per query
 *                   (rg_read_begin_<policy>, rg_span_slots_inline, end)
 *   section         nosync and rcu-memb: one exported section per query
 *                   (rg_read_begin, rg_span, rg_read_end: the run-time table)
 *   nosync#2        the A/A copy of nosync@section
 * Phase "edited" (a second study, on the same graph): 10% random edge
 * inserts and 1% random deletions through transactions (rcu-memb), NOT
 * packed again; the static CSR rebuilt from the edited edge list:
 *   csr, span (nosync), nosync#2 (A/A of span), and ptrchain: the
 *   pointer-chain reference (rgbench.h) built from the edited CSR, the
 *   fewest dependent loads a per-node-replaceable layout with a record per
 *   node pays (table -> record -> array, where the CSR has off -> nbr).
 *   Compared as edited-ptrchain/csr (the shape's cost) and
 *   edited-span/ptrchain (what rcugraph pays on top of the shape).
 *
 * Targets (named comparisons in the ratios CSV, experiments/targets.sh):
 *   t14-span/csr                  >= 0.8   packed, nosync span scan / CSR
 *   t14-section-inline-nosync/csr >= 0.6   one inline section per query
 *   t14-section-inline-rcu-memb/csr >= 0.6
 *   t14-edited-span/csr           >= 0.4   after the edits, unpacked
 *   t14-rcu-memb/nosync-inline    >= 0.95  (2 threads)
 *   t14-rcu-memb/nosync-exported  >= 0.90  (2 threads)
 */
#include "queries.h"

enum { K_CSR, K_SPAN, K_SPAN_INLINE, K_SEC_INLINE, K_SEC, K_PTRCHAIN, K_N };
static const char *const kname[K_N] = {"csr",	  "span",    "span-inline", "section-inline",
				       "section", "ptrchain"};
static const char *const variants[] = {"cache", "dram", "custom", NULL};

#define SPAN_BATCH 256 /* queries per read section in the span rows */

struct rt {
	rg_graph_t *g;
	const rgb_data_t *d;
	rgb_statcsr_t *csr;
	rgb_ptrchain_t *pc; /* edited phase only */
};

struct rtc { /* per configuration: the study's shared data and the path */
	struct rt *rt;
	int kind;
	int memb; /* the policy is rcu-memb (else nosync) */
};

static void rtc_begin(void *arg, rgb_tctx_t *t)
{
	struct rtc *c = arg;
	(void)t;
	if (c->kind != K_CSR && c->kind != K_PTRCHAIN && rg_reader_register(c->rt->g))
		rgb_error_count();
}

static void rtc_end(void *arg, rgb_tctx_t *t)
{
	struct rtc *c = arg;
	(void)t;
	if (c->kind != K_CSR && c->kind != K_PTRCHAIN)
		rg_reader_unregister(c->rt->g);
}

/* n queries starting at *pos through path c; returns their sum. The
 * timed loop and the checksum both run this. */
static inline uint64_t rt_queries(const struct rtc *c, uint64_t *pos, uint64_t n, uint64_t *retries)
{
	const uint64_t *q = c->rt->d->queries;
	rg_graph_t *g = c->rt->g;
	uint64_t sum = 0, p = *pos;
	switch (c->kind) {
	case K_CSR:
		for (uint64_t k = 0; k < n; k++)
			sum += rgb_q_csr(c->rt->csr, q[p++ & (RGB_NQ - 1)]);
		break;
	case K_PTRCHAIN:
		for (uint64_t k = 0; k < n; k++)
			sum += rgb_q_ptrchain(c->rt->pc, q[p++ & (RGB_NQ - 1)]);
		break;
	case K_SPAN:
	case K_SPAN_INLINE:
		for (uint64_t k = 0; k < n;) {
			rg_read_t *r;
			if (rg_read_begin(g, &r)) {
				rgb_error_count();
				return sum;
			}
			uint64_t e = k + SPAN_BATCH < n ? k + SPAN_BATCH : n;
			if (c->kind == K_SPAN)
				for (; k < e; k++)
					sum += rgb_q_span(r, q[p++ & (RGB_NQ - 1)]);
			else
				for (; k < e; k++)
					sum += rgb_q_span_inline(r, q[p++ & (RGB_NQ - 1)]);
			rg_read_end(r); /* nosync: always 0 */
		}
		break;
	case K_SEC_INLINE:
		if (c->memb)
			for (uint64_t k = 0; k < n; k++)
				sum += rgb_q_inline_memb(g, q[p++ & (RGB_NQ - 1)]);
		else
			for (uint64_t k = 0; k < n; k++)
				sum += rgb_q_inline_nosync(g, q[p++ & (RGB_NQ - 1)]);
		break;
	default:
		for (uint64_t k = 0; k < n; k++)
			sum += rgb_q_section(g, q[p++ & (RGB_NQ - 1)], retries);
		break;
	}
	*pos = p;
	return sum;
}

static void rtc_run(void *arg, rgb_tctx_t *t)
{
	const struct rtc *c = arg;
	uint64_t ops = 0, sum = 0, retries = 0, pos = t->pos;
	rgb_mark_start(t);
	do {
		sum += rt_queries(c, &pos, SPAN_BATCH, &retries);
		ops += SPAN_BATCH;
	} while (!rgb_stopped(t));
	t->pos = pos;
	t->ctr->ops = ops;
	t->ctr->checksum = sum;
	t->aux[0] = retries;
}

static int rt_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	struct rt *a = s->ud;
	return c->policy[0] ? rgb_set_policy(a->g, c->policy) : 0;
}

static int rt_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	struct rt *a = s->ud;
	struct rtc *x = c->arg;
	int reg = x->kind != K_CSR && x->kind != K_PTRCHAIN;
	if (reg && rg_reader_register(a->g))
		return -1;
	uint64_t h = RGB_CK_INIT, pos = 0, retries = 0;
	for (uint64_t i = 0; i < RGB_VERIFY_Q; i++)
		h = rgb_ck_step(h, rt_queries(x, &pos, 1, &retries));
	if (reg)
		rg_reader_unregister(a->g);
	*ck = h;
	return 0;
}

static void rt_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	(void)s;
	job->arg = c->arg;
	job->phase_begin = rtc_begin;
	job->phase_end = rtc_end;
	job->run = rtc_run;
}

static void rt_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	struct rtc *x = c->arg;
	(void)s;
	snprintf(r->unit, sizeof r->unit, "queries");
	rgb_extra(r, "path=%s;sections_per_query=%s", kname[x->kind],
		  x->kind == K_CSR || x->kind == K_PTRCHAIN ? "0" : (x->kind == K_SPAN || x->kind == K_SPAN_INLINE) ? "1/256" : "1");
	if (res->aux[0])
		rgb_extra(r, "read_retries=%llu", (unsigned long long)res->aux[0]);
}

/* Adds kind k under sync at every thread count; returns the index at each. */
static void add_kind(rgb_study_t *s, struct rtc *pool, int *npool, struct rt *a, const char *gv,
		     const char *phase, int k, const char *sync, const int *thr, int nt, int *idx)
{
	char v[96];
	snprintf(v, sizeof v, "%s:%s:%s", gv, phase, kname[k]);
	for (int t = 0; t < nt; t++) {
		struct rtc *x = &pool[(*npool)++];
		*x = (struct rtc){.rt = a, .kind = k, .memb = !strcmp(sync, "rcu-memb")};
		int ref = k == K_CSR || k == K_PTRCHAIN;
		int i = rgb_cfg_add(s, v, ref ? kname[k] : sync, ref ? NULL : sync, thr[t], k);
		s->cfg[i].arg = x;
		idx[t] = i;
	}
}

static void rt_hooks(rgb_study_t *s, struct rt *a)
{
	s->ud = a;
	s->enter = rt_enter;
	s->verify = rt_verify;
	s->job = rt_job;
	s->row = rt_row;
}

/* ---------------- the edits ---------------- */

static uint64_t pair_key(uint64_t s, uint64_t d)
{
	return rgb_mix64(s * 0x9E3779B97F4A7C15ull ^ (d + 0x632BE59BD9B4E019ull)) | 1;
}

/* Set of (src, dst) pairs: open addressing on pair_key, keys stored with
 * the pair for exactness. */
struct pairset {
	uint64_t *k, *s, *d;
	uint64_t cap;
};

static int ps_init(struct pairset *p, uint64_t n)
{
	p->cap = 16;
	while (p->cap < 2 * n + 16)
		p->cap <<= 1;
	p->k = calloc(p->cap, sizeof *p->k);
	p->s = malloc(p->cap * sizeof *p->s);
	p->d = malloc(p->cap * sizeof *p->d);
	return p->k && p->s && p->d ? 0 : -1;
}

static int ps_has(const struct pairset *p, uint64_t s, uint64_t d, uint64_t *slot)
{
	uint64_t key = pair_key(s, d), i = key & (p->cap - 1);
	for (; p->k[i]; i = (i + 1) & (p->cap - 1))
		if (p->k[i] == key && p->s[i] == s && p->d[i] == d)
			return 1;
	if (slot)
		*slot = i;
	return 0;
}

static void ps_add(struct pairset *p, uint64_t s, uint64_t d)
{
	uint64_t i;
	if (ps_has(p, s, d, &i))
		return;
	p->k[i] = pair_key(s, d);
	p->s[i] = s;
	p->d[i] = d;
}

static void ps_free(struct pairset *p)
{
	free(p->k);
	free(p->s);
	free(p->d);
}

/* 10% inserts then 1% deletions (of the edges then present) on g, in
 * transactions; *out_src/out_dst/out_m get the resulting edge list. */
static int edit_graph(rg_graph_t *g, const rgb_data_t *d, uint64_t **out_src, uint64_t **out_dst,
		      uint64_t *out_m, uint64_t *nins, uint64_t *ndel)
{
	uint64_t m = d->el.n_edges, mi = m / 10, mt = m + mi;
	uint64_t *src = malloc(mt * sizeof *src), *dst = malloc(mt * sizeof *dst);
	rg_edge_in_t *batch = malloc(10000 * sizeof *batch);
	struct pairset del = {0};
	int rc = -1;
	if (!src || !dst || !batch)
		goto out;
	memcpy(src, d->el.src, m * sizeof *src);
	memcpy(dst, d->el.dst, m * sizeof *dst);
	uint64_t rng = rgb_mix64(rgb_o.seed ^ 0xed17) | 1;
	if (rgb_set_policy(g, "rcu-memb"))
		goto out;
	for (uint64_t i = m; i < mt;) {
		uint64_t n = 0;
		for (; n < 10000 && i < mt; n++, i++) {
			src[i] = d->ids[rgb_rand(&rng) % d->nids];
			dst[i] = d->ids[rgb_rand(&rng) % d->nids];
			batch[n] = (rg_edge_in_t){.src = src[i], .dst = dst[i]};
		}
		rg_txn_t *t;
		int e = rg_txn_begin(g, &t);
		if (!e && (e = rg_txn_add_edges(t, batch, n, NULL)))
			rg_txn_abort(t);
		else if (!e)
			e = rg_txn_commit(t, NULL);
		if (e) {
			fprintf(stderr, "rgbench: readtargets: inserting edges: %s\n", rg_strerror(e));
			goto out;
		}
	}
	*nins = mi;
	uint64_t nd = mt / 100;
	if (ps_init(&del, nd))
		goto out;
	*ndel = 0;
	for (uint64_t i = 0; i < nd;) {
		rg_txn_t *t;
		int e = rg_txn_begin(g, &t);
		for (uint64_t n = 0; !e && n < 1000 && i < nd; n++, i++) {
			uint64_t k = rgb_rand(&rng) % mt;
			if (ps_has(&del, src[k], dst[k], NULL))
				continue; /* every copy of that pair is already gone */
			/* removes EVERY edge src->dst (parallel edges included) */
			e = rg_txn_del_edge(t, src[k], dst[k], RG_TYPE_ANY);
			ps_add(&del, src[k], dst[k]);
			(*ndel)++;
		}
		if (e) {
			rg_txn_abort(t);
			fprintf(stderr, "rgbench: readtargets: deleting edges: %s\n", rg_strerror(e));
			goto out;
		}
		if ((e = rg_txn_commit(t, NULL))) {
			fprintf(stderr, "rgbench: readtargets: deleting edges: %s\n", rg_strerror(e));
			goto out;
		}
	}
	uint64_t w = 0;
	for (uint64_t i = 0; i < mt; i++)
		if (!ps_has(&del, src[i], dst[i], NULL)) {
			src[w] = src[i];
			dst[w] = dst[i];
			w++;
		}
	*out_src = src;
	*out_dst = dst;
	*out_m = w;
	src = dst = NULL;
	rc = 0;
out:
	free(src);
	free(dst);
	free(batch);
	ps_free(&del);
	return rc;
}

/* ---------------- one graph ---------------- */

static int one_graph(const char *gv, const char *spec, const int *thr, int nt)
{
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	struct rt a = {.d = d};
	rgb_statcsr_t csr = {0}, csr2 = {0};
	rgb_ptrchain_t pc = {0};
	rgb_study_t *s = calloc(1, sizeof *s);
	struct rtc *pool = calloc(RGB_MAX_CFG, sizeof *pool);
	uint64_t *esrc = NULL, *edst = NULL;
	int np = 0, rc = -1;
	if (!s || !pool)
		goto out;
	double t0 = bu_now();
	if (!(a.g = rgb_graph_build("nosync", d, NULL)) ||
	    rgb_statcsr_build(&csr, d->el.src, d->el.dst, d->el.n_edges))
		goto out;
	rg_stats_t st;
	rg_stats_get(a.g, &st);
	if (!st.dense) {
		fprintf(stderr, "rgbench: readtargets: %s is not dense (ids are not slots): the "
				"static CSR would not do the same work\n", spec);
		goto out;
	}
	a.csr = &csr;
	fprintf(stderr, "rgbench: readtargets %s: %s built, packed and mirrored in %.1f s\n", gv, spec,
		bu_now() - t0);
	/* phase 1: packed */
	char name[64];
	snprintf(name, sizeof name, "readtargets %s packed", gv);
	rgb_study_init(s, "readtargets", name, d);
	int csr_i[RGB_MAX_LIST], span[RGB_MAX_LIST], spani[RGB_MAX_LIST], sin[RGB_MAX_LIST],
		sim[RGB_MAX_LIST], sen[RGB_MAX_LIST], sem[RGB_MAX_LIST];
	add_kind(s, pool, &np, &a, gv, "packed", K_CSR, "csr", thr, nt, csr_i);
	add_kind(s, pool, &np, &a, gv, "packed", K_SPAN, "nosync", thr, nt, span);
	add_kind(s, pool, &np, &a, gv, "packed", K_SPAN_INLINE, "nosync", thr, nt, spani);
	add_kind(s, pool, &np, &a, gv, "packed", K_SEC_INLINE, "nosync", thr, nt, sin);
	add_kind(s, pool, &np, &a, gv, "packed", K_SEC_INLINE, "rcu-memb", thr, nt, sim);
	add_kind(s, pool, &np, &a, gv, "packed", K_SEC, "nosync", thr, nt, sen);
	add_kind(s, pool, &np, &a, gv, "packed", K_SEC, "rcu-memb", thr, nt, sem);
	for (int t = 0; t < nt; t++) {
		s->cfg[span[t]].ref = s->cfg[spani[t]].ref = s->cfg[sin[t]].ref = s->cfg[sen[t]].ref =
			csr_i[t];
		s->cfg[sim[t]].ref = sin[t];
		s->cfg[sem[t]].ref = sen[t];
		s->cfg[sim[t]].flags |= RGB_CFG_CEILING;
		s->cfg[sem[t]].flags |= RGB_CFG_CEILING;
		rgb_cfg_add_aa(s, sen[t]);
		rgb_study_compare(s, span[t], csr_i[t], "t14-span/csr");
		rgb_study_compare(s, spani[t], csr_i[t], "t14-span-inline/csr");
		rgb_study_compare(s, sin[t], csr_i[t], "t14-section-inline-nosync/csr");
		rgb_study_compare(s, sim[t], csr_i[t], "t14-section-inline-rcu-memb/csr");
		rgb_study_compare(s, sim[t], sin[t], "t14-rcu-memb/nosync-inline");
		rgb_study_compare(s, sem[t], sen[t], "t14-rcu-memb/nosync-exported");
	}
	rgb_study_link(s, NULL, NULL, 0); /* speedups: every kind at T vs 1 thread */
	rt_hooks(s, &a);
	if (rgb_study_run(s))
		goto out;
	rgb_study_free(s);
	/* phase 2: edited, unpacked */
	uint64_t em = 0, nins = 0, ndel = 0;
	t0 = bu_now();
	if (edit_graph(a.g, d, &esrc, &edst, &em, &nins, &ndel) ||
	    rgb_statcsr_build(&csr2, esrc, edst, em) || rgb_ptrchain_build(&pc, &csr2, rgb_o.seed))
		goto out;
	rg_stats_get(a.g, &st);
	fprintf(stderr, "rgbench: readtargets %s: %llu edges inserted, %llu pairs deleted (%llu "
			"edges left, %llu of %llu nodes still on the pack's fast path) in %.1f s\n",
		gv, (unsigned long long)nins, (unsigned long long)ndel, (unsigned long long)em,
		(unsigned long long)st.pack_clean_nodes, (unsigned long long)st.nodes, bu_now() - t0);
	a.csr = &csr2;
	a.pc = &pc;
	snprintf(name, sizeof name, "readtargets %s edited", gv);
	rgb_study_init(s, "readtargets", name, d);
	np = 0;
	add_kind(s, pool, &np, &a, gv, "edited", K_CSR, "csr", thr, nt, csr_i);
	add_kind(s, pool, &np, &a, gv, "edited", K_SPAN, "nosync", thr, nt, span);
	add_kind(s, pool, &np, &a, gv, "edited", K_PTRCHAIN, "ptrchain", thr, nt, spani);
	for (int t = 0; t < nt; t++) {
		s->cfg[span[t]].ref = csr_i[t];
		s->cfg[spani[t]].ref = csr_i[t];
		rgb_cfg_add_aa(s, span[t]);
		rgb_study_compare(s, span[t], csr_i[t], "t14-edited-span/csr");
		/* the explanation of that target: the shape's cost, and the rest */
		rgb_study_compare(s, spani[t], csr_i[t], "edited-ptrchain/csr");
		rgb_study_compare(s, span[t], spani[t], "edited-span/ptrchain");
	}
	rgb_study_link(s, NULL, NULL, 0);
	rt_hooks(s, &a);
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	free(s);
	free(pool);
	free(esrc);
	free(edst);
	rgb_statcsr_free(&csr);
	rgb_statcsr_free(&csr2);
	rgb_ptrchain_free(&pc);
	rgb_graph_close(a.g);
	return rc;
}

static int readtargets_run(void)
{
	static const int dthr[] = {1, 2};
	int thr[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dthr, 2);
	char cache[128], dram[128];
	snprintf(cache, sizeof cache, "uniform:n=16384,deg=16,seed=%llu", (unsigned long long)rgb_o.seed);
	snprintf(dram, sizeof dram, "rmat:scale=%d,ef=16,seed=%llu", rgb_o.quick ? 18 : 20,
		 (unsigned long long)rgb_o.seed);
	int rc = 0;
	if (rgb_o.graph) {
		if (rgb_variant_on("custom", 1))
			rc |= one_graph("custom", rgb_o.graph, thr, nt);
		return rc;
	}
	if (rgb_variant_on("cache", 1))
		rc |= one_graph("cache", cache, thr, nt);
	if (rgb_variant_on("dram", 1))
		rc |= one_graph("dram", dram, thr, nt);
	return rc;
}

RGB_WORKLOAD(readtargets, 15,
	     "issue 14's read targets: span vs static CSR, inline vs exported sections, edited "
	     "graph; cache- and DRAM-resident, 1 and 2 threads",
	     1, variants, readtargets_run)
