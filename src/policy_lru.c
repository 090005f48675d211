/*
 * policy_lru.c - "lru-rwlock": the design rcugraph replaced, reproduced
 * faithfully as a baseline.
 *
 * Neighbour queries go through a bounded LRU cache of materialised
 * neighbour lists: malloc'ed copies of the entries of (slot, direction)
 * live in the reader's snapshot. Every query updates the cache (move to
 * front on a hit, insert and evict on a miss), so every read section takes
 * the pthread rwlock in WRITE mode: readers exclude each other and the
 * writer. The writer takes the same lock to publish a commit; reclamation
 * is immediate (as policy_locks.c).
 *
 * A cached list is valid for the head it was built from: for as long as a
 * node's visible head stays the same, its live entries are the same in
 * every snapshot that sees that head (any deletion creates a new head,
 * I1/I2). The key is (slot, dir), the validation (head pointer, head
 * version): a freed head's address can be reused, but never by a head of
 * the same node with the same version.
 *
 * Lists replaced or evicted during a section are freed at its end: an
 * iterator of the same section may still walk them.
 *
 * Capacity: $RG_LRU_CAPACITY entries (read at rg_open), default 10000.
 *
 * Shared sections (rg_read_begin_shared, parallel traversal workers) take
 * no lock of their own, so they must not touch the cache: they iterate
 * the adjacency directly; the parent's write lock keeps it alive.
 */
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"

struct lru_ent {
	uint64_t slot;
	uint32_t dir;
	uint32_t n;
	const struct rg_head *h; /* validation: built from this head ... */
	uint64_t hver;           /* ... with this version */
	rg_edge_t *copy;
	struct lru_ent *hnext;      /* hash chain */
	struct lru_ent *prev, *next; /* recency list, mru first */
};

struct lrust {
	pthread_rwlock_t rw;
	int published; /* writer only: as policy_locks.c */
	/* everything below: only under rw held in write mode by a reader */
	size_t cap, count;
	uint64_t mask; /* buckets - 1 */
	struct lru_ent **bucket;
	struct lru_ent *mru, *lru;
	rg_edge_t **deferred; /* copies to free at read_end */
	size_t ndef, capdef;
	uint64_t hits, misses;
};

static __thread unsigned lru_reg_count;

static inline struct lrust *ST(rg_graph_t *g) { return g->pol_state; }

static size_t lru_capacity(void)
{
	const char *s = getenv("RG_LRU_CAPACITY");
	if (s && *s) {
		char *end;
		unsigned long long v = strtoull(s, &end, 10);
		if (*end == 0 && v >= 1 && v <= (1ull << 28))
			return (size_t)v;
	}
	return 10000;
}

static int lru_init(rg_graph_t *g)
{
	struct lrust *st = calloc(1, sizeof *st);
	if (!st)
		return RG_ENOMEM;
	st->cap = lru_capacity();
	uint64_t nb = 16;
	while (nb < 2 * (uint64_t)st->cap)
		nb <<= 1;
	st->mask = nb - 1;
	st->bucket = calloc(nb, sizeof *st->bucket);
	if (!st->bucket || pthread_rwlock_init(&st->rw, NULL)) {
		free(st->bucket);
		free(st);
		return RG_ENOMEM;
	}
	g->pol_state = st;
	return 0;
}

static void lru_fini(rg_graph_t *g)
{
	struct lrust *st = ST(g);
	for (struct lru_ent *e = st->mru, *n; e; e = n) {
		n = e->next;
		free(e->copy);
		free(e);
	}
	for (size_t i = 0; i < st->ndef; i++)
		free(st->deferred[i]);
	free(st->deferred);
	free(st->bucket);
	pthread_rwlock_destroy(&st->rw);
	free(st);
	g->pol_state = NULL;
}

static int lru_reg(rg_graph_t *g)
{
	(void)g;
	lru_reg_count++;
	return 0;
}

