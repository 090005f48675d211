/*
 * peerbench.c - smoke driver for the peers (peer.h): read-only neighbour
 * queries on each store, closed loop, fixed duration, then optionally
 * commits/s per durability. Not the measurement (that moves into the
 * rewritten rgbench): a quick look, and a check that every store does the
 * same work.
 *
 * Usage: peerbench [--graph SPEC] [--threads 1,2] [--seconds S]
 *                  [--peers lmdb,sqlite,rcugraph] [--dir DIR]
 *                  [--commits N] [--batch B]
 *
 * Per store: build from the edge list (in a fresh directory under --dir,
 * default $TMPDIR or /tmp; rcugraph in memory, rcu-memb, packed), the
 * checksum of a fixed sequence of 10,000 queries (must be equal for every
 * store, else exit status 1), then for each thread count: T threads
 * created and their reader handles opened before the clock starts, a
 * barrier, T closed loops over one shared seeded query sequence (thread t
 * starting at offset t * 2^16 / T), a stop flag after --seconds, queries/s
 * = all queries / (last thread's end - barrier release). With --commits N:
 * a fresh store per durability (OFF, COMMIT), N write transactions of
 * --batch random edges each, commits/s (rcugraph then in a directory).
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "peer.h"

#define NQ (1u << 16)
#define VERIFY_Q 10000
#define MAX_T 64

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb, (void)flag, (void)f;
	return remove(p);
}

struct run {
	rgp_store_t *store;
	const uint64_t *q;
	pthread_barrier_t *start;
	atomic_int *stop;
	int tid, nthreads;
	uint64_t count, sum;
	double end;
	int rc;
	char err[256];
};

static void *reader_main(void *arg)
{
	struct run *r = arg;
	rgp_reader_t *rd = NULL;
	r->rc = rgp_reader_open(r->store, &rd);
	if (r->rc)
		snprintf(r->err, sizeof r->err, "%s", rgp_last_error());
	pthread_barrier_wait(r->start); /* every thread, also a failed one */
	uint64_t i = (uint64_t)r->tid * (NQ / (unsigned)r->nthreads), n = 0, sum = 0;
	while (!r->rc && !atomic_load_explicit(r->stop, memory_order_relaxed)) {
		uint64_t s;
		if ((r->rc = rgp_neighbors(rd, r->q[i++ & (NQ - 1)], NULL, NULL, &s))) {
			snprintf(r->err, sizeof r->err, "%s", rgp_last_error());
			break;
		}
		sum += s;
		n++;
	}
	r->end = now();
	r->count = n;
	r->sum = sum;
	rgp_reader_close(rd);
	return NULL;
}

/* queries/s with T threads, or < 0 on error. */
static double timed_reads(rgp_store_t *s, const uint64_t *q, int T, double seconds)
{
	pthread_t th[MAX_T];
	struct run r[MAX_T];
	pthread_barrier_t start;
	atomic_int stop = 0;
	pthread_barrier_init(&start, NULL, (unsigned)T + 1);
	for (int t = 0; t < T; t++) {
		r[t] = (struct run){.store = s, .q = q, .start = &start, .stop = &stop, .tid = t,
				    .nthreads = T};
		if (pthread_create(&th[t], NULL, reader_main, &r[t])) {
			fprintf(stderr, "peerbench: pthread_create failed\n");
			exit(1);
		}
	}
	pthread_barrier_wait(&start);
	double t0 = now();
	struct timespec d = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
	nanosleep(&d, NULL);
	atomic_store(&stop, 1);
	double t1 = t0;
	uint64_t total = 0;
	int bad = 0;
	for (int t = 0; t < T; t++) {
		pthread_join(th[t], NULL);
		if (r[t].rc) {
			fprintf(stderr, "peerbench: reader %d: %s\n", t, r[t].err);
			bad = 1;
		}
		total += r[t].count;
		t1 = r[t].end > t1 ? r[t].end : t1;
	}
	pthread_barrier_destroy(&start);
	return bad ? -1 : (double)total / (t1 - t0);
}

