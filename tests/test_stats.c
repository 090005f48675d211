/* Tests of the benchmark statistics module (experiments/rgbench/stats.c,
 * docs/statistics.md): descriptive statistics against hand-computed values,
 * paired ratios with missing rounds, the order-statistic median CI against
 * exact binomial sums, the bootstrap against an independent Python model
 * and in a deterministic coverage simulation, the A/A resolution, verdicts
 * and the impossible-result checks, ranks, round orders, formatting and
 * bad arguments. Everything is seeded: no test can flake. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define EPS 1e-12

static void assert_near(double got, double want, double eps)
{
	cr_assert(fabs(got - want) <= eps, "got %.17g, want %.17g (+-%g)", got, want, eps);
}

/* ------------------------------------------------------------------ */
/* Descriptive                                                        */
/* ------------------------------------------------------------------ */

Test(stats, median_and_quantiles)
{
	const double x[] = {3, 1, 4, 1, 5, 9, 2, 6}; /* sorted: 1 1 2 3 4 5 6 9 */
	double copy[8];
	memcpy(copy, x, sizeof x);
	double v;
	cr_assert_eq(rgs_median(x, 8, &v), RGS_OK);
	assert_near(v, 3.5, EPS);
	/* type 7: h = 7 p */
	cr_assert_eq(rgs_quantile(x, 8, 0.25, &v), RGS_OK); /* h 1.75: 1 + .75 (2 - 1) */
	assert_near(v, 1.75, EPS);
	cr_assert_eq(rgs_quantile(x, 8, 0.9, &v), RGS_OK); /* h 6.3: 6 + .3 (9 - 6) */
	assert_near(v, 6.9, EPS);
	cr_assert_eq(rgs_quantile(x, 8, 0.0, &v), RGS_OK);
	cr_assert_eq(v, 1.0);
	cr_assert_eq(rgs_quantile(x, 8, 1.0, &v), RGS_OK);
	cr_assert_eq(v, 9.0);
	cr_assert_eq(memcmp(x, copy, sizeof x), 0, "the caller's array was reordered");

	const double odd[] = {10, -2, 7, 3, 5}; /* sorted -2 3 5 7 10 */
	cr_assert_eq(rgs_median(odd, 5, &v), RGS_OK);
	cr_assert_eq(v, 5.0);
	cr_assert_eq(rgs_quantile(odd, 5, 0.1, &v), RGS_OK); /* h 0.4: -2 + .4 * 5 */
	assert_near(v, 0.0, EPS);
	const double one = 42;
	cr_assert_eq(rgs_median(&one, 1, &v), RGS_OK);
	cr_assert_eq(v, 42.0);
	cr_assert_eq(rgs_quantile(&one, 1, 0.3, &v), RGS_OK);
	cr_assert_eq(v, 42.0);

	/* R: quantile(1:10, c(.1, .33)) = 1.9, 3.97 */
	double ten[10];
	for (int i = 0; i < 10; i++)
		ten[i] = 10 - i;
	cr_assert_eq(rgs_quantile(ten, 10, 0.1, &v), RGS_OK);
	assert_near(v, 1.9, EPS);
	cr_assert_eq(rgs_quantile(ten, 10, 0.33, &v), RGS_OK);
	assert_near(v, 3.97, EPS);
}

Test(stats, mean_sd_minmax_describe)
{
	const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
	double m, s, lo, hi;
	cr_assert_eq(rgs_mean(x, 8, &m), RGS_OK);
	assert_near(m, 5.0, EPS);
	cr_assert_eq(rgs_sd(x, 8, &s), RGS_OK); /* sum of squares 32, n - 1 = 7 */
	assert_near(s, sqrt(32.0 / 7.0), EPS);
	cr_assert_eq(rgs_minmax(x, 8, &lo, &hi), RGS_OK);
	cr_assert_eq(lo, 2.0);
	cr_assert_eq(hi, 9.0);
	cr_assert_eq(rgs_minmax(x, 8, NULL, &hi), RGS_OK);
	rgs_desc_t d;
	cr_assert_eq(rgs_describe(x, 8, &d), RGS_OK);
	cr_assert_eq(d.n, 8);
	cr_assert_eq(d.min, 2.0);
	cr_assert_eq(d.max, 9.0);
	assert_near(d.median, 4.5, EPS);
	assert_near(d.q25, 4.0, EPS);  /* h 1.75 between 4 and 4 */
	assert_near(d.q75, 5.5, EPS);  /* h 5.25: 5 + .25 (7 - 5) */
	assert_near(d.mean, 5.0, EPS);
	assert_near(d.sd, sqrt(32.0 / 7.0), EPS);
	cr_assert_eq(rgs_describe(x, 1, &d), RGS_OK);
	cr_assert(isnan(d.sd));
	cr_assert_eq(rgs_sd(x, 1, &s), RGS_EINVAL, "sd of one value is undefined");
}

/* ------------------------------------------------------------------ */
/* Paired ratios                                                      */
/* ------------------------------------------------------------------ */

