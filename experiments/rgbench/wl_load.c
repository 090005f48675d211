/*
 * wl_load.c - from a parsed edge list to a readable graph: rcugraph's bulk
 * load against building the static CSR baseline from the same arrays (the
 * writer issue's load target), paired per round.
 *
 * Graphs (one study each): "rmat" (R-MAT scale 20, edge factor 16;
 * --quick scale 16), and "snap": every SNAP dataset of $RG_DATASETS
 * (wiki-Vote, email-Eu-core, p2p-Gnutella31; --quick wiki-Vote only),
 * variants NAME:...; --graph SPEC replaces them by one graph, "custom".
 * The edge list is generated or parsed once, before anything is timed.
 *
 * Configurations (count-based: one load of the whole list per run):
 *   rcu-memb @ G:rcugraph  rg_edgelist_insert(g, &el, 0, 0, NULL) into a
 *       fresh empty graph (rg_open before the clock, rg_close after): one
 *       transaction that creates the nodes and builds the pack straight
 *       from the arrays; single-threaded; the main thread pinned to the
 *       round's first CPU for the timed call
 *   csr @ G:csr, 1 and 2 threads  gb_csr_build (experiments/baseline:
 *       out- and in-CSR, stable counting sort, 4-byte neighbour ids) from
 *       the same arrays; 1 thread pinned as above, 2 threads an OpenMP team
 *       with the process's mask (cpus "omp")
 *   csr#2 @ G:csr, 1 thread  the A/A control
 * rcugraph's reference is the CSR build at 1 thread. Named comparisons
 * t-load-time/csr1T and t-load-time/csr2T: the CSR's throughput over
 * rcugraph's, i.e. rcugraph's load time over the CSR build's (goal <= 2).
 *
 * Equal work: both stores hold the list in input order in both directions
 * (rcugraph: "each adjacency ... in file order", load.h; the CSR: a stable
 * sort), so their whole-adjacency checksums (rgb_adj_*) must agree; verify
 * computes them once (untimed: also the warm-up), and every measured run
 * checks its own again (a mismatch makes the configuration INVALID).
 */
#include <malloc.h>
#include <math.h>

#include "gapcsr.h"
#include "rgbench.h"

static const char *const variants[] = {"rmat", "snap", NULL};

struct ld {
	const rgb_data_t *d;
	uint64_t n;      /* CSR rows: max id + 1 */
	int csr;         /* 1: the baseline's build */
	int threads;
	rg_graph_t *g;   /* rcugraph: the fresh graph enter opened */
	uint64_t checksum;
};

/* One load: timed seconds, checksum and out-entries. 0 or -1. */
static int ld_once(struct ld *a, double *el_s, uint64_t *ck, uint64_t *m)
{
	const rg_edgelist_t *el = &a->d->el;
	if (a->csr) {
		gb_csr_t c;
		if (a->threads == 1)
			rgb_pin(0);
		double t0 = bu_now();
		int rc = gb_csr_build(&c, a->n, el->src, el->dst, el->n_edges, a->threads);
		*el_s = bu_now() - t0;
		if (a->threads == 1)
			rgb_unpin();
		if (rc) {
			fprintf(stderr, "rgbench: load: gb_csr_build: %s\n", gb_strerror(rc));
			gb_csr_free(&c);
			return -1;
		}
		*ck = rgb_csr_adj_checksum(&c, a->d, m);
		gb_csr_free(&c);
		return 0;
	}
	rgb_pin(0);
	double t0 = bu_now();
	int rc = rg_edgelist_insert(a->g, el, 0, 0, NULL);
	*el_s = bu_now() - t0;
	rgb_unpin();
	if (rc) {
		fprintf(stderr, "rgbench: load: rg_edgelist_insert: %s\n", rg_strerror(rc));
		return -1;
	}
	return rgb_adj_checksum(a->g, a->d->ids, a->d->nids, ck, m);
}

static int ld_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	struct ld *a = c->arg;
	if (a->csr)
		return 0;
	rg_options_t o;
	rg_options_init(&o);
	o.sync = "rcu-memb";
	int rc = rg_open(&a->g, &o);
	if (rc)
		fprintf(stderr, "rgbench: load: rg_open: %s\n", rg_strerror(rc));
	return rc ? -1 : 0;
}

static void ld_leave(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	struct ld *a = c->arg;
	rg_close(a->g);
	a->g = NULL;
	malloc_trim(0);
}

static int ld_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	(void)s;
	struct ld *a = c->arg;
	double el;
	uint64_t m;
	if (ld_once(a, &el, ck, &m))
		return -1;
	if (m != a->d->el.n_edges) {
		fprintf(stderr, "rgbench: load: %s %s holds %llu edges of %llu\n", c->sync, c->variant,
			(unsigned long long)m, (unsigned long long)a->d->el.n_edges);
		return -1;
	}
	a->checksum = *ck;
	return 0;
}

