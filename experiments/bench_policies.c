/*
 * bench_policies.c - read-only neighbour-scan throughput of every
 * synchronisation policy on one cache-resident graph, as ratios to nosync
 * measured in the same run.
 *
 * Workload: uniform random graph (default 16384 nodes, out-degree 16,
 * rg_gen_uniform + rg_edgelist_insert), one graph per policy, all built
 * before any measurement. One operation = one read section that scans the
 * out-neighbours of one random node (rg_neighbors_at + rg_iter_next,
 * summing the neighbour ids into a checksum); --per-section K scans K
 * nodes per section. No writer: this isolates the read-side cost. Every
 * graph is packed after loading (rg_pack; --pack 0 reads the unpacked
 * layout), so all policies read the same data path.
 * rcu-qsbr readers report a quiescent state every 64 sections (the call is
 * made for every policy; it is a no-op elsewhere).
 *
 * Method: threads are created and registered before the clock, wait on a
 * barrier, run until told to stop; the main thread discards a warm-up
 * window, then counts operations over the measured window. Trials are
 * rounds over ALL policies (round-robin), so machine noise hits every
 * policy alike; a policy's ratio is the median over rounds of
 * (policy / nosync in that round). Median, min and max of >= 5 rounds.
 *
 * "The default pays nothing for the others": rcu-memb is measured through
 * the library (policy table, one indirect call at read_begin/read_end)
 * and, as "rcu-memb-direct", by a reader loop compiled into this program
 * that inlines urcu_memb_read_lock/unlock and the same data path (the
 * visible-head walk and the iterator) with no policy dispatch at all.
 *
 * Usage: bench_policies [--nodes N] [--degree D] [--threads 1,2]
 *                       [--trials T] [--seconds S] [--warmup S]
 *                       [--per-section K] [--pack 0|1] [--policies a,b,...]
 *                       [--csv FILE]
 * Output: CSV rows (stdout or --csv) + a summary with CPU model and nproc.
 */
#define _LGPL_SOURCE
#include <urcu/urcu-memb.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rcugraph/load.h>
#include <rcugraph/rcugraph.h>

#include "benchutil.h"
#include "graph_internal.h"

#define MAXP 32
#define MAXT 8
#define DIRECT "rcu-memb-direct"

struct opts {
	uint64_t nodes;
	double degree;
	int threads[4], nthreads;
	int trials;
	double seconds, warmup;
	int per_section;
	const char *policies;
	const char *csv;
};

struct pol {
	const char *name; /* policy name, or DIRECT */
	rg_graph_t *g;
	uint64_t slots;
};

struct run {
	struct pol *p;
	int nthreads;
	int per_section;
	pthread_barrier_t start;
	atomic_int stop;
	struct bu_padded ctr[MAXT];
	int err[MAXT];
};

struct warg {
	struct run *r;
	int i;
};

static void pin(int cpu)
{
	long n = bu_nproc();
	if (n <= 1)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu % n, &set);
	pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

/* Through the library: what every policy, nosync included, pays. */
static void *worker_lib(void *arg)
{
	struct warg *wa = arg;
	struct run *r = wa->r;
	rg_graph_t *g = r->p->g;
	uint64_t seed = 0x9E3779B97F4A7C15ull * (uint64_t)(wa->i + 1), sum = 0, ops = 0;
	uint64_t slots = r->p->slots;
	pin(wa->i);
	int rc = rg_reader_register(g);
	pthread_barrier_wait(&r->start);
	if (rc) {
		r->err[wa->i] = rc;
		return NULL;
	}
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		rg_read_t *rd;
		int k;
		do {
			if ((rc = rg_read_begin(g, &rd))) {
				r->err[wa->i] = rc;
				goto out;
			}
			for (k = 0; k < r->per_section; k++) {
				rg_iter_t it;
				if (rg_neighbors_at(rd, bu_rand(&seed) % slots, RG_OUT, RG_TYPE_ANY, &it))
					continue;
				for (const rg_edge_t *e; (e = rg_iter_next(&it));)
					sum += e->nbr;
			}
			rc = rg_read_end(rd);
		} while (rc == RG_ERETRY); /* ck-seqlock (never happens: no writer) */
		if ((++ops & 63) == 0)
			rg_reader_quiescent(g);
		/* own padded line, relaxed: the main thread samples it */
		r->ctr[wa->i].ops = ops;
	}
