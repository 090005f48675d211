/*
 * wl_reads.c - the neighbour-query workloads and the harness self-test.
 *
 *  readonly    read-only neighbour queries, every policy, 1..N threads
 *  mixed       the same with a fraction of write transactions (update ratio
 *              swept 0, 1, 5, 20, 50, 100 %), every writable policy
 *  contention  every thread on one node of typical out-degree ("hot") vs
 *              random nodes ("spread"), 1..16 threads
 *  latency     per-query latency percentiles with and without a concurrent
 *              writer thread, per policy
 *  realgraphs  the SNAP datasets (datasets/) vs generated graphs of the same size
 *  selftest    (hidden) a fake workload with deterministic bookkeeping that
 *              tests/test_rgbench.c uses to check the runner and the flags
 *
 * One query = one read section in which one node's out-neighbours are
 * iterated and their ids summed (rgb_query). One write = one transaction of
 * --batch random edge insertions. Every configuration runs on a freshly
 * built graph; its checksum column is the checksum of a fixed sequence of
 * RGB_VERIFY_Q queries on that fresh graph, so rows that should see the same
 * graph must show the same checksum.
 */
#include <math.h>

#include "rgbench.h"

extern atomic_ulong rgb_errors;

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* aux slots */
enum { AUX_WRITES = 0, AUX_RETRIES, AUX_FAILED, AUX_COMMITS };

struct rd {
	rg_graph_t *g;
	const rgb_data_t *d;
	uint64_t write_thresh; /* out of 10000 ops */
	int batch;
	int hot;
	int latency;
	int nreaders; /* tid >= nreaders: a dedicated writer thread */
};

static void rd_begin(void *arg, rgb_tctx_t *t)
{
	struct rd *a = arg;
	if (t->tid < a->nreaders && rg_reader_register(a->g))
		atomic_fetch_add_explicit(&rgb_errors, 1, memory_order_relaxed);
}

static void rd_end(void *arg, rgb_tctx_t *t)
{
	struct rd *a = arg;
	if (t->tid < a->nreaders)
		rg_reader_unregister(a->g);
}

static int write_txn(struct rd *a, uint64_t *rng, uint64_t src_fixed)
{
	rg_txn_t *txn;
	int rc = rg_txn_begin(a->g, &txn);
	if (rc)
		return rc;
	const rgb_data_t *d = a->d;
	for (int b = 0; b < a->batch && !rc; b++) {
		uint64_t s = src_fixed != UINT64_MAX ? src_fixed : d->ids[rgb_rand(rng) % d->nids];
		uint64_t t = d->ids[rgb_rand(rng) % d->nids];
		rc = rg_txn_add_edge(txn, s, t, 1, (uint64_t)b);
	}
	if (rc) {
		rg_txn_abort(txn);
		return rc;
	}
	return rg_txn_commit(txn, NULL);
}

static void rd_run(void *arg, rgb_tctx_t *t)
{
	struct rd *a = arg;
	rg_graph_t *g = a->g;
	rgb_mark_start(t);
	uint64_t ops = 0, sum = 0, retries = 0, writes = 0, failed = 0;
	if (t->tid >= a->nreaders) { /* dedicated writer */
		do {
			failed += write_txn(a, &t->rng, UINT64_MAX) != 0;
			writes++;
		} while (!rgb_stopped(t));
		t->aux[AUX_COMMITS] = writes;
		t->aux[AUX_FAILED] = failed;
		return;
	}
	uint64_t pos = t->pos;
	const uint64_t *q = a->d->queries;
	/* contention "hot": a node of typical degree, so hot and spread queries
	 * do the same work on average and differ only in sharing one node */
	uint64_t hot = a->hot ? a->d->typical : UINT64_MAX;
	int chunk = a->latency ? 1 : 16;
	do {
		for (int k = 0; k < chunk; k++) {
			if (a->write_thresh && rgb_rand(&t->rng) % 10000 < a->write_thresh) {
				failed += write_txn(a, &t->rng, hot) != 0;
				writes++;
			} else {
				uint64_t id = a->hot ? hot : q[pos++ & (RGB_NQ - 1)];
				if (a->latency) {
					uint64_t t0 = now_ns();
					sum += rgb_query(g, id, &retries);
					rgb_hist_add(t->hist, now_ns() - t0);
				} else {
					sum += rgb_query(g, id, &retries);
				}
			}
			ops++;
			rg_reader_quiescent(g); /* rcu-qsbr: no reference kept across queries */
		}
	} while (!rgb_stopped(t));
	t->pos = pos;
	t->ctr->ops = ops;
	t->ctr->checksum = sum;
	t->aux[AUX_WRITES] = writes;
	t->aux[AUX_RETRIES] = retries;
	t->aux[AUX_FAILED] = failed;
}

