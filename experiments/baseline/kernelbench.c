/*
 * kernelbench - rcugraph's kernels against the static-CSR baseline
 * (gapcsr.h) on the SAME edge list, in ONE run, head to head.
 *
 * What it does
 *   1. Builds one edge list (rg_gen_from_spec: "rmat:scale=20" ...).
 *   2. Load: per trial, in alternating order, the edge list into a fresh
 *      rcugraph graph (rg_edgelist_insert(g, &el, 0, 0, NULL): one
 *      transaction that builds the packed graph) and into the baseline CSR
 *      (gb_csr_build from the same arrays) at each thread count; prints the
 *      times and the ratio rcugraph_load / csr_build (the target: <= 2).
 *   3. Memory: bytes per edge of the packed graph (rg_stats_t.mem_*) and of
 *      the baseline CSR (gb_csr_bytes).
 *   4. Kernels on a LIVE read section of rcugraph (policy rcu-memb, held for
 *      the whole run; nothing writes meanwhile) and on the baseline: BFS
 *      over out-edges (rg_bfs RG_OUT / gb_bfs OUT), BFS symmetrised (RG_BOTH
 *      / UNDIRECTED), PageRank (20 iterations, tol 0, damping 0.85) and
 *      WCC / CC, at each thread count (1: RG_EXEC_SEQ, k > 1: RG_EXEC_PAR
 *      with k threads; the baseline with k threads). Trial t runs both,
 *      baseline first on even t, rcugraph first on odd t; kernel time only
 *      (CLOCK_MONOTONIC around the call; rcugraph's result arrays are
 *      allocated by the call and are part of it, freeing them is not).
 *      BFS trial t uses the t-th root of one fixed stream of vertices with
 *      out-degree > 0 (gapbench's picker). Every trial compares the
 *      checksums of both results (rg_*_checksum and their gb_ twins):
 *      a mismatch is printed and the exit status is 1.
 *   5. Prints, per kernel and thread count, every trial's ratio
 *      baseline_time / rcugraph_time (> 1: rcugraph faster), their median
 *      with its 95% order-statistics CI (experiments/rgbench/stats.h,
 *      docs/statistics.md) and min/max, and the median times.
 *
 * A measuring tool, not a test: nothing here judges timing. The machine
 * (CPU model, online CPUs, load average before and after, OMP_WAIT_POLICY)
 * is printed with the results.
 *
 * Usage: kernelbench [--graph SPEC] [--threads LIST] [--trials N]
 *                    [--load-trials N] [--kernels bfs,bfsu,pr,cc]
 *                    [--iters N] [--warmup N]
 * Exit: 0 ok, 1 a checksum differed, 2 bad usage or graph, 3 an error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rcugraph/load.h>
#include <rcugraph/rcugraph.h>
#include <rcugraph/traverse.h>

#include "gapcsr.h"
#include "stats.h"

#define MAX_THREADS_LIST 8
#define MAX_TRIALS 1000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int parse_uint(const char *s, unsigned long *out)
{
	char *end = NULL;
	if (!s || !*s || *s == '-')
		return -1;
	*out = strtoul(s, &end, 10);
	return *end ? -1 : 0;
}

static int parse_threads(const char *s, int *list, int *nlist)
{
	char buf[256];
	if (strlen(s) >= sizeof buf)
		return -1;
	strcpy(buf, s);
	*nlist = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned long v;
		if (parse_uint(tok, &v) || v < 1 || v > 1024 || *nlist >= MAX_THREADS_LIST)
			return -1;
		list[(*nlist)++] = (int)v;
	}
	return *nlist ? 0 : -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: kernelbench [--graph SPEC] [--threads LIST] [--trials N]\n"
			"                   [--load-trials N] [--kernels bfs,bfsu,pr,cc]\n"
			"                   [--iters N] [--warmup N]\n");
}

static void print_machine(const char *when)
{
	char model[256] = "unknown", line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f) {
		while (fgets(line, sizeof line, f)) {
			if (!strncmp(line, "model name", 10)) {
				char *c = strchr(line, ':');
				if (c) {
					c++;
					while (*c == ' ' || *c == '\t')
						c++;
					snprintf(model, sizeof model, "%s", c);
					model[strcspn(model, "\n")] = 0;
				}
				break;
			}
		}
		fclose(f);
	}
	char load[128] = "?";
	f = fopen("/proc/loadavg", "r");
	if (f) {
		if (fgets(load, sizeof load, f))
			load[strcspn(load, "\n")] = 0;
		fclose(f);
	}
	const char *wp = getenv("OMP_WAIT_POLICY");
	printf("# machine(%s): cpu=\"%s\" nproc=%ld loadavg=\"%s\" OMP_WAIT_POLICY=%s\n", when,
	       model, sysconf(_SC_NPROCESSORS_ONLN), load, wp ? wp : "(unset)");
}

/* gapbench's BFS roots: the k-th id of one fixed splitmix64 stream that
 * has out-degree > 0. */