static int ld_measure(rgb_study_t *s, rgb_cfg_t *c, rgb_row_t *r)
{
	(void)s;
	struct ld *a = c->arg;
	double el;
	uint64_t ck, m;
	if (ld_once(a, &el, &ck, &m))
		return -1;
	rgb_work_check(c, r->round, ck == a->checksum && m == a->d->el.n_edges,
		       "%llu edges, checksum %016llx, verify had %016llx", (unsigned long long)m,
		       (unsigned long long)ck, (unsigned long long)a->checksum);
	r->ops = a->d->el.n_edges;
	r->throughput = el > 0 ? (double)r->ops / el : NAN;
	snprintf(r->unit, sizeof r->unit, "edges");
	if (a->csr && a->threads > 1)
		snprintf(r->cpus, sizeof r->cpus, "omp");
	rgb_extra(r, "elapsed_s=%.9f;count_based=1;store=%s", el, a->csr ? "csr" : "rcugraph");
	return 0;
}

static int one_graph(const char *gv, const char *spec)
{
	const rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	uint64_t n = d->ids[d->nids - 1] + 1;
	if (n > GB_MAX_VERTICES) {
		fprintf(stderr, "rgbench: load: %s: ids do not fit the CSR's 4 bytes\n", spec);
		return -1;
	}
	rgb_study_t *s = calloc(1, sizeof *s);
	struct ld *pool = calloc(4, sizeof *pool);
	int rc = -1;
	if (!s || !pool)
		goto out;
	char name[64], v[96];
	snprintf(name, sizeof name, "load %s", gv);
	rgb_study_init(s, "load", name, d);
	int idx[3];
	for (int k = 0; k < 3; k++) {
		pool[k] = (struct ld){.d = d, .n = n, .csr = k > 0, .threads = k == 2 ? 2 : 1};
		snprintf(v, sizeof v, "%s:%s", gv, k ? "csr" : "rcugraph");
		idx[k] = rgb_cfg_add(s, v, k ? "csr" : "rcu-memb", k ? NULL : "rcu-memb",
				     pool[k].threads, k);
		if (idx[k] < 0)
			goto out;
		s->cfg[idx[k]].arg = &pool[k];
	}
	s->cfg[idx[0]].ref = idx[1];
	s->cfg[idx[2]].one = idx[1]; /* the CSR build's speedup at 2 threads */
	rgb_cfg_add_aa(s, idx[1]);
	rgb_study_compare(s, idx[1], idx[0], "t-load-time/csr1T");
	rgb_study_compare(s, idx[2], idx[0], "t-load-time/csr2T");
	s->enter = ld_enter;
	s->leave = ld_leave;
	s->verify = ld_verify;
	s->measure = ld_measure;
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	free(s);
	free(pool);
	return rc;
}

static int load_run(void)
{
	if (rgb_o.graph)
		return one_graph("custom", rgb_o.graph);
	int rc = 0;
	if (rgb_variant_on("rmat", 1)) {
		char spec[128];
		snprintf(spec, sizeof spec, "rmat:scale=%d,ef=16,seed=%llu", rgb_o.quick ? 16 : 20,
			 (unsigned long long)rgb_o.seed);
		rc |= one_graph("rmat", spec);
	}
	if (rgb_variant_on("snap", 1)) {
		static const char *const names[] = {"wiki-Vote", "email-Eu-core", "p2p-Gnutella31"};
		int nd = 0;
		for (int i = 0; i < 3 && !(rgb_o.quick && nd); i++) {
			char path[900];
			snprintf(path, sizeof path, "%s/%s.txt.gz", rgb_datasets_dir(), names[i]);
			if (access(path, R_OK))
				snprintf(path, sizeof path, "%s/%s.txt", rgb_datasets_dir(), names[i]);
			if (access(path, R_OK)) {
				fprintf(stderr, "rgbench: load: %s(.gz) not found, skipped\n", path);
				continue;
			}
			rc |= one_graph(names[i], path);
			nd++;
		}
		if (!nd)
			fprintf(stderr, "rgbench: load: no SNAP dataset in %s (set RG_DATASETS)\n",
				rgb_datasets_dir());
	}
	return rc;
}

RGB_WORKLOAD(load, 37,
	     "edge list to a readable graph: rcugraph's bulk load vs building the static CSR "
	     "(1 and 2 threads) from the same arrays; R-MAT and the SNAP datasets",
	     1, variants, load_run)
