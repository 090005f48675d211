/* Tests of k-hop / BFS queries: hand-checked semantics, sequential ==
 * parallel == frozen view on the shared datasets and generated graphs,
 * against an independent reference BFS (also with type filters and depth
 * limits, which exercises both steps of the direction-optimising BFS),
 * batch == per-root, frozen views copied and shared with the pack, while a
 * writer commits, and error paths. Every assertion runs on the test's own
 * thread (never inside an OpenMP region or a helper thread). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rcugraph/csr.h>
#include <rcugraph/load.h>
#include <rcugraph/metrics.h>
#include <rcugraph/rcugraph.h>
#include <rcugraph/traverse.h>

#include "testutil.h"

/* ---------------------------------------------------------------- */
/* helpers                                                          */
/* ---------------------------------------------------------------- */

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

static rg_graph_t *load_dataset(const char *name)
{
	rg_graph_t *g = open_graph();
	char err[256] = "";
	int rc = rg_load_snap(g, rg_dataset(name), 0, NULL, err, sizeof err);
	cr_assert_eq(rc, 0, "load %s: %s (%s)", name, rg_strerror(rc), err);
	return g;
}

static rg_graph_t *load_list(const rg_edgelist_t *el)
{
	rg_graph_t *g = open_graph();
	int rc = rg_edgelist_insert(g, el, 0, 0, NULL);
	cr_assert_eq(rc, 0, "insert: %s", rg_strerror(rc));
	return g;
}

/* Deterministic sample of live root ids. */
static size_t pick_roots(const rg_read_t *r, uint64_t *roots, size_t want, uint64_t seed)
{
	uint64_t ns = rg_node_slots(r), s = seed | 1;
	size_t n = 0;
	for (size_t tries = 0; n < want && tries < want * 100; tries++) {
		uint64_t id;
		if (rg_node_at(r, rg_rand(&s) % ns, &id, NULL) == 0)
			roots[n++] = id;
	}
	return n;
}

static int sets_equal(const rg_nodeset_t *a, const rg_nodeset_t *b)
{
	return a->n == b->n && (a->n == 0 || memcmp(a->ids, b->ids, a->n * sizeof *a->ids) == 0);
}

static int bfs_equal(const rg_bfs_t *a, const rg_bfs_t *b)
{
	return a->n == b->n && a->levels == b->levels &&
	       (a->n == 0 || (memcmp(a->ids, b->ids, a->n * sizeof *a->ids) == 0 &&
			      memcmp(a->depth, b->depth, a->n * sizeof *a->depth) == 0));
}

static void expect_set(const rg_nodeset_t *s, const uint64_t *ids, size_t n, const char *what)
{
	cr_assert_eq(s->n, n, "%s: got %zu nodes, want %zu", what, s->n, n);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(s->ids[i], ids[i], "%s: [%zu] = %lu, want %lu", what, i,
			     (unsigned long)s->ids[i], (unsigned long)ids[i]);
}

static rg_exec_t exec_of(int mode, int threads)
{
	rg_exec_t ex;
	rg_exec_init(&ex);
	ex.mode = mode;
	ex.threads = threads;
	return ex;
}

/* ---------------------------------------------------------------- */
/* hand-built graph                                                 */
/* ---------------------------------------------------------------- */

/*
 *   10 -> 20 (x2, parallel), 10 -> 30, 20 -> 40, 30 -> 40, 40 -> 50,
 *   50 -> 10 (cycle back to the root), 60 -> 10, 20 -> 70 (type 1),
 *   70 -> 80, 30 -> 30 (self loop); 90 isolated.
 * Nodes are inserted in scrambled order so slots differ from id order.
 */
