/*
 * wl_lmdb.c - a peer: the same graph's out-adjacency stored in LMDB, run on
 * workloads 1 (readonly) and 2 (mixed) beside rcugraph in the same run.
 *
 * Layout: one database, MDB_INTEGERKEY, key = node id (uint64), value = the
 * node's out-neighbour ids (uint64 array, edge-list order). Nodes without
 * out-edges have no key (a query for them sums 0, as in rcugraph).
 * Environment: MDB_NOTLS (read transactions are not tied to threads),
 * MDB_NOSYNC | MDB_NOMETASYNC (no fsync: rcugraph runs in memory here too),
 * on a fresh directory per configuration under $TMPDIR.
 * Query: one read transaction per query: mdb_txn_renew, mdb_get, sum of
 * (neighbour id + 1) exactly as rgb_query(), mdb_txn_reset (each thread
 * keeps its own reset read-txn handle, the LMDB idiom for repeated reads).
 * Write: one write transaction per --batch edges: get the source's array,
 * append the destination, put, commit. Equal work: the checksum of the fixed
 * query sequence equals rcugraph's on the same graph (the summary checks).
 * Rows: workload "lmdb", variant "readonly" or "mixed", sync "lmdb" for the
 * peer and the rcugraph policies (default rcu-memb) beside it.
 */
#include <errno.h>
#include <lmdb.h>
#include <math.h>

#include "rgbench.h"

extern atomic_ulong rgb_errors;

struct lm {
	MDB_env *env;
	MDB_dbi dbi;
	const rgb_data_t *d;
	uint64_t write_thresh;
	int batch;
	MDB_txn *rtx[RGB_MAX_THREADS]; /* per-thread reset read transaction */
};

static int lm_fail(const char *what, int rc)
{
	fprintf(stderr, "rgbench: lmdb: %s: %s\n", what, mdb_strerror(rc));
	return -1;
}

