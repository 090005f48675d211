/*
 * peer_lmdb.c - the graph in LMDB, laid out the way LMDB serves adjacency
 * best: one DUPSORT database, key = source id, the sorted duplicate values
 * = its out-edges. (The older rgbench workload, wl_lmdb.c, stores each
 * neighbour list as one value and rewrites the whole array per inserted
 * edge; this schema replaces it.)
 *
 * Database: the main DB with MDB_INTEGERKEY (key: uint64 src) and
 * MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP (values: one uint64 each, all
 * the same size, compared as integers). DUPFIXED lets a reader take a
 * whole page of values at once (MDB_GET_MULTIPLE / MDB_NEXT_MULTIPLE).
 *
 * Parallel edges: LMDB keeps duplicate values sorted and UNIQUE, so a
 * second src->dst would vanish. Each value is therefore (dst << 12) | copy,
 * copy = 0 for the first src->dst, 1 for the second, ...: still one 8-byte
 * integer per edge (no wider values, no second lookup), sorted by dst.
 * Readers take dst = value >> 12. Limits, checked (RG_ERANGE otherwise):
 * ids < 2^52 (SNAP files and every generator fit: rmat scale <= 42) and at
 * most 4096 copies of one src->dst.
 *
 * Environment (flags, justified):
 *   MDB_NOTLS   read transactions belong to the handle, not the thread: a
 *               thread may hold several reader handles (the tests do), and
 *               each handle keeps a RESET read transaction it renews per
 *               query (LMDB's idiom for repeated reads, no reader-slot
 *               lookup or allocation per query).
 *   MDB_NOSYNC  only for durability OFF: a commit writes its pages but does
 *               not fsync, as rcugraph's OFF (write(2), no fsync). COMMIT
 *               keeps LMDB's default: fdatasync at every commit.
 *   not MDB_WRITEMAP (LMDB's default): dirty pages in malloc'd memory,
 *               written at commit; WRITEMAP pre-sizes the file to the map
 *               and lets stray writes corrupt it, not what a user would
 *               pick by default. Not MDB_NORDAHEAD: the map is warm in the
 *               page cache after the load, readahead only matters cold.
 * Map size: max(4 GiB, 256 bytes per edge) unless cfg->map_bytes: it is
 * address space, not memory (the file grows as data is written), and the
 * data takes about 8-10 bytes per edge plus copy-on-write pages; a map
 * that fills up gives RG_ENOSPC ("set map_bytes").
 * Reads: per query mdb_txn_renew, mdb_cursor_renew, MDB_SET_KEY, then
 * MDB_GET_MULTIPLE / MDB_NEXT_MULTIPLE pages, mdb_txn_reset. Writes: one
 * write transaction per rgp_insert_edges() call, one mdb_cursor_put per
 * edge (MDB_NODUPDATA; only a parallel edge looks up its copy number).
 * Bulk load: the edge list sorted by (src, dst), each source's values put
 * at once (MDB_MULTIPLE), a commit every 2^20 edges (LMDB caps the dirty
 * pages of one transaction).
 */
#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer.h"

#define SEQ_BITS 12
#define MAX_COPY ((1u << SEQ_BITS) - 1)
#define MAX_ID ((UINT64_C(1) << (64 - SEQ_BITS)) - 1)
#define LOAD_CHUNK (UINT64_C(1) << 20)

struct lm_store {
	rgp_store_t base;
	MDB_env *env;
	MDB_dbi dbi;
};

struct lm_reader {
	rgp_reader_t base;
	MDB_txn *txn;     /* reset between queries */
	MDB_cursor *c[2]; /* the second walks the neighbours' lists (2-hop) */
};

static int lm_err(int rc)
{
	switch (rc) {
	case MDB_MAP_FULL:
	case ENOSPC:
		return RG_ENOSPC;
	case ENOMEM:
		return RG_ENOMEM;
	case MDB_READERS_FULL:
		return RG_ERANGE;
	default:
		return RG_EIO;
	}
}

static int lm_fail(const char *what, int rc)
{
	return rgp_fail(lm_err(rc), "lmdb: %s: %s%s", what, mdb_strerror(rc),
			rc == MDB_MAP_FULL ? " (set rgp_config_t.map_bytes)" : "");
}

static void lm_destroy(rgp_store_t *s)
{
	struct lm_store *st = (struct lm_store *)s;
	if (st->env)
		mdb_env_close(st->env);
	free(st);
}

struct pair {
	uint64_t s, d;
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->d < y->d ? -1 : x->d > y->d;
}