static void pick_roots(const gb_csr_t *c, uint64_t *roots, unsigned long count)
{
	uint64_t x = 0x2545F4914F6CDD1DULL;
	for (unsigned long k = 0; k < count; k++) {
		roots[k] = 0;
		for (int tries = 0; tries < 1000000; tries++) {
			x += 0x9E3779B97F4A7C15ULL;
			uint64_t z = x;
			z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
			z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
			z ^= z >> 31;
			uint64_t v = z % c->n;
			if (c->out_off[v + 1] > c->out_off[v]) {
				roots[k] = v;
				break;
			}
		}
	}
}

/* Median, CI and range of per-trial ratios x/y, printed on one line. */
static void summarize(const char *what, int threads, const double *tb, const double *tr,
		      size_t n)
{
	double ratio[MAX_TRIALS];
	size_t used = 0;
	if (rgs_paired_ratios(tb, tr, n, ratio, &used) != RGS_OK || used == 0) {
		printf("summary %s threads=%d: no usable trial\n", what, threads);
		return;
	}
	rgs_desc_t d;
	rgs_ci_t ci;
	double mb = 0, mr = 0;
	rgs_describe(ratio, used, &d);
	rgs_median(tb, n, &mb);
	rgs_median(tr, n, &mr);
	int ci_rc = rgs_median_ci_os(ratio, used, 0.95, &ci);
	printf("summary %-5s threads=%d trials=%zu base_median_s=%.6f rg_median_s=%.6f"
	       " ratio_median=%.3f ratio_min=%.3f ratio_max=%.3f",
	       what, threads, used, mb, mr, d.median, d.min, d.max);
	if (ci_rc == RGS_OK && !(ci.flags & RGS_CI_TOO_SMALL))
		printf(" ci95=[%.3f,%.3f]\n", ci.lo, ci.hi);
	else
		printf(" ci95=(too few trials)\n");
}

enum { K_BFS, K_BFSU, K_PR, K_CC, K_N };
static const char *const kname[K_N] = {"bfs", "bfsu", "pr", "cc"};

struct ctx {
	const gb_csr_t *c;
	const uint8_t *present;
	const rg_read_t *r;
	uint64_t n;
	unsigned iters;
	uint32_t *depth;
	double *rank;
	uint32_t *comp;
};

/* One baseline run: time and checksum. */
static int run_base(struct ctx *x, int k, int threads, uint64_t root, double *t, uint64_t *sum)
{
	double t0 = now_s();
	int rc;
	switch (k) {
	case K_BFS:
	case K_BFSU:
		rc = gb_bfs(x->c, root, k == K_BFS ? GB_BFS_OUT : GB_BFS_UNDIRECTED, threads,
			    x->depth, NULL);
		*t = now_s() - t0;
		if (!rc)
			rc = gb_bfs_checksum(x->depth, x->n, sum);
		return rc;
	case K_PR:
		rc = gb_pagerank(x->c, x->present, 0.85, x->iters, threads, x->rank, NULL);
		*t = now_s() - t0;
		*sum = gb_pagerank_checksum(x->rank, x->present, x->n);
		return rc;
	default:
		rc = gb_cc(x->c, x->present, threads, x->comp);
		*t = now_s() - t0;
		*sum = gb_cc_checksum(x->comp, x->present, x->n);
		return rc;
	}
}

