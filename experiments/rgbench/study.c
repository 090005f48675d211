/*
 * study.c - the measurement method of every workload (docs/statistics.md):
 * a STUDY is a set of configurations measured on the same memory, in
 * interleaved rounds.
 *
 *  1. Equal work, before anything is timed: every configuration computes
 *     the checksum of a fixed query sequence through its own read path
 *     (s->verify); the configurations of one group must agree, or they are
 *     invalid.
 *  2. Rounds: each round runs every configuration once, in a fresh order
 *     shuffled by rgs_round_order(seed, round) (the seed and each run's
 *     position are in the CSV). A run is: enter (main thread, graph
 *     quiescent: e.g. rg_set_policy), threads created and pinned, a
 *     warm-up phase (discarded), one measured trial of fixed duration,
 *     leave.
 *  3. Statistics (judge.c): paired per-round ratios with 95% CIs, the A/A
 *     resolution, verdicts, the hard checks, ranks.
 *  4. One row per run, with its configuration's statistics, to the CSV.
 */
#include <math.h>
#include <stdarg.h>

#include "rgbench.h"

int rgb_wl_invalid;

void rgb_study_init(rgb_study_t *s, const char *workload, const char *name, const rgb_data_t *d)
{
	memset(s, 0, sizeof *s);
	snprintf(s->workload, sizeof s->workload, "%s", workload);
	snprintf(s->name, sizeof s->name, "%s", name ? name : workload);
	s->d = d;
	s->rounds = rgb_o.rounds;
	s->duration = rgb_o.duration;
	s->warmup = rgb_o.warmup;
}

int rgb_cfg_add(rgb_study_t *s, const char *variant, const char *sync, const char *policy,
		int threads, int kind)
{
	if (s->ncfg == RGB_MAX_CFG) {
		fprintf(stderr, "rgbench: %s: more than %d configurations in one study\n", s->name,
			RGB_MAX_CFG);
		return -1;
	}
	rgb_cfg_t *c = &s->cfg[s->ncfg];
	memset(c, 0, sizeof *c);
	snprintf(c->variant, sizeof c->variant, "%s", variant ? variant : "");
	snprintf(c->sync, sizeof c->sync, "%s", sync ? sync : "-");
	snprintf(c->policy, sizeof c->policy, "%s", policy ? policy : "");
	c->threads = threads;
	c->kind = kind;
	c->update_ratio = -1;
	c->batch = -1;
	c->group = 0;
	c->ref = c->one = -1;
	c->res = NAN;
	return s->ncfg++;
}

int rgb_cfg_add_aa(rgb_study_t *s, int i)
{
	char sync[24], variant[96], policy[24];
	snprintf(sync, sizeof sync, "%.21s#2", s->cfg[i].sync);
	memcpy(variant, s->cfg[i].variant, sizeof variant);
	memcpy(policy, s->cfg[i].policy, sizeof policy);
	int k = rgb_cfg_add(s, variant, sync, policy, s->cfg[i].threads, s->cfg[i].kind);
	if (k < 0)
		return -1;
	rgb_cfg_t *a = &s->cfg[k], *o = &s->cfg[i];
	a->update_ratio = o->update_ratio;
	a->batch = o->batch;
	a->group = o->group;
	a->arg = o->arg;
	a->flags = RGB_CFG_AA | (o->flags & RGB_CFG_FLAWED);
	a->ref = i;
	return k;
}

int rgb_cfg_find(const rgb_study_t *s, const char *variant, const char *sync, int threads)
{
	for (int i = 0; i < s->ncfg; i++)
		if (!strcmp(s->cfg[i].variant, variant ? variant : "") &&
		    !strcmp(s->cfg[i].sync, sync) && s->cfg[i].threads == threads)
			return i;
	return -1;
}

void rgb_study_link(rgb_study_t *s, const char *variant, const char *ref_sync, int aa)
{
	int n = s->ncfg;
	for (int i = 0; i < n; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		if ((c->flags & RGB_CFG_AA) || (variant && strcmp(c->variant, variant)))
			continue;
		if (c->ref < 0 && ref_sync && strcmp(c->sync, ref_sync)) {
			c->ref = rgb_cfg_find(s, c->variant, ref_sync, c->threads);
			if (c->ref >= 0 && !strcmp(ref_sync, "nosync") && rgb_policy_known(c->sync))
				c->flags |= RGB_CFG_CEILING;
		}
		if (c->one < 0 && c->threads > 1)
			c->one = rgb_cfg_find(s, c->variant, c->sync, 1);
	}
	if (!aa || !ref_sync)
		return;
	for (int i = 0; i < n; i++)
		if (!strcmp(s->cfg[i].sync, ref_sync) && !(s->cfg[i].flags & RGB_CFG_AA) &&
		    (!variant || !strcmp(s->cfg[i].variant, variant))) {
			int k = rgb_cfg_add_aa(s, i);
			if (k >= 0 && s->cfg[i].threads > 1)
				s->cfg[k].one = rgb_cfg_find(s, s->cfg[k].variant, s->cfg[k].sync, 1);
		}
}

