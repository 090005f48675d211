/* Tests of the metrics module: inline update path, histograms, export
 * formats (checked with promtool when installed), HTTP endpoint (curl). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rcugraph/metrics.h>
#include "metrics.h"
#include "testutil.h"

/* No libm in the test link: small local helpers. */
static double dabs(double x) { return x < 0 ? -x : x; }
static size_t rank_of(double q, size_t n) /* ceil(q * n), at least 1 */
{
	double r = q * (double)n;
	size_t k = (size_t)r;
	if ((double)k < r)
		k++;
	return k < 1 ? 1 : (k > n ? n : k);
}

static struct rg_metrics *new_metrics(void)
{
	if (!rg_metrics_compiled_in())
		cr_skip_test("metrics compiled out (RG_NO_METRICS)");
	struct rg_metrics *m = rg_metrics_create();
	cr_assert_not_null(m);
	return m;
}

static int have_tool(const char *name)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

Test(metrics, null_safety)
{
	/* Metrics off at run time: m == NULL, every inline call is a no-op. */
	rg__metrics_add(NULL, RG_C_COMMITS, 1);
	rg__metrics_observe(NULL, RG_H_COMMIT_SECONDS, 5);
	rg__metrics_set(NULL, RG_G_TRAVERSAL_SPEEDUP, 1.5);
	cr_assert_eq(rg__metrics_timer_start(NULL), 0);
	rg__metrics_observe_since(NULL, RG_H_COMMIT_SECONDS, 0);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(rg__metrics_read_sample_begin(NULL), 0);
	rg__metrics_read_sample_end(NULL, 0);
	rg_metrics_destroy(NULL);

	rg_metrics_snapshot_t s;
	double sec;
	rg_metrics_server_t *srv = NULL;
	cr_assert_eq(rg_metrics_read(NULL, &s), RG_EINVAL);
	cr_assert_eq(rg_metrics_counter(NULL, RG_C_COMMITS), 0);
	cr_assert_eq(rg_metrics_percentile(NULL, RG_H_COMMIT_SECONDS, 0.5, &sec), RG_EINVAL);
	cr_assert_eq(rg_metrics_write_prometheus(NULL, stdout), RG_EINVAL);
	cr_assert_eq(rg_metrics_write_report(NULL, stdout), RG_EINVAL);
	cr_assert_eq(rg_metrics_write_kv(NULL, stdout), RG_EINVAL);
	cr_assert_eq(rg_metrics_format_prometheus(NULL, NULL, 0, NULL), RG_EINVAL);
	cr_assert_neq(rg_metrics_serve(NULL, 0, &srv), 0);
	cr_assert_null(srv);
	cr_assert_eq(rg_metrics_serve(NULL, 0, NULL), RG_EINVAL);
	cr_assert_eq(rg_metrics_server_port(NULL), 0);
	rg_metrics_server_stop(NULL);
	cr_assert_null(rg_metrics_counter_name(RG_C__COUNT));
	cr_assert_null(rg_metrics_hist_name(RG_H__COUNT));
	cr_assert_null(rg_metrics_gauge_name(RG_G__COUNT));
}

Test(metrics, bad_arguments)
{
	struct rg_metrics *m = new_metrics();
	double sec = -1;
	rg_metrics_snapshot_t s;
	cr_assert_eq(rg_metrics_read(m, NULL), RG_EINVAL);
	cr_assert_eq(rg_metrics_percentile(m, RG_H__COUNT, 0.5, &sec), RG_EINVAL);
	cr_assert_eq(rg_metrics_percentile(m, RG_H_COMMIT_SECONDS, 0.0, &sec), RG_EINVAL);
	cr_assert_eq(rg_metrics_percentile(m, RG_H_COMMIT_SECONDS, 1.5, &sec), RG_EINVAL);
	cr_assert_eq(rg_metrics_percentile(m, RG_H_COMMIT_SECONDS, __builtin_nan(""), &sec), RG_EINVAL);
	cr_assert_eq(rg_metrics_percentile(m, RG_H_COMMIT_SECONDS, 0.5, NULL), RG_EINVAL);
	cr_assert_eq(rg_metrics_percentile(m, RG_H_COMMIT_SECONDS, 0.5, &sec), RG_ENOENT);
	cr_assert_eq(sec, 0.0);
	cr_assert_eq(rg_metrics_counter(m, RG_C__COUNT), 0);
	cr_assert_eq(rg_metrics_write_prometheus(m, NULL), RG_EINVAL);
	cr_assert_eq(rg_metrics_read(m, &s), 0);
	cr_assert_eq(s.hist[RG_H_COMMIT_SECONDS].count, 0);
	rg_metrics_destroy(m);
}

