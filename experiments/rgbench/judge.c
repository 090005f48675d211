/*
 * judge.c - the statistics of a finished study, from stats.h only
 * (docs/statistics.md); nothing here re-implements a statistic.
 *
 *  - A/A resolution per thread count: rgs_aa_resolution of every A/A copy
 *    ("nosync#2") against its reference measured in the same rounds. A
 *    thread count without its own A/A control takes the largest
 *    resolution of the study (conservative).
 *  - Each configuration with a reference: the median of its per-round
 *    ratios to the reference with a 95% CI (rgs_paired_ci); verdict by
 *    rgs_judge, or rgs_judge_ceiling when the reference is nosync and the
 *    configuration a synchronised policy (above the ceiling: INVALID).
 *  - Each configuration with a 1-thread counterpart: the paired speedup
 *    and rgs_judge_speedup (above the thread count: INVALID).
 *  - Also INVALID: unequal work (checksums, study.c) and a worker that
 *    began before the release barrier.
 *  - Oversubscribed configurations (threads > usable CPUs) get their
 *    numbers but no verdict, no hard check and no rank.
 *  - Ranks (rgs_rank) among the configurations sharing a reference, the
 *    reference itself included as [1, 1]; invalid, A/A, oversubscribed
 *    and too-few configurations are not ranked.
 *  - Every comparison is also written to the ratios CSV.
 */
#include <math.h>

#include "rgbench.h"

/* As rgs_fmt_human, with 3 significant digits (a ratio of 0.0027 stays
 * readable). */
void rgb_fmt_ci(char *buf, size_t cap, const rgs_ci_t *ci)
{
	if (!ci || ci->n == 0) {
		snprintf(buf, cap, "-");
		return;
	}
	int n = snprintf(buf, cap, "%.3g [%.3g, %.3g]", ci->est, ci->lo, ci->hi);
	if (n >= 0 && (size_t)n < cap && (ci->flags & RGS_CI_TOO_SMALL))
		snprintf(buf + n, cap - (size_t)n, " (n=%zu, coverage %.1f%% < 95%%)", ci->n,
			 100 * ci->coverage);
}

/* Median of a configuration's per-round worker CPU share (NaN if none). */
static double share_med(const rgb_study_t *s, const rgb_cfg_t *c)
{
	double v[RGB_MAX_ROUNDS], m = NAN;
	size_t n = 0;
	for (int r = 0; c->share && r < s->rounds && r < RGB_MAX_ROUNDS; r++)
		if (!isnan(c->share[r]))
			v[n++] = c->share[r];
	if (n)
		rgs_median(v, n, &m);
	return m;
}

/* " (median worker CPU share: a 0.55, b 0.98)": where a worker lost its
 * CPU to another process, the impossible result has its explanation. */
static void share_note(char *buf, size_t cap, const rgb_study_t *s, const rgb_cfg_t *a,
		       const rgb_cfg_t *b)
{
	double x = share_med(s, a), y = share_med(s, b);
	if (isnan(x) || isnan(y))
		buf[0] = 0;
	else
		snprintf(buf, cap, " (median worker CPU share %.2f, base %.2f%s)", x, y,
			 x < 0.9 || y < 0.9 ? "; below 0.9 a worker shared its CPU with another process"
					    : "");
}

static void label(char *buf, size_t cap, const rgb_cfg_t *c)
{
	snprintf(buf, cap, "%s%s%s %dT", c->sync, c->variant[0] ? "@" : "", c->variant, c->threads);
}

