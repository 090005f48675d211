/*
 * traverse.c - k-hop, depth-limited BFS and their batch forms, sequential
 * and parallel (OpenMP), on any view of a snapshot (a live read section or
 * a frozen view's handle: traverse_internal.h).
 *
 * One kernel serves every query: a level-synchronous, direction-optimising
 * BFS (Beamer, Asanovic, Patterson, SC'12) over dense slots. The queue q[]
 * holds every discovered slot in level order (level d is q[lv[d] ..
 * lv[d+1])); a k-hop query is the BFS limited to depth k, reading level k
 * (EXACT) or levels 1..k (WITHIN). A level is found either
 *
 *   top-down   from the frontier's spans in the query direction: every
 *              neighbour whose visited bit is clear joins the next level;
 *   bottom-up  from the unvisited slots: each looks for a parent in the
 *              frontier bitmap through its REVERSE spans (the in-adjacency
 *              for RG_OUT, the out-adjacency for RG_IN, both for RG_BOTH)
 *              and stops at the first one found.
 *
 * The switch follows GAPBS's heuristics: go bottom-up when the frontier's
 * degree sum exceeds (edges not yet examined) / alpha (15); go back
 * top-down when a bottom-up level is smaller than the one before it and at
 * most slots / beta (18). Either way level d+1 is exactly the set of
 * unvisited slots with a (type-filtered) edge from level d, so depths are
 * exact whatever path was taken, sequential or parallel.
 *
 * Spans are read with the inline lookup (_rg_span_at): RG_SPAN_SLOTS
 * without a type filter, RG_SPAN_ALL and the types array with one. A
 * bottom-up level lists its slots in ascending order (a scan of the
 * bitmap), so it needs no sort in a dense graph (id == slot); a top-down
 * level is sorted at the end. Sparse graphs map slots to ids and sort ids.
 *
 * Parallel single root: a top-down level is expanded by the team (frontier
 * handed out in chunks by the OpenMP schedule; a neighbour is claimed by a
 * CAS on its visited-bitmap word; claimed slots appended to q in blocks
 * reserved with one atomic add). A bottom-up level is split by bitmap
 * words: each word of the visited and next bitmaps has one writer, so no
 * atomics; per-chunk counts then place every chunk's slots in q in slot
 * order. Parallel batch: roots are handed to workers one at a time; each
 * root runs the sequential kernel in its worker's workspace.
 *
 * Workspace: the visited bitmap (all zero between queries: a query clears
 * what it set), the queue and the level table are cached per thread, up to
 * a size (WS_CACHE_*), so a small query on a large graph costs what it
 * touches, not the slot space.
 */
#include "traverse_internal.h"

#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Small shared helpers                                               */
/* ------------------------------------------------------------------ */

void rg_exec_init(rg_exec_t *ex)
{
	if (ex)
		memset(ex, 0, sizeof *ex);
}

int rg__exec_resolve(rg_exec_t *ex, struct rg_exec_cfg *cfg)
{
	cfg->mode = RG_EXEC_AUTO;
	cfg->threads = 0;
	cfg->min_edges = RG_PAR_MIN_EDGES_DEFAULT;
	if (ex) {
		if (ex->mode != RG_EXEC_AUTO && ex->mode != RG_EXEC_SEQ && ex->mode != RG_EXEC_PAR)
			return RG_EINVAL;
		if (ex->threads < 0 || ex->threads > 1024)
			return RG_EINVAL;
		cfg->mode = ex->mode;
		cfg->threads = ex->threads;
		if (ex->par_min_edges)
			cfg->min_edges = ex->par_min_edges;
		ex->threads_used = 1;
		ex->par_steps = 0;
		ex->worker_failures = 0;
		ex->edges = 0;
		ex->items_par = 0;
		ex->td_steps = 0;
		ex->bu_steps = 0;
	}
	if (cfg->threads == 0)
		cfg->threads = omp_get_max_threads();
	if (cfg->threads < 1)
		cfg->threads = 1;
	/* Nested call from inside a parallel region: stay on this thread. */
	if (cfg->mode == RG_EXEC_SEQ || omp_in_parallel())
		cfg->threads = 1;
	return 0;
}

void rg__par_metrics(const struct rg_read *r, int threads, uint64_t wall_ns, uint64_t busy_ns)
{
	struct rg_metrics *m = r->g ? r->g->rd.metrics : NULL;
	if (!m)
		return;
	rg_metrics_add(m, RG_C_PARALLEL_TRAVERSALS, 1);
	rg_metrics_set(m, RG_G_TRAVERSAL_THREADS, (double)threads);
	rg_metrics_set(m, RG_G_TRAVERSAL_SPEEDUP, wall_ns ? (double)busy_ns / (double)wall_ns : 0.0);
	rg_metrics_observe(m, RG_H_TRAVERSAL_SECONDS, wall_ns);
}

