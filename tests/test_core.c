/* test_core.c - API behaviour of the graph core: every operation, every
 * error path, snapshot semantics, deletion, compaction, abort. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rcugraph/rcugraph.h>
#include "graph_internal.h"
#include "testutil.h"

static rg_graph_t *g;

static void setup(void)
{
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_reader_register(g), 0);
}

static void teardown(void)
{
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

TestSuite(core, .init = setup, .fini = teardown);

static void commit_ok(rg_txn_t *t)
{
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
}

static uint64_t deg(uint64_t id, rg_dir_t d)
{
	rg_read_t *r;
	uint64_t x = UINT64_MAX;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	int rc = rg_degree(r, id, d, &x);
	rg_read_end(r);
	return rc ? UINT64_MAX : x;
}

Test(core, strerror_covers_codes)
{
	for (int e = 0; e >= RG_ERANGE; e--)
		cr_assert_str_neq(rg_strerror(e), "unknown error", "code %d", e);
	cr_assert_str_eq(rg_strerror(-999), "unknown error");
}

Test(core, empty_graph)
{
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_read_version(r), 0);
	cr_assert_eq(rg_node_count(r), 0);
	cr_assert_eq(rg_edge_count(r), 0);
	cr_assert_not(rg_node_exists(r, 0));
	uint32_t l;
	cr_assert_eq(rg_node_label(r, 5, &l), RG_ENOENT);
	rg_iter_t it;
	cr_assert_eq(rg_neighbors(r, 5, RG_OUT, RG_TYPE_ANY, &it), RG_ENOENT);
	cr_assert_eq(rg_read_end(r), 0);
}

Test(core, nodes_edges_and_sparse_ids)
{
	rg_txn_t *t;
	const uint64_t big = UINT64_MAX, mid = 1ull << 40;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, 0, 7), 0);
	cr_assert_eq(rg_txn_add_node(t, big, 8), 0);
	cr_assert_eq(rg_txn_add_node(t, mid, 9), 0);
	cr_assert_eq(rg_txn_add_node(t, mid, 1), RG_EEXIST);
	cr_assert_eq(rg_txn_add_edge(t, 0, big, 1, 100), 0);
	cr_assert_eq(rg_txn_add_edge(t, 0, mid, 2, 200), 0);
	cr_assert_eq(rg_txn_add_edge(t, big, 0, 1, 300), 0);
	cr_assert_eq(rg_txn_add_edge(t, 0, 12345, 1, 0), RG_ENOENT);
	cr_assert_eq(rg_txn_add_edge(t, 12345, 0, 1, 0), RG_ENOENT);
	uint64_t v = 0;
	cr_assert_eq(rg_txn_commit(t, &v), 0);
	cr_assert_eq(v, 1);

	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_node_count(r), 3);
	cr_assert_eq(rg_edge_count(r), 3);
	uint32_t l;
	cr_assert_eq(rg_node_label(r, big, &l), 0);
	cr_assert_eq(l, 8);
	uint64_t d;
	cr_assert_eq(rg_degree(r, 0, RG_OUT, &d), 0);
	cr_assert_eq(d, 2);
	cr_assert_eq(rg_degree(r, 0, RG_IN, &d), 0);
	cr_assert_eq(d, 1);
	rg_iter_t it;
	cr_assert_eq(rg_neighbors(r, 0, RG_OUT, RG_TYPE_ANY, &it), 0);
	const rg_edge_t *e = rg_iter_next(&it);
	cr_assert(e && e->nbr == big && e->type == 1 && e->prop == 100);
	e = rg_iter_next(&it);
	cr_assert(e && e->nbr == mid && e->type == 2 && e->prop == 200);
	cr_assert_null(rg_iter_next(&it));
	/* type filter */
	cr_assert_eq(rg_neighbors(r, 0, RG_OUT, 2, &it), 0);
	e = rg_iter_next(&it);
	cr_assert(e && e->nbr == mid);
	cr_assert_null(rg_iter_next(&it));
	/* in-adjacency */
	cr_assert_eq(rg_neighbors(r, mid, RG_IN, RG_TYPE_ANY, &it), 0);
	e = rg_iter_next(&it);
	cr_assert(e && e->nbr == 0 && e->prop == 200);
	/* slot addressing agrees with id addressing */
	uint64_t slot, id;
	cr_assert_eq(rg_node_slot(r, big, &slot), 0);
	cr_assert_eq(rg_node_at(r, slot, &id, &l), 0);
	cr_assert(id == big && l == 8);
	cr_assert_eq(rg_node_slots(r), 3);
	cr_assert_eq(rg_node_at(r, 99, &id, &l), RG_ENOENT);
	cr_assert_eq(rg_read_end(r), 0);
}