static void cmp_init(rgb_cmp_row_t *o, const rgb_study_t *s, const rgb_cfg_t *num,
		     const rgb_cfg_t *den, const char *kind, const char *name)
{
	memset(o, 0, sizeof *o);
	snprintf(o->workload, sizeof o->workload, "%s", s->workload);
	snprintf(o->study, sizeof o->study, "%s", s->name);
	snprintf(o->variant, sizeof o->variant, "%s", num->variant);
	o->threads = num->threads;
	o->oversubscribed = num->oversub;
	snprintf(o->kind, sizeof o->kind, "%s", kind);
	snprintf(o->name, sizeof o->name, "%s", name);
	label(o->num, sizeof o->num, num);
	label(o->den, sizeof o->den, den);
	o->resolution = NAN;
}

int rgb_study_paired(const rgb_study_t *s, int a, int b, rgs_ci_t *out)
{
	if (a < 0 || b < 0 || !s->cfg[a].tput || !s->cfg[b].tput)
		return RGS_EINVAL;
	return rgs_paired_ci(s->cfg[a].tput, s->cfg[b].tput, (size_t)s->rounds, NULL, out);
}

/* The resolution for a configuration at `threads`. */
static double res_for(const rgb_study_t *s, int threads, int *own)
{
	double r = threads >= 0 && threads <= RGB_MAX_THREADS ? s->res_by_threads[threads] : NAN;
	*own = !isnan(r);
	if (*own)
		return r;
	double m = NAN;
	for (int t = 0; t <= RGB_MAX_THREADS; t++)
		if (!isnan(s->res_by_threads[t]) && (isnan(m) || s->res_by_threads[t] > m))
			m = s->res_by_threads[t];
	return m;
}

static void set_invalid(rgb_cfg_t *c, const char *why)
{
	if (c->invalid) /* keep the first reason */
		return;
	c->invalid = 1;
	snprintf(c->why, sizeof c->why, "%s", why);
}

