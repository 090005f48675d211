/*
 * wl_oldbench.c - the old benchmark reproduced, with each of its flaws a
 * switch, to show where its "18x" and "44x" came from.
 *
 * The four scenarios, each a fixed amount of work (count-based, as the old
 * suite was) split over the threads, timed once per run:
 *   reads       20000 neighbour queries on random nodes
 *   mixed       20000 ops, 80 % queries / 20 % single-edge write txns
 *   traversal   2-hop from 50 roots: threads=1 sequential, threads=N the
 *               roots split over N threads
 *   contention  20000 ops on the hub node, 80 % queries / 20 % writes
 * Flaws (each can be switched on alone, --flaw selects which are studied):
 *   spawn-in-timer      the clock starts before pthread_create and stops
 *                       after pthread_join (thread creation, reader
 *                       registration and teardown are timed)
 *                       honest: threads pre-created, released on a barrier
 *   shared-warm-cache   one graph per trial, the configurations run back to
 *                       back on it in thread order without warm-up: the
 *                       first (1 thread) pays every cold miss (CPU caches
 *                       and, under lru-rwlock, the neighbour-list cache);
 *                       honest: a fresh graph per configuration and one
 *                       discarded warm-up pass of the same work
 *   ms-rounding         elapsed truncated to whole milliseconds (at least
 *                       1 ms, where the old code divided by it), as
 *                       Duration::as_millis(); honest: CLOCK_MONOTONIC ns
 *   semantics-mismatch  traversal only: the sequential side computes nodes
 *                       WITHIN 2 hops, the parallel side EXACTLY 2 hops
 *                       (different result sets: checksum column differs);
 *                       honest: both exactly 2 hops
 * Rows: variant "<scenario>:flaw=none" (honest), ":flaw=<name>" for each
 * selected flaw alone, ":flaw=all" for all selected together. throughput =
 * ops / reported elapsed; extra has elapsed_true_s and elapsed_reported_s.
 * The speedup of a configuration is its throughput over the 1-thread row
 * of the same variant: the summary prints it flawed beside honest, and the
 * generic suspect flag marks any above the thread count.
 */
#include <math.h>
#include <rcugraph/traverse.h>

#include "rgbench.h"

extern atomic_ulong rgb_errors;

enum { S_READS, S_MIXED, S_TRAV, S_CONT, S_N };
static const char *const sc_name[S_N] = {"reads", "mixed", "traversal", "contention"};
#define OB_OPS 20000
#define OB_ROOTS 50

struct ob {
	rg_graph_t *g;
	const rgb_data_t *d;
	int scenario, nthreads;
	unsigned flaws;
	pthread_barrier_t start, end;
	int with_barrier;
};

struct obt {
	pthread_t th;
	struct ob *o;
	int tid;
	int passes; /* runs of its share: 2 with a warm-up pass, else 1 */
	uint64_t checksum;
};

/* Thread tid's share [lo, hi) of n items. */
static void share(uint64_t n, int tid, int nt, uint64_t *lo, uint64_t *hi)
{
	*lo = n * (uint64_t)tid / (uint64_t)nt;
	*hi = n * (uint64_t)(tid + 1) / (uint64_t)nt;
}

static uint64_t ob_work(struct ob *o, int tid)
{
	const rgb_data_t *d = o->d;
	uint64_t sum = 0, retries = 0, lo, hi;
	if (o->scenario == S_TRAV) {
		share(OB_ROOTS, tid, o->nthreads, &lo, &hi);
		/* the flawed sequential baseline computes a different set */
		rg_khop_mode_t mode = (o->flaws & RGB_FLAW_SEMANTICS) && o->nthreads == 1
					      ? RG_KHOP_WITHIN
					      : RG_KHOP_EXACT;
		for (uint64_t i = lo; i < hi; i++) {
			for (int attempt = 0; attempt < 100; attempt++) {
				rg_read_t *r;
				if (rg_read_begin(o->g, &r)) {
					atomic_fetch_add_explicit(&rgb_errors, 1, memory_order_relaxed);
					return sum;
				}
				rg_exec_t ex;
				rg_exec_init(&ex);
				ex.mode = RG_EXEC_SEQ;
				rg_nodeset_t s = {0};
				int rc = rg_khop(r, d->queries[i], 2, mode, RG_OUT, RG_TYPE_ANY, &ex, &s);
				uint64_t c = rg_nodeset_checksum(&s);
				rg_nodeset_free(&s);
				if (rg_read_end(r) == RG_ERETRY || rc == RG_ERETRY)
					continue;
				sum += c; /* order-independent: equal for any split */
				break;
			}
			rg_reader_quiescent(o->g);
		}
		return sum;
	}
	share(OB_OPS, tid, o->nthreads, &lo, &hi);
	for (uint64_t i = lo; i < hi; i++) {
		/* which ops write depends on i only: the same ops for any split */
		int write = (o->scenario == S_MIXED || o->scenario == S_CONT) &&
			    rgb_mix64(i + 0x5eed) % 5 == 0;
		uint64_t id = o->scenario == S_CONT ? d->hot : d->queries[i];
		if (write) {
			rg_txn_t *t;
			if (rg_txn_begin(o->g, &t) == 0) {
				uint64_t dst = d->ids[rgb_mix64(i) % d->nids];
				if (rg_txn_add_edge(t, id, dst, 3, i) == 0)
					rg_txn_commit(t, NULL);
				else
					rg_txn_abort(t);
			}
		} else {
			sum += rgb_query(o->g, id, &retries);
		}
		rg_reader_quiescent(o->g);
	}
	return sum;
}