/* ---- counters exact after join ---- */

#define NT 4
#define NOPS 100000

struct upd {
	struct rg_metrics *m;
	int samples;
};

static void *upd_main(void *arg)
{
	struct upd *u = arg;
	for (int i = 0; i < NOPS; i++) {
		rg__metrics_add(u->m, RG_C_READ_SECTIONS, 1);
		uint64_t t0 = rg__metrics_read_sample_begin(u->m);
		if (t0)
			u->samples++;
		rg__metrics_read_sample_end(u->m, t0);
		rg__metrics_add(u->m, RG_C_READ_SECTIONS_ENDED, 1);
		rg__metrics_add(u->m, RG_C_EDGES_ADDED, 3);
		rg__metrics_add(u->m, RG_C_LOCK_WAIT_NS, 7);
	}
	return NULL;
}

Test(metrics, counters_exact_after_join)
{
	struct rg_metrics *m = new_metrics();
	pthread_t t[NT];
	struct upd u[NT];
	for (int i = 0; i < NT; i++) {
		u[i] = (struct upd){.m = m};
		cr_assert_eq(pthread_create(&t[i], NULL, upd_main, &u[i]), 0);
	}
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < NT; i++)
		cr_assert_eq(u[i].samples, NOPS / RG_METRICS_READ_SAMPLE);
	rg_metrics_snapshot_t s;
	cr_assert_eq(rg_metrics_read(m, &s), 0);
	cr_assert_eq(s.counters[RG_C_READ_SECTIONS], (uint64_t)NT * NOPS);
	cr_assert_eq(s.counters[RG_C_READ_SECTIONS_ENDED], (uint64_t)NT * NOPS);
	cr_assert_eq(s.counters[RG_C_EDGES_ADDED], (uint64_t)NT * NOPS * 3);
	cr_assert_eq(s.counters[RG_C_LOCK_WAIT_NS], (uint64_t)NT * NOPS * 7);
	cr_assert_eq(rg_metrics_counter(m, RG_C_EDGES_ADDED), (uint64_t)NT * NOPS * 3);
	cr_assert_eq(s.counters[RG_C_COMMITS], 0);
	cr_assert_eq(s.active_readers, 0);
	cr_assert_eq(s.hist[RG_H_READ_SECTION_SECONDS].count,
		     (uint64_t)NT * (NOPS / RG_METRICS_READ_SAMPLE));
	rg_metrics_destroy(m);
}