void rgb_study_judge(rgb_study_t *s)
{
	size_t R = (size_t)s->rounds;
	for (int t = 0; t <= RGB_MAX_THREADS; t++)
		s->res_by_threads[t] = NAN;
	/* 1. resolution from the A/A controls */
	for (int i = 0; i < s->ncfg; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		if (!(c->flags & RGB_CFG_AA) || c->ref < 0 || c->failed || s->cfg[c->ref].failed)
			continue;
		rgs_resolution_t rr;
		rgb_cmp_row_t o;
		char name[96];
		snprintf(name, sizeof name, "A/A %s/%s", c->sync, s->cfg[c->ref].sync);
		cmp_init(&o, s, c, &s->cfg[c->ref], "aa", name);
		if (rgs_aa_resolution(c->tput, s->cfg[c->ref].tput, R, NULL, &rr) != RGS_OK) {
			snprintf(o.verdict, sizeof o.verdict, "no-data");
			rgb_emit_cmp(&o);
			continue;
		}
		c->has_ratio = 1;
		c->ratio = rr.aa;
		o.ci = rr.aa;
		o.resolution = rr.res;
		o.aa_biased = rr.biased;
		snprintf(o.verdict, sizeof o.verdict, "%s", rr.biased ? "aa-biased" : "aa");
		snprintf(o.reason, sizeof o.reason,
			 "resolution %.4g: the band 1 +- res within which this run cannot tell a "
			 "configuration from the reference measured again%s",
			 rr.res, rr.biased ? "; BIASED: the A/A CI excludes 1 (position or setup effect)" : "");
		snprintf(c->verdict, sizeof c->verdict, "%s", o.verdict);
		rgb_emit_cmp(&o);
		if (c->oversub)
			continue;
		if (c->threads <= RGB_MAX_THREADS &&
		    (isnan(s->res_by_threads[c->threads]) || rr.res > s->res_by_threads[c->threads])) {
			s->res_by_threads[c->threads] = rr.res;
			s->aa_by_threads[c->threads] = rr.aa;
		}
	}
	/* 2. ratios, verdicts, hard checks */
	for (int i = 0; i < s->ncfg; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		int own;
		double res = res_for(s, c->threads, &own);
		c->res = res;
		double r0 = isnan(res) ? 0 : res;
		if (c->failed)
			snprintf(c->verdict, sizeof c->verdict, "failed");
		if (c->late_start) {
			char why[128];
			snprintf(why, sizeof why, "a worker began before the release barrier in %d round(s)",
				 c->late_start);
			set_invalid(c, why);
		}
		if (c->failed || (c->flags & RGB_CFG_AA))
			continue;
		if (c->ref >= 0 && !s->cfg[c->ref].failed) {
			rgb_cfg_t *f = &s->cfg[c->ref];
			rgb_cmp_row_t o;
			char name[96];
			snprintf(name, sizeof name, "%s/%s", c->sync, f->sync);
			cmp_init(&o, s, c, f, (c->flags & RGB_CFG_CEILING) ? "ceiling" : "ratio", name);
			o.resolution = res;
			if (rgs_paired_ci(c->tput, f->tput, R, NULL, &c->ratio) == RGS_OK) {
				c->has_ratio = 1;
				o.ci = c->ratio;
				rgs_judgement_t j;
				if (c->oversub) {
					snprintf(c->verdict, sizeof c->verdict, "oversubscribed");
					snprintf(o.reason, sizeof o.reason,
						 "more threads than CPUs: no verdict, no rank");
				} else {
					if (c->flags & RGB_CFG_CEILING)
						rgs_judge_ceiling(&c->ratio, r0, &j);
					else
						rgs_judge(&c->ratio, r0, &j);
					snprintf(c->verdict, sizeof c->verdict, "%s",
						 rgs_verdict_name(j.verdict));
					snprintf(o.reason, sizeof o.reason, "%.150s%s", j.reason,
						 isnan(res) ? " (no A/A control: resolution taken as 0)"
						 : own	    ? ""
							    : " (resolution of another thread count)");
					if (j.verdict == RGS_INVALID) {
						char why[512], note[160];
						share_note(note, sizeof note, s, c, f);
						snprintf(why, sizeof why, "%s above the nosync ceiling: %.120s%s",
							 c->sync, j.reason, note);
						set_invalid(c, why);
					}
				}
			} else {
				snprintf(c->verdict, sizeof c->verdict, "no-data");
			}
			snprintf(o.verdict, sizeof o.verdict, "%s", c->verdict);
			rgb_emit_cmp(&o);
		} else {
			for (int k = 0; k < s->ncfg; k++)
				if (s->cfg[k].ref == i) {
					snprintf(c->verdict, sizeof c->verdict, "reference");
					break;
				}
		}
		if (c->one >= 0 && !s->cfg[c->one].failed) {
			rgb_cfg_t *b = &s->cfg[c->one];
			rgb_cmp_row_t o;
			char name[96];
			snprintf(name, sizeof name, "speedup %d/%d threads", c->threads, b->threads);
			cmp_init(&o, s, c, b, "speedup", name);
			o.resolution = res;
			if (rgs_paired_ci(c->tput, b->tput, R, NULL, &c->speedup) == RGS_OK) {
				c->has_speedup = 1;
				o.ci = c->speedup;
				unsigned tr = (unsigned)(c->threads / (b->threads > 0 ? b->threads : 1));
				if (c->oversub) {
					snprintf(o.verdict, sizeof o.verdict, "oversubscribed");
				} else {
					rgs_judgement_t j;
					rgs_judge_speedup(&c->speedup, tr ? tr : 1, r0, &j);
					snprintf(o.verdict, sizeof o.verdict, "%s", rgs_verdict_name(j.verdict));
					snprintf(o.reason, sizeof o.reason, "%s", j.reason);
					if (j.verdict == RGS_INVALID) {
						char why[512], note[160];
						share_note(note, sizeof note, s, c, b);
						snprintf(why, sizeof why, "speedup above the thread count: %.110s%s",
							 j.reason, note);
						set_invalid(c, why);
					}
				}
			} else {
				snprintf(o.verdict, sizeof o.verdict, "no-data");
			}
			rgb_emit_cmp(&o);
		}
	}
	/* 3. named comparisons (targets) */
	for (int k = 0; k < s->ncmp; k++) {
		rgb_cfg_t *a = &s->cfg[s->cmp[k].num], *b = &s->cfg[s->cmp[k].den];
		rgb_cmp_row_t o;
		cmp_init(&o, s, a, b, "compare", s->cmp[k].name);
		int own;
		double res = res_for(s, a->threads, &own);
		o.resolution = res;
		if (!a->failed && !b->failed && rgb_study_paired(s, s->cmp[k].num, s->cmp[k].den, &o.ci) == RGS_OK) {
			if (a->oversub) {
				snprintf(o.verdict, sizeof o.verdict, "oversubscribed");
			} else {
				rgs_judgement_t j;
				rgs_judge(&o.ci, isnan(res) ? 0 : res, &j);
				snprintf(o.verdict, sizeof o.verdict, "%s", rgs_verdict_name(j.verdict));
				snprintf(o.reason, sizeof o.reason, "%s", j.reason);
			}
		} else {
			snprintf(o.verdict, sizeof o.verdict, "no-data");
		}
		rgb_emit_cmp(&o);
	}
	/* 4. invalid configurations carry the verdict; count the run's */
	s->ninvalid = 0;
	for (int i = 0; i < s->ncfg; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		if (!c->invalid)
			continue;
		snprintf(c->verdict, sizeof c->verdict, "invalid");
		if (!(c->flags & RGB_CFG_FLAWED))
			s->ninvalid++;
	}
	/* 5. ranks among the configurations sharing a reference */
	for (int f = 0; f < s->ncfg; f++) {
		rgs_ci_t cis[RGB_MAX_CFG + 1];
		int idx[RGB_MAX_CFG + 1];
		unsigned rank[RGB_MAX_CFG + 1];
		size_t k = 0;
		rgb_cfg_t *ref = &s->cfg[f];
		if (ref->failed || ref->invalid || ref->oversub)
			continue;
		for (int i = 0; i < s->ncfg; i++) {
			rgb_cfg_t *c = &s->cfg[i];
			if (c->ref != f || !c->has_ratio || c->invalid || c->oversub ||
			    (c->flags & (RGB_CFG_AA | RGB_CFG_NORANK)) ||
			    (c->ratio.flags & RGS_CI_TOO_SMALL))
				continue;
			cis[k] = c->ratio;
			idx[k++] = i;
		}
		if (!k)
			continue;
		memset(&cis[k], 0, sizeof cis[k]);
		cis[k].est = cis[k].lo = cis[k].hi = 1.0;
		cis[k].n = R;
		idx[k++] = f;
		int own;
		double res = res_for(s, ref->threads, &own);
		if (rgs_rank(cis, k, isnan(res) ? 0 : res, 1, rank, NULL) != RGS_OK)
			continue;
		for (size_t i = 0; i < k; i++)
			s->cfg[idx[i]].rank = rank[i];
	}
}