int rgb_work_check(rgb_cfg_t *c, int round, int ok, const char *fmt, ...)
{
	if (ok || c->invalid)
		return ok;
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	c->invalid = 1;
	snprintf(c->why, sizeof c->why, "unequal work in round %d: %s", round, what);
	return ok;
}

int rgb_study_compare(rgb_study_t *s, int num, int den, const char *name)
{
	if (num < 0 || den < 0 || s->ncmp == RGB_MAX_CMP)
		return -1;
	rgb_cmp_t *c = &s->cmp[s->ncmp++];
	c->num = num;
	c->den = den;
	snprintf(c->name, sizeof c->name, "%s", name);
	return 0;
}

void rgb_study_free(rgb_study_t *s)
{
	for (int i = 0; i < s->ncfg; i++) {
		free(s->cfg[i].tput);
		free(s->cfg[i].share);
		s->cfg[i].tput = s->cfg[i].share = NULL;
	}
}

static void cfg_label(char *buf, size_t cap, const rgb_cfg_t *c)
{
	if (c->variant[0])
		snprintf(buf, cap, "%s@%s %dT", c->sync, c->variant, c->threads);
	else
		snprintf(buf, cap, "%s %dT", c->sync, c->threads);
}

/* The columns every row of c shares. */
static void row_common(const rgb_study_t *s, const rgb_cfg_t *c, rgb_row_t *r)
{
	if (s->d)
		rgb_row_graph(r, s->d);
	r->update_ratio = c->update_ratio;
	r->batch = c->batch;
	r->duration_s = s->measure ? -1 : s->duration;
	r->warmup_s = s->measure ? -1 : s->warmup;
	r->has_checksum = c->has_checksum;
	r->checksum = c->checksum;
	rgb_cpus_str(r->cpus, sizeof r->cpus, c->threads);
	snprintf(r->callrcu, sizeof r->callrcu, "%s",
		 rgb_callrcu_cpus(c->policy[0] ? c->policy : c->sync));
	r->oversubscribed = c->oversub;
}

static void verify_all(rgb_study_t *s)
{
	if (!s->verify)
		return;
	for (int i = 0; i < s->ncfg; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		if (s->enter && s->enter(s, c)) {
			c->failed = 1;
			snprintf(c->why, sizeof c->why, "setup failed");
			continue;
		}
		uint64_t ck = 0;
		int rc = s->verify(s, c, &ck);
		if (s->leave)
			s->leave(s, c);
		if (rc < 0) {
			c->failed = 1;
			snprintf(c->why, sizeof c->why, "equal-work check failed to run");
		} else if (rc == 0) {
			c->has_checksum = 1;
			c->checksum = ck;
		}
	}
	/* equal work: the first configuration of a group with a checksum is
	 * the group's reference value */
	for (int i = 0; i < s->ncfg; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		if (!c->has_checksum || c->group < 0)
			continue;
		for (int k = 0; k < i; k++) {
			rgb_cfg_t *o = &s->cfg[k];
			if (o->has_checksum && o->group == c->group) {
				if (o->checksum != c->checksum) {
					char lo[160];
					cfg_label(lo, sizeof lo, o);
					c->invalid = 1;
					snprintf(c->why, sizeof c->why,
						 "unequal work: checksum %016llx differs from %016llx of %s",
						 (unsigned long long)c->checksum,
						 (unsigned long long)o->checksum, lo);
				}
				break;
			}
		}
	}
}

