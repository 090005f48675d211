/*
 * Tests of the rgbench driver's own logic (experiments/rgbench/), run as a
 * subprocess: input validation (every bad input is exit 2 before any run),
 * the CSV schemas and metadata, rounds and their seeded shuffled orders,
 * the barrier / duration / counter bookkeeping on the hidden fake workload
 * "selftest", the statistics columns, the hard checks (a speedup above the
 * thread count, a "synchronised" configuration above the ceiling: INVALID
 * and exit 4 unless --keep-going), the equal-work checks failing by
 * construction (a lying verify hook, a run reporting a wrong result),
 * oversubscription, equal-work checksums of the real workloads, the read
 * targets, the writer-side workloads (insert, load, footprint, wal,
 * writer's fsyncs and checkpoints, kernels), the peers, the long reader and
 * the open-loop latency, and the callgrind section costs.
 *
 * The binary is $RGBENCH, else ../experiments/rgbench/rgbench relative to
 * the working directory (ctest runs this in build/tests). Tests are skipped
 * when it is not built (RG_BUILD_EXPERIMENTS=OFF).
 *
 * No assertion depends on speed: the selftest's ops sleep (throughput does
 * not depend on the machine), "superlinear" inflates its op count by
 * 64 threads^2 above one thread (speedup ~64 threads^3) and "ceiling" by 64, effects no noise on
 * sleeping threads comes near; verdicts of real workloads are only checked
 * to be well formed.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCOL 49
static const char *const schema[NCOL] = {
	"run_id", "git_commit", "date", "host", "cpu_model", "nproc", "kernel", "compiler",
	"build_type", "seed", "workload", "variant", "sync", "threads", "round", "order_pos",
	"rounds", "duration_s", "warmup_s", "graph", "nodes", "edges", "update_ratio", "batch",
	"durability", "ops", "throughput", "unit", "p50_us", "p90_us", "p99_us", "p999_us",
	"checksum", "cpus", "callrcu_cpus", "oversubscribed", "ref", "ratio", "ratio_lo",
	"ratio_hi", "ratio_n", "resolution", "verdict", "speedup", "speedup_lo", "speedup_hi",
	"rank", "valid", "extra"};
enum {
	C_RUN, C_GIT, C_DATE, C_HOST, C_CPU, C_NPROC, C_KERNEL, C_COMPILER, C_BUILD, C_SEED, C_WL,
	C_VARIANT, C_SYNC, C_THREADS, C_ROUND, C_POS, C_ROUNDS, C_DUR, C_WARM, C_GRAPH, C_NODES,
	C_EDGES, C_RATIO, C_BATCH, C_DURA, C_OPS, C_TPUT, C_UNIT, C_P50, C_P90, C_P99, C_P999, C_CK,
	C_CPUS, C_CALLRCU, C_OVER, C_REF, C_R, C_RLO, C_RHI, C_RN, C_RES, C_VERDICT, C_SP, C_SPLO,
	C_SPHI, C_RANK, C_VALID, C_EXTRA
};

#define NRCOL 28
static const char *const rschema[NRCOL] = {
	"run_id", "git_commit", "date", "host", "cpu_model", "nproc", "seed", "workload", "study",
	"variant", "threads", "oversubscribed", "name", "kind", "num", "den", "est", "lo", "hi",
	"coverage", "n", "nskipped", "resolution", "aa_biased", "verdict", "rank", "valid",
	"reason"};
enum { R_WL = 7, R_STUDY, R_VARIANT, R_THREADS, R_OVER, R_NAME, R_KIND, R_NUM, R_DEN, R_EST,
       R_LO, R_HI, R_COV, R_N, R_NSKIP, R_RES, R_AAB, R_VERDICT, R_RANK, R_VALID, R_REASON };

typedef struct {
	char *f[64];
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
 * err_path (NULL: /dev/null). Returns the exit status. */
static int run2(const char *args, const char *out_path, const char *err_path)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s' %s >%s 2>%s", binary(), args, out_path ? out_path : "/dev/null",
		 err_path ? err_path : "/dev/null");
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int run(const char *args, const char *out_path)
{
	return run2(args, out_path, NULL);
}

/* Minimal RFC 4180 reader: quoted fields with doubled quotes, no line
 * breaks inside fields (rgbench never writes any). */
static csv_t read_csv(const char *path)
{
	csv_t c = {0};
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	static char line[65536];
	int cap = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (c.n == cap) {
			cap = cap ? cap * 2 : 64;
			c.rows = realloc(c.rows, (size_t)cap * sizeof *c.rows);
		}
		row_t *r = &c.rows[c.n++];
		memset(r, 0, sizeof *r);
		static char field[65536];
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
				if (r->n < 64)
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
	c->rows = NULL;
	c->n = 0;
}

static const char *tmp_path(const char *tag, const char *ext)
{
	static char p[8][256];
	static int i;
	char *s = p[i++ & 7];
	snprintf(s, sizeof p[0], "/tmp/test_rgbench_%s_%ld.%s", tag, (long)getpid(), ext);
	unlink(s);
	return s;
}

/* "/tmp/x.csv" -> "/tmp/x.ratios.csv" */
static const char *ratios_of(const char *csv)
{
	static char p[300];
	snprintf(p, sizeof p, "%.*s.ratios.csv", (int)(strlen(csv) - 4), csv);
	return p;
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

/* Runs args with --csv, expects exit status want, reads both CSVs. */
static void run_both(const char *args, const char *tag, int want, csv_t *rows, csv_t *ratios)
{
	const char *path = tmp_path(tag, "csv");
	char a[4096];
	snprintf(a, sizeof a, "%s --csv %s", args, path);
	int rc = run(a, NULL);
	cr_assert_eq(rc, want, "rgbench %s exited %d, want %d", a, rc, want);
	*rows = read_csv(path);
	unlink(path);
	cr_assert_gt(rows->n, 1, "no rows from rgbench %s", args);
	for (int i = 0; i < rows->n; i++)
		cr_assert_eq(rows->rows[i].n, NCOL, "row %d has %d fields, want %d", i, rows->rows[i].n,
			     NCOL);
	const char *rp = ratios_of(path);
	if (ratios) {
		*ratios = read_csv(rp);
		for (int i = 0; i < ratios->n; i++)
			cr_assert_eq(ratios->rows[i].n, NRCOL, "ratios row %d has %d fields", i,
				     ratios->rows[i].n);
	}
	unlink(rp);
}

static csv_t run_csv(const char *args, const char *tag)
{
	csv_t c;
	run_both(args, tag, 0, &c, NULL);
	return c;
}

static int ncpus(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof set, &set))
		return (int)sysconf(_SC_NPROCESSORS_ONLN);
	return CPU_COUNT(&set);
}