Test(metrics, read_bracket_and_lock_helper)
{
	struct rg_mthread mt = {0};
	cr_assert_eq(rg__metrics_read_enter(NULL, &mt), 0);
	rg__metrics_read_exit(NULL, &mt, 0);
	rg__metrics_lock_waited(NULL, 5);
	struct rg_metrics *m = new_metrics();
	int sampled = 0;
	for (int i = 0; i < 64 * 10; i++) {
		uint64_t t0 = rg__metrics_read_enter(m, &mt);
		sampled += t0 != 0;
		if (i == 5) {
			rg_metrics_snapshot_t s;
			cr_assert_eq(rg_metrics_read(m, &s), 0);
			cr_assert_eq(s.active_readers, 1);
		}
		rg__metrics_read_exit(m, &mt, t0);
	}
	rg__metrics_lock_waited(m, 1500);
	rg__metrics_lock_waited(m, 500);
	rg_metrics_snapshot_t s;
	cr_assert_eq(rg_metrics_read(m, &s), 0);
	cr_assert_eq(sampled, 10);
	cr_assert_eq(s.counters[RG_C_READ_SECTIONS], 640);
	cr_assert_eq(s.counters[RG_C_READ_SECTIONS_ENDED], 640);
	cr_assert_eq(s.active_readers, 0);
	cr_assert_eq(s.hist[RG_H_READ_SECTION_SECONDS].count, 10);
	cr_assert_eq(s.counters[RG_C_LOCK_ACQUISITIONS], 2);
	cr_assert_eq(s.counters[RG_C_LOCK_WAIT_NS], 2000);
	cr_assert_eq(s.hist[RG_H_LOCK_WAIT_SECONDS].count, 2);
	rg_metrics_destroy(m);
}

/* Read sections count on per-thread words (struct rg_mthread): exact after
 * join across threads, and a thread alternating between two metrics
 * objects keeps each one's count apart (its cached words follow gen). */
struct brk {
	struct rg_metrics *a, *b;
};

static void *bracket_main(void *arg)
{
	struct brk *k = arg;
	struct rg_mthread mt = {0};
	for (int i = 0; i < NOPS; i++) {
		struct rg_metrics *m = (i % 3 == 0) ? k->b : k->a;
		uint64_t t0 = rg__metrics_read_enter(m, &mt);
		rg__metrics_read_exit(m, &mt, t0);
	}
	return NULL;
}

Test(metrics, read_bracket_per_thread_words_exact)
{
	struct rg_metrics *a = new_metrics(), *b = new_metrics();
	cr_assert_neq(a->gen, b->gen);
	pthread_t t[NT];
	struct brk k = {a, b};
	for (int i = 0; i < NT; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, bracket_main, &k), 0);
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	uint64_t nb = (uint64_t)NT * ((NOPS + 2) / 3), na = (uint64_t)NT * NOPS - nb;
	rg_metrics_snapshot_t s;
	cr_assert_eq(rg_metrics_read(a, &s), 0);
	cr_assert_eq(s.counters[RG_C_READ_SECTIONS], na);
	cr_assert_eq(s.counters[RG_C_READ_SECTIONS_ENDED], na);
	cr_assert_eq(s.active_readers, 0);
	cr_assert_eq(rg_metrics_read(b, &s), 0);
	cr_assert_eq(s.counters[RG_C_READ_SECTIONS], nb);
	cr_assert_eq(s.counters[RG_C_READ_SECTIONS_ENDED], nb);
	/* shard adds and per-thread words add up in the one exported counter */
	rg__metrics_add(b, RG_C_READ_SECTIONS, 2);
	cr_assert_eq(rg_metrics_counter(b, RG_C_READ_SECTIONS), nb + 2);
	rg_metrics_destroy(a);
	rg_metrics_destroy(b);
}

Test(metrics, derived_gauges_and_last_value_gauges)
{
	struct rg_metrics *m = new_metrics();
	rg__metrics_add(m, RG_C_READ_SECTIONS, 5);
	rg__metrics_add(m, RG_C_READ_SECTIONS_ENDED, 3);
	rg__metrics_add(m, RG_C_TXNS_BEGUN, 1);
	rg__metrics_add(m, RG_C_RECLAIM_CALLBACKS_QUEUED, 10);
	rg__metrics_add(m, RG_C_RECLAIM_CALLBACKS_DONE, 4);
	rg__metrics_add(m, RG_C_RECLAIM_BYTES_QUEUED, 1000);
	rg__metrics_add(m, RG_C_RECLAIM_BYTES_DONE, 400);
	rg__metrics_set(m, RG_G_TRAVERSAL_SPEEDUP, 1.75);
	rg_metrics_snapshot_t s;
	cr_assert_eq(rg_metrics_read(m, &s), 0);
	cr_assert_eq(s.active_readers, 2);
	cr_assert_eq(s.active_writers, 1);
	cr_assert_eq(s.reclaim_pending_objects, 6);
	cr_assert_eq(s.reclaim_pending_bytes, 600);
	cr_assert_eq(s.gauges[RG_G_TRAVERSAL_SPEEDUP], 1.75);
	rg_metrics_destroy(m);
}