static void *ob_thread(void *p)
{
	struct obt *t = p;
	struct ob *o = t->o;
	rgb_pin(t->tid);
	rg_reader_register(o->g);
	for (int pass = 0; pass < t->passes; pass++) {
		if (o->with_barrier)
			pthread_barrier_wait(&o->start);
		t->checksum = ob_work(o, t->tid);
		if (o->with_barrier)
			pthread_barrier_wait(&o->end);
	}
	rg_reader_unregister(o->g);
	return NULL;
}

/* One timed run. Returns the true elapsed seconds; *ck the work checksum. */
static double ob_run(struct ob *o, int warm_pass, uint64_t *ck)
{
	int n = o->nthreads;
	struct obt *t = calloc((size_t)n, sizeof *t);
	double t0, t1;
	if (o->flaws & RGB_FLAW_SPAWN) {
		o->with_barrier = 0;
		if (warm_pass) { /* untimed warm-up pass in its own threads */
			for (int i = 0; i < n; i++) {
				t[i] = (struct obt){.o = o, .tid = i, .passes = 1};
				pthread_create(&t[i].th, NULL, ob_thread, &t[i]);
			}
			for (int i = 0; i < n; i++)
				pthread_join(t[i].th, NULL);
		}
		t0 = bu_now();
		for (int i = 0; i < n; i++) {
			t[i] = (struct obt){.o = o, .tid = i, .passes = 1};
			pthread_create(&t[i].th, NULL, ob_thread, &t[i]);
		}
		for (int i = 0; i < n; i++)
			pthread_join(t[i].th, NULL);
		t1 = bu_now();
	} else {
		o->with_barrier = 1;
		pthread_barrier_init(&o->start, NULL, (unsigned)n + 1);
		pthread_barrier_init(&o->end, NULL, (unsigned)n + 1);
		for (int i = 0; i < n; i++) {
			t[i] = (struct obt){.o = o, .tid = i, .passes = warm_pass ? 2 : 1};
			pthread_create(&t[i].th, NULL, ob_thread, &t[i]);
		}
		if (warm_pass) {
			pthread_barrier_wait(&o->start);
			pthread_barrier_wait(&o->end);
		}
		t0 = bu_now();
		pthread_barrier_wait(&o->start);
		pthread_barrier_wait(&o->end);
		t1 = bu_now();
		for (int i = 0; i < n; i++)
			pthread_join(t[i].th, NULL);
		pthread_barrier_destroy(&o->start);
		pthread_barrier_destroy(&o->end);
	}
	*ck = 0;
	for (int i = 0; i < n; i++)
		*ck += t[i].checksum;
	free(t);
	return t1 - t0;
}

static const char *flaw_label(unsigned f)
{
	switch (f) {
	case 0: return "none";
	case RGB_FLAW_SPAWN: return "spawn-in-timer";
	case RGB_FLAW_WARM: return "shared-warm-cache";
	case RGB_FLAW_MS: return "ms-rounding";
	case RGB_FLAW_SEMANTICS: return "semantics-mismatch";
	default: return "all";
	}
}