static rg_graph_t *hand_graph(void)
{
	rg_graph_t *g = open_graph();
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	const uint64_t order[] = {90, 50, 10, 80, 30, 70, 20, 60, 40};
	for (size_t i = 0; i < 9; i++)
		cr_assert_eq(rg_txn_add_node(t, order[i], 0), 0);
	const uint64_t e[][3] = {{10, 20, 0}, {10, 20, 0}, {10, 30, 0}, {20, 40, 0}, {30, 40, 0},
				 {40, 50, 0}, {50, 10, 0}, {60, 10, 0}, {20, 70, 1}, {70, 80, 0},
				 {30, 30, 0}};
	for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
		cr_assert_eq(rg_txn_add_edge(t, e[i][0], e[i][1], (uint32_t)e[i][2], 0), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	return g;
}

/* Runs the k-hop query in SEQ, PAR(2), PAR(3) and on a frozen view;
 * asserts they agree and returns the SEQ result. */
static rg_nodeset_t khop_all(const rg_read_t *r, const rg_csr_t *c, uint64_t root, unsigned k,
			     int mode, int dir, uint32_t type)
{
	rg_nodeset_t s, p2, p3, cs;
	rg_exec_t ex = exec_of(RG_EXEC_SEQ, 0);
	cr_assert_eq(rg_khop(r, root, k, mode, dir, type, &ex, &s), 0);
	ex = exec_of(RG_EXEC_PAR, 2);
	cr_assert_eq(rg_khop(r, root, k, mode, dir, type, &ex, &p2), 0);
	ex = exec_of(RG_EXEC_PAR, 3);
	cr_assert_eq(rg_khop(r, root, k, mode, dir, type, &ex, &p3), 0);
	cr_assert_eq(rg_khop(rg_csr_read(c), root, k, mode, dir, type, NULL, &cs), 0);
	cr_assert(sets_equal(&s, &p2) && sets_equal(&s, &p3) && sets_equal(&s, &cs),
		  "seq/par/frozen differ: root %lu k %u mode %d dir %d", (unsigned long)root, k, mode,
		  dir);
	rg_nodeset_free(&p2);
	rg_nodeset_free(&p3);
	rg_nodeset_free(&cs);
	return s;
}

#define EXPECT_KHOP(r, c, root, k, mode, dir, type, ...)                                  \
	do {                                                                              \
		const uint64_t want_[] = {__VA_ARGS__};                                   \
		rg_nodeset_t got_ = khop_all(r, c, root, k, mode, dir, type);             \
		expect_set(&got_, want_, sizeof want_ / sizeof want_[0] - 1,              \
			   #mode " " #dir " k=" #k);                                      \
		rg_nodeset_free(&got_);                                                   \
	} while (0)
/* (the last element of each list is a 0 sentinel so empty lists compile) */

Test(traverse, hand_graph_khop_semantics)
{
	rg_graph_t *g = hand_graph();
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	rg_csr_t *c;
	cr_assert_eq(rg_csr_build(r, &c), 0);

	/* OUT, any type */
	EXPECT_KHOP(r, c, 10, 0, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, 10, 0);
	EXPECT_KHOP(r, c, 10, 1, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, 20, 30, 0);
	EXPECT_KHOP(r, c, 10, 2, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, 40, 70, 0);
	EXPECT_KHOP(r, c, 10, 3, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, 50, 80, 0);
	EXPECT_KHOP(r, c, 10, 4, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, 0);
	EXPECT_KHOP(r, c, 10, 0, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, 0);
	EXPECT_KHOP(r, c, 10, 1, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, 20, 30, 0);
	EXPECT_KHOP(r, c, 10, 2, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, 20, 30, 40, 70, 0);
	/* root excluded even though 50 -> 10 leads back to it */
	EXPECT_KHOP(r, c, 10, 3, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, 20, 30, 40, 50, 70, 80, 0);
	EXPECT_KHOP(r, c, 10, 50, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, 20, 30, 40, 50, 70, 80, 0);
	/* the self loop 30 -> 30 changes nothing */
	EXPECT_KHOP(r, c, 30, 1, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, 40, 0);

	/* IN */
	EXPECT_KHOP(r, c, 10, 1, RG_KHOP_EXACT, RG_IN, RG_TYPE_ANY, 50, 60, 0);
	EXPECT_KHOP(r, c, 10, 2, RG_KHOP_EXACT, RG_IN, RG_TYPE_ANY, 40, 0);
	EXPECT_KHOP(r, c, 10, 3, RG_KHOP_EXACT, RG_IN, RG_TYPE_ANY, 20, 30, 0);
	EXPECT_KHOP(r, c, 10, 3, RG_KHOP_WITHIN, RG_IN, RG_TYPE_ANY, 20, 30, 40, 50, 60, 0);

	/* BOTH */
	EXPECT_KHOP(r, c, 10, 1, RG_KHOP_EXACT, RG_BOTH, RG_TYPE_ANY, 20, 30, 50, 60, 0);
	EXPECT_KHOP(r, c, 10, 2, RG_KHOP_EXACT, RG_BOTH, RG_TYPE_ANY, 40, 70, 0);
	EXPECT_KHOP(r, c, 10, 3, RG_KHOP_EXACT, RG_BOTH, RG_TYPE_ANY, 80, 0);
	EXPECT_KHOP(r, c, 10, 9, RG_KHOP_WITHIN, RG_BOTH, RG_TYPE_ANY, 20, 30, 40, 50, 60, 70, 80, 0);

	/* type filters */
	EXPECT_KHOP(r, c, 10, 2, RG_KHOP_EXACT, RG_OUT, 0, 40, 0);
	EXPECT_KHOP(r, c, 10, 9, RG_KHOP_WITHIN, RG_OUT, 0, 20, 30, 40, 50, 0);
	EXPECT_KHOP(r, c, 10, 1, RG_KHOP_EXACT, RG_OUT, 1, 0);
	EXPECT_KHOP(r, c, 20, 1, RG_KHOP_EXACT, RG_OUT, 1, 70, 0);
	EXPECT_KHOP(r, c, 80, 1, RG_KHOP_EXACT, RG_IN, 1, 0);
	EXPECT_KHOP(r, c, 80, 2, RG_KHOP_EXACT, RG_IN, 0, 0);
	EXPECT_KHOP(r, c, 80, 2, RG_KHOP_EXACT, RG_IN, RG_TYPE_ANY, 20, 0);

	/* isolated node */
	EXPECT_KHOP(r, c, 90, 0, RG_KHOP_EXACT, RG_BOTH, RG_TYPE_ANY, 90, 0);
	EXPECT_KHOP(r, c, 90, 3, RG_KHOP_WITHIN, RG_BOTH, RG_TYPE_ANY, 0);

	rg_csr_free(c);
	cr_assert_eq(rg_read_end(r), 0);
	close_graph(g);
}

Test(traverse, hand_graph_bfs_depth_limit)
{
	rg_graph_t *g = hand_graph();
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	rg_bfs_t b;
	cr_assert_eq(rg_bfs(r, 10, 2, RG_OUT, RG_TYPE_ANY, NULL, &b), 0);
	const uint64_t ids2[] = {10, 20, 30, 40, 70};
	const uint32_t dep2[] = {0, 1, 1, 2, 2};
	cr_assert_eq(b.n, 5);
	cr_assert_eq(b.levels, 3);
	for (size_t i = 0; i < 5; i++) {
		cr_assert_eq(b.ids[i], ids2[i]);
		cr_assert_eq(b.depth[i], dep2[i]);
	}
	rg_bfs_free(&b);

	for (int mode = RG_EXEC_SEQ; mode <= RG_EXEC_PAR; mode++) {
		rg_exec_t ex = exec_of(mode, 2);
		cr_assert_eq(rg_bfs(r, 10, RG_BFS_UNLIMITED, RG_OUT, RG_TYPE_ANY, &ex, &b), 0);
		const uint64_t ids[] = {10, 20, 30, 40, 70, 50, 80};
		const uint32_t dep[] = {0, 1, 1, 2, 2, 3, 3};
		cr_assert_eq(b.n, 7);
		cr_assert_eq(b.levels, 4);
		for (size_t i = 0; i < 7; i++) {
			cr_assert_eq(b.ids[i], ids[i], "mode %d [%zu]", mode, i);
			cr_assert_eq(b.depth[i], dep[i]);
		}
		if (mode == RG_EXEC_PAR)
			cr_assert_gt(ex.par_steps, 0, "forced PAR ran no parallel step");
		rg_bfs_free(&b);
	}

	cr_assert_eq(rg_bfs(r, 10, 0, RG_BOTH, RG_TYPE_ANY, NULL, &b), 0);
	cr_assert_eq(b.n, 1);
	cr_assert_eq(b.ids[0], 10);
	cr_assert_eq(b.depth[0], 0);
	cr_assert_eq(b.levels, 1);
	rg_bfs_free(&b);
	rg_bfs_free(&b); /* idempotent */

	cr_assert_eq(rg_read_end(r), 0);
	close_graph(g);
}

Test(traverse, error_paths)
{
	rg_graph_t *g = hand_graph();
	rg_read_t *r;
	rg_nodeset_t s = {(uint64_t *)1, 7};
	rg_bfs_t b;
	rg_nodeset_t outs[3];
	cr_assert_eq(rg_khop(NULL, 10, 1, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, NULL, &s), RG_EINVAL);
	cr_assert_null(s.ids);
	cr_assert_eq(s.n, 0);
	cr_assert_eq(rg_bfs(NULL, 10, 1, RG_OUT, RG_TYPE_ANY, NULL, &b), RG_EINVAL);
	cr_assert_eq(rg_khop(rg_csr_read(NULL), 10, 1, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, NULL, &s),
		     RG_EINVAL);

	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_khop(r, 10, 1, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, NULL, NULL), RG_EINVAL);
	cr_assert_eq(rg_khop(r, 12345, 1, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, NULL, &s), RG_ENOENT);
	cr_assert_eq(rg_bfs(r, 12345, 1, RG_OUT, RG_TYPE_ANY, NULL, &b), RG_ENOENT);
	cr_assert_eq(rg_khop(r, 10, 1, 7, RG_OUT, RG_TYPE_ANY, NULL, &s), RG_EINVAL);
	cr_assert_eq(rg_khop(r, 10, 1, RG_KHOP_EXACT, 3, RG_TYPE_ANY, NULL, &s), RG_EINVAL);
	cr_assert_eq(rg_khop(r, 10, 1, RG_KHOP_EXACT, -1, RG_TYPE_ANY, NULL, &s), RG_EINVAL);
	rg_exec_t ex = exec_of(9, 0);
	cr_assert_eq(rg_khop(r, 10, 1, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, &ex, &s), RG_EINVAL);
	ex = exec_of(RG_EXEC_PAR, -2);
	cr_assert_eq(rg_khop(r, 10, 1, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, &ex, &s), RG_EINVAL);

	/* batch: one unknown root fails the whole call, outputs left empty */
	const uint64_t roots[] = {10, 99999, 20};
	for (int mode = RG_EXEC_SEQ; mode <= RG_EXEC_PAR; mode++) {
		ex = exec_of(mode, 2);
		cr_assert_eq(rg_khop_batch(r, roots, 3, 2, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, &ex,
					   outs),
			     RG_ENOENT);
		for (int i = 0; i < 3; i++)
			cr_assert(outs[i].ids == NULL && outs[i].n == 0);
	}
	cr_assert_eq(rg_khop_batch(r, NULL, 3, 2, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, NULL, outs),
		     RG_EINVAL);
	cr_assert_eq(rg_khop_batch(r, roots, 0, 2, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, NULL, NULL),
		     0);
	rg_csr_t *c = NULL;
	cr_assert_eq(rg_csr_build(NULL, &c), RG_EINVAL);
	cr_assert_eq(rg_csr_build(r, NULL), RG_EINVAL);
	cr_assert_eq(rg_csr_build(r, &c), 0);
	const rg_read_t *fv = rg_csr_read(c);
	cr_assert_eq(rg_khop(fv, 12345, 1, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, NULL, &s), RG_ENOENT);
	cr_assert_eq(rg_bfs(fv, 12345, 1, RG_OUT, RG_TYPE_ANY, NULL, &b), RG_ENOENT);
	cr_assert_eq(rg_khop(fv, 10, 1, RG_KHOP_EXACT, 3, RG_TYPE_ANY, NULL, &s), RG_EINVAL);
	cr_assert_eq(rg_khop_batch(fv, roots, 3, 2, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, NULL, outs),
		     RG_ENOENT);
	for (int i = 0; i < 3; i++)
		cr_assert(outs[i].ids == NULL && outs[i].n == 0);
	/* the view answers the core's queries too: 40 -> 50 is its one out-edge */
	uint64_t sl;
	cr_assert_eq(rg_node_slot(fv, 12345, &sl), RG_ENOENT);
	cr_assert_eq(rg_node_slot(fv, 40, &sl), 0);
	uint64_t id;
	cr_assert_eq(rg_node_at(fv, sl, &id, NULL), 0);
	cr_assert_eq(id, 40);
	cr_assert_eq(rg_node_at(fv, 1000, &id, NULL), RG_ENOENT);
	rg_span_t sp;
	cr_assert_eq(rg_span_at(fv, sl, 5, &sp), RG_EINVAL);
	cr_assert_eq(rg_span_at(fv, sl, RG_OUT, &sp), 0);
	cr_assert_eq(sp.n, 1);
	cr_assert_eq(rg_span_id(&sp, 0), 50);
	/* a frozen view is not a section */
	cr_assert_eq(rg_read_end((rg_read_t *)fv), RG_EINVAL);
	rg_csr_free(c);
	rg_csr_free(NULL);
	cr_assert_eq(rg_read_end(r), 0);

	/* a closed section is refused, not crashed on */
	cr_assert_eq(rg_khop(r, 10, 1, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, NULL, &s), RG_EINVAL);
	cr_assert_eq(rg_csr_build(r, &c), RG_EINVAL);
	cr_assert_null(c);
	cr_assert_eq(rg_nodeset_checksum(NULL), 0);
	rg_nodeset_free(NULL);
	rg_bfs_free(NULL);
	close_graph(g);
}

/* ---------------------------------------------------------------- */
/* seq == par == frozen == reference on real and generated graphs    */
/* ---------------------------------------------------------------- */

/* Independent reference: BFS distances over an edge list. */
struct ref {
	uint64_t n;       /* distinct ids, sorted in `id` */
	uint64_t *id;
	uint64_t *off[2];
	uint64_t *adj[2]; /* indices into id */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t ref_index(const struct ref *rf, uint64_t id)
{
	uint64_t *p = bsearch(&id, rf->id, rf->n, sizeof id, cmp_u64);
	cr_assert_not_null(p);
	return (uint64_t)(p - rf->id);
}

static void ref_build(struct ref *rf, const rg_edgelist_t *el)
{
	uint64_t m = el->n_edges;
	uint64_t *all = malloc(2 * m * sizeof *all);
	memcpy(all, el->src, m * sizeof *all);
	memcpy(all + m, el->dst, m * sizeof *all);
	qsort(all, 2 * m, sizeof *all, cmp_u64);
	uint64_t n = 0;
	for (uint64_t i = 0; i < 2 * m; i++)
		if (i == 0 || all[i] != all[i - 1])
			all[n++] = all[i];
	rf->n = n;
	rf->id = all;
	for (int d = 0; d < 2; d++) {
		rf->off[d] = calloc(n + 1, sizeof(uint64_t));
		rf->adj[d] = malloc((m ? m : 1) * sizeof(uint64_t));
	}
	for (uint64_t e = 0; e < m; e++) {
		rf->off[0][ref_index(rf, el->src[e]) + 1]++;
		rf->off[1][ref_index(rf, el->dst[e]) + 1]++;
	}
	for (int d = 0; d < 2; d++)
		for (uint64_t i = 0; i < n; i++)
			rf->off[d][i + 1] += rf->off[d][i];
	uint64_t *pos[2];
	for (int d = 0; d < 2; d++) {
		pos[d] = malloc((n + 1) * sizeof(uint64_t));
		memcpy(pos[d], rf->off[d], (n + 1) * sizeof(uint64_t));
	}
	for (uint64_t e = 0; e < m; e++) {
		uint64_t s = ref_index(rf, el->src[e]), t = ref_index(rf, el->dst[e]);
		rf->adj[0][pos[0][s]++] = t;
		rf->adj[1][pos[1][t]++] = s;
	}
	free(pos[0]);
	free(pos[1]);
}

static void ref_free(struct ref *rf)
{
	free(rf->id);
	for (int d = 0; d < 2; d++) {
		free(rf->off[d]);
		free(rf->adj[d]);
	}
}

/* Distances (UINT32_MAX: unreached) from root over dir. */
static uint32_t *ref_dist(const struct ref *rf, uint64_t root, int dir)
{
	uint32_t *dist = malloc(rf->n * sizeof *dist);
	uint64_t *q = malloc(rf->n * sizeof *q);
	for (uint64_t i = 0; i < rf->n; i++)
		dist[i] = UINT32_MAX;
	uint64_t h = 0, t = 0, r = ref_index(rf, root);
	dist[r] = 0;
	q[t++] = r;
	while (h < t) {
		uint64_t u = q[h++];
		for (int d = 0; d < 2; d++) {
			if ((dir == RG_OUT && d == 1) || (dir == RG_IN && d == 0))
				continue;
			for (uint64_t j = rf->off[d][u]; j < rf->off[d][u + 1]; j++) {
				uint64_t v = rf->adj[d][j];
				if (dist[v] == UINT32_MAX) {
					dist[v] = dist[u] + 1;
					q[t++] = v;
				}
			}
		}
	}
	free(q);
	return dist;
}

static void check_against_ref(const rg_read_t *r, const struct ref *rf, const uint64_t *roots,
			      size_t nr)
{
	const int dirs[] = {RG_OUT, RG_IN, RG_BOTH};
	for (size_t i = 0; i < nr; i++) {
		for (int di = 0; di < 3; di++) {
			uint32_t *dist = ref_dist(rf, roots[i], dirs[di]);
			for (unsigned k = 1; k <= 3; k++) {
				rg_nodeset_t ex, wi;
				cr_assert_eq(rg_khop(r, roots[i], k, RG_KHOP_EXACT, dirs[di],
						     RG_TYPE_ANY, NULL, &ex), 0);
				cr_assert_eq(rg_khop(r, roots[i], k, RG_KHOP_WITHIN, dirs[di],
						     RG_TYPE_ANY, NULL, &wi), 0);
				size_t ne = 0, nw = 0;
				for (uint64_t v = 0; v < rf->n; v++) {
					/* ref ids ascending == result order */
					if (dist[v] == k) {
						cr_assert(ne < ex.n && ex.ids[ne] == rf->id[v],
							  "exact k=%u root %lu dir %d", k,
							  (unsigned long)roots[i], dirs[di]);
						ne++;
					}
					if (dist[v] >= 1 && dist[v] <= k) {
						cr_assert(nw < wi.n && wi.ids[nw] == rf->id[v]);
						nw++;
					}
				}
				cr_assert_eq(ne, ex.n);
				cr_assert_eq(nw, wi.n);
				rg_nodeset_free(&ex);
				rg_nodeset_free(&wi);
			}
			free(dist);
		}
	}
}

/* Every query shape: SEQ == PAR(2) == PAR(3) == AUTO == frozen view, and
 * batch == per-root. */
static void check_seq_par(const rg_read_t *r, const uint64_t *roots, size_t nr)
{
	rg_csr_t *c;
	cr_assert_eq(rg_csr_build(r, &c), 0);
	const int dirs[] = {RG_OUT, RG_IN, RG_BOTH};
	for (int di = 0; di < 3; di++) {
		for (unsigned k = 1; k <= 3; k++) {
			for (int mode = RG_KHOP_EXACT; mode <= RG_KHOP_WITHIN; mode++) {
				rg_nodeset_t seq[64], b2[64], b4[64], ba[64], bc[64];
				cr_assert_leq(nr, 64);
				for (size_t i = 0; i < nr; i++) {
					rg_exec_t ex = exec_of(RG_EXEC_SEQ, 0);
					cr_assert_eq(rg_khop(r, roots[i], k, mode, dirs[di],
							     RG_TYPE_ANY, &ex, &seq[i]), 0);
					cr_assert_eq(ex.threads_used, 1);
					rg_nodeset_t p;
					ex = exec_of(RG_EXEC_PAR, 2);
					cr_assert_eq(rg_khop(r, roots[i], k, mode, dirs[di],
							     RG_TYPE_ANY, &ex, &p), 0);
					cr_assert(sets_equal(&seq[i], &p), "single par differs");
					cr_assert_eq(ex.worker_failures, 0);
					rg_nodeset_free(&p);
				}
				rg_exec_t ex = exec_of(RG_EXEC_PAR, 2);
				cr_assert_eq(rg_khop_batch(r, roots, nr, k, mode, dirs[di],
							   RG_TYPE_ANY, &ex, b2), 0);
				cr_assert_eq(ex.items_par, nr);
				ex = exec_of(RG_EXEC_PAR, 3);
				cr_assert_eq(rg_khop_batch(r, roots, nr, k, mode, dirs[di],
							   RG_TYPE_ANY, &ex, b4), 0);
				cr_assert_eq(rg_khop_batch(r, roots, nr, k, mode, dirs[di],
							   RG_TYPE_ANY, NULL, ba), 0);
				ex = exec_of(RG_EXEC_PAR, 2);
				cr_assert_eq(rg_khop_batch(rg_csr_read(c), roots, nr, k, mode,
							   dirs[di], RG_TYPE_ANY, &ex, bc), 0);
				for (size_t i = 0; i < nr; i++) {
					cr_assert(sets_equal(&seq[i], &b2[i]) &&
						  sets_equal(&seq[i], &b4[i]) &&
						  sets_equal(&seq[i], &ba[i]) &&
						  sets_equal(&seq[i], &bc[i]),
						  "batch differs: root %lu k %u mode %d dir %d",
						  (unsigned long)roots[i], k, mode, dirs[di]);
					cr_assert_eq(rg_nodeset_checksum(&seq[i]),
						     rg_nodeset_checksum(&b2[i]));
					rg_nodeset_free(&seq[i]);
					rg_nodeset_free(&b2[i]);
					rg_nodeset_free(&b4[i]);
					rg_nodeset_free(&ba[i]);
					rg_nodeset_free(&bc[i]);
				}
			}
		}
		/* BFS, unlimited and depth 2 */
		const uint32_t depths[] = {2, RG_BFS_UNLIMITED};
		for (int j = 0; j < 2; j++) {
			rg_bfs_t bs[64], bp[64];
			rg_exec_t ex = exec_of(RG_EXEC_SEQ, 0);
			cr_assert_eq(rg_bfs_batch(r, roots, nr, depths[j], dirs[di], RG_TYPE_ANY, &ex,
						  bs), 0);
			ex = exec_of(RG_EXEC_PAR, 2);
			cr_assert_eq(rg_bfs_batch(r, roots, nr, depths[j], dirs[di], RG_TYPE_ANY, &ex,
						  bp), 0);
			for (size_t i = 0; i < nr; i++) {
				rg_bfs_t one, onep, onec;
				cr_assert_eq(rg_bfs(r, roots[i], depths[j], dirs[di], RG_TYPE_ANY,
						    NULL, &one), 0);
				rg_exec_t e2 = exec_of(RG_EXEC_PAR, 2);
				cr_assert_eq(rg_bfs(r, roots[i], depths[j], dirs[di], RG_TYPE_ANY,
						    &e2, &onep), 0);
				cr_assert_eq(rg_bfs(rg_csr_read(c), roots[i], depths[j], dirs[di],
						    RG_TYPE_ANY, NULL, &onec), 0);
				cr_assert(bfs_equal(&bs[i], &bp[i]) && bfs_equal(&bs[i], &one) &&
					  bfs_equal(&bs[i], &onep) && bfs_equal(&bs[i], &onec),
					  "bfs differs root %lu dir %d depth %u",
					  (unsigned long)roots[i], dirs[di], depths[j]);
				cr_assert_eq(rg_bfs_checksum(&bs[i]), rg_bfs_checksum(&onep));
				/* sorted by (depth, id) */
				for (size_t x = 1; x < one.n; x++)
					cr_assert(one.depth[x - 1] < one.depth[x] ||
						  (one.depth[x - 1] == one.depth[x] &&
						   one.ids[x - 1] < one.ids[x]));
				rg_bfs_free(&one);
				rg_bfs_free(&onep);
				rg_bfs_free(&onec);
				rg_bfs_free(&bs[i]);
				rg_bfs_free(&bp[i]);
			}
		}
	}
	rg_csr_free(c);
}

static void dataset_case(const char *name, int with_ref)
{
	rg_graph_t *g = load_dataset(name);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	uint64_t roots[12];
	size_t nr = pick_roots(r, roots, 12, 42);
	cr_assert_eq(nr, 12);
	check_seq_par(r, roots, nr);
	if (with_ref) {
		rg_edgelist_t el;
		char err[256];
		cr_assert_eq(rg_snap_parse(rg_dataset(name), &el, err, sizeof err), 0, "%s", err);
		struct ref rf;
		ref_build(&rf, &el);
		cr_assert_eq(rf.n, rg_node_count(r));
		check_against_ref(r, &rf, roots, 8);
		ref_free(&rf);
		rg_edgelist_free(&el);
	}
	cr_assert_eq(rg_read_end(r), 0);
	close_graph(g);
}

Test(traverse, wiki_vote_seq_par_ref) { dataset_case("wiki-Vote.txt.gz", 1); }
Test(traverse, gnutella_crlf_seq_par_ref) { dataset_case("p2p-Gnutella31.txt.gz", 1); }
Test(traverse, email_eu_core_seq_par_ref) { dataset_case("email-Eu-core.txt.gz", 1); }

Test(traverse, generated_rmat_and_uniform)
{
	const char *specs[] = {"rmat:scale=13,ef=8,seed=7", "uniform:n=20000,deg=6,seed=3"};
	for (int i = 0; i < 2; i++) {
		rg_edgelist_t el;
		char err[256];
		cr_assert_eq(rg_gen_from_spec(specs[i], &el, err, sizeof err), 0, "%s", err);
		rg_graph_t *g = load_list(&el);
		rg_read_t *r;
		cr_assert_eq(rg_read_begin(g, &r), 0);
		uint64_t roots[10];
		size_t nr = pick_roots(r, roots, 10, 9 + (uint64_t)i);
		check_seq_par(r, roots, nr);
		struct ref rf;
		ref_build(&rf, &el);
		check_against_ref(r, &rf, roots, 4);
		ref_free(&rf);
		cr_assert_eq(rg_read_end(r), 0);
		close_graph(g);
		rg_edgelist_free(&el);
	}
}

Test(traverse, sparse_ids_slots_not_in_id_order)
{
	/* far-apart ids (a sparse graph: ids in a cold array, results sorted
	 * by id), nodes created in descending id order so that slot order is
	 * the reverse of id order */
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_gen_from_spec("rmat:scale=11,ef=8,seed=41", &el, err, sizeof err), 0);
	for (uint64_t e = 0; e < el.n_edges; e++) {
		el.src[e] = (UINT64_C(1) << 40) + el.src[e] * 7919;
		el.dst[e] = (UINT64_C(1) << 40) + el.dst[e] * 7919;
	}
	struct ref rf;
	ref_build(&rf, &el);
	rg_graph_t *g = open_graph();
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = rf.n; i-- > 0;)
		cr_assert_eq(rg_txn_add_node(t, rf.id[i], 0), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	cr_assert_eq(rg_edgelist_insert(g, &el, 0, 0, NULL), 0);
	rg_stats_t st;
	rg_stats_get(g, &st);
	cr_assert_eq(st.dense, 0);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	uint64_t roots[8];
	size_t nr = pick_roots(r, roots, 8, 3);
	check_seq_par(r, roots, nr);
	check_against_ref(r, &rf, roots, 4);
	/* full BFS, both ways, against the reference distances */
	for (size_t i = 0; i < 4; i++) {
		uint32_t *dist = ref_dist(&rf, roots[i], RG_BOTH);
		rg_bfs_t b;
		rg_exec_t ex = exec_of(RG_EXEC_PAR, 2);
		cr_assert_eq(rg_bfs(r, roots[i], RG_BFS_UNLIMITED, RG_BOTH, RG_TYPE_ANY, &ex, &b), 0);
		size_t want = 0;
		for (uint64_t v = 0; v < rf.n; v++)
			want += dist[v] != UINT32_MAX;
		cr_assert_eq(b.n, want);
		for (size_t x = 0; x < b.n; x++) {
			cr_assert_eq(dist[ref_index(&rf, b.ids[x])], b.depth[x]);
			if (x)
				cr_assert(b.depth[x - 1] < b.depth[x] ||
					  (b.depth[x - 1] == b.depth[x] && b.ids[x - 1] < b.ids[x]));
		}
		rg_bfs_free(&b);
		free(dist);
	}
	cr_assert_eq(rg_read_end(r), 0);
	ref_free(&rf);
	close_graph(g);
	rg_edgelist_free(&el);
}

Test(traverse, auto_threshold_and_report)
{
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_gen_from_spec("rmat:scale=12,ef=8,seed=5", &el, err, sizeof err), 0);
	rg_graph_t *g = load_list(&el);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	uint64_t roots[50];
	size_t nr = pick_roots(r, roots, 50, 77);
	rg_nodeset_t a[50], b[50];
	/* a huge threshold keeps AUTO sequential... */
	rg_exec_t ex = exec_of(RG_EXEC_AUTO, 2);
	ex.par_min_edges = UINT64_MAX;
	cr_assert_eq(rg_khop_batch(r, roots, nr, 2, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, &ex, a), 0);
	cr_assert_eq(ex.par_steps, 0);
	cr_assert_eq(ex.items_par, 0);
	cr_assert_eq(ex.threads_used, 1);
	cr_assert_gt(ex.edges, 0);
	/* ...a tiny one sends the roots after the first that did any work
	 * (examined an edge) to the workers, same answers */
	size_t lead = 0;
	for (uint64_t d = 0; lead < nr && rg_degree(r, roots[lead], RG_OUT, &d) == 0 && d == 0;)
		lead++;
	cr_assert_lt(lead + 2, nr);
	ex = exec_of(RG_EXEC_AUTO, 2);
	ex.par_min_edges = 1;
	cr_assert_eq(rg_khop_batch(r, roots, nr, 2, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, &ex, b), 0);
	cr_assert_eq(ex.par_steps, 1);
	cr_assert_eq(ex.items_par, nr - 1 - lead);
	for (size_t i = 0; i < nr; i++) {
		cr_assert(sets_equal(&a[i], &b[i]));
		rg_nodeset_free(&a[i]);
		rg_nodeset_free(&b[i]);
	}
	/* SEQ with threads = 8 still runs on one thread */
	ex = exec_of(RG_EXEC_SEQ, 8);
	rg_bfs_t bb;
	cr_assert_eq(rg_bfs(r, roots[0], RG_BFS_UNLIMITED, RG_BOTH, RG_TYPE_ANY, &ex, &bb), 0);
	cr_assert_eq(ex.par_steps, 0);
	rg_bfs_free(&bb);
	cr_assert_eq(rg_read_end(r), 0);
	close_graph(g);
	rg_edgelist_free(&el);
}

