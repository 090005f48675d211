/*
 * test_diff.c - differential test of the graph core against a trivial
 * model.
 *
 * A writer runs seeded random transactions (node inserts and deletes,
 * edge inserts one by one and in batches, edge deletes with and without a
 * type, aborts, packs, a switch from dense to sparse ids) on rcugraph and
 * on a model made of plain arrays, and checks every return code against
 * the model's. After every commit the model of that version is kept.
 * Reader threads hold read sections open across later commits and then
 * compare everything their snapshot answers (existence, labels, degrees,
 * spans by id and by slot, the iterator with a type filter, whole-graph
 * scans) with the model of their version: old snapshots must still read
 * their own version. Frozen views (rg_csr_snapshot) taken along the way
 * are compared at the end, after many later commits.
 *
 * Never asserts in a worker thread: readers count checks and record the
 * first mismatch; the test asserts after pthread_join.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rcugraph/csr.h>
#include <rcugraph/rcugraph.h>

#include "testutil.h"

/* ------------------------------------------------------------------ */
/* The model                                                          */
/* ------------------------------------------------------------------ */

struct medge {
	uint64_t nbr, prop;
	uint32_t type;
};

struct mnode {
	int alive;
	uint32_t label;
	struct medge *adj[2];
	size_t n[2], cap[2];
};

struct model {
	size_t nids;
	const uint64_t *ids; /* the id universe (shared, never changes) */
	struct mnode *node;  /* per universe index */
	uint64_t nodes, edges;
	uint64_t version;
};

static void m_push(struct mnode *x, int d, struct medge e)
{
	if (x->n[d] == x->cap[d]) {
		x->cap[d] = x->cap[d] ? 2 * x->cap[d] : 4;
		x->adj[d] = realloc(x->adj[d], x->cap[d] * sizeof *x->adj[d]);
	}
	x->adj[d][x->n[d]++] = e;
}

static struct model *m_copy(const struct model *m)
{
	struct model *c = malloc(sizeof *c);
	*c = *m;
	c->node = calloc(m->nids, sizeof *c->node);
	for (size_t i = 0; i < m->nids; i++) {
		c->node[i] = m->node[i];
		for (int d = 0; d < 2; d++) {
			c->node[i].cap[d] = m->node[i].n[d];
			c->node[i].adj[d] = m->node[i].n[d] ? malloc(m->node[i].n[d] * sizeof(struct medge)) : NULL;
			if (m->node[i].n[d])
				memcpy(c->node[i].adj[d], m->node[i].adj[d], m->node[i].n[d] * sizeof(struct medge));
		}
	}
	return c;
}

static void m_free(struct model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nids; i++)
		for (int d = 0; d < 2; d++)
			free(m->node[i].adj[d]);
	free(m->node);
	free(m);
}

static size_t m_index(const struct model *m, uint64_t id)
{
	for (size_t i = 0; i < m->nids; i++)
		if (m->ids[i] == id)
			return i;
	return SIZE_MAX;
}

/* Removes, stably, the entries of x's adjacency d naming nbr with the type
 * (RG_TYPE_ANY: any). Returns how many. */
static size_t m_remove(struct mnode *x, int d, uint64_t nbr, uint32_t type)
{
	size_t k = 0, r = 0;
	for (size_t i = 0; i < x->n[d]; i++) {
		const struct medge *e = &x->adj[d][i];
		if (e->nbr == nbr && (type == RG_TYPE_ANY || e->type == type)) {
			r++;
			continue;
		}
		x->adj[d][k++] = *e;
	}
	x->n[d] = k;
	return r;
}

static int m_add_node(struct model *m, uint64_t id, uint32_t label)
{
	struct mnode *x = &m->node[m_index(m, id)];
	if (x->alive)
		return RG_EEXIST;
	x->alive = 1;
	x->label = label;
	m->nodes++;
	return 0;
}

static int m_add_edge(struct model *m, uint64_t s, uint64_t d, uint32_t type, uint64_t prop)
{
	size_t a = m_index(m, s), b = m_index(m, d);
	if (a == SIZE_MAX || b == SIZE_MAX || !m->node[a].alive || !m->node[b].alive)
		return RG_ENOENT;
	m_push(&m->node[a], RG_OUT, (struct medge){d, prop, type});
	m_push(&m->node[b], RG_IN, (struct medge){s, prop, type});
	m->edges++;
	return 0;
}

