/*
 * stats.h - the statistics of every rcugraph benchmark (docs/statistics.md).
 *
 * Standalone C11 (libc + libm only), prefix rgs_. Shared by rgbench and the
 * other benchmark programs so that every number they report comes from one
 * implementation of one method:
 *
 *   - every configuration is measured once per ROUND; each round runs all
 *     configurations in a fresh seeded shuffled order (rgs_round_order);
 *   - a configuration is compared with the reference (nosync) measured in
 *     the SAME round: one ratio per round (rgs_paired_ratios);
 *   - the result is the median of those ratios with a 95% confidence
 *     interval (rgs_median_ci_os: distribution-free order statistics, the
 *     default; rgs_median_ci_boot: percentile bootstrap, seeded);
 *   - the reference measured twice per round (A/A control) gives the run's
 *     resolution (rgs_aa_resolution): differences inside it are not claimed;
 *   - verdicts (rgs_judge*), impossible results (ceiling, superlinear
 *     speedup) and ranks (rgs_rank) are decided from those intervals.
 *
 * Conventions
 *   - Functions returning int return RGS_OK (0) or a negative RGS_E* code;
 *     rgs_strerror() names it. NULL pointers, n == 0 and non-finite inputs
 *     are errors, never crashes. On error the outputs are unspecified
 *     except where stated.
 *   - No function reorders or modifies a caller's input array.
 *   - All randomness comes from rgs_rng_t (xoshiro256** seeded through
 *     splitmix64): integer arithmetic only, so a seed gives the same
 *     shuffles and bootstrap intervals on every machine and compiler.
 *   - Not thread-safe per object: give each thread its own rgs_rng_t.
 */
#ifndef RGS_STATS_H
#define RGS_STATS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Errors                                                             */
/* ------------------------------------------------------------------ */

enum {
	RGS_OK = 0,
	RGS_EINVAL = -1, /* NULL pointer, n == 0, non-finite value, bad level/p */
	RGS_ENOMEM = -2, /* allocation failed */
	RGS_ENODATA = -3, /* no usable round (every pair missing or failed) */
	RGS_ENOSPC = -4, /* formatting buffer too small (output truncated, NUL-terminated) */
};

/* Name of an RGS_* code ("ok", "invalid argument", ...); never NULL. */
const char *rgs_strerror(int err);

/* ------------------------------------------------------------------ */
/* Descriptive statistics (x must hold n finite values)               */
/* ------------------------------------------------------------------ */

/* Median: the middle value of the sorted sample, or the mean of the two
 * middle values when n is even (= rgs_quantile at p = 0.5). */
int rgs_median(const double *x, size_t n, double *out);

/* Quantile p in [0, 1], Hyndman & Fan type 7 (R's default, numpy's
 * "linear"): with s the sorted sample (0-based), h = (n - 1) p,
 * q = s[floor h] + (h - floor h) (s[floor h + 1] - s[floor h]).
 * p = 0 gives the minimum, p = 1 the maximum. */
int rgs_quantile(const double *x, size_t n, double p, double *out);

/* Arithmetic mean. */
int rgs_mean(const double *x, size_t n, double *out);

/* Sample standard deviation (divisor n - 1, two-pass); n >= 2, else
 * RGS_EINVAL. */
int rgs_sd(const double *x, size_t n, double *out);

/* Minimum and maximum (either output pointer may be NULL). */
int rgs_minmax(const double *x, size_t n, double *min, double *max);

typedef struct rgs_desc {
	size_t n;
	double min, q25, median, q75, max; /* quantiles: type 7 */
	double mean, sd;                   /* sd: NaN when n == 1 */
} rgs_desc_t;

/* All of the above in one pass over one sorted copy. */
int rgs_describe(const double *x, size_t n, rgs_desc_t *out);

/* ------------------------------------------------------------------ */
/* Per-round paired ratios                                            */
/* ------------------------------------------------------------------ */

/* A value that is NaN, infinite or <= 0 marks a missing or failed round. */
int rgs_valid_value(double v);