/* ---------------------------------------------------------------- */
/* while a writer commits                                           */
/* ---------------------------------------------------------------- */

struct writer {
	rg_graph_t *g;
	uint64_t n;    /* ids 0..n-1 exist; the writer adds more */
	int stop;      /* atomic */
	int err;       /* first error */
	uint64_t commits;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	uint64_t s = 12345, next = w->n;
	while (!__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
		rg_txn_t *t;
		int rc = rg_txn_begin(w->g, &t);
		if (rc) {
			w->err = rc;
			break;
		}
		for (int i = 0; i < 64 && !rc; i++) {
			uint64_t a = rg_rand(&s) % next, b = rg_rand(&s) % next;
			rc = rg_txn_add_edge(t, a, b, (uint32_t)(rg_rand(&s) % 2), 0);
			if (rc == RG_ENOENT)
				rc = 0; /* generator ids without edges do not exist */
		}
		if (!rc && rg_rand(&s) % 4 == 0) {
			rc = rg_txn_add_node(t, next, 0);
			if (!rc)
				rc = rg_txn_add_edge(t, next, rg_rand(&s) % next, 0, 0);
			if (rc == RG_ENOENT)
				rc = 0;
			next++;
		}
		if (!rc && rg_rand(&s) % 3 == 0) {
			uint64_t a = rg_rand(&s) % next, b = rg_rand(&s) % next;
			int d = rg_txn_del_edge(t, a, b, RG_TYPE_ANY);
			if (d != RG_ENOENT)
				rc = d;
		}
		if (rc) {
			w->err = rc;
			rg_txn_abort(t);
			break;
		}
		rc = rg_txn_commit(t, NULL);
		if (rc) {
			w->err = rc;
			break;
		}
		w->commits++;
	}
	return NULL;
}

