/*
 * peer_rcugraph.c - rcugraph behind the peer interface, through its public
 * API only, so a driver runs the same code path on every store.
 *
 * Store: rg_open (policy cfg->sync, default rcu-memb; dir NULL: in memory,
 * else a durable graph in dir with cfg->durability), the edge list added
 * with rg_edgelist_insert(g, el, 0, 0, NULL) (one transaction that builds
 * the pack), then rg_pack(). Reader handle: the thread's
 * rg_reader_register() (so open it on the thread that reads). A query is
 * ONE read section: rg_read_begin, rg_neighbors(RG_OUT, RG_TYPE_ANY) and
 * the sum of (nbr + 1) exactly as rgbench's rgb_query(), rg_read_end; a
 * section an optimistic policy (ck-seqlock) invalidates is run again (fn
 * then sees the discarded attempt's edges too). Under rcu-qsbr the handle
 * reports a quiescent state every 64 queries. Writes: one transaction per
 * rgp_insert_edges() call, missing endpoints created, rg_txn_add_edges.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"

struct rc_store {
	rgp_store_t base;
	rg_graph_t *g;
};

struct rc_reader {
	rgp_reader_t base;
	rg_graph_t *g;
	unsigned queries;
};

static int rc_fail(const char *what, int rc)
{
	return rgp_fail(rc, "rcugraph: %s: %s%s%s", what, rg_strerror(rc),
			*rg_last_error_detail() ? ": " : "", rg_last_error_detail());
}

/* 1 if dir holds anything but . and .. (or cannot be listed). */
static int dir_in_use(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 1;
	struct dirent *e;
	int used = 0;
	while (!used && (e = readdir(d)))
		used = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return used;
}

static void rc_destroy(rgp_store_t *s)
{
	struct rc_store *st = (struct rc_store *)s;
	rg_close(st->g);
	free(st);
}

static int rc_create(const char *dir, const rg_edgelist_t *el, const rgp_config_t *cfg,
		     rgp_store_t **out)
{
	int rc;
	if (dir) {
		if ((rc = rgp_check_dir("rcugraph", dir)))
			return rc;
		if (dir_in_use(dir))
			return rgp_fail(RG_EEXIST, "rcugraph: %s is not empty: give a fresh "
						   "directory", dir);
	}
	struct rc_store *st = calloc(1, sizeof *st);
	if (!st)
		return rgp_fail(RG_ENOMEM, "rcugraph: out of memory");
	st->base.peer = &rgp_rcugraph;
	rg_options_t o;
	rg_options_init(&o);
	o.sync = cfg->sync;
	if (dir) {
		o.dir = dir;
		o.durability = cfg->durability;
	}
	if ((rc = rg_open(&st->g, &o))) {
		free(st);
		return rc_fail("rg_open", rc);
	}
	if ((rc = rg_edgelist_insert(st->g, el, 0, 0, NULL))) {
		rc_destroy(&st->base);
		return rc_fail("rg_edgelist_insert", rc);
	}
	if ((rc = rg_pack(st->g))) {
		rc_destroy(&st->base);
		return rc_fail("rg_pack", rc);
	}
	*out = &st->base;
	return 0;
}

static int rc_reader_open(rgp_store_t *s, rgp_reader_t **out)
{
	struct rc_store *st = (struct rc_store *)s;
	struct rc_reader *rd = calloc(1, sizeof *rd);
	if (!rd)
		return rgp_fail(RG_ENOMEM, "rcugraph: out of memory");
	int rc = rg_reader_register(st->g);
	if (rc) {
		free(rd);
		return rc_fail("rg_reader_register", rc);
	}
	rd->base.peer = &rgp_rcugraph;
	rd->base.store = s;
	rd->g = st->g;
	*out = &rd->base;
	return 0;
}

static void rc_reader_close(rgp_reader_t *r)
{
	struct rc_reader *rd = (struct rc_reader *)r;
	rg_reader_unregister(rd->g);
	free(rd);
}

/* The out-edges of id inside open section sec (rgb_query's loop). */
static uint64_t sum_out(const rg_read_t *sec, uint64_t id, rgp_visit_fn fn, void *arg)
{
	uint64_t sum = 0;
	rg_iter_t it;
	if (rg_neighbors(sec, id, RG_OUT, RG_TYPE_ANY, &it) == 0)
		for (const rg_edge_t *e; (e = rg_iter_next(&it));) {
			sum += e->nbr + 1;
			if (fn)
				fn(arg, e->nbr);
		}
	return sum;
}

