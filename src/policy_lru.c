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
 * A cached list is valid for the source it was copied from: for as long
 * as a node's visible head (or, for a clean node, the snapshot's pack)
 * stays the same, its span is the same in every snapshot that sees it
 * (I1/I2). The key is (slot, dir), the validation (source pointer, source
 * version): a freed head or pack can be reused at the same address, but
 * never for the same node with the same version.
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
#include "publish.h"

struct lru_ent {
	uint64_t slot;
	uint32_t dir;
	const void *src;         /* validation: copied from this head or pack ... */
	uint64_t ver;            /* ... of this version */
	void *copy;              /* the copy's block */
	rg_span_t sp;            /* the copy as a span */
	struct lru_ent *hnext;      /* hash chain */
	struct lru_ent *prev, *next; /* recency list, mru first */
};

struct lrust {
	pthread_rwlock_t rw;
	int published; /* publication lock held: as policy_locks.c */
	/* everything below: only under rw held in write mode by a reader */
	size_t cap, count;
	uint64_t mask; /* buckets - 1 */
	struct lru_ent **bucket;
	struct lru_ent *mru, *lru;
	void **deferred;      /* copies to free at read_end */
	size_t ndef, capdef;
	uint64_t hits, misses;
};

static __thread unsigned lru_reg_count;

static inline struct lrust *ST(rg_graph_t *g) { return g->rd.pol_state; }

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
	g->rd.pol_state = st;
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
	g->rd.pol_state = NULL;
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
	uint64_t lt0 = rg__lock_wait_begin(g->rd.metrics);
	pthread_rwlock_wrlock(&ST(g)->rw);
	rg__lock_wait_end(g->rd.metrics, lt0);
	rg__snap_load_into(g, rd);
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
static void lru_retire(rg_graph_t *g, struct rg__garbage *gb)
{
	RG_ASSERT_PUB(g);
	struct lrust *st = ST(g);
	if (!st->published) {
		lru_publish_begin(g);
		lru_publish_end(g);
	}
	st->published = 0;
	rg__garbage_free(gb);
}

static void lru_barrier(rg_graph_t *g)
{
	RG_ASSERT_PUB(g);
	ST(g)->published = 0;
}

/* Makes room for one more deferred copy; RG_ENOMEM if it cannot (the
 * query then bypasses the cache). */
static int defer_reserve(struct lrust *st)
{
	if (st->ndef < st->capdef)
		return 0;
	size_t nc = st->capdef ? st->capdef * 2 : 16;
	void **np = realloc(st->deferred, nc * sizeof *np);
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

/* Copies span sp into one malloc'ed block (columns after the slots); the
 * copy's span goes to *out. RG_ENOMEM. */
static int materialise(const rg_span_t *sp, void **blk, rg_span_t *out)
{
	*blk = NULL;
	memset(out, 0, sizeof *out);
	if (!sp->n)
		return 0;
	size_t n = (size_t)sp->n;
	size_t sz = n * 4 + (sp->ids ? n * 8 : 0) + (sp->props ? n * 8 : 0) + (sp->types ? n * 4 : 0);
	char *c = malloc(sz + 8);
	if (!c)
		return RG_ENOMEM;
	char *p = c;
	/* 8-byte columns first: they stay aligned */
	if (sp->ids) {
		memcpy(p, sp->ids, n * 8);
		out->ids = (const uint64_t *)(void *)p;
		p += n * 8;
	}
	if (sp->props) {
		memcpy(p, sp->props, n * 8);
		out->props = (const uint64_t *)(void *)p;
		p += n * 8;
	}
	memcpy(p, sp->slots, n * 4);
	out->slots = (const uint32_t *)(void *)p;
	p += n * 4;
	if (sp->types) {
		memcpy(p, sp->types, n * 4);
		out->types = (const uint32_t *)(void *)p;
	}
	out->n = sp->n;
	*blk = c;
	return 0;
}

/*
 * The span hook: every neighbour query of a (non-shared) section goes
 * through the cache, keyed by (slot, dir) and validated by where the
 * snapshot's adjacency comes from: the node's visible head (pointer and
 * version) or, for a clean node of the pack, the pack (pointer and
 * version). A freed head or pack can be reused at the same address, but
 * never for the same node with the same version.
 */
static int lru_span(const struct rg_read *rd, uint64_t slot, int dir, rg_span_t *sp)
{
	const struct rg_base *b = rd->base;
	const void *src;
	uint64_t ver;
	rg_span_t real;
	if (b && slot < b->nslots && _rg_bit(rd->clean, slot)) {
		_rg_base_span(b, slot, dir, &real, RG_SPAN_ALL);
		src = b;
		ver = b->version;
	} else {
		const struct rg_head *h = slot < rd->nslots ? _rg_visible_head(rd, slot) : NULL;
		if (!h) {
			memset(sp, 0, sizeof *sp);
			return RG_ENOENT;
		}
		_rg_adj_span(rd, dir, &h->adj[dir], &real, RG_SPAN_ALL);
		src = h;
		ver = h->version;
	}
	if (rd->shared) {
		*sp = real;
		return 0;
	}
	struct lrust *st = ST(rd->g);
	/* one free slot in deferred, so dropping a copy below cannot fail */
	if (defer_reserve(st)) {
		*sp = real;
		return 0;
	}
	struct lru_ent **bk = &st->bucket[key_hash(slot, (uint32_t)dir) & st->mask];
	struct lru_ent *e = *bk;
	while (e && (e->slot != slot || e->dir != (uint32_t)dir))
		e = e->hnext;
	if (e && e->src == src && e->ver == ver) {
		st->hits++;
		if (st->mru != e) {
			list_unlink(st, e);
			list_push_front(st, e);
		}
	} else {
		st->misses++;
		void *copy;
		rg_span_t cs;
		if (materialise(&real, &copy, &cs)) {
			*sp = real;
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
			e->hnext = *bk;
			*bk = e;
		} else {
			e = calloc(1, sizeof *e);
			if (!e) {
				free(copy);
				*sp = real;
				return 0;
			}
			e->slot = slot;
			e->dir = (uint32_t)dir;
			e->hnext = *bk;
			*bk = e;
			st->count++;
		}
		e->src = src;
		e->ver = ver;
		e->copy = copy;
		e->sp = cs;
		list_push_front(st, e);
	}
	*sp = e->sp;
	return 0;
}

const struct rg_policy rg__policy_lru_rwlock = {
	.name = "lru-rwlock",
	.kind = RG_POL_LRU_RWLOCK,
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
	.span_hook = lru_span,
};
