/*
 * runner.c - the measurement method, in one place.
 *
 *  - Worker threads are created (and pinned, placement.c) before any clock
 *    starts, and do their per-thread setup (thread_init) then. A run is
 *    one configuration in one round (study.c): a warm-up phase, then one
 *    measured trial.
 *  - Every phase (the warm-up, then each trial) starts when the main thread
 *    releases all workers together through a start barrier. The clock
 *    (CLOCK_MONOTONIC) is read just BEFORE the main thread arrives at the
 *    barrier, i.e. no later than the release: a worker's first operation can
 *    never precede it (checked per trial: rgb_result_t.late_start).
 *  - The main thread sleeps until t0 + duration (absolute deadline), raises
 *    the stop flag and waits on an end barrier: the elapsed time is taken
 *    after every worker has stopped and published its counters, so the
 *    operations finished after the flag are both counted and timed.
 *  - Each worker counts into its own cache-line-padded slot (benchutil.h's
 *    struct bu_padded, plus a padded aux block): no false sharing.
 *  - The warm-up phase is run exactly like a trial and discarded.
 *  - Workers never assert: failures are counted (aux counters, rgb_errors).
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>

#include "rgbench.h"

struct aux_pad {
	_Alignas(64) uint64_t v[RGB_AUX];
};

struct wthread {
	pthread_t th;
	rgb_tctx_t ctx;
	double cpu0, cpu1; /* CLOCK_THREAD_CPUTIME_ID around the phase's loop */
	const rgb_job_t *job;
	struct run *run;
	int init_ok;
};

struct run {
	pthread_barrier_t ready, start, end;
	atomic_int stop;
	int quit; /* written by main before the start barrier, read after it */
};

/* ---------------- histogram ---------------- */

static int hist_index(uint64_t v)
{
	if (v < 16)
		return (int)v;
	int e = 63 - __builtin_clzll(v); /* >= 4 */
	int idx = 16 + (e - 4) * 16 + (int)((v >> (e - 4)) & 15);
	return idx < RGB_HIST_BUCKETS ? idx : RGB_HIST_BUCKETS - 1;
}

static double hist_mid(int idx)
{
	if (idx < 16)
		return idx;
	int e = (idx - 16) / 16 + 4, sub = (idx - 16) % 16;
	double lo = (double)(1ull << e) + (double)sub * (double)(1ull << (e - 4));
	return lo + (double)(1ull << (e - 4)) / 2.0;
}

void rgb_hist_add(rgb_hist_t *h, uint64_t ns)
{
	h->b[hist_index(ns)]++;
	h->count++;
}

void rgb_hist_merge(rgb_hist_t *into, const rgb_hist_t *h)
{
	for (int i = 0; i < RGB_HIST_BUCKETS; i++)
		into->b[i] += h->b[i];
	into->count += h->count;
}

double rgb_hist_quantile(const rgb_hist_t *h, double q)
{
	if (!h->count)
		return 0;
	uint64_t rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++;
	if (rank < 1)
		rank = 1;
	uint64_t acc = 0;
	for (int i = 0; i < RGB_HIST_BUCKETS; i++) {
		acc += h->b[i];
		if (acc >= rank)
			return hist_mid(i);
	}
	return hist_mid(RGB_HIST_BUCKETS - 1);
}

/* ---------------- clock ---------------- */

static double t_program = -1;

/* Where the round's query streams start (rgb_runner_round). A fixed start
 * in every round made a workload whose trial reads only a few dozen costly
 * queries (SQLite 2-hop: ~10 ms each) measure the same few queries in every
 * round, a different set at each thread count (worker i starts at
 * i * RGB_NQ / n): a systematic, not a random, difference between thread
 * counts, which the full run flagged as a superlinear speedup. */
static uint64_t round_base;

void rgb_runner_round(int round)
{
	round_base = round < 0 ? 0
			       : rgb_mix64(rgb_o.seed * 0xD1B54A32D192ED03ull + (uint64_t)round + 1) &
					 (RGB_NQ - 1);
}

double rgb_run_elapsed(void)
{
	if (t_program < 0)
		t_program = bu_now();
	return bu_now() - t_program;
}

/* ---------------- the runner ---------------- */

void rgb_mark_start(rgb_tctx_t *t)
{
	if (t->first_op == 0)
		t->first_op = bu_now();
}

static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *worker(void *p)
{
	struct wthread *w = p;
	const rgb_job_t *job = w->job;
	struct run *run = w->run;
	if (!job->no_pin)
		rgb_pin(w->ctx.tid);
	w->init_ok = job->thread_init ? job->thread_init(job->arg, &w->ctx) == 0 : 1;
	pthread_barrier_wait(&run->ready);
	for (;;) {
		if (w->init_ok && job->phase_begin)
			job->phase_begin(job->arg, &w->ctx);
		pthread_barrier_wait(&run->start);
		if (run->quit) {
			if (w->init_ok && job->phase_end)
				job->phase_end(job->arg, &w->ctx);
			break;
		}
		if (w->init_ok) {
			w->cpu0 = thread_cpu();
			job->run(job->arg, &w->ctx);
			w->cpu1 = thread_cpu();
			if (job->phase_end)
				job->phase_end(job->arg, &w->ctx);
		}
		pthread_barrier_wait(&run->end);
	}
	if (w->init_ok && job->thread_fini)
		job->thread_fini(job->arg, &w->ctx);
	return NULL;
}

