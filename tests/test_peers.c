/*
 * Tests of the comparison peers (experiments/rgbench/peers/): LMDB and
 * SQLite hold the same multigraph as rcugraph and do the same work. The
 * reference is rcugraph itself, built directly with rg_edgelist_insert()
 * and read through the public API in this file (not through the peer
 * adapter, which is checked against it too), and the edge list.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rcugraph/load.h>
#include "peer.h"
#include "testutil.h"

static const rgp_peer_t *const PEERS[] = {&rgp_lmdb, &rgp_sqlite, &rgp_rcugraph};
#define NPEERS 3

static char tmpdir[256];
static int dirs_made;

static void mk_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/rg_test_peers_XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm_tmpdir(void)
{
	if (tmpdir[0])
		rg_test_rm_rf(tmpdir);
}

/* A fresh directory under tmpdir. */
static const char *fresh_dir(void)
{
	static char p[8][512];
	char *d = p[dirs_made % 8];
	snprintf(d, 512, "%s/d%d", tmpdir, dirs_made++);
	cr_assert_eq(mkdir(d, 0755), 0, "mkdir %s", d);
	return d;
}

static rgp_store_t *make(const rgp_peer_t *p, const rg_edgelist_t *el, int durability)
{
	rgp_config_t cfg;
	rgp_config_init(&cfg);
	cfg.durability = durability;
	rgp_store_t *s = NULL;
	int rc = rgp_create(p, fresh_dir(), el, &cfg, &s);
	cr_assert_eq(rc, 0, "%s: %s (%s)", p->name, rgp_last_error(), rg_strerror(rc));
	cr_assert_not_null(s);
	return s;
}

static rg_edgelist_t rmat10(void)
{
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_gen_from_spec("rmat:scale=10", &el, err, sizeof err), 0, "%s", err);
	return el;
}

/* ---- the reference: rcugraph built and read directly ---- */

static rg_graph_t *ref_build(const rg_edgelist_t *el)
{
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_edgelist_insert(g, el, 0, 0, NULL), 0);
	cr_assert_eq(rg_reader_register(g), 0);
	return g;
}

