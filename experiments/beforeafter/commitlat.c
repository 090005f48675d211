/*
 * commitlat - commit latency and throughput under RG_DURABILITY_COMMIT
 * through the public API only, so the same source builds against rcugraph
 * 0.1 and 0.2 (experiments/beforeafter/run.sh compares the two; rgbench
 * links one version and cannot).
 *
 * usage: commitlat DIR SECONDS CHECKPOINT_BYTES COMMITTERS [IO_BYTES IO_PER_S]
 * Opens a fresh durable graph in DIR (removed first and at the end), adds
 * 1,000 nodes, then COMMITTERS threads commit one-edge transactions for
 * SECONDS (threads created before the clock, started together). Prints one
 * line: commits/s, p50 and p99 commit latency (us), fsyncs per commit, and
 * (with -DHAVE_CKPT_STATS, 0.2) checkpoints per second and the size of the
 * last checkpoint file.
 * IO_BYTES, IO_PER_S: the disk-sharing reference. A plain thread (no
 * rcugraph) writes IO_BYTES to a file in DIR and fsyncs it IO_PER_S times
 * a second while the committers run: the disk traffic of automatic
 * checkpoints of that size at that rate, without the checkpoints.
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
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <rcugraph/rcugraph.h>

uint64_t FSYNC_COUNT(void);

static rg_graph_t *g;
static atomic_int go, stop;

struct committer {
	int id, err;
	double *lat;
	size_t n, cap;
};

static char io_path[4200];
static size_t io_bytes;
static double io_per_s;

/* The disk-sharing reference: write io_bytes and fsync, io_per_s times a
 * second, until stop. */
static void *io_noise(void *arg)
{
	(void)arg;
	char *buf = malloc(io_bytes);
	if (!buf)
		return NULL;
	memset(buf, 0x5a, io_bytes);
	double next = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!atomic_load(&go))
		;
	while (!atomic_load(&stop)) {
		int fd = open(io_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			break;
		size_t off = 0;
		while (off < io_bytes) {
			ssize_t w = write(fd, buf + off, io_bytes - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		fsync(fd);
		close(fd);
		next += 1.0 / io_per_s;
		struct timespec now_ts;
		clock_gettime(CLOCK_MONOTONIC, &now_ts);
		double el = (double)(now_ts.tv_sec - t0.tv_sec) + (now_ts.tv_nsec - t0.tv_nsec) * 1e-9;
		if (next > el) {
			double d = next - el;
			struct timespec ts = {(time_t)d, (long)((d - (time_t)d) * 1e9)};
			nanosleep(&ts, NULL);
		}
	}
	free(buf);
	return NULL;
}

/* Size of the newest ckpt-*.rgc in dir (0: none). */
static long long ckpt_size(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	char best[256] = "";
	while ((e = readdir(d)))
		if (strncmp(e->d_name, "ckpt-", 5) == 0 && strstr(e->d_name, ".rgc") &&
		    !strstr(e->d_name, ".tmp") && strcmp(e->d_name, best) > 0)
			snprintf(best, sizeof best, "%s", e->d_name);
	closedir(d);
	if (!best[0])
		return 0;
	char p[4500];
	snprintf(p, sizeof p, "%s/%s", dir, best);
	struct stat st;
	return stat(p, &st) == 0 ? (long long)st.st_size : 0;
}

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
	if (argc != 5 && argc != 7) {
		fprintf(stderr, "usage: commitlat DIR SECONDS CHECKPOINT_BYTES COMMITTERS [IO_BYTES IO_PER_S]\n");
		return 2;
	}
	if (argc == 7) {
		io_bytes = strtoull(argv[5], NULL, 10);
		io_per_s = atof(argv[6]);
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
	pthread_t io_th;
	int io_on = io_bytes > 0 && io_per_s > 0;
	if (io_on) {
		snprintf(io_path, sizeof io_path, "%s/noise.bin", dir);
		pthread_create(&io_th, NULL, io_noise, NULL);
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
	if (io_on)
		pthread_join(io_th, NULL);
	double ckpts = 0;
#ifdef HAVE_CKPT_STATS
	rg_stats_t stt;
	rg_stats_get(g, &stt);
	ckpts = (double)stt.checkpoints;
#endif
	long long cbytes = ckpt_size(dir);
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
		printf("commits_per_s=%.0f p50_us=%.1f p99_us=%.1f fsyncs_per_commit=%.3f commits=%zu "
		       "checkpoints_per_s=%.1f ckpt_file_bytes=%lld\n",
		       n / el, all[n / 2] * 1e6, all[(size_t)((double)n * 0.99)] * 1e6, (double)f / (double)n, n,
		       ckpts / el, cbytes);
	free(all);
	free(ws);
	free(th);
	rg_close(g);
	if (system(cmd) != 0)
		return 1;
	return err || n == 0;
}
