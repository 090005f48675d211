/*
 * wl_traversal.c - parallel traversal, sequential vs parallel, on one
 * packed graph (the old scenario 3, done honestly).
 *
 * Kinds (--variant selects): 2hop-single (nodes at distance exactly 2
 * from one root), batch50 (the same for 50 roots in one rg_khop_batch
 * call), bfs (unlimited depth), pagerank (10 iterations). Configurations:
 * KIND-seq on the calling thread (threads = 1, RG_EXEC_SEQ; pinned), and
 * KIND-par with RG_EXEC_PAR and rg_exec.threads = the threads column (the
 * driver thread is NOT pinned, so that its OpenMP team may use every CPU;
 * cpus column "omp"). One driver thread loops over queries, each in its
 * own read section. unit: roots (a batch counts 50), pagerank: runs.
 *
 * One study per policy (default rcu-memb): KIND-par@T's ratio is to
 * KIND-seq (with an A/A copy of each KIND-seq); its speedup, the hard
 * check against T, is to KIND-par at 1 thread (the same code path). Equal work: seq and par of a kind must give
 * the same result checksum (traverse.h) on a fixed set of roots.
 */
#include <rcugraph/traverse.h>

#include "rgbench.h"

enum { K_2HOP, K_BATCH, K_BFS, K_PR, K_N };
static const char *const kind_name[K_N + 1] = {"2hop-single", "batch50", "bfs", "pagerank", NULL};

struct tv {
	rg_graph_t *g;
	const rgb_data_t *d;
	int kind;
	int mode;    /* RG_EXEC_SEQ / RG_EXEC_PAR */
	int threads; /* rg_exec.threads */
};

/* One query in its own read section (retried on RG_ERETRY). Returns the
 * number of roots done (0 on error), the result checksum in *ck and the
 * edges examined in *edges. */
static uint64_t tv_query(struct tv *a, uint64_t *pos, uint64_t *ck, uint64_t *edges)
{
	const uint64_t *q = a->d->queries;
	uint64_t roots[50];
	size_t nroots = a->kind == K_BATCH ? 50 : 1;
	for (size_t i = 0; i < nroots; i++)
		roots[i] = q[(*pos)++ & (RGB_NQ - 1)];
	for (int attempt = 0; attempt < 100; attempt++) {
		rg_read_t *r;
		if (rg_read_begin(a->g, &r)) {
			rgb_error_count();
			return 0;
		}
		rg_exec_t ex;
		rg_exec_init(&ex);
		ex.mode = a->mode;
		ex.threads = a->threads;
		uint64_t c = 0;
		int rc = 0;
		if (a->kind == K_2HOP) {
			rg_nodeset_t s = {0};
			rc = rg_khop(r, roots[0], 2, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, &ex, &s);
			c = rg_nodeset_checksum(&s);
			rg_nodeset_free(&s);
		} else if (a->kind == K_BATCH) {
			rg_nodeset_t s[50];
			memset(s, 0, sizeof s);
			rc = rg_khop_batch(r, roots, 50, 2, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, &ex, s);
			for (int i = 0; i < 50; i++) {
				c = rgb_mix64(c ^ rg_nodeset_checksum(&s[i]));
				rg_nodeset_free(&s[i]);
			}
		} else if (a->kind == K_BFS) {
			rg_bfs_t b = {0};
			rc = rg_bfs(r, roots[0], RG_BFS_UNLIMITED, RG_OUT, RG_TYPE_ANY, &ex, &b);
			c = rg_bfs_checksum(&b);
			rg_bfs_free(&b);
		} else {
			rg_pagerank_opts_t po;
			rg_pagerank_opts_init(&po);
			po.max_iter = 10;
			po.tol = 0;
			rg_pagerank_t p = {0};
			rc = rg_pagerank(r, &po, &ex, &p);
			c = rg_pagerank_checksum(&p);
			rg_pagerank_free(&p);
		}
		int end = rg_read_end(r);
		if (rc == RG_ERETRY || end == RG_ERETRY)
			continue;
		if (rc) {
			rgb_error_count();
			return 0;
		}
		*ck = c;
		*edges += ex.edges;
		return nroots;
	}
	return 0;
}

static void tv_begin(void *arg, rgb_tctx_t *t)
{
	(void)t;
	struct tv *a = arg;
	if (rg_reader_register(a->g))
		rgb_error_count();
}

static void tv_end(void *arg, rgb_tctx_t *t)
{
	(void)t;
	struct tv *a = arg;
	rg_reader_unregister(a->g);
}

