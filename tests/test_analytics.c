/* Tests of PageRank and WCC: against independent references, sequential ==
 * parallel (any thread count) == frozen view, copied or shared with the
 * pack (bit-identical), on a live section while a writer commits, graphs
 * with many components, sparse ids and empty slots, the frozen view's
 * handle, and error paths. Every assertion runs on the test's own thread. */
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

/* seq == par(2) == par(3) == frozen view (bit-identical), == reference. */
static void check_graph(rg_graph_t *g, const rg_edgelist_t *el)
{
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	rg_csr_t *c;
	cr_assert_eq(rg_csr_build(r, &c), 0);
	cr_assert_eq(rg_csr_nodes(c), rg_node_count(r));
	cr_assert_eq(rg_csr_edges(c), rg_edge_count(r));
	cr_assert_eq(rg_csr_version(c), rg_read_version(r));
	/* 4-byte neighbour slots in both directions, at least */
	cr_assert_geq(rg_csr_bytes(c), rg_csr_edges(c) * 8);

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
	cr_assert_eq(rg_pagerank(rg_csr_read(c), &o, NULL, &pc), 0);
	ex = exec_of(RG_EXEC_PAR, 2);
	cr_assert_eq(rg_pagerank(rg_csr_read(c), &o, &ex, &pcp), 0);
	cr_assert_eq(ex.par_steps, 1);
	cr_assert_eq(ex.worker_failures, 0);
	cr_assert(pr_identical(&ps, &pp2), "pagerank seq != par(2)");
	cr_assert(pr_identical(&ps, &pp3), "pagerank seq != par(3)");
	cr_assert(pr_identical(&ps, &pc), "pagerank live != frozen");
	cr_assert(pr_identical(&ps, &pcp), "pagerank live != frozen par");
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
	cr_assert_eq(rg_wcc(rg_csr_read(c), RG_TYPE_ANY, NULL, &wc), 0);
	ex = exec_of(RG_EXEC_PAR, 3);
	cr_assert_eq(rg_wcc(rg_csr_read(c), RG_TYPE_ANY, &ex, &wcp), 0);
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
		    rg_pagerank(rg_csr_read(c), &o, NULL, &cc) || rg_wcc(r, type, &es, &wa) ||
		    rg_wcc(r, type, &ep, &wb) || rg_wcc(rg_csr_read(c), type, NULL, &wc))
			errors++;
		else
			bad += !pr_identical(&a, &b) || !pr_identical(&a, &cc) ||
			       !wcc_identical(&wa, &wb) || !wcc_identical(&wa, &wc) ||
			       a.n != rg_node_count(r);
		rg_pagerank_free(&b);
		rg_pagerank_free(&cc);
		rg_wcc_free(&wa);
		rg_wcc_free(&wb);
		rg_wcc_free(&wc);
		if (rg_read_end(r))
			errors++;
		/* and on the view after the section ended (no section held),
		 * in parallel: the same bits as the live section gave */
		rg_pagerank_t d = {0};
		if (c && rg_pagerank(rg_csr_read(c), &o, &ep, &d))
			errors++;
		else if (c)
			bad += !pr_identical(&a, &d);
		rg_pagerank_free(&a);
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
	/* a load is its pack: the view shares it */
	cr_assert_eq(rg_csr_shared(c), 1);
	size_t b = rg_csr_bytes(c);
	/* the pack: 4-byte slots per edge and direction, 8-byte offsets per
	 * slot and direction, a label and two bits per slot (csr.h) */
	const size_t m = 25571, ns = rg_csr_slots(c);
	cr_assert(b >= 8 * m + 16 * ns && b < 8 * m + 32 * ns + 4096, "bytes %zu", b);
	/* adjacency matches the live graph */
	const rg_read_t *v = rg_csr_read(c);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	for (uint64_t s = 0; s < ns; s++) {
		rg_span_t a, x;
		if (rg_span_at(r, s, RG_OUT, &a) != 0)
			continue;
		cr_assert_eq(rg_span_at(v, s, RG_OUT, &x), 0);
		cr_assert_eq(x.n, a.n);
		cr_assert(x.n == 0 || !memcmp(x.slots, a.slots, x.n * sizeof *x.slots));
	}
	cr_assert_eq(rg_read_end(r), 0);
	rg_pagerank_t p0, p1;
	cr_assert_eq(rg_pagerank(v, NULL, NULL, &p0), 0);
	/* writes after the snapshot do not show in it (this one makes the
	 * graph sparse), and its kernels' results do not move */
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, 1u << 30, 0), 0);
	cr_assert_eq(rg_txn_add_edge(t, 1u << 30, 0, 0, 0), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	uint64_t sl;
	cr_assert_eq(rg_node_slot(v, 1u << 30, &sl), RG_ENOENT);
	cr_assert_eq(rg_pagerank(v, NULL, NULL, &p1), 0);
	cr_assert(pr_identical(&p0, &p1));
	rg_pagerank_free(&p0);
	rg_pagerank_free(&p1);
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
	cr_assert_eq(rg_pagerank(rg_csr_read(NULL), NULL, NULL, &p), RG_EINVAL);
	cr_assert_eq(rg_wcc(rg_csr_read(NULL), RG_TYPE_ANY, NULL, &w), RG_EINVAL);
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
	cr_assert_eq(rg_pagerank(rg_csr_read(c), NULL, NULL, &p), 0);
	cr_assert_eq(p.n, 0);
	rg_pagerank_free(&p);
	cr_assert_eq(rg_wcc(rg_csr_read(c), RG_TYPE_ANY, NULL, &w), 0);
	cr_assert_eq(w.n, 0);
	rg_wcc_free(&w);
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

/* ---- every path, many components, sparse ids ---- */

/* The edge list as two packs: edges [0, split) of type 0, the rest type 1. */
static rg_graph_t *load_typed(const rg_edgelist_t *el, uint64_t *split)
{
	rg_graph_t *g = open_graph();
	*split = el->n_edges / 2;
	rg_edgelist_t a = *el, b = *el;
	a.n_edges = *split;
	b.src += *split;
	b.dst += *split;
	b.n_edges -= *split;
	cr_assert_eq(rg_edgelist_insert(g, &a, 0, 0, NULL), 0);
	cr_assert_eq(rg_edgelist_insert(g, &b, 1, 0, NULL), 0);
	return g;
}

/* Reference components over the edges of one type (edge e has type
 * e >= split), all nodes of d included. */
static uint64_t *ref_wcc_typed(const struct dense *d, uint64_t split, uint32_t type)
{
	uint64_t *p = malloc(d->n * sizeof *p), *mn = malloc(d->n * sizeof *mn);
	for (uint64_t i = 0; i < d->n; i++)
		p[i] = i;
	for (uint64_t e = 0; e < d->m; e++) {
		if (type != RG_TYPE_ANY && (uint32_t)(e >= split) != type)
			continue;
		uint64_t a = uf(p, d->s[e]), b = uf(p, d->t[e]);
		if (a != b)
			p[a > b ? a : b] = a < b ? a : b;
	}
	for (uint64_t i = 0; i < d->n; i++)
		mn[i] = d->id[uf(p, i)];
	free(p);
	return mn;
}

Test(analytics, wcc_many_components_identical_across_paths)
{
	/* average degree 0.6: tens of thousands of components, most tiny, and
	 * a type filter that splits them further */
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_gen_from_spec("uniform:n=60000,deg=0.6,seed=8", &el, err, sizeof err), 0);
	uint64_t split;
	rg_graph_t *g = load_typed(&el, &split);
	struct dense d;
	dense_build(&d, el.src, el.dst, el.n_edges);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	rg_csr_t *c;
	cr_assert_eq(rg_csr_build(r, &c), 0);
	const uint32_t types[] = {RG_TYPE_ANY, 0, 1};
	for (int ti = 0; ti < 3; ti++) {
		uint64_t *ref = ref_wcc_typed(&d, split, types[ti]);
		uint64_t nref = 0;
		for (uint64_t i = 0; i < d.n; i++)
			nref += ref[i] == d.id[i];
		rg_wcc_t w0;
		rg_exec_t ex = exec_of(RG_EXEC_SEQ, 1);
		cr_assert_eq(rg_wcc(r, types[ti], &ex, &w0), 0);
		cr_assert_eq(w0.n, d.n);
		cr_assert_eq(w0.ncomp, nref);
		cr_assert_gt(w0.ncomp, 1000);
		for (size_t i = 0; i < w0.n; i++) {
			cr_assert_eq(w0.ids[i], d.id[i]);
			cr_assert_eq(w0.comp[i], ref[i], "type %u node %lu", types[ti],
				     (unsigned long)w0.ids[i]);
		}
		struct {
			const rg_read_t *v;
			int mode, threads;
		} runs[] = {{r, RG_EXEC_PAR, 2}, {r, RG_EXEC_PAR, 3}, {r, RG_EXEC_AUTO, 2},
			    {rg_csr_read(c), RG_EXEC_SEQ, 1}, {rg_csr_read(c), RG_EXEC_PAR, 2}};
		for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
			rg_wcc_t w;
			ex = exec_of(runs[k].mode, runs[k].threads);
			cr_assert_eq(rg_wcc(runs[k].v, types[ti], &ex, &w), 0);
			cr_assert(wcc_identical(&w0, &w), "type %u run %zu differs", types[ti], k);
			cr_assert_eq(rg_wcc_checksum(&w0), rg_wcc_checksum(&w));
			if (runs[k].mode == RG_EXEC_PAR)
				cr_assert_eq(ex.threads_used, runs[k].threads);
			rg_wcc_free(&w);
		}
		rg_wcc_free(&w0);
		free(ref);
	}
	rg_csr_free(c);
	cr_assert_eq(rg_read_end(r), 0);
	dense_free(&d);
	close_graph(g);
	rg_edgelist_free(&el);
}

