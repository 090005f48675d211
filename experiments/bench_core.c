/*
 * bench_core.c - the core issue's measurements, each a ratio taken in one
 * run on one machine:
 *
 *  reads   read-only neighbour scans at 1 and 2 threads: rcugraph under
 *          rcu-memb vs the same store with no synchronisation (nosync) vs
 *          a static CSR array holding the same graph (as 8-byte neighbour
 *          ids, and as records with id, type and property); and rcu-memb
 *          with metrics on (the default) vs off. One query = one read
 *          section + one node's out-neighbours summed. The rcugraph
 *          stores are packed after loading (rg_pack, what a read-heavy
 *          user does after a bulk load); "nosync-unpacked" is the same
 *          load without the pack, reported beside them.
 *  insert  single-writer insert throughput, R-MAT (default scale 20, edge
 *          factor 16), batches of 10,000 edges per transaction, in memory;
 *          and, for comparison, the same edges in 2^20-edge transactions,
 *          which take rg_txn_add_edges' sorted bulk path; and a floor: the
 *          same records in plain per-node arrays, no versions, no
 *          transactions (rcugraph is reported as a ratio of it).
 *  hub     1,000,000 edges inserted into one hub node vs spread over many.
 *
 * Method: duration-based trials; reader threads are created before the
 * clock and released together on a barrier; the first trial is a warm-up
 * and is discarded; stores are measured interleaved trial by trial so
 * drift on a shared machine hits all of them alike, and every ratio is
 * the median (min, max) of the per-trial ratios; every query adds the
 * neighbour ids it saw to a checksum, and all stores must agree on the
 * checksum of one fixed query sequence.
 *
 * Usage: bench_core [--seconds S] [--trials N] [--graph SPEC] [--scale K]
 *                   [--only reads|insert|hub] [--csv FILE]
 */
#include <getopt.h>
#include <malloc.h>
#include <stdatomic.h>

#include <rcugraph/load.h>
#include <rcugraph/rcugraph.h>

#include "benchutil.h"

/* Two static CSRs: "static-csr" keeps only the neighbour ids (8 bytes per
 * edge, the leanest structure this query can read); "static-csr-records"
 * keeps every edge's id, type and property, the information an rg_edge_t
 * gives (24-byte records), so that the gap between it and nosync is the
 * cost of the store's structure alone, not of what an edge carries. */
enum store { S_CSR, S_CSR_REC, S_NOSYNC, S_RCU, S_RCU_NOMETRICS, S_NOSYNC_UNPACKED, S_N };
static const char *store_name[S_N] = {"static-csr",         "static-csr-records", "nosync",
				      "rcu-memb",           "rcu-memb-nometrics", "nosync-unpacked"};
#define IS_CSR(s) ((s) < S_NOSYNC)

struct csr_rec {
	uint64_t nbr;
	uint64_t prop;
	uint32_t type;
};

struct csr {
	uint64_t n;
	uint64_t *off;
	uint64_t *dst;
	struct csr_rec *rec;
};

/* The graph under test: ids are 0..n-1 (generators) so the CSR indexes by id. */
static rg_edgelist_t el;
static struct csr csr;
static rg_graph_t *graphs[S_N];
static uint64_t *queries;
static size_t nqueries = 1 << 20;

static atomic_int stop;
static pthread_barrier_t start_bar, end_bar;
static int cur_store;
static struct bu_padded counters[64];

static void build_csr(void)
{
	csr.n = el.n_nodes;
	csr.off = calloc(csr.n + 1, sizeof *csr.off);
	csr.dst = malloc(el.n_edges * sizeof *csr.dst);
	for (uint64_t i = 0; i < el.n_edges; i++)
		csr.off[el.src[i] + 1]++;
	for (uint64_t i = 0; i < csr.n; i++)
		csr.off[i + 1] += csr.off[i];
	uint64_t *fill = malloc(csr.n * sizeof *fill);
	memcpy(fill, csr.off, csr.n * sizeof *fill);
	csr.rec = malloc(el.n_edges * sizeof *csr.rec);
	for (uint64_t i = 0; i < el.n_edges; i++) {
		uint64_t k = fill[el.src[i]]++;
		csr.dst[k] = el.dst[i];
		csr.rec[k] = (struct csr_rec){el.dst[i], 0, 0}; /* rg_edgelist_insert: type 0, prop 0 */
	}
	free(fill);
}