static void tv_run(void *arg, rgb_tctx_t *t)
{
	struct tv *a = arg;
	uint64_t ops = 0, sum = 0, edges = 0, pos = t->pos;
	rgb_mark_start(t);
	do {
		uint64_t ck = 0;
		ops += tv_query(a, &pos, &ck, &edges);
		sum += ck;
		rg_reader_quiescent(a->g);
	} while (!rgb_stopped(t));
	t->pos = pos;
	t->ctr->ops = ops;
	t->ctr->checksum = sum;
	t->aux[0] = edges;
}

static int tv_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	return rgb_set_policy(((struct tv *)c->arg)->g, c->policy);
}

static int tv_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	(void)s;
	struct tv *a = c->arg;
	if (rg_reader_register(a->g))
		return -1;
	uint64_t pos = 0, edges = 0, h = 0x9E3779B97F4A7C15ull;
	int reps = a->kind == K_PR ? 1 : a->kind == K_BATCH ? 2 : 8;
	for (int i = 0; i < reps; i++) {
		uint64_t x = 0;
		tv_query(a, &pos, &x, &edges);
		h = rgb_mix64(h ^ x);
	}
	rg_reader_unregister(a->g);
	*ck = h;
	return 0;
}

static void tv_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	(void)s;
	struct tv *a = c->arg;
	job->nthreads = 1; /* one driver; par: its OpenMP team of a->threads */
	job->arg = a;
	job->no_pin = a->mode == RG_EXEC_PAR;
	job->phase_begin = tv_begin;
	job->phase_end = tv_end;
	job->run = tv_run;
}

static void tv_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	(void)s;
	struct tv *a = c->arg;
	snprintf(r->unit, sizeof r->unit, "%s", a->kind == K_PR ? "runs" : "roots");
	if (a->mode == RG_EXEC_PAR)
		snprintf(r->cpus, sizeof r->cpus, "omp");
	rgb_extra(r, "edges_per_s=%.6g;exec=%s", (double)res->aux[0] / res->elapsed,
		  a->mode == RG_EXEC_PAR ? "par" : "seq");
}

static int traversal_run(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const char *const dflt_sync[] = {"rcu-memb", NULL};
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, dflt_sync);
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	rg_graph_t *g = rgb_graph_build(syncs[0], d, NULL);
	rgb_study_t *s = calloc(1, sizeof *s);
	struct tv *pool = calloc((size_t)K_N * (size_t)(nt + 1), sizeof *pool);
	int rc = g && s && pool ? 0 : -1;
	for (int k = 0; k < ns && !rc; k++) {
		char name[64];
		snprintf(name, sizeof name, "traversal %s", syncs[k]);
		rgb_study_init(s, "traversal", name, d);
		int np = 0;
		for (int kind = 0; kind < K_N; kind++) {
			if (!rgb_variant_on(kind_name[kind], 1))
				continue;
			char v[64];
			snprintf(v, sizeof v, "%s-seq", kind_name[kind]);
			struct tv *a = &pool[np++];
			*a = (struct tv){.g = g, .d = d, .kind = kind, .mode = RG_EXEC_SEQ, .threads = 1};
			int seq = rgb_cfg_add(s, v, syncs[k], syncs[k], 1, kind);
			s->cfg[seq].arg = a;
			s->cfg[seq].group = kind;
			rgb_cfg_add_aa(s, seq);
			snprintf(v, sizeof v, "%s-par", kind_name[kind]);
			int par1 = -1;
			for (int t = 0; t < nt; t++) {
				a = &pool[np++];
				*a = (struct tv){.g = g, .d = d, .kind = kind, .mode = RG_EXEC_PAR,
						 .threads = thr[t]};
				int p = rgb_cfg_add(s, v, syncs[k], syncs[k], thr[t], kind);
				s->cfg[p].arg = a;
				s->cfg[p].group = kind;
				/* ratio: par / seq; speedup (the hard check): par at T
				 * threads / par at 1 (the same code; seq is another one) */
				s->cfg[p].ref = seq;
				if (thr[t] == 1)
					par1 = p;
			}
			for (int i = 0; i < s->ncfg && par1 >= 0; i++)
				if (!strcmp(s->cfg[i].variant, v) && s->cfg[i].threads > 1)
					s->cfg[i].one = par1;
		}
		s->enter = tv_enter;
		s->verify = tv_verify;
		s->job = tv_job;
		s->row = tv_row;
		rc = rgb_study_run(s);
		rgb_study_free(s);
	}
	free(pool);
	free(s);
	rgb_graph_close(g);
	return rc;
}

RGB_WORKLOAD(traversal, 30, "2-hop single root, batch of 50 roots, BFS, PageRank: seq vs par", 1,
	     kind_name, traversal_run)
