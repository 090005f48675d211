/* test_bulk.c - the bulk path of rg_txn_add_edges (batches of at least
 * 65,536 edges are sorted by endpoint slot, txn.c) answers exactly as the
 * per-edge path: same adjacency order, degrees, types and properties, on
 * dense and sparse ids, on packed graphs, onto adjacencies that already
 * hold live and dead entries; a dead or unknown endpoint applies nothing;
 * readers scanning during bulk commits see whole batches only; and
 * recovery, which buffers edge inserts across log records and checkpoint
 * entries into such batches, rebuilds the graph it logged, in order. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rcugraph/rcugraph.h>
#include "testdump.h"
#include "testutil.h"

#define NB 3000    /* nodes: more than 1024 slots, so a bucket holds several */
#define BIG 70000  /* above the bulk threshold (65,536) */
#define DEAD 11    /* a deleted node */

static const uint64_t sparse[] = {1000003, UINT64_C(1) << 40, UINT64_MAX - 1};

static uint64_t pick(uint64_t *seed, int with_sparse)
{
	uint64_t r = rg_rand(seed);
	if (with_sparse && r % 97 == 0)
		return sparse[r / 97 % 3];
	uint64_t id = r % 19 == 0 ? 7 : (r >> 8) % NB; /* 7 is a hub */
	return id == DEAD ? DEAD + 1 : id;
}

/* n edges: a hub, self loops, parallel edges, two types. */
static rg_edge_in_t *edges(size_t n, uint64_t seed, int with_sparse)
{
	rg_edge_in_t *e = malloc(n * sizeof *e);
	cr_assert_not_null(e);
	for (size_t k = 0; k < n; k++) {
		e[k].src = pick(&seed, with_sparse);
		e[k].dst = k % 13 == 0 ? e[k].src : pick(&seed, with_sparse);
		if (k % 17 == 0 && k)
			e[k].src = e[k - 1].src, e[k].dst = e[k - 1].dst;
		e[k].type = (uint32_t)(k & 1);
		e[k].prop = rg_rand(&seed);
	}
	return e;
}

