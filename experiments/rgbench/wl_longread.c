/*
 * wl_longread.c - one reader holds a read section for the whole trial
 * (seconds) while the writer commits: what the garbage does, and what the
 * writer pays, per policy class.
 *
 * One graph (the workload graph, --graph), built once with
 * gc_limit_bytes = 16 MiB (--quick 4 MiB) so that the bound is reached
 * within a trial, packed again before every run (the churn leaves copies).
 * Two workers: worker 0 registers, opens ONE read section after the start
 * barrier and queries inside it (rg_span on the section's snapshot, the
 * exported path) until the stop flag, then ends it; worker 1 commits churn
 * back to back (8 edges of a private type out of a random node, the next
 * transaction deletes them), timing every commit (p50..p999 columns: the
 * writer's commit latency; extra max_commit_us: its longest stall).
 * Trials last at least 3 s (--quick 0.12 s).
 *
 * Policies (--sync; default rcu-memb, rcu-qsbr, ck-epoch: the reclamation
 * classes, and rwlock: a lock policy, whose writer cannot commit while the
 * section is open at all; nosync is skipped: it takes no writer beside a
 * reader). A policy under which garbage cannot be freed while the reader
 * holds its section lets superseded memory pile up to gc_limit_bytes, then
 * the writer waits (rg_stats_t.gc_waits) until the section ends.
 *
 * Rows: one measured row per configuration and round: throughput = the
 * writer's commits per second; extra peak_pending_bytes (the largest
 * sample), gc_limit_bytes, bound_ratio (peak / limit: reached ~1, held
 * <= 1 + one transaction's garbage), gc_waits (in the trial), writer
 * commits, max_commit_us, reader_queries, section_s (how long the section
 * was held). Samples every trial/10 as auxiliary rows (variant "t=0.30s",
 * verdict "sample", never judged) read lock-free from the graph's metrics
 * (the writer may be blocked holding the writer mutex, which rg_stats_get
 * would wait for): pending_bytes (reclaim queued - done), gc_waits,
 * commits_total. One study; throughput ratios to rcu-memb (A/A rcu-memb#2).
 * Equal work: the reader's queries are the fixed sequence of the read
 * workloads, checksummed the same way under every policy before timing.
 */
#include <math.h>
#include <stdatomic.h>

#include "queries.h"

#define LR_TYPE 3
#define LR_BATCH 8

struct lr {
	rg_graph_t *g;
	const rgb_data_t *d;
	rgb_study_t *s;
	const char *sync;
	size_t limit;
	_Atomic uint64_t commits; /* written by the writer, read by the sampler */
	uint64_t peak_pending, waits0;
	double last_t;
};

static uint64_t metric(rg_graph_t *g, enum rg_counter_id id)
{
	rg_metrics_t *m = rgb_graph_metrics(g);
	return m ? rg_metrics_counter(m, id) : 0;
}

static uint64_t pending(rg_graph_t *g)
{
	uint64_t q = metric(g, RG_C_RECLAIM_BYTES_QUEUED), d = metric(g, RG_C_RECLAIM_BYTES_DONE);
	return q > d ? q - d : 0;
}

static void lr_begin(void *arg, rgb_tctx_t *t)
{
	struct lr *a = arg;
	if (t->tid == 0 && rg_reader_register(a->g))
		rgb_error_count();
}

static void lr_end(void *arg, rgb_tctx_t *t)
{
	struct lr *a = arg;
	if (t->tid == 0)
		rg_reader_unregister(a->g);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void lr_run(void *arg, rgb_tctx_t *t)
{
	struct lr *a = arg;
	const rgb_data_t *d = a->d;
	rgb_mark_start(t);
	if (t->tid == 0) {
		rg_read_t *r;
		if (rg_read_begin(a->g, &r)) {
			rgb_error_count();
			return;
		}
		uint64_t t0 = now_ns(), ops = 0, sum = 0, pos = t->pos;
		do {
			for (int k = 0; k < 16; k++)
				sum += rgb_q_span(r, d->queries[pos++ & (RGB_NQ - 1)]);
			ops += 16;
		} while (!rgb_stopped(t));
		rg_read_end(r);
		t->aux[0] = now_ns() - t0;
		t->pos = pos;
		t->ctr->ops = ops;
		t->ctr->checksum = sum;
		return;
	}
	uint64_t commits = 0, failed = 0, maxns = 0;
	rgb_churn_writer(a->g, d, t, LR_BATCH, LR_TYPE, &a->commits, &commits, &failed, &maxns);
	t->ctr->ops = commits;
	t->aux[1] = failed;
	t->aux[2] = maxns;
}

static void lr_sample(void *arg, double t_rel)
{
	struct lr *a = arg;
	uint64_t p = pending(a->g), w = metric(a->g, RG_C_RECLAIM_WAITS);
	uint64_t c = atomic_load_explicit(&a->commits, memory_order_relaxed);
	if (p > a->peak_pending)
		a->peak_pending = p;
	rgb_row_t r;
	char v[32];
	snprintf(v, sizeof v, "t=%.2fs", t_rel);
	rgb_row_init(&r, "longread", v, a->sync, 2);
	rgb_row_graph(&r, a->d);
	r.round = a->s->cur_round;
	r.order_pos = a->s->cur_pos;
	r.sample = 1;
	snprintf(r.verdict, sizeof r.verdict, "sample");
	rgb_cpus_str(r.cpus, sizeof r.cpus, 2);
	r.batch = LR_BATCH;
	r.ops = c;
	r.throughput = t_rel > 0 ? (double)c / t_rel : 0;
	snprintf(r.unit, sizeof r.unit, "commits");
	rgb_extra(&r, "pending_bytes=%llu;gc_waits=%llu;commits_total=%llu;gc_limit_bytes=%zu",
		  (unsigned long long)p, (unsigned long long)(w - a->waits0), (unsigned long long)c,
		  a->limit);
	rgb_emit(&r);
	a->last_t = t_rel;
}

static int lr_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	struct lr *a = c->arg;
	if (rgb_set_policy(a->g, c->policy))
		return -1;
	int rc = rgb_o.pack ? rg_pack(a->g) : 0;
	if (rc) {
		fprintf(stderr, "rgbench: longread: rg_pack: %s\n", rg_strerror(rc));
		return -1;
	}
	a->s = s;
	a->sync = c->sync;
	a->peak_pending = 0;
	a->last_t = 0;
	atomic_store_explicit(&a->commits, 0, memory_order_relaxed);
	a->waits0 = metric(a->g, RG_C_RECLAIM_WAITS);
	return 0;
}

