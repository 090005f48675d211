/*
 * wl_kernels.c - rcugraph's graph kernels on a live snapshot against the
 * static-CSR baseline (experiments/baseline/gapcsr.h: GAPBS's algorithms,
 * our code) on the same edge list, paired per round (kernelbench.c, folded
 * in: the read-layout issue's kernel target).
 *
 * Graph: R-MAT scale 20, edge factor 16 (--quick scale 15; --graph). Both
 * stores are built once: rcugraph (rcu-memb, bulk-loaded and packed) and
 * the baseline's out- and in-CSR. Kinds (variants):
 *   bfs       direction-optimising BFS over out-edges, unlimited depth, from
 *             the round's root (rg_bfs RG_OUT / gb_bfs GB_BFS_OUT)
 *   pagerank  20 pull iterations, damping 0.85, no convergence test
 *             (rg_pagerank tol 0 / gb_pagerank: bit-identical ranks)
 *   wcc       weakly connected components (rg_wcc / gb_cc, Afforest)
 *   bfsu      (only with --variant bfsu) BFS over both directions
 *             (rg_bfs RG_BOTH / gb_bfs GB_BFS_UNDIRECTED), as kernelbench had
 * at --threads (default 1 and 2): 1 thread runs rcugraph with RG_EXEC_SEQ
 * and the baseline sequentially, on the main thread pinned to the round's
 * first CPU; 2 threads RG_EXEC_PAR with rg_exec.threads = 2 and a 2-thread
 * OpenMP team for the baseline, unpinned (cpus "omp": a team must not
 * inherit one CPU). Count-based: one kernel call per run, only the call
 * timed (rcugraph's result arrays are allocated by the call and are part
 * of it; the read section is opened before the clock and closed after:
 * a live snapshot, not a frozen view). unit runs (throughput = 1/time;
 * extra edges_per_s, elapsed_s, omp_wait_policy: fig_kernels.sh sets
 * OMP_WAIT_POLICY=passive on this shared machine, docs/traversal.md).
 *
 * Round r's BFS starts at the r-th root of one fixed stream of vertices
 * with out-degree > 0 (kernelbench's and gapbench's picker), the same for
 * every configuration of the round. Reference: csr at the same kind and
 * thread count (A/A copy csr#2), speedups to 1 thread; named comparison
 * t-kernel-rcugraph/csr per kind and thread count (goal >= 0.5).
 * Equal work: verify runs every configuration once from an extra root and
 * checksums the result (rg_*_checksum and their gb_ twins, which agree on
 * equal results); each kind's configurations must agree. Every measured run
 * checksums its result too, and all runs of a kind in one round must agree
 * (else INVALID).
 */
#include <math.h>
#include <rcugraph/traverse.h>

#include "gapcsr.h"
#include "rgbench.h"

enum { K_BFS, K_PR, K_WCC, K_BFSU, K_N };
static const char *const kname[K_N + 1] = {"bfs", "pagerank", "wcc", "bfsu", NULL};

#define PR_ITERS 20

struct kn {
	rg_graph_t *g;
	const gb_csr_t *c;
	const uint8_t *present;
	uint64_t n;
	uint64_t *roots; /* [rounds + 1]: round r uses roots[r], verify roots[rounds] */
	uint32_t *depth, *comp;
	double *rank;
	/* per kind and round: the first checksum seen (equal work across configurations) */
	uint64_t *ck;
	uint8_t *has;
	int rounds;
};

struct knc {
	struct kn *k;
	int kind, csr, threads;
};

/* gapbench's roots: the k-th vertex of one fixed splitmix64 stream with
 * out-degree > 0. */
