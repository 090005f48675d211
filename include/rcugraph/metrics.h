/*
 * metrics.h - rcugraph metrics: per-CPU sharded counters, latency
 * histograms, Prometheus / human / key=value export, a loopback HTTP
 * endpoint, and the counter-variant API used by the counter study.
 *
 * A graph owns one rg_metrics_t (unless metrics are switched off for it at
 * run time, rg_options.metrics = 0, or for the whole build at compile time,
 * CMake -DRG_METRICS=OFF which defines RG_NO_METRICS). The library updates
 * it on its own paths; this header is the read side. Reading never blocks
 * an updater: counters are summed over per-CPU slots with relaxed loads, so
 * a read taken while threads update is approximate (every counter value is
 * between its value when the read began and when it ended; values of
 * DIFFERENT counters are not mutually consistent). Once updaters have been
 * joined (or otherwise synchronised with the reader) reads are exact.
 *
 * docs/metrics.md lists every exported metric with its type and unit.
 */
#ifndef RCUGRAPH_METRICS_H
#define RCUGRAPH_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rcugraph/rcugraph.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rg_metrics rg_metrics_t;

/* ------------------------------------------------------------------ */
/* Identifiers                                                        */
/* ------------------------------------------------------------------ */

/* Monotonic counters (Prometheus type counter, name rcugraph_<name>). */
enum rg_counter_id {
	RG_C_READ_SECTIONS = 0,         /* read sections begun */
	RG_C_READ_SECTIONS_ENDED,       /* read sections ended */
	RG_C_READ_RETRIES,              /* optimistic sections that returned RG_ERETRY */
	RG_C_TXNS_BEGUN,                /* write transactions begun */
	RG_C_TXNS_ENDED,                /* transactions finished (commit, failed commit or abort) */
	RG_C_COMMITS,                   /* successful commits */
	RG_C_ABORTS,                    /* aborted or rolled-back transactions */
	RG_C_NODES_ADDED,
	RG_C_NODES_DELETED,
	RG_C_EDGES_ADDED,
	RG_C_EDGES_DELETED,
	RG_C_VERSIONS_PUBLISHED,        /* per-node versions published by commits */
	RG_C_GRACE_PERIODS,             /* grace periods waited for (synchronize_rcu & co) */
	RG_C_RECLAIM_CALLBACKS_QUEUED,  /* objects handed to deferred reclamation */
	RG_C_RECLAIM_CALLBACKS_DONE,    /* objects actually freed after a grace period */
	RG_C_RECLAIM_BYTES_QUEUED,
	RG_C_RECLAIM_BYTES_DONE,
	RG_C_RECLAIM_WAITS,             /* writer stalls because gc_limit_bytes was reached */
	RG_C_LOCK_ACQUISITIONS,         /* lock acquisitions by lock-based policies */
	RG_C_LOCK_WAIT_NS,              /* total time spent waiting for those locks (ns) */
	RG_C_LOG_BYTES,                 /* bytes appended to the write-ahead log */
	RG_C_FSYNCS,
	RG_C_CHECKPOINTS,
	RG_C_CHECKPOINT_BYTES,
	RG_C_CHECKPOINT_FAILURES, /* automatic checkpoints that failed (retried) */
	RG_C_PARALLEL_TRAVERSALS,
	RG_C__COUNT
};

/* Last-value gauges (set, not added). Stored as double. */
enum rg_gauge_id {
	RG_G_TRAVERSAL_SPEEDUP = 0, /* last parallel traversal: sum of worker busy time / wall time */
	RG_G_TRAVERSAL_THREADS,     /* last parallel traversal: worker threads used */
	RG_G__COUNT
};

/* Latency histograms. Values are recorded in nanoseconds and exported in
 * seconds. */
enum rg_hist_id {
	RG_H_COMMIT_SECONDS = 0,      /* rg_txn_commit() latency */
	RG_H_GRACE_PERIOD_SECONDS,    /* one grace-period wait */
	RG_H_READ_SECTION_SECONDS,    /* read section duration, SAMPLED (1 in RG_METRICS_READ_SAMPLE) */
	RG_H_CHECKPOINT_SECONDS,      /* checkpoint duration */
	RG_H_LOCK_WAIT_SECONDS,       /* one lock wait (lock-based policies) */
	RG_H_FSYNC_SECONDS,           /* one fsync */
	RG_H_TRAVERSAL_SECONDS,       /* one parallel traversal, wall time */
	RG_H__COUNT
};

/* One read section in this many has its duration recorded. Power of two. */
#define RG_METRICS_READ_SAMPLE 64

/*
 * Histogram resolution: values below 16 ns are exact; above, each power of
 * two [2^e, 2^(e+1)) is split into 16 equal sub-buckets, so a reported
 * percentile (the midpoint of its bucket) is within RG_HIST_REL_ERROR of the
 * exact sample quantile of the same rank. Values >= 2^48 ns (~78 h) are
 * clamped into the last bucket (their _sum stays exact).
 */
#define RG_HIST_REL_ERROR (1.0 / 32.0)

/* ------------------------------------------------------------------ */
/* Reading                                                            */
/* ------------------------------------------------------------------ */

