/*
 * metrics.c - per-graph metrics object: allocation, names, snapshot read,
 * Prometheus text / human report / key=value export. The update fast path
 * is inline in src/metrics.h; histogram internals are in histogram.c.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

__thread uint32_t rg__metrics_tls_tick __attribute__((tls_model("initial-exec")));

struct rg__metric_meta {
	const char *name; /* without the rcugraph_ prefix */
	const char *help;
	int ns;           /* value is in ns, exported in seconds */
};

static const struct rg__metric_meta rg__counter_meta[RG_C__COUNT] = {
	[RG_C_READ_SECTIONS] = {"read_sections_total", "Read sections begun.", 0},
	[RG_C_READ_SECTIONS_ENDED] = {"read_sections_ended_total", "Read sections ended.", 0},
	[RG_C_READ_RETRIES] = {"read_retries_total", "Optimistic read sections invalidated by a writer (RG_ERETRY).", 0},
	[RG_C_TXNS_BEGUN] = {"transactions_begun_total", "Write transactions begun.", 0},
	[RG_C_TXNS_ENDED] = {"transactions_ended_total", "Write transactions finished (committed, failed or aborted).", 0},
	[RG_C_COMMITS] = {"commits_total", "Successful commits.", 0},
	[RG_C_ABORTS] = {"aborts_total", "Aborted or rolled-back transactions.", 0},
	[RG_C_NODES_ADDED] = {"nodes_added_total", "Nodes added by committed transactions.", 0},
	[RG_C_NODES_DELETED] = {"nodes_deleted_total", "Nodes deleted by committed transactions.", 0},
	[RG_C_EDGES_ADDED] = {"edges_added_total", "Edges added by committed transactions.", 0},
	[RG_C_EDGES_DELETED] = {"edges_deleted_total", "Edges deleted by committed transactions.", 0},
	[RG_C_VERSIONS_PUBLISHED] = {"versions_published_total", "Per-node snapshot versions published by commits.", 0},
	[RG_C_GRACE_PERIODS] = {"grace_periods_total", "Grace periods waited for.", 0},
	[RG_C_RECLAIM_CALLBACKS_QUEUED] = {"reclaim_callbacks_queued_total", "Objects handed to deferred reclamation.", 0},
	[RG_C_RECLAIM_CALLBACKS_DONE] = {"reclaim_callbacks_done_total", "Objects freed after their grace period.", 0},
	[RG_C_RECLAIM_BYTES_QUEUED] = {"reclaim_queued_bytes_total", "Bytes handed to deferred reclamation.", 0},
	[RG_C_RECLAIM_BYTES_DONE] = {"reclaim_done_bytes_total", "Bytes freed after their grace period.", 0},
	[RG_C_RECLAIM_WAITS] = {"reclaim_waits_total", "Times the writer waited for reclamation (gc_limit_bytes reached).", 0},
	[RG_C_LOCK_ACQUISITIONS] = {"lock_acquisitions_total", "Lock acquisitions by lock-based synchronisation policies.", 0},
	[RG_C_LOCK_WAIT_NS] = {"lock_wait_time_seconds_total", "Total time spent waiting to acquire those locks.", 1},
	[RG_C_LOG_BYTES] = {"log_bytes_total", "Bytes appended to the write-ahead log.", 0},
	[RG_C_FSYNCS] = {"fsyncs_total", "fsync/fdatasync calls.", 0},
	[RG_C_CHECKPOINTS] = {"checkpoints_total", "Checkpoints written.", 0},
	[RG_C_CHECKPOINT_BYTES] = {"checkpoint_bytes_total", "Bytes written by checkpoints.", 0},
	[RG_C_CHECKPOINT_FAILURES] = {"checkpoint_failures_total", "Automatic checkpoints that failed (each is retried with backoff).", 0},
	[RG_C_PARALLEL_TRAVERSALS] = {"parallel_traversals_total", "Parallel traversals run.", 0},
};

static const struct rg__metric_meta rg__gauge_meta[RG_G__COUNT] = {
	[RG_G_TRAVERSAL_SPEEDUP] = {"traversal_speedup_ratio", "Last parallel traversal: sum of worker busy time divided by wall time.", 0},
	[RG_G_TRAVERSAL_THREADS] = {"traversal_threads", "Last parallel traversal: worker threads used.", 0},
};

