/*
 * wl_readonly.c - the lock study: read-only neighbour queries under every
 * policy, 1..N threads, on one packed graph (qwork.c).
 *
 * One study: every (policy, threads) plus nosync#2 (the A/A control) per
 * thread count, in shuffled rounds; ratios to nosync at the same thread
 * count (a synchronised policy above it is INVALID), speedups to the same
 * policy at 1 thread, ranks per thread count.
 */
#include "rgbench.h"

static int readonly_run(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	const char *syncs[RGB_MAX_LIST];
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int ns = rgb_read_syncs(syncs, NULL);
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	rg_graph_t *g = rgb_graph_build("nosync", d, NULL);
	if (!g)
		return -1;
	rgb_study_t *s = calloc(1, sizeof *s);
	rgb_qwork_t w = {0};
	int rc = -1;
	if (!s || rgb_qwork_init(&w, g, d, 1))
		goto out;
	rgb_study_init(s, "readonly", "readonly", d);
	for (int t = 0; t < nt; t++)
		for (int k = 0; k < ns; k++)
			if (rgb_qwork_add(s, &w, "", syncs[k], thr[t], thr[t], -1, -1, 0, 0) < 0)
				goto out;
	rgb_study_link(s, NULL, "nosync", 1);
	rgb_qwork_study(s);
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	rgb_qwork_free(&w);
	free(s);
	rgb_graph_close(g);
	return rc;
}

RGB_WORKLOAD(readonly, 10, "read-only neighbour queries, every policy, 1..N threads (ratios to nosync)",
	     1, NULL, readonly_run)
