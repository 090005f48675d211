/* test_pack.c - rg_pack() and the id fast path: every query answers the
 * same before and after a pack, writes after a pack behave as before,
 * open sections keep their snapshot across packs and writes, under every
 * policy, on durable graphs across a restart; and graphs whose ids are
 * their slots ("dense") stay correct when a sparse id arrives. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rcugraph/load.h>
#include <rcugraph/rcugraph.h>
#include "graph_internal.h"
#include "testdump.h"
#include "testutil.h"

/* ---- a random graph with everything a pack must carry over ---- */

#define N 300
static const uint64_t sparse[] = {1000003, UINT64_C(1) << 40, UINT64_MAX - 1};

static void build(rg_graph_t *g, uint64_t seed)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i < N; i++)
		cr_assert_eq(rg_txn_add_node(t, i, (uint32_t)(i * 7)), 0);
	for (size_t k = 0; k < sizeof sparse / sizeof *sparse; k++)
		cr_assert_eq(rg_txn_add_node(t, sparse[k], 5), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	for (int round = 0; round < 4; round++) {
		cr_assert_eq(rg_txn_begin(g, &t), 0);
		for (int k = 0; k < 1500; k++) {
			uint64_t a = rg_rand(&seed) % N, b = rg_rand(&seed) % N;
			if (k % 50 == 0)
				b = sparse[k / 50 % 3];
			/* a hub, parallel edges, self loops, two types */
			if (k % 5 == 0)
				a = 7;
			cr_assert_eq(rg_txn_add_edge(t, a, b, (uint32_t)(k & 1), rg_rand(&seed)), 0);
		}
		cr_assert_eq(rg_txn_commit(t, NULL), 0);
	}
	/* deletions: edges (some arrays keep dead entries), and nodes */
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (int k = 0; k < 400; k++) {
		int rc = rg_txn_del_edge(t, rg_rand(&seed) % N, rg_rand(&seed) % N, RG_TYPE_ANY);
		cr_assert(rc == 0 || rc == RG_ENOENT);
	}
	cr_assert_eq(rg_txn_del_node(t, 11), 0);
	cr_assert_eq(rg_txn_del_node(t, 12), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
}

static rg_graph_t *open_pol(const char *policy)
{
	rg_graph_t *g;
	rg_options_t o;
	rg_options_init(&o);
	o.sync = policy;
	cr_assert_eq(rg_open(&g, &o), 0, "open %s", policy);
	return g;
}

/* ---------------------------------------------------------------- */

/* The packed graph under `policy` answers as the same graph unpacked
 * under rcu-memb (a separate reference: nosync cannot be read, then
 * packed, since its first reader freezes it). */
static void same_answers(const char *policy)
{
	rg_graph_t *ref = open_pol("rcu-memb"), *g = open_pol(policy);
	build(ref, 1);
	build(g, 1);
	struct dump before = {0}, after = {0}, again = {0};
	cr_assert_eq(rg_reader_register(ref), 0);
	dump_now(ref, N + 2, sparse, 3, &before);
	cr_assert_eq(rg_reader_unregister(ref), 0);
	rg_close(ref);
	cr_assert_eq(rg_pack(g), 0, "%s", policy);
	rg_stats_t st;
	rg_stats_get(g, &st);
	cr_assert_eq(st.packs, 1);
	cr_assert_eq(st.pack_clean_nodes, N - 2 + 3, "every live node starts clean");
	cr_assert_gt(st.pack_bytes, (N * 5 * 2) * sizeof(rg_edge_t));
	cr_assert_eq(rg_reader_register(g), 0);
	dump_now(g, N + 2, sparse, 3, &after);
	dump_eq(&before, &after, policy);
	cr_assert_eq(rg_reader_unregister(g), 0);
	if (strcmp(policy, "nosync") != 0) {
		/* a second pack rebuilds from the first: same answers again */
		cr_assert_eq(rg_pack(g), 0);
		cr_assert_eq(rg_reader_register(g), 0);
		dump_now(g, N + 2, sparse, 3, &again);
		dump_eq(&before, &again, policy);
		cr_assert_eq(rg_reader_unregister(g), 0);
	}
	free(before.v);
	free(after.v);
	free(again.v);
	rg_close(g);
}

Test(pack, same_answers_rcu_memb) { same_answers("rcu-memb"); }
Test(pack, same_answers_nosync_packed_before_sharing) { same_answers("nosync"); }

/* every policy, lru-rwlock included (its neighbour queries go through its
 * cache, degrees through the pack) */
Test(pack, same_answers_every_policy)
{
	for (const char *const *p = rg_policy_names(); *p; p++)
		same_answers(*p);
}

/* A live node of build(): 11 and 12 were deleted. */
static uint64_t live_id(uint64_t *seed)
{
	uint64_t x = rg_rand(seed) % N;
	return x == 11 || x == 12 ? 13 : x;
}

/* Writes after a pack: the same operations on a packed and an unpacked
 * graph give the same answers; only touched nodes leave the fast path. */
Test(pack, writes_after_pack_match_unpacked)
{
	rg_graph_t *a = open_pol("rcu-memb"), *b = open_pol("rcu-memb");
	build(a, 2);
	build(b, 2);
	cr_assert_eq(rg_pack(a), 0);
	uint64_t seed = 3;
	for (int round = 0; round < 6; round++) {
		uint64_t s0 = seed;
		rg_graph_t *gs[2] = {a, b};
		for (int w = 0; w < 2; w++) {
			seed = s0;
			rg_txn_t *t;
			cr_assert_eq(rg_txn_begin(gs[w], &t), 0);
			/* appends to packed nodes (a slice of the pack is full:
			 * the first append moves it out), the hub included */
			for (int k = 0; k < 40; k++)
				cr_assert_eq(rg_txn_add_edge(t, live_id(&seed), k % 3 ? 7 : live_id(&seed), 1,
							     (uint64_t)k),
					     0);
			/* deletions inside packed arrays (del marks in the pack) */
			for (int k = 0; k < 30; k++) {
				int rc = rg_txn_del_edge(t, rg_rand(&seed) % N, rg_rand(&seed) % N, RG_TYPE_ANY);
				cr_assert(rc == 0 || rc == RG_ENOENT);
			}
			uint64_t victim = 20 + (uint64_t)round;
			cr_assert_eq(rg_txn_del_node(t, victim), 0);
			cr_assert_eq(rg_txn_add_node(t, victim, 99), 0); /* re-added, no edges */
			/* a node beyond the pack's slots */
			cr_assert_eq(rg_txn_add_node(t, 5000 + (uint64_t)round, 1), 0);
			cr_assert_eq(rg_txn_add_edge(t, 5000 + (uint64_t)round, 3, 1, 0), 0);
			cr_assert_eq(rg_txn_commit(t, NULL), 0);
		}
		uint64_t extra[3 + 6];
		memcpy(extra, sparse, sizeof sparse);
		for (int k = 0; k < 6; k++)
			extra[3 + k] = 5000 + (uint64_t)k;
		struct dump da = {0}, db = {0};
		cr_assert_eq(rg_reader_register(a), 0);
		cr_assert_eq(rg_reader_register(b), 0);
		dump_now(a, N + 2, extra, 9, &da);
		dump_now(b, N + 2, extra, 9, &db);
		dump_eq(&da, &db, "packed vs unpacked after writes");
		cr_assert_eq(rg_reader_unregister(a), 0);
		cr_assert_eq(rg_reader_unregister(b), 0);
		free(da.v);
		free(db.v);
	}
	rg_stats_t st;
	rg_stats_get(a, &st);
	cr_assert_gt(st.pack_clean_nodes, 0);
	cr_assert_lt(st.pack_clean_nodes, N - 2 + 3, "touched nodes left the fast path");
	rg_close(a);
	rg_close(b);
}

/* ---- open sections keep their snapshot across a pack and writes ---- */

static rg_graph_t *sg;

static void *pack_then_write(void *arg)
{
	int *rc = arg;
	*rc = rg_pack(sg);
	rg_txn_t *t;
	if (!*rc)
		*rc = rg_txn_begin(sg, &t);
	if (!*rc) {
		*rc = rg_txn_add_edge(t, 1, 2, 1, 777);
		if (!*rc)
			*rc = rg_txn_del_node(t, 3);
		*rc = *rc ? (rg_txn_abort(t), *rc) : rg_txn_commit(t, NULL);
	}
	if (!*rc)
		*rc = rg_pack(sg); /* retires the first pack while our section may hold it */
	return NULL;
}

Test(pack, open_section_keeps_its_snapshot)
{
	sg = open_pol("rcu-memb");
	build(sg, 4);
	cr_assert_eq(rg_pack(sg), 0);
	cr_assert_eq(rg_reader_register(sg), 0);
	struct dump before = {0}, during = {0};
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(sg, &r), 0);
	dump_section(r, N + 2, sparse, 3, &before);
	pthread_t th;
	int rc = -1;
	pthread_create(&th, NULL, pack_then_write, &rc);
	/* rcu-memb: the writer's commits do not wait for us (reclamation is
	 * deferred), so they all happen while this section is open */
	pthread_join(th, NULL);
	cr_assert_eq(rc, 0);
	dump_section(r, N + 2, sparse, 3, &during);
	dump_eq(&before, &during, "section open across pack + writes + pack");
	cr_assert_eq(rg_read_end(r), 0);
	cr_assert_eq(rg_read_begin(sg, &r), 0);
	cr_assert_not(rg_node_exists(r, 3));
	rg_iter_t it;
	uint64_t seen = 0;
	cr_assert_eq(rg_neighbors(r, 1, RG_OUT, 1, &it), 0);
	for (const rg_edge_t *e; (e = rg_iter_next(&it));)
		seen += e->nbr == 2 && e->prop == 777;
	cr_assert_eq(seen, 1);
	cr_assert_eq(rg_read_end(r), 0);
	cr_assert_eq(rg_reader_unregister(sg), 0);
	free(before.v);
	free(during.v);
	rg_close(sg);
}