Test(traverse, seq_equals_par_while_writer_commits)
{
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_gen_from_spec("rmat:scale=12,ef=8,seed=11", &el, err, sizeof err), 0);
	rg_graph_t *g = load_list(&el);
	struct writer w = {.g = g, .n = el.n_nodes};
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, writer_main, &w), 0);
	double end = rg_now() + rg_stress_seconds(2.0);
	int rounds = 0, mismatches = 0, errors = 0;
	uint64_t versions_seen[2] = {UINT64_MAX, 0};
	while (rg_now() < end || rounds < 3) {
		rg_read_t *r;
		if (rg_read_begin(g, &r) != 0) {
			errors++;
			break;
		}
		uint64_t v = rg_read_version(r);
		if (v < versions_seen[0])
			versions_seen[0] = v;
		if (v > versions_seen[1])
			versions_seen[1] = v;
		uint64_t roots[20];
		size_t nr = pick_roots(r, roots, 20, (uint64_t)rounds + 1);
		rg_nodeset_t a[20], b[20];
		rg_exec_t es = exec_of(RG_EXEC_SEQ, 0), ep = exec_of(RG_EXEC_PAR, 2);
		if (rg_khop_batch(r, roots, nr, 2, RG_KHOP_WITHIN, RG_BOTH, RG_TYPE_ANY, &es, a) ||
		    rg_khop_batch(r, roots, nr, 2, RG_KHOP_WITHIN, RG_BOTH, RG_TYPE_ANY, &ep, b)) {
			errors++;
		} else {
			for (size_t i = 0; i < nr; i++) {
				mismatches += !sets_equal(&a[i], &b[i]);
				rg_nodeset_free(&a[i]);
				rg_nodeset_free(&b[i]);
			}
		}
		/* single root, forced per-level parallelism, and a frozen view */
		rg_bfs_t x, y, z;
		rg_csr_t *c = NULL;
		es = exec_of(RG_EXEC_SEQ, 0);
		ep = exec_of(RG_EXEC_PAR, 2);
		if (rg_bfs(r, roots[0], RG_BFS_UNLIMITED, RG_OUT, 0, &es, &x) ||
		    rg_bfs(r, roots[0], RG_BFS_UNLIMITED, RG_OUT, 0, &ep, &y) ||
		    rg_csr_build(r, &c) ||
		    rg_bfs(rg_csr_read(c), roots[0], RG_BFS_UNLIMITED, RG_OUT, 0, NULL, &z)) {
			errors++;
		} else {
			mismatches += !bfs_equal(&x, &y) || !bfs_equal(&x, &z);
			rg_bfs_free(&x);
			rg_bfs_free(&y);
			rg_bfs_free(&z);
		}
		rg_csr_free(c);
		if (rg_read_end(r) != 0)
			errors++;
		rounds++;
	}
	__atomic_store_n(&w.stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	cr_assert_eq(w.err, 0, "writer: %s", rg_strerror(w.err));
	cr_assert_eq(errors, 0);
	cr_assert_eq(mismatches, 0, "%d seq/par mismatches in %d rounds", mismatches, rounds);
	cr_assert_gt(w.commits, 0);
	cr_log_info("rounds %d, writer commits %lu, versions %lu..%lu", rounds,
		    (unsigned long)w.commits, (unsigned long)versions_seen[0],
		    (unsigned long)versions_seen[1]);
	close_graph(g);
	rg_edgelist_free(&el);
}

