/* testdump.h - an observable dump of a graph (every answer the API gives
 * for a set of ids), to compare two graphs that must be equal. For the
 * Criterion programs only (it asserts). */
#ifndef RG_TESTDUMP_H
#define RG_TESTDUMP_H
#include <criterion/criterion.h>
#include <stdlib.h>

#include <rcugraph/rcugraph.h>

struct dump {
	uint64_t *v;
	size_t n, cap;
};

static inline void put(struct dump *d, uint64_t x)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 1024;
		d->v = realloc(d->v, d->cap * sizeof *d->v);
		cr_assert_not_null(d->v);
	}
	d->v[d->n++] = x;
}

/* Queries ids [0, maxid) plus `extra` in one section of the calling
 * (registered) thread: existence, label, degrees, neighbours of both
 * directions, unfiltered and filtered by type 1, by id and by slot. */
static inline void dump_section(rg_read_t *r, uint64_t maxid, const uint64_t *extra, size_t nextra,
			 struct dump *d)
{
	put(d, rg_node_count(r));
	put(d, rg_edge_count(r));
	for (size_t k = 0; k < maxid + nextra; k++) {
		uint64_t id = k < maxid ? k : extra[k - maxid];
		put(d, id);
		put(d, rg_node_exists(r, id));
		uint32_t label = 0;
		put(d, (uint64_t)(int64_t)rg_node_label(r, id, &label));
		put(d, label);
		uint64_t slot = UINT64_MAX;
		int has_slot = rg_node_slot(r, id, &slot) == 0;
		for (int dir = 0; dir < 2; dir++) {
			uint64_t deg = UINT64_MAX, deg2 = UINT64_MAX;
			put(d, (uint64_t)(int64_t)rg_degree(r, id, (rg_dir_t)dir, &deg));
			put(d, deg);
			if (has_slot) {
				cr_assert_eq(rg_degree_at(r, slot, (rg_dir_t)dir, &deg2), 0);
				cr_assert_eq(deg2, deg, "degree by slot agrees with degree by id");
			}
			for (int f = 0; f < 2; f++) {
				uint32_t type = f ? 1 : RG_TYPE_ANY;
				rg_iter_t it, it2;
				int rc = rg_neighbors(r, id, (rg_dir_t)dir, type, &it);
				put(d, (uint64_t)(int64_t)rc);
				if (rc)
					continue;
				if (has_slot)
					cr_assert_eq(rg_neighbors_at(r, slot, (rg_dir_t)dir, type, &it2), 0);
				uint64_t cnt = 0;
				for (const rg_edge_t *e; (e = rg_iter_next(&it));) {
					put(d, e->nbr);
					put(d, e->type);
					put(d, e->prop);
					cnt++;
					if (has_slot) {
						const rg_edge_t *e2 = rg_iter_next(&it2);
						cr_assert(e2 && e2->nbr == e->nbr && e2->prop == e->prop);
					}
				}
				if (has_slot)
					cr_assert_null(rg_iter_next(&it2));
				if (f == 0)
					cr_assert_eq(cnt, deg, "iteration and degree agree (id %llu)",
						     (unsigned long long)id);
			}
		}
	}
}

static inline void dump_now(rg_graph_t *g, uint64_t maxid, const uint64_t *extra, size_t nextra,
		     struct dump *d)
{
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	dump_section(r, maxid, extra, nextra, d);
	rg_read_end(r);
}

static inline void dump_eq(const struct dump *a, const struct dump *b, const char *what)
{
	cr_assert_eq(a->n, b->n, "%s: dumps differ in length", what);
	for (size_t i = 0; i < a->n; i++)
		cr_assert_eq(a->v[i], b->v[i], "%s: dumps differ at %zu", what, i);
}

#endif
