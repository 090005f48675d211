/*
 * wl_traversal.c - parallel traversal, sequential vs parallel (the old
 * scenario 3, done honestly).
 *
 * Variants (kind-seq runs on the calling thread, kind-par with RG_EXEC_PAR
 * and rg_exec.threads = the threads column):
 *   2hop-single  nodes at distance exactly 2 from one root
 *   batch50      the same for a batch of 50 roots (one rg_khop_batch call)
 *   bfs          full BFS (unlimited depth) from one root
 *   pagerank     10 PageRank iterations over the whole snapshot
 * One driver thread loops over queries (each in its own read section) for
 * the trial duration; the parallel path's OpenMP workers join inside each
 * query. unit: roots (a batch counts its 50 roots), pagerank: runs.
 * checksum: the query's own result checksum (traverse.h) over a fixed set of
 * roots, computed before timing: seq and par rows of a kind must be equal
 * (same semantics, same snapshot); the summary checks it.
 */
#include <rcugraph/traverse.h>

#include "rgbench.h"

extern atomic_ulong rgb_errors;

enum { K_2HOP, K_BATCH, K_BFS, K_PR, K_N };
static const char *const kind_name[K_N] = {"2hop-single", "batch50", "bfs", "pagerank"};

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
			atomic_fetch_add_explicit(&rgb_errors, 1, memory_order_relaxed);
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
			atomic_fetch_add_explicit(&rgb_errors, 1, memory_order_relaxed);
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
	rg_reader_register(a->g);
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

struct tvcfg {
	struct tv a;
	const char *sync;
	char variant[64];
	int threads;
	uint64_t verify;
};

static void tv_on_trial(void *ud, int trial, const rgb_result_t *res)
{
	struct tvcfg *c = ud;
	rgb_row_t r;
	rgb_row_init(&r, "traversal", c->variant, c->sync, c->threads, trial);
	rgb_row_graph(&r, c->a.d);
	r.ops = res->ops;
	r.throughput = (double)res->ops / res->elapsed;
	snprintf(r.unit, sizeof r.unit, "%s", c->a.kind == K_PR ? "runs" : "roots");
	r.has_checksum = 1;
	r.checksum = c->verify;
	rgb_extra(&r, "elapsed_s=%.6f;edges_per_s=%.6g", res->elapsed,
		  (double)res->aux[0] / res->elapsed);
	rgb_emit(&r);
}

int wl_traversal(void)
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
	rgb_progress_begin("traversal", ns * K_N * (1 + nt));
	for (int s = 0; s < ns; s++)
		for (int k = 0; k < K_N; k++)
			for (int p = -1; p < nt; p++) { /* p = -1: sequential */
				struct tvcfg c = {.sync = syncs[s], .threads = p < 0 ? 1 : thr[p]};
				snprintf(c.variant, sizeof c.variant, "%s-%s", kind_name[k],
					 p < 0 ? "seq" : "par");
				rgb_progress_step("%s sync=%s threads=%d", c.variant, syncs[s], c.threads);
				rg_graph_t *g = rgb_graph_build(syncs[s], d, NULL);
				if (!g)
					return -1;
				c.a = (struct tv){.g = g, .d = d, .kind = k,
						  .mode = p < 0 ? RG_EXEC_SEQ : RG_EXEC_PAR,
						  .threads = c.threads};
				/* equal-work check: the same fixed roots, before timing */
				rg_reader_register(g);
				uint64_t pos = 0, edges = 0;
				c.verify = 0x9E3779B97F4A7C15ull;
				int reps = k == K_PR ? 1 : k == K_BATCH ? 2 : 8;
				for (int i = 0; i < reps; i++) {
					uint64_t ck = 0;
					tv_query(&c.a, &pos, &ck, &edges);
					c.verify = rgb_mix64(c.verify ^ ck);
				}
				rg_reader_unregister(g);
				rgb_job_t job = {.nthreads = 1, .arg = &c.a, .phase_begin = tv_begin,
						 .phase_end = tv_end, .run = tv_run};
				rgb_run(&job, rgb_o.trials, rgb_o.warmup, rgb_o.duration, tv_on_trial, &c);
				rgb_graph_close(g);
			}
	rgb_flush_workload("traversal");
	for (int s = 0; s < ns; s++)
		for (int k = 0; k < K_N; k++) {
			char v[64];
			snprintf(v, sizeof v, "%s-seq", kind_name[k]);
			double seq = rgb_median("traversal", v, syncs[s], 1, -1);
			printf("traversal %s %-11s par/seq:", syncs[s], kind_name[k]);
			snprintf(v, sizeof v, "%s-par", kind_name[k]);
			for (int p = 0; p < nt; p++) {
				double par = rgb_median("traversal", v, syncs[s], thr[p], -1);
				if (seq > 0 && par > 0)
					printf(" %dT %.2fx", thr[p], par / seq);
			}
			int eq = rgb_checksums_equal("traversal", kind_name[k]);
			printf("  | seq and par results %s\n",
			       eq == 1 ? "identical (checksum)" : "DIFFER (checksum)");
		}
	return 0;
}
