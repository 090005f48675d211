/* Tests of PageRank and WCC: against independent references, sequential ==
 * parallel == CSR copy (bit-identical), on a live section while a writer
 * commits, the CSR snapshot handle, and error paths. */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rcugraph/csr.h>
#include <rcugraph/load.h>
#include <rcugraph/rcugraph.h>
#include <rcugraph/traverse.h>

#include "testutil.h"

static rg_graph_t *open_graph(void)
{
	rg_graph_t *g = NULL;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_reader_register(g), 0);
	return g;
}

static void close_graph(rg_graph_t *g)
{
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

static rg_exec_t exec_of(int mode, int threads)
{
	rg_exec_t ex;
	rg_exec_init(&ex);
	ex.mode = mode;
	ex.threads = threads;
	return ex;
}

static int pr_identical(const rg_pagerank_t *a, const rg_pagerank_t *b)
{
	return a->n == b->n && a->iterations == b->iterations &&
	       memcmp(&a->delta, &b->delta, sizeof a->delta) == 0 &&
	       (a->n == 0 || (memcmp(a->ids, b->ids, a->n * sizeof *a->ids) == 0 &&
			      memcmp(a->rank, b->rank, a->n * sizeof *a->rank) == 0));
}

static int wcc_identical(const rg_wcc_t *a, const rg_wcc_t *b)
{
	return a->n == b->n && a->ncomp == b->ncomp &&
	       (a->n == 0 || (memcmp(a->ids, b->ids, a->n * sizeof *a->ids) == 0 &&
			      memcmp(a->comp, b->comp, a->n * sizeof *a->comp) == 0));
}

/* ---- independent references over an edge list (ids mapped densely) ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct dense {
	uint64_t n, m;
	uint64_t *id;       /* sorted distinct ids */
	uint64_t *s, *t;    /* edges as indices */
};

static uint64_t idx_of(const struct dense *d, uint64_t id)
{
	uint64_t *p = bsearch(&id, d->id, d->n, sizeof id, cmp_u64);
	cr_assert_not_null(p);
	return (uint64_t)(p - d->id);
}

static void dense_build(struct dense *d, const uint64_t *src, const uint64_t *dst, uint64_t m)
{
	uint64_t *all = malloc((2 * m + 1) * sizeof *all);
	memcpy(all, src, m * sizeof *all);
	memcpy(all + m, dst, m * sizeof *all);
	qsort(all, 2 * m, sizeof *all, cmp_u64);
	uint64_t n = 0;
	for (uint64_t i = 0; i < 2 * m; i++)
		if (i == 0 || all[i] != all[i - 1])
			all[n++] = all[i];
	d->n = n;
	d->m = m;
	d->id = all;
	d->s = malloc((m + 1) * sizeof *d->s);
	d->t = malloc((m + 1) * sizeof *d->t);
	for (uint64_t e = 0; e < m; e++) {
		d->s[e] = idx_of(d, src[e]);
		d->t[e] = idx_of(d, dst[e]);
	}
}

static void dense_free(struct dense *d)
{
	free(d->id);
	free(d->s);
	free(d->t);
}

/* Textbook power iteration, fixed iteration count. */
static double *ref_pagerank(const struct dense *d, double damp, unsigned iters)
{
	uint64_t n = d->n;
	double *r = malloc(n * sizeof *r), *nx = malloc(n * sizeof *nx);
	uint64_t *outd = calloc(n, sizeof *outd);
	for (uint64_t e = 0; e < d->m; e++)
		outd[d->s[e]]++;
	for (uint64_t i = 0; i < n; i++)
		r[i] = 1.0 / (double)n;
	for (unsigned it = 0; it < iters; it++) {
		double dang = 0;
		for (uint64_t i = 0; i < n; i++)
			if (!outd[i])
				dang += r[i];
		for (uint64_t i = 0; i < n; i++)
			nx[i] = (1 - damp) / (double)n + damp * dang / (double)n;
		for (uint64_t e = 0; e < d->m; e++)
			nx[d->t[e]] += damp * r[d->s[e]] / (double)outd[d->s[e]];
		double *t = r;
		r = nx;
		nx = t;
	}
	free(nx);
	free(outd);
	return r;
}