/* One configuration of a query workload. */
struct qcfg {
	const char *wl, *variant, *sync, *unit;
	int threads; /* CSV threads column (all threads in the timed region) */
	double ratio;
	int batch;   /* < 0: column empty */
	const rgb_data_t *d;
	rg_graph_t *g;
	uint64_t verify;
	struct rd a;
};

static void q_on_trial(void *ud, int trial, const rgb_result_t *res)
{
	struct qcfg *c = ud;
	rgb_row_t r;
	rgb_row_init(&r, c->wl, c->variant, c->sync, c->threads, trial);
	rgb_row_graph(&r, c->d);
	r.update_ratio = c->ratio;
	r.batch = c->batch;
	uint64_t ops = 0;
	for (int i = 0; i < c->a.nreaders; i++)
		ops += res->t_ops[i];
	r.ops = ops;
	r.throughput = (double)ops / res->elapsed;
	snprintf(r.unit, sizeof r.unit, "%s", c->unit);
	r.has_checksum = 1;
	r.checksum = c->verify;
	if (c->a.latency)
		rgb_row_latency(&r, &res->hist);
	rgb_extra(&r, "elapsed_s=%.6f", res->elapsed);
	if (c->a.write_thresh)
		rgb_extra(&r, "reads=%llu;writes=%llu",
			  (unsigned long long)(ops - res->aux[AUX_WRITES]),
			  (unsigned long long)res->aux[AUX_WRITES]);
	if (c->a.nreaders < c->threads)
		rgb_extra(&r, "readers=%d;writer_threads=%d;writer_commits=%llu", c->a.nreaders,
			  c->threads - c->a.nreaders, (unsigned long long)res->aux[AUX_COMMITS]);
	if (res->aux[AUX_RETRIES])
		rgb_extra(&r, "read_retries=%llu", (unsigned long long)res->aux[AUX_RETRIES]);
	if (res->aux[AUX_FAILED])
		rgb_extra(&r, "failed_txns=%llu", (unsigned long long)res->aux[AUX_FAILED]);
	rgb_extra(&r, "start_skew_us=%.1f;late_start=%d", res->start_skew * 1e6, res->late_start);
	rgb_extra_metrics(&r, c->g);
	rgb_emit(&r);
}

/*
 * Runs one query configuration on graph *gp (built fresh unless --reuse-graph
 * and *gp is already a graph of this sync). The caller closes *gp.
 */
static int run_qcfg(struct qcfg *c, rg_graph_t **gp, const char **gsync)
{
	if (!*gp || !rgb_o.reuse_graph || strcmp(*gsync, c->sync)) {
		rgb_graph_close(*gp);
		*gp = rgb_graph_build(c->sync, c->d, NULL);
		*gsync = c->sync;
		if (!*gp)
			return -1;
	}
	c->g = c->a.g = *gp;
	c->a.d = c->d;
	c->verify = rgb_verify_checksum(c->g, c->d);
	rgb_job_t job = {
		.nthreads = c->threads,
		.arg = &c->a,
		.latency = c->a.latency,
		.phase_begin = rd_begin,
		.phase_end = rd_end,
		.run = rd_run,
	};
	return rgb_run(&job, rgb_o.trials, rgb_o.warmup, rgb_o.duration, q_on_trial, c);
}