/* ---- histograms ---- */

Test(histogram, index_and_bounds_consistent)
{
	uint64_t s = 12345;
	unsigned prev = 0;
	for (uint64_t v = 0; v < 100000; v++) {
		unsigned i = rg__hist_index(v);
		uint64_t lo, w;
		rg__hist_bucket_bounds(i, &lo, &w);
		cr_assert(lo <= v && v < lo + w, "v=%llu bucket %u [%llu,+%llu)",
			  (unsigned long long)v, i, (unsigned long long)lo,
			  (unsigned long long)w);
		cr_assert_geq(i, prev);
		prev = i;
	}
	for (int k = 0; k < 100000; k++) {
		uint64_t v = rg_rand(&s) >> (rg_rand(&s) % 64);
		unsigned i = rg__hist_index(v);
		cr_assert_lt(i, RG_HIST_NBUCKETS);
		if (v < (1ull << (RG_HIST_MAX_EXP + 1))) {
			uint64_t lo, w;
			rg__hist_bucket_bounds(i, &lo, &w);
			cr_assert(lo <= v && v - lo < w);
			cr_assert(w == 1 || lo >= 16 * w);
		} else {
			cr_assert_eq(i, RG_HIST_NBUCKETS - 1);
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static const double qs[] = {0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0};

/* Checks every quantile of qs against the exact sample quantile of rank
 * ceil(q n). */
static void check_quantiles(struct rg_metrics *m, enum rg_hist_id h, uint64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_u64);
	for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
		size_t rank = rank_of(qs[k], n);
		double exact = (double)v[rank - 1];
		double got;
		cr_assert_eq(rg_metrics_percentile(m, h, qs[k], &got), 0);
		got *= 1e9;
		double err = exact > 0 ? dabs(got - exact) / exact : dabs(got);
		cr_assert(err <= RG_HIST_REL_ERROR + 1e-9,
			  "q=%g exact %.0f got %.1f err %.4f", qs[k], exact, got, err);
	}
}

static void observe_all(struct rg_metrics *m, enum rg_hist_id h, const uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rg__metrics_observe(m, h, v[i]);
}

Test(histogram, percentiles_within_relative_error)
{
	enum { N = 100000 };
	uint64_t *v = malloc(N * sizeof *v);
	cr_assert_not_null(v);
	uint64_t s = 42;

	/* uniform 1 us .. 1 ms */
	struct rg_metrics *m = new_metrics();
	for (size_t i = 0; i < N; i++)
		v[i] = 1000 + rg_rand(&s) % 999001;
	observe_all(m, RG_H_COMMIT_SECONDS, v, N);
	check_quantiles(m, RG_H_COMMIT_SECONDS, v, N);

	/* log-uniform-ish 8 ns .. 16 s: random octave, random mantissa */
	for (size_t i = 0; i < N; i++) {
		unsigned e = 3 + (unsigned)(rg_rand(&s) % 31);
		v[i] = (1ull << e) + rg_rand(&s) % (1ull << e);
	}
	observe_all(m, RG_H_GRACE_PERIOD_SECONDS, v, N);
	check_quantiles(m, RG_H_GRACE_PERIOD_SECONDS, v, N);

	/* long-tailed mixture: 90% 1-100 us, 9% 0.1-10 ms, 1% 10 ms-1 s */
	for (size_t i = 0; i < N; i++) {
		uint64_t r = rg_rand(&s) % 100;
		uint64_t lo = r < 90 ? 1000 : r < 99 ? 100000 : 10000000;
		v[i] = lo + rg_rand(&s) % (lo * 99);
	}
	observe_all(m, RG_H_CHECKPOINT_SECONDS, v, N);
	check_quantiles(m, RG_H_CHECKPOINT_SECONDS, v, N);

	/* small values are exact */
	for (size_t i = 0; i < N; i++)
		v[i] = rg_rand(&s) % 16;
	observe_all(m, RG_H_FSYNC_SECONDS, v, N);
	qsort(v, N, sizeof *v, cmp_u64);
	double got;
	cr_assert_eq(rg_metrics_percentile(m, RG_H_FSYNC_SECONDS, 0.5, &got), 0);
	cr_assert_eq((uint64_t)(got * 1e9 + 0.5), v[N / 2 - 1]);

	/* constant */
	for (int i = 0; i < 1000; i++)
		rg__metrics_observe(m, RG_H_LOCK_WAIT_SECONDS, 123456);
	for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
		cr_assert_eq(rg_metrics_percentile(m, RG_H_LOCK_WAIT_SECONDS, qs[k], &got), 0);
		cr_assert(dabs(got * 1e9 - 123456) / 123456 <= RG_HIST_REL_ERROR);
	}
	rg_metrics_snapshot_t snap;
	cr_assert_eq(rg_metrics_read(m, &snap), 0);
	cr_assert_eq(snap.hist[RG_H_LOCK_WAIT_SECONDS].count, 1000);
	cr_assert(dabs(snap.hist[RG_H_LOCK_WAIT_SECONDS].sum_seconds - 0.123456) < 1e-9);
	cr_assert(snap.hist[RG_H_LOCK_WAIT_SECONDS].p50 > 0);

	/* huge values are clamped but counted, sum exact */
	rg__metrics_observe(m, RG_H_TRAVERSAL_SECONDS, UINT64_MAX / 4);
	cr_assert_eq(rg_metrics_percentile(m, RG_H_TRAVERSAL_SECONDS, 1.0, &got), 0);
	cr_assert(got > 1e5);
	free(v);
	rg_metrics_destroy(m);
}