static void pick_roots(const gb_csr_t *c, uint64_t *roots, size_t count)
{
	uint64_t x = 0x2545F4914F6CDD1DULL;
	for (size_t k = 0; k < count; k++) {
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

/* One kernel call: 0 with the timed seconds and the checksum, or -1. */
static int kn_once(struct knc *x, uint64_t root, double *el_s, uint64_t *sum)
{
	struct kn *k = x->k;
	int rc;
	int pin = x->threads == 1;
	if (x->csr) {
		if (pin)
			rgb_pin(0);
		double t0 = bu_now();
		if (x->kind == K_BFS || x->kind == K_BFSU)
			rc = gb_bfs(k->c, root, x->kind == K_BFS ? GB_BFS_OUT : GB_BFS_UNDIRECTED,
				    x->threads, k->depth, NULL);
		else if (x->kind == K_PR)
			rc = gb_pagerank(k->c, k->present, 0.85, PR_ITERS, x->threads, k->rank, NULL);
		else
			rc = gb_cc(k->c, k->present, x->threads, k->comp);
		*el_s = bu_now() - t0;
		if (pin)
			rgb_unpin();
		if (rc) {
			fprintf(stderr, "rgbench: kernels: baseline %s: %s\n", kname[x->kind], gb_strerror(rc));
			return -1;
		}
		if (x->kind == K_BFS || x->kind == K_BFSU)
			return gb_bfs_checksum(k->depth, k->n, sum) ? -1 : 0;
		*sum = x->kind == K_PR ? gb_pagerank_checksum(k->rank, k->present, k->n)
				       : gb_cc_checksum(k->comp, k->present, k->n);
		return 0;
	}
	rg_read_t *r;
	if ((rc = rg_read_begin(k->g, &r))) {
		fprintf(stderr, "rgbench: kernels: rg_read_begin: %s\n", rg_strerror(rc));
		return -1;
	}
	rg_exec_t ex;
	rg_exec_init(&ex);
	ex.mode = x->threads > 1 ? RG_EXEC_PAR : RG_EXEC_SEQ;
	ex.threads = x->threads;
	if (pin)
		rgb_pin(0);
	double t0 = bu_now();
	if (x->kind == K_BFS || x->kind == K_BFSU) {
		rg_bfs_t b;
		rc = rg_bfs(r, root, RG_BFS_UNLIMITED, x->kind == K_BFS ? RG_OUT : RG_BOTH, RG_TYPE_ANY,
			    &ex, &b);
		*el_s = bu_now() - t0;
		if (!rc) {
			*sum = rg_bfs_checksum(&b);
			rg_bfs_free(&b);
		}
	} else if (x->kind == K_PR) {
		rg_pagerank_opts_t o;
		rg_pagerank_opts_init(&o);
		o.max_iter = PR_ITERS;
		o.tol = 0.0;
		rg_pagerank_t p;
		rc = rg_pagerank(r, &o, &ex, &p);
		*el_s = bu_now() - t0;
		if (!rc) {
			*sum = rg_pagerank_checksum(&p);
			rg_pagerank_free(&p);
		}
	} else {
		rg_wcc_t w;
		rc = rg_wcc(r, RG_TYPE_ANY, &ex, &w);
		*el_s = bu_now() - t0;
		if (!rc) {
			*sum = rg_wcc_checksum(&w);
			rg_wcc_free(&w);
		}
	}
	if (pin)
		rgb_unpin();
	rg_read_end(r);
	if (rc) {
		fprintf(stderr, "rgbench: kernels: rcugraph %s: %s\n", kname[x->kind], rg_strerror(rc));
		return -1;
	}
	return 0;
}

static int kn_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	(void)s;
	struct knc *x = c->arg;
	double el;
	return kn_once(x, x->k->roots[x->k->rounds], &el, ck);
}

static int kn_measure(rgb_study_t *s, rgb_cfg_t *c, rgb_row_t *r)
{
	struct knc *x = c->arg;
	struct kn *k = x->k;
	double el;
	uint64_t sum;
	int rd = s->cur_round;
	if (kn_once(x, k->roots[rd], &el, &sum))
		return -1;
	size_t slot = (size_t)x->kind * (size_t)k->rounds + (size_t)rd;
	if (!k->has[slot]) {
		k->has[slot] = 1;
		k->ck[slot] = sum;
	} else {
		rgb_work_check(c, rd, k->ck[slot] == sum,
			       "checksum %016llx, another configuration had %016llx",
			       (unsigned long long)sum, (unsigned long long)k->ck[slot]);
	}
	r->ops = 1;
	r->throughput = el > 0 ? 1.0 / el : NAN;
	snprintf(r->unit, sizeof r->unit, "runs");
	if (x->threads > 1)
		snprintf(r->cpus, sizeof r->cpus, "omp");
	rgb_extra(r, "elapsed_s=%.9f;edges_per_s=%.6g;result_checksum=%016llx;count_based=1;"
		     "store=%s;exec=%s",
		  el, el > 0 ? (double)k->c->m / el : 0.0, (unsigned long long)sum,
		  x->csr ? "csr" : "rcugraph", x->threads > 1 ? "par" : "seq");
	if (x->kind == K_BFS || x->kind == K_BFSU)
		rgb_extra(r, "root=%llu", (unsigned long long)k->roots[rd]);
	if (x->kind == K_PR)
		rgb_extra(r, "iterations=%d", PR_ITERS);
	const char *wp = getenv("OMP_WAIT_POLICY");
	rgb_extra(r, "omp_wait_policy=%s", wp && *wp ? wp : "unset");
	return 0;
}

static int kernels_run(void)
{
	char spec[128];
	snprintf(spec, sizeof spec, "rmat:scale=%d,ef=16,seed=%llu", rgb_o.quick ? 15 : 20,
		 (unsigned long long)rgb_o.seed);
	const rgb_data_t *d = rgb_data_get(rgb_o.graph ? rgb_o.graph : spec);
	if (!d)
		return -1;
	uint64_t n = d->ids[d->nids - 1] + 1;
	if (n > GB_MAX_VERTICES) {
		fprintf(stderr, "rgbench: kernels: ids do not fit the baseline's 4 bytes\n");
		return -1;
	}
	static const int dthr[] = {1, 2};
	int thr[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dthr, 2);
	struct kn k = {.n = n};
	gb_csr_t csr;
	memset(&csr, 0, sizeof csr);
	rgb_study_t *s = calloc(1, sizeof *s);
	struct knc *pool = calloc(RGB_MAX_CFG, sizeof *pool);
	uint8_t *present = malloc(n);
	int rc = -1, reg = 0;
	double t0 = bu_now();
	k.g = rgb_graph_build("rcu-memb", d, NULL);
	if (!s || !pool || !present || !k.g ||
	    gb_csr_build(&csr, n, d->el.src, d->el.dst, d->el.n_edges, 2))
		goto out;
	rg_stats_t st;
	rg_stats_get(k.g, &st);
	if (gb_present_from_edges(&csr, present) != st.nodes) {
		fprintf(stderr, "rgbench: kernels: the CSR's vertices are not rcugraph's nodes\n");
		goto out;
	}
	rgb_study_init(s, "kernels", "kernels", d);
	k.c = &csr;
	k.present = present;
	k.rounds = s->rounds;
	k.roots = malloc((size_t)(s->rounds + 1) * sizeof *k.roots);
	k.depth = malloc(n * sizeof *k.depth);
	k.comp = malloc(n * sizeof *k.comp);
	k.rank = malloc(n * sizeof *k.rank);
	k.ck = calloc((size_t)K_N * (size_t)s->rounds, sizeof *k.ck);
	k.has = calloc((size_t)K_N * (size_t)s->rounds, 1);
	if (!k.roots || !k.depth || !k.comp || !k.rank || !k.ck || !k.has)
		goto out;
	pick_roots(&csr, k.roots, (size_t)s->rounds + 1);
	if (rg_reader_register(k.g))
		goto out;
	reg = 1;
	fprintf(stderr, "rgbench: kernels: %s built, packed and mirrored as a CSR in %.1f s\n", d->spec,
		bu_now() - t0);
	int np = 0;
	for (int kind = 0; kind < K_N; kind++) {
		if (!rgb_variant_on(kname[kind], kind != K_BFSU))
			continue;
		for (int t = 0; t < nt; t++)
			for (int csrs = 0; csrs < 2; csrs++) {
				struct knc *x = &pool[np++];
				*x = (struct knc){.k = &k, .kind = kind, .csr = csrs, .threads = thr[t]};
				int i = rgb_cfg_add(s, kname[kind], csrs ? "csr" : "rcu-memb", NULL, thr[t],
						    kind);
				if (i < 0)
					goto out;
				s->cfg[i].arg = x;
				s->cfg[i].group = kind;
			}
	}
	rgb_study_link(s, NULL, "csr", 1);
	int n0 = s->ncfg;
	for (int i = 0; i < n0; i++)
		if (!strcmp(s->cfg[i].sync, "rcu-memb"))
			rgb_study_compare(s, i, s->cfg[i].ref, "t-kernel-rcugraph/csr");
	s->verify = kn_verify;
	s->measure = kn_measure;
	rc = rgb_study_run(s);
out:
	if (reg)
		rg_reader_unregister(k.g);
	if (s)
		rgb_study_free(s);
	free(s);
	free(pool);
	free(present);
	free(k.roots);
	free(k.depth);
	free(k.comp);
	free(k.rank);
	free(k.ck);
	free(k.has);
	gb_csr_free(&csr);
	rgb_graph_close(k.g);
	return rc;
}

RGB_WORKLOAD(kernels, 33,
	     "BFS, PageRank (20 iterations) and WCC on a live snapshot vs the static-CSR baseline, "
	     "1 and 2 threads, paired per round",
	     1, kname, kernels_run)
