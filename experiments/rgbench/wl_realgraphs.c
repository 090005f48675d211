/*
 * wl_realgraphs.c - the shared SNAP datasets vs generated graphs of the
 * same size: each dataset found in $RG_DATASETS (--quick: wiki-Vote only)
 * as "NAME:snap", a uniform graph with the same nodes and edges
 * ("NAME:uniform") and an R-MAT graph (scale = ceil(log2 nodes), edge
 * factor = edges / 2^scale, "NAME:rmat").
 *
 * One study per dataset with its three graphs (each built once, packed):
 * read-only queries (qwork.c) under rcu-memb by default, nosync as each
 * graph's reference with its A/A copy, and the named comparisons
 * snap/uniform and snap/rmat per policy and thread count, paired per round.
 * Equal-work checksums are compared within a graph only.
 */
#include "rgbench.h"

static int one_dataset(const char *path, const char *base, const char *const *syncs, int ns,
		       const int *thr, int nt)
{
	rgb_data_t *real = rgb_data_get(path);
	if (!real)
		return -1;
	uint64_t n = real->nids, m = real->el.n_edges;
	unsigned scale = 1;
	while ((1ull << scale) < n)
		scale++;
	uint64_t ef = (m + (1ull << scale) / 2) >> scale;
	char specs[3][1024];
	snprintf(specs[0], sizeof specs[0], "%.900s", path);
	snprintf(specs[1], sizeof specs[1], "uniform:n=%llu,deg=%.4f,seed=%llu", (unsigned long long)n,
		 (double)m / (double)n, (unsigned long long)rgb_o.seed);
	snprintf(specs[2], sizeof specs[2], "rmat:scale=%u,ef=%llu,seed=%llu", scale,
		 (unsigned long long)(ef ? ef : 1), (unsigned long long)rgb_o.seed);
	static const char *const kinds[] = {"snap", "uniform", "rmat"};
	rgb_qwork_t w[3];
	rg_graph_t *g[3] = {0};
	memset(w, 0, sizeof w);
	rgb_study_t *s = calloc(1, sizeof *s);
	int rc = -1;
	if (!s)
		goto out;
	char name[96];
	snprintf(name, sizeof name, "realgraphs %s", base);
	rgb_study_init(s, "realgraphs", name, NULL);
	for (int k = 0; k < 3; k++) {
		rgb_data_t *d = rgb_data_get(specs[k]);
		if (!d || !(g[k] = rgb_graph_build("nosync", d, NULL)) || rgb_qwork_init(&w[k], g[k], d, 1))
			goto out;
		char v[96];
		snprintf(v, sizeof v, "%.60s:%s", base, kinds[k]);
		for (int t = 0; t < nt; t++)
			for (int i = 0; i < ns; i++) {
				int c = rgb_qwork_add(s, &w[k], v, syncs[i], thr[t], thr[t], -1, -1, 0, 0);
				if (c < 0)
					goto out;
				s->cfg[c].group = k; /* equal work within one graph */
			}
	}
	rgb_study_link(s, NULL, "nosync", 1);
	for (int i = 0; i < s->ncfg; i++) {
		rgb_cfg_t *c = &s->cfg[i];
		size_t bl = strlen(c->variant);
		if ((c->flags & RGB_CFG_AA) || bl < 5 || strcmp(c->variant + bl - 5, ":snap"))
			continue;
		for (int k = 1; k < 3; k++) {
			char v[96], nm[64];
			snprintf(v, sizeof v, "%.60s:%s", base, kinds[k]);
			snprintf(nm, sizeof nm, "snap/%s", kinds[k]);
			rgb_study_compare(s, i, rgb_cfg_find(s, v, c->sync, c->threads), nm);
		}
	}
	rgb_qwork_study(s);
	rc = rgb_study_run(s);
out:
	if (s)
		rgb_study_free(s);
	free(s);
	for (int k = 0; k < 3; k++) {
		rgb_qwork_free(&w[k]);
		rgb_graph_close(g[k]);
	}
	return rc;
}

static int realgraphs_run(void)
{
	/* the repository's gzip files (datasets/), or plain copies where
	 * $RG_DATASETS points at uncompressed ones */
	static const char *const names[] = {"wiki-Vote", "email-Eu-core", "p2p-Gnutella31"};
	static const char *const dflt_sync[] = {"rcu-memb", NULL};
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_read_syncs(syncs, dflt_sync);
	int thr[RGB_MAX_LIST], dt[RGB_MAX_LIST];
	int nt = rgb_threads_list(thr, dt, rgb_default_threads(dt));
	int nd = 0, rc = 0;
	for (int i = 0; i < 3; i++) {
		char path[900], base[64];
		snprintf(path, sizeof path, "%s/%s.txt.gz", rgb_datasets_dir(), names[i]);
		if (access(path, R_OK))
			snprintf(path, sizeof path, "%s/%s.txt", rgb_datasets_dir(), names[i]);
		if (access(path, R_OK)) {
			fprintf(stderr, "rgbench: realgraphs: %s(.gz) not found, skipped\n", path);
			continue;
		}
		snprintf(base, sizeof base, "%s", names[i]);
		rc |= one_dataset(path, base, syncs, ns, thr, nt);
		nd++;
		if (rgb_o.quick)
			break;
	}
	if (!nd) {
		fprintf(stderr, "rgbench: realgraphs: no dataset found in %s (set RG_DATASETS)\n",
			rgb_datasets_dir());
		return -1;
	}
	return rc;
}

RGB_WORKLOAD(realgraphs, 80, "SNAP datasets vs generated graphs of the same size (same rounds)", 1,
	     NULL, realgraphs_run)