static void ref_close(rg_graph_t *g)
{
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

struct vec {
	uint64_t *a;
	size_t n, cap;
};

static void push(void *arg, uint64_t v)
{
	struct vec *x = arg;
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 64;
		x->a = realloc(x->a, x->cap * sizeof *x->a);
		cr_assert_not_null(x->a);
	}
	x->a[x->n++] = v;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* rcugraph's out-neighbours of id (sorted) and their sum, one section. */
static uint64_t ref_neighbors(rg_graph_t *g, uint64_t id, struct vec *out)
{
	rg_read_t *r;
	rg_iter_t it;
	uint64_t sum = 0;
	out->n = 0;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	if (rg_neighbors(r, id, RG_OUT, RG_TYPE_ANY, &it) == 0)
		for (const rg_edge_t *e; (e = rg_iter_next(&it));) {
			sum += e->nbr + 1;
			push(out, e->nbr);
		}
	cr_assert_eq(rg_read_end(r), 0);
	if (out->n)
		qsort(out->a, out->n, sizeof *out->a, cmp_u64);
	return sum;
}

static uint64_t ref_two_hop(rg_graph_t *g, uint64_t id)
{
	rg_read_t *r;
	rg_iter_t it, it2;
	uint64_t sum = 0;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	if (rg_neighbors(r, id, RG_OUT, RG_TYPE_ANY, &it) == 0)
		for (const rg_edge_t *e; (e = rg_iter_next(&it));)
			if (rg_neighbors(r, e->nbr, RG_OUT, RG_TYPE_ANY, &it2) == 0)
				for (const rg_edge_t *f; (f = rg_iter_next(&it2));)
					sum += f->nbr + 1;
	cr_assert_eq(rg_read_end(r), 0);
	return sum;
}

static uint64_t max_id(const rg_edgelist_t *el)
{
	uint64_t m = 0;
	for (uint64_t i = 0; i < el->n_edges; i++) {
		m = el->src[i] > m ? el->src[i] : m;
		m = el->dst[i] > m ? el->dst[i] : m;
	}
	return m;
}

/* Every node 0..max+8 (the last ones absent): the same neighbour multiset
 * and sum from every peer as from rcugraph and from the edge list. */
static void check_every_node(const rg_edgelist_t *el)
{
	uint64_t top = max_id(el) + 8;
	/* the edge list's own out-degree and sum per source */
	uint64_t *deg = calloc(top + 1, sizeof *deg), *esum = calloc(top + 1, sizeof *esum);
	cr_assert(deg && esum);
	for (uint64_t i = 0; i < el->n_edges; i++) {
		deg[el->src[i]]++;
		esum[el->src[i]] += el->dst[i] + 1;
	}
	rg_graph_t *g = ref_build(el);
	struct vec want = {0}, got = {0};
	for (int p = 0; p < NPEERS; p++) {
		rgp_store_t *s = make(PEERS[p], el, RG_DURABILITY_OFF);
		rgp_reader_t *rd;
		cr_assert_eq(rgp_reader_open(s, &rd), 0, "%s", rgp_last_error());
		for (uint64_t id = 0; id <= top; id++) {
			uint64_t ws = ref_neighbors(g, id, &want), gs = 1;
			cr_assert_eq(want.n, deg[id]);
			cr_assert_eq(ws, esum[id]);
			got.n = 0;
			int rc = rgp_neighbors(rd, id, push, &got, &gs);
			cr_assert_eq(rc, 0, "%s node %llu: %s", PEERS[p]->name,
				     (unsigned long long)id, rgp_last_error());
			cr_assert_eq(gs, ws, "%s node %llu: sum %llu, rcugraph %llu", PEERS[p]->name,
				     (unsigned long long)id, (unsigned long long)gs,
				     (unsigned long long)ws);
			cr_assert_eq(got.n, want.n, "%s node %llu: %zu neighbours, rcugraph %zu",
				     PEERS[p]->name, (unsigned long long)id, got.n, want.n);
			if (got.n)
				qsort(got.a, got.n, sizeof *got.a, cmp_u64);
			for (size_t i = 0; i < got.n; i++)
				cr_assert_eq(got.a[i], want.a[i], "%s node %llu: neighbour %zu",
					     PEERS[p]->name, (unsigned long long)id, i);
		}
		rgp_reader_close(rd);
		rgp_destroy(s);
	}
	free(want.a);
	free(got.a);
	free(deg);
	free(esum);
	ref_close(g);
}

Test(peers, rmat_every_node_same_neighbours, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	rg_edgelist_t el = rmat10();
	/* the point of the LMDB (dst, copy) values: R-MAT has parallel edges */
	uint64_t par = 0;
	for (uint64_t i = 1; i < el.n_edges; i++)
		for (uint64_t j = i; j-- > 0 && j + 64 > i;)
			par += el.src[j] == el.src[i] && el.dst[j] == el.dst[i];
	cr_assert_gt(par, 0, "expected parallel edges in rmat:scale=10");
	check_every_node(&el);
	rg_edgelist_free(&el);
}

Test(peers, email_eu_core_every_node_same_neighbours, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	rg_edgelist_t el;
	char err[512];
	const char *path = rg_dataset("email-Eu-core.txt.gz"); /* self loops */
	cr_assert_eq(rg_snap_parse(path, &el, err, sizeof err), 0, "%s", err);
	check_every_node(&el);
	rg_edgelist_free(&el);
}

Test(peers, k_queries_and_two_hop_match_rcugraph, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	rg_edgelist_t el = rmat10();
	uint64_t top = max_id(&el) + 4, n = top + 1;
	rg_graph_t *g = ref_build(&el);
	uint64_t *ids = malloc(n * sizeof *ids), *want = malloc(n * sizeof *want),
		 *got = malloc(n * sizeof *got), *hop = malloc(n * sizeof *hop);
	cr_assert(ids && want && got && hop);
	struct vec scratch = {0};
	uint64_t want_total = 0;
	for (uint64_t id = 0; id < n; id++) {
		ids[id] = n - 1 - id; /* not in key order */
		want[id] = ref_neighbors(g, ids[id], &scratch);
		want_total += want[id];
		hop[id] = ref_two_hop(g, id);
	}
	for (int p = 0; p < NPEERS; p++) {
		rgp_store_t *s = make(PEERS[p], &el, RG_DURABILITY_OFF);
		rgp_reader_t *rd;
		cr_assert_eq(rgp_reader_open(s, &rd), 0, "%s", rgp_last_error());
		uint64_t total = 0;
		cr_assert_eq(rgp_neighbors_k(rd, ids, n, got, &total), 0, "%s: %s", PEERS[p]->name,
			     rgp_last_error());
		cr_assert_eq(total, want_total, "%s", PEERS[p]->name);
		for (uint64_t i = 0; i < n; i++)
			cr_assert_eq(got[i], want[i], "%s: query %llu", PEERS[p]->name,
				     (unsigned long long)i);
		/* k in several calls, sums NULL */
		cr_assert_eq(rgp_neighbors_k(rd, ids, 7, NULL, &total), 0);
		cr_assert_eq(total, want[0] + want[1] + want[2] + want[3] + want[4] + want[5] + want[6]);
		cr_assert_eq(rgp_neighbors_k(rd, ids, 0, NULL, &total), 0);
		cr_assert_eq(total, 0);
		for (uint64_t id = 0; id < n; id++) {
			uint64_t h = 1;
			cr_assert_eq(rgp_two_hop(rd, id, &h), 0, "%s: %s", PEERS[p]->name,
				     rgp_last_error());
			cr_assert_eq(h, hop[id], "%s: 2-hop of %llu: %llu, rcugraph %llu",
				     PEERS[p]->name, (unsigned long long)id, (unsigned long long)h,
				     (unsigned long long)hop[id]);
		}
		rgp_reader_close(rd);
		rgp_destroy(s);
	}
	free(scratch.a);
	free(ids);
	free(want);
	free(got);
	free(hop);
	ref_close(g);
	rg_edgelist_free(&el);
}

/* ---- writes ---- */

/* rcugraph direct: the same edges in one transaction. */
static void ref_insert(rg_graph_t *g, const rgp_edge_t *e, size_t n)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (size_t i = 0; i < n; i++) {
		int rc = rg_txn_add_node(t, e[i].src, 0);
		cr_assert(rc == 0 || rc == RG_EEXIST);
		rc = rg_txn_add_node(t, e[i].dst, 0);
		cr_assert(rc == 0 || rc == RG_EEXIST);
		cr_assert_eq(rg_txn_add_edge(t, e[i].src, e[i].dst, 0, 0), 0);
	}
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
}