/* ---- contract and error paths ---- */

Test(pack, errors_and_empty_graph)
{
	cr_assert_eq(rg_pack(NULL), RG_EINVAL);
	rg_graph_t *g = open_pol("rcu-memb");
	rg_stats_t st;
	cr_assert_eq(rg_pack(g), 0, "nothing to pack is not an error");
	rg_stats_get(g, &st);
	cr_assert_eq(st.packs, 0);
	cr_assert_eq(st.version, 0, "and consumes no version");
	build(g, 5);
	cr_assert_eq(rg_reader_register(g), 0);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_pack(g), RG_EBUSY, "not inside a read section");
	rg_read_end(r);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);

	g = open_pol("nosync");
	build(g, 5);
	cr_assert_eq(rg_reader_register(g), 0);
	cr_assert_eq(rg_pack(g), RG_EPOLICY, "nosync is frozen once shared");
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

/* The pack is logged as an empty transaction: the log's version chain
 * stays whole, and a reopened graph answers as before. */
Test(pack, durable_graph_survives_restart)
{
	char dir[] = "/tmp/rg_pack_XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	rg_graph_t *g;
	cr_assert_eq(rg_test_open_dir(&g, dir, RG_DURABILITY_COMMIT), 0);
	build(g, 6);
	cr_assert_eq(rg_pack(g), 0);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_edge(t, 4, 5, 1, 42), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	struct dump before = {0}, after = {0};
	cr_assert_eq(rg_reader_register(g), 0);
	dump_now(g, N + 2, sparse, 3, &before);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_stats_t st;
	rg_stats_get(g, &st);
	uint64_t version = st.version;
	rg_close(g);
	cr_assert_eq(rg_test_open_dir(&g, dir, RG_DURABILITY_COMMIT), 0);
	rg_stats_get(g, &st);
	cr_assert_eq(st.version, version, "recovery replays the pack's (empty) version too");
	cr_assert_eq(rg_reader_register(g), 0);
	dump_now(g, N + 2, sparse, 3, &after);
	cr_assert_eq(rg_reader_unregister(g), 0);
	dump_eq(&before, &after, "after restart");
	free(before.v);
	free(after.v);
	rg_close(g);
	cr_assert_eq(rg_test_rm_rf(dir), 0);
}

