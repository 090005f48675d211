/*
 * wl_counters.c - the counter variants of the metrics issue under 1..N
 * threads (bench_counters.c folded in: one implementation).
 *
 * Kinds (the sync column):
 *   atomic, percpu, perthread, batched   rg_counter_* (metrics.h; batched
 *                  with its default fold threshold, 64)
 *   metrics        the graph's inline rg__metrics_add() (src/metrics.h) on
 *                  one rg_metrics object, counter RG_C_COMMITS (only when
 *                  metrics are compiled in)
 *   percpu-rseq    ablation: per-CPU slots written with an rseq plain add
 *                  (rg__rseq_addq), the RG_PCPU_USE_RSEQ path of rg__pcpu_add
 *                  inline, atomic fallback word (only where the build has
 *                  RG_HAVE_RSEQ_ADDQ)
 * Each worker adds 1 in chunks of 1024 until the trial ends; one op = one
 * increment (unit: increments). One counter per configuration, created
 * before the rounds and kept. After every run the counter must equal every
 * increment made on it so far (warm-ups included): the checksum column is
 * the counter's value and extra has exact=1 when it matched (exact=0 would
 * be a counter bug). One study: ratios to atomic at the same thread count
 * (with its A/A copy atomic#2), speedups to 1 thread; the named comparison
 * percpu/atomic at each thread count is the metrics issue's target (>= 4 at
 * 2 threads).
 */
#include "metrics.h" /* rg__metrics_add, the rseq add: benchmark-only internals */
#include "rgbench.h"

#define CHUNK 1024

enum { K_METRICS = 4, K_RSEQ = 5, K_N };

/* percpu-rseq's slots: slot i written only on CPU i, the last one takes
 * the fallback atomic adds. */
struct abl_slot {
	uint64_t v;
} __attribute__((aligned(128)));

struct ct {
	int kind;
	rg_counter_t *c;
	struct rg_metrics *m;
	struct abl_slot *slots;
	uint32_t mask;
	_Atomic uint64_t total; /* every increment ever made */
};

static inline void abl_add(struct ct *a)
{
#ifdef RG_HAVE_RSEQ_ADDQ
	if (rg__rseq.ok) {
		for (;;) {
			int cpu = rg__cpu_id_fast();
			if ((unsigned)cpu > a->mask)
				break;
			if (rg__rseq_addq(&a->slots[cpu].v, 1, cpu, rg__rseq.area_off) == 0)
				return;
		}
	}
#endif
	/* relaxed: the fallback word, atomic adds only */
	__atomic_fetch_add(&a->slots[a->mask + 1].v, 1, __ATOMIC_RELAXED);
}

static void ct_run(void *arg, rgb_tctx_t *t)
{
	struct ct *a = arg;
	uint64_t ops = 0;
	rgb_mark_start(t);
	do {
		if (a->kind == K_METRICS)
			for (int i = 0; i < CHUNK; i++)
				rg__metrics_add(a->m, RG_C_COMMITS, 1);
		else if (a->kind == K_RSEQ)
			for (int i = 0; i < CHUNK; i++)
				abl_add(a);
		else
			for (int i = 0; i < CHUNK; i++)
				rg_counter_add(a->c, 1);
		ops += CHUNK;
	} while (!rgb_stopped(t));
	t->ctr->ops = ops;
	/* relaxed: read only after the end barrier, which orders it */
	atomic_fetch_add_explicit(&a->total, ops, memory_order_relaxed);
}

static uint64_t ct_value(const struct ct *a)
{
	if (a->kind == K_METRICS)
		return rg_metrics_counter(a->m, RG_C_COMMITS);
	if (a->kind == K_RSEQ) {
		uint64_t v = 0;
		for (uint32_t i = 0; i <= a->mask + 1; i++)
			v += __atomic_load_n(&a->slots[i].v, __ATOMIC_RELAXED);
		return v;
	}
	return (uint64_t)rg_counter_read(a->c);
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
	uint64_t v = ct_value(a);
	uint64_t want = atomic_load_explicit(&a->total, memory_order_relaxed);
	r->has_checksum = 1;
	r->checksum = v;
	rgb_extra(r, "exact=%d", v == want);
	if (v != want)
		fprintf(stderr, "rgbench: counters: %s read %llu, expected %llu\n", c->sync,
			(unsigned long long)v, (unsigned long long)want);
}

