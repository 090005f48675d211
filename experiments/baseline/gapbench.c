/*
 * gapbench - runs the static-CSR baseline kernels (gapcsr.h: our C11/OpenMP
 * implementations of the GAPBS reference algorithms) on one graph and
 * prints one line per run: kernel time only (CLOCK_MONOTONIC around the
 * kernel call), the rcugraph-compatible checksum, and whether the result
 * equals the plain sequential reference (computed once per graph/root,
 * outside the timing).
 *
 * A measuring tool, not a test: nothing here asserts on timing. The graph
 * comes from rcugraph's generators/loader (rg_gen_from_spec, load.h); that
 * is the only use of the library.
 *
 * Usage: gapbench [--graph SPEC] [--threads LIST] [--trials N]
 *                 [--kernels bfs,bfsu,pr,cc] [--iters N] [--damping D]
 *                 [--all-vertices] [--no-validate]
 *   --graph        rg_gen_from_spec spec or SNAP path (default rmat:scale=16)
 *   --threads      comma list of thread counts (default 1,2)
 *   --trials       runs per kernel and thread count (default 3); BFS trial k
 *                  uses the k-th root of one fixed pseudo-random sequence of
 *                  vertices with out-degree > 0 (the same for every count)
 *   --kernels      bfs (directed, out-edges), bfsu (undirected), pr, cc
 *   --iters        PageRank iterations (default 20, as GAPBS)
 *   --damping      PageRank damping (default 0.85)
 *   --all-vertices every id in [0, n) is a vertex (default: only ids that
 *                  appear in an edge, as rcugraph after rg_edgelist_insert)
 *   --no-validate  skip the sequential references
 * Exit: 0 ok, 1 a result differed from its reference (or the CSR from the
 * first build), 2 bad usage or graph, 3 a kernel returned an error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rcugraph/load.h>

#include "gapcsr.h"

#define MAX_THREADS_LIST 16

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
	fprintf(stderr, "usage: gapbench [--graph SPEC] [--threads LIST] [--trials N]\n"
			"                [--kernels bfs,bfsu,pr,cc] [--iters N] [--damping D]\n"
			"                [--all-vertices] [--no-validate]\n");
}

static int csr_equal(const gb_csr_t *a, const gb_csr_t *b)
{
	return a->n == b->n && a->m == b->m &&
	       !memcmp(a->out_off, b->out_off, (a->n + 1) * sizeof *a->out_off) &&
	       !memcmp(a->in_off, b->in_off, (a->n + 1) * sizeof *a->in_off) &&
	       (a->m == 0 || (!memcmp(a->out_nbr, b->out_nbr, a->m * sizeof *a->out_nbr) &&
			      !memcmp(a->in_nbr, b->in_nbr, a->m * sizeof *a->in_nbr)));
}

/* BFS roots: one fixed splitmix64 stream of ids; the k-th root is the k-th
 * id drawn that has out-degree > 0 (as GAPBS's source picker: repeats are
 * possible). The same roots at every thread count. 0 if none is found. */
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

