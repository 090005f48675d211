/*
 * test_crash.c - SIGKILL crash test of a durable graph (durability COMMIT).
 *
 * Each cycle forks a child that opens the graph directory, commits
 * transactions whose content is a pure function of their version, and
 * reports every acknowledged commit (rg_txn_commit returned 0) through a
 * pipe. The parent kills it with SIGKILL at a random moment, reopens the
 * directory and checks that
 *   - every acknowledged version is present (recovered version >= last ack),
 *   - the graph equals a model built by replaying versions 1..recovered
 *     (a prefix of the committed history: nothing half applied, no gap).
 * Small automatic checkpoints make kills land during checkpoints too.
 * RG_CRASH_CYCLES overrides the number of cycles (default 60).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

/* ------------------------------------------------------------------ */
/* The history: transaction v                                          */
/* ------------------------------------------------------------------ */

/* Model of the graph after versions 1..n. */
struct medge {
	uint64_t dst, prop;
	uint32_t type;
};
struct mnode {
	int alive;
	uint32_t label;
	struct medge *out;
	size_t nout, cap;
};
struct model {
	struct mnode *n; /* indexed by id, ids 1..v */
	uint64_t v, cap;
};

static struct mnode *mget(struct model *m, uint64_t id)
{
	return id >= 1 && id <= m->v ? &m->n[id] : NULL;
}

static void m_add_edge(struct model *m, uint64_t s, uint64_t d, uint32_t t, uint64_t p)
{
	struct mnode *a = mget(m, s), *b = mget(m, d);
	if (!a || !b || !a->alive || !b->alive)
		return;
	if (a->nout == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 4;
		a->out = realloc(a->out, a->cap * sizeof *a->out);
	}
	a->out[a->nout++] = (struct medge){d, p, t};
}

static void m_del_edges(struct model *m, uint64_t s, uint64_t d)
{
	struct mnode *a = mget(m, s);
	if (!a)
		return;
	size_t k = 0;
	for (size_t i = 0; i < a->nout; i++)
		if (a->out[i].dst != d)
			a->out[k++] = a->out[i];
	a->nout = k;
}

/* Which ops transaction v performs: the child issues them through the
 * public API (ignoring RG_ENOENT exactly where the model skips). */
static void m_apply(struct model *m, uint64_t v)
{
	if (v >= m->cap) {
		m->cap = m->cap ? m->cap * 2 : 1024;
		while (m->cap <= v)
			m->cap *= 2;
		m->n = realloc(m->n, m->cap * sizeof *m->n);
	}
	m->v = v;
	m->n[v] = (struct mnode){.alive = 1, .label = (uint32_t)(v % 7)};
	if (v > 1) {
		m_add_edge(m, v, v - 1, (uint32_t)(v % 3), v);
		m_add_edge(m, v, v / 2, 1, v * 2);
	}
	if (v % 5 == 0 && v > 3)
		m_del_edges(m, v - 1, v - 2);
	if (v % 7 == 0 && v > 10) {
		uint64_t x = v - 10;
		struct mnode *n = mget(m, x);
		if (n->alive) {
			n->alive = 0;
			n->nout = 0;
			/* edges into x come from x+1 (v -> v-1) and 2x, 2x+1 (v -> v/2) */
			m_del_edges(m, x + 1, x);
			m_del_edges(m, 2 * x, x);
			m_del_edges(m, 2 * x + 1, x);
		}
	}
}

static void m_free(struct model *m)
{
	for (uint64_t i = 1; i <= m->v; i++)
		free(m->n[i].out);
	free(m->n);
}