Test(histogram, merge_across_shards)
{
	struct rg_metrics *a = new_metrics(), *b = new_metrics();
	uint64_t s = 7;
	uint64_t total = 0;
	/* a: spread over every shard (and beyond the mask); b: one shard. */
	for (unsigned i = 0; i < 50000; i++) {
		uint64_t v = rg_rand(&s) % 10000000;
		total += v;
		rg__metrics_observe_shard(a, i, RG_H_COMMIT_SECONDS, v);
		rg__metrics_observe_shard(b, 0, RG_H_COMMIT_SECONDS, v);
	}
	rg_metrics_snapshot_t sa, sb;
	cr_assert_eq(rg_metrics_read(a, &sa), 0);
	cr_assert_eq(rg_metrics_read(b, &sb), 0);
	const rg_hist_summary_t *ha = &sa.hist[RG_H_COMMIT_SECONDS], *hb = &sb.hist[RG_H_COMMIT_SECONDS];
	cr_assert_eq(ha->count, 50000);
	cr_assert_eq(hb->count, 50000);
	cr_assert_eq(ha->sum_seconds, hb->sum_seconds);
	cr_assert(dabs(ha->sum_seconds - (double)total * 1e-9) < 1e-6);
	cr_assert_eq(ha->p50, hb->p50);
	cr_assert_eq(ha->p90, hb->p90);
	cr_assert_eq(ha->p99, hb->p99);
	cr_assert_eq(ha->p999, hb->p999);
	rg_metrics_destroy(a);
	rg_metrics_destroy(b);
}

/* Threads pinned to different CPUs record into different shards; reads
 * merge them. */
struct pinned {
	struct rg_metrics *m;
	int cpu;
};

static void *pinned_main(void *arg)
{
	struct pinned *p = arg;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(p->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof set, &set); /* best effort */
	for (int i = 0; i < 10000; i++) {
		rg__metrics_observe(p->m, RG_H_COMMIT_SECONDS, 1000 + (uint64_t)p->cpu);
		rg__metrics_add(p->m, RG_C_COMMITS, 1);
	}
	return NULL;
}

