/*
 * Tests of the rgbench driver's own logic (experiments/rgbench/), run as a
 * subprocess: the CSV schema and metadata columns, the barrier / duration /
 * counter bookkeeping on the hidden fake workload "selftest", the
 * oversubscribed and suspect flags, option errors, and tiny end-to-end runs
 * of the real workloads.
 *
 * The binary is $RGBENCH, else ../experiments/rgbench/rgbench relative to
 * the working directory (ctest runs this in build/tests). Tests are skipped
 * when it is not built (RG_BUILD_EXPERIMENTS=OFF).
 *
 * No assertion depends on speed: the selftest's ops sleep (so throughput
 * does not depend on the machine), "superlinear" inflates its op count by
 * threads^2 (speedup ~ threads^3, far above the flag's threshold), and
 * "serial" serialises its ops on one mutex (speedup ~ 1).
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCOL 33
static const char *const schema[NCOL] = {
	"run_id", "git_commit", "date", "host", "cpu_model", "nproc", "kernel", "compiler",
	"build_type", "workload", "variant", "sync", "threads", "trial", "duration_s", "warmup_s",
	"graph", "nodes", "edges", "update_ratio", "batch", "durability", "ops", "throughput",
	"unit", "p50_us", "p90_us", "p99_us", "p999_us", "checksum", "oversubscribed", "suspect",
	"extra"};
enum {
	C_RUN, C_GIT, C_DATE, C_HOST, C_CPU, C_NPROC, C_KERNEL, C_COMPILER, C_BUILD, C_WL,
	C_VARIANT, C_SYNC, C_THREADS, C_TRIAL, C_DUR, C_WARM, C_GRAPH, C_NODES, C_EDGES, C_RATIO,
	C_BATCH, C_DURA, C_OPS, C_TPUT, C_UNIT, C_P50, C_P90, C_P99, C_P999, C_CK, C_OVER, C_SUS,
	C_EXTRA
};

typedef struct {
	char *f[NCOL + 8];
	int n;
} row_t;

typedef struct {
	row_t *rows; /* rows[0] is the header */
	int n;
} csv_t;

static const char *binary(void)
{
	static char path[4096];
	const char *e = getenv("RGBENCH");
	snprintf(path, sizeof path, "%s", e && *e ? e : "../experiments/rgbench/rgbench");
	if (access(path, X_OK) != 0)
		cr_skip_test("rgbench not built (%s): set RGBENCH or build experiments", path);
	return path;
}

/* Runs rgbench with args; stdout to out_path (may be NULL), stderr to
 * /dev/null. Returns the exit status. */
static int run(const char *args, const char *out_path)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s' %s >%s 2>/dev/null", binary(), args,
		 out_path ? out_path : "/dev/null");
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Minimal RFC 4180 reader: quoted fields with doubled quotes, no line
 * breaks inside fields (rgbench never writes any). */
static csv_t read_csv(const char *path)
{
	csv_t c = {0};
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	char line[16384];
	int cap = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (c.n == cap) {
			cap = cap ? cap * 2 : 64;
			c.rows = realloc(c.rows, (size_t)cap * sizeof *c.rows);
		}
		row_t *r = &c.rows[c.n++];
		memset(r, 0, sizeof *r);
		char field[16384];
		size_t k = 0;
		int q = 0;
		for (char *p = line;; p++) {
			if (q) {
				if (*p == '"' && p[1] == '"') {
					field[k++] = '"';
					p++;
				} else if (*p == '"') {
					q = 0;
				} else if (*p) {
					field[k++] = *p;
				} else {
					break;
				}
				continue;
			}
			if (*p == '"') {
				q = 1;
			} else if (*p == ',' || *p == 0) {
				field[k] = 0;
				if (r->n < NCOL + 8)
					r->f[r->n++] = strdup(field);
				k = 0;
				if (!*p)
					break;
			} else {
				field[k++] = *p;
			}
		}
	}
	fclose(f);
	return c;
}

static void free_csv(csv_t *c)
{
	for (int i = 0; i < c->n; i++)
		for (int k = 0; k < c->rows[i].n; k++)
			free(c->rows[i].f[k]);
	free(c->rows);
}

