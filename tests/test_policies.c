/*
 * test_policies.c - one conformance suite run against EVERY synchronisation
 * policy (Criterion parameterised tests over rg_policy_names()).
 *
 * The suite is a representative subset of tests/test_core.c: nodes and
 * edges added and deleted, snapshot isolation across a concurrent commit,
 * abort, compaction, shared sections, retry loops (ck-seqlock), garbage
 * bounded by gc_limit (qsbr readers report quiescent states), plus each
 * policy's own rule: nosync refuses transactions once shared, lru-rwlock's
 * cache keeps evicted lists alive until the section ends.
 *
 * nosync: a graph can be written only before its first reader registers,
 * so every test does its writes first and reads afterwards; tests that
 * need a writer concurrent with readers skip nosync.
 *
 * Workers record; assertions run after pthread_join.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rcugraph/rcugraph.h>
#include "testutil.h"

struct polp {
	char name[24];
};

/* Every policy the build offers (from the library itself, so a new
 * policy is tested without editing this file). */
static struct polp *all_policies(size_t *n)
{
	static struct polp p[64];
	size_t k = 0;
	for (const char *const *s = rg_policy_names(); *s && k < 64; s++, k++)
		snprintf(p[k].name, sizeof p[k].name, "%s", *s);
	*n = k;
	return p;
}

#define ALL_POLICIES(suite, test)                                         \
	ParameterizedTestParameters(suite, test)                          \
	{                                                                 \
		size_t n;                                                 \
		struct polp *p = all_policies(&n);                        \
		return cr_make_param_array(struct polp, p, n);            \
	}

static int is_nosync(const char *p) { return strcmp(p, "nosync") == 0; }

/* Policies whose readers never block the writer: a commit completes while
 * a section is open. Under every lock policy it waits for the section. */
static int nonblocking(const char *p)
{
	return strncmp(p, "rcu-", 4) == 0 || strcmp(p, "ck-epoch") == 0 ||
	       strcmp(p, "ck-seqlock") == 0;
}

/* Reclamation deferred past the commit (grace period / epoch). */
static int deferred(const char *p) { return nonblocking(p); }

static rg_graph_t *open_pol(const char *pol, size_t gc_limit)
{
	rg_options_t o;
	rg_options_init(&o);
	o.sync = pol;
	o.gc_limit_bytes = gc_limit;
	rg_graph_t *g = NULL;
	cr_assert_eq(rg_open(&g, &o), 0, "open %s", pol);
	cr_assert_str_eq(rg_policy_name(g), pol);
	return g;
}

static void commit_ok(rg_txn_t *t)
{
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
}

/* Begins a section, retrying never needed at begin. */
static rg_read_t *rbegin(rg_graph_t *g)
{
	rg_read_t *r = NULL;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	return r;
}

/* Ends a section that ran with no concurrent writer: always 0. */
static void rend(rg_read_t *r)
{
	cr_assert_eq(rg_read_end(r), 0);
}

static uint64_t count_iter(rg_read_t *r, uint64_t id, rg_dir_t d, uint32_t type)
{
	rg_iter_t it;
	if (rg_neighbors(r, id, d, type, &it))
		return UINT64_MAX;
	uint64_t n = 0;
	while (rg_iter_next(&it))
		n++;
	return n;
}

/* ---------------------------------------------------------------- */

Test(policies, table_names_and_default)
{
	const char *need[] = {"nosync",    "mutex",     "rwlock",     "rwlock-wp", "ck-rwlock",
			      "ck-brlock", "ck-pflock", "ck-seqlock", "rcu-memb",  "rcu-qsbr",
			      "rcu-bp",    "rcu-mb",    "ck-epoch",   "lru-rwlock"};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
		int found = 0;
		for (const char *const *s = rg_policy_names(); *s; s++)
			found += strcmp(*s, need[i]) == 0;
		cr_assert_eq(found, 1, "policy %s listed once", need[i]);
		rg_graph_t *g = open_pol(need[i], 0);
		rg_close(g);
	}
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_str_eq(rg_policy_name(g), "rcu-memb", "the default");
	rg_close(g);
	rg_options_t o;
	rg_options_init(&o);
	o.sync = "no-such-policy";
	g = (rg_graph_t *)1;
	cr_assert_eq(rg_open(&g, &o), RG_EPOLICY);
	cr_assert_null(g);
}