/* out[k] = x[r] / y[r] for every round r (in round order) where both x[r]
 * and y[r] are valid (rgs_valid_value) and the ratio is finite; other
 * rounds are skipped. *nused = number of ratios written (out needs room for
 * nrounds). out may alias x or y. Returns RGS_ENODATA (with *nused = 0)
 * when no round is usable. */
int rgs_paired_ratios(const double *x, const double *y, size_t nrounds, double *out,
		      size_t *nused);

/* ------------------------------------------------------------------ */
/* Pseudo-random numbers (reproducible on every machine)              */
/* ------------------------------------------------------------------ */

typedef struct rgs_rng {
	uint64_t s[4]; /* xoshiro256** state */
} rgs_rng_t;

/* splitmix64: advances *state by 0x9e3779b97f4a7c15 and returns the mixed
 * value (Steele, Lea & Flood 2014; state 0 gives 0xe220a8397b1dcdaf). */
uint64_t rgs_splitmix64(uint64_t *state);

/* Seed: the four state words are four successive splitmix64 outputs from
 * state `seed` (never all zero). */
void rgs_rng_seed(rgs_rng_t *rng, uint64_t seed);

/* Seed an independent stream: like rgs_rng_seed from state
 * seed ^ M(stream), with M the splitmix64 output function of
 * stream (M(0) = 0, so stream 0 equals rgs_rng_seed(seed)). */
void rgs_rng_seed_stream(rgs_rng_t *rng, uint64_t seed, uint64_t stream);

/* Next 64 random bits (xoshiro256**, Blackman & Vigna 2018). */
uint64_t rgs_rng_next(rgs_rng_t *rng);

/* Uniform integer in [0, bound), unbiased (rejection of the 2^64 mod bound
 * lowest draws); bound 0 returns 0. */
uint64_t rgs_rng_below(rgs_rng_t *rng, uint64_t bound);

/* Uniform double in [0, 1) with 53 random bits. */
double rgs_rng_uniform(rgs_rng_t *rng);

/* ------------------------------------------------------------------ */
/* Round orders                                                       */
/* ------------------------------------------------------------------ */

/* Fisher-Yates (Durstenfeld) shuffle of idx[0..n) in place: for i = n-1
 * down to 1, swap idx[i] with idx[rgs_rng_below(rng, i + 1)]. n == 0 is
 * RGS_EINVAL (a round with nothing to run is a caller bug). */
int rgs_shuffle(size_t *idx, size_t n, rgs_rng_t *rng);

/* The order of round `round` of a run with seed `seed`: order[] = a
 * permutation of 0..n-1, shuffled with a generator seeded by
 * rgs_rng_seed_stream(seed, round). Each round's order is independent of
 * the others and reproducible on its own. */
int rgs_round_order(size_t *order, size_t n, uint64_t seed, uint64_t round);

/* ------------------------------------------------------------------ */
/* Confidence interval of the median                                  */
/* ------------------------------------------------------------------ */

#define RGS_LEVEL 0.95       /* the confidence level used everywhere */
#define RGS_NBOOT 10000u     /* default bootstrap resamples */

enum rgs_method {
	RGS_METHOD_ORDER = 0, /* order-statistic (binomial) interval: the default */
	RGS_METHOD_BOOT = 1,  /* percentile bootstrap */
};

enum {
	/* The level cannot be reached with n values: no interval inside the
	 * sample range covers the median with probability >= level (needs
	 * 1 - 2^(1-n) >= level, i.e. n >= 6 at 95%). The order-statistic
	 * interval is then [min, max]; `coverage` says what it achieves.
	 * Verdicts on such an interval are RGS_TOO_FEW (see rgs_judge). */
	RGS_CI_TOO_SMALL = 1u << 0,
	/* The coverage is nominal (bootstrap), not exact. */
	RGS_CI_APPROX = 1u << 1,
};