static int count_wl(const csv_t *c, const char *wl)
{
	int n = 0;
	for (int i = 1; i < c->n; i++)
		n += !strcmp(c->rows[i].f[C_WL], wl);
	return n;
}

static int is_verdict(const char *v)
{
	static const char *const ok[] = {"", "reference", "aa", "aa-biased", "indistinguishable",
					 "below", "above", "too-few", "invalid", "oversubscribed",
					 "no-data", "sample", "failed"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (!strcmp(v, ok[i]))
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */

Test(rgbench, help_and_list)
{
	const char *out = tmp_path("help", "txt");
	cr_assert_eq(run("--help", out), 0);
	FILE *f = fopen(out, "r");
	cr_assert_not_null(f);
	static char buf[32768];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	static const char *const opts[] = {
		"--workload", "--sync", "--threads", "--variant", "--rounds", "--duration", "--warmup",
		"--graph", "--update-ratio", "--batch", "--durability", "--pin", "--pack", "--seed",
		"--csv", "--ratios", "--keep-going", "--ops", "--metrics-port", "--quick", "--list",
		"--flaw", "--rate", "Exit status", "example"};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		cr_expect(strstr(buf, opts[i]) != NULL, "--help does not mention %s", opts[i]);
	cr_assert_eq(run("--list", out), 0);
	f = fopen(out, "r");
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	unlink(out);
	static const char *const wls[] = {"readonly", "readtargets", "mixed", "traversal",
					  "contention", "writer", "counters", "latency", "memory",
					  "realgraphs", "peers", "oldbench", "sectioncost", "insert",
					  "load", "footprint", "wal", "longread", "openloop", "kernels",
					  "rcu-memb", "variants: cache dram"};
	for (size_t i = 0; i < sizeof wls / sizeof wls[0]; i++)
		cr_expect(strstr(buf, wls[i]) != NULL, "--list does not mention %s", wls[i]);
	cr_expect(strstr(buf, "selftest") == NULL, "the fake workload is listed");
	cr_expect(strstr(buf, "lmdb ") == NULL, "the removed lmdb workload is listed");
}

/* Every bad input is exit 2, before anything runs: each command asks for
 * hour-long trials, so one that started running would hit the test's
 * timeout instead of returning. No CSV is left behind. */
Test(rgbench, bad_input_is_an_error_before_any_run, .timeout = 120)
{
	const char *csv = tmp_path("bad", "csv");
	static const char *const cases[] = {
		"--sync nope",                      /* unknown policy */
		"--sync rcu-memb,nope",             /* one unknown among known */
		"--workload nope",                  /* unknown workload */
		"--workload readonly,nope",
		"--workload readtargets --variant nope", /* unknown variant */
		"--workload readonly --variant cache",   /* a variant of another workload */
		"--threads 0", "--threads 1,x", "--threads 3-1", "--rounds 0", "--rounds x",
		"--duration -1", "--duration abc", "--warmup -2", "--pin 2", "--pack x", "--seed -1",
		"--update-ratio 101", "--batch 0", "--ops 0",
		"--durability sometimes", "--flaw everything",
		"--rate 0", "--rate x", "--rate 1e12",  /* openloop's arrival rate */
		"--workload lmdb",                  /* removed: the peers workload */
		"--workload insert --variant cache", /* a variant of another workload */
		"--workload peers --variant neighbours", /* misspelt */
		"--workload kernels --variant dfs",
		"--workload wal,load --variant nope",
		"--graph rmat:scale=x",             /* bad graph spec */
		"--graph /nonexistent/file.txt",    /* unreadable graph */
		"--trials 3",                       /* removed option */
		"--pin",                            /* missing value */
		"stray",
	};
	char a[1024];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(a, sizeof a, "--workload readonly --duration 3600 --rounds 10 %s --csv %s",
			 cases[i], csv);
		cr_expect_eq(run(a, NULL), 2, "'%s' is not exit 2", cases[i]);
		cr_expect_neq(access(csv, F_OK), 0, "'%s' created the CSV", cases[i]);
	}
	/* unwritable CSVs: a missing directory, a directory, a read-only ratios path */
	const char *err = tmp_path("bad", "err");
	cr_expect_eq(run2("--workload readonly --duration 3600 --csv /nonexistent/dir/x.csv", NULL,
			  err),
		     2);
	FILE *f = fopen(err, "r");
	char msg[512] = "";
	cr_assert_not_null(f);
	cr_expect_not_null(fgets(msg, sizeof msg, f));
	fclose(f);
	unlink(err);
	cr_expect(strstr(msg, "/nonexistent/dir/x.csv") != NULL, "message names the path: %s", msg);
	cr_expect_eq(run("--workload readonly --duration 3600 --csv /tmp", NULL), 2);
	snprintf(a, sizeof a, "--workload readonly --duration 3600 --csv %s --ratios /nonexistent/r.csv",
		 csv);
	cr_expect_eq(run(a, NULL), 2);
	cr_expect_neq(access(csv, F_OK), 0, "the writability check left a file");
}

Test(rgbench, csv_schema_metadata_and_statistics)
{
	csv_t c, r;
	run_both("--workload selftest --variant serial --threads 1,2 --rounds 6 --duration 0.02 "
		 "--warmup 0.005",
		 "schema", 0, &c, &r);
	for (int k = 0; k < NCOL; k++)
		cr_assert_str_eq(c.rows[0].f[k], schema[k], "header column %d", k);
	for (int k = 0; k < NRCOL; k++)
		cr_assert_str_eq(r.rows[0].f[k], rschema[k], "ratios header column %d", k);
	/* 6 rounds x (nosync, slow, nosync#2) x 2 thread counts; warm-ups never written */
	cr_assert_eq(c.n - 1, 36);
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
		cr_assert(!strncmp(f[C_COMPILER], "gcc ", 4) || !strncmp(f[C_COMPILER], "clang ", 6));
		cr_assert_neq(f[C_BUILD][0], 0);
		cr_assert_str_eq(f[C_SEED], "1");
		cr_assert_str_eq(f[C_WL], "selftest");
		cr_assert_str_eq(f[C_VARIANT], "serial");
		cr_assert_str_eq(f[C_ROUNDS], "6");
		int round = atoi(f[C_ROUND]);
		cr_assert(round >= 0 && round < 6);
		cr_assert_str_eq(f[C_DUR], "0.02");
		cr_assert_str_eq(f[C_WARM], "0.005");
		cr_assert_str_eq(f[C_UNIT], "ops");
		cr_assert_str_eq(f[C_P50], "", "no latency measured: empty percentile");
		cr_assert_str_eq(f[C_CALLRCU], "none");
		cr_assert_str_eq(f[C_OVER], "0");
		cr_assert_str_eq(f[C_VALID], "valid");
		cr_assert(!strchr(f[C_EXTRA], ','));
		cr_assert(is_verdict(f[C_VERDICT]), "verdict '%s'", f[C_VERDICT]);
		/* pinned: one distinct CPU per worker, rotating with the round */
		int t = atoi(f[C_THREADS]);
		if (t == 1) {
			cr_assert(strlen(f[C_CPUS]) > 0 && !strchr(f[C_CPUS], ';'), "cpus %s", f[C_CPUS]);
		} else {
			int a, b;
			cr_assert_eq(sscanf(f[C_CPUS], "%d;%d", &a, &b), 2, "cpus %s", f[C_CPUS]);
			cr_assert_neq(a, b, "two workers on one CPU: %s", f[C_CPUS]);
		}
		if (!strcmp(f[C_SYNC], "nosync")) {
			cr_assert_str_eq(f[C_VERDICT], "reference");
			cr_assert_str_eq(f[C_R], "");
		} else {
			/* slow and the A/A copy: a ratio to nosync with its CI */
			cr_assert_str_eq(f[C_REF], "nosync@serial");
			double x = strtod(f[C_R], NULL), lo = strtod(f[C_RLO], NULL),
			       hi = strtod(f[C_RHI], NULL);
			cr_assert(lo > 0 && lo <= x && x <= hi, "ratio %s [%s, %s]", f[C_R], f[C_RLO],
				  f[C_RHI]);
			cr_assert_str_eq(f[C_RN], "6");
			if (!strcmp(f[C_SYNC], "nosync#2"))
				cr_assert(!strncmp(f[C_VERDICT], "aa", 2), "A/A verdict %s", f[C_VERDICT]);
		}
		cr_assert_geq(strtod(f[C_RES], NULL), 0, "resolution '%s'", f[C_RES]);
		if (t == 2 && strcmp(f[C_SYNC], "nosync#2"))
			cr_assert_neq(f[C_SP][0], 0, "2-thread rows carry a speedup");
		if (f[C_RANK][0])
			cr_assert_geq(atoi(f[C_RANK]), 1);
	}
	/* the ratios CSV: A/A per thread count, slow/nosync, speedups */
	int aa = 0, ratio = 0, speedup = 0;
	for (int i = 1; i < r.n; i++) {
		char **f = r.rows[i].f;
		cr_assert_str_eq(f[R_WL], "selftest");
		cr_assert_str_eq(f[R_VALID], "valid");
		cr_assert(is_verdict(f[R_VERDICT]), "verdict %s", f[R_VERDICT]);
		aa += !strcmp(f[R_KIND], "aa");
		ratio += !strcmp(f[R_KIND], "ratio") && !strcmp(f[R_NAME], "slow/nosync");
		speedup += !strcmp(f[R_KIND], "speedup");
		if (!strcmp(f[R_KIND], "aa"))
			cr_assert_geq(strtod(f[R_RES], NULL), 0);
		cr_assert_str_eq(f[R_N], "6");
		cr_assert(strtod(f[R_COV], NULL) >= 0.95, "coverage %s", f[R_COV]);
	}
	cr_assert_eq(aa, 2);
	cr_assert_eq(ratio, 2);
	cr_assert_eq(speedup, 2);
	free_csv(&c);
	free_csv(&r);
}

