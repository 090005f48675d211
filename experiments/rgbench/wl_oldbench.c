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
 * Configurations: variant "<scenario>:flaw=none" (honest), ":flaw=<name>"
 * for each selected flaw alone, ":flaw=all" for all selected together, per
 * policy (default lru-rwlock, rcu-memb; nosync cannot take the writes) and
 * thread count, all in one study of shuffled rounds. Honest runs use the
 * workload's one packed graph (its writes undone and the graph repacked
 * after each run); a shared-warm-cache run builds a fresh graph and first
 * runs the smaller thread counts on it untimed, as the old sequence did.
 * throughput = ops / reported elapsed; extra has elapsed_true_s and
 * elapsed_reported_s. Statistics: each configuration's paired speedup over
 * its 1-thread run (above the thread count: invalid) and each flawed
 * configuration's ratio to the honest one; flawed configurations are
 * marked valid=flawed and never make the run INVALID.
 */
#include "queries.h"

#include <math.h>
#include <rcugraph/traverse.h>

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
					rgb_error_count();
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
			sum += rgb_q_section(o->g, id, &retries);
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


#define OB_WRITE_TYPE 3

struct obcfg {
	int scenario;
	unsigned flaws;
	int tidx; /* index of its thread count in the list */
};

static struct {
	rg_graph_t *g; /* the shared packed graph of the honest runs */
	const rgb_data_t *d;
	int thr[RGB_MAX_LIST], nt;
} OB;

/* Deletes the writes an ob_work run made on g (which ops write depends on
 * the op index only) and repacks g. */
static void ob_undo(rg_graph_t *g, const rgb_data_t *d, int scenario)
{
	if (scenario != S_MIXED && scenario != S_CONT)
		return;
	rg_txn_t *t;
	int rc = rg_txn_begin(g, &t);
	for (uint64_t i = 0; i < OB_OPS && !rc; i++) {
		if (rgb_mix64(i + 0x5eed) % 5)
			continue;
		uint64_t id = scenario == S_CONT ? d->hot : d->queries[i];
		rc = rg_txn_del_edge(t, id, d->ids[rgb_mix64(i) % d->nids], OB_WRITE_TYPE);
		if (rc == RG_ENOENT)
			rc = 0;
	}
	if (!rc)
		rc = rg_txn_commit(t, NULL);
	else
		rg_txn_abort(t);
	if (!rc && rgb_o.pack)
		rc = rg_pack(g);
	if (rc)
		fprintf(stderr, "rgbench: oldbench: undoing the writes: %s\n", rg_strerror(rc));
}

static int ob_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	struct obcfg *x = c->arg;
	return (x->flaws & RGB_FLAW_WARM) ? 0 : rgb_set_policy(OB.g, c->policy);
}

static int ob_measure(rgb_study_t *s, rgb_cfg_t *c, rgb_row_t *r)
{
	(void)s;
	struct obcfg *x = c->arg;
	const rgb_data_t *d = OB.d;
	rg_graph_t *g = OB.g;
	uint64_t ck = 0;
	if (x->flaws & RGB_FLAW_WARM) {
		/* the old sequence: a fresh graph, the smaller thread counts run
		 * on it first (untimed here), no warm-up */
		if (!(g = rgb_graph_build(c->policy, d, NULL)))
			return -1;
		for (int k = 0; k < x->tidx; k++) {
			struct ob o = {.g = g, .d = d, .scenario = x->scenario,
				       .nthreads = OB.thr[k], .flaws = x->flaws};
			ob_run(&o, 0, &ck);
		}
	}
	struct ob o = {.g = g, .d = d, .scenario = x->scenario, .nthreads = c->threads,
		       .flaws = x->flaws};
	double el = ob_run(&o, !(x->flaws & RGB_FLAW_WARM), &ck);
	double rep = el;
	if (x->flaws & RGB_FLAW_MS) {
		rep = floor(el * 1000.0) / 1000.0;
		if (rep < 0.001)
			rep = 0.001;
	}
	uint64_t ops = x->scenario == S_TRAV ? OB_ROOTS : OB_OPS;
	if (x->scenario == S_MIXED || x->scenario == S_CONT)
		r->update_ratio = 20;
	r->ops = ops;
	r->throughput = (double)ops / rep;
	snprintf(r->unit, sizeof r->unit, "%s", x->scenario == S_TRAV ? "roots" : "ops");
	if (x->scenario == S_READS || x->scenario == S_TRAV) {
		r->has_checksum = 1;
		r->checksum = ck;
	}
	rgb_extra(r, "elapsed_true_s=%.9f;elapsed_reported_s=%.9f;count_based=1;warm_pass=%d;"
		     "fresh_graph=%d",
		  el, rep, !(x->flaws & RGB_FLAW_WARM), g != OB.g);
	if (x->scenario == S_TRAV)
		rgb_extra(r, "semantics=%s",
			  (x->flaws & RGB_FLAW_SEMANTICS) && c->threads == 1 ? "within-2" : "exactly-2");
	if (g != OB.g)
		rgb_graph_close(g);
	else
		ob_undo(g, d, x->scenario);
	return 0;
}

