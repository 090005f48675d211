/*
 * wl_writer.c - the write path.
 *
 *  writer  transaction size sweep (edges per transaction), in memory
 *          ("log=none") and with the redo log under each durability policy
 *          (off, interval, commit); plus group commit: txn=1 under
 *          durability=commit with 1..N concurrent committing threads.
 *          One thread (group: N) commits transactions of random edge
 *          insertions between the graph's existing nodes for the trial
 *          duration. unit: edges; p50..p999: commit latency (rg_txn_commit).
 *  memory  superseded memory awaiting reclamation (rg_stats.gc_pending_bytes)
 *          and the process RSS, sampled 10 times per trial while one writer
 *          churns (adds --batch edges out of a random node, next transaction
 *          deletes them) and one reader queries, per policy. One row per
 *          sample (variant "t=0.30s"): ops = commits in the interval.
 */
#include <rcugraph/traverse.h>

#include "rgbench.h"

extern atomic_ulong rgb_errors;

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *dur_name(int d)
{
	return d == RG_DURABILITY_OFF ? "off"
	       : d == RG_DURABILITY_INTERVAL ? "interval"
	       : d == RG_DURABILITY_COMMIT ? "commit"
					    : "none";
}

struct wr {
	rg_graph_t *g;
	const rgb_data_t *d;
	int size;
};

static void wr_run(void *arg, rgb_tctx_t *t)
{
	struct wr *a = arg;
	const rgb_data_t *d = a->d;
	uint64_t edges = 0, commits = 0, failed = 0;
	rgb_mark_start(t);
	do {
		rg_txn_t *txn;
		int rc = rg_txn_begin(a->g, &txn);
		if (rc) {
			failed++;
			continue;
		}
		for (int i = 0; i < a->size && !rc; i++)
			rc = rg_txn_add_edge(txn, d->ids[rgb_rand(&t->rng) % d->nids],
					     d->ids[rgb_rand(&t->rng) % d->nids], 1, (uint64_t)i);
		if (rc) {
			rg_txn_abort(txn);
			failed++;
			continue;
		}
		uint64_t t0 = now_ns();
		rc = rg_txn_commit(txn, NULL);
		rgb_hist_add(t->hist, now_ns() - t0);
		if (rc) {
			failed++;
			continue;
		}
		commits++;
		edges += (uint64_t)a->size;
	} while (!rgb_stopped(t));
	t->ctr->ops = edges;
	t->aux[0] = commits;
	t->aux[1] = failed;
}

struct wrcfg {
	struct wr a;
	const char *sync;
	char variant[64];
	int threads, dur;
};

static void wr_on_trial(void *ud, int trial, const rgb_result_t *res)
{
	struct wrcfg *c = ud;
	rgb_row_t r;
	rgb_row_init(&r, "writer", c->variant, c->sync, c->threads, trial);
	rgb_row_graph(&r, c->a.d);
	r.batch = c->a.size;
	snprintf(r.durability, sizeof r.durability, "%s", dur_name(c->dur));
	r.ops = res->ops;
	r.throughput = (double)res->ops / res->elapsed;
	snprintf(r.unit, sizeof r.unit, "edges");
	rgb_row_latency(&r, &res->hist);
	rgb_extra(&r, "elapsed_s=%.6f;commits=%llu;commits_per_s=%.6g", res->elapsed,
		  (unsigned long long)res->aux[0], (double)res->aux[0] / res->elapsed);
	if (res->aux[1])
		rgb_extra(&r, "failed_txns=%llu", (unsigned long long)res->aux[1]);
	rg_metrics_t *m = rgb_graph_metrics(c->a.g);
	if (m && c->dur >= 0) {
		uint64_t f = rg_metrics_counter(m, RG_C_FSYNCS);
		rgb_extra(&r, "fsyncs_since_open=%llu", (unsigned long long)f);
	}
	rgb_extra_metrics(&r, c->a.g);
	rgb_emit(&r);
}

