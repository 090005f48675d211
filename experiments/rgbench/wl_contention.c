/*
 * wl_contention.c - every thread on one node vs spread over the graph.
 *
 * Variant "hot" sends every query of every thread to one node of typical
 * out-degree (the one closest to the mean, so a hot query does the same
 * work as an average spread query and the two differ only in sharing);
 * "spread" to the seeded random sequence. 1, 2, 4, 8, 16 threads (quick
 * 1, 2, 4; above the usable CPUs: oversubscribed), every policy, one
 * packed graph. With --update-ratio R > 0 the writes of hot go out of that
 * node (and nosync is left out).
 *
 * One study per update ratio: both variants in the same rounds; each
 * configuration's ratio is to nosync of the same variant and threads
 * (ratio 0; rcu-memb otherwise), and a named comparison hot/spread per
 * policy and thread count.
 */
#include "rgbench.h"

static const char *const variants[] = {"hot", "spread", NULL};

static int contention_run(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const int full[] = {1, 2, 4, 8, 16}, quick[] = {1, 2, 4};
	int thr[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, rgb_o.quick ? quick : full, rgb_o.quick ? 3 : 5);
	static const double dr[] = {0};
	double ratios[RGB_MAX_LIST];
	int nr = rgb_ratio_list(ratios, dr, 1);
	int batch = rgb_o.batch > 0 ? rgb_o.batch : 1;
	rg_graph_t *g = rgb_graph_build("rcu-memb", d, NULL);
	rgb_study_t *s = calloc(1, sizeof *s);
	rgb_qwork_t w = {0};
	int rc = -1;
	if (!g || !s || rgb_qwork_init(&w, g, d, batch))
		goto out;
	rc = 0;
	for (int r = 0; r < nr && !rc; r++) {
		const char *ref = ratios[r] > 0 ? "rcu-memb" : "nosync";
		const char *syncs[RGB_MAX_LIST], *tmp[RGB_MAX_LIST];
		int n = rgb_sync_list(tmp, NULL), ns = 0;
		syncs[ns++] = ref;
		for (int i = 0; i < n; i++)
			if (strcmp(tmp[i], ref) && (ratios[r] <= 0 || strcmp(tmp[i], "nosync")))
				syncs[ns++] = tmp[i];
		char name[64];
		snprintf(name, sizeof name, "contention %g%% updates", ratios[r]);
		rgb_study_init(s, "contention", name, d);
		w.nqc = 0;
		for (int v = 0; v < 2; v++) {
			if (!rgb_variant_on(variants[v], 1))
				continue;
			for (int t = 0; t < nt; t++)
				for (int k = 0; k < ns; k++)
					if (rgb_qwork_add(s, &w, variants[v], syncs[k], thr[t], thr[t],
							  ratios[r], batch, v == 0, 0) < 0) {
						rc = -1;
						goto out;
					}
		}
		int n0 = s->ncfg;
		rgb_study_link(s, NULL, ref, 1);
		for (int i = 0; i < n0; i++) {
			rgb_cfg_t *c = &s->cfg[i];
			int o = rgb_cfg_find(s, "spread", c->sync, c->threads);
			if (!strcmp(c->variant, "hot") && o >= 0)
				rgb_study_compare(s, i, o, "hot/spread");
		}
		rgb_qwork_study(s);
		rc = rgb_study_run(s);
		rgb_study_free(s);
	}
out:
	rgb_qwork_free(&w);
	free(s);
	rgb_graph_close(g);
	return rc;
}

RGB_WORKLOAD(contention, 40, "all threads on one node ('hot') vs spread, 1..16 threads, every policy",
	     1, variants, contention_run)
