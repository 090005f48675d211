/*
 * wl_peers.c - the stores a user would otherwise pick, beside rcugraph, on
 * the same graph and the same query sequence in the same rounds (the lock
 * study's peer comparison). The stores are the peers module
 * (experiments/rgbench/peers/: peer.h, the rgpeers library; schemas and
 * their reasons in peers/README.md), all three behind one interface:
 *   lmdb      LMDB, DUPSORT: key = src, sorted duplicate values (dst, copy)
 *   sqlite    SQLite, WAL, WITHOUT ROWID table keyed (src, type, seq)
 *   rcu-memb  rcugraph through its public API (rgp_rcugraph: rcu-memb,
 *             packed after the bulk load; one read section per query)
 *
 * Study "peers read": variants "neighbors" (one read transaction per
 * query: the sum of (neighbour id + 1) over the node's out-edges) and
 * "2hop" (one read transaction per query: the sum of (w + 1) over every
 * walk id -> v -> w); --threads (default 1, 2) readers, each with its own
 * reader handle opened on its thread before the clock (rgp_reader_open in
 * thread_init). The stores are built once from the workload graph
 * (--graph; LMDB and SQLite in temporary directories, durability OFF;
 * rcugraph in memory). Reference lmdb (A/A copy lmdb#2) at the same
 * variant and thread count; named comparisons t-peers-rcugraph/lmdb (goal
 * >= 3 for neighbour queries at 2 threads) and t-peers-rcugraph/sqlite.
 * Equal work: every store checksums the same fixed queries through its own
 * read path (20,000 neighbour queries; 1,000 2-hop queries); they must
 * agree (rcugraph and SQLite return neighbours in insertion order, LMDB in
 * id order: the sums are order-free).
 *
 * Study "peers write": variants "write:off" and "write:commit" (the
 * durability of every store, peer.h: OFF reaches the OS without fsync,
 * COMMIT returns once on disk); one thread commits one-edge transactions
 * (rgp_insert_edges of 1 edge, endpoints drawn from the graph's nodes with
 * the run's seeded stream: the k-th commit inserts the same edge in every
 * store) for the trial. Every run writes into a FRESH store (enter builds
 * it in a new directory from the first 65,536 edges of the graph, --quick
 * 8,192; leave
 * removes it): unit commits. Reference lmdb (A/A lmdb#2); named
 * comparisons t-peers-write-rcugraph/lmdb and .../sqlite. Equal work: after
 * each run every source the run wrote to is queried through the store's
 * own read path and must sum to its base edges plus exactly the edges the
 * run committed (warm-up included), else the configuration is INVALID.
 */
#include <math.h>

#include "peer.h"
#include "rgbench.h"

static const char *const variants[] = {"neighbors", "2hop", "write:off", "write:commit", NULL};

#define VERIFY_2HOP 1000
#define WRITE_BASE 65536 /* --quick: 8192 */

enum { P_LMDB, P_SQLITE, P_RG, P_N };
static const char *const psync[P_N] = {"lmdb", "sqlite", "rcu-memb"};
static const rgp_peer_t *peer_of(int p)
{
	return p == P_LMDB ? &rgp_lmdb : p == P_SQLITE ? &rgp_sqlite : &rgp_rcugraph;
}

/* ---------------- reads ---------------- */

struct pr {
	rgp_store_t *st;
	const rgb_data_t *d;
	int twohop;
	rgp_reader_t *rd[RGB_MAX_THREADS];
};

static int pr_init(void *arg, rgb_tctx_t *t)
{
	struct pr *a = arg;
	int rc = rgp_reader_open(a->st, &a->rd[t->tid]);
	if (rc)
		fprintf(stderr, "rgbench: peers: reader: %s\n", rgp_last_error());
	return rc;
}

static void pr_fini(void *arg, rgb_tctx_t *t)
{
	struct pr *a = arg;
	rgp_reader_close(a->rd[t->tid]);
	a->rd[t->tid] = NULL;
}

static inline int pr_query(struct pr *a, rgp_reader_t *rd, uint64_t id, uint64_t *sum)
{
	return a->twohop ? rgp_two_hop(rd, id, sum) : rgp_neighbors(rd, id, NULL, NULL, sum);
}

