/*
 * wl_writer.c - the write path and the redo log: transaction size sweep
 * (edges per transaction), in memory ("log=none") and with the redo log
 * under each durability policy (off, interval, commit); group commit:
 * txn=1 under durability=commit with 1..N committing threads, automatic
 * checkpoints off ("group") and on ("group,ckpt=on": checkpoint_bytes
 * 8 KiB, so that several checkpoints run in every trial; at the first and
 * the last committer count). Workers commit transactions of random edge
 * insertions between the graph's nodes for the trial. unit: edges;
 * p50..p999: commit latency (rg_txn_commit).
 *
 * Every run writes into a FRESH nodes-only graph (built by enter, in a new
 * temporary directory for a durable one, closed and removed by leave):
 * what is measured is the write path from the same starting state, and
 * the graph cannot grow over the rounds. (The read studies share one
 * graph instead; writer-side workloads built on this harness decide.)
 * Durable graphs other than ckpt=on run with automatic checkpoints OFF
 * (checkpoint_bytes 0), so that a checkpoint never lands in a trial by
 * chance.
 *
 * Per run (extra): commits, commits_per_s, fsyncs (rg__io_fsync_count over
 * the measured trial: from before its start barrier to the last committer's
 * end) and fsyncs_per_commit; with ckpt=on, checkpoints (rg_stats) in the
 * trial.
 *
 * One study per policy (default rcu-memb; nosync is left out): each
 * txn=S,log=L configuration's ratio is to txn=S,log=none (the same
 * transactions without the log; A/A copies of those), group commit's
 * speedup to its 1-thread run. Named comparisons: t-group-commit-4/1
 * (commits/s at the last committer count over 1: reported), and, from the
 * per-round p99 commit latencies, t-ckpt-p99-on/off at each ckpt=on
 * committer count (goal <= 2; judged against the study's resolution at
 * that thread count). The group-commit target fsyncs per commit <= 0.3 at
 * 4 committers is read from the rows by experiments/targets.sh.
 */
#include <math.h>
#include <stdatomic.h>

#include "io.h" /* rg__io_fsync_count: a benchmark-only internal counter */
#include "rgbench.h"

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

#define CKPT_BYTES 8192

struct wr {
	rg_graph_t *g;
	const rgb_data_t *d;
	int size, dur;
	int ckpt;               /* 1: automatic checkpoints every CKPT_BYTES of log */
	char dir[512];
	/* fsyncs and checkpoints of the last phase that ran (the measured
	 * trial: the runner's final quit pass calls phase_begin/phase_end
	 * without running, and leaves them alone) */
	atomic_int done;        /* workers past their loop in this phase */
	int ran;                /* worker 0 ran this phase's loop */
	uint64_t fs0, ck0, fsyncs, ckpts;
	double *p99;            /* [rounds]: the run's p99 commit latency, us */
};

static void wr_begin(void *arg, rgb_tctx_t *t)
{
	struct wr *a = arg;
	if (t->tid)
		return;
	/* every worker of the previous phase passed its end barrier: nothing
	 * is committing now */
	atomic_store_explicit(&a->done, 0, memory_order_relaxed);
	a->ran = 0;
	a->fs0 = rg__io_fsync_count();
	if (a->ckpt) {
		rg_stats_t st;
		rg_stats_get(a->g, &st);
		a->ck0 = st.checkpoints;
	}
}

static void wr_end(void *arg, rgb_tctx_t *t)
{
	struct wr *a = arg;
	/* acq_rel: the last one sees every other worker's loop finished */
	if (atomic_fetch_add_explicit(&a->done, 1, memory_order_acq_rel) + 1 != t->nthreads || !a->ran)
		return;
	a->fsyncs = rg__io_fsync_count() - a->fs0;
	if (a->ckpt) {
		rg_stats_t st;
		rg_stats_get(a->g, &st);
		a->ckpts = st.checkpoints - a->ck0;
	}
}

static void wr_run(void *arg, rgb_tctx_t *t)
{
	struct wr *a = arg;
	const rgb_data_t *d = a->d;
	uint64_t edges = 0, commits = 0, failed = 0;
	if (t->tid == 0)
		a->ran = 1; /* read by the last worker past the loop (wr_end) */
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

static int wr_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	struct wr *a = c->arg;
	a->dir[0] = 0;
	if (a->dur >= 0 && rgb_tmpdir(a->dir, sizeof a->dir, "wal"))
		return -1;
	rgb_gopts_t go = {.dir = a->dir[0] ? a->dir : NULL, .durability = a->dur, .edges = 0,
			  .checkpoint_bytes = a->ckpt ? CKPT_BYTES : RGB_NO_CKPT};
	if (!(a->g = rgb_graph_build(c->policy, a->d, &go))) {
		rgb_rmtree(a->dir);
		return -1;
	}
	return 0;
}

static void wr_leave(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	struct wr *a = c->arg;
	rgb_graph_close(a->g);
	a->g = NULL;
	if (a->dir[0])
		rgb_rmtree(a->dir);
	a->dir[0] = 0;
}

static void wr_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	(void)s;
	job->arg = c->arg;
	job->latency = 1;
	job->phase_begin = wr_begin;
	job->phase_end = wr_end;
	job->run = wr_run;
}

