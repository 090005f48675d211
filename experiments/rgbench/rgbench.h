/*
 * rgbench.h - shared declarations of the rgbench experiment driver
 * (docs/experiments.md: the method, every workload, every CSV column).
 *
 * Files (one responsibility each):
 *   main.c         options, validation of every input before any run,
 *                  --help, --list, workload dispatch, exit status
 *   runner.c       worker threads, start/end barriers, one duration trial
 *                  after a discarded warm-up, padded per-thread counters,
 *                  latency histograms, progress on stderr
 *   placement.c    CPU pinning (distinct CPUs), the call_rcu workers'
 *                  placement, the oversubscription rule
 *   study.c        a STUDY: configurations measured in interleaved,
 *                  seeded, shuffled rounds on the same memory; equal-work
 *                  checksums; one row per configuration and round
 *   judge.c        the statistics glue (stats.h): paired per-round ratios
 *                  with 95% CIs, A/A resolution, verdicts, the hard checks
 *                  (ceiling, superlinear speedup), ranks, the summary
 *   csv.c          run metadata, row buffer, the per-round CSV and the
 *                  ratios CSV
 *   graphs.c       edge lists (cached by spec), the graph built ONCE per
 *                  spec and packed, query sequences, temp dirs
 *   statcsr.c      the static 4-byte CSR baseline (off[] + nbr[]) and the
 *                  pointer-chain reference (table -> record -> array)
 *   queries.h      the neighbour query of every read path (exported,
 *                  inline, static CSR): one definition for the timed
 *                  loops and the equal-work checksums
 *   qwork.c        the query job (readers, optional writers) shared by
 *                  the read workloads
 *   wl_*.c         one workload each (RGB_WORKLOAD registers it)
 *   stats.c        statistics of rounds (stats.h; standalone, shared)
 */
#ifndef RGBENCH_H
#define RGBENCH_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include <rcugraph/load.h>
#include <rcugraph/metrics.h>
#include <rcugraph/rcugraph.h>

#include "../benchutil.h"
#include "stats.h"

#define RGB_MAX_LIST 64
#define RGB_MAX_THREADS 256
#define RGB_MAX_ROUNDS 1000

typedef struct rgb_data rgb_data_t; /* graphs.c */

/* ------------------------------------------------------------------ */
/* Options (main.c)                                                   */
/* ------------------------------------------------------------------ */

enum {
	RGB_FLAW_SPAWN = 1u << 0,     /* spawn-in-timer */
	RGB_FLAW_WARM = 1u << 1,      /* shared-warm-cache */
	RGB_FLAW_MS = 1u << 2,        /* ms-rounding */
	RGB_FLAW_SEMANTICS = 1u << 3, /* semantics-mismatch */
	RGB_FLAW_ALL = 15u,
};

typedef struct rgb_opts {
	const char *syncs[RGB_MAX_LIST]; /* explicit --sync list (validated) */
	int nsync;                       /* 0: the workload's default */
	int threads[RGB_MAX_LIST];       /* explicit --threads list */
	int nthreads;                    /* 0: the workload's default */
	const char *variants[RGB_MAX_LIST]; /* explicit --variant list (validated) */
	int nvariants;
	double duration, warmup;         /* seconds per measured trial / per warm-up (every run) */
	int rounds;
	const char *graph;               /* --graph spec; NULL: the workload's default */
	double ratios[RGB_MAX_LIST];     /* --update-ratio list, percent */
	int nratios;
	int batch;                       /* edges per write transaction (0: workload default) */
	int durs[4];                     /* --durability list (RG_DURABILITY_* or -1 = none) */
	int ndurs;
	int pin;                         /* 1 (default): workers pinned to distinct CPUs */
	uint64_t seed;
	const char *csv, *ratios_csv, *sc_csv; /* sc_csv: sectioncost's own CSV */
	int metrics_port;                /* -1: off */
	int quick;
	int pack;                        /* 1 (default): every graph packed once after loading */
	int keep_going;                  /* 1: an INVALID study does not stop the run */
	long ops;                        /* sectioncost: ops per measured loop (0: default) */
	double rate;                     /* openloop: arrivals per second per reader */
	int in_callgrind;                /* sectioncost: the child running under valgrind */
	const char *cg_dir;              /* sectioncost: where callgrind writes its dumps */
	unsigned flaws;                  /* oldbench: flaws to switch on (RGB_FLAW_*) */
	int verbose;
} rgb_opts_t;

