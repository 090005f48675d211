/*
 * bench_wal.c - durability benchmarks (one run, ratios computed in-run):
 *   1. commits/s and edges/s by durability policy and transaction size
 *   2. group commit: 1 vs 4 (and 2) committer threads under COMMIT
 *   3. replay speed on open (edges/s)
 *   4. reader throughput during a checkpoint vs without
 * Output: CSV rows (section,policy,threads,txn_edges,metric,value) and
 * "# ratio" lines. Usage: bench_wal [dir] (default /tmp/rg-bench-wal-<pid>).
 * RG_BENCH_SECONDS scales every timed phase (default 1.0); RG_BENCH_TRIALS
 * sets the rounds of the ratio measurements (default 5).
 *
 * Method: committer threads are created before the clock and released on
 * a barrier. Ratios (2, 3's repeat opens, 4) are measured in interleaved
 * rounds (1, 2 then 4 committers, without then during checkpoints), one
 * warm-up round discarded, and reported as the median of the per-round
 * ratios with min and max: a shared disk's fsync latency drifts, and only
 * side-by-side rounds cancel the drift.
 */
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rcugraph/rcugraph.h>
#include "io.h" /* rg__io_fsync_count */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double secs = 1.0;
static char base[512];

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb; (void)flag; (void)f;
	return remove(p);
}
static void rm_rf(const char *d) { nftw(d, rm_cb, 16, FTW_DEPTH | FTW_PHYS); }

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_wal: %s: %s\n", what, rg_strerror(rc));
	exit(1);
}

static rg_graph_t *open_dir(const char *dir, int durability, uint64_t ckpt_bytes)
{
	rg_options_t o;
	rg_options_init(&o);
	o.dir = dir;
	o.durability = durability;
	o.interval_ms = 10;
	o.checkpoint_bytes = ckpt_bytes;
	rg_graph_t *g;
	int rc = rg_open(&g, &o);
	if (rc)
		die("rg_open(dir)", rc);
	return g;
}

/* ---- committers -------------------------------------------------- */

struct cargs {
	rg_graph_t *g;
	int tid, txn_edges;
	double dur;
	pthread_barrier_t *bar;
	uint64_t commits, edges;
	int err;
};

static atomic_uint_fast64_t next_node;

static void *committer(void *p)
{
	struct cargs *a = p;
	/* each thread owns a chain of nodes; a txn adds one node + txn_edges edges */
	uint64_t prev = 0;
	pthread_barrier_wait(a->bar);
	double until = now() + a->dur;
	while (now() < until) {
		rg_txn_t *t;
		int rc = rg_txn_begin(a->g, &t);
		if (rc) {
			a->err = rc;
			break;
		}
		/* relaxed: only uniqueness of ids matters */
		uint64_t id = atomic_fetch_add_explicit(&next_node, 1, memory_order_relaxed) + 1;
		rg_txn_add_node(t, id, (uint32_t)a->tid);
		uint64_t dst = prev ? prev : id;
		for (int i = 0; i < a->txn_edges; i++)
			rg_txn_add_edge(t, id, dst, (uint32_t)(i & 7), (uint64_t)i);
		rc = rg_txn_commit(t, NULL);
		if (rc) {
			a->err = rc;
			break;
		}
		prev = id;
		a->commits++;
		a->edges += (uint64_t)a->txn_edges;
	}
	return NULL;
}

static const char *pname(int p)
{
	return p == RG_DURABILITY_OFF ? "off" : p == RG_DURABILITY_INTERVAL ? "interval" : "commit";
}