/* ---- dense ids: slot == id lookups, and the switch to the index ---- */

static rg_graph_t *dg;

static void *add_sparse(void *arg)
{
	int *rc = arg;
	rg_txn_t *t;
	*rc = rg_txn_begin(dg, &t);
	if (!*rc) {
		*rc = rg_txn_add_node(t, UINT64_C(1) << 40, 3);
		if (!*rc)
			*rc = rg_txn_add_edge(t, UINT64_C(1) << 40, 5, 0, 0);
		*rc = *rc ? (rg_txn_abort(t), *rc) : rg_txn_commit(t, NULL);
	}
	return NULL;
}

Test(pack, dense_ids_then_a_sparse_one)
{
	dg = open_pol("rcu-memb");
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(dg, &t), 0);
	for (uint64_t i = 0; i < 100; i++)
		cr_assert_eq(rg_txn_add_node(t, i, (uint32_t)i), 0);
	cr_assert_eq(rg_txn_add_edge(t, 1, 5, 0, 0), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	cr_assert(dg->dense, "ids 0..99 added in order: slot == id");
	cr_assert_eq(rg_reader_register(dg), 0);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(dg, &r), 0);
	cr_assert(r->dense);
	pthread_t th;
	int rc = -1;
	pthread_create(&th, NULL, add_sparse, &rc);
	pthread_join(th, NULL);
	cr_assert_eq(rc, 0);
	cr_assert_not(dg->dense, "a sparse id switches the writer to the index");
	/* the open (dense) section: 2^40 is beyond its slots, so absent */
	cr_assert_not(rg_node_exists(r, UINT64_C(1) << 40));
	cr_assert(rg_node_exists(r, 99));
	cr_assert_not(rg_node_exists(r, 100));
	uint64_t d;
	cr_assert_eq(rg_degree(r, 5, RG_IN, &d), 0);
	cr_assert_eq(d, 1);
	rg_read_end(r);
	cr_assert_eq(rg_read_begin(dg, &r), 0);
	cr_assert_not(r->dense);
	cr_assert(rg_node_exists(r, UINT64_C(1) << 40));
	cr_assert(rg_node_exists(r, 99));
	cr_assert_not(rg_node_exists(r, 100));
	cr_assert_eq(rg_degree(r, 5, RG_IN, &d), 0);
	cr_assert_eq(d, 2);
	uint32_t label;
	cr_assert_eq(rg_node_label(r, 42, &label), 0);
	cr_assert_eq(label, 42);
	rg_read_end(r);
	cr_assert_eq(rg_reader_unregister(dg), 0);
	rg_close(dg);
}

