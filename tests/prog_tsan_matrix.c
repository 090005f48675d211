/*
 * prog_tsan_matrix.c - the policy x durability x committers matrix: for
 * every synchronisation policy, every durability mode (in memory, OFF,
 * INTERVAL, COMMIT) and 1 and 4 committer threads, readers check a
 * snapshot invariant while the committers write. A plain pthread program
 * (no Criterion: ThreadSanitizer crashes inside Criterion 2.4.1), so the
 * same matrix runs in three builds:
 *   release, asan  every policy (ctest runs it; ASan catches a premature
 *                  free, the invariant a torn or out-of-order publication)
 *   tsan           the policies whose synchronisation ThreadSanitizer can
 *                  see: nosync (frozen graph, reads only), mutex, rwlock,
 *                  rwlock-wp and lru-rwlock (pthread locks). The liburcu
 *                  and Concurrency Kit policies order memory with fences
 *                  and volatile accesses TSan does not model.
 *
 * Invariant: every transaction moves type-1 edges between the ACC
 * "account" nodes and replaces the temp node with its TEMP_DEG edges, so a
 * section sees ACC + 1 nodes and ACC * PER + TEMP_DEG edges in every view
 * (counts, degrees, iteration), or it saw a torn transaction; versions
 * never go backwards in a reader. Temp nodes have sparse ids (2^40 + n):
 * the graph is sparse and its id index grows while readers probe it, so
 * index tables are retired concurrently with group-commit publication
 * (the race this matrix was written for: publish.c).
 *
 * Usage: prog_tsan_matrix [seconds per cell] [policy ...]
 *   $RG_MATRIX_DURABILITY: comma list of mem,off,interval,commit (default all)
 *   $RG_MATRIX_COMMITTERS: comma list of committer counts (default 1,4)
 * Exit status 0 iff no violation and no error in any cell.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rcugraph/rcugraph.h>
#include "testutil.h"

#define ACC 32
#define PER 8
#define TEMP_DEG 4
#define TEMP_BASE (UINT64_C(1) << 40)
#define READERS 2
#define MAXW 4

struct ctx {
	rg_graph_t *g;
	const char *pol;
	int frozen;
	int nw; /* committer threads */
	double seconds, hard_end;
	atomic_int stop;
	atomic_int writers_done;
	atomic_int registered; /* readers registered so far */
	/* shared by the committers; only touched inside a transaction, which
	 * the writer mutex makes exclusive */
	uint32_t shadow[ACC][ACC];
	uint64_t temp, n;
	uint64_t commits[MAXW];
	int writer_rc[MAXW];
	uint64_t checks[READERS], violations[READERS];
	int reader_rc[READERS];
	char first[READERS][200];
};

static const uint64_t TOTAL = ACC * PER + TEMP_DEG;

static int add_temp(rg_txn_t *t, uint64_t id, uint64_t *seed)
{
	int rc = rg_txn_add_node(t, id, 1);
	for (int k = 0; !rc && k < TEMP_DEG; k++)
		rc = rg_txn_add_edge(t, id, rg_rand(seed) % ACC, 2, 0);
	return rc;
}

static int build(struct ctx *c)
{
	uint32_t (*shadow)[ACC] = c->shadow;
	rg_txn_t *t;
	uint64_t seed = 1;
	int rc = rg_txn_begin(c->g, &t);
	for (uint64_t i = 0; !rc && i < ACC; i++)
		rc = rg_txn_add_node(t, i, 0);
	for (uint64_t i = 0; !rc && i < ACC; i++)
		for (int k = 0; !rc && k < PER; k++) {
			uint64_t x = rg_rand(&seed) % ACC;
			rc = rg_txn_add_edge(t, i, x, 1, 0);
			shadow[i][x]++;
		}
	if (!rc)
		rc = add_temp(t, TEMP_BASE, &seed);
	if (!rc)
		return rg_txn_commit(t, NULL);
	rg_txn_abort(t);
	return rc;
}

struct wargs {
	struct ctx *c;
	int i;
};

