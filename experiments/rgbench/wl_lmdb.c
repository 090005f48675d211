/*
 * wl_lmdb.c - a peer: the same graph's out-adjacency in LMDB, beside
 * rcugraph, in the same rounds of the same study.
 *
 * Layout: one database, MDB_INTEGERKEY, key = node id (uint64), value =
 * the node's out-neighbour ids (uint64 array, edge-list order); nodes
 * without out-edges have no key (their query sums 0, as in rcugraph).
 * Environment: MDB_NOTLS, MDB_NOSYNC | MDB_NOMETASYNC (no fsync: rcugraph
 * runs in memory too), built ONCE in a directory under $TMPDIR.
 * Query: one read transaction per query (mdb_txn_renew, mdb_get, the sum
 * of (neighbour id + 1) exactly as rcugraph's span query on a dense graph,
 * mdb_txn_reset on the thread's own handle). Write (mixed): as rcugraph's
 * churn (qwork.c): one write transaction appends --batch destinations to
 * a random node's array, the same thread's next write removes them, and
 * what is left when a run ends is removed after it (outside timing).
 *
 * Studies: "readonly" and one per update ratio ("mixed R%"): sync "lmdb"
 * (the reference, with its A/A copy lmdb#2) and rcugraph's policies
 * (default rcu-memb; qwork.c); ratios are rcugraph / lmdb per round.
 * Equal work: LMDB's checksum of the fixed query sequence must equal
 * rcugraph's (dense graphs: slots are ids).
 */
#include <errno.h>
#include <lmdb.h>
#include <math.h>

#include "rgbench.h"

#define KIND_LMDB 1
#define LM_MAXB 64

struct lm {
	MDB_env *env;
	MDB_dbi dbi;
	const rgb_data_t *d;
	MDB_txn *rtx[RGB_MAX_THREADS];       /* per-thread reset read transaction */
	int npend[RGB_MAX_THREADS];
	uint64_t psrc[RGB_MAX_THREADS], pdst[RGB_MAX_THREADS][LM_MAXB];
};

struct lmc { /* one LMDB configuration */
	struct lm *a;
	uint64_t write_thresh;
	int batch;
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
	size_t map = (size_t)(m * 8 * 8 + n * 256) + ((size_t)1 << 30);
	mdb_env_set_mapsize(a->env, map);
	mdb_env_set_maxreaders(a->env, RGB_MAX_THREADS + 8);
	if ((rc = mdb_env_open(a->env, dir, MDB_NOTLS | MDB_NOSYNC | MDB_NOMETASYNC, 0644)))
		return lm_fail("mdb_env_open", rc);
	uint64_t *off = calloc(n + 1, sizeof *off), *adj = malloc((m ? m : 1) * sizeof *adj);
	uint64_t *fill = malloc((n ? n : 1) * sizeof *fill);
	if (!off || !adj || !fill) {
		free(off);
		free(adj);
		free(fill);
		return lm_fail("allocation", ENOMEM);
	}
	for (uint64_t i = 0; i < m; i++) {
		uint64_t k;
		id_index(d, d->el.src[i], &k);
		off[k + 1]++;
	}
	for (uint64_t k = 0; k < n; k++)
		off[k + 1] += off[k];
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
	if (mdb_txn_renew(rtx)) {
		rgb_error_count();
		return 0;
	}
	uint64_t sum = 0;
	MDB_val kv = {sizeof id, &id}, vv;
	if (mdb_get(rtx, a->dbi, &kv, &vv) == 0) {
		const unsigned char *p = vv.mv_data;
		size_t n = vv.mv_size / 8;
		for (size_t i = 0; i < n; i++) {
			uint64_t x;
			memcpy(&x, p + 8 * i, 8); /* values are not necessarily 8-byte aligned */
			sum += x + 1;
		}
	}
	mdb_txn_reset(rtx);
	return sum;
}

/* Appends (add) or removes the last occurrence of (remove) each of n
 * destinations in src's array, in one write transaction. */