/* Queries issued from several threads at once, each with its own parallel
 * team (libgomp gives every calling thread its own pool). */
struct qthread {
	rg_graph_t *g;
	uint64_t root;
	int bad;
};

static void *query_main(void *arg)
{
	struct qthread *q = arg;
	if (rg_reader_register(q->g)) {
		q->bad = 1;
		return NULL;
	}
	for (int it = 0; it < 20; it++) {
		rg_read_t *r;
		if (rg_read_begin(q->g, &r)) {
			q->bad = 1;
			break;
		}
		rg_bfs_t a, b;
		rg_exec_t es = exec_of(RG_EXEC_SEQ, 0), ep = exec_of(RG_EXEC_PAR, 2);
		if (rg_bfs(r, q->root, 3, RG_BOTH, RG_TYPE_ANY, &es, &a) ||
		    rg_bfs(r, q->root, 3, RG_BOTH, RG_TYPE_ANY, &ep, &b))
			q->bad = 1;
		else if (!bfs_equal(&a, &b))
			q->bad = 1;
		rg_bfs_free(&a);
		rg_bfs_free(&b);
		rg_read_end(r);
	}
	rg_reader_unregister(q->g);
	return NULL;
}

Test(traverse, concurrent_callers)
{
	rg_graph_t *g = load_dataset("email-Eu-core.txt.gz");
	pthread_t th[3];
	struct qthread q[3];
	for (int i = 0; i < 3; i++) {
		q[i] = (struct qthread){.g = g, .root = (uint64_t)i * 7};
		cr_assert_eq(pthread_create(&th[i], NULL, query_main, &q[i]), 0);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(q[i].bad, 0, "caller %d", i);
	}
	close_graph(g);
}

