/*
 * peer.h - comparison peers: the same directed multigraph held by another
 * store, behind one small interface, so a benchmark can run identical
 * queries on rcugraph and on the stores a user would otherwise pick.
 *
 * Backends (each in its own file, README.md beside this file for the
 * schema decisions):
 *   rgp_lmdb      LMDB, DUPSORT database: key = src, sorted duplicate
 *                 values = (dst, copy) packed in one integer (peer_lmdb.c)
 *   rgp_sqlite    SQLite in WAL mode, WITHOUT ROWID table keyed
 *                 (src, type, seq) holding dst (peer_sqlite.c)
 *   rgp_rcugraph  rcugraph itself through its public API, so a driver can
 *                 treat all three alike (peer_rcugraph.c)
 *
 * Usage: rgp_create() builds a store from an edge list; every thread that
 * reads opens its own reader handle (rgp_reader_open(), on that thread,
 * and rgp_reader_close() there too: rcugraph's handle is the thread's
 * reader registration; one thread per handle); queries go through the
 * handle; any one thread at a time writes with rgp_insert_edges(); every
 * handle is closed before rgp_destroy(). The caller owns the directory and
 * removes it.
 *
 * Equal work: every query returns the sum of (neighbour id + 1) over the
 * node's out-edges, parallel edges counted as often as they occur, exactly
 * as rgbench's rgb_query() does on rcugraph (wrapping uint64 arithmetic).
 * Neighbour ORDER differs between stores (rcugraph and SQLite: insertion
 * order; LMDB: ascending id); the multisets and the sums are the same.
 * A node without out-edges, or absent, sums 0 and is not an error.
 *
 * Errors: 0 or a negative RG_E* code (rg_strerror() names it); the calling
 * thread's rgp_last_error() then says what failed ("lmdb: mdb_put: ...").
 * NULL handles and bad arguments return RG_EINVAL; nothing aborts.
 */
#ifndef RGB_PEER_H
#define RGB_PEER_H

#include <stddef.h>
#include <stdint.h>

#include <rcugraph/load.h>
#include <rcugraph/rcugraph.h>

typedef struct rgp_peer rgp_peer_t;

/* The first member of every backend's store and reader (dispatch). */
typedef struct rgp_store {
	const rgp_peer_t *peer;
} rgp_store_t;

typedef struct rgp_reader {
	const rgp_peer_t *peer;
	rgp_store_t *store;
} rgp_reader_t;

typedef struct rgp_config {
	/* RG_DURABILITY_OFF: commits reach the OS (write/mmap) but are not
	 * fsynced (LMDB MDB_NOSYNC, SQLite synchronous=OFF, rcugraph OFF).
	 * RG_DURABILITY_COMMIT: a commit returns after its data is on disk
	 * (LMDB's default sync, SQLite WAL + synchronous=FULL, rcugraph
	 * COMMIT). Anything else: RG_EINVAL. */
	int durability;
	/* Reader handles open at once (LMDB's reader table); 0: 126. */
	unsigned max_readers;
	/* LMDB map size in bytes; 0: computed from the edge count (peer_lmdb.c). */
	uint64_t map_bytes;
	/* rcugraph only: policy name (NULL: rcu-memb). */
	const char *sync;
} rgp_config_t;

/* A directed edge for rgp_insert_edges(). */
typedef struct rgp_edge {
	uint64_t src, dst;
} rgp_edge_t;

/* Called once per out-edge (parallel edges once each) inside the read
 * transaction of the query. */
typedef void (*rgp_visit_fn)(void *arg, uint64_t nbr);

struct rgp_peer {
	const char *name;
	int (*create)(const char *dir, const rg_edgelist_t *el, const rgp_config_t *cfg,
		      rgp_store_t **out);
	void (*destroy)(rgp_store_t *s);
	int (*reader_open)(rgp_store_t *s, rgp_reader_t **out);
	void (*reader_close)(rgp_reader_t *r);
	int (*neighbors)(rgp_reader_t *r, uint64_t id, rgp_visit_fn fn, void *arg,
			 uint64_t *sum);
	int (*neighbors_k)(rgp_reader_t *r, const uint64_t *ids, size_t k, uint64_t *sums,
			   uint64_t *total);
	int (*two_hop)(rgp_reader_t *r, uint64_t id, uint64_t *sum);
	int (*insert_edges)(rgp_store_t *s, const rgp_edge_t *edges, size_t n);
};

extern const rgp_peer_t rgp_lmdb, rgp_sqlite, rgp_rcugraph;

/* The backend called name ("lmdb", "sqlite", "rcugraph"), or NULL. */
const rgp_peer_t *rgp_find(const char *name);

/* Defaults: durability OFF, 126 readers, computed map size, rcu-memb. */
void rgp_config_init(rgp_config_t *cfg);

/*
 * Builds a store holding el's edges in dir, which must exist, be a
 * writable directory and hold no store of this backend yet (RG_EIO with
 * the path and the reason otherwise; RG_EEXIST if a store is there).
 * rgp_rcugraph also accepts dir == NULL: a purely in-memory graph. Loading
 * is one transaction per backend's bulk path (LMDB: commits every 2^20
 * edges to stay under its dirty-page limit). cfg may be NULL (defaults).
 */
int rgp_create(const rgp_peer_t *peer, const char *dir, const rg_edgelist_t *el,
	       const rgp_config_t *cfg, rgp_store_t **out);
/* Closes the store (every reader handle must be closed). NULL: no-op. */
void rgp_destroy(rgp_store_t *s);

/* A read handle for the calling thread (LMDB: a reset read transaction
 * and two cursors; SQLite: a read-only connection with its prepared
 * statements; rcugraph: the thread's reader registration). */
int rgp_reader_open(rgp_store_t *s, rgp_reader_t **out);
void rgp_reader_close(rgp_reader_t *r);

/* The out-neighbours of id in ONE read transaction: fn (may be NULL) per
 * edge, and *sum (may be NULL) = sum of (nbr + 1). */
int rgp_neighbors(rgp_reader_t *r, uint64_t id, rgp_visit_fn fn, void *arg, uint64_t *sum);
/* k queries in ONE read transaction: sums[i] (sums may be NULL) for ids[i],
 * *total (may be NULL) their sum. k == 0 is fine. */
int rgp_neighbors_k(rgp_reader_t *r, const uint64_t *ids, size_t k, uint64_t *sums,
		    uint64_t *total);
/* 2-hop walk sum in ONE read transaction: for every out-edge id->v and
 * every out-edge v->w, add w + 1 (parallel edges counted each time). */
int rgp_two_hop(rgp_reader_t *r, uint64_t id, uint64_t *sum);
/* Adds n edges (endpoints created as needed) as ONE write transaction with
 * the store's durability. n == 0 commits nothing. */
int rgp_insert_edges(rgp_store_t *s, const rgp_edge_t *edges, size_t n);

/* What the calling thread's last failed call said ("" if none). */
const char *rgp_last_error(void);

/* For the backends: sets rgp_last_error() (printf format) and returns rc. */
int rgp_fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For the backends: RG_EIO unless dir is an existing writable directory. */
int rgp_check_dir(const char *peer, const char *dir);

#endif /* RGB_PEER_H */
