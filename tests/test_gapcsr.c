/* Tests of the experiment baseline experiments/baseline/gapcsr.c: the CSR
 * build (input order, multigraph, thread independence), direction-optimising
 * BFS, PageRank and Afforest CC on hand-built graphs with known answers and
 * on generated graphs against the sequential references at 1 and 2 threads,
 * PageRank bit-identity across thread counts, checksums equal to rcugraph's
 * own on the same edge list, and error codes for bad arguments.
 * Every assertion runs on the main thread (never inside an OpenMP region). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <rcugraph/load.h>
#include <rcugraph/rcugraph.h>
#include <rcugraph/traverse.h>

#include "gapcsr.h"

#define U GB_UNREACHED

/* Builds a CSR from literal edge arrays (asserting success). */
static void build(gb_csr_t *c, uint64_t n, const uint64_t *s, const uint64_t *d, uint64_t m,
		  int threads)
{
	cr_assert_eq(gb_csr_build(c, n, s, d, m, threads), 0);
	cr_assert_eq(c->n, n);
	cr_assert_eq(c->m, m);
}

static void expect_depths(const gb_csr_t *c, uint64_t root, gb_bfs_mode_t mode,
			  const uint32_t *want)
{
	uint32_t got[64];
	cr_assert(c->n <= 64);
	for (int t = 1; t <= 2; t++) {
		cr_assert_eq(gb_bfs(c, root, mode, t, got, NULL), 0);
		for (uint64_t v = 0; v < c->n; v++)
			cr_assert_eq(got[v], want[v], "DO-BFS root %lu mode %d threads %d v %lu: %u != %u",
				     (unsigned long)root, (int)mode, t, (unsigned long)v, got[v], want[v]);
	}
	cr_assert_eq(gb_bfs_ref(c, root, mode, got), 0);
	for (uint64_t v = 0; v < c->n; v++)
		cr_assert_eq(got[v], want[v], "ref BFS v %lu", (unsigned long)v);
}

static void expect_comp(const gb_csr_t *c, const uint8_t *present, const uint32_t *want)
{
	uint32_t got[64];
	cr_assert(c->n <= 64);
	for (int t = 1; t <= 2; t++) {
		cr_assert_eq(gb_cc(c, present, t, got), 0);
		for (uint64_t v = 0; v < c->n; v++)
			cr_assert_eq(got[v], want[v], "afforest threads %d v %lu: %u != %u", t,
				     (unsigned long)v, got[v], want[v]);
	}
	cr_assert_eq(gb_cc_ref(c, present, got), 0);
	for (uint64_t v = 0; v < c->n; v++)
		cr_assert_eq(got[v], want[v], "ref cc v %lu", (unsigned long)v);
}

/* splitmix64 finaliser, written out again (rcugraph's rg__mix64). */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	x ^= x >> 31;
	return x;
}

/* ---------------- CSR ---------------- */

Test(gapcsr, csr_keeps_input_order_duplicates_and_self_loops)
{
	/* 2->5, 0->1, 2->3, 2->1, 0->1 (duplicate), 4->4 (self loop) */
	const uint64_t s[] = {2, 0, 2, 2, 0, 4}, d[] = {5, 1, 3, 1, 1, 4};
	for (int t = 1; t <= 3; t++) {
		gb_csr_t c;
		build(&c, 6, s, d, 6, t);
		const uint64_t oo[] = {0, 2, 2, 5, 5, 6, 6}, io[] = {0, 0, 3, 3, 4, 5, 6};
		const uint32_t on[] = {1, 1, 5, 3, 1, 4}, in[] = {0, 2, 0, 2, 4, 2};
		cr_assert_arr_eq(c.out_off, oo, sizeof oo);
		cr_assert_arr_eq(c.in_off, io, sizeof io);
		cr_assert_arr_eq(c.out_nbr, on, sizeof on);
		cr_assert_arr_eq(c.in_nbr, in, sizeof in);
		cr_assert_eq(gb_csr_bytes(&c), 2 * 7 * sizeof(uint64_t) + 2 * 6 * sizeof(uint32_t));
		uint8_t p[6];
		cr_assert_eq(gb_present_from_edges(&c, p), 6);
		const uint8_t wp[] = {1, 1, 1, 1, 1, 1};
		cr_assert_arr_eq(p, wp, 6);
		gb_csr_free(&c);
		gb_csr_free(&c); /* idempotent */
	}
}