static int oldbench_run(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : "oldbench:nodes=1000,avg=20,seed=1";
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const char *const dflt_sync[] = {"lru-rwlock", "rcu-memb", NULL};
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, dflt_sync);
	int dt[RGB_MAX_LIST];
	OB.nt = rgb_threads_list(OB.thr, dt, rgb_default_threads(dt));
	OB.d = d;
	/* thread counts ascending: the order the old suite ran them in */
	for (int i = 1; i < OB.nt; i++)
		for (int k = i; k > 0 && OB.thr[k] < OB.thr[k - 1]; k--) {
			int t = OB.thr[k];
			OB.thr[k] = OB.thr[k - 1];
			OB.thr[k - 1] = t;
		}
	rgb_study_t *s = calloc(1, sizeof *s);
	struct obcfg *pool = calloc(RGB_MAX_CFG, sizeof *pool);
	int np = 0, rc = -1;
	const char *first = NULL;
	for (int k = 0; k < ns; k++)
		if (strcmp(syncs[k], "nosync")) {
			first = syncs[k];
			break;
		}
	if (!s || !pool || !first)
		goto out;
	if (!(OB.g = rgb_graph_build(first, d, NULL)))
		goto out;
	rgb_study_init(s, "oldbench", "oldbench", d);
	for (int sc = 0; sc < S_N; sc++) {
		unsigned applicable = RGB_FLAW_SPAWN | RGB_FLAW_WARM | RGB_FLAW_MS |
				      (sc == S_TRAV ? RGB_FLAW_SEMANTICS : 0);
		unsigned sel = rgb_o.flaws & applicable, sets[6];
		int nsets = 0, nsel = 0;
		sets[nsets++] = 0;
		for (unsigned f = 1; f <= RGB_FLAW_SEMANTICS; f <<= 1)
			if (sel & f) {
				sets[nsets++] = f;
				nsel++;
			}
		if (nsel > 1)
			sets[nsets++] = sel;
		for (int fi = 0; fi < nsets; fi++)
			for (int k = 0; k < ns; k++) {
				if (!strcmp(syncs[k], "nosync"))
					continue; /* cannot take the writes */
				char v[96];
				snprintf(v, sizeof v, "%s:flaw=%s", sc_name[sc], flaw_label(sets[fi]));
				for (int t = 0; t < OB.nt; t++) {
					if (np == RGB_MAX_CFG)
						goto out;
					struct obcfg *x = &pool[np++];
					*x = (struct obcfg){.scenario = sc, .flaws = sets[fi], .tidx = t};
					int i = rgb_cfg_add(s, v, syncs[k], syncs[k], OB.thr[t], sc);
					if (i < 0)
						goto out;
					s->cfg[i].arg = x;
					/* the traversal scenario's results must not depend on the
					 * split: honest ones form one equal-work group */
					s->cfg[i].group = sc == S_TRAV && !sets[fi] ? 0 : -1;
					if (sets[fi])
						s->cfg[i].flags |= RGB_CFG_FLAWED;
				}
			}
	}
	int n0 = s->ncfg;
	for (int i = 0; i < n0; i++) { /* flawed / honest, same scenario, policy, threads */
		rgb_cfg_t *c = &s->cfg[i];
		if (!(c->flags & RGB_CFG_FLAWED))
			continue;
		char v[96];
		snprintf(v, sizeof v, "%s:flaw=none", sc_name[((struct obcfg *)c->arg)->scenario]);
		c->ref = rgb_cfg_find(s, v, c->sync, c->threads);
	}
	for (int i = 0; i < n0; i++)
		if (!(s->cfg[i].flags & RGB_CFG_FLAWED))
			rgb_cfg_add_aa(s, i);
	rgb_study_link(s, NULL, NULL, 0); /* speedups over the 1-thread run */
	s->enter = ob_enter;
	s->measure = ob_measure;
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	free(s);
	free(pool);
	rgb_graph_close(OB.g);
	OB.g = NULL;
	return rc;
}

RGB_WORKLOAD(oldbench, 100, "the old benchmark's 4 scenarios, each flaw switchable (count-based)", 1,
	     NULL, oldbench_run)