int main(int argc, char **argv)
{
	const char *spec = "rmat:scale=16";
	const char *kernels = "bfs,bfsu,pr,cc";
	int tlist[MAX_THREADS_LIST] = {1, 2}, nt = 2;
	unsigned long trials = 3, iters = 20;
	double damping = 0.85;
	int all_vertices = 0, validate = 1;
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
			if (parse_uint(v, &trials) || trials < 1 || trials > 100000)
				return usage(), 2;
			i++;
		} else if (!strcmp(a, "--kernels") && v) {
			kernels = v;
			i++;
		} else if (!strcmp(a, "--iters") && v) {
			if (parse_uint(v, &iters) || iters > 100000)
				return usage(), 2;
			i++;
		} else if (!strcmp(a, "--damping") && v) {
			char *end = NULL;
			damping = strtod(v, &end);
			if (*end || !(damping > 0.0 && damping < 1.0))
				return usage(), 2;
			i++;
		} else if (!strcmp(a, "--all-vertices")) {
			all_vertices = 1;
		} else if (!strcmp(a, "--no-validate")) {
			validate = 0;
		} else {
			usage();
			return 2;
		}
	}
	int do_bfs = 0, do_bfsu = 0, do_pr = 0, do_cc = 0;
	{
		char buf[256];
		if (strlen(kernels) >= sizeof buf)
			return usage(), 2;
		strcpy(buf, kernels);
		for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (!strcmp(tok, "bfs"))
				do_bfs = 1;
			else if (!strcmp(tok, "bfsu"))
				do_bfsu = 1;
			else if (!strcmp(tok, "pr"))
				do_pr = 1;
			else if (!strcmp(tok, "cc"))
				do_cc = 1;
			else
				return usage(), 2;
		}
	}

	/* ---- graph ---- */
	rg_edgelist_t el = {0};
	char err[256] = "";
	double t0 = now_s();
	int rc = rg_gen_from_spec(spec, &el, err, sizeof err);
	if (rc) {
		fprintf(stderr, "gapbench: %s: %s (%d)\n", spec, err[0] ? err : "cannot load", rc);
		return 2;
	}
	double load_s = now_s() - t0;
	uint64_t n = 0;
	for (uint64_t i = 0; i < el.n_edges; i++) {
		if (el.src[i] >= n)
			n = el.src[i] + 1;
		if (el.dst[i] >= n)
			n = el.dst[i] + 1;
	}
	if (el.n_nodes > n && all_vertices)
		n = el.n_nodes; /* a generator's id range */
	if (n > GB_MAX_VERTICES) {
		fprintf(stderr, "gapbench: ids do not fit in 4 bytes\n");
		rg_edgelist_free(&el);
		return 2;
	}

	/* ---- CSR: built at every thread count; every build must be equal ---- */
	gb_csr_t c = {0};
	int status = 0;
	for (int ti = 0; ti < nt; ti++) {
		gb_csr_t b;
		t0 = now_s();
		rc = gb_csr_build(&b, n, el.src, el.dst, el.n_edges, tlist[ti]);
		double s = now_s() - t0;
		if (rc) {
			fprintf(stderr, "gapbench: gb_csr_build: %s\n", gb_strerror(rc));
			gb_csr_free(&c);
			rg_edgelist_free(&el);
			return 3;
		}
		int same = ti == 0 || csr_equal(&b, &c);
		if (!same)
			status = 1;
		printf("build threads=%d seconds=%.6f bytes=%zu same_as_first=%s\n", tlist[ti], s,
		       gb_csr_bytes(&b), same ? "yes" : "NO");
		gb_csr_free(&c);
		c = b;
	}
	rg_edgelist_free(&el);

	uint8_t *present = NULL;
	uint64_t npresent = n;
	if (!all_vertices) {
		present = malloc(n ? n : 1);
		if (!present) {
			gb_csr_free(&c);
			return 3;
		}
		npresent = gb_present_from_edges(&c, present);
	}
	printf("# gapbench graph=%s n=%" PRIu64 " vertices=%" PRIu64 " m=%" PRIu64
	       " load_seconds=%.3f csr_bytes=%zu trials=%lu validate=%s\n",
	       spec, n, npresent, c.m, load_s, gb_csr_bytes(&c), trials, validate ? "yes" : "no");

	uint32_t *depth = malloc((n ? n : 1) * sizeof *depth);
	uint32_t *dref = malloc((n ? n : 1) * sizeof *dref);
	double *rank = malloc((n ? n : 1) * sizeof *rank);
	double *rref = malloc((n ? n : 1) * sizeof *rref);
	uint64_t *roots = malloc(trials * sizeof *roots);
	if (!depth || !dref || !rank || !rref || !roots) {
		fprintf(stderr, "gapbench: out of memory\n");
		status = 3;
		goto out;
	}
	uint32_t *comp = depth, *cref = dref; /* CC reuses the BFS arrays */
	if (n)
		pick_roots(&c, roots, trials);

	/* ---- BFS ---- */
	for (int mode = GB_BFS_OUT; mode <= GB_BFS_UNDIRECTED && n; mode++) {
		if ((mode == GB_BFS_OUT && !do_bfs) || (mode == GB_BFS_UNDIRECTED && !do_bfsu))
			continue;
		const char *name = mode == GB_BFS_OUT ? "bfs" : "bfsu";
		for (unsigned k = 0; k < trials; k++) {
			uint64_t root = roots[k];
			if (validate && (rc = gb_bfs_ref(&c, root, mode, dref)) != 0)
				goto kernel_err;
			for (int ti = 0; ti < nt; ti++) {
				gb_bfs_stats_t st;
				t0 = now_s();
				rc = gb_bfs(&c, root, mode, tlist[ti], depth, &st);
				double s = now_s() - t0;
				if (rc)
					goto kernel_err;
				uint64_t sum = 0;
				if ((rc = gb_bfs_checksum(depth, n, &sum)) != 0)
					goto kernel_err;
				const char *ok = "skipped";
				if (validate) {
					ok = memcmp(depth, dref, n * sizeof *depth) ? "NO" : "yes";
					if (*ok == 'N')
						status = 1;
				}
				printf("%s threads=%d trial=%u root=%" PRIu64 " seconds=%.6f"
				       " checksum=0x%016" PRIx64 " reached=%" PRIu64
				       " levels=%u td=%u bu=%u valid=%s\n",
				       name, tlist[ti], k, root, s, sum, st.reached, st.levels,
				       st.td_steps, st.bu_steps, ok);
			}
		}
	}

	/* ---- PageRank ---- */
	if (do_pr) {
		double dl_ref = 0.0;
		if (validate &&
		    (rc = gb_pagerank_ref(&c, present, damping, (unsigned)iters, rref, &dl_ref)) != 0)
			goto kernel_err;
		for (unsigned k = 0; k < trials; k++) {
			for (int ti = 0; ti < nt; ti++) {
				double dl = 0.0;
				t0 = now_s();
				rc = gb_pagerank(&c, present, damping, (unsigned)iters, tlist[ti], rank,
						 &dl);
				double s = now_s() - t0;
				if (rc)
					goto kernel_err;
				const char *ok = "skipped";
				if (validate) {
					/* Bit-identical, ranks and the last L1 change. */
					ok = (memcmp(rank, rref, n * sizeof *rank) ||
					      memcmp(&dl, &dl_ref, sizeof dl))
						     ? "NO"
						     : "yes";
					if (*ok == 'N')
						status = 1;
				}
				printf("pr threads=%d trial=%u iters=%lu seconds=%.6f"
				       " checksum=0x%016" PRIx64 " delta=%.6e valid=%s\n",
				       tlist[ti], k, iters, s, gb_pagerank_checksum(rank, present, n),
				       dl, ok);
			}
		}
	}

	/* ---- CC ---- */
	if (do_cc) {
		if (validate && (rc = gb_cc_ref(&c, present, cref)) != 0)
			goto kernel_err;
		for (unsigned k = 0; k < trials; k++) {
			for (int ti = 0; ti < nt; ti++) {
				t0 = now_s();
				rc = gb_cc(&c, present, tlist[ti], comp);
				double s = now_s() - t0;
				if (rc)
					goto kernel_err;
				const char *ok = "skipped";
				if (validate) {
					ok = memcmp(comp, cref, n * sizeof *comp) ? "NO" : "yes";
					if (*ok == 'N')
						status = 1;
				}
				printf("cc threads=%d trial=%u seconds=%.6f checksum=0x%016" PRIx64
				       " components=%" PRIu64 " valid=%s\n",
				       tlist[ti], k, s, gb_cc_checksum(comp, present, n),
				       gb_cc_count(comp, present, n), ok);
			}
		}
	}
	goto out;

kernel_err:
	fprintf(stderr, "gapbench: kernel error: %s (%d)\n", gb_strerror(rc), rc);
	status = 3;
out:
	free(depth);
	free(dref);
	free(rank);
	free(rref);
	free(roots);
	free(present);
	gb_csr_free(&c);
	if (status == 1)
		fprintf(stderr, "gapbench: a result differed from its reference\n");
	return status;
}