Test(gapcsr, csr_build_independent_of_threads_on_generated_graph)
{
	rg_edgelist_t el = {0};
	cr_assert_eq(rg_gen_rmat(&el, 12, 8, 0, 0, 0, 3), 0);
	gb_csr_t a, b, c;
	build(&a, el.n_nodes, el.src, el.dst, el.n_edges, 1);
	build(&b, el.n_nodes, el.src, el.dst, el.n_edges, 2);
	build(&c, el.n_nodes, el.src, el.dst, el.n_edges, 3);
	const size_t ob = (el.n_nodes + 1) * sizeof(uint64_t), nb = el.n_edges * sizeof(uint32_t);
	cr_assert_arr_eq(a.out_off, b.out_off, ob);
	cr_assert_arr_eq(a.in_off, b.in_off, ob);
	cr_assert_arr_eq(a.out_nbr, b.out_nbr, nb);
	cr_assert_arr_eq(a.in_nbr, b.in_nbr, nb);
	cr_assert_arr_eq(a.out_nbr, c.out_nbr, nb);
	cr_assert_arr_eq(a.in_nbr, c.in_nbr, nb);
	/* Input order: walk the edge list and check each edge is the next entry
	 * of its source's and its target's list. */
	uint64_t *po = malloc(el.n_nodes * sizeof *po), *pi = malloc(el.n_nodes * sizeof *pi);
	memcpy(po, a.out_off, el.n_nodes * sizeof *po);
	memcpy(pi, a.in_off, el.n_nodes * sizeof *pi);
	for (uint64_t i = 0; i < el.n_edges; i++) {
		cr_assert_eq(a.out_nbr[po[el.src[i]]++], el.dst[i]);
		cr_assert_eq(a.in_nbr[pi[el.dst[i]]++], el.src[i]);
	}
	for (uint64_t v = 0; v < el.n_nodes; v++) {
		cr_assert_eq(po[v], a.out_off[v + 1]);
		cr_assert_eq(pi[v], a.in_off[v + 1]);
	}
	free(po);
	free(pi);
	gb_csr_free(&a);
	gb_csr_free(&b);
	gb_csr_free(&c);
	rg_edgelist_free(&el);
}

Test(gapcsr, empty_graph)
{
	gb_csr_t c;
	cr_assert_eq(gb_csr_build(&c, 0, NULL, NULL, 0, 2), 0);
	uint32_t d[1];
	double r[1];
	cr_assert_eq(gb_bfs(&c, 0, GB_BFS_OUT, 1, d, NULL), GB_ERANGE);
	cr_assert_eq(gb_pagerank(&c, NULL, 0.85, 5, 2, r, NULL), 0);
	cr_assert_eq(gb_cc(&c, NULL, 2, d), 0);
	cr_assert_eq(gb_cc_count(d, NULL, 0), 0);
	gb_csr_free(&c);
	/* vertices but no edges */
	cr_assert_eq(gb_csr_build(&c, 3, NULL, NULL, 0, 1), 0);
	const uint32_t want[] = {0, 1, 2}, wd[] = {U, 0, U};
	expect_comp(&c, NULL, want);
	expect_depths(&c, 1, GB_BFS_UNDIRECTED, wd);
	gb_csr_free(&c);
}

/* ---------------- BFS ---------------- */

