/*
 * read.c - the exported read API: read sections and the queries inside
 * them. Every query is a thin wrapper around the static inline read path
 * of <rcugraph/static/layout.h> (the same code <rcugraph/inline.h> inlines
 * into callers): it takes no lock and performs no atomic read-modify-write
 * under any policy but the locking ones, whose cost is in read_begin/end.
 */
#include <string.h>

#include "graph_internal.h"

/* ---------------------------------------------------------------- */
/* Sections                                                         */
/* ---------------------------------------------------------------- */

void rg__read_metrics_enter(struct rg_read *rd, struct rg_metrics *m)
{
	rd->mt0 = rg__metrics_read_enter(m, &rd->mt);
}

void rg__read_metrics_exit(struct rg_read *rd, struct rg_metrics *m)
{
	rg__metrics_read_exit(m, &rd->mt, rd->mt0);
}

int rg_read_begin(rg_graph_t *g, rg_read_t **r)
{
	struct rg_read *rd = &rg__tls_read;
	if (!g || !r)
		return RG_EINVAL;
	if (rd->open)
		return RG_EBUSY;
	const struct rg_policy *pol = g->rd.pol;
	rd->g = g;
	rd->gr = &g->rd;
	rd->shared = 0;
	rd->frozen = 0;
	rd->hook = pol->span_hook;
	int rc = pol->read_begin(g, rd);
	if (rc)
		return rc;
	rd->open = 1;
	rd->mt0 = rg__metrics_read_enter(g->rd.metrics, &rd->mt);
	*r = rd;
	return 0;
}

int rg_read_begin_shared(const rg_read_t *parent, rg_read_t **r)
{
	struct rg_read *rd = &rg__tls_read;
	if (!parent || !r || !parent->open)
		return RG_EINVAL;
	if (rd->open)
		return RG_EBUSY;
	/* No synchronisation of our own: the parent's open section (or the
	 * frozen view's reference) keeps every version it can see alive, and
	 * it must outlive this one by contract. */
	uint32_t regs = rd->regs;
	struct rg_mthread mt = rd->mt;
	*rd = *parent;
	rd->regs = regs; /* this thread's registrations, not the parent's */
	rd->mt = mt;
	rd->hook = NULL; /* lru-rwlock: the cache belongs to the parent's lock */
	rd->shared = 1;
	rd->open = 1;
	rd->pol = NULL;
	*r = rd;
	return 0;
}

int rg_read_end(rg_read_t *r)
{
	if (!r || !r->open)
		return RG_ESTATE;
	if (r->frozen && !r->shared)
		return RG_EINVAL; /* a frozen view is not a section: rg_csr_free() */
	r->open = 0;
	if (r->shared)
		return 0;
	rg_graph_t *g = r->g;
	int rc = g->rd.pol->read_end(g, r);
	rg__metrics_read_exit(g->rd.metrics, &r->mt, r->mt0);
	if (rc == RG_ERETRY)
		rg__metrics_add(g->rd.metrics, RG_C_READ_RETRIES, 1);
	return rc;
}

rg_graph_t *rg_read_graph(const rg_read_t *r) { return r ? r->g : NULL; }
uint64_t rg_read_version(const rg_read_t *r) { return r ? r->version : 0; }
uint64_t rg_node_count(const rg_read_t *r) { return r ? (r->snap ? r->snap->nodes : r->nodes) : 0; }
uint64_t rg_edge_count(const rg_read_t *r) { return r ? (r->snap ? r->snap->edges : r->edges) : 0; }
uint64_t rg_node_slots(const rg_read_t *r) { return r ? r->nslots : 0; }

/* ---------------------------------------------------------------- */
/* Queries                                                          */
/* ---------------------------------------------------------------- */

static inline int bad_dir(rg_dir_t dir)
{
	return dir != RG_OUT && dir != RG_IN;
}