int wl_writer(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const char *const dflt_sync[] = {"rcu-memb", NULL};
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, dflt_sync);
	static const int full_sizes[] = {1, 10, 100, 1000, 10000}, quick_sizes[] = {1, 100, 10000};
	const int *sizes = rgb_o.quick ? quick_sizes : full_sizes;
	int nsz = rgb_o.quick ? 3 : 5;
	int one_size[1];
	if (rgb_o.batch > 0) {
		one_size[0] = rgb_o.batch;
		sizes = one_size;
		nsz = 1;
	}
	int durs[4] = {-1, RG_DURABILITY_OFF, RG_DURABILITY_INTERVAL, RG_DURABILITY_COMMIT};
	int nd = 4;
	if (rgb_o.ndurs) {
		memcpy(durs, rgb_o.durs, sizeof durs);
		nd = rgb_o.ndurs;
	}
	static const int gthr[] = {1, 2, 4};
	int thr[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, gthr, 3);
	int has_commit = 0;
	for (int i = 0; i < nd; i++)
		has_commit |= durs[i] == RG_DURABILITY_COMMIT;
	int nsk = 0;
	for (int s = 0; s < ns; s++)
		nsk += strcmp(syncs[s], "nosync") != 0;
	rgb_progress_begin("writer", nsk * (nd * nsz + (has_commit ? nt : 0)));
	for (int s = 0; s < ns; s++) {
		if (!strcmp(syncs[s], "nosync")) {
			fprintf(stderr, "rgbench: writer: nosync skipped (write workload)\n");
			continue;
		}
		for (int di = 0; di < nd; di++)
			for (int z = 0; z < nsz + (durs[di] == RG_DURABILITY_COMMIT ? nt : 0); z++) {
				int group = z >= nsz;
				struct wrcfg c = {.sync = syncs[s], .dur = durs[di],
						  .threads = group ? thr[z - nsz] : 1};
				c.a.size = group ? 1 : sizes[z];
				snprintf(c.variant, sizeof c.variant, "txn=%d,log=%s%s", c.a.size,
					 dur_name(durs[di]), group ? ",group" : "");
				rgb_progress_step("%s sync=%s threads=%d", c.variant, syncs[s], c.threads);
				char dir[512] = "";
				if (durs[di] >= 0 && rgb_tmpdir(dir, sizeof dir, "wal"))
					return -1;
				rgb_gopts_t go = {.dir = dir[0] ? dir : NULL, .durability = durs[di],
						  .edges = 0};
				rg_graph_t *g = rgb_graph_build(syncs[s], d, &go);
				if (!g) {
					rgb_rmtree(dir);
					return -1;
				}
				c.a.g = g;
				c.a.d = d;
				rgb_job_t job = {.nthreads = c.threads, .arg = &c.a, .latency = 1,
						 .run = wr_run};
				rgb_run(&job, rgb_o.trials, rgb_o.warmup, rgb_o.duration, wr_on_trial, &c);
				rgb_graph_close(g);
				rgb_rmtree(dir);
			}
	}
	rgb_flush_workload("writer");
	for (int s = 0; s < ns; s++)
		for (int di = 0; di < nd; di++) {
			printf("writer %s log=%-8s edges/s by txn size:", syncs[s], dur_name(durs[di]));
			for (int z = 0; z < nsz; z++) {
				char v[64];
				snprintf(v, sizeof v, "txn=%d,log=%s", sizes[z], dur_name(durs[di]));
				double m = rgb_median("writer", v, syncs[s], 1, -1);
				printf("  %d: %.3g", sizes[z], m);
			}
			printf("\n");
			if (durs[di] == RG_DURABILITY_COMMIT) {
				printf("writer %s group commit (txn=1, log=commit) commits/s:", syncs[s]);
				for (int t = 0; t < nt; t++)
					printf("  %dT: %.3g", thr[t],
					       rgb_median("writer", "txn=1,log=commit,group", syncs[s], thr[t], -1));
				printf("\n");
			}
		}
	return 0;
}

/* ------------------------------------------------------------------ */
/* memory                                                             */
/* ------------------------------------------------------------------ */

