/*
 * wl_memory.c - superseded memory awaiting reclamation
 * (rg_stats.gc_pending_bytes) and the process RSS, sampled 10 times per
 * trial while one writer churns (adds --batch edges out of a random node,
 * its next transaction deletes them) and --threads readers (default 1)
 * query, per writable policy, on one packed graph (repacked between runs).
 *
 * Rows: one measured row per configuration and round (ops = commits,
 * unit commits; extra peak_pending_bytes, peak_rss_bytes) and the samples
 * as auxiliary rows (variant "t=0.30s", verdict "sample": never judged):
 * ops = commits in the interval; extra rss_bytes, rss_delta_bytes (vs the
 * start of the run), pending_bytes, pending_objects, gc_waits,
 * gc_freed_bytes, commits_total. Trials last at least 3 s (quick 0.25 s).
 * One study; ratios to rcu-memb (A/A copy rcu-memb#2).
 */
#include "queries.h"

#define MEM_TYPE 2

struct mem {
	rg_graph_t *g;
	const rgb_data_t *d;
	int batch;
	_Atomic uint64_t commits; /* written by the writer, read by the sampler */
	const char *sync;
	int threads;
	rgb_study_t *s;
	double last_t;
	uint64_t last_commits;
	uint64_t peak_pending, peak_rss;
	uint64_t rss0; /* RSS when the configuration's graph was built */
};

static void mem_begin(void *arg, rgb_tctx_t *t)
{
	struct mem *a = arg;
	if (t->tid > 0)
		rg_reader_register(a->g);
}

static void mem_end(void *arg, rgb_tctx_t *t)
{
	struct mem *a = arg;
	if (t->tid > 0)
		rg_reader_unregister(a->g);
}

static void mem_run(void *arg, rgb_tctx_t *t)
{
	struct mem *a = arg;
	const rgb_data_t *d = a->d;
	rgb_mark_start(t);
	if (t->tid > 0) { /* reader */
		uint64_t ops = 0, sum = 0, retries = 0, pos = t->pos;
		do {
			for (int k = 0; k < 16; k++) {
				sum += rgb_q_section(a->g, d->queries[pos++ & (RGB_NQ - 1)], &retries);
				rg_reader_quiescent(a->g);
			}
			ops += 16;
		} while (!rgb_stopped(t));
		t->pos = pos;
		t->ctr->ops = ops;
		t->ctr->checksum = sum;
		return;
	}
	uint64_t commits = 0, failed = 0;
	rgb_churn_writer(a->g, d, t, a->batch, MEM_TYPE, &a->commits, &commits, &failed, NULL);
	t->ctr->ops = commits;
	t->aux[0] = commits;
	t->aux[1] = failed;
}

static void mem_sample(void *arg, double t_rel)
{
	struct mem *a = arg;
	rg_stats_t st;
	rg_stats_get(a->g, &st);
	uint64_t rss = rgb_rss_bytes();
	uint64_t c = atomic_load_explicit(&a->commits, memory_order_relaxed);
	double dt = t_rel - a->last_t;
	uint64_t dc = c >= a->last_commits ? c - a->last_commits : c;
	a->last_t = t_rel;
	a->last_commits = c;
	rgb_row_t r;
	char v[32];
	snprintf(v, sizeof v, "t=%.2fs", t_rel);
	rgb_row_init(&r, "memory", v, a->sync, a->threads);
	rgb_row_graph(&r, a->d);
	r.round = a->s->cur_round;
	r.order_pos = a->s->cur_pos;
	r.sample = 1;
	snprintf(r.verdict, sizeof r.verdict, "sample");
	rgb_cpus_str(r.cpus, sizeof r.cpus, a->threads);
	r.batch = a->batch;
	r.ops = dc;
	r.throughput = dt > 0 ? (double)dc / dt : 0;
	snprintf(r.unit, sizeof r.unit, "commits");
	rgb_extra(&r, "rss_bytes=%llu;pending_bytes=%llu;pending_objects=%llu;gc_waits=%llu;"
		      "gc_freed_bytes=%llu;commits_total=%llu;readers=%d;rss_delta_bytes=%lld",
		  (unsigned long long)rss, (unsigned long long)st.gc_pending_bytes,
		  (unsigned long long)st.gc_pending_objects, (unsigned long long)st.gc_waits,
		  (unsigned long long)st.gc_freed_bytes, (unsigned long long)c, a->threads - 1,
		  (long long)rss - (long long)a->rss0);
	if (st.gc_pending_bytes > a->peak_pending)
		a->peak_pending = st.gc_pending_bytes;
	if (rss > a->peak_rss)
		a->peak_rss = rss;
	rgb_emit(&r);
}