/* ---------------------------------------------------------------- */

ALL_POLICIES(policies, add_del_nodes_and_edges)
ParameterizedTest(struct polp *p, policies, add_del_nodes_and_edges)
{
	rg_graph_t *g = open_pol(p->name, 0);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 1; i <= 5; i++)
		cr_assert_eq(rg_txn_add_node(t, i * 1000003, (uint32_t)i), 0);
	cr_assert_eq(rg_txn_add_node(t, 1000003, 0), RG_EEXIST);
	cr_assert_eq(rg_txn_add_edge(t, 1000003, 2000006, 1, 11), 0);
	cr_assert_eq(rg_txn_add_edge(t, 1000003, 2000006, 2, 12), 0); /* parallel, other type */
	cr_assert_eq(rg_txn_add_edge(t, 1000003, 3000009, 1, 13), 0);
	cr_assert_eq(rg_txn_add_edge(t, 4000012, 1000003, 1, 14), 0);
	cr_assert_eq(rg_txn_add_edge(t, 1000003, 77, 1, 0), RG_ENOENT);
	uint64_t v = 0;
	cr_assert_eq(rg_txn_commit(t, &v), 0);
	cr_assert_eq(v, 1);
	if (!is_nosync(p->name)) {
		/* a second transaction: deletions */
		cr_assert_eq(rg_txn_begin(g, &t), 0);
		cr_assert_eq(rg_txn_del_edge(t, 1000003, 2000006, 2), 0);
		cr_assert_eq(rg_txn_del_edge(t, 1000003, 2000006, 2), RG_ENOENT);
		cr_assert_eq(rg_txn_del_node(t, 5000015), 0);
		cr_assert_eq(rg_txn_commit(t, &v), 0);
		cr_assert_eq(v, 2);
	}
	cr_assert_eq(rg_reader_register(g), 0);
	rg_read_t *r = rbegin(g);
	int ns = is_nosync(p->name);
	cr_assert_eq(rg_read_version(r), ns ? 1 : 2);
	cr_assert_eq(rg_node_count(r), ns ? 5 : 4);
	cr_assert_eq(rg_edge_count(r), ns ? 4 : 3);
	uint32_t l;
	cr_assert_eq(rg_node_label(r, 3000009, &l), 0);
	cr_assert_eq(l, 3);
	cr_assert_eq(rg_node_label(r, 42, &l), RG_ENOENT);
	cr_assert_eq(rg_node_exists(r, 5000015), ns);
	uint64_t d;
	cr_assert_eq(rg_degree(r, 1000003, RG_OUT, &d), 0);
	cr_assert_eq(d, ns ? 3 : 2);
	cr_assert_eq(rg_degree(r, 1000003, RG_IN, &d), 0);
	cr_assert_eq(d, 1);
	cr_assert_eq(count_iter(r, 1000003, RG_OUT, RG_TYPE_ANY), ns ? 3 : 2);
	cr_assert_eq(count_iter(r, 1000003, RG_OUT, 1), 2);
	cr_assert_eq(count_iter(r, 1000003, RG_OUT, 2), ns ? 1 : 0);
	cr_assert_eq(count_iter(r, 2000006, RG_IN, RG_TYPE_ANY), ns ? 2 : 1);
	/* the same query twice in one section (lru-rwlock: a cache hit) */
	cr_assert_eq(count_iter(r, 1000003, RG_OUT, RG_TYPE_ANY), ns ? 3 : 2);
	rg_iter_t it;
	cr_assert_eq(rg_neighbors(r, 4000012, RG_OUT, RG_TYPE_ANY, &it), 0);
	const rg_edge_t *e = rg_iter_next(&it);
	cr_assert_not_null(e);
	cr_assert_eq(e->nbr, 1000003);
	cr_assert_eq(e->prop, 14);
	uint64_t slot, id;
	cr_assert_eq(rg_node_slot(r, 1000003, &slot), 0);
	cr_assert_eq(rg_node_at(r, slot, &id, &l), 0);
	cr_assert_eq(id, 1000003);
	cr_assert_eq(rg_neighbors_at(r, slot, RG_OUT, 1, &it), 0);
	cr_assert_not_null(rg_iter_next(&it));
	cr_assert_eq(rg_read_begin(g, &r), RG_EBUSY, "one section per thread");
	rg_txn_t *t2;
	cr_assert_eq(rg_txn_begin(g, &t2), RG_EBUSY, "no transaction inside a section");
	rend(r);
	cr_assert_eq(rg_read_end(r), RG_ESTATE);
	if (!ns) {
		/* re-add a deleted node, with an edge, while registered */
		cr_assert_eq(rg_txn_begin(g, &t), 0);
		cr_assert_eq(rg_txn_add_node(t, 5000015, 9), 0);
		cr_assert_eq(rg_txn_add_edge(t, 5000015, 1000003, 3, 0), 0);
		commit_ok(t);
		r = rbegin(g);
		cr_assert_eq(rg_node_label(r, 5000015, &l), 0);
		cr_assert_eq(l, 9);
		cr_assert_eq(count_iter(r, 1000003, RG_IN, RG_TYPE_ANY), 2);
		cr_assert_eq(count_iter(r, 5000015, RG_OUT, 3), 1);
		rend(r);
	}
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

