/*
 * bench_traverse - the old "parallel traversal" scenario done right.
 *
 * On an R-MAT graph (default scale 18, edge factor 16) held in rcugraph:
 *   - single-root 2-hop (WITHIN, out) and a batch of 50 roots, sequential vs
 *     parallel at 1 and 2 threads and AUTO, checksums compared;
 *   - small inputs (R-MAT scale 10): AUTO vs SEQ, to show the fallback;
 *   - a work sweep (batch size x k) giving the sequential/parallel crossover
 *     that sets RG_PAR_MIN_EDGES_DEFAULT;
 *   - BFS and PageRank throughput (edges examined per second) on the live
 *     snapshot next to the same kernels on a static CSR copy (the ceiling).
 * Trials are duration-based (each repeats the operation for at least
 * --min-time seconds), the OpenMP pool is warmed up before timing, and each
 * number is the median of --trials trials with min and max.
 *
 * Output: CSV rows on stdout (header first), then a summary block of lines
 * starting with '#'. Exit status 1 if any parallel result differed from the
 * sequential one.
 *
 * Usage: bench_traverse [--scale N] [--ef N] [--seed N] [--trials N]
 *                       [--min-time S] [--roots N] [--small-scale N] [--quick]
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rcugraph/csr.h>
#include <rcugraph/load.h>
#include <rcugraph/rcugraph.h>
#include <rcugraph/traverse.h>
#include "benchutil.h" /* bu_cpu_model */

static unsigned g_trials = 5;
static double g_min_time = 0.3;
static int g_fail = 0;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One benchmarked operation: runs once, returns its checksum and edges. */
struct op {
	const char *name;
	const rg_read_t *r;
	const rg_csr_t *c;
	const uint64_t *roots;
	size_t nroots;
	unsigned k;
	int mode, threads;
	uint64_t min_edges;
	int kind; /* 0 k-hop batch, 1 k-hop single, 2 BFS single, 3 PageRank, 4 WCC */
	unsigned pr_iter;
	/* out of the last run */
	uint64_t checksum, edges;
	int par_steps, threads_used;
};

static void run_op(struct op *o)
{
	rg_exec_t ex;
	rg_exec_init(&ex);
	ex.mode = o->mode;
	ex.threads = o->threads;
	ex.par_min_edges = o->min_edges;
	int rc = 0;
	uint64_t h = 0x12345;
	if (o->kind == 0) {
		rg_nodeset_t *outs = malloc(o->nroots * sizeof *outs);
		rc = o->c ? rg_csr_khop_batch(o->c, o->roots, o->nroots, o->k, RG_KHOP_WITHIN, RG_OUT,
					      RG_TYPE_ANY, &ex, outs)
			  : rg_khop_batch(o->r, o->roots, o->nroots, o->k, RG_KHOP_WITHIN, RG_OUT,
					  RG_TYPE_ANY, &ex, outs);
		for (size_t i = 0; !rc && i < o->nroots; i++) {
			h = mix(h ^ rg_nodeset_checksum(&outs[i]));
			rg_nodeset_free(&outs[i]);
		}
		free(outs);
	} else if (o->kind == 1) {
		rg_nodeset_t s;
		rc = o->c ? rg_csr_khop(o->c, o->roots[0], o->k, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY,
					&ex, &s)
			  : rg_khop(o->r, o->roots[0], o->k, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, &ex,
				    &s);
		if (!rc)
			h = rg_nodeset_checksum(&s);
		rg_nodeset_free(&s);
	} else if (o->kind == 2) {
		rg_bfs_t b;
		rc = o->c ? rg_csr_bfs(o->c, o->roots[0], RG_BFS_UNLIMITED, RG_OUT, RG_TYPE_ANY, &ex,
				       &b)
			  : rg_bfs(o->r, o->roots[0], RG_BFS_UNLIMITED, RG_OUT, RG_TYPE_ANY, &ex, &b);
		if (!rc)
			h = rg_bfs_checksum(&b);
		rg_bfs_free(&b);
	} else if (o->kind == 3) {
		rg_pagerank_opts_t po;
		rg_pagerank_opts_init(&po);
		po.max_iter = o->pr_iter;
		po.tol = 0;
		rg_pagerank_t p;
		rc = o->c ? rg_csr_pagerank(o->c, &po, &ex, &p) : rg_pagerank(o->r, &po, &ex, &p);
		if (!rc)
			h = rg_pagerank_checksum(&p);
		rg_pagerank_free(&p);
	} else {
		rg_wcc_t w;
		rc = o->c ? rg_csr_wcc(o->c, RG_TYPE_ANY, &ex, &w) : rg_wcc(o->r, RG_TYPE_ANY, &ex, &w);
		if (!rc)
			h = rg_wcc_checksum(&w);
		rg_wcc_free(&w);
	}
	if (rc) {
		fprintf(stderr, "%s: %s\n", o->name, rg_strerror(rc));
		exit(2);
	}
	o->checksum = h;
	o->edges = ex.edges;
	o->par_steps = ex.par_steps;
	o->threads_used = ex.threads_used;
}