static void check_nodes(rg_graph_t *g, rgp_reader_t *rd, const char *name, const uint64_t *ids,
			int n)
{
	struct vec want = {0}, got = {0};
	for (int i = 0; i < n; i++) {
		uint64_t ws = ref_neighbors(g, ids[i], &want), gs = 0, h = 0;
		got.n = 0;
		cr_assert_eq(rgp_neighbors(rd, ids[i], push, &got, &gs), 0, "%s", rgp_last_error());
		cr_assert_eq(gs, ws, "%s: node %llu after insert", name, (unsigned long long)ids[i]);
		cr_assert_eq(got.n, want.n, "%s: node %llu", name, (unsigned long long)ids[i]);
		if (got.n) {
			qsort(got.a, got.n, sizeof *got.a, cmp_u64);
			cr_assert_arr_eq(got.a, want.a, got.n * sizeof *got.a);
		}
		cr_assert_eq(rgp_two_hop(rd, ids[i], &h), 0);
		cr_assert_eq(h, ref_two_hop(g, ids[i]), "%s: 2-hop of %llu after insert", name,
			     (unsigned long long)ids[i]);
	}
	free(want.a);
	free(got.a);
}

Test(peers, inserts_visible_after_commit, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	rg_edgelist_t el = rmat10();
	uint64_t a = el.src[0], b = el.dst[0], fresh = max_id(&el) + 1000;
	/* parallel edges to an existing neighbour, twice; a new target; a new
	 * source; a self loop; then a second transaction on top */
	rgp_edge_t e1[] = {{a, b}, {a, b}, {a, fresh}, {fresh + 1, a}, {fresh + 1, fresh + 1}};
	rgp_edge_t e2[] = {{fresh, a}, {a, b}, {fresh + 1, a}};
	uint64_t watch[] = {a, b, fresh, fresh + 1, fresh + 2};
	static const int dur[] = {RG_DURABILITY_OFF, RG_DURABILITY_COMMIT};
	for (int p = 0; p < NPEERS; p++)
		for (int d = 0; d < 2; d++) {
			rg_graph_t *g = ref_build(&el);
			rgp_store_t *s = make(PEERS[p], &el, dur[d]);
			rgp_reader_t *rd; /* opened before the commits: must see them */
			cr_assert_eq(rgp_reader_open(s, &rd), 0, "%s", rgp_last_error());
			uint64_t before = 0, after = 0;
			cr_assert_eq(rgp_neighbors(rd, a, NULL, NULL, &before), 0);
			cr_assert_eq(rgp_insert_edges(s, e1, 0), 0);
			cr_assert_eq(rgp_insert_edges(s, e1, 5), 0, "%s: %s", PEERS[p]->name,
				     rgp_last_error());
			ref_insert(g, e1, 5);
			cr_assert_eq(rgp_neighbors(rd, a, NULL, NULL, &after), 0);
			cr_assert_eq(after, before + 2 * (b + 1) + fresh + 1, "%s", PEERS[p]->name);
			check_nodes(g, rd, PEERS[p]->name, watch, 5);
			cr_assert_eq(rgp_insert_edges(s, e2, 3), 0, "%s: %s", PEERS[p]->name,
				     rgp_last_error());
			ref_insert(g, e2, 3);
			check_nodes(g, rd, PEERS[p]->name, watch, 5);
			rgp_reader_close(rd);
			rgp_destroy(s);
			ref_close(g);
		}
	rg_edgelist_free(&el);
}