Test(core, bad_arguments)
{
	rg_read_t *r;
	rg_txn_t *t;
	uint64_t d;
	uint32_t l;
	rg_iter_t it;
	rg_options_t o;
	rg_graph_t *g2;
	cr_assert_eq(rg_open(NULL, NULL), RG_EINVAL);
	rg_options_init(&o);
	o.sync = "no-such-policy";
	cr_assert_eq(rg_open(&g2, &o), RG_EPOLICY);
	rg_options_init(&o);
	o.reserved[0] = 1;
	cr_assert_eq(rg_open(&g2, &o), RG_EINVAL);
	rg_options_init(&o);
	o.durability = 42;
	cr_assert_eq(rg_open(&g2, &o), RG_EINVAL);
	rg_close(NULL);
	cr_assert_eq(rg_read_begin(NULL, &r), RG_EINVAL);
	cr_assert_eq(rg_read_begin(g, NULL), RG_EINVAL);
	cr_assert_eq(rg_read_end(NULL), RG_ESTATE);
	cr_assert_eq(rg_txn_begin(NULL, &t), RG_EINVAL);
	cr_assert_eq(rg_txn_begin(g, NULL), RG_EINVAL);
	cr_assert_eq(rg_txn_add_node(NULL, 1, 1), RG_EINVAL);
	cr_assert_eq(rg_txn_add_edge(NULL, 1, 1, 1, 1), RG_EINVAL);
	cr_assert_eq(rg_txn_del_node(NULL, 1), RG_EINVAL);
	cr_assert_eq(rg_txn_del_edge(NULL, 1, 1, 1), RG_EINVAL);
	cr_assert_eq(rg_txn_commit(NULL, NULL), RG_EINVAL);
	cr_assert_eq(rg_txn_abort(NULL), RG_EINVAL);
	cr_assert_eq(rg_reader_register(NULL), RG_EINVAL);
	cr_assert_eq(rg_reader_unregister(NULL), RG_EINVAL);
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_read_begin(g, &r), RG_EBUSY, "nested section");
	cr_assert_eq(rg_txn_begin(g, &t), RG_EBUSY, "txn inside a read section");
	cr_assert_eq(rg_reader_unregister(g), RG_EBUSY);
	cr_assert_eq(rg_degree(r, 1, 7, &d), RG_EINVAL);
	cr_assert_eq(rg_degree(r, 1, RG_OUT, NULL), RG_EINVAL);
	cr_assert_eq(rg_node_label(r, 1, NULL), RG_EINVAL);
	cr_assert_eq(rg_neighbors(r, 1, RG_OUT, RG_TYPE_ANY, NULL), RG_EINVAL);
	cr_assert_eq(rg_neighbors(r, 1, 3, RG_TYPE_ANY, &it), RG_EINVAL);
	cr_assert_eq(rg_read_end(r), 0);
	cr_assert_eq(rg_read_end(r), RG_ESTATE, "double end");
	cr_assert_eq(rg_node_label(r, 1, &l), RG_EINVAL, "use after end");
	cr_assert_eq(rg_read_begin_shared(r, &r), RG_EINVAL, "closed parent");
}

static void *unregistered_reader(void *arg)
{
	rg_read_t *r;
	*(int *)arg = rg_read_begin(g, &r);
	if (*(int *)arg == 0)
		rg_read_end(r);
	return NULL;
}

Test(core, unregistered_thread_is_refused)
{
	pthread_t th;
	int rc = 0;
	pthread_create(&th, NULL, unregistered_reader, &rc);
	pthread_join(th, NULL);
	cr_assert_eq(rc, RG_ESTATE);
	/* unregistering more than registered */
	cr_assert_eq(rg_reader_unregister(g), 0);
	cr_assert_eq(rg_reader_unregister(g), RG_ESTATE);
	cr_assert_eq(rg_reader_register(g), 0);
}