struct result {
	double med, min, max; /* seconds per operation */
	double ratio;         /* median over trials of (reference time / this time) */
	uint64_t checksum, edges;
	int par_steps, threads_used;
};

/* Time of one trial: repeat the operation for at least g_min_time. */
static double trial(struct op *o)
{
	unsigned reps = 0;
	double t0 = now(), el;
	do {
		run_op(o);
		reps++;
		el = now() - t0;
	} while (el < g_min_time);
	return el / reps;
}

/*
 * Measures n operations round-robin: every trial runs each of them once
 * (each for >= g_min_time), so they share the same machine noise; ratios
 * are taken within a trial against ops[0] and their median reported.
 */
static void measure_rr(struct op *ops, int n, struct result *res)
{
	double t[8][64];
	unsigned nt = g_trials < 64 ? g_trials : 64;
	for (int i = 0; i < n; i++)
		run_op(&ops[i]); /* warm-up (caches, allocator, pool) */
	for (unsigned k = 0; k < nt; k++)
		for (int i = 0; i < n; i++)
			t[i][k] = trial(&ops[i]);
	for (int i = 0; i < n; i++) {
		double rt[64], st[64];
		for (unsigned k = 0; k < nt; k++) {
			rt[k] = t[0][k] / t[i][k];
			st[k] = t[i][k];
		}
		qsort(st, nt, sizeof st[0], cmp_d);
		qsort(rt, nt, sizeof rt[0], cmp_d);
		res[i] = (struct result){st[nt / 2], st[0], st[nt - 1], rt[nt / 2],
					 ops[i].checksum, ops[i].edges, ops[i].par_steps,
					 ops[i].threads_used};
	}
}

static void row(const char *cs, const char *impl, const char *mode, int threads,
		const struct result *r)
{
	printf("%s,%s,%s,%d,%u,%.9f,%.9f,%.9f,%llu,%.0f,%.3f,%d,%d,%016llx\n", cs, impl, mode,
	       threads, g_trials, r->med, r->min, r->max, (unsigned long long)r->edges,
	       r->edges / r->med, r->ratio, r->par_steps, r->threads_used,
	       (unsigned long long)r->checksum);
	fflush(stdout);
}

static const char *mode_name(int m)
{
	return m == RG_EXEC_SEQ ? "seq" : m == RG_EXEC_PAR ? "par" : "auto";
}

/* seq, par@1, par@2, auto@2 for one case, measured round-robin. */
static void sweep_modes(const char *cs, struct op base, struct result out[4])
{
	const int modes[4] = {RG_EXEC_SEQ, RG_EXEC_PAR, RG_EXEC_PAR, RG_EXEC_AUTO};
	const int thr[4] = {1, 1, 2, 2};
	struct op ops[4];
	for (int i = 0; i < 4; i++) {
		ops[i] = base;
		ops[i].name = cs;
		ops[i].mode = modes[i];
		ops[i].threads = thr[i];
	}
	measure_rr(ops, 4, out);
	for (int i = 0; i < 4; i++) {
		row(cs, base.c ? "csr" : "live", mode_name(modes[i]), thr[i], &out[i]);
		if (out[i].checksum != out[0].checksum) {
			fprintf(stderr, "CHECKSUM MISMATCH in %s: %s@%d\n", cs, mode_name(modes[i]),
				thr[i]);
			g_fail = 1;
		}
	}
}

