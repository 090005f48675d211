/*
 * analytics.c - PageRank and weakly connected components on one snapshot
 * (a live read section or a frozen view's handle), sequential or parallel
 * (OpenMP), over the inline span lookup (kernel.h).
 *
 * One code path per kernel: the whole computation is one OpenMP region,
 * `if (threads > 1)`, so the sequential path is the same code run by a
 * team of one. Every thread reads through its own view (rg__worker_view).
 *
 * PageRank is bit-identical on every path: phase 0 finds the live nodes
 * and their out-degrees; the live nodes are cut into blocks of PR_BLOCK
 * consecutive live nodes in slot order (leading empty slots join block 0,
 * trailing ones the last block: the blocks of experiments/baseline's
 * gb_pagerank); every value that depends on summation order is computed
 * inside one block by one thread (a node's pull sum in adjacency order, a
 * block's partial sum in slot order) or combined from the per-block
 * partials in block order by one thread (OpenMP `single`).
 *
 * WCC is Afforest (Sutton et al., IPDPS'18; GAPBS cc.cc); its answer
 * (smallest id of the component) is canonical whatever order the links
 * happen in.
 */
#include "kernel.h"
#include "sort.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define PR_BLOCK 2048

static int want_par(const struct rg__exec_cfg *cfg, uint64_t edges)
{
	if (cfg->threads <= 1)
		return 0;
	if (cfg->mode == RG_EXEC_PAR)
		return 1;
	return cfg->mode == RG_EXEC_AUTO && edges >= cfg->min_edges;
}

/* What a kernel reports back through rg_exec_t (NULL: nothing). */
static void exec_report(rg_exec_t *ex, int par, int team, uint64_t edges)
{
	if (!ex)
		return;
	ex->threads_used = par ? team : 1;
	ex->par_steps = par;
	ex->worker_failures = 0;
	ex->edges = edges;
	ex->items_par = (uint64_t)par;
}

/* Live slots in id order: (id, slot) pairs ascending by id (sparse
 * graphs; dense ones are in id order by slot). */
static int sorted_live(const struct rg_read *r, const uint8_t *alive, uint64_t ns, size_t k,
		       struct rg__kv **out)
{
	struct rg__kv *kv = malloc((k ? k : 1) * sizeof *kv);
	if (!kv)
		return RG_ENOMEM;
	size_t j = 0;
	for (uint64_t s = 0; s < ns; s++)
		if (alive[s])
			kv[j++] = (struct rg__kv){_rg_slot_id(r, s), s};
	struct rg__kv *tmp = k > 64 ? malloc(k * sizeof *tmp) : NULL;
	if (k > 64 && !tmp) {
		free(kv);
		return RG_ENOMEM;
	}
	rg__sort_kv(kv, k, tmp);
	free(tmp);
	*out = kv;
	return 0;
}

/* The span of u in direction d with the type filter: *types the array to
 * check (NULL: every entry matches); n == 0 if none can. rc as
 * _rg_span_at (RG_ENOENT: absent). */
static inline int span_t(const struct rg_read *lr, uint64_t u, int d, uint32_t type,
			 rg_span_t *sp, const uint32_t **types)
{
	*types = NULL;
	if (type == RG_TYPE_ANY)
		return _rg_span_at(lr, u, d, sp, RG_SPAN_SLOTS);
	int rc = _rg_span_at(lr, u, d, sp, RG_SPAN_ALL);
	if (sp->types)
		*types = sp->types;
	else if (type != 0)
		sp->n = 0;
	return rc;
}

/* ------------------------------------------------------------------ */
/* PageRank                                                           */
/* ------------------------------------------------------------------ */

void rg_pagerank_opts_init(rg_pagerank_opts_t *o)
{
	if (!o)
		return;
	o->damping = 0.85;
	o->max_iter = 100;
	o->tol = 1e-10;
	o->type = RG_TYPE_ANY;
}

void rg_pagerank_free(rg_pagerank_t *p)
{
	if (!p)
		return;
	free(p->ids);
	free(p->rank);
	memset(p, 0, sizeof *p);
}

