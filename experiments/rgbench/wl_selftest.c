/*
 * wl_selftest.c - a fake workload with deterministic bookkeeping, for
 * tests/test_rgbench.c (hidden: not in --list or 'all').
 *
 * Every op sleeps RGB_SELFTEST_US (throughput does not depend on the
 * machine's speed) and adds RGB_SELFTEST_K to its thread's checksum, so
 * every row has checksum == ops * K (mod 2^64). Each variant is a study:
 *   serial       ops of a configuration hold one mutex while sleeping
 *                (speedup ~1); configurations nosync (the reference),
 *                nosync#2 (A/A) and "slow" (every op sleeps twice as
 *                long: ratio ~0.5, verdict below)
 *   linear       independent sleepers (speedup ~threads): nosync, nosync#2
 *   superlinear  every op counted 64 threads^2 times above 1 thread (once
 *                at 1): speedup ~64 threads^3, which the speedup check
 *                must mark INVALID
 *   ceiling      "fast": a configuration flagged as synchronised whose ops
 *                count 64 times: above the nosync ceiling, INVALID
 *   unequal      "liar": its equal-work hook (verify) returns another
 *                checksum than nosync's on the same work: INVALID
 *                ("unequal work"), the study-level check failing by
 *                construction
 *   unequal-run  "liar": count-based (measure), each run reports its
 *                result to rgb_work_check, the per-run check of the
 *                writer-side workloads; from round 1 on its result is
 *                deliberately wrong: INVALID ("unequal work in round 1")
 * The factors are far beyond what a loaded machine does to sleeps (a 200 us
 * sleep overshooting to a few ms under ASan and parallel tests moves a
 * ratio and the A/A resolution by a factor of a few, not 64).
 * Default: serial and linear.
 */
#include "rgbench.h"

#define RGB_SELFTEST_US 200
#define RGB_SELFTEST_K 0x9E3779B97F4A7C15ull

enum { V_SERIAL, V_LINEAR, V_SUPER, V_CEIL, V_UNEQ, V_UNEQ_RUN, V_N };
static const char *const vnames[V_N + 1] = {"serial", "linear", "superlinear", "ceiling",
					    "unequal", "unequal-run", NULL};

struct st {
	int liar;       /* unequal: its verify reports a wrong checksum */
	int run_liar;   /* unequal-run: its runs report a wrong result from round 1 */
	int serial;
	int sleep_mult; /* op sleeps sleep_mult * RGB_SELFTEST_US */
	int weight;     /* 0: 1; 1: 64 threads^2 (1 at 1 thread); 64: 64 */
	pthread_mutex_t mu;
};

static void st_run(void *arg, rgb_tctx_t *t)
{
	struct st *a = arg;
	uint64_t tn = (uint64_t)t->nthreads;
	uint64_t w = a->weight == 1 ? (tn > 1 ? 64 : 1) * tn * tn
				    : (a->weight ? (uint64_t)a->weight : 1);
	uint64_t ops = 0;
	rgb_mark_start(t);
	struct timespec ts = {0, (long)a->sleep_mult * RGB_SELFTEST_US * 1000L};
	do {
		if (a->serial)
			pthread_mutex_lock(&a->mu);
		nanosleep(&ts, NULL);
		if (a->serial)
			pthread_mutex_unlock(&a->mu);
		ops += w;
	} while (!rgb_stopped(t));
	t->ctr->ops = ops;
	t->ctr->checksum = ops * RGB_SELFTEST_K;
}

static void st_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	(void)s;
	job->arg = c->arg;
	job->run = st_run;
}

static void st_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	(void)s;
	snprintf(r->unit, sizeof r->unit, "ops");
	r->has_checksum = 1;
	r->checksum = res->checksum;
	uint64_t minops = UINT64_MAX;
	int with = 0;
	for (int i = 0; i < c->threads; i++) {
		minops = res->t_ops[i] < minops ? res->t_ops[i] : minops;
		with += res->t_ops[i] > 0;
	}
	rgb_extra(r, "min_thread_ops=%llu;threads_with_ops=%d", (unsigned long long)minops, with);
}