static rg_graph_t *build(unsigned scale, unsigned ef, uint64_t seed, double *secs)
{
	rg_edgelist_t el;
	int rc = rg_gen_rmat(&el, scale, ef, 0, 0, 0, seed);
	if (rc) {
		fprintf(stderr, "rg_gen_rmat: %s\n", rg_strerror(rc));
		exit(2);
	}
	rg_graph_t *g;
	if ((rc = rg_open(&g, NULL)) != 0) {
		fprintf(stderr, "rg_open: %s\n", rg_strerror(rc));
		exit(2);
	}
	double t0 = now();
	rc = rg_edgelist_insert(g, &el, 0, 0, NULL);
	*secs = now() - t0;
	rg_edgelist_free(&el);
	if (rc) {
		fprintf(stderr, "insert: %s\n", rg_strerror(rc));
		exit(2);
	}
	rg_reader_register(g);
	return g;
}

/* n roots with out-degree > 0, deterministic. */
static size_t pick_roots(const rg_read_t *r, uint64_t *roots, size_t n, uint64_t seed)
{
	uint64_t ns = rg_node_slots(r), s = seed;
	size_t k = 0;
	for (size_t tries = 0; k < n && tries < 1000 * n; tries++) {
		s = mix(s + 0x9E3779B97F4A7C15ULL);
		uint64_t id, deg;
		if (rg_node_at(r, s % ns, &id, NULL) == 0 && rg_degree(r, id, RG_OUT, &deg) == 0 &&
		    deg > 0)
			roots[k++] = id;
	}
	return k;
}

int main(int argc, char **argv)
{
	unsigned scale = 18, ef = 16, small_scale = 10, nroots = 50;
	uint64_t seed = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--scale") && i + 1 < argc)
			scale = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--ef") && i + 1 < argc)
			ef = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--trials") && i + 1 < argc)
			g_trials = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--min-time") && i + 1 < argc)
			g_min_time = atof(argv[++i]);
		else if (!strcmp(argv[i], "--roots") && i + 1 < argc)
			nroots = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--small-scale") && i + 1 < argc)
			small_scale = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--quick")) {
			g_trials = 3;
			g_min_time = 0.05;
		} else {
			fprintf(stderr, "usage: %s [--scale N] [--ef N] [--seed N] [--trials N] "
					"[--min-time S] [--roots N] [--small-scale N] [--quick]\n",
				argv[0]);
			return 2;
		}
	}
	if (g_trials < 1 || nroots < 1 || nroots > 4096) {
		fprintf(stderr, "bad --trials or --roots\n");
		return 2;
	}
	char cpu[256];
	snprintf(cpu, sizeof cpu, "%s", bu_cpu_model());
	const char *wp = getenv("OMP_WAIT_POLICY");

	double ins_s;
	rg_graph_t *g = build(scale, ef, seed, &ins_s);
	rg_read_t *r;
	rg_read_begin(g, &r);
	double t0 = now();
	rg_csr_t *c;
	if (rg_csr_build(r, &c)) {
		fprintf(stderr, "csr build failed\n");
		return 2;
	}
	double csr_s = now() - t0;
	double csr_mib = rg_csr_bytes(c) / 1048576.0;

	/* warm the OpenMP pool: threads exist before any timing */
