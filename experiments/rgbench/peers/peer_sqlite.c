/*
 * peer_sqlite.c - the graph in SQLite, the original system's own comparison
 * peer, set up as a user who cares about read speed would set it up.
 *
 * Schema (one table, WITHOUT ROWID):
 *   edges(src INTEGER, type INTEGER, seq INTEGER, dst INTEGER,
 *         PRIMARY KEY (src, type, seq)) WITHOUT ROWID
 * The table IS the B-tree ordered by (src, type, seq): a node's out-edges
 * are contiguous and a neighbour query is one range scan that reads dst
 * from the rows it visits. The alternative, a rowid table with an index on
 * (src, type), costs a second B-tree lookup per edge (index entry -> row)
 * unless the index also holds dst, and then the table is written twice for
 * nothing. seq is a per-store edge counter (the edge list's position for
 * the bulk load, then incremented per inserted edge): it keeps parallel
 * edges apart (the store is a multigraph) and makes the scan order the
 * insertion order, as in rcugraph. type is kept (always 0, all queries
 * read every type, as rcugraph's RG_TYPE_ANY) to stay the original schema.
 * Ids are stored as SQLite's signed 64-bit integers (the same bits); only
 * equality is used on them, and sums are taken in C as uint64, so ids of
 * 2^63 and above work.
 *
 * Settings: journal_mode=WAL (readers never block the writer or each
 * other). synchronous=OFF for durability OFF (the WAL is written, never
 * fsynced: rcugraph's OFF) and synchronous=FULL for COMMIT (the WAL is
 * fsynced at every commit; NORMAL would only sync at checkpoints).
 * Readers: one read-only connection per reader handle (SQLITE_OPEN_NOMUTEX:
 * one thread per connection, no connection mutex), mmap_size 16 GiB
 * requested (SQLite caps it at its build's maximum: 2 GiB on Debian 12) so
 * a warm database is read from the page cache in place as LMDB reads it,
 * prepared statements only. Both queries are PRIMARY KEY searches (EXPLAIN
 * QUERY PLAN: "SEARCH edges USING PRIMARY KEY (src=?)", twice for the join).
 * Read transactions: a neighbour query and the 2-hop query are each ONE
 * statement, so each runs in the implicit read transaction of that
 * statement (no BEGIN/COMMIT round trips); the k-query variant wraps its k
 * statements in BEGIN ... COMMIT (one snapshot for all k). The 2-hop query
 * is a self-join: SELECT b.dst FROM edges a JOIN edges b ON b.src = a.dst
 * WHERE a.src = ?. Writes: one BEGIN IMMEDIATE ... COMMIT per
 * rgp_insert_edges() call, one prepared INSERT per edge. Bulk load: one
 * transaction, rows inserted in (src, seq) order (appends to the B-tree),
 * then a TRUNCATE checkpoint so the data sits in the main file.
 */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer.h"

#define READER_MMAP "17179869184" /* 16 GiB */

struct sq_store {
	rgp_store_t base;
	sqlite3 *db; /* the writer's connection */
	sqlite3_stmt *ins, *begin, *commit, *rollback;
	pthread_mutex_t wlock; /* one rgp_insert_edges() at a time */
	uint64_t next_seq;
	char path[4096];
};

struct sq_reader {
	rgp_reader_t base;
	sqlite3 *db;
	sqlite3_stmt *nbr, *hop2, *begin, *commit;
};

static int sq_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return RG_ENOSPC;
	case SQLITE_NOMEM:
		return RG_ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return RG_EBUSY;
	default:
		return RG_EIO;
	}
}

static int sq_fail(sqlite3 *db, const char *what, int rc)
{
	return rgp_fail(sq_code(rc), "sqlite: %s: %s", what,
			db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* Runs sql (no result rows wanted) on db. */
static int sq_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc) {
		rgp_fail(sq_code(rc), "sqlite: %s: %s", sql, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return sq_code(rc);
	}
	return 0;
}

/* Runs a statement to completion and resets it: 0 or the SQLite code. */
static int sq_run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : rc;
}

static void sq_destroy(rgp_store_t *s)
{
	struct sq_store *st = (struct sq_store *)s;
	sqlite3_finalize(st->ins);
	sqlite3_finalize(st->begin);
	sqlite3_finalize(st->commit);
	sqlite3_finalize(st->rollback);
	if (st->db)
		sqlite3_close(st->db);
	pthread_mutex_destroy(&st->wlock);
	free(st);
}

struct order {
	uint64_t src, i;
};