static void *writer_move(void *arg)
{
	rg_txn_t *tt;
	int rc = rg_txn_begin(g, &tt);
	if (!rc) {
		rg_txn_add_node(tt, 2, 0);
		rg_txn_add_edge(tt, 1, 2, 0, 0);
		rg_txn_del_node(tt, 1);
		rc = rg_txn_commit(tt, NULL);
	}
	*(int *)arg = rc;
	return NULL;
}

Test(core, snapshot_isolation_inside_a_section)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, 1, 0), 0);
	commit_ok(t);

	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	uint64_t v0 = rg_read_version(r);
	/* commits from another thread while the section is open */
	pthread_t th;
	int rc = -1;
	pthread_create(&th, NULL, writer_move, &rc);
	pthread_join(th, NULL);
	cr_assert_eq(rc, 0);
	/* the open section still sees the old graph */
	cr_assert_eq(rg_read_version(r), v0);
	cr_assert(rg_node_exists(r, 1));
	cr_assert_not(rg_node_exists(r, 2));
	cr_assert_eq(rg_node_count(r), 1);
	cr_assert_eq(rg_read_end(r), 0);
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_read_version(r), v0 + 1);
	cr_assert_not(rg_node_exists(r, 1));
	cr_assert(rg_node_exists(r, 2));
	uint64_t d;
	cr_assert_eq(rg_degree(r, 2, RG_IN, &d), 0);
	cr_assert_eq(d, 0, "edge died with its source");
	cr_assert_eq(rg_edge_count(r), 0);
	cr_assert_eq(rg_read_end(r), 0);
}

Test(core, abort_leaves_no_trace)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i < 10; i++)
		cr_assert_eq(rg_txn_add_node(t, i, (uint32_t)i), 0);
	for (uint64_t i = 0; i < 9; i++)
		cr_assert_eq(rg_txn_add_edge(t, i, i + 1, 0, i), 0);
	commit_ok(t);

	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, 100, 0), 0);
	for (int k = 0; k < 50; k++) /* forces array growth in the txn */
		cr_assert_eq(rg_txn_add_edge(t, 0, 100, 1, k), 0);
	cr_assert_eq(rg_txn_del_edge(t, 3, 4, RG_TYPE_ANY), 0);
	cr_assert_eq(rg_txn_del_node(t, 5), 0);
	cr_assert_eq(rg_txn_abort(t), 0);

	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_read_version(r), 1);
	cr_assert_eq(rg_node_count(r), 10);
	cr_assert_eq(rg_edge_count(r), 9);
	cr_assert_not(rg_node_exists(r, 100));
	cr_assert(rg_node_exists(r, 5));
	uint64_t d;
	rg_degree(r, 3, RG_OUT, &d);
	cr_assert_eq(d, 1);
	rg_iter_t it;
	rg_neighbors(r, 3, RG_OUT, RG_TYPE_ANY, &it);
	const rg_edge_t *e = rg_iter_next(&it);
	cr_assert(e && e->nbr == 4, "deletion mark reverted");
	rg_degree(r, 0, RG_OUT, &d);
	cr_assert_eq(d, 1);
	cr_assert_eq(rg_read_end(r), 0);
	/* the version number is reused by the next commit */
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, 100, 0), 0);
	uint64_t v;
	cr_assert_eq(rg_txn_commit(t, &v), 0);
	cr_assert_eq(v, 2);
}

Test(core, failing_op_changes_nothing_and_txn_goes_on)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, 1, 0), 0);
	cr_assert_eq(rg_txn_del_node(t, 2), RG_ENOENT);
	cr_assert_eq(rg_txn_del_edge(t, 1, 1, RG_TYPE_ANY), RG_ENOENT);
	cr_assert_eq(rg_txn_add_edge(t, 1, 1, 0, 0), 0, "self loop");
	commit_ok(t);
	cr_assert_eq(deg(1, RG_OUT), 1);
	cr_assert_eq(deg(1, RG_IN), 1);
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_del_node(t, 1), 0);
	commit_ok(t);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_edge_count(r), 0, "self loop counted once");
	cr_assert_eq(rg_node_count(r), 0);
	rg_read_end(r);
}

