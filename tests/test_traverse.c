/* Tests of k-hop / BFS queries: hand-checked semantics, sequential ==
 * parallel == CSR on the shared datasets and generated graphs, against an
 * independent reference BFS, batch == per-root, while a writer commits, and
 * error paths. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rcugraph/csr.h>
#include <rcugraph/load.h>
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

/* Runs the k-hop query in SEQ, PAR(2), PAR(3) and on a CSR copy; asserts
 * they agree and returns the SEQ result. */
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
	cr_assert_eq(rg_csr_khop(c, root, k, mode, dir, type, NULL, &cs), 0);
	cr_assert(sets_equal(&s, &p2) && sets_equal(&s, &p3) && sets_equal(&s, &cs),
		  "seq/par/csr differ: root %lu k %u mode %d dir %d", (unsigned long)root, k, mode,
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
	cr_assert_eq(rg_csr_khop(NULL, 10, 1, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, NULL, &s),
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
	cr_assert_eq(rg_csr_khop(c, 12345, 1, RG_KHOP_EXACT, RG_OUT, RG_TYPE_ANY, NULL, &s),
		     RG_ENOENT);
	uint64_t sl;
	cr_assert_eq(rg_csr_node_slot(c, 12345, &sl), RG_ENOENT);
	cr_assert_eq(rg_csr_node_slot(c, 40, &sl), 0);
	uint64_t id;
	cr_assert_eq(rg_csr_node_at(c, sl, &id, NULL), 0);
	cr_assert_eq(id, 40);
	cr_assert_eq(rg_csr_node_at(c, 1000, &id, NULL), RG_ENOENT);
	uint64_t n;
	cr_assert_eq(rg_csr_adj(c, 1000, RG_OUT, NULL, NULL, &n), RG_EINVAL);
	cr_assert_eq(rg_csr_adj(c, sl, 5, NULL, NULL, &n), RG_EINVAL);
	cr_assert_eq(rg_csr_adj(c, sl, RG_OUT, NULL, NULL, &n), 0);
	cr_assert_eq(n, 1);
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
/* seq == par == csr == reference on real and generated graphs       */
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

/* Every query shape: SEQ == PAR(2) == PAR(3) == AUTO == CSR, and batch ==
 * per-root. */
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
				cr_assert_eq(rg_csr_khop_batch(c, roots, nr, k, mode, dirs[di],
							       RG_TYPE_ANY, &ex, bc), 0);
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
				cr_assert_eq(rg_csr_bfs(c, roots[i], depths[j], dirs[di],
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
	/* ...a tiny one sends most roots to the workers, same answers */
	ex = exec_of(RG_EXEC_AUTO, 2);
	ex.par_min_edges = 1;
	cr_assert_eq(rg_khop_batch(r, roots, nr, 2, RG_KHOP_WITHIN, RG_OUT, RG_TYPE_ANY, &ex, b), 0);
	cr_assert_eq(ex.par_steps, 1);
	cr_assert_eq(ex.items_par, nr - 1);
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
		/* single root, forced per-level parallelism, and the CSR copy */
		rg_bfs_t x, y, z;
		rg_csr_t *c = NULL;
		es = exec_of(RG_EXEC_SEQ, 0);
		ep = exec_of(RG_EXEC_PAR, 2);
		if (rg_bfs(r, roots[0], RG_BFS_UNLIMITED, RG_OUT, 0, &es, &x) ||
		    rg_bfs(r, roots[0], RG_BFS_UNLIMITED, RG_OUT, 0, &ep, &y) ||
		    rg_csr_build(r, &c) ||
		    rg_csr_bfs(c, roots[0], RG_BFS_UNLIMITED, RG_OUT, 0, NULL, &z)) {
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

/* Parallel workers use shared sections (no policy read_begin of their own):
 * check every synchronisation policy gives seq == par. */
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
