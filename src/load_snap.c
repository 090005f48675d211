/*
 * load_snap.c - SNAP edge-list parser (plain text or gzip) and bulk loading
 * of edge lists into a graph.
 *
 * The parser reads the input in 1 MiB chunks (read(2) or zlib gzread) and
 * scans complete lines with a hand-written loop; the partial last line of a
 * chunk is moved to the front of the buffer before the next read. Nothing
 * touches a graph until the whole file has parsed, so a malformed file never
 * leaves a half-loaded graph behind.
 */
#include <rcugraph/load.h>

#include "graph_internal.h" /* rg__txn_load_edges */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "util.h"

#define RD_CHUNK ((size_t)1 << 20)        /* read size */
#define MAX_LINE ((size_t)16 << 20)       /* longer lines are an error */


void rg_edgelist_free(rg_edgelist_t *el)
{
	if (!el)
		return;
	free(el->src);
	free(el->dst);
	memset(el, 0, sizeof *el);
}

/* ------------------------------------------------------------------ */
/* Distinct ids: bitmap when ids are small and dense, else an          */
/* open-addressing hash set (then sorted). Ids are reported in         */
/* ascending order.                                                    */
/* ------------------------------------------------------------------ */


typedef struct idset {
	uint64_t *keys;   /* EMPTY_KEY marks a free slot */
	uint64_t mask;    /* capacity - 1 (power of two) */
	uint64_t count;   /* keys stored, not counting EMPTY_KEY itself */
	bool has_empty;   /* whether the id EMPTY_KEY itself was inserted */
} idset_t;

#define EMPTY_KEY UINT64_MAX

static int idset_init(idset_t *s, uint64_t expect)
{
	uint64_t cap = 1024;
	while (cap < expect * 2 && cap < ((uint64_t)1 << 62))
		cap <<= 1;
	if (cap > SIZE_MAX / sizeof(uint64_t))
		return RG_ENOMEM;
	s->keys = malloc(cap * sizeof(uint64_t));
	if (!s->keys)
		return RG_ENOMEM;
	memset(s->keys, 0xff, cap * sizeof(uint64_t)); /* all EMPTY_KEY */
	s->mask = cap - 1;
	s->count = 0;
	s->has_empty = false;
	return 0;
}

static int idset_grow(idset_t *s)
{
	uint64_t ncap = (s->mask + 1) * 2;
	if (ncap > SIZE_MAX / sizeof(uint64_t))
		return RG_ENOMEM;
	uint64_t *nk = malloc(ncap * sizeof(uint64_t));
	if (!nk)
		return RG_ENOMEM;
	memset(nk, 0xff, ncap * sizeof(uint64_t));
	uint64_t nmask = ncap - 1;
	for (uint64_t i = 0; i <= s->mask; i++) {
		uint64_t k = s->keys[i];
		if (k == EMPTY_KEY)
			continue;
		uint64_t h = mix64(k) & nmask;
		while (nk[h] != EMPTY_KEY)
			h = (h + 1) & nmask;
		nk[h] = k;
	}
	free(s->keys);
	s->keys = nk;
	s->mask = nmask;
	return 0;
}

/* 1 if newly inserted, 0 if present, RG_ENOMEM. */
static int idset_add(idset_t *s, uint64_t k)
{
	if (k == EMPTY_KEY) {
		if (s->has_empty)
			return 0;
		s->has_empty = true;
		return 1;
	}
	uint64_t h = mix64(k) & s->mask;
	for (;;) {
		uint64_t cur = s->keys[h];
		if (cur == k)
			return 0;
		if (cur == EMPTY_KEY)
			break;
		h = (h + 1) & s->mask;
	}
	s->keys[h] = k;
	if (++s->count * 2 > s->mask + 1) {
		int rc = idset_grow(s);
		if (rc)
			return rc;
	}
	return 1;
}

