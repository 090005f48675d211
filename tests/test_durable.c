/*
 * test_durable.c - durability beyond the log format (test_wal.c) and crash
 * recovery (test_crash.c): checkpoints under a steady writer with every
 * policy, automatic checkpoints on their own thread (failures counted and
 * retried), and fork() after the library was used.
 *
 * Workers record; assertions run after pthread_join (or waitpid).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rcugraph/load.h>
#include <rcugraph/metrics.h>
#include <rcugraph/rcugraph.h>

#include "testutil.h"
#include "io.h" /* rg__io_inject_fault */

static char *tmpdir(void)
{
	static char dir[64];
	snprintf(dir, sizeof dir, "/tmp/rg_durable_XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	return dir;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------------ */
/* Checkpoints under a steady writer, every policy                    */
/* ------------------------------------------------------------------ */

struct steady {
	rg_graph_t *g;
	atomic_int stop;
	uint64_t commits;
	int rc;
	uint64_t nodes;
};

static void *one_edge_writer(void *arg)
{
	struct steady *s = arg;
	uint64_t seed = 3;
	while (!atomic_load(&s->stop)) {
		rg_txn_t *t;
		if ((s->rc = rg_txn_begin(s->g, &t)))
			break;
		uint64_t a = rg_rand(&seed) % s->nodes, b = rg_rand(&seed) % s->nodes;
		if ((s->rc = rg_txn_add_edge(t, a, b, 0, s->commits))) {
			rg_txn_abort(t);
			break;
		}
		if ((s->rc = rg_txn_commit(t, NULL)))
			break;
		s->commits++;
	}
	return NULL;
}

static void checkpoint_under_writer(const char *pol, uint64_t nodes, uint64_t edges)
{
	char *dir = tmpdir();
	rg_options_t o;
	rg_options_init(&o);
	o.sync = pol;
	o.dir = dir;
	o.durability = RG_DURABILITY_OFF; /* a fast writer: one commit per edge */
	o.checkpoint_bytes = 0;           /* only the explicit checkpoints below */
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, &o), 0);
	rg_edgelist_t el = {0};
	char spec[128], err[256];
	snprintf(spec, sizeof spec, "uniform:n=%llu,deg=%g,seed=5", (unsigned long long)nodes,
		 (double)edges / (double)nodes);
	cr_assert_eq(rg_gen_from_spec(spec, &el, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rg_edgelist_insert(g, &el, 0, 0, NULL), 0);
	rg_edgelist_free(&el);
	struct steady s = {.g = g, .nodes = nodes};
	pthread_t w;
	pthread_create(&w, NULL, one_edge_writer, &s);
	sleep_ms(50);
	uint64_t last = 0;
	int rcs[3];
	rg_checkpoint_info_t info[3];
	for (int k = 0; k < 3; k++) {
		rcs[k] = rg_checkpoint(g, &info[k]);
		sleep_ms(20);
	}
	atomic_store(&s.stop, 1);
	pthread_join(w, NULL);
	cr_assert_eq(s.rc, 0, "%s writer: %s", pol, rg_strerror(s.rc));
	for (int k = 0; k < 3; k++) {
		cr_assert_eq(rcs[k], 0, "%s: checkpoint %d: %s", pol, k, rg_strerror(rcs[k]));
		cr_assert_geq(info[k].version, last);
		cr_assert_geq(info[k].edges, edges);
		last = info[k].version;
	}
	cr_assert_gt(s.commits, 0, "%s: the writer committed during the checkpoints", pol);
	rg_stats_t st;
	rg_stats_get(g, &st);
	uint64_t want = st.edges;
	rg_close(g);
	/* the directory reopens to the last commit */
	cr_assert_eq(rg_open(&g, &o), 0);
	rg_stats_get(g, &st);
	cr_assert_eq(st.edges, want);
	rg_close(g);
	cr_assert_eq(rg_test_rm_rf(dir), 0);
}

/* The case that used to fail: ck-seqlock's optimistic sections were
 * invalidated by every commit, and the checkpoint gave up after 16
 * attempts (RG_ERETRY). A checkpoint now reads one version, never retried. */
Test(durable, ck_seqlock_checkpoints_under_a_steady_writer, .timeout = 300)
{
	checkpoint_under_writer("ck-seqlock", 20000, 200000);
}

/* Criterion copies parameters by value: names, not pointers */
struct polp {
	char name[24];
};

ParameterizedTestParameters(durable, checkpoints_under_a_writer_every_policy)
{
	static struct polp p[32];
	size_t k = 0;
	for (const char *const *s = rg_policy_names(); *s && k < 32; s++)
		if (strcmp(*s, "nosync") && strcmp(*s, "ck-seqlock")) /* their own tests */
			snprintf(p[k++].name, sizeof p[0].name, "%s", *s);
	return cr_make_param_array(struct polp, p, k);
}

ParameterizedTest(struct polp *p, durable, checkpoints_under_a_writer_every_policy, .timeout = 300)
{
	checkpoint_under_writer(p->name, 2000, 20000);
}

/* nosync: no writer may run once the graph is shared, and the checkpoint
 * reads under the writer mutex without registering (it must not freeze the
 * graph for writing). */
Test(durable, nosync_checkpoint_does_not_freeze_the_graph)
{
	char *dir = tmpdir();
	rg_options_t o;
	rg_options_init(&o);
	o.sync = "nosync";
	o.dir = dir;
	o.checkpoint_bytes = 0;
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, &o), 0);
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, 1, 0), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	cr_assert_eq(rg_checkpoint(g, NULL), 0);
	cr_assert_eq(rg_txn_begin(g, &t), 0, "still writable after a checkpoint");
	cr_assert_eq(rg_txn_add_node(t, 2, 0), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	rg_close(g);
	cr_assert_eq(rg_test_rm_rf(dir), 0);
}