static const char *tmpfile_path(const char *tag)
{
	static char p[4][256];
	static int i;
	char *s = p[i++ & 3];
	snprintf(s, sizeof p[0], "/tmp/test_rgbench_%s_%ld.csv", tag, (long)getpid());
	unlink(s);
	return s;
}

/* Value of key in an extra field ("a=1;b=2"), as a double; -1 if absent. */
static double extra_val(const char *extra, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = extra; p && *p;) {
		if (!strncmp(p, key, kl) && p[kl] == '=')
			return strtod(p + kl + 1, NULL);
		p = strchr(p, ';');
		if (p)
			p++;
	}
	return -1;
}

static csv_t run_csv(const char *args, const char *tag)
{
	const char *path = tmpfile_path(tag);
	char a[4096];
	snprintf(a, sizeof a, "%s --csv %s", args, path);
	int rc = run(a, NULL);
	cr_assert_eq(rc, 0, "rgbench %s exited %d", a, rc);
	csv_t c = read_csv(path);
	unlink(path);
	cr_assert_gt(c.n, 1, "no rows from rgbench %s", args);
	for (int i = 0; i < c.n; i++)
		cr_assert_eq(c.rows[i].n, NCOL, "row %d has %d fields, want %d", i, c.rows[i].n, NCOL);
	return c;
}

/* ------------------------------------------------------------------ */

Test(rgbench, help_and_list)
{
	const char *out = tmpfile_path("help");
	cr_assert_eq(run("--help", out), 0);
	FILE *f = fopen(out, "r");
	cr_assert_not_null(f);
	char buf[16384];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	static const char *const opts[] = {
		"--workload", "--sync", "--threads", "--duration", "--warmup", "--trials", "--graph",
		"--update-ratio", "--batch", "--durability", "--pin", "--seed", "--csv",
		"--metrics-port", "--quick", "--list", "--flaw", "example"};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		cr_expect(strstr(buf, opts[i]) != NULL, "--help does not mention %s", opts[i]);
	cr_assert_eq(run("--list", out), 0);
	f = fopen(out, "r");
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	unlink(out);
	static const char *const wls[] = {"readonly", "mixed", "traversal", "contention", "writer",
					  "counters", "latency", "memory", "realgraphs", "lmdb",
					  "oldbench", "rcu-memb"};
	for (size_t i = 0; i < sizeof wls / sizeof wls[0]; i++)
		cr_expect(strstr(buf, wls[i]) != NULL, "--list does not mention %s", wls[i]);
	cr_expect(strstr(buf, "selftest") == NULL, "the fake workload is listed");
}

Test(rgbench, bad_options_are_errors)
{
	cr_expect_eq(run("--threads 0", NULL), 2);
	cr_expect_eq(run("--threads 1,x", NULL), 2);
	cr_expect_eq(run("--duration -1", NULL), 2);
	cr_expect_eq(run("--workload nope", NULL), 2);
	cr_expect_eq(run("--durability sometimes", NULL), 2);
	cr_expect_eq(run("--flaw everything", NULL), 2);
	cr_expect_eq(run("stray", NULL), 2);
	/* a bad graph spec fails the workload (exit 1), with no crash */
	cr_expect_eq(run("--workload readonly --graph rmat:scale=x --trials 1 --duration 0.01", NULL), 1);
	cr_expect_eq(run("--workload readonly --graph /nonexistent/file --trials 1", NULL), 1);
}

