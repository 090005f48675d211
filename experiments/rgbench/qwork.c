/*
 * qwork.c - the query job of the read workloads (readonly, mixed,
 * contention, latency, realgraphs, lmdb's rcugraph rows) on ONE graph
 * shared by every configuration of a study.
 *
 * One query = one read section through the exported path (rg_read_begin,
 * rg_span, rg_read_end: the run-time policy table, what a lock study
 * compares), summing the node's out-neighbour slots (+1). Query nodes:
 * the seeded sequence of graphs.c, each worker from its own offset; hot
 * configurations query one node of typical out-degree. Readers report a
 * quiescent state every 16 queries (rcu-qsbr needs it; a no-op elsewhere).
 *
 * Writes keep every configuration on the same graph: a write op inserts
 * --batch edges of type 7 out of a random node (the hot node for hot
 * configurations) in one transaction; the same thread's next write op
 * deletes them in one transaction. What is still inserted when a run ends
 * is deleted by the main thread after the run (leave, outside timing), and
 * the graph is packed again before the next run, so every run starts from
 * the same content and layout.
 */
#include "queries.h"

#include <math.h>

#define CHURN_TYPE 7
enum { AUX_WRITES = 0, AUX_RETRIES, AUX_FAILED, AUX_COMMITS };

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int rgb_qwork_init(rgb_qwork_t *w, rg_graph_t *g, const rgb_data_t *d, int maxbatch)
{
	memset(w, 0, sizeof *w);
	w->g = g;
	w->d = d;
	w->maxbatch = maxbatch > 0 ? maxbatch : 1;
	w->pend = calloc((size_t)RGB_MAX_THREADS * (size_t)w->maxbatch, sizeof *w->pend);
	w->qc = calloc(RGB_MAX_CFG, sizeof *w->qc);
	if (!w->pend || !w->qc) {
		fprintf(stderr, "rgbench: out of memory\n");
		return -1;
	}
	return 0;
}

void rgb_qwork_free(rgb_qwork_t *w)
{
	for (int i = 0; w->qc && i < w->nqc; i++)
		free(w->qc[i].lat);
	free(w->pend);
	free(w->qc);
	w->pend = NULL;
	w->qc = NULL;
}

int rgb_read_syncs(const char **out, const char *const *dflt)
{
	const char *tmp[RGB_MAX_LIST];
	int n = rgb_sync_list(tmp, dflt), k = 0;
	out[k++] = "nosync";
	for (int i = 0; i < n && k < RGB_MAX_LIST; i++)
		if (strcmp(tmp[i], "nosync"))
			out[k++] = tmp[i];
	return k;
}

int rgb_qwork_add(rgb_study_t *s, rgb_qwork_t *w, const char *variant, const char *sync,
		  int threads, int nreaders, double ratio, int batch, int hot, int latency)
{
	if (w->nqc == RGB_MAX_CFG)
		return -1;
	int i = rgb_cfg_add(s, variant, sync, sync, threads, 0);
	if (i < 0)
		return -1;
	rgb_qcfg_t *q = &w->qc[w->nqc++];
	q->w = w;
	q->write_thresh = ratio > 0 ? (uint64_t)(ratio * 100.0 + 0.5) : 0;
	q->batch = batch > 0 ? (batch < w->maxbatch ? batch : w->maxbatch) : 1;
	q->hot = hot;
	q->latency = latency;
	q->nreaders = nreaders;
	if (latency) {
		q->lat = malloc(3 * (size_t)s->rounds * sizeof *q->lat);
		for (int r = 0; q->lat && r < 3 * s->rounds; r++)
			q->lat[r] = NAN;
	}
	rgb_cfg_t *c = &s->cfg[i];
	c->arg = q;
	c->update_ratio = ratio > 0 ? ratio : (ratio == 0 ? 0 : -1);
	c->batch = (ratio > 0 || nreaders < threads) ? q->batch : -1;
	return i;
}

/* ---------------- the workers ---------------- */

static void q_begin(void *arg, rgb_tctx_t *t)
{
	rgb_qcfg_t *q = arg;
	if (t->tid < q->nreaders && rg_reader_register(q->w->g))
		rgb_error_count();
}

static void q_end(void *arg, rgb_tctx_t *t)
{
	rgb_qcfg_t *q = arg;
	if (t->tid < q->nreaders)
		rg_reader_unregister(q->w->g);
}

/* One write op of thread tid: insert a batch, or delete the batch it
 * inserted last. Returns 0 or an RG_E* code (counted by the caller). */
