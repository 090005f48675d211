/*
 * commitlat - commit latency and throughput under RG_DURABILITY_COMMIT
 * through the public API only, so the same source builds against rcugraph
 * 0.1 and 0.2 (experiments/beforeafter/run.sh compares the two; rgbench
 * links one version and cannot).
 *
 * usage: commitlat DIR SECONDS CHECKPOINT_BYTES COMMITTERS
 * Opens a fresh durable graph in DIR (removed first and at the end), adds
 * 1,000 nodes, then COMMITTERS threads commit one-edge transactions for
 * SECONDS (threads created before the clock, started together). Prints one
 * line: commits/s, p50 and p99 commit latency (us), fsyncs per commit.
 * FSYNC_COUNT names the library's internal fsync counter (it differs
 * between the versions; run.sh passes it).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rcugraph/rcugraph.h>

uint64_t FSYNC_COUNT(void);

static rg_graph_t *g;
static atomic_int go, stop;

struct committer {
	int id, err;
	double *lat;
	size_t n, cap;
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void *run(void *arg)
{
	struct committer *w = arg;
	uint64_t seed = 1 + (uint64_t)w->id;
	while (!atomic_load(&go))
		;
	while (!atomic_load(&stop)) {
		seed = seed * 6364136223846793005ull + 1;
		double t0 = now();
		rg_txn_t *t;
		if ((w->err = rg_txn_begin(g, &t)) != 0)
			break;
		if ((w->err = rg_txn_add_edge(t, (seed >> 20) % 1000, (seed >> 40) % 1000, 0, 0)) != 0) {
			rg_txn_abort(t);
			break;
		}
		if ((w->err = rg_txn_commit(t, NULL)) != 0)
			break;
		double dt = now() - t0;
		if (w->n == w->cap) {
			size_t cap = w->cap ? 2 * w->cap : 4096;
			double *p = realloc(w->lat, cap * sizeof *p);
			if (!p) {
				w->err = -1;
				break;
			}
			w->lat = p;
			w->cap = cap;
		}
		w->lat[w->n++] = dt;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: commitlat DIR SECONDS CHECKPOINT_BYTES COMMITTERS\n");
		return 2;
	}
	const char *dir = argv[1];
	double secs = atof(argv[2]);
	uint64_t ck = strtoull(argv[3], NULL, 10);
	int nth = atoi(argv[4]);
	if (secs <= 0 || nth < 1 || nth > 64) {
		fprintf(stderr, "commitlat: bad SECONDS or COMMITTERS\n");
		return 2;
	}
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	rg_options_t o;
	rg_options_init(&o);
	o.dir = dir;
	o.durability = RG_DURABILITY_COMMIT;
	o.checkpoint_bytes = ck;
	int rc = rg_open(&g, &o);
	if (rc) {
		fprintf(stderr, "commitlat: rg_open %s: %s\n", dir, rg_strerror(rc));
		return 1;
	}
	rg_txn_t *t;
	if (rg_txn_begin(g, &t) == 0) {
		for (uint64_t i = 0; i < 1000; i++)
			rg_txn_add_node(t, i, 0);
		rg_txn_commit(t, NULL);
	}
	struct committer *ws = calloc((size_t)nth, sizeof *ws);
	pthread_t *th = calloc((size_t)nth, sizeof *th);
	if (!ws || !th)
		return 1;
	for (int i = 0; i < nth; i++) {
		ws[i].id = i;
		pthread_create(&th[i], NULL, run, &ws[i]);
	}
	uint64_t f0 = FSYNC_COUNT();
	double t0 = now();
	atomic_store(&go, 1);
	struct timespec ts = {(time_t)secs, (long)((secs - (time_t)secs) * 1e9)};
	nanosleep(&ts, NULL);
	atomic_store(&stop, 1);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	double el = now() - t0;
	uint64_t f = FSYNC_COUNT() - f0;
	size_t n = 0;
	int err = 0;
	for (int i = 0; i < nth; i++) {
		n += ws[i].n;
		if (ws[i].err)
			err = ws[i].err;
	}
	double *all = malloc((n ? n : 1) * sizeof *all);
	size_t k = 0;
	for (int i = 0; i < nth; i++) {
		memcpy(all + k, ws[i].lat, ws[i].n * sizeof *all);
		k += ws[i].n;
		free(ws[i].lat);
	}
	qsort(all, n, sizeof *all, cmpd);
	if (err || n == 0)
		fprintf(stderr, "commitlat: a committer failed: %s\n", err < 0 ? rg_strerror(err) : "no commits");
	else
		printf("commits_per_s=%.0f p50_us=%.1f p99_us=%.1f fsyncs_per_commit=%.3f commits=%zu\n", n / el,
		       all[n / 2] * 1e6, all[(size_t)((double)n * 0.99)] * 1e6, (double)f / (double)n, n);
	free(all);
	free(ws);
	free(th);
	rg_close(g);
	if (system(cmd) != 0)
		return 1;
	return err || n == 0;
}
