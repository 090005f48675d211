/*
 * gapcsr.c - the static-CSR baseline: CSR build, direction-optimising BFS,
 * PageRank (rcugraph's formula), Afforest CC, sequential references and
 * rcugraph-compatible checksums. See gapcsr.h for the contracts.
 *
 * Written for rcugraph from the published algorithms (Beamer et al. SC'12,
 * Sutton et al. IPDPS'18) and the structure of GAPBS's reference kernels;
 * no GAPBS code is copied.
 *
 * Concurrency model: every parallel phase is one OpenMP worksharing loop (or
 * region); the implicit barrier at its end orders everything it wrote
 * before the next phase reads it. Inside a phase, the only shared words that
 * several threads may touch at once are accessed with __atomic builtins,
 * each commented with why its memory order suffices.
 */
#include "gapcsr.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* rcugraph's checksum constants (src/traverse_internal.h). */
#define GB_CHECKSUM_SEED 0x9E3779B97F4A7C15ULL

static inline uint64_t gb_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	x ^= x >> 31;
	return x;
}

const char *gb_strerror(int rc)
{
	switch (rc) {
	case 0:
		return "ok";
	case GB_EINVAL:
		return "invalid argument";
	case GB_ENOMEM:
		return "out of memory";
	case GB_ERANGE:
		return "id out of range";
	default:
		return "unknown error";
	}
}

static int resolve_threads(int threads, int *out)
{
	if (threads < 0)
		return GB_EINVAL;
	if (threads == 0)
		threads = omp_get_max_threads();
	*out = threads < 1 ? 1 : threads;
	return 0;
}

/* malloc of count elements (at least one), NULL on overflow or failure. */
static void *alloc_n(uint64_t count, size_t size)
{
	if (count == 0)
		count = 1;
	if (count > SIZE_MAX / size)
		return NULL;
	return malloc((size_t)count * size);
}

static void *calloc_n(uint64_t count, size_t size)
{
	if (count == 0)
		count = 1;
	if (count > SIZE_MAX / size)
		return NULL;
	return calloc((size_t)count, size);
}

static inline uint64_t out_deg(const gb_csr_t *c, uint64_t v)
{
	return c->out_off[v + 1] - c->out_off[v];
}

static inline uint64_t in_deg(const gb_csr_t *c, uint64_t v)
{
	return c->in_off[v + 1] - c->in_off[v];
}

/* A usable CSR: arrays present for its sizes. */
static int csr_ok(const gb_csr_t *c)
{
	if (!c || !c->out_off || !c->in_off)
		return 0;
	return c->m == 0 || (c->out_nbr && c->in_nbr);
}

/* ------------------------------------------------------------------ */
/* CSR                                                                */
/* ------------------------------------------------------------------ */

void gb_csr_free(gb_csr_t *c)
{
	if (!c)
		return;
	free(c->out_off);
	free(c->in_off);
	free(c->out_nbr);
	free(c->in_nbr);
	memset(c, 0, sizeof *c);
}

size_t gb_csr_bytes(const gb_csr_t *c)
{
	if (!c || !c->out_off)
		return 0;
	return (size_t)(2 * (c->n + 1) * sizeof(uint64_t) + 2 * c->m * sizeof(uint32_t));
}

/* First vertex v in [0, n] with off[v] >= the t/nt share of m: thread t
 * of nt scatters the vertices [split(t), split(t+1)). Monotone in t, so
 * the ranges tile [0, n). */
