/*
 * main.c - rgbench: options, --help, --list and workload dispatch.
 * docs/experiments.md describes every workload, the method and the CSV.
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <math.h>

#include "rgbench.h"

extern atomic_ulong rgb_errors;

rgb_opts_t rgb_o = {
	.duration = 1.0,
	.warmup = 0.5,
	.trials = 5,
	.seed = 1,
	.metrics_port = -1,
};

static const struct {
	const char *name;
	int (*fn)(void);
	const char *what;
} workloads[] = {
	{"readonly", wl_readonly, "read-only neighbour queries, every policy, 1..N threads"},
	{"mixed", wl_mixed, "queries + write txns, update ratio 0,1,5,20,50,100 %, every policy"},
	{"traversal", wl_traversal, "2-hop single root, batch of 50 roots, BFS, PageRank: seq vs par"},
	{"contention", wl_contention, "all threads on the hub node vs spread, 1..16 threads"},
	{"writer", wl_writer, "txn size sweep, without/with the log per durability, group commit"},
	{"counters", wl_counters, "counter variants (percpu, atomic, perthread, batched), 1..N threads"},
	{"latency", wl_latency, "reader latency p50..p99.9, with and without a writer, per policy"},
	{"memory", wl_memory, "pending reclamation and RSS under writer churn, per policy"},
	{"realgraphs", wl_realgraphs, "SNAP datasets vs generated graphs of the same size"},
	{"lmdb", wl_lmdb, "LMDB peer (one read txn per query) beside rcugraph: readonly + mixed"},
	{"oldbench", wl_oldbench, "the old benchmark's 4 scenarios, each flaw switchable"},
	{"selftest", wl_selftest, NULL}, /* hidden: the harness test's fake workload */
};
#define NWL ((int)(sizeof workloads / sizeof workloads[0]))

const char *rgb_default_graph(void)
{
	return rgb_o.quick ? "rmat:scale=13,ef=8,seed=1" : "rmat:scale=18,ef=16,seed=1";
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rgbench [options]\n"
		"Runs rcugraph experiments; writes one tidy CSV row per trial (--csv) and a\n"
		"short summary per workload on stdout; progress goes to stderr.\n"
		"\n"
		"  --workload LIST     comma-separated workloads, or 'all' (default: readonly);\n"
		"                      see --list\n"
		"  --sync LIST         policies (default: every policy of the build, except\n"
		"                      traversal/writer/realgraphs: rcu-memb; oldbench:\n"
		"                      lru-rwlock,rcu-memb; lmdb: rcu-memb beside lmdb)\n"
		"  --threads LIST      thread counts, e.g. 1,2,4 or 1-8 (default 1,2,4..nproc;\n"
		"                      contention 1,2,4,8,16); counts > nproc are run and marked\n"
		"                      oversubscribed\n"
		"  --duration S        seconds per trial (default 1; --quick 0.05)\n"
		"  --warmup S          warm-up seconds per configuration, discarded (default 0.5)\n"
		"  --trials N          measured trials per configuration (default 5; --quick 2)\n"
		"  --graph SPEC        rmat:scale=18,ef=16,seed=1 | uniform:n=100000,deg=16,seed=1 |\n"
		"                      oldbench:nodes=1000,avg=20 | PATH of a SNAP edge list\n"
		"                      (default rmat:scale=18,ef=16,seed=1; --quick scale=13,ef=8)\n"
		"  --update-ratio LIST percent of ops that are write txns (mixed default\n"
		"                      0,1,5,20,50,100; contention 0)\n"
		"  --batch N           edges per write transaction (mixed 1, latency writer 10)\n"
		"  --durability LIST   writer: none,off,interval,commit (default all four;\n"
		"                      none = in memory, no log)\n"
		"  --flaw LIST         oldbench: which flaws to reproduce: spawn-in-timer,\n"
		"                      shared-warm-cache,ms-rounding,semantics-mismatch | all | none\n"
		"                      (default all; each is also run alone, and honest rows always)\n"
		"  --pin               pin worker thread i to CPU i %% nproc\n"
		"  --seed N            seed of generators and query sequences (default 1)\n"
		"  --csv FILE          append rows to FILE (header written if new)\n"
		"  --metrics-port P    serve the current graph's metrics on 127.0.0.1:P/metrics\n"
		"  --reuse-graph       do NOT rebuild the graph between thread counts (default:\n"
		"                      a fresh graph for every configuration)\n"
		"  --pack              rg_pack() every graph after loading it (rows get pack=1)\n"
		"  --quick             small preset: short trials, small graphs (all: ~2-3 min)\n"
		"  --list              print the workloads and the policies of this build\n"
		"  --verbose           more detail on stderr\n"
		"  --help              this text\n"
		"\n"
		"examples:\n"
		"  rgbench --workload readonly --sync rcu-memb,rwlock,nosync --threads 1,2 \\\n"
		"          --duration 2 --trials 5 --graph rmat:scale=18,ef=16,seed=1 --csv r.csv\n"
		"  rgbench --quick --workload all --csv /tmp/q.csv\n");
}