/* Nodes, some edges, some deleted edges (dead entries), one deleted node. */
static void prepare(rg_graph_t *g, int with_sparse)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i < NB; i++)
		cr_assert_eq(rg_txn_add_node(t, i, (uint32_t)(i % 5)), 0);
	for (size_t k = 0; with_sparse && k < 3; k++)
		cr_assert_eq(rg_txn_add_node(t, sparse[k], 9), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	rg_edge_in_t *e = edges(5000, 99, with_sparse);
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (size_t k = 0; k < 5000; k++)
		cr_assert_eq(rg_txn_add_edge(t, e[k].src, e[k].dst, e[k].type, e[k].prop), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (size_t k = 0; k < 5000; k += 7) {
		int rc = rg_txn_del_edge(t, e[k].src, e[k].dst, RG_TYPE_ANY);
		cr_assert(rc == 0 || rc == RG_ENOENT); /* a parallel copy went first */
	}
	cr_assert_eq(rg_txn_del_node(t, DEAD), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	free(e);
}

static void dump_graph(rg_graph_t *g, int with_sparse, struct dump *d)
{
	cr_assert_eq(rg_reader_register(g), 0);
	dump_now(g, NB + 1, sparse, with_sparse ? 3 : 0, d);
	cr_assert_eq(rg_reader_unregister(g), 0);
}

static void same_as_per_edge(int with_sparse, int pack)
{
	rg_graph_t *a, *b;
	cr_assert_eq(rg_open(&a, NULL), 0);
	cr_assert_eq(rg_open(&b, NULL), 0);
	prepare(a, with_sparse);
	prepare(b, with_sparse);
	if (pack) {
		cr_assert_eq(rg_pack(a), 0);
		cr_assert_eq(rg_pack(b), 0);
	}
	/* twice: the second batch lands on adjacencies the first one grew */
	for (int round = 0; round < 2; round++) {
		rg_edge_in_t *e = edges(BIG, 1000 + (uint64_t)round, with_sparse);
		rg_txn_t *t;
		cr_assert_eq(rg_txn_begin(a, &t), 0);
		for (size_t k = 0; k < BIG; k++)
			cr_assert_eq(rg_txn_add_edge(t, e[k].src, e[k].dst, e[k].type, e[k].prop), 0);
		cr_assert_eq(rg_txn_commit(t, NULL), 0);
		cr_assert_eq(rg_txn_begin(b, &t), 0);
		size_t at = 12345;
		cr_assert_eq(rg_txn_add_edges(t, e, BIG, &at), 0);
		cr_assert_eq(at, 12345, "failed_at untouched on success");
		cr_assert_eq(rg_txn_commit(t, NULL), 0);
		free(e);
		struct dump da = {0}, db = {0};
		dump_graph(a, with_sparse, &da);
		dump_graph(b, with_sparse, &db);
		dump_eq(&da, &db, "bulk vs per-edge");
		free(da.v);
		free(db.v);
	}
	rg_stats_t sa, sb;
	rg_stats_get(a, &sa);
	rg_stats_get(b, &sb);
	cr_assert_eq(sa.edges, sb.edges);
	cr_assert_eq(sa.nodes, sb.nodes);
	rg_close(a);
	rg_close(b);
}

Test(bulk, same_as_per_edge_dense_ids) { same_as_per_edge(0, 0); }
Test(bulk, same_as_per_edge_sparse_ids) { same_as_per_edge(1, 0); }
Test(bulk, same_as_per_edge_packed) { same_as_per_edge(0, 1); }
Test(bulk, same_as_per_edge_packed_sparse) { same_as_per_edge(1, 1); }

Test(bulk, dead_or_unknown_endpoint_applies_nothing)
{
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	prepare(g, 0);
	struct dump before = {0}, after = {0};
	dump_graph(g, 0, &before);
	rg_edge_in_t *e = edges(BIG, 5, 0);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	/* a deleted node: found by the slot bitmap, first offender reported */
	e[60000].src = DEAD;
	e[50000].dst = DEAD;
	size_t at = 0;
	cr_assert_eq(rg_txn_add_edges(t, e, BIG, &at), RG_ENOENT);
	cr_assert_eq(at, 50000);
	/* an id the graph never had */
	e[50000].dst = e[60000].src = 1;
	e[40000].src = 424242;
	cr_assert_eq(rg_txn_add_edges(t, e, BIG, &at), RG_ENOENT);
	cr_assert_eq(at, 40000);
	cr_assert_eq(rg_txn_commit(t, NULL), 0, "the transaction is not poisoned");
	dump_graph(g, 0, &after);
	dump_eq(&before, &after, "nothing applied");
	free(after.v);
	after = (struct dump){0};
	/* and it still works afterwards */
	e[40000].src = 2;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_edges(t, e, BIG, NULL), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	rg_read_t *r;
	cr_assert_eq(rg_reader_register(g), 0);
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_edge_count(r), before.v[1] + BIG);
	rg_read_end(r);
	cr_assert_eq(rg_reader_unregister(g), 0);
	free(before.v);
	free(e);
	rg_close(g);
}

/* Recovery buffers edge inserts across records and applies them in bulk
 * batches, flushed before any other operation: a node deletion after
 * buffered edges must still see and drop them. The log holds more than
 * one full buffer (2^20 edges). */
Test(bulk, recovery_rebuilds_the_logged_graph, .timeout = 300)
{
	char dir[] = "/tmp/rg_bulk_XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	rg_graph_t *g;
	cr_assert_eq(rg_test_open_dir(&g, dir, RG_DURABILITY_OFF), 0);
	prepare(g, 1);
	uint64_t logged = 1; /* the edge 5 -> 6 below */
	rg_txn_t *t;
	for (int k = 0; k < 12; k++) {
		rg_edge_in_t *e = edges(100000, 77 + (uint64_t)k, 1);
		cr_assert_eq(rg_txn_begin(g, &t), 0);
		cr_assert_eq(rg_txn_add_edges(t, e, 100000, NULL), 0);
		if (k == 3) { /* deletions between buffered edge inserts */
			cr_assert_eq(rg_txn_del_node(t, 5), 0);
			cr_assert_eq(rg_txn_add_node(t, 5, 3), 0);
			cr_assert_eq(rg_txn_add_edge(t, 5, 6, 1, 1), 0);
			cr_assert_eq(rg_txn_del_edge(t, e[10].src, e[10].dst, RG_TYPE_ANY), 0);
		}
		cr_assert_eq(rg_txn_commit(t, NULL), 0);
		logged += 100000;
		free(e);
		if (k == 0) { /* what follows, 1.1 M edge inserts, is replayed */
			rg_checkpoint_info_t ci;
			cr_assert_eq(rg_checkpoint(g, &ci), 0);
		}
	}
	struct dump before = {0}, after = {0};
	dump_graph(g, 1, &before);
	rg_close(g);
	cr_assert_eq(rg_test_open_dir(&g, dir, RG_DURABILITY_OFF), 0);
	rg_recovery_t rep;
	cr_assert_eq(rg_recovery_report(g, &rep), 0);
	cr_assert_eq(rep.edges_replayed, logged - 100000, "the edge inserts after the checkpoint");
	dump_graph(g, 1, &after);
	dump_eq(&before, &after, "after recovery");
	free(before.v);
	free(after.v);
	rg_close(g);
	cr_assert_eq(rg_test_rm_rf(dir), 0);
}

/* Readers scan while the writer commits bulk batches (and deletes some
 * edges, so arrays are rebuilt): in every section the degree sums of both
 * directions, the entries iterated and the edge count must agree, and
 * every neighbour must exist, and no entry may carry a newer commit
 * version (the writer puts it in prop) than the section's. A bulk batch
 * that wrote inside a published range breaks that (ASan additionally
 * catches a premature free of what it superseded). */
struct scan_ctx {
	rg_graph_t *g;
	atomic_int stop, ready;
	uint64_t checks[2], violations[2];
	int err[2];
};

static struct scan_ctx sc;

static void *scanner(void *arg)
{
	int me = (int)(intptr_t)arg;
	if (rg_reader_register(sc.g)) {
		sc.err[me] = 1;
		return NULL;
	}
	atomic_fetch_add(&sc.ready, 1);
	while (!atomic_load(&sc.stop)) {
		rg_read_t *r;
		if (rg_read_begin(sc.g, &r)) {
			sc.err[me] = 1;
			break;
		}
		uint64_t out = 0, in = 0, iter = 0, bad = 0, ver = rg_read_version(r);
		for (uint64_t id = 0; id < NB; id++) {
			uint64_t d;
			if (rg_degree(r, id, RG_OUT, &d) == 0)
				out += d;
			if (rg_degree(r, id, RG_IN, &d) == 0)
				in += d;
			rg_iter_t it;
			if (rg_neighbors(r, id, RG_OUT, RG_TYPE_ANY, &it) == 0)
				for (const rg_edge_t *e; (e = rg_iter_next(&it)); iter++)
					/* batch edges carry their commit version (< 2^32) */
					bad += !rg_node_exists(r, e->nbr) ||
					       (e->prop >> 32 == 0 && e->prop > ver);
		}
		uint64_t m = rg_edge_count(r);
		if (out != m || in != m || iter != m || bad)
			sc.violations[me]++;
		sc.checks[me]++;
		rg_read_end(r);
		rg_reader_quiescent(sc.g);
	}
	rg_reader_unregister(sc.g);
	return NULL;
}

Test(bulk, readers_see_whole_bulk_batches, .timeout = 300)
{
	cr_assert_eq(rg_open(&sc.g, NULL), 0);
	prepare(sc.g, 0);
	pthread_t th[2];
	for (intptr_t i = 0; i < 2; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, scanner, (void *)i), 0);
	while (atomic_load(&sc.ready) < 2)
		sched_yield();
	double until = rg_now() + rg_stress_seconds(2.0);
	uint64_t commits = 0, seed = 11;
	rg_stats_t st;
	rg_stats_get(sc.g, &st);
	int wrc = 0;
	while (!wrc && (rg_now() < until || commits < 4)) {
		rg_edge_in_t *e = edges(BIG, seed++, 0);
		for (size_t k = 0; k < BIG; k++)
			e[k].prop = st.version + commits + 1; /* this batch's commit version */
		rg_txn_t *t;
		wrc = rg_txn_begin(sc.g, &t);
		if (!wrc)
			wrc = rg_txn_add_edges(t, e, BIG, NULL);
		for (size_t k = 0; !wrc && k < 2000; k += 3) {
			int rc = rg_txn_del_edge(t, e[k].src, e[k].dst, RG_TYPE_ANY);
			wrc = rc == RG_ENOENT ? 0 : rc;
		}
		if (!wrc)
			wrc = rg_txn_commit(t, NULL);
		free(e);
		commits++;
	}
	atomic_store(&sc.stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	rg_close(sc.g);
	cr_assert_eq(wrc, 0, "writer: %s", rg_strerror(wrc));
	cr_assert(!sc.err[0] && !sc.err[1]);
	uint64_t checks = sc.checks[0] + sc.checks[1], viol = sc.violations[0] + sc.violations[1];
	fprintf(stderr, "bulk readers: %llu commits of %d edges, %llu checks, %llu violations\n",
		(unsigned long long)commits, BIG, (unsigned long long)checks, (unsigned long long)viol);
	cr_assert_gt(checks, 0);
	cr_assert_eq(viol, 0);
}