/* Each round runs every configuration once, in an order that depends only
 * on the seed and the round. */
Test(rgbench, rounds_are_shuffled_and_seeded)
{
	const char *args = "--workload selftest --variant serial --threads 1,2 --rounds 6 "
			   "--duration 0.01 --warmup 0";
	char a[512];
	snprintf(a, sizeof a, "%s --seed 7", args);
	csv_t x = run_csv(a, "seedA"), y = run_csv(a, "seedB");
	snprintf(a, sizeof a, "%s --seed 8", args);
	csv_t z = run_csv(a, "seedC");
	const int ncfg = 6;
	char orders[3][6][6][32];
	memset(orders, 0, sizeof orders);
	csv_t *runs[3] = {&x, &y, &z};
	for (int k = 0; k < 3; k++)
		for (int i = 1; i < runs[k]->n; i++) {
			char **f = runs[k]->rows[i].f;
			int r = atoi(f[C_ROUND]), p = atoi(f[C_POS]);
			cr_assert(r >= 0 && r < 6 && p >= 0 && p < ncfg, "round %d pos %d", r, p);
			cr_assert_eq(orders[k][r][p][0], 0, "two runs at round %d position %d", r, p);
			snprintf(orders[k][r][p], 32, "%s/%s", f[C_SYNC], f[C_THREADS]);
		}
	int differ_rounds = 0, differ_seed = 0;
	for (int r = 0; r < 6; r++)
		for (int p = 0; p < ncfg; p++) {
			cr_assert_neq(orders[0][r][p][0], 0, "round %d misses position %d", r, p);
			cr_assert_str_eq(orders[0][r][p], orders[1][r][p], "same seed, other order");
			differ_seed += strcmp(orders[0][r][p], orders[2][r][p]) != 0;
			if (r)
				differ_rounds += strcmp(orders[0][r][p], orders[0][0][p]) != 0;
		}
	cr_assert_gt(differ_rounds, 0, "every round has the same order");
	cr_assert_gt(differ_seed, 0, "another seed gives the same orders");
	free_csv(&x);
	free_csv(&y);
	free_csv(&z);
}

Test(rgbench, barrier_duration_counters_and_precision)
{
	csv_t c;
	run_both("--workload selftest --variant linear --threads 1,3 --rounds 2 --duration 0.03 "
		 "--warmup 0.01 --keep-going",
		 "barrier", 0, &c, NULL);
	cr_assert_eq(c.n - 1, 2 * 4);
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
		cr_assert_geq(extra_val(f[C_EXTRA], "cpu_share_min"), 0);
		/* per-thread checksums merge consistently with the op counts */
		uint64_t ck = strtoull(f[C_CK], NULL, 16);
		cr_assert_eq(ck, ops * 0x9E3779B97F4A7C15ull, "checksum != ops * K");
		/* throughput is ops over the measured elapsed time, at full
		 * precision (never rounded) */
		double tput = strtod(f[C_TPUT], NULL);
		double want = (double)ops / el;
		cr_assert(fabs(tput - want) / want < 1e-6, "throughput %s vs ops/elapsed %.9g",
			  f[C_TPUT], want);
	}
	free_csv(&c);
}