/*
 * Collects the distinct endpoint ids of el. *ids (if ids != NULL) receives a
 * malloc'd array of them in ascending order; *n their number. Ascending,
 * so a graph whose ids are 0..n-1 gets slot == id for every node and its
 * readers skip the id index (rg_graph.dense).
 */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int distinct_ids(const rg_edgelist_t *el, uint64_t **ids, uint64_t *n)
{
	uint64_t m = el->n_edges;
	uint64_t *out = NULL;
	uint64_t cnt = 0;
	if (ids)
		*ids = NULL;
	*n = 0;
	if (m == 0)
		return 0;
	if (m > (SIZE_MAX / sizeof(uint64_t)) / 2)
		return RG_ENOMEM;
	if (ids) {
		/* Upper bound 2m; trimmed with realloc at the end. */
		out = malloc(2 * m * sizeof(uint64_t));
		if (!out)
			return RG_ENOMEM;
	}

	uint64_t maxid = 0;
	for (uint64_t i = 0; i < m; i++) {
		if (el->src[i] > maxid)
			maxid = el->src[i];
		if (el->dst[i] > maxid)
			maxid = el->dst[i];
	}
	/* Bitmap if it is no bigger than the edge arrays themselves (or 1 MiB). */
	uint64_t bm_bytes = maxid / 8 + 1;
	uint64_t budget = m * 16 > ((uint64_t)1 << 20) ? m * 16 : ((uint64_t)1 << 20);
	if (maxid < UINT64_MAX && bm_bytes <= budget) {
		uint64_t words = maxid / 64 + 1;
		uint64_t *bm = calloc(words, sizeof(uint64_t));
		if (!bm) {
			free(out);
			return RG_ENOMEM;
		}
		for (uint64_t i = 0; i < 2 * m; i++) {
			uint64_t id = (i & 1) ? el->dst[i >> 1] : el->src[i >> 1];
			bm[id >> 6] |= (uint64_t)1 << (id & 63);
		}
		/* ascending: read the ids back off the bitmap */
		for (uint64_t w = 0; w < words; w++)
			for (uint64_t b = bm[w]; b; b &= b - 1) {
				if (out)
					out[cnt] = w * 64 + (uint64_t)__builtin_ctzll(b);
				cnt++;
			}
		free(bm);
	} else {
		idset_t s;
		if (idset_init(&s, m / 4) != 0) {
			free(out);
			return RG_ENOMEM;
		}
		for (uint64_t i = 0; i < 2 * m; i++) {
			uint64_t id = (i & 1) ? el->dst[i >> 1] : el->src[i >> 1];
			int r = idset_add(&s, id);
			if (r < 0) {
				free(s.keys);
				free(out);
				return r;
			}
			if (r == 0)
				continue;
			if (out)
				out[cnt] = id;
			cnt++;
		}
		free(s.keys);
		if (out)
			qsort(out, cnt, sizeof *out, cmp_u64);
	}
	if (out) {
		uint64_t *t = realloc(out, cnt * sizeof(uint64_t));
		*ids = t ? t : out;
	}
	*n = cnt;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Input source: plain file descriptor or zlib stream                  */
/* ------------------------------------------------------------------ */

typedef struct source {
	const char *path;
	int fd;          /* plain input (-1 if gzip) */
	gzFile gz;       /* gzip input (NULL if plain) */
	char *errbuf;
	size_t errlen;
} source_t;

/*
 * Reads up to len bytes. Returns the count (>0), 0 at a clean end of input,
 * or a negative RG_E* code with the message set.
 */
static long source_read(source_t *s, char *buf, size_t len)
{
	if (!s->gz) {
		for (;;) {
			ssize_t n = read(s->fd, buf, len);
			if (n >= 0)
				return (long)n;
			if (errno == EINTR)
				continue;
			rg__seterr(s->errbuf, s->errlen, "%s: read: %s", s->path,
			       strerror(errno));
			return RG_EIO;
		}
	}
	int n = gzread(s->gz, buf, (unsigned)len);
	int zerr = Z_OK;
	const char *msg = gzerror(s->gz, &zerr);
	if (n < 0 || (zerr != Z_OK && zerr != Z_BUF_ERROR)) {
		if (zerr == Z_ERRNO) {
			rg__seterr(s->errbuf, s->errlen, "%s: read: %s", s->path,
			       strerror(errno));
			return RG_EIO;
		}
		if (zerr == Z_MEM_ERROR) {
			rg__seterr(s->errbuf, s->errlen, "%s: out of memory in zlib",
			       s->path);
			return RG_ENOMEM;
		}
		if (!msg)
			msg = "unknown zlib error";
		/* gzerror() prefixes "<fd:N>: " (the stream came from gzdopen). */
		if (strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ": "))
			msg = strstr(msg, ": ") + 2;
		rg__seterr(s->errbuf, s->errlen, "%s: corrupt gzip data: %s", s->path,
		       msg);
		return RG_ECORRUPT;
	}
	/* gzread() reports a stream cut short only through gzerror() ==
	 * Z_BUF_ERROR ("unexpected end of file") and a short/zero read. */
	if (n == 0 && zerr == Z_BUF_ERROR) {
		rg__seterr(s->errbuf, s->errlen,
		       "%s: truncated gzip stream (unexpected end of file)",
		       s->path);
		return RG_ECORRUPT;
	}
	return n;
}