static void wr_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	struct wr *a = c->arg;
	snprintf(r->durability, sizeof r->durability, "%s", dur_name(a->dur));
	snprintf(r->unit, sizeof r->unit, "edges");
	rgb_row_latency(r, &res->hist);
	rgb_extra(r, "commits=%llu;commits_per_s=%.9g", (unsigned long long)res->aux[0],
		  (double)res->aux[0] / res->elapsed);
	if (res->aux[1])
		rgb_extra(r, "failed_txns=%llu", (unsigned long long)res->aux[1]);
	rgb_extra(r, "fsyncs=%llu;fsyncs_per_commit=%.4f", (unsigned long long)a->fsyncs,
		  res->aux[0] ? (double)a->fsyncs / (double)res->aux[0] : 0.0);
	if (a->ckpt)
		rgb_extra(r, "checkpoints=%llu;checkpoint_bytes=%d", (unsigned long long)a->ckpts,
			  CKPT_BYTES);
	if (a->p99 && r->round >= 0 && r->round < s->rounds)
		a->p99[r->round] = r->p99_us >= 0 ? r->p99_us : NAN;
	rgb_extra(r, "fresh_graph=1");
}

static int writer_run(void)
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
	rgb_study_t *s = calloc(1, sizeof *s);
	struct wr *pool = calloc(RGB_MAX_CFG, sizeof *pool);
	int rc = s && pool ? 0 : -1;
	for (int k = 0; k < ns && !rc; k++) {
		if (!strcmp(syncs[k], "nosync")) {
			fprintf(stderr, "rgbench: writer: nosync skipped (write workload)\n");
			continue;
		}
		char name[64];
		snprintf(name, sizeof name, "writer %s", syncs[k]);
		rgb_study_init(s, "writer", name, d);
		int np = 0;
		/* ckpt=on at the first and the last committer count */
		int nck = nt > 1 ? 2 : 1, ckthr[2] = {thr[0], thr[nt - 1]};
		for (int di = 0; di < nd; di++) {
			int commit = durs[di] == RG_DURABILITY_COMMIT;
			for (int z = 0; z < nsz + (commit ? nt + nck : 0); z++) {
				int group = z >= nsz, ckpt = z >= nsz + nt;
				struct wr *a = &pool[np++];
				*a = (struct wr){.d = d, .size = group ? 1 : sizes[z], .dur = durs[di],
						 .ckpt = ckpt};
				if (group && !(a->p99 = malloc((size_t)s->rounds * sizeof *a->p99))) {
					rc = -1;
					break;
				}
				for (int r = 0; group && r < s->rounds; r++)
					a->p99[r] = NAN;
				char v[96];
				snprintf(v, sizeof v, "txn=%d,log=%s%s%s", a->size, dur_name(durs[di]),
					 group ? ",group" : "", ckpt ? ",ckpt=on" : "");
				int th = !group ? 1 : ckpt ? ckthr[z - nsz - nt] : thr[z - nsz];
				int i = rgb_cfg_add(s, v, syncs[k], syncs[k], th, 0);
				if (i < 0) {
					rc = -1;
					break;
				}
				s->cfg[i].arg = a;
				s->cfg[i].batch = a->size;
				s->cfg[i].group = -1;
			}
		}
		int n0 = s->ncfg;
		for (int i = 0; i < n0; i++) {
			rgb_cfg_t *c = &s->cfg[i];
			struct wr *a = c->arg;
			if (a->dur >= 0 && !strstr(c->variant, ",group")) {
				char v[96];
				snprintf(v, sizeof v, "txn=%d,log=none", a->size);
				c->ref = rgb_cfg_find(s, v, c->sync, 1);
			}
		}
		for (int i = 0; i < n0; i++)
			if (((struct wr *)s->cfg[i].arg)->dur < 0)
				rgb_cfg_add_aa(s, i);
		rgb_study_link(s, NULL, NULL, 0); /* group commit: speedup over 1 thread */
		const char *gv = "txn=1,log=commit,group", *cv = "txn=1,log=commit,group,ckpt=on";
		int g1 = rgb_cfg_find(s, gv, syncs[k], thr[0]), gn = rgb_cfg_find(s, gv, syncs[k], thr[nt - 1]);
		if (nt > 1)
			rgb_study_compare(s, gn, g1, "t-group-commit-4/1");
		s->enter = wr_enter;
		s->leave = wr_leave;
		s->job = wr_job;
		s->row = wr_row;
		if (!rc)
			rc = rgb_study_run(s);
		for (int c = 0; !rc && c < nck; c++) {
			int on = rgb_cfg_find(s, cv, syncs[k], ckthr[c]), off = rgb_cfg_find(s, gv, syncs[k], ckthr[c]);
			if (on >= 0 && off >= 0)
				rgb_metric_cmp(s, on, off, ((struct wr *)s->cfg[on].arg)->p99,
					       ((struct wr *)s->cfg[off].arg)->p99, "t-ckpt-p99-on/off", NAN,
					       NULL);
		}
		rgb_study_free(s);
		for (int i = 0; i < np; i++) {
			free(pool[i].p99);
			pool[i].p99 = NULL;
		}
	}
	free(pool);
	free(s);
	return rc;
}

RGB_WORKLOAD(writer, 35, "txn size sweep, without/with the log per durability, group commit", 1, NULL,
	     writer_run)