int wl_oldbench(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : "oldbench:nodes=1000,avg=20,seed=1";
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const char *const dflt_sync[] = {"lru-rwlock", "rcu-memb", NULL};
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, dflt_sync);
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	/* thread counts ascending: the order the old suite ran them in */
	for (int i = 1; i < nt; i++)
		for (int k = i; k > 0 && thr[k] < thr[k - 1]; k--) {
			int x = thr[k];
			thr[k] = thr[k - 1];
			thr[k - 1] = x;
		}
	unsigned sets[S_N][6];
	int nsets[S_N];
	int total = 0;
	for (int s = 0; s < S_N; s++) {
		unsigned applicable = RGB_FLAW_SPAWN | RGB_FLAW_WARM | RGB_FLAW_MS |
				      (s == S_TRAV ? RGB_FLAW_SEMANTICS : 0);
		unsigned sel = rgb_o.flaws & applicable;
		int k = 0, nsel = 0;
		sets[s][k++] = 0;
		for (unsigned f = 1; f <= RGB_FLAW_SEMANTICS; f <<= 1)
			if (sel & f) {
				sets[s][k++] = f;
				nsel++;
			}
		if (nsel > 1)
			sets[s][k++] = sel;
		nsets[s] = k;
		total += k * rgb_o.trials;
	}
	int nok = 0;
	for (int s = 0; s < ns; s++)
		if (!strcmp(syncs[s], "nosync"))
			fprintf(stderr, "rgbench: oldbench: nosync cannot take the writes, skipped\n");
		else
			nok++;
	total *= nok;
	rgb_progress_begin("oldbench", total);
	for (int sc = 0; sc < S_N; sc++)
		for (int fi = 0; fi < nsets[sc]; fi++)
			for (int s = 0; s < ns; s++) {
				if (!strcmp(syncs[s], "nosync"))
					continue;
				unsigned flaws = sets[sc][fi];
				char variant[96];
				snprintf(variant, sizeof variant, "%s:flaw=%s", sc_name[sc], flaw_label(flaws));
				for (int trial = 0; trial < rgb_o.trials; trial++) {
					rgb_progress_step("%s sync=%s trial %d", variant, syncs[s], trial);
					rg_graph_t *shared = NULL;
					if (flaws & RGB_FLAW_WARM) {
						shared = rgb_graph_build(syncs[s], d, NULL);
						if (!shared)
							return -1;
					}
					for (int t = 0; t < nt; t++) {
						struct ob o = {.d = d, .scenario = sc, .nthreads = thr[t],
							       .flaws = flaws};
						o.g = shared ? shared : rgb_graph_build(syncs[s], d, NULL);
						if (!o.g)
							return -1;
						uint64_t ck;
						double el = ob_run(&o, !(flaws & RGB_FLAW_WARM), &ck);
						double rep = el;
						if (flaws & RGB_FLAW_MS) {
							rep = floor(el * 1000.0) / 1000.0;
							if (rep < 0.001)
								rep = 0.001;
						}
						uint64_t ops = sc == S_TRAV ? OB_ROOTS : OB_OPS;
						rgb_row_t r;
						rgb_row_init(&r, "oldbench", variant, syncs[s], thr[t], trial);
						r.duration_s = -1; /* count-based: no fixed duration */
						r.warmup_s = (flaws & RGB_FLAW_WARM) ? 0 : -1;
						rgb_row_graph(&r, d);
						if (sc == S_MIXED || sc == S_CONT)
							r.update_ratio = 20;
						r.ops = ops;
						r.throughput = (double)ops / rep;
						snprintf(r.unit, sizeof r.unit, "%s",
							 sc == S_TRAV ? "roots" : "ops");
						if (sc == S_READS || sc == S_TRAV) {
							r.has_checksum = 1;
							r.checksum = ck;
						}
						rgb_extra(&r, "elapsed_true_s=%.9f;elapsed_reported_s=%.9f;"
							      "count_based=1;warm_pass=%d;shared_graph=%d",
							  el, rep, !(flaws & RGB_FLAW_WARM), shared != NULL);
						if (sc == S_TRAV)
							rgb_extra(&r, "semantics=%s",
								  (flaws & RGB_FLAW_SEMANTICS) && thr[t] == 1
									  ? "within-2"
									  : "exactly-2");
						rgb_emit(&r);
						if (!shared)
							rgb_graph_close(o.g);
					}
					rgb_graph_close(shared);
				}
			}
	rgb_flush_workload("oldbench");
	printf("oldbench: speedup %d threads vs 1 thread (median throughput ratio), flawed beside "
	       "honest:\n",
	       thr[nt - 1]);
	for (int sc = 0; sc < S_N; sc++)
		for (int s = 0; s < ns; s++) {
			if (!strcmp(syncs[s], "nosync"))
				continue;
			printf("  %-10s %-11s", sc_name[sc], syncs[s]);
			for (int fi = 0; fi < nsets[sc]; fi++) {
				char variant[96];
				snprintf(variant, sizeof variant, "%s:flaw=%s", sc_name[sc],
					 flaw_label(sets[sc][fi]));
				double one = rgb_median("oldbench", variant, syncs[s], thr[0], -1);
				double n = rgb_median("oldbench", variant, syncs[s], thr[nt - 1], -1);
				if (one > 0 && n > 0)
					printf(" %s %.2fx |", flaw_label(sets[sc][fi]), n / one);
			}
			printf("\n");
		}
	int eq = rgb_checksums_equal("oldbench", "traversal:flaw=none");
	printf("  traversal honest: seq and par result checksums %s", eq == 1 ? "identical" : "DIFFER");
	if (rgb_o.flaws & RGB_FLAW_SEMANTICS)
		printf("; with semantics-mismatch: %s",
		       rgb_checksums_equal("oldbench", "traversal:flaw=semantics-mismatch") == 0
			       ? "differ (different work was compared)"
			       : "identical");
	printf("\n");
	return 0;
}