static double run_commits(int policy, int threads, int txn_edges, double dur, double *edges_s,
			  double *fsyncs_per_commit)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s/commits-%s-%d-%d", base, pname(policy), threads, txn_edges);
	rg_graph_t *g = open_dir(dir, policy, 0);
	atomic_store(&next_node, 0);
	struct cargs a[8];
	pthread_t th[8];
	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, (unsigned)threads + 1);
	for (int i = 0; i < threads; i++) {
		a[i] = (struct cargs){g, i, txn_edges, dur, &bar, 0, 0, 0};
		pthread_create(&th[i], NULL, committer, &a[i]);
	}
	/* the clock starts when every committer is ready */
	pthread_barrier_wait(&bar);
	uint64_t f0 = rg__io_fsync_count();
	double t0 = now();
	uint64_t commits = 0, edges = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		if (a[i].err)
			die("commit", a[i].err);
		commits += a[i].commits;
		edges += a[i].edges;
	}
	double el = now() - t0;
	uint64_t fs = rg__io_fsync_count() - f0;
	pthread_barrier_destroy(&bar);
	rg_close(g);
	rm_rf(dir);
	*edges_s = edges / el;
	*fsyncs_per_commit = commits ? (double)fs / commits : 0;
	return commits / el;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median, min and max of v[0..n) (sorts v). */
static void stats(double *v, int n, double *med, double *lo, double *hi)
{
	qsort(v, (size_t)n, sizeof *v, cmp_d);
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	*lo = v[0];
	*hi = v[n - 1];
}

static int trials = 5;

/* ---- readers --------------------------------------------------- */

struct rargs {
	rg_graph_t *g;
	uint64_t nodes;
	atomic_int stop;
	uint64_t ops;
};

static void *reader(void *p)
{
	struct rargs *a = p;
	rg_reader_register(a->g);
	uint64_t s = 88172645463325252ull, ops = 0;
	/* relaxed: a stop flag polled in a loop; no data depends on it */
	while (!atomic_load_explicit(&a->stop, memory_order_relaxed)) {
		rg_read_t *r;
		if (rg_read_begin(a->g, &r))
			break;
		for (int i = 0; i < 64; i++) {
			s ^= s << 13; s ^= s >> 7; s ^= s << 17;
			uint64_t id = 1 + s % a->nodes;
			rg_iter_t it;
			if (rg_neighbors(r, id, RG_OUT, RG_TYPE_ANY, &it) == 0)
				while (rg_iter_next(&it))
					;
			ops++;
		}
		rg_read_end(r);
		rg_reader_quiescent(a->g);
	}
	rg_reader_unregister(a->g);
	a->ops = ops;
	return NULL;
}

static double reader_rate(rg_graph_t *g, uint64_t nodes, double dur, int checkpointing, int *ckpts)
{
	struct rargs a = {.g = g, .nodes = nodes};
	atomic_store(&a.stop, 0);
	pthread_t th;
	pthread_create(&th, NULL, reader, &a);
	double t0 = now();
	*ckpts = 0;
	while (now() - t0 < dur) {
		if (checkpointing) {
			rg_checkpoint_info_t info;
			int rc = rg_checkpoint(g, &info);
			if (rc)
				die("rg_checkpoint", rc);
			(*ckpts)++;
		} else {
			usleep(10000);
		}
	}
	atomic_store(&a.stop, 1);
	pthread_join(th, NULL);
	return a.ops / (now() - t0);
}