/* The same transaction through the API. Returns 0 or the failing code. */
static int commit_v(rg_graph_t *g, uint64_t v, uint64_t *got)
{
	rg_txn_t *t;
	int rc = rg_txn_begin(g, &t);
	if (rc)
		return rc;
	rc = rg_txn_add_node(t, v, (uint32_t)(v % 7));
	if (!rc && v > 1) {
		int r1 = rg_txn_add_edge(t, v, v - 1, (uint32_t)(v % 3), v);
		int r2 = rg_txn_add_edge(t, v, v / 2, 1, v * 2);
		if ((r1 && r1 != RG_ENOENT) || (r2 && r2 != RG_ENOENT))
			rc = r1 ? r1 : r2;
	}
	if (!rc && v % 5 == 0 && v > 3) {
		int r = rg_txn_del_edge(t, v - 1, v - 2, RG_TYPE_ANY);
		if (r && r != RG_ENOENT)
			rc = r;
	}
	if (!rc && v % 7 == 0 && v > 10) {
		int r = rg_txn_del_node(t, v - 10);
		if (r && r != RG_ENOENT)
			rc = r;
	}
	if (rc) {
		rg_txn_abort(t);
		return rc;
	}
	return rg_txn_commit(t, got);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

static void opts_for(rg_options_t *o, const char *dir)
{
	rg_options_init(o);
	o->dir = dir;
	o->durability = RG_DURABILITY_COMMIT;
	o->checkpoint_bytes = 48 << 10; /* frequent automatic checkpoints */
}

static int cmp_edge(const void *a, const void *b)
{
	const struct medge *x = a, *y = b;
	if (x->dst != y->dst)
		return x->dst < y->dst ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->prop < y->prop ? -1 : x->prop > y->prop;
}

/* Compares the graph with the model; returns a message or NULL. */
static const char *compare(rg_graph_t *g, struct model *m, char *msg, size_t len)
{
	rg_reader_register(g);
	rg_read_t *r;
	const char *res = NULL;
	if (rg_read_begin(g, &r)) {
		rg_reader_unregister(g);
		return "read_begin failed";
	}
	uint64_t nodes = 0, edges = 0;
	struct medge *buf = NULL;
	size_t cap = 0;
	for (uint64_t id = 1; id <= m->v && !res; id++) {
		struct mnode *n = &m->n[id];
		if (rg_node_exists(r, id) != (n->alive != 0)) {
			snprintf(msg, len, "node %llu exists=%d, model %d", (unsigned long long)id,
				 rg_node_exists(r, id), n->alive);
			res = msg;
			break;
		}
		if (!n->alive)
			continue;
		nodes++;
		uint32_t label;
		rg_node_label(r, id, &label);
		if (label != n->label) {
			snprintf(msg, len, "node %llu label %u, model %u", (unsigned long long)id, label, n->label);
			res = msg;
			break;
		}
		rg_iter_t it;
		rg_neighbors(r, id, RG_OUT, RG_TYPE_ANY, &it);
		size_t k = 0;
		const rg_edge_t *e;
		while ((e = rg_iter_next(&it))) {
			if (k == cap) {
				cap = cap ? cap * 2 : 16;
				buf = realloc(buf, cap * sizeof *buf);
			}
			buf[k++] = (struct medge){e->nbr, e->prop, e->type};
		}
		edges += k;
		if (k != n->nout) {
			snprintf(msg, len, "node %llu: %zu out-edges, model %zu", (unsigned long long)id, k, n->nout);
			res = msg;
			break;
		}
		if (k) { /* qsort(NULL, 0) is undefined behaviour (UBSan) */
			qsort(buf, k, sizeof *buf, cmp_edge);
			qsort(n->out, k, sizeof *buf, cmp_edge);
		}
		for (size_t i = 0; i < k; i++)
			if (cmp_edge(&buf[i], &n->out[i])) {
				snprintf(msg, len, "node %llu: out-edge %zu differs", (unsigned long long)id, i);
				res = msg;
				break;
			}
	}
	if (!res && (rg_node_count(r) != nodes || rg_edge_count(r) != edges)) {
		snprintf(msg, len, "counts %llu/%llu, model %llu/%llu", (unsigned long long)rg_node_count(r),
			 (unsigned long long)rg_edge_count(r), (unsigned long long)nodes, (unsigned long long)edges);
		res = msg;
	}
	free(buf);
	rg_read_end(r);
	rg_reader_unregister(g);
	return res;
}

/* The child: commit until killed, acknowledging each version. */
static void child_main(const char *dir, int wfd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	rg_options_t o;
	opts_for(&o, dir);
	rg_graph_t *g;
	if (rg_open(&g, &o))
		_exit(3);
	rg_stats_t st;
	rg_stats_get(g, &st);
	uint64_t v = st.version;
	double t0 = rg_now();
	while (rg_now() - t0 < 10) {
		uint64_t got = 0;
		int rc = commit_v(g, ++v, &got);
		if (rc || got != v)
			_exit(4);
		if (write(wfd, &v, sizeof v) != sizeof v) /* acknowledged: on disk */
			_exit(5);
	}
	_exit(6); /* never reached in practice: the parent kills us first */
}

Test(crash, sigkill_during_commits_loses_no_acknowledged_txn, .timeout = 300)
{
	char dir[] = "/tmp/rgcrash-XXXXXX";
	cr_assert(mkdtemp(dir));
	int cycles = 60;
	const char *e = getenv("RG_CRASH_CYCLES");
	if (e && atoi(e) > 0)
		cycles = atoi(e);
	uint64_t seed = (uint64_t)time(NULL) * 2654435761u | 1;
	cr_log_info("crash test seed %llu", (unsigned long long)seed);
	struct model m = {0};
	uint64_t acked_total = 0, max_cut = 0;
	for (int c = 0; c < cycles; c++) {
		int p[2];
		cr_assert_eq(pipe(p), 0);
		pid_t pid = fork();
		cr_assert(pid >= 0);
		if (pid == 0) {
			close(p[0]);
			child_main(dir, p[1]);
		}
		close(p[1]);
		/* kill at a random moment: 0..40 ms after the first ack, sometimes
		 * before the child even finished recovery */
		uint64_t v = 0, last_ack = 0;
		int delay_us = (int)(rg_rand(&seed) % 40000);
		if (c % 10 != 3) { /* usually wait for the first ack */
			if (read(p[0], &v, sizeof v) == sizeof v)
				last_ack = v;
		}
		usleep((useconds_t)delay_us);
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			  "cycle %d: child exited by itself (status %d): it failed to open or commit", c, status);
		/* drain every ack the child wrote before it died */
		ssize_t n;
		while ((n = read(p[0], &v, sizeof v)) == sizeof v)
			last_ack = v;
		close(p[0]);

		rg_options_t o;
		opts_for(&o, dir);
		rg_graph_t *g;
		int rc = rg_open(&g, &o);
		cr_assert_eq(rc, 0, "cycle %d: reopen failed: %s", c, rg_strerror(rc));
		rg_recovery_t rep;
		cr_assert_eq(rg_recovery_report(g, &rep), 0);
		cr_assert_geq(rep.version, last_ack,
			      "cycle %d: acknowledged version %llu lost (recovered %llu)", c,
			      (unsigned long long)last_ack, (unsigned long long)rep.version);
		cr_assert_geq(rep.version, m.v, "cycle %d: recovered version went backwards", c);
		if (rep.bytes_cut > max_cut)
			max_cut = rep.bytes_cut;
		while (m.v < rep.version)
			m_apply(&m, m.v + 1);
		char msg[256];
		const char *bad = compare(g, &m, msg, sizeof msg);
		cr_assert(!bad, "cycle %d (version %llu): state is not a replay of a prefix: %s", c,
			  (unsigned long long)rep.version, bad);
		acked_total = last_ack;
		rg_close(g);
	}
	cr_log_info("%d cycles, %llu versions, max torn tail cut %llu bytes", cycles,
		    (unsigned long long)m.v, (unsigned long long)max_cut);
	cr_assert_gt(acked_total, 0, "the children acknowledged commits");
	m_free(&m);
	rg_test_rm_rf(dir);
}