static void *writer(void *arg)
{
	struct wargs *wa = arg;
	struct ctx *c = wa->c;
	const int me = wa->i;
	uint64_t seed = 7 + (uint64_t)me, mine = 0;
	double end = rg_now() + c->seconds;
	if (c->frozen && me > 0)
		goto out;
	if (c->frozen) {
		/* the graph freezes when a reader registers: wait for them, or
		 * the begin below may legitimately succeed first */
		while (atomic_load(&c->registered) < READERS && rg_now() < end) {
			struct timespec ts = {0, 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		rg_txn_t *t;
		int rc = rg_txn_begin(c->g, &t);
		c->writer_rc[me] = rc == RG_EPOLICY ? 0 : (rc ? rc : -100);
		if (rc == 0)
			rg_txn_abort(t);
		while (rg_now() < end) {
			struct timespec ts = {0, 5 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	while (!c->frozen && rg_now() < end) {
		rg_txn_t *t;
		int rc = rg_txn_begin(c->g, &t);
		if (rc) {
			c->writer_rc[me] = rc;
			break;
		}
		/* inside the transaction: the shared shadow, temp and n are ours */
		uint32_t moved = 0;
		uint64_t n = c->n;
		for (int m = 0; m < 4 && !rc; m++) {
			uint64_t a = rg_rand(&seed) % ACC, x = rg_rand(&seed) % ACC;
			if (!c->shadow[a][x])
				continue;
			rc = rg_txn_del_edge(t, a, x, 1);
			moved += c->shadow[a][x];
			c->shadow[a][x] = 0;
		}
		for (uint32_t k = 0; k < moved && !rc; k++) {
			uint64_t b = rg_rand(&seed) % ACC, y = rg_rand(&seed) % ACC;
			rc = rg_txn_add_edge(t, b, y, 1, n);
			c->shadow[b][y]++;
		}
		if (!rc && n % 3 == 0) {
			rc = rg_txn_del_node(t, c->temp);
			if (!rc)
				rc = add_temp(t, c->temp + 1, &seed);
			if (!rc)
				c->temp++;
		}
		c->n = n + 1;
		if (rc) {
			rg_txn_abort(t);
			c->writer_rc[me] = rc;
			break;
		}
		if ((rc = rg_txn_commit(t, NULL))) {
			c->writer_rc[me] = rc;
			break;
		}
		mine++;
		/* the pack's publication (its arrays and clean bits, then the
		 * snapshot record) and the clean-bit clears, under TSan too */
		if (mine % 16 == 0 && (rc = rg_pack(c->g))) {
			c->writer_rc[me] = rc;
			break;
		}
	}
out:
	c->commits[me] = mine;
	if (atomic_fetch_add(&c->writers_done, 1) + 1 == c->nw)
		atomic_store(&c->stop, 1);
	return NULL;
}

struct rargs {
	struct ctx *c;
	int i;
};

static void *reader(void *arg)
{
	struct rargs *ra = arg;
	struct ctx *c = ra->c;
	int i = ra->i, rc;
	if ((rc = rg_reader_register(c->g))) {
		c->reader_rc[i] = rc;
		return NULL;
	}
	atomic_fetch_add(&c->registered, 1);
	uint64_t lastv = 0;
	while (!atomic_load(&c->stop) && rg_now() < c->hard_end) {
		rg_read_t *r;
		if ((rc = rg_read_begin(c->g, &r))) {
			c->reader_rc[i] = rc;
			break;
		}
		int backwards = rg_read_version(r) < lastv;
		lastv = rg_read_version(r);
		uint64_t out = 0, in = 0, iter = 0, temps = 0;
		for (uint64_t a = 0; a < ACC; a++) {
			uint64_t d;
			if (rg_degree(r, a, RG_OUT, &d) == 0)
				out += d;
			if (rg_degree(r, a, RG_IN, &d) == 0)
				in += d;
			rg_iter_t it;
			if (rg_neighbors(r, a, RG_OUT, RG_TYPE_ANY, &it) == 0)
				while (rg_iter_next(&it))
					iter++;
		}
		uint64_t tdeg = 0;
		for (uint64_t s = rg_node_slots(r); s-- > ACC;) {
			rg_iter_t it;
			if (rg_neighbors_at(r, s, RG_OUT, RG_TYPE_ANY, &it) == 0) {
				temps++;
				while (rg_iter_next(&it))
					tdeg++;
			}
		}
		int bad = backwards || rg_edge_count(r) != TOTAL || rg_node_count(r) != ACC + 1 || temps != 1 ||
			  tdeg != TEMP_DEG || out != ACC * PER || iter != out ||
			  in != ACC * PER + TEMP_DEG;
		if (bad && c->violations[i]++ == 0)
			snprintf(c->first[i], sizeof c->first[i],
				 "v=%llu edges=%llu nodes=%llu temps=%llu tdeg=%llu out=%llu iter=%llu in=%llu",
				 (unsigned long long)rg_read_version(r),
				 (unsigned long long)rg_edge_count(r),
				 (unsigned long long)rg_node_count(r), (unsigned long long)temps,
				 (unsigned long long)tdeg, (unsigned long long)out,
				 (unsigned long long)iter, (unsigned long long)in);
		rc = rg_read_end(r);
		rg_reader_quiescent(c->g);
		if (rc == RG_ERETRY) /* ck-seqlock: the section is void; its view was still whole */
			continue;
		if (rc) {
			c->reader_rc[i] = rc;
			break;
		}
		c->checks[i]++;
	}
	rg_reader_unregister(c->g);
	return NULL;
}

static const char *dur_name(int d)
{
	return d < 0 ? "mem" : d == RG_DURABILITY_OFF ? "off" : d == RG_DURABILITY_INTERVAL ? "interval" : "commit";
}

/* One cell: policy pol, durability dur (-1: in memory), nw committers. */
static int run(const char *pol, int dur, int nw, double seconds)
{
	struct ctx *c = calloc(1, sizeof *c);
	c->pol = pol;
	c->frozen = strcmp(pol, "nosync") == 0;
	c->seconds = seconds;
	c->nw = nw;
	c->temp = TEMP_BASE;
	char dir[] = "/tmp/rg_matrix_XXXXXX";
	rg_options_t o;
	rg_options_init(&o);
	o.sync = pol;
	if (dur >= 0) {
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			free(c);
			return 1;
		}
		o.dir = dir;
		o.durability = dur;
		o.interval_ms = 2;
		o.checkpoint_bytes = 64 << 10; /* automatic checkpoints run during the cell */
	}
	int rc = rg_open(&c->g, &o);
	if (rc) {
		fprintf(stderr, "%s/%s: rg_open: %s\n", pol, dur_name(dur), rg_strerror(rc));
		free(c);
		return 1;
	}
	/* packed before sharing: nosync's frozen readers read the pack too */
	if ((rc = build(c)) || (rc = rg_pack(c->g))) {
		fprintf(stderr, "%s: build: %s\n", pol, rg_strerror(rc));
		rg_close(c->g);
		free(c);
		return 1;
	}
	c->hard_end = rg_now() + seconds + 60;
	pthread_t w[MAXW], rd[READERS];
	struct rargs ra[READERS];
	struct wargs wa[MAXW];
	for (int i = 0; i < READERS; i++) {
		ra[i] = (struct rargs){c, i};
		pthread_create(&rd[i], NULL, reader, &ra[i]);
	}
	for (int i = 0; i < nw; i++) {
		wa[i] = (struct wargs){c, i};
		pthread_create(&w[i], NULL, writer, &wa[i]);
	}
	for (int i = 0; i < nw; i++)
		pthread_join(w[i], NULL);
	for (int i = 0; i < READERS; i++)
		pthread_join(rd[i], NULL);
	uint64_t checks = 0, viol = 0, commits = 0;
	int fail = 0;
	for (int i = 0; i < nw; i++) {
		fail |= c->writer_rc[i] != 0;
		commits += c->commits[i];
		/* every committer got its turn (not for nosync: no writes) */
		fail |= !c->frozen && c->commits[i] == 0;
	}
	for (int i = 0; i < READERS; i++) {
		checks += c->checks[i];
		viol += c->violations[i];
		fail |= c->reader_rc[i] != 0 || c->violations[i] != 0;
	}
	fail |= checks == 0;
	rg_stats_t st;
	rg_stats_get(c->g, &st);
	printf("%-10s %-8s %d committer%s %s: %llu commits, %llu checkpoints, %llu reader checks, %llu violations%s\n",
	       pol, dur_name(dur), nw, nw > 1 ? "s" : " ", fail ? "FAIL" : "ok",
	       (unsigned long long)commits, (unsigned long long)st.checkpoints,
	       (unsigned long long)checks, (unsigned long long)viol,
	       c->frozen ? " (frozen: txn refused with RG_EPOLICY)" : "");
	for (int i = 0; i < READERS; i++) {
		if (c->violations[i])
			printf("  reader %d first violation: %s\n", i, c->first[i]);
		if (c->reader_rc[i])
			printf("  reader %d error: %s\n", i, rg_strerror(c->reader_rc[i]));
	}
	for (int i = 0; i < nw; i++)
		if (c->writer_rc[i])
			printf("  committer %d: %s\n", i, rg_strerror(c->writer_rc[i]));
	rg_close(c->g);
	if (dur >= 0)
		rg_test_rm_rf(dir);
	free(c);
	return fail;
}

/* Parses a comma list of durability names or committer counts. */
static int parse_list(const char *s, int *out, int max, int durs)
{
	int n = 0;
	char buf[128];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *tok = strtok(buf, ","); tok && n < max; tok = strtok(NULL, ",")) {
		if (!durs) {
			int v = atoi(tok);
			if (v < 1 || v > MAXW)
				return -1;
			out[n++] = v;
		} else if (!strcmp(tok, "mem"))
			out[n++] = -1;
		else if (!strcmp(tok, "off"))
			out[n++] = RG_DURABILITY_OFF;
		else if (!strcmp(tok, "interval"))
			out[n++] = RG_DURABILITY_INTERVAL;
		else if (!strcmp(tok, "commit"))
			out[n++] = RG_DURABILITY_COMMIT;
		else
			return -1;
	}
	return n;
}

int main(int argc, char **argv)
{
#if defined(__SANITIZE_THREAD__)
	static const char *dflt[] = {"nosync", "mutex", "rwlock", "rwlock-wp", "lru-rwlock", NULL};
	const char *const *pols = dflt;
#else
	const char *const *pols = rg_policy_names(); /* every policy */
#endif
	setvbuf(stdout, NULL, _IOLBF, 0); /* progress survives a TSan halt */
	double seconds = argc > 1 ? atof(argv[1]) : rg_stress_seconds(0.25);
	if (seconds <= 0)
		seconds = 0.25;
	int durs[4] = {-1, RG_DURABILITY_OFF, RG_DURABILITY_INTERVAL, RG_DURABILITY_COMMIT}, nd = 4;
	int ws[4] = {1, 4}, nws = 2;
	const char *e;
	if ((e = getenv("RG_MATRIX_DURABILITY")) && (nd = parse_list(e, durs, 4, 1)) <= 0) {
		fprintf(stderr, "RG_MATRIX_DURABILITY: want a list of mem,off,interval,commit\n");
		return 2;
	}
	if ((e = getenv("RG_MATRIX_COMMITTERS")) && (nws = parse_list(e, ws, 4, 0)) <= 0) {
		fprintf(stderr, "RG_MATRIX_COMMITTERS: want a list of 1..%d\n", MAXW);
		return 2;
	}
	int fail = 0, cells = 0;
	const char **list = argc > 2 ? (const char **)argv + 2 : (const char **)pols;
	int nlist = argc > 2 ? argc - 2 : 0;
	for (int p = 0; argc > 2 ? p < nlist : list[p] != NULL; p++)
		for (int d = 0; d < nd; d++)
			for (int k = 0; k < nws; k++, cells++)
				fail |= run(list[p], durs[d], ws[k], seconds);
	printf("%d cells: %s\n", cells, fail ? "FAILED" : "all passed");
	return fail;
}