static const struct rg__metric_meta rg__hist_meta[RG_H__COUNT] = {
	[RG_H_COMMIT_SECONDS] = {"commit_seconds", "Commit latency.", 1},
	[RG_H_GRACE_PERIOD_SECONDS] = {"grace_period_seconds", "Grace-period wait latency.", 1},
	[RG_H_READ_SECTION_SECONDS] = {"read_section_seconds", "Read section duration (sampled: 1 section in 64 per thread).", 1},
	[RG_H_CHECKPOINT_SECONDS] = {"checkpoint_seconds", "Checkpoint duration.", 1},
	[RG_H_LOCK_WAIT_SECONDS] = {"lock_wait_seconds", "Wait for one lock acquisition (lock-based policies).", 1},
	[RG_H_FSYNC_SECONDS] = {"fsync_seconds", "Duration of one fsync.", 1},
	[RG_H_TRAVERSAL_SECONDS] = {"traversal_seconds", "Wall time of one parallel traversal.", 1},
};

/* Derived gauges: name, help, counter pair. */
static const struct {
	const char *name, *help;
	enum rg_counter_id plus, minus;
} rg__derived_meta[4] = {
	{"active_readers", "Read sections currently open.", RG_C_READ_SECTIONS, RG_C_READ_SECTIONS_ENDED},
	{"active_writers", "Write transactions currently open.", RG_C_TXNS_BEGUN, RG_C_TXNS_ENDED},
	{"reclaim_pending_objects", "Objects waiting for a grace period before being freed.", RG_C_RECLAIM_CALLBACKS_QUEUED, RG_C_RECLAIM_CALLBACKS_DONE},
	{"reclaim_pending_bytes", "Bytes waiting for a grace period before being freed.", RG_C_RECLAIM_BYTES_QUEUED, RG_C_RECLAIM_BYTES_DONE},
};

bool rg_metrics_compiled_in(void)
{
#ifdef RG_NO_METRICS
	return false;
#else
	return true;
#endif
}

rg_metrics_t *rg_metrics_create(void)
{
#ifdef RG_NO_METRICS
	return NULL;
#else
	struct rg_metrics *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->nshards = rg__percpu_nslots();
	m->shard_mask = m->nshards - 1;
	/* calloc, not aligned_alloc + memset: large blocks come from mmap as
	 * zero pages, so shards of CPUs never used cost no physical memory. */
	size_t bytes = sizeof(struct rg__metrics_shard) * (m->nshards + 1) + RG_PCPU_ALIGN; /* + fallback shard (RG_PCPU_USE_RSEQ) */
	m->raw = calloc(1, bytes);
	if (!m->raw) {
		free(m);
		return NULL;
	}
	uintptr_t p = ((uintptr_t)m->raw + RG_PCPU_ALIGN - 1) & ~(uintptr_t)(RG_PCPU_ALIGN - 1);
	m->shards = (struct rg__metrics_shard *)p;
	/* without them read sections count on the shards (struct rg_metrics) */
	if (rg_counter_create(RG_COUNTER_PERTHREAD, 0, &m->rd_count))
		m->rd_count = NULL;
	static uint64_t next_gen = 1;
	/* Relaxed: only uniqueness matters. */
	m->gen = RG_FETCH_ADD_RELAXED(&next_gen, 1);
	return m;
#endif
}

void rg_metrics_destroy(rg_metrics_t *m)
{
	if (!m)
		return;
	rg_counter_destroy(m->rd_count);
	free(m->raw);
	free(m);
}

void rg__metrics_thread_attach(struct rg_metrics *m, struct rg_mthread *mt)
{
	mt->w[0] = rg__counter_thread_word(m->rd_count);
	mt->w[1] = mt->w[0] ? mt->w[0] + 1 : NULL; /* v2, on the same line */
	mt->gen = m->gen;
}

const char *rg_metrics_counter_name(enum rg_counter_id id)
{
	return (unsigned)id < RG_C__COUNT ? rg__counter_meta[id].name : NULL;
}

const char *rg_metrics_gauge_name(enum rg_gauge_id id)
{
	return (unsigned)id < RG_G__COUNT ? rg__gauge_meta[id].name : NULL;
}