/* Parallel workers read through copies of the caller's handle (no policy
 * read_begin of their own, no span hook): check every synchronisation
 * policy gives seq == par, and that no worker can fail. */
Test(traverse, every_policy_seq_equals_par)
{
	for (const char *const *name = rg_policy_names(); *name; name++) {
		rg_options_t opts;
		rg_options_init(&opts);
		opts.sync = *name;
		rg_graph_t *g = NULL;
		cr_assert_eq(rg_open(&g, &opts), 0, "open %s", *name);
		char err[256] = "";
		/* load before registering: nosync refuses writes once shared */
		cr_assert_eq(rg_load_snap(g, rg_dataset("email-Eu-core.txt.gz"), 0, NULL, err, sizeof err),
			     0, "%s: %s", *name, err);
		cr_assert_eq(rg_reader_register(g), 0, "%s", *name);
		rg_read_t *r;
		cr_assert_eq(rg_read_begin(g, &r), 0, "%s", *name);
		uint64_t roots[8];
		size_t nr = pick_roots(r, roots, 8, 5);
		rg_nodeset_t a[8], b[8];
		rg_exec_t es = exec_of(RG_EXEC_SEQ, 0), ep = exec_of(RG_EXEC_PAR, 2);
		cr_assert_eq(rg_khop_batch(r, roots, nr, 2, RG_KHOP_EXACT, RG_BOTH, RG_TYPE_ANY, &es, a),
			     0, "%s", *name);
		int rc = rg_khop_batch(r, roots, nr, 2, RG_KHOP_EXACT, RG_BOTH, RG_TYPE_ANY, &ep, b);
		cr_assert_eq(rc, 0, "%s: %s", *name, rg_strerror(rc));
		cr_assert_eq(ep.worker_failures, 0, "%s", *name);
		for (size_t i = 0; i < nr; i++) {
			cr_assert(sets_equal(&a[i], &b[i]), "%s root %zu", *name, i);
			rg_nodeset_free(&a[i]);
			rg_nodeset_free(&b[i]);
		}
		rg_bfs_t x, y;
		cr_assert_eq(rg_bfs(r, roots[0], RG_BFS_UNLIMITED, RG_BOTH, RG_TYPE_ANY, &es, &x), 0);
		cr_assert_eq(rg_bfs(r, roots[0], RG_BFS_UNLIMITED, RG_BOTH, RG_TYPE_ANY, &ep, &y), 0,
			     "%s", *name);
		cr_assert(bfs_equal(&x, &y), "%s bfs", *name);
		rg_bfs_free(&x);
		rg_bfs_free(&y);
		rc = rg_read_end(r);
		cr_assert(rc == 0 || rc == RG_ERETRY, "%s", *name);
		cr_assert_eq(rg_reader_unregister(g), 0);
		rg_close(g);
	}
}

/* ---------------------------------------------------------------- */
/* direction-optimising BFS == plain top-down reference              */
/* ---------------------------------------------------------------- */

/* A reference adjacency over the id range [0, n) with edge types: edges
 * [0, split) of the list have type 0, the rest type 1 (as loaded below). */
struct tref {
	uint64_t n;
	uint64_t *off[2];
	uint32_t *adj[2];
	uint32_t *ty[2];
};

static void tref_build(struct tref *t, const rg_edgelist_t *el, uint64_t split)
{
	uint64_t n = 0, m = el->n_edges;
	for (uint64_t e = 0; e < m; e++) {
		if (el->src[e] >= n)
			n = el->src[e] + 1;
		if (el->dst[e] >= n)
			n = el->dst[e] + 1;
	}
	t->n = n;
	for (int d = 0; d < 2; d++) {
		t->off[d] = calloc(n + 2, sizeof(uint64_t));
		t->adj[d] = malloc((m + 1) * sizeof(uint32_t));
		t->ty[d] = malloc((m + 1) * sizeof(uint32_t));
	}
	for (uint64_t e = 0; e < m; e++) {
		t->off[0][el->src[e] + 1]++;
		t->off[1][el->dst[e] + 1]++;
	}
	for (int d = 0; d < 2; d++)
		for (uint64_t i = 0; i < n; i++)
			t->off[d][i + 1] += t->off[d][i];
	uint64_t *pos[2];
	for (int d = 0; d < 2; d++) {
		pos[d] = malloc((n + 1) * sizeof(uint64_t));
		memcpy(pos[d], t->off[d], (n + 1) * sizeof(uint64_t));
	}
	for (uint64_t e = 0; e < m; e++) {
		uint64_t s = el->src[e], x = el->dst[e], o = pos[0][s]++, i = pos[1][x]++;
		t->adj[0][o] = (uint32_t)x;
		t->adj[1][i] = (uint32_t)s;
		t->ty[0][o] = t->ty[1][i] = e < split ? 0 : 1;
	}
	free(pos[0]);
	free(pos[1]);
}

static void tref_free(struct tref *t)
{
	for (int d = 0; d < 2; d++) {
		free(t->off[d]);
		free(t->adj[d]);
		free(t->ty[d]);
	}
}

/* Plain FIFO top-down BFS: dist[v] (UINT32_MAX: not within maxd). */
static void tref_dist(const struct tref *t, uint64_t root, int dir, uint32_t type, uint32_t maxd,
		      uint32_t *dist)
{
	uint32_t *q = malloc(t->n * sizeof *q);
	for (uint64_t v = 0; v < t->n; v++)
		dist[v] = UINT32_MAX;
	uint64_t h = 0, tl = 0;
	dist[root] = 0;
	q[tl++] = (uint32_t)root;
	while (h < tl) {
		uint32_t u = q[h++];
		if (dist[u] >= maxd)
			continue;
		for (int d = 0; d < 2; d++) {
			if ((dir == RG_OUT && d == 1) || (dir == RG_IN && d == 0))
				continue;
			for (uint64_t j = t->off[d][u]; j < t->off[d][u + 1]; j++) {
				uint32_t v = t->adj[d][j];
				if ((type == RG_TYPE_ANY || t->ty[d][j] == type) && dist[v] == UINT32_MAX) {
					dist[v] = dist[u] + 1;
					q[tl++] = v;
				}
			}
		}
	}
	free(q);
}

/* Whether b holds exactly the nodes with dist <= maxd, sorted by (depth,
 * id), with their distances. Ids are their slots (generated graphs). */
static int bfs_matches(const rg_bfs_t *b, const uint32_t *dist, uint64_t n)
{
	uint64_t want = 0;
	uint32_t maxd = 0;
	for (uint64_t v = 0; v < n; v++) {
		if (dist[v] == UINT32_MAX)
			continue;
		want++;
		if (dist[v] > maxd)
			maxd = dist[v];
	}
	if (b->n != want || b->levels != maxd + 1)
		return 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->ids[i] >= n || dist[b->ids[i]] != b->depth[i])
			return 0;
		if (i && !(b->depth[i - 1] < b->depth[i] ||
			   (b->depth[i - 1] == b->depth[i] && b->ids[i - 1] < b->ids[i])))
			return 0;
	}
	return 1;
}