/* A transaction that touches some nodes of a packed graph. */
static void change_graph(rg_graph_t *g, uint64_t n, uint64_t seed)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	uint64_t s = seed;
	for (int i = 0; i < 300; i++) {
		int rc = rg_txn_add_edge(t, rg_rand(&s) % n, rg_rand(&s) % n, (uint32_t)(i & 1), 0);
		cr_assert(rc == 0 || rc == RG_ENOENT);
	}
	for (int i = 0; i < 100; i++) {
		int rc = rg_txn_del_edge(t, rg_rand(&s) % n, rg_rand(&s) % n, RG_TYPE_ANY);
		cr_assert(rc == 0 || rc == RG_ENOENT);
	}
	for (int i = 0; i < 3; i++) {
		int rc = rg_txn_del_node(t, rg_rand(&s) % n);
		cr_assert(rc == 0 || rc == RG_ENOENT);
	}
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
}

/* PageRank and WCC of view v, in all the ways given, against a[0] / w0. */
static void expect_same(const rg_read_t *v, const rg_pagerank_opts_t *o, uint32_t type,
			const rg_pagerank_t *p0, const rg_wcc_t *w0, const char *what)
{
	const int threads[] = {1, 2, 3, 4};
	for (int i = 0; i < 4; i++) {
		rg_exec_t ex = exec_of(threads[i] == 1 ? RG_EXEC_SEQ : RG_EXEC_PAR, threads[i]);
		rg_pagerank_t p;
		rg_wcc_t w;
		cr_assert_eq(rg_pagerank(v, o, &ex, &p), 0);
		cr_assert(pr_identical(p0, &p), "%s: pagerank with %d threads differs", what,
			  threads[i]);
		cr_assert_eq(rg_pagerank_checksum(p0), rg_pagerank_checksum(&p));
		cr_assert_eq(rg_wcc(v, type, &ex, &w), 0);
		cr_assert(wcc_identical(w0, &w), "%s: wcc with %d threads differs", what, threads[i]);
		rg_pagerank_free(&p);
		rg_wcc_free(&w);
	}
}