int rgb_metric_resolution(const rgb_study_t *s, int a2, int a, const double *v2, const double *v,
			  const char *name, double *res)
{
	rgs_resolution_t rr;
	rgb_cmp_row_t o;
	*res = NAN;
	cmp_init(&o, s, &s->cfg[a2], &s->cfg[a], "aa", name);
	if (rgs_aa_resolution(v2, v, (size_t)s->rounds, NULL, &rr) != RGS_OK) {
		snprintf(o.verdict, sizeof o.verdict, "no-data");
		rgb_emit_cmp(&o);
		return -1;
	}
	o.ci = rr.aa;
	o.resolution = rr.res;
	o.aa_biased = rr.biased;
	snprintf(o.verdict, sizeof o.verdict, "%s", rr.biased ? "aa-biased" : "aa");
	snprintf(o.reason, sizeof o.reason, "resolution %.4g of this metric (the reference measured "
		 "twice per round)%s", rr.res, rr.biased ? "; BIASED: the A/A CI excludes 1" : "");
	rgb_emit_cmp(&o);
	*res = rr.res;
	char ci[96];
	rgb_fmt_ci(ci, sizeof ci, &rr.aa);
	printf("   %-34s %s (resolution +-%.2f%%)\n", name, ci, 100 * rr.res);
	return 0;
}