/* k-hop EXACT / WITHIN k against the same distances (dist from a BFS to
 * depth >= k). */
static int khop_matches(const rg_nodeset_t *s, const uint32_t *dist, uint64_t n, unsigned k,
			int mode)
{
	size_t j = 0;
	for (uint64_t v = 0; v < n; v++) {
		int in = mode == RG_KHOP_EXACT ? dist[v] == k : (dist[v] >= 1 && dist[v] <= k);
		if (!in)
			continue;
		if (j >= s->n || s->ids[j] != v)
			return 0;
		j++;
	}
	return j == s->n;
}

/* A generated graph loaded as two packs: the first half of the edges with
 * type 0, the second with type 1 (each rg_edgelist_insert builds a pack). */
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

/* Highest out- (dir RG_OUT) or in-degree node. */
static uint64_t hub(const rg_read_t *r, int dir)
{
	uint64_t best = 0, bd = 0;
	for (uint64_t s = 0; s < rg_node_slots(r); s++) {
		uint64_t d;
		if (rg_degree_at(r, s, (rg_dir_t)dir, &d) == 0 && d > bd) {
			bd = d;
			best = s;
		}
	}
	return best;
}

Test(traverse, do_bfs_equals_topdown_reference)
{
	const char *specs[] = {"rmat:scale=12,ef=8,seed=13", "uniform:n=6000,deg=3,seed=5"};
	const int dirs[] = {RG_OUT, RG_IN, RG_BOTH};
	const uint32_t types[] = {RG_TYPE_ANY, 0, 1};
	const uint32_t depths[] = {1, 3, RG_BFS_UNLIMITED};
	uint64_t td = 0, bu = 0, bu_par = 0, par_steps = 0;
	for (int gi = 0; gi < 2; gi++) {
		rg_edgelist_t el;
		char err[256];
		cr_assert_eq(rg_gen_from_spec(specs[gi], &el, err, sizeof err), 0, "%s", err);
		uint64_t split;
		rg_graph_t *g = load_typed(&el, &split);
		struct tref t;
		tref_build(&t, &el, split);
		rg_read_t *r;
		cr_assert_eq(rg_read_begin(g, &r), 0);
		cr_assert_eq(rg_node_slots(r), t.n);
		rg_csr_t *c;
		cr_assert_eq(rg_csr_build(r, &c), 0);
		cr_assert_eq(rg_csr_shared(c), 1, "a fresh load is its pack");
		uint64_t roots[4];
		size_t nr = pick_roots(r, roots, 3, 31 + (uint64_t)gi);
		roots[nr++] = hub(r, RG_OUT);
		uint32_t *dist = malloc(t.n * sizeof *dist);
		for (size_t ri = 0; ri < nr; ri++)
			for (int di = 0; di < 3; di++)
				for (int ti = 0; ti < 3; ti++)
					for (int de = 0; de < 3; de++) {
			tref_dist(&t, roots[ri], dirs[di], types[ti], depths[de], dist);
			/* SEQ, forced PAR(2), AUTO(3) with a tiny threshold, frozen view
			 * SEQ and PAR(2) */
			struct {
				const rg_read_t *v;
				int mode, threads;
				uint64_t min;
			} runs[] = {{r, RG_EXEC_SEQ, 1, 0},
				    {r, RG_EXEC_PAR, 2, 0},
				    {r, RG_EXEC_AUTO, 3, 1},
				    {rg_csr_read(c), RG_EXEC_SEQ, 1, 0},
				    {rg_csr_read(c), RG_EXEC_PAR, 2, 0}};
			for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
				rg_exec_t ex = exec_of(runs[k].mode, runs[k].threads);
				ex.par_min_edges = runs[k].min;
				rg_bfs_t b;
				cr_assert_eq(rg_bfs(runs[k].v, roots[ri], depths[de], dirs[di], types[ti],
						    &ex, &b), 0);
				cr_assert(bfs_matches(&b, dist, t.n),
					  "%s root %lu dir %d type %u depth %u run %zu: BFS differs "
					  "from the reference (n %zu, td %u, bu %u)",
					  specs[gi], (unsigned long)roots[ri], dirs[di], types[ti],
					  depths[de], k, b.n, ex.td_steps, ex.bu_steps);
				cr_assert_eq(ex.worker_failures, 0);
				td += ex.td_steps;
				bu += ex.bu_steps;
				if (runs[k].mode == RG_EXEC_PAR) {
					bu_par += ex.bu_steps;
					par_steps += (uint64_t)ex.par_steps;
				}
				rg_bfs_free(&b);
			}
			/* k-hop EXACT and WITHIN k from the same distances */
			if (depths[de] != RG_BFS_UNLIMITED) {
				unsigned k = depths[de];
				for (int mode = RG_KHOP_EXACT; mode <= RG_KHOP_WITHIN; mode++) {
					rg_nodeset_t s, p;
					rg_exec_t es = exec_of(RG_EXEC_SEQ, 1), ep = exec_of(RG_EXEC_PAR, 2);
					cr_assert_eq(rg_khop(r, roots[ri], k, mode, dirs[di], types[ti], &es,
							     &s), 0);
					cr_assert_eq(rg_khop(rg_csr_read(c), roots[ri], k, mode, dirs[di],
							     types[ti], &ep, &p), 0);
					cr_assert(khop_matches(&s, dist, t.n, k, mode) &&
						  khop_matches(&p, dist, t.n, k, mode),
						  "%s k-hop k %u mode %d dir %d type %u", specs[gi], k,
						  mode, dirs[di], types[ti]);
					rg_nodeset_free(&s);
					rg_nodeset_free(&p);
				}
			}
					}
		free(dist);
		rg_csr_free(c);
		cr_assert_eq(rg_read_end(r), 0);
		tref_free(&t);
		close_graph(g);
		rg_edgelist_free(&el);
	}
	cr_log_info("levels: %lu top-down, %lu bottom-up (%lu in forced-parallel runs)",
		    (unsigned long)td, (unsigned long)bu, (unsigned long)bu_par);
	cr_assert_gt(td, 0);
	cr_assert_gt(bu, 0, "the bottom-up step never ran");
	cr_assert_gt(bu_par, 0, "the parallel bottom-up step never ran");
	cr_assert_gt(par_steps, 0);
}

Test(traverse, bottom_up_runs_where_it_should)
{
	/* R-MAT from its hub: the frontier explodes after one level, so GAPBS's
	 * rule switches to bottom-up (as the baseline does on the same graph). */
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_gen_from_spec("rmat:scale=14,ef=16,seed=3", &el, err, sizeof err), 0);
	rg_graph_t *g = load_list(&el);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	for (int dir = RG_OUT; dir <= RG_BOTH; dir++) {
		uint64_t root = hub(r, dir == RG_IN ? RG_IN : RG_OUT);
		rg_exec_t es = exec_of(RG_EXEC_SEQ, 1), ep = exec_of(RG_EXEC_PAR, 2);
		rg_bfs_t a, b;
		cr_assert_eq(rg_bfs(r, root, RG_BFS_UNLIMITED, dir, RG_TYPE_ANY, &es, &a), 0);
		cr_assert_eq(rg_bfs(r, root, RG_BFS_UNLIMITED, dir, RG_TYPE_ANY, &ep, &b), 0);
		cr_assert_gt(es.bu_steps, 0, "dir %d: no bottom-up level (td %u)", dir, es.td_steps);
		cr_assert_gt(ep.bu_steps, 0, "dir %d: no parallel bottom-up level", dir);
		cr_assert_gt(ep.par_steps, 0);
		cr_assert(bfs_equal(&a, &b));
		/* bottom-up examines fewer entries than a top-down BFS would
		 * (every reached node's span in full) */
		cr_assert_lt(es.edges, (dir == RG_BOTH ? 2 : 1) * rg_edge_count(r));
		rg_bfs_free(&a);
		rg_bfs_free(&b);
	}
	cr_assert_eq(rg_read_end(r), 0);
	close_graph(g);
	rg_edgelist_free(&el);

	/* A path 0 -> 1 -> ... -> 999 beside a denser component: the frontier
	 * never weighs more than the unexamined edges / alpha: top-down only,
	 * one step per level plus the one that finds nothing. */
	cr_assert_eq(rg_gen_from_spec("uniform:n=20000,deg=8,seed=2", &el, err, sizeof err), 0);
	for (uint64_t e = 0; e < el.n_edges; e++) {
		el.src[e] += 1000;
		el.dst[e] += 1000;
	}
	g = load_list(&el);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t v = 0; v < 1000; v++)
		cr_assert_eq(rg_txn_add_node(t, v, 0), 0);
	for (uint64_t v = 0; v + 1 < 1000; v++)
		cr_assert_eq(rg_txn_add_edge(t, v, v + 1, 0, 0), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	cr_assert_eq(rg_read_begin(g, &r), 0);
	rg_exec_t ex = exec_of(RG_EXEC_SEQ, 1);
	rg_bfs_t b;
	cr_assert_eq(rg_bfs(r, 0, RG_BFS_UNLIMITED, RG_OUT, RG_TYPE_ANY, &ex, &b), 0);
	cr_assert_eq(b.n, 1000);
	cr_assert_eq(b.levels, 1000);
	cr_assert_eq(ex.bu_steps, 0);
	cr_assert_eq(ex.td_steps, 1000);
	rg_bfs_free(&b);
	cr_assert_eq(rg_read_end(r), 0);
	close_graph(g);
	rg_edgelist_free(&el);
}

