/*
 * bench_counters.c - counter study: throughput of each rg_counter_t variant
 * (and of the graph's inline metrics path) at 1..N threads.
 *
 * Method: for every (variant, threads, trial) the worker threads are
 * created first and wait on a barrier; the clock starts when the main
 * thread passes the barrier, runs for --seconds, then a stop flag is set
 * and the clock read. Each worker adds 1 in chunks of 1024 and counts its
 * operations in its own cache-line-padded slot. After the join the counter
 * must equal the sum of the operations (checked: exit 1 otherwise).
 *
 * Output: CSV on stdout, columns variant,threads,trial,ops_per_sec, with a
 * '#' comment header (CPU model, nproc, parameters) and '#' footer lines:
 * the median of the trials per (variant, threads) and the ratio
 * percpu/atomic at 2 threads (target >= 4).
 *
 * Usage: bench_counters [--threads N] [--trials T] [--seconds S]
 *                       [--batch B] [--pin]
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rcugraph/metrics.h>
#include "metrics.h"
#include "benchutil.h" /* bu_cpu_model */

#define CHUNK 1024
#define NVARIANTS 6
#define V_METRICS 4 /* the graph's inline rg__metrics_add() */
#define V_RSEQ 5    /* ablation: per-CPU slots with an rseq plain add (inline) */

static const char *variant_names[NVARIANTS] = {"percpu", "atomic", "perthread",
					       "batched", "metrics_inline",
					       "percpu_rseq"};

/* Ablation slots for percpu_rseq (slot i written only on CPU i; the last
 * one takes the fallback atomic adds). */
struct abl_slot {
	uint64_t v;
} __attribute__((aligned(128)));
static struct abl_slot *abl_slots;
static uint32_t abl_mask;

struct worker {
	pthread_t tid;
	int idx;
	int variant;
	rg_counter_t *c;
	struct rg_metrics *m;
	uint64_t ops;
	double cpu_s; /* thread CPU time during the run */
} __attribute__((aligned(128)));