int rgb_run_queries(const char *wl, const char *variant, const char *sync, int threads,
		    double ratio, int batch, const rgb_data_t *d)
{
	rg_graph_t *g = NULL;
	const char *gs = "";
	struct qcfg c = {.wl = wl, .variant = variant, .sync = sync,
			 .unit = ratio > 0 ? "ops" : "queries", .threads = threads,
			 .ratio = ratio, .batch = batch, .d = d};
	c.a.nreaders = threads;
	c.a.batch = batch > 0 ? batch : 1;
	c.a.write_thresh = ratio > 0 ? (uint64_t)llround(ratio * 100.0) : 0;
	int rc = run_qcfg(&c, &g, &gs);
	rgb_graph_close(g);
	return rc;
}

static void print_ratio_lines(const char *wl, const char *variant, const char **syncs, int ns,
			      const int *thr, int nt, double ratio, const char *base)
{
	for (int t = 0; t < nt; t++) {
		double b = rgb_median(wl, variant, base, thr[t], ratio);
		if (b <= 0)
			continue;
		printf("%s%s%s threads=%d, median throughput / %s:", wl, variant ? " " : "",
		       variant ? variant : "", thr[t], base);
		for (int s = 0; s < ns; s++) {
			double m = rgb_median(wl, variant, syncs[s], thr[t], ratio);
			if (m > 0 && strcmp(syncs[s], base))
				printf(" %s %.2f", syncs[s], m / b);
		}
		printf("\n");
	}
}

static void print_checksum_line(const char *wl, const char *prefix)
{
	int eq = rgb_checksums_equal(wl, prefix);
	if (eq >= 0)
		printf("%s: equal-work checksums%s%s: %s\n", wl, prefix ? " of " : "",
		       prefix ? prefix : "", eq ? "identical in every row" : "DIFFER (see checksum column)");
}

/* ------------------------------------------------------------------ */

int wl_readonly(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	const char *syncs[RGB_MAX_LIST];
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, NULL);
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	rgb_progress_begin("readonly", ns * nt);
	rg_graph_t *g = NULL;
	const char *gs = "";
	for (int s = 0; s < ns; s++)
		for (int t = 0; t < nt; t++) {
			rgb_progress_step("sync=%s threads=%d", syncs[s], thr[t]);
			struct qcfg c = {.wl = "readonly", .variant = "", .sync = syncs[s],
					 .unit = "queries", .threads = thr[t], .ratio = -1,
					 .batch = -1, .d = d};
			c.a.nreaders = thr[t];
			run_qcfg(&c, &g, &gs);
		}
	rgb_graph_close(g);
	rgb_flush_workload("readonly");
	print_ratio_lines("readonly", NULL, syncs, ns, thr, nt, -1, "nosync");
	print_checksum_line("readonly", NULL);
	return 0;
}

int wl_mixed(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const double dr[] = {0, 1, 5, 20, 50, 100};
	double ratios[RGB_MAX_LIST];
	int nr = rgb_ratio_list(ratios, dr, 6);
	const char *syncs[RGB_MAX_LIST];
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, NULL);
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	int batch = rgb_o.batch > 0 ? rgb_o.batch : 1;
	int n = 0;
	for (int r = 0; r < nr; r++)
		for (int s = 0; s < ns; s++)
			n += (ratios[r] == 0 || strcmp(syncs[s], "nosync")) ? nt : 0;
	rgb_progress_begin("mixed", n);
	for (int r = 0; r < nr; r++)
		for (int s = 0; s < ns; s++) {
			if (ratios[r] > 0 && !strcmp(syncs[s], "nosync"))
				continue; /* nosync refuses writes once readers exist */
			rg_graph_t *g = NULL;
			const char *gs = "";
			for (int t = 0; t < nt; t++) {
				rgb_progress_step("update=%g%% sync=%s threads=%d", ratios[r], syncs[s],
						  thr[t]);
				struct qcfg c = {.wl = "mixed", .variant = "", .sync = syncs[s],
						 .unit = "ops", .threads = thr[t], .ratio = ratios[r],
						 .batch = batch, .d = d};
				c.a.nreaders = thr[t];
				c.a.batch = batch;
				c.a.write_thresh = (uint64_t)llround(ratios[r] * 100.0);
				run_qcfg(&c, &g, &gs);
			}
			rgb_graph_close(g);
		}
	rgb_flush_workload("mixed");
	for (int r = 0; r < nr; r++) {
		printf("update %g%%: ", ratios[r]);
		print_ratio_lines("mixed", NULL, syncs, ns, thr + nt - 1, 1, ratios[r], "rcu-memb");
	}
	print_checksum_line("mixed", NULL);
	return 0;
}