static int m_del_edge(struct model *m, uint64_t s, uint64_t d, uint32_t type)
{
	size_t a = m_index(m, s), b = m_index(m, d);
	if (a == SIZE_MAX || b == SIZE_MAX || !m->node[a].alive || !m->node[b].alive)
		return RG_ENOENT;
	size_t r = m_remove(&m->node[a], RG_OUT, d, type);
	if (!r)
		return RG_ENOENT;
	m_remove(&m->node[b], RG_IN, s, type);
	m->edges -= r;
	return 0;
}

static int m_del_node(struct model *m, uint64_t id)
{
	size_t a = m_index(m, id);
	if (a == SIZE_MAX || !m->node[a].alive)
		return RG_ENOENT;
	struct mnode *x = &m->node[a];
	size_t loops = 0;
	for (size_t i = 0; i < x->n[RG_OUT]; i++)
		loops += x->adj[RG_OUT][i].nbr == id;
	for (int d = 0; d < 2; d++)
		for (size_t i = 0; i < x->n[d]; i++) {
			uint64_t nb = x->adj[d][i].nbr;
			if (nb != id)
				m_remove(&m->node[m_index(m, nb)], 1 - d, id, RG_TYPE_ANY);
		}
	m->edges -= x->n[RG_OUT] + x->n[RG_IN] - loops;
	x->n[0] = x->n[1] = 0;
	x->alive = 0;
	m->nodes--;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Comparing a snapshot with a model (no asserts: workers call it)     */
/* ------------------------------------------------------------------ */

struct cmp {
	uint64_t checks;
	uint64_t bad;
	char first[256];
};

static void cmp_fail(struct cmp *c, const char *fmt, ...)
{
	if (c->bad++ == 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->first, sizeof c->first, fmt, ap);
		va_end(ap);
	}
}

#define CHECK(c, cond, ...)                                                                   \
	do {                                                                                  \
		(c)->checks++;                                                                \
		if (!(cond))                                                                  \
			cmp_fail((c), __VA_ARGS__);                                           \
	} while (0)