/* ---- sorting: LSD radix, 8-bit digits, constant digits skipped ---- */

void rg__sort_u64(uint64_t *a, size_t n, uint64_t *tmp)
{
	if (n <= 64 || !tmp) {
		for (size_t i = 1; i < n; i++) {
			uint64_t x = a[i];
			size_t j = i;
			while (j > 0 && a[j - 1] > x) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = x;
		}
		return;
	}
	size_t cnt[8][256];
	memset(cnt, 0, sizeof cnt);
	for (size_t i = 0; i < n; i++) {
		uint64_t x = a[i];
		for (int b = 0; b < 8; b++)
			cnt[b][(x >> (8 * b)) & 255]++;
	}
	uint64_t *src = a, *dst = tmp;
	for (int b = 0; b < 8; b++) {
		if (cnt[b][(src[0] >> (8 * b)) & 255] == n)
			continue; /* every key has the same digit here */
		size_t pos = 0;
		for (int d = 0; d < 256; d++) {
			size_t c = cnt[b][d];
			cnt[b][d] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[b][(src[i] >> (8 * b)) & 255]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

void rg__sort_kv(struct rg_kv *a, size_t n, struct rg_kv *tmp)
{
	if (n <= 64 || !tmp) {
		for (size_t i = 1; i < n; i++) {
			struct rg_kv x = a[i];
			size_t j = i;
			while (j > 0 && a[j - 1].k > x.k) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = x;
		}
		return;
	}
	size_t cnt[8][256];
	memset(cnt, 0, sizeof cnt);
	for (size_t i = 0; i < n; i++) {
		uint64_t x = a[i].k;
		for (int b = 0; b < 8; b++)
			cnt[b][(x >> (8 * b)) & 255]++;
	}
	struct rg_kv *src = a, *dst = tmp;
	for (int b = 0; b < 8; b++) {
		if (cnt[b][(src[0].k >> (8 * b)) & 255] == n)
			continue;
		size_t pos = 0;
		for (int d = 0; d < 256; d++) {
			size_t c = cnt[b][d];
			cnt[b][d] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[b][(src[i].k >> (8 * b)) & 255]++] = src[i];
		struct rg_kv *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

/* Sorts n distinct slots < ns ascending: insertion for a few, a bitmap
 * scan when they are dense in the slot space, else a radix sort. */
static int sort_slots(uint32_t *a, size_t n, uint64_t ns)
{
	if (n <= 64) {
		for (size_t i = 1; i < n; i++) {
			uint32_t x = a[i];
			size_t j = i;
			while (j > 0 && a[j - 1] > x) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = x;
		}
		return 0;
	}
	size_t words = (size_t)(ns + 63) / 64;
	if (words <= 4 * n) {
		uint64_t *bm = calloc(words, sizeof *bm);
		if (!bm)
			return RG_ENOMEM;
		for (size_t i = 0; i < n; i++)
			bm[a[i] >> 6] |= UINT64_C(1) << (a[i] & 63);
		size_t k = 0;
		for (size_t w = 0; w < words; w++)
			for (uint64_t bits = bm[w]; bits; bits &= bits - 1)
				a[k++] = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bits));
		free(bm);
		return 0;
	}
	uint32_t *tmp = malloc(n * sizeof *tmp);
	if (!tmp)
		return RG_ENOMEM;
	size_t cnt[4][256];
	memset(cnt, 0, sizeof cnt);
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 4; b++)
			cnt[b][(a[i] >> (8 * b)) & 255]++;
	uint32_t *src = a, *dst = tmp;
	for (int b = 0; b < 4; b++) {
		if (cnt[b][(src[0] >> (8 * b)) & 255] == n)
			continue;
		size_t pos = 0;
		for (int d = 0; d < 256; d++) {
			size_t c = cnt[b][d];
			cnt[b][d] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[b][(src[i] >> (8 * b)) & 255]++] = src[i];
		uint32_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	free(tmp);
	return 0;
}

/* ---- results ---- */

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

/* ------------------------------------------------------------------ */
/* Workspace                                                          */
/* ------------------------------------------------------------------ */

/* What a thread keeps between queries: a visited bitmap of up to
 * WS_CACHE_WORDS words (1 MiB: 8 Mi slots) and a queue of up to
 * WS_CACHE_Q slots (1 MiB). Larger ones are freed after the query. */
#define WS_CACHE_WORDS ((size_t)1 << 17)
#define WS_CACHE_Q ((size_t)1 << 18)

struct ws {
	uint64_t ns;
	size_t words;     /* words of the slot space */
	uint64_t *vis;    /* visited bitmap, vis_words >= words; all zero between queries */
	size_t vis_words;
	uint32_t *q;      /* discovered slots in level order */
	size_t qn, qcap;
	size_t *lv;       /* level starts: level d = q[lv[d] .. lv[d+1]) */
	uint8_t *lvs;     /* per level: 1 if its slots are in ascending order */
	size_t nlv, lvcap;
	uint64_t *front, *next; /* bottom-up bitmaps (words each), NULL until needed */
	uint64_t *ccnt;   /* bottom-up: per chunk of words, count then offset */
	size_t ccap;
	int dirty;        /* vis has bits of slots not in q (bottom-up marks absent slots) */
	uint64_t edges;   /* adjacency entries examined */
	uint32_t td, bu;  /* levels found top-down / bottom-up */
};

/* The calling thread's cache. The __thread pointer is what the kernels
 * use (and what keeps the buffers reachable for leak checkers); the key's
 * destructor frees them when the thread exits. */
struct ws_cache {
	uint64_t *vis;
	size_t vis_words;
	uint32_t *q;
	size_t qcap;
	size_t *lv;
	uint8_t *lvs;
	size_t lvcap;
};
static __thread struct ws_cache *tls_cache;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static int cache_key_ok;

static void cache_destroy(void *p)
{
	struct ws_cache *c = p;
	if (!c)
		return;
	free(c->vis);
	free(c->q);
	free(c->lv);
	free(c->lvs);
	free(c);
	tls_cache = NULL;
}

static void cache_key_init(void)
{
	cache_key_ok = pthread_key_create(&cache_key, cache_destroy) == 0;
}

static void ws_free_bufs(struct ws *w)
{
	free(w->vis);
	free(w->q);
	free(w->lv);
	free(w->lvs);
	free(w->front);
	free(w->next);
	free(w->ccnt);
	memset(w, 0, sizeof *w);
}

/* A workspace for slot space ns, from the thread's cache when it fits. */
static int ws_get(struct ws *w, uint64_t ns)
{
	memset(w, 0, sizeof *w);
	w->ns = ns;
	w->words = (size_t)(ns + 63) / 64;
	struct ws_cache *c = tls_cache;
	if (c) {
		if (c->vis && c->vis_words >= w->words) {
			w->vis = c->vis;
			w->vis_words = c->vis_words;
			c->vis = NULL;
		}
		w->q = c->q;
		w->qcap = c->qcap;
		w->lv = c->lv;
		w->lvs = c->lvs;
		w->lvcap = c->lvcap;
		c->q = NULL;
		c->lv = NULL;
		c->lvs = NULL;
		c->qcap = c->lvcap = 0;
	}
	if (!w->vis) {
		w->vis_words = w->words ? w->words : 1;
		w->vis = calloc(w->vis_words, sizeof *w->vis);
	}
	if (!w->q) {
		w->qcap = ns < 1024 ? (size_t)(ns ? ns : 1) : 1024;
		w->q = malloc(w->qcap * sizeof *w->q);
	}
	if (!w->lv) {
		w->lvcap = 64;
		w->lv = malloc(w->lvcap * sizeof *w->lv);
		w->lvs = malloc(w->lvcap);
	}
	if (!w->vis || !w->q || !w->lv || !w->lvs) {
		ws_free_bufs(w);
		return RG_ENOMEM;
	}
	return 0;
}

/* Clears what the last query set in vis (its queue's words, or all of it
 * when that is cheaper or bottom-up marked slots outside the queue). */
static void ws_reset(struct ws *w)
{
	if (w->dirty || w->qn > w->words / 4) {
		memset(w->vis, 0, w->words * sizeof *w->vis);
	} else {
		for (size_t i = 0; i < w->qn; i++)
			w->vis[w->q[i] >> 6] = 0;
	}
	w->qn = 0;
	w->nlv = 0;
	w->dirty = 0;
}

/* Returns the workspace's buffers to the thread's cache (those that fit)
 * or frees them. */
static void ws_put(struct ws *w)
{
	if (!w->vis)
		return;
	ws_reset(w);
	free(w->front);
	free(w->next);
	free(w->ccnt);
	w->front = w->next = w->ccnt = NULL;
	pthread_once(&cache_once, cache_key_init);
	struct ws_cache *c = tls_cache;
	if (!c && cache_key_ok && (c = calloc(1, sizeof *c)) != NULL) {
		if (pthread_setspecific(cache_key, c) != 0) {
			free(c);
			c = NULL;
		} else {
			tls_cache = c;
		}
	}
	if (c && w->vis_words <= WS_CACHE_WORDS && (!c->vis || c->vis_words < w->vis_words)) {
		free(c->vis);
		c->vis = w->vis;
		c->vis_words = w->vis_words;
		w->vis = NULL;
	}
	if (c && !c->q && w->qcap <= WS_CACHE_Q) {
		c->q = w->q;
		c->qcap = w->qcap;
		c->lv = w->lv;
		c->lvs = w->lvs;
		c->lvcap = w->lvcap;
		w->q = NULL;
		w->lv = NULL;
		w->lvs = NULL;
	}
	ws_free_bufs(w);
}

/* Queue capacity for `need` entries (need <= ns). */
static int ws_qreserve(struct ws *w, size_t need)
{
	if (need <= w->qcap)
		return 0;
	size_t nc = w->qcap * 2 > need ? w->qcap * 2 : need;
	if (nc > w->ns)
		nc = (size_t)w->ns;
	uint32_t *p = realloc(w->q, nc * sizeof *p);
	if (!p)
		return RG_ENOMEM;
	w->q = p;
	w->qcap = nc;
	return 0;
}

/* Closes the level that ends at qn. */
static int ws_push_level(struct ws *w, int sorted)
{
	if (w->nlv + 2 > w->lvcap) {
		size_t nc = w->lvcap * 2;
		size_t *p = realloc(w->lv, nc * sizeof *p);
		if (!p)
			return RG_ENOMEM;
		w->lv = p;
		uint8_t *s = realloc(w->lvs, nc);
		if (!s)
			return RG_ENOMEM;
		w->lvs = s;
		w->lvcap = nc;
	}
	w->lvs[w->nlv] = (uint8_t)sorted;
	w->nlv++;
	w->lv[w->nlv] = w->qn;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The BFS kernel                                                     */
/* ------------------------------------------------------------------ */

struct query {
	int kind;          /* 0: k-hop, 1: BFS */
	unsigned k;        /* k-hop */
	int mode;          /* k-hop */
	uint32_t maxdepth; /* levels to expand: k for k-hop */
	int dir;           /* RG_OUT / RG_IN / RG_BOTH */
	uint32_t type;
};

#define BFS_ALPHA 15 /* GAPBS: go bottom-up at frontier degrees > unexamined / alpha */
#define BFS_BETA 18  /* GAPBS: back top-down once a level <= slots / beta shrinks */
#define QBUF 256     /* parallel top-down: slots claimed per reservation */
#define BU_CHUNK 64  /* parallel bottom-up: words per chunk (4096 slots) */

#define DIR_LO(dir) ((dir) == RG_IN ? 1 : 0)
#define DIR_HI(dir) ((dir) == RG_OUT ? 0 : 1)

struct par_stats {
	int steps, team;
	uint64_t wall_ns, busy_ns;
};

/* Degree sum of slot v in the query direction (the heuristic's weight). */
static inline uint64_t deg_dir(const struct rg_read *lr, uint32_t v, int dir)
{
	rg_span_t sp;
	uint64_t s = 0;
	if (dir != RG_IN) {
		_rg_span_at(lr, v, RG_OUT, &sp, RG_SPAN_SLOTS);
		s += sp.n;
	}
	if (dir != RG_OUT) {
		_rg_span_at(lr, v, RG_IN, &sp, RG_SPAN_SLOTS);
		s += sp.n;
	}
	return s;
}

/* The span of u in direction d for the query's type filter: sp->n == 0
 * when no entry can match (types all 0 and a nonzero filter); *types is
 * the array to check, or NULL when every entry matches. */
static inline void span_q(const struct rg_read *lr, uint32_t u, int d, uint32_t type,
			  rg_span_t *sp, const uint32_t **types)
{
	*types = NULL;
	if (type == RG_TYPE_ANY) {
		_rg_span_at(lr, u, d, sp, RG_SPAN_SLOTS);
		return;
	}
	_rg_span_at(lr, u, d, sp, RG_SPAN_ALL);
	if (sp->types)
		*types = sp->types;
	else if (type != 0)
		sp->n = 0;
}

/* Sequential top-down step: expands q[b..e) onto the end of q. Returns the
 * degree sum of the new level when need_scout, else 0. */
static int td_seq(const struct rg_read *lr, struct ws *w, const struct query *qq, size_t b,
		  size_t e, int need_scout, uint64_t *scout_out)
{
	uint64_t *vis = w->vis;
	uint64_t scout = 0, edges = 0;
	const uint32_t t = qq->type;
	for (size_t i = b; i < e; i++) {
		const uint32_t u = w->q[i];
		for (int d = DIR_LO(qq->dir); d <= DIR_HI(qq->dir); d++) {
			rg_span_t sp;
			const uint32_t *ty;
			span_q(lr, u, d, t, &sp, &ty);
			const uint64_t n = sp.n;
			if (!n)
				continue;
			edges += n;
			size_t need = w->qn + n;
			if (need > w->ns)
				need = (size_t)w->ns;
			if (ws_qreserve(w, need))
				return RG_ENOMEM;
			uint32_t *q = w->q;
			size_t qn = w->qn;
			const uint32_t *s = sp.slots;
			for (uint64_t j = 0; j < n; j++) {
				if (ty && ty[j] != t)
					continue;
				const uint32_t v = s[j];
				const uint64_t m = UINT64_C(1) << (v & 63);
				if (vis[v >> 6] & m)
					continue;
				vis[v >> 6] |= m;
				q[qn++] = v;
				if (need_scout)
					scout += deg_dir(lr, v, qq->dir);
			}
			w->qn = qn;
		}
	}
	w->edges += edges;
	*scout_out = scout;
	return 0;
}

/* Claims slot v's visited bit; 1 if this thread set it. */
static inline int claim(uint64_t *vis, uint32_t v)
{
	uint64_t *wd = &vis[v >> 6];
	const uint64_t m = UINT64_C(1) << (v & 63);
	/* relaxed pre-check: a stale 0 only leads to the CAS, which decides */
	uint64_t old = RG_LOAD_SHARED(*wd);
	while (!(old & m)) {
		/* CAS: the bit alone decides which thread owns v (the full barrier
		 * of the vocabulary's CAS is more than needed); the step's closing
		 * barrier publishes the queue entries */
		uint64_t seen = RG_CMPXCHG(wd, old, old | m);
		if (seen == old)
			return 1;
		old = seen;
	}
	return 0;
}

/* Reserves n queue entries for one thread's buffer and copies it there. */
static inline void q_flush(struct ws *w, size_t *tail, const uint32_t *buf, size_t n)
{
	if (!n)
		return;
	/* relaxed: the range only has to be unique; entries are read after
	 * the region's closing barrier */
	size_t at = RG_FETCH_ADD_RELAXED(tail, n);
	memcpy(w->q + at, buf, n * sizeof *buf);
}

/* Parallel top-down step (q has room for every slot). */
static void td_par(const struct rg_read *r, struct ws *w, const struct query *qq, size_t b,
		   size_t e, int need_scout, int threads, uint64_t *scout_out, struct par_stats *ps)
{
	size_t tail = w->qn;
	uint64_t scout = 0, edges = 0, busy = 0;
	int team = 1;
	uint64_t t0 = rg_now_ns();
#pragma omp parallel num_threads(threads) reduction(+ : scout, edges, busy)
	{
		const int tid = omp_get_thread_num();
		uint64_t tw = rg_now_ns();
		if (tid == 0)
			team = omp_get_num_threads();
		struct rg_read lr;
		rg__worker_view(r, tid, &lr);
		uint64_t *vis = w->vis;
		const uint32_t *q = w->q;
		const uint32_t t = qq->type;
		uint32_t buf[QBUF];
		size_t bn = 0;
#pragma omp for schedule(dynamic, 64) nowait
		for (size_t i = b; i < e; i++) {
			const uint32_t u = q[i];
			for (int d = DIR_LO(qq->dir); d <= DIR_HI(qq->dir); d++) {
				rg_span_t sp;
				const uint32_t *ty;
				span_q(&lr, u, d, t, &sp, &ty);
				edges += sp.n;
				for (uint64_t j = 0; j < sp.n; j++) {
					if (ty && ty[j] != t)
						continue;
					const uint32_t v = sp.slots[j];
					if (!claim(vis, v))
						continue;
					buf[bn++] = v;
					if (need_scout)
						scout += deg_dir(&lr, v, qq->dir);
					if (bn == QBUF) {
						q_flush(w, &tail, buf, bn);
						bn = 0;
					}
				}
			}
		}
		q_flush(w, &tail, buf, bn);
		busy += rg_now_ns() - tw;
	}
	ps->wall_ns += rg_now_ns() - t0;
	ps->busy_ns += busy;
	ps->steps++;
	if (team > ps->team)
		ps->team = team;
	w->qn = tail;
	w->edges += edges;
	*scout_out = scout;
}

/* Whether a span has an entry (of the type) whose slot is in the frontier
 * bitmap; *ex += entries examined. */
static inline int has_parent(const rg_span_t *sp, const uint32_t *ty, uint32_t t,
			     const uint64_t *front, uint64_t *ex)
{
	const uint32_t *s = sp->slots;
	const uint64_t n = sp->n;
	for (uint64_t j = 0; j < n; j++) {
		if (ty && ty[j] != t)
			continue;
		const uint32_t u = s[j];
		if (front[u >> 6] >> (u & 63) & 1) {
			*ex += j + 1;
			return 1;
		}
	}
	*ex += n;
	return 0;
}

/* Bottom-up over the words [w0, w1): every unvisited slot looks for a
 * parent in front through its reverse spans. Writes next[w] and the new
 * bits (and those of absent slots, which can never be reached) into vis[w]
 * for every word of the range: the caller's range is this thread's alone.
 * Returns the slots found. */
static uint64_t bu_words(const struct rg_read *lr, const struct query *qq, uint64_t *vis,
			 const uint64_t *front, uint64_t *next, size_t w0, size_t w1, uint64_t ns,
			 uint64_t *edges)
{
	/* reverse directions: a parent u of v has an edge u -> v in the
	 * query direction, so v finds it in its opposite adjacency */
	const int lo = qq->dir == RG_OUT ? RG_IN : RG_OUT;
	const int hi = qq->dir == RG_IN ? RG_OUT : RG_IN;
	const uint32_t t = qq->type;
	uint64_t awake = 0, ex = 0;
	for (size_t wi = w0; wi < w1; wi++) {
		uint64_t cand = ~vis[wi];
		if ((wi + 1) * 64 > ns)
			cand &= (UINT64_C(1) << (ns & 63)) - 1;
		uint64_t bits = 0, absent = 0;
		while (cand) {
			const unsigned i = (unsigned)__builtin_ctzll(cand);
			cand &= cand - 1;
			const uint32_t v = (uint32_t)(wi * 64 + i);
			for (int d = lo;; d = hi) {
				rg_span_t sp;
				const uint32_t *ty = NULL;
				int rc;
				if (t == RG_TYPE_ANY) {
					rc = _rg_span_at(lr, v, d, &sp, RG_SPAN_SLOTS);
				} else {
					rc = _rg_span_at(lr, v, d, &sp, RG_SPAN_ALL);
					if (sp.types)
						ty = sp.types;
					else if (t != 0)
						sp.n = 0;
				}
				if (rc) {
					absent |= UINT64_C(1) << i;
					break;
				}
				if (has_parent(&sp, ty, t, front, &ex)) {
					bits |= UINT64_C(1) << i;
					break;
				}
				if (d == hi)
					break;
			}
		}
		next[wi] = bits;
		vis[wi] |= bits | absent;
		awake += (uint64_t)__builtin_popcountll(bits);
	}
	*edges += ex;
	return awake;
}

/* Appends the slots of next[w0, w1) to q at position at, ascending. */
static void bits_to_q(const uint64_t *next, size_t w0, size_t w1, uint32_t *q, size_t at)
{
	for (size_t wi = w0; wi < w1; wi++)
		for (uint64_t bits = next[wi]; bits; bits &= bits - 1)
			q[at++] = (uint32_t)(wi * 64 + (unsigned)__builtin_ctzll(bits));
}

/* A bottom-up step from the frontier bitmap w->front into w->next, the new
 * level appended to q in slot order (q has room for every slot). threads
 * 1: on the calling thread. Returns the level's size. */
static uint64_t bu_step(const struct rg_read *r, struct ws *w, const struct query *qq,
			int threads, struct par_stats *ps)
{
	const size_t words = w->words, nch = (words + BU_CHUNK - 1) / BU_CHUNK;
	uint64_t *ccnt = w->ccnt, edges = 0, busy = 0, awake = 0;
	const size_t base = w->qn;
	int team = 1;
	uint64_t t0 = rg_now_ns();
#pragma omp parallel num_threads(threads) if (threads > 1) reduction(+ : edges, busy)
	{
		const int tid = omp_get_thread_num();
		uint64_t tw = rg_now_ns();
		if (tid == 0)
			team = omp_get_num_threads();
		struct rg_read lr;
		rg__worker_view(r, tid, &lr);
#pragma omp for schedule(dynamic, 1)
		for (size_t c = 0; c < nch; c++) {
			size_t w1 = (c + 1) * BU_CHUNK < words ? (c + 1) * BU_CHUNK : words;
			ccnt[c] = bu_words(&lr, qq, w->vis, w->front, w->next, c * BU_CHUNK, w1,
					   w->ns, &edges);
		}
#pragma omp single
		{
			/* exclusive prefix sums: each chunk's place in the level */
			uint64_t s = 0;
			for (size_t c = 0; c < nch; c++) {
				uint64_t x = ccnt[c];
				ccnt[c] = s;
				s += x;
			}
			awake = s;
		}
#pragma omp for schedule(dynamic, 1)
		for (size_t c = 0; c < nch; c++) {
			size_t w1 = (c + 1) * BU_CHUNK < words ? (c + 1) * BU_CHUNK : words;
			bits_to_q(w->next, c * BU_CHUNK, w1, w->q, base + ccnt[c]);
		}
		busy += rg_now_ns() - tw;
	}
	if (threads > 1) {
		ps->wall_ns += rg_now_ns() - t0;
		ps->busy_ns += busy;
		ps->steps++;
		if (team > ps->team)
			ps->team = team;
	}
	w->qn = base + (size_t)awake;
	w->edges += edges;
	w->dirty = 1;
	uint64_t *tmp = w->front;
	w->front = w->next;
	w->next = tmp;
	return awake;
}

/* Frontier q[b..e) as the bitmap w->front. */
static void q_to_front(struct ws *w, size_t b, size_t e)
{
	memset(w->front, 0, w->words * sizeof *w->front);
	for (size_t i = b; i < e; i++)
		w->front[w->q[i] >> 6] |= UINT64_C(1) << (w->q[i] & 63);
}

/* Frontier degree sum, stopping once `cap` is reached. */
static uint64_t frontier_deg(const struct rg_read *lr, const struct ws *w, size_t b, size_t e,
			     int dir, uint64_t cap)
{
	uint64_t sum = 0;
	for (size_t i = b; i < e && sum < cap; i++)
		sum += deg_dir(lr, w->q[i], dir);
	return sum;
}

/*
 * BFS from root to depth qq->maxdepth into w (reset). cfg == NULL or one
 * thread: sequential; otherwise a level may go parallel (AUTO rules at the
 * top of traverse.h).
 */
static int run_root(const struct rg_read *r, struct ws *w, uint32_t root, const struct query *qq,
		    const struct rg_exec_cfg *cfg, struct par_stats *ps)
{
	struct rg_read lr;
	rg__worker_view(r, 0, &lr);
	const uint64_t ns = w->ns;
	const int threads = cfg ? cfg->threads : 1;
	w->vis[root >> 6] |= UINT64_C(1) << (root & 63);
	w->q[0] = root;
	w->qn = 1;
	w->lv[0] = 0;
	w->lv[1] = 1;
	w->lvs[0] = 1;
	w->nlv = 1;
	if (qq->maxdepth == 0)
		return 0;
	int64_t unexamined = (int64_t)r->edges * (qq->dir == RG_BOTH ? 2 : 1);
	uint64_t scout = deg_dir(&lr, root, qq->dir);
	uint64_t fdeg = scout; /* frontier degree sum (AUTO), UINT64_MAX: unknown */
	int bu = 0;
	uint64_t awake = 0;
	for (uint32_t d = 0; d < qq->maxdepth; d++) {
		const size_t b = w->lv[d], e = w->lv[d + 1];
		const int need_scout = d + 1 < qq->maxdepth;
		if (!bu && (int64_t)scout > unexamined / BFS_ALPHA) {
			bu = 1;
			awake = e - b;
			if (!w->front) {
				w->front = malloc(w->words * sizeof *w->front);
				w->next = malloc(w->words * sizeof *w->next);
				size_t nch = (w->words + BU_CHUNK - 1) / BU_CHUNK;
				w->ccnt = malloc((nch ? nch : 1) * sizeof *w->ccnt);
				if (!w->front || !w->next || !w->ccnt)
					return RG_ENOMEM;
			}
			if (ws_qreserve(w, (size_t)ns))
				return RG_ENOMEM;
			q_to_front(w, b, e);
		}
		if (bu) {
			int par = threads > 1 &&
				  (cfg->mode == RG_EXEC_PAR ||
				   (cfg->mode == RG_EXEC_AUTO &&
				    (ns >= cfg->min_edges || (fdeg != UINT64_MAX && fdeg >= cfg->min_edges))));
			uint64_t old = awake;
			awake = bu_step(r, w, qq, par ? threads : 1, ps);
			w->bu++;
			fdeg = UINT64_MAX;
			if (!(awake >= old || awake > ns / BFS_BETA)) {
				bu = 0;
				scout = 1; /* GAPBS: stay top-down for the next level */
			}
		} else {
			unexamined -= (int64_t)scout;
			int par = 0;
			if (threads > 1) {
				if (cfg->mode == RG_EXEC_PAR) {
					par = 1;
				} else if (cfg->mode == RG_EXEC_AUTO && e - b >= 2 * (size_t)threads) {
					if (fdeg == UINT64_MAX)
						fdeg = frontier_deg(&lr, w, b, e, qq->dir, cfg->min_edges);
					par = fdeg >= cfg->min_edges;
				}
			}
			if (par) {
				if (ws_qreserve(w, (size_t)ns))
					return RG_ENOMEM;
				td_par(r, w, qq, b, e, need_scout, threads, &scout, ps);
			} else if (td_seq(&lr, w, qq, b, e, need_scout, &scout)) {
				return RG_ENOMEM;
			}
			w->td++;
			fdeg = scout;
		}
		if (w->qn == e)
			break; /* nothing new: level d+1 is empty */
		if (ws_push_level(w, bu))
			return RG_ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Results                                                            */
/* ------------------------------------------------------------------ */

/* Ids of q[b..e) ascending into ids (q's order may change). sorted: the
 * range is one level already in slot order. */
static int sorted_ids(const struct rg_read *r, struct ws *w, size_t b, size_t e, int sorted,
		      uint64_t *ids)
{
	const size_t n = e - b;
	uint32_t *q = w->q + b;
	if (r->dense) {
		if (!sorted && sort_slots(q, n, w->ns))
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

static int make_khop(const struct rg_read *r, struct ws *w, const struct query *qq,
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

static int make_bfs(const struct rg_read *r, struct ws *w, rg_bfs_t *out)
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

static int make_result(const struct rg_read *r, struct ws *w, const struct query *qq, void *outs,
		       size_t i)
{
	if (qq->kind == 0)
		return make_khop(r, w, qq, (rg_nodeset_t *)outs + i);
	return make_bfs(r, w, (rg_bfs_t *)outs + i);
}

static void free_result(const struct query *qq, void *outs, size_t i)
{
	if (qq->kind == 0)
		rg_nodeset_free((rg_nodeset_t *)outs + i);
	else
		rg_bfs_free((rg_bfs_t *)outs + i);
}

static void clear_result(const struct query *qq, void *outs, size_t i)
{
	if (qq->kind == 0)
		memset((rg_nodeset_t *)outs + i, 0, sizeof(rg_nodeset_t));
	else
		memset((rg_bfs_t *)outs + i, 0, sizeof(rg_bfs_t));
}

static int check_query(const struct query *qq)
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

static void report(rg_exec_t *ex, const struct rg_read *r, const struct par_stats *ps,
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
static int single(const struct rg_read *r, uint64_t root, const struct query *qq, rg_exec_t *ex,
		  void *out)
{
	struct rg_exec_cfg cfg;
	int rc = rg__exec_resolve(ex, &cfg);
	if (rc)
		return rc;
	uint32_t rs;
	if ((rc = root_slot(r, root, &rs)) != 0)
		return rc;
	struct ws w;
	if ((rc = ws_get(&w, r->nslots)) != 0)
		return rc;
	struct par_stats ps = {0};
	rc = run_root(r, &w, rs, qq, &cfg, &ps);
	if (!rc)
		rc = make_result(r, &w, qq, out, 0);
	report(ex, r, &ps, w.edges, 0, w.td, w.bu);
	ws_put(&w);
	return rc;
}

/* Shared state of a parallel batch. */
struct par_batch {
	const struct rg_read *r;
	const struct query *qq;
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
	struct ws w;
	if (ws_get(&w, lr.nslots) != 0) {
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
		int rc = run_root(&lr, &w, pb->slots[i], pb->qq, NULL, NULL);
		if (!rc)
			rc = make_result(&lr, &w, pb->qq, pb->outs, i);
		ws_reset(&w);
		if (rc) {
			/* relaxed: read after the region's closing barrier */
			RG_STORE_SHARED(pb->err, rc);
		}
	}
	*edges += w.edges;
	*td += w.td;
	*bu += w.bu;
	ws_put(&w);
}

static int batch(const struct rg_read *r, const uint64_t *roots, size_t n, const struct query *qq,
		 rg_exec_t *ex, void *outs)
{
	struct rg_exec_cfg cfg;
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
	struct ws w;
	if ((rc = ws_get(&w, r->nslots)) != 0) {
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
			rc = run_root(r, &w, slots[i], qq, NULL, NULL);
			if (!rc)
				rc = make_result(r, &w, qq, outs, i);
			ws_reset(&w);
			if (rc)
				break;
		}
	}
	struct par_stats ps = {0};
	uint64_t edges = w.edges, items_par = 0;
	uint32_t td = w.td, bu = w.bu;
	ws_put(&w);
	if (!rc && i < n) {
		struct par_batch pb = {
			.r = r, .qq = qq, .slots = slots, .outs = outs, .cursor = i, .end = n,
		};
		int team = cfg.threads;
		if ((size_t)team > n - i)
			team = (int)(n - i);
		uint64_t busy = 0, pedges = 0;
		uint32_t ptd = 0, pbu = 0;
		uint64_t t0 = rg_now_ns();
#pragma omp parallel num_threads(team) reduction(+ : busy, pedges, ptd, pbu)
		{
			uint64_t tw = rg_now_ns();
			if (omp_get_thread_num() == 0)
				ps.team = omp_get_num_threads();
			par_batch_worker(&pb, &pedges, &ptd, &pbu);
			busy += rg_now_ns() - tw;
		}
		ps.wall_ns = rg_now_ns() - t0;
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
	struct query qq = {.kind = 0, .k = k, .mode = mode, .maxdepth = k, .dir = dir, .type = type};
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
	struct query qq = {.kind = 1, .maxdepth = max_depth, .dir = dir, .type = type};
	int rc = rg__view_check(r);
	if (!rc)
		rc = check_query(&qq);
	return rc ? rc : single(r, root, &qq, ex, out);
}

static int batch_entry(const rg_read_t *r, const uint64_t *roots, size_t n, const struct query *qq,
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
	struct query qq = {.kind = 0, .k = k, .mode = mode, .maxdepth = k, .dir = dir, .type = type};
	return batch_entry(r, roots, nroots, &qq, ex, outs);
}

int rg_bfs_batch(const rg_read_t *r, const uint64_t *roots, size_t nroots, uint32_t max_depth,
		 int dir, uint32_t type, rg_exec_t *ex, rg_bfs_t *outs)
{
	struct query qq = {.kind = 1, .maxdepth = max_depth, .dir = dir, .type = type};
	return batch_entry(r, roots, nroots, &qq, ex, outs);
}
