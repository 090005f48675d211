/*
 * test_switch.c - rg_set_policy(): one graph, every policy in turn.
 *
 * A lock study compares policies on the same physical graph; switching must
 * keep the graph (same memory, same answers) and every policy must then be
 * safe on it. The test switches through every policy of the build and, in
 * each phase, runs a short consistency stress: a writer moves edges between
 * accounts (the total stays constant) while two readers check the totals
 * in every section. Readers register for the phase and unregister after it
 * (the switch needs a quiescent graph). Workers record; asserts after join.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <rcugraph/rcugraph.h>

#include "graph_internal.h"
#include "testutil.h"

#define ACC 24
#define PER 6

struct phase {
	rg_graph_t *g;
	int frozen; /* nosync: no writer */
	double end;
	atomic_int stop, ready;
	uint64_t commits, checks[2], bad[2];
	int wrc, rrc[2];
};

static uint32_t shadow[ACC][ACC];

static void *writer(void *arg)
{
	struct phase *p = arg;
	uint64_t seed = 11;
	while (atomic_load(&p->ready) < 2)
		;
	while (!p->frozen && rg_now() < p->end) {
		rg_txn_t *t;
		if ((p->wrc = rg_txn_begin(p->g, &t)))
			break;
		uint32_t moved = 0;
		for (int m = 0; m < 3 && !p->wrc; m++) {
			uint64_t a = rg_rand(&seed) % ACC, x = rg_rand(&seed) % ACC;
			if (!shadow[a][x])
				continue;
			p->wrc = rg_txn_del_edge(t, a, x, RG_TYPE_ANY);
			moved += shadow[a][x];
			shadow[a][x] = 0;
		}
		for (uint32_t k = 0; k < moved && !p->wrc; k++) {
			uint64_t b = rg_rand(&seed) % ACC, y = rg_rand(&seed) % ACC;
			p->wrc = rg_txn_add_edge(t, b, y, 0, 0);
			shadow[b][y]++;
		}
		if (p->wrc || (p->wrc = rg_txn_commit(t, NULL)))
			break;
		p->commits++;
	}
	atomic_store(&p->stop, 1);
	return NULL;
}

struct rarg {
	struct phase *p;
	int i;
};

static void *reader(void *arg)
{
	struct rarg *a = arg;
	struct phase *p = a->p;
	if ((p->rrc[a->i] = rg_reader_register(p->g)))
		return NULL;
	atomic_fetch_add(&p->ready, 1);
	while (!atomic_load(&p->stop)) {
		rg_read_t *r;
		if ((p->rrc[a->i] = rg_read_begin(p->g, &r)))
			break;
		uint64_t out = 0, in = 0;
		for (uint64_t id = 0; id < ACC; id++) {
			rg_span_t sp;
			if (rg_span(r, id, RG_OUT, &sp) == 0)
				out += sp.n;
			if (rg_span(r, id, RG_IN, &sp) == 0)
				in += sp.n;
		}
		int bad = out != ACC * PER || in != ACC * PER || rg_edge_count(r) != ACC * PER;
		int rc = rg_read_end(r);
		rg_reader_quiescent(p->g);
		if (rc == RG_ERETRY)
			continue;
		p->checks[a->i]++;
		p->bad[a->i] += bad;
	}
	rg_reader_unregister(p->g);
	return NULL;
}