int wl_contention(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const int full[] = {1, 2, 4, 8, 16}, quick[] = {1, 2, 4};
	int thr[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, rgb_o.quick ? quick : full, rgb_o.quick ? 3 : 5);
	static const double dr[] = {0};
	double ratios[RGB_MAX_LIST];
	int nr = rgb_ratio_list(ratios, dr, 1);
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, NULL);
	static const char *const variants[] = {"hot", "spread"};
	int batch = rgb_o.batch > 0 ? rgb_o.batch : 1;
	int n = 0;
	for (int r = 0; r < nr; r++)
		for (int s = 0; s < ns; s++)
			n += (ratios[r] == 0 || strcmp(syncs[s], "nosync")) ? 2 * nt : 0;
	rgb_progress_begin("contention", n);
	for (int r = 0; r < nr; r++)
		for (int s = 0; s < ns; s++) {
			if (ratios[r] > 0 && !strcmp(syncs[s], "nosync"))
				continue;
			for (int v = 0; v < 2; v++) {
				rg_graph_t *g = NULL;
				const char *gs = "";
				for (int t = 0; t < nt; t++) {
					rgb_progress_step("%s update=%g%% sync=%s threads=%d", variants[v],
							  ratios[r], syncs[s], thr[t]);
					struct qcfg c = {.wl = "contention", .variant = variants[v],
							 .sync = syncs[s],
							 .unit = ratios[r] > 0 ? "ops" : "queries",
							 .threads = thr[t], .ratio = ratios[r],
							 .batch = ratios[r] > 0 ? batch : -1, .d = d};
					c.a.nreaders = thr[t];
					c.a.batch = batch;
					c.a.hot = v == 0;
					c.a.write_thresh = (uint64_t)llround(ratios[r] * 100.0);
					run_qcfg(&c, &g, &gs);
				}
				rgb_graph_close(g);
			}
		}
	rgb_flush_workload("contention");
	for (int s = 0; s < ns; s++)
		for (int t = 0; t < nt; t++) {
			double h = rgb_median("contention", "hot", syncs[s], thr[t], ratios[0]);
			double sp = rgb_median("contention", "spread", syncs[s], thr[t], ratios[0]);
			if (h > 0 && sp > 0 && t == nt - 1)
				printf("contention %s threads=%d: hot/spread = %.2f\n", syncs[s], thr[t],
				       h / sp);
		}
	return 0;
}

int wl_latency(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const int one[] = {1};
	int rdr[RGB_MAX_LIST];
	int nt = rgb_threads_list(rdr, one, 1); /* reader threads */
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, NULL);
	int batch = rgb_o.batch > 0 ? rgb_o.batch : 10;
	int n = 0;
	for (int s = 0; s < ns; s++)
		n += nt * (strcmp(syncs[s], "nosync") ? 2 : 1);
	rgb_progress_begin("latency", n);
	for (int s = 0; s < ns; s++)
		for (int w = 0; w < 2; w++) {
			if (w && !strcmp(syncs[s], "nosync"))
				continue;
			for (int t = 0; t < nt; t++) {
				rgb_progress_step("%s sync=%s readers=%d", w ? "writer" : "no-writer",
						  syncs[s], rdr[t]);
				rg_graph_t *g = NULL;
				const char *gs = "";
				struct qcfg c = {.wl = "latency", .variant = w ? "writer" : "no-writer",
						 .sync = syncs[s], .unit = "queries",
						 .threads = rdr[t] + w, .ratio = -1,
						 .batch = w ? batch : -1, .d = d};
				c.a.nreaders = rdr[t];
				c.a.batch = batch;
				c.a.latency = 1;
				run_qcfg(&c, &g, &gs);
				rgb_graph_close(g);
			}
		}
	rgb_flush_workload("latency");
	for (int t = 0; t < nt; t++) {
		printf("latency readers=%d, median over trials of p50 / p99 / p99.9 (us): "
		       "no-writer | with a writer\n", rdr[t]);
		for (int s = 0; s < ns; s++) {
			double a[3], b[3];
			for (int f = 0; f < 3; f++) {
				a[f] = rgb_median_field("latency", "no-writer", syncs[s], rdr[t], -1,
							RGB_F_P50 + f);
				b[f] = rgb_median_field("latency", "writer", syncs[s], rdr[t] + 1, -1,
							RGB_F_P50 + f);
			}
			printf("  %-11s %8.3g %8.3g %8.3g | %8.3g %8.3g %8.3g\n", syncs[s], a[0], a[1],
			       a[2], b[0], b[1], b[2]);
		}
	}
	return 0;
}