Test(rgbench, csv_schema_and_metadata)
{
	csv_t c = run_csv("--workload selftest --threads 1,2 --trials 2 --duration 0.02 "
			  "--warmup 0.01",
			  "schema");
	for (int k = 0; k < NCOL; k++)
		cr_assert_str_eq(c.rows[0].f[k], schema[k], "header column %d", k);
	/* 3 variants x 2 thread counts x 2 trials; the warm-up is not written */
	cr_assert_eq(c.n - 1, 12);
	struct utsname u;
	uname(&u);
	char nproc[32];
	snprintf(nproc, sizeof nproc, "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		cr_assert_str_eq(f[C_RUN], c.rows[1].f[C_RUN], "one run_id per invocation");
		cr_assert_neq(f[C_RUN][0], 0);
		cr_assert_neq(f[C_GIT][0], 0);
		cr_assert_eq(strlen(f[C_DATE]), 20, "ISO-8601 UTC date: %s", f[C_DATE]);
		cr_assert(f[C_DATE][4] == '-' && f[C_DATE][10] == 'T' && f[C_DATE][19] == 'Z');
		cr_assert_neq(f[C_HOST][0], 0);
		cr_assert_neq(f[C_CPU][0], 0);
		cr_assert_str_eq(f[C_NPROC], nproc);
		cr_assert_str_eq(f[C_KERNEL], u.release);
		cr_assert(!strncmp(f[C_COMPILER], "gcc ", 4) || !strncmp(f[C_COMPILER], "clang ", 6),
			  "compiler %s", f[C_COMPILER]);
		cr_assert_neq(f[C_BUILD][0], 0);
		cr_assert_str_eq(f[C_WL], "selftest");
		cr_assert_str_eq(f[C_SYNC], "-");
		cr_assert(!strcmp(f[C_TRIAL], "0") || !strcmp(f[C_TRIAL], "1"));
		cr_assert_str_eq(f[C_DUR], "0.02");
		cr_assert_str_eq(f[C_WARM], "0.01");
		cr_assert_str_eq(f[C_UNIT], "ops");
		cr_assert_str_eq(f[C_P50], "", "no latency measured: empty percentile");
		cr_assert(!strchr(f[C_EXTRA], ','));
	}
	free_csv(&c);
}

Test(rgbench, barrier_duration_and_counters)
{
	csv_t c = run_csv("--workload selftest --threads 1,3 --trials 3 --duration 0.03 "
			  "--warmup 0.01",
			  "barrier");
	cr_assert_eq(c.n - 1, 18);
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		int threads = atoi(f[C_THREADS]);
		double dur = strtod(f[C_DUR], NULL);
		double el = extra_val(f[C_EXTRA], "elapsed_s");
		uint64_t ops = strtoull(f[C_OPS], NULL, 10);
		/* the clock starts no later than the release and stops after every
		 * worker stopped: the measured interval covers the whole duration */
		cr_assert_geq(el, dur, "elapsed %f < duration %f", el, dur);
		/* no worker started before the release barrier */
		cr_assert_eq(extra_val(f[C_EXTRA], "late_start"), 0);
		/* every thread ran and counted into its own slot */
		cr_assert_eq((int)extra_val(f[C_EXTRA], "threads_with_ops"), threads);
		cr_assert_geq(extra_val(f[C_EXTRA], "min_thread_ops"), 1);
		/* per-thread checksums merge consistently with the op counts */
		uint64_t ck = strtoull(f[C_CK], NULL, 16);
		cr_assert_eq(ck, ops * 0x9E3779B97F4A7C15ull, "checksum != ops * K");
		/* throughput is ops over the measured elapsed time */
		double tput = strtod(f[C_TPUT], NULL);
		double want = (double)ops / el;
		cr_assert(tput > 0 && (tput - want) / want < 1e-3 && (want - tput) / want < 1e-3,
			  "throughput %f vs ops/elapsed %f", tput, want);
	}
	free_csv(&c);
}

/* --pack: the same queries give the same equal-work checksum on packed
 * graphs, and rcugraph rows say pack=1 (and only with --pack). */
Test(rgbench, pack_keeps_answers_and_is_recorded)
{
	const char *args = "--workload readonly --sync nosync,rcu-memb,lru-rwlock --threads 1 "
			   "--trials 2 --duration 0.05 --warmup 0.01 --graph uniform:n=3000,deg=8,seed=3";
	char a[1024];
	snprintf(a, sizeof a, "%s --pack", args);
	csv_t u = run_csv(args, "unpacked"), p = run_csv(a, "packed");
	cr_assert_eq(u.n, p.n);
	for (int i = 1; i < p.n; i++) {
		cr_assert_str_eq(p.rows[i].f[C_CK], u.rows[1].f[C_CK], "row %d checksum", i);
		cr_assert_str_eq(u.rows[i].f[C_CK], u.rows[1].f[C_CK]);
		cr_assert_not_null(strstr(p.rows[i].f[C_EXTRA], "pack=1"));
		cr_assert_null(strstr(u.rows[i].f[C_EXTRA], "pack=1"));
	}
	free_csv(&u);
	free_csv(&p);
}