uint64_t rg_pagerank_checksum(const rg_pagerank_t *p)
{
	if (!p)
		return 0;
	uint64_t h = RG_CHECKSUM_SEED;
	for (size_t i = 0; i < p->n; i++) {
		uint64_t bits;
		memcpy(&bits, &p->rank[i], sizeof bits);
		h = rg__checksum_mix(h ^ p->ids[i]);
		h = rg__checksum_mix(h ^ bits);
	}
	return rg__checksum_mix(h ^ (uint64_t)(2 * p->n));
}

struct pr {
	uint64_t ns;
	size_t nch;        /* phase 0: chunks of PR_BLOCK slots */
	uint32_t type;
	double d;
	uint8_t *alive;    /* per slot */
	double *od;        /* per slot: out-degree under the filter (0: none or absent) */
	double *rank, *next, *contrib;
	uint64_t *ccount;  /* per chunk: live nodes */
	size_t nb;         /* blocks of PR_BLOCK live nodes */
	uint64_t *bstart;  /* nb + 1 slot bounds */
	double *part;      /* per block */
	uint64_t *bedges;  /* per block: in-edges scanned by the last pull */
};

static void pr_free(struct pr *p)
{
	free(p->alive);
	free(p->od);
	free(p->rank);
	free(p->next);
	free(p->contrib);
	free(p->ccount);
	free(p->bstart);
	free(p->part);
	free(p->bedges);
}

/* Phase 0, chunk c: liveness and out-degrees. */
static void pr_chunk_init(struct pr *p, const struct rg_read *lr, size_t c)
{
	const uint64_t lo = (uint64_t)c * PR_BLOCK;
	const uint64_t hi = lo + PR_BLOCK < p->ns ? lo + PR_BLOCK : p->ns;
	uint64_t cnt = 0;
	for (uint64_t u = lo; u < hi; u++) {
		rg_span_t sp;
		const uint32_t *ty;
		if (span_t(lr, u, RG_OUT, p->type, &sp, &ty)) {
			p->alive[u] = 0;
			p->od[u] = 0.0;
			continue;
		}
		uint64_t deg = sp.n;
		if (ty) {
			deg = 0;
			for (uint64_t j = 0; j < sp.n; j++)
				deg += ty[j] == p->type;
		}
		p->alive[u] = 1;
		p->od[u] = (double)deg;
		cnt++;
	}
	p->ccount[c] = cnt;
}

/* Block bounds from the per-chunk counts: block b starts at the slot of
 * the (b * PR_BLOCK)-th live node (block 0 at slot 0), the last block ends
 * at ns. Returns N. One thread. */
static uint64_t pr_blocks(struct pr *p)
{
	uint64_t n = 0;
	for (size_t c = 0; c < p->nch; c++)
		n += p->ccount[c];
	p->nb = (size_t)((n + PR_BLOCK - 1) / PR_BLOCK);
	p->bstart[0] = 0;
	size_t b = 1;
	uint64_t seen = 0;
	for (size_t c = 0; c < p->nch && b < p->nb; c++) {
		if (seen + p->ccount[c] <= (uint64_t)b * PR_BLOCK) {
			seen += p->ccount[c];
			continue;
		}
		const uint64_t lo = (uint64_t)c * PR_BLOCK;
		const uint64_t hi = lo + PR_BLOCK < p->ns ? lo + PR_BLOCK : p->ns;
		for (uint64_t u = lo; u < hi; u++) {
			if (!p->alive[u])
				continue;
			if (b < p->nb && seen == (uint64_t)b * PR_BLOCK)
				p->bstart[b++] = u;
			seen++;
		}
	}
	p->bstart[p->nb] = p->ns;
	return n;
}

/* Contributions and block b's dangling mass. */
static void pr_blk_contrib(struct pr *p, size_t b)
{
	double dang = 0.0;
	const uint64_t hi = p->bstart[b + 1];
	for (uint64_t u = p->bstart[b]; u < hi; u++) {
		const double od = p->od[u];
		if (od == 0.0 && p->alive[u])
			dang += p->rank[u];
		p->contrib[u] = od != 0.0 ? p->rank[u] / od : 0.0;
	}
	p->part[b] = dang;
}

