/* test_bulk.c - the bulk path of rg_txn_add_edges (batches of at least
 * 65,536 edges are sorted by endpoint slot, txn.c) answers exactly as the
 * per-edge path: same adjacency order, degrees, types and properties, on
 * dense and sparse ids, on packed graphs, onto adjacencies that already
 * hold live and dead entries; a dead or unknown endpoint applies nothing;
 * and recovery, which buffers edge inserts across log records and
 * checkpoint entries into such batches, rebuilds the graph it logged. */
#include <criterion/criterion.h>
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
	rg_options_t o;
	rg_options_init(&o);
	o.dir = dir;
	o.durability = RG_DURABILITY_OFF;
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, &o), 0);
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
	cr_assert_eq(rg_open(&g, &o), 0);
	rg_recovery_t rep;
	cr_assert_eq(rg_recovery_report(g, &rep), 0);
	cr_assert_eq(rep.edges_replayed, logged - 100000, "the edge inserts after the checkpoint");
	dump_graph(g, 1, &after);
	dump_eq(&before, &after, "after recovery");
	free(before.v);
	free(after.v);
	rg_close(g);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}