/* A speedup above the thread count, or a "synchronised" configuration
 * above the nosync ceiling: INVALID in both CSVs and exit 4, unless
 * --keep-going (exit 0, still INVALID). */
Test(rgbench, hard_checks_make_the_run_invalid)
{
	/* 12 rounds: the order-statistic CI is then not [min, max], so one
	 * round starved by a loaded machine (parallel ASan tests) cannot
	 * stretch the A/A resolution past the 64x effects */
	const char *base = "--workload selftest --threads 1,2 --rounds 12 --duration 0.04 --warmup 0";
	char a[512];
	static const char *const variants[] = {"superlinear", "ceiling"};
	for (int v = 0; v < 2; v++) {
		csv_t c, r;
		snprintf(a, sizeof a, "%s --variant %s", base, variants[v]);
		run_both(a, "inv", 4, &c, &r);
		int invalid = 0;
		for (int i = 1; i < c.n; i++) {
			char **f = c.rows[i].f;
			cr_assert_str_eq(f[C_VALID], "INVALID", "%s row not INVALID", variants[v]);
			if (!strcmp(f[C_VERDICT], "invalid")) {
				invalid++;
				cr_assert(strstr(f[C_EXTRA], "invalid_reason=") != NULL,
					  "no invalid_reason in %s", f[C_EXTRA]);
				if (v == 0) {
					cr_assert_str_eq(f[C_SYNC], "superlinear");
					cr_assert_str_eq(f[C_THREADS], "2");
					cr_assert(strstr(f[C_EXTRA], "speedup above the thread count"));
				} else {
					cr_assert_str_eq(f[C_SYNC], "fast");
					cr_assert(strstr(f[C_EXTRA], "ceiling"));
				}
			}
		}
		cr_assert_gt(invalid, 0, "%s: no invalid configuration", variants[v]);
		for (int i = 1; i < r.n; i++)
			cr_assert_str_eq(r.rows[i].f[R_VALID], "INVALID");
		free_csv(&c);
		free_csv(&r);
		snprintf(a, sizeof a, "%s --variant %s --keep-going", base, variants[v]);
		run_both(a, "inv2", 0, &c, NULL);
		for (int i = 1; i < c.n; i++)
			cr_assert_str_eq(c.rows[i].f[C_VALID], "INVALID");
		free_csv(&c);
	}
}

/* Without --keep-going an INVALID workload stops the run: the next one is
 * not started. */
Test(rgbench, invalid_stops_the_run_unless_keep_going)
{
	const char *out = tmp_path("stop", "txt");
	cr_assert_eq(run("--workload selftest,counters --variant ceiling --threads 1 --rounds 12 "
			 "--duration 0.04 --warmup 0",
			 out),
		     4);
	FILE *f = fopen(out, "r");
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	unlink(out);
	cr_assert(strstr(buf, "counters not run") != NULL, "counters ran after an INVALID study");
	cr_assert(strstr(buf, "RUN INVALID") != NULL);
}

Test(rgbench, oversubscribed_runs_are_labelled_never_judged)
{
	int np = ncpus();
	char args[256];
	snprintf(args, sizeof args,
		 "--workload selftest --variant serial --threads 1,%d --rounds 6 --duration 0.01 "
		 "--warmup 0",
		 np + 1);
	csv_t c = run_csv(args, "over");
	int seen = 0;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		int threads = atoi(f[C_THREADS]);
		cr_assert_str_eq(f[C_OVER], threads > np ? "1" : "0", "threads %d cpus %d", threads, np);
		if (threads > np) {
			seen++;
			cr_assert_str_eq(f[C_RANK], "", "an oversubscribed run was ranked");
			if (!strcmp(f[C_SYNC], "slow"))
				cr_assert_str_eq(f[C_VERDICT], "oversubscribed");
		}
		cr_assert_str_eq(f[C_VALID], "valid");
	}
	cr_assert_gt(seen, 0);
	free_csv(&c);
}

Test(rgbench, pin_0_and_appending)
{
	const char *path = tmp_path("append", "csv");
	char a[512];
	snprintf(a, sizeof a, "--workload selftest --variant linear --threads 1 --rounds 2 "
			      "--duration 0.01 --warmup 0 --pin 0 --keep-going --csv %s",
		 path);
	cr_assert_eq(run(a, NULL), 0);
	sleep(1); /* run_id has a seconds timestamp; pids differ anyway */
	cr_assert_eq(run(a, NULL), 0);
	csv_t c = read_csv(path);
	unlink(path);
	unlink(ratios_of(path));
	int headers = 0;
	for (int i = 0; i < c.n; i++)
		headers += !strcmp(c.rows[i].f[0], "run_id");
	cr_assert_eq(headers, 1);
	cr_assert_eq(c.n, 1 + 2 * 2 * 2);
	cr_assert_str_neq(c.rows[1].f[C_RUN], c.rows[c.n - 1].f[C_RUN]);
	for (int i = 1; i < c.n; i++)
		cr_assert_str_eq(c.rows[i].f[C_CPUS], "none", "--pin 0 but cpus %s", c.rows[i].f[C_CPUS]);
	free_csv(&c);
}

/* Equal work within a study: every configuration on one graph reports the
 * checksum of the same queries. */
static void same_checksum(const csv_t *c, const char *wl, const char *variant_prefix)
{
	const char *ck = NULL;
	for (int i = 1; i < c->n; i++) {
		char **f = c->rows[i].f;
		if (strcmp(f[C_WL], wl) ||
		    (variant_prefix && strncmp(f[C_VARIANT], variant_prefix, strlen(variant_prefix))))
			continue;
		cr_assert_neq(f[C_CK][0], 0, "%s %s %s: no checksum", wl, f[C_VARIANT], f[C_SYNC]);
		if (!ck)
			ck = f[C_CK];
		cr_assert_str_eq(f[C_CK], ck, "%s %s %s: checksum", wl, f[C_VARIANT], f[C_SYNC]);
	}
	cr_assert_not_null(ck, "no %s rows", wl);
}