extern rgb_opts_t rgb_o;

/* Threads list for a workload: the explicit one, or dflt (n entries). */
int rgb_threads_list(int *out, const int *dflt, int n);
/* Default 1,2,4,.. up to the usable CPUs (included). Returns count. */
int rgb_default_threads(int *out);
/* Sync list for a workload: explicit --sync (already validated by main),
 * else dflt (NULL-terminated; NULL: every policy of the build). Returns
 * the count (out has RGB_MAX_LIST room). */
int rgb_sync_list(const char **out, const char *const *dflt);
int rgb_policy_known(const char *name);
/* Ratios (percent): explicit --update-ratio or dflt. */
int rgb_ratio_list(double *out, const double *dflt, int n);
/* Whether variant v is selected: no --variant given (then dflt_on decides)
 * or v is in the --variant list. */
int rgb_variant_on(const char *v, int dflt_on);

/* ------------------------------------------------------------------ */
/* Workload registry                                                  */
/* ------------------------------------------------------------------ */

typedef struct rgb_workload {
	const char *name;
	int order;                 /* position in --list and 'all' */
	const char *what;          /* --list line; NULL: hidden (not in 'all') */
	int in_all;                /* 0: only when named (e.g. sectioncost needs valgrind) */
	const char *const *variants; /* NULL-terminated: names --variant may select; NULL: none */
	int (*run)(void);          /* 0 ok, -1 failed (message printed) */
} rgb_workload_t;

void rgb_workload_register(const rgb_workload_t *w);
/* Defines a workload in its own file: RGB_WORKLOAD(readonly, 10, "...", 1,
 * variants, wl_readonly_run). Registered before main() runs. */