/* Everything r answers against model m. */
static void compare(const rg_read_t *r, const struct model *m, struct cmp *c)
{
	CHECK(c, rg_node_count(r) == m->nodes, "v%llu: nodes %llu, model %llu",
	      (unsigned long long)m->version, (unsigned long long)rg_node_count(r),
	      (unsigned long long)m->nodes);
	CHECK(c, rg_edge_count(r) == m->edges, "v%llu: edges %llu, model %llu",
	      (unsigned long long)m->version, (unsigned long long)rg_edge_count(r),
	      (unsigned long long)m->edges);
	for (size_t k = 0; k < m->nids; k++) {
		uint64_t id = m->ids[k];
		const struct mnode *x = &m->node[k];
		CHECK(c, rg_node_exists(r, id) == (x->alive != 0), "v%llu: exists(%llu)",
		      (unsigned long long)m->version, (unsigned long long)id);
		uint32_t label = 0;
		int rc = rg_node_label(r, id, &label);
		CHECK(c, rc == (x->alive ? 0 : RG_ENOENT) && (!x->alive || label == x->label),
		      "v%llu: label(%llu)", (unsigned long long)m->version, (unsigned long long)id);
		uint64_t slot = 0;
		int has_slot = rg_node_slot(r, id, &slot) == 0;
		CHECK(c, has_slot == (x->alive != 0), "v%llu: slot(%llu)", (unsigned long long)m->version,
		      (unsigned long long)id);
		for (int d = 0; d < 2; d++) {
			uint64_t deg = 99;
			rc = rg_degree(r, id, (rg_dir_t)d, &deg);
			CHECK(c, rc == (x->alive ? 0 : RG_ENOENT) && deg == (x->alive ? x->n[d] : 0),
			      "v%llu: degree(%llu, %d) = %llu, model %zu", (unsigned long long)m->version,
			      (unsigned long long)id, d, (unsigned long long)deg, x->n[d]);
			rg_span_t sp, sp2;
			rc = rg_span(r, id, (rg_dir_t)d, &sp);
			CHECK(c, rc == (x->alive ? 0 : RG_ENOENT), "v%llu: span rc(%llu)",
			      (unsigned long long)m->version, (unsigned long long)id);
			if (!x->alive) {
				CHECK(c, sp.n == 0, "absent node: empty span");
				continue;
			}
			CHECK(c, sp.n == x->n[d], "v%llu: span(%llu, %d).n = %llu, model %zu",
			      (unsigned long long)m->version, (unsigned long long)id, d,
			      (unsigned long long)sp.n, x->n[d]);
			if (sp.n != x->n[d])
				continue;
			/* the same edges (lru-rwlock may hand out two copies: a
			 * writer clearing the node's clean bit between the calls
			 * changes the cache's key, not the content) */
			int same = rg_span_at(r, slot, (rg_dir_t)d, &sp2) == 0 && sp2.n == sp.n;
			for (uint64_t i = 0; same && i < sp.n; i++)
				same = sp2.slots[i] == sp.slots[i] && rg_span_type(&sp2, i) == rg_span_type(&sp, i) &&
				       rg_span_prop(&sp2, i) == rg_span_prop(&sp, i);
			CHECK(c, same, "span by slot == span by id");
			for (uint64_t i = 0; i < sp.n; i++) {
				const struct medge *e = &x->adj[d][i];
				uint64_t nid = 0;
				CHECK(c, rg_span_id(&sp, i) == e->nbr && rg_span_type(&sp, i) == e->type &&
						 rg_span_prop(&sp, i) == e->prop,
				      "v%llu: span(%llu, %d)[%llu] = (%llu, %u, %llu), model (%llu, %u, %llu)",
				      (unsigned long long)m->version, (unsigned long long)id, d,
				      (unsigned long long)i, (unsigned long long)rg_span_id(&sp, i),
				      rg_span_type(&sp, i), (unsigned long long)rg_span_prop(&sp, i),
				      (unsigned long long)e->nbr, e->type, (unsigned long long)e->prop);
				CHECK(c, rg_node_at(r, sp.slots[i], &nid, NULL) == 0 && nid == e->nbr,
				      "the neighbour's slot holds its id");
			}
			/* the iterator with a type filter: the model's entries of type 1 */
			rg_iter_t it;
			CHECK(c, rg_neighbors(r, id, (rg_dir_t)d, 1, &it) == 0, "neighbors");
			size_t j = 0;
			for (const rg_edge_t *e; (e = rg_iter_next(&it));) {
				while (j < x->n[d] && x->adj[d][j].type != 1)
					j++;
				CHECK(c, j < x->n[d] && e->nbr == x->adj[d][j].nbr && e->type == 1 &&
						 e->prop == x->adj[d][j].prop,
				      "v%llu: filtered iterator of %llu", (unsigned long long)m->version,
				      (unsigned long long)id);
				j++;
			}
			while (j < x->n[d] && x->adj[d][j].type != 1)
				j++;
			CHECK(c, j == x->n[d], "filtered iterator ends with the model");
		}
	}
	/* whole-graph scan: the live slots are exactly the model's nodes */
	uint64_t live = 0;
	for (uint64_t s = 0; s < rg_node_slots(r); s++) {
		uint64_t id;
		uint32_t label;
		if (rg_node_at(r, s, &id, &label) != 0)
			continue;
		live++;
		size_t k = m_index(m, id);
		CHECK(c, k != SIZE_MAX && m->node[k].alive && m->node[k].label == label,
		      "v%llu: slot %llu holds live id %llu", (unsigned long long)m->version,
		      (unsigned long long)s, (unsigned long long)id);
	}
	CHECK(c, live == m->nodes, "scan finds every live node");
}

/* ------------------------------------------------------------------ */
/* The run                                                            */
/* ------------------------------------------------------------------ */

#define NDENSE 200
#define NSPARSE 8
#define MAXV 4096
#define NREADERS 3

struct run {
	rg_graph_t *g;
	int wait_across; /* readers hold sections across commits */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct model *by_version[MAXV]; /* model of each committed version */
	uint64_t committed;             /* newest version committed (under mu) */
	int stop;
	int ready;
	/* per reader, read after join */
	struct cmp cmp[NREADERS];
	uint64_t sections[NREADERS], held[NREADERS], retries[NREADERS];
	int err[NREADERS];
};