static int lm_edit(struct lm *a, uint64_t src, const uint64_t *dst, int n, int add)
{
	MDB_txn *w;
	int rc = mdb_txn_begin(a->env, NULL, 0, &w);
	if (rc)
		return rc;
	MDB_val kv = {sizeof src, &src}, old, nv;
	size_t cnt = 0;
	if (mdb_get(w, a->dbi, &kv, &old) == 0)
		cnt = old.mv_size / 8;
	uint64_t *buf = malloc((cnt + (size_t)n + 1) * 8);
	if (!buf) {
		mdb_txn_abort(w);
		return ENOMEM;
	}
	if (cnt)
		memcpy(buf, old.mv_data, cnt * 8);
	for (int b = 0; b < n; b++) {
		if (add) {
			buf[cnt++] = dst[b];
			continue;
		}
		for (size_t i = cnt; i-- > 0;)
			if (buf[i] == dst[b]) {
				memmove(buf + i, buf + i + 1, (cnt - i - 1) * 8);
				cnt--;
				break;
			}
	}
	nv.mv_size = cnt * 8;
	nv.mv_data = buf;
	rc = cnt ? mdb_put(w, a->dbi, &kv, &nv, 0) : mdb_del(w, a->dbi, &kv, NULL);
	if (rc == MDB_NOTFOUND)
		rc = 0;
	free(buf);
	if (rc) {
		mdb_txn_abort(w);
		return rc;
	}
	return mdb_txn_commit(w);
}

static int lm_churn(struct lmc *c, int tid, uint64_t *rng)
{
	struct lm *a = c->a;
	const rgb_data_t *d = a->d;
	if (a->npend[tid]) {
		int rc = lm_edit(a, a->psrc[tid], a->pdst[tid], a->npend[tid], 0);
		if (!rc)
			a->npend[tid] = 0;
		return rc;
	}
	uint64_t src = d->ids[rgb_rand(rng) % d->nids];
	for (int b = 0; b < c->batch; b++)
		a->pdst[tid][b] = d->ids[rgb_rand(rng) % d->nids];
	int rc = lm_edit(a, src, a->pdst[tid], c->batch, 1);
	if (!rc) {
		a->psrc[tid] = src;
		a->npend[tid] = c->batch;
	}
	return rc;
}

static int lm_tinit(void *arg, rgb_tctx_t *t)
{
	struct lmc *c = arg;
	int rc = mdb_txn_begin(c->a->env, NULL, MDB_RDONLY, &c->a->rtx[t->tid]);
	if (rc)
		return lm_fail("mdb_txn_begin(read)", rc);
	mdb_txn_reset(c->a->rtx[t->tid]);
	return 0;
}

static void lm_tfini(void *arg, rgb_tctx_t *t)
{
	struct lmc *c = arg;
	mdb_txn_abort(c->a->rtx[t->tid]);
}

static void lm_run(void *arg, rgb_tctx_t *t)
{
	struct lmc *c = arg;
	MDB_txn *rtx = c->a->rtx[t->tid];
	const uint64_t *q = c->a->d->queries;
	uint64_t ops = 0, sum = 0, writes = 0, failed = 0, pos = t->pos;
	rgb_mark_start(t);
	do {
		for (int k = 0; k < 16; k++) {
			if (c->write_thresh && rgb_rand(&t->rng) % 10000 < c->write_thresh) {
				failed += lm_churn(c, t->tid, &t->rng) != 0;
				writes++;
			} else {
				sum += lm_query(c->a, rtx, q[pos++ & (RGB_NQ - 1)]);
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

/* ---------------- hooks: LMDB configurations here, rcugraph's in qwork.c ---------------- */

static struct {
	int (*enter)(rgb_study_t *, rgb_cfg_t *);
	void (*leave)(rgb_study_t *, rgb_cfg_t *);
	int (*verify)(rgb_study_t *, rgb_cfg_t *, uint64_t *);
	void (*job)(rgb_study_t *, rgb_cfg_t *, rgb_job_t *);
	void (*row)(rgb_study_t *, rgb_cfg_t *, const rgb_result_t *, rgb_row_t *);
} qh;

static int h_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	if (c->kind != KIND_LMDB)
		return qh.enter(s, c);
	struct lmc *x = c->arg;
	memset(x->a->npend, 0, sizeof x->a->npend);
	return 0;
}

static void h_leave(rgb_study_t *s, rgb_cfg_t *c)
{
	if (c->kind != KIND_LMDB) {
		qh.leave(s, c);
		return;
	}
	struct lm *a = ((struct lmc *)c->arg)->a;
	for (int tid = 0; tid < RGB_MAX_THREADS; tid++)
		if (a->npend[tid]) {
			int rc = lm_edit(a, a->psrc[tid], a->pdst[tid], a->npend[tid], 0);
			if (rc)
				lm_fail("undoing the churn", rc);
			a->npend[tid] = 0;
		}
}

static int h_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	if (c->kind != KIND_LMDB)
		return qh.verify(s, c, ck);
	struct lm *a = ((struct lmc *)c->arg)->a;
	MDB_txn *rtx;
	int rc = mdb_txn_begin(a->env, NULL, MDB_RDONLY, &rtx);
	if (rc)
		return lm_fail("mdb_txn_begin", rc);
	mdb_txn_reset(rtx);
	uint64_t h = 0x9E3779B97F4A7C15ull;
	for (uint64_t i = 0; i < RGB_VERIFY_Q; i++)
		h = rgb_mix64(h ^ lm_query(a, rtx, a->d->queries[i]));
	mdb_txn_abort(rtx);
	*ck = h;
	return 0;
}

static void h_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	if (c->kind != KIND_LMDB) {
		qh.job(s, c, job);
		return;
	}
	job->arg = c->arg;
	job->thread_init = lm_tinit;
	job->thread_fini = lm_tfini;
	job->run = lm_run;
}

static void h_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	if (c->kind != KIND_LMDB) {
		qh.row(s, c, res, r);
		return;
	}
	struct lmc *x = c->arg;
	snprintf(r->unit, sizeof r->unit, "%s", x->write_thresh ? "ops" : "queries");
	if (x->write_thresh)
		rgb_extra(r, "reads=%llu;writes=%llu", (unsigned long long)(res->ops - res->aux[0]),
			  (unsigned long long)res->aux[0]);
	if (res->aux[1])
		rgb_extra(r, "failed_txns=%llu", (unsigned long long)res->aux[1]);
}