bool rg_node_exists(const rg_read_t *r, uint64_t id)
{
	if (!r || !r->open)
		return false;
	int64_t s = _rg_slot_of(r, id);
	uint32_t label;
	return s >= 0 && _rg_node_at(r, (uint64_t)s, &label);
}

int rg_node_label(const rg_read_t *r, uint64_t id, uint32_t *label)
{
	if (!r || !label || !r->open)
		return RG_EINVAL;
	int64_t s = _rg_slot_of(r, id);
	return s >= 0 && _rg_node_at(r, (uint64_t)s, label) ? 0 : RG_ENOENT;
}

int rg_node_slot(const rg_read_t *r, uint64_t id, uint64_t *slot)
{
	if (!r || !slot || !r->open)
		return RG_EINVAL;
	int64_t s = _rg_slot_of(r, id);
	uint32_t label;
	if (s < 0 || !_rg_node_at(r, (uint64_t)s, &label))
		return RG_ENOENT;
	*slot = (uint64_t)s;
	return 0;
}

int rg_node_at(const rg_read_t *r, uint64_t slot, uint64_t *id, uint32_t *label)
{
	if (!r || !r->open)
		return RG_EINVAL;
	uint32_t lb;
	if (!_rg_node_at(r, slot, &lb))
		return RG_ENOENT;
	if (id)
		*id = _rg_slot_id(r, slot);
	if (label)
		*label = lb;
	return 0;
}

int rg_span_at(const rg_read_t *r, uint64_t slot, rg_dir_t dir, rg_span_t *sp)
{
	if (!r || !sp || !r->open || bad_dir(dir))
		return RG_EINVAL;
	return _rg_span_at(r, slot, (int)dir, sp, RG_SPAN_ALL);
}

int rg_span(const rg_read_t *r, uint64_t id, rg_dir_t dir, rg_span_t *sp)
{
	if (!r || !sp || !r->open || bad_dir(dir))
		return RG_EINVAL;
	int64_t s = _rg_slot_of(r, id);
	if (s < 0) {
		memset(sp, 0, sizeof *sp);
		return RG_ENOENT;
	}
	return _rg_span_at(r, (uint64_t)s, (int)dir, sp, RG_SPAN_ALL);
}

int rg_degree_at(const rg_read_t *r, uint64_t slot, rg_dir_t dir, uint64_t *deg)
{
	if (!r || !deg || !r->open || bad_dir(dir))
		return RG_EINVAL;
	return _rg_degree_at(r, slot, (int)dir, deg);
}

int rg_degree(const rg_read_t *r, uint64_t id, rg_dir_t dir, uint64_t *deg)
{
	if (!r || !deg || !r->open || bad_dir(dir))
		return RG_EINVAL;
	int64_t s = _rg_slot_of(r, id);
	if (s < 0) {
		*deg = 0;
		return RG_ENOENT;
	}
	return _rg_degree_at(r, (uint64_t)s, (int)dir, deg);
}

static inline int iter_init(const rg_read_t *r, int64_t slot, rg_dir_t dir, uint32_t type,
			    rg_iter_t *it)
{
	it->i = 0;
	it->type = type;
	if (slot < 0) {
		memset(&it->sp, 0, sizeof it->sp);
		return RG_ENOENT;
	}
	return _rg_span_at(r, (uint64_t)slot, (int)dir, &it->sp, RG_SPAN_ALL);
}

int rg_neighbors(const rg_read_t *r, uint64_t id, rg_dir_t dir, uint32_t type, rg_iter_t *it)
{
	if (!r || !it || !r->open || bad_dir(dir))
		return RG_EINVAL;
	return iter_init(r, _rg_slot_of(r, id), dir, type, it);
}

int rg_neighbors_at(const rg_read_t *r, uint64_t slot, rg_dir_t dir, uint32_t type, rg_iter_t *it)
{
	if (!r || !it || !r->open || bad_dir(dir))
		return RG_EINVAL;
	return iter_init(r, slot > INT64_MAX ? -1 : (int64_t)slot, dir, type, it);
}