Test(gapcsr, bfs_path)
{
	const uint64_t s[] = {0, 1, 2, 3}, d[] = {1, 2, 3, 4};
	gb_csr_t c;
	build(&c, 5, s, d, 4, 2);
	const uint32_t w0[] = {0, 1, 2, 3, 4}, w2[] = {U, U, 0, 1, 2}, w2u[] = {2, 1, 0, 1, 2};
	expect_depths(&c, 0, GB_BFS_OUT, w0);
	expect_depths(&c, 2, GB_BFS_OUT, w2);
	expect_depths(&c, 2, GB_BFS_UNDIRECTED, w2u);
	gb_bfs_stats_t st;
	uint32_t got[5];
	cr_assert_eq(gb_bfs(&c, 0, GB_BFS_OUT, 1, got, &st), 0);
	cr_assert_eq(st.levels, 5);
	cr_assert_eq(st.reached, 5);
	cr_assert_eq(st.td_steps + st.bu_steps, 5); /* 4 levels + the empty last one */
	gb_csr_free(&c);
}

Test(gapcsr, bfs_star_and_self_loops_duplicates)
{
	/* 0 -> 1..5, plus 3->3 self loop and a duplicate 0->2 */
	const uint64_t s[] = {0, 0, 0, 0, 0, 3, 0}, d[] = {1, 2, 3, 4, 5, 3, 2};
	gb_csr_t c;
	build(&c, 7, s, d, 7, 1);
	const uint32_t w0[] = {0, 1, 1, 1, 1, 1, U}, w3[] = {U, U, U, 0, U, U, U},
		       w3u[] = {1, 2, 2, 0, 2, 2, U};
	expect_depths(&c, 0, GB_BFS_OUT, w0);
	expect_depths(&c, 3, GB_BFS_OUT, w3);
	expect_depths(&c, 3, GB_BFS_UNDIRECTED, w3u);
	/* The star's frontier after the root is large: the bottom-up path runs. */
	gb_bfs_stats_t st;
	uint32_t got[7];
	cr_assert_eq(gb_bfs(&c, 0, GB_BFS_OUT, 2, got, &st), 0);
	cr_assert_gt(st.bu_steps, 0);
	cr_assert_eq(st.reached, 6);
	gb_csr_free(&c);
}

Test(gapcsr, bfs_checksum_matches_the_documented_scheme)
{
	/* depth: v0 unreached, v1 2, v2 0, v3 1, v4 1 -> order (2,0) (3,1) (4,1) (1,2) */
	const uint32_t depth[] = {U, 2, 0, 1, 1};
	const uint64_t ids[] = {2, 3, 4, 1}, dep[] = {0, 1, 1, 2};
	uint64_t h = 0x9E3779B97F4A7C15ULL;
	for (int i = 0; i < 4; i++) {
		h = mix64(h ^ ids[i]);
		h = mix64(h ^ dep[i]);
	}
	const uint64_t x = mix64(h ^ 8); /* 2 * 4 values */
	uint64_t sum = 0;
	cr_assert_eq(gb_bfs_checksum(depth, 5, &sum), 0);
	cr_assert_eq(sum, x);
	cr_assert_eq(gb_bfs_checksum(NULL, 5, &sum), GB_EINVAL);
	cr_assert_eq(gb_bfs_checksum(depth, 5, NULL), GB_EINVAL);
}

/* ---------------- PageRank ---------------- */

