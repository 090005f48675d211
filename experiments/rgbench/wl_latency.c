/*
 * wl_latency.c - per-query latency (clock_gettime around every query into
 * a per-thread histogram, qwork.c) with and without a concurrent writer.
 *
 * Variant "no-writer": readers only; "writer": one extra thread commits
 * --batch (10) churn edges back to back (inserted, then deleted by its
 * next transaction). threads = readers (+1 with the writer; --threads sets
 * the readers, default 1). Every policy (nosync: no-writer only), one
 * packed graph, one study. Throughput ratios as in readonly (no-writer to
 * nosync; writer to rcu-memb@writer, with A/A copies); the summary adds the
 * median over rounds of each configuration's p50, p99 and p99.9.
 */
#include <math.h>

#include "rgbench.h"

static const char *const variants[] = {"no-writer", "writer", NULL};

static double med(const double *v, int stride, int off, int n)
{
	double x[RGB_MAX_ROUNDS], m = NAN;
	size_t k = 0;
	for (int r = 0; r < n; r++)
		if (!isnan(v[stride * r + off]))
			x[k++] = v[stride * r + off];
	if (k)
		rgs_median(x, k, &m);
	return m;
}

static int latency_run(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const int one[] = {1};
	int rdr[RGB_MAX_LIST];
	int nt = rgb_threads_list(rdr, one, 1);
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_read_syncs(syncs, NULL);
	int batch = rgb_o.batch > 0 ? rgb_o.batch : 10;
	rg_graph_t *g = rgb_graph_build("rcu-memb", d, NULL);
	rgb_study_t *s = calloc(1, sizeof *s);
	rgb_qwork_t w = {0};
	int rc = -1;
	if (!g || !s || rgb_qwork_init(&w, g, d, batch))
		goto out;
	rgb_study_init(s, "latency", "latency", d);
	for (int v = 0; v < 2; v++) {
		if (!rgb_variant_on(variants[v], 1))
			continue;
		for (int t = 0; t < nt; t++)
			for (int k = 0; k < ns; k++) {
				if (v && !strcmp(syncs[k], "nosync"))
					continue;
				if (rgb_qwork_add(s, &w, variants[v], syncs[k], rdr[t] + v, rdr[t], -1,
						  v ? batch : -1, 0, 1) < 0)
					goto out;
			}
	}
	rgb_study_link(s, "no-writer", "nosync", 1);
	rgb_study_link(s, "writer", "rcu-memb", 1); /* nosync takes no writer */
	rgb_qwork_study(s);
	if ((rc = rgb_study_run(s)))
		goto out;
	printf("   latency (us), median over rounds of each round's percentile: p50 / p99 / p99.9\n");
	for (int i = 0; i < s->ncfg; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		rgb_qcfg_t *q = c->arg;
		if (!q || !q->lat || (c->flags & RGB_CFG_AA))
			continue;
		printf("   %-10s %-12s readers=%-3d %9.3g %9.3g %9.3g%s\n", c->variant, c->sync,
		       q->nreaders, med(q->lat, 3, 0, s->rounds), med(q->lat, 3, 1, s->rounds),
		       med(q->lat, 3, 2, s->rounds), c->oversub ? " [oversubscribed]" : "");
	}
out:
	if (s)
		rgb_study_free(s);
	rgb_qwork_free(&w);
	free(s);
	rgb_graph_close(g);
	return rc;
}

RGB_WORKLOAD(latency, 70, "reader latency p50..p99.9, with and without a writer, per policy", 1,
	     variants, latency_run)