/* Ids in any order stay dense while they are near the slot count (empty
 * slots fill the gaps); an id far out makes the graph sparse for good,
 * and every node keeps its slot and its answers across the switch. */
Test(pack, dense_with_gaps_then_sparse)
{
	rg_graph_t *g = open_pol("rcu-memb");
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, 1, 0), 0); /* slot 1, slot 0 empty */
	cr_assert_eq(rg_txn_add_node(t, 0, 0), 0); /* slot 0 */
	cr_assert_eq(rg_txn_add_node(t, 9, 0), 0); /* slots 2..8 empty */
	cr_assert_eq(rg_txn_add_edge(t, 0, 1, 0, 0), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	cr_assert(g->dense);
	cr_assert_eq(g->nslots, 10);
	cr_assert_eq(rg_pack(g), 0);
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, UINT64_C(1) << 40, 7), 0); /* far out: sparse */
	cr_assert_eq(rg_txn_add_edge(t, UINT64_C(1) << 40, 9, 2, 5), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	cr_assert_not(g->dense);
	cr_assert_eq(rg_reader_register(g), 0);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	uint64_t s, d;
	cr_assert_eq(rg_node_slot(r, 0, &s), 0);
	cr_assert_eq(s, 0);
	cr_assert_eq(rg_node_slot(r, 9, &s), 0);
	cr_assert_eq(s, 9, "slots never move");
	cr_assert_eq(rg_node_slot(r, UINT64_C(1) << 40, &s), 0);
	cr_assert_eq(s, 10, "the next free slot");
	cr_assert_eq(rg_node_slot(r, 5, &s), RG_ENOENT, "an empty slot is no node");
	cr_assert_eq(rg_degree(r, 0, RG_OUT, &d), 0);
	cr_assert_eq(d, 1);
	rg_span_t sp;
	cr_assert_eq(rg_span(r, 9, RG_IN, &sp), 0);
	cr_assert_eq(sp.n, 1);
	cr_assert_eq(rg_span_id(&sp, 0), UINT64_C(1) << 40, "the neighbour's id, not its slot");
	cr_assert_eq(sp.slots[0], 10);
	cr_assert_eq(rg_span_type(&sp, 0), 2);
	cr_assert_eq(rg_span_prop(&sp, 0), 5);
	cr_assert_eq(rg_span(r, 1, RG_IN, &sp), 0);
	cr_assert_eq(sp.n, 1);
	cr_assert_eq(rg_span_id(&sp, 0), 0);
	cr_assert_null(sp.ids, "a packed dense adjacency stores no ids");
	rg_read_end(r);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

/* The loader creates nodes in ascending id order: a 0..n-1 data set is
 * dense whatever order its lines come in. */
Test(pack, loader_makes_dense_ids_dense)
{
	rg_edgelist_t el = {0};
	char err[256];
	cr_assert_eq(rg_gen_from_spec("uniform:n=500,deg=4,seed=9", &el, err, sizeof err), 0, "%s", err);
	rg_graph_t *g = open_pol("rcu-memb");
	cr_assert_eq(rg_edgelist_insert(g, &el, 0, 0, NULL), 0);
	cr_assert(g->dense);
	rg_edgelist_free(&el);
	rg_close(g);
}