/* Whether this build records metrics (false when built with RG_NO_METRICS:
 * graphs then have no metrics object). Any thread. */
bool rg_metrics_compiled_in(void);

/*
 * Standalone metrics object, e.g. for a program's own use or tests; graphs
 * create theirs internally. Any thread. Allocates (one shard per possible
 * CPU, rounded up to a power of two, at most 256: larger CPU ids share
 * shards, still exactly; ~40 KiB per shard, zero pages until a CPU first
 * writes). Returns NULL on allocation failure and, in a
 * RG_NO_METRICS build, always. Release with rg_metrics_destroy().
 */
rg_metrics_t *rg_metrics_create(void);

/* Frees m. NULL is a no-op. No thread may update or read m (and no
 * server may serve it) concurrently or afterwards. */
void rg_metrics_destroy(rg_metrics_t *m);

/* Summary of one histogram. */
typedef struct rg_hist_summary {
	uint64_t count;      /* observations */
	double sum_seconds;  /* exact sum of the observations */
	double p50, p90, p99, p999; /* seconds (0 when count == 0) */
} rg_hist_summary_t;

/* A point-in-time read of every metric. */
typedef struct rg_metrics_snapshot {
	uint64_t counters[RG_C__COUNT]; /* indexed by enum rg_counter_id */
	double gauges[RG_G__COUNT];     /* indexed by enum rg_gauge_id */
	/* Derived gauges (differences of counters, clamped at 0 because the
	 * two counters are read at slightly different instants). */
	uint64_t active_readers;          /* READ_SECTIONS - READ_SECTIONS_ENDED */
	uint64_t active_writers;          /* TXNS_BEGUN - TXNS_ENDED */
	uint64_t reclaim_pending_objects; /* RECLAIM_CALLBACKS_QUEUED - _DONE */
	uint64_t reclaim_pending_bytes;   /* RECLAIM_BYTES_QUEUED - _DONE */
	rg_hist_summary_t hist[RG_H__COUNT]; /* indexed by enum rg_hist_id */
} rg_metrics_snapshot_t;

/*
 * Reads every metric into *out. Any thread, no read section needed; never
 * blocks updaters; does not allocate. Approximate while updates run (see
 * the top of this file). Returns RG_EINVAL for NULL arguments.
 */
int rg_metrics_read(const rg_metrics_t *m, rg_metrics_snapshot_t *out);

/* Current value of one counter (sum over CPUs). Any thread. 0 for NULL m or
 * an id out of range. */
uint64_t rg_metrics_counter(const rg_metrics_t *m, enum rg_counter_id id);

/*
 * Quantile q (0 < q <= 1; e.g. 0.999) of histogram h, in seconds, into
 * *seconds: the midpoint of the bucket holding the observation of rank
 * ceil(q * count), within RG_HIST_REL_ERROR of the exact value. Any thread;
 * no allocation. Returns RG_EINVAL (NULL, bad h, q outside (0,1]),
 * RG_ENOENT (no observation yet; *seconds is set to 0).
 */
int rg_metrics_percentile(const rg_metrics_t *m, enum rg_hist_id h, double q,
			  double *seconds);

/* Name of a counter / gauge / histogram as exported, without the
 * "rcugraph_" prefix (e.g. "commits_total", "commit_seconds"). Static
 * string; NULL for an id out of range. Any thread. */
const char *rg_metrics_counter_name(enum rg_counter_id id);
const char *rg_metrics_gauge_name(enum rg_gauge_id id);
const char *rg_metrics_hist_name(enum rg_hist_id id);

/* ------------------------------------------------------------------ */
/* Export                                                             */
/* ------------------------------------------------------------------ */

/*
 * Writes every metric in the Prometheus text exposition format 0.0.4:
 * "# HELP" and "# TYPE" lines, names prefixed "rcugraph_", base units
 * (_seconds, _bytes, _total), histograms as cumulative _bucket{le="..."}
 * (every second power of two of nanoseconds, plus +Inf), _sum and _count.
 * Any thread; allocates nothing beyond stdio buffering. Returns RG_EINVAL
 * (NULL argument), RG_EIO (write error on f).
 */
int rg_metrics_write_prometheus(const rg_metrics_t *m, FILE *f);

/*
 * As rg_metrics_write_prometheus() but into buf (capacity cap, always
 * NUL-terminated when cap > 0). *len (may be NULL) receives the full text
 * length, which may exceed cap - 1; RG_ERANGE if it did not fit (the text
 * is then truncated). Allocates a temporary buffer. RG_EINVAL, RG_ENOMEM.
 */
int rg_metrics_format_prometheus(const rg_metrics_t *m, char *buf, size_t cap,
				 size_t *len);

/* Human-readable multi-line report (counters, derived gauges, histogram
 * count / mean / percentiles in microseconds). Any thread. RG_EINVAL,
 * RG_EIO. */
int rg_metrics_write_report(const rg_metrics_t *m, FILE *f);

