/*
 * rgbench.h - shared declarations of the rgbench experiment driver.
 *
 * Files (one responsibility each):
 *   main.c        options, --help, --list, workload dispatch
 *   csv.c         run metadata, row buffer, CSV output, flags, summaries
 *   runner.c      worker threads, start/end barriers, duration trials,
 *                 warm-up, per-thread padded counters, latency histograms,
 *                 CPU pinning, progress on stderr
 *   graphs.c      edge lists (cached by spec), building a fresh graph per
 *                 configuration, query sequences, the neighbour query and
 *                 its verification checksum, metrics server, temp dirs
 *   wl_reads.c    readonly, mixed, contention, latency, realgraphs, selftest
 *   wl_traversal.c traversal
 *   wl_writer.c   writer, memory
 *   wl_counters.c counters
 *   wl_lmdb.c     lmdb (the LMDB peer)
 *   wl_oldbench.c oldbench (the old benchmark and its flaws)
 *   stats.c       statistics of rounds, paired ratios, CIs, verdicts
 *                 (stats.h; standalone, shared with other benchmarks)
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

#define RGB_MAX_LIST 64
#define RGB_MAX_THREADS 256

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
	const char *syncs[RGB_MAX_LIST]; /* explicit --sync list */
	int nsync;                       /* 0: the workload's default */
	int threads[RGB_MAX_LIST];       /* explicit --threads list */
	int nthreads;                    /* 0: the workload's default */
	double duration, warmup;         /* seconds per trial, warm-up seconds per configuration */
	int trials;
	const char *graph;               /* --graph spec; NULL: the workload's default */
	double ratios[RGB_MAX_LIST];     /* --update-ratio list, percent */
	int nratios;
	int batch;                       /* edges per write transaction (0: workload default) */
	int durs[4];                     /* --durability list (RG_DURABILITY_* or -1 = none/in memory) */
	int ndurs;
	int pin;
	uint64_t seed;
	const char *csv;
	int metrics_port;                /* -1: off */
	int quick;
	int reuse_graph;                 /* 1: do NOT rebuild the graph between configurations */
	int pack;                        /* 1: rg_pack() every graph after loading it */
	unsigned flaws;                  /* oldbench: flaws to switch on (RGB_FLAW_*) */
	int verbose;
} rgb_opts_t;

extern rgb_opts_t rgb_o;

/* Threads list for a workload: the explicit one, or dflt (n entries). */
int rgb_threads_list(int *out, const int *dflt, int n);
/* Default 1,2,4,.. up to nproc (nproc included). Returns count. */
int rgb_default_threads(int *out);
/* Sync list for a workload: explicit --sync, else dflt (NULL-terminated;
 * NULL dflt: every policy of the build). Unknown names are skipped with a
 * warning. Returns count (out has RGB_MAX_LIST room). */
int rgb_sync_list(const char **out, const char *const *dflt);
int rgb_policy_known(const char *name);
/* Ratios (percent): explicit --update-ratio or dflt. */
int rgb_ratio_list(double *out, const double *dflt, int n);

/* ------------------------------------------------------------------ */
/* Rows, CSV, metadata, summaries (csv.c)                             */
/* ------------------------------------------------------------------ */

typedef struct rgb_row {
	char workload[16];
	char variant[96];
	char sync[24];
	int threads;
	int trial;
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
	int oversubscribed, suspect;
	char extra[1024];
} rgb_row_t;

/* A row with every optional column empty and the common fields filled. */
void rgb_row_init(rgb_row_t *r, const char *workload, const char *variant,
		  const char *sync, int threads, int trial);
/* Appends "key=value" (printf format) to r->extra, ';'-separated; commas
 * and newlines in the value are replaced by '_' (extra never holds them). */
void rgb_extra(rgb_row_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the CSV (header written when the file is new or empty) and takes
 * the run metadata. Returns 0 or -1 (message printed). path NULL: no CSV. */
int rgb_csv_open(const char *path);
void rgb_csv_close(void);
/* The 9 metadata values (for tests and the summary). */
const char *rgb_meta_run_id(void);
long rgb_nproc(void);

/* Buffers one row (the workload's rows are flagged and written together). */
void rgb_emit(const rgb_row_t *r);
/* Computes oversubscribed / suspect / ratio_to_nosync over the buffered
 * rows of the current workload, writes them to the CSV, prints the
 * generic summary table to stdout, and keeps them readable for
 * workload-specific summary lines (rgb_median) until the next call. */
void rgb_flush_workload(const char *workload);
/* Median throughput of the buffered rows that match (NULL/ -1 = any).
 * Returns -1 if none matched. Valid until the next flush's end. */
double rgb_median(const char *workload, const char *variant, const char *sync,
		  int threads, double ratio);
enum { RGB_F_THROUGHPUT = 0, RGB_F_P50, RGB_F_P99, RGB_F_P999 };
double rgb_median_field(const char *workload, const char *variant, const char *sync,
			int threads, double ratio, int field);
/* Whether every buffered row of `workload` and `variant` prefix has the
 * same checksum (1), some differ (0), or none has one (-1). */
int rgb_checksums_equal(const char *workload, const char *variant_prefix);
/* Drops the buffered rows (main.c calls it before each workload). */
void rgb_rows_reset(void);

/* CSV field formatting (exposed for the test-facing selftest). */
void rgb_csv_header(FILE *f);
void rgb_csv_write_row(FILE *f, const rgb_row_t *r);

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
	uint64_t rng;     /* per-thread seed, same for every trial of a config */
	uint64_t pos;     /* per-thread position in the query sequence (kept across trials) */
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
	/* In the worker thread, once, before anything: e.g. per-thread state.
	 * Nonzero = fail (the configuration is skipped). May be NULL. */
	int (*thread_init)(void *arg, rgb_tctx_t *t);
	void (*thread_fini)(void *arg, rgb_tctx_t *t);
	/* In the worker, around each phase (warm-up or trial), OUTSIDE the
	 * timed work: phase_begin before the start barrier, phase_end after
	 * the loop, before the end barrier (e.g. reader register/unregister,
	 * so no registered thread idles on a barrier under rcu-qsbr). */
	void (*phase_begin)(void *arg, rgb_tctx_t *t);
	void (*phase_end)(void *arg, rgb_tctx_t *t);
	/* The timed loop: runs until rgb_stopped(t); counts into t->ctr->ops,
	 * t->ctr->checksum, t->aux, t->hist. Must do at least one op. */
	void (*run)(void *arg, rgb_tctx_t *t);
	/* Main thread, every sample_s seconds during a trial (may be NULL). */
	double sample_s;
	void (*sample)(void *arg, int trial, double t_rel);
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
} rgb_result_t;