static void sleep_until(double t)
{
	struct timespec ts;
	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

int rgb_run(const rgb_job_t *job, double warmup_s, double duration_s, rgb_result_t *res)
{
	int n = job->nthreads;
	if (n < 1 || n > RGB_MAX_THREADS) {
		fprintf(stderr, "rgbench: thread count %d out of range 1..%d\n", n, RGB_MAX_THREADS);
		return -1;
	}
	struct run run;
	memset(&run, 0, sizeof run);
	pthread_barrier_init(&run.ready, NULL, (unsigned)n + 1);
	pthread_barrier_init(&run.start, NULL, (unsigned)n + 1);
	pthread_barrier_init(&run.end, NULL, (unsigned)n + 1);
	struct wthread *w = calloc((size_t)n, sizeof *w);
	struct bu_padded *ctr = aligned_alloc(64, sizeof(struct bu_padded) * (size_t)n);
	struct aux_pad *aux = aligned_alloc(64, sizeof(struct aux_pad) * (size_t)n);
	rgb_hist_t *hist = job->latency ? calloc((size_t)n, sizeof *hist) : NULL;
	if (!w || !ctr || !aux || (job->latency && !hist)) {
		fprintf(stderr, "rgbench: out of memory\n");
		exit(1);
	}
	memset(ctr, 0, sizeof(struct bu_padded) * (size_t)n);
	memset(aux, 0, sizeof(struct aux_pad) * (size_t)n);
	int created = 0, rc = 0;
	for (int i = 0; i < n; i++) {
		w[i].job = job;
		w[i].run = &run;
		w[i].ctx.tid = i;
		w[i].ctx.nthreads = n;
		w[i].ctx.stop = &run.stop;
		w[i].ctx.ctr = &ctr[i];
		w[i].ctx.aux = aux[i].v;
		w[i].ctx.hist = hist ? &hist[i] : NULL;
		/* the same per-thread seed in every run, and the same query start
		 * in every run of a round: equal work between the configurations
		 * a round pairs */
		w[i].ctx.rng = rgb_mix64(rgb_o.seed * 0x9E3779B97F4A7C15ull + (uint64_t)i + 1) | 1;
		w[i].ctx.pos = (round_base + (uint64_t)i * (RGB_NQ / (uint64_t)n)) & (RGB_NQ - 1);
		int e = pthread_create(&w[i].th, NULL, worker, &w[i]);
		if (e) {
			fprintf(stderr, "rgbench: pthread_create: %s\n", strerror(e));
			break;
		}
		created++;
	}
	if (created < n) {
		/* the barriers count n+1 parties: the missing threads can't be
		 * faked, so this is fatal for the process */
		fprintf(stderr, "rgbench: could only create %d of %d threads\n", created, n);
		exit(1);
	}
	pthread_barrier_wait(&run.ready);
	for (int i = 0; i < n; i++)
		if (!w[i].init_ok)
			rc = -1;
	if (rc)
		fprintf(stderr, "rgbench: a worker's setup failed: run dropped\n");
	int phases = rc ? 0 : 1 + (warmup_s > 0);
	for (int ph = 0; ph < phases; ph++) {
		int measured = ph == phases - 1;
		double d = measured ? duration_s : warmup_s;
		for (int i = 0; i < n; i++) {
			ctr[i].ops = 0;
			ctr[i].checksum = 0;
			memset(aux[i].v, 0, sizeof aux[i].v);
			if (hist)
				memset(&hist[i], 0, sizeof hist[i]);
			w[i].ctx.first_op = 0;
		}
		/* relaxed: the start barrier orders this store before the workers run */
		atomic_store_explicit(&run.stop, 0, memory_order_relaxed);
		double t0 = bu_now();
		pthread_barrier_wait(&run.start);
		if (measured && job->sample && job->sample_s > 0) {
			for (double ts = t0 + job->sample_s; ts < t0 + d - 1e-9; ts += job->sample_s) {
				sleep_until(ts);
				job->sample(job->arg, bu_now() - t0);
			}
		}
		sleep_until(t0 + d);
		/* release: pairs with nothing in particular (workers poll relaxed);
		 * the end barrier is the synchronisation that matters */
		atomic_store_explicit(&run.stop, 1, memory_order_release);
		pthread_barrier_wait(&run.end);
		double t1 = bu_now();
		if (!measured)
			continue;
		memset(res, 0, sizeof *res);
		res->elapsed = t1 - t0;
		res->cpu_share_min = 1e9;
		for (int i = 0; i < n; i++) {
			res->t_ops[i] = ctr[i].ops;
			res->ops += ctr[i].ops;
			res->checksum += ctr[i].checksum;
			res->idle_threads += ctr[i].ops == 0;
			for (int k = 0; k < RGB_AUX; k++) {
				res->t_aux[i][k] = aux[i].v[k];
				res->aux[k] += aux[i].v[k];
			}
			if (hist)
				rgb_hist_merge(&res->hist, &hist[i]);
			double share = (w[i].cpu1 - w[i].cpu0) / res->elapsed;
			if (share < res->cpu_share_min)
				res->cpu_share_min = share;
			if (w[i].ctx.first_op > 0) {
				if (w[i].ctx.first_op < t0)
					res->late_start++;
				if (w[i].ctx.first_op - t0 > res->start_skew)
					res->start_skew = w[i].ctx.first_op - t0;
			}
		}
	}
	run.quit = 1;
	pthread_barrier_wait(&run.start);
	for (int i = 0; i < n; i++)
		pthread_join(w[i].th, NULL);
	pthread_barrier_destroy(&run.ready);
	pthread_barrier_destroy(&run.start);
	pthread_barrier_destroy(&run.end);
	free(w);
	free(ctr);
	free(aux);
	free(hist);
	return rc;
}