Test(gapcsr, pagerank_star_known_values)
{
	/* 0 -> 1..4: the leaves are dangling, the centre has no in-edges. */
	const uint64_t s[] = {0, 0, 0, 0}, d[] = {1, 2, 3, 4};
	gb_csr_t c;
	build(&c, 5, s, d, 4, 1);
	const double dm = 0.85, N = 5.0, r0 = 1.0 / N;
	/* One iteration by hand, same expressions as rcugraph. */
	const double D = r0 + r0 + r0 + r0;
	const double base = (1.0 - dm) / N + dm * D / N;
	const double leaf = base + dm * (r0 / 4.0);
	for (int t = 1; t <= 2; t++) {
		double r[5], delta = -1;
		cr_assert_eq(gb_pagerank(&c, NULL, dm, 1, t, r, &delta), 0);
		cr_assert_eq(r[0], base);
		for (int v = 1; v < 5; v++)
			cr_assert_eq(r[v], leaf);
		cr_assert_float_eq(r[0] + 4 * leaf, 1.0, 1e-12);
		cr_assert_float_eq(delta, fabs(base - r0) + 4 * fabs(leaf - r0), 1e-15);
		/* 0 iterations: the start vector, delta 0 */
		cr_assert_eq(gb_pagerank(&c, NULL, dm, 0, t, r, &delta), 0);
		for (int v = 0; v < 5; v++)
			cr_assert_eq(r[v], r0);
		cr_assert_eq(delta, 0.0);
	}
	gb_csr_free(&c);
}

Test(gapcsr, pagerank_outdeg_zero_self_loop_duplicates_sum_to_one)
{
	/* 0->1 twice (duplicate), 1->1 self loop, 2->0, 3 has out-degree 0 and
	 * in-edge from 2 */
	const uint64_t s[] = {0, 0, 1, 2, 2}, d[] = {1, 1, 1, 0, 3};
	gb_csr_t c;
	build(&c, 4, s, d, 5, 2);
	double r1[4], r2[4], rr[4], d1, d2, dr;
	cr_assert_eq(gb_pagerank(&c, NULL, 0.85, 30, 1, r1, &d1), 0);
	cr_assert_eq(gb_pagerank(&c, NULL, 0.85, 30, 2, r2, &d2), 0);
	cr_assert_eq(gb_pagerank_ref(&c, NULL, 0.85, 30, rr, &dr), 0);
	cr_assert_arr_eq(r1, r2, sizeof r1);
	cr_assert_arr_eq(r1, rr, sizeof r1);
	cr_assert_eq(memcmp(&d1, &dr, sizeof d1), 0);
	cr_assert_float_eq(r1[0] + r1[1] + r1[2] + r1[3], 1.0, 1e-12);
	/* 1 keeps all of its rank (self loop) and gets 0's: the largest. */
	cr_assert_gt(r1[1], r1[0]);
	cr_assert_gt(r1[1], r1[3]);
	/* One iteration by hand: outdeg 0:2 1:1 2:2 3:0; D = r(3). */
	double h[4];
	cr_assert_eq(gb_pagerank(&c, NULL, 0.85, 1, 2, h, NULL), 0);
	const double q = 0.25, base = (1.0 - 0.85) / 4.0 + 0.85 * q / 4.0;
	cr_assert_eq(h[0], base + 0.85 * (q / 2.0));
	cr_assert_eq(h[1], base + 0.85 * (q / 2.0 + q / 2.0 + q / 1.0));
	cr_assert_eq(h[2], base);
	cr_assert_eq(h[3], base + 0.85 * (q / 2.0));
	gb_csr_free(&c);
}