static int churn(rgb_qcfg_t *q, int tid, uint64_t *rng)
{
	rgb_qwork_t *w = q->w;
	const rgb_data_t *d = w->d;
	uint64_t *p = w->pend + (size_t)tid * (size_t)w->maxbatch;
	rg_txn_t *txn;
	int rc = rg_txn_begin(w->g, &txn);
	if (rc)
		return rc;
	if (w->npend[tid] == 0) {
		uint64_t src = q->hot ? d->typical : d->ids[rgb_rand(rng) % d->nids];
		for (int b = 0; b < q->batch && !rc; b++) {
			p[b] = d->ids[rgb_rand(rng) % d->nids];
			rc = rg_txn_add_edge(txn, src, p[b], CHURN_TYPE, 0);
		}
		if (rc) {
			rg_txn_abort(txn);
			return rc;
		}
		if ((rc = rg_txn_commit(txn, NULL)) == 0) { /* frees txn either way */
			w->pend_src[tid] = src;
			w->npend[tid] = q->batch;
		}
		return rc;
	}
	for (int b = 0; b < w->npend[tid] && !rc; b++) {
		rc = rg_txn_del_edge(txn, w->pend_src[tid], p[b], CHURN_TYPE);
		if (rc == RG_ENOENT)
			rc = 0; /* a repeated destination: deleted with its twin */
	}
	if (rc) {
		rg_txn_abort(txn);
		return rc;
	}
	if ((rc = rg_txn_commit(txn, NULL)) == 0)
		w->npend[tid] = 0;
	return rc;
}

static void q_run(void *arg, rgb_tctx_t *t)
{
	rgb_qcfg_t *q = arg;
	rg_graph_t *g = q->w->g;
	rgb_mark_start(t);
	uint64_t ops = 0, sum = 0, retries = 0, writes = 0, failed = 0;
	if (t->tid >= q->nreaders) { /* a dedicated writer */
		do {
			failed += churn(q, t->tid, &t->rng) != 0;
			writes++;
		} while (!rgb_stopped(t));
		t->aux[AUX_COMMITS] = writes;
		t->aux[AUX_FAILED] = failed;
		return;
	}
	uint64_t pos = t->pos;
	const uint64_t *qs = q->w->d->queries;
	uint64_t hot = q->w->d->typical;
	do {
		for (int k = 0; k < 16; k++) {
			if (q->write_thresh && rgb_rand(&t->rng) % 10000 < q->write_thresh) {
				failed += churn(q, t->tid, &t->rng) != 0;
				writes++;
			} else {
				uint64_t id = q->hot ? hot : qs[pos++ & (RGB_NQ - 1)];
				if (q->latency) {
					uint64_t t0 = now_ns();
					sum += rgb_q_section(g, id, &retries);
					rgb_hist_add(t->hist, now_ns() - t0);
				} else {
					sum += rgb_q_section(g, id, &retries);
				}
			}
			ops++;
		}
		rg_reader_quiescent(g); /* rcu-qsbr: no reference kept across these queries */
	} while (!rgb_stopped(t));
	t->pos = pos;
	t->ctr->ops = ops;
	t->ctr->checksum = sum;
	t->aux[AUX_WRITES] = writes;
	t->aux[AUX_RETRIES] = retries;
	t->aux[AUX_FAILED] = failed;
}

/* ---------------- the study hooks ---------------- */

static int q_writes(const rgb_qcfg_t *q, const rgb_cfg_t *c)
{
	return q->write_thresh > 0 || q->nreaders < c->threads;
}

static int q_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	rgb_qcfg_t *q = c->arg;
	rgb_qwork_t *w = q->w;
	if (rgb_set_policy(w->g, c->policy))
		return -1;
	if (w->dirty && rgb_o.pack) {
		int rc = rg_pack(w->g);
		if (rc) {
			fprintf(stderr, "rgbench: rg_pack under %s: %s\n", c->policy, rg_strerror(rc));
			return -1;
		}
	}
	w->dirty = q_writes(q, c);
	for (int i = 0; i < RGB_MAX_THREADS; i++)
		w->npend[i] = 0;
	return 0;
}

static void q_leave(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	rgb_qwork_t *w = ((rgb_qcfg_t *)c->arg)->w;
	for (int tid = 0; tid < RGB_MAX_THREADS; tid++) {
		if (!w->npend[tid])
			continue;
		uint64_t *p = w->pend + (size_t)tid * (size_t)w->maxbatch;
		rg_txn_t *txn;
		int rc = rg_txn_begin(w->g, &txn);
		for (int b = 0; b < w->npend[tid] && !rc; b++)
			if ((rc = rg_txn_del_edge(txn, w->pend_src[tid], p[b], CHURN_TYPE)) == RG_ENOENT)
				rc = 0;
		if (!rc)
			rc = rg_txn_commit(txn, NULL);
		else
			rg_txn_abort(txn);
		if (rc)
			fprintf(stderr, "rgbench: undoing the churn edges: %s\n", rg_strerror(rc));
		w->npend[tid] = 0;
	}
}