static uint64_t uf(uint64_t *p, uint64_t x)
{
	while (p[x] != x)
		x = p[x] = p[p[x]];
	return x;
}

/* comp[i] = smallest id of i's weak component. */
static uint64_t *ref_wcc(const struct dense *d)
{
	uint64_t *p = malloc(d->n * sizeof *p), *mn = malloc(d->n * sizeof *mn);
	for (uint64_t i = 0; i < d->n; i++)
		p[i] = i;
	for (uint64_t e = 0; e < d->m; e++) {
		uint64_t a = uf(p, d->s[e]), b = uf(p, d->t[e]);
		if (a != b)
			p[a > b ? a : b] = a < b ? a : b;
	}
	/* ids are sorted, so the smallest index is the smallest id */
	for (uint64_t i = 0; i < d->n; i++)
		mn[i] = d->id[uf(p, i)];
	free(p);
	return mn;
}

/* ---- hand graph ---- */

/* Two components {1,2,3,4} (with a dangling node 4 and a self loop) and
 * {7,9}, plus isolated 5 (an isolated node is also dangling). */
static rg_graph_t *hand_graph(struct dense *d)
{
	static const uint64_t s[] = {1, 2, 3, 1, 3, 9, 3};
	static const uint64_t t[] = {2, 3, 1, 3, 4, 7, 3};
	rg_graph_t *g = open_graph();
	rg_txn_t *x;
	cr_assert_eq(rg_txn_begin(g, &x), 0);
	const uint64_t order[] = {9, 4, 5, 1, 7, 3, 2};
	for (int i = 0; i < 7; i++)
		cr_assert_eq(rg_txn_add_node(x, order[i], 0), 0);
	for (int i = 0; i < 7; i++)
		cr_assert_eq(rg_txn_add_edge(x, s[i], t[i], 0, 0), 0);
	cr_assert_eq(rg_txn_commit(x, NULL), 0);
	/* reference: the 7 ids (5 has no edge, so list it explicitly) */
	dense_build(d, s, t, 7);
	static const uint64_t all[] = {1, 2, 3, 4, 5, 7, 9};
	free(d->id);
	d->id = malloc(sizeof all);
	memcpy(d->id, all, sizeof all);
	d->n = 7;
	for (uint64_t e = 0; e < d->m; e++) {
		d->s[e] = idx_of(d, s[e]);
		d->t[e] = idx_of(d, t[e]);
	}
	return g;
}

Test(analytics, hand_graph_pagerank_and_wcc)
{
	struct dense d;
	rg_graph_t *g = hand_graph(&d);
	cr_assert_eq(d.n, 7);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	rg_pagerank_opts_t o;
	rg_pagerank_opts_init(&o);
	o.tol = 0; /* run exactly max_iter */
	o.max_iter = 60;
	double *ref = ref_pagerank(&d, 0.85, 60);
	for (int mode = RG_EXEC_SEQ; mode <= RG_EXEC_PAR; mode++) {
		rg_exec_t ex = exec_of(mode, 2);
		rg_pagerank_t p;
		cr_assert_eq(rg_pagerank(r, &o, &ex, &p), 0);
		cr_assert_eq(p.n, 7);
		cr_assert_eq(p.iterations, 60);
		double sum = 0;
		for (size_t i = 0; i < p.n; i++) {
			cr_assert_eq(p.ids[i], d.id[i]);
			cr_assert(fabs(p.rank[i] - ref[i]) <= 1e-12 * ref[i],
				  "rank of %lu: %.17g vs ref %.17g", (unsigned long)p.ids[i],
				  p.rank[i], ref[i]);
			sum += p.rank[i];
		}
		cr_assert(fabs(sum - 1.0) < 1e-12, "sum %.17g", sum);
		rg_pagerank_free(&p);

		rg_wcc_t w;
		cr_assert_eq(rg_wcc(r, RG_TYPE_ANY, &ex, &w), 0);
		const uint64_t ids[] = {1, 2, 3, 4, 5, 7, 9}, comp[] = {1, 1, 1, 1, 5, 7, 7};
		cr_assert_eq(w.n, 7);
		cr_assert_eq(w.ncomp, 3);
		for (int i = 0; i < 7; i++) {
			cr_assert_eq(w.ids[i], ids[i]);
			cr_assert_eq(w.comp[i], comp[i], "comp of %lu", (unsigned long)ids[i]);
		}
		rg_wcc_free(&w);
	}
	free(ref);
	/* a type filter that matches nothing: every node is its own component */
	rg_wcc_t w;
	cr_assert_eq(rg_wcc(r, 5, NULL, &w), 0);
	cr_assert_eq(w.ncomp, 7);
	rg_wcc_free(&w);
	/* max_iter 0: the uniform start vector */
	rg_pagerank_t p;
	o.max_iter = 0;
	cr_assert_eq(rg_pagerank(r, &o, NULL, &p), 0);
	cr_assert_eq(p.iterations, 0);
	for (size_t i = 0; i < p.n; i++)
		cr_assert_eq(p.rank[i], 1.0 / 7);
	rg_pagerank_free(&p);
	cr_assert_eq(rg_read_end(r), 0);
	dense_free(&d);
	close_graph(g);
}

