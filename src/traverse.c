/*
 * traverse.c - k-hop, depth-limited BFS and their batch forms, sequential
 * and parallel (OpenMP), on a live read section or a frozen CSR.
 *
 * One kernel serves every query: a level-synchronous BFS over dense slots
 * with a visited bitmap. The BFS queue q[] holds every discovered slot in
 * level order (level d is q[lv[d] .. lv[d+1])) and qid[] the matching node
 * ids, taken from the edge entry at discovery time so that results need no
 * slot -> id lookups. A k-hop query is the BFS limited to depth k, reading
 * level k (EXACT) or levels 1..k (WITHIN).
 *
 * Parallel single root: a level whose frontier is big enough is expanded by
 * all workers; frontier nodes are handed out in chunks through an atomic
 * cursor, a neighbour is claimed by an atomic test-and-set of its visited
 * bit, and claimed slots are appended to q[] in blocks of 256 reserved with
 * one atomic add. The set of slots at each depth is what it would be
 * sequentially (BFS levels are unique); only their order inside q[] differs,
 * and results are sorted, so the output is identical.
 *
 * Parallel batch: roots are handed to workers one at a time; each root runs
 * the sequential kernel in its worker's private workspace.
 */
#include "traverse_internal.h"

#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "graph_internal.h" /* rg_graph_metrics_internal, metrics.h */

/* Exported by the core (src/graph.c) without a header declaration. */

/* ------------------------------------------------------------------ */
/* Small shared helpers                                               */
/* ------------------------------------------------------------------ */

uint64_t rg__now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void rg_exec_init(rg_exec_t *ex)
{
	if (ex)
		memset(ex, 0, sizeof *ex);
}

int rg__exec_resolve(rg_exec_t *ex, struct rg_exec_cfg *cfg, const struct rg_src *src)
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
	}
	if (cfg->threads == 0)
		cfg->threads = omp_get_max_threads();
	if (cfg->threads < 1)
		cfg->threads = 1;
	/* Nested call from inside a parallel region: stay on this thread. */
	(void)src;
	if (cfg->mode == RG_EXEC_SEQ || omp_in_parallel())
		cfg->threads = 1;
	return 0;
}

int rg__worker_enter(const struct rg_src *parent, int tid, struct rg_src *w)
{
	*w = *parent;
	w->own = NULL;
	if (parent->c || tid == 0)
		return 0;
	/* A shared section needs no registration and takes no lock: the
	 * parent's open section protects everything it reads (rcugraph.h). */
	rg_read_t *wr = NULL;
	int rc = rg_read_begin_shared(parent->r, &wr);
	if (rc)
		return rc;
	w->r = wr;
	w->own = wr;
	return 0;
}

int rg__worker_leave(const struct rg_src *parent, int tid, struct rg_src *w)
{
	if (parent->c || tid == 0 || !w->own)
		return 0;
	int rc = rg_read_end(w->own);
	w->own = NULL;
	return rc == RG_ERETRY ? RG_ERETRY : 0;
}

void rg__par_metrics(const struct rg_src *src, int threads, uint64_t wall_ns, uint64_t busy_ns)
{
	if (src->c || !src->r)
		return;
	struct rg_metrics *m = rg_graph_metrics_internal(rg_read_graph(src->r));
	if (!m)
		return;
	rg_metrics_add(m, RG_C_PARALLEL_TRAVERSALS, 1);
	rg_metrics_set(m, RG_G_TRAVERSAL_THREADS, (double)threads);
	rg_metrics_set(m, RG_G_TRAVERSAL_SPEEDUP, wall_ns ? (double)busy_ns / (double)wall_ns : 0.0);
	rg_metrics_observe(m, RG_H_TRAVERSAL_SECONDS, wall_ns);
}

/* ---- sorting: LSD radix, 8-bit digits, constant digits skipped ---- */

static void isort_u64(uint64_t *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t x = a[i];
		size_t j = i;
		while (j > 0 && a[j - 1] > x) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = x;
	}
}