int main(int argc, char **argv)
{
	const char *e = getenv("RG_BENCH_SECONDS");
	if (e && atof(e) > 0)
		secs = atof(e);
	if ((e = getenv("RG_BENCH_TRIALS")) && atoi(e) > 0)
		trials = atoi(e) > 64 ? 64 : atoi(e);
	if (argc > 1)
		snprintf(base, sizeof base, "%s", argv[1]);
	else
		snprintf(base, sizeof base, "/tmp/rg-bench-wal-%d", (int)getpid());
	mkdir(base, 0755);

	char cpu[256] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f) {
		char line[512];
		while (fgets(line, sizeof line, f))
			if (!strncmp(line, "model name", 10)) {
				char *c = strchr(line, ':');
				if (c) {
					snprintf(cpu, sizeof cpu, "%s", c + 2);
					cpu[strcspn(cpu, "\n")] = 0;
				}
				break;
			}
		fclose(f);
	}
	printf("# bench_wal: cpu=\"%s\" nproc=%ld dir=%s seconds=%.2f\n", cpu, sysconf(_SC_NPROCESSORS_ONLN),
	       base, secs);
	printf("section,policy,threads,txn_edges,metric,value\n");

	/* 1. by policy and transaction size */
	int sizes[] = {1, 16, 256};
	for (int p = RG_DURABILITY_OFF; p <= RG_DURABILITY_COMMIT; p++)
		for (int s = 0; s < 3; s++) {
			double es, fpc;
			double cs = run_commits(p, 1, sizes[s], secs, &es, &fpc);
			printf("policy,%s,1,%d,commits_per_s,%.0f\n", pname(p), sizes[s], cs);
			printf("policy,%s,1,%d,edges_per_s,%.0f\n", pname(p), sizes[s], es);
			printf("policy,%s,1,%d,fsyncs_per_commit,%.3f\n", pname(p), sizes[s], fpc);
			fflush(stdout);
		}

	/* 2. group commit: interleaved rounds of 1, 2 and 4 committers. The
	 * target is 4 vs 1; 2 vs 1 is printed beside it because on a 2-core
	 * machine 2 committers are the most that run without sharing a core,
	 * so the two ratios per committer separate batching from
	 * oversubscription. */
	double gr[64], gr2[64], g1[64], g2[64], g4[64], gf1[64], gf4[64], med, lo, hi;
	for (int t = -1; t < trials; t++) {
		double es, f1, f2, f4;
		double c1 = run_commits(RG_DURABILITY_COMMIT, 1, 1, secs, &es, &f1);
		double c2 = run_commits(RG_DURABILITY_COMMIT, 2, 1, secs, &es, &f2);
		double c4 = run_commits(RG_DURABILITY_COMMIT, 4, 1, secs, &es, &f4);
		if (t < 0)
			continue; /* warm-up round */
		printf("group,commit,1,1,commits_per_s,%.0f\n", c1);
		printf("group,commit,1,1,fsyncs_per_commit,%.3f\n", f1);
		printf("group,commit,2,1,commits_per_s,%.0f\n", c2);
		printf("group,commit,2,1,fsyncs_per_commit,%.3f\n", f2);
		printf("group,commit,4,1,commits_per_s,%.0f\n", c4);
		printf("group,commit,4,1,fsyncs_per_commit,%.3f\n", f4);
		fflush(stdout);
		g1[t] = c1, g2[t] = c2, g4[t] = c4, gf1[t] = f1, gf4[t] = f4;
		gr[t] = c1 > 0 ? c4 / c1 : 0;
		gr2[t] = c1 > 0 ? c2 / c1 : 0;
	}
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	stats(g1, trials, &med, &lo, &hi);
	printf("# group commit, 1 committer: %.0f commits/s (min %.0f, max %.0f)\n", med, lo, hi);
	stats(g2, trials, &med, &lo, &hi);
	printf("# group commit, 2 committers: %.0f commits/s (min %.0f, max %.0f)%s\n", med, lo, hi,
	       ncpu < 2 ? " [oversubscribed: 2 threads]" : "");
	stats(g4, trials, &med, &lo, &hi);
	printf("# group commit, 4 committers: %.0f commits/s (min %.0f, max %.0f)%s\n", med, lo, hi,
	       ncpu < 4 ? " [oversubscribed: 4 threads]" : "");
	stats(gf1, trials, &med, &lo, &hi);
	printf("# fsyncs per commit: 1 committer %.3f", med);
	stats(gf4, trials, &med, &lo, &hi);
	printf(", 4 committers %.3f (medians)\n", med);
	stats(gr2, trials, &med, &lo, &hi);
	printf("# ratio group_commit_2v1 = %.2f (min %.2f, max %.2f over %d rounds) (no target; "
	       "%.0f%% of 2x)\n",
	       med, lo, hi, trials, 50 * med);
	stats(gr, trials, &med, &lo, &hi);
	printf("# ratio group_commit_4v1 = %.2f (min %.2f, max %.2f over %d rounds) (target >= 3; "
	       "%.0f%% of 4x)\n",
	       med, lo, hi, trials, 25 * med);
	fflush(stdout);

	/* 3. replay speed: a log of ~4M edges in 1000-edge transactions */
	char dir[600];
	snprintf(dir, sizeof dir, "%s/replay", base);
	uint64_t nodes = 200000, edges_per_txn = 1000, txns = 4000;
	{
		rg_graph_t *g = open_dir(dir, RG_DURABILITY_OFF, 0);
		rg_txn_t *t;
		if (rg_txn_begin(g, &t))
			die("txn", RG_EIO);
		for (uint64_t i = 1; i <= nodes; i++)
			rg_txn_add_node(t, i, (uint32_t)(i & 15));
		int rc = rg_txn_commit(t, NULL);
		if (rc)
			die("commit nodes", rc);
		uint64_t s = 1;
		for (uint64_t k = 0; k < txns; k++) {
			if ((rc = rg_txn_begin(g, &t)))
				die("txn", rc);
			for (uint64_t i = 0; i < edges_per_txn; i++) {
				s = s * 6364136223846793005ull + 1442695040888963407ull;
				rg_txn_add_edge(t, 1 + (s >> 20) % nodes, 1 + (s >> 40) % nodes, (uint32_t)(i & 3), i);
			}
			if ((rc = rg_txn_commit(t, NULL)))
				die("commit edges", rc);
		}
		rg_close(g);
	}
	/* the same log replayed by `trials` opens (opened read-only for the
	 * log: nothing is appended, so every open replays all of it) */
	double rr[64];
	rg_graph_t *g = NULL;
	for (int t = 0; t < trials; t++) {
		if (g)
			rg_close(g);
		double t0 = now();
		g = open_dir(dir, RG_DURABILITY_COMMIT, 0);
		double el = now() - t0;
		rg_recovery_t rep;
		rg_recovery_report(g, &rep);
		/* the same work every open: each logged edge is back, no more */
		rg_reader_register(g);
		rg_read_t *r;
		if (rg_read_begin(g, &r))
			die("rg_read_begin", RG_EINVAL);
		uint64_t have = rg_edge_count(r);
		rg_read_end(r);
		rg_reader_unregister(g);
		if (have != txns * edges_per_txn || rep.edges_replayed != have) {
			fprintf(stderr, "replay: %llu edges after open, %llu replayed, %llu logged\n",
				(unsigned long long)have, (unsigned long long)rep.edges_replayed,
				(unsigned long long)(txns * edges_per_txn));
			exit(1);
		}
		printf("replay,commit,1,%llu,records,%llu\n", (unsigned long long)edges_per_txn,
		       (unsigned long long)rep.records_replayed);
		printf("replay,commit,1,%llu,edges,%llu\n", (unsigned long long)edges_per_txn,
		       (unsigned long long)rep.edges_replayed);
		printf("replay,commit,1,%llu,open_seconds,%.3f\n", (unsigned long long)edges_per_txn, el);
		printf("replay,commit,1,%llu,edges_per_s,%.0f\n", (unsigned long long)edges_per_txn,
		       rep.edges_replayed / el);
		fflush(stdout);
		rr[t] = rep.edges_replayed / el;
	}
	stats(rr, trials, &med, &lo, &hi);
	printf("# replay %.2f M edges/s (min %.2f, max %.2f over %d opens)\n", med / 1e6, lo / 1e6,
	       hi / 1e6, trials);
	printf("# ratio replay_edges_per_s_vs_5M = %.2f (target >= 1)\n", med / 5e6);
	fflush(stdout);

	/* 4. readers during checkpoints (same 4M-edge graph) */
	double cr[64];
	for (int t = -1; t < trials; t++) {
		int ck0, ck1;
		double r0 = reader_rate(g, nodes, secs, 0, &ck0);
		double r1 = reader_rate(g, nodes, secs, 1, &ck1);
		if (t < 0)
			continue; /* warm-up round */
		printf("ckpt,commit,1,0,reader_ops_per_s_without,%.0f\n", r0);
		printf("ckpt,commit,1,0,reader_ops_per_s_during,%.0f\n", r1);
		printf("ckpt,commit,1,0,checkpoints_written,%d\n", ck1);
		fflush(stdout);
		cr[t] = r0 > 0 ? r1 / r0 : 0;
	}
	stats(cr, trials, &med, &lo, &hi);
	printf("# ratio reader_during_checkpoint = %.2f (min %.2f, max %.2f over %d rounds) (target >= 0.8)\n",
	       med, lo, hi, trials);
	rg_close(g);
	rm_rf(base);
	return 0;
}
