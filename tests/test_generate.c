/* Tests of the deterministic generators and spec strings (src/generate.c). */
#include <criterion/criterion.h>

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rcugraph/load.h>
#include "testutil.h"

static bool same(const rg_edgelist_t *x, const rg_edgelist_t *y)
{
	return x->n_nodes == y->n_nodes && x->n_edges == y->n_edges &&
	       memcmp(x->src, y->src, x->n_edges * sizeof(uint64_t)) == 0 &&
	       memcmp(x->dst, y->dst, x->n_edges * sizeof(uint64_t)) == 0;
}

/* FNV-1a over the edge list: pins the exact output across machines. */
static uint64_t digest(const rg_edgelist_t *el)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (uint64_t i = 0; i < el->n_edges; i++) {
		uint64_t w[2] = { el->src[i], el->dst[i] };
		const unsigned char *b = (const unsigned char *)w;
		for (size_t k = 0; k < sizeof w; k++) {
			h ^= b[k];
			h *= 0x100000001b3ULL;
		}
	}
	return h;
}

static void check_ids(const rg_edgelist_t *el, bool self_loops_ok)
{
	for (uint64_t i = 0; i < el->n_edges; i++) {
		cr_assert_lt(el->src[i], el->n_nodes, "edge %llu", (unsigned long long)i);
		cr_assert_lt(el->dst[i], el->n_nodes, "edge %llu", (unsigned long long)i);
		if (!self_loops_ok)
			cr_assert_neq(el->src[i], el->dst[i], "self loop at %llu",
				      (unsigned long long)i);
	}
}

/* ------------------------------------------------------------------ */
/* uniform                                                             */
/* ------------------------------------------------------------------ */

Test(generate, uniform_counts_and_determinism)
{
	rg_edgelist_t a, b, c;
	cr_assert_eq(rg_gen_uniform(&a, 10000, 16, 1), 0);
	cr_assert_eq(a.n_nodes, 10000);
	cr_assert_eq(a.n_edges, 160000);
	check_ids(&a, false);
	cr_assert_eq(rg_gen_uniform(&b, 10000, 16, 1), 0);
	cr_assert(same(&a, &b));
	cr_assert_eq(rg_gen_uniform(&c, 10000, 16, 2), 0);
	cr_assert(!same(&a, &c));
	rg_edgelist_free(&a);
	rg_edgelist_free(&b);
	rg_edgelist_free(&c);

	/* Fractional degree: n*deg rounded. */
	cr_assert_eq(rg_gen_uniform(&a, 1000, 2.5, 1), 0);
	cr_assert_eq(a.n_edges, 2500);
	rg_edgelist_free(&a);
	/* Two nodes: every edge is 0->1 or 1->0. */
	cr_assert_eq(rg_gen_uniform(&a, 2, 50, 9), 0);
	check_ids(&a, false);
	rg_edgelist_free(&a);
}

Test(generate, uniform_spread)
{
	/* Out-degrees of a uniform graph are ~Poisson(16): none is huge. */
	rg_edgelist_t el;
	cr_assert_eq(rg_gen_uniform(&el, 4096, 16, 5), 0);
	uint64_t *deg = calloc(4096, sizeof *deg), max = 0, min = UINT64_MAX;
	for (uint64_t i = 0; i < el.n_edges; i++)
		deg[el.src[i]]++;
	for (int i = 0; i < 4096; i++) {
		max = deg[i] > max ? deg[i] : max;
		min = deg[i] < min ? deg[i] : min;
	}
	cr_assert_lt(max, 50);
	cr_assert_gt(max, 16);
	cr_assert_lt(min, 16);
	free(deg);
	rg_edgelist_free(&el);
}