static void pr_run(void *arg, rgb_tctx_t *t)
{
	struct pr *a = arg;
	rgp_reader_t *rd = a->rd[t->tid];
	const uint64_t *q = a->d->queries;
	uint64_t ops = 0, sum = 0, failed = 0, pos = t->pos;
	rgb_mark_start(t);
	do {
		for (int k = 0; k < 16; k++) {
			uint64_t s;
			failed += pr_query(a, rd, q[pos++ & (RGB_NQ - 1)], &s) != 0;
			sum += s;
		}
		ops += 16;
	} while (!rgb_stopped(t));
	t->pos = pos;
	t->ctr->ops = ops;
	t->ctr->checksum = sum;
	t->aux[0] = failed;
	if (failed)
		rgb_error_count();
}

static int pr_verify(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck)
{
	(void)s;
	struct pr *a = c->arg;
	rgp_reader_t *rd;
	if (rgp_reader_open(a->st, &rd))
		return -1;
	uint64_t h = 0x9E3779B97F4A7C15ull, n = a->twohop ? VERIFY_2HOP : RGB_VERIFY_Q;
	int rc = 0;
	for (uint64_t i = 0; i < n && !rc; i++) {
		uint64_t sum;
		rc = pr_query(a, rd, a->d->queries[i], &sum);
		h = rgb_mix64(h ^ sum);
	}
	if (rc)
		fprintf(stderr, "rgbench: peers: %s: %s\n", c->sync, rgp_last_error());
	rgp_reader_close(rd);
	*ck = h;
	return rc ? -1 : 0;
}

static void pr_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	(void)s;
	job->arg = c->arg;
	job->thread_init = pr_init;
	job->thread_fini = pr_fini;
	job->run = pr_run;
}

static void pr_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	(void)s;
	(void)c;
	snprintf(r->unit, sizeof r->unit, "queries");
	rgb_extra(r, "store=%s;read_txn_per_query=1", ((struct pr *)c->arg)->st->peer->name);
	if (res->aux[0])
		rgb_extra(r, "failed_queries=%llu", (unsigned long long)res->aux[0]);
}

static int reads(const rgb_data_t *d, rgp_store_t *const *st, const int *thr, int nt)
{
	rgb_study_t *s = calloc(1, sizeof *s);
	struct pr *pool = calloc(2 * P_N, sizeof *pool);
	int rc = -1;
	if (!s || !pool)
		goto out;
	rgb_study_init(s, "peers", "peers read", d);
	for (int v = 0; v < 2; v++) {
		const char *vn = v ? "2hop" : "neighbors";
		if (!rgb_variant_on(vn, 1))
			continue;
		for (int p = 0; p < P_N; p++) {
			struct pr *a = &pool[v * P_N + p];
			a->st = st[p];
			a->d = d;
			a->twohop = v;
			for (int t = 0; t < nt; t++) {
				int i = rgb_cfg_add(s, vn, psync[p], NULL, thr[t], p);
				if (i < 0)
					goto out;
				s->cfg[i].arg = a;
				s->cfg[i].group = v;
			}
		}
	}
	if (!s->ncfg) {
		rc = 0;
		goto out;
	}
	rgb_study_link(s, NULL, "lmdb", 1);
	int n0 = s->ncfg;
	for (int i = 0; i < n0; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		if (strcmp(c->sync, "rcu-memb"))
			continue;
		rgb_study_compare(s, i, rgb_cfg_find(s, c->variant, "lmdb", c->threads),
				  "t-peers-rcugraph/lmdb");
		rgb_study_compare(s, i, rgb_cfg_find(s, c->variant, "sqlite", c->threads),
				  "t-peers-rcugraph/sqlite");
	}
	s->verify = pr_verify;
	s->job = pr_job;
	s->row = pr_row;
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	free(s);
	free(pool);
	return rc;
}

/* ---------------- writes ---------------- */

struct pw {
	const rgp_peer_t *peer;
	int dur;
	const rgb_data_t *d;
	const rg_edgelist_t *base;
	const uint64_t *base_sum; /* [max id + 1]: sum of (dst + 1) over base edges per source */
	char dir[512];
	rgp_store_t *st;
	rgp_edge_t *log;          /* every edge committed in the run (warm-up included) */
	uint64_t nlog, caplog;
	uint64_t failed;
};