static int one_study(struct lm *a, rgb_qwork_t *w, const rgb_data_t *d, const char *variant,
		     double ratio, int batch, const char *const *syncs, int ns, const int *thr, int nt)
{
	rgb_study_t *s = calloc(1, sizeof *s);
	struct lmc *lc = calloc((size_t)nt, sizeof *lc);
	int rc = -1;
	if (!s || !lc)
		goto out;
	char name[64];
	snprintf(name, sizeof name, "lmdb %s", variant);
	rgb_study_init(s, "lmdb", name, d);
	w->nqc = 0;
	for (int t = 0; t < nt; t++) {
		lc[t] = (struct lmc){.a = a, .batch = batch < LM_MAXB ? batch : LM_MAXB,
				     .write_thresh = ratio > 0 ? (uint64_t)(ratio * 100.0 + 0.5) : 0};
		int i = rgb_cfg_add(s, variant, "lmdb", NULL, thr[t], KIND_LMDB);
		s->cfg[i].arg = &lc[t];
		s->cfg[i].update_ratio = ratio > 0 ? ratio : -1;
		s->cfg[i].batch = ratio > 0 ? batch : -1;
		for (int k = 0; k < ns; k++) {
			if (ratio > 0 && !strcmp(syncs[k], "nosync"))
				continue;
			if (rgb_qwork_add(s, w, variant, syncs[k], thr[t], thr[t], ratio > 0 ? ratio : -1,
					  batch, 0, 0) < 0)
				goto out;
		}
	}
	rgb_study_link(s, NULL, "lmdb", 1);
	rgb_qwork_study(s);
	qh.enter = s->enter;
	qh.leave = s->leave;
	qh.verify = s->verify;
	qh.job = s->job;
	qh.row = s->row;
	s->enter = h_enter;
	s->leave = h_leave;
	s->verify = h_verify;
	s->job = h_job;
	s->row = h_row;
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	free(s);
	free(lc);
	return rc;
}

static int lmdb_run(void)
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
	char dir[512] = "";
	struct lm *a = calloc(1, sizeof *a);
	rg_graph_t *g = rgb_graph_build("rcu-memb", d, NULL);
	rgb_qwork_t w = {0};
	int rc = -1;
	if (!a || !g || rgb_tmpdir(dir, sizeof dir, "lmdb") || rgb_qwork_init(&w, g, d, batch))
		goto out;
	a->d = d;
	if (lm_build(a, dir, d))
		goto out;
	rc = 0;
	if (rgb_variant_on("readonly", 1))
		rc |= one_study(a, &w, d, "readonly", -1, batch, syncs, ns, thr, nt);
	if (rgb_variant_on("mixed", 1))
		for (int r = 0; r < nr; r++) {
			if (ratios[r] <= 0)
				continue;
			char v[32];
			snprintf(v, sizeof v, "mixed %g%%", ratios[r]);
			rc |= one_study(a, &w, d, v, ratios[r], batch, syncs, ns, thr, nt);
		}
out:
	if (a && a->env)
		mdb_env_close(a->env);
	free(a);
	rgb_qwork_free(&w);
	rgb_graph_close(g);
	if (dir[0])
		rgb_rmtree(dir);
	return rc;
}

static const char *const variants[] = {"readonly", "mixed", NULL};
RGB_WORKLOAD(lmdb, 60, "LMDB peer (one read txn per query) beside rcugraph: readonly + mixed", 1,
	     variants, lmdb_run)