#define RGB_WORKLOAD(id, ord, desc, all, vars, fn)                                            \
	static const rgb_workload_t rgb_wl_##id = {#id, ord, desc, all, vars, fn};             \
	__attribute__((constructor)) static void rgb_wl_reg_##id(void)                        \
	{                                                                                     \
		rgb_workload_register(&rgb_wl_##id);                                          \
	}

/* ------------------------------------------------------------------ */
/* Placement (placement.c)                                            */
/* ------------------------------------------------------------------ */

/* Takes the CPUs this process may run on (its affinity mask at start) and
 * creates every liburcu flavour's default call_rcu worker from the main
 * thread, so that none inherits a pinned worker's mask. Call once, first. */
void rgb_placement_init(void);
/* Number of CPUs the process may use (a run with more threads is
 * oversubscribed). */
int rgb_ncpus(void);
/* The study's round: rotates the CPU assignment (placement.c). */
void rgb_placement_round(int round);
/* The study's round, for the runner: every run of the round starts its
 * workers' query streams at the same seeded offset of the query sequence
 * (paired configurations read the same queries), a fresh one per round
 * (runner.c). Round < 0: offset 0. */
void rgb_runner_round(int round);
/* CPU worker i is pinned to (distinct for i < rgb_ncpus()), -1 without --pin. */
int rgb_cpu_of(int i);
/* Pins the calling thread as worker i (no-op with --pin 0). */
void rgb_pin(int i);
/* Gives the calling thread the process's affinity mask at start back (after
 * rgb_pin on the main thread: a count-based measurement of one thread pins
 * the main thread around its timed call only, so that threads created
 * later, e.g. an OpenMP team, never inherit a single CPU). */
void rgb_unpin(void);
/* "0;1": the CPUs of workers 0..n-1 in order, "none" unpinned. */
void rgb_cpus_str(char *buf, size_t cap, int nthreads);
/* CPUs the call_rcu worker of the policy's liburcu flavour may run on,
 * e.g. "0-1" (cpuset list, ';' between ranges), or "none" for a policy
 * that has none. */
const char *rgb_callrcu_cpus(const char *policy);

/* ------------------------------------------------------------------ */
/* Runner (runner.c)                                                  */
/* ------------------------------------------------------------------ */

/* Latency histogram: exact below 16 ns, then 16 sub-buckets per power of
 * two (<= 1/32 relative error at the bucket midpoint). */
#define RGB_HIST_BUCKETS (16 + 44 * 16)
typedef struct rgb_hist {
	uint64_t b[RGB_HIST_BUCKETS];
	uint64_t count;
} rgb_hist_t;
void rgb_hist_add(rgb_hist_t *h, uint64_t ns);
void rgb_hist_merge(rgb_hist_t *into, const rgb_hist_t *h);
/* Quantile q in (0,1] in nanoseconds (0 if empty). */
double rgb_hist_quantile(const rgb_hist_t *h, double q);

/* What a worker sees. ctr is its cache-line-padded slot (benchutil.h);
 * aux is a second padded block for workload counters. */
typedef struct rgb_tctx {
	int tid, nthreads;
	atomic_int *stop;
	struct bu_padded *ctr;
	uint64_t *aux;    /* RGB_AUX counters, own cache lines */
	rgb_hist_t *hist; /* NULL unless the job asked for latencies */
	uint64_t rng;     /* per-thread seed: the same in every run of every configuration */
	uint64_t pos;     /* position in the query sequence: starts at tid * NQ / nthreads in
			     every run, the warm-up advances it, the trial continues */
	void *local;      /* workload's per-thread state */
	double first_op;  /* CLOCK_MONOTONIC time of the phase's first op (rgb_mark_start) */
} rgb_tctx_t;
#define RGB_AUX 6

static inline int rgb_stopped(const rgb_tctx_t *t)
{
	/* relaxed: the flag only ends the loop; the counters are published
	 * to the main thread by the end barrier (a full synchronisation) */
	return atomic_load_explicit(t->stop, memory_order_relaxed);
}

typedef struct rgb_job {
	int nthreads;
	void *arg;
	int latency; /* allocate per-thread histograms */
	int no_pin;  /* 1: workers keep the main thread's mask (e.g. an OpenMP driver whose
			team must be free to use every CPU) */
	/* In the worker thread, once, before anything: e.g. per-thread state.
	 * Nonzero = fail (the run is dropped). May be NULL. */
	int (*thread_init)(void *arg, rgb_tctx_t *t);
	void (*thread_fini)(void *arg, rgb_tctx_t *t);
	/* In the worker, around each phase (warm-up or trial): phase_begin
	 * before the start barrier (outside the timed interval), phase_end
	 * right after the loop, before the end barrier (e.g. reader
	 * register/unregister, so that no registered rcu-qsbr reader idles on
	 * a barrier while a writer waits for a grace period). */
	void (*phase_begin)(void *arg, rgb_tctx_t *t);
	void (*phase_end)(void *arg, rgb_tctx_t *t);
	/* The timed loop: runs until rgb_stopped(t); counts into t->ctr->ops,
	 * t->ctr->checksum, t->aux, t->hist. Must do at least one op. Never
	 * asserts: failures are counted (aux or rgb_errors). */
	void (*run)(void *arg, rgb_tctx_t *t);
	/* Main thread, every sample_s seconds during the trial (may be NULL). */
	double sample_s;
	void (*sample)(void *arg, double t_rel);
} rgb_job_t;

typedef struct rgb_result {
	double elapsed;     /* CLOCK_MONOTONIC seconds from release to all-stopped */
	uint64_t ops;       /* sum over threads (use per-thread arrays for roles) */
	uint64_t checksum;  /* sum over threads */
	uint64_t t_ops[RGB_MAX_THREADS];
	uint64_t t_aux[RGB_MAX_THREADS][RGB_AUX];
	uint64_t aux[RGB_AUX];
	rgb_hist_t hist;    /* merged (if latency) */
	double start_skew;  /* max over threads of (first op time - release time), s */
	int late_start;     /* threads whose first op began before the release (must be 0) */
	int idle_threads;   /* threads that counted no op */
	double cpu_share_min; /* min over workers of (thread CPU time / elapsed): well below 1
				 means a worker was preempted (another process on its CPU) */
} rgb_result_t;

/* Runs one configuration once: creates the threads (pinned), runs a
 * warm-up phase of warmup_s (discarded; skipped if <= 0), then ONE trial
 * of duration_s into *res. Returns 0, or -1 if a thread could not be
 * created or thread_init failed (message printed). */
int rgb_run(const rgb_job_t *job, double warmup_s, double duration_s, rgb_result_t *res);

/* Per-thread first-op timestamp hook: call at the top of run() (the
 * runner uses it for the barrier check). */
void rgb_mark_start(rgb_tctx_t *t);

double rgb_run_elapsed(void); /* seconds since rgbench started */

/* Library calls that failed unexpectedly inside timed loops (the run is
 * then untrustworthy: exit 3). */
extern atomic_ulong rgb_errors;
static inline void rgb_error_count(void)
{
	atomic_fetch_add_explicit(&rgb_errors, 1, memory_order_relaxed);
}

/* ------------------------------------------------------------------ */
/* Rows and CSVs (csv.c)                                              */
/* ------------------------------------------------------------------ */

typedef struct rgb_row {
	char workload[16];
	char variant[96];
	char sync[24];
	int threads;
	int round, order_pos;  /* order_pos: 0-based position in its round's shuffled order */
	double duration_s, warmup_s;
	char graph[1024];
	uint64_t nodes, edges;
	double update_ratio; /* percent; < 0: empty */
	long batch;          /* < 0: empty */
	char durability[12]; /* "none" (in memory), "off", "interval", "commit", "" */
	uint64_t ops;
	double throughput;
	char unit[16];
	double p50_us, p90_us, p99_us, p999_us; /* < 0: empty */
	int has_checksum;
	uint64_t checksum;
	char cpus[96];        /* workers' CPUs, "0;1", or "none" */
	char callrcu[32];     /* the call_rcu worker's allowed CPUs, "none" */
	int oversubscribed;
	/* statistics of its configuration (judge.c), the same on every round */
	char ref[128];        /* "sync@variant" of the ratio's denominator; "" none */
	double ratio, ratio_lo, ratio_hi; /* NaN: empty */
	int ratio_n;
	double resolution;    /* NaN: empty */
	char verdict[24];
	double speedup, speedup_lo, speedup_hi;
	int rank;             /* 0: not ranked */
	char valid[12];       /* "valid", "INVALID", "flawed" (oldbench's deliberate flaws) */
	int sample;           /* 1: an auxiliary sample row (memory), not a measurement */
	char extra[1024];
} rgb_row_t;

/* A row with every optional column empty and the common fields filled. */
void rgb_row_init(rgb_row_t *r, const char *workload, const char *variant, const char *sync,
		  int threads);
/* Appends "key=value" (printf format) to r->extra, ';'-separated; commas,
 * quotes and newlines in the value are replaced by '_'. */
void rgb_extra(rgb_row_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Checks that the CSVs can be written (an error before anything runs)
 * and remembers them; each is opened (header written when new or empty)
 * when the first rows are flushed. Returns 0 or -1 (message printed).
 * path NULL: no CSV. */
int rgb_csv_open(const char *path, const char *ratios_path);
void rgb_csv_close(void);
/* 0 if path can be appended to (a file the check creates is removed). */
int rgb_check_writable(const char *path);
const char *rgb_meta_run_id(void);
/* The metadata columns (run_id .. build_type, then seed) of every CSV. */
void rgb_put_meta(FILE *f);
/* One RFC 4180 field (quoted when needed) and its separator. */
void rgb_put_field(FILE *f, const char *s, int last);

/* Buffers one measured row of the current workload. */
void rgb_emit(const rgb_row_t *r);

/* One comparison the statistics made (judge.c): written to the ratios CSV. */
typedef struct rgb_cmp_row {
	char workload[16], study[64], variant[96];
	int threads, oversubscribed;
	char name[96];        /* e.g. "rcu-memb/nosync", "speedup 2/1", "A/A", or a target name */
	char kind[12];        /* ratio, ceiling, speedup, aa, compare */
	char num[128], den[128];
	rgs_ci_t ci;
	double resolution;
	int aa_biased;
	char verdict[24];
	int rank;
	char reason[200];
} rgb_cmp_row_t;
void rgb_emit_cmp(const rgb_cmp_row_t *c);

/* Writes the current workload's buffered rows and comparisons, marking
 * every row valid or INVALID (any non-flawed configuration invalid).
 * Returns the number of invalid configurations. */
int rgb_flush_workload(const char *workload, int ninvalid);
void rgb_rows_reset(void);

/* CSV field formatting (exposed for the selftest). */
void rgb_csv_header(FILE *f);
void rgb_csv_write_row(FILE *f, const rgb_row_t *r);

/* ------------------------------------------------------------------ */
/* Studies (study.c) and their statistics (judge.c)                   */
/* ------------------------------------------------------------------ */

#define RGB_MAX_CFG 256
#define RGB_MAX_CMP 256

enum {
	RGB_CFG_AA = 1u << 0,      /* the A/A copy of its ref: gives the resolution */
	RGB_CFG_CEILING = 1u << 1, /* its ref is the no-synchronisation ceiling (nosync) */
	RGB_CFG_FLAWED = 1u << 2,  /* deliberately flawed (oldbench): never invalidates the run */
	RGB_CFG_NORANK = 1u << 3,  /* not ranked */
};

typedef struct rgb_study rgb_study_t;

typedef struct rgb_cfg {
	/* set by the workload (rgb_cfg_add and then directly) */
	char variant[96];
	char sync[24];      /* CSV sync: a policy, "nosync#2", or another reader ("csr", "lmdb", "-") */
	char policy[24];    /* policy the graph is switched to before each run; "" none */
	int threads;        /* CSV threads: every thread in the timed region */
	int kind;           /* workload-defined */
	double update_ratio; /* percent, < 0: none */
	long batch;         /* < 0: none */
	int group;          /* equal-work group: the configurations of one group must agree
			       on their verify checksum (-1: no check) */
	int ref, one;       /* reference (ratio denominator) and speedup base: cfg indices, -1 */
	unsigned flags;     /* RGB_CFG_* */
	void *arg;          /* workload data */
	/* filled by the study */
	double *tput;       /* [rounds]: throughput per round, NaN if that run failed */
	double *share;      /* [rounds]: the run's cpu_share_min (NaN: not measured) */
	int failed;         /* setup or verify failed: never run */
	int has_checksum;
	uint64_t checksum;
	int late_start;     /* rounds in which a worker began before the release */
	int oversub;
	/* filled by the statistics */
	int has_ratio, has_speedup;
	rgs_ci_t ratio, speedup;
	double res;         /* resolution used for its verdicts (NaN: none) */
	char verdict[24];
	int invalid;
	char why[512];
	unsigned rank;
} rgb_cfg_t;

typedef struct rgb_cmp {
	int num, den;
	char name[96];
} rgb_cmp_t;

struct rgb_study {
	char workload[16];
	char name[64];            /* e.g. "readonly" or "readtargets cache packed" */
	const rgb_data_t *d;      /* graph of the rows (may be NULL) */
	rgb_cfg_t cfg[RGB_MAX_CFG];
	int ncfg;
	rgb_cmp_t cmp[RGB_MAX_CMP]; /* extra named comparisons (targets) */
	int ncmp;
	int rounds;
	double duration, warmup;
	void *ud;
	/* Main thread, before each run of c (outside timing, graph quiescent:
	 * no worker registered): e.g. rg_set_policy. Nonzero: the run fails. */
	int (*enter)(rgb_study_t *s, rgb_cfg_t *c);
	void (*leave)(rgb_study_t *s, rgb_cfg_t *c); /* after each run (may be NULL) */
	/* Equal-work checksum of c (main thread, between enter and leave,
	 * before the rounds): 0 = *ck set, 1 = no checksum, -1 = error. */
	int (*verify)(rgb_study_t *s, rgb_cfg_t *c, uint64_t *ck);
	/* Either job (the runner measures) ... */
	void (*job)(rgb_study_t *s, rgb_cfg_t *c, rgb_job_t *job);
	/* ... then row: the workload's columns of a measured run (ops and
	 * throughput default to the result's; may be NULL) */
	void (*row)(rgb_study_t *s, rgb_cfg_t *c, const rgb_result_t *res, rgb_row_t *r);
	/* ... or measure: the workload measures itself (count-based oldbench)
	 * and fills ops, throughput and its columns. 0 ok, -1 failed run. */
	int (*measure)(rgb_study_t *s, rgb_cfg_t *c, rgb_row_t *r);
	/* filled by rgb_study_run */
	int cur_round, cur_pos;   /* of the run in progress (for sample rows) */
	int ninvalid;
	double res_by_threads[RGB_MAX_THREADS + 1]; /* NaN: no A/A at that count */
	rgs_ci_t aa_by_threads[RGB_MAX_THREADS + 1];
};

/* Starts a study of the current workload (zeroes *s; rounds, duration and
 * warm-up from the options). */
void rgb_study_init(rgb_study_t *s, const char *workload, const char *name, const rgb_data_t *d);
/* Adds a configuration; returns its index (-1 when full: message). */
int rgb_cfg_add(rgb_study_t *s, const char *variant, const char *sync, const char *policy,
		int threads, int kind);
/* Adds the A/A copy of configuration i (sync "<sync>#2", ref = i). */
int rgb_cfg_add_aa(rgb_study_t *s, int i);
/* Links every configuration (of `variant`; NULL: all) that has none yet
 * to its reference: the configuration of sync ref_sync with the same
 * variant and threads
 * (RGB_CFG_CEILING when ref_sync is "nosync" and the configuration is a
 * synchronised policy), and to its speedup base: the same variant and sync
 * at 1 thread. Adds one A/A copy of the reference per thread count when
 * aa is set. */
void rgb_study_link(rgb_study_t *s, const char *variant, const char *ref_sync, int aa);
/* Index of the configuration (variant, sync, threads), -1 if none. */
int rgb_cfg_find(const rgb_study_t *s, const char *variant, const char *sync, int threads);
/* The equal-work check of ONE run (count-based workloads check every run,
 * not only verify): when ok is 0, c becomes INVALID with the reason
 * "unequal work in round R: <printf>" (the first reason is kept).
 * Returns ok. */
int rgb_work_check(rgb_cfg_t *c, int round, int ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An extra named comparison num/den, paired per round (targets). */
int rgb_study_compare(rgb_study_t *s, int num, int den, const char *name);

/* Verifies equal work, runs the rounds, judges, emits the rows and
 * comparisons and prints the study's summary. Returns 0, or -1 if no
 * configuration could run. s->ninvalid gets the invalid configurations. */
int rgb_study_run(rgb_study_t *s);
void rgb_study_free(rgb_study_t *s);

/* Invalid (non-flawed) configurations of the current workload's studies:
 * main.c zeroes it per workload, rgb_study_run adds to it. */
extern int rgb_wl_invalid;

/* judge.c: the statistics of a finished study (called by rgb_study_run). */
void rgb_study_judge(rgb_study_t *s);
void rgb_study_summary(const rgb_study_t *s);
/* Paired per-round ratio a/b of two configurations of a finished study. */
int rgb_study_paired(const rgb_study_t *s, int a, int b, rgs_ci_t *out);
/* Comparisons of a per-round metric other than throughput (a latency
 * percentile, fsyncs per commit, ...), after rgb_study_run: va[r], vb[r]
 * are the metric of configurations a and b in round r (NaN: missing).
 * rgb_metric_resolution: the A/A resolution of the metric from the
 * reference a measured twice (a2, its copy), written as an "aa" row.
 * rgb_metric_cmp: the median of the paired per-round ratios va/vb with
 * its 95% CI, judged against res (NaN: the study's throughput resolution
 * at a's thread count), written as a "compare" row named name and printed.
 * Both return 0, or -1 when there is no usable round. */
int rgb_metric_resolution(const rgb_study_t *s, int a2, int a, const double *v2, const double *v,
			  const char *name, double *res);
int rgb_metric_cmp(const rgb_study_t *s, int a, int b, const double *va, const double *vb,
		   const char *name, double res, rgs_ci_t *out);
/* "0.93 [0.88, 0.97]" */
void rgb_fmt_ci(char *buf, size_t cap, const rgs_ci_t *ci);

/* ------------------------------------------------------------------ */
/* Graphs and queries (graphs.c)                                      */
/* ------------------------------------------------------------------ */

struct rgb_data {
	char spec[1024];
	rg_edgelist_t el;
	uint64_t *ids;  /* distinct node ids (endpoints), ascending */
	uint64_t nids;
	uint64_t *queries; /* RGB_NQ query ids drawn uniformly from ids (seeded) */
	uint64_t hot;      /* id of the highest out-degree node (the hub) */
	uint64_t typical;  /* id of a node of typical (closest to mean) out-degree */
};
#define RGB_NQ (1u << 20)
#define RGB_VERIFY_Q 20000

/* Edge list and derived arrays for spec (cached: the last few specs).
 * NULL on error (message printed). */
rgb_data_t *rgb_data_get(const char *spec);
void rgb_data_free_all(void);

typedef struct rgb_gopts {
	const char *dir; /* durable graph dir or NULL */
	int durability;
	int edges;       /* 0: nodes only (no edges loaded) */
	uint64_t checkpoint_bytes; /* automatic checkpoints: 0 the library's default, RGB_NO_CKPT none */
	size_t gc_limit_bytes;     /* 0: the library's default */
} rgb_gopts_t;
#define RGB_NO_CKPT UINT64_MAX

/* Opens a graph with `sync` and loads d's nodes and edges (unless
 * go->edges == 0); with --pack (default) the load builds the pack (packed
 * once, here). Starts the metrics server with --metrics-port. The calling
 * thread is not left registered. NULL on error (printed). */
rg_graph_t *rgb_graph_build(const char *sync, const rgb_data_t *d, const rgb_gopts_t *go);
void rgb_graph_close(rg_graph_t *g);
/* rg_set_policy with a message on failure (0 or -1). */
int rgb_set_policy(rg_graph_t *g, const char *policy);

/* The graph's metrics object or NULL. */
rg_metrics_t *rgb_graph_metrics(rg_graph_t *g);
/* Appends a few metrics counters to r->extra. */
void rgb_extra_metrics(rgb_row_t *r, rg_graph_t *g);

/* mkdtemp under $TMPDIR (or /tmp) and recursive removal. */
int rgb_tmpdir(char *out, size_t cap, const char *tag);
void rgb_rmtree(const char *path);
/* Resident set size of this process in bytes (0 if unknown). */
uint64_t rgb_rss_bytes(void);
/* Dataset directory ($RG_DATASETS or the build-time one). */
const char *rgb_datasets_dir(void);
/* xorshift64* */
static inline uint64_t rgb_rand(uint64_t *s) { return bu_rand(s); }
uint64_t rgb_mix64(uint64_t x);

/* The equal-work checksum of a whole adjacency, the same for every store
 * that holds the same multigraph in the same adjacency order: for every
 * node (ascending id) and direction (out, then in) rgb_adj_node with its
 * degree, then rgb_adj_nbr per neighbour id in adjacency order. */
#define RGB_ADJ_INIT 0x6a09e667f3bcc909ull
static inline uint64_t rgb_adj_node(uint64_t h, uint64_t id, int dir, uint64_t deg)
{
	return rgb_mix64(h ^ (id << 1 | (uint64_t)dir) ^ rgb_mix64(deg + 0x9E3779B97F4A7C15ull));
}
static inline uint64_t rgb_adj_nbr(uint64_t h, uint64_t nbr)
{
	return (h ^ nbr) * 0x100000001b3ull;
}
/* rgb_adj_* over g's nodes ids[0..n) (ascending) in one read section (the
 * calling thread registers and unregisters: not for a nosync graph that
 * must stay writable). *edges (may be NULL) gets the out-entries seen.
 * Returns 0, or -1 if no section could be opened. */
int rgb_adj_checksum(rg_graph_t *g, const uint64_t *ids, uint64_t n, uint64_t *sum,
		     uint64_t *edges);

/* rgb_adj_* of the static-CSR baseline (experiments/baseline/gapcsr.h)
 * over d's nodes; *edges gets the out-entries seen. */
struct gb_csr;
uint64_t rgb_csr_adj_checksum(const struct gb_csr *c, const rgb_data_t *d, uint64_t *edges);

/* Fills the graph/nodes/edges columns from d. */
void rgb_row_graph(rgb_row_t *r, const rgb_data_t *d);
/* Fills the latency columns from a histogram (ns). */
void rgb_row_latency(rgb_row_t *r, const rgb_hist_t *h);

/* ------------------------------------------------------------------ */
/* The static CSR baseline (statcsr.c)                                */
/* ------------------------------------------------------------------ */

typedef struct rgb_statcsr {
	uint64_t n, m;  /* rows (max id + 1), edges */
	uint64_t *off;  /* [n + 1] */
	uint32_t *nbr;  /* [m] neighbour ids (== rcugraph slots on dense graphs) */
} rgb_statcsr_t;
/* Builds the CSR of the m edges src[i] -> dst[i] (ids < 2^32). 0 or -1. */
int rgb_statcsr_build(rgb_statcsr_t *c, const uint64_t *src, const uint64_t *dst, uint64_t m);
void rgb_statcsr_free(rgb_statcsr_t *c);

/* The pointer-chain reference (statcsr.c): the fewest dependent loads a
 * layout that can replace one node's neighbours without rebuilding the
 * rest needs when it keeps a per-node record (version, flags, length) as
 * rcugraph's heads do: node -> record pointer (a table) -> 64-byte record
 * -> its own neighbour array. No versions are checked and nothing is
 * synchronised; records and arrays are placed in a shuffled node order on
 * 2 MiB-advised memory, as a store edited in random order holds them. It
 * separates what the edited read path pays for the shape (three dependent
 * loads where a CSR has two) from what it pays on top. */
typedef struct rgb_pcrec {
	uint64_t n;          /* neighbours */
	const uint32_t *nbr; /* [n] */
	uint64_t pad[6];     /* a head's size: 64 bytes */
} rgb_pcrec_t;
typedef struct rgb_ptrchain {
	uint64_t n;                /* rows */
	const rgb_pcrec_t **tab;   /* [n]: NULL for an empty row */
	void *map[3];              /* the table, records, arrays mappings */
	size_t maplen[3];
} rgb_ptrchain_t;
/* Builds it from a CSR (the same rows and order); seed shuffles the
 * placement. 0 or -1 (message printed). */
int rgb_ptrchain_build(rgb_ptrchain_t *p, const rgb_statcsr_t *c, uint64_t seed);
void rgb_ptrchain_free(rgb_ptrchain_t *p);

/* ------------------------------------------------------------------ */
/* The query job of the read workloads (qwork.c)                      */
/* ------------------------------------------------------------------ */

/* One graph shared by every configuration of a study, and what its
 * writers must undo. */
typedef struct rgb_qwork {
	rg_graph_t *g;
	const rgb_data_t *d;
	int dirty;       /* written since the last pack: repacked before the next run */
	int maxbatch;
	uint64_t *pend;  /* [RGB_MAX_THREADS * maxbatch]: churn edges a thread inserted */
	int npend[RGB_MAX_THREADS];
	uint64_t pend_src[RGB_MAX_THREADS];
	struct rgb_qcfg *qc; /* [RGB_MAX_CFG] per-configuration parameters */
	int nqc;
} rgb_qwork_t;

typedef struct rgb_qcfg {
	rgb_qwork_t *w;
	uint64_t write_thresh; /* writes per 10,000 ops */
	int batch;             /* edges per write transaction */
	int hot;               /* every query on d->typical */
	int latency;           /* per-query latency histogram */
	int nreaders;          /* workers tid >= nreaders: dedicated writers */
	double *lat;           /* latency: [round * 3 + (p50, p99, p999)] in us, NaN missing */
} rgb_qcfg_t;

/* The writer of the reclamation workloads (memory, longread, openloop),
 * until the run stops: each step picks a random node u and b (<= 256)
 * random neighbours, commits their b edges of type `type` and commits
 * their deletion, so the graph ends as it began and every pair of commits
 * supersedes two versions of u's adjacency. Counts commits in *commits
 * and failed steps in *failed; with progress, stores the commit count
 * there after each commit (relaxed: a figure for a sampler); with maxns,
 * times each commit: the largest in *maxns, each in t->hist if the job
 * asked for latencies. */
void rgb_churn_writer(rg_graph_t *g, const rgb_data_t *d, rgb_tctx_t *t, int b, uint32_t type,
		      _Atomic uint64_t *progress, uint64_t *commits, uint64_t *failed, uint64_t *maxns);

/* The equal-work checksum of the read workloads: the first RGB_VERIFY_Q
 * queries of d through one exported read section each on g, from a thread
 * registered for the call (quiescent every 64 queries for rcu-qsbr). 0, or
 * -1 if the thread cannot register. */
int rgb_verify_sections(rg_graph_t *g, const rgb_data_t *d, uint64_t *ck);

/* Sets up w on g and d (the study's hooks are set by rgb_qwork_study). */
int rgb_qwork_init(rgb_qwork_t *w, rg_graph_t *g, const rgb_data_t *d, int maxbatch);
void rgb_qwork_free(rgb_qwork_t *w);
/* Adds a configuration reading through the exported path under `sync`
 * (its policy), with ratio % writes of `batch` edges (ratio <= 0:
 * read-only), hot queries, latency; threads = every worker, nreaders of
 * them readers (the rest dedicated writers). Returns the index or -1. */
int rgb_qwork_add(rgb_study_t *s, rgb_qwork_t *w, const char *variant, const char *sync,
		  int threads, int nreaders, double ratio, int batch, int hot, int latency);
/* Installs the hooks (enter: policy switch and repack, verify, job, row,
 * leave: the churn undone) on s; each configuration's qcfg says which
 * graph (qwork) it runs on, so one study may span several graphs. */
void rgb_qwork_study(rgb_study_t *s);
/* The policies of a study: the explicit --sync list or every policy,
 * nosync (the reference) always included first. */
int rgb_read_syncs(const char **out, const char *const *dflt);

/* The default graph of the in-memory workloads. */
const char *rgb_default_graph(void);

#endif