Test(core, empty_commit_consumes_no_version)
{
	rg_txn_t *t;
	uint64_t v = 77;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_commit(t, &v), 0);
	cr_assert_eq(v, 77);
	rg_stats_t st;
	rg_stats_get(g, &st);
	cr_assert_eq(st.version, 0);
}

Test(core, parallel_edges_and_del_edge_by_type)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	rg_txn_add_node(t, 1, 0);
	rg_txn_add_node(t, 2, 0);
	rg_txn_add_edge(t, 1, 2, 5, 1);
	rg_txn_add_edge(t, 1, 2, 5, 2);
	rg_txn_add_edge(t, 1, 2, 6, 3);
	commit_ok(t);
	cr_assert_eq(deg(1, RG_OUT), 3);
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_del_edge(t, 1, 2, 5), 0);
	cr_assert_eq(rg_txn_del_edge(t, 1, 2, 5), RG_ENOENT, "already gone in this txn");
	commit_ok(t);
	cr_assert_eq(deg(1, RG_OUT), 1);
	cr_assert_eq(deg(2, RG_IN), 1);
	rg_read_t *r;
	rg_iter_t it;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	rg_neighbors(r, 2, RG_IN, RG_TYPE_ANY, &it);
	const rg_edge_t *e = rg_iter_next(&it);
	cr_assert(e && e->type == 6 && e->prop == 3);
	cr_assert_null(rg_iter_next(&it));
	rg_read_end(r);
}

Test(core, node_readd_after_delete)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	rg_txn_add_node(t, 1, 1);
	rg_txn_add_node(t, 2, 1);
	rg_txn_add_edge(t, 1, 2, 0, 0);
	commit_ok(t);
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_del_node(t, 1), 0);
	cr_assert_eq(rg_txn_add_edge(t, 1, 2, 0, 0), RG_ENOENT, "deleted in this txn");
	cr_assert_eq(rg_txn_add_node(t, 1, 9), 0);
	cr_assert_eq(rg_txn_add_edge(t, 2, 1, 0, 0), 0);
	commit_ok(t);
	rg_read_t *r;
	uint32_t l;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_node_label(r, 1, &l), 0);
	cr_assert_eq(l, 9);
	cr_assert_eq(rg_edge_count(r), 1);
	uint64_t d;
	rg_degree(r, 1, RG_OUT, &d);
	cr_assert_eq(d, 0);
	rg_degree(r, 1, RG_IN, &d);
	cr_assert_eq(d, 1);
	rg_read_end(r);
}

/* Deleting edges publishes a compacted copy of the adjacency: the span
 * holds exactly the surviving edges (no dead entries for readers to skip),
 * in their order. */
Test(core, deletions_copy_the_adjacency)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	rg_txn_add_node(t, 0, 0);
	for (uint64_t i = 1; i <= 1000; i++) {
		rg_txn_add_node(t, i, 0);
		rg_txn_add_edge(t, 0, i, 0, i);
	}
	commit_ok(t);
	for (uint64_t i = 1; i <= 900; i++) {
		cr_assert_eq(rg_txn_begin(g, &t), 0);
		cr_assert_eq(rg_txn_del_edge(t, 0, i, RG_TYPE_ANY), 0);
		commit_ok(t);
	}
	rg_stats_t st;
	rg_stats_get(g, &st);
	cr_assert_gt(st.arrays_compacted, 0);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	uint64_t slot;
	cr_assert_eq(rg_node_slot(r, 0, &slot), 0);
	const struct rg_head *h = *rg__hcell(g, slot);
	cr_assert_eq(h->adj[RG_OUT].len, 100, "only the survivors are stored");
	rg_span_t sp;
	cr_assert_eq(rg_span(r, 0, RG_OUT, &sp), 0);
	cr_assert_eq(sp.n, 100);
	for (uint64_t i = 0; i < sp.n; i++)
		cr_assert_eq(rg_span_prop(&sp, i), 901 + i, "survivors in order");
	rg_iter_t it;
	rg_neighbors(r, 0, RG_OUT, RG_TYPE_ANY, &it);
	uint64_t n = 0, next = 901;
	for (const rg_edge_t *e; (e = rg_iter_next(&it)); n++)
		cr_assert_eq(e->nbr, next++, "order preserved by compaction");
	cr_assert_eq(n, 100);
	rg_read_end(r);
}

