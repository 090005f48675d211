/*
 * test_inline.c - the opt-in inline read path (<rcugraph/inline.h>): same
 * answers as the exported functions, the same contract (policy, registration,
 * one section per thread), metrics counted, and mixing both kinds of call.
 */
#include <rcugraph/inline.h> /* first: _LGPL_SOURCE before liburcu */

#include <criterion/criterion.h>

#include <rcugraph/load.h>

static rg_graph_t *open_loaded(const char *pol, int pack)
{
	rg_options_t o;
	rg_options_init(&o);
	o.sync = pol;
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, &o), 0);
	rg_edgelist_t el = {0};
	char err[128];
	cr_assert_eq(rg_gen_from_spec("rmat:scale=10,ef=8,seed=3", &el, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rg_edgelist_insert(g, &el, 0, pack ? 0 : 4096, NULL), 0);
	rg_edgelist_free(&el);
	return g;
}

static void same_spans(const char *pol, int pack)
{
	rg_graph_t *g = open_loaded(pol, pack);
	cr_assert_eq(rg_reader_register(g), 0);
	rg_read_t *r;
	int memb = strcmp(pol, "rcu-memb") == 0;
	cr_assert_eq(memb ? rg_read_begin_rcu_memb(g, &r) : rg_read_begin_nosync(g, &r), 0);
	for (uint64_t id = 0; id < rg_node_slots(r) + 5; id++)
		for (int d = 0; d < 2; d++) {
			rg_span_t a, b;
			int ra = rg_span_inline(r, id, (rg_dir_t)d, &a);
			int rb = rg_span(r, id, (rg_dir_t)d, &b);
			cr_assert_eq(ra, rb);
			cr_assert_eq(a.n, b.n);
			cr_assert_eq(a.slots, b.slots, "the same memory, no copy");
			uint64_t n;
			const uint32_t *s = rg_span_slots_inline(r, id, (rg_dir_t)d, &n);
			cr_assert_eq(n, b.n);
			cr_assert(n == 0 || s == b.slots);
			/* exported calls inside an inline section */
			uint64_t deg;
			if (rg_degree(r, id, (rg_dir_t)d, &deg) == 0)
				cr_assert_eq(deg, a.n);
		}
	cr_assert_eq(memb ? rg_read_end_rcu_memb(r) : rg_read_end_nosync(r), 0);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

Test(inline, same_spans_rcu_memb_packed) { same_spans("rcu-memb", 1); }
Test(inline, same_spans_rcu_memb_unpacked) { same_spans("rcu-memb", 0); }
Test(inline, same_spans_nosync) { same_spans("nosync", 1); }

Test(inline, contract)
{
	rg_graph_t *g = open_loaded("rwlock", 1);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin_rcu_memb(g, &r), RG_EPOLICY, "another policy");
	cr_assert_eq(rg_read_begin_nosync(g, &r), RG_EPOLICY);
	rg_close(g);
	g = open_loaded("rcu-memb", 1);
	cr_assert_eq(rg_read_begin_rcu_memb(g, &r), RG_ESTATE, "not registered");
	cr_assert_eq(rg_reader_register(g), 0);
	cr_assert_eq(rg_read_begin_rcu_memb(g, &r), 0);
	rg_read_t *r2;
	cr_assert_eq(rg_read_begin_rcu_memb(g, &r2), RG_EBUSY, "one section per thread");
	cr_assert_eq(rg_read_begin(g, &r2), RG_EBUSY);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), RG_EBUSY, "no transaction inside an inline section");
	/* begun inline, ended by the library: one state */
	cr_assert_eq(rg_read_end(r), 0);
	cr_assert_eq(rg_read_end_rcu_memb(r), RG_ESTATE, "already ended");
	/* begun by the library, ended inline */
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_read_end_rcu_memb(r), 0);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

Test(inline, sections_are_counted_in_the_metrics)
{
	rg_graph_t *g = open_loaded("rcu-memb", 1);
	rg_metrics_t *m = rg_graph_metrics(g);
	if (!m) { /* RG_METRICS=OFF build */
		rg_close(g);
		return;
	}
	cr_assert_eq(rg_reader_register(g), 0);
	uint64_t before = rg_metrics_counter(m, RG_C_READ_SECTIONS);
	uint64_t ended = rg_metrics_counter(m, RG_C_READ_SECTIONS_ENDED);
	for (int i = 0; i < 1000; i++) { /* some sampled: 1 in RG_METRICS_READ_SAMPLE */
		rg_read_t *r;
		cr_assert_eq(rg_read_begin_rcu_memb(g, &r), 0);
		cr_assert_eq(rg_read_end_rcu_memb(r), 0);
	}
	cr_assert_eq(rg_metrics_counter(m, RG_C_READ_SECTIONS), before + 1000);
	cr_assert_eq(rg_metrics_counter(m, RG_C_READ_SECTIONS_ENDED), ended + 1000);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

/* A writer commits while inline sections read: each section still sees
 * one version (its degree sums agree with its edge count). */
Test(inline, snapshots_under_a_writer)
{
	rg_graph_t *g = open_loaded("rcu-memb", 1);
	cr_assert_eq(rg_reader_register(g), 0);
	for (int k = 0; k < 50; k++) {
		rg_txn_t *t;
		cr_assert_eq(rg_txn_begin(g, &t), 0);
		for (uint64_t i = 0; i < 20; i++) {
			int rc = rg_txn_add_node(t, i, 0); /* R-MAT leaves some ids without a node */
			cr_assert(rc == 0 || rc == RG_EEXIST);
			rc = rg_txn_add_node(t, (uint64_t)k % 64, 0);
			cr_assert(rc == 0 || rc == RG_EEXIST);
			cr_assert_eq(rg_txn_add_edge(t, (uint64_t)k % 64, i, 0, 0), 0);
		}
		cr_assert_eq(rg_txn_commit(t, NULL), 0);
		rg_read_t *r;
		cr_assert_eq(rg_read_begin_rcu_memb(g, &r), 0);
		uint64_t out = 0;
		for (uint64_t id = 0; id < rg_node_slots(r); id++) {
			uint64_t n;
			rg_span_slots_inline(r, id, RG_OUT, &n);
			out += n;
		}
		cr_assert_eq(out, rg_edge_count(r));
		rg_read_end_rcu_memb(r);
	}
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}