/* Pull over in-edges for block b; its L1 change. */
static void pr_blk_pull(struct pr *p, const struct rg_read *lr, size_t b, double base)
{
	double delta = 0.0;
	uint64_t edges = 0;
	const double d = p->d, *contrib = p->contrib, *rank = p->rank;
	double *next = p->next;
	const uint8_t *alive = p->alive;
	const uint32_t t = p->type;
	const uint64_t hi = p->bstart[b + 1];
	for (uint64_t v = p->bstart[b]; v < hi; v++) {
		if (!alive[v]) {
			next[v] = 0.0;
			continue;
		}
		rg_span_t sp;
		const uint32_t *ty;
		span_t(lr, v, RG_IN, t, &sp, &ty);
		double sum = 0.0;
		const uint32_t *s = sp.slots;
		const uint64_t n = sp.n;
		if (!ty) {
			for (uint64_t j = 0; j < n; j++)
				sum += contrib[s[j]];
		} else {
			for (uint64_t j = 0; j < n; j++)
				if (ty[j] == t)
					sum += contrib[s[j]];
		}
		edges += n;
		const double nv = base + d * sum;
		next[v] = nv;
		delta += fabs(nv - rank[v]);
	}
	p->part[b] = delta;
	p->bedges[b] = edges;
}

static double sum_parts(const double *part, size_t n)
{
	double s = 0.0;
	for (size_t i = 0; i < n; i++)
		s += part[i];
	return s;
}