struct shared_res {
	rg_read_t *parent;
	int rc;
	uint64_t version;
	int saw2;
};

static void *shared_worker(void *a)
{
	struct shared_res *s = a;
	rg_read_t *w;
	rg_reader_register(g);
	s->rc = rg_read_begin_shared(s->parent, &w);
	if (!s->rc) {
		s->version = rg_read_version(w);
		s->saw2 = rg_node_exists(w, 2);
		rg_read_end(w);
	}
	rg_reader_unregister(g);
	return NULL;
}

static void *writer_add2(void *a)
{
	rg_txn_t *tt;
	int rc = rg_txn_begin(g, &tt);
	if (!rc) {
		rg_txn_add_node(tt, 2, 0);
		rc = rg_txn_commit(tt, NULL);
	}
	*(int *)a = rc;
	return NULL;
}

Test(core, shared_section_reads_parent_snapshot)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	rg_txn_add_node(t, 1, 0);
	commit_ok(t);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	struct shared_res sres = {r, 0, 0, 1};
	pthread_t th;
	int wrc = -1;
	pthread_create(&th, NULL, writer_add2, &wrc);
	pthread_join(th, NULL);
	cr_assert_eq(wrc, 0);
	pthread_create(&th, NULL, shared_worker, &sres);
	pthread_join(th, NULL);
	cr_assert_eq(sres.rc, 0);
	cr_assert_eq(sres.version, rg_read_version(r));
	cr_assert_eq(sres.saw2, 0, "worker reads the parent's (older) snapshot");
	rg_read_end(r);
}

Test(core, stats_and_policy_name)
{
	cr_assert_str_eq(rg_policy_name(g), "rcu-memb");
	const char *const *names = rg_policy_names();
	cr_assert_not_null(names[0]);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i < 5000; i++)
		rg_txn_add_node(t, i * 7919, 0); /* forces index growth */
	commit_ok(t);
	rg_stats_t st;
	rg_stats_get(g, &st);
	cr_assert_eq(st.nodes, 5000);
	cr_assert_eq(st.node_slots, 5000);
	cr_assert_eq(st.commits, 1);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	for (uint64_t i = 0; i < 5000; i++)
		cr_assert(rg_node_exists(r, i * 7919));
	cr_assert_not(rg_node_exists(r, 1));
	rg_read_end(r);
}

Test(core, add_edges_batch_is_all_or_nothing)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i < 100; i++)
		rg_txn_add_node(t, i, 0);
	rg_edge_in_t e[300];
	for (int i = 0; i < 300; i++)
		e[i] = (rg_edge_in_t){(uint64_t)i % 100, (uint64_t)(i * 7) % 100, (uint64_t)i, (uint32_t)i % 3};
	size_t at = 77;
	cr_assert_eq(rg_txn_add_edges(t, e, 300, &at), 0);
	cr_assert_eq(at, 77, "untouched on success");
	e[250].dst = 5000; /* missing endpoint */
	cr_assert_eq(rg_txn_add_edges(t, e, 300, &at), RG_ENOENT);
	cr_assert_eq(at, 250);
	cr_assert_eq(rg_txn_add_edges(t, NULL, 0, NULL), 0);
	cr_assert_eq(rg_txn_add_edges(t, NULL, 3, NULL), RG_EINVAL);
	cr_assert_eq(rg_txn_add_edges(NULL, e, 3, NULL), RG_EINVAL);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_edge_count(r), 300, "the failed batch added nothing");
	/* same adjacency, in order, as 300 single calls would give */
	uint64_t k = 0;
	for (uint64_t src = 0; src < 100; src++) {
		rg_iter_t it;
		rg_neighbors(r, src, RG_OUT, RG_TYPE_ANY, &it);
		uint64_t i = src;
		for (const rg_edge_t *x; (x = rg_iter_next(&it)); i += 100, k++)
			cr_assert(x->nbr == (i * 7) % 100 && x->prop == i && x->type == i % 3);
	}
	cr_assert_eq(k, 300);
	rg_read_end(r);
}