/* Puts vals[0..n) as key's duplicates (ascending, new to the key). */
static int put_multiple(MDB_cursor *c, uint64_t key, uint64_t *vals, size_t n)
{
	while (n) {
		MDB_val k = {sizeof key, &key};
		MDB_val v[2] = {{sizeof *vals, vals}, {n, NULL}};
		int rc = mdb_cursor_put(c, &k, v, MDB_MULTIPLE);
		if (rc)
			return rc;
		size_t done = v[1].mv_size;
		if (done == 0 || done > n)
			return EIO;
		vals += done;
		n -= done;
	}
	return 0;
}

/* Sorted (src, dst) pairs into the database, a commit every LOAD_CHUNK edges. */
static int lm_load(struct lm_store *st, const struct pair *p, uint64_t m)
{
	uint64_t *vals = malloc(sizeof *vals * (m ? m : 1));
	if (!vals)
		return rgp_fail(RG_ENOMEM, "lmdb: out of memory loading %llu edges",
				(unsigned long long)m);
	MDB_txn *w = NULL;
	MDB_cursor *c = NULL;
	int rc = 0;
	uint64_t since_commit = 0;
	for (uint64_t i = 0; i < m && !rc;) {
		if (!w) {
			if ((rc = mdb_txn_begin(st->env, NULL, 0, &w)) ||
			    (rc = mdb_cursor_open(w, st->dbi, &c)))
				break;
		}
		uint64_t j = i, copy = 0;
		for (; j < m && p[j].s == p[i].s; j++) {
			copy = (j > i && p[j].d == p[j - 1].d) ? copy + 1 : 0;
			if (copy > MAX_COPY) {
				rc = -1;
				break;
			}
			vals[j - i] = p[j].d << SEQ_BITS | copy;
		}
		if (rc) {
			rgp_fail(RG_ERANGE, "lmdb: more than %u copies of edge %llu->%llu",
				 MAX_COPY + 1, (unsigned long long)p[j].s,
				 (unsigned long long)p[j].d);
			break;
		}
		if ((rc = put_multiple(c, p[i].s, vals, j - i)))
			break;
		since_commit += j - i;
		i = j;
		if (since_commit >= LOAD_CHUNK || i == m) {
			mdb_cursor_close(c);
			c = NULL;
			rc = mdb_txn_commit(w);
			w = NULL;
			since_commit = 0;
		}
	}
	if (c)
		mdb_cursor_close(c);
	if (w)
		mdb_txn_abort(w);
	free(vals);
	if (rc == -1)
		return RG_ERANGE;
	return rc ? lm_fail("loading", rc) : 0;
}

static int lm_create(const char *dir, const rg_edgelist_t *el, const rgp_config_t *cfg,
		     rgp_store_t **out)
{
	int rc = rgp_check_dir("lmdb", dir);
	if (rc)
		return rc;
	char path[4096];
	snprintf(path, sizeof path, "%s/data.mdb", dir);
	if (access(path, F_OK) == 0)
		return rgp_fail(RG_EEXIST, "lmdb: %s exists: give a fresh directory", path);
	uint64_t m = el->n_edges;
	for (uint64_t i = 0; i < m; i++)
		if (el->src[i] > MAX_ID || el->dst[i] > MAX_ID)
			return rgp_fail(RG_ERANGE, "lmdb: edge %llu: id above 2^52-1 (the low %d "
						   "bits of a value count parallel edges)",
					(unsigned long long)i, SEQ_BITS);
	struct lm_store *st = calloc(1, sizeof *st);
	struct pair *p = malloc(sizeof *p * (m ? m : 1));
	if (!st || !p) {
		free(st);
		free(p);
		return rgp_fail(RG_ENOMEM, "lmdb: out of memory");
	}
	st->base.peer = &rgp_lmdb;
	uint64_t map = cfg->map_bytes ? cfg->map_bytes : 256 * m;
	if (!cfg->map_bytes && map < (UINT64_C(4) << 30))
		map = UINT64_C(4) << 30;
	unsigned flags = MDB_NOTLS | (cfg->durability == RG_DURABILITY_OFF ? MDB_NOSYNC : 0);
	MDB_txn *w;
	if ((rc = mdb_env_create(&st->env))) {
		rc = lm_fail("mdb_env_create", rc);
		goto fail;
	}
	if ((rc = mdb_env_set_mapsize(st->env, (size_t)map)) ||
	    (rc = mdb_env_set_maxreaders(st->env, cfg->max_readers ? cfg->max_readers : 126))) {
		rc = lm_fail("mdb_env_set_mapsize/maxreaders", rc);
		goto fail;
	}
	if ((rc = mdb_env_open(st->env, dir, flags, 0644))) {
		char what[4200];
		snprintf(what, sizeof what, "mdb_env_open(%s)", dir);
		rc = lm_fail(what, rc);
		goto fail;
	}
	if ((rc = mdb_txn_begin(st->env, NULL, 0, &w))) {
		rc = lm_fail("mdb_txn_begin", rc);
		goto fail;
	}
	rc = mdb_dbi_open(w, NULL, MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP,
			  &st->dbi);
	if (rc)
		mdb_txn_abort(w);
	else
		rc = mdb_txn_commit(w); /* frees w whatever the outcome */
	if (rc) {
		rc = lm_fail("opening the database", rc);
		goto fail;
	}
	for (uint64_t i = 0; i < m; i++) {
		p[i].s = el->src[i];
		p[i].d = el->dst[i];
	}
	qsort(p, m, sizeof *p, pair_cmp);
	if ((rc = lm_load(st, p, m)))
		goto fail;
	free(p);
	*out = &st->base;
	return 0;
fail:
	free(p);
	lm_destroy(&st->base);
	return rc;
}