static void rc_after_query(struct rc_reader *rd)
{
	if ((++rd->queries & 63) == 0)
		rg_reader_quiescent(rd->g);
}

static int rc_neighbors(rgp_reader_t *r, uint64_t id, rgp_visit_fn fn, void *arg,
			uint64_t *sum)
{
	struct rc_reader *rd = (struct rc_reader *)r;
	for (;;) {
		rg_read_t *sec;
		int rc = rg_read_begin(rd->g, &sec);
		if (rc)
			return rc_fail("rg_read_begin", rc);
		uint64_t s = sum_out(sec, id, fn, arg);
		rc = rg_read_end(sec);
		if (rc == RG_ERETRY)
			continue;
		rc_after_query(rd);
		*sum = s;
		return rc ? rc_fail("rg_read_end", rc) : 0;
	}
}

static int rc_neighbors_k(rgp_reader_t *r, const uint64_t *ids, size_t k, uint64_t *sums,
			  uint64_t *total)
{
	struct rc_reader *rd = (struct rc_reader *)r;
	for (;;) {
		rg_read_t *sec;
		int rc = rg_read_begin(rd->g, &sec);
		if (rc)
			return rc_fail("rg_read_begin", rc);
		uint64_t t = 0;
		for (size_t i = 0; i < k; i++) {
			uint64_t s = sum_out(sec, ids[i], NULL, NULL);
			if (sums)
				sums[i] = s;
			t += s;
		}
		rc = rg_read_end(sec);
		if (rc == RG_ERETRY)
			continue;
		rc_after_query(rd);
		*total = t;
		return rc ? rc_fail("rg_read_end", rc) : 0;
	}
}

static int rc_two_hop(rgp_reader_t *r, uint64_t id, uint64_t *sum)
{
	struct rc_reader *rd = (struct rc_reader *)r;
	for (;;) {
		rg_read_t *sec;
		int rc = rg_read_begin(rd->g, &sec);
		if (rc)
			return rc_fail("rg_read_begin", rc);
		uint64_t s = 0;
		rg_iter_t it;
		if (rg_neighbors(sec, id, RG_OUT, RG_TYPE_ANY, &it) == 0)
			for (const rg_edge_t *e; (e = rg_iter_next(&it));)
				s += sum_out(sec, e->nbr, NULL, NULL);
		rc = rg_read_end(sec);
		if (rc == RG_ERETRY)
			continue;
		rc_after_query(rd);
		*sum = s;
		return rc ? rc_fail("rg_read_end", rc) : 0;
	}
}

static int rc_insert_edges(rgp_store_t *s, const rgp_edge_t *e, size_t n)
{
	struct rc_store *st = (struct rc_store *)s;
	rg_edge_in_t *in = malloc(n * sizeof *in);
	if (!in)
		return rgp_fail(RG_ENOMEM, "rcugraph: out of memory");
	rg_txn_t *t;
	int rc = rg_txn_begin(st->g, &t);
	if (rc) {
		free(in);
		return rc_fail("rg_txn_begin", rc);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		in[i] = (rg_edge_in_t){.src = e[i].src, .dst = e[i].dst};
		rc = rg_txn_add_node(t, e[i].src, 0);
		if (rc == RG_EEXIST)
			rc = 0;
		if (!rc && (rc = rg_txn_add_node(t, e[i].dst, 0)) == RG_EEXIST)
			rc = 0;
	}
	if (!rc)
		rc = rg_txn_add_edges(t, in, n, NULL);
	free(in);
	if (rc) {
		rg_txn_abort(t);
		return rc_fail("adding edges", rc);
	}
	rc = rg_txn_commit(t, NULL);
	return rc ? rc_fail("rg_txn_commit", rc) : 0;
}

const rgp_peer_t rgp_rcugraph = {
	.name = "rcugraph",
	.create = rc_create,
	.destroy = rc_destroy,
	.reader_open = rc_reader_open,
	.reader_close = rc_reader_close,
	.neighbors = rc_neighbors,
	.neighbors_k = rc_neighbors_k,
	.two_hop = rc_two_hop,
	.insert_edges = rc_insert_edges,
};