/* unequal: the configuration's own checksum of the "same" work (the liar's
 * is off by one). */
static int st_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	(void)s;
	*ck = RGB_SELFTEST_K + (uint64_t)((struct st *)c->arg)->liar;
	return 0;
}

/* unequal-run: one count-based run of 100 sleeps; its result goes through
 * rgb_work_check against the verify value, wrong for the liar from round 1. */
static int st_measure(rgb_study_t *s, rgb_cfg_t *c, rgb_row_t *r)
{
	struct st *a = c->arg;
	struct timespec ts = {0, RGB_SELFTEST_US * 1000L};
	double t0 = bu_now();
	for (int i = 0; i < 100; i++)
		nanosleep(&ts, NULL);
	double el = bu_now() - t0;
	uint64_t got = RGB_SELFTEST_K + (uint64_t)(a->run_liar && s->cur_round >= 1);
	rgb_work_check(c, s->cur_round, got == c->checksum, "result %016llx, verify had %016llx",
		       (unsigned long long)got, (unsigned long long)c->checksum);
	r->ops = 100;
	r->throughput = 100 / el;
	snprintf(r->unit, sizeof r->unit, "ops");
	return 0;
}

static int st_study(int v, const int *thr, int nt)
{
	rgb_study_t *s = calloc(1, sizeof *s);
	struct st *args = calloc(2 * (size_t)nt, sizeof *args);
	int rc = -1;
	if (!s || !args)
		goto out;
	char name[64];
	snprintf(name, sizeof name, "selftest %s", vnames[v]);
	rgb_study_init(s, "selftest", name, NULL);
	for (int t = 0; t < nt; t++) {
		struct st *ref = &args[2 * t], *other = &args[2 * t + 1];
		*ref = (struct st){.serial = v == V_SERIAL, .sleep_mult = 1};
		pthread_mutex_init(&ref->mu, NULL);
		int i = rgb_cfg_add(s, vnames[v], "nosync", NULL, thr[t], 0);
		s->cfg[i].arg = ref;
		s->cfg[i].group = -1; /* no equal-work checksum: sleeps */
		const char *oname = v == V_SERIAL ? "slow" : v == V_SUPER ? "superlinear"
						: v == V_CEIL  ? "fast"
						: v >= V_UNEQ  ? "liar"
							       : NULL;
		if (v >= V_UNEQ)
			s->cfg[i].group = 0; /* these two must agree */
		if (!oname)
			continue;
		*other = (struct st){.serial = v == V_SERIAL,
				     .sleep_mult = v == V_SERIAL ? 2 : 1,
				     .weight = v == V_SUPER ? 1 : v == V_CEIL ? 64 : 0};
		pthread_mutex_init(&other->mu, NULL);
		other->liar = v == V_UNEQ;
		other->run_liar = v == V_UNEQ_RUN;
		int k = rgb_cfg_add(s, vnames[v], oname, NULL, thr[t], 0);
		s->cfg[k].arg = other;
		s->cfg[k].group = v >= V_UNEQ ? 0 : -1;
		if (v == V_CEIL)
			s->cfg[k].flags |= RGB_CFG_CEILING; /* plays a synchronised policy */
	}
	rgb_study_link(s, NULL, "nosync", 1);
	s->job = st_job;
	s->row = st_row;
	if (v == V_UNEQ)
		s->verify = st_verify;
	if (v == V_UNEQ_RUN) {
		s->verify = st_verify; /* agrees: only the liar's runs can give it away */
		s->measure = st_measure;
	}
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	for (int i = 0; args && i < 2 * nt; i++)
		if (args[i].sleep_mult)
			pthread_mutex_destroy(&args[i].mu);
	free(args);
	free(s);
	return rc;
}

static int selftest_run(void)
{
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	int rc = 0;
	for (int v = 0; v < V_N; v++)
		if (rgb_variant_on(vnames[v], v == V_SERIAL || v == V_LINEAR))
			rc |= st_study(v, thr, nt);
	return rc;
}

RGB_WORKLOAD(selftest, 1, NULL, 0, vnames, selftest_run)