static void list(void)
{
	printf("workloads:\n");
	for (int i = 0; i < NWL; i++)
		if (workloads[i].what)
			printf("  %-11s %s\n", workloads[i].name, workloads[i].what);
	printf("policies (this build):");
	for (const char *const *p = rg_policy_names(); *p; p++)
		printf(" %s", *p);
	printf("\n");
}

int rgb_policy_known(const char *name)
{
	for (const char *const *p = rg_policy_names(); *p; p++)
		if (!strcmp(*p, name))
			return 1;
	return 0;
}

int rgb_sync_list(const char **out, const char *const *dflt)
{
	int n = 0;
	if (rgb_o.nsync) {
		for (int i = 0; i < rgb_o.nsync; i++) {
			if (rgb_policy_known(rgb_o.syncs[i]))
				out[n++] = rgb_o.syncs[i];
			else if (strcmp(rgb_o.syncs[i], "lmdb"))
				fprintf(stderr, "rgbench: warning: policy '%s' is not in this build, skipped\n",
					rgb_o.syncs[i]);
		}
		return n;
	}
	if (dflt) {
		for (; *dflt && n < RGB_MAX_LIST; dflt++)
			if (rgb_policy_known(*dflt))
				out[n++] = *dflt;
			else
				fprintf(stderr, "rgbench: warning: policy '%s' is not in this build, skipped\n",
					*dflt);
		return n;
	}
	for (const char *const *p = rg_policy_names(); *p && n < RGB_MAX_LIST; p++)
		out[n++] = *p;
	return n;
}

int rgb_default_threads(int *out)
{
	long np = bu_nproc();
	int n = 0;
	for (long t = 1; t < np && n < RGB_MAX_LIST - 1; t *= 2)
		out[n++] = (int)t;
	out[n++] = (int)(np > 0 ? np : 1);
	return n;
}

int rgb_threads_list(int *out, const int *dflt, int n)
{
	const int *src = rgb_o.nthreads ? rgb_o.threads : dflt;
	int k = rgb_o.nthreads ? rgb_o.nthreads : n;
	memcpy(out, src, (size_t)k * sizeof *out);
	return k;
}

int rgb_ratio_list(double *out, const double *dflt, int n)
{
	const double *src = rgb_o.nratios ? rgb_o.ratios : dflt;
	int k = rgb_o.nratios ? rgb_o.nratios : n;
	memcpy(out, src, (size_t)k * sizeof *out);
	return k;
}

/* ---------------- parsing ---------------- */

static int bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "rgbench: %s '%s': %s (see --help)\n", opt, val, why);
	return -1;
}

static int parse_double(const char *opt, const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
		char why[96];
		snprintf(why, sizeof why, "expected a number in [%g, %g]", lo, hi);
		return bad(opt, s, why);
	}
	*out = v;
	return 0;
}

static int parse_long(const char *opt, const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		char why[96];
		snprintf(why, sizeof why, "expected an integer in [%ld, %ld]", lo, hi);
		return bad(opt, s, why);
	}
	*out = v;
	return 0;
}

/* Splits a comma list in place into items (at most RGB_MAX_LIST). */
static int split(char *s, char **items)
{
	int n = 0;
	for (char *tok = strtok(s, ","); tok && n < RGB_MAX_LIST; tok = strtok(NULL, ","))
		if (*tok)
			items[n++] = tok;
	return n;
}

static int parse_threads(const char *arg)
{
	char *dup = strdup(arg), *items[RGB_MAX_LIST];
	int n = split(dup, items), rc = 0;
	rgb_o.nthreads = 0;
	for (int i = 0; i < n && !rc; i++) {
		char *dash = strchr(items[i], '-');
		long a, b;
		if (dash) {
			*dash = 0;
			rc = parse_long("--threads", items[i], 1, RGB_MAX_THREADS, &a) ||
			     parse_long("--threads", dash + 1, 1, RGB_MAX_THREADS, &b);
			if (!rc && b < a)
				rc = bad("--threads", arg, "empty range");
		} else {
			rc = parse_long("--threads", items[i], 1, RGB_MAX_THREADS, &a);
			b = a;
		}
		for (long t = a; !rc && t <= b; t++) {
			if (rgb_o.nthreads == RGB_MAX_LIST) {
				rc = bad("--threads", arg, "too many values");
				break;
			}
			rgb_o.threads[rgb_o.nthreads++] = (int)t;
		}
	}
	if (!rc && !rgb_o.nthreads)
		rc = bad("--threads", arg, "empty list");
	free(dup);
	return rc;
}