/* seq == par(2) == par(3) == csr (bit-identical), == reference. */
static void check_graph(rg_graph_t *g, const rg_edgelist_t *el)
{
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	rg_csr_t *c;
	cr_assert_eq(rg_csr_build(r, &c), 0);
	cr_assert_eq(rg_csr_nodes(c), rg_node_count(r));
	cr_assert_eq(rg_csr_edges(c), rg_edge_count(r));
	cr_assert_eq(rg_csr_version(c), rg_read_version(r));
	cr_assert_gt(rg_csr_bytes(c), rg_csr_edges(c) * 16);

	rg_pagerank_opts_t o;
	rg_pagerank_opts_init(&o);
	o.max_iter = 30;
	o.tol = 1e-9;
	rg_pagerank_t ps, pp2, pp3, pc, pcp;
	rg_exec_t ex = exec_of(RG_EXEC_SEQ, 0);
	cr_assert_eq(rg_pagerank(r, &o, &ex, &ps), 0);
	cr_assert_eq(ex.threads_used, 1);
	cr_assert_gt(ex.edges, 0);
	ex = exec_of(RG_EXEC_PAR, 2);
	cr_assert_eq(rg_pagerank(r, &o, &ex, &pp2), 0);
	cr_assert_eq(ex.par_steps, 1);
	ex = exec_of(RG_EXEC_PAR, 3);
	cr_assert_eq(rg_pagerank(r, &o, &ex, &pp3), 0);
	cr_assert_eq(rg_csr_pagerank(c, &o, NULL, &pc), 0);
	ex = exec_of(RG_EXEC_PAR, 2);
	cr_assert_eq(rg_csr_pagerank(c, &o, &ex, &pcp), 0);
	cr_assert(pr_identical(&ps, &pp2), "pagerank seq != par(2)");
	cr_assert(pr_identical(&ps, &pp3), "pagerank seq != par(3)");
	cr_assert(pr_identical(&ps, &pc), "pagerank live != csr");
	cr_assert(pr_identical(&ps, &pcp), "pagerank live != csr par");
	cr_assert_eq(rg_pagerank_checksum(&ps), rg_pagerank_checksum(&pcp));
	double sum = 0;
	for (size_t i = 0; i < ps.n; i++)
		sum += ps.rank[i];
	cr_assert(fabs(sum - 1.0) < 1e-9, "sum %.17g", sum);

	rg_wcc_t ws, wp, wc, wcp;
	ex = exec_of(RG_EXEC_SEQ, 0);
	cr_assert_eq(rg_wcc(r, RG_TYPE_ANY, &ex, &ws), 0);
	ex = exec_of(RG_EXEC_PAR, 2);
	cr_assert_eq(rg_wcc(r, RG_TYPE_ANY, &ex, &wp), 0);
	cr_assert_eq(rg_csr_wcc(c, RG_TYPE_ANY, NULL, &wc), 0);
	ex = exec_of(RG_EXEC_PAR, 3);
	cr_assert_eq(rg_csr_wcc(c, RG_TYPE_ANY, &ex, &wcp), 0);
	cr_assert(wcc_identical(&ws, &wp) && wcc_identical(&ws, &wc) && wcc_identical(&ws, &wcp),
		  "wcc paths differ");
	cr_assert_eq(rg_wcc_checksum(&ws), rg_wcc_checksum(&wcp));

	if (el) {
		struct dense d;
		dense_build(&d, el->src, el->dst, el->n_edges);
		cr_assert_eq(d.n, ps.n);
		/* reference with the same iteration count (tol decides it) */
		double *ref = ref_pagerank(&d, 0.85, ps.iterations);
		for (size_t i = 0; i < ps.n; i++) {
			cr_assert_eq(ps.ids[i], d.id[i]);
			cr_assert(fabs(ps.rank[i] - ref[i]) <= 1e-12 + 1e-9 * ref[i],
				  "rank %lu: %.17g vs %.17g", (unsigned long)ps.ids[i], ps.rank[i],
				  ref[i]);
		}
		free(ref);
		uint64_t *comp = ref_wcc(&d);
		uint64_t nc = 0;
		for (size_t i = 0; i < ws.n; i++) {
			cr_assert_eq(ws.comp[i], comp[i]);
			nc += comp[i] == d.id[i];
		}
		cr_assert_eq(ws.ncomp, nc);
		free(comp);
		dense_free(&d);
	}
	rg_pagerank_free(&ps);
	rg_pagerank_free(&pp2);
	rg_pagerank_free(&pp3);
	rg_pagerank_free(&pc);
	rg_pagerank_free(&pcp);
	rg_wcc_free(&ws);
	rg_wcc_free(&wp);
	rg_wcc_free(&wc);
	rg_wcc_free(&wcp);
	rg_csr_free(c);
	cr_assert_eq(rg_read_end(r), 0);
}

