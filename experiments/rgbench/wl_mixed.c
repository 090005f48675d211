/*
 * wl_mixed.c - neighbour queries with a fraction of write transactions:
 * update ratio swept (default 0, 1, 5, 20, 50, 100 %), every policy that
 * takes writes, one packed graph (qwork.c: a write inserts --batch edges,
 * the thread's next write deletes them; the graph is repacked between
 * runs, so every run starts from the same content).
 *
 * One study per update ratio. Ratio 0: the reference is nosync (with its
 * A/A copy), as in readonly. Ratios above 0: nosync refuses transactions
 * once readers exist, so the reference is rcu-memb (and rcu-memb#2 its
 * A/A copy); no ceiling applies.
 */
#include "rgbench.h"

static int one_ratio(rgb_qwork_t *w, const rgb_data_t *d, double ratio, int batch, const int *thr,
		     int nt)
{
	const char *ref = ratio > 0 ? "rcu-memb" : "nosync";
	const char *syncs[RGB_MAX_LIST], *tmp[RGB_MAX_LIST];
	int n = rgb_sync_list(tmp, NULL), ns = 0;
	syncs[ns++] = ref;
	for (int i = 0; i < n; i++)
		if (strcmp(tmp[i], ref) && (ratio <= 0 || strcmp(tmp[i], "nosync")))
			syncs[ns++] = tmp[i];
	rgb_study_t *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	char name[64];
	snprintf(name, sizeof name, "mixed %g%% updates", ratio);
	rgb_study_init(s, "mixed", name, d);
	w->nqc = 0;
	int rc = -1;
	for (int t = 0; t < nt; t++)
		for (int k = 0; k < ns; k++)
			if (rgb_qwork_add(s, w, "", syncs[k], thr[t], thr[t], ratio, batch, 0, 0) < 0)
				goto out;
	rgb_study_link(s, NULL, ref, 1);
	rgb_qwork_study(s);
	rc = rgb_study_run(s);
out:
	rgb_study_free(s);
	free(s);
	return rc;
}

static int mixed_run(void)
{
	const char *spec = rgb_o.graph ? rgb_o.graph : rgb_default_graph();
	rgb_data_t *d = rgb_data_get(spec);
	if (!d)
		return -1;
	static const double dr[] = {0, 1, 5, 20, 50, 100};
	double ratios[RGB_MAX_LIST];
	int nr = rgb_ratio_list(ratios, dr, 6);
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	int batch = rgb_o.batch > 0 ? rgb_o.batch : 1;
	rg_graph_t *g = rgb_graph_build("rcu-memb", d, NULL);
	if (!g)
		return -1;
	rgb_qwork_t w = {0};
	int rc = rgb_qwork_init(&w, g, d, batch);
	for (int r = 0; r < nr && !rc; r++)
		rc = one_ratio(&w, d, ratios[r], batch, thr, nt);
	rgb_qwork_free(&w);
	rgb_graph_close(g);
	return rc;
}

RGB_WORKLOAD(mixed, 20, "queries + write txns, update ratio 0,1,5,20,50,100 %, every writable policy",
	     1, NULL, mixed_run)