Test(rgbench, read_workloads_end_to_end, .timeout = 300)
{
	csv_t c = run_csv("--workload readonly,mixed,traversal,contention,latency "
			  "--sync rcu-memb,rwlock,rcu-qsbr --threads 1,2 --duration 0.01 --warmup 0 "
			  "--rounds 2 --graph uniform:n=2000,deg=4,seed=1 --update-ratio 0,20 --keep-going",
			  "e2e");
	static const char *const wls[] = {"readonly", "mixed", "traversal", "contention", "latency"};
	for (size_t i = 0; i < sizeof wls / sizeof wls[0]; i++)
		cr_expect_gt(count_wl(&c, wls[i]), 0, "no %s rows", wls[i]);
	/* readonly and mixed (writes are undone): one graph, one answer */
	same_checksum(&c, "readonly", NULL);
	same_checksum(&c, "mixed", NULL);
	same_checksum(&c, "contention", NULL);
	int nosync = 0, aa = 0;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		cr_assert_gt(strtod(f[C_TPUT], NULL), 0, "%s %s %s: zero throughput", f[C_WL],
			     f[C_VARIANT], f[C_SYNC]);
		cr_assert(is_verdict(f[C_VERDICT]), "verdict %s", f[C_VERDICT]);
		nosync += !strcmp(f[C_WL], "readonly") && !strcmp(f[C_SYNC], "nosync");
		aa += !strcmp(f[C_WL], "readonly") && !strcmp(f[C_SYNC], "nosync#2");
		/* nosync never runs writes */
		if (!strncmp(f[C_SYNC], "nosync", 6))
			cr_assert(strcmp(f[C_WL], "mixed") || !strcmp(f[C_RATIO], "0"), "nosync wrote");
		if (!strcmp(f[C_WL], "readonly") && !strcmp(f[C_SYNC], "rwlock"))
			cr_assert_str_eq(f[C_REF], "nosync");
		if (!strcmp(f[C_WL], "readonly") && !strcmp(f[C_SYNC], "rcu-memb"))
			cr_assert(strchr(f[C_CALLRCU], '0') != NULL, "call_rcu CPUs '%s'", f[C_CALLRCU]);
		if (!strcmp(f[C_WL], "mixed") && !strcmp(f[C_RATIO], "20"))
			cr_assert_gt(extra_val(f[C_EXTRA], "writes"), -1);
		if (!strcmp(f[C_WL], "latency") && strcmp(f[C_VERDICT], "failed")) {
			double p50 = strtod(f[C_P50], NULL), p99 = strtod(f[C_P99], NULL),
			       p999 = strtod(f[C_P999], NULL);
			cr_assert(p50 > 0 && p50 <= p99 && p99 <= p999, "percentiles %s %s %s",
				  f[C_P50], f[C_P99], f[C_P999]);
		}
	}
	cr_assert_eq(nosync, 2 * 2, "readonly adds nosync, the reference");
	cr_assert_eq(aa, 2 * 2, "readonly adds nosync#2, the A/A control");
	/* traversal: sequential and parallel compute the same result */
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		if (strcmp(f[C_WL], "traversal"))
			continue;
		for (int k = 1; k < c.n; k++) {
			char **g = c.rows[k].f;
			if (!strcmp(g[C_WL], "traversal") &&
			    !strncmp(g[C_VARIANT], f[C_VARIANT], strlen(f[C_VARIANT]) - 3))
				cr_assert_str_eq(g[C_CK], f[C_CK], "%s vs %s", f[C_VARIANT], g[C_VARIANT]);
		}
	}
	free_csv(&c);
}

Test(rgbench, other_workloads_end_to_end, .timeout = 300)
{
	csv_t c = run_csv("--workload writer,counters,memory --sync rcu-memb,ck-epoch --threads 1,2 "
			  "--duration 0.01 --warmup 0 --rounds 2 --graph uniform:n=2000,deg=4,seed=1 "
			  "--durability none,commit --batch 10 --keep-going",
			  "e2e2");
	cr_expect_gt(count_wl(&c, "writer"), 0);
	cr_expect_gt(count_wl(&c, "counters"), 0);
	cr_expect_gt(count_wl(&c, "memory"), 0);
	int samples = 0;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		if (!strcmp(f[C_WL], "writer")) {
			cr_assert_neq(f[C_P99][0], 0, "writer rows carry commit latency");
			cr_assert(!strcmp(f[C_DURA], "none") || !strcmp(f[C_DURA], "commit"));
			cr_assert_str_neq(f[C_SYNC], "nosync");
		}
		if (!strcmp(f[C_WL], "counters"))
			cr_assert_eq(extra_val(f[C_EXTRA], "exact"), 1, "counter %s inexact", f[C_SYNC]);
		if (!strcmp(f[C_WL], "memory") && !strncmp(f[C_VARIANT], "t=", 2)) {
			samples++;
			cr_assert_str_eq(f[C_VERDICT], "sample");
			cr_assert_gt(extra_val(f[C_EXTRA], "rss_bytes"), 0);
			cr_assert_geq(extra_val(f[C_EXTRA], "pending_bytes"), 0);
		}
	}
	cr_assert_gt(samples, 0);
	free_csv(&c);
}

/* The read targets: one run, paired per round; every path of a phase
 * checksums the same queries; the targets are named comparisons. */
Test(rgbench, readtargets_end_to_end, .timeout = 300)
{
	csv_t c, r;
	run_both("--workload readtargets --graph uniform:n=3000,deg=8,seed=3 --threads 1,2 "
		 "--rounds 2 --duration 0.01 --warmup 0 --keep-going",
		 "rt", 0, &c, &r);
	same_checksum(&c, "readtargets", "custom:packed:");
	same_checksum(&c, "readtargets", "custom:edited:");
	const char *ckp = NULL, *cke = NULL;
	int paths = 0;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		if (!strncmp(f[C_VARIANT], "custom:packed:", 14))
			ckp = f[C_CK];
		else
			cke = f[C_CK];
		paths |= !strcmp(f[C_VARIANT], "custom:packed:csr") << 0;
		paths |= !strcmp(f[C_VARIANT], "custom:packed:span") << 1;
		paths |= !strcmp(f[C_VARIANT], "custom:packed:span-inline") << 2;
		paths |= (!strcmp(f[C_VARIANT], "custom:packed:section-inline") &&
			  !strcmp(f[C_SYNC], "rcu-memb")) << 3;
		paths |= (!strcmp(f[C_VARIANT], "custom:packed:section") && !strcmp(f[C_SYNC], "nosync#2"))
			 << 4;
		paths |= !strcmp(f[C_VARIANT], "custom:edited:span") << 5;
	}
	cr_assert_eq(paths, 63, "missing paths (mask %d)", paths);
	cr_assert(ckp && cke && strcmp(ckp, cke), "the edits did not change the answers");
	static const char *const targets[] = {"t14-span/csr", "t14-section-inline-nosync/csr",
					      "t14-section-inline-rcu-memb/csr", "t14-edited-span/csr",
					      "t14-rcu-memb/nosync-inline", "t14-rcu-memb/nosync-exported"};
	for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++)
		for (int th = 1; th <= 2; th++) {
			int found = 0;
			for (int i = 1; i < r.n; i++) {
				char **f = r.rows[i].f;
				if (!strcmp(f[R_NAME], targets[t]) && atoi(f[R_THREADS]) == th) {
					found++;
					cr_assert_str_eq(f[R_KIND], "compare");
					cr_assert(strtod(f[R_LO], NULL) <= strtod(f[R_EST], NULL));
				}
			}
			cr_assert_eq(found, 1, "target %s at %d threads", targets[t], th);
		}
	int aa = 0;
	for (int i = 1; i < r.n; i++)
		aa += !strcmp(r.rows[i].f[R_KIND], "aa");
	cr_assert_eq(aa, 4, "an A/A control per phase and thread count");
	free_csv(&c);
	free_csv(&r);
}