/* ---------------------------------------------------------------- */

static void *unregistered_reader(void *arg)
{
	rg_graph_t *g = *(rg_graph_t **)arg;
	rg_read_t *r;
	int rc = rg_read_begin(g, &r);
	if (rc == 0)
		rg_read_end(r);
	*(int *)((rg_graph_t **)arg + 1) = rc;
	return NULL;
}

ALL_POLICIES(policies, registration_rules)
ParameterizedTest(struct polp *p, policies, registration_rules)
{
	rg_graph_t *g = open_pol(p->name, 0);
	struct {
		rg_graph_t *g;
		int rc;
	} a = {g, 1};
	pthread_t th;
	pthread_create(&th, NULL, unregistered_reader, &a);
	pthread_join(th, NULL);
	/* nosync does no tracking at all on the read path (docs/policies.md) */
	cr_assert_eq(a.rc, is_nosync(p->name) ? 0 : RG_ESTATE);
	cr_assert_eq(rg_reader_register(g), 0);
	cr_assert_eq(rg_reader_register(g), 0, "registration is counted");
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_read_t *r = rbegin(g);
	cr_assert_eq(rg_reader_unregister(g), RG_EBUSY, "not inside a section");
	rend(r);
	rg_reader_quiescent(g);
	cr_assert_eq(rg_reader_unregister(g), 0);
	if (!is_nosync(p->name)) {
		cr_assert_eq(rg_reader_unregister(g), RG_ESTATE);
		cr_assert_eq(rg_read_begin(g, &r), RG_ESTATE);
	}
	rg_close(g);
}

/* ---------------------------------------------------------------- */

struct wctx {
	rg_graph_t *g;
	atomic_int done;
	int rc;
};

static void *writer_move(void *arg)
{
	struct wctx *w = arg;
	rg_txn_t *t;
	int rc = rg_txn_begin(w->g, &t);
	if (!rc) {
		rg_txn_add_node(t, 2, 0);
		rg_txn_add_edge(t, 1, 2, 0, 0);
		rg_txn_del_node(t, 1);
		rc = rg_txn_commit(t, NULL);
	}
	w->rc = rc;
	atomic_store(&w->done, 1);
	return NULL;
}

