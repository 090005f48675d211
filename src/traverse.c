/*
 * traverse.c - k-hop, depth-limited BFS and their batch forms on any view
 * of a snapshot (a live read section or a frozen view's handle:
 * kernel.h): argument checks, roots, results (ids in order, depths,
 * checksums), and the parallel batch, in which roots are handed to
 * workers one at a time and each root runs the sequential kernel in its
 * worker's workspace. Every query runs the BFS kernel of bfs.c.
 */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "bfs.h"
#include "sort.h"

/* ------------------------------------------------------------------ */
/* Results                                                            */
/* ------------------------------------------------------------------ */

void rg_nodeset_free(rg_nodeset_t *s)
{
	if (!s)
		return;
	free(s->ids);
	s->ids = NULL;
	s->n = 0;
}

void rg_bfs_free(rg_bfs_t *b)
{
	if (!b)
		return;
	free(b->ids);
	free(b->depth);
	b->ids = NULL;
	b->depth = NULL;
	b->n = 0;
	b->levels = 0;
}

uint64_t rg_nodeset_checksum(const rg_nodeset_t *s)
{
	if (!s)
		return 0;
	uint64_t h = RG_CHECKSUM_SEED;
	for (size_t i = 0; i < s->n; i++)
		h = rg__checksum_mix(h ^ s->ids[i]);
	return rg__checksum_mix(h ^ (uint64_t)s->n);
}

uint64_t rg_bfs_checksum(const rg_bfs_t *b)
{
	if (!b)
		return 0;
	uint64_t h = RG_CHECKSUM_SEED;
	for (size_t i = 0; i < b->n; i++) {
		h = rg__checksum_mix(h ^ b->ids[i]);
		h = rg__checksum_mix(h ^ (uint64_t)b->depth[i]);
	}
	return rg__checksum_mix(h ^ (uint64_t)(2 * b->n));
}

/* Ids of q[b..e) ascending into ids (q's order may change). sorted: the
 * range is one level already in slot order. */