Test(gapcsr, present_mask_excludes_isolated_ids)
{
	/* ids 0..6; 2 and 5 appear in no edge */
	const uint64_t s[] = {0, 1, 3, 4}, d[] = {1, 0, 4, 6};
	gb_csr_t c;
	build(&c, 7, s, d, 4, 1);
	uint8_t p[7];
	cr_assert_eq(gb_present_from_edges(&c, p), 5);
	cr_assert_eq(p[2], 0);
	cr_assert_eq(p[5], 0);
	double r[7], rr[7];
	for (int t = 1; t <= 2; t++) {
		cr_assert_eq(gb_pagerank(&c, p, 0.85, 10, t, r, NULL), 0);
		cr_assert_eq(r[2], 0.0);
		cr_assert_eq(r[5], 0.0);
		cr_assert_float_eq(r[0] + r[1] + r[3] + r[4] + r[6], 1.0, 1e-12);
		cr_assert_eq(gb_pagerank_ref(&c, p, 0.85, 10, rr, NULL), 0);
		cr_assert_arr_eq(r, rr, sizeof r);
	}
	/* N = 5 with the mask, 7 without: a different start and base. */
	cr_assert_eq(gb_pagerank(&c, p, 0.85, 0, 1, r, NULL), 0);
	cr_assert_eq(r[0], 1.0 / 5.0);
	cr_assert_eq(gb_pagerank(&c, NULL, 0.85, 0, 1, r, NULL), 0);
	cr_assert_eq(r[0], 1.0 / 7.0);
	const uint32_t wm[] = {0, 0, GB_NONE, 3, 3, GB_NONE, 3}, wa[] = {0, 0, 2, 3, 3, 5, 3};
	expect_comp(&c, p, wm);
	expect_comp(&c, NULL, wa);
	uint32_t comp[7];
	cr_assert_eq(gb_cc(&c, p, 2, comp), 0);
	cr_assert_eq(gb_cc_count(comp, p, 7), 2);
	cr_assert_eq(gb_cc_count(wa, NULL, 7), 4);
	/* An "absent" vertex that has edges is an inconsistent mask. */
	p[4] = 0;
	cr_assert_eq(gb_pagerank(&c, p, 0.85, 1, 1, r, NULL), GB_EINVAL);
	cr_assert_eq(gb_pagerank_ref(&c, p, 0.85, 1, r, NULL), GB_EINVAL);
	cr_assert_eq(gb_cc(&c, p, 1, comp), GB_EINVAL);
	cr_assert_eq(gb_cc_ref(&c, p, comp), GB_EINVAL);
	gb_csr_free(&c);
}

/* ---------------- CC ---------------- */

Test(gapcsr, cc_two_components_smallest_id)
{
	/* {1, 2, 4} via 4->2, 2->1 and {0, 3} via 3->0, plus 5 alone (self loop) */
	const uint64_t s[] = {4, 3, 2, 5}, d[] = {2, 0, 1, 5};
	gb_csr_t c;
	build(&c, 6, s, d, 4, 2);
	const uint32_t want[] = {0, 1, 1, 0, 1, 5};
	expect_comp(&c, NULL, want);
	cr_assert_eq(gb_cc_count(want, NULL, 6), 3);
	gb_csr_free(&c);
}

/* ---------------- generated graphs vs references ---------------- */

static void check_generated(const rg_edgelist_t *el, uint64_t n, int use_mask)
{
	gb_csr_t c;
	build(&c, n, el->src, el->dst, el->n_edges, 2);
	uint8_t *p = NULL;
	if (use_mask) {
		p = malloc(n);
		gb_present_from_edges(&c, p);
	}
	uint32_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
	double *ra = malloc(n * sizeof *ra), *rb = malloc(n * sizeof *rb);
	unsigned td = 0, bu = 0;
	for (int k = 0; k < 6; k++) {
		uint64_t root = ((uint64_t)k * 2654435761u) % n;
		for (int mode = GB_BFS_OUT; mode <= GB_BFS_UNDIRECTED; mode++) {
			cr_assert_eq(gb_bfs_ref(&c, root, mode, b), 0);
			for (int t = 1; t <= 2; t++) {
				gb_bfs_stats_t st;
				cr_assert_eq(gb_bfs(&c, root, mode, t, a, &st), 0);
				cr_assert_arr_eq(a, b, n * sizeof *a, "BFS root %lu mode %d threads %d",
						 (unsigned long)root, mode, t);
				uint64_t reached = 0;
				for (uint64_t v = 0; v < n; v++)
					reached += b[v] != U;
				cr_assert_eq(st.reached, reached);
				td += st.td_steps;
				bu += st.bu_steps;
			}
		}
	}
	cr_assert_gt(td, 0);
	cr_assert_gt(bu, 0, "the bottom-up path never ran");

	cr_assert_eq(gb_cc_ref(&c, p, b), 0);
	for (int t = 1; t <= 2; t++) {
		cr_assert_eq(gb_cc(&c, p, t, a), 0);
		cr_assert_arr_eq(a, b, n * sizeof *a, "CC threads %d", t);
	}

	double da, db;
	cr_assert_eq(gb_pagerank_ref(&c, p, 0.85, 15, rb, &db), 0);
	for (int t = 1; t <= 2; t++) {
		cr_assert_eq(gb_pagerank(&c, p, 0.85, 15, t, ra, &da), 0);
		cr_assert_arr_eq(ra, rb, n * sizeof *ra, "PageRank threads %d not bit-identical", t);
		cr_assert_eq(memcmp(&da, &db, sizeof da), 0);
	}
	double sum = 0;
	for (uint64_t v = 0; v < n; v++)
		sum += ra[v];
	cr_assert_float_eq(sum, 1.0, 1e-9);
	free(a);
	free(b);
	free(ra);
	free(rb);
	free(p);
	gb_csr_free(&c);
}

