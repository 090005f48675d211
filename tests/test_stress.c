/*
 * test_stress.c - concurrency stress in the spirit of rcutorture.
 *
 * consistency: one writer commits transactions that move edges between
 * "account" nodes and replace a "temp" node with all its edges; every
 * transaction keeps the total number of edges and nodes constant, so a
 * reader that sees part of a transaction sees a wrong total. Readers also
 * check staleness: a section never reads a version older than the one
 * committed before it began, and versions never go backwards per reader.
 *
 * churn: heavy insert/delete/compaction with a tiny garbage limit while
 * readers scan every entry; under the asan preset any premature free is a
 * use-after-free report, and close must leave no leak.
 *
 * Both run against every synchronisation policy except nosync
 * (parameterised over rg_policy_names()); nosync, which refuses writers
 * once shared, gets a frozen read-only check instead. ck-seqlock readers
 * treat RG_ERETRY as "run the section again" and count retries; the
 * invariants are still checked on every section, retried or not (the
 * versioned snapshot makes even a discarded section consistent).
 * Durations: rg_stress_seconds() (env RG_STRESS_SECONDS), default 5 s for
 * rcu-memb and 1.5 s for every other policy.
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
#include <time.h>

#include <rcugraph/rcugraph.h>
#include "testutil.h"

#define ACCOUNTS 64
#define TEMP_BASE 1000000u
#define TEMP_DEG 6
#define READERS 2

struct ctx {
	rg_graph_t *g;
	double seconds;
	atomic_int stop;
	_Atomic uint64_t committed; /* last version the writer saw committed */
	uint64_t expect_edges, expect_nodes;
	/* results */
	uint64_t commits, writer_errors, packs;
	uint64_t checks[READERS], violations[READERS], stale[READERS], retries[READERS];
	double hard_end; /* readers give up here even if the writer never stops */
	atomic_int reader_timeout;
	atomic_int registered; /* readers registered so far */
	char first_violation[READERS][160];
};

static uint64_t temp_id = TEMP_BASE;

static int add_temp(rg_txn_t *t, uint64_t id, uint64_t *seed)
{
	int rc = rg_txn_add_node(t, id, 1);
	for (int k = 0; !rc && k < TEMP_DEG; k++) {
		uint64_t a = rg_rand(seed) % ACCOUNTS;
		rc = (k & 1) ? rg_txn_add_edge(t, a, id, 2, k) : rg_txn_add_edge(t, id, a, 2, k);
	}
	return rc;
}

