/*
 * wl_wal.c - the redo log's other costs (bench_wal.c, folded in): replay
 * speed when a durable graph is opened, and reader throughput while
 * checkpoints are written. (Commits/s by durability and transaction size,
 * group commit, fsyncs per commit and commit latency with checkpoints on
 * and off are the writer workload.)
 *
 * Variant "replay" (study "wal replay"): a log written once, before the
 * study, in a temporary directory: the graph's nodes, then its edges in
 * 1,000-edge transactions (durability OFF, automatic checkpoints off), so
 * the directory holds no checkpoint and the whole log is replayed by every
 * open. Graph: R-MAT scale 18, edge factor 16 (--quick scale 15; --graph).
 * Count-based: a run is one rg_open of the directory (durability COMMIT,
 * automatic checkpoints off), timed; rg_close after it, untimed. unit
 * edges (edges replayed per second of rg_open); configurations "replay"
 * and its A/A copy. Target (experiments/targets.sh): the median over
 * rounds >= 5 M edges/s. Equal work: every open must report every logged
 * edge replayed (rg_recovery_report) and hold them (rg_stats), and verify
 * checksums the replayed adjacency (rgb_adj_*) against the edge list's (a
 * static CSR built from it: the same order per node and direction); a run
 * that replays anything else makes the configuration INVALID.
 *
 * Variant "ckptread" (study "wal ckptread"): a durable graph (the workload
 * graph, --graph; loaded with one bulk transaction and checkpointed once)
 * shared by every configuration; two workers: worker 0 queries (one read
 * section per query through the exported path, queries.h; a quiescent
 * state every 16), worker 1 writes checkpoints back to back with
 * rg_checkpoint ("ckptread:during") or sleeps 1 ms at a time
 * ("ckptread:without": the same threads, pinned the same way). Throughput
 * is worker 0's queries over worker 0's own loop time (so a checkpoint
 * still finishing after the stop flag does not count against the reader).
 * Per policy of --sync (default rcu-memb; nosync skipped: its checkpoint
 * holds the writer mutex and its readers freeze the graph); during's
 * reference is without (A/A copy of without). Named comparison
 * t-readers-during/without (goal >= 0.9). Equal work: both configurations
 * checksum the same 20,000 queries on the same graph.
 */
#include <math.h>

#include "queries.h"

#include "gapcsr.h"

static const char *const variants[] = {"replay", "ckptread", NULL};

/* ---------------- replay ---------------- */

struct rp {
	char dir[512];
	const rgb_data_t *d;
	uint64_t records;
	uint64_t expect; /* the edge list's adjacency checksum (a CSR built from it) */
};

static int write_log(struct rp *a)
{
	const rgb_data_t *d = a->d;
	rgb_gopts_t go = {.dir = a->dir, .durability = RG_DURABILITY_OFF, .edges = 0,
			  .checkpoint_bytes = RGB_NO_CKPT};
	rg_graph_t *g = rgb_graph_build("rcu-memb", d, &go); /* the nodes, logged */
	if (!g)
		return -1;
	rg_edge_in_t *buf = malloc(1000 * sizeof *buf);
	int rc = buf ? 0 : RG_ENOMEM;
	for (uint64_t i = 0; i < d->el.n_edges && !rc; i += 1000) {
		uint64_t e = i + 1000 < d->el.n_edges ? i + 1000 : d->el.n_edges;
		rg_txn_t *t;
		if ((rc = rg_txn_begin(g, &t)))
			break;
		for (uint64_t k = i; k < e; k++)
			buf[k - i] = (rg_edge_in_t){.src = d->el.src[k], .dst = d->el.dst[k]};
		if ((rc = rg_txn_add_edges(t, buf, e - i, NULL)))
			rg_txn_abort(t);
		else
			rc = rg_txn_commit(t, NULL);
	}
	free(buf);
	rgb_graph_close(g);
	if (rc)
		fprintf(stderr, "rgbench: wal: writing the log: %s\n", rg_strerror(rc));
	return rc ? -1 : 0;
}

/* One open: 0 with the timed seconds, or -1. *g is left open. */
static int rp_open(struct rp *a, rg_graph_t **g, double *el_s, rg_recovery_t *rep)
{
	rg_options_t o;
	rg_options_init(&o);
	o.sync = "rcu-memb";
	o.dir = a->dir;
	o.durability = RG_DURABILITY_COMMIT;
	o.checkpoint_bytes = 0;
	double t0 = bu_now();
	int rc = rg_open(g, &o);
	*el_s = bu_now() - t0;
	if (rc) {
		fprintf(stderr, "rgbench: wal: rg_open(%s): %s %s\n", a->dir, rg_strerror(rc),
			rg_last_error_detail());
		return -1;
	}
	if (rg_recovery_report(*g, rep)) {
		rg_close(*g);
		return -1;
	}
	return 0;
}