Test(gapcsr, rmat_against_references_1_and_2_threads)
{
	rg_edgelist_t el = {0};
	cr_assert_eq(rg_gen_rmat(&el, 13, 8, 0, 0, 0, 7), 0);
	check_generated(&el, el.n_nodes, 1);
	check_generated(&el, el.n_nodes, 0);
	rg_edgelist_free(&el);
}

Test(gapcsr, uniform_sparse_many_components_against_references)
{
	/* average degree 1.2: many components, long BFS tails */
	rg_edgelist_t el = {0};
	cr_assert_eq(rg_gen_uniform(&el, 9000, 1.2, 5), 0);
	check_generated(&el, el.n_nodes, 1);
	rg_edgelist_free(&el);
}

Test(gapcsr, pagerank_bit_identical_across_thread_counts)
{
	rg_edgelist_t el = {0};
	cr_assert_eq(rg_gen_rmat(&el, 14, 4, 0, 0, 0, 11), 0);
	gb_csr_t c;
	build(&c, el.n_nodes, el.src, el.dst, el.n_edges, 2);
	uint8_t *p = malloc(c.n);
	gb_present_from_edges(&c, p);
	double *r1 = malloc(c.n * sizeof *r1), *rt = malloc(c.n * sizeof *rt);
	double d1, dt;
	cr_assert_eq(gb_pagerank(&c, p, 0.85, 20, 1, r1, &d1), 0);
	for (int t = 2; t <= 4; t++) {
		cr_assert_eq(gb_pagerank(&c, p, 0.85, 20, t, rt, &dt), 0);
		cr_assert_arr_eq(r1, rt, c.n * sizeof *r1, "threads %d", t);
		cr_assert_eq(memcmp(&d1, &dt, sizeof d1), 0);
		cr_assert_eq(gb_pagerank_checksum(r1, p, c.n), gb_pagerank_checksum(rt, p, c.n));
	}
	free(r1);
	free(rt);
	free(p);
	gb_csr_free(&c);
	rg_edgelist_free(&el);
}

/* ---------------- the same checksums as rcugraph itself ---------------- */