int rgb_metric_cmp(const rgb_study_t *s, int a, int b, const double *va, const double *vb,
		   const char *name, double res, rgs_ci_t *out)
{
	rgb_cmp_row_t o;
	rgs_ci_t ci;
	memset(&ci, 0, sizeof ci);
	cmp_init(&o, s, &s->cfg[a], &s->cfg[b], "compare", name);
	if (isnan(res)) {
		int own;
		res = res_for(s, s->cfg[a].threads, &own);
	}
	o.resolution = res;
	int rc = -1;
	if (!s->cfg[a].failed && !s->cfg[b].failed &&
	    rgs_paired_ci(va, vb, (size_t)s->rounds, NULL, &ci) == RGS_OK) {
		o.ci = ci;
		rc = 0;
		if (s->cfg[a].oversub) {
			snprintf(o.verdict, sizeof o.verdict, "oversubscribed");
		} else {
			rgs_judgement_t j;
			rgs_judge(&ci, isnan(res) ? 0 : res, &j);
			snprintf(o.verdict, sizeof o.verdict, "%s", rgs_verdict_name(j.verdict));
			snprintf(o.reason, sizeof o.reason, "%s", j.reason);
		}
	} else {
		snprintf(o.verdict, sizeof o.verdict, "no-data");
	}
	rgb_emit_cmp(&o);
	char buf[96];
	rgb_fmt_ci(buf, sizeof buf, rc ? NULL : &ci);
	printf("   %-26s %-36s %-32s %s\n", name, o.num, buf, o.verdict);
	if (out)
		*out = ci;
	return rc;
}

static double median_tput(const rgb_study_t *s, const rgb_cfg_t *c)
{
	double v[RGB_MAX_ROUNDS], m = NAN;
	size_t n = 0;
	for (int r = 0; r < s->rounds && n < RGB_MAX_ROUNDS; r++)
		if (rgs_valid_value(c->tput[r]))
			v[n++] = c->tput[r];
	if (n)
		rgs_median(v, n, &m);
	return m;
}

static void human(char *buf, size_t cap, double v)
{
	if (!isfinite(v))
		snprintf(buf, cap, "-");
	else if (v >= 1e9)
		snprintf(buf, cap, "%.4gG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, cap, "%.4gM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, cap, "%.4gk", v / 1e3);
	else
		snprintf(buf, cap, "%.4g", v);
}

static int by_group_then_rank(const rgb_study_t *s, int a, int b)
{
	const rgb_cfg_t *x = &s->cfg[a], *y = &s->cfg[b];
	int c = strcmp(x->variant, y->variant);
	if (c)
		return c;
	if (x->threads != y->threads)
		return x->threads - y->threads;
	unsigned rx = x->rank ? x->rank : 1000, ry = y->rank ? y->rank : 1000;
	if (rx != ry)
		return (int)rx - (int)ry;
	return a - b;
}

