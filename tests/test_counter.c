/* Tests of the four rg_counter_t variants (include/rcugraph/metrics.h). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rcugraph/metrics.h>
#include "metrics.h"
#include "testutil.h"

#define NTHREADS 4
#define NADDS 200000

static const rg_counter_kind_t kinds[] = {RG_COUNTER_PERCPU, RG_COUNTER_ATOMIC,
					  RG_COUNTER_PERTHREAD, RG_COUNTER_BATCHED};

struct adder {
	rg_counter_t *c;
	int mixed; /* add +3, -1 alternately instead of +1 */
	int64_t expect;
};

static void *adder_main(void *arg)
{
	struct adder *a = arg;
	int64_t sum = 0;
	for (int i = 0; i < NADDS; i++) {
		int64_t d = a->mixed ? (i & 1 ? -1 : 3) : 1;
		rg_counter_add(a->c, d);
		sum += d;
	}
	a->expect = sum;
	return NULL;
}

static void exact_after_join(rg_counter_kind_t kind, uint32_t batch, int mixed)
{
	rg_counter_t *c = NULL;
	cr_assert_eq(rg_counter_create(kind, batch, &c), 0);
	pthread_t t[NTHREADS];
	struct adder a[NTHREADS];
	for (int i = 0; i < NTHREADS; i++) {
		a[i] = (struct adder){.c = c, .mixed = mixed};
		cr_assert_eq(pthread_create(&t[i], NULL, adder_main, &a[i]), 0);
	}
	int64_t expect = 0;
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], NULL);
		expect += a[i].expect;
	}
	cr_assert_eq(rg_counter_read(c), expect, "%s: read %lld expected %lld",
		     rg_counter_kind_name(kind), (long long)rg_counter_read(c),
		     (long long)expect);
	rg_counter_destroy(c);
}

Test(counter, exact_after_join_each_kind)
{
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		exact_after_join(kinds[k], 0, 0);
		exact_after_join(kinds[k], 0, 1);
	}
	exact_after_join(RG_COUNTER_BATCHED, 1, 1);
	exact_after_join(RG_COUNTER_BATCHED, 1000, 1);
}

Test(counter, invalid_arguments)
{
	rg_counter_t *c = (rg_counter_t *)&c;
	cr_assert_eq(rg_counter_create(RG_COUNTER_PERCPU, 0, NULL), RG_EINVAL);
	cr_assert_eq(rg_counter_create((rg_counter_kind_t)42, 0, &c), RG_EINVAL);
	cr_assert_null(c);
	cr_assert_eq(rg_counter_create(RG_COUNTER_ATOMIC, 8, &c), RG_EINVAL);
	cr_assert_eq(rg_counter_create(RG_COUNTER_BATCHED, (1u << 31) + 1, &c), RG_EINVAL);
	rg_counter_add(NULL, 1);
	cr_assert_eq(rg_counter_read(NULL), 0);
	cr_assert_eq(rg_counter_read_fast(NULL), 0);
	rg_counter_destroy(NULL);
	cr_assert_null(rg_counter_kind_name((rg_counter_kind_t)42));
	cr_assert_str_eq(rg_counter_kind_name(RG_COUNTER_PERCPU), "percpu");
	cr_assert_str_eq(rg_counter_kind_name(RG_COUNTER_ATOMIC), "atomic");
	cr_assert_str_eq(rg_counter_kind_name(RG_COUNTER_PERTHREAD), "perthread");
	cr_assert_str_eq(rg_counter_kind_name(RG_COUNTER_BATCHED), "batched");
}

/* Reads taken while adders run: for +1 deltas, PERCPU/PERTHREAD/ATOMIC
 * reads are non-decreasing and never exceed the final value. */
#define NREADS 2000
struct reader {
	rg_counter_t *c;
	int stop;
	int64_t vals[NREADS];
	int n;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	/* Relaxed: the flag only ends the loop; join synchronises. */
	while (r->n < NREADS && !__atomic_load_n(&r->stop, __ATOMIC_RELAXED))
		r->vals[r->n++] = rg_counter_read(r->c);
	return NULL;
}

Test(counter, reads_while_updating_are_monotone)
{
	rg_counter_kind_t ks[] = {RG_COUNTER_PERCPU, RG_COUNTER_ATOMIC, RG_COUNTER_PERTHREAD};
	for (size_t k = 0; k < 3; k++) {
		rg_counter_t *c = NULL;
		cr_assert_eq(rg_counter_create(ks[k], 0, &c), 0);
		struct reader *r = calloc(1, sizeof *r);
		cr_assert_not_null(r);
		r->c = c;
		pthread_t rt, t[2];
		struct adder a[2] = {{.c = c}, {.c = c}};
		cr_assert_eq(pthread_create(&rt, NULL, reader_main, r), 0);
		for (int i = 0; i < 2; i++)
			cr_assert_eq(pthread_create(&t[i], NULL, adder_main, &a[i]), 0);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		__atomic_store_n(&r->stop, 1, __ATOMIC_RELAXED);
		pthread_join(rt, NULL);
		int64_t final = rg_counter_read(c);
		cr_assert_eq(final, 2 * NADDS);
		for (int i = 0; i < r->n; i++) {
			cr_assert_leq(r->vals[i], final);
			if (i)
				cr_assert_geq(r->vals[i], r->vals[i - 1], "%s not monotone",
					      rg_counter_kind_name(ks[k]));
		}
		free(r);
		rg_counter_destroy(c);
	}
}