static int mem_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	struct mem *a = c->arg;
	if (rgb_set_policy(a->g, c->policy))
		return -1;
	int rc = rgb_o.pack ? rg_pack(a->g) : 0; /* the previous run's churn left copies */
	if (rc) {
		fprintf(stderr, "rgbench: memory: rg_pack: %s\n", rg_strerror(rc));
		return -1;
	}
	a->last_t = 0;
	a->last_commits = 0;
	a->peak_pending = a->peak_rss = 0;
	atomic_store_explicit(&a->commits, 0, memory_order_relaxed);
	a->rss0 = rgb_rss_bytes();
	a->s = s;
	return 0;
}

static void mem_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	struct mem *a = c->arg;
	job->arg = a;
	job->phase_begin = mem_begin;
	job->phase_end = mem_end;
	job->run = mem_run;
	job->sample_s = s->duration / 10;
	job->sample = mem_sample;
}

static void mem_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	(void)s;
	struct mem *a = c->arg;
	r->ops = res->aux[0];
	r->throughput = res->elapsed > 0 ? (double)res->aux[0] / res->elapsed : 0;
	r->batch = a->batch;
	snprintf(r->unit, sizeof r->unit, "commits");
	rgb_extra(r, "peak_pending_bytes=%llu;peak_rss_bytes=%llu;readers=%d",
		  (unsigned long long)a->peak_pending, (unsigned long long)a->peak_rss, a->threads - 1);
	if (res->aux[1])
		rgb_extra(r, "failed_txns=%llu", (unsigned long long)res->aux[1]);
}

static int memory_run(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	const char *syncs[RGB_MAX_LIST], *tmp[RGB_MAX_LIST];
	int n = rgb_sync_list(tmp, NULL), ns = 0;
	syncs[ns++] = "rcu-memb";
	for (int i = 0; i < n; i++)
		if (strcmp(tmp[i], "nosync") && strcmp(tmp[i], "rcu-memb"))
			syncs[ns++] = tmp[i];
	static const int one[] = {1};
	int rdr[RGB_MAX_LIST];
	rgb_threads_list(rdr, one, 1); /* reader threads: the first entry */
	int readers = rdr[0];
	rg_graph_t *g = rgb_graph_build("rcu-memb", d, NULL);
	rgb_study_t *s = calloc(1, sizeof *s);
	struct mem *m = calloc((size_t)ns, sizeof *m);
	int rc = -1;
	if (!g || !s || !m)
		goto out;
	rgb_study_init(s, "memory", "memory", d);
	/* reclamation needs time to show a trend: at least 0.25 s (quick) / 3 s */
	double minimum = rgb_o.quick ? 0.25 : 3.0;
	if (s->duration < minimum)
		s->duration = minimum;
	for (int k = 0; k < ns; k++) {
		m[k] = (struct mem){.g = g, .d = d, .batch = rgb_o.batch > 0 ? rgb_o.batch : 8,
				    .sync = syncs[k], .threads = readers + 1};
		int i = rgb_cfg_add(s, "", syncs[k], syncs[k], readers + 1, 0);
		s->cfg[i].arg = &m[k];
		s->cfg[i].batch = m[k].batch;
		s->cfg[i].group = -1;
	}
	rgb_study_link(s, NULL, "rcu-memb", 1);
	s->enter = mem_enter;
	s->job = mem_job;
	s->row = mem_row;
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	free(s);
	free(m);
	rgb_graph_close(g);
	return rc;
}

RGB_WORKLOAD(memory, 75, "pending reclamation and RSS under writer churn, per policy", 1, NULL,
	     memory_run)
