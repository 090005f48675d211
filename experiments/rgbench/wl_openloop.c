/*
 * wl_openloop.c - open-loop read latency: readers issue queries at a fixed
 * arrival rate, on a schedule computed in advance, and every query's
 * latency is taken from its SCHEDULED time, so time spent queued behind a
 * late query counts (the coordinated-omission correction: a closed loop
 * measures only service times and never sees the queue a stall builds).
 *
 * The schedule: per reader, 65,536 exponential gaps with mean 1/--rate
 * (default 100,000 queries per second per reader: Poisson arrivals),
 * drawn once before the study from a seed that depends only on the
 * reader, and cycled; arrival k of a run is at first_op + the sum of the
 * first k gaps. A reader waits for an arrival by spinning on the clock
 * (the gaps are microseconds, below a sleep's resolution), then runs the
 * query (one read section through the exported path, queries.h) and
 * records completion - arrival in its histogram (p50..p999 columns: 16
 * sub-buckets per power of two). A reader that falls behind does not wait:
 * its backlog drains as fast as it can, and the latencies show it. extra
 * backlog: arrivals scheduled before the stop but never issued; on_time:
 * the fraction of arrivals issued (a reader that cannot keep up is
 * overloaded: its percentiles grow with the trial).
 *
 * Variants "no-writer" and "writer" (one more thread commits 10-edge churn
 * transactions back to back: inserted, then deleted by the next, so the
 * graph is left as it was); threads = readers (--threads, default 1) (+1
 * with the writer). Every policy of --sync, nosync always (no-writer only).
 * One packed graph, one study, repacked before a run after a writing one.
 *
 * Judged: the per-round p99 (and p99.9) of each configuration against its
 * reference measured in the same rounds, nosync@no-writer and
 * rcu-memb@writer (named comparisons p99/<ref> and p999/<ref> in the
 * ratios CSV), with the latency resolution from the A/A copies (nosync#2,
 * rcu-memb#2: "A/A p99" rows). Throughput (completed queries per second)
 * is written and ratioed too but is the rate by construction, so neither
 * the nosync-ceiling check nor the speedup check applies to it (both off
 * for this workload).
 */
#include <math.h>

#include "queries.h"

static const char *const variants[] = {"no-writer", "writer", NULL};

#define NGAP (1u << 16)
#define OL_BATCH 10
#define OL_TYPE 5

struct ol {
	rg_graph_t *g;
	const rgb_data_t *d;
	const uint64_t *gaps; /* [RGB_MAX_THREADS][NGAP] ns */
	int nreaders;
	double *p99, *p999; /* [rounds] */
	int *dirty;         /* the study's graph was written since the last pack */
};

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void ol_begin(void *arg, rgb_tctx_t *t)
{
	struct ol *a = arg;
	if (t->tid < a->nreaders && rg_reader_register(a->g))
		rgb_error_count();
}

static void ol_end(void *arg, rgb_tctx_t *t)
{
	struct ol *a = arg;
	if (t->tid < a->nreaders)
		rg_reader_unregister(a->g);
}

static void ol_writer(struct ol *a, rgb_tctx_t *t)
{
	const rgb_data_t *d = a->d;
	uint64_t commits = 0, failed = 0;
	rgb_churn_writer(a->g, d, t, OL_BATCH, OL_TYPE, NULL, &commits, &failed, NULL);
	t->ctr->ops = commits;
	t->aux[1] = failed;
}

static void ol_run(void *arg, rgb_tctx_t *t)
{
	struct ol *a = arg;
	rgb_mark_start(t);
	if (t->tid >= a->nreaders) {
		ol_writer(a, t);
		return;
	}
	const uint64_t *gap = a->gaps + (size_t)t->tid * NGAP;
	const uint64_t *q = a->d->queries;
	uint64_t pos = t->pos, ops = 0, sum = 0, retries = 0, k = 0;
	uint64_t next = now_ns();
	int stop = 0;
	while (!stop) {
		next += gap[k++ & (NGAP - 1)];
		uint64_t now;
		for (unsigned spin = 0; (now = now_ns()) < next; spin++)
			if ((spin & 63) == 63 && rgb_stopped(t)) {
				stop = 1;
				break;
			}
		if (stop)
			break;
		sum += rgb_q_section(a->g, q[pos++ & (RGB_NQ - 1)], &retries);
		rgb_hist_add(t->hist, now_ns() - next);
		rg_reader_quiescent(a->g);
		ops++;
		stop = rgb_stopped(t);
	}
	/* arrivals scheduled before now that were never issued */
	uint64_t end = now_ns(), backlog = 0;
	for (next += gap[k & (NGAP - 1)]; next <= end && backlog < (1u << 30); backlog++)
		next += gap[++k & (NGAP - 1)];
	t->pos = pos;
	t->ctr->ops = ops;
	t->ctr->checksum = sum;
	t->aux[0] = backlog;
	t->aux[2] = retries;
}