void rgb_study_summary(const rgb_study_t *s)
{
	int ord[RGB_MAX_CFG], n = s->ncfg;
	for (int i = 0; i < n; i++)
		ord[i] = i;
	for (int i = 1; i < n; i++) /* insertion sort: tiny n */
		for (int k = i; k > 0 && by_group_then_rank(s, ord[k - 1], ord[k]) > 0; k--) {
			int t = ord[k];
			ord[k] = ord[k - 1];
			ord[k - 1] = t;
		}
	printf("\n== %s: %s%s, %d rounds of %.3g s after %.3g s warm-up each, shuffled (seed %llu), "
	       "workers %s ==\n",
	       s->workload, s->name, s->d ? "" : "", s->rounds, s->measure ? 0.0 : s->duration,
	       s->measure ? 0.0 : s->warmup, (unsigned long long)rgb_o.seed,
	       rgb_o.pin ? "pinned to distinct CPUs" : "not pinned");
	if (s->d)
		printf("   graph %s (%llu nodes, %llu edges)\n", s->d->spec,
		       (unsigned long long)s->d->nids, (unsigned long long)s->d->el.n_edges);
	int any_res = 0;
	for (int t = 0; t <= RGB_MAX_THREADS; t++) {
		if (isnan(s->res_by_threads[t]))
			continue;
		char ci[96];
		rgb_fmt_ci(ci, sizeof ci, &s->aa_by_threads[t]);
		printf("   A/A resolution at %d thread%s: +-%.2f%% (A/A ratio %s%s)\n", t, t > 1 ? "s" : "",
		       100 * s->res_by_threads[t], ci,
		       (s->aa_by_threads[t].lo > 1 || s->aa_by_threads[t].hi < 1) ? ", BIASED" : "");
		any_res = 1;
	}
	if (!any_res)
		printf("   no A/A control in this study: verdicts assume resolution 0\n");
	printf("   %-4s %-40s %4s %11s  %-44s %-17s %s\n", "rank", "configuration", "thr", "median/s",
	       "ratio [95% CI] vs reference", "verdict", "speedup [95% CI]");
	for (int k = 0; k < n; k++) {
		const rgb_cfg_t *c = &s->cfg[ord[k]];
		char name[160], med[32], ratio[320] = "", sp[96] = "", rk[16] = "-";
		snprintf(name, sizeof name, "%s%s%s", c->sync, c->variant[0] ? " @" : "", c->variant);
		human(med, sizeof med, c->tput ? median_tput(s, c) : NAN);
		if (c->has_ratio) {
			char ci[96];
			const rgb_cfg_t *f = c->ref >= 0 ? &s->cfg[c->ref] : NULL;
			rgb_fmt_ci(ci, sizeof ci, &c->ratio);
			/* the reference, shortened when it shares the variant */
			snprintf(ratio, sizeof ratio, "%s%s%s%s%s", ci, f ? " vs " : "", f ? f->sync : "",
				 f && strcmp(f->variant, c->variant) ? "@" : "",
				 f && strcmp(f->variant, c->variant) ? f->variant : "");
		} else if (!strcmp(c->verdict, "reference")) {
			snprintf(ratio, sizeof ratio, "1 (reference)");
		}
		if (c->has_speedup)
			rgb_fmt_ci(sp, sizeof sp, &c->speedup);
		if (c->rank)
			snprintf(rk, sizeof rk, "%u", c->rank);
		printf("   %-4s %-40.40s %4d %11s  %-44s %-17s %s%s\n", rk, name, c->threads, med, ratio,
		       c->oversub ? "oversubscribed" : c->verdict, sp,
		       (c->flags & RGB_CFG_FLAWED) ? " [deliberately flawed]" : "");
	}
	for (int k = 0; k < n; k++) {
		const rgb_cfg_t *c = &s->cfg[ord[k]];
		if (c->invalid)
			printf("   %s: %s %s %dT: %s\n",
			       (c->flags & RGB_CFG_FLAWED) ? "flawed (expected)" : "INVALID", c->sync,
			       c->variant, c->threads, c->why);
		else if (c->failed)
			printf("   failed: %s %s %dT: %s\n", c->sync, c->variant, c->threads, c->why);
	}
	printf("   (ranks: 1 = best among the configurations sharing a reference; intervals that "
	       "overlap within the resolution share a rank; 'indistinguishable' = no difference this "
	       "run can claim)\n");
	fflush(stdout);
}