Test(rgbench, sectioncost_under_callgrind, .timeout = 300)
{
	if (system("valgrind --version >/dev/null 2>&1") != 0)
		cr_skip_test("valgrind not installed (scripts/setup.sh)");
	const char *path = tmp_path("sc", "csv");
	char a[512];
	snprintf(a, sizeof a, "--workload sectioncost --graph uniform:n=1000,deg=4,seed=2 --ops 500 "
			      "--sync rcu-memb,nosync,rwlock --csv %s",
		 path);
	const char *err = tmp_path("sc", "err");
	int rc = run2(a, NULL, err);
	FILE *ef = fopen(err, "r");
	static char ebuf[8192];
	size_t en = ef ? fread(ebuf, 1, sizeof ebuf - 1, ef) : 0;
	ebuf[en] = 0;
	if (ef)
		fclose(ef);
	unlink(err);
	if (rc && strstr(ebuf, "sanitizer build"))
		cr_skip_test("a sanitizer build: valgrind cannot run it");
	cr_assert_eq(rc, 0, "sectioncost failed: %s", ebuf);
	csv_t c = read_csv(path);
	unlink(path);
	cr_assert_str_eq(c.rows[0].f[10], "tool");
	int idx[64], nf = c.rows[0].n;
	const char *names[] = {"path", "sync", "kind", "ops", "equal_work", "Ir_per_op", "D1mr_per_op"};
	for (int k = 0; k < 7; k++) {
		idx[k] = -1;
		for (int j = 0; j < nf; j++)
			if (!strcmp(c.rows[0].f[j], names[k]))
				idx[k] = j;
		cr_assert_geq(idx[k], 0, "no column %s", names[k]);
	}
	/* exported section + query for 3 policies, inline for 2, csr, 2 spans */
	cr_assert_eq(c.n - 1, 3 * 2 + 2 * 2 + 1 + 2);
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		cr_assert_eq(c.rows[i].n, nf);
		cr_assert_str_eq(f[idx[3]], "500");
		cr_assert_str_eq(f[idx[4]], "1", "%s %s %s: unequal work", f[idx[0]], f[idx[1]], f[idx[2]]);
		double ir = strtod(f[idx[5]], NULL);
		/* instruction counts are exact: a query costs more than nothing */
		if (strstr(f[idx[2]], "query") || !strcmp(f[idx[2]], "csr"))
			cr_assert_gt(ir, 1, "%s %s: %g Ir/op", f[idx[1]], f[idx[2]], ir);
		if (!strcmp(f[idx[0]], "inline"))
			cr_assert(!strcmp(f[idx[1]], "rcu-memb") || !strcmp(f[idx[1]], "nosync"));
	}
	free_csv(&c);
}

Test(rgbench, oldbench_flaws_are_switchable, .timeout = 300)
{
	csv_t c = run_csv("--workload oldbench --sync rcu-memb --threads 1,2 --rounds 2 "
			  "--flaw semantics-mismatch,ms-rounding --keep-going",
			  "old");
	int honest = 0, mism = 0, ms = 0;
	const char *ck_honest = NULL, *ck_m1 = NULL, *ck_m2 = NULL;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		cr_assert_str_eq(f[C_WL], "oldbench");
		cr_assert_eq(strstr(f[C_VARIANT], "spawn-in-timer"), NULL, "flaw not selected ran");
		if (strstr(f[C_VARIANT], "flaw=none"))
			cr_assert_str_neq(f[C_VALID], "flawed");
		else
			cr_assert_str_eq(f[C_VALID], "flawed", "%s", f[C_VARIANT]);
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
	/* 2 rounds x 2 thread counts, the honest ones with their A/A copies */
	cr_assert_eq(honest, 2 * 2 * 2);
	cr_assert_eq(mism, 2 * 2);
	cr_assert_gt(ms, 0);
	cr_assert(ck_m1 && ck_m2 && strcmp(ck_m1, ck_m2), "semantics mismatch must change the work");
	free_csv(&c);
}

/* ------------------------------------------------------------------ */
/* Equal work can fail: both checks, by construction                  */
/* ------------------------------------------------------------------ */

/* "unequal": a configuration whose equal-work hook returns another
 * checksum than its group's (the check every study runs before timing);
 * "unequal-run": a count-based configuration whose runs report a wrong
 * result from round 1 on (rgb_work_check, the per-run check of insert,
 * load, kernels, wal and peers). Both must make the run INVALID (exit 4),
 * naming the reason, and only that configuration. */
Test(rgbench, equal_work_checks_fail_by_construction)
{
	static const char *const variants[] = {"unequal", "unequal-run"};
	static const char *const reasons[] = {"unequal work: checksum", "unequal work in round 1"};
	for (int v = 0; v < 2; v++) {
		char a[256];
		snprintf(a, sizeof a, "--workload selftest --variant %s --threads 1 --rounds 6 "
				      "--duration 0.01 --warmup 0",
			 variants[v]);
		csv_t c;
		run_both(a, "uneq", 4, &c, NULL);
		int liar = 0;
		for (int i = 1; i < c.n; i++) {
			char **f = c.rows[i].f;
			cr_assert_str_eq(f[C_VALID], "INVALID");
			if (!strcmp(f[C_SYNC], "liar")) {
				liar++;
				cr_assert_str_eq(f[C_VERDICT], "invalid");
				cr_assert(strstr(f[C_EXTRA], reasons[v]) != NULL, "%s: reason in %s",
					  variants[v], f[C_EXTRA]);
			} else {
				cr_assert_str_neq(f[C_VERDICT], "invalid", "%s %s", variants[v], f[C_SYNC]);
			}
		}
		cr_assert_eq(liar, 6);
		free_csv(&c);
	}
}