Test(analytics, bit_identical_live_frozen_copied_shared)
{
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_gen_from_spec("rmat:scale=13,ef=8,seed=23", &el, err, sizeof err), 0);
	uint64_t split;
	rg_graph_t *g = load_typed(&el, &split);
	change_graph(g, el.n_nodes, 77); /* packed, then changed */
	const uint32_t types[] = {RG_TYPE_ANY, 1};
	for (int ti = 0; ti < 2; ti++) {
		rg_pagerank_opts_t o;
		rg_pagerank_opts_init(&o);
		o.max_iter = 25;
		o.tol = 0;
		o.type = types[ti];
		rg_read_t *r;
		cr_assert_eq(rg_read_begin(g, &r), 0);
		rg_pagerank_t p0;
		rg_wcc_t w0;
		rg_exec_t ex = exec_of(RG_EXEC_SEQ, 1);
		cr_assert_eq(rg_pagerank(r, &o, &ex, &p0), 0);
		cr_assert_eq(p0.iterations, 25);
		cr_assert_eq(rg_wcc(r, types[ti], &ex, &w0), 0);
		expect_same(r, &o, types[ti], &p0, &w0, "live");
		rg_csr_t *copy;
		cr_assert_eq(rg_csr_build(r, &copy), 0);
		cr_assert_eq(rg_csr_shared(copy), 0);
		cr_assert_eq(rg_read_end(r), 0);
		expect_same(rg_csr_read(copy), &o, types[ti], &p0, &w0, "copied view");
		/* pack (same content, same slots), then a view that shares it */
		cr_assert_eq(rg_pack(g), 0);
		cr_assert_eq(rg_read_begin(g, &r), 0);
		rg_csr_t *shared;
		cr_assert_eq(rg_csr_build(r, &shared), 0);
		cr_assert_eq(rg_csr_shared(shared), 1);
		expect_same(r, &o, types[ti], &p0, &w0, "live after pack");
		cr_assert_eq(rg_read_end(r), 0);
		expect_same(rg_csr_read(shared), &o, types[ti], &p0, &w0, "shared view");
		rg_csr_free(copy);
		rg_csr_free(shared);
		rg_pagerank_free(&p0);
		rg_wcc_free(&w0);
		change_graph(g, el.n_nodes, 78 + (uint64_t)ti);
	}
	close_graph(g);
	rg_edgelist_free(&el);
}

Test(analytics, sparse_ids)
{
	/* ids far apart: the graph goes sparse (ids in a cold array, results
	 * sorted by id, component ids mapped from slots to ids) */
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_gen_from_spec("rmat:scale=12,ef=6,seed=31", &el, err, sizeof err), 0);
	for (uint64_t e = 0; e < el.n_edges; e++) {
		el.src[e] = (UINT64_C(1) << 40) + el.src[e] * 7919;
		el.dst[e] = (UINT64_C(1) << 40) + el.dst[e] * 7919;
	}
	/* nodes created first in descending id order, so that slot order is
	 * the reverse of id order */
	rg_graph_t *g = open_graph();
	struct dense d;
	dense_build(&d, el.src, el.dst, el.n_edges);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = d.n; i-- > 0;)
		cr_assert_eq(rg_txn_add_node(t, d.id[i], 0), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	dense_free(&d);
	cr_assert_eq(rg_edgelist_insert(g, &el, 0, 0, NULL), 0);
	rg_stats_t st;
	rg_stats_get(g, &st);
	cr_assert_eq(st.dense, 0);
	check_graph(g, &el);
	close_graph(g);
	rg_edgelist_free(&el);
}