Test(switch, every_policy_in_turn_on_one_graph, .timeout = 120)
{
	rg_options_t o;
	rg_options_init(&o);
	o.sync = "mutex";
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, &o), 0);
	rg_txn_t *t;
	uint64_t seed = 5;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i < ACC; i++)
		cr_assert_eq(rg_txn_add_node(t, i, 0), 0);
	for (uint64_t i = 0; i < ACC; i++)
		for (int k = 0; k < PER; k++) {
			uint64_t x = rg_rand(&seed) % ACC;
			cr_assert_eq(rg_txn_add_edge(t, i, x, 0, 0), 0);
			shadow[i][x]++;
		}
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	cr_assert_eq(rg_pack(g), 0);
	double secs = rg_stress_seconds(0.15);
	int phases = 0;
	/* twice through the list: every policy follows some other one */
	for (int round = 0; round < 2; round++)
		for (const char *const *pol = rg_policy_names(); *pol; pol++, phases++) {
			cr_assert_eq(rg_set_policy(g, *pol), 0, "switch to %s", *pol);
			cr_assert_str_eq(rg_policy_name(g), *pol);
			struct phase p;
			memset(&p, 0, sizeof p);
			p.g = g;
			p.frozen = strcmp(*pol, "nosync") == 0;
			p.end = rg_now() + secs;
			pthread_t w, rd[2];
			struct rarg ra[2] = {{&p, 0}, {&p, 1}};
			for (int i = 0; i < 2; i++)
				pthread_create(&rd[i], NULL, reader, &ra[i]);
			pthread_create(&w, NULL, writer, &p);
			if (p.frozen) { /* let the readers read a while */
				while (rg_now() < p.end)
					;
				atomic_store(&p.stop, 1);
			}
			pthread_join(w, NULL);
			for (int i = 0; i < 2; i++)
				pthread_join(rd[i], NULL);
			cr_assert_eq(p.wrc, 0, "%s: writer: %s", *pol, rg_strerror(p.wrc));
			for (int i = 0; i < 2; i++) {
				cr_assert_eq(p.rrc[i], 0, "%s: reader: %s", *pol, rg_strerror(p.rrc[i]));
				cr_assert_gt(p.checks[i], 0, "%s: reader %d checked", *pol, i);
				cr_assert_eq(p.bad[i], 0, "%s: %llu torn views", *pol,
					     (unsigned long long)p.bad[i]);
			}
			if (!p.frozen)
				cr_assert_gt(p.commits, 0, "%s: the writer committed", *pol);
			if (p.frozen) {
				/* nosync froze the graph; readers are gone, so a switch
				 * makes it writable again */
				cr_assert_eq(rg_txn_begin(g, &t), RG_EPOLICY);
			}
		}
	cr_assert_eq(phases, 2 * RG_POL__COUNT);
	rg_close(g);
}

/* Same memory: switching a packed graph without writes keeps the pack and
 * every node's head; nothing is copied. */
Test(switch, keeps_the_same_memory)
{
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i < 100; i++)
		cr_assert_eq(rg_txn_add_node(t, i, 0), 0);
	for (uint64_t i = 1; i < 100; i++)
		cr_assert_eq(rg_txn_add_edge(t, i - 1, i, 0, 0), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	cr_assert_eq(rg_pack(g), 0);
	const struct rg_base *b = g->base;
	const struct rg_head *h50 = *rg__hcell(g, 50);
	for (const char *const *pol = rg_policy_names(); *pol; pol++) {
		cr_assert_eq(rg_set_policy(g, *pol), 0);
		cr_assert_eq(g->base, b);
		cr_assert_eq(*rg__hcell(g, 50), h50);
	}
	cr_assert_eq(rg_set_policy(g, "rcu-memb"), 0);
	cr_assert_eq(rg_reader_register(g), 0);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	rg_span_t sp;
	cr_assert_eq(rg_span(r, 50, RG_OUT, &sp), 0);
	cr_assert_eq(sp.n, 1);
	cr_assert_eq(sp.slots[0], 51);
	cr_assert_eq(sp.slots, b->slots[RG_OUT] + 50, "read from the same pack");
	rg_read_end(r);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

struct holder {
	rg_graph_t *g;
	atomic_int registered, release;
};

/* Registers, waits until released, unregisters (liburcu wants every
 * registered thread to unregister before it exits). */
static void *register_and_wait(void *arg)
{
	struct holder *h = arg;
	rg_reader_register(h->g);
	atomic_store(&h->registered, 1);
	while (!atomic_load(&h->release))
		;
	rg_reader_unregister(h->g);
	return NULL;
}

Test(switch, bad_arguments_and_busy_graphs_change_nothing)
{
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_set_policy(NULL, "rwlock"), RG_EINVAL);
	cr_assert_eq(rg_set_policy(g, NULL), RG_EINVAL);
	cr_assert_eq(rg_set_policy(g, "no-such-policy"), RG_EPOLICY);
	cr_assert_str_eq(rg_policy_name(g), "rcu-memb");
	/* a registered reader (another thread) */
	struct holder h = {.g = g};
	pthread_t th;
	pthread_create(&th, NULL, register_and_wait, &h);
	while (!atomic_load(&h.registered))
		;
	int busy = rg_set_policy(g, "rwlock");
	atomic_store(&h.release, 1);
	pthread_join(th, NULL);
	cr_assert_eq(busy, RG_EBUSY);
	cr_assert_str_eq(rg_policy_name(g), "rcu-memb");
	/* inside a read section */
	cr_assert_eq(rg_reader_register(g), 0);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_set_policy(g, "rwlock"), RG_EBUSY);
	rg_read_end(r);
	cr_assert_str_eq(rg_policy_name(g), "rcu-memb");
	cr_assert_eq(rg_set_policy(g, "rcu-memb"), RG_EBUSY, "busy even for the same policy");
	rg_reader_unregister(g);
	/* quiescent now: the switch goes through */
	cr_assert_eq(rg_set_policy(g, "rwlock"), 0);
	cr_assert_str_eq(rg_policy_name(g), "rwlock");
	rg_close(g);
}