static int id_index(const rgb_data_t *d, uint64_t id, uint64_t *out)
{
	uint64_t lo = 0, hi = d->nids;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (d->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*out = lo;
	return lo < d->nids && d->ids[lo] == id ? 0 : -1;
}

/* Creates the environment in dir and loads d's out-adjacency. */
static int lm_build(struct lm *a, const char *dir, const rgb_data_t *d)
{
	int rc;
	uint64_t n = d->nids, m = d->el.n_edges;
	if ((rc = mdb_env_create(&a->env)))
		return lm_fail("mdb_env_create", rc);
	/* room for the data, its growth under the mixed workload and COW pages */
	size_t map = (size_t)(m * 8 * 8 + n * 256) + ((size_t)1 << 30);
	mdb_env_set_mapsize(a->env, map);
	mdb_env_set_maxreaders(a->env, RGB_MAX_THREADS + 8);
	if ((rc = mdb_env_open(a->env, dir, MDB_NOTLS | MDB_NOSYNC | MDB_NOMETASYNC, 0644)))
		return lm_fail("mdb_env_open", rc);
	/* group edges by source index (counting sort, stable) */
	uint64_t *off = calloc(n + 1, sizeof *off), *adj = malloc(m * sizeof *adj);
	if (!off || !adj) {
		free(off);
		free(adj);
		return lm_fail("allocation", ENOMEM);
	}
	for (uint64_t i = 0; i < m; i++) {
		uint64_t k;
		id_index(d, d->el.src[i], &k);
		off[k + 1]++;
	}
	for (uint64_t k = 0; k < n; k++)
		off[k + 1] += off[k];
	uint64_t *fill = malloc(n * sizeof *fill);
	memcpy(fill, off, n * sizeof *fill);
	for (uint64_t i = 0; i < m; i++) {
		uint64_t k;
		id_index(d, d->el.src[i], &k);
		adj[fill[k]++] = d->el.dst[i];
	}
	free(fill);
	MDB_txn *w = NULL;
	rc = mdb_txn_begin(a->env, NULL, 0, &w);
	if (!rc)
		rc = mdb_dbi_open(w, NULL, MDB_INTEGERKEY, &a->dbi);
	for (uint64_t k = 0; k < n && !rc; k++) {
		if (off[k + 1] == off[k])
			continue;
		uint64_t key = d->ids[k];
		MDB_val kv = {sizeof key, &key}, vv = {(off[k + 1] - off[k]) * 8, &adj[off[k]]};
		rc = mdb_put(w, a->dbi, &kv, &vv, MDB_APPEND); /* ids ascending */
		if (!rc && (k & 16383) == 16383) {
			rc = mdb_txn_commit(w);
			w = NULL;
			if (!rc)
				rc = mdb_txn_begin(a->env, NULL, 0, &w);
		}
	}
	if (!rc) {
		rc = mdb_txn_commit(w);
		w = NULL;
	}
	if (w)
		mdb_txn_abort(w);
	free(off);
	free(adj);
	return rc ? lm_fail("loading", rc) : 0;
}

static uint64_t lm_query(struct lm *a, MDB_txn *rtx, uint64_t id)
{
	int rc = mdb_txn_renew(rtx);
	if (rc) {
		atomic_fetch_add_explicit(&rgb_errors, 1, memory_order_relaxed);
		return 0;
	}
	uint64_t sum = 0;
	MDB_val kv = {sizeof id, &id}, vv;
	if (mdb_get(rtx, a->dbi, &kv, &vv) == 0) {
		const uint64_t *p = vv.mv_data;
		size_t n = vv.mv_size / 8;
		for (size_t i = 0; i < n; i++) {
			uint64_t x;
			memcpy(&x, p + i, 8); /* LMDB values are not necessarily 8-byte aligned */
			sum += x + 1;
		}
	}
	mdb_txn_reset(rtx);
	return sum;
}

static int lm_write(struct lm *a, uint64_t *rng)
{
	const rgb_data_t *d = a->d;
	MDB_txn *w;
	int rc = mdb_txn_begin(a->env, NULL, 0, &w);
	if (rc)
		return rc;
	for (int b = 0; b < a->batch && !rc; b++) {
		uint64_t s = d->ids[rgb_rand(rng) % d->nids], t = d->ids[rgb_rand(rng) % d->nids];
		MDB_val kv = {sizeof s, &s}, old, nv;
		size_t n = 0;
		uint64_t *buf;
		if (mdb_get(w, a->dbi, &kv, &old) == 0)
			n = old.mv_size / 8;
		buf = malloc((n + 1) * 8);
		if (!buf) {
			rc = ENOMEM;
			break;
		}
		if (n)
			memcpy(buf, old.mv_data, n * 8);
		buf[n] = t;
		nv.mv_size = (n + 1) * 8;
		nv.mv_data = buf;
		rc = mdb_put(w, a->dbi, &kv, &nv, 0);
		free(buf);
	}
	if (rc) {
		mdb_txn_abort(w);
		return rc;
	}
	return mdb_txn_commit(w);
}

static int lm_tinit(void *arg, rgb_tctx_t *t)
{
	struct lm *a = arg;
	int rc = mdb_txn_begin(a->env, NULL, MDB_RDONLY, &a->rtx[t->tid]);
	if (rc)
		return lm_fail("mdb_txn_begin(read)", rc);
	mdb_txn_reset(a->rtx[t->tid]);
	return 0;
}

static void lm_tfini(void *arg, rgb_tctx_t *t)
{
	struct lm *a = arg;
	mdb_txn_abort(a->rtx[t->tid]);
}

static void lm_run(void *arg, rgb_tctx_t *t)
{
	struct lm *a = arg;
	MDB_txn *rtx = a->rtx[t->tid];
	uint64_t ops = 0, sum = 0, writes = 0, failed = 0, pos = t->pos;
	rgb_mark_start(t);
	do {
		for (int k = 0; k < 16; k++) {
			if (a->write_thresh && rgb_rand(&t->rng) % 10000 < a->write_thresh) {
				failed += lm_write(a, &t->rng) != 0;
				writes++;
			} else {
				sum += lm_query(a, rtx, a->d->queries[pos++ & (RGB_NQ - 1)]);
			}
		}
		ops += 16;
	} while (!rgb_stopped(t));
	t->pos = pos;
	t->ctr->ops = ops;
	t->ctr->checksum = sum;
	t->aux[0] = writes;
	t->aux[1] = failed;
}

struct lmcfg {
	struct lm *a;
	const char *variant;
	int threads;
	double ratio;
	int batch;
	uint64_t verify;
};

static void lm_on_trial(void *ud, int trial, const rgb_result_t *res)
{
	struct lmcfg *c = ud;
	rgb_row_t r;
	rgb_row_init(&r, "lmdb", c->variant, "lmdb", c->threads, trial);
	rgb_row_graph(&r, c->a->d);
	r.update_ratio = c->ratio;
	r.batch = c->batch;
	r.ops = res->ops;
	r.throughput = (double)res->ops / res->elapsed;
	snprintf(r.unit, sizeof r.unit, "%s", c->ratio > 0 ? "ops" : "queries");
	r.has_checksum = 1;
	r.checksum = c->verify;
	rgb_extra(&r, "elapsed_s=%.6f", res->elapsed);
	if (c->ratio > 0)
		rgb_extra(&r, "reads=%llu;writes=%llu", (unsigned long long)(res->ops - res->aux[0]),
			  (unsigned long long)res->aux[0]);
	if (res->aux[1])
		rgb_extra(&r, "failed_txns=%llu", (unsigned long long)res->aux[1]);
	rgb_emit(&r);
}

static int lm_config(const rgb_data_t *d, const char *variant, int threads, double ratio,
		     int batch)
{
	char dir[512];
	if (rgb_tmpdir(dir, sizeof dir, "lmdb"))
		return -1;
	struct lm *a = calloc(1, sizeof *a);
	int rc = -1;
	if (!a)
		goto out;
	a->d = d;
	a->batch = batch > 0 ? batch : 1;
	a->write_thresh = ratio > 0 ? (uint64_t)llround(ratio * 100.0) : 0;
	if (lm_build(a, dir, d))
		goto out;
	struct lmcfg c = {a, variant, threads, ratio, batch, 0x9E3779B97F4A7C15ull};
	MDB_txn *rtx;
	if ((rc = mdb_txn_begin(a->env, NULL, MDB_RDONLY, &rtx))) {
		lm_fail("mdb_txn_begin", rc);
		goto out;
	}
	mdb_txn_reset(rtx);
	for (uint64_t i = 0; i < RGB_VERIFY_Q; i++)
		c.verify = rgb_mix64(c.verify ^ lm_query(a, rtx, d->queries[i]));
	mdb_txn_abort(rtx);
	rgb_job_t job = {.nthreads = threads, .arg = a, .thread_init = lm_tinit,
			 .thread_fini = lm_tfini, .run = lm_run};
	rc = rgb_run(&job, rgb_o.trials, rgb_o.warmup, rgb_o.duration, lm_on_trial, &c);
out:
	if (a && a->env)
		mdb_env_close(a->env);
	free(a);
	rgb_rmtree(dir);
	return rc;
}

int wl_lmdb(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const char *const dflt_sync[] = {"rcu-memb", NULL};
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, dflt_sync);
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	static const double full[] = {1, 5, 20, 50, 100}, quick[] = {5, 50};
	double ratios[RGB_MAX_LIST];
	int nr = rgb_ratio_list(ratios, rgb_o.quick ? quick : full, rgb_o.quick ? 2 : 5);
	int batch = rgb_o.batch > 0 ? rgb_o.batch : 1;
	int nws = 0;
	for (int s = 0; s < ns; s++)
		nws += strcmp(syncs[s], "nosync") != 0;
	rgb_progress_begin("lmdb", nt * (1 + ns) + nr * nt * (1 + nws));
	for (int t = 0; t < nt; t++) {
		rgb_progress_step("readonly lmdb threads=%d", thr[t]);
		lm_config(d, "readonly", thr[t], -1, -1);
		for (int s = 0; s < ns; s++) {
			rgb_progress_step("readonly %s threads=%d", syncs[s], thr[t]);
			rgb_run_queries("lmdb", "readonly", syncs[s], thr[t], -1, -1, d);
		}
	}
	for (int r = 0; r < nr; r++) {
		const char *v = ratios[r] > 0 ? "mixed" : "readonly";
		for (int t = 0; t < nt; t++) {
			rgb_progress_step("%s %g%% lmdb threads=%d", v, ratios[r], thr[t]);
			lm_config(d, v, thr[t], ratios[r], batch);
			for (int s = 0; s < ns; s++) {
				if (!strcmp(syncs[s], "nosync") && ratios[r] > 0)
					continue;
				rgb_progress_step("%s %g%% %s threads=%d", v, ratios[r], syncs[s], thr[t]);
				rgb_run_queries("lmdb", v, syncs[s], thr[t], ratios[r], batch, d);
			}
		}
	}
	rgb_flush_workload("lmdb");
	for (int t = 0; t < nt; t++) {
		double l = rgb_median("lmdb", "readonly", "lmdb", thr[t], -1);
		printf("lmdb readonly threads=%d: lmdb %.3g q/s;", thr[t], l);
		for (int s = 0; s < ns; s++) {
			double m = rgb_median("lmdb", "readonly", syncs[s], thr[t], -1);
			if (m > 0 && l > 0)
				printf(" %s %.3g q/s = %.2fx lmdb;", syncs[s], m, m / l);
		}
		printf("\n");
	}
	for (int r = 0; r < nr; r++)
		for (int t = 0; t < nt; t++) {
			double l = rgb_median("lmdb", "mixed", "lmdb", thr[t], ratios[r]);
			double m = rgb_median("lmdb", "mixed", syncs[0], thr[t], ratios[r]);
			if (l > 0 && m > 0)
				printf("lmdb mixed %g%% threads=%d: %s/lmdb = %.2fx\n", ratios[r], thr[t],
				       syncs[0], m / l);
		}
	int eq = rgb_checksums_equal("lmdb", NULL);
	printf("lmdb: equal-work checksums (lmdb vs rcugraph, fixed query sequence): %s\n",
	       eq == 1 ? "identical" : "DIFFER");
	return 0;
}