int rg_pagerank(const rg_read_t *r, const rg_pagerank_opts_t *opts, rg_exec_t *ex,
		rg_pagerank_t *out)
{
	if (!out)
		return RG_EINVAL;
	memset(out, 0, sizeof *out);
	int rc = rg__view_check(r);
	if (rc)
		return rc;
	rg_pagerank_opts_t o;
	if (opts)
		o = *opts;
	else
		rg_pagerank_opts_init(&o);
	if (!(o.damping > 0.0 && o.damping < 1.0) || !(o.tol >= 0.0))
		return RG_EINVAL;
	struct rg__exec_cfg cfg;
	if ((rc = rg__exec_resolve(ex, &cfg)) != 0)
		return rc;

	struct pr p = {0};
	p.ns = r->nslots;
	p.nch = (size_t)((p.ns + PR_BLOCK - 1) / PR_BLOCK);
	p.type = o.type;
	p.d = o.damping;
	const size_t nsz = p.ns ? (size_t)p.ns : 1, ncz = p.nch ? p.nch : 1;
	p.alive = malloc(nsz);
	p.od = malloc(nsz * sizeof *p.od);
	p.rank = malloc(nsz * sizeof *p.rank);
	p.next = malloc(nsz * sizeof *p.next);
	p.contrib = malloc(nsz * sizeof *p.contrib);
	p.ccount = malloc(ncz * sizeof *p.ccount);
	/* at most one block per chunk (a chunk holds <= PR_BLOCK live nodes) */
	p.bstart = malloc((ncz + 1) * sizeof *p.bstart);
	p.part = malloc(ncz * sizeof *p.part);
	p.bedges = calloc(ncz, sizeof *p.bedges);
	if (!p.alive || !p.od || !p.rank || !p.next || !p.contrib || !p.ccount || !p.bstart ||
	    !p.part || !p.bedges) {
		pr_free(&p);
		return RG_ENOMEM;
	}

	const int par = want_par(&cfg, rg_edge_count(r));
	const int threads = par ? cfg.threads : 1;
	unsigned iters = 0;
	double delta = 0.0, base = 0.0;
	uint64_t edges = 0, n = 0, busy = 0;
	int team = 1, stop = 0;
	uint64_t t0 = rg__now_ns();
#pragma omp parallel num_threads(threads) if (threads > 1) reduction(+ : busy)
	{
		const int tid = omp_get_thread_num();
		uint64_t tw = rg__now_ns();
		if (tid == 0)
			team = omp_get_num_threads();
		struct rg_read lr;
		rg__worker_view(r, tid, &lr);
#pragma omp for schedule(dynamic, 1)
		for (size_t c = 0; c < p.nch; c++)
			pr_chunk_init(&p, &lr, c);
#pragma omp single
		{
			n = pr_blocks(&p);
			stop = n == 0 || o.max_iter == 0;
		}
		const double start = n ? 1.0 / (double)n : 0.0;
#pragma omp for schedule(static)
		for (uint64_t u = 0; u < p.ns; u++)
			p.rank[u] = p.alive[u] ? start : 0.0;
		while (!stop) {
#pragma omp for schedule(dynamic, 1)
			for (size_t b = 0; b < p.nb; b++)
				pr_blk_contrib(&p, b);
#pragma omp single
			{
				double dang = sum_parts(p.part, p.nb);
				base = (1.0 - p.d) / (double)n + p.d * dang / (double)n;
			}
#pragma omp for schedule(dynamic, 1)
			for (size_t b = 0; b < p.nb; b++)
				pr_blk_pull(&p, &lr, b, base);
#pragma omp single
			{
				delta = sum_parts(p.part, p.nb);
				for (size_t b = 0; b < p.nb; b++)
					edges += p.bedges[b];
				double *tmp = p.rank;
				p.rank = p.next;
				p.next = tmp;
				iters++;
				stop = delta < o.tol || iters >= o.max_iter;
			}
		}
		busy += rg__now_ns() - tw;
	}
	if (par)
		rg__par_metrics(r, team, rg__now_ns() - t0, busy);
	exec_report(ex, par, team, edges);

	out->ids = malloc((n ? n : 1) * sizeof *out->ids);
	out->rank = malloc((n ? n : 1) * sizeof *out->rank);
	struct rg__kv *kv = NULL;
	if (!out->ids || !out->rank || (!r->dense && sorted_live(r, p.alive, p.ns, n, &kv))) {
		pr_free(&p);
		rg_pagerank_free(out);
		return RG_ENOMEM;
	}
	if (r->dense) {
		size_t k = 0;
		for (uint64_t s = 0; s < p.ns; s++) {
			if (!p.alive[s])
				continue;
			out->ids[k] = s;
			out->rank[k++] = p.rank[s];
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			out->ids[i] = kv[i].k;
			out->rank[i] = p.rank[kv[i].v];
		}
		free(kv);
	}
	out->n = n;
	out->iterations = iters;
	out->delta = delta;
	pr_free(&p);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Weakly connected components: Afforest                              */
/* ------------------------------------------------------------------ */

#define AFF_ROUNDS 2     /* neighbour rounds (GAPBS neighbor_rounds); rg_wcc assumes 2 */
#define AFF_SAMPLES 1024 /* samples to find the largest component */
#define AFF_CHUNK 4096   /* dynamic schedule chunk (slots) */

void rg_wcc_free(rg_wcc_t *w)
{
	if (!w)
		return;
	free(w->ids);
	free(w->comp);
	memset(w, 0, sizeof *w);
}

uint64_t rg_wcc_checksum(const rg_wcc_t *w)
{
	if (!w)
		return 0;
	uint64_t h = RG_CHECKSUM_SEED;
	for (size_t i = 0; i < w->n; i++) {
		h = rg__checksum_mix(h ^ w->ids[i]);
		h = rg__checksum_mix(h ^ w->comp[i]);
	}
	return rg__checksum_mix(h ^ (uint64_t)(2 * w->n));
}

/*
 * comp[] is a forest over slots whose parent pointers only ever point to
 * a SMALLER slot (a link hooks a root under a smaller slot; compression
 * moves a pointer to an ancestor). So every root is the smallest slot of
 * its tree. Inside a phase several threads read and write comp[]: every
 * access is a single-copy-atomic shared access, relaxed, because a value
 * read late is still an ancestor (a valid step toward the root), the CAS
 * alone decides a hook, and nothing else is published through comp[]; the
 * barrier closing each phase orders it before the next.
 */
static inline uint32_t cget(const uint32_t *comp, uint32_t x)
{
	/* relaxed: any value read is a valid ancestor (above) */
	return RG_LOAD_SHARED(comp[x]);
}

/* Joins the trees of u and v. */
static void aff_link(uint32_t *comp, uint32_t u, uint32_t v)
{
	uint32_t p1 = cget(comp, u), p2 = cget(comp, v);
	while (p1 != p2) {
		const uint32_t high = p1 > p2 ? p1 : p2, low = p1 > p2 ? p2 : p1;
		const uint32_t ph = cget(comp, high);
		if (ph == low)
			return; /* already hooked there */
		/* CAS: succeeds only while high is still a root (the full
		 * barrier of the vocabulary's CAS is more than needed); on
		 * failure someone hooked it meanwhile: climb and retry */
		if (ph == high && RG_CMPXCHG(&comp[high], high, low) == high)
			return;
		p1 = cget(comp, cget(comp, high));
		p2 = cget(comp, low);
	}
}

/* Points comp[v] at its root. Other threads only shorten paths meanwhile
 * (no link runs in this phase), so the walk ends at the root. */
static inline void aff_compress_one(uint32_t *comp, uint32_t v)
{
	uint32_t p = cget(comp, v);
	for (;;) {
		const uint32_t g = cget(comp, p);
		if (g == p)
			break;
		p = g;
	}
	/* relaxed: p is v's root; see above */
	RG_STORE_SHARED(comp[v], p);
}

static int cmp_u32(const void *a, const void *b)
{
	const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The most frequent label among AFF_SAMPLES slots drawn from a fixed
 * stream (ties: the smaller label). Which one is chosen only affects
 * speed, never the result. */
static uint32_t aff_sample(const uint32_t *comp, uint64_t ns)
{
	uint32_t s[AFF_SAMPLES];
	uint64_t x = 0x853C49E6748FEA9BULL;
	for (int i = 0; i < AFF_SAMPLES; i++) {
		s[i] = comp[rg__splitmix64(&x) % ns];
	}
	qsort(s, AFF_SAMPLES, sizeof s[0], cmp_u32);
	uint32_t best = s[0];
	int best_n = 0;
	for (int i = 0; i < AFF_SAMPLES;) {
		int j = i;
		while (j < AFF_SAMPLES && s[j] == s[i])
			j++;
		if (j - i > best_n) {
			best_n = j - i;
			best = s[i];
		}
		i = j;
	}
	return best;
}

int rg_wcc(const rg_read_t *r, uint32_t type, rg_exec_t *ex, rg_wcc_t *out)
{
	if (!out)
		return RG_EINVAL;
	memset(out, 0, sizeof *out);
	int rc = rg__view_check(r);
	if (rc)
		return rc;
	struct rg__exec_cfg cfg;
	if ((rc = rg__exec_resolve(ex, &cfg)) != 0)
		return rc;
	const uint64_t ns = r->nslots;
	const size_t nsz = ns ? (size_t)ns : 1;
	uint32_t *comp = malloc(nsz * sizeof *comp);
	uint8_t *alive = malloc(nsz);
	/* round 1's neighbour, kept by round 0 (which has the span in hand):
	 * round 1 then needs no span lookup */
	uint32_t *nb1 = malloc(nsz * sizeof *nb1);
	if (!comp || !alive || !nb1) {
		free(comp);
		free(alive);
		free(nb1);
		return RG_ENOMEM;
	}
	const int par = want_par(&cfg, rg_edge_count(r));
	const int threads = par ? cfg.threads : 1;
	int team = 1;
	uint64_t edges = 0, busy = 0, live = 0;
	uint32_t big = 0;
	uint64_t t0 = rg__now_ns();
#pragma omp parallel num_threads(threads) if (threads > 1) reduction(+ : edges, busy, live)
	{
		const int tid = omp_get_thread_num();
		uint64_t tw = rg__now_ns();
		if (tid == 0)
			team = omp_get_num_threads();
		struct rg_read lr;
		rg__worker_view(r, tid, &lr);
#pragma omp for schedule(static)
		for (uint64_t v = 0; v < ns; v++)
			comp[v] = (uint32_t)v;
		/* rounds: link each node with its r-th out-neighbour, compress
		 * (AFF_ROUNDS == 2: round 0 reads the spans, round 1 nb1) */
		for (unsigned rd = 0; rd < AFF_ROUNDS; rd++) {
#pragma omp for schedule(dynamic, AFF_CHUNK)
			for (uint64_t u = 0; u < ns; u++) {
				if (rd) {
					if (nb1[u] != UINT32_MAX) {
						aff_link(comp, (uint32_t)u, nb1[u]);
						edges++;
					}
					continue;
				}
				rg_span_t sp;
				const uint32_t *ty;
				const int ok = span_t(&lr, u, RG_OUT, type, &sp, &ty) == 0;
				alive[u] = (uint8_t)ok;
				live += (uint64_t)ok;
				if (sp.n && (!ty || ty[0] == type)) {
					aff_link(comp, (uint32_t)u, sp.slots[0]);
					edges++;
				}
				nb1[u] = sp.n > 1 && (!ty || ty[1] == type) ? sp.slots[1] : UINT32_MAX;
			}
#pragma omp for schedule(dynamic, AFF_CHUNK)
			for (uint64_t v = 0; v < ns; v++)
				aff_compress_one(comp, (uint32_t)v);
		}
		/* most nodes are now in one big tree: skip its members; everyone
		 * else links its remaining out-edges and ALL its in-edges (an
		 * edge u->v with u skipped is then linked from v's side) */
#pragma omp single
		big = ns ? aff_sample(comp, ns) : 0;
#pragma omp for schedule(dynamic, AFF_CHUNK)
		for (uint64_t u = 0; u < ns; u++) {
			if (!alive[u] || cget(comp, (uint32_t)u) == big)
				continue;
			rg_span_t sp;
			const uint32_t *ty;
			span_t(&lr, u, RG_OUT, type, &sp, &ty);
			for (uint64_t j = AFF_ROUNDS; j < sp.n; j++)
				if (!ty || ty[j] == type)
					aff_link(comp, (uint32_t)u, sp.slots[j]);
			edges += sp.n > AFF_ROUNDS ? sp.n - AFF_ROUNDS : 0;
			span_t(&lr, u, RG_IN, type, &sp, &ty);
			for (uint64_t j = 0; j < sp.n; j++)
				if (!ty || ty[j] == type)
					aff_link(comp, (uint32_t)u, sp.slots[j]);
			edges += sp.n;
		}
#pragma omp for schedule(dynamic, AFF_CHUNK)
		for (uint64_t v = 0; v < ns; v++)
			aff_compress_one(comp, (uint32_t)v);
		busy += rg__now_ns() - tw;
	}
	if (par)
		rg__par_metrics(r, team, rg__now_ns() - t0, busy);
	exec_report(ex, par, team, edges);
	free(nb1);

	/* every tree is one component, rooted at its smallest slot */
	const size_t k = (size_t)live;
	out->ids = malloc((k ? k : 1) * sizeof *out->ids);
	out->comp = malloc((k ? k : 1) * sizeof *out->comp);
	if (!out->ids || !out->comp) {
		free(comp);
		free(alive);
		rg_wcc_free(out);
		return RG_ENOMEM;
	}
	uint64_t ncomp = 0;
	if (r->dense) {
		/* slot == id: the root is the smallest id, slots are in id order */
		size_t i = 0;
		for (uint64_t s = 0; s < ns; s++) {
			if (!alive[s])
				continue;
			out->ids[i] = s;
			out->comp[i++] = comp[s];
			ncomp += comp[s] == s;
		}
	} else {
		/* the smallest id per root, then the nodes in id order */
		uint64_t *minid = malloc(nsz * sizeof *minid);
		struct rg__kv *kv = NULL;
		if (!minid || sorted_live(r, alive, ns, k, &kv)) {
			free(minid);
			free(comp);
			free(alive);
			rg_wcc_free(out);
			return RG_ENOMEM;
		}
		for (size_t i = 0; i < k; i++)
			minid[comp[kv[i].v]] = UINT64_MAX;
		for (size_t i = 0; i < k; i++) {
			/* ids ascending: a root's first member seen has the smallest id */
			const uint64_t sl = kv[i].v;
			if (minid[comp[sl]] == UINT64_MAX)
				minid[comp[sl]] = kv[i].k;
			ncomp += comp[sl] == sl;
		}
		for (size_t i = 0; i < k; i++) {
			out->ids[i] = kv[i].k;
			out->comp[i] = minid[comp[kv[i].v]];
		}
		free(kv);
		free(minid);
	}
	out->n = k;
	out->ncomp = ncomp;
	free(comp);
	free(alive);
	return 0;
}