/* One rcugraph run on the live section: time and checksum. */
static int run_rg(struct ctx *x, int k, int threads, uint64_t root, double *t, uint64_t *sum)
{
	rg_exec_t ex;
	rg_exec_init(&ex);
	ex.mode = threads > 1 ? RG_EXEC_PAR : RG_EXEC_SEQ;
	ex.threads = threads;
	int rc;
	double t0 = now_s();
	if (k == K_BFS || k == K_BFSU) {
		rg_bfs_t b;
		rc = rg_bfs(x->r, root, RG_BFS_UNLIMITED, k == K_BFS ? RG_OUT : RG_BOTH, RG_TYPE_ANY,
			    &ex, &b);
		*t = now_s() - t0;
		*sum = rg_bfs_checksum(&b);
		rg_bfs_free(&b);
	} else if (k == K_PR) {
		rg_pagerank_opts_t o;
		rg_pagerank_opts_init(&o);
		o.max_iter = x->iters;
		o.tol = 0.0;
		rg_pagerank_t p;
		rc = rg_pagerank(x->r, &o, &ex, &p);
		*t = now_s() - t0;
		*sum = rg_pagerank_checksum(&p);
		rg_pagerank_free(&p);
	} else {
		rg_wcc_t w;
		rc = rg_wcc(x->r, RG_TYPE_ANY, &ex, &w);
		*t = now_s() - t0;
		*sum = rg_wcc_checksum(&w);
		rg_wcc_free(&w);
	}
	return rc;
}