void rg__sort_u64(uint64_t *a, size_t n, uint64_t *tmp)
{
	if (n <= 64 || !tmp) {
		isort_u64(a, n);
		return;
	}
	static __thread size_t cnt[8][256];
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
	static __thread size_t cnt[8][256];
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
		h = rg__mix64(h ^ s->ids[i]);
	return rg__mix64(h ^ (uint64_t)s->n);
}

uint64_t rg_bfs_checksum(const rg_bfs_t *b)
{
	if (!b)
		return 0;
	uint64_t h = RG_CHECKSUM_SEED;
	for (size_t i = 0; i < b->n; i++) {
		h = rg__mix64(h ^ b->ids[i]);
		h = rg__mix64(h ^ (uint64_t)b->depth[i]);
	}
	return rg__mix64(h ^ (uint64_t)(2 * b->n));
}

/* ------------------------------------------------------------------ */
/* BFS workspace and kernel                                           */
/* ------------------------------------------------------------------ */

struct ws {
	uint64_t nslots;
	uint64_t *vis;   /* visited bitmap, nslots bits */
	size_t vis_words;
	uint32_t *q;     /* discovered slots in level order; capacity nslots */
	uint64_t *qid;   /* their ids */
	size_t qn;
	size_t *lv;      /* level starts: level d = q[lv[d] .. lv[d+1]) */
	size_t nlv;      /* levels present (lv has nlv + 1 valid entries) */
	size_t lvcap;
	uint64_t edges;  /* adjacency entries examined */
};

static void ws_free(struct ws *w)
{
	free(w->vis);
	free(w->q);
	free(w->qid);
	free(w->lv);
	memset(w, 0, sizeof *w);
}

static int ws_init(struct ws *w, uint64_t nslots)
{
	memset(w, 0, sizeof *w);
	w->nslots = nslots;
	w->vis_words = (size_t)(nslots + 63) / 64;
	w->vis = calloc(w->vis_words ? w->vis_words : 1, sizeof *w->vis);
	w->q = malloc((size_t)(nslots ? nslots : 1) * sizeof *w->q);
	w->qid = malloc((size_t)(nslots ? nslots : 1) * sizeof *w->qid);
	w->lvcap = 16;
	w->lv = malloc(w->lvcap * sizeof *w->lv);
	if (!w->vis || !w->q || !w->qid || !w->lv) {
		ws_free(w);
		return RG_ENOMEM;
	}
	return 0;
}

/* Clears the visited bits of the last run (cheaper than a memset when the
 * run touched few nodes). */
static void ws_reset(struct ws *w)
{
	if (w->qn > w->vis_words / 4) {
		memset(w->vis, 0, w->vis_words * sizeof *w->vis);
	} else {
		for (size_t i = 0; i < w->qn; i++)
			w->vis[w->q[i] >> 6] = 0;
	}
	w->qn = 0;
	w->nlv = 0;
}

static int ws_push_level(struct ws *w)
{
	if (w->nlv + 2 > w->lvcap) {
		size_t nc = w->lvcap * 2;
		size_t *p = realloc(w->lv, nc * sizeof *p);
		if (!p)
			return RG_ENOMEM;
		w->lv = p;
		w->lvcap = nc;
	}
	w->nlv++;
	w->lv[w->nlv] = w->qn;
	return 0;
}

struct query {
	int kind;          /* 0: k-hop, 1: BFS */
	unsigned k;        /* k-hop */
	int mode;          /* k-hop */
	uint32_t maxdepth; /* levels to expand: k for k-hop */
	int dir;           /* RG_OUT / RG_IN / RG_BOTH */
	uint32_t type;
};

#define DIR_LO(dir) ((dir) == RG_IN ? 1 : 0)
#define DIR_HI(dir) ((dir) == RG_OUT ? 0 : 1)