ALL_POLICIES(policies, snapshot_isolation_across_a_commit)
ParameterizedTest(struct polp *p, policies, snapshot_isolation_across_a_commit)
{
	if (is_nosync(p->name))
		cr_skip_test("nosync: no writer once shared (see nosync_is_frozen_once_shared)");
	rg_graph_t *g = open_pol(p->name, 0);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, 1, 0), 0);
	cr_assert_eq(rg_txn_add_edge(t, 1, 1, 0, 0), 0);
	commit_ok(t);
	cr_assert_eq(rg_reader_register(g), 0);
	rg_read_t *r = rbegin(g);
	uint64_t v0 = rg_read_version(r);
	struct wctx w = {.g = g};
	pthread_t th;
	pthread_create(&th, NULL, writer_move, &w);
	/* non-blocking policies: the commit completes inside our section;
	 * lock policies: it waits for the section to end */
	if (nonblocking(p->name)) {
		pthread_join(th, NULL);
		cr_assert_eq(w.rc, 0);
	}
	cr_assert_eq(rg_read_version(r), v0);
	cr_assert(rg_node_exists(r, 1));
	cr_assert_not(rg_node_exists(r, 2));
	cr_assert_eq(rg_node_count(r), 1);
	cr_assert_eq(count_iter(r, 1, RG_OUT, RG_TYPE_ANY), 1);
	int rc = rg_read_end(r);
	if (strcmp(p->name, "ck-seqlock") == 0)
		cr_assert_eq(rc, RG_ERETRY, "a commit was published during the section");
	else
		cr_assert_eq(rc, 0);
	if (!nonblocking(p->name)) {
		pthread_join(th, NULL);
		cr_assert_eq(w.rc, 0);
	}
	r = rbegin(g);
	cr_assert_eq(rg_read_version(r), v0 + 1);
	cr_assert_not(rg_node_exists(r, 1));
	cr_assert(rg_node_exists(r, 2));
	cr_assert_eq(count_iter(r, 2, RG_IN, RG_TYPE_ANY), 0, "edge died with its source");
	cr_assert_eq(rg_edge_count(r), 0);
	rend(r);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

/* ---------------------------------------------------------------- */

ALL_POLICIES(policies, abort_leaves_no_trace)
ParameterizedTest(struct polp *p, policies, abort_leaves_no_trace)
{
	rg_graph_t *g = open_pol(p->name, 0);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i < 10; i++)
		cr_assert_eq(rg_txn_add_node(t, i, 0), 0);
	for (uint64_t i = 0; i < 9; i++)
		cr_assert_eq(rg_txn_add_edge(t, i, i + 1, 0, 0), 0);
	commit_ok(t);
	/* an aborted transaction that grows the id index (the old table is
	 * retired on abort: lock policies must still wait for readers), adds
	 * edges to existing nodes and deletes others */
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 100; i < 5100; i++)
		cr_assert_eq(rg_txn_add_node(t, i, 1), 0);
	for (uint64_t i = 0; i < 9; i++)
		cr_assert_eq(rg_txn_add_edge(t, i, 100 + i, 0, 0), 0);
	cr_assert_eq(rg_txn_del_edge(t, 3, 4, RG_TYPE_ANY), 0);
	cr_assert_eq(rg_txn_del_node(t, 7), 0);
	cr_assert_eq(rg_txn_abort(t), 0);
	cr_assert_eq(rg_reader_register(g), 0);
	rg_read_t *r = rbegin(g);
	cr_assert_eq(rg_read_version(r), 1);
	cr_assert_eq(rg_node_count(r), 10);
	cr_assert_eq(rg_edge_count(r), 9);
	cr_assert_not(rg_node_exists(r, 100));
	cr_assert(rg_node_exists(r, 7));
	for (uint64_t i = 0; i < 9; i++)
		cr_assert_eq(count_iter(r, i, RG_OUT, RG_TYPE_ANY), 1, "node %llu",
			     (unsigned long long)i);
	rend(r);
	if (!is_nosync(p->name)) {
		/* the same ids can be added after the abort */
		cr_assert_eq(rg_txn_begin(g, &t), 0);
		cr_assert_eq(rg_txn_add_node(t, 100, 0), 0);
		commit_ok(t);
		r = rbegin(g);
		cr_assert(rg_node_exists(r, 100));
		rend(r);
	}
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

/* ---------------------------------------------------------------- */

