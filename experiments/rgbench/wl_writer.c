/*
 * wl_writer.c - the write path: transaction size sweep (edges per
 * transaction), in memory ("log=none") and with the redo log under each
 * durability policy (off, interval, commit); plus group commit: txn=1
 * under durability=commit with 1..N committing threads. Workers commit
 * transactions of random edge insertions between the graph's nodes for
 * the trial. unit: edges; p50..p999: commit latency (rg_txn_commit).
 *
 * Every run writes into a FRESH nodes-only graph (built by enter, in a new
 * temporary directory for a durable one, closed and removed by leave):
 * what is measured is the write path from the same starting state, and
 * the graph cannot grow over the rounds. (The read studies share one
 * graph instead; writer-side workloads built on this harness decide.)
 *
 * One study per policy (default rcu-memb; nosync is left out): each
 * txn=S,log=L configuration's ratio is to txn=S,log=none (the same
 * transactions without the log; A/A copies of those), group commit's
 * speedup to its 1-thread run.
 */
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

struct wr {
	rg_graph_t *g;
	const rgb_data_t *d;
	int size, dur;
	char dir[512];
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

static int wr_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	struct wr *a = c->arg;
	a->dir[0] = 0;
	if (a->dur >= 0 && rgb_tmpdir(a->dir, sizeof a->dir, "wal"))
		return -1;
	rgb_gopts_t go = {.dir = a->dir[0] ? a->dir : NULL, .durability = a->dur, .edges = 0};
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
	job->run = wr_run;
}

static void wr_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	(void)s;
	struct wr *a = c->arg;
	snprintf(r->durability, sizeof r->durability, "%s", dur_name(a->dur));
	snprintf(r->unit, sizeof r->unit, "edges");
	rgb_row_latency(r, &res->hist);
	rgb_extra(r, "commits=%llu;commits_per_s=%.9g", (unsigned long long)res->aux[0],
		  (double)res->aux[0] / res->elapsed);
	if (res->aux[1])
		rgb_extra(r, "failed_txns=%llu", (unsigned long long)res->aux[1]);
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
		for (int di = 0; di < nd; di++)
			for (int z = 0; z < nsz + (durs[di] == RG_DURABILITY_COMMIT ? nt : 0); z++) {
				int group = z >= nsz;
				struct wr *a = &pool[np++];
				*a = (struct wr){.d = d, .size = group ? 1 : sizes[z], .dur = durs[di]};
				char v[96];
				snprintf(v, sizeof v, "txn=%d,log=%s%s", a->size, dur_name(durs[di]),
					 group ? ",group" : "");
				int i = rgb_cfg_add(s, v, syncs[k], syncs[k], group ? thr[z - nsz] : 1, 0);
				if (i < 0) {
					rc = -1;
					break;
				}
				s->cfg[i].arg = a;
				s->cfg[i].batch = a->size;
				s->cfg[i].group = -1;
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
		s->enter = wr_enter;
		s->leave = wr_leave;
		s->job = wr_job;
		s->row = wr_row;
		if (!rc)
			rc = rgb_study_run(s);
		rgb_study_free(s);
	}
	free(pool);
	free(s);
	return rc;
}

RGB_WORKLOAD(writer, 35, "txn size sweep, without/with the log per durability, group commit", 1, NULL,
	     writer_run)