static int order_cmp(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int insert_row(struct sq_store *st, uint64_t src, uint64_t seq, uint64_t dst)
{
	sqlite3_bind_int64(st->ins, 1, (sqlite3_int64)src);
	sqlite3_bind_int64(st->ins, 2, (sqlite3_int64)seq);
	sqlite3_bind_int64(st->ins, 3, (sqlite3_int64)dst);
	return sq_run(st->ins);
}

static int sq_load(struct sq_store *st, const rg_edgelist_t *el)
{
	uint64_t m = el->n_edges;
	struct order *o = malloc(sizeof *o * (m ? m : 1));
	if (!o)
		return rgp_fail(RG_ENOMEM, "sqlite: out of memory loading %llu edges",
				(unsigned long long)m);
	for (uint64_t i = 0; i < m; i++) {
		o[i].src = el->src[i];
		o[i].i = i;
	}
	qsort(o, m, sizeof *o, order_cmp);
	int rc = sq_run(st->begin);
	for (uint64_t i = 0; i < m && !rc; i++)
		rc = insert_row(st, o[i].src, o[i].i, el->dst[o[i].i]);
	free(o);
	if (rc) {
		int err = sq_fail(st->db, "bulk load", rc);
		sq_run(st->rollback);
		return err;
	}
	if ((rc = sq_run(st->commit)))
		return sq_fail(st->db, "bulk load commit", rc);
	st->next_seq = m;
	return sq_exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)");
}

static int sq_create(const char *dir, const rg_edgelist_t *el, const rgp_config_t *cfg,
		     rgp_store_t **out)
{
	int rc = rgp_check_dir("sqlite", dir);
	if (rc)
		return rc;
	struct sq_store *st = calloc(1, sizeof *st);
	if (!st)
		return rgp_fail(RG_ENOMEM, "sqlite: out of memory");
	st->base.peer = &rgp_sqlite;
	pthread_mutex_init(&st->wlock, NULL);
	snprintf(st->path, sizeof st->path, "%s/graph.db", dir);
	if (access(st->path, F_OK) == 0) {
		rc = rgp_fail(RG_EEXIST, "sqlite: %s exists: give a fresh directory", st->path);
		goto fail;
	}
	rc = sqlite3_open_v2(st->path, &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc) {
		char what[4200];
		snprintf(what, sizeof what, "opening %s", st->path);
		rc = sq_fail(st->db, what, rc);
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	if ((rc = sq_exec(st->db, "PRAGMA journal_mode=WAL")) ||
	    (rc = sq_exec(st->db, cfg->durability == RG_DURABILITY_COMMIT
					  ? "PRAGMA synchronous=FULL"
					  : "PRAGMA synchronous=OFF")) ||
	    (rc = sq_exec(st->db, "PRAGMA cache_size=-262144")) || /* 256 MiB for the load */
	    (rc = sq_exec(st->db, "CREATE TABLE edges(src INTEGER NOT NULL, type INTEGER NOT "
				  "NULL, seq INTEGER NOT NULL, dst INTEGER NOT NULL, "
				  "PRIMARY KEY (src, type, seq)) WITHOUT ROWID")))
		goto fail;
	static const char *const sql[] = {"INSERT INTO edges(src, type, seq, dst) VALUES (?1, 0, ?2, ?3)",
					  "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};
	sqlite3_stmt **stmts[] = {&st->ins, &st->begin, &st->commit, &st->rollback};
	for (int i = 0; i < 4; i++)
		if ((rc = sqlite3_prepare_v2(st->db, sql[i], -1, stmts[i], NULL))) {
			rc = sq_fail(st->db, sql[i], rc);
			goto fail;
		}
	/* journal_mode=WAL answers with the mode it got: check it is WAL */
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &q, NULL) == SQLITE_OK) {
		int wal = sqlite3_step(q) == SQLITE_ROW &&
			  !strcmp((const char *)sqlite3_column_text(q, 0), "wal");
		sqlite3_finalize(q);
		if (!wal) {
			rc = rgp_fail(RG_EIO, "sqlite: %s: WAL mode refused", st->path);
			goto fail;
		}
	}
	if ((rc = sq_load(st, el)))
		goto fail;
	*out = &st->base;
	return 0;
fail:
	sq_destroy(&st->base);
	return rc;
}

static void sq_reader_close(rgp_reader_t *r)
{
	struct sq_reader *rd = (struct sq_reader *)r;
	sqlite3_finalize(rd->nbr);
	sqlite3_finalize(rd->hop2);
	sqlite3_finalize(rd->begin);
	sqlite3_finalize(rd->commit);
	if (rd->db)
		sqlite3_close(rd->db);
	free(rd);
}