/* ------------------------------------------------------------------ */
/* The writer-side workloads                                          */
/* ------------------------------------------------------------------ */

static const char *find_ratio(const csv_t *r, const char *wl, const char *name, int threads)
{
	for (int i = 1; i < r->n; i++) {
		char **f = r->rows[i].f;
		if (!strcmp(f[R_WL], wl) && !strcmp(f[R_NAME], name) &&
		    (threads <= 0 || atoi(f[R_THREADS]) == threads)) {
			cr_assert_str_eq(f[R_KIND], "compare", "%s %s", wl, name);
			cr_assert(strtod(f[R_LO], NULL) <= strtod(f[R_EST], NULL) &&
				  strtod(f[R_EST], NULL) <= strtod(f[R_HI], NULL), "%s %s: CI", wl, name);
			return f[R_EST];
		}
	}
	cr_assert_fail("no %s comparison %s at %d threads", wl, name, threads);
	return NULL;
}

/* The equal-work checks passed: no configuration of wl is INVALID for
 * unequal work. (Other hard checks, a speedup above the thread count or a
 * policy above nosync, depend on timing on a loaded machine and are not
 * asserted here: --keep-going keeps such a run.) */
static void equal_work_held(const csv_t *c, const char *wl)
{
	int n = 0;
	for (int i = 1; i < c->n; i++) {
		char **f = c->rows[i].f;
		if (strcmp(f[C_WL], wl))
			continue;
		n++;
		cr_assert(strstr(f[C_EXTRA], "unequal work") == NULL, "%s %s %s: %s", wl, f[C_VARIANT],
			  f[C_SYNC], f[C_EXTRA]);
		cr_assert(is_verdict(f[C_VERDICT]) || !strcmp(f[C_VERDICT], ""), "verdict %s",
			  f[C_VERDICT]);
	}
	cr_assert_gt(n, 0, "no %s rows", wl);
}

Test(rgbench, insert_load_footprint_wal_end_to_end, .timeout = 600)
{
	csv_t c, r;
	run_both("--quick --workload insert,load,footprint,wal --rounds 2 --duration 0.02 --warmup 0 "
		 "--graph rmat:scale=10,ef=8,seed=1 --keep-going",
		 "ins", 0, &c, &r);
	/* insert: every batched store holds the same adjacency */
	same_checksum(&c, "insert", "batched:");
	int stores = 0;
	const char *one = NULL, *spread = NULL;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		if (strcmp(f[C_WL], "insert"))
			continue;
		cr_assert_str_eq(f[C_UNIT], "edges");
		cr_assert(extra_val(f[C_EXTRA], "count_based") == 1);
		stores |= !strcmp(f[C_VARIANT], "batched:floor") << 0;
		stores |= !strcmp(f[C_VARIANT], "batched:vfloor") << 1;
		stores |= !strcmp(f[C_VARIANT], "batched:txn=10000") << 2;
		stores |= !strcmp(f[C_VARIANT], "batched:txn=1048576") << 3;
		stores |= !strcmp(f[C_SYNC], "floor#2") << 4;
		if (!strcmp(f[C_VARIANT], "hub:one"))
			one = f[C_CK];
		if (!strcmp(f[C_VARIANT], "hub:spread"))
			spread = f[C_CK];
	}
	cr_assert_eq(stores, 31, "missing insert stores (mask %d)", stores);
	cr_assert(one && spread && strcmp(one, spread), "hub and spread insert different edges");
	equal_work_held(&c, "insert");
	find_ratio(&r, "insert", "t-insert/floor", 1);
	find_ratio(&r, "insert", "t-insert/vfloor", 1);
	find_ratio(&r, "insert", "t-bulk/floor", 1);
	find_ratio(&r, "insert", "t-hub-time/spread-time", 1);
	/* load: rcugraph and the CSR builds agree */
	same_checksum(&c, "load", "custom:");
	equal_work_held(&c, "load");
	find_ratio(&r, "load", "t-load-time/csr1T", 1);
	find_ratio(&r, "load", "t-load-time/csr2T", 2);
	/* footprint: one deterministic row per store, equal adjacency */
	same_checksum(&c, "footprint", NULL);
	equal_work_held(&c, "footprint");
	int fp = 0;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		if (strcmp(f[C_WL], "footprint"))
			continue;
		fp++;
		cr_assert_str_eq(f[C_UNIT], "bytes/edge");
		cr_assert_gt(strtod(f[C_TPUT], NULL), 4.0, "fewer than 4 bytes per edge: %s", f[C_TPUT]);
		if (strcmp(f[C_VARIANT], "csr"))
			cr_assert_gt(extra_val(f[C_EXTRA], "mem_heads"), 0);
	}
	cr_assert_eq(fp, 3);
	cr_assert_str_eq(find_ratio(&r, "footprint", "t-footprint-packed/csr", 1),
			 find_ratio(&r, "footprint", "t-footprint-packed/csr", 1));
	/* wal: every open replays the whole log; readers with and without a
	 * checkpointer read the same */
	same_checksum(&c, "wal", "replay");
	same_checksum(&c, "wal", "ckptread");
	equal_work_held(&c, "wal");
	int replay = 0, during = 0;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		if (!strcmp(f[C_WL], "wal") && !strcmp(f[C_VARIANT], "replay")) {
			replay++;
			cr_assert_eq(strtoull(f[C_OPS], NULL, 10), strtoull(f[C_EDGES], NULL, 10),
				     "an open replayed %s of %s edges", f[C_OPS], f[C_EDGES]);
		}
		if (!strcmp(f[C_WL], "wal") && !strcmp(f[C_VARIANT], "ckptread:during")) {
			during++;
			cr_assert_geq(extra_val(f[C_EXTRA], "checkpoints"), 0);
		}
	}
	cr_assert_gt(replay, 0);
	cr_assert_gt(during, 0);
	find_ratio(&r, "wal", "t-readers-during/without", 2);
	free_csv(&c);
	free_csv(&r);
}

/* writer: fsyncs counted per run, checkpoints on and off, the named
 * comparisons of group commit and checkpoint latency. */