typedef struct rgs_ci {
	double est;      /* point estimate: the sample median */
	double lo, hi;   /* the interval, lo <= hi (ORDER: lo <= est <= hi) */
	double level;    /* requested confidence level */
	double coverage; /* ORDER: exact coverage achieved, P(j <= B <= n - j),
			    B ~ Bin(n, 1/2) (>= level unless TOO_SMALL);
			    BOOT: the nominal level (or, when TOO_SMALL, the
			    upper bound 1 - 2^(1-n)) */
	size_t n;        /* values used */
	size_t nskipped; /* rounds skipped as missing (rgs_paired_ci), else 0 */
	size_t j, k;     /* ORDER: lo = s(j), hi = s(k), 1-based order
			    statistics, k = n + 1 - j; BOOT: 0 */
	int method;      /* enum rgs_method */
	unsigned flags;  /* RGS_CI_* */
} rgs_ci_t;

/* The order-statistic ranks of the symmetric interval [s(j), s(n+1-j)]:
 * the largest j such that its coverage 1 - 2 P(B <= j - 1), B ~ Bin(n, 1/2),
 * is >= level. Exact for continuous data (conservative with ties); the
 * binomial CDF is summed term by term (exact to double rounding for
 * n <= 1000, in log space beyond). When even j = 1 falls short, *j = 1,
 * *k = n, *too_small = 1. *coverage gets the achieved coverage. level in
 * (0, 1). Any output pointer but j and k may be NULL. */
int rgs_median_ci_ranks(size_t n, double level, size_t *j, size_t *k, double *coverage,
			int *too_small);

/* Distribution-free CI of the median (Le Boudec, Performance Evaluation of
 * Computer and Communication Systems, ch. 2; table in annex A):
 * [s(j), s(k)] from rgs_median_ci_ranks. */
int rgs_median_ci_os(const double *x, size_t n, double level, rgs_ci_t *out);

/* Percentile bootstrap CI of the median: nboot resamples of size n with
 * replacement (nboot 0: RGS_NBOOT), drawn from rgs_rng_seed(seed); the
 * interval is the type-7 (1-level)/2 and (1+level)/2 quantiles of the
 * resample medians. Same x, level, nboot and seed: bit-identical result on
 * any machine. O(nboot * n) time (no per-resample sort). */
int rgs_median_ci_boot(const double *x, size_t n, double level, unsigned nboot,
		       uint64_t seed, rgs_ci_t *out);

typedef struct rgs_cfg {
	double level;   /* RGS_LEVEL */
	int method;     /* RGS_METHOD_ORDER */
	unsigned nboot; /* RGS_NBOOT (bootstrap only) */
	uint64_t seed;  /* bootstrap only */
} rgs_cfg_t;

/* The defaults above (seed 1). */
void rgs_cfg_default(rgs_cfg_t *cfg);

/* CI of the median of x by cfg's method (cfg NULL: defaults). */
int rgs_median_ci(const double *x, size_t n, const rgs_cfg_t *cfg, rgs_ci_t *out);

/* rgs_paired_ratios then rgs_median_ci: the CI of the median per-round
 * ratio x/y; out->n = rounds used, out->nskipped = rounds skipped. */
int rgs_paired_ci(const double *x, const double *y, size_t nrounds, const rgs_cfg_t *cfg,
		  rgs_ci_t *out);

/* ------------------------------------------------------------------ */
/* Resolution (A/A control)                                           */
/* ------------------------------------------------------------------ */

typedef struct rgs_resolution {
	rgs_ci_t aa;  /* CI of the median of per-round ratios ref2 / ref */
	double res;   /* max(|aa.lo - 1|, |aa.hi - 1|) */
	int biased;   /* 1: the A/A CI excludes 1 (a position or order effect
			 between two identical configurations; res covers it,
			 but it should be reported) */
} rgs_resolution_t;

/* Resolution from an A/A interval already computed: res = max(|lo - 1|,
 * |hi - 1|), the half-width around 1 of ratios this run cannot tell from
 * "the same configuration measured again". */
int rgs_resolution(const rgs_ci_t *aa, rgs_resolution_t *out);

/* The same from the raw A/A control: ref2[r] (e.g. "nosync#2") and ref[r]
 * ("nosync") measured in round r. */