static int lru_unreg(rg_graph_t *g)
{
	(void)g;
	if (lru_reg_count == 0)
		return RG_ESTATE;
	lru_reg_count--;
	return 0;
}

static void lru_quiescent(rg_graph_t *g) { (void)g; }

static int lru_read_begin(rg_graph_t *g, struct rg_read *rd)
{
	if (__builtin_expect(lru_reg_count == 0, 0))
		return RG_ESTATE;
	/* write mode: the section mutates the cache (acquire on lock) */
	uint64_t lt0 = rg_lock_wait_begin(g->metrics);
	pthread_rwlock_wrlock(&ST(g)->rw);
	rg_lock_wait_end(g->metrics, lt0);
	rg_snap_load_into(g, rd);
	return 0;
}

static int lru_read_end(rg_graph_t *g, struct rg_read *rd)
{
	(void)rd;
	struct lrust *st = ST(g);
	for (size_t i = 0; i < st->ndef; i++)
		free(st->deferred[i]);
	st->ndef = 0;
	pthread_rwlock_unlock(&st->rw);
	return 0;
}

static void lru_publish_begin(rg_graph_t *g)
{
	ST(g)->published = 0;
	pthread_rwlock_wrlock(&ST(g)->rw);
}

static void lru_publish_end(rg_graph_t *g)
{
	pthread_rwlock_unlock(&ST(g)->rw);
	ST(g)->published = 1;
}

/* As lk_retire in policy_locks.c: a commit's bundle is freed right after
 * the publication took the write lock; anything else cycles it first. */
static void lru_retire(rg_graph_t *g, struct rg_garbage *gb)
{
	struct lrust *st = ST(g);
	if (!st->published) {
		lru_publish_begin(g);
		lru_publish_end(g);
	}
	st->published = 0;
	rg_garbage_free(gb);
}

static void lru_barrier(rg_graph_t *g) { ST(g)->published = 0; }

/* Makes room for one more deferred copy; RG_ENOMEM if it cannot (the
 * query then bypasses the cache). */
static int defer_reserve(struct lrust *st)
{
	if (st->ndef < st->capdef)
		return 0;
	size_t nc = st->capdef ? st->capdef * 2 : 16;
	rg_edge_t **np = realloc(st->deferred, nc * sizeof *np);
	if (!np)
		return RG_ENOMEM;
	st->deferred = np;
	st->capdef = nc;
	return 0;
}

static inline uint64_t key_hash(uint64_t slot, uint32_t dir)
{
	uint64_t k = (slot << 1 | dir) * 0x9E3779B97F4A7C15ull;
	return k ^ (k >> 29);
}

static void list_unlink(struct lrust *st, struct lru_ent *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		st->mru = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		st->lru = e->prev;
	e->prev = e->next = NULL;
}

static void list_push_front(struct lrust *st, struct lru_ent *e)
{
	e->prev = NULL;
	e->next = st->mru;
	if (st->mru)
		st->mru->prev = e;
	st->mru = e;
	if (!st->lru)
		st->lru = e;
}

static void hash_remove(struct lrust *st, struct lru_ent *e)
{
	struct lru_ent **p = &st->bucket[key_hash(e->slot, e->dir) & st->mask];
	while (*p != e)
		p = &(*p)->hnext;
	*p = e->hnext;
}

static inline void iter_direct(const struct rg_read *rd, const struct rg_head *h, rg_dir_t dir,
			       uint32_t type, rg_iter_t *it)
{
	const struct rg_adj *a = &h->adj[dir];
	it->cur = a->e;
	it->end = a->e + a->len; /* NULL + 0 when there is no array */
	it->snap = rd->version;
	it->type = type;
}

/* The copy of the entries of h's adjacency live in rd's snapshot, or NULL
 * (*n = 0) when there are none. Returns RG_ENOMEM. */