/* On a parse error in gzip input, the garbage may come from corruption
 * that zlib only detects later (CRC at the end). Drain the stream: if it
 * turns out corrupt or truncated, that is the better diagnosis. */
static int source_check_rest(source_t *s, char *scratch, size_t len, int rc)
{
	if (!s->gz)
		return rc;
	char msg[512];
	source_t q = *s;
	q.errbuf = msg;
	q.errlen = sizeof msg;
	for (;;) {
		long n = source_read(&q, scratch, len);
		if (n == 0)
			return rc;
		if (n < 0) {
			if (n == RG_ECORRUPT) {
				rg__seterr(s->errbuf, s->errlen, "%s", msg);
				return RG_ECORRUPT;
			}
			return rc;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Line parsing                                                        */
/* ------------------------------------------------------------------ */

typedef struct parser {
	const char *path;
	uint64_t line;
	uint64_t *src, *dst;
	uint64_t n, cap;
	char *errbuf;
	size_t errlen;
} parser_t;

/* Printable, truncated copy of a token for messages. */
static const char *show(char out[64], const char *t, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < 40; i++) {
		unsigned char c = (unsigned char)t[i];
		out[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n > 40) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
	return out;
}

static inline int parse_id(parser_t *p, const char *t, size_t n, uint64_t *out)
{
	char tok[64];
	if (t[0] == '-') {
		rg__seterr(p->errbuf, p->errlen,
		       "%s:%llu: negative node id '%s' (ids are unsigned 64-bit)",
		       p->path, (unsigned long long)p->line, show(tok, t, n));
		return RG_EPARSE;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)t[i] - '0';
		if (d > 9) {
			rg__seterr(p->errbuf, p->errlen,
			       "%s:%llu: invalid node id '%s' (not a decimal integer)",
			       p->path, (unsigned long long)p->line, show(tok, t, n));
			return RG_EPARSE;
		}
		/* 19 digits always fit; only a 20th can overflow. */
		if (i >= 19 && v > (UINT64_MAX - d) / 10) {
			rg__seterr(p->errbuf, p->errlen,
			       "%s:%llu: node id '%s' does not fit in 64 bits",
			       p->path, (unsigned long long)p->line, show(tok, t, n));
			return RG_EPARSE;
		}
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int push_edge(parser_t *p, uint64_t a, uint64_t b)
{
	if (p->n == p->cap) {
		uint64_t ncap = p->cap ? p->cap * 2 : 65536;
		if (ncap > SIZE_MAX / sizeof(uint64_t)) {
			rg__seterr(p->errbuf, p->errlen, "%s: out of memory", p->path);
			return RG_ENOMEM;
		}
		uint64_t *ns = realloc(p->src, ncap * sizeof(uint64_t));
		if (!ns)
			goto nomem;
		p->src = ns;
		uint64_t *nd = realloc(p->dst, ncap * sizeof(uint64_t));
		if (!nd)
			goto nomem;
		p->dst = nd;
		p->cap = ncap;
	}
	p->src[p->n] = a;
	p->dst[p->n] = b;
	p->n++;
	return 0;
nomem:
	rg__seterr(p->errbuf, p->errlen, "%s: out of memory (%llu edges read)",
	       p->path, (unsigned long long)p->n);
	return RG_ENOMEM;
}

static inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Parses one line [s, e) (without its '\n'). p->line is its number. */
static int parse_line(parser_t *p, const char *s, const char *e)
{
	/* Trailing '\r' (CRLF) and trailing blanks. */
	while (e > s && (e[-1] == '\r' || is_blank(e[-1])))
		e--;
	while (s < e && is_blank(*s))
		s++;
	if (s == e || *s == '#')
		return 0;

	const char *tok[2];
	size_t len[2];
	int nf = 0;
	const char *q = s;
	while (q < e) {
		const char *t = q;
		while (q < e && !is_blank(*q))
			q++;
		if (nf < 2) {
			tok[nf] = t;
			len[nf] = (size_t)(q - t);
		}
		nf++;
		while (q < e && is_blank(*q))
			q++;
	}
	if (nf != 2) {
		char show_buf[64];
		rg__seterr(p->errbuf, p->errlen,
		       "%s:%llu: expected 2 fields (FROM TO), found %d in '%s'",
		       p->path, (unsigned long long)p->line, nf,
		       show(show_buf, s, (size_t)(e - s)));
		return RG_EPARSE;
	}
	uint64_t a, b;
	int rc = parse_id(p, tok[0], len[0], &a);
	if (rc)
		return rc;
	rc = parse_id(p, tok[1], len[1], &b);
	if (rc)
		return rc;
	return push_edge(p, a, b);
}

int rg_snap_parse(const char *path, rg_edgelist_t *el, char *errbuf, size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (el)
		memset(el, 0, sizeof *el);
	if (!path || !el) {
		rg__seterr(errbuf, errlen, "rg_snap_parse: NULL argument");
		return RG_EINVAL;
	}

	source_t s = { .path = path, .fd = -1, .gz = NULL, .errbuf = errbuf,
		       .errlen = errlen };
	parser_t p = { .path = path, .errbuf = errbuf, .errlen = errlen };
	char *buf = NULL;
	size_t cap = RD_CHUNK, len = 0;
	int rc = 0;

	s.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s.fd < 0) {
		rg__seterr(errbuf, errlen, "%s: cannot open: %s", path, strerror(errno));
		return RG_EIO;
	}
	buf = malloc(cap);
	if (!buf) {
		rg__seterr(errbuf, errlen, "%s: out of memory", path);
		rc = RG_ENOMEM;
		goto out;
	}

	/* Gzip magic 1f 8b? Read the first bytes; they stay in buf for plain
	 * input, gzip input is re-read from offset 0 through zlib. */
	while (len < 2) {
		long n = source_read(&s, buf + len, cap - len);
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len >= 2 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b) {
		if (lseek(s.fd, 0, SEEK_SET) != 0) {
			rg__seterr(errbuf, errlen, "%s: cannot rewind gzip input: %s",
			       path, strerror(errno));
			rc = RG_EIO;
			goto out;
		}
		s.gz = gzdopen(s.fd, "rb");
		if (!s.gz) {
			rg__seterr(errbuf, errlen, "%s: gzdopen failed", path);
			rc = RG_ENOMEM;
			goto out;
		}
		s.fd = -1; /* owned by s.gz now */
		gzbuffer(s.gz, 256 * 1024);
		len = 0;
	}

	bool eof = false;
	for (;;) {
		/* Complete lines in buf[0, len). */
		const char *q = buf, *end = buf + len;
		const char *nl;
		while ((nl = memchr(q, '\n', (size_t)(end - q))) != NULL) {
			p.line++;
			rc = parse_line(&p, q, nl);
			if (rc) {
				if (rc == RG_EPARSE)
					rc = source_check_rest(&s, buf, cap, rc);
				goto out;
			}
			q = nl + 1;
		}
		len = (size_t)(end - q);
		if (len && q != buf)
			memmove(buf, q, len);
		if (eof) {
			/* The unterminated last line, if any. */
			if (len > 0) {
				p.line++;
				rc = parse_line(&p, buf, buf + len);
			}
			break;
		}
		if (len == cap) {
			/* A line longer than the buffer: grow it (bounded). */
			if (cap >= MAX_LINE) {
				rg__seterr(errbuf, errlen,
				       "%s:%llu: line longer than %zu MiB (binary file?)",
				       path, (unsigned long long)p.line + 1,
				       MAX_LINE >> 20);
				rc = source_check_rest(&s, buf, cap, RG_EPARSE);
				goto out;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				rg__seterr(errbuf, errlen, "%s: out of memory", path);
				rc = RG_ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		long n = source_read(&s, buf + len, cap - len);
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		if (n == 0)
			eof = true;
		len += (size_t)n;
	}

out:
	free(buf);
	if (s.gz) {
		int zr = gzclose_r(s.gz);
		/* Z_BUF_ERROR here: the last read ended inside the stream. */
		if (rc == 0 && zr == Z_BUF_ERROR) {
			rg__seterr(errbuf, errlen,
			       "%s: truncated gzip stream (unexpected end of file)",
			       path);
			rc = RG_ECORRUPT;
		}
	} else if (s.fd >= 0) {
		close(s.fd);
	}
	if (rc) {
		free(p.src);
		free(p.dst);
		return rc;
	}
	if (p.n > 0 && p.n < p.cap) {
		/* Trim; keep the larger arrays if realloc fails. */
		uint64_t *t = realloc(p.src, p.n * sizeof(uint64_t));
		if (t)
			p.src = t;
		t = realloc(p.dst, p.n * sizeof(uint64_t));
		if (t)
			p.dst = t;
	}
	el->src = p.src;
	el->dst = p.dst;
	el->n_edges = p.n;
	uint64_t nn = 0;
	rc = distinct_ids(el, NULL, &nn);
	if (rc) {
		rg__seterr(errbuf, errlen, "%s: out of memory", path);
		rg_edgelist_free(el);
		return rc;
	}
	el->n_nodes = nn;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Loading into a graph                                                */
/* ------------------------------------------------------------------ */

/*
 * Which endpoints already exist is decided inside the transaction itself:
 * rg_txn_add_node() of every distinct id, RG_EEXIST meaning "already
 * there". This needs no read section, so it is race-free against other
 * writers and works under every policy (a read section would need
 * rg_reader_register(), which freezes a "nosync" graph for writing).
 */

/* Version reported when a load commits nothing (empty input). */
static uint64_t current_version(rg_graph_t *g)
{
	rg_stats_t st;
	rg_stats_get(g, &st);
	return st.version;
}

/* Adds ids as nodes (label 0) in txn, tolerating RG_EEXIST. */
static int add_nodes(rg_txn_t *txn, const uint64_t *ids, uint64_t n,
		     uint64_t *added, uint64_t *bad)
{
	for (uint64_t i = 0; i < n; i++) {
		int rc = rg_txn_add_node(txn, ids[i], 0);
		if (rc == RG_EEXIST)
			continue;
		if (rc) {
			*bad = ids[i];
			return rc;
		}
		(*added)++;
	}
	return 0;
}

/* Adds edges [from, to) through the batched insert, in chunks of up to a
 * million edges: chunks that large take its bulk path (sorted by endpoint)
 * on graphs of up to a few million nodes, and bound the copy (32 MB). */
static int add_edges(rg_txn_t *txn, const rg_edgelist_t *el, uint64_t from,
		     uint64_t to, uint32_t type, uint64_t *bad)
{
	enum { CHUNK = 1 << 20 };
	size_t cap = to - from < CHUNK ? (size_t)(to - from) : CHUNK;
	rg_edge_in_t *buf = malloc((cap ? cap : 1) * sizeof *buf);
	if (!buf) {
		*bad = from;
		return RG_ENOMEM;
	}
	for (uint64_t i = from; i < to; i += CHUNK) {
		size_t m = to - i < CHUNK ? (size_t)(to - i) : CHUNK, at = 0;
		for (size_t k = 0; k < m; k++)
			buf[k] = (rg_edge_in_t){el->src[i + k], el->dst[i + k], 0, type};
		int rc = rg_txn_add_edges(txn, buf, m, &at);
		if (rc) {
			*bad = i + at;
			free(buf);
			return rc;
		}
	}
	free(buf);
	return 0;
}

int rg_load_snap(rg_graph_t *g, const char *path, uint32_t type,
		 rg_load_stats_t *stats, char *errbuf, size_t errlen)
{
	if (stats)
		memset(stats, 0, sizeof *stats);
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!g || !path) {
		rg__seterr(errbuf, errlen, "rg_load_snap: NULL argument");
		return RG_EINVAL;
	}
	rg_edgelist_t el;
	int rc = rg_snap_parse(path, &el, errbuf, errlen);
	if (rc)
		return rc;

	uint64_t *ids = NULL, nids = 0, version = 0, added = 0, bad = 0;
	rg_txn_t *txn = NULL;
	rc = distinct_ids(&el, &ids, &nids);
	if (rc) {
		rg__seterr(errbuf, errlen, "%s: out of memory", path);
		goto out;
	}
	version = current_version(g);
	rc = rg_txn_begin(g, &txn);
	if (rc) {
		rg__seterr(errbuf, errlen, "%s: rg_txn_begin: %s", path, rg_strerror(rc));
		goto out;
	}
	rc = add_nodes(txn, ids, nids, &added, &bad);
	if (rc) {
		rg__seterr(errbuf, errlen, "%s: adding node %llu: %s", path,
		       (unsigned long long)bad, rg_strerror(rc));
		rg_txn_abort(txn);
		goto out;
	}
	size_t at = 0;
	rc = el.n_edges ? rg__txn_load_edges(txn, el.src, el.dst, el.n_edges, type, &at) : 0;
	bad = at;
	if (rc) {
		rg__seterr(errbuf, errlen, "%s: adding edge %llu -> %llu: %s", path,
		       (unsigned long long)el.src[bad],
		       (unsigned long long)el.dst[bad], rg_strerror(rc));
		rg_txn_abort(txn);
		goto out;
	}
	rc = rg_txn_commit(txn, &version);
	if (rc) {
		rg__seterr(errbuf, errlen, "%s: commit: %s", path, rg_strerror(rc));
		goto out;
	}
	if (stats) {
		stats->edges = el.n_edges;
		stats->nodes_added = added;
		stats->version = version;
	}
out:
	free(ids);
	rg_edgelist_free(&el);
	return rc;
}

int rg_edgelist_insert(rg_graph_t *g, const rg_edgelist_t *el, uint32_t type,
		       size_t batch, rg_load_stats_t *stats)
{
	if (stats)
		memset(stats, 0, sizeof *stats);
	if (!g || !el || (el->n_edges && (!el->src || !el->dst)))
		return RG_EINVAL;

	uint64_t *ids = NULL, nids = 0, version = 0, added = 0, bad = 0, done = 0;
	rg_txn_t *txn = NULL;
	int rc = distinct_ids(el, &ids, &nids);
	if (rc)
		return rc;
	version = current_version(g);
	if (nids) {
		rc = rg_txn_begin(g, &txn);
		if (rc)
			goto out;
		rc = add_nodes(txn, ids, nids, &added, &bad);
		if (!rc && batch == 0 && el->n_edges) {
			/* one transaction: the edges go straight into a new pack
			 * (a CSR build from the arrays), committed with the nodes */
			size_t at = 0;
			rc = rg__txn_load_edges(txn, el->src, el->dst, el->n_edges, type, &at);
			if (!rc)
				done = el->n_edges;
		}
		if (rc) {
			rg_txn_abort(txn);
			added = 0;
			done = 0;
			goto out;
		}
		rc = rg_txn_commit(txn, &version);
		if (rc) {
			added = 0;
			done = 0;
			goto out;
		}
	}
	uint64_t step = batch ? (uint64_t)batch : el->n_edges;
	while (done < el->n_edges) {
		uint64_t to = el->n_edges - done > step ? done + step : el->n_edges;
		rc = rg_txn_begin(g, &txn);
		if (rc)
			goto out;
		rc = add_edges(txn, el, done, to, type, &bad);
		if (rc) {
			rg_txn_abort(txn);
			goto out;
		}
		rc = rg_txn_commit(txn, &version);
		if (rc)
			goto out;
		done = to;
	}
out:
	if (stats) {
		stats->edges = done;
		stats->nodes_added = added;
		stats->version = version;
	}
	free(ids);
	return rc;
}