static unsigned parse_flaws(const char *arg, int *ok)
{
	char *dup = strdup(arg), *items[RGB_MAX_LIST];
	int n = split(dup, items);
	unsigned f = 0;
	*ok = 1;
	for (int i = 0; i < n; i++) {
		if (!strcmp(items[i], "spawn-in-timer"))
			f |= RGB_FLAW_SPAWN;
		else if (!strcmp(items[i], "shared-warm-cache"))
			f |= RGB_FLAW_WARM;
		else if (!strcmp(items[i], "ms-rounding"))
			f |= RGB_FLAW_MS;
		else if (!strcmp(items[i], "semantics-mismatch"))
			f |= RGB_FLAW_SEMANTICS;
		else if (!strcmp(items[i], "all"))
			f |= RGB_FLAW_ALL;
		else if (strcmp(items[i], "none")) {
			bad("--flaw", items[i], "unknown flaw");
			*ok = 0;
		}
	}
	free(dup);
	return f;
}

int main(int argc, char **argv)
{
	enum {
		O_WORKLOAD = 256, O_SYNC, O_THREADS, O_DURATION, O_WARMUP, O_TRIALS, O_GRAPH,
		O_RATIO, O_BATCH, O_DUR, O_PIN, O_SEED, O_CSV, O_PORT, O_QUICK, O_LIST, O_REUSE,
		O_FLAW, O_VERBOSE, O_HELP, O_PACK,
	};
	static const struct option lo[] = {
		{"workload", 1, 0, O_WORKLOAD}, {"sync", 1, 0, O_SYNC},
		{"threads", 1, 0, O_THREADS},   {"duration", 1, 0, O_DURATION},
		{"warmup", 1, 0, O_WARMUP},     {"trials", 1, 0, O_TRIALS},
		{"graph", 1, 0, O_GRAPH},       {"update-ratio", 1, 0, O_RATIO},
		{"batch", 1, 0, O_BATCH},       {"durability", 1, 0, O_DUR},
		{"pin", 0, 0, O_PIN},           {"seed", 1, 0, O_SEED},
		{"csv", 1, 0, O_CSV},           {"metrics-port", 1, 0, O_PORT},
		{"quick", 0, 0, O_QUICK},       {"list", 0, 0, O_LIST},
		{"reuse-graph", 0, 0, O_REUSE}, {"flaw", 1, 0, O_FLAW},
		{"verbose", 0, 0, O_VERBOSE},   {"help", 0, 0, O_HELP},
		{"pack", 0, 0, O_PACK},
		{0, 0, 0, 0},
	};
	const char *wl_arg = "readonly";
	int set_duration = 0, set_warmup = 0, set_trials = 0, do_list = 0, flaws_set = 0;
	char *sync_dup = NULL, *ratio_dup = NULL;
	long v;
	double d;
	for (int c; (c = getopt_long(argc, argv, "", lo, NULL)) != -1;) {
		switch (c) {
		case O_WORKLOAD: wl_arg = optarg; break;
		case O_SYNC:
			free(sync_dup);
			sync_dup = strdup(optarg);
			rgb_o.nsync = split(sync_dup, (char **)rgb_o.syncs);
			if (!rgb_o.nsync)
				return bad("--sync", optarg, "empty list"), 2;
			break;
		case O_THREADS:
			if (parse_threads(optarg))
				return 2;
			break;
		case O_DURATION:
			if (parse_double("--duration", optarg, 0.001, 86400, &rgb_o.duration))
				return 2;
			set_duration = 1;
			break;
		case O_WARMUP:
			if (parse_double("--warmup", optarg, 0, 86400, &rgb_o.warmup))
				return 2;
			set_warmup = 1;
			break;
		case O_TRIALS:
			if (parse_long("--trials", optarg, 1, 100000, &v))
				return 2;
			rgb_o.trials = (int)v;
			set_trials = 1;
			break;
		case O_GRAPH: rgb_o.graph = optarg; break;
		case O_RATIO: {
			free(ratio_dup);
			ratio_dup = strdup(optarg);
			char *items[RGB_MAX_LIST];
			int n = split(ratio_dup, items);
			rgb_o.nratios = 0;
			for (int i = 0; i < n; i++) {
				if (parse_double("--update-ratio", items[i], 0, 100, &d))
					return 2;
				rgb_o.ratios[rgb_o.nratios++] = d;
			}
			if (!n)
				return bad("--update-ratio", optarg, "empty list"), 2;
			break;
		}
		case O_BATCH:
			if (parse_long("--batch", optarg, 1, 10000000, &v))
				return 2;
			rgb_o.batch = (int)v;
			break;
		case O_DUR: {
			char *dup = strdup(optarg), *items[RGB_MAX_LIST];
			int n = split(dup, items);
			rgb_o.ndurs = 0;
			for (int i = 0; i < n && rgb_o.ndurs < 4; i++) {
				int x = !strcmp(items[i], "none")       ? -1
					: !strcmp(items[i], "off")      ? RG_DURABILITY_OFF
					: !strcmp(items[i], "interval") ? RG_DURABILITY_INTERVAL
					: !strcmp(items[i], "commit")   ? RG_DURABILITY_COMMIT
									: -2;
				if (x == -2) {
					bad("--durability", items[i], "expected none, off, interval or commit");
					free(dup);
					return 2;
				}
				rgb_o.durs[rgb_o.ndurs++] = x;
			}
			free(dup);
			if (!rgb_o.ndurs)
				return bad("--durability", optarg, "empty list"), 2;
			break;
		}
		case O_PIN: rgb_o.pin = 1; break;
		case O_SEED:
			if (parse_long("--seed", optarg, 0, LONG_MAX, &v))
				return 2;
			rgb_o.seed = (uint64_t)v;
			break;
		case O_CSV: rgb_o.csv = optarg; break;
		case O_PORT:
			if (parse_long("--metrics-port", optarg, 0, 65535, &v))
				return 2;
			rgb_o.metrics_port = (int)v;
			break;
		case O_QUICK: rgb_o.quick = 1; break;
		case O_LIST: do_list = 1; break;
		case O_REUSE: rgb_o.reuse_graph = 1; break;
		case O_PACK: rgb_o.pack = 1; break;
		case O_FLAW: {
			int ok;
			rgb_o.flaws = parse_flaws(optarg, &ok);
			if (!ok)
				return 2;
			flaws_set = 1;
			break;
		}
		case O_VERBOSE: rgb_o.verbose = 1; break;
		case O_HELP: usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "rgbench: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	if (do_list) {
		list();
		return 0;
	}
	if (!flaws_set)
		rgb_o.flaws = RGB_FLAW_ALL;
	if (rgb_o.quick) {
		if (!set_duration)
			rgb_o.duration = 0.05;
		if (!set_warmup)
			rgb_o.warmup = 0.02;
		if (!set_trials)
			rgb_o.trials = 2;
	}
	/* which workloads */
	int run[NWL] = {0}, any = 0;
	{
		char *dup = strdup(wl_arg), *items[RGB_MAX_LIST];
		int n = split(dup, items);
		for (int i = 0; i < n; i++) {
			int found = 0;
			for (int k = 0; k < NWL; k++)
				if (!strcmp(items[i], workloads[k].name) ||
				    (!strcmp(items[i], "all") && workloads[k].what)) {
					run[k] = 1;
					found = 1;
				}
			if (!found) {
				bad("--workload", items[i], "unknown workload (see --list)");
				free(dup);
				return 2;
			}
			any = 1;
		}
		free(dup);
		if (!any)
			return bad("--workload", wl_arg, "empty list"), 2;
	}
	if (rgb_csv_open(rgb_o.csv))
		return 1;
	rgb_run_elapsed();
	bu_print_machine(stdout, "# ");
	printf("# rgbench run %s: %d trial(s) of %.3g s after %.3g s warm-up per configuration%s%s%s\n",
	       rgb_meta_run_id(), rgb_o.trials, rgb_o.duration, rgb_o.warmup,
	       rgb_o.quick ? ", --quick" : "", rgb_o.reuse_graph ? ", --reuse-graph" : "",
	       rgb_o.pack ? ", --pack" : "");
	int failed = 0;
	for (int k = 0; k < NWL; k++) {
		if (!run[k])
			continue;
		double t0 = bu_now();
		rgb_rows_reset();
		if (workloads[k].fn()) {
			fprintf(stderr, "rgbench: workload %s failed\n", workloads[k].name);
			failed++;
		}
		printf("(%s took %.1f s)\n", workloads[k].name, bu_now() - t0);
		fflush(stdout);
	}
	rgb_csv_close();
	rgb_data_free_all();
	unsigned long errs = atomic_load(&rgb_errors);
	printf("# rgbench done in %.1f s%s\n", rgb_run_elapsed(), failed ? " (with failures)" : "");
	free(sync_dup);
	free(ratio_dup);
	if (errs) {
		fprintf(stderr, "rgbench: %lu library call(s) failed unexpectedly during the run "
				"(read_begin/register): results are not trustworthy\n",
			errs);
		return 3;
	}
	return failed ? 1 : 0;
}