static inline uint64_t query(int s, uint64_t id)
{
	uint64_t sum = 0;
	if (s == S_CSR) {
		for (uint64_t k = csr.off[id]; k < csr.off[id + 1]; k++)
			sum += csr.dst[k];
		return sum;
	}
	if (s == S_CSR_REC) {
		for (uint64_t k = csr.off[id]; k < csr.off[id + 1]; k++)
			sum += csr.rec[k].nbr;
		return sum;
	}
	rg_read_t *r;
	rg_iter_t it;
	rg_read_begin(graphs[s], &r);
	if (rg_neighbors(r, id, RG_OUT, RG_TYPE_ANY, &it) == 0)
		for (const rg_edge_t *e; (e = rg_iter_next(&it));)
			sum += e->nbr;
	rg_read_end(r);
	return sum;
}

struct worker {
	int idx;
	int nthreads;
};

static void *reader(void *arg)
{
	struct worker *w = arg;
	for (int s = S_NOSYNC; s < S_N; s++)
		rg_reader_register(graphs[s]);
	for (;;) {
		pthread_barrier_wait(&start_bar);
		int s = cur_store;
		if (s < 0)
			break;
		uint64_t ops = 0, sum = 0;
		size_t q = (size_t)w->idx * (nqueries / (size_t)w->nthreads);
		while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
			for (int k = 0; k < 64; k++) {
				sum += query(s, queries[q]);
				q = (q + 1) & (nqueries - 1);
			}
			ops += 64;
		}
		counters[w->idx].ops = ops;
		counters[w->idx].checksum = sum;
		pthread_barrier_wait(&end_bar);
	}
	for (int s = S_NOSYNC; s < S_N; s++)
		rg_reader_unregister(graphs[s]);
	return NULL;
}

static FILE *csv;