static void lm_reader_close(rgp_reader_t *r)
{
	struct lm_reader *rd = (struct lm_reader *)r;
	for (int i = 0; i < 2; i++)
		if (rd->c[i])
			mdb_cursor_close(rd->c[i]);
	if (rd->txn)
		mdb_txn_abort(rd->txn);
	free(rd);
}

static int lm_reader_open(rgp_store_t *s, rgp_reader_t **out)
{
	struct lm_store *st = (struct lm_store *)s;
	struct lm_reader *rd = calloc(1, sizeof *rd);
	if (!rd)
		return rgp_fail(RG_ENOMEM, "lmdb: out of memory");
	rd->base.peer = &rgp_lmdb;
	rd->base.store = s;
	int rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &rd->txn);
	if (!rc)
		rc = mdb_cursor_open(rd->txn, st->dbi, &rd->c[0]);
	if (!rc)
		rc = mdb_cursor_open(rd->txn, st->dbi, &rd->c[1]);
	if (rc) {
		lm_reader_close(&rd->base);
		return lm_fail("opening a read transaction", rc);
	}
	mdb_txn_reset(rd->txn);
	*out = &rd->base;
	return 0;
}

/* Begins the handle's read transaction (a fresh snapshot). */
static int lm_begin(struct lm_reader *rd)
{
	int rc = mdb_txn_renew(rd->txn);
	if (!rc)
		rc = mdb_cursor_renew(rd->txn, rd->c[0]);
	if (!rc)
		rc = mdb_cursor_renew(rd->txn, rd->c[1]);
	if (rc) {
		mdb_txn_reset(rd->txn);
		return lm_fail("mdb_txn_renew", rc);
	}
	return 0;
}

/*
 * The out-edges of id through cursor c: fn per edge, sum of (dst + 1) added
 * to *sum. Every value is a uint64 in a DUPFIXED page: MDB_SET_KEY finds the
 * key, MDB_GET_MULTIPLE returns the page of values it starts on (for a key
 * with a single value LMDB leaves the MDB_SET_KEY value in place), then
 * MDB_NEXT_MULTIPLE the following pages. Values are copied out with memcpy:
 * LMDB does not promise 8-byte alignment inside a node's sub-page.
 */
static int scan(MDB_cursor *c, uint64_t id, rgp_visit_fn fn, void *arg, uint64_t *sum)
{
	MDB_val k = {sizeof id, &id}, v;
	int rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
	if (rc)
		return rc == MDB_NOTFOUND ? 0 : rc;
	rc = mdb_cursor_get(c, &k, &v, MDB_GET_MULTIPLE);
	uint64_t s = 0;
	while (rc == 0) {
		const unsigned char *p = v.mv_data;
		size_t n = v.mv_size / sizeof(uint64_t);
		for (size_t i = 0; i < n; i++) {
			uint64_t x;
			memcpy(&x, p + i * sizeof x, sizeof x);
			uint64_t dst = x >> SEQ_BITS;
			s += dst + 1;
			if (fn)
				fn(arg, dst);
		}
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_MULTIPLE);
	}
	*sum += s;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int lm_neighbors(rgp_reader_t *r, uint64_t id, rgp_visit_fn fn, void *arg,
			uint64_t *sum)
{
	struct lm_reader *rd = (struct lm_reader *)r;
	int rc = lm_begin(rd);
	if (rc)
		return rc;
	rc = scan(rd->c[0], id, fn, arg, sum);
	mdb_txn_reset(rd->txn);
	return rc ? lm_fail("reading", rc) : 0;
}