int rgs_aa_resolution(const double *ref2, const double *ref, size_t nrounds,
		      const rgs_cfg_t *cfg, rgs_resolution_t *out);

/* ------------------------------------------------------------------ */
/* Verdicts                                                           */
/* ------------------------------------------------------------------ */

typedef enum rgs_verdict {
	RGS_INDISTINGUISHABLE = 0, /* CI overlaps [1 - res, 1 + res] */
	RGS_BELOW = 1,             /* hi < 1 - res */
	RGS_ABOVE = 2,             /* lo > 1 + res */
	RGS_TOO_FEW = 3,           /* CI flagged RGS_CI_TOO_SMALL: no verdict */
	RGS_INVALID = 4,           /* physically impossible (reason says why) */
} rgs_verdict_t;

typedef struct rgs_judgement {
	rgs_verdict_t verdict;
	char reason[200]; /* one human-readable line, always filled */
} rgs_judgement_t;

/* "indistinguishable", "below", "above", "too-few", "invalid" ("?" else). */
const char *rgs_verdict_name(rgs_verdict_t v);

/* Verdict of a paired ratio (CI of its median) against 1 given the
 * resolution res >= 0: TOO_FEW if the CI is flagged RGS_CI_TOO_SMALL, else
 * BELOW / ABOVE / INDISTINGUISHABLE as in rgs_verdict_t. */
int rgs_judge(const rgs_ci_t *ratio, double res, rgs_judgement_t *out);

/* A synchronised configuration's ratio to the no-synchronisation ceiling
 * (same round): INVALID if its CI lower bound is above 1 + res (it beat
 * doing no synchronisation at all: the measurement is broken), even when
 * the CI is TOO_SMALL (an ORDER interval's lower bound is then the
 * minimum: every used round exceeded 1 + res; the reason states n and the
 * coverage); otherwise as rgs_judge. */
int rgs_judge_ceiling(const rgs_ci_t *ratio_to_ceiling, double res, rgs_judgement_t *out);

/* A speedup, throughput at `threads` threads / at 1 thread paired per
 * round: INVALID if its CI lower bound exceeds threads * (1 + res) (more
 * than linear by more than the run resolves; must be explained before it
 * is reported), even when TOO_SMALL; otherwise as rgs_judge against 1.
 * threads >= 1. */
int rgs_judge_speedup(const rgs_ci_t *speedup, unsigned threads, double res,
		      rgs_judgement_t *out);

/* ------------------------------------------------------------------ */
/* Ranking                                                            */
/* ------------------------------------------------------------------ */

/* Group k configurations, given the CIs of their paired ratios to the same
 * reference, into ranks. Two configurations are told apart only when their
 * intervals are separated by more than res (A above B iff
 * A.lo - B.hi > res: the gap exceeds what the A/A control cannot resolve);
 * ranks are the connected components of "cannot be told apart", so two
 * configurations linked through a chain of indistinguishable ones share a
 * rank too. Every member of a better rank is then told apart from every
 * member of a worse one. rank[i] is 1 for the best group (highest ratios
 * when higher_is_better, else lowest), consecutive integers after that;
 * *nranks (may be NULL) gets the number of ranks. */
int rgs_rank(const rgs_ci_t *cis, size_t k, double res, int higher_is_better,
	     unsigned *rank, unsigned *nranks);

/* ------------------------------------------------------------------ */
/* Formatting                                                         */
/* ------------------------------------------------------------------ */

/* CSV: "est,lo,hi" each "%.6g" (three fields, no trailing newline). */
int rgs_fmt_csv(char *buf, size_t size, const rgs_ci_t *ci);

/* Human: "0.93 [0.88, 0.97]" ("%.2f"); a TOO_SMALL interval gets
 * " (coverage 93.8% < 95%)" appended so it never reads as a 95% one. */
int rgs_fmt_human(char *buf, size_t size, const rgs_ci_t *ci);

#ifdef __cplusplus
}
#endif

#endif /* RGS_STATS_H */