static int lr_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	(void)s;
	struct lr *a = c->arg;
	return rgb_verify_sections(a->g, a->d, ck);
}

static void lr_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	job->arg = c->arg;
	job->latency = 1;
	job->phase_begin = lr_begin;
	job->phase_end = lr_end;
	job->run = lr_run;
	job->sample_s = s->duration / 10;
	job->sample = lr_sample;
}

static void lr_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	(void)s;
	struct lr *a = c->arg;
	uint64_t commits = res->t_ops[1];
	r->ops = commits;
	r->throughput = res->elapsed > 0 ? (double)commits / res->elapsed : 0;
	r->batch = LR_BATCH;
	snprintf(r->unit, sizeof r->unit, "commits");
	rgb_row_latency(r, &res->hist);
	rgb_extra(r, "peak_pending_bytes=%llu;gc_limit_bytes=%zu;bound_ratio=%.3f;gc_waits=%llu;"
		     "max_commit_us=%.1f;reader_queries=%llu;section_s=%.6f;metrics=%d",
		  (unsigned long long)a->peak_pending, a->limit,
		  (double)a->peak_pending / (double)a->limit,
		  (unsigned long long)(metric(a->g, RG_C_RECLAIM_WAITS) - a->waits0),
		  (double)res->t_aux[1][2] / 1e3, (unsigned long long)res->t_ops[0],
		  (double)res->t_aux[0][0] * 1e-9, rgb_graph_metrics(a->g) != NULL);
	if (res->t_aux[1][1])
		rgb_extra(r, "failed_txns=%llu", (unsigned long long)res->t_aux[1][1]);
}

static int longread_run(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	const rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const char *const dflt[] = {"rcu-memb", "rcu-qsbr", "ck-epoch", "rwlock", NULL};
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, dflt);
	size_t limit = rgb_o.quick ? (4u << 20) : (16u << 20);
	rgb_gopts_t go = {.edges = 1, .gc_limit_bytes = limit};
	rg_graph_t *g = rgb_graph_build("rcu-memb", d, &go);
	rgb_study_t *s = calloc(1, sizeof *s);
	struct lr *pool = calloc((size_t)ns, sizeof *pool);
	int rc = -1, np = 0;
	if (!g || !s || !pool)
		goto out;
	if (!rgb_graph_metrics(g))
		fprintf(stderr, "rgbench: longread: metrics are off in this build: no pending-bytes "
				"samples\n");
	rgb_study_init(s, "longread", "longread", d);
	double minimum = rgb_o.quick ? 0.12 : 3.0;
	if (s->duration < minimum)
		s->duration = minimum;
	for (int k = 0; k < ns; k++) {
		if (!strcmp(syncs[k], "nosync")) {
			fprintf(stderr, "rgbench: longread: nosync skipped (no writer beside a reader)\n");
			continue;
		}
		struct lr *a = &pool[np++];
		a->g = g;
		a->d = d;
		a->limit = limit;
		int i = rgb_cfg_add(s, "long-section", syncs[k], syncs[k], 2, 0);
		if (i < 0)
			goto out;
		s->cfg[i].arg = a;
		s->cfg[i].batch = LR_BATCH;
	}
	rgb_study_link(s, NULL, "rcu-memb", 1);
	s->enter = lr_enter;
	s->verify = lr_verify;
	s->job = lr_job;
	s->row = lr_row;
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	free(s);
	free(pool);
	rgb_graph_close(g);
	return rc;
}

RGB_WORKLOAD(longread, 76,
	     "one reader holds a section for the whole trial while the writer commits: pending "
	     "garbage, gc_limit_bytes reached and held, writer stalls, per policy class",
	     1, NULL, longread_run)