ALL_POLICIES(policies, compaction_after_deletions)
ParameterizedTest(struct polp *p, policies, compaction_after_deletions)
{
	rg_graph_t *g = open_pol(p->name, 0);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i <= 200; i++)
		cr_assert_eq(rg_txn_add_node(t, i, 0), 0);
	for (uint64_t i = 1; i <= 200; i++)
		cr_assert_eq(rg_txn_add_edge(t, 0, i, (uint32_t)(i % 2), i), 0);
	commit_ok(t);
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 1; i <= 180; i++)
		cr_assert_eq(rg_txn_del_edge(t, 0, i, RG_TYPE_ANY), 0);
	commit_ok(t);
	rg_stats_t st;
	rg_stats_get(g, &st);
	cr_assert_gt(st.arrays_compacted, 0);
	cr_assert_eq(rg_reader_register(g), 0);
	rg_read_t *r = rbegin(g);
	cr_assert_eq(count_iter(r, 0, RG_OUT, RG_TYPE_ANY), 20);
	cr_assert_eq(count_iter(r, 0, RG_OUT, 1), 10);
	uint64_t d, prev = 0;
	cr_assert_eq(rg_degree(r, 0, RG_OUT, &d), 0);
	cr_assert_eq(d, 20);
	rg_iter_t it;
	cr_assert_eq(rg_neighbors(r, 0, RG_OUT, RG_TYPE_ANY, &it), 0);
	for (const rg_edge_t *e; (e = rg_iter_next(&it));) {
		cr_assert_gt(e->nbr, prev, "survivors keep their order");
		cr_assert_gt(e->nbr, 180);
		prev = e->nbr;
	}
	rend(r);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

/* ---------------------------------------------------------------- */

struct shared_res {
	rg_graph_t *g;
	rg_read_t *parent;
	int rc;
	uint64_t version, deg;
	int saw2;
};

static void *shared_worker(void *a)
{
	struct shared_res *s = a;
	rg_read_t *w;
	rg_reader_register(s->g);
	s->rc = rg_read_begin_shared(s->parent, &w);
	if (!s->rc) {
		s->version = rg_read_version(w);
		s->saw2 = rg_node_exists(w, 2);
		rg_iter_t it;
		s->deg = 0;
		if (rg_neighbors(w, 1, RG_OUT, RG_TYPE_ANY, &it) == 0)
			while (rg_iter_next(&it))
				s->deg++;
		rg_read_end(w);
	}
	rg_reader_unregister(s->g);
	return NULL;
}

static void *writer_add2(void *a)
{
	struct wctx *w = a;
	rg_txn_t *t;
	int rc = rg_txn_begin(w->g, &t);
	if (!rc) {
		rg_txn_add_node(t, 2, 0);
		rg_txn_add_edge(t, 1, 2, 0, 0);
		rc = rg_txn_commit(t, NULL);
	}
	w->rc = rc;
	return NULL;
}