Test(generate, uniform_invalid)
{
	rg_edgelist_t el;
	cr_assert_eq(rg_gen_uniform(NULL, 10, 1, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_uniform(&el, 0, 1, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_uniform(&el, 1, 1, 1), RG_EINVAL); /* needs a self loop */
	cr_assert_eq(rg_gen_uniform(&el, 10, -1, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_uniform(&el, 10, NAN, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_uniform(&el, 10, INFINITY, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_uniform(&el, UINT64_MAX, 1e9, 1), RG_EINVAL);
	cr_assert_eq(el.n_edges, 0);
	cr_assert_null(el.src);
	cr_assert_eq(rg_gen_uniform(&el, 1, 0, 1), 0); /* one node, no edges */
	cr_assert_eq(el.n_nodes, 1);
	cr_assert_eq(el.n_edges, 0);
	rg_edgelist_free(&el);
}

/* ------------------------------------------------------------------ */
/* R-MAT                                                               */
/* ------------------------------------------------------------------ */

Test(generate, rmat_counts_determinism_skew)
{
	rg_edgelist_t a, b, c;
	cr_assert_eq(rg_gen_rmat(&a, 14, 16, 0.57, 0.19, 0.19, 1), 0);
	cr_assert_eq(a.n_nodes, 1u << 14);
	cr_assert_eq(a.n_edges, 16u << 14);
	check_ids(&a, true);
	cr_assert_eq(rg_gen_rmat(&b, 14, 16, 0, 0, 0, 1), 0); /* defaults */
	cr_assert(same(&a, &b));
	cr_assert_eq(rg_gen_rmat(&c, 14, 16, 0.57, 0.19, 0.19, 2), 0);
	cr_assert(!same(&a, &c));

	/* Skew: the biggest out-degree is far above the average (16). */
	uint64_t *deg = calloc(a.n_nodes, sizeof *deg), max = 0, zero = 0;
	for (uint64_t i = 0; i < a.n_edges; i++)
		deg[a.src[i]]++;
	for (uint64_t i = 0; i < a.n_nodes; i++) {
		max = deg[i] > max ? deg[i] : max;
		zero += deg[i] == 0;
	}
	cr_assert_gt(max, 50 * 16, "max out-degree %llu", (unsigned long long)max);
	cr_assert_gt(zero, a.n_nodes / 10, "isolated sources %llu",
		     (unsigned long long)zero);
	/* The permutation spreads the hubs: the top one is not always id 0. */
	uint64_t hub = 0;
	for (uint64_t i = 0; i < a.n_nodes; i++)
		if (deg[i] == max)
			hub = i;
	cr_assert_neq(hub, 0);
	free(deg);

	/* Uniform quadrants (a=b=c=0.25) give no such skew. */
	rg_edgelist_t u;
	cr_assert_eq(rg_gen_rmat(&u, 14, 16, 0.25, 0.25, 0.25, 1), 0);
	deg = calloc(u.n_nodes, sizeof *deg);
	max = 0;
	for (uint64_t i = 0; i < u.n_edges; i++)
		deg[u.src[i]]++;
	for (uint64_t i = 0; i < u.n_nodes; i++)
		max = deg[i] > max ? deg[i] : max;
	cr_assert_lt(max, 60);
	free(deg);
	rg_edgelist_free(&u);
	rg_edgelist_free(&a);
	rg_edgelist_free(&b);
	rg_edgelist_free(&c);
}

Test(generate, rmat_quadrant_probabilities)
{
	/* a=1: every edge is 0->0 before the permutation, so all edges are
	 * the same self loop perm(0)->perm(0). */
	rg_edgelist_t el;
	cr_assert_eq(rg_gen_rmat(&el, 8, 4, 1.0, 0, 0, 3), 0);
	for (uint64_t i = 1; i < el.n_edges; i++) {
		cr_assert_eq(el.src[i], el.src[0]);
		cr_assert_eq(el.dst[i], el.dst[0]);
	}
	cr_assert_eq(el.src[0], el.dst[0]);
	rg_edgelist_free(&el);

	/* a+b=1: the row bit is always 0, so every edge's source is perm(0). */
	cr_assert_eq(rg_gen_rmat(&el, 8, 4, 0.5, 0.5, 0, 3), 0);
	for (uint64_t i = 1; i < el.n_edges; i++)
		cr_assert_eq(el.src[i], el.src[0]);
	rg_edgelist_free(&el);
}

Test(generate, rmat_independent_of_thread_count)
{
	/* 2^16 * 16 edges = 16 blocks: generated in parallel. */
	rg_edgelist_t a, b;
	omp_set_num_threads(1);
	cr_assert_eq(rg_gen_rmat(&a, 16, 16, 0, 0, 0, 42), 0);
	omp_set_num_threads(3);
	cr_assert_eq(rg_gen_rmat(&b, 16, 16, 0, 0, 0, 42), 0);
	cr_assert(same(&a, &b));
	rg_edgelist_free(&a);
	rg_edgelist_free(&b);
	omp_set_num_threads(1);
	cr_assert_eq(rg_gen_uniform(&a, 100000, 12, 42), 0);
	omp_set_num_threads(3);
	cr_assert_eq(rg_gen_uniform(&b, 100000, 12, 42), 0);
	cr_assert(same(&a, &b));
	rg_edgelist_free(&a);
	rg_edgelist_free(&b);
}

Test(generate, rmat_invalid)
{
	rg_edgelist_t el;
	cr_assert_eq(rg_gen_rmat(NULL, 10, 16, 0, 0, 0, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_rmat(&el, 0, 16, 0, 0, 0, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_rmat(&el, 43, 16, 0, 0, 0, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_rmat(&el, 10, 0, 0, 0, 0, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_rmat(&el, 10, 16, 0.6, 0.3, 0.3, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_rmat(&el, 10, 16, 0.6, -0.1, 0.3, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_rmat(&el, 10, 16, NAN, 0.1, 0.1, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_rmat(&el, 10, 16, 0.5, INFINITY, 0.1, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_rmat(&el, 40, UINT32_MAX, 0, 0, 0, 1), RG_EINVAL);
	cr_assert_null(el.src);
}

/* ------------------------------------------------------------------ */
/* oldbench                                                            */
/* ------------------------------------------------------------------ */

Test(generate, oldbench_degrees)
{
	rg_edgelist_t a, b, c;
	cr_assert_eq(rg_gen_oldbench(&a, 1000, 20, 1), 0);
	cr_assert_eq(a.n_nodes, 1000);
	check_ids(&a, false);
	uint64_t *deg = calloc(1000, sizeof *deg);
	for (uint64_t i = 0; i < a.n_edges; i++) {
		deg[a.src[i]]++;
		if (i)
			cr_assert_geq(a.src[i], a.src[i - 1]); /* grouped by source */
	}
	uint64_t min = UINT64_MAX, max = 0;
	for (int i = 0; i < 1000; i++) {
		cr_assert_geq(deg[i], 10, "node %d degree %llu", i, (unsigned long long)deg[i]);
		cr_assert_leq(deg[i], 40, "node %d degree %llu", i, (unsigned long long)deg[i]);
		min = deg[i] < min ? deg[i] : min;
		max = deg[i] > max ? deg[i] : max;
	}
	/* The range is used: mean 25, both ends nearly reached. */
	cr_assert_leq(min, 11);
	cr_assert_geq(max, 39);
	cr_assert_gt(a.n_edges, 23000);
	cr_assert_lt(a.n_edges, 27000);
	free(deg);

	cr_assert_eq(rg_gen_oldbench(&b, 1000, 20, 1), 0);
	cr_assert(same(&a, &b));
	cr_assert_eq(rg_gen_oldbench(&c, 1000, 20, 2), 0);
	cr_assert(!same(&a, &c));
	rg_edgelist_free(&a);
	rg_edgelist_free(&b);
	rg_edgelist_free(&c);

	/* avg 1: degrees in [0, 2]; avg 0: no edges. */
	cr_assert_eq(rg_gen_oldbench(&a, 500, 1, 4), 0);
	cr_assert_leq(a.n_edges, 1000);
	rg_edgelist_free(&a);
	cr_assert_eq(rg_gen_oldbench(&a, 500, 0, 4), 0);
	cr_assert_eq(a.n_edges, 0);
	cr_assert_eq(a.n_nodes, 500);
	rg_edgelist_free(&a);
}

Test(generate, oldbench_invalid)
{
	rg_edgelist_t el;
	cr_assert_eq(rg_gen_oldbench(NULL, 10, 2, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_oldbench(&el, 0, 2, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_oldbench(&el, 1, 2, 1), RG_EINVAL);
	cr_assert_eq(rg_gen_oldbench(&el, UINT64_MAX, 20, 1), RG_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Golden outputs: the same on every machine                           */
/* ------------------------------------------------------------------ */

/* Computed once (gcc -O2 and clang -O0 agree); a change here means the
 * generators' output changed, which invalidates recorded experiments. */
Test(generate, golden_digests)
{
	rg_edgelist_t el;
	cr_assert_eq(rg_gen_uniform(&el, 1000, 4, 42), 0);
	cr_assert_eq(digest(&el), UINT64_C(0xe9b8740f64dfcebe), "uniform digest %#llx",
		     (unsigned long long)digest(&el));
	rg_edgelist_free(&el);
	cr_assert_eq(rg_gen_rmat(&el, 12, 8, 0, 0, 0, 42), 0);
	cr_assert_eq(digest(&el), UINT64_C(0x23a7b9ccbd0b2b8d), "rmat digest %#llx",
		     (unsigned long long)digest(&el));
	rg_edgelist_free(&el);
	cr_assert_eq(rg_gen_oldbench(&el, 1000, 20, 42), 0);
	cr_assert_eq(digest(&el), UINT64_C(0x3dac663152ec53d2), "oldbench digest %#llx",
		     (unsigned long long)digest(&el));
	rg_edgelist_free(&el);
}

/* ------------------------------------------------------------------ */
/* Spec strings                                                        */
/* ------------------------------------------------------------------ */

Test(generate, spec_matches_direct_calls)
{
	rg_edgelist_t s, d;
	char err[256];
	cr_assert_eq(rg_gen_from_spec("rmat:scale=12,ef=8,seed=7,a=0.45,b=0.15,c=0.15",
				      &s, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rg_gen_rmat(&d, 12, 8, 0.45, 0.15, 0.15, 7), 0);
	cr_assert(same(&s, &d));
	rg_edgelist_free(&s);
	rg_edgelist_free(&d);

	/* Defaults: ef=16, seed=1, a/b/c Graph500. */
	cr_assert_eq(rg_gen_from_spec("rmat:scale=10", &s, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rg_gen_rmat(&d, 10, 16, 0, 0, 0, 1), 0);
	cr_assert(same(&s, &d));
	rg_edgelist_free(&s);
	rg_edgelist_free(&d);

	cr_assert_eq(rg_gen_from_spec("uniform:n=1000,deg=16,seed=1", &s, err, sizeof err), 0);
	cr_assert_eq(rg_gen_uniform(&d, 1000, 16, 1), 0);
	cr_assert(same(&s, &d));
	rg_edgelist_free(&s);
	rg_edgelist_free(&d);

	cr_assert_eq(rg_gen_from_spec("uniform:deg=2.5,n=100", &s, err, sizeof err), 0);
	cr_assert_eq(s.n_edges, 250);
	rg_edgelist_free(&s);

	cr_assert_eq(rg_gen_from_spec("oldbench:nodes=1000,avg=20,seed=1", &s, err, sizeof err), 0);
	cr_assert_eq(rg_gen_oldbench(&d, 1000, 20, 1), 0);
	cr_assert(same(&s, &d));
	rg_edgelist_free(&s);
	rg_edgelist_free(&d);
}

Test(generate, spec_snap_paths)
{
	rg_edgelist_t el;
	char err[512], spec[600];
	const char *path = rg_dataset("email-Eu-core.txt.gz");
	cr_assert_eq(rg_gen_from_spec(path, &el, err, sizeof err), 0, "%s", err);
	cr_assert_eq(el.n_edges, 25571);
	cr_assert_eq(el.n_nodes, 1005);
	rg_edgelist_free(&el);
	snprintf(spec, sizeof spec, "snap:%s", path);
	cr_assert_eq(rg_gen_from_spec(spec, &el, err, sizeof err), 0, "%s", err);
	cr_assert_eq(el.n_edges, 25571);
	rg_edgelist_free(&el);
	cr_assert_eq(rg_gen_from_spec("snap:/nonexistent.txt", &el, err, sizeof err), RG_EIO);
	cr_assert_not_null(strstr(err, "/nonexistent.txt"), "%s", err);
}

struct spec_err {
	const char *spec, *needle;
};

static const struct spec_err SPEC_ERRS[] = {
	{ "", "not a generator spec" },
	{ "/nonexistent/file.txt", "no such file" },
	{ "kron:scale=3", "unknown kind 'kron'" },
	{ "rmat:scale=10,zz=1", "unknown key 'zz'" },
	{ "rmat:scale=abc", "bad value 'abc' for scale" },
	{ "rmat:scale=", "bad value '' for scale" },
	{ "rmat:scale=10,ef=-3", "bad value '-3' for ef" },
	{ "rmat:scale=10,ef=99999999999", "bad value" },
	{ "rmat:scale=10,a=x", "bad value 'x' for a" },
	{ "rmat:scale=10,a=0", "a must be > 0" },
	{ "rmat:scale=10,a=0.6,b=0.3,c=0.3", "a + b + c" },
	{ "rmat:scale=99", "scale must be" },
	{ "rmat:ef=4", "needs scale=" },
	{ "rmat:", "needs scale=" },
	{ "rmat:scale=10,scale=11", "given twice" },
	{ "rmat:scale=10,", "trailing ','" },
	{ "rmat:scale=10,,ef=2", "expected key=value" },
	{ "rmat:scale", "expected key=value" },
	{ "uniform:n=1e3", "bad value '1e3' for n" },
	{ "uniform:n=10,deg=nan", "bad value 'nan' for deg" },
	{ "uniform:n=10,deg=-1", "deg must be" },
	{ "uniform:n=0", "n must be" },
	{ "uniform:deg=3", "needs n=" },
	{ "oldbench:nodes=10,avg=1.5", "bad value '1.5' for avg" },
	{ "oldbench:n=10", "unknown key 'n'" },
	{ "oldbench:nodes=1,avg=3", "nodes must be >= 2" },
};

Test(generate, spec_errors)
{
	for (size_t i = 0; i < sizeof SPEC_ERRS / sizeof SPEC_ERRS[0]; i++) {
		rg_edgelist_t el;
		char err[512] = "";
		int rc = rg_gen_from_spec(SPEC_ERRS[i].spec, &el, err, sizeof err);
		cr_assert_eq(rc, RG_EINVAL, "'%s': rc %d", SPEC_ERRS[i].spec, rc);
		cr_assert_not_null(strstr(err, SPEC_ERRS[i].needle),
				   "'%s': message '%s' lacks '%s'", SPEC_ERRS[i].spec,
				   err, SPEC_ERRS[i].needle);
		cr_assert_eq(el.n_edges, 0);
		cr_assert_null(el.src);
	}
	rg_edgelist_t el;
	cr_assert_eq(rg_gen_from_spec(NULL, &el, NULL, 0), RG_EINVAL);
	cr_assert_eq(rg_gen_from_spec("rmat:scale=4", NULL, NULL, 0), RG_EINVAL);
}