void rgb_churn_writer(rg_graph_t *g, const rgb_data_t *d, rgb_tctx_t *t, int b, uint32_t type,
		      _Atomic uint64_t *progress, uint64_t *commits, uint64_t *failed, uint64_t *maxns)
{
	uint64_t dst[256];
	b = b < 1 ? 1 : b > 256 ? 256 : b;
	do {
		uint64_t u = d->ids[rgb_rand(&t->rng) % d->nids];
		for (int i = 0; i < b; i++)
			dst[i] = d->ids[rgb_rand(&t->rng) % d->nids];
		for (int phase = 0; phase < 2; phase++) { /* add, then delete: nothing left */
			rg_txn_t *txn;
			if (rg_txn_begin(g, &txn)) {
				(*failed)++;
				break;
			}
			int rc = 0;
			for (int i = 0; i < b && !rc; i++) {
				rc = phase == 0 ? rg_txn_add_edge(txn, u, dst[i], type, 0)
						: rg_txn_del_edge(txn, u, dst[i], type);
				if (rc == RG_ENOENT && phase == 1)
					rc = 0; /* a repeated dst: deleted with its twin */
			}
			if (rc) {
				rg_txn_abort(txn);
				(*failed)++;
				break;
			}
			double c0 = maxns ? bu_now() : 0;
			rc = rg_txn_commit(txn, NULL);
			if (maxns) {
				uint64_t ns = (uint64_t)((bu_now() - c0) * 1e9);
				if (t->hist)
					rgb_hist_add(t->hist, ns);
				if (ns > *maxns)
					*maxns = ns;
			}
			if (rc) {
				(*failed)++;
				break;
			}
			(*commits)++;
			if (progress) /* relaxed: a progress figure for the sampler, no ordering needed */
				atomic_store_explicit(progress, *commits, memory_order_relaxed);
		}
	} while (!rgb_stopped(t));
}

int rgb_verify_sections(rg_graph_t *g, const rgb_data_t *d, uint64_t *ck)
{
	uint64_t h = RGB_CK_INIT, retries = 0;
	if (rg_reader_register(g))
		return -1;
	for (uint64_t i = 0; i < RGB_VERIFY_Q; i++) {
		h = rgb_ck_step(h, rgb_q_section(g, d->queries[i], &retries));
		if ((i & 63) == 63)
			rg_reader_quiescent(g);
	}
	rg_reader_unregister(g);
	*ck = h;
	return 0;
}

static int q_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	(void)s;
	rgb_qwork_t *w = ((rgb_qcfg_t *)c->arg)->w;
	return rgb_verify_sections(w->g, w->d, ck);
}

static void q_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	(void)s;
	rgb_qcfg_t *q = c->arg;
	job->arg = q;
	job->latency = q->latency;
	job->phase_begin = q_begin;
	job->phase_end = q_end;
	job->run = q_run;
}

static void q_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	rgb_qcfg_t *q = c->arg;
	uint64_t ops = 0;
	for (int i = 0; i < q->nreaders && i < c->threads; i++)
		ops += res->t_ops[i];
	r->ops = ops;
	r->throughput = res->elapsed > 0 ? (double)ops / res->elapsed : 0;
	snprintf(r->unit, sizeof r->unit, "%s", q->write_thresh ? "ops" : "queries");
	rgb_row_graph(r, q->w->d);
	if (q->latency) {
		rgb_row_latency(r, &res->hist);
		if (q->lat && !(c->flags & RGB_CFG_AA) && r->round >= 0 && r->round < s->rounds) {
			q->lat[3 * r->round] = r->p50_us;
			q->lat[3 * r->round + 1] = r->p99_us;
			q->lat[3 * r->round + 2] = r->p999_us;
		}
	}
	if (q->write_thresh)
		rgb_extra(r, "reads=%llu;writes=%llu",
			  (unsigned long long)(ops - res->aux[AUX_WRITES]),
			  (unsigned long long)res->aux[AUX_WRITES]);
	if (q->nreaders < c->threads)
		rgb_extra(r, "readers=%d;writer_threads=%d;writer_commits=%llu", q->nreaders,
			  c->threads - q->nreaders, (unsigned long long)res->aux[AUX_COMMITS]);
	if (res->aux[AUX_RETRIES])
		rgb_extra(r, "read_retries=%llu", (unsigned long long)res->aux[AUX_RETRIES]);
	if (res->aux[AUX_FAILED])
		rgb_extra(r, "failed_txns=%llu", (unsigned long long)res->aux[AUX_FAILED]);
	rgb_extra(r, "packed=%d", rgb_o.pack);
}

void rgb_qwork_study(rgb_study_t *s)
{
	s->enter = q_enter;
	s->leave = q_leave;
	s->verify = q_verify;
	s->job = q_job;
	s->row = q_row;
}
