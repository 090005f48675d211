/*
 * bfs.c - the BFS kernel every traversal query runs (traverse.c), and its
 * per-thread workspace; sequential and parallel (OpenMP), on any view of a
 * snapshot (a live read section or a frozen view's handle: kernel.h).
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
 * order. (Parallel batches, traverse.c, run one sequential kernel per root
 * in each worker's workspace.)
 *
 * Workspace: the visited bitmap (all zero between queries: a query clears
 * what it set), the queue and the level table are cached per thread, up to
 * a size (WS_CACHE_*), so a small query on a large graph costs what it
 * touches, not the slot space.
 */
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bfs.h"

/* ------------------------------------------------------------------ */
/* Workspace                                                          */
/* ------------------------------------------------------------------ */

/* What a thread keeps between queries: a visited bitmap of up to
 * WS_CACHE_WORDS words (1 MiB: 8 Mi slots) and a queue of up to
 * WS_CACHE_Q slots (1 MiB). Larger ones are freed after the query. */
#define WS_CACHE_WORDS ((size_t)1 << 17)
#define WS_CACHE_Q ((size_t)1 << 18)


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

static void ws_free_bufs(struct rg__ws *w)
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
int rg__ws_get(struct rg__ws *w, uint64_t ns)
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
void rg__ws_reset(struct rg__ws *w)
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
void rg__ws_put(struct rg__ws *w)
{
	if (!w->vis)
		return;
	rg__ws_reset(w);
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
static int ws_qreserve(struct rg__ws *w, size_t need)
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
static int ws_push_level(struct rg__ws *w, int sorted)
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


#define BFS_ALPHA 15 /* GAPBS: go bottom-up at frontier degrees > unexamined / alpha */
#define BFS_BETA 18  /* GAPBS: back top-down once a level <= slots / beta shrinks */
#define QBUF 256     /* parallel top-down: slots claimed per reservation */
#define BU_CHUNK 64  /* parallel bottom-up: words per chunk (4096 slots) */

#define DIR_LO(dir) ((dir) == RG_IN ? 1 : 0)
#define DIR_HI(dir) ((dir) == RG_OUT ? 0 : 1)


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
static int td_seq(const struct rg_read *lr, struct rg__ws *w, const struct rg__query *qq,
		  size_t b, size_t e, int need_scout, uint64_t *scout_out)
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
static inline void q_flush(struct rg__ws *w, size_t *tail, const uint32_t *buf, size_t n)
{
	if (!n)
		return;
	/* relaxed: the range only has to be unique; entries are read after
	 * the region's closing barrier */
	size_t at = RG_FETCH_ADD_RELAXED(tail, n);
	memcpy(w->q + at, buf, n * sizeof *buf);
}

/* Parallel top-down step (q has room for every slot). */
static void td_par(const struct rg_read *r, struct rg__ws *w, const struct rg__query *qq,
		   size_t b, size_t e, int need_scout, int threads, uint64_t *scout_out,
		   struct rg__par_stats *ps)
{
	size_t tail = w->qn;
	uint64_t scout = 0, edges = 0, busy = 0;
	int team = 1;
	uint64_t t0 = rg__now_ns();
#pragma omp parallel num_threads(threads) reduction(+ : scout, edges, busy)
	{
		const int tid = omp_get_thread_num();
		uint64_t tw = rg__now_ns();
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
		busy += rg__now_ns() - tw;
	}
	ps->wall_ns += rg__now_ns() - t0;
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
static uint64_t bu_words(const struct rg_read *lr, const struct rg__query *qq, uint64_t *vis,
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
static uint64_t bu_step(const struct rg_read *r, struct rg__ws *w, const struct rg__query *qq,
			int threads, struct rg__par_stats *ps)
{
	const size_t words = w->words, nch = (words + BU_CHUNK - 1) / BU_CHUNK;
	uint64_t *ccnt = w->ccnt, edges = 0, busy = 0, awake = 0;
	const size_t base = w->qn;
	int team = 1;
	uint64_t t0 = rg__now_ns();
#pragma omp parallel num_threads(threads) if (threads > 1) reduction(+ : edges, busy)
	{
		const int tid = omp_get_thread_num();
		uint64_t tw = rg__now_ns();
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
		busy += rg__now_ns() - tw;
	}
	if (threads > 1) {
		ps->wall_ns += rg__now_ns() - t0;
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
static void q_to_front(struct rg__ws *w, size_t b, size_t e)
{
	memset(w->front, 0, w->words * sizeof *w->front);
	for (size_t i = b; i < e; i++)
		w->front[w->q[i] >> 6] |= UINT64_C(1) << (w->q[i] & 63);
}

/* Frontier degree sum, stopping once `cap` is reached. */
static uint64_t frontier_deg(const struct rg_read *lr, const struct rg__ws *w, size_t b,
			     size_t e, int dir, uint64_t cap)
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
int rg__bfs_run(const struct rg_read *r, struct rg__ws *w, uint32_t root,
		const struct rg__query *qq, const struct rg__exec_cfg *cfg, struct rg__par_stats *ps)
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
	int64_t unexamined = (int64_t)rg_edge_count(r) * (qq->dir == RG_BOTH ? 2 : 1);
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