static void bench_reads(double seconds, int trials)
{
	/* equal work check: every store sums the same fixed query sequence */
	uint64_t ref = 0;
	for (int s = 0; s < S_N; s++) {
		uint64_t sum = 0;
		if (!IS_CSR(s))
			rg_reader_register(graphs[s]);
		for (size_t q = 0; q < 100000; q++)
			sum += query(s, queries[q]);
		if (!IS_CSR(s))
			rg_reader_unregister(graphs[s]);
		if (s == 0)
			ref = sum;
		else if (sum != ref) {
			fprintf(stderr, "checksum mismatch: %s %llu vs %llu\n", store_name[s],
				(unsigned long long)sum, (unsigned long long)ref);
			exit(1);
		}
	}
	printf("# reads: checksum of 100000 fixed queries identical across stores: %llu\n",
	       (unsigned long long)ref);

	for (int nt = 1; nt <= 2; nt++) {
		pthread_t th[64];
		struct worker w[64];
		pthread_barrier_init(&start_bar, NULL, (unsigned)nt + 1);
		pthread_barrier_init(&end_bar, NULL, (unsigned)nt + 1);
		for (int i = 0; i < nt; i++) {
			w[i] = (struct worker){i, nt};
			pthread_create(&th[i], NULL, reader, &w[i]);
		}
		double *res[S_N];
		for (int s = 0; s < S_N; s++)
			res[s] = calloc((size_t)trials, sizeof(double));
		for (int t = -1; t < trials; t++) { /* t = -1: warm-up, discarded */
			for (int s = 0; s < S_N; s++) {
				atomic_store(&stop, 0);
				cur_store = s;
				pthread_barrier_wait(&start_bar);
				double t0 = bu_now();
				struct timespec d = {(time_t)seconds,
						     (long)((seconds - (time_t)seconds) * 1e9)};
				nanosleep(&d, NULL);
				atomic_store(&stop, 1);
				pthread_barrier_wait(&end_bar);
				double el_s = bu_now() - t0;
				uint64_t ops = 0;
				for (int i = 0; i < nt; i++)
					ops += counters[i].ops;
				if (t >= 0) {
					res[s][t] = ops / el_s;
					if (csv)
						fprintf(csv, "reads,%s,%d,%d,%.0f\n", store_name[s], nt, t,
							ops / el_s);
				}
			}
		}
		cur_store = -1;
		pthread_barrier_wait(&start_bar);
		for (int i = 0; i < nt; i++)
			pthread_join(th[i], NULL);
		pthread_barrier_destroy(&start_bar);
		pthread_barrier_destroy(&end_bar);
		/* Ratios are taken trial by trial (the stores of one trial run back
		 * to back, so drift on a shared machine hits both sides alike),
		 * then summarised: median of the per-trial ratios, min and max. */
		static const struct {
			int num, den;
			const char *what;
		} rat[] = {
			{S_RCU, S_NOSYNC, "rcu-memb/nosync (target >= 0.90)"},
			{S_NOSYNC, S_CSR, "nosync/static-csr (target >= 0.60)"},
			{S_NOSYNC, S_CSR_REC, "nosync/static-csr-records (same information per edge)"},
			{S_CSR_REC, S_CSR, "static-csr-records/static-csr"},
			{S_NOSYNC_UNPACKED, S_CSR, "nosync-unpacked/static-csr"},
			{S_NOSYNC, S_NOSYNC_UNPACKED, "packed/unpacked (nosync)"},
			{S_RCU, S_RCU_NOMETRICS, "rcu-memb metrics on/off (target >= 0.97)"},
		};
		enum { NRAT = sizeof rat / sizeof rat[0] };
		double rm[NRAT], rl[NRAT], rh[NRAT];
		double *per = calloc((size_t)trials, sizeof *per);
		for (int k = 0; k < NRAT; k++) {
			for (int t = 0; t < trials; t++)
				per[t] = res[rat[k].num][t] / res[rat[k].den][t];
			bu_stats(per, trials, &rm[k], &rl[k], &rh[k]);
		}
		free(per);
		for (int s = 0; s < S_N; s++) {
			double med, lo, hi;
			bu_stats(res[s], trials, &med, &lo, &hi);
			printf("reads threads=%d %-10s %8.2f Mq/s  (min %.2f, max %.2f)%s\n", nt,
			       store_name[s], med / 1e6, lo / 1e6, hi / 1e6,
			       nt > bu_nproc() ? " [oversubscribed]" : "");
		}
		for (int k = 0; k < NRAT; k++)
			printf("ratio threads=%d %s = %.3f (min %.3f, max %.3f)\n", nt, rat[k].what,
			       rm[k], rl[k], rh[k]);
		for (int s = 0; s < S_N; s++)
			free(res[s]);
	}
}

static int use_batch_api = 1;

static double insert_edges(const rg_edgelist_t *l, size_t batch, uint64_t nodes)
{
	rg_edge_in_t *buf = malloc(batch * sizeof *buf);
	rg_graph_t *g;
	rg_txn_t *t;
	rg_options_t o;
	rg_options_init(&o);
	if (getenv("RG_GC_LIMIT"))
		o.gc_limit_bytes = strtoull(getenv("RG_GC_LIMIT"), NULL, 0);
	if (rg_open(&g, &o))
		exit(1);
	rg_txn_begin(g, &t);
	for (uint64_t i = 0; i < nodes; i++)
		rg_txn_add_node(t, i, 0);
	rg_txn_commit(t, NULL);
	double t0 = bu_now();
	for (uint64_t i = 0; i < l->n_edges; i += batch) {
		if (rg_txn_begin(g, &t))
			exit(1);
		uint64_t end = i + batch < l->n_edges ? i + batch : l->n_edges;
		if (use_batch_api) {
			for (uint64_t k = i; k < end; k++)
				buf[k - i] = (rg_edge_in_t){l->src[k], l->dst[k], k, 0};
			if (rg_txn_add_edges(t, buf, end - i, NULL)) {
				fprintf(stderr, "insert failed\n");
				exit(1);
			}
		} else {
			for (uint64_t k = i; k < end; k++)
				if (rg_txn_add_edge(t, l->src[k], l->dst[k], 0, k)) {
					fprintf(stderr, "insert failed\n");
					exit(1);
				}
		}
		if (rg_txn_commit(t, NULL)) {
			fprintf(stderr, "commit failed\n");
			exit(1);
		}
	}
	double el_s = bu_now() - t0;
	free(buf);
	rg_read_t *r;
	rg_reader_register(g);
	rg_read_begin(g, &r);
	if (rg_edge_count(r) != l->n_edges) {
		fprintf(stderr, "edge count mismatch\n");
		exit(1);
	}
	rg_read_end(r);
	rg_reader_unregister(g);
	rg_close(g);
	return el_s;
}