/* Sequential expansion of q[b..e) into the end of q. */
static void expand_seq(const struct rg_src *s, struct ws *w, size_t b, size_t e,
		       const struct query *qq)
{
	uint64_t *vis = w->vis;
	uint32_t *q = w->q;
	uint64_t *qid = w->qid;
	size_t qn = w->qn;
	uint64_t edges = 0;
	for (size_t i = b; i < e; i++) {
		const uint32_t u = q[i];
		for (int d = DIR_LO(qq->dir); d <= DIR_HI(qq->dir); d++) {
			if (s->c) {
				const struct rg_csr *c = s->c;
				const uint32_t *nb = c->nbr[d], *tp = c->type[d];
				const uint64_t ee = c->off[d][u + 1];
				for (uint64_t j = c->off[d][u]; j < ee; j++) {
					if (qq->type != RG_TYPE_ANY && tp[j] != qq->type)
						continue;
					const uint32_t v = nb[j];
					edges++;
					const uint64_t m = 1ull << (v & 63);
					if (vis[v >> 6] & m)
						continue;
					vis[v >> 6] |= m;
					q[qn] = v;
					qid[qn++] = c->ids[v];
				}
			} else {
				rg_iter_t it;
				if (rg_neighbors_at(s->r, u, (rg_dir_t)d, qq->type, &it) != 0)
					continue;
				const rg_edge_t *ed;
				while ((ed = rg_iter_next(&it)) != NULL) {
					const uint32_t v = ed->nbr_slot;
					edges++;
					if (v >= w->nslots)
						continue; /* torn optimistic read only */
					const uint64_t m = 1ull << (v & 63);
					if (vis[v >> 6] & m)
						continue;
					vis[v >> 6] |= m;
					q[qn] = v;
					qid[qn++] = ed->nbr;
				}
			}
		}
	}
	w->qn = qn;
	w->edges += edges;
}

/* Shared state of one parallel level expansion. */
struct par_level {
	const struct rg_src *src;
	struct ws *w;
	const struct query *qq;
	size_t b, e, chunk;
	size_t cursor;    /* next frontier index (atomic) */
	size_t qn;        /* next free q index (atomic) */
	uint64_t edges;   /* atomic */
	uint64_t busy_ns; /* atomic */
	int failures;     /* atomic */
	int retry;        /* atomic */
	int team;
};

#define PAR_BLOCK 256

static void par_flush(struct par_level *pl, const uint32_t *ls, const uint64_t *lid, size_t n)
{
	/* Relaxed: the index only has to be unique; the slots written are read
	 * after the region's closing barrier (an OpenMP flush). */
	size_t at = __atomic_fetch_add(&pl->qn, n, __ATOMIC_RELAXED);
	memcpy(pl->w->q + at, ls, n * sizeof *ls);
	memcpy(pl->w->qid + at, lid, n * sizeof *lid);
}