static uint64_t split_at(const uint64_t *off, uint64_t n, uint64_t m, int t, int nt)
{
	if (t <= 0)
		return 0;
	if (t >= nt)
		return n;
	uint64_t target = (m / (uint64_t)nt) * (uint64_t)t + (m % (uint64_t)nt) * (uint64_t)t / (uint64_t)nt;
	uint64_t lo = 0, hi = n;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (off[mid] >= target)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int gb_csr_build(gb_csr_t *c, uint64_t n, const uint64_t *src, const uint64_t *dst,
		 uint64_t m, int threads)
{
	if (!c)
		return GB_EINVAL;
	memset(c, 0, sizeof *c);
	if (m && (!src || !dst))
		return GB_EINVAL;
	int T;
	if (resolve_threads(threads, &T))
		return GB_EINVAL;
	if (n > GB_MAX_VERTICES)
		return GB_ERANGE;

	int bad = 0;
#pragma omp parallel for num_threads(T) if (T > 1) reduction(| : bad) schedule(static)
	for (uint64_t i = 0; i < m; i++)
		bad |= (src[i] >= n) | (dst[i] >= n);
	if (bad)
		return GB_ERANGE;

	c->n = n;
	c->m = m;
	c->out_off = calloc_n(n + 1, sizeof *c->out_off);
	c->in_off = calloc_n(n + 1, sizeof *c->in_off);
	c->out_nbr = alloc_n(m, sizeof *c->out_nbr);
	c->in_nbr = alloc_n(m, sizeof *c->in_nbr);
	uint64_t *pos_out = alloc_n(n, sizeof *pos_out);
	uint64_t *pos_in = alloc_n(n, sizeof *pos_in);
	if (!c->out_off || !c->in_off || !c->out_nbr || !c->in_nbr || !pos_out ||
	    !pos_in) {
		free(pos_out);
		free(pos_in);
		gb_csr_free(c);
		return GB_ENOMEM;
	}
	uint64_t *oo = c->out_off, *io = c->in_off;

	/* Degrees into off[v + 1]. */
	if (T > 1) {
#pragma omp parallel for num_threads(T) schedule(static)
		for (uint64_t i = 0; i < m; i++) {
			/* Relaxed: only the final counts matter (integer adds
			 * commute); the loop's closing barrier publishes them. */
			__atomic_fetch_add(&oo[src[i] + 1], 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&io[dst[i] + 1], 1, __ATOMIC_RELAXED);
		}
	} else {
		for (uint64_t i = 0; i < m; i++) {
			oo[src[i] + 1]++;
			io[dst[i] + 1]++;
		}
	}
	for (uint64_t v = 1; v <= n; v++) {
		oo[v] += oo[v - 1];
		io[v] += io[v - 1];
	}
	if (n) {
		memcpy(pos_out, oo, n * sizeof *pos_out);
		memcpy(pos_in, io, n * sizeof *pos_in);
	}

	/* Stable scatter: thread t owns a contiguous range of sources (for the
	 * out-CSR) and of targets (for the in-CSR), balanced by edge count,
	 * and appends that range's edges in input order. Every cursor and
	 * every list is written by one thread only, so no atomics, and each
	 * list's order is the input order whatever the team size. Each thread
	 * reads the whole edge list: fine for the few threads this is run
	 * with (a bucketed two-pass sort would scale further). */
	uint32_t *onb = c->out_nbr, *inb = c->in_nbr;
#pragma omp parallel num_threads(T) if (T > 1)
	{
		const int t = omp_get_thread_num(), nt = omp_get_num_threads();
		const uint64_t olo = split_at(oo, n, m, t, nt), ohi = split_at(oo, n, m, t + 1, nt);
		const uint64_t ilo = split_at(io, n, m, t, nt), ihi = split_at(io, n, m, t + 1, nt);
		for (uint64_t i = 0; i < m; i++) {
			const uint64_t s = src[i], d = dst[i];
			if (s >= olo && s < ohi)
				onb[pos_out[s]++] = (uint32_t)d;
			if (d >= ilo && d < ihi)
				inb[pos_in[d]++] = (uint32_t)s;
		}
	}
	free(pos_out);
	free(pos_in);
	return 0;
}

uint64_t gb_present_from_edges(const gb_csr_t *c, uint8_t *present)
{
	uint64_t k = 0;
	for (uint64_t v = 0; v < c->n; v++) {
		present[v] = (uint8_t)(out_deg(c, v) + in_deg(c, v) > 0);
		k += present[v];
	}
	return k;
}

/* Checks that absent vertices have no edges; counts the present ones. */
static int check_present(const gb_csr_t *c, const uint8_t *present, uint64_t *count)
{
	if (!present) {
		*count = c->n;
		return 0;
	}
	uint64_t k = 0;
	for (uint64_t v = 0; v < c->n; v++) {
		if (present[v])
			k++;
		else if (out_deg(c, v) || in_deg(c, v))
			return GB_EINVAL;
	}
	*count = k;
	return 0;
}

#define PRESENT(p, v) (!(p) || (p)[v])

/* ------------------------------------------------------------------ */
/* BFS                                                                */
/* ------------------------------------------------------------------ */

#define QBUF 1024 /* entries of a thread's local queue buffer */

/* Degree counted by the direction heuristic: the edges a top-down step
 * would examine from v. */
static inline uint64_t bfs_deg(const gb_csr_t *c, uint64_t v, int und)
{
	return out_deg(c, v) + (und ? in_deg(c, v) : 0);
}

/* Appends buf[0..*bn) to the shared queue q at *tail. */
static inline void q_flush(uint32_t *q, uint64_t *tail, const uint32_t *buf, size_t *bn)
{
	if (!*bn)
		return;
	/* Relaxed: the add only reserves a private range of q; the entries
	 * are read after the region's closing barrier, which publishes them. */
	uint64_t at = __atomic_fetch_add(tail, (uint64_t)*bn, __ATOMIC_RELAXED);
	memcpy(q + at, buf, *bn * sizeof *buf);
	*bn = 0;
}

/* Top-down step: expands q[0..qn) into nq, depth nd for new vertices.
 * Returns the heuristic degree sum of the new frontier ("scout count"). */
static uint64_t td_step(const gb_csr_t *c, int und, uint32_t *depth, const uint32_t *q,
			uint64_t qn, uint32_t *nq, uint64_t *nqn, uint32_t nd, int T)
{
	uint64_t scout = 0, tail = 0;
#pragma omp parallel num_threads(T) if (T > 1) reduction(+ : scout)
	{
		uint32_t buf[QBUF];
		size_t bn = 0;
#pragma omp for schedule(dynamic, 64) nowait
		for (uint64_t i = 0; i < qn; i++) {
			const uint32_t u = q[i];
			for (int l = 0; l < 1 + und; l++) {
				const uint64_t *off = l ? c->in_off : c->out_off;
				const uint32_t *nb = l ? c->in_nbr : c->out_nbr;
				for (uint64_t e = off[u]; e < off[u + 1]; e++) {
					const uint32_t v = nb[e];
					/* Relaxed: a stale "unreached" only leads to the
					 * CAS below, which decides; nothing else is
					 * published through depth[] within the step. */
					if (__atomic_load_n(&depth[v], __ATOMIC_RELAXED) != GB_UNREACHED)
						continue;
					uint32_t exp = GB_UNREACHED;
					/* Relaxed CAS: only atomicity matters (exactly one
					 * thread claims v); the step's closing barrier
					 * publishes the depths. */
					if (!__atomic_compare_exchange_n(&depth[v], &exp, nd, 0,
									 __ATOMIC_RELAXED,
									 __ATOMIC_RELAXED))
						continue;
					buf[bn++] = v;
					scout += bfs_deg(c, v, und);
					if (bn == QBUF)
						q_flush(nq, &tail, buf, &bn);
				}
			}
		}
		q_flush(nq, &tail, buf, &bn);
	}
	*nqn = tail;
	return scout;
}

/* Bottom-up step: every unreached vertex looks for a neighbour in the
 * frontier bitmap `front` (in-neighbours; also out-neighbours when
 * undirected) and joins `next` with depth nd. Returns the vertices woken.
 * Work is split by bitmap word, so each word of next and each depth[u] is
 * written by exactly one thread and read by no other during the step:
 * plain accesses. */
static uint64_t bu_step(const gb_csr_t *c, int und, uint32_t *depth, const uint64_t *front,
			uint64_t *next, uint64_t words, uint32_t nd, int T)
{
	const uint64_t n = c->n;
	uint64_t awake = 0;
#pragma omp parallel for num_threads(T) if (T > 1) reduction(+ : awake) schedule(dynamic, 16)
	for (uint64_t w = 0; w < words; w++) {
		uint64_t bits = 0;
		const uint64_t lo = w * 64, hi = lo + 64 < n ? lo + 64 : n;
		for (uint64_t u = lo; u < hi; u++) {
			if (depth[u] != GB_UNREACHED)
				continue;
			for (int l = 0; l < 1 + und; l++) {
				const uint64_t *off = l ? c->out_off : c->in_off;
				const uint32_t *nb = l ? c->out_nbr : c->in_nbr;
				uint64_t e = off[u], end = off[u + 1];
				for (; e < end; e++) {
					const uint32_t v = nb[e];
					if (front[v >> 6] >> (v & 63) & 1)
						break;
				}
				if (e < end) {
					depth[u] = nd;
					bits |= UINT64_C(1) << (u - lo);
					awake++;
					break;
				}
			}
		}
		next[w] = bits;
	}
	return awake;
}

static void queue_to_bitmap(const uint32_t *q, uint64_t qn, uint64_t *bm, uint64_t words, int T)
{
	memset(bm, 0, words * sizeof *bm);
#pragma omp parallel for num_threads(T) if (T > 1) schedule(static)
	for (uint64_t i = 0; i < qn; i++) {
		const uint32_t u = q[i];
		/* Relaxed: several queued vertices share a word, so the OR must be
		 * atomic; the loop's closing barrier publishes the bitmap. */
		__atomic_fetch_or(&bm[u >> 6], UINT64_C(1) << (u & 63), __ATOMIC_RELAXED);
	}
}

static uint64_t bitmap_to_queue(const uint64_t *bm, uint64_t words, uint32_t *q, int T)
{
	uint64_t tail = 0;
#pragma omp parallel num_threads(T) if (T > 1)
	{
		uint32_t buf[QBUF];
		size_t bn = 0;
#pragma omp for schedule(static) nowait
		for (uint64_t w = 0; w < words; w++) {
			uint64_t bits = bm[w];
			while (bits) {
				buf[bn++] = (uint32_t)(w * 64 + (uint64_t)__builtin_ctzll(bits));
				bits &= bits - 1;
				if (bn == QBUF)
					q_flush(q, &tail, buf, &bn);
			}
		}
		q_flush(q, &tail, buf, &bn);
	}
	return tail;
}

int gb_bfs(const gb_csr_t *c, uint64_t root, gb_bfs_mode_t mode, int threads,
	   uint32_t *depth, gb_bfs_stats_t *st)
{
	if (st)
		memset(st, 0, sizeof *st);
	if (!csr_ok(c) || !depth || (mode != GB_BFS_OUT && mode != GB_BFS_UNDIRECTED))
		return GB_EINVAL;
	int T;
	if (resolve_threads(threads, &T))
		return GB_EINVAL;
	if (root >= c->n)
		return GB_ERANGE;
	const uint64_t n = c->n, words = (n + 63) / 64;
	const int und = mode == GB_BFS_UNDIRECTED;
	uint32_t *q = alloc_n(n, sizeof *q), *nq = alloc_n(n, sizeof *nq);
	uint64_t *front = alloc_n(words, sizeof *front), *next = alloc_n(words, sizeof *next);
	if (!q || !nq || !front || !next) {
		free(q);
		free(nq);
		free(front);
		free(next);
		return GB_ENOMEM;
	}
#pragma omp parallel for num_threads(T) if (T > 1) schedule(static)
	for (uint64_t v = 0; v < n; v++)
		depth[v] = GB_UNREACHED;

	depth[root] = 0;
	q[0] = (uint32_t)root;
	uint64_t qn = 1, reached = 1;
	uint32_t level = 0, maxd = 0; /* level: depth of the current frontier */
	unsigned td = 0, bu = 0;
	int64_t edges_to_check = (int64_t)(und ? 2 * c->m : c->m);
	int64_t scout = (int64_t)bfs_deg(c, root, und);
	while (qn) {
		if (scout > edges_to_check / GB_BFS_ALPHA) {
			/* Bottom-up until the frontier shrinks and is small. */
			queue_to_bitmap(q, qn, front, words, T);
			int64_t awake = (int64_t)qn, old;
			do {
				old = awake;
				awake = (int64_t)bu_step(c, und, depth, front, next, words,
							 level + 1, T);
				uint64_t *t = front;
				front = next;
				next = t;
				level++;
				bu++;
				reached += (uint64_t)awake;
				if (awake)
					maxd = level;
			} while (awake >= old || awake > (int64_t)(n / GB_BFS_BETA));
			qn = bitmap_to_queue(front, words, q, T);
			scout = 1;
		} else {
			edges_to_check -= scout;
			uint64_t nqn = 0;
			scout = (int64_t)td_step(c, und, depth, q, qn, nq, &nqn, level + 1, T);
			uint32_t *t = q;
			q = nq;
			nq = t;
			qn = nqn;
			level++;
			td++;
			reached += nqn;
			if (nqn)
				maxd = level;
		}
	}
	free(q);
	free(nq);
	free(front);
	free(next);
	if (st) {
		st->levels = maxd + 1;
		st->reached = reached;
		st->td_steps = td;
		st->bu_steps = bu;
	}
	return 0;
}

int gb_bfs_ref(const gb_csr_t *c, uint64_t root, gb_bfs_mode_t mode, uint32_t *depth)
{
	if (!csr_ok(c) || !depth || (mode != GB_BFS_OUT && mode != GB_BFS_UNDIRECTED))
		return GB_EINVAL;
	if (root >= c->n)
		return GB_ERANGE;
	uint32_t *q = alloc_n(c->n, sizeof *q);
	if (!q)
		return GB_ENOMEM;
	for (uint64_t v = 0; v < c->n; v++)
		depth[v] = GB_UNREACHED;
	uint64_t head = 0, tail = 0;
	depth[root] = 0;
	q[tail++] = (uint32_t)root;
	while (head < tail) {
		const uint32_t u = q[head++];
		for (uint64_t e = c->out_off[u]; e < c->out_off[u + 1]; e++) {
			const uint32_t v = c->out_nbr[e];
			if (depth[v] == GB_UNREACHED) {
				depth[v] = depth[u] + 1;
				q[tail++] = v;
			}
		}
		if (mode != GB_BFS_UNDIRECTED)
			continue;
		for (uint64_t e = c->in_off[u]; e < c->in_off[u + 1]; e++) {
			const uint32_t v = c->in_nbr[e];
			if (depth[v] == GB_UNREACHED) {
				depth[v] = depth[u] + 1;
				q[tail++] = v;
			}
		}
	}
	free(q);
	return 0;
}

int gb_bfs_checksum(const uint32_t *depth, uint64_t n, uint64_t *sum)
{
	if (!sum || (n && !depth))
		return GB_EINVAL;
	uint64_t reached = 0;
	uint32_t maxd = 0;
	for (uint64_t v = 0; v < n; v++) {
		if (depth[v] == GB_UNREACHED)
			continue;
		reached++;
		if (depth[v] > maxd)
			maxd = depth[v];
	}
	/* Counting sort by depth; ids ascending within a depth. */
	uint64_t *start = calloc_n((uint64_t)maxd + 2, sizeof *start);
	uint32_t *order = alloc_n(reached, sizeof *order);
	if (!start || !order) {
		free(start);
		free(order);
		return GB_ENOMEM;
	}
	for (uint64_t v = 0; v < n; v++)
		if (depth[v] != GB_UNREACHED)
			start[(uint64_t)depth[v] + 1]++;
	for (uint64_t d = 1; d <= (uint64_t)maxd + 1; d++)
		start[d] += start[d - 1];
	for (uint64_t v = 0; v < n; v++)
		if (depth[v] != GB_UNREACHED)
			order[start[depth[v]]++] = (uint32_t)v;
	uint64_t h = GB_CHECKSUM_SEED;
	for (uint64_t i = 0; i < reached; i++) {
		h = gb_mix64(h ^ (uint64_t)order[i]);
		h = gb_mix64(h ^ (uint64_t)depth[order[i]]);
	}
	*sum = gb_mix64(h ^ (2 * reached));
	free(start);
	free(order);
	return 0;
}

/* ------------------------------------------------------------------ */
/* PageRank                                                           */
/* ------------------------------------------------------------------ */

/* Block b covers the ids [start[b], start[b + 1]) and holds GB_PR_BLOCK
 * present vertices (the last block: the rest). With an edge-list load,
 * rcugraph gives the present ids slots 0..N-1 in id order, so these are
 * exactly its blocks of GB_PR_BLOCK slots. */
static int pr_blocks(uint64_t n, const uint8_t *present, uint64_t N, uint64_t **start,
		     uint64_t *nb)
{
	const uint64_t B = GB_PR_BLOCK;
	*nb = (N + B - 1) / B;
	uint64_t *s = alloc_n(*nb + 1, sizeof *s);
	if (!s)
		return GB_ENOMEM;
	if (!present) {
		for (uint64_t b = 0; b < *nb; b++)
			s[b] = b * B;
	} else {
		uint64_t k = 0, b = 0;
		for (uint64_t v = 0; v < n; v++) {
			if (!present[v])
				continue;
			if (k % B == 0)
				s[b++] = v;
			k++;
		}
	}
	if (*nb)
		s[0] = 0; /* leading absent ids join block 0 (they are skipped) */
	s[*nb] = n;
	*start = s;
	return 0;
}

int gb_pagerank(const gb_csr_t *c, const uint8_t *present, double damping, unsigned iters,
		int threads, double *rank, double *delta)
{
	if (delta)
		*delta = 0.0;
	if (!csr_ok(c) || !rank || !(damping > 0.0 && damping < 1.0))
		return GB_EINVAL;
	int T;
	if (resolve_threads(threads, &T))
		return GB_EINVAL;
	const uint64_t n = c->n;
	uint64_t N = 0, nb = 0, *start = NULL;
	int rc = check_present(c, present, &N);
	if (rc)
		return rc;
	if (N == 0) {
		for (uint64_t v = 0; v < n; v++)
			rank[v] = 0.0;
		return 0;
	}
	rc = pr_blocks(n, present, N, &start, &nb);
	if (rc)
		return rc;
	double *next = alloc_n(n, sizeof *next), *contrib = alloc_n(n, sizeof *contrib);
	double *part = alloc_n(nb, sizeof *part);
	if (!next || !contrib || !part) {
		free(start);
		free(next);
		free(contrib);
		free(part);
		return GB_ENOMEM;
	}
	const double d = damping, start_r = 1.0 / (double)N;
	const uint64_t *oo = c->out_off, *io = c->in_off;
	const uint32_t *inb = c->in_nbr;
	double *cur = rank, *nxt = next, base = 0.0, l1 = 0.0;

#pragma omp parallel num_threads(T) if (T > 1)
	{
#pragma omp for schedule(static)
		for (uint64_t v = 0; v < n; v++)
			cur[v] = PRESENT(present, v) ? start_r : 0.0;
		for (unsigned it = 0; it < iters; it++) {
			/* Contributions and each block's dangling mass. */
#pragma omp for schedule(dynamic, 1)
			for (uint64_t b = 0; b < nb; b++) {
				double dang = 0.0;
				for (uint64_t u = start[b]; u < start[b + 1]; u++) {
					const uint64_t od = oo[u + 1] - oo[u];
					if (od == 0 && PRESENT(present, u))
						dang += cur[u];
					contrib[u] = od ? cur[u] / (double)od : 0.0;
				}
				part[b] = dang;
			}
#pragma omp single
			{
				double D = 0.0;
				for (uint64_t b = 0; b < nb; b++)
					D += part[b];
				/* Same expression as rcugraph (analytics.c), same rounding. */
				base = (1.0 - d) / (double)N + d * D / (double)N;
			}
			/* Pull: r'(v) summed by one thread in in-adjacency order. */
#pragma omp for schedule(dynamic, 1)
			for (uint64_t b = 0; b < nb; b++) {
				double dl = 0.0;
				for (uint64_t v = start[b]; v < start[b + 1]; v++) {
					if (!PRESENT(present, v)) {
						nxt[v] = 0.0;
						continue;
					}
					double sum = 0.0;
					for (uint64_t e = io[v]; e < io[v + 1]; e++)
						sum += contrib[inb[e]];
					const double nv = base + d * sum;
					nxt[v] = nv;
					dl += fabs(nv - cur[v]);
				}
				part[b] = dl;
			}
#pragma omp single
			{
				double L = 0.0;
				for (uint64_t b = 0; b < nb; b++)
					L += part[b];
				l1 = L;
				double *t = cur;
				cur = nxt;
				nxt = t;
			}
		}
	}
	if (cur != rank)
		memcpy(rank, cur, n * sizeof *rank);
	if (delta)
		*delta = l1;
	free(start);
	free(next);
	free(contrib);
	free(part);
	return 0;
}

int gb_pagerank_ref(const gb_csr_t *c, const uint8_t *present, double damping,
		    unsigned iters, double *rank, double *delta)
{
	if (delta)
		*delta = 0.0;
	if (!csr_ok(c) || !rank || !(damping > 0.0 && damping < 1.0))
		return GB_EINVAL;
	const uint64_t n = c->n;
	uint64_t N = 0;
	int rc = check_present(c, present, &N);
	if (rc)
		return rc;
	double *nx = alloc_n(n, sizeof *nx), *contrib = alloc_n(n, sizeof *contrib);
	if (!nx || !contrib) {
		free(nx);
		free(contrib);
		return GB_ENOMEM;
	}
	const double d = damping;
	for (uint64_t v = 0; v < n; v++)
		rank[v] = PRESENT(present, v) ? 1.0 / (double)N : 0.0;
	double l1 = 0.0;
	for (unsigned it = 0; it < iters && N; it++) {
		/* Dangling mass: partial sums over runs of GB_PR_BLOCK present
		 * vertices, the partials added in order. */
		double D = 0.0, part = 0.0;
		uint64_t k = 0;
		for (uint64_t u = 0; u < n; u++) {
			const uint64_t od = out_deg(c, u);
			contrib[u] = od ? rank[u] / (double)od : 0.0;
			if (!PRESENT(present, u))
				continue;
			if (od == 0)
				part += rank[u];
			if (++k == GB_PR_BLOCK) {
				D += part;
				part = 0.0;
				k = 0;
			}
		}
		if (k)
			D += part;
		const double base = (1.0 - d) / (double)N + d * D / (double)N;
		double L = 0.0;
		part = 0.0;
		k = 0;
		for (uint64_t v = 0; v < n; v++) {
			if (!PRESENT(present, v)) {
				nx[v] = 0.0;
				continue;
			}
			double sum = 0.0;
			for (uint64_t e = c->in_off[v]; e < c->in_off[v + 1]; e++)
				sum += contrib[c->in_nbr[e]];
			nx[v] = base + d * sum;
			part += fabs(nx[v] - rank[v]);
			if (++k == GB_PR_BLOCK) {
				L += part;
				part = 0.0;
				k = 0;
			}
		}
		if (k)
			L += part;
		l1 = L;
		if (n)
			memcpy(rank, nx, n * sizeof *rank);
	}
	if (delta)
		*delta = l1;
	free(nx);
	free(contrib);
	return 0;
}

uint64_t gb_pagerank_checksum(const double *rank, const uint8_t *present, uint64_t n)
{
	if (!rank)
		return 0;
	uint64_t h = GB_CHECKSUM_SEED, k = 0;
	for (uint64_t v = 0; v < n; v++) {
		if (!PRESENT(present, v))
			continue;
		uint64_t bits;
		memcpy(&bits, &rank[v], sizeof bits);
		h = gb_mix64(h ^ v);
		h = gb_mix64(h ^ bits);
		k++;
	}
	return gb_mix64(h ^ (2 * k));
}

/* ------------------------------------------------------------------ */
/* Connected components: Afforest                                     */
/* ------------------------------------------------------------------ */

#define AFF_ROUNDS 2     /* neighbour-sampling rounds */
#define AFF_SAMPLES 1024 /* samples to find the most frequent component */
#define AFF_CHUNK 16384  /* dynamic schedule chunk (vertices) */

/*
 * comp[] is a forest whose parent pointers only ever point to a SMALLER id
 * (links hook a root under a smaller id; compression moves a pointer to an
 * ancestor). So every root is the smallest id of its tree, and once each
 * component is one tree, comp[v] = root = the canonical label.
 *
 * All comp[] accesses inside a parallel phase are relaxed atomics: a value
 * read late is still an ancestor (a valid step toward the root), the CAS
 * is what decides a hook, and no other data is published through comp[];
 * the barrier closing each phase orders it before the next.
 */
static inline uint32_t cget(const uint32_t *comp, uint32_t x)
{
	/* Relaxed: see above (any value read is a valid ancestor). */
	return __atomic_load_n(&comp[x], __ATOMIC_RELAXED);
}

/* Joins the trees of u and v (Afforest's link). */
static void aff_link(uint32_t *comp, uint32_t u, uint32_t v)
{
	uint32_t p1 = cget(comp, u), p2 = cget(comp, v);
	while (p1 != p2) {
		const uint32_t high = p1 > p2 ? p1 : p2, low = p1 > p2 ? p2 : p1;
		const uint32_t ph = cget(comp, high);
		if (ph == low)
			return; /* already hooked there */
		if (ph == high) {
			uint32_t exp = high;
			/* Relaxed CAS: succeeds only while high is still a root;
			 * on failure someone hooked it meanwhile: climb and retry. */
			if (__atomic_compare_exchange_n(&comp[high], &exp, low, 0, __ATOMIC_RELAXED,
							__ATOMIC_RELAXED))
				return;
		}
		p1 = cget(comp, cget(comp, high));
		p2 = cget(comp, low);
	}
}

/* Points every comp[v] at its root. Other threads only shorten paths
 * meanwhile (no links run in this phase), so the walk ends at the root. */
static void aff_compress(uint32_t *comp, uint64_t n, int T)
{
#pragma omp parallel for num_threads(T) if (T > 1) schedule(dynamic, AFF_CHUNK)
	for (uint64_t v = 0; v < n; v++) {
		uint32_t p = cget(comp, (uint32_t)v);
		for (;;) {
			const uint32_t g = cget(comp, p);
			if (g == p)
				break;
			p = g;
		}
		/* Relaxed: see the comment above cget(); p is v's root. */
		__atomic_store_n(&comp[v], p, __ATOMIC_RELAXED);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The most frequent label among AFF_SAMPLES random vertices (fixed seed;
 * ties go to the smaller label). Which one is chosen only affects speed. */
static uint32_t aff_sample(const uint32_t *comp, uint64_t n)
{
	uint32_t s[AFF_SAMPLES];
	uint64_t x = 0x853C49E6748FEA9BULL;
	for (int i = 0; i < AFF_SAMPLES; i++) {
		x += GB_CHECKSUM_SEED; /* splitmix64 stream */
		s[i] = comp[gb_mix64(x) % n];
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

int gb_cc(const gb_csr_t *c, const uint8_t *present, int threads, uint32_t *comp)
{
	if (!csr_ok(c) || !comp)
		return GB_EINVAL;
	int T;
	if (resolve_threads(threads, &T))
		return GB_EINVAL;
	uint64_t N = 0;
	int rc = check_present(c, present, &N);
	if (rc)
		return rc;
	const uint64_t n = c->n;
	if (n == 0)
		return 0;
	const uint64_t *oo = c->out_off, *io = c->in_off;
	const uint32_t *onb = c->out_nbr, *inb = c->in_nbr;

#pragma omp parallel for num_threads(T) if (T > 1) schedule(static)
	for (uint64_t v = 0; v < n; v++)
		comp[v] = (uint32_t)v;

	/* Rounds: link each vertex with its r-th out-neighbour, then compress. */
	for (uint64_t r = 0; r < AFF_ROUNDS; r++) {
#pragma omp parallel for num_threads(T) if (T > 1) schedule(dynamic, AFF_CHUNK)
		for (uint64_t u = 0; u < n; u++)
			if (oo[u] + r < oo[u + 1])
				aff_link(comp, (uint32_t)u, onb[oo[u] + r]);
		aff_compress(comp, n, T);
	}

	/* Most vertices are now in one big tree: skip its members; everyone
	 * else links its remaining out-edges and ALL its in-edges (an edge
	 * u->v with u skipped is then linked from v's side). */
	const uint32_t big = aff_sample(comp, n);
#pragma omp parallel for num_threads(T) if (T > 1) schedule(dynamic, AFF_CHUNK)
	for (uint64_t u = 0; u < n; u++) {
		if (cget(comp, (uint32_t)u) == big)
			continue;
		for (uint64_t e = oo[u] + AFF_ROUNDS; e < oo[u + 1]; e++)
			aff_link(comp, (uint32_t)u, onb[e]);
		for (uint64_t e = io[u]; e < io[u + 1]; e++)
			aff_link(comp, (uint32_t)u, inb[e]);
	}
	aff_compress(comp, n, T);

	if (present) {
#pragma omp parallel for num_threads(T) if (T > 1) schedule(static)
		for (uint64_t v = 0; v < n; v++)
			if (!present[v])
				comp[v] = GB_NONE;
	}
	return 0;
}

static uint32_t uf_find(uint32_t *par, uint32_t x)
{
	while (par[x] != x) {
		par[x] = par[par[x]];
		x = par[x];
	}
	return x;
}

int gb_cc_ref(const gb_csr_t *c, const uint8_t *present, uint32_t *comp)
{
	if (!csr_ok(c) || !comp)
		return GB_EINVAL;
	uint64_t N = 0;
	int rc = check_present(c, present, &N);
	if (rc)
		return rc;
	for (uint64_t v = 0; v < c->n; v++)
		comp[v] = (uint32_t)v;
	for (uint64_t u = 0; u < c->n; u++) {
		for (uint64_t e = c->out_off[u]; e < c->out_off[u + 1]; e++) {
			uint32_t a = uf_find(comp, (uint32_t)u), b = uf_find(comp, c->out_nbr[e]);
			if (a < b)
				comp[b] = a;
			else if (b < a)
				comp[a] = b;
		}
	}
	for (uint64_t v = 0; v < c->n; v++)
		comp[v] = PRESENT(present, v) ? uf_find(comp, (uint32_t)v) : GB_NONE;
	return 0;
}

uint64_t gb_cc_checksum(const uint32_t *comp, const uint8_t *present, uint64_t n)
{
	if (!comp)
		return 0;
	uint64_t h = GB_CHECKSUM_SEED, k = 0;
	for (uint64_t v = 0; v < n; v++) {
		if (!PRESENT(present, v))
			continue;
		h = gb_mix64(h ^ v);
		h = gb_mix64(h ^ (uint64_t)comp[v]);
		k++;
	}
	return gb_mix64(h ^ (2 * k));
}

uint64_t gb_cc_count(const uint32_t *comp, const uint8_t *present, uint64_t n)
{
	if (!comp)
		return 0;
	uint64_t k = 0;
	for (uint64_t v = 0; v < n; v++)
		k += PRESENT(present, v) && comp[v] == (uint32_t)v;
	return k;
}