/* ---- concurrency: readers see whole transactions only ---- */

#define X_NODE 900000u
#define ROUNDS 150

struct rd_res {
	rgp_store_t *s;
	atomic_int *done;
	int rc;
	uint64_t queries, torn, backwards, last_pairs;
	char err[256];
};

static void count_visit(void *arg, uint64_t v)
{
	uint64_t *c = arg;
	c[0]++;
	c[1] += v == 1; /* every transaction adds X->1 and X->2 */
}

static void *reader_thread(void *arg)
{
	struct rd_res *r = arg;
	rgp_reader_t *rd;
	if ((r->rc = rgp_reader_open(r->s, &rd))) {
		snprintf(r->err, sizeof r->err, "%s", rgp_last_error());
		return NULL;
	}
	uint64_t prev = 0;
	for (int last = 0; !last;) {
		last = atomic_load(r->done); /* one more query after the writer ends */
		uint64_t c[2] = {0, 0}, sum = 0;
		if ((r->rc = rgp_neighbors(rd, X_NODE, count_visit, c, &sum))) {
			snprintf(r->err, sizeof r->err, "%s", rgp_last_error());
			break;
		}
		r->queries++;
		uint64_t k = c[1];
		if (c[0] != 2 * k || sum != k * 5)
			r->torn++;
		if (k < prev)
			r->backwards++;
		prev = k;
	}
	r->last_pairs = prev;
	rgp_reader_close(rd);
	return NULL;
}

Test(peers, concurrent_readers_see_whole_commits, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	rg_edgelist_t el = rmat10();
	for (int p = 0; p < NPEERS; p++) {
		rgp_store_t *s = make(PEERS[p], &el, RG_DURABILITY_OFF);
		atomic_int done = 0;
		struct rd_res res[2] = {{.s = s, .done = &done}, {.s = s, .done = &done}};
		pthread_t th[2];
		for (int t = 0; t < 2; t++)
			cr_assert_eq(pthread_create(&th[t], NULL, reader_thread, &res[t]), 0);
		int wrc = 0;
		for (int i = 0; i < ROUNDS && !wrc; i++) {
			rgp_edge_t e[] = {{X_NODE, 1}, {X_NODE, 2}};
			wrc = rgp_insert_edges(s, e, 2);
		}
		atomic_store(&done, 1);
		for (int t = 0; t < 2; t++)
			pthread_join(th[t], NULL);
		cr_assert_eq(wrc, 0, "%s writer: %s", PEERS[p]->name, rgp_last_error());
		for (int t = 0; t < 2; t++) {
			cr_assert_eq(res[t].rc, 0, "%s reader %d: %s", PEERS[p]->name, t, res[t].err);
			cr_assert_gt(res[t].queries, 0);
			cr_assert_eq(res[t].torn, 0, "%s: %llu reads saw half a transaction",
				     PEERS[p]->name, (unsigned long long)res[t].torn);
			cr_assert_eq(res[t].backwards, 0, "%s: a later read saw fewer edges",
				     PEERS[p]->name);
			cr_assert_eq(res[t].last_pairs, ROUNDS, "%s: final read saw %llu of %d",
				     PEERS[p]->name, (unsigned long long)res[t].last_pairs, ROUNDS);
		}
		rgp_destroy(s);
	}
	rg_edgelist_free(&el);
}