Test(counter, batched_fast_read_error_bound)
{
	const uint32_t batch = 32;
	rg_counter_t *c = NULL;
	cr_assert_eq(rg_counter_create(RG_COUNTER_BATCHED, batch, &c), 0);
	int64_t bound = (int64_t)rg__percpu_nslots() * batch;
	for (int i = 1; i <= 10000; i++) {
		rg_counter_add(c, 1);
		int64_t fast = rg_counter_read_fast(c);
		cr_assert_leq(fast, i);
		cr_assert_geq(fast, i - bound, "fast read %lld too far below %d", (long long)fast, i);
	}
	cr_assert_eq(rg_counter_read(c), 10000);
	rg_counter_destroy(c);
}

/* Many short-lived threads, and one thread alternating between more
 * PERTHREAD counters than its slot cache holds: still exact. */
static void *churn_main(void *arg)
{
	rg_counter_t **cs = arg;
	for (int i = 0; i < 1000; i++)
		for (int k = 0; k < 12; k++)
			rg_counter_add(cs[k], k + 1);
	return NULL;
}

Test(counter, perthread_churn_and_cache_collisions)
{
	rg_counter_t *cs[12];
	for (int k = 0; k < 12; k++)
		cr_assert_eq(rg_counter_create(RG_COUNTER_PERTHREAD, 0, &cs[k]), 0);
	for (int round = 0; round < 8; round++) {
		pthread_t t[3];
		for (int i = 0; i < 3; i++)
			cr_assert_eq(pthread_create(&t[i], NULL, churn_main, cs), 0);
		for (int i = 0; i < 3; i++)
			pthread_join(t[i], NULL);
	}
	churn_main(cs); /* the main thread too */
	for (int k = 0; k < 12; k++) {
		cr_assert_eq(rg_counter_read(cs[k]), (int64_t)(8 * 3 + 1) * 1000 * (k + 1));
		rg_counter_destroy(cs[k]);
	}
}

/* Preemption, migration and signals inside the per-CPU add: 3 threads per
 * CPU, yields, affinity changes and a SIGUSR1 storm; the PERCPU counter,
 * the metrics counter and the rseq add (RG_PCPU_USE_RSEQ path, aborted by
 * the signals and migrations) must still be exact. */
#include <signal.h>
#include <sched.h>
#include <unistd.h>

#define STORM_ADDS 300000
static void storm_handler(int sig) { (void)sig; }

struct stormer {
	pthread_t tid;
	rg_counter_t *c;
	struct rg_metrics *m;
	int idx;
};

/* Slots for the RG_PCPU_USE_RSEQ path (rg__rseq_addq), last = fallback. */
static uint64_t rseq_slots[(RG_PCPU_MAX_SHARDS + 1) * 16] __attribute__((aligned(128)));

static void rseq_add_one(void)
{
#ifdef RG_HAVE_RSEQ_ADDQ
	uint32_t mask = rg__percpu_nslots() - 1;
	if (rg__rseq.ok) {
		for (;;) {
			int cpu = rg__cpu_id_fast();
			if ((unsigned)cpu > mask)
				break;
			if (rg__rseq_addq(&rseq_slots[(size_t)cpu * 16], 1, cpu, rg__rseq.area_off) == 0)
				return;
		}
	}
#endif
	/* Relaxed: fallback word, atomic adds only. */
	__atomic_fetch_add(&rseq_slots[(size_t)RG_PCPU_MAX_SHARDS * 16], 1, __ATOMIC_RELAXED);
}

static void *storm_main(void *arg)
{
	struct stormer *s = arg;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 0; i < STORM_ADDS; i++) {
		rg_counter_add(s->c, 1);
		rg__metrics_add(s->m, RG_C_EDGES_ADDED, 1);
		rseq_add_one();
		if (i % 5000 == 0) {
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET((int)((i / 5000 + s->idx) % ncpu), &set);
			pthread_setaffinity_np(pthread_self(), sizeof set, &set); /* migrate */
		} else if (i % 997 == 0) {
			sched_yield();
		}
	}
	return NULL;
}

Test(counter, percpu_exact_under_preemption_migration_signals)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = storm_handler;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int n = (int)(ncpu * 3 > 12 ? 12 : ncpu * 3);
	rg_counter_t *c = NULL;
	cr_assert_eq(rg_counter_create(RG_COUNTER_PERCPU, 0, &c), 0);
	struct rg_metrics *m = rg_metrics_create(); /* NULL if compiled out: adds are no-ops */
	struct stormer s[12];
	for (int i = 0; i < n; i++) {
		s[i] = (struct stormer){.c = c, .m = m, .idx = i};
		cr_assert_eq(pthread_create(&s[i].tid, NULL, storm_main, &s[i]), 0);
	}
	/* signal storm while they run (ESRCH once a thread has exited: fine) */
	for (int round = 0; round < 2000; round++)
		for (int i = 0; i < n; i++)
			pthread_kill(s[i].tid, SIGUSR1);
	for (int i = 0; i < n; i++)
		pthread_join(s[i].tid, NULL);
	cr_assert_eq(rg_counter_read(c), (int64_t)n * STORM_ADDS);
	if (m)
		cr_assert_eq(rg_metrics_counter(m, RG_C_EDGES_ADDED), (uint64_t)n * STORM_ADDS);
	uint64_t rs = 0;
	for (size_t i = 0; i <= RG_PCPU_MAX_SHARDS; i++)
		rs += rseq_slots[i * 16];
	cr_assert_eq(rs, (uint64_t)n * STORM_ADDS, "rseq adds lost: %llu", (unsigned long long)rs);
	rg_counter_destroy(c);
	rg_metrics_destroy(m);
}
