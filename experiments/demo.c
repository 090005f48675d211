/*
 * demo.c - rcugraph in one screen: load a SNAP graph, run lock-free readers
 * while one writer commits, and print what happened.
 *
 * Usage: demo [SNAP-FILE] [--seconds S] [--readers N]
 * Default file: datasets/wiki-Vote.txt.gz in the source tree (CMake passes its
 * absolute path; gzip is read directly).
 */
#include <getopt.h>
#include <stdatomic.h>

#include <rcugraph/load.h>
#include <rcugraph/rcugraph.h>

#include "benchutil.h"

#ifndef RG_DEFAULT_DATASET
#define RG_DEFAULT_DATASET "datasets/wiki-Vote.txt.gz"
#endif

static rg_graph_t *g;
static atomic_int stop;
static uint64_t max_id;

struct rstat {
	uint64_t sections, edges_seen, two_hop, min_v, max_v;
};

/* Each section: a random node, its out-neighbours, and their out-degrees
 * (a 2-hop query that sees one consistent graph). */
static void *reader(void *arg)
{
	struct rstat *st = arg;
	uint64_t seed = (uint64_t)(uintptr_t)arg | 1;
	st->min_v = UINT64_MAX;
	rg_reader_register(g);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		rg_read_t *r;
		rg_iter_t it;
		rg_read_begin(g, &r);
		uint64_t v = rg_read_version(r);
		st->min_v = v < st->min_v ? v : st->min_v;
		st->max_v = v > st->max_v ? v : st->max_v;
		uint64_t id = bu_rand(&seed) % (max_id + 1);
		if (rg_neighbors(r, id, RG_OUT, RG_TYPE_ANY, &it) == 0) {
			for (const rg_edge_t *e; (e = rg_iter_next(&it));) {
				uint64_t d = 0;
				rg_degree(r, e->nbr, RG_OUT, &d);
				st->edges_seen++;
				st->two_hop += d;
			}
		}
		rg_read_end(r);
		st->sections++;
	}
	rg_reader_unregister(g);
	return NULL;
}

int main(int argc, char **argv)
{
	double seconds = 2.0;
	int nreaders = 2;
	const char *path = RG_DEFAULT_DATASET;
	static struct option lo[] = {{"seconds", 1, 0, 's'}, {"readers", 1, 0, 'r'},
				     {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	for (int c; (c = getopt_long(argc, argv, "s:r:h", lo, NULL)) != -1;) {
		if (c == 's')
			seconds = atof(optarg);
		else if (c == 'r')
			nreaders = atoi(optarg);
		else {
			printf("usage: %s [SNAP-FILE] [--seconds S] [--readers N]\n", argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind < argc)
		path = argv[optind];
	if (nreaders < 1 || nreaders > 64 || seconds <= 0) {
		fprintf(stderr, "bad --readers or --seconds\n");
		return 2;
	}
	bu_print_machine(stdout, "");
	int rc = rg_open(&g, NULL);
	if (rc) {
		fprintf(stderr, "rg_open: %s\n", rg_strerror(rc));
		return 1;
	}
	char err[512] = "";
	rg_load_stats_t ls;
	double t0 = bu_now();
	rc = rg_load_snap(g, path, 0, &ls, err, sizeof err);
	if (rc) {
		fprintf(stderr, "load %s: %s (%s)\n", path, err, rg_strerror(rc));
		rg_close(g);
		return 1;
	}
	printf("loaded %s: %llu nodes, %llu edges in %.3f s (one transaction, version %llu)\n", path,
	       (unsigned long long)ls.nodes_added, (unsigned long long)ls.edges, bu_now() - t0,
	       (unsigned long long)ls.version);
	{
		rg_read_t *r;
		rg_reader_register(g);
		rg_read_begin(g, &r);
		for (uint64_t s = 0; s < rg_node_slots(r); s++) {
			uint64_t id;
			if (rg_node_at(r, s, &id, NULL) == 0 && id > max_id)
				max_id = id;
		}
		rg_read_end(r);
		rg_reader_unregister(g);
	}

	pthread_t th[64];
	struct rstat st[64];
	memset(st, 0, sizeof st);
	for (int i = 0; i < nreaders; i++)
		pthread_create(&th[i], NULL, reader, &st[i]);

	/* The writer: transactions that add a node wired to 8 random nodes,
	 * and delete one older such node. */
	uint64_t seed = 42, commits = 0, next = max_id + 1, first = next;
	double end = bu_now() + seconds;
	while (bu_now() < end) {
		rg_txn_t *t;
		if (rg_txn_begin(g, &t))
			break;
		rg_txn_add_node(t, next, 1);
		for (int k = 0; k < 8; k++) {
			uint64_t other = bu_rand(&seed) % (max_id + 1);
			if (rg_txn_add_edge(t, next, other, 1, commits) == RG_ENOENT)
				continue; /* sparse ids: not every id exists */
			rg_txn_add_edge(t, other, next, 1, commits);
		}
		if (next - first >= 100)
			rg_txn_del_node(t, next - 100);
		next++;
		if (rg_txn_commit(t, NULL))
			break;
		commits++;
	}
	atomic_store(&stop, 1);
	uint64_t sections = 0, seen = 0, minv = UINT64_MAX, maxv = 0;
	for (int i = 0; i < nreaders; i++) {
		pthread_join(th[i], NULL);
		sections += st[i].sections;
		seen += st[i].edges_seen;
		minv = st[i].min_v < minv ? st[i].min_v : minv;
		maxv = st[i].max_v > maxv ? st[i].max_v : maxv;
	}
	rg_stats_t s;
	rg_stats_get(g, &s);
	printf("%.1f s with %d lock-free readers and 1 writer:\n", seconds, nreaders);
	printf("  writer: %llu commits (%.0f/s), graph now %llu nodes, %llu edges (version %llu)\n",
	       (unsigned long long)commits, commits / seconds, (unsigned long long)s.nodes,
	       (unsigned long long)s.edges, (unsigned long long)s.version);
	printf("  readers: %llu read sections (%.0f/s), %llu edges visited by 2-hop queries,\n"
	       "           snapshot versions seen %llu..%llu\n",
	       (unsigned long long)sections, sections / seconds, (unsigned long long)seen,
	       (unsigned long long)minv, (unsigned long long)maxv);
	printf("  reclamation: %llu bytes freed after grace periods, %llu pending, writer waited %llu times\n",
	       (unsigned long long)s.gc_freed_bytes, (unsigned long long)s.gc_pending_bytes,
	       (unsigned long long)s.gc_waits);
	rg_close(g);
	return 0;
}
