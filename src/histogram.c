/*
 * histogram.c - log-linear latency histograms: merge of the per-CPU shards
 * and quantiles. The recording side is inline in src/metrics.h.
 *
 * Geometry: values v < 16 ns get one bucket each (exact). A value with
 * highest set bit e >= 4 falls in octave [2^e, 2^(e+1)), split into 16
 * sub-buckets of width 2^(e-4). Every bucket [lo, lo + w) with w > 1 has
 * lo >= 16 w, so reporting its midpoint lo + (w - 1) / 2 is within
 * (w - 1) / 2 / lo < 1/32 = 3.125 % of any integer value in it
 * (RG_HIST_REL_ERROR). Octaves above 2^47 ns are clamped into the last
 * bucket. 720 buckets of 8 bytes per histogram per shard.
 */
#include <string.h>

#include "metrics.h"

uint64_t rg__hist_merge(const struct rg_metrics *m, enum rg_hist_id h,
			uint64_t *b, uint64_t *sum_ns)
{
	uint64_t count = 0, sum = 0;
	memset(b, 0, sizeof(uint64_t) * RG_HIST_NBUCKETS);
	for (uint32_t s = 0; s <= m->nshards; s++) /* + fallback shard (RG_PCPU_USE_RSEQ) */ {
		const struct rg__hist_shard *hs = &m->shards[s].h[h];
		/* Relaxed: buckets are independent monotonic counts. */
		sum += RG_LOAD_SHARED(hs->sum_ns);
		for (unsigned i = 0; i < RG_HIST_NBUCKETS; i++) {
			uint64_t v = RG_LOAD_SHARED(hs->b[i]);
			b[i] += v;
			count += v;
		}
	}
	if (sum_ns)
		*sum_ns = sum;
	return count;
}

double rg__hist_quantile_ns(const uint64_t *b, uint64_t count, double q)
{
	if (count == 0)
		return 0.0;
	/* rank = ceil(q * count), clamped to [1, count] (no libm) */
	double r = q * (double)count;
	uint64_t rank = r >= (double)count ? count : (uint64_t)r;
	if ((double)rank < r)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > count)
		rank = count;
	uint64_t cum = 0;
	for (unsigned i = 0; i < RG_HIST_NBUCKETS; i++) {
		cum += b[i];
		if (cum >= rank) {
			uint64_t lo, w;
			rg__hist_bucket_bounds(i, &lo, &w);
			return (double)lo + (double)(w - 1) / 2.0;
		}
	}
	/* Unreachable when count is the sum of b. */
	uint64_t lo, w;
	rg__hist_bucket_bounds(RG_HIST_NBUCKETS - 1, &lo, &w);
	return (double)lo + (double)(w - 1) / 2.0;
}

int rg_metrics_percentile(const rg_metrics_t *m, enum rg_hist_id h, double q,
			  double *seconds)
{
	if (!m || !seconds || (unsigned)h >= RG_H__COUNT || !(q > 0.0 && q <= 1.0))
		return RG_EINVAL;
	uint64_t b[RG_HIST_NBUCKETS];
	uint64_t count = rg__hist_merge(m, h, b, NULL);
	if (count == 0) {
		*seconds = 0.0;
		return RG_ENOENT;
	}
	*seconds = rg__hist_quantile_ns(b, count, q) * 1e-9;
	return 0;
}

void rg__metrics_observe_shard(struct rg_metrics *m, unsigned shard,
			       enum rg_hist_id h, uint64_t ns)
{
	if (!m || (unsigned)h >= RG_H__COUNT)
		return;
	struct rg__hist_shard *hs = &m->shards[shard & m->shard_mask].h[h];
	/* Relaxed: see rg__metrics_observe(). */
	RG_ADD(&hs->b[rg__hist_index(ns)], 1);
	RG_ADD(&hs->sum_ns, ns);
}