Test(stats, paired_ratios_skip_missing_rounds)
{
	const double x[] = {10, NAN, 30, 40, -1, 60, INFINITY, 80};
	const double y[] = {5, 10, 0, 20, 10, NAN, 10, 40};
	double out[8];
	size_t used = 99;
	cr_assert_eq(rgs_paired_ratios(x, y, 8, out, &used), RGS_OK);
	cr_assert_eq(used, 3, "rounds 0, 3, 7 are complete (used %zu)", used);
	cr_assert_eq(out[0], 2.0);
	cr_assert_eq(out[1], 2.0);
	cr_assert_eq(out[2], 2.0);

	/* in place (out aliases x) */
	double a[] = {1, 2, 0, 8};
	const double b[] = {2, 2, 2, 2};
	cr_assert_eq(rgs_paired_ratios(a, b, 4, a, &used), RGS_OK);
	cr_assert_eq(used, 3);
	cr_assert_eq(a[0], 0.5);
	cr_assert_eq(a[1], 1.0);
	cr_assert_eq(a[2], 4.0);

	const double none[] = {NAN, 0, -3};
	cr_assert_eq(rgs_paired_ratios(none, b, 3, out, &used), RGS_ENODATA);
	cr_assert_eq(used, 0);

	/* through the CI: skipped rounds are counted */
	const double cx[] = {11, 12, NAN, 13, 14, 15, 16, 17, 0};
	const double cy[] = {10, 10, 10, 10, 10, 10, 10, 10, 10};
	rgs_ci_t ci;
	cr_assert_eq(rgs_paired_ci(cx, cy, 9, NULL, &ci), RGS_OK);
	cr_assert_eq(ci.n, 7);
	cr_assert_eq(ci.nskipped, 2);
	assert_near(ci.est, 1.4, EPS);
	cr_assert_eq(rgs_paired_ci(none, b, 3, NULL, &ci), RGS_ENODATA);
	cr_assert_eq(ci.n, 0);
	cr_assert_eq(ci.nskipped, 3);
}

/* ------------------------------------------------------------------ */
/* Order-statistic CI                                                 */
/* ------------------------------------------------------------------ */

/* Hand-computed: the largest j with 1 - 2 sum_{i<j} C(n,i) / 2^n >= 0.95
 * (exact integer sums; these agree with Le Boudec's table, annex A). */
Test(stats, order_statistic_ranks_exact_binomial)
{
	size_t j, k;
	double cov;
	int small;

	/* n = 5: j = 1 gives 1 - 2/32 = 0.9375 < 0.95: too small */
	cr_assert_eq(rgs_median_ci_ranks(5, 0.95, &j, &k, &cov, &small), RGS_OK);
	cr_assert_eq(small, 1);
	cr_assert_eq(j, 1);
	cr_assert_eq(k, 5);
	assert_near(cov, 1.0 - 2.0 / 32.0, EPS);

	/* n = 6: j = 1, 1 - 2/64 = 0.96875; j = 2 would give 1 - 14/64 */
	cr_assert_eq(rgs_median_ci_ranks(6, 0.95, &j, &k, &cov, &small), RGS_OK);
	cr_assert_eq(small, 0);
	cr_assert_eq(j, 1);
	cr_assert_eq(k, 6);
	assert_near(cov, 1.0 - 2.0 / 64.0, EPS);

	/* n = 10: C(10,0) + C(10,1) = 11: 1 - 22/1024 = 0.978515625 at j = 2;
	 * j = 3 adds C(10,2) = 45: 1 - 112/1024 = 0.890625 */
	cr_assert_eq(rgs_median_ci_ranks(10, 0.95, &j, &k, &cov, &small), RGS_OK);
	cr_assert_eq(small, 0);
	cr_assert_eq(j, 2);
	cr_assert_eq(k, 9);
	assert_near(cov, 1.0 - 22.0 / 1024.0, EPS);

	/* n = 20: sum_{i<=5} C(20,i) = 1 + 20 + 190 + 1140 + 4845 + 15504 = 21700:
	 * 1 - 43400/2^20 = 0.95861; adding C(20,6) = 38760 gives 0.88468 */
	cr_assert_eq(rgs_median_ci_ranks(20, 0.95, &j, &k, &cov, &small), RGS_OK);
	cr_assert_eq(j, 6);
	cr_assert_eq(k, 15);
	assert_near(cov, 1.0 - 43400.0 / 1048576.0, EPS);

	/* n = 50: sum_{i<=17} C(50,i) = 18486790962201: 0.96716; adding
	 * C(50,18) gives 0.93509 */
	cr_assert_eq(rgs_median_ci_ranks(50, 0.95, &j, &k, &cov, &small), RGS_OK);
	cr_assert_eq(j, 18);
	cr_assert_eq(k, 33);
	assert_near(cov, 1.0 - 2.0 * 18486790962201.0 / 1125899906842624.0, EPS);

	/* the log-space path (n > 1000), exact answers from Python's big
	 * integers; n = 1001 sits 1.5e-5 above 0.95 */
	cr_assert_eq(rgs_median_ci_ranks(1000, 0.95, &j, &k, &cov, &small), RGS_OK);
	cr_assert_eq(j, 469);
	assert_near(cov, 0.9537088026395019, 1e-9);
	cr_assert_eq(rgs_median_ci_ranks(1001, 0.95, &j, &k, &cov, &small), RGS_OK);
	cr_assert_eq(j, 470);
	cr_assert_eq(k, 532);
	assert_near(cov, 0.9500154764972458, 1e-9);
	cr_assert_eq(rgs_median_ci_ranks(5000, 0.95, &j, &k, &cov, &small), RGS_OK);
	cr_assert_eq(j, 2431);
	assert_near(cov, 0.9506841418958282, 1e-9);

	/* n = 1: nothing to interval */
	cr_assert_eq(rgs_median_ci_ranks(1, 0.95, &j, &k, &cov, &small), RGS_OK);
	cr_assert_eq(small, 1);
	cr_assert_eq(j, 1);
	cr_assert_eq(k, 1);
	cr_assert_eq(cov, 0.0);
	/* optional outputs */
	cr_assert_eq(rgs_median_ci_ranks(20, 0.95, &j, &k, NULL, NULL), RGS_OK);
	cr_assert_eq(j, 6);
}

