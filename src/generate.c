/*
 * generate.c - deterministic synthetic graph generators and the spec-string
 * front end (rg_gen_from_spec).
 *
 * Determinism: every random number comes from xoshiro256** seeded through
 * splitmix64, bounded integers use Lemire's multiply-shift with rejection,
 * and probabilities are compared as 32-bit fixed point. Only integer
 * arithmetic and IEEE-754 double rounding (to build thresholds) are
 * involved, so the same seed gives the same list on any x86-64/aarch64
 * build. Edges are generated in fixed blocks of GEN_BLOCK edges, each with
 * its own PRNG stream derived from (seed, block index); blocks are filled
 * in parallel with OpenMP, and the output does not depend on the thread
 * count.
 */
#include <rcugraph/load.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "util.h"

#define GEN_BLOCK ((uint64_t)1 << 16)   /* edges per PRNG stream */
#define RMAT_MAX_SCALE 42u

/* ------------------------------------------------------------------ */
/* PRNG                                                                */
/* ------------------------------------------------------------------ */

typedef struct xoshiro {
	uint64_t s[4];
} xoshiro_t;

/* Independent stream `stream` of generator `seed`. */
static void xo_seed(xoshiro_t *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = stream;
	uint64_t h = rg__splitmix64(&x); /* hash of the stream index */
	x = seed ^ h;
	for (int i = 0; i < 4; i++)
		r->s[i] = rg__splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t xo_next(xoshiro_t *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* Uniform in [0, n), n >= 1, exactly unbiased (Lemire 2019). */
static inline uint64_t xo_below(xoshiro_t *r, uint64_t n)
{
	unsigned __int128 m = (unsigned __int128)xo_next(r) * n;
	uint64_t lo = (uint64_t)m;
	if (lo < n) {
		uint64_t t = (0 - n) % n;
		while (lo < t) {
			m = (unsigned __int128)xo_next(r) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

static int alloc_list(rg_edgelist_t *el, uint64_t n_nodes, uint64_t m)
{
	memset(el, 0, sizeof *el);
	el->n_nodes = n_nodes;
	if (m == 0)
		return 0;
	if (m > SIZE_MAX / sizeof(uint64_t))
		return RG_ENOMEM;
	el->src = malloc(m * sizeof(uint64_t));
	el->dst = malloc(m * sizeof(uint64_t));
	if (!el->src || !el->dst) {
		rg_edgelist_free(el);
		el->n_nodes = 0;
		return RG_ENOMEM;
	}
	el->n_edges = m;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Parameter checks (shared with the spec parser for its messages)     */
/* ------------------------------------------------------------------ */

/* Largest edge count we accept: both arrays must be addressable. */
#define MAX_EDGES (((uint64_t)SIZE_MAX / sizeof(uint64_t)) / 2)

static const char *uniform_check(uint64_t n, double deg, uint64_t *m)
{
	if (n == 0)
		return "n must be >= 1";
	if (!isfinite(deg) || deg < 0)
		return "deg must be a finite number >= 0";
	double md = (double)n * deg;
	if (md >= (double)MAX_EDGES)
		return "n*deg edges is too many";
	*m = (uint64_t)(md + 0.5); /* round half up; md >= 0 (no libm needed) */
	if (*m > 0 && n < 2)
		return "n must be >= 2 to have edges without self loops";
	return NULL;
}

static const char *rmat_check(unsigned scale, unsigned ef, double *a, double *b,
			      double *c)
{
	if (scale < 1 || scale > RMAT_MAX_SCALE)
		return "scale must be in 1..42";
	if (ef < 1)
		return "ef (edge factor) must be >= 1";
	if ((uint64_t)ef > MAX_EDGES >> scale)
		return "ef * 2^scale edges is too many";
	if (*a <= 0) {
		*a = 0.57;
		*b = 0.19;
		*c = 0.19;
	}
	if (!isfinite(*a) || !isfinite(*b) || !isfinite(*c) || *b < 0 || *c < 0)
		return "a, b, c must be finite, a > 0, b >= 0, c >= 0";
	if (*a + *b + *c > 1.0 + 1e-9)
		return "a + b + c must be <= 1 (d = 1 - a - b - c)";
	return NULL;
}

static const char *oldbench_check(uint64_t n, unsigned avg)
{
	if (n == 0)
		return "nodes must be >= 1";
	if (avg > 0 && n < 2)
		return "nodes must be >= 2 to have edges without self loops";
	if ((unsigned __int128)n * (2 * (uint64_t)avg) > MAX_EDGES)
		return "nodes * 2*avg edges is too many";
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Generators                                                          */
/* ------------------------------------------------------------------ */

int rg_gen_uniform(rg_edgelist_t *el, uint64_t n, double avg_out_degree,
		   uint64_t seed)
{
	if (!el)
		return RG_EINVAL;
	memset(el, 0, sizeof *el);
	uint64_t m = 0;
	if (uniform_check(n, avg_out_degree, &m))
		return RG_EINVAL;
	int rc = alloc_list(el, n, m);
	if (rc)
		return rc;
	uint64_t nblocks = (m + GEN_BLOCK - 1) / GEN_BLOCK;
	uint64_t *src = el->src, *dst = el->dst;
#pragma omp parallel for schedule(static) if (nblocks > 8)
	for (uint64_t blk = 0; blk < nblocks; blk++) {
		xoshiro_t r;
		xo_seed(&r, seed, blk);
		uint64_t end = (blk + 1) * GEN_BLOCK < m ? (blk + 1) * GEN_BLOCK : m;
		for (uint64_t i = blk * GEN_BLOCK; i < end; i++) {
			uint64_t u = xo_below(&r, n);
			uint64_t v = xo_below(&r, n - 1); /* skip u: no self loop */
			src[i] = u;
			dst[i] = v >= u ? v + 1 : v;
		}
	}
	return 0;
}

int rg_gen_rmat(rg_edgelist_t *el, unsigned scale, unsigned edge_factor,
		double a, double b, double c, uint64_t seed)
{
	if (!el)
		return RG_EINVAL;
	memset(el, 0, sizeof *el);
	if (rmat_check(scale, edge_factor, &a, &b, &c))
		return RG_EINVAL;
	uint64_t n = (uint64_t)1 << scale;
	uint64_t m = (uint64_t)edge_factor << scale;
	if (n > SIZE_MAX / sizeof(uint64_t))
		return RG_ENOMEM;
	/* The permutation is stored as uint32 when ids fit (scale <= 32):
	 * half the cache footprint for the random lookups below. */
	bool narrow = scale <= 32;
	void *perm = malloc(n * (narrow ? sizeof(uint32_t) : sizeof(uint64_t)));
	if (!perm)
		return RG_ENOMEM;
	int rc = alloc_list(el, n, m);
	if (rc) {
		free(perm);
		return rc;
	}

	/* Graph500 vertex relabelling: a seeded Fisher-Yates permutation,
	 * from its own stream (UINT64_MAX, never an edge block index). */
	xoshiro_t pr;
	xo_seed(&pr, seed, UINT64_MAX);
	if (narrow) {
		uint32_t *p32 = perm;
		for (uint64_t i = 0; i < n; i++)
			p32[i] = (uint32_t)i;
		for (uint64_t i = n - 1; i > 0; i--) {
			uint64_t j = xo_below(&pr, i + 1);
			uint32_t t = p32[i];
			p32[i] = p32[j];
			p32[j] = t;
		}
	} else {
		uint64_t *p64 = perm;
		for (uint64_t i = 0; i < n; i++)
			p64[i] = i;
		for (uint64_t i = n - 1; i > 0; i--) {
			uint64_t j = xo_below(&pr, i + 1);
			uint64_t t = p64[i];
			p64[i] = p64[j];
			p64[j] = t;
		}
	}

	/* Quadrant thresholds in 32-bit fixed point: a uniform 32-bit x picks
	 * a (x < ta), b (x < tab), c (x < tabc), else d. */
	const double two32 = 4294967296.0;
	double fa = a * two32, fab = (a + b) * two32, fabc = (a + b + c) * two32;
	uint64_t ta = fa >= two32 ? (uint64_t)1 << 32 : (uint64_t)fa;
	uint64_t tab = fab >= two32 ? (uint64_t)1 << 32 : (uint64_t)fab;
	uint64_t tabc = fabc >= two32 ? (uint64_t)1 << 32 : (uint64_t)fabc;

	uint64_t nblocks = (m + GEN_BLOCK - 1) / GEN_BLOCK;
	uint64_t *src = el->src, *dst = el->dst;
#pragma omp parallel for schedule(static) if (nblocks > 8)
	for (uint64_t blk = 0; blk < nblocks; blk++) {
		xoshiro_t r;
		xo_seed(&r, seed, blk);
		uint64_t beg = blk * GEN_BLOCK;
		uint64_t end = beg + GEN_BLOCK < m ? beg + GEN_BLOCK : m;
		for (uint64_t i = beg; i < end; i++) {
			uint64_t u = 0, v = 0, bits = 0;
			for (unsigned lvl = 0; lvl < scale; lvl++) {
				/* One 64-bit draw serves two levels. */
				if ((lvl & 1) == 0)
					bits = xo_next(&r);
				uint64_t x = bits & 0xffffffffu;
				bits >>= 32;
				unsigned q = (unsigned)(x >= ta) + (unsigned)(x >= tab) +
					     (unsigned)(x >= tabc);
				u = (u << 1) | (q >> 1);
				v = (v << 1) | (q & 1);
			}
			src[i] = u;
			dst[i] = v;
		}
		/* Relabel in a separate tight loop: the lookups are independent
		 * random reads, and this way many are in flight at once. */
		if (narrow) {
			const uint32_t *p32 = perm;
			for (uint64_t i = beg; i < end; i++) {
				src[i] = p32[src[i]];
				dst[i] = p32[dst[i]];
			}
		} else {
			const uint64_t *p64 = perm;
			for (uint64_t i = beg; i < end; i++) {
				src[i] = p64[src[i]];
				dst[i] = p64[dst[i]];
			}
		}
	}
	free(perm);
	return 0;
}

int rg_gen_oldbench(rg_edgelist_t *el, uint64_t n, unsigned avg, uint64_t seed)
{
	if (!el)
		return RG_EINVAL;
	memset(el, 0, sizeof *el);
	if (oldbench_check(n, avg))
		return RG_EINVAL;
	uint64_t lo = avg / 2, span = 2 * (uint64_t)avg - lo + 1;

	/* Pass 1: degrees (stream 0) to size the arrays; pass 2 replays the
	 * same stream while drawing targets from stream 1. */
	xoshiro_t dr, tr;
	xo_seed(&dr, seed, 0);
	xoshiro_t dr0 = dr;
	uint64_t m = 0;
	for (uint64_t u = 0; u < n; u++)
		m += lo + xo_below(&dr, span);
	int rc = alloc_list(el, n, m);
	if (rc)
		return rc;
	dr = dr0;
	xo_seed(&tr, seed, 1);
	uint64_t k = 0;
	for (uint64_t u = 0; u < n; u++) {
		uint64_t d = lo + xo_below(&dr, span);
		for (uint64_t j = 0; j < d; j++) {
			uint64_t v = xo_below(&tr, n - 1); /* skip u: no self loop */
			el->src[k] = u;
			el->dst[k] = v >= u ? v + 1 : v;
			k++;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Spec strings                                                        */
/* ------------------------------------------------------------------ */


enum ptype { P_U64, P_UINT, P_DBL };

typedef struct param {
	const char *key;
	enum ptype type;
	bool required;
	bool seen;
	uint64_t u;
	double d;
} param_t;

static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	if (n == 0 || n > 20)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool parse_dbl(const char *s, size_t n, double *out)
{
	char tmp[64];
	if (n == 0 || n >= sizeof tmp)
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	char *end;
	errno = 0;
	double v = strtod(tmp, &end);
	if (*end != '\0' || errno == ERANGE || !isfinite(v))
		return false;
	*out = v;
	return true;
}

/* Parses "k=v,k=v" (args) against ps[]. */
static int parse_params(const char *spec, const char *kind, const char *args,
			param_t *ps, int np, char *errbuf, size_t errlen)
{
	const char *p = args;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		if (len == 0 || !eq) {
			rg__seterr(errbuf, errlen,
			       "spec '%s': expected key=value, got '%.*s'", spec,
			       (int)len, p);
			return RG_EINVAL;
		}
		size_t klen = (size_t)(eq - p);
		const char *val = eq + 1;
		size_t vlen = len - klen - 1;
		param_t *hit = NULL;
		for (int i = 0; i < np; i++)
			if (strlen(ps[i].key) == klen && memcmp(ps[i].key, p, klen) == 0)
				hit = &ps[i];
		if (!hit) {
			char known[128] = "";
			for (int i = 0; i < np; i++) {
				strcat(known, i ? ", " : "");
				strcat(known, ps[i].key);
			}
			rg__seterr(errbuf, errlen,
			       "spec '%s': unknown key '%.*s' for %s (known: %s)",
			       spec, (int)klen, p, kind, known);
			return RG_EINVAL;
		}
		if (hit->seen) {
			rg__seterr(errbuf, errlen, "spec '%s': key '%s' given twice",
			       spec, hit->key);
			return RG_EINVAL;
		}
		bool ok;
		if (hit->type == P_DBL) {
			ok = parse_dbl(val, vlen, &hit->d);
		} else {
			ok = parse_u64(val, vlen, &hit->u);
			if (ok && hit->type == P_UINT && hit->u > UINT32_MAX)
				ok = false;
		}
		if (!ok) {
			rg__seterr(errbuf, errlen,
			       "spec '%s': bad value '%.*s' for %s (expected %s)",
			       spec, (int)vlen, val, hit->key,
			       hit->type == P_DBL ? "a number" :
			       hit->type == P_UINT ? "an integer 0..4294967295" :
			       "a non-negative integer");
			return RG_EINVAL;
		}
		hit->seen = true;
		if (!comma)
			break;
		p = comma + 1;
		if (!*p) {
			rg__seterr(errbuf, errlen, "spec '%s': trailing ','", spec);
			return RG_EINVAL;
		}
	}
	for (int i = 0; i < np; i++) {
		if (ps[i].required && !ps[i].seen) {
			rg__seterr(errbuf, errlen, "spec '%s': %s needs %s=", spec, kind,
			       ps[i].key);
			return RG_EINVAL;
		}
	}
	return 0;
}

static int gen_err(int rc, const char *spec, char *errbuf, size_t errlen)
{
	if (rc == RG_ENOMEM)
		rg__seterr(errbuf, errlen, "spec '%s': out of memory", spec);
	else if (rc)
		rg__seterr(errbuf, errlen, "spec '%s': %s", spec, rg_strerror(rc));
	return rc;
}

static bool kind_is(const char *spec, size_t klen, const char *kind)
{
	return strlen(kind) == klen && memcmp(spec, kind, klen) == 0;
}

int rg_gen_from_spec(const char *spec, rg_edgelist_t *el, char *errbuf,
		     size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (el)
		memset(el, 0, sizeof *el);
	if (!spec || !el) {
		rg__seterr(errbuf, errlen, "rg_gen_from_spec: NULL argument");
		return RG_EINVAL;
	}
	const char *colon = strchr(spec, ':');
	if (colon) {
		size_t klen = (size_t)(colon - spec);
		const char *args = colon + 1;
		const char *why;
		if (kind_is(spec, klen, "snap"))
			return rg_snap_parse(args, el, errbuf, errlen);
		if (kind_is(spec, klen, "rmat")) {
			param_t ps[] = {
				{ .key = "scale", .type = P_UINT, .required = true },
				{ .key = "ef", .type = P_UINT, .u = 16 },
				{ .key = "seed", .type = P_U64, .u = 1 },
				{ .key = "a", .type = P_DBL, .d = 0.57 },
				{ .key = "b", .type = P_DBL, .d = 0.19 },
				{ .key = "c", .type = P_DBL, .d = 0.19 },
			};
			int rc = parse_params(spec, "rmat", args, ps, 6, errbuf, errlen);
			if (rc)
				return rc;
			double a = ps[3].d, b = ps[4].d, c = ps[5].d;
			if (a <= 0) {
				rg__seterr(errbuf, errlen, "spec '%s': a must be > 0", spec);
				return RG_EINVAL;
			}
			why = rmat_check((unsigned)ps[0].u, (unsigned)ps[1].u, &a, &b, &c);
			if (why) {
				rg__seterr(errbuf, errlen, "spec '%s': %s", spec, why);
				return RG_EINVAL;
			}
			return gen_err(rg_gen_rmat(el, (unsigned)ps[0].u,
						   (unsigned)ps[1].u, a, b, c, ps[2].u),
				       spec, errbuf, errlen);
		}
		if (kind_is(spec, klen, "uniform")) {
			param_t ps[] = {
				{ .key = "n", .type = P_U64, .required = true },
				{ .key = "deg", .type = P_DBL, .d = 16 },
				{ .key = "seed", .type = P_U64, .u = 1 },
			};
			int rc = parse_params(spec, "uniform", args, ps, 3, errbuf, errlen);
			if (rc)
				return rc;
			uint64_t m;
			why = uniform_check(ps[0].u, ps[1].d, &m);
			if (why) {
				rg__seterr(errbuf, errlen, "spec '%s': %s", spec, why);
				return RG_EINVAL;
			}
			return gen_err(rg_gen_uniform(el, ps[0].u, ps[1].d, ps[2].u),
				       spec, errbuf, errlen);
		}
		if (kind_is(spec, klen, "oldbench")) {
			param_t ps[] = {
				{ .key = "nodes", .type = P_U64, .required = true },
				{ .key = "avg", .type = P_UINT, .u = 20 },
				{ .key = "seed", .type = P_U64, .u = 1 },
			};
			int rc = parse_params(spec, "oldbench", args, ps, 3, errbuf, errlen);
			if (rc)
				return rc;
			why = oldbench_check(ps[0].u, (unsigned)ps[1].u);
			if (why) {
				rg__seterr(errbuf, errlen, "spec '%s': %s", spec, why);
				return RG_EINVAL;
			}
			return gen_err(rg_gen_oldbench(el, ps[0].u, (unsigned)ps[1].u,
						       ps[2].u),
				       spec, errbuf, errlen);
		}
	}
	/* Not a known kind: a bare path to a SNAP file? */
	struct stat st;
	if (*spec && stat(spec, &st) == 0)
		return rg_snap_parse(spec, el, errbuf, errlen);
	if (colon)
		rg__seterr(errbuf, errlen,
		       "spec '%s': unknown kind '%.*s' (known: rmat, uniform, "
		       "oldbench, snap) and no file of that name",
		       spec, (int)(colon - spec), spec);
	else
		rg__seterr(errbuf, errlen,
		       "spec '%s': not a generator spec (rmat:..., uniform:..., "
		       "oldbench:..., snap:PATH) and no such file",
		       spec);
	return RG_EINVAL;
}