#pragma omp parallel num_threads(2)
	{
		volatile int x = omp_get_thread_num();
		(void)x;
	}

	uint64_t *roots = malloc(nroots * sizeof *roots);
	size_t nr = pick_roots(r, roots, nroots, seed * 7 + 1);
	/* single root: the batch root with the median 2-hop work */
	uint64_t single = roots[0];
	{
		uint64_t *w = malloc(nr * sizeof *w), *ws = malloc(nr * sizeof *ws);
		for (size_t i = 0; i < nr; i++) {
			rg_exec_t ex;
			rg_exec_init(&ex);
			ex.mode = RG_EXEC_SEQ;
			rg_nodeset_t s;
			rg_khop(r, roots[i], 2, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, &ex, &s);
			rg_nodeset_free(&s);
			w[i] = ws[i] = ex.edges;
		}
		for (size_t i = 1; i < nr; i++)
			for (size_t j = i; j > 0 && ws[j - 1] > ws[j]; j--) {
				uint64_t t = ws[j];
				ws[j] = ws[j - 1];
				ws[j - 1] = t;
			}
		for (size_t i = 0; i < nr; i++)
			if (w[i] == ws[nr / 2])
				single = roots[i];
		free(w);
		free(ws);
	}

	printf("case,impl,mode,threads,trials,median_s,min_s,max_s,edges,edges_per_s,"
	       "speedup_vs_seq,par_steps,threads_used,checksum\n");

	struct op base = {.r = r, .roots = roots, .nroots = nr, .k = 2, .pr_iter = 10};
	struct result b2[4], s2[4], bc[4], bfs_l[4], bfs_c[4], pr_l[4], pr_c[4], wcc_l[4],
		wcc_c[4];
	struct op o = base;
	o.kind = 0;
	sweep_modes("batch_2hop", o, b2);
	o.c = c;
	sweep_modes("batch_2hop", o, bc);
	o = base;
	o.kind = 1;
	o.roots = &single;
	o.nroots = 1;
	sweep_modes("single_2hop", o, s2);
	o.kind = 2;
	sweep_modes("bfs_full", o, bfs_l);
	o.c = c;
	sweep_modes("bfs_full", o, bfs_c);
	o = base;
	o.kind = 3;
	sweep_modes("pagerank10", o, pr_l);
	o.c = c;
	sweep_modes("pagerank10", o, pr_c);
	o = base;
	o.kind = 4;
	sweep_modes("wcc", o, wcc_l);
	o.c = c;
	sweep_modes("wcc", o, wcc_c);
	if (bc[0].checksum != b2[0].checksum || bfs_c[0].checksum != bfs_l[0].checksum ||
	    pr_c[0].checksum != pr_l[0].checksum || wcc_c[0].checksum != wcc_l[0].checksum) {
		fprintf(stderr, "CHECKSUM MISMATCH live vs csr\n");
		g_fail = 1;
	}

	/* Work sweep: batches of b roots, k = 1 and 2, SEQ vs PAR@2 (forced),
	 * to locate the crossover in edges examined per parallel step. */
	struct {
		uint64_t edges;
		double ratio;
	} sw[32];
	int nsw = 0;
	const size_t bsz[] = {2, 4, 8, 16, 50};
	for (unsigned k = 1; k <= 2; k++) {
		for (size_t bi = 0; bi < sizeof bsz / sizeof bsz[0] && bsz[bi] <= nr; bi++) {
			char cs[64];
			snprintf(cs, sizeof cs, "sweep_k%u_b%zu", k, bsz[bi]);
			struct op so = base;
			so.name = cs;
			so.kind = 0;
			so.k = k;
			so.nroots = bsz[bi];
			so.roots = roots + (k == 1 ? 0 : nr - bsz[bi]);
			struct op pair[2] = {so, so};
			pair[0].mode = RG_EXEC_SEQ;
			pair[0].threads = 1;
			pair[1].mode = RG_EXEC_PAR;
			pair[1].threads = 2;
			struct result rr[2];
			measure_rr(pair, 2, rr);
			struct result rs = rr[0], rp = rr[1];
			row(cs, "live", "seq", 1, &rs);
			row(cs, "live", "par", 2, &rp);
			if (rp.checksum != rs.checksum)
				g_fail = 1;
			sw[nsw].edges = rs.edges;
			sw[nsw++].ratio = rp.ratio;
		}
	}
	rg_read_end(r);
	rg_csr_free(c);

	/* Small inputs: the fallback. */
	double small_ins;
	rg_graph_t *gs = build(small_scale, 8, seed + 1, &small_ins);
	rg_read_t *rs;
	rg_read_begin(gs, &rs);
	uint64_t *sroots = malloc(nroots * sizeof *sroots);
	size_t snr = pick_roots(rs, sroots, nroots, seed + 3);
	struct op so = {.r = rs, .roots = sroots, .nroots = snr, .k = 1, .kind = 0};
	struct result sm_b1[4], sm_b2[4], sm_s2[4];
	sweep_modes("small_batch_1hop", so, sm_b1);
	so.k = 2;
	sweep_modes("small_batch_2hop", so, sm_b2);
	so.kind = 1;
	so.nroots = 1;
	sweep_modes("small_single_2hop", so, sm_s2);
	rg_read_end(rs);
	rg_reader_unregister(gs);
	rg_close(gs);
	rg_reader_unregister(g);
	rg_close(g);

	/* summary */
	printf("# cpu: %s; nproc(omp): %d; OMP_WAIT_POLICY=%s\n", cpu, omp_get_num_procs(),
	       wp ? wp : "(unset)");
	printf("# graph: R-MAT scale %u ef %u seed %llu; insert %.2f s; CSR copy %.3f s\n", scale,
	       ef, (unsigned long long)seed, ins_s, csr_s);
	printf("# trials %u x >= %.2f s each; numbers are medians\n", g_trials, g_min_time);
	printf("# batch of %zu roots, 2-hop within/out: seq %.3f ms; par@1 %.2fx, par@2 %.2fx, "
	       "auto@2 %.2fx of seq; target par@2 >= 1.6x: %s\n",
	       nr, b2[0].med * 1e3, b2[1].ratio, b2[2].ratio, b2[3].ratio,
	       b2[2].ratio >= 1.6 ? "MET" : "NOT MET");
	printf("# same batch on the CSR copy: seq %.3f ms; par@2 %.2fx, auto@2 %.2fx\n",
	       bc[0].med * 1e3, bc[2].ratio, bc[3].ratio);
	printf("# single root 2-hop (%llu edges examined): seq %.3f ms; par@1 %.2fx, par@2 %.2fx, "
	       "auto@2 %.2fx (auto ran %d parallel steps)\n",
	       (unsigned long long)s2[0].edges, s2[0].med * 1e3, s2[1].ratio, s2[2].ratio,
	       s2[3].ratio, s2[3].par_steps);
	printf("# checksums seq==par==auto, live==csr: %s\n", g_fail ? "MISMATCH" : "all equal");
	printf("# small inputs (R-MAT scale %u ef 8): auto@2 vs seq: batch 1-hop %.2fx, batch "
	       "2-hop %.2fx, single 2-hop %.2fx (target >= 0.9); forced par@2: %.2fx, %.2fx, "
	       "%.2fx\n",
	       small_scale, sm_b1[3].ratio, sm_b2[3].ratio, sm_s2[3].ratio, sm_b1[2].ratio,
	       sm_b2[2].ratio, sm_s2[2].ratio);
	printf("# BFS full (out, %llu edges): Medges/s live seq %.1f, par@2 %.1f, auto@2 %.1f | "
	       "CSR ceiling seq %.1f, par@2 %.1f, auto@2 %.1f | live/CSR (seq) %.2f\n",
	       (unsigned long long)bfs_l[0].edges, bfs_l[0].edges / bfs_l[0].med / 1e6,
	       bfs_l[2].edges / bfs_l[2].med / 1e6, bfs_l[3].edges / bfs_l[3].med / 1e6,
	       bfs_c[0].edges / bfs_c[0].med / 1e6, bfs_c[2].edges / bfs_c[2].med / 1e6,
	       bfs_c[3].edges / bfs_c[3].med / 1e6, bfs_c[0].med / bfs_l[0].med);
	printf("# PageRank 10 it: Medges/s live seq %.1f, par@2 %.1f, auto@2 %.1f | CSR ceiling "
	       "seq %.1f, par@2 %.1f, auto@2 %.1f | live/CSR (seq) %.2f\n",
	       pr_l[0].edges / pr_l[0].med / 1e6, pr_l[2].edges / pr_l[2].med / 1e6,
	       pr_l[3].edges / pr_l[3].med / 1e6, pr_c[0].edges / pr_c[0].med / 1e6,
	       pr_c[2].edges / pr_c[2].med / 1e6, pr_c[3].edges / pr_c[3].med / 1e6,
	       pr_c[0].med / pr_l[0].med);
	printf("# WCC: Medges/s live seq %.1f, par@2 %.1f | CSR seq %.1f, par@2 %.1f\n",
	       wcc_l[0].edges / wcc_l[0].med / 1e6, wcc_l[2].edges / wcc_l[2].med / 1e6,
	       wcc_c[0].edges / wcc_c[0].med / 1e6, wcc_c[2].edges / wcc_c[2].med / 1e6);
	printf("# CSR copy of the big graph: %.1f MiB (rg_csr_bytes), built in %.3f s\n",
	       csr_mib, csr_s);
	printf("# crossover sweep (edges examined per batch -> par@2/seq):");
	for (int i = 0; i < nsw; i++)
		printf(" %llu->%.2fx", (unsigned long long)sw[i].edges, sw[i].ratio);
	printf("\n# AUTO threshold in use: %u edges (RG_PAR_MIN_EDGES_DEFAULT)\n",
	       RG_PAR_MIN_EDGES_DEFAULT);
	free(roots);
	free(sroots);
	return g_fail;
}