ALL_POLICIES(policies, shared_section_reads_parent_snapshot)
ParameterizedTest(struct polp *p, policies, shared_section_reads_parent_snapshot)
{
	rg_graph_t *g = open_pol(p->name, 0);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	rg_txn_add_node(t, 1, 0);
	rg_txn_add_edge(t, 1, 1, 0, 0);
	commit_ok(t);
	cr_assert_eq(rg_reader_register(g), 0);
	rg_read_t *r = rbegin(g);
	struct shared_res s = {.g = g, .parent = r, .saw2 = 1};
	pthread_t th, wt;
	struct wctx w = {.g = g};
	if (nonblocking(p->name)) {
		pthread_create(&wt, NULL, writer_add2, &w);
		pthread_join(wt, NULL);
		cr_assert_eq(w.rc, 0);
	}
	pthread_create(&th, NULL, shared_worker, &s);
	pthread_join(th, NULL);
	cr_assert_eq(s.rc, 0);
	cr_assert_eq(s.version, rg_read_version(r));
	cr_assert_eq(s.saw2, 0, "worker reads the parent's snapshot");
	cr_assert_eq(s.deg, 1);
	cr_assert_eq(count_iter(r, 1, RG_OUT, RG_TYPE_ANY), 1);
	int rc = rg_read_end(r);
	cr_assert(rc == 0 || (rc == RG_ERETRY && strcmp(p->name, "ck-seqlock") == 0));
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

/* ---------------------------------------------------------------- */
/* Retry loop: a reader that treats RG_ERETRY as "run it again" sees a   */
/* consistent invariant on every accepted section, under any policy.    */

struct loopctx {
	rg_graph_t *g;
	atomic_int stop;
	int commits, wrc;
};

static void *ring_writer(void *a)
{
	struct loopctx *c = a;
	/* moves the single edge of a 16-node ring: total stays 16 */
	for (int i = 0; i < 300 && !c->wrc; i++) {
		rg_txn_t *t;
		if ((c->wrc = rg_txn_begin(c->g, &t)))
			break;
		uint64_t s = (uint64_t)(i % 16);
		if ((c->wrc = rg_txn_del_edge(t, s, (s + 1) % 16, RG_TYPE_ANY)) ||
		    (c->wrc = rg_txn_add_edge(t, s, (s + 1) % 16, 0, (uint64_t)i)) ||
		    (c->wrc = rg_txn_commit(t, NULL))) {
			break;
		}
		c->commits++;
	}
	atomic_store(&c->stop, 1);
	return NULL;
}

ALL_POLICIES(policies, retry_loop_sees_consistent_sections)
ParameterizedTest(struct polp *p, policies, retry_loop_sees_consistent_sections)
{
	if (is_nosync(p->name))
		cr_skip_test("nosync: no writer once shared");
	rg_graph_t *g = open_pol(p->name, 16 << 10);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i < 16; i++)
		rg_txn_add_node(t, i, 0);
	for (uint64_t i = 0; i < 16; i++)
		rg_txn_add_edge(t, i, (i + 1) % 16, 0, 0);
	commit_ok(t);
	cr_assert_eq(rg_reader_register(g), 0);
	struct loopctx c = {.g = g};
	pthread_t th;
	pthread_create(&th, NULL, ring_writer, &c);
	uint64_t accepted = 0, retries = 0, bad = 0;
	/* this thread is a registered reader: under rcu-qsbr it reports
	 * quiescent states, or the writer (gc_limit) would wait for it */
	while (!atomic_load(&c.stop)) {
		uint64_t total, edges;
		int rc;
		do {
			rg_read_t *r = rbegin(g);
			total = 0;
			for (uint64_t i = 0; i < 16; i++)
				total += count_iter(r, i, RG_OUT, RG_TYPE_ANY);
			edges = rg_edge_count(r);
			rc = rg_read_end(r);
			if (rc == RG_ERETRY)
				retries++;
		} while (rc == RG_ERETRY);
		bad += rc != 0 || total != 16 || edges != 16;
		accepted++;
		rg_reader_quiescent(g);
	}
	pthread_join(th, NULL);
	cr_log_info("%s: %llu sections, %llu retries, %d commits", p->name,
		    (unsigned long long)accepted, (unsigned long long)retries, c.commits);
	cr_assert_eq(c.wrc, 0, "writer: %s", rg_strerror(c.wrc));
	cr_assert_eq(c.commits, 300);
	cr_assert_eq(bad, 0);
	if (strcmp(p->name, "ck-seqlock") != 0)
		cr_assert_eq(retries, 0, "only optimistic policies ask for a retry");
	rg_stats_t st;
	rg_stats_get(g, &st);
	if (!deferred(p->name))
		cr_assert_eq(st.gc_pending_bytes, 0, "immediate reclamation");
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

/* ---------------------------------------------------------------- */

static void *register_in_thread(void *a)
{
	rg_graph_t *g = *(rg_graph_t **)a;
	int rc = rg_reader_register(g);
	if (rc == 0)
		rc = rg_reader_unregister(g);
	*(int *)((rg_graph_t **)a + 1) = rc;
	return NULL;
}

Test(policies, nosync_is_frozen_once_shared)
{
	rg_graph_t *g = open_pol("nosync", 0);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, 1, 0), 0);
	/* a reader registering while a transaction is open waits for it */
	struct {
		rg_graph_t *g;
		int rc;
	} a = {g, 1};
	pthread_t th;
	pthread_create(&th, NULL, register_in_thread, &a);
	commit_ok(t);
	pthread_join(th, NULL);
	cr_assert_eq(a.rc, 0);
	cr_assert_eq(rg_txn_begin(g, &t), RG_EPOLICY);
	cr_assert_eq(rg_reader_register(g), 0);
	cr_assert_eq(rg_txn_begin(g, &t), RG_EPOLICY);
	rg_read_t *r = rbegin(g);
	cr_assert(rg_node_exists(r, 1));
	rend(r);
	cr_assert_eq(rg_reader_unregister(g), 0);
	cr_assert_eq(rg_txn_begin(g, &t), RG_EPOLICY, "stays frozen after readers leave");
	rg_close(g);
}