Test(stats, order_statistic_interval)
{
	/* 20 values 1..20 scrambled: [s(6), s(15)] = [6, 15] */
	double x[20];
	for (int i = 0; i < 20; i++)
		x[i] = (double)((i * 7) % 20 + 1);
	rgs_ci_t ci;
	cr_assert_eq(rgs_median_ci_os(x, 20, 0.95, &ci), RGS_OK);
	cr_assert_eq(ci.lo, 6.0);
	cr_assert_eq(ci.hi, 15.0);
	assert_near(ci.est, 10.5, EPS);
	cr_assert_eq(ci.n, 20);
	cr_assert_eq(ci.j, 6);
	cr_assert_eq(ci.k, 15);
	cr_assert_eq(ci.flags, 0);
	cr_assert_eq(ci.method, RGS_METHOD_ORDER);
	cr_assert(ci.coverage >= 0.95);

	/* n = 5: [min, max] flagged, with its real coverage */
	const double five[] = {3, 9, 1, 7, 5};
	cr_assert_eq(rgs_median_ci_os(five, 5, 0.95, &ci), RGS_OK);
	cr_assert(ci.flags & RGS_CI_TOO_SMALL);
	cr_assert_eq(ci.lo, 1.0);
	cr_assert_eq(ci.hi, 9.0);
	assert_near(ci.coverage, 0.9375, EPS);
	/* ... which suffices at 90% */
	cr_assert_eq(rgs_median_ci_os(five, 5, 0.90, &ci), RGS_OK);
	cr_assert_eq(ci.flags & RGS_CI_TOO_SMALL, 0);
}

/* ------------------------------------------------------------------ */
/* Bootstrap                                                          */
/* ------------------------------------------------------------------ */

static const double bx[] = {3.5, 1.25, 9.0, 4.75, 2.0, 7.5, 6.25, 5.0, 8.0, 0.5, 3.0, 11.0};

Test(stats, bootstrap_reproducible_and_matches_model)
{
	rgs_ci_t a, b;
	/* Golden values from an independent Python model of the same
	 * algorithm (splitmix64 -> xoshiro256**, count resampling, type 7). */
	cr_assert_eq(rgs_median_ci_boot(bx, 12, 0.95, 500, 2024, &a), RGS_OK);
	cr_assert_eq(a.est, 4.875);
	cr_assert_eq(a.lo, 2.5);
	cr_assert_eq(a.hi, 7.75);
	cr_assert_eq(a.method, RGS_METHOD_BOOT);
	cr_assert(a.flags & RGS_CI_APPROX);
	cr_assert_eq(a.flags & RGS_CI_TOO_SMALL, 0);
	cr_assert_eq(rgs_median_ci_boot(bx, 11, 0.95, 500, 2024, &a), RGS_OK);
	cr_assert_eq(a.est, 4.75);
	cr_assert_eq(a.lo, 2.0);
	cr_assert_eq(a.hi, 7.5);
	cr_assert_eq(rgs_median_ci_boot(bx, 12, 0.90, 333, 5, &a), RGS_OK);
	cr_assert_eq(a.lo, 2.75);
	cr_assert_eq(a.hi, 7.599999999999994); /* an interpolated quantile, bit for bit */

	/* same seed: identical; default nboot is RGS_NBOOT */
	cr_assert_eq(rgs_median_ci_boot(bx, 12, 0.95, 0, 77, &a), RGS_OK);
	cr_assert_eq(rgs_median_ci_boot(bx, 12, 0.95, RGS_NBOOT, 77, &b), RGS_OK);
	cr_assert_eq(memcmp(&a.lo, &b.lo, sizeof a.lo), 0);
	cr_assert_eq(memcmp(&a.hi, &b.hi, sizeof a.hi), 0);
	cr_assert(a.lo <= a.est && a.est <= a.hi);

	/* via the config */
	rgs_cfg_t cfg;
	rgs_cfg_default(&cfg);
	cr_assert_eq(cfg.method, RGS_METHOD_ORDER);
	cr_assert_eq(cfg.level, RGS_LEVEL);
	cr_assert_eq(cfg.nboot, RGS_NBOOT);
	cfg.method = RGS_METHOD_BOOT;
	cfg.nboot = 500;
	cfg.seed = 2024;
	cr_assert_eq(rgs_median_ci(bx, 12, &cfg, &b), RGS_OK);
	cr_assert_eq(b.lo, 2.5);
	cr_assert_eq(b.hi, 7.75);

	/* too few values: flagged like the order-statistic interval */
	cr_assert_eq(rgs_median_ci_boot(bx, 5, 0.95, 200, 1, &a), RGS_OK);
	cr_assert(a.flags & RGS_CI_TOO_SMALL);
	assert_near(a.coverage, 0.9375, EPS);
}