static void par_level_worker(struct par_level *pl)
{
	const int tid = omp_get_thread_num();
	uint64_t t0 = rg__now_ns();
	struct rg_src ws;
	if (rg__worker_enter(pl->src, tid, &ws) != 0) {
		/* relaxed: a worker tally, read after the region's closing barrier */
		__atomic_fetch_add(&pl->failures, 1, __ATOMIC_RELAXED);
		return;
	}
	uint32_t ls[PAR_BLOCK];
	uint64_t lid[PAR_BLOCK];
	size_t ln = 0;
	uint64_t edges = 0;
	uint64_t *vis = pl->w->vis;
	const uint32_t *q = pl->w->q;
	const struct query *qq = pl->qq;
	const uint64_t nslots = pl->w->nslots;
	for (;;) {
		/* Relaxed: a unique chunk per fetch is all that matters. */
		size_t i0 = __atomic_fetch_add(&pl->cursor, pl->chunk, __ATOMIC_RELAXED);
		if (i0 >= pl->e)
			break;
		size_t i1 = i0 + pl->chunk < pl->e ? i0 + pl->chunk : pl->e;
		for (size_t i = i0; i < i1; i++) {
			const uint32_t u = q[i];
			for (int d = DIR_LO(qq->dir); d <= DIR_HI(qq->dir); d++) {
				RG_FOREACH_NBR_ID(&ws, u, d, qq->type, v, vid,
					edges++;
					if (v >= nslots)
						continue;
					const uint64_t m = 1ull << (v & 63);
					uint64_t *wd = &vis[v >> 6];
					/* Relaxed load first: skip the RMW for nodes seen already. */
					if (__atomic_load_n(wd, __ATOMIC_RELAXED) & m)
						continue;
					/* Relaxed RMW: the bit alone decides which worker owns v;
					 * nothing else is published through it. */
					if (__atomic_fetch_or(wd, m, __ATOMIC_RELAXED) & m)
						continue;
					ls[ln] = v;
					lid[ln++] = vid;
					if (ln == PAR_BLOCK) {
						par_flush(pl, ls, lid, ln);
						ln = 0;
					}
				);
			}
		}
	}
	if (ln)
		par_flush(pl, ls, lid, ln);
	if (rg__worker_leave(pl->src, tid, &ws) == RG_ERETRY) {
		/* relaxed: a worker tally, read after the region's closing barrier */
		__atomic_store_n(&pl->retry, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&pl->edges, edges, __ATOMIC_RELAXED);
	__atomic_fetch_add(&pl->busy_ns, rg__now_ns() - t0, __ATOMIC_RELAXED);
}

struct par_stats {
	int steps, team, failures, retry;
	uint64_t wall_ns, busy_ns;
};

static void expand_par(const struct rg_src *s, struct ws *w, size_t b, size_t e,
		       const struct query *qq, int threads, struct par_stats *ps)
{
	struct par_level pl = {
		.src = s, .w = w, .qq = qq, .b = b, .e = e, .cursor = b, .qn = w->qn,
	};
	size_t nf = e - b;
	pl.chunk = nf / ((size_t)threads * 16);
	if (pl.chunk < 1)
		pl.chunk = 1;
	if (pl.chunk > 1024)
		pl.chunk = 1024;
	uint64_t t0 = rg__now_ns();
#pragma omp parallel num_threads(threads)
	{
		if (omp_get_thread_num() == 0)
			pl.team = omp_get_num_threads();
		par_level_worker(&pl);
	}
	ps->wall_ns += rg__now_ns() - t0;
	ps->busy_ns += pl.busy_ns;
	ps->steps++;
	if (pl.team > ps->team)
		ps->team = pl.team;
	ps->failures += pl.failures;
	ps->retry |= pl.retry;
	w->qn = pl.qn;
	w->edges += pl.edges;
}

/* Frontier adjacency size, stopping once `cap` is reached. */
static uint64_t frontier_edges(const struct rg_src *s, const struct ws *w, size_t b, size_t e,
			       int dir, uint64_t cap)
{
	uint64_t sum = 0;
	for (size_t i = b; i < e && sum < cap; i++)
		for (int d = DIR_LO(dir); d <= DIR_HI(dir); d++)
			sum += rg__src_degree(s, w->q[i], d);
	return sum;
}

/*
 * BFS from root_slot to depth qq->maxdepth into w (which must be reset).
 * cfg == NULL or threads == 1: sequential; otherwise levels may go parallel.
 */
static int run_root(const struct rg_src *s, struct ws *w, uint32_t root_slot, uint64_t root_id,
		    const struct query *qq, const struct rg_exec_cfg *cfg, struct par_stats *ps)
{
	w->vis[root_slot >> 6] |= 1ull << (root_slot & 63);
	w->q[0] = root_slot;
	w->qid[0] = root_id;
	w->qn = 1;
	w->lv[0] = 0;
	w->lv[1] = 1;
	w->nlv = 1;
	for (uint32_t d = 0; d < qq->maxdepth; d++) {
		size_t b = w->lv[d], e = w->lv[d + 1];
		if (b == e)
			break;
		int par = 0;
		if (cfg && cfg->threads > 1) {
			if (cfg->mode == RG_EXEC_PAR)
				par = 1;
			else if (cfg->mode == RG_EXEC_AUTO && e - b >= 2 * (size_t)cfg->threads)
				par = frontier_edges(s, w, b, e, qq->dir, cfg->min_edges) >= cfg->min_edges;
		}
		if (par)
			expand_par(s, w, b, e, qq, cfg->threads, ps);
		else
			expand_seq(s, w, b, e, qq);
		if (w->qn == e)
			break; /* nothing new: level d+1 is empty */
		if (ws_push_level(w))
			return RG_ENOMEM;
	}
	return 0;
}

/* Builds the query's result from the BFS in w. */
static int make_khop(const struct ws *w, const struct query *qq, rg_nodeset_t *out)
{
	size_t b, e;
	out->ids = NULL;
	out->n = 0;
	if (qq->mode == RG_KHOP_EXACT) {
		if (w->nlv <= qq->k)
			return 0;
		b = w->lv[qq->k];
		e = w->lv[qq->k + 1];
	} else {
		if (qq->k == 0 || w->nlv <= 1)
			return 0;
		size_t last = w->nlv - 1 < qq->k ? w->nlv - 1 : qq->k;
		b = w->lv[1];
		e = w->lv[last + 1];
	}
	size_t n = e - b;
	if (n == 0)
		return 0;
	uint64_t *ids = malloc(n * sizeof *ids);
	uint64_t *tmp = n > 64 ? malloc(n * sizeof *tmp) : NULL;
	if (!ids || (n > 64 && !tmp)) {
		free(ids);
		free(tmp);
		return RG_ENOMEM;
	}
	memcpy(ids, w->qid + b, n * sizeof *ids);
	rg__sort_u64(ids, n, tmp);
	free(tmp);
	out->ids = ids;
	out->n = n;
	return 0;
}

static int make_bfs(const struct ws *w, rg_bfs_t *out)
{
	size_t n = w->qn;
	memset(out, 0, sizeof *out);
	uint64_t *ids = malloc(n * sizeof *ids);
	uint32_t *dep = malloc(n * sizeof *dep);
	uint64_t *tmp = n > 64 ? malloc(n * sizeof *tmp) : NULL;
	if (!ids || !dep || (n > 64 && !tmp)) {
		free(ids);
		free(dep);
		free(tmp);
		return RG_ENOMEM;
	}
	memcpy(ids, w->qid, n * sizeof *ids);
	for (size_t d = 0; d < w->nlv; d++) {
		size_t b = w->lv[d], e = w->lv[d + 1];
		rg__sort_u64(ids + b, e - b, tmp);
		for (size_t i = b; i < e; i++)
			dep[i] = (uint32_t)d;
	}
	free(tmp);
	out->ids = ids;
	out->depth = dep;
	out->n = n;
	out->levels = (uint32_t)w->nlv;
	return 0;
}

static int make_result(const struct ws *w, const struct query *qq, void *outs, size_t i)
{
	if (qq->kind == 0)
		return make_khop(w, qq, (rg_nodeset_t *)outs + i);
	return make_bfs(w, (rg_bfs_t *)outs + i);
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

static void report(rg_exec_t *ex, const struct rg_src *s, const struct par_stats *ps,
		   uint64_t edges, uint64_t items_par)
{
	if (ps->steps)
		rg__par_metrics(s, ps->team, ps->wall_ns, ps->busy_ns);
	if (!ex)
		return;
	ex->threads_used = ps->team > 1 ? ps->team : 1;
	ex->par_steps = ps->steps;
	ex->worker_failures = ps->failures;
	ex->edges = edges;
	ex->items_par = items_par;
}

/* Single-root query (k-hop or BFS). */
static int single(const struct rg_src *s, uint64_t root, const struct query *qq, rg_exec_t *ex,
		  void *out)
{
	struct rg_exec_cfg cfg;
	int rc = rg__exec_resolve(ex, &cfg, s);
	if (rc)
		return rc;
	uint32_t rs;
	rc = rg__src_slot(s, root, &rs);
	if (rc)
		return rc;
	struct ws w;
	rc = ws_init(&w, s->nslots);
	if (rc)
		return rc;
	struct par_stats ps = {0};
	rc = run_root(s, &w, rs, root, qq, &cfg, &ps);
	if (!rc && ps.retry)
		rc = RG_ERETRY;
	if (!rc)
		rc = make_result(&w, qq, out, 0);
	report(ex, s, &ps, w.edges, 0);
	ws_free(&w);
	return rc;
}

/* Shared state of a parallel batch. */
struct par_batch {
	const struct rg_src *src;
	const struct query *qq;
	const uint32_t *slots;
	const uint64_t *roots;
	void *outs;
	size_t cursor; /* next root index (atomic) */
	size_t end;
	uint64_t edges, busy_ns; /* atomic */
	int failures, retry, err; /* atomic */
	int team;
};

static void par_batch_worker(struct par_batch *pb)
{
	const int tid = omp_get_thread_num();
	uint64_t t0 = rg__now_ns();
	struct rg_src ws;
	if (rg__worker_enter(pb->src, tid, &ws) != 0) {
		/* relaxed: a worker tally, read after the region's closing barrier */
		__atomic_fetch_add(&pb->failures, 1, __ATOMIC_RELAXED);
		return;
	}
	struct ws w;
	if (ws_init(&w, pb->src->nslots) != 0) {
		/* Others can still do the work; thread 0 failing is an error. */
		if (tid == 0)
			__atomic_store_n(&pb->err, RG_ENOMEM, __ATOMIC_RELAXED);
		__atomic_fetch_add(&pb->failures, 1, __ATOMIC_RELAXED);
		rg__worker_leave(pb->src, tid, &ws);
		return;
	}
	for (;;) {
		/* Relaxed: each index must be taken once; results are read after
		 * the region's closing barrier. */
		size_t i = __atomic_fetch_add(&pb->cursor, 1, __ATOMIC_RELAXED);
		if (i >= pb->end)
			break;
		int rc = run_root(&ws, &w, pb->slots[i], pb->roots[i], pb->qq, NULL, NULL);
		if (!rc)
			rc = make_result(&w, pb->qq, pb->outs, i);
		ws_reset(&w);
		if (rc) {
			/* relaxed: a worker tally, read after the region's closing barrier */
			__atomic_store_n(&pb->err, rc, __ATOMIC_RELAXED);
		}
	}
	__atomic_fetch_add(&pb->edges, w.edges, __ATOMIC_RELAXED);
	ws_free(&w);
	if (rg__worker_leave(pb->src, tid, &ws) == RG_ERETRY) {
		/* relaxed: a worker tally, read after the region's closing barrier */
		__atomic_store_n(&pb->retry, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&pb->busy_ns, rg__now_ns() - t0, __ATOMIC_RELAXED);
}

static int batch(const struct rg_src *s, const uint64_t *roots, size_t n, const struct query *qq,
		 rg_exec_t *ex, void *outs)
{
	struct rg_exec_cfg cfg;
	int rc = rg__exec_resolve(ex, &cfg, s);
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
		rc = rg__src_slot(s, roots[i], &slots[i]);
		if (rc) {
			free(slots);
			return rc;
		}
	}
	struct ws w;
	rc = ws_init(&w, s->nslots);
	if (rc) {
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
			rc = run_root(s, &w, slots[i], roots[i], qq, NULL, NULL);
			if (!rc)
				rc = make_result(&w, qq, outs, i);
			ws_reset(&w);
			if (rc)
				break;
		}
	}
	struct par_stats ps = {0};
	uint64_t edges = w.edges, items_par = 0;
	ws_free(&w);
	if (!rc && i < n) {
		struct par_batch pb = {
			.src = s, .qq = qq, .slots = slots, .roots = roots, .outs = outs,
			.cursor = i, .end = n,
		};
		int team = cfg.threads;
		if ((size_t)team > n - i)
			team = (int)(n - i);
		uint64_t t0 = rg__now_ns();
#pragma omp parallel num_threads(team)
		{
			if (omp_get_thread_num() == 0)
				pb.team = omp_get_num_threads();
			par_batch_worker(&pb);
		}
		ps.wall_ns = rg__now_ns() - t0;
		ps.busy_ns = pb.busy_ns;
		ps.steps = 1;
		ps.team = pb.team;
		ps.failures = pb.failures;
		edges += pb.edges;
		items_par = n - i;
		if (pb.err)
			rc = pb.err;
		else if (pb.retry)
			rc = RG_ERETRY;
		else if (pb.cursor < n)
			rc = RG_ENOMEM; /* every worker failed: cannot happen (thread 0 never fails to enter) */
	}
	free(slots);
	report(ex, s, &ps, edges, items_par);
	if (rc)
		for (size_t j = 0; j < n; j++)
			free_result(qq, outs, j);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                */
/* ------------------------------------------------------------------ */

static int src_live(struct rg_src *s, const rg_read_t *r)
{
	if (!r || !rg_read_graph(r))
		return RG_EINVAL;
	rg__src_init(s, r, NULL);
	return 0;
}

static int src_csr(struct rg_src *s, const rg_csr_t *c)
{
	if (!c)
		return RG_EINVAL;
	rg__src_init(s, NULL, c);
	return 0;
}

static int khop_common(const struct rg_src *s, uint64_t root, unsigned k, rg_khop_mode_t mode,
		       int dir, uint32_t type, rg_exec_t *ex, rg_nodeset_t *out)
{
	if (!out)
		return RG_EINVAL;
	out->ids = NULL;
	out->n = 0;
	struct query qq = {.kind = 0, .k = k, .mode = mode, .maxdepth = k, .dir = dir, .type = type};
	int rc = check_query(&qq);
	return rc ? rc : single(s, root, &qq, ex, out);
}

static int bfs_common(const struct rg_src *s, uint64_t root, uint32_t max_depth, int dir,
		      uint32_t type, rg_exec_t *ex, rg_bfs_t *out)
{
	if (!out)
		return RG_EINVAL;
	memset(out, 0, sizeof *out);
	struct query qq = {.kind = 1, .maxdepth = max_depth, .dir = dir, .type = type};
	int rc = check_query(&qq);
	return rc ? rc : single(s, root, &qq, ex, out);
}

int rg_khop(const rg_read_t *r, uint64_t root, unsigned k, rg_khop_mode_t mode, int dir,
	    uint32_t type, rg_exec_t *ex, rg_nodeset_t *out)
{
	struct rg_src s;
	int rc = src_live(&s, r);
	if (rc) {
		if (out)
			memset(out, 0, sizeof *out);
		return rc;
	}
	return khop_common(&s, root, k, mode, dir, type, ex, out);
}

int rg_csr_khop(const rg_csr_t *c, uint64_t root, unsigned k, rg_khop_mode_t mode, int dir,
		uint32_t type, rg_exec_t *ex, rg_nodeset_t *out)
{
	struct rg_src s;
	int rc = src_csr(&s, c);
	if (rc) {
		if (out)
			memset(out, 0, sizeof *out);
		return rc;
	}
	return khop_common(&s, root, k, mode, dir, type, ex, out);
}

int rg_bfs(const rg_read_t *r, uint64_t root, uint32_t max_depth, int dir, uint32_t type,
	   rg_exec_t *ex, rg_bfs_t *out)
{
	struct rg_src s;
	int rc = src_live(&s, r);
	if (rc) {
		if (out)
			memset(out, 0, sizeof *out);
		return rc;
	}
	return bfs_common(&s, root, max_depth, dir, type, ex, out);
}

int rg_csr_bfs(const rg_csr_t *c, uint64_t root, uint32_t max_depth, int dir, uint32_t type,
	       rg_exec_t *ex, rg_bfs_t *out)
{
	struct rg_src s;
	int rc = src_csr(&s, c);
	if (rc) {
		if (out)
			memset(out, 0, sizeof *out);
		return rc;
	}
	return bfs_common(&s, root, max_depth, dir, type, ex, out);
}

static int khop_batch_common(const struct rg_src *s, const uint64_t *roots, size_t n, unsigned k,
			     rg_khop_mode_t mode, int dir, uint32_t type, rg_exec_t *ex,
			     rg_nodeset_t *outs)
{
	struct query qq = {.kind = 0, .k = k, .mode = mode, .maxdepth = k, .dir = dir, .type = type};
	int rc = check_query(&qq);
	if (rc) {
		for (size_t i = 0; outs && i < n; i++)
			memset(&outs[i], 0, sizeof outs[i]);
		return rc;
	}
	return batch(s, roots, n, &qq, ex, outs);
}

static int bfs_batch_common(const struct rg_src *s, const uint64_t *roots, size_t n,
			    uint32_t max_depth, int dir, uint32_t type, rg_exec_t *ex, rg_bfs_t *outs)
{
	struct query qq = {.kind = 1, .maxdepth = max_depth, .dir = dir, .type = type};
	int rc = check_query(&qq);
	if (rc) {
		for (size_t i = 0; outs && i < n; i++)
			memset(&outs[i], 0, sizeof outs[i]);
		return rc;
	}
	return batch(s, roots, n, &qq, ex, outs);
}

int rg_khop_batch(const rg_read_t *r, const uint64_t *roots, size_t nroots, unsigned k,
		  rg_khop_mode_t mode, int dir, uint32_t type, rg_exec_t *ex, rg_nodeset_t *outs)
{
	struct rg_src s;
	int rc = src_live(&s, r);
	if (rc) {
		for (size_t i = 0; outs && i < nroots; i++)
			memset(&outs[i], 0, sizeof outs[i]);
		return rc;
	}
	return khop_batch_common(&s, roots, nroots, k, mode, dir, type, ex, outs);
}

int rg_csr_khop_batch(const rg_csr_t *c, const uint64_t *roots, size_t nroots, unsigned k,
		      rg_khop_mode_t mode, int dir, uint32_t type, rg_exec_t *ex,
		      rg_nodeset_t *outs)
{
	struct rg_src s;
	int rc = src_csr(&s, c);
	if (rc) {
		for (size_t i = 0; outs && i < nroots; i++)
			memset(&outs[i], 0, sizeof outs[i]);
		return rc;
	}
	return khop_batch_common(&s, roots, nroots, k, mode, dir, type, ex, outs);
}

int rg_bfs_batch(const rg_read_t *r, const uint64_t *roots, size_t nroots, uint32_t max_depth,
		 int dir, uint32_t type, rg_exec_t *ex, rg_bfs_t *outs)
{
	struct rg_src s;
	int rc = src_live(&s, r);
	if (rc) {
		for (size_t i = 0; outs && i < nroots; i++)
			memset(&outs[i], 0, sizeof outs[i]);
		return rc;
	}
	return bfs_batch_common(&s, roots, nroots, max_depth, dir, type, ex, outs);
}

int rg_csr_bfs_batch(const rg_csr_t *c, const uint64_t *roots, size_t nroots, uint32_t max_depth,
		     int dir, uint32_t type, rg_exec_t *ex, rg_bfs_t *outs)
{
	struct rg_src s;
	int rc = src_csr(&s, c);
	if (rc) {
		for (size_t i = 0; outs && i < nroots; i++)
			memset(&outs[i], 0, sizeof outs[i]);
		return rc;
	}
	return bfs_batch_common(&s, roots, nroots, max_depth, dir, type, ex, outs);
}