/* lru-rwlock: a list evicted from the cache during a section stays valid
 * until the section ends (ASan would report the use after free), and a
 * cached list is never served for a changed node. */
Test(policies, lru_eviction_and_staleness)
{
	setenv("RG_LRU_CAPACITY", "4", 1);
	rg_graph_t *g = open_pol("lru-rwlock", 0);
	unsetenv("RG_LRU_CAPACITY");
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i < 32; i++)
		rg_txn_add_node(t, i, 0);
	for (uint64_t i = 0; i < 32; i++)
		for (uint64_t k = 1; k <= 3; k++)
			rg_txn_add_edge(t, i, (i + k) % 32, 0, i * 10 + k);
	commit_ok(t);
	cr_assert_eq(rg_reader_register(g), 0);
	rg_read_t *r = rbegin(g);
	rg_iter_t first;
	cr_assert_eq(rg_neighbors(r, 0, RG_OUT, RG_TYPE_ANY, &first), 0);
	for (int round = 0; round < 3; round++)
		for (uint64_t i = 1; i < 32; i++)
			cr_assert_eq(count_iter(r, i, RG_OUT, RG_TYPE_ANY), 3);
	uint64_t n = 0;
	for (const rg_edge_t *e; (e = rg_iter_next(&first));)
		cr_assert_eq(e->prop, ++n, "evicted list still readable");
	cr_assert_eq(n, 3);
	rend(r);
	/* cache node 5, change it, read again */
	r = rbegin(g);
	cr_assert_eq(count_iter(r, 5, RG_OUT, RG_TYPE_ANY), 3);
	rend(r);
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_edge(t, 5, 0, 1, 0), 0);
	commit_ok(t);
	r = rbegin(g);
	cr_assert_eq(count_iter(r, 5, RG_OUT, RG_TYPE_ANY), 4);
	cr_assert_eq(count_iter(r, 5, RG_OUT, 1), 1);
	rend(r);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

/* ck-brlock keeps one reader record per (thread, graph): two graphs, one
 * thread, interleaved sections. */
Test(policies, per_graph_reader_records)
{
	const char *pols[] = {"ck-brlock", "ck-epoch", "ck-seqlock"};
	for (size_t k = 0; k < 3; k++) {
		rg_graph_t *a = open_pol(pols[k], 0), *b = open_pol(pols[k], 0);
		cr_assert_eq(rg_reader_register(a), 0);
		cr_assert_eq(rg_reader_register(b), 0);
		for (int i = 0; i < 3; i++) {
			rg_read_t *r = rbegin(i % 2 ? a : b);
			rend(r);
		}
		cr_assert_eq(rg_reader_unregister(a), 0);
		/* b still works, a refuses */
		rg_read_t *r;
		cr_assert_eq(rg_read_begin(a, &r), RG_ESTATE);
		r = rbegin(b);
		rend(r);
		/* a commit on b with the writer record (epochs) */
		rg_txn_t *t;
		cr_assert_eq(rg_txn_begin(b, &t), 0);
		cr_assert_eq(rg_txn_add_node(t, 1, 0), 0);
		commit_ok(t);
		cr_assert_eq(rg_reader_unregister(b), 0);
		/* registering again recycles the record */
		cr_assert_eq(rg_reader_register(a), 0);
		r = rbegin(a);
		rend(r);
		cr_assert_eq(rg_reader_unregister(a), 0);
		rg_close(a);
		rg_close(b);
	}
}