out:
	r->ctr[wa->i].checksum = sum;
	rg_reader_unregister(g);
	return NULL;
}

/* rcu-memb with no policy layer: urcu read lock inlined around the same
 * data path as graph.c (snapshot load, visible head, iterator). */
static void *worker_direct(void *arg)
{
	struct warg *wa = arg;
	struct run *r = wa->r;
	rg_graph_t *g = r->p->g;
	uint64_t seed = 0x9E3779B97F4A7C15ull * (uint64_t)(wa->i + 1), sum = 0, ops = 0;
	uint64_t slots = r->p->slots;
	pin(wa->i);
	int rc = rg_reader_register(g); /* registers with urcu_memb */
	pthread_barrier_wait(&r->start);
	if (rc) {
		r->err[wa->i] = rc;
		return NULL;
	}
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		urcu_memb_read_lock();
		/* acquire: as rg_snap_load_into */
		const struct rg_snap *s = __atomic_load_n(&g->snap, __ATOMIC_ACQUIRE);
		uint64_t v = s->version, ns = s->nslots;
		const struct rg_base *b = s->base;
		for (int k = 0; k < r->per_section; k++) {
			uint64_t slot = bu_rand(&seed) % slots;
			if (slot >= ns)
				continue;
			if (rg_base_clean(b, slot)) { /* the pack's fast path, as rg_neighbors_at */
				rg_iter_t it = {b->ent[RG_OUT] + b->off[RG_OUT][slot],
						b->ent[RG_OUT] + b->off[RG_OUT][slot + 1], v, RG_TYPE_ANY};
				for (const rg_edge_t *e; (e = rg_iter_next(&it));)
					sum += e->nbr;
				continue;
			}
			const struct rg_head *h = rcu_dereference(slot_node_seg(g->segs, slot)->head);
			while (h && h->version > v)
				h = rcu_dereference(h->prev);
			if (!h || !h->alive)
				continue;
			const struct rg_adj *a = &h->adj[RG_OUT];
			rg_iter_t it = {a->e, a->e + a->len, v,
					RG_TYPE_ANY};
			for (const rg_edge_t *e; (e = rg_iter_next(&it));)
				sum += e->nbr;
		}
		urcu_memb_read_unlock();
		if ((++ops & 63) == 0)
			rg_reader_quiescent(g);
		r->ctr[wa->i].ops = ops;
	}
	r->ctr[wa->i].checksum = sum;
	rg_reader_unregister(g);
	return NULL;
}

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
	while (nanosleep(&ts, &ts))
		;
}

/* One measured window: ops/s (all threads), checksum. */
static double measure(struct pol *p, int nthreads, const struct opts *o, uint64_t *checksum,
		      int *err)
{
	struct run r;
	memset(&r, 0, sizeof r);
	r.p = p;
	r.nthreads = nthreads;
	r.per_section = o->per_section;
	pthread_barrier_init(&r.start, NULL, (unsigned)nthreads + 1);
	pthread_t th[MAXT];
	struct warg wa[MAXT];
	int direct = strcmp(p->name, DIRECT) == 0;
	for (int i = 0; i < nthreads; i++) {
		wa[i] = (struct warg){&r, i};
		pthread_create(&th[i], NULL, direct ? worker_direct : worker_lib, &wa[i]);
	}
	pthread_barrier_wait(&r.start);
	sleep_s(o->warmup); /* discarded: caches, TLB, branch predictors */
	uint64_t c0 = 0, c1 = 0;
	for (int i = 0; i < nthreads; i++)
		c0 += r.ctr[i].ops;
	double t0 = bu_now();
	sleep_s(o->seconds);
	for (int i = 0; i < nthreads; i++)
		c1 += r.ctr[i].ops;
	double t1 = bu_now();
	atomic_store(&r.stop, 1);
	*checksum = 0;
	*err = 0;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		*checksum += r.ctr[i].checksum;
		if (r.err[i])
			*err = r.err[i];
	}
	pthread_barrier_destroy(&r.start);
	return (double)(c1 - c0) / (t1 - t0);
}

static int parse_list(const char *s, int *out, int max)
{
	int n = 0;
	while (s && *s && n < max) {
		out[n++] = atoi(s);
		s = strchr(s, ',');
		if (s)
			s++;
	}
	return n;
}