int rgb_study_run(rgb_study_t *s)
{
	int R = s->rounds, ncpu = rgb_ncpus();
	if (R < 1 || s->ncfg < 1)
		return -1;
	for (int i = 0; i < s->ncfg; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		c->tput = malloc((size_t)R * sizeof *c->tput);
		c->share = malloc((size_t)R * sizeof *c->share);
		if (!c->tput || !c->share) {
			fprintf(stderr, "rgbench: out of memory\n");
			exit(1);
		}
		for (int r = 0; r < R; r++)
			c->tput[r] = c->share[r] = NAN;
		c->oversub = c->threads > ncpu;
	}
	verify_all(s);
	int nrun = 0;
	for (int i = 0; i < s->ncfg; i++)
		nrun += !s->cfg[i].failed;
	if (!nrun) {
		fprintf(stderr, "rgbench: %s: no configuration could run\n", s->name);
		return -1;
	}
	size_t nrows = 0, cap = (size_t)R * (size_t)s->ncfg;
	rgb_row_t *rows = malloc(cap * sizeof *rows);
	int *rowcfg = malloc(cap * sizeof *rowcfg);
	size_t order[RGB_MAX_CFG];
	if (!rows || !rowcfg) {
		fprintf(stderr, "rgbench: out of memory\n");
		exit(1);
	}
	double t0 = bu_now();
	for (int r = 0; r < R; r++) {
		rgs_round_order(order, (size_t)s->ncfg, rgb_o.seed, (uint64_t)r);
		rgb_placement_round(r);
		rgb_runner_round(r);
		double el = bu_now() - t0;
		char eta[32] = "?";
		if (r > 0)
			snprintf(eta, sizeof eta, "~%.0fs", el / r * (R - r));
		fprintf(stderr, "[rgbench %7.1fs] %s: round %d of %d (%d runs) | elapsed %.1fs, left %s\n",
			rgb_run_elapsed(), s->name, r + 1, R, nrun, el, eta);
		for (int pos = 0; pos < s->ncfg; pos++) {
			rgb_cfg_t *c = &s->cfg[order[pos]];
			if (c->failed)
				continue;
			rgb_row_t *row = &rows[nrows];
			rgb_row_init(row, s->workload, c->variant, c->sync, c->threads);
			row->round = r;
			row->order_pos = pos;
			row_common(s, c, row);
			if (rgb_o.verbose) {
				char lab[160];
				cfg_label(lab, sizeof lab, c);
				fprintf(stderr, "    run %d.%d: %s\n", r + 1, pos, lab);
			}
			s->cur_round = r;
			s->cur_pos = pos;
			int rc = s->enter ? s->enter(s, c) : 0;
			if (rc == 0 && s->measure) {
				rc = s->measure(s, c, row);
			} else if (rc == 0) {
				rgb_job_t job;
				memset(&job, 0, sizeof job);
				job.nthreads = c->threads;
				s->job(s, c, &job);
				static rgb_result_t res; /* large: not on the stack */
				rc = rgb_run(&job, s->warmup, s->duration, &res);
				if (rc == 0) {
					row->ops = res.ops;
					row->throughput = res.elapsed > 0 ? (double)res.ops / res.elapsed : 0;
					if (s->row)
						s->row(s, c, &res, row);
					rgb_extra(row, "elapsed_s=%.9f;start_skew_us=%.1f;late_start=%d;"
						       "cpu_share_min=%.3f",
						  res.elapsed, res.start_skew * 1e6, res.late_start,
						  res.cpu_share_min);
					if (r < RGB_MAX_ROUNDS && c->share)
						c->share[r] = res.cpu_share_min;
					if (res.idle_threads)
						rgb_extra(row, "idle_threads=%d", res.idle_threads);
					c->late_start += res.late_start > 0;
				}
			}
			if (s->leave)
				s->leave(s, c);
			if (rc == 0 && rgs_valid_value(row->throughput)) {
				c->tput[r] = row->throughput;
			} else {
				rgb_extra(row, "run_failed=1");
				row->throughput = NAN;
			}
			rowcfg[nrows++] = (int)(c - s->cfg);
		}
	}
	rgb_study_judge(s);
	rgb_wl_invalid += s->ninvalid;
	for (size_t i = 0; i < nrows; i++) {
		const rgb_cfg_t *c = &s->cfg[rowcfg[i]];
		rgb_row_t *row = &rows[i];
		if (c->ref >= 0) {
			const rgb_cfg_t *f = &s->cfg[c->ref];
			snprintf(row->ref, sizeof row->ref, "%s%s%s", f->sync, f->variant[0] ? "@" : "",
				 f->variant);
		}
		if (c->has_ratio) {
			row->ratio = c->ratio.est;
			row->ratio_lo = c->ratio.lo;
			row->ratio_hi = c->ratio.hi;
			row->ratio_n = (int)c->ratio.n;
		}
		if (c->has_speedup) {
			row->speedup = c->speedup.est;
			row->speedup_lo = c->speedup.lo;
			row->speedup_hi = c->speedup.hi;
		}
		row->resolution = c->res;
		snprintf(row->verdict, sizeof row->verdict, "%s", c->verdict);
		row->rank = (int)c->rank;
		if (c->flags & RGB_CFG_FLAWED)
			snprintf(row->valid, sizeof row->valid, "flawed");
		if (c->invalid)
			rgb_extra(row, "invalid_reason=%s", c->why);
		rgb_emit(row);
	}
	rgb_study_summary(s);
	free(rows);
	free(rowcfg);
	return 0;
}
