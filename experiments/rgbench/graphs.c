/*
 * graphs.c - the data every workload runs on: edge lists generated or
 * loaded once per --graph spec (cached), the graph built from them ONCE
 * per workload and packed (every configuration of a study then runs on
 * the same memory, switching policy with rg_set_policy: see study.c),
 * seeded query sequences, the metrics endpoint, temp dirs.
 */

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdatomic.h>

#include "gapcsr.h"
#include "rgbench.h"

#ifndef RGB_DATASETS
#define RGB_DATASETS "datasets" /* CMake passes the repository's datasets/ */
#endif

atomic_ulong rgb_errors;

uint64_t rgb_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

const char *rgb_datasets_dir(void)
{
	const char *e = getenv("RG_DATASETS");
	return e && *e ? e : RGB_DATASETS;
}

/* ---------------- edge lists ---------------- */

#define NCACHE 6
static rgb_data_t *cache[NCACHE];
static int cache_next;

/* LSD radix sort of 64-bit keys, 16 bits per pass, skipping passes above
 * the largest key. */
static void radix_sort(uint64_t *a, size_t n)
{
	uint64_t *tmp = malloc(n * sizeof *tmp);
	size_t *cnt = malloc(65536 * sizeof *cnt);
	if (!tmp || !cnt) {
		fprintf(stderr, "rgbench: out of memory\n");
		exit(1);
	}
	uint64_t max = 0;
	for (size_t i = 0; i < n; i++)
		max = a[i] > max ? a[i] : max;
	for (int shift = 0; shift < 64 && (shift == 0 || (max >> shift)); shift += 16) {
		memset(cnt, 0, 65536 * sizeof *cnt);
		for (size_t i = 0; i < n; i++)
			cnt[(a[i] >> shift) & 0xffff]++;
		size_t s = 0;
		for (size_t k = 0; k < 65536; k++) {
			size_t c = cnt[k];
			cnt[k] = s;
			s += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(a[i] >> shift) & 0xffff]++] = a[i];
		memcpy(a, tmp, n * sizeof *a);
	}
	free(tmp);
	free(cnt);
}

static void data_free(rgb_data_t *d)
{
	if (!d)
		return;
	rg_edgelist_free(&d->el);
	free(d->ids);
	free(d->queries);
	free(d);
}

rgb_data_t *rgb_data_get(const char *spec)
{
	for (int i = 0; i < NCACHE; i++)
		if (cache[i] && !strcmp(cache[i]->spec, spec))
			return cache[i];
	rgb_data_t *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	snprintf(d->spec, sizeof d->spec, "%s", spec);
	char err[512] = "";
	double t0 = bu_now();
	int rc = rg_gen_from_spec(spec, &d->el, err, sizeof err);
	if (rc) {
		fprintf(stderr, "rgbench: --graph %s: %s (%s)\n", spec, err[0] ? err : "error",
			rg_strerror(rc));
		free(d);
		return NULL;
	}
	uint64_t m = d->el.n_edges;
	if (m == 0) {
		fprintf(stderr, "rgbench: --graph %s: the graph has no edges\n", spec);
		data_free(d);
		return NULL;
	}
	/* distinct endpoint ids, ascending */
	uint64_t *all = malloc(2 * m * sizeof *all);
	uint64_t *srcs = malloc(m * sizeof *srcs);
	if (!all || !srcs) {
		fprintf(stderr, "rgbench: out of memory\n");
		exit(1);
	}
	memcpy(all, d->el.src, m * sizeof *all);
	memcpy(all + m, d->el.dst, m * sizeof *all);
	radix_sort(all, 2 * m);
	uint64_t k = 0;
	for (uint64_t i = 0; i < 2 * m; i++)
		if (i == 0 || all[i] != all[i - 1])
			all[k++] = all[i];
	d->ids = realloc(all, k * sizeof *all);
	d->nids = k;
	/* the hub: longest run of one source */
	memcpy(srcs, d->el.src, m * sizeof *srcs);
	radix_sort(srcs, m);
	uint64_t best = 0, run = 0;
	d->hot = srcs[0];
	for (uint64_t i = 0; i < m; i++) {
		run = (i && srcs[i] == srcs[i - 1]) ? run + 1 : 1;
		if (run > best) {
			best = run;
			d->hot = srcs[i];
		}
	}
	/* a node of typical out-degree (closest to the mean over sources) */
	uint64_t nsrc = 0;
	for (uint64_t i = 0; i < m; i++)
		nsrc += i == 0 || srcs[i] != srcs[i - 1];
	double mean = (double)m / (double)nsrc, bestdiff = 1e300;
	d->typical = srcs[0];
	for (uint64_t i = 0, start = 0; i < m; i++) {
		if (i + 1 == m || srcs[i + 1] != srcs[i]) {
			double diff = fabs((double)(i + 1 - start) - mean);
			if (diff < bestdiff) {
				bestdiff = diff;
				d->typical = srcs[i];
			}
			start = i + 1;
		}
	}
	free(srcs);
	d->queries = malloc(RGB_NQ * sizeof *d->queries);
	if (!d->queries) {
		fprintf(stderr, "rgbench: out of memory\n");
		exit(1);
	}
	uint64_t s = rgb_mix64(rgb_o.seed + 0x51ed) | 1;
	for (uint64_t i = 0; i < RGB_NQ; i++)
		d->queries[i] = d->ids[rgb_rand(&s) % d->nids];
	if (rgb_o.verbose)
		fprintf(stderr, "rgbench: graph %s: %llu nodes, %llu edges, hub %llu (out-degree %llu), %.2fs\n",
			spec, (unsigned long long)d->nids, (unsigned long long)m,
			(unsigned long long)d->hot, (unsigned long long)best, bu_now() - t0);
	data_free(cache[cache_next]);
	cache[cache_next] = d;
	cache_next = (cache_next + 1) % NCACHE;
	return d;
}