static void build(struct ctx *c)
{
	rg_txn_t *t;
	uint64_t seed = 42;
	cr_assert_eq(rg_txn_begin(c->g, &t), 0);
	for (uint64_t i = 0; i < ACCOUNTS; i++)
		cr_assert_eq(rg_txn_add_node(t, i, 0), 0);
	for (uint64_t i = 0; i < ACCOUNTS; i++)
		for (int k = 0; k < 20; k++)
			cr_assert_eq(rg_txn_add_edge(t, i, rg_rand(&seed) % ACCOUNTS, 1, 0), 0);
	cr_assert_eq(add_temp(t, temp_id, &seed), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	c->expect_edges = ACCOUNTS * 20 + TEMP_DEG;
	c->expect_nodes = ACCOUNTS + 1;
}

static uint32_t shadow[ACCOUNTS][ACCOUNTS]; /* writer's count of type-1 edges a->x */

/* Each txn removes every type-1 edge a->x for a few random pairs and adds
 * the same number of edges between other random pairs; every 4th txn also
 * replaces the temp node (and its TEMP_DEG edges) by a new one. Totals stay
 * constant; a torn view breaks them. */
static void *writer(void *arg)
{
	struct ctx *c = arg;
	uint64_t seed = 7, v, n = 0;
	double end = rg_now() + c->seconds;
	while (rg_now() < end) {
		rg_txn_t *t;
		int rc = rg_txn_begin(c->g, &t);
		uint32_t moved = 0;
		uint32_t undo[8][3];
		int nu = 0;
		for (int m = 1 + (int)(rg_rand(&seed) % 8); m > 0 && !rc; m--) {
			uint64_t a = rg_rand(&seed) % ACCOUNTS, x = rg_rand(&seed) % ACCOUNTS;
			if (!shadow[a][x])
				continue;
			rc = rg_txn_del_edge(t, a, x, 1);
			moved += shadow[a][x];
			undo[nu][0] = (uint32_t)a, undo[nu][1] = (uint32_t)x, undo[nu][2] = shadow[a][x];
			nu++;
			shadow[a][x] = 0;
		}
		for (uint32_t k = 0; k < moved && !rc; k++) {
			uint64_t b = rg_rand(&seed) % ACCOUNTS, y = rg_rand(&seed) % ACCOUNTS;
			rc = rg_txn_add_edge(t, b, y, 1, n);
			shadow[b][y]++;
		}
		if (!rc && n % 4 == 0) {
			rc = rg_txn_del_node(t, temp_id);
			if (!rc)
				rc = add_temp(t, temp_id + 1, &seed);
		}
		if (rc || (rc = rg_txn_commit(t, &v))) {
			c->writer_errors++;
			(void)undo;
			break;
		}
		if (n % 4 == 0)
			temp_id++;
		atomic_store_explicit(&c->committed, v, memory_order_release);
		n++;
		/* now and then pack: readers then mix the pack's fast path
		 * (nodes untouched since) with version chains (nodes touched
		 * since), and the invariants must still hold across both */
		if (n % 16 == 0) {
			if (rg_pack(c->g)) {
				c->writer_errors++;
				break;
			}
			c->packs++;
		}
	}
	c->commits = n;
	atomic_store(&c->stop, 1);
	return NULL;
}

struct rarg {
	struct ctx *c;
	int i;
};

static void *reader(void *arg)
{
	struct rarg *ra = arg;
	struct ctx *c = ra->c;
	int i = ra->i;
	uint64_t last = 0;
	rg_reader_register(c->g);
	atomic_fetch_add(&c->registered, 1);
	while (!atomic_load(&c->stop)) {
		if (rg_now() > c->hard_end) {
			atomic_store(&c->reader_timeout, 1);
			break;
		}
		uint64_t before = atomic_load_explicit(&c->committed, memory_order_acquire);
		rg_read_t *r;
		if (rg_read_begin(c->g, &r)) {
			c->violations[i]++;
			break;
		}
		uint64_t v = rg_read_version(r);
		if (v < before || v < last)
			c->stale[i]++;
		last = v;
		uint64_t sum_deg = 0, sum_iter = 0, temps = 0, sum_in = 0;
		for (uint64_t a = 0; a < ACCOUNTS; a++) {
			uint64_t d = 0, din = 0;
			rg_degree(r, a, RG_OUT, &d);
			rg_degree(r, a, RG_IN, &din);
			sum_deg += d;
			sum_in += din;
			rg_iter_t it;
			if (rg_neighbors(r, a, RG_OUT, RG_TYPE_ANY, &it) == 0)
				while (rg_iter_next(&it))
					sum_iter++;
		}
		/* the temp node: whichever id is alive in this snapshot. Temp
		 * nodes take the newest slots, so look backwards from the end. */
		uint64_t tdeg = 0;
		for (uint64_t slot = rg_node_slots(r); slot-- > ACCOUNTS;) {
			uint64_t d1, d2;
			if (rg_degree_at(r, slot, RG_OUT, &d1) == 0 &&
			    rg_degree_at(r, slot, RG_IN, &d2) == 0) {
				temps++;
				tdeg = d1 + d2;
				break;
			}
		}
		uint64_t acct_edges = c->expect_edges - TEMP_DEG;
		int bad = rg_edge_count(r) != c->expect_edges || rg_node_count(r) != c->expect_nodes ||
			  temps != 1 || tdeg != TEMP_DEG ||
			  sum_deg != acct_edges + TEMP_DEG / 2 || sum_iter != sum_deg ||
			  sum_in != acct_edges + (TEMP_DEG - TEMP_DEG / 2);
		if (bad && c->violations[i]++ == 0)
			snprintf(c->first_violation[i], sizeof c->first_violation[i],
				 "v=%llu edges=%llu nodes=%llu temps=%llu tdeg=%llu out=%llu iter=%llu in=%llu",
				 (unsigned long long)v, (unsigned long long)rg_edge_count(r),
				 (unsigned long long)rg_node_count(r), (unsigned long long)temps,
				 (unsigned long long)tdeg, (unsigned long long)sum_deg,
				 (unsigned long long)sum_iter, (unsigned long long)sum_in);
		/* ck-seqlock: a commit was published meanwhile; the section is
		 * discarded (its checks above stand: it is still consistent) */
		if (rg_read_end(r) == RG_ERETRY)
			c->retries[i]++;
		rg_reader_quiescent(c->g);
		c->checks[i]++;
	}
	rg_reader_unregister(c->g);
	return NULL;
}

static void run_consistency(const char *policy, double seconds)
{
	struct ctx c = {0};
	rg_options_t o;
	rg_options_init(&o);
	o.sync = policy;
	temp_id = TEMP_BASE;
	memset(shadow, 0, sizeof shadow);
	cr_assert_eq(rg_open(&c.g, &o), 0);
	c.seconds = seconds;
	c.hard_end = rg_now() + seconds + 60;
	build(&c);
	/* shadow counts of the initial edges */
	{
		rg_read_t *r;
		rg_reader_register(c.g);
		rg_read_begin(c.g, &r);
		for (uint64_t a = 0; a < ACCOUNTS; a++) {
			rg_iter_t it;
			rg_neighbors(r, a, RG_OUT, 1, &it);
			for (const rg_edge_t *e; (e = rg_iter_next(&it));)
				shadow[a][e->nbr]++;
		}
		rg_read_end(r);
		rg_reader_unregister(c.g);
	}
	pthread_t w, rd[READERS];
	struct rarg ra[READERS];
	for (int i = 0; i < READERS; i++) {
		ra[i] = (struct rarg){&c, i};
		pthread_create(&rd[i], NULL, reader, &ra[i]);
	}
	pthread_create(&w, NULL, writer, &c);
	pthread_join(w, NULL);
	for (int i = 0; i < READERS; i++)
		pthread_join(rd[i], NULL);
	uint64_t checks = 0, viol = 0, stale = 0, retries = 0;
	for (int i = 0; i < READERS; i++) {
		checks += c.checks[i];
		viol += c.violations[i];
		stale += c.stale[i];
		retries += c.retries[i];
	}
	rg_stats_t st;
	rg_stats_get(c.g, &st);
	cr_log_info("consistency[%s]: %.1f s, %llu commits, %llu reader checks, %llu violations, "
		    "%llu stale, %llu gc waits",
		    policy, seconds, (unsigned long long)c.commits, (unsigned long long)checks,
		    (unsigned long long)viol, (unsigned long long)stale,
		    (unsigned long long)st.gc_waits);
	fprintf(stderr, "consistency[%s]: %.1f s, %llu commits, %llu packs, %llu checks, "
			"%llu violations, %llu retries\n", policy, seconds,
		(unsigned long long)c.commits, (unsigned long long)c.packs, (unsigned long long)checks,
		(unsigned long long)viol, (unsigned long long)retries);
	cr_assert_eq(c.reader_timeout, 0, "the writer never finished (starved?)");
	cr_assert_eq(c.writer_errors, 0);
	cr_assert_gt(c.commits, 0);
	cr_assert_gt(checks, 0);
	cr_assert_eq(st.packs, c.packs);
	for (int i = 0; i < READERS; i++)
		cr_assert_eq(c.violations[i], 0, "reader %d: %s", i, c.first_violation[i]);
	cr_assert_eq(stale, 0);
	rg_close(c.g);
}

struct polp {
	char name[24];
};

/* Every policy but nosync (which refuses writers once shared). */
static struct polp *writable_policies(size_t *n)
{
	static struct polp p[64];
	size_t k = 0;
	for (const char *const *s = rg_policy_names(); *s && k < 64; s++) {
		if (strcmp(*s, "nosync") == 0)
			continue;
		snprintf(p[k].name, sizeof p[k].name, "%s", *s);
		k++;
	}
	*n = k;
	return p;
}

static double policy_seconds(const char *pol)
{
	return rg_stress_seconds(strcmp(pol, "rcu-memb") == 0 ? 5 : 1.5);
}

/* Reclamation deferred past the commit (grace periods, epochs). */
static int deferred(const char *pol)
{
	return strncmp(pol, "rcu-", 4) == 0 || strncmp(pol, "ck-epoch", 8) == 0 ||
	       strcmp(pol, "ck-seqlock") == 0;
}

ParameterizedTestParameters(stress, consistency)
{
	size_t n;
	struct polp *p = writable_policies(&n);
	return cr_make_param_array(struct polp, p, n);
}

ParameterizedTest(struct polp *p, stress, consistency, .timeout = 180)
{
	run_consistency(p->name, policy_seconds(p->name));
}

/* nosync: the same invariants on a frozen graph, and the writer refused. */
static void *frozen_writer(void *arg)
{
	struct ctx *c = arg;
	/* a nosync graph freezes when its first reader registers: wait for
	 * the readers, or the begin below may legitimately succeed first */
	while (atomic_load(&c->registered) < READERS && rg_now() < c->hard_end) {
		struct timespec ts = {0, 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	rg_txn_t *t;
	int rc = rg_txn_begin(c->g, &t);
	if (rc == 0)
		rg_txn_abort(t);
	c->writer_errors = rc == RG_EPOLICY ? 0 : 1;
	double end = rg_now() + c->seconds;
	while (rg_now() < end) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	atomic_store(&c->stop, 1);
	return NULL;
}

Test(stress, nosync_frozen_read_only, .timeout = 120)
{
	struct ctx c = {0};
	rg_options_t o;
	rg_options_init(&o);
	o.sync = "nosync";
	temp_id = TEMP_BASE;
	cr_assert_eq(rg_open(&c.g, &o), 0);
	c.seconds = rg_stress_seconds(1.5);
	c.hard_end = rg_now() + c.seconds + 60;
	build(&c);
	cr_assert_eq(rg_pack(c.g), 0); /* readers take the pack's fast path */
	pthread_t w, rd[READERS];
	struct rarg ra[READERS];
	for (int i = 0; i < READERS; i++) {
		ra[i] = (struct rarg){&c, i};
		pthread_create(&rd[i], NULL, reader, &ra[i]);
	}
	pthread_create(&w, NULL, frozen_writer, &c);
	pthread_join(w, NULL);
	for (int i = 0; i < READERS; i++)
		pthread_join(rd[i], NULL);
	rg_close(c.g); /* before the asserts: a failure must not also report a leak */
	uint64_t checks = c.checks[0] + c.checks[1];
	fprintf(stderr, "frozen[nosync]: %llu checks, %llu violations\n", (unsigned long long)checks,
		(unsigned long long)(c.violations[0] + c.violations[1]));
	cr_assert_eq(c.writer_errors, 0, "txn on a shared nosync graph is RG_EPOLICY");
	cr_assert_gt(checks, 0);
	for (int i = 0; i < READERS; i++)
		cr_assert_eq(c.violations[i], 0, "reader %d: %s", i, c.first_violation[i]);
	cr_assert_eq(c.stale[0] + c.stale[1], 0);
}

/* ---------------------------------------------------------------- */
/* Reclamation churn                                                 */
/* ---------------------------------------------------------------- */

#define CHURN_NODES 512

struct churn {
	rg_graph_t *g;
	double seconds;
	atomic_int stop;
	uint64_t commits, errors, scans[READERS], sum[READERS];
};

static void *churn_writer(void *arg)
{
	struct churn *c = arg;
	uint64_t seed = 99, n = 0;
	double end = rg_now() + c->seconds;
	while (rg_now() < end) {
		rg_txn_t *t;
		if (rg_txn_begin(c->g, &t)) {
			c->errors++;
			break;
		}
		int rc = 0;
		/* a burst into one hub (growth), deletions (compaction), and a node
		 * replaced (whole arrays dropped) */
		uint64_t hub = rg_rand(&seed) % CHURN_NODES;
		for (int k = 0; k < 64 && !rc; k++)
			rc = rg_txn_add_edge(t, hub, rg_rand(&seed) % CHURN_NODES, k & 3, n);
		for (int k = 0; k < 48 && !rc; k++) {
			int d = rg_txn_del_edge(t, rg_rand(&seed) % CHURN_NODES,
						rg_rand(&seed) % CHURN_NODES, RG_TYPE_ANY);
			rc = d == RG_ENOENT ? 0 : d;
		}
		uint64_t victim = rg_rand(&seed) % CHURN_NODES;
		if (!rc)
			rc = rg_txn_del_node(t, victim);
		if (!rc)
			rc = rg_txn_add_node(t, victim, (uint32_t)n);
		if (rc || rg_txn_commit(t, NULL)) {
			if (rc)
				rg_txn_abort(t);
			c->errors++;
			break;
		}
		n++;
		/* a pack every 32 commits (more often would leave compaction
		 * no work): the previous pack and the arrays it replaces are
		 * retired while readers scan them */
		if (n % 32 == 0 && rg_pack(c->g)) {
			c->errors++;
			break;
		}
	}
	c->commits = n;
	atomic_store(&c->stop, 1);
	return NULL;
}

struct crarg {
	struct churn *c;
	int i;
};

static void *churn_reader(void *arg)
{
	struct crarg *ra = arg;
	struct churn *c = ra->c;
	rg_reader_register(c->g);
	while (!atomic_load(&c->stop)) {
		rg_read_t *r;
		rg_read_begin(c->g, &r);
		uint64_t s = 0;
		for (uint64_t slot = 0; slot < rg_node_slots(r); slot++) {
			rg_iter_t it;
			for (int d = 0; d < 2; d++)
				if (rg_neighbors_at(r, slot, d, RG_TYPE_ANY, &it) == 0)
					for (const rg_edge_t *e; (e = rg_iter_next(&it));)
						s += e->nbr + e->prop; /* touches every entry */
		}
		rg_read_end(r); /* RG_ERETRY (ck-seqlock) is fine: the sum is unused */
		rg_reader_quiescent(c->g); /* rcu-qsbr: the writer waits on gc_limit */
		c->sum[ra->i] += s;
		c->scans[ra->i]++;
	}
	rg_reader_unregister(c->g);
	return NULL;
}

ParameterizedTestParameters(stress, reclamation_churn)
{
	size_t n;
	struct polp *p = writable_policies(&n);
	return cr_make_param_array(struct polp, p, n);
}

ParameterizedTest(struct polp *p, stress, reclamation_churn, .timeout = 180)
{
	struct churn c = {0};
	rg_options_t o;
	rg_options_init(&o);
	o.sync = p->name;
	o.gc_limit_bytes = 64 << 10; /* tiny: the writer must wait on reclamation often */
	cr_assert_eq(rg_open(&c.g, &o), 0);
	c.seconds = policy_seconds(p->name) * 0.6;
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(c.g, &t), 0);
	for (uint64_t i = 0; i < CHURN_NODES; i++)
		cr_assert_eq(rg_txn_add_node(t, i, 0), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	pthread_t w, rd[READERS];
	struct crarg ra[READERS];
	for (int i = 0; i < READERS; i++) {
		ra[i] = (struct crarg){&c, i};
		pthread_create(&rd[i], NULL, churn_reader, &ra[i]);
	}
	pthread_create(&w, NULL, churn_writer, &c);
	pthread_join(w, NULL);
	for (int i = 0; i < READERS; i++)
		pthread_join(rd[i], NULL);
	rg_stats_t st;
	rg_stats_get(c.g, &st);
	fprintf(stderr, "churn[%s]: %llu commits, %llu+%llu scans, gc waits %llu, compactions %llu, "
			"freed %llu bytes\n", p->name,
		(unsigned long long)c.commits, (unsigned long long)c.scans[0],
		(unsigned long long)c.scans[1], (unsigned long long)st.gc_waits,
		(unsigned long long)st.arrays_compacted, (unsigned long long)st.gc_freed_bytes);
	cr_assert_eq(c.errors, 0);
	cr_assert_gt(c.commits, 0);
	cr_assert_gt(c.scans[0] + c.scans[1], 0);
	if (deferred(p->name)) {
		cr_assert_gt(st.gc_waits, 0, "the garbage bound was exercised");
		cr_assert_leq(st.gc_pending_bytes, (64 << 10) + (4 << 20), "garbage stays bounded");
	} else {
		cr_assert_eq(st.gc_pending_bytes, 0, "immediate reclamation");
	}
	rg_close(c.g); /* LeakSanitizer (asan preset) checks nothing is left */
}