static int rp_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	(void)s;
	struct rp *a = c->arg;
	rg_graph_t *g;
	double el;
	rg_recovery_t rep;
	if (rp_open(a, &g, &el, &rep))
		return -1;
	uint64_t m = 0;
	int rc = rgb_adj_checksum(g, a->d->ids, a->d->nids, ck, &m);
	rg_close(g);
	if (rc || m != a->d->el.n_edges || rep.edges_replayed != m) {
		fprintf(stderr, "rgbench: wal: the replayed graph holds %llu edges, %llu replayed, "
				"%llu logged\n",
			(unsigned long long)m, (unsigned long long)rep.edges_replayed,
			(unsigned long long)a->d->el.n_edges);
		return -1;
	}
	a->records = rep.records_replayed;
	if (*ck != a->expect) {
		c->invalid = 1;
		snprintf(c->why, sizeof c->why, "unequal work: the replayed adjacency %016llx is not "
			 "the logged one %016llx", (unsigned long long)*ck, (unsigned long long)a->expect);
	}
	return 0;
}

static int rp_measure(rgb_study_t *s, rgb_cfg_t *c, rgb_row_t *r)
{
	(void)s;
	struct rp *a = c->arg;
	rg_graph_t *g;
	double el;
	rg_recovery_t rep;
	if (rp_open(a, &g, &el, &rep))
		return -1;
	rg_stats_t st;
	rg_stats_get(g, &st);
	rg_close(g);
	uint64_t m = a->d->el.n_edges;
	rgb_work_check(c, r->round,
		       rep.edges_replayed == m && st.edges == m && rep.records_replayed == a->records,
		       "%llu edges replayed in %llu records (logged %llu in %llu), %llu held",
		       (unsigned long long)rep.edges_replayed, (unsigned long long)rep.records_replayed,
		       (unsigned long long)m, (unsigned long long)a->records,
		       (unsigned long long)st.edges);
	r->ops = rep.edges_replayed;
	r->throughput = el > 0 ? (double)rep.edges_replayed / el : NAN;
	snprintf(r->unit, sizeof r->unit, "edges");
	snprintf(r->durability, sizeof r->durability, "commit");
	snprintf(r->cpus, sizeof r->cpus, "main");
	rgb_extra(r, "open_s=%.9f;records_replayed=%llu;edges_per_record=1000;count_based=1", el,
		  (unsigned long long)rep.records_replayed);
	return 0;
}

static int replay(void)
{
	char spec[128];
	snprintf(spec, sizeof spec, "rmat:scale=%d,ef=16,seed=%llu", rgb_o.quick ? 15 : 18,
		 (unsigned long long)rgb_o.seed);
	struct rp a = {.d = rgb_data_get(rgb_o.graph ? rgb_o.graph : spec)};
	if (!a.d || rgb_tmpdir(a.dir, sizeof a.dir, "replay"))
		return -1;
	rgb_study_t *s = calloc(1, sizeof *s);
	int rc = -1;
	double t0 = bu_now();
	if (!s || write_log(&a))
		goto out;
	gb_csr_t csr;
	if (gb_csr_build(&csr, a.d->ids[a.d->nids - 1] + 1, a.d->el.src, a.d->el.dst, a.d->el.n_edges,
			 1)) {
		fprintf(stderr, "rgbench: wal: the expected adjacency (gb_csr_build) failed\n");
		goto out;
	}
	a.expect = rgb_csr_adj_checksum(&csr, a.d, NULL);
	gb_csr_free(&csr);
	fprintf(stderr, "rgbench: wal: %llu edges logged in 1,000-edge transactions in %.1f s\n",
		(unsigned long long)a.d->el.n_edges, bu_now() - t0);
	rgb_study_init(s, "wal", "wal replay", a.d);
	int i = rgb_cfg_add(s, "replay", "rcu-memb", "rcu-memb", 1, 0);
	if (i < 0)
		goto out;
	s->cfg[i].arg = &a;
	rgb_cfg_add_aa(s, i);
	s->verify = rp_verify;
	s->measure = rp_measure;
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	free(s);
	rgb_rmtree(a.dir);
	return rc;
}

/* ---------------- readers during checkpoints ---------------- */

struct cr {
	rg_graph_t *g;
	const rgb_data_t *d;
	int during;
};

static void cr_begin(void *arg, rgb_tctx_t *t)
{
	struct cr *a = arg;
	if (t->tid == 0 && rg_reader_register(a->g))
		rgb_error_count();
}

static void cr_end(void *arg, rgb_tctx_t *t)
{
	struct cr *a = arg;
	if (t->tid == 0)
		rg_reader_unregister(a->g);
}