void rgb_data_free_all(void)
{
	for (int i = 0; i < NCACHE; i++) {
		data_free(cache[i]);
		cache[i] = NULL;
	}
}

/* ---------------- graphs ---------------- */

/* NULL when metrics are off for the graph or compiled out. */
rg_metrics_t *rgb_graph_metrics(rg_graph_t *g)
{
	return rg_graph_metrics(g);
}

static struct {
	rg_graph_t *g;
	rg_metrics_server_t *srv;
} servers[8];

static void serve(rg_graph_t *g)
{
	if (rgb_o.metrics_port < 0)
		return;
	rg_metrics_t *m = rgb_graph_metrics(g);
	if (!m) {
		static int warned;
		if (!warned++)
			fprintf(stderr, "rgbench: --metrics-port: metrics are off in this build: not serving\n");
		return;
	}
	for (int i = 0; i < 8; i++) {
		if (servers[i].g)
			continue;
		int rc = rg_metrics_serve(m, (uint16_t)rgb_o.metrics_port, &servers[i].srv);
		if (rc) {
			static int warned;
			if (!warned++)
				fprintf(stderr, "rgbench: --metrics-port %d: %s (another graph may be "
						"serving it)\n",
					rgb_o.metrics_port, rg_strerror(rc));
			return;
		}
		servers[i].g = g;
		return;
	}
}

rg_graph_t *rgb_graph_build(const char *sync, const rgb_data_t *d, const rgb_gopts_t *go)
{
	rg_options_t o;
	rg_options_init(&o);
	o.sync = sync;
	if (go && go->dir) {
		o.dir = go->dir;
		o.durability = go->durability;
		if (go->checkpoint_bytes)
			o.checkpoint_bytes = go->checkpoint_bytes == RGB_NO_CKPT ? 0 : go->checkpoint_bytes;
	}
	if (go && go->gc_limit_bytes)
		o.gc_limit_bytes = go->gc_limit_bytes;
	rg_graph_t *g = NULL;
	int rc = rg_open(&g, &o);
	if (rc) {
		fprintf(stderr, "rgbench: rg_open(sync=%s%s%s): %s %s\n", sync,
			go && go->dir ? ", dir=" : "", go && go->dir ? go->dir : "", rg_strerror(rc),
			rg_last_error_detail());
		return NULL;
	}
	if (!go || go->edges) {
		/* batch 0: one transaction that builds the pack straight from the
		 * arrays (load.h): the graph is packed once, here; --pack 0 loads
		 * through ordinary transactions and leaves it unpacked */
		rc = rg_edgelist_insert(g, &d->el, 0, rgb_o.pack ? 0 : 100000, NULL);
	} else {
		for (uint64_t i = 0; i < d->nids && !rc; i += 100000) {
			rg_txn_t *t;
			if ((rc = rg_txn_begin(g, &t)))
				break;
			for (uint64_t k = i; k < d->nids && k < i + 100000 && !rc; k++)
				rc = rg_txn_add_node(t, d->ids[k], 0);
			if (rc)
				rg_txn_abort(t);
			else
				rc = rg_txn_commit(t, NULL);
		}
	}
	if (rc) {
		fprintf(stderr, "rgbench: loading %s into sync=%s: %s\n", d->spec, sync,
			rg_strerror(rc));
		rg_close(g);
		return NULL;
	}
	serve(g);
	return g;
}