Test(rgbench, writer_fsyncs_and_checkpoints, .timeout = 300)
{
	csv_t c, r;
	run_both("--workload writer --durability none,commit --batch 1 --threads 1,2 --rounds 2 "
		 "--duration 0.05 --warmup 0 --graph uniform:n=2000,deg=4,seed=1 --keep-going",
		 "wfs", 0, &c, &r);
	int ckpt = 0;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		double fpc = extra_val(f[C_EXTRA], "fsyncs_per_commit");
		cr_assert_geq(fpc, 0, "%s: no fsyncs_per_commit", f[C_VARIANT]);
		if (!strcmp(f[C_VARIANT], "txn=1,log=none"))
			cr_assert_eq(fpc, 0, "in memory, yet %g fsyncs per commit", fpc);
		if (!strcmp(f[C_VARIANT], "txn=1,log=commit") && extra_val(f[C_EXTRA], "commits") > 0)
			cr_assert_geq(fpc, 0.5, "one committer under COMMIT: %g fsyncs per commit", fpc);
		if (strstr(f[C_VARIANT], "ckpt=on")) {
			ckpt++;
			cr_assert_geq(extra_val(f[C_EXTRA], "checkpoints"), 0);
			cr_assert_eq(extra_val(f[C_EXTRA], "checkpoint_bytes"), 8192);
		}
	}
	cr_assert_eq(ckpt, 2 * 2, "ckpt=on at the first and last committer count");
	find_ratio(&r, "writer", "t-ckpt-p99-on/off", 1);
	find_ratio(&r, "writer", "t-ckpt-p99-on/off", 2);
	find_ratio(&r, "writer", "t-group-commit-4/1", 2);
	free_csv(&c);
	free_csv(&r);
}

Test(rgbench, kernels_end_to_end, .timeout = 300)
{
	csv_t c, r;
	run_both("--workload kernels --graph rmat:scale=10,ef=8,seed=1 --threads 1,2 --rounds 2 "
		 "--keep-going",
		 "kern", 0, &c, &r);
	static const char *const kinds[] = {"bfs", "pagerank", "wcc"};
	for (int k = 0; k < 3; k++) {
		same_checksum(&c, "kernels", kinds[k]);
		find_ratio(&r, "kernels", "t-kernel-rcugraph/csr", 1);
		find_ratio(&r, "kernels", "t-kernel-rcugraph/csr", 2);
	}
	equal_work_held(&c, "kernels");
	for (int i = 1; i < c.n; i++)
		cr_assert(strstr(c.rows[i].f[C_EXTRA], "result_checksum=") != NULL);
	free_csv(&c);
	free_csv(&r);
}

Test(rgbench, peers_end_to_end, .timeout = 300)
{
	csv_t c, r;
	run_both("--workload peers --graph uniform:n=2000,deg=4,seed=1 --threads 1,2 --rounds 2 "
		 "--duration 0.01 --warmup 0 --keep-going",
		 "peers", 0, &c, &r);
	/* one graph, one query sequence: every store's sums agree */
	same_checksum(&c, "peers", "neighbors");
	same_checksum(&c, "peers", "2hop");
	equal_work_held(&c, "peers");
	int seen = 0, writes = 0;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		seen |= !strcmp(f[C_SYNC], "lmdb") << 0;
		seen |= !strcmp(f[C_SYNC], "sqlite") << 1;
		seen |= !strcmp(f[C_SYNC], "rcu-memb") << 2;
		if (!strncmp(f[C_VARIANT], "write:", 6)) {
			writes++;
			cr_assert_eq(extra_val(f[C_EXTRA], "sources_wrong"), 0, "%s %s read back wrong",
				     f[C_SYNC], f[C_VARIANT]);
			cr_assert_str_eq(f[C_UNIT], "commits");
		}
	}
	cr_assert_eq(seen, 7, "a store is missing (mask %d)", seen);
	cr_assert_gt(writes, 0);
	find_ratio(&r, "peers", "t-peers-rcugraph/lmdb", 2);
	find_ratio(&r, "peers", "t-peers-rcugraph/sqlite", 2);
	find_ratio(&r, "peers", "t-peers-write-rcugraph/lmdb", 1);
	free_csv(&c);
	free_csv(&r);
}

Test(rgbench, longread_and_openloop_end_to_end, .timeout = 300)
{
	csv_t c, r;
	run_both("--quick --workload longread,openloop --sync rcu-memb,rwlock --threads 1 --rounds 2 "
		 "--duration 0.03 --warmup 0 --rate 20000 --graph uniform:n=2000,deg=4,seed=1 --keep-going",
		 "lo", 0, &c, &r);
	int samples = 0, meas = 0, ol = 0;
	for (int i = 1; i < c.n; i++) {
		char **f = c.rows[i].f;
		if (!strcmp(f[C_WL], "longread")) {
			if (!strcmp(f[C_VERDICT], "sample")) {
				samples++;
				cr_assert_geq(extra_val(f[C_EXTRA], "pending_bytes"), 0);
			} else {
				meas++;
				cr_assert_gt(extra_val(f[C_EXTRA], "gc_limit_bytes"), 0);
				cr_assert_geq(extra_val(f[C_EXTRA], "bound_ratio"), 0);
				cr_assert_gt(extra_val(f[C_EXTRA], "section_s"), 0, "the section was held");
			}
		}
		if (!strcmp(f[C_WL], "openloop")) {
			ol++;
			double p50 = strtod(f[C_P50], NULL), p99 = strtod(f[C_P99], NULL);
			cr_assert(p50 > 0 && p50 <= p99, "percentiles %s %s", f[C_P50], f[C_P99]);
			cr_assert_geq(extra_val(f[C_EXTRA], "on_time"), 0);
			cr_assert_eq(extra_val(f[C_EXTRA], "rate_per_reader"), 20000);
			cr_assert(strstr(f[C_EXTRA], "ceiling") == NULL &&
				  strstr(f[C_EXTRA], "speedup above") == NULL,
				  "neither the ceiling nor the speedup check applies: %s", f[C_EXTRA]);
		}
	}
	cr_assert_gt(samples, 0);
	cr_assert_gt(meas, 0);
	cr_assert_gt(ol, 0);
	int p99 = 0, aa = 0;
	for (int i = 1; i < r.n; i++) {
		p99 += !strcmp(r.rows[i].f[R_NAME], "p99/nosync");
		aa += !strcmp(r.rows[i].f[R_NAME], "A/A p99");
	}
	cr_assert_gt(p99, 0);
	cr_assert_gt(aa, 0);
	free_csv(&c);
	free_csv(&r);
}