/*
 * The floor for an adjacency-list writer on this machine: the same records
 * (rg_edge_t, both directions) appended to per-node arrays that double with
 * realloc, with no versions, no transactions and no concurrency, and the
 * same look-ahead prefetching as rcugraph's batched path. A store that
 * keeps the same records with versions, transactions and concurrent
 * readers has strictly more to do per edge; rcugraph's inserts are
 * reported as a ratio of it, measured in the same trial.
 */
struct floor_vec {
	rg_edge_t *e;
	uint32_t len, cap;
};

static double floor_insert(const rg_edgelist_t *l)
{
	struct floor_vec(*v)[2] = calloc(l->n_nodes, sizeof *v);
	if (!v)
		exit(1);
	const uint64_t m = l->n_edges;
	double t0 = bu_now();
	for (uint64_t i = 0; i < m; i++) {
		if (i + 8 < m) {
			__builtin_prefetch(&v[l->src[i + 8]][RG_OUT], 1);
			__builtin_prefetch(&v[l->dst[i + 8]][RG_IN], 1);
		}
		if (i + 4 < m) {
			struct floor_vec *a = &v[l->src[i + 4]][RG_OUT], *b = &v[l->dst[i + 4]][RG_IN];
			if (a->e)
				__builtin_prefetch(a->e + a->len, 1);
			if (b->e)
				__builtin_prefetch(b->e + b->len, 1);
		}
		for (int d = RG_OUT; d <= RG_IN; d++) {
			uint64_t own = d == RG_OUT ? l->src[i] : l->dst[i];
			uint64_t nbr = d == RG_OUT ? l->dst[i] : l->src[i];
			struct floor_vec *a = &v[own][d];
			if (a->len == a->cap) {
				uint32_t cap = a->cap ? 2 * a->cap : 2;
				rg_edge_t *e = realloc(a->e, cap * sizeof *e);
				if (!e)
					exit(1);
				a->e = e;
				a->cap = cap;
			}
			a->e[a->len++] = (rg_edge_t){nbr, i, 0, (uint32_t)nbr, UINT64_MAX};
		}
	}
	double el_s = bu_now() - t0;
	uint64_t n = 0;
	for (uint64_t i = 0; i < l->n_nodes; i++) {
		n += v[i][RG_OUT].len;
		free(v[i][RG_OUT].e);
		free(v[i][RG_IN].e);
	}
	free(v);
	malloc_trim(0); /* like rg_close: the next trial starts from memory given back */
	if (n != m) {
		fprintf(stderr, "floor: edge count mismatch\n");
		exit(1);
	}
	return el_s;
}

