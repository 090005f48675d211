/*
 * placement.c - where the threads of a measurement run.
 *
 *  - The CPUs the process may use are its affinity mask at start (taskset
 *    and cgroups respected). Worker i is pinned to the ((i + round) mod n)-th
 *    of them (--pin 1, the default): the workers of a run are on distinct
 *    CPUs as long as there are no more workers than CPUs (a run with more
 *    is oversubscribed: pinned round-robin, never ranked), and the
 *    assignment rotates from round to round, so a CPU that another
 *    process keeps busy does not always hold the 1-thread runs (which
 *    would inflate every speedup; see cpu_share in runner.c).
 *  - liburcu's reclamation runs in one call_rcu worker thread per flavour,
 *    created lazily by the first call_rcu(). A thread created by a pinned
 *    worker would inherit that worker's single-CPU mask and share its CPU
 *    for the whole process. rgb_placement_init() therefore creates every
 *    flavour's default call_rcu worker from the (never pinned) main thread
 *    first, and rgb_callrcu_cpus() reports where each may run
 *    (pthread_getaffinity_np), for the CSV's callrcu_cpus column.
 *
 * The flavour functions are declared here rather than through
 * <urcu/urcu-*.h>: those headers cannot all be included in one translation
 * unit (see src/policy_rcu.c).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include "rgbench.h"

struct call_rcu_data;
extern struct call_rcu_data *urcu_memb_get_default_call_rcu_data(void);
extern pthread_t urcu_memb_get_call_rcu_thread(struct call_rcu_data *crdp);
extern struct call_rcu_data *urcu_qsbr_get_default_call_rcu_data(void);
extern pthread_t urcu_qsbr_get_call_rcu_thread(struct call_rcu_data *crdp);
extern struct call_rcu_data *urcu_bp_get_default_call_rcu_data(void);
extern pthread_t urcu_bp_get_call_rcu_thread(struct call_rcu_data *crdp);
extern struct call_rcu_data *urcu_mb_get_default_call_rcu_data(void);
extern pthread_t urcu_mb_get_call_rcu_thread(struct call_rcu_data *crdp);

static int cpus[CPU_SETSIZE];
static int ncpus;
static cpu_set_t process_mask; /* the affinity mask at start (rgb_unpin restores it) */
static int have_mask;
static int rotation; /* the study's round: worker i gets cpus[(i + rotation) % ncpus] */

enum { FL_MEMB, FL_QSBR, FL_BP, FL_MB, FL_N };
static const char *const fl_policy[FL_N] = {"rcu-memb", "rcu-qsbr", "rcu-bp", "rcu-mb"};
static char fl_cpus[FL_N][32];

/* "0-1;4" from a CPU set. */
static void set_str(char *buf, size_t cap, const cpu_set_t *set)
{
	size_t len = 0;
	buf[0] = 0;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, set))
			continue;
		int e = c;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, set))
			e++;
		int n = e > c ? snprintf(buf + len, cap - len, "%s%d-%d", len ? ";" : "", c, e)
			      : snprintf(buf + len, cap - len, "%s%d", len ? ";" : "", c);
		if (n < 0 || (size_t)n >= cap - len)
			break;
		len += (size_t)n;
		c = e;
	}
	if (!buf[0])
		snprintf(buf, cap, "unknown");
}

static void thread_cpus(char *buf, size_t cap, pthread_t th)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	int rc = pthread_getaffinity_np(th, sizeof set, &set);
	if (rc)
		snprintf(buf, cap, "unknown");
	else
		set_str(buf, cap, &set);
}

void rgb_placement_init(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	ncpus = 0;
	if (sched_getaffinity(0, sizeof set, &set) == 0) {
		process_mask = set;
		have_mask = 1;
	}
	if (have_mask)
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				cpus[ncpus++] = c;
	if (ncpus == 0) { /* no mask: every online CPU */
		long n = bu_nproc();
		for (int c = 0; c < n && c < CPU_SETSIZE; c++)
			cpus[ncpus++] = c;
	}
	if (ncpus == 0)
		cpus[ncpus++] = 0;
	/* created here, by the unpinned main thread (see the file comment) */
	thread_cpus(fl_cpus[FL_MEMB], sizeof fl_cpus[0],
		    urcu_memb_get_call_rcu_thread(urcu_memb_get_default_call_rcu_data()));
	thread_cpus(fl_cpus[FL_QSBR], sizeof fl_cpus[0],
		    urcu_qsbr_get_call_rcu_thread(urcu_qsbr_get_default_call_rcu_data()));
	thread_cpus(fl_cpus[FL_BP], sizeof fl_cpus[0],
		    urcu_bp_get_call_rcu_thread(urcu_bp_get_default_call_rcu_data()));
	thread_cpus(fl_cpus[FL_MB], sizeof fl_cpus[0],
		    urcu_mb_get_call_rcu_thread(urcu_mb_get_default_call_rcu_data()));
}

int rgb_ncpus(void)
{
	return ncpus > 0 ? ncpus : 1;
}

void rgb_placement_round(int round)
{
	rotation = round >= 0 ? round : 0;
}

int rgb_cpu_of(int i)
{
	if (!rgb_o.pin || ncpus == 0)
		return -1;
	return cpus[(i + rotation) % ncpus];
}

void rgb_pin(int i)
{
	int c = rgb_cpu_of(i);
	if (c < 0)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(c, &set);
	int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
	if (rc)
		fprintf(stderr, "rgbench: cannot pin worker %d to CPU %d: %s\n", i, c, strerror(rc));
}

void rgb_unpin(void)
{
	if (!rgb_o.pin || !have_mask)
		return;
	int rc = pthread_setaffinity_np(pthread_self(), sizeof process_mask, &process_mask);
	if (rc)
		fprintf(stderr, "rgbench: cannot restore the affinity mask: %s\n", strerror(rc));
}

void rgb_cpus_str(char *buf, size_t cap, int nthreads)
{
	if (!rgb_o.pin) {
		snprintf(buf, cap, "none");
		return;
	}
	size_t len = 0;
	buf[0] = 0;
	for (int i = 0; i < nthreads; i++) {
		int n = snprintf(buf + len, cap - len, "%s%d", i ? ";" : "", rgb_cpu_of(i));
		if (n < 0 || (size_t)n >= cap - len) {
			/* keep what fits, mark the cut */
			if (cap > 4)
				snprintf(buf + cap - 4, 4, "...");
			return;
		}
		len += (size_t)n;
	}
}

const char *rgb_callrcu_cpus(const char *policy)
{
	for (int f = 0; f < FL_N; f++)
		if (policy && !strcmp(policy, fl_policy[f]))
			return fl_cpus[f][0] ? fl_cpus[f] : "unknown";
	return "none";
}