Test(rgbench, oversubscribed_and_suspect_flags)
{
	long np = sysconf(_SC_NPROCESSORS_ONLN);
	char args[256];
	snprintf(args, sizeof args,
		 "--workload selftest --threads 1,%ld --trials 3 --duration 0.03 --warmup 0", np + 1);
	csv_t c = run_csv(args, "flags");
	int seen_sus = 0, seen_over = 0;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		int threads = atoi(f[C_THREADS]);
		cr_assert_str_eq(f[C_OVER], threads > np ? "1" : "0", "threads %d nproc %ld", threads,
				 np);
		seen_over += threads > np;
		if (threads == 1)
			cr_assert_str_eq(f[C_SUS], "0", "a 1-thread row cannot be suspect");
		else if (!strcmp(f[C_VARIANT], "superlinear")) {
			cr_assert_str_eq(f[C_SUS], "1", "speedup ~threads^3 must be flagged");
			seen_sus++;
		} else if (!strcmp(f[C_VARIANT], "serial"))
			cr_assert_str_eq(f[C_SUS], "0", "serialised ops: speedup ~1");
	}
	cr_assert_gt(seen_sus, 0);
	cr_assert_gt(seen_over, 0);
	free_csv(&c);
}

Test(rgbench, csv_appends_with_one_header)
{
	const char *path = tmpfile_path("append");
	char a[512];
	snprintf(a, sizeof a, "--workload selftest --threads 1 --trials 1 --duration 0.01 "
			      "--warmup 0 --csv %s",
		 path);
	cr_assert_eq(run(a, NULL), 0);
	sleep(1); /* run_id has a seconds timestamp; pids differ anyway */
	cr_assert_eq(run(a, NULL), 0);
	csv_t c = read_csv(path);
	unlink(path);
	int headers = 0;
	for (int i = 0; i < c.n; i++)
		headers += !strcmp(c.rows[i].f[0], "run_id");
	cr_assert_eq(headers, 1);
	cr_assert_eq(c.n, 1 + 2 * 3);
	cr_assert_str_neq(c.rows[1].f[C_RUN], c.rows[c.n - 1].f[C_RUN]);
	free_csv(&c);
}

static int count_wl(const csv_t *c, const char *wl)
{
	int n = 0;
	for (int i = 1; i < c->n; i++)
		n += !strcmp(c->rows[i].f[C_WL], wl);
	return n;
}

Test(rgbench, quick_end_to_end_core, .timeout = 300)
{
	csv_t c = run_csv("--quick --workload readonly,mixed,traversal,writer,counters,lmdb "
			  "--sync rcu-memb,rwlock,nosync --threads 1,2 --duration 0.02 --warmup 0 "
			  "--trials 1 --graph uniform:n=2000,deg=4,seed=1 --update-ratio 0,20 "
			  "--durability none,commit",
			  "e2e");
	static const char *const wls[] = {"readonly", "mixed", "traversal", "writer", "counters",
					  "lmdb"};
	for (size_t i = 0; i < sizeof wls / sizeof wls[0]; i++)
		cr_expect_gt(count_wl(&c, wls[i]), 0, "no %s rows", wls[i]);
	const char *ro_ck = NULL;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		cr_assert_gt(strtod(f[C_TPUT], NULL), 0, "%s %s %s: zero throughput", f[C_WL],
			     f[C_VARIANT], f[C_SYNC]);
		cr_assert_neq(f[C_UNIT][0], 0);
		/* nosync never runs a write workload */
		if (!strcmp(f[C_SYNC], "nosync"))
			cr_assert(strcmp(f[C_WL], "writer") && (strcmp(f[C_WL], "mixed") ||
								 !strcmp(f[C_RATIO], "0")),
				  "nosync ran %s ratio %s", f[C_WL], f[C_RATIO]);
		/* equal work: every policy, and LMDB, saw the same graph */
		if (!strcmp(f[C_WL], "readonly") || !strcmp(f[C_WL], "lmdb") ||
		    !strcmp(f[C_WL], "mixed")) {
			if (!ro_ck)
				ro_ck = f[C_CK];
			cr_assert_str_eq(f[C_CK], ro_ck, "%s %s %s checksum", f[C_WL], f[C_VARIANT],
					 f[C_SYNC]);
		}
		if (!strcmp(f[C_WL], "writer")) {
			cr_assert_neq(f[C_P99][0], 0, "writer rows carry commit latency");
			cr_assert(!strcmp(f[C_DURA], "none") || !strcmp(f[C_DURA], "commit"));
		}
		if (!strcmp(f[C_WL], "counters"))
			cr_assert_eq(extra_val(f[C_EXTRA], "exact"), 1, "counter %s inexact",
				     f[C_VARIANT]);
		if (!strcmp(f[C_WL], "readonly") && strcmp(f[C_SYNC], "nosync"))
			cr_assert_gt(extra_val(f[C_EXTRA], "ratio_to_nosync"), 0);
	}
	/* traversal: sequential and parallel compute the same result */
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		if (strcmp(f[C_WL], "traversal"))
			continue;
		for (int k = 1; k < c.n; k++) {
			char **g = c.rows[k].f;
			if (!strcmp(g[C_WL], "traversal") && !strcmp(g[C_SYNC], f[C_SYNC]) &&
			    !strncmp(g[C_VARIANT], f[C_VARIANT], strlen(f[C_VARIANT]) - 3))
				cr_assert_str_eq(g[C_CK], f[C_CK], "%s vs %s", f[C_VARIANT], g[C_VARIANT]);
		}
	}
	free_csv(&c);
}

