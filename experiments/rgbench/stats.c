/*
 * stats.c - the statistics of every rcugraph benchmark: descriptive
 * statistics, per-round paired ratios, CIs of the median (order statistics,
 * bootstrap), the A/A resolution, verdicts, ranks, round orders and
 * formatting. Contracts in stats.h, method and reasons in
 * docs/statistics.md. C11 + libm; no dependency on the rest of rgbench.
 */
#include "stats.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *rgs_strerror(int err)
{
	switch (err) {
	case RGS_OK: return "ok";
	case RGS_EINVAL: return "invalid argument";
	case RGS_ENOMEM: return "out of memory";
	case RGS_ENODATA: return "no usable round";
	case RGS_ENOSPC: return "buffer too small";
	default: return "unknown error";
	}
}

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static int all_finite(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

static int check_sample(const double *x, size_t n)
{
	return (x && n > 0 && all_finite(x, n)) ? RGS_OK : RGS_EINVAL;
}

static int check_level(double level)
{
	return (isfinite(level) && level > 0.0 && level < 1.0) ? RGS_OK : RGS_EINVAL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* A sorted copy of x (the caller's array is never reordered); NULL if out
 * of memory. */
static double *sorted_copy(const double *x, size_t n)
{
	double *s = malloc(n * sizeof *s);
	if (!s)
		return NULL;
	memcpy(s, x, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	return s;
}

/* Type-7 quantile of a sorted sample: h = (n-1) p, linear interpolation
 * between s[floor h] and s[floor h + 1].
 *
 * The product goes through a volatile so that the compiler cannot fuse it
 * with the addition into one FMA (GCC does so by default in gnu modes on
 * FMA hardware such as aarch64): a fused result may differ in the last
 * bit, and a bootstrap seed must give the same interval on every machine.
 * (h = (n-1) p is not a concern: no addition follows it.) */
static double q7_sorted(const double *s, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	double fl = floor(h);
	size_t i = (size_t)fl;
	if (i >= n - 1)
		return s[n - 1];
	double f = h - fl;
	if (f == 0.0)
		return s[i];
	volatile double step = f * (s[i + 1] - s[i]);
	return s[i] + step;
}

/* The median of the two middle values a <= b exactly as q7 at p = 0.5
 * (0.5 * d is exact, so fusing cannot change it). */
static double mid(double a, double b)
{
	return a == b ? a : a + 0.5 * (b - a);
}

/* ------------------------------------------------------------------ */
/* Descriptive statistics                                             */
/* ------------------------------------------------------------------ */

int rgs_quantile(const double *x, size_t n, double p, double *out)
{
	if (check_sample(x, n) || !out || !(p >= 0.0 && p <= 1.0))
		return RGS_EINVAL;
	double *s = sorted_copy(x, n);
	if (!s)
		return RGS_ENOMEM;
	*out = q7_sorted(s, n, p);
	free(s);
	return RGS_OK;
}

int rgs_median(const double *x, size_t n, double *out)
{
	return rgs_quantile(x, n, 0.5, out);
}

static double mean_of(const double *x, size_t n)
{
	double sum = 0.0;
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	return sum / (double)n;
}

int rgs_mean(const double *x, size_t n, double *out)
{
	if (check_sample(x, n) || !out)
		return RGS_EINVAL;
	*out = mean_of(x, n);
	return RGS_OK;
}

int rgs_sd(const double *x, size_t n, double *out)
{
	if (check_sample(x, n) || n < 2 || !out)
		return RGS_EINVAL;
	double m = mean_of(x, n);
	double ss = 0.0;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	*out = sqrt(ss / (double)(n - 1));
	return RGS_OK;
}

int rgs_minmax(const double *x, size_t n, double *min, double *max)
{
	if (check_sample(x, n))
		return RGS_EINVAL;
	double lo = x[0], hi = x[0];
	for (size_t i = 1; i < n; i++) {
		if (x[i] < lo)
			lo = x[i];
		if (x[i] > hi)
			hi = x[i];
	}
	if (min)
		*min = lo;
	if (max)
		*max = hi;
	return RGS_OK;
}

int rgs_describe(const double *x, size_t n, rgs_desc_t *out)
{
	if (check_sample(x, n) || !out)
		return RGS_EINVAL;
	double *s = sorted_copy(x, n);
	if (!s)
		return RGS_ENOMEM;
	out->n = n;
	out->min = s[0];
	out->max = s[n - 1];
	out->q25 = q7_sorted(s, n, 0.25);
	out->median = q7_sorted(s, n, 0.5);
	out->q75 = q7_sorted(s, n, 0.75);
	free(s);
	out->mean = mean_of(x, n);
	out->sd = NAN;
	if (n >= 2)
		rgs_sd(x, n, &out->sd);
	return RGS_OK;
}

/* ------------------------------------------------------------------ */
/* Paired ratios                                                      */
/* ------------------------------------------------------------------ */

int rgs_valid_value(double v)
{
	return isfinite(v) && v > 0.0;
}

int rgs_paired_ratios(const double *x, const double *y, size_t nrounds, double *out,
		      size_t *nused)
{
	if (!x || !y || !out || !nused || nrounds == 0)
		return RGS_EINVAL;
	size_t k = 0;
	/* k <= r: writing out[k] never clobbers an x[r'] or y[r'] still to be
	 * read, so out may alias x or y. */
	for (size_t r = 0; r < nrounds; r++) {
		double a = x[r], b = y[r];
		if (!rgs_valid_value(a) || !rgs_valid_value(b))
			continue;
		double q = a / b;
		if (!rgs_valid_value(q))
			continue;
		out[k++] = q;
	}
	*nused = k;
	return k ? RGS_OK : RGS_ENODATA;
}

/* ------------------------------------------------------------------ */
/* PRNG: splitmix64 seeding xoshiro256**                              */
/* ------------------------------------------------------------------ */

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t rgs_splitmix64(uint64_t *state)
{
	*state += UINT64_C(0x9e3779b97f4a7c15);
	return mix64(*state);
}

void rgs_rng_seed(rgs_rng_t *rng, uint64_t seed)
{
	if (!rng)
		return;
	uint64_t sm = seed;
	for (int i = 0; i < 4; i++)
		rng->s[i] = rgs_splitmix64(&sm);
}

void rgs_rng_seed_stream(rgs_rng_t *rng, uint64_t seed, uint64_t stream)
{
	rgs_rng_seed(rng, seed ^ mix64(stream));
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rgs_rng_next(rgs_rng_t *rng)
{
	uint64_t *s = rng->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t rgs_rng_below(rgs_rng_t *rng, uint64_t bound)
{
	if (bound == 0)
		return 0;
	/* 2^64 mod bound: draws below it would make small results likelier. */
	uint64_t threshold = (0 - bound) % bound;
	for (;;) {
		uint64_t r = rgs_rng_next(rng);
		if (r >= threshold)
			return r % bound;
	}
}

double rgs_rng_uniform(rgs_rng_t *rng)
{
	return (double)(rgs_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* ------------------------------------------------------------------ */
/* Round orders                                                       */
/* ------------------------------------------------------------------ */

int rgs_shuffle(size_t *idx, size_t n, rgs_rng_t *rng)
{
	if (!idx || !rng || n == 0)
		return RGS_EINVAL;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)rgs_rng_below(rng, (uint64_t)i + 1);
		size_t t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	return RGS_OK;
}

int rgs_round_order(size_t *order, size_t n, uint64_t seed, uint64_t round)
{
	if (!order || n == 0)
		return RGS_EINVAL;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	rgs_rng_t rng;
	rgs_rng_seed_stream(&rng, seed, round);
	return rgs_shuffle(order, n, &rng);
}

/* ------------------------------------------------------------------ */
/* Confidence intervals of the median                                 */
/* ------------------------------------------------------------------ */

/* Successive terms P(B = i), B ~ Bin(n, 1/2), i = 0, 1, ...: for n <= 1000
 * in linear space from 2^-n (a normal double), each term the previous one
 * times (n - i)/(i + 1) (a rounding error per step); beyond, in log space
 * (2^-n would underflow). */
typedef struct binom_half {
	size_t n, i;
	double p, lp;
	int logspace;
} binom_half_t;

static void binom_init(binom_half_t *b, size_t n)
{
	b->n = n;
	b->i = 0;
	b->logspace = n > 1000;
	b->lp = -(double)n * log(2.0);
	b->p = b->logspace ? exp(b->lp) : ldexp(1.0, -(int)n);
}

static void binom_next(binom_half_t *b)
{
	double f = (double)(b->n - b->i) / (double)(b->i + 1);
	if (b->logspace) {
		b->lp += log(f);
		b->p = exp(b->lp);
	} else {
		b->p *= f;
	}
	b->i++;
}

int rgs_median_ci_ranks(size_t n, double level, size_t *j, size_t *k, double *coverage,
			int *too_small)
{
	if (!j || !k || n == 0 || check_level(level))
		return RGS_EINVAL;
	/* Coverage of [s(jj), s(n+1-jj)] is P(jj <= B <= n - jj)
	 * = 1 - 2 P(B <= jj - 1): it falls as jj grows, so the first jj that
	 * falls short ends the search. */
	binom_half_t b;
	binom_init(&b, n);
	double cdf = 0.0, best_cov = 0.0;
	size_t best = 0;
	for (size_t jj = 1; jj <= n + 1 - jj; jj++) {
		cdf += b.p; /* P(B <= jj - 1) */
		double cov = 1.0 - 2.0 * cdf;
		if (!(cov >= level))
			break;
		best = jj;
		best_cov = cov;
		binom_next(&b);
	}
	int small = best == 0;
	if (small) {
		best = 1;
		best_cov = n == 1 ? 0.0 : 1.0 - ldexp(1.0, n > 1100 ? -1100 : 1 - (int)n);
	}
	*j = best;
	*k = n + 1 - best;
	if (coverage)
		*coverage = best_cov;
	if (too_small)
		*too_small = small;
	return RGS_OK;
}

static void ci_clear(rgs_ci_t *out, double level, int method)
{
	memset(out, 0, sizeof *out);
	out->est = out->lo = out->hi = out->coverage = NAN;
	out->level = level;
	out->method = method;
}

int rgs_median_ci_os(const double *x, size_t n, double level, rgs_ci_t *out)
{
	if (check_sample(x, n) || check_level(level) || !out)
		return RGS_EINVAL;
	size_t j, k;
	double cov;
	int small;
	rgs_median_ci_ranks(n, level, &j, &k, &cov, &small);
	double *s = sorted_copy(x, n);
	if (!s)
		return RGS_ENOMEM;
	ci_clear(out, level, RGS_METHOD_ORDER);
	out->est = q7_sorted(s, n, 0.5);
	out->lo = s[j - 1];
	out->hi = s[k - 1];
	out->coverage = cov;
	out->n = n;
	out->j = j;
	out->k = k;
	out->flags = small ? RGS_CI_TOO_SMALL : 0;
	free(s);
	return RGS_OK;
}

int rgs_median_ci_boot(const double *x, size_t n, double level, unsigned nboot,
		       uint64_t seed, rgs_ci_t *out)
{
	if (check_sample(x, n) || check_level(level) || !out)
		return RGS_EINVAL;
	if (nboot == 0)
		nboot = RGS_NBOOT;
	double *s = sorted_copy(x, n);
	size_t *count = malloc(n * sizeof *count);
	double *med = malloc((size_t)nboot * sizeof *med);
	if (!s || !count || !med) {
		free(s);
		free(count);
		free(med);
		return RGS_ENOMEM;
	}
	/* A resample is a multiset of indices into the sorted sample; its
	 * order statistics are read off the cumulative counts, so no resample
	 * is ever sorted: O(n) per resample. Middle ranks (0-based): m1, m2. */
	size_t m1 = (n - 1) / 2, m2 = n / 2;
	rgs_rng_t rng;
	rgs_rng_seed(&rng, seed);
	for (unsigned b = 0; b < nboot; b++) {
		memset(count, 0, n * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[rgs_rng_below(&rng, n)]++;
		size_t cum = 0;
		double a = NAN, c = NAN;
		for (size_t i = 0; i < n; i++) {
			cum += count[i];
			if (isnan(a) && cum > m1)
				a = s[i];
			if (cum > m2) {
				c = s[i];
				break;
			}
		}
		med[b] = mid(a, c);
	}
	qsort(med, nboot, sizeof *med, cmp_double);
	double alpha = 1.0 - level;
	size_t j, k;
	double cov;
	int small;
	rgs_median_ci_ranks(n, level, &j, &k, &cov, &small);
	ci_clear(out, level, RGS_METHOD_BOOT);
	out->est = q7_sorted(s, n, 0.5);
	out->lo = q7_sorted(med, nboot, alpha / 2.0);
	out->hi = q7_sorted(med, nboot, 1.0 - alpha / 2.0);
	out->n = n;
	out->flags = RGS_CI_APPROX | (small ? RGS_CI_TOO_SMALL : 0);
	/* No interval inside [min, max] can cover more than the order-statistic
	 * bound, however it was found. */
	out->coverage = small ? cov : level;
	free(s);
	free(count);
	free(med);
	return RGS_OK;
}

void rgs_cfg_default(rgs_cfg_t *cfg)
{
	if (!cfg)
		return;
	cfg->level = RGS_LEVEL;
	cfg->method = RGS_METHOD_ORDER;
	cfg->nboot = RGS_NBOOT;
	cfg->seed = 1;
}

int rgs_median_ci(const double *x, size_t n, const rgs_cfg_t *cfg, rgs_ci_t *out)
{
	rgs_cfg_t d;
	if (!cfg) {
		rgs_cfg_default(&d);
		cfg = &d;
	}
	switch (cfg->method) {
	case RGS_METHOD_ORDER: return rgs_median_ci_os(x, n, cfg->level, out);
	case RGS_METHOD_BOOT: return rgs_median_ci_boot(x, n, cfg->level, cfg->nboot, cfg->seed, out);
	default: return RGS_EINVAL;
	}
}

int rgs_paired_ci(const double *x, const double *y, size_t nrounds, const rgs_cfg_t *cfg,
		  rgs_ci_t *out)
{
	if (!x || !y || !out || nrounds == 0)
		return RGS_EINVAL;
	if (cfg && (check_level(cfg->level) ||
		    (cfg->method != RGS_METHOD_ORDER && cfg->method != RGS_METHOD_BOOT)))
		return RGS_EINVAL;
	double *q = malloc(nrounds * sizeof *q);
	if (!q)
		return RGS_ENOMEM;
	size_t used = 0;
	int rc = rgs_paired_ratios(x, y, nrounds, q, &used);
	if (rc == RGS_OK)
		rc = rgs_median_ci(q, used, cfg, out);
	if (rc == RGS_ENODATA)
		ci_clear(out, cfg ? cfg->level : RGS_LEVEL,
			 cfg ? cfg->method : RGS_METHOD_ORDER);
	if (rc == RGS_OK || rc == RGS_ENODATA) {
		out->n = used;
		out->nskipped = nrounds - used;
	}
	free(q);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Resolution                                                         */
/* ------------------------------------------------------------------ */

static int check_ci(const rgs_ci_t *ci)
{
	return (ci && isfinite(ci->lo) && isfinite(ci->hi) && ci->lo <= ci->hi) ? RGS_OK
										 : RGS_EINVAL;
}

int rgs_resolution(const rgs_ci_t *aa, rgs_resolution_t *out)
{
	if (check_ci(aa) || !out)
		return RGS_EINVAL;
	out->aa = *aa;
	out->res = fmax(fabs(aa->lo - 1.0), fabs(aa->hi - 1.0));
	out->biased = aa->lo > 1.0 || aa->hi < 1.0;
	return RGS_OK;
}

int rgs_aa_resolution(const double *ref2, const double *ref, size_t nrounds,
		      const rgs_cfg_t *cfg, rgs_resolution_t *out)
{
	if (!out)
		return RGS_EINVAL;
	rgs_ci_t aa;
	int rc = rgs_paired_ci(ref2, ref, nrounds, cfg, &aa);
	if (rc)
		return rc;
	return rgs_resolution(&aa, out);
}

/* ------------------------------------------------------------------ */
/* Verdicts                                                           */
/* ------------------------------------------------------------------ */

const char *rgs_verdict_name(rgs_verdict_t v)
{
	switch (v) {
	case RGS_INDISTINGUISHABLE: return "indistinguishable";
	case RGS_BELOW: return "below";
	case RGS_ABOVE: return "above";
	case RGS_TOO_FEW: return "too-few";
	case RGS_INVALID: return "invalid";
	default: return "?";
	}
}

static int check_res(double res)
{
	return (isfinite(res) && res >= 0.0) ? RGS_OK : RGS_EINVAL;
}

static void say(rgs_judgement_t *out, rgs_verdict_t v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(rgs_judgement_t *out, rgs_verdict_t v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out->verdict = v;
	vsnprintf(out->reason, sizeof out->reason, fmt, ap);
	va_end(ap);
}

int rgs_judge(const rgs_ci_t *ci, double res, rgs_judgement_t *out)
{
	if (check_ci(ci) || check_res(res) || !out)
		return RGS_EINVAL;
	if (ci->flags & RGS_CI_TOO_SMALL)
		say(out, RGS_TOO_FEW,
		    "%zu values reach only %.1f%% coverage (< %.0f%%): no verdict", ci->n,
		    100.0 * ci->coverage, 100.0 * ci->level);
	else if (ci->hi < 1.0 - res)
		say(out, RGS_BELOW, "CI [%.4g, %.4g] below 1 - resolution %.4g", ci->lo, ci->hi,
		    1.0 - res);
	else if (ci->lo > 1.0 + res)
		say(out, RGS_ABOVE, "CI [%.4g, %.4g] above 1 + resolution %.4g", ci->lo, ci->hi,
		    1.0 + res);
	else
		say(out, RGS_INDISTINGUISHABLE, "CI [%.4g, %.4g] overlaps [%.4g, %.4g]", ci->lo,
		    ci->hi, 1.0 - res, 1.0 + res);
	return RGS_OK;
}

int rgs_judge_ceiling(const rgs_ci_t *ratio_to_ceiling, double res, rgs_judgement_t *out)
{
	const rgs_ci_t *ci = ratio_to_ceiling;
	if (check_ci(ci) || check_res(res) || !out)
		return RGS_EINVAL;
	if (ci->lo > 1.0 + res) {
		say(out, RGS_INVALID,
		    "faster than no synchronisation: CI lower bound %.4g > 1 + resolution %.4g "
		    "(n=%zu, coverage %.1f%%)",
		    ci->lo, 1.0 + res, ci->n, 100.0 * ci->coverage);
		return RGS_OK;
	}
	return rgs_judge(ci, res, out);
}

int rgs_judge_speedup(const rgs_ci_t *speedup, unsigned threads, double res,
		      rgs_judgement_t *out)
{
	const rgs_ci_t *ci = speedup;
	if (check_ci(ci) || check_res(res) || threads < 1 || !out)
		return RGS_EINVAL;
	/* the same allowance as the ceiling: a speedup within the resolution
	 * of T (relative, like the A/A band) is one this run cannot tell from
	 * linear (docs/statistics.md, section 7) */
	double bound = (double)threads * (1.0 + res);
	if (ci->lo > bound) {
		say(out, RGS_INVALID,
		    "superlinear: speedup CI lower bound %.4g > %u threads x (1 + resolution) = %.4g "
		    "(n=%zu, coverage %.1f%%)",
		    ci->lo, threads, bound, ci->n, 100.0 * ci->coverage);
		return RGS_OK;
	}
	return rgs_judge(ci, res, out);
}

/* ------------------------------------------------------------------ */
/* Ranking                                                            */
/* ------------------------------------------------------------------ */

typedef struct rank_item {
	double lo, hi; /* oriented: larger is better */
	size_t idx;
} rank_item_t;

static int cmp_item(const void *a, const void *b)
{
	const rank_item_t *x = a, *y = b;
	if (x->hi != y->hi)
		return x->hi > y->hi ? -1 : 1; /* best top end first */
	if (x->lo != y->lo)
		return x->lo > y->lo ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

int rgs_rank(const rgs_ci_t *cis, size_t k, double res, int higher_is_better,
	     unsigned *rank, unsigned *nranks)
{
	if (!cis || k == 0 || !rank || check_res(res))
		return RGS_EINVAL;
	for (size_t i = 0; i < k; i++)
		if (check_ci(&cis[i]))
			return RGS_EINVAL;
	rank_item_t *it = malloc(k * sizeof *it);
	if (!it)
		return RGS_ENOMEM;
	for (size_t i = 0; i < k; i++) {
		it[i].lo = higher_is_better ? cis[i].lo : -cis[i].hi;
		it[i].hi = higher_is_better ? cis[i].hi : -cis[i].lo;
		it[i].idx = i;
	}
	qsort(it, k, sizeof *it, cmp_item);
	/* Sweep from the best top end down. An item cannot lie above any
	 * member already placed (its top end is not higher), so it joins the
	 * current group iff some member is not above it: min(lo) - hi <= res.
	 * If it does not, no later item (lower top end) can join either. */
	unsigned r = 1;
	double grp_lo = it[0].lo;
	rank[it[0].idx] = r;
	for (size_t i = 1; i < k; i++) {
		if (grp_lo - it[i].hi > res) {
			r++;
			grp_lo = it[i].lo;
		} else if (it[i].lo < grp_lo) {
			grp_lo = it[i].lo;
		}
		rank[it[i].idx] = r;
	}
	if (nranks)
		*nranks = r;
	free(it);
	return RGS_OK;
}

/* ------------------------------------------------------------------ */
/* Formatting                                                         */
/* ------------------------------------------------------------------ */

static int fmt_result(int w, size_t size)
{
	if (w < 0)
		return RGS_EINVAL;
	return (size_t)w < size ? RGS_OK : RGS_ENOSPC;
}

int rgs_fmt_csv(char *buf, size_t size, const rgs_ci_t *ci)
{
	if (!buf || size == 0 || !ci)
		return RGS_EINVAL;
	return fmt_result(snprintf(buf, size, "%.6g,%.6g,%.6g", ci->est, ci->lo, ci->hi), size);
}

int rgs_fmt_human(char *buf, size_t size, const rgs_ci_t *ci)
{
	if (!buf || size == 0 || !ci)
		return RGS_EINVAL;
	int w;
	if (ci->flags & RGS_CI_TOO_SMALL)
		w = snprintf(buf, size, "%.2f [%.2f, %.2f] (coverage %.1f%% < %.0f%%)", ci->est,
			     ci->lo, ci->hi, 100.0 * ci->coverage, 100.0 * ci->level);
	else
		w = snprintf(buf, size, "%.2f [%.2f, %.2f]", ci->est, ci->lo, ci->hi);
	return fmt_result(w, size);
}
