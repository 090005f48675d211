/*
 * wl_counters.c - the counter variants of the metrics issue (metrics.h:
 * rg_counter_* percpu, atomic, perthread, batched) under 1..N threads.
 *
 * Each worker adds 1 in chunks of 1024 until the trial ends; one op = one
 * increment (unit: increments). A fresh counter per configuration. After
 * every trial the counter must equal every increment made so far (warm-up
 * included): the checksum column is the counter's value and extra has
 * exact=1 when it matched (exact=0 would be a counter bug).
 */
#include "rgbench.h"

#define CHUNK 1024

struct ct {
	rg_counter_t *c;
	_Atomic uint64_t total; /* every increment ever made on c */
	const char *variant;
	int threads;
};

static void ct_run(void *arg, rgb_tctx_t *t)
{
	struct ct *a = arg;
	uint64_t ops = 0;
	rgb_mark_start(t);
	do {
		for (int i = 0; i < CHUNK; i++)
			rg_counter_add(a->c, 1);
		ops += CHUNK;
	} while (!rgb_stopped(t));
	t->ctr->ops = ops;
	/* relaxed: read only after the end barrier, which orders it */
	atomic_fetch_add_explicit(&a->total, ops, memory_order_relaxed);
}

static void ct_on_trial(void *ud, int trial, const rgb_result_t *res)
{
	struct ct *a = ud;
	rgb_row_t r;
	rgb_row_init(&r, "counters", a->variant, "-", a->threads, trial);
	r.ops = res->ops;
	r.throughput = (double)res->ops / res->elapsed;
	snprintf(r.unit, sizeof r.unit, "increments");
	int64_t v = rg_counter_read(a->c);
	uint64_t want = atomic_load_explicit(&a->total, memory_order_relaxed);
	r.has_checksum = 1;
	r.checksum = (uint64_t)v;
	rgb_extra(&r, "elapsed_s=%.6f;exact=%d", res->elapsed, (uint64_t)v == want);
	if ((uint64_t)v != want)
		fprintf(stderr, "rgbench: counters: %s read %lld, expected %llu\n", a->variant,
			(long long)v, (unsigned long long)want);
	rgb_emit(&r);
}

int wl_counters(void)
{
	static const rg_counter_kind_t kinds[] = {RG_COUNTER_PERCPU, RG_COUNTER_ATOMIC,
						  RG_COUNTER_PERTHREAD, RG_COUNTER_BATCHED};
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	rgb_progress_begin("counters", 4 * nt);
	for (int k = 0; k < 4; k++)
		for (int t = 0; t < nt; t++) {
			const char *name = rg_counter_kind_name(kinds[k]);
			rgb_progress_step("%s threads=%d", name ? name : "?", thr[t]);
			struct ct a = {.variant = name ? name : "?", .threads = thr[t]};
			int rc = rg_counter_create(kinds[k], 0, &a.c);
			if (rc) {
				fprintf(stderr, "rgbench: rg_counter_create(%s): %s\n", a.variant,
					rg_strerror(rc));
				return -1;
			}
			rgb_job_t job = {.nthreads = thr[t], .arg = &a, .run = ct_run};
			rgb_run(&job, rgb_o.trials, rgb_o.warmup, rgb_o.duration, ct_on_trial, &a);
			rg_counter_destroy(a.c);
		}
	rgb_flush_workload("counters");
	for (int t = 0; t < nt; t++) {
		double at = rgb_median("counters", "atomic", "-", thr[t], -1);
		printf("counters threads=%d, median / atomic:", thr[t]);
		for (int k = 0; k < 4; k++) {
			const char *name = rg_counter_kind_name(kinds[k]);
			double m = rgb_median("counters", name, "-", thr[t], -1);
			if (at > 0 && m > 0 && kinds[k] != RG_COUNTER_ATOMIC)
				printf(" %s %.2f", name, m / at);
		}
		printf("\n");
	}
	return 0;
}
