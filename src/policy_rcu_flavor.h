/*
 * policy_rcu_flavor.h - one liburcu flavour as an rcugraph policy.
 *
 * Included once per flavour by policy_rcu.c with RG_FL (the liburcu prefix,
 * e.g. urcu_memb) and RG_FL_NAME (the policy name) defined: the way
 * liburcu builds one source into several flavours. The data path is the
 * same for every policy (graph.c); this file supplies only the read-side
 * markers, registration, and reclamation through call_rcu.
 *
 * Only flavour-prefixed liburcu names are used (FL(x) = <prefix>_x). One
 * flavour per translation unit (see policy_rcu.c for why).
 *
 * rcu-qsbr: read_lock/unlock compile to nothing; a registered thread is
 * "online" and grace periods wait until every online thread has passed a
 * quiescent state (rg_reader_quiescent -> urcu_qsbr_quiescent_state) or
 * gone offline. Threads that wait for a grace period themselves (barrier)
 * go offline around the wait.
 */
#define RG_CAT_(a, b) a##_##b
#define RG_CAT(a, b) RG_CAT_(a, b)
#define FL(fn) RG_CAT(RG_FL, fn)
#define LOCAL(fn) RG_CAT(RG_CAT(pol, RG_FL), fn)

/* Per-thread registration count for this flavour (registration is per
 * thread, not per graph, in liburcu). */
static __thread unsigned LOCAL(reg_count);

/* fork(): liburcu's call_rcu worker thread is not copied into a child, so
 * a child that waits for a grace period's callbacks (rcu_barrier in
 * rg_close) would wait forever. liburcu's own hooks pause the worker
 * before fork and recreate it in the child; they are registered once per
 * process and flavour, the first time a graph uses the flavour (tests:
 * test_policies.c "fork"). */
static void LOCAL(fork_prepare)(void)
{
	FL(call_rcu_before_fork)();
	RG_FORK_PREPARE_EXTRA
}
static void LOCAL(fork_parent)(void)
{
	RG_FORK_PARENT_EXTRA
	FL(call_rcu_after_fork_parent)();
}
static void LOCAL(fork_child)(void)
{
	RG_FORK_CHILD_EXTRA
	FL(call_rcu_after_fork_child)();
}
static pthread_once_t LOCAL(fork_once) = PTHREAD_ONCE_INIT;
static void LOCAL(fork_install)(void)
{
	(void)pthread_atfork(LOCAL(fork_prepare), LOCAL(fork_parent), LOCAL(fork_child));
}

static int LOCAL(init)(rg_graph_t *g)
{
	(void)g;
	pthread_once(&LOCAL(fork_once), LOCAL(fork_install));
	return 0;
}
static void LOCAL(fini)(rg_graph_t *g) { (void)g; }

static int LOCAL(reg)(rg_graph_t *g)
{
	(void)g;
	if (LOCAL(reg_count)++ == 0)
		FL(register_thread)();
	return 0;
}

static int LOCAL(unreg)(rg_graph_t *g)
{
	(void)g;
	if (LOCAL(reg_count) == 0)
		return RG_ESTATE;
	if (--LOCAL(reg_count) == 0)
		FL(unregister_thread)();
	return 0;
}

static void LOCAL(quiescent)(rg_graph_t *g)
{
	(void)g;
	if (LOCAL(reg_count)) /* only a registered thread has a reader record */
		FL(quiescent_state)(); /* a no-op except for qsbr */
}

static int LOCAL(read_begin)(rg_graph_t *g, struct rg_read *rd)
{
	if (__builtin_expect(LOCAL(reg_count) == 0, 0))
		return RG_ESTATE;
	FL(read_lock)();
	rg__snap_load_into(g, rd);
	return 0;
}

static int LOCAL(read_end)(rg_graph_t *g, struct rg_read *rd)
{
	(void)g;
	(void)rd;
	FL(read_unlock)();
	return 0;
}

static void LOCAL(publish_nop)(rg_graph_t *g) { (void)g; }

/* A registered thread about to block (waiting for the writer mutex) goes
 * offline so that it does not stall grace periods (matters for qsbr only;
 * a no-op for the other flavours). */
static void LOCAL(offline)(rg_graph_t *g)
{
	(void)g;
	if (LOCAL(reg_count))
		FL(thread_offline)();
}

static void LOCAL(online)(rg_graph_t *g)
{
	(void)g;
	if (LOCAL(reg_count))
		FL(thread_online)();
}

static void LOCAL(reclaim_cb)(struct rcu_head *head)
{
	rg__garbage_free((struct rg__garbage *)(void *)head);
}

/* call_rcu and rcu_barrier want a registered (and, for qsbr, online)
 * caller; a writer thread that never registered is registered around the
 * call. */
static void LOCAL(retire)(rg_graph_t *g, struct rg__garbage *gb)
{
	RG_ASSERT_PUB(g);
	_Static_assert(sizeof(struct rcu_head) <= sizeof gb->reclaim_hook, "rcu_head fits");
	int tmp = LOCAL(reg_count) == 0;
	if (tmp)
		FL(register_thread)();
	FL(call_rcu)((struct rcu_head *)(void *)gb->reclaim_hook, LOCAL(reclaim_cb));
	if (tmp)
		FL(unregister_thread)();
	rg__metrics_add(g->rd.metrics, RG_C_GRACE_PERIODS, 1);
}

static void LOCAL(barrier)(rg_graph_t *g)
{
	RG_ASSERT_PUB(g);
	int tmp = LOCAL(reg_count) == 0;
	if (tmp)
		FL(register_thread)();
	else
		FL(thread_offline)(); /* qsbr: an online waiter would block its own grace period */
	FL(barrier)();
	if (tmp)
		FL(unregister_thread)();
	else
		FL(thread_online)();
}

const struct rg_policy RG_CAT(rg__policy, RG_FL) = {
	.name = RG_FL_NAME,
	.kind = RG_FL_KIND,
	.init = LOCAL(init),
	.fini = LOCAL(fini),
	.reg = LOCAL(reg),
	.unreg = LOCAL(unreg),
	.quiescent = LOCAL(quiescent),
	.offline = LOCAL(offline),
	.online = LOCAL(online),
	.read_begin = LOCAL(read_begin),
	.read_end = LOCAL(read_end),
	.publish_begin = LOCAL(publish_nop),
	.publish_end = LOCAL(publish_nop),
	.retire = LOCAL(retire),
	.barrier = LOCAL(barrier),
};

#undef FL
#undef LOCAL
#undef RG_FL
#undef RG_FL_NAME
#undef RG_FL_KIND
#undef RG_FORK_PREPARE_EXTRA
#undef RG_FORK_PARENT_EXTRA
#undef RG_FORK_CHILD_EXTRA