Test(gapcsr, checksums_equal_rcugraph_on_the_same_edge_list)
{
	rg_edgelist_t el = {0};
	/* scale 13: more than one 2048-node block, and ids absent from every edge */
	cr_assert_eq(rg_gen_rmat(&el, 13, 6, 0, 0, 0, 21), 0);
	gb_csr_t c;
	build(&c, el.n_nodes, el.src, el.dst, el.n_edges, 2);
	uint8_t *p = malloc(c.n);
	uint64_t npresent = gb_present_from_edges(&c, p);
	cr_assert_lt(npresent, c.n);
	cr_assert_gt(npresent, 2 * GB_PR_BLOCK);

	rg_graph_t *g = NULL;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_edgelist_insert(g, &el, 0, 0, NULL), 0);
	cr_assert_eq(rg_reader_register(g), 0);
	rg_read_t *r = NULL;
	cr_assert_eq(rg_read_begin(g, &r), 0);

	rg_exec_t ex;
	rg_exec_init(&ex);
	ex.mode = RG_EXEC_PAR;
	ex.threads = 2;
	rg_pagerank_opts_t o;
	rg_pagerank_opts_init(&o);
	o.max_iter = 12;
	o.tol = 0.0; /* never "converged": a fixed number of iterations */
	rg_pagerank_t pr = {0};
	cr_assert_eq(rg_pagerank(r, &o, &ex, &pr), 0);
	cr_assert_eq(pr.iterations, 12);
	cr_assert_eq(pr.n, npresent);
	double *rank = malloc(c.n * sizeof *rank), delta;
	cr_assert_eq(gb_pagerank(&c, p, 0.85, 12, 2, rank, &delta), 0);
	cr_assert_eq(gb_pagerank_checksum(rank, p, c.n), rg_pagerank_checksum(&pr));
	cr_assert_eq(memcmp(&delta, &pr.delta, sizeof delta), 0);

	rg_wcc_t w = {0};
	cr_assert_eq(rg_wcc(r, RG_TYPE_ANY, &ex, &w), 0);
	uint32_t *comp = malloc(c.n * sizeof *comp);
	cr_assert_eq(gb_cc(&c, p, 2, comp), 0);
	cr_assert_eq(gb_cc_checksum(comp, p, c.n), rg_wcc_checksum(&w));
	cr_assert_eq(gb_cc_count(comp, p, c.n), w.ncomp);

	for (int k = 0; k < 3; k++) {
		uint64_t root = el.src[(uint64_t)k * 977 % el.n_edges];
		const int dirs[2] = {RG_OUT, RG_BOTH};
		for (int mode = GB_BFS_OUT; mode <= GB_BFS_UNDIRECTED; mode++) {
			rg_bfs_t b = {0};
			cr_assert_eq(rg_bfs(r, root, RG_BFS_UNLIMITED, dirs[mode], RG_TYPE_ANY, &ex, &b), 0);
			cr_assert_eq(gb_bfs(&c, root, mode, 2, comp, NULL), 0);
			uint64_t sum = 0;
			cr_assert_eq(gb_bfs_checksum(comp, c.n, &sum), 0);
			cr_assert_eq(sum, rg_bfs_checksum(&b), "root %lu mode %d", (unsigned long)root,
				     mode);
			rg_bfs_free(&b);
		}
	}
	rg_wcc_free(&w);
	rg_pagerank_free(&pr);
	cr_assert_eq(rg_read_end(r), 0);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
	free(rank);
	free(comp);
	free(p);
	gb_csr_free(&c);
	rg_edgelist_free(&el);
}

/* ---------------- bad arguments ---------------- */