static int sq_reader_open(rgp_store_t *s, rgp_reader_t **out)
{
	struct sq_store *st = (struct sq_store *)s;
	struct sq_reader *rd = calloc(1, sizeof *rd);
	if (!rd)
		return rgp_fail(RG_ENOMEM, "sqlite: out of memory");
	rd->base.peer = &rgp_sqlite;
	rd->base.store = s;
	int rc = sqlite3_open_v2(st->path, &rd->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc) {
		rc = sq_fail(rd->db, "opening a reader connection", rc);
		goto fail;
	}
	sqlite3_busy_timeout(rd->db, 10000);
	if ((rc = sq_exec(rd->db, "PRAGMA mmap_size=" READER_MMAP)))
		goto fail;
	static const char *const sql[] = {
		"SELECT dst FROM edges WHERE src = ?1",
		"SELECT b.dst FROM edges AS a JOIN edges AS b ON b.src = a.dst WHERE a.src = ?1",
		"BEGIN", "COMMIT"};
	sqlite3_stmt **stmts[] = {&rd->nbr, &rd->hop2, &rd->begin, &rd->commit};
	for (int i = 0; i < 4; i++)
		if ((rc = sqlite3_prepare_v2(rd->db, sql[i], -1, stmts[i], NULL))) {
			rc = sq_fail(rd->db, sql[i], rc);
			goto fail;
		}
	*out = &rd->base;
	return 0;
fail:
	sq_reader_close(&rd->base);
	return rc;
}

/* Steps st (id bound to ?1) to the end: fn per row, sum of (col0 + 1). */
static int sq_sum(sqlite3_stmt *st, uint64_t id, rgp_visit_fn fn, void *arg, uint64_t *sum)
{
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	uint64_t s = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t v = (uint64_t)sqlite3_column_int64(st, 0);
		s += v + 1;
		if (fn)
			fn(arg, v);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return rc;
	*sum += s;
	return 0;
}

static int sq_neighbors(rgp_reader_t *r, uint64_t id, rgp_visit_fn fn, void *arg,
			uint64_t *sum)
{
	struct sq_reader *rd = (struct sq_reader *)r;
	int rc = sq_sum(rd->nbr, id, fn, arg, sum);
	return rc ? sq_fail(rd->db, "neighbour query", rc) : 0;
}

static int sq_neighbors_k(rgp_reader_t *r, const uint64_t *ids, size_t k, uint64_t *sums,
			  uint64_t *total)
{
	struct sq_reader *rd = (struct sq_reader *)r;
	int rc = sq_run(rd->begin);
	if (rc)
		return sq_fail(rd->db, "BEGIN", rc);
	for (size_t i = 0; i < k && !rc; i++) {
		uint64_t s = 0;
		rc = sq_sum(rd->nbr, ids[i], NULL, NULL, &s);
		if (sums)
			sums[i] = s;
		*total += s;
	}
	int err = rc ? sq_fail(rd->db, "neighbour query", rc) : 0;
	int rc2 = sq_run(rd->commit);
	if (!err && rc2)
		err = sq_fail(rd->db, "COMMIT", rc2);
	return err;
}

static int sq_two_hop(rgp_reader_t *r, uint64_t id, uint64_t *sum)
{
	struct sq_reader *rd = (struct sq_reader *)r;
	int rc = sq_sum(rd->hop2, id, NULL, NULL, sum);
	return rc ? sq_fail(rd->db, "2-hop query", rc) : 0;
}

static int sq_insert_edges(rgp_store_t *s, const rgp_edge_t *e, size_t n)
{
	struct sq_store *st = (struct sq_store *)s;
	pthread_mutex_lock(&st->wlock);
	uint64_t seq0 = st->next_seq;
	int rc = sq_run(st->begin), err = 0;
	if (rc) {
		err = sq_fail(st->db, "BEGIN IMMEDIATE", rc);
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = insert_row(st, e[i].src, st->next_seq++, e[i].dst);
	if (rc) {
		err = sq_fail(st->db, "INSERT", rc);
		sq_run(st->rollback);
		st->next_seq = seq0;
		goto out;
	}
	if ((rc = sq_run(st->commit))) {
		err = sq_fail(st->db, "COMMIT", rc);
		if (!sqlite3_get_autocommit(st->db))
			sq_run(st->rollback);
		st->next_seq = seq0;
	}
out:
	pthread_mutex_unlock(&st->wlock);
	return err;
}

const rgp_peer_t rgp_sqlite = {
	.name = "sqlite",
	.create = sq_create,
	.destroy = sq_destroy,
	.reader_open = sq_reader_open,
	.reader_close = sq_reader_close,
	.neighbors = sq_neighbors,
	.neighbors_k = sq_neighbors_k,
	.two_hop = sq_two_hop,
	.insert_edges = sq_insert_edges,
};