static int ol_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	struct ol *a = c->arg;
	if (rgb_set_policy(a->g, c->policy))
		return -1;
	if (*a->dirty && rgb_o.pack) {
		int rc = rg_pack(a->g);
		if (rc) {
			fprintf(stderr, "rgbench: openloop: rg_pack: %s\n", rg_strerror(rc));
			return -1;
		}
	}
	*a->dirty = c->threads > a->nreaders;
	return 0;
}

static int ol_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	(void)s;
	struct ol *a = c->arg;
	return rgb_verify_sections(a->g, a->d, ck);
}

static void ol_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	(void)s;
	job->arg = c->arg;
	job->latency = 1;
	job->phase_begin = ol_begin;
	job->phase_end = ol_end;
	job->run = ol_run;
}

static void ol_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	struct ol *a = c->arg;
	uint64_t ops = 0, backlog = 0;
	for (int i = 0; i < a->nreaders && i < c->threads; i++) {
		ops += res->t_ops[i];
		backlog += res->t_aux[i][0];
	}
	r->ops = ops;
	r->throughput = res->elapsed > 0 ? (double)ops / res->elapsed : 0;
	snprintf(r->unit, sizeof r->unit, "queries");
	rgb_row_latency(r, &res->hist); /* only readers record latencies */
	if (r->round >= 0 && r->round < s->rounds) {
		a->p99[r->round] = r->p99_us > 0 ? r->p99_us : NAN;
		a->p999[r->round] = r->p999_us > 0 ? r->p999_us : NAN;
	}
	rgb_extra(r, "readers=%d;rate_per_reader=%.6g;backlog=%llu;on_time=%.4f;open_loop=1",
		  a->nreaders, rgb_o.rate, (unsigned long long)backlog,
		  ops + backlog ? (double)ops / (double)(ops + backlog) : 0.0);
	if (c->threads > a->nreaders)
		rgb_extra(r, "writer_commits=%llu", (unsigned long long)res->t_ops[a->nreaders]);
	uint64_t retries = 0, failed = 0;
	for (int i = 0; i < c->threads; i++) {
		retries += res->t_aux[i][2];
		failed += res->t_aux[i][1];
	}
	if (retries)
		rgb_extra(r, "read_retries=%llu", (unsigned long long)retries);
	if (failed)
		rgb_extra(r, "failed_txns=%llu", (unsigned long long)failed);
}

