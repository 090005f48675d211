/*
 * prog_tsan_policies.c - writer + readers stress with an invariant check,
 * as a plain pthread program (no Criterion: ThreadSanitizer crashes inside
 * Criterion 2.4.1), for the policies whose synchronisation ThreadSanitizer
 * can see: nosync (frozen graph, reads only), mutex, rwlock, rwlock-wp and
 * lru-rwlock (pthread locks).
 *
 * Run it under the tsan preset:
 *   cmake --preset tsan && cmake --build --preset tsan && ctest --preset tsan
 * The liburcu and Concurrency Kit policies are not run here: their
 * ordering comes from fences (cmm_smp_mb, ck_pr_fence_*, sys_membarrier)
 * and volatile accesses that TSan does not model, so it reports races that
 * are not there. They are covered by the asan preset (tests/test_stress.c:
 * every premature free is a use-after-free report) and by the invariant
 * checks of tests/test_stress.c and tests/test_policies.c. See
 * docs/policies.md.
 *
 * Invariant: every transaction moves type-1 edges between the ACC
 * "account" nodes and replaces the temp node with its TEMP_DEG edges, so a
 * section sees ACC + 1 nodes and ACC * 8 + TEMP_DEG edges in every view
 * (counts, degrees, iteration), or it saw a torn transaction.
 *
 * Usage: prog_tsan_policies [seconds per policy] [policy ...]
 * Exit status 0 iff no violation and no error. Prints the checks made.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rcugraph/rcugraph.h>
#include "testutil.h"

#define ACC 32
#define PER 8
#define TEMP_DEG 4
#define TEMP_BASE 100000u
#define READERS 2

struct ctx {
	rg_graph_t *g;
	const char *pol;
	int frozen;
	double seconds, hard_end;
	atomic_int stop;
	atomic_int registered; /* readers registered so far */
	uint64_t commits;
	int writer_rc;
	uint64_t checks[READERS], violations[READERS];
	int reader_rc[READERS];
	char first[READERS][200];
};

static const uint64_t TOTAL = ACC * PER + TEMP_DEG;

static int add_temp(rg_txn_t *t, uint64_t id, uint64_t *seed)
{
	int rc = rg_txn_add_node(t, id, 1);
	for (int k = 0; !rc && k < TEMP_DEG; k++)
		rc = rg_txn_add_edge(t, id, rg_rand(seed) % ACC, 2, 0);
	return rc;
}

static int build(struct ctx *c, uint32_t shadow[ACC][ACC])
{
	rg_txn_t *t;
	uint64_t seed = 1;
	int rc = rg_txn_begin(c->g, &t);
	for (uint64_t i = 0; !rc && i < ACC; i++)
		rc = rg_txn_add_node(t, i, 0);
	for (uint64_t i = 0; !rc && i < ACC; i++)
		for (int k = 0; !rc && k < PER; k++) {
			uint64_t x = rg_rand(&seed) % ACC;
			rc = rg_txn_add_edge(t, i, x, 1, 0);
			shadow[i][x]++;
		}
	if (!rc)
		rc = add_temp(t, TEMP_BASE, &seed);
	if (!rc)
		return rg_txn_commit(t, NULL);
	rg_txn_abort(t);
	return rc;
}

struct wargs {
	struct ctx *c;
	uint32_t (*shadow)[ACC];
};