/* ---------------- realgraphs ---------------- */

int wl_realgraphs(void)
{
	/* datasets/NAME.txt.gz (in the repository), or NAME.txt in a
	 * $RG_DATASETS directory of uncompressed copies */
	static const char *const all_names[] = {"wiki-Vote", "email-Eu-core",
						"p2p-Gnutella31"};
	const char *names[3];
	static const char *const dflt_sync[] = {"rcu-memb", NULL};
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, dflt_sync);
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	char paths[3][900];
	int nd = 0;
	for (int i = 0; i < 3; i++) {
		snprintf(paths[nd], sizeof paths[nd], "%s/%s.txt.gz", rgb_datasets_dir(),
			 all_names[i]);
		if (access(paths[nd], R_OK) != 0)
			snprintf(paths[nd], sizeof paths[nd], "%s/%s.txt", rgb_datasets_dir(),
				 all_names[i]);
		if (access(paths[nd], R_OK) == 0)
			names[nd++] = all_names[i];
		else
			fprintf(stderr, "rgbench: realgraphs: %s/%s.txt.gz not found, skipped\n",
				rgb_datasets_dir(), all_names[i]);
		if (rgb_o.quick && nd == 1)
			break;
	}
	if (!nd) {
		fprintf(stderr, "rgbench: realgraphs: no dataset found in %s (set RG_DATASETS)\n",
			rgb_datasets_dir());
		return -1;
	}
	rgb_progress_begin("realgraphs", nd * 3 * ns * nt);
	char vnames[3][3][96];
	for (int i = 0; i < nd; i++) {
		rgb_data_t *real = rgb_data_get(paths[i]);
		if (!real)
			return -1;
		uint64_t n = real->nids, m = real->el.n_edges;
		unsigned scale = 1;
		while ((1ull << scale) < n)
			scale++;
		uint64_t ef = (m + (1ull << scale) / 2) >> scale;
		char specs[3][1024];
		snprintf(specs[0], sizeof specs[0], "%.900s", paths[i]);
		snprintf(specs[1], sizeof specs[1], "uniform:n=%llu,deg=%.4f,seed=%llu",
			 (unsigned long long)n, (double)m / (double)n, (unsigned long long)rgb_o.seed);
		snprintf(specs[2], sizeof specs[2], "rmat:scale=%u,ef=%llu,seed=%llu", scale,
			 (unsigned long long)(ef ? ef : 1), (unsigned long long)rgb_o.seed);
		char base[64];
		snprintf(base, sizeof base, "%s", names[i]);
		static const char *const kinds[] = {"snap", "uniform", "rmat"};
		for (int k = 0; k < 3; k++) {
			snprintf(vnames[i][k], sizeof vnames[i][k], "%s:%s", base, kinds[k]);
			rgb_data_t *d = rgb_data_get(specs[k]);
			if (!d)
				return -1;
			for (int s = 0; s < ns; s++) {
				rg_graph_t *g = NULL;
				const char *gs = "";
				for (int t = 0; t < nt; t++) {
					rgb_progress_step("%s sync=%s threads=%d", vnames[i][k], syncs[s],
							  thr[t]);
					struct qcfg c = {.wl = "realgraphs", .variant = vnames[i][k],
							 .sync = syncs[s], .unit = "queries",
							 .threads = thr[t], .ratio = -1, .batch = -1,
							 .d = d};
					c.a.nreaders = thr[t];
					run_qcfg(&c, &g, &gs);
				}
				rgb_graph_close(g);
			}
		}
	}
	rgb_flush_workload("realgraphs");
	for (int i = 0; i < nd; i++)
		for (int t = 0; t < nt; t++) {
			double sn = rgb_median("realgraphs", vnames[i][0], syncs[0], thr[t], -1);
			double un = rgb_median("realgraphs", vnames[i][1], syncs[0], thr[t], -1);
			double rm = rgb_median("realgraphs", vnames[i][2], syncs[0], thr[t], -1);
			if (sn > 0 && un > 0 && rm > 0)
				printf("realgraphs %s threads=%d %s: snap/uniform = %.2f, snap/rmat = %.2f\n",
				       vnames[i][0], thr[t], syncs[0], sn / un, sn / rm);
		}
	return 0;
}