Test(histogram, merge_pinned_threads)
{
	struct rg_metrics *m = new_metrics();
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n > 8)
		n = 8;
	pthread_t t[8];
	struct pinned p[8];
	for (long i = 0; i < n; i++) {
		p[i] = (struct pinned){.m = m, .cpu = (int)i};
		cr_assert_eq(pthread_create(&t[i], NULL, pinned_main, &p[i]), 0);
	}
	for (long i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	rg_metrics_snapshot_t s;
	cr_assert_eq(rg_metrics_read(m, &s), 0);
	cr_assert_eq(s.hist[RG_H_COMMIT_SECONDS].count, (uint64_t)n * 10000);
	cr_assert_eq(s.counters[RG_C_COMMITS], (uint64_t)n * 10000);
	rg_metrics_destroy(m);
}

/* ---- export formats ---- */

static struct rg_metrics *filled_metrics(void)
{
	struct rg_metrics *m = new_metrics();
	for (int i = 0; i < RG_C__COUNT; i++)
		rg__metrics_add(m, (enum rg_counter_id)i, (uint64_t)(i + 1) * 1000);
	rg__metrics_set(m, RG_G_TRAVERSAL_SPEEDUP, 1.9);
	rg__metrics_set(m, RG_G_TRAVERSAL_THREADS, 2);
	uint64_t s = 99;
	for (int h = 0; h < RG_H__COUNT; h++)
		for (int i = 0; i < 1000; i++)
			rg__metrics_observe(m, (enum rg_hist_id)h, rg_rand(&s) % 100000000);
	return m;
}

static char *prom_text(struct rg_metrics *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	cr_assert_eq(rg_metrics_write_prometheus(m, f), 0);
	fclose(f);
	return buf;
}

Test(export, prometheus_structure)
{
	struct rg_metrics *m = filled_metrics();
	char *txt = prom_text(m);
	/* Every sample belongs to a family announced by HELP and TYPE. */
	char family[256] = "", type[32] = "";
	int help_seen = 0, nsamples = 0;
	uint64_t last_bucket = 0;
	char *save = NULL;
	for (char *line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# HELP ", 7) == 0) {
			cr_assert_eq(sscanf(line + 7, "%255s", family), 1);
			cr_assert_eq(strncmp(family, "rcugraph_", 9), 0);
			help_seen = 1;
			type[0] = '\0';
			last_bucket = 0;
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			char fam2[256];
			cr_assert_eq(sscanf(line + 7, "%255s %31s", fam2, type), 2);
			cr_assert_str_eq(fam2, family);
			cr_assert(help_seen);
			continue;
		}
		cr_assert_neq(line[0], '#');
		cr_assert_neq(type[0], '\0', "sample before TYPE: %s", line);
		cr_assert_eq(strncmp(line, family, strlen(family)), 0, "%s not in %s", line, family);
		nsamples++;
		const char *val = strrchr(line, ' ');
		cr_assert_not_null(val);
		char *end;
		double x = strtod(val + 1, &end);
		cr_assert_eq(*end, '\0');
		if (strcmp(type, "counter") == 0) {
			cr_assert(strstr(family, "_total") != NULL);
		} else if (strcmp(type, "histogram") == 0) {
			if (strstr(line, "_bucket{le=")) {
				cr_assert_geq((uint64_t)x, last_bucket, "buckets not cumulative: %s", line);
				last_bucket = (uint64_t)x;
			} else if (strstr(line, "_count ")) {
				cr_assert_eq((uint64_t)x, last_bucket, "+Inf bucket != _count");
				cr_assert_eq((uint64_t)x, 1000);
			}
		}
	}
	cr_assert_gt(nsamples, RG_C__COUNT + RG_H__COUNT * 3);
	free(txt);
	/* spot checks */
	txt = prom_text(m);
	cr_assert_not_null(strstr(txt, "\nrcugraph_commits_total 6000\n"));
	cr_assert_not_null(strstr(txt, "# TYPE rcugraph_commit_seconds histogram\n"));
	cr_assert_not_null(strstr(txt, "rcugraph_commit_seconds_bucket{le=\"+Inf\"} 1000\n"));
	cr_assert_not_null(strstr(txt, "rcugraph_commit_seconds_bucket{le=\"0.000001023\"} "));
	/* LOCK_WAIT_NS = 20 * 1000 ns exported in seconds */
	cr_assert_not_null(strstr(txt, "\nrcugraph_lock_wait_time_seconds_total 0.00002\n"));
	cr_assert_not_null(strstr(txt, "\nrcugraph_traversal_speedup_ratio 1.8999999999999999\n"));
	cr_assert_not_null(strstr(txt, "\nrcugraph_active_readers 0\n"));

	/* buffer variant gives the same text */
	size_t len = 0;
	char small[64];
	cr_assert_eq(rg_metrics_format_prometheus(m, small, sizeof small, &len), RG_ERANGE);
	cr_assert_eq(len, strlen(txt));
	cr_assert_eq(strlen(small), sizeof small - 1);
	char *big = malloc(len + 1);
	cr_assert_eq(rg_metrics_format_prometheus(m, big, len + 1, NULL), 0);
	cr_assert_str_eq(big, txt);
	free(big);
	free(txt);
	rg_metrics_destroy(m);
}