static int mkdir_for(const char *base, const char *tag, char *out, size_t cap)
{
	snprintf(out, cap, "%s/peerbench-%s-XXXXXX", base, tag);
	if (!mkdtemp(out)) {
		fprintf(stderr, "peerbench: mkdtemp %s: %s\n", out, strerror(errno));
		return -1;
	}
	return 0;
}

static uint64_t checksum(rgp_store_t *s, const uint64_t *q, int *err)
{
	rgp_reader_t *rd;
	uint64_t h = 0x9E3779B97F4A7C15ull;
	if (rgp_reader_open(s, &rd)) {
		*err = 1;
		return 0;
	}
	for (unsigned i = 0; i < VERIFY_Q && !*err; i++) {
		uint64_t sum;
		*err = rgp_neighbors(rd, q[i], NULL, NULL, &sum) != 0;
		h = mix64(h ^ sum);
	}
	rgp_reader_close(rd);
	return h;
}

/* --commits: N transactions of `batch` random edges per durability. */
static int commits(const rgp_peer_t *p, const rg_edgelist_t *el, const uint64_t *ids,
		   uint64_t nids, const char *base, long n, int batch)
{
	static const int dur[] = {RG_DURABILITY_OFF, RG_DURABILITY_COMMIT};
	rgp_edge_t *e = malloc(sizeof *e * (size_t)batch);
	if (!e)
		return -1;
	int bad = 0;
	for (int k = 0; k < 2 && !bad; k++) {
		char dir[4096];
		if (mkdir_for(base, p->name, dir, sizeof dir)) {
			bad = 1;
			break;
		}
		rgp_config_t cfg;
		rgp_config_init(&cfg);
		cfg.durability = dur[k];
		rgp_store_t *s;
		if (rgp_create(p, dir, el, &cfg, &s)) {
			fprintf(stderr, "peerbench: %s: %s\n", p->name, rgp_last_error());
			bad = 1;
		} else {
			uint64_t seed = 0x5eed + (uint64_t)k;
			double t0 = now();
			for (long c = 0; c < n && !bad; c++) {
				for (int b = 0; b < batch; b++) {
					e[b].src = ids[(seed = mix64(seed)) % nids];
					e[b].dst = ids[(seed = mix64(seed)) % nids];
				}
				if (rgp_insert_edges(s, e, (size_t)batch)) {
					fprintf(stderr, "peerbench: %s: %s\n", p->name,
						rgp_last_error());
					bad = 1;
				}
			}
			double sec = now() - t0;
			if (!bad)
				printf("%-9s commits  durability=%-6s batch=%d  %10.0f commits/s "
				       "(%ld in %.2f s)\n",
				       p->name, k ? "COMMIT" : "OFF", batch, (double)n / sec, n, sec);
			rgp_destroy(s);
		}
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
	free(e);
	return bad ? -1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: peerbench [--graph SPEC] [--threads 1,2] [--seconds S] "
			"[--peers lmdb,sqlite,rcugraph] [--dir DIR] [--commits N] [--batch B]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *spec = "rmat:scale=16", *peers = "lmdb,sqlite,rcugraph", *threads = "1,2";
	const char *base = getenv("TMPDIR");
	double seconds = 1.0;
	long ncommits = 0;
	int batch = 1;
	static const struct option opts[] = {
		{"graph", 1, 0, 'g'}, {"threads", 1, 0, 't'}, {"seconds", 1, 0, 's'},
		{"peers", 1, 0, 'p'}, {"dir", 1, 0, 'd'},     {"commits", 1, 0, 'c'},
		{"batch", 1, 0, 'b'}, {"help", 0, 0, 'h'},    {0, 0, 0, 0}};
	for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
		switch (c) {
		case 'g': spec = optarg; break;
		case 't': threads = optarg; break;
		case 's': seconds = atof(optarg); break;
		case 'p': peers = optarg; break;
		case 'd': base = optarg; break;
		case 'c': ncommits = atol(optarg); break;
		case 'b': batch = atoi(optarg); break;
		default: usage();
		}
	}
	if (optind < argc || seconds <= 0 || seconds > 3600 || ncommits < 0 || batch < 1)
		usage();
	if (!base || !*base)
		base = "/tmp";
	int T[16], nt = 0;
	for (char *p = (char *)threads; *p && nt < 16;) {
		long v = strtol(p, &p, 10);
		if (v < 1 || v > MAX_T || (*p && *p != ','))
			usage();
		T[nt++] = (int)v;
		p += *p == ',';
	}
	const rgp_peer_t *P[3];
	int np = 0;
	char plist[256];
	snprintf(plist, sizeof plist, "%s", peers);
	for (char *sv, *tok = strtok_r(plist, ",", &sv); tok; tok = strtok_r(NULL, ",", &sv)) {
		if (np == 3 || !(P[np++] = rgp_find(tok))) {
			fprintf(stderr, "peerbench: unknown peer '%s' (lmdb, sqlite, rcugraph)\n", tok);
			return 2;
		}
	}
	rg_edgelist_t el;
	char err[512] = "";
	int rc = rg_gen_from_spec(spec, &el, err, sizeof err);
	if (rc || !el.n_edges) {
		fprintf(stderr, "peerbench: --graph %s: %s\n", spec, rc ? err : "no edges");
		return 1;
	}
	/* distinct endpoint ids, and the seeded query sequence over them */
	uint64_t m = el.n_edges, nids = 0;
	uint64_t *ids = malloc(2 * m * sizeof *ids), *q = malloc(NQ * sizeof *q);
	if (!ids || !q)
		return 1;
	memcpy(ids, el.src, m * sizeof *ids);
	memcpy(ids + m, el.dst, m * sizeof *ids);
	qsort(ids, 2 * m, sizeof *ids, cmp_u64);
	for (uint64_t i = 0; i < 2 * m; i++)
		if (!i || ids[i] != ids[i - 1])
			ids[nids++] = ids[i];
	uint64_t seed = 0x51ed;
	for (unsigned i = 0; i < NQ; i++)
		q[i] = ids[(seed = mix64(seed)) % nids];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	printf("# peerbench: graph %s (%llu nodes, %llu edges), %.2f s per run, %ld online CPUs\n",
	       spec, (unsigned long long)nids, (unsigned long long)m, seconds, ncpu);
	uint64_t ref = 0;
	int status = 0;
	for (int i = 0; i < np; i++) {
		char dir[4096] = "";
		int in_memory = P[i] == &rgp_rcugraph;
		if (!in_memory && mkdir_for(base, P[i]->name, dir, sizeof dir))
			return 1;
		rgp_store_t *s;
		double t0 = now();
		if (rgp_create(P[i], in_memory ? NULL : dir, &el, NULL, &s)) {
			fprintf(stderr, "peerbench: %s: %s\n", P[i]->name, rgp_last_error());
			status = 1;
		} else {
			double load = now() - t0;
			int bad = 0;
			uint64_t h = checksum(s, q, &bad);
			if (bad) {
				fprintf(stderr, "peerbench: %s: %s\n", P[i]->name, rgp_last_error());
				status = 1;
			}
			if (i == 0)
				ref = h;
			printf("%-9s load %.2f s, checksum %016llx%s\n", P[i]->name, load,
			       (unsigned long long)h, h == ref ? "" : "  DIFFERS");
			if (h != ref)
				status = 1;
			for (int k = 0; k < nt && !bad; k++) {
				double qps = timed_reads(s, q, T[k], seconds);
				if (qps < 0)
					status = 1;
				else
					printf("%-9s reads    threads=%d%s  %12.0f queries/s\n",
					       P[i]->name, T[k], T[k] > ncpu ? " (oversubscribed)" : "",
					       qps);
			}
			rgp_destroy(s);
		}
		if (dir[0])
			nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		if (ncommits && commits(P[i], &el, ids, nids, base, ncommits, batch))
			status = 1;
	}
	printf("# checksums (%d queries): %s\n", VERIFY_Q,
	       status ? "DIFFER or failed" : "identical");
	free(ids);
	free(q);
	rg_edgelist_free(&el);
	return status;
}