/* ---- bad input: errors, never crashes ---- */

Test(peers, bad_arguments_give_errors, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	rg_edgelist_t el = rmat10(), none = {0};
	rgp_store_t *s = (rgp_store_t *)&el; /* must be overwritten with NULL */
	rgp_reader_t *rd;
	uint64_t sum = 7;

	cr_assert_null(rgp_find("postgres"));
	cr_assert_null(rgp_find(NULL));
	cr_assert_eq(rgp_find("lmdb"), &rgp_lmdb);
	cr_assert_eq(rgp_create(NULL, tmpdir, &el, NULL, &s), RG_EINVAL);
	cr_assert_null(s);
	cr_assert_eq(rgp_create(&rgp_lmdb, tmpdir, NULL, NULL, &s), RG_EINVAL);
	cr_assert_eq(rgp_create(&rgp_lmdb, tmpdir, &el, NULL, NULL), RG_EINVAL);
	cr_assert_eq(rgp_reader_open(NULL, &rd), RG_EINVAL);
	cr_assert_eq(rgp_neighbors(NULL, 1, NULL, NULL, &sum), RG_EINVAL);
	cr_assert_eq(sum, 7);
	cr_assert_eq(rgp_neighbors_k(NULL, &sum, 1, NULL, NULL), RG_EINVAL);
	cr_assert_eq(rgp_two_hop(NULL, 1, &sum), RG_EINVAL);
	cr_assert_eq(rgp_insert_edges(NULL, NULL, 1), RG_EINVAL);
	rgp_destroy(NULL);
	rgp_reader_close(NULL);

	char file[512];
	snprintf(file, sizeof file, "%s/plainfile", tmpdir);
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f);
	fclose(f);
	rgp_config_t bad;
	rgp_config_init(&bad);
	bad.durability = RG_DURABILITY_INTERVAL;
	for (int p = 0; p < NPEERS; p++) {
		const rgp_peer_t *P = PEERS[p];
		int rc = rgp_create(P, "/nonexistent/rg_peers", &el, NULL, &s);
		cr_assert_eq(rc, RG_EIO, "%s: missing dir rc %d", P->name, rc);
		cr_assert_not_null(strstr(rgp_last_error(), "/nonexistent/rg_peers"), "%s",
				   rgp_last_error());
		rc = rgp_create(P, file, &el, NULL, &s);
		cr_assert_eq(rc, RG_EIO, "%s: file as dir rc %d", P->name, rc);
		cr_assert_not_null(strstr(rgp_last_error(), "not a directory"), "%s",
				   rgp_last_error());
		/* not writable (or, as root, not a place a store can live) */
		rc = rgp_create(P, "/proc/self", &el, NULL, &s);
		cr_assert_lt(rc, 0, "%s: /proc/self accepted", P->name);
		cr_assert_neq(rgp_last_error()[0], '\0');
		cr_assert_null(s);
		cr_assert_eq(rgp_create(P, fresh_dir(), &el, &bad, &s), RG_EINVAL, "%s", P->name);
		if (P != &rgp_rcugraph)
			cr_assert_eq(rgp_create(P, NULL, &el, NULL, &s), RG_EINVAL, "%s", P->name);

		/* a directory that already holds a store */
		const char *d = fresh_dir();
		cr_assert_eq(rgp_create(P, d, &el, NULL, &s), 0, "%s", rgp_last_error());
		rgp_store_t *s2;
		cr_assert_eq(rgp_create(P, d, &el, NULL, &s2), RG_EEXIST, "%s", P->name);
		cr_assert_eq(rgp_reader_open(s, NULL), RG_EINVAL);
		cr_assert_eq(rgp_reader_open(s, &rd), 0);
		cr_assert_eq(rgp_neighbors_k(rd, NULL, 2, NULL, &sum), RG_EINVAL);
		cr_assert_eq(rgp_insert_edges(s, NULL, 1), RG_EINVAL);
		cr_assert_eq(rgp_neighbors(rd, UINT64_MAX, NULL, NULL, &sum), 0); /* absent: 0 */
		cr_assert_eq(sum, 0);
		rgp_reader_close(rd);
		rgp_destroy(s);

		/* an empty edge list is a valid, empty store */
		cr_assert_eq(rgp_create(P, fresh_dir(), &none, NULL, &s), 0, "%s: %s", P->name,
			     rgp_last_error());
		cr_assert_eq(rgp_reader_open(s, &rd), 0);
		cr_assert_eq(rgp_neighbors(rd, 0, NULL, NULL, &sum), 0);
		cr_assert_eq(sum, 0);
		cr_assert_eq(rgp_two_hop(rd, 0, &sum), 0);
		cr_assert_eq(sum, 0);
		rgp_reader_close(rd);
		rgp_destroy(s);
	}

	/* LMDB's limit: ids below 2^52 (the low 12 bits count parallel edges) */
	uint64_t big = UINT64_C(1) << 60, one = 1;
	rg_edgelist_t huge = {.n_nodes = 2, .n_edges = 1, .src = &one, .dst = &big};
	cr_assert_eq(rgp_create(&rgp_lmdb, fresh_dir(), &huge, NULL, &s), RG_ERANGE);
	cr_assert_not_null(strstr(rgp_last_error(), "2^52"), "%s", rgp_last_error());
	cr_assert_eq(rgp_create(&rgp_lmdb, fresh_dir(), &el, NULL, &s), 0);
	rgp_edge_t e[] = {{1, 2}, {1, big}};
	cr_assert_eq(rgp_insert_edges(s, e, 2), RG_ERANGE);
	cr_assert_eq(rgp_reader_open(s, &rd), 0);
	uint64_t before = 0, after = 0;
	cr_assert_eq(rgp_neighbors(rd, 1, NULL, NULL, &before), 0);
	cr_assert_eq(rgp_insert_edges(s, e, 1), 0); /* still usable; nothing half-applied */
	cr_assert_eq(rgp_neighbors(rd, 1, NULL, NULL, &after), 0);
	cr_assert_eq(after, before + 3);
	rgp_reader_close(rd);
	rgp_destroy(s);
	/* ... and at most 4096 copies of one edge */
	uint64_t *src = malloc(4097 * sizeof *src), *dst = malloc(4097 * sizeof *dst);
	cr_assert(src && dst);
	for (int i = 0; i < 4097; i++) {
		src[i] = 1;
		dst[i] = 2;
	}
	rg_edgelist_t copies = {.n_nodes = 2, .n_edges = 4097, .src = src, .dst = dst};
	cr_assert_eq(rgp_create(&rgp_lmdb, fresh_dir(), &copies, NULL, &s), RG_ERANGE);
	cr_assert_not_null(strstr(rgp_last_error(), "copies"), "%s", rgp_last_error());
	copies.n_edges = 4095;
	cr_assert_eq(rgp_create(&rgp_lmdb, fresh_dir(), &copies, NULL, &s), 0, "%s",
		     rgp_last_error());
	cr_assert_eq(rgp_insert_edges(s, e, 1), 0); /* the 4096th */
	cr_assert_eq(rgp_insert_edges(s, e, 1), RG_ERANGE);
	cr_assert_eq(rgp_reader_open(s, &rd), 0);
	cr_assert_eq(rgp_neighbors(rd, 1, NULL, NULL, &sum), 0);
	cr_assert_eq(sum, 4096 * 3);
	rgp_reader_close(rd);
	rgp_destroy(s);
	free(src);
	free(dst);
	/* SQLite and rcugraph take any uint64 id */
	for (int p = 1; p < NPEERS; p++) {
		cr_assert_eq(rgp_create(PEERS[p], fresh_dir(), &huge, NULL, &s), 0, "%s: %s",
			     PEERS[p]->name, rgp_last_error());
		cr_assert_eq(rgp_reader_open(s, &rd), 0);
		cr_assert_eq(rgp_neighbors(rd, 1, NULL, NULL, &sum), 0);
		cr_assert_eq(sum, big + 1, "%s", PEERS[p]->name);
		rgp_reader_close(rd);
		rgp_destroy(s);
	}
	rg_edgelist_free(&el);
}