struct mem {
	rg_graph_t *g;
	const rgb_data_t *d;
	int batch;
	_Atomic uint64_t commits; /* written by the writer, read by the sampler */
	const char *sync;
	int threads;
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
				sum += rgb_query(a->g, d->queries[pos++ & (RGB_NQ - 1)], &retries);
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
	uint64_t dst[256];
	int b = a->batch > 256 ? 256 : a->batch;
	do {
		uint64_t u = d->ids[rgb_rand(&t->rng) % d->nids];
		for (int i = 0; i < b; i++)
			dst[i] = d->ids[rgb_rand(&t->rng) % d->nids];
		for (int phase = 0; phase < 2; phase++) { /* add, then delete */
			rg_txn_t *txn;
			if (rg_txn_begin(a->g, &txn)) {
				failed++;
				break;
			}
			int rc = 0;
			for (int i = 0; i < b && !rc; i++) {
				rc = phase == 0 ? rg_txn_add_edge(txn, u, dst[i], 2, 0)
						: rg_txn_del_edge(txn, u, dst[i], 2);
				if (rc == RG_ENOENT && phase == 1)
					rc = 0; /* a repeated dst: already deleted with its twin */
			}
			if (rc) {
				rg_txn_abort(txn);
				failed++;
				break;
			}
			if (rg_txn_commit(txn, NULL)) {
				failed++;
				break;
			}
			commits++;
			/* relaxed: a progress figure for the sampler, no ordering needed */
			atomic_store_explicit(&a->commits, commits, memory_order_relaxed);
		}
	} while (!rgb_stopped(t));
	t->ctr->ops = commits;
	t->aux[0] = commits;
	t->aux[1] = failed;
}

static void mem_sample(void *arg, int trial, double t_rel)
{
	struct mem *a = arg;
	rg_stats_t st;
	rg_stats_get(a->g, &st);
	uint64_t rss = rgb_rss_bytes();
	uint64_t c = atomic_load_explicit(&a->commits, memory_order_relaxed);
	if (t_rel < a->last_t) /* new trial */
		a->last_t = 0, a->last_commits = 0;
	double dt = t_rel - a->last_t;
	uint64_t dc = c >= a->last_commits ? c - a->last_commits : c;
	a->last_t = t_rel;
	a->last_commits = c;
	rgb_row_t r;
	char v[32];
	snprintf(v, sizeof v, "t=%.2fs", t_rel);
	rgb_row_init(&r, "memory", v, a->sync, a->threads, trial);
	rgb_row_graph(&r, a->d);
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

int wl_memory(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, NULL);
	static const int one[] = {1};
	int rdr[RGB_MAX_LIST];
	rgb_threads_list(rdr, one, 1); /* reader threads: the first entry */
	int readers = rdr[0];
	/* reclamation needs time to show a trend: at least 0.5 s (quick) / 3 s */
	double dur = rgb_o.duration > (rgb_o.quick ? 0.5 : 3.0) ? rgb_o.duration
								 : (rgb_o.quick ? 0.5 : 3.0);
	int nsk = 0;
	for (int s = 0; s < ns; s++)
		nsk += strcmp(syncs[s], "nosync") != 0;
	rgb_progress_begin("memory", nsk);
	uint64_t peaks[RGB_MAX_LIST][2] = {{0}};
	for (int s = 0; s < ns; s++) {
		if (!strcmp(syncs[s], "nosync"))
			continue;
		rgb_progress_step("sync=%s writer=1 readers=%d %.2gs", syncs[s], readers, dur);
		rg_graph_t *g = rgb_graph_build(syncs[s], d, NULL);
		if (!g)
			return -1;
		struct mem a = {.g = g, .d = d, .batch = rgb_o.batch > 0 ? rgb_o.batch : 8,
				.sync = syncs[s], .threads = readers + 1, .rss0 = rgb_rss_bytes()};
		rgb_job_t job = {.nthreads = readers + 1, .arg = &a, .phase_begin = mem_begin,
				 .phase_end = mem_end, .run = mem_run, .sample_s = dur / 10,
				 .sample = mem_sample};
		double saved = rgb_o.duration;
		rgb_o.duration = dur; /* the rows' duration_s column */
		rgb_run(&job, rgb_o.trials, rgb_o.warmup, dur, NULL, NULL);
		rgb_o.duration = saved;
		peaks[s][0] = a.peak_pending;
		peaks[s][1] = a.peak_rss;
		rgb_graph_close(g);
	}
	rgb_flush_workload("memory");
	printf("memory: peak pending reclamation / peak process RSS per policy (writer churn, "
	       "%d reader(s); RSS never shrinks: see rss_delta_bytes per row):\n",
	       readers);
	for (int s = 0; s < ns; s++)
		if (strcmp(syncs[s], "nosync"))
			printf("  %-11s pending %8.3f MiB   rss %8.1f MiB\n", syncs[s],
			       (double)peaks[s][0] / 1048576.0, (double)peaks[s][1] / 1048576.0);
	return 0;
}