static uint64_t rnd(uint64_t *s)
{
	*s += 0x9E3779B97F4A7C15ull;
	uint64_t z = *s;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

struct rarg {
	struct run *run;
	int me;
};

static void *reader(void *arg)
{
	struct rarg *a = arg;
	struct run *R = a->run;
	int me = a->me;
	if (rg_reader_register(R->g)) {
		R->err[me] = 1;
		return NULL;
	}
	pthread_mutex_lock(&R->mu);
	R->ready++;
	pthread_cond_broadcast(&R->cv);
	pthread_mutex_unlock(&R->mu);
	uint64_t last = UINT64_MAX;
	for (;;) {
		/* one section per new commit: checks stay proportional to the
		 * commits, and readers cannot starve a writer that needs their
		 * locks (reader-preferring rwlock) */
		pthread_mutex_lock(&R->mu);
		while (!R->stop && last != UINT64_MAX && R->committed <= last)
			pthread_cond_wait(&R->cv, &R->mu);
		int stop = R->stop;
		pthread_mutex_unlock(&R->mu);
		if (stop)
			break;
		rg_read_t *r;
		if (rg_read_begin(R->g, &r)) {
			R->err[me] = 2;
			break;
		}
		uint64_t v = rg_read_version(r);
		last = v;
		pthread_mutex_lock(&R->mu);
		/* the model of v is stored right after its commit returns */
		while (!R->by_version[v] && !R->stop)
			pthread_cond_wait(&R->cv, &R->mu);
		const struct model *m = R->by_version[v];
		if (m && R->wait_across) {
			/* keep the section open across a few later commits */
			uint64_t until = v + 1 + (uint64_t)me;
			while (R->committed < until && !R->stop)
				pthread_cond_wait(&R->cv, &R->mu);
			if (R->committed > v)
				R->held[me]++;
		}
		pthread_mutex_unlock(&R->mu);
		struct cmp c = {0};
		if (m)
			compare(r, m, &c);
		int rc = rg_read_end(r);
		R->sections[me]++;
		if (rc == RG_ERETRY) { /* optimistic policy: the section is void */
			R->retries[me]++;
			continue;
		}
		R->cmp[me].checks += c.checks;
		if (c.bad && !R->cmp[me].bad)
			memcpy(R->cmp[me].first, c.first, sizeof c.first);
		R->cmp[me].bad += c.bad;
		rg_reader_quiescent(R->g);
	}
	rg_reader_unregister(R->g);
	return NULL;
}

/* Stores the model of version v and wakes the readers. */
static void publish_model(struct run *R, const struct model *m, uint64_t v)
{
	struct model *c = m_copy(m);
	c->version = v;
	pthread_mutex_lock(&R->mu);
	cr_assert_lt(v, MAXV);
	R->by_version[v] = c;
	R->committed = v;
	pthread_cond_broadcast(&R->cv);
	pthread_mutex_unlock(&R->mu);
}

/* A random alive id of the model, or any universe id if none. */
static uint64_t pick_alive(const struct model *m, uint64_t *s)
{
	for (int tries = 0; tries < 50; tries++) {
		size_t k = rnd(s) % m->nids;
		if (m->node[k].alive)
			return m->ids[k];
	}
	return m->ids[rnd(s) % m->nids];
}

static void run_policy(const char *pol, int wait_across, int sparse, uint64_t seed, int ntxn)
{
	struct run *R = calloc(1, sizeof *R);
	pthread_mutex_init(&R->mu, NULL);
	pthread_cond_init(&R->cv, NULL);
	R->wait_across = wait_across;
	rg_options_t o;
	rg_options_init(&o);
	o.sync = pol;
	cr_assert_eq(rg_open(&R->g, &o), 0);
	/* the universe: ids 0..NDENSE-1, then (sparse runs) far-out ids that
	 * make the graph sparse the first time one is added */
	uint64_t ids[NDENSE + NSPARSE];
	size_t nids = 0;
	for (uint64_t i = 0; i < NDENSE; i++)
		ids[nids++] = i;
	for (uint64_t i = 0; sparse && i < NSPARSE; i++)
		ids[nids++] = (UINT64_C(1) << 40) + i * 7919;
	struct model *m = calloc(1, sizeof *m);
	m->nids = nids;
	m->ids = ids;
	m->node = calloc(nids, sizeof *m->node);
	publish_model(R, m, 0);

	pthread_t th[NREADERS];
	struct rarg ra[NREADERS];
	for (int i = 0; i < NREADERS; i++) {
		ra[i] = (struct rarg){R, i};
		pthread_create(&th[i], NULL, reader, &ra[i]);
	}
	pthread_mutex_lock(&R->mu);
	while (R->ready < NREADERS)
		pthread_cond_wait(&R->cv, &R->mu);
	pthread_mutex_unlock(&R->mu);

	/* the writer also takes frozen views, compared at the end */
	cr_assert_eq(rg_reader_register(R->g), 0);
	rg_csr_t *views[8] = {0};
	uint64_t view_v[8] = {0};
	int nviews = 0;

	uint64_t s = seed, ops = 0, aborts = 0, packs = 0, bulks = 0;
	for (int txn = 0; txn < ntxn; txn++) {
		rg_txn_t *t;
		int kind = (int)(rnd(&s) % 20);
		if (kind == 0) { /* a pack: content unchanged */
			cr_assert_eq(rg_pack(R->g), 0);
			packs++;
		} else {
			struct model *w = m_copy(m); /* the transaction's view */
			cr_assert_eq(rg_txn_begin(R->g, &t), 0);
			int n = 1 + (int)(rnd(&s) % 12);
			for (int k = 0; k < n; k++, ops++) {
				int op = (int)(rnd(&s) % 100);
				if (txn == ntxn / 2 && k == 0)
					op = 60; /* one big batch per run: the sorted bulk path */
				int rc, mrc;
				if (op < 20) {
					uint64_t id = ids[rnd(&s) % nids];
					uint32_t label = (uint32_t)(rnd(&s) % 4);
					rc = rg_txn_add_node(t, id, label);
					mrc = m_add_node(w, id, label);
				} else if (op < 55) {
					uint64_t a = pick_alive(w, &s), b = pick_alive(w, &s);
					uint32_t type = rnd(&s) % 3 == 0 ? (uint32_t)(rnd(&s) % 3) : 0;
					uint64_t prop = rnd(&s) % 4 == 0 ? rnd(&s) : 0;
					rc = rg_txn_add_edge(t, a, b, type, prop);
					mrc = m_add_edge(w, a, b, type, prop);
				} else if (op < 65) {
					/* a batch: small ones take the per-edge path, a rare
					 * big one the sorted bulk path */
					size_t nb = txn == ntxn / 2 && k == 0 ? 66000 : 1 + rnd(&s) % 60;
					rg_edge_in_t *e = malloc(nb * sizeof *e);
					for (size_t i = 0; i < nb; i++)
						e[i] = (rg_edge_in_t){pick_alive(w, &s), pick_alive(w, &s),
								      rnd(&s) % 5 == 0 ? rnd(&s) : 0,
								      (uint32_t)(rnd(&s) % 2)};
					size_t at = SIZE_MAX;
					rc = rg_txn_add_edges(t, e, nb, &at);
					/* all or nothing: the model applies them only if
					 * every endpoint is alive */
					mrc = 0;
					for (size_t i = 0; i < nb && !mrc; i++) {
						size_t a = m_index(w, e[i].src), b = m_index(w, e[i].dst);
						if (!w->node[a].alive || !w->node[b].alive)
							mrc = RG_ENOENT;
					}
					for (size_t i = 0; i < nb && !mrc; i++)
						m_add_edge(w, e[i].src, e[i].dst, e[i].type, e[i].prop);
					bulks += nb >= 65536;
					free(e);
				} else if (op < 85) {
					uint64_t a = pick_alive(w, &s), b;
					size_t ka = m_index(w, a);
					/* mostly an existing edge, sometimes none */
					if (w->node[ka].n[RG_OUT] && rnd(&s) % 4)
						b = w->node[ka].adj[RG_OUT][rnd(&s) % w->node[ka].n[RG_OUT]].nbr;
					else
						b = pick_alive(w, &s);
					uint32_t type = rnd(&s) % 2 ? RG_TYPE_ANY : (uint32_t)(rnd(&s) % 3);
					rc = rg_txn_del_edge(t, a, b, type);
					mrc = m_del_edge(w, a, b, type);
				} else {
					uint64_t id = rnd(&s) % 3 ? pick_alive(w, &s) : ids[rnd(&s) % nids];
					rc = rg_txn_del_node(t, id);
					mrc = m_del_node(w, id);
				}
				cr_assert_eq(rc, mrc, "txn %d op %d (kind %d): rc %d, model %d", txn, k, op, rc, mrc);
			}
			if (rnd(&s) % 8 == 0) {
				cr_assert_eq(rg_txn_abort(t), 0);
				aborts++;
				m_free(w);
			} else {
				uint64_t v = 0;
				cr_assert_eq(rg_txn_commit(t, &v), 0);
				m_free(m);
				m = w;
				if (v > R->committed)
					publish_model(R, m, v);
			}
		}
		if (kind == 0) {
			rg_stats_t st;
			rg_stats_get(R->g, &st);
			if (st.version > R->committed)
				publish_model(R, m, st.version);
		}
		rg_reader_quiescent(R->g); /* rcu-qsbr: the writer is a registered reader too */
		if (txn % 50 == 25 && nviews < 8) {
			int rc;
			do
				rc = rg_csr_snapshot(R->g, &views[nviews]);
			while (rc == RG_ERETRY);
			cr_assert_eq(rc, 0);
			view_v[nviews] = rg_csr_version(views[nviews]);
			nviews++;
		}
	}
	pthread_mutex_lock(&R->mu);
	R->stop = 1;
	pthread_cond_broadcast(&R->cv);
	pthread_mutex_unlock(&R->mu);
	for (int i = 0; i < NREADERS; i++)
		pthread_join(th[i], NULL);

	/* frozen views, long after they were taken */
	struct cmp vc = {0};
	for (int i = 0; i < nviews; i++) {
		compare(rg_csr_read(views[i]), R->by_version[view_v[i]], &vc);
		rg_csr_free(views[i]);
	}
	/* the final state, in a fresh section */
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(R->g, &r), 0);
	struct cmp fc = {0};
	compare(r, R->by_version[rg_read_version(r)], &fc);
	rg_read_end(r);
	cr_assert_eq(rg_reader_unregister(R->g), 0);

	uint64_t checks = 0, held = 0, sections = 0, retries = 0;
	for (int i = 0; i < NREADERS; i++) {
		cr_assert_eq(R->err[i], 0, "reader %d failed to start or read", i);
		cr_assert_eq(R->cmp[i].bad, 0, "%s reader %d: %llu mismatches, first: %s", pol, i,
			     (unsigned long long)R->cmp[i].bad, R->cmp[i].first);
		checks += R->cmp[i].checks;
		held += R->held[i];
		sections += R->sections[i];
		retries += R->retries[i];
	}
	cr_assert_eq(vc.bad, 0, "%s frozen views: %s", pol, vc.first);
	cr_assert_eq(fc.bad, 0, "%s final state: %s", pol, fc.first);
	cr_assert_gt(checks, 0);
	cr_assert_gt(vc.checks, 0);
	if (wait_across)
		cr_assert_gt(held, 0, "some sections stayed open across later commits");
	rg_stats_t st;
	rg_stats_get(R->g, &st);
	if (sparse)
		cr_assert_eq(st.dense, 0, "the run switched to sparse ids");
	fprintf(stderr,
		"diff[%s%s]: %d txns (%llu ops, %llu aborts, %llu packs, %llu bulk batches), v%llu; "
		"%llu sections (%llu across commits, %llu retried), %llu reader checks, %llu view checks\n",
		pol, sparse ? ",sparse" : "", ntxn, (unsigned long long)ops, (unsigned long long)aborts,
		(unsigned long long)packs, (unsigned long long)bulks, (unsigned long long)st.version,
		(unsigned long long)sections, (unsigned long long)held, (unsigned long long)retries,
		(unsigned long long)checks, (unsigned long long)vc.checks);
	rg_close(R->g);
	for (int v = 0; v < MAXV; v++)
		m_free(R->by_version[v]);
	m_free(m);
	pthread_mutex_destroy(&R->mu);
	pthread_cond_destroy(&R->cv);
	free(R);
}

Test(diff, rcu_memb_dense, .timeout = 600) { run_policy("rcu-memb", 1, 0, 1, 300); }
Test(diff, rcu_memb_sparse, .timeout = 600) { run_policy("rcu-memb", 1, 1, 2, 300); }
Test(diff, rcu_qsbr, .timeout = 600) { run_policy("rcu-qsbr", 1, 1, 3, 200); }
Test(diff, ck_epoch, .timeout = 600) { run_policy("ck-epoch", 1, 1, 4, 200); }
/* ck-seqlock: a section held across a commit is void (RG_ERETRY), so its
 * sections check at once too */
Test(diff, ck_seqlock, .timeout = 600) { run_policy("ck-seqlock", 0, 0, 5, 200); }
/* lock policies: a reader holding its lock across commits would block the
 * writer's publication, so their sections check at once */
Test(diff, rwlock, .timeout = 600) { run_policy("rwlock", 0, 1, 6, 200); }
Test(diff, lru_rwlock, .timeout = 600) { run_policy("lru-rwlock", 0, 1, 7, 200); }