static int sorted_ids(const struct rg_read *r, struct rg__ws *w, size_t b, size_t e,
		      int sorted, uint64_t *ids)
{
	const size_t n = e - b;
	uint32_t *q = w->q + b;
	if (r->dense) {
		if (!sorted && rg__sort_slots(q, n, w->ns))
			return RG_ENOMEM;
		for (size_t i = 0; i < n; i++)
			ids[i] = q[i];
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = _rg_slot_id(r, q[i]);
	uint64_t *tmp = n > 64 ? malloc(n * sizeof *tmp) : NULL;
	if (n > 64 && !tmp)
		return RG_ENOMEM;
	rg__sort_u64(ids, n, tmp);
	free(tmp);
	return 0;
}

static int make_khop(const struct rg_read *r, struct rg__ws *w, const struct rg__query *qq,
		     rg_nodeset_t *out)
{
	size_t b, e;
	int sorted;
	out->ids = NULL;
	out->n = 0;
	if (qq->mode == RG_KHOP_EXACT) {
		if (w->nlv <= qq->k)
			return 0;
		b = w->lv[qq->k];
		e = w->lv[qq->k + 1];
		sorted = w->lvs[qq->k];
	} else {
		if (qq->k == 0 || w->nlv <= 1)
			return 0;
		size_t last = w->nlv - 1 < qq->k ? w->nlv - 1 : qq->k;
		b = w->lv[1];
		e = w->lv[last + 1];
		sorted = last == 1 && w->lvs[1];
	}
	size_t n = e - b;
	if (n == 0)
		return 0;
	uint64_t *ids = malloc(n * sizeof *ids);
	if (!ids)
		return RG_ENOMEM;
	if (sorted_ids(r, w, b, e, sorted, ids)) {
		free(ids);
		return RG_ENOMEM;
	}
	out->ids = ids;
	out->n = n;
	return 0;
}

static int make_bfs(const struct rg_read *r, struct rg__ws *w, rg_bfs_t *out)
{
	size_t n = w->qn;
	memset(out, 0, sizeof *out);
	uint64_t *ids = malloc(n * sizeof *ids);
	uint32_t *dep = malloc(n * sizeof *dep);
	if (!ids || !dep) {
		free(ids);
		free(dep);
		return RG_ENOMEM;
	}
	for (size_t d = 0; d < w->nlv; d++) {
		size_t b = w->lv[d], e = w->lv[d + 1];
		if (sorted_ids(r, w, b, e, w->lvs[d], ids + b)) {
			free(ids);
			free(dep);
			return RG_ENOMEM;
		}
		for (size_t i = b; i < e; i++)
			dep[i] = (uint32_t)d;
	}
	out->ids = ids;
	out->depth = dep;
	out->n = n;
	out->levels = (uint32_t)w->nlv;
	return 0;
}

static int make_result(const struct rg_read *r, struct rg__ws *w, const struct rg__query *qq,
		       void *outs, size_t i)
{
	if (qq->kind == 0)
		return make_khop(r, w, qq, (rg_nodeset_t *)outs + i);
	return make_bfs(r, w, (rg_bfs_t *)outs + i);
}

static void free_result(const struct rg__query *qq, void *outs, size_t i)
{
	if (qq->kind == 0)
		rg_nodeset_free((rg_nodeset_t *)outs + i);
	else
		rg_bfs_free((rg_bfs_t *)outs + i);
}

static void clear_result(const struct rg__query *qq, void *outs, size_t i)
{
	if (qq->kind == 0)
		memset((rg_nodeset_t *)outs + i, 0, sizeof(rg_nodeset_t));
	else
		memset((rg_bfs_t *)outs + i, 0, sizeof(rg_bfs_t));
}

/* ------------------------------------------------------------------ */
/* Queries                                                            */
/* ------------------------------------------------------------------ */

static int check_query(const struct rg__query *qq)
{
	if (qq->dir != RG_OUT && qq->dir != RG_IN && qq->dir != RG_BOTH)
		return RG_EINVAL;
	if (qq->kind == 0 && qq->mode != RG_KHOP_EXACT && qq->mode != RG_KHOP_WITHIN)
		return RG_EINVAL;
	return 0;
}

/* Slot of a root id that is a node of the snapshot. */
static int root_slot(const struct rg_read *r, uint64_t id, uint32_t *slot)
{
	int64_t s = _rg_slot_of(r, id);
	uint32_t label;
	if (s < 0 || !_rg_node_at(r, (uint64_t)s, &label))
		return RG_ENOENT;
	*slot = (uint32_t)s;
	return 0;
}

static void report(rg_exec_t *ex, const struct rg_read *r, const struct rg__par_stats *ps,
		   uint64_t edges, uint64_t items_par, uint32_t td, uint32_t bu)
{
	if (ps->steps)
		rg__par_metrics(r, ps->team, ps->wall_ns, ps->busy_ns);
	if (!ex)
		return;
	ex->threads_used = ps->team > 1 ? ps->team : 1;
	ex->par_steps = ps->steps;
	ex->worker_failures = 0;
	ex->edges = edges;
	ex->items_par = items_par;
	ex->td_steps = td;
	ex->bu_steps = bu;
}

/* Single-root query (k-hop or BFS). */
static int single(const struct rg_read *r, uint64_t root, const struct rg__query *qq, rg_exec_t *ex,
		  void *out)
{
	struct rg__exec_cfg cfg;
	int rc = rg__exec_resolve(ex, &cfg);
	if (rc)
		return rc;
	uint32_t rs;
	if ((rc = root_slot(r, root, &rs)) != 0)
		return rc;
	struct rg__ws w;
	if ((rc = rg__ws_get(&w, r->nslots)) != 0)
		return rc;
	struct rg__par_stats ps = {0};
	rc = rg__bfs_run(r, &w, rs, qq, &cfg, &ps);
	if (!rc)
		rc = make_result(r, &w, qq, out, 0);
	report(ex, r, &ps, w.edges, 0, w.td, w.bu);
	rg__ws_put(&w);
	return rc;
}

/* Shared state of a parallel batch. */
struct par_batch {
	const struct rg_read *r;
	const struct rg__query *qq;
	const uint32_t *slots;
	void *outs;
	size_t cursor; /* next root index (atomic) */
	size_t end;
	int err;       /* first error (atomic) */
};

static void par_batch_worker(struct par_batch *pb, uint64_t *edges, uint32_t *td, uint32_t *bu)
{
	const int tid = omp_get_thread_num();
	struct rg_read lr;
	rg__worker_view(pb->r, tid, &lr);
	struct rg__ws w;
	if (rg__ws_get(&w, lr.nslots) != 0) {
		/* relaxed: read after the region's closing barrier */
		RG_STORE_SHARED(pb->err, RG_ENOMEM);
		return;
	}
	for (;;) {
		/* relaxed: each index is taken once; results are read after
		 * the region's closing barrier */
		size_t i = RG_FETCH_ADD_RELAXED(&pb->cursor, 1);
		if (i >= pb->end)
			break;
		int rc = rg__bfs_run(&lr, &w, pb->slots[i], pb->qq, NULL, NULL);
		if (!rc)
			rc = make_result(&lr, &w, pb->qq, pb->outs, i);
		rg__ws_reset(&w);
		if (rc) {
			/* relaxed: read after the region's closing barrier */
			RG_STORE_SHARED(pb->err, rc);
		}
	}
	*edges += w.edges;
	*td += w.td;
	*bu += w.bu;
	rg__ws_put(&w);
}

static int batch(const struct rg_read *r, const uint64_t *roots, size_t n, const struct rg__query *qq,
		 rg_exec_t *ex, void *outs)
{
	struct rg__exec_cfg cfg;
	int rc = rg__exec_resolve(ex, &cfg);
	if (rc)
		return rc;
	if (n && (!roots || !outs))
		return RG_EINVAL;
	for (size_t i = 0; i < n; i++)
		clear_result(qq, outs, i);
	if (n == 0)
		return 0;
	uint32_t *slots = malloc(n * sizeof *slots);
	if (!slots)
		return RG_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if ((rc = root_slot(r, roots[i], &slots[i])) != 0) {
			free(slots);
			return rc;
		}
	}
	struct rg__ws w;
	if ((rc = rg__ws_get(&w, r->nslots)) != 0) {
		free(slots);
		return rc;
	}
	/* Sequential prefix: until the work seen so far predicts that the
	 * remaining roots are worth a parallel step (AUTO), or not at all
	 * (PAR), or everything (SEQ / one thread). */
	size_t i = 0;
	if (!(cfg.threads > 1 && cfg.mode == RG_EXEC_PAR && n >= 2)) {
		for (; i < n; i++) {
			if (cfg.threads > 1 && cfg.mode == RG_EXEC_AUTO && i > 0 && n - i >= 2) {
				double est = (double)w.edges / (double)i * (double)(n - i);
				if (est >= (double)cfg.min_edges)
					break;
			}
			rc = rg__bfs_run(r, &w, slots[i], qq, NULL, NULL);
			if (!rc)
				rc = make_result(r, &w, qq, outs, i);
			rg__ws_reset(&w);
			if (rc)
				break;
		}
	}
	struct rg__par_stats ps = {0};
	uint64_t edges = w.edges, items_par = 0;
	uint32_t td = w.td, bu = w.bu;
	rg__ws_put(&w);
	if (!rc && i < n) {
		struct par_batch pb = {
			.r = r, .qq = qq, .slots = slots, .outs = outs, .cursor = i, .end = n,
		};
		int team = cfg.threads;
		if ((size_t)team > n - i)
			team = (int)(n - i);
		uint64_t busy = 0, pedges = 0;
		uint32_t ptd = 0, pbu = 0;
		uint64_t t0 = rg__now_ns();
#pragma omp parallel num_threads(team) reduction(+ : busy, pedges, ptd, pbu)
		{
			uint64_t tw = rg__now_ns();
			if (omp_get_thread_num() == 0)
				ps.team = omp_get_num_threads();
			par_batch_worker(&pb, &pedges, &ptd, &pbu);
			busy += rg__now_ns() - tw;
		}
		ps.wall_ns = rg__now_ns() - t0;
		ps.busy_ns = busy;
		ps.steps = 1;
		edges += pedges;
		td += ptd;
		bu += pbu;
		items_par = n - i;
		if (pb.err)
			rc = pb.err;
	}
	free(slots);
	report(ex, r, &ps, edges, items_par, td, bu);
	if (rc)
		for (size_t j = 0; j < n; j++)
			free_result(qq, outs, j);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                */
/* ------------------------------------------------------------------ */

int rg_khop(const rg_read_t *r, uint64_t root, unsigned k, rg_khop_mode_t mode, int dir,
	    uint32_t type, rg_exec_t *ex, rg_nodeset_t *out)
{
	if (!out)
		return RG_EINVAL;
	out->ids = NULL;
	out->n = 0;
	struct rg__query qq = {.kind = 0, .k = k, .mode = mode, .maxdepth = k, .dir = dir, .type = type};
	int rc = rg__view_check(r);
	if (!rc)
		rc = check_query(&qq);
	return rc ? rc : single(r, root, &qq, ex, out);
}

int rg_bfs(const rg_read_t *r, uint64_t root, uint32_t max_depth, int dir, uint32_t type,
	   rg_exec_t *ex, rg_bfs_t *out)
{
	if (!out)
		return RG_EINVAL;
	memset(out, 0, sizeof *out);
	struct rg__query qq = {.kind = 1, .maxdepth = max_depth, .dir = dir, .type = type};
	int rc = rg__view_check(r);
	if (!rc)
		rc = check_query(&qq);
	return rc ? rc : single(r, root, &qq, ex, out);
}

static int batch_entry(const rg_read_t *r, const uint64_t *roots, size_t n, const struct rg__query *qq,
		       rg_exec_t *ex, void *outs)
{
	int rc = rg__view_check(r);
	if (!rc)
		rc = check_query(qq);
	if (rc) {
		for (size_t i = 0; outs && i < n; i++)
			clear_result(qq, outs, i);
		return rc;
	}
	return batch(r, roots, n, qq, ex, outs);
}

int rg_khop_batch(const rg_read_t *r, const uint64_t *roots, size_t nroots, unsigned k,
		  rg_khop_mode_t mode, int dir, uint32_t type, rg_exec_t *ex, rg_nodeset_t *outs)
{
	struct rg__query qq = {.kind = 0, .k = k, .mode = mode, .maxdepth = k, .dir = dir, .type = type};
	return batch_entry(r, roots, nroots, &qq, ex, outs);
}

int rg_bfs_batch(const rg_read_t *r, const uint64_t *roots, size_t nroots, uint32_t max_depth,
		 int dir, uint32_t type, rg_exec_t *ex, rg_bfs_t *outs)
{
	struct rg__query qq = {.kind = 1, .maxdepth = max_depth, .dir = dir, .type = type};
	return batch_entry(r, roots, nroots, &qq, ex, outs);
}