static void promtool_check(const char *txt)
{
	FILE *p = popen("promtool check metrics >/tmp/rg_promtool_out.$$ 2>&1; "
			"rc=$?; cat /tmp/rg_promtool_out.$$ >&2; rm -f /tmp/rg_promtool_out.$$; exit $rc", "w");
	cr_assert_not_null(p);
	fputs(txt, p);
	int st = pclose(p);
	cr_assert_eq(st, 0, "promtool check metrics failed (status %d), text:\n%s", st, txt);
}

Test(export, promtool_check_metrics)
{
	if (!have_tool("promtool"))
		cr_skip_test("promtool not installed (Debian package prometheus)");
	struct rg_metrics *m = new_metrics();
	char *txt = prom_text(m); /* all zero */
	promtool_check(txt);
	free(txt);
	rg_metrics_destroy(m);
	m = filled_metrics();
	txt = prom_text(m);
	promtool_check(txt);
	free(txt);
	rg_metrics_destroy(m);
}

Test(export, report_lists_everything)
{
	struct rg_metrics *m = filled_metrics();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(rg_metrics_write_report(m, f), 0);
	fclose(f);
	for (int i = 0; i < RG_C__COUNT; i++)
		cr_assert_not_null(strstr(buf, rg_metrics_counter_name((enum rg_counter_id)i)));
	for (int h = 0; h < RG_H__COUNT; h++)
		cr_assert_not_null(strstr(buf, rg_metrics_hist_name((enum rg_hist_id)h)));
	cr_assert_not_null(strstr(buf, "active_readers"));
	cr_assert_not_null(strstr(buf, "p99.9"));
	free(buf);
	rg_metrics_destroy(m);
}

Test(export, kv_line_parses)
{
	struct rg_metrics *m = filled_metrics();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(rg_metrics_write_kv(m, f), 0);
	fclose(f);
	cr_assert_null(strpbrk(buf, ", \n\t\""), "kv line must fit a CSV field");
	int n = 0, found_commits = 0, found_p999 = 0;
	char *save = NULL;
	for (char *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save), n++) {
		char *eq = strchr(kv, '=');
		cr_assert_not_null(eq, "no '=' in %s", kv);
		*eq = '\0';
		cr_assert_gt(strlen(kv), 0);
		char *end;
		double x = strtod(eq + 1, &end);
		cr_assert(*end == '\0' && end != eq + 1, "bad value for %s: %s", kv, eq + 1);
		if (strcmp(kv, "commits_total") == 0) {
			found_commits = 1;
			cr_assert_eq(x, 6000.0);
		}
		if (strcmp(kv, "commit_seconds_p999") == 0) {
			found_p999 = 1;
			cr_assert(x > 0.0 && x < 0.11);
		}
	}
	cr_assert(found_commits && found_p999);
	cr_assert_eq(n, RG_C__COUNT + 4 + RG_G__COUNT + RG_H__COUNT * 6);
	free(buf);
	rg_metrics_destroy(m);
}