static void bench_insert(unsigned scale, int trials)
{
	rg_edgelist_t l = {0};
	if (rg_gen_rmat(&l, scale, 16, 0, 0, 0, 1)) {
		fprintf(stderr, "rmat failed\n");
		exit(1);
	}
	double *v = calloc((size_t)trials, sizeof *v), *vb = calloc((size_t)trials, sizeof *vb);
	double *vl = calloc((size_t)trials, sizeof *vl), *vf = calloc((size_t)trials, sizeof *vf);
	double *rf = calloc((size_t)trials, sizeof *rf);
	for (int t = 0; t < trials; t++) {
		vf[t] = l.n_edges / floor_insert(&l);
		use_batch_api = 0;
		v[t] = l.n_edges / insert_edges(&l, 10000, l.n_nodes);
		use_batch_api = 1;
		vb[t] = l.n_edges / insert_edges(&l, 10000, l.n_nodes);
		/* not the target's shape: what the sorted bulk path (recovery,
		 * loaders) gives on the same edges */
		vl[t] = l.n_edges / insert_edges(&l, 1u << 20, l.n_nodes);
		rf[t] = vb[t] / vf[t];
		if (csv) {
			fprintf(csv, "insert,rmat-%u-floor,1,%d,%.0f\n", scale, t, vf[t]);
			fprintf(csv, "insert,rmat-%u-add_edge,1,%d,%.0f\n", scale, t, v[t]);
			fprintf(csv, "insert,rmat-%u-add_edges,1,%d,%.0f\n", scale, t, vb[t]);
			fprintf(csv, "insert,rmat-%u-add_edges-2^20,1,%d,%.0f\n", scale, t, vl[t]);
		}
	}
	double med, lo, hi, medb, lob, hib, medl, lol, hil, medf, lof, hif, mr, lr, hr;
	bu_stats(vf, trials, &medf, &lof, &hif);
	bu_stats(rf, trials, &mr, &lr, &hr);
	bu_stats(v, trials, &med, &lo, &hi);
	bu_stats(vb, trials, &medb, &lob, &hib);
	bu_stats(vl, trials, &medl, &lol, &hil);
	printf("insert rmat scale=%u ef=16 (%llu edges, txns of 10000 edges):\n"
	       "  rg_txn_add_edge  (one call per edge): %.2f M edges/s (min %.2f, max %.2f)\n"
	       "  rg_txn_add_edges (batched, prefetch): %.2f M edges/s (min %.2f, max %.2f) (target >= 5)\n"
	       "  rg_txn_add_edges, txns of 2^20 edges (sorted bulk path): %.2f M edges/s (min %.2f, max %.2f)\n",
	       scale, (unsigned long long)l.n_edges, med / 1e6, lo / 1e6, hi / 1e6, medb / 1e6,
	       lob / 1e6, hib / 1e6, medl / 1e6, lol / 1e6, hil / 1e6);
	printf("  floor (same records in per-node arrays; no versions, txns or concurrency): "
	       "%.2f M edges/s (min %.2f, max %.2f)\n"
	       "ratio insert batched/floor = %.3f (min %.3f, max %.3f; per-trial ratios)\n",
	       medf / 1e6, lof / 1e6, hif / 1e6, mr, lr, hr);
	free(vf);
	free(rf);
	free(v);
	free(vb);
	free(vl);
	rg_edgelist_free(&l);
}

static void bench_hub(int trials)
{
	const uint64_t n = 1000000, m = 1000000;
	rg_edgelist_t hub = {0}, spread = {0};
	hub.n_edges = spread.n_edges = m;
	hub.src = malloc(m * 8), hub.dst = malloc(m * 8);
	spread.src = malloc(m * 8), spread.dst = malloc(m * 8);
	uint64_t seed = 12345;
	for (uint64_t i = 0; i < m; i++) {
		hub.src[i] = 0;
		hub.dst[i] = bu_rand(&seed) % n;
		spread.src[i] = bu_rand(&seed) % n;
		spread.dst[i] = bu_rand(&seed) % n;
	}
	double *vh = calloc((size_t)trials, sizeof *vh), *vs = calloc((size_t)trials, sizeof *vs);
	for (int t = 0; t < trials; t++) {
		vh[t] = insert_edges(&hub, 10000, n);
		vs[t] = insert_edges(&spread, 10000, n);
		if (csv) {
			fprintf(csv, "hub,one-hub,1,%d,%.0f\n", t, m / vh[t]);
			fprintf(csv, "hub,spread,1,%d,%.0f\n", t, m / vs[t]);
		}
	}
	double *rt = calloc((size_t)trials, sizeof *rt); /* per-trial ratios, as in reads */
	for (int t = 0; t < trials; t++)
		rt[t] = vh[t] / vs[t];
	double mh, lh, hh, ms, ls, hs, mr, lr, hr;
	bu_stats(rt, trials, &mr, &lr, &hr);
	bu_stats(vh, trials, &mh, &lh, &hh);
	bu_stats(vs, trials, &ms, &ls, &hs);
	printf("hub: 1M edges into one node %.3f s (min %.3f, max %.3f); spread %.3f s (min %.3f, max %.3f)\n",
	       mh, lh, hh, ms, ls, hs);
	printf("ratio hub/spread time = %.3f (min %.3f, max %.3f) (target <= 2)\n", mr, lr, hr);
	free(rt);
	free(vh);
	free(vs);
	rg_edgelist_free(&hub);
	rg_edgelist_free(&spread);
}