/* Runs one configuration: creates the threads (pinned with --pin), runs a
 * warm-up phase of warmup_s (discarded; skipped if <= 0), then `trials`
 * trials of duration_s, calling on_trial after each. Returns 0, or -1 if a
 * thread could not be created or thread_init failed (nothing reported). */
int rgb_run(const rgb_job_t *job, int trials, double warmup_s, double duration_s,
	    void (*on_trial)(void *ud, int trial, const rgb_result_t *res), void *ud);

/* Per-thread first-op timestamp hook: call at the top of run() (the
 * runner uses it for the barrier check). */
void rgb_mark_start(rgb_tctx_t *t);

/* Pins the calling thread to CPU i % nproc if --pin. */
void rgb_pin(int i);

/* Progress on stderr: a workload announces its number of configurations,
 * then steps once per configuration. */
void rgb_progress_begin(const char *workload, int nconfigs);
void rgb_progress_step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double rgb_run_elapsed(void); /* seconds since rgbench started */

/* ------------------------------------------------------------------ */
/* Graphs and queries (graphs.c)                                      */
/* ------------------------------------------------------------------ */

typedef struct rgb_data {
	char spec[1024];
	rg_edgelist_t el;
	uint64_t *ids;  /* distinct node ids (endpoints), ascending */
	uint64_t nids;
	uint64_t *queries; /* RGB_NQ query ids drawn uniformly from ids (seeded) */
	uint64_t hot;      /* id of the highest out-degree node (the hub) */
	uint64_t typical;  /* id of a node of typical (closest to mean) out-degree */
} rgb_data_t;
#define RGB_NQ (1u << 20)
#define RGB_VERIFY_Q 20000

/* Edge list and derived arrays for spec (cached: the last few specs). */
rgb_data_t *rgb_data_get(const char *spec);
void rgb_data_free_all(void);

typedef struct rgb_gopts {
	const char *dir; /* durable graph dir or NULL */
	int durability;
	int edges;       /* 0: nodes only (no edges loaded) */
} rgb_gopts_t;

/* Opens a new graph with `sync` and loads d's nodes (and edges unless
 * go->edges == 0). Starts the metrics server if --metrics-port. The
 * calling thread is not left registered. NULL on error (printed). */
rg_graph_t *rgb_graph_build(const char *sync, const rgb_data_t *d, const rgb_gopts_t *go);
void rgb_graph_close(rg_graph_t *g);

/* One neighbour query: read section, sum of (out-neighbour ids + 1),
 * retried on RG_ERETRY (counted in *retries). Thread must be registered.
 * Returns the sum (0 for a missing node). */
uint64_t rgb_query(rg_graph_t *g, uint64_t id, uint64_t *retries);
/* Single-threaded checksum of the first RGB_VERIFY_Q queries of d
 * (registers and unregisters the calling thread). */
uint64_t rgb_verify_checksum(rg_graph_t *g, const rgb_data_t *d);

/* The graph's metrics object or NULL (see graphs.c for why it may be). */
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

/* Fills the graph/nodes/edges/durability columns from d. */
void rgb_row_graph(rgb_row_t *r, const rgb_data_t *d);
/* Fills the latency columns from a histogram (ns). */
void rgb_row_latency(rgb_row_t *r, const rgb_hist_t *h);

/* ------------------------------------------------------------------ */
/* Workloads                                                          */
/* ------------------------------------------------------------------ */

int wl_readonly(void);
int wl_mixed(void);
int wl_contention(void);
int wl_latency(void);
int wl_realgraphs(void);
int wl_selftest(void);
int wl_traversal(void);
int wl_writer(void);
int wl_memory(void);
int wl_counters(void);
int wl_lmdb(void);
int wl_oldbench(void);

/* One query configuration (wl_reads.c) on a fresh graph: `threads` threads
 * doing neighbour queries, ratio % of them write txns of `batch` edges
 * (ratio < 0 or 0: read-only; batch < 0: column empty). Emits one row per
 * trial with unit "queries" (read-only) or "ops". */
int rgb_run_queries(const char *wl, const char *variant, const char *sync, int threads,
		    double ratio, int batch, const rgb_data_t *d);

/* The default graph of the in-memory workloads. */
const char *rgb_default_graph(void);

#endif