static void *writer(void *arg)
{
	struct wargs *wa = arg;
	struct ctx *c = wa->c;
	uint64_t seed = 7, temp = TEMP_BASE, n = 0;
	double end = rg_now() + c->seconds;
	if (c->frozen) {
		/* the graph freezes when a reader registers: wait for them, or
		 * the begin below may legitimately succeed first */
		while (atomic_load(&c->registered) < READERS && rg_now() < end) {
			struct timespec ts = {0, 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		rg_txn_t *t;
		int rc = rg_txn_begin(c->g, &t);
		c->writer_rc = rc == RG_EPOLICY ? 0 : (rc ? rc : -100);
		if (rc == 0)
			rg_txn_abort(t);
		while (rg_now() < end) {
			struct timespec ts = {0, 5 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	while (!c->frozen && rg_now() < end) {
		rg_txn_t *t;
		int rc = rg_txn_begin(c->g, &t);
		uint32_t moved = 0;
		for (int m = 0; m < 4 && !rc; m++) {
			uint64_t a = rg_rand(&seed) % ACC, x = rg_rand(&seed) % ACC;
			if (!wa->shadow[a][x])
				continue;
			rc = rg_txn_del_edge(t, a, x, 1);
			moved += wa->shadow[a][x];
			wa->shadow[a][x] = 0;
		}
		for (uint32_t k = 0; k < moved && !rc; k++) {
			uint64_t b = rg_rand(&seed) % ACC, y = rg_rand(&seed) % ACC;
			rc = rg_txn_add_edge(t, b, y, 1, n);
			wa->shadow[b][y]++;
		}
		if (!rc && n % 3 == 0) {
			rc = rg_txn_del_node(t, temp);
			if (!rc)
				rc = add_temp(t, temp + 1, &seed);
		}
		if (rc) {
			rg_txn_abort(t);
			c->writer_rc = rc;
			break;
		}
		if ((rc = rg_txn_commit(t, NULL))) {
			c->writer_rc = rc;
			break;
		}
		if (n % 3 == 0)
			temp++;
		n++;
		/* the pack's publication (its arrays and clean bits, then the
		 * snapshot record) and the clean-bit clears, under TSan too */
		if (n % 16 == 0 && (rc = rg_pack(c->g))) {
			c->writer_rc = rc;
			break;
		}
	}
	c->commits = n;
	atomic_store(&c->stop, 1);
	return NULL;
}

struct rargs {
	struct ctx *c;
	int i;
};

static void *reader(void *arg)
{
	struct rargs *ra = arg;
	struct ctx *c = ra->c;
	int i = ra->i, rc;
	if ((rc = rg_reader_register(c->g))) {
		c->reader_rc[i] = rc;
		return NULL;
	}
	atomic_fetch_add(&c->registered, 1);
	while (!atomic_load(&c->stop) && rg_now() < c->hard_end) {
		rg_read_t *r;
		if ((rc = rg_read_begin(c->g, &r))) {
			c->reader_rc[i] = rc;
			break;
		}
		uint64_t out = 0, in = 0, iter = 0, temps = 0;
		for (uint64_t a = 0; a < ACC; a++) {
			uint64_t d;
			if (rg_degree(r, a, RG_OUT, &d) == 0)
				out += d;
			if (rg_degree(r, a, RG_IN, &d) == 0)
				in += d;
			rg_iter_t it;
			if (rg_neighbors(r, a, RG_OUT, RG_TYPE_ANY, &it) == 0)
				while (rg_iter_next(&it))
					iter++;
		}
		uint64_t tdeg = 0;
		for (uint64_t s = rg_node_slots(r); s-- > ACC;) {
			rg_iter_t it;
			if (rg_neighbors_at(r, s, RG_OUT, RG_TYPE_ANY, &it) == 0) {
				temps++;
				while (rg_iter_next(&it))
					tdeg++;
			}
		}
		int bad = rg_edge_count(r) != TOTAL || rg_node_count(r) != ACC + 1 || temps != 1 ||
			  tdeg != TEMP_DEG || out != ACC * PER || iter != out ||
			  in != ACC * PER + TEMP_DEG;
		if (bad && c->violations[i]++ == 0)
			snprintf(c->first[i], sizeof c->first[i],
				 "v=%llu edges=%llu nodes=%llu temps=%llu tdeg=%llu out=%llu iter=%llu in=%llu",
				 (unsigned long long)rg_read_version(r),
				 (unsigned long long)rg_edge_count(r),
				 (unsigned long long)rg_node_count(r), (unsigned long long)temps,
				 (unsigned long long)tdeg, (unsigned long long)out,
				 (unsigned long long)iter, (unsigned long long)in);
		rg_read_end(r);
		rg_reader_quiescent(c->g);
		c->checks[i]++;
	}
	rg_reader_unregister(c->g);
	return NULL;
}

static int run(const char *pol, double seconds)
{
	static uint32_t shadow[ACC][ACC];
	memset(shadow, 0, sizeof shadow);
	struct ctx c;
	memset(&c, 0, sizeof c);
	c.pol = pol;
	c.frozen = strcmp(pol, "nosync") == 0;
	c.seconds = seconds;
	rg_options_t o;
	rg_options_init(&o);
	o.sync = pol;
	int rc = rg_open(&c.g, &o);
	if (rc) {
		fprintf(stderr, "%s: rg_open: %s\n", pol, rg_strerror(rc));
		return 1;
	}
	/* packed before sharing: nosync's frozen readers read the pack too */
	if ((rc = build(&c, shadow)) || (rc = rg_pack(c.g))) {
		fprintf(stderr, "%s: build: %s\n", pol, rg_strerror(rc));
		rg_close(c.g);
		return 1;
	}
	c.hard_end = rg_now() + seconds + 60;
	pthread_t w, rd[READERS];
	struct rargs ra[READERS];
	struct wargs wa = {&c, shadow};
	for (int i = 0; i < READERS; i++) {
		ra[i] = (struct rargs){&c, i};
		pthread_create(&rd[i], NULL, reader, &ra[i]);
	}
	pthread_create(&w, NULL, writer, &wa);
	pthread_join(w, NULL);
	for (int i = 0; i < READERS; i++)
		pthread_join(rd[i], NULL);
	uint64_t checks = 0, viol = 0;
	int fail = c.writer_rc != 0;
	for (int i = 0; i < READERS; i++) {
		checks += c.checks[i];
		viol += c.violations[i];
		fail |= c.reader_rc[i] != 0 || c.violations[i] != 0;
	}
	fail |= checks == 0;
	printf("%-10s %s: %llu commits, %llu reader checks, %llu violations%s%s\n", pol,
	       fail ? "FAIL" : "ok", (unsigned long long)c.commits, (unsigned long long)checks,
	       (unsigned long long)viol, c.frozen ? " (frozen: txn refused with RG_EPOLICY)" : "",
	       c.writer_rc ? " writer error" : "");
	for (int i = 0; i < READERS; i++) {
		if (c.violations[i])
			printf("  reader %d first violation: %s\n", i, c.first[i]);
		if (c.reader_rc[i])
			printf("  reader %d error: %s\n", i, rg_strerror(c.reader_rc[i]));
	}
	if (c.writer_rc)
		printf("  writer: %s\n", rg_strerror(c.writer_rc));
	rg_close(c.g);
	return fail;
}

int main(int argc, char **argv)
{
	static const char *dflt[] = {"nosync", "mutex", "rwlock", "rwlock-wp", "lru-rwlock"};
	setvbuf(stdout, NULL, _IOLBF, 0); /* progress survives a TSan halt */
	double seconds = argc > 1 ? atof(argv[1]) : rg_stress_seconds(1.0);
	if (seconds <= 0)
		seconds = 1.0;
	int fail = 0;
	if (argc > 2)
		for (int i = 2; i < argc; i++)
			fail |= run(argv[i], seconds);
	else
		for (size_t i = 0; i < sizeof dflt / sizeof dflt[0]; i++)
			fail |= run(dflt[i], seconds);
	printf("%s\n", fail ? "FAILED" : "all policies passed");
	return fail;
}