/* ---------------- selftest (hidden) ---------------- */

/*
 * Fake workload with deterministic bookkeeping, for tests/test_rgbench.c:
 * every op sleeps RGB_SELFTEST_US (so throughput does not depend on CPU
 * count) and adds RGB_SELFTEST_K to the thread's checksum, so every row
 * must have checksum == ops * K (mod 2^64).
 *   linear       independent sleepers: speedup ~ threads
 *   superlinear  every op is counted threads^2 times: speedup ~ threads^3,
 *                which the suspect flag must catch
 *   serial       ops hold one global mutex while sleeping: speedup ~ 1
 */
#define RGB_SELFTEST_US 200
#define RGB_SELFTEST_K 0x9E3779B97F4A7C15ull

struct st {
	int variant;
	pthread_mutex_t mu;
};

static void st_run(void *arg, rgb_tctx_t *t)
{
	struct st *a = arg;
	uint64_t weight = a->variant == 1 ? (uint64_t)t->nthreads * (uint64_t)t->nthreads : 1;
	uint64_t ops = 0;
	rgb_mark_start(t);
	struct timespec ts = {0, RGB_SELFTEST_US * 1000L};
	do {
		if (a->variant == 2)
			pthread_mutex_lock(&a->mu);
		nanosleep(&ts, NULL);
		if (a->variant == 2)
			pthread_mutex_unlock(&a->mu);
		ops += weight;
	} while (!rgb_stopped(t));
	t->ctr->ops = ops;
	t->ctr->checksum = ops * RGB_SELFTEST_K;
}

struct stcfg {
	const char *variant;
	int threads;
};

static void st_on_trial(void *ud, int trial, const rgb_result_t *res)
{
	struct stcfg *c = ud;
	rgb_row_t r;
	rgb_row_init(&r, "selftest", c->variant, "-", c->threads, trial);
	r.ops = res->ops;
	r.throughput = (double)res->ops / res->elapsed;
	snprintf(r.unit, sizeof r.unit, "ops");
	r.has_checksum = 1;
	r.checksum = res->checksum;
	uint64_t minops = UINT64_MAX;
	int with = 0;
	for (int i = 0; i < c->threads; i++) {
		minops = res->t_ops[i] < minops ? res->t_ops[i] : minops;
		with += res->t_ops[i] > 0;
	}
	rgb_extra(&r, "elapsed_s=%.6f;late_start=%d;start_skew_us=%.1f;min_thread_ops=%llu;"
		      "threads_with_ops=%d",
		  res->elapsed, res->late_start, res->start_skew * 1e6, (unsigned long long)minops,
		  with);
	rgb_emit(&r);
}

int wl_selftest(void)
{
	static const char *const variants[] = {"linear", "superlinear", "serial"};
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	rgb_progress_begin("selftest", 3 * nt);
	for (int v = 0; v < 3; v++)
		for (int t = 0; t < nt; t++) {
			rgb_progress_step("%s threads=%d", variants[v], thr[t]);
			struct st a = {.variant = v};
			pthread_mutex_init(&a.mu, NULL);
			struct stcfg c = {variants[v], thr[t]};
			rgb_job_t job = {.nthreads = thr[t], .arg = &a, .run = st_run};
			rgb_run(&job, rgb_o.trials, rgb_o.warmup, rgb_o.duration, st_on_trial, &c);
			pthread_mutex_destroy(&a.mu);
		}
	rgb_flush_workload("selftest");
	return 0;
}