static int lm_neighbors_k(rgp_reader_t *r, const uint64_t *ids, size_t k, uint64_t *sums,
			  uint64_t *total)
{
	struct lm_reader *rd = (struct lm_reader *)r;
	int rc = lm_begin(rd);
	if (rc)
		return rc;
	for (size_t i = 0; i < k && !rc; i++) {
		uint64_t s = 0;
		rc = scan(rd->c[0], ids[i], NULL, NULL, &s);
		if (sums)
			sums[i] = s;
		*total += s;
	}
	mdb_txn_reset(rd->txn);
	return rc ? lm_fail("reading", rc) : 0;
}

struct hop2 {
	MDB_cursor *c;
	uint64_t sum;
	int rc;
};

static void hop2_visit(void *arg, uint64_t v)
{
	struct hop2 *h = arg;
	if (!h->rc)
		h->rc = scan(h->c, v, NULL, NULL, &h->sum);
}

static int lm_two_hop(rgp_reader_t *r, uint64_t id, uint64_t *sum)
{
	struct lm_reader *rd = (struct lm_reader *)r;
	int rc = lm_begin(rd);
	if (rc)
		return rc;
	/* c[0] walks id's pages while c[1] looks up each neighbour: the page
	 * c[0] returned stays valid (a read transaction's pages never change). */
	struct hop2 h = {rd->c[1], 0, 0};
	uint64_t ignored = 0;
	rc = scan(rd->c[0], id, hop2_visit, &h, &ignored);
	mdb_txn_reset(rd->txn);
	if (!rc)
		rc = h.rc;
	if (rc)
		return lm_fail("reading", rc);
	*sum = h.sum;
	return 0;
}

/* One edge through cursor c of a write transaction. */
static int put_edge(MDB_cursor *c, uint64_t s, uint64_t d)
{
	MDB_val k = {sizeof s, &s};
	uint64_t x = d << SEQ_BITS;
	MDB_val v = {sizeof x, &x};
	int rc = mdb_cursor_put(c, &k, &v, MDB_NODUPDATA);
	if (rc != MDB_KEYEXIST)
		return rc;
	/* a parallel edge: the next copy number after the last one stored */
	uint64_t last = x;
	rc = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH);
	while (rc == 0) {
		uint64_t y;
		memcpy(&y, v.mv_data, sizeof y);
		if (y >> SEQ_BITS != d)
			break;
		last = y;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP);
	}
	if (rc && rc != MDB_NOTFOUND)
		return rc;
	if ((last & MAX_COPY) == MAX_COPY)
		return -1;
	x = last + 1;
	k.mv_size = sizeof s;
	k.mv_data = &s;
	v.mv_size = sizeof x;
	v.mv_data = &x;
	return mdb_cursor_put(c, &k, &v, MDB_NODUPDATA);
}

static int lm_insert_edges(rgp_store_t *s, const rgp_edge_t *e, size_t n)
{
	struct lm_store *st = (struct lm_store *)s;
	for (size_t i = 0; i < n; i++)
		if (e[i].src > MAX_ID || e[i].dst > MAX_ID)
			return rgp_fail(RG_ERANGE, "lmdb: edge %zu: id above 2^52-1", i);
	MDB_txn *w;
	MDB_cursor *c;
	int rc = mdb_txn_begin(st->env, NULL, 0, &w);
	if (rc)
		return lm_fail("mdb_txn_begin", rc);
	if ((rc = mdb_cursor_open(w, st->dbi, &c))) {
		mdb_txn_abort(w);
		return lm_fail("mdb_cursor_open", rc);
	}
	size_t i = 0;
	for (; i < n && !rc; i++)
		rc = put_edge(c, e[i].src, e[i].dst);
	mdb_cursor_close(c);
	if (rc) {
		mdb_txn_abort(w);
		if (rc == -1)
			return rgp_fail(RG_ERANGE, "lmdb: more than %u copies of edge %llu->%llu",
					MAX_COPY + 1, (unsigned long long)e[i - 1].src,
					(unsigned long long)e[i - 1].dst);
		return lm_fail("mdb_cursor_put", rc);
	}
	rc = mdb_txn_commit(w);
	return rc ? lm_fail("mdb_txn_commit", rc) : 0;
}

const rgp_peer_t rgp_lmdb = {
	.name = "lmdb",
	.create = lm_create,
	.destroy = lm_destroy,
	.reader_open = lm_reader_open,
	.reader_close = lm_reader_close,
	.neighbors = lm_neighbors,
	.neighbors_k = lm_neighbors_k,
	.two_hop = lm_two_hop,
	.insert_edges = lm_insert_edges,
};