/*
 * One line, no newline, of "key=value" pairs separated by ';' (no commas,
 * no spaces, so it fits in one CSV field): every counter by its exported
 * name ("commits_total=12"), the derived gauges, the gauges, and for each
 * histogram <name>_count, <name>_sum, <name>_p50, _p90, _p99, _p999
 * (seconds). Values are decimal integers or %.9g doubles. Any thread.
 * RG_EINVAL, RG_EIO.
 */
int rg_metrics_write_kv(const rg_metrics_t *m, FILE *f);

/* ------------------------------------------------------------------ */
/* Live HTTP endpoint                                                 */
/* ------------------------------------------------------------------ */

typedef struct rg_metrics_server rg_metrics_server_t;

/*
 * Serves GET /metrics (Prometheus text) on 127.0.0.1:port from a
 * libmicrohttpd thread; other paths get 404, other methods 405. port 0
 * picks a free port (see rg_metrics_server_port()). Any thread. m must stay
 * alive until rg_metrics_server_stop() returns. Allocates the server.
 * Returns RG_EINVAL (NULL argument), RG_EIO (bind/listen failed, e.g. port
 * in use), RG_ENOMEM, RG_ESTATE (RG_NO_METRICS build).
 */
int rg_metrics_serve(const rg_metrics_t *m, uint16_t port,
		     rg_metrics_server_t **srv);

/* The port actually bound. 0 for NULL. Any thread. */
uint16_t rg_metrics_server_port(const rg_metrics_server_t *srv);

/* Stops serving (waits for in-flight requests) and frees srv. NULL is a
 * no-op. Any thread except the server's own. */
void rg_metrics_server_stop(rg_metrics_server_t *srv);

/* ------------------------------------------------------------------ */
/* Counter variants (counter study)                                   */
/* ------------------------------------------------------------------ */

/*
 * Four implementations of one signed 64-bit counter behind one interface.
 * All four are exact once every updater has been joined. While updates run:
 *
 *  RG_COUNTER_ATOMIC    one shared atomic word. rg_counter_read() is exact
 *                       (linearizable) at every instant. Every add bounces
 *                       the cache line between CPUs.
 *  RG_COUNTER_PERCPU    one cache-line slot per CPU, chosen by the rseq cpu
 *                       id (fallback sched_getcpu), relaxed atomic add to
 *                       the slot (docs/metrics.md: why atomic, and the rseq
 *                       plain-add option).
 *                       read() sums slots: for non-negative deltas the
 *                       result lies between the true value when the read
 *                       began and when it ended ("eventually exact").
 *  RG_COUNTER_PERTHREAD one cache-line slot per thread, allocated the first
 *                       time a thread adds to this counter (found again
 *                       through a small thread-local cache; a miss takes a
 *                       mutex). Plain load+store by the owning thread (no
 *                       lock prefix). Same read accuracy as PERCPU. Slots
 *                       of exited threads keep their value until destroy,
 *                       so memory grows with the number of distinct threads.
 *  RG_COUNTER_BATCHED   like Linux percpu_counter: per-CPU deltas folded
 *                       into a shared atomic when |delta| reaches `batch`.
 *                       rg_counter_read_fast() reads only the shared word:
 *                       error <= ncpu * batch (plus adds in flight).
 *                       rg_counter_read() also sums the per-CPU deltas: its
 *                       error is bounded by the deltas being folded at that
 *                       instant (<= batch + in-flight adds per folding CPU).
 */
typedef enum rg_counter_kind {
	RG_COUNTER_PERCPU = 0,
	RG_COUNTER_ATOMIC = 1,
	RG_COUNTER_PERTHREAD = 2,
	RG_COUNTER_BATCHED = 3,
} rg_counter_kind_t;

typedef struct rg_counter rg_counter_t;

/*
 * Creates a counter of the given kind, value 0. batch is the fold threshold
 * of RG_COUNTER_BATCHED (0 means the default, 64) and must be 0 for the
 * other kinds. Any thread. Allocates. Returns RG_EINVAL (NULL out, unknown
 * kind, batch for a non-batched kind, batch > 2^31), RG_ENOMEM.
 */
int rg_counter_create(rg_counter_kind_t kind, uint32_t batch, rg_counter_t **out);

/* Frees c. NULL is a no-op. No thread may use c concurrently or after. */
void rg_counter_destroy(rg_counter_t *c);

/* Adds delta. Any thread, concurrently with adds and reads. No allocation,
 * except the first add of a thread to a PERTHREAD counter (slot; on
 * allocation failure that add falls back to a shared atomic overflow word,
 * still exact). */
void rg_counter_add(rg_counter_t *c, int64_t delta);

/* Current value (accuracy per kind above). Any thread. 0 for NULL. */
int64_t rg_counter_read(const rg_counter_t *c);

/* Cheapest read: for BATCHED the shared word only; as rg_counter_read()
 * for the other kinds. Any thread. */
int64_t rg_counter_read_fast(const rg_counter_t *c);

/* "percpu", "atomic", "perthread", "batched"; NULL for an unknown kind. */
const char *rg_counter_kind_name(rg_counter_kind_t kind);

#ifdef __cplusplus
}
#endif

#endif /* RCUGRAPH_METRICS_H */