Test(rgbench, quick_end_to_end_others, .timeout = 300)
{
	csv_t c = run_csv("--quick --workload contention,latency,memory,realgraphs "
			  "--sync rcu-memb,ck-seqlock --threads 1,2 --duration 0.02 --warmup 0 "
			  "--trials 1 --graph uniform:n=2000,deg=4,seed=1",
			  "e2e2");
	cr_expect_gt(count_wl(&c, "contention"), 0);
	cr_expect_gt(count_wl(&c, "latency"), 0);
	cr_expect_gt(count_wl(&c, "memory"), 0);
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		if (!strcmp(f[C_WL], "latency")) {
			double p50 = strtod(f[C_P50], NULL), p99 = strtod(f[C_P99], NULL),
			       p999 = strtod(f[C_P999], NULL);
			cr_assert(p50 > 0 && p50 <= p99 && p99 <= p999, "percentiles %s %s %s", f[C_P50],
				  f[C_P99], f[C_P999]);
		}
		if (!strcmp(f[C_WL], "memory")) {
			cr_assert(!strncmp(f[C_VARIANT], "t=", 2));
			cr_assert_gt(extra_val(f[C_EXTRA], "rss_bytes"), 0);
			cr_assert_geq(extra_val(f[C_EXTRA], "pending_bytes"), 0);
		}
	}
	free_csv(&c);
}

Test(rgbench, oldbench_flaws_are_switchable, .timeout = 300)
{
	csv_t c = run_csv("--workload oldbench --sync rcu-memb --threads 1,2 --trials 1 "
			  "--flaw semantics-mismatch,ms-rounding",
			  "old");
	int honest = 0, mism = 0, ms = 0;
	const char *ck_honest = NULL, *ck_m1 = NULL, *ck_m2 = NULL;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		cr_assert_str_eq(f[C_WL], "oldbench");
		cr_assert_eq(strstr(f[C_VARIANT], "spawn-in-timer"), NULL, "flaw not selected ran");
		if (!strcmp(f[C_VARIANT], "traversal:flaw=none")) {
			honest++;
			if (!ck_honest)
				ck_honest = f[C_CK];
			cr_assert_str_eq(f[C_CK], ck_honest, "honest seq and par differ");
		}
		if (!strcmp(f[C_VARIANT], "traversal:flaw=semantics-mismatch")) {
			mism++;
			if (!strcmp(f[C_THREADS], "1"))
				ck_m1 = f[C_CK];
			else
				ck_m2 = f[C_CK];
		}
		if (strstr(f[C_VARIANT], "flaw=ms-rounding")) {
			ms++;
			double rep = extra_val(f[C_EXTRA], "elapsed_reported_s");
			double ms1000 = rep * 1000.0;
			cr_assert(ms1000 >= 1 && ms1000 - (double)(long)(ms1000 + 1e-6) < 1e-6,
				  "reported %f s is not whole ms", rep);
		}
	}
	cr_assert_eq(honest, 2);
	cr_assert_eq(mism, 2);
	cr_assert_gt(ms, 0);
	cr_assert(ck_m1 && ck_m2 && strcmp(ck_m1, ck_m2), "semantics mismatch must change the work");
	free_csv(&c);
}