/* Coverage simulation: 400 samples of n = 30 from a skewed distribution
 * (U^3, U uniform: true median 0.5^3 = 0.125; multiplications only, so
 * the data are bit-identical everywhere). The order-statistic interval must
 * cover at its exact rate, the bootstrap near 95%. 400 samples give a
 * binomial standard error of ~0.011; the margins are ~3.5 of those. The
 * seed is fixed, so the outcome is too: this test cannot flake. */
Test(stats, coverage_simulation)
{
	enum { NS = 400, N = 30 };
	const double truth = 0.125;
	rgs_rng_t rng;
	rgs_rng_seed(&rng, 20240601);
	double x[N];
	int hit_os = 0, hit_boot = 0;
	rgs_ci_t ci;
	for (int s = 0; s < NS; s++) {
		for (int i = 0; i < N; i++) {
			double u = rgs_rng_uniform(&rng);
			x[i] = u * u * u;
		}
		cr_assert_eq(rgs_median_ci_os(x, N, 0.95, &ci), RGS_OK);
		hit_os += ci.lo <= truth && truth <= ci.hi;
		cr_assert_eq(rgs_median_ci_boot(x, N, 0.95, 1000, (uint64_t)s, &ci), RGS_OK);
		hit_boot += ci.lo <= truth && truth <= ci.hi;
	}
	size_t j, k;
	double exact;
	cr_assert_eq(rgs_median_ci_ranks(N, 0.95, &j, &k, &exact, NULL), RGS_OK);
	double r_os = (double)hit_os / NS, r_boot = (double)hit_boot / NS;
	cr_assert(fabs(r_os - exact) <= 0.04, "order statistics covered %.3f, exact %.3f", r_os,
		  exact);
	cr_assert(fabs(r_boot - 0.95) <= 0.05, "bootstrap covered %.3f, nominal 0.95", r_boot);
}

/* ------------------------------------------------------------------ */
/* Resolution                                                         */
/* ------------------------------------------------------------------ */

Test(stats, aa_resolution_synthetic)
{
	/* 20 usable rounds whose A/A ratios are 1 + (k - 10)/1000, k = 0..19
	 * (in scrambled round order), plus two failed rounds. The interval is
	 * [s(6), s(15)] = [0.995, 1.004]: resolution 0.005. */
	double ref[22], ref2[22];
	for (int r = 0; r < 20; r++) {
		int kk = (r * 7) % 20;
		ref[r] = 1000.0 + 37.0 * r;
		ref2[r] = ref[r] * (1.0 + (kk - 10) / 1000.0);
	}
	ref[20] = 1000;
	ref2[20] = NAN;
	ref[21] = 0;
	ref2[21] = 1000;
	rgs_resolution_t res;
	cr_assert_eq(rgs_aa_resolution(ref2, ref, 22, NULL, &res), RGS_OK);
	cr_assert_eq(res.aa.n, 20);
	cr_assert_eq(res.aa.nskipped, 2);
	assert_near(res.aa.lo, 0.995, 1e-9);
	assert_near(res.aa.hi, 1.004, 1e-9);
	assert_near(res.res, 0.005, 1e-9);
	cr_assert_eq(res.biased, 0);

	/* noisy A/A: ratios within 1 +- 0.5 %: resolution in (0, 0.005] */
	rgs_rng_t rng;
	rgs_rng_seed(&rng, 3);
	double a[40], b[40];
	for (int r = 0; r < 40; r++) {
		a[r] = 1e6 * (1.0 + 0.2 * rgs_rng_uniform(&rng)); /* round-to-round drift */
		b[r] = a[r] * (1.0 + 0.01 * (rgs_rng_uniform(&rng) - 0.5));
	}
	cr_assert_eq(rgs_aa_resolution(b, a, 40, NULL, &res), RGS_OK);
	cr_assert(res.res > 0.0 && res.res <= 0.005, "res %g", res.res);

	/* a position effect: the second copy always 3-4 % faster */
	for (int r = 0; r < 40; r++)
		b[r] = a[r] * (1.03 + 0.01 * rgs_rng_uniform(&rng));
	cr_assert_eq(rgs_aa_resolution(b, a, 40, NULL, &res), RGS_OK);
	cr_assert_eq(res.biased, 1);
	cr_assert(res.res >= 0.03 && res.res <= 0.04, "res %g", res.res);

	/* from an interval */
	rgs_ci_t ci = {.est = 1, .lo = 0.97, .hi = 1.01, .n = 10};
	cr_assert_eq(rgs_resolution(&ci, &res), RGS_OK);
	assert_near(res.res, 0.03, EPS);
}

/* ------------------------------------------------------------------ */
/* Verdicts                                                           */
/* ------------------------------------------------------------------ */

static rgs_ci_t mkci(double lo, double est, double hi)
{
	rgs_ci_t c = {.est = est, .lo = lo, .hi = hi, .level = 0.95, .coverage = 0.96, .n = 20};
	return c;
}