static int ct_create(struct ct *x, int kind)
{
	x->kind = kind;
	if (kind == K_METRICS)
		return (x->m = rg_metrics_create()) ? 0 : RG_ENOMEM;
	if (kind == K_RSEQ) {
		x->mask = rg__percpu_nslots() - 1;
		x->slots = aligned_alloc(128, sizeof *x->slots * (x->mask + 2));
		if (!x->slots)
			return RG_ENOMEM;
		memset(x->slots, 0, sizeof *x->slots * (x->mask + 2));
		return 0;
	}
	return rg_counter_create((rg_counter_kind_t)kind, 0, &x->c);
}

static void ct_destroy(struct ct *x)
{
	rg_counter_destroy(x->c);
	rg_metrics_destroy(x->m);
	free(x->slots);
}

static int counters_run(void)
{
	int kinds[K_N], nk = 0;
	static const rg_counter_kind_t base[] = {RG_COUNTER_ATOMIC, RG_COUNTER_PERCPU,
						 RG_COUNTER_PERTHREAD, RG_COUNTER_BATCHED};
	for (int k = 0; k < 4; k++)
		kinds[nk++] = (int)base[k];
	if (rg_metrics_compiled_in())
		kinds[nk++] = K_METRICS;
	else
		fprintf(stderr, "rgbench: counters: metrics compiled out: 'metrics' skipped\n");
#ifdef RG_HAVE_RSEQ_ADDQ
	kinds[nk++] = K_RSEQ;
#else
	fprintf(stderr, "rgbench: counters: no rseq add in this build: 'percpu-rseq' skipped\n");
#endif
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	rgb_study_t *s = calloc(1, sizeof *s);
	struct ct *a = calloc((size_t)nk * (size_t)nt, sizeof *a);
	int rc = -1;
	if (!s || !a)
		goto out;
	rgb_study_init(s, "counters", "counters", NULL);
	for (int k = 0; k < nk; k++)
		for (int t = 0; t < nt; t++) {
			struct ct *x = &a[k * nt + t];
			const char *name = kinds[k] == K_METRICS ? "metrics"
					   : kinds[k] == K_RSEQ	   ? "percpu-rseq"
								   : rg_counter_kind_name((rg_counter_kind_t)kinds[k]);
			int e = ct_create(x, kinds[k]);
			if (e) {
				fprintf(stderr, "rgbench: counters: creating %s: %s\n", name ? name : "?",
					rg_strerror(e));
				goto out;
			}
			int i = rgb_cfg_add(s, "", name ? name : "?", NULL, thr[t], kinds[k]);
			s->cfg[i].arg = x;
			s->cfg[i].group = -1;
		}
	rgb_study_link(s, NULL, rg_counter_kind_name(RG_COUNTER_ATOMIC), 1);
	for (int t = 0; t < nt; t++)
		rgb_study_compare(s, rgb_cfg_find(s, "", "percpu", thr[t]),
				  rgb_cfg_find(s, "", "atomic", thr[t]), "percpu/atomic");
	s->job = ct_job;
	s->row = ct_row;
	rc = rgb_study_run(s);
out:
	for (int i = 0; a && i < nk * nt; i++)
		ct_destroy(&a[i]);
	if (s)
		rgb_study_free(s);
	free(s);
	free(a);
	return rc;
}

RGB_WORKLOAD(counters, 50,
	     "counter variants (atomic, percpu, perthread, batched, the graph's inline metrics add, "
	     "an rseq plain-add ablation), 1..N threads",
	     1, NULL, counters_run)