static int pack_graphs = 1;

static int build(struct pol *p, const rg_edgelist_t *el)
{
	rg_options_t o;
	rg_options_init(&o);
	/* the direct loop reads an rcu-memb graph */
	o.sync = strcmp(p->name, DIRECT) == 0 ? "rcu-memb" : p->name;
	o.metrics = 0; /* measure synchronisation, not counters */
	int rc = rg_open(&p->g, &o);
	if (!rc)
		rc = rg_edgelist_insert(p->g, el, 0, 0, NULL);
	if (!rc && pack_graphs)
		rc = rg_pack(p->g); /* before any reader registers (nosync) */
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = {.nodes = 16384, .degree = 16, .threads = {1, 2}, .nthreads = 2,
			 .trials = 5, .seconds = 0.3, .warmup = 0.1, .per_section = 1};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			fprintf(stderr, "%s: missing value\n", a);
			return 2;
		}
		if (!strcmp(a, "--nodes"))
			o.nodes = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--degree"))
			o.degree = atof(v);
		else if (!strcmp(a, "--threads"))
			o.nthreads = parse_list(v, o.threads, 4);
		else if (!strcmp(a, "--trials"))
			o.trials = atoi(v);
		else if (!strcmp(a, "--seconds"))
			o.seconds = atof(v);
		else if (!strcmp(a, "--warmup"))
			o.warmup = atof(v);
		else if (!strcmp(a, "--per-section"))
			o.per_section = atoi(v);
		else if (!strcmp(a, "--policies"))
			o.policies = v;
		else if (!strcmp(a, "--pack"))
			pack_graphs = atoi(v) != 0;
		else if (!strcmp(a, "--csv"))
			o.csv = v;
		else {
			fprintf(stderr, "unknown option %s (see the header of bench_policies.c)\n", a);
			return 2;
		}
		i++;
	}
	if (o.nodes < 2 || o.trials < 1 || o.seconds <= 0 || o.per_section < 1 || o.nthreads < 1) {
		fprintf(stderr, "bad parameters\n");
		return 2;
	}
	for (int t = 0; t < o.nthreads; t++)
		if (o.threads[t] < 1 || o.threads[t] > MAXT) {
			fprintf(stderr, "threads must be in 1..%d\n", MAXT);
			return 2;
		}

	/* nosync first: every ratio is against it */
	struct pol pols[MAXP];
	int np = 0;
	pols[np++].name = "nosync";
	if (o.policies) {
		static char buf[1024];
		snprintf(buf, sizeof buf, "%s", o.policies);
		for (char *s = strtok(buf, ","); s && np < MAXP; s = strtok(NULL, ","))
			if (strcmp(s, "nosync"))
				pols[np++].name = s;
	} else {
		for (const char *const *s = rg_policy_names(); *s && np < MAXP - 1; s++)
			if (strcmp(*s, "nosync"))
				pols[np++].name = *s;
		pols[np++].name = DIRECT;
	}

	rg_edgelist_t el;
	int rc = rg_gen_uniform(&el, o.nodes, o.degree, 42);
	if (rc) {
		fprintf(stderr, "rg_gen_uniform: %s\n", rg_strerror(rc));
		return 1;
	}
	for (int i = 0; i < np; i++) {
		pols[i].g = NULL;
		if ((rc = build(&pols[i], &el))) {
			fprintf(stderr, "%s: build: %s\n", pols[i].name, rg_strerror(rc));
			return 1;
		}
		rg_stats_t st;
		rg_stats_get(pols[i].g, &st);
		pols[i].slots = st.node_slots;
	}
	rg_edgelist_free(&el);

	FILE *csv = o.csv ? fopen(o.csv, "w") : stdout;
	if (!csv) {
		perror(o.csv);
		return 1;
	}
	fprintf(csv, "policy,threads,trial,ops_per_sec,ratio_to_nosync,checksum\n");
	double (*tput)[4][64] = calloc((size_t)np, sizeof *tput);
	double (*ratio)[4][64] = calloc((size_t)np, sizeof *ratio);
	int trials = o.trials > 64 ? 64 : o.trials;
	for (int t = 0; t < o.nthreads; t++) {
		int nt = o.threads[t];
		/* round 0 is a full warm-up round, discarded */
		for (int round = -1; round < trials; round++) {
			for (int i = 0; i < np; i++) {
				uint64_t cks;
				int err;
				double x = measure(&pols[i], nt, &o, &cks, &err);
				if (err) {
					fprintf(stderr, "%s: reader error %s\n", pols[i].name,
						rg_strerror(err));
					return 1;
				}
				if (round < 0)
					continue;
				tput[i][t][round] = x;
				ratio[i][t][round] = x / tput[0][t][round];
				fprintf(csv, "%s,%d,%d,%.0f,%.4f,%llu\n", pols[i].name, nt, round, x,
					ratio[i][t][round], (unsigned long long)cks);
			}
			fflush(csv);
		}
	}

	printf("\n# bench_policies: %llu nodes, out-degree %.0f, %d node scan(s) per section, "
	       "%d trials x %.2f s (+%.2f s warm-up), read-only, %s\n",
	       (unsigned long long)o.nodes, o.degree, o.per_section, trials, o.seconds, o.warmup,
	       pack_graphs ? "packed (rg_pack)" : "unpacked");
	bu_print_machine(stdout, "# ");
	printf("# %-16s %3s %12s %12s %12s %8s %8s %8s\n", "policy", "thr", "Mops/s med", "min",
	       "max", "x nosync", "min", "max");
	double med_r[MAXP][4];
	for (int i = 0; i < np; i++)
		for (int t = 0; t < o.nthreads; t++) {
			double m, lo, hi, rm, rlo, rhi;
			double tmp[64];
			memcpy(tmp, tput[i][t], sizeof tmp[0] * (size_t)trials);
			bu_stats(tmp, trials, &m, &lo, &hi);
			memcpy(tmp, ratio[i][t], sizeof tmp[0] * (size_t)trials);
			bu_stats(tmp, trials, &rm, &rlo, &rhi);
			med_r[i][t] = rm;
			printf("# %-16s %3d %12.2f %12.2f %12.2f %8.3f %8.3f %8.3f\n", pols[i].name,
			       o.threads[t], m / 1e6, lo / 1e6, hi / 1e6, rm, rlo, rhi);
		}
	/* the targets, at 2 threads if measured */
	int t2 = -1;
	for (int t = 0; t < o.nthreads; t++)
		if (o.threads[t] == 2)
			t2 = t;
	if (t2 >= 0) {
		int iq = -1, im = -1, irw = -1, ilru = -1, idir = -1;
		for (int i = 0; i < np; i++) {
			if (!strcmp(pols[i].name, "rcu-qsbr")) iq = i;
			if (!strcmp(pols[i].name, "rcu-memb")) im = i;
			if (!strcmp(pols[i].name, "rwlock")) irw = i;
			if (!strcmp(pols[i].name, "lru-rwlock")) ilru = i;
			if (!strcmp(pols[i].name, DIRECT)) idir = i;
		}
		printf("# targets (2 threads, medians of per-round ratios):\n");
		if (iq >= 0)
			printf("#   rcu-qsbr / nosync        = %.3f (target >= 0.97) %s\n", med_r[iq][t2],
			       med_r[iq][t2] >= 0.97 ? "ok" : "MISSED");
		if (im >= 0)
			printf("#   rcu-memb / nosync        = %.3f (target >= 0.90) %s\n", med_r[im][t2],
			       med_r[im][t2] >= 0.90 ? "ok" : "MISSED");
		if (im >= 0 && irw >= 0)
			printf("#   rcu-memb / rwlock        = %.2f (target >= 4) %s\n",
			       med_r[im][t2] / med_r[irw][t2],
			       med_r[im][t2] / med_r[irw][t2] >= 4 ? "ok" : "MISSED");
		if (im >= 0 && ilru >= 0)
			printf("#   rcu-memb / lru-rwlock    = %.2f (target >= 5) %s\n",
			       med_r[im][t2] / med_r[ilru][t2],
			       med_r[im][t2] / med_r[ilru][t2] >= 5 ? "ok" : "MISSED");
		if (im >= 0 && idir >= 0)
			printf("#   rcu-memb / rcu-memb-direct = %.3f (policy layer's cost: 1.0 = none)\n",
			       med_r[im][t2] / med_r[idir][t2]);
	}
	for (int i = 0; i < np; i++)
		rg_close(pols[i].g);
	free(tput);
	free(ratio);
	if (csv != stdout)
		fclose(csv);
	return 0;
}