/* ---------------------------------------------------------------- */
/* frozen views: copied after a change, shared with the pack         */
/* ---------------------------------------------------------------- */

/* BFS and k-hop results of every root in both views, compared. */
static void views_agree(const rg_read_t *a, const rg_read_t *b, const uint64_t *roots, size_t nr,
			const char *what)
{
	for (size_t i = 0; i < nr; i++) {
		for (int dir = RG_OUT; dir <= RG_BOTH; dir++) {
			rg_bfs_t x, y;
			rg_exec_t es = exec_of(RG_EXEC_SEQ, 1), ep = exec_of(RG_EXEC_PAR, 2);
			cr_assert_eq(rg_bfs(a, roots[i], RG_BFS_UNLIMITED, dir, RG_TYPE_ANY, &es, &x), 0);
			cr_assert_eq(rg_bfs(b, roots[i], RG_BFS_UNLIMITED, dir, RG_TYPE_ANY, &ep, &y), 0);
			cr_assert(bfs_equal(&x, &y), "%s: bfs root %lu dir %d", what,
				  (unsigned long)roots[i], dir);
			rg_bfs_free(&x);
			rg_bfs_free(&y);
			rg_nodeset_t s, p;
			cr_assert_eq(rg_khop(a, roots[i], 2, RG_KHOP_WITHIN, dir, 1, &es, &s), 0);
			cr_assert_eq(rg_khop(b, roots[i], 2, RG_KHOP_WITHIN, dir, 1, &ep, &p), 0);
			cr_assert(sets_equal(&s, &p), "%s: khop type 1 root %lu dir %d", what,
				  (unsigned long)roots[i], dir);
			rg_nodeset_free(&s);
			rg_nodeset_free(&p);
		}
	}
}

/* A transaction that touches some nodes of a packed graph: new edges of
 * type 1, deleted edges, a deleted node, a new node. */
static void change_graph(rg_graph_t *g, uint64_t n, uint64_t seed)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	uint64_t s = seed;
	for (int i = 0; i < 200; i++) {
		int rc = rg_txn_add_edge(t, rg_rand(&s) % n, rg_rand(&s) % n, 1, 0);
		cr_assert(rc == 0 || rc == RG_ENOENT);
	}
	for (int i = 0; i < 100; i++) {
		int rc = rg_txn_del_edge(t, rg_rand(&s) % n, rg_rand(&s) % n, RG_TYPE_ANY);
		cr_assert(rc == 0 || rc == RG_ENOENT);
	}
	int rc = rg_txn_del_node(t, rg_rand(&s) % n);
	cr_assert(rc == 0 || rc == RG_ENOENT);
	cr_assert_eq(rg_txn_add_node(t, n + seed, 0), 0);
	for (uint64_t v = 0; (rc = rg_txn_add_edge(t, n + seed, v, 1, 0)) == RG_ENOENT; v++)
		;
	cr_assert_eq(rc, 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
}

Test(traverse, frozen_views_copied_and_shared)
{
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_gen_from_spec("rmat:scale=11,ef=8,seed=17", &el, err, sizeof err), 0);
	rg_graph_t *g = load_list(&el);
	change_graph(g, el.n_nodes, 5);
	/* packed, then changed: the view is a copy of the snapshot */
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	rg_csr_t *copy;
	cr_assert_eq(rg_csr_build(r, &copy), 0);
	cr_assert_eq(rg_csr_shared(copy), 0);
	uint64_t roots[6];
	size_t nr = pick_roots(r, roots, 6, 99);
	views_agree(r, rg_csr_read(copy), roots, nr, "live vs copied view");
	cr_assert_eq(rg_read_end(r), 0);
	/* packed again: the view shares the pack */
	cr_assert_eq(rg_pack(g), 0);
	cr_assert_eq(rg_read_begin(g, &r), 0);
	rg_csr_t *shared;
	cr_assert_eq(rg_csr_build(r, &shared), 0);
	cr_assert_eq(rg_csr_shared(shared), 1);
	views_agree(r, rg_csr_read(shared), roots, nr, "live vs shared view");
	cr_assert_eq(rg_read_end(r), 0);
	/* both views outlive their sections and later writes, and still
	 * describe the same snapshot */
	change_graph(g, el.n_nodes, 6);
	views_agree(rg_csr_read(copy), rg_csr_read(shared), roots, nr, "copied vs shared");
	rg_csr_free(copy);
	close_graph(g);
	views_agree(rg_csr_read(shared), rg_csr_read(shared), roots, nr, "after rg_close");
	rg_csr_free(shared);
	rg_edgelist_free(&el);
}

/* A parallel query on a live section is counted in the graph's metrics; a
 * sequential one and any on a frozen view (no graph) are not. */
Test(traverse, parallel_queries_counted_in_metrics)
{
	if (!rg_metrics_compiled_in())
		cr_skip_test("metrics compiled out");
	rg_graph_t *g = hand_graph();
	rg_metrics_t *m = rg_graph_metrics(g);
	cr_assert_not_null(m);
	uint64_t c0 = rg_metrics_counter(m, RG_C_PARALLEL_TRAVERSALS);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	rg_csr_t *c;
	cr_assert_eq(rg_csr_build(r, &c), 0);
	rg_bfs_t b;
	rg_exec_t es = exec_of(RG_EXEC_SEQ, 1), ep = exec_of(RG_EXEC_PAR, 2);
	cr_assert_eq(rg_bfs(r, 10, RG_BFS_UNLIMITED, RG_OUT, RG_TYPE_ANY, &es, &b), 0);
	rg_bfs_free(&b);
	cr_assert_eq(rg_metrics_counter(m, RG_C_PARALLEL_TRAVERSALS), c0);
	cr_assert_eq(rg_bfs(rg_csr_read(c), 10, RG_BFS_UNLIMITED, RG_OUT, RG_TYPE_ANY, &ep, &b), 0);
	rg_bfs_free(&b);
	cr_assert_gt(ep.par_steps, 0);
	cr_assert_eq(rg_metrics_counter(m, RG_C_PARALLEL_TRAVERSALS), c0);
	cr_assert_eq(rg_bfs(r, 10, RG_BFS_UNLIMITED, RG_OUT, RG_TYPE_ANY, &ep, &b), 0);
	rg_bfs_free(&b);
	cr_assert_eq(rg_metrics_counter(m, RG_C_PARALLEL_TRAVERSALS), c0 + 1);
	rg_pagerank_t p;
	cr_assert_eq(rg_pagerank(r, NULL, &ep, &p), 0);
	rg_pagerank_free(&p);
	cr_assert_eq(rg_metrics_counter(m, RG_C_PARALLEL_TRAVERSALS), c0 + 2);
	rg_csr_free(c);
	cr_assert_eq(rg_read_end(r), 0);
	close_graph(g);
}