/* ------------------------------------------------------------------ */
/* Automatic checkpoints: their own thread, failures counted, retried  */
/* ------------------------------------------------------------------ */

static void commit_some(rg_graph_t *g, uint64_t from, uint64_t n)
{
	for (uint64_t i = from; i < from + n; i++) {
		rg_txn_t *t;
		cr_assert_eq(rg_txn_begin(g, &t), 0);
		cr_assert_eq(rg_txn_add_node(t, i, 1), 0);
		cr_assert_eq(rg_txn_commit(t, NULL), 0);
	}
}

Test(durable, automatic_checkpoint_failures_are_counted_and_retried, .timeout = 60)
{
	char *dir = tmpdir();
	rg_options_t o;
	rg_options_init(&o);
	o.dir = dir;
	o.durability = RG_DURABILITY_OFF;
	o.checkpoint_bytes = 4096;
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, &o), 0);
	rg__io_inject_fault(RG_FAULT_CKPT_EIO, 2); /* the next two checkpoints fail */
	commit_some(g, 0, 400);                  /* > 4 KiB of log */
	rg_stats_t st;
	double end = rg_now() + 20;
	do {
		sleep_ms(20);
		rg_stats_get(g, &st);
	} while ((st.checkpoints == 0 || st.checkpoint_failures < 2) && rg_now() < end);
	rg__io_inject_fault(RG_FAULT_NONE, 0);
	cr_assert_eq(st.checkpoint_failures, 2, "each failure is counted");
	cr_assert_eq(st.checkpoint_last_error, RG_EIO);
	cr_assert_geq(st.checkpoints, 1, "the failed checkpoint is retried until it succeeds");
	rg_metrics_t *m = rg_graph_metrics(g);
	if (m)
		cr_assert_eq(rg_metrics_counter(m, RG_C_CHECKPOINT_FAILURES), 2);
	/* every commit went through while checkpoints failed */
	cr_assert_eq(st.nodes, 400);
	rg_close(g);
	cr_assert_eq(rg_open(&g, &o), 0);
	rg_stats_get(g, &st);
	cr_assert_eq(st.nodes, 400);
	rg_close(g);
	cr_assert_eq(rg_test_rm_rf(dir), 0);
}

/* ------------------------------------------------------------------ */
/* fork() after the library was used                                  */
/* ------------------------------------------------------------------ */

/* In the child: open a new durable graph of policy pol, write, checkpoint,
 * close. Returns 0 on success. */
static int child_uses_library(const char *pol, const char *dir)
{
	rg_options_t o;
	rg_options_init(&o);
	o.sync = pol;
	o.dir = dir;
	rg_graph_t *g;
	if (rg_open(&g, &o))
		return 10;
	for (uint64_t i = 0; i < 50; i++) {
		rg_txn_t *t;
		if (rg_txn_begin(g, &t) || rg_txn_add_node(t, i, 0) ||
		    (i && rg_txn_add_edge(t, i - 1, i, 0, 0)) || rg_txn_commit(t, NULL))
			return 11;
	}
	if (rg_pack(g))
		return 12;
	if (rg_checkpoint(g, NULL))
		return 13;
	rg_close(g); /* waits for reclamation: the call_rcu worker must exist */
	if (rg_open(&g, &o))
		return 14;
	rg_stats_t st;
	rg_stats_get(g, &st);
	rg_close(g);
	return st.nodes == 50 && st.edges == 49 ? 0 : 15;
}

/* The parent uses every liburcu flavour (so each has a call_rcu worker),
 * then forks; the child must be able to open, write, checkpoint and close
 * graphs of each flavour: liburcu's call_rcu worker is not copied by fork,
 * and without the atfork hooks the child's rg_close hangs in rcu_barrier. */
Test(durable, fork_after_use, .timeout = 120)
{
	static const char *pols[] = {"rcu-memb", "rcu-qsbr", "rcu-bp", "rcu-mb"};
	rg_graph_t *gs[4];
	for (int p = 0; p < 4; p++) {
		rg_options_t o;
		rg_options_init(&o);
		o.sync = pols[p];
		cr_assert_eq(rg_open(&gs[p], &o), 0);
		commit_some(gs[p], 0, 20); /* retires garbage through call_rcu */
		cr_assert_eq(rg_pack(gs[p]), 0);
	}
	char *dir = tmpdir();
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		alarm(60); /* a hang becomes a SIGALRM death the parent sees */
		for (int p = 0; p < 4; p++) {
			char sub[128];
			snprintf(sub, sizeof sub, "%s/%d", dir, p);
			int rc = child_uses_library(pols[p], sub);
			if (rc)
				_exit(rc + p);
		}
		_exit(0);
	}
	int status = 0;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "the child did not exit (signal %d: a hang?)",
		  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	cr_assert_eq(WEXITSTATUS(status), 0, "child step failed: %d", WEXITSTATUS(status));
	/* the parent's graphs still work after the fork */
	for (int p = 0; p < 4; p++) {
		commit_some(gs[p], 100, 5);
		rg_close(gs[p]);
	}
	cr_assert_eq(rg_test_rm_rf(dir), 0);
}