Test(gapcsr, bad_arguments_give_error_codes)
{
	const uint64_t s[] = {0, 1}, d[] = {1, 2}, dbad[] = {1, 3};
	gb_csr_t c;
	cr_assert_eq(gb_csr_build(NULL, 3, s, d, 2, 1), GB_EINVAL);
	cr_assert_eq(gb_csr_build(&c, 3, NULL, d, 2, 1), GB_EINVAL);
	cr_assert_eq(gb_csr_build(&c, 3, s, NULL, 2, 1), GB_EINVAL);
	cr_assert_eq(gb_csr_build(&c, 3, s, d, 2, -1), GB_EINVAL);
	cr_assert_eq(gb_csr_build(&c, 3, s, dbad, 2, 1), GB_ERANGE);
	cr_assert_eq(gb_csr_build(&c, 3, s, dbad, 2, 2), GB_ERANGE);
	cr_assert_eq(gb_csr_build(&c, 2, s, d, 2, 2), GB_ERANGE);
	cr_assert_eq(gb_csr_build(&c, GB_MAX_VERTICES + 1, s, d, 2, 1), GB_ERANGE);
	cr_assert_null(c.out_off); /* nothing left allocated */
	gb_csr_free(&c);
	gb_csr_free(NULL);
	cr_assert_eq(gb_csr_bytes(NULL), 0);

	build(&c, 3, s, d, 2, 1);
	uint32_t u[3];
	double r[3];
	gb_csr_t zero = {0};
	cr_assert_eq(gb_bfs(NULL, 0, GB_BFS_OUT, 1, u, NULL), GB_EINVAL);
	cr_assert_eq(gb_bfs(&zero, 0, GB_BFS_OUT, 1, u, NULL), GB_EINVAL);
	cr_assert_eq(gb_bfs(&c, 0, GB_BFS_OUT, 1, NULL, NULL), GB_EINVAL);
	cr_assert_eq(gb_bfs(&c, 0, (gb_bfs_mode_t)7, 1, u, NULL), GB_EINVAL);
	cr_assert_eq(gb_bfs(&c, 0, GB_BFS_OUT, -3, u, NULL), GB_EINVAL);
	cr_assert_eq(gb_bfs(&c, 3, GB_BFS_OUT, 1, u, NULL), GB_ERANGE);
	cr_assert_eq(gb_bfs_ref(&c, 3, GB_BFS_OUT, u), GB_ERANGE);
	cr_assert_eq(gb_bfs_ref(NULL, 0, GB_BFS_OUT, u), GB_EINVAL);
	cr_assert_eq(gb_bfs_ref(&c, 0, (gb_bfs_mode_t)-1, u), GB_EINVAL);

	cr_assert_eq(gb_pagerank(NULL, NULL, 0.85, 1, 1, r, NULL), GB_EINVAL);
	cr_assert_eq(gb_pagerank(&c, NULL, 0.85, 1, 1, NULL, NULL), GB_EINVAL);
	cr_assert_eq(gb_pagerank(&c, NULL, 0.0, 1, 1, r, NULL), GB_EINVAL);
	cr_assert_eq(gb_pagerank(&c, NULL, 1.0, 1, 1, r, NULL), GB_EINVAL);
	cr_assert_eq(gb_pagerank(&c, NULL, NAN, 1, 1, r, NULL), GB_EINVAL);
	cr_assert_eq(gb_pagerank(&c, NULL, 0.85, 1, -1, r, NULL), GB_EINVAL);
	cr_assert_eq(gb_pagerank_ref(&c, NULL, 2.0, 1, r, NULL), GB_EINVAL);
	cr_assert_eq(gb_pagerank_checksum(NULL, NULL, 3), 0);

	cr_assert_eq(gb_cc(NULL, NULL, 1, u), GB_EINVAL);
	cr_assert_eq(gb_cc(&c, NULL, 1, NULL), GB_EINVAL);
	cr_assert_eq(gb_cc(&c, NULL, -2, u), GB_EINVAL);
	cr_assert_eq(gb_cc_ref(&zero, NULL, u), GB_EINVAL);
	cr_assert_eq(gb_cc_checksum(NULL, NULL, 3), 0);
	cr_assert_eq(gb_cc_count(NULL, NULL, 3), 0);

	/* threads = 0: the OpenMP default team; still correct. */
	const uint32_t want[] = {0, 1, 2};
	cr_assert_eq(gb_bfs(&c, 0, GB_BFS_OUT, 0, u, NULL), 0);
	cr_assert_arr_eq(u, want, sizeof want);
	cr_assert_str_eq(gb_strerror(GB_ERANGE), "id out of range");
	gb_csr_free(&c);
}