const char *rg_metrics_hist_name(enum rg_hist_id id)
{
	return (unsigned)id < RG_H__COUNT ? rg__hist_meta[id].name : NULL;
}

uint64_t rg_metrics_counter(const rg_metrics_t *m, enum rg_counter_id id)
{
	if (!m || (unsigned)id >= RG_C__COUNT)
		return 0;
	uint64_t sum = 0;
	for (uint32_t s = 0; s <= m->nshards; s++) /* + fallback shard (RG_PCPU_USE_RSEQ) */
		/* Relaxed: independent monotonic slots, summed. */
		sum += RG_LOAD_SHARED(m->shards[s].c[id]);
	if (id == RG_C_READ_SECTIONS)
		sum += (uint64_t)rg_counter_read(m->rd_count);
	else if (id == RG_C_READ_SECTIONS_ENDED)
		sum += (uint64_t)rg__counter_read2(m->rd_count);
	return sum;
}

static double rg__gauge_get(const struct rg_metrics *m, enum rg_gauge_id g)
{
	/* Relaxed: see rg__metrics_set(). */
	uint64_t bits = RG_LOAD_SHARED(m->gauge_bits[g]);
	double v;
	memcpy(&v, &bits, sizeof v);
	return v;
}

static uint64_t rg__sub0(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

int rg_metrics_read(const rg_metrics_t *m, rg_metrics_snapshot_t *out)
{
	if (!m || !out)
		return RG_EINVAL;
	memset(out, 0, sizeof *out);
	/* Read the "ended/done" halves first so that, for the usual case of
	 * a begin preceding its end, differences rarely go negative. */
	for (int i = RG_C__COUNT - 1; i >= 0; i--)
		out->counters[i] = rg_metrics_counter(m, (enum rg_counter_id)i);
	for (int g = 0; g < RG_G__COUNT; g++)
		out->gauges[g] = rg__gauge_get(m, (enum rg_gauge_id)g);
	out->active_readers = rg__sub0(out->counters[RG_C_READ_SECTIONS], out->counters[RG_C_READ_SECTIONS_ENDED]);
	out->active_writers = rg__sub0(out->counters[RG_C_TXNS_BEGUN], out->counters[RG_C_TXNS_ENDED]);
	out->reclaim_pending_objects = rg__sub0(out->counters[RG_C_RECLAIM_CALLBACKS_QUEUED],
					       out->counters[RG_C_RECLAIM_CALLBACKS_DONE]);
	out->reclaim_pending_bytes = rg__sub0(out->counters[RG_C_RECLAIM_BYTES_QUEUED],
					     out->counters[RG_C_RECLAIM_BYTES_DONE]);
	uint64_t b[RG_HIST_NBUCKETS];
	for (int h = 0; h < RG_H__COUNT; h++) {
		uint64_t sum;
		rg_hist_summary_t *hs = &out->hist[h];
		hs->count = rg__hist_merge(m, (enum rg_hist_id)h, b, &sum);
		hs->sum_seconds = (double)sum * 1e-9;
		if (hs->count) {
			hs->p50 = rg__hist_quantile_ns(b, hs->count, 0.50) * 1e-9;
			hs->p90 = rg__hist_quantile_ns(b, hs->count, 0.90) * 1e-9;
			hs->p99 = rg__hist_quantile_ns(b, hs->count, 0.99) * 1e-9;
			hs->p999 = rg__hist_quantile_ns(b, hs->count, 0.999) * 1e-9;
		}
	}
	return 0;
}

/* ---- formatting helpers ---- */

/* Exact decimal seconds of an integer number of nanoseconds. */
static void rg__fmt_ns(char *buf, size_t cap, uint64_t ns)
{
	uint64_t s = ns / 1000000000ull, f = ns % 1000000000ull;
	if (f == 0) {
		snprintf(buf, cap, "%" PRIu64, s);
		return;
	}
	int n = snprintf(buf, cap, "%" PRIu64 ".%09" PRIu64, s, f);
	while (n > 0 && (size_t)n < cap && buf[n - 1] == '0')
		buf[--n] = '\0';
}

static void rg__fmt_double(char *buf, size_t cap, double v)
{
	if (v != v)
		snprintf(buf, cap, "NaN");
	else if (v > 1.7976931348623157e308)
		snprintf(buf, cap, "+Inf");
	else if (v < -1.7976931348623157e308)
		snprintf(buf, cap, "-Inf");
	else
		snprintf(buf, cap, "%.17g", v);
}

static int rg__finish(FILE *f)
{
	return ferror(f) ? RG_EIO : 0;
}

/* Exported le boundaries: 2^e ns for e = RG_PROM_E0, +2, ... RG_PROM_E1;
 * the bucket counts v <= 2^e - 1 ns, i.e. v < 2^e (values are integer ns). */
#define RG_PROM_E0 6
#define RG_PROM_E1 46

int rg_metrics_write_prometheus(const rg_metrics_t *m, FILE *f)
{
	if (!m || !f)
		return RG_EINVAL;
	char num[64];
	uint64_t vals[RG_C__COUNT];
	for (int i = RG_C__COUNT - 1; i >= 0; i--)
		vals[i] = rg_metrics_counter(m, (enum rg_counter_id)i);
	for (int i = 0; i < RG_C__COUNT; i++) {
		const struct rg__metric_meta *mm = &rg__counter_meta[i];
		fprintf(f, "# HELP rcugraph_%s %s\n# TYPE rcugraph_%s counter\n",
			mm->name, mm->help, mm->name);
		if (mm->ns)
			rg__fmt_ns(num, sizeof num, vals[i]);
		else
			snprintf(num, sizeof num, "%" PRIu64, vals[i]);
		fprintf(f, "rcugraph_%s %s\n", mm->name, num);
	}
	for (int i = 0; i < 4; i++) {
		fprintf(f, "# HELP rcugraph_%s %s\n# TYPE rcugraph_%s gauge\nrcugraph_%s %" PRIu64 "\n",
			rg__derived_meta[i].name, rg__derived_meta[i].help, rg__derived_meta[i].name,
			rg__derived_meta[i].name,
			rg__sub0(vals[rg__derived_meta[i].plus], vals[rg__derived_meta[i].minus]));
	}
	for (int g = 0; g < RG_G__COUNT; g++) {
		const struct rg__metric_meta *mm = &rg__gauge_meta[g];
		rg__fmt_double(num, sizeof num, rg__gauge_get(m, (enum rg_gauge_id)g));
		fprintf(f, "# HELP rcugraph_%s %s\n# TYPE rcugraph_%s gauge\nrcugraph_%s %s\n",
			mm->name, mm->help, mm->name, mm->name, num);
	}
	uint64_t b[RG_HIST_NBUCKETS];
	for (int h = 0; h < RG_H__COUNT; h++) {
		const struct rg__metric_meta *mm = &rg__hist_meta[h];
		uint64_t sum;
		uint64_t count = rg__hist_merge(m, (enum rg_hist_id)h, b, &sum);
		fprintf(f, "# HELP rcugraph_%s %s\n# TYPE rcugraph_%s histogram\n",
			mm->name, mm->help, mm->name);
		uint64_t cum = 0;
		unsigned i = 0;
		for (unsigned e = RG_PROM_E0; e <= RG_PROM_E1; e += 2) {
			unsigned first = (e - RG_HIST_SUB_BITS + 1) * RG_HIST_SUB; /* first bucket of octave e */
			for (; i < first; i++)
				cum += b[i];
			rg__fmt_ns(num, sizeof num, (1ull << e) - 1);
			fprintf(f, "rcugraph_%s_bucket{le=\"%s\"} %" PRIu64 "\n", mm->name, num, cum);
		}
		fprintf(f, "rcugraph_%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", mm->name, count);
		rg__fmt_ns(num, sizeof num, sum);
		fprintf(f, "rcugraph_%s_sum %s\nrcugraph_%s_count %" PRIu64 "\n",
			mm->name, num, mm->name, count);
	}
	return rg__finish(f);
}

int rg_metrics_format_prometheus(const rg_metrics_t *m, char *buf, size_t cap,
				 size_t *len)
{
	if (!m || (!buf && cap))
		return RG_EINVAL;
	char *mem = NULL;
	size_t mlen = 0;
	FILE *f = open_memstream(&mem, &mlen);
	if (!f)
		return RG_ENOMEM;
	int rc = rg_metrics_write_prometheus(m, f);
	if (fclose(f) != 0 && rc == 0)
		rc = RG_ENOMEM;
	if (rc != 0) {
		free(mem);
		return rc == RG_EIO ? RG_ENOMEM : rc;
	}
	if (len)
		*len = mlen;
	if (cap) {
		size_t n = mlen < cap - 1 ? mlen : cap - 1;
		memcpy(buf, mem, n);
		buf[n] = '\0';
	}
	free(mem);
	return mlen < cap ? 0 : RG_ERANGE;
}

int rg_metrics_write_report(const rg_metrics_t *m, FILE *f)
{
	rg_metrics_snapshot_t s;
	if (!f)
		return RG_EINVAL;
	int rc = rg_metrics_read(m, &s);
	if (rc)
		return rc;
	fprintf(f, "rcugraph metrics (%u per-CPU shards)\ncounters:\n", m->nshards);
	for (int i = 0; i < RG_C__COUNT; i++) {
		if (rg__counter_meta[i].ns)
			fprintf(f, "  %-34s %.9f\n", rg__counter_meta[i].name,
				(double)s.counters[i] * 1e-9);
		else
			fprintf(f, "  %-34s %" PRIu64 "\n", rg__counter_meta[i].name, s.counters[i]);
	}
	const uint64_t der[4] = {s.active_readers, s.active_writers,
				 s.reclaim_pending_objects, s.reclaim_pending_bytes};
	fprintf(f, "gauges:\n");
	for (int i = 0; i < 4; i++)
		fprintf(f, "  %-34s %" PRIu64 "\n", rg__derived_meta[i].name, der[i]);
	for (int g = 0; g < RG_G__COUNT; g++)
		fprintf(f, "  %-34s %g\n", rg__gauge_meta[g].name, s.gauges[g]);
	fprintf(f, "histograms (microseconds):\n  %-22s %12s %12s %12s %12s %12s %12s\n",
		"name", "count", "mean", "p50", "p90", "p99", "p99.9");
	for (int h = 0; h < RG_H__COUNT; h++) {
		const rg_hist_summary_t *hs = &s.hist[h];
		double mean = hs->count ? hs->sum_seconds / (double)hs->count : 0.0;
		fprintf(f, "  %-22s %12" PRIu64 " %12.3f %12.3f %12.3f %12.3f %12.3f\n",
			rg__hist_meta[h].name, hs->count, mean * 1e6, hs->p50 * 1e6,
			hs->p90 * 1e6, hs->p99 * 1e6, hs->p999 * 1e6);
	}
	return rg__finish(f);
}

int rg_metrics_write_kv(const rg_metrics_t *m, FILE *f)
{
	rg_metrics_snapshot_t s;
	if (!f)
		return RG_EINVAL;
	int rc = rg_metrics_read(m, &s);
	if (rc)
		return rc;
	const char *sep = "";
	for (int i = 0; i < RG_C__COUNT; i++, sep = ";") {
		if (rg__counter_meta[i].ns)
			fprintf(f, "%s%s=%.9g", sep, rg__counter_meta[i].name,
				(double)s.counters[i] * 1e-9);
		else
			fprintf(f, "%s%s=%" PRIu64, sep, rg__counter_meta[i].name, s.counters[i]);
	}
	const uint64_t der[4] = {s.active_readers, s.active_writers,
				 s.reclaim_pending_objects, s.reclaim_pending_bytes};
	for (int i = 0; i < 4; i++)
		fprintf(f, ";%s=%" PRIu64, rg__derived_meta[i].name, der[i]);
	for (int g = 0; g < RG_G__COUNT; g++)
		fprintf(f, ";%s=%.9g", rg__gauge_meta[g].name, s.gauges[g]);
	for (int h = 0; h < RG_H__COUNT; h++) {
		const rg_hist_summary_t *hs = &s.hist[h];
		const char *n = rg__hist_meta[h].name;
		fprintf(f, ";%s_count=%" PRIu64 ";%s_sum=%.9g;%s_p50=%.9g;%s_p90=%.9g"
			";%s_p99=%.9g;%s_p999=%.9g",
			n, hs->count, n, hs->sum_seconds, n, hs->p50, n, hs->p90, n,
			hs->p99, n, hs->p999);
	}
	return rg__finish(f);
}