static void cr_run(void *arg, rgb_tctx_t *t)
{
	struct cr *a = arg;
	rgb_mark_start(t);
	if (t->tid > 0) { /* the checkpointer, or its idle stand-in */
		uint64_t n = 0, failed = 0;
		do {
			if (a->during) {
				rg_checkpoint_info_t info;
				failed += rg_checkpoint(a->g, &info) != 0;
			} else {
				usleep(1000);
			}
			n++;
		} while (!rgb_stopped(t));
		t->ctr->ops = n;
		t->aux[1] = failed;
		return;
	}
	uint64_t ops = 0, sum = 0, retries = 0, pos = t->pos;
	const uint64_t *q = a->d->queries;
	do {
		for (int k = 0; k < 16; k++)
			sum += rgb_q_section(a->g, q[pos++ & (RGB_NQ - 1)], &retries);
		rg_reader_quiescent(a->g);
		ops += 16;
	} while (!rgb_stopped(t));
	double end = bu_now();
	t->pos = pos;
	t->ctr->ops = ops;
	t->ctr->checksum = sum;
	t->aux[0] = (uint64_t)((end - t->first_op) * 1e9); /* the reader's own loop time */
	t->aux[2] = retries;
}

static int cr_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	return rgb_set_policy(((struct cr *)c->arg)->g, c->policy);
}

static int cr_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	(void)s;
	struct cr *a = c->arg;
	return rgb_verify_sections(a->g, a->d, ck);
}

static void cr_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	(void)s;
	job->arg = c->arg;
	job->phase_begin = cr_begin;
	job->phase_end = cr_end;
	job->run = cr_run;
}

static void cr_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	(void)s;
	struct cr *a = c->arg;
	double own = (double)res->t_aux[0][0] * 1e-9;
	r->ops = res->t_ops[0];
	r->throughput = own > 0 ? (double)r->ops / own : NAN;
	snprintf(r->unit, sizeof r->unit, "queries");
	snprintf(r->durability, sizeof r->durability, "off");
	rgb_extra(r, "readers=1;reader_elapsed_s=%.9f;%s=%llu", own,
		  a->during ? "checkpoints" : "idle_sleeps", (unsigned long long)res->t_ops[1]);
	if (res->t_aux[1][1])
		rgb_extra(r, "checkpoint_failures=%llu", (unsigned long long)res->t_aux[1][1]);
	if (res->t_aux[0][2])
		rgb_extra(r, "read_retries=%llu", (unsigned long long)res->t_aux[0][2]);
}

static int ckptread(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	const rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const char *const dflt[] = {"rcu-memb", NULL};
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, dflt);
	char dir[512];
	if (rgb_tmpdir(dir, sizeof dir, "ckptread"))
		return -1;
	rgb_gopts_t go = {.dir = dir, .durability = RG_DURABILITY_OFF, .edges = 1,
			  .checkpoint_bytes = RGB_NO_CKPT};
	rg_graph_t *g = rgb_graph_build("rcu-memb", d, &go);
	rgb_study_t *s = calloc(1, sizeof *s);
	struct cr *pool = calloc(2 * (size_t)ns, sizeof *pool);
	int rc = -1, np = 0;
	rg_checkpoint_info_t info = {0};
	if (!g || !s || !pool)
		goto out;
	double t0 = bu_now();
	if ((rc = rg_checkpoint(g, &info))) {
		fprintf(stderr, "rgbench: wal: rg_checkpoint: %s\n", rg_strerror(rc));
		rc = -1;
		goto out;
	}
	rc = -1;
	fprintf(stderr, "rgbench: wal: one checkpoint of %s: %llu bytes in %.3f s\n", spec,
		(unsigned long long)info.bytes, bu_now() - t0);
	rgb_study_init(s, "wal", "wal ckptread", d);
	for (int k = 0; k < ns; k++) {
		if (!strcmp(syncs[k], "nosync")) {
			fprintf(stderr, "rgbench: wal: nosync skipped (its readers freeze the graph)\n");
			continue;
		}
		int idx[2];
		for (int v = 0; v < 2; v++) {
			struct cr *a = &pool[np++];
			*a = (struct cr){.g = g, .d = d, .during = v};
			idx[v] = rgb_cfg_add(s, v ? "ckptread:during" : "ckptread:without", syncs[k],
					     syncs[k], 2, v);
			if (idx[v] < 0)
				goto out;
			s->cfg[idx[v]].arg = a;
		}
		s->cfg[idx[1]].ref = idx[0];
		rgb_cfg_add_aa(s, idx[0]);
		rgb_study_compare(s, idx[1], idx[0], "t-readers-during/without");
	}
	s->enter = cr_enter;
	s->verify = cr_verify;
	s->job = cr_job;
	s->row = cr_row;
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	free(s);
	free(pool);
	rgb_graph_close(g);
	rgb_rmtree(dir);
	return rc;
}

static int wal_run(void)
{
	int rc = 0;
	if (rgb_variant_on("replay", 1))
		rc |= replay();
	if (rgb_variant_on("ckptread", 1))
		rc |= ckptread();
	return rc;
}

RGB_WORKLOAD(wal, 40,
	     "the redo log: replay speed on open; reader throughput while checkpoints are "
	     "written vs without",
	     1, variants, wal_run)