static void dataset_case(const char *name)
{
	rg_graph_t *g = open_graph();
	char err[256] = "";
	int rc = rg_load_snap(g, rg_dataset(name), 0, NULL, err, sizeof err);
	cr_assert_eq(rc, 0, "%s: %s", name, err);
	rg_edgelist_t el;
	cr_assert_eq(rg_snap_parse(rg_dataset(name), &el, err, sizeof err), 0, "%s", err);
	check_graph(g, &el);
	rg_edgelist_free(&el);
	close_graph(g);
}

Test(analytics, wiki_vote) { dataset_case("wiki-Vote.txt.gz"); }
Test(analytics, gnutella_crlf) { dataset_case("p2p-Gnutella31.txt.gz"); }
Test(analytics, email_eu_core) { dataset_case("email-Eu-core.txt.gz"); }

Test(analytics, generated)
{
	const char *specs[] = {"rmat:scale=14,ef=8,seed=2", "uniform:n=30000,deg=3,seed=4"};
	for (int i = 0; i < 2; i++) {
		rg_edgelist_t el;
		char err[256];
		cr_assert_eq(rg_gen_from_spec(specs[i], &el, err, sizeof err), 0, "%s", err);
		rg_graph_t *g = open_graph();
		cr_assert_eq(rg_edgelist_insert(g, &el, 0, 0, NULL), 0);
		check_graph(g, &el);
		rg_edgelist_free(&el);
		close_graph(g);
	}
}

/* ---- live section while the writer commits == frozen copy of it ---- */