static int openloop_run(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	const rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const int one[] = {1};
	int rdr[RGB_MAX_LIST];
	int nt = rgb_threads_list(rdr, one, 1);
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_read_syncs(syncs, NULL);
	int maxr = 1;
	for (int t = 0; t < nt; t++)
		maxr = rdr[t] > maxr ? rdr[t] : maxr;
	uint64_t *gaps = malloc((size_t)maxr * NGAP * sizeof *gaps);
	rg_graph_t *g = rgb_graph_build("rcu-memb", d, NULL);
	rgb_study_t *s = calloc(1, sizeof *s);
	struct ol *pool = calloc(RGB_MAX_CFG, sizeof *pool);
	int rc = -1, np = 0, dirty = 0;
	if (!gaps || !g || !s || !pool)
		goto out;
	double mean_ns = 1e9 / rgb_o.rate;
	for (int r = 0; r < maxr; r++) {
		uint64_t x = rgb_mix64(0x0be9100f + (uint64_t)r) | 1;
		for (uint32_t k = 0; k < NGAP; k++) {
			double u = ((double)(rgb_rand(&x) >> 11) + 0.5) / 9007199254740992.0;
			gaps[(size_t)r * NGAP + k] = (uint64_t)(-log(u) * mean_ns) + 1;
		}
	}
	rgb_study_init(s, "openloop", "openloop", d);
	for (int v = 0; v < 2; v++) {
		if (!rgb_variant_on(variants[v], 1))
			continue;
		for (int t = 0; t < nt; t++)
			for (int k = 0; k < ns; k++) {
				if (v && !strcmp(syncs[k], "nosync"))
					continue;
				struct ol *a = &pool[np++];
				*a = (struct ol){.g = g, .d = d, .gaps = gaps, .nreaders = rdr[t],
						 .dirty = &dirty};
				a->p99 = malloc((size_t)s->rounds * sizeof *a->p99);
				a->p999 = malloc((size_t)s->rounds * sizeof *a->p999);
				if (!a->p99 || !a->p999)
					goto out;
				for (int r = 0; r < s->rounds; r++)
					a->p99[r] = a->p999[r] = NAN;
				int i = rgb_cfg_add(s, variants[v], syncs[k], syncs[k], rdr[t] + v, v);
				if (i < 0)
					goto out;
				s->cfg[i].arg = a;
				if (v)
					s->cfg[i].batch = OL_BATCH;
			}
	}
	rgb_study_link(s, "no-writer", "nosync", 0);
	rgb_study_link(s, "writer", "rcu-memb", 0);
	/* the A/A copies get their own schedules' memory: a separate struct */
	int n0 = s->ncfg;
	for (int i = 0; i < n0; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		c->flags &= ~RGB_CFG_CEILING; /* throughput is the rate: no ceiling to beat */
		c->one = -1;                  /* nor a speedup to check */
		int ref = (!strcmp(c->variant, "no-writer") && !strcmp(c->sync, "nosync")) ||
			  (!strcmp(c->variant, "writer") && !strcmp(c->sync, "rcu-memb"));
		if (!ref)
			continue;
		int k = rgb_cfg_add_aa(s, i);
		if (k < 0)
			goto out;
		struct ol *a = &pool[np++];
		*a = *(struct ol *)c->arg;
		a->p99 = malloc((size_t)s->rounds * sizeof *a->p99);
		a->p999 = malloc((size_t)s->rounds * sizeof *a->p999);
		if (!a->p99 || !a->p999)
			goto out;
		for (int r = 0; r < s->rounds; r++)
			a->p99[r] = a->p999[r] = NAN;
		s->cfg[k].arg = a;
	}
	s->enter = ol_enter;
	s->verify = ol_verify;
	s->job = ol_job;
	s->row = ol_row;
	if ((rc = rgb_study_run(s)))
		goto out;
	/* latency: each configuration's per-round p99 / p99.9 against its
	 * reference's, judged with the A/A copy's resolution of that metric */
	printf("   open-loop latency (%.6g arrivals/s per reader), paired per round:\n", rgb_o.rate);
	for (int i = 0; i < s->ncfg; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		if (!(c->flags & RGB_CFG_AA) || c->ref < 0)
			continue;
		struct ol *x = c->arg, *y = s->cfg[c->ref].arg;
		double r99 = NAN, r999 = NAN;
		rgb_metric_resolution(s, i, c->ref, x->p99, y->p99, "A/A p99", &r99);
		rgb_metric_resolution(s, i, c->ref, x->p999, y->p999, "A/A p999", &r999);
		for (int k = 0; k < s->ncfg; k++) {
			rgb_cfg_t *o = &s->cfg[k];
			if (o->ref != c->ref || (o->flags & RGB_CFG_AA))
				continue;
			struct ol *z = o->arg;
			char nm[96];
			snprintf(nm, sizeof nm, "p99/%s", s->cfg[c->ref].sync);
			rgb_metric_cmp(s, k, c->ref, z->p99, y->p99, nm, isnan(r99) ? 0 : r99, NULL);
			snprintf(nm, sizeof nm, "p999/%s", s->cfg[c->ref].sync);
			rgb_metric_cmp(s, k, c->ref, z->p999, y->p999, nm, isnan(r999) ? 0 : r999, NULL);
		}
	}
out:
	if (s)
		rgb_study_free(s);
	for (int i = 0; pool && i < np; i++) {
		free(pool[i].p99);
		free(pool[i].p999);
	}
	free(pool);
	free(s);
	free(gaps);
	rgb_graph_close(g);
	return rc;
}

RGB_WORKLOAD(openloop, 72,
	     "open-loop read latency at a fixed arrival rate (--rate), from the scheduled time "
	     "(queueing counted), with and without a writer, per policy",
	     1, variants, openloop_run)