Test(stats, verdicts)
{
	rgs_judgement_t jd;
	const double res = 0.02;
	rgs_ci_t c = mkci(0.97, 0.99, 1.01); /* inside */
	cr_assert_eq(rgs_judge(&c, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_INDISTINGUISHABLE);
	cr_assert_str_eq(rgs_verdict_name(jd.verdict), "indistinguishable");
	c = mkci(0.90, 0.95, 0.985); /* overlaps the band 0.98..1.02 */
	cr_assert_eq(rgs_judge(&c, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_INDISTINGUISHABLE);
	c = mkci(0.88, 0.93, 0.97); /* clearly below */
	cr_assert_eq(rgs_judge(&c, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_BELOW);
	cr_assert(strlen(jd.reason) > 0);
	c = mkci(1.05, 1.10, 1.20);
	cr_assert_eq(rgs_judge(&c, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_ABOVE);
	cr_assert_eq(rgs_judge(&c, 0.10, &jd), RGS_OK); /* a coarse run cannot tell */
	cr_assert_eq(jd.verdict, RGS_INDISTINGUISHABLE);

	/* too few rounds: no verdict, however far the interval lies */
	c = mkci(0.5, 0.6, 0.7);
	c.flags = RGS_CI_TOO_SMALL;
	c.coverage = 0.9375;
	c.n = 5;
	cr_assert_eq(rgs_judge(&c, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_TOO_FEW);
	cr_assert(strstr(jd.reason, "93.8%") != NULL, "reason: %s", jd.reason);

	/* end to end: paired ratios of a config 10 % slower than nosync */
	double ns[20], cfg[20];
	rgs_rng_t rng;
	rgs_rng_seed(&rng, 11);
	for (int r = 0; r < 20; r++) {
		ns[r] = 1e6 * (1.0 + 0.3 * rgs_rng_uniform(&rng));
		cfg[r] = ns[r] * (0.90 + 0.01 * (rgs_rng_uniform(&rng) - 0.5));
	}
	cr_assert_eq(rgs_paired_ci(cfg, ns, 20, NULL, &c), RGS_OK);
	cr_assert_eq(rgs_judge(&c, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_BELOW, "%s", jd.reason);
}

Test(stats, ceiling_and_speedup_invalid)
{
	rgs_judgement_t jd;
	const double res = 0.02;
	/* a lock "faster than no lock" beyond the resolution: impossible */
	rgs_ci_t c = mkci(1.05, 1.08, 1.12);
	cr_assert_eq(rgs_judge_ceiling(&c, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_INVALID);
	cr_assert(strstr(jd.reason, "no synchronisation") != NULL, "reason: %s", jd.reason);
	cr_assert_str_eq(rgs_verdict_name(jd.verdict), "invalid");
	c = mkci(1.03, 1.04, 1.05); /* just past 1 + res */
	cr_assert_eq(rgs_judge_ceiling(&c, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_INVALID);
	/* within the resolution: fine (indistinguishable from the ceiling) */
	c = mkci(1.01, 1.03, 1.05);
	cr_assert_eq(rgs_judge_ceiling(&c, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_INDISTINGUISHABLE);
	/* below the ceiling: the ordinary verdict */
	c = mkci(0.6, 0.7, 0.8);
	cr_assert_eq(rgs_judge_ceiling(&c, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_BELOW);
	/* every one of 5 rounds above the ceiling: invalid even with too few */
	c = mkci(1.10, 1.15, 1.20);
	c.flags = RGS_CI_TOO_SMALL;
	c.n = 5;
	cr_assert_eq(rgs_judge_ceiling(&c, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_INVALID);

	/* speedups at 2 threads */
	c = mkci(2.05, 2.2, 2.4);
	cr_assert_eq(rgs_judge_speedup(&c, 2, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_INVALID);
	cr_assert(strstr(jd.reason, "superlinear") != NULL, "reason: %s", jd.reason);
	c = mkci(2.0, 2.1, 2.2); /* exactly linear at the bound: possible */
	cr_assert_eq(rgs_judge_speedup(&c, 2, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_ABOVE);
	c = mkci(2.03, 2.1, 2.2); /* above 2, but within 2 x (1 + res): unresolved */
	cr_assert_eq(rgs_judge_speedup(&c, 2, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_ABOVE);
	c = mkci(3.07, 3.1, 3.2); /* past 3 x (1 + res) = 3.06 */
	cr_assert_eq(rgs_judge_speedup(&c, 3, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_INVALID);
	c = mkci(1.95, 2.02, 2.1); /* straddles linear: possible */
	cr_assert_eq(rgs_judge_speedup(&c, 2, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_ABOVE);
	c = mkci(1.7, 1.8, 1.9);
	cr_assert_eq(rgs_judge_speedup(&c, 4, res, &jd), RGS_OK);
	cr_assert_eq(jd.verdict, RGS_ABOVE);
	cr_assert_eq(rgs_judge_speedup(&c, 0, res, &jd), RGS_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Ranking                                                            */
/* ------------------------------------------------------------------ */

Test(stats, ranking_groups)
{
	unsigned rank[6], nr;
	/* A and B overlap; E is just above B; C clearly top; D clearly bottom */
	rgs_ci_t c[5] = {
		mkci(0.95, 1.00, 1.05), /* A */
		mkci(1.00, 1.05, 1.10), /* B */
		mkci(1.20, 1.25, 1.30), /* C */
		mkci(0.50, 0.55, 0.60), /* D */
		mkci(1.11, 1.13, 1.15), /* E */
	};
	cr_assert_eq(rgs_rank(c, 5, 0.0, 1, rank, &nr), RGS_OK);
	cr_assert_eq(nr, 4);
	cr_assert_eq(rank[2], 1); /* C */
	cr_assert_eq(rank[4], 2); /* E */
	cr_assert_eq(rank[0], 3); /* A = B */
	cr_assert_eq(rank[1], 3);
	cr_assert_eq(rank[3], 4); /* D */

	/* resolution 0.02: E - B gap 0.01 is within it, so E joins A, B */
	cr_assert_eq(rgs_rank(c, 5, 0.02, 1, rank, &nr), RGS_OK);
	cr_assert_eq(nr, 3);
	cr_assert_eq(rank[2], 1);
	cr_assert_eq(rank[4], 2);
	cr_assert_eq(rank[0], 2);
	cr_assert_eq(rank[1], 2);
	cr_assert_eq(rank[3], 3);

	/* lower is better (e.g. latency): the order flips */
	cr_assert_eq(rgs_rank(c, 5, 0.0, 0, rank, &nr), RGS_OK);
	cr_assert_eq(nr, 4);
	cr_assert_eq(rank[3], 1);
	cr_assert_eq(rank[0], 2);
	cr_assert_eq(rank[1], 2);
	cr_assert_eq(rank[4], 3);
	cr_assert_eq(rank[2], 4);

	/* a chain: X~Y and Y~Z but X, Z apart: all share one rank, so X and Z
	 * are never ordered although they alone could be */
	rgs_ci_t ch[3] = {mkci(1.0, 1.05, 1.1), mkci(1.08, 1.12, 1.16), mkci(1.15, 1.2, 1.25)};
	cr_assert_eq(rgs_rank(ch, 3, 0.0, 1, rank, &nr), RGS_OK);
	cr_assert_eq(nr, 1);
	cr_assert(rank[0] == 1 && rank[1] == 1 && rank[2] == 1);
	/* a wide interval spanning two separated narrow ones merges them too */
	rgs_ci_t w[3] = {mkci(0.9, 0.91, 0.92), mkci(1.1, 1.11, 1.12), mkci(0.85, 1.0, 1.15)};
	cr_assert_eq(rgs_rank(w, 3, 0.0, 1, rank, &nr), RGS_OK);
	cr_assert_eq(nr, 1);

	/* boundaries (exact binary fractions): intervals that touch, or a gap
	 * of exactly res, are not told apart */
	rgs_ci_t t[2] = {mkci(0.5, 0.75, 1.0), mkci(1.0, 1.25, 1.5)};
	cr_assert_eq(rgs_rank(t, 2, 0.0, 1, rank, &nr), RGS_OK);
	cr_assert_eq(nr, 1);
	t[1] = mkci(1.25, 1.375, 1.5);
	cr_assert_eq(rgs_rank(t, 2, 0.25, 1, rank, &nr), RGS_OK);
	cr_assert_eq(nr, 1);
	cr_assert_eq(rgs_rank(t, 2, 0.125, 1, rank, &nr), RGS_OK);
	cr_assert_eq(nr, 2);
	cr_assert(rank[1] == 1 && rank[0] == 2);

	cr_assert_eq(rgs_rank(c, 1, 0.0, 1, rank, NULL), RGS_OK);
	cr_assert_eq(rank[0], 1);
}

/* ------------------------------------------------------------------ */
/* PRNG and round orders                                              */
/* ------------------------------------------------------------------ */

Test(stats, prng_reference_values)
{
	/* splitmix64 from state 0 (the published reference sequence) */
	uint64_t st = 0;
	cr_assert_eq(rgs_splitmix64(&st), UINT64_C(0xe220a8397b1dcdaf));
	cr_assert_eq(rgs_splitmix64(&st), UINT64_C(0x6e789e6aa1b965f4));
	cr_assert_eq(rgs_splitmix64(&st), UINT64_C(0x06c45d188009454f));
	/* xoshiro256** seeded from 42 (independent Python model) */
	rgs_rng_t r;
	rgs_rng_seed(&r, 42);
	cr_assert_eq(rgs_rng_next(&r), UINT64_C(0x15780b2e0c2ec716));
	cr_assert_eq(rgs_rng_next(&r), UINT64_C(0x6104d9866d113a7e));
	cr_assert_eq(rgs_rng_next(&r), UINT64_C(0xae17533239e499a1));
	/* stream 0 is the plain seed */
	rgs_rng_t a, b;
	rgs_rng_seed(&a, 9);
	rgs_rng_seed_stream(&b, 9, 0);
	cr_assert_eq(memcmp(&a, &b, sizeof a), 0);
	for (int i = 0; i < 1000; i++) {
		double u = rgs_rng_uniform(&a);
		cr_assert(u >= 0.0 && u < 1.0);
		cr_assert_lt(rgs_rng_below(&b, 7), 7);
	}
	cr_assert_eq(rgs_rng_below(&b, 1), 0);
	cr_assert_eq(rgs_rng_below(&b, 0), 0);
}

static int is_permutation(const size_t *p, size_t n)
{
	char seen[64] = {0};
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= n || seen[p[i]])
			return 0;
		seen[p[i]] = 1;
	}
	return 1;
}

Test(stats, round_orders)
{
	/* golden orders from the independent Python model */
	static const size_t want[3][10] = {
		{8, 3, 9, 0, 7, 2, 1, 6, 5, 4},
		{9, 2, 7, 6, 4, 3, 5, 1, 0, 8},
		{2, 3, 8, 7, 9, 1, 6, 0, 4, 5},
	};
	size_t o[10], again[10];
	for (uint64_t r = 0; r < 3; r++) {
		cr_assert_eq(rgs_round_order(o, 10, 7, r), RGS_OK);
		cr_assert_eq(memcmp(o, want[r], sizeof o), 0, "round %d", (int)r);
		cr_assert_eq(rgs_round_order(again, 10, 7, r), RGS_OK);
		cr_assert_eq(memcmp(o, again, sizeof o), 0);
	}
	static const size_t want5[5] = {3, 4, 1, 2, 0};
	cr_assert_eq(rgs_round_order(o, 5, 0, 0), RGS_OK);
	cr_assert_eq(memcmp(o, want5, sizeof want5), 0);

	/* always a permutation; every position reached (64 rounds of n = 8:
	 * each of the 8 indices lands first at least once) */
	int first[8] = {0};
	for (uint64_t r = 0; r < 64; r++) {
		cr_assert_eq(rgs_round_order(o, 8, 123, r), RGS_OK);
		cr_assert(is_permutation(o, 8));
		first[o[0]]++;
	}
	for (int i = 0; i < 8; i++)
		cr_assert_gt(first[i], 0, "index %d never ran first", i);

	/* rgs_shuffle permutes whatever it is given */
	size_t ids[6] = {10, 20, 30, 40, 50, 60};
	rgs_rng_t rng;
	rgs_rng_seed(&rng, 5);
	cr_assert_eq(rgs_shuffle(ids, 6, &rng), RGS_OK);
	size_t sum = 0;
	for (int i = 0; i < 6; i++)
		sum += ids[i];
	cr_assert_eq(sum, 210);
	size_t single = 3;
	cr_assert_eq(rgs_shuffle(&single, 1, &rng), RGS_OK);
	cr_assert_eq(single, 3);
}

/* ------------------------------------------------------------------ */
/* Formatting                                                         */
/* ------------------------------------------------------------------ */

Test(stats, formatting)
{
	char buf[128];
	rgs_ci_t c = mkci(0.8812345678, 0.934211111, 0.970001234);
	cr_assert_eq(rgs_fmt_csv(buf, sizeof buf, &c), RGS_OK);
	cr_assert_str_eq(buf, "0.934211,0.881235,0.970001");
	cr_assert_eq(rgs_fmt_human(buf, sizeof buf, &c), RGS_OK);
	cr_assert_str_eq(buf, "0.93 [0.88, 0.97]");
	c.flags = RGS_CI_TOO_SMALL;
	c.coverage = 0.9375;
	cr_assert_eq(rgs_fmt_human(buf, sizeof buf, &c), RGS_OK);
	cr_assert_str_eq(buf, "0.93 [0.88, 0.97] (coverage 93.8% < 95%)");
	char tiny[8];
	cr_assert_eq(rgs_fmt_csv(tiny, sizeof tiny, &c), RGS_ENOSPC);
	cr_assert_eq(strlen(tiny), sizeof tiny - 1, "truncated output is terminated");
}

/* ------------------------------------------------------------------ */
/* Bad arguments                                                      */
/* ------------------------------------------------------------------ */

Test(stats, bad_arguments_are_errors)
{
	const double x[] = {1, 2, 3};
	const double bad[] = {1, NAN, 3};
	double v;
	size_t used, j, k, idx[3];
	rgs_ci_t ci = mkci(0.9, 1, 1.1);
	rgs_desc_t d;
	rgs_judgement_t jd;
	rgs_resolution_t res;
	unsigned rank[3];
	char buf[32];
	rgs_rng_t rng;
	rgs_rng_seed(&rng, 1);

	cr_assert_eq(rgs_median(NULL, 3, &v), RGS_EINVAL);
	cr_assert_eq(rgs_median(x, 0, &v), RGS_EINVAL);
	cr_assert_eq(rgs_median(x, 3, NULL), RGS_EINVAL);
	cr_assert_eq(rgs_median(bad, 3, &v), RGS_EINVAL);
	cr_assert_eq(rgs_quantile(x, 3, -0.1, &v), RGS_EINVAL);
	cr_assert_eq(rgs_quantile(x, 3, 1.5, &v), RGS_EINVAL);
	cr_assert_eq(rgs_quantile(x, 3, NAN, &v), RGS_EINVAL);
	cr_assert_eq(rgs_mean(NULL, 3, &v), RGS_EINVAL);
	cr_assert_eq(rgs_mean(x, 0, &v), RGS_EINVAL);
	cr_assert_eq(rgs_sd(x, 0, &v), RGS_EINVAL);
	cr_assert_eq(rgs_minmax(NULL, 3, &v, &v), RGS_EINVAL);
	cr_assert_eq(rgs_describe(x, 0, &d), RGS_EINVAL);
	cr_assert_eq(rgs_describe(x, 3, NULL), RGS_EINVAL);

	cr_assert_eq(rgs_paired_ratios(NULL, x, 3, &v, &used), RGS_EINVAL);
	cr_assert_eq(rgs_paired_ratios(x, x, 0, &v, &used), RGS_EINVAL);
	cr_assert_eq(rgs_paired_ratios(x, x, 3, NULL, &used), RGS_EINVAL);
	cr_assert_eq(rgs_paired_ratios(x, x, 3, &v, NULL), RGS_EINVAL);

	cr_assert_eq(rgs_median_ci_ranks(0, 0.95, &j, &k, NULL, NULL), RGS_EINVAL);
	cr_assert_eq(rgs_median_ci_ranks(10, 0.0, &j, &k, NULL, NULL), RGS_EINVAL);
	cr_assert_eq(rgs_median_ci_ranks(10, 1.0, &j, &k, NULL, NULL), RGS_EINVAL);
	cr_assert_eq(rgs_median_ci_ranks(10, 0.95, NULL, &k, NULL, NULL), RGS_EINVAL);
	cr_assert_eq(rgs_median_ci_os(NULL, 3, 0.95, &ci), RGS_EINVAL);
	cr_assert_eq(rgs_median_ci_os(x, 0, 0.95, &ci), RGS_EINVAL);
	cr_assert_eq(rgs_median_ci_os(x, 3, 0.95, NULL), RGS_EINVAL);
	cr_assert_eq(rgs_median_ci_os(bad, 3, 0.95, &ci), RGS_EINVAL);
	cr_assert_eq(rgs_median_ci_boot(NULL, 3, 0.95, 10, 1, &ci), RGS_EINVAL);
	cr_assert_eq(rgs_median_ci_boot(x, 0, 0.95, 10, 1, &ci), RGS_EINVAL);
	cr_assert_eq(rgs_median_ci_boot(x, 3, 2.0, 10, 1, &ci), RGS_EINVAL);
	rgs_cfg_t cfg;
	rgs_cfg_default(&cfg);
	cfg.method = 7;
	cr_assert_eq(rgs_median_ci(x, 3, &cfg, &ci), RGS_EINVAL);
	cr_assert_eq(rgs_paired_ci(x, x, 3, &cfg, &ci), RGS_EINVAL);
	cr_assert_eq(rgs_paired_ci(NULL, x, 3, NULL, &ci), RGS_EINVAL);
	cr_assert_eq(rgs_paired_ci(x, x, 0, NULL, &ci), RGS_EINVAL);

	cr_assert_eq(rgs_resolution(NULL, &res), RGS_EINVAL);
	cr_assert_eq(rgs_resolution(&ci, NULL), RGS_EINVAL);
	cr_assert_eq(rgs_aa_resolution(x, x, 0, NULL, &res), RGS_EINVAL);
	cr_assert_eq(rgs_aa_resolution(x, NULL, 3, NULL, &res), RGS_EINVAL);
	cr_assert_eq(rgs_aa_resolution(x, x, 3, NULL, NULL), RGS_EINVAL);

	cr_assert_eq(rgs_judge(NULL, 0.01, &jd), RGS_EINVAL);
	cr_assert_eq(rgs_judge(&ci, -0.01, &jd), RGS_EINVAL);
	cr_assert_eq(rgs_judge(&ci, NAN, &jd), RGS_EINVAL);
	cr_assert_eq(rgs_judge(&ci, 0.01, NULL), RGS_EINVAL);
	rgs_ci_t nan_ci = mkci(NAN, 1, 1.1);
	cr_assert_eq(rgs_judge(&nan_ci, 0.01, &jd), RGS_EINVAL);
	rgs_ci_t flipped = mkci(1.1, 1, 0.9);
	cr_assert_eq(rgs_judge(&flipped, 0.01, &jd), RGS_EINVAL);
	cr_assert_eq(rgs_judge_ceiling(NULL, 0.01, &jd), RGS_EINVAL);
	cr_assert_eq(rgs_judge_speedup(NULL, 2, 0.01, &jd), RGS_EINVAL);

	cr_assert_eq(rgs_rank(NULL, 3, 0, 1, rank, NULL), RGS_EINVAL);
	cr_assert_eq(rgs_rank(&ci, 0, 0, 1, rank, NULL), RGS_EINVAL);
	cr_assert_eq(rgs_rank(&ci, 1, 0, 1, NULL, NULL), RGS_EINVAL);
	cr_assert_eq(rgs_rank(&nan_ci, 1, 0, 1, rank, NULL), RGS_EINVAL);
	cr_assert_eq(rgs_rank(&ci, 1, -1, 1, rank, NULL), RGS_EINVAL);

	cr_assert_eq(rgs_shuffle(NULL, 3, &rng), RGS_EINVAL);
	cr_assert_eq(rgs_shuffle(idx, 0, &rng), RGS_EINVAL);
	cr_assert_eq(rgs_shuffle(idx, 3, NULL), RGS_EINVAL);
	cr_assert_eq(rgs_round_order(NULL, 3, 1, 0), RGS_EINVAL);
	cr_assert_eq(rgs_round_order(idx, 0, 1, 0), RGS_EINVAL);

	cr_assert_eq(rgs_fmt_csv(NULL, 8, &ci), RGS_EINVAL);
	cr_assert_eq(rgs_fmt_csv(buf, 0, &ci), RGS_EINVAL);
	cr_assert_eq(rgs_fmt_human(buf, sizeof buf, NULL), RGS_EINVAL);

	cr_assert_str_eq(rgs_strerror(RGS_EINVAL), "invalid argument");
	cr_assert_str_eq(rgs_strerror(12345), "unknown error");
	cr_assert_str_eq(rgs_verdict_name((rgs_verdict_t)99), "?");
}