struct writer {
	rg_graph_t *g;
	uint64_t n;
	int stop;
	int err;
	uint64_t commits;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	uint64_t s = 999, next = w->n;
	while (!__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
		rg_txn_t *t;
		int rc = rg_txn_begin(w->g, &t);
		if (rc) {
			w->err = rc;
			break;
		}
		for (int i = 0; i < 32 && !rc; i++) {
			rc = rg_txn_add_edge(t, rg_rand(&s) % next, rg_rand(&s) % next,
					     (uint32_t)(rg_rand(&s) % 2), 0);
			if (rc == RG_ENOENT)
				rc = 0;
		}
		if (!rc && rg_rand(&s) % 2 == 0) {
			rc = rg_txn_add_node(t, next++, 0);
		}
		if (!rc && rg_rand(&s) % 2 == 0) {
			int d = rg_txn_del_edge(t, rg_rand(&s) % next, rg_rand(&s) % next,
						RG_TYPE_ANY);
			rc = d == RG_ENOENT ? 0 : d;
		}
		if (!rc && rg_rand(&s) % 16 == 0) {
			int d = rg_txn_del_node(t, rg_rand(&s) % next);
			rc = d == RG_ENOENT ? 0 : d;
		}
		if (rc) {
			w->err = rc;
			rg_txn_abort(t);
			break;
		}
		if ((rc = rg_txn_commit(t, NULL)) != 0) {
			w->err = rc;
			break;
		}
		w->commits++;
	}
	return NULL;
}

Test(analytics, live_equals_frozen_copy_while_writer_commits)
{
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_gen_from_spec("rmat:scale=12,ef=8,seed=3", &el, err, sizeof err), 0);
	rg_graph_t *g = open_graph();
	cr_assert_eq(rg_edgelist_insert(g, &el, 0, 0, NULL), 0);
	struct writer w = {.g = g, .n = el.n_nodes};
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, writer_main, &w), 0);
	double end = rg_now() + rg_stress_seconds(2.0);
	int rounds = 0, bad = 0, errors = 0;
	rg_pagerank_opts_t o;
	rg_pagerank_opts_init(&o);
	o.max_iter = 15;
	while (rg_now() < end || rounds < 3) {
		rg_read_t *r;
		if (rg_read_begin(g, &r)) {
			errors++;
			break;
		}
		rg_csr_t *c = NULL;
		rg_pagerank_t a = {0}, b = {0}, cc = {0};
		rg_wcc_t wa = {0}, wb = {0}, wc = {0};
		rg_exec_t es = exec_of(RG_EXEC_SEQ, 0), ep = exec_of(RG_EXEC_PAR, 2);
		uint32_t type = rounds % 2 ? 0 : RG_TYPE_ANY;
		o.type = type;
		if (rg_csr_build(r, &c) || rg_pagerank(r, &o, &es, &a) || rg_pagerank(r, &o, &ep, &b) ||
		    rg_csr_pagerank(c, &o, NULL, &cc) || rg_wcc(r, type, &es, &wa) ||
		    rg_wcc(r, type, &ep, &wb) || rg_csr_wcc(c, type, NULL, &wc))
			errors++;
		else
			bad += !pr_identical(&a, &b) || !pr_identical(&a, &cc) ||
			       !wcc_identical(&wa, &wb) || !wcc_identical(&wa, &wc) ||
			       a.n != rg_node_count(r);
		rg_pagerank_free(&a);
		rg_pagerank_free(&b);
		rg_pagerank_free(&cc);
		rg_wcc_free(&wa);
		rg_wcc_free(&wb);
		rg_wcc_free(&wc);
		if (rg_read_end(r))
			errors++;
		/* and on the copy after the section ended (no section held) */
		rg_pagerank_t d = {0};
		if (rg_csr_pagerank(c, &o, &ep, &d))
			errors++;
		rg_pagerank_free(&d);
		rg_csr_free(c);
		rounds++;
	}
	__atomic_store_n(&w.stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	cr_assert_eq(w.err, 0, "writer: %s", rg_strerror(w.err));
	cr_assert_eq(errors, 0);
	cr_assert_eq(bad, 0, "%d of %d rounds differ", bad, rounds);
	cr_assert_gt(w.commits, 0);
	close_graph(g);
	rg_edgelist_free(&el);
}