int main(int argc, char **argv)
{
	double seconds = 1.0;
	int trials = 5;
	unsigned scale = 20;
	const char *spec = "uniform:n=16384,deg=16,seed=1", *only = NULL, *csv_path = NULL;
	static struct option lo[] = {{"seconds", 1, 0, 's'}, {"trials", 1, 0, 't'},
				     {"graph", 1, 0, 'g'},   {"scale", 1, 0, 'k'},
				     {"only", 1, 0, 'o'},    {"csv", 1, 0, 'c'},
				     {"help", 0, 0, 'h'},    {0, 0, 0, 0}};
	for (int c; (c = getopt_long(argc, argv, "s:t:g:k:o:c:h", lo, NULL)) != -1;) {
		switch (c) {
		case 's': seconds = atof(optarg); break;
		case 't': trials = atoi(optarg); break;
		case 'g': spec = optarg; break;
		case 'k': scale = (unsigned)atoi(optarg); break;
		case 'o': only = optarg; break;
		case 'c': csv_path = optarg; break;
		default:
			printf("usage: %s [--seconds S] [--trials N] [--graph SPEC] [--scale K] "
			       "[--only reads|insert|hub] [--csv FILE]\n"
			       "example: %s --seconds 0.5 --trials 5 --scale 18\n",
			       argv[0], argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}
	if (trials < 1 || seconds <= 0) {
		fprintf(stderr, "bad --trials/--seconds\n");
		return 2;
	}
	bu_print_machine(stdout, "# ");
	if (csv_path) {
		csv = fopen(csv_path, "w");
		if (!csv) {
			perror(csv_path);
			return 1;
		}
		fprintf(csv, "bench,config,threads,trial,value\n");
	}
	if (!only || !strcmp(only, "reads")) {
		char err[256] = "";
		if (rg_gen_from_spec(spec, &el, err, sizeof err)) {
			fprintf(stderr, "graph %s: %s\n", spec, err);
			return 1;
		}
		printf("# reads graph: %s (%llu nodes, %llu edges), %d trials of %.2f s, 1 warm-up discarded\n",
		       spec, (unsigned long long)el.n_nodes, (unsigned long long)el.n_edges, trials,
		       seconds);
		build_csr();
		rg_options_t o;
		rg_options_init(&o);
		o.sync = "nosync";
		if (rg_open(&graphs[S_NOSYNC], &o)) {
			fprintf(stderr, "nosync policy unavailable\n");
			return 1;
		}
		o.sync = "rcu-memb";
		rg_open(&graphs[S_RCU], &o);
		o.metrics = 0;
		rg_open(&graphs[S_RCU_NOMETRICS], &o);
		o.sync = "nosync";
		o.metrics = 1;
		rg_open(&graphs[S_NOSYNC_UNPACKED], &o);
		for (int s = S_NOSYNC; s < S_N; s++)
			if (rg_edgelist_insert(graphs[s], &el, 0, 100000, NULL) ||
			    (s != S_NOSYNC_UNPACKED && rg_pack(graphs[s]))) {
				fprintf(stderr, "load failed\n");
				return 1;
			}
		queries = malloc(nqueries * sizeof *queries);
		uint64_t seed = 777;
		for (size_t i = 0; i < nqueries; i++)
			queries[i] = bu_rand(&seed) % el.n_nodes;
		bench_reads(seconds, trials);
		for (int s = S_NOSYNC; s < S_N; s++)
			rg_close(graphs[s]);
		free(queries);
		free(csr.off);
		free(csr.dst);
		free(csr.rec);
		rg_edgelist_free(&el);
	}
	if (!only || !strcmp(only, "insert"))
		bench_insert(scale, trials < 3 ? trials : 3);
	if (!only || !strcmp(only, "hub"))
		bench_hub(trials < 3 ? trials : 3);
	if (csv)
		fclose(csv);
	return 0;
}
