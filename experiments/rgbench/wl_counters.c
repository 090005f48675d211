/*
 * wl_counters.c - the counter variants of the metrics issue (metrics.h:
 * rg_counter_* percpu, atomic, perthread, batched) under 1..N threads.
 *
 * Each worker adds 1 in chunks of 1024 until the trial ends; one op = one
 * increment (unit: increments). One counter per configuration, created
 * before the rounds and kept. After every run the counter must equal
 * every increment made on it so far (warm-ups included): the checksum
 * column is the counter's value and extra has exact=1 when it matched
 * (exact=0 would be a counter bug). One study: ratios to atomic at the
 * same thread count (with its A/A copy atomic#2), speedups to 1 thread.
 */
#include "rgbench.h"

#define CHUNK 1024

struct ct {
	rg_counter_t *c;
	_Atomic uint64_t total; /* every increment ever made on c */
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

static void ct_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	(void)s;
	job->arg = c->arg;
	job->run = ct_run;
}

static void ct_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	(void)s;
	(void)res;
	struct ct *a = c->arg;
	snprintf(r->unit, sizeof r->unit, "increments");
	int64_t v = rg_counter_read(a->c);
	uint64_t want = atomic_load_explicit(&a->total, memory_order_relaxed);
	r->has_checksum = 1;
	r->checksum = (uint64_t)v;
	rgb_extra(r, "exact=%d", (uint64_t)v == want);
	if ((uint64_t)v != want)
		fprintf(stderr, "rgbench: counters: %s read %lld, expected %llu\n", c->variant,
			(long long)v, (unsigned long long)want);
}

static int counters_run(void)
{
	static const rg_counter_kind_t kinds[] = {RG_COUNTER_ATOMIC, RG_COUNTER_PERCPU,
						  RG_COUNTER_PERTHREAD, RG_COUNTER_BATCHED};
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	rgb_study_t *s = calloc(1, sizeof *s);
	struct ct *a = calloc(4 * (size_t)nt, sizeof *a);
	int rc = -1;
	if (!s || !a)
		goto out;
	rgb_study_init(s, "counters", "counters", NULL);
	for (int k = 0; k < 4; k++)
		for (int t = 0; t < nt; t++) {
			struct ct *x = &a[k * nt + t];
			const char *name = rg_counter_kind_name(kinds[k]);
			int e = rg_counter_create(kinds[k], 0, &x->c);
			if (e) {
				fprintf(stderr, "rgbench: rg_counter_create(%s): %s\n", name ? name : "?",
					rg_strerror(e));
				goto out;
			}
			int i = rgb_cfg_add(s, "", name ? name : "?", NULL, thr[t], k);
			s->cfg[i].arg = x;
			s->cfg[i].group = -1;
		}
	rgb_study_link(s, NULL, rg_counter_kind_name(RG_COUNTER_ATOMIC), 1);
	s->job = ct_job;
	s->row = ct_row;
	rc = rgb_study_run(s);
out:
	for (int i = 0; a && i < 4 * nt; i++)
		if (a[i].c)
			rg_counter_destroy(a[i].c);
	if (s)
		rgb_study_free(s);
	free(s);
	free(a);
	return rc;
}

RGB_WORKLOAD(counters, 50, "counter variants (percpu, atomic, perthread, batched), 1..N threads", 1,
	     NULL, counters_run)