static void pw_run(void *arg, rgb_tctx_t *t)
{
	struct pw *a = arg;
	const rgb_data_t *d = a->d;
	uint64_t commits = 0, failed = 0;
	rgb_mark_start(t);
	do {
		rgp_edge_t e = {d->ids[rgb_rand(&t->rng) % d->nids], d->ids[rgb_rand(&t->rng) % d->nids]};
		if (rgp_insert_edges(a->st, &e, 1)) {
			failed++;
			continue;
		}
		commits++;
		if (a->nlog == a->caplog) {
			uint64_t cap = a->caplog ? 2 * a->caplog : 65536;
			rgp_edge_t *l = realloc(a->log, cap * sizeof *l);
			if (!l) {
				failed++;
				continue;
			}
			a->log = l;
			a->caplog = cap;
		}
		a->log[a->nlog++] = e;
	} while (!rgb_stopped(t));
	t->ctr->ops = commits;
	t->aux[0] = failed;
	a->failed += failed;
}

static int pw_enter(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	struct pw *a = c->arg;
	a->nlog = 0;
	a->failed = 0;
	if (rgb_tmpdir(a->dir, sizeof a->dir, a->peer->name))
		return -1;
	rgp_config_t cfg;
	rgp_config_init(&cfg);
	cfg.durability = a->dur;
	if (rgp_create(a->peer, a->dir, a->base, &cfg, &a->st)) {
		fprintf(stderr, "rgbench: peers: %s: %s\n", a->peer->name, rgp_last_error());
		rgb_rmtree(a->dir);
		return -1;
	}
	return 0;
}

static void pw_leave(rgb_study_t *s, rgb_cfg_t *c)
{
	(void)s;
	struct pw *a = c->arg;
	rgp_destroy(a->st);
	a->st = NULL;
	rgb_rmtree(a->dir);
}

/* Every source the run wrote to sums to its base edges plus the run's:
 * returns the number of sources that do not (or -1 if reading failed). */
static long pw_check(struct pw *a, uint64_t *nsrc)
{
	uint64_t n = a->d->ids[a->d->nids - 1] + 1;
	uint64_t *add = calloc(n, sizeof *add);
	uint8_t *seen = calloc(n, 1);
	rgp_reader_t *rd = NULL;
	long bad = -1;
	if (!add || !seen || rgp_reader_open(a->st, &rd))
		goto out;
	for (uint64_t k = 0; k < a->nlog; k++)
		add[a->log[k].src] += a->log[k].dst + 1;
	bad = 0;
	*nsrc = 0;
	for (uint64_t k = 0; k < a->nlog; k++) {
		uint64_t u = a->log[k].src, sum;
		if (seen[u])
			continue;
		seen[u] = 1;
		(*nsrc)++;
		if (rgp_neighbors(rd, u, NULL, NULL, &sum)) {
			bad = -1;
			break;
		}
		bad += sum != a->base_sum[u] + add[u];
	}
out:
	rgp_reader_close(rd);
	free(add);
	free(seen);
	return bad;
}

static void pw_job(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job)
{
	(void)s;
	job->arg = c->arg;
	job->run = pw_run;
}

static void pw_row(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r)
{
	(void)s;
	struct pw *a = c->arg;
	snprintf(r->unit, sizeof r->unit, "commits");
	snprintf(r->durability, sizeof r->durability, "%s",
		 a->dur == RG_DURABILITY_COMMIT ? "commit" : "off");
	r->batch = 1;
	uint64_t nsrc = 0;
	long bad = pw_check(a, &nsrc);
	rgb_extra(r, "store=%s;base_edges=%llu;committed_in_run=%llu;sources_checked=%llu;"
		     "sources_wrong=%ld",
		  a->peer->name, (unsigned long long)a->base->n_edges, (unsigned long long)a->nlog,
		  (unsigned long long)nsrc, bad);
	if (res->aux[0])
		rgb_extra(r, "failed_txns=%llu", (unsigned long long)res->aux[0]);
	rgb_work_check(c, r->round, bad == 0 && !a->failed,
		       "%ld of %llu written sources read back wrong, %llu failed commits", bad,
		       (unsigned long long)nsrc, (unsigned long long)a->failed);
}