static pthread_barrier_t start_barrier;
static int stop_flag;
static int opt_pin;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* percpu_rseq: the RG_PCPU_USE_RSEQ path of rg__pcpu_add(), inline. */
static inline void abl_add(void)
{
#ifdef RG_HAVE_RSEQ_ADDQ
	if (rg__rseq.ok) {
		for (;;) {
			int cpu = rg__cpu_id_fast();
			if ((unsigned)cpu > abl_mask)
				break;
			if (rg__rseq_addq(&abl_slots[cpu].v, 1, cpu, rg__rseq.area_off) == 0)
				return;
		}
	}
#endif
	/* Relaxed: fallback word, atomic adds only. */
	__atomic_fetch_add(&abl_slots[abl_mask + 1].v, 1, __ATOMIC_RELAXED);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	if (opt_pin) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(w->idx % (int)sysconf(_SC_NPROCESSORS_ONLN), &set);
		pthread_setaffinity_np(pthread_self(), sizeof set, &set);
	}
	pthread_barrier_wait(&start_barrier);
	struct timespec c0, c1;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	uint64_t ops = 0;
	/* Relaxed: the stop flag only ends the loop; results are read after
	 * pthread_join, which synchronises. */
	while (!__atomic_load_n(&stop_flag, __ATOMIC_RELAXED)) {
		if (w->variant == V_METRICS) {
			for (int k = 0; k < CHUNK; k++)
				rg__metrics_add(w->m, RG_C_COMMITS, 1);
		} else if (w->variant == V_RSEQ) {
			for (int k = 0; k < CHUNK; k++)
				abl_add();
		} else {
			for (int k = 0; k < CHUNK; k++)
				rg_counter_add(w->c, 1);
		}
		ops += CHUNK;
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	w->ops = ops;
	w->cpu_s = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-9;
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median of v[0..n) (sorts v). */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* One trial; returns ops/s or a negative value on failure. *share gets the
 * fraction of the wall time the workers actually ran (CPU time / (threads x
 * wall)): below ~0.9 other processes took CPUs from the trial. */
static double run_trial(int variant, int nthreads, double seconds, uint32_t batch,
			double *share)
{
	rg_counter_t *c = NULL;
	struct rg_metrics *m = NULL;
	if (variant == V_METRICS) {
		m = rg_metrics_create();
		if (!m) {
			fprintf(stderr, "bench_counters: metrics not available in this build\n");
			return -1.0;
		}
	} else if (variant == V_RSEQ) {
		abl_mask = rg__percpu_nslots() - 1;
		abl_slots = aligned_alloc(128, sizeof *abl_slots * (abl_mask + 2));
		if (!abl_slots)
			return -1.0;
		memset(abl_slots, 0, sizeof *abl_slots * (abl_mask + 2));
	} else if (rg_counter_create((rg_counter_kind_t)variant,
				     variant == RG_COUNTER_BATCHED ? batch : 0, &c) != 0) {
		fprintf(stderr, "bench_counters: rg_counter_create failed\n");
		return -1.0;
	}
	struct worker *w = aligned_alloc(128, sizeof *w * (size_t)nthreads);
	if (!w) {
		rg_counter_destroy(c);
		rg_metrics_destroy(m);
		return -1.0;
	}
	memset(w, 0, sizeof *w * (size_t)nthreads);
	__atomic_store_n(&stop_flag, 0, __ATOMIC_RELAXED); /* before the threads exist */
	pthread_barrier_init(&start_barrier, NULL, (unsigned)nthreads + 1);
	for (int i = 0; i < nthreads; i++) {
		w[i].idx = i;
		w[i].variant = variant;
		w[i].c = c;
		w[i].m = m;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0) {
			fprintf(stderr, "bench_counters: pthread_create failed\n");
			exit(1);
		}
	}
	pthread_barrier_wait(&start_barrier);
	double t0 = now_s();
	struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
	nanosleep(&ts, NULL);
	/* Relaxed: see worker_main. */
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELAXED);
	double t1 = now_s();
	uint64_t total = 0;
	double cpu = 0.0;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(w[i].tid, NULL);
		total += w[i].ops;
		cpu += w[i].cpu_s;
	}
	*share = cpu / ((double)nthreads * (t1 - t0));
	pthread_barrier_destroy(&start_barrier);
	uint64_t got = 0;
	if (variant == V_METRICS) {
		got = rg_metrics_counter(m, RG_C_COMMITS);
	} else if (variant == V_RSEQ) {
		for (uint32_t i = 0; i <= abl_mask + 1; i++)
			got += abl_slots[i].v;
		free(abl_slots);
		abl_slots = NULL;
	} else {
		got = (uint64_t)rg_counter_read(c);
	}
	if (got != total) {
		fprintf(stderr, "bench_counters: %s lost updates: counter %llu, ops %llu\n",
			variant_names[variant], (unsigned long long)got,
			(unsigned long long)total);
		exit(1);
	}
	free(w);
	rg_counter_destroy(c);
	rg_metrics_destroy(m);
	return (double)total / (t1 - t0);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_counters [--threads N] [--trials T] [--seconds S] "
		"[--batch B] [--pin]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long nproc = sysconf(_SC_NPROCESSORS_ONLN);
	int max_threads = nproc > 2 ? (int)nproc : 2;
	int trials = 5;
	double seconds = 0.3;
	long batch = 64;
	for (int i = 1; i < argc; i++) {
		char *end = NULL;
		if (strcmp(argv[i], "--pin") == 0) {
			opt_pin = 1;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		const char *v = argv[++i];
		if (strcmp(argv[i - 1], "--threads") == 0) {
			max_threads = (int)strtol(v, &end, 10);
			if (*end || max_threads < 1 || max_threads > 1024)
				usage();
		} else if (strcmp(argv[i - 1], "--trials") == 0) {
			trials = (int)strtol(v, &end, 10);
			if (*end || trials < 1 || trials > 1000)
				usage();
		} else if (strcmp(argv[i - 1], "--seconds") == 0) {
			seconds = strtod(v, &end);
			if (*end || !(seconds > 0.0 && seconds < 3600.0))
				usage();
		} else if (strcmp(argv[i - 1], "--batch") == 0) {
			batch = strtol(v, &end, 10);
			if (*end || batch < 1 || batch > (1L << 31))
				usage();
		} else {
			usage();
		}
	}
	/* metrics_inline needs metrics compiled in (not RG_METRICS=OFF): it
	 * is then skipped (percpu_rseq still runs). */
	int nvar = NVARIANTS;
	char model[256];
	snprintf(model, sizeof model, "%s", bu_cpu_model());
	printf("# bench_counters: counter variants, ops/s, duration-based trials\n");
	printf("# cpu_model=%s\n# nproc=%ld\n# seconds=%g trials=%d batch=%ld pin=%d\n",
		model, nproc, seconds, trials, batch, opt_pin);
	printf("variant,threads,trial,ops_per_sec\n");
	double *med = calloc((size_t)NVARIANTS * (size_t)(max_threads + 1), sizeof *med);
	double *res = calloc((size_t)trials, sizeof *res);
	if (!med || !res) {
		fprintf(stderr, "bench_counters: out of memory\n");
		return 1;
	}
	/* Trials are interleaved (round k runs every variant once) so that
	 * load from other processes hits all variants alike. */
	double *all = calloc((size_t)NVARIANTS * (size_t)trials, sizeof *all);
	double *ratio = calloc((size_t)trials, sizeof *ratio);
	double *shares = calloc((size_t)NVARIANTS * (size_t)trials, sizeof *shares);
	if (!all || !ratio || !shares) {
		fprintf(stderr, "bench_counters: out of memory\n");
		return 1;
	}
	double ratio2 = 0.0, ratio2_clean = 0.0;
	int clean2 = 0;
	for (int t = 1; t <= max_threads; t++) {
		for (int k = 0; k < trials; k++) {
			for (int v = 0; v < nvar; v++) {
				if (v == V_METRICS && !rg_metrics_compiled_in())
					continue;
				double r = run_trial(v, t, seconds, (uint32_t)batch,
						     &shares[v * trials + k]);
				if (r < 0)
					return 1;
				all[v * trials + k] = r;
				printf("%s,%d,%d,%.0f\n", variant_names[v], t, k, r);
				fflush(stdout);
			}
			ratio[k] = all[RG_COUNTER_PERCPU * trials + k] /
				   all[RG_COUNTER_ATOMIC * trials + k];
		}
		for (int v = 0; v < nvar; v++) {
			if (v == V_METRICS && !rg_metrics_compiled_in())
				continue;
			for (int k = 0; k < trials; k++)
				res[k] = all[v * trials + k];
			med[v * (max_threads + 1) + t] = median(res, trials);
		}
		if (t == 2) {
			/* Rounds where both percpu and atomic had their CPUs:
			 * time-sharing one CPU removes the atomic's contention
			 * and biases the ratio low. */
			double clean[1000];
			for (int k = 0; k < trials; k++)
				if (shares[RG_COUNTER_PERCPU * trials + k] >= 0.9 &&
				    shares[RG_COUNTER_ATOMIC * trials + k] >= 0.9)
					clean[clean2++] = ratio[k];
			if (clean2)
				ratio2_clean = median(clean, clean2);
			ratio2 = median(ratio, trials);
			for (int v = 0; v < nvar; v++)
				for (int k = 0; k < trials; k++)
					if (shares[v * trials + k] < 0.9 && all[v * trials + k] > 0)
						printf("# low cpu share: %s,2,%d share=%.2f\n",
						       variant_names[v], k, shares[v * trials + k]);
		}
	}
	free(shares);
	free(all);
	free(ratio);
	printf("# median: variant,threads,ops_per_sec\n");
	for (int v = 0; v < nvar; v++)
		for (int t = 1; t <= max_threads && !(v == V_METRICS && !rg_metrics_compiled_in()); t++)
			printf("# median,%s,%d,%.0f\n", variant_names[v], t,
			       med[v * (max_threads + 1) + t]);
	if (max_threads >= 2) {
		double a = med[RG_COUNTER_ATOMIC * (max_threads + 1) + 2];
		double p = med[RG_COUNTER_PERCPU * (max_threads + 1) + 2];
		double mi = med[V_METRICS * (max_threads + 1) + 2];
		double la = med[V_RSEQ * (max_threads + 1) + 2];
		printf("# ratio percpu/atomic at 2 threads: %.2f (ratio of medians; target >= 4)\n",
		       a > 0 ? p / a : 0.0);
		printf("# ratio percpu/atomic at 2 threads, median of per-round ratios: %.2f\n", ratio2);
		printf("# ratio percpu/atomic at 2 threads, rounds with cpu share >= 0.9 (%d of %d): %.2f\n",
		       clean2, trials, ratio2_clean);
		printf("# ratio percpu_rseq/atomic at 2 threads: %.2f\n", a > 0 ? la / a : 0.0);
		if (rg_metrics_compiled_in())
			printf("# ratio metrics_inline/atomic at 2 threads: %.2f\n",
			       a > 0 ? mi / a : 0.0);
	}
	free(med);
	free(res);
	return 0;
}