Test(analytics, csr_snapshot_handle)
{
	rg_graph_t *g = open_graph();
	cr_assert_eq(rg_load_snap(g, rg_dataset("email-Eu-core.txt.gz"), 0, NULL, NULL, 0), 0);
	rg_csr_t *c = NULL;
	cr_assert_eq(rg_csr_snapshot(g, &c), 0);
	cr_assert_eq(rg_csr_nodes(c), 1005);
	cr_assert_eq(rg_csr_edges(c), 25571);
	size_t b = rg_csr_bytes(c);
	/* 16 B/edge + ~45 B/slot, see csr.h */
	cr_assert(b >= 25571 * 16 + 1005 * 29 && b < 25571 * 16 + 1005 * 64 + 4096, "bytes %zu", b);
	/* adjacency matches the live graph */
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	for (uint64_t s = 0; s < rg_csr_slots(c); s++) {
		uint64_t deg, n;
		if (rg_degree_at(r, s, RG_OUT, &deg) != 0)
			continue;
		cr_assert_eq(rg_csr_adj(c, s, RG_OUT, NULL, NULL, &n), 0);
		cr_assert_eq(n, deg);
	}
	cr_assert_eq(rg_read_end(r), 0);
	/* writes after the copy do not show in it */
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, 1u << 30, 0), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	uint64_t sl;
	cr_assert_eq(rg_csr_node_slot(c, 1u << 30, &sl), RG_ENOENT);
	rg_csr_free(c);
	/* inside a read section: refused (the thread already has one) */
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_csr_snapshot(g, &c), RG_EBUSY);
	cr_assert_null(c);
	cr_assert_eq(rg_read_end(r), 0);
	cr_assert_eq(rg_csr_snapshot(NULL, &c), RG_EINVAL);
	close_graph(g);
}

Test(analytics, error_paths)
{
	rg_graph_t *g = open_graph();
	rg_read_t *r;
	rg_pagerank_t p;
	rg_wcc_t w;
	cr_assert_eq(rg_pagerank(NULL, NULL, NULL, &p), RG_EINVAL);
	cr_assert_eq(rg_wcc(NULL, RG_TYPE_ANY, NULL, &w), RG_EINVAL);
	cr_assert_eq(rg_csr_pagerank(NULL, NULL, NULL, &p), RG_EINVAL);
	cr_assert_eq(rg_csr_wcc(NULL, RG_TYPE_ANY, NULL, &w), RG_EINVAL);
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_pagerank(r, NULL, NULL, NULL), RG_EINVAL);
	rg_pagerank_opts_t o;
	rg_pagerank_opts_init(&o);
	o.damping = 1.0;
	cr_assert_eq(rg_pagerank(r, &o, NULL, &p), RG_EINVAL);
	o.damping = NAN;
	cr_assert_eq(rg_pagerank(r, &o, NULL, &p), RG_EINVAL);
	rg_pagerank_opts_init(&o);
	o.tol = -1;
	cr_assert_eq(rg_pagerank(r, &o, NULL, &p), RG_EINVAL);
	rg_exec_t ex = exec_of(17, 0);
	cr_assert_eq(rg_wcc(r, RG_TYPE_ANY, &ex, &w), RG_EINVAL);
	/* empty graph: empty results */
	cr_assert_eq(rg_pagerank(r, NULL, NULL, &p), 0);
	cr_assert_eq(p.n, 0);
	rg_pagerank_free(&p);
	cr_assert_eq(rg_wcc(r, RG_TYPE_ANY, NULL, &w), 0);
	cr_assert_eq(w.n, 0);
	cr_assert_eq(w.ncomp, 0);
	rg_wcc_free(&w);
	rg_csr_t *c;
	cr_assert_eq(rg_csr_build(r, &c), 0);
	cr_assert_eq(rg_csr_nodes(c), 0);
	cr_assert_eq(rg_csr_pagerank(c, NULL, NULL, &p), 0);
	cr_assert_eq(p.n, 0);
	rg_pagerank_free(&p);
	rg_csr_free(c);
	cr_assert_eq(rg_read_end(r), 0);
	/* closed section */
	cr_assert_eq(rg_pagerank(r, NULL, NULL, &p), RG_EINVAL);
	cr_assert_eq(rg_wcc(r, RG_TYPE_ANY, NULL, &w), RG_EINVAL);
	cr_assert_eq(rg_pagerank_checksum(NULL), 0);
	cr_assert_eq(rg_wcc_checksum(NULL), 0);
	rg_pagerank_free(NULL);
	rg_wcc_free(NULL);
	close_graph(g);
}
