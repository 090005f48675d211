/*
 * main.c - rgbench: options, their validation (every bad input is exit 2
 * before anything runs), --help, --list, workload dispatch through the
 * registry (RGB_WORKLOAD), exit status.
 * docs/experiments.md describes every workload, the method and the CSV.
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <math.h>

#include "rgbench.h"

rgb_opts_t rgb_o = {
	.duration = 1.0,
	.warmup = 0.2,
	.rounds = 10,
	.seed = 1,
	.metrics_port = -1,
	.pin = 1,
	.pack = 1,
	.rate = 100000,
};

/* ---------------- workload registry ---------------- */

#define RGB_MAX_WL 64
static const rgb_workload_t *wls[RGB_MAX_WL];
static int nwl;

void rgb_workload_register(const rgb_workload_t *w)
{
	if (nwl == RGB_MAX_WL) {
		fprintf(stderr, "rgbench: too many workloads\n");
		exit(1);
	}
	int i = nwl++;
	while (i > 0 && wls[i - 1]->order > w->order) { /* by order */
		wls[i] = wls[i - 1];
		i--;
	}
	wls[i] = w;
}

const char *rgb_default_graph(void)
{
	return rgb_o.quick ? "rmat:scale=13,ef=8,seed=1" : "rmat:scale=18,ef=16,seed=1";
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rgbench [options]\n"
		"Runs rcugraph experiments as studies: every configuration of a workload on the same\n"
		"graph, in interleaved rounds shuffled anew each round, workers pinned; reports each\n"
		"configuration's paired per-round ratio to its reference (nosync) with a 95%% CI, the\n"
		"run's resolution from an A/A control (nosync measured twice per round), verdicts and\n"
		"ranks. One CSV row per configuration and round (--csv), one per comparison\n"
		"(--ratios), a summary per study on stdout, progress on stderr.\n"
		"\n"
		"  --workload LIST     comma-separated workloads, or 'all' (default: readonly); see --list\n"
		"  --sync LIST         policies (default: every policy of the build; nosync, the\n"
		"                      reference, is always added; traversal/realgraphs/lmdb: rcu-memb;\n"
		"                      oldbench: lru-rwlock,rcu-memb). An unknown name is an error\n"
		"  --threads LIST      thread counts, e.g. 1,2,4 or 1-8 (default 1,2,4,.. up to the\n"
		"                      usable CPUs); counts above them run, are labelled\n"
		"                      oversubscribed, and are never judged or ranked\n"
		"  --variant LIST      only these variants of the selected workloads (see --list)\n"
		"  --rounds N          rounds; each runs every configuration once (default 10;\n"
		"                      --quick 6; fewer than 6 give no 95%% interval)\n"
		"  --duration S        seconds per measured trial (default 1; --quick 0.05)\n"
		"  --warmup S          warm-up seconds before every trial, discarded (default 0.2;\n"
		"                      --quick 0.02)\n"
		"  --graph SPEC        rmat:scale=18,ef=16,seed=1 | uniform:n=100000,deg=16,seed=1 |\n"
		"                      oldbench:nodes=1000,avg=20 | PATH of a SNAP edge list\n"
		"                      (default rmat:scale=18,ef=16,seed=1; --quick scale=13,ef=8)\n"
		"  --update-ratio LIST percent of ops that are write transactions (mixed default\n"
		"                      0,1,5,20,50,100; contention 0)\n"
		"  --batch N           edges per write transaction (mixed 1, latency writer 10)\n"
		"  --durability LIST   writer: none,off,interval,commit (default all four)\n"
		"  --flaw LIST         oldbench: spawn-in-timer,shared-warm-cache,ms-rounding,\n"
		"                      semantics-mismatch | all | none (default all)\n"
		"  --pin 0|1           pin worker i to the i-th usable CPU (default 1)\n"
		"  --pack 0|1          pack each graph once after loading (default 1)\n"
		"  --seed N            seed of generators, query sequences and round orders (default 1)\n"
		"  --csv FILE          append one row per configuration and round (header if new)\n"
		"  --ratios FILE       append one row per comparison (default: the --csv path with\n"
		"                      .csv replaced by .ratios.csv)\n"
		"  --keep-going        an INVALID study does not stop the run, exit status 0\n"
		"  --ops N             sectioncost: operations per measured loop (default 100000;\n"
		"                      --quick 20000)\n"
		"  --rate Q            openloop: queries per second per reader, the arrival rate\n"
		"                      of the precomputed schedule (default 100000)\n"
		"  --metrics-port P    serve the current graph's metrics on 127.0.0.1:P/metrics\n"
		"  --quick             small preset: short trials, fewer rounds, small graphs\n"
		"  --list              print the workloads, their variants and the policies\n"
		"  --verbose           more detail on stderr (every run)\n"
		"  --help              this text\n"
		"\n"
		"Exit status: 0 ok; 1 a workload failed; 2 bad input (nothing was run); 3 a library\n"
		"call failed during measurement; 4 a study was INVALID (a synchronised policy above\n"
		"nosync, a speedup above the thread count, unequal work, an early start).\n"
		"\n"
		"examples:\n"
		"  rgbench --workload readonly --sync rcu-memb,rwlock --threads 1,2 --rounds 10 \\\n"
		"          --graph rmat:scale=18,ef=16,seed=1 --csv r.csv\n"
		"  rgbench --workload readtargets --csv rt.csv        # issue 14's read targets\n"
		"  rgbench --workload sectioncost --csv sc.csv        # instructions per section (valgrind)\n"
		"  rgbench --quick --workload all --csv /tmp/q.csv\n");
}