static int materialise(const struct rg_read *rd, const struct rg_head *h, rg_dir_t dir,
		       rg_edge_t **out, uint32_t *n)
{
	const struct rg_adj *a = &h->adj[dir];
	*out = NULL;
	*n = 0;
	if (!a->e || a->live == 0)
		return 0;
	rg_edge_t *c = malloc((size_t)a->live * sizeof *c);
	if (!c)
		return RG_ENOMEM;
	uint32_t k = 0;
	for (uint32_t i = 0; i < a->len && k < a->live; i++) {
		const rg_edge_t *e = &a->e[i];
		/* relaxed: as rg_iter_next (a later deletion mark is > snapshot) */
		if (__atomic_load_n(&e->del, __ATOMIC_RELAXED) <= rd->version)
			continue;
		/* field by field: del may be written concurrently (atomically)
		 * by the writer; the copy is live for this snapshot by definition */
		c[k].nbr = e->nbr;
		c[k].prop = e->prop;
		c[k].type = e->type;
		c[k].nbr_slot = e->nbr_slot;
		c[k].del = RG_DEL_LIVE;
		k++;
	}
	*out = c;
	*n = k;
	return 0;
}

static int lru_neighbors(const struct rg_read *rd, uint64_t slot, const struct rg_head *h,
			 rg_dir_t dir, uint32_t type, rg_iter_t *it)
{
	if (rd->shared) {
		iter_direct(rd, h, dir, type, it);
		return 0;
	}
	struct lrust *st = ST(rd->g);
	/* one free slot in deferred, so dropping a copy below cannot fail */
	if (defer_reserve(st)) {
		iter_direct(rd, h, dir, type, it);
		return 0;
	}
	struct lru_ent **b = &st->bucket[key_hash(slot, dir) & st->mask];
	struct lru_ent *e = *b;
	while (e && (e->slot != slot || e->dir != (uint32_t)dir))
		e = e->hnext;
	if (e && e->h == h && e->hver == h->version) {
		st->hits++;
		if (st->mru != e) {
			list_unlink(st, e);
			list_push_front(st, e);
		}
	} else {
		st->misses++;
		rg_edge_t *copy;
		uint32_t n;
		if (materialise(rd, h, dir, &copy, &n)) {
			iter_direct(rd, h, dir, type, it);
			return 0;
		}
		if (e) { /* stale: the node changed since it was cached */
			if (e->copy)
				st->deferred[st->ndef++] = e->copy;
			list_unlink(st, e);
		} else if (st->count == st->cap) { /* evict the least recently used */
			e = st->lru;
			list_unlink(st, e);
			hash_remove(st, e);
			if (e->copy)
				st->deferred[st->ndef++] = e->copy;
			e->slot = slot;
			e->dir = (uint32_t)dir;
			e->hnext = *b;
			*b = e;
		} else {
			e = calloc(1, sizeof *e);
			if (!e) {
				free(copy);
				iter_direct(rd, h, dir, type, it);
				return 0;
			}
			e->slot = slot;
			e->dir = (uint32_t)dir;
			e->hnext = *b;
			*b = e;
			st->count++;
		}
		e->h = h;
		e->hver = h->version;
		e->copy = copy;
		e->n = n;
		list_push_front(st, e);
	}
	it->cur = e->copy;
	it->end = e->copy ? e->copy + e->n : NULL;
	it->snap = rd->version;
	it->type = type;
	return 0;
}

const struct rg_policy rg_policy_lru_rwlock = {
	.name = "lru-rwlock",
	.init = lru_init,
	.fini = lru_fini,
	.reg = lru_reg,
	.unreg = lru_unreg,
	.quiescent = lru_quiescent,
	.read_begin = lru_read_begin,
	.read_end = lru_read_end,
	.publish_begin = lru_publish_begin,
	.publish_end = lru_publish_end,
	.retire = lru_retire,
	.barrier = lru_barrier,
	.neighbors = lru_neighbors,
};