static int writes(const rgb_data_t *d)
{
	rg_edgelist_t base = d->el;
	uint64_t nb = rgb_o.quick ? 8192 : WRITE_BASE;
	if (base.n_edges > nb)
		base.n_edges = nb;
	uint64_t n = d->ids[d->nids - 1] + 1;
	uint64_t *bsum = calloc(n, sizeof *bsum);
	rgb_study_t *s = calloc(1, sizeof *s);
	struct pw *pool = calloc(2 * P_N, sizeof *pool);
	int rc = -1;
	if (!bsum || !s || !pool)
		goto out;
	for (uint64_t i = 0; i < base.n_edges; i++)
		bsum[base.src[i]] += base.dst[i] + 1;
	rgb_study_init(s, "peers", "peers write", d);
	for (int v = 0; v < 2; v++) {
		const char *vn = v ? "write:commit" : "write:off";
		if (!rgb_variant_on(vn, 1))
			continue;
		for (int p = 0; p < P_N; p++) {
			struct pw *a = &pool[v * P_N + p];
			*a = (struct pw){.peer = peer_of(p), .d = d, .base = &base, .base_sum = bsum,
					 .dur = v ? RG_DURABILITY_COMMIT : RG_DURABILITY_OFF};
			int i = rgb_cfg_add(s, vn, psync[p], NULL, 1, p);
			if (i < 0)
				goto out;
			s->cfg[i].arg = a;
			s->cfg[i].batch = 1;
			s->cfg[i].group = -1;
		}
	}
	if (!s->ncfg) {
		rc = 0;
		goto out;
	}
	rgb_study_link(s, NULL, "lmdb", 1);
	int n0 = s->ncfg;
	for (int i = 0; i < n0; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		if (strcmp(c->sync, "rcu-memb"))
			continue;
		rgb_study_compare(s, i, rgb_cfg_find(s, c->variant, "lmdb", 1),
				  "t-peers-write-rcugraph/lmdb");
		rgb_study_compare(s, i, rgb_cfg_find(s, c->variant, "sqlite", 1),
				  "t-peers-write-rcugraph/sqlite");
	}
	s->enter = pw_enter;
	s->leave = pw_leave;
	s->job = pw_job;
	s->row = pw_row;
	rc = rgb_study_run(s);
out:
	for (int i = 0; pool && i < 2 * P_N; i++)
		free(pool[i].log);
	if (s)
		rgb_study_free(s);
	free(s);
	free(pool);
	free(bsum);
	return rc;
}

static int peers_run(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	const rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const int dthr[] = {1, 2};
	int thr[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dthr, 2);
	int rc = 0;
	if (rgb_variant_on("neighbors", 1) || rgb_variant_on("2hop", 1)) {
		rgp_store_t *st[P_N] = {0};
		char dirs[P_N][512] = {"", "", ""};
		for (int p = 0; p < P_N && !rc; p++) {
			double t0 = bu_now();
			if (p != P_RG && rgb_tmpdir(dirs[p], sizeof dirs[p], psync[p])) {
				rc = -1;
				break;
			}
			if (rgp_create(peer_of(p), p == P_RG ? NULL : dirs[p], &d->el, NULL, &st[p])) {
				fprintf(stderr, "rgbench: peers: %s: %s\n", psync[p], rgp_last_error());
				rc = -1;
				break;
			}
			fprintf(stderr, "rgbench: peers: %s built from %s in %.2f s\n", peer_of(p)->name,
				spec, bu_now() - t0);
		}
		if (!rc)
			rc = reads(d, st, thr, nt);
		for (int p = 0; p < P_N; p++) {
			rgp_destroy(st[p]);
			if (dirs[p][0])
				rgb_rmtree(dirs[p]);
		}
	}
	if (rgb_variant_on("write:off", 1) || rgb_variant_on("write:commit", 1))
		rc |= writes(d);
	return rc;
}

RGB_WORKLOAD(peers, 60,
	     "LMDB (DUPSORT) and SQLite beside rcugraph (public API): neighbour and 2-hop queries, "
	     "one-edge commits at durability OFF and COMMIT",
	     1, variants, peers_run)