static void list(void)
{
	printf("workloads:\n");
	for (int i = 0; i < nwl; i++) {
		if (!wls[i]->what)
			continue;
		printf("  %-12s %s%s\n", wls[i]->name, wls[i]->what,
		       wls[i]->in_all ? "" : " (not in 'all')");
		if (wls[i]->variants) {
			printf("  %-12s   variants:", "");
			for (const char *const *v = wls[i]->variants; *v; v++)
				printf(" %s", *v);
			printf("\n");
		}
	}
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
		for (int i = 0; i < rgb_o.nsync; i++)
			out[n++] = rgb_o.syncs[i];
		return n;
	}
	if (dflt) {
		for (; *dflt && n < RGB_MAX_LIST; dflt++)
			if (rgb_policy_known(*dflt))
				out[n++] = *dflt;
		return n;
	}
	for (const char *const *p = rg_policy_names(); *p && n < RGB_MAX_LIST; p++)
		out[n++] = *p;
	return n;
}

int rgb_default_threads(int *out)
{
	long np = rgb_ncpus();
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

int rgb_variant_on(const char *v, int dflt_on)
{
	if (!rgb_o.nvariants)
		return dflt_on;
	for (int i = 0; i < rgb_o.nvariants; i++)
		if (!strcmp(rgb_o.variants[i], v))
			return 1;
	return 0;
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
	*ok = n > 0;
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

/* "x.csv" -> "x.<tag>.csv"; anything else gets ".<tag>.csv" appended. */
static char *sibling_path(const char *csv, const char *tag)
{
	size_t n = strlen(csv), cap = n + strlen(tag) + 8;
	char *p = malloc(cap);
	if (!p)
		return NULL;
	if (n > 4 && !strcmp(csv + n - 4, ".csv"))
		snprintf(p, cap, "%.*s.%s.csv", (int)(n - 4), csv, tag);
	else
		snprintf(p, cap, "%s.%s.csv", csv, tag);
	return p;
}

int main(int argc, char **argv)
{
	enum {
		O_WORKLOAD = 256, O_SYNC, O_THREADS, O_DURATION, O_WARMUP, O_ROUNDS, O_GRAPH,
		O_RATIO, O_BATCH, O_DUR, O_PIN, O_SEED, O_CSV, O_RATIOS, O_PORT, O_QUICK, O_LIST,
		O_FLAW, O_VERBOSE, O_HELP, O_PACK, O_VARIANT, O_KEEP, O_OPS, O_CGCHILD, O_RATE,
	};
	static const struct option lo[] = {
		{"workload", 1, 0, O_WORKLOAD}, {"sync", 1, 0, O_SYNC},
		{"threads", 1, 0, O_THREADS},   {"duration", 1, 0, O_DURATION},
		{"warmup", 1, 0, O_WARMUP},     {"rounds", 1, 0, O_ROUNDS},
		{"graph", 1, 0, O_GRAPH},       {"update-ratio", 1, 0, O_RATIO},
		{"batch", 1, 0, O_BATCH},       {"durability", 1, 0, O_DUR},
		{"pin", 1, 0, O_PIN},           {"seed", 1, 0, O_SEED},
		{"csv", 1, 0, O_CSV},           {"ratios", 1, 0, O_RATIOS},
		{"metrics-port", 1, 0, O_PORT}, {"quick", 0, 0, O_QUICK},
		{"list", 0, 0, O_LIST},         {"flaw", 1, 0, O_FLAW},
		{"verbose", 0, 0, O_VERBOSE},   {"help", 0, 0, O_HELP},
		{"pack", 1, 0, O_PACK},         {"variant", 1, 0, O_VARIANT},
		{"keep-going", 0, 0, O_KEEP},   {"ops", 1, 0, O_OPS},
		{"callgrind-child", 1, 0, O_CGCHILD}, {"rate", 1, 0, O_RATE},
		{0, 0, 0, 0},
	};
	const char *wl_arg = "readonly";
	int set_duration = 0, set_warmup = 0, set_rounds = 0, do_list = 0, flaws_set = 0;
	char *sync_dup = NULL, *ratio_dup = NULL, *var_dup = NULL;
	long v;
	double d;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, ":", lo, NULL)) != -1;) {
		switch (c) {
		case O_WORKLOAD: wl_arg = optarg; break;
		case O_SYNC:
			free(sync_dup);
			sync_dup = strdup(optarg);
			rgb_o.nsync = split(sync_dup, (char **)rgb_o.syncs);
			if (!rgb_o.nsync)
				return bad("--sync", optarg, "empty list"), 2;
			for (int i = 0; i < rgb_o.nsync; i++)
				if (!rgb_policy_known(rgb_o.syncs[i]))
					return bad("--sync", rgb_o.syncs[i],
						   "unknown policy (see --list for this build's)"),
					       2;
			break;
		case O_VARIANT:
			free(var_dup);
			var_dup = strdup(optarg);
			rgb_o.nvariants = split(var_dup, (char **)rgb_o.variants);
			if (!rgb_o.nvariants)
				return bad("--variant", optarg, "empty list"), 2;
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
		case O_ROUNDS:
			if (parse_long("--rounds", optarg, 1, RGB_MAX_ROUNDS, &v))
				return 2;
			rgb_o.rounds = (int)v;
			set_rounds = 1;
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
		case O_PIN:
			if (parse_long("--pin", optarg, 0, 1, &v))
				return 2;
			rgb_o.pin = (int)v;
			break;
		case O_PACK:
			if (parse_long("--pack", optarg, 0, 1, &v))
				return 2;
			rgb_o.pack = (int)v;
			break;
		case O_SEED:
			if (parse_long("--seed", optarg, 0, LONG_MAX, &v))
				return 2;
			rgb_o.seed = (uint64_t)v;
			break;
		case O_CSV: rgb_o.csv = optarg; break;
		case O_RATIOS: rgb_o.ratios_csv = optarg; break;
		case O_PORT:
			if (parse_long("--metrics-port", optarg, 0, 65535, &v))
				return 2;
			rgb_o.metrics_port = (int)v;
			break;
		case O_OPS:
			if (parse_long("--ops", optarg, 1, 1000000000L, &v))
				return 2;
			rgb_o.ops = v;
			break;
		case O_RATE:
			if (parse_double("--rate", optarg, 1, 1e9, &rgb_o.rate))
				return 2;
			break;
		case O_CGCHILD:
			rgb_o.in_callgrind = 1;
			rgb_o.cg_dir = optarg;
			break;
		case O_QUICK: rgb_o.quick = 1; break;
		case O_LIST: do_list = 1; break;
		case O_KEEP: rgb_o.keep_going = 1; break;
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
		case ':':
			fprintf(stderr, "rgbench: option %s needs a value (see --help)\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "rgbench: unknown option '%s' (see --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "rgbench: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	if (do_list) {
		rgb_placement_init();
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
		if (!set_rounds)
			rgb_o.rounds = 6;
	}
	/* which workloads (every name checked before anything runs) */
	int run[RGB_MAX_WL] = {0}, any = 0;
	{
		char *dup = strdup(wl_arg), *items[RGB_MAX_LIST];
		int n = split(dup, items);
		for (int i = 0; i < n; i++) {
			int found = 0;
			for (int k = 0; k < nwl; k++)
				if (!strcmp(items[i], wls[k]->name) ||
				    (!strcmp(items[i], "all") && wls[k]->what && wls[k]->in_all)) {
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
	/* --variant: each must name a variant of a selected workload */
	for (int i = 0; i < rgb_o.nvariants; i++) {
		int found = 0;
		for (int k = 0; k < nwl && !found; k++)
			if (run[k] && wls[k]->variants)
				for (const char *const *p = wls[k]->variants; *p; p++)
					found |= !strcmp(*p, rgb_o.variants[i]);
		if (!found)
			return bad("--variant", rgb_o.variants[i],
				   "not a variant of the selected workload(s) (see --list)"),
			       2;
	}
	/* an explicit graph is loaded (and cached) now: a bad spec or an
	 * unreadable file is an input error, not a failed run */
	if (rgb_o.graph && !rgb_data_get(rgb_o.graph))
		return 2;
	/* sectioncost writes a CSV of its own: --csv itself when it is the only
	 * workload, else FILE.sectioncost.csv beside it */
	char *rpath = NULL, *scpath = NULL;
	int only_sc = 1, any_sc = 0;
	for (int k = 0; k < nwl; k++)
		if (run[k]) {
			int sc = !strcmp(wls[k]->name, "sectioncost");
			any_sc |= sc;
			only_sc &= sc;
		}
	if (rgb_o.csv && any_sc) {
		rgb_o.sc_csv = only_sc ? rgb_o.csv : (scpath = sibling_path(rgb_o.csv, "sectioncost"));
		if (!rgb_o.in_callgrind && rgb_check_writable(rgb_o.sc_csv))
			return 2;
	}
	const char *round_csv = only_sc ? NULL : rgb_o.csv;
	if (round_csv && !rgb_o.ratios_csv)
		rgb_o.ratios_csv = rpath = sibling_path(round_csv, "ratios");
	if (rgb_o.in_callgrind)
		round_csv = rgb_o.ratios_csv = NULL;
	if (rgb_csv_open(round_csv, rgb_o.ratios_csv))
		return 2;
	rgb_placement_init();
	rgb_run_elapsed();
	if (!rgb_o.in_callgrind) {
		bu_print_machine(stdout, "# ");
		printf("# usable CPUs: %d; workers %s; runs with more threads than that are labelled "
		       "oversubscribed\n",
		       rgb_ncpus(), rgb_o.pin ? "pinned to distinct CPUs" : "NOT pinned (--pin 0)");
		printf("# rgbench run %s: %d rounds of %.3g s after %.3g s warm-up per configuration, "
		       "seed %llu%s%s\n",
		       rgb_meta_run_id(), rgb_o.rounds, rgb_o.duration, rgb_o.warmup,
		       (unsigned long long)rgb_o.seed, rgb_o.quick ? ", --quick" : "",
		       rgb_o.pack ? ", packed graphs" : ", --pack 0");
	}
	int failed = 0, invalid = 0, stopped = 0;
	for (int k = 0; k < nwl; k++) {
		if (!run[k])
			continue;
		if (stopped) {
			printf("(%s not run: an earlier study was INVALID; --keep-going runs it)\n",
			       wls[k]->name);
			continue;
		}
		double t0 = bu_now();
		rgb_rows_reset();
		rgb_wl_invalid = 0;
		if (wls[k]->run()) {
			fprintf(stderr, "rgbench: workload %s failed\n", wls[k]->name);
			failed++;
		}
		int inv = rgb_flush_workload(wls[k]->name, rgb_wl_invalid);
		invalid += inv;
		if (!rgb_o.in_callgrind)
			printf("(%s took %.1f s%s)\n", wls[k]->name, bu_now() - t0,
			       inv ? ", INVALID" : "");
		fflush(stdout);
		if (inv && !rgb_o.keep_going)
			stopped = 1;
	}
	rgb_csv_close();
	rgb_data_free_all();
	unsigned long errs = atomic_load(&rgb_errors);
	if (!rgb_o.in_callgrind)
		printf("# rgbench done in %.1f s%s%s\n", rgb_run_elapsed(),
		       failed ? " (with failures)" : "",
		       invalid ? " -- RUN INVALID (see the '!!' lines)" : "");
	free(sync_dup);
	free(ratio_dup);
	free(var_dup);
	free(rpath);
	free(scpath);
	if (errs) {
		fprintf(stderr, "rgbench: %lu library call(s) failed unexpectedly during the run "
				"(read_begin/register): results are not trustworthy\n",
			errs);
		return 3;
	}
	if (failed)
		return 1;
	if (invalid && !rgb_o.keep_going)
		return 4;
	return 0;
}