int main(int argc, char **argv)
{
	const char *spec = "rmat:scale=16";
	const char *kernels = "bfs,bfsu,pr,cc";
	int tlist[MAX_THREADS_LIST] = {1, 2}, nt = 2;
	unsigned long trials = 5, load_trials = 3, iters = 20, warmup = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--graph") && v) {
			spec = v;
			i++;
		} else if (!strcmp(a, "--threads") && v) {
			if (parse_threads(v, tlist, &nt))
				return usage(), 2;
			i++;
		} else if (!strcmp(a, "--trials") && v) {
			if (parse_uint(v, &trials) || trials < 1 || trials > MAX_TRIALS)
				return usage(), 2;
			i++;
		} else if (!strcmp(a, "--load-trials") && v) {
			if (parse_uint(v, &load_trials) || load_trials < 1 || load_trials > MAX_TRIALS)
				return usage(), 2;
			i++;
		} else if (!strcmp(a, "--kernels") && v) {
			kernels = v;
			i++;
		} else if (!strcmp(a, "--iters") && v) {
			if (parse_uint(v, &iters) || iters > 100000)
				return usage(), 2;
			i++;
		} else if (!strcmp(a, "--warmup") && v) {
			if (parse_uint(v, &warmup) || warmup > 100)
				return usage(), 2;
			i++;
		} else {
			usage();
			return 2;
		}
	}
	int want[K_N] = {0};
	{
		char buf[256];
		if (strlen(kernels) >= sizeof buf)
			return usage(), 2;
		strcpy(buf, kernels);
		for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			int found = 0;
			for (int k = 0; k < K_N; k++)
				if (!strcmp(tok, kname[k]))
					want[k] = found = 1;
			if (!found)
				return usage(), 2;
		}
	}
	print_machine("start");

	/* ---- the edge list ---- */
	rg_edgelist_t el = {0};
	char err[256] = "";
	double t0 = now_s();
	int rc = rg_gen_from_spec(spec, &el, err, sizeof err);
	if (rc) {
		fprintf(stderr, "kernelbench: %s: %s (%d)\n", spec, err[0] ? err : "cannot load", rc);
		return 2;
	}
	const double gen_s = now_s() - t0;
	uint64_t n = 0;
	for (uint64_t i = 0; i < el.n_edges; i++) {
		if (el.src[i] >= n)
			n = el.src[i] + 1;
		if (el.dst[i] >= n)
			n = el.dst[i] + 1;
	}
	if (n > GB_MAX_VERTICES || n == 0) {
		fprintf(stderr, "kernelbench: ids do not fit in 4 bytes, or no edges\n");
		rg_edgelist_free(&el);
		return 2;
	}
	printf("# kernelbench graph=%s ids=%" PRIu64 " edges=%" PRIu64 " gen_seconds=%.3f"
	       " trials=%lu load_trials=%lu iters=%lu warmup=%lu\n",
	       spec, n, el.n_edges, gen_s, trials, load_trials, iters, warmup);

	/* ---- load: rcugraph's packed graph vs the baseline's CSR build ---- */
	int status = 0;
	rg_graph_t *g = NULL;
	gb_csr_t c = {0};
	double tl_rg[MAX_TRIALS], tl_b[MAX_THREADS_LIST][MAX_TRIALS];
	for (unsigned long t = 0; t < load_trials; t++) {
		for (int step = 0; step < 2; step++) {
			if ((step == 0) == (t % 2 == 0)) {
				/* the baseline at every thread count; keep the last CSR */
				for (int ti = 0; ti < nt; ti++) {
					gb_csr_free(&c);
					double s0 = now_s();
					rc = gb_csr_build(&c, n, el.src, el.dst, el.n_edges, tlist[ti]);
					tl_b[ti][t] = now_s() - s0;
					if (rc) {
						fprintf(stderr, "kernelbench: gb_csr_build: %s\n",
							gb_strerror(rc));
						return 3;
					}
				}
			} else {
				/* a fresh rcugraph graph; keep the last one */
				rg_close(g);
				g = NULL;
				rg_options_t o;
				rg_options_init(&o);
				o.sync = "rcu-memb";
				if ((rc = rg_open(&g, &o)) != 0) {
					fprintf(stderr, "kernelbench: rg_open: %s\n", rg_strerror(rc));
					return 3;
				}
				double s0 = now_s();
				rc = rg_edgelist_insert(g, &el, 0, 0, NULL);
				tl_rg[t] = now_s() - s0;
				if (rc) {
					fprintf(stderr, "kernelbench: rg_edgelist_insert: %s\n",
						rg_strerror(rc));
					return 3;
				}
			}
		}
		printf("load trial=%lu rg_seconds=%.6f", t, tl_rg[t]);
		for (int ti = 0; ti < nt; ti++)
			printf(" csr_threads%d_seconds=%.6f ratio_rg/csr%d=%.3f", tlist[ti], tl_b[ti][t],
			       tlist[ti], tl_rg[t] / tl_b[ti][t]);
		printf("\n");
	}
	for (int ti = 0; ti < nt; ti++) {
		/* load ratio: rcugraph / CSR (the target is <= 2: lower is better) */
		double ratio[MAX_TRIALS];
		size_t used = 0;
		rgs_desc_t d;
		if (rgs_paired_ratios(tl_rg, tl_b[ti], load_trials, ratio, &used) == RGS_OK &&
		    rgs_describe(ratio, used, &d) == RGS_OK)
			printf("summary load  csr_threads=%d trials=%zu ratio_rg/csr_median=%.3f"
			       " min=%.3f max=%.3f\n",
			       tlist[ti], used, d.median, d.min, d.max);
	}

	/* ---- memory ---- */
	rg_stats_t st;
	rg_stats_get(g, &st);
	const double m = (double)el.n_edges;
	const uint64_t graph_bytes = st.mem_nodes + st.mem_heads + st.mem_arrays + st.mem_pack;
	printf("memory edges=%" PRIu64 " nodes=%" PRIu64 " slots=%" PRIu64 " dense=%d"
	       " rg_pack_B/edge=%.2f rg_graph_B/edge=%.2f (nodes %.2f heads %.2f arrays %.2f"
	       " pack %.2f) rg_reserved_B/edge=%.2f csr_B/edge=%.2f ratio_rg_graph/csr=%.3f\n",
	       st.edges, st.nodes, st.node_slots, st.dense, (double)st.mem_pack / m,
	       (double)graph_bytes / m, (double)st.mem_nodes / m, (double)st.mem_heads / m,
	       (double)st.mem_arrays / m, (double)st.mem_pack / m, (double)st.mem_reserved / m,
	       (double)gb_csr_bytes(&c) / m, (double)graph_bytes / (double)gb_csr_bytes(&c));
	rg_edgelist_free(&el);

	/* ---- kernels ---- */
	uint8_t *present = malloc(n);
	uint32_t *depth = malloc(n * sizeof *depth), *comp = malloc(n * sizeof *comp);
	double *rank = malloc(n * sizeof *rank);
	uint64_t *roots = malloc((trials + warmup) * sizeof *roots);
	if (!present || !depth || !comp || !rank || !roots) {
		fprintf(stderr, "kernelbench: out of memory\n");
		return 3;
	}
	const uint64_t npresent = gb_present_from_edges(&c, present);
	if (npresent != st.nodes) {
		fprintf(stderr, "kernelbench: %" PRIu64 " present vertices, %" PRIu64 " nodes\n",
			npresent, st.nodes);
		status = 1;
	}
	pick_roots(&c, roots, trials + warmup);
	if ((rc = rg_reader_register(g)) != 0) {
		fprintf(stderr, "kernelbench: rg_reader_register: %s\n", rg_strerror(rc));
		return 3;
	}
	rg_read_t *r = NULL;
	if ((rc = rg_read_begin(g, &r)) != 0) {
		fprintf(stderr, "kernelbench: rg_read_begin: %s\n", rg_strerror(rc));
		return 3;
	}
	struct ctx x = {.c = &c, .present = present, .r = r, .n = n, .iters = (unsigned)iters,
			.depth = depth, .rank = rank, .comp = comp};
	for (int ti = 0; ti < nt && !status; ti++) {
		const int T = tlist[ti];
		for (int k = 0; k < K_N; k++) {
			if (!want[k])
				continue;
			double tb[MAX_TRIALS], tr[MAX_TRIALS];
			for (unsigned long w = 0; w < warmup; w++) {
				double s;
				uint64_t h;
				if (run_base(&x, k, T, roots[trials + w], &s, &h) ||
				    run_rg(&x, k, T, roots[trials + w], &s, &h)) {
					fprintf(stderr, "kernelbench: %s warm-up failed\n", kname[k]);
					return 3;
				}
			}
			for (unsigned long t = 0; t < trials; t++) {
				uint64_t hb = 0, hr = 0;
				int rb = 0, rr = 0;
				if (t % 2 == 0) {
					rb = run_base(&x, k, T, roots[t], &tb[t], &hb);
					rr = run_rg(&x, k, T, roots[t], &tr[t], &hr);
				} else {
					rr = run_rg(&x, k, T, roots[t], &tr[t], &hr);
					rb = run_base(&x, k, T, roots[t], &tb[t], &hb);
				}
				if (rb || rr) {
					fprintf(stderr, "kernelbench: %s trial %lu: baseline %s, rcugraph %s\n",
						kname[k], t, gb_strerror(rb), rg_strerror(rr));
					return 3;
				}
				int same = hb == hr;
				if (!same)
					status = 1;
				printf("%-5s threads=%d trial=%lu first=%s root=%" PRIu64
				       " base_s=%.6f rg_s=%.6f ratio=%.3f checksum=0x%016" PRIx64
				       " same=%s\n",
				       kname[k], T, t, t % 2 ? "rg" : "base",
				       k <= K_BFSU ? roots[t] : 0, tb[t], tr[t], tb[t] / tr[t], hr,
				       same ? "yes" : "NO");
			}
			summarize(kname[k], T, tb, tr, trials);
			fflush(stdout);
		}
	}
	if ((rc = rg_read_end(r)) != 0)
		fprintf(stderr, "kernelbench: rg_read_end: %s\n", rg_strerror(rc));
	rg_reader_unregister(g);
	print_machine("end");
	rg_close(g);
	gb_csr_free(&c);
	free(present);
	free(depth);
	free(comp);
	free(rank);
	free(roots);
	if (status == 1)
		fprintf(stderr, "kernelbench: a result differed between rcugraph and the baseline\n");
	return status;
}