void rgb_graph_close(rg_graph_t *g)
{
	for (int i = 0; i < 8; i++)
		if (servers[i].g == g && g) {
			rg_metrics_server_stop(servers[i].srv);
			servers[i].g = NULL;
			servers[i].srv = NULL;
		}
	rg_close(g);
}

int rgb_set_policy(rg_graph_t *g, const char *policy)
{
	if (!policy || !*policy)
		return 0;
	int rc = rg_set_policy(g, policy);
	if (rc) {
		fprintf(stderr, "rgbench: rg_set_policy(%s): %s\n", policy, rg_strerror(rc));
		return -1;
	}
	return 0;
}

void rgb_extra_metrics(rgb_row_t *r, rg_graph_t *g)
{
	rg_metrics_t *m = rgb_graph_metrics(g);
	if (!m)
		return;
	static const enum rg_counter_id ids[] = {RG_C_COMMITS,     RG_C_READ_RETRIES,
						 RG_C_GRACE_PERIODS, RG_C_RECLAIM_WAITS,
						 RG_C_LOCK_WAIT_NS, RG_C_FSYNCS};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		const char *name = rg_metrics_counter_name(ids[i]);
		if (name)
			rgb_extra(r, "rcugraph_%s=%llu", name,
				  (unsigned long long)rg_metrics_counter(m, ids[i]));
	}
}

int rgb_adj_checksum(rg_graph_t *g, const uint64_t *ids, uint64_t n, uint64_t *sum,
		     uint64_t *edges)
{
	rg_read_t *r;
	if (rg_reader_register(g))
		return -1;
	if (rg_read_begin(g, &r)) {
		rg_reader_unregister(g);
		return -1;
	}
	uint64_t h = RGB_ADJ_INIT, m = 0;
	for (uint64_t k = 0; k < n; k++)
		for (int dir = 0; dir < 2; dir++) {
			rg_span_t sp;
			if (rg_span(r, ids[k], dir ? RG_IN : RG_OUT, &sp))
				sp.n = 0;
			h = rgb_adj_node(h, ids[k], dir, sp.n);
			for (uint64_t i = 0; i < sp.n; i++)
				h = rgb_adj_nbr(h, rg_span_id(&sp, i));
			if (!dir)
				m += sp.n;
		}
	rg_read_end(r);
	rg_reader_unregister(g);
	*sum = h;
	if (edges)
		*edges = m;
	return 0;
}

uint64_t rgb_csr_adj_checksum(const struct gb_csr *c, const rgb_data_t *d, uint64_t *edges)
{
	uint64_t h = RGB_ADJ_INIT, cnt = 0;
	for (uint64_t k = 0; k < d->nids; k++) {
		uint64_t v = d->ids[k];
		for (int dir = 0; dir < 2; dir++) {
			const uint64_t *off = dir ? c->in_off : c->out_off;
			const uint32_t *nbr = dir ? c->in_nbr : c->out_nbr;
			uint64_t b = v < c->n ? off[v] : 0, e = v < c->n ? off[v + 1] : 0;
			h = rgb_adj_node(h, v, dir, e - b);
			for (uint64_t i = b; i < e; i++)
				h = rgb_adj_nbr(h, nbr[i]);
			if (!dir)
				cnt += e - b;
		}
	}
	if (edges)
		*edges = cnt;
	return h;
}

void rgb_row_graph(rgb_row_t *r, const rgb_data_t *d)
{
	snprintf(r->graph, sizeof r->graph, "%s", d->spec);
	r->nodes = d->nids;
	r->edges = d->el.n_edges;
}

void rgb_row_latency(rgb_row_t *r, const rgb_hist_t *h)
{
	if (!h->count)
		return;
	r->p50_us = rgb_hist_quantile(h, 0.50) / 1e3;
	r->p90_us = rgb_hist_quantile(h, 0.90) / 1e3;
	r->p99_us = rgb_hist_quantile(h, 0.99) / 1e3;
	r->p999_us = rgb_hist_quantile(h, 0.999) / 1e3;
}

/* ---------------- files ---------------- */

int rgb_tmpdir(char *out, size_t cap, const char *tag)
{
	const char *base = getenv("TMPDIR");
	snprintf(out, cap, "%s/rgbench-%s-XXXXXX", base && *base ? base : "/tmp", tag);
	if (!mkdtemp(out)) {
		fprintf(stderr, "rgbench: mkdtemp %s: %s\n", out, strerror(errno));
		return -1;
	}
	return 0;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(p))
		fprintf(stderr, "rgbench: remove %s: %s\n", p, strerror(errno));
	return 0;
}

void rgb_rmtree(const char *path)
{
	if (path && *path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

uint64_t rgb_rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long long size = 0, rss = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (uint64_t)sysconf(_SC_PAGESIZE);
}