/* ---- live HTTP endpoint ---- */

struct ticker {
	struct rg_metrics *m;
	int stop;
};

static void *ticker_main(void *arg)
{
	struct ticker *t = arg;
	/* Relaxed: the flag only ends the loop; join synchronises. */
	while (!__atomic_load_n(&t->stop, __ATOMIC_RELAXED)) {
		rg__metrics_add(t->m, RG_C_COMMITS, 1);
		usleep(100);
	}
	return NULL;
}

/* Scrapes url with curl; returns the HTTP status, body in *body. */
static int curl_get(const char *url, char **body)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "curl -s -m 10 -w '\\n%%{http_code}' '%s'", url);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	char chunk[4096];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, p)) > 0)
		fwrite(chunk, 1, k, out);
	fclose(out);
	cr_assert_eq(pclose(p), 0, "curl failed");
	char *nl = strrchr(buf, '\n');
	cr_assert_not_null(nl);
	int code = atoi(nl + 1);
	*nl = '\0';
	*body = buf;
	return code;
}

static uint64_t scrape_commits(const char *body)
{
	const char *p = strstr(body, "\nrcugraph_commits_total ");
	cr_assert_not_null(p, "no commits_total in scrape");
	return strtoull(p + strlen("\nrcugraph_commits_total "), NULL, 10);
}

Test(http, scrape_with_curl_while_updating)
{
	if (!have_tool("curl"))
		cr_skip_test("curl not installed");
	struct rg_metrics *m = new_metrics();
	rg_metrics_server_t *srv = NULL;
	cr_assert_eq(rg_metrics_serve(m, 0, &srv), 0);
	uint16_t port = rg_metrics_server_port(srv);
	cr_assert_neq(port, 0);

	/* the port is taken: a second server on it fails cleanly */
	rg_metrics_server_t *srv2 = NULL;
	cr_assert_eq(rg_metrics_serve(m, port, &srv2), RG_EIO);
	cr_assert_null(srv2);

	struct ticker tk = {.m = m};
	pthread_t t;
	cr_assert_eq(pthread_create(&t, NULL, ticker_main, &tk), 0);
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%u/metrics", port);
	char *b1 = NULL, *b2 = NULL, *b3 = NULL;
	/* Wait for the ticker to have counted something (no timing assert:
	 * poll until it moved, bounded). */
	while (rg_metrics_counter(m, RG_C_COMMITS) == 0)
		usleep(1000);
	int c1 = curl_get(url, &b1);
	uint64_t before = rg_metrics_counter(m, RG_C_COMMITS);
	while (rg_metrics_counter(m, RG_C_COMMITS) <= before)
		usleep(1000);
	int c2 = curl_get(url, &b2);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/nothing", port);
	int c3 = curl_get(url, &b3);
	__atomic_store_n(&tk.stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	rg_metrics_server_stop(srv);

	cr_assert_eq(c1, 200);
	cr_assert_eq(c2, 200);
	cr_assert_eq(c3, 404);
	uint64_t v1 = scrape_commits(b1), v2 = scrape_commits(b2);
	cr_assert_gt(v1, 0);
	cr_assert_gt(v2, v1, "counter did not move between scrapes: %llu -> %llu",
		     (unsigned long long)v1, (unsigned long long)v2);
	cr_assert_not_null(strstr(b2, "# TYPE rcugraph_commit_seconds histogram"));
	free(b1);
	free(b2);
	free(b3);
	rg_metrics_destroy(m);
}
