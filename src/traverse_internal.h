/*
 * traverse_internal.h - INTERNAL glue shared by src/traverse.c,
 * src/analytics.c and src/csr.c: the CSR layout, a "graph source" that is
 * either a live read section or a CSR, the worker-section protocol of the
 * parallel paths, sorting and checksum helpers. Uses only the public read
 * API of the core (rcugraph.h), never graph internals.
 */
#ifndef RG_TRAVERSE_INTERNAL_H
#define RG_TRAVERSE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <rcugraph/csr.h>
#include <rcugraph/rcugraph.h>
#include <rcugraph/traverse.h>

struct rg_csr {
	uint64_t version, nodes, edges, nslots;
	uint64_t *ids;      /* nslots; valid where alive[s] */
	uint32_t *labels;   /* nslots */
	uint8_t *alive;     /* nslots: 1 if the slot holds a live node */
	uint64_t *off[2];   /* [RG_OUT], [RG_IN]: nslots + 1 offsets */
	uint32_t *nbr[2];   /* neighbour slots */
	uint32_t *type[2];  /* edge types */
	uint64_t *sid;      /* nodes: live ids ascending */
	uint32_t *sslot;    /* nodes: slot of sid[i] */
	size_t bytes;
};

/* Where a kernel reads the graph: exactly one of r / c is set. Each worker
 * thread of a parallel step has its own (its own shared section). */
struct rg_src {
	const rg_read_t *r;
	const struct rg_csr *c;
	uint64_t nslots;
	rg_read_t *own; /* worker's own shared section (to end), else NULL */
};

static inline void rg__src_init(struct rg_src *s, const rg_read_t *r, const struct rg_csr *c)
{
	s->r = r;
	s->c = c;
	s->nslots = c ? c->nslots : rg_node_slots(r);
	s->own = NULL;
}

/*
 * Runs the statements after `v` (the body, a variadic argument so that it
 * may contain commas) for every edge of slot u in direction d (RG_OUT /
 * RG_IN) that passes the type filter, with `v` (uint32_t) the neighbour's
 * slot and `vid` (uint64_t) its id. `continue` inside the body skips to the
 * next edge. Neighbour slots outside the snapshot's slot space (impossible
 * in a consistent snapshot; possible in a torn read under an optimistic
 * policy) are skipped.
 */
#define RG_FOREACH_NBR_ID(src, u, d, ty, v, vid, ...)                                  \
	do {                                                                           \
		const struct rg_src *s_ = (src);                                       \
		const uint32_t ty_ = (ty);                                             \
		if (s_->c) {                                                           \
			const struct rg_csr *c_ = s_->c;                               \
			const uint32_t *nb_ = c_->nbr[d], *tp_ = c_->type[d];          \
			const uint64_t e_ = c_->off[d][(u) + 1];                       \
			for (uint64_t i_ = c_->off[d][(u)]; i_ < e_; i_++) {           \
				if (ty_ != RG_TYPE_ANY && tp_[i_] != ty_)              \
					continue;                                      \
				const uint32_t v = nb_[i_];                            \
				const uint64_t vid = c_->ids[v];                       \
				(void)vid;                                             \
				__VA_ARGS__                                            \
			}                                                              \
		} else {                                                               \
			rg_iter_t it_;                                                 \
			if (rg_neighbors_at(s_->r, (u), (rg_dir_t)(d), ty_, &it_) == 0) { \
				const rg_edge_t *ed_;                                  \
				while ((ed_ = rg_iter_next(&it_)) != NULL) {           \
					const uint32_t v = ed_->nbr_slot;              \
					const uint64_t vid = ed_->nbr;                 \
					(void)vid;                                     \
					if (v >= s_->nslots)                           \
						continue;                              \
					__VA_ARGS__                                    \
				}                                                      \
			}                                                              \
		}                                                                      \
	} while (0)

#define RG_FOREACH_NBR(src, u, d, ty, v, ...) \
	RG_FOREACH_NBR_ID(src, u, d, ty, v, vid_unused_, __VA_ARGS__)

/* Degree of slot u in direction d, all types (0 if absent). */
static inline uint64_t rg__src_degree(const struct rg_src *s, uint64_t u, int d)
{
	if (s->c)
		return s->c->off[d][u + 1] - s->c->off[d][u];
	uint64_t deg = 0;
	if (rg_degree_at(s->r, u, (rg_dir_t)d, &deg) != 0)
		return 0;
	return deg;
}

/* Whether slot u is live; its id into *id. */
static inline int rg__src_node(const struct rg_src *s, uint64_t u, uint64_t *id)
{
	if (s->c) {
		if (u >= s->c->nslots || !s->c->alive[u])
			return 0;
		*id = s->c->ids[u];
		return 1;
	}
	return rg_node_at(s->r, u, id, NULL) == 0;
}

/* Slot of node id, RG_ENOENT if absent. */
static inline int rg__src_slot(const struct rg_src *s, uint64_t id, uint32_t *slot)
{
	uint64_t sl = 0;
	int rc = s->c ? rg_csr_node_slot(s->c, id, &sl) : rg_node_slot(s->r, id, &sl);
	if (rc)
		return rc;
	if (sl >= s->nslots)
		return RG_ENOENT;
	*slot = (uint32_t)sl;
	return 0;
}

/* ---- parallel execution ---- */

struct rg_exec_cfg {
	int mode;
	int threads;       /* resolved: >= 1 */
	uint64_t min_edges;
};

/* Resolves ex (may be NULL) into cfg and zeroes ex's outputs; src (may be
 * NULL) limits to one thread when its policy forbids workers. RG_EINVAL
 * for a bad mode or negative thread count. */
int rg__exec_resolve(rg_exec_t *ex, struct rg_exec_cfg *cfg, const struct rg_src *src);

/*
 * Inside a parallel region: gives the calling OpenMP thread its view of the
 * graph. Thread 0 (the query's calling thread) uses the caller's section;
 * other threads register for the graph and open a shared section of it.
 * For a CSR source nothing happens. Returns 0, or an error (the thread must
 * then do no work; *w is unusable).
 */
int rg__worker_enter(const struct rg_src *parent, int tid, struct rg_src *w);

/* Ends what rg__worker_enter() opened. Returns 0 or RG_ERETRY. */
int rg__worker_leave(const struct rg_src *parent, int tid, struct rg_src *w);

/* Records one parallel query in the graph's metrics (no-op for CSR sources
 * or graphs without metrics). busy_ns: sum over workers. */
void rg__par_metrics(const struct rg_src *src, int threads, uint64_t wall_ns,
		     uint64_t busy_ns);

uint64_t rg__now_ns(void);

/* ---- sorting and hashing ---- */

/* Sorts a[0..n) ascending. tmp: n scratch entries (may be NULL when
 * n <= 64). */
void rg__sort_u64(uint64_t *a, size_t n, uint64_t *tmp);

struct rg_kv {
	uint64_t k;
	uint64_t v;
};
/* Sorts by k ascending (stable). tmp: n scratch entries (NULL if n <= 64). */
void rg__sort_kv(struct rg_kv *a, size_t n, struct rg_kv *tmp);

static inline uint64_t rg__mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	x ^= x >> 31;
	return x;
}
#define RG_CHECKSUM_SEED 0x9E3779B97F4A7C15ULL

#endif
